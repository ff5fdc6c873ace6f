"""SGD follows PyTorch's update equations, option by option, and updates parameters in place."""

from __future__ import annotations

import itertools
from functools import partial
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tests.optim.replay import (
    GRADS,
    START,
    minimise_quadratic,
    option_id,
    parameter_and_optimizer,
    random_start_and_grads,
    replay,
    replay_torch,
    step_beside_a_parameter_without_gradient,
    steps_in_float32,
    take_steps,
)
from tests.strategies import arrays, floats_between, shapes
from tinygrad_mlp.optim import SGD

# Every combination PyTorch accepts: nesterov needs momentum > 0 and no dampening.
OPTION_COMBINATIONS = [
    {"momentum": m, "dampening": d, "nesterov": n, "weight_decay": w, "maximize": x}
    for m, d, n, w, x in itertools.product(
        (0.0, 0.9), (0.0, 0.3), (False, True), (0.0, 0.1), (False, True)
    )
    if not n or (m > 0 and d == 0)
]


def sgd_by_the_equations(
    start: np.ndarray,
    grads: list[np.ndarray],
    lr: float,
    momentum: float = 0.0,
    dampening: float = 0.0,
    nesterov: bool = False,
    weight_decay: float = 0.0,
    maximize: bool = False,
) -> list[np.ndarray]:
    """PyTorch's SGD written out step by step, out of place, in float64."""
    p = np.array(start, dtype=np.float64)
    buffer = None
    path = []
    for grad in grads:
        g = (-grad if maximize else grad) + weight_decay * p
        if momentum != 0:
            buffer = g.copy() if buffer is None else momentum * buffer + (1 - dampening) * g
            g = g + momentum * buffer if nesterov else buffer
        p = p - lr * g
        path.append(p)
    return path


sgd_param = partial(parameter_and_optimizer, SGD)


# -- the equations, worked by hand ---------------------------------------------------


def test_plain_step_subtracts_lr_times_the_gradient() -> None:
    p, optimizer = sgd_param([1.0, -2.0], lr=0.1)
    p.grad = tm.tensor([0.5, 1.0])
    optimizer.step()
    np.testing.assert_allclose(p.data, [0.95, -2.1])


def test_weight_decay_adds_decay_times_the_parameter_to_the_gradient() -> None:
    p, optimizer = sgd_param([2.0], lr=0.1, weight_decay=0.5)
    p.grad = tm.tensor([1.0])
    optimizer.step()  # g = 1 + 0.5 * 2 = 2
    np.testing.assert_allclose(p.data, [1.8])


def test_momentum_buffer_starts_as_the_first_gradient_and_dampening_applies_from_step_two() -> None:
    p, optimizer = sgd_param([1.0], lr=0.1, momentum=0.5, dampening=0.5)
    expected = [0.9, 0.75, 0.675]  # buffers 1, 0.5·1 + 0.5·2 = 1.5, 0.5·1.5 + 0.5·0 = 0.75
    for grad, value in zip([1.0, 2.0, 0.0], expected):
        p.grad = tm.tensor([grad])
        optimizer.step()
        np.testing.assert_allclose(p.data, [value])


def test_nesterov_steps_along_the_gradient_plus_momentum_times_the_buffer() -> None:
    p, optimizer = sgd_param([1.0], lr=0.1, momentum=0.5, nesterov=True)
    # step 1: b = 1, d = 1 + 0.5·1 = 1.5;  step 2: b = 0.5 + 1 = 1.5, d = 1 + 0.75 = 1.75
    for value in [0.85, 0.675]:
        p.grad = tm.tensor([1.0])
        optimizer.step()
        np.testing.assert_allclose(p.data, [value])


def test_maximize_climbs_the_gradient() -> None:
    p, optimizer = sgd_param([1.0], lr=0.1, maximize=True)
    p.grad = tm.tensor([1.0])
    optimizer.step()
    np.testing.assert_allclose(p.data, [1.1])


