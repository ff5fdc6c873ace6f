"""RAdam follows PyTorch's update: momentum steps until ρₜ > 5, then rectified Adam steps."""

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
    random_start_and_grads,
    replay,
    resume_from_a_checkpoint_on_disk,
    state_names_after_a_step,
    step_beside_a_parameter_without_gradient,
    steps_in_float32,
    take_steps,
    two_groups_with_a_schedule,
)
from tests.strategies import arrays, floats_between, shapes
from tinygrad_mlp.optim import NAdam, RAdam

OPTION_COMBINATIONS = [
    {"betas": b, "weight_decay": w, "decoupled_weight_decay": d, "maximize": x}
    for b, w, d, x in itertools.product(((0.9, 0.999), (0.8, 0.5)), (0.0, 0.1), (False, True),
                                        (False, True))
    if w or not d  # decoupling changes nothing without decay
]
# ρₜ stays below 5 for the first 5 steps whatever beta2, so GRADS (4 steps) checks the
# momentum steps only; the tests of the adaptive steps take longer runs, some with
# beta2 = 0.8 (ρ∞ = 9: adaptive from step 7).
ADAPTIVE_SOON = (0.5, 0.8)


def radam_by_the_equations(
    start: np.ndarray,
    grads: list[np.ndarray],
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    decoupled_weight_decay: bool = False,
    maximize: bool = False,
) -> list[np.ndarray]:
    """PyTorch's RAdam written out step by step, out of place, in float64."""
    beta1, beta2 = betas
    rho_inf = 2 / (1 - beta2) - 1
    p = np.array(start, dtype=np.float64)
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    path = []
    for t, grad in enumerate(grads, start=1):
        g = -grad if maximize else grad
        if decoupled_weight_decay:
            p = p * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * p
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        rho = rho_inf - 2 * t * beta2**t / (1 - beta2**t)
        if rho > 5:
            r = math.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
            p = p - lr * m_hat * r * math.sqrt(1 - beta2**t) / (np.sqrt(v) + eps)
        else:
            p = p - lr * m_hat
        path.append(p)
    return path


radam_param = partial(parameter_and_optimizer, RAdam)


# -- the equations, worked by hand ---------------------------------------------------------


def test_momentum_steps_until_rho_passes_5_then_a_rectified_adam_step() -> None:
    # beta1 0 (m̂ = g), beta2 0.9, g = 2 throughout: ρ₁…ρ₅ = 1 … 4.58, momentum steps of
    # lr · g = 0.2; ρ₆ = 5.39, and with v̂ = g² the adaptive step is lr · r₆.
    p, optimizer = radam_param([0.0], lr=0.1, betas=(0.0, 0.9), eps=0.0)
    take_steps(p, optimizer, [2.0] * 5)
    np.testing.assert_allclose(p.data, [-1.0])
    take_steps(p, optimizer, [2.0])
    rho_inf, rho = 19.0, 19 - 12 * 0.9**6 / (1 - 0.9**6)
    r = math.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
    np.testing.assert_allclose(p.data, [-1.0 - 0.1 * r])
    assert 0 < r < 0.5


def test_first_step_is_a_momentum_step_of_lr_times_the_gradient() -> None:
    p, optimizer = radam_param([1.0, -2.0], lr=0.1)
    take_steps(p, optimizer, [np.array([3.0, -0.5])])
    np.testing.assert_allclose(p.data, [0.7, -1.95])


def test_decoupled_weight_decay_shrinks_p_before_the_step_instead_of_joining_g() -> None:
    p, optimizer = radam_param([2.0], lr=0.5, weight_decay=0.5, decoupled_weight_decay=True)
    take_steps(p, optimizer, [-1.0])  # 2 · 0.75 + 0.5
    np.testing.assert_allclose(p.data, [2.0])
    q, optimizer = radam_param([2.0], lr=0.5, weight_decay=0.5)
    take_steps(q, optimizer, [-1.0])  # g = -1 + 1 = 0
    np.testing.assert_array_equal(q.data, [2.0])


