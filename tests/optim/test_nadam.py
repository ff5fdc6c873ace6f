"""NAdam follows PyTorch's update: Nesterov's look-ahead on Adam, with a momentum schedule."""

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
    torch_scalars_in_float64,
    two_groups_with_a_schedule,
)
from tests.strategies import arrays, floats_between, shapes
from tinygrad_mlp.optim import Adam, NAdam

OPTION_COMBINATIONS = [
    {"weight_decay": w, "decoupled_weight_decay": d, "maximize": x}
    for w, d, x in itertools.product((0.0, 0.1), (False, True), (False, True))
]


def nadam_by_the_equations(
    start: np.ndarray,
    grads: list[np.ndarray],
    lr: float = 2e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    momentum_decay: float = 4e-3,
    decoupled_weight_decay: bool = False,
    maximize: bool = False,
) -> list[np.ndarray]:
    """PyTorch's NAdam written out step by step, out of place, in float64."""
    beta1, beta2 = betas
    mus = [beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay)) for t in range(len(grads) + 2)]
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
        d = np.sqrt(v / (1 - beta2**t)) + eps
        product, product_next = np.prod(mus[1:t + 1]), np.prod(mus[1:t + 2])
        p = (p - lr * (1 - mus[t]) / (1 - product) * g / d
             - lr * mus[t + 1] / (1 - product_next) * m / d)
        path.append(p)
    return path


nadam_param = partial(parameter_and_optimizer, NAdam)


# -- the equations, worked by hand ---------------------------------------------------------


def test_first_step_mixes_the_gradient_and_the_look_ahead_mean_worked_by_hand() -> None:
    # momentum_decay 0: every μ = beta1 / 2 = 0.4. g = 2, betas (0.8, 0.5), eps 0:
    # m = 0.4, v̂ = 4, d = 2, Π₁ = 0.4: step = 0.6/0.6 · 2/2 + 0.4/0.84 · 0.4/2 = 1 + 2/21.
    p, optimizer = nadam_param([0.0], lr=1.0, betas=(0.8, 0.5), eps=0.0, momentum_decay=0.0)
    take_steps(p, optimizer, [2.0])
    np.testing.assert_allclose(p.data, [-(1 + 2 / 21)])
    take_steps(p, optimizer, [2.0, 2.0])
    assert optimizer.state[p]["mu_product"] == pytest.approx(0.4**3, rel=1e-15)


def test_the_momentum_factor_warms_up_towards_beta1() -> None:
    # μ₁ · μ₂ · … after 50 steps with a fast schedule: the later factors near beta1.
    p, optimizer = nadam_param([0.0], betas=(0.9, 0.999), momentum_decay=10.0)
    take_steps(p, optimizer, [1.0] * 50)
    mus = [0.9 * (1 - 0.5 * 0.96 ** (t * 10.0)) for t in range(1, 51)]
    assert optimizer.state[p]["mu_product"] == pytest.approx(np.prod(mus), rel=1e-12)
    assert mus[0] < 0.61 and mus[-1] > 0.899  # from 0.9 · (1 - 0.5 · 0.96¹⁰) to near 0.9


def test_decoupled_weight_decay_shrinks_p_before_the_step_instead_of_joining_g() -> None:
    # beta1 0: no momentum, so the step is lr · g / (|g| + eps) = lr, after p · (1 - 0.5).
    p, optimizer = nadam_param([2.0], lr=1.0, betas=(0.0, 0.9), weight_decay=0.5,
                               decoupled_weight_decay=True)
    take_steps(p, optimizer, [-1.0])
    np.testing.assert_allclose(p.data, [1.0 + 1.0])
    q, optimizer = nadam_param([2.0], lr=1.0, betas=(0.0, 0.9), weight_decay=0.5)
    take_steps(q, optimizer, [-1.0])  # g = -1 + 1 = 0: no step
    np.testing.assert_array_equal(q.data, [2.0])


def test_maximize_climbs_the_gradient() -> None:
    p, optimizer = nadam_param([2.0], lr=0.1, betas=(0.0, 0.9), maximize=True)
    take_steps(p, optimizer, [5.0])
    np.testing.assert_allclose(p.data, [2.1])


