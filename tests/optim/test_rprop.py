"""Rprop follows PyTorch's update: per-weight step sizes grown or shrunk by gradient signs."""

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
from tinygrad_mlp.optim import Adagrad, Rprop

OPTION_COMBINATIONS = [
    {"etas": e, "step_sizes": s, "maximize": x}
    for e, s, x in itertools.product(((0.5, 1.2), (0.3, 2.0)), ((1e-6, 50), (0.05, 0.2)),
                                     (False, True))
]


def rprop_by_the_equations(
    start: np.ndarray,
    grads: list[np.ndarray],
    lr: float = 1e-2,
    etas: tuple[float, float] = (0.5, 1.2),
    step_sizes: tuple[float, float] = (1e-6, 50),
    maximize: bool = False,
) -> list[np.ndarray]:
    """PyTorch's Rprop written out entry by entry, in plain Python floats."""
    p = [float(v) for v in np.ravel(start)]
    size = [lr] * len(p)
    prev = [0.0] * len(p)
    path = []
    for grad in grads:
        for i, g in enumerate(np.ravel(grad)):
            g = -g if maximize else g
            agreement = g * prev[i]
            factor = etas[1] if agreement > 0 else etas[0] if agreement < 0 else 1.0
            size[i] = min(max(size[i] * factor, step_sizes[0]), step_sizes[1])
            if agreement < 0:
                g = 0.0
            p[i] -= np.sign(g) * size[i]
            prev[i] = g
        path.append(np.reshape(p, np.shape(start)))
    return path


rprop_param = partial(parameter_and_optimizer, Rprop)


# -- the equations, worked by hand ---------------------------------------------------------


def test_first_step_moves_each_weight_by_lr_whatever_its_gradients_size() -> None:
    p, optimizer = rprop_param([1.0, -2.0, 3.0], lr=0.1)
    p.grad = tm.tensor([0.001, -50.0, 0.0])
    optimizer.step()
    np.testing.assert_allclose(p.data, [0.9, -1.9, 3.0])


def test_same_sign_grows_the_step_and_a_sign_change_shrinks_it_and_skips_one_step() -> None:
    # g = 1, 1, -1, -1: steps 0.1, 0.12 (grown), none (sign change, size 0.06), 0.06 back up
    p, optimizer = rprop_param([0.0], lr=0.1)
    take_steps(p, optimizer, [1.0, 1.0])
    np.testing.assert_allclose(p.data, [-0.22])
    take_steps(p, optimizer, [-1.0])
    np.testing.assert_allclose(p.data, [-0.22])
    np.testing.assert_allclose(optimizer.state[p]["step_size"], [0.06])
    np.testing.assert_array_equal(optimizer.state[p]["prev"], [0.0])
    take_steps(p, optimizer, [-1.0])  # prev was zeroed: factor 1, a step of 0.06
    np.testing.assert_allclose(p.data, [-0.16])


def test_step_sizes_bound_every_step_size() -> None:
    p, optimizer = rprop_param([0.0], lr=1.0, etas=(0.5, 10.0), step_sizes=(0.4, 3.0))
    take_steps(p, optimizer, [1.0, 1.0])  # 1, then 10 clamped to 3
    np.testing.assert_allclose(p.data, [-4.0])
    take_steps(p, optimizer, [-1.0, 1.0, -1.0])  # 3 · 0.5 = 1.5 (skip), 1.5 step, 0.75 (skip)
    np.testing.assert_allclose(optimizer.state[p]["step_size"], [0.75])
    take_steps(p, optimizer, [-1.0, 1.0])  # 0.75 up, then 0.375 clamped to 0.4 (skip)
    np.testing.assert_allclose(optimizer.state[p]["step_size"], [0.4])


def test_maximize_climbs_the_gradient() -> None:
    p, optimizer = rprop_param([2.0], lr=0.1, maximize=True)
    take_steps(p, optimizer, [5.0])
    np.testing.assert_allclose(p.data, [2.1])


def test_lr_is_read_only_as_the_first_step_size() -> None:
    p, optimizer = rprop_param([0.0], lr=0.1)
    take_steps(p, optimizer, [1.0])
    optimizer.param_groups[0]["lr"] = 100.0
    take_steps(p, optimizer, [1.0])
    np.testing.assert_allclose(p.data, [-0.22])


# -- every option, against the equations and against PyTorch -----------------------------------


@pytest.mark.parametrize("options", OPTION_COMBINATIONS, ids=option_id)
def test_steps_match_pytorch_equations_for_every_option_combination(
    options: dict[str, Any],
) -> None:
    grads = GRADS + [-g for g in GRADS] + GRADS
    ours = replay(lambda params: Rprop(params, lr=0.1, **options), START, grads)
    expected = rprop_by_the_equations(START, grads, lr=0.1, **options)
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-15)


@st.composite
def rprop_settings(draw: st.DrawFn) -> dict[str, Any]:
    low = draw(floats_between(0.0, 0.1))
    return {
        "lr": draw(floats_between(0.0, 0.5)),
        "etas": (draw(floats_between(0.1, 0.9)), draw(floats_between(1.1, 3.0))),
        "step_sizes": (low, low + draw(floats_between(0.0, 10.0))),
        "maximize": draw(st.booleans()),
    }


