"""Python's other operators on a tensor: ``//``, ``%``, the bitwise ones, ``in`` and more.

``x // y`` is ``floor_divide`` (rounded down, as Python's ``//`` and PyTorch
2) and ``x % y`` is ``remainder`` (the sign of y), both in ``methods.py``:
the remainder x - ⌊x / y⌋ · y has ∂/∂x = 1 and ∂/∂y = -⌊x / y⌋, the
quotient a gradient of 0.

``&``, ``|``, ``^``, ``~``, ``<<`` and ``>>`` work on the bits of bool and
integer tensors, as PyTorch's ``bitwise_and`` ... ``bitwise_right_shift``:
masks combine with ``a & b`` and flip with ``~a``. The operands take the
dtype PyTorch's promotion gives them (``tm.result_type``: an ``int8``
tensor and a Python int stay ``int8``, a bool tensor and an int are
``int64``). A shift by a negative count or by the dtype's width or more
gives 0, or, shifting right, the sign bit everywhere (-1 or 0), as in
PyTorch. The results are integers, a step function of their inputs, so
they have no gradient; float tensors, which alone carry gradients, are
refused.

In place (``a &= b``, ``a.bitwise_and_(b)``, ``x //= 2``) the result is
written into the tensor under the rules of ``+=``: it must fit the tensor's
dtype and shape, and the tensor's version goes up.

Example:
    >>> import tinygrad_mlp as tm
    >>> x = tm.tensor([7, -7, 12])
    >>> x // 2, x % 5
    (tensor([ 3, -4,  6]), tensor([2, 3, 2]))
    >>> x & 6, ~x, x << 1
    (tensor([6, 0, 4]), tensor([ -8,   6, -13]), tensor([ 14, -14,  24]))
    >>> mask = tm.tensor([True, False, True])
    >>> mask & ~tm.tensor([True, True, False])
    tensor([False, False,  True])
    >>> 12 in x
    True
"""

# A method here declares ``self: Tensor``, as in methods.py (see the note there).
# mypy: disable-error-code="misc"

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

# tensor.py imports this module (through methods.py); what it defines is looked up when called.
import tinygrad_mlp.tensor as _tensor
from tinygrad_mlp import checks, dtypes

if TYPE_CHECKING:
    from tinygrad_mlp.tensor import Tensor, TensorLike

_SHIFTS = (np.left_shift, np.right_shift)


def _bitwise(op: str, combine: Callable[..., Any], x: Tensor, other: TensorLike,
             reflected: bool = False) -> Tensor:
    """``combine(x, other)`` (``combine(other, x)`` if ``reflected``) on the bits of both.

    Both operands are first cast to the dtype PyTorch's promotion gives them
    (a 0-d int64 tensor beside an int8 one wraps to int8, as in PyTorch).
    numpy's shifts already give PyTorch's value for a count outside [0, the
    dtype's width).
    """
    try:
        operand = x._operand(other)
    except OverflowError:
        raise OverflowError(f"{op}: {other!r} does not fit the tensor's dtype {x.dtype}") from None
    number = isinstance(other, (bool, int, float, np.bool_, np.integer, np.floating))
    dtype = dtypes.result_type(x, other if number else operand)
    shift = combine in _SHIFTS
    if dtype.kind == "f" or (shift and dtype.kind == "b"):
        first, second = (operand, x) if reflected else (x, operand)
        raise TypeError(f"{op}: needs {'integer' if shift else 'bool or integer'} operands, got "
                        f"dtypes {first.dtype} and {second.dtype} (as in PyTorch)")
    a, b = x.data.astype(dtype, copy=False), operand.data.astype(dtype, copy=False)
    try:
        value = combine(b, a) if reflected else combine(a, b)
    except ValueError as error:
        raise checks.named_error(op, (x, operand), error) from None
    return _tensor.Tensor(np.asarray(value))


def _inverted(op: str, x: Tensor) -> Tensor:
    """~x: each bit of an integer tensor flipped (-x - 1), each bool negated."""
    if x.dtype.kind not in "biu":
        raise TypeError(f"{op}: needs a bool or integer tensor, got dtype {x.dtype} (as in "
                        "PyTorch)")
    return _tensor.Tensor(np.asarray(np.invert(x.data)))


