"""Scatter, index_add, index_put, put, take, select, unfold: writing into chosen places.

Like ``scans.py`` and ``linalg.py``, this file adds no gradient rule. Each
method works out *where* it writes, as constants, and leaves *what* it
writes to the engine's ops, so first and second derivatives come from the
rules in ``ops.py``.

**Every write is a list of flat positions.** The element of a tensor of
shape (n₀, …, nₖ) at (i₀, …, iₖ) sits at the flat position
p = i₀ · n₁ ⋯ nₖ + … + iₖ of the flattened tensor. Each method turns its
arguments into a 1-D int array ``positions`` (no gradient: indices are
not differentiable) and a 1-D tensor ``values`` of the same length:

* ``scatter(dim, index, src)``: the entry i of ``index`` names the place
  with i's coordinates but ``index[i]`` along ``dim``; it writes ``src[i]``.
* ``index_add``, ``index_copy``, ``index_fill``: the whole slice j along
  ``dim`` goes to slice ``index[j]``.
* ``index_put(indices, values)``: numpy's indexing of the grid of flat
  positions, ``arange(size).reshape(shape)[indices]``, gives them.
* ``put`` and ``take``: the positions themselves; ``masked_scatter``: the
  positions where the mask holds, in row-major order.

Then one of three writes makes the result from the flattened input x:

    add        y = x + scatter_add(values, positions)
               ∂L/∂x = g,   ∂L/∂valuesₖ = g[positionsₖ]
    replace    y = where(written, scatter_add(values, positions), x)
               ∂L/∂x = g with the written places zeroed,
               ∂L/∂valuesₖ = g[positionsₖ]
    reduce     each written place the product or the extreme of the factors
               that meet there (x's own first, unless ``include_self=False``)

``scatter_add`` is the op ``ScatterAdd``, the backward of indexing, and its
backward is indexing (``GetItem``): both are linear, so a gradient of a
gradient goes through them exactly. ``replace`` uses a ``where`` rather than
a product with a 0/1 mask, so a NaN or inf overwritten in x does not leak
into the result as 0 · NaN.

**Duplicate positions.** Where PyTorch leaves the result undefined (two
entries of ``scatter``, ``index_copy``, ``index_put`` or ``put`` writing
one place, without accumulating), the *last* of them in the order of the
flattened index wins, which PyTorch's CPU kernels do in practice. The
entries that lose change nothing, so their gradient is 0 (PyTorch gives
each g at the place).

**The reductions of** ``scatter_reduce``, place by place, each in memory
O(len(positions) + size), however the entries spread over the places:

* ``sum`` and ``mean``: the sum is the ``add`` write (without x where
  ``include_self=False``), the mean that sum divided by the count of what
  met at each place (ints round down, as in PyTorch).
* ``prod`` puts the factors of each written place in a row of a table and
  multiplies the halves of the rows until one entry is left (padding with
  1s), as ``scans.prod`` does, so ∂y/∂vₖ is the product of the *other*
  factors, exact where some are 0, and so is its own gradient. A place
  with c factors goes to the table for 2ᵇ⁻¹ < c ≤ 2ᵇ, as wide as its
  largest c, so no row is twice as wide as its factors: one place meeting
  every entry does not make every other place's row as wide.
* ``amax`` and ``amin`` find the extreme r of each place in numpy
  (``np.maximum.at``: a NaN is the extreme); the c factors equal to r (the
  ties, or the NaNs) share the gradient evenly, as in PyTorch:
  y = s + Σ₍ties₎ (vₖ - s) / c with the constant s = r (0 if r is infinite
  or NaN), which is r exactly, has ∂y/∂vₖ = 1/c at a tie and 0 elsewhere,
  and a second derivative of 0. The sum is a ``where`` (0 off the ties)
  and a ``scatter_add`` of the entries.

``take`` is an indexing of the flattened tensor, ``select`` a basic index
(a view, as PyTorch's), and ``unfold`` an indexing by a table of window
positions, whose gradient adds up where windows overlap.

Example:
    >>> import tinygrad_mlp as tm
    >>> x = tm.zeros(2, 3, requires_grad=True)
    >>> src = tm.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    >>> y = x.scatter(0, tm.tensor([[1, 0, 1]]), src)
    >>> y
    tensor([[0., 2., 0.],
            [1., 0., 3.]], grad_fn=<reshape>)
    >>> (y * tm.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).sum().backward()
    >>> x.grad  # the written places get no gradient
    tensor([[1., 0., 3.],
            [0., 5., 0.]])
    >>> src.grad  # each src entry gets the gradient of the place it went to
    tensor([[4., 2., 6.]])
"""

# A method here declares ``self: Tensor``, as in methods.py (see the note there).
# mypy: disable-error-code="misc"

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

# tensor.py imports this module (through methods.py); what it defines is looked up when called.
import tinygrad_mlp.tensor as _tensor
from tinygrad_mlp import autograd, checks
from tinygrad_mlp.scans import _product

if TYPE_CHECKING:
    from tinygrad_mlp.tensor import Tensor, TensorLike

Reduce = Literal["sum", "prod", "mean", "amax", "amin"]
_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")

# the index dtypes each method takes, as PyTorch 2.13 does
_INT32_OR_64 = ("int32", "int64")
_INT64 = ("int64",)


# -- checking the arguments ----------------------------------------------------------------


