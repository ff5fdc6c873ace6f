"""Scatter, index and put (tinygrad_mlp/indexing.py): values, dtypes, derivatives, in place, errors.

Each method is a write of values at flat positions, made of the engine's
ops, so the tests check that it computes what a loop over the index
computes in numpy (always) and what PyTorch computes (when installed), that
its first and second derivatives pass finite differences in float64 over
drawn shapes, dims, indices and values (sizes 0 and 1, 0-d tensors,
negative indices, repeats), and that both equal PyTorch's. Where PyTorch
leaves the result undefined (a place written twice without accumulating),
only the rule documented here is checked.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tests.strategies import (
    arrays,
    arrays_with_zeros,
    broadcasting_to,
    dims_of,
    distinct_arrays,
    leaf,
    shapes,
    tied_arrays,
)
from tinygrad_mlp import indexing

Call = Callable[[Any, list[Any]], Any]  # (tm or torch, the input tensors) -> the output


@dataclass
class Case:
    """A call made the same way on our tensors and PyTorch's, its inputs and numpy's answer."""

    inputs: list[np.ndarray]  # float64, each differentiated
    call: Call
    want: np.ndarray
    # False where PyTorch's derivatives fail (a src larger than its index, two zeros of a product
    # at one place) or lose all digits (its product rule divides by tiny factors)
    like_torch: bool = True


def ints(library: Any, values: Any) -> Any:
    """An int64 (or bool) tensor of ``values`` in ``library`` (tm or torch)."""
    return library.tensor(np.asarray(values))


def torch_or_none() -> Any:
    try:
        import torch
    except ImportError:
        return None
    return torch


# -- numpy's answers: loops over the index -----------------------------------------------------


def scatter_reference(x: np.ndarray, dim: int, index: np.ndarray, src: np.ndarray, reduce: str,
                      include_self: bool = True) -> np.ndarray:
    """scatter (``reduce='replace'``, the last entry winning) and scatter_reduce, by a loop."""
    work, index, src = np.atleast_1d(x).copy(), np.atleast_1d(index), np.atleast_1d(src)
    met: dict[tuple[int, ...], list[float]] = {}
    for i in np.ndindex(index.shape):
        place = list(i)
        place[dim] = index[i]
        met.setdefault(tuple(place), []).append(src[i])
    for place, values in met.items():
        factors = ([work[place]] if include_self else []) + values
        work[place] = {"replace": lambda f: f[-1], "sum": sum, "prod": math.prod,
                       "mean": lambda f: sum(f) / len(f), "amax": max, "amin": min}[reduce](
            values if reduce == "replace" else factors)
    return work.reshape(x.shape)


def slices_reference(x: np.ndarray, dim: int, index: np.ndarray, source: np.ndarray,
                     add: bool, alpha: float = 1.0) -> np.ndarray:
    """index_add (``add``) and index_copy, by a loop over the slices."""
    out = np.atleast_1d(x).copy()
    moved, given = np.moveaxis(out, dim, 0), np.moveaxis(np.atleast_1d(source), dim, 0)
    for j, at in enumerate(np.atleast_1d(index)):
        moved[at] = moved[at] + alpha * given[j] if add else given[j]
    return out.reshape(x.shape)


# -- the drawn cases ---------------------------------------------------------------------------


def unique_along(rng: np.random.Generator, shape: tuple[int, ...], axis: int,
                 size: int) -> np.ndarray:
    """Indices of ``shape`` in [0, size), no two equal along ``axis`` (so no place twice)."""
    lines = [rng.permutation(size)[:shape[axis]] for _ in range(math.prod(shape) // max(
        shape[axis], 1) if shape[axis] else 0)]
    moved = (*shape[:axis], *shape[axis + 1:], shape[axis])
    table = np.array(lines, dtype=np.int64).reshape(moved) if lines else np.zeros(moved, np.int64)
    return np.moveaxis(table, -1, axis)


def at_most_one_zero_a_place(axis: int, index: np.ndarray, src: np.ndarray) -> bool:
    """Whether no place gets two zeros of src: PyTorch refuses prod's double backward then."""
    places = [(*i[:axis], index[i], *i[axis + 1:]) for i in np.ndindex(index.shape)
              if np.atleast_1d(src)[i or (0,)] == 0]
    return len(set(places)) == len(places)


@st.composite
def scatter_cases(draw: st.DrawFn, reduce: str, include_self: bool = True) -> Case:
    """x, index and src for scatter ('replace', 'value', 'add') or scatter_reduce (the rest)."""
    shape = draw(shapes(min_dims=0, max_dims=3, max_side=3))
    work = shape or (1,)
    dim = draw(dims_of(shape))
    axis = dim % len(work)
    unique = reduce in ("replace", "value")
    index_shape = tuple(draw(st.integers(0, n if unique or d != axis else 3))
                        if d == axis else draw(st.integers(1, n)) for d, n in enumerate(work))
    src_shape = tuple(n + draw(st.integers(0, 1)) for n in index_shape)
    if not shape and draw(st.booleans()):
        index_shape = src_shape = ()  # a 0-d index and src, one entry
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    index = unique_along(rng, index_shape or (1,), axis, work[axis]).reshape(index_shape) \
        if unique else rng.integers(0, work[axis], index_shape)
    size = math.prod(shape) + math.prod(src_shape)
    pooled = draw(distinct_arrays((size,)) if reduce in ("amax", "amin") else
                  arrays_with_zeros((size,)) if reduce == "prod" else arrays((size,)))
    x, src = pooled[:math.prod(shape)].reshape(shape), pooled[math.prod(shape):].reshape(
        src_shape)
    if reduce == "value":
        return Case([x], lambda lib, t: t[0].scatter(dim, ints(lib, index), 1.5),
                    scatter_reference(x, axis, index, np.full(index.shape, 1.5), "replace"))
    if reduce in ("replace", "add"):
        method = "scatter" if reduce == "replace" else "scatter_add"
        return Case([x, src], lambda lib, t: getattr(t[0], method)(dim, ints(lib, index), t[1]),
                    scatter_reference(x, axis, index, src, "replace" if unique else "sum"),
                    src_shape == index_shape)
    return Case([x, src], lambda lib, t: t[0].scatter_reduce(
        dim, ints(lib, index), t[1], reduce, include_self=include_self),
        scatter_reference(x, axis, index, src, reduce, include_self),
        src_shape == index_shape and (reduce != "prod" or (at_most_one_zero_a_place(
            axis, index, src) and not np.any((pooled != 0) & (np.abs(pooled) < 1e-3)))))


