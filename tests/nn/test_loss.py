"""Loss modules: each equals its function in nn.functional; PyTorch agrees where installed."""

from __future__ import annotations

import math
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tests.nn.compare import assert_same_value_and_gradient
from tests.strategies import (
    arrays,
    away_from,
    floats_between,
    logits_and_classes,
    probabilities,
    shapes,
)
from tinygrad_mlp import nn
from tinygrad_mlp.nn import functional as F

REDUCTIONS = ["mean", "sum", "none"]

# module class -> (its function, reductions it accepts, input and target for a draw)
Case = Callable[[st.DataObject], tuple[np.ndarray, Any]]


def regression(data: st.DataObject) -> tuple[np.ndarray, Any]:
    shape = data.draw(shapes())
    return data.draw(arrays(shape)), data.draw(arrays(shape))


def binary(data: st.DataObject) -> tuple[np.ndarray, Any]:
    shape = data.draw(shapes())
    return data.draw(probabilities(shape)), data.draw(arrays(shape, 0.0, 1.0))


def logits(data: st.DataObject) -> tuple[np.ndarray, Any]:
    shape = data.draw(shapes())
    return data.draw(arrays(shape, -5.0, 5.0)), data.draw(arrays(shape, 0.0, 1.0))


def classification(data: st.DataObject) -> tuple[np.ndarray, Any]:
    logits, labels = data.draw(logits_and_classes())
    if data.draw(st.booleans()):
        return logits, np.eye(logits.shape[1])[labels]
    return logits, labels


def log_probabilities(data: st.DataObject) -> tuple[np.ndarray, Any]:
    logits, labels = data.draw(logits_and_classes())
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)), labels


LOSSES: dict[str, tuple[type[nn.Module], Callable[..., tm.Tensor], list[str], Case]] = {
    "MSELoss": (nn.MSELoss, F.mse_loss, REDUCTIONS, regression),
    "L1Loss": (nn.L1Loss, F.l1_loss, REDUCTIONS, regression),
    "QuadraticCost": (nn.QuadraticCost, F.quadratic_cost, ["mean", "sum"], regression),
    "BCELoss": (nn.BCELoss, F.binary_cross_entropy, REDUCTIONS, binary),
    "BCEWithLogitsLoss": (nn.BCEWithLogitsLoss, F.binary_cross_entropy_with_logits, REDUCTIONS,
                          logits),
    "CrossEntropyLoss": (nn.CrossEntropyLoss, F.cross_entropy, REDUCTIONS, classification),
    "NLLLoss": (nn.NLLLoss, F.nll_loss, REDUCTIONS, log_probabilities),
    "HuberLoss": (nn.HuberLoss, F.huber_loss, REDUCTIONS, regression),
    "SmoothL1Loss": (nn.SmoothL1Loss, F.smooth_l1_loss, REDUCTIONS, regression),
}
CLASS_INDEX_LOSSES = {"CrossEntropyLoss", "NLLLoss"}
REDUCTION_CASES = [(name, r) for name, (_, _, reductions, _) in LOSSES.items() for r in reductions]


@pytest.mark.parametrize(("name", "reduction"), REDUCTION_CASES)
@given(data=st.data())
def test_loss_modules_equal_the_functional_versions(
    name: str, reduction: str, data: st.DataObject
) -> None:
    module_class, function, _, draw_case = LOSSES[name]
    x, target = draw_case(data)
    criterion = module_class(reduction=reduction)
    np.testing.assert_array_equal(criterion(tm.tensor(x), target).data,
                                  function(tm.tensor(x), target, reduction=reduction).data)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_modules_default_to_the_mean(name: str) -> None:
    module_class, function, _, _ = LOSSES[name]
    criterion = module_class()
    assert criterion.reduction == "mean"
    x = np.array([[0.2, 0.7], [0.9, 0.4]])
    target: Any = np.array([1, 0]) if name in CLASS_INDEX_LOSSES else np.array([[0.0, 1.0],
                                                                                [1.0, 0.5]])
    np.testing.assert_array_equal(criterion(tm.tensor(x), target).data,
                                  function(tm.tensor(x), target, reduction="mean").data)


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("reduction", ["avg", "MEAN", "", None])
def test_loss_modules_reject_a_bad_reduction_when_constructed(name: str, reduction: Any) -> None:
    module_class = LOSSES[name][0]
    with pytest.raises(ValueError, match=rf"{name}: reduction must be .*got {reduction!r}"):
        module_class(reduction=reduction)


def test_quadratic_cost_module_rejects_reduction_none_when_constructed() -> None:
    with pytest.raises(ValueError, match="QuadraticCost: reduction must be 'mean' or 'sum'"):
        nn.QuadraticCost(reduction="none")


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_modules_have_no_parameters_and_show_their_reduction(name: str) -> None:
    criterion = LOSSES[name][0](reduction="sum")
    assert list(criterion.parameters()) == []
    assert repr(criterion) == f"{name}(reduction='sum')"


def test_cross_entropy_loss_takes_pytorchs_arguments_and_equals_the_function() -> None:
    g = np.random.default_rng(2)
    x, labels, weight = g.standard_normal((5, 3)), np.array([0, 2, 1, 1, 2]), g.random(3)
    for reduction in REDUCTIONS:
        criterion = nn.CrossEntropyLoss(weight, 1, reduction, 0.2)
        assert (criterion.ignore_index, criterion.label_smoothing) == (1, 0.2)
        expected = F.cross_entropy(tm.tensor(x), labels, weight=weight, ignore_index=1,
                                   reduction=reduction, label_smoothing=0.2)
        np.testing.assert_array_equal(criterion(tm.tensor(x), labels).data, expected.data)


def test_bce_loss_takes_a_weight_and_equals_the_function() -> None:
    g = np.random.default_rng(3)
    p, y, weight = g.random((4, 2)), g.random((4, 2)), g.random(2)
    for reduction in REDUCTIONS:
        expected = F.binary_cross_entropy(tm.tensor(p), y, weight=weight, reduction=reduction)
        np.testing.assert_array_equal(
            nn.BCELoss(weight, reduction)(tm.tensor(p), y).data, expected.data)


def test_loss_module_reprs_show_weight_ignore_index_and_smoothing_when_set() -> None:
    assert repr(nn.CrossEntropyLoss()) == "CrossEntropyLoss(reduction='mean')"
    assert repr(nn.CrossEntropyLoss(weight=tm.tensor([1.0, 0.5]), ignore_index=0,
                                    reduction="sum", label_smoothing=0.1)) == (
        "CrossEntropyLoss(weight=[1.0, 0.5], ignore_index=0, reduction='sum', "
        "label_smoothing=0.1)")
    bce = nn.BCELoss(weight=[[2.0], [1.0]])
    assert repr(bce) == "BCELoss(weight=[[2.0], [1.0]], reduction='mean')"
    assert repr(nn.BCEWithLogitsLoss()) == "BCEWithLogitsLoss(reduction='mean')"


