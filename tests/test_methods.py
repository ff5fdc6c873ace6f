"""PyTorch's convenience methods (tinygrad_mlp/methods.py): values, gradients, errors.

Each method is a composition of the engine's ops, so the tests check that it
computes what PyTorch's method of the same name computes (against torch
itself when it is installed, else against numpy), that its gradients pass
finite differences, and that bad arguments name the method.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tests.strategies import arrays, leaf, shapes


def torch_or_skip() -> Any:
    return pytest.importorskip("torch")


def seeded(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


# -- arithmetic under method names ---------------------------------------------------


def test_arithmetic_methods_equal_the_operators_and_apply_alpha() -> None:
    a, b = leaf(seeded((2, 3))), leaf(seeded((3,), 1))
    cases = {
        "add": (a.add(b, alpha=2.5), a.data + 2.5 * b.data),
        "sub": (a.sub(b, alpha=-3), a.data + 3 * b.data),
        "mul": (a.mul(b), a.data * b.data),
        "div": (a.div(b), a.data / b.data),
        "pow": (a.abs().pow(1.5), np.abs(a.data) ** 1.5),
        "neg": (a.neg(), -a.data),
        "square": (a.square(), a.data ** 2),
        "reciprocal": (b.reciprocal(), 1 / b.data),
        "clip": (a.clip(-0.5, 0.25), np.clip(a.data, -0.5, 0.25)),
        "matmul": (a.matmul(b), a.data @ b.data),
    }
    for name, (got, want) in cases.items():
        np.testing.assert_allclose(got.data, want, rtol=1e-12, err_msg=name)
        assert got.grad_fn is not None, name


def test_alpha_scales_the_gradient_of_other() -> None:
    a, b = leaf(seeded((3,))), leaf(seeded((3,), 1))
    a.sub(b, alpha=4.0).sum().backward()
    np.testing.assert_array_equal(a.grad.data, np.ones(3))
    np.testing.assert_array_equal(b.grad.data, np.full(3, -4.0))


def test_alpha_must_be_a_number() -> None:
    with pytest.raises(TypeError, match="add: alpha"):
        tm.ones(2).add(tm.ones(2), alpha="2")
    with pytest.raises(TypeError, match="sub_: alpha must be a number, got None"):
        tm.ones(2).sub_(tm.ones(2), alpha=None)  # type: ignore[arg-type]


def test_alpha_keeps_integer_tensors_integer_and_a_float_alpha_is_refused_for_them() -> None:
    counts = tm.tensor([1, 2, 3])
    doubled = counts.add(counts, alpha=2)
    assert doubled.dtype == np.int64 and doubled.tolist() == [3, 6, 9]
    counts.sub_(tm.tensor([1, 1, 1]), alpha=2)
    assert counts.tolist() == [-1, 0, 1]
    with pytest.raises(TypeError, match="add_: alpha must be an int for integer tensors"):
        counts.add_(counts, alpha=0.5)
    assert counts.tolist() == [-1, 0, 1]


def test_reciprocal_of_ints_is_float_as_in_pytorch() -> None:
    got = tm.tensor([1, 2, 4]).reciprocal()
    assert got.dtype.kind == "f"
    np.testing.assert_array_equal(got.data, [1.0, 0.5, 0.25])


def test_mm_and_dot_take_only_matrices_and_vectors() -> None:
    m, v = tm.ones(2, 3), tm.ones(3)
    assert m.mm(tm.ones(3, 4)).shape == (2, 4)
    assert v.dot(tm.tensor([1.0, 2.0, 3.0])).item() == 6.0
    with pytest.raises(ValueError, match=r"mm: needs matrices \(n, k\) and \(k, m\), got "
                                         r"shapes \(2, 3\) and \(3,\)"):
        m.mm(v)
    with pytest.raises(ValueError, match=r"mm: .* shapes \(2, 3\) and \(2, 3\)"):
        m.mm(m)
    with pytest.raises(TypeError, match="mm: mat2 must be a Tensor"):
        m.mm(np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"dot: needs two 1-D tensors.*\(3,\) and \(2,\)"):
        v.dot(tm.ones(2))


# -- reductions ------------------------------------------------------------------------


@given(st.data())
def test_norm_equals_numpys_and_passes_gradcheck(data: st.DataObject) -> None:
    shape = data.draw(shapes(min_dims=1, max_dims=3))
    values = data.draw(arrays(shape))
    dim = data.draw(st.sampled_from([None, 0, -1, tuple(range(len(shape)))]))
    p = data.draw(st.sampled_from([1, 2, 3, 1.5, "fro", float("inf")]))
    keepdim = data.draw(st.booleans())
    x = leaf(values)
    got = x.norm(p, dim, keepdim)
    axis = tuple(range(len(shape))) if dim is None else dim
    order = 2 if p == "fro" else p
    if np.isinf(order):
        want = np.abs(values).max(axis=axis, keepdims=keepdim)
    else:
        want = (np.abs(values) ** order).sum(axis=axis, keepdims=keepdim) ** (1 / order)
    np.testing.assert_allclose(got.data, want, rtol=1e-10, atol=1e-12)
    smooth = order in (2, 3) and np.all(np.abs(values) > 1e-3)  # |x| has a kink at 0
    if smooth:
        assert tm.gradcheck(lambda t: t.norm(p, dim, keepdim), (x,))
        assert tm.gradgradcheck(lambda t: t.norm(p, dim, keepdim), (x,))


@pytest.mark.parametrize("p", [2, "fro", 0.5, 1.5, 3])
def test_norm_gradient_at_zero_is_zero_not_nan(p: float | str) -> None:
    x = tm.zeros(3, requires_grad=True)
    x.norm(p).backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros(3))


def test_norm_below_order_1_sends_no_gradient_to_zero_elements_as_pytorch() -> None:
    x = tm.tensor([0.0, 1.0, -4.0], requires_grad=True)
    x.norm(0.5).backward()
    total = 1.0 + 2.0  # Σ |x|^½; the norm is total², its slope total · |x|^(-½) · sign(x)
    np.testing.assert_allclose(x.grad.data, [0.0, total, -total / 2.0], rtol=1e-14)


def test_norm_keeps_the_reduced_dim_when_asked_for_every_order() -> None:
    x = tm.ones(2, 3)
    for p in (1, 2, 3, float("inf")):
        assert x.norm(p, 1, keepdim=True).shape == (2, 1), p
        assert x.norm(p, 0).shape == (3,), p


def test_norm_refuses_other_orders_and_integer_tensors() -> None:
    with pytest.raises(ValueError, match="norm: p must be a positive number"):
        tm.ones(3).norm(0)
    with pytest.raises(ValueError, match="norm: p must be"):
        tm.ones(3).norm("nuc")
    with pytest.raises(TypeError, match="norm: needs a floating point tensor"):
        tm.tensor([1, 2]).norm()


def test_max_along_a_dim_gives_values_and_indices_as_pytorch() -> None:
    x = leaf(np.array([[1.0, 5.0, 5.0], [-2.0, 3.0, -7.0]]))
    values, indices = x.max(1)
    assert values.tolist() == [5.0, 3.0] and indices.tolist() == [1, 1]
    values.sum().backward()  # to the element the index picks, not split among the tie
    np.testing.assert_array_equal(x.grad.data, [[0, 1, 0], [0, 1, 0]])
    smallest = x.min(dim=0, keepdim=True)
    assert smallest.values.shape == smallest.indices.shape == (1, 3)
    assert smallest.indices.tolist() == [[1, 1, 1]]


def test_max_without_a_dim_is_the_largest_element_and_with_a_tensor_the_maximum() -> None:
    x = leaf(np.array([[1.0, 5.0], [5.0, 0.0]]))
    top = x.max()
    assert top.shape == () and top.item() == 5.0
    top.backward()  # the whole reduction splits the gradient among ties, as amax
    np.testing.assert_array_equal(x.grad.data, [[0, 0.5], [0.5, 0]])
    np.testing.assert_array_equal(x.min(tm.tensor([2.0, 2.0])).data, [[1.0, 2.0], [2.0, 0.0]])
    assert tm.tensor(3.0).max(0).values.item() == 3.0
    assert tm.tensor(3.0).max(0).indices.item() == 0


def test_max_errors_name_max_not_the_argmax_underneath() -> None:
    with pytest.raises(IndexError, match=r"^max: axis 5 is out of range"):
        tm.ones(2, 2).max(5)
    with pytest.raises(ValueError, match=r"^min: dim 0 of shape \(0, 3\) is empty"):
        tm.zeros(0, 3).min(0)
    with pytest.raises(TypeError, match=r"^max: keepdim needs a dim"):
        tm.ones(2).max(keepdim=True)  # type: ignore[call-overload]


def test_max_of_a_0d_tensor_along_dim_0_is_a_copy() -> None:
    x = tm.tensor(3.0)
    values = x.max(0).values
    values += 1.0
    assert x.item() == 3.0


def test_max_refuses_several_dims_and_points_to_amax() -> None:
    with pytest.raises(TypeError, match=r"max: dim must be an int or a Tensor.*use amax"):
        tm.ones(2, 2).max((0, 1))  # type: ignore[call-overload]
    with pytest.raises(TypeError, match=r"min: dim must be an int or a Tensor.*use amin"):
        tm.ones(2, 2).min(1.0)  # type: ignore[call-overload]


def test_amax_and_amin_reduce_all_dims_by_default() -> None:
    x = tm.tensor([[1.0, 5.0], [-2.0, 3.0]])
    assert x.amax().item() == 5.0 and x.amin().item() == -2.0
    np.testing.assert_array_equal(x.amax(dim=0).data, [1.0, 5.0])
    np.testing.assert_array_equal(x.amin(1, keepdim=True).data, [[1.0], [-2.0]])


# -- comparisons and tests -------------------------------------------------------------


def test_comparison_methods_give_the_operators_boolean_arrays() -> None:
    a, b = tm.tensor([1.0, 2.0, 3.0]), tm.tensor([3.0, 2.0, 1.0])
    for name, want in {"eq": a.data == b.data, "ne": a.data != b.data, "lt": a.data < b.data,
                       "le": a.data <= b.data, "gt": a.data > b.data,
                       "ge": a.data >= b.data}.items():
        got = getattr(a, name)(b)
        assert isinstance(got, np.ndarray) and got.dtype == np.bool_
        np.testing.assert_array_equal(got, want, err_msg=name)


def test_isnan_isinf_isfinite_all_and_any() -> None:
    x = tm.tensor([[1.0, np.nan], [np.inf, 0.0]])
    np.testing.assert_array_equal(x.isnan(), [[False, True], [False, False]])
    np.testing.assert_array_equal(x.isinf(), [[False, False], [True, False]])
    np.testing.assert_array_equal(x.isfinite(), [[True, False], [False, True]])
    assert not x.all() and x.any()
    assert x.all(dim=1).tolist() == [True, False]
    assert x.any(dim=0, keepdim=True).tolist() == [[True, True]]
    assert x.all(dim=1, keepdim=True).shape == (2, 1)
    assert tm.tensor([1.0, -np.inf]).isinf().tolist() == [False, True]
    assert x.is_floating_point() and not tm.tensor([1]).is_floating_point()


# -- selecting and filling -------------------------------------------------------------


def test_masked_fill_fills_where_the_mask_holds_and_routes_the_gradient() -> None:
    x = leaf(seeded((2, 3)))
    mask = np.array([True, False, True])
    out = x.masked_fill(mask, -1.0)
    np.testing.assert_array_equal(out.data, np.where(mask, -1.0, x.data))
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.broadcast_to(~mask, (2, 3)).astype(float))


def test_masked_fill_with_a_0d_tensor_value_gives_it_the_masked_gradient() -> None:
    x, value = leaf(seeded((2, 2))), tm.tensor(3.0, requires_grad=True)
    mask = tm.tensor([[True, False], [True, True]])
    x.masked_fill(mask, value).sum().backward()
    assert value.grad.item() == 3.0


def test_masked_fill_keeps_the_tensors_dtype_as_pytorch() -> None:
    mask = np.array([True, False, True])
    counts = tm.tensor([1, 2, 3]).masked_fill(mask, 2.5)
    assert counts.dtype == np.int64 and counts.tolist() == [2, 2, 2]
    assert tm.tensor([1, 2, 3], dtype=tm.int8).masked_fill(mask, 7).dtype == np.int8
    single = tm.ones(3, dtype=tm.float32, requires_grad=True)
    value = tm.tensor(5.0, requires_grad=True)
    filled = single.masked_fill(mask, value)
    assert filled.dtype == np.float32
    filled.sum().backward()
    assert value.grad.item() == 2.0 and value.grad.dtype == np.float64


def test_masked_fill_errors_name_the_mask_and_value() -> None:
    x = tm.ones(2, 3)
    with pytest.raises(TypeError, match="masked_fill: mask must be bool"):
        x.masked_fill(np.ones(3), 0.0)
    with pytest.raises(ValueError, match=r"masked_fill: mask of shape \(4, 2, 3\) does not"):
        x.masked_fill(np.ones((4, 2, 3), bool), 0.0)
    with pytest.raises(ValueError, match=r"masked_fill: value must be a number or a 0-d"):
        x.masked_fill(np.ones(3, bool), tm.ones(3))
    with pytest.raises(TypeError, match=r"masked_fill: value must be a number"):
        x.masked_fill(np.ones(3, bool), "a")


@given(st.data())
def test_gather_picks_along_dim_as_take_along_axis_and_passes_gradcheck(
        data: st.DataObject) -> None:
    shape = data.draw(shapes(min_dims=1, max_dims=3))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    axis = dim % len(shape)
    index_shape = tuple(data.draw(st.integers(1, 4)) if d == axis
                        else data.draw(st.integers(1, n)) for d, n in enumerate(shape))
    index = np.random.default_rng(data.draw(st.integers(0, 99))).integers(
        0, shape[axis], index_shape)
    x = leaf(data.draw(arrays(shape)))
    got = x.gather(dim, tm.tensor(index))
    sliced = x.data[tuple(slice(0, n) if d != axis else slice(None)
                          for d, n in enumerate(index_shape))]
    np.testing.assert_array_equal(got.data, np.take_along_axis(sliced, index, axis))
    assert tm.gradcheck(lambda t: t.gather(dim, index), (x,))


def test_gather_gradient_adds_up_repeated_indices() -> None:
    x = leaf(np.arange(3.0))
    x.gather(0, np.array([2, 2, 0, 2])).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 0.0, 3.0])


def test_gather_picks_the_class_column_as_in_a_hand_written_loss() -> None:
    log_probs = leaf(np.log(np.array([[0.2, 0.8], [0.6, 0.4]])))
    labels = tm.tensor([1, 0])
    picked = log_probs.gather(1, labels.unsqueeze(1)).squeeze(1)
    np.testing.assert_allclose(picked.data, np.log([0.8, 0.6]))


def test_gather_and_index_select_errors_name_the_index() -> None:
    x = tm.ones(2, 3)
    with pytest.raises(TypeError, match="gather: index must hold integers"):
        x.gather(1, np.ones((2, 1)))
    with pytest.raises(ValueError, match="gather: index must have 2 dims"):
        x.gather(1, np.zeros(2, int))
    with pytest.raises(IndexError, match=r"gather: index values must be in \[0, 3\)"):
        x.gather(1, np.array([[3], [0]]))
    with pytest.raises(IndexError, match=r"gather: index values must be in \[0, 3\)"):
        x.gather(1, np.array([[-1], [0]]))
    with pytest.raises(ValueError, match=r"gather: index of shape \(3, 1\) is larger"):
        x.gather(1, np.zeros((3, 1), int))
    with pytest.raises(IndexError, match=r"index_select: index values must be in \[0, 2\)"):
        x.index_select(0, np.array([0, 2]))
    with pytest.raises(ValueError, match="index_select: index must be 1-D"):
        x.index_select(0, np.zeros((1, 1), int))
    with pytest.raises(IndexError, match="index_select: a 0-d tensor takes one index, got 2"):
        tm.tensor(3.0).index_select(0, [0, 0])


def test_index_select_repeats_rows_and_adds_their_gradients() -> None:
    x = leaf(seeded((3, 2)))
    out = x.index_select(0, tm.tensor([2, 0, 2]))
    np.testing.assert_array_equal(out.data, x.data[[2, 0, 2]])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[1.0, 1.0], [0.0, 0.0], [2.0, 2.0]])


def test_flip_and_repeat_give_copies_that_leave_the_input_alone_as_pytorchs() -> None:
    x = tm.tensor([[1.0, 2.0, 3.0]])
    flipped, tiled, column = x.flip(1), x.repeat(4, 1), x.t().repeat(1, 2)
    flipped[0, 0] = 100.0
    tiled[0, 0] = -1.0  # writable: not a read-only broadcast of x
    x.add_(10.0)
    assert flipped.tolist() == [[100.0, 2.0, 1.0]]
    assert tiled.tolist()[1] == [1.0, 2.0, 3.0] and column.tolist()[0] == [1.0, 1.0]
    assert not any(np.shares_memory(x.data, t.data) for t in (flipped, tiled, column))


def test_flip_refuses_a_repeated_dim_and_takes_a_0d_tensor() -> None:
    with pytest.raises(ValueError, match=r"flip: dims \(0, 0\) name a dim more than once"):
        tm.ones(2).flip(0, 0)
    assert tm.tensor(1.5).flip(0).item() == 1.5


def test_narrow_takes_numpy_ints_and_0d_tensors() -> None:
    x = tm.arange(6.0).reshape(2, 3)
    assert x.narrow(1, np.int64(1), tm.tensor(2)).tolist() == [[1.0, 2.0], [4.0, 5.0]]
    with pytest.raises(TypeError, match="narrow: start and length must be ints"):
        x.narrow(1, 0.5, 1)


def test_narrow_and_flip_select_views_with_gradients() -> None:
    x = leaf(seeded((3, 4)))
    np.testing.assert_array_equal(x.narrow(1, -3, 2).data, x.data[:, 1:3])
    np.testing.assert_array_equal(x.flip(0, 1).data, x.data[::-1, ::-1])
    np.testing.assert_array_equal(x.flip([1]).data, x.data[:, ::-1])
    assert tm.gradcheck(lambda t: t.flip(1).narrow(0, 1, 2), (x,))
    with pytest.raises(IndexError, match="narrow: start 3 and length 2 do not fit in dim 0"):
        x.narrow(0, 3, 2)


@given(st.data())
def test_split_chunk_and_unbind_rebuild_the_tensor(data: st.DataObject) -> None:
    shape = data.draw(shapes(min_dims=1, max_dims=3, max_side=5))
    dim = data.draw(st.integers(0, len(shape) - 1))
    x = leaf(data.draw(arrays(shape)))
    size = data.draw(st.integers(1, 6))
    pieces = x.split(size, dim)
    assert all(p.shape[dim] == size for p in pieces[:-1]) and 0 < pieces[-1].shape[dim] <= size
    np.testing.assert_array_equal(tm.cat(list(pieces), dim).data, x.data)
    chunks = data.draw(st.integers(1, 6))
    parts = x.chunk(chunks, dim)
    assert len(parts) <= chunks
    np.testing.assert_array_equal(tm.cat(list(parts), dim).data, x.data)
    np.testing.assert_array_equal(tm.stack(list(x.unbind(dim)), dim).data, x.data)
    assert tm.gradcheck(lambda t: tm.cat(list(reversed(t.split(size, dim))), dim), (x,))


def test_split_takes_section_sizes_that_must_add_up() -> None:
    x = tm.arange(6.0)
    assert [p.tolist() for p in x.split([1, 0, 5])] == [[0.0], [], [1.0, 2.0, 3.0, 4.0, 5.0]]
    with pytest.raises(ValueError, match=r"split: sections \[2, 2\] must be non-negative and "
                                         r"add up to 6"):
        x.split([2, 2])
    with pytest.raises(ValueError, match="split: split_size must be positive"):
        x.split(0)
    with pytest.raises(ValueError, match="chunk: chunks must be a positive int"):
        x.chunk(0)


@given(st.data())
def test_repeat_tiles_as_numpy_tile_and_passes_gradcheck(data: st.DataObject) -> None:
    shape = data.draw(shapes(min_dims=0, max_dims=2, max_side=3))
    extra = data.draw(st.integers(0, 2))
    times = tuple(data.draw(st.integers(1, 3)) for _ in range(len(shape) + extra))
    x = leaf(data.draw(arrays(shape)))
    got = x.repeat(*times)
    np.testing.assert_array_equal(got.data, np.tile(x.data, times))
    assert tm.gradcheck(lambda t: t.repeat(times), (x,))


def test_repeat_needs_a_size_for_every_dim() -> None:
    with pytest.raises(ValueError, match=r"repeat: needs at least 2 non-negative sizes for a "
                                         r"tensor of shape \(2, 3\), got \(2,\)"):
        tm.ones(2, 3).repeat(2)


@given(st.data())
def test_sort_is_stable_in_both_directions_and_its_values_pass_gradcheck(
        data: st.DataObject) -> None:
    shape = data.draw(shapes(min_dims=1, max_dims=3, max_side=5))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    descending = data.draw(st.booleans())
    ties = np.array(data.draw(st.lists(st.sampled_from([-1.0, 0.0, 0.5, 2.0, np.nan]),
                                       min_size=int(np.prod(shape)),
                                       max_size=int(np.prod(shape))))).reshape(shape)
    values, indices = tm.tensor(ties).sort(dim, descending=descending)
    order = np.moveaxis(indices.data, dim, -1).reshape(-1, shape[dim])
    rows = np.moveaxis(ties, dim, -1).reshape(-1, shape[dim])
    for row, picked in zip(rows, order):
        # as PyTorch: nan is the largest; equal values keep their order
        rank = np.where(np.isnan(row), np.inf, row) * (-1 if descending else 1)
        np.testing.assert_array_equal(picked, np.lexsort((np.arange(len(row)), rank)))
    np.testing.assert_array_equal(values.data, np.take_along_axis(ties, indices.data, dim))
    spread = data.draw(st.permutations(range(int(np.prod(shape)))))  # no ties: differentiable
    x = leaf(0.3 * np.array(spread, dtype=float).reshape(shape))
    assert tm.gradcheck(lambda t: t.sort(dim, descending).values, (x,))


def test_topk_takes_the_largest_or_smallest_k_in_order() -> None:
    x = leaf(np.array([[0.5, 3.0, -1.0, 2.0], [4.0, -2.0, 1.0, 0.0]]))
    values, indices = x.topk(2)
    assert values.tolist() == [[3.0, 2.0], [4.0, 1.0]] and indices.tolist() == [[1, 3], [0, 2]]
    values.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0, 1, 0, 1], [1, 0, 1, 0]])
    smallest = x.topk(1, dim=0, largest=False)
    assert smallest.values.tolist() == [[0.5, -2.0, -1.0, 0.0]]
    assert x.argsort(descending=True).tolist() == [[1, 3, 0, 2], [0, 2, 3, 1]]
    with pytest.raises(ValueError, match=r"topk: k must be an int from 0 to 4 \(the size of "
                                         r"dim -1\), got 5"):
        x.topk(5)


def test_sort_and_topk_equal_pytorchs() -> None:
    torch = torch_or_skip()
    x = np.random.default_rng(3).integers(0, 4, (5, 6)).astype(float)
    x[1, 2] = np.nan
    for dim in (0, 1, -1):
        for descending in (False, True):
            ours = tm.tensor(x).sort(dim, descending=descending)
            theirs = torch.tensor(x).sort(dim=dim, descending=descending, stable=True)
            np.testing.assert_array_equal(ours.values.data, theirs.values.numpy())
            np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())
        for largest in (False, True):  # which of equal values PyTorch's topk picks is unspecified
            np.testing.assert_array_equal(tm.tensor(x).topk(3, dim, largest).values.data,
                                          torch.tensor(x).topk(3, dim, largest).values.numpy())


# -- shapes and dtypes like another tensor ---------------------------------------------


def test_contiguous_copies_only_a_strided_view_so_view_works_after_it() -> None:
    x = leaf(np.arange(6.0).reshape(2, 3))
    assert x.is_contiguous() and x.contiguous() is x
    transposed = x.t()
    assert not transposed.is_contiguous()
    with pytest.raises(RuntimeError, match="view: shape"):
        transposed.view(-1)
    flat = transposed.contiguous().view(-1)
    assert flat.tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    assert not np.shares_memory(flat.data, x.data)
    (flat * tm.arange(6.0)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0.0, 2.0, 4.0], [1.0, 3.0, 5.0]])


def test_t_transposes_matrices_and_leaves_vectors() -> None:
    m = tm.tensor([[1.0, 2.0, 3.0]])
    assert m.t().shape == (3, 1)
    assert tm.ones(3).t().shape == (3,)
    with pytest.raises(ValueError, match=r"t: needs at most 2 dims, got shape \(1, 2, 3\)"):
        tm.ones(1, 2, 3).t()


def test_like_methods_need_a_tensor_and_expand_as_is_a_view() -> None:
    x = tm.tensor([1.0, 2.0])
    assert np.shares_memory(x.expand_as(tm.ones(3, 2)).data, x.data)
    for name in ("expand_as", "reshape_as", "view_as", "type_as"):
        with pytest.raises(TypeError, match=f"^{name}: other must be a Tensor, got list"):
            getattr(x, name)([1.0, 2.0])


def test_like_methods_take_the_other_tensors_shape_or_dtype() -> None:
    x, other = tm.tensor([1.0, 2.0]), tm.ones(3, 2, dtype=tm.float32)
    assert x.dim() == 1
    assert x.expand_as(other).shape == (3, 2)
    assert tm.arange(6.0).reshape_as(other).shape == (3, 2)
    assert tm.arange(6.0).view_as(other).shape == (3, 2)
    assert x.type_as(other).dtype == np.float32


def test_a_0d_tensor_formats_as_its_value_as_in_pytorch() -> None:
    loss = tm.tensor(0.123456, requires_grad=True)
    assert f"{loss:.4f}" == "0.1235" and f"{loss:>8.2f}" == "    0.12"
    assert f"{tm.ones(2)}" == str(tm.ones(2))
    with pytest.raises(TypeError, match=r"format: the spec '\.3f' needs a 0-d tensor, got "
                                        r"shape \(1,\)"):
        f"{tm.ones(1):.3f}"


def test_device_is_the_cpu_and_cpu_is_the_tensor_itself() -> None:
    x = tm.ones(2)
    assert x.device == "cpu" and x.to(x.device) is x and x.cpu() is x


def test_dtype_shorthands_cast_without_a_gradient_to_integers() -> None:
    x = tm.tensor([1.7, -0.2, 0.0], requires_grad=True)
    assert x.long().dtype == np.int64 and x.int().dtype == np.int32
    assert x.half().dtype == np.float16 and x.half().requires_grad
    np.testing.assert_array_equal(x.bool().data, [True, True, False])
    assert not x.long().requires_grad


def test_new_tensors_take_this_dtype_unless_told() -> None:
    x = tm.ones(2, dtype=tm.float32)
    assert x.new_zeros(2, 3).dtype == np.float32 and x.new_zeros((2, 3)).shape == (2, 3)
    np.testing.assert_array_equal(x.new_ones(2).data, [1.0, 1.0])
    full = x.new_full((2,), 7, dtype=tm.float64, requires_grad=True)
    assert full.dtype == np.float64 and full.requires_grad and full.tolist() == [7.0, 7.0]
    copied = x.new_tensor([[1, 2]])
    assert copied.dtype == np.float32 and copied.shape == (1, 2)
    source = np.array([1.0, 2.0])
    assert not np.shares_memory(tm.ones(1).new_tensor(source).data, source)
    assert tm.tensor([1, 2]).new_zeros(2).dtype == np.int64
    assert x.new_ones(2, requires_grad=True).requires_grad
    with pytest.raises(ValueError, match=r"^new_full: fill_value -1 does not fit in uint8"):
        tm.tensor([1], dtype=tm.uint8).new_full((2,), -1)
    with pytest.raises(ValueError, match=r"^new_zeros: sizes must be non-negative"):
        x.new_zeros(-1)
    with pytest.raises(TypeError, match=r"^new_tensor: only floating point tensors can require"):
        tm.tensor([1]).new_tensor([1, 2], requires_grad=True)


# -- in place --------------------------------------------------------------------------


def test_in_place_methods_change_the_same_array_and_bump_the_version() -> None:
    x = tm.tensor([1.0, -2.0, 3.0])
    array, version = x.data, x._version
    assert x.add_(1.0) is x and x.tolist() == [2.0, -1.0, 4.0]
    x.sub_(tm.tensor([1.0, 1.0, 1.0]), alpha=2)
    assert x.tolist() == [0.0, -3.0, 2.0]
    x.mul_(2).div_(4)
    assert x.tolist() == [0.0, -1.5, 1.0]
    x.clamp_(min=-1.0)
    assert x.tolist() == [0.0, -1.0, 1.0]
    x.copy_(tm.tensor([5, 6, 7]))
    assert x.tolist() == [5.0, 6.0, 7.0]
    x.fill_(tm.tensor(2.5))
    assert x.tolist() == [2.5, 2.5, 2.5]
    x.zero_()
    assert x.tolist() == [0.0, 0.0, 0.0]
    assert x.data is array and x._version == version + 8


def test_zero_grad_by_hand_as_a_pytorch_loop_writes_it() -> None:
    w = tm.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    with tm.no_grad():
        w.sub_(w.grad, alpha=0.5)
    w.grad.zero_()
    assert w.tolist() == [0.0, 0.0] and w.grad.tolist() == [0.0, 0.0]


def test_in_place_methods_are_refused_while_recording_and_name_themselves() -> None:
    w = tm.ones(2, requires_grad=True)
    for name, call in {"zero_": lambda: w.zero_(), "fill_": lambda: w.fill_(1.0),
                       "copy_": lambda: w.copy_(tm.ones(2)), "add_": lambda: w.add_(1.0),
                       "mul_": lambda: w.mul_(2.0), "clamp_": lambda: w.clamp_(0.0)}.items():
        with pytest.raises(RuntimeError, match=f"{name}: cannot change a tensor in place"):
            call()
    assert w.tolist() == [1.0, 1.0] and w._version == 0


def test_copy_casts_and_broadcasts_but_refuses_a_larger_source_unchanged() -> None:
    x = tm.zeros(2, 3)
    x.copy_(np.array([1, 2, 3]))
    np.testing.assert_array_equal(x.data, [[1, 2, 3], [1, 2, 3]])
    with pytest.raises(ValueError, match=r"copy_: source of shape \(4, 2, 3\) does not"):
        x.copy_(tm.ones(4, 2, 3))
    np.testing.assert_array_equal(x.data, [[1, 2, 3], [1, 2, 3]])
    counts = tm.tensor([1, 2])
    counts.fill_(3.7)  # PyTorch's fill_ casts, truncating into an int tensor
    assert counts.tolist() == [3, 3]


def test_fill_and_clamp_refuse_what_the_dtype_cannot_hold_and_change_nothing() -> None:
    counts = tm.tensor([0, 1, 2])
    with pytest.raises(ValueError, match=r"^fill_: fill_value nan cannot be stored as int64"):
        counts.fill_(float("nan"))
    with pytest.raises(ValueError, match=r"^fill_: fill_value 300 does not fit in uint8"):
        tm.zeros(2, dtype=tm.uint8).fill_(300)
    with pytest.raises(TypeError, match=r"^clamp_: the bounds make a float64 result"):
        counts.clamp_(min=0.5)
    assert counts.tolist() == [0, 1, 2] and counts._version == 0
    assert tm.zeros(2).fill_(True).tolist() == [1.0, 1.0]


def test_fill_takes_a_number_or_a_0d_tensor() -> None:
    with pytest.raises(ValueError, match=r"fill_: value must be a number or a 0-d tensor"):
        tm.ones(2).fill_(tm.ones(2))
    with pytest.raises(TypeError, match="fill_: fill_value must be a number"):
        tm.ones(2).fill_("1")


# -- against PyTorch -------------------------------------------------------------------


def test_methods_equal_pytorchs_in_value_and_gradient() -> None:
    torch = torch_or_skip()
    values = seeded((3, 4))
    index = np.array([[0, 2], [1, 1], [3, 0]])
    mask = values > 0.3
    calls: dict[str, Any] = {
        "norm": lambda t: t.norm(),
        "norm1_dim": lambda t: t.norm(1, 1, True),
        "norm3": lambda t: t.norm(3, 0),
        "norm_inf": lambda t: t.norm(float("inf"), 1),
        "gather": lambda t: t.gather(1, index if isinstance(t, tm.Tensor)
                                     else torch.tensor(index)),
        "index_select": lambda t: t.index_select(
            1, np.array([3, 0, 3]) if isinstance(t, tm.Tensor) else torch.tensor([3, 0, 3])),
        "masked_fill": lambda t: t.masked_fill(
            mask if isinstance(t, tm.Tensor) else torch.tensor(mask), 2.0),
        "repeat": lambda t: t.repeat(2, 1, 3),
        "flip": lambda t: t.flip(0, 1),
        "narrow": lambda t: t.narrow(1, 1, 2),
        "square": lambda t: t.square(),
        "reciprocal": lambda t: t.reciprocal(),
        "add": lambda t: t.add(t * 2, alpha=0.5),
        "amax": lambda t: t.amax(1),
        "max_dim": lambda t: t.max(1).values,
        "min_dim_keepdim": lambda t: t.min(0, keepdim=True).values,
        "max_all": lambda t: t.max(),
        "t": lambda t: t.t(),
    }
    for name, call in calls.items():
        ours, theirs = leaf(values), torch.tensor(values, requires_grad=True)
        got, want = call(ours), call(theirs)
        np.testing.assert_allclose(got.data, want.detach().numpy(), rtol=1e-12, err_msg=name)
        seed = seeded(got.shape, 1)
        got.backward(seed)
        want.backward(torch.tensor(seed))
        np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-12,
                                   atol=1e-15, err_msg=name)
    for dim in (0, 1):
        ours_pair, theirs_pair = leaf(values).max(dim), torch.tensor(values).max(dim)
        np.testing.assert_array_equal(ours_pair.indices.data, theirs_pair.indices.numpy())
    x = seeded((7, 2))
    for ours_parts, theirs_parts in [
        (leaf(x).split(3), torch.tensor(x).split(3)),
        (leaf(x).split([2, 5]), torch.tensor(x).split([2, 5])),
        (leaf(x).chunk(3), torch.tensor(x).chunk(3)),
        (leaf(x).chunk(4, 1), torch.tensor(x).chunk(4, 1)),
        (leaf(x).unbind(1), torch.tensor(x).unbind(1)),
    ]:
        assert [p.shape for p in ours_parts] == [tuple(p.shape) for p in theirs_parts]
        for a, b in zip(ours_parts, theirs_parts):
            np.testing.assert_array_equal(a.data, b.numpy())
