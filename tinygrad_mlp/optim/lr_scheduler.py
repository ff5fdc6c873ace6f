"""Learning-rate schedules: set each param group's ``lr`` as a function of the epoch.

Use them as in PyTorch: one ``scheduler.step()`` per epoch, after that
epoch's ``optimizer.step()`` calls::

    optimizer = SGD(model.parameters(), lr=0.1)
    scheduler = StepLR(optimizer, step_size=30, gamma=0.1)
    for epoch in range(100):
        train_one_epoch(model, optimizer)
        scheduler.step()

The schedules are ``StepLR``, ``MultiStepLR``, ``ExponentialLR``,
``CosineAnnealingLR``, ``CosineAnnealingWarmRestarts``, ``LinearLR`` (a
warm-up), ``ConstantLR``, ``PolynomialLR``, ``LambdaLR`` and
``MultiplicativeLR`` (any function of the epoch); ``ReduceLROnPlateau``
instead follows a metric, ``scheduler.step(val_loss)``, and is described on
its own.

Creating a scheduler records each group's ``lr`` as ``group["initial_lr"]``
(the base lr) and sets the lr for epoch 0. Every schedule here is computed in
closed form from the base lr and the epoch count (PyTorch's
``_get_closed_form_lr``; ``MultiplicativeLR`` keeps the product of its
factors so far, ``CosineAnnealingWarmRestarts`` its place in the cycle);
the values are PyTorch's. The difference shows only
when something else also changes ``group["lr"]``: PyTorch's schedulers scale
the current lr and so compose, these overwrite it. Resuming is exact: a
scheduler created with ``last_epoch=k``, or given a saved ``state_dict``,
stands where the saved one stood, with its lr (PyTorch's, created with
``last_epoch=k``, step once more: their ``last_epoch`` becomes k + 1).

A param group added with ``optimizer.add_param_group`` after the scheduler
was created joins the schedule at the next ``step``, as in PyTorch: from the
lr it was added with, it is scaled as the other groups are
(``StepLR(step_size=1, gamma=0.5)`` halves it at every step). To stay in
closed form, the scheduler records as its ``initial_lr`` the base lr from
which the schedule reaches that lr at that epoch. (PyTorch's
``CosineAnnealingLR`` fails on such a group once past ``T_max``, and its
``MultiplicativeLR`` and ``CosineAnnealingWarmRestarts`` at once; these
carry on.)
"""

from __future__ import annotations

import bisect
import math
import types
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

import numpy as np

from tinygrad_mlp.checks import check_int
from tinygrad_mlp.optim._arguments import (
    check_in_interval,
    check_non_negative,
    check_real,
)
from tinygrad_mlp.optim.optimizer import Optimizer


