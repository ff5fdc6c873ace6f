"""Adagrad follows PyTorch's update: a growing sum of g², a decaying lr, eps after the root."""

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
    {"lr_decay": d, "weight_decay": w, "initial_accumulator_value": s, "maximize": x}
    for d, w, s, x in itertools.product((0.0, 0.5), (0.0, 0.1), (0.0, 0.2), (False, True))
]


def adagrad_by_the_equations(
    start: np.ndarray,
    grads: list[np.ndarray],
    lr: float = 1e-2,
    lr_decay: float = 0.0,
    weight_decay: float = 0.0,
    initial_accumulator_value: float = 0.0,
    eps: float = 1e-10,
    maximize: bool = False,
) -> list[np.ndarray]:
    """PyTorch's Adagrad written out step by step, out of place, in float64."""
    p = np.array(start, dtype=np.float64)
    s = np.full_like(p, initial_accumulator_value)
    path = []
    for t, grad in enumerate(grads, start=1):
        g = (-grad if maximize else grad) + weight_decay * p
        s = s + g**2
        p = p - lr / (1 + (t - 1) * lr_decay) * g / (np.sqrt(s) + eps)
        path.append(p)
    return path


adagrad_param = partial(parameter_and_optimizer, Adagrad)


# -- the equations, worked by hand ---------------------------------------------------------


def test_first_step_moves_each_weight_by_lr_against_the_sign_of_its_gradient() -> None:
    # s = g² after one step, so the step is lr · g / (|g| + eps), whatever |g|.
    p, optimizer = adagrad_param([1.0, -2.0, 3.0], lr=0.01)
    p.grad = tm.tensor([0.001, -50.0, 7.0])
    optimizer.step()
    np.testing.assert_allclose(p.data, [0.99, -1.99, 2.99], rtol=0, atol=2e-9)  # eps: 1e-9


def test_each_step_divides_by_the_root_of_the_sum_of_all_squared_gradients() -> None:
    # g = 3: s = 9, step 1.  g = 4: s = 25, step 4/5.  g = 0: no step, s stays 25.
    p, optimizer = adagrad_param([0.0], lr=1.0, eps=0.0)
    take_steps(p, optimizer, [3.0])
    np.testing.assert_allclose(p.data, [-1.0])
    take_steps(p, optimizer, [4.0, 0.0])
    np.testing.assert_allclose(p.data, [-1.8])
    np.testing.assert_allclose(optimizer.state[p]["sum"], [25.0])


def test_lr_decay_divides_lr_by_one_plus_the_earlier_steps_times_lr_decay() -> None:
    # g = 1 each step, lr_decay 0.5: clr = 1, 1/1.5, 1/2 and s = 1, 2, 3.
    p, optimizer = adagrad_param([0.0], lr=1.0, lr_decay=0.5, eps=0.0)
    take_steps(p, optimizer, [1.0, 1.0, 1.0])
    np.testing.assert_allclose(p.data, [-1.0 - 1 / (1.5 * math.sqrt(2)) - 1 / (2 * math.sqrt(3))])


def test_initial_accumulator_value_is_where_the_sum_starts() -> None:
    # s = 16 + 3² = 25: a step of 3/5 rather than 1.
    p, optimizer = adagrad_param([0.0], lr=1.0, initial_accumulator_value=16.0, eps=0.0)
    take_steps(p, optimizer, [3.0])
    np.testing.assert_allclose(p.data, [-0.6])


def test_eps_is_added_after_the_square_root_of_the_sum() -> None:
    # √s = 1e-10, so 1e-10 / (1e-10 + eps) = 0.5 (eps inside the root would give ~1e-5)
    p, optimizer = adagrad_param([1.0], lr=1.0, eps=1e-10)
    take_steps(p, optimizer, [1e-10])
    np.testing.assert_allclose(p.data, [0.5], rtol=1e-12)


