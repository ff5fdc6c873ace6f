"""Feeding rows to a model in mini-batches, as ``torch.utils.data`` does.

A dataset is anything with a length whose items are fetched by index, as
in PyTorch: a ``TensorDataset`` of a few equally long arrays (features,
labels), a list of ``(features, label)`` pairs, or a class of your own. A
``DataLoader`` walks a dataset in batches, optionally in a fresh random order
each epoch; ``default_collate`` stacks the items of a batch into Tensors.
Batches are ``Tensor``s that do not require grad: data is an input to the
graph, not something to learn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeGuard

import numpy as np
from numpy.typing import NDArray

from tinygrad_mlp.checks import check_int
from tinygrad_mlp.data._arguments import check_dataset, to_array
from tinygrad_mlp.data.subset import Subset
from tinygrad_mlp.random import check_generator, resolve
from tinygrad_mlp.tensor import Tensor, _wrap


class Dataset(Protocol):
    """What a ``DataLoader`` needs, as PyTorch's map-style datasets: a length and items by index.

    A list of ``(features, label)`` tuples qualifies, as does any class with
    these two methods. ``TensorDataset`` also takes an index array and returns
    all those rows at once, which ``DataLoader`` uses to fetch a whole batch
    in one step.
    """

    def __len__(self) -> int:
        """Return the number of items."""
        ...

    def __getitem__(self, index: int, /) -> Any:
        """Return item ``index`` (0 <= index < len), such as a ``(features, label)`` tuple."""
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
        # asarray keeps a single value as a 0-d array, its dtype kept. The arrays
        # were checked when the dataset was made, so the rows are wrapped as they are.
        try:
            return tuple([_wrap(np.asarray(array[index]), None) for array in self.arrays])
        except (IndexError, TypeError, ValueError) as error:
            raise self._index_error(index, error) from None

    def _index_error(self, index: object, error: Exception) -> Exception:
        """numpy's refusal of ``index``, said of the dataset; an IndexError still ends iteration."""
        whole = isinstance(index, (int, np.integer)) and not isinstance(index, bool)
        if isinstance(index, (list, np.ndarray)) and not isinstance(error, ValueError):
            whole = np.asarray(index).dtype.kind in "iu"  # (numpy's ValueError: a ragged list)
        if not whole:
            return TypeError(f"TensorDataset: index must be an int, a slice or an array of ints, "
                             f"got {type(index).__name__} {index!r}")
        return IndexError(f"TensorDataset: index {index!r} is out of range for a dataset of "
                          f"{len(self)} rows ({error})")


def default_collate(batch: Sequence[Any]) -> Any:
    """Merge a batch of dataset items into one item whose leaves are stacked Tensors.

    Works field by field, as ``torch.utils.data.default_collate`` does, so a
    batch keeps the structure of one item:

    - Tensors, numpy arrays and numpy scalars of one shape: one Tensor of shape
      (batch size, *shape), their dtype kept.
    - Python numbers: a 1-d Tensor, float64 if any is a float (as PyTorch),
      else int64, or bool if all are bools.
    - str: the list of the strings.
    - tuples and lists: a tuple (a list for lists, a namedtuple for a
      namedtuple) of the collated fields; PyTorch gives a list for tuples.
    - dicts: a dict of the collated values under the same keys.

    Stacking copies the items, so changing a batch leaves the dataset as it was.

    Args:
        batch: the items of one batch, each as ``dataset[i]`` returned it.

    Returns:
        The collated batch. Its Tensors do not require grad.

    Raises:
        ValueError: if the batch is empty, or items differ in shape, length or keys.
        TypeError: if a field holds anything else (None, an object, a string
            array), or its type differs from one item to the next.

    Example:
        >>> items = [(np.array([1.0, 2.0]), 1), (np.array([3.0, 4.0]), 0)]
        >>> features, labels = default_collate(items)
        >>> features.shape, labels.data.tolist()
        ((2, 2), [1, 0])

    """
    if len(batch) == 0:
        raise ValueError("default_collate: the batch is empty; there are no items to collate")
    return _collate(list(batch), "")