@st.composite
def slice_cases(draw: st.DrawFn, method: str) -> Case:
    """index_add, index_copy or index_fill along a drawn dim."""
    shape = draw(shapes(min_dims=0, max_dims=3, max_side=3))
    work = shape or (1,)
    dim = draw(dims_of(shape))
    axis = dim % len(work)
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    count = draw(st.integers(0, work[axis] if method == "index_copy" else 3))
    index = rng.permutation(work[axis])[:count] if method == "index_copy" else rng.integers(
        -work[axis] if method == "index_fill" else 0, work[axis], count)
    x = draw(arrays(shape))
    if method == "index_fill":
        value = draw(arrays(()))
        filled = np.atleast_1d(x).copy()
        np.moveaxis(filled, axis, 0)[index] = value
        # PyTorch's backward of index_fill fails at a negative index: it is given them wrapped
        return Case([x, value], lambda lib, t: t[0].index_fill(
            dim, ints(lib, index if lib is tm else index % work[axis]), t[1]),
            filled.reshape(shape), bool(shape) or count == 1)
    if not shape:  # one entry of a 0-d tensor, given 0-d (PyTorch's index_add takes no other)
        index = index[:1] if index.size else np.zeros(1, np.int64)
        source = draw(arrays(()))
        if draw(st.booleans()):
            index = index.reshape(())
    else:
        source = draw(arrays((*work[:axis], count, *work[axis + 1:])))
    if method == "index_add":
        return Case([x, source], lambda lib, t: t[0].index_add(dim, ints(lib, index), t[1],
                                                               alpha=-2.0),
                    slices_reference(x, axis, index, source, True, -2.0))
    return Case([x, source], lambda lib, t: t[0].index_copy(dim, ints(lib, index), t[1]),
                slices_reference(x, axis, index, source, False))


@st.composite
def index_put_cases(draw: st.DrawFn, accumulate: bool) -> Case:
    """index_put with int index tensors for the first dims (negatives too) or a bool mask."""
    shape = draw(shapes(min_dims=1, max_dims=3, max_side=3))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    leading = draw(st.integers(1, len(shape)))
    if draw(st.booleans()):
        mask = rng.random(shape[:leading]) < 0.5
        indices: tuple[np.ndarray, ...] = (mask,)
        picked = int(mask.sum())
    else:
        cells = math.prod(shape[:leading])
        picked = draw(st.integers(0, cells if not accumulate else 4))
        flat = rng.permutation(cells)[:picked] if not accumulate else rng.integers(0, cells,
                                                                                    picked)
        indices = tuple(i - shape[d] * rng.integers(0, 2, picked) for d, i in
                        enumerate(np.unravel_index(flat, shape[:leading])))
    target = (picked, *shape[leading:])
    x, values = draw(arrays(shape)), draw(arrays(draw(broadcasting_to(target))))
    want = x.copy()
    if accumulate:
        np.add.at(want, indices, np.broadcast_to(values, target))
    else:
        want[indices] = values
    return Case([x, values], lambda lib, t: t[0].index_put(
        tuple(ints(lib, i) for i in indices), t[1], accumulate), want)


@st.composite
def flat_cases(draw: st.DrawFn, method: str) -> Case:
    """put (with or without accumulate), take and masked_scatter on the flattened tensor."""
    shape = draw(shapes(min_dims=0, max_dims=3, max_side=3))
    size = math.prod(shape)
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    x = draw(arrays(shape))
    if method == "masked_scatter":
        mask = rng.random(draw(broadcasting_to(shape))) < 0.5
        count = int(np.broadcast_to(mask, shape).sum())
        source = draw(arrays((count + draw(st.integers(0, 2)),)))
        want = x.copy()
        want[np.broadcast_to(mask, shape)] = source[:count]
        return Case([x, source], lambda lib, t: t[0].masked_scatter(ints(lib, mask), t[1]),
                    want)
    index_shape = draw(shapes(min_dims=0, max_dims=2, max_side=3))
    if method == "put":
        index_shape = index_shape[:1] if math.prod(index_shape) <= size else ()
        index = rng.permutation(size)[:math.prod(index_shape)].reshape(index_shape) - size
        source = draw(arrays(index_shape[::-1]))  # as many elements, in another shape
        want = x.copy()
        want.flat[index % size] = source
        return Case([x, source], lambda lib, t: t[0].put(ints(lib, index), t[1]), want)
    index = rng.integers(-size, size, index_shape)
    if method == "put_accumulate":
        source = draw(arrays(index_shape))
        want = x.copy().reshape(-1)
        np.add.at(want, index % size, source)
        return Case([x, source], lambda lib, t: t[0].put(ints(lib, index), t[1],
                                                         accumulate=True), want.reshape(shape))
    return Case([x], lambda lib, t: t[0].take(ints(lib, index)), np.take(x, index))