def test_maximize_negates_the_gradient_before_weight_decay_is_added() -> None:
    # PyTorch: g = -grad + weight_decay · p = -1 + 0.5 · 2 = 0, so p stays put.
    p, optimizer = sgd_param([2.0], lr=0.1, weight_decay=0.5, maximize=True)
    p.grad = tm.tensor([1.0])
    optimizer.step()
    np.testing.assert_allclose(p.data, [2.0])


# -- every option, against the equations and against PyTorch ---------------------------


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_steps_match_pytorch_equations_for_every_option_combination(
    options: dict[str, Any],
) -> None:
    ours = replay(lambda params: SGD(params, lr=0.1, **options), START, GRADS)
    expected = sgd_by_the_equations(START, GRADS, lr=0.1, **options)
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-15)


@st.composite
def sgd_settings(draw: st.DrawFn) -> dict[str, Any]:
    momentum = draw(st.sampled_from([0.0, draw(floats_between(0.0, 0.99))]))
    dampening = draw(st.sampled_from([0.0, draw(floats_between(0.0, 1.0))]))
    nesterov = draw(st.booleans()) if momentum > 0 and dampening == 0 else False
    return {
        "lr": draw(floats_between(0.0, 1.0)),
        "momentum": momentum,
        "dampening": dampening,
        "nesterov": nesterov,
        "weight_decay": draw(st.sampled_from([0.0, draw(floats_between(0.0, 0.5))])),
        "maximize": draw(st.booleans()),
    }


