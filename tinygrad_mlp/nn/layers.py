"""Layers: Linear, Bilinear, the activation modules, Identity, Flatten, Unflatten, dropouts."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from tinygrad_mlp import checks, ops
from tinygrad_mlp.dtypes import get_default_dtype
from tinygrad_mlp.nn import functional as F
from tinygrad_mlp.nn import init as nn_init
from tinygrad_mlp.nn.module import Module, Parameter
from tinygrad_mlp.random import check_generator
from tinygrad_mlp.tensor import Tensor

Generator = np.random.Generator | None


def _init_normal(w: Tensor, b: Tensor | None, fan_in: int, g: Generator) -> None:
    nn_init.normal_(w, generator=g)
    if b is not None:
        nn_init.normal_(b, generator=g)


def _init_nielsen(w: Tensor, b: Tensor | None, fan_in: int, g: Generator) -> None:
    nn_init.nielsen_normal_(w, generator=g)
    if b is not None:
        nn_init.normal_(b, generator=g)


def _init_pytorch(w: Tensor, b: Tensor | None, fan_in: int, g: Generator) -> None:
    nn_init.lecun_uniform_(w, fan_in, generator=g)
    if b is not None:
        nn_init.lecun_uniform_(b, fan_in, generator=g)


Init = Callable[[Tensor, Tensor | None, int, Generator], None]


def _zero_bias_after(fill: Callable[..., Tensor]) -> Init:
    def init(w: Tensor, b: Tensor | None, fan_in: int, g: Generator) -> None:
        fill(w, generator=g)
        if b is not None:
            nn_init.zeros_(b)

    return init


#: How ``Linear(init=...)`` fills weight and bias.
INITS: dict[str, Init] = {
    "pytorch": _init_pytorch,  # U(±1/√in) for both: PyTorch's default, ours too
    "normal": _init_normal,  # N(0, 1) for both: the article and Nielsen ch. 1
    "nielsen": _init_nielsen,  # weights N(0, 1/in), biases N(0, 1): Nielsen ch. 3
    "xavier_uniform": _zero_bias_after(nn_init.xavier_uniform_),
    "xavier_normal": _zero_bias_after(nn_init.xavier_normal_),
    "kaiming_uniform": _zero_bias_after(nn_init.kaiming_uniform_),
    "kaiming_normal": _zero_bias_after(nn_init.kaiming_normal_),
}


class Linear(Module):
    """y = x Wᵀ + b, with W shaped (out_features, in_features) as in PyTorch and Nielsen.

    Args:
        in_features: the size of each input row.
        out_features: the size of each output row.
        bias: whether to add a learned bias.
        dtype: the parameters' dtype (default: ``tm.get_default_dtype()``).
        device: None or "cpu", for PyTorch's signature; the CPU is the only one.
        init: one of ``INITS``: "pytorch" (the default, U(±1/√in_features)),
            "normal" (the article's N(0, 1)), "nielsen", "xavier_uniform",
            "xavier_normal", "kaiming_uniform", "kaiming_normal".
        generator: the random generator (default: the global one).
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        dtype: DTypeLike | None = None,
        device: str | None = None,
        init: str = "pytorch",
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        checks.device("Linear", device)
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"Linear: {name} must be a positive int, got {value!r}")
        if init not in INITS:
            raise ValueError(f"Linear: unknown init {init!r}; choose one of {sorted(INITS)}")
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.init = init
        chosen = np.dtype(dtype) if dtype is not None else get_default_dtype()
        if chosen.kind != "f":
            raise TypeError(
                f"Linear: dtype must be a floating point dtype (float32 or float64), got {chosen}"
            )
        self.weight = Parameter(np.empty((out_features, in_features), dtype=chosen))
        self.bias: Parameter | None = (
            Parameter(np.empty(out_features, dtype=chosen)) if bias else None
        )
        INITS[init](self.weight, self.bias, self.in_features, generator)

    def forward(self, x: Tensor) -> Tensor:
        """Apply the affine map to the last dimension of ``x``."""
        if not isinstance(x, Tensor):
            raise checks.not_a_tensor(repr(self), x)
        try:
            if self.bias is None:
                return ops.Linear.apply(x, self.weight)
            return ops.Linear.apply(x, self.weight, self.bias)
        except ValueError:  # the op checks the shapes; say it in the module's terms
            if x.ndim and x.shape[-1] == self.in_features:
                raise
            raise ValueError(
                f"{self!r}: input of shape {x.shape} should have {self.in_features} "
                "features in its last dimension"
            ) from None

    def extra_repr(self) -> str:
        """The arguments shown by repr."""
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Bilinear(Module):
    """yₖ = x1ᵀ Aₖ x2 + bₖ, with A = weight shaped (out, in1, in2) as in PyTorch (``F.bilinear``).

    weight and bias start as PyTorch's, U(±1/√in1_features), drawn from
    ``generator`` (default: the global one).

    Args:
        in1_features: the size of each row of the first input.
        in2_features: the size of each row of the second input.
        out_features: the size of each output row.
        bias: whether to add a learned bias.
        dtype: the parameters' dtype (default: ``tm.get_default_dtype()``).
        device: None or "cpu", for PyTorch's signature.
        generator: the random generator (default: the global one).
    """

    def __init__(self, in1_features: int, in2_features: int, out_features: int,
                 bias: bool = True, *, dtype: DTypeLike | None = None,
                 device: str | None = None, generator: np.random.Generator | None = None
                 ) -> None:
        super().__init__()
        checks.device("Bilinear", device)
        sizes = (("in1_features", in1_features), ("in2_features", in2_features),
                 ("out_features", out_features))
        for name, value in sizes:
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"Bilinear: {name} must be a positive int, got {value!r}")
        self.in1_features, self.in2_features = int(in1_features), int(in2_features)
        self.out_features = int(out_features)
        chosen = np.dtype(dtype) if dtype is not None else get_default_dtype()
        if chosen.kind != "f":
            raise TypeError(f"Bilinear: dtype must be a floating point dtype, got {chosen}")
        shape = (self.out_features, self.in1_features, self.in2_features)
        self.weight = Parameter(np.empty(shape, dtype=chosen))
        self.bias: Parameter | None = (
            Parameter(np.empty(self.out_features, dtype=chosen)) if bias else None)
        _init_pytorch(self.weight, self.bias, self.in1_features, check_generator(
            "Bilinear", generator))

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        """x1ᵀ Aₖ x2 + bₖ for each output k, over the last dims of the inputs."""
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        """The arguments shown by repr, as in PyTorch."""
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class Sigmoid(Module):
    """σ(x) = 1 / (1 + e⁻ˣ), elementwise."""

    def forward(self, x: Tensor) -> Tensor:
        """Apply the sigmoid."""
        return F.sigmoid(x)