@st.composite
def view_cases(draw: st.DrawFn, method: str) -> Case:
    """select(dim, index) and unfold(dimension, size, step)."""
    shape = draw(shapes(min_dims=1 if method == "select" else 0, max_dims=3, max_side=4))
    dim = draw(dims_of(shape))
    axis, x = dim % max(len(shape), 1), draw(arrays(shape))
    length = shape[axis] if shape else 1
    if method == "select":
        at = draw(st.integers(-length, length - 1))
        return Case([x], lambda lib, t: t[0].select(dim, at), np.take(x, at, axis))
    size, step = draw(st.integers(0, length)), draw(st.integers(1, 3))
    windows = np.lib.stride_tricks.sliding_window_view(np.atleast_1d(x), size, axis)
    want = windows[(slice(None),) * axis + (slice(None, None, step),)]
    return Case([x], lambda lib, t: t[0].unfold(dim, size, step),
                want.reshape(want.shape[-1:]) if not shape else want)


CASES: dict[str, Callable[[], st.SearchStrategy[Case]]] = {
    "scatter": lambda: scatter_cases("replace"),
    "scatter_value": lambda: scatter_cases("value"),
    "scatter_add": lambda: scatter_cases("add"),
    **{f"scatter_reduce_{r}_{'with' if s else 'without'}_self": (
        lambda r=r, s=s: scatter_cases(r, s))
       for r in ("sum", "prod", "mean", "amax", "amin") for s in (True, False)},
    "index_add": lambda: slice_cases("index_add"),
    "index_copy": lambda: slice_cases("index_copy"),
    "index_fill": lambda: slice_cases("index_fill"),
    "index_put": lambda: index_put_cases(False),
    "index_put_accumulate": lambda: index_put_cases(True),
    "masked_scatter": lambda: flat_cases("masked_scatter"),
    "put": lambda: flat_cases("put"),
    "put_accumulate": lambda: flat_cases("put_accumulate"),
    "take": lambda: flat_cases("take"),
    "select": lambda: view_cases("select"),
    "unfold": lambda: view_cases("unfold"),
}


def our_call(case: Case) -> Callable[..., tm.Tensor]:
    return lambda *tensors: case.call(tm, list(tensors))


# -- values and derivatives ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_values_equal_numpys_and_derivatives_pass_gradcheck_and_gradgradcheck(
    name: str, data: st.DataObject
) -> None:
    case = data.draw(CASES[name]())
    got = case.call(tm, [leaf(v) for v in case.inputs])
    assert got.shape == case.want.shape and got.dtype == np.float64
    np.testing.assert_allclose(got.data, case.want, rtol=1e-12, atol=1e-12)
    leaves = [leaf(v) for v in case.inputs]
    assert tm.gradcheck(our_call(case), leaves) and tm.gradgradcheck(our_call(case), leaves)


