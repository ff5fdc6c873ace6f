"""Checks and conversions shared by the data tools' public functions.

Each takes ``where``, the name of the public function or class, so that an
error tells the user which call went wrong and what it received.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tinygrad_mlp.tensor import Tensor


def to_array(value: ArrayLike | Tensor) -> NDArray[Any]:
    """Return the ndarray behind ``value``: a Tensor's ``.data``, else ``np.asarray``."""
    # np.asarray would turn a Tensor into an object array of 0-d Tensors.
    return value.data if isinstance(value, Tensor) else np.asarray(value)


def check_int(where: str, name: str, value: int, minimum: int) -> int:
    """Return ``value`` as an int after checking it is an integer >= ``minimum``.

    Raises:
        TypeError: if ``value`` is not an integer (a bool does not count).
        ValueError: if ``value`` is below ``minimum``.

    """
    requirement = "a positive int" if minimum == 1 else f"an int >= {minimum}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{where}: {name} must be {requirement}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{where}: {name} must be {requirement}, got {value}")
    return int(value)


def check_generator(
    where: str, generator: np.random.Generator | None
) -> np.random.Generator | None:
    """Return ``generator`` after checking it is a ``numpy.random.Generator`` or None.

    Raises:
        TypeError: for anything else, such as a seed or a legacy ``RandomState``.

    """
    if generator is not None and not isinstance(generator, np.random.Generator):
        raise TypeError(
            f"{where}: generator must be a numpy.random.Generator or None, got "
            f"{type(generator).__name__} (make one with numpy.random.default_rng(seed))"
        )
    return generator