# -- every option, against the equations and against PyTorch -----------------------------------


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_steps_match_pytorch_equations_for_every_option_combination(
    options: dict[str, Any],
) -> None:
    ours = replay(lambda params: NAdam(params, lr=0.1, **options), START, GRADS)
    expected = nadam_by_the_equations(START, GRADS, lr=0.1, **options)
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-15)


@st.composite
def nadam_settings(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "lr": draw(floats_between(0.0, 0.5)),
        "betas": (draw(floats_between(0.0, 0.99)), draw(floats_between(0.0, 0.9999))),
        "eps": draw(floats_between(1e-8, 1e-3)),
        "weight_decay": draw(st.sampled_from([0.0, draw(floats_between(0.0, 0.5))])),
        "momentum_decay": draw(floats_between(0.0, 1.0)),
        "decoupled_weight_decay": draw(st.booleans()),
        "maximize": draw(st.booleans()),
    }


@given(settings=nadam_settings(), shape=shapes(), data=st.data())
def test_steps_match_pytorch_equations_for_any_hyperparameters_and_shape(
    settings: dict[str, Any], shape: tuple[int, ...], data: st.DataObject
) -> None:
    start = data.draw(arrays(shape))
    grads = [data.draw(arrays(shape)) for _ in range(3)]
    ours = replay(lambda params: NAdam(params, **settings), start, grads)
    expected = nadam_by_the_equations(start, grads, **settings)
    np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_ten_steps_match_torch_optim_nadam(options: dict[str, Any]) -> None:
    pytest.importorskip("torch")
    assert_follows_torch("NAdam", {"lr": 0.05, **options})


def test_param_groups_and_a_schedule_follow_torch_step_for_step() -> None:
    torch = pytest.importorskip("torch")
    defaults = {"lr": 0.1, "momentum_decay": 0.01}
    second_group = {"lr": 0.3, "betas": (0.5, 0.9), "weight_decay": 0.05,
                    "decoupled_weight_decay": True, "momentum_decay": 0.1}
    ours = two_groups_with_a_schedule(tm, NAdam, defaults, second_group, steps=20)
    with torch_scalars_in_float64(torch):
        theirs = two_groups_with_a_schedule(torch, torch.optim.NAdam, defaults, second_group,
                                            steps=20)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_a_state_dict_reloaded_mid_run_continues_as_torch_does_and_names_its_state_alike() -> None:
    torch = pytest.importorskip("torch")
    options = {"lr": 0.05, "weight_decay": 0.1, "maximize": True, "momentum_decay": 0.5}
    assert_follows_torch("NAdam", options, steps=8, seed=3, reload_after=4)
    assert state_names_after_a_step(tm, NAdam) == state_names_after_a_step(
        torch, torch.optim.NAdam) == {"step", "mu_product", "exp_avg", "exp_avg_sq"}