@pytest.mark.parametrize("label_smoothing", [-0.5, 1.01, float("nan")])
def test_cross_entropy_loss_rejects_label_smoothing_outside_zero_one_when_constructed(
    label_smoothing: float,
) -> None:
    with pytest.raises(ValueError, match=r"CrossEntropyLoss: label_smoothing must be in "
                                         rf"\[0, 1\], got {label_smoothing}"):
        nn.CrossEntropyLoss(label_smoothing=label_smoothing)


def test_a_model_trained_with_a_loss_module_gets_the_gradients_of_the_functional_loss() -> None:
    g = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(3, 4, generator=g), nn.Tanh(), nn.Linear(4, 2, generator=g))
    x, labels = tm.tensor(g.standard_normal((5, 3))), np.array([0, 1, 1, 0, 1])
    nn.CrossEntropyLoss()(model(x), labels).backward()
    by_module = [p.grad.data.copy() for p in model.parameters()]
    model.zero_grad()
    F.cross_entropy(model(x), labels).backward()
    for p, expected in zip(model.parameters(), by_module):
        np.testing.assert_array_equal(p.grad.data, expected)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_module_gradients_pass_gradcheck(name: str) -> None:
    module_class, _, _, _ = LOSSES[name]
    g = np.random.default_rng(1)
    model = nn.Sequential(nn.Linear(3, 2, generator=g), nn.Sigmoid())
    x = tm.tensor(g.standard_normal((4, 3)))
    target: Any = np.array([0, 1, 1, 0]) if name in CLASS_INDEX_LOSSES else g.random((4, 2))
    criterion = module_class()
    assert tm.gradcheck(lambda: criterion(model(x), target), model)


# -- against PyTorch -------------------------------------------------------------------------


def torch_losses(torch: ModuleType) -> dict[str, Callable[..., Any]]:
    tf = torch.nn.functional
    return {
        "MSELoss": lambda x, y, r: tf.mse_loss(x, y, reduction=r),
        "QuadraticCost": lambda x, y, r: (
            0.5 * tf.mse_loss(x, y, reduction="sum") / (x.shape[0] if x.ndim > 1 else 1)
            if r == "mean" else 0.5 * tf.mse_loss(x, y, reduction="sum")
        ),
        "BCELoss": lambda x, y, r: tf.binary_cross_entropy(x, y, reduction=r),
        "BCEWithLogitsLoss": lambda x, y, r: tf.binary_cross_entropy_with_logits(x, y,
                                                                                 reduction=r),
        "CrossEntropyLoss": lambda x, y, r: tf.cross_entropy(x, y, reduction=r),
        "L1Loss": lambda x, y, r: tf.l1_loss(x, y, reduction=r),
        "NLLLoss": lambda x, y, r: tf.nll_loss(x, y, reduction=r),
        "HuberLoss": lambda x, y, r: tf.huber_loss(x, y, reduction=r),
        "SmoothL1Loss": lambda x, y, r: tf.smooth_l1_loss(x, y, reduction=r),
    }


@pytest.mark.parametrize(("name", "reduction"), REDUCTION_CASES)
@given(data=st.data())
def test_losses_and_their_gradients_equal_pytorchs(
    torch: ModuleType, name: str, reduction: str, data: st.DataObject
) -> None:
    module_class, _, _, draw_case = LOSSES[name]
    x, target = draw_case(data)
    ours_input = tm.tensor(x, requires_grad=True)
    ours = module_class(reduction=reduction)(ours_input, target)
    theirs_input = torch.tensor(x, requires_grad=True)
    theirs = torch_losses(torch)[name](theirs_input, torch.tensor(target), reduction)
    assert_same_value_and_gradient(ours, ours_input, theirs, theirs_input, torch)


def test_binary_cross_entropy_saturation_equals_pytorchs(torch: ModuleType) -> None:
    p, y = np.array([0.0, 1.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0, 1.0])
    ours = F.binary_cross_entropy(tm.tensor(p), y, reduction="none")
    theirs = torch.nn.functional.binary_cross_entropy(
        torch.tensor(p), torch.tensor(y), reduction="none"
    )
    np.testing.assert_array_equal(ours.data, theirs.numpy())


OPTIONS = [  # weight, ignore_index, label_smoothing
    (None, -100, 0.0), ([0.2, 1.0, 3.0], -100, 0.0), (None, 1, 0.0), (None, -100, 0.3),
    ([0.2, 1.0, 3.0], 0, 0.7), ([0.2, 1.0, 3.0], 2, 1.0),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("weight", "ignore_index", "label_smoothing"), OPTIONS)
