"""Learning-rate schedules: set each param group's ``lr`` as a function of the epoch.

Use them as in PyTorch: one ``scheduler.step()`` per epoch, after that
epoch's ``optimizer.step()`` calls::

    optimizer = SGD(model.parameters(), lr=0.1)
    scheduler = StepLR(optimizer, step_size=30, gamma=0.1)
    for epoch in range(100):
        train_one_epoch(model, optimizer)
        scheduler.step()

Creating a scheduler records each group's ``lr`` as ``group["initial_lr"]``
(the base lr) and sets the lr for epoch 0. Every schedule here is computed in
closed form from the base lr and the epoch count (PyTorch's
``_get_closed_form_lr``); the values are PyTorch's. The difference shows only
when something else also changes ``group["lr"]``: PyTorch's schedulers scale
the current lr and so compose, these overwrite it. Resuming is exact: a
scheduler created with ``last_epoch=k``, or given a saved ``state_dict``,
stands where the saved one stood, with its lr (PyTorch's ``StepLR`` and
``CosineAnnealingLR`` created with ``last_epoch`` drift by an epoch).

A param group added with ``optimizer.add_param_group`` after the scheduler
was created joins the schedule at the next ``step``, as in PyTorch: from the
lr it was added with, it is scaled as the other groups are
(``StepLR(step_size=1, gamma=0.5)`` halves it at every step). To stay in
closed form, the scheduler records as its ``initial_lr`` the base lr from
which the schedule reaches that lr at that epoch. (PyTorch's
``CosineAnnealingLR`` fails on such a group once past ``T_max``; this one
carries on.)
"""

from __future__ import annotations

import math
from typing import Any

from tinygrad_mlp.checks import check_int
from tinygrad_mlp.optim._arguments import check_non_negative, check_positive
from tinygrad_mlp.optim.optimizer import Optimizer


