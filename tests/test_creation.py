"""Constructors: shapes, dtypes, seeding."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

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
