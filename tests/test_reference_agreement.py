"""The engine against the article's hand-derived backprop (BP1-BP4 in ``reference.py``).

Each network is built twice from the same parameters: as arrays for
``tinygrad_mlp.reference`` and as ``nn.Sequential(Linear, Sigmoid, Linear,
Sigmoid, ...)`` for the engine. The reference sums the cost over the rows of the
batch, so the engine's cost is summed too (``reduction="sum"``) wherever
gradients are compared. Where an optimizer steps, the cost is instead averaged
over the rows, which makes plain SGD's p <- p - eta dC/dp the article's
W <- W - (eta / m) sum_x dC_x/dW.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tests.strategies import NetworkCase, network_cases
from tinygrad_mlp import nn, reference
from tinygrad_mlp.nn import functional as F
from tinygrad_mlp.optim import SGD

# Both sides do the same float64 arithmetic, in a different order.
RTOL, ATOL = 1e-9, 1e-12


def reference_state_dict(
    weights: list[reference.Array], biases: list[reference.Array]
) -> dict[str, reference.Array]:
    """The reference's parameters under the model's names: layer k is child 2k."""
    state = {}
    for k, (W, b) in enumerate(zip(weights, biases, strict=True)):
        state[f"{2 * k}.weight"] = W
        state[f"{2 * k}.bias"] = b
    return state


def build_model(case: NetworkCase) -> nn.Sequential:
    """The reference's network as Linear and Sigmoid modules, with its parameters loaded."""
    model = nn.Sequential()
    for n_in, n_out in zip(case.sizes[:-1], case.sizes[1:], strict=True):
        model.append(nn.Linear(n_in, n_out, dtype=tm.float64))
        model.append(nn.Sigmoid())
    model.load_state_dict(reference_state_dict(case.weights, case.biases))
    return model


def linear_layers(model: nn.Sequential) -> list[nn.Linear]:
    """The model's Linear modules, input side first."""
    return [module for module in model if isinstance(module, nn.Linear)]


def forward_keeping_zs(
    model: nn.Sequential, x: reference.Array
) -> tuple[tm.Tensor, list[tm.Tensor]]:
    """Run the modules one by one; keep every Linear's output z^l, retaining its grad."""
    a = tm.tensor(x)
    zs = []
    for module in model:
        a = module(a)
        if isinstance(module, nn.Linear):
            a.retain_grad()
            zs.append(a)
    return a, zs


def summed_cost(output: tm.Tensor, y: reference.Array, cost: reference.CostName) -> tm.Tensor:
    """``reference.cost``: 1/2 sum ||y - a||^2, or -sum [y ln a + (1 - y) ln(1 - a)]."""
    if cost == "quadratic":
        return F.quadratic_cost(output, y, reduction="sum")
    return F.binary_cross_entropy(output, y, reduction="sum")


def cost_per_row(output: tm.Tensor, y: reference.Array, cost: reference.CostName) -> tm.Tensor:
    """The summed cost divided by the batch's row count m (Nielsen's C = 1/m sum_x C_x)."""
    if cost == "quadratic":
        return F.quadratic_cost(output, y, reduction="mean")
    return F.binary_cross_entropy(output, y, reduction="sum") / len(y)


def assert_parameters_equal(
    model: nn.Sequential,
    weights: list[reference.Array],
    biases: list[reference.Array],
    atol: float,
) -> None:
    expected = reference_state_dict(weights, biases)
    actual = model.state_dict()
    assert actual.keys() == expected.keys()
    for name, value in expected.items():
        np.testing.assert_allclose(actual[name], value, rtol=0, atol=atol, err_msg=name)


