"""nn.utils: gradient clipping changes .grad in place, by PyTorch's formulas."""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tests.strategies import arrays, floats_between, shapes
from tinygrad_mlp import nn
from tinygrad_mlp.nn import utils


def with_grad(grad: Any, dtype: Any = np.float64) -> tm.Tensor:
    """A zero parameter of ``grad``'s shape whose .grad is ``grad``."""
    values = np.array(grad, dtype=dtype)
    p = tm.tensor(np.zeros_like(values), requires_grad=True)
    p.grad = tm.tensor(values)
    return p


def grad_of(p: tm.Tensor) -> np.ndarray:
    assert p.grad is not None
    return p.grad.data


# -- clip_grad_norm_: closed forms -----------------------------------------------------------


def test_grads_over_max_norm_are_scaled_by_max_norm_over_the_norm_plus_1e_6() -> None:
    w = with_grad([3.0, 4.0])
    total = utils.clip_grad_norm_([w], max_norm=1.0)
    assert total.shape == () and total.item() == 5.0
    np.testing.assert_allclose(grad_of(w), [3.0 / (5.0 + 1e-6), 4.0 / (5.0 + 1e-6)], rtol=1e-15)
    assert grad_of(w)[0] < 0.6  # the 1e-6 is there: without it the result would be 0.6 exactly


def test_the_total_norm_is_the_norm_of_every_gradient_laid_end_to_end() -> None:
    a, b = with_grad([1.0, -2.0]), with_grad([[2.0], [4.0]])  # ‖(1, -2, 2, 4)‖₂ = 5
    total = utils.clip_grad_norm_([a, b], max_norm=2.0)
    assert total.item() == pytest.approx(5.0, rel=1e-15)
    coef = 2.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(grad_of(a), [coef, -2 * coef], rtol=1e-15)
    np.testing.assert_allclose(grad_of(b), [[2 * coef], [4 * coef]], rtol=1e-15)


def test_norm_type_1_sums_the_magnitudes() -> None:
    a, b = with_grad([1.0, -2.0]), with_grad([3.0])
    assert utils.clip_grad_norm_([a, b], max_norm=3.0, norm_type=1).item() == 6.0
    coef = 3.0 / (6.0 + 1e-6)
    np.testing.assert_allclose(grad_of(a), [coef, -2 * coef], rtol=1e-15)
    np.testing.assert_allclose(grad_of(b), [3 * coef], rtol=1e-15)


@pytest.mark.parametrize("norm_type", [math.inf, "inf"])
def test_the_inf_norm_is_the_largest_magnitude(norm_type: float | str) -> None:
    a, b = with_grad([1.0, -7.0]), with_grad([3.0])
    assert utils.clip_grad_norm_([a, b], max_norm=1.0, norm_type=norm_type).item() == 7.0
    coef = 1.0 / (7.0 + 1e-6)
    np.testing.assert_allclose(grad_of(a), [coef, -7 * coef], rtol=1e-15)
    np.testing.assert_allclose(grad_of(b), [3 * coef], rtol=1e-15)


@pytest.mark.parametrize(("grads", "norm_type", "total"), [
    ([[0.0, -1.0, 3.0], [0.0]], 0, 1.0),     # norms 2 and 0 (nonzero entries): one nonzero
    ([[1.0, -2.0], [4.0]], -math.inf, 1.0),  # the smallest magnitude
    ([[1.0, -2.0], [4.0]], -1, 4 / 7),       # norms (1 + 1/2)⁻¹ = 2/3 and 4: (3/2 + 1/4)⁻¹
    ([[1.0, 4.0], [9.0]], 0.5, 36.0),        # norms (1 + 2)² = 9 and 9: (3 + 3)²
])
def test_other_norm_types_follow_torchs_vector_norm(
    grads: list[list[float]], norm_type: float, total: float
) -> None:
    params = [with_grad(grad) for grad in grads]
    assert utils.clip_grad_norm_(params, max_norm=100.0, norm_type=norm_type).item() == (
        pytest.approx(total, rel=1e-14))


