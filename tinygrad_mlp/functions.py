"""PyTorch's function forms of Tensor methods: ``tm.exp(x)`` is ``x.exp()``, as ``torch.exp(x)``.

Code written against PyTorch calls many operations as functions of the
``torch`` module. Each function here checks that its input is a Tensor (an
ndarray would give a result without a graph) and calls the method or the
operator (``pow`` is ``**``, ``mm`` is ``@``), so the gradient rules live in
one place, the ops. ``tm.cat``, ``tm.stack``, ``tm.where``, ``tm.maximum``
and ``tm.minimum``, which take several tensors, are in ``tensor.py``.

The questions about tensors, ``is_tensor``, ``numel``, ``equal``,
``allclose`` and ``isclose``, are not differentiable: the first four give
Python values, and ``isclose`` gives a numpy boolean array, as comparisons
(``x > 0``) do in this library, where PyTorch gives a bool tensor.

Example:
    >>> import tinygrad_mlp as tm
    >>> x = tm.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> tm.sum(tm.exp(x), dim=1).shape
    (2,)
    >>> tm.argmax(tm.softmax(x, dim=1), dim=1)
    tensor([1, 1])
    >>> tm.allclose(tm.mm(x, tm.eye(2)), x)
    True
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, TypeGuard

import numpy as np

from tinygrad_mlp import checks
from tinygrad_mlp.dtypes import get_default_dtype
from tinygrad_mlp.tensor import Tensor, TensorLike

Dim = int | Sequence[int] | None


_input = checks.function_input  # a function form's Tensor argument


def _dim(dim: Dim) -> Dim:
    """PyTorch's reduction dims: an empty tuple or list means every dim, as None does."""
    return None if isinstance(dim, (tuple, list)) and not dim else dim


def exp(input: Tensor) -> Tensor:
    """eˣ, elementwise."""
    return _input("exp", input).exp()


def log(input: Tensor) -> Tensor:
    """The natural logarithm, elementwise."""
    return _input("log", input).log()


def sqrt(input: Tensor) -> Tensor:
    """√x, elementwise."""
    return _input("sqrt", input).sqrt()


def log1p(input: Tensor) -> Tensor:
    """ln(1 + x), elementwise, exact for tiny x."""
    return _input("log1p", input).log1p()


def expm1(input: Tensor) -> Tensor:
    """eˣ - 1, elementwise, exact for tiny x."""
    return _input("expm1", input).expm1()


def sin(input: Tensor) -> Tensor:
    """sin x, elementwise (radians)."""
    return _input("sin", input).sin()


def cos(input: Tensor) -> Tensor:
    """cos x, elementwise (radians)."""
    return _input("cos", input).cos()


def tan(input: Tensor) -> Tensor:
    """tan x, elementwise (radians)."""
    return _input("tan", input).tan()


def asin(input: Tensor) -> Tensor:
    """The arcsine, elementwise, in [-π/2, π/2] (NaN outside [-1, 1]); ``tm.arcsin`` too."""
    return _input("asin", input).asin()


def acos(input: Tensor) -> Tensor:
    """The arccosine, elementwise, in [0, π] (NaN outside [-1, 1]); ``tm.arccos`` too."""
    return _input("acos", input).acos()


def atan(input: Tensor) -> Tensor:
    """The arctangent, elementwise, in (-π/2, π/2); ``tm.arctan`` too."""
    return _input("atan", input).atan()


def atan2(input: Tensor, other: TensorLike) -> Tensor:
    """The angle of the point (other, input), elementwise, in [-π, π]; ``tm.arctan2`` too."""
    return _input("atan2", input).atan2(other)


def sinh(input: Tensor) -> Tensor:
    """sinh x, elementwise."""
    return _input("sinh", input).sinh()


def cosh(input: Tensor) -> Tensor:
    """cosh x, elementwise."""
    return _input("cosh", input).cosh()


def asinh(input: Tensor) -> Tensor:
    """The inverse of sinh, elementwise; ``tm.arcsinh`` too."""
    return _input("asinh", input).asinh()


def acosh(input: Tensor) -> Tensor:
    """The inverse of cosh, elementwise (NaN below 1); ``tm.arccosh`` too."""
    return _input("acosh", input).acosh()


def atanh(input: Tensor) -> Tensor:
    """The inverse of tanh, elementwise (±inf at ±1, NaN beyond); ``tm.arctanh`` too."""
    return _input("atanh", input).atanh()


arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2
arcsinh, arccosh, arctanh = asinh, acosh, atanh


def floor(input: Tensor) -> Tensor:
    """The largest whole number <= x, elementwise (gradient 0, as in PyTorch)."""
    return _input("floor", input).floor()


def ceil(input: Tensor) -> Tensor:
    """The smallest whole number >= x, elementwise (gradient 0, as in PyTorch)."""
    return _input("ceil", input).ceil()


def round(input: Tensor, *, decimals: int = 0) -> Tensor:
    """x rounded to ``decimals`` places, halves to even (gradient 0, as in PyTorch)."""
    return _input("round", input).round(decimals)


def trunc(input: Tensor) -> Tensor:
    """x rounded toward 0, elementwise (gradient 0, as in PyTorch); ``tm.fix`` too."""
    return _input("trunc", input).trunc()


def sign(input: Tensor) -> Tensor:
    """-1, 0 or 1 as x is below, at or above 0 (0 at NaN; gradient 0); ``tm.sgn`` too."""
    return _input("sign", input).sign()


fix, sgn = trunc, sign


def frac(input: Tensor) -> Tensor:
    """x - trunc(x), elementwise: the fraction, with x's sign (gradient 1)."""
    return _input("frac", input).frac()


