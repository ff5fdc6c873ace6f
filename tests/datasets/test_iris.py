"""The shipped Iris data and the article's split: counts, errata, order and exact values."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from importlib.resources import files

import numpy as np
import pytest

from tinygrad_mlp.datasets import ArticleSplit, IrisData, load_article_split, load_iris

DATA = files("tinygrad_mlp.datasets").joinpath("data")


def read_resource(name: str) -> str:
    return DATA.joinpath(name).read_text(encoding="utf-8")


def csv_rows() -> list[list[str]]:
    """The data rows of iris.csv as the text written in the file (header dropped)."""
    return list(csv.reader(io.StringIO(read_resource("iris.csv"))))[1:]


@pytest.fixture(scope="module")
def iris() -> IrisData:
    return load_iris()


@pytest.fixture(scope="module")
def split() -> ArticleSplit:
    return load_article_split()


@pytest.fixture(scope="module")
def split_json() -> dict[str, object]:
    loaded: dict[str, object] = json.loads(read_resource("iris-article-split.json"))
    return loaded


# -- load_iris -----------------------------------------------------------------


def test_iris_has_150_rows_of_4_float64_features_and_int64_labels(iris: IrisData) -> None:
    assert iris.features.shape == (150, 4)
    assert iris.features.dtype == np.float64
    assert iris.labels.shape == (150,)
    assert iris.labels.dtype == np.int64


def test_iris_has_50_rows_per_class_in_file_order(iris: IrisData) -> None:
    assert np.bincount(iris.labels).tolist() == [50, 50, 50]
    assert iris.labels.tolist() == [0] * 50 + [1] * 50 + [2] * 50


def test_iris_names_classes_by_label_and_features_by_column(iris: IrisData) -> None:
    assert iris.class_names == ("setosa", "versicolor", "virginica")
    assert iris.feature_names == ("sepal_length", "sepal_width", "petal_length", "petal_width")
    header = read_resource("iris.csv").splitlines()[0].split(",")
    assert tuple(header[:4]) == iris.feature_names


def test_iris_values_equal_the_csv_text(iris: IrisData) -> None:
    rows = csv_rows()
    expected = np.array([[float(value) for value in row[:4]] for row in rows])
    np.testing.assert_array_equal(iris.features, expected)
    assert [iris.class_names[label] for label in iris.labels] == [row[4] for row in rows]


def test_iris_keeps_uci_errata_rows_35_and_38_as_4_9_3_1_1_5_0_1(iris: IrisData) -> None:
    for one_based_row in (35, 38):
        assert iris.features[one_based_row - 1].tolist() == [4.9, 3.1, 1.5, 0.1]
        assert iris.labels[one_based_row - 1] == 0


def test_load_iris_returns_fresh_arrays_each_call() -> None:
    first = load_iris()
    first.features[0, 0] = -1.0
    assert load_iris().features[0, 0] == 5.1


def test_data_readme_keeps_the_attribution_next_to_the_files() -> None:
    readme = read_resource("README.md")
    for required in ("UCI", "10.24432/C56C76", "CC BY 4.0", "Fisher", "1936", "errata",
                     "iris-article-split.json"):
        assert required in readme


# -- load_article_split ----------------------------------------------------------


def test_article_split_has_99_train_and_51_test_rows(split: ArticleSplit) -> None:
    assert split.x_train.shape == (99, 4)
    assert split.y_train.shape == (99,)
    assert split.x_test.shape == (51, 4)
    assert split.y_test.shape == (51,)
    assert split.x_train.dtype == split.x_test.dtype == np.float64
    assert split.y_train.dtype == split.y_test.dtype == np.int64


def test_article_split_has_33_train_and_17_test_rows_per_class(split: ArticleSplit) -> None:
    assert np.bincount(split.y_train).tolist() == [33, 33, 33]
    assert np.bincount(split.y_test).tolist() == [17, 17, 17]


def test_article_split_train_and_test_do_not_overlap_and_cover_all_rows(
    split: ArticleSplit,
) -> None:
    assert not set(split.train_indices.tolist()) & set(split.test_indices.tolist())
    assert sorted([*split.train_indices, *split.test_indices]) == list(range(150))


def test_article_split_rows_follow_the_json_order(
    split: ArticleSplit, split_json: dict[str, object], iris: IrisData
) -> None:
    assert split.train_indices.tolist() == split_json["train"]
    assert split.test_indices.tolist() == split_json["test"]
    np.testing.assert_array_equal(split.y_train, iris.labels[split.train_indices])
    np.testing.assert_array_equal(split.y_test, iris.labels[split.test_indices])


def test_article_split_uses_the_json_statistics(
    split: ArticleSplit, split_json: dict[str, object]
) -> None:
    standardize = split_json["standardize"]
    assert isinstance(standardize, dict)
    assert split.mean.tolist() == standardize["mean"] == [5.84, 3.05, 3.76, 1.2]
    assert split.std.tolist() == standardize["std"] == [0.83, 0.43, 1.76, 0.76]


def test_article_split_values_have_at_most_5_decimals(split: ArticleSplit) -> None:
    for value in np.concatenate([split.x_train, split.x_test]).flat:
        assert float(f"{value:.5f}") == value


def test_article_split_equals_exact_decimal_standardization_of_the_csv_text(
    split: ArticleSplit,
) -> None:
    # Independent of numpy: decimal arithmetic on the digits written in the file.
    rows = csv_rows()
    mean = [Decimal(str(value)) for value in split.mean]
    std = [Decimal(str(value)) for value in split.std]

    def standardized(indices: np.ndarray) -> np.ndarray:
        return np.array([
            [float(((Decimal(rows[i][j]) - mean[j]) / std[j]).quantize(Decimal("0.00001")))
             for j in range(4)]
            for i in indices
        ])

    np.testing.assert_array_equal(split.x_train, standardized(split.train_indices))
    np.testing.assert_array_equal(split.x_test, standardized(split.test_indices))


def test_article_split_first_training_row_is_row_4_standardized(split: ArticleSplit) -> None:
    # Row 4 (0-based) is 5.0,3.6,1.4,0.2 setosa: the first row of the article's train file.
    assert split.train_indices[0] == 4
    assert split.x_train[0].tolist() == [-1.01205, 1.27907, -1.34091, -1.31579]
    assert split.y_train[0] == 0