def _index(op: str, name: str, index: TensorLike, dtypes: tuple[str, ...]) -> np.ndarray:
    """``index`` (the argument ``name``) as an int array, refused unless of one of ``dtypes``."""
    array = checks.rectangular(op, name, index)
    if array.dtype.name not in dtypes:
        raise TypeError(f"{op}: {name} must be a tensor of {' or '.join(dtypes)} (as PyTorch "
                        f"requires), got dtype {array.dtype}")
    return array


def _in_range(op: str, name: str, index: np.ndarray, size: int, where: str,
              negatives: bool = False) -> np.ndarray:
    """``index`` checked to lie in [0, size), or [-size, size) counting back, made non-negative.

    ``where`` says what has ``size`` entries ("dim 1", "the 6 elements").
    """
    low = -size if negatives else 0
    outside = (index < low) | (index >= size)
    if outside.any():
        raise IndexError(f"{op}: {name} {index[outside].flat[0]} is out of range for {where} "
                         f"of size {size}" + (f" (from {-size} to {size - 1})" if negatives
                                              else ""))
    return index % size if negatives and size else index


def _source(op: str, name: str, given: object, x: Tensor) -> Tensor:
    """``given``, a Tensor of ``x``'s dtype, as PyTorch requires of what is written into x."""
    source = checks.tensor(op, name, given)
    if source.dtype != x.dtype:
        raise TypeError(f"{op}: {name} must have the tensor's dtype {x.dtype}, got "
                        f"{source.dtype} (as PyTorch requires; convert it with .to())")
    return source


def _number(op: str, name: str, value: object, x: Tensor) -> Tensor:
    """A number as a constant 0-d tensor of ``x``'s dtype (truncated into ints, as PyTorch)."""
    from tinygrad_mlp.creation import _full
    if not isinstance(value, (bool, np.bool_)):  # a bool is a number here, as in PyTorch
        checks.number(op, name, value)
    return _full(op, (), value, x.dtype, False)  # type: ignore[arg-type]


def _axis(op: str, dim: int, x: Tensor, name: str = "dim") -> int:
    """``dim`` as an axis of ``x``; a 0-d tensor takes 0 or -1, as one entry."""
    return checks.axis(op, dim, max(x.ndim, 1), name)


def _alpha(op: str, alpha: object, x: Tensor) -> Any:
    """``alpha`` checked: a number, and an int (or a bool) for an integer tensor."""
    if alpha is None:  # checks.number lets None through, as a missing bound
        raise TypeError(f"{op}: alpha must be a number, got None")
    if not isinstance(alpha, (bool, np.bool_)):  # a bool is a number here, as in PyTorch
        checks.number(op, "alpha", alpha)
    if x.dtype.kind in "biu" and isinstance(alpha, (float, np.floating)):
        raise TypeError(f"{op}: alpha must be an int for integer tensors, got {alpha!r} "
                        "(PyTorch truncates it)")
    return alpha


# -- the three writes ----------------------------------------------------------------------


def _scatter_add(values: Tensor, size: int, positions: np.ndarray) -> Tensor:
    """zeros(size) with valuesₖ added at positionsₖ (the op ``ScatterAdd``): ∂/∂valuesₖ = g[pₖ]."""
    from tinygrad_mlp.ops import ScatterAdd  # ops.py imports tensor.py, which imports this file
    return ScatterAdd.apply(values, shape=(size,), index=(positions,))


def _added(flat: Tensor, positions: np.ndarray, values: Tensor) -> Tensor:
    """flat + the values added at their positions (repeats add up)."""
    return flat + _scatter_add(values, flat.shape[0], positions)


def _last_of_each(positions: np.ndarray) -> np.ndarray:
    """The indices k, in order, of the last entry of ``positions`` that names each place."""
    _, first_from_the_end = np.unique(positions[::-1], return_index=True)
    return np.sort(positions.size - 1 - first_from_the_end)


def _replaced(flat: Tensor, positions: np.ndarray, values: Tensor) -> Tensor:
    """flat with the values written at their positions; of two at one place, the last wins."""
    size = flat.shape[0]
    winners = _last_of_each(positions)
    if winners.size < positions.size:  # the losers change nothing: leave them out of the graph
        positions, values = positions[winners], values[winners]
    written = np.zeros(size, dtype=bool)
    written[positions] = True
    return _tensor.where(written, _scatter_add(values, size, positions), flat)


def _reduced(flat: Tensor, positions: np.ndarray, values: Tensor, reduce: str,
             include_self: bool) -> Tensor:
    """flat with the values at each place reduced with what is there (see the module's notes)."""
    if reduce == "prod":
        return _multiplied(flat, positions, values, include_self)
    size = flat.shape[0]
    counts = np.bincount(positions, minlength=size)
    with_self = np.ones(size, dtype=bool) if include_self else counts == 0
    if reduce in ("amax", "amin"):
        return _extreme(flat, positions, values, reduce, with_self)
    base = flat if include_self else _tensor.where(with_self, flat, _zero(flat))
    total = _added(base, positions, values)
    if reduce == "sum":
        return total
    count = counts + with_self
    if flat.dtype.kind == "f":
        return total / _tensor.Tensor(count.astype(flat.dtype))
    return _tensor.Tensor(np.floor_divide(total.data, count).astype(flat.dtype))


