"""Subsets of a dataset, and random splits into them, as ``torch.utils.data`` has them.

A ``Subset`` is a view: it keeps the dataset and a list of positions in it,
and its item ``i`` is the dataset's item ``indices[i]``, fetched only when
asked for. ``random_split`` shuffles the positions once and cuts them into
consecutive runs, so its Subsets share no item and together hold every item
once: PyTorch's way to hold out a validation set. (``train_test_split`` does
the same for arrays, and can also stratify.)
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from tinygrad_mlp.data._arguments import check_dataset, to_array
from tinygrad_mlp.random import check_generator, resolve

if TYPE_CHECKING:
    # loader.py imports this module (its DataLoader fetches whole batches of a
    # Subset), so the protocol is imported for the annotations alone.
    from tinygrad_mlp.data.loader import Dataset


class Subset:
    """The items of ``dataset`` at ``indices``, in that order, as ``torch.utils.data.Subset``.

    Item ``i`` is ``dataset[indices[i]]``; nothing is copied. A ``DataLoader``
    batches a Subset as it would batch those items of the dataset, and takes a
    whole batch of a ``TensorDataset``'s Subset in one index-array fetch.

    Args:
        dataset: the whole dataset: a ``TensorDataset``, a list, or any object
            with ``__len__`` and ``__getitem__(int)``.
        indices: positions in ``dataset``: a list, range or 1-D array of ints,
            each in ``[-len(dataset), len(dataset))``, repeats allowed.

    Attributes:
        dataset: the dataset given.
        indices: the positions, as a list of Python ints.

    Raises:
        TypeError: if ``dataset`` lacks ``__len__`` or ``__getitem__``,
            ``indices`` is not a sequence, or an index is not an int.
        ValueError: if ``indices`` is a nested sequence or a 2-d array.
        IndexError: if an index is out of range for ``dataset``.

    Example:
        >>> subset = Subset(["a", "b", "c", "d"], [3, 0])
        >>> len(subset), subset[0], subset.indices
        (2, 'd', [3, 0])

    """

    def __init__(self, dataset: Dataset, indices: Sequence[int] | NDArray[np.integer[Any]]) -> None:
        check_dataset("Subset", dataset)
        self.dataset = dataset
        self.indices: list[int] = _checked_positions(indices, len(dataset))

    def __len__(self) -> int:
        """Return the number of indices."""
        return len(self.indices)

    def __getitem__(self, index: int | list[int] | NDArray[np.integer[Any]]) -> Any:
        """Return ``dataset[indices[index]]``.

        A list or 1-d array of positions is handed to the dataset as one index
        array, which a ``TensorDataset`` answers with all those rows at once.
        """
        if isinstance(index, (list, np.ndarray)):
            positions = np.asarray(index)
            if positions.ndim != 1 or (positions.size and positions.dtype.kind not in "iu"):
                raise TypeError(
                    "Subset: an index list or array must be 1-d and hold ints, got "
                    f"shape {positions.shape} and dtype {positions.dtype}"
                )
            self._check_in_range(positions)
            # One lookup per requested item: converting all of self.indices to
            # an array would cost a pass over the whole Subset for every batch.
            chosen = [self.indices[position] for position in positions.tolist()]
            return self.dataset[np.array(chosen, dtype=np.intp)]  # type: ignore[index]
        if not _is_int(index):
            raise TypeError(
                "Subset: index must be an int, or a list or array of ints, got "
                f"{type(index).__name__}"
            )
        self._check_in_range(np.asarray(index))
        return self.dataset[self.indices[index]]

    def _check_in_range(self, positions: NDArray[Any]) -> None:
        """Raise an IndexError naming the first of ``positions`` outside the Subset."""
        outside = positions[(positions < -len(self)) | (positions >= len(self))]
        if outside.size:
            raise IndexError(
                f"Subset: index {outside.flat[0]} is out of range for a Subset of "
                f"{len(self)} items"
            )


def random_split(
    dataset: Dataset,
    lengths: Sequence[int | float] | NDArray[Any],
    generator: np.random.Generator | None = None,
) -> list[Subset]:
    """Split ``dataset`` at random into Subsets of the given sizes, as PyTorch's.

    The positions are shuffled once and cut, in order, into runs of the
    requested sizes, so the Subsets share no item and together hold every
    item exactly once.

    ``lengths`` holds either counts (ints that add up to ``len(dataset)``) or
    fractions (floats in [0, 1] that add up to 1). As in PyTorch, a fraction
    ``f`` first gets ``floor(f * len(dataset))`` items, and the items this
    rounding leaves over go one each to the first, second, ... Subset in turn:
    ``[0.5, 0.5]`` of 5 items gives sizes 3 and 2. A fraction whose Subset
    gets no item warns, as PyTorch's does.

    Args:
        dataset: the items to split: a ``TensorDataset``, a list, or any object
            with ``__len__`` and ``__getitem__(int)``.
        lengths: the size of each Subset, as counts (all ints) or as fractions
            (all floats).
        generator: source of the permutation; ``None`` uses the library's
            global one, so ``tm.manual_seed`` makes the split reproducible.

    Returns:
        One ``Subset`` of ``dataset`` per entry of ``lengths``, in that order.

    Raises:
        TypeError: if ``dataset`` lacks ``__len__`` or ``__getitem__``,
            ``lengths`` is not a sequence, holds anything but ints and floats or
            mixes the two, or ``generator`` is not a ``numpy.random.Generator``.
        ValueError: if a count is negative or the counts do not add up to
            ``len(dataset)``, or a fraction lies outside [0, 1] or the
            fractions do not add up to 1.

    Example:
        >>> train, val = random_split(range(10), [0.8, 0.2], generator=np.random.default_rng(0))
        >>> len(train), len(val), sorted(train.indices + val.indices) == list(range(10))
        (8, 2, True)

    """
    check_dataset("random_split", dataset)
    num_items = len(dataset)
    sizes = _split_sizes(lengths, num_items)
    order = resolve(check_generator("random_split", generator)).permutation(num_items)
    return [
        Subset(dataset, order[end - size : end])
        for end, size in zip(itertools.accumulate(sizes), sizes)
    ]


def _is_int(value: object) -> bool:
    """True for a Python or numpy int; a bool, though an int to Python, is not an index."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _checked_positions(indices: Sequence[int] | NDArray[Any], num_items: int) -> list[int]:
    """Return ``indices`` as a list of ints after checking each is a position in the dataset."""
    try:
        positions = to_array(indices)
    except ValueError:  # numpy refuses a ragged nested list
        raise ValueError(
            "Subset: indices must be a flat sequence of ints, got a nested one"
        ) from None
    if positions.ndim == 0:
        raise TypeError(
            "Subset: indices must be a sequence of ints (a list, range or 1-d array), got "
            f"{type(indices).__name__}"
        )
    if positions.ndim > 1:
        raise ValueError(f"Subset: indices must be 1-d, got shape {positions.shape}")
    if positions.size and positions.dtype.kind not in "iu":
        # Name the culprit as the user wrote it, not as numpy converted it.
        values = list(indices) if isinstance(indices, Sequence) else positions.tolist()
        culprit = next(((i, value) for i, value in enumerate(values) if not _is_int(value)), None)
        if culprit is not None:
            raise TypeError(f"Subset: indices[{culprit[0]}] is {culprit[1]!r}, not an int")
    outside = np.flatnonzero((positions < -num_items) | (positions >= num_items))
    if outside.size:
        raise IndexError(
            f"Subset: indices[{outside[0]}] is {positions[outside[0]]}, out of range for a "
            f"dataset of {num_items} items"
        )
    return positions.tolist()  # Python ints, as PyTorch's random_split gives