def abs(input: Tensor) -> Tensor:
    """|x|, elementwise (gradient 0 at 0, as in PyTorch)."""
    return _input("abs", input).abs()


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + e⁻ˣ), elementwise."""
    return _input("sigmoid", input).sigmoid()


def tanh(input: Tensor) -> Tensor:
    """tanh x, elementwise."""
    return _input("tanh", input).tanh()


def relu(input: Tensor) -> Tensor:
    """max(x, 0), elementwise."""
    return _input("relu", input).relu()


def clamp(input: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
    """x limited to [min, max] (either bound may be left out)."""
    return _input("clamp", input).clamp(min, max)


def clip(input: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
    """Another name for ``clamp``, as ``torch.clip`` is."""
    return _input("clip", input).clamp(min, max)


def pow(input: Tensor | float, exponent: TensorLike) -> Tensor:
    """``input ** exponent``, elementwise: d/dx xⁿ = n xⁿ⁻¹, d/dn xⁿ = xⁿ ln x.

    As in PyTorch, either may be the Tensor: ``tm.pow(x, 2)``,
    ``tm.pow(x, y)`` and ``tm.pow(2.0, y)`` (a number raised to each element).
    """
    if isinstance(exponent, Tensor) and isinstance(input, (int, float, np.integer, np.floating)) \
            and not isinstance(input, bool):
        return input ** exponent
    return _input("pow", input) ** exponent


def square(input: Tensor) -> Tensor:
    """x², elementwise (x · x, whose gradient is 2x)."""
    x = _input("square", input)
    return x * x


def neg(input: Tensor) -> Tensor:
    """-x, elementwise."""
    return -_input("neg", input)


def softmax(input: Tensor, dim: int) -> Tensor:
    """eˣ / Σ eˣ along ``dim`` (required, as in PyTorch)."""
    return _input("softmax", input).softmax(dim=dim)


def log_softmax(input: Tensor, dim: int) -> Tensor:
    """log softmax along ``dim``, computed stably."""
    return _input("log_softmax", input).log_softmax(dim=dim)


def logsumexp(input: Tensor, dim: Dim, keepdim: bool = False) -> Tensor:
    """log Σ eˣ over ``dim`` (one or more dims, as PyTorch requires), computed stably."""
    if _dim(dim) is None:
        raise ValueError(f"logsumexp: dim must name one or more dims, got {dim!r}")
    return _input("logsumexp", input).logsumexp(dim, keepdim)


def matmul(input: Tensor, other: TensorLike) -> Tensor:
    """The matrix product ``input @ other``, with numpy's (and PyTorch's) broadcasting."""
    return _input("matmul", input) @ other


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """The product of two matrices, ``input @ mat2``, without broadcasting (as ``torch.mm``).

    dL/d input = g @ mat2ᵀ, dL/d mat2 = inputᵀ @ g.

    Raises:
        TypeError: if either is not a Tensor.
        ValueError: unless both are 2-D and the columns of ``input`` match
            the rows of ``mat2``; use ``tm.matmul`` for vectors and batches.
    """
    a, b = _input("mm", input), checks.tensor("mm", "mat2", mat2)
    if a.ndim != 2 or b.ndim != 2:
        raise ValueError(f"mm: input and mat2 must be 2-D, got shapes {a.shape} and {b.shape}; "
                         "use tm.matmul for vectors and batches")
    if a.shape[1] != b.shape[0]:
        raise ValueError(f"mm: input of shape {a.shape} and mat2 of shape {b.shape} cannot be "
                         f"multiplied: {a.shape[1]} columns against {b.shape[0]} rows")
    return a @ b


def sum(input: Tensor, dim: Dim = None, keepdim: bool = False) -> Tensor:
    """The sum over ``dim`` (all elements when None or empty)."""
    return _input("sum", input).sum(_dim(dim), keepdim)


def mean(input: Tensor, dim: Dim = None, keepdim: bool = False) -> Tensor:
    """The mean over ``dim`` (all elements when None or empty)."""
    return _input("mean", input).mean(_dim(dim), keepdim)


def amax(input: Tensor, dim: Dim = (), keepdim: bool = False) -> Tensor:
    """The largest value over ``dim`` (all of them by default), as ``torch.amax``."""
    return _input("amax", input).amax(dim, keepdim)


def amin(input: Tensor, dim: Dim = (), keepdim: bool = False) -> Tensor:
    """The smallest value over ``dim`` (all of them by default), as ``torch.amin``."""
    return _input("amin", input).amin(dim, keepdim)


def max(input: Tensor, dim: int | Tensor | None = None, keepdim: bool = False) -> Any:
    """``torch.max``: the largest element, ``(values, indices)`` along ``dim``, or ``maximum``.

    ``tm.max(x)`` is a 0-d tensor, ``tm.max(x, 1)`` the pair of the largest
    values along dim 1 and their indices (``_, predicted = tm.max(logits, 1)``),
    ``tm.max(x, y)`` the elementwise larger of two tensors.
    """
    x = _input("max", input)
    if dim is None or isinstance(dim, Tensor):
        return x.max() if dim is None else x.max(dim)
    return x.max(dim, keepdim)


def min(input: Tensor, dim: int | Tensor | None = None, keepdim: bool = False) -> Any:
    """``torch.min``: the smallest element, ``(values, indices)`` along ``dim``, or ``minimum``."""
    x = _input("min", input)
    if dim is None or isinstance(dim, Tensor):
        return x.min() if dim is None else x.min(dim)
    return x.min(dim, keepdim)


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The index of the largest value along ``dim`` (of the flattened tensor when None)."""
    return _input("argmax", input).argmax(dim, keepdim)


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The index of the smallest value along ``dim`` (of the flattened tensor when None)."""
    return _input("argmin", input).argmin(dim, keepdim)


def reshape(input: Tensor, shape: Sequence[int]) -> Tensor:
    """The same values in ``shape`` (one size may be -1)."""
    return _input("reshape", input).reshape(shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Dims ``start_dim`` to ``end_dim`` merged into one."""
    return _input("flatten", input).flatten(start_dim, end_dim)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """``input`` with dims ``dim0`` and ``dim1`` swapped."""
    return _input("transpose", input).transpose(dim0, dim1)


