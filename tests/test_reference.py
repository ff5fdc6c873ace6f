"""The hand-derived backprop (BP1-BP4) against finite differences and the article's recipe."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import COSTS, NetworkCase, network_cases
from tinygrad_mlp.reference import (
    Array,
    CostName,
    accuracy,
    backprop,
    cost,
    forward,
    init_normal,
    predict,
    sgd_step,
    sigmoid,
    sigmoid_prime,
    train,
)

EPS = 1e-6
RTOL, ATOL = 1e-5, 1e-7


def entry_costs(z_L: Array, y: Array, cost_name: CostName) -> Array:
    """Each output entry's term of ``cost(sigmoid(z_L), y)``, written on z^L.

    The finite differences below use these rather than ``cost`` itself (the test
    after them checks that they sum to it), for two reasons of rounding:
    an output a = sigma(z) near 1 keeps few correct digits of 1 - a, which
    ln(1 - a) then magnifies, whereas cross-entropy on z is softplus(z) - y z;
    and differencing entry by entry keeps the rounding of a large total out of
    the tiny difference that is divided by 2 eps.
    """
    if cost_name == "cross_entropy":
        return np.logaddexp(0.0, z_L) - y * z_L
    return 0.5 * (sigmoid(z_L) - y) ** 2


def central_difference(f: Callable[[], Array], array: Array) -> Array:
    """d sum(f) / dv ~ sum(f(v + eps) - f(v - eps)) / 2 eps for every entry v of ``array``.

    Each entry is perturbed in place and restored.
    """
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + EPS
        up = f()
        array[index] = saved - EPS
        down = f()
        array[index] = saved
        grad[index] = np.sum(up - down) / (2 * EPS)
    return grad


def output_z_from_layer(case: NetworkCase, k: int, z: Array) -> Array:
    """z^L when layer k's weighted input is ``z``: the later layers fed sigma(z)."""
    later = forward(case.weights[k + 1 :], case.biases[k + 1 :], sigmoid(z)).zs
    return later[-1] if later else z


@pytest.mark.parametrize("cost_name", COSTS)
def test_cost_is_the_sum_of_the_entry_costs_the_finite_differences_use(
    cost_name: CostName,
) -> None:
    rng = np.random.default_rng(5)
    z, y = rng.uniform(-30.0, 10.0, (50, 4)), rng.uniform(0.0, 1.0, (50, 4))
    expected = float(np.sum(entry_costs(z, y, cost_name)))
    assert cost(sigmoid(z), y, cost_name) == pytest.approx(expected, rel=1e-10)


@given(network_cases())
def test_weight_and_bias_grads_equal_central_differences_of_the_cost(case: NetworkCase) -> None:
    def network_costs() -> Array:
        z_L = forward(case.weights, case.biases, case.x).zs[-1]
        return entry_costs(z_L, case.y, case.cost)

    grads = backprop(case.weights, case.biases, case.x, case.y, case.cost)
    params = case.weights + case.biases
    for param, grad in zip(params, grads.weight_grads + grads.bias_grads, strict=True):
        numeric = central_difference(network_costs, param)
        np.testing.assert_allclose(grad, numeric, rtol=RTOL, atol=ATOL)


@given(network_cases())
def test_deltas_equal_central_differences_of_the_cost_wrt_weighted_inputs(
    case: NetworkCase,
) -> None:
    fp = forward(case.weights, case.biases, case.x)
    grads = backprop(case.weights, case.biases, case.x, case.y, case.cost)
    for k, delta in enumerate(grads.deltas):
        z = fp.zs[k].copy()

        def costs_from_layer(k: int = k, z: Array = z) -> Array:
            return entry_costs(output_z_from_layer(case, k, z), case.y, case.cost)

        numeric = central_difference(costs_from_layer, z)
        np.testing.assert_allclose(delta, numeric, rtol=RTOL, atol=ATOL)


@given(network_cases())
def test_output_delta_is_bp1_for_each_cost(case: NetworkCase) -> None:
    fp = forward(case.weights, case.biases, case.x)
    delta_L = backprop(case.weights, case.biases, case.x, case.y, case.cost).deltas[-1]
    a, z = fp.output, fp.zs[-1]
    expected = (a - case.y) * sigmoid_prime(z) if case.cost == "quadratic" else a - case.y
    np.testing.assert_allclose(delta_L, expected, rtol=1e-12, atol=0)


