"""The Tensor's construction, attributes, operators and error messages."""

from __future__ import annotations

import copy
import warnings
from typing import Any

import numpy as np
import pytest

import tinygrad_mlp as tm
from tinygrad_mlp import ops


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
    assert tm.rand(2).dtype == np.float32


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


def test_requires_grad_is_settable_on_float_leaves_only_as_in_pytorch() -> None:
    leaf = tm.tensor([1.0, 2.0])
    leaf.requires_grad = True
    (leaf * leaf).sum().backward()
    assert leaf.grad is not None and leaf.grad.tolist() == [2.0, 4.0]
    leaf.requires_grad = False
    assert (leaf * 2.0).grad_fn is None
    made = tm.tensor([1.0], requires_grad=True) * 2.0
    assert made.requires_grad_(True) is made  # a no-op, as torch's
    with pytest.raises(RuntimeError, match="only leaf tensors"):
        made.requires_grad = True
    with pytest.raises(RuntimeError, match="only leaf tensors"):
        made.requires_grad_(False)
    assert made.requires_grad and made.grad_fn is not None  # nothing half-changed
    ints = tm.tensor([1, 2])
    with pytest.raises(TypeError, match="only floating point"):
        ints.requires_grad = True
    assert not ints.requires_grad


def test_attributes_describe_the_array() -> None:
    t = tm.Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True, name="w")
    assert (t.shape, t.ndim, t.size, t.numel(), len(t)) == ((2, 3), 2, 6, 6, 2)
    assert t.is_leaf and t.op is None and t.name == "w"
    assert t.detach().numpy() is t.data
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


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "uint8", "float16", "float32"])
def test_repr_names_every_dtype_pytorch_names(dtype: str) -> None:
    # PyTorch leaves out only the default float dtype, int64 and bool.
    assert repr(tm.tensor([1, 2], dtype=getattr(tm, dtype))).endswith(f", dtype={dtype})")
    assert "dtype" not in repr(tm.tensor([1, 2])) + repr(tm.tensor([True]))


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
        t.permute(0, 0)


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


def test_numpy_is_refused_on_a_tensor_that_requires_grad_as_in_pytorch() -> None:
    t = tm.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"use \.detach\(\)\.numpy\(\)"):
        t.numpy()
    with pytest.raises(RuntimeError, match=r"requires grad"):
        (t * 2.0).numpy()
    assert t.detach().numpy() is t.data
    assert tm.tensor([1.0]).numpy() is not None


def test_in_place_operators_write_into_the_same_array_and_bump_the_version() -> None:
    w = tm.tensor([1.0, 2.0], requires_grad=True)
    array, version = w.data, w._version
    with tm.no_grad():
        w -= tm.tensor([0.5, 0.5])
        w += 1.0
        w *= 2.0
        w /= 4.0
    assert w.data is array and w.requires_grad and w.is_leaf
    np.testing.assert_allclose(w.data, [0.75, 1.25])
    assert w._version == version + 4


def test_a_plain_sgd_step_in_place_updates_the_parameter_like_pytorch() -> None:
    w = tm.tensor([1.0, -2.0], requires_grad=True)
    (w * w).sum().backward()
    assert w.grad is not None
    before = w
    with tm.no_grad():
        w -= 0.1 * w.grad
    assert w is before  # updated, not rebound to a new tensor
    np.testing.assert_allclose(w.data, [0.8, -1.6])


def test_in_place_operators_keep_the_dtype() -> None:
    w = tm.ones(3, dtype=tm.float32)
    w += np.arange(3.0)  # float64 operand, stored as float32 (same kind)
    assert w.dtype == np.float32
    np.testing.assert_array_equal(w.data, [1.0, 2.0, 3.0])
    counts = tm.tensor([1, 2])
    counts += 1
    assert counts.dtype == np.int64 and counts.tolist() == [2, 3]


def test_in_place_change_is_refused_while_recording_a_graph_through_it() -> None:
    w = tm.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"isub: cannot change a tensor in place while "
                                           r"recording.*tm\.no_grad\(\)"):
        w -= 1.0
    total = tm.tensor(0.0)
    with pytest.raises(RuntimeError, match=r"iadd: cannot change a tensor in place"):
        total += (w * w).sum()  # would silently drop the gradient if allowed
    np.testing.assert_array_equal(w.data, [1.0, 2.0])
    assert total.item() == 0.0


def test_in_place_change_of_a_saved_input_is_caught_by_backward() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    with tm.no_grad():
        x += 1.0
    with pytest.raises(RuntimeError, match=r"mul backward: its input 0 .* modified in place"):
        loss.backward()


def test_in_place_change_through_a_view_bumps_the_shared_version() -> None:
    x = tm.tensor([[1.0, 2.0], [3.0, 4.0]])
    row = x.reshape(4)
    row += 1.0
    assert x._version == row._version == 1
    np.testing.assert_array_equal(x.data, [[2.0, 3.0], [4.0, 5.0]])


