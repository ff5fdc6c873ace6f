"""PyTorch's convenience methods of a tensor, each built from the engine's ops.

Nothing here has a gradient rule of its own: ``x.square()`` is ``x * x``,
``x.reciprocal()`` is ``1.0 / x``, ``x.gather(1, index)`` is an indexing.
Their gradients, and gradients of those gradients, come from the ops in
``ops.py``, so this file adds names a PyTorch user reaches for without adding
to the calculus a reader has to check. ``Tensor`` inherits them from
``TensorMethods``, which in turn inherits the methods of seven files beside
this one: the reductions (``max`` along a dim, ``norm``, ``sort``, ``median``,
``quantile``, ``cov``) in ``reductions.py``, the scans (``cumsum``,
``cumprod``) in ``scans.py``, the matrix products in ``linalg.py``, the
scatter and index writes in ``indexing.py``, the special functions (``erf``,
``lgamma``) in ``special.py``, the histograms (``bincount``, ``histc``),
which have no gradient, in ``binning.py``, and Python's operators a tensor
has beyond ``tensor.py``'s (``//``, ``%``, ``&``, ``~``, ``<<``, ``in``) in
``operators.py``. ``indexing.py`` and
``special.py``, and ``linalg.py``'s inverse and determinants, are where a
method needs a rule of its own.

Two patterns recur. Where a composition rounds differently from numpy's own
routine (ln x / ln 10 for ``log10``), the composition is kept for its
gradient and a constant added to give numpy's value (``_valued``). Where the
result is a step function (a quotient rounded down), it stays in the graph
through a ``where`` that gives its inputs a gradient of exactly 0 (``_step``).

Example:
    >>> import tinygrad_mlp as tm
    >>> x = tm.tensor([[3.0, -4.0], [0.0, 1.0]], requires_grad=True)
    >>> x.square().sum().backward()
    >>> x.grad
    tensor([[ 6., -8.],
            [ 0.,  2.]])
    >>> x.grad.zero_()
    tensor([[0., 0.],
            [0., 0.]])
"""

# A method here declares ``self: Tensor``: it uses the Tensor it is a method of.
# mypy asks a mixin's self type to be a supertype of the mixin; this one is a
# subclass, so that one check ("misc") is off in this file.
# mypy: disable-error-code="misc"

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

# tensor.py imports this module; what it defines is looked up when a method runs.
import tinygrad_mlp.tensor as _tensor
from tinygrad_mlp import checks, random
from tinygrad_mlp.binning import BinningMethods
from tinygrad_mlp.dtypes import get_default_dtype, is_floating
from tinygrad_mlp.indexing import IndexingMethods
from tinygrad_mlp.linalg import LinalgMethods
from tinygrad_mlp.operators import OperatorMethods
from tinygrad_mlp.reductions import ReductionMethods
from tinygrad_mlp.scans import ScanMethods
from tinygrad_mlp.special import SpecialMethods

if TYPE_CHECKING:
    from tinygrad_mlp.tensor import Tensor, TensorLike


def _filled(op: str, size: tuple[Any, ...], value: object, dtype: DTypeLike,
            requires_grad: bool) -> Tensor:
    """``value`` in shape ``size`` and ``dtype``, refused (naming ``op``) if it cannot hold it."""
    from tinygrad_mlp.creation import _full, _shape
    return _full(op, _shape(op, size), value, dtype, requires_grad)  # type: ignore[arg-type]


def _copy(data: np.ndarray, value: np.ndarray, out: np.ndarray) -> None:
    """Write ``value`` into ``out`` (= ``data``), cast to its dtype as PyTorch's ``copy_`` does."""
    np.copyto(out, value, casting="unsafe")


def _index_array(op: str, index: TensorLike, size: int, ndim: int | None = None,
                 name: str = "index") -> np.ndarray:
    """``index`` (argument ``name``) as an int array of ``ndim`` dims, values in [0, size)."""
    array = checks.rectangular(op, name, index)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{op}: {name} must hold integers, got dtype {array.dtype}")
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{op}: {name} must have {ndim} dims, got shape {array.shape}")
    if array.size and (array.min() < 0 or array.max() >= size):
        raise IndexError(f"{op}: {name} values must be in [0, {size}) for a dim of size "
                         f"{size}, got values from {array.min()} to {array.max()}")
    return array


def _scaled(op: str, x: Tensor, other: TensorLike, alpha: float, name: str = "alpha",
            added_to: Tensor | None = None) -> Tensor:
    """``alpha · other``, for ``add``, ``sub``, ``addcmul`` and ``addcdiv``.

    A float ``alpha`` is refused where the result is an integer tensor: the
    result's dtype is that of ``x``, ``other`` and ``added_to`` (the tensor
    that ``addcmul`` and ``addcdiv`` add to). PyTorch's ``add`` refuses it
    too; its ``addcmul`` truncates the float. ``name`` is what the caller
    calls ``alpha`` (``value`` for ``addcmul`` and ``addcdiv``).
    """
    if alpha is None:  # checks.number lets None through, as a missing bound
        raise TypeError(f"{op}: {name} must be a number, got None")
    checks.number(op, name, alpha)
    operand = x._operand(other)
    if alpha == 1:
        return operand
    dtypes = [x.dtype, operand.dtype] + ([] if added_to is None else [added_to.dtype])
    if isinstance(alpha, (float, np.floating)) and np.result_type(*dtypes).kind in "biu":
        raise TypeError(f"{op}: {name} must be an int for integer tensors, got {alpha!r} (as "
                        "in PyTorch)")
    return operand * alpha


def _broadcast_shape(op: str, *tensors: Tensor) -> tuple[int, ...]:
    """The shape ``tensors`` broadcast to; if they do not, an error naming ``op`` and theirs."""
    try:
        return np.broadcast_shapes(*(t.shape for t in tensors))
    except ValueError:
        shapes = [str(t.shape) for t in tensors]
        raise ValueError(f"{op}: shapes {', '.join(shapes[:-1])} and {shapes[-1]} cannot be "
                         "broadcast together") from None


def _broadcast(op: str, *tensors: Tensor) -> list[Tensor]:
    """``tensors``, checked to broadcast together, and expanded to the result if it is empty.

    An empty result has an empty gradient, so each input's gradient is 0 (a
    sum of nothing), as in PyTorch. Expanded first, two inputs never meet
    outside the result, where 0 · nan would make that gradient nan.
    """
    shape = _broadcast_shape(op, *tensors)
    if math.prod(shape):
        return list(tensors)
    return [t if t.shape == shape else t.expand(shape) for t in tensors]


def _compared(op: str, x: Tensor, other: object, compare: Callable[[Any, Any], Any]) -> Any:
    """``compare(x, other)``, a comparison operator on the arrays, with errors naming ``op``."""
    value = _tensor._plain(other)
    try:
        return compare(x.data, value)
    except ValueError:
        raise ValueError(f"{op}: shapes {x.shape} and {np.shape(value)} cannot be broadcast "
                         "together") from None
    except TypeError:  # numpy has no comparison of numbers with None or a string
        raise TypeError(f"{op}: cannot compare a tensor of dtype {x.dtype} with "
                        f"{type(other).__name__} {other!r}") from None


