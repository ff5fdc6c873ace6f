"""Reductions and sorting (tinygrad_mlp/reductions.py): values, gradients, errors.

Each method is a composition of the engine's ops, so the tests check that it
computes what PyTorch's method of the same name computes (against torch
itself when it is installed, else against numpy), that its gradients pass
finite differences away from ties, that at ties the gradient goes where
PyTorch sends it, and that bad arguments name the method. These methods also
have rows in the tables of tests/test_methods.py that check all the methods
PyTorch 2.13 added at once (against PyTorch and numpy, bad arguments, empty
and 0-d tensors).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_mlp as tm
from tests.strategies import arrays, distinct_arrays, leaf, shapes, tied_arrays
from tests.test_methods import derivatives, torch_or_skip

# -- norms and extremes ---------------------------------------------------------------


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


# -- sorting --------------------------------------------------------------------------


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


# -- sums and means that skip nan, medians, quantiles, aminmax, count_nonzero ---------


@pytest.mark.parametrize("name", ["nansum", "nanmean", "median", "median_all", "nanmedian",
                                  "nanmedian_all", "quantile", "quantile_all", "nanquantile",
                                  "aminmax"])
@given(data=st.data())
def test_added_reductions_pass_gradcheck_and_gradgradcheck(name: str, data: st.DataObject) -> None:
    shape = data.draw(shapes(min_dims=1, max_dims=3, max_side=3))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    keepdim = data.draw(st.booleans())
    values = data.draw(distinct_arrays(shape))
    nan_at = data.draw(hnp.arrays(np.bool_, shape))
    nan_at[(slice(None),) * (dim % len(shape)) + (0,)] = False  # a number in every slice
    levels: Any = data.draw(st.sampled_from([0.0, 0.3, 0.5, 1.0, (0.25, 0.9)]))
    levels = tm.tensor(levels) if isinstance(levels, tuple) else levels
    how = data.draw(st.sampled_from(["linear", "lower", "higher", "midpoint", "nearest"]))
    methods: dict[str, Callable[[tm.Tensor], tm.Tensor]] = {
        "nansum": lambda t: t.nansum(dim, keepdim),
        "nanmean": lambda t: t.nanmean(dim, keepdim),
        "median": lambda t: t.median(dim, keepdim).values,
        "median_all": lambda t: t.median(),
        "nanmedian": lambda t: t.nanmedian(dim, keepdim).values,
        "nanmedian_all": lambda t: t.nanmedian(),
        "quantile": lambda t: t.quantile(levels, dim, keepdim, interpolation=how),
        "quantile_all": lambda t: t.quantile(levels, interpolation=how),
        "nanquantile": lambda t: t.nanquantile(levels, dim, keepdim, interpolation=how),
        "aminmax": lambda t: tm.cat([m.reshape(-1) for m in t.aminmax(dim=dim)]),
    }
    x = leaf(np.where(nan_at, np.nan, values) if name.startswith("nan") else values)
    assert tm.gradcheck(methods[name], (x,))
    assert tm.gradgradcheck(methods[name], (x,))


def test_median_is_the_lower_middle_value_and_nan_wherever_a_nan_is() -> None:
    assert tm.tensor([4.0, 1.0, 3.0, 2.0]).median().item() == 2.0
    values, indices = tm.tensor([[3.0, 1.0, 2.0, 2.0], [1.0, np.nan, 3.0, np.nan]]).median(1)
    np.testing.assert_array_equal(values.data, [2.0, np.nan])
    assert indices.tolist() == [2, 1] and indices.dtype == np.int64  # the first nan
    skipping = tm.tensor([[1.0, np.nan, 3.0, np.nan], [np.nan, np.nan, np.nan, np.nan]])
    np.testing.assert_array_equal(skipping.nanmedian(1).values.data, [1.0, np.nan])
    assert np.isnan(tm.zeros(0).median().item()) and tm.tensor(5.0).median(0).indices.item() == 0
    x = tm.tensor([1.0, 2.0, 2.0, 3.0, 2.0], requires_grad=True)
    x.median().backward()  # shared among the equal elements, as PyTorch's
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.data, [0.0, 1 / 3, 1 / 3, 0.0, 1 / 3])


def test_quantile_takes_a_number_or_a_1d_tensor_of_levels_and_keeps_dims() -> None:
    x = tm.tensor(np.arange(24.0).reshape(2, 3, 4))
    assert x.quantile(0.5).shape == () and x.quantile(tm.tensor([0.1, 0.9])).shape == (2,)
    assert x.quantile(0.5, keepdim=True).shape == (1, 1, 1)
    assert x.quantile(tm.tensor([0.1, 0.9]), -2, keepdim=True).shape == (2, 2, 1, 4)
    assert x.nanquantile(0.5, 1).shape == (2, 4)
    assert tm.tensor(2.0).quantile(0.3, 0).shape == ()
    np.testing.assert_array_equal(tm.tensor([1.0, np.nan, 3.0]).quantile(0.5).data, np.nan)
    assert tm.tensor([1.0, np.nan, 3.0]).nanquantile(0.5).item() == 2.0


def test_aminmax_and_count_nonzero_reduce_as_pytorchs() -> None:
    x = tm.tensor([[1.0, 5.0, 0.0], [0.0, -2.0, 0.0]])
    smallest, largest = x.aminmax()
    assert smallest.item() == -2.0 and largest.item() == 5.0
    assert x.aminmax(dim=0, keepdim=True).max.tolist() == [[1.0, 5.0, 0.0]]
    assert x.count_nonzero().item() == 3 and x.count_nonzero(1).tolist() == [2, 1]
    assert x.count_nonzero((0, 1)).dtype == np.int64
    assert tm.tensor(3.0).aminmax(dim=0).min.item() == 3.0


def test_nansum_and_nanmean_give_nan_no_gradient_and_nanmean_nan_where_all_are() -> None:
    x = tm.tensor([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]], requires_grad=True)
    assert x.nansum().item() == 4.0
    means = x.nanmean(1)
    np.testing.assert_array_equal(means.data, [2.0, np.nan])
    means.nansum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.data, [[0.5, 0.0, 0.5], [0.0, 0.0, 0.0]])
    assert tm.tensor([1, 2]).nansum().dtype == np.int64


def test_nansum_keeps_an_infinity_and_nanmean_is_silent_where_a_slice_is_all_nan() -> None:
    assert tm.tensor([np.inf, np.nan, 1.0]).nansum().item() == np.inf  # not the largest float
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no 0 / 0 where a slice has no numbers
        means = tm.tensor([[np.nan, np.nan], [1.0, np.nan]]).nanmean(1)
    np.testing.assert_array_equal(means.data, [np.nan, 1.0])


def test_median_of_an_empty_float_tensor_is_nan_in_the_graph_as_pytorchs() -> None:
    for method in ("median", "nanmedian"):
        x = tm.zeros(0, requires_grad=True)
        out = getattr(x, method)()
        assert np.isnan(out.item()) and out.requires_grad
        out.backward()
        assert x.grad is not None and x.grad.shape == (0,)


def test_median_refuses_a_bool_tensor_and_quantile_levels_of_another_dtype_as_pytorch() -> None:
    for method in ("median", "nanmedian"):
        with pytest.raises(TypeError, match=rf"^{method}: not defined for a bool tensor"):
            getattr(tm.tensor([True, False]), method)()
    with pytest.raises(TypeError, match=r"^quantile: q must have the tensor's dtype float64, "
                                        r"got float32"):
        tm.tensor([1.0, 2.0]).quantile(tm.tensor([0.5], dtype=tm.float32))
    assert tm.tensor([1.0, 2.0]).quantile([0.5]).tolist() == [1.5]  # a list takes its dtype


def test_quantile_nearest_rounds_a_rank_of_exactly_half_to_even_as_pytorch() -> None:
    levels = [0.1, 0.3, 0.5, 0.7, 0.9]  # ranks 0.5, 1.5, 2.5, 3.5 and 4.5 among 6 values
    got = tm.tensor(np.arange(6.0)).quantile(tm.tensor(levels), interpolation="nearest")
    assert got.tolist() == [0.0, 2.0, 2.0, 4.0, 4.0]  # PyTorch's
    torch = torch_or_skip()
    theirs = torch.tensor(np.arange(6.0)).quantile(torch.tensor(levels, dtype=torch.float64),
                                                  interpolation="nearest")
    assert theirs.tolist() == got.tolist()


def test_quantile_of_infinities_is_silent_as_pytorch() -> None:
    x, levels = np.array([np.inf, -np.inf, 1.0, np.inf]), np.array([0.0, 0.2, 0.5, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = tm.tensor(x).quantile(tm.tensor(levels))
    # ∞ - ∞ and 0 · ∞ in the interpolation give nan, as in PyTorch and numpy
    np.testing.assert_array_equal(got.data, [np.nan, -np.inf, np.nan, np.nan])
    torch = torch_or_skip()
    np.testing.assert_array_equal(got.data, torch.tensor(x).quantile(torch.tensor(levels)))


@pytest.mark.parametrize(("call", "message"), [
    (lambda: tm.ones(2, 3).nanmean(2), r"^nanmean: dim 2 is out of range"),
    (lambda: tm.ones(2, 3).median(-3), r"^median: dim -3 is out of range"),
    (lambda: tm.ones(2, 3).quantile(0.5, 2), r"^quantile: dim 2 is out of range"),
    (lambda: tm.ones(2, 3).nanquantile(0.5, 5), r"^nanquantile: dim 5 is out of range"),
    (lambda: tm.ones(2, 3).aminmax(dim=2), r"^aminmax: dim 2 is out of range"),
    (lambda: tm.tensor(1.0).count_nonzero(1), r"^count_nonzero: dim 1 is out of range for a 0-d"),
])
def test_reductions_taking_dim_name_it_in_their_errors(call: Callable[[], Any],
                                                      message: str) -> None:
    with pytest.raises(IndexError, match=message):
        call()


# -- mode, msort, unique, unique_consecutive and renorm -------------------------------


@given(st.data())
def test_mode_is_the_smallest_most_frequent_value_at_its_last_index(data: st.DataObject) -> None:
    shape = data.draw(shapes(min_dims=1, max_dims=3))
    values = data.draw(tied_arrays(shape))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    keepdim = data.draw(st.booleans())
    x = leaf(values)
    got, index = x.mode(dim, keepdim)
    moved = np.moveaxis(values, dim, -1).reshape(-1, shape[dim])
    want = [min(set(row), key=lambda v: (-list(row).count(v), v)) for row in moved]
    where = [len(row) - 1 - list(row[::-1]).index(v) for row, v in zip(moved, want)]
    out_shape = np.delete(np.array(shape), dim % len(shape)).tolist()
    expected_values = np.array(want).reshape(out_shape)
    expected_index = np.array(where).reshape(out_shape)
    if keepdim:
        expected_values = np.expand_dims(expected_values, dim)
        expected_index = np.expand_dims(expected_index, dim)
    np.testing.assert_array_equal(got.data, expected_values)
    np.testing.assert_array_equal(index.data, expected_index)
    assert index.dtype == np.int64 and tm.mode(x, dim, keepdim).indices.shape == index.shape
    got.sum().backward()  # all to the element the index picks
    picked = np.zeros(shape)
    np.put_along_axis(picked, index.data if keepdim else np.expand_dims(index.data, dim), 1.0,
                      dim)
    np.testing.assert_array_equal(x.grad.data, picked)


def test_mode_equals_pytorchs_values_indices_and_gradient() -> None:
    torch = torch_or_skip()
    values = np.array([[3.0, 1.0, 1.0, 3.0], [2.0, 2.0, 5.0, 5.0], [4.0, 0.5, -1.0, 7.0]])
    for dim, keepdim in ((-1, False), (0, True), (1, True)):
        ours, theirs = leaf(values), torch.tensor(values, requires_grad=True)
        a, b = ours.mode(dim, keepdim), theirs.mode(dim, keepdim)
        np.testing.assert_array_equal(a.values.data, b.values.detach().numpy())
        np.testing.assert_array_equal(a.indices.data, b.indices.numpy())
        a.values.sum().backward()
        b.values.sum().backward()
        np.testing.assert_array_equal(ours.grad.data, theirs.grad.numpy())
    for data in (np.array(2.5), np.array([True, False, True]), np.zeros((2, 0)),
                 np.array([1, 2, 2, 3, 3, 1])):
        a, b = tm.tensor(data).mode(0), torch.tensor(data).mode(0)
        assert a.values.shape == tuple(b.values.shape) and a.values.dtype == b.values.numpy().dtype
        np.testing.assert_array_equal(a.values.data, b.values.numpy())
        np.testing.assert_array_equal(a.indices.data, b.indices.numpy())


def test_mode_counts_nans_as_equal_and_refuses_an_empty_dim() -> None:
    values, index = tm.tensor([np.nan, 1.0, np.nan, 2.0]).mode()
    assert np.isnan(values.item()) and index.item() == 2
    with pytest.raises(ValueError, match=r"^mode: dim 1 of shape \(2, 0\) is empty"):
        tm.zeros(2, 0).mode(1)
    with pytest.raises(IndexError, match=r"^mode: dim 2 is out of range"):
        tm.ones(2, 3).mode(2)


@given(st.data())
def test_msort_sorts_dim_0_and_passes_gradcheck_and_gradgradcheck(data: st.DataObject) -> None:
    shape = data.draw(shapes(max_dims=3))
    x = leaf(data.draw(distinct_arrays(shape)))
    np.testing.assert_array_equal(x.msort().data, np.sort(x.data, 0) if shape else x.data)
    np.testing.assert_array_equal(tm.msort(x).data, x.msort().data)
    assert tm.gradcheck(lambda t: t.msort() * t, (x,))
    assert tm.gradgradcheck(lambda t: t.msort() * t, (x,))


@given(st.data())
def test_unique_and_unique_consecutive_give_numpys_values_inverse_and_counts(
        data: st.DataObject) -> None:
    shape = data.draw(shapes(max_dims=3))
    values = data.draw(tied_arrays(shape))
    dim = data.draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1))
                    if shape else st.none())
    x = tm.tensor(values)
    distinct, inverse, counts = x.unique(return_inverse=True, return_counts=True, dim=dim)
    want = np.unique(values, return_inverse=True, return_counts=True, axis=dim)
    np.testing.assert_array_equal(distinct.data, want[0])
    np.testing.assert_array_equal(inverse.data, want[1].reshape(
        values.shape if dim is None else -1))
    np.testing.assert_array_equal(counts.data, want[2])
    assert inverse.dtype == counts.dtype == np.int64 and distinct.dtype == x.dtype
    np.testing.assert_array_equal(tm.unique(x, dim=dim).data, distinct.data)
    runs, where, lengths = x.unique_consecutive(True, True, dim)  # rebuild the input from runs
    rebuilt = np.take(runs.data, where.data.reshape(-1), 0 if dim is None else dim)
    np.testing.assert_array_equal(rebuilt.reshape(values.shape), values)
    assert lengths.data.sum() == (values.size if dim is None else shape[dim])
    assert np.all(lengths.data > 0) and distinct.grad_fn is None


def test_unique_and_unique_consecutive_equal_pytorchs_in_every_form() -> None:
    torch = torch_or_skip()
    cases = [np.array([[1.0, 2.0], [1.0, 2.0], [0.0, 5.0]]), np.array([1.0, np.nan, np.nan, 1.0]),
             np.array(2.0), np.zeros((0, 2)), np.zeros((2, 0)), np.array([True, False, True]),
             np.array([3, 1, 1, 2, 1, 3])]
    for values in cases:
        for name in ("unique", "unique_consecutive"):
            for dim in [None, *range(values.ndim)]:
                if values.ndim and values.size == 0 and values.shape[1 - (dim or 0)] == 0:
                    continue  # refused by both: no slices to compare
                if dim is not None and np.isnan(values).any():
                    continue  # PyTorch sorts slices holding nan with no order: none are merged
                kwargs = {"return_inverse": True, "return_counts": True, "dim": dim}
                ours = getattr(tm.tensor(values), name)(**kwargs)
                theirs = getattr(torch.tensor(values), name)(**kwargs)
                for a, b in zip(ours, theirs):
                    assert a.shape == tuple(b.shape) and a.dtype == b.numpy().dtype, name
                    np.testing.assert_array_equal(a.data, b.numpy(), err_msg=name)
    assert tm.tensor([3.0, 1.0, 3.0]).unique(sorted=False).tolist() == [1.0, 3.0]


def test_unique_refuses_slices_of_nothing_and_dims_out_of_range() -> None:
    with pytest.raises(ValueError, match=r"^unique: shape \(0, 2\) is empty outside dim 1"):
        tm.zeros(0, 2).unique(dim=1)
    with pytest.raises(ValueError, match=r"^unique_consecutive: shape \(0, 2\) is empty"):
        tm.zeros(0, 2).unique_consecutive(dim=1)
    with pytest.raises(IndexError, match=r"^unique: dim 0 is out of range for a tensor with 0"):
        tm.tensor(1.0).unique(dim=0)


@given(st.data())
def test_renorm_caps_each_slices_norm_and_passes_gradcheck_and_gradgradcheck(
        data: st.DataObject) -> None:
    shape = data.draw(shapes(min_dims=2, max_dims=3, max_side=3))
    values = data.draw(arrays(shape, -3.0, 3.0))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    p = data.draw(st.sampled_from([2, 3, 1.5, float("inf")]))
    maxnorm = data.draw(st.sampled_from([0.5, 1.0, 2.0]))
    others = tuple(d for d in range(len(shape)) if d != dim % len(shape))
    norms = (np.abs(values).max(others, keepdims=True) if np.isinf(p) else
             (np.abs(values) ** p).sum(others, keepdims=True) ** (1 / p))
    assume(np.all(np.abs(norms - maxnorm) > 1e-3))  # off the switch at ‖slice‖ = maxnorm
    assume(np.all(np.abs(values) > 1e-3) or p == 2)  # |x|ᵖ has no second derivative at 0
    if np.isinf(p):  # the largest |x| of a slice picks one element: keep them apart
        assume(all(len(set(np.round(np.abs(np.moveaxis(values, dim, 0)[i]).ravel(), 3)))
                   == np.moveaxis(values, dim, 0)[i].size for i in range(shape[dim])))
    x = leaf(values)
    want = values * np.where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)
    np.testing.assert_allclose(x.renorm(p, dim, maxnorm).data, want, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(tm.renorm(x, p, dim, maxnorm).data,
                                  x.renorm(p, dim, maxnorm).data)
    assert tm.gradcheck(lambda t: t.renorm(p, dim, maxnorm), (x,))
    assert tm.gradgradcheck(lambda t: t.renorm(p, dim, maxnorm), (x,))


# name -> (call(lib, x) for lib = tm or torch, the float64 input)
SORT_AND_RENORM_CASES: dict[str, tuple[Callable[..., Any], np.ndarray]] = {
    "renorm": (lambda lib, x: x.renorm(2, 0, 1.5), np.arange(-6.0, 6.0).reshape(3, 4) / 3),
    "renorm_dim_1_p_3": (lambda lib, x: x.renorm(3, -1, 1.0), np.arange(-6.0, 6.0).reshape(
        3, 4) / 4 + 0.1),
    "renorm_3d": (lambda lib, x: x.renorm(1.5, 1, 2.0), np.linspace(-2, 3, 24).reshape(2, 3, 4)),
    "msort": (lambda lib, x: x.msort() * x, np.array([[3.0, -1.0], [0.5, 2.0], [-4.0, 1.0]])),
    "mode": (lambda lib, x: x.mode(0).values * 2.0, np.array([[1.0, 2.0], [1.0, 3.0],
                                                               [4.0, 3.0]])),
}


@pytest.mark.parametrize("name", sorted(SORT_AND_RENORM_CASES))
def test_renorm_msort_and_mode_equal_pytorchs_first_and_second_derivatives(name: str) -> None:
    torch = torch_or_skip()
    call, values = SORT_AND_RENORM_CASES[name]
    for a, b in zip(derivatives(tm, call, [values]), derivatives(torch, call, [values])):
        assert a.shape == b.shape, name
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg=name)


def test_renorm_of_float32_0_norms_and_empty_tensors_as_pytorch() -> None:
    torch = torch_or_skip()
    for values in (np.zeros((2, 3)), np.zeros((0, 3)), np.ones((2, 3), np.float32) * 2):
        ours = tm.tensor(values).renorm(2, 0, 1.0)
        theirs = torch.tensor(values).renorm(2, 0, 1.0).numpy()
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
        np.testing.assert_allclose(ours.data, theirs, rtol=1e-6)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: tm.ones(3).renorm(2, 0, 1.0), ValueError,
     r"^renorm: needs at least 2 dims, got shape \(3,\)"),
    (lambda: tm.ones(2, 2).renorm(0, 0, 1.0), ValueError, r"^renorm: p must be > 0, got 0"),
    (lambda: tm.ones(2, 2).renorm(2, 0, -1.0), ValueError,
     r"^renorm: maxnorm must be >= 0, got -1.0"),
    (lambda: tm.ones(2, 2).renorm(2, 2, 1.0), IndexError, r"^renorm: dim 2 is out of range"),
    (lambda: tm.tensor([[1, 2]]).renorm(2, 0, 1.0), TypeError,
     r"^renorm: needs a floating point tensor, got dtype int64"),
    (lambda: tm.ones(2, 2).renorm("2", 0, 1.0), TypeError, r"^renorm: p must be a number"),
])
def test_renorm_refuses_bad_arguments_naming_them(call: Callable[[], Any], error: type[Exception],
                                                  message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_mode_of_a_0d_tensor_takes_dim_0_or_minus_1_and_says_so_for_others() -> None:
    values, indices = tm.tensor(2.5).mode(-1)
    assert values.item() == 2.5 and indices.item() == 0
    message = r"mode: dim 1 is out of range for a 0-d tensor \(0 or -1\)"
    with pytest.raises(IndexError, match=message):
        tm.tensor(2.5).mode(1)


# -- kthvalue, cov and corrcoef -------------------------------------------------------------


@given(data=st.data())
def test_kthvalue_equals_numpys_sort_and_passes_gradcheck(data: st.DataObject) -> None:
    shape = data.draw(shapes(min_dims=1, max_dims=3, max_side=3))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    k = data.draw(st.integers(1, shape[dim]))
    keepdim = data.draw(st.booleans())
    values = data.draw(distinct_arrays(shape))
    result = tm.tensor(values).kthvalue(k, dim, keepdim)
    expected = np.take(np.sort(values, dim), [k - 1], dim)
    expected = expected if keepdim else expected.squeeze(dim)
    np.testing.assert_array_equal(result.values.data, expected)
    chosen = np.take_along_axis(values, result.indices.data if keepdim else np.expand_dims(
        result.indices.data, dim), dim)
    np.testing.assert_array_equal(chosen if keepdim else chosen.squeeze(dim), expected)
    assert tm.gradcheck(lambda t: t.kthvalue(k, dim, keepdim).values, (leaf(values),))
    assert tm.gradgradcheck(lambda t: t.kthvalue(k, dim, keepdim).values, (leaf(values),))


def test_kthvalue_sends_the_gradient_to_the_picked_element_and_sorts_nan_last() -> None:
    x = tm.tensor([[3.0, 1.0, 2.0, 1.0], [5.0, 4.0, 4.0, 0.0]], requires_grad=True)
    values, indices = x.kthvalue(2)
    assert values.tolist() == [1.0, 4.0] and indices.tolist() == [3, 1]  # PyTorch's too
    values.sum().backward()
    assert x.grad is not None
    assert x.grad.tolist() == [[0.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 0.0]]
    largest = tm.tensor([1.0, np.nan, 2.0]).kthvalue(3)
    assert np.isnan(largest.values.item()) and largest.indices.item() == 1
    assert tm.tensor(3.0).kthvalue(1).values.item() == 3.0
    with pytest.raises(ValueError, match=r"^kthvalue: k must be an int from 1 to 4 \(the size "
                                         r"of dim -1\), got 5"):
        x.kthvalue(5)
    with pytest.raises(TypeError, match=r"^kthvalue: not defined for a bool tensor"):
        tm.tensor([True, False]).kthvalue(1)


@given(data=st.data())
def test_cov_equals_numpys_with_weights_and_passes_gradcheck(data: st.DataObject) -> None:
    variables, observations = data.draw(st.integers(1, 3)), data.draw(st.integers(3, 5))
    values = data.draw(arrays((variables, observations)))
    counts = data.draw(hnp.arrays(np.int64, observations, elements=st.integers(1, 3)))
    importances = data.draw(arrays(observations, 0.5, 2.0))
    correction = data.draw(st.sampled_from([0, 1]))
    fweights = data.draw(st.sampled_from([None, counts]))
    aweights = data.draw(st.sampled_from([None, importances]))
    ours = tm.tensor(values).cov(
        correction=correction, fweights=None if fweights is None else tm.tensor(fweights),
        aweights=None if aweights is None else tm.tensor(aweights))
    expected = np.cov(values, ddof=correction, fweights=fweights, aweights=aweights)
    np.testing.assert_allclose(ours.data, expected, rtol=1e-10, atol=1e-12)
    a = None if aweights is None else leaf(aweights)
    if a is None:
        assert tm.gradcheck(lambda t: t.cov(correction=correction), (leaf(values),))
        assert tm.gradgradcheck(lambda t: t.cov(correction=correction), (leaf(values),))
    else:  # the gradient reaches the aweights too, as PyTorch's
        assert tm.gradcheck(lambda t, w: t.cov(correction=correction, aweights=w),
                            (leaf(values), a))
        assert tm.gradgradcheck(lambda t, w: t.cov(correction=correction, aweights=w),
                                (leaf(values), a))


@given(data=st.data())
def test_corrcoef_equals_numpys_and_passes_gradcheck(data: st.DataObject) -> None:
    values = data.draw(distinct_arrays((data.draw(st.integers(2, 3)), 4)))
    off_diagonal = np.corrcoef(values)[~np.eye(len(values), dtype=bool)]
    assume(np.all(np.abs(off_diagonal) < 0.99))  # at ±1 the clip makes it not differentiable
    np.testing.assert_allclose(tm.tensor(values).corrcoef().data, np.corrcoef(values),
                               rtol=1e-12, atol=1e-14)
    assert tm.gradcheck(lambda t: t.corrcoef(), (leaf(values),))
    assert tm.gradgradcheck(lambda t: t.corrcoef(), (leaf(values),))


def test_cov_of_one_variable_is_its_variance_and_a_short_count_warns_as_pytorch() -> None:
    x = tm.tensor([1.0, 2.0, 4.0])
    assert x.cov().shape == () and x.cov().item() == pytest.approx(np.var([1, 2, 4], ddof=1))
    assert tm.tensor([[1, 2, 4]]).cov().dtype == np.float64  # ints: the default float dtype
    with pytest.warns(UserWarning, match=r"^cov: degrees of freedom is <= 0"):
        assert np.isinf(tm.tensor([[1.0, 2.0]]).cov(correction=2).item())
    assert np.isnan(tm.tensor([[1.0, 1.0, 1.0], [1.0, 2.0, 3.0]]).corrcoef().data[0, 0])


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: tm.ones(2, 2, 2).cov(), ValueError,
     r"^cov: input must have at most 2 dims \(variables, observations\), got shape \(2, 2, 2\)"),
    (lambda: tm.ones(2, 3).cov(fweights=tm.ones(3)), TypeError,
     r"^cov: fweights must have an integer dtype, got float64"),
    (lambda: tm.ones(2, 3).cov(aweights=tm.tensor([1, 2, 3])), TypeError,
     r"^cov: aweights must have a floating point dtype, got int64"),
    (lambda: tm.ones(2, 3).cov(fweights=tm.tensor([1, -2, 1])), ValueError,
     r"^cov: fweights cannot be negative"),
    (lambda: tm.ones(2, 3).cov(aweights=tm.ones(2)), ValueError,
     r"^cov: aweights must be 0-d or 1-d with one weight per observation \(3\), got shape \(2,\)"),
    (lambda: tm.ones(2, 3).cov(correction=0.5), TypeError, r"^cov: correction must be an int"),
    (lambda: tm.tensor([[True, False]]).corrcoef(), TypeError,
     r"^corrcoef: not defined for a bool"),
])
def test_cov_refuses_bad_input_naming_the_argument(call: Callable[[], Any],
                                                   error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()