def test_maximize_climbs_the_gradient() -> None:
    p, optimizer = radam_param([2.0], lr=0.1, maximize=True)
    take_steps(p, optimizer, [5.0])
    np.testing.assert_allclose(p.data, [2.5])


def test_state_holds_the_step_count_and_the_moment_estimates() -> None:
    p, optimizer = radam_param([1.0, 2.0])
    take_steps(p, optimizer, [np.array([0.5, -0.5])])
    assert set(optimizer.state[p]) == {"step", "exp_avg", "exp_avg_sq"}


# -- every option, against the equations and against PyTorch -----------------------------------


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_steps_match_pytorch_equations_for_every_option_combination(
    options: dict[str, Any],
) -> None:
    ours = replay(lambda params: RAdam(params, lr=0.1, **options), START, GRADS)
    expected = radam_by_the_equations(START, GRADS, lr=0.1, **options)
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-15)


@st.composite
def radam_settings(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "lr": draw(floats_between(0.0, 0.5)),
        "betas": (draw(floats_between(0.0, 0.99)), draw(floats_between(0.5, 0.9999))),
        "eps": draw(floats_between(1e-8, 1e-3)),
        "weight_decay": draw(st.sampled_from([0.0, draw(floats_between(0.0, 0.5))])),
        "decoupled_weight_decay": draw(st.booleans()),
        "maximize": draw(st.booleans()),
    }


@given(settings=radam_settings(), seed=st.integers(0, 2**32 - 1))
def test_thirty_steps_match_pytorch_equations_for_any_hyperparameters(
    settings: dict[str, Any], seed: int
) -> None:
    start, grads = random_start_and_grads(seed, steps=30, shape=(4,))
    ours = replay(lambda params: RAdam(params, **settings), start, grads)
    expected = radam_by_the_equations(start, grads, **settings)
    np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-12)


@given(shape=shapes(), data=st.data())
def test_steps_match_pytorch_equations_for_any_shape(
    shape: tuple[int, ...], data: st.DataObject
) -> None:
    start = data.draw(arrays(shape))
    grads = [data.draw(arrays(shape)) for _ in range(8)]
    ours = replay(lambda params: RAdam(params, lr=0.1, betas=ADAPTIVE_SOON), start, grads)
    expected = radam_by_the_equations(start, grads, lr=0.1, betas=ADAPTIVE_SOON)
    np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_twenty_steps_match_torch_optim_radam(options: dict[str, Any]) -> None:
    pytest.importorskip("torch")
    options = {**options, "betas": ADAPTIVE_SOON if options["betas"][1] > 0.9
               else options["betas"]}
    assert_follows_torch("RAdam", {"lr": 0.05, **options}, steps=20)


def test_param_groups_and_a_schedule_follow_torch_step_for_step() -> None:
    torch = pytest.importorskip("torch")
    defaults = {"lr": 0.1, "betas": (0.9, 0.95)}
    second_group = {"lr": 0.3, "betas": (0.5, 0.9), "weight_decay": 0.05,
                    "decoupled_weight_decay": True}
    ours = two_groups_with_a_schedule(tm, RAdam, defaults, second_group, steps=30)
    theirs = two_groups_with_a_schedule(torch, torch.optim.RAdam, defaults, second_group,
                                        steps=30)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_a_state_dict_reloaded_mid_run_continues_as_torch_does_and_names_its_state_alike() -> None:
    torch = pytest.importorskip("torch")
    options = {"lr": 0.05, "betas": (0.8, 0.9), "weight_decay": 0.1, "maximize": True}
    assert_follows_torch("RAdam", options, steps=12, seed=3, reload_after=5)
    assert state_names_after_a_step(tm, RAdam) == state_names_after_a_step(
        torch, torch.optim.RAdam) == {"step", "exp_avg", "exp_avg_sq"}