def test_grads_under_max_norm_are_left_as_they_are() -> None:
    w = with_grad([3.0, 4.0])
    grad = w.grad
    assert utils.clip_grad_norm_(w, max_norm=10.0).item() == 5.0
    assert w.grad is grad and grad._version == 0  # nothing changed, so no change is counted
    np.testing.assert_array_equal(grad_of(w), [3.0, 4.0])


def test_grads_whose_norm_equals_max_norm_are_scaled_by_the_1e_6() -> None:
    w = with_grad([3.0, 4.0])
    utils.clip_grad_norm_(w, max_norm=5.0)
    np.testing.assert_allclose(grad_of(w), np.array([3.0, 4.0]) * 5.0 / (5.0 + 1e-6), rtol=1e-15)
    assert grad_of(w)[0] < 3.0


def test_parameters_without_a_grad_are_skipped() -> None:
    w, frozen = with_grad([3.0, 4.0]), tm.tensor([100.0], requires_grad=True)
    assert utils.clip_grad_norm_([frozen, w], max_norm=1.0).item() == 5.0
    assert frozen.grad is None
    np.testing.assert_allclose(grad_of(w), np.array([3.0, 4.0]) / (5.0 + 1e-6), rtol=1e-15)


@pytest.mark.parametrize("parameters", [[], [tm.tensor([1.0], requires_grad=True)]],
                         ids=["empty", "no grads"])
def test_no_gradients_give_a_total_norm_of_zero(parameters: list[tm.Tensor]) -> None:
    total = utils.clip_grad_norm_(parameters, max_norm=1.0)
    assert isinstance(total, tm.Tensor) and total.shape == () and total.item() == 0.0
    assert total.dtype == tm.get_default_dtype() and not total.requires_grad


def test_the_total_norm_is_a_0d_tensor_in_the_grads_dtype_without_grad() -> None:
    w = with_grad([3.0, 4.0], dtype=np.float32)
    total = utils.clip_grad_norm_(w, max_norm=1.0)
    assert total.shape == () and total.dtype == np.float32 and not total.requires_grad
    assert grad_of(w).dtype == np.float32
    np.testing.assert_allclose(grad_of(w), [0.6, 0.8], rtol=1e-6)


def test_a_0d_gradient_is_clipped_and_stays_an_array() -> None:
    w = with_grad(5.0)
    assert utils.clip_grad_norm_(w, max_norm=1.0).item() == 5.0
    assert isinstance(grad_of(w), np.ndarray) and grad_of(w).shape == ()
    assert grad_of(w) == pytest.approx(5.0 / (5.0 + 1e-6), rel=1e-15)


def test_a_generator_of_parameters_is_read_once() -> None:
    a, b = with_grad([3.0]), with_grad([4.0])
    total = utils.clip_grad_norm_((p for p in [a, b]), max_norm=1.0)
    assert total.item() == 5.0
    np.testing.assert_allclose([grad_of(a)[0], grad_of(b)[0]], [3 / (5 + 1e-6), 4 / (5 + 1e-6)])


def test_an_empty_generator_warns_that_nothing_is_clipped() -> None:
    with pytest.warns(UserWarning, match="clip_grad_norm_: `parameters` is an empty iterator"):
        assert utils.clip_grad_norm_((p for p in []), max_norm=1.0).item() == 0.0


def test_a_models_parameters_end_up_with_at_most_max_norm() -> None:
    tm.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    (model(tm.randn(5, 3)) * 100).sum().backward()
    total = utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
    assert total.item() > 0.5
    after = math.sqrt(sum(float((grad_of(p) ** 2).sum()) for p in model.parameters()))
    assert after == pytest.approx(0.5 * total.item() / (total.item() + 1e-6), rel=1e-12)


def test_a_gradient_listed_twice_is_counted_and_scaled_once() -> None:
    w = with_grad([3.0, 4.0])  # PyTorch would count it twice and scale it twice
    assert utils.clip_grad_norm_([w, w], max_norm=1.0).item() == 5.0
    np.testing.assert_allclose(grad_of(w), np.array([3.0, 4.0]) / (5.0 + 1e-6), rtol=1e-15)


