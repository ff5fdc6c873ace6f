"""nn.functional: linear, activations and losses against hand-written numpy formulas."""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_mlp as tm
from tests.nn.compare import assert_same_value_and_gradient
from tests.strategies import (
    arrays,
    away_from,
    floats_between,
    leaf,
    logits_and_classes,
    nudged_away,
    probabilities,
    shapes,
)
from tinygrad_mlp import nn
from tinygrad_mlp.nn import functional as F

REDUCTIONS = ["mean", "sum", "none"]
CLOSE = {"rtol": 1e-12, "atol": 1e-12}


def reduce(losses: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "mean":
        return np.asarray(losses.mean())
    if reduction == "sum":
        return np.asarray(losses.sum())
    return losses


def numpy_log_softmax(x: np.ndarray) -> np.ndarray:
    shifted = x - x.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def one_hot(labels: np.ndarray, classes: int) -> np.ndarray:
    return np.eye(classes)[labels]


# -- linear and activations ----------------------------------------------------------------


def test_linear_without_bias_is_x_times_w_transposed() -> None:
    x, w = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(4, 3)
    np.testing.assert_array_equal(F.linear(tm.tensor(x), tm.tensor(w)).data, x @ w.T)
    b = np.array([1.0, -1.0, 2.0, 0.5])
    np.testing.assert_array_equal(F.linear(tm.tensor(x), tm.tensor(w), tm.tensor(b)).data,
                                  x @ w.T + b)


@given(data=st.data())
def test_functional_activations_equal_the_modules_and_numpy(data: st.DataObject) -> None:
    x = data.draw(arrays(data.draw(shapes(min_dims=1)), -5.0, 5.0))
    t = tm.tensor(x)
    pairs: list[tuple[tm.Tensor, tm.Tensor, np.ndarray]] = [
        (F.sigmoid(t), nn.Sigmoid()(t), 1 / (1 + np.exp(-x))),
        (F.tanh(t), nn.Tanh()(t), np.tanh(x)),
        (F.relu(t), nn.ReLU()(t), np.maximum(x, 0)),
        (F.softmax(t), nn.Softmax()(t), np.exp(x) / np.exp(x).sum(-1, keepdims=True)),
        (F.log_softmax(t, dim=0), nn.LogSoftmax(dim=0)(t),
         x - np.log(np.exp(x).sum(0, keepdims=True))),
    ]
    for functional, module, expected in pairs:
        np.testing.assert_array_equal(functional.data, module.data)
        np.testing.assert_allclose(functional.data, expected, rtol=1e-10, atol=1e-12)


@given(data=st.data())
def test_smooth_and_leaky_activations_equal_their_modules_and_numpy(data: st.DataObject) -> None:
    x = data.draw(arrays(data.draw(shapes(min_dims=1)), -5.0, 5.0))
    t = tm.tensor(x)
    pairs: list[tuple[tm.Tensor, tm.Tensor, np.ndarray]] = [
        (F.leaky_relu(t, 0.2), nn.LeakyReLU(0.2)(t), np.where(x > 0, x, 0.2 * x)),
        (F.elu(t, 1.5), nn.ELU(1.5)(t), np.where(x > 0, x, 1.5 * np.expm1(np.minimum(x, 0)))),
        (F.softplus(t, 2.0, 4.0), nn.Softplus(2.0, 4.0)(t),
         np.where(2 * x > 4, x, np.log1p(np.exp(2 * x)) / 2)),
        (F.silu(t), nn.SiLU()(t), x / (1 + np.exp(-x))),
        (F.gelu(t), nn.GELU()(t), x * (1 + np.vectorize(math.erf)(x / math.sqrt(2))) / 2),
        (F.gelu(t, "tanh"), nn.GELU("tanh")(t),
         x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))) / 2),
    ]
    for functional, module, expected in pairs:
        np.testing.assert_array_equal(functional.data, module.data)
        np.testing.assert_allclose(functional.data, expected, rtol=1e-12, atol=1e-14)


