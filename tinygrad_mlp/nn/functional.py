"""Layers and losses as plain functions of tensors (PyTorch's ``nn.functional``).

Every loss takes ``reduction``: ``"mean"`` (the default), ``"sum"`` or
``"none"`` (one value per element, or per example for cross-entropy and the
losses over a vector per example: cosine, triplet, multi-class and
multi-label), except ``quadratic_cost``, which takes only ``"mean"`` or
``"sum"``.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from tinygrad_mlp import checks, ops, random
from tinygrad_mlp.dtypes import get_default_dtype
from tinygrad_mlp.linalg import einsum
from tinygrad_mlp.random import check_generator
from tinygrad_mlp.tensor import Array, Tensor, where

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
    _input(x, "linear")
    for name, value in (("weight", weight), ("bias", bias)):
        if not isinstance(value, Tensor) and (value is not None or name == "weight"):
            raise TypeError(f"linear: {name} must be a Tensor, got {type(value).__name__}")
    if bias is None:
        return ops.Linear.apply(x, weight)
    return ops.Linear.apply(x, weight, bias)


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None
             ) -> Tensor:
    """yₖ = Σᵢⱼ x1ᵢ Aₖᵢⱼ x2ⱼ + bₖ = x1ᵀ Aₖ x2 + bₖ, with A = weight shaped (out, in1, in2).

    input1 is (*, in1) and input2 (*, in2), with the same leading dims; the
    result is (*, out). ∂y/∂x1 = A x2 and ∂y/∂x2 = Aᵀ x1, ∂y/∂A = x1 x2ᵀ.

    Raises:
        TypeError: if an input or weight is not a Tensor.
        ValueError: naming the shapes, if they do not fit together.
    """
    op = "bilinear"
    for name, value in (("input1", input1), ("input2", input2), ("weight", weight)):
        checks.tensor(op, name, value)
    if bias is not None and not isinstance(bias, Tensor):
        raise TypeError(f"{op}: bias must be a Tensor or None, got {type(bias).__name__}")
    if not input1.ndim or input1.shape[:-1] != input2.shape[:-1] or \
            input1.ndim != input2.ndim:
        raise ValueError(f"{op}: input1 {input1.shape} and input2 {input2.shape} must have at "
                         "least 1 dim and the same leading (batch) dims")
    if weight.shape[1:] != (input1.shape[-1], input2.shape[-1]):
        raise ValueError(f"{op}: weight must be shaped (out_features, {input1.shape[-1]}, "
                         f"{input2.shape[-1]}) for inputs {input1.shape} and {input2.shape}, "
                         f"got {weight.shape}")
    if bias is not None and bias.shape != weight.shape[:1]:
        raise ValueError(f"{op}: bias must be shaped ({weight.shape[0]},) for weight "
                         f"{weight.shape}, got {bias.shape}")
    product = einsum("...i,kij,...j->...k", input1, weight, input2)
    return product if bias is None else product + bias


def sigmoid(x: Tensor) -> Tensor:
    """1 / (1 + e⁻ˣ), elementwise."""
    # nn.Sigmoid runs this at every call: _input's check inline, and the op itself, not x.sigmoid()
    if not isinstance(x, Tensor):
        raise checks.not_a_tensor("sigmoid", x)
    return ops.Sigmoid.apply(x)


def tanh(x: Tensor) -> Tensor:
    """Tanh x, elementwise."""
    _input(x, "tanh")
    return ops.Tanh.apply(x)


def relu(x: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0), elementwise.

    ``inplace``, here and in the other activations, is accepted for PyTorch's
    signature, but the result is always a new tensor: backward needs the input.
    """
    _input(x, "relu")
    return ops.ReLU.apply(x)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x where x > 0, else negative_slope · x; the slope at 0 is negative_slope, as in PyTorch."""
    _activation_input(input, "leaky_relu")
    slope = checks.real("leaky_relu", "negative_slope", negative_slope)
    return where(input.data > 0, input, input * slope)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x where x > 0, else a · x, with a learned slope a per channel (dim 1) or one for all.

    ``weight`` is 1-D, of one element or one per channel; an input of fewer
    than 2 dims has one channel. The slope at 0 is a, as PyTorch's.
    """
    _activation_input(input, "prelu")
    if not isinstance(weight, Tensor):
        raise TypeError(f"prelu: weight must be a Tensor, got {type(weight).__name__}")
    channels = input.shape[1] if input.ndim > 1 else 1
    if weight.ndim > 1 or weight.numel() not in (1, channels):
        raise ValueError(f"prelu: weight must be 0-d or 1-D with 1 or {channels} elements (the "
                         f"input's channels, dim 1 of {input.shape}), got shape {weight.shape}")
    slope = weight.reshape(() if weight.numel() == 1 else (channels,) + (1,) * (input.ndim - 2))
    return where(input.data > 0, input, input * slope)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x where x > 0, else α (eˣ - 1)."""
    _activation_input(input, "elu")
    return _ELU.apply(input, alpha=checks.real("elu", "alpha", alpha), scale=1.0, input_scale=1.0)


# SELU's constants (Klambauer et al., 2017), as PyTorch writes them: with them a layer
# whose inputs have mean 0 and variance 1 passes on outputs with mean 0 and variance 1.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """λ x where x > 0, else λ α (eˣ - 1), with λ ≈ 1.0507 and α ≈ 1.6733 (SELU's constants).

    The derivative is λ for x > 0 and λ α eˣ for x <= 0, at 0 too, as in PyTorch.
    """
    _activation_input(input, "selu")
    return _ELU.apply(input, alpha=_SELU_ALPHA, scale=_SELU_SCALE, input_scale=1.0)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, α (e^(x/α) - 1)): an ELU whose slope is 1 on both sides of 0.

    The derivative is 1 for x > 0 and e^(x/α) for x <= 0.

    Raises:
        TypeError: if ``input`` is not a floating point Tensor or ``alpha`` not a number.
        ValueError: if ``alpha`` is 0 (as PyTorch).
    """
    _activation_input(input, "celu")
    scale = checks.real("celu", "alpha", alpha)
    if scale == 0:
        raise ValueError("celu: alpha cannot be 0 (x / alpha is the exponent), as in PyTorch")
    return _ELU.apply(input, alpha=scale, scale=1.0, input_scale=1.0 / scale)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """a ⊗ σ(b), with a and b the first and second halves of the input along ``dim``.

    The gated linear unit (Dauphin et al., 2017): the output is half as large
    along ``dim``. ∂/∂a = σ(b) and ∂/∂b = a σ(b) (1 - σ(b)).

    Raises:
        TypeError: if ``input`` is not a floating point Tensor or ``dim`` not an int.
        ValueError: if the input is 0-d or its size along ``dim`` is odd (as PyTorch).
        IndexError: if ``dim`` is out of range.
    """
    _activation_input(input, "glu")
    if input.ndim == 0:
        raise ValueError("glu: a 0-d input has no halves (halving size must be even), as in "
                         "PyTorch")
    axis = _dim("glu", dim, input, input.ndim)
    size = input.shape[axis]
    if size % 2:
        raise ValueError(f"glu: halving dimension must be even, but dimension {dim} is size "
                         f"{size} (input shape {input.shape})")
    first, second = input.chunk(2, axis)
    return first * second.sigmoid()


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """ln(1 + e^(βx)) / β, a smooth relu; x itself where βx > threshold, as in PyTorch."""
    _activation_input(input, "softplus")
    return _Softplus.apply(input, beta=checks.real("softplus", "beta", beta),
                           threshold=checks.real("softplus", "threshold", threshold))


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x · σ(x), also called swish."""
    _activation_input(input, "silu")
    return input * input.sigmoid()


def gelu(input: Tensor, approximate: Literal["none", "tanh"] = "none") -> Tensor:
    """x · Φ(x), with Φ the standard normal's CDF: Φ(x) = (1 + erf(x / √2)) / 2.

    ``approximate="tanh"`` uses PyTorch's (and the GELU paper's) approximation
    Φ(x) ≈ (1 + tanh(√(2/π) (x + 0.044715 x³))) / 2 instead. numpy has no
    erf: the exact form takes that of ``special.py``, Python's ``math.erf``
    per element below 2500 elements and from there on fdlibm's algorithm on
    the whole array (erf within an ulp of the exact value either way, and
    of the other's, so a value may differ that slightly with the number of
    elements of the input), several times slower than the tanh form on
    large layers.
    """
    _activation_input(input, "gelu")
    if approximate == "tanh":
        inner = (input + input * input * input * 0.044715) * math.sqrt(2 / math.pi)
        return input * ((inner.tanh() + 1.0) * 0.5)
    if approximate != "none":
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return input * (((input * math.sqrt(0.5)).erf() + 1.0) * 0.5)


def logsigmoid(input: Tensor) -> Tensor:
    """ln σ(x) = -ln(1 + e⁻ˣ), elementwise, accurate for any x (see ``_LogSigmoid``).

    Its derivative is 1 - σ(x) = σ(-x). Use it for the log of a probability
    that a sigmoid gives: ``logsigmoid(x)`` where ``sigmoid(x).log()`` would
    reach log 0 = -inf once σ(x) rounds to 0 (x < -745 in float64, -104 in
    float32).
    """
    _activation_input(input, "logsigmoid")
    return _LogSigmoid.apply(input)


def hardtanh(
    input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False
) -> Tensor:
    """x clamped to [min_val, max_val], elementwise: a piecewise-linear tanh.

    The derivative is 1 strictly between the limits and 0 elsewhere, at the
    limits too (PyTorch's rule; ``clamp`` passes the gradient at them).

    Raises:
        TypeError: if ``input`` is not a floating point Tensor or a limit not a number.
        ValueError: if ``min_val`` > ``max_val`` (as PyTorch).
    """
    _activation_input(input, "hardtanh")
    return _hardtanh(input, min_val, max_val, "hardtanh")


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6), elementwise: ``hardtanh(x, 0, 6)``, with a zero slope at 0 and 6."""
    _activation_input(input, "relu6")
    return _hardtanh(input, 0.0, 6.0, "relu6")


def _hardtanh(input: Tensor, min_val: float, max_val: float, op: str) -> Tensor:
    """x clamped to [min_val, max_val], passing the gradient only strictly inside (PyTorch's)."""
    low = checks.real(op, "min_val", min_val)
    high = checks.real(op, "max_val", max_val)
    if low > high:
        raise ValueError(f"{op}: min_val ({min_val}) cannot be greater than max_val "
                         f"({max_val})")
    # At a limit the clamped value is a constant, so it gets no gradient; nan passes through.
    at_a_limit = (input.data <= low) | (input.data >= high)
    return where(at_a_limit, np.clip(input.data, low, high), input)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x · tanh(softplus(x)), with softplus(x) = ln(1 + eˣ) (Misra, 2019), elementwise.

    The derivative is tanh(s) + x σ(x) (1 - tanh²(s)), with s = softplus(x).
    softplus is taken without its linear cut-off, as PyTorch's mish does.
    """
    _activation_input(input, "mish")
    return input * _Softplus.apply(input, beta=1.0, threshold=math.inf).tanh()


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x · relu6(x + 3) / 6: 0 up to -3, x itself from 3, x (x + 3) / 6 between.

    The derivative is x/3 + 1/2 strictly between -3 and 3, 0 at and below -3,
    1 at and above 3 (and at nan); the second derivative 1/3 strictly
    between -3 and 3, 0 elsewhere. These are PyTorch's, at ±3 too.
    """
    _activation_input(input, "hardswish")
    inside = (input.data > -3.0) & (input.data < 3.0)
    middle = where(inside, input, 0.0)  # only these are squared: x² of a large x would overflow
    return where(inside, middle * (middle + 3.0) / 6.0,
                 where(input.data <= -3.0, -0.0, input))  # -0.0 = x · 0 for x < 0, as PyTorch


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6: 0 below -3, 1 above 3, a straight line (x + 3) / 6 between.

    The derivative is 1/6 strictly between -3 and 3 and 0 elsewhere, at ±3
    and at nan too, as in PyTorch.
    """
    _activation_input(input, "hardsigmoid")
    inside = (input.data > -3.0) & (input.data < 3.0)
    return where(inside, (input + 3.0) / 6.0, np.clip(input.data + 3.0, 0.0, 6.0) / 6.0)


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|), elementwise: d/dx = 1 / (1 + |x|)².

    An int tensor is first converted to the default dtype, as PyTorch's
    division promotes it; a bool one is refused.
    """
    input = _promoted_input(input, "softsign")
    return input / (input.abs() + 1.0)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else ``value``, elementwise.

    The derivative is 1 where x > threshold and 0 where x <= threshold, at
    x = threshold too; nan passes through (with slope 1), as in PyTorch.

    Raises:
        TypeError: if ``input`` is not a floating point Tensor (PyTorch also
            takes ints) or ``threshold`` or ``value`` is not a number.
    """
    _activation_input(input, "threshold")
    limit = checks.real("threshold", "threshold", threshold)
    replacement = checks.real("threshold", "value", value)
    return where(input.data <= limit, replacement, input)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > lambd, else 0, elementwise.

    The derivative is 1 outside [-lambd, lambd] and 0 inside it, at its
    ends too, as in PyTorch; nan passes through.
    """
    _activation_input(input, "hardshrink")
    return input.hardshrink(lambd)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x - lambd where x > lambd, x + lambd where x < -lambd, else 0, elementwise.

    The derivative is 1 outside [-lambd, lambd] and 0 inside it, at its
    ends too, as in PyTorch; nan passes through (with gradient 1).

    Raises:
        TypeError: if ``input`` is not a floating point Tensor or lambd not a number.
        ValueError: if lambd is not in [0, the dtype's largest float]: negative,
            NaN or ∞ (as PyTorch).
    """
    _activation_input(input, "softshrink")
    limit = checks.real("softshrink", "lambd", lambd)
    largest = float(np.finfo(input.dtype).max)
    if not 0 <= limit <= largest:
        raise ValueError(f"softshrink: lambd must be in [0, {largest:g}] for input dtype "
                         f"{input.dtype}, as in PyTorch, got {lambd}")
    inside = (input.data >= -limit) & (input.data <= limit)  # nan is outside, as in PyTorch
    return where(inside, 0.0, where(input.data > limit, input - limit, input + limit))


def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh x, elementwise: d/dx = 1 - (1 - tanh² x) = tanh² x.

    An int tensor is first converted to the default dtype, as PyTorch's
    ``tanh`` promotes it; a bool one is refused (PyTorch refuses its x - tanh x).
    """
    input = _promoted_input(input, "tanhshrink")
    return input - ops.Tanh.apply(input)


def _activation_input(input: object, where: str) -> None:
    """Refuse an input that is not a floating point Tensor."""
    _input(input, where)
    assert isinstance(input, Tensor)
    checks.floating(where, input)


def _promoted_input(input: object, where: str) -> Tensor:
    """The input, an int tensor converted to the default dtype (PyTorch's promotion); no bools."""
    _input(input, where)
    assert isinstance(input, Tensor)
    if input.dtype.kind in "iu":
        input = input.to(get_default_dtype())
    _activation_input(input, where)
    return input


def _select(mask: np.ndarray, value: float, other: Any) -> Any:
    """``value`` where the constant ``mask`` holds, else ``other`` (an array or a Tensor)."""
    if isinstance(other, Tensor):
        return where(mask, value, other)
    return np.where(mask, value, other)


def _sigmoid(z: Any) -> Any:
    """σ(z) for a Tensor or an array; on arrays as e^-ln(1 + e^-z), which cannot overflow."""
    return z.sigmoid() if isinstance(z, Tensor) else np.exp(-np.logaddexp(0.0, -z))


class _ELU(ops.Op):
    """y = s x for x > 0, else α s (e^(c x) - 1).   dy/dx = s for x > 0, else α s c e^(c x).

    PyTorch's one kernel for three activations: ``elu`` (s = c = 1), ``selu``
    (SELU's α and s, c = 1) and ``celu`` (s = 1, c = 1/α). As there, x = 0
    takes the exponential side (slope α s c) and nan the linear one (slope s).
    α s c e^(c x) rather than c (y + α s), which rounds to 0 once e^(c x) is
    below the float's precision next to 1 (c x < -37 in float64); PyTorch
    keeps the tiny slope too.
    """

    name = "elu"

    def forward(self, x: Tensor, alpha: float, scale: float, input_scale: float) -> Any:
        self.save_for_backward(x)
        self.scale, self.input_scale, self.negative_scale = scale, input_scale, alpha * scale
        self.negative, self.below = x.data <= 0, x.data < 0
        # e^min(x, 0): the branch not taken never overflows; expm1 keeps tiny |x| exact.
        exponential = np.expm1(np.minimum(x.data, 0) * input_scale) * self.negative_scale
        return np.where(self.negative, exponential, x.data * scale)

    def backward(self, g: Any) -> Any:
        (x,) = self.saved_tensors
        # The exponent is the constant 0 from x = 0 up, so the slope's own derivative at 0 is
        # 0 (it is PyTorch's second derivative there), not the limit from the left.
        exponent = _select(~self.below, 0.0, x) * self.input_scale
        growth = exponent.exp() if isinstance(exponent, Tensor) else np.exp(exponent)
        return g * _select(~self.negative, self.scale,
                           growth * (self.input_scale * self.negative_scale))


class _Softplus(ops.Op):
    """y = ln(1 + e^(βx)) / β, or x where βx > threshold.   dy/dx = σ(βx), or 1 there."""

    name = "softplus"

    def forward(self, x: Tensor, beta: float, threshold: float) -> Any:
        self.save_for_backward(x)
        self.beta, self.linear = beta, x.data * beta > threshold
        # ln(1 + e^z) as logaddexp(0, z): no overflow for any z.
        return np.where(self.linear, x.data, np.logaddexp(0.0, x.data * beta) / beta)

    def backward(self, g: Any) -> Any:
        (x,) = self.saved_tensors
        return g * _select(self.linear, 1.0, _sigmoid(x * self.beta))


class _LogSigmoid(ops.Op):
    """y = ln σ(x) = -ln(1 + e⁻ˣ).   dy/dx = σ(-x) = 1 - σ(x).

    y is computed as min(x, 0) - ln(1 + e^-|x|), PyTorch's formula: e^-|x|
    never overflows, and log1p keeps y ≈ -e⁻ˣ for x ≫ 0, where 1 + e⁻ˣ
    would round to 1 and its log to 0 (x > 37 in float64). σ(-x) is the
    stable ``_sigmoid``, so the slope neither overflows nor turns into nan.
    """

    name = "logsigmoid"

    def forward(self, x: Tensor) -> Any:
        self.save_for_backward(x)
        return np.minimum(x.data, 0) - np.log1p(np.exp(-np.abs(x.data)))

    def backward(self, g: Any) -> Any:
        (x,) = self.saved_tensors
        return g * _sigmoid(-x)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """eˣ / Σ eˣ along ``dim``."""
    _input(x, "softmax")
    return x.softmax(dim)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """x - log Σ eˣ along ``dim``."""
    _input(x, "log_softmax")
    return x.log_softmax(dim)


def softmin(input: Tensor, dim: int = -1) -> Tensor:
    """e⁻ˣ / Σ e⁻ˣ along ``dim``: softmax(-x), the largest weight on the smallest value.

    ``dim`` defaults to -1, as ``softmax``'s here; PyTorch's default (None)
    picks a dim with a deprecation warning.
    """
    _activation_input(input, "softmin")
    return (-input).softmax(_dim("softmin", dim, input, input.ndim))


def normalize(input: Tensor, p: float = 2.0, dim: int | Sequence[int] = 1,
              eps: float = 1e-12) -> Tensor:
    """x / max(‖x‖_p, eps) along ``dim``: each vector scaled to length 1.

    ‖x‖_p = (Σᵢ |xᵢ|^p)^(1/p) over ``dim`` (an int or a tuple of ints), or
    maxᵢ |xᵢ| for ``p=math.inf``. Where the norm is below ``eps`` (a vector of
    zeros, say) the result is x / eps, and its gradient 1/eps, large but
    finite, as in PyTorch: there the denominator is the constant eps, and the
    norm gets no gradient (its slope at a zero vector would be 0 · ∞).

    Raises:
        TypeError: if ``input`` is not a floating point Tensor, or ``p`` or
            ``eps`` not a number.
        ValueError: if ``p`` is not positive (PyTorch also takes p <= 0 and
            -inf, which are not norms).
        IndexError: if ``dim`` is out of range for the input.
    """
    op = "normalize"
    _activation_input(input, op)
    order = checks.real(op, "p", p)
    if not order > 0:
        raise ValueError(f"{op}: p must be positive (the order of a norm: 1, 2, math.inf...), "
                         f"got {p}")
    floor = checks.real(op, "eps", eps)
    axes = _dims(op, dim, input)
    return input / _vector_norm(input, order, axes).clamp(min=floor)


def _dims(op: str, dim: int | Sequence[int], input: Tensor) -> tuple[int, ...] | None:
    """``dim``, an int or a tuple (or list) of ints, checked and made non-negative.

    A 0-d input takes dim 0 or -1, as in PyTorch (and ``checks.axes``).

    Raises:
        TypeError: if ``dim`` is not an int or a tuple of ints.
        IndexError: naming ``dim`` and the input's shape if one is out of range.
    """
    given = tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
    if not given:
        raise TypeError(f"{op}: dim must be an int or a tuple of ints, got ()")
    for d in given:
        _dim(op, d, input, max(input.ndim, 1))
    return checks.axes(op, given, input.ndim)


def _dim(op: str, dim: object, input: Tensor, ndim: int) -> int:
    """``dim`` checked against ``ndim`` dims and made non-negative, with errors naming ``op``."""
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{op}: dim must be an int, got {dim!r}")
    if not -ndim <= dim < ndim:
        raise IndexError(f"{op}: dim {dim} is out of range for an input of shape "
                         f"{input.shape} ({ndim} dims)")
    return int(dim) % ndim


def _vector_norm(x: Tensor, p: float, axes: tuple[int, ...] | None) -> Tensor:
    """‖x‖_p over ``axes``, keeping them as size-1 dims; 0, with no gradient, for a zero vector."""
    if p == math.inf:
        return x.abs().amax(axes, keepdim=True)  # ties share the gradient, as in PyTorch
    if p == 2:
        powered = x * x
    else:  # |x|^p, with PyTorch's slope 0 at x = 0 (for p < 1 the true one is infinite)
        zero = x.data == 0
        powered = where(zero, 0.0, where(zero, 1.0, x.abs()) ** p)
    total = powered.sum(axes, keepdims=True)
    nonzero = total.data > 0
    # The root of 1 stands in for the root of 0, whose infinite slope would make 0 · ∞ = nan.
    return where(nonzero, where(nonzero, total, 1.0) ** (1.0 / p), 0.0)


def _check_dropout_p(p: object, where: str) -> float:
    """``p`` as a float, after checking it is a probability, in [0, 1]."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"{where}: p must be a number in [0, 1], got {type(p).__name__}")
    if not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"{where}: p is the probability of zeroing an element, so it must "
                         f"be in [0, 1], got {p}")
    return float(p)


def dropout(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False,
    *, generator: np.random.Generator | None = None,
) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1 / (1 - p).

    The scaling keeps each element's expected value, so at evaluation
    (``training=False``) dropout just returns the input itself, as it does for
    ``p = 0``; ``p = 1`` zeroes everything. ``inplace`` is accepted for
    PyTorch's signature; the result is always a new tensor.

    The output is input · m, where the mask m holds 1/(1 - p) for each kept
    element and 0 for each dropped one, drawn from ``generator`` (default: the
    global one that ``tm.manual_seed`` reseeds). m is a constant, so
    d(output)/d(input) = m: gradients reach the kept elements only, scaled,
    to any order.

    Raises:
        TypeError: if ``input`` is not a floating point Tensor, ``p`` is not a
            number or ``generator`` is not a numpy Generator.
        ValueError: if ``p`` is outside [0, 1].
    """
    _input(input, "dropout")
    checks.floating("dropout", input)
    p = _check_dropout_p(p, "dropout")
    rng = random.resolve(check_generator("dropout", generator))
    if not training or p == 0.0:
        return input
    keep = rng.random(input.shape) >= p  # each with probability 1 - p; none when p = 1
    scale = 1.0 / (1.0 - p) if p < 1.0 else 0.0
    return input * (keep * scale).astype(input.dtype)


def alpha_dropout(
    input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False,
    *, generator: np.random.Generator | None = None,
) -> Tensor:
    """Dropout for SELU networks: keep each element's mean and variance (0 and 1) as it drops.

    Each element is kept with probability 1 - p, or set to -λα (SELU's
    output at -∞, λα = 1.7581); then an affine map a · x + b restores mean
    0 and variance 1, with a = ((1 - p)(1 + p λ²α²))^(-1/2) and b = a p λα:
    the output is x · m + c, where m is a for each kept element and 0 for each
    dropped one, and c is a p λα where kept and -a (1 - p) λα where dropped.
    m and c are constants, drawn from ``generator`` (default: the global
    one), so d(output)/d(input) = m.

    ``training`` defaults to False here, as in PyTorch (unlike ``dropout``):
    then, and for p = 0, the input itself is returned; p = 1 gives zeros.
    ``inplace`` is accepted for PyTorch's signature; the result is always a
    new tensor.

    Raises:
        TypeError: if ``input`` is not a floating point Tensor, ``p`` is not a
            number or ``generator`` is not a numpy Generator.
        ValueError: if ``p`` is outside [0, 1].
    """
    _activation_input(input, "alpha_dropout")
    p = _check_dropout_p(p, "alpha_dropout")
    rng = random.resolve(check_generator("alpha_dropout", generator))
    if not training or p == 0.0 or not input.size:
        return input
    if p == 1.0:
        return input * np.zeros((), input.dtype)
    saturation = _SELU_ALPHA * _SELU_SCALE  # λα, written as PyTorch's 1.7580993408473766
    keep = (rng.random(input.shape) >= p).astype(input.dtype)
    a = 1.0 / math.sqrt((saturation * saturation * p + 1.0) * (1.0 - p))
    shift = (keep - 1.0) * (saturation * a) + saturation * a * p  # PyTorch's b, in its order
    return input * (keep * a) + shift.astype(input.dtype)


# -- normalization ------------------------------------------------------------------------
#
# Every normalization here is made of Tensor ops (mean, sqrt, broadcasting arithmetic), not
# an op of its own: gradients, second derivatives and graph drawings come from those ops'
# rules, at the cost of a few more nodes in the graph than a fused op would record. The
# private forms take ``where``, the name their errors give: the function's, or the module
# calling them (formatted only if an error is raised).


def layer_norm(input: Tensor, normalized_shape: int | Sequence[int],
               weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """(x - E[x]) / √(Var[x] + ε) · weight + bias, over the last dims, ``normalized_shape``.

    E[x] and the biased variance Var[x] = E[(x - E[x])²] (divided by the
    number of elements normalized together, not one less, as in PyTorch)
    are taken separately for every position in the leading dims. ``weight``
    and ``bias``, if given, are shaped ``normalized_shape``.

    Raises:
        TypeError: if ``input`` is not a floating point Tensor, ``normalized_shape``
            not an int or a tuple of ints, ``weight`` or ``bias`` not a Tensor,
            or ``eps`` not a number.
        ValueError: if the input's shape does not end in ``normalized_shape``,
            ``weight`` or ``bias`` is not shaped ``normalized_shape``, a size is
            below 1 or ``eps`` is not positive and finite.
    """
    op = "layer_norm"
    _activation_input(input, op)
    shape = _normalized_shape(op, normalized_shape)
    _check_eps(op, eps)
    return _layer_norm(input, shape, weight, bias, eps, op)


def _layer_norm(input: Tensor, shape: tuple[int, ...], weight: Tensor | None,
                bias: Tensor | None, eps: float, where: object) -> Tensor:
    """``layer_norm`` of checked arguments, its errors naming ``where``."""
    dims = _trailing_dims(input, shape, where)
    _check_affine(weight, bias, shape, where)
    centered = input - input.mean(dims, keepdims=True)
    # The biased variance as the mean of squares of the deviations already at hand:
    # input.var(dims, correction=0) would compute the mean a second time.
    variance = (centered * centered).mean(dims, keepdims=True)
    return _affine(centered / (variance + eps).sqrt(), weight, bias, shape)


def rms_norm(input: Tensor, normalized_shape: int | Sequence[int],
             weight: Tensor | None = None, eps: float | None = None) -> Tensor:
    """x / √(E[x²] + ε) · weight, over the last dims, ``normalized_shape``.

    The root mean square normalization (Zhang and Sennrich, 2019): no mean is
    subtracted and there is no bias. ``eps`` None means the input dtype's
    machine epsilon (``np.finfo(dtype).eps``), as in PyTorch; ``weight``, if
    given, is shaped ``normalized_shape``. At x = 0 the gradient is 1/√ε.

    Raises:
        TypeError: as ``layer_norm``.
        ValueError: as ``layer_norm``.
    """
    op = "rms_norm"
    _activation_input(input, op)
    shape = _normalized_shape(op, normalized_shape)
    if eps is not None:
        _check_eps(op, eps)
    return _rms_norm(input, shape, weight, eps, op)


def _rms_norm(input: Tensor, shape: tuple[int, ...], weight: Tensor | None,
              eps: float | None, where: object) -> Tensor:
    """``rms_norm`` of checked arguments, its errors naming ``where``."""
    dims = _trailing_dims(input, shape, where)
    _check_affine(weight, None, shape, where)
    floor = float(np.finfo(input.dtype).eps) if eps is None else eps
    return _affine(input / ((input * input).mean(dims, keepdims=True) + floor).sqrt(),
                   weight, None, shape)


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """(x - E[x]) / √(Var[x] + ε) · weight + bias for each channel (dim 1) of an (N, C, *) input.

    With ``training`` E[x] and the biased Var[x] are the batch's, over the n
    values of each channel (every row, every position after dim 1), and the
    running statistics, if given, move toward them in place, outside the graph:

        running_mean ← (1 - f) · running_mean + f · E[x]
        running_var  ← (1 - f) · running_var  + f · n / (n - 1) · Var[x]

    with f = ``momentum`` and the unbiased variance, as in PyTorch. Without
    ``training`` (the default) E[x] and Var[x] are ``running_mean`` and
    ``running_var``, constants with no gradient. All four of them, and
    ``weight`` and ``bias``, are shaped (C,).

    Raises:
        TypeError: if ``input`` is not a floating point Tensor, a statistic,
            ``weight`` or ``bias`` not a Tensor, or ``momentum`` or ``eps`` not
            a number.
        ValueError: if the input has fewer than 2 dims, a statistic, ``weight``
            or ``bias`` is not shaped (C,), only one running statistic is given,
            none is given without ``training``, a channel has fewer than 2
            values in training, or ``eps`` is not positive and finite.
    """
    op = "batch_norm"
    _activation_input(input, op)
    if input.ndim < 2:
        raise ValueError(f"{op}: input must be shaped (N, C) or (N, C, *), got shape "
                         f"{input.shape}")
    factor = checks.real(op, "momentum", momentum)
    _check_eps(op, eps)
    return _batch_norm(input, running_mean, running_var, weight, bias, training, factor, eps, op)


def _batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
                weight: Tensor | None, bias: Tensor | None, training: bool, momentum: float,
                eps: float, where: object) -> Tensor:
    """``batch_norm`` of an (N, C, *) input and checked numbers, its errors naming ``where``.

    Everything is checked before the running statistics change, so a refused
    call leaves them as they were.
    """
    channels = input.shape[1]
    _check_running_stats(input, running_mean, running_var, training, where)
    _check_affine(weight, bias, (channels,), where)
    # Per-channel values shaped (C,) broadcast along the rows of (N, C); (C, 1, ...) along
    # the rows and the positions of (N, C, ...).
    per_channel = (channels,) + (1,) * (input.ndim - 2)
    if training or running_mean is None or running_var is None:
        count = input.size // channels if channels else 0
        if count < 2:
            raise ValueError(
                f"{where}: expected more than 1 value per channel when training, got input "
                f"size {input.shape} ({count} per channel: no spread to normalize by)"
            )
        dims = (0, *range(2, input.ndim))
        mean = input.mean(dims, keepdims=True)
        centered = input - mean
        variance = (centered * centered).mean(dims, keepdims=True)
        if running_mean is not None and running_var is not None:
            unbiased = variance.data * (count / (count - 1))
            for buffer, batch in ((running_mean, mean.data), (running_var, unbiased)):
                _overwrite(buffer, (1 - momentum) * buffer.data + momentum * batch.reshape(-1))
    else:
        centered = input - Tensor(running_mean.data.reshape(per_channel))
        variance = Tensor(running_var.data.reshape(per_channel))
    return _affine(centered / (variance + eps).sqrt(), weight, bias, per_channel)


def _check_running_stats(input: Tensor, running_mean: Tensor | None,
                         running_var: Tensor | None, training: bool, where: object) -> None:
    """Refuse running statistics that are not floating point Tensors shaped (C,), or missing."""
    if (running_mean is None) != (running_var is None):
        raise ValueError(f"{where}: running_mean and running_var must both be given or both "
                         "be None")
    if running_mean is None and not training:
        raise ValueError(f"{where}: running_mean and running_var must be given when training "
                         "is False: evaluation normalizes with them")
    channels = input.shape[1]
    for name, stat in (("running_mean", running_mean), ("running_var", running_var)):
        if stat is None:
            continue
        if not isinstance(stat, Tensor) or stat.dtype.kind != "f":
            raise TypeError(f"{where}: {name} must be a floating point Tensor, got "
                            f"{getattr(stat, 'dtype', type(stat).__name__)}")
        if stat.shape != (channels,):
            raise ValueError(f"{where}: {name} must be shaped ({channels},), one value per "
                             f"channel (dim 1 of the input, shaped {input.shape}), got "
                             f"{stat.shape}")


def _overwrite(buffer: Tensor, value: Array) -> None:
    """Write ``value`` into ``buffer``'s own array and count it as an in-place change.

    In place, with the version bumped (as ``load_state_dict`` does), so every
    reference to the buffer sees the change.
    """
    buffer.data[...] = value
    buffer._version += 1


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalize each of ``num_groups`` groups of channels of each sample, then scale and shift.

    The C channels (dim 1) of an (N, C, *) input are split into G =
    ``num_groups`` groups of C/G consecutive channels; each sample's group is
    normalized over its channels and every position after dim 1, as
    ``layer_norm`` does: (x - E[x]) / √(Var[x] + ε), with the biased variance.
    ``weight`` and ``bias``, if given, are shaped (C,), one value per channel.
    G = 1 is a layer norm over (C, *); G = C is an instance norm.

    Raises:
        TypeError: if ``input`` is not a floating point Tensor, ``num_groups``
            not an int, ``weight`` or ``bias`` not a Tensor, or ``eps`` not a number.
        ValueError: if the input has fewer than 2 dims, C is not divisible by
            ``num_groups``, ``num_groups`` < 1, ``weight`` or ``bias`` is not
            shaped (C,), ``eps`` is not positive and finite, or N · C/G · (the
            sizes after dim 1) is 1 (PyTorch's check of a single value).
    """
    op = "group_norm"
    _activation_input(input, op)
    groups = checks.check_int(op, "num_groups", num_groups, 1)
    _check_eps(op, eps)
    return _group_norm(input, groups, weight, bias, eps, op)


def _group_norm(input: Tensor, groups: int, weight: Tensor | None, bias: Tensor | None,
                eps: float, where: object) -> Tensor:
    """``group_norm`` of checked numbers, its errors naming ``where``."""
    if input.ndim < 2:
        raise ValueError(f"{where}: input must be shaped (N, C, *), with at least 2 dims, got "
                         f"shape {input.shape}")
    rows, channels = input.shape[:2]
    if channels % groups:
        raise ValueError(f"{where}: the input's {channels} channels (dim 1 of shape "
                         f"{input.shape}) are not divisible by num_groups={groups}")
    _check_affine(weight, bias, (channels,), where)
    per_group = channels // groups * math.prod(input.shape[2:])
    if rows * per_group == 1:
        raise ValueError(f"{where}: expected more than 1 value per channel, got input of shape "
                         f"{input.shape} with num_groups={groups} (PyTorch refuses it too)")
    normalized = input  # an empty input: nothing to normalize, and no mean of nothing
    if input.size:
        grouped = input.reshape(rows, groups, per_group)
        centered = grouped - grouped.mean(2, keepdims=True)
        variance = (centered * centered).mean(2, keepdims=True)
        normalized = (centered / (variance + eps).sqrt()).reshape(input.shape)
    return _affine(normalized, weight, bias, (channels,) + (1,) * (input.ndim - 2))


def _normalized_shape(where: str, normalized_shape: object) -> tuple[int, ...]:
    """``normalized_shape`` (an int or a sequence of ints) as a tuple of positive ints.

    Raises:
        TypeError: if it is neither an int nor a sequence of ints.
        ValueError: if it is empty or a size is below 1.
    """
    def is_int(value: object) -> bool:
        return isinstance(value, (int, np.integer)) and not isinstance(value, bool)

    sizes = (normalized_shape,) if is_int(normalized_shape) else normalized_shape
    if not isinstance(sizes, Sequence) or isinstance(sizes, str) or not all(map(is_int, sizes)):
        raise TypeError(f"{where}: normalized_shape must be an int or a tuple of ints, got "
                        f"{normalized_shape!r}")
    # PyTorch accepts () and sizes of 0, but either makes a layer whose output is its bias.
    if not sizes or min(sizes) < 1:
        raise ValueError(f"{where}: normalized_shape must be one or more sizes, each at least "
                         f"1, got {normalized_shape!r}")
    return tuple(int(size) for size in sizes)


def _check_eps(where: str, eps: object) -> None:
    """Refuse an ``eps`` that is not a positive, finite number.

    Raises:
        TypeError: if it is not a number.
        ValueError: if it is not positive and finite.
    """
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.integer, np.floating)):
        raise TypeError(f"{where}: eps must be a number, got {eps!r}")
    if not (eps > 0 and math.isfinite(eps)):
        raise ValueError(f"{where}: eps must be positive and finite, got {eps!r}")


def _trailing_dims(input: Tensor, shape: tuple[int, ...], where: object) -> tuple[int, ...]:
    """The last ``len(shape)`` dims of the input, after checking they are ``shape``."""
    count = len(shape)
    if input.shape[-count:] != shape:  # also when the input has too few dims
        raise ValueError(f"{where}: input of shape {input.shape} should end in the "
                         f"normalized_shape {shape}")
    return tuple(range(input.ndim - count, input.ndim))


def _check_affine(weight: Tensor | None, bias: Tensor | None, shape: tuple[int, ...],
                  where: object) -> None:
    """Refuse a ``weight`` or ``bias`` that is neither None nor a Tensor shaped ``shape``."""
    for name, value in (("weight", weight), ("bias", bias)):
        if value is None:
            continue
        if not isinstance(value, Tensor):
            raise TypeError(f"{where}: {name} must be a Tensor or None, got "
                            f"{type(value).__name__}")
        if value.shape != shape:
            raise ValueError(f"{where}: {name} must be shaped {shape}, got {value.shape}")


def _affine(y: Tensor, weight: Tensor | None, bias: Tensor | None,
            view: tuple[int, ...]) -> Tensor:
    """y · weight + bias, each viewed as ``view`` to broadcast along the right dims."""
    if weight is not None:
        y = y * (weight if weight.shape == view else weight.reshape(view))
    if bias is not None:
        y = y + (bias if bias.shape == view else bias.reshape(view))
    return y


def embedding(
    input: Tensor | ArrayLike, weight: Tensor, padding_idx: int | None = None
) -> Tensor:
    """Rows of ``weight`` picked by the integer ``input``: shaped ``input.shape + (dim,)``.

    Positions whose index is ``padding_idx`` (negative counts from the end)
    get their row's value but send no gradient to it, as in PyTorch.

    Raises:
        TypeError: if ``weight`` is not a 2-D Tensor or ``input`` is not integers.
        ValueError: if ``padding_idx`` is not a row of ``weight``.
        IndexError: for an index outside [0, num_embeddings).
    """
    op = "embedding"
    weight = checks.tensor(op, "weight", weight)
    if weight.ndim != 2:
        raise TypeError(f"{op}: weight must be 2-D (num_embeddings, embedding_dim), got "
                        f"shape {weight.shape}")
    indices = checks.rectangular(op, "indices", input)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"{op}: indices must be integers, got dtype {indices.dtype} (convert "
                        "them with .astype(int))")
    rows = weight.shape[0]
    if indices.size and (indices.min() < 0 or indices.max() >= rows):
        bad = int(indices.min() if indices.min() < 0 else indices.max())
        raise IndexError(f"{op}: index {bad} is out of range for {rows} embeddings (indices "
                         f"must be in [0, {rows}))")
    if padding_idx is not None:
        if not -rows <= checks.check_int(op, "padding_idx", padding_idx, -rows) < rows:
            raise ValueError(f"{op}: padding_idx must be within num_embeddings ({rows}), got "
                             f"{padding_idx}")
        padding_idx %= rows  # -1 is the last row, as in PyTorch
    looked_up = weight[indices]
    if padding_idx is not None and (indices == padding_idx).any():
        # the padding row's value, but through a detached weight: no gradient to it
        looked_up = where((indices != padding_idx)[..., None], looked_up,
                          weight.detach()[indices])
    return looked_up


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices as one-hot rows: an int64 Tensor shaped ``tensor.shape + (num_classes,)``.

    Row i has a 1 at column ``tensor[i]`` and 0 elsewhere. ``num_classes=-1``
    (the default) means one more than the largest index. The result has no
    graph: indices have no gradient.

    Unlike ``tm.data.one_hot(labels, num_classes)``, which takes arrays too,
    needs ``num_classes`` and returns a float64 ndarray (the article's
    training targets), this is PyTorch's ``F.one_hot``: a Tensor in, an int64
    Tensor out (``.double()`` it to use it as a target).

    Raises:
        TypeError: if ``tensor`` is not a Tensor of integers (any int dtype is
            taken; PyTorch takes only int64, with a RuntimeError otherwise) or
            ``num_classes`` is not an int.
        ValueError: for an index < 0 or >= ``num_classes``, ``num_classes`` < -1,
            or an empty ``tensor`` with ``num_classes=-1`` (nothing to infer it
            from); PyTorch raises a RuntimeError in each case.

    Example:
        >>> import tinygrad_mlp as tm
        >>> from tinygrad_mlp.nn import functional as F
        >>> F.one_hot(tm.tensor([0, 2]))
        tensor([[1, 0, 0],
                [0, 0, 1]])
    """
    op = "one_hot"
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{op}: tensor must be a Tensor of class indices, got "
                        f"{type(tensor).__name__}; wrap it with tm.tensor(...) (or use "
                        "tm.data.one_hot for float64 target arrays)")
    labels = tensor.data
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{op}: tensor must hold integer class indices, got dtype "
                        f"{labels.dtype}; convert it with .to(tm.int64)")
    classes = checks.check_int(op, "num_classes", num_classes, -1)
    if labels.size and labels.min() < 0:
        raise ValueError(f"{op}: class values must be non-negative, got {labels.min()}")
    if classes == -1:
        if not labels.size:
            raise ValueError(f"{op}: cannot infer num_classes from an empty tensor (shape "
                             f"{labels.shape}); pass num_classes")
        classes = int(labels.max()) + 1
    if labels.size and labels.max() >= classes:
        raise ValueError(f"{op}: class value {labels.max()} is out of range for "
                         f"num_classes={classes} (values must be in [0, {classes}))")
    return Tensor((labels[..., None] == np.arange(classes)).astype(np.int64))


def _input(input: object, where: str) -> None:
    """Refuse an input that is not a Tensor: a loss of a constant array has no gradient."""
    if not isinstance(input, Tensor):
        raise checks.not_a_tensor(where, input)


def _in_unit_interval(values: Tensor, what: str, hint: str) -> None:
    """Refuse values outside [0, 1], naming the range they span."""
    data = values.data
    if data.size and not (data.min() >= 0 and data.max() <= 1):  # so nan is refused too
        raise ValueError(
            f"binary_cross_entropy: {what} in [0, 1], got values from "
            f"{data.min()} to {data.max()}{hint}"
        )


def _target(target: Tensor | ArrayLike, where: str) -> Tensor:
    """The target as a tensor; one that requires grad gets its gradient, as in PyTorch.

    Data a Tensor cannot hold (None, strings, ragged lists) is refused in the
    loss's name, not the constructor's.
    """
    if isinstance(target, Tensor):
        return target
    try:
        return Tensor(target)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{where}: target {str(error).removeprefix('Tensor: data ')}") from None


def _same_shape(input: Tensor, target: Tensor, where: str) -> None:
    if input._data.shape != target._data.shape:
        raise ValueError(
            f"{where}: target shape {target.shape} differs from input shape {input.shape}"
        )


def _constant_weight(weight: Tensor | ArrayLike, input: Tensor, where: str) -> np.ndarray:
    """``weight`` as an array of the input's dtype: a constant, with no gradient as in PyTorch."""
    if isinstance(weight, Tensor):
        if weight.requires_grad:
            raise ValueError(
                f"{where}: weight requires grad, but a loss's weight gets no gradient (nor in "
                "PyTorch); pass weight.detach()"
            )
        weight = weight.data
    return np.asarray(weight, dtype=input.dtype)


def _check_reduction(where: str, reduction: object,
                     allowed: tuple[str, ...] = ("mean", "sum", "none")) -> None:
    """Refuse a ``reduction`` not among ``allowed``: a str, not an array (its == is elementwise)."""
    if not isinstance(reduction, str) or reduction not in allowed:
        names = ", ".join(repr(name) for name in allowed[:-1])
        raise ValueError(f"{where}: reduction must be {names} or {allowed[-1]!r}, got "
                         f"{reduction!r}")


def _reduce(losses: Tensor, reduction: Reduction, where: str) -> Tensor:
    _check_reduction(where, reduction)
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


def mse_loss(
    input: Tensor, target: Tensor | ArrayLike, reduction: Reduction = "mean"
) -> Tensor:
    """(input - target)², averaged over all elements by default.

    The mean of no elements is nan, as in PyTorch (the sum is 0).
    """
    _input(input, "mse_loss")
    checks.floating("mse_loss", input)  # an int result would be truncated (PyTorch refuses too)
    y = _target(target, "mse_loss")
    _same_shape(input, y, "mse_loss")
    _check_reduction("mse_loss", reduction)
    if reduction == "sum":
        return ops.SquaredError.apply(input, y, scale=1.0)
    if reduction == "mean":  # of no elements: nan · 0 = nan, PyTorch's 0/0 without a warning
        return ops.SquaredError.apply(input, y, scale=1.0 / input.size if input.size else np.nan)
    diff = input - y
    return _reduce(diff * diff, reduction, "mse_loss")


def l1_loss(
    input: Tensor, target: Tensor | ArrayLike, reduction: Reduction = "mean"
) -> Tensor:
    """|input - target|, averaged over all elements by default (the mean absolute error).

    Its gradient is sign(input - target) (0 where they are equal, as in
    PyTorch), scaled by 1/size for the mean.
    """
    _input(input, "l1_loss")
    y = _target(target, "l1_loss")
    _same_shape(input, y, "l1_loss")
    return _reduce_elementwise((input - y).abs(), reduction, "l1_loss")


def huber_loss(
    input: Tensor, target: Tensor | ArrayLike, reduction: Reduction = "mean", delta: float = 1.0
) -> Tensor:
    """½ d² where |d| < δ, else δ (|d| - ½ δ), for d = input - target, reduced as asked.

    A squared error near 0 that turns linear beyond ``delta`` δ, so an outlier
    pulls with a force of at most δ. The derivative in d is d inside and
    δ sign(d) outside; both are δ sign(d) at |d| = δ, so it is continuous. The
    second derivative is 1 strictly inside and 0 elsewhere, at |d| = δ too,
    as PyTorch's. ``huber_loss`` is ``delta · smooth_l1_loss(beta=delta)``.

    Raises:
        TypeError: if ``input`` is not a floating point Tensor or ``delta`` not a number.
        ValueError: if ``delta`` <= 0 (as PyTorch), the target's shape differs
            from the input's, or ``reduction`` is unknown.
    """
    op = "huber_loss"
    d, size = _differences(input, target, op)
    delta = checks.real(op, "delta", delta)
    if not 0 < delta < math.inf:  # an infinite δ would turn the linear part's 0 gradient to nan
        raise ValueError(f"{op}: delta must be a positive finite number, got {delta} (PyTorch "
                         "refuses delta <= 0 too)")
    inside = size.data < delta
    near = where(inside, d, 0.0)  # 0 outside, so an infinite d sends no 0 · ∞ = nan back
    losses = where(inside, near * near * 0.5, (size - 0.5 * delta) * delta)
    return _reduce_elementwise(losses, reduction, op)


def smooth_l1_loss(
    input: Tensor, target: Tensor | ArrayLike, reduction: Reduction = "mean", beta: float = 1.0
) -> Tensor:
    """½ d² / β where |d| < β, else |d| - ½ β, for d = input - target, reduced as asked.

    The L1 loss with its kink at 0 rounded off by a parabola of width
    ``beta`` β; its derivative is d / β inside, sign(d) outside, the same at
    |d| = β. β = 0 is the L1 loss itself (gradient 0 where d = 0), as in
    PyTorch. It equals ``huber_loss(delta=beta) / beta`` for β > 0.

    Raises:
        TypeError: if ``input`` is not a floating point Tensor or ``beta`` not a number.
        ValueError: if ``beta`` < 0 (as PyTorch), the target's shape differs
            from the input's, or ``reduction`` is unknown.
    """
    op = "smooth_l1_loss"
    d, size = _differences(input, target, op)
    beta = checks.real(op, "beta", beta)
    if not beta >= 0:
        raise ValueError(f"{op}: beta must be >= 0, got {beta} (PyTorch refuses negative "
                         "values too)")
    if beta == 0:  # no parabola: the L1 loss (and no division by β)
        return _reduce_elementwise(size, reduction, op)
    inside = size.data < beta
    near = where(inside, d, 0.0)  # 0 outside, so an infinite d sends no 0 · ∞ = nan back
    losses = where(inside, near * near * (0.5 / beta), size - 0.5 * beta)
    return _reduce_elementwise(losses, reduction, op)


def _differences(input: Tensor, target: Tensor | ArrayLike, op: str) -> tuple[Tensor, Tensor]:
    """d = input - target and |d|, after checking input (floating) and target (same shape)."""
    _input(input, op)
    checks.floating(op, input)
    y = _target(target, op)
    _same_shape(input, y, op)
    d = input - y
    return d, d.abs()


def _check_kl_reduction(where: str, reduction: object) -> None:
    """Refuse a ``reduction`` that ``kl_div`` does not take (it adds "batchmean")."""
    _check_reduction(where, reduction, ("mean", "batchmean", "sum", "none"))


def kl_div(input: Tensor, target: Tensor | ArrayLike, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    """The Kullback-Leibler divergence Σ p (ln p - input) of ``target`` p from log-probabilities.

    ``input`` holds log-probabilities (``log_softmax``'s); ``target`` holds
    probabilities, or their logs with ``log_target=True``. Pointwise the loss
    is ``xlogy(p, p) - p · input`` (0 where p is 0), or ``eᵗ (t - input)``
    for a log target t. ``reduction="batchmean"`` divides the sum by the
    batch size (the first dim), which is the divergence of each example's
    distribution, averaged; ``"mean"`` (the default, as PyTorch's) divides by
    the number of elements, with PyTorch's warning; ``"sum"`` and ``"none"``
    as the other losses.
    """
    _input(input, "kl_div")
    checks.floating("kl_div", input)
    y = _target(target, "kl_div")
    _same_shape(input, y, "kl_div")
    _check_kl_reduction("kl_div", reduction)
    losses = y.exp() * (y - input) if log_target else y.xlogy(y) - y * input
    if reduction == "mean":
        warnings.warn("kl_div: reduction='mean' divides by the number of elements, not by the "
                      "batch size; 'batchmean' gives the divergence per example, as its "
                      "definition does (PyTorch warns the same)", UserWarning, stacklevel=2)
    if reduction != "batchmean":
        return _reduce_elementwise(losses, reduction, "kl_div")  # type: ignore[arg-type]
    return losses.sum() / (input.shape[0] if input.ndim else 1)


def _reduce_elementwise(losses: Tensor, reduction: Reduction, where: str) -> Tensor:
    """``_reduce``, but the mean of no elements is nan, as PyTorch's 0/0, without a warning."""
    if reduction == "mean" and not losses.size:
        return losses.sum() * np.nan
    return _reduce(losses, reduction, where)


def quadratic_cost(
    output: Tensor, target: Tensor | ArrayLike, reduction: Literal["mean", "sum"] = "mean"
) -> Tensor:
    """The article's cost, Nielsen's eq. (6): C = 1/(2n) Σₓ ‖y(x) - a(x)‖².

    With ``reduction="mean"`` the sum of squares is halved and divided by the
    number of examples n (rows), so plain SGD with learning rate η makes the
    article's update w -= (η/n) Σₓ ∂Cₓ/∂w; ``"sum"`` leaves out the 1/n.
    """
    _input(output, "quadratic_cost")
    checks.floating("quadratic_cost", output)
    y = _target(target, "quadratic_cost")
    _same_shape(output, y, "quadratic_cost")
    _check_reduction("quadratic_cost", reduction, ("mean", "sum"))
    shape = output._data.shape
    examples = shape[0] if reduction == "mean" and len(shape) > 1 else 1
    # no examples: nan, as the other losses' mean of nothing (the sum is 0)
    return ops.SquaredError.apply(output, y, scale=0.5 / examples if examples else np.nan)


def binary_cross_entropy(
    input: Tensor,
    target: Tensor | ArrayLike,
    weight: Tensor | ArrayLike | None = None,
    reduction: Reduction = "mean",
) -> Tensor:
    """-w (y log p + (1 - y) log(1 - p)) for probabilities p = input in [0, 1].

    ``weight`` w rescales each element's loss; it must broadcast to the input's
    shape, and it is a constant (no gradient), as in PyTorch. Without it, w = 1.
    The mean is over all elements, whatever the weights.
    """
    _input(input, "binary_cross_entropy")
    y = _target(target, "binary_cross_entropy")
    _same_shape(input, y, "binary_cross_entropy")
    _in_unit_interval(input, "input must be probabilities", " (apply sigmoid to logits)")
    _in_unit_interval(y, "target must be probabilities", "")
    losses = _BinaryCrossEntropy.apply(input, y)
    if weight is not None:
        w = _constant_weight(weight, input, "binary_cross_entropy")
        fits = w.ndim <= input.ndim and all(
            side in (1, full) for side, full in zip(w.shape[::-1], input.shape[::-1]))
        if not fits:
            raise ValueError(
                f"binary_cross_entropy: weight of shape {w.shape} does not broadcast to the "
                f"input shape {input.shape}"
            )
        losses = losses * w
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


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor | ArrayLike,
    weight: Tensor | ArrayLike | None = None,
    reduction: Reduction = "mean",
    pos_weight: Tensor | ArrayLike | None = None,
) -> Tensor:
    """Binary cross-entropy of σ(input) against ``target``, computed from the logits stably.

    Per element, with x the logit, t the target and c = 1 + (pos_weight - 1) t:
    (1 - t) x + c ln(1 + e⁻ˣ), which is -(c t ln σ(x) + (1 - t) ln(1 - σ(x)))
    without ever forming σ(x), so nothing saturates; ln(1 + e⁻ˣ) is taken as
    m + ln(e⁻ᵐ + e⁻ˣ⁻ᵐ) with m = max(-x, 0), as PyTorch does. The gradient is
    σ(x) - t without pos_weight. ``weight`` rescales each element's loss and
    ``pos_weight`` the positive term (one per class, along the last dim);
    both are constants and must broadcast to the input's shape.
    """
    _activation_input(input, "binary_cross_entropy_with_logits")
    y = _target(target, "binary_cross_entropy_with_logits")
    _same_shape(input, y, "binary_cross_entropy_with_logits")
    shift = (-input).relu()
    log_one_plus = shift + ((-shift).exp() + (-input - shift).exp()).log()
    if pos_weight is not None:
        positive = _broadcast_weight(pos_weight, input, "pos_weight")
        log_one_plus = log_one_plus * (y * (positive - 1.0) + 1.0)
    losses = (1.0 - y) * input + log_one_plus
    if weight is not None:
        losses = losses * _broadcast_weight(weight, input, "weight")
    return _reduce(losses, reduction, "binary_cross_entropy_with_logits")


def _broadcast_weight(weight: Tensor | ArrayLike, input: Tensor, name: str,
                      where: str = "binary_cross_entropy_with_logits") -> np.ndarray:
    """A constant weight of the input's dtype that broadcasts to its shape, checked."""
    w = _constant_weight(weight, input, f"{where}: {name}")
    try:
        if np.broadcast_shapes(w.shape, input.shape) != input.shape:
            raise ValueError
    except ValueError:
        raise ValueError(f"{where}: {name} of shape {w.shape} does not broadcast to the input "
                         f"shape {input.shape}") from None
    return w


def cross_entropy(
    input: Tensor,
    target: Tensor | ArrayLike,
    weight: Tensor | ArrayLike | None = None,
    ignore_index: int = -100,
    reduction: Reduction = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Softmax cross-entropy from logits shaped (N, C), computed stably with log_softmax.

    Each example's loss is -Σ_c q_c log p_c: the cross-entropy between a target
    distribution q over the C classes and the model's p = softmax(input).

    - ``target`` gives q: class indices shaped (N,) (ints in [0, C), q one-hot)
      or class probabilities shaped (N, C).
    - ``label_smoothing`` ε in [0, 1] mixes q with the uniform distribution:
      q ← (1 - ε) q + ε / C.
    - ``weight`` w, shaped (C,), rescales each class: q_c ← w_c q_c. It is a
      constant (no gradient), as in PyTorch.
    - ``ignore_index`` (class indices only): an example with this target loses 0.

    With class indices the mean divides by Σ w[yᵢ] over the examples not
    ignored (their count without weights), and is nan, with zero gradient, when
    all are ignored, as in PyTorch; with probabilities it divides by N.
    """
    _input(input, "cross_entropy")
    _check_reduction("cross_entropy", reduction)
    _check_ignore_index("cross_entropy", ignore_index)
    if input.ndim != 2:
        raise ValueError(f"cross_entropy: input must be logits shaped (N, C), got {input.shape}")
    n, classes = input.shape
    y = _target(target, "cross_entropy")
    if y.ndim == 1 and y.dtype.kind not in "iu":
        raise ValueError(
            f"cross_entropy: a target shaped (N,) holds class indices, which must be ints; "
            f"got dtype {y.dtype} (convert it with .astype(int))"
        )
    label_smoothing = checks.real("cross_entropy", "label_smoothing", label_smoothing)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    w = _class_weight(weight, input, "cross_entropy")
    log_p = input.log_softmax(axis=1)
    if y.dtype.kind in "iu":
        if y.shape == input.shape:
            raise ValueError(
                f"cross_entropy: a target shaped like the input, {y.shape}, holds class "
                f"probabilities, which must be floating point; got dtype {y.dtype} (convert "
                f"it, e.g. one_hot(y).astype(float), or give class indices shaped ({n},))"
            )
        losses, kept, total = _picked_log_probabilities(
            log_p, y, w, ignore_index, "cross_entropy", label_smoothing)
    else:
        _same_shape(input, y, "cross_entropy")
        if ignore_index >= 0:  # PyTorch's rule: the default -100 and other negatives pass
            raise ValueError(
                f"cross_entropy: ignore_index={ignore_index} needs class-index targets, got "
                f"probabilities shaped {y.shape}"
            )
        smoothing = label_smoothing / classes  # the uniform part of q, on every class
        q = y * (1.0 - label_smoothing) + smoothing if label_smoothing else y
        losses = -(log_p * (q if w is None else q * w)).sum(axis=1)
        kept, total = np.ones(n, dtype=bool), float(n)
    return _reduce_kept(losses, kept, total, reduction, "cross_entropy")


def nll_loss(
    input: Tensor,
    target: Tensor | ArrayLike,
    weight: Tensor | ArrayLike | None = None,
    ignore_index: int = -100,
    reduction: Reduction = "mean",
) -> Tensor:
    """The negative log-likelihood -w[yᵢ] · input[i, yᵢ] of class indices y, shaped (N,).

    ``input`` holds log-probabilities shaped (N, C), usually from
    ``log_softmax``: ``nll_loss(x.log_softmax(1), y)`` is ``cross_entropy(x, y)``.
    ``weight`` (a constant, shaped (C,)) rescales each class, and an example
    whose target is ``ignore_index`` loses 0. The mean divides by Σ w[yᵢ]
    over the examples not ignored, as in PyTorch.
    """
    _input(input, "nll_loss")
    _check_reduction("nll_loss", reduction)
    _check_ignore_index("nll_loss", ignore_index)
    if input.ndim != 2:
        raise ValueError(
            f"nll_loss: input must be log-probabilities shaped (N, C), got {input.shape}"
        )
    y = _target(target, "nll_loss")
    if y.dtype.kind not in "iu":
        raise ValueError(
            f"nll_loss: target must be class indices, ints shaped ({input.shape[0]},); got "
            f"dtype {y.dtype} (convert it with .astype(int))"
        )
    w = _class_weight(weight, input, "nll_loss")
    losses, kept, total = _picked_log_probabilities(input, y, w, ignore_index, "nll_loss")
    return _reduce_kept(losses, kept, total, reduction, "nll_loss")


def _class_weight(
    weight: Tensor | ArrayLike | None, input: Tensor, where: str
) -> np.ndarray | None:
    """A loss's per-class ``weight`` as a constant array shaped (C,), or None."""
    if weight is None:
        return None
    w = _constant_weight(weight, input, where)
    classes = input.shape[1]
    if w.shape != (classes,):
        raise ValueError(
            f"{where}: weight must hold one value per class, shape ({classes},), got "
            f"{w.shape} (input shape {input.shape})"
        )
    return w


def _check_ignore_index(op: str, ignore_index: object) -> None:
    """Refuse an ``ignore_index`` that is not an int (None too), as PyTorch does."""
    if isinstance(ignore_index, (bool, np.bool_)) or not isinstance(ignore_index,
                                                                     (int, np.integer)):
        raise TypeError(f"{op}: ignore_index must be an int (the default is -100), got "
                        f"{ignore_index!r}")


def _picked_log_probabilities(
    log_p: Tensor, y: Tensor, w: np.ndarray | None, ignore_index: int, op: str,
    label_smoothing: float = 0.0,
) -> tuple[Tensor, np.ndarray, float]:
    """Each example's -log p of its class (weighted, smoothed), which count, and their weight.

    Returns:
        The losses shaped (N,), a mask of the examples not ignored, and the
        divisor of the mean: their number, or their total weight Σ w[yᵢ].
    """
    n, classes = log_p.shape
    kept = _kept_examples(log_p, y, ignore_index, op)
    picked = np.where(kept, y.data, 0)
    chosen = log_p[np.arange(n), picked]
    rows = log_p
    if not kept.all():  # ignored rows become -0 before any arithmetic: a -inf gives no nan
        chosen = where(kept, chosen, -0.0)  # (negated, -0 is the loss 0, not -0)
        rows = where(kept[:, None], log_p, -0.0) if label_smoothing else log_p
    scale = 1.0 - label_smoothing if w is None else (1.0 - label_smoothing) * w[picked]
    losses = -chosen * scale
    if label_smoothing:  # only then: 0 · log p would be nan where p is 0
        smoothing = label_smoothing / classes  # the uniform part of q, on every class
        uniform = np.full(classes, smoothing, log_p.dtype) if w is None else w * smoothing
        losses = losses - (rows * uniform).sum(axis=1)
    total = float(kept.sum() if w is None else w[y.data[kept]].sum())
    return losses, kept, total


def _reduce_kept(
    losses: Tensor, kept: np.ndarray, total: float, reduction: Reduction, where: str
) -> Tensor:
    """Reduce per-example losses; the mean sums the kept examples and divides by ``total``."""
    if reduction != "mean":
        return _reduce(losses, reduction, where)
    # Summing only the kept examples gives the ignored ones a zero gradient even
    # when the mean itself is PyTorch's 0/0 = nan (made here without numpy's warning).
    kept_losses = losses if kept.all() else losses[kept]
    return kept_losses.sum() / total if total else kept_losses.sum() * np.nan


def _kept_examples(input: Tensor, y: Tensor, ignore_index: int, where: str) -> np.ndarray:
    """Which examples count: those whose class index is not ``ignore_index``.

    Raises:
        ValueError: if the target is not shaped (N,).
        IndexError: for a class index out of range that is not ``ignore_index``.
    """
    n, classes = input.shape
    if y.shape != (n,):
        raise ValueError(f"{where}: class-index target must have shape ({n},), got {y.shape}")
    kept = y.data != ignore_index
    bad = kept & ((y.data < 0) | (y.data >= classes))
    if bad.any():
        raise IndexError(
            f"{where}: target class {int(y.data[bad][0])} is out of range for "
            f"{classes} classes (input shape {input.shape}), and is not ignore_index "
            f"({ignore_index})"
        )
    return kept


# -- distances: cosine_similarity, pairwise_distance, pdist ---------------------------------


def _at_least(x: Tensor, floor: float) -> Tensor:
    """max(x, floor) in value, with the gradient of x itself, as PyTorch's clamps.

    PyTorch clamps the variance of ``gaussian_nll_loss`` and the norms of
    ``cosine_similarity`` in place under ``no_grad``, so the clamp is
    invisible to autograd: where x < floor the value is floor, yet the
    gradient still flows to x with slope 1. x - x is exactly 0, so the value
    is exactly ``floor`` there.
    """
    low = x.data < floor  # nan is not below the floor: it passes, as in PyTorch
    return where(low, x - x.data + floor, x) if low.any() else x


def _p_norm(x: Tensor, p: float, axes: tuple[int, ...] | None, keepdim: bool) -> Tensor:
    """‖x‖_p over ``axes``; p = 0 counts the nonzero elements (a step: no gradient)."""
    if p == 0:
        count = (x.data != 0).sum(axis=axes, keepdims=keepdim).astype(x.dtype)
        return Tensor(count)
    norm = _vector_norm(x, p, axes)
    if keepdim:
        return norm
    kept = set(range(x.ndim)) if axes is None else set(axes)
    return norm.reshape(tuple(n for d, n in enumerate(x.shape) if d not in kept))


def _norm_order(op: str, p: object) -> float:
    """The order p of a distance: a number >= 0 (0 counts differences, ``math.inf`` is the max)."""
    order = checks.real(op, "p", p)
    if not order >= 0:
        raise ValueError(f"{op}: p must be >= 0 (the order of the norm: 1, 2, math.inf...), "
                         f"got {p}")
    return order


def _broadcast_pair(op: str, x1: object, x2: object) -> tuple[Tensor, Tensor]:
    """Two floating point Tensors expanded to their broadcast shape, checked."""
    x1, x2 = checks.tensor(op, "x1", x1), checks.tensor(op, "x2", x2)
    for x in (x1, x2):
        checks.floating(op, x)
    try:
        shape = np.broadcast_shapes(x1.shape, x2.shape)
    except ValueError:
        raise ValueError(f"{op}: x1 of shape {x1.shape} and x2 of shape {x2.shape} do not "
                         "broadcast together") from None
    return (x1 if x1.shape == shape else x1.expand(shape),
            x2 if x2.shape == shape else x2.expand(shape))


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Σ (x1 / max(‖x1‖, eps)) (x2 / max(‖x2‖, eps)) along ``dim``: the cosine of their angle.

    x1 and x2 broadcast together first. Each is divided by its own 2-norm
    along ``dim``, clamped at ``eps``, before the product is summed: PyTorch
    2.13's formula, which keeps the result in [-1, 1] and never forms
    ‖x1‖ ‖x2‖ (older PyTorch clamped that product at eps instead). As in
    PyTorch, the clamp does not change the gradient: below eps the norm
    counts as eps in value, but its slope x/‖x‖ still reaches the input.

    Raises:
        TypeError: if x1 or x2 is not a floating point Tensor, or eps not a number.
        ValueError: if their shapes do not broadcast together.
        IndexError: if ``dim`` is out of range for the broadcast shape.
    """
    op = "cosine_similarity"
    a, b = _broadcast_pair(op, x1, x2)
    floor = checks.real(op, "eps", eps)
    axes = checks.axes(op, (_dim(op, dim, a, max(a.ndim, 1)),), a.ndim)
    a_unit = a / _at_least(_vector_norm(a, 2.0, axes), floor)
    b_unit = b / _at_least(_vector_norm(b, 2.0, axes), floor)
    return (a_unit * b_unit).sum(axes)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """‖x1 - x2 + eps‖_p over the last dim, after x1 and x2 broadcast together.

    ``eps`` is added to each difference, not to the norm, as PyTorch does, so
    two equal vectors of n elements are eps · n^(1/p) apart, and the
    gradient is defined there. p = 0 counts the nonzero differences (no
    gradient) and ``math.inf`` takes the largest.

    Raises:
        TypeError: if x1 or x2 is not a floating point Tensor, or p or eps not a number.
        ValueError: if p < 0 (PyTorch takes negative orders, which are not norms),
            or the shapes do not broadcast together.
    """
    op = "pairwise_distance"
    a, b = _broadcast_pair(op, x1, x2)
    order = _norm_order(op, p)
    shift = checks.real(op, "eps", eps)
    axes = (a.ndim - 1,) if a.ndim else None
    return _p_norm(a - b + shift, order, axes, bool(keepdim))


def pdist(input: Tensor, p: float = 2.0) -> Tensor:
    """‖xᵢ - xⱼ‖_p for every pair of rows i < j of an (N, M) input: N (N - 1) / 2 values.

    The pairs come in the order (0, 1), (0, 2), ..., (0, N-1), (1, 2), ...:
    the upper triangle of the distance matrix, row by row, as in PyTorch
    (``scipy.spatial.distance.pdist`` too). A zero distance has gradient 0.

    Raises:
        TypeError: if ``input`` is not a floating point Tensor or p not a number.
        ValueError: if ``input`` is not 2-D or p < 0.
    """
    op = "pdist"
    _activation_input(input, op)
    if input.ndim != 2:
        raise ValueError(f"{op}: input must be 2-D, rows of vectors shaped (N, M), got shape "
                         f"{input.shape}")
    order = _norm_order(op, p)
    first, second = np.triu_indices(input.shape[0], 1)
    return _p_norm(input[first] - input[second], order, (1,), False)


# -- margin, ranking and likelihood losses -----------------------------------------------------


def _clamp_min_zero(z: Tensor) -> Tensor:
    """max(z, 0), passing the gradient at z = 0 and nan through: PyTorch's ``clamp_min``."""
    return where(z.data < 0, 0.0, z)


def _loss_inputs(op: str, input: Tensor, target: Tensor | ArrayLike) -> Tensor:
    """The target as a Tensor, after checking the input (floating) and the shapes (equal)."""
    _input(input, op)
    checks.floating(op, input)
    y = _target(target, op)
    _same_shape(input, y, op)
    return y


def _pair_inputs(op: str, input1: Tensor, input2: Tensor, target: Tensor | ArrayLike,
                 target_like_inputs: bool = True) -> Tensor:
    """The target as a Tensor, after checking both inputs (floating, one shape) and its shape."""
    for name, x in (("input1", input1), ("input2", input2)):
        checks.floating(op, checks.tensor(op, name, x))
    y = _target(target, op)
    if input1.shape != input2.shape or (target_like_inputs and y.shape != input1.shape):
        target_shape = f" and target {y.shape}" if target_like_inputs else ""
        raise ValueError(f"{op}: input1 {input1.shape}, input2 {input2.shape}{target_shape} "
                         "must have the same shape (PyTorch broadcasts them)")
    return y


def poisson_nll_loss(input: Tensor, target: Tensor | ArrayLike, log_input: bool = True,
                     full: bool = False, eps: float = 1e-8,
                     reduction: Reduction = "mean") -> Tensor:
    """The negative log-likelihood of counts t under a Poisson law of rate λ, less constants.

    With ``log_input`` (the default) the input is ln λ and the loss eˣ - t x;
    otherwise it is λ itself and the loss λ - t ln(λ + eps). ``full`` adds
    Stirling's approximation of ln t!, t ln t - t + ½ ln(2π t), where t > 1
    (0 elsewhere), as PyTorch does.

    Raises:
        TypeError: if ``input`` is not a floating point Tensor or eps not a number.
        ValueError: if the target's shape differs from the input's (PyTorch
            broadcasts them), or ``reduction`` is unknown.
    """
    op = "poisson_nll_loss"
    y = _loss_inputs(op, input, target)
    shift = checks.real(op, "eps", eps)
    losses = input.exp() - y * input if log_input else input - y * (input + shift).log()
    if full:
        counted = y.data > 1
        t = where(counted, y, 2.0)  # a stand-in where t <= 1 keeps ln 0 out of the graph
        stirling = t * t.log() - t + (t * (2 * math.pi)).log() * 0.5
        losses = losses + where(counted, stirling, 0.0)
    return _reduce_elementwise(losses, reduction, op)


def _variance(op: str, var: Tensor | float, input: Tensor) -> Tensor:
    """``var`` checked and shaped to broadcast to the input by PyTorch's rules.

    A number or a Tensor of the input's shape is taken as it is; one with the
    input's shape but for its last dim gets that dim back as size 1; one with
    the input's dims that differs from it in a single dim, where it is 1,
    broadcasts along it. Anything else is refused.
    """
    if not isinstance(var, Tensor):
        value = checks.real(op, "var", var)
        if value < 0:
            raise ValueError(f"{op}: var has negative entries: got {value}")
        return Tensor(np.full(input.shape, value, dtype=input.dtype))
    if (var.data < 0).any():
        raise ValueError(f"{op}: var has negative entries (the smallest is {var.data.min()})")
    if var.shape == input.shape:
        return var
    if var.shape == input.shape[:-1]:
        return var.unsqueeze(-1)
    mismatched = [v for i, v in zip(input.shape, var.shape) if i != v]
    if var.ndim != input.ndim or sum(mismatched) != 1:
        raise ValueError(f"{op}: var is of incorrect size {var.shape} for input shape "
                         f"{input.shape}: it must be the input's shape, that shape without its "
                         "last dim, or that shape with a single dim of size 1")
    return var


def gaussian_nll_loss(input: Tensor, target: Tensor | ArrayLike, var: Tensor | float,
                      full: bool = False, eps: float = 1e-6,
                      reduction: Reduction = "mean") -> Tensor:
    """½ (ln max(σ², eps) + (input - target)² / max(σ², eps)), σ² = ``var``: Gaussian NLL.

    The negative log-likelihood of the target under N(input, var), less the
    constant ½ ln 2π unless ``full``. ``var`` is a number, or a Tensor with
    one variance per element or broadcasting by PyTorch's rules (see
    ``_variance``). The clamp at eps is PyTorch's: done out of autograd's
    sight, so a variance below eps still gets the gradient the formula has
    at eps.

    Raises:
        TypeError: if ``input`` is not a floating point Tensor, or var or eps
            not a number.
        ValueError: if var has a negative entry or the wrong shape, the target's
            shape differs from the input's, or ``reduction`` is unknown.
    """
    op = "gaussian_nll_loss"
    y = _loss_inputs(op, input, target)
    variance = _at_least(_variance(op, var, input), checks.real(op, "eps", eps))
    d = input - y
    losses = (variance.log() + d * d / variance) * 0.5
    if full:
        losses = losses + 0.5 * math.log(2 * math.pi)
    return _reduce_elementwise(losses, reduction, op)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor | ArrayLike,
                        margin: float = 0.0, reduction: Reduction = "mean") -> Tensor:
    """max(0, -y (x1 - x2) + margin): y = 1 asks x1 to rank above x2 by the margin, -1 below.

    Raises:
        TypeError: if an input is not a floating point Tensor or margin not a number.
        ValueError: if the three shapes differ (PyTorch broadcasts them), or
            ``reduction`` is unknown.
    """
    op = "margin_ranking_loss"
    y = _pair_inputs(op, input1, input2, target)
    gap = checks.real(op, "margin", margin)
    return _reduce_elementwise(_clamp_min_zero(-y * (input1 - input2) + gap), reduction, op)


def hinge_embedding_loss(input: Tensor, target: Tensor | ArrayLike, margin: float = 1.0,
                         reduction: Reduction = "mean") -> Tensor:
    """x where y = 1, max(0, margin - x) where y = -1: x is a distance, y says "similar" or not.

    As in PyTorch, a target that is neither 1 nor -1 gets both terms.

    Raises:
        TypeError: if ``input`` is not a floating point Tensor or margin not a number.
        ValueError: if the target's shape differs from the input's, or
            ``reduction`` is unknown.
    """
    op = "hinge_embedding_loss"
    y = _loss_inputs(op, input, target).data
    gap = checks.real(op, "margin", margin)
    losses = where(y != 1, _clamp_min_zero(gap - input), 0.0) + where(y != -1, input, 0.0)
    return _reduce_elementwise(losses, reduction, op)


def soft_margin_loss(input: Tensor, target: Tensor | ArrayLike,
                     reduction: Reduction = "mean") -> Tensor:
    """ln(1 + e^(-y x)) for labels y = ±1: the logistic loss of a two-class classifier.

    Computed as softplus(-y x) without its linear cut-off, stable for any
    y x (PyTorch's log1p(exp(-y x)) overflows to inf past y x ≈ -710).

    Raises:
        TypeError: if ``input`` is not a floating point Tensor.
        ValueError: if the target's shape differs from the input's, or
            ``reduction`` is unknown.
    """
    op = "soft_margin_loss"
    y = _loss_inputs(op, input, target)
    losses = _Softplus.apply(-y * input, beta=1.0, threshold=math.inf)
    return _reduce_elementwise(losses, reduction, op)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor | ArrayLike,
                                weight: Tensor | ArrayLike | None = None,
                                reduction: Reduction = "mean") -> Tensor:
    """-(1/C) Σ_c w_c (y_c ln σ(x_c) + (1 - y_c) ln σ(-x_c)): one loss per example.

    Binary cross-entropy on the logits of C independent labels (the last dim),
    averaged over them, so ``"none"`` gives one value per example. ``weight``
    (a constant) must broadcast to the input's shape.

    Raises:
        TypeError: if ``input`` is not a floating point Tensor.
        ValueError: if the input is 0-d, the target's shape differs from the
            input's, weight does not broadcast, or ``reduction`` is unknown.
    """
    op = "multilabel_soft_margin_loss"
    y = _loss_inputs(op, input, target)
    if not input.ndim:
        raise ValueError(f"{op}: input must have a class dim (C,) or (N, C), got shape ()")
    losses = -(y * _LogSigmoid.apply(input) + (1.0 - y) * _LogSigmoid.apply(-input))
    if weight is not None:
        losses = losses * _broadcast_weight(weight, input, "weight", op)
    return _reduce_elementwise(losses.sum(-1) / input.shape[-1], reduction, op)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor | ArrayLike,
                          margin: float = 0.0, reduction: Reduction = "mean") -> Tensor:
    """1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1, else 0.

    cos = Σ x1 x2 / √((Σ x1² + 1e-12)(Σ x2² + 1e-12)) over the last dim, as
    PyTorch computes it. Inputs are (N, D) with a target (N,), or (D,) with a
    0-d target.

    Raises:
        TypeError: if an input is not a floating point Tensor or margin not a number.
        ValueError: if the shapes are not one of those pairs, or ``reduction``
            is unknown.
    """
    op = "cosine_embedding_loss"
    y = _pair_inputs(op, input1, input2, target, target_like_inputs=False)
    if y.ndim > 1 or input1.ndim != y.ndim + 1 or input1.shape[:1] != y.shape[:1] * y.ndim:
        raise ValueError(f"{op}: inputs must be (N, D) with a target (N,), or (D,) with a 0-d "
                         f"target; got inputs {input1.shape} and target {y.shape}")
    dim = y.ndim
    tiny = 1e-12  # PyTorch's EPSILON, added to each squared length
    cos = (input1 * input2).sum(dim) / (
        ((input1 * input1).sum(dim) + tiny) * ((input2 * input2).sum(dim) + tiny)).sqrt()
    gap = checks.real(op, "margin", margin)
    losses = where(y.data == 1, 1.0 - cos, 0.0) + where(
        y.data == -1, _clamp_min_zero(cos - gap), 0.0)
    return _reduce_elementwise(losses, reduction, op)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor,
                        margin: float = 1.0, p: float = 2.0, eps: float = 1e-6,
                        swap: bool = False, reduction: Reduction = "mean") -> Tensor:
    """max(0, d(a, p) + margin - d(a, n)), with d = ``pairwise_distance(·, ·, p, eps)``.

    Pulls the anchor towards the positive and away from the negative until
    the negative is ``margin`` further. ``swap`` uses min(d(a, n), d(p, n)) for
    the negative's distance (Balntas et al., 2016).

    Raises:
        TypeError: if an input is not a floating point Tensor, or margin, p
            or eps not a number.
        ValueError: if margin <= 0, p < 0, the inputs differ in their number
            of dims or do not broadcast, or ``reduction`` is unknown.
    """
    op = "triplet_margin_loss"
    gap = checks.real(op, "margin", margin)
    if not gap > 0:
        raise ValueError(f"{op}: margin must be greater than 0, got {margin}")
    for name, x in (("anchor", anchor), ("positive", positive), ("negative", negative)):
        checks.tensor(op, name, x)
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise ValueError(f"{op}: anchor, positive and negative must have the same number of "
                         f"dims, got shapes {anchor.shape}, {positive.shape} and "
                         f"{negative.shape}")
    to_positive = pairwise_distance(anchor, positive, p, eps)
    to_negative = pairwise_distance(anchor, negative, p, eps)
    if swap:
        to_negative = to_negative.minimum(pairwise_distance(positive, negative, p, eps))
    return _reduce_elementwise(_clamp_min_zero(to_positive + gap - to_negative), reduction, op)


