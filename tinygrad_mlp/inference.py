"""Inference mode: PyTorch's switch for running a model, recording nothing.

``tm.inference_mode()`` is ``tm.no_grad()`` under PyTorch's name, with a
flag that ``tm.is_inference_mode_enabled()`` reads. ``inference_mode(False)``
turns recording on, as ``tm.enable_grad()``, and the flag off.

What PyTorch's adds, and this does not: tensors made inside PyTorch's
inference mode are *inference tensors*. They skip the bookkeeping of
versions and views that autograd needs, which makes them cheaper, and in
exchange PyTorch refuses to save them for backward or change them in place
outside inference mode. Here tensors made inside are ordinary tensors,
usable anywhere afterwards, and no cheaper than under ``no_grad``. And
``tm.enable_grad()`` inside turns recording back on here, where PyTorch's
inference mode keeps recording off.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tinygrad_mlp.autograd import _GradMode

_inference_enabled = False


def is_inference_mode_enabled() -> bool:
    """Whether an ``inference_mode()`` block or decorated function is running now."""
    return _inference_enabled


class inference_mode(_GradMode):  # noqa: N801 (PyTorch's name for it)
    """Record nothing inside, as ``no_grad``; ``mode=False`` records, as ``enable_grad``.

    Works as ``with tm.inference_mode(): ...``, as ``@tm.inference_mode()``
    and as bare ``@tm.inference_mode``; a decorated generator function runs
    each of its steps in the mode.

    Example:
        >>> import tinygrad_mlp as tm
        >>> w = tm.ones(2, requires_grad=True)
        >>> with tm.inference_mode():
        ...     y = w * 2
        >>> y.requires_grad, tm.is_inference_mode_enabled()
        (False, False)

    Raises:
        TypeError: if ``mode`` is neither a bool nor, used bare, a function.
    """

    def __new__(cls, mode: bool | Callable[..., Any] = True) -> Any:
        """A new switch; used bare (``@tm.inference_mode``), the decorated function."""
        if callable(mode):
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode: bool = True) -> None:
        if not isinstance(mode, (bool, np.bool_)):
            raise TypeError(f"inference_mode: mode must be a bool, got {type(mode).__name__}")
        super().__init__(not mode)  # inference mode is grad mode off
        self.inference = bool(mode)
        self._inference_before: list[bool] = []  # a stack, as _GradMode's

    def __enter__(self) -> None:
        global _inference_enabled
        self._inference_before.append(_inference_enabled)
        _inference_enabled = self.inference
        super().__enter__()

    def __exit__(self, *exc: object) -> None:
        global _inference_enabled
        super().__exit__(*exc)
        _inference_enabled = self._inference_before.pop()
