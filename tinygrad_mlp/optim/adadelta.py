"""Adadelta: steps sized by the ratio of running root-mean-squares of past steps and gradients."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from tinygrad_mlp.optim._arguments import check_bool, check_in_interval, check_non_negative
from tinygrad_mlp.optim.optimizer import (
    Optimizer,
    ParamGroup,
    Params,
    StateKind,
    effective_gradient,
)


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012) with PyTorch's update rule.

    With g the gradient (negated when ``maximize``) plus ``weight_decay · p``,
    one step is::

        v = rho · v + (1 - rho) · g²              running mean of g²    (v₀ = 0)
        Δ = √(u + eps) / √(v + eps) · g           the step, before lr
        u = rho · u + (1 - rho) · Δ²              running mean of Δ²    (u₀ = 0)
        p = p - lr · Δ

    The ratio of root-mean-squares gives Δ the units of p (Zeiler's "unit
    correction"), so the paper's rule needs no learning rate: PyTorch keeps
    ``lr`` as a plain multiplier, 1 by default. ``eps`` is added inside both
    square roots; it also sets the size of the first steps, where u = 0:
    about √eps · sign(g). The state is ``state[p]`` with keys ``"step"``,
    ``"square_avg"`` (v) and ``"acc_delta"`` (u).

    Args:
        params: the tensors to optimize, or param-group dicts.
        lr: the multiplier of Δ (>= 0; 1 by default, as in PyTorch).
        rho: the decay rate of both running means, in [0, 1].
        eps: added inside both square roots (>= 0; 1e-6 by default).
        weight_decay: the L2 penalty's coefficient (>= 0), added to the gradient.
        maximize: climb the objective instead of descending it (keyword only).

    The arguments come in PyTorch's order, so ``Adadelta(params, 1.0, 0.95,
    1e-6, 1e-4)`` means the same in both.

    Example:
        >>> import tinygrad_mlp as tm
        >>> w = tm.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = Adadelta([w], lr=1.0, rho=0.0, eps=0.01)
        >>> (w * w).sum().backward()
        >>> optimizer.step()  # Δ = √eps · g / |g| to within eps/g²: 0.1 · sign(g)
        >>> w.detach().round(decimals=3)
        tensor([ 0.9, -1.9])
    """

    state_kinds: ClassVar[dict[str, StateKind]] = {
        "step": "count", "square_avg": "array", "acc_delta": "array",
    }

    def __init__(
        self,
        params: Params,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def check_hyperparameters(self, group: Mapping[str, Any]) -> None:
        """Raise ValueError (or TypeError) for an out-of-range Adadelta hyper-parameter."""
        where = type(self).__name__
        check_non_negative(where, "lr", group["lr"])
        check_in_interval(where, "rho", group["rho"], 0, 1, True)
        check_non_negative(where, "eps", group["eps"])
        check_non_negative(where, "weight_decay", group["weight_decay"])
        check_bool(where, "maximize", group["maximize"])

    def update_group(self, group: ParamGroup) -> None:
        """Take one Adadelta step for the parameters of ``group`` that have a gradient."""
        lr = float(group["lr"])
        rho = float(group["rho"])
        eps = float(group["eps"])
        weight_decay = float(group["weight_decay"])
        maximize = group["maximize"]
        for p in group["params"]:
            if p._grad is None:
                continue
            g = effective_gradient(p, weight_decay, maximize)
            state = self.state_for(p, ("square_avg", "acc_delta"))
            state["step"] += 1
            v, u = state["square_avg"], state["acc_delta"]
            # In place, through two scratch arrays, as Adam's step is.
            scratch = np.multiply(g, g, out=np.empty_like(v))
            scratch *= 1 - rho
            v *= rho
            v += scratch
            np.add(v, eps, out=scratch)
            np.sqrt(scratch, out=scratch)
            delta = np.add(u, eps, out=np.empty_like(u))
            np.sqrt(delta, out=delta)
            delta /= scratch
            delta *= g
            np.multiply(delta, delta, out=scratch)
            scratch *= 1 - rho
            u *= rho
            u += scratch
            delta *= lr
            p.data -= delta
