"""Containers: modules that hold other modules, as ``torch.nn``'s do.

- ``Sequential`` runs its children one after another: a network in one line.
- ``ModuleList`` is a list of modules for a ``forward`` you write yourself
  (a plain Python list would hide their parameters from ``parameters()``).
- ``ModuleDict`` is the same as a dict, for children chosen by name.
- ``ParameterList`` and ``ParameterDict`` do the same for parameters (a
  plain list of Parameters would hide them from ``parameters()`` too).

The children are registered like any attribute's, so ``parameters()``,
``state_dict()``, ``train()`` and ``zero_grad()`` reach them; a list's
children are named by position ("0", "1", ...), a dict's by key.
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar, overload

from tinygrad_mlp.nn.module import Module, Parameter, check_module
from tinygrad_mlp.tensor import Tensor

# The container's own class, so Sequential's append returns a Sequential.
Self = TypeVar("Self", bound="_NumberedModules")


class _NumberedModules(Module):
    """Children kept in order and named by position: what Sequential and ModuleList share.

    As in PyTorch, deleting or inserting renumbers every child from "0".
    """

    def append(self: Self, module: Module) -> Self:
        """Add a module at the end, named by its position; returns self.

        If that name is taken (after ``delattr(model, "1")``, say), the next
        free number is used, so an existing child is never replaced (PyTorch
        would replace it).
        """
        check_module(f"{type(self).__name__}.append", module)
        number = len(self._modules)
        while str(number) in self._modules:
            number += 1
        setattr(self, str(number), module)
        return self

    def extend(self: Self, modules: Iterable[Module]) -> Self:
        """Append each of ``modules`` (none if any is not a Module); returns self."""
        for module in _checked_modules(modules, f"{type(self).__name__}.extend"):
            self.append(module)
        return self

    def insert(self: Self, index: int, module: Module) -> Self:
        """Put ``module`` at position ``index`` and renumber the children; returns self."""
        check_module(f"{type(self).__name__}.insert", module)
        if not -len(self) <= index <= len(self):
            raise IndexError(
                f"{type(self).__name__}.insert: index {index} is out of range for {len(self)} "
                f"modules (from {-len(self)} to {len(self)})"
            )
        modules = list(self._modules.values())
        modules.insert(index, module)
        self._renumber(modules)
        return self

    def pop(self, index: int | slice) -> Module:
        """Remove and return the module at ``index`` (a container of them for a slice)."""
        module = self[index]
        del self[index]
        return module

    def _name_at(self, index: int) -> str:
        """The name of the child at position ``index`` (negative counts from the end)."""
        names = list(self._modules)
        try:
            position = operator.index(index)
        except TypeError:
            raise TypeError(f"{type(self).__name__}: index must be an int or a slice, got "
                            f"{type(index).__name__} {index!r}; to get a child by its name, use "
                            "get_submodule(name)") from None
        if not -len(names) <= position < len(names):
            raise IndexError(
                f"{type(self).__name__}: index {index} is out of range for {len(names)} modules"
            )
        return names[position]

    def _renumber(self, modules: list[Module]) -> None:
        """Make ``modules`` the children, named "0", "1", ... (custom names are lost)."""
        for name in list(self._modules):
            delattr(self, name)
        for number, module in enumerate(modules):
            setattr(self, str(number), module)

    def _slice(self: Self, index: slice) -> Self:
        """The children at ``index``, in a new container of this kind."""
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> Module: ...

    @overload
    def __getitem__(self: Self, index: slice) -> Self: ...

    def __getitem__(self: Self, index: int | slice) -> Module | Self:
        if isinstance(index, slice):
            return self._slice(index)
        return self._modules[self._name_at(index)]

    def __setitem__(self, index: int, module: Module) -> None:
        """Replace the module at position ``index``; it keeps the old one's name."""
        check_module(f"{type(self).__name__}.__setitem__", module)
        setattr(self, self._name_at(index), module)

    def __delitem__(self, index: int | slice) -> None:
        """Remove the module(s) at ``index``, then renumber the rest from "0"."""
        removed = list(self._modules)[index] if isinstance(index, slice) else [self._name_at(index)]
        self._renumber([m for name, m in self._modules.items() if name not in removed])

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())


