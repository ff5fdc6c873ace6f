"""Constructors: shapes, dtypes, seeding."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm


@pytest.mark.parametrize("make", [tm.zeros, tm.ones, tm.randn, tm.rand])
def test_constructors_take_sizes_as_arguments_or_a_tuple(make) -> None:  # type: ignore[no-untyped-def]
    assert make(2, 3).shape == make((2, 3)).shape == (2, 3)
    assert make(2, 3).dtype == np.float64
    assert make(2, dtype=tm.float32).dtype == np.float32
    assert make(2, requires_grad=True).requires_grad


def test_values_of_zeros_ones_full() -> None:
    assert tm.zeros(2).tolist() == [0.0, 0.0]
    assert tm.ones(2).tolist() == [1.0, 1.0]
    assert tm.full((2,), 7.0).tolist() == [7.0, 7.0]


def test_arange_is_int64_for_ints_and_float_otherwise() -> None:
    assert tm.arange(4).tolist() == [0, 1, 2, 3] and tm.arange(4).dtype == np.int64
    assert tm.arange(0.0, 1.0, 0.5).tolist() == [0.0, 0.5]
    with pytest.raises(ValueError, match="step"):
        tm.arange(0, 3, 0)


@pytest.mark.parametrize(("fill", "dtype"), [(7, np.int64), (True, np.bool_), (7.0, np.float64),
                                          (np.int32(7), np.int64), (np.float32(7), np.float64)])
def test_full_infers_its_dtype_from_the_fill_value_as_torch_does(
        fill: object, dtype: type) -> None:
    made = tm.full((2,), fill)  # type: ignore[arg-type]
    assert made.dtype == dtype and made.tolist() == [fill, fill]
    assert tm.full((2,), 7, dtype=tm.float32).dtype == np.float32  # a given dtype wins


def test_full_refuses_a_fill_value_that_is_not_a_number() -> None:
    with pytest.raises(TypeError, match=r"full: fill_value must be a number .* got 'a'"):
        tm.full((2,), "a")  # type: ignore[arg-type]


@pytest.mark.parametrize("make", [tm.rand, tm.randn])
@pytest.mark.parametrize("dtype", [tm.int64, tm.bool_])
def test_random_constructors_refuse_a_dtype_that_is_not_float(make, dtype) -> None:  # type: ignore[no-untyped-def]
    name = make.__name__
    with pytest.raises(TypeError, match=rf"{name}: dtype {np.dtype(dtype)} is not a float dtype"):
        make(3, dtype=dtype)


def test_arange_with_an_int_dtype_truncates_its_arguments_as_torch_does() -> None:
    assert tm.arange(0, 5, dtype=tm.int64).tolist() == [0, 1, 2, 3, 4]
    assert tm.arange(0.9, 3.9, 1.9, dtype=tm.int64).tolist() == [0, 1, 2]  # 0, 3, 1
    assert tm.arange(0, 2.0, 1, dtype=tm.int64).dtype == np.int64
    with pytest.raises(ValueError, match=r"arange: step 0\.5 truncates to 0 for dtype int64"):
        tm.arange(0, 2, 0.5, dtype=tm.int64)
    with pytest.raises(TypeError, match=r"arange: dtype bool is not supported"):
        tm.arange(0, 2, dtype=tm.bool_)


def test_like_constructors_copy_shape_and_dtype() -> None:
    base = tm.zeros(2, 3, dtype=tm.float32)
    for make in (tm.zeros_like, tm.ones_like, tm.randn_like, tm.rand_like):
        made = make(base)
        assert made.shape == (2, 3) and made.dtype == np.float32


def test_like_constructors_fill_their_values_and_take_requires_grad() -> None:
    base = tm.zeros(200, dtype=tm.float32)
    assert (tm.zeros_like(base).data == 0).all() and (tm.ones_like(base).data == 1).all()
    uniform = tm.rand_like(base).data
    assert uniform.min() >= 0.0 and uniform.max() < 1.0 and uniform.std() < 0.4  # not normal
    assert tm.randn_like(base).data.min() < 0.0
    assert tm.zeros_like(base, requires_grad=True).requires_grad
    for make in (tm.rand_like, tm.randn_like):  # an int tensor's like gets the default float
        assert make(tm.tensor([1, 2])).dtype == np.float64
        first = make(base, generator=np.random.default_rng(3)).data
        np.testing.assert_array_equal(first, make(base, generator=np.random.default_rng(3)).data)


def test_bad_sizes_and_seeds_raise() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        tm.zeros(-1)
    with pytest.raises(TypeError, match="ints"):
        tm.ones(2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="non-negative"):
        tm.manual_seed(-1)


def test_arange_of_numpy_ints_is_int64_as_of_python_ints() -> None:
    assert tm.arange(np.int64(5)).dtype == np.int64
    assert tm.arange(0, 5, np.int32(2)).tolist() == [0, 2, 4]
    assert tm.arange(0, 5, np.int32(2)).dtype == np.int64


def test_full_refuses_a_non_finite_fill_for_an_int_dtype() -> None:
    with pytest.raises(ValueError, match="full: fill_value nan cannot be stored as int64"):
        tm.full((2,), float("nan"), dtype=tm.int64)


@pytest.mark.parametrize("make", [tm.rand, tm.randn])
def test_random_creation_refuses_a_generator_that_is_not_a_numpy_generator(make: Any) -> None:
    with pytest.raises(TypeError, match=r"generator must be a numpy.random.Generator or None, "
                                        r"got int \(make one"):
        make(2, generator=42)


def test_linspace_includes_both_ends_in_the_default_float_dtype() -> None:
    values = tm.linspace(0, 1, 5)
    assert values.dtype == tm.get_default_dtype() and values.tolist() == [0, 0.25, 0.5, 0.75, 1]
    assert tm.linspace(2.0, -2.0, 3, dtype=tm.float32).tolist() == [2.0, 0.0, -2.0]
    assert tm.linspace(0, 1, 0).shape == (0,) and tm.linspace(3, 9, 1).tolist() == [3.0]
    assert tm.linspace(0, 1, 3, requires_grad=True).requires_grad


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [((0, 1, -1), ValueError, r"^linspace: steps must be an int >= 0, got -1"),
     ((0, 1, 2.0), TypeError, r"^linspace: steps must be an int >= 0, got 2\.0"),
     ((0, float("inf"), 3), ValueError, r"^linspace: end must be finite, got inf"),
     (("0", 1, 3), TypeError, r"^linspace: start must be a number, got '0'")],
)
def test_linspace_refuses_bad_arguments_naming_them(
    arguments: tuple[Any, ...], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        tm.linspace(*arguments)


def test_eye_is_the_identity_square_or_rectangular() -> None:
    np.testing.assert_array_equal(tm.eye(3).data, np.eye(3))
    assert tm.eye(3).dtype == tm.get_default_dtype()
    assert tm.eye(2, 3, dtype=tm.int64).tolist() == [[1, 0, 0], [0, 1, 0]]
    assert tm.eye(0).shape == (0, 0)
    with pytest.raises(ValueError, match=r"^eye: n must be an int >= 0, got -2"):
        tm.eye(-2)
    with pytest.raises(TypeError, match=r"^eye: m must be an int >= 0, got 1\.5"):
        tm.eye(2, 1.5)  # type: ignore[arg-type]


def test_eye_and_linspace_equal_pytorchs() -> None:
    torch = pytest.importorskip("torch")
    np.testing.assert_array_equal(tm.linspace(-1, 2, 7).data,
                                  torch.linspace(-1, 2, 7, dtype=torch.float64).numpy())
    np.testing.assert_array_equal(tm.eye(3, 2).data, torch.eye(3, 2, dtype=torch.float64).numpy())


def test_linspace_with_an_int_dtype_rounds_toward_zero_as_pytorch() -> None:
    assert tm.linspace(-5, 5, 4, dtype=tm.int64).tolist() == [-5, -1, 1, 5]
    assert tm.linspace(0, -7, 3, dtype=tm.int64).tolist() == [0, -3, -7]


def test_float_arange_is_start_plus_i_steps_rounded_once_as_pytorch() -> None:
    # numpy's arange steps by a step rounded to the dtype: 0.001 in float32 drifts by 2%.
    tail = tm.arange(1000, 1001, 0.001, dtype=tm.float32).data[-3:]
    np.testing.assert_array_equal(tail, np.float32([1000.997, 1000.998, 1000.999]))
    assert tm.arange(16777216, 16777220, dtype=tm.float32).tolist() == [
        16777216.0, 16777216.0, 16777218.0, 16777220.0]  # float32's spacing there is 2
    assert tm.arange(1, 1.3, 0.1).tolist() == [1.0, 1.1, 1.2, 1.3]  # 1 + 2 * 0.1 is 1.2


def test_arange_refuses_a_step_that_leads_away_from_end_and_wraps_unsigned_as_pytorch() -> None:
    for start, end, step in ((3, 0, 1), (0, 3, -1)):
        with pytest.raises(ValueError, match=r"^arange: step .* leads away from end"):
            tm.arange(start, end, step)
    assert tm.arange(3, 3).tolist() == []
    assert tm.arange(-2, 3, dtype=np.uint8).tolist() == [254, 255, 0, 1, 2]
    assert tm.arange(end=3).tolist() == [0, 1, 2]


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_rand_never_reaches_1_in_a_narrow_dtype(dtype: Any) -> None:
    # float64 draws in [1 - 2**-25, 1) round up to 1.0 in float32: seed 0 has one in 14.8M.
    size = 14817373 if dtype == np.float32 else 10000
    x = tm.rand(size, dtype=dtype, generator=np.random.default_rng(0))
    assert x.data.max() < 1.0 and x.dtype == dtype


def test_full_takes_a_0d_tensor_and_names_a_value_its_dtype_cannot_hold() -> None:
    assert tm.full((2,), tm.tensor(3.0)).tolist() == [3.0, 3.0]
    with pytest.raises(ValueError, match=r"^full: fill_value 1180591620717411303424 does not fit "
                                         r"in int64"):
        tm.full((2,), 2**70)
    with pytest.raises(ValueError, match=r"^full: fill_value -1 does not fit in uint8"):
        tm.full((2,), -1, dtype=np.uint8)


def test_full_accepts_the_ends_of_an_int_dtypes_range() -> None:
    assert tm.full((2,), 255, dtype=np.uint8).tolist() == [255, 255]
    assert tm.full((2,), 0, dtype=np.uint8).tolist() == [0, 0]
    assert tm.full((1,), -2**63).tolist() == [-2**63]
    assert tm.full((1,), 2**63 - 1).tolist() == [2**63 - 1]
    with pytest.raises(ValueError, match=r"^full: fill_value 256 does not fit in uint8"):
        tm.full((2,), 256, dtype=np.uint8)


def test_full_names_a_value_a_float_dtype_would_overflow_but_keeps_an_infinity() -> None:
    with pytest.raises(ValueError, match=r"^full: fill_value 1000000.0 does not fit in float16"):
        tm.full((2,), 1e6, dtype=np.float16)
    assert np.isinf(tm.full((2,), float("inf"), dtype=np.float16).data).all()


def test_full_names_a_numpy_non_finite_float_for_an_int_or_bool_dtype() -> None:
    with pytest.raises(ValueError, match=r"^full: fill_value inf cannot be stored as int64"):
        tm.full((2,), np.float32("inf"), dtype=tm.int64)
    with pytest.raises(ValueError, match=r"^full: fill_value nan cannot be stored as bool"):
        tm.full((2,), float("nan"), dtype=tm.bool)


def test_full_of_a_0d_tensor_follows_its_value_and_refuses_a_1d_one() -> None:
    assert tm.full((2,), tm.tensor(3)).dtype == np.int64  # torch.full((2,), torch.tensor(3)) too
    assert tm.full((2,), tm.tensor(True)).dtype == np.bool_
    with pytest.raises(TypeError, match=r"^full: fill_value must be a number"):
        tm.full((2,), tm.tensor([3.0]))  # type: ignore[arg-type]  # PyTorch refuses it too


def test_float_arange_counts_down_and_is_empty_when_start_is_end() -> None:
    assert tm.arange(1.0, 0.0, -0.25).tolist() == [1.0, 0.75, 0.5, 0.25]
    assert tm.arange(3.0, 3.0).tolist() == []
    assert tm.arange(0, 0, 0.5, dtype=tm.float32).shape == (0,)


def test_float32_arange_rounds_each_float64_value_once() -> None:
    np.testing.assert_array_equal(tm.arange(0, 100, 0.1, dtype=tm.float32).data,
                                  (np.arange(1000) * 0.1).astype(np.float32))


# -- empty, empty_like, full_like --------------------------------------------------------


def test_empty_takes_sizes_as_zeros_does_and_the_default_float_dtype() -> None:
    assert tm.empty(2, 3).shape == tm.empty((2, 3)).shape == tm.empty([2, 3]).shape == (2, 3)
    assert tm.empty(2).dtype == np.float64 and tm.empty(2, dtype=tm.int32).dtype == np.int32
    assert tm.empty(0, 4).shape == (0, 4)
    made = tm.empty(3, requires_grad=True)
    assert made.requires_grad and made.is_leaf and not tm.empty(3).requires_grad


def test_empty_and_as_tensor_of_floats_follow_a_float32_default(float32_default: None) -> None:
    assert tm.empty(2).dtype == np.float32
    assert tm.as_tensor([1.0, 2.0]).dtype == np.float32
    assert tm.full_like(tm.empty(2), 7).dtype == np.float32  # the input's dtype, not the value's


def test_empty_refuses_bad_sizes_naming_itself() -> None:
    with pytest.raises(ValueError, match=r"^empty: sizes must be non-negative, got \(2, -1\)"):
        tm.empty(2, -1)
    with pytest.raises(TypeError, match=r"^empty: sizes must be ints, got \(2\.5,\)"):
        tm.empty(2.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.bool_])
def test_empty_like_and_full_like_take_the_shape_and_dtype_of_their_input(dtype: Any) -> None:
    base = tm.zeros(2, 3, dtype=dtype)
    for made in (tm.empty_like(base), tm.full_like(base, 1)):
        assert made.shape == (2, 3) and made.dtype == dtype and not made.requires_grad
    assert tm.full_like(base, 1).tolist() == [[1, 1, 1]] * 2


def test_full_like_takes_a_dtype_and_requires_grad_by_keyword_only() -> None:
    base = tm.ones(2, requires_grad=True)
    assert not tm.full_like(base, 3.0).requires_grad  # the input's requires_grad is not copied
    made = tm.full_like(base, 3, dtype=tm.float32, requires_grad=True)
    assert made.dtype == np.float32 and made.requires_grad and made.tolist() == [3.0, 3.0]
    assert tm.empty_like(base, dtype=tm.int64).dtype == np.int64
    with pytest.raises(TypeError, match="positional"):
        tm.full_like(base, 3, tm.float32)  # type: ignore[misc]
    with pytest.raises(TypeError, match="positional"):
        tm.empty_like(base, tm.float32)  # type: ignore[misc]


def test_full_like_converts_its_value_to_the_inputs_dtype_as_torch_does() -> None:
    assert tm.full_like(tm.tensor([1, 2]), 2.7).tolist() == [2, 2]
    assert tm.full_like(tm.tensor([1, 2]), -2.7).tolist() == [-2, -2]  # toward zero
    assert tm.full_like(tm.tensor([True]), 5).tolist() == [True]
    assert tm.full_like(tm.tensor([1.0]), True).tolist() == [1.0]


def test_full_like_equals_pytorchs_in_values_and_dtype() -> None:
    torch = pytest.importorskip("torch")
    for data, fill in ((np.array([1, 2]), 2.7), (np.array([1, 2]), -2.7),
                       (np.array([1.5, 2.5]), 3), (np.array([True, False]), 5),
                       (np.zeros(2, np.float32), 1 / 3), (np.zeros(2, np.uint8), 254.9)):
        ours = tm.full_like(tm.tensor(data), fill)
        theirs = torch.full_like(torch.from_numpy(data), fill).numpy()
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours.data, theirs)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [(lambda: tm.full_like(np.ones(2), 1), TypeError,
      r"^full_like: input must be a Tensor, got ndarray"),
     (lambda: tm.empty_like([1.0]), TypeError, r"^empty_like: input must be a Tensor, got list"),
     (lambda: tm.full_like(tm.zeros(2, dtype=np.uint8), -1), ValueError,
      r"^full_like: fill_value -1 does not fit in uint8"),
     (lambda: tm.full_like(tm.zeros(2, dtype=np.float16), 1e6), ValueError,
      r"^full_like: fill_value 1000000\.0 does not fit in float16"),
     (lambda: tm.full_like(tm.zeros(2, dtype=tm.int64), float("nan")), ValueError,
      r"^full_like: fill_value nan cannot be stored as int64"),
     (lambda: tm.full_like(tm.zeros(2), "a"), TypeError,
      r"^full_like: fill_value must be a number .* got 'a'"),
     (lambda: tm.empty_like(tm.zeros(2), dtype="floaty"), TypeError,
      r"^empty_like: unknown dtype 'floaty'")],
)
def test_like_constructors_refuse_bad_arguments_naming_themselves(
    make: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize(
    ("name", "make"),
    [("empty", lambda: tm.empty(2, dtype=tm.int64, requires_grad=True)),
     ("empty_like", lambda: tm.empty_like(tm.tensor([1]), requires_grad=True)),
     ("full_like", lambda: tm.full_like(tm.tensor([1]), 2, requires_grad=True)),
     ("randint", lambda: tm.randint(3, (2,), requires_grad=True)),
     ("randperm", lambda: tm.randperm(3, requires_grad=True))],
)
def test_new_constructors_refuse_gradients_for_an_int_dtype_naming_themselves(
    name: str, make: Any
) -> None:
    with pytest.raises(TypeError, match=rf"^{name}: only floating point tensors can require "
                                        r"gradients, got dtype int64"):
        make()


# -- as_tensor and from_numpy ----------------------------------------------------------------


def test_as_tensor_shares_the_memory_of_an_ndarray_of_the_same_dtype() -> None:
    array = np.arange(4.0)
    for shared in (tm.as_tensor(array), tm.as_tensor(array, dtype=tm.float64)):
        assert np.shares_memory(shared.data, array) and shared.dtype == np.float64
    shared = tm.as_tensor(array)
    array[0] = 9.0
    assert shared.tolist() == [9.0, 1.0, 2.0, 3.0]
    assert tm.as_tensor(np.ones(2, np.float32)).dtype == np.float32  # the array's, not the default


def test_as_tensor_copies_an_ndarray_it_converts_and_data_that_is_not_an_array() -> None:
    array = np.arange(3)
    converted = tm.as_tensor(array, dtype=tm.float32)
    assert converted.dtype == np.float32 and not np.shares_memory(converted.data, array)
    assert converted.tolist() == [0.0, 1.0, 2.0]
    made = tm.as_tensor([1.0, 2.0])
    assert made.dtype == np.float64 and made.tolist() == [1.0, 2.0]
    assert tm.as_tensor([1, 2]).dtype == np.int64 and tm.as_tensor(3.5).shape == ()
    assert tm.as_tensor(np.float32(2)).dtype == np.float32  # a numpy scalar keeps its dtype


def test_as_tensor_returns_a_tensor_itself_unless_it_changes_the_dtype() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    assert tm.as_tensor(x) is x and tm.as_tensor(x, dtype=tm.float64) is x
    as_ints = tm.as_tensor(x, dtype=tm.int64)
    assert as_ints.dtype == np.int64 and not as_ints.requires_grad
    as_float32 = tm.as_tensor(x, dtype=tm.float32)  # converted as .to does: the graph is kept
    assert as_float32.dtype == np.float32 and as_float32.requires_grad
    (as_float32 * 3.0).sum().backward()
    assert x.grad is not None and x.grad.tolist() == [3.0, 3.0]


def test_as_tensor_agrees_with_pytorch_on_dtypes_and_sharing() -> None:
    torch = pytest.importorskip("torch")
    for data in (np.ones(2, np.float32), np.arange(3), np.array([True]), [1, 2], np.int8(3)):
        ours, theirs = tm.as_tensor(data), torch.as_tensor(data)
        assert ours.dtype == theirs.numpy().dtype and ours.tolist() == theirs.tolist()
        if isinstance(data, np.ndarray):
            assert np.shares_memory(ours.data, data) == np.shares_memory(theirs.numpy(), data)


@pytest.mark.parametrize(
    ("data", "dtype", "error", "message"),
    [("a", None, TypeError, r"^as_tensor: data must be numbers"),
     ([[1.0], [1.0, 2.0]], None, ValueError, r"^as_tensor: data is not rectangular"),
     (np.ones(2, complex), None, TypeError, r"^as_tensor: data must be numbers .* complex128"),
     ([1.0], "floaty", TypeError, r"^as_tensor: unknown dtype 'floaty'"),
     (tm.ones(2), np.complex64, TypeError, r"^as_tensor: unsupported dtype complex64")],
)
def test_as_tensor_refuses_bad_data_and_dtypes_naming_itself(
    data: Any, dtype: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        tm.as_tensor(data, dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int8, np.int64,
                                   np.uint8, np.uint16, np.bool_])
def test_from_numpy_shares_memory_both_ways_and_keeps_the_dtype(dtype: Any) -> None:
    array = np.zeros((2, 2), dtype)
    shared = tm.from_numpy(array)
    assert shared.dtype == dtype and shared.shape == (2, 2) and not shared.requires_grad
    assert np.shares_memory(shared.data, array)
    array[0, 0] = 1
    assert shared.data[0, 0] == 1
    shared[1, 1] = 1  # and a write to the tensor shows in the array
    assert array[1, 1] == 1


def test_from_numpy_shares_a_non_contiguous_or_0d_array_as_pytorch_does() -> None:
    array = np.arange(12.0).reshape(3, 4)
    column = tm.from_numpy(array[:, 1])
    assert np.shares_memory(column.data, array) and column.tolist() == [1.0, 5.0, 9.0]
    assert tm.from_numpy(np.array(2.0)).shape == ()


@pytest.mark.parametrize(
    ("given", "message"),
    [([1.0, 2.0], r"^from_numpy: ndarray must be a numpy\.ndarray, got list; use tm\.tensor"),
     (np.float64(1.0), r"^from_numpy: ndarray must be a numpy\.ndarray, got float64"),
     (tm.ones(2), r"^from_numpy: ndarray must be a numpy\.ndarray, got Tensor"),
     (np.ones(2, complex), r"^from_numpy: an ndarray of dtype complex128 is not supported; "
                           r"the dtypes are bool, int8 to int64"),
     (np.array(["a"]), r"^from_numpy: an ndarray of dtype <U1 is not supported"),
     (np.array([1, "a"], dtype=object), r"^from_numpy: an ndarray of dtype object is not "),
     (np.ones(2, np.longdouble), r"^from_numpy: an ndarray of dtype float(96|128) is not")],
)
def test_from_numpy_refuses_what_is_not_an_ndarray_of_a_supported_dtype(
    given: Any, message: str
) -> None:
    if np.dtype(np.longdouble).itemsize == 8 and isinstance(given, np.ndarray) \
            and given.dtype == np.longdouble:
        pytest.skip("longdouble is float64 on this platform")
    with pytest.raises(TypeError, match=message):
        tm.from_numpy(given)


# -- randint and randperm --------------------------------------------------------------


def test_randint_takes_pytorchs_two_call_forms_and_keywords() -> None:
    seeded = np.random.default_rng
    expected = seeded(0).integers(0, 10, (2, 3))
    for made in (tm.randint(10, (2, 3), generator=seeded(0)),
                 tm.randint(0, 10, (2, 3), generator=seeded(0)),
                 tm.randint(10, size=(2, 3), generator=seeded(0)),
                 tm.randint(0, 10, size=[2, 3], generator=seeded(0)),
                 tm.randint(high=10, size=(2, 3), generator=seeded(0)),
                 tm.randint(low=0, high=10, size=(2, 3), generator=seeded(0))):
        assert made.dtype == np.int64 and made.shape == (2, 3)
        np.testing.assert_array_equal(made.data, expected)
    assert tm.randint(5, ()).shape == () and tm.randint(5, (0,)).shape == (0,)


def test_randint_draws_from_low_up_to_but_not_including_high() -> None:
    values = tm.randint(-2, 3, (2000,), generator=np.random.default_rng(1)).data
    assert set(values.tolist()) == {-2, -1, 0, 1, 2}
    assert set(tm.randint(4, (500,)).tolist()) == {0, 1, 2, 3}


def test_randint_makes_the_dtype_it_is_given_and_may_use_all_of_its_range() -> None:
    floats = tm.randint(0, 10, (50,), dtype=tm.float32, requires_grad=True)
    assert floats.dtype == np.float32 and floats.requires_grad
    assert (floats.data == np.round(floats.data)).all()  # integers, stored as floats
    assert set(tm.randint(0, 2, (100,), dtype=tm.bool).tolist()) == {False, True}
    full_range = tm.randint(0, 256, (5000,), dtype=tm.uint8).data
    assert full_range.dtype == np.uint8 and full_range.min() == 0 and full_range.max() == 255
    assert tm.randint(-2**63, 2**63, (3,)).dtype == np.int64  # every int64


@pytest.mark.parametrize(
    ("arguments", "keywords", "error", "message"),
    [((10, 3), {}, TypeError, r"^randint: size must be a tuple of ints, such as \(3,\), got 3"),
     ((5, 5, (3,)), {}, ValueError, r"^randint: low must be less than high, got low=5, high=5"),
     ((0.5, 10, (3,)), {}, TypeError, r"^randint: low must be an int, got 0\.5"),
     ((0, 10.0, (3,)), {}, TypeError, r"^randint: high must be an int, got 10\.0"),
     ((True, (3,)), {}, TypeError, r"^randint: high must be an int, got True"),
     (((3,),), {}, TypeError, r"^randint: high is missing"),
     ((), {}, TypeError, r"^randint: size is missing"),
     ((0, 1, 2, (3,)), {}, TypeError, r"^randint: takes \(high, size\) or \(low, high, size\), "
                                      r"got 4 positional arguments"),
     ((5,), {"high": 3, "size": (2,)}, TypeError, r"^randint: got two values for high"),
     ((0, 10, (-1,)), {}, ValueError, r"^randint: sizes must be non-negative, got \(-1,\)"),
     ((0, 300, (3,)), {"dtype": tm.uint8}, ValueError,
      r"^randint: the range \[0, 300\) does not fit in uint8, which holds every integer from 0 "
      r"to 255 only"),
     ((-1, 3, (3,)), {"dtype": tm.uint8}, ValueError, r"^randint: the range \[-1, 3\) does not "),
     ((0, 3, (3,)), {"dtype": tm.bool}, ValueError, r"^randint: the range \[0, 3\) does not fit "
                                                    r"in bool"),
     ((0, 2**24 + 2, (3,)), {"dtype": tm.float32}, ValueError,
      r"^randint: the range \[0, 16777218\) does not fit in float32, which holds every integer "
      r"from -16777216 to 16777216 only"),
     ((0, 2, (3,)), {"dtype": "floaty"}, TypeError, r"^randint: unknown dtype 'floaty'")],
)
def test_randint_refuses_bad_arguments_naming_them(
    arguments: tuple[Any, ...], keywords: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        tm.randint(*arguments, **keywords)


def test_randint_call_forms_and_bound_errors_are_pytorchs() -> None:
    torch = pytest.importorskip("torch")
    for call in ((10, (2, 3)), (2, 5, (4,)), (-3, 0, ())):
        assert tm.randint(*call).shape == tuple(torch.randint(*call).shape)
    for bad in ((10, 3), (5, 5, (3,)), (0.5, 10, (3,))):
        with pytest.raises((TypeError, RuntimeError)):
            torch.randint(*bad)
        with pytest.raises((TypeError, ValueError)):
            tm.randint(*bad)


@pytest.mark.parametrize("n", [0, 1, 7, 100])
def test_randperm_is_a_permutation_of_0_to_n_minus_1(n: int) -> None:
    permutation = tm.randperm(n)
    assert permutation.dtype == np.int64 and permutation.shape == (n,)
    assert sorted(permutation.tolist()) == list(range(n))


def test_randperm_shuffles_and_takes_a_dtype() -> None:
    assert tm.randperm(50, generator=np.random.default_rng(0)).tolist() != list(range(50))
    floats = tm.randperm(5, dtype=tm.float32, requires_grad=True)
    assert floats.dtype == np.float32 and floats.requires_grad
    assert sorted(floats.tolist()) == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert sorted(tm.randperm(256, dtype=tm.uint8).tolist()) == list(range(256))


@pytest.mark.parametrize(
    ("n", "keywords", "error", "message"),
    [(-1, {}, ValueError, r"^randperm: n must be an int >= 0, got -1"),
     (2.0, {}, TypeError, r"^randperm: n must be an int >= 0, got 2\.0"),
     (3, {"dtype": tm.bool}, TypeError, r"^randperm: dtype bool is not supported"),
     (257, {"dtype": tm.uint8}, ValueError,
      r"^randperm: n = 257 does not fit in uint8, which holds every integer from 0 to 255 only"),
     (2**11 + 2, {"dtype": tm.float16}, ValueError,
      r"^randperm: n = 2050 does not fit in float16")],
)
def test_randperm_refuses_bad_arguments_naming_them(
    n: Any, keywords: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        tm.randperm(n, **keywords)


@pytest.mark.parametrize("make", [lambda g: tm.randint(3, (2,), generator=g),
                                  lambda g: tm.randperm(3, generator=g)])
def test_randint_and_randperm_refuse_a_generator_that_is_not_a_numpy_generator(make: Any) -> None:
    with pytest.raises(TypeError, match=r"^rand(int|perm): generator must be a "
                                        r"numpy.random.Generator or None, got int"):
        make(42)


def test_randint_like_takes_the_shape_and_dtype_of_its_input_as_pytorch() -> None:
    tm.manual_seed(0)
    floats = tm.randint_like(tm.zeros(200, 3, dtype=tm.float32), 5)
    assert floats.shape == (200, 3) and floats.dtype == np.float32
    assert set(np.unique(floats.data)) == {0.0, 1.0, 2.0, 3.0, 4.0}
    ints = tm.randint_like(tm.zeros(500, dtype=tm.int32), -2, 3)
    assert ints.dtype == np.int32 and set(np.unique(ints.data)) == {-2, -1, 0, 1, 2}
    assert tm.randint_like(tm.zeros(3), high=4, dtype=tm.int64).dtype == np.int64
    assert tm.randint_like(tm.zeros(4), low=7, high=8).tolist() == [7.0] * 4
    assert tm.randint_like(tm.zeros(2), 5, requires_grad=True).requires_grad
    counts = np.bincount(tm.randint_like(tm.zeros(60_000, dtype=tm.int64), 3).data)
    np.testing.assert_allclose(counts / 60_000, [1 / 3] * 3, atol=0.01)
    tm.manual_seed(8)
    first = tm.randint_like(tm.zeros(10), 100).tolist()
    generator = tm.manual_seed(8)
    assert first == generator.integers(0, 100, 10).astype(float).tolist()
    mine = [tm.randint_like(tm.zeros(10), 100, generator=np.random.default_rng(2)).tolist()
            for _ in range(2)]
    assert mine[0] == mine[1]


def test_randint_like_refuses_bad_bounds_naming_itself() -> None:
    with pytest.raises(TypeError, match=r"^randint_like: high is missing"):
        tm.randint_like(tm.zeros(2))
    with pytest.raises(ValueError, match=r"^randint_like: low must be less than high, got "
                                         r"low=5, high=5"):
        tm.randint_like(tm.zeros(2), 5, 5)
    with pytest.raises(TypeError, match=r"^randint_like: high must be an int, got 2\.5"):
        tm.randint_like(tm.zeros(2), 2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^randint_like: the range \[0, 300\) does not fit in "
                                         r"uint8"):
        tm.randint_like(tm.zeros(2, dtype=tm.uint8), 300)
    with pytest.raises(TypeError, match=r"^randint_like: input must be a Tensor, got list"):
        tm.randint_like([1.0, 2.0], 3)  # type: ignore[arg-type]


def test_randint_like_matches_pytorchs_dtypes() -> None:
    torch = pytest.importorskip("torch")
    for dtype in ("float32", "float64", "int32", "int64", "uint8", "bool"):
        ours = tm.randint_like(tm.zeros(3, dtype=getattr(np, dtype if dtype != "bool"
                                                         else "bool_")), 2)
        theirs = torch.randint_like(torch.zeros(3, dtype=getattr(torch, dtype)), 2)
        assert ours.dtype == np.dtype(str(theirs.dtype).removeprefix("torch.")), dtype


# -- logspace and asarray -------------------------------------------------------------------


@given(start=st.floats(-3, 3), end=st.floats(-3, 3), steps=st.integers(0, 6),
       base=st.sampled_from([10.0, 2.0, 0.5, np.e]))
def test_logspace_is_base_to_the_linspace_of_exponents(start: float, end: float, steps: int,
                                                       base: float) -> None:
    out = tm.logspace(start, end, steps, base)
    assert out.dtype == tm.get_default_dtype() and out.shape == (steps,)
    np.testing.assert_allclose(out.data, np.logspace(start, end, steps, base=base), rtol=1e-13)


def test_logspace_takes_pytorchs_dtypes_and_refuses_bad_arguments() -> None:
    assert tm.logspace(0, 2, 3).tolist() == [1.0, 10.0, 100.0]
    assert tm.logspace(0, 2, 3, base=2, dtype=tm.int64).tolist() == [1, 2, 4]
    assert tm.logspace(0, 3, 4, base=-2.0).tolist() == [1.0, -2.0, 4.0, -8.0]
    assert tm.logspace(0, 1, 2, requires_grad=True).requires_grad
    with pytest.raises(ValueError, match=r"^logspace: steps must be an int >= 0, got -1"):
        tm.logspace(0, 2, -1)
    with pytest.raises(TypeError, match=r"^logspace: base must be a number, got '2'"):
        tm.logspace(0, 2, 3, base="2")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^logspace: dtype bool cannot hold powers"):
        tm.logspace(0, 2, 3, dtype=tm.bool)


def test_logspace_equals_pytorchs(torch_float64: Any) -> None:
    for arguments in ((0, 2, 3), (-1.5, 2.5, 7, 2.0), (0, 3, 4, -2.0), (1, 1, 1)):
        np.testing.assert_allclose(tm.logspace(*arguments).data,
                                   torch_float64.logspace(*arguments).numpy(), rtol=1e-14)
    np.testing.assert_array_equal(tm.logspace(0, 2, 3, 2, dtype=tm.int64).data,
                                  torch_float64.logspace(0, 2, 3, 2, dtype=torch_float64.int64))


def test_asarray_shares_a_tensor_or_an_array_unless_asked_to_copy() -> None:
    x = tm.ones(3, requires_grad=True)
    assert tm.asarray(x) is x
    copied = tm.asarray(x, copy=True)
    assert copied is not x and copied.requires_grad and not np.shares_memory(copied.data, x.data)
    converted = tm.asarray(x, dtype=tm.float32)
    assert converted.dtype == np.float32 and converted.grad_fn is not None  # in the graph
    array = np.zeros(2)
    shared = tm.asarray(array)
    array[0] = 5.0
    assert shared.tolist() == [5.0, 0.0] and not shared.requires_grad
    assert tm.asarray(array, copy=True).tolist() == [5.0, 0.0]
    assert not np.shares_memory(tm.asarray(array, copy=True).data, array)
    assert tm.asarray([1, 2.5]).dtype == tm.get_default_dtype()
    assert tm.asarray(np.float32(3)).dtype == np.float32
    assert tm.asarray([1.0, 2.0], requires_grad=True).requires_grad


def test_asarray_sets_requires_grad_on_the_tensor_it_shares_as_pytorch() -> None:
    x = tm.ones(2)
    assert tm.asarray(x, requires_grad=True) is x and x.requires_grad
    made = x * 2
    for result in (tm.asarray(made, requires_grad=False),
                   tm.asarray(made, copy=True, requires_grad=False)):
        assert not result.requires_grad and made.requires_grad  # detached, as PyTorch's
    assert tm.asarray(made, requires_grad=False).data is made.data
    assert tm.asarray(made, requires_grad=True) is made


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: tm.asarray([1, 2], copy=False), ValueError,
     r"^asarray: copy=False, but a list cannot be shared without a copy"),
    (lambda: tm.asarray(np.ones(2), dtype=tm.float32, copy=False), ValueError,
     r"^asarray: copy=False, but dtype float64 would have to be copied to float32"),
    (lambda: tm.asarray([1, 2], requires_grad=True), TypeError,
     r"^asarray: only floating point tensors can require gradients, got dtype int64"),
    (lambda: tm.asarray([1], device="cuda"), ValueError, r"^asarray: tinygrad_mlp runs on the CPU"),
    (lambda: tm.asarray(["a"]), TypeError, r"^asarray: data must be numbers"),
])
def test_asarray_refuses_what_it_cannot_do_naming_the_argument(
        call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_asarray_equals_pytorchs_in_sharing_and_dtype(torch_float64: Any) -> None:
    torch = torch_float64
    for data, kwargs in (([1, 2.5], {}), ([1, 2], {}), (np.float32(3), {}), ([True], {}),
                         (np.ones(2, np.int32), {"dtype": "float64"})):
        ours = tm.asarray(data, **{k: getattr(tm, v) for k, v in kwargs.items()})
        theirs = torch.asarray(data, **{k: getattr(torch, v) for k, v in kwargs.items()})
        assert ours.dtype == theirs.numpy().dtype and ours.tolist() == theirs.tolist()
    for lib in (tm, torch):
        with pytest.raises(ValueError):
            lib.asarray([1, 2], copy=False)
