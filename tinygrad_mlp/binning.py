"""Counting and binning: where values fall among sorted boundaries, and histograms.

``searchsorted`` and ``bucketize`` find, for each value, the index at which
it would be inserted into a sorted sequence to keep it sorted (before equal
entries, or after them with ``right=True``). ``bincount`` counts each
non-negative integer; ``histc`` and ``histogram`` count the values in equal
bins over a range (or between given edges), a value on an inner edge going
to the bin on its right and the last edge closing the last bin.

The results are indices and counts: piecewise constant in the values, so
they have no gradient (PyTorch's backward raises or gives none), and they
are plain tensors outside the graph. Indices are int64 (int32 with
``out_int32``); counts are int64 for ``bincount`` and in the input's dtype
for the histograms, as PyTorch gives them.

Example:
    >>> import tinygrad_mlp as tm
    >>> boundaries = tm.tensor([1, 3, 5, 7, 9])
    >>> tm.bucketize(tm.tensor([3, 6, 9]), boundaries)
    tensor([1, 3, 4])
    >>> tm.bucketize(tm.tensor([3, 6, 9]), boundaries, right=True)
    tensor([2, 3, 5])
    >>> tm.bincount(tm.tensor([1, 1, 3]))
    tensor([0, 2, 0, 1])
    >>> tm.histc(tm.tensor([1.0, 2.0, 1.0]), bins=4, min=0, max=3)
    tensor([0., 2., 1., 0.])
"""

# A method here declares ``self: Tensor``, as in methods.py (see the note there).
# mypy: disable-error-code="misc"

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import numpy as np

# tensor.py imports this module (through methods.py); what it defines is looked up when called.
import tinygrad_mlp.tensor as _tensor
from tinygrad_mlp import checks

if TYPE_CHECKING:
    from tinygrad_mlp.tensor import Tensor, TensorLike


class Histogram(NamedTuple):
    """What ``histogram`` gives, as PyTorch's ``torch.return_types.histogram``."""

    hist: Tensor
    bin_edges: Tensor


def _values(op: str, name: str, given: object) -> np.ndarray:
    """A Tensor's array, or a number as a 0-d array (PyTorch's Scalar); anything else refused."""
    if isinstance(given, _tensor.Tensor):
        return given.data
    if isinstance(given, bool) or not isinstance(given, (int, float, np.integer, np.floating)):
        raise TypeError(f"{op}: {name} must be a Tensor or a number, got {type(given).__name__}")
    return np.asarray(given)


def _side(op: str, right: bool, side: str | None) -> Literal["left", "right"]:
    """numpy's ``side`` from PyTorch's ``right`` and ``side``, refusing the two disagreeing."""
    checks.flag(op, "right", right)
    if side is None:
        return "right" if right else "left"
    if side not in ("left", "right"):
        raise ValueError(f"{op}: side must be 'left' or 'right', got {side!r}")
    if right and side == "left":
        raise ValueError(f"{op}: side='left' and right=True disagree; give one of them")
    return "right" if side == "right" else "left"


def _indices(found: np.ndarray, out_int32: bool, op: str) -> Tensor:
    checks.flag(op, "out_int32", out_int32)
    return _tensor.Tensor(np.asarray(found, np.int32 if out_int32 else np.int64))


def searchsorted(sorted_sequence: Tensor, input: TensorLike, *, out_int32: bool = False,
                 right: bool = False, side: str | None = None,
                 sorter: Tensor | None = None) -> Tensor:
    """For each value, the index that keeps ``sorted_sequence`` sorted if it is inserted there.

    With ``side="left"`` (or ``right=False``, the default) the index i has
    s[i-1] < v <= s[i]; with ``"right"``, s[i-1] <= v < s[i]. A 1-D sequence
    serves every value; an N-D one has one sorted row per row of ``input``
    (their leading dims must match). ``sorter`` holds the indices that sort
    an unsorted sequence along its last dim. ``input`` may be a number.
    nan sorts as the largest value, as numpy's (PyTorch's order there differs).
    """
    op = "searchsorted"
    sequence = checks.tensor(op, "sorted_sequence", sorted_sequence).data
    values = _values(op, "input", input)
    chosen = _side(op, right, side)
    if not sequence.ndim:
        raise ValueError(f"{op}: sorted_sequence must have at least 1 dim, got a 0-d tensor")
    if sorter is not None:
        order = checks.tensor(op, "sorter", sorter).data
        if order.shape != sequence.shape or order.dtype.kind not in "iu":
            raise ValueError(f"{op}: sorter must be integer indices of sorted_sequence's shape "
                             f"{sequence.shape}, got {order.dtype} of shape {order.shape}")
        if order.size and (order.min() < 0 or order.max() >= sequence.shape[-1]):
            raise IndexError(f"{op}: sorter values must be in [0, {sequence.shape[-1]})")
        sequence = np.take_along_axis(sequence, order, -1)
    if sequence.ndim == 1:
        return _indices(np.searchsorted(sequence, values, chosen), out_int32, op)
    if values.ndim != sequence.ndim or values.shape[:-1] != sequence.shape[:-1]:
        raise ValueError(f"{op}: an N-D sorted_sequence needs input with the same leading dims, "
                         f"got shapes {sequence.shape} and {values.shape}")
    found = np.empty(values.shape, np.int64)
    for row in np.ndindex(values.shape[:-1]):
        found[row] = np.searchsorted(sequence[row], values[row], chosen)
    return _indices(found, out_int32, op)