class Sequential(_NumberedModules):
    """Modules applied one after another; children are named "0", "1", ...

    ``Sequential(OrderedDict([("hidden", ...), ...]))`` names them instead. As in
    PyTorch, a slice keeps the names, while deleting or inserting renumbers
    every child from "0".

    Example:
        >>> from tinygrad_mlp import nn
        >>> model = nn.Sequential(nn.Linear(4, 3), nn.Sigmoid())
        >>> [name for name, _ in model.named_parameters()]
        ['0.weight', '0.bias']
    """

    @overload
    def __init__(self, *modules: Module) -> None: ...

    @overload
    def __init__(self, named_modules: OrderedDict[str, Module], /) -> None: ...

    def __init__(self, *modules: Any) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, module in modules[0].items():
                self.add_module(name, module)
            return
        for position, module in enumerate(modules):
            check_module("Sequential", module, position)
            self.append(module)

    def forward(self, x: Any) -> Any:
        """Feed ``x`` through every module in order."""
        for module in self._modules.values():
            x = module(x)
        return x

    def _slice(self, index: slice) -> Sequential:
        return type(self)(OrderedDict(list(self._modules.items())[index]))

    def __add__(self, other: Sequential) -> Sequential:
        """A new Sequential of this one's modules, then ``other``'s (the same objects)."""
        return Sequential(*self, *_sequential(other, "+"))

    def __iadd__(self, other: Sequential) -> Sequential:
        return self.extend(list(_sequential(other, "+=")))

    def __mul__(self, times: int) -> Sequential:
        """These modules ``times`` times over, in a new Sequential.

        The repeats are the same objects, so they share their weights, as in PyTorch.
        """
        return Sequential(*(list(self) * _repeats(times)))

    def __rmul__(self, times: int) -> Sequential:
        return self * times

    def __imul__(self, times: int) -> Sequential:
        return self.extend(list(self) * (_repeats(times) - 1))


class ModuleList(_NumberedModules):
    """A list of modules whose parameters the owner registers; children named "0", "1", ...

    It has no ``forward``: the module that holds it decides how to use them.
    ``+`` and ``+=`` join lists; a slice is a new ModuleList of the same
    modules, numbered from "0" (as in PyTorch).

    Example:
        >>> from tinygrad_mlp import nn
        >>> class Net(nn.Module):
        ...     def __init__(self) -> None:
        ...         super().__init__()
        ...         self.layers = nn.ModuleList(nn.Linear(4, 4) for _ in range(3))
        ...     def forward(self, x):
        ...         for layer in self.layers:
        ...             x = layer(x).tanh()
        ...         return x
        >>> len(list(Net().parameters()))
        6
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _slice(self, index: slice) -> ModuleList:
        return type(self)(list(self._modules.values())[index])

    def __iadd__(self: Self, modules: Iterable[Module]) -> Self:
        return self.extend(modules)

    def __repr__(self) -> str:
        """PyTorch's: runs of children with the same repr are shown once, ``(0-2): 3 x ...``."""
        runs: list[tuple[int, int, str]] = []  # (first position, last position, repr)
        for position, module in enumerate(self):
            text = repr(module)
            if runs and runs[-1][2] == text:
                runs[-1] = (runs[-1][0], position, text)
            else:
                runs.append((position, position, text))
        if not runs:
            return f"{type(self).__name__}()"
        lines = [(f"({first}): " if first == last else f"({first}-{last}): {last - first + 1} x ")
                 + text.replace("\n", "\n  ") for first, last, text in runs]
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        """A new ModuleList of this one's modules, then those of ``other``."""
        return ModuleList([*self, *_checked_modules(other, "ModuleList.__add__")])


