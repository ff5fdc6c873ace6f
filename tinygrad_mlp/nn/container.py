"""Containers: modules that hold other modules, as ``torch.nn``'s do.

- ``Sequential`` runs its children one after another: a network in one line.
- ``ModuleList`` is a list of modules for a ``forward`` you write yourself
  (a plain Python list would hide their parameters from ``parameters()``).
- ``ModuleDict`` is the same as a dict, for children chosen by name.

The children are registered like any attribute's, so ``parameters()``,
``state_dict()``, ``train()`` and ``zero_grad()`` reach them; a list's
children are named by position ("0", "1", ...), a dict's by key.
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar, overload

from tinygrad_mlp.nn.module import Module, check_module

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
        if not -len(names) <= operator.index(index) < len(names):
            raise IndexError(
                f"{type(self).__name__}: index {index} is out of range for {len(names)} modules"
            )
        return names[index]

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
