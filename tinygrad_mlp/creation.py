"""Ways to make tensors, named as in PyTorch: ``tensor``, ``zeros``, ``randn``, ...

Float results get the default dtype (``tm.get_default_dtype()``) unless a
``dtype`` is given; ``full`` and ``arange`` take theirs from their arguments,
as in PyTorch. Random ones draw from the global generator that
``tm.manual_seed`` reseeds, or from a ``generator`` passed in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from tinygrad_mlp import checks, random
from tinygrad_mlp.dtypes import get_default_dtype
from tinygrad_mlp.tensor import Tensor, TensorLike

Size = int | Sequence[int]


def _shape(where: str, size: tuple[Size, ...]) -> tuple[int, ...]:
    """Accept ``zeros(2, 3)`` and ``zeros((2, 3))`` alike; refuse negative sizes."""
    dims = tuple(size[0]) if len(size) == 1 and isinstance(size[0], Sequence) else size
    if not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) for d in dims):
        raise TypeError(f"{where}: sizes must be ints, got {dims}")
    if any(int(d) < 0 for d in dims):  # type: ignore[arg-type]
        raise ValueError(f"{where}: sizes must be non-negative, got {dims}")
    return tuple(int(d) for d in dims)  # type: ignore[arg-type]


def _float(where: str, dtype: DTypeLike | None) -> np.dtype[Any]:
    """``dtype`` (bool, int or float), or the default float dtype when it is None."""
    return get_default_dtype() if dtype is None else checks.numeric_dtype(where, dtype)


def _random_float(where: str, dtype: DTypeLike | None) -> np.dtype[Any]:
    """Like ``_float``, but refuse an int or bool dtype, as PyTorch does.

    Samples in [0, 1) or of N(0, 1) cast to ints would be silently truncated.
    """
    chosen = _float(where, dtype)
    if chosen.kind != "f":
        raise TypeError(
            f"{where}: dtype {chosen} is not a float dtype; random samples need a float dtype "
            "such as tm.float32 or tm.float64"
        )
    return chosen


def tensor(
    data: TensorLike,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
    name: str | None = None,
) -> Tensor:
    """A new leaf tensor holding a copy of ``data`` (like ``torch.tensor``)."""
    if isinstance(data, Tensor):
        data = data.data
    if isinstance(data, np.ndarray):
        data = data.copy()
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, name=name)


def zeros(*size: Size, dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros of the given shape."""
    return Tensor(np.zeros(_shape("zeros", size), _float("zeros", dtype)), requires_grad)


