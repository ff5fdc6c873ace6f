"""ASGD: SGD with a decaying step, and a running average of the weights it visits."""

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


class ASGD(Optimizer):
    """Averaged SGD (Polyak & Juditsky, 1992; Bottou's decay schedule) with PyTorch's rule.

    With g the gradient (negated when ``maximize``) plus ``weight_decay · p``,
    and t the number of steps this parameter has taken, one step is::

        p  = (1 - lambd · η) · p - η · g             η₀ = lr
        ax = ax + μ · (p - ax)                       ax₀ = 0, μ₀ = 1
        η  = lr / (1 + lambd · lr · t)^alpha         for the next step
        μ  = 1 / max(1, t - t0)

    The step η decays as t^-alpha; ``ax`` follows p exactly (μ = 1) for the
    first t0 + 2 steps and is then the mean of the weights from step t0 + 2 on,
    which converges faster than p itself on noisy problems. The parameters
    stay the SGD iterates: copy ``ax`` into them to evaluate the average. The
    state is ``state[p]`` with keys ``"step"`` (t), ``"eta"`` (η), ``"mu"``
    (μ) and ``"ax"``.

    Args:
        params: the tensors to optimize, or param-group dicts.
        lr: the learning rate (>= 0; 1e-2 by default, as in PyTorch).
        lambd: the decay term's coefficient (>= 0; 1e-4 by default).
        alpha: the power of the step's decay (>= 0; 0.75 by default).
        t0: the step after which averaging starts (>= 0; 1e6 by default).
        weight_decay: the L2 penalty's coefficient (>= 0), added to the gradient.
        maximize: climb the objective instead of descending it (keyword only).

    The first five arguments come in PyTorch's order, so ``ASGD(params, 0.1,
    1e-4, 0.75, 10)`` means the same in both.

    Example:
        >>> import tinygrad_mlp as tm
        >>> w = tm.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = ASGD([w], lr=0.1, lambd=0.0)
        >>> (w * w).sum().backward()
        >>> optimizer.step()  # plain SGD: p - 0.1 · 2p
        >>> w
        tensor([ 0.8, -1.6], requires_grad=True)
    """

    state_kinds: ClassVar[dict[str, StateKind]] = {
        "step": "count", "eta": "number", "mu": "number", "ax": "array",
    }

    def __init__(
        self,
        params: Params,
        lr: float = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "lambd": lambd,
            "alpha": alpha,
            "t0": t0,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def check_hyperparameters(self, group: Mapping[str, Any]) -> None:
        """Raise ValueError (or TypeError) for an out-of-range ASGD hyper-parameter."""
        where = type(self).__name__
        check_non_negative(where, "lr", group["lr"])
        # PyTorch checks only lr and weight_decay; a negative lambd can make
        # 1 + lambd · lr · t negative, and its power NaN.
        check_non_negative(where, "lambd", group["lambd"])
        check_non_negative(where, "alpha", group["alpha"])
        check_non_negative(where, "t0", group["t0"])
        check_non_negative(where, "weight_decay", group["weight_decay"])
        check_bool(where, "maximize", group["maximize"])

    def update_group(self, group: ParamGroup) -> None:
        """Take one ASGD step for the parameters of ``group`` that have a gradient."""
        lr = float(group["lr"])
        lambd = float(group["lambd"])
        alpha = float(group["alpha"])
        t0 = float(group["t0"])
        weight_decay = float(group["weight_decay"])
        maximize = group["maximize"]
        for p in group["params"]:
            if p._grad is None:
                continue
            g = effective_gradient(p, weight_decay, maximize)
            state = self.state.get(p)
            if state is None:
                state = self.state[p] = {"step": 0, "eta": lr, "mu": 1.0,
                                         "ax": np.zeros_like(p.data)}
            state["step"] += 1
            eta, mu = float(state["eta"]), float(state["mu"])
            data = p.data
            data *= 1 - lambd * eta  # in place; the next line counts the change, once
            p.data -= eta * g
            ax = state["ax"]
            if mu == 1:
                ax[...] = p.data
            else:
                ax += (p.data - ax) * mu
            step = state["step"]
            state["eta"] = lr / (1 + lambd * lr * step) ** alpha
            state["mu"] = 1 / max(1.0, step - t0)