def test_cross_entropy_loss_with_weight_ignore_index_and_smoothing_equals_pytorchs(
    torch: ModuleType, reduction: str, weight: list[float] | None, ignore_index: int,
    label_smoothing: float,
) -> None:
    g = np.random.default_rng(4)
    x, labels = g.standard_normal((6, 3)), np.array([0, 1, 2, 2, 1, 0])
    ours_x, theirs_x = tm.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours = nn.CrossEntropyLoss(weight, ignore_index, reduction, label_smoothing)(ours_x, labels)
    theirs = torch.nn.CrossEntropyLoss(
        weight=None if weight is None else torch.tensor(weight, dtype=torch.float64),
        ignore_index=ignore_index, reduction=reduction, label_smoothing=label_smoothing,
    )(theirs_x, torch.tensor(labels))
    assert_same_value_and_gradient(ours, ours_x, theirs, theirs_x, torch, 1e-12, 1e-14, 1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_loss_with_weight_equals_pytorchs(torch: ModuleType, reduction: str) -> None:
    g = np.random.default_rng(5)
    p, y, weight = g.uniform(0.05, 0.95, (4, 3)), g.random((4, 3)), g.random((4, 1))
    ours_p, theirs_p = tm.tensor(p, requires_grad=True), torch.tensor(p, requires_grad=True)
    ours = nn.BCELoss(weight, reduction)(ours_p, y)
    theirs = torch.nn.BCELoss(torch.tensor(weight), reduction=reduction)(theirs_p, torch.tensor(y))
    assert_same_value_and_gradient(ours, ours_p, theirs, theirs_p, torch, 1e-12, 1e-14, 1e-12)


# -- nll_loss and l1_loss ------------------------------------------------------------------


@given(data=st.data(), reduction=st.sampled_from(REDUCTIONS))
def test_nll_loss_of_log_softmax_is_cross_entropy_in_value_and_gradient(
    data: st.DataObject, reduction: str
) -> None:
    logits, labels = data.draw(logits_and_classes())
    x = tm.tensor(logits, requires_grad=True)
    via_nll = F.nll_loss(x.log_softmax(1), labels, reduction=reduction)
    (via_nll.sum()).backward()
    assert x.grad is not None
    by_nll = x.grad.data.copy()
    x.grad = None
    direct = F.cross_entropy(x, labels, reduction=reduction)
    direct.sum().backward()
    np.testing.assert_allclose(via_nll.data, direct.data, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(by_nll, x.grad.data, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("weight", "ignore_index"), [(None, -100), ([0.2, 1.0, 3.0], -100),
                                                      (None, 1), ([0.2, 1.0, 3.0], 2)])
def test_nll_loss_with_weight_and_ignore_index_equals_pytorchs(
    torch: ModuleType, reduction: str, weight: list[float] | None, ignore_index: int
) -> None:
    g = np.random.default_rng(6)
    x, labels = np.log(g.dirichlet(np.ones(3), 6)), np.array([0, 1, 2, 2, 1, 0])
    ours_x, theirs_x = tm.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours = nn.NLLLoss(weight, ignore_index, reduction)(ours_x, labels)
    theirs = torch.nn.NLLLoss(
        weight=None if weight is None else torch.tensor(weight, dtype=torch.float64),
        ignore_index=ignore_index, reduction=reduction,
    )(theirs_x, torch.tensor(labels))
    assert_same_value_and_gradient(ours, ours_x, theirs, theirs_x, torch, 1e-12, 1e-14, 1e-12)


def test_nll_loss_of_a_log_probability_of_minus_inf_in_an_ignored_row_is_zero() -> None:
    x = tm.tensor([[-np.inf, 0.0], [np.log(0.5), np.log(0.5)]], requires_grad=True)
    losses = F.nll_loss(x, [0, 1], ignore_index=0, reduction="none")
    assert losses.data.tolist() == [0.0, -np.log(0.5)]
    F.nll_loss(x, [0, 1], ignore_index=0).backward()
    assert x.grad is not None and x.grad.data.tolist() == [[0.0, 0.0], [0.0, -1.0]]


@pytest.mark.parametrize(
    ("input", "target", "error", "message"),
    [
        (np.zeros(3), [0, 1, 2], ValueError, r"^nll_loss: input must be log-probabilities shaped "
                                             r"\(N, C\), got \(3,\)"),
        (np.zeros((2, 3)), [0.0, 1.0], ValueError, r"^nll_loss: target must be class indices"),
        (np.zeros((2, 3)), [0, 3], IndexError, r"^nll_loss: target class 3 is out of range for 3 "
                                               r"classes"),
        (np.zeros((2, 3)), [0, 1, 2], ValueError, r"^nll_loss: class-index target must have shape "
                                                  r"\(2,\), got \(3,\)"),
    ],
)
def test_nll_loss_bad_input_raises_naming_nll_loss(
    input: np.ndarray, target: list[float], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        F.nll_loss(tm.tensor(input), target)
    with pytest.raises(ValueError, match=r"^nll_loss: weight must hold one value per class"):
        F.nll_loss(tm.zeros(2, 3), [0, 1], weight=[1.0, 2.0])


def test_logsoftmax_then_nll_loss_trains_like_cross_entropy_on_logits() -> None:
    g = np.random.default_rng(7)
    x, labels = tm.tensor(g.standard_normal((8, 4))), g.integers(0, 3, 8)
    twin = nn.Sequential(nn.Linear(4, 3, generator=np.random.default_rng(0)))
    model = nn.Sequential(nn.Linear(4, 3, generator=np.random.default_rng(0)), nn.LogSoftmax(1))
    nn.NLLLoss()(model(x), labels).backward()
    nn.CrossEntropyLoss()(twin(x), labels).backward()
    for ours, theirs in zip(model.parameters(), twin.parameters()):
        assert ours.grad is not None and theirs.grad is not None
        np.testing.assert_allclose(ours.grad.data, theirs.grad.data, rtol=1e-12, atol=1e-15)


def test_l1_loss_is_the_mean_absolute_error_with_zero_gradient_where_equal() -> None:
    x = tm.tensor([1.0, -2.0, 3.0], requires_grad=True)
    loss = F.l1_loss(x, [0.0, 0.0, 3.0])
    assert loss.item() == 1.0
    loss.backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.data, [1 / 3, -1 / 3, 0.0])
    with pytest.raises(ValueError, match=r"^l1_loss: target shape \(2,\) differs from input "
                                         r"shape \(3,\)"):
        F.l1_loss(x, [0.0, 1.0])


def test_nll_loss_repr_shows_weight_and_ignore_index_when_set() -> None:
    assert repr(nn.NLLLoss()) == "NLLLoss(reduction='mean')"
    assert repr(nn.NLLLoss([1.0, 2.0], ignore_index=0, reduction="sum")) == (
        "NLLLoss(weight=[1.0, 2.0], ignore_index=0, reduction='sum')")


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_an_ignored_row_of_minus_inf_costs_nothing_and_warns_nothing(reduction: str) -> None:
    import warnings

    log_p = np.array([[0.0, -np.inf], [-np.inf, -np.inf]])  # the second row is padding
    logits = np.array([[1.0, 0.0], [-np.inf, 2.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nll = F.nll_loss(tm.tensor(log_p), [0, -100], reduction=reduction)
        smoothed = F.cross_entropy(tm.tensor(logits), [0, -100], label_smoothing=0.1,
                                   reduction=reduction)
    kept_loss = -(0.9 * np.log(np.exp(1) / (np.exp(1) + 1)) + 0.05 * np.log(np.exp(1) / (
        np.exp(1) + 1)) + 0.05 * np.log(1 / (np.exp(1) + 1)))
    if reduction == "none":
        assert nll.data.tolist() == [0.0, 0.0] and not np.signbit(nll.data[1])
        np.testing.assert_allclose(smoothed.data, [kept_loss, 0.0])
    else:
        assert nll.item() == 0.0
        np.testing.assert_allclose(smoothed.item(), kept_loss)


def test_a_loss_weight_is_a_buffer_in_the_state_dict_as_in_pytorch() -> None:
    weight = [0.5, 1.0, 2.0]
    for criterion in (nn.CrossEntropyLoss(weight), nn.NLLLoss(weight), nn.BCELoss(weight)):
        assert list(criterion.state_dict()) == ["weight"]
        np.testing.assert_array_equal(criterion.state_dict()["weight"], weight)
        assert list(criterion.parameters()) == []
    logits = nn.BCEWithLogitsLoss(weight, pos_weight=[3.0, 1.0, 1.0])
    assert list(logits.state_dict()) == ["weight", "pos_weight"]
    assert list(nn.CrossEntropyLoss().state_dict()) == []


def test_a_model_holding_a_weighted_loss_has_pytorchs_state_dict_keys() -> None:
    torch = pytest.importorskip("torch")

    class Classifier(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body = nn.Linear(4, 3)
            self.criterion = nn.CrossEntropyLoss(weight=tm.tensor([1.0, 2.0, 3.0]))

    class Theirs(torch.nn.Module):  # type: ignore[misc, name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.body = torch.nn.Linear(4, 3)
            self.criterion = torch.nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 3.0]))

    ours, theirs = Classifier(), Theirs().double()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    theirs.load_state_dict({k: torch.tensor(v) for k, v in ours.state_dict().items()})


def test_nll_loss_refuses_bool_targets_as_pytorch_does() -> None:
    log_p = tm.tensor(np.log(np.full((2, 2), 0.5)), requires_grad=True)
    with pytest.raises(ValueError, match=r"^nll_loss: target must be class indices"):
        F.nll_loss(log_p, np.array([True, False]))


# M62


def test_nll_loss_refuses_a_3d_input_naming_the_expected_shape() -> None:
    log_p = tm.tensor(np.log(np.full((2, 3, 4), 1 / 3)))
    with pytest.raises(ValueError, match=r"^nll_loss: input must be log-probabilities shaped "
                                         r"\(N, C\), got \(2, 3, 4\)"):
        F.nll_loss(log_p, np.zeros((2, 4), dtype=int))


def test_a_loss_weight_array_is_copied_and_pos_weight_is_in_the_repr() -> None:
    weight = np.array([1.0, 2.0])
    criterion = nn.CrossEntropyLoss(weight)
    criterion.load_state_dict({"weight": np.array([5.0, 5.0])})
    assert weight.tolist() == [1.0, 2.0]  # the caller's array is not the buffer
    assert repr(nn.BCEWithLogitsLoss(pos_weight=[2.0])) == (
        "BCEWithLogitsLoss(pos_weight=[2.0], reduction='mean')")


@pytest.mark.parametrize("loss", [F.mse_loss, F.quadratic_cost])
def test_squared_error_losses_refuse_int_input_which_would_truncate_as_pytorch(
    loss: Any,
) -> None:
    with pytest.raises(TypeError, match=r"needs a floating point tensor, got dtype int64"):
        loss(tm.tensor([[1, 2, 3]]), [[1, 2, 4]])


def test_the_quadratic_cost_of_an_empty_batch_is_nan_as_the_other_means() -> None:
    x = tm.tensor(np.zeros((0, 3)), requires_grad=True)
    cost = F.quadratic_cost(x, np.zeros((0, 3)))
    assert np.isnan(cost.item())
    assert F.quadratic_cost(x, np.zeros((0, 3)), reduction="sum").item() == 0.0
    cost.backward()
    assert x.grad is not None and x.grad.shape == (0, 3)


@pytest.mark.parametrize("bad", ["input", "target"])
def test_binary_cross_entropy_refuses_nan_probabilities_as_pytorch(bad: str) -> None:
    p, t = tm.tensor([0.5, 0.5]), tm.tensor([0.0, 1.0])
    nan = tm.tensor([float("nan"), 0.5])
    with pytest.raises(ValueError, match=rf"{bad} must be probabilities in \[0, 1\]"):
        F.binary_cross_entropy(nan if bad == "input" else p, nan if bad == "target" else t)


@pytest.mark.parametrize("smoothing", ["a", None])
def test_a_label_smoothing_that_is_not_a_number_is_named(smoothing: Any) -> None:
    with pytest.raises(TypeError, match=r"cross_entropy: label_smoothing must be a number"):
        F.cross_entropy(tm.zeros(2, 3), [0, 1], label_smoothing=smoothing)
    with pytest.raises(TypeError, match=r"CrossEntropyLoss: label_smoothing must be a number"):
        nn.CrossEntropyLoss(label_smoothing=smoothing)


# -- HuberLoss and SmoothL1Loss ------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_huber_and_smooth_l1_loss_modules_pass_delta_and_beta_to_their_functions(
    reduction: str
) -> None:
    x, y = tm.tensor([[-2.0, 0.3], [1.5, 4.0]]), np.array([[0.0, 0.0], [0.0, 1.0]])
    np.testing.assert_array_equal(
        nn.HuberLoss(reduction, delta=0.5)(x, y).data,  # type: ignore[arg-type]
        F.huber_loss(x, y, reduction, delta=0.5).data)  # type: ignore[arg-type]
    np.testing.assert_array_equal(
        nn.SmoothL1Loss(reduction, beta=2.0)(x, y).data,  # type: ignore[arg-type]
        F.smooth_l1_loss(x, y, reduction, beta=2.0).data)  # type: ignore[arg-type]
    assert not np.array_equal(nn.HuberLoss(delta=0.5)(x, y).data, nn.HuberLoss()(x, y).data)


def test_huber_and_smooth_l1_loss_reprs_show_delta_and_beta_when_not_one() -> None:
    assert repr(nn.HuberLoss()) == "HuberLoss(reduction='mean')"
    assert repr(nn.HuberLoss("sum", 0.5)) == "HuberLoss(reduction='sum', delta=0.5)"
    assert repr(nn.SmoothL1Loss(beta=0.0)) == "SmoothL1Loss(reduction='mean', beta=0.0)"
    assert (nn.HuberLoss().delta, nn.SmoothL1Loss().beta) == (1.0, 1.0)


@pytest.mark.parametrize(("make", "error", "message"), [
    (lambda: nn.HuberLoss(delta=0.0), ValueError,
     r"^HuberLoss: delta must be a positive finite number, got 0\.0"),
    (lambda: nn.HuberLoss(delta=math.inf), ValueError,
     r"^HuberLoss: delta must be a positive finite number, got inf"),
    (lambda: nn.HuberLoss(delta="1"), TypeError, r"^HuberLoss: delta must be a number"),
    (lambda: nn.SmoothL1Loss(beta=-1.0), ValueError,
     r"^SmoothL1Loss: beta must be >= 0, got -1\.0"),
    (lambda: nn.SmoothL1Loss(beta=None), TypeError, r"^SmoothL1Loss: beta must be a number"),
])
def test_huber_and_smooth_l1_loss_modules_refuse_a_bad_delta_or_beta_when_constructed(
    make: Callable[[], nn.Module], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_huber_and_smooth_l1_loss_modules_equal_pytorchs_with_delta_and_beta(
    torch: ModuleType, reduction: str
) -> None:
    g = np.random.default_rng(7)
    x, y = g.normal(0.0, 2.0, (5, 3)), g.normal(0.0, 2.0, (5, 3))
    pairs = [(nn.HuberLoss(reduction=reduction, delta=0.7),  # type: ignore[arg-type]
              torch.nn.HuberLoss(reduction=reduction, delta=0.7)),
             (nn.SmoothL1Loss(reduction=reduction, beta=1.5),  # type: ignore[arg-type]
              torch.nn.SmoothL1Loss(reduction=reduction, beta=1.5)),
             (nn.SmoothL1Loss(reduction=reduction, beta=0.0),  # type: ignore[arg-type]
              torch.nn.SmoothL1Loss(reduction=reduction, beta=0.0))]
    for ours_loss, theirs_loss in pairs:
        ours_x, theirs_x = tm.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        assert_same_value_and_gradient(ours_loss(ours_x, y), ours_x,
                                       theirs_loss(theirs_x, torch.tensor(y)), theirs_x, torch)


# -- KLDivLoss --------------------------------------------------------------------------------


@pytest.mark.parametrize(("reduction", "log_target"), [("batchmean", False), ("sum", True),
                                                       ("none", False)])
def test_kl_div_loss_passes_its_arguments_to_kl_div(reduction: str, log_target: bool) -> None:
    x = tm.tensor(np.log([[0.25, 0.75], [0.5, 0.5]]))
    t = tm.tensor([[0.5, 0.5], [0.1, 0.9]])
    t = t.log() if log_target else t
    np.testing.assert_array_equal(nn.KLDivLoss(reduction, log_target)(x, t).data,
                                  F.kl_div(x, t, reduction, log_target).data)
    assert repr(nn.KLDivLoss(reduction)) == "KLDivLoss()"  # as PyTorch's, whatever the arguments


def test_kl_div_loss_refuses_a_bad_reduction_when_constructed() -> None:
    with pytest.raises(ValueError, match=r"^KLDivLoss: reduction must be 'mean', 'batchmean', "
                                         r"'sum' or 'none', got 'avg'"):
        nn.KLDivLoss("avg")


# -- likelihood, margin and ranking losses -----------------------------------------------------
#
# Each case draws arrays (inputs first), the keyword arguments, which arrays are differentiable
# (the rest are targets), and a numpy formula of the unreduced loss. The draws keep values
# away from the kinks of the hinges, where finite differences see no derivative.

MarginCase = tuple[list[np.ndarray], dict[str, Any], int, Callable[..., np.ndarray]]


def _signs(data: st.DataObject, shape: tuple[int, ...]) -> np.ndarray:
    return np.where(data.draw(arrays(shape)) >= 0, 1.0, -1.0)


def _poisson(data: st.DataObject) -> MarginCase:
    shape = data.draw(shapes())
    log_input, full = data.draw(st.booleans()), data.draw(st.booleans())
    x = data.draw(arrays(shape, -2.0, 2.0) if log_input else arrays(shape, 0.1, 3.0))
    t = data.draw(arrays(shape, 0.0, 4.0))

    def formula(x: np.ndarray, t: np.ndarray) -> np.ndarray:
        loss = np.exp(x) - t * x if log_input else x - t * np.log(x + 1e-8)
        safe = np.where(t > 1, t, 2.0)
        stirling = safe * np.log(safe) - safe + 0.5 * np.log(2 * np.pi * safe)
        return loss + (np.where(t > 1, stirling, 0.0) if full else 0.0)

    return [x, t], {"log_input": log_input, "full": full}, 1, formula


def _gaussian(data: st.DataObject) -> MarginCase:
    shape = data.draw(shapes(min_dims=1))
    var_shape = data.draw(st.sampled_from([shape, shape[:-1], (*shape[:-1], 1)]))
    x, t, var = data.draw(arrays(shape)), data.draw(arrays(shape)), data.draw(
        arrays(var_shape, 0.1, 2.0))
    full = data.draw(st.booleans())

    def formula(x: np.ndarray, var: np.ndarray, t: np.ndarray) -> np.ndarray:
        v = var if var.shape == x.shape or var.ndim == x.ndim else var[..., None]
        return 0.5 * (np.log(v) + (x - t) ** 2 / v) + (0.5 * np.log(2 * np.pi) if full else 0.0)

    return [x, var, t], {"full": full}, 2, formula


def _margin_ranking(data: st.DataObject) -> MarginCase:
    shape = data.draw(shapes())
    x1, x2, y = data.draw(arrays(shape)), data.draw(arrays(shape)), _signs(data, shape)
    margin = data.draw(floats_between(-1.0, 1.0))
    assume(away_from(-y * (x1 - x2) + margin, 0.0, 1e-3))
    return [x1, x2, y], {"margin": margin}, 2, lambda a, b, y: np.maximum(
        -y * (a - b) + margin, 0.0)


def _hinge_embedding(data: st.DataObject) -> MarginCase:
    shape = data.draw(shapes())
    x, y = data.draw(arrays(shape, 0.0, 3.0)), _signs(data, shape)
    margin = data.draw(floats_between(0.5, 2.0))
    assume(away_from(margin - x, 0.0, 1e-3))
    return [x, y], {"margin": margin}, 1, lambda x, y: np.where(
        y == 1, x, np.maximum(margin - x, 0.0))


def _soft_margin(data: st.DataObject) -> MarginCase:
    shape = data.draw(shapes())
    x, y = data.draw(arrays(shape, -4.0, 4.0)), _signs(data, shape)
    return [x, y], {}, 1, lambda x, y: np.log1p(np.exp(-y * x))


def _multilabel_soft_margin(data: st.DataObject) -> MarginCase:
    shape = data.draw(shapes(min_dims=1, max_dims=2))
    x, y = data.draw(arrays(shape, -3.0, 3.0)), data.draw(arrays(shape, 0.0, 1.0)).round()
    weight = data.draw(st.none() | arrays(shape[-1:], 0.1, 2.0))

    def formula(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        p = 1 / (1 + np.exp(-x))
        terms = -(y * np.log(p) + (1 - y) * np.log(1 - p)) * (1.0 if weight is None else weight)
        return terms.mean(-1)

    return [x, y], {"weight": weight}, 1, formula


def _cosine_embedding(data: st.DataObject) -> MarginCase:
    rows, width = data.draw(st.integers(1, 4)), data.draw(st.integers(2, 4))
    x1 = data.draw(arrays((rows, width), 0.1, 2.0))  # not near 0: cos is steep there
    x2 = data.draw(arrays((rows, width), 0.1, 2.0)) * _signs(data, (rows, width))
    y, margin = _signs(data, (rows,)), data.draw(floats_between(-0.5, 0.5))

    def formula(a: np.ndarray, b: np.ndarray, y: np.ndarray) -> np.ndarray:
        cos = (a * b).sum(1) / np.sqrt(((a * a).sum(1) + 1e-12) * ((b * b).sum(1) + 1e-12))
        return np.where(y == 1, 1 - cos, np.maximum(cos - margin, 0.0))

    assume(away_from(formula(x1, x2, -np.ones(rows)), 0.0, 1e-3))  # off the hinge's kink
    return [x1, x2, y], {"margin": margin}, 2, formula


def _triplet(data: st.DataObject) -> MarginCase:
    shape = data.draw(st.sampled_from([(3,), (2, 3), (4, 2)]))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))  # seeded: few ties
    a, p, n = (rng.normal(0.0, 1.0, shape) for _ in range(3))
    margin, order = data.draw(floats_between(0.1, 2.0)), data.draw(st.sampled_from([1.0, 2.0, 3.0]))
    swap = data.draw(st.booleans())

    def distance(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return (np.abs(u - v + 1e-6) ** order).sum(-1) ** (1 / order)

    def formula(a: np.ndarray, p: np.ndarray, n: np.ndarray) -> np.ndarray:
        to_negative = np.minimum(distance(a, n), distance(p, n)) if swap else distance(a, n)
        return np.maximum(distance(a, p) + margin - to_negative, 0.0)

    assume(away_from(formula(a, p, n), 0.0, 1e-3) and away_from(a - p, 0.0, 1e-3)
           and away_from(a - n, 0.0, 1e-3) and away_from(p - n, 0.0, 1e-3)
           and (not swap or away_from(distance(a, n) - distance(p, n), 0.0, 1e-3)))
    return [a, p, n], {"margin": margin, "p": order, "swap": swap}, 3, formula


def _multi_margin(data: st.DataObject) -> MarginCase:
    logits, labels = data.draw(logits_and_classes())
    order, margin = data.draw(st.sampled_from([1, 2])), data.draw(floats_between(0.1, 2.0))
    weight = data.draw(st.none() | arrays(logits.shape[1:], 0.1, 2.0))
    rows = np.arange(len(labels))
    z = margin - logits[rows, labels][:, None] + logits
    assume(away_from(z, 0.0, 1e-3))

    def formula(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        hinge = np.maximum(margin - x[rows, labels][:, None] + x, 0.0) ** order
        hinge[rows, labels] = 0.0
        w = 1.0 if weight is None else weight[labels][:, None]
        return (hinge * w).sum(1) / x.shape[1]

    return [logits, labels], {"p": order, "margin": margin, "weight": weight}, 1, formula


def _multilabel_margin(data: st.DataObject) -> MarginCase:
    rows, classes = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 4))
    x = data.draw(arrays((rows, classes)))
    target = np.full((rows, classes), -1)
    for r in range(rows):
        listed = data.draw(st.permutations(range(classes)))[:data.draw(st.integers(0, classes))]
        target[r, :len(listed)] = listed

    def formula(x: np.ndarray, target: np.ndarray) -> np.ndarray:
        losses = np.zeros(rows)
        for r in range(rows):
            listed = list(target[r][:list(target[r]).index(-1)] if -1 in target[r] else target[r])
            others = [i for i in range(classes) if i not in listed]
            losses[r] = sum(max(0.0, 1 - x[r, j] + x[r, i]) for j in listed for i in others)
        return losses / classes

    z = 1 - x[:, :, None] + x[:, None, :]
    assume(away_from(z, 0.0, 1e-3))
    return [x, target], {}, 1, formula


MARGIN_LOSSES: dict[str, tuple[type[nn.Module], Callable[..., tm.Tensor], Callable[
        [st.DataObject], MarginCase]]] = {
    "PoissonNLLLoss": (nn.PoissonNLLLoss, F.poisson_nll_loss, _poisson),
    "GaussianNLLLoss": (nn.GaussianNLLLoss, F.gaussian_nll_loss, _gaussian),
    "MarginRankingLoss": (nn.MarginRankingLoss, F.margin_ranking_loss, _margin_ranking),
    "HingeEmbeddingLoss": (nn.HingeEmbeddingLoss, F.hinge_embedding_loss, _hinge_embedding),
    "SoftMarginLoss": (nn.SoftMarginLoss, F.soft_margin_loss, _soft_margin),
    "MultiLabelSoftMarginLoss": (nn.MultiLabelSoftMarginLoss, F.multilabel_soft_margin_loss,
                                 _multilabel_soft_margin),
    "CosineEmbeddingLoss": (nn.CosineEmbeddingLoss, F.cosine_embedding_loss, _cosine_embedding),
    "TripletMarginLoss": (nn.TripletMarginLoss, F.triplet_margin_loss, _triplet),
    "MultiMarginLoss": (nn.MultiMarginLoss, F.multi_margin_loss, _multi_margin),
    "MultiLabelMarginLoss": (nn.MultiLabelMarginLoss, F.multilabel_margin_loss,
                             _multilabel_margin),
}


def _call(function: Callable[..., tm.Tensor], name: str, tensors: list[Any],
          kwargs: dict[str, Any], reduction: str) -> Any:
    """The loss; GaussianNLLLoss takes (input, target, var), the table keeps var second."""
    if name == "GaussianNLLLoss":
        tensors = [tensors[0], tensors[2], tensors[1]]
    return function(*tensors, **kwargs, reduction=reduction)


@pytest.mark.parametrize("name", sorted(MARGIN_LOSSES))
@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data())
def test_margin_losses_equal_their_formulas_and_their_modules(
    name: str, reduction: str, data: st.DataObject
) -> None:
    module_class, function, draw_case = MARGIN_LOSSES[name]
    arrays_, kwargs, _, formula = draw_case(data)
    tensors = [tm.tensor(a) for a in arrays_]
    ours = _call(function, name, tensors, kwargs, reduction)
    expected = formula(*arrays_)
    expected = {"mean": expected.mean(), "sum": expected.sum(), "none": expected}[reduction]
    np.testing.assert_allclose(ours.data, expected, rtol=1e-10, atol=1e-12)
    options = {k: v for k, v in kwargs.items() if k != "weight"}
    weight = {"weight": kwargs["weight"]} if kwargs.get("weight") is not None else {}
    criterion = module_class(**options, **weight, reduction=reduction)
    args = tensors if name != "GaussianNLLLoss" else [tensors[0], tensors[2], tensors[1]]
    np.testing.assert_array_equal(criterion(*args).data, ours.data)


@pytest.mark.parametrize("name", sorted(MARGIN_LOSSES))
@given(data=st.data())
def test_margin_losses_pass_gradcheck_and_gradgradcheck(name: str, data: st.DataObject) -> None:
    _, function, draw_case = MARGIN_LOSSES[name]
    arrays_, kwargs, differentiable, _ = draw_case(data)
    reduction = data.draw(st.sampled_from(REDUCTIONS))
    leaves = [tm.tensor(a, requires_grad=i < differentiable) for i, a in enumerate(arrays_)]

    def loss(*inputs: tm.Tensor) -> tm.Tensor:
        return _call(function, name, [*inputs, *leaves[differentiable:]], kwargs, reduction)

    assert tm.gradcheck(loss, leaves[:differentiable])
    # the hinges are piecewise linear: their second derivatives are 0, and carry no graph
    if name in ("PoissonNLLLoss", "GaussianNLLLoss", "SoftMarginLoss",
                "MultiLabelSoftMarginLoss", "CosineEmbeddingLoss"):
        assert tm.gradgradcheck(loss, leaves[:differentiable])


def _torch_margin_loss(torch: ModuleType, name: str, tensors: list[Any], kwargs: dict[str, Any],
                       reduction: str) -> Any:
    tf = torch.nn.functional
    kwargs = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    functions = {"PoissonNLLLoss": tf.poisson_nll_loss, "GaussianNLLLoss": tf.gaussian_nll_loss,
                 "MarginRankingLoss": tf.margin_ranking_loss,
                 "HingeEmbeddingLoss": tf.hinge_embedding_loss,
                 "SoftMarginLoss": tf.soft_margin_loss,
                 "MultiLabelSoftMarginLoss": tf.multilabel_soft_margin_loss,
                 "CosineEmbeddingLoss": tf.cosine_embedding_loss,
                 "TripletMarginLoss": tf.triplet_margin_loss,
                 "MultiMarginLoss": tf.multi_margin_loss,
                 "MultiLabelMarginLoss": tf.multilabel_margin_loss}
    return _call(functions[name], name, tensors, kwargs, reduction)


@pytest.mark.parametrize("name", sorted(MARGIN_LOSSES))
@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data())
def test_margin_losses_and_their_gradients_equal_pytorchs(
    torch: ModuleType, name: str, reduction: str, data: st.DataObject
) -> None:
    _, function, draw_case = MARGIN_LOSSES[name]
    arrays_, kwargs, differentiable, _ = draw_case(data)
    ours_in = [tm.tensor(a, requires_grad=i < differentiable) for i, a in enumerate(arrays_)]
    theirs_in = [torch.tensor(a, requires_grad=i < differentiable) for i, a in enumerate(arrays_)]
    ours = _call(function, name, ours_in, kwargs, reduction)
    theirs = _torch_margin_loss(torch, name, theirs_in, kwargs, reduction)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    seed = np.random.default_rng(0).standard_normal(ours.shape)
    ours.backward(seed)
    theirs.backward(torch.tensor(seed))
    for mine, other in zip(ours_in[:differentiable], theirs_in[:differentiable]):
        assert mine.grad is not None
        np.testing.assert_allclose(mine.grad.data, other.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", sorted(MARGIN_LOSSES))
def test_margin_loss_modules_refuse_a_bad_reduction_and_show_it(name: str) -> None:
    module_class = MARGIN_LOSSES[name][0]
    with pytest.raises(ValueError, match=rf"^{name}: reduction must be .*got 'avg'"):
        module_class(reduction="avg")
    criterion = module_class(reduction="sum")
    assert repr(criterion).startswith(f"{name}(") and "reduction='sum'" in repr(criterion)
    assert list(criterion.parameters()) == []


@pytest.mark.parametrize("name", sorted(MARGIN_LOSSES))
def test_margin_losses_refuse_a_bad_reduction_when_computed(name: str) -> None:
    function = MARGIN_LOSSES[name][1]
    arrays_, kwargs, _, _ = _fixed_case(name)
    with pytest.raises(ValueError, match=r"reduction must be 'mean', 'sum' or 'none', got 'avg'"):
        _call(function, name, [tm.tensor(a) for a in arrays_], kwargs, "avg")


def _fixed_case(name: str) -> MarginCase:
    """A small valid call of each loss, for the checks that need no hypothesis draw."""
    x, y = np.array([[0.5, -1.0, 2.0]]), np.array([[1.0, -1.0, 1.0]])
    cases: dict[str, list[np.ndarray]] = {
        "PoissonNLLLoss": [x, np.abs(y)], "GaussianNLLLoss": [x, np.ones((1, 3)), y],
        "MarginRankingLoss": [x, -x, y], "HingeEmbeddingLoss": [x, y],
        "SoftMarginLoss": [x, y], "MultiLabelSoftMarginLoss": [x, np.abs(y)],
        "CosineEmbeddingLoss": [x, -x, np.array([1.0])],
        "TripletMarginLoss": [x, -x, 2 * x], "MultiMarginLoss": [x, np.array([2])],
        "MultiLabelMarginLoss": [x, np.array([[2, 0, -1]])],
    }
    return cases[name], {}, 1, lambda *a: np.zeros(1)


def test_poisson_nll_loss_adds_stirlings_term_only_above_one_as_pytorch() -> None:
    rate, counts = tm.tensor([0.5, 1.0, 2.0]), tm.tensor([0.0, 1.0, 3.0])
    losses = F.poisson_nll_loss(rate, counts, log_input=False, full=True, reduction="none")
    stirling = 3 * math.log(3) - 3 + 0.5 * math.log(2 * math.pi * 3)
    np.testing.assert_allclose(losses.data, [0.5, 1.0 - math.log(1.0 + 1e-8),
                                             2.0 - 3 * math.log(2.0 + 1e-8) + stirling])
    assert nn.PoissonNLLLoss(log_input=False, full=True, eps=1e-8, reduction="none")(
        rate, counts).data.tolist() == losses.data.tolist()


def test_gaussian_nll_loss_broadcasts_var_by_pytorchs_rules_and_refuses_the_rest() -> None:
    x, y = tm.tensor(np.arange(6.0).reshape(2, 3)), np.zeros((2, 3))
    per_row = F.gaussian_nll_loss(x, y, tm.tensor([1.0, 2.0]), reduction="none")
    one_dim_of_one = F.gaussian_nll_loss(x, y, tm.tensor([[1.0], [2.0]]), reduction="none")
    number = F.gaussian_nll_loss(x, y, 2.0, reduction="none")
    np.testing.assert_array_equal(per_row.data, one_dim_of_one.data)
    np.testing.assert_allclose(number.data, 0.5 * (math.log(2.0) + x.data ** 2 / 2.0))
    np.testing.assert_allclose(per_row.data[1], number.data[1])
    for var in (tm.ones(3), tm.ones(1, 1), tm.ones(2, 3, 1)):
        with pytest.raises(ValueError, match=rf"^gaussian_nll_loss: var is of incorrect size "
                                             rf"\({var.shape[0]},"):
            F.gaussian_nll_loss(x, y, var)
    for var in (-1.0, tm.tensor([1.0, -0.5])):
        with pytest.raises(ValueError, match=r"^gaussian_nll_loss: var has negative entries"):
            F.gaussian_nll_loss(x, y, var)  # type: ignore[arg-type]


def test_gaussian_nll_loss_clamps_var_at_eps_without_stopping_its_gradient() -> None:
    var = tm.tensor([1e-8, 2.0], requires_grad=True)
    F.gaussian_nll_loss(tm.ones(2), np.zeros(2), var).backward()
    assert var.grad is not None  # d/dv of ½ (ln v + 1/v) / 2 at v = eps, not 0
    np.testing.assert_allclose(var.grad.data, [0.25 * (1e6 - 1e12), 0.25 * (0.5 - 0.25)])
    assert repr(nn.GaussianNLLLoss(full=True)) == "GaussianNLLLoss(reduction='mean')"


def test_hinge_embedding_loss_gives_both_terms_to_a_target_neither_one_nor_minus_one() -> None:
    losses = F.hinge_embedding_loss(tm.tensor([0.5, 2.0, 0.3]), [1.0, -1.0, 0.5],
                                    reduction="none")
    np.testing.assert_allclose(losses.data, [0.5, 0.0, 0.7 + 0.3])


def test_multi_margin_and_multilabel_margin_losses_give_pytorchs_documented_values() -> None:
    x = tm.tensor([[0.1, 0.2, 0.4, 0.8]])
    assert F.multi_margin_loss(x, [3]).item() == pytest.approx(0.325)  # PyTorch's doc example
    weighted = F.multi_margin_loss(x, [3], p=2, margin=0.5, weight=[1.0, 2.0, 3.0, 4.0])
    assert weighted.item() == pytest.approx(4 * 0.1 ** 2 / 4)
    assert F.multilabel_margin_loss(x, [[3, 0, -1, 1]]).item() == pytest.approx(0.85)
    # one example: "none" gives a 0-d loss for a 0-d target, one value for a (1,) target
    assert F.multi_margin_loss(x[0], 3, reduction="none").shape == ()
    assert F.multi_margin_loss(x[0], [3], reduction="none").shape == (1,)
    assert F.multilabel_margin_loss(x[0], [3, 0, -1, 1], reduction="none").shape == ()


def test_the_weighted_margin_losses_keep_their_weight_as_a_buffer() -> None:
    for criterion in (nn.MultiMarginLoss(weight=[1.0, 2.0]),
                      nn.MultiLabelSoftMarginLoss([1.0, 2.0])):
        assert list(criterion.state_dict()) == ["weight"]
    assert repr(nn.MultiMarginLoss(p=2, weight=[1.0, 2.0])) == (
        "MultiMarginLoss(p=2, margin=1.0, weight=[1.0, 2.0], reduction='mean')")
    assert repr(nn.TripletMarginLoss(swap=True)) == (
        "TripletMarginLoss(margin=1.0, p=2.0, eps=1e-06, swap=True, reduction='mean')")


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: nn.MultiMarginLoss(p=3), ValueError, r"^MultiMarginLoss: only p == 1 and p == 2"),
    (lambda: nn.MultiMarginLoss(weight=[[1.0]]), ValueError,
     r"^MultiMarginLoss: weight must be None or 1-D, got shape \(1, 1\)"),
    (lambda: nn.TripletMarginLoss(margin=0.0), ValueError,
     r"^TripletMarginLoss: margin must be greater than 0, got 0\.0"),
    (lambda: nn.MarginRankingLoss(margin="1"), TypeError,
     r"^MarginRankingLoss: margin must be a number"),
    (lambda: F.multi_margin_loss(tm.ones(2, 3), [0, 3]), IndexError,
     r"^multi_margin_loss: target class 3 is out of range for 3 classes"),
    (lambda: F.multi_margin_loss(tm.ones(2, 3), [0.0, 1.0]), ValueError,
     r"^multi_margin_loss: target must hold class indices, ints; got dtype float64"),
    (lambda: F.multi_margin_loss(tm.ones(2, 3), [0, 1, 2]), ValueError,
     r"^multi_margin_loss: target must hold one class per example, 2, got shape \(3,\)"),
    (lambda: F.multi_margin_loss(tm.ones(2, 3), [0, 1], weight=[1.0, 2.0]), ValueError,
     r"^multi_margin_loss: weight must be 1-D with one value per class, \(3,\), got shape"),
    (lambda: F.multilabel_margin_loss(tm.ones(2, 3), [[0, 3, -1], [0, 1, 2]]), IndexError,
     r"^multilabel_margin_loss: target class 3 is out of range for 3 classes"),
    (lambda: F.multilabel_margin_loss(tm.ones(2, 3, 1), np.zeros((2, 3, 1), int)), ValueError,
     r"^multilabel_margin_loss: input must be a non-empty vector \(C,\) or matrix"),
    (lambda: F.cosine_embedding_loss(tm.ones(2, 3), tm.ones(2, 3), tm.ones(2, 1)), ValueError,
     r"^cosine_embedding_loss: inputs must be \(N, D\) with a target \(N,\)"),
    (lambda: F.margin_ranking_loss(tm.ones(3), tm.ones(1), tm.ones(3)), ValueError,
     r"^margin_ranking_loss: input1 \(3,\), input2 \(1,\) and target \(3,\) must have the "
     r"same shape"),
    (lambda: F.triplet_margin_loss(tm.ones(2, 3), tm.ones(2, 3), tm.ones(3)), ValueError,
     r"^triplet_margin_loss: anchor, positive and negative must have the same number of dims"),
    (lambda: F.triplet_margin_loss(tm.ones(3), tm.ones(3), tm.ones(3), margin=-1.0),
     ValueError, r"^triplet_margin_loss: margin must be greater than 0, got -1\.0"),
    (lambda: F.poisson_nll_loss(tm.ones(2, 3), tm.ones(3)), ValueError,
     r"^poisson_nll_loss: target shape \(3,\) differs from input shape \(2, 3\)"),
    (lambda: F.multilabel_soft_margin_loss(tm.ones(2, 3), tm.ones(2, 3), weight=[1.0, 2.0]),
     ValueError, r"^multilabel_soft_margin_loss: weight of shape \(2,\) does not broadcast"),
    (lambda: F.soft_margin_loss(tm.tensor([1, 2]), [1, -1]), TypeError,
     r"^soft_margin_loss: .*floating point"),
])
def test_margin_losses_refuse_bad_arguments_naming_the_loss(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()


def test_at_the_hinge_the_gradient_is_pytorchs(torch: ModuleType) -> None:
    tf = torch.nn.functional
    x1, x2, y = np.array([1.0, 0.5]), np.array([0.0, 0.5]), np.array([1.0, -1.0])
    calls = [  # each exactly at its hinge: z = 0
        (F.margin_ranking_loss, tf.margin_ranking_loss, [x2, x2, y], {}),
        (F.hinge_embedding_loss, tf.hinge_embedding_loss, [x1, -y], {}),
        (F.multi_margin_loss, tf.multi_margin_loss, [np.array([[1.0, 0.0]]), np.array([0])], {}),
        (F.multilabel_margin_loss, tf.multilabel_margin_loss,
         [np.array([[1.0, 0.0]]), np.array([[0, -1]])], {}),
        (F.triplet_margin_loss, tf.triplet_margin_loss,
         [np.zeros((1, 2)), np.zeros((1, 2)), np.array([[1.0, 0.0]]) - 1e-6], {"eps": 0.0}),
    ]
    for ours_f, theirs_f, values, kwargs in calls:
        ours_x, theirs_x = tm.tensor(values[0], requires_grad=True), torch.tensor(
            values[0], requires_grad=True)
        ours = ours_f(ours_x, *(tm.tensor(v) for v in values[1:]), **kwargs)
        theirs = theirs_f(theirs_x, *(torch.tensor(v) for v in values[1:]), **kwargs)
        assert_same_value_and_gradient(ours, ours_x, theirs, theirs_x, torch)


@pytest.mark.parametrize("name", sorted(MARGIN_LOSSES))
def test_margin_losses_keep_float32_in_value_and_gradient(name: str) -> None:
    function = MARGIN_LOSSES[name][1]
    arrays_, _, _, _ = _fixed_case(name)
    x = tm.tensor(arrays_[0].astype(np.float32), requires_grad=True)
    rest = [tm.tensor(a.astype(np.float32) if a.dtype.kind == "f" else a) for a in arrays_[1:]]
    loss = _call(function, name, [x, *rest], {}, "mean")
    loss.backward()
    assert loss.dtype == np.float32 and x.grad is not None and x.grad.dtype == np.float32