@given(network_cases())
def test_gradients_are_the_sum_of_per_example_gradients(case: NetworkCase) -> None:
    whole = backprop(case.weights, case.biases, case.x, case.y, case.cost)
    rows = [
        backprop(case.weights, case.biases, case.x[i : i + 1], case.y[i : i + 1], case.cost)
        for i in range(len(case.x))
    ]
    for k in range(len(case.weights)):
        np.testing.assert_allclose(
            whole.weight_grads[k], sum(r.weight_grads[k] for r in rows), rtol=1e-10, atol=1e-12
        )
        np.testing.assert_allclose(
            whole.bias_grads[k], sum(r.bias_grads[k] for r in rows), rtol=1e-10, atol=1e-12
        )


@given(network_cases(), st.floats(1e-3, 10.0))
def test_sgd_step_subtracts_lr_over_batch_rows_times_grad_and_leaves_inputs_intact(
    case: NetworkCase, lr: float
) -> None:
    grads = backprop(case.weights, case.biases, case.x, case.y, case.cost)
    before = [p.copy() for p in case.weights + case.biases]
    rows = len(case.x)
    new_weights, new_biases = sgd_step(case.weights, case.biases, grads, lr, rows)
    for W, dW, new in zip(case.weights, grads.weight_grads, new_weights, strict=True):
        np.testing.assert_allclose(new, W - (lr / rows) * dW, rtol=1e-15, atol=0)
    for b, db, new in zip(case.biases, grads.bias_grads, new_biases, strict=True):
        np.testing.assert_allclose(new, b - (lr / rows) * db, rtol=1e-15, atol=0)
    for p, saved in zip(case.weights + case.biases, before, strict=True):
        np.testing.assert_array_equal(p, saved)


