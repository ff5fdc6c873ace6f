"""Checks of the arguments users hand to the engine, with errors that name the op.

The engine (``tensor.py``, ``autograd.py``) calls these at its entry points:
axes and sizes, bounds, the tensors given to ``tm.grad`` and the gradients
hooks return. Each error says which op or argument was wrong, and the shapes,
dtypes or values involved. None of them runs inside an op's forward or
backward rule, so they cost nothing on the hot path beyond one shape
comparison where a hook or an existing ``.grad`` is involved.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import DTypeLike

# tensor.py imports this module; its Tensor class is looked up when called.
import tinygrad_mlp.tensor as _tensor

if TYPE_CHECKING:
    from tinygrad_mlp.tensor import Axis, Tensor


def _is_int(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_int(where: str, name: str, value: Any, minimum: int) -> int:
    """Return ``value`` as an int after checking it is an integer >= ``minimum``.

    Raises:
        TypeError: if ``value`` is not an integer (a bool does not count).
        ValueError: if it is below ``minimum``.

    """
    requirement = "a positive int" if minimum == 1 else f"an int >= {minimum}"
    if isinstance(value, np.bool_) or not _is_int(value):
        raise TypeError(f"{where}: {name} must be {requirement}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{where}: {name} must be {requirement}, got {value}")
    return int(value)


def named_error(op: str, inputs: Sequence[Tensor], error: Exception) -> Exception:
    """Reword numpy's ValueError or TypeError so it names the op and its inputs.

    A TypeError (an op numpy has no loop for, like ``bool - bool``) names the
    input dtypes; a ValueError names the input shapes.
    """
    shapes = [t.shape for t in inputs]
    if isinstance(error, TypeError):
        dtypes = ", ".join(str(t.dtype) for t in inputs)
        return TypeError(f"{op}: cannot compute with inputs of dtype {dtypes} ({error})")
    if len(inputs) == 2:
        try:
            np.broadcast_shapes(*shapes)
        except ValueError:
            return ValueError(
                f"{op}: shapes {shapes[0]} and {shapes[1]} cannot be broadcast together"
            )
    return ValueError(f"{op}: {error} (input shapes {', '.join(map(str, shapes))})")


def broadcasts_to(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    """Whether an array of ``shape`` broadcasts to exactly ``target`` (``np.broadcast_to``)."""
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


def not_a_tensor(where: str, value: object) -> TypeError:
    """The error for an input that is not a Tensor (an ndarray would give no gradient)."""
    return TypeError(f"{where}: input must be a Tensor, got {type(value).__name__}; wrap data "
                     "with tm.tensor(...)")


def function_input(where: str, input: object) -> Tensor:
    """``input`` of a function form (``tm.exp(x)``), checked to be a Tensor.

    For an ndarray the error adds numpy's function of the same name, if
    there is one: the way to compute it without a graph.
    """
    if not isinstance(input, _tensor.Tensor):
        hint = f" (for a plain array without a graph, use numpy's np.{where})"
        raise TypeError(f"{not_a_tensor(where, input)}{hint if hasattr(np, where) else ''}")
    return input


def setitem_error(data: np.ndarray[Any, Any], where: Any, value: Tensor,
                  error: Exception) -> Exception:
    """The error for ``data[where] = value`` that numpy refused, saying why in a tensor's terms."""
    if isinstance(error, ValueError) and not data.flags.writeable:
        return ValueError("setitem: this tensor is a read-only view (expand makes one, sharing "
                          "one element among many places); write to a clone() of it instead")
    if isinstance(error, ValueError):
        return ValueError(f"setitem: a value of shape {value.shape} does not fit the selected "
                          f"part, of shape {np.shape(data[where])}, of a tensor of shape "
                          f"{data.shape}")
    if isinstance(error, IndexError):
        return IndexError(f"setitem: {error} (a tensor of shape {data.shape})")
    return TypeError(f"setitem: {error} (index {where!r} into a tensor of shape {data.shape} and "
                     f"dtype {data.dtype}, value of dtype {value.dtype})")


