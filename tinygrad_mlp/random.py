"""The library's seedable random number generator.

Everything random in tinygrad_mlp (``randn``, layer initialisation, shuffled
data loaders) draws from one ``numpy.random.Generator`` unless it is given its
own, so ``tm.manual_seed(0)`` makes a whole run reproducible, as
``torch.manual_seed`` does.
"""

from __future__ import annotations

import numpy as np

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