ACTIVATIONS: dict[str, Callable[[tm.Tensor], tm.Tensor]] = {
    "leaky_relu": lambda t: F.leaky_relu(t, 0.2),
    "elu": lambda t: F.elu(t, 1.5),
    "softplus": lambda t: F.softplus(t, 2.0, 3.0),
    "silu": F.silu,
    "gelu": F.gelu,
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@given(data=st.data())
def test_new_activations_pass_gradcheck_and_gradgradcheck(name: str, data: st.DataObject) -> None:
    x = data.draw(arrays(data.draw(shapes(min_dims=1)), -4.0, 4.0))
    # finite differences must not straddle a kink (0, or softplus's switch at βx = 3)
    assume(np.all(np.abs(x) > 1e-3) and np.all(np.abs(2.0 * x - 3.0) > 1e-3))
    assert tm.gradcheck(ACTIVATIONS[name], [leaf(x)])
    assert tm.gradgradcheck(ACTIVATIONS[name], [leaf(x)])


@pytest.mark.parametrize("name", ["leaky_relu", "elu", "softplus", "silu", "gelu", "gelu_tanh"])
def test_new_activations_equal_pytorchs_with_gradients_at_kinks_and_extremes(
    name: str, torch: ModuleType
) -> None:
    x = np.array([-800.0, -40.0, -3.0, -1e-12, 0.0, 1e-12, 0.7, 3.0, 19.0, 25.0, 800.0])
    theirs_fn = {"leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, 0.2),
                 "elu": lambda t: torch.nn.functional.elu(t, 1.5),
                 "softplus": lambda t: torch.nn.functional.softplus(t, 2.0, 3.0),
                 "silu": torch.nn.functional.silu, "gelu": torch.nn.functional.gelu,
                 "gelu_tanh": lambda t: torch.nn.functional.gelu(t, approximate="tanh")}[name]
    ours_input = tm.tensor(x, requires_grad=True)
    theirs_input = torch.tensor(x, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing overflows, even at ±800
        ours = F.gelu(ours_input, "tanh") if name == "gelu_tanh" else ACTIVATIONS[name](
            ours_input)
        assert_same_value_and_gradient(ours, ours_input, theirs_fn(theirs_input),
                                       theirs_input, torch, rtol=1e-13, atol=1e-300)


@pytest.mark.parametrize("bad", [np.array([1.0]), tm.tensor([1, 2])])
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_new_activations_refuse_an_input_that_is_not_a_float_tensor(name: str, bad: Any) -> None:
    with pytest.raises(TypeError, match=rf"{name}: "):
        ACTIVATIONS[name](bad)


# -- dropout --------------------------------------------------------------------------------


def test_dropout_zeroes_a_fraction_p_and_scales_the_rest_by_one_over_1_minus_p() -> None:
    out = F.dropout(tm.tensor(np.full((200, 300), 2.0)), 0.25,
                    generator=np.random.default_rng(0)).data
    assert set(np.unique(out)) == {0.0, 2.0 / 0.75}
    assert (out == 0).mean() == pytest.approx(0.25, abs=0.01)


def test_dropout_without_training_or_with_p_zero_returns_the_input_itself() -> None:
    x = tm.tensor(np.ones((2, 3)))
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x


def test_dropout_draws_its_mask_from_the_generator_given_or_the_global_one() -> None:
    x = tm.tensor(np.ones((10, 10)))
    a = F.dropout(x, generator=np.random.default_rng(4)).data
    np.testing.assert_array_equal(a, F.dropout(x, generator=np.random.default_rng(4)).data)
    tm.manual_seed(4)
    b = F.dropout(x).data
    tm.manual_seed(4)
    np.testing.assert_array_equal(b, F.dropout(x).data)


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan")])
def test_dropout_rejects_p_outside_zero_one_naming_it(p: float) -> None:
    with pytest.raises(ValueError, match=rf"dropout: p .* must be in \[0, 1\], got {p}"):
        F.dropout(tm.tensor([1.0]), p)


@pytest.mark.parametrize("p", ["0.5", True, None])
def test_dropout_rejects_p_that_is_not_a_number(p: Any) -> None:
    with pytest.raises(TypeError, match=rf"dropout: p must be a number in \[0, 1\], got "
                                        rf"{type(p).__name__}"):
        F.dropout(tm.tensor([1.0]), p)


@pytest.mark.parametrize("bad", [np.array([1.0]), [1.0], tm.tensor([1, 2])])
def test_dropout_rejects_an_input_that_is_not_a_float_tensor(bad: Any) -> None:
    with pytest.raises(TypeError, match="dropout: "):
        F.dropout(bad)


def test_dropout_rejects_a_generator_that_is_not_a_numpy_generator() -> None:
    with pytest.raises(TypeError, match=r"dropout: generator must be a numpy\.random\.Generator"):
        F.dropout(tm.tensor([1.0]), generator=5)


# -- mse_loss -------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data())
def test_mse_loss_is_the_squared_error_reduced_as_asked(
    reduction: str, data: st.DataObject
) -> None:
    shape = data.draw(shapes())
    x, y = data.draw(arrays(shape)), data.draw(arrays(shape))
    loss = F.mse_loss(tm.tensor(x), y, reduction=reduction)
    np.testing.assert_allclose(loss.data, reduce((x - y) ** 2, reduction), **CLOSE)


def test_mse_loss_default_is_the_mean_over_every_element() -> None:
    loss = F.mse_loss(tm.tensor([[1.0, 2.0], [3.0, 4.0]]), [[1.0, 0.0], [0.0, 0.0]])
    assert loss.item() == pytest.approx((0 + 4 + 9 + 16) / 4)


@pytest.mark.parametrize("shape", [(0,), (0, 3)])
def test_mse_loss_of_an_empty_input_has_a_nan_mean_a_zero_sum_and_no_warning(
    shape: tuple[int, ...]
) -> None:
    x = leaf(np.zeros(shape))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mean = F.mse_loss(x, np.zeros(shape))
        mean.backward()
        total = F.mse_loss(x, np.zeros(shape), reduction="sum")
        module = nn.MSELoss()(x, np.zeros(shape))
    assert np.isnan(mean.item()) and np.isnan(module.item()) and total.item() == 0.0
    assert x.grad is not None and x.grad.shape == shape


def test_mse_loss_of_an_empty_input_equals_pytorchs(torch: ModuleType) -> None:
    for reduction in REDUCTIONS:
        ours = F.mse_loss(tm.tensor(np.zeros((0, 3))), np.zeros((0, 3)), reduction=reduction)
        theirs = torch.nn.functional.mse_loss(torch.zeros(0, 3, dtype=torch.float64),
                                              torch.zeros(0, 3, dtype=torch.float64),
                                              reduction=reduction)
        np.testing.assert_array_equal(ours.data, theirs.numpy())


# -- quadratic_cost -------------------------------------------------------------------------


@given(data=st.data())
def test_quadratic_cost_mean_is_one_over_2n_sum_of_squared_norms(data: st.DataObject) -> None:
    n, width = data.draw(st.integers(1, 5)), data.draw(st.integers(1, 4))
    a, y = data.draw(arrays((n, width))), data.draw(arrays((n, width)))
    expected = sum(np.linalg.norm(y[i] - a[i]) ** 2 for i in range(n)) / (2 * n)
    np.testing.assert_allclose(F.quadratic_cost(tm.tensor(a), y).data, expected, **CLOSE)
    np.testing.assert_allclose(F.quadratic_cost(tm.tensor(a), y, reduction="mean").data,
                               expected, **CLOSE)


@given(data=st.data())
def test_quadratic_cost_sum_is_half_the_sum_of_squares(data: st.DataObject) -> None:
    shape = data.draw(shapes())
    a, y = data.draw(arrays(shape)), data.draw(arrays(shape))
    np.testing.assert_allclose(F.quadratic_cost(tm.tensor(a), y, reduction="sum").data,
                               0.5 * ((y - a) ** 2).sum(), **CLOSE)


def test_quadratic_cost_of_a_single_example_vector_divides_by_one() -> None:
    a, y = np.array([0.5, 0.25]), np.array([1.0, 0.0])
    expected = 0.5 * (0.25 + 0.0625)
    assert F.quadratic_cost(tm.tensor(a), y).item() == pytest.approx(expected)
    assert F.quadratic_cost(tm.tensor(a), y, reduction="sum").item() == pytest.approx(expected)


def test_quadratic_cost_mean_is_mse_times_width_over_two() -> None:
    rng = np.random.default_rng(0)
    a, y = rng.standard_normal((6, 3)), rng.standard_normal((6, 3))
    np.testing.assert_allclose(F.quadratic_cost(tm.tensor(a), y).data,
                               F.mse_loss(tm.tensor(a), y).data * 3 / 2, **CLOSE)


def test_quadratic_cost_rejects_reduction_none() -> None:
    with pytest.raises(ValueError, match="quadratic_cost: reduction must be 'mean' or 'sum'"):
        F.quadratic_cost(tm.tensor([1.0]), [0.0], reduction="none")


# -- binary_cross_entropy -------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data())
def test_bce_with_logits_is_bce_of_the_sigmoid(reduction: str, data: st.DataObject) -> None:
    shape = data.draw(shapes(min_dims=1))
    x = data.draw(arrays(shape, -6.0, 6.0))
    t = data.draw(probabilities(shape))
    ours = F.binary_cross_entropy_with_logits(tm.tensor(x), tm.tensor(t), reduction=reduction)
    p = 1 / (1 + np.exp(-x))
    expected = reduce(-(t * np.log(p) + (1 - t) * np.log(1 - p)), reduction)
    np.testing.assert_allclose(ours.data, expected, rtol=1e-10, atol=1e-12)


@given(data=st.data())
def test_bce_with_logits_passes_gradcheck_and_gradgradcheck_in_logits_and_target(
    data: st.DataObject,
) -> None:
    shape = data.draw(shapes(min_dims=1, max_dims=2))
    x, t = leaf(data.draw(arrays(shape, -4.0, 4.0))), leaf(data.draw(probabilities(shape)))
    positive = np.linspace(0.5, 3.0, shape[-1])

    def loss(x: tm.Tensor, t: tm.Tensor) -> tm.Tensor:
        return F.binary_cross_entropy_with_logits(x, t, pos_weight=positive)

    assert tm.gradcheck(loss, [x, t])
    assert tm.gradgradcheck(loss, [x, t])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_equals_pytorchs_with_weights_and_saturated_logits(
    reduction: str, torch: ModuleType
) -> None:
    x = np.array([[-800.0, -40.0, 0.0], [1e-9, 40.0, 800.0], [-2.0, 0.5, 3.0]])
    t = np.array([[0.0, 1.0, 0.5], [1.0, 0.0, 1.0], [0.3, 0.9, 0.0]])
    weight, positive = np.array([[1.0], [0.5], [2.0]]), np.array([0.5, 2.0, 3.0])
    ours_input = tm.tensor(x, requires_grad=True)
    theirs_input = torch.tensor(x, requires_grad=True)
    ours = nn.BCEWithLogitsLoss(weight, reduction, positive)(ours_input, t)
    theirs = torch.nn.BCEWithLogitsLoss(torch.tensor(weight), reduction=reduction,
                                        pos_weight=torch.tensor(positive))(
        theirs_input, torch.tensor(t))
    assert_same_value_and_gradient(ours, ours_input, theirs, theirs_input, torch, rtol=1e-13)


def test_bce_with_logits_refuses_a_pos_weight_that_does_not_broadcast() -> None:
    with pytest.raises(ValueError, match=r"binary_cross_entropy_with_logits: pos_weight of "
                                         r"shape \(2,\) does not broadcast to the input shape "
                                         r"\(4, 3\)"):
        F.binary_cross_entropy_with_logits(tm.zeros(4, 3), tm.zeros(4, 3), pos_weight=[1.0, 2.0])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data())
def test_binary_cross_entropy_matches_the_formula(reduction: str, data: st.DataObject) -> None:
    shape = data.draw(shapes())
    p = data.draw(probabilities(shape, margin=1e-6))
    y = data.draw(arrays(shape, 0.0, 1.0))  # soft targets are allowed
    expected = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    loss = F.binary_cross_entropy(tm.tensor(p), y, reduction=reduction)
    np.testing.assert_allclose(loss.data, reduce(expected, reduction), rtol=1e-10, atol=1e-12)


def test_binary_cross_entropy_clamps_log_at_minus_100_so_saturation_is_finite() -> None:
    p = tm.tensor([0.0, 1.0, 0.0, 1.0, 1e-50], requires_grad=True)
    y = np.array([1.0, 0.0, 0.0, 1.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        losses = F.binary_cross_entropy(p, y, reduction="none")
        losses.sum().backward()
    np.testing.assert_array_equal(losses.data, [100.0, 100.0, 0.0, 0.0, 100.0])
    assert p.grad is not None and np.isfinite(p.grad.data).all()


def test_binary_cross_entropy_of_a_saturated_sigmoid_keeps_the_network_gradients_finite() -> None:
    layer = nn.Linear(1, 1)
    layer.load_state_dict({"weight": [[100.0]], "bias": [0.0]})
    p = layer(tm.tensor([[1.0], [-1.0]])).sigmoid()  # exactly 1.0 and ~3.7e-44 in float64
    assert p.data[0, 0] == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.binary_cross_entropy(p, [[0.0], [1.0]]).backward()
    assert all(np.isfinite(q.grad.data).all() for q in layer.parameters())


def test_binary_cross_entropy_pushes_a_prediction_saturated_on_the_wrong_side_as_pytorch() -> None:
    p = tm.tensor([0.0, 1.0, 1e-30, 0.3], requires_grad=True)
    y = tm.tensor([1.0, 0.0, 1.0, 0.7], requires_grad=True)
    F.binary_cross_entropy(p, y, reduction="sum").backward()
    assert p.grad is not None and y.grad is not None
    # dL/dp = (p - y) / max(p (1 - p), 1e-12): not 0 where the log was clamped
    np.testing.assert_allclose(p.grad.data, [-1e12, 1e12, -1e12, -0.4 / 0.21])
    # dL/dy = ln(1 - p) - ln p with the forward's clamped logs: finite, as the loss is
    np.testing.assert_allclose(y.grad.data, [100.0, -100.0, -np.log(1e-30), np.log(0.7 / 0.3)])


@given(data=st.data())
def test_binary_cross_entropy_second_derivatives_pass_gradgradcheck(data: st.DataObject) -> None:
    shape = data.draw(shapes())
    p, y = leaf(data.draw(probabilities(shape))), leaf(data.draw(probabilities(shape)))
    assert tm.gradgradcheck(lambda p, y: F.binary_cross_entropy(p, y, reduction="sum"), [p, y])


@pytest.mark.parametrize("bad", [-0.1, 1.5, -1e-12])
def test_binary_cross_entropy_rejects_inputs_outside_zero_one(bad: float) -> None:
    with pytest.raises(ValueError, match=r"binary_cross_entropy: input must be probabilities"):
        F.binary_cross_entropy(tm.tensor([0.5, bad]), [1.0, 0.0])


def test_binary_cross_entropy_works_in_float32() -> None:
    p = tm.tensor(np.array([0.0, 0.25, 1.0], dtype=np.float32), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = F.binary_cross_entropy(p, np.array([1.0, 1.0, 0.0], dtype=np.float32),
                                      reduction="sum")
        loss.backward()
    assert loss.item() == pytest.approx(200 - np.log(0.25), rel=1e-6)
    assert p.grad is not None and np.isfinite(p.grad.data).all()


def broadcasting_weight_shape(data: st.DataObject, shape: tuple[int, ...]) -> tuple[int, ...]:
    """A shape that broadcasts to ``shape``: a suffix of it, some sides made 1."""
    suffix = shape[len(shape) - data.draw(st.integers(0, len(shape))):]
    return tuple(data.draw(st.sampled_from([1, side])) for side in suffix)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data())
def test_binary_cross_entropy_weight_rescales_each_elements_loss(
    reduction: str, data: st.DataObject
) -> None:
    shape = data.draw(shapes())
    weight_shape = broadcasting_weight_shape(data, shape)
    p, y = data.draw(probabilities(shape)), data.draw(arrays(shape, 0.0, 1.0))
    weight = data.draw(arrays(weight_shape, 0.0, 3.0))
    expected = -(y * np.log(p) + (1 - y) * np.log(1 - p)) * weight
    loss = F.binary_cross_entropy(tm.tensor(p), y, weight=weight, reduction=reduction)
    np.testing.assert_allclose(loss.data, reduce(expected, reduction), rtol=1e-10, atol=1e-12)


def test_binary_cross_entropy_weighted_mean_is_over_all_elements() -> None:
    p, y = tm.tensor([0.5, 0.5, 0.25]), np.array([1.0, 0.0, 1.0])
    weight = tm.tensor([2.0, 0.0, 1.0])  # a Tensor weight is read like an array
    loss = F.binary_cross_entropy(p, y, weight, reduction="none")
    np.testing.assert_allclose(loss.data, [2 * np.log(2), 0.0, np.log(4)])
    assert F.binary_cross_entropy(p, y, weight).item() == pytest.approx(4 * np.log(2) / 3)


@pytest.mark.parametrize("weight_shape", [(2,), (3, 1), (1, 2, 3), (4, 3)])
def test_binary_cross_entropy_weight_that_does_not_broadcast_raises_naming_both_shapes(
    weight_shape: tuple[int, ...],
) -> None:
    message = (rf"binary_cross_entropy: weight of shape {re.escape(str(weight_shape))} does "
               r"not broadcast to the input shape \(2, 3\)")
    with pytest.raises(ValueError, match=message):
        F.binary_cross_entropy(tm.tensor(np.full((2, 3), 0.5)), np.zeros((2, 3)),
                               weight=np.ones(weight_shape))


@given(data=st.data())
def test_binary_cross_entropy_with_weight_passes_gradcheck_and_gradgradcheck(
    data: st.DataObject,
) -> None:
    shape = data.draw(shapes(min_dims=1))
    p, y = leaf(data.draw(probabilities(shape))), leaf(data.draw(probabilities(shape)))
    weight = data.draw(arrays(shape[-1:], 0.0, 3.0))
    assert tm.gradcheck(lambda p, y: F.binary_cross_entropy(p, y, weight), [p, y])
    assert tm.gradgradcheck(lambda p, y: F.binary_cross_entropy(p, y, weight, "sum"), [p, y])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data())
def test_binary_cross_entropy_with_weight_and_its_gradient_equal_pytorchs(
    torch: ModuleType, reduction: str, data: st.DataObject
) -> None:
    shape = data.draw(shapes())
    weight_shape = broadcasting_weight_shape(data, shape)
    p, y = data.draw(probabilities(shape, margin=1e-6)), data.draw(arrays(shape, 0.0, 1.0))
    weight = data.draw(arrays(weight_shape, 0.0, 3.0))
    ours_p, theirs_p = tm.tensor(p, requires_grad=True), torch.tensor(p, requires_grad=True)
    ours = F.binary_cross_entropy(ours_p, y, weight=weight, reduction=reduction)
    theirs = torch.nn.functional.binary_cross_entropy(
        theirs_p, torch.tensor(y), weight=torch.tensor(weight), reduction=reduction)
    assert_same_value_and_gradient(ours, ours_p, theirs, theirs_p, torch)


# -- cross_entropy --------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(case=logits_and_classes())
def test_cross_entropy_with_class_indices_is_minus_log_softmax_of_the_true_class(
    reduction: str, case: tuple[np.ndarray, np.ndarray]
) -> None:
    logits, labels = case
    expected = -numpy_log_softmax(logits)[np.arange(len(labels)), labels]
    loss = F.cross_entropy(tm.tensor(logits), labels, reduction=reduction)
    assert loss.shape == (() if reduction != "none" else (len(labels),))
    np.testing.assert_allclose(loss.data, reduce(expected, reduction), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(case=logits_and_classes())
def test_cross_entropy_with_one_hot_targets_equals_class_indices(
    reduction: str, case: tuple[np.ndarray, np.ndarray]
) -> None:
    logits, labels = case
    with_indices = F.cross_entropy(tm.tensor(logits), labels, reduction=reduction)
    with_one_hot = F.cross_entropy(
        tm.tensor(logits), one_hot(labels, logits.shape[1]), reduction=reduction
    )
    np.testing.assert_allclose(with_one_hot.data, with_indices.data, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(case=logits_and_classes(), data=st.data())
def test_cross_entropy_with_probability_targets_is_minus_sum_of_p_log_softmax(
    reduction: str, case: tuple[np.ndarray, np.ndarray], data: st.DataObject
) -> None:
    logits, _ = case
    weights = data.draw(arrays(logits.shape, 0.1, 1.0))
    targets = weights / weights.sum(axis=1, keepdims=True)
    expected = -(targets * numpy_log_softmax(logits)).sum(axis=1)
    loss = F.cross_entropy(tm.tensor(logits), targets, reduction=reduction)
    np.testing.assert_allclose(loss.data, reduce(expected, reduction), rtol=1e-10, atol=1e-12)


def test_cross_entropy_is_stable_and_warning_free_for_logits_near_1e3() -> None:
    logits = tm.tensor([[1000.0, -1000.0, 0.0], [1e3, 1e3, -1e3]], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = F.cross_entropy(logits, [1, 0], reduction="none")
        loss.sum().backward()
        one_hot_loss = F.cross_entropy(logits, [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]],
                                        reduction="none")
    np.testing.assert_allclose(loss.data, [2000.0, np.log(2.0)])
    np.testing.assert_allclose(one_hot_loss.data, loss.data)
    assert logits.grad is not None
    np.testing.assert_allclose(logits.grad.data, [[1.0, -1.0, 0.0], [-0.5, 0.5, 0.0]], atol=1e-12)


@pytest.mark.parametrize("label", [3, 7, -1])
def test_cross_entropy_out_of_range_class_raises_index_error_naming_it(label: int) -> None:
    with pytest.raises(IndexError, match=rf"target class {label} is out of range for 3 classes"):
        F.cross_entropy(tm.tensor(np.zeros((2, 3))), np.array([0, label]))


@pytest.mark.parametrize("target", [np.array([[0], [1]]), np.array([0, 1, 2]), np.array(1)])
def test_cross_entropy_class_index_target_of_the_wrong_shape_raises(target: np.ndarray) -> None:
    with pytest.raises(ValueError, match=r"class-index target must have shape \(2,\)"):
        F.cross_entropy(tm.tensor(np.zeros((2, 3))), target)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8])
def test_cross_entropy_int_target_shaped_like_the_input_says_probabilities_must_be_floats(
    dtype: type,
) -> None:
    one_hot_ints = np.eye(4, dtype=dtype)[[1, 2, 0]]
    message = (rf"cross_entropy: a target shaped like the input, \(3, 4\), holds class "
               rf"probabilities, which must be floating point; got dtype {np.dtype(dtype)} "
               rf".*astype\(float\).*class indices shaped \(3,\)")
    with pytest.raises(ValueError, match=message):
        F.cross_entropy(tm.tensor(np.zeros((3, 4))), one_hot_ints)


def test_cross_entropy_probability_target_of_the_wrong_shape_raises_naming_both() -> None:
    message = r"target shape \(2, 2\) differs from input shape \(2, 3\)"
    with pytest.raises(ValueError, match=message):
        F.cross_entropy(tm.tensor(np.zeros((2, 3))), np.full((2, 2), 0.5))


@pytest.mark.parametrize("shape", [(3,), (2, 3, 4), ()])
def test_cross_entropy_needs_two_dimensional_logits(shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match=r"cross_entropy: input must be logits shaped \(N, C\)"):
        F.cross_entropy(tm.tensor(np.zeros(shape)), np.zeros(shape[:1], dtype=np.int64))


# p = softmax of these logits is (1/4, 1/2, 1/4): its cross-entropies are ln 4 and ln 2
QUARTER_HALF_QUARTER = np.log([[1.0, 2.0, 1.0]])


def test_cross_entropy_weights_rescale_each_loss_and_the_mean_divides_by_their_total() -> None:
    logits = tm.tensor(np.repeat(QUARTER_HALF_QUARTER, 2, axis=0))
    weight, labels = np.array([1.0, 3.0, 1.0]), np.array([0, 1])
    losses = F.cross_entropy(logits, labels, weight=weight, reduction="none")
    np.testing.assert_allclose(losses.data, [np.log(4), 3 * np.log(2)])
    assert F.cross_entropy(logits, labels, weight, reduction="sum").item() == pytest.approx(
        5 * np.log(2))
    assert F.cross_entropy(logits, labels, weight).item() == pytest.approx(5 * np.log(2) / 4)


def test_cross_entropy_ignored_examples_lose_zero_leave_the_mean_and_get_no_gradient() -> None:
    logits = leaf(np.repeat(QUARTER_HALF_QUARTER, 3, axis=0))
    labels = np.array([0, -100, 1])
    losses = F.cross_entropy(logits, labels, reduction="none")
    np.testing.assert_allclose(losses.data, [np.log(4), 0.0, np.log(2)])
    loss = F.cross_entropy(logits, labels)
    assert loss.item() == pytest.approx(np.log(8) / 2)
    loss.backward()
    assert logits.grad is not None
    np.testing.assert_array_equal(logits.grad.data[1], 0.0)
    np.testing.assert_allclose(logits.grad.data[0], [-0.75 / 2, 0.5 / 2, 0.25 / 2])


@pytest.mark.parametrize("ignore_index", [1, 3, -1, 7])
def test_cross_entropy_ignore_index_may_name_a_class_or_a_value_out_of_range(
    ignore_index: int,
) -> None:
    logits = tm.tensor(np.repeat(QUARTER_HALF_QUARTER, 2, axis=0))
    loss = F.cross_entropy(logits, np.array([0, ignore_index]), ignore_index=ignore_index,
                           reduction="none")
    np.testing.assert_allclose(loss.data, [np.log(4), 0.0])


@pytest.mark.parametrize("weight", [None, np.array([1.0, 2.0, 3.0])])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.4])
def test_cross_entropy_with_every_target_ignored_has_a_nan_mean_zero_gradient_no_warning(
    weight: np.ndarray | None, label_smoothing: float
) -> None:
    logits = leaf(np.random.default_rng(0).standard_normal((3, 3)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = F.cross_entropy(logits, np.full(3, -100), weight, label_smoothing=label_smoothing)
        loss.backward()
        total = F.cross_entropy(logits, np.full(3, -100), weight, reduction="sum",
                                label_smoothing=label_smoothing)
    assert np.isnan(loss.item()) and total.item() == 0.0
    assert logits.grad is not None
    np.testing.assert_array_equal(logits.grad.data, 0.0)


def test_cross_entropy_label_smoothing_gives_the_closed_form_on_a_tiny_input() -> None:
    # ε = 0.5, C = 3, class 1: q = (1/6, 1/2 + 1/6, 1/6); -Σ q ln p = (1/3) ln 4 + (2/3) ln 2
    loss = F.cross_entropy(tm.tensor(QUARTER_HALF_QUARTER), np.array([1]), label_smoothing=0.5)
    assert loss.item() == pytest.approx(4 / 3 * np.log(2))
    smoothed = F.cross_entropy(tm.tensor(QUARTER_HALF_QUARTER), np.array([[0.0, 1.0, 0.0]]),
                               label_smoothing=0.5)
    assert smoothed.item() == pytest.approx(4 / 3 * np.log(2))
    uniform = F.cross_entropy(tm.tensor(QUARTER_HALF_QUARTER), np.array([0]), label_smoothing=1.0)
    assert uniform.item() == pytest.approx((2 * np.log(4) + np.log(2)) / 3)


@pytest.mark.parametrize("reduction", ["sum", "none"])
@given(case=logits_and_classes(), label_smoothing=floats_between(0.0, 1.0), data=st.data())
def test_cross_entropy_smoothed_class_indices_equal_their_smoothed_one_hot_distribution(
    reduction: str, case: tuple[np.ndarray, np.ndarray], label_smoothing: float,
    data: st.DataObject,
) -> None:
    logits, labels = case
    classes = logits.shape[1]
    weight = data.draw(st.none() | arrays((classes,), 0.1, 2.0))
    smoothed = one_hot(labels, classes) * (1 - label_smoothing) + label_smoothing / classes
    by_index = F.cross_entropy(tm.tensor(logits), labels, weight, reduction=reduction,
                               label_smoothing=label_smoothing)
    by_one_hot = F.cross_entropy(tm.tensor(logits), one_hot(labels, classes), weight,
                                 reduction=reduction, label_smoothing=label_smoothing)
    by_distribution = F.cross_entropy(tm.tensor(logits), smoothed, weight, reduction=reduction)
    np.testing.assert_allclose(by_index.data, by_distribution.data, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(by_one_hot.data, by_distribution.data, rtol=1e-10, atol=1e-12)


def test_cross_entropy_with_probability_targets_divides_the_weighted_mean_by_n() -> None:
    logits = tm.tensor(np.repeat(QUARTER_HALF_QUARTER, 2, axis=0))
    weight, targets = np.array([1.0, 3.0, 1.0]), np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    assert F.cross_entropy(logits, targets, weight).item() == pytest.approx(
        (np.log(4) + 3 * np.log(2)) / 2)


def test_cross_entropy_weight_may_be_a_tensor_and_stays_a_constant() -> None:
    logits, labels = leaf(np.random.default_rng(1).standard_normal((4, 3))), np.array([0, 2, 1, 2])
    weight = tm.tensor([0.5, 1.0, 2.0])
    loss = F.cross_entropy(logits, labels, weight, label_smoothing=0.1)
    np.testing.assert_array_equal(
        loss.data, F.cross_entropy(logits, labels, weight.data, label_smoothing=0.1).data)
    loss.backward()
    assert weight.grad is None and weight.requires_grad is False


@pytest.mark.parametrize("name", ["cross_entropy", "binary_cross_entropy"])
def test_losses_refuse_a_weight_that_requires_grad_as_pytorch_does(name: str) -> None:
    weight = tm.tensor([1.0, 2.0], requires_grad=True)
    target: Any = np.array([0, 1]) if name == "cross_entropy" else np.full((2, 2), 0.5)
    with pytest.raises(ValueError, match=rf"{name}: weight requires grad.*weight\.detach\(\)"):
        getattr(F, name)(tm.tensor(np.full((2, 2), 0.5)), target, weight=weight)


def test_cross_entropy_keeps_float32_with_weight_ignore_index_and_smoothing() -> None:
    logits = tm.tensor(np.zeros((3, 2), dtype=np.float32), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = F.cross_entropy(logits, [0, 1, -100], weight=np.array([1.0, 2.0]),
                               label_smoothing=0.2)
        loss.backward()
    assert loss.dtype == np.float32 and loss.item() == pytest.approx(np.log(2), rel=1e-6)
    assert logits.grad is not None and logits.grad.dtype == np.float32


@pytest.mark.parametrize("weight_shape", [(2,), (4,), (1, 3), ()])
def test_cross_entropy_weight_of_the_wrong_shape_raises_naming_it(
    weight_shape: tuple[int, ...],
) -> None:
    message = (r"cross_entropy: weight must hold one value per class, shape \(3,\), got "
               rf"{re.escape(str(weight_shape))} \(input shape \(2, 3\)\)")
    with pytest.raises(ValueError, match=message):
        F.cross_entropy(tm.tensor(np.zeros((2, 3))), np.array([0, 1]), np.ones(weight_shape))


@pytest.mark.parametrize("label_smoothing", [-0.1, 1.5, float("nan")])
def test_cross_entropy_label_smoothing_outside_zero_one_raises_naming_it(
    label_smoothing: float,
) -> None:
    with pytest.raises(ValueError, match=rf"cross_entropy: label_smoothing must be in \[0, 1\], "
                                         rf"got {label_smoothing}"):
        F.cross_entropy(tm.tensor(np.zeros((2, 3))), np.array([0, 1]),
                        label_smoothing=label_smoothing)


def test_cross_entropy_ignore_index_of_a_class_with_probability_targets_raises() -> None:
    with pytest.raises(ValueError, match=r"cross_entropy: ignore_index=0 needs class-index "
                                         r"targets, got probabilities shaped \(2, 3\)"):
        F.cross_entropy(tm.tensor(np.zeros((2, 3))), np.full((2, 3), 1 / 3), ignore_index=0)


def test_cross_entropy_out_of_range_class_raises_when_ignore_index_is_another_value() -> None:
    with pytest.raises(IndexError, match=r"target class -100 is out of range for 3 classes "
                                         r"\(input shape \(2, 3\)\), and is not ignore_index "
                                         r"\(-1\)"):
        F.cross_entropy(tm.tensor(np.zeros((2, 3))), np.array([-1, -100]), ignore_index=-1)


def cross_entropy_case(data: st.DataObject) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Logits, a target and cross_entropy's options: a weight, ignored examples, smoothing."""
    logits, labels = data.draw(logits_and_classes())
    classes = logits.shape[1]
    options: dict[str, Any] = {
        "weight": data.draw(st.none() | arrays((classes,), 0.1, 2.0)),
        "label_smoothing": data.draw(st.sampled_from([0.0, 1.0]) | floats_between(0.0, 1.0)),
    }
    if data.draw(st.booleans()):  # probabilities, which know no ignore_index
        rows = data.draw(arrays(logits.shape, 0.1, 1.0))
        return logits, rows / rows.sum(axis=1, keepdims=True), options
    options["ignore_index"] = data.draw(st.sampled_from([-100, 0, classes]))
    ignored = data.draw(hnp.arrays(np.bool_, labels.shape))
    return logits, np.where(ignored, options["ignore_index"], labels), options


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data())
def test_cross_entropy_with_weight_ignore_index_and_smoothing_passes_gradcheck(
    reduction: str, data: st.DataObject
) -> None:
    logits, target, options = cross_entropy_case(data)
    x = leaf(logits)
    loss = F.cross_entropy(x, target, reduction=reduction, **options)
    assume(not np.isnan(loss.data).any())  # the mean when all are ignored: tested above
    assert tm.gradcheck(lambda x: F.cross_entropy(x, target, reduction=reduction, **options), [x])


@given(data=st.data())
def test_cross_entropy_with_label_smoothing_second_derivatives_pass_gradgradcheck(
    data: st.DataObject,
) -> None:
    logits, target, options = cross_entropy_case(data)
    options["label_smoothing"] = data.draw(floats_between(0.05, 1.0))
    assert tm.gradgradcheck(
        lambda x: F.cross_entropy(x, target, reduction="sum", **options), [leaf(logits)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data())
def test_cross_entropy_with_weight_ignore_index_and_smoothing_equals_pytorchs(
    torch: ModuleType, reduction: str, data: st.DataObject
) -> None:
    logits, target, options = cross_entropy_case(data)
    ours_x, theirs_x = leaf(logits), torch.tensor(logits, requires_grad=True)
    ours = F.cross_entropy(ours_x, target, reduction=reduction, **options)
    weight = options["weight"]
    theirs = torch.nn.functional.cross_entropy(
        theirs_x, torch.tensor(target), reduction=reduction,
        **{**options, "weight": None if weight is None else torch.tensor(weight)})
    assert_same_value_and_gradient(ours, ours_x, theirs, theirs_x, torch)


# -- shared behaviour of the losses ---------------------------------------------------------

ELEMENTWISE_LOSSES: dict[str, Callable[..., tm.Tensor]] = {
    "mse_loss": F.mse_loss,
    "quadratic_cost": F.quadratic_cost,
    "binary_cross_entropy": F.binary_cross_entropy,
}


@pytest.mark.parametrize("name", sorted(ELEMENTWISE_LOSSES))
def test_losses_reject_a_target_of_another_shape_naming_both(name: str) -> None:
    with pytest.raises(ValueError, match=rf"{name}: target shape \(3,\) differs from input "
                                         r"shape \(3, 1\)"):
        ELEMENTWISE_LOSSES[name](tm.tensor(np.full((3, 1), 0.5)), np.zeros(3))


@pytest.mark.parametrize("name", ["mse_loss", "binary_cross_entropy", "cross_entropy"])
@pytest.mark.parametrize("reduction", ["avg", "Mean", "", None])
def test_losses_reject_unknown_reduction_strings_naming_them(name: str, reduction: Any) -> None:
    loss = getattr(F, name)
    target: Any = np.array([0, 1]) if name == "cross_entropy" else np.full((2, 2), 0.5)
    with pytest.raises(ValueError, match=rf"{name}: reduction must be 'mean', 'sum' or 'none', "
                                         rf"got {reduction!r}"):
        loss(tm.tensor(np.full((2, 2), 0.5)), target, reduction=reduction)


@pytest.mark.parametrize("reduction", ["avg", "none", None])
def test_quadratic_cost_rejects_unknown_reduction_strings_naming_them(reduction: Any) -> None:
    with pytest.raises(ValueError, match=rf"got {reduction!r}"):
        F.quadratic_cost(tm.tensor(np.zeros((2, 2))), np.zeros((2, 2)), reduction=reduction)


@pytest.mark.parametrize("name", ["mse_loss", "quadratic_cost", "binary_cross_entropy",
                                  "cross_entropy"])
def test_a_target_that_requires_grad_gets_its_exact_gradient_as_in_pytorch(name: str) -> None:
    x = leaf(np.array([[0.4, 0.1, 0.7], [0.3, 0.9, 0.5]]))
    target = leaf(np.array([[0.2, 0.6, 0.1], [0.5, 0.3, 0.8]]))
    getattr(F, name)(x, target).backward()
    assert x.grad is not None and target.grad is not None
    assert tm.gradcheck(lambda t: getattr(F, name)(x.detach(), t), [target])


# -- gradients ------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data())
def test_mse_loss_gradients_pass_gradcheck(reduction: str, data: st.DataObject) -> None:
    shape = data.draw(shapes())
    x, y = leaf(data.draw(arrays(shape))), data.draw(arrays(shape))
    assert tm.gradcheck(lambda x: F.mse_loss(x, y, reduction), [x])


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@given(data=st.data())
def test_quadratic_cost_gradients_pass_gradcheck(reduction: str, data: st.DataObject) -> None:
    shape = data.draw(shapes())
    a, y = leaf(data.draw(arrays(shape))), data.draw(arrays(shape))
    assert tm.gradcheck(lambda a: F.quadratic_cost(a, y, reduction), [a])


def test_quadratic_cost_gradient_is_a_minus_y_over_n() -> None:
    a = leaf(np.array([[0.5, 0.2], [0.1, 0.9], [0.3, 0.3]]))
    y = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    F.quadratic_cost(a, y).backward()
    assert a.grad is not None
    np.testing.assert_allclose(a.grad.data, (a.data - y) / 3)  # Nielsen's ∇ₐC, averaged


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data())
def test_binary_cross_entropy_gradients_pass_gradcheck(
    reduction: str, data: st.DataObject
) -> None:
    shape = data.draw(shapes())
    p, y = leaf(data.draw(probabilities(shape))), data.draw(arrays(shape, 0.0, 1.0))
    assert tm.gradcheck(
        lambda p: F.binary_cross_entropy(p, y, reduction=reduction), [p]
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(case=logits_and_classes(), use_one_hot=st.booleans())
def test_cross_entropy_gradients_pass_gradcheck(
    reduction: str, case: tuple[np.ndarray, np.ndarray], use_one_hot: bool
) -> None:
    logits, labels = case
    target = one_hot(labels, logits.shape[1]) if use_one_hot else labels
    x = leaf(logits)
    assert tm.gradcheck(lambda x: F.cross_entropy(x, target, reduction=reduction), [x])


@given(case=logits_and_classes())
def test_cross_entropy_gradient_is_softmax_minus_one_hot_over_n(
    case: tuple[np.ndarray, np.ndarray],
) -> None:
    logits, labels = case
    x = leaf(logits)
    F.cross_entropy(x, labels).backward()
    expected = (np.exp(numpy_log_softmax(logits)) - one_hot(labels, logits.shape[1])) / len(labels)
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-10, atol=1e-12)


def test_cross_entropy_of_a_masked_minus_infinity_logit_is_finite_as_in_pytorch() -> None:
    x = tm.tensor([[0.0, -np.inf, 1.0], [2.0, 1.0, -np.inf]], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        losses = F.cross_entropy(x, [0, 5], ignore_index=5, reduction="none")
        losses.sum().backward()
    np.testing.assert_allclose(losses.data, [np.log(1 + np.e), 0.0])
    assert x.grad is not None
    softmax = np.array([1.0, 0.0, np.e]) / (1 + np.e)
    np.testing.assert_allclose(x.grad.data, [softmax - [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "elu", "silu"])
def test_activations_accept_pytorchs_inplace_and_leave_the_input_unchanged(name: str) -> None:
    x = tm.tensor([-1.0, 2.0])
    out = getattr(F, name)(x, inplace=True)
    assert out is not x and x.tolist() == [-1.0, 2.0]
    np.testing.assert_array_equal(out.data, getattr(F, name)(x).data)


def test_bce_with_logits_keeps_float32_with_weight_and_pos_weight() -> None:
    x = tm.tensor([[0.5, -1.0]], dtype=tm.float32)
    loss = F.binary_cross_entropy_with_logits(x, tm.tensor([[1.0, 0.0]], dtype=tm.float32),
                                              weight=[[2.0, 1.0]], pos_weight=[3.0, 0.5])
    assert loss.dtype == np.float32


@given(data=st.data())
def test_gelu_tanh_passes_gradcheck_and_gradgradcheck(data: st.DataObject) -> None:
    x = data.draw(arrays(data.draw(shapes(min_dims=1)), -4.0, 4.0))
    assert tm.gradcheck(lambda t: F.gelu(t, "tanh"), [leaf(x)])
    assert tm.gradgradcheck(lambda t: F.gelu(t, "tanh"), [leaf(x)])


def test_gelu_keeps_float32_and_refuses_an_unknown_approximation() -> None:
    assert F.gelu(tm.tensor([1.0, -2.0], dtype=tm.float32)).dtype == np.float32
    assert F.gelu(tm.tensor(0.5)).shape == ()
    with pytest.raises(ValueError, match=r"^gelu: approximate must be 'none' or 'tanh', got 'erf'"):
        F.gelu(tm.tensor([1.0]), "erf")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^GELU: approximate must be 'none' or 'tanh', got 'x'"):
        nn.GELU("x")


@pytest.mark.parametrize(("name", "call"), [
    ("relu", F.relu), ("sigmoid", F.sigmoid), ("tanh", F.tanh), ("softmax", F.softmax),
    ("log_softmax", F.log_softmax), ("linear", lambda x: F.linear(x, tm.ones(2, 2))),
    ("sigmoid", nn.Sigmoid()), ("tanh", nn.Tanh()), ("relu", nn.ReLU()),
    ("softmax", nn.Softmax(dim=-1)), ("log_softmax", nn.LogSoftmax(dim=-1)),
])
def test_an_ndarray_input_is_refused_naming_that_very_function(name: str, call: Any) -> None:
    with pytest.raises(TypeError, match=rf"^{name}: input must be a Tensor, got ndarray"):
        call(np.ones((2, 2)))


def test_linear_refuses_a_weight_or_bias_that_is_not_a_tensor() -> None:
    with pytest.raises(TypeError, match=r"^linear: weight must be a Tensor, got ndarray"):
        F.linear(tm.ones(2, 2), np.ones((2, 2)))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^linear: bias must be a Tensor, got ndarray"):
        F.linear(tm.ones(2, 2), tm.ones(2, 2), np.ones(2))  # type: ignore[arg-type]


def test_dropout_takes_pytorchs_inplace_argument() -> None:
    x = tm.ones(3)
    assert F.dropout(x, 0.5, False, False) is x
    assert F.dropout(x, 0.5, training=False, inplace=True) is x


# -- logsigmoid, hardtanh, relu6, mish, softmin ----------------------------------------------

NEW_ACTIVATIONS: dict[str, tuple[Callable[[tm.Tensor], tm.Tensor], Callable[[], nn.Module],
                                 Callable[[np.ndarray], np.ndarray]]] = {
    "logsigmoid": (F.logsigmoid, nn.LogSigmoid, lambda x: -np.log1p(np.exp(-x))),
    "hardtanh": (lambda t: F.hardtanh(t, -0.5, 2.0), lambda: nn.Hardtanh(-0.5, 2.0),
                 lambda x: np.clip(x, -0.5, 2.0)),
    "relu6": (F.relu6, nn.ReLU6, lambda x: np.minimum(np.maximum(x, 0.0), 6.0)),
    "mish": (F.mish, nn.Mish, lambda x: x * np.tanh(np.log1p(np.exp(x)))),
    "softmin": (lambda t: F.softmin(t, 0), lambda: nn.Softmin(0),
                lambda x: np.exp(-x) / np.exp(-x).sum(0, keepdims=True)),
}
# where each is not differentiable: finite differences must keep away from these
NEW_ACTIVATION_KINKS = {"hardtanh": [-0.5, 2.0], "relu6": [0.0, 6.0]}

SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946

MORE_ACTIVATIONS: dict[str, tuple[Callable[[tm.Tensor], tm.Tensor], Callable[[], nn.Module],
                                  Callable[[np.ndarray], np.ndarray]]] = {
    "selu": (F.selu, nn.SELU,
             lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0)))),
    "celu": (lambda t: F.celu(t, 0.5), lambda: nn.CELU(0.5),
             lambda x: np.maximum(x, 0) + np.minimum(0, 0.5 * np.expm1(np.minimum(x, 0) / 0.5))),
    "glu": (lambda t: F.glu(t, 0), lambda: nn.GLU(0),
            lambda x: x[: len(x) // 2] / (1 + np.exp(-x[len(x) // 2:]))),
    "hardswish": (F.hardswish, nn.Hardswish, lambda x: x * np.clip(x + 3, 0, 6) / 6),
    "hardsigmoid": (F.hardsigmoid, nn.Hardsigmoid, lambda x: np.clip(x + 3, 0, 6) / 6),
    "softsign": (F.softsign, nn.Softsign, lambda x: x / (1 + np.abs(x))),
    "threshold": (lambda t: F.threshold(t, 0.5, -2.0), lambda: nn.Threshold(0.5, -2.0),
                  lambda x: np.where(x > 0.5, x, -2.0)),
}
MORE_ACTIVATION_KINKS = {"selu": [0.0], "celu": [0.0], "hardswish": [-3.0, 3.0],
                         "hardsigmoid": [-3.0, 3.0], "softsign": [0.0], "threshold": [0.5]}


def even_first_dim(shape: tuple[int, ...]) -> tuple[int, ...]:
    """``shape`` with its first size doubled: glu halves dim 0 in these tables."""
    return (2 * shape[0], *shape[1:])
TABLED_ACTIVATIONS = {**NEW_ACTIVATIONS, **MORE_ACTIVATIONS}
TABLED_KINKS = {**NEW_ACTIVATION_KINKS, **MORE_ACTIVATION_KINKS}


@pytest.mark.parametrize("name", sorted(TABLED_ACTIVATIONS))
@given(data=st.data())
def test_tabled_activations_equal_their_modules_and_numpy(name: str, data: st.DataObject) -> None:
    function, module, formula = TABLED_ACTIVATIONS[name]
    x = data.draw(arrays(even_first_dim(data.draw(shapes(min_dims=1))), -8.0, 8.0))
    out = function(tm.tensor(x))
    np.testing.assert_array_equal(module()(tm.tensor(x)).data, out.data)
    np.testing.assert_allclose(out.data, formula(x), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", sorted(TABLED_ACTIVATIONS))
@given(data=st.data())
def test_tabled_activations_pass_gradcheck_and_gradgradcheck(
    name: str, data: st.DataObject
) -> None:
    x = data.draw(arrays(even_first_dim(data.draw(shapes(min_dims=1))), -8.0, 8.0))
    x = nudged_away(x, TABLED_KINKS.get(name, []), 1e-3)
    function = TABLED_ACTIVATIONS[name][0]
    assert tm.gradcheck(function, [leaf(x)])
    assert tm.gradgradcheck(function, [leaf(x)])


def torch_activation(torch: ModuleType, name: str) -> Callable[[Any], Any]:
    tf = torch.nn.functional
    return {"logsigmoid": tf.logsigmoid, "hardtanh": lambda t: tf.hardtanh(t, -0.5, 2.0),
            "relu6": tf.relu6, "mish": tf.mish, "softmin": lambda t: tf.softmin(t, 0)}[name]


@pytest.mark.parametrize("name", sorted(NEW_ACTIVATIONS))
def test_logsigmoid_hardtanh_relu6_mish_softmin_equal_pytorchs_at_kinks_and_extremes(
    name: str, torch: ModuleType
) -> None:
    # the limits themselves (-0.5, 2, 0, 6), where PyTorch's slope is 0, and |x| up to 800
    x = np.array([-800.0, -40.0, -20.0, -6.0, -0.5, -1e-12, 0.0, 1e-12, 0.7, 2.0, 6.0, 19.0,
                  25.0, 37.5, 40.0, 800.0])
    assert_equal_to_torch_without_warnings(NEW_ACTIVATIONS[name][0],
                                           torch_activation(torch, name), x, torch)


def assert_equal_to_torch_without_warnings(
    ours: Callable[[tm.Tensor], tm.Tensor], theirs: Callable[[Any], Any], x: np.ndarray,
    torch: ModuleType, grad_rtol: float = 1e-9,
) -> None:
    """Values and gradients at ``x`` equal to PyTorch's, and no numpy warning (no overflow)."""
    ours_input = tm.tensor(x, requires_grad=True)
    theirs_input = torch.tensor(x, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_same_value_and_gradient(ours(ours_input), ours_input, theirs(theirs_input),
                                       theirs_input, torch, rtol=1e-13, atol=1e-300,
                                       grad_rtol=grad_rtol)


def test_hardtanh_and_relu6_pass_no_gradient_at_their_limits_as_pytorch() -> None:
    x = leaf(np.array([-1.0, -0.5, 1.0, 0.0, 6.0, 3.0]))
    (F.hardtanh(x[:3]).sum() + F.relu6(x[3:]).sum()).backward()
    assert x.grad is not None and x.grad.tolist() == [0.0, 1.0, 0.0, 0.0, 0.0, 1.0]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logsigmoid_is_accurate_for_large_positive_and_negative_x(dtype: type) -> None:
    x = leaf(np.array([-1000.0, -100.0, 40.0, 100.0, 1000.0])).to(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = F.logsigmoid(x)
        (slope,) = tm.grad(y.sum(), x)
    assert y.dtype == dtype and slope is not None and slope.dtype == dtype
    # ln σ(x) ≈ x for x ≪ 0, ≈ -e⁻ˣ (tiny, not 0) for x ≫ 0; the slope is σ(-x)
    expected = np.array([-1000.0, -100.0, -np.exp(-40.0), -np.exp(-100.0), 0.0])
    np.testing.assert_allclose(y.data, expected.astype(dtype), rtol=1e-6)
    if dtype == np.float64:
        assert y.data[2] < 0 and y.data[3] < 0  # log(1 + e⁻ˣ) would round these to 0
    np.testing.assert_allclose(slope.data, [1.0, 1.0, np.exp(-40.0), np.exp(-100.0), 0.0],
                               rtol=1e-6, atol=1e-40)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_logsigmoid_equals_pytorchs_for_large_x_in_float32_and_float64(
    dtype: str, torch: ModuleType
) -> None:
    x = np.array([-1000.0, -104.0, -88.0, -20.0, 0.0, 15.0, 40.0, 88.0, 104.0, 1000.0])
    ours_input = tm.tensor(x, dtype=dtype, requires_grad=True)
    theirs_input = torch.tensor(x, dtype=getattr(torch, dtype), requires_grad=True)
    ours, theirs = F.logsigmoid(ours_input), torch.nn.functional.logsigmoid(theirs_input)
    ours.sum().backward()
    theirs.sum().backward()
    assert ours_input.grad is not None
    rtol = 1e-6 if dtype == "float32" else 1e-14
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=rtol, atol=0)
    np.testing.assert_allclose(ours_input.grad.data, theirs_input.grad.numpy(), rtol=rtol, atol=0)


def test_softmin_is_the_softmax_of_minus_x_along_the_given_dim() -> None:
    x = np.random.default_rng(3).standard_normal((2, 3, 4))
    for dim in (0, 1, -1):
        np.testing.assert_allclose(F.softmin(tm.tensor(x), dim).data,
                                   F.softmax(tm.tensor(-x), dim).data, rtol=1e-15)
    np.testing.assert_array_equal(F.softmin(tm.tensor(x)).data, F.softmin(tm.tensor(x), -1).data)


@pytest.mark.parametrize("bad", [np.array([1.0]), tm.tensor([1, 2])])
@pytest.mark.parametrize("name", sorted(NEW_ACTIVATIONS))
def test_logsigmoid_hardtanh_relu6_mish_softmin_refuse_what_is_not_a_float_tensor(
    name: str, bad: Any
) -> None:
    with pytest.raises(TypeError, match=rf"^{name}: "):
        NEW_ACTIVATIONS[name][0](bad)
    with pytest.raises(TypeError, match=rf"^{name}: "):
        NEW_ACTIVATIONS[name][1]()(bad)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda x: F.hardtanh(x, 1.0, -1.0), ValueError,
     r"^hardtanh: min_val \(1\.0\) cannot be greater than max_val \(-1\.0\)"),
    (lambda x: F.hardtanh(x, "0", 1.0), TypeError, r"^hardtanh: min_val must be a number"),
    (lambda x: F.hardtanh(x, 0.0, None), TypeError, r"^hardtanh: max_val must be a number"),
    (lambda x: F.softmin(x, 2), IndexError, r"^softmin: dim 2 is out of range .* shape \(2,\)"),
    (lambda x: F.softmin(x, 0.5), TypeError, r"^softmin: dim must be an int, got 0\.5"),
])
def test_hardtanh_and_softmin_refuse_bad_arguments_naming_them(
    call: Callable[[tm.Tensor], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call(tm.tensor([0.5, -0.5]))


def test_hardtanh_with_equal_limits_is_a_constant_as_in_pytorch() -> None:
    x = leaf(np.array([-2.0, 0.5, 3.0]))
    y = F.hardtanh(x, 0.5, 0.5)
    y.sum().backward()
    assert y.tolist() == [0.5, 0.5, 0.5] and x.grad is not None and x.grad.tolist() == [0.0] * 3


@pytest.mark.parametrize("name", ["hardtanh", "relu6", "mish"])
def test_hardtanh_relu6_and_mish_accept_pytorchs_inplace_and_leave_the_input_unchanged(
    name: str
) -> None:
    x = tm.tensor([-1.0, 2.0, 7.0])
    out = getattr(F, name)(x, inplace=True)
    assert out is not x and x.tolist() == [-1.0, 2.0, 7.0]
    np.testing.assert_array_equal(out.data, getattr(F, name)(x).data)


@pytest.mark.parametrize("name", sorted(NEW_ACTIVATIONS))
def test_logsigmoid_hardtanh_relu6_mish_softmin_keep_float32(name: str) -> None:
    x = tm.tensor([[-3.0, 0.5], [7.0, 1.0]], dtype=tm.float32, requires_grad=True)
    y = NEW_ACTIVATIONS[name][0](x)
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad is not None and x.grad.dtype == np.float32


# -- normalize ------------------------------------------------------------------------------

NORMS = [1.0, 2.0, 3.0, math.inf]


def numpy_norm(x: np.ndarray, p: float, axis: int | tuple[int, ...]) -> np.ndarray:
    if p == math.inf:
        return np.abs(x).max(axis=axis, keepdims=True)
    return (np.abs(x) ** p).sum(axis=axis, keepdims=True) ** (1 / p)


@pytest.mark.parametrize("p", NORMS)
@given(data=st.data())
def test_normalize_scales_each_vector_along_dim_to_unit_p_norm(
    p: float, data: st.DataObject
) -> None:
    shape = data.draw(shapes(min_dims=2))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = data.draw(arrays(shape, -3.0, 3.0))
    assume(np.all(numpy_norm(x, p, dim) > 1e-3))
    out = F.normalize(tm.tensor(x), p, dim).data
    np.testing.assert_allclose(out, x / numpy_norm(x, p, dim), rtol=1e-12)
    np.testing.assert_allclose(numpy_norm(out, p, dim), 1.0, rtol=1e-12)


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0])
@given(data=st.data())
def test_normalize_passes_gradcheck_and_gradgradcheck(p: float, data: st.DataObject) -> None:
    x = nudged_away(data.draw(arrays(data.draw(shapes(min_dims=2)), -3.0, 3.0)), [0.0], 1e-2)
    # (|x| has a kink at 0, for p = 1)
    assert tm.gradcheck(lambda t: F.normalize(t, p), [leaf(x)])
    assert tm.gradgradcheck(lambda t: F.normalize(t, p), [leaf(x)])


@given(seed=st.integers(0, 2**32 - 1), dim=st.integers(-3, 2))
def test_normalize_by_the_max_norm_passes_gradcheck_and_gradgradcheck(seed: int, dim: int) -> None:
    # normal draws: no two |x| tie for the largest, where max |x| has a kink
    x = np.random.default_rng(seed).standard_normal((2, 3, 4))
    assert tm.gradcheck(lambda t: F.normalize(t, math.inf, dim), [leaf(x)])
    assert tm.gradgradcheck(lambda t: F.normalize(t, math.inf, dim), [leaf(x)])


def test_normalize_of_a_zero_vector_is_zero_with_the_finite_gradient_one_over_eps() -> None:
    x = leaf(np.array([[0.0, 0.0, 0.0], [3.0, 0.0, 4.0]]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no 0 · ∞ inside
        y = F.normalize(x, eps=1e-6)
        y.sum().backward()
    np.testing.assert_array_equal(y.data[0], [0.0, 0.0, 0.0])
    np.testing.assert_allclose(y.data[1], [0.6, 0.0, 0.8])
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.data[0], [1e6, 1e6, 1e6])  # x / eps, eps a constant


@pytest.mark.parametrize("p", [0.5, 1.0, 2.0, 3.0, math.inf])
@pytest.mark.parametrize("dim", [1, 0, -1, (0, 1)])
def test_normalize_and_its_gradient_equal_pytorchs_at_zeros_ties_and_tiny_norms(
    p: float, dim: int | tuple[int, ...], torch: ModuleType
) -> None:
    x = np.array([[0.0, 0.0, 0.0], [1.0, -2.0, 2.0], [1e-13, 0.0, 0.0], [2.0, -2.0, 1.0],
                  [1.0, 0.0, 2.0], [0.3, -1.7, 0.2]])
    ours_input = tm.tensor(x, requires_grad=True)
    theirs_input = torch.tensor(x, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = F.normalize(ours_input, p, dim)
        assert_same_value_and_gradient(
            ours, ours_input, torch.nn.functional.normalize(theirs_input, p, dim), theirs_input,
            torch, rtol=1e-13, atol=1e-15, grad_rtol=1e-12)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda x: F.normalize(x, 0.0), ValueError, r"^normalize: p must be positive .* got 0\.0"),
    (lambda x: F.normalize(x, -math.inf), ValueError, r"^normalize: p must be positive"),
    (lambda x: F.normalize(x, "2"), TypeError, r"^normalize: p must be a number"),
    (lambda x: F.normalize(x, eps=None), TypeError, r"^normalize: eps must be a number"),
    (lambda x: F.normalize(x, dim=2), IndexError,
     r"^normalize: dim 2 is out of range for an input of shape \(2, 3\)"),
    (lambda x: F.normalize(x, dim=1.0), TypeError, r"^normalize: dim must be an int"),
    (lambda x: F.normalize(x, dim=()), TypeError, r"^normalize: dim must be an int or a tuple"),
    (lambda x: F.normalize(x.data), TypeError, r"^normalize: input must be a Tensor, got ndarray"),
    (lambda x: F.normalize(x.to(tm.int64)), TypeError, r"^normalize: needs a floating point"),
])
def test_normalize_refuses_bad_arguments_naming_them(
    call: Callable[[tm.Tensor], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call(tm.tensor(np.ones((2, 3))))


def test_normalize_defaults_to_dim_1_even_for_three_dims_and_takes_a_list_of_dims() -> None:
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    out = F.normalize(tm.tensor(x))
    np.testing.assert_allclose(out.data, x / np.linalg.norm(x, axis=1, keepdims=True))
    both = F.normalize(tm.tensor(x), dim=[1, 2])
    np.testing.assert_allclose(both.data, x / np.sqrt((x * x).sum(axis=(1, 2), keepdims=True)))


def test_normalize_keeps_float32() -> None:
    x = tm.tensor([[0.0, 0.0], [3.0, 4.0]], dtype=tm.float32, requires_grad=True)
    y = F.normalize(x)
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad is not None and x.grad.dtype == np.float32


# -- one_hot --------------------------------------------------------------------------------


@given(labels=hnp.arrays(np.int64, shapes(max_dims=2), elements=st.integers(0, 5)),
       extra=st.integers(0, 2))
def test_one_hot_is_an_int64_row_of_the_identity_per_index_without_a_graph(
    labels: np.ndarray, extra: int
) -> None:
    classes = int(labels.max()) + 1 + extra
    out = F.one_hot(tm.tensor(labels), classes)
    assert out.dtype == np.int64 and out.grad_fn is None and not out.requires_grad
    np.testing.assert_array_equal(out.data, np.eye(classes, dtype=np.int64)[labels])
    np.testing.assert_array_equal(F.one_hot(tm.tensor(labels)).data,
                                  np.eye(labels.max() + 1, dtype=np.int64)[labels])


def test_one_hot_is_the_int64_tensor_form_of_data_one_hots_float_array() -> None:
    labels = np.array([2, 0, 1, 2])
    floats = tm.data.one_hot(labels, 4)
    np.testing.assert_array_equal(F.one_hot(tm.tensor(labels), 4).data.astype(np.float64), floats)


@pytest.mark.parametrize("num_classes", [-1, 3, 5])
@pytest.mark.parametrize("labels", [[0, 2, 1], [[1], [0]], 2, [[0, 0], [2, 2]]])
def test_one_hot_equals_pytorchs(labels: Any, num_classes: int, torch: ModuleType) -> None:
    ours = F.one_hot(tm.tensor(labels), num_classes)
    theirs = torch.nn.functional.one_hot(torch.tensor(labels), num_classes).numpy()
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours.data, theirs)


def test_one_hot_of_an_empty_tensor_with_num_classes_has_no_rows() -> None:
    assert F.one_hot(tm.tensor(np.zeros((0, 2), dtype=np.int64)), 3).shape == (0, 2, 3)


@pytest.mark.parametrize(("tensor", "num_classes", "error", "message"), [
    (tm.tensor([0.0, 1.0]), -1, TypeError,
     r"^one_hot: tensor must hold integer class indices, got dtype float64"),
    (tm.tensor([True, False]), -1, TypeError, r"^one_hot: tensor must hold integer class .*bool"),
    (np.array([0, 1]), -1, TypeError, r"^one_hot: tensor must be a Tensor .*got ndarray"),
    (tm.tensor([0, -1]), -1, ValueError, r"^one_hot: class values must be non-negative, got -1"),
    (tm.tensor([0, 3]), 3, ValueError,
     r"^one_hot: class value 3 is out of range for num_classes=3"),
    (tm.tensor([0, 1]), 0, ValueError, r"^one_hot: class value 1 is out of range"),
    (tm.tensor([0, 1]), -2, ValueError, r"^one_hot: num_classes must be an int >= -1, got -2"),
    (tm.tensor([0, 1]), 2.0, TypeError, r"^one_hot: num_classes must be an int >= -1, got 2\.0"),
    (tm.tensor([0, 1]), True, TypeError, r"^one_hot: num_classes must be an int"),
    (tm.tensor(np.zeros(0, dtype=np.int64)), -1, ValueError,
     r"^one_hot: cannot infer num_classes from an empty tensor"),
])
def test_one_hot_refuses_what_pytorch_refuses_naming_the_argument(
    tensor: Any, num_classes: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        F.one_hot(tensor, num_classes)


# -- huber_loss and smooth_l1_loss ----------------------------------------------------------


def numpy_huber(d: np.ndarray, delta: float) -> np.ndarray:
    return np.where(np.abs(d) < delta, 0.5 * d * d, delta * (np.abs(d) - 0.5 * delta))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data(), delta=floats_between(0.1, 3.0))
def test_huber_loss_is_quadratic_inside_delta_and_linear_outside(
    reduction: str, data: st.DataObject, delta: float
) -> None:
    shape = data.draw(shapes())
    x, y = data.draw(arrays(shape, -4.0, 4.0)), data.draw(arrays(shape, -4.0, 4.0))
    loss = F.huber_loss(tm.tensor(x), y, reduction=reduction, delta=delta)  # type: ignore[arg-type]
    np.testing.assert_allclose(loss.data, reduce(numpy_huber(x - y, delta), reduction), **CLOSE)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data(), beta=floats_between(0.1, 3.0))
def test_smooth_l1_loss_is_huber_loss_over_beta(
    reduction: str, data: st.DataObject, beta: float
) -> None:
    shape = data.draw(shapes())
    x, y = leaf(data.draw(arrays(shape, -4.0, 4.0))), data.draw(arrays(shape, -4.0, 4.0))
    smooth = F.smooth_l1_loss(x, y, reduction, beta)  # type: ignore[arg-type]
    np.testing.assert_allclose(smooth.data, reduce(numpy_huber(x.data - y, beta) / beta,
                                                   reduction), **CLOSE)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_smooth_l1_loss_with_beta_zero_is_the_l1_loss_in_value_and_gradient(
    reduction: str
) -> None:
    x, y = leaf(np.array([[-1.5, 0.0], [0.25, 3.0]])), np.array([[0.5, 0.0], [0.25, -1.0]])
    smooth = F.smooth_l1_loss(x, y, reduction, beta=0.0)  # type: ignore[arg-type]
    (by_smooth,) = tm.grad(smooth.sum(), x)
    l1 = F.l1_loss(x, y, reduction)  # type: ignore[arg-type]
    (by_l1,) = tm.grad(l1.sum(), x)
    np.testing.assert_array_equal(smooth.data, l1.data)
    assert by_smooth is not None and by_l1 is not None
    np.testing.assert_array_equal(by_smooth.data, by_l1.data)


LOSS_KINK = {"huber_loss": "delta", "smooth_l1_loss": "beta"}


@pytest.mark.parametrize("name", sorted(LOSS_KINK))
@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data(), width=floats_between(0.2, 2.0))
def test_huber_and_smooth_l1_losses_pass_gradcheck_and_gradgradcheck_in_input_and_target(
    name: str, reduction: str, data: st.DataObject, width: float
) -> None:
    shape = data.draw(shapes())
    x, y = data.draw(arrays(shape, -3.0, 3.0)), data.draw(arrays(shape, -3.0, 3.0))
    assume(away_from(np.abs(x - y), width, 1e-3))  # the switch from quadratic to linear

    def loss(x: tm.Tensor, y: tm.Tensor) -> tm.Tensor:
        return getattr(F, name)(x, y, reduction, **{LOSS_KINK[name]: width})

    assert tm.gradcheck(loss, [leaf(x), leaf(y)])
    assert tm.gradgradcheck(loss, [leaf(x), leaf(y)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("name", "width"), [("huber_loss", 1.0), ("huber_loss", 0.5),
                                             ("smooth_l1_loss", 1.0), ("smooth_l1_loss", 2.0),
                                             ("smooth_l1_loss", 0.0)])
def test_huber_and_smooth_l1_losses_and_gradients_equal_pytorchs_at_the_switch(
    name: str, width: float, reduction: str, torch: ModuleType
) -> None:
    # differences of exactly 0, ±width and ±width/2, and some beyond
    d = np.array([-3.0, -1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 2.0, 3.0]) * max(width, 1.0)
    d = np.concatenate([d, [width, -width, width / 2]])
    target = np.linspace(-1.0, 1.0, d.size)
    ours_input = tm.tensor(target + d, requires_grad=True)
    theirs_input = torch.tensor(target + d, requires_grad=True)
    ours = getattr(F, name)(ours_input, target, reduction, **{LOSS_KINK[name]: width})
    theirs = getattr(torch.nn.functional, name)(theirs_input, torch.tensor(target),
                                                reduction=reduction, **{LOSS_KINK[name]: width})
    assert_same_value_and_gradient(ours, ours_input, theirs, theirs_input, torch,
                                   rtol=1e-14, atol=1e-15, grad_rtol=1e-14)


@pytest.mark.parametrize(("name", "width"), [("huber_loss", 1.0), ("huber_loss", 0.5),
                                             ("smooth_l1_loss", 2.0)])
def test_huber_and_smooth_l1_second_derivatives_equal_pytorchs_at_the_switch(
    name: str, width: float, torch: ModuleType
) -> None:
    d = np.array([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0]) * width  # ±width: 0, as PyTorch
    ours_input = tm.tensor(d, requires_grad=True)
    theirs_input = torch.tensor(d, requires_grad=True)
    kink = {LOSS_KINK[name]: width}
    (ours_slope,) = tm.grad(getattr(F, name)(ours_input, np.zeros(7), "sum", **kink),
                            ours_input, create_graph=True)
    assert ours_slope is not None
    (ours_curvature,) = tm.grad(ours_slope.sum(), ours_input)
    (theirs_slope,) = torch.autograd.grad(getattr(torch.nn.functional, name)(
        theirs_input, torch.zeros(7, dtype=torch.float64), reduction="sum", **kink),
        theirs_input, create_graph=True)
    (theirs_curvature,) = torch.autograd.grad(theirs_slope.sum(), theirs_input)
    assert ours_curvature is not None
    np.testing.assert_array_equal(ours_slope.data, theirs_slope.detach().numpy())
    np.testing.assert_array_equal(ours_curvature.data, theirs_curvature.numpy())


@pytest.mark.parametrize("name", sorted(LOSS_KINK))
def test_huber_and_smooth_l1_losses_of_an_empty_input_have_a_nan_mean_without_warning(
    name: str
) -> None:
    x = leaf(np.zeros((0, 3)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mean = getattr(F, name)(x, np.zeros((0, 3)))
        mean.backward()
        total = getattr(F, name)(x, np.zeros((0, 3)), reduction="sum")
    assert np.isnan(mean.item()) and total.item() == 0.0
    assert x.grad is not None and x.grad.shape == (0, 3)


@pytest.mark.parametrize(("loss", "expected"), [
    (lambda x: F.huber_loss(x, tm.zeros(3), reduction="sum", delta=2.0), [2.0, -2.0, 1.0]),
    (lambda x: F.smooth_l1_loss(x, tm.zeros(3), reduction="sum", beta=2.0), [1.0, -1.0, 0.5]),
])
def test_huber_and_smooth_l1_gradients_stay_finite_for_infinite_differences(
        loss: Callable[[tm.Tensor], tm.Tensor], expected: list[float]) -> None:
    x = tm.tensor([np.inf, -np.inf, 1.0], requires_grad=True)
    loss(x).backward()  # PyTorch's: ±delta (±1) outside, d (d / beta) inside; no nan
    np.testing.assert_array_equal(x.grad.data, expected)


def test_smooth_l1_loss_with_an_infinite_beta_is_zero_with_zero_gradient_as_pytorchs() -> None:
    x = tm.tensor([0.5, -3.0], requires_grad=True)
    loss = F.smooth_l1_loss(x, tm.zeros(2), reduction="sum", beta=math.inf)
    loss.backward()
    assert loss.item() == 0.0 and x.grad.tolist() == [0.0, 0.0]


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda x: F.huber_loss(x, x.data, delta=0.0), ValueError,
     r"^huber_loss: delta must be a positive finite number, got 0\.0"),
    (lambda x: F.huber_loss(x, x.data, delta=-1.0), ValueError,
     r"^huber_loss: delta must be a positive finite number, got -1\.0"),
    (lambda x: F.huber_loss(x, x.data, delta=math.inf), ValueError,
     r"^huber_loss: delta must be a positive finite number, got inf"),
    (lambda x: F.huber_loss(x, x.data, delta="1"), TypeError,
     r"^huber_loss: delta must be a number"),
    (lambda x: F.smooth_l1_loss(x, x.data, beta=-0.5), ValueError,
     r"^smooth_l1_loss: beta must be >= 0, got -0\.5"),
    (lambda x: F.smooth_l1_loss(x, x.data, beta=None), TypeError,
     r"^smooth_l1_loss: beta must be a number"),
    (lambda x: F.huber_loss(x, np.zeros(3)), ValueError,
     r"^huber_loss: target shape \(3,\) differs from input shape \(3, 1\)"),
    (lambda x: F.smooth_l1_loss(x, np.zeros(3)), ValueError,
     r"^smooth_l1_loss: target shape \(3,\) differs from input shape \(3, 1\)"),
    (lambda x: F.huber_loss(x, x.data, reduction="avg"), ValueError,
     r"^huber_loss: reduction must be 'mean', 'sum' or 'none', got 'avg'"),
    (lambda x: F.smooth_l1_loss(x, x.data, reduction=None), ValueError,
     r"^smooth_l1_loss: reduction must be 'mean', 'sum' or 'none', got None"),
    (lambda x: F.huber_loss(x.to(tm.int64), x.data), TypeError,
     r"^huber_loss: needs a floating point tensor, got dtype int64"),
    (lambda x: F.smooth_l1_loss(x.data, x.data), TypeError,
     r"^smooth_l1_loss: input must be a Tensor, got ndarray"),
])
def test_huber_and_smooth_l1_losses_refuse_bad_arguments_naming_them(
    call: Callable[[tm.Tensor], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call(tm.tensor(np.full((3, 1), 0.5)))


@pytest.mark.parametrize("name", sorted(LOSS_KINK))
def test_huber_and_smooth_l1_losses_keep_float32_and_give_a_target_its_gradient(
    name: str
) -> None:
    x = tm.tensor([[0.5, -2.0]], dtype=tm.float32, requires_grad=True)
    y = tm.tensor([[0.0, 1.0]], dtype=tm.float32, requires_grad=True)
    loss = getattr(F, name)(x, y)
    loss.backward()
    assert loss.dtype == np.float32 and x.grad is not None and y.grad is not None
    np.testing.assert_array_equal(y.grad.data, -x.grad.data)  # d = x - y


# -- hardshrink, softshrink, tanhshrink ----------------------------------------------------

SHRINKS: dict[str, tuple[Callable[[tm.Tensor], tm.Tensor], Callable[[], nn.Module],
                         Callable[[np.ndarray], np.ndarray]]] = {
    "hardshrink": (F.hardshrink, nn.Hardshrink, lambda x: np.where(np.abs(x) > 0.5, x, 0.0)),
    "hardshrink_1": (lambda t: F.hardshrink(t, 1.0), lambda: nn.Hardshrink(1.0),
                     lambda x: np.where(np.abs(x) > 1.0, x, 0.0)),
    "softshrink": (F.softshrink, nn.Softshrink,
                   lambda x: np.where(np.abs(x) > 0.5, x - 0.5 * np.sign(x), 0.0)),
    "softshrink_0": (lambda t: F.softshrink(t, 0.0), lambda: nn.Softshrink(0.0), lambda x: x),
    "tanhshrink": (F.tanhshrink, nn.Tanhshrink, lambda x: x - np.tanh(x)),
}


@pytest.mark.parametrize("name", sorted(SHRINKS))
@given(data=st.data())
def test_shrinks_equal_their_modules_and_numpy_and_pass_gradcheck_and_gradgradcheck(
    name: str, data: st.DataObject
) -> None:
    function, module, formula = SHRINKS[name]
    x = data.draw(arrays(data.draw(shapes(min_dims=1, max_side=3)), -3.0, 3.0))
    out = function(tm.tensor(x))
    np.testing.assert_array_equal(module()(tm.tensor(x)).data, out.data)
    np.testing.assert_allclose(out.data, formula(x), rtol=1e-12, atol=1e-14)
    x = nudged_away(x, [-1.0, -0.5, 0.0, 0.5, 1.0], 1e-3)  # hardshrink jumps, softshrink bends
    assert tm.gradcheck(lambda t: function(t) * t, [leaf(x)])
    assert tm.gradgradcheck(lambda t: function(t) * t, [leaf(x)])


@pytest.mark.parametrize("name", sorted(SHRINKS))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_shrinks_equal_pytorchs_at_their_ends_at_nan_and_in_float32(
    name: str, dtype: str, torch: ModuleType
) -> None:
    x = np.array([-800.0, -1.0, -0.5, -0.3, 0.0, 0.3, 0.5, 0.5000001, 1.0, 2.0, 800.0, np.nan],
                 dtype)
    tf = torch.nn.functional
    theirs = {"hardshrink": tf.hardshrink, "hardshrink_1": lambda t: tf.hardshrink(t, 1.0),
              "softshrink": tf.softshrink, "softshrink_0": lambda t: tf.softshrink(t, 0.0),
              "tanhshrink": tf.tanhshrink}[name]
    ours_input, theirs_input = tm.tensor(x, requires_grad=True), torch.tensor(
        x, requires_grad=True)
    ours = SHRINKS[name][0](ours_input)
    assert ours.dtype == np.dtype(dtype)
    assert_same_value_and_gradient(ours, ours_input, theirs(theirs_input), theirs_input, torch,
                                   rtol=1e-6 if dtype == "float32" else 1e-13, atol=1e-300,
                                   grad_rtol=1e-6 if dtype == "float32" else 1e-9)


def test_tanhshrink_of_ints_is_that_of_the_default_dtype_as_pytorch() -> None:
    ints = tm.tensor([-2, 0, 1, 3])
    out = F.tanhshrink(ints)
    assert out.dtype == tm.get_default_dtype()
    np.testing.assert_allclose(out.data, [-2 - np.tanh(-2), 0, 1 - np.tanh(1), 3 - np.tanh(3)],
                               rtol=1e-15)
    assert F.softshrink(tm.ones(2), 1e300).tolist() == [0.0, 0.0]  # large but finite: accepted


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: F.softshrink(tm.ones(2), -0.5), ValueError,
     r"^softshrink: lambd must be in \[0, 1.79769e\+308\] for input dtype float64, as in "
     r"PyTorch, got -0.5"),
    (lambda: F.softshrink(tm.ones(2), math.inf), ValueError,
     r"^softshrink: lambd must be in \[0, 1.79769e\+308\] .* got inf"),
    (lambda: F.softshrink(tm.ones(2), math.nan), ValueError, r"^softshrink: lambd .* got nan"),
    (lambda: F.softshrink(tm.ones(2, dtype=tm.float16), 1e5), ValueError,
     r"^softshrink: lambd must be in \[0, 65504\] for input dtype float16"),
    (lambda: F.softshrink(tm.ones(2), None), TypeError, r"^softshrink: lambd must be a number"),
    (lambda: F.hardshrink(tm.ones(2), "a"), TypeError, r"^hardshrink: lambd must be a number"),
    (lambda: F.hardshrink(tm.tensor([1, 2])), TypeError,
     r"^hardshrink: needs a floating point tensor, got dtype int64"),
    (lambda: F.softshrink(np.ones(2)), TypeError, r"^softshrink: .*Tensor"),
    (lambda: F.tanhshrink(tm.tensor([True])), TypeError, r"^tanhshrink: needs a floating point"),
])
def test_shrinks_refuse_bad_inputs_naming_the_function_and_argument(
    call: Callable[[], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()


# -- prelu and kl_div ------------------------------------------------------------------------


@pytest.mark.parametrize(("shape", "slopes"), [((2, 3), 3), ((2, 3, 4), 3), ((2, 3), 1),
                                               ((5,), 1), ((), 1), ((4, 2, 2, 3), 2)])
def test_prelu_equals_pytorchs_in_value_and_gradients(shape: tuple[int, ...],
                                                      slopes: int) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(len(shape) + slopes)
    values = rng.standard_normal(shape)
    values.flat[0] = 0.0  # the kink: the slope there is a, as PyTorch's
    weights = rng.uniform(0.05, 0.5, slopes)
    x, w = tm.tensor(values, requires_grad=True), tm.tensor(weights, requires_grad=True)
    xt, wt = torch.tensor(values, requires_grad=True), torch.tensor(weights, requires_grad=True)
    assert_same_value_and_gradient(F.prelu(x, w), x, torch.nn.functional.prelu(xt, wt), xt,
                                   torch)
    assert w.grad is not None and wt.grad is not None
    np.testing.assert_allclose(w.grad.data, wt.grad.numpy(), rtol=1e-12, atol=1e-14)


@given(data=st.data())
def test_prelu_passes_gradcheck_and_gradgradcheck_away_from_the_kink(data: st.DataObject) -> None:
    x = nudged_away(data.draw(arrays((2, 3), -2.0, 2.0)), [0.0], 1e-3)
    w = data.draw(arrays((3,), 0.05, 0.5))
    assert tm.gradcheck(F.prelu, [leaf(x), leaf(w)])
    assert tm.gradgradcheck(F.prelu, [leaf(x), leaf(w)])


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: F.prelu(tm.ones((2, 4)), tm.ones(3)), ValueError,
     r"^prelu: weight must be 0-d or 1-D with 1 or 4 elements \(the input's channels, dim 1 of "
     r"\(2, 4\)\), got shape \(3,\)"),
    (lambda: F.prelu(tm.ones((2, 3)), tm.ones((1, 1))), ValueError,
     r"^prelu: weight must be 0-d or 1-D"),
    (lambda: F.prelu(tm.ones(3), tm.ones(3)), ValueError,
     r"^prelu: weight must be 0-d or 1-D with 1 or 1 elements"),
    (lambda: F.prelu(tm.ones(3), 0.25), TypeError, r"^prelu: weight must be a Tensor, got float"),
    (lambda: F.prelu(tm.tensor([1, 2]), tm.ones(1)), TypeError, r"^prelu: "),
])
def test_prelu_refuses_bad_weights_naming_itself(call: Callable[[], Any], error: type[Exception],
                                                 message: str) -> None:
    with pytest.raises(error, match=message):
        call()


