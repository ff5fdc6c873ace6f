"""Ways to make tensors, named as in PyTorch: ``tensor``, ``zeros``, ``randn``, ...

Float results get the default dtype (``tm.get_default_dtype()``) unless a
``dtype`` is given; ``full`` and ``arange`` take theirs from their arguments,
``randint`` and ``randperm`` are int64, and the ``*_like`` ones follow the
tensor they are given, as in PyTorch, except that ``rand_like`` and
``randn_like`` of an int tensor give the default float dtype (PyTorch
refuses ints there). Random ones draw from the global
generator that ``tm.manual_seed`` reseeds, or from a ``generator`` passed in.
``as_tensor`` and ``from_numpy`` share an ndarray's memory; ``tensor`` copies.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from tinygrad_mlp import checks, random
from tinygrad_mlp.dtypes import get_default_dtype
from tinygrad_mlp.tensor import Tensor, TensorLike, _as_array

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


def _leaf(where: str, data: np.ndarray[Any, Any], requires_grad: bool) -> Tensor:
    """A new leaf tensor of ``data``; only a float one may require grad, as in PyTorch."""
    if requires_grad and data.dtype.kind != "f":
        raise TypeError(
            f"{where}: only floating point tensors can require gradients, got dtype "
            f"{data.dtype}; pass dtype=tm.float64 (or float32)"
        )
    return Tensor(data, requires_grad)


def _int(where: str, name: str, value: object) -> int:
    """``value`` as an int, refusing floats and bools (``randint(0, 2.5, ...)``), as PyTorch."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{where}: {name} must be an int, got {value!r}")
    return int(value)


def _exact_integers(dtype: np.dtype[Any]) -> tuple[int, int]:
    """The smallest and largest of a run of integers ``dtype`` holds, every one exactly.

    For a float dtype that is ±2^(mantissa bits + 1) (±2^24 for float32):
    beyond it some integers round to their neighbours, so random integers
    drawn there would not be uniform.
    """
    if dtype.kind == "b":
        return 0, 1
    if dtype.kind in "iu":
        return int(np.iinfo(dtype).min), int(np.iinfo(dtype).max)
    exact = 2 ** (np.finfo(dtype).nmant + 1)
    return -exact, exact


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
    return _full("full", _shape("full", (size,)), fill_value, dtype, requires_grad)


