"""Hypothesis strategies shared by the whole test suite."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_mlp as tm

MAX_SIDE = 4


def shapes(
    min_dims: int = 0, max_dims: int = 3, max_side: int = MAX_SIDE
) -> st.SearchStrategy[Any]:
    """Array shapes with every side at least 1."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)


def broadcast_pairs(max_dims: int = 3, max_side: int = MAX_SIDE) -> st.SearchStrategy[Any]:
    """Two shapes that broadcast together, as numpy defines it."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=2, min_dims=0, max_dims=max_dims, min_side=1, max_side=max_side
    ).map(lambda b: b.input_shapes)


def matmul_pairs(max_side: int = MAX_SIDE) -> st.SearchStrategy[Any]:
    """Shapes for ``a @ b``: vectors, matrices and broadcast batches (matmul's signature)."""
    return hnp.mutually_broadcastable_shapes(
        signature=np.matmul.signature, max_dims=2, min_side=1, max_side=max_side
    ).map(lambda b: b.input_shapes)


def floats_between(low: float, high: float) -> st.SearchStrategy[float]:
    """Finite float64 values in [low, high]."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False, width=64)


def arrays(shape: Any, low: float = -2.0, high: float = 2.0) -> st.SearchStrategy[Any]:
    """float64 arrays of ``shape`` with values in [low, high]."""
    return hnp.arrays(np.float64, shape, elements=floats_between(low, high))


def leaf(data: np.ndarray, requires_grad: bool = True) -> tm.Tensor:
    """A float64 leaf tensor holding a copy of ``data``."""
    return tm.tensor(np.array(data, dtype=np.float64), requires_grad=requires_grad)


def away_from(values: np.ndarray, points: float, margin: float) -> bool:
    """True if no value is within ``margin`` of ``points`` (kinks of relu, ties of max)."""
    return bool(np.all(np.abs(values - points) > margin))
