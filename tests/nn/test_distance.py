"""cosine_similarity, pairwise_distance, pdist and their modules: formulas, gradients, PyTorch."""

from __future__ import annotations

import math
from types import ModuleType

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tests.strategies import broadcast_pairs
from tinygrad_mlp import nn
from tinygrad_mlp.nn import functional as F


def _seeded(data: st.DataObject, shape: tuple[int, ...]) -> np.ndarray:
    """Normal values from a drawn seed: no two equal, none near 0 but by chance."""
    return np.random.default_rng(data.draw(st.integers(0, 2**32 - 1))).normal(0.0, 1.0, shape)


@given(pair=broadcast_pairs(), data=st.data())
def test_cosine_similarity_is_the_dot_product_of_unit_vectors(
    pair: tuple[tuple[int, ...], tuple[int, ...]], data: st.DataObject
) -> None:
    a, b = np.broadcast_arrays(_seeded(data, pair[0]), _seeded(data, pair[1]))
    dim = data.draw(st.integers(-max(a.ndim, 1), max(a.ndim, 1) - 1))
    axis = dim if a.ndim else None
    expected = (a * b).sum(axis) / np.maximum(np.sqrt((a * a).sum(axis)), 1e-8) / np.maximum(
        np.sqrt((b * b).sum(axis)), 1e-8)
    ours = F.cosine_similarity(tm.tensor(a), tm.tensor(b), dim)
    np.testing.assert_allclose(ours.data, expected, rtol=1e-12, atol=1e-14)
    assert nn.CosineSimilarity(dim)(tm.tensor(a), tm.tensor(b)).shape == expected.shape


def test_cosine_similarity_clamps_each_norm_at_eps_as_pytorch_2_13() -> None:
    # each norm is clamped on its own, not their product (PyTorch < 1.12 clamped ‖x1‖ ‖x2‖)
    x1, x2 = tm.tensor([[1e-5, 0.0]], requires_grad=True), tm.tensor([[2e-5, 0.0]])
    similarity = F.cosine_similarity(x1, x2, eps=1e-3)
    assert similarity.item() == pytest.approx((1e-5 / 1e-3) * (2e-5 / 1e-3), rel=1e-12)
    similarity.backward()
    # the clamp is invisible to the gradient: d/dx (x / n) with n = eps but n' = x / ‖x‖
    assert x1.grad is not None
    np.testing.assert_allclose(x1.grad.data, [[0.02 * (1e3 - 1e-5 / 1e-6), 0.0]], rtol=1e-12)


def test_pairwise_distance_adds_eps_to_each_difference_and_pdist_takes_row_pairs() -> None:
    same = F.pairwise_distance(tm.zeros(2, 3), tm.zeros(2, 3))
    np.testing.assert_allclose(same.data, [1e-6 * math.sqrt(3)] * 2, rtol=1e-12)
    assert F.pairwise_distance(tm.zeros(3), tm.ones(2, 3), keepdim=True).shape == (2, 1)
    points = tm.tensor([[0.0, 0.0], [3.0, 4.0], [1.0, 1.0]], requires_grad=True)
    np.testing.assert_allclose(F.pdist(points).data, [5.0, math.sqrt(2), math.sqrt(13)])
    np.testing.assert_allclose(F.pdist(points, 1.0).data, [7.0, 2.0, 5.0])
    np.testing.assert_allclose(F.pdist(points, math.inf).data, [4.0, 1.0, 3.0])
    np.testing.assert_allclose(F.pdist(points, 0.0).data, [2.0, 2.0, 2.0])
    twins = tm.tensor([[1.0, 1.0], [1.0, 1.0], [2.0, 1.0]], requires_grad=True)
    F.pdist(twins).sum().backward()  # the twins' zero distance sends no (nan) gradient
    assert twins.grad is not None and twins.grad.data.tolist() == [[-1, 0], [-1, 0], [2, 0]]


