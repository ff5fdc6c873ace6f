"""Adamax follows PyTorch's update: a running max of |g| + eps, bias correction of m only."""

from __future__ import annotations

import itertools
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
from tinygrad_mlp.optim import Adamax, RMSprop

OPTION_COMBINATIONS = [
    {"betas": b, "weight_decay": w, "maximize": x}
    for b, w, x in itertools.product(((0.9, 0.999), (0.5, 0.8)), (0.0, 0.1), (False, True))
]


def adamax_by_the_equations(
    start: np.ndarray,
    grads: list[np.ndarray],
    lr: float = 2e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    maximize: bool = False,
) -> list[np.ndarray]:
    """PyTorch's Adamax written out step by step, out of place, in float64."""
    beta1, beta2 = betas
    p = np.array(start, dtype=np.float64)
    m = np.zeros_like(p)
    u = np.zeros_like(p)
    path = []
    for t, grad in enumerate(grads, start=1):
        g = (-grad if maximize else grad) + weight_decay * p
        m = beta1 * m + (1 - beta1) * g
        u = np.maximum(beta2 * u, np.abs(g) + eps)
        p = p - lr / (1 - beta1**t) * m / u
        path.append(p)
    return path


adamax_param = partial(parameter_and_optimizer, Adamax)


# -- the equations, worked by hand ---------------------------------------------------------


def test_first_step_moves_each_weight_by_lr_against_the_sign_of_its_gradient() -> None:
    # m̂ = g and u = |g| + eps: a step of lr · |g| / (|g| + eps), whatever |g|.
    p, optimizer = adamax_param([1.0, -2.0, 3.0], lr=0.01)
    p.grad = tm.tensor([0.001, -50.0, 7.0])
    optimizer.step()
    np.testing.assert_allclose(p.data, [0.99, -1.99, 2.99], rtol=1e-6)


def test_u_keeps_the_decayed_maximum_until_a_larger_gradient_comes() -> None:
    # betas (0.5, 0.5), eps 0: g = 4 then 1: u = 4 then max(2, 1) = 2;
    # m = 2 then 1.5, m̂ = 4 then 2: steps of 1 and 1.
    p, optimizer = adamax_param([0.0], lr=1.0, betas=(0.5, 0.5), eps=0.0)
    take_steps(p, optimizer, [4.0, 1.0])
    np.testing.assert_allclose(optimizer.state[p]["exp_inf"], [2.0])
    np.testing.assert_allclose(p.data, [-2.0])
    take_steps(p, optimizer, [3.0])  # u = max(1, 3) = 3, m = 2.25, m̂ = 2.25 / 0.875
    np.testing.assert_allclose(p.data, [-2.0 - 2.25 / 0.875 / 3])


def test_eps_is_added_to_the_gradients_size_inside_the_maximum() -> None:
    # g = 1e-8 = eps: u = 2e-8, so the first step is lr / 2.
    p, optimizer = adamax_param([1.0], lr=1.0, eps=1e-8)
    take_steps(p, optimizer, [1e-8])
    np.testing.assert_allclose(p.data, [0.5], rtol=1e-9)


def test_weight_decay_is_added_to_the_gradient_and_maximize_climbs() -> None:
    p, optimizer = adamax_param([2.0], lr=0.1, weight_decay=1.0)
    take_steps(p, optimizer, [-1.0])  # g = -1 + 2 = 1
    np.testing.assert_allclose(p.data, [1.9])
    q, optimizer = adamax_param([2.0], lr=0.1, maximize=True)
    take_steps(q, optimizer, [5.0])
    np.testing.assert_allclose(q.data, [2.1])


def test_state_holds_the_step_count_the_mean_and_the_running_max() -> None:
    p, optimizer = adamax_param([1.0, 2.0])
    take_steps(p, optimizer, [np.array([0.5, -0.5])])
    assert set(optimizer.state[p]) == {"step", "exp_avg", "exp_inf"}


# -- every option, against the equations and against PyTorch -----------------------------------


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_steps_match_pytorch_equations_for_every_option_combination(
    options: dict[str, Any],
) -> None:
    ours = replay(lambda params: Adamax(params, lr=0.1, **options), START, GRADS)
    expected = adamax_by_the_equations(START, GRADS, lr=0.1, **options)
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-15)


@st.composite
def adamax_settings(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "lr": draw(floats_between(0.0, 0.5)),
        "betas": (draw(floats_between(0.0, 0.99)), draw(floats_between(0.0, 0.9999))),
        "eps": draw(floats_between(1e-8, 1e-3)),
        "weight_decay": draw(st.sampled_from([0.0, draw(floats_between(0.0, 0.5))])),
        "maximize": draw(st.booleans()),
    }


@given(settings=adamax_settings(), shape=shapes(), data=st.data())
def test_steps_match_pytorch_equations_for_any_hyperparameters_and_shape(
    settings: dict[str, Any], shape: tuple[int, ...], data: st.DataObject
) -> None:
    start = data.draw(arrays(shape))
    grads = [data.draw(arrays(shape)) for _ in range(3)]
    ours = replay(lambda params: Adamax(params, **settings), start, grads)
    expected = adamax_by_the_equations(start, grads, **settings)
    np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_ten_steps_match_torch_optim_adamax(options: dict[str, Any]) -> None:
    pytest.importorskip("torch")
    assert_follows_torch("Adamax", {"lr": 0.05, **options})