class Tanh(Module):
    """tanh x, elementwise."""

    def forward(self, x: Tensor) -> Tensor:
        """Apply tanh."""
        return F.tanh(x)


class _Activation(Module):
    """An activation that takes PyTorch's ``inplace`` argument.

    ``inplace`` is accepted for PyTorch compatibility and shown by repr, but the
    result is always computed out of place: the graph keeps the input, which
    backward needs.
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def extra_repr(self) -> str:
        """The arguments shown by repr: ``inplace=True`` when set, as in PyTorch."""
        return "inplace=True" if self.inplace else ""


class ReLU(_Activation):
    """max(x, 0), elementwise (``inplace`` is accepted, see ``_Activation``)."""

    def forward(self, x: Tensor) -> Tensor:
        """Apply the rectifier."""
        return F.relu(x)


class LeakyReLU(_Activation):
    """x where x > 0, else negative_slope · x (see ``F.leaky_relu``)."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__(inplace)
        checks.real("LeakyReLU", "negative_slope", negative_slope)
        self.negative_slope = negative_slope

    def forward(self, x: Tensor) -> Tensor:
        """Apply the leaky rectifier."""
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        """The arguments shown by repr, as in PyTorch."""
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class PReLU(Module):
    """x where x > 0, else a · x, with a learned slope a (see ``F.prelu``).

    Args:
        num_parameters: 1 (one slope for all) or the number of channels (the
            input's dim 1), each with its own slope.
        init: the slopes' starting value.
        dtype: the slopes' dtype (default: ``tm.get_default_dtype()``).
        device: None or "cpu", for PyTorch's signature.
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, *,
                 dtype: DTypeLike | None = None, device: str | None = None) -> None:
        super().__init__()
        checks.device("PReLU", device)
        if isinstance(num_parameters, bool) or not isinstance(num_parameters, (int, np.integer)) \
                or num_parameters < 1:
            raise ValueError(f"PReLU: num_parameters must be a positive int, got "
                             f"{num_parameters!r}")
        checks.real("PReLU", "init", init)
        chosen = np.dtype(dtype) if dtype is not None else get_default_dtype()
        if chosen.kind != "f":
            raise TypeError(f"PReLU: dtype must be a floating point dtype, got {chosen}")
        self.num_parameters = int(num_parameters)
        self.weight = Parameter(np.full(self.num_parameters, init, dtype=chosen))

    def forward(self, x: Tensor) -> Tensor:
        """Apply the rectifier with the learned slopes."""
        return F.prelu(x, self.weight)

    def extra_repr(self) -> str:
        """The arguments shown by repr, as in PyTorch."""
        return f"num_parameters={self.num_parameters}"


class ELU(_Activation):
    """x where x > 0, else α (eˣ - 1) (see ``F.elu``)."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__(inplace)
        checks.real("ELU", "alpha", alpha)
        self.alpha = alpha

    def forward(self, x: Tensor) -> Tensor:
        """Apply the exponential linear unit."""
        return F.elu(x, self.alpha)

    def extra_repr(self) -> str:
        """The arguments shown by repr, as in PyTorch."""
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class SELU(_Activation):
    """λ x where x > 0, else λ α (eˣ - 1), SELU's constants λ and α (see ``F.selu``)."""

    def forward(self, x: Tensor) -> Tensor:
        """Apply the scaled exponential linear unit."""
        return F.selu(x)