def _distances(data: st.DataObject) -> tuple[str, list[np.ndarray], dict[str, object]]:
    name = data.draw(st.sampled_from(["cosine_similarity", "pairwise_distance", "pdist"]))
    if name == "pdist":
        shape = (data.draw(st.integers(1, 4)), data.draw(st.integers(1, 3)))
        return name, [_seeded(data, shape)], {"p": data.draw(st.sampled_from([1.0, 2.0, 3.0]))}
    shape = data.draw(st.sampled_from([(3,), (2, 3), (4, 2), (2, 1, 3)]))
    both = _seeded(data, (2, *shape))  # one draw: x1 and x2 differ (a distance of eps is steep)
    x1, x2 = both[0], both[1].reshape(-1, shape[-1])[0]
    if name == "cosine_similarity":
        return name, [x1, x2], {"dim": -1}
    return name, [x1, x2], {"p": data.draw(st.sampled_from([1.0, 2.0, 3.0])),
                            "keepdim": data.draw(st.booleans())}


@given(data=st.data())
def test_distances_pass_gradcheck_and_gradgradcheck(data: st.DataObject) -> None:
    name, values, kwargs = _distances(data)
    leaves = [tm.tensor(v, requires_grad=True) for v in values]
    function = getattr(F, name)
    assert tm.gradcheck(lambda *x: function(*x, **kwargs), leaves)
    if kwargs.get("p", 2.0) != 1.0:  # the 1-norm is piecewise linear
        assert tm.gradgradcheck(lambda *x: function(*x, **kwargs), leaves)


@given(data=st.data())
def test_distances_and_their_gradients_equal_pytorchs(torch: ModuleType,
                                                     data: st.DataObject) -> None:
    name, values, kwargs = _distances(data)
    ours_in = [tm.tensor(v, requires_grad=True) for v in values]
    theirs_in = [torch.tensor(v, requires_grad=True) for v in values]
    ours = getattr(F, name)(*ours_in, **kwargs)
    theirs = getattr(torch.nn.functional, name)(*theirs_in, **kwargs)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    seed = np.random.default_rng(0).standard_normal(ours.shape)
    ours.backward(seed)
    theirs.backward(torch.tensor(seed))
    for mine, other in zip(ours_in, theirs_in):
        assert mine.grad is not None
        np.testing.assert_allclose(mine.grad.data, other.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("eps", [1e-8, 1e-3, 10.0])
def test_cosine_similarity_of_small_vectors_equals_pytorchs(torch: ModuleType, eps: float) -> None:
    values = [np.array([[1e-5, 0.0], [3.0, 4.0]]), np.array([[2e-5, 1e-6], [1.0, 1.0]])]
    ours_in = [tm.tensor(v, requires_grad=True) for v in values]
    theirs_in = [torch.tensor(v, requires_grad=True) for v in values]
    ours, theirs = F.cosine_similarity(*ours_in, eps=eps), torch.nn.functional.cosine_similarity(
        *theirs_in, eps=eps)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12)
    ours.sum().backward()
    theirs.sum().backward()
    for mine, other in zip(ours_in, theirs_in):
        assert mine.grad is not None
        np.testing.assert_allclose(mine.grad.data, other.grad.numpy(), rtol=1e-10, atol=1e-9)


def test_distance_modules_equal_their_functions() -> None:
    x1, x2 = tm.tensor(np.arange(6.0).reshape(2, 3)), tm.tensor([1.0, -1.0, 0.5])
    np.testing.assert_array_equal(nn.PairwiseDistance(1.0, 1e-3, True)(x1, x2).data,
                                  F.pairwise_distance(x1, x2, 1.0, 1e-3, True).data)
    np.testing.assert_array_equal(nn.CosineSimilarity(1, 0.5)(x1, x2).data,
                                  F.cosine_similarity(x1, x2, 1, 0.5).data)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: F.pdist(tm.ones(3)), ValueError, r"^pdist: input must be 2-D.*got shape \(3,\)"),
    (lambda: F.pdist(tm.ones(3, 2), p=-1.0), ValueError, r"^pdist: p must be >= 0.*-1\.0"),
    (lambda: F.pairwise_distance(tm.ones(2, 3), tm.ones(2)), ValueError,
     r"^pairwise_distance: x1 of shape \(2, 3\) and x2 of shape \(2,\) do not broadcast"),
    (lambda: F.cosine_similarity(tm.ones(2, 3), tm.ones(3), dim=2), IndexError,
     r"^cosine_similarity: dim 2 is out of range"),
    (lambda: F.cosine_similarity(np.ones(3), tm.ones(3), dim=0), TypeError,
     r"^cosine_similarity: x1 must be a Tensor, got ndarray"),
])
def test_distances_refuse_bad_arguments_naming_themselves(
    call: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()  # type: ignore[operator]


