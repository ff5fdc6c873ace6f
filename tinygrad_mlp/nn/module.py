"""Module and Parameter: the building blocks of networks, as in PyTorch.

A ``Module`` registers the ``Parameter``s and sub-modules assigned to its
attributes, so ``parameters()`` finds every weight of a network and
``named_parameters()`` names each one by its dotted path (``"0.weight"``).
Calling a module runs its ``forward`` inside a *scope*: every op recorded
meanwhile remembers the module, which is how graph drawings group nodes.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from tinygrad_mlp import autograd, checks
from tinygrad_mlp.dtypes import get_default_dtype
from tinygrad_mlp.tensor import Array, Tensor, own_copy


class Parameter(Tensor):
    """A Tensor that a Module registers as one of its weights; requires grad by default."""

    __slots__ = ()

    def __init__(
        self, data: Tensor | ArrayLike, requires_grad: bool = True, dtype: DTypeLike | None = None
    ) -> None:
        super().__init__(data, requires_grad=requires_grad, dtype=dtype)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class Buffer(Tensor):
    """A Tensor that a Module registers as a buffer when it is assigned to an attribute.

    ``self.running_mean = nn.Buffer(tm.zeros(3))`` in ``__init__`` is
    ``self.register_buffer("running_mean", tm.zeros(3))``, as in PyTorch:
    the buffer is in ``buffers()`` and, unless ``persistent`` is False, in
    ``state_dict()``. It shares ``data``'s values, detached from its graph
    (``requires_grad`` kept), as PyTorch's ``data.detach()`` does.

    Args:
        data: the values (an empty float tensor if None).
        persistent: whether the buffer is saved in ``state_dict()``.

    Raises:
        TypeError: if ``data`` is not a Tensor or None, or ``persistent`` not a bool.
    """

    __slots__ = ("persistent",)

    def __init__(self, data: Tensor | None = None, *, persistent: bool = True) -> None:
        if data is None:
            data = Tensor(np.empty(0, get_default_dtype()))
        if not isinstance(data, Tensor):
            raise TypeError(f"Buffer: data must be a Tensor or None, got {type(data).__name__} "
                            "(wrap an array as tm.tensor(a))")
        self.persistent = checks.flag("Buffer", "persistent", persistent)
        super().__init__(data.detach(), requires_grad=data.requires_grad)

    def __deepcopy__(self, memo: dict[int, Any]) -> Tensor:
        """A copy, as a Tensor's, that is still persistent or not."""
        copied: Any = super().__deepcopy__(memo)
        copied.persistent = self.persistent
        return copied