# -- non-finite norms ---------------------------------------------------------------------


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_error_if_nonfinite_raises_naming_the_norm_and_leaves_the_grads(bad: float) -> None:
    w = with_grad([bad, 1.0])
    with pytest.raises(RuntimeError, match=rf"clip_grad_norm_: the total norm of order 2.0 of "
                                           rf"the gradients is {bad}, which is not finite"):
        utils.clip_grad_norm_(w, max_norm=1.0, error_if_nonfinite=True)
    np.testing.assert_array_equal(grad_of(w), [bad, 1.0])


def test_a_nan_norm_makes_every_gradient_nan_as_in_pytorch() -> None:
    a, b = with_grad([math.nan, 0.0]), with_grad([1.0])
    assert math.isnan(utils.clip_grad_norm_([a, b], max_norm=1.0).item())
    assert np.isnan(grad_of(a)).all() and np.isnan(grad_of(b)).all()


def test_an_infinite_norm_scales_by_zero_as_in_pytorch() -> None:
    a, b = with_grad([math.inf, 2.0]), with_grad([1.0])
    assert utils.clip_grad_norm_([a, b], max_norm=1.0).item() == math.inf
    np.testing.assert_array_equal(grad_of(a), [math.nan, 0.0])  # inf · 0 is nan
    np.testing.assert_array_equal(grad_of(b), [0.0])


def test_the_max_norm_of_a_gradient_with_no_elements_is_refused() -> None:
    w = with_grad(np.zeros((0, 2)))
    with pytest.raises(RuntimeError, match=r"clip_grad_norm_: the norm of order inf .*\(0, 2\)"):
        utils.clip_grad_norm_(w, max_norm=1.0, norm_type="inf")
    assert utils.clip_grad_norm_(w, max_norm=1.0).item() == 0.0  # the 2-norm is defined


# -- in place, safely -------------------------------------------------------------------------


def test_clipping_keeps_the_grad_tensor_and_counts_an_in_place_change() -> None:
    w = tm.tensor([3.0, 4.0], requires_grad=True)
    (w * w).sum().backward(create_graph=True)  # w.grad = 2w, part of a graph
    grad = w.grad
    assert grad is not None
    penalty = (grad * grad).sum()  # saves the gradient for its own backward
    utils.clip_grad_norm_(w, max_norm=1.0)
    assert w.grad is grad and grad._version == 1
    with pytest.raises(RuntimeError, match="modified in place"):
        penalty.backward()


@pytest.mark.parametrize("clip", [lambda p: utils.clip_grad_norm_(p, 1.0),
                                  lambda p: utils.clip_grad_value_(p, 0.5)],
                         ids=["norm", "value"])
def test_a_read_only_broadcast_gradient_is_clipped_without_writing_into_it(clip: Any) -> None:
    w = tm.tensor(np.zeros(4), requires_grad=True)
    w.sum().backward(create_graph=True)  # w.grad: the number 1 broadcast, read-only
    old = grad_of(w)
    assert not old.flags.writeable
    clip(w)
    np.testing.assert_allclose(grad_of(w), np.full(4, 0.5), rtol=1e-6)
    np.testing.assert_array_equal(old, np.ones(4))


# -- clip_grad_value_ --------------------------------------------------------------------------


def test_clip_grad_value_clamps_each_entry_in_place_and_returns_none() -> None:
    a, b = with_grad([-3.0, 0.25, 2.0]), with_grad(-0.5)
    frozen = tm.tensor([9.0], requires_grad=True)
    grad = a.grad
    assert grad is not None
    assert utils.clip_grad_value_((p for p in [a, frozen, b]), clip_value=1) is None
    np.testing.assert_array_equal(grad_of(a), [-1.0, 0.25, 1.0])
    assert a.grad is grad and grad._version == 1
    assert isinstance(grad_of(b), np.ndarray) and grad_of(b).shape == () and grad_of(b) == -0.5
    assert frozen.grad is None


