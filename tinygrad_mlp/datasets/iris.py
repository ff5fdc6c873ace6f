"""Fisher's Iris data and the train/test split of the Go MLP article.

Both come from files shipped inside the package (see ``data/README.md`` for
their source, licence and the two UCI errata they keep). ``load_iris`` gives
the raw measurements; ``load_article_split`` gives the article's 99/51 split,
standardized exactly as the article's files were, so its experiment can be
reproduced value for value.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from importlib.resources import files

import numpy as np
from numpy.typing import NDArray

CLASS_NAMES = ("setosa", "versicolor", "virginica")
FEATURE_NAMES = ("sepal_length", "sepal_width", "petal_length", "petal_width")

# The article wrote its standardized features with 5 decimals.
ARTICLE_DECIMALS = 5


@dataclass(frozen=True, eq=False)
class IrisData:
    """The 150 Iris flowers, in the row order of ``iris.csv``.

    Attributes:
        features: float64 array of shape (150, 4), measurements in cm, columns
            in the order of ``feature_names``.
        labels: int64 array of shape (150,); ``labels[i]`` indexes
            ``class_names`` (0 = setosa, 1 = versicolor, 2 = virginica).
        class_names: the species names, indexed by label.
        feature_names: the column names of ``features``.

    """

    features: NDArray[np.float64]
    labels: NDArray[np.int64]
    class_names: tuple[str, ...] = CLASS_NAMES
    feature_names: tuple[str, ...] = FEATURE_NAMES


@dataclass(frozen=True, eq=False)
class ArticleSplit:
    """The Go MLP article's train/test split, standardized as the article did.

    Attributes:
        x_train: float64 array (99, 4), standardized features of the training rows.
        y_train: int64 array (99,), their labels (0, 1, 2 as in ``IrisData``).
        x_test: float64 array (51, 4), standardized features of the test rows.
        y_test: int64 array (51,), their labels.
        train_indices: int64 array (99,), the 0-based rows of ``iris.csv`` that
            make up the training set, in the article's order (row ``i`` of
            ``x_train`` is ``iris.csv`` row ``train_indices[i]``).
        test_indices: int64 array (51,), the same for the test set.
        mean: float64 array (4,), the rounded per-feature mean used to standardize.
        std: float64 array (4,), the rounded per-feature standard deviation used.

    """

    x_train: NDArray[np.float64]
    y_train: NDArray[np.int64]
    x_test: NDArray[np.float64]
    y_test: NDArray[np.int64]
    train_indices: NDArray[np.int64]
    test_indices: NDArray[np.int64]
    mean: NDArray[np.float64]
    std: NDArray[np.float64]


def _read_text(filename: str) -> str:
    # importlib.resources finds the file inside the installed package (even a
    # zipped wheel), where a path built from __file__ might not exist.
    resource = files("tinygrad_mlp.datasets").joinpath("data").joinpath(filename)
    return resource.read_text(encoding="utf-8")


def load_iris() -> IrisData:
    """Load Fisher's Iris data as published by UCI (errata included).

    Returns:
        An ``IrisData`` with ``features`` (150, 4) float64 and ``labels``
        (150,) int64. Each call returns fresh arrays, so callers may modify them.

    Raises:
        ValueError: if the shipped file holds a species not in ``CLASS_NAMES``
            (it would mean ``iris.csv`` was damaged).

    """
    reader = csv.reader(io.StringIO(_read_text("iris.csv")))
    next(reader)  # the header line names the columns; FEATURE_NAMES mirrors it
    features: list[list[float]] = []
    labels: list[int] = []
    for row_number, row in enumerate(reader, start=1):
        *measurements, species = row
        if species not in CLASS_NAMES:
            raise ValueError(
                f"load_iris: row {row_number} of iris.csv has unknown species {species!r}; "
                f"expected one of {CLASS_NAMES}"
            )
        features.append([float(value) for value in measurements])
        labels.append(CLASS_NAMES.index(species))
    return IrisData(
        features=np.array(features, dtype=np.float64),
        labels=np.array(labels, dtype=np.int64),
    )


def load_article_split() -> ArticleSplit:
    """Load the article's train/test split with its standardized features.

    Each feature is z-scored with the article's rounded statistics,
    ``z = (x - mean) / std``, and rounded to 5 decimals: that is what the
    article's data files hold, so training on these arrays reproduces its
    experiment exactly. Rows are in the article's order, which matters because
    it took its mini-batches in file order without shuffling.

    Returns:
        An ``ArticleSplit`` with 99 training rows (33 per class) and 51 test
        rows (17 per class).

    """
    iris = load_iris()
    split = json.loads(_read_text("iris-article-split.json"))
    train_indices = np.array(split["train"], dtype=np.int64)
    test_indices = np.array(split["test"], dtype=np.int64)
    mean = np.array(split["standardize"]["mean"], dtype=np.float64)
    std = np.array(split["standardize"]["std"], dtype=np.float64)

    def standardize(rows: NDArray[np.int64]) -> NDArray[np.float64]:
        # np.round works in binary, the article's files were written in decimal;
        # they agree because no z here lies on a tie between two 5-decimal
        # values (the tests check every value against exact decimal arithmetic).
        return np.round((iris.features[rows] - mean) / std, ARTICLE_DECIMALS)

    return ArticleSplit(
        x_train=standardize(train_indices),
        y_train=iris.labels[train_indices],
        x_test=standardize(test_indices),
        y_test=iris.labels[test_indices],
        train_indices=train_indices,
        test_indices=test_indices,
        mean=mean,
        std=std,
    )
