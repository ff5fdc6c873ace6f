"""Loss modules: each equals its function in nn.functional; PyTorch agrees where installed."""

from __future__ import annotations

import math
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tests.nn.compare import assert_same_value_and_gradient
from tests.strategies import arrays, logits_and_classes, probabilities, shapes
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