def test_weight_decay_is_added_to_the_gradient_before_the_sum() -> None:
    # g = -1 + 1 · 2 = +1, so the weight moves down although the loss gradient says up.
    p, optimizer = adagrad_param([2.0], lr=0.1, weight_decay=1.0)
    take_steps(p, optimizer, [-1.0])
    np.testing.assert_allclose(p.data, [1.9])


def test_maximize_climbs_the_gradient() -> None:
    p, optimizer = adagrad_param([2.0], lr=0.1, maximize=True)
    take_steps(p, optimizer, [5.0])
    np.testing.assert_allclose(p.data, [2.1])


def test_maximize_negates_the_gradient_before_weight_decay_is_added() -> None:
    # PyTorch: g = -grad + weight_decay · p = -1 + 0.5 · 2 = 0, so p stays put.
    p, optimizer = adagrad_param([2.0], lr=0.1, weight_decay=0.5, maximize=True)
    take_steps(p, optimizer, [1.0])
    np.testing.assert_array_equal(p.data, [2.0])


def test_lr_decay_counts_each_parameters_own_steps() -> None:
    early = tm.tensor([0.0], requires_grad=True)
    late = tm.tensor([0.0], requires_grad=True)
    optimizer = Adagrad([early, late], lr=0.1, lr_decay=1.0)
    early.grad = tm.tensor([1.0])
    optimizer.step()
    late.grad = tm.tensor([1.0])
    optimizer.step()
    # late's first step is undecayed: exactly lr (up to eps); early's second is lr/2 · 1/√2
    np.testing.assert_allclose(late.data, [-0.1])
    np.testing.assert_allclose(early.data, [-0.1 - 0.05 / math.sqrt(2)])
    assert optimizer.state[early]["step"] == 2 and optimizer.state[late]["step"] == 1


def test_state_holds_the_step_count_and_the_sum() -> None:
    p, optimizer = adagrad_param([1.0, 2.0], initial_accumulator_value=0.5)
    p.grad = tm.tensor([1.0, -2.0])
    optimizer.step()
    state = optimizer.state[p]
    assert set(state) == {"step", "sum"}
    assert state["step"] == 1
    np.testing.assert_array_equal(state["sum"], [1.5, 4.5])


def test_each_group_starts_its_sum_at_its_own_initial_accumulator_value() -> None:
    a, b = tm.tensor([0.0], requires_grad=True), tm.tensor([0.0], requires_grad=True)
    optimizer = Adagrad([{"params": [a]}, {"params": [b], "initial_accumulator_value": 16.0}],
                        lr=1.0, eps=0.0)
    a.grad, b.grad = tm.tensor([3.0]), tm.tensor([3.0])
    optimizer.step()
    assert (optimizer.state[a]["sum"][0], optimizer.state[b]["sum"][0]) == (9.0, 25.0)
    np.testing.assert_allclose([a.item(), b.item()], [-1.0, -0.6])


# -- every option, against the equations and against PyTorch -----------------------------------


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_steps_match_pytorch_equations_for_every_option_combination(
    options: dict[str, Any],
) -> None:
    ours = replay(lambda params: Adagrad(params, lr=0.1, **options), START, GRADS)
    expected = adagrad_by_the_equations(START, GRADS, lr=0.1, **options)
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-15)


@st.composite
def adagrad_settings(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "lr": draw(floats_between(0.0, 0.5)),
        "lr_decay": draw(st.sampled_from([0.0, draw(floats_between(0.0, 1.0))])),
        "weight_decay": draw(st.sampled_from([0.0, draw(floats_between(0.0, 0.5))])),
        "initial_accumulator_value": draw(st.sampled_from([0.0, draw(floats_between(0.0, 2.0))])),
        "eps": draw(floats_between(1e-10, 1e-3)),
        "maximize": draw(st.booleans()),
    }