def _check_optimizer(where: str, optimizer: object) -> None:
    """Refuse anything but an Optimizer, before other arguments are read against it."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{where}: optimizer must be an Optimizer, got {type(optimizer).__name__}")


def _plain_number(value: Any) -> Any:
    """A numpy scalar or 0-d array as a Python number (anything else as it is)."""
    return value.item() if isinstance(value, (np.generic, np.ndarray)) and not np.ndim(value) \
        else value


class _Scheduler:
    """What every scheduler has: the lrs it set last, and its state as a dict."""

    optimizer: Optimizer
    _last_lr: list[float]

    def get_last_lr(self) -> list[float]:
        """The learning rates the last ``step`` set, one per param group."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's attributes, without the optimizer (which saves itself)."""
        return {key: value for key, value in vars(self).items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore attributes saved by ``state_dict``."""
        vars(self).update(state_dict)


class LRScheduler(_Scheduler):
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
        _check_optimizer(where, optimizer)
        last_epoch = check_int(where, "last_epoch", last_epoch, -1)
        if last_epoch == -1:
            for group in optimizer.param_groups:
                if group.get("initial_lr") is None:  # None: an earlier scheduler left it out
                    group["initial_lr"] = group["lr"]
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

    def base_lr_reaching(self, lr: float, epoch: int, index: int) -> float | None:
        """The base lr from which the schedule reaches ``lr`` at ``epoch``.

        A group added at ``epoch`` with this lr then follows the schedule
        from there on, scaled as PyTorch scales it. Every schedule here is
        affine in the base lr, lr_at(base_lr, epoch) = a + b · base_lr, so
        base_lr = (lr - a) / b.

        Where no finite base lr reaches ``lr`` (b is 0, as at the end of a
        LinearLR down to 0 or the bottom of a cosine, or so small that the
        division overflows) this returns None: ``step`` then warns, and the
        group keeps its own lr from then on.
        """
        offset = self.lr_at(0.0, epoch)
        slope = self.lr_at(1.0, epoch) - offset
        base_lr = (lr - offset) / slope if slope else math.inf
        return base_lr if math.isfinite(base_lr) else None

    def get_lr(self) -> list[float]:
        """The learning rates of the param groups at epoch ``last_epoch``.

        A group without a base lr (see ``base_lr_reaching``) keeps its lr.
        """
        return [group["lr"] if base_lr is None else self.lr_at(base_lr, self.last_epoch)
                for group, base_lr in zip(self.optimizer.param_groups, self.base_lrs)]

    def step(self) -> None:
        """Move on one epoch and set each param group's lr for it.

        Groups added to the optimizer since the last step join the schedule
        first (see ``base_lr_reaching``).
        """
        self._join_added_groups()
        self.last_epoch += 1
        self._set_lrs()

    def _join_added_groups(self) -> None:
        """Give each param group added since the last step its base lr, warning where none fits.

        Called by ``step`` (any schedule's), whose caller the warning points at.
        """
        for index in range(len(self.base_lrs), len(self.optimizer.param_groups)):
            group = self.optimizer.param_groups[index]
            group["initial_lr"] = self.base_lr_reaching(group["lr"], self.last_epoch, index)
            if group["initial_lr"] is None:
                warnings.warn(
                    f"{type(self).__name__}: param group {index} was added at epoch "
                    f"{self.last_epoch}, where the schedule gives every base lr the same lr, so "
                    f"none leads to the group's lr {group['lr']}: the group keeps that lr from "
                    "now on", stacklevel=3)
            # A new list rather than append: a state_dict taken earlier holds the old one.
            self.base_lrs = [*self.base_lrs, group["initial_lr"]]

    def _set_lrs(self) -> None:
        """Set each param group's lr for epoch ``last_epoch``."""
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = float(lr)  # a plain number, whatever an lr_lambda returns
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore attributes saved by ``state_dict``, and the lrs that scheduler had set.

        The optimizer's groups get those lrs at once, so the epoch after
        resuming trains at the saved schedule's lr, not at the one this
        scheduler was created with.
        """
        super().load_state_dict(state_dict)
        for group, lr in zip(self.optimizer.param_groups, self._last_lr):
            group["lr"] = lr

    def __repr__(self) -> str:
        settings = ", ".join(
            f"{key}={value!r}" for key, value in vars(self).items()
            if key not in ("optimizer", "base_lrs", "last_epoch") and not key.startswith("_")
        )
        return f"{type(self).__name__}({settings}, last_epoch={self.last_epoch})"


class StepLR(LRScheduler):
    """Multiply the lr by ``gamma`` every ``step_size`` epochs.

    lr(epoch) = base_lr · gamma ^ ⌊epoch / step_size⌋

    Args:
        optimizer: the optimizer whose learning rates to set.
        step_size: the number of epochs between decays (a positive int).
        gamma: the factor applied at each decay (>= 0).
        last_epoch: see ``LRScheduler``.
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.step_size = check_int(type(self).__name__, "step_size", step_size, 1)
        self.gamma = check_non_negative(type(self).__name__, "gamma", gamma)
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        """base_lr · gamma ^ ⌊epoch / step_size⌋."""
        return base_lr * self.gamma ** (epoch // self.step_size)


class ExponentialLR(LRScheduler):
    """Multiply the lr by ``gamma`` every epoch.

    lr(epoch) = base_lr · gamma ^ epoch

    Args:
        optimizer: the optimizer whose learning rates to set.
        gamma: the factor applied each epoch (>= 0).
        last_epoch: see ``LRScheduler``.
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = check_non_negative(type(self).__name__, "gamma", gamma)
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


class MultiStepLR(LRScheduler):
    """Multiply the lr by ``gamma`` at each of the epochs in ``milestones``.

    lr(epoch) = base_lr · gamma ^ (the number of milestones <= epoch)

    A milestone given twice counts twice, as in PyTorch.

    Args:
        optimizer: the optimizer whose learning rates to set.
        milestones: the epochs at which to decay (non-negative ints, any order).
        gamma: the factor applied at each milestone (>= 0).
        last_epoch: see ``LRScheduler``.
    """

    def __init__(
        self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        where = type(self).__name__
        if not isinstance(milestones, Iterable) or isinstance(milestones, str):
            raise TypeError(f"{where}: milestones must be a list of epochs, got {milestones!r}")
        self.milestones = sorted(check_int(where, "a milestone", m, 0) for m in milestones)
        self.gamma = check_non_negative(where, "gamma", gamma)
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        """base_lr · gamma ^ (milestones passed)."""
        return base_lr * self.gamma ** bisect.bisect_right(self.milestones, epoch)


class LinearLR(LRScheduler):
    """Scale the lr linearly from ``start_factor`` to ``end_factor`` over ``total_iters`` epochs.

    lr(epoch) = base_lr · (start_factor + (end_factor - start_factor) · min(epoch, total_iters)
    / total_iters), a warm-up with the defaults (a third of the lr, rising to
    all of it after 5 epochs).

    Args:
        optimizer: the optimizer whose learning rates to set.
        start_factor: the factor at epoch 0, in (0, 1].
        end_factor: the factor from ``total_iters`` on, in [0, 1].
        total_iters: the number of epochs the change takes (a positive int).
        last_epoch: see ``LRScheduler``.
    """

    def __init__(
        self, optimizer: Optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
        total_iters: int = 5, last_epoch: int = -1,
    ) -> None:
        where = type(self).__name__
        self.start_factor = check_real(where, "start_factor", start_factor)
        if not 0 < self.start_factor <= 1:
            raise ValueError(f"{where}: start_factor must be in (0, 1], got {start_factor}")
        self.end_factor = check_in_interval(where, "end_factor", end_factor, 0, 1, True)
        self.total_iters = check_int(where, "total_iters", total_iters, 1)
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        """base_lr times the factor reached at ``epoch``."""
        done = min(epoch, self.total_iters) / self.total_iters
        return base_lr * (self.start_factor + (self.end_factor - self.start_factor) * done)


class LambdaLR(LRScheduler):
    """Set the lr to base_lr · ``lr_lambda(epoch)``, for any function of the epoch.

    Args:
        optimizer: the optimizer whose learning rates to set.
        lr_lambda: a function from the epoch (an int) to a factor, or a list
            of them, one per param group.
        last_epoch: see ``LRScheduler``.

    Raises:
        TypeError: if ``lr_lambda`` (or one in the list) is not callable.
        ValueError: if the list does not have one function per param group.

    Example:
        >>> import tinygrad_mlp as tm
        >>> w = tm.tensor([1.0], requires_grad=True)
        >>> optimizer = tm.optim.SGD([w], lr=0.1)
        >>> scheduler = LambdaLR(optimizer, lambda epoch: 0.5 ** epoch)
        >>> scheduler.step()
        >>> scheduler.get_last_lr()
        [0.05]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        where = type(self).__name__
        _check_optimizer(where, optimizer)
        self.lr_lambdas = list(lr_lambda) if isinstance(lr_lambda, Sequence) else [lr_lambda]
        self._one_for_all = not isinstance(lr_lambda, Sequence)
        for position, function in enumerate(self.lr_lambdas):
            if not callable(function):
                at = "" if self._one_for_all else f"[{position}]"
                raise TypeError(f"{where}: lr_lambda{at} must be a function of the epoch, got "
                                f"{type(function).__name__}")
        groups = len(getattr(optimizer, "param_groups", ()))
        if not self._one_for_all and len(self.lr_lambdas) != groups:
            raise ValueError(f"{where}: expected {groups} lr_lambdas, one per param group, but "
                             f"got {len(self.lr_lambdas)}")
        super().__init__(optimizer, last_epoch)

    def _lambda_index(self, index: int) -> int:
        """Which of ``lr_lambdas`` param group ``index`` follows."""
        if self._one_for_all:
            return 0
        if index >= len(self.lr_lambdas):
            raise ValueError(
                f"{type(self).__name__}: param group {index} was added after the scheduler, "
                f"which has one lr_lambda for each of the {len(self.lr_lambdas)} groups it "
                "started with; make a new scheduler"
            )
        return index

    def _factor(self, index: int, epoch: int) -> float:
        """The factor of param group ``index`` at ``epoch``."""
        return self.lr_lambdas[self._lambda_index(index)](epoch)

    def get_lr(self) -> list[float]:
        """base_lr times the group's factor at the epoch (its own lr if it has no base lr)."""
        return [group["lr"] if base is None else base * self._factor(i, self.last_epoch)
                for i, (group, base) in enumerate(zip(self.optimizer.param_groups,
                                                      self.base_lrs))]

    def lr_at(self, base_lr: float, epoch: int) -> float:
        """base_lr times the factor at ``epoch``, for a group that shares the one function."""
        return base_lr * self._factor(0, epoch)

    def base_lr_reaching(self, lr: float, epoch: int, index: int) -> float | None:
        """lr / lr_lambda(epoch) for param group ``index`` (see ``LRScheduler``)."""
        self._factor(index, epoch)  # raises for a group that has no function of its own
        return super().base_lr_reaching(lr, epoch, index)

    def state_dict(self) -> dict[str, Any]:
        """The attributes, with each lr_lambda as PyTorch saves it.

        A function (a ``def`` or a lambda) is saved as None, since it is code,
        not state: ``tm.save`` can then write the dict. A callable object is
        saved as a copy of its attributes.
        """
        state = super().state_dict()
        state["lr_lambdas"] = [None if isinstance(f, types.FunctionType)
                               else dict(vars(f)) if hasattr(f, "__dict__") else None
                               for f in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the attributes; this scheduler keeps its own lr_lambdas, given their state."""
        state = dict(state_dict)
        saved = state.pop("lr_lambdas", None) or []
        super().load_state_dict(state)
        for function, attributes in zip(self.lr_lambdas, saved):
            if attributes is not None:
                vars(function).update(attributes)


class MultiplicativeLR(LambdaLR):
    """Multiply the lr by ``lr_lambda(epoch)`` at every epoch, for any function of the epoch.

    lr(epoch) = base_lr · lr_lambda(1) · lr_lambda(2) · … · lr_lambda(epoch)

    PyTorch multiplies the current lr by the epoch's factor at each step;
    this one keeps the running product of the factors (each function is
    called once per epoch), so the lr stays a closed form of the base lr.

    Args:
        optimizer: the optimizer whose learning rates to set.
        lr_lambda: a function from the epoch (an int >= 1) to a factor, or
            a list of them, one per param group.
        last_epoch: see ``LRScheduler``.

    Raises:
        TypeError: if ``lr_lambda`` (or one in the list) is not callable.
        ValueError: if the list does not have one function per param group.

    Example:
        >>> import tinygrad_mlp as tm
        >>> optimizer = tm.optim.SGD([tm.tensor([1.0], requires_grad=True)], lr=0.1)
        >>> scheduler = MultiplicativeLR(optimizer, lambda epoch: 0.5)
        >>> scheduler.step()
        >>> scheduler.step()
        >>> scheduler.get_last_lr()
        [0.025]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        # _products[i][epoch]: the product of lr_lambdas[i](1) .. lr_lambdas[i](epoch)
        self._products: list[list[float]] = []
        super().__init__(optimizer, lr_lambda, last_epoch)

    def _factor(self, index: int, epoch: int) -> float:
        """The product of the factors of param group ``index`` up to ``epoch``."""
        which = self._lambda_index(index)
        if not self._products:
            self._products = [[1.0] for _ in self.lr_lambdas]
        products = self._products[which]
        while len(products) <= epoch:
            products.append(products[-1] * float(self.lr_lambdas[which](len(products))))
        return products[epoch]

    def state_dict(self) -> dict[str, Any]:
        """As ``LambdaLR``'s, with a copy of the products of the factors so far."""
        state = super().state_dict()
        state["_products"] = [list(products) for products in self._products]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """As ``LambdaLR``'s: the saved products carry on, times this one's functions."""
        state = dict(state_dict)
        state["_products"] = [list(products) for products in state.get("_products", [])]
        super().load_state_dict(state)


class ConstantLR(LRScheduler):
    """Scale the lr by ``factor`` for the first ``total_iters`` epochs, then use the base lr.

    lr(epoch) = base_lr · factor for epoch < total_iters, base_lr from then on

    Args:
        optimizer: the optimizer whose learning rates to set.
        factor: the factor applied until ``total_iters``, in [0, 1].
        total_iters: the number of epochs the factor applies for (a positive int).
        last_epoch: see ``LRScheduler``.
    """

    def __init__(
        self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        where = type(self).__name__
        self.factor = check_in_interval(where, "factor", factor, 0, 1, True)
        self.total_iters = check_int(where, "total_iters", total_iters, 1)
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        """base_lr · factor before ``total_iters``, base_lr from then on."""
        return base_lr * self.factor if epoch < self.total_iters else base_lr


class PolynomialLR(LRScheduler):
    """Lower the lr to 0 along a polynomial of degree ``power`` over ``total_iters`` epochs.

    lr(epoch) = base_lr · (1 - min(epoch, total_iters) / total_iters) ^ power

    Args:
        optimizer: the optimizer whose learning rates to set.
        total_iters: the number of epochs from base_lr down to 0 (a positive int).
        power: the degree of the polynomial (>= 0; 1 is a straight line).
        last_epoch: see ``LRScheduler``.
    """

    def __init__(
        self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0,
        last_epoch: int = -1,
    ) -> None:
        self.total_iters = check_int(type(self).__name__, "total_iters", total_iters, 1)
        self.power = check_non_negative(type(self).__name__, "power", power)
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        """base_lr · (1 - min(epoch, total_iters) / total_iters) ^ power."""
        return base_lr * (1.0 - min(epoch, self.total_iters) / self.total_iters) ** self.power


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing from base_lr to ``eta_min``, restarted every ``T_i`` epochs.

    lr = eta_min + (base_lr - eta_min) · (1 + cos(π · T_cur / T_i)) / 2

    where ``T_cur`` counts the epochs since the last restart and ``T_i``,
    the length of the current cycle, is ``T_0`` at first and ``T_mult``
    times longer after each restart (Loshchilov & Hutter, SGDR).

    As in PyTorch, ``step`` may be given the epoch, a float, to move within
    a cycle, say once per batch: ``scheduler.step(epoch + batch / batches)``.
    ``T_cur`` and ``T_i`` are then worked out from it, ``last_epoch`` becomes
    its floor, and a ``step()`` without it moves on one epoch from there.
    Where the schedule stands is thus ``T_cur`` and ``T_i``, not
    ``last_epoch`` alone; both are in the ``state_dict``.

    Args:
        optimizer: the optimizer whose learning rates to set.
        T_0: the length of the first cycle, in epochs (a positive int).
        T_mult: the factor by which each cycle is longer than the one before
            (a positive int).
        eta_min: the lowest learning rate (>= 0).
        last_epoch: see ``LRScheduler``; resuming at epoch k stands where
            k ``step()`` calls without an epoch lead.

    Example:
        >>> import tinygrad_mlp as tm
        >>> optimizer = tm.optim.SGD([tm.tensor([1.0], requires_grad=True)], lr=1.0)
        >>> scheduler = CosineAnnealingWarmRestarts(optimizer, T_0=2)
        >>> lrs = []
        >>> for epoch in range(4):
        ...     lrs.append(scheduler.get_last_lr()[0])
        ...     scheduler.step()
        >>> [round(lr, 3) for lr in lrs]
        [1.0, 0.5, 1.0, 0.5]
    """

    def __init__(
        self, optimizer: Optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        where = type(self).__name__
        self.T_0 = check_int(where, "T_0", T_0, 1)
        self.T_mult = check_int(where, "T_mult", T_mult, 1)
        self.eta_min = check_non_negative(where, "eta_min", eta_min)
        # Where k steps lead, counted as step() counts (integers, so no rounding).
        self.T_i = self.T_0
        self.T_cur: float = check_int(where, "last_epoch", last_epoch, -1)
        while self.T_cur >= self.T_i:
            self.T_cur, self.T_i = self.T_cur - self.T_i, self.T_i * self.T_mult
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        """The lr at the schedule's place in its cycle, ``T_cur`` of ``T_i``.

        That place depends on how the schedule was stepped (an epoch given
        to ``step`` may be a float), so ``epoch`` must be ``last_epoch``.
        """
        cosine = math.cos(math.pi * self.T_cur / self.T_i)
        return self.eta_min + (base_lr - self.eta_min) * (1 + cosine) / 2

    def step(self, epoch: float | None = None) -> None:
        """Move on one epoch, or to ``epoch`` if given, and set each param group's lr.

        Raises:
            TypeError: if ``epoch`` is not a real number.
            ValueError: if it is negative.
        """
        T_cur: float
        if epoch is None:
            T_cur, T_i = self.T_cur + 1, self.T_i
            if T_cur >= T_i:
                T_cur, T_i = T_cur % T_i, T_i * self.T_mult
            last_epoch = self.last_epoch + 1
        else:
            # PyTorch's arithmetic, float logarithm included, so the lrs are its own.
            epoch = check_non_negative(type(self).__name__, "epoch", _plain_number(epoch))
            T_cur, T_i = epoch, self.T_0
            if epoch >= self.T_0 and self.T_mult == 1:
                T_cur = epoch % self.T_0
            elif epoch >= self.T_0:
                n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
                T_i = self.T_0 * self.T_mult**n
            last_epoch = math.floor(epoch)
        self._join_added_groups()  # at the place they were added
        self.T_cur, self.T_i, self.last_epoch = T_cur, T_i, last_epoch
        self._set_lrs()


class ReduceLROnPlateau(_Scheduler):
    """Divide the lr when a metric has stopped improving, as PyTorch's ``ReduceLROnPlateau``.

    Call ``step(metric)`` once per epoch with the quantity to watch (the
    validation loss, say). When it has not improved for more than
    ``patience`` epochs in a row, every group's lr is multiplied by
    ``factor`` (down to ``min_lr``), and then ``cooldown`` epochs pass before
    counting again. "Improved" means, with ``threshold_mode="rel"``, below
    best · (1 - threshold) in ``mode="min"`` (above best · (1 + threshold) in
    ``"max"``), and with ``"abs"``, below best - threshold (above best +
    threshold). A change of the lr smaller than ``eps`` is skipped.

    Unlike the schedules above it depends on the metric, so it has no
    closed form: it changes each group's current lr.

    Args:
        optimizer: the optimizer whose learning rates to set.
        mode: "min" (a loss) or "max" (an accuracy).
        factor: the factor applied to the lr, in [0, 1).
        patience: epochs without improvement to tolerate (an int >= 0).
        threshold: how much better counts as better (>= 0).
        threshold_mode: "rel" or "abs".
        cooldown: epochs to wait after a reduction (an int >= 0).
        min_lr: the lowest lr, one for all groups or a list of one per group.
        eps: the smallest change of the lr that is made (>= 0).

    Example:
        >>> import tinygrad_mlp as tm
        >>> optimizer = tm.optim.SGD([tm.tensor([1.0], requires_grad=True)], lr=0.1)
        >>> scheduler = ReduceLROnPlateau(optimizer, factor=0.5, patience=1)
        >>> for loss in [1.0, 0.9, 0.9, 0.9]:  # two epochs without improvement
        ...     scheduler.step(loss)
        >>> scheduler.get_last_lr()
        [0.05]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: Literal["min", "max"] = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: Literal["rel", "abs"] = "rel",
        cooldown: int = 0,
        min_lr: float | Sequence[float] = 0.0,
        eps: float = 1e-8,
    ) -> None:
        where = type(self).__name__
        _check_optimizer(where, optimizer)
        if mode not in ("min", "max"):
            raise ValueError(f"{where}: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"{where}: threshold_mode must be 'rel' or 'abs', got "
                             f"{threshold_mode!r}")
        self.factor = check_in_interval(where, "factor", factor, 0, 1, False)
        self.patience = check_int(where, "patience", patience, 0)
        self.threshold = check_non_negative(where, "threshold", threshold)
        self.cooldown = check_int(where, "cooldown", cooldown, 0)
        self.eps = check_non_negative(where, "eps", eps)
        groups = len(optimizer.param_groups)
        if isinstance(min_lr, (Sequence, np.ndarray)) and np.ndim(min_lr) > 0:
            if len(min_lr) != groups:
                raise ValueError(f"{where}: expected {groups} min_lrs, one per param group, "
                                 f"but got {len(min_lr)}")
            self.min_lrs = [check_non_negative(where, f"min_lr[{i}]", lr)
                            for i, lr in enumerate(min_lr)]
            self._min_lr_for_new_groups: float | None = None
        else:
            one = check_non_negative(where, "min_lr", _plain_number(min_lr))
            self.min_lrs = [one] * groups
            self._min_lr_for_new_groups = one
        self.optimizer = optimizer
        self.mode, self.threshold_mode = mode, threshold_mode
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def is_better(self, current: float, best: float) -> bool:
        """Whether ``current`` improves on ``best`` by more than the threshold."""
        if self.threshold_mode == "rel":
            scale = 1 - self.threshold if self.mode == "min" else 1 + self.threshold
            return current < best * scale if self.mode == "min" else current > best * scale
        if self.mode == "min":
            return current < best - self.threshold
        return current > best + self.threshold

    def step(self, metrics: float) -> None:
        """Note this epoch's metric, and reduce the lr if it has stopped improving.

        Raises:
            TypeError: if ``metrics`` is not a real number (a one-element
                Tensor or array is fine: ``loss`` itself may be passed).
        """
        where = type(self).__name__
        current = check_real(where, "metrics", _as_number(metrics))
        added = len(self.optimizer.param_groups) - len(self.min_lrs)
        if added > 0 and self._min_lr_for_new_groups is not None:
            # param groups added since follow the same rule, as in PyTorch
            self.min_lrs = [*self.min_lrs, *[self._min_lr_for_new_groups] * added]
        # Worked out first and kept only if nothing is refused, so a refused step changes nothing.
        better = self.is_better(current, self.best)
        bad_epochs = 0 if better else self.num_bad_epochs + 1
        cooldown = self.cooldown_counter
        if cooldown > 0:
            cooldown, bad_epochs = cooldown - 1, 0  # bad epochs in the cooldown do not count
        reduce = bad_epochs > self.patience
        if reduce and len(self.min_lrs) != len(self.optimizer.param_groups):  # listed min_lrs
            raise ValueError(
                f"{where}: {added} param group(s) were added after the scheduler, which has one "
                f"min_lr for each of the {len(self.min_lrs)} it started with; set "
                "scheduler.min_lrs to one per group, or make a new scheduler"
            )
        self.last_epoch += 1
        if better:
            self.best = current
        self.num_bad_epochs, self.cooldown_counter = bad_epochs, cooldown
        if reduce:
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                old = float(group["lr"])
                new = max(old * self.factor, min_lr)
                if old - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(mode={self.mode!r}, factor={self.factor}, "
                f"patience={self.patience}, threshold={self.threshold}, "
                f"threshold_mode={self.threshold_mode!r}, cooldown={self.cooldown}, "
                f"min_lrs={self.min_lrs}, eps={self.eps}, last_epoch={self.last_epoch})")


def _as_number(metrics: Any) -> Any:
    """A one-element Tensor or array as its number; anything else as it is."""
    item = getattr(metrics, "item", None)
    if callable(item) and getattr(metrics, "size", None) == 1:
        return item()
    return metrics
