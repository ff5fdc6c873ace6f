"""LBFGS follows PyTorch's algorithm: the two-loop recursion, its stopping rules, strong Wolfe."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tinygrad_mlp.optim import LBFGS, SGD
from tinygrad_mlp.optim.lbfgs import _two_loop
from tinygrad_mlp.optim.line_search import _Trial, cubic_minimum, strong_wolfe

ROSENBROCK_START = np.array([-1.2, 1.0])
# A small overdetermined least-squares problem: min ‖A x - b‖², with x in two tensors.
A = np.array([[1.0, 2.0, 0.5], [0.3, -1.0, 2.0], [2.0, 0.1, -0.4], [-1.0, 1.5, 1.0],
              [0.5, 0.5, 0.5]])
B = np.array([1.0, -2.0, 0.5, 3.0, 0.25])
SETTINGS = [
    {},
    {"line_search_fn": "strong_wolfe"},
    {"lr": 0.5, "history_size": 2, "max_iter": 7},
    {"lr": 0.8, "history_size": 3, "max_iter": 10, "line_search_fn": "strong_wolfe"},
]


def rosenbrock(x: Any) -> Any:
    """(1 - x₀)² + 100 (x₁ - x₀²)², summed over neighbouring pairs; its minimum is all ones."""
    return ((1 - x[:-1]) ** 2 + 100 * (x[1:] - x[:-1] * x[:-1]) ** 2).sum()


def least_squares(lib: Any, x: Any, y: Any) -> Any:
    residual = lib.tensor(A[:, :2]) @ x + lib.tensor(A[:, 2:]) @ y - lib.tensor(B)
    return (residual * residual).sum()


def run(lib: Any, problem: str, steps: int, **settings: Any) -> tuple[np.ndarray, dict[str, Any]]:
    """LBFGS in ``lib`` (tinygrad_mlp or torch) on ``problem``: after each step the loss the
    step returned and the parameters; and the final state, as plain numbers and arrays."""
    if problem == "rosenbrock":
        params = [lib.tensor(np.array([-1.2, 1.0, 0.5, -0.3])[:4], requires_grad=True)]
    else:
        params = [lib.tensor(np.zeros(2), requires_grad=True),
                  lib.tensor(np.zeros(1), requires_grad=True)]
    optimizer = (LBFGS if lib is tm else lib.optim.LBFGS)(params, **settings)

    def closure() -> Any:
        optimizer.zero_grad()
        loss = rosenbrock(params[0]) if problem == "rosenbrock" else least_squares(lib, *params)
        loss.backward()
        return loss

    path = []
    for _ in range(steps):
        loss = optimizer.step(closure)
        path.append([float(loss.detach().numpy()) if lib is not tm else loss.item(),
                     *np.concatenate([np.ravel(p.detach().numpy() if lib is not tm else p.data)
                                      for p in params])])
    (state,) = optimizer.state.values()
    plain = {key: _plain(value) for key, value in state.items()}
    return np.array(path), plain


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "detach"):
        return value.detach().numpy()
    return value


# -- against PyTorch ---------------------------------------------------------------------


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: ",".join(f"{k}={v}" for k, v in
                                                                      s.items()) or "defaults")
@pytest.mark.parametrize("problem", ["rosenbrock", "least_squares"])
def test_steps_and_state_match_torch_optim_lbfgs(problem: str, settings: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    ours, our_state = run(tm, problem, 6, **settings)
    theirs, their_state = run(torch, problem, 6, **settings)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)
    assert set(our_state) == set(their_state)
    for key in ("func_evals", "n_iter"):
        assert our_state[key] == their_state[key]
    for key in ("d", "t", "H_diag", "prev_flat_grad", "prev_loss"):
        np.testing.assert_allclose(our_state[key], their_state[key], rtol=1e-8, atol=1e-12)
    for key in ("old_dirs", "old_stps", "ro"):
        assert len(our_state[key]) == len(their_state[key])
        for a, b in zip(our_state[key], their_state[key]):
            np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-12)


def test_state_dict_keys_are_pytorchs() -> None:
    torch = pytest.importorskip("torch")
    _, ours = run(tm, "least_squares", 2)
    _, theirs = run(torch, "least_squares", 2)
    assert sorted(ours) == sorted(theirs) == sorted(
        ["func_evals", "n_iter", "d", "t", "old_dirs", "old_stps", "ro", "H_diag",
         "prev_flat_grad", "prev_loss", "al"])


# -- the algorithm, without PyTorch -----------------------------------------------------------


def quadratic_setup(start: list[float], **settings: Any) -> tuple[tm.Tensor, LBFGS,
                                                                  Callable[[], tm.Tensor]]:
    """LBFGS on sum(scale · (w - target)²), with a closure that counts its calls in w.calls."""
    w = tm.tensor(start, requires_grad=True)
    optimizer = LBFGS([w], **settings)
    calls = []

    def closure() -> tm.Tensor:
        calls.append(w.data.copy())
        optimizer.zero_grad()
        diff = w - tm.tensor([1.0, -2.0])
        loss = (diff * diff * tm.tensor([1.0, 10.0])).sum()
        loss.backward()
        return loss

    closure.calls = calls  # type: ignore[attr-defined]
    return w, optimizer, closure


def test_first_iteration_is_a_gradient_step_of_length_min_1_over_the_gradients_l1_norm() -> None:
    # g = (2 · (0 - 1), 20 · (0 + 2)) = (-2, 40): t = 1/42 · lr, x = -t · g
    w, optimizer, closure = quadratic_setup([0.0, 0.0], lr=0.5, max_iter=1)
    assert optimizer.step(closure).item() == 41.0
    np.testing.assert_allclose(w.data, [0.5 / 42 * 2, -0.5 / 42 * 40])
    state = optimizer.state[w]
    assert (state["func_evals"], state["n_iter"]) == (1, 1)  # no evaluation after the last move


def test_the_step_returns_the_loss_before_it_and_counts_every_closure_call() -> None:
    w, optimizer, closure = quadratic_setup([0.0, 0.0], max_iter=5)
    assert optimizer.step(closure).item() == 41.0
    assert optimizer.state[w]["func_evals"] == len(closure.calls) == 5  # type: ignore[attr-defined]


def test_max_eval_bounds_the_closure_calls_of_one_step() -> None:
    _, optimizer, closure = quadratic_setup([0.0, 0.0], max_iter=50, max_eval=4,
                                            line_search_fn="strong_wolfe")
    optimizer.step(closure)
    assert len(closure.calls) <= 4  # type: ignore[attr-defined]


def test_at_a_minimum_the_step_evaluates_once_and_stops() -> None:
    w, optimizer, closure = quadratic_setup([1.0, -2.0])
    optimizer.step(closure)
    assert len(closure.calls) == 1  # type: ignore[attr-defined]
    np.testing.assert_array_equal(w.data, [1.0, -2.0])
    assert w._version == 0


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_a_quadratic_is_minimised_in_one_step(line_search_fn: str | None) -> None:
    w, optimizer, closure = quadratic_setup([5.0, 5.0], line_search_fn=line_search_fn)
    optimizer.step(closure)
    np.testing.assert_allclose(w.data, [1.0, -2.0], atol=1e-6)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_rosenbrock_converges_to_its_minimum(line_search_fn: str | None) -> None:
    x = tm.tensor(ROSENBROCK_START, requires_grad=True)
    optimizer = LBFGS([x], line_search_fn=line_search_fn, tolerance_change=1e-12)

    def closure() -> tm.Tensor:
        optimizer.zero_grad()
        loss = rosenbrock(x)
        loss.backward()
        return loss

    for _ in range(10):
        optimizer.step(closure)
    np.testing.assert_allclose(x.data, [1.0, 1.0], atol=1e-5)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_least_squares_reaches_numpys_solution(line_search_fn: str | None) -> None:
    x, y = tm.zeros(2, requires_grad=True), tm.zeros(1, requires_grad=True)
    optimizer = LBFGS([x, y], line_search_fn=line_search_fn)

    def closure() -> tm.Tensor:
        optimizer.zero_grad()
        loss = least_squares(tm, x, y)
        loss.backward()
        return loss

    for _ in range(3):
        optimizer.step(closure)
    solution = np.linalg.lstsq(A, B, rcond=None)[0]
    np.testing.assert_allclose(np.concatenate([x.data, y.data]), solution, atol=1e-6)


@given(seed=st.integers(0, 2**32 - 1), pairs=st.integers(0, 4))
def test_two_loop_recursion_applies_the_bfgs_inverse_hessian(seed: int, pairs: int) -> None:
    # H from H₀ = γ I by H = (I - ρ s yᵀ) H (I - ρ y sᵀ) + ρ s sᵀ, oldest pair first
    rng = np.random.default_rng(seed)
    n = 4
    g = rng.standard_normal(n)
    steps = [rng.standard_normal(n) for _ in range(pairs)]
    curvature = rng.standard_normal((n, n))
    curvature = curvature @ curvature.T + n * np.eye(n)  # so y · s > 0
    changes = [curvature @ s for s in steps]
    ro = [1 / float(y @ s) for y, s in zip(changes, steps)]
    gamma = 0.7
    h = gamma * np.eye(n)
    for s, y, rho in zip(steps, changes, ro):
        h = (np.eye(n) - rho * np.outer(s, y)) @ h @ (np.eye(n) - rho * np.outer(y, s)) + (
            rho * np.outer(s, s))
    direction = _two_loop(g, changes, steps, ro, gamma, [None] * pairs)
    np.testing.assert_allclose(direction, -h @ g, rtol=1e-9, atol=1e-12)


# -- the strong Wolfe line search -------------------------------------------------------------


def test_cubic_minimum_of_a_cubic_is_its_local_minimum() -> None:
    # φ(t) = t³ - 3t: minimum at t = 1; the interpolant through any two points is φ itself
    def trial(t: float) -> _Trial:
        return _Trial(t, t**3 - 3 * t, np.zeros(1), 3 * t**2 - 3)

    assert cubic_minimum(trial(0.0), trial(2.0)) == pytest.approx(1.0)
    assert cubic_minimum(trial(2.0), trial(0.5)) == pytest.approx(1.0)
    assert cubic_minimum(trial(0.0), trial(2.0), bounds=(1.5, 3.0)) == 1.5  # clamped


def test_cubic_minimum_without_a_minimum_is_the_middle_of_the_bounds() -> None:
    # slopes 2 and 2, values 0 and 4/3 a unit apart: d₁ = 2 + 2 - 3 · 4/3 = 0 and
    # d₁² - φ'₁φ'₂ = -4 < 0, so the cubic's derivative has no real root
    a, b = _Trial(0.0, 0.0, np.zeros(1), 2.0), _Trial(1.0, 4 / 3, np.zeros(1), 2.0)
    assert cubic_minimum(a, b, bounds=(0.0, 4.0)) == 2.0


@pytest.mark.parametrize("first_step", [1e-3, 0.3, 1.0, 5.0])
def test_strong_wolfe_returns_a_step_that_satisfies_both_conditions(first_step: float) -> None:
    # f(x) = x⁴/4 - x, from x = 0 along d = 1: φ(t) = t⁴/4 - t, φ'(t) = t³ - 1
    def evaluate(t: float) -> tuple[float, np.ndarray]:
        return t**4 / 4 - t, np.array([t**3 - 1])

    d = np.array([1.0])
    loss, grad, t, evaluations = strong_wolfe(evaluate, d, first_step, 0.0, np.array([-1.0]),
                                              -1.0)
    assert loss <= 0.0 + 1e-4 * t * -1.0  # sufficient decrease
    assert abs(float(grad @ d)) <= 0.9 * 1.0  # curvature
    assert (loss, grad[0]) == (evaluate(t)[0], evaluate(t)[1][0])
    assert evaluations >= 1


def test_strong_wolfe_out_of_evaluations_keeps_the_better_end() -> None:
    # every trial raises the loss, and max_ls = 0 leaves no room to zoom: stay at t = 0
    def evaluate(t: float) -> tuple[float, np.ndarray]:
        return 1.0 + t, np.array([-1.0])

    loss, _, t, evaluations = strong_wolfe(evaluate, np.array([1.0]), 1.0, 0.5,
                                           np.array([-1.0]), -1.0, max_ls=0)
    assert (loss, t, evaluations) == (0.5, 0.0, 1)


# -- parameters, gradients and arguments ------------------------------------------------------


def test_a_parameter_without_gradient_counts_as_zero_and_stays_put() -> None:
    w = tm.tensor([0.0, 0.0], requires_grad=True)
    unused = tm.tensor([3.0], requires_grad=True)
    optimizer = LBFGS([w, unused])

    def closure() -> tm.Tensor:
        optimizer.zero_grad()
        loss = ((w - 1.0) * (w - 1.0)).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    assert unused.grad is None
    np.testing.assert_array_equal(unused.data, [3.0])
    np.testing.assert_allclose(w.data, [1.0, 1.0], atol=1e-6)
    assert optimizer.state[w]["d"].shape == (3,)


def test_moves_write_into_the_parameters_own_arrays_and_bump_their_versions() -> None:
    w, optimizer, closure = quadratic_setup([0.0, 0.0], max_iter=3,
                                            line_search_fn="strong_wolfe")
    array = w.data
    optimizer.step(closure)
    assert w.data is array
    assert w._version > 0


def test_the_defaults_are_pytorchs_with_max_eval_five_quarters_of_max_iter() -> None:
    w = tm.tensor([1.0], requires_grad=True)
    group = LBFGS([w]).param_groups[0]
    assert {k: v for k, v in group.items() if k != "params"} == {
        "lr": 1, "max_iter": 20, "max_eval": 25, "tolerance_grad": 1e-7,
        "tolerance_change": 1e-9, "history_size": 100, "line_search_fn": None}
    assert LBFGS([w], 0.5, 7).param_groups[0]["max_eval"] == 8


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"lr": -1.0}, ValueError, r"LBFGS: lr must be non-negative, got -1\.0"),
        ({"max_iter": 0}, ValueError, r"LBFGS: max_iter must be a positive int, got 0"),
        ({"max_iter": 2.5}, TypeError, r"LBFGS: max_iter must be a positive int, got 2\.5"),
        ({"max_eval": 0}, ValueError, r"LBFGS: max_eval must be a positive int, got 0"),
        ({"tolerance_grad": -1e-7}, ValueError,
         r"LBFGS: tolerance_grad must be non-negative, got -1e-07"),
        ({"tolerance_change": "small"}, TypeError,
         r"LBFGS: tolerance_change must be a real number, got 'small'"),
        ({"history_size": 0}, ValueError, r"LBFGS: history_size must be a positive int, got 0"),
        ({"line_search_fn": "wolfe"}, ValueError,
         r"LBFGS: line_search_fn must be None or 'strong_wolfe', got 'wolfe'"),
    ],
)
def test_bad_argument_raises_naming_the_class_argument_and_value(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=f"^{message}$"):
        LBFGS([tm.tensor([1.0], requires_grad=True)], **options)


def test_one_param_group_only() -> None:
    a, b = tm.tensor([1.0], requires_grad=True), tm.tensor([2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"^LBFGS: takes one param group"):
        LBFGS([{"params": [a]}, {"params": [b]}])
    optimizer = LBFGS([a])
    with pytest.raises(ValueError, match=r"^LBFGS\.add_param_group: LBFGS takes one"):
        optimizer.add_param_group({"params": [b]})
    assert len(optimizer.param_groups) == 1


def test_step_without_a_closure_raises_and_changes_nothing() -> None:
    w = tm.tensor([1.0], requires_grad=True)
    w.grad = tm.tensor([1.0])
    optimizer = LBFGS([w])
    with pytest.raises(TypeError, match=r"^LBFGS\.step: needs a closure"):
        optimizer.step()
    assert w.item() == 1.0 and not optimizer.state


def test_a_setting_made_invalid_by_hand_is_refused_before_any_move() -> None:
    w, optimizer, closure = quadratic_setup([0.0, 0.0])
    optimizer.param_groups[0]["history_size"] = 0
    with pytest.raises(ValueError, match=r"LBFGS\.step: param group 0: history_size must be"):
        optimizer.step(closure)
    assert w._version == 0


# -- saving and restoring -----------------------------------------------------------------


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_a_state_dict_saved_mid_run_continues_exactly_as_the_original(
    line_search_fn: str | None, tmp_path: Path
) -> None:
    def setup(start: np.ndarray) -> tuple[tm.Tensor, LBFGS, Callable[[], tm.Tensor]]:
        x = tm.tensor(start, requires_grad=True)
        optimizer = LBFGS([x], max_iter=4, history_size=3, line_search_fn=line_search_fn)

        def closure() -> tm.Tensor:
            optimizer.zero_grad()
            loss = rosenbrock(x)
            loss.backward()
            return loss

        return x, optimizer, closure

    x, optimizer, closure = setup(ROSENBROCK_START)
    for _ in range(3):
        optimizer.step(closure)
    tm.save({"optimizer": optimizer.state_dict()}, tmp_path / "lbfgs.npz")
    copy_x, restored, copy_closure = setup(x.data.copy())
    restored.load_state_dict(tm.load(tmp_path / "lbfgs.npz")["optimizer"])
    assert restored.state[copy_x]["n_iter"] == optimizer.state[x]["n_iter"] > 3
    for _ in range(3):
        optimizer.step(closure)
        restored.step(copy_closure)
    np.testing.assert_array_equal(copy_x.data, x.data)


def test_state_dict_is_a_copy() -> None:
    w, optimizer, closure = quadratic_setup([0.0, 0.0], max_iter=3)
    optimizer.step(closure)
    saved = optimizer.state_dict()
    saved["state"][0]["d"][:] = 0
    saved["state"][0]["old_dirs"].clear()
    assert np.any(optimizer.state[w]["d"]) and optimizer.state[w]["old_dirs"]


@pytest.mark.parametrize(("key", "value", "message"), [
    ("old_dirs", np.ones(2), r"state 'old_dirs' of parameter 0 must be a list, got an array"),
    ("old_stps", [np.ones(3)],
     r"state 'old_stps' of parameter 0 must be a list of 1-D arrays of the parameters' 2 "),
    ("ro", [1.0, "x"], r"state 'ro' of parameter 0 must be a list of real numbers"),
    ("H_diag", [1.0], r"state 'H_diag' of parameter 0 must be a real number, got \[1\.0\]"),
    ("n_iter", -1, r"state 'n_iter' of parameter 0 must be an int >= 0, got -1"),
])
def test_a_malformed_state_is_refused_and_changes_nothing(key: str, value: Any,
                                                          message: str) -> None:
    _, optimizer, closure = quadratic_setup([0.0, 0.0], max_iter=3)
    optimizer.step(closure)
    saved = optimizer.state_dict()
    saved["state"][0][key] = value
    before = copy.deepcopy(optimizer.state_dict())
    with pytest.raises(ValueError, match=rf"^LBFGS\.load_state_dict: {message}"):
        optimizer.load_state_dict(saved)
    assert repr(optimizer.state_dict()) == repr(before)


def test_a_state_dict_from_another_optimizer_is_refused() -> None:
    w = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"has settings LBFGS does not use: 'dampening'"):
        LBFGS([w]).load_state_dict(SGD([w], lr=0.1).state_dict())


def wavy_line(seed: int) -> Callable[[float], tuple[float, np.ndarray]]:
    """φ(t) = q t⁴ - t + Σ aₖ sin(wₖ t + pₖ) (shifted so φ(0) = 0) and its derivative.

    Its ripples make searches that stop at once, extrapolate, rise again while
    extrapolating, and zoom with steps that crowd an end of the interval.
    """
    rng = np.random.default_rng(seed)
    a, w, p = rng.uniform(0.05, 1, 3), rng.uniform(1, 40, 3), rng.uniform(0, 6.3, 3)
    q = rng.uniform(0.01, 1)

    def phi(t: float) -> tuple[float, np.ndarray]:
        value = q * t**4 - t + np.sum(a * np.sin(w * t + p)) - np.sum(a * np.sin(p))
        return float(value), np.array([4 * q * t**3 - 1 + np.sum(a * w * np.cos(w * t + p))])

    return phi


@example(seed=1, first_step=2.0, max_ls=25)  # zooms with insufficient progress
@example(seed=161, first_step=1e-3, max_ls=25)  # the loss rises while extrapolating
@given(seed=st.integers(0, 2**32 - 1), first_step=st.sampled_from([1e-3, 0.05, 0.5, 2.0]),
       max_ls=st.sampled_from([1, 3, 25]))
def test_strong_wolfe_matches_torchs_line_search_trial_for_trial(
    seed: int, first_step: float, max_ls: int
) -> None:
    torch = pytest.importorskip("torch")
    from torch.optim.lbfgs import _strong_wolfe  # the reference, private to PyTorch

    phi = wavy_line(seed)
    f, g = phi(0.0)
    d = np.array([1.0]) if g[0] < 0 else np.array([-1.0])  # downhill
    ours = strong_wolfe(lambda t: phi(float(t * d[0])), d, first_step, f, g,
                        float(g @ d), max_ls=max_ls)

    def theirs_at(x0: Any, t: Any, direction: Any) -> tuple[float, Any]:
        value, grad = phi(float(t) * float(direction[0]))
        return value, torch.tensor(grad)

    theirs = _strong_wolfe(theirs_at, None, first_step, torch.tensor(d), f, torch.tensor(g),
                           torch.tensor(g @ d), max_ls=max_ls)
    assert ours[3] == theirs[3]  # the same number of evaluations
    np.testing.assert_allclose([ours[0], ours[2]], [float(theirs[0]), float(theirs[2])],
                               rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(ours[1], theirs[1].numpy(), rtol=1e-10, atol=1e-14)
