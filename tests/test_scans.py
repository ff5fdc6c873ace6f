"""Scans and products (tinygrad_mlp/scans.py): values, dtypes, gradients of every order, errors.

Each method is a circuit of the engine's ops, so the tests check that it
computes what numpy (always) and PyTorch (when installed) compute, that its
first and second derivatives pass finite differences, zeros and ties
included, and that they equal PyTorch's exactly where PyTorch's are defined
by a rule (the index-based gradient of ``cummax`` at ties).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_mlp as tm
from tests.strategies import arrays_with_zeros, dims_of, floats_between, leaf, shapes, tied_arrays
from tinygrad_mlp import scans

# name -> the call, made the same way on one of our tensors and on one of PyTorch's
CALLS: dict[str, Callable[[Any, int], Any]] = {
    "cumsum": lambda x, d: x.cumsum(d),
    "cumprod": lambda x, d: x.cumprod(d),
    "logcumsumexp": lambda x, d: x.logcumsumexp(d),
    "cummax": lambda x, d: x.cummax(d).values,
    "cummin": lambda x, d: x.cummin(d).values,
    "prod": lambda x, d: x.prod(d),
    "prod_keepdim": lambda x, d: x.prod(d, keepdim=True),
    "diff": lambda x, d: x.diff(dim=d),
    "diff_twice": lambda x, d: x.diff(2, d),
}
SMOOTH = ("cumsum", "cumprod", "logcumsumexp", "prod", "prod_keepdim", "diff", "diff_twice")
WITH_DIM = ("cumsum", "cumprod", "logcumsumexp", "cummax", "cummin", "prod", "diff")


def torch_or_skip() -> Any:
    return pytest.importorskip("torch")


def along(values: np.ndarray, dim: int, scan: Callable[[np.ndarray], Any]) -> np.ndarray:
    """``scan`` (of a 1-D array) applied along ``dim`` of ``values`` (a 0-d array as one entry)."""
    if not values.ndim:
        return np.asarray(scan(values.reshape(1))).reshape(())
    return np.apply_along_axis(scan, dim, values) if values.size else values.copy()


def running_extreme_indices(line: np.ndarray, better: Callable[[Any, Any], bool]) -> np.ndarray:
    """PyTorch's rule, one entry at a time: move to xⱼ if it is better or equal, or NaN."""
    best, index, out = line[0], 0, []
    for j, value in enumerate(line):
        if better(value, best) or value == best or math.isnan(value):
            best, index = value, j
        out.append(index)
    return np.array(out, dtype=np.int64)


def numpy_reference(name: str, values: np.ndarray, dim: int) -> np.ndarray:
    """What the call in ``CALLS`` gives, by numpy's own functions."""
    one_d = np.atleast_1d(values)
    scans_by_name = {"cumsum": np.cumsum, "cumprod": np.cumprod,
                     "logcumsumexp": np.logaddexp.accumulate, "cummax": np.maximum.accumulate,
                     "cummin": np.minimum.accumulate}
    if name in scans_by_name:
        return along(values, dim, scans_by_name[name])
    if name.startswith("prod"):
        out = np.prod(one_d, axis=dim, keepdims=name == "prod_keepdim")
        return out.reshape(()) if not values.ndim else out
    return np.diff(values, 2 if name == "diff_twice" else 1, axis=dim)


@st.composite
def cases(draw: st.DrawFn, min_dims: int = 0, ties: bool = False) -> tuple[np.ndarray, int]:
    """float64 values (many exactly 0, or drawn from a few values) and a dim of them."""
    shape = draw(shapes(min_dims=min_dims, max_dims=3))
    values = draw(tied_arrays(shape) if ties else arrays_with_zeros(shape))
    return values, draw(dims_of(shape))


def distinct_values(shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
    """Values without ties (0 among them at times), where max and min are differentiable."""
    return hnp.arrays(np.float64, shape, elements=floats_between(-2.0, 2.0), unique=True).filter(
        lambda a: a.size < 2 or np.min(np.diff(np.sort(a, axis=None))) > 1e-4)


# -- values ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CALLS))
@given(data=st.data())
def test_values_equal_numpys_with_zeros_and_ties_along_any_dim(name: str,
                                                               data: st.DataObject) -> None:
    values, dim = data.draw(cases(min_dims=1 if name.startswith("diff") else 0,
                                  ties=data.draw(st.booleans())))
    got = CALLS[name](leaf(values), dim)
    np.testing.assert_allclose(got.data, numpy_reference(name, values, dim), rtol=1e-12,
                               atol=1e-12)


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@given(data=st.data())
def test_running_extremes_index_the_last_of_equal_values_and_nan_as_pytorch(
    name: str, data: st.DataObject
) -> None:
    values, dim = data.draw(cases(ties=True))
    if data.draw(st.booleans()) and values.size:
        values.flat[data.draw(st.integers(0, values.size - 1))] = np.nan
    got = getattr(tm.tensor(values), name)(dim)
    better = (lambda a, b: a > b) if name == "cummax" else (lambda a, b: a < b)
    want = along(values, dim, lambda line: running_extreme_indices(line, better))
    assert got.indices.dtype == np.int64
    np.testing.assert_array_equal(got.indices.data, want)
    np.testing.assert_array_equal(got.values.data, np.take_along_axis(
        np.atleast_1d(values), np.atleast_1d(want), axis=dim).reshape(values.shape))


def test_cummax_and_cummin_give_a_named_pair() -> None:
    values, indices = tm.tensor([[2.0, 1.0, 2.0], [0.0, -1.0, 5.0]]).cummin(1)
    assert values.tolist() == [[2.0, 1.0, 1.0], [0.0, -1.0, -1.0]]
    assert indices.tolist() == [[0, 1, 1], [0, 1, 1]]
    pair = tm.cummax(tm.tensor([1.0, 3.0, 3.0, 2.0]), 0)
    assert isinstance(pair, scans.CumMaxMin) and pair.indices.tolist() == [0, 1, 2, 2]


@pytest.mark.filterwarnings("error")  # no ∞ - ∞ or ln 0 on the way
def test_logcumsumexp_neither_overflows_nor_underflows_and_takes_infinities() -> None:
    got = tm.tensor([1000.0, 1000.0, -1000.0]).logcumsumexp(0)
    np.testing.assert_allclose(got.data, [1000.0, 1000.0 + math.log(2.0), 1000.0 + math.log(2)])
    low = tm.tensor([-1000.0, -1000.0]).logcumsumexp(0)
    np.testing.assert_allclose(low.data, [-1000.0, -1000.0 + math.log(2.0)])
    x = leaf(np.array([-np.inf, 1.0, -np.inf, np.inf, 2.0]))
    out = x.logcumsumexp(0)
    np.testing.assert_array_equal(out.data, [-np.inf, 1.0, 1.0, np.inf, np.inf])
    out.backward(tm.ones(5))
    # finite: 1 for each output an entry decides (PyTorch's is nan at the infinite entries)
    assert x.grad is not None and x.grad.tolist() == [1.0, 2.0, 0.0, 2.0, 0.0]


@pytest.mark.filterwarnings("error")  # no ∞ - ∞
def test_logcumsumexp_of_two_equal_infinities_in_one_step_is_that_infinity() -> None:
    for infinity in (-np.inf, np.inf):
        assert tm.tensor([infinity, infinity]).logcumsumexp(0).tolist() == [infinity] * 2
    got = tm.tensor([-np.inf, -np.inf, -np.inf, 0.0, np.inf, np.inf]).logcumsumexp(0)
    assert got.tolist() == [-np.inf, -np.inf, -np.inf, 0.0, np.inf, np.inf]


def test_a_scan_of_n_entries_takes_ceil_log2_n_steps() -> None:
    for n in (1, 2, 3, 8, 9, 100):
        out = leaf(np.ones(n)).cumsum(0)
        nodes, stack = set(), [out.grad_fn]
        while stack:  # every node of the graph, each once
            fn = stack.pop()
            if isinstance(fn, tm.Function) and fn not in nodes:
                nodes.add(fn)
                stack.extend(fn.parents)
        assert sum(fn.name == "cat" for fn in nodes) == math.ceil(math.log2(n)), n  # one a step
        np.testing.assert_array_equal(out.data, np.arange(1, n + 1))


def test_results_are_new_tensors_even_for_one_entry_or_none() -> None:
    for x in (tm.tensor([5.0]), tm.tensor(5.0), tm.ones(2, 0)):
        for out in (x.cumsum(-1), x.cumprod(-1), x.logcumsumexp(-1), x.cummax(-1).values,
                    x.prod(-1, keepdim=True), x.prod()):
            assert not np.may_share_memory(out.data, x.data)
    x = tm.tensor([1.0, 2.0])
    assert not np.may_share_memory(x.diff(0).data, x.data)


# -- shapes: 0-d tensors, empty dims, keepdim ------------------------------------------------


def test_a_0d_tensor_scans_as_one_entry_along_dim_0_or_minus_1() -> None:
    x = tm.tensor(3.0)
    for dim in (0, -1):
        assert x.cumsum(dim).shape == () and x.cumsum(dim).item() == 3.0
        assert x.logcumsumexp(dim).item() == 3.0
        values, indices = x.cummax(dim)
        assert values.shape == indices.shape == () and indices.item() == 0
        assert x.prod(dim).shape == () and x.prod(dim, keepdim=True).shape == ()
    assert x.prod().item() == 3.0


@pytest.mark.parametrize("shape", [(0,), (2, 0), (0, 3), (2, 0, 3)])
def test_empty_dims_give_empty_scans_and_products_of_one(shape: tuple[int, ...]) -> None:
    x = leaf(np.ones(shape))
    for dim in range(-len(shape), len(shape)):
        for name in ("cumsum", "cumprod", "logcumsumexp", "cummax", "cummin"):
            out = CALLS[name](x, dim)
            assert out.shape == shape, name
        values = np.ones(shape)
        np.testing.assert_array_equal(x.prod(dim).data, np.prod(values, axis=dim))
        assert x.prod(dim, keepdim=True).shape == np.prod(values, axis=dim, keepdims=True).shape
        assert x.diff(dim=dim).shape == np.diff(values, axis=dim).shape
    assert x.prod().item() == 1.0
    x.prod().backward()  # the empty product is still part of the graph, as PyTorch's
    assert x.grad is not None and x.grad.shape == shape


@given(data=st.data())
def test_prod_over_all_elements_or_one_dim_with_keepdim_equals_numpys(data: st.DataObject) -> None:
    values, dim = data.draw(cases(min_dims=1))
    keepdim = data.draw(st.booleans())
    x = leaf(values)
    np.testing.assert_allclose(x.prod().data, np.prod(values), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(x.prod(dim, keepdim).data,
                               np.prod(values, axis=dim, keepdims=keepdim), rtol=1e-12)
    np.testing.assert_allclose(tm.prod(x, dim=dim, keepdim=keepdim).data,
                               np.prod(values, axis=dim, keepdims=keepdim), rtol=1e-12)


@given(data=st.data())
def test_diff_with_prepend_append_and_any_order_equals_numpys(data: st.DataObject) -> None:
    shape = data.draw(shapes(min_dims=1, max_dims=3))
    dim = data.draw(dims_of(shape))
    n = data.draw(st.integers(0, 5))

    def edge() -> np.ndarray | None:
        size = data.draw(st.integers(0, 3))
        sides = list(shape)
        sides[dim] = size
        return data.draw(st.none() | arrays_with_zeros(tuple(sides)))

    values, before, after = data.draw(arrays_with_zeros(shape)), edge(), edge()
    got = leaf(values).diff(n, dim, None if before is None else leaf(before),
                            None if after is None else leaf(after))
    if n == 0:  # PyTorch (not numpy) gives the input alone
        want = values
    else:
        want = np.diff(values, n, axis=dim, **{k: v for k, v in
                                               (("prepend", before), ("append", after))
                                               if v is not None})
    np.testing.assert_allclose(got.data, want, rtol=1e-12, atol=1e-12)


# -- dtypes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.bool_, np.uint8, np.int8, np.int32, np.int64])
def test_sums_and_products_of_ints_and_bools_are_int64_as_in_pytorch(dtype: Any) -> None:
    values = np.array([[1, 0, 1], [1, 1, 1]], dtype=dtype)
    x = tm.tensor(values)
    for out, want in ((x.cumsum(1), np.cumsum(values, 1, dtype=np.int64)),
                      (x.cumprod(0), np.cumprod(values, 0, dtype=np.int64)),
                      (x.prod(), np.prod(values, dtype=np.int64)),
                      (tm.prod(x, 1, True), np.prod(values, 1, np.int64, keepdims=True))):
        assert out.dtype == np.int64
        np.testing.assert_array_equal(out.data, want)
    for out in (x.cummax(0).values, x.cummin(1).values, x.diff()):
        assert out.dtype == values.dtype


def test_dtype_converts_the_input_first_and_float_dtypes_keep_their_own() -> None:
    x = tm.tensor([0.5, 1.5, 2.5], dtype=tm.float32, requires_grad=True)
    assert x.cumsum(0).dtype == np.float32 and x.prod().dtype == np.float32
    wide = x.cumsum(0, dtype=tm.float64)
    assert wide.dtype == np.float64
    wide.sum().backward()
    assert x.grad is not None and x.grad.dtype == np.float32
    assert x.detach().cumprod(0, dtype=tm.int64).tolist() == [0, 0, 0]  # 0.5 → 0, as a cast
    assert tm.tensor([2, 3]).prod(dtype=tm.bool).item() is True  # "all", as PyTorch's
    assert x.logcumsumexp(0).dtype == np.float32
    assert tm.tensor([1, 4, 9], dtype=tm.uint8).diff(prepend=tm.tensor([5], dtype=tm.uint8)
                                                   ).tolist() == [252, 3, 5]  # wraps around


def test_diff_of_bools_marks_where_neighbours_differ() -> None:
    x = tm.tensor([True, False, False, True])
    assert x.diff().tolist() == [True, False, True]
    assert x.diff(2).tolist() == [True, True] and x.diff().dtype == np.bool_


# -- gradients -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SMOOTH)
@given(data=st.data())
def test_gradients_pass_gradcheck_and_gradgradcheck_with_zeros(name: str,
                                                               data: st.DataObject) -> None:
    values, dim = data.draw(cases(min_dims=1 if name.startswith("diff") else 0))
    x = leaf(values)
    assert tm.gradcheck(lambda t: CALLS[name](t, dim), (x,))
    assert tm.gradgradcheck(lambda t: CALLS[name](t, dim), (x,))


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@given(data=st.data())
def test_running_extremes_pass_gradcheck_and_gradgradcheck_away_from_ties(
    name: str, data: st.DataObject
) -> None:
    shape = data.draw(shapes(max_dims=3))
    x, dim = leaf(data.draw(distinct_values(shape))), data.draw(dims_of(shape))
    assert tm.gradcheck(lambda t: CALLS[name](t, dim), (x,))
    assert tm.gradgradcheck(lambda t: CALLS[name](t, dim), (x,))


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@given(data=st.data())
def test_at_ties_the_gradient_goes_to_the_element_each_index_picks(
    name: str, data: st.DataObject
) -> None:
    values, dim = data.draw(cases(min_dims=1, ties=True))
    x = leaf(values)
    out = getattr(x, name)(dim)
    weights = np.random.default_rng(0).standard_normal(values.shape)
    (out.values * tm.tensor(weights)).sum().backward()
    want = np.zeros_like(values)
    for position in np.ndindex(values.shape):  # add each weight where its index points
        target = list(position)
        target[dim] = out.indices.data[position]
        want[tuple(target)] += weights[position]
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.data, want, rtol=1e-12, atol=1e-15)


def test_cumprod_and_prod_gradients_are_the_products_of_the_other_factors_at_zeros() -> None:
    x = leaf(np.array([2.0, 0.0, 3.0]))
    x.prod().backward()
    assert x.grad is not None and x.grad.tolist() == [0.0, 6.0, 0.0]
    y = leaf(np.array([0.0, 0.0, 3.0]))
    (first,) = tm.grad(y.prod(), y, create_graph=True)
    assert first.tolist() == [0.0, 0.0, 0.0]
    (second,) = tm.grad(first[0], y)  # ∂²/∂y₀∂y₁ of y₀y₁y₂ = y₂
    assert second.tolist() == [0.0, 3.0, 0.0]
    z = leaf(np.array([1.0, 0.0, 2.0, 4.0]))
    z.cumprod(0).sum().backward()  # y = (z0, z0z1, z0z1z2, z0z1z2z3)
    assert z.grad is not None and z.grad.tolist() == [1.0, 1 + 2 + 8, 0.0, 0.0]


def test_prod_and_cumprod_give_a_nan_or_inf_input_the_product_of_the_other_factors() -> None:
    # PyTorch's gradient there is NaN: it divides the product by the input
    x = leaf(np.array([np.inf, 2.0, 3.0]))
    x.prod().backward()
    assert x.grad is not None and x.grad.tolist() == [6.0, np.inf, np.inf]
    y = leaf(np.array([2.0, np.nan, 3.0]))
    y.cumprod(0).sum().backward()  # ∂/∂y1 of y0 + y0y1 + y0y1y2 = y0 + y0y2 = 8
    assert y.grad is not None and y.grad.data[1] == 8.0 and np.isnan(y.grad.data[[0, 2]]).all()


def test_logcumsumexp_runs_under_detect_anomaly_for_finite_inputs() -> None:
    x = leaf(np.array([0.5, -1.0, 2.0, 0.0]))
    with tm.detect_anomaly():
        x.logcumsumexp(0).sum().backward()
    assert x.grad is not None and np.all(np.isfinite(x.grad.data))


# -- against PyTorch -------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CALLS))
@given(data=st.data())
def test_values_and_first_and_second_gradients_equal_pytorchs(name: str,
                                                              data: st.DataObject) -> None:
    torch = torch_or_skip()
    values, dim = data.draw(cases(min_dims=1 if name.startswith("diff") else 0,
                                  ties=data.draw(st.booleans())))
    # PyTorch's prod and cumprod gradients divide by the inputs when none is 0, which
    # loses digits for small ones and fails for tiny ones (its Hessian of x.prod() at
    # x = (1e-310, 1) is [[nan, inf], [nan, 0]], and all zeros at (1e-200, 1e-200, 1),
    # where ∂²/∂x0∂x1 = 1); ours multiply the other factors. Zeros stay.
    values = np.where(np.abs(values) < 1e-2, 0.0, values)
    ours, theirs = leaf(values), torch.tensor(values, requires_grad=True)
    out, expected = CALLS[name](ours, dim), CALLS[name](theirs, dim)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-12, atol=1e-12)
    rng = np.random.default_rng(0)
    weights = rng.standard_normal(out.shape)
    (first,) = tm.grad(out, ours, grad_outputs=tm.tensor(weights), create_graph=True)
    (their_first,) = torch.autograd.grad(expected, theirs, torch.tensor(weights),
                                         create_graph=True)
    np.testing.assert_allclose(first.data, their_first.detach().numpy(), rtol=1e-10,
                               atol=1e-12)
    weights2 = rng.standard_normal(first.shape)
    if not first.requires_grad:  # linear in x (cumsum, diff) or an index rule (cummax)
        if their_first.requires_grad:
            (their_second,) = torch.autograd.grad(their_first, theirs, torch.tensor(weights2),
                                                  allow_unused=True)
            if their_second is not None:  # zero, up to rounding
                np.testing.assert_allclose(their_second.numpy(), 0.0, atol=1e-12)
        return
    (second,) = tm.grad(first, ours, grad_outputs=tm.tensor(weights2))
    (their_second,) = torch.autograd.grad(their_first, theirs, torch.tensor(weights2))
    np.testing.assert_allclose(second.data, their_second.numpy(), rtol=1e-10, atol=1e-12)


