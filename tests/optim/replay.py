"""Drive an optimizer with chosen gradients and record where the parameter goes.

Shared by the optimizer tests: the same gradients go to this package's
optimizer, to a closed-form update written out in the test, and (when it is
installed) to ``torch.optim``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import tinygrad_mlp as tm
from tinygrad_mlp.optim import Optimizer


def replay(
    make_optimizer: Callable[[list[tm.Tensor]], Optimizer],
    start: np.ndarray,
    grads: Sequence[np.ndarray],
) -> list[np.ndarray]:
    """The parameter after each step, starting at ``start`` and fed ``grads`` one by one."""
    param = tm.tensor(start, requires_grad=True)
    optimizer = make_optimizer([param])
    path = []
    for grad in grads:
        param.grad = tm.tensor(grad)
        optimizer.step()
        path.append(param.data.copy())
    return path


def replay_torch(
    torch: Any, make_optimizer: Callable[[list[Any]], Any], start: np.ndarray,
    grads: Sequence[np.ndarray],
) -> list[np.ndarray]:
    """The same as ``replay``, with a ``torch.optim`` optimizer on a torch tensor."""
    param = torch.tensor(start, requires_grad=True)
    optimizer = make_optimizer([param])
    path = []
    for grad in grads:
        param.grad = torch.tensor(grad)
        optimizer.step()
        path.append(param.detach().numpy().copy())
    return path


def minimise_quadratic(optimizer_for: Callable[[list[tm.Tensor]], Optimizer],
                              steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Minimise sum(scale · (w - target)²) from w = 0; return (final w, target)."""
    target = np.array([[1.5, -2.0], [0.5, 3.0]])
    scale = np.array([[1.0, 0.5], [2.0, 0.25]])  # unequal curvatures
    w = tm.zeros(2, 2, requires_grad=True)
    optimizer = optimizer_for([w])
    for _ in range(steps):
        optimizer.zero_grad()
        diff = w - target
        (diff * diff * scale).sum().backward()
        optimizer.step()
    return w.data, target