def _value_problem(name: str, value: Array, tensor: Tensor) -> str | None:
    """Why ``value`` cannot be copied into ``tensor`` (a parameter or buffer), or None if it can."""
    if value.dtype.kind not in "biuf":
        return f"{name}: dtype {value.dtype} is not a number"
    if value.shape != tensor.shape:
        return f"{name}: shape {value.shape} in the state dict, {tensor.shape} in the model"
    if value.dtype.kind == "f" and tensor.dtype.kind == "f" and value.size:
        finite = np.abs(value[np.isfinite(value)])
        if finite.size and finite.max() > np.finfo(tensor.dtype).max:
            return (
                f"{name}: dtype {value.dtype} in the state dict, {tensor.dtype} in the "
                f"model, and its values up to {finite.max():.3g} would overflow to inf"
            )
    return None


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` skipped."""

    missing_keys: list[str]
    unexpected_keys: list[str]


# False until some module gets forward hooks (registered, copied or unpickled):
# until then a call reads this global, not two attributes of the module.
_hooks_in_use = False


class Module:
    """Base class of every layer and network.

    Subclasses set parameters and sub-modules as attributes in ``__init__``
    (after calling ``super().__init__()``) and define ``forward``.
    """

    training: bool
    _parameters: dict[str, Parameter | None]  # None: a parameter set to None, name kept
    _buffers: dict[str, Tensor | None]  # state that is not trained: running statistics
    _non_persistent_buffers: set[str]  # buffers left out of state_dict()
    _modules: dict[str, Module]
    # Empty until a hook is registered; a call reads them only once _hooks_in_use is set.
    _forward_pre_hooks: list[Callable[..., Any]] | tuple[()] = ()
    _forward_hooks: list[Callable[..., Any]] | tuple[()] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Give each module class its own copy of ``__call__``, as ``Function`` does for ops."""
        super().__init_subclass__(**kwargs)
        if "__call__" not in vars(cls):
            cls.__call__ = own_copy(Module.__call__)  # type: ignore[method-assign]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:  # a layer without an __init__ of its own, such as nn.Sigmoid(3)
            given = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
            raise TypeError(f"{type(self).__name__}() takes no arguments, got {', '.join(given)}")
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)

    def __setattr__(self, name: str, value: Any) -> None:
        """Register a Parameter or Module by its attribute name; refuse to overwrite one wrongly.

        As in PyTorch, a registered parameter may only become another Parameter
        or None (which keeps the name reserved for a Parameter), a registered
        sub-module only another Module, a Parameter, or None, and a buffer
        (see ``register_buffer``) another Tensor or None, unless a Parameter or
        Module takes its name. None unregisters a sub-module (PyTorch keeps an
        empty slot), so the name is free again. A ``Buffer`` registers (or
        replaces) a buffer, persistent or not as it says.

        Raises:
            TypeError: for any other value over a registered parameter, sub-module
                or buffer, where it would silently drop out of ``parameters()``
                or ``state_dict()``.
        """
        if "_parameters" not in self.__dict__:
            if not isinstance(value, (Parameter, Module, Buffer)):  # plain values may come first
                object.__setattr__(self, name, value)
                return
            raise AttributeError(
                f"{type(self).__name__}: call super().__init__() before assigning "
                f"{type(value).__name__} {name!r}"
            )
        where = f"{type(self).__name__}.{name}"
        if isinstance(value, Parameter):
            self._modules.pop(name, None)
            self._forget_buffer(name)
            self._parameters[name] = value
        elif name in self._parameters:
            if value is not None:
                raise TypeError(
                    f"{where} is a parameter: assign a Parameter or None, not "
                    f"{type(value).__name__} (wrap a tensor as nn.Parameter(t))"
                )
            self._parameters[name] = None
        elif isinstance(value, Module):
            self._forget_buffer(name)
            self._modules[name] = value
        elif name in self._modules:
            if value is not None:
                raise TypeError(
                    f"{where} is a sub-module: assign a Module or None, not {type(value).__name__}"
                )
            del self._modules[name]
        elif isinstance(value, Buffer):
            self.register_buffer(name, value, value.persistent)
            return
        elif name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"{where} is a buffer: assign a Tensor or None, not {type(value).__name__} "
                    "(wrap an array as tm.tensor(a))"
                )
            self._buffers[name] = value
        object.__setattr__(self, name, value)

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a copied or unpickled module, noting whether it brings forward hooks."""
        global _hooks_in_use
        _hooks_in_use = _hooks_in_use or "_forward_pre_hooks" in state or "_forward_hooks" in state
        self.__dict__.update(state)

    def __delattr__(self, name: str) -> None:
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        self._forget_buffer(name)
        object.__delattr__(self, name)

    def _forget_buffer(self, name: str) -> None:
        self._buffers.pop(name, None)
        self._non_persistent_buffers.discard(name)

    # -- running --------------------------------------------------------------

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Compute the module's output (implemented by each subclass)."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward``, recording the ops it makes as belonging to this module.

        Forward pre-hooks run first and forward hooks after, as in PyTorch.
        """
        scope = autograd._scope
        outer = scope[0]
        scope[0] = outer + (self,)  # noqa: RUF005 (cheaper than (*outer, self))
        try:
            if _hooks_in_use and (self._forward_pre_hooks or self._forward_hooks):
                return self._call_with_hooks(args, kwargs)
            if len(args) == 1 and not kwargs:  # the common case, as a plain (cached) method call
                return self.forward(args[0])
            return self.forward(*args, **kwargs)
        finally:
            scope[0] = outer

    def _call_with_hooks(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        for hook in list(self._forward_pre_hooks):  # a copy: a hook may remove itself
            replaced = hook(self, args)
            if replaced is not None:
                args = replaced if isinstance(replaced, tuple) else (replaced,)
        output = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks):
            replaced = hook(self, args, output)
            if replaced is not None:
                output = replaced
        return output

    def register_forward_pre_hook(
        self, hook: Callable[[Module, tuple[Any, ...]], Any]
    ) -> autograd.RemovableHandle:
        """Call ``hook(module, args)`` before each forward, as in PyTorch.

        The hook may return new positional arguments (a tuple, or one value),
        or None to keep them.

        Returns:
            A handle whose ``remove()`` unregisters the hook.
        """
        return self._add_hook("_forward_pre_hooks", hook, "register_forward_pre_hook")

    def register_forward_hook(
        self, hook: Callable[[Module, tuple[Any, ...], Any], Any]
    ) -> autograd.RemovableHandle:
        """Call ``hook(module, args, output)`` after each forward, as in PyTorch.

        The hook may return a new output, or None to keep it: the usual way to
        look at a layer's activations (and, with ``output.retain_grad()``,
        at their gradients after backward).

        Returns:
            A handle whose ``remove()`` unregisters the hook.
        """
        return self._add_hook("_forward_hooks", hook, "register_forward_hook")

    def _add_hook(self, where: str, hook: Callable[..., Any], op: str) -> autograd.RemovableHandle:
        if not callable(hook):
            raise TypeError(f"{type(self).__name__}.{op}: hook must be callable, got "
                            f"{type(hook).__name__}")
        global _hooks_in_use
        if where not in self.__dict__:
            object.__setattr__(self, where, [])
        _hooks_in_use = True
        hooks: list[Callable[..., Any]] = self.__dict__[where]
        hooks.append(hook)
        return autograd.RemovableHandle(hooks, hook)

    # -- registering by name --------------------------------------------------------

    def _check_new_name(self, where: str, name: object, registry: str) -> None:
        """Raise unless ``name`` may name an entry of ``self.<registry>`` (PyTorch's rules)."""
        owner = f"{type(self).__name__}.{where}"
        if registry not in self.__dict__:
            raise AttributeError(f"{owner}: call super().__init__() before registering {name!r}")
        if not isinstance(name, str):
            raise TypeError(f"{owner}: name must be a str, got {type(name).__name__}")
        if not name or "." in name:
            raise KeyError(f"{owner}: name {name!r} must be non-empty and contain no '.'")
        if hasattr(self, name) and name not in self.__dict__[registry]:
            raise KeyError(f"{owner}: {type(self).__name__} already has an attribute {name!r}")

    def add_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` as the child ``name``, as ``setattr`` would for a valid name.

        Raises:
            TypeError: if ``name`` is not a str or ``module`` neither a Module nor None.
            KeyError: if ``name`` is empty, dotted, or another attribute's name.
        """
        self._check_new_name("add_module", name, "_modules")
        if module is not None:  # None: an empty slot, as PyTorch allows (e.g. no downsample)
            check_module(f"{type(self).__name__}.add_module", module)
        setattr(self, name, module)

    def register_module(self, name: str, module: Module | None) -> None:
        """PyTorch's other name for ``add_module``."""
        self.add_module(name, module)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` as the parameter ``name``; None reserves the name, empty.

        Raises:
            TypeError: if ``name`` is not a str or ``param`` neither a Parameter nor None.
            KeyError: if ``name`` is empty, dotted, or another attribute's name.
        """
        self._check_new_name("register_parameter", name, "_parameters")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"{type(self).__name__}.register_parameter: {name!r} must be a Parameter or "
                f"None, got {type(param).__name__}"
            )
        self._parameters[name] = param
        object.__setattr__(self, name, param)

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register ``tensor`` as the buffer ``name``: module state that is not a parameter.

        A buffer (BatchNorm's running mean, say) is not trained: it is not in
        ``parameters()``, so no optimizer changes it, but it is in
        ``state_dict()`` unless ``persistent`` is False, and it is reached by
        ``buffers()``. Assigning a Tensor to ``self.<name>`` later replaces it.
        None reserves the name, empty, as in PyTorch.

        Raises:
            TypeError: if ``name`` is not a str or ``tensor`` neither a Tensor nor None.
            KeyError: if ``name`` is empty, dotted, or another attribute's name.
        """
        self._check_new_name("register_buffer", name, "_buffers")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"{type(self).__name__}.register_buffer: {name!r} must be a Tensor or None, got "
                f"{type(tensor).__name__} (wrap an array as tm.tensor(a))"
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)
        object.__setattr__(self, name, tensor)

    def get_submodule(self, target: str) -> Module:
        """The sub-module at the dotted path ``target`` ("" is this module).

        Raises:
            AttributeError: naming the first part of the path that is not a sub-module.
        """
        module: Module = self
        walked: list[str] = []
        for part in target.split(".") if target else []:
            if part not in module._modules:
                at = f"{'.'.join(walked) or 'the top'} ({type(module).__name__})"
                raise AttributeError(
                    f"get_submodule({target!r}): {at} has no sub-module {part!r}; "
                    f"its sub-modules are {list(module._modules)}"
                )
            module = module._modules[part]
            walked.append(part)
        return module

    # -- walking the tree --------------------------------------------------------

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at the dotted path ``target`` (``"0.weight"``), as ``state_dict`` names it.

        Raises:
            AttributeError: naming the module on the path that has no such sub-module
                or parameter.
        """
        return self._get_member(target, "_parameters", "get_parameter", "parameter")

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at the dotted path ``target`` (``"0.running_mean"``).

        Raises:
            AttributeError: naming the module on the path that has no such sub-module
                or buffer.
        """
        return self._get_member(target, "_buffers", "get_buffer", "buffer")

    def _get_member(self, target: str, registry: str, op: str, what: str) -> Any:
        """The entry of ``registry`` named by the last part of ``target``, in its module."""
        path, _, name = target.rpartition(".")
        try:
            module = self.get_submodule(path)
        except AttributeError as error:
            detail = str(error).split("): ", 1)[-1]  # what get_submodule found missing
            raise AttributeError(f"{op}({target!r}): {detail}") from None
        members = getattr(module, registry)
        if members.get(name) is None:
            raise AttributeError(f"{op}({target!r}): {type(module).__name__} has no {what} "
                                 f"{name!r}; its {what}s are "
                                 f"{[n for n, v in members.items() if v is not None]}")
        return members[name]

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct sub-modules, each once, under the first name it is registered by."""
        seen: set[int] = set()
        for name, module in self._modules.items():
            if id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        """The direct sub-modules."""
        for _, module in self.named_children():
            yield module

    def named_modules(
        self, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """This module and all below it with dotted names (this one is ""), in preorder.

        A module reachable by several paths comes once, under its first name,
        unless ``remove_duplicate`` is False (then once per path).
        """
        seen: set[int] = set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if id(module) in seen:
                    continue
                seen.add(id(module))
            yield name, module
            children = [(f"{name}.{n}" if name else n, m) for n, m in module._modules.items()]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        """This module and all below it."""
        for _, module in self.named_modules():
            yield module

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Every parameter named by its dotted path (``"0.weight"``).

        A parameter shared by several modules (tied weights) comes once, under
        its first name, unless ``remove_duplicate`` is False (then under each).

        Warns:
            UserWarning: if an attribute holds a list, tuple or dict of modules
                that are not registered (see ``_warn_about_hidden_modules``).
        """
        if recurse:
            self._warn_about_hidden_modules()
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter once (what an optimizer takes); warns as ``named_parameters``."""
        if recurse:
            self._warn_about_hidden_modules()
        for _, parameter in self._named_members("_parameters", "", recurse, True):
            yield parameter

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        """Every buffer named by its dotted path (``"0.running_mean"``), each once by default."""
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer once."""
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def _warn_about_hidden_modules(self) -> None:
        """Warn for each attribute holding modules that this module does not register.

        Module registers only Modules and Parameters assigned directly, as in
        PyTorch, so layers kept in a plain list (``self.layers = [...]``, or
        appended to one later) are missed by ``parameters()``, ``state_dict()``,
        ``train()``/``eval()`` and ``to()``: an optimizer never trains them.
        PyTorch is silent about it. Checked when the parameters or the state
        are asked for, so a list whose modules are registered by then (passed
        to a ``Sequential``, say) is fine, and an attribute named with a
        leading underscore is left alone: the way to keep modules out on purpose.
        """
        registered: set[int] | None = None
        for owner in self.modules():
            for name, value in vars(owner).items():
                if name.startswith("_") or not isinstance(value, (list, tuple, dict)):
                    continue
                held = value.values() if isinstance(value, dict) else value
                modules = [m for m in held if isinstance(m, Module)]
                if not modules:
                    continue
                if registered is None:
                    registered = {id(m) for m in self.modules()}
                if any(id(m) not in registered for m in modules):
                    kind = "ModuleDict" if isinstance(value, dict) else "ModuleList"
                    warnings.warn(
                        f"{type(owner).__name__}.{name}: a {type(value).__name__} of Modules is "
                        "not registered, so parameters(), state_dict(), train()/eval() and to() "
                        "miss them, and no optimizer trains their weights; use "
                        f"nn.{kind}(...), as in PyTorch (or name the attribute _{name} to "
                        "keep them out on purpose)",
                        UserWarning,
                        stacklevel=3,  # the line that asked for the parameters
                    )

    def _named_members(
        self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool
    ) -> Iterator[tuple[str, Any]]:
        """The entries of ``registry`` (``_parameters`` or ``_buffers``) of every module below."""
        seen: set[int] = set()
        modules = (
            self.named_modules(prefix, remove_duplicate) if recurse else iter([(prefix, self)])
        )
        for module_name, module in modules:
            for name, member in getattr(module, registry).items():
                if member is None or (remove_duplicate and id(member) in seen):
                    continue
                seen.add(id(member))
                yield (f"{module_name}.{name}" if module_name else name), member

    # -- training helpers ---------------------------------------------------------

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of every parameter (None, or zeros)."""
        for _, parameter in self._named_members("_parameters", "", True, True):
            if set_to_none or parameter.grad is None:
                parameter.grad = None
            else:
                parameter.grad = Tensor(np.zeros_like(parameter.data))

    def train(self, mode: bool = True) -> Module:
        """Set training mode on this module, then ``train(mode)`` on each child; returns self.

        Calling each child's own ``train`` lets a subclass that overrides it
        react to the change, as in PyTorch.

        Raises:
            ValueError: if ``mode`` is not a bool.
        """
        if not isinstance(mode, bool):
            raise ValueError(
                f"{type(self).__name__}.train: mode must be a bool, got {type(mode).__name__}"
            )
        self.training = mode
        for child in self.children():
            child.train(mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode (``train(False)``); returns self."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Set ``requires_grad`` on every parameter (False freezes them); returns self."""
        for _, parameter in self._named_members("_parameters", "", True, True):
            parameter.requires_grad_(requires_grad)
        return self

    def to(self, *args: Any, dtype: DTypeLike | None = None, device: str | None = None) -> Module:
        """Convert the floating point parameters and buffers (and gradients) to ``dtype``.

        As in PyTorch, ``model.to(tm.float32)``, ``model.to(dtype=...)``,
        ``model.to(tensor)`` (that tensor's dtype) and ``model.to("cpu")`` all
        work; the device can only be the CPU, so it changes nothing. The
        parameter objects stay the same (an optimizer built before still
        updates them), their arrays are replaced, and integer buffers (a step
        count) keep their dtype. Returns self.

        Raises:
            TypeError: for a dtype that is not floating point, or an argument
                that is neither a dtype, a device nor a Tensor.
            ValueError: for a device other than the CPU.
        """
        where = f"{type(self).__name__}.to"
        for given in args:
            if isinstance(given, Tensor):
                dtype = given.dtype
            elif isinstance(given, str) and given.split(":")[0] in ("cpu", "cuda", "mps", "meta"):
                device = given
            else:
                dtype = given
        checks.device(where, device)
        if dtype is None:
            return self
        try:
            target = np.dtype(dtype)
        except TypeError:
            raise TypeError(f"{where}: expected a dtype, a device or a Tensor, got {dtype!r}") \
                from None
        if target.kind != "f":
            raise TypeError(f"{where}: only floating point dtypes (float32, float64), got {target}")
        self._warn_about_hidden_modules()  # to() converts registered tensors only
        members = [*self._named_members("_parameters", "", True, True),
                   *self._named_members("_buffers", "", True, True)]
        tensors = {id(t): t for _, t in members}
        for tensor in tensors.values():
            if tensor.dtype.kind == "f" and tensor.dtype != target:
                tensor.data = tensor.data.astype(target)  # counts as an in-place change
                if tensor._grad is not None:
                    tensor._grad = Tensor(tensor._grad.data.astype(target))
        return self

    def double(self) -> Module:
        """``to(float64)``: the floating point parameters and buffers in double precision."""
        return self.to(np.float64)

    def float(self) -> Module:
        """``to(float32)``: the floating point parameters and buffers in single precision."""
        return self.to(np.float32)

    def half(self) -> Module:
        """``to(float16)``: the floating point parameters and buffers in half precision."""
        return self.to(np.float16)

    def cpu(self) -> Module:
        """Itself: parameters and buffers are already in the CPU's memory (as ``to("cpu")``)."""
        return self

    def apply(self, fn: Callable[[Module], object]) -> Module:
        """Call ``fn`` on every sub-module (children first), then on this one; returns self.

        The usual use is custom initialization: ``model.apply(init_weights)``.

        Raises:
            TypeError: if ``fn`` is not callable.
        """
        if not callable(fn):
            raise TypeError(f"{type(self).__name__}.apply: fn must be a function of a module, "
                            f"got {type(fn).__name__}")
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # -- state ---------------------------------------------------------------------

    def _named_state(self) -> Iterator[tuple[str, Tensor]]:
        """The parameters and persistent buffers, module by module, under every name."""
        for module_name, module in self.named_modules(remove_duplicate=False):
            prefix = f"{module_name}." if module_name else ""
            for name, parameter in module._parameters.items():
                if parameter is not None:
                    yield prefix + name, parameter
            for name, buffer in module._buffers.items():
                if buffer is not None and name not in module._non_persistent_buffers:
                    yield prefix + name, buffer

    def state_dict(self) -> dict[str, Array]:
        """Every parameter's and persistent buffer's values by dotted name, as copies.

        The order is PyTorch's: each module's parameters, then its buffers,
        then its children's. A shared parameter (tied weights, or a module
        used twice) appears under each of its names, as in PyTorch, so the
        keys follow the architecture. Unlike PyTorch, whose state dict shares
        memory with the model, later training does not change a state dict
        taken earlier.
        """
        self._warn_about_hidden_modules()
        return {name: tensor.data.copy() for name, tensor in self._named_state()}

    def load_state_dict(
        self, state_dict: Mapping[str, ArrayLike | Tensor], strict: bool = True
    ) -> IncompatibleKeys:
        """Copy values into the parameters and buffers, in place; all checks come before any change.

        Args:
            state_dict: name -> array (or Tensor), as ``state_dict()`` returns.
            strict: raise on missing or unexpected names (shapes are always
                checked).

        Returns:
            The names that were missing and unexpected (empty when strict).

        A shared parameter is loaded under each of its names in turn (the last
        wins), as in PyTorch. Values are cast to each parameter's dtype, as
        PyTorch's ``copy_`` does, losing precision silently (float64 into
        float32), but a value too large for the parameter's dtype is refused
        rather than turned into inf.

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
        state_dict = self._with_defaults(state_dict)
        own = dict(self._named_state())
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
        for name, tensor in own.items():
            if name in values:
                tensor.data[...] = values[name]
                tensor._version += 1
        return IncompatibleKeys(missing, unexpected)

    def _state_defaults(self) -> dict[str, Array]:
        """Entries of this module's state that a state dict may leave out, with their values.

        None here; BatchNorm's step count, which PyTorch also fills in for
        state dicts saved without it.
        """
        return {}

    def _with_defaults(self, state_dict: Mapping[str, Any]) -> Mapping[str, Any]:
        """``state_dict`` with every module's ``_state_defaults`` added where it has none."""
        prefixes: dict[int, tuple[Module, list[str]]] = {}  # a shared module has several
        for module_name, module in self.named_modules(remove_duplicate=False):
            prefixes.setdefault(id(module), (module, []))[1].append(
                f"{module_name}." if module_name else "")
        filled = dict(state_dict)
        for module, names in prefixes.values():
            for key, value in module._state_defaults().items():
                # a value given under any of a shared module's names stands for all of them
                given = [state_dict[p + key] for p in names if p + key in state_dict]
                for prefix in names:
                    filled.setdefault(prefix + key, given[-1] if given else value)
        return filled if len(filled) > len(state_dict) else state_dict

    # -- printing ------------------------------------------------------------------

    def extra_repr(self) -> str:
        """The arguments shown inside this module's parentheses."""
        return ""

    def __repr__(self) -> str:
        """PyTorch's layout: ``Name(extra)`` on one line, or one line per argument and child.

        Each line of ``extra_repr`` and each child (indented by two spaces,
        ``(name): ...``) gets a line of its own, unless there is just one line
        of ``extra_repr`` and no child.
        """
        extra = self.extra_repr().split("\n") if self.extra_repr() else []
        children = [
            f"({name}): " + repr(module).replace("\n", "\n  ")
            for name, module in self._modules.items()  # a repeated child is shown each time
        ]
        if len(extra) <= 1 and not children:
            return f"{type(self).__name__}({''.join(extra)})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(extra + children) + "\n)"


def check_module(where: str, module: object, position: int | None = None) -> None:
    """Raise a TypeError naming ``where`` (and the argument's position) unless ``module`` is one."""
    if isinstance(module, Module):
        return
    at = "" if position is None else f" (argument {position})"
    if isinstance(module, type) and issubclass(module, Module):
        raise TypeError(f"{where}: the class {module.__name__}{at} is not a Module instance; "
                        f"pass {module.__name__}()")
    hint = "; to use a function as a layer, write a Module whose forward calls it" \
        if callable(module) else ""
    raise TypeError(f"{where}: {type(module).__name__} is not a Module{at}{hint}")
