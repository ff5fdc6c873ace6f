"""Normalization layers: LayerNorm and BatchNorm1d, as in PyTorch.

LayerNorm normalizes each sample over its own features; BatchNorm1d normalizes
each feature (channel) over the batch, and keeps running averages of the batch
statistics as buffers to normalize with in eval mode. Both are built from
existing Tensor ops (mean, sqrt, broadcasting arithmetic), not from an op of
their own: their gradients, second derivatives and graph drawings all come
from those ops' rules, at the cost of a few more nodes in the graph than a
fused op would record.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import DTypeLike

from tinygrad_mlp import checks
from tinygrad_mlp.dtypes import get_default_dtype
from tinygrad_mlp.nn.module import Module, Parameter
from tinygrad_mlp.tensor import Array, Tensor


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


def _check_eps(layer: str, eps: object) -> None:
    """Refuse an ``eps`` that is not a positive, finite number.

    Raises:
        TypeError: if it is not a number.
        ValueError: if it is not positive and finite.
    """
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.integer, np.floating)):
        raise TypeError(f"{layer}: eps must be a number, got {eps!r}")
    if not (eps > 0 and math.isfinite(eps)):
        raise ValueError(f"{layer}: eps must be positive and finite, got {eps!r}")


def _floating_dtype(layer: str, dtype: DTypeLike | None) -> np.dtype:
    """The parameters' dtype: ``dtype``, or the default one; it must be floating point."""
    chosen = np.dtype(dtype) if dtype is not None else get_default_dtype()
    if chosen.kind != "f":
        raise TypeError(
            f"{layer}: dtype must be floating point (float32 or float64), got {chosen}"
        )
    return chosen


def _check_input(layer: Module, x: object) -> None:
    """Refuse an input that is not a floating point Tensor, naming the layer."""
    if not isinstance(x, Tensor):
        raise checks.not_a_tensor(repr(layer), x)
    if x.dtype.kind != "f":
        raise TypeError(
            f"{layer!r}: input must be floating point, got dtype {x.dtype}; convert it "
            "first with .double() or .float()"
        )


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
        device: None or "cpu", for PyTorch's signature; the CPU is the only one.

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
        device: str | None = None,
    ) -> None:
        super().__init__()
        checks.device("LayerNorm", device)
        self.normalized_shape = _as_shape(normalized_shape)
        _check_eps("LayerNorm", eps)
        self.eps = eps  # as given, so repr shows what PyTorch's would
        self.elementwise_affine = elementwise_affine
        chosen = _floating_dtype("LayerNorm", dtype)
        shape = self.normalized_shape
        weight = Parameter(np.ones(shape, chosen)) if elementwise_affine else None
        shift = Parameter(np.zeros(shape, chosen)) if elementwise_affine and bias else None
        # Registered even when None, as in PyTorch: the names stay reserved for Parameters.
        self.register_parameter("weight", weight)
        self.register_parameter("bias", shift)

    def forward(self, x: Tensor) -> Tensor:
        """Normalize ``x`` over its last ``len(normalized_shape)`` dimensions."""
        _check_input(self, x)
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


