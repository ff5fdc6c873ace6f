"""Matrix products and parts of matrices (tinygrad_mlp/linalg.py): values, gradients, errors.

Each function is a composition of the engine's ops, so the tests check that
it computes what numpy computes (and PyTorch, when installed), that its
first and second derivatives pass finite differences in float64 over drawn
shapes (batches, broadcasting, sizes 0 and 1), that both equal PyTorch's,
and that bad arguments are refused naming the function and the shapes.
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
from tests.strategies import arrays, broadcasting_to, leaf, sides
from tinygrad_mlp import linalg


def seeded(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def torch_or_none() -> Any:
    """PyTorch if it is installed, else None (a test then checks its own expected values only)."""
    try:
        import torch
    except ImportError:
        return None
    return torch


def passes_gradchecks(function: Callable[..., tm.Tensor], values: list[np.ndarray]) -> bool:
    """gradcheck and gradgradcheck of ``function`` at ``values`` (float64 leaves)."""
    return tm.gradcheck(function, [leaf(v) for v in values]) and tm.gradgradcheck(
        function, [leaf(v) for v in values])


# -- products -----------------------------------------------------------------------------

# name -> (the input shapes for sizes n, k, m and a batch b, the numpy reference)
PRODUCTS: dict[str, tuple[Callable[..., list[tuple[int, ...]]], Callable[..., Any]]] = {
    "outer": (lambda n, k, m, b: [(n,), (m,)], np.outer),
    "inner": (lambda n, k, m, b: [(b, n, k), (m, k)], np.inner),
    "mv": (lambda n, k, m, b: [(n, k), (k,)], np.matmul),
    "bmm": (lambda n, k, m, b: [(b, n, k), (b, k, m)], np.matmul),
    "kron": (lambda n, k, m, b: [(n, k), (m, 1, b)], np.kron),
    "dot": (lambda n, k, m, b: [(k,), (k,)], np.dot),
    "vdot": (lambda n, k, m, b: [(k,), (k,)], np.vdot),
}

# name -> (the shapes of the two factors, the numpy reference of their product)
ADDED_PRODUCTS: dict[str, tuple[Callable[..., list[tuple[int, ...]]], Callable[..., Any]]] = {
    "addmm": (lambda n, k, m, b: [(n, k), (k, m)], np.matmul),
    "addmv": (lambda n, k, m, b: [(n, k), (k,)], np.matmul),
    "addr": (lambda n, k, m, b: [(n,), (m,)], np.outer),
    "baddbmm": (lambda n, k, m, b: [(b, n, k), (b, k, m)], np.matmul),
    "addbmm": (lambda n, k, m, b: [(b, n, k), (b, k, m)], lambda x, y: (x @ y).sum(0)),
}


@given(st.data())
def test_products_equal_numpys_and_pass_gradcheck_and_gradgradcheck(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(PRODUCTS)))
    make_shapes, reference = PRODUCTS[name]
    values = [data.draw(arrays(shape)) for shape in make_shapes(*data.draw(st.tuples(
        sides(), sides(), sides(), sides())))]
    got = getattr(tm, name)(*[tm.tensor(v) for v in values])
    want = reference(*values)
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(got.data, want, rtol=1e-12, atol=1e-12)
    assert passes_gradchecks(getattr(tm, name), values)


@given(st.data())
def test_added_products_equal_numpys_for_any_beta_and_alpha_and_pass_gradchecks(
    data: st.DataObject
) -> None:
    name = data.draw(st.sampled_from(sorted(ADDED_PRODUCTS)))
    make_shapes, reference = ADDED_PRODUCTS[name]
    factors = [data.draw(arrays(shape)) for shape in make_shapes(*data.draw(st.tuples(
        sides(), sides(), sides(), sides())))]
    product = reference(*factors)
    added = data.draw(arrays(data.draw(broadcasting_to(product.shape))))
    beta, alpha = data.draw(st.sampled_from([1, 0, 0.5, -2.0])), data.draw(st.sampled_from(
        [1, 0, 1.5]))

    def function(*tensors: tm.Tensor) -> tm.Tensor:
        result: tm.Tensor = getattr(tm, name)(*tensors, beta=beta, alpha=alpha)
        return result

    got = function(*[tm.tensor(v) for v in [added, *factors]])
    assert got.shape == product.shape
    np.testing.assert_allclose(got.data, beta * added + alpha * product, rtol=1e-12, atol=1e-12)
    assert passes_gradchecks(function, [added, *factors])


def test_beta_0_ignores_nan_and_inf_in_the_input_and_gives_it_a_zero_gradient() -> None:
    added = leaf(np.array([[np.nan, np.inf], [1.0, -np.inf]]))
    mat1, mat2 = leaf(seeded((2, 3))), leaf(seeded((3, 2), 1))
    out = tm.addmm(added, mat1, mat2, beta=0)
    np.testing.assert_array_equal(out.data, mat1.data @ mat2.data)
    out.sum().backward()
    assert added.grad is not None
    np.testing.assert_array_equal(added.grad.data, np.zeros((2, 2)))


# name -> (input, factor, factor) holding NaN and inf in the factors
ALPHA_0_CASES: dict[str, list[np.ndarray]] = {
    "addmm": [np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[np.nan, 1.0], [np.inf, 2.0]]),
              np.array([[1.0, 2.0], [3.0, np.inf]])],
    "addmv": [np.array([1.0, 2.0]), np.array([[np.nan, 1.0], [np.inf, 2.0]]),
              np.array([1.0, np.inf])],
    "addbmm": [np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[[np.nan, 1.0], [np.inf, 2.0]]]),
               np.array([[[1.0, 2.0], [3.0, np.inf]]])],
    "baddbmm": [np.array([[[1.0, 2.0], [3.0, 4.0]]]), np.array([[[0.0, 1.0], [1.0, 2.0]]]),
                np.array([[[1.0, 2.0], [3.0, np.inf]]])],
    "addr": [np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([np.nan, 1.0]),
             np.array([np.inf, 2.0])],
}


@pytest.mark.parametrize("name", sorted(ALPHA_0_CASES))
def test_alpha_0_ignores_the_product_where_pytorch_does_with_pytorchs_gradients(name: str) -> None:
    values = ALPHA_0_CASES[name]
    ours_in = [leaf(v) for v in values]
    with np.errstate(invalid="ignore"):  # the product itself meets NaN and inf
        out = getattr(tm, name)(*ours_in, beta=2, alpha=0)
        grads = tm.grad(out.sum(), ours_in)
    if name in ("addmm", "addmv", "addbmm"):  # as PyTorch's: NaN and inf do not reach the sum
        np.testing.assert_array_equal(out.data, 2 * values[0])
    else:  # PyTorch's baddbmm and addr compute 0 · product: NaN where it is infinite
        assert np.isnan(out.data).any()
    if name == "addmm":  # 0 @ mat2ᵀ and mat1ᵀ @ 0: NaN only against a NaN or inf
        np.testing.assert_array_equal(grads[1].data, [[0.0, np.nan], [0.0, np.nan]])
        np.testing.assert_array_equal(grads[2].data, [[np.nan, np.nan], [0.0, 0.0]])
    torch = torch_or_none()
    if torch is None:
        return
    theirs_in = [torch.tensor(v, requires_grad=True) for v in values]
    theirs = getattr(torch, name)(*theirs_in, beta=2, alpha=0)
    np.testing.assert_array_equal(out.data, theirs.detach().numpy())
    for ours_g, theirs_g in zip(grads, torch.autograd.grad(theirs.sum(), theirs_in)):
        np.testing.assert_array_equal(ours_g.data, theirs_g.numpy())


def test_integer_tensors_keep_their_dtype_and_refuse_a_float_beta_or_alpha() -> None:
    counts = tm.tensor(np.arange(6).reshape(2, 3))
    square = tm.tensor(np.arange(9).reshape(3, 3))
    got = tm.addmm(tm.tensor([1, 2, 3]), counts, square, beta=2, alpha=3)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got.data, [2, 4, 6] + 3 * (counts.data @ square.data))
    assert counts[0].outer(tm.tensor([1, 2])).dtype == np.int64
    assert square.trace().item() == 12 and square.tril().dtype == np.int64
    assert tm.einsum("ij,jk->ik", counts, square).dtype == np.int64
    for name in ("beta", "alpha"):
        with pytest.raises(TypeError, match=rf"^addmm: {name} must be an int for integer "
                                            rf"tensors, got 0\.5"):
            tm.addmm(square, square, square, **{name: 0.5})
    with pytest.raises(TypeError, match=r"^addr: beta must be a number, got None"):
        tm.addr(square, tm.tensor([1, 2, 3]), tm.tensor([1, 2, 3]), beta=None)  # type: ignore[arg-type]


def test_integer_results_have_pytorchs_dtypes() -> None:
    torch = pytest.importorskip("torch")
    for dtype in (np.int32, np.int64):
        square, vector = np.arange(9, dtype=dtype).reshape(3, 3), np.arange(3, dtype=dtype)
        pairs = [(tm.trace(tm.tensor(square)), torch.trace(torch.tensor(square))),
                 (tm.diagonal(tm.tensor(square), 1), torch.diagonal(torch.tensor(square), 1)),
                 (tm.triu(tm.tensor(square)), torch.triu(torch.tensor(square))),
                 (tm.outer(tm.tensor(vector), tm.tensor(vector)),
                  torch.outer(torch.tensor(vector), torch.tensor(vector))),
                 (tm.kron(tm.tensor(vector), tm.tensor(square)),
                  torch.kron(torch.tensor(vector), torch.tensor(square))),
                 (tm.mv(tm.tensor(square), tm.tensor(vector)),
                  torch.mv(torch.tensor(square), torch.tensor(vector))),
                 (tm.einsum("ij,j->i", tm.tensor(square), tm.tensor(vector)),
                  torch.einsum("ij,j->i", torch.tensor(square), torch.tensor(vector)))]
        for ours, theirs in pairs:
            assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
            np.testing.assert_array_equal(ours.data, theirs.numpy())


# -- parts of matrices ----------------------------------------------------------------------


def numpy_diag_embed(x: np.ndarray, offset: int, dim1: int, dim2: int) -> np.ndarray:
    size = x.shape[-1] + abs(offset)
    out = np.zeros((*x.shape[:-1], size, size))
    steps = np.arange(x.shape[-1])
    out[..., steps + max(-offset, 0), steps + max(offset, 0)] = x
    return np.moveaxis(out, (-2, -1), (dim1, dim2))


@given(st.data())
def test_diagonals_and_triangles_equal_numpys_and_pass_gradchecks(data: st.DataObject) -> None:
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=3))
    values = data.draw(arrays(shape))
    ndim, offset = len(shape), data.draw(st.integers(-3, 3))
    cases: list[tuple[Callable[[tm.Tensor], tm.Tensor], Any]] = []
    embed_dims = data.draw(st.permutations(range(-ndim - 1, 0)))[:2]
    cases.append((lambda x: x.diag_embed(offset, *embed_dims),
                  numpy_diag_embed(values, offset, *embed_dims)))
    if ndim == 1:
        cases.append((lambda x: x.diag(offset), np.diag(values, offset)))
    else:
        dim1, dim2 = data.draw(st.permutations(range(ndim)))[:2]
        cases += [(lambda x: x.diagonal(offset, dim1, dim2 - ndim),
                   np.diagonal(values, offset, dim1, dim2)),
                  (lambda x: x.tril(offset), np.tril(values, offset)),
                  (lambda x: x.triu(offset), np.triu(values, offset))]
    if ndim == 2:
        cases += [(lambda x: x.trace(), np.trace(values)),
                  (lambda x: x.diag(offset), np.diag(values, offset))]
    for function, want in cases:
        got = function(tm.tensor(values))
        assert got.shape == np.shape(want)
        np.testing.assert_allclose(got.data, want, rtol=1e-12, atol=1e-12)
        assert passes_gradchecks(function, [values])


def test_tril_and_triu_keep_nan_and_inf_outside_the_triangle_out_and_their_gradient() -> None:
    x = leaf(np.array([[1.0, np.nan], [np.inf, 2.0]]))
    lower, upper = x.tril(), x.triu()
    np.testing.assert_array_equal(lower.data, [[1.0, 0.0], [np.inf, 2.0]])
    np.testing.assert_array_equal(upper.data, [[1.0, np.nan], [0.0, 2.0]])
    (gradient,) = tm.grad(lower.sum(), x)
    assert gradient is not None
    np.testing.assert_array_equal(gradient.data, [[1.0, 0.0], [1.0, 1.0]])


def test_diag_embed_puts_only_the_entry_on_the_diagonal_not_nan_elsewhere() -> None:
    got = tm.diag_embed(tm.tensor([np.nan, 1.0]), -1)
    np.testing.assert_array_equal(got.data, [[0, 0, 0], [np.nan, 0, 0], [0, 1.0, 0]])


# -- einsum -----------------------------------------------------------------------------------

# equation -> the operands' shapes
EQUATIONS: dict[str, list[tuple[int, ...]]] = {
    "ij,jk->ik": [(2, 3), (3, 4)],  # matrix product
    "ij,jk": [(2, 3), (3, 4)],  # the same, the output implicit
    "bij,bjk->bik": [(2, 2, 3), (2, 3, 4)],  # batch matmul
    "ii": [(3, 3)],  # trace
    "ii->i": [(3, 3)],  # diagonal
    "i,j->ij": [(2,), (3,)],  # outer product
    "ij->ji": [(2, 3)],  # transpose
    "ij->": [(2, 3)],  # sum
    "ij->j": [(2, 3)],  # column sums
    "...ij,...jk": [(2, 1, 2, 3), (3, 3, 2)],  # ellipsis, broadcast batches
    "...i->i": [(2, 3)],  # ellipsis summed
    "i...i": [(2, 4, 2)],  # a trace over the ellipsis
    "iij->ji": [(2, 2, 3)],  # diagonal and transpose
    "Ba,bA": [(2, 3), (4, 5)],  # capitals first in the implicit output
    "i,i->i": [(1,), (3,)],  # a size-1 subscript broadcasts
    "ij,jk,kl->il": [(2, 3), (3, 4), (4, 2)],  # a chain
    "bn,anm,bm->ba": [(2, 3), (4, 3, 2), (2, 2)],  # a bilinear form
    "i j , j k -> i k": [(2, 3), (3, 2)],  # spaces
    "->": [()],  # a 0-d operand
    "ij,jk->ik ": [(2, 0), (0, 3)],  # an empty sum is 0
}


# numpy refuses to sum over an ellipsis that the output leaves out; PyTorch sums it
NUMPY_SPELLING = {"...i->i": "ji->i"}


@pytest.mark.parametrize("equation", sorted(EQUATIONS))
def test_einsum_equals_numpys_and_passes_gradchecks(equation: str) -> None:
    values = [seeded(shape, seed) for seed, shape in enumerate(EQUATIONS[equation])]
    got = tm.einsum(equation, *[tm.tensor(v) for v in values])
    want = np.einsum(NUMPY_SPELLING.get(equation, equation.replace(" ", "")), *values)
    assert got.shape == want.shape
    np.testing.assert_allclose(got.data, want, rtol=1e-12, atol=1e-12)
    assert passes_gradchecks(lambda *t: tm.einsum(equation, *t), values)


def test_einsum_broadcasts_a_summed_subscript_of_size_1_as_numpy_and_pytorch() -> None:
    a, b = leaf(np.ones((2, 1))), leaf(np.ones((3, 2)))  # j is 1 in a and 3 in b
    out = tm.einsum("ij,jk", a, b)
    np.testing.assert_array_equal(out.data, np.einsum("ij,jk", np.ones((2, 1)), np.ones((3, 2))))
    np.testing.assert_array_equal(out.data, np.full((2, 2), 3.0))
    grads = tm.grad(out.sum(), [a, b])
    np.testing.assert_array_equal(grads[0].data, np.full((2, 1), 6.0))  # a's one j meets all 3
    np.testing.assert_array_equal(grads[1].data, np.full((3, 2), 2.0))
    torch = torch_or_none()
    if torch is not None:
        ta, tb = torch.ones(2, 1, dtype=torch.float64), torch.ones(3, 2, dtype=torch.float64)
        np.testing.assert_array_equal(out.data, torch.einsum("ij,jk", ta, tb).numpy())


TEMPLATES = ["...ij,...jk->...ik", "...ij,...jk", "...i,...i->...", "i...,i...", "...ij->...ji",
             "...ii->...i", "...ij,...j,...->...i", "ab...,b...c->c...a"]


@given(st.data())
def test_einsum_with_ellipses_and_broadcast_subscripts_equals_numpys_and_passes_gradchecks(
    data: st.DataObject
) -> None:
    equation = data.draw(st.sampled_from(TEMPLATES))
    terms = equation.split("->")[0].split(",")
    batches = data.draw(hnp.mutually_broadcastable_shapes(
        num_shapes=len(terms), max_dims=2, min_side=0, max_side=2)).input_shapes
    sizes = {letter: data.draw(sides()) for letter in "abcijk"}
    shapes = []
    for term, batch in zip(terms, batches):
        own = {x: 1 if data.draw(st.booleans()) else sizes[x] for x in term if x != "."}
        letters = [own[x] for x in term.replace("...", ".") if x != "."]
        at = term.replace("...", ".").index(".")
        shapes.append((*letters[:at], *batch, *letters[at:]))
    values = [data.draw(arrays(shape)) for shape in shapes]
    got = tm.einsum(equation, [tm.tensor(v) for v in values])  # the operands as one list
    want = np.einsum(equation, *values)
    assert got.shape == want.shape
    np.testing.assert_allclose(got.data, want, rtol=1e-12, atol=1e-12)
    assert passes_gradchecks(lambda *t: tm.einsum(equation, *t), values)


# -- tensordot, cross, cdist, block_diag, cartesian_prod ------------------------------------


@given(st.data())
def test_tensordot_equals_numpys_and_passes_gradchecks(data: st.DataObject) -> None:
    a_shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3))
    count = data.draw(st.integers(0, len(a_shape)))
    a_dims = data.draw(st.permutations(range(len(a_shape))))[:count]
    free = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3))
    b_order = data.draw(st.permutations(range(count + len(free))))
    b_shape = [0] * len(b_order)
    for position, dim in enumerate(b_order):
        b_shape[dim] = a_shape[a_dims[position]] if position < count else free[position - count]
    a, b = data.draw(arrays(a_shape)), data.draw(arrays(tuple(b_shape)))
    b_dims = list(b_order[:count])
    as_int = count and a_dims == list(range(len(a_shape) - count, len(a_shape))) \
        and b_dims == list(range(count))
    dims: Any = count if as_int else (a_dims, b_dims)
    got = tm.tensordot(tm.tensor(a), tm.tensor(b), dims)
    want = np.tensordot(a, b, (a_dims, b_dims))
    assert got.shape == want.shape
    np.testing.assert_allclose(got.data, want, rtol=1e-12, atol=1e-12)
    assert passes_gradchecks(lambda x, y: tm.tensordot(x, y, dims), [a, b])


def test_tensordot_broadcasts_a_contracted_dim_of_size_1_against_size_n() -> None:
    a, b = np.array([[1.0], [2.0]]), seeded((3, 4))  # a's dim 1 (size 1) against b's dim 0 (3)
    got = tm.tensordot(tm.tensor(a), tm.tensor(b), ([1], [0]))
    np.testing.assert_allclose(got.data, a * b.sum(0), rtol=1e-15)
    assert passes_gradchecks(lambda x, y: tm.tensordot(x, y, ([1], [0])), [a, b])
    torch = torch_or_none()
    if torch is not None:
        want = torch.tensordot(torch.tensor(a), torch.tensor(b), ([1], [0]))
        np.testing.assert_allclose(got.data, want.numpy(), rtol=1e-15)


def test_cross_without_dim_takes_the_first_dim_of_size_3_as_pytorch() -> None:
    a, b = seeded((3, 3)), seeded((3, 3), 1)
    got = tm.cross(tm.tensor(a), tm.tensor(b))
    np.testing.assert_allclose(got.data, np.cross(a, b, axis=0), rtol=1e-12)
    assert not np.allclose(got.data, np.cross(a, b, axis=1))
    np.testing.assert_array_equal(tm.tensor(a).cross(tm.tensor(b)).data, got.data)
    torch = torch_or_none()
    if torch is not None:  # PyTorch's default dim is its first of size 3 (with a warning)
        want = torch.cross(torch.tensor(a), torch.tensor(b), dim=0)
        np.testing.assert_allclose(got.data, want.numpy(), rtol=1e-12)


@given(st.data())
def test_cross_equals_numpys_with_broadcasting_and_passes_gradchecks(data: st.DataObject) -> None:
    batch = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, min_side=0,
                                                        max_side=2)).input_shapes
    ndim = max(len(batch[0]), len(batch[1]))
    shapes = [(1,) * (ndim - len(s)) + s for s in batch]
    dim = data.draw(st.integers(0, ndim))
    values = [data.draw(arrays((*s[:dim], 3, *s[dim:]))) for s in shapes]
    got = tm.cross(*[tm.tensor(v) for v in values], dim=dim)
    want = np.cross(*values, axis=dim)
    assert got.shape == want.shape
    np.testing.assert_allclose(got.data, want, rtol=1e-12, atol=1e-12)
    assert passes_gradchecks(lambda a, b: tm.cross(a, b, dim), values)


def numpy_cdist(x1: np.ndarray, x2: np.ndarray, p: float) -> np.ndarray:
    differences = np.abs(x1[..., :, None, :] - x2[..., None, :, :])
    if p == 0:
        return (differences != 0).sum(-1).astype(float)
    if math.isinf(p):
        return differences.max(-1, initial=0.0)
    return (differences ** p).sum(-1) ** (1 / p)


@given(st.data())
def test_cdist_equals_numpys_over_broadcast_batches_and_passes_gradchecks(
    data: st.DataObject
) -> None:
    batch = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, min_side=0,
                                                        max_side=2)).input_shapes
    rows, other_rows, features = data.draw(sides()), data.draw(sides()), data.draw(sides())
    p = data.draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, math.inf]))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))  # no ties, no zeros
    x1 = rng.standard_normal((*batch[0], rows, features))
    x2 = rng.standard_normal((*batch[1], other_rows, features))
    mode = data.draw(st.sampled_from(["use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist"]))
    got = tm.cdist(tm.tensor(x1), tm.tensor(x2), p, mode)  # the mode changes nothing
    want = numpy_cdist(x1, x2, p)
    assert got.shape == want.shape
    np.testing.assert_allclose(got.data, want, rtol=1e-12, atol=1e-12)
    assert passes_gradchecks(lambda a, b: tm.cdist(a, b, p), [x1, x2])


def test_cdist_gives_gradient_0_where_the_distance_is_0() -> None:
    x1 = leaf(np.array([[0.0, 1.0, 2.0]]))
    x2 = tm.tensor([[0.0, 1.0, 2.0], [0.0, 3.0, 4.0]])
    for p in (0.5, 1.0, 2.0, 3.0, math.inf):
        (gradient,) = tm.grad(tm.cdist(x1, x2, p)[0, 0], x1)
        assert gradient is not None
        np.testing.assert_array_equal(gradient.data, np.zeros((1, 3)))
    (gradient,) = tm.grad(tm.cdist(x1, x2, 0.0).sum(), x1)
    assert gradient is not None
    np.testing.assert_array_equal(gradient.data, np.zeros((1, 3)))


@pytest.mark.filterwarnings("error")  # no 0 · ∞
def test_cdist_at_p_0_counts_nonzero_differences_with_zeros_and_infinities() -> None:
    x1 = leaf(np.array([[0.0, 1.0, 2.0], [np.inf, 1.0, 2.0]]))
    x2 = tm.tensor([[0.0, 3.0, 2.0], [1.0, 1.0, 5.0]])
    distance = tm.cdist(x1, x2, 0.0)
    np.testing.assert_array_equal(distance.data, [[1.0, 2.0], [2.0, 2.0]])
    (gradient,) = tm.grad(distance.sum(), x1)
    np.testing.assert_array_equal(gradient.data, np.zeros((2, 3)))
    torch = torch_or_none()
    if torch is not None:
        want = torch.cdist(torch.tensor(x1.data), torch.tensor(x2.data), p=0)
        np.testing.assert_array_equal(distance.data, want.numpy())


def test_cdist_of_rows_with_no_features_is_0_for_every_p() -> None:
    for p in (0.0, 1.0, 2.0, math.inf):
        distance = tm.cdist(leaf(np.ones((2, 0))), tm.ones(3, 0), p)
        np.testing.assert_array_equal(distance.data, np.zeros((2, 3)))


def test_block_diag_places_each_block_and_passes_gradchecks() -> None:
    values = [seeded((2, 3)), np.array(5.0), seeded((2,), 1), np.zeros((0, 2)), seeded((1, 1))]
    got = tm.block_diag(*[tm.tensor(v) for v in values])
    want = np.zeros((5, 9))
    want[0:2, 0:3], want[2, 3], want[3, 4:6], want[4, 8:] = values[0], 5.0, values[2], values[4][0]
    np.testing.assert_array_equal(got.data, want)
    assert passes_gradchecks(tm.block_diag, values)
    mixed = tm.block_diag(tm.tensor([[1, 2]]), tm.tensor(np.array([3], np.int8)))
    assert mixed.dtype == np.int64 and mixed.tolist() == [[1, 2, 0], [0, 0, 3]]
    assert tm.block_diag().shape == (1, 0)  # as PyTorch's


def test_block_diag_of_no_tensors_has_the_default_dtype_as_pytorch(float32_default: None) -> None:
    empty = tm.block_diag()
    assert empty.shape == (1, 0) and empty.dtype == tm.float32


def test_cartesian_prod_lists_every_combination_and_passes_gradchecks() -> None:
    values = [seeded((2,)), seeded((3,), 1), seeded((2,), 2)]
    got = tm.cartesian_prod(*[tm.tensor(v) for v in values])
    want = np.array([[a, b, c] for a in values[0] for b in values[1] for c in values[2]])
    np.testing.assert_array_equal(got.data, want)
    assert passes_gradchecks(tm.cartesian_prod, values)
    single = tm.tensor([1.0, 2.0])
    assert tm.cartesian_prod(single) is single  # as PyTorch's
    assert tm.cartesian_prod(tm.ones(2), tm.ones(0)).shape == (0, 2)


def test_tril_and_triu_indices_are_numpys_as_int64_without_gradient() -> None:
    for rows, columns, offset in [(3, 4, 0), (4, 3, -1), (3, 3, 7), (3, 3, -5), (0, 3, 0)]:
        lower = tm.tril_indices(rows, columns, offset)
        upper = tm.triu_indices(rows, columns, offset)
        assert lower.dtype == np.int64 and not lower.requires_grad
        np.testing.assert_array_equal(lower.data.reshape(2, -1),
                                      np.stack(np.tril_indices(rows, offset, columns)))
        np.testing.assert_array_equal(upper.data.reshape(2, -1),
                                      np.stack(np.triu_indices(rows, offset, columns)))
        assert lower.shape[0] == 2 and upper.shape[0] == 2
    assert tm.tril_indices(3, 3, dtype=tm.int32).dtype == np.int32
    x = tm.tensor(seeded((3, 3)))
    np.testing.assert_array_equal(x[tuple(tm.tril_indices(3, 3))].data, x.data[np.tril_indices(3)])


# -- against PyTorch: values, first and second derivatives ------------------------------------


# name -> (ours, PyTorch's given the torch module first, the input shapes)
TORCH_CASES: dict[str, tuple[Callable[..., Any], Callable[..., Any], list[tuple[int, ...]]]] = {
    "outer": (tm.outer, lambda torch, *t: torch.outer(*t), [(3,), (4,)]),
    "inner": (tm.inner, lambda torch, *t: torch.inner(*t), [(2, 3), (4, 1, 3)]),
    "mv": (tm.mv, lambda torch, *t: torch.mv(*t), [(2, 3), (3,)]),
    "bmm": (tm.bmm, lambda torch, *t: torch.bmm(*t), [(2, 3, 4), (2, 4, 2)]),
    "addmm": (lambda *t: tm.addmm(*t, beta=0.5, alpha=2),
              lambda torch, *t: torch.addmm(*t, beta=0.5, alpha=2), [(3,), (2, 4), (4, 3)]),
    "addmv": (lambda *t: tm.addmv(*t, beta=-1, alpha=0.5),
              lambda torch, *t: torch.addmv(*t, beta=-1, alpha=0.5), [(1,), (2, 4), (4,)]),
    "addr": (lambda *t: tm.addr(*t, beta=0), lambda torch, *t: torch.addr(*t, beta=0),
             [(2, 1), (2,), (3,)]),
    "baddbmm": (lambda *t: tm.baddbmm(*t, alpha=3), lambda torch, *t: torch.baddbmm(*t, alpha=3),
                [(4, 3), (2, 4, 5), (2, 5, 3)]),
    "addbmm": (lambda *t: tm.addbmm(*t, beta=2), lambda torch, *t: torch.addbmm(*t, beta=2),
               [(4, 3), (2, 4, 5), (2, 5, 3)]),
    "kron": (tm.kron, lambda torch, *t: torch.kron(*t), [(2, 3), (4, 1, 2)]),
    "trace": (tm.trace, lambda torch, x: torch.trace(x), [(3, 4)]),
    "diagonal": (lambda x: tm.diagonal(x, 1, 2, 0), lambda torch, x: torch.diagonal(x, 1, 2, 0),
                 [(3, 4, 2)]),
    "diag of a vector": (lambda x: tm.diag(x, -1), lambda torch, x: torch.diag(x, -1), [(3,)]),
    "diag of a matrix": (lambda x: tm.diag(x, 1), lambda torch, x: torch.diag(x, 1), [(3, 4)]),
    "diag_embed": (lambda x: tm.diag_embed(x, 1, 0, 2),
                   lambda torch, x: torch.diag_embed(x, 1, 0, 2), [(2, 3)]),
    "tril": (lambda x: tm.tril(x, -1), lambda torch, x: torch.tril(x, -1), [(2, 3, 4)]),
    "triu": (lambda x: tm.triu(x, 1), lambda torch, x: torch.triu(x, 1), [(3, 4)]),
    "einsum": (lambda *t: tm.einsum("bn,anm,bm->ba", *t),
               lambda torch, *t: torch.einsum("bn,anm,bm->ba", *t), [(2, 3), (4, 3, 2), (2, 2)]),
    "einsum with ellipsis": (lambda *t: tm.einsum("...ij,...jk", *t),
                             lambda torch, *t: torch.einsum("...ij,...jk", *t),
                             [(2, 1, 2, 3), (3, 3, 2)]),
    "einsum diagonal": (lambda x: tm.einsum("iij->ji", x),
                        lambda torch, x: torch.einsum("iij->ji", x), [(2, 2, 3)]),
    "tensordot": (lambda a, b: tm.tensordot(a, b, ([1, 0], [0, 2])),
                  lambda torch, a, b: torch.tensordot(a, b, ([1, 0], [0, 2])),
                  [(3, 4, 2), (4, 2, 3)]),
    "dot": (tm.dot, lambda torch, *t: torch.dot(*t), [(3,), (3,)]),
    "vdot": (tm.vdot, lambda torch, *t: torch.vdot(*t), [(3,), (3,)]),
    "cross": (lambda a, b: tm.cross(a, b, 1), lambda torch, a, b: torch.cross(a, b, 1),
              [(4, 3), (1, 3)]),
    "cdist": (tm.cdist, lambda torch, *t: torch.cdist(*t), [(2, 3, 4), (1, 5, 4)]),
    "cdist p=1": (lambda a, b: tm.cdist(a, b, 1.0), lambda torch, a, b: torch.cdist(a, b, 1.0),
                  [(3, 2), (2, 2)]),
    "cdist p=inf": (lambda a, b: tm.cdist(a, b, math.inf),
                    lambda torch, a, b: torch.cdist(a, b, math.inf), [(3, 2), (2, 2)]),
    "cdist p=0.5": (lambda a, b: tm.cdist(a, b, 0.5), lambda torch, a, b: torch.cdist(a, b, 0.5),
                    [(3, 2), (2, 2)]),
    "block_diag": (tm.block_diag, lambda torch, *t: torch.block_diag(*t),
                   [(2, 3), (), (2,), (1, 1)]),
    "cartesian_prod": (tm.cartesian_prod, lambda torch, *t: torch.cartesian_prod(*t),
                       [(2,), (3,), (2,)]),
}


@pytest.mark.parametrize("name", sorted(TORCH_CASES))
def test_values_and_first_and_second_derivatives_equal_pytorchs(name: str) -> None:
    torch = pytest.importorskip("torch")
    ours_function, theirs_function, shapes = TORCH_CASES[name]
    values = [seeded(shape, seed) for seed, shape in enumerate(shapes)]
    ours_in = [leaf(v) for v in values]
    theirs_in = [torch.tensor(v, requires_grad=True) for v in values]
    ours, theirs = ours_function(*ours_in), theirs_function(torch, *theirs_in)
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12, atol=1e-12)
    weights = seeded(ours.shape, 10)  # the first derivatives, with a graph
    ours_w, theirs_w = leaf(weights), torch.tensor(weights, requires_grad=True)
    ours_grads = tm.grad((ours * ours_w).sum(), ours_in, create_graph=True, allow_unused=True)
    theirs_grads = torch.autograd.grad((theirs * theirs_w).sum(), theirs_in, create_graph=True,
                                       allow_unused=True)
    directions = [seeded(v.shape, 20 + i) for i, v in enumerate(values)]
    for ours_g, theirs_g, value in zip(ours_grads, theirs_grads, values):
        np.testing.assert_allclose(
            np.zeros(value.shape) if ours_g is None else ours_g.data,
            np.zeros(value.shape) if theirs_g is None else theirs_g.detach().numpy(),
            rtol=1e-12, atol=1e-12)
    # the second: of Σ gᵢ · vᵢ, with respect to the inputs and the weights
    ours_sum = sum(((g * tm.tensor(v)).sum() for g, v in zip(ours_grads, directions)
                    if g is not None), tm.tensor(0.0))
    theirs_sum = sum((g * torch.tensor(v)).sum() for g, v in zip(theirs_grads, directions)
                     if g is not None)
    ours_second = tm.grad(ours_sum, [*ours_in, ours_w], allow_unused=True)
    if name.startswith("cdist"):  # PyTorch's cdist has no second derivative: its own norm has
        theirs = torch.linalg.vector_norm(theirs_in[0].unsqueeze(-2) - theirs_in[1].unsqueeze(-3),
                                          float(name.partition("p=")[2] or 2), dim=-1)
        theirs_grads = torch.autograd.grad((theirs * theirs_w).sum(), theirs_in,
                                           create_graph=True)
        theirs_sum = sum((g * torch.tensor(v)).sum() for g, v in zip(theirs_grads, directions))
    theirs_second = torch.autograd.grad(theirs_sum, [*theirs_in, theirs_w], allow_unused=True)
    for ours_s, theirs_s, value in zip(ours_second, theirs_second, [*values, weights]):
        np.testing.assert_allclose(
            np.zeros(np.shape(value)) if ours_s is None else ours_s.data,
            np.zeros(np.shape(value)) if theirs_s is None else theirs_s.numpy(),
            rtol=1e-12, atol=1e-12)


def test_cdist_splits_the_gradient_of_a_tie_at_p_inf_where_pytorch_gives_each_all_of_it() -> None:
    x1 = leaf(np.array([[0.0, 1.0, 2.0]]))
    distance = tm.cdist(x1, tm.tensor([[0.0, 3.0, 4.0]]), math.inf)  # |-2| twice
    (gradient,) = tm.grad(distance.sum(), x1)
    assert gradient is not None
    np.testing.assert_array_equal(gradient.data, [[0.0, -0.5, -0.5]])


# -- the function forms and the methods --------------------------------------------------------

# each method -> the shapes of self and its arguments
METHOD_SHAPES: dict[str, list[tuple[int, ...]]] = {
    "outer": [(2,), (3,)], "inner": [(2, 3), (3,)], "mv": [(2, 3), (3,)],
    "bmm": [(2, 2, 3), (2, 3, 4)], "addmm": [(2, 3), (2, 4), (4, 3)],
    "addmv": [(2,), (2, 4), (4,)], "addr": [(2, 3), (2,), (3,)],
    "baddbmm": [(2, 2, 3), (2, 2, 4), (2, 4, 3)], "addbmm": [(2, 3), (2, 2, 4), (2, 4, 3)],
    "kron": [(2, 3), (2,)], "trace": [(3, 3)], "diagonal": [(2, 3, 3)], "diag": [(3,)],
    "diag_embed": [(2, 3)], "tril": [(2, 3, 3)], "triu": [(2, 3, 3)],
    "vdot": [(3,), (3,)], "cross": [(2, 3), (2, 3)],
}
METHODS = sorted(METHOD_SHAPES)


@pytest.mark.parametrize("name", METHODS)
def test_each_function_is_its_method_and_refuses_an_array_naming_itself(name: str) -> None:
    shapes = METHOD_SHAPES[name]
    values = [seeded(shape, seed) for seed, shape in enumerate(shapes)]
    function = getattr(tm, name)
    assert function is getattr(linalg, name)
    by_function = function(*[tm.tensor(v) for v in values])
    by_method = getattr(tm.tensor(values[0]), name)(*[tm.tensor(v) for v in values[1:]])
    np.testing.assert_array_equal(by_function.data, by_method.data)
    with pytest.raises(TypeError, match=rf"^{name}: input must be a Tensor, got ndarray; wrap "):
        function(*values)


def test_dot_vdot_and_cross_methods_take_pytorchs_keyword_names() -> None:
    v, w = tm.tensor([1.0, 2.0, 3.0]), tm.tensor([4.0, 5.0, 6.0])
    assert v.dot(tensor=w).item() == 32.0 and v.vdot(other=w).item() == 32.0
    np.testing.assert_array_equal(v.cross(other=w, dim=0).data, np.cross(v.data, w.data))
    torch = torch_or_none()
    if torch is not None:
        tv, tw = torch.tensor(v.data), torch.tensor(w.data)
        assert tv.dot(tensor=tw).item() == 32.0 and tv.vdot(other=tw).item() == 32.0
        np.testing.assert_array_equal(tv.cross(other=tw, dim=0).numpy(),
                                      np.cross(v.data, w.data))


def test_every_function_of_the_module_is_exported() -> None:
    public = {name for name, value in vars(linalg).items() if not name.startswith("_")
              and callable(value) and getattr(value, "__module__", None) == linalg.__name__
              and name not in ("LinalgMethods", "SlogDet")}
    assert public == set(METHODS) | {"einsum", "tensordot", "dot", "vdot", "tril_indices",
                                     "triu_indices", "cross", "cdist", "block_diag",
                                     "cartesian_prod", "inverse", "det", "logdet", "slogdet",
                                     "matrix_power"}
    assert all(getattr(tm, name) is getattr(linalg, name) for name in public)
    assert public <= set(tm.__all__)


# -- bad arguments -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [(lambda: tm.outer(tm.ones(2, 3), tm.ones(3)), ValueError,
      r"^outer: input and vec2 must be 1-D, got shapes \(2, 3\) and \(3,\)"),
     (lambda: tm.ones(2).outer(np.ones(2)), TypeError,
      r"^outer: vec2 must be a Tensor, got ndarray"),
     (lambda: tm.inner(tm.ones(2, 3), tm.ones(4, 2)), ValueError,
      r"^inner: the last dims of input and other must match, got shapes \(2, 3\) and \(4, 2\)"),
     (lambda: tm.mv(tm.ones(2, 3), tm.ones(3, 1)), ValueError,
      r"^mv: input must be 2-D and vec 1-D, got shapes \(2, 3\) and \(3, 1\)"),
     (lambda: tm.mv(tm.ones(2, 3), tm.ones(4)), ValueError,
      r"^mv: input of shape \(2, 3\) and vec of shape \(4,\) cannot be multiplied: 3 columns "
      r"against 4 entries"),
     (lambda: tm.bmm(tm.ones(3, 4), tm.ones(4, 5)), ValueError,
      r"^bmm: input and mat2 must be 3-D, got shapes \(3, 4\) and \(4, 5\); matmul"),
     (lambda: tm.bmm(tm.ones(2, 3, 4), tm.ones(1, 4, 5)), ValueError,
      r"^bmm: input of shape \(2, 3, 4\) and mat2 of shape \(1, 4, 5\) cannot be multiplied: "
      r"they need the same batch size"),
     (lambda: tm.addmm(tm.ones(3), tm.ones(2, 4), tm.ones(5, 3)), ValueError,
      r"^addmm: needs matrices mat1 \(n, k\) and mat2 \(k, m\), got shapes \(2, 4\) and "
      r"\(5, 3\)"),
     (lambda: tm.addmm(tm.ones(4), tm.ones(2, 4), tm.ones(4, 3)), ValueError,
      r"^addmm: input of shape \(4,\) does not broadcast to the shape of the product, \(2, 3\)"),
     (lambda: tm.addmm(tm.ones(2, 1, 3), tm.ones(2, 4), tm.ones(4, 3)), ValueError,
      r"^addmm: input of shape \(2, 1, 3\) does not broadcast"),
     (lambda: tm.addmm(tm.ones(3), tm.ones(2, 4), tm.ones(4, 3), alpha="2"), TypeError,
      r"^addmm: alpha must be a number, got '2'"),
     (lambda: tm.addmv(tm.ones(2), tm.ones(2, 4), tm.ones(3)), ValueError,
      r"^addmv: needs a matrix mat \(n, k\) and a vector vec \(k,\), got shapes \(2, 4\) and "
      r"\(3,\)"),
     (lambda: tm.addr(tm.ones(2, 3), tm.ones(2, 1), tm.ones(3)), ValueError,
      r"^addr: vec1 and vec2 must be 1-D, got shapes \(2, 1\) and \(3,\)"),
     (lambda: tm.baddbmm(tm.ones(3), tm.ones(2, 4, 5), tm.ones(1, 5, 3)), ValueError,
      r"^baddbmm: batch1 of shape \(2, 4, 5\) and batch2 of shape \(1, 5, 3\) cannot be "
      r"multiplied"),
     (lambda: tm.addbmm(tm.ones(3), tm.ones(4, 5), tm.ones(5, 3)), ValueError,
      r"^addbmm: batch1 and batch2 must be 3-D, got shapes \(4, 5\) and \(5, 3\)"),
     (lambda: tm.kron(tm.ones(2), [1.0]), TypeError, r"^kron: other must be a Tensor, got list"),
     (lambda: tm.trace(tm.ones(2, 3, 4)), ValueError,
      r"^trace: input must be 2-D, got shape \(2, 3, 4\)"),
     (lambda: tm.diagonal(tm.ones(3)), IndexError,
      r"^diagonal: axis 1 is out of range for a tensor with 1 dims"),
     (lambda: tm.diagonal(tm.ones(2, 3), 0, 1, -1), ValueError,
      r"^diagonal: dim1 and dim2 must be different dims, got 1 and -1 for shape \(2, 3\)"),
     (lambda: tm.diagonal(tm.ones(2, 3), 0.5), TypeError,
      r"^diagonal: offset must be an int, got 0\.5"),
     (lambda: tm.ones(2, 2).diagonal(0, 0.0, 1), TypeError,
      r"^diagonal: dim1 must be an int, got 0\.0"),
     (lambda: tm.ones(2, 2).diagonal(0, 0, "1"), TypeError,
      r"^diagonal: dim2 must be an int, got '1'"),
     (lambda: tm.ones(2, 2).diag_embed(0, 0.0, 1), TypeError,
      r"^diag_embed: dim1 must be an int, got 0\.0"),
     (lambda: tm.diag(tm.ones(2, 2, 2)), ValueError,
      r"^diag: input must be 1-D or 2-D, got shape \(2, 2, 2\)"),
     (lambda: tm.diag_embed(tm.tensor(1.0)), ValueError,
      r"^diag_embed: input must have at least 1 dim, got a 0-d tensor"),
     (lambda: tm.diag_embed(tm.ones(2, 3), 0, 0, -3), ValueError,
      r"^diag_embed: dim1 and dim2 must be different dims, got 0 and -3"),
     (lambda: tm.tril(tm.ones(3)), ValueError,
      r"^tril: input must have at least 2 dims, got shape \(3,\)"),
     (lambda: tm.triu(tm.ones(3, 3), True), TypeError,
      r"^triu: diagonal must be an int, got True"),
     (lambda: tm.dot(tm.ones(2), tm.ones(2, 1)), ValueError,
      r"^dot: needs two 1-D tensors of the same size, got shapes \(2,\) and \(2, 1\)"),
     (lambda: tm.dot(tm.ones(2), np.ones(2)), TypeError,
      r"^dot: tensor must be a Tensor, got ndarray"),
     (lambda: tm.vdot(tm.ones(2), tm.ones(3)), ValueError,
      r"^vdot: needs two 1-D tensors of the same size, got shapes \(2,\) and \(3,\)"),
     (lambda: tm.einsum("ij,jk", tm.ones(2, 2)), ValueError,
      r"^einsum: the equation 'ij,jk' has subscripts for 2 operands, got 1"),
     (lambda: tm.einsum("ij", tm.ones(2, 2, 2)), ValueError,
      r"^einsum: operand 0 has shape \(2, 2, 2\), which the subscripts 'ij' do not fit"),
     (lambda: tm.einsum("i,i", tm.ones(2), tm.ones(3)), ValueError,
      r"^einsum: subscript i has size 3 in operand 1 \(shape \(3,\)\) but 2 before"),
     (lambda: tm.einsum("ii->i", tm.ones(2, 3)), ValueError,
      r"^einsum: subscript i is repeated in operand 0 \(shape \(2, 3\)\) with sizes 2 and 3"),
     (lambda: tm.einsum("ij->k", tm.ones(2, 2)), ValueError,
      r"^einsum: the output subscript k is in no operand of 'ij->k'"),
     (lambda: tm.einsum("ij->ii", tm.ones(2, 2)), ValueError,
      r"^einsum: the output subscript i appears more than once in 'ij->ii'"),
     (lambda: tm.einsum("i1", tm.ones(2, 2)), ValueError,
      r"^einsum: '1' in 'i1' is not a subscript"),
     (lambda: tm.einsum("..i", tm.ones(2)), ValueError, r"^einsum: '\.' in '\.\.i' is not a "),
     (lambda: tm.einsum("...i...", tm.ones(2)), ValueError,
      r"^einsum: '\.\.\.i\.\.\.' in '\.\.\.i\.\.\.' has more than one '\.\.\.'"),
     (lambda: tm.einsum("i", np.ones(2)), TypeError,
      r"^einsum: operands\[0\] must be a Tensor, got ndarray"),
     (lambda: tm.einsum(tm.ones(2), "i"), TypeError,
      r"^einsum: equation must be a string, got Tensor"),
     (lambda: tm.einsum("->"), ValueError, r"^einsum: needs at least one operand"),
     (lambda: tm.tensordot(tm.ones(2, 3), tm.ones(2, 3), 3), ValueError,
      r"^tensordot: dims=3 must be from 0 to the dims of a \(shape \(2, 3\)\) and of b"),
     (lambda: tm.tensordot(tm.ones(2, 3, 4), tm.ones(3, 5, 5)), ValueError,
      r"^tensordot: dim 2 of a \(shape \(2, 3, 4\)\) has size 4 but dim 1 of b \(shape "
      r"\(3, 5, 5\)\) has size 5"),
     (lambda: tm.tensordot(tm.ones(2, 3), tm.ones(2, 3), ([0], [0, 1])), ValueError,
      r"^tensordot: the two lists of dims must have the same length, got \[0\] and \[0, 1\]"),
     (lambda: tm.tensordot(tm.ones(2, 3), tm.ones(2, 3), ([0, 0], [0, 1])), ValueError,
      r"^tensordot: the dims of a, \(0, 0\), repeat a dim"),
     (lambda: tm.tensordot(tm.ones(2, 3), tm.ones(2, 3), (1, 0)), TypeError,
      r"^tensordot: dims must be an int or a pair of lists of dims, got \(1, 0\)"),
     (lambda: tm.tril_indices(-1, 2), ValueError,
      r"^tril_indices: row and col must be non-negative, got -1 and 2"),
     (lambda: tm.triu_indices(3, 3, dtype=tm.float32), TypeError,
      r"^triu_indices: dtype must be int64 or int32, as in PyTorch, got float32"),
     (lambda: tm.cross(tm.ones(2, 3), tm.ones(3)), ValueError,
      r"^cross: input and other must have the same number of dims, got shapes \(2, 3\) and "
      r"\(3,\)"),
     (lambda: tm.cross(tm.ones(2, 2), tm.ones(2, 2)), ValueError,
      r"^cross: input has no dim of size 3 \(shape \(2, 2\)\); give dim"),
     (lambda: tm.cross(tm.ones(4, 3), tm.ones(4, 3), dim=0), ValueError,
      r"^cross: dim 0 of input and other must have size 3, got shapes \(4, 3\) and \(4, 3\)"),
     (lambda: tm.cross(tm.tensor([True, False, True]), tm.tensor([True, True, False])),
      TypeError, r"^cross: bool tensors are not supported \(nor in PyTorch\), got dtypes bool "
                 r"and bool"),
     (lambda: tm.ones(3).cross(tm.ones(3), dim=0.0), TypeError,
      r"^cross: dim must be an int, got 0\.0"),
     (lambda: tm.ones(3).vdot(np.ones(3)), TypeError, r"^vdot: other must be a Tensor, got "),
     (lambda: tm.cross(tm.ones(2, 3), tm.ones(4, 3), dim=1), ValueError,
      r"^cross: input of shape \(2, 3\) and other of shape \(4, 3\) cannot be broadcast"),
     (lambda: tm.cdist(tm.ones(3), tm.ones(2, 3)), ValueError,
      r"^cdist: x1 and x2 must be at least 2-D with the same last size \(the features\), got "
      r"shapes \(3,\) and \(2, 3\)"),
     (lambda: tm.cdist(tm.ones(2, 3), tm.ones(2, 4)), ValueError,
      r"^cdist: x1 and x2 must be at least 2-D .* got shapes \(2, 3\) and \(2, 4\)"),
     (lambda: tm.cdist(tm.ones(2, 2, 3), tm.ones(3, 4, 3)), ValueError,
      r"^cdist: the batch dims of x1 \(shape \(2, 2, 3\)\) and x2 \(shape \(3, 4, 3\)\) do not "
      r"broadcast"),
     (lambda: tm.cdist(tm.ones(2, 3), tm.ones(2, 3), -1.0), ValueError,
      r"^cdist: p must be >= 0, got -1\.0"),
     (lambda: tm.cdist(tm.ones(2, 3), tm.ones(2, 3), compute_mode="fast"), ValueError,
      r"^cdist: compute_mode must be one of use_mm_for_euclid_dist_if_necessary, .* got "
      r"'fast'"),
     (lambda: tm.cdist(tm.tensor([[1, 2]]), tm.tensor([[1, 2]])), TypeError,
      r"^cdist: x1 and x2 must be floating point, got dtypes int64 and int64"),
     (lambda: tm.block_diag(tm.ones(2, 2, 2)), ValueError,
      r"^block_diag: tensors must have at most 2 dims, tensor 0 has shape \(2, 2, 2\)"),
     (lambda: tm.block_diag(tm.ones(2), np.ones(2)), TypeError,
      r"^block_diag: tensors\[1\] must be a Tensor, got ndarray"),
     (lambda: tm.cartesian_prod(tm.ones(2, 2)), ValueError,
      r"^cartesian_prod: tensors must be 1-D, tensor 0 has shape \(2, 2\)"),
     (lambda: tm.cartesian_prod(), ValueError, r"^cartesian_prod: needs at least one tensor")],
)
def test_bad_arguments_are_refused_naming_the_function_the_argument_and_the_shapes(
    call: Callable[[], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()


# -- inverse, determinants and matrix powers (rules of their own) ---------------------------


@st.composite
def invertible(draw: Any, max_side: int = 3) -> np.ndarray:
    """A batch (or single) well-conditioned square matrix: a drawn one plus ±n·I.

    Entries within ±1/2 make every row strictly diagonally dominant (its
    diagonal at least n - 1/2, the rest at most (n - 1)/2), so no draw is singular.
    """
    n = draw(st.integers(1, max_side))
    batch = draw(st.sampled_from([(), (2,), (1, 2)]))
    a = draw(arrays((*batch, n, n), -0.5, 0.5))
    return a + n * np.eye(n) * np.where(draw(st.booleans()), 1.0, -1.0)


DETERMINANTS: dict[str, Callable[[tm.Tensor], tm.Tensor]] = {
    "inverse": lambda a: a.inverse(),
    "det": lambda a: a.det(),
    "logabsdet": lambda a: a.slogdet().logabsdet,
    "logdet_of_aat": lambda a: (a @ a.mT).logdet(),
    "matrix_power_3": lambda a: a.matrix_power(3),
    "matrix_power_-2": lambda a: a.matrix_power(-2),
}


@pytest.mark.parametrize("name", sorted(DETERMINANTS))
@given(a=invertible())
def test_inverse_and_determinants_pass_first_and_second_gradchecks(name: str,
                                                                   a: np.ndarray) -> None:
    assert passes_gradchecks(DETERMINANTS[name], [a])


def test_inverse_det_slogdet_and_powers_agree_with_numpy_over_a_batch() -> None:
    a = seeded((2, 3, 4, 4)) + 4 * np.eye(4)
    a[0, 0, 0] *= -1  # one row negated: a negative determinant (negating all 4 would not be)
    a[1, 2, :, 3] *= -1  # and one column
    t = tm.tensor(a)
    np.testing.assert_allclose(t.inverse().data, np.linalg.inv(a), rtol=1e-13)
    np.testing.assert_allclose(tm.det(t).data, np.linalg.det(a), rtol=1e-13)
    sign, logabsdet = tm.slogdet(t)
    np.testing.assert_array_equal(sign.data, np.linalg.slogdet(a)[0])
    assert sign.data[0, 0] == sign.data[1, 2] == -1 and set(sign.data.flat) == {-1.0, 1.0}
    np.testing.assert_allclose(logabsdet.data, np.linalg.slogdet(a)[1], rtol=1e-13)
    with np.errstate(invalid="ignore"):
        expected_logdet = np.log(np.linalg.det(a))
    np.testing.assert_allclose(tm.logdet(t).data, expected_logdet, rtol=1e-13)
    for n in (-3, -1, 0, 1, 2, 5):
        np.testing.assert_allclose(tm.matrix_power(t, n).data, np.linalg.matrix_power(a, n),
                                   rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["inverse", "det", "logdet", "slogdet", "matrix_power"])
def test_inverse_and_determinant_derivatives_match_pytorch(name: str) -> None:
    torch = pytest.importorskip("torch")
    a = seeded((2, 3, 3), 3) + 3 * np.eye(3)
    weights = seeded((2, 3, 3), 4)
    ours: dict[str, Callable[[Any], Any]] = {
        "inverse": lambda m: (m.inverse() * m.new_tensor(weights)).sum(),
        "det": lambda m: m.det().sum(),
        "logdet": lambda m: m.logdet().sum(),
        "slogdet": lambda m: m.slogdet()[1].sum(),
        "matrix_power": lambda m: (m.matrix_power(-2) * m.new_tensor(weights)).sum(),
    }
    x, t = tm.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    (d1,) = tm.grad(ours[name](x), x, create_graph=True)
    (t1,) = torch.autograd.grad(ours[name](t), t, create_graph=True)
    np.testing.assert_allclose(d1.data, t1.detach().numpy(), rtol=1e-12, atol=1e-14)
    (d2,) = tm.grad((d1 * d1).sum(), x)
    (t2,) = torch.autograd.grad((t1 * t1).sum(), t)
    np.testing.assert_allclose(d2.data, t2.numpy(), rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(ours[name](x).data, ours[name](t).detach().numpy(), rtol=1e-13)


def test_a_singular_matrix_has_no_inverse_and_the_error_names_the_batch_element() -> None:
    a = np.stack([np.eye(2), [[1.0, 2.0], [2.0, 4.0]]])
    with pytest.raises(np.linalg.LinAlgError,
                       match=r"^inverse: batch element 1 of A \(shape \(2, 2, 2\)\) is singular"):
        tm.inverse(tm.tensor(a))
    with pytest.raises(ValueError, match=r"^inverse: the matrix of A \(shape \(2, 2\)\)"):
        tm.tensor(a[1]).inverse()


def test_singular_determinants_follow_pytorch() -> None:
    s = tm.tensor([[1.0, 2.0], [2.0, 4.0]], requires_grad=True)
    sign, logabsdet = s.slogdet()
    assert sign.item() == 0 and logabsdet.item() == -math.inf
    assert tm.logdet(s).item() == -math.inf
    # The cofactors, exact at a singular matrix. Not PyTorch's here: it solves for
    # det(A) A⁻ᵀ through its LU, so where its det is exactly 0 (an exact zero pivot, as
    # for this matrix) its gradient is 0, and where rounding leaves a tiny nonzero det (as
    # for most singular 3 × 3 matrices) it is close to the cofactors.
    s.det().backward()
    np.testing.assert_allclose(s.grad.data, [[4.0, -2.0], [-2.0, 1.0]], atol=1e-15)
    negative = tm.tensor([[0.0, 1.0], [1.0, 0.0]], requires_grad=True)
    y = negative.logdet()
    assert math.isnan(y.item())
    y.backward()  # nan from a constant: gradient 0, as PyTorch
    np.testing.assert_array_equal(negative.grad.data, np.zeros((2, 2)))


def test_logdet_gradient_is_the_inverse_transposed_also_where_det_underflows() -> None:
    # det(0.1 · I) of size 400 is 1e-400, 0 in float64; the matrix is as invertible as any
    for log in (lambda m: m.logdet(), lambda m: m.slogdet().logabsdet):
        a = tm.tensor(0.1 * np.eye(400), requires_grad=True)
        log(a).backward()
        assert a.grad is not None
        np.testing.assert_allclose(a.grad.data, 10 * np.eye(400), rtol=1e-15)
    data = seeded((200, 30)).astype(np.float32) * 0.05  # a covariance whose det is 0 in float32
    covariance = np.cov(data, rowvar=False).astype(np.float32)
    assert np.linalg.det(covariance) == 0
    a = tm.tensor(covariance, requires_grad=True)
    a.logdet().backward()
    assert a.grad is not None
    np.testing.assert_allclose(a.grad.data, np.linalg.inv(covariance.astype(np.float64)).T,
                               rtol=1e-3, atol=1e-3)
    batch = tm.tensor(np.stack([0.1 * np.eye(3), [[1.0, 2, 0], [2, 4, 0], [0, 0, 1]]]),
                      requires_grad=True)  # one singular matrix leaves the other alone
    batch.slogdet().logabsdet.sum().backward()
    assert batch.grad is not None
    np.testing.assert_allclose(batch.grad.data[0], 10 * np.eye(3), rtol=1e-15)
    assert not np.isfinite(batch.grad.data[1]).all()


def test_det_gradient_is_the_cofactors_matrix_by_matrix_where_det_underflows() -> None:
    tiny = np.diag([1e-200, 1e-200, 1e-5])  # det 1e-405 is 0 in float64; two cofactors are not
    singular = [[1.0, 2.0, 0.0], [2.0, 4.0, 0.0], [0.0, 0.0, 1.0]]
    holding_nan = np.diag([1.0, np.nan, 1.0])
    a = tm.tensor(np.stack([0.1 * np.eye(3), tiny, singular, holding_nan]), requires_grad=True)
    a.det().sum().backward()
    assert a.grad is not None
    np.testing.assert_allclose(a.grad.data[0], 0.01 * np.eye(3), rtol=1e-15)
    np.testing.assert_array_equal(a.grad.data[1], np.diag([1e-205, 1e-205, 0.0]))
    np.testing.assert_allclose(a.grad.data[2], [[4, -2, 0], [-2, 1, 0], [0, 0, 0]], atol=1e-14)
    assert np.isnan(a.grad.data[3]).all()
    big = tm.tensor(0.1 * np.eye(400), requires_grad=True)
    big.det().backward()  # the cofactors, 1e-399, are 0 in float64 too: 0, not NaN
    assert big.grad is not None
    np.testing.assert_array_equal(big.grad.data, np.zeros((400, 400)))


def test_a_matrix_holding_nan_has_pytorchs_all_nan_inverse_and_slogdet() -> None:
    a = np.stack([np.eye(3), np.eye(3)])
    a[1, 0, 0] = np.nan  # numpy's LU pivots around it: a partly finite inverse, sign 1
    t = tm.tensor(a)
    inverse = t.inverse()
    np.testing.assert_array_equal(inverse.data[0], np.eye(3))
    assert np.isnan(inverse.data[1]).all()
    sign, logabsdet = t.slogdet()
    np.testing.assert_array_equal(sign.data, [1.0, 0.0])
    np.testing.assert_array_equal(logabsdet.data, [0.0, np.nan])
    np.testing.assert_array_equal(t.det().data, [1.0, np.nan])
    np.testing.assert_array_equal(t.logdet().data, [0.0, np.nan])
    torch = torch_or_none()
    if torch is not None:
        theirs = torch.tensor(a)
        np.testing.assert_array_equal(inverse.data, torch.inverse(theirs).numpy())
        np.testing.assert_array_equal(sign.data, torch.slogdet(theirs).sign.numpy())
        np.testing.assert_array_equal(t.det().data, torch.det(theirs).numpy())


def test_matrix_power_0_is_the_identity_with_a_zero_gradient() -> None:
    a = tm.tensor(seeded((2, 3, 3)), requires_grad=True)
    y = a.matrix_power(0)
    np.testing.assert_array_equal(y.data, np.broadcast_to(np.eye(3), (2, 3, 3)))
    y.sum().backward()
    np.testing.assert_array_equal(a.grad.data, np.zeros((2, 3, 3)))


def test_float32_stays_float32_through_inverse_and_det() -> None:
    a = tm.tensor(seeded((3, 3)) + 3 * np.eye(3), dtype=tm.float32, requires_grad=True)
    for y in (a.inverse(), a.det(), a.logdet(), a.slogdet().logabsdet):
        assert y.dtype == np.float32
        (g,) = tm.grad(y.sum(), a)
        assert g.dtype == np.float32


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [(lambda: tm.inverse(tm.ones(2, 3)), ValueError,
      r"^inverse: A must be a square matrix or a batch of them, shaped \(\.\.\., n, n\), got "
      r"shape \(2, 3\)"),
     (lambda: tm.det(tm.ones(3)), ValueError, r"^det: A must be a square matrix .* \(3,\)"),
     (lambda: tm.logdet(tm.tensor([[1, 2], [3, 4]])), TypeError,
      r"^logdet: A must be floating point, got dtype int64"),
     (lambda: tm.slogdet(tm.ones(2, 1)), ValueError, r"^slogdet: A must be a square matrix"),
     (lambda: tm.tensor([[1, 2], [3, 4]]).inverse(), TypeError,
      r"^inverse: A must be floating point, got dtype int64"),
     (lambda: tm.matrix_power(tm.ones(2, 2), 1.5), TypeError,
      r"^matrix_power: n must be an int, got 1.5"),
     (lambda: tm.matrix_power(tm.ones(2, 3), 2), ValueError,
      r"^matrix_power: A must be a square matrix .* got shape \(2, 3\)"),
     (lambda: tm.det(np.eye(2)), TypeError, r"^det: ")])
def test_bad_inverse_and_determinant_arguments_are_refused(call: Callable[[], Any], error: type,
                                                           message: str) -> None:
    with pytest.raises(error, match=message):
        call()
