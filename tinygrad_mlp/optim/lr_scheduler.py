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
``MultiplicativeLR`` (any function of the epoch). ``OneCycleLR`` (the
1cycle policy) and ``CyclicLR`` (a triangle between two lrs) are stepped
once per batch instead, and can move the momentum against the lr.
``SequentialLR`` runs schedules one after another (a warm-up, then a
decay), and ``ChainedScheduler`` multiplies their factors.
``ReduceLROnPlateau`` instead follows a metric, ``scheduler.step(val_loss)``,
and is described on its own.

Creating a scheduler records each group's ``lr`` as ``group["initial_lr"]``
(the base lr) and sets the lr for epoch 0. Every schedule here is computed in
closed form from the base lr and the epoch count (PyTorch's
``_get_closed_form_lr``; ``MultiplicativeLR`` keeps the product of its
factors so far, ``CosineAnnealingWarmRestarts`` its place in the cycle);
the values are PyTorch's. The difference shows only
when something else also changes ``group["lr"]``: PyTorch's schedulers scale
the current lr and so compose, these overwrite it (``ChainedScheduler``
composes them). Resuming is exact: a
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
carry on.) ``OneCycleLR`` and ``CyclicLR`` refuse such a group, having no lr
bounds for it (PyTorch's fail on it).
"""

from __future__ import annotations

import bisect
import copy
import inspect
import math
import types
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

import numpy as np

from tinygrad_mlp.checks import check_int
from tinygrad_mlp.optim._arguments import (
    check_bool,
    check_in_interval,
    check_non_negative,
    check_positive,
    check_real,
)
from tinygrad_mlp.optim.optimizer import Optimizer


def _check_optimizer(where: str, optimizer: object) -> None:
    """Refuse anything but an Optimizer, before other arguments are read against it."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{where}: optimizer must be an Optimizer, got {type(optimizer).__name__}")


def _function_state(function: Callable[..., Any] | None) -> dict[str, Any] | None:
    """How a state_dict saves a function the user gave, as PyTorch saves it.

    A function (a ``def`` or a lambda) is saved as None, since it is code,
    not state: ``tm.save`` can then write the dict. A callable object is
    saved as a copy of its attributes.
    """
    if isinstance(function, types.FunctionType) or not hasattr(function, "__dict__"):
        return None
    return dict(vars(function))


def _plain_number(value: Any) -> Any:
    """A numpy scalar or 0-d array as a Python number (anything else as it is)."""
    return value.item() if isinstance(value, (np.generic, np.ndarray)) and not np.ndim(value) \
        else value


def _one_per_group(
    where: str, name: str, value: Any, optimizer: Optimizer,
    check: Callable[[str, str, Any], float],
) -> list[float]:
    """``value`` for each param group: one number for all, or a list or tuple of one per group.

    Raises:
        ValueError: if the list does not have one value per group, as in
            PyTorch; ``check``'s errors for a value it refuses.
    """
    groups = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray) and value.ndim > 0):
        if len(value) != groups:
            raise ValueError(f"{where}: expected {groups} {name}s, one per param group, but "
                             f"got {len(value)}")
        return [check(where, f"{name}[{index}]", _plain_number(one))
                for index, one in enumerate(value)]
    return [check(where, name, _plain_number(value))] * groups