@given(settings=rprop_settings(), seed=st.integers(0, 2**32 - 1))
def test_forty_steps_match_the_equations_and_torch_optim_rprop(
    settings: dict[str, Any], seed: int
) -> None:
    start, grads = random_start_and_grads(seed, steps=40)
    ours = replay(lambda params: Rprop(params, **settings), start, grads)
    np.testing.assert_allclose(ours, rprop_by_the_equations(start, grads, **settings),
                               rtol=1e-12, atol=1e-12)
    torch = pytest.importorskip("torch")
    theirs = replay_torch(torch, lambda params: torch.optim.Rprop(params, **settings), start,
                          grads)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_param_groups_and_a_schedule_follow_torch_step_for_step() -> None:
    torch = pytest.importorskip("torch")
    defaults = {"lr": 0.05, "etas": (0.4, 1.3)}
    second_group = {"lr": 0.2, "step_sizes": (0.01, 0.3), "maximize": False}
    ours = two_groups_with_a_schedule(tm, Rprop, defaults, second_group, steps=30)
    theirs = two_groups_with_a_schedule(torch, torch.optim.Rprop, defaults, second_group,
                                        steps=30)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


# -- hyper-parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"lr": -1e-3}, ValueError, r"Rprop: lr must be non-negative, got -0\.001"),
        ({"etas": (0.5, 1.0)}, ValueError,
         r"Rprop: etas must satisfy 0 < etaminus < 1 < etaplus, got \(0\.5, 1\.0\)"),
        ({"etas": (0.0, 1.2)}, ValueError, r"Rprop: etas must satisfy .* got \(0\.0, 1\.2\)"),
        ({"etas": 0.5}, TypeError, r"Rprop: etas must be a pair \(etaminus, etaplus\), got 0\.5"),
        ({"etas": (0.5, "2")}, TypeError, r"Rprop: etas\[1\] must be a real number, got '2'"),
        ({"step_sizes": (1.0, 0.5)}, ValueError,
         r"Rprop: step_sizes must satisfy 0 <= min_step <= max_step, got \(1\.0, 0\.5\)"),
        ({"step_sizes": (-1.0, 0.5)}, ValueError, r"Rprop: step_sizes must satisfy .*"),
        ({"maximize": 1}, TypeError, r"Rprop: maximize must be True or False, got 1"),
    ],
)
def test_bad_hyperparameter_raises_naming_the_class_argument_and_value(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    p = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(error, match=f"^{message}$"):
        Rprop([p], **options)


def test_defaults_and_positional_order_are_pytorchs_and_maximize_is_keyword_only() -> None:
    p = tm.tensor([1.0], requires_grad=True)
    group = Rprop([p]).param_groups[0]
    assert (group["lr"], group["etas"], group["step_sizes"], group["maximize"]) == (
        1e-2, (0.5, 1.2), (1e-6, 50), False)
    group = Rprop([p], 0.1, (0.3, 1.5), (0.0, 1.0)).param_groups[0]
    assert (group["lr"], group["etas"], group["step_sizes"]) == (0.1, (0.3, 1.5), (0.0, 1.0))
    with pytest.raises(TypeError, match="positional argument"):
        Rprop([p], 0.1, (0.3, 1.5), (0.0, 1.0), True)  # type: ignore[misc]


# -- how parameters are updated ------------------------------------------------------------


def test_parameter_without_gradient_is_left_untouched_and_gets_no_state() -> None:
    trained = step_beside_a_parameter_without_gradient(
        lambda params: Rprop(params, lr=0.1), [1.0, -1.0])
    np.testing.assert_allclose(trained.data, [0.9, 2.1])


@pytest.mark.parametrize("grad_dtype", [np.float32, np.float64])
def test_float32_parameters_and_state_stay_float32(grad_dtype: type) -> None:
    p, optimizer = steps_in_float32(lambda params: Rprop(params, lr=0.1), grad_dtype)
    assert p.dtype == np.float32
    assert optimizer.state[p]["step_size"].dtype == optimizer.state[p]["prev"].dtype == np.float32
    np.testing.assert_allclose(p.data, rprop_by_the_equations(START, GRADS, lr=0.1)[-1],
                               rtol=1e-6)


def test_each_step_increments_the_version_once_and_writes_into_the_parameters_array() -> None:
    p, optimizer = rprop_param([1.0, 2.0], lr=0.1)
    array = p.data
    for expected in (1, 2, 3):
        take_steps(p, optimizer, [np.array([1.0, -1.0])])
        assert p._version == expected
    assert p.data is array


def test_minimising_a_quadratic_converges() -> None:
    w, target = minimise_quadratic(lambda params: Rprop(params, lr=0.1), steps=200)
    np.testing.assert_allclose(w, target, atol=1e-4)


# -- saving and restoring ------------------------------------------------------------------


def test_state_dict_saved_to_disk_and_loaded_continues_exactly_as_the_original(
    tmp_path: Path,
) -> None:
    options = {"lr": 0.3, "etas": (0.4, 1.5), "step_sizes": (0.01, 1.0)}
    restored, copies = resume_from_a_checkpoint_on_disk(Rprop, options, tmp_path)
    assert restored.state[copies[0]]["step"] == 6
    assert restored.param_groups[0]["etas"] == (0.4, 1.5)


def test_a_state_dict_from_another_optimizer_is_refused() -> None:
    p = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"has settings Rprop does not use: "):
        Rprop([p]).load_state_dict(Adagrad([p]).state_dict())


def test_a_state_without_its_step_sizes_is_refused() -> None:
    p, optimizer = rprop_param([1.0], lr=0.1)
    take_steps(p, optimizer, [1.0])
    saved = optimizer.state_dict()
    del saved["state"][0]["step_size"]
    with pytest.raises(ValueError, match=r"Rprop\.load_state_dict: the saved state of "
                                         r"parameter 0 lacks 'step_size'"):
        optimizer.load_state_dict(saved)