def _margin_classes(op: str, input: Tensor, target: Tensor | ArrayLike) -> tuple[Tensor, Tensor]:
    """The input as rows (N, C) and the target as ints: a (C,) or 0-d input is one row.

    Raises:
        ValueError: for an input of more than 2 dims or no classes, or a target
            that is not ints.
    """
    _input(input, op)
    checks.floating(op, input)
    if input.ndim > 2 or (input.ndim and input.shape[-1] == 0):
        raise ValueError(f"{op}: input must be a non-empty vector (C,) or matrix (N, C), got "
                         f"shape {input.shape}")
    y = _target(target, op)
    if y.dtype.kind not in "iu":
        raise ValueError(f"{op}: target must hold class indices, ints; got dtype {y.dtype}")
    classes = input.shape[-1] if input.ndim else 1
    return input.reshape(-1, classes), y


def multi_margin_loss(input: Tensor, target: Tensor | ArrayLike, p: int = 1,
                      margin: float = 1.0, weight: Tensor | ArrayLike | None = None,
                      reduction: Reduction = "mean") -> Tensor:
    """(1/C) Σ_{i ≠ y} w_y max(0, margin - x_y + x_i)^p per example: the multi-class hinge.

    ``input`` holds scores (N, C), (C,) or one score (0-d); ``target`` the
    class y of each example, (N,), or (1,) or 0-d for a single one; ``weight``
    (a constant, (C,)) rescales each example by its class's weight. p is 1
    or 2. A term exactly at the hinge contributes no gradient, as in PyTorch.
    ``"none"`` gives one loss per example, 0-d for a 0-d target.

    Raises:
        TypeError: if ``input`` is not a floating point Tensor or margin not a number.
        ValueError: if p is not 1 or 2, the shapes do not fit, the target is
            not ints, or ``reduction`` is unknown.
        IndexError: for a class index outside [0, C).
    """
    op = "multi_margin_loss"
    if isinstance(p, bool) or p not in (1, 2):
        raise ValueError(f"{op}: only p == 1 and p == 2 are supported, got {p!r}")
    rows, y = _margin_classes(op, input, target)
    n, classes = rows.shape
    if y.ndim > 1 or y.size != n:
        raise ValueError(f"{op}: target must hold one class per example, {n}, got shape "
                         f"{y.shape} (input shape {input.shape})")
    labels = y.data.reshape(n)
    if ((labels < 0) | (labels >= classes)).any():
        bad = labels[(labels < 0) | (labels >= classes)][0]
        raise IndexError(f"{op}: target class {bad} is out of range for {classes} classes")
    gap = checks.real(op, "margin", margin)
    z = rows - rows[np.arange(n), labels].reshape(n, 1) + gap
    # The C++ kernel of PyTorch counts a term only where z > 0 and i is not the class.
    counted = (z.data > 0) & (np.arange(classes) != labels[:, None])
    hinge = where(counted, z, 0.0)
    terms = hinge if p == 1 else hinge * hinge
    if weight is not None:
        w = _constant_weight(weight, input, op)
        if w.ndim != 1 or w.size != classes:
            raise ValueError(f"{op}: weight must be 1-D with one value per class, "
                             f"({classes},), got shape {w.shape}")
        terms = terms * w[labels][:, None]
    losses = terms.sum(1) / classes
    return _reduce_elementwise(losses if y.ndim else losses.reshape(()), reduction, op)


