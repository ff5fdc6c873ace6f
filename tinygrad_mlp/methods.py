"""PyTorch's convenience methods of a tensor, each built from the engine's ops.

Nothing here has a gradient rule of its own: ``x.square()`` is ``x * x``,
``x.gather(1, index)`` is an indexing, ``x.norm()`` is a square root of a
sum. Their gradients, and gradients of those gradients, come from the ops in
``ops.py``, so this file adds names a PyTorch user reaches for without adding
to the calculus a reader has to check. ``Tensor`` inherits them from
``TensorMethods``.

Example:
    >>> import tinygrad_mlp as tm
    >>> x = tm.tensor([[3.0, -4.0], [0.0, 1.0]], requires_grad=True)
    >>> x.norm(dim=1)  # made by where and sqrt, whose rules backward runs
    tensor([5., 1.], grad_fn=<where>)
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
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, overload

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

# tensor.py imports this module; what it defines is looked up when a method runs.
import tinygrad_mlp.tensor as _tensor
from tinygrad_mlp import checks
from tinygrad_mlp.dtypes import is_floating

if TYPE_CHECKING:
    from tinygrad_mlp.tensor import Axis, Tensor, TensorLike


def _filled(op: str, size: tuple[Any, ...], value: object, dtype: DTypeLike,
            requires_grad: bool) -> Tensor:
    """``value`` in shape ``size`` and ``dtype``, refused (naming ``op``) if it cannot hold it."""
    from tinygrad_mlp.creation import _full, _shape
    return _full(op, _shape(op, size), value, dtype, requires_grad)  # type: ignore[arg-type]


def _copy(data: np.ndarray, value: np.ndarray, out: np.ndarray) -> None:
    """Write ``value`` into ``out`` (= ``data``), cast to its dtype as PyTorch's ``copy_`` does."""
    np.copyto(out, value, casting="unsafe")


def _index_array(op: str, index: TensorLike, size: int, ndim: int | None = None) -> np.ndarray:
    """``index`` as an int array of ``ndim`` dims (any, if None) with values in [0, size)."""
    array = np.asarray(_tensor._plain(index))
    if array.dtype.kind not in "iu":
        raise TypeError(f"{op}: index must hold integers, got dtype {array.dtype}")
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{op}: index must have {ndim} dims, got shape {array.shape}")
    if array.size and (array.min() < 0 or array.max() >= size):
        raise IndexError(f"{op}: index values must be in [0, {size}) for a dim of size "
                         f"{size}, got values from {array.min()} to {array.max()}")
    return array


def _scaled(op: str, x: Tensor, other: TensorLike, alpha: float) -> TensorLike:
    """``alpha · other``, for ``add`` and ``sub``; a float alpha is refused for integers.

    As in PyTorch: scaling an int tensor by a float would change its dtype.
    """
    if alpha is None:  # checks.number lets None through, as a missing bound
        raise TypeError(f"{op}: alpha must be a number, got None")
    checks.number(op, "alpha", alpha)
    if alpha == 1:
        return other
    operand = x._operand(other)
    if isinstance(alpha, (float, np.floating)) and x.dtype.kind in "biu" \
            and operand.dtype.kind in "biu":
        raise TypeError(f"{op}: alpha must be an int for integer tensors, got {alpha!r} (as in "
                        "PyTorch)")
    return operand * alpha


class MaxMin(NamedTuple):
    """What ``max(dim)`` and ``min(dim)`` give, as PyTorch's ``torch.return_types.max``."""

    values: Tensor
    indices: Tensor


class Sorted(NamedTuple):
    """What ``sort`` and ``topk`` give, as PyTorch's ``torch.return_types.sort``."""

    values: Tensor
    indices: Tensor


def _extreme(x: Tensor, op: str, dim: int | Tensor | None, keepdim: bool) -> Any:
    """``x.max(...)`` or ``x.min(...)`` (``op``), in any of PyTorch's three forms."""
    if isinstance(dim, _tensor.Tensor):
        return x.maximum(dim) if op == "max" else x.minimum(dim)
    if dim is None:
        if keepdim:
            raise TypeError(f"{op}: keepdim needs a dim (PyTorch refuses it too)")
        return x.amax() if op == "max" else x.amin()
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{op}: dim must be an int or a Tensor to compare with, got "
                        f"{type(dim).__name__}; for several dims use a{op}")
    axis = checks.axis(op, dim, max(x.ndim, 1))
    if x.ndim and not x.shape[axis]:
        raise ValueError(f"{op}: dim {dim} of shape {x.shape} is empty: it has no {op}imum")
    indices = (x.argmax if op == "max" else x.argmin)(dim, keepdim=True)
    values = x.gather(dim, indices) if x.ndim else x.clone()
    if not keepdim and x.ndim:
        values, indices = values.squeeze(dim), indices.squeeze(dim)
    return MaxMin(values, indices)


