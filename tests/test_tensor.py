"""The Tensor's construction, attributes, operators and error messages."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_mlp as tm


@pytest.fixture(autouse=True)
def _restore_default_dtype():  # type: ignore[no-untyped-def]
    yield
    tm.set_default_dtype(tm.float64)


def test_python_floats_get_the_default_dtype_and_ints_stay_int64() -> None:
    assert tm.Tensor([1.0, 2.0]).dtype == np.float64
    assert tm.Tensor(3.5).dtype == np.float64
    assert tm.Tensor([1, 2]).dtype == np.int64
    assert tm.Tensor([True, False]).dtype == np.bool_
    tm.set_default_dtype(tm.float32)
    assert tm.Tensor([1.0]).dtype == np.float32
    assert tm.randn(2).dtype == np.float32


def test_an_ndarray_keeps_its_dtype_and_is_not_copied() -> None:
    array = np.zeros(3, dtype=np.float32)
    t = tm.Tensor(array)
    assert t.dtype == np.float32 and t.data is array
    copied = tm.tensor(array)
    assert copied.data is not array and copied.dtype == np.float32


def test_dtype_argument_converts() -> None:
    assert tm.Tensor([1, 2], dtype=tm.float32).dtype == np.float32


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        ("abc", TypeError, "must be numbers"),
        (["a", "b"], TypeError, "must be numbers"),
        (np.array([object()]), TypeError, "dtype object"),
        ([[1.0, 2.0], [3.0]], ValueError, "not rectangular"),
        (np.array([1 + 2j]), TypeError, "complex"),
    ],
)
def test_bad_data_raises_a_clear_error(data: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        tm.Tensor(data)  # type: ignore[arg-type]


def test_only_floating_tensors_may_require_grad() -> None:
    with pytest.raises(TypeError, match="only floating point tensors"):
        tm.Tensor([1, 2], requires_grad=True)
    with pytest.raises(TypeError, match="only floating point"):
        tm.Tensor([1, 2]).requires_grad_()
    with pytest.raises(TypeError, match="float32 and float64"):
        tm.set_default_dtype(np.int32)


def test_attributes_describe_the_array() -> None:
    t = tm.Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True, name="w")
    assert (t.shape, t.ndim, t.size, t.numel(), len(t)) == ((2, 3), 2, 6, 6, 2)
    assert t.is_leaf and t.op is None and t.name == "w"
    assert t.numpy() is t.data
    y = t * 2.0
    assert not y.is_leaf and y.op == "mul" and y.requires_grad
    assert repr(y.grad_fn) == "<mul>"


def test_item_works_on_one_element_and_explains_otherwise() -> None:
    assert tm.Tensor([[2.5]]).item() == 2.5
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        tm.Tensor([1.0, 2.0]).item()


def test_detach_shares_data_and_leaves_the_graph() -> None:
    w = tm.Tensor([1.0], requires_grad=True)
    d = (w * 2.0).detach()
    assert d.grad_fn is None and not d.requires_grad
    assert w.detach().data is w.data


def test_repr_looks_like_pytorch() -> None:
    assert repr(tm.Tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(tm.Tensor([1.0], requires_grad=True)) == "tensor([1.], requires_grad=True)"
    w = tm.Tensor([1.0], requires_grad=True)
    assert repr(w * 2.0) == "tensor([2.], grad_fn=<mul>)"
    assert "dtype=float32" in repr(tm.Tensor([1.0], dtype=tm.float32))


def test_reflected_operators_accept_scalars_and_arrays() -> None:
    t = tm.Tensor([1.0, 2.0], requires_grad=True)
    array = np.array([10.0, 20.0])
    results = {
        "radd": array + t, "rsub": 1.0 - t, "rmul": 2 * t, "rdiv": 2.0 / t,
        "rpow": 2.0**t, "rmatmul": array @ t,
    }
    for name, result in results.items():
        assert isinstance(result, tm.Tensor), name
        assert result.requires_grad, name
    np.testing.assert_allclose(results["radd"].data, [11.0, 22.0])
    np.testing.assert_allclose(results["rsub"].data, [0.0, -1.0])
    np.testing.assert_allclose(results["rdiv"].data, [2.0, 1.0])
    np.testing.assert_allclose(results["rpow"].data, [2.0, 4.0])
    assert results["rmatmul"].item() == 50.0


def test_python_scalars_do_not_upcast_float32() -> None:
    t = tm.Tensor([1.0], dtype=tm.float32)
    assert (t * 2.5).dtype == np.float32
    assert (1 - t).dtype == np.float32
    assert (t**2).dtype == np.float32


def test_comparisons_return_plain_booleans_and_tensors_stay_hashable() -> None:
    t = tm.Tensor([1.0, 2.0, 3.0])
    assert isinstance(t > 1.5, np.ndarray)
    np.testing.assert_array_equal(t == tm.Tensor([1.0, 0.0, 3.0]), [True, False, True])
    np.testing.assert_array_equal(t <= 2.0, [True, True, False])
    seen = {t: "first"}
    assert seen[t] == "first" and len({t, tm.Tensor([1.0, 2.0, 3.0])}) == 2


def test_matmul_shape_errors_name_the_op_and_both_shapes() -> None:
    expected = r"^matmul: \(3, 4\) @ \(5, 2\): inner sizes 4 and 5 differ$"
    with pytest.raises(ValueError, match=expected):
        tm.zeros(3, 4) @ tm.zeros(5, 2)
    with pytest.raises(ValueError, match="at least 1 dimension"):
        tm.zeros(3) @ tm.Tensor(2.0)
    with pytest.raises(ValueError, match="batch dimensions"):
        tm.zeros(2, 3, 4) @ tm.zeros(5, 4, 2)


def test_broadcast_errors_name_the_op_and_both_shapes() -> None:
    with pytest.raises(ValueError, match=r"add: shapes \(2, 3\) and \(4,\) cannot be broadcast"):
        tm.zeros(2, 3) + tm.zeros(4)
    with pytest.raises(ValueError, match=r"mul: shapes \(2,\) and \(3,\)"):
        tm.zeros(2) * np.zeros(3)


def test_axis_index_and_shape_errors_are_clear() -> None:
    t = tm.zeros(2, 3)
    with pytest.raises(IndexError, match="sum: axis 2 is out of range"):
        t.sum(2)
    with pytest.raises(IndexError, match="softmax: axis -3"):
        t.softmax(-3)
    with pytest.raises(ValueError, match="repeats"):
        t.sum((0, -2))
    with pytest.raises(ValueError, match=r"reshape: cannot reshape a tensor of shape \(2, 3\)"):
        t.reshape(4)
    with pytest.raises(IndexError, match=r"getitem: .*\(tensor shape \(2, 3\)\)"):
        t[5]
    with pytest.raises(ValueError, match="not a permutation"):
        t.transpose(0, 0)


def test_indexing_accepts_tensors_as_indices() -> None:
    t = tm.Tensor([10.0, 20.0, 30.0])
    np.testing.assert_array_equal(t[tm.Tensor([2, 0])].data, [30.0, 10.0])


def test_shape_methods_accept_separate_or_packed_sizes() -> None:
    t = tm.arange(6.0)
    assert t.reshape(2, 3).shape == t.reshape((2, 3)).shape == (2, 3)
    m = t.reshape(2, 3)
    assert m.T.shape == m.transpose().shape == m.transpose(1, 0).shape == (3, 2)
    assert m.mT.shape == (3, 2)
    assert m.expand(4, 2, 3).shape == (4, 2, 3)