def multilabel_margin_loss(input: Tensor, target: Tensor | ArrayLike,
                           reduction: Reduction = "mean") -> Tensor:
    """(1/C) Σ_j Σ_{i ∉ targets} max(0, 1 - (x_{y_j} - x_i)) per example: a multi-label hinge.

    Each row of ``target`` (ints, the input's shape) lists the example's
    classes y_j, ended by the first -1 (or by the row's end); every class
    listed must score a margin of 1 above every class not listed. A term
    exactly at the hinge contributes no gradient, as in PyTorch. ``"none"``
    gives one loss per example, 0-d for an input of one example.

    Raises:
        TypeError: if ``input`` is not a floating point Tensor.
        ValueError: if the shapes differ or do not fit, the target is not
            ints, or ``reduction`` is unknown.
        IndexError: for a class index outside [-1, C).
    """
    op = "multilabel_margin_loss"
    rows, y = _margin_classes(op, input, target)
    _same_shape(input, y, op)
    n, classes = rows.shape
    listed = y.data.reshape(n, classes)
    if ((listed < -1) | (listed >= classes)).any():
        bad = listed[(listed < -1) | (listed >= classes)][0]
        raise IndexError(f"{op}: target class {bad} is out of range for {classes} classes "
                         "(-1 ends the list)")
    before_end = np.cumprod(listed != -1, axis=1).astype(bool)
    counts = np.zeros((n, classes))  # how often each class is listed (a repeat counts twice)
    np.add.at(counts, (np.nonzero(before_end)[0], listed[before_end]), 1.0)
    pairs = counts[:, :, None] * (counts == 0)[:, None, :]  # (listed j, unlisted i)
    z = 1.0 - rows.reshape(n, classes, 1) + rows.reshape(n, 1, classes)
    hinge = where((z.data > 0) & (pairs > 0), z, 0.0)
    losses = (hinge * pairs.astype(input.dtype)).sum((1, 2)) / classes
    return _reduce_elementwise(losses if input.ndim == 2 else losses.reshape(()), reduction, op)