def _check_count(where: str, name: str, value: Any) -> int:
    """A positive int, as ``check_int`` checks it, but a float is a ValueError, as in PyTorch."""
    if isinstance(value, (float, np.floating)):
        raise ValueError(f"{where}: {name} must be a positive int, got {value}")
    return check_int(where, name, value, 1)


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
        """Restore attributes saved by ``state_dict``.

        Raises:
            TypeError: if ``state_dict`` is not a dict.
            ValueError: if it has keys this scheduler's own state dict lacks
                (an optimizer's, or another kind of scheduler's); nothing
                is changed then.
        """
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, dict):
            raise TypeError(f"{where}: expected a scheduler's state dict, got "
                            f"{type(state_dict).__name__}")
        foreign = sorted(set(state_dict) - set(self.state_dict()), key=str)
        if foreign:
            raise ValueError(f"{where}: the state dict has keys {type(self).__name__}'s lacks: "
                             f"{', '.join(map(repr, foreign))}; was it saved by an optimizer or "
                             "another kind of scheduler?")
        self._load_state(dict(state_dict))

    def _load_state(self, state_dict: dict[str, Any]) -> None:
        """Restore the attributes in ``state_dict``, checked by ``load_state_dict``."""
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
        self.optimizer = optimizer
        self.base_lrs: list[float] = self._record_base_lrs(last_epoch)
        self._last_lr: list[float] = []
        if last_epoch == -1:
            self.last_epoch = -1
            self.step()
        else:
            self.last_epoch = last_epoch
            self._set_lrs()

    def _record_base_lrs(self, last_epoch: int) -> list[float]:
        """Each group's ``initial_lr``, recorded first from its lr when starting afresh.

        Raises:
            ValueError: when resuming without ``"initial_lr"`` in every group.
        """
        groups = self.optimizer.param_groups
        if last_epoch == -1:
            for group in groups:
                if group.get("initial_lr") is None:  # None: an earlier scheduler left it out
                    group["initial_lr"] = group["lr"]
        else:
            for index, group in enumerate(groups):
                if "initial_lr" not in group:
                    raise ValueError(
                        f"{type(self).__name__}: resuming at last_epoch={last_epoch} needs "
                        f"'initial_lr' in every param group, and param group {index} has none; "
                        "start with last_epoch=-1, or restore the optimizer's state_dict first"
                    )
        return [group["initial_lr"] for group in groups]

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

    def _load_state(self, state_dict: dict[str, Any]) -> None:
        """Restore attributes saved by ``state_dict``, and the lrs that scheduler had set.

        The optimizer's groups get those lrs at once, so the epoch after
        resuming trains at the saved schedule's lr, not at the one this
        scheduler was created with.
        """
        super()._load_state(state_dict)
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
            at = "" if self._one_for_all else f"[{position}]"
            if not callable(function):
                raise TypeError(f"{where}: lr_lambda{at} must be a function of the epoch, got "
                                f"{type(function).__name__}")
            try:
                inspect.signature(function).bind(0)
            except TypeError:
                raise TypeError(f"{where}: lr_lambda{at} must take the epoch as its one argument "
                                f"(lambda epoch: 0.95 ** epoch), got one with parameters "
                                f"{inspect.signature(function)}") from None
            except ValueError:  # a builtin that shows no signature: calling it will tell
                pass
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
        return self._call(self._lambda_index(index), epoch)

    def _call(self, which: int, epoch: int) -> float:
        """``lr_lambdas[which](epoch)``, refused unless it is a number (not None, say)."""
        factor = self.lr_lambdas[which](epoch)
        if isinstance(factor, (bool, np.bool_)) or not isinstance(
                factor, (int, float, np.integer, np.floating)):
            at = "" if self._one_for_all else f"[{which}]"
            raise TypeError(f"{type(self).__name__}: lr_lambda{at}({epoch}) returned {factor!r}; "
                            "it must return a number, the lr's factor at that epoch")
        return float(factor)

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
        """The attributes, with each lr_lambda as PyTorch saves it (see ``_function_state``)."""
        state = super().state_dict()
        state["lr_lambdas"] = [_function_state(f) for f in self.lr_lambdas]
        return state

    def _load_state(self, state_dict: dict[str, Any]) -> None:
        """Restore the attributes; this scheduler keeps its own lr_lambdas, given their state."""
        state = dict(state_dict)
        saved = state.pop("lr_lambdas", None) or []
        super()._load_state(state)
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
            products.append(products[-1] * self._call(which, len(products)))
        return products[epoch]

    def state_dict(self) -> dict[str, Any]:
        """As ``LambdaLR``'s, with a copy of the products of the factors so far."""
        state = super().state_dict()
        state["_products"] = [list(products) for products in self._products]
        return state

    def _load_state(self, state_dict: dict[str, Any]) -> None:
        """As ``LambdaLR``'s: the saved products carry on, times this one's functions."""
        state = dict(state_dict)
        state["_products"] = [list(products) for products in state.get("_products", [])]
        super()._load_state(state)


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


