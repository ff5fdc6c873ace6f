"""Normalization layers: LayerNorm, as in PyTorch.

LayerNorm is built from existing Tensor ops (mean, sqrt, broadcasting
arithmetic), not from an op of its own: its gradients, second derivatives and
graph drawings all come from those ops' rules, at the cost of a few more nodes
in the graph than a fused op would record.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import DTypeLike

from tinygrad_mlp.dtypes import get_default_dtype
from tinygrad_mlp.nn.module import Module, Parameter
from tinygrad_mlp.tensor import Tensor


def _as_shape(normalized_shape: object) -> tuple[int, ...]:
    """``normalized_shape`` (an int or a sequence of ints) as a tuple of positive ints.

    Raises:
        TypeError: if it is neither an int nor a sequence of ints.
        ValueError: if it is empty or a size is below 1.
    """
    def is_int(value: object) -> bool:
        return isinstance(value, (int, np.integer)) and not isinstance(value, bool)

    sizes = (normalized_shape,) if is_int(normalized_shape) else normalized_shape
    if not isinstance(sizes, Sequence) or isinstance(sizes, str) or not all(map(is_int, sizes)):
        raise TypeError(
            "LayerNorm: normalized_shape must be an int or a tuple of ints, got "
            f"{normalized_shape!r}"
        )
    # PyTorch accepts () and sizes of 0, but either makes a layer whose output is its bias.
    if not sizes or min(sizes) < 1:
        raise ValueError(
            "LayerNorm: normalized_shape must be one or more sizes, each at least 1, got "
            f"{normalized_shape!r}"
        )
    return tuple(int(size) for size in sizes)


class LayerNorm(Module):
    """Normalize each sample over its last dimensions, then scale and shift it.

    Over the trailing dimensions given by ``normalized_shape``,

        y = (x - E[x]) / √(Var[x] + ε) · weight + bias,

    where the mean E[x] and the biased variance Var[x] = E[(x - E[x])²]
    (a sum divided by N, the number of elements normalized together, not
    N - 1, as in PyTorch) are taken separately for every position in the
    leading dimensions (each row of a batch, each token of a sequence).
    ``weight`` and ``bias`` are shaped ``normalized_shape`` and start at ones
    and zeros, so a new layer only normalizes.

    Args:
        normalized_shape: the sizes of the last dimensions of the input: an
            int for one dimension, or a tuple of ints.
        eps: ε, added to the variance so a constant input does not divide by
            zero (a positive number).
        elementwise_affine: learn ``weight`` and ``bias``; without them both
            are None and y is the normalized x.
        bias: learn ``bias`` (when ``elementwise_affine``); without it, None.
        dtype: the parameters' dtype (default: ``tm.get_default_dtype()``).

    Raises:
        TypeError: if ``normalized_shape`` is not an int or a tuple of ints,
            ``eps`` not a number, or ``dtype`` not floating point.
        ValueError: if a size is below 1 or ``eps`` is not positive and finite.

    Example:
        >>> import tinygrad_mlp as tm
        >>> layer = LayerNorm(3)
        >>> y = layer(tm.tensor([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]]))
        >>> print(y.data.round(4))
        [[-1.2247  0.      1.2247]
         [-1.2247  0.      1.2247]]
        >>> sorted(layer.state_dict())
        ['bias', 'weight']
    """

    weight: Parameter | None
    bias: Parameter | None

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        *,
        dtype: DTypeLike | None = None,
    ) -> None:
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        if isinstance(eps, bool) or not isinstance(eps, (int, float, np.integer, np.floating)):
            raise TypeError(f"LayerNorm: eps must be a number, got {eps!r}")
        if not (eps > 0 and math.isfinite(eps)):
            raise ValueError(f"LayerNorm: eps must be positive and finite, got {eps!r}")
        self.eps = eps  # as given, so repr shows what PyTorch's would
        self.elementwise_affine = elementwise_affine
        chosen = np.dtype(dtype) if dtype is not None else get_default_dtype()
        if chosen.kind != "f":
            raise TypeError(
                f"LayerNorm: dtype must be floating point (float32 or float64), got {chosen}"
            )
        shape = self.normalized_shape
        weight = Parameter(np.ones(shape, chosen)) if elementwise_affine else None
        shift = Parameter(np.zeros(shape, chosen)) if elementwise_affine and bias else None
        # Registered even when None, as in PyTorch: the names stay reserved for Parameters.
        self.register_parameter("weight", weight)
        self.register_parameter("bias", shift)

    def forward(self, x: Tensor) -> Tensor:
        """Normalize ``x`` over its last ``len(normalized_shape)`` dimensions."""
        if not isinstance(x, Tensor):
            raise TypeError(
                f"{self!r}: input must be a Tensor, got {type(x).__name__}; wrap data with "
                "tm.tensor(...)"
            )
        if x.dtype.kind != "f":
            raise TypeError(
                f"{self!r}: input must be floating point, got dtype {x.dtype}; convert it "
                "first with .double() or .float()"
            )
        count = len(self.normalized_shape)
        if x.shape[-count:] != self.normalized_shape:  # also when x has too few dims
            raise ValueError(
                f"{self!r}: input of shape {x.shape} should end in the normalized_shape "
                f"{self.normalized_shape}"
            )
        dims = tuple(range(x.ndim - count, x.ndim))
        centered = x - x.mean(dims, keepdims=True)
        # The biased variance, as mean of squares of the deviations already at hand:
        # x.var(dims, correction=0) would compute the mean a second time.
        variance = (centered * centered).mean(dims, keepdims=True)
        y = centered / (variance + self.eps).sqrt()
        if self.weight is not None:
            y = y * self.weight
        if self.bias is not None:
            y = y + self.bias
        return y

    def extra_repr(self) -> str:
        """The arguments shown by repr, in PyTorch's words."""
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )
