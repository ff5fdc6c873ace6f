"""ASGD follows PyTorch's update: a decaying SGD step and a running average of the weights."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
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
    take_steps,
    two_groups_with_a_schedule,
)
from tests.strategies import floats_between
from tinygrad_mlp.optim import ASGD, SGD

OPTION_COMBINATIONS = [
    {"lambd": lam, "alpha": a, "t0": t0, "weight_decay": w, "maximize": x}
    for lam, a, t0, w, x in itertools.product((0.0, 0.05), (0.75, 0.5), (1e6, 1.0), (0.0, 0.1),
                                              (False, True))
]


def asgd_by_the_equations(
    start: np.ndarray,
    grads: list[np.ndarray],
    lr: float = 1e-2,
    lambd: float = 1e-4,
    alpha: float = 0.75,
    t0: float = 1e6,
    weight_decay: float = 0.0,
    maximize: bool = False,
) -> tuple[list[np.ndarray], np.ndarray]:
    """PyTorch's ASGD written out step by step, out of place: the path and the final ax."""
    p = np.array(start, dtype=np.float64)
    ax = np.zeros_like(p)
    eta, mu = lr, 1.0
    path = []
    for t, grad in enumerate(grads, start=1):
        g = (-grad if maximize else grad) + weight_decay * p
        p = p * (1 - lambd * eta) - eta * g
        ax = ax + mu * (p - ax)
        eta = lr / (1 + lambd * lr * t) ** alpha
        mu = 1 / max(1, t - t0)
        path.append(p)
    return path, ax


asgd_param = partial(parameter_and_optimizer, ASGD)


@pytest.fixture
def torch_in_float64() -> Iterator[Any]:
    """torch, with float64 as its default dtype while the test runs.

    PyTorch keeps ASGD's eta and mu as tensors of the default dtype, so in
    float32 they are rounded, where this package keeps Python floats.
    """
    torch = pytest.importorskip("torch")
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield torch
    torch.set_default_dtype(previous)


# -- the equations, worked by hand ---------------------------------------------------------


def test_without_decay_the_first_steps_are_plain_sgd_and_ax_follows_the_weight() -> None:
    p, optimizer = asgd_param([1.0], lr=0.1, lambd=0.0)
    take_steps(p, optimizer, [2.0, 4.0])
    np.testing.assert_allclose(p.data, [0.4])
    np.testing.assert_allclose(optimizer.state[p]["ax"], [0.4])
    assert optimizer.state[p]["eta"] == 0.1 and optimizer.state[p]["mu"] == 1.0


def test_lambd_shrinks_the_weight_and_decays_eta() -> None:
    # p = (1 - 0.5 · 0.1) · 2 - 0.1 · 1 = 1.8; eta = 0.1 / (1 + 0.5 · 0.1 · 1)^0.75
    p, optimizer = asgd_param([2.0], lr=0.1, lambd=0.5)
    take_steps(p, optimizer, [1.0])
    np.testing.assert_allclose(p.data, [1.8])
    np.testing.assert_allclose(optimizer.state[p]["eta"], 0.1 / 1.05**0.75)


def test_after_t0_steps_ax_is_the_mean_of_the_weights_visited_since() -> None:
    # t0 = 1: mu = 1 for steps 1 to 3 (set from t - t0 after steps 0 to 2), then 1/2:
    # ax = mean of p₃ and p₄
    p, optimizer = asgd_param([0.0], lr=1.0, lambd=0.0, t0=1)
    visited = []
    for grad in [1.0, 1.0, 1.0, 1.0]:
        take_steps(p, optimizer, [grad])
        visited.append(p.item())
    np.testing.assert_allclose(optimizer.state[p]["ax"], [np.mean(visited[2:])])
    assert optimizer.state[p]["mu"] == pytest.approx(1 / 3)


def test_maximize_negates_the_gradient_before_weight_decay_is_added() -> None:
    # g = -1 + 0.5 · 2 = 0: only the decay term (lambd = 0 here) could move p
    p, optimizer = asgd_param([2.0], lr=0.1, lambd=0.0, weight_decay=0.5, maximize=True)
    take_steps(p, optimizer, [1.0])
    np.testing.assert_array_equal(p.data, [2.0])