@given(settings=adagrad_settings(), shape=shapes(), data=st.data())
def test_steps_match_pytorch_equations_for_any_hyperparameters_and_shape(
    settings: dict[str, Any], shape: tuple[int, ...], data: st.DataObject
) -> None:
    start = data.draw(arrays(shape))
    grads = [data.draw(arrays(shape)) for _ in range(3)]
    ours = replay(lambda params: Adagrad(params, **settings), start, grads)
    expected = adagrad_by_the_equations(start, grads, **settings)
    np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-12)


@given(settings=adagrad_settings(), seed=st.integers(0, 2**32 - 1))
def test_forty_steps_match_torch_optim_adagrad_for_any_hyperparameters(
    settings: dict[str, Any], seed: int
) -> None:
    torch = pytest.importorskip("torch")
    start, grads = random_start_and_grads(seed, steps=40)
    ours = replay(lambda params: Adagrad(params, **settings), start, grads)
    theirs = replay_torch(torch, lambda params: torch.optim.Adagrad(params, **settings), start,
                          grads)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_param_groups_and_a_schedule_follow_torch_step_for_step() -> None:
    torch = pytest.importorskip("torch")
    # Both groups keep the constructor's initial_accumulator_value, the only one PyTorch reads.
    defaults = {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.1}
    second_group = {"lr": 0.3, "lr_decay": 0.0, "weight_decay": 0.01}
    ours = two_groups_with_a_schedule(tm, Adagrad, defaults, second_group, steps=30)
    theirs = two_groups_with_a_schedule(torch, torch.optim.Adagrad, defaults, second_group,
                                        steps=30)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