@pytest.mark.parametrize("parameters", [[], [tm.tensor([1.0], requires_grad=True)]],
                         ids=["empty", "no grads"])
def test_clip_grad_value_without_gradients_does_nothing(parameters: list[tm.Tensor]) -> None:
    assert utils.clip_grad_value_(parameters, clip_value=1.0) is None  # PyTorch raises here


def test_clip_grad_value_keeps_float32_and_nan() -> None:
    w = with_grad([-5.0, math.nan, 0.1], dtype=np.float32)
    utils.clip_grad_value_(w, clip_value=0.5)
    assert grad_of(w).dtype == np.float32
    np.testing.assert_array_equal(grad_of(w), np.array([-0.5, math.nan, 0.1], dtype=np.float32))


def test_a_negative_clip_value_sets_every_entry_to_it_as_in_pytorch() -> None:
    w = with_grad([-3.0, 0.0, 2.0])
    utils.clip_grad_value_(w, clip_value=-1.0)
    np.testing.assert_array_equal(grad_of(w), [-1.0, -1.0, -1.0])


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda w: utils.clip_grad_norm_(w, "1"), TypeError,
     "clip_grad_norm_: max_norm must be a real number, got '1'"),
    (lambda w: utils.clip_grad_norm_(w, None), TypeError, "clip_grad_norm_: max_norm"),
    (lambda w: utils.clip_grad_norm_(5, 1.0), TypeError,
     "clip_grad_norm_: parameters must be a Tensor or a sequence of Tensors, got int"),
    (lambda w: utils.clip_grad_norm_([w, 3], 1.0), TypeError,
     r"clip_grad_norm_: parameters\[1\] must be a Tensor, got int"),
    (lambda w: utils.clip_grad_norm_(w, 1.0, norm_type="two"), TypeError,
     "clip_grad_norm_: norm_type must be a number or 'inf', got 'two'"),
    (lambda w: utils.clip_grad_norm_(w, 1.0, norm_type=math.nan), ValueError,
     "clip_grad_norm_: norm_type must be a number or 'inf', got nan"),
    (lambda w: utils.clip_grad_norm_(w, 1.0, error_if_nonfinite=1), TypeError,
     "clip_grad_norm_: error_if_nonfinite must be True or False, got 1"),
    (lambda w: utils.clip_grad_norm_(w, 1.0, foreach="yes"), TypeError,
     "clip_grad_norm_: foreach must be True or False"),
    (lambda w: utils.clip_grad_value_(w, "1"), TypeError,
     "clip_grad_value_: clip_value must be a real number, got '1'"),
    (lambda w: utils.clip_grad_value_(np.ones(2), 1.0), TypeError,
     "clip_grad_value_: parameters must be a Tensor or a sequence of Tensors, got ndarray"),
    (lambda w: utils.clip_grad_value_([w, "w"], 1.0), TypeError,
     r"clip_grad_value_: parameters\[1\] must be a Tensor, got str"),
])
def test_bad_arguments_are_refused_naming_the_function_and_argument(
    call: Any, error: type[Exception], message: str
) -> None:
    w = with_grad([3.0, 4.0])
    with pytest.raises(error, match=message):
        call(w)
    np.testing.assert_array_equal(grad_of(w), [3.0, 4.0])  # nothing changed


@pytest.mark.parametrize("foreach", [None, True, False])
def test_foreach_is_accepted_and_changes_nothing(foreach: bool | None) -> None:
    a, b = with_grad([3.0, 4.0]), with_grad([-3.0, 0.5])
    assert utils.clip_grad_norm_(a, 1.0, foreach=foreach).item() == 5.0
    utils.clip_grad_value_(b, 1.0, foreach=foreach)
    np.testing.assert_allclose(grad_of(a), np.array([3.0, 4.0]) / (5.0 + 1e-6), rtol=1e-15)
    np.testing.assert_array_equal(grad_of(b), [-1.0, 0.5])


# -- against PyTorch ---------------------------------------------------------------------------

