"""Reductions: extremes, norms, sums that skip nan, medians, quantiles and sorting.

A reduction maps a tensor to fewer numbers: the sum of each slice along
``dim``, its largest element, its median. Nothing here has a gradient rule
of its own; each method is made of ``sum``, ``amax`` and ``amin``, ``where``,
``gather`` and indexing, whose rules are in ``ops.py``. Two kinds of rule do
all the work.

**A sum copies g back.** For y = Σᵢ xᵢ over the reduced dims, ∂y/∂xᵢ = 1, so
the upstream gradient g, one entry per output, is copied back over the
reduced dims: every element of a slice gets its slice's entry of g (with
``keepdim=False`` the reduced dims are put back with size 1 first, then g is
broadcast). ``nansum`` and ``nanmean`` sum through a ``where`` that gives
the nans 0 (and the mean divides by the count), and ``norm``'s gradient
x |x|ᵖ⁻² / ‖x‖ᵖ⁻¹ is the chain rule through |x|ᵖ, the sum and the p-th root.

**A selection sends g to the elements it picks.** ``max(dim)``,
``min(dim)``, ``median(dim)``, ``mode``, ``kthvalue``, ``sort``, ``msort``,
``topk`` and ``quantile`` choose elements by position. The positions are found in numpy (``argmax``,
``argsort``: integers, with no gradient) and the values taken with
``gather`` or an indexing, y = x[index] along ``dim``, whose backward puts
each gⱼ where its index points and 0 everywhere else, adding up where two
indices point at one element. After ``sort``, ``values.sum().backward()``
gives every element 1; after ``topk(k)``, only the k picked. A ``linear``
quantile at rank r = q (n - 1) of the sorted values v is
(1 - w) v[⌊r⌋] + w v[⌈r⌉] with w = r - ⌊r⌋, so those two elements get
(1 - w) g and w g.

**Ties.** Where several elements equal the maximum, max has no derivative
(its slopes from either side differ), so which element gets g is a
convention; this one is PyTorch's. Along a dim, an index picks one element
(``max`` and ``min`` the first, ``mode`` the last of its copies; ``sort``
is stable, so equal values keep their order) and it gets all of g. Over all elements, ``x.max()``,
``x.min()``, ``x.median()`` and ``aminmax`` use ``amax`` or ``amin``, whose
rule shares g equally among the tied elements. A nan sorts as the largest
value; ``median`` and ``quantile`` give nan where a slice holds one, and
their ``nan`` forms leave nans out. ``count_nonzero`` gives int64 counts,
which have no gradient; so does ``unique``, whose values are constants too.
``renorm`` rescales slices by a factor made of ``norm``, so g flows through
the norm as well, and ``cov`` and ``corrcoef`` are sums, a matmul and
quotients of other ops, whose rules give their gradients.

Example:
    >>> import tinygrad_mlp as tm
    >>> x = tm.tensor([[1.0, 5.0, 5.0], [-2.0, 3.0, -7.0]], requires_grad=True)
    >>> values, indices = x.max(1)  # along dim 1: each row's largest and where it is
    >>> indices
    tensor([1, 1])
    >>> values.sum().backward()  # all to the element each index picks, the first of the 5s
    >>> x.grad
    tensor([[0., 1., 0.],
            [0., 1., 0.]])
    >>> x.grad = None
    >>> x.max().backward()  # over all elements the tied 5s share it, as in amax
    >>> x.grad
    tensor([[0. , 0.5, 0.5],
            [0. , 0. , 0. ]])
    >>> z = tm.tensor([[3.0, -4.0], [0.0, 1.0]], requires_grad=True)
    >>> z.norm(dim=1)  # made by where and sqrt, whose rules backward runs
    tensor([5., 1.], grad_fn=<where>)
    >>> y = tm.tensor([1.0, 4.0, 2.0, 8.0], requires_grad=True)
    >>> y.quantile(0.5).backward()  # halfway between the middle two, 2 and 4
    >>> y.grad
    tensor([0. , 0.5, 0.5, 0. ])
"""

