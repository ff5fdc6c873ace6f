"""RMSprop follows PyTorch's update: a running mean of g², eps after the square root."""

from __future__ import annotations

import itertools
import math
from functools import partial
from pathlib import Path
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
    resume_from_a_checkpoint_on_disk,
    step_beside_a_parameter_without_gradient,
    steps_in_float32,
    sum_of_squares,
    take_steps,
    two_groups_with_a_schedule,
)
from tests.strategies import arrays, floats_between, shapes
from tinygrad_mlp.optim import Adagrad, RMSprop
from tinygrad_mlp.optim.lr_scheduler import StepLR

OPTION_COMBINATIONS = [
    {"momentum": m, "centered": c, "weight_decay": w, "maximize": x}
    for m, c, w, x in itertools.product((0.0, 0.9), (False, True), (0.0, 0.1), (False, True))
]


def rmsprop_by_the_equations(
    start: np.ndarray,
    grads: list[np.ndarray],
    lr: float = 1e-2,
    alpha: float = 0.99,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    momentum: float = 0.0,
    centered: bool = False,
    maximize: bool = False,
) -> list[np.ndarray]:
    """PyTorch's RMSprop written out step by step, out of place, in float64."""
    p = np.array(start, dtype=np.float64)
    v = np.zeros_like(p)
    g_avg = np.zeros_like(p)
    b = np.zeros_like(p)
    path = []
    for grad in grads:
        g = (-grad if maximize else grad) + weight_decay * p
        v = alpha * v + (1 - alpha) * g**2
        g_avg = alpha * g_avg + (1 - alpha) * g
        d = g / (np.sqrt(v - g_avg**2 if centered else v) + eps)
        b = momentum * b + d
        p = p - lr * (b if momentum > 0 else d)
        path.append(p)
    return path


rmsprop_param = partial(parameter_and_optimizer, RMSprop)


# -- the equations, worked by hand ---------------------------------------------------------


def test_first_step_divides_each_gradient_by_the_root_of_one_minus_alpha_times_its_square() -> None:
    # v = (1 - 0.75) · g², so √v = |g| / 2 and each weight moves by 2 · lr, whatever |g|.
    p, optimizer = rmsprop_param([1.0, -2.0, 3.0], lr=0.1, alpha=0.75, eps=0.0)
    p.grad = tm.tensor([0.001, -50.0, 7.0])
    optimizer.step()
    np.testing.assert_allclose(p.data, [0.8, -1.8, 2.8])


def test_eps_is_added_after_the_square_root_of_the_square_average() -> None:
    # alpha = 0: √v = |g| = 1e-8, so 1e-8 / (1e-8 + eps) = 0.5 (eps inside the root: ~1e-4)
    p, optimizer = rmsprop_param([1.0], lr=1.0, alpha=0.0, eps=1e-8)
    take_steps(p, optimizer, [1e-8])
    np.testing.assert_allclose(p.data, [0.5], rtol=1e-12)


def test_two_steps_match_the_running_mean_of_squares_worked_by_hand() -> None:
    # alpha 0.5: step 1 (g = 2) v = 2, step 2/√2 = √2; step 2 (g = 1) v = 1 + 0.5 = 1.5
    p, optimizer = rmsprop_param([0.0], lr=1.0, alpha=0.5, eps=0.0)
    take_steps(p, optimizer, [2.0])
    np.testing.assert_allclose(p.data, [-math.sqrt(2)])
    take_steps(p, optimizer, [1.0])
    np.testing.assert_allclose(p.data, [-math.sqrt(2) - 1 / math.sqrt(1.5)])


def test_momentum_accumulates_the_normalised_steps_not_the_gradients() -> None:
    # alpha 0.75, g = 2: step 1 v = 1, d = 2, b = 2;  step 2 v = 1.75, d = 2/√1.75, b = 1 + d
    p, optimizer = rmsprop_param([1.0], lr=0.1, alpha=0.75, eps=0.0, momentum=0.5)
    take_steps(p, optimizer, [2.0])
    np.testing.assert_allclose(p.data, [0.8])
    take_steps(p, optimizer, [2.0])
    np.testing.assert_allclose(p.data, [0.8 - 0.1 * (1 + 2 / math.sqrt(1.75))])


