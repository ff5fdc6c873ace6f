"""Joining tensors side by side, on top of each other or in depth, and giving them dims.

numpy's and PyTorch's shorthands for ``cat``: each gives every tensor at
least the dims the join needs (``atleast_1d``, ``atleast_2d``,
``atleast_3d``, which add dims of size 1, as ``reshape`` does) and then
joins them with ``cat`` along one dim:

- ``hstack``: along dim 1, or dim 0 for vectors (a row grows longer);
- ``vstack`` (``row_stack``): along dim 0, vectors first made rows (1, n);
- ``dstack``: along dim 2, matrices first made (m, n, 1) and vectors (1, n, 1);
- ``column_stack``: along dim 1, vectors first made columns (n, 1).

Nothing here has a gradient rule of its own: a reshape sends the gradient
back reshaped, and ``cat`` sends each tensor its own slice of g.
``tm.concat`` and ``tm.concatenate`` are other names for ``tm.cat``.

Example:
    >>> import tinygrad_mlp as tm
    >>> a, b = tm.tensor([1.0, 2.0]), tm.tensor([3.0, 4.0])
    >>> tm.hstack([a, b])
    tensor([1., 2., 3., 4.])
    >>> tm.vstack([a, b])
    tensor([[1., 2.],
            [3., 4.]])
    >>> tm.column_stack([a, b])
    tensor([[1., 3.],
            [2., 4.]])
    >>> tm.atleast_2d(tm.tensor(5.0)).shape
    (1, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tinygrad_mlp import checks
from tinygrad_mlp.tensor import Tensor, _several, cat

concat = concatenate = cat  # PyTorch's other names for it


def _at_least(op: str, tensors: tuple[Any, ...], ndim: int) -> Any:
    """Each tensor with dims of size 1 added up to ``ndim`` dims, PyTorch's way.

    One Tensor gives one Tensor; several, or one list or tuple, give a tuple.
    A vector (n,) becomes (1, n) and then (1, n, 1); a matrix (m, n) becomes
    (m, n, 1), as in numpy.
    """
    one = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    given = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors
    parts = [_at_least_one(t, ndim) for t in checks.tensors(op, "tensors", given)]
    return parts[0] if one else tuple(parts)


def _at_least_one(t: Tensor, ndim: int) -> Tensor:
    if t.ndim >= ndim:
        return t
    if t.ndim == 0:
        return t.reshape((1,) * ndim)
    if t.ndim == 1:
        return t.reshape((1, t.shape[0], 1)[:ndim])
    return t.unsqueeze(-1)  # a matrix, made 3-d


def atleast_1d(*tensors: Tensor | Sequence[Tensor]) -> Any:
    """Each tensor with at least 1 dim: a 0-d tensor becomes (1,); others are returned as they are.

    One tensor gives a tensor; several (or one list of them) give a tuple.
    """
    return _at_least("atleast_1d", tensors, 1)


def atleast_2d(*tensors: Tensor | Sequence[Tensor]) -> Any:
    """Each tensor with at least 2 dims: () becomes (1, 1), (n,) becomes (1, n)."""
    return _at_least("atleast_2d", tensors, 2)


def atleast_3d(*tensors: Tensor | Sequence[Tensor]) -> Any:
    """Each tensor with at least 3 dims: () → (1, 1, 1), (n,) → (1, n, 1), (m, n) → (m, n, 1)."""
    return _at_least("atleast_3d", tensors, 3)


def _joined(op: str, tensors: Sequence[Tensor], ndim: int) -> list[Tensor]:
    """The tensors, checked to be a non-empty sequence, each with at least ``ndim`` dims."""
    return [_at_least_one(t, ndim) for t in _several(op, tensors)]


def _cat(op: str, parts: list[Tensor], dim: int) -> Tensor:
    """``cat(parts, dim)``, its errors naming ``op``, which the person called."""
    try:
        return cat(parts, dim)
    except (ValueError, TypeError) as error:
        raise type(error)(f"{op}: {str(error).removeprefix('cat: ')}") from None


def hstack(tensors: Sequence[Tensor]) -> Tensor:
    """The tensors joined column-wise: along dim 1, or dim 0 if they are vectors (0-d ones too)."""
    parts = _joined("hstack", tensors, 1)
    return _cat("hstack", parts, 0 if parts[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Tensor]) -> Tensor:
    """The tensors joined row-wise along dim 0, vectors (n,) first made rows (1, n)."""
    return _cat("vstack", _joined("vstack", tensors, 2), 0)


row_stack = vstack  # PyTorch's other name for it


def dstack(tensors: Sequence[Tensor]) -> Tensor:
    """The tensors joined in depth along dim 2, after ``atleast_3d``."""
    return _cat("dstack", _joined("dstack", tensors, 3), 2)


def column_stack(tensors: Sequence[Tensor]) -> Tensor:
    """The tensors joined along dim 1, each 0-d or 1-d tensor first made a column (n, 1)."""
    parts = _several("column_stack", tensors)
    return _cat("column_stack", [t.reshape(t.numel(), 1) if t.ndim <= 1 else t for t in parts], 1)