class ModuleDict(Module):
    """A dict of modules whose parameters the owner registers; each child is named by its key.

    Keys keep the order they were added in. A key must be a str that could
    name an attribute: not empty, no ".", and not a name the module already
    has (``"train"`` or ``"forward"``, say).

    Example:
        >>> from tinygrad_mlp import nn
        >>> heads = nn.ModuleDict({"species": nn.Linear(8, 3), "size": nn.Linear(8, 1)})
        >>> [name for name, _ in heads.named_parameters()]
        ['species.weight', 'species.bias', 'size.weight', 'size.bias']
    """

    def __init__(
        self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None
    ) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add or replace the children from a mapping or from (key, module) pairs.

        Every entry is checked first, so a bad one adds nothing.
        """
        where = f"{type(self).__name__}.update"
        if isinstance(modules, (Mapping, ModuleDict)):
            pairs = list(modules.items())
        elif isinstance(modules, Iterable) and not isinstance(modules, (str, Module)):
            pairs = list(modules)
            for position, pair in enumerate(pairs):
                if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                    raise TypeError(f"{where}: entry {position} should be a (key, module) pair, "
                                    f"got {type(pair).__name__}")
        else:
            raise TypeError(f"{where}: expected a mapping or (key, module) pairs, got "
                            f"{type(modules).__name__}")
        for key, module in pairs:
            if key not in self._modules:
                self._check_new_name("update", key, "_modules")
            check_module(f"{where}: the value for {key!r}", module)
        for key, module in pairs:
            setattr(self, key, module)

    def __getitem__(self, key: str) -> Module:
        self._check_key(key)
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        """Add ``module`` under ``key``, or replace the one there."""
        self.update({key: module})

    def __delitem__(self, key: str) -> None:
        self._check_key(key)
        delattr(self, key)

    def _check_key(self, key: str) -> None:
        """Raise a KeyError naming the keys there are unless ``key`` is one."""
        if key not in self._modules:
            raise KeyError(f"{type(self).__name__}: no module {key!r}; the keys are "
                           f"{list(self._modules)}")

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> Iterable[str]:
        """The keys, in order."""
        return self._modules.keys()

    def values(self) -> Iterable[Module]:
        """The modules, in order."""
        return self._modules.values()

    def items(self) -> Iterable[tuple[str, Module]]:
        """(key, module) pairs, in order."""
        return self._modules.items()

    def pop(self, key: str) -> Module:
        """Remove the module under ``key`` and return it."""
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        """Remove every module."""
        for key in list(self._modules):
            delattr(self, key)


class _ParameterContainer(Module):
    """What ParameterList and ParameterDict share: every entry is a Parameter, never None.

    A Module may keep a parameter's name with None in it; PyTorch's containers
    do too, and then hand None out as an entry. Here None is refused where it
    would come in (``register_parameter``, or assigning None to an entry's
    name), so indexing, iterating and ``repr`` always meet a Parameter.
    """

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` under ``name``; refuses None (see the class)."""
        self._refuse_none(name, param)
        super().register_parameter(name, param)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self.__dict__.get("_parameters", ()):
            self._refuse_none(name, value)
        super().__setattr__(name, value)

    def _refuse_none(self, name: str, value: object) -> None:
        if value is None:
            raise TypeError(f"{type(self).__name__}: entry {name!r} cannot be None here "
                            "(PyTorch's can); every entry is a Parameter")

    def extra_repr(self) -> str:
        """One line per entry, ``(0): Parameter containing: [float64 of size 2x3]``."""
        return "\n".join(f"  ({name}): {_summary(_registered(self, name))}"
                         for name in self._parameters)


