"""train_test_split and stratified_kfold: partitions, class proportions, reproducibility."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tinygrad_mlp.data import stratified_kfold, train_test_split
from tinygrad_mlp.datasets import load_iris

seeds = st.integers(min_value=0, max_value=2**32 - 1)


@st.composite
def class_labels(draw: st.DrawFn, min_per_class: int = 2, max_per_class: int = 15) -> Any:
    """A 1-D int64 array of 1 to 4 classes, each with ``min_per_class`` rows or more, mixed."""
    sizes = draw(st.lists(st.integers(min_per_class, max_per_class), min_size=1, max_size=4))
    values = draw(st.lists(st.integers(-10, 10), min_size=len(sizes), max_size=len(sizes),
                           unique=True))
    labels = np.repeat(np.array(values, dtype=np.int64), sizes)
    order = draw(st.permutations(range(len(labels))))
    return labels[np.array(order, dtype=np.intp)]


@st.composite
def valid_test_sizes(draw: st.DrawFn, num_rows: int, num_classes: int = 1) -> float | int:
    """A valid ``test_size`` for ``num_rows`` rows: a fraction or a count.

    Both parts get at least ``num_classes`` rows (as stratifying requires);
    0.5 always does when every class has 2 rows or more.
    """
    if draw(st.booleans()):
        return draw(st.integers(num_classes, num_rows - num_classes))
    fraction = draw(st.floats(0.01, 0.99))
    if not num_classes <= math.ceil(round(fraction * num_rows, 9)) <= num_rows - num_classes:
        fraction = 0.5
    return fraction


def expected_test_rows(test_size: float | int, num_rows: int) -> int:
    if isinstance(test_size, int):
        return test_size
    return math.ceil(round(test_size * num_rows, 9))


# -- train_test_split --------------------------------------------------------------


@given(data=st.data(), num_rows=st.integers(2, 80), shuffle=st.booleans(), seed=seeds)
def test_split_train_and_test_partition_the_rows_in_the_requested_sizes(
    data: st.DataObject, num_rows: int, shuffle: bool, seed: int
) -> None:
    test_size = data.draw(valid_test_sizes(num_rows))
    train, test = train_test_split(np.arange(num_rows), test_size=test_size, shuffle=shuffle,
                                   generator=np.random.default_rng(seed))
    assert len(test) == expected_test_rows(test_size, num_rows)
    assert sorted([*train, *test]) == list(range(num_rows))


@given(labels=class_labels(), data=st.data(), shuffle=st.booleans(), seed=seeds)
def test_stratified_split_keeps_each_class_share_within_one_row(
    labels: Any, data: st.DataObject, shuffle: bool, seed: int
) -> None:
    num_rows = len(labels)
    test_size = data.draw(valid_test_sizes(num_rows, len(np.unique(labels))))
    rows = np.arange(num_rows)
    train, test = train_test_split(rows, test_size=test_size, stratify=labels, shuffle=shuffle,
                                   generator=np.random.default_rng(seed))
    num_test = expected_test_rows(test_size, num_rows)
    assert len(test) == num_test
    assert sorted([*train, *test]) == list(range(num_rows))
    for label in np.unique(labels):
        class_size = int(np.sum(labels == label))
        in_test = int(np.sum(labels[test] == label))
        assert abs(in_test - num_test * class_size / num_rows) < 1


@given(labels=class_labels(), seed=seeds)
def test_split_keeps_the_rows_of_every_array_paired(labels: Any, seed: int) -> None:
    ids = np.arange(len(labels))
    features = np.stack([ids * 10, labels], axis=1)
    x_train, x_test, id_train, id_test, y_train, y_test = train_test_split(
        features, ids, labels, test_size=0.5, stratify=labels,
        generator=np.random.default_rng(seed),
    )
    np.testing.assert_array_equal(x_train[:, 0], id_train * 10)
    np.testing.assert_array_equal(x_test[:, 0], id_test * 10)
    np.testing.assert_array_equal(x_train[:, 1], y_train)
    np.testing.assert_array_equal(x_test[:, 1], y_test)


@given(labels=class_labels(), stratified=st.booleans(), seed=seeds)
def test_split_is_reproducible_from_a_seeded_generator(
    labels: Any, stratified: bool, seed: int
) -> None:
    def split() -> list[Any]:
        return train_test_split(np.arange(len(labels)), test_size=0.5,
                                stratify=labels if stratified else None,
                                generator=np.random.default_rng(seed))

    first, second = split(), split()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_split_draws_from_the_global_generator_that_manual_seed_resets() -> None:
    tm.manual_seed(7)
    first = train_test_split(np.arange(30))
    tm.manual_seed(7)
    second = train_test_split(np.arange(30))
    np.testing.assert_array_equal(first[1], second[1])


def test_split_without_shuffle_tests_on_the_last_rows() -> None:
    train, test = train_test_split(np.arange(10), test_size=3, shuffle=False)
    assert train.tolist() == list(range(7))
    assert test.tolist() == [7, 8, 9]


def test_stratified_split_without_shuffle_tests_on_each_classs_last_rows_in_order() -> None:
    labels = np.array([0, 1, 0, 1, 0, 1, 0, 1])
    train, test = train_test_split(np.arange(8), test_size=0.5, stratify=labels, shuffle=False)
    assert train.tolist() == [0, 1, 2, 3]
    assert test.tolist() == [4, 5, 6, 7]


def test_stratified_split_of_iris_holding_out_51_rows_takes_17_of_each_class() -> None:
    iris = load_iris()
    x_train, x_test, y_train, y_test = train_test_split(
        iris.features, iris.labels, test_size=51, stratify=iris.labels,
        generator=np.random.default_rng(0),
    )
    assert x_train.shape == (99, 4) and x_test.shape == (51, 4)
    assert np.bincount(y_train).tolist() == [33, 33, 33]
    assert np.bincount(y_test).tolist() == [17, 17, 17]


def test_split_fraction_ignores_float_noise_when_rounding_up() -> None:
    # 0.28 * 25 is 7.000000000000001 in floating point; the test set is still 7 rows.
    _, test = train_test_split(np.arange(25), test_size=0.28)
    assert len(test) == 7


def test_split_accepts_tensors_and_returns_arrays() -> None:
    x_train, x_test = train_test_split(tm.Tensor(np.ones((8, 2))), test_size=2)
    assert isinstance(x_train, np.ndarray) and x_train.shape == (6, 2)
    assert isinstance(x_test, np.ndarray) and x_test.shape == (2, 2)


@pytest.mark.parametrize(
    ("test_size", "message"),
    [
        (0.0, r"test_size as a fraction must lie in \(0, 1\), got 0.0"),
        (1.0, r"test_size as a fraction must lie in \(0, 1\), got 1.0"),
        (0, "test_size=0 gives 0 test rows out of 10"),
        (10, "test_size=10 gives 10 test rows out of 10"),
        (0.99, "test_size=0.99 gives 10 test rows out of 10"),
    ],
)
def test_split_rejects_a_test_size_that_leaves_a_part_empty(
    test_size: float | int, message: str
) -> None:
    with pytest.raises(ValueError, match=f"train_test_split: {message}"):
        train_test_split(np.arange(10), test_size=test_size)


@pytest.mark.parametrize("test_size", [True, "0.2", None])
def test_split_rejects_a_test_size_that_is_not_a_number(test_size: object) -> None:
    with pytest.raises(TypeError, match="train_test_split: test_size must be a float or an int"):
        train_test_split(np.arange(10), test_size=test_size)  # type: ignore[arg-type]


def test_split_rejects_arrays_of_different_lengths_naming_the_shapes() -> None:
    with pytest.raises(ValueError, match=r"train_test_split: .*dimension.*\(5,\), \(4,\)"):
        train_test_split(np.arange(5), np.arange(4))


def test_split_rejects_no_arrays() -> None:
    with pytest.raises(ValueError, match="train_test_split: needs at least one array"):
        train_test_split()


def test_stratified_split_rejects_a_class_with_a_single_row() -> None:
    with pytest.raises(ValueError, match="train_test_split: stratify needs at least 2 rows"):
        train_test_split(np.arange(5), stratify=np.array([0, 0, 1, 1, 2]))


@given(labels=class_labels(), data=st.data(), shuffle=st.booleans(), seed=seeds)
def test_stratified_split_puts_every_class_in_both_parts_of_a_balanced_split(
    labels: Any, data: st.DataObject, shuffle: bool, seed: int
) -> None:
    # With classes of equal size, no class's share can round down to nothing.
    classes = np.unique(labels)
    balanced = np.repeat(classes, data.draw(st.integers(2, 10)))
    test_size = data.draw(valid_test_sizes(len(balanced), len(classes)))
    train, test = train_test_split(balanced, test_size=test_size, stratify=balanced,
                                   shuffle=shuffle, generator=np.random.default_rng(seed))
    assert set(train.tolist()) == set(test.tolist()) == set(classes.tolist())


@pytest.mark.parametrize(
    ("test_size", "message"),
    [
        (2, "test_size=2 leaves 2 test rows, fewer than the 3 classes in stratify"),
        (0.05, "test_size=0.05 leaves 2 test rows, fewer than the 3 classes in stratify"),
        (28, "test_size=28 leaves 2 train rows, fewer than the 3 classes in stratify"),
    ],
)
def test_stratified_split_rejects_a_part_smaller_than_the_number_of_classes(
    test_size: float | int, message: str
) -> None:
    labels = np.repeat([0, 1, 2], 10)
    with pytest.raises(ValueError, match=f"^train_test_split: {message}"):
        train_test_split(np.arange(30), test_size=test_size, stratify=labels)


def test_stratified_split_accepts_parts_exactly_as_large_as_the_number_of_classes() -> None:
    labels = np.repeat([0, 1, 2], 10)
    for test_size in (3, 27):
        _, test = train_test_split(np.arange(30), test_size=test_size, stratify=labels)
        assert len(test) == test_size


def test_stratified_split_rejects_labels_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match=r"train_test_split: stratify must hold one label per row"):
        train_test_split(np.arange(5), stratify=np.array([0, 0, 1, 1]))


def test_split_rejects_a_seed_passed_as_generator() -> None:
    with pytest.raises(TypeError, match=r"train_test_split: generator must be a numpy\.random"):
        train_test_split(np.arange(5), generator=0)  # type: ignore[arg-type]


# -- stratified_kfold ----------------------------------------------------------------


@st.composite
def kfold_cases(draw: st.DrawFn) -> tuple[Any, int]:
    """Labels and a number of folds no larger than the smallest class."""
    labels = draw(class_labels())
    smallest = int(np.unique(labels, return_counts=True)[1].min())
    return labels, draw(st.integers(2, smallest))


@given(case=kfold_cases(), shuffle=st.booleans(), seed=seeds)
def test_kfold_test_folds_partition_the_rows_and_train_is_the_rest(
    case: tuple[Any, int], shuffle: bool, seed: int
) -> None:
    labels, n_splits = case
    folds = stratified_kfold(labels, n_splits, shuffle, np.random.default_rng(seed))
    assert len(folds) == n_splits
    assert sorted(row for _, test in folds for row in test) == list(range(len(labels)))
    for train, test in folds:
        assert train.tolist() == sorted(set(range(len(labels))) - set(test.tolist()))
        assert test.tolist() == sorted(test.tolist())


@given(case=kfold_cases(), shuffle=st.booleans(), seed=seeds)
def test_kfold_spreads_each_class_over_the_folds_as_evenly_as_possible(
    case: tuple[Any, int], shuffle: bool, seed: int
) -> None:
    labels, n_splits = case
    folds = stratified_kfold(labels, n_splits, shuffle, np.random.default_rng(seed))
    for label in np.unique(labels):
        class_size = int(np.sum(labels == label))
        per_fold = {int(np.sum(labels[test] == label)) for _, test in folds}
        assert per_fold <= {class_size // n_splits, -(-class_size // n_splits)}


@given(case=kfold_cases(), shuffle=st.booleans(), seed=seeds)
def test_kfold_fold_sizes_differ_by_at_most_one_row(
    case: tuple[Any, int], shuffle: bool, seed: int
) -> None:
    labels, n_splits = case
    sizes = [len(test) for _, test in stratified_kfold(labels, n_splits, shuffle,
                                                       np.random.default_rng(seed))]
    assert max(sizes) - min(sizes) <= 1


@given(case=kfold_cases(), seed=seeds)
def test_kfold_shuffle_is_reproducible_from_a_seeded_generator(
    case: tuple[Any, int], seed: int
) -> None:
    labels, n_splits = case
    first = stratified_kfold(labels, n_splits, generator=np.random.default_rng(seed))
    second = stratified_kfold(labels, n_splits, generator=np.random.default_rng(seed))
    for (train_a, test_a), (train_b, test_b) in zip(first, second):
        np.testing.assert_array_equal(train_a, train_b)
        np.testing.assert_array_equal(test_a, test_b)


def test_kfold_without_shuffle_gives_each_fold_a_run_of_each_class_in_row_order() -> None:
    labels = np.array([0] * 7 + [1] * 5 + [2] * 4)
    tests = [test.tolist() for _, test in stratified_kfold(labels, 3, shuffle=False)]
    assert tests == [[0, 1, 2, 7, 12, 13], [3, 4, 8, 9, 14], [5, 6, 10, 11, 15]]


def test_kfold_without_shuffle_numbers_classes_by_first_appearance_like_scikit_learn() -> None:
    # scikit-learn's StratifiedKFold(3).split gives these test folds: class 2,
    # seen first, is dealt first, so its extra row goes to fold 0.
    labels = [2, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0]
    tests = [test.tolist() for _, test in stratified_kfold(labels, 3, shuffle=False)]
    assert tests == [[0, 1, 5, 9], [2, 3, 6, 10], [4, 7, 8, 11]]


@given(case=kfold_cases(), shuffle=st.booleans(), seed=seeds)
def test_kfold_depends_only_on_the_order_classes_appear_in_not_on_their_values(
    case: tuple[Any, int], shuffle: bool, seed: int
) -> None:
    labels, n_splits = case
    _, first_row, encoded = np.unique(labels, return_index=True, return_inverse=True)
    by_appearance = np.argsort(np.argsort(first_row))[encoded]  # 0 for the first class seen, ...
    folds = stratified_kfold(labels, n_splits, shuffle, np.random.default_rng(seed))
    renamed = stratified_kfold(by_appearance, n_splits, shuffle, np.random.default_rng(seed))
    for (_, test), (_, test_renamed) in zip(folds, renamed):
        np.testing.assert_array_equal(test, test_renamed)


def test_kfold_of_iris_in_10_folds_tests_on_5_rows_of_each_class() -> None:
    labels = load_iris().labels
    for train, test in stratified_kfold(labels, 10, generator=np.random.default_rng(0)):
        assert np.bincount(labels[test]).tolist() == [5, 5, 5]
        assert len(train) == 135


def test_kfold_accepts_tensor_labels() -> None:
    folds = stratified_kfold(tm.Tensor(np.array([0, 0, 1, 1])), 2, shuffle=False)
    assert [test.tolist() for _, test in folds] == [[0, 2], [1, 3]]


def test_kfold_rejects_more_folds_than_rows_in_the_smallest_class() -> None:
    labels = np.array([0, 0, 0, 1, 1, 2, 2, 2])
    message = "stratified_kfold: n_splits=3 is more than the 2 rows of class 1,"
    with pytest.raises(ValueError, match=message):
        stratified_kfold(labels, 3)


@pytest.mark.parametrize("n_splits", [1, 0])
def test_kfold_rejects_fewer_than_2_folds(n_splits: int) -> None:
    message = f"stratified_kfold: n_splits must be an int >= 2, got {n_splits}"
    with pytest.raises(ValueError, match=message):
        stratified_kfold(np.array([0, 0, 1, 1]), n_splits)


def test_kfold_rejects_a_non_int_number_of_folds() -> None:
    with pytest.raises(TypeError, match=r"stratified_kfold: n_splits must be an int .* 2\.0"):
        stratified_kfold(np.array([0, 0, 1, 1]), 2.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("labels", [np.array([], dtype=np.int64), []])
def test_kfold_rejects_empty_labels(labels: Any) -> None:
    with pytest.raises(ValueError, match=r"^stratified_kfold: labels is empty"):
        stratified_kfold(labels, 2)


def test_kfold_rejects_labels_that_are_not_1d() -> None:
    with pytest.raises(ValueError, match=r"stratified_kfold: labels must be 1-D, got shape \(2,"):
        stratified_kfold(np.array([[0, 0], [1, 1]]), 2)


def test_shuffled_stratified_split_mixes_the_classes_in_both_parts() -> None:
    # Rows sorted by class: a split that only shuffled within each class would
    # hand back each part as one run per class.
    labels = np.repeat([0, 1, 2], 20)
    train, test = train_test_split(np.arange(60), test_size=0.25, stratify=labels,
                                   generator=np.random.default_rng(0))
    assert np.bincount(labels[train]).tolist() == [15, 15, 15]
    assert np.bincount(labels[test]).tolist() == [5, 5, 5]
    for part in (train, test):
        class_changes = int(np.count_nonzero(np.diff(labels[part])))
        assert class_changes > 2, labels[part].tolist()
    assert len(set(labels[train[:10]].tolist())) > 1


def test_kfold_shuffle_deals_rows_to_folds_at_random_yet_keeps_them_stratified() -> None:
    labels = np.repeat([0, 1, 2], 10)

    def tested_rows(shuffle: bool, seed: int) -> list[list[int]]:
        folds = stratified_kfold(labels, 5, shuffle, np.random.default_rng(seed))
        for _, test in folds:
            assert np.bincount(labels[test]).tolist() == [2, 2, 2]
        return [test.tolist() for _, test in folds]

    in_row_order = tested_rows(shuffle=False, seed=0)
    assert in_row_order[0] == [0, 1, 10, 11, 20, 21]
    assert tested_rows(shuffle=True, seed=0) != in_row_order
    assert tested_rows(shuffle=True, seed=1) != in_row_order
    assert tested_rows(shuffle=True, seed=0) != tested_rows(shuffle=True, seed=1)