class _MomentumCycler(LRScheduler):
    """What ``OneCycleLR`` and ``CyclicLR`` share: per-batch schedules that move the momentum too.

    With ``cycle_momentum`` the momentum moves against the lr, between
    ``base_momentum`` (where the lr is at its top) and ``max_momentum``
    (where it is at its bottom): the optimizer's ``momentum`` for SGD and
    RMSprop, beta1 of its ``betas`` for Adam and AdamW, as in PyTorch.

    Each lr is worked out from the scheduler's own arguments, so resuming
    needs the arguments and ``last_epoch`` only. A param group added to the
    optimizer later is refused at the next step: these have no lr bounds
    for it (PyTorch's fail on it too).
    """

    cycle_momentum: bool
    use_beta1: bool
    base_momentums: list[float]
    max_momentums: list[float]

    def _set_up_momentum(
        self, optimizer: Optimizer, cycle_momentum: bool, base_momentum: float | Sequence[float],
        max_momentum: float | Sequence[float],
    ) -> None:
        """Check and keep the momentum settings (ignored, as in PyTorch, without cycling).

        Raises:
            ValueError: with ``cycle_momentum``, if the optimizer has neither
                momentum nor betas, or a momentum is negative (for betas: not in [0, 1)).
        """
        where = type(self).__name__
        self.cycle_momentum = check_bool(where, "cycle_momentum", cycle_momentum)
        self.use_beta1 = "betas" in optimizer.defaults
        self.base_momentums, self.max_momentums = [], []
        if not self.cycle_momentum:
            return
        if not self.use_beta1 and "momentum" not in optimizer.defaults:
            raise ValueError(
                f"{where}: cycle_momentum=True needs an optimizer with a momentum (SGD, RMSprop) "
                f"or betas (Adam, AdamW, Adamax, NAdam, RAdam), and {type(optimizer).__name__} has "
                "neither; pass cycle_momentum=False"
            )

        def check(where: str, name: str, value: Any) -> float:
            # Adam divides by 1 - beta1^t, so beta1 must stay below 1.
            if self.use_beta1:
                return check_in_interval(where, name, value, 0, 1, False)
            return check_non_negative(where, name, value)

        self.base_momentums = _one_per_group(where, "base_momentum", base_momentum, optimizer,
                                             check)
        self.max_momentums = _one_per_group(where, "max_momentum", max_momentum, optimizer,
                                            check)

    def momentums_at(self, epoch: int) -> list[float]:
        """The momentum (or beta1) of each param group at this step (each schedule's own)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement momentums_at")

    def base_lr_reaching(self, lr: float, epoch: int, index: int) -> float | None:
        """Refuse a param group added after the scheduler was made.

        Raises:
            ValueError: always; the scheduler has no lr bounds for the group.
        """
        raise ValueError(
            f"{type(self).__name__}: param group {index} was added after the scheduler, which "
            f"has lr bounds for each of the {len(self.base_lrs)} groups it started with; make a "
            "new scheduler"
        )

    def _set_lrs(self) -> None:
        """Set each param group's lr, and with ``cycle_momentum`` its momentum, for this step."""
        super()._set_lrs()
        self._set_momentums()

    def _set_momentums(self) -> None:
        if not self.cycle_momentum:
            return
        for group, momentum in zip(self.optimizer.param_groups,
                                   self.momentums_at(self.last_epoch)):
            if self.use_beta1:
                group["betas"] = (momentum, *group["betas"][1:])
            else:
                group["momentum"] = momentum

    def _load_state(self, state_dict: dict[str, Any]) -> None:
        """As ``LRScheduler``'s, setting the saved step's momentums too."""
        super()._load_state(state_dict)
        self._set_momentums()