class ParameterList(_ParameterContainer):
    """A list of parameters that the owner registers, named "0", "1", ... as in PyTorch.

    A Tensor that is not a Parameter is wrapped as one (sharing its data, and
    requiring grad), as PyTorch does. Inside a module, the parameters' names
    are ``"<attribute>.0"``, ``"<attribute>.1"``, ..., the keys PyTorch's
    state dict has for the same structure.

    Example:
        >>> import tinygrad_mlp as tm
        >>> from tinygrad_mlp import nn
        >>> class Scales(nn.Module):
        ...     def __init__(self) -> None:
        ...         super().__init__()
        ...         self.params = nn.ParameterList([tm.ones(2), tm.zeros(3)])
        >>> list(Scales().state_dict())
        ['params.0', 'params.1']
    """

    def __init__(self, values: Iterable[Tensor] | None = None) -> None:
        super().__init__()
        if values is not None:
            self.extend(values)

    def append(self, value: Tensor) -> ParameterList:
        """Add ``value`` (wrapped as a Parameter if need be) at the end; returns self."""
        self.register_parameter(str(len(self)), _as_parameter("ParameterList.append", value))
        return self

    def extend(self, values: Iterable[Tensor]) -> ParameterList:
        """Append each of ``values`` (none if any is not a Tensor); returns self."""
        where = "ParameterList.extend"
        if isinstance(values, Tensor) or not isinstance(values, Iterable):
            raise TypeError(f"{where}: expected an iterable of Parameters or Tensors, got "
                            f"{type(values).__name__}")
        parameters = [_as_parameter(f"{where} (item {position})", value)
                      for position, value in enumerate(values)]
        for parameter in parameters:
            self.append(parameter)
        return self

    def _name_at(self, index: int) -> str:
        """The name of the parameter at position ``index`` (negative counts from the end)."""
        try:
            position = operator.index(index)
        except TypeError:
            raise TypeError(f"ParameterList: index must be an int or a slice, got "
                            f"{type(index).__name__}") from None
        if not -len(self) <= position < len(self):
            raise IndexError(f"ParameterList: index {index} is out of range for {len(self)} "
                             "parameters")
        return str(position % len(self))

    @overload
    def __getitem__(self, index: int) -> Parameter: ...

    @overload
    def __getitem__(self, index: slice) -> ParameterList: ...

    def __getitem__(self, index: int | slice) -> Parameter | ParameterList:
        """The parameter at ``index``, or a new ParameterList of a slice, numbered from "0"."""
        if isinstance(index, slice):
            return ParameterList(list(self)[index])
        return _registered(self, self._name_at(index))

    def __setitem__(self, index: int, value: Tensor) -> None:
        """Replace the parameter at ``index``; the new one takes its name."""
        if isinstance(index, slice):
            raise TypeError("ParameterList: assigning to a slice is not supported; assign one "
                            "parameter at a time (pl[i] = p)")
        parameter = _as_parameter("ParameterList.__setitem__", value)
        self.register_parameter(self._name_at(index), parameter)

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[Parameter]:
        return (_registered(self, name) for name in self._parameters)

    def __iadd__(self, values: Iterable[Tensor]) -> ParameterList:
        return self.extend(values)


class ParameterDict(_ParameterContainer):
    """A dict of parameters that the owner registers, each named by its key.

    A Tensor that is not a Parameter is wrapped as one, as PyTorch does. A
    key must be a str that could name an attribute: not empty, no ".", and
    not a name the module already has (``"keys"`` or ``"train"``, say).
    Entries keep the order they were added in, but a plain ``dict`` given to
    the constructor or to ``update`` is added in sorted key order, as
    PyTorch does, so the parameters (and state dict keys) come in the same
    order as there; an ``OrderedDict`` or (key, value) pairs keep theirs.

    Example:
        >>> import tinygrad_mlp as tm
        >>> from tinygrad_mlp import nn
        >>> biases = nn.ParameterDict({"species": tm.zeros(3), "size": tm.zeros(1)})
        >>> [name for name, _ in biases.named_parameters()]
        ['size', 'species']
    """

    def __init__(
        self, parameters: Mapping[str, Tensor] | Iterable[tuple[str, Tensor]] | None = None
    ) -> None:
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def update(self, parameters: Mapping[str, Tensor] | Iterable[tuple[str, Tensor]]) -> None:
        """Add or replace entries from a mapping or from (key, value) pairs.

        Every entry is checked first, so a bad one adds nothing.

        Raises:
            TypeError: for something that is neither, a key that is not a str
                or a value that is not a Tensor.
            KeyError: for a key that is empty, has a ".", or names another attribute.
        """
        self._update(parameters, "update")

    def _update(self, parameters: Mapping[str, Tensor] | Iterable[tuple[str, Tensor]],
                op: str) -> None:
        """``update``, with errors naming ``op``, the method the user called."""
        where = f"{type(self).__name__}.{op}"
        if isinstance(parameters, (Mapping, ParameterDict)):
            pairs = list(parameters.items())
        elif isinstance(parameters, Iterable) and not isinstance(parameters, (str, Tensor)):
            pairs = list(parameters)
            for position, pair in enumerate(pairs):
                if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                    raise TypeError(f"{where}: entry {position} should be a (key, value) pair, "
                                    f"got {type(pair).__name__}")
        else:
            raise TypeError(f"{where}: expected a mapping or (key, value) pairs, got "
                            f"{type(parameters).__name__}")
        checked = []
        for key, value in pairs:
            if key not in self._parameters:
                self._check_new_name(op, key, "_parameters")
            checked.append((key, _as_parameter(f"{where}: the value for {key!r}", value)))
        if isinstance(parameters, Mapping) and not isinstance(parameters, OrderedDict):
            checked.sort(key=lambda pair: pair[0])  # PyTorch's order for a plain dict
        for key, parameter in checked:
            self.register_parameter(key, parameter)

    def __getitem__(self, key: str) -> Parameter:
        self._check_key(key)
        return _registered(self, key)

    def __setitem__(self, key: str, value: Tensor) -> None:
        """Add ``value`` (wrapped as a Parameter if need be) under ``key``, or replace it."""
        self._update([(key, value)], "__setitem__")

    def __delitem__(self, key: str) -> None:
        self._check_key(key)
        delattr(self, key)

    def _check_key(self, key: str) -> None:
        """Raise a KeyError naming the keys there are unless ``key`` is one."""
        if key not in self._parameters:
            raise KeyError(f"{type(self).__name__}: no parameter {key!r}; the keys are "
                           f"{list(self._parameters)}")

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[str]:
        return iter(self._parameters)

    def __contains__(self, key: object) -> bool:
        return key in self._parameters

    def keys(self) -> Iterable[str]:
        """The keys, in order."""
        return self._parameters.keys()

    def values(self) -> Iterable[Parameter]:
        """The parameters, in order."""
        return [_registered(self, key) for key in self._parameters]

    def items(self) -> Iterable[tuple[str, Parameter]]:
        """(key, parameter) pairs, in order."""
        return [(key, _registered(self, key)) for key in self._parameters]

    def get(self, key: str, default: Parameter | None = None) -> Parameter | None:
        """The parameter under ``key``, or ``default`` if there is none."""
        return _registered(self, key) if key in self._parameters else default

    def pop(self, key: str) -> Parameter:
        """Remove the parameter under ``key`` and return it."""
        parameter = self[key]
        del self[key]
        return parameter

    def clear(self) -> None:
        """Remove every parameter."""
        for key in list(self._parameters):
            delattr(self, key)


