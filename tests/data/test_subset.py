"""Subset and random_split: Subsets view the right items, splits are disjoint covers of the
requested sizes (PyTorch's sizes for fractions), seedable, and batch through a DataLoader."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tinygrad_mlp.data import DataLoader, Subset, TensorDataset, default_collate, random_split

seeds = st.integers(min_value=0, max_value=2**32 - 1)
# Fraction lists PyTorch accepts (their float sum is at most 1), from even to lopsided.
FRACTIONS = [
    [1.0], [0.5, 0.5], [0.8, 0.2], [0.7, 0.2, 0.1], [0.1, 0.2, 0.7], [0.3, 0.3, 0.4],
    [0.6, 0.2, 0.2], [1 / 3, 1 / 3, 1 / 3], [0.25] * 4, [0.1] * 10, [0.9, 0.05, 0.05],
    [0.0, 1.0], [0.01, 0.99], [0.15, 0.35, 0.5], [1 / 7] * 7,
]


def numbered_rows(num_rows: int) -> TensorDataset:
    """A dataset whose rows say which row they are: features row i is [i, -i], label i."""
    ids = np.arange(num_rows, dtype=np.int64)
    return TensorDataset(np.stack([ids, -ids], axis=1).astype(np.float64), ids)


def split_sizes(subsets: list[Subset]) -> list[int]:
    return [len(subset) for subset in subsets]


@st.composite
def counts_and_total(draw: st.DrawFn) -> tuple[list[int], int]:
    """1 to 5 non-negative counts (zeros included) and their sum, the dataset's length."""
    counts = draw(st.lists(st.integers(0, 30), min_size=1, max_size=5))
    return counts, sum(counts)


@st.composite
def fraction_lists(draw: st.DrawFn) -> list[float]:
    """1 to 6 fractions made from integer weights, so they add up to 1 up to float rounding."""
    weights = draw(st.lists(st.integers(0, 20), min_size=1, max_size=6).filter(any))
    return [weight / sum(weights) for weight in weights]


def floor_then_round_robin(fractions: list[float], num_items: int) -> list[int]:
    """PyTorch's documented rule, restated: floor each share, deal the rest from the first on."""
    floors = [math.floor(num_items * fraction) for fraction in fractions]
    rounds, extra = divmod(num_items - sum(floors), len(fractions))
    return [floor + rounds + (i < extra) for i, floor in enumerate(floors)]


# -- Subset ------------------------------------------------------------------------


def test_subset_item_i_is_the_dataset_item_at_indices_i() -> None:
    letters = list("abcdef")
    subset = Subset(letters, [4, 0, -1, 4])
    assert [subset[i] for i in range(len(subset))] == ["e", "a", "f", "e"]


def test_subset_keeps_the_dataset_itself_and_its_indices_as_a_list_of_ints() -> None:
    dataset = numbered_rows(6)
    for indices in ([5, 1], (5, 1), np.array([5, 1], dtype=np.int32), range(5, 0, -4),
                    tm.Tensor(np.array([5, 1]))):
        subset = Subset(dataset, indices)  # type: ignore[arg-type]
        assert subset.dataset is dataset
        assert subset.indices == [5, 1]
        assert all(type(index) is int for index in subset.indices)


def test_subset_length_is_the_number_of_indices_and_may_be_zero() -> None:
    assert len(Subset(numbered_rows(4), [3, 3, 0])) == 3
    assert len(Subset(numbered_rows(4), [])) == 0
    assert len(Subset([], [])) == 0


def test_subset_negative_index_counts_from_the_end_of_the_subset() -> None:
    subset = Subset(list("abcdef"), [1, 3, 5])
    assert subset[-1] == "f" and subset[-3] == "b"
    assert subset[np.int64(1)] == "d"


def test_subset_index_list_or_array_fetches_those_rows_of_a_tensor_dataset_at_once() -> None:
    subset = Subset(numbered_rows(10), [7, 2, 9])
    for index in ([2, 0], np.array([2, 0]), np.array([-1, 0], dtype=np.int32)):
        features, labels = subset[index]  # type: ignore[index]
        assert labels.data.tolist() == [9, 7]
        assert features.data.tolist() == [[9.0, -9.0], [7.0, -7.0]]