def test_bool_of_a_tensor_needs_one_element_and_names_the_shape() -> None:
    assert bool(tm.tensor([2.0])) and not bool(tm.tensor(0.0))
    with pytest.raises(ValueError, match=r"bool: the truth value of a tensor of shape \(2,\)"):
        bool(tm.tensor([1.0, 2.0]))


def test_numpy_float32_scalars_keep_float32_as_numpy_and_pytorch_do() -> None:
    x = tm.tensor(np.ones(2, dtype=np.float32))
    assert (x * np.float32(2.0)).dtype == np.float32
    assert tm.tensor(np.float32(1.5)).dtype == np.float32
    assert tm.tensor(1.5).dtype == np.float64  # a Python float takes the default dtype


def test_power_assignment_changes_the_tensor_in_place() -> None:
    w = tm.tensor([2.0, 3.0], requires_grad=True)
    same = w
    with tm.no_grad():
        w **= 2
    assert w is same and w.requires_grad
    np.testing.assert_array_equal(w.data, [4.0, 9.0])
    with pytest.raises(RuntimeError, match="ipow: cannot change a tensor in place"):
        w **= 2


def test_transpose_swaps_two_dims_as_pytorch_and_permute_reorders_them_all() -> None:
    m = tm.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(m.transpose(0, 1).data, m.data.T)  # not numpy's identity
    np.testing.assert_array_equal(m.transpose(-1, -2).data, m.data.T)
    cube = tm.arange(24.0).reshape(2, 3, 4)
    assert cube.transpose(0, 2).shape == (4, 3, 2)
    assert cube.transpose(1, -1).shape == (2, 4, 3)
    assert cube.permute(2, 0, 1).shape == cube.permute((2, 0, 1)).shape == (4, 2, 3)
    assert cube.transpose().shape == cube.T.shape == (4, 3, 2)
    x = tm.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    (x.transpose(0, 1) * tm.tensor(np.arange(6.0).reshape(3, 2))).sum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.data, np.arange(6.0).reshape(3, 2).T)


def test_reductions_take_pytorchs_dim_and_keepdim_as_well_as_numpys_names() -> None:
    x = tm.tensor(np.arange(6.0).reshape(2, 3))
    for method in ("sum", "mean", "logsumexp"):
        torch_style = getattr(x, method)(dim=1, keepdim=True)
        numpy_style = getattr(x, method)(axis=1, keepdims=True)
        assert torch_style.shape == (2, 1)
        np.testing.assert_array_equal(torch_style.data, numpy_style.data)
    np.testing.assert_array_equal(x.sum(dim=(0, 1)).data, 15.0)
    np.testing.assert_array_equal(x.softmax(dim=0).data, x.softmax(0).data)
    np.testing.assert_array_equal(x.log_softmax(dim=0).data, x.log_softmax(axis=0).data)
    with pytest.raises(IndexError, match="sum: axis 2 is out of range"):
        x.sum(dim=2)


def test_expand_keeps_a_size_given_as_minus_one_as_pytorch() -> None:
    x = tm.tensor(np.array([[1.0], [2.0]]), requires_grad=True)
    assert x.expand(-1, 3).shape == (2, 3)
    assert x.expand(4, -1, 3).shape == (4, 2, 3)
    x.expand(-1, 3).sum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.data, [[3.0], [3.0]])
    with pytest.raises(ValueError, match=r"expand: -1 in \(-1, 2, 1\) is not allowed for a new"):
        x.expand(-1, 2, 1)


# -- PyTorch's everyday Tensor API: item assignment, copies, casts, shape helpers ---------


def test_item_assignment_writes_in_place_under_no_grad_and_bumps_the_version() -> None:
    w = tm.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = (w * w).sum()
    with tm.no_grad():
        w[0] = 0.0
        w[1, 1] -= 1.0  # getitem, isub, setitem: a view all the way, as in PyTorch
    assert w.tolist() == [[0.0, 0.0], [3.0, 3.0]]
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()


def test_item_assignment_while_recording_is_refused_and_changes_nothing() -> None:
    w = tm.tensor([1.0, 2.0], requires_grad=True)
    for assign in (lambda: w.__setitem__(0, 5.0), lambda: w.__setitem__(slice(None), w * 2)):
        with pytest.raises(RuntimeError, match="setitem: cannot change a tensor in place"):
            assign()
    plain = tm.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="setitem"):
        plain[0] = w[1]  # the value requires grad: the graph would lose it
    assert w.tolist() == [1.0, 2.0] and w._version == 0 and plain.tolist() == [1.0, 2.0]


def test_an_element_of_a_1d_tensor_is_a_view_as_in_pytorch() -> None:
    x = tm.tensor([1.0, 2.0, 3.0])
    v = x[1]
    v += 10.0
    assert x.tolist() == [1.0, 12.0, 3.0] and v.ndim == 0 and x._version == v._version == 1


