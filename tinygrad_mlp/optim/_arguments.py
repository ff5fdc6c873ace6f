"""Checks shared by the optimizers' and schedulers' constructors.

Each takes ``where``, the class name, so that an error says which call went
wrong, which argument, and what it received: ``SGD: lr must be non-negative,
got -0.1``. Each returns the value as a plain Python number, so that numpy
keeps a float32 parameter's arithmetic in float32.
"""

from __future__ import annotations

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