def _collate(items: list[Any], path: str) -> Any:
    """Collate one field of every item; ``path`` (like ``[0]['label']``) locates it in an item."""
    first = items[0]
    if isinstance(first, (Tensor, np.ndarray, np.generic)):
        return _stack(items, path)
    if isinstance(first, (bool, int, float)):
        _check_types(items, path, (bool, int, float))
        if all(isinstance(item, bool) for item in items):
            return Tensor(np.array(items, dtype=np.bool_))
        is_float = any(isinstance(item, float) for item in items)
        return Tensor(np.array(items, dtype=np.float64 if is_float else np.int64))
    if isinstance(first, str):
        _check_types(items, path, str)
        return list(items)
    if isinstance(first, Mapping):
        _check_types(items, path, Mapping)
        for position, item in enumerate(items):
            if item.keys() != first.keys():
                raise ValueError(
                    f"default_collate: batch[{position}]{path} has keys {list(item)} but "
                    f"batch[0]{path} has keys {list(first)}; every item needs the same keys"
                )
        return {key: _collate([item[key] for item in items], f"{path}[{key!r}]") for key in first}
    if isinstance(first, (tuple, list)):
        _check_types(items, path, (tuple, list))
        for position, item in enumerate(items):
            if len(item) != len(first):
                raise ValueError(
                    f"default_collate: batch[{position}]{path} has length {len(item)} but "
                    f"batch[0]{path} has length {len(first)}; every item needs the same length"
                )
        fields = [_collate([item[i] for item in items], f"{path}[{i}]") for i in range(len(first))]
        if isinstance(first, list):
            return fields
        return type(first)(*fields) if hasattr(first, "_fields") else tuple(fields)
    raise TypeError(
        f"default_collate: batch[0]{path} is of type {type(first).__name__}, which cannot be "
        "batched; items may hold Tensors, numpy arrays, numbers and str, in tuples, lists and "
        "dicts (pass DataLoader a collate_fn for anything else)"
    )


def _check_types(items: list[Any], path: str, types: type | tuple[type, ...]) -> None:
    """Raise a TypeError if an item's field at ``path`` is not of ``types`` as the first's is."""
    for position, item in enumerate(items):
        if not isinstance(item, types):
            raise TypeError(
                f"default_collate: batch[{position}]{path} is of type {type(item).__name__} but "
                f"batch[0]{path} is of type {type(items[0]).__name__}; every item needs the same "
                "types"
            )


def _stack(items: list[Any], path: str) -> Tensor:
    """Stack equally shaped Tensors, arrays or numpy scalars into one Tensor."""
    _check_types(items, path, (Tensor, np.ndarray, np.generic))
    arrays = [to_array(item) for item in items]
    for position, array in enumerate(arrays):
        if array.dtype.kind not in "biuf":
            raise TypeError(
                f"default_collate: batch[{position}]{path} has dtype {array.dtype}; only bool, "
                "int and float arrays can become Tensors (encode class names as int labels)"
            )
        if array.shape != arrays[0].shape:
            raise ValueError(
                f"default_collate: batch[{position}]{path} has shape {array.shape} but "
                f"batch[0]{path} has shape {arrays[0].shape}; only equally shaped arrays stack "
                "into a batch"
            )
    return Tensor(np.stack(arrays))


def _fetches_whole_batches(dataset: Dataset) -> TypeGuard[TensorDataset | Subset]:
    """True for a ``TensorDataset``, or a ``Subset`` of one, that takes an index array.

    Such a dataset hands over a whole batch in one step instead of item by item.
    """
    # A subclass that overrides __getitem__ (to add a transform, say) gets its
    # items one at a time, as PyTorch would fetch them.
    if isinstance(dataset, Subset) and type(dataset).__getitem__ is Subset.__getitem__:
        return _fetches_whole_batches(dataset.dataset)
    return isinstance(dataset, TensorDataset) and (
        type(dataset).__getitem__ is TensorDataset.__getitem__
    )