class OneCycleLR(_MomentumCycler):
    """The 1cycle policy: warm the lr up to ``max_lr``, then anneal it far below where it began.

    Smith & Topor, "Super-Convergence" (2017), as in fastai and PyTorch.
    Step it once per batch, after ``optimizer.step()``, for ``total_steps``
    steps (or ``epochs · steps_per_epoch``). With

        initial_lr = max_lr / div_factor,   min_lr = initial_lr / final_div_factor,

    the lr goes from initial_lr to max_lr over the first ``pct_start`` of
    the steps, then down to min_lr over the rest. With ``three_phase`` it
    comes back down to initial_lr as fast as it went up, and only then to
    min_lr (the paper's schedule). Within a phase that runs from step s₀ to
    step s₁ (the first phase ends at pct_start · total_steps - 1, the
    last at total_steps - 1), with t = (step - s₀) / (s₁ - s₀), the lr goes
    from a to b along

        cos:    b + (a - b) · (1 + cos(π t)) / 2
        linear: a + (b - a) · t

    With ``cycle_momentum`` the momentum does the opposite, from
    ``max_momentum`` down to ``base_momentum`` at the top of the lr and back
    (see ``_MomentumCycler``).

    The step after the last, ``total_steps``, is allowed (the loop's last
    ``scheduler.step()`` reaches it), with the formula carried past t = 1,
    as in PyTorch; a step beyond it is refused. A phase of no steps at all
    (pct_start · total_steps = 1, say) is taken as done: its step has its end
    value (PyTorch divides by zero there).

    Args:
        optimizer: the optimizer whose learning rates (and momentum) to set.
        max_lr: the top lr, one for all param groups or a list of one per group (>= 0).
        total_steps: the number of steps in the cycle (a positive int), or None
            for epochs · steps_per_epoch.
        epochs: the number of epochs (a positive int), used with steps_per_epoch.
        steps_per_epoch: the number of batches in an epoch (a positive int).
        pct_start: the fraction of the steps spent raising the lr (a float in [0, 1]).
        anneal_strategy: "cos" or "linear".
        cycle_momentum: move the momentum against the lr.
        base_momentum: the momentum at the top of the lr (one, or one per group).
        max_momentum: the momentum at the bottom of the lr (one, or one per group).
        div_factor: max_lr / initial_lr (> 0).
        final_div_factor: initial_lr / min_lr (> 0).
        three_phase: come down to initial_lr before going on to min_lr.
        last_epoch: the number of steps already taken, to resume (see
            ``LRScheduler``); -1 starts afresh.

    Raises:
        ValueError: where PyTorch refuses the arguments (total_steps, epochs
            or steps_per_epoch not a positive int, neither given, pct_start
            not a float in [0, 1], an unknown anneal_strategy, a list without
            one value per group, cycle_momentum with an optimizer that has no
            momentum), for a negative lr or momentum or factor, and for a
            step past total_steps.

    Example:
        >>> import tinygrad_mlp as tm
        >>> optimizer = tm.optim.SGD([tm.tensor([1.0], requires_grad=True)], lr=0.1,
        ...                          momentum=0.9)
        >>> scheduler = OneCycleLR(optimizer, max_lr=1.0, total_steps=4, pct_start=0.5,
        ...                        anneal_strategy="linear", final_div_factor=1.0)
        >>> lrs = []
        >>> for batch in range(4):
        ...     lrs.append(scheduler.get_last_lr()[0])
        ...     optimizer.step()
        ...     scheduler.step()
        >>> [round(lr, 2) for lr in lrs]
        [0.04, 1.0, 0.52, 0.04]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | Sequence[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: Literal["cos", "linear"] = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | Sequence[float] = 0.85,
        max_momentum: float | Sequence[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        where = type(self).__name__
        _check_optimizer(where, optimizer)
        if total_steps is not None:
            self.total_steps = _check_count(where, "total_steps", total_steps)
        elif epochs is not None and steps_per_epoch is not None:
            self.total_steps = (_check_count(where, "epochs", epochs)
                                * _check_count(where, "steps_per_epoch", steps_per_epoch))
        else:
            raise ValueError(f"{where}: give total_steps, or both epochs and steps_per_epoch")
        check_real(where, "pct_start", pct_start)  # a TypeError for what is not a number
        # PyTorch takes a float only, so pct_start=1 is refused as it is there.
        if not isinstance(pct_start, (float, np.floating)) or not 0 <= pct_start <= 1:
            raise ValueError(f"{where}: pct_start must be a float in [0, 1], got {pct_start}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"{where}: anneal_strategy must be 'cos' or 'linear', got "
                             f"{anneal_strategy!r}")
        self.pct_start = float(pct_start)
        self.anneal_strategy = anneal_strategy
        self.three_phase = check_bool(where, "three_phase", three_phase)
        self.div_factor = check_positive(where, "div_factor", div_factor)
        self.final_div_factor = check_positive(where, "final_div_factor", final_div_factor)
        self.max_lrs = _one_per_group(where, "max_lr", max_lr, optimizer, check_non_negative)
        self.min_lrs = [lr / self.div_factor / self.final_div_factor for lr in self.max_lrs]
        self._set_up_momentum(optimizer, cycle_momentum, base_momentum, max_momentum)
        if check_int(where, "last_epoch", last_epoch, -1) > self.total_steps:
            raise ValueError(f"{where}: last_epoch={last_epoch} is past total_steps="
                             f"{self.total_steps}")
        super().__init__(optimizer, last_epoch)

    def _record_base_lrs(self, last_epoch: int) -> list[float]:
        """max_lr / div_factor, written afresh into the groups as ``initial_lr``, as in PyTorch."""
        initial_lrs = [lr / self.div_factor for lr in self.max_lrs]
        if last_epoch == -1:
            for group, lr in zip(self.optimizer.param_groups, initial_lrs):
                group["initial_lr"] = lr
        return initial_lrs

    def _phases(self) -> list[tuple[float, str, str]]:
        """Each phase's last step and the lrs it goes between ("initial", "max" or "min").

        The steps are PyTorch's arithmetic, floats included, so that the
        phases change at the same steps.
        """
        rise_end = float(self.pct_start * self.total_steps) - 1
        if self.three_phase:
            return [(rise_end, "initial", "max"),
                    (float(2 * self.pct_start * self.total_steps) - 2, "max", "initial"),
                    (self.total_steps - 1, "initial", "min")]
        return [(rise_end, "initial", "max"), (self.total_steps - 1, "max", "min")]

    def _place(self, step: int) -> tuple[str, str, float]:
        """The lrs the phase of ``step`` goes from and to, and t, how far through it the step is."""
        phases = self._phases()
        ends = [end for end, _, _ in phases]
        # the first phase not yet over; the last one takes the rest
        index = next((i for i, end in enumerate(ends[:-1]) if step <= end), len(ends) - 1)
        start = ends[index - 1] if index else 0.0
        end, source, target = phases[index]
        return source, target, (step - start) / (end - start) if end != start else 1.0

    def _anneal(self, start: float, end: float, t: float) -> float:
        """From ``start`` at t = 0 to ``end`` at t = 1, along a half cosine or a line."""
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * t) + 1)
        return (end - start) * t + start

    def get_lr(self) -> list[float]:
        """Each param group's lr at step ``last_epoch``."""
        source, target, t = self._place(self.last_epoch)
        levels = {"initial": self.base_lrs, "max": self.max_lrs, "min": self.min_lrs}
        return [self._anneal(a, b, t) for a, b in zip(levels[source], levels[target])]

    def momentums_at(self, epoch: int) -> list[float]:
        """Each group's momentum at ``epoch``: base_momentum where the lr is max_lr, else max."""
        source, target, t = self._place(epoch)
        levels = {"initial": self.max_momentums, "max": self.base_momentums,
                  "min": self.max_momentums}
        return [self._anneal(a, b, t) for a, b in zip(levels[source], levels[target])]

    def step(self) -> None:
        """Move on one batch and set each param group's lr (and momentum) for it.

        Raises:
            ValueError: past ``total_steps``, as in PyTorch (the scheduler is
                left where it was).
        """
        if self.last_epoch + 1 > self.total_steps:
            raise ValueError(
                f"{type(self).__name__}: cannot step to step {self.last_epoch + 1}, past "
                f"total_steps={self.total_steps}; make the scheduler with as many steps as "
                "scheduler.step() calls, one per batch"
            )
        super().step()


