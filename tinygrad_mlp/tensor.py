"""The Tensor: an n-d numpy array that remembers how it was made.

A ``Tensor`` wraps an ndarray (``.data``). When an op reads a tensor that
requires gradients, and grad mode is on, the op's ``Function`` node is kept
as the result's ``grad_fn``, linked to the nodes (or leaf tensors) it read.
That chain of nodes is the computation graph; ``backward`` (in
``autograd.py``) walks it in reverse. The op rules themselves live in
``ops.py``; this file is the user-facing side: construction, operators,
broadcasting of Python scalars and arrays, and the methods that call the ops.
"""

from __future__ import annotations

import copy
import functools
import math
import operator
import types
import warnings
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any, ClassVar, Union

import numpy as np
from numpy import ndarray  # numpy's module __getattr__ keeps CPython 3.11 from caching np.<name>
from numpy.typing import ArrayLike, DTypeLike, NDArray

from tinygrad_mlp import anomaly, autograd, checks, printing
from tinygrad_mlp.dtypes import get_default_dtype, is_floating, takes_tensor_dtype

Array = NDArray[Any]
Axis = int | Sequence[int] | None
TensorLike = Union["Tensor", ArrayLike]
Hook = Callable[["Tensor"], Union["Tensor", None]]


class Function:
    """A node of the computation graph: one recorded operation.

    A subclass (see ``ops.py``) defines ``forward``, which computes the output
    array from the input tensors' arrays and saves what backward needs, and
    ``backward``, the vector-Jacobian product: given g = dL/d(output) it
    returns dL/d(input) for each input (a Tensor, or None where not needed).
    ``backward`` is written with Tensor ops, so with ``create_graph=True`` its
    result has a graph too.

    Fast path: an op whose backward uses only operations that numpy arrays
    share with Tensors (``*``, ``@``, ``.sum``, ``.reshape``, ``.mT`` ...) sets
    ``array_backward``. Unless ``create_graph`` is on, the engine then runs its
    backward on plain ndarrays: the same rule, with no graph bookkeeping.
    """

    name: ClassVar[str] = "function"
    #: set by ops whose backward reads their own output (sigmoid, exp, ...)
    saves_output: ClassVar[bool] = False
    #: set by ops whose backward also works on plain ndarrays (see above)
    array_backward: ClassVar[bool] = False
    #: set by ops whose output may be a view of their first input's memory
    makes_view: ClassVar[bool] = False
    _on_arrays: bool = False

    parents: tuple[Function | Tensor | None, ...]
    needs_input_grad: tuple[bool, ...]
    scope: tuple[Any, ...]
    #: the order nodes were recorded in: backward runs them newest first
    sequence_nr: int
    # Class-level defaults, so recording a node sets only what differs.
    released: bool = False
    #: released, or has hooks or a retained output: backward reads the three only then
    flagged: bool = False
    hooks: Sequence[Hook] = ()
    retained: weakref.ref[Tensor] | None = None
    _saved: tuple[Tensor, ...] = ()
    _saved_at: int = 0
    _output: Array | None = None
    _output_counter: list[int]
    out_shape: tuple[int, ...]
    out_dtype: np.dtype[Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Give each op copies of its own of the hot shared methods (same code, new code objects).

        CPython caches each attribute lookup at its place in the bytecode for
        the one class it sees there. Code shared by all ops (``apply``,
        ``propagate``, ``save_for_backward``, ``saved_tensors``, ``output``)
        sees every op's class and falls back to generic lookups; a copy per op
        keeps its caches hot (with callgrind, 1.3% of a 4-16-3 step's
        instructions for ``apply``, 0.9% for the other four together).
        """
        super().__init_subclass__(**kwargs)
        defined = vars(cls)
        if "apply" not in defined:
            cls.apply = classmethod(own_copy(Function.apply.__func__))  # type: ignore[assignment,attr-defined]
        if "saved_tensors" not in defined:
            cls.saved_tensors = property(own_copy(Function.saved_tensors.fget))  # type: ignore[assignment,method-assign,attr-defined]
        for name in ("propagate", "save_for_backward", "output"):
            if name not in defined:
                setattr(cls, name, own_copy(getattr(Function, name)))

    def forward(self, *args: Any, **kwargs: Any) -> Array:
        """Compute the output array (implemented by each op)."""
        raise NotImplementedError

    def backward(self, grad: Any) -> Any:
        """Return dL/d(input) for each input given ``grad`` = dL/d(output)."""
        raise NotImplementedError

    def propagate(self, grad: Any, create_graph: bool, release: bool) -> tuple[Any, ...]:
        """This node's step of a backward pass: dL/d(input) for each input, from ``grad``.

        A built-in op's rule runs on the ndarrays directly, with ``_on_arrays``
        set, unless ``create_graph``; otherwise ``vjp`` runs it on Tensors. With
        ``release``, the saved arrays are freed after.
        """
        if self.array_backward and not create_graph:
            self._on_arrays = True
            result = self.backward(grad)
            grads = result if type(result) is tuple else (result,)
        else:
            grads = self.vjp(grad, create_graph)
        if release and (self._saved or self._output is not None):  # else nothing to free
            self._saved, self._output, self.released, self.flagged = (), None, True, True
        return grads

    def vjp(self, grad: Any, create_graph: bool) -> tuple[Any, ...]:
        """Run ``backward`` on Tensors: recorded if ``create_graph``, else to get arrays.

        ``propagate`` calls this for a user's ``Function`` and, with
        ``create_graph``, for every op. ``grad`` and the results are Tensors
        when ``create_graph`` is on and ndarrays otherwise.
        """
        self._on_arrays = False
        result = self.backward(grad if create_graph else _wrap(grad, None))
        grads = result if type(result) is tuple else (result,)
        if not self.array_backward:  # a user's Function: check what its backward gave
            grads = checks.function_grads(self, grads, as_arrays=not create_graph)
        return grads

    @classmethod
    def apply(cls, *inputs: Tensor, **params: Any) -> Tensor:
        """Run the op forward and, if any input requires grad, record it."""
        fn = _new(cls)
        try:
            data = fn.forward(*inputs, **params) if params else fn.forward(*inputs)
        except (ValueError, TypeError) as error:
            if str(error).startswith(f"{cls.name}:"):
                raise  # the op's own message already names it
            raise checks.named_error(cls.name, inputs, error) from None
        if type(data) is not ndarray:
            data = np.asarray(data)  # numpy turns 0-d results into scalars
        if anomaly.enabled:
            fn.parents = tuple([t.grad_fn or t for t in inputs])
            fn.scope, fn.created_at = autograd._scope[0], anomaly.user_frame()
            anomaly.check_finite(fn, "forward", (data,))
        # A view shares its base's count of in-place changes; a copy (advanced
        # indexing, a reshape that had to copy) starts its own.
        view = cls.makes_view and np.may_share_memory(data, inputs[0]._data)
        counter = inputs[0]._counter if view else [0, 0]
        if not autograd._grad_enabled:
            return _wrap(data, None, counter)
        # An edge to the node that made each input; to the input itself for a
        # leaf that requires grad; None for a constant.
        needs, parents = [], []
        for t in inputs:
            needs.append(t._requires_grad)
            parents.append(t.grad_fn if t.grad_fn is not None else t if t._requires_grad else None)
        if True not in needs:
            return _wrap(data, None, counter)
        fn.needs_input_grad, fn.parents = tuple(needs), tuple(parents)
        fn.scope, fn.sequence_nr = autograd._scope[0], next(autograd._sequence)
        if cls.saves_output:
            fn._output, fn._output_counter = data, counter
        fn.out_shape, fn.out_dtype = data.shape, data.dtype  # for graph drawings
        return _wrap(data, fn, counter)

    # -- what forward saves for backward -------------------------------------

    def save_for_backward(self, *tensors: Tensor) -> None:
        """Keep input tensors for backward, noting the count of in-place changes so far."""
        self._saved = tensors
        self._saved_at = _changes

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """The tensors forward saved (their arrays on the fast path).

        Raises if one was changed in place since forward saved it.
        """
        if _changes != self._saved_at:  # some tensor changed in place since: one of these?
            for position, tensor in enumerate(self._saved):
                if tensor._counter[1] > self._saved_at:
                    raise self._changed(f"input {position}", tensor.shape, tensor._version)
        if self._on_arrays:
            return tuple(map(_array_of, self._saved))
        return self._saved

    def _changed(self, what: str, shape: tuple[int, ...], version: int) -> RuntimeError:
        """The error for a saved value that was changed in place after forward."""
        return RuntimeError(
            f"{self.name} backward: its {what} (shape {shape}) was modified in place after the "
            f"forward pass (it is now at version {version}); its gradient would be wrong. Make "
            "the change out of place, or outside the graph."
        )

    def output(self) -> Any:
        """This node's output: a tensor whose grad_fn is this node (its array on the fast path).

        Raises if the output was changed in place after forward made it.
        """
        assert self._output is not None, f"{self.name} does not save its output"
        if self._output_counter[0]:
            raise self._changed("output", self.out_shape, self._output_counter[0])
        return self._output if self._on_arrays else _wrap(self._output, self)

    # -- hooks on the output tensor -------------------------------------------

    def hand_grad_to_output(self, grad: Any, create_graph: bool) -> Any:
        """Apply the output tensor's hooks to ``grad`` and keep it if it retains grad.

        The engine calls this only for a node with hooks or a retained output.
        """
        as_tensor = grad if create_graph else _wrap(grad, None)
        for hook in list(self.hooks):  # a copy: a hook may remove itself
            replaced = hook(as_tensor)
            if replaced is not None:
                as_tensor = checks.hook_result(replaced, self.out_shape)
        if self.retained is not None:
            tensor = self.retained()
            if tensor is not None:  # added up over backward calls, in its own array
                tensor.accumulate_grad(as_tensor if create_graph else as_tensor._data.copy(),
                                       create_graph)
        return as_tensor if create_graph else as_tensor._data

    created_at: str = ""  # the user's line that made this node, in anomaly mode

    def __repr__(self) -> str:
        return f"<{self.name}>"


def own_copy(shared: Callable[..., Any]) -> Callable[..., Any]:
    """The same function in a code object of its own, whose attribute caches see one class.

    Defaults and closure cells are not copied: the functions copied have none
    (a test checks).

    See ``Function.__init_subclass__``; ``nn.Module`` copies its ``__call__`` the same way.
    """
    code = shared.__code__.replace()  # equal to the original, but another object
    return functools.update_wrapper(types.FunctionType(code, shared.__globals__), shared)


class Op(Function):
    """A built-in op: its backward runs on ndarrays too (``Function.array_backward``).

    The rules are in ``ops.py``, and a few in the files of methods (``special.py``,
    ``linalg.py``); this class is here so that those files, imported below, can use it.
    """

    array_backward = True


# In-place changes to any tensor so far. Each tensor's counter notes this count
# at its own last change, and a node notes it when it saves its inputs: an
# input was changed after the save if its note is the later one. The common
# case, no change at all since the save, costs one comparison.
_changes = 0


def _note_change(*counters: list[int]) -> None:
    """Count one in-place change of the memory of each of ``counters``, all at once."""
    global _changes
    _changes += 1
    for counter in counters:
        counter[0], counter[1] = counter[0] + 1, _changes  # item by item: no slice object


_array_of = operator.attrgetter("_data")  # a tensor's array, with no Python frame per call


def _as_array(data: Any, dtype: DTypeLike | None, where: str) -> Array:
    """Turn user data into an ndarray of a numeric dtype, with clear errors."""
    if isinstance(data, Tensor):
        array = data.data
    elif isinstance(data, np.ndarray):
        array = data
    else:
        try:
            array = np.array(data)
        except ValueError as error:  # ragged nested lists
            raise ValueError(f"{where}: data is not rectangular: {error}") from None
        except RuntimeError:  # a list holding tensors that require grad: take their values
            array = np.array(_values(data))
        if array.dtype.kind == "f" and dtype is None and not isinstance(data, np.generic):
            array = array.astype(get_default_dtype(), copy=False)  # Python floats, not np.float32
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{where}: data must be numbers (bool, int or float), got dtype {array.dtype}"
            + (f" from {type(data).__name__}" if not isinstance(data, np.ndarray) else "")
        )
    if dtype is not None:
        array = array.astype(checks.numeric_dtype(where, dtype), copy=False)
    return array


# Bound once: looking ``object.__new__`` up through the type costs more than the call.
_new = object.__new__


def _wrap(data: Array, grad_fn: Function | None, counter: list[int] | None = None) -> Tensor:
    """A Tensor around an op's output array, made without any checks (the hot path)."""
    tensor = _new(Tensor)
    tensor._data, tensor.grad_fn, tensor._requires_grad = data, grad_fn, grad_fn is not None
    tensor._counter = [0, 0] if counter is None else counter
    tensor._grad = tensor.name = tensor._hooks = None
    return tensor


# Tensor's methods, in files of their own. Imported here, not at the top, because
# some of those files define rules on Function and Op, which must exist first.
from tinygrad_mlp.methods import TensorMethods  # noqa: E402


class Tensor(TensorMethods):
    """An n-dimensional array with reverse-mode automatic differentiation.

    Args:
        data: an ndarray (kept as it is, dtype included, without a copy), a
            nested list, a Python number or another Tensor. Python floats get
            the default dtype (float64 unless ``tm.set_default_dtype``).
        requires_grad: record ops on this tensor so ``backward`` can compute
            its gradient. Only floating tensors may require grad.
        dtype: convert the data to this dtype.
        name: a label that graph drawings show.

    Example:
        >>> w = Tensor([[1.0, 2.0]], requires_grad=True)
        >>> (w * w).sum().backward()
        >>> w.grad
        tensor([[2., 4.]])
    """

    __slots__ = ("__weakref__", "_counter", "_data", "_grad", "_hooks", "_requires_grad",
                 "grad_fn", "name")
    __array_ufunc__ = None  # `ndarray + Tensor` defers to Tensor.__radd__

    _data: Array
    _grad: Tensor | None
    grad_fn: Function | None
    _requires_grad: bool
    name: str | None
    # [how many times the data was changed in place, the value of the global
    # change count at the last change], in a list that tensors viewing the same
    # memory (transposes, reshapes, detach) share.
    _counter: list[int]
    _hooks: list[Hook] | None

    def __init__(
        self,
        data: TensorLike,
        requires_grad: bool = False,
        dtype: DTypeLike | None = None,
        name: str | None = None,
    ) -> None:
        self._data = _as_array(data, dtype, "Tensor")
        if requires_grad and not is_floating(self._data.dtype):
            raise TypeError(
                f"Tensor: only floating point tensors can require gradients, got dtype "
                f"{self._data.dtype}; pass dtype=tm.float64 (or float32)"
            )
        self._requires_grad = bool(requires_grad)
        self._grad = self.grad_fn = None
        self.name = name
        # The same memory shares its count of in-place changes; a converted copy does not.
        if isinstance(data, Tensor) and np.may_share_memory(self._data, data._data):
            self._counter = data._counter
        else:
            self._counter = [0, 0]
        self._hooks = None

    @property
    def _version(self) -> int:
        """In-place changes so far; saved tensors compare it at backward time."""
        return self._counter[0]

    @_version.setter
    def _version(self, value: int) -> None:
        _note_change(self._counter)
        self._counter[0] = value

    @property
    def data(self) -> Array:
        """The ndarray holding the values (shared, not copied)."""
        return self._data

    @data.setter
    def data(self, value: Array | Tensor) -> None:
        # Assigning counts as an in-place change, so `w.data -= lr * g` (which
        # Python runs as `w.data = w.data.__isub__(...)`) makes a graph that
        # saved w refuse to backpropagate stale values. Writes through the
        # array itself (`w.data[0] = 1`) cannot be seen, as in PyTorch.
        self._data = value if type(value) is np.ndarray else checks.assigned_data(value)
        _note_change(self._counter)

    # -- what a tensor is ---------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        """The size of each dimension."""
        return self._data.shape

    @property
    def ndim(self) -> int:
        """The number of dimensions."""
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype[Any]:
        """The numpy dtype of the data."""
        return self._data.dtype

    @property
    def size(self) -> int:
        """The number of elements (``numel()`` in PyTorch)."""
        return self._data.size

    def numel(self) -> int:
        """The number of elements."""
        return self._data.size

    @property
    def is_leaf(self) -> bool:
        """True for tensors the user made, False for results of recorded ops."""
        return self.grad_fn is None

    @property
    def op(self) -> str | None:
        """The name of the op that produced this tensor (None for a leaf)."""
        return None if self.grad_fn is None else self.grad_fn.name

    def numpy(self) -> Array:
        """The data as an ndarray (shared, not copied).

        Refused for a tensor that requires grad, as in PyTorch: writing into the
        shared array would change what backward reads without autograd knowing.
        """
        if self.requires_grad:
            raise RuntimeError("numpy: can't call numpy() on a tensor that requires grad; "
                               "use .detach().numpy()")
        return self._data

    def item(self) -> float:
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise ValueError(
                f"item: only one-element tensors can be converted, this one has shape "
                f"{self.shape}"
            )
        value: float = self._data.item()
        return value

    def tolist(self) -> Any:
        """The data as (nested) Python lists."""
        return self._data.tolist()

    def detach(self) -> Tensor:
        """A tensor sharing this data (and its version counter), cut off from the graph."""
        return _wrap(self._data, None, self._counter)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` on a leaf in place; returns self.

        As in PyTorch, True on a tensor an op made (which requires grad
        already) changes nothing; any other change must be made on a leaf.
        """
        if not (self.grad_fn is not None and requires_grad):  # the setter checks it is a bool
            self._set_requires_grad(requires_grad, "requires_grad_")
        return self

    @property
    def requires_grad(self) -> bool:
        """Whether ops on this tensor are recorded, so backward can reach it.

        Settable on leaves only, and True only for floating point dtypes.
        """
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self._set_requires_grad(value, "requires_grad")

    def _set_requires_grad(self, value: bool, where: str) -> None:
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{where}: must be a bool, got {type(value).__name__}")
        if self.grad_fn is not None:
            raise RuntimeError(
                f"{where}: only leaf tensors can change requires_grad; this one was made by "
                f"'{self.grad_fn.name}'. Use detach() for a copy cut off from the graph"
            )
        if value and not is_floating(self.dtype):
            raise TypeError(
                f"{where}: only floating point tensors can require gradients, got {self.dtype}"
            )
        self._requires_grad = bool(value)

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "biu" or self._data.size != 1:
            raise TypeError(f"only one-element integer tensors can be an index, got dtype "
                            f"{self.dtype} and shape {self.shape}")
        return int(self._data.item())

    def __array__(self, dtype: DTypeLike | None = None, copy: bool | None = None) -> Array:
        """``np.asarray(tensor)``: the data, refused if it requires grad (as ``numpy()``)."""
        array = self.numpy()
        if dtype is not None:
            return array.astype(dtype, copy=bool(copy))
        return array.copy() if copy else array

    def __deepcopy__(self, memo: dict[int, Any]) -> Tensor:
        """A leaf with copies of the data and ``.grad``; an op's output is refused, as in torch."""
        if self.grad_fn is not None:
            raise RuntimeError(
                f"deepcopy: only leaf tensors can be deep-copied, and this one was made by "
                f"'{self.grad_fn.name}'; deep-copy .detach() instead"
            )
        copied = object.__new__(type(self))
        memo[id(self)] = copied
        copied._data, copied._counter = self._data.copy(), [0, 0]
        copied._requires_grad, copied.grad_fn, copied.name = self._requires_grad, None, self.name
        copied._grad = None if self._grad is None else copy.deepcopy(self._grad, memo)
        copied._hooks = None
        return copied

    def __float__(self) -> float:
        return float(self.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise ValueError(f"bool: the truth value of a tensor of shape {self.shape} is "
                             "ambiguous; reduce it first, e.g. (t > 0).all()")
        return bool(self._data)

    __hash__ = object.__hash__  # by identity (== compares values, elementwise)

    def __repr__(self) -> str:
        body = printing.array_text(self._data, prefix="tensor(")
        extras = []
        if self.dtype not in (get_default_dtype(), np.int64, np.bool_):  # as PyTorch leaves out
            extras.append(f"dtype={self.dtype}")
        if self.grad_fn is not None:
            extras.append(f"grad_fn=<{self.grad_fn.name}>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        if self.name:
            extras.append(f"name={self.name!r}")
        return f"tensor({body}{''.join(', ' + e for e in extras)})"

    # -- gradients --------------------------------------------------------------

    def backward(
        self,
        gradient: TensorLike | None = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
    ) -> None:
        """Accumulate d(self)/d(leaf) into the ``.grad`` of every leaf that requires grad.

        Args:
            gradient: dL/d(self), needed unless self has a single element.
            retain_graph: keep the saved arrays for another backward;
                defaults to ``create_graph``.
            create_graph: record the backward pass, so the gradients can be
                differentiated again.
        """
        if not self._requires_grad:
            raise RuntimeError(
                f"backward: this tensor (shape {self.shape}) does not require grad and has no "
                "grad_fn: no input of the computation had requires_grad=True, or it was "
                "computed under tm.no_grad() or from detach()ed tensors"
            )
        seed = self.seed_grad(gradient, "backward")
        autograd.run_backward(
            [self],
            [seed],
            retain_graph=create_graph if retain_graph is None else retain_graph,
            create_graph=create_graph,
        )

    def seed_grad(self, gradient: TensorLike | None, where: str) -> Tensor:
        """Check or create the gradient a backward pass starts from."""
        if gradient is None:
            if self._data.size != 1:
                raise RuntimeError(
                    f"{where}: the output has shape {self.shape}; a gradient can be implied "
                    "only for one-element outputs. Pass gradient= (grad_outputs=) with that "
                    "shape, or reduce the output first (e.g. .sum())"
                )
            # one element, so every dimension has size 1: ndmin makes the shape in the same call
            return _wrap(np.array(1.0, self._data.dtype, ndmin=self._data.ndim), None)
        seed = gradient if isinstance(gradient, Tensor) else Tensor(gradient, dtype=self.dtype)
        if seed.shape != self.shape:
            raise RuntimeError(
                f"{where}: gradient has shape {seed.shape} but the output has shape {self.shape}"
            )
        return seed

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in ``.grad`` after backward."""
        if self.grad_fn is not None:
            self.grad_fn.retained, self.grad_fn.flagged = weakref.ref(self), True
        elif not self.requires_grad:
            raise RuntimeError("retain_grad: this tensor does not require grad")

    @property
    def grad(self) -> Tensor | None:
        """dL/d(self) from backward: kept for leaves that require grad, summed over calls.

        A tensor an op made gets none unless ``retain_grad()`` was called on it;
        reading it then warns, as in PyTorch, since the leaf is usually meant.
        """
        if self.grad_fn is not None and self.grad_fn.retained is None:
            warnings.warn(checks.non_leaf_grad(self.grad_fn.name), UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        checks.assigned_grad(value, self.shape)  # refused now, not halfway through a backward
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        """Whether ``retain_grad()`` was called on this non-leaf tensor."""
        return self.grad_fn is not None and self.grad_fn.retained is not None

    def register_hook(self, hook: Hook) -> autograd.RemovableHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed.

        The hook may return a replacement gradient (or None to keep it).
        """
        if not self.requires_grad:
            raise RuntimeError("register_hook: this tensor does not require grad")
        if self.grad_fn is not None:
            if not isinstance(self.grad_fn.hooks, list):
                self.grad_fn.hooks, self.grad_fn.flagged = [], True  # not the shared default
            hooks = self.grad_fn.hooks
        else:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        hooks.append(hook)
        return autograd.RemovableHandle(hooks, hook)

    def run_hooks(self, grad: Any, create_graph: bool) -> Any:
        """Apply a leaf's hooks to its new gradient (an ndarray unless create_graph)."""
        as_tensor = grad if create_graph else _wrap(grad, None)
        for hook in list(self._hooks or ()):  # a copy: a hook may remove itself
            replaced = hook(as_tensor)
            if replaced is not None:
                as_tensor = checks.hook_result(replaced, self.shape)
        return as_tensor if create_graph else as_tensor._data

    def accumulate_grad(self, grad: Any, create_graph: bool) -> None:
        """Add ``grad`` (an ndarray unless create_graph) into ``self.grad``, PyTorch-style."""
        old, data = self._grad, self._data
        if old is not None and old._data.shape != data.shape:  # .data replaced since
            raise checks.grad_shape_mismatch(old, self.shape)
        if create_graph:
            self._grad = grad if old is None else old + grad
            return
        if grad.dtype != data.dtype:
            grad = grad.astype(data.dtype)
        if old is not None:
            grad = old._data + grad
        elif grad.base is not None:  # a view (of a broadcast, say): the leaf's own array
            grad = grad.copy()
        self._grad = _wrap(grad, None)

    def draw(self, **options: Any) -> Any:
        """Draw the graph that made this tensor: ``tm.viz.draw_graph(self, **options)``."""
        from tinygrad_mlp import viz
        return viz.draw_graph(self, **options)

    # -- operators ---------------------------------------------------------------

    def _operand(self, other: TensorLike) -> Tensor:
        """Turn the other operand of a binary op into a (constant) tensor."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, (int, float)) and takes_tensor_dtype(self.dtype, other):
            return _wrap(np.array(other, dtype=self.dtype), None)
        return _wrap(_as_array(other, None, "operand"), None)

    def __add__(self, other: TensorLike) -> Tensor:
        return ops.Add.apply(self, self._operand(other))

    def __radd__(self, other: TensorLike) -> Tensor:
        return ops.Add.apply(self._operand(other), self)

    def __sub__(self, other: TensorLike) -> Tensor:
        return ops.Sub.apply(self, self._operand(other))

    def __rsub__(self, other: TensorLike) -> Tensor:
        return ops.Sub.apply(self._operand(other), self)

    def __mul__(self, other: TensorLike) -> Tensor:
        return ops.Mul.apply(self, self._operand(other))

    def __rmul__(self, other: TensorLike) -> Tensor:
        return ops.Mul.apply(self._operand(other), self)

    def __truediv__(self, other: TensorLike) -> Tensor:
        return ops.Div.apply(self, self._operand(other))

    def __rtruediv__(self, other: TensorLike) -> Tensor:
        return ops.Div.apply(self._operand(other), self)

    def __pow__(self, exponent: TensorLike) -> Tensor:
        return ops.Pow.apply(self, self._operand(exponent))

    def __rpow__(self, base: TensorLike) -> Tensor:
        return ops.Pow.apply(self._operand(base), self)

    def __matmul__(self, other: TensorLike) -> Tensor:
        return ops.MatMul.apply(self, self._operand(other))

    def __rmatmul__(self, other: TensorLike) -> Tensor:
        return ops.MatMul.apply(self._operand(other), self)

    def __neg__(self) -> Tensor:
        return ops.Neg.apply(self)

    # In-place arithmetic, as in PyTorch: ``w -= lr * g`` writes into w's own array.
    def _inplace(self, op: str, ufunc: Callable[..., Any], other: TensorLike) -> Tensor:
        """``self op= other`` in the array itself: dtype kept, version bumped, nothing recorded.

        Refused while grad mode is on if either side requires grad: the graph
        has no node for an in-place change, so its gradient would be wrong.
        """
        operand = self._operand(other)
        self._refuse_recording(op, operand)
        try:
            ufunc(self._data, operand.data, out=self._data)
        except (TypeError, ValueError) as error:
            raise checks.named_error(op, (self, operand), error) from None
        _note_change(self._counter)
        return self

    def _refuse_recording(self, op: str, operand: Tensor) -> None:
        """Raise if an in-place change of self by operand would have to be recorded."""
        if autograd._grad_enabled and (self._requires_grad or operand._requires_grad):
            raise RuntimeError(
                f"{op}: cannot change a tensor in place while recording a graph through it "
                "(it or the operand requires grad); use tm.no_grad() as optimizers do, or "
                "write the change out of place (x = x + y)"
            )

    def __iadd__(self, other: TensorLike) -> Tensor:
        return self._inplace("iadd", np.add, other)

    def __isub__(self, other: TensorLike) -> Tensor:
        return self._inplace("isub", np.subtract, other)

    def __imul__(self, other: TensorLike) -> Tensor:
        return self._inplace("imul", np.multiply, other)

    def __itruediv__(self, other: TensorLike) -> Tensor:
        return self._inplace("itruediv", np.true_divide, other)

    def __ipow__(self, other: TensorLike) -> Tensor:
        return self._inplace("ipow", np.power, other)

    def __pos__(self) -> Tensor:
        return self

    def __getitem__(self, index: Any) -> Tensor:
        return ops.GetItem.apply(self, index=_plain_index(index))

    def __setitem__(self, index: Any, value: TensorLike) -> None:
        """``self[index] = value`` in the array itself, under the rules of ``+=``."""
        operand = self._operand(value)
        self._refuse_recording("setitem", operand)
        where = _plain_index(index)
        try:
            self._data[where] = operand.data
        except (ValueError, IndexError, TypeError) as error:
            raise checks.setitem_error(self._data, where, operand, error) from None
        _note_change(self._counter)

    # Comparisons give plain boolean arrays; they are not differentiable. The named
    # methods (methods.py) word numpy's errors so they name the comparison.
    def __eq__(self, other: object) -> Any:
        return self.eq(other)

    def __ne__(self, other: object) -> Any:
        return self.ne(other)

    def __lt__(self, other: TensorLike) -> Any:
        return self.lt(other)

    def __le__(self, other: TensorLike) -> Any:
        return self.le(other)

    def __gt__(self, other: TensorLike) -> Any:
        return self.gt(other)

    def __ge__(self, other: TensorLike) -> Any:
        return self.ge(other)

    # -- elementwise functions -------------------------------------------------------

    def exp(self) -> Tensor:
        """e ** self, elementwise."""
        return ops.Exp.apply(self)

    def log(self) -> Tensor:
        """Natural logarithm, elementwise."""
        return ops.Log.apply(self)

    def sqrt(self) -> Tensor:
        """Square root, elementwise."""
        return ops.Sqrt.apply(self)

    def log1p(self) -> Tensor:
        """ln(1 + self), elementwise, without rounding 1 + self for tiny values."""
        return ops.Log1p.apply(self)

    def expm1(self) -> Tensor:
        """e ** self - 1, elementwise, without rounding e ** self for tiny values."""
        return ops.Expm1.apply(self)

    def sin(self) -> Tensor:
        """Sine, elementwise (radians)."""
        return ops.Sin.apply(self)

    def cos(self) -> Tensor:
        """Cosine, elementwise (radians)."""
        return ops.Cos.apply(self)

    def tan(self) -> Tensor:
        """Tangent, elementwise (radians)."""
        return ops.Tan.apply(self)

    def asin(self) -> Tensor:
        """Arcsine, elementwise, in [-π/2, π/2]; NaN outside [-1, 1], as in PyTorch."""
        return ops.Asin.apply(self)

    def acos(self) -> Tensor:
        """Arccosine, elementwise, in [0, π]; NaN outside [-1, 1], as in PyTorch."""
        return ops.Acos.apply(self)

    def atan(self) -> Tensor:
        """Arctangent, elementwise, in (-π/2, π/2)."""
        return ops.Atan.apply(self)

    def atan2(self, other: TensorLike) -> Tensor:
        """The angle of the point (other, self) in [-π, π]: atan(self / other), quadrant and all."""
        if not isinstance(other, (Tensor, int, float)):  # converted here, to name atan2 if bad
            other = _as_array(other, None, "atan2")
        return ops.Atan2.apply(self, self._operand(other))

    def sinh(self) -> Tensor:
        """Hyperbolic sine, elementwise."""
        return ops.Sinh.apply(self)

    def cosh(self) -> Tensor:
        """Hyperbolic cosine, elementwise."""
        return ops.Cosh.apply(self)

    def asinh(self) -> Tensor:
        """Inverse hyperbolic sine, elementwise."""
        return ops.Asinh.apply(self)

    def acosh(self) -> Tensor:
        """Inverse hyperbolic cosine, elementwise; NaN below 1, as in PyTorch."""
        return ops.Acosh.apply(self)

    def atanh(self) -> Tensor:
        """Inverse hyperbolic tangent, elementwise; ±inf at ±1 and NaN beyond, as in PyTorch."""
        return ops.Atanh.apply(self)

    # numpy's names, which PyTorch has too
    arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2
    arcsinh, arccosh, arctanh = asinh, acosh, atanh

    def sigmoid(self) -> Tensor:
        """1 / (1 + e ** -self), elementwise, stable for large |x|."""
        return ops.Sigmoid.apply(self)

    def tanh(self) -> Tensor:
        """Hyperbolic tangent, elementwise."""
        return ops.Tanh.apply(self)

    def relu(self) -> Tensor:
        """max(self, 0), elementwise."""
        return ops.ReLU.apply(self)

    def clamp(self, min: float | None = None, max: float | None = None) -> Tensor:
        """Limit values to [min, max]; the gradient is zero where a limit applied."""
        if min is None and max is None:
            raise ValueError("clamp: give min, max or both")
        checks.number("clamp", "min", min)
        checks.number("clamp", "max", max)
        return ops.Clamp.apply(self, low=min, high=max)

    # Step functions: flat between their jumps, so their gradient is 0, as in PyTorch.

    def floor(self) -> Tensor:
        """The largest whole number <= self, elementwise (ints come back as they are)."""
        return ops.Floor.apply(self)

    def ceil(self) -> Tensor:
        """The smallest whole number >= self, elementwise (ints come back as they are)."""
        return ops.Ceil.apply(self)

    def trunc(self) -> Tensor:
        """Self without its fraction, rounded toward 0 (``fix`` is another name)."""
        return ops.Trunc.apply(self)

    fix = trunc

    def round(self, decimals: int = 0) -> Tensor:
        """Round to ``decimals`` places (negative: to tens, hundreds ...), halves to even."""
        if isinstance(decimals, bool) or not isinstance(decimals, (int, np.integer)):
            raise TypeError(f"round: decimals must be an int, got {decimals!r}")
        if decimals and not is_floating(self.dtype):  # PyTorch has no such rounding of ints
            raise TypeError(f"round: decimals={decimals} needs a floating point tensor, got "
                            f"dtype {self.dtype}")
        return ops.Round.apply(self, decimals=int(decimals))

    def sign(self) -> Tensor:
        """-1, 0 or 1 as self is below, at or above 0 (0 at NaN, as in PyTorch); ``sgn`` too."""
        return ops.Sign.apply(self)

    sgn = sign

    def frac(self) -> Tensor:
        """self - trunc(self): the fraction, with self's sign; its gradient is 1."""
        with np.errstate(invalid="ignore"):  # frac(±inf) = inf - inf: NaN, silently as PyTorch
            return self - self.trunc()

    def maximum(self, other: TensorLike) -> Tensor:
        """The larger of self and ``other``, elementwise (``tm.maximum``)."""
        return ops.Maximum.apply(self, self._operand(other))

    def minimum(self, other: TensorLike) -> Tensor:
        """The smaller of self and ``other``, elementwise (``tm.minimum``)."""
        return ops.Minimum.apply(self, self._operand(other))

    def where(self, condition: TensorLike, other: TensorLike) -> Tensor:
        """Self where ``condition`` holds, else ``other``: ``tm.where(condition, self, other)``."""
        return where(condition, self, other)

    # -- reductions --------------------------------------------------------------------

    # Reductions take numpy's axis= / keepdims= and PyTorch's dim= / keepdim= alike.

    def sum(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
            keepdim: bool = False) -> Tensor:
        """Sum over ``axis`` (an int, a tuple of ints, or None for all)."""
        axis = checks.axes("sum", axis if dim is None else dim, self.ndim)
        return ops.Sum.apply(self, axis=axis, keepdims=keepdims or keepdim)

    def mean(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
             keepdim: bool = False) -> Tensor:
        """Arithmetic mean over ``axis``; a floating point tensor's only, as in PyTorch."""
        axis = checks.floating_axes("mean", self, axis if dim is None else dim)
        total = ops.Sum.apply(self, axis=axis, keepdims=keepdims or keepdim)
        return total / (self._data.size // max(total.data.size, 1))

    def amax(self, axis: Axis = (), keepdims: bool = False, *, dim: Axis = None,
             keepdim: bool = False) -> Tensor:
        """The largest value over ``axis`` (all dims by default); ties split the gradient evenly.

        ``max(dim)`` (in ``reductions.py``) gives the value and its index instead.
        """
        axis = checks.axes("amax", axis if dim is None else dim, self.ndim)
        return ops.Max.apply(self, axis=axis, keepdims=keepdims or keepdim)

    def amin(self, axis: Axis = (), keepdims: bool = False, *, dim: Axis = None,
             keepdim: bool = False) -> Tensor:
        """The smallest value over ``axis`` (all dims by default); ties split the gradient."""
        axis = checks.axes("amin", axis if dim is None else dim, self.ndim)
        return ops.Min.apply(self, axis=axis, keepdims=keepdims or keepdim)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """The index of the largest value along ``dim`` (in the flattened tensor for None).

        An int64 tensor with no gradient; the first index among ties, as in PyTorch.
        """
        return self._arg("argmax", np.argmax, dim, keepdim)

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """The index of the smallest value along ``dim`` (see ``argmax``)."""
        return self._arg("argmin", np.argmin, dim, keepdim)

    def _arg(self, op: str, find: Callable[..., Any], dim: int | None, keepdim: bool) -> Tensor:
        axis = None if dim is None else checks.axis(op, dim, max(self.ndim, 1))
        if self._data.size == 0 and (axis is None or self.shape[axis] == 0):
            raise ValueError(f"{op}: the tensor (shape {self.shape}) is empty along the dim")
        index = find(self._data, axis=axis if self.ndim else None, keepdims=keepdim)
        return _wrap(np.asarray(index, dtype=np.int64), None)

    def var(self, axis: Axis = None, *, keepdims: bool = False, dim: Axis = None,
            keepdim: bool = False, correction: float | None = 1) -> Tensor:
        """Variance over ``axis``: Σ (x - mean)² / (N - correction).

        ``correction=1`` (Bessel's, the default, as in PyTorch; None means it
        too) gives the unbiased estimate; numpy's ``var`` uses 0. N -
        correction <= 0 gives inf or nan, as in PyTorch. Only the axis is
        positional: PyTorch's second positional argument (``unbiased``) and
        numpy's (``dtype``) differ. Ints and bools are refused, as in PyTorch.
        """
        correction = checks.correction("var", correction)
        axis = checks.floating_axes("var", self, axis if dim is None else dim)
        deviations = self - self.mean(axis, keepdims=True)
        squares = (deviations * deviations).sum(axis, keepdims=keepdims or keepdim)
        count = self._data.size // max(squares._data.size, 1)
        return squares / max(count - correction, 0)

    def std(self, axis: Axis = None, *, keepdims: bool = False, dim: Axis = None,
            keepdim: bool = False, correction: float | None = 1) -> Tensor:
        """Standard deviation over ``axis``: the square root of ``var`` (same arguments).

        Where the data are constant the gradient is 0, as in PyTorch, not 0 · ∞.
        """
        axis = checks.floating_axes("std", self, axis if dim is None else dim)
        variance = self.var(axis, keepdims=keepdims or keepdim, correction=correction)
        spread = variance.data != 0  # the root of 1 stands in at 0, so no ∞ reaches backward
        return where(spread, where(spread, variance, 1.0).sqrt(), 0.0)

    def logsumexp(self, axis: Axis = -1, keepdims: bool = False, *, dim: Axis = None,
                  keepdim: bool = False) -> Tensor:
        """log(sum(exp(self))) over ``axis``, computed without overflow."""
        checks.floating("logsumexp", self)
        axis = checks.axes("logsumexp", axis if dim is None else dim, self.ndim)
        return ops.LogSumExp.apply(self, axis=axis, keepdims=keepdims or keepdim)

    def softmax(self, axis: int = -1, *, dim: int | None = None) -> Tensor:
        """exp(x) / sum(exp(x)) along ``axis`` (or PyTorch's ``dim``)."""
        checks.floating("softmax", self)
        axis = checks.axis("softmax", axis if dim is None else dim, self.ndim)
        return ops.Softmax.apply(self, axis=axis)

    def log_softmax(self, axis: int = -1, *, dim: int | None = None) -> Tensor:
        """x - logsumexp(x) along ``axis`` (or PyTorch's ``dim``)."""
        checks.floating("log_softmax", self)
        axis = checks.axis("log_softmax", axis if dim is None else dim, self.ndim)
        return ops.LogSoftmax.apply(self, axis=axis)

    # -- shape -------------------------------------------------------------------------

    def reshape(self, *shape: int | Sequence[int]) -> Tensor:
        """The same data with a new shape (one dimension may be -1)."""
        return ops.Reshape.apply(self, shape=checks.shape_sizes("reshape", shape))

    def view(self, *shape: int | Sequence[int]) -> Tensor:
        """``reshape`` that must share the memory (PyTorch's ``view``), else raises."""
        out = self.reshape(*shape)
        if self._data.size and not np.may_share_memory(out._data, self._data):
            raise RuntimeError(f"view: shape {self.shape} cannot become {out.shape} without a "
                               "copy (its memory is not contiguous); use .reshape(...)")
        return out

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Dims ``start_dim`` to ``end_dim`` as one (a view where the memory allows)."""
        if not self.ndim:
            return self.reshape(1)
        start, end = (checks.axis("flatten", d, self.ndim) for d in (start_dim, end_dim))
        if start > end:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
        return self.reshape(*self.shape[:start], math.prod(self.shape[start:end + 1]),
                            *self.shape[end + 1:])

    def unsqueeze(self, dim: int) -> Tensor:
        """A new size-1 dimension at ``dim`` (-1: last)."""
        at = checks.axis("unsqueeze", dim, self.ndim + 1)
        return self.reshape(*self.shape[:at], 1, *self.shape[at:])

    def squeeze(self, dim: int | None = None) -> Tensor:
        """Drop size-1 dimensions (only ``dim``, if given and of size 1), as in PyTorch."""
        if dim is None:
            return self.reshape(*[n for n in self.shape if n != 1])
        at = None if dim is None or not self.ndim else checks.axis("squeeze", dim, self.ndim)
        return self.reshape(*[n for i, n in enumerate(self.shape)
                              if n != 1 or (dim is not None and i != at)])

    def clone(self) -> Tensor:
        """A copy in new memory that gradients flow back through."""
        return ops.Cast.apply(self, dtype=self.dtype)

    def to(self, dtype: DTypeLike) -> Tensor:
        """This tensor as ``dtype`` (itself if it already is); gradients flow back, cast back.

        ``to("cpu")`` is itself too, so PyTorch code that moves tensors to a
        device runs unchanged; the CPU is the only device.
        """
        if isinstance(dtype, str) and dtype.split(":")[0] == "cpu":
            return self
        target = np.dtype(checks.numeric_dtype("to", dtype))
        if target == self.dtype:
            return self
        if target.kind != "f":  # an int or bool copy has no gradient, as in PyTorch
            return Tensor(self._data.astype(target))
        return ops.Cast.apply(self, dtype=target)

    def __abs__(self) -> Tensor:
        return self.abs()

    def abs(self) -> Tensor:
        """|self|, elementwise; the gradient at 0 is 0, as in PyTorch."""
        return ops.Abs.apply(self)

    def permute(self, *dims: int | Sequence[int]) -> Tensor:
        """Reorder the dimensions: the result's dimension i is ``dims[i]`` of this one.

        PyTorch's ``permute``; numpy calls it ``transpose(axes)``.
        """
        order = checks.dims("permute", dims, "dims")
        if sorted(checks.axis("permute", a, self.ndim) for a in order) != list(range(self.ndim)):
            raise ValueError(
                f"permute: dims {order} are not a permutation of the {self.ndim} dims of a "
                f"tensor of shape {self.shape}"
            )
        return ops.Transpose.apply(self, axes=tuple(a % self.ndim for a in order))

    def transpose(self, *dims: int) -> Tensor:
        """Swap two dimensions, as PyTorch's ``transpose(dim0, dim1)``.

        With no dims, reverse them all (numpy's ``transpose()``, the same as
        ``.T``). To put all dims in another order, use ``permute``.
        """
        if not dims:
            return self.permute(tuple(range(self.ndim - 1, -1, -1)))
        if len(dims) != 2:
            raise TypeError(f"transpose: takes the two dims to swap, got {dims}; to reorder "
                            "all dims use permute(...)")
        first, second = (checks.axis("transpose", d, self.ndim) for d in dims)
        order = list(range(self.ndim))
        order[first], order[second] = order[second], order[first]
        return ops.Transpose.apply(self, axes=tuple(order))

    @property
    def T(self) -> Tensor:
        """All dimensions reversed (the matrix transpose for 2-D)."""
        return self.transpose()

    @property
    def mT(self) -> Tensor:
        """The last two dimensions swapped (a batch of matrix transposes)."""
        if self.ndim < 2:
            raise ValueError(f"mT: needs at least 2 dims, got shape {self.shape}")
        axes = (*range(self.ndim - 2), self.ndim - 1, self.ndim - 2)
        return ops.Transpose.apply(self, axes=axes)

    def expand(self, *shape: int | Sequence[int]) -> Tensor:
        """Broadcast to ``shape`` (numpy's broadcast_to) without copying."""
        target = checks.expand_shape(self.shape, checks.dims("expand", shape))
        return ops.Expand.apply(self, shape=target)

    # Last in the class: below them, ``float`` in an annotation would mean this method.
    def double(self) -> Tensor:
        """``to(float64)``."""
        return self.to(np.float64)

    def float(self) -> Tensor:
        """``to(float32)``."""
        return self.to(np.float32)


# -- functions of several tensors -------------------------------------------------------


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along the existing dimension ``dim``; the others must match (``torch.cat``)."""
    parts = _several("cat", tensors)
    if not parts[0].ndim:
        raise ValueError("cat: 0-d tensors cannot be joined; use stack, or reshape them to (1,)")
    axis = checks.axis("cat", dim, parts[0].ndim)
    if len({t.ndim for t in parts}) > 1:
        raise ValueError(f"cat: the tensors must have the same number of dims, got shapes "
                         f"{[t.shape for t in parts]}")
    if len({t.shape[:axis] + t.shape[axis + 1:] for t in parts}) > 1:
        raise ValueError(f"cat: the tensors must have the same shape but in dim {dim}, got "
                         f"{[t.shape for t in parts]}")
    return ops.Cat.apply(*parts, axis=axis)


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new dimension ``dim`` (``torch.stack``)."""
    parts = _several("stack", tensors)
    if any(t.shape != parts[0].shape for t in parts):
        raise ValueError(
            f"stack: all tensors must have the same shape, got {[t.shape for t in parts]}"
        )
    axis = checks.axis("stack", dim, parts[0].ndim + 1)
    return ops.Cat.apply(*[t.unsqueeze(axis) for t in parts], axis=axis)


def _several(op: str, tensors: object) -> list[Tensor]:
    """A non-empty list of Tensors from a sequence (a single Tensor is refused, as in PyTorch)."""
    if isinstance(tensors, Tensor):
        raise TypeError(f"{op}: tensors must be a sequence of Tensors, got one Tensor; "
                        f"write {op}([a, b])")
    parts = checks.tensors(op, "tensors", tensors)
    if not parts:
        raise ValueError(f"{op}: needs at least one tensor")
    return parts


def where(condition: TensorLike, input: TensorLike, other: TensorLike) -> Tensor:
    """``input`` where ``condition`` holds, else ``other``, elementwise (``torch.where``).

    ``condition`` is a bool tensor or array (a comparison like ``x > 0``) and
    gets no gradient; the three broadcast together. One of ``input`` and
    ``other`` may be a number.
    """
    mask = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if mask.dtype != np.bool_:
        raise TypeError(f"where: condition must be bool (a comparison like x > 0), got dtype "
                        f"{mask.dtype}")
    if isinstance(other, Tensor) and not isinstance(input, Tensor):
        a, b = other._operand(input), other
    else:  # numbers for both give a tensor of the default dtype, as in PyTorch
        a = input if isinstance(input, Tensor) else Tensor(input)
        b = a._operand(other)
    try:
        np.broadcast_shapes(mask.shape, a.shape, b.shape)
    except ValueError:
        raise ValueError(f"where: condition {mask.shape}, input {a.shape} and other {b.shape} "
                         "cannot be broadcast together") from None
    return ops.Where.apply(a, b, condition=mask.copy())


def maximum(input: Tensor, other: TensorLike) -> Tensor:
    """The larger of ``input`` and ``other``, elementwise; ties split the gradient evenly."""
    return checks.tensor("maximum", "input", input).maximum(other)


def minimum(input: Tensor, other: TensorLike) -> Tensor:
    """The smaller of ``input`` and ``other``, elementwise; ties split the gradient evenly."""
    return checks.tensor("minimum", "input", input).minimum(other)


def _values(data: Any) -> Any:
    """Nested lists and tuples with each Tensor in them replaced by its array."""
    if isinstance(data, Tensor):
        return data._data
    return [_values(part) for part in data] if isinstance(data, (list, tuple)) else data


def _plain(value: object) -> Any:
    """The ndarray behind a Tensor, or the value itself."""
    return value.data if isinstance(value, Tensor) else value


def _plain_index(index: Any) -> Any:
    """An index with any Tensors in it replaced by their arrays."""
    if isinstance(index, tuple):
        return tuple(_plain(i) for i in index)
    return _plain(index)


# The op rules need Function and Tensor from this module, so they are imported
# last, once both exist.
from tinygrad_mlp import ops  # noqa: E402