# -- hyper-parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"lr": -1e-3}, ValueError, "RAdam: lr must be non-negative, got -0.001"),
        ({"betas": (0.9, 1.0)}, ValueError, r"RAdam: betas\[1\] must be in \[0, 1\), got 1.0"),
        ({"betas": [0.9, 0.99, 0.5]}, TypeError,
         r"RAdam: betas must be a pair \(beta1, beta2\), got \[0.9, 0.99, 0.5\]"),
        ({"eps": -1e-8}, ValueError, "RAdam: eps must be non-negative, got -1e-08"),
        ({"weight_decay": -0.1}, ValueError, "RAdam: weight_decay must be non-negative, got -0.1"),
        ({"decoupled_weight_decay": 0}, TypeError,
         "RAdam: decoupled_weight_decay must be True or False, got 0"),
    ],
)
def test_bad_hyperparameter_raises_naming_the_class_argument_and_value(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    p = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(error, match=f"^{message}$"):
        RAdam([p], **options)


def test_defaults_and_positional_order_are_pytorchs_and_maximize_is_keyword_only() -> None:
    p = tm.tensor([1.0], requires_grad=True)
    group = RAdam([p]).param_groups[0]
    assert (group["lr"], group["betas"], group["eps"], group["weight_decay"]) == (
        1e-3, (0.9, 0.999), 1e-8, 0.0)
    assert (group["decoupled_weight_decay"], group["maximize"]) == (False, False)
    group = RAdam([p], 0.1, (0.5, 0.6), 1e-5, 1e-4, True).param_groups[0]
    assert (group["weight_decay"], group["decoupled_weight_decay"]) == (1e-4, True)
    with pytest.raises(TypeError, match="positional argument"):
        RAdam([p], 0.1, (0.5, 0.6), 1e-5, 1e-4, True, True)  # type: ignore[misc]


# -- how parameters are updated ------------------------------------------------------------


def test_parameter_without_gradient_is_left_untouched_and_gets_no_state() -> None:
    trained = step_beside_a_parameter_without_gradient(
        lambda params: RAdam(params, lr=0.1, weight_decay=0.5, decoupled_weight_decay=True),
        [1.0, -1.0])
    np.testing.assert_allclose(trained.data, [0.95 - 0.1, 1.9 + 0.1])


@pytest.mark.parametrize("grad_dtype", [np.float32, np.float64])
def test_float32_parameters_and_state_stay_float32(grad_dtype: type) -> None:
    p, optimizer = steps_in_float32(lambda params: RAdam(params, lr=0.1, weight_decay=0.1),
                                    grad_dtype)
    assert p.dtype == np.float32
    assert all(optimizer.state[p][key].dtype == np.float32 for key in ("exp_avg", "exp_avg_sq"))
    expected = radam_by_the_equations(START, GRADS, lr=0.1, weight_decay=0.1)[-1]
    np.testing.assert_allclose(p.data, expected, rtol=1e-5, atol=1e-6)
    take_steps(p, optimizer, [g.astype(grad_dtype) for g in GRADS * 2])  # adaptive from step 6
    assert p.dtype == optimizer.state[p]["exp_avg"].dtype == np.float32
    expected = radam_by_the_equations(START, GRADS * 3, lr=0.1, weight_decay=0.1)[-1]
    np.testing.assert_allclose(p.data, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("options", [{}, {"weight_decay": 1e-4, "decoupled_weight_decay": True}],
                         ids=["radam", "radamw"])
def test_minimising_a_quadratic_converges(options: dict[str, Any]) -> None:
    w, target = minimise_quadratic(lambda params: RAdam(params, lr=0.05, **options), steps=1500)
    np.testing.assert_allclose(w, target, atol=1e-3)


# -- saving and restoring ------------------------------------------------------------------


def test_state_dict_saved_to_disk_and_loaded_continues_exactly_as_the_original(
    tmp_path: Path,
) -> None:
    options = {"lr": 0.1, "betas": (0.8, 0.9), "weight_decay": 0.01}
    # 3 momentum steps before the save; after it 2 more and an adaptive one (ρ₆ > 5)
    restored, copies = resume_from_a_checkpoint_on_disk(RAdam, options, tmp_path)
    assert restored.state[copies[0]]["step"] == 6


def test_a_state_dict_from_another_optimizer_is_refused() -> None:
    p = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"has settings RAdam does not use: 'momentum_decay'"):
        RAdam([p]).load_state_dict(NAdam([p]).state_dict())