NORM_TYPES = [2.0, 1.0, 3.0, 0.5, math.inf, "inf", 0.0, -1.0, -math.inf]


@st.composite
def gradients(draw: st.DrawFn) -> list[np.ndarray | None]:
    """One to four gradients of random shapes (0-d included), some None."""
    count = draw(st.integers(1, 4))
    return [draw(st.none() | arrays(draw(shapes()), -3.0, 3.0)) for _ in range(count)]


def both(grads: list[np.ndarray | None], torch: ModuleType) -> tuple[list[Any], list[Any]]:
    """Our parameters and PyTorch's, with the same gradients."""
    ours, theirs = [], []
    for grad in grads:
        shape = () if grad is None else grad.shape
        p, q = tm.tensor(np.zeros(shape), requires_grad=True), torch.zeros(
            shape, dtype=torch.float64, requires_grad=True)
        if grad is not None:
            p.grad, q.grad = tm.tensor(grad.copy()), torch.tensor(grad.copy())
        ours.append(p)
        theirs.append(q)
    return ours, theirs


def assert_same_grads(ours: list[tm.Tensor], theirs: list[Any]) -> None:
    for p, q in zip(ours, theirs):
        if q.grad is None:
            assert p.grad is None
        else:
            np.testing.assert_allclose(grad_of(p), q.grad.numpy(), rtol=1e-12, atol=1e-300)