def derivatives(library: Any, case: Case, weights: np.ndarray,
                directions: list[np.ndarray]) -> tuple[Any, list[np.ndarray], list[np.ndarray]]:
    """The value, ∂(Σ w · out)/∂inputs and the derivative of Σ grad · direction, as arrays."""
    grad = tm.grad if library is tm else library.autograd.grad
    leaves = [library.tensor(v, requires_grad=True) for v in case.inputs]
    out = case.call(library, leaves)
    firsts = grad((out * library.tensor(weights)).sum(), leaves, create_graph=True,
                  allow_unused=True)
    firsts = [library.zeros_like(t) if g is None else g for g, t in zip(firsts, leaves)]
    both = sum(((g * library.tensor(d)).sum() for g, d in zip(firsts, directions)),
               library.tensor(0.0))
    seconds = grad(both, leaves, allow_unused=True) if both.requires_grad else [None] * len(
        leaves)
    arrays_of = [np.zeros(v.shape) if s is None else np.asarray(s.detach().numpy() if library
                                                                 is not tm else s.data)
                 for s, v in zip(seconds, case.inputs)]
    value = out.detach().numpy() if library is not tm else out.data
    first = [np.asarray(g.detach().numpy() if library is not tm else g.data) for g in firsts]
    return value, first, arrays_of


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_values_first_and_second_derivatives_equal_pytorchs(name: str,
                                                            data: st.DataObject) -> None:
    torch = torch_or_none()
    if torch is None:
        pytest.skip("PyTorch is not installed")
    case = data.draw(CASES[name]())
    if not case.like_torch:
        return
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    weights = rng.standard_normal(case.want.shape)
    directions = [rng.standard_normal(v.shape) for v in case.inputs]
    ours, theirs = (derivatives(library, case, weights, directions) for library in (tm, torch))
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12, atol=1e-12)
    for mine, pytorchs in zip(ours[1] + ours[2], theirs[1] + theirs[2]):
        np.testing.assert_allclose(mine, pytorchs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reduce", ["amax", "amin"])
@given(data=st.data())
def test_amax_and_amin_split_the_gradient_evenly_among_ties_as_pytorch(
    reduce: str, data: st.DataObject
) -> None:
    x, src = data.draw(tied_arrays((3, 2))), data.draw(tied_arrays((4, 2)))
    index = np.array([[0, 1], [0, 1], [2, 1], [0, 0]])
    out = leaf(x).scatter_reduce(0, tm.tensor(index), leaf(src), reduce)
    np.testing.assert_array_equal(out.data, scatter_reference(x, 0, index, src, reduce))
    xs, srcs = leaf(x), leaf(src)
    grads = tm.grad(xs.scatter_reduce(0, tm.tensor(index), srcs, reduce).sum(), [xs, srcs])
    for place in np.ndindex(3, 2):  # each place hands 1 to its c ties, 1/c each
        met = [(x[place], grads[0].data[place])] + [
            (src[i], grads[1].data[i]) for i in np.ndindex(4, 2) if (index[i], i[1]) == place]
        best = (max if reduce == "amax" else min)(v for v, _ in met)
        ties = sum(v == best for v, _ in met)
        assert all(g == (1 / ties if v == best else 0.0) for v, g in met)
    torch = torch_or_none()
    if torch is not None:
        tx, ts = (torch.tensor(v, requires_grad=True) for v in (x, src))
        want = torch.autograd.grad(tx.scatter_reduce(0, torch.tensor(index), ts, reduce).sum(),
                                   [tx, ts])
        for mine, pytorchs in zip(grads, want):
            np.testing.assert_allclose(mine.data, pytorchs.numpy(), rtol=1e-15)


def test_without_self_ties_among_src_alone_share_the_whole_gradient() -> None:
    # PyTorch counts the excluded self as a tie too and hands each src 1/3 here
    x, src = leaf(np.array([2.0, 1.0])), leaf(np.array([2.0, 2.0]))
    out = x.scatter_reduce(0, tm.tensor([0, 0]), src, "amax", include_self=False)
    out.sum().backward()
    assert out.tolist() == [2.0, 1.0]
    assert x.grad is not None and x.grad.tolist() == [0.0, 1.0]
    assert src.grad is not None and src.grad.tolist() == [0.5, 0.5]


def test_prod_gives_each_factor_the_product_of_the_others_at_zeros_to_second_order() -> None:
    x, src = leaf(np.array([0.0, 2.0])), leaf(np.array([3.0, 0.0, 4.0, 0.0]))
    out = x.scatter_reduce(0, tm.tensor([0, 1, 1, 0]), src, "prod")
    assert out.tolist() == [0.0, 0.0]
    gx, gs = tm.grad(out.sum(), [x, src], create_graph=True)
    assert gx.tolist() == [0.0, 0.0] and gs.tolist() == [0.0, 8.0, 0.0, 0.0]
    # ∂²/∂x₀∂src₃ = src₀ = 3: two zeros at one place, where PyTorch refuses the double backward
    second = tm.grad(gx[0], [src])[0]
    assert second.tolist() == [0.0, 0.0, 0.0, 3.0]


@pytest.mark.filterwarnings("error")  # no inf - inf, no 0 · inf
def test_infinities_and_nan_stay_where_they_are_written_over_or_reduced() -> None:
    x = leaf(np.array([np.inf, np.nan, -np.inf]))
    out = x.scatter(0, tm.tensor([0, 1]), leaf(np.array([1.0, 2.0])))
    assert out.tolist()[:2] == [1.0, 2.0] and out.tolist()[2] == -np.inf
    out.sum().backward()
    assert x.grad is not None and x.grad.tolist() == [0.0, 0.0, 1.0]
    y = tm.tensor([np.inf, -np.inf, 1.0]).scatter_reduce(
        0, tm.tensor([0, 1, 2]), tm.tensor([np.inf, 5.0, -np.inf]), "amax")
    assert y.tolist() == [np.inf, 5.0, 1.0]



@pytest.mark.filterwarnings("error")  # numpy's maximum warns at a NaN
def test_a_nan_is_the_extreme_and_takes_the_whole_gradient() -> None:
    x, src = leaf(np.array([1.0, 2.0])), leaf(np.array([np.nan, 0.0]))
    out = x.scatter_reduce(0, tm.tensor([0, 0]), src, "amax")
    out.sum().backward()
    assert np.isnan(out.data[0]) and out.data[1] == 2.0
    assert x.grad is not None and x.grad.tolist() == [0.0, 1.0]
    assert src.grad is not None and src.grad.tolist() == [1.0, 0.0]
    x, src = leaf(np.array([np.nan, 2.0])), leaf(np.array([1.0, np.nan, 3.0]))
    out = x.scatter_reduce(0, tm.tensor([0, 1, 1]), src, "amin")  # a NaN in self too
    out.sum().backward()
    assert np.isnan(out.data).all()
    assert x.grad is not None and x.grad.tolist() == [1.0, 0.0]
    assert src.grad is not None and src.grad.tolist() == [0.0, 1.0, 0.0]


@pytest.mark.parametrize("reduce", ["sum", "mean", "prod", "amax", "amin"])
@pytest.mark.filterwarnings("error")  # no NaN - NaN, no 0 · NaN
def test_without_self_a_nan_written_over_does_not_reach_the_result(reduce: str) -> None:
    x = leaf(np.array([np.nan, 1.0]))
    out = x.scatter_reduce(0, tm.tensor([0]), tm.tensor([5.0]), reduce, include_self=False)
    out.sum().backward()
    assert out.tolist() == [5.0, 1.0]  # as PyTorch
    assert x.grad is not None and x.grad.tolist() == [0.0, 1.0]


def entries_met_at(places: np.ndarray, values: np.ndarray, size: int, reduce: str) -> np.ndarray:
    """Each place's reduction of what is scattered to it (1 or ∓inf where nothing is), in numpy."""
    out = np.full(size, {"prod": 1.0, "amax": -np.inf, "amin": np.inf}[reduce])
    {"prod": np.multiply, "amax": np.maximum, "amin": np.minimum}[reduce].at(out, places, values)
    return out


@pytest.mark.parametrize("reduce", ["amax", "amin", "prod"])
@pytest.mark.parametrize("spread", ["all at one place", "half at one place, half one a place"])
def test_twenty_thousand_entries_at_one_place_reduce_in_linear_time_and_memory(
    reduce: str, spread: str
) -> None:
    # a table with a row per place as wide as the busiest one took 45 s (prod) or more than
    # 14 GB (amax) here; powers of 2 multiply exactly in any order, so the result is exact
    n = 20_000
    rng = np.random.default_rng(0)
    index = np.zeros(n, np.int64)
    if spread != "all at one place":
        index[n // 2:] = np.arange(1, n // 2 + 1)
    x = rng.permutation(n) - n / 2.0 if reduce != "prod" else 2.0 ** rng.integers(-1, 2, n)
    src = rng.permutation(n) + 0.5 - n / 2.0 if reduce != "prod" else 2.0 ** rng.integers(-1, 2, n)
    xs, srcs = leaf(x), leaf(src)
    start = time.perf_counter()
    out = xs.scatter_reduce(0, tm.tensor(index), srcs, reduce)
    out.sum().backward()
    assert time.perf_counter() - start < 1.0
    combine = {"prod": np.multiply, "amax": np.maximum, "amin": np.minimum}[reduce]
    want = combine(x, entries_met_at(index, src, n, reduce))
    np.testing.assert_array_equal(out.data, want)
    assert xs.grad is not None and srcs.grad is not None
    if reduce == "prod":  # each factor gets the product of the others
        np.testing.assert_array_equal(xs.grad.data, want / x)
        np.testing.assert_array_equal(srcs.grad.data, want[index] / src)
    else:  # the extreme (no ties here) takes the whole gradient
        np.testing.assert_array_equal(xs.grad.data, x == want)
        np.testing.assert_array_equal(srcs.grad.data, src == want[index])


# -- repeated places, dtypes, 0-d and empty tensors -----------------------------------------


def test_a_place_written_twice_takes_the_last_write_and_the_first_gets_no_gradient() -> None:
    src = leaf(np.array([[1.0, 2.0], [3.0, 4.0]]))
    out = tm.zeros(2, 2).scatter(0, tm.tensor([[0, 0], [0, 1]]), src)
    assert out.tolist() == [[3.0, 2.0], [0.0, 4.0]]
    out.sum().backward()
    assert src.grad is not None and src.grad.tolist() == [[0.0, 1.0], [1.0, 1.0]]
    assert tm.zeros(3).put(tm.tensor([1, -2]), tm.tensor([5.0, 6.0])).tolist() == [0, 6, 0]
    assert tm.zeros(3).index_put((tm.tensor([2, 2]),), tm.tensor([5.0, 6.0])).tolist() == [
        0, 0, 6]
    copied = tm.zeros(2, 2).index_copy(1, tm.tensor([1, 1]), tm.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert copied.tolist() == [[0.0, 2.0], [0.0, 4.0]]


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8, np.float32, np.bool_])
def test_results_keep_the_tensors_dtype(dtype: Any) -> None:
    x = tm.tensor(np.array([[1, 0, 1], [0, 1, 1]], dtype=dtype))
    src = tm.tensor(np.array([[1, 1, 0]], dtype=dtype))
    index = tm.tensor([[1, 0, 1]])
    results = [x.scatter(0, index, src), x.scatter_add(0, index, src), x.scatter(1, index, 1),
               x.index_add(1, tm.tensor([2]), x[:, :1].clone()),
               x.index_copy(0, tm.tensor([1]), src), x.index_fill(1, tm.tensor([0]), 1),
               x.index_put((tm.tensor([0]),), src[0]), x.masked_scatter(x == 0, src),
               x.put(tm.tensor([5]), src[0, :1]), x.take(tm.tensor([1])), x.select(0, 1),
               x.unfold(1, 2, 1)]
    results += [x.scatter_reduce(0, index, src, reduce) for reduce in ("sum", "prod", "amax",
                                                                      "amin")]
    assert all(r.dtype == dtype for r in results)



@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.bool_])
def test_integer_and_bool_products_and_extremes_equal_numpys(dtype: Any,
                                                              include_self: bool) -> None:
    x, src = np.array([3, -2, 0, 5], dtype=dtype), np.array([-4, 2, 0, 7, 1, 3], dtype=dtype)
    index = np.array([1, 0, 1, 3, 1, 0])  # with self, 3 and 4 factors: one table, padded
    for reduce in ("prod", "amax", "amin"):
        got = tm.tensor(x).scatter_reduce(0, tm.tensor(index), tm.tensor(src), reduce,
                                          include_self=include_self)
        want = scatter_reference(x, 0, index, src, reduce, include_self).astype(dtype)
        assert got.dtype == dtype and got.tolist() == want.tolist(), reduce