def full_like(
    input: Tensor,
    fill_value: bool | int | float,
    *,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """``fill_value`` in the shape of ``input``, and in its dtype unless one is given.

    As in PyTorch, the value is converted to that dtype: ``full_like`` of an
    int tensor and 2.7 holds 2s. A value the dtype cannot hold (-1 for
    uint8, 1e6 for float16) is refused, as ``full`` refuses it.
    """
    like = checks.tensor("full_like", "input", input)
    return _full("full_like", like.shape, fill_value, like.dtype if dtype is None else dtype,
                 requires_grad)


def _full(
    where: str,
    shape: tuple[int, ...],
    fill_value: bool | int | float,
    dtype: DTypeLike | None,
    requires_grad: bool,
) -> Tensor:
    """``full`` and ``full_like``: ``fill_value`` checked against the dtype it must fit."""
    if isinstance(fill_value, Tensor) and fill_value.ndim == 0:  # a 0-d tensor, as PyTorch takes
        fill_value = fill_value.item()
    inferred = _fill_dtype(where, fill_value)  # which also refuses a fill value not a number
    chosen = inferred if dtype is None else checks.numeric_dtype(where, dtype)
    if chosen.kind in "biu" and isinstance(fill_value, (float, np.floating)) \
            and not math.isfinite(fill_value):
        raise ValueError(f"{where}: fill_value {fill_value} cannot be stored as {chosen}")
    if chosen.kind in "iu" and not np.iinfo(chosen).min <= fill_value <= np.iinfo(chosen).max:
        raise ValueError(f"{where}: fill_value {fill_value} does not fit in {chosen}")
    if chosen.kind == "f" and math.isfinite(fill_value) \
            and abs(float(fill_value)) > float(np.finfo(chosen).max):
        raise ValueError(f"{where}: fill_value {fill_value} does not fit in {chosen}")  # not inf
    return _leaf(where, np.full(shape, fill_value, chosen), requires_grad)


def _fill_dtype(where: str, fill_value: object) -> np.dtype[Any]:
    """The dtype ``full`` infers from its fill value."""
    if isinstance(fill_value, (bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(fill_value, (int, np.integer)):
        return np.dtype(np.int64)
    if isinstance(fill_value, (float, np.floating)):
        return get_default_dtype()
    raise TypeError(
        f"{where}: fill_value must be a number (bool, int or float), got {fill_value!r}"
    )


def empty(*size: Size, dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given shape whose values are whatever the memory held (``np.empty``).

    Faster than ``zeros`` when every element is about to be written; read
    nothing from it before that, as with ``torch.empty``.
    """
    chosen = _float("empty", dtype)
    return _leaf("empty", np.empty(_shape("empty", size), chosen), requires_grad)


def empty_like(
    input: Tensor, *, dtype: DTypeLike | None = None, requires_grad: bool = False
) -> Tensor:
    """An uninitialised tensor (see ``empty``) shaped as ``input``, in its dtype unless given."""
    like = checks.tensor("empty_like", "input", input)
    chosen = like.dtype if dtype is None else checks.numeric_dtype("empty_like", dtype)
    return _leaf("empty_like", np.empty(like.shape, chosen), requires_grad)


def as_tensor(data: TensorLike, dtype: DTypeLike | None = None) -> Tensor:
    """``data`` as a tensor, sharing its memory where it can (like ``torch.as_tensor``).

    - a Tensor of that dtype (or with no ``dtype`` given) is returned itself;
      of another dtype, it is converted with ``.to(dtype)``, which records a
      graph for a float dtype, as in PyTorch;
    - an ndarray of that dtype (or with no ``dtype`` given) is kept without a
      copy, so a change to one shows in the other; of another dtype, it is
      copied;
    - anything else (lists, numbers) is copied into a new tensor, as
      ``tm.tensor`` does, Python floats getting the default dtype.

    The result does not require grad unless it is the Tensor given, or made
    from it by ``.to``.

    Raises:
        TypeError: for data or a dtype that is not bool, int or float.
        ValueError: for ragged nested lists.

    Example:
        >>> import numpy as np
        >>> import tinygrad_mlp as tm
        >>> array = np.zeros(2)
        >>> shared = tm.as_tensor(array)
        >>> array[0] = 5.0
        >>> shared
        tensor([5., 0.])
    """
    chosen = None if dtype is None else checks.numeric_dtype("as_tensor", dtype)
    if isinstance(data, Tensor):
        return data if chosen is None else data.to(chosen)
    return Tensor(_as_array(data, chosen, "as_tensor"))


def asarray(obj: Any, *, dtype: DTypeLike | None = None, device: object = None,
            copy: bool | None = None, requires_grad: bool | None = None) -> Tensor:
    """``obj`` as a tensor, sharing its memory unless asked to copy, as ``torch.asarray``.

    - ``copy=None`` (the default) shares a Tensor's or an ndarray's memory
      when the dtype is kept: a Tensor is returned itself, an ndarray wrapped
      without a copy. Another dtype is a conversion (``.to``, in the graph),
      and lists and numbers are always copied.
    - ``copy=True`` always copies: a Tensor through ``clone`` or ``.to``, so
      the copy stays in the graph.
    - ``copy=False`` never copies, and refuses a change of dtype and data
      that is not a Tensor or an ndarray.

    ``requires_grad`` None keeps a Tensor's (False for other data). Given,
    it is set on a leaf result, as PyTorch does, which is the Tensor itself
    when it is shared; False on a result made by an op gives it detached.

    Raises:
        ValueError: where ``copy=False`` would need a copy, or for a device
            other than the CPU.
        TypeError: for data or a dtype that is not bool, int or float, or
            ``requires_grad`` for one that is not float.
    """
    checks.device("asarray", device)
    if copy is not None:
        checks.flag("asarray", "copy", copy)
    chosen = None if dtype is None else checks.numeric_dtype("asarray", dtype)
    if isinstance(obj, (Tensor, np.ndarray)):
        kept = chosen is None or chosen == obj.dtype
        if copy is False and not kept:
            raise ValueError(f"asarray: copy=False, but dtype {obj.dtype} would have to be "
                             f"copied to {chosen}")
        if isinstance(obj, Tensor):
            if chosen is not None and not kept:
                result = obj.to(chosen)
            else:
                result = obj.clone() if copy else obj
            if requires_grad is None:
                return result
            if result.grad_fn is not None:  # made by an op: detached to drop the graph, as torch
                flag = checks.flag("asarray", "requires_grad", requires_grad)
                return result if flag else result.detach()
            return result.requires_grad_(checks.flag("asarray", "requires_grad", requires_grad))
        data = obj.copy() if copy else obj
        return _leaf("asarray", _as_array(data, chosen, "asarray"), bool(requires_grad))
    if copy is False:
        raise ValueError(f"asarray: copy=False, but a {type(obj).__name__} cannot be shared "
                         "without a copy (only a Tensor or an ndarray can)")
    return _leaf("asarray", _as_array(obj, chosen, "asarray"), bool(requires_grad))


def from_numpy(ndarray: np.ndarray[Any, Any]) -> Tensor:
    """A tensor that shares ``ndarray``'s memory and dtype (like ``torch.from_numpy``).

    A change to the array shows in the tensor and the other way round. Only
    ndarrays are taken; for a list or a number use ``tm.tensor`` (a copy) or
    ``tm.as_tensor``.

    Raises:
        TypeError: for anything but an ndarray, or one whose dtype is not bool,
            an int or a float of up to 64 bits (complex, object, strings,
            numpy's longdouble).
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(
            f"from_numpy: ndarray must be a numpy.ndarray, got {type(ndarray).__name__}; use "
            "tm.tensor(data) to copy other data, or tm.as_tensor(data)"
        )
    kind, bits = ndarray.dtype.kind, ndarray.dtype.itemsize * 8
    if kind not in "biuf" or (kind == "f" and bits > 64):
        raise TypeError(
            f"from_numpy: an ndarray of dtype {ndarray.dtype} is not supported; the dtypes "
            "are bool, int8 to int64, uint8 to uint64, float16, float32 and float64"
        )
    return Tensor(ndarray)


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


def randint(
    *bounds_and_size: Size,
    low: int | None = None,
    high: int | None = None,
    size: Size | None = None,
    generator: np.random.Generator | None = None,
    dtype: DTypeLike = np.int64,
    requires_grad: bool = False,
) -> Tensor:
    """Integers drawn uniformly from ``low`` up to (not including) ``high``.

    Called as PyTorch's ``randint``: ``randint(high, size)`` (``low`` is 0) or
    ``randint(low, high, size)``, each argument also by keyword. ``size`` is
    a tuple (or list), never an int: ``randint(2, 5)`` is refused, as in
    PyTorch, rather than read as a shape. The result is int64 unless ``dtype`` says
    otherwise; every value in [low, high) must be one it holds exactly.

    Raises:
        TypeError: for bounds that are not ints, a size that is not a
            tuple of ints, or arguments that do not match either call form.
        ValueError: if ``low >= high``, or [low, high) does not fit ``dtype``.

    Example:
        >>> import tinygrad_mlp as tm
        >>> _ = tm.manual_seed(0)
        >>> dice = tm.randint(1, 7, (2, 3))
        >>> dice.shape, dice.dtype, bool(((dice >= 1) & (dice <= 6)).all())
        ((2, 3), dtype('int64'), True)
    """
    low, high, shape = _randint_arguments(bounds_and_size, low, high, size)
    return _random_integers("randint", low, high, shape, dtype, generator, requires_grad)


def _random_integers(
    where: str, low: int, high: int, shape: tuple[int, ...], dtype: DTypeLike | None,
    generator: np.random.Generator | None, requires_grad: bool,
) -> Tensor:
    """``randint``'s draw, once its arguments are sorted, with errors naming ``where``."""
    chosen = np.dtype(np.int64) if dtype is None else checks.numeric_dtype(where, dtype)
    if low >= high:
        raise ValueError(f"{where}: low must be less than high, got low={low}, high={high}")
    lowest, highest = _exact_integers(chosen)
    if low < lowest or high - 1 > highest:
        raise ValueError(f"{where}: the range [{low}, {high}) does not fit in {chosen}, which "
                         f"holds every integer from {lowest} to {highest} only")
    draw = random.resolve(random.check_generator(where, generator))  # after every check
    values = draw.integers(low, high, shape, dtype=chosen if chosen.kind in "biu" else np.int64)
    return _leaf(where, values.astype(chosen, copy=False), requires_grad)


def _randint_arguments(
    given: tuple[Size, ...], low: int | None, high: int | None, size: Size | None
) -> tuple[int, int, tuple[int, ...]]:
    """Sort ``randint``'s arguments into (low, high, shape), as PyTorch's two call forms do."""
    positional = list(given)
    if size is None:
        if not positional:
            raise TypeError("randint: size is missing; call randint(high, size) or "
                            "randint(low, high, size), with size a tuple such as (3,)")
        size = positional.pop()
    if len(positional) > 2:
        raise TypeError(f"randint: takes (high, size) or (low, high, size), got "
                        f"{len(given)} positional arguments")
    bounds: dict[str, object] = {"low": low, "high": high}
    for name, value in zip(("low", "high")[2 - len(positional):], positional):
        if bounds[name] is not None:
            raise TypeError(f"randint: got two values for {name}")
        bounds[name] = value
    if bounds["high"] is None:
        raise TypeError("randint: high is missing; call randint(high, size) or "
                        "randint(low, high, size)")
    if not isinstance(size, Sequence):
        raise TypeError(f"randint: size must be a tuple of ints, such as (3,), got {size!r}")
    low_bound = 0 if bounds["low"] is None else _int("randint", "low", bounds["low"])
    return low_bound, _int("randint", "high", bounds["high"]), _shape("randint", (size,))


def randperm(
    n: int,
    *,
    generator: np.random.Generator | None = None,
    dtype: DTypeLike = np.int64,
    requires_grad: bool = False,
) -> Tensor:
    """A random permutation of the integers 0 to n - 1.

    int64 unless ``dtype`` says otherwise (not bool, as in PyTorch); every
    integer below ``n`` must be one the dtype holds exactly.

    Raises:
        TypeError: if ``n`` is not an int, or for a bool dtype.
        ValueError: if ``n`` is negative, or too large for ``dtype``.

    Example:
        >>> import tinygrad_mlp as tm
        >>> sorted(tm.randperm(5).tolist())
        [0, 1, 2, 3, 4]
    """
    count = checks.check_int("randperm", "n", n, 0)
    chosen = np.dtype(np.int64) if dtype is None else checks.numeric_dtype("randperm", dtype)
    if chosen.kind == "b":
        raise TypeError("randperm: dtype bool is not supported, as in PyTorch; use an int or "
                        "float dtype")
    highest = _exact_integers(chosen)[1]
    if count - 1 > highest:
        raise ValueError(f"randperm: n = {count} does not fit in {chosen}, which holds every "
                         f"integer from 0 to {highest} only")
    draw = random.resolve(random.check_generator("randperm", generator))
    return _leaf("randperm", draw.permutation(count).astype(chosen, copy=False), requires_grad)


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


def _finite(where: str, **numbers: object) -> None:
    """Refuse any of ``numbers`` (by name) that is not a finite real number."""
    for name, value in numbers.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{where}: {name} must be a number, got {value!r}")
        if not np.isfinite(value):
            raise ValueError(f"{where}: {name} must be finite, got {value}")


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
    _finite("linspace", start=start, end=end)
    count = checks.check_int("linspace", "steps", steps, 0)
    chosen = _float("linspace", dtype)
    values = np.linspace(start, end, count)
    if chosen.kind != "f":  # toward zero, as PyTorch rounds, not down as numpy's astype
        values = np.trunc(values)
    return Tensor(values.astype(chosen), requires_grad)


def logspace(
    start: float,
    end: float,
    steps: int,
    base: float = 10.0,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` values from base^start to base^end, their exponents evenly spaced.

    baseᵉ for e in ``linspace(start, end, steps)``, computed in float64 and
    then given ``dtype`` (the default float dtype unless one is given, ints
    rounded toward zero), as ``torch.logspace``.
    """
    _finite("logspace", start=start, end=end, base=base)
    count = checks.check_int("logspace", "steps", steps, 0)
    chosen = _float("logspace", dtype)
    if chosen.kind == "b":
        raise TypeError("logspace: dtype bool cannot hold powers (PyTorch refuses it too)")
    with np.errstate(over="ignore", invalid="ignore"):  # inf past the dtype's range, as PyTorch
        values = np.power(float(base), np.linspace(start, end, count))
        if chosen.kind != "f":
            values = np.trunc(values)
        return _leaf("logspace", values.astype(chosen), requires_grad)


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
    like = checks.tensor("zeros_like", "other", other)
    chosen = like.dtype if dtype is None else checks.numeric_dtype("zeros_like", dtype)
    return Tensor(np.zeros(like.shape, chosen), requires_grad)


def ones_like(
    other: Tensor, dtype: DTypeLike | None = None, requires_grad: bool = False
) -> Tensor:
    """Ones with the shape (and dtype, unless given) of ``other``."""
    like = checks.tensor("ones_like", "other", other)
    chosen = like.dtype if dtype is None else checks.numeric_dtype("ones_like", dtype)
    return Tensor(np.ones(like.shape, chosen), requires_grad)


def randn_like(
    other: Tensor,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """N(0, 1) samples with the shape (and float dtype) of ``other``."""
    checks.tensor("randn_like", "other", other)
    return randn(other.shape, dtype=dtype or _like_float(other), requires_grad=requires_grad,
                 generator=generator)


def rand_like(
    other: Tensor,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """Uniform [0, 1) samples with the shape (and float dtype) of ``other``."""
    checks.tensor("rand_like", "other", other)
    return rand(other.shape, dtype=dtype or _like_float(other), requires_grad=requires_grad,
                generator=generator)


def randint_like(
    input: Tensor,
    low: int | None = None,
    high: int | None = None,
    *,
    generator: np.random.Generator | None = None,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """``randint`` with the shape (and dtype, unless given) of ``input``.

    Called as PyTorch's: ``randint_like(input, high)`` (``low`` is 0) or
    ``randint_like(input, low, high)``. A float or bool ``input`` gives its
    own dtype, as in PyTorch: ``randint_like(tm.zeros(3), 5)`` holds floats
    that are whole numbers.

    Raises:
        TypeError: if ``input`` is not a Tensor, or a bound is missing or not an int.
        ValueError: if ``low >= high``, or [low, high) does not fit the dtype.

    Example:
        >>> import tinygrad_mlp as tm
        >>> tm.randint_like(tm.zeros(2, 3), 1, 2)
        tensor([[1., 1., 1.],
                [1., 1., 1.]])
    """
    like = checks.tensor("randint_like", "input", input)
    if high is None:
        if low is None:
            raise TypeError("randint_like: high is missing; call randint_like(input, high) or "
                            "randint_like(input, low, high)")
        low, high = 0, low
    start = 0 if low is None else _int("randint_like", "low", low)
    return _random_integers("randint_like", start, _int("randint_like", "high", high),
                            like.shape, like.dtype if dtype is None else dtype, generator,
                            requires_grad)


def _like_float(other: Tensor) -> np.dtype[Any]:
    """``other``'s dtype if it is a float, else the default float dtype."""
    return other.dtype if other.dtype.kind == "f" else get_default_dtype()
