"""The base optimizer: parameter groups, per-parameter state, ``zero_grad`` and ``step``.

An optimizer holds parameters (leaf tensors that require grad) in *param
groups*: dicts with a ``"params"`` list and the hyper-parameters (``lr``, ...)
that apply to those parameters. A plain list of tensors makes one group;
a list of dicts lets, say, the biases use another learning rate, with any
hyper-parameter a dict leaves out taken from the constructor's arguments.
``step`` reads each group's values afresh, so a scheduler (``lr_scheduler``)
can change ``group["lr"]`` between steps; it checks them again whenever they
have changed, before it updates any parameter.

``state[p]`` holds what an update rule remembers about parameter ``p`` from one
step to the next (a momentum buffer, Adam's moment estimates), as arrays of
``p``'s dtype.

An update works on the parameter's array in place (``p.data -= ...``): the
array is never replaced, so anything else holding it sees the new values, and
no graph is recorded, because no Tensor op runs. Python runs ``p.data -= u``
as ``p.data = p.data.__isub__(u)``, and assigning ``p.data`` increments
``p._version``, so a graph built before the step, whose backward would read
the old values, raises instead of returning a wrong gradient.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar, Literal

import numpy as np
from numpy.typing import NDArray

from tinygrad_mlp.autograd import enable_grad
from tinygrad_mlp.tensor import Tensor
from tinygrad_mlp.tensor import _note_change as note_change

Array = NDArray[Any]
ParamGroup = dict[str, Any]
Params = Iterable[Tensor] | Iterable[Mapping[str, Any]]
StateKind = Literal[
    "count", "number", "array", "array or None", "number or None", "vector or None",
    "vectors or None", "numbers or None",
]


class Optimizer:
    """Base class of the optimizers: holds the parameters and their state.

    A subclass passes its hyper-parameters as ``defaults``, checks them in
    ``check_hyperparameters``, implements its update rule in ``update_group``
    (``step`` calls that once per param group) and names in ``state_kinds``
    what the rule reads from ``state[p]``, so ``load_state_dict`` can check it.

    Args:
        params: an iterable of Tensors (one group), or of dicts, each with a
            ``"params"`` iterable of Tensors and optional hyper-parameters.
        defaults: the hyper-parameters of every group that does not set them.

    Raises:
        TypeError: if ``params`` is not an iterable of Tensors or of dicts.
        ValueError: for an empty parameter list, a parameter that is not a
            leaf, or a parameter given twice.

    A parameter that does not require grad (a frozen layer, an
    ``Embedding.from_pretrained`` table) is accepted, as in PyTorch: it has
    no gradient, so ``step`` leaves it alone until it requires grad again.
    """

    #: Each key of ``state[p]`` that ``update_group`` reads, and what it holds: a
    #: "count" (an int >= 0, such as the number of steps taken), a real "number",
    #: an "array" of p's shape, a "vector" (1-D, one entry per element of all the
    #: parameters), or a list of "vectors" or of "numbers". A kind "... or None"
    #: may be absent or None: the step makes it when it is.
    state_kinds: ClassVar[dict[str, StateKind]] = {}

    def __init__(self, params: Params, defaults: Mapping[str, Any]) -> None:
        where = type(self).__name__
        self.defaults: dict[str, Any] = _plain_settings(defaults)
        self.check_hyperparameters(self.defaults)
        self.param_groups: list[ParamGroup] = []
        self.state: dict[Tensor, dict[str, Any]] = {}
        self._valid_groups: list[ParamGroup] = []  # see _check_settings
        if isinstance(params, Tensor):  # iterating it would yield its rows
            raise TypeError(
                f"{where}: params must be an iterable of Tensors or of param-group dicts, "
                f"got a single Tensor of shape {params.shape}; wrap it in a list"
            )
        _refuse_sets(where, params)
        try:
            items = list(params)
        except TypeError:
            raise TypeError(
                f"{where}: params must be an iterable of Tensors or of param-group dicts, "
                f"got {type(params).__name__}"
            ) from None
        if not items:
            raise ValueError(f"{where}: got an empty parameter list")
        if not any(isinstance(item, Mapping) for item in items):
            self._add_group({"params": items}, name_groups=False)
            return
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                raise TypeError(
                    f"{where}: params mixes param-group dicts with other things: item {index} "
                    f"is a {type(item).__name__}; give all Tensors or all dicts"
                )
            self._add_group(item, name_groups=True)

    def check_hyperparameters(self, group: Mapping[str, Any]) -> None:
        """Raise if a hyper-parameter in ``group`` is out of range (each optimizer's own)."""

    def add_param_group(self, param_group: Mapping[str, Any]) -> None:
        """Add a group of parameters, e.g. layers unfrozen partway through training.

        Args:
            param_group: a dict with a ``"params"`` iterable of Tensors (or one
                Tensor) and any hyper-parameters that differ from the defaults.
        """
        self._add_group(param_group, name_groups=True)

    def _add_group(self, param_group: Mapping[str, Any], name_groups: bool) -> None:
        where = type(self).__name__
        group_index = len(self.param_groups)
        if not isinstance(param_group, Mapping) or "params" not in param_group:
            raise TypeError(
                f"{where}: a param group must be a dict with a 'params' entry, got "
                f"{type(param_group).__name__}"
                + (f" with keys {sorted(param_group)}" if isinstance(param_group, Mapping) else "")
            )
        given = param_group["params"]
        _refuse_sets(where, given)
        params = [given] if isinstance(given, Tensor) else list(given)
        if not params:
            raise ValueError(f"{where}: param group {group_index} has an empty parameter list")
        already_in = {
            id(p): i for i, group in enumerate(self.param_groups) for p in group["params"]
        }
        position: dict[int, int] = {}
        for index, p in enumerate(params):
            at = f"parameter {index}"
            if name_groups:
                at = f"param group {group_index}, {at}"
            if not isinstance(p, Tensor):
                raise TypeError(f"{where}: {at} is a {type(p).__name__}, not a Tensor")
            if not p.is_leaf:
                raise ValueError(
                    f"{where}: {at} is not a leaf tensor (it was computed by {p.op}); only "
                    "tensors the user made can be optimized, e.g. x.detach().requires_grad_()"
                )
            if id(p) in position:
                raise ValueError(
                    f"{where}: {at} is the same tensor as parameter {position[id(p)]}; "
                    "give each parameter once"
                )
            if id(p) in already_in:
                raise ValueError(f"{where}: {at} is already in param group {already_in[id(p)]}")
            position[id(p)] = index
        group = _plain_settings({**self.defaults, **param_group, "params": params})
        self._check_group(group, f"param group {group_index}" if name_groups else "")
        self.param_groups.append(group)

    def _check_group(self, group: Mapping[str, Any], which: str, where: str = "") -> None:
        """``check_hyperparameters``, saying ``which`` group (if named) and ``where`` (the call)."""
        try:
            self.check_hyperparameters(group)
        except (TypeError, ValueError) as error:
            if not which:
                raise
            message = str(error).removeprefix(f"{type(self).__name__}: ")
            raise type(error)(f"{where or type(self).__name__}: {which}: {message}") from None

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradients of all parameters before the next backward.

        Args:
            set_to_none: set ``.grad`` to None (the default, as in PyTorch);
                with False, replace it with zeros of the parameter's dtype.
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is not None:
                    # A new array rather than zeroing the old one in place: backward
                    # can hand one gradient array to several leaves (a + b gives
                    # a and b the same one), and only this parameter's must change.
                    p._grad = None if set_to_none else Tensor(np.zeros_like(p.data))

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; skip those whose ``.grad`` is None.

        Args:
            closure: optional; re-evaluates the model and returns the loss
                (it runs with grad mode on, so it may call backward).

        Returns:
            The closure's loss, or None without a closure.
        """
        loss = None
        if closure is not None:
            if not callable(closure):  # step(loss): the loss is a Tensor, already backpropagated
                raise TypeError(
                    f"{type(self).__name__}.step: closure must be a function that recomputes "
                    f"the loss, got {type(closure).__name__}; to step after loss.backward(), "
                    "call step() with no argument"
                )
            with enable_grad():
                loss = closure()
        self._check_grad_shapes()  # all of them first, so a bad one changes nothing
        groups = self.param_groups
        if len(groups) > 1 and self._settings_changed():
            self._check_settings()
        try:
            for group in groups:
                self.update_group(group)
        except (TypeError, ValueError):
            try:  # a setting of the one group, read before any parameter changed?
                self._check_settings()
            except (TypeError, ValueError) as error:
                raise error from None
            raise
        return loss

    def _check_grad_shapes(self) -> None:
        """Raise ValueError if any parameter's ``.grad`` has another shape than the parameter."""
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is not None and p._grad._data.shape != p._data.shape:
                    raise ValueError(
                        f"{type(self).__name__}: a parameter of shape {p.shape} has a .grad of "
                        f"shape {p.grad.shape}; they must match"
                    )

    def _settings_changed(self) -> bool:
        """Whether a group's settings differ from those ``_check_settings`` last found valid."""
        try:
            return self.param_groups != self._valid_groups
        except (TypeError, ValueError):  # an array set by hand has no one truth value
            return True

    def _check_settings(self) -> None:
        """Raise, naming the group, if a hyper-parameter set by hand is out of range.

        ``param_groups`` is a plain list of dicts, open to a scheduler and to
        the user, so a setting can change between steps: ``group["lr"] =
        None``. With several groups ``step`` calls this before updating any
        of them whenever a setting has changed (a comparison costs far less
        than the checks), so a bad setting in a later group cannot leave the
        earlier ones updated. With one group there is nothing to compare:
        each ``update_group`` reads (and converts) all its settings before it
        changes a parameter, and ``step`` calls this only if that failed, to
        say which setting was wrong.
        """
        where = f"{type(self).__name__}.step"
        for index, group in enumerate(self.param_groups):
            self._check_group(group, f"param group {index}", where)
        self._valid_groups = [dict(group) for group in self.param_groups]  # shallow copies

    def update_group(self, group: ParamGroup) -> None:
        """Apply the update rule to the parameters of one group (each optimizer's own)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement update_group")

    def state_for(self, p: Tensor, arrays: Sequence[str], **numbers: float) -> dict[str, Any]:
        """``state[p]``, made at p's first step if it has none yet.

        A new state holds ``"step": 0``, an array of zeros of p's shape and
        dtype under each name in ``arrays``, and the starting ``numbers``.
        """
        state = self.state.get(p)
        if state is None:
            state = self.state[p] = {"step": 0, **{name: np.zeros_like(p._data) for name in arrays},
                                     **numbers}
        return state

    # -- saving and restoring ---------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """A snapshot of the hyper-parameters and state, with parameters numbered.

        Returns:
            ``{"state": {index: per-parameter state}, "param_groups": [...]}``,
            where each group's ``"params"`` lists parameter indices (counting
            through the groups in order), as in PyTorch. Arrays are copies.
        """
        number: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            saved = {key: copy.deepcopy(value) for key, value in group.items() if key != "params"}
            saved["params"] = [number.setdefault(id(p), len(number)) for p in group["params"]]
            groups.append(saved)
        state = {number[id(p)]: copy.deepcopy(s) for p, s in self.state.items() if id(p) in number}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore hyper-parameters and state saved by ``state_dict``.

        The parameters stay this optimizer's own; they are matched to the saved
        ones by position, so the groups must have the same sizes. Everything is
        checked before anything changes: on an error the optimizer is as it was.

        Raises:
            TypeError: if ``state_dict`` is not a mapping.
            ValueError: if it is not an optimizer's state dict (say, a model's),
                the number or sizes of the groups differ, a group has another
                optimizer's settings or an invalid one, the state names a
                parameter this optimizer lacks, or a saved array's shape
                differs from its parameter's, or a parameter's state lacks
                what the next step reads (``state_kinds``) or holds it in
                another type.
        """
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"{where}: expected a state dict (a mapping), got {type(state_dict).__name__}"
            )
        missing = [key for key in ("state", "param_groups") if key not in state_dict]
        if missing:
            keys = sorted(map(str, state_dict))[:5]
            raise ValueError(
                f"{where}: not an optimizer's state dict: it lacks "
                f"{' and '.join(map(repr, missing))} (its first keys are {keys})"
            )
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{where}: the saved state has {len(saved_groups)} param groups, this "
                f"optimizer has {len(self.param_groups)}"
            )
        by_number: dict[int, Tensor] = {}
        for index, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if not isinstance(saved, Mapping) or "params" not in saved:
                raise ValueError(f"{where}: saved param group {index} is not a dict with a "
                                 "'params' list; is this an optimizer's state dict?")
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{where}: param group {index} has a different number of parameters: "
                    f"{len(saved['params'])} saved, {len(group['params'])} here"
                )
            by_number.update(zip(saved["params"], group["params"]))
            settings = {key for key in saved if key != "params"}
            foreign = settings - set(self.defaults) - set(group) - {"initial_lr"}
            absent = set(self.defaults) - settings
            if foreign or absent:
                problem = (f"has settings {type(self).__name__} does not use: "
                           f"{', '.join(map(repr, sorted(foreign)))}" if foreign else
                           f"lacks {', '.join(map(repr, sorted(absent)))}")
                raise ValueError(
                    f"{where}: saved param group {index} {problem}; was it saved by another "
                    "kind of optimizer?"
                )
        saved_states = state_dict["state"]
        if not isinstance(saved_states, Mapping):
            raise ValueError(f"{where}: the saved 'state' is a {type(saved_states).__name__}, "
                             "not a dict of each parameter's state")
        state: dict[Tensor, dict[str, Any]] = {}
        for number, saved_state in saved_states.items():
            if number not in by_number:
                raise ValueError(
                    f"{where}: the saved state is for parameter {number}, but this optimizer "
                    f"has {len(by_number)} parameters (numbered 0 to {len(by_number) - 1})"
                )
            p = by_number[number]
            if not isinstance(saved_state, Mapping):
                raise ValueError(f"{where}: the saved state of parameter {number} is a "
                                 f"{type(saved_state).__name__}, not a dict")
            self._check_saved_state(saved_state, number, p, where)
            state[p] = {}
            for key, value in saved_state.items():
                if isinstance(value, np.ndarray) and self.state_kinds.get(key, "array").startswith(
                        "array"):
                    if value.shape != p.shape:
                        raise ValueError(
                            f"{where}: state {key!r} of parameter {number} has shape "
                            f"{value.shape}, the parameter has shape {p.shape}"
                        )
                    value = value.astype(p.dtype)  # a copy, in the parameter's dtype
                elif self.state_kinds.get(key) == "number":
                    value = float(value)  # so an np.float32 does not round the next steps
                state[p][key] = copy.deepcopy(value)
        new_settings = [
            _plain_settings({key: copy.deepcopy(value) for key, value in saved.items()
                             if key != "params"})
            for saved in saved_groups
        ]
        for index, (values, group) in enumerate(zip(new_settings, self.param_groups)):
            self._check_group({**group, **values}, f"saved param group {index}", where)
        for values, group in zip(new_settings, self.param_groups):
            group.update(values)
        self.state = state

    def _check_saved_state(self, saved: Mapping[str, Any], number: int, p: Tensor,
                           where: str) -> None:
        """Raise ValueError unless ``saved`` holds what ``state_kinds`` says the step reads.

        Without this a state dict from another optimizer, or one edited by
        hand, would load and then fail inside the next ``step``, after it had
        updated some of the parameters.
        """
        name = type(self).__name__
        absent = [key for key, kind in self.state_kinds.items()
                  if not kind.endswith(" or None") and key not in saved]
        if absent:
            raise ValueError(
                f"{where}: the saved state of parameter {number} lacks "
                f"{', '.join(map(repr, absent))}, which {name}'s step reads; was it saved by "
                "another kind of optimizer?"
            )
        length = sum(q.numel() for group in self.param_groups for q in group["params"])
        for key, value in saved.items():
            kind = self.state_kinds.get(key)
            if kind is None or (value is None and kind.endswith(" or None")):
                continue
            problem = _state_problem(kind.removesuffix(" or None"), value, p.shape, length)
            if problem:
                raise ValueError(f"{where}: state {key!r} of parameter {number} must be "
                                 f"{problem}")

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for index, group in enumerate(self.param_groups):
            settings = ", ".join(f"{k}={v!r}" for k, v in group.items() if k != "params")
            count = len(group["params"])
            lines.append(f"  param group {index} ({count} tensor{'s' * (count != 1)}): {settings}")
        return "\n".join([*lines, ")"])