def _multiplied(flat: Tensor, positions: np.ndarray, values: Tensor,
                include_self: bool) -> Tensor:
    """flat with each written place the product of its factors, by halves in a few tables.

    A written place with c factors (flat's own first, unless not
    ``include_self``, then its values in order) joins band b, where
    2ᵇ⁻¹ < c ≤ 2ᵇ; each band's table has a row per place and the width of
    its largest c, padded with 1s. A row is under twice its c wide, so the
    tables hold fewer than 2 · (len(positions) + the places written) entries
    (and the products of halves as many again), however the values spread
    over the places; memory O(len(positions) + size) with flat itself.
    """
    size = flat.shape[0]
    places, rows = np.unique(positions, return_inverse=True)  # rows: the row of each value
    owners, sources = rows, size + np.arange(positions.size)  # into cat([flat, values, 1])
    if include_self:
        owners = np.concatenate([np.arange(places.size), owners])
        sources = np.concatenate([places, sources])
    order = np.argsort(owners, kind="stable")
    owners, sources = owners[order], sources[order]
    counts = np.bincount(owners)
    slots = np.arange(owners.size) - (np.cumsum(counts) - counts)[owners]  # place in its row
    bands = np.frexp(counts - 1)[1]  # the bit length of c - 1: c ≤ 2ᵇ < 2c
    pool = _tensor.cat([flat, values, _tensor.Tensor(np.ones(1, flat.dtype))])
    products, written = [], []
    for band in np.unique(bands):
        members = np.flatnonzero(bands == band)
        row_in_band = np.cumsum(bands == band) - 1
        picked = bands[owners] == band
        table = np.full((members.size, int(counts[members].max())), pool.shape[0] - 1)
        table[row_in_band[owners[picked]], slots[picked]] = sources[picked]
        products.append(_product(pool[table], 1).reshape(-1))
        written.append(places[members])
    mask = np.zeros(size, dtype=bool)
    mask[places] = True
    return _tensor.where(mask, _scatter_add(_tensor.cat(products), size, np.concatenate(
        written)), flat)


def _extreme(flat: Tensor, positions: np.ndarray, values: Tensor, reduce: str,
             with_self: np.ndarray) -> Tensor:
    """flat with each place the largest (amax) or smallest (amin) of what meets there.

    numpy finds the extreme r of each place (np.maximum lets a NaN win) and
    the c ties there (the factors equal to r, or NaN where r is). Then
    y = s + Σ₍ties₎ (vₖ - s) / c, with the constant s = r (0 where r is
    infinite or NaN), is made of elementwise ops on flat and on the values
    and one scatter_add: memory O(len(positions) + flat's size).
    """
    size, data, own = flat.shape[0], values.data, flat.data
    keep = np.maximum if reduce == "amax" else np.minimum
    extreme = own.copy()
    fresh = ~with_self[positions]  # start a place without flat from one of its values
    extreme[positions[fresh]] = data[fresh]
    with np.errstate(invalid="ignore"):  # a NaN wins, silently
        keep.at(extreme, positions, data)
    if flat.dtype.kind != "f":
        return _tensor.Tensor(extreme)
    met = extreme[positions]
    ties = (data == met) | (np.isnan(data) & np.isnan(met))
    own_ties = with_self & ((own == extreme) | (np.isnan(own) & np.isnan(extreme)))
    share = (1 / (np.bincount(positions, weights=ties, minlength=size) + own_ties)).astype(
        flat.dtype)
    shift = np.where(np.isfinite(extreme), extreme, 0).astype(flat.dtype)
    # a where, not a product with the 0/1 ties, so an inf or NaN that loses does not leak
    own_gap = _tensor.where(own_ties, flat - _tensor.Tensor(shift), _zero(flat))
    gaps = _tensor.where(ties, values - _tensor.Tensor(shift[positions]), _zero(flat))
    spread = _scatter_add(gaps * _tensor.Tensor(share[positions]), size, positions)
    return own_gap * _tensor.Tensor(share) + spread + _tensor.Tensor(shift)


def _zero(x: Tensor) -> Tensor:
    """A 0-d zero of ``x``'s dtype."""
    return _tensor.Tensor(np.zeros((), x.dtype))


def _written(x: Tensor, shape: tuple[int, ...], write: Callable[..., Tensor],
             positions: np.ndarray, values: Tensor, *options: Any) -> Tensor:
    """``write`` of ``values`` at ``positions`` into flattened ``x``, shaped back to ``shape``.

    A copy of x when nothing is written: a result is always a new tensor.
    """
    if not positions.size:
        return x.clone().reshape(shape)
    return write(x.reshape(-1), positions.reshape(-1), values.reshape(-1), *options).reshape(
        shape)


# -- working out the positions -------------------------------------------------------------


