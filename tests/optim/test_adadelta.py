"""Adadelta follows PyTorch's update: a ratio of running RMSs, eps inside both roots."""

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
    assert_follows_torch,
    minimise_quadratic,
    option_id,
    parameter_and_optimizer,
    replay,
    resume_from_a_checkpoint_on_disk,
    state_names_after_a_step,
    step_beside_a_parameter_without_gradient,
    steps_in_float32,
    take_steps,
    two_groups_with_a_schedule,
)
from tests.strategies import arrays, floats_between, shapes
from tinygrad_mlp.optim import Adadelta, Adam

OPTION_COMBINATIONS = [
    {"rho": r, "weight_decay": w, "maximize": x}
    for r, w, x in itertools.product((0.9, 0.5), (0.0, 0.1), (False, True))
]


def adadelta_by_the_equations(
    start: np.ndarray,
    grads: list[np.ndarray],
    lr: float = 1.0,
    rho: float = 0.9,
    eps: float = 1e-6,
    weight_decay: float = 0.0,
    maximize: bool = False,
) -> list[np.ndarray]:
    """PyTorch's Adadelta written out step by step, out of place, in float64."""
    p = np.array(start, dtype=np.float64)
    v = np.zeros_like(p)
    u = np.zeros_like(p)
    path = []
    for grad in grads:
        g = (-grad if maximize else grad) + weight_decay * p
        v = rho * v + (1 - rho) * g**2
        delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u = rho * u + (1 - rho) * delta**2
        p = p - lr * delta
        path.append(p)
    return path


adadelta_param = partial(parameter_and_optimizer, Adadelta)


# -- the equations, worked by hand ---------------------------------------------------------


def test_two_steps_match_the_running_means_worked_by_hand() -> None:
    # rho 0.5, eps 1: step 1 (g = 2): v = 2, Δ = √1 / √3 · 2, u = Δ² / 2 = 2/3.
    # step 2 (g = 4): v = 9, Δ = √(5/3) / √10 · 4.
    p, optimizer = adadelta_param([0.0], lr=1.0, rho=0.5, eps=1.0)
    take_steps(p, optimizer, [2.0])
    np.testing.assert_allclose(p.data, [-2 / math.sqrt(3)])
    np.testing.assert_allclose(optimizer.state[p]["acc_delta"], [2 / 3])
    take_steps(p, optimizer, [4.0])
    np.testing.assert_allclose(p.data, [-2 / math.sqrt(3) - 4 * math.sqrt(5 / 30)])
    np.testing.assert_allclose(optimizer.state[p]["square_avg"], [9.0])


def test_first_step_is_about_root_eps_whatever_the_gradients_scale() -> None:
    # u = 0, v = (1 - rho) g²: Δ = √eps / √((1 - rho) g² + eps) · g ≈ √(eps / (1 - rho)).
    p, optimizer = adadelta_param([0.0, 0.0], rho=0.0, eps=1e-6)
    p.grad = tm.tensor([3.0, -300.0])
    optimizer.step()
    np.testing.assert_allclose(p.data, [-1e-3, 1e-3], rtol=1e-6)


def test_lr_multiplies_the_step() -> None:
    ours = replay(lambda params: Adadelta(params, lr=0.25), START, GRADS)
    unit = adadelta_by_the_equations(START, GRADS, lr=1.0)
    # Δ does not depend on p (no weight decay), so the path scales with lr.
    np.testing.assert_allclose(np.array(ours) - START, 0.25 * (np.array(unit) - START),
                               rtol=1e-12)


def test_weight_decay_is_added_to_the_gradient_and_maximize_negates_it_first() -> None:
    # g = -1 + 0.5 · 2 = 0: p stays put.
    p, optimizer = adadelta_param([2.0], weight_decay=0.5, maximize=True)
    take_steps(p, optimizer, [1.0])
    np.testing.assert_array_equal(p.data, [2.0])
    q, optimizer = adadelta_param([2.0], rho=0.0, eps=1e-6, maximize=True)
    take_steps(q, optimizer, [5.0])
    assert q.item() > 2.0


def test_state_holds_the_step_count_and_both_running_means() -> None:
    p, optimizer = adadelta_param([1.0, 2.0])
    take_steps(p, optimizer, [np.array([0.5, -0.5])] * 2)
    state = optimizer.state[p]
    assert set(state) == {"step", "square_avg", "acc_delta"} and state["step"] == 2
    assert state["square_avg"].shape == state["acc_delta"].shape == (2,)


# -- every option, against the equations and against PyTorch -----------------------------------


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_steps_match_pytorch_equations_for_every_option_combination(
    options: dict[str, Any],
) -> None:
    ours = replay(lambda params: Adadelta(params, lr=0.5, **options), START, GRADS)
    expected = adadelta_by_the_equations(START, GRADS, lr=0.5, **options)
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-15)


@st.composite
def adadelta_settings(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "lr": draw(floats_between(0.0, 2.0)),
        "rho": draw(floats_between(0.0, 1.0)),
        "eps": draw(floats_between(1e-8, 1e-2)),
        "weight_decay": draw(st.sampled_from([0.0, draw(floats_between(0.0, 0.5))])),
        "maximize": draw(st.booleans()),
    }


@given(settings=adadelta_settings(), shape=shapes(), data=st.data())
def test_steps_match_pytorch_equations_for_any_hyperparameters_and_shape(
    settings: dict[str, Any], shape: tuple[int, ...], data: st.DataObject
) -> None:
    start = data.draw(arrays(shape))
    grads = [data.draw(arrays(shape)) for _ in range(3)]
    ours = replay(lambda params: Adadelta(params, **settings), start, grads)
    expected = adadelta_by_the_equations(start, grads, **settings)
    np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_ten_steps_match_torch_optim_adadelta(options: dict[str, Any]) -> None:
    pytest.importorskip("torch")
    assert_follows_torch("Adadelta", {"lr": 0.5, **options})


