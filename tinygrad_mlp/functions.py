"""PyTorch's function forms of Tensor methods: ``tm.exp(x)`` is ``x.exp()``, as ``torch.exp(x)``.

Code written against PyTorch calls many operations as functions of the
``torch`` module. Each function here checks that its input is a Tensor (an
ndarray would give a result without a graph) and calls the method, so the
gradient rules live in one place, the ops. ``tm.cat``, ``tm.stack``,
``tm.where``, ``tm.maximum`` and ``tm.minimum``, which take several tensors,
are in ``tensor.py``.

Example:
    >>> import tinygrad_mlp as tm
    >>> x = tm.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> tm.sum(tm.exp(x), dim=1).shape
    (2,)
    >>> tm.argmax(tm.softmax(x, dim=1), dim=1)
    tensor([1, 1])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tinygrad_mlp import checks
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


def sum(input: Tensor, dim: Dim = None, keepdim: bool = False) -> Tensor:
    """The sum over ``dim`` (all elements when None or empty)."""
    return _input("sum", input).sum(_dim(dim), keepdim)


def mean(input: Tensor, dim: Dim = None, keepdim: bool = False) -> Tensor:
    """The mean over ``dim`` (all elements when None or empty)."""
    return _input("mean", input).mean(_dim(dim), keepdim)


def amax(input: Tensor, dim: Dim = (), keepdim: bool = False) -> Tensor:
    """The largest value over ``dim`` (all of them by default), as ``torch.amax``."""
    return _input("amax", input).max(_dim(dim), keepdim)


def amin(input: Tensor, dim: Dim = (), keepdim: bool = False) -> Tensor:
    """The smallest value over ``dim`` (all of them by default), as ``torch.amin``."""
    return _input("amin", input).min(_dim(dim), keepdim)


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