class CELU(_Activation):
    """max(0, x) + min(0, α (e^(x/α) - 1)) (see ``F.celu``).

    Raises:
        TypeError: if ``alpha`` is not a number.
        ValueError: if ``alpha`` is 0 (PyTorch's module refuses it only when called).
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__(inplace)
        if checks.real("CELU", "alpha", alpha) == 0:
            raise ValueError("CELU: alpha cannot be 0 (x / alpha is the exponent)")
        self.alpha = alpha

    def forward(self, x: Tensor) -> Tensor:
        """Apply the continuously differentiable exponential linear unit."""
        return F.celu(x, self.alpha)

    def extra_repr(self) -> str:
        """The arguments shown by repr, as in PyTorch."""
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class _UnshownInplace(_Activation):
    """An activation whose repr leaves ``inplace`` out, as PyTorch's Hardswish and Hardsigmoid."""

    def extra_repr(self) -> str:
        """Nothing, as in PyTorch."""
        return ""


class Hardswish(_UnshownInplace):
    """x · relu6(x + 3) / 6, with PyTorch's slopes at ±3 (see ``F.hardswish``)."""

    def forward(self, x: Tensor) -> Tensor:
        """Apply the hard swish."""
        return F.hardswish(x)


class Hardsigmoid(_UnshownInplace):
    """relu6(x + 3) / 6, with a zero slope at ±3 (see ``F.hardsigmoid``)."""

    def forward(self, x: Tensor) -> Tensor:
        """Apply the hard sigmoid."""
        return F.hardsigmoid(x)


class Softsign(Module):
    """x / (1 + |x|) (see ``F.softsign``)."""

    def forward(self, x: Tensor) -> Tensor:
        """Apply softsign."""
        return F.softsign(x)