def test_iterating_a_0d_tensor_raises_and_others_yield_rows() -> None:
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        list(tm.tensor(1.0))
    rows = list(tm.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert [r.tolist() for r in rows] == [[1.0, 2.0], [3.0, 4.0]]


def test_int_index_and_array_conversions_follow_pytorch() -> None:
    assert int(tm.tensor(3.7)) == 3 and [10, 20, 30][tm.tensor(1)] == 20
    with pytest.raises(TypeError, match="only one-element integer tensors"):
        [10, 20][tm.tensor(1.0)]
    assert np.asarray(tm.tensor([1.0, 2.0])).tolist() == [1.0, 2.0]
    source = tm.tensor([1.0, 2.0])
    assert not np.shares_memory(np.array(source, copy=True), source.data)
    assert np.shares_memory(np.asarray(source), source.data)
    stacked = np.stack([tm.tensor([1, 2]), tm.tensor([3, 4])])
    assert stacked.dtype == np.int64 and stacked.shape == (2, 2)
    with pytest.raises(RuntimeError, match="requires grad"):
        np.asarray(tm.tensor([1.0], requires_grad=True))
    made = tm.tensor([tm.tensor(1.0, requires_grad=True), tm.tensor(2.0)])
    assert made.tolist() == [1.0, 2.0] and made.grad_fn is None and not made.requires_grad


def test_deepcopy_copies_leaves_and_refuses_an_ops_output_as_pytorch() -> None:
    w = tm.tensor([1.0, 2.0], requires_grad=True, name="w")
    (w * w).sum().backward()
    copied = copy.deepcopy(w)
    assert copied.tolist() == [1.0, 2.0] and copied.requires_grad and copied.name == "w"
    assert copied.grad is not None and copied.grad.tolist() == [2.0, 4.0]
    with tm.no_grad():
        copied += 1.0
    assert w.tolist() == [1.0, 2.0] and w._version == 0
    with pytest.raises(RuntimeError, match=r"deepcopy: only leaf tensors .* made by 'mul'"):
        copy.deepcopy(w * 2.0)
    model = tm.nn.Linear(2, 3)
    twin = copy.deepcopy(model)
    assert isinstance(twin.weight, tm.nn.Parameter)
    assert twin.weight is not model.weight and np.array_equal(twin.weight.data, model.weight.data)


def test_clone_and_casts_are_copies_that_gradients_flow_back_through() -> None:
    x = tm.tensor([1.0, -2.0], requires_grad=True)
    c = x.clone()
    assert c.data is not x.data and not np.shares_memory(c.data, x.data)
    h = x.float()
    assert h.dtype == np.float32 and x.double() is x and x.to(tm.float64) is x
    (c * 3.0 + h.double() * 2.0).sum().backward()
    assert x.grad is not None and x.grad.dtype == np.float64 and x.grad.tolist() == [5.0, 5.0]
    assert tm.gradcheck(lambda t: (t.clone() * t).to(tm.float64), [x])
    assert tm.gradgradcheck(lambda t: (t.clone() * t).sum(), [x])


def test_view_flatten_squeeze_and_unsqueeze_follow_pytorch() -> None:
    x = tm.tensor(np.arange(6.0).reshape(2, 1, 3), requires_grad=True)
    assert x.flatten().shape == (6,) and x.squeeze().shape == (2, 3)
    assert x.flatten(1).shape == (2, 3) and x.flatten(0, 1).shape == (2, 3)
    assert tm.tensor(5.0).flatten().shape == (1,)
    with pytest.raises(ValueError, match="flatten: start_dim 2 comes after end_dim 1"):
        x.flatten(2, 1)
    assert x.squeeze(1).shape == (2, 3) and x.squeeze(0).shape == (2, 1, 3)
    assert x.unsqueeze(0).shape == (1, 2, 1, 3) and x.unsqueeze(-1).shape == (2, 1, 3, 1)
    assert np.shares_memory(x.view(3, 2).data, x.data)
    with pytest.raises(RuntimeError, match=r"view: shape \(3, 2\) cannot become \(6,\)"):
        x.reshape(2, 3).transpose(0, 1).view(6)
    with pytest.raises(IndexError, match="unsqueeze: axis 4 is out of range"):
        x.unsqueeze(4)
    assert tm.gradcheck(lambda t: t.unsqueeze(1).squeeze(2).flatten() * t.view(-1), [x])


def test_abs_has_pytorchs_gradient_of_zero_at_zero() -> None:
    x = tm.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    abs(x).sum().backward()
    assert x.abs().tolist() == [2.0, 0.0, 3.0]
    assert x.grad is not None and x.grad.tolist() == [-1.0, 0.0, 1.0]


def test_abs_is_one_node_that_graph_drawings_name_abs() -> None:
    y = tm.tensor([-2.0, 3.0], requires_grad=True).abs()
    assert y.grad_fn is not None and y.grad_fn.name == "abs"


STEPS = ["floor", "ceil", "round", "trunc", "fix", "sign", "sgn"]


@pytest.mark.parametrize("name", STEPS)
def test_step_functions_record_a_node_whose_gradient_is_zero_as_in_pytorch(name: str) -> None:
    x = tm.tensor([-1.5, 0.5, 2.0], requires_grad=True)
    y = getattr(x, name)()
    assert y.requires_grad and y.grad_fn is not None
    y.backward(tm.tensor([1.0, np.inf, np.nan]))  # zeros, not g · 0
    assert x.grad is not None and x.grad.tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("name", STEPS)
@pytest.mark.parametrize("dtype", [tm.int64, tm.uint8, tm.float32])
def test_step_functions_keep_the_dtype_and_ints_stay_ints_as_in_pytorch(
        name: str, dtype: object) -> None:
    x = tm.tensor([0, 3, 7], dtype=dtype)
    y = getattr(x, name)()
    assert y.dtype == x.dtype
    assert y.tolist() == ([0, 1, 1] if name in ("sign", "sgn") else [0, 3, 7])


def test_round_halves_to_even_and_takes_decimals_but_not_for_ints_as_pytorch() -> None:
    assert tm.tensor([0.5, 1.5, 2.5, -0.5, -2.5]).round().tolist() == [0.0, 2.0, 2.0, -0.0, -2.0]
    assert tm.tensor([1.25, 1255.0]).round(1).tolist() == [1.2, 1255.0]
    assert tm.tensor([1.25, 1255.0]).round(decimals=-1).tolist() == [0.0, 1260.0]
    with pytest.raises(TypeError, match=r"^round: decimals=1 needs a floating point tensor, "
                                        r"got dtype int64"):
        tm.tensor([1, 2]).round(1)
    with pytest.raises(TypeError, match=r"^round: decimals must be an int, got 0\.5"):
        tm.tensor([1.0]).round(0.5)  # type: ignore[arg-type]


def test_round_with_decimals_rounds_float16_in_float32_as_pytorch() -> None:
    # numpy scales by 10ᵈ in float16 itself: inf past 65504, and NaN for every value at d >= 5
    x = tm.tensor([1.2345, 100.5, -3.14159, 65504.0], dtype=tm.float16)
    assert x.tolist() == [1.234375, 100.5, -3.140625, 65504.0]
    expected = {2: [1.23046875, 100.5, -3.140625, 65504.0], 5: x.tolist(), 8: x.tolist(),
                -1: [0.0, 100.0, -0.0, 65504.0], -2: [0.0, 100.0, -0.0, 65504.0]}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for decimals, values in expected.items():
            rounded = x.round(decimals)
            assert rounded.dtype == tm.float16 and rounded.tolist() == values
            assert tm.round(x, decimals=decimals).tolist() == values
    try:
        import torch
    except ImportError:
        return
    for decimals, values in expected.items():
        assert torch.tensor(x.data).round(decimals=decimals).tolist() == values


def test_sign_of_nan_is_zero_as_in_pytorch_and_of_bools_is_the_bools() -> None:
    assert tm.tensor([-3.0, -0.0, np.nan, np.inf]).sign().tolist() == [-1.0, 0.0, 0.0, 1.0]
    assert tm.tensor([True, False]).sgn().tolist() == [True, False]


def test_frac_keeps_the_sign_and_has_gradient_one() -> None:
    x = tm.tensor([2.75, -2.75, 3.0, np.inf], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # inf - trunc(inf) is NaN, silently as in PyTorch
        y = x.frac()
    assert y.tolist()[:3] == [0.75, -0.75, 0.0] and np.isnan(y.data[3])
    y.sum().backward()
    assert x.grad is not None and x.grad.tolist() == [1.0, 1.0, 1.0, 1.0]


def test_inverse_functions_give_nan_off_their_domain_silently_as_pytorch() -> None:
    x = tm.tensor([-2.0, 1.0, 2.0, 0.5], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outputs = [x.asin(), x.acos(), x.atanh(), x.acosh(), tm.tensor(800.0).sinh()]
        (first,) = tm.grad(outputs[0].sum(), x, create_graph=True)  # the recorded path too
    assert np.isnan(outputs[0].data[[0, 2]]).all() and outputs[0].data[1] == np.pi / 2
    assert np.isnan(outputs[1].data[[0, 2]]).all() and outputs[1].data[1] == 0.0
    assert outputs[2].data[1] == np.inf and np.isnan(outputs[3].data[0])
    assert outputs[4].item() == np.inf
    assert np.isnan(first.data[[0, 2]]).all() and first.data[1] == np.inf


def test_numpys_names_are_the_same_methods_as_in_pytorch() -> None:
    for numpy_name, name in [("arcsin", "asin"), ("arccos", "acos"), ("arctan", "atan"),
                             ("arctan2", "atan2"), ("arcsinh", "asinh"), ("arccosh", "acosh"),
                             ("arctanh", "atanh"), ("fix", "trunc"), ("sgn", "sign")]:
        assert getattr(tm.Tensor, numpy_name) is getattr(tm.Tensor, name)


def test_atan2_broadcasts_takes_a_number_and_names_itself_in_errors() -> None:
    y, x = tm.tensor([[1.0], [-1.0]], requires_grad=True), tm.tensor([1.0, 0.0, 3.0])
    angle = y.atan2(x)
    np.testing.assert_allclose(angle.data, np.arctan2(y.data, x.data), rtol=1e-15)
    assert angle.data[0, 1] == np.pi / 2 and angle.data[1, 1] == -np.pi / 2
    angle.sum().backward()  # dθ/dy = x / (x² + y²): ½ + 0 + 3/10 in each row
    assert y.grad is not None
    np.testing.assert_allclose(y.grad.data, [[0.8], [0.8]], rtol=1e-15)
    assert tm.tensor([1.0], dtype=tm.float32).atan2(1.0).dtype == tm.float32
    with pytest.raises(ValueError, match=r"^atan2: shapes \(2, 1\) and \(3, 1\) cannot be "
                                         r"broadcast together"):
        y.atan2(tm.ones(3, 1))
    for bad in ("a", None):
        with pytest.raises(TypeError, match=r"^atan2: data must be numbers \(bool, int or "
                                            r"float\), got dtype"):
            y.atan2(bad)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"^atan2: data must be numbers"):
            tm.atan2(y, bad)  # type: ignore[arg-type]


def test_a_converted_copy_does_not_share_the_version_of_its_source() -> None:
    source = tm.tensor([1.0, 2.0])
    w = tm.Tensor(source, dtype=tm.float32, requires_grad=True)
    y = (w * w).sum()
    with tm.no_grad():
        source += 1.0
    y.backward()  # w's own memory never changed
    assert w.grad is not None and w.grad.tolist() == [2.0, 4.0]
    assert tm.Tensor(source)._counter is source._counter  # the same memory shares it


def test_maximum_and_minimum_split_ties_and_give_a_nan_both_gradients_as_pytorch() -> None:
    a = tm.tensor([1.0, 2.0, 3.0, np.nan], requires_grad=True)
    b = tm.tensor([1.0, 5.0, 0.0, 4.0], requires_grad=True)
    tm.maximum(a, b).sum().backward()
    assert a.grad is not None and b.grad is not None
    assert a.grad.tolist() == [0.5, 0.0, 1.0, 1.0]
    assert b.grad.tolist() == [0.5, 1.0, 0.0, 1.0]
    a.grad = b.grad = None
    a.minimum(b).sum().backward()
    assert a.grad.tolist() == [0.5, 1.0, 0.0, 1.0]
    assert b.grad.tolist() == [0.5, 0.0, 1.0, 1.0]


def test_maximum_with_a_number_keeps_the_tensors_dtype() -> None:
    x = tm.tensor([-1.0, 2.0], dtype=tm.float32)
    assert tm.maximum(x, 0).dtype == np.float32
    assert tm.maximum(x, 0).tolist() == [0.0, 2.0]


def test_where_picks_elementwise_and_sends_no_gradient_through_the_other_branch() -> None:
    x = tm.tensor([-1.0, 0.5, 2.0], requires_grad=True)
    with np.errstate(invalid="ignore"):  # log(-1) is nan, but that branch is not taken
        y = tm.where(x.data > 0, x.log(), 0.0)
    assert y.tolist()[0] == 0.0
    y.sum().backward()
    assert x.grad is not None and x.grad.tolist() == [0.0, 2.0, 0.5]
    assert x.where(tm.tensor([True, False, True]), 7.0).tolist() == [-1.0, 7.0, 2.0]


def test_where_broadcasts_the_condition_and_both_branches() -> None:
    a = tm.tensor([[1.0], [2.0]], requires_grad=True)
    b = tm.tensor([10.0, 20.0, 30.0], requires_grad=True)
    out = tm.where(np.array([True, False, True]), a, b)
    assert out.tolist() == [[1.0, 20.0, 1.0], [2.0, 20.0, 2.0]]
    out.sum().backward()
    assert a.grad is not None and a.grad.tolist() == [[2.0], [2.0]]
    assert b.grad is not None and b.grad.tolist() == [0.0, 2.0, 0.0]


def test_cat_and_stack_join_and_hand_each_part_its_own_slice_of_the_gradient() -> None:
    a = tm.tensor([[1.0, 2.0]], requires_grad=True)
    b = tm.tensor([[3.0, 4.0], [5.0, 6.0]], requires_grad=True)
    joined = tm.cat([a, b])
    assert joined.tolist() == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    (joined * tm.tensor([[1.0], [2.0], [3.0]])).sum().backward()
    assert a.grad is not None and a.grad.tolist() == [[1.0, 1.0]]
    assert b.grad is not None and b.grad.tolist() == [[2.0, 2.0], [3.0, 3.0]]
    stacked = tm.stack([a[0], b[1]], dim=1)
    assert stacked.shape == (2, 2) and stacked.tolist() == [[1.0, 5.0], [2.0, 6.0]]
    assert tm.cat([a, b], dim=-2).shape == (3, 2)


def test_argmax_and_argmin_give_int64_indices_without_gradient_first_among_ties() -> None:
    x = tm.tensor([[1.0, 3.0, 3.0], [0.0, -2.0, -2.0]], requires_grad=True)
    assert x.argmax().item() == 1 and x.argmin().item() == 4
    assert x.argmax(dim=1).tolist() == [1, 0] and x.argmin(1).tolist() == [0, 1]
    index = x.argmax(0, keepdim=True)
    assert index.dtype == np.int64 and index.shape == (1, 3) and not index.requires_grad
    assert x.argmax(keepdim=True).shape == (1, 1)


def test_var_and_std_use_bessels_correction_by_default_as_pytorch() -> None:
    values = np.array([[1.0, 2.0, 4.0], [3.0, 3.0, 9.0]])
    x = tm.tensor(values)
    assert np.isclose(x.var().item(), np.var(values, ddof=1))
    assert np.allclose(x.var(dim=1, correction=0).data, np.var(values, axis=1))
    assert np.allclose(x.std(0, keepdims=True).data, np.std(values, axis=0, ddof=1,
                                                          keepdims=True))


def test_var_and_std_take_correction_none_as_the_default_1_as_pytorch() -> None:
    x = tm.tensor([[1.0, 2.0, 4.0], [3.0, 3.0, 9.0]])
    assert np.allclose(x.var(correction=None).data, x.var().data)
    assert np.allclose(x.std(1, correction=None).data, x.std(1).data)
    assert np.allclose(tm.var(x, 0, correction=None).data, tm.var(x, 0).data)
    assert np.allclose(tm.std(x, correction=None).data, np.std(x.data, ddof=1))


def test_the_averaging_reductions_refuse_ints_and_bools_as_pytorch_but_sum_takes_them() -> None:
    for values in ([1, 2, 3], [True, False]):
        x = tm.tensor(values)
        for reduce in (x.mean, x.var, x.std, x.nanmean):
            with pytest.raises(TypeError, match="needs a floating point tensor"):
                reduce()
        assert x.sum().item() == sum(values) and x.amax().item() == max(values)


def test_std_of_constant_data_has_a_zero_gradient_as_pytorch_not_nan() -> None:
    x = tm.tensor([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no 0 · inf on the way
        x.std(dim=1).sum().backward()
    assert x.grad is not None and x.grad.tolist()[0] == [0.0, 0.0, 0.0]
    assert np.all(np.isfinite(x.grad.data))


def test_var_and_std_take_only_the_axis_positionally_as_the_others_differ_between_libraries(
) -> None:
    x = tm.tensor([[0.0, 1.0, 4.0], [9.0, 16.0, 25.0]])
    with pytest.raises(TypeError, match="positional"):
        x.var(0, False)  # PyTorch reads False as unbiased, numpy as a dtype
    with pytest.raises(TypeError, match="positional"):
        x.std(0, True)


def test_where_of_two_numbers_gives_a_default_dtype_tensor_as_pytorch() -> None:
    out = tm.where(np.array([True, False]), 1.0, 0.0)
    assert isinstance(out, tm.Tensor) and out.dtype == np.float64 and out.tolist() == [1.0, 0.0]


def test_argmax_along_a_nonempty_dim_of_an_empty_tensor_is_empty_as_pytorch() -> None:
    index = tm.zeros(0, 3).argmax(1)
    assert index.shape == (0,) and index.dtype == np.int64
    with pytest.raises(ValueError, match=r"argmax: the tensor \(shape \(0, 3\)\) is empty"):
        tm.zeros(0, 3).argmax(0)


def test_min_splits_the_gradient_among_ties_like_max() -> None:
    x = tm.tensor([[2.0, 1.0, 1.0], [0.0, 5.0, 6.0]], requires_grad=True)
    x.amin(1).sum().backward()
    assert x.min().item() == 0.0
    assert x.grad is not None and x.grad.tolist() == [[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]]


def test_sqrt_matches_numpy_and_its_gradient_is_one_over_twice_the_root() -> None:
    x = tm.tensor([4.0, 9.0], requires_grad=True)
    x.sqrt().sum().backward()
    assert x.sqrt().tolist() == [2.0, 3.0]
    assert x.grad is not None and x.grad.tolist() == [0.25, 1.0 / 6.0]


def test_maximum_gives_both_inputs_the_gradient_where_either_is_nan() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    tm.maximum(x, tm.tensor([np.nan, 0.0])).sum().backward()
    assert x.grad is not None and x.grad.tolist() == [1.0, 1.0]


def test_min_of_values_with_a_nan_is_nan_as_pytorch() -> None:
    assert np.isnan(tm.tensor([1.0, np.nan, 3.0]).min().item())


def test_argmax_and_argmin_of_a_0d_tensor_take_dim_0_or_minus_1_as_pytorch() -> None:
    assert tm.tensor(3.0).argmax(dim=0).item() == 0 and tm.tensor(3.0).argmin(dim=-1).item() == 0


def test_var_and_std_honour_correction_and_keepdim_and_give_nan_or_inf_without_freedom() -> None:
    x = tm.tensor([[1.0, 2.0, 3.0, 4.0]] * 3)
    assert x.var(dim=1, keepdim=True).shape == (3, 1) and x.std(dim=1, keepdim=True).shape == (3, 1)
    assert np.isclose(x[0].std(correction=0).item(), np.std([1, 2, 3, 4]))
    with np.errstate(divide="ignore", invalid="ignore"):
        assert np.isnan(tm.tensor([1.0]).var().item())
        assert np.isinf(tm.tensor([1.0, 2.0]).var(correction=2).item())


def test_the_non_leaf_grad_warning_points_at_the_users_line() -> None:
    h = tm.tensor([1.0], requires_grad=True) * 2.0
    with pytest.warns(UserWarning) as caught:
        _ = h.grad
    assert caught[0].filename == __file__


def test_where_keeps_the_tensors_dtype_when_the_number_comes_first() -> None:
    x = tm.tensor([1.0, -1.0], dtype=tm.float32)
    assert tm.where(x.data > 0, 1.0, x).dtype == np.float32
    assert tm.where(x.data > 0, x, 1.0).dtype == np.float32


def test_minimum_names_itself_when_its_input_is_not_a_tensor() -> None:
    with pytest.raises(TypeError, match=r"^minimum: input must be a Tensor"):
        tm.minimum([1.0], tm.tensor([2.0]))  # type: ignore[arg-type]


def test_where_keeps_its_own_copy_of_the_condition() -> None:
    x = tm.tensor([1.0, 2.0, 3.0], requires_grad=True)
    mask = np.array([True, False, True])
    out = tm.where(mask, x, 0.0)
    mask[:] = False  # the caller reuses the array: the recorded choice must not move
    out.sum().backward()
    assert x.grad is not None and x.grad.tolist() == [1.0, 0.0, 1.0]


def test_to_cpu_is_the_tensor_itself_and_other_devices_are_refused_naming_the_cpu() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    assert x.to("cpu") is x and x.to("cpu:0") is x
    with pytest.raises(ValueError, match=r"^to: tinygrad_mlp runs on the CPU only, got device "
                                         r"'cuda'"):
        x.to("cuda")
    with pytest.raises(TypeError, match=r"^to: unknown dtype 'float17'"):
        x.to("float17")


@pytest.mark.parametrize(
    "values", [[1.0, float("nan"), 2.0], [1.0, float("inf")], [1.0], []])
def test_std_is_nan_where_the_variance_is_as_in_pytorch(values: list[float]) -> None:
    x = tm.tensor(values, requires_grad=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        assert np.isnan(x.std().item()) and np.isnan(x.var().item())
    assert tm.tensor([2.0, 2.0]).std().item() == 0.0  # constant data: 0, not nan


def test_where_keeps_the_unselected_gradient_zero_under_create_graph_as_in_pytorch() -> None:
    x = tm.tensor([-1.0, 4.0], requires_grad=True)
    for f in (lambda t: t.log(), lambda t: t.sqrt()):
        with np.errstate(divide="ignore", invalid="ignore"):
            (g,) = tm.grad(f(tm.where(x.data > 0, x, 0.0)).sum(), x, create_graph=True)
        assert g.data[0] == 0.0 and g.requires_grad  # not inf · 0 = nan


@pytest.mark.parametrize("dtype", [tm.int64, np.int32, np.bool_])
def test_a_cast_to_int_or_bool_has_no_gradient_as_in_pytorch(dtype: object) -> None:
    x = tm.tensor([1.5, 2.0], requires_grad=True)
    y = x.to(dtype)
    assert not y.requires_grad and y.grad_fn is None and y.dtype == dtype
    assert x.to(tm.float32).requires_grad  # a float cast still carries the gradient


def test_flatten_of_an_empty_batch_keeps_its_other_sizes_as_in_pytorch() -> None:
    assert tm.zeros(0, 2, 3).flatten(1).shape == (0, 6)
    assert tm.zeros(2, 0, 3).flatten().shape == (0,)
    assert tm.zeros(4, 0, 3).flatten(0, 1).shape == (0, 3)


@pytest.mark.parametrize("method", ["sum", "mean", "amax", "amin", "var", "logsumexp"])
def test_an_empty_dim_reduces_over_every_dim_as_in_pytorch(method: str) -> None:
    t = tm.tensor([[1.0, 2.0], [3.0, 5.0]])
    np.testing.assert_allclose(getattr(t, method)(()).data, getattr(t, method)(None).data)
    np.testing.assert_allclose(getattr(t, method)([]).data, getattr(t, method)(None).data)


@pytest.mark.parametrize("method", ["sum", "mean", "amax", "amin", "logsumexp"])
def test_a_0d_tensor_reduces_over_dim_0_or_minus_1_as_in_pytorch(method: str) -> None:
    t = tm.tensor(2.0)
    for dim in (0, -1):
        assert getattr(t, method)(dim).item() == 2.0
    with pytest.raises(IndexError, match="axis 1 is out of range"):
        getattr(t, method)(1)


def test_setitem_says_which_index_is_out_of_range() -> None:
    x = tm.tensor([0.0, 0.0, 0.0])
    with pytest.raises(IndexError, match=r"setitem: index 5 is out of bounds for axis 0 with "
                                         r"size 3 \(a tensor of shape \(3,\)\)"):
        x[[0, 5]] = tm.tensor([1.0, 2.0])
    assert x.tolist() == [0.0, 0.0, 0.0] and x._version == 0


def test_setitem_on_an_expanded_tensor_says_it_is_a_read_only_view() -> None:
    with pytest.raises(ValueError, match=r"setitem: this tensor is a read-only view \(expand"):
        tm.tensor([1.0, 2.0, 3.0]).expand(2, 3)[0, 0] = 5.0


def test_assigning_a_grad_of_another_shape_or_type_is_refused_as_in_pytorch() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"grad: the assigned gradient has shape \(3,\), but "
                                           r"the tensor has shape \(2,\)"):
        x.grad = tm.zeros(3)
    with pytest.raises(TypeError, match=r"grad: assign a Tensor of shape \(2,\) or None, got "
                                        r"numpy\.ndarray"):
        x.grad = np.zeros(2)  # type: ignore[assignment]
    assert x.grad is None
    x.grad = tm.ones(2)
    assert x.grad.tolist() == [1.0, 1.0]


def test_a_0d_tensor_refuses_other_dims_naming_the_bad_one() -> None:
    with pytest.raises(IndexError, match=r"sum: axis 1 is out of range for a 0-d tensor"):
        tm.tensor(1.0).sum(dim=(0, 1))
    with pytest.raises(ValueError, match=r"sum: axis \(0, 0\) repeats a dimension"):
        tm.tensor(1.0).sum(dim=(0, 0))


def test_setitem_with_a_bad_index_type_names_setitem_and_the_index() -> None:
    x = tm.tensor([1.0, 2.0])
    with pytest.raises(TypeError, match=r"^setitem: slice indices must be integers.*\(index "
                                        r"slice\('a', None, None\) into a tensor of shape "):
        x[slice("a", None)] = 1.0
    assert x.tolist() == [1.0, 2.0]


def _function_of(owner: type, name: str) -> object:
    """The function behind the method, classmethod or property ``name`` that ``owner`` defines."""
    attribute = vars(owner)[name]  # the class's own, not one inherited
    if isinstance(attribute, property):
        return attribute.fget
    return getattr(attribute, "__func__", attribute)


@pytest.mark.parametrize(
    "name", ["apply", "propagate", "save_for_backward", "saved_tensors", "output"]
)
def test_each_op_has_its_own_copy_of_the_hot_methods_with_the_same_code_and_docstring(
    name: str,
) -> None:
    class Double(tm.Function):
        name = "double"

        def forward(self, a: tm.Tensor) -> np.ndarray:
            self.save_for_backward(a)
            return a.data * 2.0

        def backward(self, g: tm.Tensor) -> tm.Tensor:
            (a,) = self.saved_tensors
            assert isinstance(a, tm.Tensor)
            return g * 2.0

    shared: Any = _function_of(tm.Function, name)
    copies: list[Any] = [_function_of(op, name) for op in (ops.Linear, ops.Sigmoid, Double)]
    assert len({id(f) for f in [shared, *copies]}) == 4
    assert len({id(f.__code__) for f in [shared, *copies]}) == 4  # separate caches
    for own in copies:
        assert own.__code__.co_code == shared.__code__.co_code
        assert own.__doc__ == shared.__doc__
    # own_copy copies neither defaults nor closure cells: the copied methods must have none
    assert (shared.__defaults__, shared.__kwdefaults__, shared.__closure__) == (None, None, None)
    x = tm.tensor([1.0, -2.0], requires_grad=True)
    Double.apply(x).sum().backward()
    assert x.grad is not None and x.grad.tolist() == [2.0, 2.0]
