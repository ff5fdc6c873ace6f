"""Floating-point dtypes and the default one new float tensors get.

numpy's dtypes are used as they are: ``tm.float64`` is ``np.float64``. The
default is float64 (numpy's own); ``set_default_dtype(tm.float32)`` halves
memory and speeds up large matmuls at the cost of precision.
"""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

float16 = np.float16
float32 = np.float32
float64 = np.float64
uint8 = np.uint8
int8 = np.int8
int16 = np.int16
int32 = np.int32
int64 = np.int64
bool_ = np.bool_

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))

_default_dtype: np.dtype[Any] = np.dtype(np.float64)


def set_default_dtype(dtype: DTypeLike) -> None:
    """Set the dtype that float data (Python floats, ``randn``, layers) gets by default.

    Args:
        dtype: ``tm.float32`` or ``tm.float64``.

    Raises:
        TypeError: for any other dtype.
    """
    global _default_dtype
    if dtype is None:  # np.dtype(None) would be float64, silently
        raise TypeError("set_default_dtype: dtype must be tm.float32 or tm.float64, got None")
    chosen = np.dtype(dtype)
    if chosen not in FLOAT_DTYPES:
        raise TypeError(
            f"set_default_dtype: only float32 and float64 can be the default, got {chosen}"
        )
    _default_dtype = chosen


def get_default_dtype() -> np.dtype[Any]:
    """Return the current default float dtype (float64 unless changed)."""
    return _default_dtype


def is_floating(dtype: np.dtype[Any]) -> bool:
    """Whether tensors of this dtype can carry gradients."""
    return dtype.kind == "f"


def takes_tensor_dtype(dtype: np.dtype[Any], value: int | float) -> bool:
    """Whether a Python number beside a tensor of ``dtype`` in an op takes that dtype.

    As in PyTorch and numpy 2: a number beside a floating tensor, and an int
    (not a bool) beside an integer one, so ``int32 + 5`` stays int32. An int
    outside the integer dtype's range is refused by numpy (``OverflowError``),
    where PyTorch would wrap it around.
    """
    return dtype.kind == "f" or (dtype.kind in "iu" and type(value) is int)


# -- PyTorch's type promotion: which dtype an op on two operands gives, and which casts
# keep the kind of a value. -------------------------------------------------------------

LIBRARY_DTYPES = tuple(np.dtype(t) for t in (bool_, uint8, int8, int16, int32, int64, float16,
                                             float32, float64))


def _library_dtype(op: str, name: str, dtype: object) -> np.dtype[Any]:
    """``dtype`` as a numpy dtype, refused unless it is one of the library's."""
    chosen: np.dtype[Any] | None = None
    if dtype is not None:  # np.dtype(None) would be float64, silently
        with contextlib.suppress(TypeError):  # not a dtype at all: refused below
            chosen = np.dtype(dtype)  # type: ignore[call-overload]
    if chosen is None or chosen not in LIBRARY_DTYPES:
        raise TypeError(f"{op}: {name} must be one of the library's dtypes (tm.bool, tm.uint8, "
                        f"tm.int8 ... tm.int64, tm.float16, tm.float32, tm.float64), got "
                        f"{dtype!r}")
    return chosen


def _promoted(a: np.dtype[Any], b: np.dtype[Any]) -> np.dtype[Any]:
    """PyTorch's promotion of two dtypes: numpy's, but an int and a float give the float."""
    if a.kind == "f" and b.kind == "f":
        return a if a.itemsize >= b.itemsize else b
    if a.kind == "f" or b.kind == "f":
        return a if a.kind == "f" else b
    return np.promote_types(a, b)


def promote_types(type1: DTypeLike, type2: DTypeLike) -> np.dtype[Any]:
    """The smallest dtype both ``type1`` and ``type2`` convert to without losing their kind.

    PyTorch's table: two ints or bools as numpy promotes them (uint8 and int8
    give int16), two floats the wider, an int and a float the float
    (int64 and float16 give float16, where numpy gives float64).

    Raises:
        TypeError: for a dtype the library does not have.
    """
    return _promoted(_library_dtype("promote_types", "type1", type1),
                     _library_dtype("promote_types", "type2", type2))


def can_cast(from_: DTypeLike, to: DTypeLike) -> bool:
    """Whether PyTorch's casting rules allow ``from_`` to ``to``.

    No float to an int, and nothing but bool to bool; narrowing within a
    kind (int64 to uint8, float64 to float16) is allowed.
    """
    source = _library_dtype("can_cast", "from_", from_)
    target = _library_dtype("can_cast", "to", to)
    if source.kind == "f" and target.kind != "f":
        return False
    return not (source.kind != "b" and target.kind == "b")


def _combined(higher: np.dtype[Any] | None, lower: np.dtype[Any] | None) -> np.dtype[Any] | None:
    """PyTorch's rule between two categories of operand.

    The higher one's dtype stands, unless the lower brings a float (or the
    higher is bool): then the two are promoted.
    """
    if higher is None or lower is None:
        return lower if higher is None else higher
    if higher.kind == "f":
        return higher
    return _promoted(higher, lower) if higher.kind == "b" or lower.kind == "f" else higher


def result_type(tensor: object, other: object) -> np.dtype[Any]:
    """The dtype an elementwise op on ``tensor`` and ``other`` gives, by PyTorch's rules.

    Operands rank in three categories: tensors with dims, 0-d tensors, then
    numbers (bool is bool, int is int64, float the default float dtype). A
    lower category changes the dtype only by bringing a higher kind (a float
    to ints, an int to bools): ``int32 tensor + 5`` stays int32, ``int32
    tensor + 0.5`` is the default float. These are PyTorch's rules, for
    code that asks; the library's own arithmetic promotes as numpy does in
    places (its ``int32 tensor + 5`` is int64).

    Raises:
        TypeError: for an operand that is neither a Tensor nor a number.
    """
    from tinygrad_mlp.tensor import Tensor  # tensor.py imports this module

    ranks: list[np.dtype[Any] | None] = [None, None, None]  # dims, 0-d, numbers
    for name, value in (("tensor", tensor), ("other", other)):
        if isinstance(value, Tensor):
            rank, dtype = (0 if value.ndim else 1), _library_dtype("result_type", name, value.dtype)
        elif isinstance(value, (bool, np.bool_)):
            rank, dtype = 2, np.dtype(np.bool_)
        elif isinstance(value, (int, np.integer)):
            rank, dtype = 2, np.dtype(np.int64)
        elif isinstance(value, (float, np.floating)):
            rank, dtype = 2, get_default_dtype()
        else:
            raise TypeError(f"result_type: {name} must be a Tensor or a number, got "
                            f"{type(value).__name__}")
        known = ranks[rank]
        ranks[rank] = dtype if known is None else _promoted(known, dtype)
    result = _combined(ranks[0], _combined(ranks[1], ranks[2]))
    assert result is not None  # two operands were given
    return result