KL_REDUCTIONS = ["batchmean", "sum", "none", "mean"]


@pytest.mark.parametrize("log_target", [False, True])
@pytest.mark.parametrize("reduction", KL_REDUCTIONS)
def test_kl_div_equals_pytorchs_in_value_and_both_gradients(reduction: str,
                                                            log_target: bool) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    logits, p = rng.standard_normal((4, 5)), rng.dirichlet(np.ones(5), 4)
    target = np.log(p) if log_target else p
    x, t = tm.tensor(logits, requires_grad=True), tm.tensor(target, requires_grad=True)
    xt, tt = torch.tensor(logits, requires_grad=True), torch.tensor(target, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 'mean' warns in both
        ours = F.kl_div(x.log_softmax(1), t, reduction, log_target)
        theirs = torch.nn.functional.kl_div(xt.log_softmax(1), tt, reduction=reduction,
                                            log_target=log_target)
    assert_same_value_and_gradient(ours, x, theirs, xt, torch)
    assert t.grad is not None and tt.grad is not None
    np.testing.assert_allclose(t.grad.data, tt.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_kl_div_is_the_divergence_per_example_with_batchmean_and_zero_where_p_is_zero() -> None:
    p = np.array([[0.5, 0.5, 0.0], [0.25, 0.25, 0.5]])
    q = np.array([[0.25, 0.5, 0.25], [0.5, 0.25, 0.25]])
    divergences = [sum(a * math.log(a / b) for a, b in zip(row_p, row_q) if a)
                   for row_p, row_q in zip(p, q)]
    loss = F.kl_div(tm.tensor(np.log(q)), tm.tensor(p), reduction="batchmean")
    assert loss.item() == pytest.approx(np.mean(divergences), rel=1e-14)
    assert F.kl_div(tm.tensor(np.log(q)), tm.tensor(p), reduction="none").data[0, 2] == 0.0
    assert F.kl_div(tm.tensor(np.log(p + 0.1)), tm.tensor(p + 0.1), "sum").item() == 0.0
    assert F.kl_div(tm.tensor(-1.0), tm.tensor(0.5), reduction="batchmean").item() == \
        pytest.approx(0.5 * (math.log(0.5) + 1.0), rel=1e-15)  # a 0-d batch of one


@pytest.mark.filterwarnings("error")  # numpy's 0 / 0 warning in backward would fail it
def test_kl_div_with_zero_targets_warns_nothing_in_backward_and_gives_pytorchs_gradients() -> None:
    logits = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]])
    p = np.array([[0.0, 0.5, 0.5], [0.25, 0.0, 0.75]])
    x, t = tm.tensor(logits, requires_grad=True), tm.tensor(p, requires_grad=True)
    F.kl_div(x.log_softmax(1), t, reduction="batchmean").backward()
    assert x.grad is not None and t.grad is not None
    assert np.isnan(t.grad.data[p == 0]).all()  # ∂/∂p of p ln p at p = 0: 0 / 0, as PyTorch's
    assert np.isfinite(t.grad.data[p > 0]).all() and np.isfinite(x.grad.data).all()
    torch = pytest.importorskip("torch")
    xt, tt = torch.tensor(logits, requires_grad=True), torch.tensor(p, requires_grad=True)
    torch.nn.functional.kl_div(xt.log_softmax(1), tt, reduction="batchmean").backward()
    np.testing.assert_allclose(x.grad.data, xt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(t.grad.data, tt.grad.numpy(), rtol=1e-12)  # nan where torch's is


def test_kl_div_warns_for_mean_and_refuses_bad_arguments_naming_itself() -> None:
    x = tm.zeros((2, 3))
    with pytest.warns(UserWarning, match=r"^kl_div: reduction='mean' divides by the number of "
                                         r"elements"):
        F.kl_div(x, tm.ones((2, 3)) / 3)
    with pytest.raises(ValueError, match=r"^kl_div: reduction must be 'mean', 'batchmean', "
                                         r"'sum' or 'none', got 'avg'"):
        F.kl_div(x, x, reduction="avg")
    with pytest.raises(ValueError, match=r"^kl_div: target shape \(3,\) differs from input "
                                         r"shape \(2, 3\)"):
        F.kl_div(x, tm.ones(3), reduction="sum")
    with pytest.raises(TypeError, match=r"^kl_div: "):
        F.kl_div(np.zeros(3), tm.ones(3), reduction="sum")


# -- selu, celu, glu, hardswish, hardsigmoid, softsign, threshold -------------------------

def first_and_second_derivatives(function: Callable[[tm.Tensor], tm.Tensor],
                                 x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f'(x) and f''(x), elementwise, by double backward (zeros where f' has no graph)."""
    t = leaf(x)
    (slope,) = tm.grad(function(t).sum(), t, create_graph=True)
    if not slope.requires_grad:
        return slope.data, np.zeros_like(x)
    (curvature,) = tm.grad(slope.sum(), t)
    return slope.data, curvature.data


def test_hardswish_hardsigmoid_and_threshold_slopes_at_their_kinks_are_pytorchs() -> None:
    x = np.array([-4.0, -3.0, -1.5, 0.0, 3.0, 4.0, np.nan])
    slope, curvature = first_and_second_derivatives(F.hardswish, x)
    np.testing.assert_array_equal(slope, [0.0, 0.0, 0.0, 0.5, 1.0, 1.0, 1.0])
    np.testing.assert_allclose(curvature, [0.0, 0.0, 1 / 3, 1 / 3, 0.0, 0.0, 0.0], rtol=1e-15)
    slope, _ = first_and_second_derivatives(F.hardsigmoid, x)
    np.testing.assert_array_equal(slope, [0.0, 0.0, 1 / 6, 1 / 6, 0.0, 0.0, 0.0])
    slope, _ = first_and_second_derivatives(lambda t: F.threshold(t, 0.0, 5.0), x)
    np.testing.assert_array_equal(slope, [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0])


def test_selu_and_celu_take_the_exponential_side_at_zero_with_no_curvature_there() -> None:
    x = np.array([-1.0, 0.0, 1.0])
    slope, curvature = first_and_second_derivatives(F.selu, x)
    np.testing.assert_allclose(slope, SELU_SCALE * np.array([SELU_ALPHA / np.e, SELU_ALPHA, 1.0]),
                               rtol=1e-15)
    np.testing.assert_allclose(curvature, [SELU_SCALE * SELU_ALPHA / np.e, 0.0, 0.0], rtol=1e-15)
    slope, curvature = first_and_second_derivatives(lambda t: F.celu(t, 2.0), x)
    np.testing.assert_allclose(slope, [np.exp(-0.5), 1.0, 1.0], rtol=1e-15)
    np.testing.assert_allclose(curvature, [np.exp(-0.5) / 2, 0.0, 0.0], rtol=1e-15)


def torch_more_activation(torch: ModuleType, name: str) -> Callable[[Any], Any]:
    tf = torch.nn.functional
    return {"selu": tf.selu, "celu": lambda t: tf.celu(t, 0.5), "glu": lambda t: tf.glu(t, 0),
            "hardswish": tf.hardswish, "hardsigmoid": tf.hardsigmoid, "softsign": tf.softsign,
            "threshold": lambda t: tf.threshold(t, 0.5, -2.0)}[name]


@pytest.mark.parametrize("name", sorted(MORE_ACTIVATIONS))
def test_selu_celu_glu_hardswish_hardsigmoid_softsign_threshold_equal_pytorchs_at_kinks(
    name: str, torch: ModuleType
) -> None:
    # the kinks themselves (0, ±3, 0.5), nan, and |x| up to 800
    x = np.array([-800.0, -40.0, -4.0, -3.0, -1.5, -1e-12, 0.0, 1e-12, 0.5, 0.7, 3.0, 4.0,
                  40.0, 800.0, np.nan, 2.0])
    if name in ("selu", "celu", "hardswish"):
        # PyTorch's slope at nan is nan from its vectorized kernels (16 elements and more), 1
        # (s for selu) from its scalar ones; here it is always the scalar ones'.
        x = x[~np.isnan(x)]
    # PyTorch's vectorized hardsigmoid slope is 1/6 rounded to float32, in float64 too
    assert_equal_to_torch_without_warnings(MORE_ACTIVATIONS[name][0],
                                           torch_more_activation(torch, name), x, torch,
                                           grad_rtol=1e-7 if name == "hardsigmoid" else 1e-9)


@pytest.mark.parametrize("name", ["selu", "celu", "glu", "hardswish", "softsign"])
def test_second_derivatives_equal_pytorchs_at_the_kinks_too(name: str, torch: ModuleType) -> None:
    x = np.array([-5.0, -3.0, -1.5, -1e-12, 0.0, 1e-12, 0.5, 3.0, 4.0, 2.0])
    theirs_input = torch.tensor(x, requires_grad=True)
    (slope,) = torch.autograd.grad(torch_more_activation(torch, name)(theirs_input).sum(),
                                   theirs_input, create_graph=True)
    (theirs,) = torch.autograd.grad(slope.sum(), theirs_input)
    ours_slope, ours = first_and_second_derivatives(MORE_ACTIVATIONS[name][0], x)
    np.testing.assert_allclose(ours_slope, slope.detach().numpy(), rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_glu_halves_the_given_dim_and_refuses_an_odd_size_as_pytorch(dim: int) -> None:
    x = np.arange(48.0).reshape(2, 4, 6) / 10
    out = F.glu(tm.tensor(x), dim)
    a, b = np.split(x, 2, axis=dim)
    np.testing.assert_allclose(out.data, a / (1 + np.exp(-b)), rtol=1e-15)
    assert F.glu(tm.tensor(np.ones((0, 2))), 0).shape == (0, 2)
    with pytest.raises(ValueError, match=r"^glu: halving dimension must be even, but dimension "
                                         r"1 is size 3 \(input shape \(2, 3\)\)"):
        F.glu(tm.ones(2, 3), 1)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: F.glu(tm.tensor(1.0)), ValueError, r"^glu: a 0-d input has no halves"),
    (lambda: F.glu(tm.ones(2, 4), 2), IndexError, r"^glu: dim 2 is out of range .* \(2, 4\)"),
    (lambda: F.glu(tm.ones(2, 4), 0.5), TypeError, r"^glu: dim must be an int"),
    (lambda: F.celu(tm.ones(2), 0.0), ValueError, r"^celu: alpha cannot be 0"),
    (lambda: F.celu(tm.ones(2), None), TypeError, r"^celu: alpha must be a number"),
    (lambda: F.threshold(tm.ones(2), "a", 1.0), TypeError, r"^threshold: threshold must be a num"),
    (lambda: F.threshold(tm.ones(2), 0.5, None), TypeError, r"^threshold: value must be a number"),
    (lambda: F.softsign(tm.tensor([True])), TypeError, r"^softsign: needs a floating point"),
])
def test_selu_family_refuses_bad_arguments_naming_the_function_and_argument(
    call: Callable[[], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("bad", [np.array([1.0, 2.0]), tm.tensor([1, 2])])
@pytest.mark.parametrize("name", sorted(set(MORE_ACTIVATIONS) - {"softsign"}))
def test_selu_family_refuses_what_is_not_a_float_tensor(name: str, bad: Any) -> None:
    with pytest.raises(TypeError, match=rf"^{name}: "):
        MORE_ACTIVATIONS[name][0](bad)


def test_softsign_of_ints_is_that_of_the_default_dtype_as_pytorch() -> None:
    out = F.softsign(tm.tensor([1, -3]))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out.data, [0.5, -0.75])


@pytest.mark.parametrize("name", sorted(MORE_ACTIVATIONS))
def test_selu_family_keeps_float32(name: str) -> None:
    assert MORE_ACTIVATIONS[name][0](tm.tensor([[-4.0], [1.0]], dtype=tm.float32)).dtype \
        == np.float32


@pytest.mark.parametrize("name", ["selu", "celu", "hardswish", "hardsigmoid"])
def test_selu_family_accepts_pytorchs_inplace_and_leaves_the_input_unchanged(name: str) -> None:
    x = tm.tensor([-1.0, 2.0])
    out = getattr(F, name)(x, inplace=True)
    assert out is not x and x.tolist() == [-1.0, 2.0]
    assert F.threshold(x, 0.0, 1.0, inplace=True).tolist() == [1.0, 2.0]


# -- alpha_dropout --------------------------------------------------------------------------

SATURATION = SELU_SCALE * SELU_ALPHA  # λα: SELU's output at -∞ is -λα


def test_alpha_dropout_keeps_or_saturates_each_element_then_restores_mean_and_scale() -> None:
    p = 0.2
    x = np.random.default_rng(1).standard_normal((200, 300))
    out = F.alpha_dropout(tm.tensor(x), p, training=True, generator=np.random.default_rng(0)).data
    a = 1 / np.sqrt((SATURATION**2 * p + 1) * (1 - p))
    kept = np.isclose(out, a * x + a * p * SATURATION, rtol=1e-14, atol=0)
    dropped = out == -a * (1 - p) * SATURATION
    assert (kept | dropped).all() and dropped.mean() == pytest.approx(p, abs=0.01)
    # what it is for: inputs of mean 0 and variance 1 come out so
    assert out.mean() == pytest.approx(0.0, abs=0.01) and out.var() == pytest.approx(1.0, abs=0.02)


def test_alpha_dropout_gradient_is_a_where_kept_and_zero_where_dropped() -> None:
    p = 0.5
    x = leaf(np.random.default_rng(2).standard_normal((20, 30)))
    out = F.alpha_dropout(x, p, True, generator=np.random.default_rng(3))
    out.sum().backward()
    a = 1 / np.sqrt((SATURATION**2 * p + 1) * (1 - p))
    dropped = out.data == -a * (1 - p) * SATURATION
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.data, np.where(dropped, 0.0, a), rtol=1e-15)


def test_alpha_dropout_is_off_by_default_unlike_dropout_and_for_p_zero() -> None:
    x = tm.tensor(np.ones((2, 3)))
    assert F.alpha_dropout(x) is x and F.alpha_dropout(x, 0.0, True) is x
    assert F.alpha_dropout(x, 1.0, True).tolist() == [[0.0] * 3] * 2
    assert F.alpha_dropout(x, 0.5, False, inplace=True) is x


def test_alpha_dropout_draws_from_the_generator_given_or_the_global_one() -> None:
    x = tm.tensor(np.ones((10, 10)))
    first = F.alpha_dropout(x, training=True, generator=np.random.default_rng(4)).data
    np.testing.assert_array_equal(
        first, F.alpha_dropout(x, training=True, generator=np.random.default_rng(4)).data)
    tm.manual_seed(4)
    again = F.alpha_dropout(x, training=True).data
    tm.manual_seed(4)
    np.testing.assert_array_equal(again, F.alpha_dropout(x, training=True).data)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_alpha_dropout_values_are_pytorchs_two_values(p: float, torch: ModuleType) -> None:
    torch.manual_seed(0)
    theirs = set(torch.nn.functional.alpha_dropout(
        torch.full((400,), 0.7, dtype=torch.float64), p, True).tolist())
    ours = F.alpha_dropout(tm.tensor(np.full(400, 0.7)), p, True,
                           generator=np.random.default_rng(0)).data
    assert len(theirs) == 2 and set(ours.tolist()) == theirs


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: F.alpha_dropout(tm.ones(2), 1.5, True), ValueError,
     r"^alpha_dropout: p is the probability .* in \[0, 1\], got 1\.5"),
    (lambda: F.alpha_dropout(tm.ones(2), None), TypeError, r"^alpha_dropout: p must be a number"),
    (lambda: F.alpha_dropout(tm.tensor([1, 2]), 0.5, True), TypeError,
     r"^alpha_dropout: needs a floating point"),
    (lambda: F.alpha_dropout(np.ones(2)), TypeError, r"^alpha_dropout: input must be a Tensor"),
    (lambda: F.alpha_dropout(tm.ones(2), generator=1), TypeError,
     r"^alpha_dropout: generator must be a numpy\.random\.Generator"),
])
def test_alpha_dropout_refuses_bad_arguments_naming_them(
    call: Callable[[], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()
