"""Feeding rows to a model in mini-batches, as ``torch.utils.data`` does.

A ``TensorDataset`` holds a few equally long arrays (features, labels) and
hands out their rows together; a ``DataLoader`` walks a dataset in batches,
optionally in a fresh random order each epoch. Batches are ``Tensor``s that
do not require grad: data is an input to the graph, not something to learn.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from tinygrad_mlp.checks import check_int
from tinygrad_mlp.data._arguments import check_generator, to_array
from tinygrad_mlp.random import resolve
from tinygrad_mlp.tensor import Tensor


class Dataset(Protocol):
    """What a ``DataLoader`` needs: a length, and rows picked by an index array."""

    def __len__(self) -> int:
        """Return the number of rows."""
        ...

    def __getitem__(self, index: NDArray[np.intp]) -> tuple[Tensor, ...]:
        """Return the rows at ``index``, one tensor per array of the dataset."""
        ...


class TensorDataset:
    """Rows of several arrays that share their first dimension.

    Row ``i`` of the dataset is row ``i`` of every array, so features and
    labels stay paired however the rows are shuffled.

    Args:
        *arrays: ndarrays or Tensors (a Tensor contributes its ``.data``),
            typically features of shape (n, d) and labels of shape (n,). They
            are kept as they are, dtype included, without a copy.

    Raises:
        ValueError: if no array is given, an array is 0-d, or the first
            dimensions differ.
        TypeError: if an array is not numeric (bool, int or float), since it
            could not become a Tensor.

    Example:
        >>> dataset = TensorDataset(np.zeros((3, 2)), np.array([0, 1, 1]))
        >>> len(dataset)
        3
        >>> features, label = dataset[2]
        >>> features.shape, label.item()
        ((2,), 1)

    """

    def __init__(self, *arrays: NDArray[Any] | Tensor) -> None:
        if not arrays:
            raise ValueError("TensorDataset: needs at least one array, got none")
        self.arrays: tuple[NDArray[Any], ...] = tuple(to_array(array) for array in arrays)
        for position, array in enumerate(self.arrays):
            if array.ndim == 0:
                raise ValueError(
                    f"TensorDataset: array {position} is 0-d (a single value); every array "
                    "needs a first dimension that counts its rows"
                )
            if array.dtype.kind not in "biuf":
                raise TypeError(
                    f"TensorDataset: array {position} has dtype {array.dtype}; only bool, int "
                    "and float arrays can become Tensors (encode class names as int labels)"
                )
        shapes = [array.shape for array in self.arrays]
        if len({shape[0] for shape in shapes}) > 1:
            raise ValueError(
                "TensorDataset: all arrays must have the same first dimension (number of rows), "
                f"got shapes {', '.join(map(str, shapes))}"
            )

    def __len__(self) -> int:
        """Return the number of rows."""
        return len(self.arrays[0])

    def __getitem__(self, index: int | slice | NDArray[np.integer[Any]]) -> tuple[Tensor, ...]:
        """Return the rows at ``index`` (an int, a slice or an index array) of every array."""
        # asarray keeps a single value as a 0-d array: Tensor would give a bare
        # numpy float the default dtype, while arrays keep theirs.
        return tuple([Tensor(np.asarray(array[index])) for array in self.arrays])


class DataLoader:
    """Iterate over a dataset in mini-batches, one tuple of Tensors per batch.

    Without shuffling, batches follow the dataset's row order: 99 rows in
    batches of 32 give batches of 32, 32, 32 and 3 rows. With shuffling, every
    epoch (every ``for`` loop over the loader) draws a new order, so the rows
    are visited once per epoch in a different order each time.

    Args:
        dataset: the rows to serve, usually a ``TensorDataset``.
        batch_size: the number of rows per batch (the last one may be smaller).
        shuffle: draw a new random row order at the start of every epoch.
        drop_last: skip the final batch if it has fewer than ``batch_size`` rows.
        generator: where shuffled orders come from; ``None`` uses the library's
            global generator, so ``tm.manual_seed`` makes them reproducible.

    Raises:
        TypeError: if ``batch_size`` is not an int or ``generator`` is not a
            ``numpy.random.Generator``.
        ValueError: if ``batch_size`` is less than 1.

    Example:
        >>> loader = DataLoader(TensorDataset(np.arange(5.0)), batch_size=2)
        >>> [batch.shape for (batch,) in loader]
        [(2,), (2,), (1,)]

    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        generator: np.random.Generator | None = None,
    ) -> None:
        self.dataset = dataset
        self.batch_size = check_int("DataLoader", "batch_size", batch_size, minimum=1)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.generator = check_generator("DataLoader", generator)

    def __len__(self) -> int:
        """Return the number of batches one epoch yields."""
        full_batches, leftover_rows = divmod(len(self.dataset), self.batch_size)
        return full_batches + (1 if leftover_rows and not self.drop_last else 0)

    def __iter__(self) -> Iterator[tuple[Tensor, ...]]:
        """Yield one epoch of batches."""
        num_rows = len(self.dataset)
        # The generator is looked up now, not in __init__, so that a loader made
        # before tm.manual_seed (or with no generator) follows the global one.
        if self.shuffle:
            order = resolve(self.generator).permutation(num_rows)
        else:
            order = np.arange(num_rows)
        for batch in range(len(self)):
            yield self.dataset[order[batch * self.batch_size : (batch + 1) * self.batch_size]]
