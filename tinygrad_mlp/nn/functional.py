"""Layers and losses as plain functions of tensors (PyTorch's ``nn.functional``).

Every loss takes ``reduction``: ``"mean"`` (the default), ``"sum"`` or
``"none"`` (one value per element, or per example for cross-entropy).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from tinygrad_mlp import ops
from tinygrad_mlp.tensor import Tensor

Reduction = Literal["mean", "sum", "none"]

# log(p) is clamped here, as PyTorch does, so a saturated prediction gives a
# large finite loss instead of infinity.
_LOG_FLOOR = -100.0
# p is first raised to this, so log never sees 0 (no warning, and no 0/0 in
# log's backward, which would turn every gradient of the network into NaN). It
# is below e^-100 ≈ 3.7e-44, so the loss is unchanged, yet above 0 in float32.
_P_FLOOR = 1e-44


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x @ weightᵀ + bias, with weight shaped (out_features, in_features)."""
    if bias is None:
        return ops.Linear.apply(x, weight)
    return ops.Linear.apply(x, weight, bias)


def sigmoid(x: Tensor) -> Tensor:
    """1 / (1 + e⁻ˣ), elementwise."""
    return x.sigmoid()


def tanh(x: Tensor) -> Tensor:
    """Tanh x, elementwise."""
    return x.tanh()


def relu(x: Tensor) -> Tensor:
    """max(x, 0), elementwise."""
    return x.relu()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """eˣ / Σ eˣ along ``dim``."""
    return x.softmax(dim)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """x - log Σ eˣ along ``dim``."""
    return x.log_softmax(dim)


def _input(input: object, where: str) -> None:
    """Refuse an input that is not a Tensor: a loss of a constant array has no gradient."""
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{where}: input must be a Tensor, got {type(input).__name__}; wrap data with "
            "tm.tensor(...)"
        )


def _in_unit_interval(values: Tensor, what: str, hint: str) -> None:
    """Refuse values outside [0, 1], naming the range they span."""
    data = values.data
    if data.size and (data.min() < 0 or data.max() > 1):
        raise ValueError(
            f"binary_cross_entropy: {what} in [0, 1], got values from "
            f"{data.min()} to {data.max()}{hint}"
        )


def _target(target: Tensor | ArrayLike, where: str) -> Tensor:
    """The target as a tensor; one that requires grad gets its gradient, as in PyTorch."""
    return target if isinstance(target, Tensor) else Tensor(target)


def _same_shape(input: Tensor, target: Tensor, where: str) -> None:
    if input.shape != target.shape:
        raise ValueError(
            f"{where}: target shape {target.shape} differs from input shape {input.shape}"
        )


def _reduce(losses: Tensor, reduction: Reduction, where: str) -> Tensor:
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    if reduction == "none":
        return losses
    raise ValueError(f"{where}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def mse_loss(
    input: Tensor, target: Tensor | ArrayLike, reduction: Reduction = "mean"
) -> Tensor:
    """(input - target)², averaged over all elements by default."""
    _input(input, "mse_loss")
    y = _target(target, "mse_loss")
    _same_shape(input, y, "mse_loss")
    if reduction in ("mean", "sum"):
        scale = 1.0 / max(input.size, 1) if reduction == "mean" else 1.0
        return ops.SquaredError.apply(input, y, scale=scale)
    diff = input - y
    return _reduce(diff * diff, reduction, "mse_loss")


def quadratic_cost(
    output: Tensor, target: Tensor | ArrayLike, reduction: Literal["mean", "sum"] = "mean"
) -> Tensor:
    """The article's cost, Nielsen's eq. (6): C = 1/(2n) Σₓ ‖y(x) - a(x)‖².

    With ``reduction="mean"`` the sum of squares is halved and divided by the
    number of examples n (rows), so plain SGD with learning rate η makes the
    article's update w -= (η/n) Σₓ ∂Cₓ/∂w; ``"sum"`` leaves out the 1/n.
    """
    _input(output, "quadratic_cost")
    y = _target(target, "quadratic_cost")
    _same_shape(output, y, "quadratic_cost")
    if reduction not in ("mean", "sum"):
        raise ValueError(f"quadratic_cost: reduction must be 'mean' or 'sum', got {reduction!r}")
    examples = output.shape[0] if reduction == "mean" and output.ndim > 1 else 1
    return ops.SquaredError.apply(output, y, scale=0.5 / examples)


