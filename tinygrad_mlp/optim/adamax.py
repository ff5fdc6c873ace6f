"""Adamax: Adam with the running root-mean-square replaced by a running maximum of |g|."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from tinygrad_mlp.optim._arguments import check_adam_family
from tinygrad_mlp.optim.optimizer import (
    Optimizer,
    ParamGroup,
    Params,
    StateKind,
    effective_gradient,
)


class Adamax(Optimizer):
    """Adamax (Kingma & Ba, 2015, section 7.1) with PyTorch's update rule.

    With g the gradient (negated when ``maximize``) plus ``weight_decay · p``,
    and t the number of steps this parameter has taken, one step is::

        m = beta1 · m + (1 - beta1) · g           running mean of g    (m₀ = 0)
        u = max(beta2 · u, |g| + eps)             decaying max of |g|  (u₀ = 0)
        p = p - lr / (1 - beta1ᵗ) · m / u

    Adam's v is a running mean of |g|²; letting the power 2 grow to infinity
    gives u, a running maximum, which needs no bias correction. ``eps`` is
    added to |g| inside the maximum, as in PyTorch, so u is never 0. The
    state is ``state[p]`` with keys ``"step"``, ``"exp_avg"`` (m) and
    ``"exp_inf"`` (u).

    Args:
        params: the tensors to optimize, or param-group dicts.
        lr: the learning rate (>= 0; 2e-3 by default, as in PyTorch).
        betas: the decay rates (beta1, beta2) of m and u, each in [0, 1).
        eps: added to |g| to keep the division finite (>= 0).
        weight_decay: the L2 penalty's coefficient (>= 0), added to the gradient.
        maximize: climb the objective instead of descending it (keyword only).

    Example:
        >>> import tinygrad_mlp as tm
        >>> w = tm.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = Adamax([w], lr=0.1, eps=0.0)
        >>> (w * w).sum().backward()
        >>> optimizer.step()  # m / (1 - beta1) = g and u = |g|: a step of lr
        >>> w
        tensor([ 0.9, -1.9], requires_grad=True)
    """

    state_kinds: ClassVar[dict[str, StateKind]] = {
        "step": "count", "exp_avg": "array", "exp_inf": "array",
    }

    def __init__(
        self,
        params: Params,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def check_hyperparameters(self, group: Mapping[str, Any]) -> None:
        """Raise ValueError (or TypeError) for an out-of-range Adamax hyper-parameter."""
        check_adam_family(type(self).__name__, group)

    def update_group(self, group: ParamGroup) -> None:
        """Take one Adamax step for the parameters of ``group`` that have a gradient."""
        lr = float(group["lr"])
        beta1, beta2 = (float(beta) for beta in group["betas"])
        eps = float(group["eps"])
        weight_decay = float(group["weight_decay"])
        maximize = group["maximize"]
        for p in group["params"]:
            if p._grad is None:
                continue
            g = effective_gradient(p, weight_decay, maximize)
            state = self.state_for(p, ("exp_avg", "exp_inf"))
            state["step"] += 1
            m, u = state["exp_avg"], state["exp_inf"]
            # In place, through one scratch array, as Adam's step is.
            scratch = np.multiply(g, 1 - beta1, out=np.empty_like(m))
            m *= beta1
            m += scratch
            np.abs(g, out=scratch)
            scratch += eps
            u *= beta2
            np.maximum(u, scratch, out=u)
            np.divide(m, u, out=scratch)
            scratch *= lr / (1 - beta1 ** state["step"])
            p.data -= scratch