def test_dtypes_0d_and_empty_results_equal_pytorchs() -> None:
    torch = torch_or_skip()
    arrays = [np.array([[1, 0, 3], [2, 2, 1]], dtype=t) for t in
              (np.bool_, np.uint8, np.int8, np.int32, np.int64, np.float16, np.float32)]
    arrays += [np.array(2.5), np.ones((2, 0)), np.zeros((0, 3), np.int32)]
    for values in arrays:
        ours, theirs = tm.tensor(values), torch.from_numpy(values)
        for name in ("cumsum", "cumprod", "cummax", "cummin", "prod", "prod_keepdim"):
            for dim in range(-max(values.ndim, 1), max(values.ndim, 1)):
                got, want = CALLS[name](ours, dim), CALLS[name](theirs, dim)
                assert str(got.dtype) == str(want.dtype).removeprefix("torch."), (name, values)
                assert got.shape == tuple(want.shape), (name, values.dtype, dim)
                np.testing.assert_allclose(got.data.astype(float), want.numpy().astype(float),
                                           rtol=1e-3)
        whole = torch.prod(theirs)
        assert str(ours.prod().dtype) == str(whole.dtype).removeprefix("torch.")
        if values.ndim:
            got, want = ours.diff(), torch.diff(theirs)
            assert str(got.dtype) == str(want.dtype).removeprefix("torch.")
            np.testing.assert_array_equal(got.data, want.numpy())