def test_centered_divides_by_the_running_standard_deviation_of_the_gradient() -> None:
    # alpha 0.5. g = 2: v = 2, ḡ = 1, v - ḡ² = 1, step 2.  g = 0: no step.
    # g = 1: v = 0.5 + 0.5 = 1, ḡ = 0.25 + 0.5 = 0.75, v - ḡ² = 0.4375, step 1/√0.4375.
    p, optimizer = rmsprop_param([0.0], lr=1.0, alpha=0.5, eps=0.0, centered=True)
    take_steps(p, optimizer, [2.0, 0.0])
    np.testing.assert_allclose(p.data, [-2.0])
    take_steps(p, optimizer, [1.0])
    np.testing.assert_allclose(p.data, [-2.0 - 1 / math.sqrt(0.4375)])
    np.testing.assert_allclose(optimizer.state[p]["grad_avg"], [0.75])


def test_centered_variance_rounded_below_zero_is_clipped_so_the_step_stays_finite() -> None:
    # Two nearly equal gradients at a tiny alpha: v - ḡ² rounds to -2.2e-16, and
    # PyTorch's step is NaN. Clipped to 0, the step is lr · g / (0 + eps).
    alpha, first, second = 9.319244936540915e-09, 1.0871430600869698, 1.0871430569803298
    p, optimizer = rmsprop_param([0.0], lr=1.0, alpha=alpha, eps=1.0, centered=True)
    take_steps(p, optimizer, [first])
    before = p.item()
    take_steps(p, optimizer, [second])
    state = optimizer.state[p]
    assert (state["square_avg"] - state["grad_avg"] ** 2)[0] < 0  # the case this test is about
    np.testing.assert_allclose(p.data, [before - second], rtol=1e-15)


def test_weight_decay_is_added_to_the_gradient_before_the_averages() -> None:
    # g = -1 + 1 · 2 = +1, so the weight moves down although the loss gradient says up.
    p, optimizer = rmsprop_param([2.0], lr=0.1, alpha=0.75, eps=0.0, weight_decay=1.0)
    take_steps(p, optimizer, [-1.0])
    np.testing.assert_allclose(p.data, [1.8])


def test_maximize_climbs_the_gradient() -> None:
    p, optimizer = rmsprop_param([2.0], lr=0.1, alpha=0.75, eps=0.0, maximize=True)
    take_steps(p, optimizer, [5.0])
    np.testing.assert_allclose(p.data, [2.2])


def test_maximize_negates_the_gradient_before_weight_decay_is_added() -> None:
    # PyTorch: g = -grad + weight_decay · p = -1 + 0.5 · 2 = 0, so p stays put.
    p, optimizer = rmsprop_param([2.0], lr=0.1, weight_decay=0.5, maximize=True)
    take_steps(p, optimizer, [1.0])
    np.testing.assert_array_equal(p.data, [2.0])


@pytest.mark.parametrize(
    ("options", "keys"),
    [({}, {"step", "square_avg"}),
     ({"momentum": 0.9}, {"step", "square_avg", "momentum_buffer"}),
     ({"centered": True}, {"step", "square_avg", "grad_avg"}),
     ({"momentum": 0.9, "centered": True},
      {"step", "square_avg", "momentum_buffer", "grad_avg"})],
    ids=["plain", "momentum", "centered", "both"],
)
def test_state_holds_pytorchs_names_for_the_options_in_use(
    options: dict[str, Any], keys: set[str]
) -> None:
    p, optimizer = rmsprop_param([1.0, 2.0], **options)
    take_steps(p, optimizer, [np.array([0.5, -0.5])] * 2)
    state = optimizer.state[p]
    assert set(state) == keys
    assert state["step"] == 2
    assert all(state[key].shape == (2,) for key in keys - {"step"})


def test_turning_momentum_on_after_some_steps_starts_its_buffer_at_zero() -> None:
    p, optimizer = rmsprop_param([1.0], lr=0.1, alpha=0.75, eps=0.0)
    take_steps(p, optimizer, [2.0])  # v = 1, p = 0.8
    optimizer.param_groups[0]["momentum"] = 0.5
    take_steps(p, optimizer, [2.0])  # v = 1.75, b = 0.5 · 0 + 2/√1.75
    np.testing.assert_allclose(p.data, [0.8 - 0.1 * 2 / math.sqrt(1.75)])


# -- every option, against the equations and against PyTorch -----------------------------------


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_steps_match_pytorch_equations_for_every_option_combination(
    options: dict[str, Any],
) -> None:
    ours = replay(lambda params: RMSprop(params, lr=0.1, alpha=0.9, **options), START, GRADS)
    expected = rmsprop_by_the_equations(START, GRADS, lr=0.1, alpha=0.9, **options)
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-15)