# -- every option, against the equations and against PyTorch -----------------------------------


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_steps_match_pytorch_equations_for_every_option_combination(
    options: dict[str, Any],
) -> None:
    p, optimizer = asgd_param(START, lr=0.1, **options)
    path = []
    for grad in GRADS:
        take_steps(p, optimizer, [grad])
        path.append(p.data.copy())
    expected, ax = asgd_by_the_equations(START, GRADS, lr=0.1, **options)
    np.testing.assert_allclose(path, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(optimizer.state[p]["ax"], ax, rtol=1e-12, atol=1e-15)


@st.composite
def asgd_settings(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "lr": draw(floats_between(0.0, 0.5)),
        "lambd": draw(st.sampled_from([0.0, 1e-4, draw(floats_between(0.0, 1.0))])),
        "alpha": draw(floats_between(0.0, 1.0)),
        "t0": draw(st.sampled_from([1e6, float(draw(st.integers(0, 30)))])),
        "weight_decay": draw(st.sampled_from([0.0, draw(floats_between(0.0, 0.5))])),
        "maximize": draw(st.booleans()),
    }


@given(settings=asgd_settings(), seed=st.integers(0, 2**32 - 1))
def test_forty_steps_match_the_equations_for_any_hyperparameters(
    settings: dict[str, Any], seed: int
) -> None:
    start, grads = random_start_and_grads(seed, steps=40)
    ours = replay(lambda params: ASGD(params, **settings), start, grads)
    expected, _ = asgd_by_the_equations(start, grads, **settings)
    np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("options", OPTION_COMBINATIONS[::3], ids=option_id)
def test_forty_steps_and_the_state_match_torch_optim_asgd(
    options: dict[str, Any], torch_in_float64: Any
) -> None:
    torch = torch_in_float64
    start, grads = random_start_and_grads(0, steps=40)
    made: dict[str, Any] = {}

    def ours_for(params: list[tm.Tensor]) -> ASGD:
        made["ours"] = ASGD(params, lr=0.05, **options)
        return made["ours"]

    def theirs_for(params: list[Any]) -> Any:
        made["theirs"] = torch.optim.ASGD(params, lr=0.05, **options)
        return made["theirs"]

    np.testing.assert_allclose(replay(ours_for, start, grads),
                               replay_torch(torch, theirs_for, start, grads),
                               rtol=1e-12, atol=1e-12)
    (ours,) = made["ours"].state.values()
    (theirs,) = made["theirs"].state.values()
    assert ours["step"] == theirs["step"].item() == 40
    np.testing.assert_allclose([ours["eta"], ours["mu"]],
                               [theirs["eta"].item(), theirs["mu"].item()], rtol=1e-14)
    np.testing.assert_allclose(ours["ax"], theirs["ax"].numpy(), rtol=1e-12, atol=1e-12)


def test_param_groups_and_a_schedule_follow_torch_step_for_step(torch_in_float64: Any) -> None:
    defaults = {"lr": 0.05, "lambd": 0.01, "t0": 3.0}
    second_group = {"lr": 0.1, "alpha": 0.5, "weight_decay": 0.01}
    ours = two_groups_with_a_schedule(tm, ASGD, defaults, second_group, steps=30)
    theirs = two_groups_with_a_schedule(torch_in_float64, torch_in_float64.optim.ASGD, defaults,
                                        second_group, steps=30)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


# -- hyper-parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"lr": -1e-3}, ValueError, r"ASGD: lr must be non-negative, got -0\.001"),
        ({"lambd": -1.0}, ValueError, r"ASGD: lambd must be non-negative, got -1\.0"),
        ({"alpha": float("nan")}, ValueError, r"ASGD: alpha must be non-negative, got nan"),
        ({"t0": -1}, ValueError, r"ASGD: t0 must be non-negative, got -1"),
        ({"weight_decay": -0.1}, ValueError, r"ASGD: weight_decay must be non-negative, got -0\.1"),
        ({"t0": "10"}, TypeError, r"ASGD: t0 must be a real number, got '10'"),
        ({"maximize": 1}, TypeError, r"ASGD: maximize must be True or False, got 1"),
    ],
)
def test_bad_hyperparameter_raises_naming_the_class_argument_and_value(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    p = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(error, match=f"^{message}$"):
        ASGD([p], **options)


def test_defaults_and_positional_order_are_pytorchs_and_maximize_is_keyword_only() -> None:
    p = tm.tensor([1.0], requires_grad=True)
    group = ASGD([p]).param_groups[0]
    assert (group["lr"], group["lambd"], group["alpha"], group["t0"]) == (1e-2, 1e-4, 0.75, 1e6)
    assert (group["weight_decay"], group["maximize"]) == (0.0, False)
    group = ASGD([p], 0.1, 1e-3, 0.5, 10, 0.01).param_groups[0]
    assert (group["lr"], group["lambd"], group["alpha"], group["t0"]) == (0.1, 1e-3, 0.5, 10)
    assert group["weight_decay"] == 0.01
    with pytest.raises(TypeError, match="positional argument"):
        ASGD([p], 0.1, 1e-3, 0.5, 10, 0.01, True)  # type: ignore[misc]


# -- how parameters are updated ------------------------------------------------------------


def test_parameter_without_gradient_is_left_untouched_and_gets_no_state() -> None:
    trained = step_beside_a_parameter_without_gradient(
        lambda params: ASGD(params, lr=0.1, lambd=0.0), [1.0, -1.0])
    np.testing.assert_allclose(trained.data, [0.9, 2.1])


@pytest.mark.parametrize("grad_dtype", [np.float32, np.float64])
def test_float32_parameters_and_average_stay_float32(grad_dtype: type) -> None:
    p, optimizer = steps_in_float32(lambda params: ASGD(params, lr=0.1, t0=1), grad_dtype)
    assert p.dtype == optimizer.state[p]["ax"].dtype == np.float32
    expected, ax = asgd_by_the_equations(START, GRADS, lr=0.1, t0=1)
    np.testing.assert_allclose(p.data, expected[-1], rtol=1e-6)
    np.testing.assert_allclose(optimizer.state[p]["ax"], ax, rtol=1e-6)


def test_each_step_increments_the_version_once_and_writes_into_the_parameters_array() -> None:
    p, optimizer = asgd_param([1.0, 2.0], lr=0.1, weight_decay=0.1)
    array = p.data
    for expected in (1, 2, 3):
        take_steps(p, optimizer, [np.array([1.0, -1.0])])
        assert p._version == expected
    assert p.data is array


def test_minimising_a_quadratic_converges_without_the_decay_term() -> None:
    # lambd pulls the weights toward 0, so with it they settle a little short of the target
    w, target = minimise_quadratic(lambda params: ASGD(params, lr=0.1, lambd=0.0, t0=50),
                                   steps=400)
    np.testing.assert_allclose(w, target, atol=1e-4)


# -- saving and restoring ------------------------------------------------------------------


def test_state_dict_saved_to_disk_and_loaded_continues_exactly_as_the_original(
    tmp_path: Path,
) -> None:
    options = {"lr": 0.1, "lambd": 0.01, "t0": 1.0, "weight_decay": 0.01}
    restored, copies = resume_from_a_checkpoint_on_disk(ASGD, options, tmp_path)
    state = restored.state[copies[0]]
    assert state["step"] == 6 and state["mu"] == pytest.approx(1 / 5)


def test_a_state_dict_from_another_optimizer_is_refused() -> None:
    p = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"has settings ASGD does not use: 'dampening'"):
        ASGD([p]).load_state_dict(SGD([p], lr=0.1).state_dict())


@pytest.mark.parametrize(("key", "value"), [("eta", None), ("mu", "1"), ("eta", np.ones(1))])
def test_a_state_whose_eta_or_mu_is_not_a_number_is_refused(key: str, value: Any) -> None:
    p, optimizer = asgd_param([1.0], lr=0.1)
    take_steps(p, optimizer, [1.0])
    saved = optimizer.state_dict()
    saved["state"][0][key] = value
    before = optimizer.state_dict()
    with pytest.raises(ValueError, match=rf"ASGD\.load_state_dict: state '{key}' of parameter 0 "
                                         r"must be a real number, got "):
        optimizer.load_state_dict(saved)
    assert repr(optimizer.state_dict()) == repr(before)
