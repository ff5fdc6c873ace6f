"""Splitting rows into train and test sets, as scikit-learn's splitters do.

``train_test_split`` holds out one test set; ``stratified_kfold`` cuts the rows
into k folds for cross-validation. Both can stratify: each class keeps (as
nearly as whole rows allow) the same share in every part as in the whole
data, so a small test set is not, by bad luck, missing a class.

They take numpy arrays (or Tensors, by their ``.data``) and return numpy
arrays; wrap the results in a ``TensorDataset`` to train on them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tinygrad_mlp.checks import check_int
from tinygrad_mlp.data._arguments import to_array
from tinygrad_mlp.random import check_generator, resolve
from tinygrad_mlp.tensor import Tensor

Indices = NDArray[np.intp]


def train_test_split(
    *arrays: ArrayLike | Tensor,
    test_size: float | int = 0.25,
    shuffle: bool = True,
    stratify: ArrayLike | Tensor | None = None,
    generator: np.random.Generator | None = None,
) -> list[NDArray[Any]]:
    """Split equally long arrays into a train part and a test part.

    The same rows are picked from every array, so features and labels stay
    paired. With ``stratify`` (usually the labels), each class gets its share
    of the test rows, ``num_test * class_size / num_rows`` rounded down; the
    rows still missing go one each to the classes with the largest remainders.
    As in scikit-learn, both parts must then have at least one row per class;
    only a class far smaller than the others can still, rounded down, get no
    test row (or no train row).

    Args:
        *arrays: arrays, Tensors or nested lists sharing their first dimension.
        test_size: a float in (0, 1), the fraction of rows to test on (rounded
            up to whole rows), or an int, the number of test rows.
        shuffle: pick rows at random; if False, the test set is the last rows
            (of each class, when stratified), and rows keep their order.
        stratify: class labels, one per row, whose proportions both parts keep.
        generator: source of randomness; ``None`` uses the library's global one.

    Returns:
        ``[a_train, a_test, b_train, b_test, ...]``, two arrays per input.

    Raises:
        ValueError: if no array is given, lengths differ, ``test_size`` would
            leave either part empty, a stratify class has fewer than 2 rows,
            or (with ``stratify``) either part would have fewer rows than
            there are classes.
        TypeError: if ``test_size`` is neither a float nor an int, or
            ``generator`` is not a ``numpy.random.Generator``.

    Example:
        >>> features, labels = np.arange(20.0).reshape(10, 2), np.array([0, 1] * 5)
        >>> x_train, x_test, y_train, y_test = train_test_split(
        ...     features, labels, test_size=0.2, stratify=labels)
        >>> x_test.shape, np.bincount(y_test).tolist()
        ((2, 2), [1, 1])

    """
    if not arrays:
        raise ValueError("train_test_split: needs at least one array, got none")
    converted = [to_array(array) for array in arrays]
    lengths = [len(array) if array.ndim else None for array in converted]
    if None in lengths or len(set(lengths)) > 1:
        raise ValueError(
            "train_test_split: all arrays must have the same first dimension (number of rows), "
            f"got shapes {', '.join(str(array.shape) for array in converted)}"
        )
    num_rows = len(converted[0])
    num_test = _test_count(test_size, num_rows)
    rng = resolve(check_generator("train_test_split", generator))
    if stratify is None:
        order = rng.permutation(num_rows) if shuffle else np.arange(num_rows)
        train, test = order[: num_rows - num_test], order[num_rows - num_test :]
    else:
        train, test = _stratified_train_test(stratify, test_size, num_rows, num_test, shuffle,
                                             rng)
    return [part for array in converted for part in (array[train], array[test])]


def stratified_kfold(
    labels: ArrayLike | Tensor,
    n_splits: int = 10,
    shuffle: bool = True,
    generator: np.random.Generator | None = None,
) -> list[tuple[Indices, Indices]]:
    """Cut the rows into ``n_splits`` folds that each keep the class proportions.

    Each fold serves once as the test set while the others train. Every
    class is spread over the folds as evenly as possible (a class of ``c`` rows
    puts ``c // n_splits`` or one more in each fold), and fold sizes differ by
    at most one row: the guarantees of scikit-learn's ``StratifiedKFold``.
    Classes are dealt in the order their labels first appear, as there, so
    without shuffling the folds are scikit-learn's.

    Args:
        labels: one class label per row (any values numpy can sort).
        n_splits: the number of folds, at least 2 and at most the number of
            rows of the smallest class (so every test fold sees every class).
        shuffle: assign rows to folds at random; if False, each class fills
            the folds in row order, so the folds are the same every time.
        generator: source of randomness; ``None`` uses the library's global one.

    Returns:
        ``n_splits`` pairs ``(train_indices, test_indices)``, each sorted. The
        test indices of all folds together hold every row exactly once.

    Raises:
        ValueError: if ``labels`` is not 1-D or empty, or ``n_splits`` is
            below 2 or larger than the smallest class.
        TypeError: if ``n_splits`` is not an int or ``generator`` is not a
            ``numpy.random.Generator``.

    """
    label_array = to_array(labels)
    if label_array.ndim != 1:
        raise ValueError(f"stratified_kfold: labels must be 1-D, got shape {label_array.shape}")
    if label_array.size == 0:
        raise ValueError("stratified_kfold: labels is empty; there are no rows to fold")
    n_splits = check_int("stratified_kfold", "n_splits", n_splits, minimum=2)
    # Number the classes in order of first appearance, like scikit-learn, not
    # in sorted order: that order decides which classes' extra rows go where.
    sorted_classes, first_row, sorted_class_of_row = np.unique(
        label_array, return_index=True, return_inverse=True
    )
    appearance = np.argsort(first_row)
    classes = sorted_classes[appearance]
    class_of_row = np.argsort(appearance)[sorted_class_of_row]
    class_sizes = np.bincount(class_of_row)
    smallest = int(np.argmin(class_sizes))
    if n_splits > class_sizes[smallest]:
        raise ValueError(
            f"stratified_kfold: n_splits={n_splits} is more than the {class_sizes[smallest]} "
            f"rows of class {classes[smallest].item()!r}, so some test fold would lack that class"
        )
    rng = resolve(check_generator("stratified_kfold", generator))
    fold_of_row = np.empty(len(label_array), dtype=np.intp)
    rows_dealt = 0
    for label, class_size in enumerate(class_sizes):
        rows = np.flatnonzero(class_of_row == label)
        if shuffle:
            rows = rng.permutation(rows)
        # Deal the class's rows to the folds like cards, carrying on from where
        # the previous class stopped: the folds that get a class's extra rows
        # rotate, which keeps the fold sizes within one row of each other.
        # Sorting the fold numbers gives each fold a contiguous run of rows.
        fold_of_row[rows] = np.sort((rows_dealt + np.arange(class_size)) % n_splits)
        rows_dealt += class_size
    return [
        (np.flatnonzero(fold_of_row != fold), np.flatnonzero(fold_of_row == fold))
        for fold in range(n_splits)
    ]


def _test_count(test_size: float | int, num_rows: int) -> int:
    """Turn ``test_size`` (a fraction or a count) into a number of test rows."""
    if isinstance(test_size, (bool, np.bool_)):
        raise TypeError(f"train_test_split: test_size must be a float or an int, got {test_size}")
    if isinstance(test_size, (int, np.integer)):
        num_test = int(test_size)
    elif isinstance(test_size, (float, np.floating)):
        if not 0.0 < test_size < 1.0:
            raise ValueError(
                f"train_test_split: test_size as a fraction must lie in (0, 1), got {test_size}"
            )
        # Rounding first drops float noise: 0.28 * 25 is 7.000000000000001 in
        # floating point, which would otherwise round up to 8 test rows.
        num_test = math.ceil(round(float(test_size) * num_rows, 9))
    else:
        raise TypeError(
            "train_test_split: test_size must be a float or an int, "
            f"got {type(test_size).__name__}"
        )
    if not 0 < num_test < num_rows:
        raise ValueError(
            f"train_test_split: test_size={test_size} gives {num_test} test rows out of "
            f"{num_rows}; both train and test need at least one row"
        )
    return num_test


def _stratified_train_test(
    stratify: ArrayLike | Tensor,
    test_size: float | int,
    num_rows: int,
    num_test: int,
    shuffle: bool,
    rng: np.random.Generator,
) -> tuple[Indices, Indices]:
    """Pick ``num_test`` test rows so that every class keeps its share.

    ``test_size``, as the caller gave it, is only quoted in errors.
    """
    labels = to_array(stratify)
    if labels.shape != (num_rows,):
        raise ValueError(
            f"train_test_split: stratify must hold one label per row, shape ({num_rows},), "
            f"got shape {labels.shape}"
        )
    classes, class_of_row, class_sizes = np.unique(
        labels, return_inverse=True, return_counts=True
    )
    if class_sizes.min() < 2:
        lonely = classes[class_sizes < 2]
        raise ValueError(
            "train_test_split: stratify needs at least 2 rows per class (one for each part), "
            f"but class {lonely[0].item()!r} has 1"
        )
    for part, part_rows in (("test", num_test), ("train", num_rows - num_test)):
        if part_rows < len(classes):
            raise ValueError(
                f"train_test_split: test_size={test_size} leaves {part_rows} {part} rows, fewer "
                f"than the {len(classes)} classes in stratify; each class needs a {part} row"
            )
    # Largest-remainder apportionment, in integers to avoid float rounding:
    # each class gets floor(num_test * size / num_rows) test rows, and the rows
    # still missing go one each to the classes with the largest remainders.
    test_per_class, remainders = np.divmod(num_test * class_sizes, num_rows)
    missing = num_test - int(test_per_class.sum())
    test_per_class[np.argsort(-remainders, kind="stable")[:missing]] += 1

    train_parts: list[Indices] = []
    test_parts: list[Indices] = []
    for label, class_test in enumerate(test_per_class):
        rows = np.flatnonzero(class_of_row == label)
        if shuffle:
            rows = rng.permutation(rows)
        cut = len(rows) - class_test
        train_parts.append(rows[:cut])
        test_parts.append(rows[cut:])
    train, test = np.concatenate(train_parts), np.concatenate(test_parts)
    if shuffle:  # otherwise each part would list one class after another
        return rng.permutation(train), rng.permutation(test)
    return np.sort(train), np.sort(test)