def squeeze(input: Tensor, dim: int | None = None) -> Tensor:
    """``input`` without its dims of size 1 (only ``dim``, if given)."""
    return _input("squeeze", input).squeeze(dim)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """``input`` with a new dim of size 1 at ``dim``."""
    return _input("unsqueeze", input).unsqueeze(dim)


def is_tensor(obj: object) -> TypeGuard[Tensor]:
    """Whether ``obj`` is a Tensor (a ``Parameter`` is one), as ``torch.is_tensor``."""
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    """The number of elements of ``input`` (1 for a 0-d tensor)."""
    return _input("numel", input).numel()


def equal(input: Tensor, other: Tensor) -> bool:
    """Whether the two have the same shape and the same values (NaN equals nothing).

    No broadcasting, as in ``torch.equal``: a (2,) tensor and a (1, 2) one
    are not equal. Values of different dtypes compare as numbers (1 equals 1.0).
    """
    a, b = _input("equal", input), checks.tensor("equal", "other", other)
    return bool(np.array_equal(a.data, b.data))


def isclose(
    input: Tensor,
    other: Tensor,
    rtol: float = 1e-05,
    atol: float = 1e-08,
    equal_nan: bool = False,
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Where |input - other| <= atol + rtol · |other|, as a numpy boolean array.

    PyTorch's rule, with broadcasting: equal values are close (infinities
    of the same sign too), NaN is close to NaN only with ``equal_nan``, and
    with both tolerances 0 it is exact equality. Ints are compared exactly
    (numpy's ``isclose`` converts them to float64 first, so it finds 2⁶² and
    2⁶² + 1 close). The result is an array, as comparisons give in this
    library; PyTorch gives a bool tensor. Mixed dtypes are compared as numpy
    promotes them, where PyTorch refuses them.

    Raises:
        TypeError: if either is not a Tensor, or a tolerance is not a number.
        ValueError: for a negative tolerance, or shapes that do not broadcast.
    """
    return _closeness("isclose", input, other, rtol, atol, equal_nan)


def allclose(
    input: Tensor,
    other: Tensor,
    rtol: float = 1e-05,
    atol: float = 1e-08,
    equal_nan: bool = False,
) -> bool:
    """Whether every element is close, by the rule of ``isclose``; True for empty tensors."""
    return bool(_closeness("allclose", input, other, rtol, atol, equal_nan).all())


def _closeness(
    where: str, input: Tensor, other: Tensor, rtol: float, atol: float, equal_nan: bool
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """``isclose``, with errors that name ``where``."""
    a, b = _input(where, input), checks.tensor(where, "other", other)
    for name, tolerance in (("rtol", rtol), ("atol", atol)):
        if not checks.real(where, name, tolerance) >= 0:
            raise ValueError(f"{where}: {name} must be >= 0, got {tolerance}")
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"{where}: input of shape {a.shape} and other of shape {b.shape} "
                         "cannot be broadcast together") from None
    x, y = (t.data.astype(get_default_dtype()) if t.dtype.kind == "b" else t.data for t in (a, b))
    close: np.ndarray[Any, np.dtype[np.bool_]] = np.asarray(x == y)
    if equal_nan:
        close |= np.isnan(x) & np.isnan(y)
    if rtol == 0 and atol == 0:
        return close
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf where equal; int overflow
        difference = np.maximum(x, y) - np.minimum(x, y)  # >= 0, so unsigned ints do not wrap
        if difference.dtype.kind == "i":  # a signed difference past the dtype's max wrapped
            difference = difference.astype(f"u{difference.dtype.itemsize}")  # to its true value
        close |= np.isfinite(difference) & (difference <= atol + np.abs(rtol * y))
    return close


# -- function forms of the methods in methods.py and reductions.py: names numpy and PyTorch
# share, elementwise math, reductions that skip nan, medians and quantiles, rearranging and
# selecting. As comparisons do here, greater ... not_equal, signbit and isin give numpy
# boolean arrays. ---


def _operands(where: str, input: Tensor | float, other: TensorLike) -> Tensor:
    """``input``, a Tensor, or a number as a constant like ``other`` (PyTorch's Scalar first)."""
    if isinstance(other, Tensor) and isinstance(input, (int, float, np.integer, np.floating)) \
            and not isinstance(input, bool):
        return other._operand(input)
    return _input(where, input)


def absolute(input: Tensor) -> Tensor:
    """|x|, elementwise: ``abs`` under numpy's name."""
    return _input("absolute", input).abs()


def negative(input: Tensor) -> Tensor:
    """-x, elementwise: ``neg`` under numpy's name."""
    return -_input("negative", input)


def subtract(input: Tensor, other: TensorLike, *, alpha: float = 1) -> Tensor:
    """input - alpha · other, elementwise (``torch.sub`` under numpy's name)."""
    return _input("subtract", input).subtract(other, alpha=alpha)


def multiply(input: Tensor, other: TensorLike) -> Tensor:
    """input · other, elementwise (``torch.mul`` under numpy's name)."""
    return _input("multiply", input) * other


def divide(input: Tensor, other: TensorLike, *, rounding_mode: str | None = None) -> Tensor:
    """input / other, elementwise; ``"trunc"`` or ``"floor"`` round it (gradient 0)."""
    return _input("divide", input).divide(other, rounding_mode=rounding_mode)


def true_divide(dividend: Tensor, divisor: TensorLike) -> Tensor:
    """dividend / divisor, elementwise, without rounding."""
    return _input("true_divide", dividend) / divisor


def floor_divide(input: Tensor, other: TensorLike) -> Tensor:
    """⌊input / other⌋, elementwise, whose gradient is 0."""
    return _input("floor_divide", input).floor_divide(other)


def remainder(input: Tensor | float, other: TensorLike) -> Tensor:
    """input - ⌊input / other⌋ · other, with the sign of ``other``; ``input`` may be a number."""
    return _operands("remainder", input, other).remainder(other)


def fmod(input: Tensor, other: TensorLike) -> Tensor:
    """input - trunc(input / other) · other, with the sign of ``input``."""
    return _input("fmod", input).fmod(other)


def greater(input: Tensor, other: TensorLike) -> Any:
    """input > other, elementwise (a numpy boolean array, as comparisons give here)."""
    return _input("greater", input).greater(other)


def greater_equal(input: Tensor, other: TensorLike) -> Any:
    """input >= other, elementwise (a numpy boolean array)."""
    return _input("greater_equal", input).greater_equal(other)


def less(input: Tensor, other: TensorLike) -> Any:
    """input < other, elementwise (a numpy boolean array)."""
    return _input("less", input).less(other)


def less_equal(input: Tensor, other: TensorLike) -> Any:
    """input <= other, elementwise (a numpy boolean array)."""
    return _input("less_equal", input).less_equal(other)


def not_equal(input: Tensor, other: TensorLike) -> Any:
    """input != other, elementwise (a numpy boolean array)."""
    return _input("not_equal", input).not_equal(other)


def clamp_min(input: Tensor, min: float) -> Tensor:
    """max(x, min), elementwise, for a number ``min``."""
    return _input("clamp_min", input).clamp_min(min)


def clamp_max(input: Tensor, max: float) -> Tensor:
    """min(x, max), elementwise, for a number ``max``."""
    return _input("clamp_max", input).clamp_max(max)


def rsqrt(input: Tensor) -> Tensor:
    """1 / √x, elementwise."""
    return _input("rsqrt", input).rsqrt()


def exp2(input: Tensor) -> Tensor:
    """2ˣ, elementwise."""
    return _input("exp2", input).exp2()


def log2(input: Tensor) -> Tensor:
    """log₂ x, elementwise."""
    return _input("log2", input).log2()


def log10(input: Tensor) -> Tensor:
    """log₁₀ x, elementwise."""
    return _input("log10", input).log10()


def logaddexp(input: Tensor, other: TensorLike) -> Tensor:
    """ln(eˣ + eʸ), elementwise, without overflow."""
    return _input("logaddexp", input).logaddexp(other)


def logaddexp2(input: Tensor, other: TensorLike) -> Tensor:
    """log₂(2ˣ + 2ʸ), elementwise, without overflow."""
    return _input("logaddexp2", input).logaddexp2(other)


def xlogy(input: Tensor | float, other: TensorLike) -> Tensor:
    """x · ln y, elementwise, 0 where x is 0; ``input`` may be a number, as in PyTorch."""
    return _operands("xlogy", input, other).xlogy(other)


def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """ln(x / (1 - x)), elementwise, x clamped to [eps, 1 - eps] if ``eps`` is given."""
    return _input("logit", input).logit(eps)


def lerp(input: Tensor, end: Tensor, weight: float | Tensor) -> Tensor:
    """input + weight · (end - input), elementwise."""
    return _input("lerp", input).lerp(end, weight)


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: float = 1) -> Tensor:
    """input + value · tensor1 · tensor2, elementwise."""
    return _input("addcmul", input).addcmul(tensor1, tensor2, value=value)


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: float = 1) -> Tensor:
    """input + value · tensor1 / tensor2, elementwise."""
    return _input("addcdiv", input).addcdiv(tensor1, tensor2, value=value)