class Threshold(_Activation):
    """x where x > threshold, else ``value`` (see ``F.threshold``).

    Raises:
        TypeError: if ``threshold`` or ``value`` is not a number.
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__(inplace)
        checks.real("Threshold", "threshold", threshold)
        checks.real("Threshold", "value", value)
        self.threshold, self.value = threshold, value

    def forward(self, x: Tensor) -> Tensor:
        """Replace the values up to ``threshold`` by ``value``."""
        return F.threshold(x, self.threshold, self.value)

    def extra_repr(self) -> str:
        """The arguments shown by repr, as in PyTorch."""
        return f"threshold={self.threshold}, value={self.value}" + (
            ", inplace=True" if self.inplace else "")


class Softplus(Module):
    """ln(1 + e^(βx)) / β, linear where βx > threshold (see ``F.softplus``)."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        checks.real("Softplus", "beta", beta)
        checks.real("Softplus", "threshold", threshold)
        self.beta, self.threshold = beta, threshold

    def forward(self, x: Tensor) -> Tensor:
        """Apply softplus."""
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self) -> str:
        """The arguments shown by repr, as in PyTorch."""
        return f"beta={self.beta}, threshold={self.threshold}"


class GELU(Module):
    """x · Φ(x), with Φ the standard normal's CDF (see ``F.gelu``).

    ``approximate="tanh"`` uses the tanh approximation of Φ, as in PyTorch.
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        """Apply the GELU."""
        return F.gelu(x, self.approximate)  # type: ignore[arg-type]

    def extra_repr(self) -> str:
        """The arguments shown by repr, as PyTorch's."""
        return f"approximate={self.approximate!r}"


class SiLU(_Activation):
    """x · σ(x) (see ``F.silu``)."""

    def forward(self, x: Tensor) -> Tensor:
        """Apply x · σ(x)."""
        return F.silu(x)


class LogSigmoid(Module):
    """ln σ(x) = -ln(1 + e⁻ˣ), elementwise, accurate for any x (see ``F.logsigmoid``)."""

    def forward(self, x: Tensor) -> Tensor:
        """Apply ln σ."""
        return F.logsigmoid(x)


class Hardtanh(_Activation):
    """x clamped to [min_val, max_val], with a zero slope at the limits (see ``F.hardtanh``).

    Raises:
        TypeError: if a limit is not a number.
        ValueError: unless ``max_val`` > ``min_val`` (PyTorch asserts the same).
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__(inplace)
        low = checks.real(type(self).__name__, "min_val", min_val)
        if not checks.real(type(self).__name__, "max_val", max_val) > low:
            raise ValueError(f"{type(self).__name__}: max_val ({max_val}) must be greater than "
                             f"min_val ({min_val})")
        self.min_val, self.max_val = min_val, max_val

    def forward(self, x: Tensor) -> Tensor:
        """Clamp ``x`` to the limits."""
        return F.hardtanh(x, self.min_val, self.max_val)

    def extra_repr(self) -> str:
        """The arguments shown by repr, as in PyTorch."""
        return f"min_val={self.min_val}, max_val={self.max_val}" + (
            ", inplace=True" if self.inplace else "")


class ReLU6(Hardtanh):
    """min(max(x, 0), 6): ``Hardtanh(0, 6)``, a subclass of it as in PyTorch (see ``F.relu6``)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def forward(self, x: Tensor) -> Tensor:
        """Clamp ``x`` to [0, 6]."""
        return F.relu6(x)

    def extra_repr(self) -> str:
        """The arguments shown by repr: ``inplace=True`` when set, as in PyTorch."""
        return "inplace=True" if self.inplace else ""


class Mish(_Activation):
    """x · tanh(ln(1 + eˣ)) (see ``F.mish``)."""

    def forward(self, x: Tensor) -> Tensor:
        """Apply mish."""
        return F.mish(x)


class Hardshrink(Module):
    """x where |x| > lambd, else 0 (see ``F.hardshrink``)."""

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = checks.real("Hardshrink", "lambd", lambd)

    def forward(self, x: Tensor) -> Tensor:
        """Apply the hard shrinkage."""
        return F.hardshrink(x, self.lambd)

    def extra_repr(self) -> str:
        """The argument shown by repr, as in PyTorch."""
        return f"{self.lambd}"


class Softshrink(Module):
    """x moved lambd toward 0, and 0 within lambd of it (see ``F.softshrink``).

    Raises:
        TypeError: if ``lambd`` is not a number.
        ValueError: if ``lambd`` < 0 (PyTorch's module refuses it only when called).
    """

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = checks.real("Softshrink", "lambd", lambd)
        if not self.lambd >= 0:
            raise ValueError(f"Softshrink: lambd must be >= 0, got {lambd}")

    def forward(self, x: Tensor) -> Tensor:
        """Apply the soft shrinkage."""
        return F.softshrink(x, self.lambd)

    def extra_repr(self) -> str:
        """The argument shown by repr, as in PyTorch."""
        return f"{self.lambd}"