def test_the_function_forms_equal_the_methods_and_torchs() -> None:
    values = np.array([[0.5, 0.0, -1.5], [2.0, 2.0, 0.25]])
    x = tm.tensor(values)
    pairs = [(tm.cumsum(x, 1), x.cumsum(1)), (tm.cumprod(x, dim=0), x.cumprod(0)),
             (tm.logcumsumexp(x, -1), x.logcumsumexp(-1)), (tm.cummax(x, 1)[0], x.cummax(1)[0]),
             (tm.cummin(x, 0)[1], x.cummin(0)[1]), (tm.prod(x), x.prod()),
             (tm.prod(x, 1, keepdim=True), x.prod(1, True)),
             (tm.diff(x, 1, 0, append=x), x.diff(1, 0, append=x))]
    for function, method in pairs:
        np.testing.assert_array_equal(function.data, method.data)
    try:
        import torch
    except ImportError:
        return
    t = torch.from_numpy(values)
    for ours, theirs in [
        (tm.cumsum(x, 1, dtype=tm.float32), torch.cumsum(t, 1, dtype=torch.float32)),
        (tm.cummin(x, 0).indices, torch.cummin(t, 0).indices),
        (tm.prod(x, 0, dtype=tm.int64), torch.prod(t, 0, dtype=torch.int64)),
        (tm.diff(x, 2, 1, prepend=x), torch.diff(t, 2, 1, prepend=t)),
    ]:
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-6)


