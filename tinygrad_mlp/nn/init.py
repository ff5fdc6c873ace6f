"""Weight initialisation, in place, with PyTorch's names.

Each function fills a tensor's data in place and returns it. ``fan_in`` and
``fan_out`` of a weight shaped (out, in) are ``in`` and ``out``. Random ones
draw from ``generator``, a ``numpy.random.Generator``, or by default from the
global one that ``tm.manual_seed`` reseeds. As in PyTorch, the schemes that
divide by a fan leave a tensor with no elements as it is, with a warning.

| scheme | weights drawn from | reference |
| --- | --- | --- |
| ``normal_`` (article) | N(0, 1) | Nielsen ch. 1, the Go article |
| ``nielsen_normal_`` | N(0, 1 / fan_in) | Nielsen ch. 3 |
| ``xavier_uniform_`` / ``xavier_normal_`` | var 2 / (fan_in + fan_out) | Glorot & Bengio 2010 |
| ``kaiming_uniform_`` / ``kaiming_normal_`` | var gain² / fan (2 / fan_in: ReLU) | He et al. 2015 |
| ``lecun_uniform_`` | U(±1/√fan_in): PyTorch's ``nn.Linear`` default | |
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from tinygrad_mlp import checks, random
from tinygrad_mlp.random import check_generator
from tinygrad_mlp.tensor import Tensor

# PyTorch's table; the linear maps (convolutions too) keep the variance, as does sigmoid
# near 0, so their gain is 1.
_LINEAR = ("linear", "conv1d", "conv2d", "conv3d",
           "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid")
_GAINS = {**dict.fromkeys(_LINEAR, 1.0), "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0),
          "selu": 3.0 / 4.0}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended scale for a nonlinearity (PyTorch's table).

    ``leaky_relu`` takes its negative slope as ``param`` (default 0.01):
    its gain is √(2 / (1 + slope²)).
    """
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise TypeError(f"calculate_gain: negative slope {slope!r} is not a number")
        return math.sqrt(2.0 / (1.0 + slope**2))
    if nonlinearity not in _GAINS:
        raise ValueError(
            f"calculate_gain: unknown nonlinearity {nonlinearity!r}; choose one of "
            f"{sorted([*_GAINS, 'leaky_relu'])}"
        )
    return _GAINS[nonlinearity]


def _needs_tensor(tensor: Tensor, where: str) -> None:
    """Refuse an ndarray (or anything else): the initialisers fill a Tensor in place."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{where}: tensor must be a Tensor, got {type(tensor).__name__} (to "
                        "initialise an array, wrap it: w = tm.tensor(a); then fill w)")


def _needs_float(tensor: Tensor, where: str) -> None:
    """Refuse to write random reals into an int tensor, which would truncate them."""
    _needs_tensor(tensor, where)
    if tensor.dtype.kind != "f":
        raise TypeError(f"{where}: needs a floating point tensor, got dtype {tensor.dtype}")


def _random_source(
    tensor: Tensor, generator: np.random.Generator | None, where: str
) -> np.random.Generator:
    """The generator to fill ``tensor`` from, after checking both (``where`` names the caller)."""
    _needs_float(tensor, where)
    return random.resolve(check_generator(where, generator))


def _fans(tensor: Tensor, where: str) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight shaped (out, in, *kernel)."""
    if tensor.ndim < 2:
        raise ValueError(f"{where}: needs a weight with at least 2 dims, got shape {tensor.shape}")
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _nothing_to_fill(tensor: Tensor, where: str) -> bool:
    """Whether ``tensor`` has no elements, warning as PyTorch does if so.

    Its fans may then be 0, which the schemes divide by.
    """
    if tensor.size:
        return False
    warnings.warn(
        f"{where}: initializing zero-element tensors is a no-op (shape {tensor.shape})",
        UserWarning, stacklevel=3,  # the caller of the public function
    )
    return True


def _fill(tensor: Tensor, values: np.ndarray) -> Tensor:
    """Write ``values`` into ``tensor`` in place, marking the change."""
    tensor.data[...] = values
    tensor._version += 1
    return tensor


def uniform_(
    tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: np.random.Generator | None = None
) -> Tensor:
    """Fill with samples from U(a, b)."""
    rng = _random_source(tensor, generator, "uniform_")
    if not a <= b:
        raise ValueError(f"uniform_: a must be at most b, got a={a} and b={b}")
    return _fill(tensor, rng.uniform(a, b, tensor.shape))


