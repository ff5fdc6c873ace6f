"""The library's seedable random number generator, and samples whose parameters are tensors.

Everything random in tinygrad_mlp (``randn``, layer initialisation, shuffled
data loaders) draws from one ``numpy.random.Generator`` unless it is given its
own, so ``tm.manual_seed(0)`` makes a whole run reproducible, as
``torch.manual_seed`` does.

``normal``, ``poisson`` and ``multinomial`` draw from distributions whose
parameters may be tensors (a mean per element, a rate per element, a row of
weights per draw). As in PyTorch, a sample is a step function of its
parameters: gradient 0, not the reparameterised mean + std · ε.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import DTypeLike

# tensor.py imports this module (through methods.py); what it defines is looked up when called.
import tinygrad_mlp.methods as _methods
import tinygrad_mlp.tensor as _tensor
from tinygrad_mlp import checks
from tinygrad_mlp.dtypes import get_default_dtype

if TYPE_CHECKING:
    from tinygrad_mlp.tensor import Tensor

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the global generator in place and return it.

    As ``torch.manual_seed`` does with ``torch.default_generator``, the same
    generator object is reseeded, so one captured earlier (handed to a
    ``DataLoader``, say) restarts its stream too.

    Args:
        seed: a non-negative integer.

    Raises:
        ValueError: if ``seed`` is negative.
        TypeError: if ``seed`` is not an integer.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"manual_seed: seed must be an int, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"manual_seed: seed must be non-negative, got {seed}")
    _generator.bit_generator.state = np.random.default_rng(int(seed)).bit_generator.state
    return _generator


def default_generator() -> np.random.Generator:
    """Return the global generator (the one ``manual_seed`` reseeds)."""
    return _generator


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
            f"{_type_name(generator)} (make one with numpy.random.default_rng(seed))"
        )
    return generator


def _type_name(value: object) -> str:
    """``int`` for builtins, ``torch._C.Generator`` for others: enough to tell them apart."""
    kind = type(value)
    return kind.__qualname__ if kind.__module__ == "builtins" else (
        f"{kind.__module__}.{kind.__qualname__}")


def resolve(generator: np.random.Generator | None) -> np.random.Generator:
    """Return ``generator`` if one is given, else the global one."""
    return _generator if generator is None else generator


def normal(
    mean: Tensor | float,
    std: Tensor | float = 1.0,
    size: Sequence[int] | None = None,
    *,
    generator: np.random.Generator | None = None,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Samples of N(mean, std²): mean + std · z with z ~ N(0, 1), as ``torch.normal``.

    PyTorch's overloads: ``mean`` or ``std`` (or both) a float tensor, the
    result of their broadcast shape, in the dtype of ``mean`` if it is a
    tensor, else of ``std`` (as PyTorch's, which does not promote); or both
    numbers and ``size`` given, the result of that shape in ``dtype`` (the
    default float dtype unless given). Each std must be >= 0. The result has gradient 0 with
    respect to tensor parameters, as in PyTorch.

    Raises:
        TypeError: for numbers without ``size``, ``size``, ``dtype`` or
            ``requires_grad`` with a tensor parameter, or a tensor that is not float.
        ValueError: for a negative or NaN std, or shapes that do not broadcast.

    Example:
        >>> import tinygrad_mlp as tm
        >>> _ = tm.manual_seed(0)
        >>> tm.normal(tm.zeros(2, 1), tm.ones(3)).shape
        (2, 3)
        >>> tm.normal(2.0, 0.0, (2,))
        tensor([2., 2.])
    """
    params = []
    for name, param in (("mean", mean), ("std", std)):
        if not isinstance(param, _tensor.Tensor):
            checks.real("normal", name, param)
        elif param.dtype.kind != "f":
            raise TypeError(f"normal: {name} must be a float tensor, got dtype {param.dtype}")
        else:
            params.append(param)
    if params:
        if size is not None or dtype is not None or requires_grad:
            raise TypeError("normal: size, dtype and requires_grad are for numbers mean and std "
                            "only; with a tensor the result takes its shape and dtype")
        try:
            shape = np.broadcast_shapes(*(p.shape for p in params))
        except ValueError:
            raise ValueError(f"normal: mean of shape {_shape_of(mean)} and std of shape "
                             f"{_shape_of(std)} do not broadcast") from None
        chosen = params[0].dtype  # mean's, if it is a tensor, as PyTorch's (not promoted)
    else:
        if size is None:
            raise TypeError("normal: with numbers for mean and std, give size too, as "
                            "tm.normal(0.0, 1.0, size=(2, 3))")
        shape = checks.dims("normal", (size,), "size")
        chosen = get_default_dtype() if dtype is None else checks.numeric_dtype("normal", dtype)
        if chosen.kind != "f":
            raise TypeError(f"normal: dtype {chosen} is not a float dtype")
    spread = np.asarray(std.data if isinstance(std, _tensor.Tensor) else std, dtype=np.float64)
    if not np.all(spread >= 0):  # NaN fails this too
        raise ValueError(f"normal: std must be >= 0, got {_some(spread)}")
    centre = mean.data if isinstance(mean, _tensor.Tensor) else mean
    z = resolve(check_generator("normal", generator)).standard_normal(shape)
    values = (centre + spread * z).astype(chosen)
    return _methods._step(values, *params) if params else _tensor.Tensor(values, requires_grad)


