"""Print options for tensors, set as ``torch.set_printoptions`` sets PyTorch's.

A tensor prints its values with numpy's ``array2string``, and these options
are what it is given: how many digits, how many elements before the middle
ones are left out, how wide a line may be, and whether floats are written
in scientific notation. The defaults are numpy's (8 digits, lines of 75
characters), so a tensor prints as its ndarray would; PyTorch's defaults are
4 digits and 80 characters, and it pads every float to the same number of
digits (``1.0000``) where numpy leaves trailing zeros off (``1.``).

Example:
    >>> import tinygrad_mlp as tm
    >>> tm.set_printoptions(precision=2)
    >>> tm.tensor([1.23456, 2.0])
    tensor([1.23, 2.  ])
    >>> tm.set_printoptions(sci_mode=True)
    >>> tm.tensor([1.23456, -2.0])
    tensor([ 1.23e+00, -2.00e+00])
    >>> tm.set_printoptions(profile="default")
    >>> tm.tensor([1.23456, 2.0])
    tensor([1.23456, 2.     ])
"""

from __future__ import annotations

import math
import sys
from typing import Any

import numpy as np

from tinygrad_mlp import checks

# The options of each profile. Where PyTorch's profiles use its defaults (4 digits, 80
# characters) these use numpy's, the library's defaults: 'short' and 'full' change what
# PyTorch's change (fewer digits and edge items; no summarising).
_PROFILES: dict[str, dict[str, Any]] = {
    "default": {"precision": 8, "threshold": 1000, "edgeitems": 3, "linewidth": 75},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 75},
    "full": {"precision": 8, "threshold": math.inf, "edgeitems": 3, "linewidth": 75},
}
_options: dict[str, Any] = {**_PROFILES["default"], "sci_mode": None}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set how tensors print, as ``torch.set_printoptions``.

    ``profile`` first resets precision, threshold, edgeitems and linewidth
    to its values; the options given then override them. As in PyTorch,
    ``sci_mode`` is always set, so a call that leaves it out turns it back
    to None (numpy's choice).

    Args:
        precision: digits after the point (at most; numpy leaves off trailing zeros).
        threshold: a tensor of more elements than this prints summarised, with
            ``...`` in place of the middle ones (``math.inf``: never).
        edgeitems: elements shown at each end of a summarised dimension.
        linewidth: characters per line before it breaks.
        profile: ``"default"``, ``"short"`` (2 digits, 2 edge items) or
            ``"full"`` (never summarised).
        sci_mode: True writes floats as 1.5e+00, False never does, None
            lets numpy choose (it does when values span many magnitudes).

    Raises:
        TypeError: for an option of the wrong type.
        ValueError: for an unknown profile, a negative precision or
            threshold, or an edgeitems or linewidth below 1; nothing is
            changed then.
    """
    chosen = dict(_options)
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions: profile must be one of {sorted(_PROFILES)}, "
                             f"got {profile!r}")
        chosen.update(_PROFILES[profile])
    for name, value, minimum in (("precision", precision, 0), ("edgeitems", edgeitems, 1),
                                 ("linewidth", linewidth, 1)):
        if value is not None:
            chosen[name] = checks.check_int("set_printoptions", name, value, minimum)
    if threshold is not None:
        if not checks.real("set_printoptions", "threshold", threshold) >= 0:  # NaN too
            raise ValueError(f"set_printoptions: threshold must be >= 0, got {threshold}")
        chosen["threshold"] = threshold
    if sci_mode is not None:
        chosen["sci_mode"] = checks.flag("set_printoptions", "sci_mode", sci_mode)
    else:
        chosen["sci_mode"] = None
    _options.update(chosen)


def get_printoptions() -> dict[str, Any]:
    """The current options, a dict that ``set_printoptions(**options)`` takes back.

    PyTorch has it as ``torch._tensor_str.get_printoptions``, with the same keys.
    """
    return dict(_options)


def array_text(data: np.ndarray[Any, Any], prefix: str) -> str:
    """``data``'s values as a tensor prints them, under the current options.

    Args:
        data: the values.
        prefix: what comes before them on the first line (``"tensor("``), so
            the lines after it are indented to line up.
    """
    digits, sci_mode = _options["precision"], _options["sci_mode"]
    formatter: Any = None
    if sci_mode and data.dtype.kind == "f":
        formatter = {"float_kind": _scientific(data, digits)}
    return np.array2string(
        data, max_line_width=_options["linewidth"], precision=digits,
        suppress_small=sci_mode is False, separator=", ", prefix=prefix,
        formatter=formatter, threshold=int(min(_options["threshold"], sys.maxsize)),
        edgeitems=_options["edgeitems"])


def _scientific(data: np.ndarray[Any, Any], digits: int) -> Any:
    """Write a float as ``-1.50e+00``, right-aligned to the widest of ``data``'s values.

    numpy hands a formatter one value at a time, so the width is worked out
    here: the digits, plus one for a minus sign and one for an exponent of
    three digits (a value of 1e100 or more, or below 1e-99, in size), for the
    value that has the most of those two.
    """
    finite = np.abs(data[np.isfinite(data)]).astype(np.float64)
    negative = data[np.isfinite(data)] < 0
    long_exponent = (finite >= 1e100) | ((finite > 0) & (finite < 1e-99))
    extra = int((negative.astype(int) + long_exponent).max(initial=0))
    width = 1 + (digits + 1 if digits else 0) + 4 + extra

    def text(value: Any) -> str:
        return f"{value:.{digits}e}".rjust(width)

    return text
