"""A line search for the strong Wolfe conditions, by cubic interpolation, as LBFGS uses it.

Along a descent direction d from x, with φ(t) = f(x + t·d) and φ'(t) = ∇f(x + t·d) · d,
a step t satisfies the strong Wolfe conditions when::

    φ(t) <= φ(0) + c1 · t · φ'(0)          sufficient decrease (Armijo)
    |φ'(t)| <= c2 · |φ'(0)|                 the slope has flattened (strong curvature)

``strong_wolfe`` finds one in two phases (Nocedal & Wright, *Numerical
Optimization*, Algorithms 3.5 and 3.6): *bracketing* tries larger and larger
steps until an interval must contain such a t (the loss rose, or the slope
turned upward); *zoom* then shrinks that interval, each trial step the
minimum of the cubic that matches φ and φ' at its two ends. The constants,
safeguards and bookkeeping follow PyTorch's ``torch.optim.lbfgs`` (itself
after Schmidt's minFunc), so that LBFGS takes the same steps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

Array = NDArray[Any]
#: φ at a step t: the loss and the flat gradient at x + t·d
Evaluate = Callable[[float], tuple[float, Array]]


class _Trial(NamedTuple):
    """One evaluated step: t, φ(t), the gradient there and φ'(t) = gradient · d."""

    t: float
    f: float
    g: Array
    slope: float


def cubic_minimum(a: _Trial, b: _Trial, bounds: tuple[float, float] | None = None) -> float:
    """The minimiser of the cubic through (a.t, a.f) and (b.t, b.f) with slopes a.slope, b.slope.

    Clamped to ``bounds`` (by default the interval between a.t and b.t); when
    the cubic has no minimum (its derivative has no real root) the middle of
    the bounds. With x₁ <= x₂ the two points in order::

        d₁ = φ'₁ + φ'₂ - 3 (φ₁ - φ₂) / (x₁ - x₂)
        d₂ = √(d₁² - φ'₁ φ'₂)
        t  = x₂ - (x₂ - x₁) (φ'₂ + d₂ - d₁) / (φ'₂ - φ'₁ + 2 d₂)
    """
    low, high = bounds if bounds is not None else (min(a.t, b.t), max(a.t, b.t))
    first, second = (a, b) if a.t <= b.t else (b, a)
    # numpy floats, so that coinciding points give inf or NaN (as in PyTorch) rather than raising
    with np.errstate(all="ignore"):
        d1 = np.float64(a.slope) + b.slope - 3 * (np.float64(a.f) - b.f) / (
            np.float64(a.t) - b.t)
        d2_square = d1 * d1 - np.float64(a.slope) * b.slope
        if not d2_square >= 0:
            return (low + high) / 2.0
        d2 = np.sqrt(d2_square)
        position = second.t - (second.t - first.t) * (
            (second.slope + d2 - d1) / (second.slope - first.slope + 2 * d2))
    return float(min(max(position, low), high))


def strong_wolfe(
    evaluate: Evaluate,
    d: Array,
    t: float,
    f: float,
    g: Array,
    slope: float,
    c1: float = 1e-4,
    c2: float = 0.9,
    tolerance_change: float = 1e-9,
    max_ls: int = 25,
) -> tuple[float, Array, float, int]:
    """Search along ``d`` for a step that satisfies the strong Wolfe conditions.

    Args:
        evaluate: φ: the loss and flat gradient at x + t·d.
        d: the search direction (a descent direction: ``slope`` < 0).
        t: the first step to try.
        f: the loss at x, φ(0).
        g: the flat gradient at x.
        slope: φ'(0) = g · d.
        c1: the sufficient-decrease constant.
        c2: the curvature constant (c1 < c2 < 1).
        tolerance_change: stop zooming once the interval moves x by less.
        max_ls: the most evaluations after the first.

    Returns:
        (loss, flat gradient, step, number of evaluations) at the step chosen:
        the first that satisfies both conditions, else the lowest loss seen
        in the final interval.
    """
    start = _Trial(0.0, f, g, slope)
    previous = start
    new = _trial(evaluate, t, d)
    evaluations, tries = 1, 0
    bracket: list[_Trial] | None = None
    while tries < max_ls:  # bracketing: grow t until an interval holds a Wolfe step
        if new.f > f + c1 * new.t * slope or (tries > 1 and new.f >= previous.f):
            bracket = [previous, new]
            break
        if abs(new.slope) <= -c2 * slope:
            return new.f, new.g, new.t, evaluations
        if new.slope >= 0:
            bracket = [previous, new]
            break
        # extrapolate: between a little past t and ten times t
        bounds = (new.t + 0.01 * (new.t - previous.t), new.t * 10)
        previous, new = new, _trial(evaluate, cubic_minimum(previous, new, bounds), d)
        evaluations += 1
        tries += 1
    if bracket is None:  # out of evaluations: the better of x and the last trial
        best = start if start.f <= new.f else new
        return best.f, best.g, best.t, evaluations
    zoomed, more = _zoom(evaluate, d, start, bracket, c1, c2, tolerance_change, max_ls - tries)
    return zoomed.f, zoomed.g, zoomed.t, evaluations + more


def _zoom(
    evaluate: Evaluate, d: Array, start: _Trial, bracket: list[_Trial], c1: float, c2: float,
    tolerance_change: float, budget: int,
) -> tuple[_Trial, int]:
    """Shrink ``bracket`` to a strong Wolfe step; return it and the evaluations spent.

    ``low`` indexes the end with the lower loss, which satisfies sufficient
    decrease; the other end, ``high``, keeps the interval on the side where
    the slope says the minimum lies.
    """
    d_norm = float(np.abs(d).max())
    low, high = (0, 1) if bracket[0].f <= bracket[1].f else (1, 0)
    insufficient_progress = False
    evaluations = 0
    while evaluations < budget:
        if abs(bracket[1].t - bracket[0].t) * d_norm < tolerance_change:
            break
        t = cubic_minimum(bracket[0], bracket[1])
        left, right = min(bracket[0].t, bracket[1].t), max(bracket[0].t, bracket[1].t)
        # A step too close to an end learns little: twice in a row (or outside
        # the interval), move it a tenth of the interval inside.
        margin = 0.1 * (right - left)
        if min(right - t, t - left) < margin:
            if insufficient_progress or t >= right or t <= left:
                t = right - margin if abs(t - right) < abs(t - left) else left + margin
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False
        new = _trial(evaluate, t, d)
        evaluations += 1
        if new.f > start.f + c1 * t * start.slope or new.f >= bracket[low].f:
            bracket[high] = new
            low, high = (0, 1) if bracket[0].f <= bracket[1].f else (1, 0)
            continue
        done = abs(new.slope) <= -c2 * start.slope
        if not done and new.slope * (bracket[high].t - bracket[low].t) >= 0:
            bracket[high] = bracket[low]
        bracket[low] = new
        if done:
            break
    return bracket[low], evaluations


def _trial(evaluate: Evaluate, t: float, d: Array) -> _Trial:
    f, g = evaluate(t)
    return _Trial(t, f, g, float(np.dot(g, d)))


__all__ = ["cubic_minimum", "strong_wolfe"]
