"""Rprop: each weight keeps its own step size, grown or shrunk by the sign of its gradient."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from tinygrad_mlp.optim._arguments import check_bool, check_non_negative, check_pair
from tinygrad_mlp.optim.optimizer import (
    Optimizer,
    ParamGroup,
    Params,
    StateKind,
    effective_gradient,
)


class Rprop(Optimizer):
    """Resilient backpropagation (Riedmiller & Braun, 1993) with PyTorch's update rule.

    Only the sign of each gradient entry is used. With g the gradient (negated
    when ``maximize``), g' the one remembered from the previous step and
    (η₋, η₊) = ``etas``, (Δmin, Δmax) = ``step_sizes``, one step is::

        η = η₊ if g · g' > 0,  η₋ if g · g' < 0,  1 if g · g' = 0
        Δ = clamp(η · Δ, Δmin, Δmax)                       Δ₀ = lr
        g = 0 where η = η₋                 a sign change: skip this entry once
        p = p - sign(g) · Δ
        g' = g

    so a weight whose gradient keeps its sign speeds up, and one that
    overshot (its gradient changed sign) slows down and waits a step. ``lr``
    is read once, as each weight's first step size. The state is ``state[p]``
    with keys ``"step"``, ``"prev"`` (g') and ``"step_size"`` (Δ).

    Args:
        params: the tensors to optimize, or param-group dicts.
        lr: the first step size of every weight (>= 0; 1e-2 by default).
        etas: (η₋, η₊), the factors that shrink and grow a step size, with
            0 < η₋ < 1 < η₊.
        step_sizes: (Δmin, Δmax), the bounds of every step size, with
            0 <= Δmin <= Δmax.
        maximize: climb the objective instead of descending it (keyword only).

    Example:
        >>> import tinygrad_mlp as tm
        >>> w = tm.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = Rprop([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> optimizer.step()  # each weight moves by lr against its gradient's sign
        >>> w
        tensor([ 0.9, -1.9], requires_grad=True)
    """

    state_kinds: ClassVar[dict[str, StateKind]] = {
        "step": "count", "prev": "array", "step_size": "array",
    }

    def __init__(
        self,
        params: Params,
        lr: float = 1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50),
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "maximize": maximize}
        super().__init__(params, defaults)

    def check_hyperparameters(self, group: Mapping[str, Any]) -> None:
        """Raise ValueError (or TypeError) for an out-of-range Rprop hyper-parameter."""
        where = type(self).__name__
        check_non_negative(where, "lr", group["lr"])
        shrink, grow = check_pair(where, "etas", group["etas"], "(etaminus, etaplus)")
        if not 0 < shrink < 1 < grow:
            raise ValueError(f"{where}: etas must satisfy 0 < etaminus < 1 < etaplus, "
                             f"got {tuple(group['etas'])}")
        # PyTorch does not check step_sizes; a negative or inverted pair gives steps
        # against the gradient.
        smallest, largest = check_pair(where, "step_sizes", group["step_sizes"],
                                       "(min_step, max_step)")
        if not 0 <= smallest <= largest:
            raise ValueError(f"{where}: step_sizes must satisfy 0 <= min_step <= max_step, "
                             f"got {tuple(group['step_sizes'])}")
        check_bool(where, "maximize", group["maximize"])

    def update_group(self, group: ParamGroup) -> None:
        """Take one Rprop step for the parameters of ``group`` that have a gradient."""
        lr = float(group["lr"])
        shrink, grow = (float(eta) for eta in group["etas"])
        smallest, largest = (float(size) for size in group["step_sizes"])
        maximize = group["maximize"]
        for p in group["params"]:
            if p._grad is None:
                continue
            g = effective_gradient(p, 0.0, maximize).copy()  # written to below
            state = self.state.get(p)
            if state is None:
                state = self.state[p] = {"step": 0, "prev": np.zeros_like(p.data),
                                         "step_size": np.full_like(p.data, lr)}
            state["step"] += 1
            agreement = np.sign(g * state["prev"])
            factor = np.where(agreement > 0, grow, np.where(agreement < 0, shrink, 1.0))
            step_size = state["step_size"]
            step_size *= factor.astype(step_size.dtype, copy=False)
            np.clip(step_size, smallest, largest, out=step_size)
            g[agreement < 0] = 0
            p.data -= np.sign(g) * step_size
            state["prev"][...] = g
