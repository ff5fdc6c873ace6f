"""Constructors: shapes, dtypes, seeding."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_mlp as tm


@pytest.mark.parametrize("make", [tm.zeros, tm.ones, tm.randn, tm.rand])
def test_constructors_take_sizes_as_arguments_or_a_tuple(make) -> None:  # type: ignore[no-untyped-def]
    assert make(2, 3).shape == make((2, 3)).shape == (2, 3)
    assert make(2, 3).dtype == np.float64
    assert make(2, dtype=tm.float32).dtype == np.float32
    assert make(2, requires_grad=True).requires_grad


def test_values_of_zeros_ones_full() -> None:
    assert tm.zeros(2).tolist() == [0.0, 0.0]
    assert tm.ones(2).tolist() == [1.0, 1.0]
    assert tm.full((2,), 7.0).tolist() == [7.0, 7.0]


def test_arange_is_int64_for_ints_and_float_otherwise() -> None:
    assert tm.arange(4).tolist() == [0, 1, 2, 3] and tm.arange(4).dtype == np.int64
    assert tm.arange(0.0, 1.0, 0.5).tolist() == [0.0, 0.5]
    with pytest.raises(ValueError, match="step"):
        tm.arange(0, 3, 0)


def test_like_constructors_copy_shape_and_dtype() -> None:
    base = tm.zeros(2, 3, dtype=tm.float32)
    for make in (tm.zeros_like, tm.ones_like, tm.randn_like, tm.rand_like):
        made = make(base)
        assert made.shape == (2, 3) and made.dtype == np.float32


def test_manual_seed_makes_random_tensors_reproducible() -> None:
    tm.manual_seed(123)
    first = tm.randn(5).data.copy(), tm.rand(3).data.copy()
    tm.manual_seed(123)
    second = tm.randn(5).data, tm.rand(3).data
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    generator = np.random.default_rng(7)
    assert tm.randn(2, generator=generator).shape == (2,)


def test_bad_sizes_and_seeds_raise() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        tm.zeros(-1)
    with pytest.raises(TypeError, match="ints"):
        tm.ones(2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="non-negative"):
        tm.manual_seed(-1)