def test_index_add_takes_a_bool_alpha_as_pytorch() -> None:
    bools = tm.tensor([False, True])
    assert bools.index_add(0, tm.tensor([0]), tm.tensor([True]), alpha=True).tolist() == [
        True, True]
    assert bools.index_add(0, tm.tensor([0]), tm.tensor([True]), alpha=False).tolist() == [
        False, True]
    assert tm.ones(3).index_add(0, tm.tensor([0]), tm.ones(1), alpha=True).tolist() == [2, 1, 1]
    assert tm.ones(3, dtype=tm.int64).index_add(0, tm.tensor([0]), tm.ones(1, dtype=tm.int64),
                                                alpha=True).tolist() == [2, 1, 1]

def test_integer_means_round_down_as_in_pytorch() -> None:
    x = tm.tensor([1, -1, 7])
    got = x.scatter_reduce(0, tm.tensor([0, 0, 0, 1, 1, 1]), tm.tensor([3, 3, 3, -3, -3, -3]),
                           "mean")
    assert got.tolist() == [2, -3, 7] and got.dtype == np.int64  # 10/4 and -10/4, rounded down


def test_0d_tensors_count_as_one_entry() -> None:
    x = leaf(np.array(2.0))
    assert x.scatter(0, tm.tensor(0), leaf(np.array(5.0))).item() == 5.0
    assert x.scatter(-1, tm.tensor([0]), 7.0).item() == 7.0
    assert x.scatter_reduce(0, tm.tensor([0, 0]), tm.tensor([3.0, 4.0]), "prod").item() == 24.0
    assert x.index_add(0, tm.tensor([0]), tm.tensor([1.0])).item() == 3.0
    assert x.index_copy(0, tm.tensor(0), tm.tensor(4.0)).item() == 4.0
    assert x.index_fill(0, tm.tensor([-1]), 1.0).item() == 1.0
    assert x.put(tm.tensor(0), tm.tensor(9.0)).item() == 9.0 and x.take(tm.tensor(-1)).shape == ()
    assert x.unfold(0, 1, 1).tolist() == [2.0] and x.unfold(0, 0, 1).shape == (0,)