@st.composite
def rmsprop_settings(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "lr": draw(floats_between(0.0, 0.1)),
        # From 0.1: near 0, centered's v - ḡ² cancels and rounding dominates it.
        "alpha": draw(floats_between(0.1, 0.999)),
        "eps": draw(floats_between(1e-8, 1e-3)),
        "weight_decay": draw(st.sampled_from([0.0, draw(floats_between(0.0, 0.5))])),
        "momentum": draw(st.sampled_from([0.0, draw(floats_between(0.0, 0.95))])),
        "centered": draw(st.booleans()),
        "maximize": draw(st.booleans()),
    }


@given(settings=rmsprop_settings(), shape=shapes(), data=st.data())
def test_steps_match_pytorch_equations_for_any_hyperparameters_and_shape(
    settings: dict[str, Any], shape: tuple[int, ...], data: st.DataObject
) -> None:
    start = data.draw(arrays(shape))
    grads = [data.draw(arrays(shape)) for _ in range(3)]
    ours = replay(lambda params: RMSprop(params, **settings), start, grads)
    expected = rmsprop_by_the_equations(start, grads, **settings)
    np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-12)


@given(settings=rmsprop_settings(), seed=st.integers(0, 2**32 - 1))
def test_forty_steps_match_torch_optim_rmsprop_for_any_hyperparameters(
    settings: dict[str, Any], seed: int
) -> None:
    torch = pytest.importorskip("torch")
    start, grads = random_start_and_grads(seed, steps=40)
    ours = replay(lambda params: RMSprop(params, **settings), start, grads)
    theirs = replay_torch(torch, lambda params: torch.optim.RMSprop(params, **settings), start,
                          grads)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_param_groups_and_a_schedule_follow_torch_step_for_step() -> None:
    torch = pytest.importorskip("torch")
    defaults = {"lr": 0.02, "alpha": 0.9, "momentum": 0.5}
    second_group = {"lr": 0.05, "centered": True, "momentum": 0.0, "weight_decay": 0.01}
    ours = two_groups_with_a_schedule(tm, RMSprop, defaults, second_group, steps=30)
    theirs = two_groups_with_a_schedule(torch, torch.optim.RMSprop, defaults, second_group,
                                        steps=30)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