def nan_to_num(input: Tensor, nan: float | None = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """x with nan, +inf and -inf replaced (gradient 1 where x is finite, else 0)."""
    return _input("nan_to_num", input).nan_to_num(nan, posinf, neginf)


def heaviside(input: Tensor, values: Tensor) -> Tensor:
    """The step: 0 below 0, ``values`` at 0, 1 above (no gradient)."""
    return _input("heaviside", input).heaviside(values)


def signbit(input: Tensor) -> Any:
    """Where the sign bit is set (a numpy boolean array)."""
    return _input("signbit", input).signbit()


def nansum(input: Tensor, dim: Dim = None, keepdim: bool = False) -> Tensor:
    """The sum over ``dim`` (all elements when None or empty), nan counted as 0."""
    return _input("nansum", input).nansum(_dim(dim), keepdim)


def nanmean(input: Tensor, dim: Dim = None, keepdim: bool = False) -> Tensor:
    """The mean over ``dim`` of the elements that are not nan."""
    return _input("nanmean", input).nanmean(_dim(dim), keepdim)


def median(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """The lower median of all elements, or ``(values, indices)`` along ``dim``, as PyTorch's."""
    return _input("median", input).median(dim, keepdim)


def nanmedian(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """``median`` of the elements that are not nan."""
    return _input("nanmedian", input).nanmedian(dim, keepdim)


def quantile(input: Tensor, q: float | TensorLike, dim: int | None = None,
             keepdim: bool = False, *, interpolation: str = "linear") -> Tensor:
    """The q-th quantiles over ``dim`` (all elements by default), as PyTorch's."""
    return _input("quantile", input).quantile(q, dim, keepdim, interpolation=interpolation)


def nanquantile(input: Tensor, q: float | TensorLike, dim: int | None = None,
                keepdim: bool = False, *, interpolation: str = "linear") -> Tensor:
    """``quantile`` of the elements that are not nan."""
    return _input("nanquantile", input).nanquantile(q, dim, keepdim,
                                                    interpolation=interpolation)


def aminmax(input: Tensor, *, dim: int | None = None,
            keepdim: bool = False) -> tuple[Tensor, Tensor]:
    """The pair ``(min, max)`` over ``dim`` (all elements by default)."""
    return _input("aminmax", input).aminmax(dim=dim, keepdim=keepdim)


def count_nonzero(input: Tensor, dim: Dim = None) -> Tensor:
    """The number of nonzero elements over ``dim`` (int64)."""
    return _input("count_nonzero", input).count_nonzero(dim)


def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    """``input`` with two dims swapped (a view)."""
    return _input("swapaxes", input).swapaxes(axis0, axis1)


def swapdims(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """``input`` with two dims swapped (a view)."""
    return _input("swapdims", input).swapdims(dim0, dim1)


def movedim(input: Tensor, source: int | Sequence[int],
            destination: int | Sequence[int]) -> Tensor:
    """``input`` with dims ``source`` moved to the places ``destination`` (a view)."""
    return _input("movedim", input).movedim(source, destination)


def moveaxis(input: Tensor, source: int | Sequence[int],
             destination: int | Sequence[int]) -> Tensor:
    """``movedim`` under numpy's name."""
    return _input("moveaxis", input).moveaxis(source, destination)


def fliplr(input: Tensor) -> Tensor:
    """A copy with dim 1 reversed."""
    return _input("fliplr", input).fliplr()


def flipud(input: Tensor) -> Tensor:
    """A copy with dim 0 reversed."""
    return _input("flipud", input).flipud()


def roll(input: Tensor, shifts: int | Sequence[int],
         dims: int | Sequence[int] | None = None) -> Tensor:
    """A copy with the entries shifted along ``dims``, wrapping around."""
    return _input("roll", input).roll(shifts, dims)


def rot90(input: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
    """A copy turned k quarter turns in the plane of ``dims``."""
    return _input("rot90", input).rot90(k, dims)


def tile(input: Tensor, dims: Sequence[int]) -> Tensor:
    """``input`` repeated ``dims[d]`` times along each dim d (missing sizes are 1)."""
    return _input("tile", input).tile(dims)


def repeat_interleave(input: Tensor, repeats: int | TensorLike | None = None,
                      dim: int | None = None, *, output_size: int | None = None) -> Tensor:
    """Each entry along ``dim`` repeated ``repeats`` times.

    With ``input`` alone, a 1-D int tensor of counts, it gives each index i
    ``input[i]`` times, as ``torch.repeat_interleave(counts)``: int32 for
    int32 counts, else int64, and no ``dim``.
    """
    op = "repeat_interleave"
    x = _input(op, input)
    if repeats is None:
        if dim is not None:
            raise TypeError(f"{op}: with counts alone there is no dim (as in PyTorch); got dim="
                            f"{dim!r}")
        if x.ndim != 1:
            raise ValueError(f"{op}: counts alone must be a 1-D tensor, got shape {x.shape}")
        index = Tensor(np.arange(x.shape[0])).repeat_interleave(x, output_size=output_size)
        return index.to(np.int32 if x.dtype == np.int32 else np.int64)
    return x.repeat_interleave(repeats, dim, output_size=output_size)


def tensor_split(input: Tensor, indices_or_sections: int | Sequence[int] | Tensor | None = None,
                 /, dim: int = 0, *, sections: int | Tensor | None = None,
                 indices: Sequence[int] | None = None,
                 tensor_indices_or_sections: Tensor | None = None) -> tuple[Tensor, ...]:
    """Views of n nearly equal pieces along ``dim``, or of the pieces between indices.

    As PyTorch's, by position or as ``sections=``, ``indices=`` or
    ``tensor_indices_or_sections=``.
    """
    return _input("tensor_split", input).tensor_split(
        indices_or_sections, dim, sections=sections, indices=indices,
        tensor_indices_or_sections=tensor_indices_or_sections)


def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """``input`` with ``dim`` split into dims of ``sizes`` (a view)."""
    return _input("unflatten", input).unflatten(dim, sizes)


def take_along_dim(input: Tensor, indices: TensorLike, dim: int | None = None) -> Tensor:
    """``gather`` along ``dim`` after broadcasting (the flattened input when None)."""
    return _input("take_along_dim", input).take_along_dim(indices, dim)


def masked_select(input: Tensor, mask: TensorLike) -> Tensor:
    """The elements where ``mask`` holds, as a 1-D tensor."""
    return _input("masked_select", input).masked_select(mask)


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Tensor | tuple[Tensor, ...]:
    """The indices of the nonzero elements (int64): rows, or one tensor per dim."""
    x = _input("nonzero", input)
    return x.nonzero(as_tuple=True) if as_tuple else x.nonzero()


def argwhere(input: Tensor) -> Tensor:
    """The indices of the nonzero elements, one row each (int64)."""
    return _input("argwhere", input).argwhere()


def isin(elements: TensorLike, test_elements: TensorLike, *, assume_unique: bool = False,
         invert: bool = False) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Where each of ``elements`` is among ``test_elements`` (a numpy boolean array).

    Either may be a number; at least one must be a Tensor, as in PyTorch.
    """
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError(f"isin: elements or test_elements must be a Tensor, got "
                        f"{type(elements).__name__} and {type(test_elements).__name__}")
    values, tests = (checks.numeric_array("isin", name, t.data if isinstance(t, Tensor) else t)
                     for name, t in (("elements", elements), ("test_elements", test_elements)))
    return np.asarray(np.isin(values, tests, assume_unique=assume_unique, invert=invert))


# -- function forms of logic, bits, broadcast_to, hardshrink, mode, unique, renorm and
# bernoulli. As comparisons do here, the logical functions give numpy boolean arrays; the
# bitwise ones give tensors, as ``&`` does. ---


def logical_and(input: Tensor, other: TensorLike) -> Any:
    """Where both are nonzero (a numpy boolean array)."""
    return _input("logical_and", input).logical_and(other)


def logical_or(input: Tensor, other: TensorLike) -> Any:
    """Where either is nonzero (a numpy boolean array)."""
    return _input("logical_or", input).logical_or(other)


def logical_xor(input: Tensor, other: TensorLike) -> Any:
    """Where exactly one is nonzero (a numpy boolean array)."""
    return _input("logical_xor", input).logical_xor(other)


def logical_not(input: Tensor) -> Any:
    """Where ``input`` is 0 (a numpy boolean array)."""
    return _input("logical_not", input).logical_not()


def bitwise_and(input: Tensor | int, other: TensorLike) -> Tensor:
    """input AND other, bit by bit, of bool or integer tensors (``input & other``)."""
    return _operands("bitwise_and", input, other).bitwise_and(other)


def bitwise_or(input: Tensor | int, other: TensorLike) -> Tensor:
    """input OR other, bit by bit, of bool or integer tensors (``input | other``)."""
    return _operands("bitwise_or", input, other).bitwise_or(other)


def bitwise_xor(input: Tensor | int, other: TensorLike) -> Tensor:
    """input XOR other, bit by bit, of bool or integer tensors (``input ^ other``)."""
    return _operands("bitwise_xor", input, other).bitwise_xor(other)


def bitwise_not(input: Tensor) -> Tensor:
    """NOT input, bit by bit: -input - 1 for integers, the negation for bools (``~input``)."""
    return _input("bitwise_not", input).bitwise_not()


def bitwise_left_shift(input: Tensor | int, other: TensorLike) -> Tensor:
    """input · 2^other in input's bits (``input << other``); 0 for a count outside [0, width)."""
    return _operands("bitwise_left_shift", input, other).bitwise_left_shift(other)


def bitwise_right_shift(input: Tensor | int, other: TensorLike) -> Tensor:
    """⌊input / 2^other⌋ (``input >> other``); the sign bit for a count outside [0, width)."""
    return _operands("bitwise_right_shift", input, other).bitwise_right_shift(other)


def broadcast_to(input: Tensor, size: Sequence[int]) -> Tensor:
    """A view of ``input`` broadcast to ``size`` (-1 keeps a size), as ``expand``."""
    return _input("broadcast_to", input).broadcast_to(size)


def broadcast_tensors(*tensors: Tensor) -> tuple[Tensor, ...]:
    """The tensors broadcast to their common shape: views, in the graph, as ``expand`` gives."""
    parts = checks.tensors("broadcast_tensors", "tensors", tensors)
    shapes = [t.shape for t in parts]
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError(f"broadcast_tensors: shapes {', '.join(map(str, shapes))} cannot be "
                         "broadcast together") from None
    return tuple(t.broadcast_to(shape) for t in parts)


def meshgrid(*tensors: Tensor | Sequence[Tensor],
             indexing: str | None = None) -> tuple[Tensor, ...]:
    """Coordinate grids from 1-D (or 0-d) tensors, as views in the graph.

    With ``indexing="ij"`` output k holds ``tensors[k][iₖ]`` at ``[i₀, i₁, ...]``;
    ``"xy"`` (numpy's default, for plotting) swaps the first two dims. Without
    ``indexing`` it is ``"ij"``, with PyTorch's warning that it should be
    given. The tensors may also come as one list or tuple.
    """
    given = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors
    parts = checks.tensors("meshgrid", "tensors", given)
    if indexing is None:
        warnings.warn("meshgrid: indexing not given, so 'ij', as PyTorch's default; pass "
                      "indexing='ij' or 'xy' (PyTorch will require it)", UserWarning, stacklevel=2)
    elif indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    if not parts:
        raise ValueError("meshgrid: no tensors given")
    for k, t in enumerate(parts):
        if t.ndim > 1:
            raise ValueError(f"meshgrid: tensors[{k}] must be 0-d or 1-d, got shape {t.shape}")
    if len({t.dtype for t in parts}) > 1:
        raise TypeError("meshgrid: the tensors must have one dtype, got "
                        f"{', '.join(str(t.dtype) for t in parts)}")
    axes = list(range(len(parts)))
    if indexing == "xy" and len(parts) > 1:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(parts)
    for axis, t in zip(axes, parts):
        shape[axis] = t.numel()
    grids = []
    for axis, t in zip(axes, parts):
        alone = [1] * len(parts)
        alone[axis] = t.numel()
        grids.append(t.reshape(alone).broadcast_to(shape))
    return tuple(grids)


def angle(input: Tensor) -> Tensor:
    """π where input < 0, else 0 (NaN stays NaN): the argument of a real number."""
    return _input("angle", input).angle()


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > lambd, else 0, elementwise."""
    return _input("hardshrink", input).hardshrink(lambd)


def msort(input: Tensor) -> Tensor:
    """``input`` sorted along dim 0."""
    return _input("msort", input).msort()


def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> Any:
    """``(values, indices)``: the smallest most frequent value along ``dim`` and its last index."""
    return _input("mode", input).mode(dim, keepdim)


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,
           return_counts: bool = False, dim: int | None = None) -> Any:
    """The distinct values (or slices along ``dim``), with the inverse and counts if asked."""
    return _input("unique", input).unique(sorted, return_inverse, return_counts, dim)


def unique_consecutive(input: Tensor, return_inverse: bool = False, return_counts: bool = False,
                       dim: int | None = None) -> Any:
    """``unique`` of each run of equal neighbours."""
    return _input("unique_consecutive", input).unique_consecutive(return_inverse, return_counts,
                                                                   dim)


def renorm(input: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
    """Each slice along ``dim`` whose p-norm exceeds maxnorm scaled down to it."""
    return _input("renorm", input).renorm(p, dim, maxnorm)


def bernoulli(input: Tensor, p: float | None = None, *,
              generator: np.random.Generator | None = None) -> Tensor:
    """1 with probability ``input`` (or ``p``), else 0, elementwise, in ``input``'s dtype."""
    return _input("bernoulli", input).bernoulli(p, generator=generator)


# -- function forms of the rest of PyTorch's: arithmetic under its short names, comparisons,
# tests for nan and infinity, all and any, sorting and top-k, splitting, selecting, rearranging,
# norms and spreads, copies. Comparisons and the tests give numpy boolean arrays here. --------


def add(input: Tensor | float, other: TensorLike, *, alpha: float = 1) -> Tensor:
    """input + alpha · other, elementwise; ``input`` may be a number."""
    return _operands("add", input, other).add(other, alpha=alpha)


def sub(input: Tensor | float, other: TensorLike, *, alpha: float = 1) -> Tensor:
    """input - alpha · other, elementwise; ``input`` may be a number."""
    return _operands("sub", input, other).sub(other, alpha=alpha)


def mul(input: Tensor | float, other: TensorLike) -> Tensor:
    """input · other, elementwise; ``input`` may be a number."""
    return _operands("mul", input, other).mul(other)


def div(input: Tensor | float, other: TensorLike, *, rounding_mode: str | None = None) -> Tensor:
    """input / other, elementwise; ``"trunc"`` or ``"floor"`` round it (gradient 0)."""
    return _operands("div", input, other).div(other, rounding_mode=rounding_mode)


def reciprocal(input: Tensor) -> Tensor:
    """1 / x, elementwise."""
    return _input("reciprocal", input).reciprocal()


def eq(input: Tensor, other: TensorLike) -> Any:
    """input == other, elementwise (a numpy boolean array)."""
    return _input("eq", input).eq(other)


def ne(input: Tensor, other: TensorLike) -> Any:
    """input != other, elementwise (a numpy boolean array)."""
    return _input("ne", input).ne(other)


def gt(input: Tensor, other: TensorLike) -> Any:
    """input > other, elementwise (a numpy boolean array)."""
    return _input("gt", input).gt(other)


def ge(input: Tensor, other: TensorLike) -> Any:
    """input >= other, elementwise (a numpy boolean array)."""
    return _input("ge", input).ge(other)


def lt(input: Tensor, other: TensorLike) -> Any:
    """input < other, elementwise (a numpy boolean array)."""
    return _input("lt", input).lt(other)


def le(input: Tensor, other: TensorLike) -> Any:
    """input <= other, elementwise (a numpy boolean array)."""
    return _input("le", input).le(other)


def isnan(input: Tensor) -> Any:
    """Where ``input`` is nan (a numpy boolean array)."""
    return _input("isnan", input).isnan()


def isinf(input: Tensor) -> Any:
    """Where ``input`` is +∞ or -∞ (a numpy boolean array)."""
    return _input("isinf", input).isinf()


def isfinite(input: Tensor) -> Any:
    """Where ``input`` is neither nan nor infinite (a numpy boolean array)."""
    return _input("isfinite", input).isfinite()


def is_floating_point(input: Tensor) -> bool:
    """Whether ``input``'s dtype is a floating-point one."""
    return _input("is_floating_point", input).is_floating_point()


def all(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """Whether every element (along ``dim``, if given) is nonzero."""
    return _input("all", input).all(dim, keepdim)


def any(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """Whether some element (along ``dim``, if given) is nonzero."""
    return _input("any", input).any(dim, keepdim)


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
    """``(values, indices)``: ``input`` sorted along ``dim``, and where each value came from."""
    return _input("sort", input).sort(dim, descending, stable)


def argsort(input: Tensor, dim: int = -1, descending: bool = False,
            stable: bool = False) -> Tensor:
    """The indices that sort ``input`` along ``dim``."""
    return _input("argsort", input).argsort(dim, descending, stable)


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True,
         sorted: bool = True) -> Any:
    """``(values, indices)``: the ``k`` largest (or smallest) elements along ``dim``."""
    return _input("topk", input).topk(k, dim, largest, sorted)


def split(tensor: Tensor, split_size_or_sections: int | Sequence[int],
          dim: int = 0) -> tuple[Tensor, ...]:
    """``tensor`` in pieces along ``dim``: of one size (the last may be smaller), or these sizes."""
    return _input("split", tensor).split(split_size_or_sections, dim)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """``input`` in at most ``chunks`` equal pieces along ``dim`` (the last may be smaller)."""
    return _input("chunk", input).chunk(chunks, dim)


def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """Each slice of ``input`` along ``dim``, without that dim."""
    return _input("unbind", input).unbind(dim)


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """The ``length`` slices of ``input`` along ``dim`` from ``start`` on."""
    return _input("narrow", input).narrow(dim, start, length)


def gather(input: Tensor, dim: int, index: TensorLike) -> Tensor:
    """``out[i][j] = input[index[i][j]][j]`` for ``dim`` = 0, and so on for the other dims."""
    return _input("gather", input).gather(dim, index)


def index_select(input: Tensor, dim: int, index: TensorLike) -> Tensor:
    """The slices of ``input`` along ``dim`` at the positions in the 1-D ``index``."""
    return _input("index_select", input).index_select(dim, index)


def masked_fill(input: Tensor, mask: TensorLike, value: TensorLike) -> Tensor:
    """``input`` with ``value`` where ``mask`` is true (``mask`` broadcasts to its shape)."""
    return _input("masked_fill", input).masked_fill(mask, value)


def permute(input: Tensor, dims: Sequence[int]) -> Tensor:
    """``input`` with its dims in the order ``dims``."""
    return _input("permute", input).permute(dims)


def t(input: Tensor) -> Tensor:
    """A matrix transposed (a tensor of at most 2 dims, as PyTorch's ``t``)."""
    return _input("t", input).t()


def flip(input: Tensor, dims: int | Sequence[int]) -> Tensor:
    """``input`` with the order of its elements reversed along ``dims``."""
    return _input("flip", input).flip(dims)


def norm(input: Tensor, p: float | str = "fro", dim: int | Sequence[int] | None = None,
         keepdim: bool = False) -> Tensor:
    """The p-norm of all elements, or along ``dim``; ``"fro"`` is the 2-norm of the elements."""
    return _input("norm", input).norm(p, dim, keepdim)


def std(input: Tensor, dim: Dim = None, *, correction: float | None = 1,
        keepdim: bool = False) -> Tensor:
    """The standard deviation over ``dim`` (all elements by default), divided by n - correction."""
    return _input("std", input).std(dim=_dim(dim), keepdim=keepdim, correction=correction)


def var(input: Tensor, dim: Dim = None, *, correction: float | None = 1,
        keepdim: bool = False) -> Tensor:
    """The variance over ``dim`` (all elements by default), divided by n - correction."""
    return _input("var", input).var(dim=_dim(dim), keepdim=keepdim, correction=correction)


def clone(input: Tensor) -> Tensor:
    """A copy of ``input`` in new memory, in the graph: its gradient flows back to ``input``."""
    return _input("clone", input).clone()


def detach(input: Tensor) -> Tensor:
    """``input``'s values, sharing its memory, outside the graph."""
    return _input("detach", input).detach()


# -- spreads with their means, covariance and correlation, the k-th value, and the
# elementwise hypot, copysign and float_power. --------------------------------------------


def _moment_arguments(op: str, input: Tensor, dim: Dim, correction: float | None,
                      keepdim: bool) -> tuple[Tensor, tuple[int, ...] | None, float]:
    """``var_mean``'s and ``std_mean``'s tensor, dims and correction, checked in ``op``'s name."""
    x = _input(op, input)
    checks.flag(op, "keepdim", keepdim)
    return x, checks.floating_axes(op, x, _dim(dim)), checks.correction(op, correction)


def var_mean(input: Tensor, dim: Dim = None, *, correction: float | None = 1,
             keepdim: bool = False) -> tuple[Tensor, Tensor]:
    """The pair ``(var, mean)`` over ``dim`` (all elements by default), as ``torch.var_mean``.

    The variance divides by n - correction, with the arguments of ``var``.
    """
    x, axes, amount = _moment_arguments("var_mean", input, dim, correction, keepdim)
    return x.var(axes, keepdims=keepdim, correction=amount), x.mean(axes, keepdims=keepdim)


def std_mean(input: Tensor, dim: Dim = None, *, correction: float | None = 1,
             keepdim: bool = False) -> tuple[Tensor, Tensor]:
    """The pair ``(std, mean)`` over ``dim`` (all elements by default), as ``torch.std_mean``.

    The standard deviation is ``std``'s: the root of the variance, with
    gradient 0 where the data are constant.
    """
    x, axes, amount = _moment_arguments("std_mean", input, dim, correction, keepdim)
    return x.std(axes, keepdims=keepdim, correction=amount), x.mean(axes, keepdims=keepdim)


def cov(input: Tensor, *, correction: int = 1, fweights: Tensor | None = None,
        aweights: Tensor | None = None) -> Tensor:
    """The covariance matrix of the rows (variables) over the columns (observations)."""
    return _input("cov", input).cov(correction=correction, fweights=fweights, aweights=aweights)


def corrcoef(input: Tensor) -> Tensor:
    """Pearson's correlation matrix of the rows, in [-1, 1]."""
    return _input("corrcoef", input).corrcoef()


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> Any:
    """``(values, indices)``: the k-th smallest entry along ``dim`` (k from 1) and where it is."""
    return _input("kthvalue", input).kthvalue(k, dim, keepdim)


def hypot(input: Tensor, other: TensorLike) -> Tensor:
    """√(x² + y²), elementwise, without overflow."""
    return _input("hypot", input).hypot(other)


def copysign(input: Tensor, other: TensorLike) -> Tensor:
    """|x| with the sign of ``other``, elementwise (floats; ints give the default float dtype)."""
    return _input("copysign", input).copysign(other)


def float_power(input: Tensor | float, exponent: TensorLike) -> Tensor:
    """``input ** exponent`` in float64, always; ``input`` may be a number, as in PyTorch."""
    if isinstance(exponent, Tensor) and isinstance(input, (int, float, np.integer, np.floating)) \
            and not isinstance(input, bool):
        return Tensor(np.asarray(input, np.float64)).float_power(exponent)
    return _input("float_power", input).float_power(exponent)
