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

from collections.abc import Sequence
from typing import Any, TypeGuard

import numpy as np

from tinygrad_mlp import checks
from tinygrad_mlp.dtypes import get_default_dtype
from tinygrad_mlp.tensor import Tensor, TensorLike

Dim = int | Sequence[int] | None


def _input(where: str, input: object) -> Tensor:
    """``input``, after checking it is a Tensor (with a hint for an ndarray)."""
    if not isinstance(input, Tensor):
        hint = f" (for a plain array without a graph, use numpy's np.{where})"
        raise TypeError(f"{checks.not_a_tensor(where, input)}{hint if hasattr(np, where) else ''}")
    return input


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
