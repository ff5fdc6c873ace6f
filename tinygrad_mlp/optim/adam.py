"""Adam: per-weight step sizes from running averages of the gradient and its square."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from tinygrad_mlp.optim._arguments import check_adam_family, check_bool
from tinygrad_mlp.optim.optimizer import (
    Array,
    Optimizer,
    ParamGroup,
    Params,
    StateKind,
    effective_gradient,
    split_weight_decay,
)


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with PyTorch's update rule.

    With g the gradient (negated when ``maximize``) plus ``weight_decay · p``,
    and t the number of steps this parameter has taken, one step is::

        m = beta1 · m + (1 - beta1) · g           running mean of g    (m₀ = 0)
        v = beta2 · v + (1 - beta2) · g²          running mean of g²   (v₀ = 0)
        m̂ = m / (1 - beta1ᵗ),  v̂ = v / (1 - beta2ᵗ)    undo the pull towards 0
        p = p - lr · m̂ / (√v̂ + eps)

    so each weight moves by about ``lr`` while its gradient keeps its sign,
    whatever the gradient's scale. ``eps`` is added after the square root.
    With ``amsgrad``, v̂ uses the largest v seen so far, so a step size
    never grows back. The state is ``state[p]`` with keys ``"step"``,
    ``"exp_avg"`` (m), ``"exp_avg_sq"`` (v) and ``"max_exp_avg_sq"``.

    Args:
        params: the tensors to optimize, or param-group dicts.
        lr: the learning rate (>= 0).
        betas: the decay rates (beta1, beta2) of m and v, each in [0, 1).
        eps: added to √v̂ to keep the division finite (>= 0).
        weight_decay: the L2 penalty's coefficient (>= 0), added to the
            gradient (coupled), or, with ``decoupled_weight_decay``, AdamW's.
        amsgrad: use the maximum of v over the steps so far.
        maximize: climb the objective instead of descending it.
        decoupled_weight_decay: shrink p by (1 - lr · weight_decay) before the
            step instead of adding the penalty to g: ``AdamW``, as in PyTorch.

    Example:
        >>> import tinygrad_mlp as tm
        >>> w = tm.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = Adam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> optimizer.step()
        >>> w
        tensor([ 0.9, -1.9], requires_grad=True)
    """

    state_kinds: ClassVar[dict[str, StateKind]] = {
        "step": "count", "exp_avg": "array", "exp_avg_sq": "array",
        "max_exp_avg_sq": "array or None",
    }

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def check_hyperparameters(self, group: Mapping[str, Any]) -> None:
        """Raise ValueError (or TypeError) for an out-of-range Adam hyper-parameter."""
        check_adam_family(type(self).__name__, group)
        check_bool(type(self).__name__, "amsgrad", group["amsgrad"])

    def update_group(self, group: ParamGroup) -> None:
        """Take one Adam step for the parameters of ``group`` that have a gradient."""
        lr = float(group["lr"])
        beta1, beta2 = (float(beta) for beta in group["betas"])
        eps = float(group["eps"])
        weight_decay = float(group["weight_decay"])
        amsgrad = group["amsgrad"]
        maximize = group["maximize"]
        shrink, coupled = split_weight_decay(lr, weight_decay, group["decoupled_weight_decay"])
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
            if amsgrad:
                v_max = state.get("max_exp_avg_sq")
                if v_max is None:
                    v_max = state["max_exp_avg_sq"] = np.zeros_like(v)
                np.maximum(v_max, v, out=v_max)
                v = v_max
            # lr · m̂ / (√v̂ + eps) with m̂ = m / c1, √v̂ = √v / c2, written as
            # (lr · c2 / c1) · m / (√v + eps · c2): the same number, one pass fewer.
            c1 = 1 - beta1**step
            c2 = math.sqrt(1 - beta2**step)
            np.sqrt(v, out=scratch)
            scratch += eps * c2
            np.divide(m, scratch, out=scratch)
            scratch *= lr * c2 / c1
            p.data -= scratch


def update_moments(m: Array, v: Array, g: Array, beta1: float, beta2: float) -> Array:
    """Update Adam's running means in place: m = beta1 · m + (1 - beta1) · g, v likewise of g².

    Shared by Adam, NAdam and RAdam, whose steps start the same way.

    Returns:
        A scratch array of m's shape and dtype, free for the rest of the step
        (these run every training step, so the step reuses it rather than
        allocating more).
    """
    scratch = np.multiply(g, 1 - beta1, out=np.empty_like(m))
    m *= beta1
    m += scratch
    np.multiply(g, g, out=scratch)
    scratch *= 1 - beta2
    v *= beta2
    v += scratch
    return scratch


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019), PyTorch's ``AdamW``.

    Before each Adam step (taken with the plain gradient, see ``Adam``) every
    parameter with a gradient shrinks toward zero on its own::

        p = p · (1 - lr · weight_decay)

    so the decay is not divided by √v̂ as Adam's L2 penalty is: weights with
    large gradients decay as fast as the others. The default decay is 1e-2,
    as in PyTorch, where too AdamW is Adam with ``decoupled_weight_decay=True``
    (so a state dict saved by one loads into the other and keeps its rule).

    Args:
        params: the tensors to optimize, or param-group dicts.
        lr: the step size, as for ``Adam``.
        betas: the running averages' decay rates, as for ``Adam``.
        eps: added to √v̂, as for ``Adam``.
        weight_decay: the decoupled decay coefficient (>= 0).
        amsgrad: as for ``Adam``.
        maximize: as for ``Adam``.

    Example:
        >>> import tinygrad_mlp as tm
        >>> w = tm.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = AdamW([w], lr=0.1, weight_decay=0.5)
        >>> (w * w).sum().backward()
        >>> optimizer.step()
        >>> w
        tensor([ 0.85, -1.8 ], requires_grad=True)
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)
