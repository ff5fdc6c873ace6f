"""TensorDataset, DataLoader and default_collate: rows stay paired, every row once per epoch,
seedable order, and map datasets batch as PyTorch batches them."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tinygrad_mlp.data import DataLoader, TensorDataset, default_collate
from tinygrad_mlp.datasets import load_article_split

row_counts = st.integers(min_value=0, max_value=60)
batch_sizes = st.integers(min_value=1, max_value=70)
seeds = st.integers(min_value=0, max_value=2**32 - 1)


def numbered_rows(num_rows: int) -> TensorDataset:
    """A dataset whose rows say which row they are: features row i is [i, -i], label i."""
    ids = np.arange(num_rows, dtype=np.int64)
    return TensorDataset(np.stack([ids, -ids], axis=1).astype(np.float64), ids)


def numbered_pairs(num_rows: int) -> list[tuple[np.ndarray, int]]:
    """The map-dataset twin of ``numbered_rows``: item i is ([i, -i], i)."""
    return [(np.array([i, -i], dtype=np.float64), i) for i in range(num_rows)]


class NumberedRecords:
    """A torch-style map dataset: item i is a dict of features, label and name."""

    def __init__(self, num_rows: int) -> None:
        self.num_rows = num_rows

    def __len__(self) -> int:
        return self.num_rows

    def __getitem__(self, index: int) -> dict[str, Any]:
        if not isinstance(index, int):
            raise TypeError(f"NumberedRecords: index must be an int, got {type(index).__name__}")
        return {"features": np.array([index, -index], dtype=np.float32), "label": index,
                "name": f"row {index}"}


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


# -- map datasets: items fetched one by one, then collated ----------------------------


def test_loader_of_a_list_of_pairs_gives_stacked_features_and_int64_labels() -> None:
    pairs = [(np.array([1.0, 2.0]), 1), (np.array([3.0, 4.0]), 0)]
    (features, labels), = list(DataLoader(pairs, batch_size=2))
    assert features.data.tolist() == [[1.0, 2.0], [3.0, 4.0]] and features.dtype == np.float64
    assert labels.data.tolist() == [1, 0] and labels.dtype == np.int64
    assert not features.requires_grad and not labels.requires_grad


def test_loader_of_a_custom_map_dataset_gives_dicts_of_batches_fetched_by_int() -> None:
    batches = list(DataLoader(NumberedRecords(5), batch_size=2))
    assert [batch["label"].data.tolist() for batch in batches] == [[0, 1], [2, 3], [4]]
    first = batches[0]
    assert set(first) == {"features", "label", "name"}
    assert first["features"].shape == (2, 2) and first["features"].dtype == np.float32
    assert first["name"] == ["row 0", "row 1"]


@given(num_rows=row_counts, batch_size=batch_sizes, drop_last=st.booleans(), seed=seeds)
def test_loader_shuffles_a_map_dataset_in_the_order_it_shuffles_a_tensor_dataset(
    num_rows: int, batch_size: int, drop_last: bool, seed: int
) -> None:
    def batches(dataset: Any) -> list[tuple[list[list[float]], list[int]]]:
        loader = DataLoader(dataset, batch_size, shuffle=True, drop_last=drop_last,
                            generator=np.random.default_rng(seed))
        return [(x.data.tolist(), y.data.tolist()) for x, y in loader]

    assert batches(numbered_pairs(num_rows)) == batches(numbered_rows(num_rows))


@given(num_rows=row_counts, batch_size=batch_sizes)
def test_loader_drop_last_skips_only_a_short_final_batch_of_a_map_dataset(
    num_rows: int, batch_size: int
) -> None:
    loader = DataLoader(numbered_pairs(num_rows), batch_size, drop_last=True)
    sizes = [len(ids.data) for _, ids in loader]
    assert sizes == [batch_size] * (num_rows // batch_size) and len(loader) == len(sizes)


def test_loader_passes_each_batchs_items_to_the_given_collate_fn() -> None:
    calls: list[list[Any]] = []

    def keep_items(items: list[Any]) -> str:
        calls.append(items)
        return f"{len(items)} items"

    assert list(DataLoader(NumberedRecords(3), 2, collate_fn=keep_items)) == ["2 items", "1 items"]
    assert [[item["label"] for item in items] for items in calls] == [[0, 1], [2]]


def test_loader_gives_a_tensor_datasets_rows_one_by_one_to_a_given_collate_fn() -> None:
    calls: list[list[Any]] = []
    loader = DataLoader(numbered_rows(3), 2, collate_fn=lambda items: calls.append(items) or 0)
    assert list(loader) == [0, 0]
    assert [len(items) for items in calls] == [2, 1]
    features, label = calls[1][0]
    assert features.data.tolist() == [2.0, -2.0] and label.shape == () and label.item() == 2


@given(num_rows=row_counts, batch_size=batch_sizes, seed=seeds)
def test_default_collate_of_a_tensor_datasets_rows_equals_its_index_array_batches(
    num_rows: int, batch_size: int, seed: int
) -> None:
    def batches(collate_fn: Any) -> list[tuple[tuple[Any, ...], ...]]:
        loader = DataLoader(numbered_rows(num_rows), batch_size, shuffle=True,
                            generator=np.random.default_rng(seed), collate_fn=collate_fn)
        return [tuple((t.dtype, t.shape, t.data.tolist()) for t in batch) for batch in loader]

    assert batches(default_collate) == batches(None)


def test_loader_fetches_rows_one_by_one_from_a_tensor_dataset_subclass_that_overrides_getitem(
) -> None:
    class Doubled(TensorDataset):
        def __getitem__(self, index: Any) -> tuple[tm.Tensor, ...]:
            assert isinstance(index, int), "overridden __getitem__ expects an int"
            return tuple(tm.Tensor(2 * np.asarray(a[index])) for a in self.arrays)

    (values,), = list(DataLoader(Doubled(np.arange(3)), batch_size=3))
    assert values.data.tolist() == [0, 2, 4]


def test_loader_batches_of_a_map_dataset_are_copies() -> None:
    pairs = numbered_pairs(2)
    features, _ = next(iter(DataLoader(pairs, batch_size=2)))
    features.data[:] = 99.0
    assert pairs[1][0].tolist() == [1.0, -1.0]


def test_loader_rejects_a_dataset_without_len_and_getitem() -> None:
    with pytest.raises(TypeError, match=r"DataLoader: dataset must have __len__ and __getitem__"
                                        r"\(int\).* got list_iterator"):
        DataLoader(iter(numbered_pairs(3)), 2)  # type: ignore[arg-type]


def test_loader_rejects_a_collate_fn_that_is_not_callable() -> None:
    with pytest.raises(TypeError, match="DataLoader: collate_fn must be callable or None, got str"):
        DataLoader(numbered_pairs(3), 2, collate_fn="stack")  # type: ignore[arg-type]


# -- default_collate ------------------------------------------------------------------


class Point(NamedTuple):
    x: Any
    y: Any


@pytest.mark.parametrize(
    ("fields", "dtype", "shape"),
    [
        ([0.5, 2.5], np.float64, (2,)),
        ([1, 2.5], np.float64, (2,)),
        ([1, 2], np.int64, (2,)),
        ([True, False], np.bool_, (2,)),
        ([np.float32(1), np.float32(2)], np.float32, (2,)),
        ([np.int8(1), np.int8(2)], np.int8, (2,)),
        ([np.zeros((2, 3), np.float32), np.ones((2, 3), np.float32)], np.float32, (2, 2, 3)),
        ([tm.Tensor(np.zeros(3), requires_grad=True), np.ones(3)], np.float64, (2, 3)),
    ],
    ids=["floats", "ints_and_floats", "ints", "bools", "np_float32", "np_int8", "arrays",
         "tensor_and_array"],
)
def test_default_collate_stacks_a_field_into_one_tensor_keeping_its_dtype(
    fields: list[Any], dtype: Any, shape: tuple[int, ...]
) -> None:
    batch = default_collate(fields)
    assert isinstance(batch, tm.Tensor) and not batch.requires_grad
    assert batch.dtype == dtype and batch.shape == shape
    for row, field in zip(batch.data, fields):
        np.testing.assert_array_equal(row, field.data if isinstance(field, tm.Tensor) else field)


def test_default_collate_gives_python_floats_float64_whatever_the_default_dtype() -> None:
    tm.set_default_dtype(tm.float32)
    try:
        assert default_collate([0.5, 1.5]).dtype == np.float64
    finally:
        tm.set_default_dtype(tm.float64)


def test_default_collate_keeps_the_kind_of_sequence_and_recurses_into_nested_items() -> None:
    items = [([1, 2], "a", {"p": Point(0.5, (1, True))}),
             ([3, 4], "b", {"p": Point(1.5, (2, False))})]
    pair, names, record = default_collate(items)
    assert isinstance(pair, list) and [t.data.tolist() for t in pair] == [[1, 3], [2, 4]]
    assert names == ["a", "b"]
    point = record["p"]
    assert isinstance(point, Point) and point.x.data.tolist() == [0.5, 1.5]
    assert type(point.y) is tuple
    assert point.y[0].data.tolist() == [1, 2] and point.y[1].data.tolist() == [True, False]


@given(num_rows=st.integers(1, 6), width=st.integers(0, 3), seed=seeds)
def test_default_collate_row_i_of_each_field_is_item_i(
    num_rows: int, width: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    items = [(rng.standard_normal(width), int(rng.integers(10)), float(rng.random()))
             for _ in range(num_rows)]
    batch = default_collate(items)
    assert type(batch) is tuple and len(batch) == 3
    for position, item in enumerate(items):
        for field, value in zip(batch, item):
            np.testing.assert_array_equal(field.data[position], value)


@pytest.mark.parametrize(
    ("batch", "error", "message"),
    [
        ([], ValueError, r"default_collate: the batch is empty"),
        ([(1, 2), (3,)], ValueError,
         r"default_collate: batch\[1\] has length 1 but batch\[0\] has length 2"),
        ([{"a": 1}, {"b": 1}], ValueError,
         r"default_collate: batch\[1\] has keys \['b'\] but batch\[0\] has keys \['a'\]"),
        ([np.zeros(2), np.zeros(3)], ValueError,
         r"default_collate: batch\[1\] has shape \(3,\) but batch\[0\] has shape \(2,\)"),
        ([(np.zeros((2, 2)), 0), (np.zeros((2, 1)), 1)], ValueError,
         r"default_collate: batch\[1\]\[0\] has shape \(2, 1\) but batch\[0\]\[0\] has shape "
         r"\(2, 2\)"),
        ([(np.zeros(1), None)] * 2, TypeError,
         r"default_collate: batch\[0\]\[1\] is of type NoneType, which cannot be batched"),
        ([{"x": (1, object())}] * 2, TypeError,
         r"default_collate: batch\[0\]\['x'\]\[1\] is of type object, which cannot be batched"),
        ([1, "a"], TypeError,
         r"default_collate: batch\[1\] is of type str but batch\[0\] is of type int"),
        ([np.array(["setosa"]), np.array(["virginica"])], TypeError,
         r"default_collate: batch\[0\] has dtype <U6; only bool, int and float arrays"),
    ],
    ids=["empty", "lengths", "keys", "shapes", "nested_shapes", "none", "object", "mixed_types",
         "string_array"],
)
def test_default_collate_rejects_what_it_cannot_batch_naming_the_item_and_the_difference(
    batch: list[Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        default_collate(batch)


def test_default_collate_error_in_a_loader_suggests_a_collate_fn() -> None:
    with pytest.raises(TypeError, match="pass DataLoader a collate_fn"):
        list(DataLoader([(1, None), (2, None)], batch_size=2))


# -- cross-check with PyTorch -------------------------------------------------------


def as_numpy_tree(batch: Any) -> Any:
    """A batch of either library as nested lists and dicts of ndarrays.

    Tuples become lists: PyTorch's default_collate turns tuples of fields into
    lists, and gives strings inside a tuple as a tuple.
    """
    if isinstance(batch, dict):
        return {key: as_numpy_tree(value) for key, value in batch.items()}
    if isinstance(batch, (tuple, list)):
        return [value if isinstance(value, str) else as_numpy_tree(value) for value in batch]
    return batch.numpy()  # a tinygrad_mlp or a torch Tensor


def assert_same_tree(ours: Any, theirs: Any) -> None:
    assert type(ours) is type(theirs)
    if isinstance(ours, dict):
        assert ours.keys() == theirs.keys()
        for key in ours:
            assert_same_tree(ours[key], theirs[key])
    elif isinstance(ours, list):
        assert len(ours) == len(theirs)
        for mine, other in zip(ours, theirs):
            assert_same_tree(mine, other)
    elif isinstance(ours, np.ndarray):
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        np.testing.assert_array_equal(ours, theirs)
    else:
        assert ours == theirs


CROSS_CHECK_DATASETS = {
    "pairs": numbered_pairs(5),
    "records": NumberedRecords(5),
    "numbers": [(0.5 * i, i, i % 2 == 0) for i in range(5)],
    "numpy_scalars": [(np.float32(i), np.int16(i), np.zeros((2, 3), np.int32) + i)
                      for i in range(5)],
    "nested": [{"x": [np.full(2, float(i)), (i, f"n{i}")], "y": np.array(i)} for i in range(5)],
}


@pytest.mark.parametrize("batch_size", [2, 5])
@pytest.mark.parametrize("name", list(CROSS_CHECK_DATASETS))
def test_loader_batches_a_map_dataset_as_torch_dataloader_does(name: str, batch_size: int) -> None:
    torch = pytest.importorskip("torch")
    dataset = CROSS_CHECK_DATASETS[name]
    ours = [as_numpy_tree(batch) for batch in DataLoader(dataset, batch_size)]
    theirs = [as_numpy_tree(batch)
              for batch in torch.utils.data.DataLoader(dataset, batch_size=batch_size)]
    assert len(ours) == len(theirs)
    for mine, other in zip(ours, theirs):
        assert_same_tree(mine, other)


def test_default_collate_agrees_with_torchs_on_tensors_and_arrays() -> None:
    torch = pytest.importorskip("torch")
    from torch.utils.data import default_collate as torch_default_collate

    rows = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    ours = default_collate([tm.Tensor(rows[0]), tm.Tensor(rows[1])])
    theirs = torch_default_collate([torch.from_numpy(rows[0]), torch.from_numpy(rows[1])])
    assert_same_tree(as_numpy_tree(ours), as_numpy_tree(theirs))