def _scatter_positions(op: str, x: Tensor, dim: int, index: TensorLike,
                       src: Tensor) -> tuple[np.ndarray, Tensor]:
    """The flat positions ``scatter`` writes along ``dim``, and the part of ``src`` it writes.

    ``src`` must have as many dims as ``index`` and be no smaller in any;
    ``index`` must be no larger than the tensor outside ``dim``. A 0-d tensor
    or index counts as one entry, as in PyTorch.
    """
    shape = x.shape or (1,)
    axis = _axis(op, dim, x)
    chosen = _index(op, "index", index, _INT32_OR_64)
    if not chosen.size:
        return np.zeros(0, np.int64), src.reshape(-1)[:0]
    chosen = chosen.reshape(chosen.shape or (1,))
    source = src.reshape(src.shape or (1,))
    if chosen.ndim != len(shape) or source.ndim != chosen.ndim:
        raise ValueError(f"{op}: index of shape {chosen.shape}, the tensor's shape {x.shape} "
                         f"and src of shape {src.shape} must have as many dims")
    sizes: tuple[int, ...] = tuple(chosen.shape)
    if any(n > m for n, m in zip(sizes, source.shape)) or any(
            n > m for d, (n, m) in enumerate(zip(sizes, shape)) if d != axis):
        raise ValueError(f"{op}: index of shape {sizes} must be no larger than src, of "
                         f"shape {src.shape}, in any dim, nor than the tensor, of shape "
                         f"{x.shape}, outside dim {dim}")
    coordinates: list[np.ndarray] = list(np.indices(sizes, sparse=True))
    coordinates[axis] = _in_range(op, "index", chosen, shape[axis], f"dim {dim}")
    strides = np.cumprod((*shape[1:], 1)[::-1])[::-1]
    positions = sum(c * int(s) for c, s in zip(coordinates, strides))
    part = source[tuple(slice(0, n) for n in sizes)]
    return np.broadcast_to(positions, chosen.shape), part


def _scatter_src(op: str, x: Tensor, index: TensorLike, src: object, value: object) -> Tensor:
    """What ``scatter`` writes: ``src`` (a tensor) or ``value`` (a number, as wide as index)."""
    if (src is None) == (value is None):
        raise TypeError(f"{op}: give either src (a tensor) or value (a number), once")
    if isinstance(src, _tensor.Tensor):
        return _source(op, "src", src, x)
    shape = checks.rectangular(op, "index", index).shape
    return _number(op, "value", src if value is None else value, x).expand(shape)


def _slices(op: str, x: Tensor, dim: int, index: TensorLike, dtypes: tuple[str, ...],
            negatives: bool = False) -> tuple[int, np.ndarray]:
    """The axis of ``dim`` and the 1-D ``index`` (0-d or 1-D given) of the slices along it."""
    axis = _axis(op, dim, x)
    chosen = _index(op, "index", index, dtypes)
    if chosen.ndim > 1:
        raise ValueError(f"{op}: index must be 0-d or 1-D, got shape {chosen.shape}")
    size = x.shape[axis] if x.ndim else 1
    return axis, _in_range(op, "index", chosen.reshape(-1), size, f"dim {dim}", negatives)


def _slice_positions(op: str, x: Tensor, dim: int, index: TensorLike, source: Tensor,
                     dtypes: tuple[str, ...]) -> np.ndarray:
    """The flat positions ``index_add`` and ``index_copy`` write ``source`` to, shaped as it.

    ``source`` has the tensor's shape with ``len(index)`` along ``dim``.
    """
    axis, chosen = _slices(op, x, dim, index, dtypes)
    shape = x.shape or (1,)
    wanted = (*shape[:axis], chosen.size, *shape[axis + 1:])
    if source.shape != wanted and (x.ndim or source.size != chosen.size or source.ndim > 1):
        raise ValueError(f"{op}: source of shape {source.shape} must have the tensor's shape "
                         f"{x.shape} with {chosen.size} (the length of index) in dim {dim}, "
                         f"{wanted}")
    return np.take(np.arange(math.prod(shape)).reshape(shape), chosen, axis=axis)


def _put_positions(op: str, x: Tensor, indices: object) -> np.ndarray:
    """The flat positions ``index_put`` writes: numpy's indexing of the grid of positions."""
    if isinstance(indices, _tensor.Tensor) or not isinstance(indices, (tuple, list)):
        raise TypeError(f"{op}: indices must be a tuple of tensors, got "
                        f"{type(indices).__name__}")
    if not indices:
        raise ValueError(f"{op}: indices must hold at least one index tensor")
    arrays = tuple(_index(op, f"indices[{k}]", i, ("int32", "int64", "bool"))
                   for k, i in enumerate(indices))
    taken = sum(a.ndim if a.dtype == np.bool_ else 1 for a in arrays)
    if not x.ndim or taken > x.ndim:
        raise IndexError(f"{op}: too many indices for a tensor of shape {x.shape}: they index "
                         f"{max(taken, 1)} dims")
    try:
        return np.arange(x.size).reshape(x.shape)[arrays]
    except IndexError as error:
        raise IndexError(f"{op}: {error} (a tensor of shape {x.shape})") from None


def _flat_positions(op: str, x: Tensor, index: TensorLike) -> np.ndarray:
    """``put``'s and ``take``'s index: int64 flat positions, counted from the end if < 0."""
    chosen = _index(op, "index", index, _INT64)
    if chosen.size and not x.size:
        raise IndexError(f"{op}: index holds positions, but the tensor (of shape {x.shape}) is "
                         "empty")
    return _in_range(op, "index", chosen, x.size, f"the tensor of shape {x.shape}",
                     negatives=True)


# -- each method's whole work, named ``op`` (``scatter`` or ``scatter_``) in its errors --------