# -- hyper-parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"lr": -1e-3}, ValueError, "Adagrad: lr must be non-negative, got -0.001"),
        ({"lr": float("nan")}, ValueError, "Adagrad: lr must be non-negative, got nan"),
        ({"lr_decay": -0.1}, ValueError, "Adagrad: lr_decay must be non-negative, got -0.1"),
        ({"weight_decay": -0.1}, ValueError,
         "Adagrad: weight_decay must be non-negative, got -0.1"),
        ({"initial_accumulator_value": -1.0}, ValueError,
         "Adagrad: initial_accumulator_value must be non-negative, got -1.0"),
        ({"eps": -1e-10}, ValueError, "Adagrad: eps must be non-negative, got -1e-10"),
        ({"lr_decay": "0.1"}, TypeError, "Adagrad: lr_decay must be a real number, got '0.1'"),
        ({"maximize": 1}, TypeError, "Adagrad: maximize must be True or False, got 1"),
    ],
)
def test_bad_hyperparameter_raises_naming_the_class_argument_and_value(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    p = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(error, match=f"^{message}$"):
        Adagrad([p], **options)


def test_bad_hyperparameter_in_a_group_raises_naming_the_group() -> None:
    a, b = tm.tensor([1.0], requires_grad=True), tm.tensor([2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"^Adagrad: param group 1: initial_accumulator_value "
                                         r"must be non-negative, got -0\.5$"):
        Adagrad([{"params": [a]}, {"params": [b], "initial_accumulator_value": -0.5}])


def test_defaults_and_positional_order_are_pytorchs_and_maximize_is_keyword_only() -> None:
    p = tm.tensor([1.0], requires_grad=True)
    group = Adagrad([p]).param_groups[0]
    assert (group["lr"], group["lr_decay"], group["weight_decay"]) == (1e-2, 0.0, 0.0)
    assert (group["initial_accumulator_value"], group["eps"], group["maximize"]) == (
        0.0, 1e-10, False)
    group = Adagrad([p], 0.1, 1e-3, 1e-4, 0.5, 1e-8).param_groups[0]
    assert (group["lr"], group["lr_decay"], group["weight_decay"]) == (0.1, 1e-3, 1e-4)
    assert (group["initial_accumulator_value"], group["eps"]) == (0.5, 1e-8)
    with pytest.raises(TypeError, match="positional argument"):
        Adagrad([p], 0.1, 1e-3, 1e-4, 0.5, 1e-8, True)  # type: ignore[misc]


# -- how parameters are updated ------------------------------------------------------------


def test_parameter_without_gradient_is_left_untouched_and_gets_no_state() -> None:
    trained = step_beside_a_parameter_without_gradient(
        lambda params: Adagrad(params, lr=0.1, initial_accumulator_value=1.0), [1.0, -1.0])
    np.testing.assert_allclose(trained.data, [1.0 - 0.1 / math.sqrt(2), 2.0 + 0.1 / math.sqrt(2)])


def test_step_with_a_closure_returns_its_loss_and_steps_with_the_gradient_it_computed() -> None:
    p, optimizer = adagrad_param([3.0], lr=0.1, initial_accumulator_value=64.0, eps=0.0)
    assert optimizer.step(sum_of_squares(p, optimizer)).item() == 9.0
    np.testing.assert_allclose(p.data, [3.0 - 0.1 * 6 / 10])  # s = 64 + 36


def test_a_scheduled_lr_is_decayed_further_by_lr_decay() -> None:
    p, optimizer = adagrad_param([0.0], lr=1.0, lr_decay=1.0, eps=0.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.5)
    take_steps(p, optimizer, [1.0])  # 1
    scheduler.step()
    take_steps(p, optimizer, [1.0])  # 0.5 / (1 + 1) · 1/√2
    np.testing.assert_allclose(p.data, [-1.0 - 0.25 / math.sqrt(2)])


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
@pytest.mark.parametrize("grad_dtype", [np.float32, np.float64])
def test_float32_parameters_and_sums_stay_float32(
    options: dict[str, Any], grad_dtype: type
) -> None:
    p, optimizer = steps_in_float32(lambda params: Adagrad(params, lr=0.1, **options), grad_dtype)
    assert p.dtype == np.float32
    assert optimizer.state[p]["sum"].dtype == np.float32
    expected = adagrad_by_the_equations(START, GRADS, lr=0.1, **options)[-1]
    np.testing.assert_allclose(p.data, expected, rtol=1e-5, atol=1e-6)


def test_each_step_increments_the_version_of_each_updated_parameter_once() -> None:
    p, optimizer = adagrad_param([1.0], weight_decay=0.1, maximize=True)
    for expected in (1, 2, 3):
        take_steps(p, optimizer, [1.0])
        assert p._version == expected


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_update_writes_into_the_parameters_own_array(options: dict[str, Any]) -> None:
    p, optimizer = adagrad_param(START, lr=0.1, **options)
    array = p.data
    take_steps(p, optimizer, GRADS)
    assert p.data is array
    assert not np.array_equal(array, START)


@pytest.mark.parametrize("options", [{}, {"initial_accumulator_value": 0.1}],
                         ids=["plain", "initial-sum"])
def test_minimising_a_quadratic_converges(options: dict[str, Any]) -> None:
    w, target = minimise_quadratic(lambda params: Adagrad(params, lr=0.5, **options), steps=1500)
    np.testing.assert_allclose(w, target, atol=1e-4)


# -- saving and restoring ------------------------------------------------------------------


@pytest.mark.parametrize("options", [
    {"lr": 0.3, "lr_decay": 0.1, "weight_decay": 0.01, "initial_accumulator_value": 0.2},
    # numpy numbers as settings, as a config file or an earlier checkpoint gives them
    {"lr": np.float32(0.3), "lr_decay": np.float64(0.1), "initial_accumulator_value": np.array(0.2),
     "maximize": np.bool_(False)},
], ids=["options", "numpy-settings"])
def test_state_dict_saved_to_disk_and_loaded_continues_exactly_as_the_original(
    options: dict[str, Any], tmp_path: Path
) -> None:
    restored, copies = resume_from_a_checkpoint_on_disk(Adagrad, options, tmp_path)
    assert restored.state[copies[0]]["step"] == 6  # lr_decay went on counting from 3


def test_a_state_dict_from_another_optimizer_is_refused() -> None:
    p = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"has settings Adagrad does not use: "
                                         r"'alpha', 'centered', 'momentum'"):
        Adagrad([p]).load_state_dict(RMSprop([p]).state_dict())
