"""Module and Parameter: the building blocks of networks, as in PyTorch.

A ``Module`` registers the ``Parameter``s and sub-modules assigned to its
attributes, so ``parameters()`` finds every weight of a network and
``named_parameters()`` names each one by its dotted path (``"0.weight"``).
Calling a module runs its ``forward`` inside a *scope*: every op recorded
meanwhile remembers the module, which is how graph drawings group nodes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from tinygrad_mlp import autograd
from tinygrad_mlp.tensor import Array, Tensor


class Parameter(Tensor):
    """A Tensor that a Module registers as one of its weights; requires grad by default."""

    __slots__ = ()

    def __init__(
        self, data: Tensor | ArrayLike, requires_grad: bool = True, dtype: DTypeLike | None = None
    ) -> None:
        super().__init__(data, requires_grad=requires_grad, dtype=dtype)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


def _value_problem(name: str, value: Array, parameter: Tensor) -> str | None:
    """Why ``value`` cannot be copied into ``parameter``, or None if it can."""
    if value.dtype.kind not in "biuf":
        return f"{name}: dtype {value.dtype} is not a number"
    if value.shape != parameter.shape:
        return f"{name}: shape {value.shape} in the state dict, {parameter.shape} in the model"
    if value.dtype.kind == "f" and parameter.dtype.kind == "f" and value.size:
        finite = np.abs(value[np.isfinite(value)])
        if finite.size and finite.max() > np.finfo(parameter.dtype).max:
            return (
                f"{name}: dtype {value.dtype} in the state dict, {parameter.dtype} in the "
                f"model, and its values up to {finite.max():.3g} would overflow to inf"
            )
    return None


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` skipped."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """Base class of every layer and network.

    Subclasses set parameters and sub-modules as attributes in ``__init__``
    (after calling ``super().__init__()``) and define ``forward``.
    """

    training: bool
    _parameters: dict[str, Parameter]
    _modules: dict[str, Module]

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)

    def __setattr__(self, name: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"{type(self).__name__}: call super().__init__() before assigning attributes"
            )
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        object.__delattr__(self, name)

    # -- running --------------------------------------------------------------

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Compute the module's output (implemented by each subclass)."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward``, recording the ops it makes as belonging to this module."""
        outer = autograd._scope
        autograd._scope = (*outer, self)
        try:
            return self.forward(*args, **kwargs) if kwargs else self.forward(*args)
        finally:
            autograd._scope = outer

    # -- walking the tree --------------------------------------------------------

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct sub-modules with their attribute names."""
        yield from self._modules.items()

    def children(self) -> Iterator[Module]:
        """The direct sub-modules."""
        for _, module in self.named_children():
            yield module

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and all below it, each once, with dotted names (this one is "")."""
        seen: set[int] = set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(f"{name}.{n}" if name else n, m) for n, m in module.named_children()]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        """This module and all below it."""
        for _, module in self.named_modules():
            yield module

    def named_parameters(
        self, prefix: str = "", recurse: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Every parameter once, named by its dotted path (``"0.weight"``)."""
        seen: set[int] = set()
        modules = self.named_modules(prefix) if recurse else iter([(prefix, self)])
        for module_name, module in modules:
            for name, parameter in module._parameters.items():
                if id(parameter) not in seen:
                    seen.add(id(parameter))
                    yield (f"{module_name}.{name}" if module_name else name), parameter

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter once (what an optimizer takes)."""
        for _, parameter in self.named_parameters(recurse=recurse):
            yield parameter

    # -- training helpers ---------------------------------------------------------

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of every parameter (None, or zeros)."""
        for parameter in self.parameters():
            if set_to_none or parameter.grad is None:
                parameter.grad = None
            else:
                parameter.grad = Tensor(np.zeros_like(parameter.data))

    def train(self, mode: bool = True) -> Module:
        """Set training mode on this module and all below it; returns self."""
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode (``train(False)``); returns self."""
        return self.train(False)

    # -- state ---------------------------------------------------------------------

    def state_dict(self) -> dict[str, Array]:
        """Every parameter's values by dotted name, as copies (a snapshot).

        Unlike PyTorch, whose state dict shares memory with the model, later
        training does not change a state dict taken earlier.
        """
        return {name: p.data.copy() for name, p in self.named_parameters()}

    def load_state_dict(
        self, state_dict: Mapping[str, ArrayLike | Tensor], strict: bool = True
    ) -> IncompatibleKeys:
        """Copy values into the parameters, in place; all checks come before any change.

        Args:
            state_dict: name -> array (or Tensor), as ``state_dict()`` returns.
            strict: raise on missing or unexpected names (shapes are always
                checked).

        Returns:
            The names that were missing and unexpected (empty when strict).

        Values are cast to each parameter's dtype, as PyTorch's ``copy_`` does,
        losing precision silently (float64 into float32), but a value too large
        for the parameter's dtype is refused rather than turned into inf.

        Raises:
            TypeError: if ``state_dict`` is not a mapping (a file name, say).
            RuntimeError: naming every missing, unexpected, wrongly shaped,
                non-numeric or overflowing entry; the module is left unchanged.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"load_state_dict: expected a state dict (a mapping of names to arrays), got "
                f"{type(state_dict).__name__}; to read a saved file, pass tm.load(path)"
            )
        own = dict(self.named_parameters())
        missing = [name for name in own if name not in state_dict]
        unexpected = [name for name in state_dict if name not in own]
        values: dict[str, Array] = {}
        problems: list[str] = []
        for name, given in state_dict.items():
            if name in own:
                try:
                    values[name] = np.asarray(given.data if isinstance(given, Tensor) else given)
                except ValueError as error:
                    problems.append(f"{name}: the value is not rectangular ({error})")
                    continue
                problem = _value_problem(name, values[name], own[name])
                if problem:
                    problems.append(problem)
        if strict:
            problems += [f"missing key {name!r}" for name in missing]
            problems += [f"unexpected key {name!r}" for name in unexpected]
        if problems:
            raise RuntimeError(
                f"load_state_dict: cannot load into {type(self).__name__}, nothing was changed:\n  "
                + "\n  ".join(problems)
            )
        for name, value in values.items():
            parameter = own[name]
            parameter.data[...] = value
            parameter._version += 1
        return IncompatibleKeys(missing, unexpected)

    # -- printing ------------------------------------------------------------------

    def extra_repr(self) -> str:
        """The arguments shown inside this module's parentheses."""
        return ""

    def __repr__(self) -> str:
        children = [
            f"({name}): " + repr(module).replace("\n", "\n  ")
            for name, module in self.named_children()
        ]
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = ([self.extra_repr()] if self.extra_repr() else []) + children
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"
