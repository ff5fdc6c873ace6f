"""Cumulative sums and products, running maxima, differences and products of a dimension.

Nothing here has a gradient rule of its own. Each method is a small circuit
of the engine's ops (slicing, ``cat``, ``+``, ``*``, ``where``, ``exp``,
``log1p``, indexing), so backward runs through the circuit, and with
``create_graph=True`` through the circuit of the gradient too: derivatives of
every order come from the rules in ``ops.py``.

**Scans.** The *inclusive scan* of x₀, x₁, …, x₍ₙ₋₁₎ under an associative
operation ∘ is

    yⱼ = x₀ ∘ x₁ ∘ … ∘ xⱼ.

``cumsum`` is the scan under +, ``cumprod`` under ×, ``logcumsumexp`` under
a ⊕ b = ln(eᵃ + eᵇ), and the values of ``cummax`` under max. A loop over j
takes n - 1 steps of one entry each. Hillis and Steele's scan (1986) takes
⌈log₂ n⌉ steps of whole-tensor ops instead; step k, with s = 2ᵏ, is

    yⱼ ← y₍ⱼ₋ₛ₎ ∘ yⱼ   for j ≥ s,        yⱼ unchanged for j < s.

Why it works: before step k, yⱼ is the combination of the (up to) 2ᵏ entries
ending at xⱼ, and y₍ⱼ₋ₛ₎ that of the 2ᵏ entries just before them, so afterwards
yⱼ covers 2ᵏ⁺¹ entries; once 2ᵏ ≥ n every yⱼ reaches back to x₀. Only
associativity is used ((a ∘ b) ∘ c = a ∘ (b ∘ c)), and the earlier block
always stays on the left. For n = 8 under +, writing xᵢ..ⱼ for xᵢ + … + xⱼ:

    start     x0     x1     x2     x3     x4     x5     x6     x7
    s = 1     x0   x0..1  x1..2  x2..3  x3..4  x4..5  x5..6  x6..7
    s = 2     x0   x0..1  x0..2  x0..3  x1..4  x2..5  x3..6  x4..7
    s = 4     x0   x0..1  x0..2  x0..3  x0..4  x0..5  x0..6  x0..7

The entries j < s have no partner s places back. The textbook pads there
with the identity e of ∘ (0 for +, 1 for ×, -∞ for ⊕), since e ∘ yⱼ = yⱼ;
here they are simply kept, which gives the same values and keeps a -∞ out of
the forward values (``detect_anomaly`` would stop at it). The scan does about
n log₂ n combinations where the loop does n - 1 (Blelloch's scan does O(n)
work in 2 log₂ n steps); on numpy, a few whole-array steps beat n small ones.

**Gradients.** The result is a circuit of ∘ nodes, and backward applies each
node's rule. For ``cumprod`` that is the product rule, through the tree of
multiplications: ∂yⱼ/∂xᵢ = Π₍ₖ ≤ ⱼ, ₖ ≠ ᵢ₎ xₖ, the product of the *other*
factors, which no node divides to get. The shortcut ∂yⱼ/∂xᵢ = yⱼ / xᵢ is
0 / 0 at a zero; this circuit is exact there, and so is its own gradient. For
``cumsum`` backward sends each gⱼ down the same circuit the other way, which
adds up Σ₍ⱼ ≥ ᵢ₎ gⱼ: a scan from the end.

**prod** is a reduction, made the same way: multiply the first half of the
dim by the second half, entry by entry, until one entry is left (an odd count
gets a factor of 1 first, the identity, which changes no product). That is
⌈log₂ n⌉ multiplications deep, with the exact gradient Π₍ₖ ≠ ᵢ₎ xₖ.

**cummax** and **cummin** find the index of each running extreme in numpy
(indices need no gradient) and gather the values at those indices, so the
gradient goes to the element each index picks, as in PyTorch. A scan under
``maximum`` would give the same values but split the gradient among ties.

**diff** is n rounds of x[1:] - x[:-1] along the dim.

Example:
    >>> import tinygrad_mlp as tm
    >>> x = tm.tensor([2.0, 0.0, 3.0], requires_grad=True)
    >>> y = x.cumprod(0)
    >>> y
    tensor([2., 0., 0.], grad_fn=<cat>)
    >>> y.sum().backward()  # d/dx0 (x0 + x0x1 + x0x1x2) = 1 + x1 + x1x2, and so on
    >>> x.grad
    tensor([1., 8., 0.])
"""

# A method here declares ``self: Tensor``, as in methods.py (see the note there).
# mypy: disable-error-code="misc"

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from numpy.typing import DTypeLike

# tensor.py imports this module; what it defines is looked up when a method runs.
import tinygrad_mlp.tensor as _tensor
from tinygrad_mlp import autograd, checks

if TYPE_CHECKING:
    from tinygrad_mlp.tensor import Tensor