def test_subset_of_a_subset_composes_the_indices() -> None:
    inner = Subset(list("abcdefgh"), [7, 5, 3, 1])
    outer = Subset(inner, [3, 0])
    assert [outer[0], outer[1]] == ["b", "h"]
    _, labels = Subset(Subset(numbered_rows(8), [7, 5, 3, 1]), [3, 0])[np.array([0, 1])]
    assert labels.data.tolist() == [1, 7]


def test_subset_of_pairs_batches_its_items_in_order_through_a_dataloader() -> None:
    pairs = [(np.array([i, -i], dtype=np.float64), i) for i in range(10)]
    batches = list(DataLoader(Subset(pairs, [8, 1, 5, 3, 0]), batch_size=2))
    assert [labels.data.tolist() for _, labels in batches] == [[8, 1], [5, 3], [0]]
    assert batches[0][0].data.tolist() == [[8.0, -8.0], [1.0, -1.0]]
    assert isinstance(batches[0], tuple)


@given(seed=seeds, batch_size=st.integers(1, 8))
def test_subset_of_a_tensor_dataset_batches_as_its_items_collated_one_by_one(
    seed: int, batch_size: int
) -> None:
    subset = Subset(numbered_rows(12), [11, 0, 6, 6, 3, -2, 5])
    whole = DataLoader(subset, batch_size, shuffle=True, generator=np.random.default_rng(seed))
    by_item = DataLoader(subset, batch_size, shuffle=True, generator=np.random.default_rng(seed),
                         collate_fn=default_collate)
    for (features, labels), (item_features, item_labels) in zip(whole, by_item, strict=True):
        assert features.data.tolist() == item_features.data.tolist()
        assert labels.data.tolist() == item_labels.data.tolist()
        assert (features.dtype, labels.dtype) == (item_features.dtype, item_labels.dtype)
        assert not features.requires_grad