class CyclicLR(_MomentumCycler):
    """Cycle the lr between ``base_lr`` and ``max_lr`` along a triangle, batch by batch.

    Smith, "Cyclical Learning Rates for Training Neural Networks" (2017).
    Step it once per batch. A cycle has ``step_size_up`` steps up and
    ``step_size_down`` (by default as many) down; at step n, with
    T = step_size_up + step_size_down, the cycle c = ⌊1 + n / T⌋ and
    x = 1 + n / T - c, how far through it (in [0, 1)), and r = step_size_up / T,

        triangle = x / r                 while rising (x <= r)
                   (x - 1) / (r - 1)     while falling
        lr = base_lr + (max_lr - base_lr) · triangle · scale_fn(c or n)

    The modes choose scale_fn: "triangular" 1, "triangular2" 1 / 2^(c - 1)
    (half the height each cycle), "exp_range" gamma^n. Or pass your own
    ``scale_fn``, a function with values in [0, 1], of the cycle c
    (``scale_mode="cycle"``) or of the step n (``"iterations"``); ``mode``
    is then ignored, and without it ``scale_mode`` is, as in PyTorch.

    With ``cycle_momentum`` (on by default, as in PyTorch) the momentum
    goes the other way, max_momentum - (max_momentum - base_momentum) ·
    triangle · scale_fn (see ``_MomentumCycler``).

    Args:
        optimizer: the optimizer whose learning rates (and momentum) to set.
        base_lr: the bottom lr, one for all param groups or a list of one per group (>= 0).
        max_lr: the top lr (one, or one per group; >= 0).
        step_size_up: the number of steps from base_lr up to max_lr (> 0).
        step_size_down: the number of steps back down (>= 0; None: step_size_up).
        mode: "triangular", "triangular2" or "exp_range".
        gamma: exp_range's factor per step (>= 0).
        scale_fn: your own scaling of the height, instead of ``mode``'s.
        scale_mode: what ``scale_fn`` is a function of: "cycle" or "iterations".
        cycle_momentum: move the momentum against the lr.
        base_momentum: the momentum at the top of the lr (one, or one per group).
        max_momentum: the momentum at the bottom of the lr (one, or one per group).
        last_epoch: the number of steps already taken, to resume (see
            ``LRScheduler``); -1 starts afresh.

    Raises:
        TypeError: if ``scale_fn`` is not callable.
        ValueError: for an unknown mode (without ``scale_fn``) or scale_mode,
            a list without one value per group, cycle_momentum with an
            optimizer that has no momentum, or a negative lr, step size or momentum.

    Example:
        >>> import tinygrad_mlp as tm
        >>> optimizer = tm.optim.SGD([tm.tensor([1.0], requires_grad=True)], lr=0.1,
        ...                          momentum=0.9)
        >>> scheduler = CyclicLR(optimizer, base_lr=0.1, max_lr=0.5, step_size_up=2)
        >>> lrs = []
        >>> for batch in range(6):
        ...     lrs.append(scheduler.get_last_lr()[0])
        ...     optimizer.step()
        ...     scheduler.step()
        >>> [round(lr, 2) for lr in lrs]
        [0.1, 0.3, 0.5, 0.3, 0.1, 0.3]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        base_lr: float | Sequence[float],
        max_lr: float | Sequence[float],
        step_size_up: float = 2000,
        step_size_down: float | None = None,
        mode: Literal["triangular", "triangular2", "exp_range"] = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: Literal["cycle", "iterations"] = "cycle",
        cycle_momentum: bool = True,
        base_momentum: float | Sequence[float] = 0.8,
        max_momentum: float | Sequence[float] = 0.9,
        last_epoch: int = -1,
    ) -> None:
        where = type(self).__name__
        _check_optimizer(where, optimizer)
        self.base_lrs = _one_per_group(where, "base_lr", base_lr, optimizer, check_non_negative)
        self.max_lrs = _one_per_group(where, "max_lr", max_lr, optimizer, check_non_negative)
        up = check_positive(where, "step_size_up", step_size_up)
        down = up if step_size_down is None else check_non_negative(where, "step_size_down",
                                                                   step_size_down)
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if scale_fn is not None and not callable(scale_fn):
            raise TypeError(f"{where}: scale_fn must be a function, got "
                            f"{type(scale_fn).__name__}")
        if scale_fn is None and mode not in ("triangular", "triangular2", "exp_range"):
            raise ValueError(f"{where}: mode must be 'triangular', 'triangular2' or "
                             f"'exp_range' (or give a scale_fn), got {mode!r}")
        if scale_mode not in ("cycle", "iterations"):
            raise ValueError(f"{where}: scale_mode must be 'cycle' or 'iterations', got "
                             f"{scale_mode!r}")
        self.mode = mode
        self.gamma = check_non_negative(where, "gamma", gamma)
        self._scale_fn_custom = scale_fn
        # The modes decide what their scaling is a function of, whatever scale_mode says.
        self.scale_mode = scale_mode if scale_fn is not None else (
            "iterations" if mode == "exp_range" else "cycle")
        self._set_up_momentum(optimizer, cycle_momentum, base_momentum, max_momentum)
        super().__init__(optimizer, last_epoch)

    def _record_base_lrs(self, last_epoch: int) -> list[float]:
        """base_lr; starting afresh, also each group's ``initial_lr`` if it has none.

        An ``initial_lr`` an earlier scheduler recorded stays, as in PyTorch:
        a scheduler made later (to follow this one in a ``SequentialLR``)
        takes it as its base lr.
        """
        if last_epoch == -1:
            for group, lr in zip(self.optimizer.param_groups, self.base_lrs):
                if group.get("initial_lr") is None:
                    group["initial_lr"] = lr
        return self.base_lrs

    def scale_fn(self, x: float) -> float:
        """The height of cycle ``x`` (or at step ``x``), as a fraction of max_lr - base_lr."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma**x

    def _place(self, step: int) -> tuple[float, float]:
        """The triangle's value at ``step`` (0 at the bottom, 1 at the top) and scale_fn's."""
        cycle = math.floor(1 + step / self.total_size)
        x = 1.0 + step / self.total_size - cycle
        triangle = x / self.step_ratio if x <= self.step_ratio else (x - 1) / (self.step_ratio - 1)
        return triangle, self.scale_fn(cycle if self.scale_mode == "cycle" else step)

    def get_lr(self) -> list[float]:
        """base_lr + (max_lr - base_lr) · triangle · scale_fn, for each param group."""
        triangle, scale = self._place(self.last_epoch)
        return [low + (high - low) * triangle * scale
                for low, high in zip(self.base_lrs, self.max_lrs)]

    def momentums_at(self, epoch: int) -> list[float]:
        """max_momentum - (max_momentum - base_momentum) · triangle · scale_fn, for each group."""
        triangle, scale = self._place(epoch)
        return [high - (high - low) * triangle * scale
                for low, high in zip(self.base_momentums, self.max_momentums)]

    def state_dict(self) -> dict[str, Any]:
        """The attributes, with a ``scale_fn`` of yours as PyTorch saves it (see ``LambdaLR``)."""
        state = super().state_dict()
        state["_scale_fn_custom"] = _function_state(self._scale_fn_custom)
        return state

    def _load_state(self, state_dict: dict[str, Any]) -> None:
        """Restore the attributes; this scheduler keeps its own scale_fn, given its state."""
        state = dict(state_dict)
        saved = state.pop("_scale_fn_custom", None)
        if saved is not None and self._scale_fn_custom is not None:
            vars(self._scale_fn_custom).update(saved)  # first: the momentums set next use it
        super()._load_state(state)


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