def _scatter(op: str, x: Tensor, dim: int, index: TensorLike, src: object, value: object,
             reduce: str | None) -> Tensor:
    """``scatter``, with ``src`` or ``value``, replacing or with ``reduce`` 'add' or 'multiply'."""
    if reduce not in (None, "add", "multiply"):
        raise ValueError(f"{op}: reduce must be 'add' or 'multiply' (scatter_reduce takes "
                         f"'sum', 'prod', 'mean', 'amax' and 'amin'), got {reduce!r}")
    positions, values = _scatter_positions(op, x, dim, index, _scatter_src(op, x, index, src,
                                                                           value))
    if reduce is None:
        return _written(x, x.shape, _replaced, positions, values)
    return _written(x, x.shape, _reduced, positions, values,
                    "sum" if reduce == "add" else "prod", True)


def _scatter_reduce(op: str, x: Tensor, dim: int, index: TensorLike, src: Tensor, reduce: str,
                    include_self: bool) -> Tensor:
    """``scatter_reduce``: each place the reduction of what is there and what is scattered to it."""
    if reduce not in _REDUCTIONS:
        raise ValueError(f"{op}: reduce must be one of {', '.join(map(repr, _REDUCTIONS))}, "
                         f"got {reduce!r}")
    with_self = checks.flag(op, "include_self", include_self)
    if reduce == "mean" and x.dtype == np.bool_:
        raise TypeError(f"{op}: reduce='mean' is not defined for bool tensors (nor in PyTorch)")
    positions, values = _scatter_positions(op, x, dim, index, _source(op, "src", src, x))
    return _written(x, x.shape, _reduced, positions, values, reduce, with_self)


def _index_add(op: str, x: Tensor, dim: int, index: TensorLike, source: Tensor,
               alpha: float) -> Tensor:
    """``index_add``: alpha · source's slices added to the slices ``index`` names."""
    given = _source(op, "source", source, x)
    scale = _alpha(op, alpha, x)
    positions = _slice_positions(op, x, dim, index, given, _INT32_OR_64)
    if scale != 1:
        given = given * _tensor.Tensor(np.asarray(scale).astype(x.dtype))
    return _written(x, x.shape, _added, positions, given)


def _index_copy(op: str, x: Tensor, dim: int, index: TensorLike, source: Tensor) -> Tensor:
    """``index_copy``: source's slices written over the slices ``index`` names."""
    given = _source(op, "source", source, x)
    positions = _slice_positions(op, x, dim, index, given, _INT64)
    return _written(x, x.shape, _replaced, positions, given)


def _index_fill(op: str, x: Tensor, dim: int, index: TensorLike, value: object) -> Tensor:
    """``index_fill``: ``value`` (a number or a 0-d tensor) in the slices ``index`` names."""
    axis, chosen = _slices(op, x, dim, index, _INT64, negatives=True)
    if isinstance(value, _tensor.Tensor):
        if value.ndim:
            raise ValueError(f"{op}: value must be a number or a 0-d tensor, got shape "
                             f"{value.shape}")
        fill = value.to(x.dtype)  # x's dtype, as in PyTorch (a float gradient flows)
    else:
        fill = _number(op, "value", value, x)
    filled = np.zeros(x.shape[axis] if x.ndim else 1, dtype=bool)
    filled[chosen] = True
    mask = filled.reshape([-1 if d == axis else 1 for d in range(x.ndim)])
    return _tensor.where(mask, fill, x)


def _index_put(op: str, x: Tensor, indices: object, values: Tensor, accumulate: bool) -> Tensor:
    """``index_put``: ``values`` (broadcast) at ``x[indices]``, added or written over."""
    given = _source(op, "values", values, x)
    add = checks.flag(op, "accumulate", accumulate)
    positions = _put_positions(op, x, indices)
    if not checks.broadcasts_to(given.shape, positions.shape):
        raise ValueError(f"{op}: values of shape {given.shape} do not broadcast to the shape "
                         f"of the indexed part, {positions.shape}")
    if given.shape != positions.shape and positions.size:
        given = given.expand(positions.shape)
    return _written(x, x.shape, _added if add else _replaced, positions, given)


def _masked_scatter(op: str, x: Tensor, mask: TensorLike, source: Tensor,
                    in_place: bool) -> Tensor:
    """``masked_scatter``: source's first elements, in order, where ``mask`` holds."""
    given = _source(op, "source", source, x)
    chosen = checks.rectangular(op, "mask", mask)
    if chosen.dtype != np.bool_:
        raise TypeError(f"{op}: mask must be bool, got dtype {chosen.dtype}")
    try:
        shape = np.broadcast_shapes(x.shape, chosen.shape)
    except ValueError:
        shape = None
    if shape is None or (in_place and shape != x.shape):
        raise ValueError(f"{op}: mask of shape {chosen.shape} does not broadcast to " + (
            f"the tensor's shape {x.shape}" if in_place else
            f"one shape with the tensor's, {x.shape}"))
    positions = np.flatnonzero(np.broadcast_to(chosen, shape))
    if positions.size > given.size:
        raise ValueError(f"{op}: source has {given.size} elements, fewer than the "
                         f"{positions.size} places where the mask holds")
    spread = x if x.shape == shape else x.expand(shape)
    return _written(spread, shape, _replaced, positions, given.reshape(-1)[:positions.size])


def _put(op: str, x: Tensor, index: TensorLike, source: Tensor, accumulate: bool) -> Tensor:
    """``put``: source's elements at the flat positions ``index`` names, added or written over."""
    given = _source(op, "source", source, x)
    add = checks.flag(op, "accumulate", accumulate)
    positions = _flat_positions(op, x, index)
    if positions.size != given.size:
        raise ValueError(f"{op}: source and index must have as many elements, got "
                         f"{given.size} (shape {given.shape}) and {positions.size} (shape "
                         f"{positions.shape})")
    return _written(x, x.shape, _added if add else _replaced, positions, given)