# A method here declares ``self: Tensor``, as in methods.py (see the note there).
# mypy: disable-error-code="misc"

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any, NamedTuple, overload

import numpy as np

# tensor.py imports this module (through methods.py); what it defines is looked up when called.
import tinygrad_mlp.tensor as _tensor
from tinygrad_mlp import checks
from tinygrad_mlp.dtypes import get_default_dtype

if TYPE_CHECKING:
    from tinygrad_mlp.tensor import Axis, Tensor, TensorLike


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
    checks.flag(op, "keepdim", keepdim)
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


class Median(NamedTuple):
    """What ``median(dim)`` and ``nanmedian(dim)`` give, as ``torch.return_types.median``."""

    values: Tensor
    indices: Tensor


class MinMax(NamedTuple):
    """What ``aminmax`` gives, as PyTorch's ``torch.return_types.aminmax``."""

    min: Tensor
    max: Tensor

def _missing(data: np.ndarray) -> np.ndarray:
    """Where ``data`` is nan (nowhere, for ints and bools)."""
    return np.isnan(data) if data.dtype.kind == "f" else np.zeros(data.shape, dtype=bool)


def _median(x: Tensor, op: str, dim: int | None, keepdim: bool) -> Any:
    """``median`` or ``nanmedian`` (``op``): the lower of the two middle values, as PyTorch.

    ``median`` is nan where a nan is present; ``nanmedian`` leaves nans out
    (nan only where all are). Along a dim the gradient goes to the element the
    index picks; over all elements it is shared among the elements equal to
    the median (among the nans, if it is nan), as PyTorch's.
    """
    skip_nan = op == "nanmedian"
    checks.flag(op, "keepdim", keepdim)
    if x.dtype == np.bool_:
        raise TypeError(f"{op}: not defined for a bool tensor (as in PyTorch); convert it with "
                        ".int() or .float()")
    if dim is None:
        if keepdim:
            raise TypeError(f"{op}: keepdim needs a dim (PyTorch refuses it too)")
        flat = x.data.reshape(-1)
        present = np.sort(flat[~_missing(flat)])
        if not present.size or (len(present) < len(flat) and not skip_nan):
            if x.dtype.kind != "f":
                raise ValueError(f"{op}: the tensor (shape {x.shape}) is empty: it has no median")
            middle: Any = np.nan
        else:
            middle = present[(len(present) - 1) // 2]
        ties = np.flatnonzero(_missing(flat) if np.isnan(middle) else flat == middle)
        if not ties.size:  # an empty tensor: nan, in the graph as PyTorch's (x's gradient is empty)
            return _tensor.where(np.True_, math.nan, x.sum())
        return x.reshape(-1)[ties].amax()  # all equal: amax shares the gradient among them
    axis = checks.axis(op, dim, max(x.ndim, 1), "dim")
    if not x.ndim:
        return Median(x.clone(), _tensor.Tensor(np.zeros((), np.int64)))
    size = x.shape[axis]
    if not size:
        raise ValueError(f"{op}: dim {dim} of shape {x.shape} is empty: it has no median")
    missing = _missing(x.data)
    order = np.argsort(x.data, axis, kind="stable")  # nan last, equal values in their order
    if skip_nan:  # the middle of the values before the nans (the first nan if all are)
        count = size - missing.sum(axis, keepdims=True)
        middle = np.take_along_axis(order, np.maximum(count - 1, 0) // 2, axis)
    else:  # the middle, or the first nan where there is one
        has_nan = missing.any(axis, keepdims=True)
        middle = np.take_along_axis(order, np.full(has_nan.shape, (size - 1) // 2), axis)
        middle = np.where(has_nan, np.argmax(missing, axis, keepdims=True), middle)
    values, indices = x.gather(axis, middle), _tensor.Tensor(middle.astype(np.int64))
    if not keepdim:
        values, indices = values.squeeze(axis), indices.squeeze(axis)
    return Median(values, indices)


class Mode(NamedTuple):
    """What ``mode`` gives, as PyTorch's ``torch.return_types.mode``."""

    values: Tensor
    indices: Tensor


def _mode_index(data: np.ndarray) -> np.ndarray:
    """Along the last dim: where the mode is, the last of its copies (int64, keeping that dim).

    After a stable sort, equal values sit together in their order. Each run
    of equal values (nans count as equal) is measured by where it starts and
    ends; the first longest run holds the smallest most frequent value, and
    its last element the last index of that value.
    """
    order = np.argsort(data, -1, kind="stable")
    ordered = np.take_along_axis(data, order, -1)
    size = data.shape[-1]
    same = ordered[..., 1:] == ordered[..., :-1]
    if data.dtype.kind == "f":
        same |= np.isnan(ordered[..., 1:]) & np.isnan(ordered[..., :-1])
    positions = np.broadcast_to(np.arange(size), data.shape)
    edge = np.ones((*data.shape[:-1], 1), dtype=bool)
    starts = np.maximum.accumulate(np.where(np.concatenate([edge, ~same], -1), positions, 0), -1)
    ends = np.flip(np.minimum.accumulate(np.flip(np.where(
        np.concatenate([~same, edge], -1), positions, size), -1), -1), -1)
    longest = np.argmax(ends - starts, -1)[..., None]
    return np.take_along_axis(order, np.take_along_axis(ends, longest, -1), -1).astype(np.int64)


def _unique(x: Tensor, op: str, dim: int | None, return_inverse: bool,
            return_counts: bool) -> Any:
    """``unique`` or ``unique_consecutive`` (``op``): the distinct values, or slices along ``dim``.

    The values are constants: PyTorch's have a graph whose backward raises.
    Nans are all distinct, as in PyTorch. ``inverse`` says where each element
    (or slice) went, ``counts`` how many each distinct one stands for.
    """
    if dim is None:
        source, axis = x.data.reshape(-1), 0
    else:
        axis = checks.axis(op, dim, x.ndim, "dim")
        if any(n == 0 for d, n in enumerate(x.shape) if d != axis):
            raise ValueError(f"{op}: shape {x.shape} is empty outside dim {dim}, so it has no "
                             "slices to compare (PyTorch refuses it too)")
        source = x.data
    if op == "unique":
        values, inverse, counts = np.unique(source, return_inverse=True, return_counts=True,
                                            axis=None if dim is None else axis, equal_nan=False)
    else:  # a new value wherever an element (or slice) differs from the one before it
        slices = np.moveaxis(source, axis, 0)
        rows = slices.reshape(len(slices), math.prod(slices.shape[1:]))
        new = np.concatenate([[True], np.any(rows[1:] != rows[:-1], axis=1)])[:len(rows)]
        starts = np.flatnonzero(new)
        values = np.take(source, starts, axis)
        inverse, counts = np.cumsum(new) - 1, np.diff(np.append(starts, len(rows)))
    out: list[Tensor] = [_tensor.Tensor(values)]
    if return_inverse:
        shape = x.shape if dim is None else (x.shape[axis],)
        out.append(_tensor.Tensor(np.asarray(inverse, np.int64).reshape(shape)))
    if return_counts:
        out.append(_tensor.Tensor(np.asarray(counts, np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(x: Tensor, op: str, q: float | TensorLike, dim: int | None, keepdim: bool,
              interpolation: str) -> Tensor:
    """``quantile`` or ``nanquantile`` (``op``), PyTorch's way: sort, then pick or lerp.

    The q-th quantile of n sorted values sits at rank q · (n - 1) (n counting
    non-nan values only for ``nanquantile``; a slice holding nan gives nan for
    ``quantile``). ``linear`` interpolates between the values at the ranks
    just below and above: (1 - w) · below + w · above, w the fractional part,
    so the gradient is 1 - w to one and w to the other. ``lower``, ``higher``
    and ``nearest`` (ties to even) take one value; ``midpoint`` uses w = ½.
    """
    checks.floating(op, x)
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"{op}: interpolation must be one of {', '.join(_INTERPOLATIONS)}, "
                         f"got {interpolation!r}")
    if isinstance(q, _tensor.Tensor) and q.dtype != x.dtype:
        raise TypeError(f"{op}: q must have the tensor's dtype {x.dtype}, got {q.dtype} (as "
                        "PyTorch requires)")
    levels = checks.numeric_array(op, "q", q)
    if levels.ndim > 1:
        raise ValueError(f"{op}: q must be a number or a 1-D tensor, got shape {levels.shape}")
    if not np.all((levels >= 0) & (levels <= 1)):
        raise ValueError(f"{op}: q must be in [0, 1], got {levels.tolist()}")
    if not x.size:
        raise ValueError(f"{op}: the tensor (shape {x.shape}) is empty: it has no quantiles")
    if dim is None:
        source, axis = x.reshape(-1), 0
        out_shape = (1,) * x.ndim if keepdim else ()
    else:
        axis = checks.axis(op, dim, max(x.ndim, 1), "dim")
        source = x if x.ndim else x.reshape(1)
        out_shape = x.shape[:axis] + ((1,) if keepdim else ()) + x.shape[axis + 1:]
        if not x.ndim:
            out_shape = ()
    size, missing = source.shape[axis], _missing(source.data)
    column = levels.astype(x.dtype).reshape((-1,) + (1,) * source.ndim)  # one row per q
    if op == "nanquantile":
        count = (size - missing.sum(axis, keepdims=True)).astype(x.dtype)
        ranks = np.maximum(column * (count - 1), 0)  # an all-nan slice: rank 0, a nan
    else:
        ranks = np.where(missing.any(axis, keepdims=True), size - 1, column * (size - 1))
    ranks = ranks.astype(x.dtype)  # shaped (number of q, the slice's shape with dim 1)
    if interpolation == "lower":
        ranks = np.floor(ranks)
    elif interpolation == "higher":
        ranks = np.ceil(ranks)
    elif interpolation == "nearest":
        ranks = np.round(ranks)  # ties to even, as PyTorch's round
    below = ranks.astype(np.int64)
    ordered = source.sort(axis).values  # nan last
    rows = ordered.unsqueeze(0).expand(levels.size, *ordered.shape)  # one copy per q (a view)
    out = rows.gather(axis + 1, below)
    if interpolation in ("linear", "midpoint"):
        weight = np.full_like(ranks, 0.5) if interpolation == "midpoint" else ranks - below
        out = out.lerp(rows.gather(axis + 1, np.ceil(ranks).astype(np.int64)),
                       _tensor.Tensor(weight.astype(x.dtype)))
    return out.reshape((levels.size,) * levels.ndim + out_shape)


class KthValue(NamedTuple):
    """What ``kthvalue`` gives, as PyTorch's ``torch.return_types.kthvalue``."""

    values: Tensor
    indices: Tensor


def _weights(op: str, name: str, given: object, count: int, integral: bool) -> Tensor:
    """``cov``'s ``fweights`` (integral) or ``aweights`` (float), checked, as a 1-D tensor.

    A 0-d or 1-d tensor of ``count`` non-negative numbers, one per observation.
    """
    weights = checks.tensor(op, name, given)
    kind = "an integer" if integral else "a floating point"
    if (weights.dtype.kind in "iu") != integral or (not integral and weights.dtype.kind != "f"):
        raise TypeError(f"{op}: {name} must have {kind} dtype, got {weights.dtype}")
    if weights.ndim > 1 or weights.numel() != count:
        raise ValueError(f"{op}: {name} must be 0-d or 1-d with one weight per observation "
                         f"({count}), got shape {weights.shape}")
    if (weights.data < 0).any():
        raise ValueError(f"{op}: {name} cannot be negative")
    return weights.reshape(count)


def _cov(op: str, x: Tensor, correction: int, fweights: Tensor | None,
         aweights: Tensor | None) -> Tensor:
    """The covariance matrix of the rows of ``x`` (variables) over its columns (observations).

    PyTorch's formula: with weights w = fweights · aweights (each 1 if not
    given) and W = Σ w, the mean μ = Σ w x / W, and
    C = (x - μ) diag(w) (x - μ)ᵀ / (W - correction · Σ w · aweights / W), the
    last term W - correction without ``aweights`` and W with correction 0.
    A divisor <= 0 warns and becomes 0, giving inf or nan, as in PyTorch.
    """
    if isinstance(correction, bool) or not isinstance(correction, (int, np.integer)):
        raise TypeError(f"{op}: correction must be an int, got {correction!r}")
    if x.ndim > 2:
        raise ValueError(f"{op}: input must have at most 2 dims (variables, observations), got "
                         f"shape {x.shape}")
    if x.dtype == np.bool_:
        raise TypeError(f"{op}: not defined for a bool tensor (as in PyTorch); convert it with "
                        ".int() or .float()")
    rows = x.reshape(1, -1) if x.ndim < 2 else x
    rows = rows if rows.dtype.kind == "f" else rows.to(get_default_dtype())
    count = rows.shape[1]
    weights = None if fweights is None else _weights(op, "fweights", fweights, count, True)
    if weights is not None:
        weights = weights.to(rows.dtype)
    scales = None if aweights is None else _weights(op, "aweights", aweights, count, False)
    if scales is not None:
        weights = scales if weights is None else weights * scales
    with np.errstate(divide="ignore", invalid="ignore"):  # no observations: nan, as PyTorch
        if weights is None:
            total: Tensor | float = float(count)
            centred = rows - rows.mean(1, keepdims=True)
            divisor: Tensor | float = max(count - correction, 0) if correction else count
            products = centred @ centred.T
        else:
            total = weights.sum()
            centred = rows - ((rows * weights).sum(1, keepdims=True) / total)
            divisor = total
            if correction:
                divisor = total - (correction if scales is None else
                                   correction * (weights * scales).sum() / total)
            products = centred @ (centred * weights).T
        if (np.asarray(_tensor._plain(divisor)) <= 0).any():
            warnings.warn(f"{op}: degrees of freedom is <= 0; correction should be below the "
                          "number of observations (the result is inf or nan)", UserWarning,
                          stacklevel=3)
            divisor = 0.0
        return (products / divisor).squeeze()


class ReductionMethods:
    """Methods ``Tensor`` inherits (through ``TensorMethods``)."""

    __slots__ = ()

    # -- extremes, norms, sums that skip nan, medians and quantiles --------------------

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

    def renorm(self: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
        """Each slice along ``dim`` scaled down, where its p-norm exceeds maxnorm, to maxnorm.

        As PyTorch's: slice i (``x.select(dim, i)``) is multiplied by
        maxnorm / (‖slice‖ₚ + 1e-7) where ‖slice‖ₚ > maxnorm, and by 1
        elsewhere. The factor depends on the slice, so the gradient flows
        through the norm too (see ``norm``). Floating point tensors with at
        least 2 dims; p > 0 (``inf`` too) and maxnorm >= 0.
        """
        checks.floating("renorm", self)
        if self.ndim < 2:
            raise ValueError(f"renorm: needs at least 2 dims, got shape {self.shape} (as "
                             "PyTorch)")
        axis = checks.axis("renorm", dim, self.ndim, "dim")
        order = checks.real("renorm", "p", p)
        if not order > 0:
            raise ValueError(f"renorm: p must be > 0, got {p}")
        limit = checks.real("renorm", "maxnorm", maxnorm)
        if not limit >= 0:
            raise ValueError(f"renorm: maxnorm must be >= 0, got {maxnorm}")
        norms = self.norm(order, tuple(d for d in range(self.ndim) if d != axis), keepdim=True)
        factor = _tensor.where(norms.data > limit, limit / (norms + 1e-7), 1.0)
        return self * factor

    def nansum(self: Tensor, dim: Axis = None, keepdim: bool = False) -> Tensor:
        """The sum over ``dim`` (all elements by default) with nan counted as 0.

        The gradient is 1 for each element but the nans, which get 0, as in PyTorch.
        """
        axes = checks.axes("nansum", dim, self.ndim, "dim")
        present = self if self.dtype.kind != "f" else _tensor.where(np.isnan(self.data), 0.0, self)
        return present.sum(axes, keepdim)

    def nanmean(self: Tensor, dim: Axis = None, keepdim: bool = False) -> Tensor:
        """The mean of the elements that are not nan over ``dim``; nan where all are.

        ``nansum`` over the count of the others, so the gradient is 1 / count
        for each element but the nans, which get 0, as in PyTorch.
        """
        checks.floating("nanmean", self)
        checks.flag("nanmean", "keepdim", keepdim)
        axes = checks.axes("nanmean", dim, self.ndim, "dim")
        present = ~np.isnan(self.data)
        count = np.sum(present, axis=axes, keepdims=keepdim)
        total = _tensor.where(present, self, 0.0).sum(axes, keepdim)
        mean = total / np.maximum(count, 1).astype(self.dtype)  # 1 stands in for 0: no 0 / 0
        return _tensor.where(count > 0, mean, math.nan)

    @overload
    def median(self: Tensor) -> Tensor: ...
    @overload
    def median(self: Tensor, dim: int, keepdim: bool = False) -> Median: ...
    @overload
    def median(self: Tensor, dim: int | None = None, keepdim: bool = False) -> Any: ...

    def median(self: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
        """The median: the lower of the two middle values for an even count, as PyTorch's.

        ``x.median()`` is a 0-d tensor whose gradient is shared among the
        elements equal to it (as ``amax`` shares it among ties); nan if any
        element is nan. ``x.median(dim)`` is the pair ``(values, indices)``
        along ``dim``, the gradient going to the element each index picks.
        Use ``quantile(0.5)`` for the mean of the two middle values.
        """
        return _median(self, "median", dim, keepdim)

    @overload
    def nanmedian(self: Tensor) -> Tensor: ...
    @overload
    def nanmedian(self: Tensor, dim: int, keepdim: bool = False) -> Median: ...
    @overload
    def nanmedian(self: Tensor, dim: int | None = None, keepdim: bool = False) -> Any: ...

    def nanmedian(self: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
        """``median`` of the elements that are not nan (nan only where all are)."""
        return _median(self, "nanmedian", dim, keepdim)

    def quantile(self: Tensor, q: float | TensorLike, dim: int | None = None,
                 keepdim: bool = False, *, interpolation: str = "linear") -> Tensor:
        """The q-th quantiles over ``dim`` (all elements by default), as PyTorch's.

        ``q`` is a number in [0, 1] or a 1-D tensor of them; for a tensor the
        result has a first dim with one entry per q. The q-th quantile of n
        sorted values v sits at rank r = q (n - 1); with ``linear``
        interpolation (the default) it is (1 - w) v[⌊r⌋] + w v[⌈r⌉], w = r - ⌊r⌋,
        so the gradient is 1 - w and w to those two elements. ``lower``,
        ``higher`` and ``nearest`` take one of them, ``midpoint`` uses w = ½.
        A slice holding nan gives nan (see ``nanquantile``).
        """
        return _quantile(self, "quantile", q, dim, keepdim, interpolation)

    def nanquantile(self: Tensor, q: float | TensorLike, dim: int | None = None,
                    keepdim: bool = False, *, interpolation: str = "linear") -> Tensor:
        """``quantile`` of the elements that are not nan (nan only where all are)."""
        return _quantile(self, "nanquantile", q, dim, keepdim, interpolation)

    def mode(self: Tensor, dim: int = -1, keepdim: bool = False) -> Mode:
        """``(values, indices)``: the most frequent value along ``dim`` and where it is.

        Among values equally frequent, the smallest (nan counting as the
        largest value, all nans as equal); its index is that of its last copy,
        which is PyTorch's for up to 16 entries (past that, PyTorch's sort is
        not stable and its index may be any copy's). The gradient goes to the
        element the index picks, as in PyTorch.
        """
        if not self.ndim:
            checks.axes("mode", dim, 0, "dim")  # 0 or -1, refused in the 0-d tensor's terms
            return Mode(self.clone(), _tensor.Tensor(np.zeros((), np.int64)))
        axis = checks.axis("mode", dim, self.ndim, "dim")
        if not self.shape[axis]:
            raise ValueError(f"mode: dim {dim} of shape {self.shape} is empty: it has no mode")
        index = np.moveaxis(_mode_index(np.moveaxis(self.data, axis, -1)), -1, axis)
        values, indices = self.gather(axis, index), _tensor.Tensor(index)
        if not keepdim:
            values, indices = values.squeeze(axis), indices.squeeze(axis)
        return Mode(values, indices)

    def aminmax(self: Tensor, *, dim: int | None = None, keepdim: bool = False) -> MinMax:
        """The pair ``(min, max)`` over ``dim`` (all elements by default): ``amin`` and ``amax``.

        Ties share the gradient, as in ``amin`` and ``amax``.
        """
        if dim is None:
            axes: Axis = ()
            empty = not self.size
        else:
            if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
                raise TypeError(f"aminmax: dim must be an int or None, got {dim!r}")
            axes = checks.axis("aminmax", dim, max(self.ndim, 1), "dim")
            empty = bool(self.ndim) and not self.shape[axes]
        if empty:
            raise ValueError(f"aminmax: the tensor (shape {self.shape}) is empty along the dim: "
                             "it has no min or max")
        return MinMax(self.amin(axes, keepdim), self.amax(axes, keepdim))

    def count_nonzero(self: Tensor, dim: Axis = None) -> Tensor:
        """The number of nonzero elements over ``dim`` (all by default): int64, no gradient."""
        axes = checks.axes("count_nonzero", dim, self.ndim, "dim")
        return _tensor.Tensor(np.asarray(np.count_nonzero(self.data, axis=axes), np.int64))

    def kthvalue(self: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> KthValue:
        """``(values, indices)``: the k-th smallest entry along ``dim`` (k from 1) and where it is.

        As PyTorch's: nan sorts as the largest value; among equal values the
        order is a stable sort's (PyTorch leaves it unspecified). The gradient
        goes to the element the index picks.
        """
        checks.flag("kthvalue", "keepdim", keepdim)
        if self.dtype == np.bool_:
            raise TypeError("kthvalue: not defined for a bool tensor (as in PyTorch); convert it "
                            "with .int() or .float()")
        axis = checks.axis("kthvalue", dim, max(self.ndim, 1), "dim")
        size = self.shape[axis] if self.ndim else 1
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= size:
            raise ValueError(f"kthvalue: k must be an int from 1 to {size} (the size of dim "
                             f"{dim}), got {k!r}")
        if not self.ndim:
            return KthValue(self.clone(), _tensor.Tensor(np.zeros((), np.int64)))
        order = np.argsort(self.data, axis, kind="stable")  # nan last
        index = np.take(order, [int(k) - 1], axis)
        values, indices = self.gather(axis, index), _tensor.Tensor(index.astype(np.int64))
        if not keepdim:
            values, indices = values.squeeze(axis), indices.squeeze(axis)
        return KthValue(values, indices)

    def cov(self: Tensor, *, correction: int = 1, fweights: Tensor | None = None,
            aweights: Tensor | None = None) -> Tensor:
        """The covariance matrix of the rows (variables) over the columns (observations).

        C = (x - μ) diag(w) (x - μ)ᵀ / (W - correction · Σ w · a / W): w the
        product of ``fweights`` (integer repeat counts) and ``aweights``
        (float importances a), W = Σ w, μ the weighted mean of each row; without
        ``aweights`` the divisor is W - correction (N - 1 unweighted, the
        unbiased estimate). A 1-d tensor is one variable and gives a 0-d
        variance; ints give the default float dtype. Made of sums and a
        matmul, so the gradient reaches the tensor and ``aweights``.
        """
        return _cov("cov", self, correction, fweights, aweights)

    def corrcoef(self: Tensor) -> Tensor:
        """Pearson's correlation matrix of the rows: Cᵢⱼ / √(Cᵢᵢ Cⱼⱼ) with C = ``cov()``.

        Clipped to [-1, 1], as PyTorch's; a row that does not vary gives nan.
        """
        c = _cov("corrcoef", self, 1, None, None)
        with np.errstate(divide="ignore", invalid="ignore"):  # a constant row: 0 / 0
            if not c.ndim:
                return c / c
            spread = c.diagonal().sqrt()
            return (c / spread.unsqueeze(1) / spread.unsqueeze(0)).clamp(-1.0, 1.0)

    # -- sorting: the order along a dim, and the k largest or smallest -----------------

    def argsort(self: Tensor, dim: int = -1, descending: bool = False,
                stable: bool = False) -> Tensor:
        """The indices that sort ``dim`` (int64, no gradient); see ``sort``."""
        checks.flag("argsort", "descending", descending)
        return self.sort(dim, descending, stable).indices

    def sort(self: Tensor, dim: int = -1, descending: bool = False,
             stable: bool = False) -> Sorted:
        """``(values, indices)``: ``dim`` in ascending (or descending) order.

        Equal values keep their order (always stable; PyTorch promises it only
        with ``stable=True``) and nan sorts as the largest value, as in
        PyTorch. The gradient of ``values`` goes back to where each came from.
        """
        axis = checks.axis("sort", dim, max(self.ndim, 1))
        checks.flag("sort", "descending", descending)
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
        checks.flag("topk", "largest", largest)
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k <= size:
            raise ValueError(f"topk: k must be an int from 0 to {size} (the size of dim "
                             f"{dim}), got {k!r}")
        values, indices = self.sort(dim, descending=largest)
        if not self.ndim:
            return Sorted(values, indices)
        return Sorted(values.narrow(dim, 0, int(k)), indices.narrow(dim, 0, int(k)))

    def msort(self: Tensor) -> Tensor:
        """The values sorted along dim 0: ``sort(0).values`` (gradients go back to their places)."""
        return self.sort(0).values

    def unique(self: Tensor, sorted: bool = True, return_inverse: bool = False,
               return_counts: bool = False, dim: int | None = None) -> Any:
        """The distinct values in ascending order (or distinct slices along ``dim``), as PyTorch's.

        With ``return_inverse``, also where each element (each slice) is among
        them, shaped like the tensor (like ``dim``); with ``return_counts``,
        how many times each occurs: int64 tensors after the values, in that
        order. ``sorted=False`` sorts too, as PyTorch's on the CPU does. Nans
        are all distinct. The values are constants: PyTorch's backward raises.
        """
        return _unique(self, "unique", dim, return_inverse, return_counts)

    def unique_consecutive(self: Tensor, return_inverse: bool = False,
                           return_counts: bool = False, dim: int | None = None) -> Any:
        """``unique`` of each run of equal neighbours: [1, 1, 2, 1] gives [1, 2, 1].

        Without ``dim``, of the flattened tensor; ``inverse`` and ``counts`` as
        in ``unique``. Nans differ from each other, so each is its own run.
        """
        return _unique(self, "unique_consecutive", dim, return_inverse, return_counts)