def _check_schedulers(
    where: str, schedulers: Iterable[LRScheduler | SequentialLR | ChainedScheduler],
    optimizer: Optimizer | None,
) -> tuple[list[LRScheduler | SequentialLR | ChainedScheduler], Optimizer]:
    """The schedulers as a list, and their optimizer (by default the first one's), all checked.

    Raises:
        TypeError: if ``schedulers`` is not a list of schedulers.
        ValueError: if it is empty, holds a ``ReduceLROnPlateau`` (which
            steps with a metric), or a scheduler of another optimizer.
    """
    if isinstance(schedulers, _Scheduler) or not isinstance(schedulers, Iterable):
        raise TypeError(f"{where}: schedulers must be a list of schedulers, got "
                        f"{type(schedulers).__name__}")
    schedulers = list(schedulers)
    if not schedulers:
        raise ValueError(f"{where}: schedulers must hold at least one scheduler, got none")
    for index, scheduler in enumerate(schedulers):
        if isinstance(scheduler, ReduceLROnPlateau):
            raise ValueError(f"{where}: schedulers[{index}] is a ReduceLROnPlateau, which steps "
                             f"with a metric; {where} steps its schedulers without one")
        if not isinstance(scheduler, (LRScheduler, SequentialLR, ChainedScheduler)):
            raise TypeError(f"{where}: schedulers[{index}] must be a learning-rate scheduler, "
                            f"got {type(scheduler).__name__}")
        if optimizer is None:
            optimizer = scheduler.optimizer
        if scheduler.optimizer is not optimizer:
            raise ValueError(f"{where}: schedulers[{index}] ({type(scheduler).__name__}) sets "
                             f"the lrs of another optimizer; all must be {where}'s optimizer's")
    assert optimizer is not None  # the first scheduler's, at least
    return schedulers, optimizer


