"""Hypothesis strategies shared by the whole test suite."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, get_args

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_mlp as tm
from tinygrad_mlp import reference

MAX_SIDE = 4


def shapes(
    min_dims: int = 0, max_dims: int = 3, max_side: int = MAX_SIDE
) -> st.SearchStrategy[Any]:
    """Array shapes with every side at least 1."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)


def broadcast_pairs(max_dims: int = 3, max_side: int = MAX_SIDE) -> st.SearchStrategy[Any]:
    """Two shapes that broadcast together, as numpy defines it, not both of one element.

    Left to itself hypothesis draws two one-element shapes about half the time,
    where broadcasting is trivial; those cases are left out.
    """
    return hnp.mutually_broadcastable_shapes(
        num_shapes=2, min_dims=0, max_dims=max_dims, min_side=1, max_side=max_side
    ).map(lambda b: b.input_shapes).filter(
        lambda shapes: any(int(np.prod(shape)) > 1 for shape in shapes))


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


def nudged_away(values: np.ndarray, points: Sequence[float], margin: float) -> np.ndarray:
    """``values``, with each one within ``margin`` of a point moved to twice ``margin`` from it.

    For gradient checks off a kink: hypothesis favours values such as 0.0, so
    filtering them out with ``assume`` can reject most examples (and fail the
    health check). The points must lie more than four margins apart.
    """
    out = np.array(values, dtype=np.float64)
    for point in points:
        near = np.abs(out - point) <= margin
        out[near] = point + np.where(out[near] >= point, 2 * margin, -2 * margin)
    return out


def probabilities(shape: Any, margin: float = 0.05) -> st.SearchStrategy[Any]:
    """float64 arrays of ``shape`` in [margin, 1 - margin]: inputs for binary cross-entropy."""
    return arrays(shape, margin, 1.0 - margin)


def layer_widths(
    min_layers: int = 1, max_layers: int = 3, max_width: int = MAX_SIDE
) -> st.SearchStrategy[list[int]]:
    """The sizes of an MLP, input first: ``[n_in, h1, ..., n_out]``."""
    return st.lists(st.integers(1, max_width), min_size=min_layers + 1, max_size=max_layers + 1)


@st.composite
def logits_and_classes(
    draw: st.DrawFn, max_rows: int = MAX_SIDE, max_classes: int = MAX_SIDE
) -> tuple[np.ndarray, np.ndarray]:
    """Logits shaped (N, C) in [-3, 3] and class indices shaped (N,) in [0, C)."""
    rows, classes = draw(st.integers(1, max_rows)), draw(st.integers(1, max_classes))
    logits = draw(arrays((rows, classes), -3.0, 3.0))
    labels = draw(hnp.arrays(np.int64, (rows,), elements=st.integers(0, classes - 1)))
    return logits, labels


# -------------------------------------------- the article's network (reference.py)


@dataclass(frozen=True)
class NetworkCase:
    """A sigmoid network in the reference's layout, a batch and a cost to differentiate.

    ``weights[k]`` is shaped (n_out, n_in) like ``nn.Linear.weight``.
    """

    weights: list[reference.Array]
    biases: list[reference.Array]
    x: reference.Array
    y: reference.Array
    cost: reference.CostName

    @property
    def sizes(self) -> list[int]:
        """Units per layer, input first."""
        return [self.weights[0].shape[1]] + [W.shape[0] for W in self.weights]


COSTS: tuple[reference.CostName, ...] = get_args(reference.CostName)


@st.composite
def network_cases(
    draw: st.DrawFn, min_rows: int = 1, max_rows: int = 64
) -> NetworkCase:
    """2 to 5 layers of width 1 to 16, a batch of rows, targets in [0, 1], either cost.

    The parameters are the article's N(0, 1) draws, from a seed hypothesis picks.
    """
    sizes = draw(st.lists(st.integers(1, 16), min_size=2, max_size=5))
    rows = draw(st.integers(min_rows, max_rows))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    weights, biases = reference.init_normal(sizes, rng)
    x = rng.standard_normal((rows, sizes[0]))
    y = rng.uniform(0.0, 1.0, (rows, sizes[-1]))
    return NetworkCase(weights, biases, x, y, draw(st.sampled_from(COSTS)))


# -------------------------------------------- scans and products (tests/test_scans.py)


def dims_of(shape: tuple[int, ...]) -> st.SearchStrategy[int]:
    """A dim of ``shape``, negative ones too (0 or -1 for a 0-d shape, as PyTorch allows)."""
    ndim = max(len(shape), 1)
    return st.integers(-ndim, ndim - 1)


def arrays_with_zeros(shape: Any, low: float = -2.0, high: float = 2.0) -> st.SearchStrategy[Any]:
    """float64 arrays of ``shape`` in [low, high], about half their elements exactly 0.

    Products and their gradients are where a zero (or two) in a row matter.
    """
    return hnp.arrays(np.float64, shape,
                      elements=st.one_of(st.just(0.0), floats_between(low, high)))


def tied_arrays(shape: Any) -> st.SearchStrategy[Any]:
    """float64 arrays of ``shape`` drawn from four values, so entries repeat (ties of max)."""
    return hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 0.0, 0.5, 2.0]))


def sides(max_side: int = 3) -> st.SearchStrategy[int]:
    """The size of one dim, from 0 (an empty tensor) and 1 (a dim that broadcasts) up."""
    return st.integers(0, max_side)


@st.composite
def broadcasting_to(draw: st.DrawFn, shape: tuple[int, ...]) -> tuple[int, ...]:
    """A shape that broadcasts to ``shape``: a suffix of it with some sizes replaced by 1."""
    kept = shape[len(shape) - draw(st.integers(0, len(shape))):]
    return tuple(1 if draw(st.booleans()) else n for n in kept)


# ------------------------------------------ medians, quantiles, extremes (tests/test_reductions.py)


def distinct_arrays(shape: tuple[int, ...], spacing: float = 0.25) -> st.SearchStrategy[Any]:
    """float64 arrays of ``shape`` whose values are a shuffled grid, ``spacing`` apart.

    A median, a quantile or an extreme picks particular elements; its gradient
    is what finite differences see only where no two values tie.
    """
    size = int(np.prod(shape))
    return st.permutations(range(size)).map(
        lambda order: (spacing * (np.array(order, dtype=np.float64) - size / 2)).reshape(shape))


# ----------------------------------- bits of bool and integer tensors (tests/test_operators.py)

BIT_DTYPES = (np.bool_, np.uint8, np.int8, np.int16, np.int32, np.int64)  # the library's, with bits


def integer_arrays(dtype: Any, shape: Any) -> st.SearchStrategy[Any]:
    """Arrays of ``shape`` and a bool or integer ``dtype``, drawn from its whole range."""
    return hnp.arrays(dtype, shape)