def _split_sizes(lengths: object, num_items: int) -> list[int]:
    """Turn ``random_split``'s ``lengths`` (counts or fractions) into the size of each Subset."""
    if isinstance(lengths, np.ndarray) and lengths.ndim == 1:
        values = lengths.tolist()
    elif isinstance(lengths, Sequence) and not isinstance(lengths, str):
        values = list(lengths)
    else:
        raise TypeError(
            "random_split: lengths must be a list of ints (counts) or of floats (fractions), "
            f"got {type(lengths).__name__}"
        )
    for position, value in enumerate(values):
        if not (_is_int(value) or isinstance(value, (float, np.floating))):
            raise TypeError(
                f"random_split: lengths[{position}] is {value!r} ({type(value).__name__}); "
                "lengths must be ints (counts) or floats (fractions)"
            )
    if all(_is_int(value) for value in values):
        return _counts(values, num_items)
    if not any(_is_int(value) for value in values):
        return _fraction_sizes([float(value) for value in values], num_items)
    raise TypeError(
        f"random_split: lengths {values} mixes ints and floats; give counts (all ints) or "
        "fractions (all floats)"
    )


def _counts(values: list[Any], num_items: int) -> list[int]:
    """Check counts: none negative, and together exactly the dataset."""
    counts = [int(value) for value in values]
    for position, count in enumerate(counts):
        if count < 0:
            raise ValueError(f"random_split: lengths[{position}] is {count}; a count cannot be "
                             "negative")
    if sum(counts) != num_items:
        raise ValueError(
            f"random_split: lengths {counts} add up to {sum(counts)}, but the dataset has "
            f"{num_items} items; counts must add up to len(dataset) (or give fractions that "
            "add up to 1)"
        )
    return counts


def _fraction_sizes(fractions: list[float], num_items: int) -> list[int]:
    """Sizes for fractions of ``num_items``: PyTorch's floor, then round robin."""
    for position, fraction in enumerate(fractions):
        if not 0.0 <= fraction <= 1.0:  # NaN fails this too
            raise ValueError(f"random_split: lengths[{position}] is {fraction}; a fraction must "
                             "lie in [0, 1]")
    total = sum(fractions)
    # PyTorch also insists on total <= 1, so fractions whose float sum lands a
    # hair above 1 (twenty 0.05s give 1.0000000000000002) fail there; the
    # tolerance is what makes a sum of floats usable at all.
    if not math.isclose(total, 1.0):
        raise ValueError(f"random_split: fractions {fractions} add up to {total}, not 1 (give "
                         "ints for counts of items)")
    sizes = [math.floor(num_items * fraction) for fraction in fractions]
    for extra in range(num_items - sum(sizes)):
        sizes[extra % len(sizes)] += 1
    for position, size in enumerate(sizes):
        if size == 0:
            warnings.warn(
                f"random_split: lengths[{position}]={fractions[position]} of {num_items} items "
                "gives 0 items, so that Subset is empty",
                UserWarning,
                stacklevel=4,  # past _split_sizes and random_split, to the caller
            )
    return sizes