def function_grads(fn: Any, grads: tuple[Any, ...], as_arrays: bool) -> tuple[Any, ...]:
    """Check a user Function's gradients: one per input, Tensors or None, each of its shape.

    Returns them as arrays when ``as_arrays`` (backward without create_graph).
    """
    name = type(fn).__name__
    if len(grads) != len(fn.parents):
        raise RuntimeError(f"{name}.backward returned {len(grads)} gradients for "
                           f"{len(fn.parents)} inputs; return one per input (None for no grad)")
    for position, (grad, parent) in enumerate(zip(grads, fn.parents)):
        if grad is None:
            continue
        if not isinstance(grad, _tensor.Tensor):
            raise TypeError(f"{name}.backward returned a {_type_name(grad)} for input "
                            f"{position}; return a Tensor (or None)")
        shape = parent.out_shape if isinstance(parent, _tensor.Function) else (
            None if parent is None else parent.shape)
        if shape is not None and grad.shape != shape:
            raise RuntimeError(f"{name}.backward returned a gradient of shape {grad.shape} "
                               f"for input {position}, of shape {shape}")
    return tuple([None if g is None else g._data for g in grads]) if as_arrays else grads


def assigned_data(value: object) -> np.ndarray[Any, Any]:
    """What ``tensor.data = value`` keeps: an ndarray, or a Tensor's own, as PyTorch allows."""
    if isinstance(value, _tensor.Tensor):
        return value._data
    if isinstance(value, np.generic):  # what numpy gives for a 0-d result
        return np.asarray(value)
    if not isinstance(value, np.ndarray):
        raise TypeError(f"data: assign an ndarray or a Tensor, got {_type_name(value)}; "
                        "wrap it with np.asarray(...)")
    return value


def assigned_grad(value: object, shape: tuple[int, ...]) -> None:
    """Refuse a ``.grad`` that is not None or a Tensor of the tensor's shape, as PyTorch does."""
    if value is None:
        return
    if not isinstance(value, _tensor.Tensor):
        raise TypeError(f"grad: assign a Tensor of shape {shape} or None, got "
                        f"{_type_name(value)}")
    if value.shape != shape:
        raise RuntimeError(f"grad: the assigned gradient has shape {value.shape}, but the "
                           f"tensor has shape {shape}")


def rectangular(where: str, what: str, value: Any) -> np.ndarray[Any, Any]:
    """``value`` (a Tensor's data, or anything array-like) as an ndarray, of any dtype.

    Raises:
        ValueError: for ragged nested lists, naming ``what``.
    """
    try:
        return np.asarray(value.data if isinstance(value, _tensor.Tensor) else value)
    except ValueError as error:
        raise ValueError(f"{where}: {what} is not rectangular ({error})") from None