def _valued(approx: Tensor, value: np.ndarray) -> Tensor:
    """``approx``, whose derivatives are the ones wanted, holding numpy's ``value``.

    A composition of ops can round differently from numpy's own routine: ln x
    / ln 10 is 2.9999999999999996 at x = 1000, where ``np.log10`` gives 3.
    Adding the (constant) difference gives numpy's value and leaves every
    derivative of ``approx`` as it was. Where both are the same infinity, or
    nan, nothing is added; where only ``approx`` overflowed, numpy's value
    stands alone, as a constant.
    """
    exact = np.asarray(value).astype(approx.dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        difference = exact - approx.data
    difference = np.where(np.isfinite(difference), difference, 0).astype(approx.dtype)
    out = approx + _tensor.Tensor(difference) if difference.any() else approx
    overflowed = ~np.isfinite(approx.data) & np.isfinite(exact)
    return _tensor.where(overflowed, exact, out) if overflowed.any() else out


def _step(value: np.ndarray, *inputs: Tensor) -> Tensor:
    """``value``, a step function of ``inputs`` (a rounded quotient): its derivative is 0.

    As in PyTorch, the result stays in the graph and backward gives the
    inputs exactly 0 (not 0 · g, which is nan where g is infinite): each
    input joins through a ``where`` that always picks ``value``.
    """
    out = _tensor.Tensor(np.asarray(value))
    everywhere = np.ones(out.shape, dtype=bool)
    for tensor in inputs:
        if tensor.requires_grad:
            out = _tensor.where(everywhere, out, tensor)
    return out


def _quotient(op: str, x: Tensor, y: Tensor, rounding_mode: str) -> np.ndarray:
    """x / y rounded toward zero (``"trunc"``) or down (``"floor"``), as PyTorch's ``div``.

    Two bools are refused, and an integer division by 0, as PyTorch refuses them.
    """
    a, b, shape = x.data, y.data, _broadcast_shape(op, x, y)
    if np.result_type(a, b) == np.bool_:
        raise TypeError(f"{op}: not defined for two bool tensors (as in PyTorch); convert one "
                        "with .int()")
    integers = np.result_type(a, b).kind in "biu"
    if integers and not np.all(np.broadcast_to(b, shape)):  # a 0 that reaches the result
        raise ZeroDivisionError(f"{op}: integer division by zero (other holds a 0), as "
                                "PyTorch refuses it")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if rounding_mode == "floor":
            return np.asarray(np.floor_divide(a, b))
        if integers:  # a - fmod(a, b) is a multiple of b: exact, where a / b rounds through floats
            return np.asarray((a - np.fmod(a, b)) // b)
        return np.asarray(np.trunc(a / b))


def _divide(op: str, x: Tensor, other: TensorLike, rounding_mode: str | None) -> Tensor:
    """``div`` and ``divide``: true division, or the quotient rounded, whose gradient is 0."""
    if rounding_mode is None:
        return x / other
    if rounding_mode not in ("trunc", "floor"):
        raise ValueError(f"{op}: rounding_mode must be None, 'trunc' or 'floor', got "
                         f"{rounding_mode!r}")
    divisor = x._operand(other)
    return _step(_quotient(op, x, divisor, rounding_mode), x, divisor)


def _remainder(op: str, x: Tensor, other: TensorLike, rounding_mode: str) -> Tensor:
    """x - q·y with q = x / y rounded (down for ``remainder``, toward 0 for ``fmod``).

    q is a step function of x and y, so it is held constant, as PyTorch
    does: ∂/∂x = 1, ∂/∂y = -q. The value is numpy's ``remainder`` or
    ``fmod``, exact where x - q·y would lose digits to rounding. Where x / y
    overflows (3e38 / 0.5 in float32) q is infinite but the remainder is
    not: there x's own value stands in for q·y, a constant, so x - q·y is 0
    plus numpy's value, ∂/∂x is still 1, and ∂/∂y is 0 (PyTorch's is ∓∞).
    """
    y = x._operand(other)
    q = _quotient(op, x, y, rounding_mode)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.asarray((np.remainder if rounding_mode == "floor" else np.fmod)(x.data, y.data))
    if value.dtype.kind != "f":
        return _tensor.Tensor(value)
    overflowed = np.isinf(q) & np.isfinite(value)
    q = np.where(overflowed, 0, q)
    with np.errstate(invalid="ignore", over="ignore"):  # ∞ · 0 where y is 0, ∞ - ∞: nan as numpy's
        multiple = _tensor.where(q == 0, 0.0, y) * q  # q·y, and 0 (not 0 · ∞) where q is 0
        if overflowed.any():
            multiple = _tensor.where(overflowed, x.data, multiple)
        return _valued(x - multiple, value)


def _gap(op: str, x: Tensor, other: TensorLike) -> tuple[Tensor, Tensor]:
    """The larger of x and other, elementwise, and the smaller minus the larger (<= 0).

    ``where`` picks each, so each gets the gradient of the one it picked. Two
    equal infinities have a gap of 0, not ∞ - ∞.
    """
    y = x._operand(other)
    for tensor in (x, y):
        checks.floating(op, tensor)
    _broadcast_shape(op, x, y)
    # False where either is nan: y is then taken as the larger, and the nan (in larger, or in
    # smaller and so in the gap) makes the result nan.
    first = x.data >= y.data
    larger, smaller = _tensor.where(first, x, y), _tensor.where(first, y, x)
    same_infinity = np.isinf(larger.data) & (larger.data == smaller.data)
    with np.errstate(invalid="ignore"):  # ∞ - ∞, which the where leaves out
        return larger, _tensor.where(same_infinity, 0.0, smaller - larger)


def _checked_shape(op: str, shape: tuple[int, ...], sizes: Sequence[int]) -> tuple[int, ...]:
    """``sizes`` (checked by ``checks.shape_sizes``) with a -1 worked out to fit ``shape``."""
    count = math.prod(shape)
    known = math.prod(n for n in sizes if n != -1)
    if -1 in sizes:
        if not known or count % known:
            raise ValueError(f"{op}: sizes {tuple(sizes)} cannot hold the {count} elements of "
                             f"shape {shape}")
        return tuple(count // known if n == -1 else n for n in sizes)
    if known != count:
        raise ValueError(f"{op}: sizes {tuple(sizes)} don't multiply up to {count}, the "
                         f"elements of shape {shape}")
    return tuple(sizes)


def _moved(op: str, x: Tensor, source: int | Sequence[int],
           destination: int | Sequence[int]) -> Tensor:
    """``x`` with dims ``source`` moved to the places ``destination`` (a ``permute``)."""
    start, end = (checks.dims(op, (d,), "dims") for d in (source, destination))
    if len(start) != len(end):
        raise ValueError(f"{op}: source {start} and destination {end} must name as many dims")
    ndim = max(x.ndim, 1)  # a 0-d tensor takes dim 0 or -1, as in PyTorch
    moving, places = ([checks.axis(op, d, ndim) for d in dims] for dims in (start, end))
    for name, dims in (("source", moving), ("destination", places)):
        if len(set(dims)) < len(dims):
            raise ValueError(f"{op}: {name} {tuple(dims)} repeats a dim")
    order = [d for d in range(ndim) if d not in moving]
    for place, d in sorted(zip(places, moving)):
        order.insert(place, d)
    return x.permute(order) if x.ndim else x.reshape(())


def _swapped(op: str, x: Tensor, dim0: int, dim1: int, name: str) -> Tensor:
    """``x.transpose(dim0, dim1)``, with errors naming ``op`` (and 0-d tensors taking 0 or -1).

    ``name`` is what ``op`` calls the two arguments: ``axis`` or ``dim``.
    """
    first, second = (checks.axis(op, d, max(x.ndim, 1), name) for d in (dim0, dim1))
    return x.transpose(first, second) if x.ndim else x.reshape(())


def _int_of(value: Any) -> Any:
    """A 0-d int tensor as the int it holds (PyTorch takes one for an int); else ``value``."""
    if isinstance(value, _tensor.Tensor) and not value.ndim and value.dtype.kind in "iu":
        return int(value.item())
    return value


def _split_argument(op: str, first: Any, sections: Any, indices: Any, tensor: Any) -> Any:
    """Where ``tensor_split`` cuts, given once: first, or by one of PyTorch's three keywords.

    As PyTorch's three forms: ``sections`` is an int (or a 0-d int tensor),
    ``indices`` a list or tuple of ints, ``tensor_indices_or_sections`` a tensor.
    """
    named = {"the first argument": first, "sections": sections, "indices": indices,
             "tensor_indices_or_sections": tensor}
    given = [name for name, value in named.items() if value is not None]
    if len(given) != 1:
        raise TypeError(f"{op}: give the sections or the indices once, first or as sections=, "
                        f"indices= or tensor_indices_or_sections=; got "
                        f"{' and '.join(given) if given else 'none'}")
    name, value = given[0], named[given[0]]
    wanted = {"sections": "an int", "indices": "a list or tuple of ints",
              "tensor_indices_or_sections": "a Tensor"}.get(name)
    fits = {"sections": (isinstance(value, (int, np.integer)) and not isinstance(value, bool))
            or (isinstance(value, _tensor.Tensor) and not value.ndim),
            "indices": isinstance(value, (list, tuple)),
            "tensor_indices_or_sections": isinstance(value, _tensor.Tensor)}.get(name, True)
    if not fits:
        raise TypeError(f"{op}: {name} must be {wanted}, got {type(value).__name__} (as in "
                        "PyTorch)")
    return value


def _logical(op: str, x: Tensor, other: TensorLike, combine: Callable[..., Any]) -> Any:
    """``combine`` (numpy's ``logical_and``, ``_or`` or ``_xor``) of x and other, as truths.

    Any nonzero number is true, nan too. A numpy boolean array, as the
    comparisons give here (PyTorch gives a bool tensor).
    """
    value = checks.numeric_array(op, "other", _tensor._plain(other))
    try:
        return np.asarray(combine(x.data, value))
    except ValueError:
        raise ValueError(f"{op}: shapes {x.shape} and {value.shape} cannot be broadcast "
                         "together") from None


def _logical_inplace(op: str, x: Tensor, other: TensorLike,
                     combine: Callable[..., Any]) -> Tensor:
    """``x`` set to ``_logical(...)`` in place: 1 or 0 in x's own dtype, as PyTorch's."""
    truth = _logical(op, x, other, combine)
    if truth.shape != x.shape:
        raise ValueError(f"{op}: other of shape {np.shape(_tensor._plain(other))} does not "
                         f"broadcast to the tensor's shape {x.shape}")
    return x._inplace(op, _copy, _tensor.Tensor(truth))


def _resized(data: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``data``'s memory read as ``shape``, as PyTorch's ``resize_`` reads a tensor's storage.

    A tensor's elements lie in a block of memory (its storage: here the array
    numpy allocated, the ``base`` of each view of it) from some offset on.
    The resized tensor holds the elements its shape needs from that offset in
    memory order: a view of the same block if the block holds them all (so a
    shrunk tensor grown back has its old values again, as in PyTorch), else a
    new block with what the old one held from the offset, then zeros (where
    PyTorch leaves the new elements uninitialised).
    """
    count = math.prod(shape)
    storage = data
    while isinstance(storage.base, np.ndarray):
        storage = storage.base
    flat, offset = data.reshape(-1), 0  # a reinterpreted or strided block: the tensor's order
    if storage.dtype == data.dtype and (storage.flags.c_contiguous or storage.flags.f_contiguous):
        whole = storage.ravel(order="K")  # a view, in memory order
        start = data.__array_interface__["data"][0] - whole.__array_interface__["data"][0]
        if 0 <= start <= whole.nbytes and start % data.itemsize == 0:
            flat, offset = whole, start // data.itemsize
    if offset + count <= flat.size:
        return flat[offset:offset + count].reshape(shape)
    grown = np.zeros(count, data.dtype)
    grown[:flat.size - offset] = flat[offset:]
    return grown.reshape(shape)


def _random_source(op: str, x: Tensor, generator: np.random.Generator | None) -> Any:
    """The generator to fill ``x`` from in place (refused while recording a graph through x)."""
    x._refuse_recording(op, x)
    return random.resolve(random.check_generator(op, generator))


def _float_bound(op: str, name: str, value: object, dtype: np.dtype[Any]) -> float:
    """``value`` (the argument ``name``) as a float, checked to be finite and fit ``dtype``."""
    bound = checks.real(op, name, value)
    largest = float(np.finfo(dtype).max)
    if not abs(bound) <= largest:
        raise ValueError(f"{op}: {name} must be finite and fit in {dtype} (at most {largest:g} "
                         f"in size), got {value}")
    return bound


def _random_range(op: str, dtype: np.dtype[Any], bounds: tuple[Any, ...],
                  to: Any) -> tuple[int, int]:
    """``random_``'s [from, to) as [low, high] (inclusive), in PyTorch's three call forms.

    ``random_()`` is every value the dtype holds from 0 on: up to its largest
    int, or 2^digits for floats (every integer up to there is exact);
    ``random_(to)`` is [0, to); ``random_(from, to)`` is [from, to), with
    ``to=None`` for the same top as ``random_()``.
    """
    given = bounds if to is None else (*bounds, to)
    if len(given) > 2:
        raise TypeError(f"{op}: takes (), (to) or (from, to), got the bounds {given}")
    low, high = (0, None) if not given else (0, given[0]) if len(given) == 1 else given
    for name, value in (("from", low), ("to", high)):
        if value is not None and (isinstance(value, bool) or not isinstance(
                value, (int, np.integer))):
            raise TypeError(f"{op}: {name} must be an int, got {value!r}")
    if dtype.kind == "f":
        exact = 2 ** (np.finfo(dtype).nmant + 1)
        lowest, top = -exact, exact
    elif dtype == np.bool_:
        lowest, top = 0, 1
    else:
        lowest, top = int(np.iinfo(dtype).min), int(np.iinfo(dtype).max)
    first = int(low)
    last = top if high is None else int(high) - 1
    if first > last:
        raise ValueError(f"{op}: from must be less than to, got from={low} and to={high}")
    if first < lowest or last > top:
        raise ValueError(f"{op}: [from, to) = [{low}, {high}) does not fit in {dtype}, which "
                         f"holds every integer from {lowest} to {top} exactly")
    return first, last


def _probabilities(op: str, p: Any, shape: tuple[int, ...], name: str = "p") -> Any:
    """``p``, a number or a float tensor broadcasting to ``shape``, checked to lie in [0, 1]."""
    if isinstance(p, _tensor.Tensor):
        if p.dtype.kind != "f":
            raise TypeError(f"{op}: {name} must hold floats, got dtype {p.dtype}")
        if not checks.broadcasts_to(p.shape, shape):
            raise ValueError(f"{op}: {name} of shape {p.shape} does not broadcast to the "
                             f"tensor's shape {shape}")
        values = p.data
    else:
        values = np.asarray(checks.real(op, name, p))
    if not np.all((values >= 0) & (values <= 1)):
        raise ValueError(f"{op}: {name} must be in [0, 1], got "
                         f"{values.tolist() if values.size < 8 else 'values outside it'}")
    return values


# PyTorch's legacy type names: ``x.type()`` gives 'torch.FloatTensor' for float32.
_TYPE_NAMES = {"float16": "Half", "float32": "Float", "float64": "Double", "int8": "Char",
               "uint8": "Byte", "int16": "Short", "int32": "Int", "int64": "Long",
               "bool": "Bool", "uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64"}


class TensorMethods(ReductionMethods, ScanMethods, LinalgMethods, SpecialMethods,
                    IndexingMethods, BinningMethods, OperatorMethods):
    """Methods ``Tensor`` inherits: PyTorch's names for compositions of its ops."""

    __slots__ = ()

    # -- arithmetic under PyTorch's method names ------------------------------------------

    def add(self: Tensor, other: TensorLike, *, alpha: float = 1) -> Tensor:
        """self + alpha · other."""
        return self + _scaled("add", self, other, alpha)

    def sub(self: Tensor, other: TensorLike, *, alpha: float = 1) -> Tensor:
        """self - alpha · other."""
        return self - _scaled("sub", self, other, alpha)

    def mul(self: Tensor, other: TensorLike) -> Tensor:
        """self · other, elementwise."""
        return self * other

    def div(self: Tensor, other: TensorLike, *, rounding_mode: str | None = None) -> Tensor:
        """self / other, elementwise; with ``rounding_mode``, rounded toward 0 or down.

        ``"trunc"`` and ``"floor"`` give a quotient that is a step function,
        whose gradient is 0, as PyTorch's (ints stay ints, and refuse a
        division by 0 as PyTorch does).
        """
        return _divide("div", self, other, rounding_mode)

    def subtract(self: Tensor, other: TensorLike, *, alpha: float = 1) -> Tensor:
        """``sub`` under numpy's name, as PyTorch also has it."""
        return self - _scaled("subtract", self, other, alpha)

    def multiply(self: Tensor, other: TensorLike) -> Tensor:
        """``mul`` under numpy's name."""
        return self * other

    def divide(self: Tensor, other: TensorLike, *, rounding_mode: str | None = None) -> Tensor:
        """``div`` under numpy's name (with the same ``rounding_mode``)."""
        return _divide("divide", self, other, rounding_mode)

    def true_divide(self: Tensor, other: TensorLike) -> Tensor:
        """``div`` without rounding: self / other."""
        return self / other

    def floor_divide(self: Tensor, other: TensorLike) -> Tensor:
        """⌊self / other⌋, elementwise: ``div(other, rounding_mode="floor")``, gradient 0.

        PyTorch's ``floor_divide`` raises in backward (no derivative is
        implemented); this one gives 0, as its ``div`` with rounding does.
        """
        divisor = self._operand(other)
        return _step(_quotient("floor_divide", self, divisor, "floor"), self, divisor)

    def remainder(self: Tensor, other: TensorLike) -> Tensor:
        """self - ⌊self / other⌋ · other: the sign of ``other``, as Python's ``%``.

        The quotient q = ⌊self / other⌋ is constant where it is defined, so
        ∂/∂self = 1 and ∂/∂other = -q, as in PyTorch.
        """
        return _remainder("remainder", self, other, "floor")

    def fmod(self: Tensor, other: TensorLike) -> Tensor:
        """self - trunc(self / other) · other: the sign of ``self``, as C's ``fmod``.

        ∂/∂self = 1 and ∂/∂other = -trunc(self / other), as in PyTorch.
        """
        return _remainder("fmod", self, other, "trunc")

    def pow(self: Tensor, exponent: TensorLike) -> Tensor:
        """self ** exponent, elementwise."""
        return self ** exponent

    def neg(self: Tensor) -> Tensor:
        """-self."""
        return -self

    def negative(self: Tensor) -> Tensor:
        """``neg`` under numpy's name: -self."""
        return -self

    def absolute(self: Tensor) -> Tensor:
        """``abs`` under numpy's name: |self| (gradient sign x, 0 at 0)."""
        return self.abs()

    def square(self: Tensor) -> Tensor:
        """self², elementwise: d/dx = 2x."""
        return self * self

    def reciprocal(self: Tensor) -> Tensor:
        """1 / self, elementwise: d/dx = -1/x²."""
        return 1.0 / self

    def clip(self: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
        """``clamp`` under numpy's name, as PyTorch also has it."""
        return self.clamp(min, max)

    def clamp_min(self: Tensor, min: float) -> Tensor:
        """max(self, min) for a number ``min``: gradient 1 where self >= min, else 0."""
        checks.real("clamp_min", "min", min)
        return self.clamp(min=min)

    def clamp_max(self: Tensor, max: float) -> Tensor:
        """min(self, max) for a number ``max``: gradient 1 where self <= max, else 0."""
        checks.real("clamp_max", "max", max)
        return self.clamp(max=max)

    def matmul(self: Tensor, other: Tensor) -> Tensor:
        """self @ other."""
        return self @ other

    def mm(self: Tensor, mat2: Tensor) -> Tensor:
        """The product of two matrices; both must be 2-D (``matmul`` broadcasts)."""
        other = checks.tensor("mm", "mat2", mat2)
        if self.ndim != 2 or other.ndim != 2 or self.shape[1] != other.shape[0]:
            raise ValueError(f"mm: needs matrices (n, k) and (k, m), got shapes {self.shape} "
                             f"and {other.shape}; matmul takes vectors and batches")
        return self @ other

    def dot(self: Tensor, tensor: Tensor) -> Tensor:
        """Σ self_i · tensor_i of two 1-D tensors of the same size (``tensor=``, as PyTorch's)."""
        if self.ndim != 1 or getattr(tensor, "ndim", None) != 1 or self.shape != tensor.shape:
            raise ValueError(f"dot: needs two 1-D tensors of the same size, got shapes "
                             f"{self.shape} and {getattr(tensor, 'shape', type(tensor).__name__)}")
        return self @ tensor

    # -- elementwise functions, made of the ops ------------------------------------------

    def rsqrt(self: Tensor) -> Tensor:
        """1 / √self, elementwise: d/dx = -½ x^(-3/2) (-∞ at 0, as in PyTorch)."""
        return self.sqrt().reciprocal()

    def exp2(self: Tensor) -> Tensor:
        """2 ** self, elementwise: d/dx = 2ˣ ln 2 (∞ past the largest float, silently)."""
        with np.errstate(over="ignore"):
            return 2.0 ** self

    def log2(self: Tensor) -> Tensor:
        """log₂ self = ln x / ln 2, elementwise: d/dx = 1 / (x ln 2).

        The value is numpy's ``log2`` (exact at powers of 2), the gradient the
        quotient's.
        """
        with np.errstate(divide="ignore", invalid="ignore"):  # -inf at 0, nan below: as log's
            exact = np.log2(self.data)
        return _valued(self.log() / math.log(2), exact)

    def log10(self: Tensor) -> Tensor:
        """log₁₀ self = ln x / ln 10, elementwise: d/dx = 1 / (x ln 10).

        The value is numpy's ``log10`` (3 at 1000, where ln x / ln 10 rounds
        to 2.9999999999999996), the gradient the quotient's.
        """
        with np.errstate(divide="ignore", invalid="ignore"):  # -inf at 0, nan below: as log's
            exact = np.log10(self.data)
        return _valued(self.log() / math.log(10), exact)

    def logaddexp(self: Tensor, other: TensorLike) -> Tensor:
        """ln(eˣ + eʸ), elementwise, without overflow: ∂/∂x = eˣ / (eˣ + eʸ) (likewise for y).

        Computed as PyTorch and numpy do, m + ln(1 + eᵈ) with m the larger of
        the two and d = smaller - larger <= 0, so eᵈ cannot overflow. Both
        forms of the function agree on either side of x = y, so every
        derivative is exact there too. Floating point tensors only, as in
        PyTorch; at two equal infinities the gradient goes to x (PyTorch: nan).
        """
        larger, gap = _gap("logaddexp", self, other)
        return larger + gap.exp().log1p()

    def logaddexp2(self: Tensor, other: TensorLike) -> Tensor:
        """log₂(2ˣ + 2ʸ), elementwise: ∂/∂x = 2ˣ / (2ˣ + 2ʸ) (likewise for y).

        m + log₂(1 + 2ᵈ), as ``logaddexp`` (with ln(1 + 2ᵈ) / ln 2).
        """
        larger, gap = _gap("logaddexp2", self, other)
        return larger + gap.exp2().log1p() * (1 / math.log(2))

    def xlogy(self: Tensor, other: TensorLike) -> Tensor:
        """x · ln y, elementwise, and 0 where x is 0 (unless y is nan), as PyTorch's.

        ∂/∂x = ln y, ∂/∂y = x / y, as in PyTorch. Where x = 0 and ln y is not
        finite (y <= 0, or y = ∞) ln y is taken as 0, which makes the value
        0 and ∂/∂x 0 there (PyTorch's, but for ∞ at y = ∞), and ∂/∂y 0 / y:
        nan at y = 0, as PyTorch gives.
        """
        x, y = _broadcast("xlogy", self, self._operand(other))
        off = (x.data == 0) & ((y.data <= 0) | (y.data == math.inf))
        if y.requires_grad and np.any(off & (y.data == 0)):
            # There ∂/∂y is 0 / 0 = nan, as PyTorch's: ln of a nan in y's place (its value is
            # left out all the same) makes backward's 0 / y a 0 / nan, which numpy does not
            # warn about as it does about 0 / 0.
            y = y + np.where(off & (y.data == 0), np.nan, 0.0).astype(y.dtype)
        with np.errstate(divide="ignore", invalid="ignore"):  # ln y where y <= 0, left out
            log_y = y.log()
        with np.errstate(invalid="ignore"):  # ∞ · 0 (x = -∞, y = 1): nan, as PyTorch's
            return x * _tensor.where(off, 0.0, log_y)

    def logit(self: Tensor, eps: float | None = None) -> Tensor:
        """ln(x / (1 - x)), elementwise, with x clamped to [eps, 1 - eps] if ``eps`` is given.

        d/dx = 1 / (x (1 - x)); with ``eps``, 0 where the clamp applies, as in
        PyTorch. The clamp is PyTorch's, x < eps tested first, then x > 1 - eps,
        so an eps above ½ gives ln(eps / (1 - eps)) below eps and its negative
        from eps up. Computed as ln x - ln(1 - x).
        """
        x = self
        if eps is not None:
            low = checks.real("logit", "eps", eps)
            high = 1.0 - low
            x = _tensor.where(self.data < low, low, _tensor.where(self.data > high, high, self))
        return x.log() - (-x).log1p()

    def lerp(self: Tensor, end: Tensor, weight: float | Tensor) -> Tensor:
        """self + weight · (end - self), elementwise (``weight`` a number or a tensor).

        ∂/∂self = 1 - w, ∂/∂end = w, ∂/∂weight = end - self. For |w| >= ½ it
        is computed from the other end, end + (w - 1)(end - self), as PyTorch
        does (its end - (end - self)(1 - w) is the same number), so w = 1
        gives ``end`` exactly. Both are a + c · (end - self), with a ``where``
        picking a (self or end) and c (w or w - 1), so ∂/∂weight comes from
        one product: ±∞ where end - self is, as in PyTorch.
        """
        checks.floating("lerp", self)
        target = checks.tensor("lerp", "end", end)
        checks.floating("lerp", target)
        factor: Tensor | float
        if isinstance(weight, _tensor.Tensor):
            x, target, weight = _broadcast("lerp", self, target, weight)
            near = np.abs(weight.data) < 0.5
            factor = _tensor.where(near, weight, weight - 1)
        else:  # a bool is 0 or 1, as PyTorch takes it
            x, target = _broadcast("lerp", self, target)
            w = checks.real("lerp", "weight", float(weight) if isinstance(
                weight, (bool, np.bool_)) else weight)
            near = np.asarray(abs(w) < 0.5)
            factor = w if near else w - 1
        with np.errstate(invalid="ignore"):  # ∞ - ∞ and 0 · ∞ give nan, silently as PyTorch's
            return _tensor.where(near, x, target) + factor * (target - x)

    def addcmul(self: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: float = 1) -> Tensor:
        """self + value · tensor1 · tensor2, elementwise.

        ∂/∂self = 1, ∂/∂tensor1 = value · tensor2, ∂/∂tensor2 = value · tensor1:
        the gradients of a sum and two products. A float ``value`` is refused
        where all three tensors are integers (PyTorch truncates it); a bool is
        0 or 1, as PyTorch takes it.
        """
        a = checks.tensor("addcmul", "tensor1", tensor1)
        b = checks.tensor("addcmul", "tensor2", tensor2)
        x, a, b = _broadcast("addcmul", self, a, b)
        scale = int(value) if isinstance(value, (bool, np.bool_)) else value
        return x + b * _scaled("addcmul", b, a, scale, "value", x)  # (value · tensor1) · tensor2

    def addcdiv(self: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: float = 1) -> Tensor:
        """self + value · tensor1 / tensor2, elementwise.

        ∂/∂self = 1, ∂/∂tensor1 = value / tensor2, ∂/∂tensor2 = -value ·
        tensor1 / tensor2²: the gradients of a sum, a product and a quotient.
        Two integer tensors are refused, as PyTorch no longer divides them; a
        bool ``value`` is 0 or 1, as PyTorch takes it.
        """
        a = checks.tensor("addcdiv", "tensor1", tensor1)
        b = checks.tensor("addcdiv", "tensor2", tensor2)
        if a.dtype.kind in "biu" and b.dtype.kind in "biu":
            raise TypeError(f"addcdiv: tensor1 and tensor2 are integers ({a.dtype} and "
                            f"{b.dtype}); PyTorch no longer divides them, convert one to float")
        x, a, b = _broadcast("addcdiv", self, a, b)
        scale = int(value) if isinstance(value, (bool, np.bool_)) else value
        return x + _scaled("addcdiv", b, a, scale, "value", x) / b

    def nan_to_num(self: Tensor, nan: float | None = 0.0, posinf: float | None = None,
                   neginf: float | None = None) -> Tensor:
        """Self with nan, +inf and -inf replaced (by 0 and the dtype's largest and smallest).

        The gradient is 1 where self is finite and 0 where a value was
        replaced, as in PyTorch. An int or bool tensor is copied unchanged.
        """
        for name, number in (("nan", nan), ("posinf", posinf), ("neginf", neginf)):
            checks.number("nan_to_num", name, number)
        if self.dtype.kind != "f":
            return self.clone()
        data, info = self.data, np.finfo(self.dtype)
        with np.errstate(over="ignore"):
            filler = np.where(np.isnan(data), 0.0 if nan is None else nan, np.where(
                data > 0, info.max if posinf is None else posinf,
                info.min if neginf is None else neginf)).astype(self.dtype)
        return _tensor.where(np.isfinite(data), self, filler)

    def heaviside(self: Tensor, values: Tensor) -> Tensor:
        """0 where self < 0, ``values`` where self == 0, 1 where self > 0 (and 0 at nan).

        A step function, given as a constant: PyTorch has no derivative for
        it either (its backward raises). ``values`` must be a tensor of the
        same dtype, as PyTorch requires.
        """
        at_zero = checks.tensor("heaviside", "values", values)
        if at_zero.dtype != self.dtype:
            raise TypeError(f"heaviside: values must have the tensor's dtype {self.dtype}, got "
                            f"{at_zero.dtype} (as PyTorch requires)")
        try:
            step = np.where(self.data == 0, at_zero.data, self.data > 0)
        except ValueError:
            raise ValueError(f"heaviside: shapes {self.shape} and {at_zero.shape} cannot be "
                             "broadcast together") from None
        return _tensor.Tensor(step.astype(self.dtype))

    def angle(self: Tensor) -> Tensor:
        """The argument of each element as a complex number: π below 0, else 0; NaN stays NaN.

        Real tensors only (the library has no complex dtypes); ints and bools
        give the default float dtype, as in PyTorch. A step function of self:
        its gradient is 0.
        """
        data = self.data if is_floating(self.dtype) else self.data.astype(get_default_dtype())
        value = np.where(data < 0, math.pi, np.where(np.isnan(data), math.nan, 0.0))
        return _step(value.astype(data.dtype), self)

    def hardshrink(self: Tensor, lambd: float = 0.5) -> Tensor:
        """x where |x| > lambd, else 0, elementwise (``F.hardshrink``).

        d/dx = 1 outside [-lambd, lambd] and 0 inside it, at its ends too, as
        in PyTorch; nan passes through with gradient 1. Floating point only.
        """
        checks.floating("hardshrink", self)
        limit = checks.real("hardshrink", "lambd", lambd)
        inside = (self.data >= -limit) & (self.data <= limit)
        return _tensor.where(inside, 0.0, self)

    def hypot(self: Tensor, other: TensorLike) -> Tensor:
        """√(x² + y²), elementwise, without overflow: ∂/∂x = x / hypot, ∂/∂y = y / hypot.

        Computed as s · √((x/s)² + (y/s)²) with s = max(|x|, |y|) held
        constant (1 where it is 0 or not finite), so x² cannot overflow; the
        value is numpy's ``hypot``. At x = y = 0 the gradient is taken as 0,
        as ``norm``'s is (PyTorch's hypot gives 0 / 0 = nan there), and where
        the result is infinite it is 0. Floating point tensors only, as in
        PyTorch.
        """
        y = self._operand(other)
        for tensor in (self, y):
            checks.floating("hypot", tensor)
        x, y = _broadcast("hypot", self, y)
        exact = np.hypot(x.data, y.data)
        # At the origin and at infinity the value stands alone, with gradient 0: no 0 / 0 or
        # ∞ · 0 reaches backward.
        off = (exact == 0) | np.isinf(exact)
        x, y = _tensor.where(off, 0.0, x), _tensor.where(off, 0.0, y)
        scale = np.maximum(np.abs(x.data), np.abs(y.data))
        scale = np.where(off | np.isnan(scale), 1, scale).astype(exact.dtype)
        a, b = x / scale, y / scale
        root = _tensor.where(off, 1.0, a * a + b * b).sqrt()
        return _tensor.where(off, exact, _valued(root * scale, exact))

    def copysign(self: Tensor, other: TensorLike) -> Tensor:
        """|x| with the sign of ``other`` (its sign bit: -0.0 counts as negative), elementwise.

        As PyTorch's: ∂/∂x is ±1, the ratio of the result to x, and 0 where x
        is 0 (of either sign); ``other`` gets 0. Ints and bools give the
        default float dtype.
        """
        y = self._operand(other)
        dtype = np.result_type(self.dtype, y.dtype)
        dtype = dtype if is_floating(dtype) else get_default_dtype()
        x, y = _broadcast("copysign", self, y)
        value = np.copysign(x.data, y.data).astype(dtype)
        flipped = np.signbit(x.data) != np.signbit(y.data)
        factor = np.where(x.data == 0, 0, np.where(flipped, -1, 1)).astype(dtype)
        out = _tensor.where(x.data == 0, value, x.to(dtype) * factor)  # keeps the 0's sign
        if y.requires_grad:  # in the graph with a gradient of 0, as PyTorch gives it
            out = _tensor.where(np.ones(out.shape, dtype=bool), out, y)
        return out

    def float_power(self: Tensor, exponent: TensorLike) -> Tensor:
        """selfᵉˣᵖᵒⁿᵉⁿᵗ in float64, always (both are converted first), as PyTorch's.

        The gradients are those of ``**`` (n xⁿ⁻¹ and xⁿ ln x), sent back
        through the conversion in each input's own dtype.
        """
        power = exponent.double() if isinstance(exponent, _tensor.Tensor) else exponent
        if not isinstance(power, _tensor.Tensor):
            checks.real("float_power", "exponent", power)
            power = float(power)  # type: ignore[arg-type]
        with np.errstate(invalid="ignore", divide="ignore"):  # a negative to a fraction: nan
            return self.double() ** power

    # -- comparisons and tests: numpy boolean arrays, as the operators give ---------------

    def eq(self: Tensor, other: object) -> Any:
        """self == other, elementwise (a boolean ndarray)."""
        return _compared("eq", self, other, operator.eq)

    def ne(self: Tensor, other: object) -> Any:
        """self != other, elementwise (a boolean ndarray)."""
        return _compared("ne", self, other, operator.ne)

    def lt(self: Tensor, other: TensorLike) -> Any:
        """self < other, elementwise (a boolean ndarray)."""
        return _compared("lt", self, other, operator.lt)

    def le(self: Tensor, other: TensorLike) -> Any:
        """self <= other, elementwise (a boolean ndarray)."""
        return _compared("le", self, other, operator.le)

    def gt(self: Tensor, other: TensorLike) -> Any:
        """self > other, elementwise (a boolean ndarray)."""
        return _compared("gt", self, other, operator.gt)

    def ge(self: Tensor, other: TensorLike) -> Any:
        """self >= other, elementwise (a boolean ndarray)."""
        return _compared("ge", self, other, operator.ge)

    def greater(self: Tensor, other: TensorLike) -> Any:
        """``gt`` under numpy's name: self > other (a boolean ndarray)."""
        return _compared("greater", self, other, operator.gt)

    def greater_equal(self: Tensor, other: TensorLike) -> Any:
        """``ge`` under numpy's name: self >= other (a boolean ndarray)."""
        return _compared("greater_equal", self, other, operator.ge)

    def less(self: Tensor, other: TensorLike) -> Any:
        """``lt`` under numpy's name: self < other (a boolean ndarray)."""
        return _compared("less", self, other, operator.lt)

    def less_equal(self: Tensor, other: TensorLike) -> Any:
        """``le`` under numpy's name: self <= other (a boolean ndarray)."""
        return _compared("less_equal", self, other, operator.le)

    def not_equal(self: Tensor, other: TensorLike) -> Any:
        """``ne`` under numpy's name: self != other (a boolean ndarray)."""
        return _compared("not_equal", self, other, operator.ne)

    def signbit(self: Tensor) -> Any:
        """Where the sign bit is set (a boolean ndarray): x < 0, and -0.0 and -nan too."""
        if self.dtype.kind == "f":
            return np.signbit(self.data)
        return np.asarray(self.data < 0)

    def isnan(self: Tensor) -> Any:
        """Where self is nan (a boolean ndarray)."""
        return np.isnan(self.data)

    def isinf(self: Tensor) -> Any:
        """Where self is +inf or -inf (a boolean ndarray)."""
        return np.isinf(self.data)

    def isfinite(self: Tensor) -> Any:
        """Where self is neither inf nor nan (a boolean ndarray)."""
        return np.isfinite(self.data)

    def all(self: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
        """Whether every element (along ``dim``, if given) is nonzero (numpy booleans)."""
        axis = None if dim is None else checks.axis("all", dim, max(self.ndim, 1))
        return np.all(self.data, axis=axis, keepdims=keepdim)

    def any(self: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
        """Whether some element (along ``dim``, if given) is nonzero (numpy booleans)."""
        axis = None if dim is None else checks.axis("any", dim, max(self.ndim, 1))
        return np.any(self.data, axis=axis, keepdims=keepdim)

    def is_floating_point(self: Tensor) -> bool:
        """Whether the dtype is a floating point one."""
        return is_floating(self.dtype)

    # -- logic: truth values of numbers, as numpy booleans like the comparisons above -------

    def logical_and(self: Tensor, other: TensorLike) -> Any:
        """Where both self and other are nonzero (a boolean ndarray; nan counts as nonzero)."""
        return _logical("logical_and", self, other, np.logical_and)

    def logical_or(self: Tensor, other: TensorLike) -> Any:
        """Where self or other is nonzero (a boolean ndarray)."""
        return _logical("logical_or", self, other, np.logical_or)

    def logical_xor(self: Tensor, other: TensorLike) -> Any:
        """Where exactly one of self and other is nonzero (a boolean ndarray)."""
        return _logical("logical_xor", self, other, np.logical_xor)

    def logical_not(self: Tensor) -> Any:
        """Where self is 0 (a boolean ndarray)."""
        return np.logical_not(self.data)

    def logical_and_(self: Tensor, other: TensorLike) -> Tensor:
        """Self set to ``logical_and(other)`` in place: 1 or 0 in self's dtype, as PyTorch's."""
        return _logical_inplace("logical_and_", self, other, np.logical_and)

    def logical_or_(self: Tensor, other: TensorLike) -> Tensor:
        """Self set to ``logical_or(other)`` in place: 1 or 0 in self's dtype."""
        return _logical_inplace("logical_or_", self, other, np.logical_or)

    def logical_xor_(self: Tensor, other: TensorLike) -> Tensor:
        """Self set to ``logical_xor(other)`` in place: 1 or 0 in self's dtype."""
        return _logical_inplace("logical_xor_", self, other, np.logical_xor)

    def logical_not_(self: Tensor) -> Tensor:
        """Self set to ``logical_not()`` in place: 1 where it was 0, else 0, in self's dtype."""
        return self._inplace("logical_not_", _copy, _tensor.Tensor(np.logical_not(self.data)))

    def isclose(self: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
                equal_nan: bool = False) -> Any:
        """Where |self - other| <= atol + rtol · |other| (a boolean ndarray): ``tm.isclose``."""
        from tinygrad_mlp.functions import isclose
        return isclose(self, other, rtol, atol, equal_nan)

    def allclose(self: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
                 equal_nan: bool = False) -> bool:
        """Whether every element is close by the rule of ``isclose``: ``tm.allclose``."""
        from tinygrad_mlp.functions import allclose
        return allclose(self, other, rtol, atol, equal_nan)

    def equal(self: Tensor, other: Tensor) -> bool:
        """Whether other has self's shape and values (no broadcasting): ``tm.equal``."""
        from tinygrad_mlp.functions import equal
        return equal(self, other)

    # -- selecting and filling ----------------------------------------------------------

    def masked_fill(self: Tensor, mask: TensorLike, value: TensorLike) -> Tensor:
        """Self with ``value`` where the boolean ``mask`` (broadcast to self's shape) holds.

        The gradient flows to self where the mask is False (and to ``value``,
        a number or a 0-d tensor, from where it is True).
        """
        array = checks.rectangular("masked_fill", "mask", mask)
        if array.dtype != np.bool_:
            raise TypeError(f"masked_fill: mask must be bool, got dtype {array.dtype}")
        if not checks.broadcasts_to(array.shape, self.shape):
            raise ValueError(f"masked_fill: mask of shape {array.shape} does not broadcast to "
                             f"the tensor's shape {self.shape}")
        if isinstance(value, _tensor.Tensor):
            if value.ndim:
                raise ValueError(f"masked_fill: value must be a number or a 0-d tensor, got "
                                 f"shape {value.shape}")
            fill = value.to(self.dtype)  # self's dtype, as in PyTorch (a float gradient flows)
        else:
            checks.number("masked_fill", "value", value)
            fill = _tensor.Tensor(np.array(value).astype(self.dtype))
        return _tensor.where(array, fill, self)

    def gather(self: Tensor, dim: int, index: TensorLike) -> Tensor:
        """``out[i, j, k] = self[index[i, j, k], j, k]`` for dim 0 (likewise for the others).

        ``index`` has as many dims as self and, except along ``dim``, sizes no
        larger than self's. The gradient adds up where an index repeats.
        """
        axis = checks.axis("gather", dim, max(self.ndim, 1))
        chosen = _index_array("gather", index, self.shape[axis] if self.ndim else 1, self.ndim)
        if any(n > size for d, (n, size) in enumerate(zip(chosen.shape, self.shape))
               if d != axis):
            raise ValueError(f"gather: index of shape {chosen.shape} is larger than the "
                             f"tensor's shape {self.shape} outside dim {dim}")
        if not self.ndim:
            return self.reshape(chosen.shape)
        positions = [np.arange(n).reshape([-1 if d == i else 1 for d in range(self.ndim)])
                     for i, n in enumerate(chosen.shape)]
        positions[axis] = chosen  # with the others, picks self[..., chosen[i, j, k], ...]
        return self[tuple(positions)]

    def index_select(self: Tensor, dim: int, index: TensorLike) -> Tensor:
        """The entries ``index`` (1-D ints; repeats allowed) along ``dim``."""
        axis = checks.axis("index_select", dim, max(self.ndim, 1))
        size = self.shape[axis] if self.ndim else 1
        chosen = _index_array("index_select", index, size)
        if chosen.ndim > 1:
            raise ValueError(f"index_select: index must be 1-D, got shape {chosen.shape}")
        if not self.ndim:
            if chosen.size != 1:
                raise IndexError(f"index_select: a 0-d tensor takes one index, got {chosen.size}")
            return self.reshape(chosen.shape)
        return self[(slice(None),) * axis + (chosen.reshape(-1),)]

    def take_along_dim(self: Tensor, indices: TensorLike, dim: int | None = None) -> Tensor:
        """``gather`` along ``dim`` after broadcasting self and ``indices`` in the other dims.

        With no ``dim`` it picks from the flattened tensor (a 1-D result). The
        gradient adds up where an index repeats, as in ``gather``.
        """
        op = "take_along_dim"
        if dim is None:
            flat = self.reshape(-1)
            return flat[_index_array(op, indices, flat.shape[0], name="indices").reshape(-1)]
        if not self.ndim:
            raise IndexError(f"{op}: a 0-d tensor has no dim {dim} (as in PyTorch); leave dim out "
                             "to pick from it as a 1-D tensor")
        axis = checks.axis(op, dim, self.ndim, "dim")
        chosen = _index_array(op, indices, self.shape[axis], name="indices")
        if chosen.ndim != self.ndim:
            raise ValueError(f"{op}: indices must have as many dims as the tensor, got shapes "
                             f"{chosen.shape} and {self.shape}")
        try:
            shape = list(np.broadcast_shapes((*self.shape[:axis], 1, *self.shape[axis + 1:]),
                                             (*chosen.shape[:axis], 1, *chosen.shape[axis + 1:])))
        except ValueError:
            raise ValueError(f"{op}: the tensor of shape {self.shape} and indices of shape "
                             f"{chosen.shape} do not broadcast outside dim {dim}") from None
        shape[axis] = self.shape[axis]
        source = self if tuple(shape) == self.shape else self.expand(shape)
        shape[axis] = chosen.shape[axis]
        return source.gather(axis, np.broadcast_to(chosen, shape))

    def masked_select(self: Tensor, mask: TensorLike) -> Tensor:
        """The elements where the boolean ``mask`` holds, as a 1-D tensor (self and mask broadcast).

        An indexing: the gradient goes back to the elements picked (and adds up
        over the copies broadcasting made).
        """
        chosen = checks.rectangular("masked_select", "mask", mask)
        if chosen.dtype != np.bool_:
            raise TypeError(f"masked_select: mask must be bool, got dtype {chosen.dtype}")
        try:
            shape = np.broadcast_shapes(self.shape, chosen.shape)
        except ValueError:
            raise ValueError(f"masked_select: mask of shape {chosen.shape} and the tensor's "
                             f"shape {self.shape} cannot be broadcast together") from None
        source = self if shape == self.shape else self.expand(shape)
        return source.reshape(-1)[np.flatnonzero(np.broadcast_to(chosen, shape))]

    @overload
    def nonzero(self: Tensor, *, as_tuple: Literal[False] = False) -> Tensor: ...
    @overload
    def nonzero(self: Tensor, *, as_tuple: Literal[True]) -> tuple[Tensor, ...]: ...

    def nonzero(self: Tensor, *, as_tuple: bool = False) -> Tensor | tuple[Tensor, ...]:
        """The indices of the nonzero elements: int64, no gradient.

        A (count, ndim) tensor, one row per element; with ``as_tuple``, one
        1-D tensor per dim (a 0-d tensor counting as 1-D), ready to index with.
        """
        if as_tuple:
            return tuple(_tensor.Tensor(part.astype(np.int64))
                         for part in np.nonzero(np.atleast_1d(self.data)))
        return self.argwhere()

    def argwhere(self: Tensor) -> Tensor:
        """``nonzero()``: a (count, ndim) int64 tensor of the indices of nonzero elements."""
        return _tensor.Tensor(np.argwhere(self.data).astype(np.int64))

    def narrow(self: Tensor, dim: int, start: int, length: int) -> Tensor:
        """``length`` entries along ``dim`` from ``start`` (counted from the end if negative)."""
        axis = checks.axis("narrow", dim, self.ndim)
        size = self.shape[axis]
        try:  # ints, numpy ints and 0-d int tensors, as PyTorch takes
            first, count = (operator.index(_tensor._plain(n)) for n in (start, length))
        except TypeError:
            raise TypeError(f"narrow: start and length must be ints, got "
                            f"{type(start).__name__} and {type(length).__name__}") from None
        begin = first + size if first < 0 else first
        if not (0 <= begin <= size and 0 <= count <= size - begin):
            raise IndexError(f"narrow: start {first} and length {count} do not fit in dim "
                             f"{dim} of size {size}")
        return self[(slice(None),) * axis + (slice(begin, begin + count),)]

    def flip(self: Tensor, *dims: int | Sequence[int]) -> Tensor:
        """A copy with the entries in reverse order along each of ``dims``, as PyTorch's."""
        axes = [checks.axis("flip", d, max(self.ndim, 1)) for d in checks.dims("flip", dims,
                                                                              "dims")]
        if len(set(axes)) < len(axes):
            raise ValueError(f"flip: dims {dims} name a dim more than once")
        reversed_view = self[tuple(slice(None, None, -1) if d in axes else slice(None)
                                   for d in range(self.ndim))]
        return reversed_view.clone()  # a copy: writing into it leaves self alone

    def split(self: Tensor, split_size_or_sections: int | Sequence[int],
              dim: int = 0) -> tuple[Tensor, ...]:
        """Views of consecutive pieces along ``dim``.

        An int gives pieces of that size (the last may be smaller); a list
        gives the size of each piece, which must add up to the dim's size.
        """
        axis = checks.axis("split", dim, self.ndim)
        size = self.shape[axis]
        if isinstance(split_size_or_sections, (int, np.integer)):
            step = int(split_size_or_sections)
            if step <= 0 and size:
                raise ValueError(f"split: split_size must be positive, got {step}")
            sizes = [min(step, size - at) for at in range(0, size, step)] if size else [0]
        else:
            sizes = list(checks.dims("split", (split_size_or_sections,), "sections"))
            if any(n < 0 for n in sizes) or sum(sizes) != size:
                raise ValueError(f"split: sections {sizes} must be non-negative and add up to "
                                 f"{size}, the size of dim {dim}")
        starts = np.cumsum([0, *sizes[:-1]])
        return tuple(self[(slice(None),) * axis + (slice(int(at), int(at) + n),)]
                     for at, n in zip(starts, sizes))

    def chunk(self: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        """``split`` into pieces of ⌈size / chunks⌉ (so maybe fewer than ``chunks`` pieces)."""
        if isinstance(chunks, bool) or not isinstance(chunks, (int, np.integer)) or chunks < 1:
            raise ValueError(f"chunk: chunks must be a positive int, got {chunks!r}")
        size = self.shape[checks.axis("chunk", dim, self.ndim)]
        if not size:  # PyTorch gives ``chunks`` empty pieces
            return tuple(self.narrow(dim, 0, 0) for _ in range(int(chunks)))
        return self.split(-(-size // int(chunks)), dim)

    def unbind(self: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
        """The slices along ``dim``, each without that dim."""
        axis = checks.axis("unbind", dim, self.ndim)
        return tuple(self[(slice(None),) * axis + (i,)] for i in range(self.shape[axis]))

    def repeat(self: Tensor, *sizes: int | Sequence[int]) -> Tensor:
        """Self tiled ``sizes[d]`` times along each dim d (new leading dims if more sizes).

        Built from ``expand`` and ``reshape``: the gradient adds up the tiles.
        """
        times = checks.dims("repeat", sizes)
        if len(times) < self.ndim or any(n < 0 for n in times):
            raise ValueError(f"repeat: needs at least {self.ndim} non-negative sizes for a "
                             f"tensor of shape {self.shape}, got {times}")
        shape = (1,) * (len(times) - self.ndim) + self.shape
        spread = [n for pair in zip([1] * len(shape), shape) for n in pair]
        tiled = [n for pair in zip(times, shape) for n in pair]
        out = self.reshape(spread).expand(tiled).reshape([r * n for r, n in zip(times, shape)])
        # a copy, as PyTorch's: the last reshape can leave a (read-only) view of self
        return out.clone() if np.may_share_memory(out.data, self.data) else out

    # -- rearranging: views, copies and indexings, so gradients go back where values came from

    def swapaxes(self: Tensor, axis0: int, axis1: int) -> Tensor:
        """``transpose(axis0, axis1)`` under numpy's name: a view with two dims swapped."""
        return _swapped("swapaxes", self, axis0, axis1, "axis")

    def swapdims(self: Tensor, dim0: int, dim1: int) -> Tensor:
        """``transpose(dim0, dim1)``: a view with two dims swapped."""
        return _swapped("swapdims", self, dim0, dim1, "dim")

    def movedim(self: Tensor, source: int | Sequence[int],
                destination: int | Sequence[int]) -> Tensor:
        """A view with dims ``source`` moved to the places ``destination``, the rest in order."""
        return _moved("movedim", self, source, destination)

    def moveaxis(self: Tensor, source: int | Sequence[int],
                 destination: int | Sequence[int]) -> Tensor:
        """``movedim`` under numpy's name."""
        return _moved("moveaxis", self, source, destination)

    def fliplr(self: Tensor) -> Tensor:
        """A copy with dim 1 (left and right, in a matrix) reversed; needs 2 or more dims."""
        if self.ndim < 2:
            raise ValueError(f"fliplr: needs at least 2 dims, got shape {self.shape}")
        return self.flip(1)

    def flipud(self: Tensor) -> Tensor:
        """A copy with dim 0 (up and down, in a matrix) reversed; needs 1 or more dims."""
        if self.ndim < 1:
            raise ValueError(f"flipud: needs at least 1 dim, got shape {self.shape}")
        return self.flip(0)

    def roll(self: Tensor, shifts: int | Sequence[int],
             dims: int | Sequence[int] | None = None) -> Tensor:
        """A copy with the entries shifted ``shifts`` places along ``dims``, wrapping around.

        With no ``dims``, the flattened tensor is rolled by one shift and
        reshaped back. A roll by k is two slices joined in the other order:
        the last k entries, then the rest. A 0-d int tensor may stand for an
        int, as in PyTorch.
        """
        moves = checks.dims("roll", (_int_of(shifts),), "shifts")
        if dims is None:
            if len(moves) != 1:
                raise ValueError(f"roll: without dims, shifts must be one int (for the "
                                 f"flattened tensor), got {moves}")
            return self.reshape(-1).roll(moves, 0).reshape(self.shape)
        axes = checks.dims("roll", (_int_of(dims),), "dims")
        if not moves or len(moves) != len(axes):
            raise ValueError(f"roll: shifts {moves} and dims {axes} must pair up, one shift "
                             "per dim")
        out = self
        for shift, dim in zip(moves, axes):
            axis = checks.axis("roll", dim, self.ndim, "dim")
            size = self.shape[axis]
            places = shift % size if size else 0
            if places:
                before, cut = (slice(None),) * axis, size - places
                last, rest = (*before, slice(cut, None)), (*before, slice(0, cut))
                out = _tensor.cat([out[last], out[rest]], axis)
        return self.clone() if out is self else out

    def rot90(self: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
        """A copy turned k quarter turns, from dim ``dims[0]`` toward ``dims[1]``, as PyTorch's.

        One turn is a flip of ``dims[1]`` and a transpose, two are a flip of
        both, three a flip of ``dims[0]`` and a transpose (k is taken mod 4).
        """
        plane = checks.dims("rot90", (dims,), "dims")
        if len(plane) != 2:
            raise ValueError(f"rot90: dims must name 2 dims, got {plane}")
        if self.ndim < 2:
            raise ValueError(f"rot90: needs at least 2 dims, got shape {self.shape}")
        first, second = (checks.axis("rot90", d, self.ndim, "dim") for d in plane)
        if first == second:
            raise ValueError(f"rot90: dims must be two different dims, got {plane}")
        try:
            turns = operator.index(k) % 4
        except TypeError:
            raise TypeError(f"rot90: k must be an int, got {k!r}") from None
        if turns == 1:
            return self.flip(second).transpose(first, second)
        if turns == 2:
            return self.flip(first, second)
        if turns == 3:
            return self.flip(first).transpose(first, second)
        return self.clone()

    def tile(self: Tensor, *dims: int | Sequence[int]) -> Tensor:
        """Self repeated ``dims[d]`` times along each dim d: ``repeat``, with missing sizes 1.

        Fewer sizes than dims leave the leading dims as they are (``repeat``
        refuses that); more add new leading dims.
        """
        times = checks.dims("tile", dims, "dims")
        if any(n < 0 for n in times):
            raise ValueError(f"tile: dims must be non-negative, got {times}")
        return self.repeat((1,) * (self.ndim - len(times)) + times)

    def repeat_interleave(self: Tensor, repeats: int | TensorLike, dim: int | None = None, *,
                          output_size: int | None = None) -> Tensor:
        """Each entry along ``dim`` repeated ``repeats`` times (one count, or one per entry).

        With no ``dim``, the flattened tensor (a 0-d tensor takes no ``dim``, as
        in PyTorch). An indexing (entry i taken ``repeats[i]`` times), so the
        gradient of each entry is the sum over its copies.
        """
        op = "repeat_interleave"
        if dim is None:
            source, axis = self.reshape(-1), 0
        elif not self.ndim:
            raise IndexError(f"{op}: a 0-d tensor has no dim {dim} (as in PyTorch); leave dim "
                             "out to repeat it as a 1-D tensor")
        else:
            source, axis = self, checks.axis(op, dim, self.ndim, "dim")
        size = source.shape[axis]
        counts = checks.numeric_array(op, "repeats", repeats)
        if counts.dtype.kind not in "iu":
            raise TypeError(f"{op}: repeats must be an int or hold ints, got dtype {counts.dtype}")
        if counts.ndim > 1 or (counts.size != 1 and counts.shape != (size,)):
            raise ValueError(f"{op}: repeats must be one int or one per entry along the dim ("
                             f"{size}), got shape {counts.shape}")
        if np.any(counts < 0):
            raise ValueError(f"{op}: repeats must be non-negative, got {counts.tolist()}")
        index = np.repeat(np.arange(size), np.broadcast_to(counts.reshape(-1), (size,)))
        if output_size is not None and output_size != index.size:
            raise ValueError(f"{op}: output_size is {output_size}, but the repeats make "
                             f"{index.size}")
        return source.index_select(axis, index)

    def tensor_split(self: Tensor,
                     indices_or_sections: int | Sequence[int] | Tensor | None = None, /,
                     dim: int = 0, *, sections: int | Tensor | None = None,
                     indices: Sequence[int] | None = None,
                     tensor_indices_or_sections: Tensor | None = None) -> tuple[Tensor, ...]:
        """Views of pieces along ``dim``: n nearly equal ones, or cut before each index.

        An int n gives n pieces, the first (size mod n) one entry larger (some
        may be empty); a list of indices cuts there, as slices of Python would;
        a 0-d or 1-D int tensor is either. Given first, or by one of PyTorch's
        keywords: ``sections=``, ``indices=`` or ``tensor_indices_or_sections=``.
        """
        op = "tensor_split"
        given = _split_argument(op, indices_or_sections, sections, indices,
                                tensor_indices_or_sections)
        if not self.ndim:
            raise ValueError(f"{op}: needs at least 1 dim, got a 0-d tensor")
        axis = checks.axis(op, dim, self.ndim, "dim")
        size = self.shape[axis]
        if isinstance(given, (_tensor.Tensor, np.ndarray)):
            if given.dtype.kind not in "iu" or given.ndim > 1:
                raise TypeError(f"{op}: a tensor of indices or sections must be 0-d or 1-D "
                                f"ints, got dtype {given.dtype} and shape {given.shape}")
            given = int(given.item()) if not given.ndim else given.tolist()
        if isinstance(given, (int, np.integer)) and not isinstance(given, bool):
            if given <= 0:
                raise ValueError(f"{op}: sections must be a positive int, got {given}")
            small, larger = divmod(size, int(given))
            sizes = [small + 1] * larger + [small] * (int(given) - larger)
            cuts = np.cumsum(sizes[:-1]).tolist()
        else:
            cuts = list(checks.dims(op, (given,), "indices"))
        pieces = [(*(slice(None),) * axis, slice(start, end))
                  for start, end in zip([None, *cuts], [*cuts, None])]
        return tuple(self[piece] for piece in pieces)

    def unflatten(self: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
        """A view with ``dim`` split into dims of ``sizes`` (one may be -1): flatten undone."""
        axis = checks.axis("unflatten", dim, self.ndim, "dim")
        parts = checks.shape_sizes("unflatten", (sizes,))
        if not parts:
            raise ValueError("unflatten: sizes must not be empty")
        split = _checked_shape("unflatten", self.shape[axis:axis + 1], parts)
        return self.reshape(self.shape[:axis] + split + self.shape[axis + 1:])

    def sum_to_size(self: Tensor, *size: int | Sequence[int]) -> Tensor:
        """The sum over the dims that broadcasting ``size`` to self's shape would stretch.

        What ``unbroadcast`` does to a gradient: the leading dims, and dims
        where ``size`` has 1, are summed (kept as 1). Self if already that size.
        """
        target = checks.dims("sum_to_size", size)
        leading = self.ndim - len(target)
        if leading < 0 or any(n not in (1, m) for n, m in zip(target, self.shape[leading:])):
            raise ValueError(f"sum_to_size: size {target} does not broadcast to the tensor's "
                             f"shape {self.shape}")
        if target == self.shape:
            return self
        stretched = [leading + d for d, n in enumerate(target) if n == 1 and
                     self.shape[leading + d] != 1]
        return self.sum((*range(leading), *stretched), keepdims=True).reshape(target)

    def broadcast_to(self: Tensor, *size: int | Sequence[int]) -> Tensor:
        """A view of self broadcast to ``size`` (-1 keeps a size): ``expand``, as PyTorch's.

        The gradient, one entry per element of the view, is summed back over
        the copies broadcasting made (``sum_to_size``).
        """
        target = checks.dims("broadcast_to", size)
        new = len(target) - self.ndim
        filled = target[:max(new, 0)] + tuple(
            n if want == -1 else want for n, want in zip(self.shape, target[max(new, 0):]))
        if new < 0 or any(n < 0 for n in filled) or any(
                n not in (1, want) for n, want in zip(self.shape, filled[new:])):
            raise ValueError(f"broadcast_to: a tensor of shape {self.shape} cannot be broadcast "
                             f"to {target} (-1 keeps a size, only in the tensor's own dims)")
        return self.expand(filled)

    # -- shapes and dtypes like another tensor ------------------------------------------

    def contiguous(self: Tensor) -> Tensor:
        """Itself if its memory is in row-major order, else a row-major copy (so ``view`` works).

        ``x.t().contiguous().view(-1)`` runs as in PyTorch. The copy is a
        reshape to one dim (which copies in row-major order) and back, so
        gradients pass through both.
        """
        return self if self.is_contiguous() else self.reshape(-1).reshape(self.shape)

    def is_contiguous(self: Tensor) -> bool:
        """Whether the data is laid out row-major without gaps (numpy's C order)."""
        return bool(self.data.flags.c_contiguous)

    def t(self: Tensor) -> Tensor:
        """The transpose of a matrix (a 0-d or 1-D tensor is itself)."""
        if self.ndim > 2:
            raise ValueError(f"t: needs at most 2 dims, got shape {self.shape}; use "
                             "transpose(dim0, dim1) or mT")
        return self.transpose() if self.ndim == 2 else self

    def dim(self: Tensor) -> int:
        """The number of dimensions (``ndim``)."""
        return self.ndim

    def expand_as(self: Tensor, other: Tensor) -> Tensor:
        """``expand(other.shape)``."""
        return self.expand(checks.tensor("expand_as", "other", other).shape)

    def reshape_as(self: Tensor, other: Tensor) -> Tensor:
        """``reshape(other.shape)``."""
        return self.reshape(checks.tensor("reshape_as", "other", other).shape)

    def view_as(self: Tensor, other: Tensor) -> Tensor:
        """``view(other.shape)``."""
        return self.view(checks.tensor("view_as", "other", other).shape)

    def type_as(self: Tensor, other: Tensor) -> Tensor:
        """``to(other.dtype)``."""
        return self.to(checks.tensor("type_as", "other", other).dtype)

    def __format__(self: Tensor, spec: str) -> str:
        """``f"{loss:.4f}"`` formats a 0-d tensor's value, as PyTorch does.

        With an empty spec any tensor formats as ``str``; a spec for a tensor
        with dims raises, as in PyTorch.
        """
        if not spec:
            return str(self)
        if self.ndim:
            raise TypeError(f"format: the spec {spec!r} needs a 0-d tensor, got shape "
                            f"{self.shape}; format x.item() or x.tolist() instead")
        return format(self.item(), spec)

    @property
    def device(self) -> str:
        """Always ``"cpu"``, the only device: ``x.to(y.device)`` runs unchanged."""
        return "cpu"

    def cpu(self: Tensor) -> Tensor:
        """Itself: the data is already in the CPU's memory."""
        return self

    # -- new tensors with this one's dtype ----------------------------------------------

    def new_zeros(self: Tensor, *size: int | Sequence[int], dtype: DTypeLike | None = None,
                  requires_grad: bool = False) -> Tensor:
        """Zeros of ``size``, with this tensor's dtype unless ``dtype`` is given."""
        return _filled("new_zeros", size, 0,
                       self.dtype if dtype is None else dtype, requires_grad)

    def new_ones(self: Tensor, *size: int | Sequence[int], dtype: DTypeLike | None = None,
                 requires_grad: bool = False) -> Tensor:
        """Ones of ``size``, with this tensor's dtype unless ``dtype`` is given."""
        return _filled("new_ones", size, 1,
                       self.dtype if dtype is None else dtype, requires_grad)

    def new_full(self: Tensor, size: Sequence[int], fill_value: float, *,
                 dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
        """``fill_value`` in the shape ``size``, with this tensor's dtype unless given."""
        return _filled("new_full", (size,), fill_value,
                       self.dtype if dtype is None else dtype, requires_grad)

    def new_tensor(self: Tensor, data: ArrayLike, *, dtype: DTypeLike | None = None,
                   requires_grad: bool = False) -> Tensor:
        """A new tensor (a copy) of ``data``, with this tensor's dtype unless given."""
        from tinygrad_mlp.creation import _leaf
        chosen = checks.numeric_dtype("new_tensor", self.dtype if dtype is None else dtype)
        values = checks.numeric_array("new_tensor", "data", _tensor._values(data))
        return _leaf("new_tensor", values.astype(chosen), requires_grad)  # astype copies

    def new_empty(self: Tensor, *size: int | Sequence[int], dtype: DTypeLike | None = None,
                  requires_grad: bool = False) -> Tensor:
        """An uninitialised tensor of ``size`` (see ``tm.empty``), with this dtype unless given."""
        from tinygrad_mlp.creation import _leaf, _shape
        chosen = checks.numeric_dtype("new_empty", self.dtype if dtype is None else dtype)
        return _leaf("new_empty", np.empty(_shape("new_empty", size), chosen), requires_grad)

    # -- in place, as optimizers and hand-written updates use them ----------------------
    # Under the rules of ``+=``: refused while recording a graph through the tensor.

    def zero_(self: Tensor) -> Tensor:
        """Set every element to 0, in place (``p.grad.zero_()``)."""
        return self._inplace("zero_", _copy, 0)

    def fill_(self: Tensor, value: float) -> Tensor:
        """Set every element to ``value`` (a number or a 0-d tensor), in place.

        A value the dtype cannot hold (nan in an int tensor, 300 in uint8) is
        refused, as ``tm.full`` refuses it; a float is truncated into ints.
        """
        if isinstance(value, _tensor.Tensor) and value.ndim:
            raise ValueError(f"fill_: value must be a number or a 0-d tensor, got shape "
                             f"{value.shape}")
        return self._inplace("fill_", _copy, _filled("fill_", (), value, self.dtype, False))

    def copy_(self: Tensor, src: TensorLike) -> Tensor:
        """Copy ``src`` (broadcast to this shape, cast to this dtype) into this tensor."""
        source = self._operand(src)
        if not checks.broadcasts_to(source.shape, self.shape):
            raise ValueError(f"copy_: source of shape {source.shape} does not broadcast to "
                             f"the tensor's shape {self.shape}")
        return self._inplace("copy_", _copy, source)

    def add_(self: Tensor, other: TensorLike, *, alpha: float = 1) -> Tensor:
        """self += alpha · other, in place."""
        return self._inplace("add_", np.add, _scaled("add_", self, other, alpha))

    def sub_(self: Tensor, other: TensorLike, *, alpha: float = 1) -> Tensor:
        """self -= alpha · other, in place."""
        return self._inplace("sub_", np.subtract, _scaled("sub_", self, other, alpha))

    def mul_(self: Tensor, other: TensorLike) -> Tensor:
        """self *= other, in place."""
        return self._inplace("mul_", np.multiply, other)

    def div_(self: Tensor, other: TensorLike) -> Tensor:
        """self /= other, in place."""
        return self._inplace("div_", np.true_divide, other)

    def clamp_(self: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
        """Limit every element to [min, max], in place."""
        from tinygrad_mlp.autograd import no_grad
        with no_grad():
            bounded = self.clamp(min, max)
        if bounded.dtype != self.dtype:  # an int tensor and a float bound, say
            raise TypeError(f"clamp_: the bounds make a {bounded.dtype} result, which the "
                            f"tensor's dtype {self.dtype} cannot hold (as in PyTorch)")
        return self._inplace("clamp_", _copy, bounded)

    def resize_(self: Tensor, *sizes: int | Sequence[int]) -> Tensor:
        """Self reshaped to ``sizes`` in place, its element count free to change, as PyTorch's.

        The elements are the ones in self's memory from where self starts, in
        memory order: shrinking keeps the first ones, and a tensor shrunk and
        grown back has its old values again. Past the end of that memory, the
        new elements are 0 (uninitialised in PyTorch). A tensor that requires
        grad is refused, even under ``no_grad``, as PyTorch refuses it.
        """
        if not sizes:
            raise TypeError("resize_: size is missing; give the new shape, as resize_(2, 3) "
                            "or resize_((2, 3))")
        shape = checks.dims("resize_", sizes)
        if any(n < 0 for n in shape):
            raise ValueError(f"resize_: sizes must be non-negative, got {shape}")
        if self.requires_grad:
            raise RuntimeError("resize_: cannot resize a tensor that requires grad (PyTorch "
                               "refuses it too); resize a copy, x.detach().clone()")
        self.data = _resized(self.data, shape)  # counts as an in-place change of self
        return self

    # -- random fills, in place: from the generator ``tm.manual_seed`` reseeds -----------
    # Or from ``generator=``, a numpy Generator. Under the rules of ``+=`` as those above;
    # every argument is checked before anything is drawn.

    def uniform_(self: Tensor, from_: float = 0.0, to: float = 1.0, *,
                 generator: np.random.Generator | None = None) -> Tensor:
        """Fill with samples from the uniform distribution on [from, to), in place.

        PyTorch's first argument is ``from``, a keyword of Python's, so here it
        is ``from_`` (positional calls, ``x.uniform_(-1, 1)``, are the same).
        Floating point tensors only; from <= to, both finite.
        """
        checks.floating("uniform_", self)
        low, high = (_float_bound("uniform_", name, value, self.dtype)
                     for name, value in (("from", from_), ("to", to)))
        if low > high:
            raise ValueError(f"uniform_: from must be at most to, got from={from_} > to={to}")
        draw = _random_source("uniform_", self, generator)
        values = np.array(low + (high - low) * draw.random(self.shape), dtype=self.dtype)
        if low < high:  # rounding into the dtype can reach `to`, which [from, to) leaves out
            below = np.nextafter(self.dtype.type(high), self.dtype.type(low))
            np.minimum(values, below, out=values)
        return self._inplace("uniform_", _copy, _tensor.Tensor(values))

    def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *,
                generator: np.random.Generator | None = None) -> Tensor:
        """Fill with samples from the normal distribution N(mean, std²), in place.

        Floating point tensors only; std >= 0 (0 fills with ``mean``).
        """
        checks.floating("normal_", self)
        center = checks.real("normal_", "mean", mean)
        if not checks.real("normal_", "std", std) >= 0:
            raise ValueError(f"normal_: std must be >= 0, got {std}")
        draw = _random_source("normal_", self, generator)
        with np.errstate(over="ignore"):  # past float16's range: inf, as PyTorch gives
            values = draw.normal(center, float(std), self.shape).astype(self.dtype)
        return self._inplace("normal_", _copy, _tensor.Tensor(values))

    def exponential_(self: Tensor, lambd: float = 1.0, *,
                     generator: np.random.Generator | None = None) -> Tensor:
        """Fill with samples from the exponential distribution of rate lambd (mean 1 / lambd).

        In place; floating point tensors only; lambd > 0.
        """
        checks.floating("exponential_", self)
        if not checks.real("exponential_", "lambd", lambd) > 0:
            raise ValueError(f"exponential_: lambd must be > 0, got {lambd}")
        draw = _random_source("exponential_", self, generator)
        values = draw.exponential(1.0 / float(lambd), self.shape).astype(self.dtype)
        return self._inplace("exponential_", _copy, _tensor.Tensor(values))

    def random_(self: Tensor, *bounds: int | None, to: int | None = None,
                generator: np.random.Generator | None = None) -> Tensor:
        """Fill with integers drawn uniformly from [from, to), in place, in any dtype.

        As PyTorch's three forms: ``random_()`` draws from 0 to the dtype's
        largest int (to 2^digits for floats: 2^24 for float32, 2^53 for
        float64, so each value is exact; 1 for bool); ``random_(to)`` from
        [0, to); ``random_(from, to)`` from [from, to), ``to=None`` meaning
        the top of ``random_()``. A range the dtype cannot hold exactly is
        refused (PyTorch refuses it for ints, and for floats only warns).
        """
        first, last = _random_range("random_", self.dtype, bounds, to)
        draw = _random_source("random_", self, generator)
        values = draw.integers(first, last, self.shape, endpoint=True,
                               dtype=self.dtype if self.dtype.kind in "iu" else np.int64)
        return self._inplace("random_", _copy, _tensor.Tensor(values.astype(self.dtype)))

    def bernoulli_(self: Tensor, p: float | Tensor = 0.5, *,
                   generator: np.random.Generator | None = None) -> Tensor:
        """Fill with 1 (with probability p) or 0, in place, in self's dtype (any dtype).

        ``p`` is a number or a float tensor of probabilities that broadcasts
        to self's shape, each in [0, 1].
        """
        chance = _probabilities("bernoulli_", p, self.shape)
        if isinstance(p, _tensor.Tensor):
            self._refuse_recording("bernoulli_", p)
        draw = _random_source("bernoulli_", self, generator)
        values = draw.random(self.shape) < chance
        return self._inplace("bernoulli_", _copy, _tensor.Tensor(values))

    def bernoulli(self: Tensor, p: float | None = None, *,
                  generator: np.random.Generator | None = None) -> Tensor:
        """1 with probability self (or ``p``, if given), else 0, elementwise, in self's dtype.

        Without ``p`` self holds the probabilities, each in [0, 1], and must
        be floating point. With ``p`` self's values are not read, only its
        shape and dtype, which may be any: an int tensor gives 0 and 1 as
        ints, a bool one False and True, as in PyTorch. The result is a step
        of self's value: its gradient is 0, as in PyTorch.
        """
        if p is None:
            checks.floating("bernoulli", self)
        chance = _probabilities("bernoulli", self if p is None else p, self.shape,
                                "the probabilities (the tensor)" if p is None else "p")
        draw = random.resolve(random.check_generator("bernoulli", generator))
        return _step((draw.random(self.shape) < chance).astype(self.dtype), self)

    def multinomial(self: Tensor, num_samples: int, replacement: bool = False, *,
                    generator: np.random.Generator | None = None) -> Tensor:
        """``tm.multinomial(self, ...)``: indices drawn with probabilities proportional to self."""
        return random.multinomial(self, num_samples, replacement, generator=generator)

    @overload
    def type(self: Tensor) -> str: ...
    @overload
    def type(self: Tensor, dtype: DTypeLike, non_blocking: bool = False) -> Tensor: ...

    def type(self: Tensor, dtype: DTypeLike | None = None, non_blocking: bool = False) -> Any:
        """PyTorch's type name, ``'torch.FloatTensor'`` for float32; with a dtype, ``to(dtype)``.

        The name is PyTorch's, so ported checks such as ``x.type() ==
        'torch.DoubleTensor'`` run; ``x.dtype`` is the numpy dtype. The dtype
        may be a dtype or such a name (``x.type('torch.FloatTensor')``).
        ``non_blocking`` changes nothing: there is no device to copy to.
        """
        if dtype is None:
            return f"torch.{_TYPE_NAMES.get(self.dtype.name, self.dtype.name)}Tensor"
        if isinstance(dtype, str) and dtype.startswith("torch."):
            names = {f"torch.{name}Tensor": numpy_name
                     for numpy_name, name in _TYPE_NAMES.items()}
            if dtype not in names:
                raise TypeError(f"type: unknown type name {dtype!r}; PyTorch's are "
                                f"{', '.join(sorted(names))}")
            dtype = names[dtype]
        return self.to(checks.numeric_dtype("type", dtype))

    # Last in the class: below them, ``int`` or ``bool`` in an annotation would mean these.

    def half(self: Tensor) -> Tensor:
        """``to(float16)``."""
        return self.to(np.float16)

    def long(self: Tensor) -> Tensor:
        """``to(int64)``: no gradient flows through a cast to integers."""
        return self.to(np.int64)

    def int(self: Tensor) -> Tensor:
        """``to(int32)``: no gradient flows through a cast to integers."""
        return self.to(np.int32)

    def bool(self: Tensor) -> Tensor:
        """``to(bool)``: nonzero elements become True."""
        return self.to(np.bool_)