def _written(op: str, x: Tensor, result: Tensor) -> Tensor:
    """``x`` set to ``result``, an op of x and another operand, under the rules of ``+=``.

    Refused, with x unchanged, where x's dtype cannot hold the result's
    kind (a float result in an int tensor, an int one in a bool tensor:
    ``tm.can_cast``) or where the other operand broadcast x to a larger shape.
    """
    from tinygrad_mlp.methods import _copy
    if not dtypes.can_cast(result.dtype, x.dtype):
        raise TypeError(f"{op}: the result's dtype {result.dtype} cannot be written into the "
                        f"tensor's dtype {x.dtype} (as in PyTorch)")
    if result.shape != x.shape:
        raise ValueError(f"{op}: the other operand broadcasts the tensor's shape {x.shape} to "
                         f"{result.shape}, which cannot be written into it")
    return x._inplace(op, _copy, result)


class OperatorMethods:
    """Methods ``Tensor`` inherits (through ``TensorMethods``)."""

    __slots__ = ()

    # -- // and %: floor_divide and remainder --------------------------------------------

    def __floordiv__(self: Tensor, other: TensorLike) -> Tensor:
        return self.floor_divide(other)

    def __rfloordiv__(self: Tensor, other: TensorLike) -> Tensor:
        return self._operand(other).floor_divide(self)

    def __ifloordiv__(self: Tensor, other: TensorLike) -> Tensor:
        return _written("ifloordiv", self, self.floor_divide(other))

    def floor_divide_(self: Tensor, other: TensorLike) -> Tensor:
        """self = ⌊self / other⌋, in place."""
        return _written("floor_divide_", self, self.floor_divide(other))

    def __mod__(self: Tensor, other: TensorLike) -> Tensor:
        return self.remainder(other)

    def __rmod__(self: Tensor, other: TensorLike) -> Tensor:
        return self._operand(other).remainder(self)

    def __imod__(self: Tensor, other: TensorLike) -> Tensor:
        return _written("imod", self, self.remainder(other))

    def remainder_(self: Tensor, other: TensorLike) -> Tensor:
        """self = self - ⌊self / other⌋ · other, in place."""
        return _written("remainder_", self, self.remainder(other))

    # -- the bits of bool and integer tensors ----------------------------------------------

    def bitwise_and(self: Tensor, other: TensorLike) -> Tensor:
        """self AND other, bit by bit (for bools: both true)."""
        return _bitwise("bitwise_and", np.bitwise_and, self, other)

    def bitwise_or(self: Tensor, other: TensorLike) -> Tensor:
        """self OR other, bit by bit (for bools: either true)."""
        return _bitwise("bitwise_or", np.bitwise_or, self, other)

    def bitwise_xor(self: Tensor, other: TensorLike) -> Tensor:
        """self XOR other, bit by bit (for bools: exactly one true)."""
        return _bitwise("bitwise_xor", np.bitwise_xor, self, other)

    def bitwise_not(self: Tensor) -> Tensor:
        """NOT self, bit by bit: -self - 1 for integers, the negation for bools."""
        return _inverted("bitwise_not", self)

    def bitwise_left_shift(self: Tensor, other: TensorLike) -> Tensor:
        """self · 2^other, in self's bits (overflow wraps): 0 for a count outside [0, width)."""
        return _bitwise("bitwise_left_shift", np.left_shift, self, other)

    def bitwise_right_shift(self: Tensor, other: TensorLike) -> Tensor:
        """⌊self / 2^other⌋: the sign bit (-1 or 0) for a count outside [0, width)."""
        return _bitwise("bitwise_right_shift", np.right_shift, self, other)

    def bitwise_and_(self: Tensor, other: TensorLike) -> Tensor:
        """self = self AND other, in place."""
        return _written("bitwise_and_", self, self.bitwise_and(other))

    def bitwise_or_(self: Tensor, other: TensorLike) -> Tensor:
        """self = self OR other, in place."""
        return _written("bitwise_or_", self, self.bitwise_or(other))

    def bitwise_xor_(self: Tensor, other: TensorLike) -> Tensor:
        """self = self XOR other, in place."""
        return _written("bitwise_xor_", self, self.bitwise_xor(other))

    def bitwise_not_(self: Tensor) -> Tensor:
        """self = NOT self, in place."""
        return _written("bitwise_not_", self, _inverted("bitwise_not_", self))

    def bitwise_left_shift_(self: Tensor, other: TensorLike) -> Tensor:
        """self = self << other, in place."""
        return _written("bitwise_left_shift_", self, self.bitwise_left_shift(other))

    def bitwise_right_shift_(self: Tensor, other: TensorLike) -> Tensor:
        """self = self >> other, in place."""
        return _written("bitwise_right_shift_", self, self.bitwise_right_shift(other))

    def __and__(self: Tensor, other: TensorLike) -> Tensor:
        return self.bitwise_and(other)

    def __rand__(self: Tensor, other: TensorLike) -> Tensor:
        return _bitwise("bitwise_and", np.bitwise_and, self, other, reflected=True)

    def __iand__(self: Tensor, other: TensorLike) -> Tensor:
        return _written("iand", self, _bitwise("iand", np.bitwise_and, self, other))

    def __or__(self: Tensor, other: TensorLike) -> Tensor:
        return self.bitwise_or(other)

    def __ror__(self: Tensor, other: TensorLike) -> Tensor:
        return _bitwise("bitwise_or", np.bitwise_or, self, other, reflected=True)

    def __ior__(self: Tensor, other: TensorLike) -> Tensor:
        return _written("ior", self, _bitwise("ior", np.bitwise_or, self, other))

    def __xor__(self: Tensor, other: TensorLike) -> Tensor:
        return self.bitwise_xor(other)

    def __rxor__(self: Tensor, other: TensorLike) -> Tensor:
        return _bitwise("bitwise_xor", np.bitwise_xor, self, other, reflected=True)

    def __ixor__(self: Tensor, other: TensorLike) -> Tensor:
        return _written("ixor", self, _bitwise("ixor", np.bitwise_xor, self, other))

    def __invert__(self: Tensor) -> Tensor:
        return _inverted("bitwise_not", self)

    def __lshift__(self: Tensor, other: TensorLike) -> Tensor:
        return self.bitwise_left_shift(other)

    def __rlshift__(self: Tensor, other: TensorLike) -> Tensor:
        return _bitwise("bitwise_left_shift", np.left_shift, self, other, reflected=True)

    def __ilshift__(self: Tensor, other: TensorLike) -> Tensor:
        return _written("ilshift", self, _bitwise("ilshift", np.left_shift, self, other))

    def __rshift__(self: Tensor, other: TensorLike) -> Tensor:
        return self.bitwise_right_shift(other)

    def __rrshift__(self: Tensor, other: TensorLike) -> Tensor:
        return _bitwise("bitwise_right_shift", np.right_shift, self, other, reflected=True)

    def __irshift__(self: Tensor, other: TensorLike) -> Tensor:
        return _written("irshift", self, _bitwise("irshift", np.right_shift, self, other))

    # -- the tensor as a Python container and number -------------------------------------

    def __contains__(self: Tensor, element: object) -> bool:
        """``element in x``: whether any element of x equals ``element`` (broadcast), as PyTorch."""
        if not isinstance(element, (_tensor.Tensor, int, float, np.number, np.bool_)):
            raise TypeError(f"in: only a Tensor or a number can be looked for in a tensor, got "
                            f"{type(element).__name__} (as in PyTorch)")
        return bool(np.any(self.eq(element)))

    def __reversed__(self: Tensor) -> Tensor:
        """``reversed(x)``: x flipped along dim 0 (a 0-d tensor as it is), as PyTorch."""
        return self.flip(0) if self.ndim else self

    def __complex__(self: Tensor) -> complex:
        """``complex(x)`` of a one-element tensor, as ``float(x)``: its value plus 0j."""
        return complex(self.item())
