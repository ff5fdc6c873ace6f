"""TensorDataset and DataLoader: rows stay paired, every row once per epoch, seedable order."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tinygrad_mlp.data import DataLoader, TensorDataset
from tinygrad_mlp.datasets import load_article_split

row_counts = st.integers(min_value=0, max_value=60)
batch_sizes = st.integers(min_value=1, max_value=70)
seeds = st.integers(min_value=0, max_value=2**32 - 1)


def numbered_rows(num_rows: int) -> TensorDataset:
    """A dataset whose rows say which row they are: features row i is [i, -i], label i."""
    ids = np.arange(num_rows, dtype=np.int64)
    return TensorDataset(np.stack([ids, -ids], axis=1).astype(np.float64), ids)


def epoch_ids(loader: DataLoader) -> list[int]:
    """The row ids an epoch visits, in the order it visits them."""
    return [int(row_id) for _, ids in loader for row_id in ids.data]


# -- TensorDataset ----------------------------------------------------------------


def test_dataset_length_is_the_number_of_rows() -> None:
    assert len(numbered_rows(7)) == 7


def test_dataset_index_returns_one_tensor_per_array_for_that_row() -> None:
    features, label = numbered_rows(5)[3]
    assert isinstance(features, tm.Tensor) and isinstance(label, tm.Tensor)
    assert features.data.tolist() == [3.0, -3.0]
    assert label.shape == () and label.item() == 3


def test_dataset_index_array_picks_those_rows_in_that_order() -> None:
    features, labels = numbered_rows(5)[np.array([4, 0, 2])]
    assert labels.data.tolist() == [4, 0, 2]
    assert features.data[:, 0].tolist() == [4.0, 0.0, 2.0]


def test_dataset_accepts_tensors_and_arrays_alike() -> None:
    features = tm.Tensor(np.ones((4, 2)), requires_grad=True)
    dataset = TensorDataset(features, np.arange(4))
    assert dataset.arrays[0] is features.data
    row_features, _ = dataset[0]
    assert not row_features.requires_grad


def test_dataset_single_values_keep_their_dtype_even_with_a_float32_default() -> None:
    tm.set_default_dtype(tm.float32)
    try:
        value, label = TensorDataset(np.array([0.5, 1.5]), np.array([0, 1]))[1]
    finally:
        tm.set_default_dtype(tm.float64)
    assert value.shape == () and value.dtype == np.float64
    assert label.dtype == np.int64


def test_dataset_rejects_arrays_with_different_row_counts_naming_the_shapes() -> None:
    with pytest.raises(ValueError, match=r"TensorDataset: .*dimension.*\(4, 2\), \(3,\)"):
        TensorDataset(np.zeros((4, 2)), np.zeros(3))


def test_dataset_rejects_no_arrays() -> None:
    with pytest.raises(ValueError, match="TensorDataset: needs at least one array"):
        TensorDataset()


def test_dataset_rejects_a_0d_array() -> None:
    with pytest.raises(ValueError, match="TensorDataset: array 1 is 0-d"):
        TensorDataset(np.zeros(3), np.float64(1.0))


def test_dataset_rejects_string_labels() -> None:
    with pytest.raises(TypeError, match="TensorDataset: array 1 has dtype <U"):
        TensorDataset(np.zeros(2), np.array(["setosa", "virginica"]))


# -- DataLoader ---------------------------------------------------------------------


@given(num_rows=row_counts, batch_size=batch_sizes, shuffle=st.booleans(), seed=seeds)
def test_loader_visits_every_row_exactly_once_per_epoch(
    num_rows: int, batch_size: int, shuffle: bool, seed: int
) -> None:
    loader = DataLoader(
        numbered_rows(num_rows), batch_size, shuffle, generator=np.random.default_rng(seed)
    )
    for _ in range(2):
        assert sorted(epoch_ids(loader)) == list(range(num_rows))


@given(num_rows=row_counts, batch_size=batch_sizes, drop_last=st.booleans())
def test_loader_len_is_the_number_of_batches_an_epoch_yields(
    num_rows: int, batch_size: int, drop_last: bool
) -> None:
    loader = DataLoader(numbered_rows(num_rows), batch_size, drop_last=drop_last)
    assert len(loader) == len(list(loader))


@given(num_rows=row_counts, batch_size=batch_sizes, drop_last=st.booleans())
def test_loader_batches_are_full_except_a_smaller_last_one_unless_dropped(
    num_rows: int, batch_size: int, drop_last: bool
) -> None:
    sizes = [len(ids.data) for _, ids in DataLoader(numbered_rows(num_rows), batch_size,
                                                    drop_last=drop_last)]
    assert all(size == batch_size for size in sizes[:-1])
    if sizes:
        assert 0 < sizes[-1] <= batch_size
        assert not drop_last or sizes[-1] == batch_size
    assert sum(sizes) == (num_rows - num_rows % batch_size if drop_last else num_rows)


@given(num_rows=row_counts, batch_size=batch_sizes)
def test_loader_without_shuffle_yields_rows_in_dataset_order(
    num_rows: int, batch_size: int
) -> None:
    assert epoch_ids(DataLoader(numbered_rows(num_rows), batch_size)) == list(range(num_rows))


@given(num_rows=st.integers(1, 60), batch_size=batch_sizes, seed=seeds)
def test_loader_keeps_each_rows_arrays_together_when_shuffled(
    num_rows: int, batch_size: int, seed: int
) -> None:
    loader = DataLoader(numbered_rows(num_rows), batch_size, shuffle=True,
                        generator=np.random.default_rng(seed))
    for features, ids in loader:
        np.testing.assert_array_equal(features.data[:, 0], ids.data)
        np.testing.assert_array_equal(features.data[:, 1], -ids.data)


def test_loader_gives_the_articles_batches_of_32_32_32_3_in_file_order() -> None:
    split = load_article_split()
    loader = DataLoader(TensorDataset(split.x_train, split.y_train), batch_size=32)
    batches = list(loader)
    assert len(loader) == 4
    assert [x.shape for x, _ in batches] == [(32, 4), (32, 4), (32, 4), (3, 4)]
    np.testing.assert_array_equal(np.concatenate([x.data for x, _ in batches]), split.x_train)
    np.testing.assert_array_equal(np.concatenate([y.data for _, y in batches]), split.y_train)


def test_loader_batches_are_tensors_that_keep_dtypes_and_do_not_require_grad() -> None:
    split = load_article_split()
    features, labels = next(iter(DataLoader(TensorDataset(split.x_train, split.y_train), 8)))
    assert isinstance(features, tm.Tensor) and isinstance(labels, tm.Tensor)
    assert features.dtype == np.float64 and labels.dtype == np.int64
    assert not features.requires_grad and not labels.requires_grad


@given(seed=seeds)
def test_loader_shuffle_is_reproducible_from_a_seeded_generator(seed: int) -> None:
    def two_epochs() -> list[list[int]]:
        loader = DataLoader(numbered_rows(20), 6, shuffle=True,
                            generator=np.random.default_rng(seed))
        return [epoch_ids(loader), epoch_ids(loader)]

    assert two_epochs() == two_epochs()


def test_loader_shuffle_is_reproducible_from_manual_seed() -> None:
    loader = DataLoader(numbered_rows(20), 6, shuffle=True)
    tm.manual_seed(123)
    first = epoch_ids(loader)
    tm.manual_seed(123)
    assert epoch_ids(loader) == first


def test_loader_shuffle_draws_a_new_order_each_epoch() -> None:
    loader = DataLoader(numbered_rows(50), 10, shuffle=True, generator=np.random.default_rng(0))
    assert epoch_ids(loader) != epoch_ids(loader)


def test_loader_of_an_empty_dataset_yields_no_batches() -> None:
    loader = DataLoader(numbered_rows(0), 4, shuffle=True)
    assert len(loader) == 0
    assert list(loader) == []


@pytest.mark.parametrize("batch_size", [0, -3])
def test_loader_rejects_a_batch_size_below_1(batch_size: int) -> None:
    message = f"DataLoader: batch_size must be a positive int, got {batch_size}"
    with pytest.raises(ValueError, match=message):
        DataLoader(numbered_rows(3), batch_size)


@pytest.mark.parametrize("batch_size", [2.0, True, "4"])
def test_loader_rejects_a_batch_size_that_is_not_an_int(batch_size: object) -> None:
    with pytest.raises(TypeError, match="DataLoader: batch_size must be a positive int"):
        DataLoader(numbered_rows(3), batch_size)  # type: ignore[arg-type]


@pytest.mark.parametrize("generator", [0, np.random.RandomState(0)])
def test_loader_rejects_a_generator_that_is_not_a_numpy_generator(generator: object) -> None:
    with pytest.raises(TypeError, match=r"DataLoader: generator must be a numpy\.random"):
        DataLoader(numbered_rows(3), 2, shuffle=True, generator=generator)  # type: ignore[arg-type]