class _Composite(_Scheduler):
    """What ``SequentialLR`` and ``ChainedScheduler`` share: schedulers inside, saved with it."""

    _schedulers: list[LRScheduler | SequentialLR | ChainedScheduler]

    def _running(self) -> list[int]:
        """Which of the schedulers set the lrs now (each composite's own)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement _running")

    def state_dict(self) -> dict[str, Any]:
        """The attributes, with the schedulers' own state dicts in place of the schedulers."""
        state = super().state_dict()
        state["_schedulers"] = [scheduler.state_dict() for scheduler in self._schedulers]
        return state

    def _load_state(self, state_dict: dict[str, Any]) -> None:
        """Restore the attributes and each scheduler's state, and set the saved lrs.

        The schedulers running at the saved step are restored last, so the
        param groups' momentum is the one they set.

        Raises:
            ValueError: if the state holds another number of schedulers.
        """
        state = dict(state_dict)
        saved = state.pop("_schedulers")
        if len(saved) != len(self._schedulers):
            raise ValueError(f"{type(self).__name__}.load_state_dict: the state has "
                             f"{len(saved)} schedulers, this one has {len(self._schedulers)}")
        super()._load_state(state)
        running = self._running()
        for index in [*(i for i in range(len(saved)) if i not in running), *running]:
            self._schedulers[index].load_state_dict(saved[index])
        for group, lr in zip(self.optimizer.param_groups, self._last_lr):
            group["lr"] = lr


class SequentialLR(_Composite):
    """Run schedulers one after another: each takes over at its milestone and starts over there.

    ``schedulers[0]`` sets the lrs until epoch ``milestones[0]``,
    ``schedulers[1]`` from then until ``milestones[1]``, and so on. At its
    milestone a scheduler starts over from the state it had when given to
    SequentialLR (its epoch 0, for one just made), so its own epoch counts
    from its milestone: a warm-up followed by a decay, for instance.

    Each scheduler then sets the lrs from its base lr, as it would alone;
    the values are PyTorch's, except that a ``MultiplicativeLR`` taking over
    starts from its base lr, where PyTorch's carries on from the lr the one
    before it left.

    Args:
        optimizer: the optimizer all the schedulers belong to.
        schedulers: the schedulers, in the order they run (not ``ReduceLROnPlateau``).
        milestones: the epochs at which each scheduler after the first takes
            over (ints >= 0, in increasing order, one fewer than the schedulers).

    Raises:
        TypeError: if the arguments are not an optimizer and lists of
            schedulers and of ints.
        ValueError: as in PyTorch, for no schedulers, a ``ReduceLROnPlateau``,
            a scheduler of another optimizer, or a number of milestones other
            than one fewer than the schedulers; and for milestones that are
            negative or out of order.

    Example:
        >>> import tinygrad_mlp as tm
        >>> optimizer = tm.optim.SGD([tm.tensor([1.0], requires_grad=True)], lr=1.0)
        >>> warm_up = LinearLR(optimizer, start_factor=0.5, total_iters=2)
        >>> decay = ExponentialLR(optimizer, gamma=0.5)
        >>> scheduler = SequentialLR(optimizer, [warm_up, decay], milestones=[2])
        >>> lrs = []
        >>> for epoch in range(5):
        ...     lrs.append(scheduler.get_last_lr()[0])
        ...     scheduler.step()
        >>> lrs
        [0.5, 0.75, 1.0, 0.5, 0.25]
    """

    def __init__(
        self, optimizer: Optimizer,
        schedulers: Sequence[LRScheduler | SequentialLR | ChainedScheduler],
        milestones: Iterable[int],
    ) -> None:
        where = type(self).__name__
        _check_optimizer(where, optimizer)
        self._schedulers, self.optimizer = _check_schedulers(where, schedulers, optimizer)
        if not isinstance(milestones, Iterable) or isinstance(milestones, str):
            raise TypeError(f"{where}: milestones must be a list of epochs, got {milestones!r}")
        self._milestones = [check_int(where, "a milestone", m, 0) for m in milestones]
        if len(self._milestones) != len(self._schedulers) - 1:
            raise ValueError(
                f"{where}: expected {len(self._schedulers) - 1} milestones, one fewer than the "
                f"{len(self._schedulers)} schedulers, but got {len(self._milestones)}"
            )
        if self._milestones != sorted(self._milestones):
            raise ValueError(f"{where}: milestones must be in increasing order, got "
                             f"{self._milestones}")
        # What each scheduler starts over from at its milestone.
        self._starts = [copy.deepcopy(scheduler.state_dict()) for scheduler in self._schedulers]
        self.last_epoch = 0
        self._start(bisect.bisect_right(self._milestones, 0))
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def _start(self, index: int) -> None:
        """Put ``schedulers[index]`` back as it was given, with the lrs it had then."""
        self._schedulers[index].load_state_dict(copy.deepcopy(self._starts[index]))

    def step(self) -> None:
        """Move on one epoch: start the next scheduler at its milestone, else step the current one.

        A refused step (a ``OneCycleLR`` past its total_steps, say) leaves
        ``last_epoch`` as it was.
        """
        epoch = self.last_epoch + 1
        index = bisect.bisect_right(self._milestones, epoch)
        if index > 0 and self._milestones[index - 1] == epoch:
            self._start(index)
        else:
            self._schedulers[index].step()
        self.last_epoch = epoch
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _running(self) -> list[int]:
        """The scheduler whose turn it is at ``last_epoch``."""
        return [bisect.bisect_right(self._milestones, self.last_epoch)]

    def state_dict(self) -> dict[str, Any]:
        """As ``_Composite``'s, without the starting states (the schedulers given are)."""
        state = super().state_dict()
        del state["_starts"]
        return state

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(schedulers={self._schedulers!r}, "
                f"milestones={self._milestones}, last_epoch={self.last_epoch})")


