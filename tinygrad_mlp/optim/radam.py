"""RAdam: Adam whose adaptive step is switched on, and scaled, once v's variance is tractable."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from tinygrad_mlp.optim._arguments import check_adam_family
from tinygrad_mlp.optim.adam import update_moments
from tinygrad_mlp.optim.optimizer import (
    Optimizer,
    ParamGroup,
    Params,
    StateKind,
    effective_gradient,
    split_weight_decay,
)


class RAdam(Optimizer):
    """RAdam, rectified Adam (Liu et al., 2020), with PyTorch's update rule.

    With g the gradient (negated when ``maximize``) plus ``weight_decay · p``,
    and t the number of steps this parameter has taken, one step is::

        m = beta1 · m + (1 - beta1) · g           running mean of g    (m₀ = 0)
        v = beta2 · v + (1 - beta2) · g²          running mean of g²   (v₀ = 0)
        m̂ = m / (1 - beta1ᵗ)
        ρ∞ = 2 / (1 - beta2) - 1,   ρₜ = ρ∞ - 2t · beta2ᵗ / (1 - beta2ᵗ)
        if ρₜ > 5:  r = √((ρₜ - 4)(ρₜ - 2) ρ∞ / ((ρ∞ - 4)(ρ∞ - 2) ρₜ))
                    p = p - lr · m̂ · r · √(1 - beta2ᵗ) / (√v + eps)
        else:       p = p - lr · m̂                momentum SGD

    ρₜ is the length of the simple moving average that v's exponential one
    stands for. While it is short, v says little and Adam's adaptive step
    would have a large variance, so RAdam takes plain momentum steps; after
    that the factor r (rising towards 1) rectifies that variance, a warm-up
    worked out rather than tuned. With the default beta2 = 0.999 the first
    five steps are momentum steps. ``eps`` is added after the square root.
    With ``decoupled_weight_decay`` (RAdamW) the decay shrinks p by
    (1 - lr · weight_decay) before the step instead of joining g. The state
    is ``state[p]`` with keys ``"step"``, ``"exp_avg"`` (m) and
    ``"exp_avg_sq"`` (v).

    Args:
        params: the tensors to optimize, or param-group dicts.
        lr: the learning rate (>= 0).
        betas: the decay rates (beta1, beta2) of m and v, each in [0, 1).
        eps: added to √v to keep the division finite (>= 0).
        weight_decay: the weight decay coefficient (>= 0).
        decoupled_weight_decay: shrink p before the step instead of adding
            weight_decay · p to g.
        maximize: climb the objective instead of descending it (keyword only).

    Example:
        >>> import tinygrad_mlp as tm
        >>> w = tm.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = RAdam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> optimizer.step()  # ρ₁ = 1: a momentum step, with m̂ = g
        >>> w
        tensor([ 0.8, -1.6], requires_grad=True)
    """

    state_kinds: ClassVar[dict[str, StateKind]] = {
        "step": "count", "exp_avg": "array", "exp_avg_sq": "array",
    }

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def check_hyperparameters(self, group: Mapping[str, Any]) -> None:
        """Raise ValueError (or TypeError) for an out-of-range RAdam hyper-parameter."""
        check_adam_family(type(self).__name__, group)

    def update_group(self, group: ParamGroup) -> None:
        """Take one RAdam step for the parameters of ``group`` that have a gradient."""
        lr = float(group["lr"])
        beta1, beta2 = (float(beta) for beta in group["betas"])
        eps = float(group["eps"])
        weight_decay = float(group["weight_decay"])
        maximize = group["maximize"]
        shrink, coupled = split_weight_decay(lr, weight_decay, group["decoupled_weight_decay"])
        rho_inf = 2 / (1 - beta2) - 1
        for p in group["params"]:
            if p._grad is None:
                continue
            if shrink != 1:
                p.data *= shrink  # through the setter: an in-place change, counted
            g = effective_gradient(p, coupled, maximize)
            state = self.state_for(p, ("exp_avg", "exp_avg_sq"))
            state["step"] += 1
            step = state["step"]
            m, v = state["exp_avg"], state["exp_avg_sq"]
            scratch = update_moments(m, v, g, beta1, beta2)
            c1, c2 = 1 - beta1**step, 1 - beta2**step
            rho = rho_inf - 2 * step * beta2**step / c2
            if rho > 5:
                rectifier = math.sqrt((rho - 4) * (rho - 2) * rho_inf
                                      / ((rho_inf - 4) * (rho_inf - 2) * rho))
                np.sqrt(v, out=scratch)
                scratch += eps
                np.divide(m, scratch, out=scratch)
                scratch *= lr * rectifier * math.sqrt(c2) / c1
            else:
                np.multiply(m, lr / c1, out=scratch)
            p.data -= scratch
