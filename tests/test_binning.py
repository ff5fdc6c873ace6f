"""searchsorted, bucketize, bincount, histc and histogram against numpy, counts by hand, PyTorch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_mlp as tm
from tests.strategies import arrays, shapes
from tinygrad_mlp import binning

BOUNDARIES = np.array([1, 3, 5, 7, 9])


@given(values=hnp.arrays(np.int64, shapes(0, 3), elements=st.integers(-1, 11)),
       right=st.booleans())
def test_bucketize_and_searchsorted_equal_numpys_searchsorted(values: np.ndarray,
                                                              right: bool) -> None:
    side = "right" if right else "left"
    expected = np.searchsorted(BOUNDARIES, values, side)
    for found in (tm.bucketize(tm.tensor(values), tm.tensor(BOUNDARIES), right=right),
                  tm.searchsorted(tm.tensor(BOUNDARIES), tm.tensor(values), side=side),
                  tm.searchsorted(tm.tensor(BOUNDARIES), tm.tensor(values), right=right)):
        assert found.dtype == np.int64 and found.shape == values.shape
        np.testing.assert_array_equal(found.data, expected)


def test_bucketize_puts_each_value_between_its_boundaries() -> None:
    boundaries = tm.tensor([1, 3, 5, 7, 9])
    # b[i-1] < v <= b[i], or b[i-1] <= v < b[i] with right=True
    assert tm.bucketize(tm.tensor([3, 6, 9]), boundaries).tolist() == [1, 3, 4]
    assert tm.bucketize(tm.tensor([3, 6, 9]), boundaries, right=True).tolist() == [2, 3, 5]
    assert tm.bucketize(3, boundaries).shape == ()
    assert tm.bucketize(tm.tensor([2.5]), boundaries, out_int32=True).dtype == np.int32


@given(data=st.data())
def test_searchsorted_of_rows_searches_each_row_in_its_own(data: st.DataObject) -> None:
    rows = data.draw(st.integers(1, 3))
    sequence = np.sort(data.draw(arrays((rows, 4), -3, 3)), axis=-1)
    values = data.draw(arrays((rows, data.draw(st.integers(1, 3))), -4, 4))
    found = tm.searchsorted(tm.tensor(sequence), tm.tensor(values), side="right")
    for r in range(rows):
        np.testing.assert_array_equal(found.data[r], np.searchsorted(sequence[r], values[r],
                                                                     "right"))


def test_searchsorted_takes_a_sorter_and_a_number() -> None:
    unsorted = tm.tensor([5, 1, 3])
    assert tm.searchsorted(unsorted, tm.tensor([2, 4]), sorter=tm.tensor([1, 2, 0])).tolist() == [
        1, 2]
    assert tm.searchsorted(tm.tensor([1, 3, 5]), 3, right=True).item() == 2


@given(values=hnp.arrays(np.int64, st.integers(0, 8), elements=st.integers(0, 6)),
       minlength=st.integers(0, 9), weighted=st.booleans())
def test_bincount_equals_numpys(values: np.ndarray, minlength: int, weighted: bool) -> None:
    weights = np.linspace(0.5, 2.0, len(values)) if weighted else None
    out = tm.bincount(tm.tensor(values), None if weights is None else tm.tensor(weights),
                      minlength)
    expected = np.bincount(values, weights, minlength)
    assert out.dtype == (np.float64 if weighted else np.int64)
    np.testing.assert_allclose(out.data, expected, rtol=1e-15)
    np.testing.assert_array_equal(tm.tensor(values).bincount(minlength=minlength).data,
                                  np.bincount(values, minlength=minlength))


def test_bincount_gives_float32_only_for_float32_weights_as_pytorch() -> None:
    x = tm.tensor([1, 1, 3])
    assert tm.bincount(x, tm.tensor([0.5, 1.0, 2.0], dtype=tm.float32)).dtype == np.float32
    assert tm.bincount(x, tm.tensor([1, 2, 3])).tolist() == [0.0, 3.0, 0.0, 3.0]
    assert tm.bincount(x, tm.tensor([1, 2, 3])).dtype == np.float64


def test_histc_counts_by_hand() -> None:
    assert tm.histc(tm.tensor([1.0, 2.0, 1.0]), bins=4, min=0, max=3).tolist() == [0, 2, 1, 0]
    assert tm.histc(tm.tensor([2.0, 2.0, 2.0]), bins=4).tolist() == [0, 0, 3, 0]  # [1, 3]
    assert tm.histc(tm.tensor([0.0, 1.0, 2.0, 3.0]), bins=3, min=0, max=3).tolist() == [1, 1, 2]
    counts = tm.tensor([1.0, np.nan, 7.0, -1.0]).histc(bins=2, min=0, max=2)
    assert counts.tolist() == [0, 1] and counts.dtype == np.float64  # outside and nan: left out
    assert tm.histc(tm.tensor([1.0], dtype=tm.float32)).dtype == np.float32


@given(values=arrays(shapes(1, 2), -3, 3), bins=st.integers(1, 6), density=st.booleans())
def test_histogram_equals_numpys(values: np.ndarray, bins: int, density: bool) -> None:
    hist, edges = tm.histogram(tm.tensor(values), bins, density=density)
    expected, expected_edges = np.histogram(values, bins, density=density)
    np.testing.assert_allclose(edges.data, expected_edges, rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(hist.data, expected, rtol=1e-12)
    if not density:  # histc bins the same way, by the formula rather than the edges
        np.testing.assert_array_equal(tm.histc(tm.tensor(values), bins).data, expected)


def test_histogram_takes_edges_weights_and_a_range() -> None:
    x = tm.tensor([1.0, 2.0, 1.0, 2.5, 4.0])
    hist, edges = tm.histogram(x, tm.tensor([0.0, 1.0, 2.0, 5.0]), weight=tm.tensor(
        [1.0, 2.0, 3.0, 4.0, 5.0]))
    assert hist.tolist() == [0.0, 4.0, 11.0] and edges.tolist() == [0.0, 1.0, 2.0, 5.0]
    hist, edges = x.histogram(3, range=(0.0, 3.0), density=True)
    assert hist.tolist() == [0.0, 0.5, 0.5] and edges.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert tm.histogram(tm.tensor([2.0, 2.0]), 2).bin_edges.tolist() == [1.5, 2.0, 2.5]


def test_results_are_constants_outside_the_graph() -> None:
    x = tm.tensor([0.5, 1.5, 1.7], requires_grad=True)
    for out in (tm.histc(x, 2), tm.histogram(x, 2).hist, tm.bucketize(x, tm.tensor([1.0])),
                tm.bincount(tm.tensor([0, 1, 1]), x)):
        assert not out.requires_grad and out.grad_fn is None


CALLS: dict[str, Callable[[Any], Any]] = {
    "bucketize": lambda lib: lib.bucketize(lib.tensor([[3, 6, 9], [0, 10, 5]]), lib.tensor(
        BOUNDARIES)),
    "bucketize_right": lambda lib: lib.bucketize(lib.tensor([3.0, 6.5]), lib.tensor(
        [1.0, 3.0, 6.5]), right=True, out_int32=True),
    "searchsorted_rows": lambda lib: lib.searchsorted(lib.tensor([[1, 3, 5], [2, 4, 6]]),
                                                      lib.tensor([[3, 6], [1, 9]]), side="right"),
    "searchsorted_sorter": lambda lib: lib.searchsorted(lib.tensor([5, 1, 3]), lib.tensor(
        [2, 4, 6]), sorter=lib.tensor([1, 2, 0])),
    "searchsorted_number": lambda lib: lib.searchsorted(lib.tensor(BOUNDARIES), 3, right=True),
    "bincount": lambda lib: lib.bincount(lib.tensor([1, 1, 3, 0]), minlength=6),
    "bincount_weights": lambda lib: lib.bincount(lib.tensor([1, 1, 3]), lib.tensor([0.5, 1.0, 2.0],
                                                                               dtype=lib.float32)),
    "bincount_empty": lambda lib: lib.bincount(lib.tensor(np.zeros(0, np.int64))),
    "histc": lambda lib: lib.histc(lib.tensor([1.0, 2.0, 1.0, 5.0, -1.0]), bins=7),
    "histc_float32": lambda lib: lib.histc(lib.tensor([0.1, 0.2, 0.3, 0.7], dtype=lib.float32),
                                           bins=5, min=0.1, max=0.7),
    "histc_range": lambda lib: lib.histc(lib.tensor([0.0, 1.0, 2.0, 3.0]), 3, 0, 3),
    "histogram": lambda lib: lib.histogram(lib.tensor([1.0, 2.0, 1.0, 2.5, 4.0]), 4),
    "histogram_float32": lambda lib: lib.histogram(lib.tensor([0.1, 0.25, 0.4, 0.7, 0.1],
                                                              dtype=lib.float32), 3),
    "histogram_density": lambda lib: lib.histogram(lib.tensor([1.0, 2.0, 1.0, 2.5, 4.0]),
                                                   lib.tensor([0.0, 1.0, 2.0, 5.0]), density=True),
    "histogram_empty": lambda lib: lib.histogram(lib.tensor(np.zeros(0)), 2),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_each_equals_pytorchs_in_value_shape_and_dtype(name: str, torch_float64: Any) -> None:
    ours, theirs = CALLS[name](tm), CALLS[name](torch_float64)
    for a, b in zip(ours if isinstance(ours, tuple) else (ours,),
                    theirs if isinstance(theirs, tuple) else (theirs,), strict=True):
        assert a.shape == tuple(b.shape) and a.dtype == b.numpy().dtype, name
        np.testing.assert_allclose(a.data, b.numpy(), rtol=1e-6 if "32" in name else 1e-14)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: tm.bucketize(tm.tensor([1]), tm.tensor([[1, 2]])), ValueError,
     r"^bucketize: boundaries must be 1-D, got shape \(1, 2\)"),
    (lambda: tm.bucketize([1], tm.tensor([1, 2])), TypeError,
     r"^bucketize: input must be a Tensor or a number, got list"),
    (lambda: tm.searchsorted(tm.tensor([1, 2]), tm.tensor([1]), side="middle"), ValueError,
     r"^searchsorted: side must be 'left' or 'right', got 'middle'"),
    (lambda: tm.searchsorted(tm.tensor([1, 2]), tm.tensor([1]), side="left", right=True),
     ValueError, r"^searchsorted: side='left' and right=True disagree"),
    (lambda: tm.searchsorted(tm.tensor([[1, 2], [3, 4]]), tm.tensor([[1, 2]])), ValueError,
     r"^searchsorted: an N-D sorted_sequence needs input with the same leading dims, got "
     r"shapes \(2, 2\) and \(1, 2\)"),
    (lambda: tm.searchsorted(tm.tensor(1), tm.tensor([1])), ValueError,
     r"^searchsorted: sorted_sequence must have at least 1 dim"),
    (lambda: tm.searchsorted(tm.tensor([1, 2]), tm.tensor([1]), sorter=tm.tensor([0, 5])),
     IndexError, r"^searchsorted: sorter values must be in \[0, 2\)"),
    (lambda: tm.bincount(tm.tensor([1, -1])), ValueError,
     r"^bincount: input must be 1-D and non-negative, got shape \(2,\) with negative values"),
    (lambda: tm.bincount(tm.tensor([1.0])), TypeError,
     r"^bincount: input must hold integers, got dtype float64"),
    (lambda: tm.bincount(tm.tensor([1, 2]), tm.ones(3)), ValueError,
     r"^bincount: weights must be 1-D with one weight per value, shape \(2,\), got \(3,\)"),
    (lambda: tm.bincount(tm.tensor([1]), minlength=-1), ValueError,
     r"^bincount: minlength must be an int >= 0, got -1"),
    (lambda: tm.histc(tm.tensor([1, 2])), TypeError,
     r"^histc: needs a floating point tensor, got dtype int64"),
    (lambda: tm.histc(tm.tensor([1.0]), bins=0), ValueError, r"^histc: bins must be a positive"),
    (lambda: tm.histc(tm.tensor([1.0]), 3, 3, 1), ValueError,
     r"^histc: min must not exceed max, got min 3.0 and max 1.0"),
    (lambda: tm.histc(tm.tensor([1.0, np.inf])), ValueError,
     r"^histc: range of \[1.0, inf\] is not finite"),
    (lambda: tm.histogram(tm.tensor([1.0]), tm.tensor([0, 2])), ValueError,
     r"^histogram: bin edges must be a 1-D tensor of the input's dtype float64, got int64"),
    (lambda: tm.histogram(tm.tensor([1.0]), tm.tensor([0.0, 3.0, 2.0])), ValueError,
     r"^histogram: bin edges must increase, got \[0.0, 3.0, 2.0\]"),
    (lambda: tm.histogram(tm.tensor([1.0]), 2, weight=tm.ones(2)), ValueError,
     r"^histogram: weight must have the input's shape \(1,\) and dtype float64, got \(2,\)"),
])
def test_bad_input_is_refused_naming_the_function_and_argument(
        call: Callable[[], Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_every_function_of_the_module_is_exported() -> None:
    public = {name for name, value in vars(binning).items() if not name.startswith("_")
              and callable(value) and getattr(value, "__module__", None) == binning.__name__
              and name not in ("BinningMethods", "Histogram")}
    assert public == {"bincount", "bucketize", "histc", "histogram", "searchsorted"}
    assert all(getattr(tm, name) is getattr(binning, name) for name in public)
    assert public <= set(tm.__all__)
