"""``tm.detect_anomaly()``: stop at the first op that makes NaN or infinity.

Inside the context every op checks its output, and backward checks every
gradient it computes; the error names the op, the modules it ran in, the
line of user code that made it and the ops its inputs came from. The checks
cost a pass over each array, so this is a debugging mode, not a training one.
"""

from __future__ import annotations

import contextlib
import os
import traceback
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from tinygrad_mlp.tensor import Function

enabled = False  # read by Function.apply and the backward engine
checking = True  # False: record where nodes were made, but check no values

_PACKAGE = os.path.dirname(os.path.abspath(__file__))


class detect_anomaly(contextlib.ContextDecorator):  # noqa: N801 (PyTorch's name)
    """Raise at the first op whose forward or backward produces NaN or infinity.

    Works as ``with tm.detect_anomaly(): ...`` and as a decorator.

    Args:
        check_nan: as in PyTorch, False turns the checks off and keeps only
            the record of where each node was made (for a graph that holds
            an intended ``-inf``, such as a softmax mask).

    Raises:
        TypeError: if ``check_nan`` is not a bool.
    """

    def __init__(self, check_nan: bool = True) -> None:
        if not isinstance(check_nan, bool):
            raise TypeError(
                f"detect_anomaly: check_nan must be a bool, got {type(check_nan).__name__}"
            )
        self.check_nan = check_nan
        self._previous: list[tuple[bool, bool]] = []

    def __enter__(self) -> None:
        global enabled, checking
        self._previous.append((enabled, checking))
        enabled, checking = True, self.check_nan

    def __exit__(self, *exc: object) -> None:
        global enabled, checking
        enabled, checking = self._previous.pop()


def user_frame() -> str:
    """file:line (and code) of the innermost caller outside this package."""
    for frame in reversed(traceback.extract_stack()):
        if not in_package(frame.filename):
            return f"{frame.filename}:{frame.lineno} ({frame.line})"
    return "an unknown place"


def in_package(filename: str) -> bool:
    """Whether ``filename`` is this package's own (a sibling ``tinygrad_mlp_demo.py`` is not)."""
    return os.path.abspath(filename).startswith(_PACKAGE + os.sep)


def describe_origin(fn: Function) -> str:
    """Where ``fn`` was made and where its inputs came from."""
    sources = []
    for parent in fn.parents:
        if parent is None:
            sources.append("a constant")
        elif hasattr(parent, "parents"):
            sources.append(f"<{parent.name}>")
        elif not parent.requires_grad:  # a forward error comes before constants become None
            sources.append(f"a constant of shape {parent.shape}")
        else:
            label = f"leaf {parent.name!r}" if parent.name else "a leaf"
            sources.append(f"{label} of shape {parent.shape}")
    where = f"made at {fn.created_at}" if fn.created_at else "made"
    modules = " in " + " > ".join(type(m).__name__ for m in fn.scope) if fn.scope else ""
    return f"it was {where}{modules}; its inputs came from: {', '.join(sources)}"


def check_finite(fn: Function, stage: str, values: Sequence[Any]) -> None:
    """Raise RuntimeError if any of ``values`` (arrays or Tensors) holds NaN or infinity."""
    if not checking:
        return
    for position, value in enumerate(values):
        if value is None:
            continue
        array = np.asarray(getattr(value, "data", value) if not isinstance(value, np.ndarray)
                           else value)
        if array.dtype.kind == "f" and not np.isfinite(array).all():
            what = "nan" if np.isnan(array).any() else "inf"
            part = "its output" if stage == "forward" else f"the gradient of its input {position}"
            raise RuntimeError(
                f"detect_anomaly: {fn.name} {stage} produced {what} in {part} (shape "
                f"{array.shape}); {describe_origin(fn)}"
            )