class DataLoader:
    """Iterate over a dataset in mini-batches, as ``torch.utils.data.DataLoader`` does.

    Without shuffling, batches follow the dataset's order: 99 rows in batches
    of 32 give batches of 32, 32, 32 and 3 rows. With shuffling, every epoch
    (every ``for`` loop over the loader) draws a new order, so the rows are
    visited once per epoch in a different order each time.

    What a batch is depends on the dataset:

    - a ``TensorDataset``, or a ``Subset`` of one (and no ``collate_fn``): a
      tuple of Tensors, one per array, holding the batch's rows, fetched with
      one index array.
    - any other dataset, or any dataset with a ``collate_fn``: the items
      ``dataset[i]`` for each index ``i`` (a Python int) of the batch, merged by
      ``collate_fn(items)``, by default ``default_collate``: items
      ``(features, label)`` give a tuple ``(features, labels)`` of Tensors,
      dicts give a dict of Tensors.

    Either way a batch is a copy: changing it does not change the dataset.
    Unlike PyTorch's, there are no worker processes (``num_workers``), no
    ``sampler`` or ``batch_sampler`` and no ``pin_memory``.

    Args:
        dataset: the items to serve: a ``TensorDataset``, a list, or any object
            with ``__len__`` and ``__getitem__(int)``.
        batch_size: the number of items per batch (the last one may be smaller).
        shuffle: draw a new random order at the start of every epoch.
        drop_last: skip the final batch if it has fewer than ``batch_size`` items.
        generator: where shuffled orders come from; ``None`` uses the library's
            global generator, so ``tm.manual_seed`` makes them reproducible.
        collate_fn: turns the list of a batch's items into the batch; ``None``
            means ``default_collate`` (or the index-array fetch above).

    Raises:
        TypeError: if ``dataset`` lacks ``__len__`` or ``__getitem__``,
            ``batch_size`` is not an int, ``generator`` is not a
            ``numpy.random.Generator``, or ``collate_fn`` is not callable.
        ValueError: if ``batch_size`` is less than 1.

    Example:
        >>> loader = DataLoader(TensorDataset(np.arange(5.0)), batch_size=2)
        >>> [batch.shape for (batch,) in loader]
        [(2,), (2,), (1,)]
        >>> pairs = [(np.array([1.0, 2.0]), 1), (np.array([3.0, 4.0]), 0)]
        >>> [(x.shape, y.dtype) for x, y in DataLoader(pairs, batch_size=2)]
        [((2, 2), dtype('int64'))]

    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        generator: np.random.Generator | None = None,
        collate_fn: Callable[[list[Any]], Any] | None = None,
    ) -> None:
        check_dataset("DataLoader", dataset)
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(
                f"DataLoader: collate_fn must be callable or None, got {type(collate_fn).__name__}"
            )
        self.dataset = dataset
        self.batch_size = check_int("DataLoader", "batch_size", batch_size, minimum=1)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.generator = check_generator("DataLoader", generator)
        self.collate_fn = collate_fn

    def __len__(self) -> int:
        """Return the number of batches one epoch yields."""
        full_batches, leftover_rows = divmod(len(self.dataset), self.batch_size)
        return full_batches + (1 if leftover_rows and not self.drop_last else 0)

    def __iter__(self) -> Iterator[Any]:
        """Yield one epoch of batches."""
        dataset = self.dataset
        if self.collate_fn is None and _fetches_whole_batches(dataset):
            for indices in self._batch_indices():
                yield dataset[indices]
        else:
            collate = self.collate_fn or default_collate
            for indices in self._batch_indices():
                yield collate([dataset[int(index)] for index in indices])

    def _batch_indices(self) -> Iterator[NDArray[np.intp]]:
        """Yield the dataset indices of each batch of one epoch, in order."""
        num_rows = len(self.dataset)
        # The generator is looked up now, not in __init__, so that a loader made
        # before tm.manual_seed (or with no generator) follows the global one.
        if self.shuffle:
            order = resolve(self.generator).permutation(num_rows)
        else:
            order = np.arange(num_rows)
        for batch in range(len(self)):
            yield order[batch * self.batch_size : (batch + 1) * self.batch_size]