class ChainedScheduler(_Composite):
    """Apply several schedulers at once: each group's lr is the product of their factors.

    Each ``step()`` steps every scheduler, and each param group's lr becomes

        lr = base_lr · (lr₁ / base_lr) · (lr₂ / base_lr) · … = lr₁ · (lr₂ / base_lr) · …

    where lrᵢ is the lr scheduler i alone would set, and base_lr is the
    group's ``initial_lr`` when the chain was made. ``ConstantLR`` and
    ``ExponentialLR``, say, give base_lr · factor · gamma^epoch until
    total_iters, base_lr · gamma^epoch from then on.

    PyTorch's schedulers multiply the lr they find, so its ChainedScheduler
    gives the same lrs for those that multiply: ``StepLR``, ``MultiStepLR``,
    ``ExponentialLR``, ``ConstantLR``, ``LinearLR``, ``PolynomialLR``,
    ``MultiplicativeLR`` and ``CosineAnnealingLR`` with eta_min = 0 (up to
    T_max). The others PyTorch lets overwrite the lr, or carry it on from
    the lr found, so with them the lrs differ. A group whose base lr is 0
    gets the first scheduler's lr.

    A param group added later joins at the next step, as in PyTorch: each
    scheduler takes it up from its lr then, and that lr is its base lr.

    Args:
        schedulers: the schedulers to apply (not ``ReduceLROnPlateau``).
        optimizer: their optimizer; by default the first scheduler's.

    Raises:
        TypeError: if ``schedulers`` is not a list of schedulers, or
            ``optimizer`` is not an Optimizer.
        ValueError: as in PyTorch, for no schedulers, a ``ReduceLROnPlateau``
            or schedulers of another optimizer.

    Example:
        >>> import tinygrad_mlp as tm
        >>> optimizer = tm.optim.SGD([tm.tensor([1.0], requires_grad=True)], lr=1.0)
        >>> scheduler = ChainedScheduler([ConstantLR(optimizer, factor=0.1, total_iters=2),
        ...                               ExponentialLR(optimizer, gamma=0.5)])
        >>> lrs = []
        >>> for epoch in range(4):
        ...     lrs.append(scheduler.get_last_lr()[0])
        ...     scheduler.step()
        >>> lrs
        [0.1, 0.05, 0.25, 0.125]
    """

    def __init__(
        self, schedulers: Sequence[LRScheduler | SequentialLR | ChainedScheduler],
        optimizer: Optimizer | None = None,
    ) -> None:
        where = type(self).__name__
        if optimizer is not None:
            _check_optimizer(where, optimizer)
        self._schedulers, self.optimizer = _check_schedulers(where, schedulers, optimizer)
        self.base_lrs: list[float] = []
        self._add_base_lrs()
        self._chain()

    def step(self) -> None:
        """Step every scheduler, and set each param group's lr to the product of their factors."""
        groups = self.optimizer.param_groups
        self._add_base_lrs()
        for scheduler in self._schedulers:
            # Each steps from the base lrs: so it takes up an added group from its lr, and one
            # it leaves at its lr (where no base lr fits) counts as a factor of 1.
            for group, base_lr in zip(groups, self.base_lrs):
                group["lr"] = base_lr
            scheduler.step()
        self._chain()

    def _add_base_lrs(self) -> None:
        """Give each param group added since the last step its base lr.

        That is its ``initial_lr`` if a scheduler recorded one, else its lr now.
        """
        for group in self.optimizer.param_groups[len(self.base_lrs):]:
            base_lr = group.get("initial_lr")
            # A new list rather than append: a state_dict taken earlier holds the old one.
            self.base_lrs = [*self.base_lrs, group["lr"] if base_lr is None else base_lr]

    def _chain(self) -> None:
        """Set each param group's lr to the first scheduler's times the others' factors."""
        first, *others = [scheduler.get_last_lr() for scheduler in self._schedulers]
        for index, (group, base_lr) in enumerate(zip(self.optimizer.param_groups,
                                                     self.base_lrs)):
            lr = first[index]
            for lrs in others:
                lr *= lrs[index] / base_lr if base_lr else 1.0
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _running(self) -> list[int]:
        """All of the schedulers, in their order (the last to set a momentum sets it)."""
        return list(range(len(self._schedulers)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(schedulers={self._schedulers!r})"


def _as_number(metrics: Any) -> Any:
    """A one-element Tensor or array as its number; anything else as it is."""
    item = getattr(metrics, "item", None)
    if callable(item) and getattr(metrics, "size", None) == 1:
        return item()
    return metrics