def test_param_groups_and_a_schedule_follow_torch_step_for_step() -> None:
    torch = pytest.importorskip("torch")
    defaults = {"lr": 0.1, "betas": (0.8, 0.99)}
    second_group = {"lr": 0.3, "betas": (0.5, 0.9), "weight_decay": 0.01}
    ours = two_groups_with_a_schedule(tm, Adamax, defaults, second_group, steps=20)
    theirs = two_groups_with_a_schedule(torch, torch.optim.Adamax, defaults, second_group,
                                        steps=20)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_a_state_dict_reloaded_mid_run_continues_as_torch_does_and_names_its_state_alike() -> None:
    torch = pytest.importorskip("torch")
    options = {"lr": 0.05, "weight_decay": 0.1, "maximize": True}
    assert_follows_torch("Adamax", options, steps=8, seed=3, reload_after=4)
    assert state_names_after_a_step(tm, Adamax) == state_names_after_a_step(
        torch, torch.optim.Adamax) == {"step", "exp_avg", "exp_inf"}


# -- hyper-parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"lr": -1e-3}, ValueError, "Adamax: lr must be non-negative, got -0.001"),
        ({"betas": (1.0, 0.999)}, ValueError, r"Adamax: betas\[0\] must be in \[0, 1\), got 1.0"),
        ({"betas": (0.9, 1.0)}, ValueError, r"Adamax: betas\[1\] must be in \[0, 1\), got 1.0"),
        ({"betas": 0.9}, TypeError, r"Adamax: betas must be a pair \(beta1, beta2\), got 0.9"),
        ({"eps": -1e-8}, ValueError, "Adamax: eps must be non-negative, got -1e-08"),
        ({"weight_decay": -0.1}, ValueError,
         "Adamax: weight_decay must be non-negative, got -0.1"),
        ({"maximize": "no"}, TypeError, "Adamax: maximize must be True or False, got 'no'"),
    ],
)
def test_bad_hyperparameter_raises_naming_the_class_argument_and_value(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    p = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(error, match=f"^{message}$"):
        Adamax([p], **options)


def test_defaults_and_positional_order_are_pytorchs_and_maximize_is_keyword_only() -> None:
    p = tm.tensor([1.0], requires_grad=True)
    group = Adamax([p]).param_groups[0]
    assert (group["lr"], group["betas"], group["eps"]) == (2e-3, (0.9, 0.999), 1e-8)
    assert (group["weight_decay"], group["maximize"]) == (0.0, False)
    group = Adamax([p], 0.1, (0.5, 0.6), 1e-5, 1e-4).param_groups[0]
    assert (group["lr"], group["betas"], group["eps"], group["weight_decay"]) == (
        0.1, (0.5, 0.6), 1e-5, 1e-4)
    with pytest.raises(TypeError, match="positional argument"):
        Adamax([p], 0.1, (0.5, 0.6), 1e-5, 1e-4, True)  # type: ignore[misc]


# -- how parameters are updated ------------------------------------------------------------


def test_parameter_without_gradient_is_left_untouched_and_gets_no_state() -> None:
    trained = step_beside_a_parameter_without_gradient(
        lambda params: Adamax(params, lr=0.1), [1.0, -1.0])
    np.testing.assert_allclose(trained.data, [0.9, 2.1])


@pytest.mark.parametrize("grad_dtype", [np.float32, np.float64])
def test_float32_parameters_and_state_stay_float32(grad_dtype: type) -> None:
    p, optimizer = steps_in_float32(lambda params: Adamax(params, lr=0.1, weight_decay=0.1),
                                    grad_dtype)
    assert p.dtype == np.float32
    assert all(optimizer.state[p][key].dtype == np.float32 for key in ("exp_avg", "exp_inf"))
    expected = adamax_by_the_equations(START, GRADS, lr=0.1, weight_decay=0.1)[-1]
    np.testing.assert_allclose(p.data, expected, rtol=1e-5, atol=1e-6)


def test_minimising_a_quadratic_converges() -> None:
    w, target = minimise_quadratic(lambda params: Adamax(params, lr=0.05), steps=1500)
    np.testing.assert_allclose(w, target, atol=1e-3)


# -- saving and restoring ------------------------------------------------------------------


def test_state_dict_saved_to_disk_and_loaded_continues_exactly_as_the_original(
    tmp_path: Path,
) -> None:
    options = {"lr": 0.1, "betas": (0.8, 0.9), "weight_decay": 0.01}
    restored, copies = resume_from_a_checkpoint_on_disk(Adamax, options, tmp_path)
    assert restored.state[copies[0]]["step"] == 6


def test_a_state_dict_from_another_optimizer_is_refused() -> None:
    p = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"has settings Adamax does not use: "
                                         r"'alpha', 'centered', 'momentum'"):
        Adamax([p]).load_state_dict(RMSprop([p]).state_dict())