def numeric_array(where: str, what: str, value: Any) -> np.ndarray[Any, Any]:
    """``value`` (a Tensor's data, or anything array-like) as an ndarray of numbers.

    Raises:
        ValueError: for ragged nested lists, naming ``what``.
        TypeError: for strings, objects and other non-numbers, naming ``what``.
    """
    array = rectangular(where, what, value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{where}: {what} has dtype {array.dtype}, not a number")
    return array


def numeric_dtype(where: str, dtype: DTypeLike) -> np.dtype[Any]:
    """``dtype`` as a numpy dtype, refused unless it is bool, int or float."""
    try:
        chosen = np.dtype(dtype)
    except TypeError:
        if isinstance(dtype, str) and dtype.split(":")[0] in ("cuda", "mps", "xpu", "meta"):
            raise ValueError(f"{where}: tinygrad_mlp runs on the CPU only, got device "
                             f"{dtype!r}") from None
        raise TypeError(f"{where}: unknown dtype {dtype!r}") from None
    if chosen.kind not in "biuf":
        raise TypeError(f"{where}: unsupported dtype {chosen}")
    return chosen


def dims(op: str, given: tuple[Any, ...], what: str = "sizes") -> tuple[int, ...]:
    """Accept sizes as separate arguments, ``f(2, 3)``, or as one sequence, ``f((2, 3))``.

    Every size must be an int: ``reshape(3.7, 2)`` is refused, not truncated.
    """
    if len(given) == 1 and not _is_int(given[0]):
        try:
            given = tuple(given[0])
        except TypeError:
            raise TypeError(f"{op}: {what} must be ints, got {given[0]!r}") from None
    if not all(_is_int(n) for n in given):
        raise TypeError(f"{op}: {what} must be ints, got {given!r}")
    return tuple(int(n) for n in given)


def shape_sizes(op: str, given: tuple[Any, ...]) -> tuple[int, ...]:
    """``dims`` for a new shape: every size non-negative, but for one -1 (the op works it out).

    numpy would read any negative size as -1; PyTorch refuses -2 and below.
    """
    sizes = dims(op, given)
    if any(n < -1 for n in sizes) or sizes.count(-1) > 1:
        raise ValueError(f"{op}: sizes must be non-negative, with at most one -1, got {sizes}")
    return sizes


def axis(op: str, axis: int, ndim: int, name: str = "axis") -> int:
    """Check one axis against ``ndim`` and make it non-negative.

    ``name`` is what the op calls the argument (``dim`` in PyTorch's methods).
    """
    if not _is_int(axis):
        raise TypeError(f"{op}: {name} must be an int, got {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise IndexError(f"{op}: {name} {axis} is out of range for a tensor with {ndim} dims")
    return int(axis) % ndim


def axes(op: str, given: Axis, ndim: int, name: str = "axis") -> tuple[int, ...] | None:
    """Normalise an axis argument (None, an int or a sequence of ints) to sorted axes.

    As in PyTorch, an empty sequence means every axis, as None does, and a
    0-d tensor takes axis 0 or -1 (as if it had one element along one axis).
    ``name`` is what the op calls the argument, as for ``axis``.
    """
    if given is None:
        return None
    if not isinstance(given, (Sequence, np.ndarray)) or isinstance(given, str):
        given = (given,)
    if len(given) == 0:
        return None
    for a in given:  # checked as for one dim, then said in the 0-d tensor's terms
        if ndim == 0 and _is_int(a) and a not in (0, -1):
            raise IndexError(f"{op}: {name} {a} is out of range for a 0-d tensor (0 or -1)")
    normalised = tuple(sorted(axis(op, a, max(ndim, 1), name) for a in given))
    if len(set(normalised)) != len(normalised):
        raise ValueError(f"{op}: {name} {given} repeats a dimension")
    return normalised if ndim else None


def device(op: str, device: object) -> None:
    """Refuse a device other than the CPU (None, "cpu" or "cpu:0" are fine), as PyTorch names it."""
    if device is not None and str(device).split(":")[0] != "cpu":
        raise ValueError(f"{op}: tinygrad_mlp runs on the CPU only, got device {device!r}")


def floating(op: str, tensor: Tensor) -> None:
    """Refuse a tensor whose dtype is not floating point (softmax of ints, say), as PyTorch."""
    if tensor._data.dtype.kind != "f":
        raise TypeError(f"{op}: needs a floating point tensor, got dtype {tensor.dtype}; "
                        "convert it first with .double() or .float()")


def floating_axes(op: str, tensor: Tensor, given: Axis) -> tuple[int, ...] | None:
    """``axes`` for a reduction that averages (mean, var, std), refusing ints and bools first.

    As in PyTorch: the mean of ints has no dtype of its own to be computed in.
    """
    if tensor._data.dtype.kind != "f":  # tested here, not in a call: mean is on the training path
        floating(op, tensor)
    return axes(op, given, tensor.ndim)


def correction(op: str, value: object) -> float:
    """``var``'s and ``std``'s correction as a number; None means the default, 1, as in PyTorch."""
    return 1 if value is None else real(op, "correction", value)


def flag(op: str, name: str, value: object) -> bool:
    """``value`` checked to be a bool, as PyTorch checks ``keepdim`` and ``descending``.

    An array would otherwise meet numpy's "truth value ... is ambiguous", and
    None or 0 would pass as False.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{op}: {name} must be a bool, got {type(value).__name__}")
    return bool(value)


def number(op: str, name: str, value: object) -> None:
    """Refuse a bound that is not a real number (None means no bound)."""
    if value is not None and (isinstance(value, bool) or not isinstance(
            value, (int, float, np.integer, np.floating))):
        raise TypeError(f"{op}: {name} must be a number, got {value!r}")


def real(op: str, name: str, value: object) -> float:
    """``value`` as a float, after refusing anything but a real number (None and bools too)."""
    if value is None:
        raise TypeError(f"{op}: {name} must be a number, got None")
    number(op, name, value)
    return float(value)  # type: ignore[arg-type]


def expand_shape(shape: tuple[int, ...], target: tuple[int, ...]) -> tuple[int, ...]:
    """``target`` with PyTorch's -1 ("keep this size") filled in; names both if they clash."""
    if len(target) < len(shape):
        raise ValueError(
            f"expand: a tensor of shape {shape} cannot be expanded to {target}, which has "
            "fewer dims"
        )
    new_dims = len(target) - len(shape)
    if -1 in target[:new_dims]:
        raise ValueError(f"expand: -1 in {target} is not allowed for a new leading dim "
                         f"(the tensor has shape {shape})")
    return target[:new_dims] + tuple(
        size if want == -1 else want for size, want in zip(shape, target[new_dims:]))


def tensor(op: str, name: str, given: object) -> Tensor:
    """``given``, after checking it is a Tensor."""
    if not isinstance(given, _tensor.Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor, got {type(given).__name__}")
    return given


def tensors(op: str, name: str, given: object) -> list[Tensor]:
    """A Tensor or an iterable of Tensors, as a list; anything else is a TypeError."""
    if isinstance(given, _tensor.Tensor):
        return [given]
    if not isinstance(given, Iterable) or isinstance(given, (str, np.ndarray)):
        raise TypeError(
            f"{op}: {name} must be a Tensor or a sequence of Tensors, got "
            f"{type(given).__name__}"
        )
    items = list(given)
    for position, item in enumerate(items):
        if not isinstance(item, _tensor.Tensor):
            raise TypeError(f"{op}: {name}[{position}] must be a Tensor, got {type(item).__name__}")
    return items


def hook_result(replaced: object, shape: tuple[int, ...]) -> Tensor:
    """A hook's replacement gradient, refused unless it is a Tensor of the tensor's shape.

    As in PyTorch, an ndarray or a number is not accepted: the gradient a hook
    receives is a Tensor, and so must be the one it gives back.
    """
    if not isinstance(replaced, _tensor.Tensor):
        raise TypeError(
            f"backward: a hook added with register_hook returned a "
            f"{_type_name(replaced)}; a hook must return a Tensor of the gradient's shape "
            f"{shape}, or None to keep the gradient"
        )
    if replaced.shape != shape:
        raise RuntimeError(
            f"backward: a hook returned a gradient of shape {replaced.shape} for a tensor of "
            f"shape {shape}; a hook must return a gradient of its tensor's shape (or None)"
        )
    return replaced


def non_leaf_grad(op: str) -> str:
    """The warning for reading the ``.grad`` of a tensor that ``op`` made, as PyTorch warns."""
    return (
        f"the .grad of a tensor that is not a leaf (made by {op}) is being read: backward does "
        "not fill it in. Call .retain_grad() on it before backward to keep its gradient, or "
        "read the .grad of the leaf you meant."
    )


def grad_shape_mismatch(grad: Tensor, shape: tuple[int, ...]) -> RuntimeError:
    """The error for adding into a ``.grad`` of another shape than its tensor's.

    Assigning such a ``.grad`` is refused, but ``.data`` may be replaced by an
    array of another shape, as in PyTorch, leaving the old ``.grad`` behind.
    """
    return RuntimeError(
        f"backward: the tensor's existing .grad has shape {grad.shape} but the tensor has "
        f"shape {shape}; set .grad = None (or zero_grad()) before backward"
    )


def _type_name(value: object) -> str:
    """``numpy.ndarray``, ``float``: a type as a person would write it."""
    kind = type(value)
    return kind.__qualname__ if kind.__module__ == "builtins" else (
        f"{kind.__module__}.{kind.__qualname__}")