def _in_place(op: str, x: Tensor, operands: Sequence[object],
              compute: Callable[[], Tensor]) -> Tensor:
    """``x`` overwritten with what ``compute`` gives, under the rules of ``+=``.

    Refused while recording a graph through x or a tensor operand; the whole
    result is computed before anything is written, so an error leaves x as
    it was. The dtype is kept and the version counter bumped.
    """
    for operand in (x, *operands):
        if isinstance(operand, _tensor.Tensor):
            x._refuse_recording(op, operand)
    with autograd.no_grad():
        result = compute()
    return x._inplace(op, _overwrite, result)


def _overwrite(data: np.ndarray, value: np.ndarray, out: np.ndarray) -> None:
    """Write ``value`` into ``out`` (which is ``data``, the tensor's own array)."""
    np.copyto(out, value)


class IndexingMethods:
    """Methods ``Tensor`` inherits (through ``TensorMethods``)."""

    __slots__ = ()

    # -- scatter ----------------------------------------------------------------------------

    def scatter(self: Tensor, dim: int, index: TensorLike, src: Tensor | float | None = None,
                value: float | None = None, *, reduce: str | None = None) -> Tensor:
        """A copy with ``src[i]`` written at i's place but ``index[i]`` along ``dim``.

        For dim 0 of a matrix: ``out[index[i][j]][j] = src[i][j]``. ``src`` is
        a tensor of self's dtype, or a number (also as ``value=``). ``index``
        (int64 or int32) has self's dims, no larger than ``src`` in any and
        than self outside ``dim``. ∂L/∂self = g with the written places 0,
        ∂L/∂src[i] = g at i's place (0 for the losers of a repeated place,
        where the last entry wins). ``reduce='add'`` adds instead, and
        ``'multiply'`` multiplies, with gradients (PyTorch's raise).

        Example:
            >>> import tinygrad_mlp as tm
            >>> tm.zeros(2, 2).scatter(1, tm.tensor([[1], [0]]), 5.0)
            tensor([[0., 5.],
                    [5., 0.]])
        """
        return _scatter("scatter", self, dim, index, src, value, reduce)

    def scatter_(self: Tensor, dim: int, index: TensorLike, src: Tensor | float | None = None,
                 value: float | None = None, *, reduce: str | None = None) -> Tensor:
        """``scatter``, in place (refused while recording a graph through self or src)."""
        return _in_place("scatter_", self, [src], lambda: _scatter(
            "scatter_", self, dim, index, src, value, reduce))

    def scatter_add(self: Tensor, dim: int, index: TensorLike, src: Tensor) -> Tensor:
        """A copy with ``src[i]`` added at i's place but ``index[i]`` along ``dim``.

        Index and shapes as ``scatter``; repeats add up. ∂L/∂self = g,
        ∂L/∂src[i] = g at i's place.
        """
        return _scatter("scatter_add", self, dim, index,
                        _source("scatter_add", "src", src, self), None, "add")

    def scatter_add_(self: Tensor, dim: int, index: TensorLike, src: Tensor) -> Tensor:
        """``scatter_add``, in place (refused while recording a graph through self or src)."""
        return _in_place("scatter_add_", self, [src], lambda: _scatter(
            "scatter_add_", self, dim, index, _source("scatter_add_", "src", src, self), None,
            "add"))

    def scatter_reduce(self: Tensor, dim: int, index: TensorLike, src: Tensor, reduce: Reduce,
                       *, include_self: bool = True) -> Tensor:
        """A copy where each place is reduced with the ``src`` entries scattered to it.

        ``reduce`` is 'sum', 'prod', 'mean', 'amax' or 'amin'; the place's own
        value takes part unless ``include_self=False`` (a place nothing is
        scattered to keeps it). Index and shapes as ``scatter``. Gradients as
        PyTorch's: 'prod' gives each factor the product of the others (exact
        at zeros), 'mean' divides g by the count, and 'amax' and 'amin' split g
        evenly among the entries equal to the result. Ints take the mean
        rounded down, as PyTorch.

        Example:
            >>> import tinygrad_mlp as tm
            >>> x = tm.tensor([1.0, 2.0])
            >>> x.scatter_reduce(0, tm.tensor([0, 0, 1]), tm.tensor([3.0, 5.0, 4.0]), "amax")
            tensor([5., 4.])
        """
        return _scatter_reduce("scatter_reduce", self, dim, index, src, reduce, include_self)

    def scatter_reduce_(self: Tensor, dim: int, index: TensorLike, src: Tensor, reduce: Reduce,
                        *, include_self: bool = True) -> Tensor:
        """``scatter_reduce``, in place (refused while recording a graph through self or src)."""
        return _in_place("scatter_reduce_", self, [src], lambda: _scatter_reduce(
            "scatter_reduce_", self, dim, index, src, reduce, include_self))

    # -- slices along a dim -------------------------------------------------------------------

    def index_add(self: Tensor, dim: int, index: TensorLike, source: Tensor, *,
                  alpha: float = 1) -> Tensor:
        """A copy with ``alpha · source[..., j, ...]`` added to slice ``index[j]`` along ``dim``.

        ``index`` is 0-d or 1-D (int64 or int32, repeats add up); ``source``
        has self's shape and dtype but ``len(index)`` along ``dim``.
        ∂L/∂self = g, ∂L/∂source = alpha · g's slices ``index``.
        """
        return _index_add("index_add", self, dim, index, source, alpha)

    def index_add_(self: Tensor, dim: int, index: TensorLike, source: Tensor, *,
                   alpha: float = 1) -> Tensor:
        """``index_add``, in place (refused while recording a graph through self or source)."""
        return _in_place("index_add_", self, [source], lambda: _index_add(
            "index_add_", self, dim, index, source, alpha))

    def index_copy(self: Tensor, dim: int, index: TensorLike, source: Tensor) -> Tensor:
        """A copy with ``source[..., j, ...]`` written over slice ``index[j]`` along ``dim``.

        ``index`` is int64 (0-d or 1-D); shapes as ``index_add``. Of two
        slices written to one place the last wins. ∂L/∂self = g with the
        written slices 0, ∂L/∂source = g's slices ``index``.
        """
        return _index_copy("index_copy", self, dim, index, source)

    def index_copy_(self: Tensor, dim: int, index: TensorLike, source: Tensor) -> Tensor:
        """``index_copy``, in place (refused while recording a graph through self or source)."""
        return _in_place("index_copy_", self, [source], lambda: _index_copy(
            "index_copy_", self, dim, index, source))

    def index_fill(self: Tensor, dim: int, index: TensorLike, value: float | Tensor) -> Tensor:
        """A copy with ``value`` in the slices ``index`` (int64, from the end if < 0) along ``dim``.

        ``value`` is a number or a 0-d tensor. ∂L/∂self = g with the filled
        slices 0; ∂L/∂value = the sum of g over the filled places.
        """
        return _index_fill("index_fill", self, dim, index, value)

    def index_fill_(self: Tensor, dim: int, index: TensorLike, value: float | Tensor) -> Tensor:
        """``index_fill``, in place (refused while recording a graph through self or value)."""
        return _in_place("index_fill_", self, [value], lambda: _index_fill(
            "index_fill_", self, dim, index, value))

    # -- numpy's indexing, flat positions, masks -----------------------------------------------

    def index_put(self: Tensor, indices: Sequence[TensorLike], values: Tensor,
                  accumulate: bool = False) -> Tensor:
        """A copy with ``values`` (broadcast) at ``self[indices]``, or added there (``accumulate``).

        ``indices`` is a tuple of int64, int32 or bool tensors, read as
        numpy's (and PyTorch's) advanced indexing, negatives from the end.
        Without ``accumulate``, of two entries at one place the last wins.
        ∂L/∂self = g (with the written places 0 unless accumulating),
        ∂L/∂values = g[indices], summed over broadcast dims.

        Example:
            >>> import tinygrad_mlp as tm
            >>> tm.zeros(3).index_put((tm.tensor([0, 0, 2]),), tm.tensor(1.0), accumulate=True)
            tensor([2., 0., 1.])
        """
        return _index_put("index_put", self, indices, values, accumulate)

    def index_put_(self: Tensor, indices: Sequence[TensorLike], values: Tensor,
                   accumulate: bool = False) -> Tensor:
        """``index_put``, in place (refused while recording a graph through self or values)."""
        return _in_place("index_put_", self, [values], lambda: _index_put(
            "index_put_", self, indices, values, accumulate))

    def masked_scatter(self: Tensor, mask: TensorLike, source: Tensor) -> Tensor:
        """A copy with source's first elements written, in order, where the bool ``mask`` holds.

        Self and the mask broadcast together; ``source`` (self's dtype) needs
        at least as many elements as the mask has True. ∂L/∂self = g with the
        masked places 0 (summed over broadcast dims), ∂L/∂source = g at the
        masked places in order, then 0.
        """
        return _masked_scatter("masked_scatter", self, mask, source, False)

    def masked_scatter_(self: Tensor, mask: TensorLike, source: Tensor) -> Tensor:
        """``masked_scatter``, in place: the mask must broadcast to self's shape."""
        return _in_place("masked_scatter_", self, [source], lambda: _masked_scatter(
            "masked_scatter_", self, mask, source, True))

    def put(self: Tensor, index: TensorLike, source: Tensor, accumulate: bool = False) -> Tensor:
        """A copy with source's elements at the positions ``index`` names in the flattened self.

        ``index`` is int64 of any shape (negatives from the end), ``source``
        of self's dtype with as many elements. Without ``accumulate`` the last
        of repeated positions wins. ∂L/∂self = g (with the written places 0
        unless accumulating), ∂L/∂source = g at the positions.
        """
        return _put("put", self, index, source, accumulate)

    def put_(self: Tensor, index: TensorLike, source: Tensor, accumulate: bool = False) -> Tensor:
        """``put``, in place (refused while recording a graph through self or source)."""
        return _in_place("put_", self, [source], lambda: _put(
            "put_", self, index, source, accumulate))

    def take(self: Tensor, index: TensorLike) -> Tensor:
        """The elements of the flattened self at ``index`` (int64, negatives from the end).

        Shaped as ``index``. An indexing, so ∂L/∂self adds g up at each
        position (repeats add).
        """
        positions = _flat_positions("take", self, index)
        return self.reshape(-1)[positions]

    def select(self: Tensor, dim: int, index: int) -> Tensor:
        """The slice ``index`` (from the end if < 0) along ``dim``, without that dim: a view.

        ``x.select(1, 2)`` is ``x[:, 2]``; its gradient is g in that slice, 0 elsewhere.
        """
        if not self.ndim:
            raise IndexError("select: a 0-d tensor has no dim to select from (as in PyTorch)")
        axis = checks.axis("select", dim, self.ndim, "dim")
        size = self.shape[axis]
        try:  # an int, a numpy int or a 0-d int tensor, as PyTorch takes (not a bool)
            if isinstance(index, bool):
                raise TypeError
            at = operator.index(_tensor._plain(index))
        except TypeError:
            raise TypeError(f"select: index must be an int, got {type(index).__name__}") from None
        if not -size <= at < size:
            raise IndexError(f"select: index {at} is out of range for dim {dim} of size {size} "
                             f"(a tensor of shape {self.shape})")
        return self[(slice(None),) * axis + (at,)]

    def unfold(self: Tensor, dimension: int, size: int, step: int) -> Tensor:
        """Every window of ``size`` entries along ``dimension``, ``step`` apart, in a new last dim.

        Windows start at 0, step, 2·step, … while they fit: (n - size) // step
        + 1 of them replace the dim. An indexing by the table of window
        positions, so ∂L/∂self adds up g where windows overlap.

        Example:
            >>> import tinygrad_mlp as tm
            >>> tm.arange(5.0).unfold(0, 2, 2)
            tensor([[0., 1.],
                    [2., 3.]])
        """
        axis = _axis("unfold", dimension, self, "dimension")
        width = checks.check_int("unfold", "size", size, 0)
        stride = checks.check_int("unfold", "step", step, 1)
        length = self.shape[axis] if self.ndim else 1
        if width > length:
            raise ValueError(f"unfold: size {width} is larger than dim {dimension}, of size "
                             f"{length} (a tensor of shape {self.shape})")
        if not self.ndim:
            return self.reshape(1)[:width]
        windows = np.arange((length - width) // stride + 1)[:, None] * stride
        picked = self[(slice(None),) * axis + (windows + np.arange(width),)]
        return picked.movedim(axis + 1, -1)


# -- PyTorch's function forms: ``tm.scatter(x, 0, index, src)`` is ``x.scatter(0, index, src)``


def _input(where: str, input: object) -> Tensor:
    """A function form's Tensor argument (``checks.function_input``, looked up when called)."""
    return checks.function_input(where, input)


def scatter(input: Tensor, dim: int, index: TensorLike, src: Tensor | float | None = None,
            value: float | None = None, *, reduce: str | None = None) -> Tensor:
    """``input`` with ``src`` (or ``value``) written along ``dim``, as ``torch.scatter``."""
    return _input("scatter", input).scatter(dim, index, src, value, reduce=reduce)


def scatter_add(input: Tensor, dim: int, index: TensorLike, src: Tensor) -> Tensor:
    """``input`` with ``src`` added along ``dim``, as ``torch.scatter_add``."""
    return _input("scatter_add", input).scatter_add(dim, index, src)


def scatter_reduce(input: Tensor, dim: int, index: TensorLike, src: Tensor, reduce: Reduce, *,
                   include_self: bool = True) -> Tensor:
    """``input`` reduced with ``src`` along ``dim``, as ``torch.scatter_reduce``."""
    return _input("scatter_reduce", input).scatter_reduce(dim, index, src, reduce,
                                                          include_self=include_self)


def index_add(input: Tensor, dim: int, index: TensorLike, source: Tensor, *,
              alpha: float = 1) -> Tensor:
    """``input`` with alpha · source's slices added, as ``torch.index_add``."""
    return _input("index_add", input).index_add(dim, index, source, alpha=alpha)


def index_copy(input: Tensor, dim: int, index: TensorLike, source: Tensor) -> Tensor:
    """``input`` with source's slices written over, as ``torch.index_copy``."""
    return _input("index_copy", input).index_copy(dim, index, source)


def index_fill(input: Tensor, dim: int, index: TensorLike, value: float | Tensor) -> Tensor:
    """``input`` with ``value`` in the slices ``index``, as ``torch.index_fill``."""
    return _input("index_fill", input).index_fill(dim, index, value)


def index_put(input: Tensor, indices: Sequence[TensorLike], values: Tensor,
              accumulate: bool = False) -> Tensor:
    """``input`` with ``values`` at ``input[indices]``, as ``torch.index_put``."""
    return _input("index_put", input).index_put(indices, values, accumulate)


def masked_scatter(input: Tensor, mask: TensorLike, source: Tensor) -> Tensor:
    """``input`` with source's elements where ``mask`` holds, as ``torch.masked_scatter``."""
    return _input("masked_scatter", input).masked_scatter(mask, source)


def put(input: Tensor, index: TensorLike, source: Tensor, accumulate: bool = False) -> Tensor:
    """``input`` with source's elements at flat positions ``index``, as ``torch.put``."""
    return _input("put", input).put(index, source, accumulate)


def take(input: Tensor, index: TensorLike) -> Tensor:
    """The elements of the flattened ``input`` at ``index``, as ``torch.take``."""
    return _input("take", input).take(index)


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The slice ``index`` along ``dim``, without that dim, as ``torch.select``."""
    return _input("select", input).select(dim, index)