def bucketize(input: TensorLike, boundaries: Tensor, *, out_int32: bool = False,
              right: bool = False) -> Tensor:
    """The bucket of each value among the 1-D sorted ``boundaries``: ``searchsorted`` of them.

    With ``right=False`` value v goes to the i with b[i-1] < v <= b[i]; with
    ``right=True`` to b[i-1] <= v < b[i]. Shaped like ``input`` (a number
    gives a 0-d tensor).
    """
    edges = checks.tensor("bucketize", "boundaries", boundaries)
    if edges.ndim != 1:
        raise ValueError(f"bucketize: boundaries must be 1-D, got shape {edges.shape}")
    values = _values("bucketize", "input", input)
    side = _side("bucketize", right, None)
    return _indices(np.searchsorted(edges.data, values, side), out_int32, "bucketize")


def _float_input(op: str, x: Tensor) -> np.ndarray:
    """The values of ``x``, flattened, refused unless floating point (PyTorch's histograms)."""
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: needs a floating point tensor, got dtype {x.dtype} (as PyTorch); "
                        "convert it first with .double() or .float()")
    return x.data.reshape(-1)


def _range(op: str, low: float, high: float) -> tuple[float, float]:
    """A histogram's range, checked to be finite and in order."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"{op}: range of [{low}, {high}] is not finite")
    if low > high:
        raise ValueError(f"{op}: min must not exceed max, got min {low} and max {high}")
    return low, high


def _linspace(low: float, high: float, bins: int, dtype: np.dtype[Any]) -> np.ndarray:
    """``bins + 1`` edges from ``low`` to ``high`` in ``dtype``, rounded as PyTorch's linspace.

    The first half counts up from ``low``, the second down from ``high``, so
    both ends are exact.
    """
    start, end = dtype.type(low), dtype.type(high)
    step = (end - start) / dtype.type(bins)
    index = np.arange(bins + 1)
    up, down = start + step * index.astype(dtype), end - step * (bins - index).astype(dtype)
    return np.where(index < (bins + 1) // 2, up, down).astype(dtype)


def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
    """The number of values in each of ``bins`` equal bins over [min, max], as PyTorch's.

    With min = max (both 0 by default) the range is that of the data, widened
    by 1 either way if it is a single value. Values outside the range and nan
    are left out; a value at ``max`` falls in the last bin. The bin of v is
    ⌊(v - min) · bins / (max - min)⌋, computed in the input's dtype (float
    tensors only), which is the result's.
    """
    op = "histc"
    x = checks.tensor(op, "input", input)
    values = _float_input(op, x)
    count = checks.check_int(op, "bins", bins, 1)
    checks.number(op, "min", min)
    checks.number(op, "max", max)
    low, high = float(min), float(max)
    if low == high and values.size:
        low, high = float(values.min()), float(values.max())
    if low == high:
        low, high = low - 1, high + 1
    low, high = _range(op, low, high)
    lo, hi = x.dtype.type(low), x.dtype.type(high)
    with np.errstate(invalid="ignore"):
        kept = values[(values >= lo) & (values <= hi)]
        position = ((kept - lo) * x.dtype.type(count) / (hi - lo)).astype(np.int64)
    counts = np.bincount(np.minimum(position, count - 1), minlength=count)
    return _tensor.Tensor(counts.astype(x.dtype))


def histogram(input: Tensor, bins: int | Tensor = 100, *, range: tuple[float, float] | None = None,
              weight: Tensor | None = None, density: bool = False) -> Histogram:
    """``(hist, bin_edges)``: the values counted in ``bins`` bins, and the bins' edges.

    ``bins`` is a number of equal bins over ``range`` (the data's, by
    default, widened by ½ either way if it is a single value), or a 1-D
    tensor of increasing edges. Bin i holds edges[i] <= v < edges[i+1], the
    last one closed. ``weight`` (the input's shape and dtype) counts each
    value that much; ``density`` divides by the total and the bin widths, so
    the histogram integrates to 1. Float tensors only; the results have the
    input's dtype.
    """
    op = "histogram"
    x = checks.tensor(op, "input", input)
    values = _float_input(op, x)
    checks.flag(op, "density", density)
    if isinstance(bins, _tensor.Tensor):
        if range is not None:
            raise TypeError(f"{op}: range is only for a number of bins, not for edges")
        if bins.dtype != x.dtype or bins.ndim != 1:
            raise ValueError(f"{op}: bin edges must be a 1-D tensor of the input's dtype "
                             f"{x.dtype}, got {bins.dtype} of shape {bins.shape}")
        if bins.shape[0] < 2:
            raise ValueError(f"{op}: bins must be > 0, got {bins.shape[0]} edges")
        edges = bins.data.copy()
        if (np.diff(edges) < 0).any():
            raise ValueError(f"{op}: bin edges must increase, got {edges.tolist()}")
    else:
        count = checks.check_int(op, "bins", bins, 1)
        if range is None:
            low, high = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
        else:
            for bound in range:
                checks.number(op, "range", bound)
            low, high = (float(bound) for bound in range)
        if low == high:
            low, high = low - 0.5, high + 0.5
        edges = _linspace(*_range(op, low, high), count, x.dtype)
    weights = None
    if weight is not None:
        w = checks.tensor(op, "weight", weight)
        if w.shape != x.shape or w.dtype != x.dtype:
            raise ValueError(f"{op}: weight must have the input's shape {x.shape} and dtype "
                             f"{x.dtype}, got {w.shape} and {w.dtype}")
        weights = w.data.reshape(-1)
    inside = (values >= edges[0]) & (values <= edges[-1])
    position = np.minimum(np.searchsorted(edges, values[inside], "right") - 1, len(edges) - 2)
    hist = np.bincount(position, None if weights is None else weights[inside],
                       minlength=len(edges) - 1).astype(x.dtype)
    if density:
        with np.errstate(divide="ignore", invalid="ignore"):  # nothing counted: nan, as PyTorch
            hist = (hist / (hist.sum() * np.diff(edges))).astype(x.dtype)
    return Histogram(_tensor.Tensor(hist), _tensor.Tensor(edges))


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """How many times each of 0, 1, ..., max(input) occurs in the 1-D integer ``input``.

    With ``weights`` (one per value) each occurrence adds its weight instead
    of 1: float32 weights give float32, others float64, as PyTorch's. At
    least ``minlength`` counts are given.
    """
    op = "bincount"
    x = checks.tensor(op, "input", input)
    if x.dtype.kind not in "iu":
        raise TypeError(f"{op}: input must hold integers, got dtype {x.dtype}")
    if x.ndim != 1 or (x.data < 0).any():
        raise ValueError(f"{op}: input must be 1-D and non-negative, got shape {x.shape}"
                         f"{' with negative values' if (x.data < 0).any() else ''}")
    length = checks.check_int(op, "minlength", minlength, 0)
    if weights is None:
        return _tensor.Tensor(np.bincount(x.data, minlength=length).astype(np.int64))
    w = checks.tensor(op, "weights", weights)
    if w.shape != x.shape:
        raise ValueError(f"{op}: weights must be 1-D with one weight per value, shape "
                         f"{x.shape}, got {w.shape}")
    dtype = np.float32 if w.dtype == np.float32 else np.float64
    return _tensor.Tensor(np.bincount(x.data, w.data.astype(np.float64),
                                      minlength=length).astype(dtype))


class BinningMethods:
    """Methods ``Tensor`` inherits (through ``TensorMethods``)."""

    __slots__ = ()

    def bincount(self: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
        """``tm.bincount`` of this 1-D integer tensor: how many times each integer occurs."""
        return bincount(self, weights, minlength)

    def histc(self: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
        """``tm.histc`` of this float tensor: counts in ``bins`` equal bins over [min, max]."""
        return histc(self, bins, min, max)

    def histogram(self: Tensor, bins: int | Tensor = 100, *,
                  range: tuple[float, float] | None = None, weight: Tensor | None = None,
                  density: bool = False) -> Histogram:
        """``tm.histogram`` of this float tensor: ``(hist, bin_edges)``."""
        return histogram(self, bins, range=range, weight=weight, density=density)