def test_empty_indices_give_copies_and_zero_gradients() -> None:
    x = leaf(np.ones((2, 3)))
    for out in (x.scatter(0, tm.zeros(0, dtype=tm.int64), 1.0),
                x.scatter_add(1, tm.zeros(2, 0, dtype=tm.int64), tm.ones(2, 0)),
                x.index_copy(0, tm.zeros(0, dtype=tm.int64), tm.ones(0, 3)),
                x.index_put((tm.zeros(0, dtype=tm.int64),), tm.tensor(1.0)),
                x.masked_scatter(tm.zeros(3, dtype=tm.bool), tm.zeros(0)),
                x.put(tm.zeros(0, dtype=tm.int64), tm.zeros(0))):
        assert out.tolist() == x.tolist() and not np.may_share_memory(out.data, x.data)
    assert tm.zeros(0).take(tm.zeros(2, 0, dtype=tm.int64)).shape == (2, 0)
    assert tm.ones(0, 3).unfold(1, 2, 1).shape == (0, 2, 2)


def test_select_is_a_view_and_unfold_adds_up_the_gradient_of_overlapping_windows() -> None:
    x = leaf(np.arange(6.0))
    assert np.may_share_memory(x.select(0, -1).data, x.data)
    windows = x.unfold(0, 3, 1)  # entries 2 and 3 are in three windows each
    windows.sum().backward()
    assert x.grad is not None and x.grad.tolist() == [1.0, 2.0, 3.0, 3.0, 2.0, 1.0]



