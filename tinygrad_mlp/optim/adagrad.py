"""Adagrad: divide each weight's step by the root of the sum of all its squared gradients."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from tinygrad_mlp.optim._arguments import check_bool, check_non_negative
from tinygrad_mlp.optim.optimizer import (
    Optimizer,
    ParamGroup,
    Params,
    StateKind,
    effective_gradient,
)


class Adagrad(Optimizer):
    """Adagrad (Duchi, Hazan & Singer, 2011) with PyTorch's update rule.

    With g the gradient (negated when ``maximize``) plus ``weight_decay · p``,
    and t the number of steps this parameter has taken, one step is::

        s = s + g²                                s₀ = initial_accumulator_value
        clr = lr / (1 + (t - 1) · lr_decay)       the decayed learning rate
        p = p - clr · g / (√s + eps)

    s only grows, so every weight's step shrinks over training, fastest for
    the weights whose gradients have been large: rarely active features keep
    large steps. ``eps`` is added after the square root. The state is
    ``state[p]`` with keys ``"step"`` (t) and ``"sum"`` (s).

    Args:
        params: the tensors to optimize, or param-group dicts.
        lr: the learning rate (>= 0; 1e-2 by default, as in PyTorch).
        lr_decay: how fast the learning rate falls with the step count (>= 0).
        weight_decay: the L2 penalty's coefficient (>= 0), added to the gradient.
        initial_accumulator_value: the starting value of every s (>= 0).
        eps: added to √s to keep the division finite (>= 0; 1e-10 by default).
        maximize: climb the objective instead of descending it (keyword only).

    The arguments come in PyTorch's order, so ``Adagrad(params, 0.1, 1e-3, 0,
    0.1)`` means the same in both.

    Example:
        >>> import tinygrad_mlp as tm
        >>> w = tm.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = Adagrad([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> optimizer.step()  # s = g², so each weight moves by lr
        >>> w
        tensor([ 0.9, -1.9], requires_grad=True)
    """

    state_kinds: ClassVar[dict[str, StateKind]] = {"step": "count", "sum": "array"}

    def __init__(
        self,
        params: Params,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "eps": eps,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def check_hyperparameters(self, group: Mapping[str, Any]) -> None:
        """Raise ValueError (or TypeError) for an out-of-range Adagrad hyper-parameter."""
        where = type(self).__name__
        check_non_negative(where, "lr", group["lr"])
        check_non_negative(where, "lr_decay", group["lr_decay"])
        check_non_negative(where, "weight_decay", group["weight_decay"])
        check_non_negative(where, "initial_accumulator_value", group["initial_accumulator_value"])
        check_non_negative(where, "eps", group["eps"])
        check_bool(where, "maximize", group["maximize"])

    def update_group(self, group: ParamGroup) -> None:
        """Take one Adagrad step for the parameters of ``group`` that have a gradient."""
        lr = float(group["lr"])
        lr_decay = float(group["lr_decay"])
        weight_decay = float(group["weight_decay"])
        eps = float(group["eps"])
        start = float(group["initial_accumulator_value"])  # read before any parameter changes
        maximize = group["maximize"]
        for p in group["params"]:
            if p._grad is None:
                continue
            g = effective_gradient(p, weight_decay, maximize)
            state = self.state.get(p)
            if state is None:
                # Made at the first step, from this group's own setting (PyTorch makes
                # it in the constructor, from the constructor's argument).
                state = self.state[p] = {"step": 0, "sum": np.full_like(p.data, start)}
            state["step"] += 1
            decayed_lr = lr / (1 + (state["step"] - 1) * lr_decay)
            total = state["sum"]
            # All in place, through one scratch array, as Adam's step is.
            scratch = np.multiply(g, g, out=np.empty_like(total))
            total += scratch
            np.sqrt(total, out=scratch)
            scratch += eps
            np.divide(g, scratch, out=scratch)
            scratch *= decayed_lr
            p.data -= scratch