@given(grads=gradients(), max_norm=floats_between(0.0, 6.0), norm_type=st.sampled_from(NORM_TYPES))
def test_clip_grad_norm_equals_pytorchs(
    torch: ModuleType, grads: list[np.ndarray | None], max_norm: float, norm_type: float | str
) -> None:
    ours, theirs = both(grads, torch)
    total = utils.clip_grad_norm_(ours, max_norm, norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    assert total.item() == pytest.approx(expected.item(), rel=1e-12, abs=1e-300)
    assert_same_grads(ours, theirs)


@given(grads=gradients(), clip_value=floats_between(-1.0, 4.0))
def test_clip_grad_value_equals_pytorchs(
    torch: ModuleType, grads: list[np.ndarray | None], clip_value: float
) -> None:
    assume(any(grad is not None for grad in grads))  # PyTorch crashes without any gradient
    ours, theirs = both(grads, torch)
    utils.clip_grad_value_(ours, clip_value)
    torch.nn.utils.clip_grad_value_(theirs, clip_value)
    assert_same_grads(ours, theirs)


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_non_finite_norms_scale_the_grads_as_pytorchs_do(torch: ModuleType, bad: float) -> None:
    ours, theirs = both([np.array([bad, 2.0]), np.array([1.0])], torch)
    total = utils.clip_grad_norm_(ours, 1.0)
    expected = torch.nn.utils.clip_grad_norm_(theirs, 1.0)
    np.testing.assert_array_equal(total.data, expected.numpy())
    for p, q in zip(ours, theirs):
        np.testing.assert_array_equal(grad_of(p), q.grad.numpy())


# -- get_total_norm and clip_grads_with_norm_: clip_grad_norm_ in two -------------------------


def test_get_total_norm_is_the_norm_of_all_entries_end_to_end() -> None:
    a, b = tm.tensor([3.0, 0.0]), tm.tensor([[4.0], [-12.0]])
    assert utils.get_total_norm([a, b]).item() == pytest.approx(13.0, rel=1e-15)
    assert utils.get_total_norm([a, b], norm_type=1).item() == 19.0
    assert utils.get_total_norm((t for t in [a, b]), norm_type="inf").item() == 12.0
    assert utils.get_total_norm(b).item() == pytest.approx(math.sqrt(160))


def test_get_total_norm_counts_a_tensor_listed_twice_twice_as_pytorch_does() -> None:
    t = tm.tensor([3.0, 4.0])
    assert utils.get_total_norm([t, t]).item() == pytest.approx(5.0 * math.sqrt(2))


def test_get_total_norm_keeps_the_dtype_and_records_no_graph() -> None:
    t = tm.tensor([3.0, 4.0], dtype=tm.float32, requires_grad=True)
    total = utils.get_total_norm([t])
    assert total.dtype == np.float32 and not total.requires_grad and total.item() == 5.0
    assert utils.get_total_norm([]).item() == 0.0


def test_get_total_norm_refuses_a_non_finite_total_only_when_asked() -> None:
    t = tm.tensor([math.inf, 1.0])
    assert utils.get_total_norm([t]).item() == math.inf
    with pytest.raises(RuntimeError, match=r"^get_total_norm: the total norm of order 2\.0"):
        utils.get_total_norm([t], error_if_nonfinite=True)


def test_clip_grads_with_norm_scales_by_max_norm_over_the_given_total() -> None:
    a, b, frozen = with_grad([3.0, 4.0]), with_grad([1.0]), tm.tensor([1.0], requires_grad=True)
    assert utils.clip_grads_with_norm_([a, frozen, b], 2.0, tm.tensor(10.0)) is None
    factor = 2.0 / (10.0 + 1e-6)
    np.testing.assert_allclose(grad_of(a), [3.0 * factor, 4.0 * factor], rtol=1e-15)
    np.testing.assert_allclose(grad_of(b), [factor], rtol=1e-15)
    assert frozen.grad is None
    utils.clip_grads_with_norm_(a, 100.0, 10.0)  # a total under max_norm: left as it is
    np.testing.assert_allclose(grad_of(a), [3.0 * factor, 4.0 * factor], rtol=1e-15)


@given(grads=gradients(), max_norm=floats_between(0.0, 6.0),
       norm_type=st.sampled_from([2.0, 1.0, 3.0, math.inf]))
def test_get_total_norm_then_clip_grads_with_norm_is_clip_grad_norm_(
    grads: list[np.ndarray | None], max_norm: float, norm_type: float
) -> None:
    present = [grad for grad in grads if grad is not None]
    assume(norm_type != math.inf or all(grad.size for grad in present))
    split = [with_grad(grad) for grad in present]
    whole = [with_grad(grad) for grad in present]
    total = utils.get_total_norm([p.grad for p in split if p.grad is not None], norm_type)
    utils.clip_grads_with_norm_(split, max_norm, total)
    assert total.item() == utils.clip_grad_norm_(whole, max_norm, norm_type).item()
    for p, q in zip(split, whole):
        np.testing.assert_array_equal(grad_of(p), grad_of(q))


@given(grads=gradients(), norm_type=st.sampled_from(NORM_TYPES))
def test_get_total_norm_equals_pytorchs(
    torch: ModuleType, grads: list[np.ndarray | None], norm_type: float | str
) -> None:
    present = [grad for grad in grads if grad is not None]
    assume(not (str(norm_type).endswith("inf") and any(grad.size == 0 for grad in present)))
    total = utils.get_total_norm([tm.tensor(grad) for grad in present], norm_type)
    expected = torch.nn.utils.get_total_norm([torch.tensor(grad) for grad in present],
                                             norm_type)
    assert total.item() == pytest.approx(expected.item(), rel=1e-12, abs=1e-300)


@given(grads=gradients(), max_norm=floats_between(0.0, 6.0), total=floats_between(0.0, 10.0))
def test_clip_grads_with_norm_equals_pytorchs(
    torch: ModuleType, grads: list[np.ndarray | None], max_norm: float, total: float
) -> None:
    ours, theirs = both(grads, torch)
    utils.clip_grads_with_norm_(ours, max_norm, tm.tensor(total))
    torch.nn.utils.clip_grads_with_norm_(theirs, max_norm, torch.tensor(total,
                                                                        dtype=torch.float64))
    assert_same_grads(ours, theirs)


# -- parameters_to_vector and vector_to_parameters -------------------------------------------


def test_parameters_to_vector_joins_the_flattened_parameters_and_passes_gradients_back() -> None:
    model = nn.Sequential(nn.Linear(3, 2), nn.Tanh(), nn.Linear(2, 1))
    params = list(model.parameters())
    vec = utils.parameters_to_vector(params)
    assert vec.shape == (sum(p.numel() for p in params),)
    np.testing.assert_array_equal(vec.data, np.concatenate([p.data.ravel() for p in params]))
    weights = np.arange(vec.shape[0], dtype=np.float64)
    (vec * weights).sum().backward()
    start = 0
    for p in params:
        assert p.grad is not None
        np.testing.assert_array_equal(p.grad.data, weights[start:start + p.numel()].reshape(
            p.shape))
        start += p.numel()


def test_vector_to_parameters_undoes_parameters_to_vector_sharing_the_vectors_memory() -> None:
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    params = list(model.parameters())
    before = [p.data.copy() for p in params]
    vec = utils.parameters_to_vector(params).detach()
    utils.vector_to_parameters(vec * 2, params)
    for p, old in zip(params, before):
        np.testing.assert_array_equal(p.data, 2 * old)
    new = tm.zeros(vec.shape[0])
    utils.vector_to_parameters(new, params)
    new.data[:] = 7.0  # the parameters are views of the vector, as in PyTorch
    assert all((p.data == 7.0).all() for p in params)


def test_vector_to_parameters_counts_as_an_in_place_change_of_each_parameter() -> None:
    w = tm.tensor([1.0, 2.0], requires_grad=True)
    saved = (w * w).sum()  # mul saves w
    utils.vector_to_parameters(tm.tensor([3.0, 4.0]), [w])
    with pytest.raises(RuntimeError, match=r"^mul backward: its input 0 .* was modified in place"):
        saved.backward()


@pytest.mark.parametrize("vec", [tm.zeros(8), tm.zeros(10), tm.zeros((3, 3)), tm.tensor(0.0)])
def test_vector_to_parameters_refuses_a_wrong_length_or_shape_changing_nothing(
        vec: tm.Tensor) -> None:
    params = [tm.ones((2, 2), requires_grad=True), tm.ones(5, requires_grad=True)]
    with pytest.raises(ValueError, match=r"^vector_to_parameters: vec must be 1-D with the "
                                         r"parameters' 9 elements, got shape "):
        utils.vector_to_parameters(vec, params)
    assert all((p.data == 1.0).all() for p in params)


def test_the_vector_functions_refuse_what_is_not_a_tensor_or_no_parameters() -> None:
    with pytest.raises(TypeError, match=r"^vector_to_parameters: vec must be a Tensor, got "
                                        r"ndarray"):
        utils.vector_to_parameters(np.zeros(2), [tm.ones(2)])
    with pytest.raises(TypeError, match=r"^parameters_to_vector: parameters\[1\] must be a "
                                        r"Tensor, got ndarray"):
        utils.parameters_to_vector([tm.ones(2), np.ones(2)])
    with pytest.raises(ValueError, match=r"^parameters_to_vector: no parameters to join"):
        utils.parameters_to_vector([])


def test_the_vector_functions_agree_with_pytorchs() -> None:
    torch = pytest.importorskip("torch")
    values = [np.arange(6.0).reshape(2, 3), np.array([0.5, -1.5])]
    ours = [tm.tensor(v, requires_grad=True) for v in values]
    theirs = [torch.tensor(v, requires_grad=True) for v in values]
    mine, reference = utils.parameters_to_vector(ours), torch.nn.utils.parameters_to_vector(theirs)
    np.testing.assert_array_equal(mine.data, reference.detach().numpy())
    (mine**2).sum().backward()
    (reference**2).sum().backward()
    for p, q in zip(ours, theirs):
        assert p.grad is not None and q.grad is not None
        np.testing.assert_array_equal(p.grad.data, q.grad.numpy())
    new = np.linspace(-1.0, 1.0, 8)
    utils.vector_to_parameters(tm.tensor(new), ours)
    torch.nn.utils.vector_to_parameters(torch.tensor(new), theirs)
    for p, q in zip(ours, theirs):
        np.testing.assert_array_equal(p.data, q.detach().numpy())
