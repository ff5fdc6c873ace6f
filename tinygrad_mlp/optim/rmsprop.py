"""RMSprop: divide each weight's step by a running root-mean-square of its gradient."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from tinygrad_mlp.optim._arguments import check_bool, check_in_interval, check_non_negative
from tinygrad_mlp.optim.optimizer import (
    Array,
    Optimizer,
    ParamGroup,
    Params,
    StateKind,
    effective_gradient,
)
from tinygrad_mlp.tensor import Tensor


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture notes; centered: Graves, 2013) with PyTorch's update rule.

    With g the gradient (negated when ``maximize``) plus ``weight_decay · p``,
    one step is::

        v = alpha · v + (1 - alpha) · g²          running mean of g²    (v₀ = 0)
        ḡ = alpha · ḡ + (1 - alpha) · g           if centered: mean of g (ḡ₀ = 0)
        d = g / (√(v - ḡ²) + eps)   if centered,  else  d = g / (√v + eps)
        b = momentum · b + d                      if momentum > 0       (b₀ = 0)
        p = p - lr · b              if momentum > 0,  else  p = p - lr · d

    so a weight whose gradient is large takes proportionally smaller steps.
    ``eps`` is added after the square root, as in PyTorch (TensorFlow adds it
    inside). Centered RMSprop divides by an estimate of the gradient's
    standard deviation instead of its root mean square. Unlike Adam there is
    no bias correction, so the first steps are large: √v starts at
    √(1 - alpha) · |g|. The state is ``state[p]`` with keys ``"step"``,
    ``"square_avg"`` (v), ``"momentum_buffer"`` (b, with momentum) and
    ``"grad_avg"`` (ḡ, when centered).

    Args:
        params: the tensors to optimize, or param-group dicts.
        lr: the learning rate (>= 0; 1e-2 by default, as in PyTorch).
        alpha: the decay rate of the running means, in [0, 1].
        eps: added to the root mean square to keep the division finite (>= 0).
        weight_decay: the L2 penalty's coefficient (>= 0), added to the gradient.
        momentum: the momentum factor (>= 0; 0 turns momentum off).
        centered: divide by the gradient's running standard deviation.
        maximize: climb the objective instead of descending it (keyword only).

    The arguments come in PyTorch's order, so ``RMSprop(params, 0.01, 0.9,
    1e-8, 0, 0.9, True)`` means the same in both.

    Example:
        >>> import tinygrad_mlp as tm
        >>> w = tm.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = RMSprop([w], lr=0.1, alpha=0.75)
        >>> (w * w).sum().backward()
        >>> optimizer.step()  # v = g² / 4, so each weight moves by 2 · lr
        >>> w
        tensor([ 0.8, -1.8], requires_grad=True)
    """

    state_kinds: ClassVar[dict[str, StateKind]] = {
        "step": "count", "square_avg": "array", "momentum_buffer": "array or None",
        "grad_avg": "array or None",
    }

    def __init__(
        self,
        params: Params,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "alpha": alpha,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum": momentum,
            "centered": centered,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def check_hyperparameters(self, group: Mapping[str, Any]) -> None:
        """Raise ValueError (or TypeError) for an out-of-range RMSprop hyper-parameter."""
        where = type(self).__name__
        check_non_negative(where, "lr", group["lr"])
        # PyTorch only refuses alpha < 0; above 1 the weight 1 - alpha of g² is
        # negative, v can fall below 0 and its square root is NaN.
        check_in_interval(where, "alpha", group["alpha"], 0, 1, True)
        check_non_negative(where, "eps", group["eps"])
        check_non_negative(where, "weight_decay", group["weight_decay"])
        check_non_negative(where, "momentum", group["momentum"])
        check_bool(where, "centered", group["centered"])
        check_bool(where, "maximize", group["maximize"])

    def update_group(self, group: ParamGroup) -> None:
        """Take one RMSprop step for the parameters of ``group`` that have a gradient."""
        lr = float(group["lr"])
        alpha = float(group["alpha"])
        eps = float(group["eps"])
        weight_decay = float(group["weight_decay"])
        momentum = float(group["momentum"])
        centered = group["centered"]
        maximize = group["maximize"]
        for p in group["params"]:
            if p._grad is None:
                continue
            g = effective_gradient(p, weight_decay, maximize)
            state = self._state_of(p, momentum > 0, centered)
            state["step"] += 1
            v = state["square_avg"]
            # All in place, through one scratch array, as Adam's step is.
            scratch = np.multiply(g, g, out=np.empty_like(v))
            scratch *= 1 - alpha
            v *= alpha
            v += scratch
            if centered:
                _centered_root_mean_square(v, state["grad_avg"], g, alpha, out=scratch)
            else:
                np.sqrt(v, out=scratch)
            scratch += eps
            np.divide(g, scratch, out=scratch)  # d = g / (√v + eps)
            if momentum > 0:
                buffer = state["momentum_buffer"]
                buffer *= momentum
                buffer += scratch
                np.multiply(buffer, lr, out=scratch)
            else:
                scratch *= lr
            p.data -= scratch

    def _state_of(self, p: Tensor, momentum: bool, centered: bool) -> dict[str, Any]:
        """``state[p]``, with zeroed running means for the options the group has on.

        A buffer missing from an existing state (momentum or centered turned on
        after some steps, or a state dict saved without it) starts at zero
        rather than failing, as it would have on the first step.
        """
        state = self.state.get(p)
        if state is None:
            state = self.state[p] = {"step": 0, "square_avg": np.zeros_like(p.data)}
        if momentum and state.get("momentum_buffer") is None:
            state["momentum_buffer"] = np.zeros_like(p.data)
        if centered and state.get("grad_avg") is None:
            state["grad_avg"] = np.zeros_like(p.data)
        return state


def _centered_root_mean_square(
    square_avg: Array, grad_avg: Array, g: Array, alpha: float, out: Array
) -> None:
    """Update ḡ = alpha · ḡ + (1 - alpha) · g in place and write √(v - ḡ²) into ``out``.

    v - ḡ² is the running variance of g, never negative in exact arithmetic;
    rounding can leave it a hair below zero (at alpha = 0 it is g² - g² = 0),
    so it is clipped at zero where PyTorch's square root would give NaN.
    """
    np.multiply(g, 1 - alpha, out=out)
    grad_avg *= alpha
    grad_avg += out
    np.multiply(grad_avg, grad_avg, out=out)
    np.subtract(square_avg, out, out=out)
    np.maximum(out, 0, out=out)
    np.sqrt(out, out=out)