def poisson(input: Tensor, generator: np.random.Generator | None = None) -> Tensor:
    """Counts drawn from Poisson(λ), one for each rate λ in ``input``, in its dtype.

    P(k) = λᵏ e^(-λ) / k!. As in PyTorch the rates must be floats, and the
    result has gradient 0 with respect to them.

    Raises:
        TypeError: if ``input`` is not a float Tensor.
        ValueError: for a rate that is negative, NaN, infinite or too large
            for numpy's sampler (about 9.2e18).

    Example:
        >>> import tinygrad_mlp as tm
        >>> tm.poisson(tm.tensor([0.0, 0.0]))
        tensor([0., 0.])
    """
    rates = checks.tensor("poisson", "input", input)
    checks.floating("poisson", rates)
    if not np.all((rates.data >= 0) & np.isfinite(rates.data)):
        raise ValueError(f"poisson: rates must be finite and >= 0, got {_some(rates.data)}")
    draw = resolve(check_generator("poisson", generator))
    try:
        counts = draw.poisson(rates.data)
    except ValueError as error:  # numpy's own limit on a rate, about 9.2e18
        raise ValueError(f"poisson: a rate is too large for numpy's sampler ({error})") from None
    return _methods._step(counts.astype(rates.dtype), rates)


def multinomial(
    input: Tensor,
    num_samples: int,
    replacement: bool = False,
    *,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """Indices of categories drawn with probabilities proportional to the weights in ``input``.

    ``input`` holds one row of non-negative weights (1-D), or one per draw
    (2-D); they need not sum to 1. Each row gives ``num_samples`` int64
    indices. With replacement, each index is i with probability
    wᵢ / Σⱼ wⱼ. Without, the indices are distinct, drawn one after another
    from the categories left, as PyTorch's; a category of weight 0 comes
    only after every other is taken.

    Raises:
        TypeError: if ``input`` is not a float Tensor, or ``num_samples`` not an int.
        ValueError: if ``input`` is not 1-D or 2-D; a weight is negative,
            NaN or infinite; a row sums to 0; ``num_samples`` is below 1, or
            above the number of categories without replacement.

    Example:
        >>> import tinygrad_mlp as tm
        >>> tm.multinomial(tm.tensor([0.0, 5.0, 0.0]), 2, replacement=True)
        tensor([1, 1])
    """
    weights = checks.tensor("multinomial", "input", input)
    checks.floating("multinomial", weights)
    count = checks.check_int("multinomial", "num_samples", num_samples, 1)
    with_replacement = checks.flag("multinomial", "replacement", replacement)
    if weights.ndim not in (1, 2):
        raise ValueError(f"multinomial: input must be 1-D or 2-D, got shape {weights.shape}")
    rows = np.atleast_2d(np.asarray(weights.data, dtype=np.float64))
    if not np.all((rows >= 0) & np.isfinite(rows)):
        raise ValueError(f"multinomial: weights must be finite and >= 0, got {_some(rows)}")
    if not with_replacement and count > rows.shape[1]:
        raise ValueError(f"multinomial: cannot draw {count} samples without replacement from "
                         f"{rows.shape[1]} categories")
    cumulative = np.cumsum(rows, axis=1)
    totals = cumulative[:, -1] if rows.shape[1] else np.zeros(len(rows))
    if not np.all(totals > 0):
        raise ValueError(f"multinomial: row {int(np.argmin(totals > 0))} of the weights sums "
                         "to 0; each row needs a positive weight")
    draw = resolve(check_generator("multinomial", generator))
    if with_replacement:
        # Inverse CDF: u in [0, 1) falls in category i when cdf[i-1] <= u < cdf[i], so a
        # weight of 0 (an empty interval) is never drawn; the last cdf is exactly 1.
        cdf = cumulative / totals[:, None]
        u = draw.random((len(rows), count))
        picks = np.array([np.searchsorted(c, row_u, side="right") for c, row_u in zip(cdf, u)],
                         dtype=np.int64).reshape(len(rows), count)
    else:
        # An exponential race: category i finishes at time Eᵢ / wᵢ with Eᵢ ~ Exp(1); the order
        # of finishing is the order of drawing without replacement (weight 0: never, last).
        with np.errstate(divide="ignore", invalid="ignore"):
            keys = rows / draw.standard_exponential(rows.shape)
        picks = np.argsort(-np.nan_to_num(keys, nan=0.0), axis=1, kind="stable")[:, :count]
    return _tensor.Tensor(picks.astype(np.int64).reshape(*weights.shape[:-1], count))


def _shape_of(value: Any) -> Any:
    """A tensor's shape, or ``()`` for a number."""
    return value.shape if isinstance(value, _tensor.Tensor) else ()


def _some(values: np.ndarray[Any, Any]) -> Any:
    """``values`` for an error message: the list if short, else a note to look for the bad ones."""
    return values.tolist() if values.size <= 8 else "values outside the allowed range"
