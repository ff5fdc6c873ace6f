"""Floating-point dtypes and the default one new float tensors get.

numpy's dtypes are used as they are: ``tm.float64`` is ``np.float64``. The
default is float64 (numpy's own); ``set_default_dtype(tm.float32)`` halves
memory and speeds up large matmuls at the cost of precision.
"""

from __future__ import annotations

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