class Tanhshrink(Module):
    """x - tanh x (see ``F.tanhshrink``)."""

    def forward(self, x: Tensor) -> Tensor:
        """Apply x - tanh x."""
        return F.tanhshrink(x)


class _AlongDim(Module):
    """A module applied along one dimension, ``dim``: what Softmax and LogSoftmax share."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def extra_repr(self) -> str:
        """The arguments shown by repr."""
        return f"dim={self.dim}"


class GLU(_AlongDim):
    """a ⊗ σ(b), with a and b the two halves of the input along ``dim`` (see ``F.glu``)."""

    def forward(self, x: Tensor) -> Tensor:
        """Gate the first half of ``x`` with the sigmoid of its second half."""
        return F.glu(x, self.dim)


class Softmax(_AlongDim):
    """eˣ / Σ eˣ along ``dim``."""

    def forward(self, x: Tensor) -> Tensor:
        """Apply softmax along ``dim``."""
        return F.softmax(x, self.dim)


class LogSoftmax(_AlongDim):
    """x - log Σ eˣ along ``dim``."""

    def forward(self, x: Tensor) -> Tensor:
        """Apply log-softmax along ``dim``."""
        return F.log_softmax(x, self.dim)


class Softmin(_AlongDim):
    """e⁻ˣ / Σ e⁻ˣ along ``dim``: softmax of -x (see ``F.softmin``)."""

    def forward(self, x: Tensor) -> Tensor:
        """Apply softmin along ``dim``."""
        return F.softmin(x, self.dim)


class Identity(Module):
    """Return the input unchanged: a placeholder, e.g. for a layer switched off.

    Any constructor arguments are accepted and ignored, as in PyTorch.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Any) -> Any:
        """Return ``x`` itself."""
        return x