@given(network_cases())
def test_forward_gives_the_reference_weighted_inputs_activations_and_cost(
    case: NetworkCase,
) -> None:
    expected = reference.forward(case.weights, case.biases, case.x)
    output, zs = forward_keeping_zs(build_model(case), case.x)
    assert len(zs) == len(expected.zs)
    for z, z_ref in zip(zs, expected.zs, strict=True):
        np.testing.assert_allclose(z.data, z_ref, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(output.data, expected.output, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(
        summed_cost(output, case.y, case.cost).item(),
        reference.cost(expected.output, case.y, case.cost),
        rtol=RTOL,
    )


@given(network_cases())
def test_retained_weighted_input_grads_equal_the_reference_deltas_bp1_bp2(
    case: NetworkCase,
) -> None:
    output, zs = forward_keeping_zs(build_model(case), case.x)
    summed_cost(output, case.y, case.cost).backward()
    deltas = reference.backprop(case.weights, case.biases, case.x, case.y, case.cost).deltas
    for layer, (z, delta) in enumerate(zip(zs, deltas, strict=True), start=1):
        assert z.grad is not None, f"z^{layer} kept no gradient"
        np.testing.assert_allclose(
            z.grad.data, delta, rtol=RTOL, atol=ATOL, err_msg=f"delta^{layer}"
        )


@given(network_cases())
def test_hooks_on_weighted_inputs_receive_the_reference_deltas(case: NetworkCase) -> None:
    received: dict[int, tm.Tensor] = {}
    a, layer = tm.tensor(case.x), 0
    for module in build_model(case):
        a = module(a)
        if isinstance(module, nn.Linear):
            layer += 1
            a.register_hook(lambda g, layer=layer: received.__setitem__(layer, g))
    summed_cost(a, case.y, case.cost).backward()
    deltas = reference.backprop(case.weights, case.biases, case.x, case.y, case.cost).deltas
    assert sorted(received) == list(range(1, len(deltas) + 1))
    for layer, delta in enumerate(deltas, start=1):
        assert received[layer].shape == delta.shape
        np.testing.assert_allclose(
            received[layer].data, delta, rtol=RTOL, atol=ATOL, err_msg=f"delta^{layer}"
        )


@given(network_cases())
def test_weight_and_bias_grads_equal_bp4_and_bp3(case: NetworkCase) -> None:
    model = build_model(case)
    summed_cost(model(tm.tensor(case.x)), case.y, case.cost).backward()
    grads = reference.backprop(case.weights, case.biases, case.x, case.y, case.cost)
    layers = linear_layers(model)
    for k, (linear, dW, db) in enumerate(
        zip(layers, grads.weight_grads, grads.bias_grads, strict=True)
    ):
        assert linear.weight.grad is not None and linear.bias is not None
        assert linear.bias.grad is not None
        np.testing.assert_allclose(
            linear.weight.grad.data, dW, rtol=RTOL, atol=ATOL, err_msg=f"dC/dw^{k + 1} (BP4)"
        )
        np.testing.assert_allclose(
            linear.bias.grad.data, db, rtol=RTOL, atol=ATOL, err_msg=f"dC/db^{k + 1} (BP3)"
        )


@given(network_cases(), st.floats(1e-3, 10.0))
def test_one_sgd_step_on_the_per_row_cost_is_the_articles_update(
    case: NetworkCase, lr: float
) -> None:
    model = build_model(case)
    optimizer = SGD(model.parameters(), lr=lr)
    optimizer.zero_grad()
    cost_per_row(model(tm.tensor(case.x)), case.y, case.cost).backward()
    optimizer.step()
    grads = reference.backprop(case.weights, case.biases, case.x, case.y, case.cost)
    weights, biases = reference.sgd_step(case.weights, case.biases, grads, lr, len(case.x))
    assert_parameters_equal(model, weights, biases, atol=1e-11)


EPOCHS, BATCHES_PER_EPOCH = 4, 25  # 100 steps


@given(st.data(), st.sampled_from([0.1, 1.0]))
def test_100_sgd_steps_on_row_order_minibatches_leave_the_articles_weights(
    data: st.DataObject, lr: float
) -> None:
    batch_size = data.draw(st.integers(1, 64), label="batch_size")
    # Enough rows for 25 batches, the last of them possibly short.
    case = data.draw(
        network_cases(
            min_rows=(BATCHES_PER_EPOCH - 1) * batch_size + 1,
            max_rows=BATCHES_PER_EPOCH * batch_size,
        ),
        label="case",
    )
    weights, biases = reference.train(
        case.weights, case.biases, case.x, case.y, EPOCHS, batch_size, lr, case.cost
    )

    model = build_model(case)
    optimizer = SGD(model.parameters(), lr=lr)
    steps = 0
    for _ in range(EPOCHS):
        for start in range(0, len(case.x), batch_size):
            rows = slice(start, start + batch_size)
            optimizer.zero_grad()
            cost_per_row(model(tm.tensor(case.x[rows])), case.y[rows], case.cost).backward()
            optimizer.step()
            steps += 1
    assert steps == EPOCHS * BATCHES_PER_EPOCH
    assert_parameters_equal(model, weights, biases, atol=1e-10)