class BatchNorm1d(Module):
    """Normalize each channel over the batch, then scale and shift it; track running statistics.

    For an input shaped (N, C) or (N, C, L), separately for every channel c,

        y = (x - E[x]) / √(Var[x] + ε) · weight + bias,

    where E[x] and the biased variance Var[x] = E[(x - E[x])²] are taken over
    the n = N·L values of channel c (all rows, and every position along L).
    ``weight`` and ``bias`` are shaped (C,) and start at ones and zeros.

    In training mode the statistics are the batch's, and each forward also
    moves the buffers ``running_mean`` and ``running_var`` toward them, outside
    the graph (they get no gradient):

        running_mean ← (1 - f) · running_mean + f · E[x]
        running_var  ← (1 - f) · running_var  + f · n / (n - 1) · Var[x]

    with the unbiased variance (the factor n / (n - 1)), as in PyTorch, and
    f = ``momentum``, or f = 1 / ``num_batches_tracked`` (counted first) when
    ``momentum`` is None, which makes them the plain average over every batch
    so far. In eval mode E[x] and Var[x] are ``running_mean`` and
    ``running_var``: constants, so each sample's output depends on it alone.
    Without ``track_running_stats`` there are no buffers and the batch's
    statistics are used in both modes.

    Args:
        num_features: C, the number of channels (dim 1 of the input).
        eps: ε, added to the variance so a constant channel does not divide
            by zero (a positive number).
        momentum: f above (a number >= 0), or None for the cumulative average.
        affine: learn ``weight`` and ``bias``; without them both are None and
            y is the normalized x.
        track_running_stats: keep ``running_mean``, ``running_var`` and
            ``num_batches_tracked`` (an int64 count) as buffers, saved by
            ``state_dict()``; without them all three are None.
        bias: learn ``bias`` (when ``affine``); without it, None.
        dtype: the parameters' and running statistics' dtype (default:
            ``tm.get_default_dtype()``).
        device: None or "cpu", for PyTorch's signature; the CPU is the only one.

    Raises:
        TypeError: if ``num_features`` is not an int, ``eps`` or ``momentum``
            not a number, or ``dtype`` not floating point.
        ValueError: if ``num_features`` is below 1, ``eps`` is not positive
            and finite, or ``momentum`` is negative or not finite.

    Example:
        >>> import tinygrad_mlp as tm
        >>> layer = BatchNorm1d(2)
        >>> y = layer(tm.tensor([[1.0, 10.0], [3.0, 30.0]]))
        >>> print(y.data.round(4))
        [[-1. -1.]
         [ 1.  1.]]
        >>> print(layer.running_mean.data, layer.running_var.data, layer.num_batches_tracked.data)
        [0.2 2. ] [ 1.1 20.9] 1
        >>> list(layer.state_dict())
        ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
    """

    weight: Parameter | None
    bias: Parameter | None
    running_mean: Tensor | None
    running_var: Tensor | None
    num_batches_tracked: Tensor | None

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        bias: bool = True,
        dtype: DTypeLike | None = None,
        device: str | None = None,
    ) -> None:
        super().__init__()
        checks.device("BatchNorm1d", device)
        self.num_features = checks.check_int("BatchNorm1d", "num_features", num_features, 1)
        _check_eps("BatchNorm1d", eps)
        checks.number("BatchNorm1d", "momentum", momentum)
        # PyTorch takes any float; a negative or non-finite one only corrupts the statistics.
        if momentum is not None and not (momentum >= 0 and math.isfinite(momentum)):
            raise ValueError(
                f"BatchNorm1d: momentum must be a finite number >= 0 or None, got {momentum!r}"
            )
        self.eps = eps  # as given, like momentum, so repr shows what PyTorch's would
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        chosen = _floating_dtype("BatchNorm1d", dtype)
        size = self.num_features
        weight = Parameter(np.ones(size, chosen)) if affine else None
        shift = Parameter(np.zeros(size, chosen)) if affine and bias else None
        # Registered even when None, as in PyTorch: the names stay reserved.
        self.register_parameter("weight", weight)
        self.register_parameter("bias", shift)
        tracked = track_running_stats
        self.register_buffer("running_mean", Tensor(np.zeros(size, chosen)) if tracked else None)
        self.register_buffer("running_var", Tensor(np.ones(size, chosen)) if tracked else None)
        self.register_buffer(
            "num_batches_tracked", Tensor(np.zeros((), np.int64)) if tracked else None
        )

    def forward(self, x: Tensor) -> Tensor:
        """Normalize each channel of ``x``, shaped (N, C) or (N, C, L)."""
        _check_input(self, x)
        if x.ndim not in (2, 3):
            raise ValueError(
                f"{self!r}: expected 2D or 3D input (got {x.ndim}D input), of shape {x.shape}"
            )
        if x.shape[1] != self.num_features:
            raise ValueError(
                f"{self!r}: input of shape {x.shape} has {x.shape[1]} channels in dim 1, but "
                f"num_features is {self.num_features}"
            )
        # Per-channel values shaped (C,) broadcast along the rows of (N, C); (C, 1) along
        # the rows and the length of (N, C, L).
        per_channel = (self.num_features,) + (1,) * (x.ndim - 2)
        running_mean, running_var = self.running_mean, self.running_var
        if self.training or running_mean is None or running_var is None:
            count = x.size // self.num_features
            if count < 2:
                raise ValueError(
                    f"{self!r}: expected more than 1 value per channel when training, got input "
                    f"size {x.shape} ({count} per channel: no spread to normalize by)"
                )
            dims = (0,) if x.ndim == 2 else (0, 2)
            mean = x.mean(dims, keepdims=True)
            centered = x - mean
            variance = (centered * centered).mean(dims, keepdims=True)
            if self.training:
                self._update_running_stats(mean.data, variance.data, count)
        else:
            centered = x - Tensor(running_mean.data.reshape(per_channel))
            variance = Tensor(running_var.data.reshape(per_channel))
        y = centered / (variance + self.eps).sqrt()
        if self.weight is not None:
            y = y * (self.weight if x.ndim == 2 else self.weight.reshape(per_channel))
        if self.bias is not None:
            y = y + (self.bias if x.ndim == 2 else self.bias.reshape(per_channel))
        return y

    def _update_running_stats(self, mean: Array, variance: Array, count: int) -> None:
        """Move the running statistics toward a batch's, in place, from arrays (not the graph).

        Written into the buffers' own arrays, with their versions bumped (as
        ``load_state_dict`` does), so every reference to a buffer sees the change.
        """
        running_mean, running_var = self.running_mean, self.running_var
        batches = self.num_batches_tracked
        if running_mean is None or running_var is None or batches is None:
            return  # not tracking: track_running_stats=False, or a buffer set to None later
        _overwrite(batches, batches.data + 1)
        factor = 1 / int(batches.data) if self.momentum is None else self.momentum
        unbiased = variance * (count / (count - 1))
        for buffer, batch in ((running_mean, mean), (running_var, unbiased)):
            _overwrite(buffer, (1 - factor) * buffer.data + factor * batch.reshape(-1))

    def _state_defaults(self) -> dict[str, Array]:
        """A state dict without ``num_batches_tracked`` keeps the count, as PyTorch's loads."""
        if self.num_batches_tracked is None:
            return {}
        return {"num_batches_tracked": self.num_batches_tracked.data.copy()}

    def extra_repr(self) -> str:
        """The arguments shown by repr, in PyTorch's words."""
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )


def _overwrite(buffer: Tensor, value: Array) -> None:
    """Write ``value`` into ``buffer``'s own array and count it as an in-place change."""
    buffer.data[...] = value
    buffer._version += 1