def _state_problem(kind: str, value: object, shape: tuple[int, ...], length: int) -> str:
    """What a saved state value of ``kind`` should be, and what it is; "" if it is that."""
    if kind == "count":
        if not (_is_real(value) and isinstance(value, (int, np.integer)) and value >= 0):
            return f"an int >= 0, got {value!r}"
        return ""
    if kind == "array":
        if not _is_numeric_array(value):
            return (f"an array of numbers of the parameter's shape {shape}, got "
                    f"{_described(value)}")
        return ""  # load_state_dict checks the shape
    plural = kind in ("vectors", "numbers")
    if plural and not isinstance(value, list):
        return f"a list, got {_described(value)}"
    values = value if plural and isinstance(value, list) else [value]
    if kind.startswith("vector"):
        if all(isinstance(v, np.ndarray) and _is_numeric_array(v) and v.shape == (length,)
               for v in values):
            return ""
        wanted = "a list of 1-D arrays" if plural else "a 1-D array"
        return f"{wanted} of the parameters' {length} elements, got {_described(value)}"
    if all(_is_real(v) or (v is None and plural) for v in values):
        return ""
    return f"{'a list of real numbers' if plural else 'a real number'}, got {value!r}"


def _is_numeric_array(value: object) -> bool:
    return isinstance(value, np.ndarray) and value.dtype.kind in "biuf"