def ones(*size: Size, dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones of the given shape."""
    return Tensor(np.ones(_shape("ones", size), _float("ones", dtype)), requires_grad)


def full(
    size: Size,
    fill_value: bool | int | float,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of the given shape filled with ``fill_value``.

    Without a ``dtype``, it follows the fill value as in PyTorch: bool for a
    bool, int64 for an int, the default float dtype for a float.
    """
    if isinstance(fill_value, Tensor) and fill_value.ndim == 0:  # a 0-d tensor, as PyTorch takes
        fill_value = fill_value.item()
    inferred = _fill_dtype(fill_value)  # which also refuses a fill value that is not a number
    chosen = inferred if dtype is None else checks.numeric_dtype("full", dtype)
    if chosen.kind in "biu" and isinstance(fill_value, (float, np.floating)) \
            and not math.isfinite(fill_value):
        raise ValueError(f"full: fill_value {fill_value} cannot be stored as {chosen}")
    if chosen.kind in "iu" and not np.iinfo(chosen).min <= fill_value <= np.iinfo(chosen).max:
        raise ValueError(f"full: fill_value {fill_value} does not fit in {chosen}")
    if chosen.kind == "f" and math.isfinite(fill_value) \
            and abs(float(fill_value)) > float(np.finfo(chosen).max):
        raise ValueError(f"full: fill_value {fill_value} does not fit in {chosen}")  # not inf
    return Tensor(np.full(_shape("full", (size,)), fill_value, chosen), requires_grad)


def _fill_dtype(fill_value: object) -> np.dtype[Any]:
    """The dtype ``full`` infers from its fill value."""
    if isinstance(fill_value, (bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(fill_value, (int, np.integer)):
        return np.dtype(np.int64)
    if isinstance(fill_value, (float, np.floating)):
        return get_default_dtype()
    raise TypeError(
        f"full: fill_value must be a number (bool, int or float), got {fill_value!r}"
    )


def randn(
    *size: Size,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """Samples from the standard normal distribution N(0, 1)."""
    shape, chosen = _shape("randn", size), _random_float("randn", dtype)  # before drawing
    draw = random.resolve(random.check_generator("randn", generator))
    data = draw.standard_normal(shape).astype(chosen, copy=False)
    return Tensor(data, requires_grad)


def rand(
    *size: Size,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """Samples from the uniform distribution on [0, 1)."""
    shape, chosen = _shape("rand", size), _random_float("rand", dtype)  # before drawing
    draw = random.resolve(random.check_generator("rand", generator))
    data = draw.random(shape).astype(chosen, copy=False)
    if chosen != np.float64:  # rounding to fewer bits can reach 1.0, which [0, 1) leaves out
        np.minimum(data, np.nextafter(chosen.type(1), chosen.type(0)), out=data)
    return Tensor(data, requires_grad)


def arange(
    start: float = 0,
    end: float | None = None,
    step: float = 1,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Values from ``start`` up to (not including) ``end`` in steps of ``step``.

    Like PyTorch, the result is int64 when all arguments are ints, else float.
    With an int ``dtype``, PyTorch's rule too: each argument is first
    truncated toward zero, so ``arange(0.5, 3.9, dtype=tm.int64)`` is
    ``[0, 1, 2]``, and a step that truncates to 0 is refused. Float values
    are start + i · step, worked out in float64 and then rounded to the
    dtype once (numpy's ``arange`` steps by a step rounded to the dtype,
    which drifts; PyTorch's values, computed in chunks, may differ from
    these by one unit in the last place).

    Raises:
        ValueError: for a zero step, or one that leads away from ``end``.
    """
    if end is None:
        start, end = 0, start
    for name, value in (("start", start), ("end", end), ("step", step)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"arange: {name} must be a number, got {value!r}")
        if not np.isfinite(value):
            raise ValueError(f"arange: {name} must be finite, got {value}")
    if step == 0:
        raise ValueError("arange: step must not be zero")
    if (end - start) * step < 0:
        raise ValueError(f"arange: step {step} leads away from end {end} (start {start}), as "
                         "PyTorch refuses too; give a step of the other sign")
    all_ints = all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
                   for v in (start, end, step))
    if dtype is None:
        chosen = np.dtype(np.int64) if all_ints else get_default_dtype()
    else:
        chosen = checks.numeric_dtype("arange", dtype)
    if chosen.kind == "b":
        raise TypeError("arange: dtype bool is not supported; use an int or float dtype")
    if chosen.kind in "iu":
        if int(step) == 0:
            raise ValueError(
                f"arange: step {step} truncates to 0 for dtype {chosen}; use a step of at "
                "least 1 in size, or a float dtype"
            )
        start, end, step = int(start), int(end), int(step)
        values: np.ndarray = np.arange(start, end, step, dtype=np.int64)  # wrapped, as in torch
    else:
        count = max(math.ceil((end - start) / step), 0)
        values = start + np.arange(count, dtype=np.float64) * step
    return Tensor(values.astype(chosen), requires_grad)


def linspace(
    start: float,
    end: float,
    steps: int,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, both included.

    The dtype is the default float dtype unless one is given, as in PyTorch
    (``tm.linspace(0, 1, 5)`` is float even for int ends).
    """
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"linspace: {name} must be a number, got {value!r}")
        if not np.isfinite(value):
            raise ValueError(f"linspace: {name} must be finite, got {value}")
    count = checks.check_int("linspace", "steps", steps, 0)
    chosen = _float("linspace", dtype)
    values = np.linspace(start, end, count)
    if chosen.kind != "f":  # toward zero, as PyTorch rounds, not down as numpy's astype
        values = np.trunc(values)
    return Tensor(values.astype(chosen), requires_grad)


def eye(
    n: int, m: int | None = None, dtype: DTypeLike | None = None, requires_grad: bool = False
) -> Tensor:
    """The n x m identity matrix (n x n without ``m``): ones on the diagonal, zeros elsewhere."""
    rows = checks.check_int("eye", "n", n, 0)
    columns = rows if m is None else checks.check_int("eye", "m", m, 0)
    return Tensor(np.eye(rows, columns, dtype=_float("eye", dtype)), requires_grad)


def zeros_like(
    other: Tensor, dtype: DTypeLike | None = None, requires_grad: bool = False
) -> Tensor:
    """Zeros with the shape (and dtype, unless given) of ``other``."""
    return Tensor(np.zeros(other.shape, dtype or other.dtype), requires_grad)


def ones_like(
    other: Tensor, dtype: DTypeLike | None = None, requires_grad: bool = False
) -> Tensor:
    """Ones with the shape (and dtype, unless given) of ``other``."""
    return Tensor(np.ones(other.shape, dtype or other.dtype), requires_grad)


def randn_like(
    other: Tensor,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """N(0, 1) samples with the shape (and float dtype) of ``other``."""
    return randn(other.shape, dtype=dtype or _like_float(other), requires_grad=requires_grad,
                 generator=generator)


def rand_like(
    other: Tensor,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """Uniform [0, 1) samples with the shape (and float dtype) of ``other``."""
    return rand(other.shape, dtype=dtype or _like_float(other), requires_grad=requires_grad,
                generator=generator)


def _like_float(other: Tensor) -> np.dtype[Any]:
    """``other``'s dtype if it is a float, else the default float dtype."""
    return other.dtype if other.dtype.kind == "f" else get_default_dtype()
