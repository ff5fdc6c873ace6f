"""hstack, vstack, dstack, column_stack, atleast_nd and cat's other names vs numpy and PyTorch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tests.strategies import arrays, leaf
from tinygrad_mlp import joining

JOINS = ["hstack", "vstack", "row_stack", "dstack", "column_stack"]
NUMPY = {"row_stack": "vstack"}  # numpy 2 dropped row_stack


@st.composite
def joinable(draw: st.DrawFn, name: str) -> list[np.ndarray]:
    """One to three arrays of 0 to 3 dims that ``name`` can join: differing only where it joins."""
    ndim = draw(st.integers(0, 3))
    base = list(draw(st.lists(st.integers(1, 3), min_size=ndim, max_size=ndim)))
    count = draw(st.integers(1, 3))
    if ndim == 0:
        return [draw(arrays(())) for _ in range(count)]
    padded = {"hstack": 1, "vstack": 2, "row_stack": 2, "dstack": 3, "column_stack": 2}[name]
    axis = {"hstack": 0 if ndim == 1 else 1, "vstack": 0, "row_stack": 0, "dstack": 2,
            "column_stack": 1}[name]
    if ndim == 1 and name in ("vstack", "row_stack", "dstack", "column_stack"):
        return [draw(arrays(tuple(base))) for _ in range(count)]  # made (1, n) or (n, 1)
    if ndim < padded or axis >= ndim:
        return [draw(arrays(tuple(base))) for _ in range(count)]
    parts = []
    for _ in range(count):
        shape = list(base)
        shape[axis] = draw(st.integers(1, 3))
        parts.append(draw(arrays(tuple(shape))))
    return parts


@pytest.mark.parametrize("name", JOINS)
@given(data=st.data())
def test_each_join_equals_numpys_and_passes_gradcheck(name: str, data: st.DataObject) -> None:
    values = data.draw(joinable(name))
    expected = getattr(np, NUMPY.get(name, name))(values)
    out = getattr(tm, name)([tm.tensor(v) for v in values])
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out.data, expected)
    inputs = tuple(leaf(v) for v in values)
    join = getattr(tm, name)
    assert tm.gradcheck(lambda *ts: join(list(ts)), inputs)
    assert tm.gradgradcheck(lambda *ts: join(list(ts)) ** 2, inputs)


@pytest.mark.parametrize("ndim", [1, 2, 3])
@given(data=st.data())
def test_atleast_nd_equals_numpys_for_one_or_several_tensors(ndim: int,
                                                             data: st.DataObject) -> None:
    shapes = data.draw(st.lists(st.lists(st.integers(1, 3), max_size=4).map(tuple),
                                min_size=2, max_size=3))
    values = [np.arange(float(np.prod(s))).reshape(s) for s in shapes]
    ours, theirs = getattr(tm, f"atleast_{ndim}d"), getattr(np, f"atleast_{ndim}d")
    single = ours(tm.tensor(values[0]))
    assert isinstance(single, tm.Tensor)
    np.testing.assert_array_equal(single.data, theirs(values[0]))
    assert single.shape == theirs(values[0]).shape
    several, listed = ours(*[tm.tensor(v) for v in values]), ours([tm.tensor(v) for v in values])
    assert isinstance(several, tuple) and isinstance(listed, tuple)
    for a, b, c in zip(several, listed, theirs(*values), strict=True):
        assert a.shape == b.shape == c.shape
        np.testing.assert_array_equal(a.data, c)


def test_atleast_nd_keeps_the_graph_and_returns_a_tensor_with_enough_dims_itself() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    assert tm.atleast_1d(x) is x
    (tm.atleast_3d(x) * tm.tensor([[[1.0], [3.0]]])).sum().backward()
    assert x.grad is not None and x.grad.tolist() == [1.0, 3.0]
    assert tm.atleast_3d(tm.ones(2, 3)).shape == (2, 3, 1)  # a matrix gains a last dim


def test_concat_and_concatenate_are_cat() -> None:
    assert tm.concat is tm.cat and tm.concatenate is tm.cat and tm.row_stack is tm.vstack


JOIN_CALLS: list[Callable[[Any], Any]] = [
    lambda lib: lib.hstack([lib.tensor(3.0), lib.tensor([1.0, 2.0])]),
    lambda lib: lib.hstack([lib.ones(2, 3), lib.zeros(2, 1)]),
    lambda lib: lib.vstack([lib.tensor(3.0), lib.tensor(4.0)]),
    lambda lib: lib.vstack([lib.arange(3.0), lib.ones(2, 3)]),
    lambda lib: lib.dstack([lib.arange(3.0), lib.arange(3.0)]),
    lambda lib: lib.dstack([lib.ones(2, 2), lib.ones(2, 2, 3)]),
    lambda lib: lib.column_stack([lib.tensor(1.0), lib.tensor(2.0)]),
    lambda lib: lib.column_stack([lib.arange(3.0), lib.ones(3, 2)]),
    lambda lib: lib.atleast_2d(lib.tensor(1.0), lib.arange(2.0)),
    lambda lib: lib.atleast_3d([lib.ones(2, 3)]),
    lambda lib: lib.concat([lib.ones(1, 2), lib.zeros(2, 2)]),
    lambda lib: lib.concatenate([lib.ones(2), lib.zeros(1)], 0),
]


@pytest.mark.parametrize("call", JOIN_CALLS)
def test_joins_equal_pytorchs_in_shape_and_value(call: Callable[[Any], Any],
                                                 torch_float64: Any) -> None:
    ours, theirs = call(tm), call(torch_float64)
    for a, b in zip(ours if isinstance(ours, tuple) else (ours,),
                    theirs if isinstance(theirs, tuple) else (theirs,)):
        assert a.shape == tuple(b.shape)
        np.testing.assert_array_equal(a.data, b.numpy())


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: tm.hstack([]), ValueError, r"^hstack: needs at least one tensor"),
    (lambda: tm.vstack(tm.ones(2)), TypeError, r"^vstack: tensors must be a sequence of Tensors"),
    (lambda: tm.dstack([tm.ones(2), np.ones(2)]), TypeError,
     r"^dstack: tensors\[1\] must be a Tensor, got ndarray"),
    (lambda: tm.hstack([tm.ones(2, 3), tm.ones(3, 1)]), ValueError,
     r"^hstack: the tensors must have the same shape but in dim 1, got \[\(2, 3\), \(3, 1\)\]"),
    (lambda: tm.column_stack([tm.ones(2), tm.ones(3)]), ValueError,
     r"^column_stack: .*\(2, 1\)"),
    (lambda: tm.atleast_2d(np.ones(2)), TypeError,
     r"^atleast_2d: tensors\[0\] must be a Tensor, got ndarray"),
])
def test_joins_refuse_bad_input_naming_themselves(call: Callable[[], Any], error: type[Exception],
                                                  message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_every_function_of_the_module_is_exported() -> None:
    public = {name for name, value in vars(joining).items() if not name.startswith("_")
              and callable(value) and name not in ("Tensor", "Sequence", "Any")}
    assert public == {"atleast_1d", "atleast_2d", "atleast_3d", "hstack", "vstack", "row_stack",
                      "dstack", "column_stack", "concat", "concatenate", "cat"}
    assert all(getattr(tm, name) is getattr(joining, name) for name in public)
    assert public <= set(tm.__all__)