def _as_parameter(where: str, value: object) -> Parameter:
    """``value`` itself if it is a Parameter; a Tensor wrapped as one, sharing its data."""
    if isinstance(value, Parameter):
        return value
    if not isinstance(value, Tensor):
        hint = " (wrap an array as nn.Parameter(a))" if hasattr(value, "__array__") else ""
        raise TypeError(f"{where}: expected a Parameter or a Tensor, got "
                        f"{type(value).__name__}{hint}")
    if value.dtype.kind != "f":
        raise TypeError(f"{where}: a parameter must be floating point (it requires grad), got "
                        f"dtype {value.dtype}; convert it first with .double() or .float()")
    return Parameter(value)


def _registered(owner: Module, name: str) -> Parameter:
    """The parameter registered as ``name`` (the containers never hold None)."""
    parameter = owner._parameters[name]
    assert parameter is not None
    return parameter


def _summary(parameter: Parameter) -> str:
    """``Parameter containing: [float64 of size 2x3]``: PyTorch's line for a container's entry."""
    return (f"Parameter containing: [{parameter.dtype} of size "
            f"{'x'.join(map(str, parameter.shape))}]")


def _checked_modules(modules: Iterable[Module], where: str) -> list[Module]:
    """``modules`` read once into a list (a generator, or the container itself), all checked."""
    if not isinstance(modules, Iterable):
        raise TypeError(f"{where}: expected an iterable of Modules, got {type(modules).__name__}")
    modules = list(modules)
    for position, module in enumerate(modules):
        check_module(where, module, position)
    return modules


def _sequential(other: object, operator_name: str) -> Sequential:
    """``other``, checked to be a Sequential (what ``+`` joins, as in PyTorch)."""
    if not isinstance(other, Sequential):
        raise ValueError(f"Sequential {operator_name}: only another Sequential can be added, got "
                         f"{type(other).__name__}")
    return other


def _repeats(times: object) -> int:
    """The factor of ``Sequential * times``: a positive int."""
    if isinstance(times, bool) or not isinstance(times, int):
        raise TypeError(f"Sequential *: the factor must be an int, got {type(times).__name__}")
    if times <= 0:
        raise ValueError(f"Sequential *: the factor must be positive, got {times}")
    return times