class LRScheduler:
    """Base class: sets ``group["lr"] = lr_at(group["initial_lr"], epoch)`` on each step.

    Param groups added to the optimizer later join at the next step, with
    the base lr ``base_lr_reaching`` finds for them.

    Args:
        optimizer: the optimizer whose learning rates to set.
        last_epoch: -1 (the default) starts afresh at epoch 0. To resume,
            pass the ``last_epoch`` of the scheduler you are continuing: this
            one then stands where that one stood, at that epoch with its lr,
            and its next ``step`` moves on as that one's would. The groups
            must already hold ``"initial_lr"`` (an optimizer restored with
            ``load_state_dict`` does).

    Raises:
        TypeError: if ``optimizer`` is not an Optimizer.
        ValueError: when resuming without ``"initial_lr"`` in every group.
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        where = type(self).__name__
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{where}: optimizer must be an Optimizer, got {type(optimizer).__name__}"
            )
        last_epoch = check_int(where, "last_epoch", last_epoch, -1)
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for index, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise ValueError(
                        f"{where}: resuming at last_epoch={last_epoch} needs 'initial_lr' in "
                        f"every param group, and param group {index} has none; start with "
                        "last_epoch=-1, or restore the optimizer's state_dict first"
                    )
        self.optimizer = optimizer
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self._last_lr: list[float] = []
        if last_epoch == -1:
            self.last_epoch = -1
            self.step()
        else:
            self.last_epoch = last_epoch
            self._set_lrs()

    def lr_at(self, base_lr: float, epoch: int) -> float:
        """The learning rate of a group with this base lr at this epoch (each schedule's own)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement lr_at")

    def base_lr_reaching(self, lr: float, epoch: int, index: int) -> float:
        """The base lr from which the schedule reaches ``lr`` at ``epoch``.

        A group added at ``epoch`` with this lr then follows the schedule
        from there on, scaled as PyTorch scales it. Every schedule here is
        affine in the base lr, lr_at(base_lr, epoch) = a + b · base_lr, so
        base_lr = (lr - a) / b.

        Raises:
            ValueError: if no base lr reaches ``lr`` at ``epoch`` (b is 0, as
                at the bottom of a cosine), naming param group ``index``.
        """
        offset = self.lr_at(0.0, epoch)
        slope = self.lr_at(1.0, epoch) - offset
        if slope == 0.0:
            raise ValueError(
                f"{type(self).__name__}: param group {index} was added at epoch {epoch}, where "
                f"the schedule gives lr {offset} whatever the base lr, so it cannot continue "
                f"from the group's lr {lr}; add the group at another epoch"
            )
        base_lr = (lr - offset) / slope
        if not math.isfinite(base_lr):
            raise ValueError(
                f"{type(self).__name__}: param group {index} was added at epoch {epoch}, where "
                f"the schedule has scaled every lr by {slope:.3g}: no finite base lr reaches "
                f"the group's lr {lr}; add the group earlier, or make a new scheduler"
            )
        return base_lr

    def get_lr(self) -> list[float]:
        """The learning rates of the param groups at epoch ``last_epoch``."""
        return [self.lr_at(base_lr, self.last_epoch) for base_lr in self.base_lrs]

    def step(self) -> None:
        """Move on one epoch and set each param group's lr for it.

        Groups added to the optimizer since the last step join the schedule
        first (see ``base_lr_reaching``).
        """
        for index in range(len(self.base_lrs), len(self.optimizer.param_groups)):
            group = self.optimizer.param_groups[index]
            group["initial_lr"] = self.base_lr_reaching(group["lr"], self.last_epoch, index)
            # A new list rather than append: a state_dict taken earlier holds the old one.
            self.base_lrs = [*self.base_lrs, group["initial_lr"]]
        self.last_epoch += 1
        self._set_lrs()

    def _set_lrs(self) -> None:
        """Set each param group's lr for epoch ``last_epoch``."""
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The learning rates the last ``step`` set, one per param group."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's attributes, without the optimizer (which saves itself)."""
        return {key: value for key, value in vars(self).items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore attributes saved by ``state_dict``, and the lrs that scheduler had set.

        The optimizer's groups get those lrs at once, so the epoch after
        resuming trains at the saved schedule's lr, not at the one this
        scheduler was created with.
        """
        vars(self).update(state_dict)
        for group, lr in zip(self.optimizer.param_groups, self._last_lr):
            group["lr"] = lr

    def __repr__(self) -> str:
        settings = ", ".join(
            f"{key}={value!r}" for key, value in vars(self).items()
            if key not in ("optimizer", "base_lrs", "last_epoch", "_last_lr")
        )
        return f"{type(self).__name__}({settings}, last_epoch={self.last_epoch})"


class StepLR(LRScheduler):
    """Multiply the lr by ``gamma`` every ``step_size`` epochs.

    lr(epoch) = base_lr · gamma ^ ⌊epoch / step_size⌋

    Args:
        optimizer: the optimizer whose learning rates to set.
        step_size: the number of epochs between decays (a positive int).
        gamma: the factor applied at each decay (> 0).
        last_epoch: see ``LRScheduler``.
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.step_size = check_int(type(self).__name__, "step_size", step_size, 1)
        self.gamma = check_positive(type(self).__name__, "gamma", gamma)
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        """base_lr · gamma ^ ⌊epoch / step_size⌋."""
        return base_lr * self.gamma ** (epoch // self.step_size)


class ExponentialLR(LRScheduler):
    """Multiply the lr by ``gamma`` every epoch.

    lr(epoch) = base_lr · gamma ^ epoch

    Args:
        optimizer: the optimizer whose learning rates to set.
        gamma: the factor applied each epoch (> 0).
        last_epoch: see ``LRScheduler``.
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = check_positive(type(self).__name__, "gamma", gamma)
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        """base_lr · gamma ^ epoch."""
        return base_lr * self.gamma**epoch


class CosineAnnealingLR(LRScheduler):
    """Lower the lr from base_lr to ``eta_min`` along half a cosine over ``T_max`` epochs.

    lr(epoch) = eta_min + (base_lr - eta_min) · (1 + cos(π · epoch / T_max)) / 2

    (Loshchilov & Hutter, SGDR, without the restarts.) Past ``T_max`` the
    cosine carries on, so the lr climbs back to base_lr at 2 · T_max, as in
    PyTorch.

    Args:
        optimizer: the optimizer whose learning rates to set.
        T_max: the number of epochs from base_lr down to eta_min (a positive int).
        eta_min: the lowest learning rate (>= 0).
        last_epoch: see ``LRScheduler``.
    """

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        self.T_max = check_int(type(self).__name__, "T_max", T_max, 1)
        self.eta_min = check_non_negative(type(self).__name__, "eta_min", eta_min)
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        """eta_min + (base_lr - eta_min) · (1 + cos(π · epoch / T_max)) / 2."""
        cosine = math.cos(math.pi * epoch / self.T_max)
        return self.eta_min + (base_lr - self.eta_min) * (1 + cosine) / 2