def _is_real(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_))


def _described(value: object) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype} and shape {value.shape}"
    return f"a {type(value).__name__}"


def _plain_settings(group: Mapping[str, Any]) -> dict[str, Any]:
    """``group`` with numpy scalars and 0-d arrays among its settings made Python numbers.

    So a setting given as ``np.float32(0.1)``, or loaded back by ``tm.load``
    (which gives 0-d arrays), is stored, checked and saved as a plain number.
    """
    return {key: value if key == "params" else _plain(value) for key, value in group.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, (np.generic, np.ndarray)) and np.ndim(value) == 0:
        return value.item()
    if isinstance(value, tuple):  # betas
        return tuple(_plain(v) for v in value)
    return value


def _refuse_sets(where: str, params: object) -> None:
    """Raise for a set: its order changes from run to run, and state_dict numbers by order."""
    if isinstance(params, (set, frozenset)):
        raise TypeError(
            f"{where}: parameters must be in an ordered collection such as a list, not a "
            f"{type(params).__name__}, whose order changes between runs"
        )


def effective_gradient(p: Tensor, weight_decay: float, maximize: bool) -> Array:
    """The gradient an update rule follows: g = ±(dL/dp) + weight_decay · p.

    The sign flips for ``maximize``, as PyTorch does, before the decay is
    added; the decay term is the gradient of the L2 penalty
    (weight_decay / 2) · ‖p‖² (PyTorch's coupled weight decay).

    Returns:
        An array of ``p``'s dtype: ``p.grad``'s own array when there is
        nothing to add (read it, never write to it), else a new one. ``step``
        has already checked that it has ``p``'s shape.
    """
    assert p._grad is not None
    grad, data = p._grad._data, p._data
    if grad.dtype != data.dtype:  # a .grad assigned by hand
        grad = grad.astype(data.dtype)
    if weight_decay == 0 and not maximize:
        return grad
    if weight_decay == 0:  # so maximize
        return np.negative(grad, out=np.empty_like(grad))
    # out= keeps 0-d results arrays (numpy turns them into scalars otherwise)
    decayed = np.multiply(data, weight_decay, out=np.empty_like(data))
    if maximize:
        return np.subtract(decayed, grad, out=decayed)
    return np.add(decayed, grad, out=decayed)


