"""Weight initialisation, in place, with PyTorch's names.

Each function fills a tensor's data in place and returns it. ``fan_in`` and
``fan_out`` of a weight shaped (out, in) are ``in`` and ``out``.

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

import numpy as np

from tinygrad_mlp import random
from tinygrad_mlp.tensor import Tensor

_GAINS = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0),
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


def _needs_float(tensor: Tensor, where: str) -> None:
    """Refuse to write random reals into an int tensor, which would truncate them."""
    if tensor.dtype.kind != "f":
        raise TypeError(f"{where}: needs a floating point tensor, got dtype {tensor.dtype}")


def _fans(tensor: Tensor, where: str) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight shaped (out, in)."""
    _needs_float(tensor, where)
    if tensor.ndim < 2:
        raise ValueError(f"{where}: needs a weight with at least 2 dims, got shape {tensor.shape}")
    receptive = int(np.prod(tensor.shape[2:]))
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fill(tensor: Tensor, values: np.ndarray) -> Tensor:
    """Write ``values`` into ``tensor`` in place, marking the change."""
    tensor.data[...] = values
    tensor._version += 1
    return tensor


def uniform_(
    tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: np.random.Generator | None = None
) -> Tensor:
    """Fill with samples from U(a, b)."""
    _needs_float(tensor, "uniform_")
    return _fill(tensor, random.resolve(generator).uniform(a, b, tensor.shape))


def normal_(
    tensor: Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """Fill with samples from N(mean, std²); N(0, 1) is the article's initialisation."""
    _needs_float(tensor, "normal_")
    return _fill(tensor, random.resolve(generator).normal(mean, std, tensor.shape))


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with zeros."""
    return _fill(tensor, np.zeros(tensor.shape))


def ones_(tensor: Tensor) -> Tensor:
    """Fill with ones."""
    return _fill(tensor, np.ones(tensor.shape))


def nielsen_normal_(tensor: Tensor, generator: np.random.Generator | None = None) -> Tensor:
    """N(0, 1/fan_in): Nielsen's improved initialisation (ch. 3), unsaturated sigmoids."""
    fan_in, _ = _fans(tensor, "nielsen_normal_")
    return normal_(tensor, 0.0, 1.0 / math.sqrt(fan_in), generator)


def xavier_uniform_(
    tensor: Tensor, gain: float = 1.0, generator: np.random.Generator | None = None
) -> Tensor:
    """U(±a) with a = gain·√(6 / (fan_in + fan_out)) (Glorot & Bengio)."""
    fan_in, fan_out = _fans(tensor, "xavier_uniform_")
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(
    tensor: Tensor, gain: float = 1.0, generator: np.random.Generator | None = None
) -> Tensor:
    """N(0, std²) with std = gain·√(2 / (fan_in + fan_out)) (Glorot & Bengio)."""
    fan_in, fan_out = _fans(tensor, "xavier_normal_")
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str, where: str) -> float:
    """gain / √fan, with the fan ``mode`` picks (He et al.)."""
    fan_in, fan_out = _fans(tensor, where)
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"{where}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


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
    std = _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_uniform_")
    return uniform_(tensor, -math.sqrt(3.0) * std, math.sqrt(3.0) * std, generator)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: np.random.Generator | None = None,
) -> Tensor:
    """N(0, gain² / fan) (He et al.), PyTorch's signature (see ``kaiming_uniform_``)."""
    std = _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_normal_")
    return normal_(tensor, 0.0, std, generator)


def lecun_uniform_(
    tensor: Tensor, fan_in: int, generator: np.random.Generator | None = None
) -> Tensor:
    """U(±1/√fan_in): what PyTorch's ``nn.Linear`` uses for weights and biases."""
    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    return uniform_(tensor, -bound, bound, generator)