def test_param_groups_and_a_schedule_follow_torch_step_for_step() -> None:
    torch = pytest.importorskip("torch")
    defaults = {"lr": 1.0, "rho": 0.8, "eps": 1e-4}
    second_group = {"lr": 0.5, "rho": 0.95, "weight_decay": 0.01, "maximize": False}
    ours = two_groups_with_a_schedule(tm, Adadelta, defaults, second_group, steps=20)
    theirs = two_groups_with_a_schedule(torch, torch.optim.Adadelta, defaults, second_group,
                                        steps=20)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_a_state_dict_reloaded_mid_run_continues_as_torch_does_and_names_its_state_alike() -> None:
    torch = pytest.importorskip("torch")
    options = {"lr": 0.5, "weight_decay": 0.1, "maximize": True}
    assert_follows_torch("Adadelta", options, steps=8, seed=3, reload_after=4)
    assert state_names_after_a_step(tm, Adadelta) == state_names_after_a_step(
        torch, torch.optim.Adadelta) == {"step", "square_avg", "acc_delta"}


# -- hyper-parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"lr": -1.0}, ValueError, "Adadelta: lr must be non-negative, got -1.0"),
        ({"rho": 1.5}, ValueError, r"Adadelta: rho must be in \[0, 1\], got 1.5"),
        ({"rho": -0.1}, ValueError, r"Adadelta: rho must be in \[0, 1\], got -0.1"),
        ({"eps": -1e-6}, ValueError, "Adadelta: eps must be non-negative, got -1e-06"),
        ({"weight_decay": -0.1}, ValueError,
         "Adadelta: weight_decay must be non-negative, got -0.1"),
        ({"rho": "0.9"}, TypeError, "Adadelta: rho must be a real number, got '0.9'"),
        ({"maximize": 1}, TypeError, "Adadelta: maximize must be True or False, got 1"),
    ],
)
def test_bad_hyperparameter_raises_naming_the_class_argument_and_value(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    p = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(error, match=f"^{message}$"):
        Adadelta([p], **options)


def test_a_bad_rho_in_a_group_raises_naming_the_group() -> None:
    a, b = tm.tensor([1.0], requires_grad=True), tm.tensor([2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"^Adadelta: param group 1: rho must be in \[0, 1\], "
                                         r"got 2\.0$"):
        Adadelta([{"params": [a]}, {"params": [b], "rho": 2.0}])


def test_defaults_and_positional_order_are_pytorchs_and_maximize_is_keyword_only() -> None:
    p = tm.tensor([1.0], requires_grad=True)
    group = Adadelta([p]).param_groups[0]
    assert (group["lr"], group["rho"], group["eps"]) == (1.0, 0.9, 1e-6)
    assert (group["weight_decay"], group["maximize"]) == (0.0, False)
    group = Adadelta([p], 0.5, 0.95, 1e-5, 1e-4).param_groups[0]
    assert (group["lr"], group["rho"], group["eps"], group["weight_decay"]) == (
        0.5, 0.95, 1e-5, 1e-4)
    with pytest.raises(TypeError, match="positional argument"):
        Adadelta([p], 0.5, 0.95, 1e-5, 1e-4, True)  # type: ignore[misc]


# -- how parameters are updated ------------------------------------------------------------


def test_parameter_without_gradient_is_left_untouched_and_gets_no_state() -> None:
    trained = step_beside_a_parameter_without_gradient(
        lambda params: Adadelta(params, rho=0.0, eps=1e-6), [1.0, -1.0])
    np.testing.assert_allclose(trained.data, [1.0 - 1e-3, 2.0 + 1e-3], rtol=1e-6)


@pytest.mark.parametrize("grad_dtype", [np.float32, np.float64])
def test_float32_parameters_and_running_means_stay_float32(grad_dtype: type) -> None:
    p, optimizer = steps_in_float32(lambda params: Adadelta(params, weight_decay=0.1),
                                    grad_dtype)
    assert p.dtype == np.float32
    assert all(a.dtype == np.float32 for a in (optimizer.state[p]["square_avg"],
                                               optimizer.state[p]["acc_delta"]))
    expected = adadelta_by_the_equations(START, GRADS, weight_decay=0.1)[-1]
    np.testing.assert_allclose(p.data, expected, rtol=1e-5, atol=1e-6)


def test_each_step_increments_the_version_of_each_updated_parameter_once() -> None:
    p, optimizer = adadelta_param([1.0], weight_decay=0.1)
    for expected in (1, 2, 3):
        take_steps(p, optimizer, [1.0])
        assert p._version == expected


def test_minimising_a_quadratic_converges() -> None:
    w, target = minimise_quadratic(lambda params: Adadelta(params, lr=1.0, eps=1e-4),
                                   steps=1500)
    np.testing.assert_allclose(w, target, atol=1e-3)


# -- saving and restoring ------------------------------------------------------------------


def test_state_dict_saved_to_disk_and_loaded_continues_exactly_as_the_original(
    tmp_path: Path,
) -> None:
    options = {"lr": 0.8, "rho": 0.7, "weight_decay": 0.01}
    restored, copies = resume_from_a_checkpoint_on_disk(Adadelta, options, tmp_path)
    assert restored.state[copies[0]]["step"] == 6


def test_a_state_dict_from_another_optimizer_is_refused() -> None:
    p = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"has settings Adadelta does not use: "
                                         r"'amsgrad', 'betas', 'decoupled_weight_decay'"):
        Adadelta([p]).load_state_dict(Adam([p]).state_dict())