# -- hyper-parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"lr": -1e-3}, ValueError, "RMSprop: lr must be non-negative, got -0.001"),
        ({"lr": float("nan")}, ValueError, "RMSprop: lr must be non-negative, got nan"),
        ({"alpha": -0.1}, ValueError, r"RMSprop: alpha must be in \[0, 1\], got -0.1"),
        ({"alpha": 1.5}, ValueError, r"RMSprop: alpha must be in \[0, 1\], got 1.5"),
        ({"eps": -1e-8}, ValueError, "RMSprop: eps must be non-negative, got -1e-08"),
        ({"weight_decay": -0.1}, ValueError,
         "RMSprop: weight_decay must be non-negative, got -0.1"),
        ({"momentum": -0.9}, ValueError, "RMSprop: momentum must be non-negative, got -0.9"),
        ({"momentum": "0.9"}, TypeError, "RMSprop: momentum must be a real number, got '0.9'"),
        ({"centered": 1}, TypeError, "RMSprop: centered must be True or False, got 1"),
        ({"maximize": None}, TypeError, "RMSprop: maximize must be True or False, got None"),
    ],
)
def test_bad_hyperparameter_raises_naming_the_class_argument_and_value(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    p = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(error, match=f"^{message}$"):
        RMSprop([p], **options)


def test_bad_hyperparameter_in_a_group_raises_naming_the_group() -> None:
    a, b = tm.tensor([1.0], requires_grad=True), tm.tensor([2.0], requires_grad=True)
    with pytest.raises(ValueError,
                       match=r"^RMSprop: param group 1: alpha must be in \[0, 1\], got 2$"):
        RMSprop([{"params": [a]}, {"params": [b], "alpha": 2}])


def test_defaults_and_positional_order_are_pytorchs_and_maximize_is_keyword_only() -> None:
    p = tm.tensor([1.0], requires_grad=True)
    group = RMSprop([p]).param_groups[0]
    assert (group["lr"], group["alpha"], group["eps"]) == (1e-2, 0.99, 1e-8)
    assert (group["weight_decay"], group["momentum"]) == (0.0, 0.0)
    assert (group["centered"], group["maximize"]) == (False, False)
    group = RMSprop([p], 0.1, 0.9, 1e-6, 1e-4, 0.8, True).param_groups[0]
    assert (group["lr"], group["alpha"], group["eps"]) == (0.1, 0.9, 1e-6)
    assert (group["weight_decay"], group["momentum"], group["centered"]) == (1e-4, 0.8, True)
    with pytest.raises(TypeError, match="positional argument"):
        RMSprop([p], 0.1, 0.9, 1e-6, 1e-4, 0.8, True, True)  # type: ignore[misc]


# -- how parameters are updated ------------------------------------------------------------


@pytest.mark.parametrize("options", [{}, {"momentum": 0.9, "centered": True}],
                         ids=["plain", "momentum,centered"])
def test_parameter_without_gradient_is_left_untouched(options: dict[str, Any]) -> None:
    trained = step_beside_a_parameter_without_gradient(
        lambda params: RMSprop(params, lr=0.1, alpha=0.75, eps=0.0, **options), [1.0, -1.0])
    expected = [0.8, 2.2] if not options else [1.0 - 0.1 / math.sqrt(0.25 - 0.0625),
                                               2.0 + 0.1 / math.sqrt(0.25 - 0.0625)]
    np.testing.assert_allclose(trained.data, expected)


def test_step_with_a_closure_returns_its_loss_and_steps_with_the_gradient_it_computed() -> None:
    p, optimizer = rmsprop_param([3.0], lr=0.1, alpha=0.75, eps=0.0)
    assert optimizer.step(sum_of_squares(p, optimizer)).item() == 9.0
    np.testing.assert_allclose(p.data, [2.8])  # g = 6, √v = 3: a step of 2 · lr


def test_a_scheduled_lr_is_the_lr_the_next_step_uses() -> None:
    p, optimizer = rmsprop_param([1.0], lr=0.1, alpha=0.75, eps=0.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.5)
    take_steps(p, optimizer, [2.0])  # 2 · 0.1
    scheduler.step()
    take_steps(p, optimizer, [2.0])  # 0.05 · 2/√1.75
    np.testing.assert_allclose(p.data, [0.8 - 0.05 * 2 / math.sqrt(1.75)])


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
@pytest.mark.parametrize("grad_dtype", [np.float32, np.float64])
def test_float32_parameters_and_running_averages_stay_float32(
    options: dict[str, Any], grad_dtype: type
) -> None:
    p, optimizer = steps_in_float32(
        lambda params: RMSprop(params, lr=0.1, alpha=0.9, **options), grad_dtype)
    assert p.dtype == np.float32
    arrays_in_state = [v for v in optimizer.state[p].values() if isinstance(v, np.ndarray)]
    assert arrays_in_state and all(a.dtype == np.float32 for a in arrays_in_state)
    expected = rmsprop_by_the_equations(START, GRADS, lr=0.1, alpha=0.9, **options)[-1]
    np.testing.assert_allclose(p.data, expected, rtol=1e-5, atol=1e-5)


def test_each_step_increments_the_version_of_each_updated_parameter_once() -> None:
    p, optimizer = rmsprop_param([1.0], momentum=0.9, centered=True)
    for expected in (1, 2, 3):
        take_steps(p, optimizer, [1.0])
        assert p._version == expected


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_update_writes_into_the_parameters_own_array(options: dict[str, Any]) -> None:
    p, optimizer = rmsprop_param(START, lr=0.1, **options)
    array = p.data
    take_steps(p, optimizer, GRADS)
    assert p.data is array
    assert not np.array_equal(array, START)


@pytest.mark.parametrize(
    "options", [{}, {"momentum": 0.5}, {"centered": True}], ids=["plain", "momentum", "centered"]
)
def test_minimising_a_quadratic_converges(options: dict[str, Any]) -> None:
    w, target = minimise_quadratic(lambda params: RMSprop(params, lr=0.01, **options), steps=1500)
    np.testing.assert_allclose(w, target, atol=1e-2)


# -- saving and restoring ------------------------------------------------------------------


@pytest.mark.parametrize("options", [
    {"momentum": 0.9, "centered": True, "weight_decay": 0.01},
    # numpy numbers as settings, as a config file or an earlier checkpoint gives them
    {"lr": np.float32(0.05), "alpha": np.float64(0.9), "momentum": np.array(0.5),
     "centered": np.bool_(True)},
], ids=["options", "numpy-settings"])
def test_state_dict_saved_to_disk_and_loaded_continues_exactly_as_the_original(
    options: dict[str, Any], tmp_path: Path
) -> None:
    restored, copies = resume_from_a_checkpoint_on_disk(RMSprop, options, tmp_path)
    assert restored.state[copies[0]]["step"] == 6


def test_a_state_dict_from_another_optimizer_is_refused() -> None:
    p = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"has settings RMSprop does not use: "
                                         r"'initial_accumulator_value', 'lr_decay'"):
        RMSprop([p]).load_state_dict(Adagrad([p]).state_dict())