def test_masked_scatter_sums_the_gradient_of_a_broadcast_self_over_the_broadcast_dims() -> None:
    x = leaf(np.array([1.0, 2.0]))
    out = x.masked_scatter(tm.tensor([[True, False], [False, True]]), tm.tensor([5.0, 6.0]))
    assert out.tolist() == [[5.0, 2.0], [1.0, 6.0]]
    (out * tm.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    assert x.grad is not None and x.grad.tolist() == [3.0, 2.0]  # as PyTorch

def test_scatter_with_reduce_add_or_multiply_has_derivatives_pytorchs_lacks() -> None:
    x, src = leaf(np.array([2.0, 3.0])), leaf(np.array([5.0, 7.0]))
    added = x.scatter(0, tm.tensor([0, 0]), src, reduce="add")
    multiplied = x.scatter(0, tm.tensor([0, 0]), src, reduce="multiply")
    assert added.tolist() == [14.0, 3.0] and multiplied.tolist() == [70.0, 3.0]
    assert tm.scatter(x, 0, tm.tensor([1]), 2.0, reduce="multiply").tolist() == [2.0, 6.0]
    assert tm.gradcheck(lambda a, b: a.scatter(0, tm.tensor([0, 0]), b, reduce="multiply"),
                        [x, src])
    assert tm.gradgradcheck(lambda a, b: a.scatter(0, tm.tensor([0, 0]), b, reduce="multiply"),
                            [x, src])


# -- function forms ----------------------------------------------------------------------


def test_function_forms_equal_the_methods() -> None:
    x, index = tm.tensor([[1.0, 2.0], [3.0, 4.0]]), tm.tensor([[1, 0]])
    src = tm.tensor([[5.0, 6.0]])
    pairs = [(tm.scatter(x, 0, index, src), x.scatter(0, index, src)),
             (tm.scatter(x, 0, index, value=2.0), x.scatter(0, index, 2.0)),
             (tm.scatter_add(x, 0, index, src), x.scatter_add(0, index, src)),
             (tm.scatter_reduce(x, 0, index, src, "mean", include_self=False),
              x.scatter_reduce(0, index, src, "mean", include_self=False)),
             (tm.index_add(x, 0, tm.tensor([1]), src, alpha=3), x.index_add(0, tm.tensor([1]), src,
                                                                            alpha=3)),
             (tm.index_copy(x, 1, tm.tensor([0]), src.T), x.index_copy(1, tm.tensor([0]), src.T)),
             (tm.index_fill(x, 1, tm.tensor([0]), -1.0), x.index_fill(1, tm.tensor([0]), -1.0)),
             (tm.index_put(x, (tm.tensor([0]),), src, True), x.index_put((tm.tensor([0]),), src,
                                                                         True)),
             (tm.masked_scatter(x, x > 2, src), x.masked_scatter(x > 2, src)),
             (tm.put(x, tm.tensor([3]), src[0, :1]), x.put(tm.tensor([3]), src[0, :1])),
             (tm.take(x, tm.tensor([3, 0])), x.take(tm.tensor([3, 0]))),
             (tm.select(x, 1, 0), x.select(1, 0))]
    for function_form, method in pairs:
        np.testing.assert_array_equal(function_form.data, method.data)


def test_every_function_of_the_module_is_exported() -> None:
    public = {name for name, value in vars(indexing).items() if not name.startswith("_")
              and callable(value) and getattr(value, "__module__", None) == indexing.__name__
              and name != "IndexingMethods"}
    assert public == {"scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy",
                      "index_fill", "index_put", "masked_scatter", "put", "take", "select"}
    assert all(getattr(tm, name) is getattr(indexing, name) for name in public)
    assert public <= set(tm.__all__)


# -- in place --------------------------------------------------------------------------------

# name -> the arguments of the in-place call on a (2, 3) float64 tensor, given its tensor operand
IN_PLACE: dict[str, Callable[[tm.Tensor], tuple[Any, ...]]] = {
    "scatter_": lambda s: (1, tm.tensor([[2], [0]]), s[:, :1]),
    "scatter_add_": lambda s: (0, tm.tensor([[1, 1, 0]]), s[:1]),
    "scatter_reduce_": lambda s: (0, tm.tensor([[1, 1, 0]]), s[:1], "amin"),
    "index_add_": lambda s: (0, tm.tensor([1, 1]), s),
    "index_copy_": lambda s: (1, tm.tensor([2, 0, 1]), s),
    "index_fill_": lambda s: (1, tm.tensor([-1]), s[0, 0]),
    "index_put_": lambda s: ((tm.tensor([1, 0]), tm.tensor([0, 2])), s[0, :2]),
    "masked_scatter_": lambda s: (tm.tensor([True, False, True]), s),
    "put_": lambda s: (tm.tensor([5, 0]), s[1, :2], True),
}


@pytest.mark.parametrize("name", sorted(IN_PLACE))
def test_in_place_forms_write_what_the_out_of_place_ones_give_and_bump_the_version(
    name: str
) -> None:
    values, operand = np.arange(6.0).reshape(2, 3), tm.tensor(-np.arange(1.0, 7.0).reshape(2, 3))
    x = tm.tensor(values)
    want = getattr(tm.tensor(values), name[:-1])(*IN_PLACE[name](operand))
    before, data = x._version, x.data
    assert getattr(x, name)(*IN_PLACE[name](operand)) is x
    assert x.data is data and x._version == before + 1 and x.dtype == np.float64
    np.testing.assert_array_equal(x.data, want.data)
    assert not np.array_equal(x.data, values)


@pytest.mark.parametrize("name", sorted(IN_PLACE))
def test_in_place_forms_refuse_while_recording_through_self_or_the_operand(name: str) -> None:
    operand = tm.tensor(-np.arange(1.0, 7.0).reshape(2, 3))
    for x, other in ((leaf(np.zeros((2, 3))), operand),
                     (tm.zeros(2, 3), leaf(operand.data))):
        with pytest.raises(RuntimeError, match=rf"^{name}: cannot change a tensor in place "
                                               "while recording"):
            getattr(x, name)(*IN_PLACE[name](other))
        assert x.tolist() == [[0.0] * 3] * 2 and x._version == 0
    x = leaf(np.zeros((2, 3)))
    with tm.no_grad():
        getattr(x, name)(*IN_PLACE[name](leaf(operand.data)))
    assert x._version == 1


def test_in_place_forms_keep_an_integer_dtype_and_change_nothing_on_an_error() -> None:
    x = tm.tensor([[1, 2, 3], [4, 5, 6]], dtype=tm.int32)
    x.scatter_(1, tm.tensor([[0], [2]]), 9.7)
    assert x.dtype == np.int32 and x.tolist() == [[9, 2, 3], [4, 5, 9]]
    x.scatter_reduce_(0, tm.tensor([[0, 0, 0], [0, 0, 0]]), x.clone(), "mean")
    assert x.tolist() == [[7, 3, 5], [4, 5, 9]]  # (9 + 9 + 4) / 3 rounded down, ...
    for bad in (lambda: x.index_add_(0, tm.tensor([0, 2]), x.clone()),
                lambda: x.put_(tm.tensor([0, 6]), x.clone()[0, :2]),
                lambda: x.index_put_((tm.tensor([0, 1]), tm.tensor([0, 3])), x.clone()[0, :2])):
        with pytest.raises(IndexError):
            bad()
        assert x.tolist() == [[7, 3, 5], [4, 5, 9]] and x._version == 2


# -- errors -------------------------------------------------------------------------------------

X = tm.zeros(3, 4)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [(lambda: X.scatter(0, tm.tensor([[0]], dtype=tm.int16), 1.0), TypeError,
      r"^scatter: index must be a tensor of int32 or int64 \(as PyTorch requires\), got dtype "
      r"int16"),
     (lambda: X.scatter_add(0, tm.tensor([[[0]]]), tm.ones(1, 1, 1)), ValueError,
      r"^scatter_add: index of shape \(1, 1, 1\), the tensor's shape \(3, 4\) and src of shape "
      r"\(1, 1, 1\) must have as many dims"),
     (lambda: X.scatter_add(0, tm.tensor([[0, 1, 2]]), tm.ones(1, 2)), ValueError,
      r"^scatter_add: index of shape \(1, 3\) must be no larger than src, of shape \(1, 2\)"),
     (lambda: X.scatter(1, tm.tensor([[0, 1, 2, 3]] * 4), 1.0), ValueError,
      r"^scatter: index of shape \(4, 4\) must be no larger .* outside dim 1"),
     (lambda: X.scatter(0, tm.tensor([[3]]), 1.0), IndexError,
      r"^scatter: index 3 is out of range for dim 0 of size 3"),
     (lambda: X.scatter(0, tm.tensor([[-1]]), 1.0), IndexError,
      r"^scatter: index -1 is out of range for dim 0 of size 3"),
     (lambda: X.scatter(0, tm.tensor([[0]]), tm.ones(1, 1, dtype=tm.float32)), TypeError,
      r"^scatter: src must have the tensor's dtype float64, got float32"),
     (lambda: X.scatter(0, tm.tensor([[0]]), 1.0, reduce="sum"), ValueError,
      r"^scatter: reduce must be 'add' or 'multiply'"),
     (lambda: X.scatter(0, tm.tensor([[0]])), TypeError,
      r"^scatter: give either src \(a tensor\) or value \(a number\), once"),
     (lambda: X.scatter(2, tm.tensor([[0]]), 1.0), IndexError,
      r"^scatter: dim 2 is out of range for a tensor with 2 dims"),
     (lambda: X.scatter_reduce(0, tm.tensor([[0]]), tm.ones(1, 1), "max"), ValueError,
      r"^scatter_reduce: reduce must be one of 'sum', 'prod', 'mean', 'amax', 'amin', got "
      r"'max'"),
     (lambda: tm.tensor([True]).scatter_reduce(0, tm.tensor([0]), tm.tensor([True]), "mean"),
      TypeError, r"^scatter_reduce: reduce='mean' is not defined for bool tensors"),
     (lambda: X.index_add(0, tm.tensor([[0]]), tm.ones(1, 4)), ValueError,
      r"^index_add: index must be 0-d or 1-D, got shape \(1, 1\)"),
     (lambda: X.index_add(0, tm.tensor([0, 1]), tm.ones(2, 3)), ValueError,
      r"^index_add: source of shape \(2, 3\) must have the tensor's shape \(3, 4\) with 2 \(the "
      r"length of index\) in dim 0, \(2, 4\)"),
     (lambda: X.index_add(0, tm.tensor([-1]), tm.ones(1, 4)), IndexError,
      r"^index_add: index -1 is out of range for dim 0 of size 3"),
     (lambda: X.long().index_add(0, tm.tensor([0]), tm.ones(1, 4, dtype=tm.int64), alpha=1.5),
      TypeError, r"^index_add: alpha must be an int for integer tensors, got 1.5"),
     (lambda: X.index_copy(0, tm.tensor([0], dtype=tm.int32), tm.ones(1, 4)), TypeError,
      r"^index_copy: index must be a tensor of int64 \(as PyTorch requires\), got dtype int32"),
     (lambda: X.index_fill(1, tm.tensor([-5]), 1.0), IndexError,
      r"^index_fill: index -5 is out of range for dim 1 of size 4 \(from -4 to 3\)"),
     (lambda: X.index_fill(1, tm.tensor([0]), tm.ones(1)), ValueError,
      r"^index_fill: value must be a number or a 0-d tensor, got shape \(1,\)"),
     (lambda: X.index_fill(1, tm.tensor([0]), "a"), TypeError,
      r"^index_fill: value must be a number, got 'a'"),
     (lambda: X.index_put(tm.tensor([0]), tm.tensor(1.0)), TypeError,
      r"^index_put: indices must be a tuple of tensors, got Tensor"),
     (lambda: X.index_put((tm.tensor([0.0]),), tm.tensor(1.0)), TypeError,
      r"^index_put: indices\[0\] must be a tensor of int32 or int64 or bool"),
     (lambda: X.index_put((tm.tensor([0]),) * 3, tm.tensor(1.0)), IndexError,
      r"^index_put: too many indices for a tensor of shape \(3, 4\): they index 3 dims"),
     (lambda: X.index_put((tm.tensor([0, 1]),), tm.ones(3)), ValueError,
      r"^index_put: values of shape \(3,\) do not broadcast to the shape of the indexed part, "
      r"\(2, 4\)"),
     (lambda: X.index_put((tm.tensor([3]),), tm.tensor(1.0)), IndexError,
      r"^index_put: index 3 is out of bounds .*\(a tensor of shape \(3, 4\)\)"),
     (lambda: X.index_put((tm.tensor([0]),), 1.0), TypeError,
      r"^index_put: values must be a Tensor, got float"),
     (lambda: X.index_put((tm.tensor([0]),), tm.tensor(1.0), 1), TypeError,
      r"^index_put: accumulate must be a bool, got int"),
     (lambda: tm.zeros(3).index_put_((tm.tensor([0]),), tm.tensor(1.0), None), TypeError,
      r"^index_put_: accumulate must be a bool, got NoneType"),
     (lambda: X.masked_scatter(tm.tensor([1, 0, 1, 0]), tm.ones(8)), TypeError,
      r"^masked_scatter: mask must be bool, got dtype int64"),
     (lambda: X.masked_scatter(tm.ones(2, dtype=tm.bool), tm.ones(8)), ValueError,
      r"^masked_scatter: mask of shape \(2,\) does not broadcast to one shape with the "
      r"tensor's, \(3, 4\)"),
     (lambda: tm.zeros(4).masked_scatter_(tm.ones(3, 4, dtype=tm.bool), tm.ones(12)),
      ValueError, r"^masked_scatter_: mask of shape \(3, 4\) does not broadcast to the "
      r"tensor's shape \(4,\)"),
     (lambda: X.masked_scatter(tm.ones(4, dtype=tm.bool), tm.ones(11)), ValueError,
      r"^masked_scatter: source has 11 elements, fewer than the 12 places where the mask "
      r"holds"),
     (lambda: X.put(tm.tensor([0, 1]), tm.ones(3)), ValueError,
      r"^put: source and index must have as many elements, got 3 \(shape \(3,\)\) and 2"),
     (lambda: X.put(tm.tensor([0]), tm.ones(1), accumulate="yes"), TypeError,
      r"^put: accumulate must be a bool, got str"),
     (lambda: tm.put(X, tm.tensor([0]), tm.ones(1), 0), TypeError,
      r"^put: accumulate must be a bool, got int"),
     (lambda: X.put(tm.tensor([12]), tm.ones(1)), IndexError,
      r"^put: index 12 is out of range for the tensor of shape \(3, 4\) of size 12 \(from -12 "
      r"to 11\)"),
     (lambda: X.take(tm.tensor([1], dtype=tm.int32)), TypeError,
      r"^take: index must be a tensor of int64"),
     (lambda: tm.zeros(0).take(tm.tensor([0])), IndexError,
      r"^take: index holds positions, but the tensor \(of shape \(0,\)\) is empty"),
     (lambda: X.select(1, 4), IndexError,
      r"^select: index 4 is out of range for dim 1 of size 4 \(a tensor of shape \(3, 4\)\)"),
     (lambda: tm.tensor(1.0).select(0, 0), IndexError,
      r"^select: a 0-d tensor has no dim to select from"),
     (lambda: X.select(0, 1.0), TypeError, r"^select: index must be an int, got float"),
     (lambda: X.select(0, True), TypeError, r"^select: index must be an int, got bool"),
     (lambda: X.unfold(0, 4, 1), ValueError,
      r"^unfold: size 4 is larger than dim 0, of size 3 \(a tensor of shape \(3, 4\)\)"),
     (lambda: X.unfold(0, 1, 0), ValueError, r"^unfold: step must be a positive int, got 0"),
     (lambda: X.unfold(2, 1, 1), IndexError,
      r"^unfold: dimension 2 is out of range for a tensor with 2 dims"),
     (lambda: tm.take(np.zeros(3), tm.tensor([0])), TypeError,
      r"^take: input must be a Tensor, got ndarray")],
)
def test_bad_arguments_are_refused_naming_the_method(call: Callable[[], Any], error: type,
                                                     message: str) -> None:
    with pytest.raises(error, match=message):
        call()