class TensorMethods:
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

    def div(self: Tensor, other: TensorLike) -> Tensor:
        """self / other, elementwise (true division)."""
        return self / other

    def pow(self: Tensor, exponent: TensorLike) -> Tensor:
        """self ** exponent, elementwise."""
        return self ** exponent

    def neg(self: Tensor) -> Tensor:
        """-self."""
        return -self

    def square(self: Tensor) -> Tensor:
        """self², elementwise: d/dx = 2x."""
        return self * self

    def reciprocal(self: Tensor) -> Tensor:
        """1 / self, elementwise: d/dx = -1/x²."""
        return 1.0 / self

    def clip(self: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
        """``clamp`` under numpy's name, as PyTorch also has it."""
        return self.clamp(min, max)

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

    def dot(self: Tensor, other: Tensor) -> Tensor:
        """Σ self_i · other_i of two 1-D tensors of the same size."""
        if self.ndim != 1 or getattr(other, "ndim", None) != 1 or self.shape != other.shape:
            raise ValueError(f"dot: needs two 1-D tensors of the same size, got shapes "
                             f"{self.shape} and {getattr(other, 'shape', type(other).__name__)}")
        return self @ other

    # -- reductions -------------------------------------------------------------------

    @overload
    def max(self: Tensor) -> Tensor: ...
    @overload
    def max(self: Tensor, dim: int, keepdim: bool = False) -> MaxMin: ...
    @overload
    def max(self: Tensor, dim: Tensor) -> Tensor: ...

    def max(self: Tensor, dim: int | Tensor | None = None, keepdim: bool = False) -> Any:
        """PyTorch's three ``max``: of all elements, along one dim, or against a tensor.

        ``x.max()`` is the largest element (ties split the gradient, as
        ``amax``). ``x.max(dim)`` is the pair ``(values, indices)`` along
        ``dim``, so ``_, predicted = logits.max(1)`` works as in PyTorch; the
        gradient goes to the element each index picks. ``x.max(y)`` is
        ``maximum(x, y)``. For several dims at once use ``amax``.
        """
        return _extreme(self, "max", dim, keepdim)

    @overload
    def min(self: Tensor) -> Tensor: ...
    @overload
    def min(self: Tensor, dim: int, keepdim: bool = False) -> MaxMin: ...
    @overload
    def min(self: Tensor, dim: Tensor) -> Tensor: ...

    def min(self: Tensor, dim: int | Tensor | None = None, keepdim: bool = False) -> Any:
        """PyTorch's three ``min``: as ``max``, for the smallest."""
        return _extreme(self, "min", dim, keepdim)

    def norm(self: Tensor, p: float | str = "fro", dim: Axis = None,
             keepdim: bool = False) -> Tensor:
        """The p-norm (Σ |x|ᵖ)^(1/p) over ``dim`` (all elements by default).

        ``p`` is a positive number, ``inf`` (the largest |x|) or ``"fro"`` (2,
        PyTorch's default). The gradient x |x|^(p-2) / ‖x‖^(p-1) is taken as 0
        where the norm is 0, as in PyTorch, not 0 / 0.
        """
        checks.floating("norm", self)
        order = 2.0 if p == "fro" else p
        if isinstance(order, (str, bool)) or not isinstance(order, (int, float)) or not order > 0:
            raise ValueError(f"norm: p must be a positive number, inf or 'fro', got {p!r}")
        if math.isinf(order):
            return self.abs().amax(dim, keepdim)
        if order == 1:
            return self.abs().sum(dim, keepdim)
        if order == 2:
            powers = self * self
        else:  # |x|ᵖ with 0 standing in at 0, where its slope is ∞ for p < 1 (0 in PyTorch)
            size = self.abs()
            zero = size.data == 0
            powers = _tensor.where(zero, 0.0, _tensor.where(zero, 1.0, size) ** order)
        total = powers.sum(dim, keepdim)
        nonzero = total.data != 0  # the root of 1 stands in at 0, so no ∞ reaches backward
        safe = _tensor.where(nonzero, total, 1.0)
        return _tensor.where(nonzero, safe.sqrt() if order == 2 else safe ** (1.0 / order), 0.0)

    # -- comparisons and tests: numpy boolean arrays, as the operators give ---------------

    def eq(self: Tensor, other: TensorLike) -> Any:
        """self == other, elementwise (a boolean ndarray)."""
        return self == other

    def ne(self: Tensor, other: TensorLike) -> Any:
        """self != other, elementwise (a boolean ndarray)."""
        return self != other

    def lt(self: Tensor, other: TensorLike) -> Any:
        """self < other, elementwise (a boolean ndarray)."""
        return self < other

    def le(self: Tensor, other: TensorLike) -> Any:
        """self <= other, elementwise (a boolean ndarray)."""
        return self <= other

    def gt(self: Tensor, other: TensorLike) -> Any:
        """self > other, elementwise (a boolean ndarray)."""
        return self > other

    def ge(self: Tensor, other: TensorLike) -> Any:
        """self >= other, elementwise (a boolean ndarray)."""
        return self >= other

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

    # -- selecting and filling ----------------------------------------------------------

    def masked_fill(self: Tensor, mask: TensorLike, value: TensorLike) -> Tensor:
        """Self with ``value`` where the boolean ``mask`` (broadcast to self's shape) holds.

        The gradient flows to self where the mask is False (and to ``value``,
        a number or a 0-d tensor, from where it is True).
        """
        array = np.asarray(_tensor._plain(mask))
        if array.dtype != np.bool_:
            raise TypeError(f"masked_fill: mask must be bool, got dtype {array.dtype}")
        try:
            fits = np.broadcast_shapes(array.shape, self.shape) == self.shape
        except ValueError:
            fits = False
        if not fits:
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

    def argsort(self: Tensor, dim: int = -1, descending: bool = False,
                stable: bool = False) -> Tensor:
        """The indices that sort ``dim`` (int64, no gradient); see ``sort``."""
        return self.sort(dim, descending, stable).indices

    def sort(self: Tensor, dim: int = -1, descending: bool = False,
             stable: bool = False) -> Sorted:
        """``(values, indices)``: ``dim`` in ascending (or descending) order.

        Equal values keep their order (always stable; PyTorch promises it only
        with ``stable=True``) and nan sorts as the largest value, as in
        PyTorch. The gradient of ``values`` goes back to where each came from.
        """
        axis = checks.axis("sort", dim, max(self.ndim, 1))
        if not self.ndim:
            return Sorted(self.reshape(()), _tensor.Tensor(np.zeros((), np.int64)))
        if descending:  # reversed, a stable ascending sort, reversed: equal values keep order
            last = self.shape[axis] - 1
            order = last - np.flip(np.argsort(np.flip(self.data, axis), axis, kind="stable"), axis)
        else:
            order = np.argsort(self.data, axis, kind="stable")
        return Sorted(self.gather(axis, order), _tensor.Tensor(order.astype(np.int64)))

    def topk(self: Tensor, k: int, dim: int = -1, largest: bool = True,
             sorted: bool = True) -> Sorted:
        """``(values, indices)`` of the ``k`` largest (or smallest) entries along ``dim``.

        Always in sorted order, so ``sorted=False`` gives the same result; the
        gradient of ``values`` goes back to where each came from.
        """
        size = self.shape[checks.axis("topk", dim, max(self.ndim, 1))] if self.ndim else 1
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k <= size:
            raise ValueError(f"topk: k must be an int from 0 to {size} (the size of dim "
                             f"{dim}), got {k!r}")
        values, indices = self.sort(dim, descending=largest)
        if not self.ndim:
            return Sorted(values, indices)
        return Sorted(values.narrow(dim, 0, int(k)), indices.narrow(dim, 0, int(k)))

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
        return _leaf("new_tensor", np.array(_tensor._values(data)).astype(chosen), requires_grad)

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
        try:
            fits = np.broadcast_shapes(source.shape, self.shape) == self.shape
        except ValueError:
            fits = False
        if not fits:
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