def test_dataloader_fetches_a_tensor_dataset_subset_in_one_step_per_batch(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    fetched: list[Any] = []
    fetch_rows = TensorDataset.__getitem__

    def recording_fetch(self: TensorDataset, index: Any) -> tuple[tm.Tensor, ...]:
        fetched.append(index)
        return fetch_rows(self, index)

    monkeypatch.setattr(TensorDataset, "__getitem__", recording_fetch)
    train, _ = random_split(numbered_rows(20), [13, 7], generator=np.random.default_rng(0))
    assert len(list(DataLoader(Subset(train, range(10)), batch_size=4))) == 3
    assert [np.asarray(index).shape for index in fetched] == [(4,), (4,), (2,)]
    assert [int(i) for i in fetched[0]] == train.indices[:4]


def test_subset_subclass_with_its_own_getitem_is_fetched_item_by_item() -> None:
    class Named(Subset):
        def __getitem__(self, index: Any) -> Any:
            features, label = super().__getitem__(index)
            return features * 2, label, f"item {index}"

    (features, labels, names), = DataLoader(Named(numbered_rows(5), [4, 1]), batch_size=2)
    assert names == ["item 0", "item 1"]
    assert features.data.tolist() == [[8.0, -8.0], [2.0, -2.0]]
    assert labels.data.tolist() == [4, 1]


# -- random_split: sizes and cover -------------------------------------------------


@given(counts_total=counts_and_total(), seed=seeds)
def test_split_by_counts_gives_those_sizes_and_a_disjoint_cover_of_the_items(
    counts_total: tuple[list[int], int], seed: int
) -> None:
    counts, total = counts_total
    dataset = list(range(100, 100 + total))
    subsets = random_split(dataset, counts, generator=np.random.default_rng(seed))
    assert split_sizes(subsets) == counts
    assert all(subset.dataset is dataset for subset in subsets)
    assert sorted(index for subset in subsets for index in subset.indices) == list(range(total))
    assert [subset[i] for subset in subsets for i in range(len(subset))] == [
        dataset[index] for subset in subsets for index in subset.indices]


@given(fractions=fraction_lists(), num_items=st.integers(0, 300), seed=seeds)
def test_split_by_fractions_floors_each_share_then_deals_the_rest_from_the_first(
    fractions: list[float], num_items: int, seed: int
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # empty Subsets warn; tested below
        subsets = random_split(range(num_items), fractions, generator=np.random.default_rng(seed))
    assert split_sizes(subsets) == floor_then_round_robin(fractions, num_items)
    assert sorted(i for subset in subsets for i in subset.indices) == list(range(num_items))


@pytest.mark.parametrize(("fractions", "num_items", "sizes"), [
    ([0.5, 0.5], 5, [3, 2]),
    ([0.3, 0.3, 0.4], 11, [4, 3, 4]),
    ([0.3, 0.3, 0.4], 10, [3, 3, 4]),
    ([0.8, 0.2], 150, [120, 30]),
    ([0.25] * 4, 7, [2, 2, 2, 1]),
    ([1.0], 9, [9]),
])
def test_split_by_fractions_gives_the_sizes_worked_out_by_hand(
    fractions: list[float], num_items: int, sizes: list[int]
) -> None:
    assert split_sizes(random_split(list(range(num_items)), fractions)) == sizes


def test_split_sizes_equal_torchs_for_many_lengths_and_fractions() -> None:
    torch = pytest.importorskip("torch")
    cases = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # both warn about empty splits
        for fractions in FRACTIONS:
            for num_items in [*range(41), 99, 100, 101, 997, 1000, 1001]:
                expected = split_sizes(torch.utils.data.random_split(range(num_items), fractions))
                assert split_sizes(random_split(range(num_items), fractions)) == expected, (
                    fractions, num_items)
                cases += 1
    assert cases == len(FRACTIONS) * 47


@given(fractions=fraction_lists(), num_items=st.integers(0, 500))
def test_split_sizes_equal_torchs_for_generated_fractions(
    fractions: list[float], num_items: int
) -> None:
    torch = pytest.importorskip("torch")
    assume(sum(fractions) <= 1)  # PyTorch refuses the rest (see the next test); this library not
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = split_sizes(torch.utils.data.random_split(range(num_items), fractions))
        assert split_sizes(random_split(range(num_items), fractions)) == expected


def test_fractions_whose_float_sum_is_a_hair_above_one_are_accepted() -> None:
    # sum([0.05] * 20) is 1.0000000000000002: PyTorch then reads the list as
    # counts and refuses it (pytorch/pytorch#128116); here it is twenty fractions.
    assert sum([0.05] * 20) > 1
    assert split_sizes(random_split(range(100), [0.05] * 20)) == [5] * 20
    assert split_sizes(random_split(range(10), [0.2, 0.4, 0.3, 0.1])) == [2, 4, 3, 1]


def test_split_takes_lengths_as_a_tuple_or_a_numpy_array() -> None:
    assert split_sizes(random_split(range(6), (4, 2))) == [4, 2]
    assert split_sizes(random_split(range(6), np.array([1, 5]))) == [1, 5]
    assert split_sizes(random_split(range(6), np.array([0.5, 0.5]))) == [3, 3]
    assert split_sizes(random_split(range(6), [np.float32(0.5), np.float64(0.5)])) == [3, 3]


def test_split_of_an_empty_dataset_gives_empty_subsets() -> None:
    assert random_split([], []) == []
    assert split_sizes(random_split([], [0, 0])) == [0, 0]


def test_a_fraction_that_leaves_its_subset_empty_warns_at_the_callers_line() -> None:
    with pytest.warns(UserWarning, match=r"random_split: lengths\[1\]=0.1 of 5 items gives 0 "
                                         r"items, so that Subset is empty") as record:
        sizes = split_sizes(random_split(range(5), [0.9, 0.1]))
    assert sizes == [5, 0]
    assert len(record) == 1 and record[0].filename == __file__


def test_a_count_of_zero_is_taken_as_meant_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert split_sizes(random_split(range(5), [5, 0])) == [5, 0]


# -- random_split: randomness ------------------------------------------------------


def test_split_is_reproducible_under_manual_seed() -> None:
    dataset = numbered_rows(50)
    tm.manual_seed(3)
    first = [subset.indices for subset in random_split(dataset, [0.6, 0.3, 0.1])]
    second = [subset.indices for subset in random_split(dataset, [0.6, 0.3, 0.1])]
    tm.manual_seed(3)
    again = [subset.indices for subset in random_split(dataset, [30, 15, 5])]
    assert again == first
    assert second != first  # the global stream moved on


def test_split_with_a_generator_is_reproducible_and_leaves_the_global_stream_alone() -> None:
    expected_next = tm.manual_seed(0).random()
    global_generator = tm.manual_seed(0)
    first = random_split(range(40), [30, 10], generator=np.random.default_rng(7))
    second = random_split(range(40), [30, 10], generator=np.random.default_rng(7))
    assert [s.indices for s in first] == [s.indices for s in second]
    assert global_generator.random() == expected_next
    other_seed = random_split(range(40), [30, 10], generator=np.random.default_rng(8))
    assert other_seed[0].indices != first[0].indices


def test_split_is_one_permutation_of_the_items_cut_in_order() -> None:
    subsets = random_split(range(30), [10, 5, 15], generator=np.random.default_rng(1))
    order = np.random.default_rng(1).permutation(30).tolist()
    assert [subset.indices for subset in subsets] == [order[:10], order[10:15], order[15:]]
    assert order != sorted(order)


# -- errors ------------------------------------------------------------------------


def test_subset_refuses_a_dataset_without_len_and_getitem() -> None:
    with pytest.raises(TypeError, match=r"Subset: dataset must have __len__ and __getitem__"
                                        r"\(int\), as a list or a TensorDataset does, got int"):
        Subset(5, [0])  # type: ignore[arg-type]


@pytest.mark.parametrize(("indices", "error", "message"), [
    (3, TypeError, r"Subset: indices must be a sequence of ints \(a list, range or 1-d array\), "
                   r"got int"),
    ({1, 2}, TypeError, r"Subset: indices must be a sequence of ints .*, got set"),
    ([[0, 1], [2]], ValueError, r"Subset: indices must be a flat sequence of ints, got a nested "
                                r"one"),
    (np.zeros((2, 2), dtype=int), ValueError, r"Subset: indices must be 1-d, got shape \(2, 2\)"),
    ([0, 1.5], TypeError, r"Subset: indices\[1\] is 1.5, not an int"),
    ([True, False], TypeError, r"Subset: indices\[0\] is True, not an int"),
    (np.array([0.0]), TypeError, r"Subset: indices\[0\] is 0.0, not an int"),
    (["a"], TypeError, r"Subset: indices\[0\] is 'a', not an int"),
    ([0, 3, 9], IndexError, r"Subset: indices\[2\] is 9, out of range for a dataset of 4 items"),
    ([-5], IndexError, r"Subset: indices\[0\] is -5, out of range for a dataset of 4 items"),
])
def test_subset_names_the_bad_indices(indices: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        Subset(list("abcd"), indices)


def test_subset_accepts_the_extreme_indices_of_the_dataset() -> None:
    assert Subset(list("abcd"), [-4, 3]).indices == [-4, 3]


@pytest.mark.parametrize(("index", "error", "message"), [
    (3, IndexError, r"Subset: index 3 is out of range for a Subset of 3 items"),
    (-4, IndexError, r"Subset: index -4 is out of range for a Subset of 3 items"),
    ([0, 5], IndexError, r"Subset: index 5 is out of range for a Subset of 3 items"),
    (np.array([-4]), IndexError, r"Subset: index -4 is out of range for a Subset of 3 items"),
    ("0", TypeError, r"Subset: index must be an int, or a list or array of ints, got str"),
    (1.0, TypeError, r"Subset: index must be an int, or a list or array of ints, got float"),
    (True, TypeError, r"Subset: index must be an int, or a list or array of ints, got bool"),
    (np.array([0.0]), TypeError, r"Subset: an index list or array must be 1-d and hold ints, "
                                 r"got shape \(1,\) and dtype float64"),
    (np.zeros((1, 1), dtype=int), TypeError, r"Subset: an index list or array must be 1-d and "
                                             r"hold ints, got shape \(1, 1\)"),
])
def test_subset_indexing_names_the_bad_index(index: Any, error: type[Exception],
                                             message: str) -> None:
    with pytest.raises(error, match=message):
        Subset(numbered_rows(8), [5, 6, 7])[index]


@pytest.mark.parametrize(("lengths", "error", "message"), [
    ([3, 3], ValueError, r"random_split: lengths \[3, 3\] add up to 6, but the dataset has 5 "
                         r"items; counts must add up to len\(dataset\) \(or give fractions that "
                         r"add up to 1\)"),
    ([], ValueError, r"random_split: lengths \[\] add up to 0, but the dataset has 5 items"),
    ([1, 0], ValueError, r"random_split: lengths \[1, 0\] add up to 1, but the dataset has 5"),
    ([-1, 6], ValueError, r"random_split: lengths\[0\] is -1; a count cannot be negative"),
    ([6, np.int64(-1)], ValueError, r"random_split: lengths\[1\] is -1; a count cannot be "
                                    r"negative"),
    ([1.5, -0.5], ValueError, r"random_split: lengths\[0\] is 1.5; a fraction must lie in "
                              r"\[0, 1\]"),
    ([0.5, -0.0001], ValueError, r"random_split: lengths\[1\] is -0.0001; a fraction must lie"),
    ([math.nan, 1.0], ValueError, r"random_split: lengths\[0\] is nan; a fraction must lie"),
    ([0.5, 0.4], ValueError, r"random_split: fractions \[0.5, 0.4\] add up to 0.9, not 1 \(give "
                             r"ints for counts of items\)"),
    ([3.0, 2.0], ValueError, r"random_split: lengths\[0\] is 3.0; a fraction must lie in"),
    ([0.5, 0.5, 0.5], ValueError, r"random_split: fractions \[0.5, 0.5, 0.5\] add up to 1.5, "
                                  r"not 1"),
    ([4, 0.2], TypeError, r"random_split: lengths \[4, 0.2\] mixes ints and floats; give counts "
                          r"\(all ints\) or fractions \(all floats\)"),
    ([True, 4], TypeError, r"random_split: lengths\[0\] is True \(bool\); lengths must be ints "
                           r"\(counts\) or floats \(fractions\)"),
    ([2, "3"], TypeError, r"random_split: lengths\[1\] is '3' \(str\); lengths must be ints"),
    ([None], TypeError, r"random_split: lengths\[0\] is None \(NoneType\)"),
    (5, TypeError, r"random_split: lengths must be a list of ints \(counts\) or of floats "
                   r"\(fractions\), got int"),
    ("32", TypeError, r"random_split: lengths must be a list .*, got str"),
    ({4: 1}, TypeError, r"random_split: lengths must be a list .*, got dict"),
    (np.array([[4, 1]]), TypeError, r"random_split: lengths must be a list .*, got ndarray"),
])
def test_random_split_names_the_bad_lengths(lengths: Any, error: type[Exception],
                                            message: str) -> None:
    with pytest.raises(error, match=message):
        random_split(list("abcde"), lengths)


def test_random_split_refuses_a_bad_generator_or_dataset() -> None:
    with pytest.raises(TypeError, match=r"random_split: generator must be a "
                                        r"numpy.random.Generator or None, got int"):
        random_split(range(4), [2, 2], generator=0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"random_split: dataset must have __len__ and "
                                        r"__getitem__\(int\), .*got generator"):
        random_split((i for i in range(4)), [2, 2])  # type: ignore[arg-type]
