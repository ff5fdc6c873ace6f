"""NAdam: Adam with Nesterov momentum, looking one step ahead along the running mean."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from tinygrad_mlp.optim._arguments import check_adam_family, check_non_negative
from tinygrad_mlp.optim.adam import update_moments
from tinygrad_mlp.optim.optimizer import (
    Optimizer,
    ParamGroup,
    Params,
    StateKind,
    effective_gradient,
    split_weight_decay,
)


class NAdam(Optimizer):
    """NAdam (Dozat, 2016) with PyTorch's update rule and momentum schedule.

    With g the gradient (negated when ``maximize``) plus ``weight_decay · p``,
    and t the number of steps this parameter has taken, one step is::

        μₜ = beta1 · (1 - 0.5 · 0.96^(t · momentum_decay))   the momentum schedule
        Πₜ = μ₁ · μ₂ · … · μₜ                               (Π₀ = 1)
        m = beta1 · m + (1 - beta1) · g           running mean of g    (m₀ = 0)
        v = beta2 · v + (1 - beta2) · g²          running mean of g²   (v₀ = 0)
        d = √(v / (1 - beta2ᵗ)) + eps
        p = p - lr · (1 - μₜ) / (1 - Πₜ) · g / d
              - lr · μₜ₊₁ / (1 - Πₜ · μₜ₊₁) · m / d

    Adam steps along the bias-corrected m; NAdam mixes in the current g and
    corrects m with the *next* step's momentum factor, the Nesterov look-ahead.
    μₜ warms up from beta1 / 2 towards beta1 as t grows. ``eps`` is added
    after the square root. With ``decoupled_weight_decay`` (NAdamW) the decay
    shrinks p by (1 - lr · weight_decay) before the step instead of joining
    g. The state is ``state[p]`` with keys ``"step"``, ``"mu_product"`` (Πₜ,
    a number), ``"exp_avg"`` (m) and ``"exp_avg_sq"`` (v).

    Args:
        params: the tensors to optimize, or param-group dicts.
        lr: the learning rate (>= 0; 2e-3 by default, as in PyTorch).
        betas: the decay rates (beta1, beta2) of m and v, each in [0, 1).
        eps: added to the root of v̂ to keep the division finite (>= 0).
        weight_decay: the weight decay coefficient (>= 0).
        momentum_decay: ψ, how fast μₜ approaches beta1 (>= 0; 4e-3 by default).
        decoupled_weight_decay: shrink p before the step instead of adding
            weight_decay · p to g.
        maximize: climb the objective instead of descending it (keyword only).

    Example:
        >>> import tinygrad_mlp as tm
        >>> w = tm.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = NAdam([w], lr=0.1, betas=(0.0, 0.999), eps=0.0)
        >>> (w * w).sum().backward()
        >>> optimizer.step()  # beta1 = 0: every μ is 0, and the step is Adam's first
        >>> w
        tensor([ 0.9, -1.9], requires_grad=True)
    """

    state_kinds: ClassVar[dict[str, StateKind]] = {
        "step": "count", "mu_product": "number", "exp_avg": "array", "exp_avg_sq": "array",
    }

    def __init__(
        self,
        params: Params,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum_decay": momentum_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def check_hyperparameters(self, group: Mapping[str, Any]) -> None:
        """Raise ValueError (or TypeError) for an out-of-range NAdam hyper-parameter."""
        check_adam_family(type(self).__name__, group)
        check_non_negative(type(self).__name__, "momentum_decay", group["momentum_decay"])

    def update_group(self, group: ParamGroup) -> None:
        """Take one NAdam step for the parameters of ``group`` that have a gradient."""
        lr = float(group["lr"])
        beta1, beta2 = (float(beta) for beta in group["betas"])
        eps = float(group["eps"])
        weight_decay = float(group["weight_decay"])
        momentum_decay = float(group["momentum_decay"])
        maximize = group["maximize"]
        shrink, coupled = split_weight_decay(lr, weight_decay, group["decoupled_weight_decay"])

        def momentum_at(t: int) -> float:
            return beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))

        for p in group["params"]:
            if p._grad is None:
                continue
            if shrink != 1:
                p.data *= shrink  # through the setter: an in-place change, counted
            g = effective_gradient(p, coupled, maximize)
            state = self.state_for(p, ("exp_avg", "exp_avg_sq"), mu_product=1.0)
            state["step"] += 1
            step = state["step"]
            mu, mu_next = momentum_at(step), momentum_at(step + 1)
            state["mu_product"] *= mu
            mu_product = state["mu_product"]
            m, v = state["exp_avg"], state["exp_avg_sq"]
            scratch = update_moments(m, v, g, beta1, beta2)
            np.divide(v, 1 - beta2**step, out=scratch)
            np.sqrt(scratch, out=scratch)
            scratch += eps
            # A new array for the g term: g may be p.grad's own, not to be written.
            step_along_g = np.divide(g, scratch, out=np.empty_like(scratch))
            step_along_g *= lr * (1 - mu) / (1 - mu_product)
            np.divide(m, scratch, out=scratch)
            scratch *= lr * mu_next / (1 - mu_product * mu_next)
            scratch += step_along_g
            p.data -= scratch