def normal_(
    tensor: Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """Fill with samples from N(mean, std²); N(0, 1) is the article's initialisation."""
    rng = _random_source(tensor, generator, "normal_")
    if not std >= 0:
        raise ValueError(f"normal_: std must be non-negative, got {std}")
    return _fill(tensor, rng.normal(mean, std, tensor.shape))


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with zeros."""
    _needs_tensor(tensor, "zeros_")
    return _fill(tensor, np.zeros(tensor.shape))


def ones_(tensor: Tensor) -> Tensor:
    """Fill with ones."""
    _needs_tensor(tensor, "ones_")
    return _fill(tensor, np.ones(tensor.shape))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val`` (``nn.init.constant_(layer.bias, 0.01)``)."""
    _needs_float(tensor, "constant_")
    return _fill(tensor, np.full(tensor.shape, checks.real("constant_", "val", val)))


def nielsen_normal_(tensor: Tensor, generator: np.random.Generator | None = None) -> Tensor:
    """N(0, 1/fan_in): Nielsen's improved initialisation (ch. 3), unsaturated sigmoids."""
    rng = _random_source(tensor, generator, "nielsen_normal_")
    fan_in, _ = _fans(tensor, "nielsen_normal_")
    if _nothing_to_fill(tensor, "nielsen_normal_"):
        return tensor
    return _fill(tensor, rng.normal(0.0, 1.0 / math.sqrt(fan_in), tensor.shape))


def xavier_uniform_(
    tensor: Tensor, gain: float = 1.0, generator: np.random.Generator | None = None
) -> Tensor:
    """U(±a) with a = gain·√(6 / (fan_in + fan_out)) (Glorot & Bengio)."""
    rng = _random_source(tensor, generator, "xavier_uniform_")
    fan_in, fan_out = _fans(tensor, "xavier_uniform_")
    if _nothing_to_fill(tensor, "xavier_uniform_"):
        return tensor
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _fill(tensor, rng.uniform(-bound, bound, tensor.shape))


def xavier_normal_(
    tensor: Tensor, gain: float = 1.0, generator: np.random.Generator | None = None
) -> Tensor:
    """N(0, std²) with std = gain·√(2 / (fan_in + fan_out)) (Glorot & Bengio)."""
    rng = _random_source(tensor, generator, "xavier_normal_")
    fan_in, fan_out = _fans(tensor, "xavier_normal_")
    if _nothing_to_fill(tensor, "xavier_normal_"):
        return tensor
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _fill(tensor, rng.normal(0.0, std, tensor.shape))


def _kaiming_gain_and_fan(
    tensor: Tensor, a: float, mode: str, nonlinearity: str, where: str
) -> tuple[float, int]:
    """The gain of the nonlinearity and the fan ``mode`` picks (He et al.): std = gain / √fan."""
    fan_in, fan_out = _fans(tensor, where)
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"{where}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    return calculate_gain(nonlinearity, a), fan_in if mode == "fan_in" else fan_out


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: np.random.Generator | None = None,
) -> Tensor:
    """U(±√3·gain/√fan) (He et al.), PyTorch's signature.

    ``a`` is the negative slope of a leaky ReLU (0 by default: a plain ReLU,
    gain √2); ``mode="fan_out"`` keeps the variance of the backward pass.
    """
    rng = _random_source(tensor, generator, "kaiming_uniform_")
    gain, fan = _kaiming_gain_and_fan(tensor, a, mode, nonlinearity, "kaiming_uniform_")
    if _nothing_to_fill(tensor, "kaiming_uniform_"):
        return tensor
    bound = math.sqrt(3.0) * (gain / math.sqrt(fan))
    return _fill(tensor, rng.uniform(-bound, bound, tensor.shape))


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: np.random.Generator | None = None,
) -> Tensor:
    """N(0, gain² / fan) (He et al.), PyTorch's signature (see ``kaiming_uniform_``)."""
    rng = _random_source(tensor, generator, "kaiming_normal_")
    gain, fan = _kaiming_gain_and_fan(tensor, a, mode, nonlinearity, "kaiming_normal_")
    if _nothing_to_fill(tensor, "kaiming_normal_"):
        return tensor
    return _fill(tensor, rng.normal(0.0, gain / math.sqrt(fan), tensor.shape))


def lecun_uniform_(
    tensor: Tensor, fan_in: int, generator: np.random.Generator | None = None
) -> Tensor:
    """U(±1/√fan_in): what PyTorch's ``nn.Linear`` uses for weights and biases."""
    rng = _random_source(tensor, generator, "lecun_uniform_")
    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    return _fill(tensor, rng.uniform(-bound, bound, tensor.shape))