def test_train_steps_through_unshuffled_row_batches_dividing_by_each_batch_size() -> None:
    rng = np.random.default_rng(0)
    weights, biases = init_normal((4, 3, 3), rng)
    x, y = rng.standard_normal((10, 4)), rng.uniform(0.0, 1.0, (10, 3))
    expected_w, expected_b = list(weights), list(biases)
    for _ in range(2):
        for rows in (slice(0, 4), slice(4, 8), slice(8, 10)):
            grads = backprop(expected_w, expected_b, x[rows], y[rows])
            expected_w, expected_b = sgd_step(expected_w, expected_b, grads, 0.1, len(x[rows]))
    trained_w, trained_b = train(weights, biases, x, y, epochs=2, batch_size=4, lr=0.1)
    for got, want in zip(trained_w + trained_b, expected_w + expected_b, strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("cost_name", COSTS)
def test_train_reduces_the_cost_and_learns_a_separable_problem(cost_name: CostName) -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((60, 2))
    labels = (x[:, 0] + x[:, 1] > 0).astype(int)
    y = np.eye(2)[labels]
    weights, biases = init_normal((2, 3, 2), rng)
    start = cost(forward(weights, biases, x).output, y, cost_name)
    weights, biases = train(
        weights, biases, x, y, epochs=300, batch_size=16, lr=0.5, cost=cost_name
    )
    assert cost(forward(weights, biases, x).output, y, cost_name) < 0.5 * start
    assert accuracy(weights, biases, x, y) >= 0.95


def test_sigmoid_is_exact_and_warning_free_at_plus_minus_1e4() -> None:
    z = np.array([-1e4, -800.0, 0.0, 800.0, 1e4])
    # Underflow to 0 is the correctly rounded answer, so only overflow, 0/0 and
    # log(0) must not happen.
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        s, ds = sigmoid(z), sigmoid_prime(z)
    np.testing.assert_array_equal(s, [0.0, 0.0, 0.5, 1.0, 1.0])
    np.testing.assert_array_equal(ds, [0.0, 0.0, 0.25, 0.0, 0.0])


def test_sigmoid_equals_the_textbook_formula_where_that_is_safe() -> None:
    z = np.linspace(-30.0, 30.0, 601)
    np.testing.assert_allclose(sigmoid(z), 1.0 / (1.0 + np.exp(-z)), rtol=1e-14, atol=0)


def test_forward_stores_every_z_and_activation_with_the_input_as_a0() -> None:
    rng = np.random.default_rng(2)
    weights, biases = init_normal((4, 5, 3), rng)
    x = rng.standard_normal((7, 4))
    fp = forward(weights, biases, x)
    assert [z.shape for z in fp.zs] == [(7, 5), (7, 3)]
    np.testing.assert_array_equal(fp.activations[0], x)
    for k, (W, b) in enumerate(zip(weights, biases, strict=True)):
        np.testing.assert_allclose(fp.zs[k], fp.activations[k] @ W.T + b, rtol=1e-15)
        np.testing.assert_array_equal(fp.activations[k + 1], sigmoid(fp.zs[k]))
    assert fp.output is fp.activations[-1]


def test_init_normal_shapes_weights_out_by_in_and_repeats_for_a_seeded_generator() -> None:
    weights, biases = init_normal((4, 3, 3), np.random.default_rng(3))
    assert [W.shape for W in weights] == [(3, 4), (3, 3)]
    assert [b.shape for b in biases] == [(3,), (3,)]
    again_w, again_b = init_normal((4, 3, 3), np.random.default_rng(3))
    for got, want in zip(weights + biases, again_w + again_b, strict=True):
        np.testing.assert_array_equal(got, want)


def test_accuracy_is_the_fraction_of_rows_whose_argmax_matches_the_one_hot_label() -> None:
    weights = [np.eye(3)]
    biases = [np.zeros(3)]
    x = np.array([[5.0, 0, 0], [0, 5.0, 0], [0, 0, 5.0], [5.0, 0, 0]])
    y = np.eye(3)[[0, 1, 0, 1]]
    np.testing.assert_array_equal(predict(weights, biases, x), [0, 1, 2, 0])
    assert accuracy(weights, biases, x, y) == 0.5


def test_mismatched_shapes_and_unknown_costs_raise_errors_that_name_them() -> None:
    weights, biases = init_normal((4, 3, 3), np.random.default_rng(4))
    with pytest.raises(ValueError, match=r"layer 0 has weight \(3, 4\).*input has shape \(2, 5\)"):
        forward(weights, biases, np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"2 weight matrices but 1 bias"):
        forward(weights, biases[:1], np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"target y has shape \(2, 2\), output has shape \(2, 3\)"):
        backprop(weights, biases, np.zeros((2, 4)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="unknown cost 'hinge'"):
        backprop(weights, biases, np.zeros((2, 4)), np.zeros((2, 3)), "hinge")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown cost 'hinge'"):
        cost(np.zeros(3), np.zeros(3), "hinge")  # type: ignore[arg-type]


def test_the_cross_entropy_of_a_saturated_correct_output_is_tiny_not_nan() -> None:
    weights, biases = [np.array([[40.0], [-40.0]])], [np.zeros(2)]
    a = forward(weights, biases, np.array([[1.0]])).output  # [[1.0, 4.2e-18]]: 1 - a is 0
    assert cost(a, np.array([[1.0, 0.0]]), "cross_entropy") == pytest.approx(4.25e-18, rel=1e-2)
    assert cost(np.array([[0.0]]), np.array([[1.0]]), "cross_entropy") == 100.0  # torch's clamp


def test_backprop_takes_a_list_target_and_names_a_network_without_layers() -> None:
    weights, biases = [np.ones((1, 2))], [np.zeros(1)]
    listed = backprop(weights, biases, np.ones((1, 2)), [[1.0]])  # type: ignore[arg-type]
    arrays = backprop(weights, biases, np.ones((1, 2)), np.array([[1.0]]))
    np.testing.assert_array_equal(listed.weight_grads[0], arrays.weight_grads[0])
    with pytest.raises(ValueError, match=r"^backprop: the network needs at least one layer"):
        backprop([], [], np.ones((1, 2)), np.ones((1, 2)))


def test_sgd_step_and_train_refuse_what_they_cannot_do() -> None:
    weights, biases = [np.ones((1, 2))], [np.zeros(1)]
    grads = backprop(weights, biases, np.ones((1, 2)), np.array([[1.0]]))
    with pytest.raises(ValueError, match=r"^sgd_step: batch_rows must be at least 1, got 0"):
        sgd_step(weights, biases, grads, 0.1, 0)
    with pytest.raises(ValueError, match=r"^train: epochs must be at least 0, got -1"):
        train(weights, biases, np.ones((2, 2)), np.ones((2, 1)), -1, 1, 0.1)
    with pytest.raises(ValueError, match=r"^train: x has 2 rows but y has 3"):
        train(weights, biases, np.ones((2, 2)), np.ones((3, 1)), 1, 1, 0.1)


def test_both_cross_entropy_logs_clamp_at_minus_100_without_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cost(np.array([[1.0]]), np.array([[0.0]]), "cross_entropy") == 100.0
        assert cost(np.array([[0.0]]), np.array([[1.0]]), "cross_entropy") == 100.0


def test_train_for_0_epochs_returns_the_parameters_and_names_extra_x_rows() -> None:
    weights, biases = [np.ones((1, 2))], [np.zeros(1)]
    new_weights, new_biases = train(weights, biases, np.ones((2, 2)), np.ones((2, 1)), 0, 1, 0.1)
    np.testing.assert_array_equal(new_weights[0], weights[0])
    np.testing.assert_array_equal(new_biases[0], biases[0])
    with pytest.raises(ValueError, match=r"^train: x has 3 rows but y has 2"):
        train(weights, biases, np.ones((3, 2)), np.ones((2, 1)), 1, 1, 0.1)