# -- bad arguments ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", WITH_DIM)
def test_a_dim_out_of_range_or_not_an_int_is_refused_naming_the_method(name: str) -> None:
    call = getattr(tm.ones(2, 3), name)
    with pytest.raises(IndexError, match=rf"^{name}: axis 2 is out of range for a tensor "
                                         "with 2 dims"):
        call(dim=2)
    with pytest.raises(IndexError, match=rf"^{name}: axis -3 is out of range"):
        call(dim=-3)
    for bad in (1.0, True, "0", (0,)):
        with pytest.raises(TypeError, match=rf"^{name}: dim must be an int, got "
                                            rf"{type(bad).__name__}"):
            call(dim=bad)
    if name != "diff":
        with pytest.raises(IndexError, match=rf"^{name}: axis 1 is out of range for a 0-d"):
            getattr(tm.tensor(1.0), name)(1)


@pytest.mark.parametrize("name", WITH_DIM)
def test_an_array_instead_of_a_tensor_is_refused_naming_the_function(name: str) -> None:
    hint = r" \(for a plain array without a graph, use numpy's np\.\w+\)" \
        if hasattr(np, name) else ""
    with pytest.raises(TypeError, match=rf"^{name}: input must be a Tensor, got ndarray; wrap "
                                        rf"data with tm\.tensor\(\.\.\.\){hint}$"):
        getattr(tm, name)(np.ones(3), *([] if name in ("prod", "diff") else [0]))