@given(settings=sgd_settings(), shape=shapes(), data=st.data())
def test_steps_match_pytorch_equations_for_any_hyperparameters_and_shape(
    settings: dict[str, Any], shape: tuple[int, ...], data: st.DataObject
) -> None:
    start = data.draw(arrays(shape))
    grads = [data.draw(arrays(shape)) for _ in range(3)]
    ours = replay(lambda params: SGD(params, **settings), start, grads)
    expected = sgd_by_the_equations(start, grads, **settings)
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_ten_steps_match_torch_optim_sgd(options: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    start, grads = random_start_and_grads(0, steps=10)
    ours = replay(lambda params: SGD(params, lr=0.05, **options), start, grads)
    theirs = replay_torch(
        torch, lambda params: torch.optim.SGD(params, lr=0.05, **options), start, grads
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_first_momentum_buffer_is_a_copy_of_the_gradient_not_the_gradient_itself() -> None:
    p, optimizer = sgd_param([1.0, 2.0], lr=0.1, momentum=0.9)
    p.grad = tm.tensor([1.0, 1.0])
    optimizer.step()
    buffer = optimizer.state[p]["momentum_buffer"]
    assert buffer is not p.grad.data
    p.grad.data[:] = 100.0
    np.testing.assert_array_equal(buffer, [1.0, 1.0])


# -- hyper-parameters ----------------------------------------------------------------------


def test_the_arguments_come_in_pytorchs_order_with_its_default_lr() -> None:
    p = tm.tensor([1.0], requires_grad=True)
    optimizer = SGD([p], 0.1, 0.9, 0, 1e-4, True)  # torch.optim.SGD's positional order
    group = optimizer.param_groups[0]
    assert (group["weight_decay"], group["nesterov"]) == (1e-4, True)
    assert SGD([p]).param_groups[0]["lr"] == 1e-3
    with pytest.raises(TypeError, match="positional argument"):
        SGD([p], 0.1, 0.0, 0.0, 0.0, False, True)  # type: ignore[misc]  # maximize: keyword only


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"lr": -0.1}, ValueError, "SGD: lr must be non-negative, got -0.1"),
        ({"lr": float("nan")}, ValueError, "SGD: lr must be non-negative, got nan"),
        ({"lr": "0.1"}, TypeError, "SGD: lr must be a real number, got '0.1'"),
        ({"lr": 0.1, "momentum": -0.5}, ValueError, "SGD: momentum must be non-negative, got -0.5"),
        ({"lr": 0.1, "dampening": 1.5}, ValueError, r"SGD: dampening must be in \[0, 1\], got 1.5"),
        ({"lr": 0.1, "weight_decay": -1e-4}, ValueError,
         "SGD: weight_decay must be non-negative, got -0.0001"),
        ({"lr": 0.1, "maximize": 1}, TypeError, "SGD: maximize must be True or False, got 1"),
        ({"lr": 0.1, "nesterov": True}, ValueError,
         "SGD: nesterov requires momentum > 0 and dampening == 0, got momentum=0.0"),
        ({"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "nesterov": True}, ValueError,
         "SGD: nesterov requires momentum > 0 and dampening == 0, got momentum=0.9 and "
         "dampening=0.1"),
    ],
)
def test_bad_hyperparameter_raises_naming_the_class_argument_and_value(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    p = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(error, match=f"^{message}"):
        SGD([p], **options)


def test_changed_group_lr_takes_effect_on_the_next_step() -> None:
    p, optimizer = sgd_param([1.0], lr=0.1)
    optimizer.param_groups[0]["lr"] = 0.5
    p.grad = tm.tensor([1.0])
    optimizer.step()
    np.testing.assert_allclose(p.data, [0.5])


def test_zero_lr_leaves_parameters_unchanged() -> None:
    p, optimizer = sgd_param([1.0, 2.0], lr=0.0, momentum=0.9)
    p.grad = tm.tensor([3.0, 4.0])
    optimizer.step()
    np.testing.assert_array_equal(p.data, [1.0, 2.0])


# -- how parameters are updated ----------------------------------------------------------


@pytest.mark.parametrize("options", [{}, {"momentum": 0.9}], ids=["plain", "momentum"])
def test_parameter_without_gradient_is_left_untouched(options: dict[str, Any]) -> None:
    trained = step_beside_a_parameter_without_gradient(
        lambda params: SGD(params, lr=0.1, **options), [1.0, 1.0])
    np.testing.assert_allclose(trained.data, [0.9, 1.9])


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
@pytest.mark.parametrize("grad_dtype", [np.float32, np.float64])
def test_float32_parameters_and_momentum_buffers_stay_float32(
    options: dict[str, Any], grad_dtype: type
) -> None:
    p, optimizer = steps_in_float32(lambda params: SGD(params, lr=0.1, **options), grad_dtype)
    assert p.dtype == np.float32
    for value in optimizer.state.get(p, {}).values():
        assert value.dtype == np.float32
    expected = sgd_by_the_equations(START, GRADS, lr=0.1, **options)[-1]
    np.testing.assert_allclose(p.data, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_each_step_increments_the_version_of_each_updated_parameter_once(
    options: dict[str, Any]
) -> None:
    p, optimizer = sgd_param([1.0], lr=0.1, **options)
    for expected in (1, 2, 3):
        take_steps(p, optimizer, [1.0])
        assert p._version == expected


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_update_writes_into_the_parameters_own_array(options: dict[str, Any]) -> None:
    p, optimizer = sgd_param(START, lr=0.1, **options)
    array = p.data
    view = array[1:]
    take_steps(p, optimizer, GRADS)
    assert p.data is array
    np.testing.assert_array_equal(view, array[1:])
    assert not np.array_equal(array, START)


@pytest.mark.parametrize(
    "options",
    [{"lr": 0.2}, {"lr": 0.05, "momentum": 0.9}, {"lr": 0.05, "momentum": 0.9, "nesterov": True},
     {"lr": 0.1, "momentum": 0.5, "dampening": 0.5}],
    ids=["plain", "momentum", "nesterov", "dampened"],
)
def test_minimising_a_quadratic_converges(options: dict[str, Any]) -> None:
    w, target = minimise_quadratic(lambda params: SGD(params, **options), steps=300)
    np.testing.assert_allclose(w, target, atol=1e-4)


def test_a_graph_that_saved_a_parameter_refuses_backward_after_a_plain_step() -> None:
    p, optimizer = sgd_param([1.0, 2.0], lr=0.1)
    loss = (p * p).sum()
    (p * 3.0).sum().backward()
    optimizer.step()
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()