class CumMaxMin(NamedTuple):
    """What ``cummax(dim)`` and ``cummin(dim)`` give, as PyTorch's ``torch.return_types.cummax``."""

    values: Tensor
    indices: Tensor


# -- the building blocks: slices, the scan, the halving product and ⊕ ------------------


def _part(x: Tensor, axis: int, start: int, stop: int | None) -> Tensor:
    """``x[start:stop]`` along ``axis`` (a view, whose gradient is scattered back)."""
    return x[(slice(None),) * axis + (slice(start, stop),)]


def _scan(x: Tensor, axis: int, combine: Callable[[Tensor, Tensor], Tensor]) -> Tensor:
    """The inclusive scan yⱼ = x₀ ∘ … ∘ xⱼ along ``axis``, in ⌈log₂ n⌉ steps (Hillis–Steele).

    ``combine(earlier, later)`` is ∘; it must be associative.
    """
    n, shift = x.shape[axis], 1
    while shift < n:
        kept = _part(x, axis, 0, shift)  # nothing lies ``shift`` places before these
        combined = combine(_part(x, axis, 0, n - shift), _part(x, axis, shift, n))
        x = _tensor.cat([kept, combined], axis)
        shift *= 2
    return x


def _product(x: Tensor, axis: int) -> Tensor:
    """Π x along ``axis``, keeping it with size 1: the halves multiplied until one entry is left."""
    n = x.shape[axis]
    while n != 1:
        if n % 2 or n == 0:  # an odd count (or none) gets a factor of 1, which changes no product
            ones = np.ones((*x.shape[:axis], 1, *x.shape[axis + 1:]), dtype=x.dtype)
            x, n = _tensor.cat([x, _tensor.Tensor(ones)], axis), n + 1
        else:
            x, n = _part(x, axis, 0, n // 2) * _part(x, axis, n // 2, n), n // 2
    return x


def _log_add_exp(a: Tensor, b: Tensor) -> Tensor:
    """a ⊕ b = ln(eᵃ + eᵇ) = hi + ln(1 + eˡᵒ⁻ʰⁱ), with hi the larger of a and b and lo the other.

    The exponent lo - hi is at most 0, so nothing overflows. hi and lo are
    picked by a constant mask (``where``), and the formula is ln(eᵃ + eᵇ)
    itself on both sides of the choice, so its derivatives of every order are
    exact at a tie too (``maximum`` would split a tie's gradient ½-½: right
    for the first derivative, not the second). Where both are -∞ (or both
    +∞) lo - hi is ∞ - ∞, and the sum is hi.
    """
    a_larger = a.data >= b.data
    hi, lo = _tensor.where(a_larger, a, b), _tensor.where(a_larger, b, a)
    same_infinity = np.isinf(hi.data) & (lo.data == hi.data)
    if same_infinity.any():  # the gap is taken as -∞ there, without computing ∞ - ∞
        gap = _tensor.where(same_infinity, -np.inf, lo - _tensor.where(same_infinity, 0.0, hi))
    else:
        gap = lo - hi
    return hi + gap.exp().log1p()


# -- checks and dtypes ---------------------------------------------------------------------


def _axis(op: str, dim: object, ndim: int) -> int:
    """``dim`` as an axis in [0, ndim); a 0-d tensor takes 0 or -1, as in PyTorch."""
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{op}: dim must be an int, got {type(dim).__name__}")
    axes = checks.axes(op, int(dim), ndim)  # None for a 0-d tensor, after its range check
    return axes[0] if axes else 0


def _accumulating(op: str, x: Tensor, dtype: DTypeLike | None) -> Tensor:
    """``x`` in the dtype ``op`` computes in: ``dtype`` if given, else int64 for ints and bools.

    As in PyTorch: sums and products of small ints (or bools) would overflow
    (or saturate) in their own dtype. An integer result cannot carry the
    gradient that an input requiring grad asks for, so that is refused.
    """
    if dtype is None:
        target = np.dtype(np.int64) if x.dtype.kind in "biu" else x.dtype
    else:
        target = checks.numeric_dtype(op, dtype)
        if target.kind == "b" and op != "prod":
            raise TypeError(f"{op}: dtype bool is not supported (nor in PyTorch); use int64")
    if target.kind != "f" and x.requires_grad and autograd.is_grad_enabled():
        raise RuntimeError(f"{op}: the input requires grad, which a result of dtype {target} "
                           "cannot carry; use a floating dtype, or detach() the input")
    return x.to(target)


def _fresh(out: Tensor, source: Tensor) -> Tensor:
    """``out``, copied if it still shares ``source``'s memory (a scan of one entry is itself).

    PyTorch's results are new tensors: writing into one leaves the input alone.
    """
    return out.clone() if np.may_share_memory(out.data, source.data) else out


def _scanned(op: str, x: Tensor, source: Tensor, dim: int,
             combine: Callable[[Tensor, Tensor], Tensor]) -> Tensor:
    """The scan of ``x`` along ``dim`` (a 0-d tensor as one entry), a new tensor."""
    axis = _axis(op, dim, x.ndim)
    out = _scan(x, axis, combine) if x.ndim else x
    return _fresh(out, source)


def _running_extreme(op: str, x: Tensor, dim: int) -> CumMaxMin:
    """``cummax`` or ``cummin`` (``op``): the gathered values and their int64 indices.

    With r the running extreme (numpy's ``accumulate``), the index at j is the
    last i ≤ j with xᵢ = rᵢ, a record or a tie with one: any later such i
    has rᵢ = rⱼ. So ties go to the latest, and a NaN (which the running
    extreme keeps from then on) to the latest NaN, as PyTorch's do.
    """
    axis = _axis(op, dim, x.ndim)
    if not x.ndim:
        return CumMaxMin(x.clone(), _tensor.Tensor(np.zeros((), np.int64)))
    data = x.data
    running = (np.maximum if op == "cummax" else np.minimum).accumulate(data, axis=axis)
    record = (data == running) | ((data != data) & (running != running))  # NaN meets NaN
    positions = np.arange(x.shape[axis]).reshape([-1 if d == axis else 1 for d in range(x.ndim)])
    indices = np.maximum.accumulate(np.where(record, positions, -1), axis=axis).astype(np.int64)
    return CumMaxMin(x.gather(axis, indices), _tensor.Tensor(indices))


def _edge(name: str, given: object, x: Tensor, axis: int) -> Tensor:
    """``prepend`` or ``append`` (``name``) of ``diff``, checked against the input."""
    edge = checks.tensor("diff", name, given)
    if edge.ndim != x.ndim or edge.shape[:axis] + edge.shape[axis + 1:] != \
            x.shape[:axis] + x.shape[axis + 1:]:
        raise ValueError(f"diff: {name} of shape {edge.shape} must match the input's shape "
                         f"{x.shape} in every dim but dim {axis}")
    return edge


class ScanMethods:
    """Methods ``Tensor`` inherits (through ``TensorMethods``)."""

    __slots__ = ()

    def cumsum(self: Tensor, dim: int, *, dtype: DTypeLike | None = None) -> Tensor:
        """yⱼ = x₀ + … + xⱼ along ``dim``: ∂L/∂xᵢ = Σ₍ⱼ ≥ ᵢ₎ gⱼ, a cumsum from the end.

        Ints and bools are summed as int64 (or ``dtype``, which the input is
        converted to first), as in PyTorch.
        """
        return _scanned("cumsum", _accumulating("cumsum", self, dtype), self, dim, operator.add)

    def cumprod(self: Tensor, dim: int, *, dtype: DTypeLike | None = None) -> Tensor:
        """yⱼ = x₀ · … · xⱼ along ``dim``: ∂L/∂xᵢ = Σ₍ⱼ ≥ ᵢ₎ gⱼ Π₍ₖ ≤ ⱼ, ₖ ≠ ᵢ₎ xₖ.

        The gradient is the product of the other factors, exact where an
        input is 0 (see the module's notes). Dtypes as ``cumsum``.
        """
        return _scanned("cumprod", _accumulating("cumprod", self, dtype), self, dim,
                        operator.mul)

    def logcumsumexp(self: Tensor, dim: int) -> Tensor:
        """yⱼ = ln Σ₍ᵢ ≤ ⱼ₎ eˣⁱ along ``dim``, without overflow: ∂L/∂xᵢ = Σ₍ⱼ ≥ ᵢ₎ gⱼ eˣⁱ⁻ʸʲ.

        Each step adds pairs as hi + ln(1 + eˡᵒ⁻ʰⁱ), hi the larger of the
        two; floating point tensors only, as in PyTorch.
        """
        checks.floating("logcumsumexp", self)
        return _scanned("logcumsumexp", self, self, dim, _log_add_exp)

    def cummax(self: Tensor, dim: int) -> CumMaxMin:
        """``(values, indices)``: the largest entry so far along ``dim``, and where it is.

        Among equal entries the index is the last one, and a NaN is the
        largest, as in PyTorch. The gradient of ``values`` goes to the
        element each index picks: ∂L/∂xᵢ = Σ₍ⱼ: indexⱼ = ᵢ₎ gⱼ.

        Example:
            >>> import tinygrad_mlp as tm
            >>> tm.tensor([1.0, 3.0, 3.0, 2.0]).cummax(0)
            CumMaxMin(values=tensor([1., 3., 3., 3.]), indices=tensor([0, 1, 2, 2]))
        """
        return _running_extreme("cummax", self, dim)

    def cummin(self: Tensor, dim: int) -> CumMaxMin:
        """``(values, indices)``: the smallest entry so far along ``dim``; see ``cummax``."""
        return _running_extreme("cummin", self, dim)

    def prod(self: Tensor, dim: int | None = None, keepdim: bool = False, *,
             dtype: DTypeLike | None = None) -> Tensor:
        """Π x over ``dim`` (all elements when None): ∂y/∂xᵢ = Π₍ₖ ≠ ᵢ₎ xₖ, exact at zeros.

        Dtypes as ``cumsum`` (``dtype=bool`` too: the product is then "all").
        The product of no entries is 1. ``keepdim`` needs a ``dim``, as in PyTorch.
        """
        if not isinstance(keepdim, (bool, np.bool_)):
            raise TypeError(f"prod: keepdim must be a bool, got {type(keepdim).__name__}")
        if dim is None and keepdim:
            raise TypeError("prod: keepdim needs a dim (PyTorch refuses it too)")
        x = _accumulating("prod", self, dtype)
        if dim is None:
            return _fresh(_product(x.reshape(-1), 0).reshape(()), self)
        axis = _axis("prod", dim, x.ndim)
        if not x.ndim:
            return _fresh(x, self)
        out = _product(x, axis)
        return _fresh(out if keepdim else out.squeeze(axis), self)

    def diff(self: Tensor, n: int = 1, dim: int = -1, prepend: Tensor | None = None,
             append: Tensor | None = None) -> Tensor:
        """The n-th forward difference along ``dim``: yᵢ = xᵢ₊₁ - xᵢ, n times.

        ``prepend`` and ``append`` are joined to the ends first (tensors of
        the input's dims, sizes differing only along ``dim``). The gradient
        of one round is ∂L/∂xᵢ = gᵢ₋₁ - gᵢ (a g beyond either end is 0). A
        bool tensor gives where neighbours differ, as in PyTorch; ``n=0``
        gives a copy of the input alone, without ``prepend`` or ``append``,
        as PyTorch's does.
        """
        if not self.ndim:
            raise ValueError("diff: needs a tensor with at least one dim, got a 0-d tensor")
        rounds = checks.check_int("diff", "n", n, 0)
        axis = _axis("diff", dim, self.ndim)
        parts = [self]
        if prepend is not None:
            parts.insert(0, _edge("prepend", prepend, self, axis))
        if append is not None:
            parts.append(_edge("append", append, self, axis))
        x = _tensor.cat(parts, axis) if rounds and len(parts) > 1 else self
        for _ in range(rounds):
            later, earlier = _part(x, axis, 1, None), _part(x, axis, 0, -1)
            x = _tensor.Tensor(later.data != earlier.data) if x.dtype.kind == "b" \
                else later - earlier
        return _fresh(x, self)


# -- PyTorch's function forms: ``tm.cumsum(x, 0)`` is ``x.cumsum(0)`` --------------------


def _input(where: str, input: object) -> Tensor:
    """A function form's Tensor argument (``checks.function_input``, looked up when called)."""
    return checks.function_input(where, input)


def cumsum(input: Tensor, dim: int, *, dtype: DTypeLike | None = None) -> Tensor:
    """The cumulative sum along ``dim``, as ``torch.cumsum``; see ``Tensor.cumsum``."""
    return _input("cumsum", input).cumsum(dim, dtype=dtype)


def cumprod(input: Tensor, dim: int, *, dtype: DTypeLike | None = None) -> Tensor:
    """The cumulative product along ``dim``, as ``torch.cumprod``; see ``Tensor.cumprod``."""
    return _input("cumprod", input).cumprod(dim, dtype=dtype)


def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """ln of the cumulative sum of eˣ along ``dim``, as ``torch.logcumsumexp``."""
    return _input("logcumsumexp", input).logcumsumexp(dim)


def cummax(input: Tensor, dim: int) -> CumMaxMin:
    """The running maximum along ``dim`` and its indices, as ``torch.cummax``."""
    return _input("cummax", input).cummax(dim)


def cummin(input: Tensor, dim: int) -> CumMaxMin:
    """The running minimum along ``dim`` and its indices, as ``torch.cummin``."""
    return _input("cummin", input).cummin(dim)


def prod(input: Tensor, dim: int | None = None, keepdim: bool = False, *,
         dtype: DTypeLike | None = None) -> Tensor:
    """The product over ``dim`` (all elements when None), as ``torch.prod``."""
    return _input("prod", input).prod(dim, keepdim, dtype=dtype)


def diff(input: Tensor, n: int = 1, dim: int = -1, prepend: Tensor | None = None,
         append: Tensor | None = None) -> Tensor:
    """The n-th forward difference along ``dim``, as ``torch.diff``; see ``Tensor.diff``."""
    return _input("diff", input).diff(n, dim, prepend, append)