# -- hyper-parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"lr": -1e-3}, ValueError, "NAdam: lr must be non-negative, got -0.001"),
        ({"betas": (1.0, 0.999)}, ValueError, r"NAdam: betas\[0\] must be in \[0, 1\), got 1.0"),
        ({"betas": (0.9,)}, TypeError,
         r"NAdam: betas must be a pair \(beta1, beta2\), got \(0.9,\)"),
        ({"eps": -1e-8}, ValueError, "NAdam: eps must be non-negative, got -1e-08"),
        ({"weight_decay": -0.1}, ValueError, "NAdam: weight_decay must be non-negative, got -0.1"),
        ({"momentum_decay": -0.1}, ValueError,
         "NAdam: momentum_decay must be non-negative, got -0.1"),
        ({"decoupled_weight_decay": "yes"}, TypeError,
         "NAdam: decoupled_weight_decay must be True or False, got 'yes'"),
    ],
)
def test_bad_hyperparameter_raises_naming_the_class_argument_and_value(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    p = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(error, match=f"^{message}$"):
        NAdam([p], **options)


def test_defaults_and_positional_order_are_pytorchs_and_maximize_is_keyword_only() -> None:
    p = tm.tensor([1.0], requires_grad=True)
    group = NAdam([p]).param_groups[0]
    assert (group["lr"], group["betas"], group["eps"], group["weight_decay"]) == (
        2e-3, (0.9, 0.999), 1e-8, 0.0)
    assert (group["momentum_decay"], group["decoupled_weight_decay"], group["maximize"]) == (
        4e-3, False, False)
    group = NAdam([p], 0.1, (0.5, 0.6), 1e-5, 1e-4, 0.1, True).param_groups[0]
    assert (group["momentum_decay"], group["decoupled_weight_decay"]) == (0.1, True)
    with pytest.raises(TypeError, match="positional argument"):
        NAdam([p], 0.1, (0.5, 0.6), 1e-5, 1e-4, 0.1, True, True)  # type: ignore[misc]


# -- how parameters are updated ------------------------------------------------------------


def test_parameter_without_gradient_is_left_untouched_and_gets_no_state() -> None:
    trained = step_beside_a_parameter_without_gradient(
        lambda params: NAdam(params, lr=0.1, betas=(0.0, 0.9), weight_decay=0.5,
                             decoupled_weight_decay=True), [1.0, -1.0])
    np.testing.assert_allclose(trained.data, [0.95 - 0.1, 1.9 + 0.1])


@pytest.mark.parametrize("grad_dtype", [np.float32, np.float64])
def test_float32_parameters_and_state_stay_float32(grad_dtype: type) -> None:
    p, optimizer = steps_in_float32(lambda params: NAdam(params, lr=0.1, weight_decay=0.1),
                                    grad_dtype)
    assert p.dtype == np.float32
    assert all(optimizer.state[p][key].dtype == np.float32 for key in ("exp_avg", "exp_avg_sq"))
    expected = nadam_by_the_equations(START, GRADS, lr=0.1, weight_decay=0.1)[-1]
    np.testing.assert_allclose(p.data, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("options", [{}, {"weight_decay": 1e-4, "decoupled_weight_decay": True}],
                         ids=["nadam", "nadamw"])
def test_minimising_a_quadratic_converges(options: dict[str, Any]) -> None:
    w, target = minimise_quadratic(lambda params: NAdam(params, lr=0.05, **options), steps=1500)
    np.testing.assert_allclose(w, target, atol=1e-3)


# -- saving and restoring ------------------------------------------------------------------


def test_state_dict_saved_to_disk_and_loaded_continues_exactly_as_the_original(
    tmp_path: Path,
) -> None:
    options = {"lr": 0.1, "momentum_decay": 0.2, "weight_decay": 0.01}
    restored, copies = resume_from_a_checkpoint_on_disk(NAdam, options, tmp_path)
    assert restored.state[copies[0]]["step"] == 6
    assert isinstance(restored.state[copies[0]]["mu_product"], float)


def test_a_state_dict_from_another_optimizer_is_refused() -> None:
    p = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"has settings NAdam does not use: 'amsgrad'"):
        NAdam([p]).load_state_dict(Adam([p]).state_dict())


def test_a_saved_mu_product_loads_as_a_python_float() -> None:
    p, optimizer = nadam_param([1.0], lr=0.1)
    take_steps(p, optimizer, [1.0])
    saved = optimizer.state_dict()
    saved["state"][0]["mu_product"] = np.float32(saved["state"][0]["mu_product"])
    optimizer.load_state_dict(saved)
    assert type(optimizer.state[p]["mu_product"]) is float


def test_a_state_without_mu_product_is_refused_before_anything_changes() -> None:
    _, optimizer = nadam_param([1.0])
    saved = optimizer.state_dict()
    saved["state"] = {0: {"step": 1, "exp_avg": np.zeros(1), "exp_avg_sq": np.zeros(1)}}
    with pytest.raises(ValueError, match=r"lacks 'mu_product', which NAdam's step reads"):
        optimizer.load_state_dict(saved)
    assert optimizer.state == {}
