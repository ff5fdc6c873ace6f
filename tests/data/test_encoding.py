"""one_hot: one 1 per row, at the label's position."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_mlp as tm
from tinygrad_mlp.data import one_hot


@st.composite
def labels_and_classes(draw: st.DrawFn) -> tuple[Any, int]:
    """Integer labels of any shape (up to 3-D) and a number of classes covering them."""
    num_classes = draw(st.integers(1, 6))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
    labels = draw(hnp.arrays(np.int64, shape, elements=st.integers(0, num_classes - 1)))
    return labels, num_classes


@given(case=labels_and_classes())
def test_one_hot_puts_a_single_1_at_each_labels_position(case: tuple[Any, int]) -> None:
    labels, num_classes = case
    encoded = one_hot(labels, num_classes)
    assert encoded.shape == (*labels.shape, num_classes)
    assert encoded.dtype == np.float64
    np.testing.assert_array_equal(encoded.sum(axis=-1), np.ones(labels.shape))
    np.testing.assert_array_equal(encoded.argmax(axis=-1), labels)


def test_one_hot_of_iris_labels_gives_the_articles_target_vectors() -> None:
    np.testing.assert_array_equal(
        one_hot(np.array([0, 1, 2]), 3), [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    )


def test_one_hot_accepts_tensor_labels() -> None:
    assert one_hot(tm.Tensor(np.array([1])), 2).tolist() == [[0.0, 1.0]]


@pytest.mark.parametrize("bad_label", [3, -1])
def test_one_hot_rejects_a_label_outside_the_classes_naming_it(bad_label: int) -> None:
    with pytest.raises(ValueError, match=rf"one_hot: labels must lie in \[0, 3\).*{bad_label}$"):
        one_hot(np.array([0, bad_label, 1]), 3)


def test_one_hot_rejects_float_labels() -> None:
    with pytest.raises(TypeError, match="one_hot: labels must be integers, got dtype float64"):
        one_hot(np.array([0.0, 1.0]), 2)


def test_one_hot_rejects_fewer_than_one_class() -> None:
    with pytest.raises(ValueError, match="one_hot: num_classes must be a positive int, got 0"):
        one_hot(np.array([], dtype=np.int64), 0)


def test_one_hot_of_many_classes_needs_memory_for_the_result_only() -> None:
    encoded = one_hot(np.array([0, 199_999]), num_classes=200_000)  # np.eye would need 298 GiB
    assert encoded.shape == (2, 200_000) and encoded.sum() == 2.0
    assert encoded[1, 199_999] == 1.0 and encoded.dtype == np.float64
    assert one_hot(np.array([[0, 2], [1, 1]]), 3)[0, 1].tolist() == [0.0, 0.0, 1.0]
    assert one_hot(np.zeros(0, dtype=np.int64), 3).shape == (0, 3)


def test_one_hot_of_ragged_labels_names_itself() -> None:
    with pytest.raises(ValueError, match=r"^one_hot: labels are not rectangular"):
        one_hot([[0, 1], [2]], 3)  # type: ignore[list-item]