def split_weight_decay(lr: float, weight_decay: float, decoupled: bool) -> tuple[float, float]:
    """(shrink, coupled): how weight decay enters a step, coupled (L2) or decoupled (AdamW).

    Decoupled decay multiplies p by shrink = 1 - lr · weight_decay before the
    step and adds nothing to the gradient (coupled = 0); coupled decay leaves
    p alone (shrink = 1) and adds coupled = weight_decay times p to the
    gradient, through ``effective_gradient``.
    """
    if decoupled:
        return 1 - lr * weight_decay, 0.0
    return 1.0, weight_decay


def plain_step(params: Sequence[Tensor], lr: float) -> None:
    """p -= lr · dL/dp for each of ``params`` with a gradient: plain SGD, the common case.

    The same update as ``p.data -= lr * effective_gradient(p, 0, False)``,
    written to the arrays directly, with the changes counted as ``p.data``'s
    setter counts them (a graph that saved p refuses to backpropagate after
    it), in one call for all of them.
    """
    changed = []
    for p in params:
        grad = p._grad
        if grad is None:
            continue
        data, g = p._data, grad._data
        if g.dtype != data.dtype:  # a .grad assigned by hand
            g = g.astype(data.dtype)
        data -= lr * g
        changed.append(p._counter)
    if changed:
        note_change(*changed)