def test_dtypes_that_cannot_hold_the_result_or_its_gradient_are_refused() -> None:
    x = tm.ones(3, requires_grad=True)
    for name in ("cumsum", "cumprod"):
        with pytest.raises(RuntimeError, match=rf"^{name}: the input requires grad, which a "
                                               "result of dtype int64 cannot carry"):
            getattr(x, name)(0, dtype=tm.int64)
        with pytest.raises(TypeError, match=rf"^{name}: dtype bool is not supported"):
            getattr(tm.tensor([1, 2]), name)(0, dtype=tm.bool)
    with pytest.raises(RuntimeError, match=r"^prod: the input requires grad"):
        x.prod(dtype=tm.int32)
    with tm.no_grad():  # nothing is recorded, so an int result is fine
        assert x.cumsum(0, dtype=tm.int64).tolist() == [1, 2, 3]
    with pytest.raises(TypeError, match=r"^cumsum: unknown dtype 'real'"):
        x.cumsum(0, dtype="real")
    with pytest.raises(TypeError, match=r"^logcumsumexp: needs a floating point tensor, got "
                                         "dtype int64"):
        tm.tensor([1, 2]).logcumsumexp(0)


def test_prod_refuses_keepdim_without_a_dim_or_that_is_not_a_bool() -> None:
    with pytest.raises(TypeError, match=r"^prod: keepdim needs a dim"):
        tm.ones(3).prod(keepdim=True)
    with pytest.raises(TypeError, match=r"^prod: keepdim must be a bool, got int"):
        tm.ones(3).prod(0, 1)  # type: ignore[arg-type]


def test_diff_refuses_a_0d_input_a_bad_order_and_edges_that_do_not_fit() -> None:
    x = tm.ones(2, 3)
    with pytest.raises(ValueError, match=r"^diff: needs a tensor with at least one dim"):
        tm.tensor(1.0).diff()
    with pytest.raises(ValueError, match=r"^diff: n must be an int >= 0, got -1"):
        x.diff(-1)
    for bad in (1.5, True, None):
        with pytest.raises(TypeError, match=r"^diff: n must be an int >= 0"):
            x.diff(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^diff: prepend must be a Tensor, got int"):
        x.diff(prepend=2)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^diff: append of shape \(3, 1\) must match the "
                                         r"input's shape \(2, 3\) in every dim but dim 1"):
        x.diff(append=tm.ones(3, 1))
    with pytest.raises(ValueError, match=r"^diff: prepend of shape \(3,\) must match"):
        x.diff(dim=0, prepend=tm.ones(3))
    with pytest.raises(ValueError, match=r"^diff: prepend of shape \(2,\) must match"):
        x.diff(prepend=tm.ones(2))  # fewer dims, though its sizes are the input's but dim 1