def binary_cross_entropy(
    input: Tensor, target: Tensor | ArrayLike, reduction: Reduction = "mean"
) -> Tensor:
    """-(y log p + (1 - y) log(1 - p)) for probabilities p = input in [0, 1]."""
    _input(input, "binary_cross_entropy")
    y = _target(target, "binary_cross_entropy")
    _same_shape(input, y, "binary_cross_entropy")
    _in_unit_interval(input, "input must be probabilities", " (apply sigmoid to logits)")
    _in_unit_interval(y, "target must be probabilities", "")
    losses = _BinaryCrossEntropy.apply(input, y)
    return _reduce(losses, reduction, "binary_cross_entropy")


def _clamped_log(x: Any) -> Any:
    """ln x, at least -100 (arrays or Tensors): no warning, no infinity at x = 0."""
    if isinstance(x, Tensor):
        return x.clamp(min=_P_FLOOR).log().clamp(min=_LOG_FLOOR)
    return np.maximum(np.log(np.maximum(x, _P_FLOOR)), _LOG_FLOOR)


class _BinaryCrossEntropy(ops.Op):
    """y = -(t ln p + (1 - t) ln(1 - p)), each log clamped at -100, as in PyTorch.

    dy/dt = ln(1 - p) - ln p, with the same clamped logs.
    dy/dp = (p - t) / max(p (1 - p), 1e-12): PyTorch's rule, the exact
    derivative wherever p (1 - p) > 1e-12, and a large finite push, not 0,
    for a prediction saturated at exactly 0 or 1 on the wrong side.
    """

    name = "binary_cross_entropy"

    def forward(self, p: Tensor, t: Tensor) -> Any:
        self.save_for_backward(p, t)
        return -(t.data * _clamped_log(p.data) + (1.0 - t.data) * _clamped_log(1.0 - p.data))

    def backward(self, g: Any) -> tuple[Any, Any]:
        p, t = self.saved_tensors
        spread = p * (1.0 - p)
        spread = spread.clamp(min=1e-12) if isinstance(spread, Tensor) else np.maximum(
            spread, 1e-12)
        grad_p = g * (p - t) / spread if self.needs_input_grad[0] else None
        grad_t = g * (_clamped_log(1.0 - p) - _clamped_log(p)) if self.needs_input_grad[1] \
            else None
        return grad_p, grad_t


def cross_entropy(
    input: Tensor, target: Tensor | ArrayLike, reduction: Reduction = "mean"
) -> Tensor:
    """Softmax cross-entropy from logits shaped (N, C), computed stably with log_softmax.

    ``target`` is either class indices shaped (N,) (ints in [0, C)) or class
    probabilities shaped (N, C), such as one-hot rows. The mean is over the N
    examples.
    """
    _input(input, "cross_entropy")
    if input.ndim != 2:
        raise ValueError(f"cross_entropy: input must be logits shaped (N, C), got {input.shape}")
    y = _target(target, "cross_entropy")
    if y.ndim == 1 and y.dtype.kind not in "iu":
        raise ValueError(
            f"cross_entropy: a target shaped (N,) holds class indices, which must be ints; "
            f"got dtype {y.dtype} (convert it with .astype(int))"
        )
    log_p = input.log_softmax(axis=1)
    if y.dtype.kind in "iu":
        n, classes = input.shape
        if y.shape != (n,):
            raise ValueError(
                f"cross_entropy: class-index target must have shape ({n},), got {y.shape}"
            )
        bad = (y.data < 0) | (y.data >= classes)
        if bad.any():
            raise IndexError(
                f"cross_entropy: target class {int(y.data[bad][0])} is out of range for "
                f"{classes} classes (input shape {input.shape})"
            )
        losses = -log_p[np.arange(n), y.data]
    else:
        _same_shape(input, y, "cross_entropy")
        losses = -(y * log_p).sum(axis=1)
    return _reduce(losses, reduction, "cross_entropy")