class Flatten(Module):
    """Merge the dimensions ``start_dim`` to ``end_dim`` (both included) into one.

    The defaults keep the batch dimension: (N, C, H, W) becomes (N, C·H·W).
    Negative dims count from the end, and a 0-d input counts as 1-d, as in
    PyTorch.
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Tensor) -> Tensor:
        """Reshape ``x`` with the chosen dimensions merged."""
        if not isinstance(x, Tensor):
            raise checks.not_a_tensor(repr(self), x)
        start = _dim(repr(self), "start_dim", self.start_dim, x, max(x.ndim, 1))
        end = _dim(repr(self), "end_dim", self.end_dim, x, max(x.ndim, 1))
        if start > end:
            raise ValueError(
                f"{self!r}: start_dim comes after end_dim for an input of shape {x.shape}"
            )
        shape = x.shape
        return x.reshape(*shape[:start], math.prod(shape[start : end + 1]), *shape[end + 1 :])

    def extra_repr(self) -> str:
        """The arguments shown by repr."""
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


def _dim(where: str, name: str, dim: object, x: Tensor, ndim: int) -> int:
    """``dim`` made non-negative for ``x`` of ``ndim`` dims, or an error naming it and the shape."""
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{where}: {name} must be an int, got {type(dim).__name__}")
    if not -ndim <= dim < ndim:
        span = f"dims {-ndim} to {ndim - 1}" if ndim else "it has no dims"
        raise IndexError(
            f"{where}: {name}={dim} is out of range for an input of shape {x.shape} ({span})"
        )
    return int(dim) % ndim


class Unflatten(Module):
    """Split dimension ``dim`` into ``unflattened_size``: the inverse of ``Flatten``.

    (N, 12) becomes (N, 3, 4) with ``Unflatten(1, (3, 4))``. One size may be
    -1, inferred from the others; the sizes must multiply up to the size of
    ``dim``. The gradient is the incoming one reshaped back.

    Raises:
        TypeError: if ``dim`` is not an int, or ``unflattened_size`` not a
            tuple or list of ints.
        ValueError: if ``unflattened_size`` is empty, has a size below -1, or
            more than one -1 (PyTorch checks these only in forward).
    """

    def __init__(self, dim: int, unflattened_size: tuple[int, ...] | list[int]) -> None:
        super().__init__()
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
            raise TypeError(f"Unflatten: dim must be an int, got {type(dim).__name__}")
        self.dim, self.unflattened_size = dim, _checked_sizes(unflattened_size)

    def forward(self, x: Tensor) -> Tensor:
        """Reshape ``x`` with dimension ``dim`` split into ``unflattened_size``."""
        if not isinstance(x, Tensor):
            raise checks.not_a_tensor(repr(self), x)
        at = _dim(repr(self), "dim", self.dim, x, x.ndim)
        sizes, length = list(self.unflattened_size), x.shape[at]
        known = math.prod(size for size in sizes if size != -1)
        # -1 takes length / known; with a known size of 0 it could be anything, so it is refused
        fits = known > 0 and length % known == 0 if -1 in sizes else known == length
        if not fits:
            raise ValueError(f"{self!r}: sizes {sizes} do not multiply up to the size of dim "
                             f"{self.dim} ({length}) of an input of shape {x.shape}")
        # -1 filled in here: reshape cannot infer it when another dim of the input is 0
        sizes = [length // known if size == -1 else size for size in sizes]
        return x.reshape(*x.shape[:at], *sizes, *x.shape[at + 1:])

    def extra_repr(self) -> str:
        """The arguments shown by repr, as in PyTorch."""
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


def _checked_sizes(sizes: object) -> tuple[int, ...] | list[int]:
    """Unflatten's sizes, as given, after checking they are ints, >= 0 but for one -1."""
    if not isinstance(sizes, (tuple, list)):
        raise TypeError(f"Unflatten: unflattened_size must be a tuple of ints, got "
                        f"{type(sizes).__name__}")
    for position, size in enumerate(sizes):
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
            raise TypeError(f"Unflatten: unflattened_size must be a tuple of ints, got "
                            f"{type(size).__name__} at position {position}")
    if not sizes or any(size < -1 for size in sizes) or list(sizes).count(-1) > 1:
        raise ValueError(f"Unflatten: unflattened_size must be sizes >= 0, at most one of "
                         f"them -1 (inferred), got {sizes}")
    return sizes


class _DropoutNd(Module):
    """What Dropout and AlphaDropout share: ``p``, ``inplace``, a generator and their repr.

    ``inplace`` is accepted for PyTorch compatibility and shown by repr, but
    the input is never changed, as for ``ReLU``.

    Args:
        p: the probability of dropping each element, in [0, 1].
        inplace: ignored (see above).
        generator: where the masks come from (default: the global generator,
            so ``tm.manual_seed`` makes them reproducible).

    Raises:
        TypeError: if ``p`` is not a number or ``generator`` not a numpy Generator.
        ValueError: if ``p`` is outside [0, 1].
    """

    def __init__(
        self, p: float = 0.5, inplace: bool = False, *,
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        F._check_dropout_p(p, type(self).__name__)
        self.p = p  # as given, so repr shows what PyTorch's would
        self.inplace = inplace
        self.generator = check_generator(type(self).__name__, generator)

    def extra_repr(self) -> str:
        """The arguments shown by repr."""
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """In training, zero each element with probability ``p`` and scale the rest by 1/(1 - p).

    In evaluation mode (``model.eval()``) it returns its input unchanged; see
    ``F.dropout``. The arguments are ``_DropoutNd``'s.
    """

    def forward(self, x: Tensor) -> Tensor:
        """Drop elements of ``x`` in training mode; return ``x`` itself in evaluation mode."""
        return F.dropout(x, self.p, self.training, generator=self.generator)


class AlphaDropout(_DropoutNd):
    """In training, drop elements to SELU's saturation value, keeping mean 0 and variance 1.

    For SELU networks: see ``F.alpha_dropout``. In evaluation mode it returns
    its input unchanged. The arguments are ``_DropoutNd``'s.
    """

    def forward(self, x: Tensor) -> Tensor:
        """Drop elements of ``x`` in training mode; return ``x`` itself in evaluation mode."""
        return F.alpha_dropout(x, self.p, self.training, generator=self.generator)
