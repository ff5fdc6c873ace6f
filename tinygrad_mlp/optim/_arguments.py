"""Checks shared by the optimizers' and schedulers' constructors.

Each takes ``where``, the class name, so that an error says which call went
wrong, which argument, and what it received: ``SGD: lr must be non-negative,
got -0.1``. Each returns the value as a plain Python number, so that numpy
keeps a float32 parameter's arithmetic in float32.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np


def check_real(where: str, name: str, value: Any) -> float:
    """Return ``value`` as a float after checking it is a real number (not a bool).

    Raises:
        TypeError: for anything else, such as a string or None.

    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"{where}: {name} must be a real number, got {value!r}")
    return float(value)


def check_non_negative(where: str, name: str, value: Any) -> float:
    """Return ``value`` as a float after checking it is a number >= 0 (NaN is not).

    Raises:
        TypeError: if ``value`` is not a real number.
        ValueError: if it is negative or NaN.

    """
    number = check_real(where, name, value)
    if not number >= 0:  # written so that NaN fails too
        raise ValueError(f"{where}: {name} must be non-negative, got {value}")
    return number


def check_positive(where: str, name: str, value: Any) -> float:
    """Return ``value`` as a float after checking it is a number > 0.

    Raises:
        TypeError: if ``value`` is not a real number.
        ValueError: if it is zero, negative or NaN.

    """
    number = check_real(where, name, value)
    if not number > 0:
        raise ValueError(f"{where}: {name} must be positive, got {value}")
    return number


def check_in_interval(
    where: str, name: str, value: Any, low: float, high: float, closed_high: bool
) -> float:
    """Return ``value`` as a float after checking low <= value < high (or <= high).

    Raises:
        TypeError: if ``value`` is not a real number.
        ValueError: if it lies outside the interval, or is NaN.

    """
    number = check_real(where, name, value)
    inside = low <= number <= high if closed_high else low <= number < high
    if not inside:
        interval = f"[{low:g}, {high:g}{']' if closed_high else ')'}"
        raise ValueError(f"{where}: {name} must be in {interval}, got {value}")
    return number


def check_bool(where: str, name: str, value: Any) -> bool:
    """Return ``value`` after checking it is a bool.

    Raises:
        TypeError: for anything else (0 and 1 included: say False or True).

    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{where}: {name} must be True or False, got {value!r}")
    return bool(value)


def check_pair(where: str, name: str, value: Any, described: str) -> tuple[float, float]:
    """Return ``value`` as a pair of floats after checking it is a 2-tuple or list of numbers.

    Args:
        where: the class name, for the error.
        name: the argument's name.
        value: what the caller gave.
        described: how the error names the two entries, e.g. ``"(beta1, beta2)"``.

    Raises:
        TypeError: if ``value`` is not a tuple or list of two real numbers.

    """
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{where}: {name} must be a pair {described}, got {value!r}")
    first, second = (check_real(where, f"{name}[{index}]", one) for index, one in enumerate(value))
    return first, second


def check_betas(where: str, betas: Any) -> tuple[float, float]:
    """Return ``betas`` as two floats after checking it is a pair of numbers in [0, 1).

    A beta of 1 would divide by 1 - 1ᵗ = 0 in the bias correction.

    Raises:
        TypeError: if ``betas`` is not a pair, or a beta is not a real number.
        ValueError: if a beta lies outside [0, 1).

    """
    pair = check_pair(where, "betas", betas, "(beta1, beta2)")
    beta1, beta2 = (check_in_interval(where, f"betas[{index}]", beta, 0, 1, False)
                    for index, beta in enumerate(pair))
    return beta1, beta2


def check_adam_family(where: str, group: Mapping[str, Any]) -> None:
    """Check the settings Adam, Adamax, NAdam and RAdam share, as PyTorch checks them.

    ``lr``, ``eps`` and ``weight_decay`` >= 0, ``betas`` a pair in [0, 1),
    ``maximize`` a bool, and ``decoupled_weight_decay`` a bool when the
    optimizer has that setting.

    Raises:
        TypeError: for a setting of the wrong type.
        ValueError: for one out of its range.

    """
    check_non_negative(where, "lr", group["lr"])
    check_betas(where, group["betas"])
    check_non_negative(where, "eps", group["eps"])
    check_non_negative(where, "weight_decay", group["weight_decay"])
    check_bool(where, "maximize", group["maximize"])
    if "decoupled_weight_decay" in group:
        check_bool(where, "decoupled_weight_decay", group["decoupled_weight_decay"])
