"""Stochastic gradient descent, with optional momentum and Nesterov momentum."""

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
    plain_step,
)


class SGD(Optimizer):
    """Stochastic gradient descent with PyTorch's update rule.

    With g the gradient (negated when ``maximize``) plus ``weight_decay · p``,
    one step is::

        b = g                                     on the first step (a copy of g)
        b = momentum · b + (1 - dampening) · g    on later steps
        d = g + momentum · b   if nesterov,  else  d = b
        p = p - lr · d

    and with ``momentum == 0`` simply ``p = p - lr · g``. The buffer b starts
    as the first gradient, not as zeros, so dampening does not shrink the
    first step. The buffer is ``state[p]["momentum_buffer"]``.

    Args:
        params: the tensors to optimize, or param-group dicts.
        lr: the learning rate (>= 0; 1e-3 by default, as in PyTorch).
        momentum: the momentum factor (>= 0; 0 turns momentum off).
        dampening: how much of the new gradient is left out of the buffer, in [0, 1].
        weight_decay: the L2 penalty's coefficient (>= 0), added to the gradient.
        nesterov: use Nesterov momentum (needs momentum > 0 and dampening == 0).
        maximize: climb the objective instead of descending it (keyword only).

    The arguments come in PyTorch's order, so ``SGD(params, 0.1, 0.9, 0, 1e-4,
    True)`` means the same in both.

    Example:
        >>> import tinygrad_mlp as tm
        >>> w = tm.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = SGD([w], lr=0.1, momentum=0.9)
        >>> (w * w).sum().backward()
        >>> optimizer.step()
        >>> w
        tensor([ 0.8, -1.6], requires_grad=True)
    """

    state_kinds: ClassVar[dict[str, StateKind]] = {"momentum_buffer": "array or None"}

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def check_hyperparameters(self, group: Mapping[str, Any]) -> None:
        """Raise ValueError (or TypeError) for an out-of-range SGD hyper-parameter."""
        where = type(self).__name__
        check_non_negative(where, "lr", group["lr"])
        momentum = check_non_negative(where, "momentum", group["momentum"])
        dampening = check_in_interval(where, "dampening", group["dampening"], 0, 1, True)
        check_non_negative(where, "weight_decay", group["weight_decay"])
        check_bool(where, "maximize", group["maximize"])
        if check_bool(where, "nesterov", group["nesterov"]) and (momentum <= 0 or dampening != 0):
            raise ValueError(
                f"{where}: nesterov requires momentum > 0 and dampening == 0, got "
                f"momentum={group['momentum']} and dampening={group['dampening']}"
            )

    def update_group(self, group: ParamGroup) -> None:
        """Take one SGD step for the parameters of ``group`` that have a gradient."""
        lr = float(group["lr"])
        if not (group["momentum"] or group["weight_decay"] or group["maximize"]):
            plain_step(group["params"], lr)  # the common case, decided in three reads
            return
        momentum = float(group["momentum"])
        dampening = float(group["dampening"])
        nesterov = group["nesterov"]
        weight_decay = float(group["weight_decay"])
        maximize = group["maximize"]
        for p in group["params"]:
            if p._grad is None:
                continue
            g = effective_gradient(p, weight_decay, maximize)
            if momentum == 0:
                p.data -= lr * g
            else:
                state = self.state.setdefault(p, {})
                buffer = state.get("momentum_buffer")
                if buffer is None:
                    buffer = state["momentum_buffer"] = np.array(g, copy=True)
                else:
                    buffer *= momentum
                    buffer += g if dampening == 0 else (1 - dampening) * g
                if nesterov:
                    # d = g + momentum · b, built in one new array that is then scaled by lr
                    direction = np.multiply(buffer, momentum, out=np.empty_like(buffer))
                    direction += g
                    direction *= lr
                    p.data -= direction
                else:
                    p.data -= lr * buffer
