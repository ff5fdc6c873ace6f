"""Normalization layers: LayerNorm, RMSNorm, GroupNorm and BatchNorm1d, as in PyTorch.

LayerNorm and RMSNorm normalize each sample over its own features, GroupNorm
over groups of its channels; BatchNorm1d normalizes each feature (channel)
over the batch, and keeps running averages of the batch statistics as buffers
to normalize with in eval mode. Each holds its parameters and settings and
computes with its function in ``nn.functional`` (``layer_norm``, ``rms_norm``,
``group_norm``, ``batch_norm``), which is built from existing Tensor ops.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import DTypeLike

from tinygrad_mlp import checks
from tinygrad_mlp.dtypes import get_default_dtype
from tinygrad_mlp.nn import functional as F
from tinygrad_mlp.nn.module import Module, Parameter
from tinygrad_mlp.tensor import Array, Tensor


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
        self.normalized_shape = F._normalized_shape("LayerNorm", normalized_shape)
        F._check_eps("LayerNorm", eps)
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
        """Normalize ``x`` over its last ``len(normalized_shape)`` dimensions (``F.layer_norm``)."""
        _check_input(self, x)
        return F._layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps, self)

    def extra_repr(self) -> str:
        """The arguments shown by repr, in PyTorch's words."""
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )


class RMSNorm(Module):
    """Divide each sample by its root mean square over its last dimensions, then scale it.

    Over the trailing dimensions given by ``normalized_shape``,

        y = x / √(E[x²] + ε) · weight,

    with E[x²] taken separately for every position in the leading dimensions
    (see ``F.rms_norm``). ``weight`` is shaped ``normalized_shape`` and starts
    at ones; there is no bias.

    Args:
        normalized_shape: the sizes of the last dimensions of the input: an
            int for one dimension, or a tuple of ints.
        eps: ε, a positive number, or None (the default) for the machine
            epsilon of the input's dtype, as in PyTorch.
        elementwise_affine: learn ``weight``; without it, it is None.
        dtype: the parameter's dtype (default: ``tm.get_default_dtype()``).
        device: None or "cpu", for PyTorch's signature; the CPU is the only one.

    Raises:
        TypeError: if ``normalized_shape`` is not an int or a tuple of ints,
            ``eps`` neither None nor a number, or ``dtype`` not floating point.
        ValueError: if a size is below 1 or ``eps`` is not positive and finite.

    Example:
        >>> import tinygrad_mlp as tm
        >>> layer = RMSNorm(2, eps=1e-12)
        >>> print(layer(tm.tensor([[3.0, 4.0], [-1.0, 1.0]])).data.round(4))
        [[ 0.8485  1.1314]
         [-1.      1.    ]]
    """

    weight: Parameter | None

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float | None = None,
        elementwise_affine: bool = True,
        *,
        dtype: DTypeLike | None = None,
        device: str | None = None,
    ) -> None:
        super().__init__()
        checks.device("RMSNorm", device)
        self.normalized_shape = F._normalized_shape("RMSNorm", normalized_shape)
        if eps is not None:
            F._check_eps("RMSNorm", eps)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        chosen = _floating_dtype("RMSNorm", dtype)
        weight = Parameter(np.ones(self.normalized_shape, chosen)) if elementwise_affine else None
        self.register_parameter("weight", weight)

    def forward(self, x: Tensor) -> Tensor:
        """Normalize ``x`` over its last ``len(normalized_shape)`` dimensions (``F.rms_norm``)."""
        _check_input(self, x)
        return F._rms_norm(x, self.normalized_shape, self.weight, self.eps, self)

    def extra_repr(self) -> str:
        """The arguments shown by repr, in PyTorch's words."""
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class GroupNorm(Module):
    """Normalize groups of channels of each sample, then scale and shift each channel.

    The C = ``num_channels`` channels (dim 1) of an (N, C, *) input are split
    into ``num_groups`` groups of consecutive channels, and each sample's
    group is normalized over its channels and positions,

        y = (x - E[x]) / √(Var[x] + ε) · weight + bias,

    with the biased variance (see ``F.group_norm``). ``weight`` and ``bias``
    are shaped (C,), one value per channel, and start at ones and zeros. The
    statistics are each sample's own: the same in training and eval mode.

    Args:
        num_groups: how many groups the channels are split into; it must
            divide ``num_channels``.
        num_channels: C, the number of channels (dim 1 of the input).
        eps: ε, added to the variance (a positive number).
        affine: learn ``weight`` and ``bias``; without them both are None.
        bias: learn ``bias`` (when ``affine``); without it, None.
        dtype: the parameters' dtype (default: ``tm.get_default_dtype()``).
        device: None or "cpu", for PyTorch's signature; the CPU is the only one.

    Raises:
        TypeError: if ``num_groups`` or ``num_channels`` is not an int, ``eps``
            not a number, or ``dtype`` not floating point.
        ValueError: if ``num_groups`` or ``num_channels`` is below 1,
            ``num_channels`` is not divisible by ``num_groups``, or ``eps`` is
            not positive and finite.

    Example:
        >>> import tinygrad_mlp as tm
        >>> layer = GroupNorm(1, 2)
        >>> print(layer(tm.tensor([[1.0, 3.0], [0.0, 10.0]])).data.round(4))
        [[-1.  1.]
         [-1.  1.]]
    """

    weight: Parameter | None
    bias: Parameter | None

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        *,
        bias: bool = True,
        dtype: DTypeLike | None = None,
        device: str | None = None,
    ) -> None:
        super().__init__()
        checks.device("GroupNorm", device)
        self.num_groups = checks.check_int("GroupNorm", "num_groups", num_groups, 1)
        self.num_channels = checks.check_int("GroupNorm", "num_channels", num_channels, 1)
        if self.num_channels % self.num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by "
                             f"num_groups ({num_groups})")
        F._check_eps("GroupNorm", eps)
        self.eps = eps
        self.affine = affine
        chosen = _floating_dtype("GroupNorm", dtype)
        size = self.num_channels
        self.register_parameter("weight", Parameter(np.ones(size, chosen)) if affine else None)
        shift = Parameter(np.zeros(size, chosen)) if affine and bias else None
        self.register_parameter("bias", shift)

    def forward(self, x: Tensor) -> Tensor:
        """Normalize each group of channels of ``x``, shaped (N, C, *) (``F.group_norm``)."""
        _check_input(self, x)
        if x.ndim >= 2 and x.shape[1] != self.num_channels:
            raise ValueError(
                f"{self!r}: input of shape {x.shape} has {x.shape[1]} channels in dim 1, but "
                f"num_channels is {self.num_channels}"
            )
        return F._group_norm(x, self.num_groups, self.weight, self.bias, self.eps, self)

    def extra_repr(self) -> str:
        """The arguments shown by repr, in PyTorch's words."""
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
                f"affine={self.affine}, bias={self.bias is not None}")


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
        F._check_eps("BatchNorm1d", eps)
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
        """Normalize each channel of ``x``, shaped (N, C) or (N, C, L) (``F.batch_norm``)."""
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
        running_mean, running_var = self.running_mean, self.running_var
        batches = self.num_batches_tracked
        if running_mean is None or running_var is None or (self.training and batches is None):
            running_mean = running_var = None  # the batch's statistics, in eval mode too
        factor = self.momentum
        if factor is None:  # the cumulative average: this batch is number count + 1
            factor = 1 / (int(batches.data) + 1) if batches is not None else 0.0
        y = F._batch_norm(x, running_mean, running_var, self.weight, self.bias,
                          self.training or running_mean is None, factor, self.eps, self)
        if self.training and running_mean is not None and batches is not None:
            # counted once F._batch_norm has accepted the input: a refused one changes nothing
            F._overwrite(batches, batches.data + 1)
        return y

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
