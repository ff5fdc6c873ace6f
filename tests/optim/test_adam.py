"""Adam follows PyTorch's update: bias-corrected moments, eps after the square root."""

from __future__ import annotations

import itertools
import math
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
from tinygrad_mlp.optim import Adam, AdamW

OPTION_COMBINATIONS = [
    {"weight_decay": w, "amsgrad": a, "maximize": x}
    for w, a, x in itertools.product((0.0, 0.1), (False, True), (False, True))
]


def adam_by_the_equations(
    start: np.ndarray,
    grads: list[np.ndarray],
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    amsgrad: bool = False,
    maximize: bool = False,
) -> list[np.ndarray]:
    """PyTorch's Adam written out step by step, out of place, in float64."""
    beta1, beta2 = betas
    p = np.array(start, dtype=np.float64)
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    v_max = np.zeros_like(p)
    path = []
    for t, grad in enumerate(grads, start=1):
        g = (-grad if maximize else grad) + weight_decay * p
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        v_max = np.maximum(v_max, v)
        m_hat = m / (1 - beta1**t)
        v_hat = (v_max if amsgrad else v) / (1 - beta2**t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
        path.append(p)
    return path


adam_param = partial(parameter_and_optimizer, Adam)


# -- the equations, worked by hand ---------------------------------------------------------


def test_first_step_moves_each_weight_by_lr_against_the_sign_of_its_gradient() -> None:
    # After one step m̂ = g and v̂ = g², so the step is lr · g / (|g| + eps), whatever |g|.
    p, optimizer = adam_param([1.0, -2.0, 3.0], lr=0.01)
    p.grad = tm.tensor([0.001, -50.0, 7.0])
    optimizer.step()
    np.testing.assert_allclose(p.data, [0.99, -1.99, 2.99], rtol=1e-6)  # eps: 1e-7 off


def test_eps_is_added_after_the_square_root_of_the_bias_corrected_v() -> None:
    # m̂ = 1e-8, √v̂ = 1e-8: 1e-8 / (1e-8 + eps) = 0.5 (eps inside the root would give ~1e-4)
    p, optimizer = adam_param([1.0], lr=1.0, eps=1e-8)
    take_steps(p, optimizer, [1e-8])
    np.testing.assert_allclose(p.data, [0.5], rtol=1e-6)


def test_two_steps_match_bias_corrected_moments_worked_by_hand() -> None:
    # betas 0.5: step 1 m = 0.5, v = 0.5, m̂ = v̂ = 1, step 1.
    # step 2 (g = 3): m = 1.75, v = 4.75, m̂ = 7/3, v̂ = 19/3, step 7/3 / √(19/3) = 7/√57.
    p, optimizer = adam_param([0.0], lr=1.0, betas=(0.5, 0.5), eps=0.0)
    take_steps(p, optimizer, [1.0])
    np.testing.assert_allclose(p.data, [-1.0])
    take_steps(p, optimizer, [3.0])
    np.testing.assert_allclose(p.data, [-1.0 - 7 / math.sqrt(57)])


@pytest.mark.parametrize(
    ("amsgrad", "second_step"),
    # v: 2 then 1.125; v̂ = max(v) / 0.75 = 8/3 with amsgrad, v / 0.75 = 1.5 without.
    [(True, 0.5 / math.sqrt(8 / 3)), (False, 0.5 / math.sqrt(1.5))],
    ids=["amsgrad", "adam"],
)
def test_amsgrad_divides_by_the_largest_second_moment_so_far(
    amsgrad: bool, second_step: float
) -> None:
    p, optimizer = adam_param([0.0], lr=1.0, betas=(0.0, 0.5), eps=0.0, amsgrad=amsgrad)
    take_steps(p, optimizer, [2.0, 0.5])  # step 1: m = 2, v̂ = 2 / 0.5 = 4, step 1
    np.testing.assert_allclose(p.data, [-1.0 - second_step])


def test_weight_decay_is_added_to_the_gradient_before_the_moments() -> None:
    # g = -1 + 1 · 2 = +1, so the weight moves down although the loss gradient says up.
    p, optimizer = adam_param([2.0], lr=0.1, weight_decay=1.0)
    take_steps(p, optimizer, [-1.0])
    np.testing.assert_allclose(p.data, [1.9])


def test_maximize_climbs_the_gradient() -> None:
    p, optimizer = adam_param([2.0], lr=0.1, maximize=True)
    take_steps(p, optimizer, [5.0])
    np.testing.assert_allclose(p.data, [2.1])


def test_bias_correction_counts_each_parameters_own_steps() -> None:
    early = tm.tensor([0.0], requires_grad=True)
    late = tm.tensor([0.0], requires_grad=True)
    optimizer = Adam([early, late], lr=0.1)
    early.grad = tm.tensor([1.0])
    optimizer.step()
    late.grad = tm.tensor([1.0])
    optimizer.step()
    # late's first step is a first step: bias-corrected, so exactly lr (up to eps)
    np.testing.assert_allclose(late.data, [-0.1])
    assert optimizer.state[early]["step"] == 2 and optimizer.state[late]["step"] == 1


def test_state_holds_the_step_count_and_the_moment_estimates() -> None:
    p, optimizer = adam_param([1.0, 2.0], amsgrad=True)
    p.grad = tm.tensor([0.5, -0.5])
    optimizer.step()
    state = optimizer.state[p]
    assert set(state) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    assert all(state[key].shape == (2,) for key in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"))


# -- every option, against the equations and against PyTorch -----------------------------------


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_steps_match_pytorch_equations_for_every_option_combination(
    options: dict[str, Any],
) -> None:
    ours = replay(lambda params: Adam(params, lr=0.1, **options), START, GRADS)
    expected = adam_by_the_equations(START, GRADS, lr=0.1, **options)
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-15)


@st.composite
def adam_settings(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "lr": draw(floats_between(0.0, 0.5)),
        "betas": (draw(floats_between(0.0, 0.99)), draw(floats_between(0.0, 0.9999))),
        "eps": draw(floats_between(1e-8, 1e-3)),
        "weight_decay": draw(st.sampled_from([0.0, draw(floats_between(0.0, 0.5))])),
        "amsgrad": draw(st.booleans()),
        "maximize": draw(st.booleans()),
    }


@given(settings=adam_settings(), shape=shapes(), data=st.data())
def test_steps_match_pytorch_equations_for_any_hyperparameters_and_shape(
    settings: dict[str, Any], shape: tuple[int, ...], data: st.DataObject
) -> None:
    start = data.draw(arrays(shape))
    grads = [data.draw(arrays(shape)) for _ in range(3)]
    ours = replay(lambda params: Adam(params, **settings), start, grads)
    expected = adam_by_the_equations(start, grads, **settings)
    np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_ten_steps_match_torch_optim_adam(options: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    start, grads = random_start_and_grads(0, steps=10)
    ours = replay(lambda params: Adam(params, lr=0.05, **options), start, grads)
    theirs = replay_torch(
        torch, lambda params: torch.optim.Adam(params, lr=0.05, **options), start, grads
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


# -- hyper-parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"lr": -1e-3}, ValueError, "Adam: lr must be non-negative, got -0.001"),
        ({"betas": (1.0, 0.999)}, ValueError, r"Adam: betas\[0\] must be in \[0, 1\), got 1.0"),
        ({"betas": (0.9, -0.1)}, ValueError, r"Adam: betas\[1\] must be in \[0, 1\), got -0.1"),
        ({"betas": (0.9,)}, TypeError,
         r"Adam: betas must be a pair \(beta1, beta2\), got \(0.9,\)"),
        ({"betas": 0.9}, TypeError, r"Adam: betas must be a pair \(beta1, beta2\), got 0.9"),
        ({"eps": -1e-8}, ValueError, "Adam: eps must be non-negative, got -1e-08"),
        ({"weight_decay": -0.1}, ValueError, "Adam: weight_decay must be non-negative, got -0.1"),
        ({"amsgrad": "yes"}, TypeError, "Adam: amsgrad must be True or False, got 'yes'"),
    ],
)
def test_bad_hyperparameter_raises_naming_the_class_argument_and_value(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    p = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(error, match=f"^{message}$"):
        Adam([p], **options)


def test_defaults_are_pytorchs() -> None:
    _, optimizer = adam_param([1.0])
    group = optimizer.param_groups[0]
    assert (group["lr"], group["betas"], group["eps"]) == (1e-3, (0.9, 0.999), 1e-8)
    assert (group["weight_decay"], group["amsgrad"], group["maximize"]) == (0.0, False, False)


# -- how parameters are updated ------------------------------------------------------------


def test_parameter_without_gradient_is_left_untouched() -> None:
    trained = step_beside_a_parameter_without_gradient(
        lambda params: Adam(params, lr=0.1), [1.0, -1.0])
    np.testing.assert_allclose(trained.data, [0.9, 2.1])


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
@pytest.mark.parametrize("grad_dtype", [np.float32, np.float64])
def test_float32_parameters_and_moment_estimates_stay_float32(
    options: dict[str, Any], grad_dtype: type
) -> None:
    p, optimizer = steps_in_float32(lambda params: Adam(params, lr=0.1, **options), grad_dtype)
    assert p.dtype == np.float32
    arrays_in_state = [v for v in optimizer.state[p].values() if isinstance(v, np.ndarray)]
    assert arrays_in_state and all(a.dtype == np.float32 for a in arrays_in_state)
    expected = adam_by_the_equations(START, GRADS, lr=0.1, **options)[-1]
    np.testing.assert_allclose(p.data, expected, rtol=1e-5, atol=1e-6)


def test_each_step_increments_the_version_of_each_updated_parameter_once() -> None:
    p, optimizer = adam_param([1.0], amsgrad=True)
    for expected in (1, 2, 3):
        take_steps(p, optimizer, [1.0])
        assert p._version == expected


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_update_writes_into_the_parameters_own_array(options: dict[str, Any]) -> None:
    p, optimizer = adam_param(START, lr=0.1, **options)
    array = p.data
    take_steps(p, optimizer, GRADS)
    assert p.data is array
    assert not np.array_equal(array, START)


@pytest.mark.parametrize(
    "options", [{}, {"amsgrad": True}, {"weight_decay": 1e-4}], ids=["adam", "amsgrad", "decay"]
)
def test_minimising_a_quadratic_converges(options: dict[str, Any]) -> None:
    w, target = minimise_quadratic(lambda params: Adam(params, lr=0.05, **options), steps=1500)
    np.testing.assert_allclose(w, target, atol=1e-3)


# -- AdamW ---------------------------------------------------------------------------------


def adamw_by_the_equations(
    start: np.ndarray, grads: list[np.ndarray], lr: float, weight_decay: float,
    betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, amsgrad: bool = False,
    maximize: bool = False,
) -> list[np.ndarray]:
    """PyTorch's AdamW: shrink p by (1 - lr · weight_decay), then Adam's step without decay."""
    beta1, beta2 = betas
    p = np.array(start, dtype=np.float64)
    m, v, v_max = np.zeros_like(p), np.zeros_like(p), np.zeros_like(p)
    path = []
    for t, grad in enumerate(grads, start=1):
        g = -grad if maximize else grad
        p = p * (1 - lr * weight_decay)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        v_max = np.maximum(v_max, v)
        v_hat = (v_max if amsgrad else v) / (1 - beta2**t)
        p = p - lr * (m / (1 - beta1**t)) / (np.sqrt(v_hat) + eps)
        path.append(p)
    return path


@pytest.mark.parametrize("options", [{"amsgrad": a, "maximize": x}
                                     for a, x in itertools.product((False, True), repeat=2)],
                         ids=option_id)
def test_adamw_steps_are_the_decoupled_decay_then_adams_step(options: dict[str, Any]) -> None:
    ours = replay(lambda params: AdamW(params, lr=0.1, weight_decay=0.3, **options), START, GRADS)
    expected = adamw_by_the_equations(START, GRADS, lr=0.1, weight_decay=0.3, **options)
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-14)


def test_adamw_decay_is_not_scaled_by_the_gradient_as_adams_l2_penalty_is() -> None:
    big, small = tm.tensor([1.0], requires_grad=True), tm.tensor([1.0], requires_grad=True)
    optimizer = AdamW([big, small], lr=0.1, weight_decay=0.5)
    big.grad, small.grad = tm.tensor([1000.0]), tm.tensor([0.01])
    optimizer.step()
    # each shrinks by the same 5%, then moves by about lr against its gradient's sign
    np.testing.assert_allclose([big.item(), small.item()], [0.95 - 0.1, 0.95 - 0.1], rtol=1e-6)


def test_adamw_defaults_are_pytorchs_and_a_parameter_without_gradient_does_not_decay() -> None:
    trained, frozen = tm.tensor([1.0], requires_grad=True), tm.tensor([3.0], requires_grad=True)
    optimizer = AdamW([trained, frozen])
    group = optimizer.param_groups[0]
    assert (group["lr"], group["betas"], group["eps"], group["weight_decay"]) == (
        1e-3, (0.9, 0.999), 1e-8, 1e-2)
    trained.grad = tm.tensor([1.0])
    optimizer.step()
    assert frozen.item() == 3.0 and trained.item() < 1.0
    assert group["weight_decay"] == 1e-2  # the step did not change the group


def test_adamw_refuses_a_negative_weight_decay_naming_adamw() -> None:
    with pytest.raises(ValueError, match=r"^AdamW: weight_decay must be non-negative, got -0\.1$"):
        AdamW([tm.tensor([1.0], requires_grad=True)], weight_decay=-0.1)


@pytest.mark.parametrize("options", [{"amsgrad": a, "maximize": x}
                                     for a, x in itertools.product((False, True), repeat=2)],
                         ids=option_id)
def test_ten_steps_match_torch_optim_adamw(options: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    start, grads = random_start_and_grads(1, steps=10)
    ours = replay(lambda params: AdamW(params, lr=0.05, weight_decay=0.2, **options), start,
                  grads)
    theirs = replay_torch(
        torch, lambda params: torch.optim.AdamW(params, lr=0.05, weight_decay=0.2, **options),
        start, grads,
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_adam_with_decoupled_weight_decay_is_adamw_and_a_state_dict_keeps_the_rule() -> None:
    ours = replay(lambda params: Adam(params, lr=0.1, weight_decay=0.3,
                                      decoupled_weight_decay=True), START, GRADS)
    np.testing.assert_array_equal(ours, replay(lambda params: AdamW(params, lr=0.1,
                                                                    weight_decay=0.3),
                                               START, GRADS))
    w = tm.tensor([1.0], requires_grad=True)
    adam = Adam([w])
    adam.load_state_dict(AdamW([tm.tensor([1.0], requires_grad=True)], weight_decay=0.5)
                         .state_dict())
    assert adam.param_groups[0]["decoupled_weight_decay"] is True  # as PyTorch's Adam keeps it
    with pytest.raises(TypeError, match=r"^Adam: decoupled_weight_decay must be True or False"):
        Adam([w], decoupled_weight_decay=1)  # type: ignore[arg-type]


def test_adam_with_decoupled_weight_decay_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    start, grads = random_start_and_grads(2, steps=6, shape=(5,))
    ours = replay(lambda params: Adam(params, lr=0.05, weight_decay=0.4,
                                      decoupled_weight_decay=True), start, grads)
    theirs = replay_torch(torch, lambda params: torch.optim.Adam(
        params, lr=0.05, weight_decay=0.4, decoupled_weight_decay=True), start, grads)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("make", [
    lambda p: Adam([p], 1e-3, (0.9, 0.999), 1e-8, 0.0, False, True),
    lambda p: AdamW([p], 1e-3, (0.9, 0.999), 1e-8, 1e-2, False, True),
])
def test_adams_maximize_is_keyword_only_as_in_pytorch(make: Any) -> None:
    with pytest.raises(TypeError, match="positional argument"):
        make(tm.tensor([1.0], requires_grad=True))
