"""PyTorch's convenience methods (tinygrad_mlp/methods.py): values, gradients, errors.

Each method is a composition of the engine's ops, so the tests check that it
computes what PyTorch's method of the same name computes (against torch
itself when it is installed, else against numpy), that its gradients pass
finite differences, and that bad arguments name the method.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from decimal import Decimal, localcontext
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_mlp as tm
from tests.strategies import arrays, broadcast_pairs, broadcasting_to, leaf, shapes


def torch_or_skip() -> Any:
    return pytest.importorskip("torch")


def seeded(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


# -- arithmetic under method names ---------------------------------------------------


def test_arithmetic_methods_equal_the_operators_and_apply_alpha() -> None:
    a, b = leaf(seeded((2, 3))), leaf(seeded((3,), 1))
    cases = {
        "add": (a.add(b, alpha=2.5), a.data + 2.5 * b.data),
        "sub": (a.sub(b, alpha=-3), a.data + 3 * b.data),
        "mul": (a.mul(b), a.data * b.data),
        "div": (a.div(b), a.data / b.data),
        "pow": (a.abs().pow(1.5), np.abs(a.data) ** 1.5),
        "neg": (a.neg(), -a.data),
        "square": (a.square(), a.data ** 2),
        "reciprocal": (b.reciprocal(), 1 / b.data),
        "clip": (a.clip(-0.5, 0.25), np.clip(a.data, -0.5, 0.25)),
        "matmul": (a.matmul(b), a.data @ b.data),
    }
    for name, (got, want) in cases.items():
        np.testing.assert_allclose(got.data, want, rtol=1e-12, err_msg=name)
        assert got.grad_fn is not None, name


def test_alpha_scales_the_gradient_of_other() -> None:
    a, b = leaf(seeded((3,))), leaf(seeded((3,), 1))
    a.sub(b, alpha=4.0).sum().backward()
    np.testing.assert_array_equal(a.grad.data, np.ones(3))
    np.testing.assert_array_equal(b.grad.data, np.full(3, -4.0))


def test_alpha_must_be_a_number() -> None:
    with pytest.raises(TypeError, match="add: alpha"):
        tm.ones(2).add(tm.ones(2), alpha="2")
    with pytest.raises(TypeError, match="sub_: alpha must be a number, got None"):
        tm.ones(2).sub_(tm.ones(2), alpha=None)  # type: ignore[arg-type]


def test_alpha_keeps_integer_tensors_integer_and_a_float_alpha_is_refused_for_them() -> None:
    counts = tm.tensor([1, 2, 3])
    doubled = counts.add(counts, alpha=2)
    assert doubled.dtype == np.int64 and doubled.tolist() == [3, 6, 9]
    counts.sub_(tm.tensor([1, 1, 1]), alpha=2)
    assert counts.tolist() == [-1, 0, 1]
    with pytest.raises(TypeError, match="add_: alpha must be an int for integer tensors"):
        counts.add_(counts, alpha=0.5)
    assert counts.tolist() == [-1, 0, 1]


def test_reciprocal_of_ints_is_float_as_in_pytorch() -> None:
    got = tm.tensor([1, 2, 4]).reciprocal()
    assert got.dtype.kind == "f"
    np.testing.assert_array_equal(got.data, [1.0, 0.5, 0.25])


def test_mm_and_dot_take_only_matrices_and_vectors() -> None:
    m, v = tm.ones(2, 3), tm.ones(3)
    assert m.mm(tm.ones(3, 4)).shape == (2, 4)
    assert v.dot(tm.tensor([1.0, 2.0, 3.0])).item() == 6.0
    with pytest.raises(ValueError, match=r"mm: needs matrices \(n, k\) and \(k, m\), got "
                                         r"shapes \(2, 3\) and \(3,\)"):
        m.mm(v)
    with pytest.raises(ValueError, match=r"mm: .* shapes \(2, 3\) and \(2, 3\)"):
        m.mm(m)
    with pytest.raises(TypeError, match="mm: mat2 must be a Tensor"):
        m.mm(np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"dot: needs two 1-D tensors.*\(3,\) and \(2,\)"):
        v.dot(tm.ones(2))


# -- comparisons and tests -------------------------------------------------------------


def test_comparison_methods_give_the_operators_boolean_arrays() -> None:
    a, b = tm.tensor([1.0, 2.0, 3.0]), tm.tensor([3.0, 2.0, 1.0])
    for name, want in {"eq": a.data == b.data, "ne": a.data != b.data, "lt": a.data < b.data,
                       "le": a.data <= b.data, "gt": a.data > b.data,
                       "ge": a.data >= b.data}.items():
        got = getattr(a, name)(b)
        assert isinstance(got, np.ndarray) and got.dtype == np.bool_
        np.testing.assert_array_equal(got, want, err_msg=name)


def test_isnan_isinf_isfinite_all_and_any() -> None:
    x = tm.tensor([[1.0, np.nan], [np.inf, 0.0]])
    np.testing.assert_array_equal(x.isnan(), [[False, True], [False, False]])
    np.testing.assert_array_equal(x.isinf(), [[False, False], [True, False]])
    np.testing.assert_array_equal(x.isfinite(), [[True, False], [False, True]])
    assert not x.all() and x.any()
    assert x.all(dim=1).tolist() == [True, False]
    assert x.any(dim=0, keepdim=True).tolist() == [[True, True]]
    assert x.all(dim=1, keepdim=True).shape == (2, 1)
    assert tm.tensor([1.0, -np.inf]).isinf().tolist() == [False, True]
    assert x.is_floating_point() and not tm.tensor([1]).is_floating_point()


# -- selecting and filling -------------------------------------------------------------


def test_masked_fill_fills_where_the_mask_holds_and_routes_the_gradient() -> None:
    x = leaf(seeded((2, 3)))
    mask = np.array([True, False, True])
    out = x.masked_fill(mask, -1.0)
    np.testing.assert_array_equal(out.data, np.where(mask, -1.0, x.data))
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.broadcast_to(~mask, (2, 3)).astype(float))


def test_masked_fill_with_a_0d_tensor_value_gives_it_the_masked_gradient() -> None:
    x, value = leaf(seeded((2, 2))), tm.tensor(3.0, requires_grad=True)
    mask = tm.tensor([[True, False], [True, True]])
    x.masked_fill(mask, value).sum().backward()
    assert value.grad.item() == 3.0


def test_masked_fill_keeps_the_tensors_dtype_as_pytorch() -> None:
    mask = np.array([True, False, True])
    counts = tm.tensor([1, 2, 3]).masked_fill(mask, 2.5)
    assert counts.dtype == np.int64 and counts.tolist() == [2, 2, 2]
    assert tm.tensor([1, 2, 3], dtype=tm.int8).masked_fill(mask, 7).dtype == np.int8
    single = tm.ones(3, dtype=tm.float32, requires_grad=True)
    value = tm.tensor(5.0, requires_grad=True)
    filled = single.masked_fill(mask, value)
    assert filled.dtype == np.float32
    filled.sum().backward()
    assert value.grad.item() == 2.0 and value.grad.dtype == np.float64


def test_masked_fill_errors_name_the_mask_and_value() -> None:
    x = tm.ones(2, 3)
    with pytest.raises(TypeError, match="masked_fill: mask must be bool"):
        x.masked_fill(np.ones(3), 0.0)
    with pytest.raises(ValueError, match=r"masked_fill: mask of shape \(4, 2, 3\) does not"):
        x.masked_fill(np.ones((4, 2, 3), bool), 0.0)
    with pytest.raises(ValueError, match=r"masked_fill: value must be a number or a 0-d"):
        x.masked_fill(np.ones(3, bool), tm.ones(3))
    with pytest.raises(TypeError, match=r"masked_fill: value must be a number"):
        x.masked_fill(np.ones(3, bool), "a")


@given(st.data())
def test_gather_picks_along_dim_as_take_along_axis_and_passes_gradcheck(
        data: st.DataObject) -> None:
    shape = data.draw(shapes(min_dims=1, max_dims=3))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    axis = dim % len(shape)
    index_shape = tuple(data.draw(st.integers(1, 4)) if d == axis
                        else data.draw(st.integers(1, n)) for d, n in enumerate(shape))
    index = np.random.default_rng(data.draw(st.integers(0, 99))).integers(
        0, shape[axis], index_shape)
    x = leaf(data.draw(arrays(shape)))
    got = x.gather(dim, tm.tensor(index))
    sliced = x.data[tuple(slice(0, n) if d != axis else slice(None)
                          for d, n in enumerate(index_shape))]
    np.testing.assert_array_equal(got.data, np.take_along_axis(sliced, index, axis))
    assert tm.gradcheck(lambda t: t.gather(dim, index), (x,))


def test_gather_gradient_adds_up_repeated_indices() -> None:
    x = leaf(np.arange(3.0))
    x.gather(0, np.array([2, 2, 0, 2])).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 0.0, 3.0])


def test_gather_picks_the_class_column_as_in_a_hand_written_loss() -> None:
    log_probs = leaf(np.log(np.array([[0.2, 0.8], [0.6, 0.4]])))
    labels = tm.tensor([1, 0])
    picked = log_probs.gather(1, labels.unsqueeze(1)).squeeze(1)
    np.testing.assert_allclose(picked.data, np.log([0.8, 0.6]))


def test_gather_and_index_select_errors_name_the_index() -> None:
    x = tm.ones(2, 3)
    with pytest.raises(TypeError, match="gather: index must hold integers"):
        x.gather(1, np.ones((2, 1)))
    with pytest.raises(ValueError, match="gather: index must have 2 dims"):
        x.gather(1, np.zeros(2, int))
    with pytest.raises(IndexError, match=r"gather: index values must be in \[0, 3\)"):
        x.gather(1, np.array([[3], [0]]))
    with pytest.raises(IndexError, match=r"gather: index values must be in \[0, 3\)"):
        x.gather(1, np.array([[-1], [0]]))
    with pytest.raises(ValueError, match=r"gather: index of shape \(3, 1\) is larger"):
        x.gather(1, np.zeros((3, 1), int))
    with pytest.raises(IndexError, match=r"index_select: index values must be in \[0, 2\)"):
        x.index_select(0, np.array([0, 2]))
    with pytest.raises(ValueError, match="index_select: index must be 1-D"):
        x.index_select(0, np.zeros((1, 1), int))
    with pytest.raises(IndexError, match="index_select: a 0-d tensor takes one index, got 2"):
        tm.tensor(3.0).index_select(0, [0, 0])


def test_index_select_repeats_rows_and_adds_their_gradients() -> None:
    x = leaf(seeded((3, 2)))
    out = x.index_select(0, tm.tensor([2, 0, 2]))
    np.testing.assert_array_equal(out.data, x.data[[2, 0, 2]])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[1.0, 1.0], [0.0, 0.0], [2.0, 2.0]])


def test_flip_and_repeat_give_copies_that_leave_the_input_alone_as_pytorchs() -> None:
    x = tm.tensor([[1.0, 2.0, 3.0]])
    flipped, tiled, column = x.flip(1), x.repeat(4, 1), x.t().repeat(1, 2)
    flipped[0, 0] = 100.0
    tiled[0, 0] = -1.0  # writable: not a read-only broadcast of x
    x.add_(10.0)
    assert flipped.tolist() == [[100.0, 2.0, 1.0]]
    assert tiled.tolist()[1] == [1.0, 2.0, 3.0] and column.tolist()[0] == [1.0, 1.0]
    assert not any(np.shares_memory(x.data, t.data) for t in (flipped, tiled, column))


def test_flip_refuses_a_repeated_dim_and_takes_a_0d_tensor() -> None:
    with pytest.raises(ValueError, match=r"flip: dims \(0, 0\) name a dim more than once"):
        tm.ones(2).flip(0, 0)
    assert tm.tensor(1.5).flip(0).item() == 1.5


def test_narrow_takes_numpy_ints_and_0d_tensors() -> None:
    x = tm.arange(6.0).reshape(2, 3)
    assert x.narrow(1, np.int64(1), tm.tensor(2)).tolist() == [[1.0, 2.0], [4.0, 5.0]]
    with pytest.raises(TypeError, match="narrow: start and length must be ints"):
        x.narrow(1, 0.5, 1)


def test_narrow_and_flip_select_views_with_gradients() -> None:
    x = leaf(seeded((3, 4)))
    np.testing.assert_array_equal(x.narrow(1, -3, 2).data, x.data[:, 1:3])
    np.testing.assert_array_equal(x.flip(0, 1).data, x.data[::-1, ::-1])
    np.testing.assert_array_equal(x.flip([1]).data, x.data[:, ::-1])
    assert tm.gradcheck(lambda t: t.flip(1).narrow(0, 1, 2), (x,))
    with pytest.raises(IndexError, match="narrow: start 3 and length 2 do not fit in dim 0"):
        x.narrow(0, 3, 2)


@given(st.data())
def test_split_chunk_and_unbind_rebuild_the_tensor(data: st.DataObject) -> None:
    shape = data.draw(shapes(min_dims=1, max_dims=3, max_side=5))
    dim = data.draw(st.integers(0, len(shape) - 1))
    x = leaf(data.draw(arrays(shape)))
    size = data.draw(st.integers(1, 6))
    pieces = x.split(size, dim)
    assert all(p.shape[dim] == size for p in pieces[:-1]) and 0 < pieces[-1].shape[dim] <= size
    np.testing.assert_array_equal(tm.cat(list(pieces), dim).data, x.data)
    chunks = data.draw(st.integers(1, 6))
    parts = x.chunk(chunks, dim)
    assert len(parts) <= chunks
    np.testing.assert_array_equal(tm.cat(list(parts), dim).data, x.data)
    np.testing.assert_array_equal(tm.stack(list(x.unbind(dim)), dim).data, x.data)
    assert tm.gradcheck(lambda t: tm.cat(list(reversed(t.split(size, dim))), dim), (x,))


def test_split_takes_section_sizes_that_must_add_up() -> None:
    x = tm.arange(6.0)
    assert [p.tolist() for p in x.split([1, 0, 5])] == [[0.0], [], [1.0, 2.0, 3.0, 4.0, 5.0]]
    with pytest.raises(ValueError, match=r"split: sections \[2, 2\] must be non-negative and "
                                         r"add up to 6"):
        x.split([2, 2])
    with pytest.raises(ValueError, match="split: split_size must be positive"):
        x.split(0)
    with pytest.raises(ValueError, match="chunk: chunks must be a positive int"):
        x.chunk(0)


@given(st.data())
def test_repeat_tiles_as_numpy_tile_and_passes_gradcheck(data: st.DataObject) -> None:
    shape = data.draw(shapes(min_dims=0, max_dims=2, max_side=3))
    extra = data.draw(st.integers(0, 2))
    times = tuple(data.draw(st.integers(1, 3)) for _ in range(len(shape) + extra))
    x = leaf(data.draw(arrays(shape)))
    got = x.repeat(*times)
    np.testing.assert_array_equal(got.data, np.tile(x.data, times))
    assert tm.gradcheck(lambda t: t.repeat(times), (x,))


def test_repeat_needs_a_size_for_every_dim() -> None:
    with pytest.raises(ValueError, match=r"repeat: needs at least 2 non-negative sizes for a "
                                         r"tensor of shape \(2, 3\), got \(2,\)"):
        tm.ones(2, 3).repeat(2)


# -- shapes and dtypes like another tensor ---------------------------------------------


def test_contiguous_copies_only_a_strided_view_so_view_works_after_it() -> None:
    x = leaf(np.arange(6.0).reshape(2, 3))
    assert x.is_contiguous() and x.contiguous() is x
    transposed = x.t()
    assert not transposed.is_contiguous()
    with pytest.raises(RuntimeError, match="view: shape"):
        transposed.view(-1)
    flat = transposed.contiguous().view(-1)
    assert flat.tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    assert not np.shares_memory(flat.data, x.data)
    (flat * tm.arange(6.0)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0.0, 2.0, 4.0], [1.0, 3.0, 5.0]])


def test_t_transposes_matrices_and_leaves_vectors() -> None:
    m = tm.tensor([[1.0, 2.0, 3.0]])
    assert m.t().shape == (3, 1)
    assert tm.ones(3).t().shape == (3,)
    with pytest.raises(ValueError, match=r"t: needs at most 2 dims, got shape \(1, 2, 3\)"):
        tm.ones(1, 2, 3).t()


def test_like_methods_need_a_tensor_and_expand_as_is_a_view() -> None:
    x = tm.tensor([1.0, 2.0])
    assert np.shares_memory(x.expand_as(tm.ones(3, 2)).data, x.data)
    for name in ("expand_as", "reshape_as", "view_as", "type_as"):
        with pytest.raises(TypeError, match=f"^{name}: other must be a Tensor, got list"):
            getattr(x, name)([1.0, 2.0])


def test_like_methods_take_the_other_tensors_shape_or_dtype() -> None:
    x, other = tm.tensor([1.0, 2.0]), tm.ones(3, 2, dtype=tm.float32)
    assert x.dim() == 1
    assert x.expand_as(other).shape == (3, 2)
    assert tm.arange(6.0).reshape_as(other).shape == (3, 2)
    assert tm.arange(6.0).view_as(other).shape == (3, 2)
    assert x.type_as(other).dtype == np.float32


def test_a_0d_tensor_formats_as_its_value_as_in_pytorch() -> None:
    loss = tm.tensor(0.123456, requires_grad=True)
    assert f"{loss:.4f}" == "0.1235" and f"{loss:>8.2f}" == "    0.12"
    assert f"{tm.ones(2)}" == str(tm.ones(2))
    with pytest.raises(TypeError, match=r"format: the spec '\.3f' needs a 0-d tensor, got "
                                        r"shape \(1,\)"):
        f"{tm.ones(1):.3f}"


def test_device_is_the_cpu_and_cpu_is_the_tensor_itself() -> None:
    x = tm.ones(2)
    assert x.device == "cpu" and x.to(x.device) is x and x.cpu() is x


def test_dtype_shorthands_cast_without_a_gradient_to_integers() -> None:
    x = tm.tensor([1.7, -0.2, 0.0], requires_grad=True)
    assert x.long().dtype == np.int64 and x.int().dtype == np.int32
    assert x.half().dtype == np.float16 and x.half().requires_grad
    np.testing.assert_array_equal(x.bool().data, [True, True, False])
    assert not x.long().requires_grad


def test_new_tensors_take_this_dtype_unless_told() -> None:
    x = tm.ones(2, dtype=tm.float32)
    assert x.new_zeros(2, 3).dtype == np.float32 and x.new_zeros((2, 3)).shape == (2, 3)
    np.testing.assert_array_equal(x.new_ones(2).data, [1.0, 1.0])
    full = x.new_full((2,), 7, dtype=tm.float64, requires_grad=True)
    assert full.dtype == np.float64 and full.requires_grad and full.tolist() == [7.0, 7.0]
    copied = x.new_tensor([[1, 2]])
    assert copied.dtype == np.float32 and copied.shape == (1, 2)
    source = np.array([1.0, 2.0])
    assert not np.shares_memory(tm.ones(1).new_tensor(source).data, source)
    assert tm.tensor([1, 2]).new_zeros(2).dtype == np.int64
    assert x.new_ones(2, requires_grad=True).requires_grad
    with pytest.raises(ValueError, match=r"^new_full: fill_value -1 does not fit in uint8"):
        tm.tensor([1], dtype=tm.uint8).new_full((2,), -1)
    with pytest.raises(ValueError, match=r"^new_zeros: sizes must be non-negative"):
        x.new_zeros(-1)
    with pytest.raises(TypeError, match=r"^new_tensor: only floating point tensors can require"):
        tm.tensor([1]).new_tensor([1, 2], requires_grad=True)


# -- in place --------------------------------------------------------------------------


def test_in_place_methods_change_the_same_array_and_bump_the_version() -> None:
    x = tm.tensor([1.0, -2.0, 3.0])
    array, version = x.data, x._version
    assert x.add_(1.0) is x and x.tolist() == [2.0, -1.0, 4.0]
    x.sub_(tm.tensor([1.0, 1.0, 1.0]), alpha=2)
    assert x.tolist() == [0.0, -3.0, 2.0]
    x.mul_(2).div_(4)
    assert x.tolist() == [0.0, -1.5, 1.0]
    x.clamp_(min=-1.0)
    assert x.tolist() == [0.0, -1.0, 1.0]
    x.copy_(tm.tensor([5, 6, 7]))
    assert x.tolist() == [5.0, 6.0, 7.0]
    x.fill_(tm.tensor(2.5))
    assert x.tolist() == [2.5, 2.5, 2.5]
    x.zero_()
    assert x.tolist() == [0.0, 0.0, 0.0]
    assert x.data is array and x._version == version + 8


def test_zero_grad_by_hand_as_a_pytorch_loop_writes_it() -> None:
    w = tm.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    with tm.no_grad():
        w.sub_(w.grad, alpha=0.5)
    w.grad.zero_()
    assert w.tolist() == [0.0, 0.0] and w.grad.tolist() == [0.0, 0.0]


def test_in_place_methods_are_refused_while_recording_and_name_themselves() -> None:
    w = tm.ones(2, requires_grad=True)
    for name, call in {"zero_": lambda: w.zero_(), "fill_": lambda: w.fill_(1.0),
                       "copy_": lambda: w.copy_(tm.ones(2)), "add_": lambda: w.add_(1.0),
                       "mul_": lambda: w.mul_(2.0), "clamp_": lambda: w.clamp_(0.0)}.items():
        with pytest.raises(RuntimeError, match=f"{name}: cannot change a tensor in place"):
            call()
    assert w.tolist() == [1.0, 1.0] and w._version == 0


def test_copy_casts_and_broadcasts_but_refuses_a_larger_source_unchanged() -> None:
    x = tm.zeros(2, 3)
    x.copy_(np.array([1, 2, 3]))
    np.testing.assert_array_equal(x.data, [[1, 2, 3], [1, 2, 3]])
    with pytest.raises(ValueError, match=r"copy_: source of shape \(4, 2, 3\) does not"):
        x.copy_(tm.ones(4, 2, 3))
    np.testing.assert_array_equal(x.data, [[1, 2, 3], [1, 2, 3]])
    counts = tm.tensor([1, 2])
    counts.fill_(3.7)  # PyTorch's fill_ casts, truncating into an int tensor
    assert counts.tolist() == [3, 3]


def test_fill_and_clamp_refuse_what_the_dtype_cannot_hold_and_change_nothing() -> None:
    counts = tm.tensor([0, 1, 2])
    with pytest.raises(ValueError, match=r"^fill_: fill_value nan cannot be stored as int64"):
        counts.fill_(float("nan"))
    with pytest.raises(ValueError, match=r"^fill_: fill_value 300 does not fit in uint8"):
        tm.zeros(2, dtype=tm.uint8).fill_(300)
    with pytest.raises(TypeError, match=r"^clamp_: the bounds make a float64 result"):
        counts.clamp_(min=0.5)
    assert counts.tolist() == [0, 1, 2] and counts._version == 0
    assert tm.zeros(2).fill_(True).tolist() == [1.0, 1.0]


def test_fill_takes_a_number_or_a_0d_tensor() -> None:
    with pytest.raises(ValueError, match=r"fill_: value must be a number or a 0-d tensor"):
        tm.ones(2).fill_(tm.ones(2))
    with pytest.raises(TypeError, match="fill_: fill_value must be a number"):
        tm.ones(2).fill_("1")


# -- against PyTorch -------------------------------------------------------------------


def test_methods_equal_pytorchs_in_value_and_gradient() -> None:
    torch = torch_or_skip()
    values = seeded((3, 4))
    index = np.array([[0, 2], [1, 1], [3, 0]])
    mask = values > 0.3
    calls: dict[str, Any] = {
        "norm": lambda t: t.norm(),
        "norm1_dim": lambda t: t.norm(1, 1, True),
        "norm3": lambda t: t.norm(3, 0),
        "norm_inf": lambda t: t.norm(float("inf"), 1),
        "gather": lambda t: t.gather(1, index if isinstance(t, tm.Tensor)
                                     else torch.tensor(index)),
        "index_select": lambda t: t.index_select(
            1, np.array([3, 0, 3]) if isinstance(t, tm.Tensor) else torch.tensor([3, 0, 3])),
        "masked_fill": lambda t: t.masked_fill(
            mask if isinstance(t, tm.Tensor) else torch.tensor(mask), 2.0),
        "repeat": lambda t: t.repeat(2, 1, 3),
        "flip": lambda t: t.flip(0, 1),
        "narrow": lambda t: t.narrow(1, 1, 2),
        "square": lambda t: t.square(),
        "reciprocal": lambda t: t.reciprocal(),
        "add": lambda t: t.add(t * 2, alpha=0.5),
        "amax": lambda t: t.amax(1),
        "max_dim": lambda t: t.max(1).values,
        "min_dim_keepdim": lambda t: t.min(0, keepdim=True).values,
        "max_all": lambda t: t.max(),
        "t": lambda t: t.t(),
    }
    for name, call in calls.items():
        ours, theirs = leaf(values), torch.tensor(values, requires_grad=True)
        got, want = call(ours), call(theirs)
        np.testing.assert_allclose(got.data, want.detach().numpy(), rtol=1e-12, err_msg=name)
        seed = seeded(got.shape, 1)
        got.backward(seed)
        want.backward(torch.tensor(seed))
        np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-12,
                                   atol=1e-15, err_msg=name)
    for dim in (0, 1):
        ours_pair, theirs_pair = leaf(values).max(dim), torch.tensor(values).max(dim)
        np.testing.assert_array_equal(ours_pair.indices.data, theirs_pair.indices.numpy())
    x = seeded((7, 2))
    for ours_parts, theirs_parts in [
        (leaf(x).split(3), torch.tensor(x).split(3)),
        (leaf(x).split([2, 5]), torch.tensor(x).split([2, 5])),
        (leaf(x).chunk(3), torch.tensor(x).chunk(3)),
        (leaf(x).chunk(4, 1), torch.tensor(x).chunk(4, 1)),
        (leaf(x).unbind(1), torch.tensor(x).unbind(1)),
    ]:
        assert [p.shape for p in ours_parts] == [tuple(p.shape) for p in theirs_parts]
        for a, b in zip(ours_parts, theirs_parts):
            np.testing.assert_array_equal(a.data, b.numpy())


# == PyTorch 2.13's methods added: aliases, elementwise math, reductions, rearranging ======
#
# Each is checked three ways: its values against numpy's (always), its values and first and
# second derivatives against PyTorch's (when torch is installed), and its derivatives against
# finite differences over drawn shapes, dims and values (gradcheck and gradgradcheck).

RNG = np.random.default_rng(7)
X = RNG.standard_normal((3, 4))
Y = RNG.standard_normal((3, 4))
POSITIVE = RNG.uniform(0.2, 2.0, (3, 4))
PROBABILITY = RNG.uniform(0.05, 0.95, (3, 4))
WITH_NAN = np.where(RNG.random((3, 4)) < 0.3, np.nan, X)
WITH_NAN[2] = np.nan  # a row of nans only
SPECIAL = np.array([[np.nan, np.inf, -np.inf, 1.5], [0.0, -2.0, np.inf, 3.0]])
STEPS = np.array([[3.7, -3.7, 5.0, -0.4], [7.25, -7.25, 0.9, 2.6]])  # x / y away from integers
DIVISORS = np.array([[2.0, 2.0, -1.5, 0.3], [-2.0, 1.1, 0.4, -0.7]])


def lib_index(lib: Any, values: Any) -> Any:
    """An int64 tensor of ``values`` in ``lib`` (tm or torch)."""
    return lib.tensor(np.asarray(values, dtype=np.int64))


def lib_levels(lib: Any, values: Any) -> Any:
    """A float64 tensor of quantile levels in ``lib`` (PyTorch wants the input's dtype)."""
    return lib.tensor(np.asarray(values, dtype=np.float64))


# name -> (call(lib, *tensors) for lib = tm or torch, the float64 inputs). Inputs stay away
# from kinks and ties, where derivatives are one-sided.
TORCH_CASES: dict[str, tuple[Callable[..., Any], list[np.ndarray]]] = {
    "absolute": (lambda lib, x: x.absolute(), [X]),
    "negative": (lambda lib, x: x.negative(), [X]),
    "subtract": (lambda lib, x, y: x.subtract(y, alpha=0.5), [X, Y]),
    "multiply": (lambda lib, x, y: x.multiply(y[0]), [X, Y]),
    "divide": (lambda lib, x, y: x.divide(y), [X, POSITIVE]),
    "divide_trunc": (lambda lib, x, y: x.divide(y, rounding_mode="trunc") * x, [STEPS, DIVISORS]),
    "div_floor": (lambda lib, x, y: x.div(y, rounding_mode="floor") * y, [STEPS, DIVISORS]),
    "true_divide": (lambda lib, x, y: x.true_divide(y), [X, POSITIVE]),
    "remainder": (lambda lib, x, y: x.remainder(y) * x, [STEPS, DIVISORS]),
    "fmod": (lambda lib, x, y: x.fmod(y) * y, [STEPS, DIVISORS]),
    "remainder_number": (lambda lib, x: x.remainder(1.5), [STEPS]),
    "clamp_min": (lambda lib, x: x.clamp_min(0.1), [X]),
    "clamp_max": (lambda lib, x: x.clamp_max(-0.2), [X]),
    "rsqrt": (lambda lib, x: x.rsqrt(), [POSITIVE]),
    "exp2": (lambda lib, x: x.exp2(), [X]),
    "log2": (lambda lib, x: x.log2(), [POSITIVE]),
    "log10": (lambda lib, x: x.log10(), [POSITIVE]),
    "logaddexp": (lambda lib, x, y: x.logaddexp(y), [X * 30, Y]),
    "logaddexp_broadcast": (lambda lib, x, y: x.logaddexp(y[:1]), [X, Y]),
    "logaddexp2": (lambda lib, x, y: x.logaddexp2(y), [X * 30, Y]),
    "xlogy": (lambda lib, x, y: x.xlogy(y), [X, POSITIVE]),
    "logit": (lambda lib, x: x.logit(), [PROBABILITY]),
    "logit_eps": (lambda lib, x: x.logit(0.2), [PROBABILITY]),
    "lerp": (lambda lib, x, y, w: x.lerp(y, w), [X, Y, PROBABILITY * 2 - 0.5]),
    "lerp_number": (lambda lib, x, y: x.lerp(y, 0.7), [X, Y]),
    "addcmul": (lambda lib, x, a, b: x.addcmul(a, b, value=-0.5), [X, Y, POSITIVE]),
    "addcdiv": (lambda lib, x, a, b: x.addcdiv(a, b[:, :1], value=2), [X, Y, POSITIVE]),
    "nan_to_num": (lambda lib, x: x.nan_to_num(posinf=9.0, neginf=-9.0) * x.nan_to_num(
        nan=2.0, posinf=1.0, neginf=-1.0), [SPECIAL]),
    "nansum": (lambda lib, x: x.nansum(1, keepdim=True), [WITH_NAN]),
    "nansum_all": (lambda lib, x: x.nansum(), [WITH_NAN]),
    "nanmean": (lambda lib, x: x.nanmean(1), [WITH_NAN[:2]]),  # all-nan rows: tested below
    "nanmean_dims": (lambda lib, x: x.nanmean((0, 1), keepdim=True), [WITH_NAN]),
    "median": (lambda lib, x: x.median(), [X]),
    "median_ties": (lambda lib, x: x.median(), [np.array([[1.0, 2.0, 2.0], [3.0, 2.0, 0.0]])]),
    "median_dim": (lambda lib, x: x.median(1).values, [X]),
    "median_dim_keepdim": (lambda lib, x: x.median(-2, keepdim=True).values, [X]),
    "nanmedian": (lambda lib, x: x.nanmedian(), [WITH_NAN]),
    "nanmedian_dim": (lambda lib, x: x.nanmedian(1).values, [WITH_NAN[:2]]),  # as nanmean
    "quantile": (lambda lib, x: x.quantile(0.3), [X]),
    "quantile_dim_keepdim": (lambda lib, x: x.quantile(0.8, 0, keepdim=True), [X]),
    "quantile_levels": (lambda lib, x: x.quantile(lib_levels(lib, [0.0, 0.25, 0.5, 0.9, 1.0]), 1),
                        [X]),
    "quantile_lower": (lambda lib, x: x.quantile(lib_levels(lib, [0.3, 0.6]), 1,
                                                 interpolation="lower"), [X]),
    "quantile_higher": (lambda lib, x: x.quantile(0.3, 0, interpolation="higher"), [X]),
    "quantile_nearest": (lambda lib, x: x.quantile(lib_levels(lib, [0.5, 0.1]), 1,
                                                   interpolation="nearest"), [X]),
    "quantile_midpoint": (lambda lib, x: x.quantile(0.4, interpolation="midpoint",
                                                    keepdim=True), [X]),
    "nanquantile": (lambda lib, x: x.nanquantile(lib_levels(lib, [0.2, 0.7]), 1), [WITH_NAN]),
    "nanquantile_all": (lambda lib, x: x.nanquantile(0.6, interpolation="midpoint"), [WITH_NAN]),
    "aminmax_min": (lambda lib, x: x.aminmax(dim=1).min, [X]),
    "aminmax_max": (lambda lib, x: x.aminmax(keepdim=True).max, [X]),
    "swapaxes": (lambda lib, x: x.swapaxes(0, -1), [X]),
    "swapdims": (lambda lib, x: x.reshape(3, 2, 2).swapdims(2, 0), [X]),
    "movedim": (lambda lib, x: x.reshape(3, 2, 2).movedim((0, -1), (1, 0)), [X]),
    "moveaxis": (lambda lib, x: x.reshape(3, 2, 2).moveaxis(0, 2), [X]),
    "fliplr": (lambda lib, x: x.fliplr(), [X]),
    "flipud": (lambda lib, x: x.flipud(), [X]),
    "roll": (lambda lib, x: x.roll((1, -3), (0, 1)), [X]),
    "roll_flattened": (lambda lib, x: x.roll(5), [X]),
    "rot90": (lambda lib, x: x.rot90(), [X]),
    "rot90_twice": (lambda lib, x: x.rot90(2, (1, 0)), [X]),
    "rot90_back": (lambda lib, x: x.rot90(-1), [X]),
    "tile": (lambda lib, x: x.tile((2, 1, 2)), [X]),
    "repeat_interleave": (lambda lib, x: x.repeat_interleave(2), [X]),
    "repeat_interleave_counts": (lambda lib, x: x.repeat_interleave(lib_index(lib, [2, 0, 3]), 0),
                                 [X]),
    "tensor_split": (lambda lib, x: lib.cat([p * (i + 1) for i, p in enumerate(
        x.tensor_split(3, 1))], 1), [X]),
    "tensor_split_indices": (lambda lib, x: lib.cat([p * (i + 1) for i, p in enumerate(
        x.tensor_split([1, -1], 1))], 1), [X]),
    "unflatten": (lambda lib, x: x.unflatten(1, (2, -1)), [X]),
    "take_along_dim": (lambda lib, x: x.take_along_dim(lib_index(lib, [[0], [3], [3]]), 1), [X]),
    "take_along_dim_broadcast": (lambda lib, x: x.take_along_dim(
        lib_index(lib, [[0, 3, 3, 1, 0]]), 1), [X]),
    "take_along_dim_flat": (lambda lib, x: x.take_along_dim(lib_index(lib, [[11, 0], [0, 5]])),
                            [X]),
    "masked_select": (lambda lib, x: x.masked_select(lib.tensor(X[0] > 0)), [X]),
    "sum_to_size": (lambda lib, x: x.reshape(3, 1, 4).expand(3, 2, 4).sum_to_size(2, 1), [X]),
}


def derivatives(lib: Any, call: Callable[..., Any], arrays: list[np.ndarray]) -> list[Any]:
    """The value, the vector-Jacobian products and the gradients of Σ w · (those), as arrays."""
    def as_array(t: Any) -> np.ndarray:
        return t.data if isinstance(t, tm.Tensor) else t.detach().numpy(force=True)  # ZeroTensors

    grad = tm.grad if lib is tm else lib.autograd.grad
    inputs = [lib.tensor(a, requires_grad=True) for a in arrays]
    out = call(lib, *inputs)
    seed = np.random.default_rng(1).standard_normal(tuple(out.shape))
    firsts = grad([out], inputs, [lib.tensor(seed)], create_graph=True, allow_unused=True)
    firsts = [lib.zeros_like(x) if g is None else g for g, x in zip(firsts, inputs)]
    weights = [np.random.default_rng(2 + i).standard_normal(a.shape) for i, a in enumerate(arrays)]
    total = sum((g * lib.tensor(w)).sum() for g, w in zip(firsts, weights))
    seconds = [np.zeros(a.shape) for a in arrays]
    if total.requires_grad:  # else the first derivatives are constants: seconds are 0
        seconds = [np.zeros(a.shape) if g is None else as_array(g)
                   for g, a in zip(grad([total], inputs, allow_unused=True), arrays)]
    return [as_array(out), *[as_array(g) for g in firsts], *seconds]


@pytest.mark.parametrize("name", sorted(TORCH_CASES))
def test_added_methods_equal_pytorchs_in_value_and_first_and_second_derivatives(
        name: str) -> None:
    torch = torch_or_skip()
    call, arrays = TORCH_CASES[name]
    ours, theirs = derivatives(tm, call, arrays), derivatives(torch, call, arrays)
    assert ours[0].shape == theirs[0].shape, name
    for what, a, b in zip(["value"] + ["first"] * len(arrays) + ["second"] * len(arrays),
                          ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg=f"{name}: {what}")


# name -> (our result, numpy's)
NUMPY_CASES: dict[str, Callable[[], tuple[Any, Any]]] = {
    "rsqrt": lambda: (leaf(POSITIVE).rsqrt(), 1 / np.sqrt(POSITIVE)),
    "exp2": lambda: (leaf(X).exp2(), np.exp2(X)),
    "log2": lambda: (leaf(POSITIVE).log2(), np.log2(POSITIVE)),
    "log10": lambda: (leaf(POSITIVE).log10(), np.log10(POSITIVE)),
    "logaddexp": lambda: (leaf(X * 300).logaddexp(leaf(Y)), np.logaddexp(X * 300, Y)),
    "logaddexp2": lambda: (leaf(X).logaddexp2(leaf(Y * 900)), np.logaddexp2(X, Y * 900)),
    "xlogy": lambda: (leaf(X).xlogy(leaf(POSITIVE)), X * np.log(POSITIVE)),
    "logit": lambda: (leaf(PROBABILITY).logit(), np.log(PROBABILITY / (1 - PROBABILITY))),
    "lerp": lambda: (leaf(X).lerp(leaf(Y), 0.25), X + 0.25 * (Y - X)),
    "addcmul": lambda: (leaf(X).addcmul(leaf(Y), leaf(POSITIVE), value=3),
                        X + 3 * Y * POSITIVE),
    "addcdiv": lambda: (leaf(X).addcdiv(leaf(Y), leaf(POSITIVE)), X + Y / POSITIVE),
    "nan_to_num": lambda: (leaf(SPECIAL).nan_to_num(1.0, neginf=-5.0),
                           np.nan_to_num(SPECIAL, nan=1.0, neginf=-5.0)),
    "remainder": lambda: (leaf(STEPS * 1e6).remainder(leaf(DIVISORS)),
                          np.remainder(STEPS * 1e6, DIVISORS)),
    "fmod": lambda: (leaf(STEPS * 1e6).fmod(leaf(DIVISORS)), np.fmod(STEPS * 1e6, DIVISORS)),
    "floor_divide": lambda: (leaf(STEPS).floor_divide(leaf(DIVISORS)),
                             np.floor_divide(STEPS, DIVISORS)),
    "divide_trunc": lambda: (leaf(STEPS).divide(leaf(DIVISORS), rounding_mode="trunc"),
                             np.trunc(STEPS / DIVISORS)),
    "nansum": lambda: (leaf(WITH_NAN).nansum(0), np.nansum(WITH_NAN, 0)),
    "nanmean": lambda: (leaf(WITH_NAN[:2]).nanmean(1, True), np.nanmean(WITH_NAN[:2], 1, None,
                                                                        None, True)),
    "median": lambda: (leaf(X).median(), np.quantile(X, 0.5, method="lower")),
    "median_dim": lambda: (leaf(X).median(0).values, np.quantile(X, 0.5, 0, method="lower")),
    "nanmedian_dim": lambda: (leaf(WITH_NAN[:2]).nanmedian(1).values,
                              np.nanquantile(WITH_NAN[:2], 0.5, 1, method="lower")),
    "quantile": lambda: (leaf(X).quantile(leaf(np.array([0.1, 0.5, 0.95])), 1),
                         np.quantile(X, [0.1, 0.5, 0.95], 1)),
    "quantile_nearest": lambda: (leaf(X).quantile(0.7, 1, interpolation="nearest"),
                                 np.quantile(X, 0.7, 1, method="nearest")),
    "nanquantile": lambda: (leaf(WITH_NAN[:2]).nanquantile(0.4, 1, True),
                            np.nanquantile(WITH_NAN[:2], 0.4, 1, keepdims=True)),
    "aminmax": lambda: (tm.stack(list(leaf(X).aminmax(dim=0))), np.stack([X.min(0), X.max(0)])),
    "count_nonzero": lambda: (tm.tensor([[0, 1, 2], [0, 0, 3]]).count_nonzero(1), [2, 1]),
    "movedim": lambda: (leaf(X).reshape(3, 2, 2).movedim(0, -1),
                        np.moveaxis(X.reshape(3, 2, 2), 0, -1)),
    "roll": lambda: (leaf(X).roll((2, 1), (1, 0)), np.roll(X, (2, 1), (1, 0))),
    "rot90": lambda: (leaf(X).rot90(3), np.rot90(X, 3)),
    "tile": lambda: (leaf(X).tile(2, 1, 3), np.tile(X, (2, 1, 3))),
    "repeat_interleave": lambda: (leaf(X).repeat_interleave(tm.tensor([1, 0, 2, 1]), 1),
                                  np.repeat(X, [1, 0, 2, 1], 1)),
    "tensor_split": lambda: (tm.stack([p.sum() for p in leaf(X).tensor_split(3, 1)]),
                             [p.sum() for p in np.array_split(X, 3, 1)]),
    "take_along_dim": lambda: (leaf(X).take_along_dim(tm.tensor([[2, 0]] * 3), 1),
                               np.take_along_axis(X, np.array([[2, 0]] * 3), 1)),
    "masked_select": lambda: (leaf(X).masked_select(X > 0), X[X > 0]),
    "argwhere": lambda: (tm.tensor(X > 0.5).argwhere(), np.argwhere(X > 0.5)),
    "signbit": lambda: (tm.tensor(SPECIAL).signbit(), np.signbit(SPECIAL)),
    "heaviside": lambda: (tm.tensor(STEPS).heaviside(tm.tensor(0.5)), np.heaviside(STEPS, 0.5)),
}


@pytest.mark.parametrize("name", sorted(NUMPY_CASES))
def test_added_methods_give_numpys_values(name: str) -> None:
    ours, theirs = NUMPY_CASES[name]()
    got = ours.data if isinstance(ours, tm.Tensor) else ours
    assert np.shape(got) == np.shape(theirs), name
    np.testing.assert_allclose(got, theirs, rtol=1e-13, atol=1e-300, err_msg=name)


@pytest.mark.parametrize("name", ["rsqrt", "exp2", "log2", "log10", "logit", "logit_eps",
                                  "nan_to_num", "absolute", "clamp_min"])
@given(data=st.data())
def test_elementwise_added_methods_pass_gradcheck_and_gradgradcheck(
        name: str, data: st.DataObject) -> None:
    shape = data.draw(shapes(max_dims=3, max_side=3))
    low = 0.05 if name.startswith(("rsqrt", "log", "logit")) else -2.0
    values = data.draw(arrays(shape, low, 0.95 if name.startswith("logit") else 2.0))
    if name in ("absolute", "clamp_min", "logit_eps"):  # a kink at 0, at the bound, at eps
        kink = {"absolute": 0.0, "clamp_min": 0.5, "logit_eps": 0.2}[name]
        assume(np.all(np.abs(values - kink) > 1e-3) and np.all(np.abs(values - 0.8) > 1e-3))
    method = {"logit_eps": lambda t: t.logit(eps=0.2),
              "clamp_min": lambda t: t.clamp_min(0.5)}.get(name, lambda t: getattr(t, name)())
    assert tm.gradcheck(method, (leaf(values),))
    assert tm.gradgradcheck(method, (leaf(values),))


@pytest.mark.parametrize("name", ["logaddexp", "logaddexp2", "xlogy", "lerp", "addcmul",
                                  "addcdiv", "remainder", "fmod", "subtract", "divide"])
@given(data=st.data())
def test_binary_added_methods_pass_gradcheck_and_gradgradcheck(
        name: str, data: st.DataObject) -> None:
    first, second = data.draw(broadcast_pairs(max_side=3))
    x = data.draw(arrays(first, -3.0, 3.0))
    positive = name in ("xlogy", "addcdiv", "remainder", "fmod", "divide")
    y = data.draw(arrays(second, 0.3, 2.0)) if positive else data.draw(arrays(second, -3.0, 3.0))
    if name in ("remainder", "fmod"):  # q = x / y rounded is a step: stay off its jumps
        ratio = np.broadcast_to(x, np.broadcast_shapes(first, second)) / y
        assume(np.all(np.abs(ratio - np.round(ratio)) > 1e-3))
    weight = data.draw(arrays(second, -0.5, 1.5))
    method = {
        "lerp": lambda a, b: a.lerp(b, tm.tensor(weight)),
        "addcmul": lambda a, b: a.addcmul(b, a * a, value=0.5),
        "addcdiv": lambda a, b: a.addcdiv(a + 1.0, b, value=-2.0),
        "subtract": lambda a, b: a.subtract(b, alpha=3),
    }.get(name, lambda a, b: getattr(a, name)(b))
    assert tm.gradcheck(method, (leaf(x), leaf(y)))
    assert tm.gradgradcheck(method, (leaf(x), leaf(y)))


@pytest.mark.parametrize("name", ["roll", "rot90", "tile", "repeat_interleave", "tensor_split",
                                  "unflatten", "take_along_dim", "masked_select", "sum_to_size",
                                  "movedim"])
@given(data=st.data())
def test_added_rearranging_methods_pass_gradcheck_and_gradgradcheck(
        name: str, data: st.DataObject) -> None:
    shape = data.draw(shapes(min_dims=2, max_dims=3, max_side=3))
    ndim = len(shape)
    dim = data.draw(st.integers(-ndim, ndim - 1))
    other = data.draw(st.integers(-ndim, ndim - 1).filter(lambda d: d % ndim != dim % ndim))
    x = leaf(data.draw(arrays(shape)))
    size, axis = shape[dim], dim % ndim
    index = np.random.default_rng(data.draw(st.integers(0, 99))).integers(
        0, size, (*shape[:axis], data.draw(st.integers(1, 3)), *shape[axis + 1:]))
    mask = data.draw(hnp.arrays(np.bool_, shape[-1:]))
    shift, turns = data.draw(st.integers(-5, 5)), data.draw(st.integers(-4, 4))
    times = data.draw(st.lists(st.integers(1, 2), max_size=3))
    counts = tm.tensor(data.draw(st.lists(st.integers(0, 2), min_size=size, max_size=size)))
    sections = data.draw(st.integers(1, 4))
    methods: dict[str, Callable[[tm.Tensor], tm.Tensor]] = {
        "roll": lambda t: t.roll((shift, 1), (dim, other)),
        "rot90": lambda t: t.rot90(turns, (dim, other)),
        "tile": lambda t: t.tile(times),
        "repeat_interleave": lambda t: t.repeat_interleave(counts, dim),
        "tensor_split": lambda t: tm.cat([p * (i + 1) for i, p in enumerate(
            t.tensor_split(sections, dim))], dim),
        "unflatten": lambda t: t.unflatten(dim, (1, -1)),
        "take_along_dim": lambda t: t.take_along_dim(index, dim),
        "masked_select": lambda t: t.masked_select(mask),
        "sum_to_size": lambda t: t.sum_to_size(*shape[1:-1], 1),
        "movedim": lambda t: t.movedim((dim, other), (other, dim)),
    }
    assert tm.gradcheck(methods[name], (x,))
    assert tm.gradgradcheck(methods[name], (x,))


def test_log2_and_log10_are_exact_at_powers_as_numpys() -> None:
    assert tm.tensor([8.0, 1024.0, 2.0**-30]).log2().tolist() == [3.0, 10.0, -30.0]
    assert tm.tensor([1000.0, 1e-5, 1e22]).log10().tolist() == [3.0, -5.0, 22.0]
    x = tm.tensor(1000.0, requires_grad=True)
    x.log10().backward()
    assert x.grad is not None and np.isclose(x.grad.item(), 1 / (1000 * np.log(10)), rtol=1e-15)


def test_remainder_and_fmod_keep_all_digits_where_x_minus_q_y_would_lose_them() -> None:
    x, y = tm.tensor([1e10, -1e10, 1e300], requires_grad=True), tm.tensor([0.3, 0.3, 1e-300])
    np.testing.assert_array_equal(x.remainder(y).data, np.remainder(x.data, y.data))
    np.testing.assert_array_equal(x.fmod(y).data, np.fmod(x.data, y.data))
    x.remainder(y).sum().backward()
    assert x.grad is not None and x.grad.tolist()[:2] == [1.0, 1.0]


def test_remainder_follows_the_divisors_sign_and_fmod_the_dividends() -> None:
    x = tm.tensor([5.5, -5.5, 5.5, -5.5])
    y = tm.tensor([2.0, 2.0, -2.0, -2.0])
    assert x.remainder(y).tolist() == [1.5, 0.5, -0.5, -1.5]
    assert x.fmod(y).tolist() == [1.5, -1.5, 1.5, -1.5]
    assert tm.tensor([7, -7]).remainder(3).tolist() == [1, 2]
    assert tm.tensor([7, -7]).fmod(3).dtype == np.int64


def test_rounded_quotients_stay_in_the_graph_with_zero_gradient_as_pytorchs() -> None:
    x, y = tm.tensor([7.5, -7.5], requires_grad=True), tm.tensor([2.0, 2.0], requires_grad=True)
    for quotient, want in ((x.div(y, rounding_mode="floor"), [3.0, -4.0]),
                           (x.divide(y, rounding_mode="trunc"), [3.0, -3.0]),
                           (x.floor_divide(y), [3.0, -4.0])):
        assert quotient.requires_grad and quotient.tolist() == want
        gx, gy = tm.grad(quotient, [x, y], tm.tensor([np.inf, 1.0]))
        assert gx is not None and gy is not None
        assert gx.tolist() == [0.0, 0.0] and gy.tolist() == [0.0, 0.0]  # not inf · 0 = nan
    ints = tm.tensor([7, -7]).div(tm.tensor([2, 2]), rounding_mode="trunc")
    assert ints.dtype == np.int64 and ints.tolist() == [3, -3]
    assert tm.tensor([2**62 + 1]).div(1, rounding_mode="trunc").item() == 2**62 + 1


def test_xlogy_is_zero_where_x_is_zero_with_pytorchs_gradient_there() -> None:
    x = tm.tensor([0.0, 0.0, 0.0, 0.0, 2.0], requires_grad=True)
    y = tm.tensor([0.0, 2.0, -1.0, np.nan, 3.0], requires_grad=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = x.xlogy(y)
        gx, gy = tm.grad(out.sum(), [x, y])
    np.testing.assert_array_equal(out.data, [0.0, 0.0, 0.0, np.nan, 2 * np.log(3.0)])
    assert gx is not None and gy is not None
    np.testing.assert_array_equal(gx.data, [0.0, np.log(2.0), 0.0, np.nan, np.log(3.0)])
    np.testing.assert_array_equal(gy.data, [np.nan, 0.0, 0.0, np.nan, 2 / 3])


@pytest.mark.filterwarnings("error")
def test_xlogy_of_zero_and_zero_gives_a_nan_gradient_without_numpys_warning() -> None:
    x = tm.tensor([0.0, 0.0, 1.0], requires_grad=True)
    y = tm.tensor([0.0, 1.0, 2.0], requires_grad=True)
    out = x.xlogy(y)
    assert out.tolist() == [0.0, 0.0, math.log(2.0)]
    gx, gy = tm.grad(out.sum(), [x, y], create_graph=True)
    assert gx is not None and gy is not None
    np.testing.assert_array_equal(gy.data, [np.nan, 0.0, 0.5])
    np.testing.assert_array_equal(gx.data, [0.0, 0.0, math.log(2.0)])
    (second,) = tm.grad(gy[1:].sum(), [y])  # still twice differentiable where defined
    assert second is not None and second.data[2] == pytest.approx(-1 / 4)


def test_logaddexp_is_exact_for_tiny_results_and_finite_for_huge_inputs() -> None:
    x, y = tm.tensor([0.0, 1e308, -np.inf, 5.0], requires_grad=True), tm.tensor(
        [-40.0, 1e308, 3.0, 5.0], requires_grad=True)
    out = x.logaddexp(y)
    np.testing.assert_array_equal(out.data, np.logaddexp(x.data, y.data))
    gx, gy = tm.grad(out.sum(), [x, y])
    assert gx is not None and gy is not None
    np.testing.assert_allclose(gx.data, [1.0, 0.5, 0.0, 0.5], rtol=1e-15)
    np.testing.assert_allclose(gy.data, [np.exp(-40.0), 0.5, 1.0, 0.5], rtol=1e-14)
    with pytest.raises(TypeError, match=r"^logaddexp: needs a floating point tensor"):
        tm.tensor([1]).logaddexp(tm.tensor([2]))


# -- edges found in review: infinities, overflow, empty results, warnings, PyTorch's forms ---


def test_lerp_sends_weight_end_minus_self_even_where_that_is_infinite_as_pytorch() -> None:
    start = np.array([np.inf, 1.0, -np.inf, 1.0, 0.0, 2.0])
    end = np.array([1.0, np.inf, 1.0, -np.inf, 0.0, 3.0])
    weight = np.array([0.3, 0.7, 0.7, 0.3, 0.5, 1.0])
    x, y, w = leaf(start), leaf(end), leaf(weight)
    gx, gy, gw = tm.grad(x.lerp(y, w), [x, y, w], tm.ones(6))
    assert gx is not None and gy is not None and gw is not None
    np.testing.assert_array_equal(gw.data, [-np.inf, np.inf, np.inf, -np.inf, 0.0, 1.0])
    np.testing.assert_array_equal(gx.data, 1 - weight)
    np.testing.assert_array_equal(gy.data, weight)
    try:
        import torch
    except ImportError:
        return
    inputs = [torch.tensor(a, requires_grad=True) for a in (start, end, weight)]
    theirs = torch.autograd.grad(inputs[0].lerp(inputs[1], inputs[2]), inputs, torch.ones(6))
    for ours, want in zip((gx, gy, gw), theirs):
        np.testing.assert_array_equal(ours.data, want.numpy())


def test_lerp_takes_pytorchs_formula_from_the_end_for_weights_of_half_and_more() -> None:
    start, end = np.array([0.345584192064786, -1e17]), np.array([1.311159837081979, 3.0])
    for w in (0.5, -0.5, 1.0, 0.25):
        want = start + w * (end - start) if abs(w) < 0.5 else end - (end - start) * (1 - w)
        for weight in (w, tm.tensor([w, w])):
            np.testing.assert_array_equal(leaf(start).lerp(leaf(end), weight).data, want)
    assert leaf(start).lerp(leaf(end), 1.0).tolist() == end.tolist()  # exactly end at w = 1
    assert leaf(start).lerp(leaf(end), 0.5).data[0] == 0.8283720145733825  # PyTorch's, not ...26


def test_remainder_and_fmod_keep_the_gradient_where_the_quotient_overflows() -> None:
    for x, y, dtype in (([3e38, -3e38], [0.5, 0.7], np.float32),
                        ([1e300, -1e300], [1e-300, 1e-300], np.float64)):
        a = tm.tensor(np.array(x, dtype), requires_grad=True)
        b = tm.tensor(np.array(y, dtype), requires_grad=True)
        for method, exact in (("remainder", np.remainder), ("fmod", np.fmod)):
            out = getattr(a, method)(b)
            np.testing.assert_array_equal(out.data, exact(a.data, b.data))
            ga, gb = tm.grad(out, [a, b], tm.ones(2, dtype=dtype))
            assert ga is not None and gb is not None
            assert ga.tolist() == [1.0, 1.0]  # PyTorch's
            assert gb.tolist() == [0.0, 0.0]  # PyTorch's is ∓∞: the quotient's rounded value


def test_remainder_by_an_infinity_keeps_the_dividend_with_pytorchs_gradient() -> None:
    x = tm.tensor([5.0, -5.0, 5.0, -5.0], requires_grad=True)
    y = tm.tensor([np.inf, np.inf, -np.inf, -np.inf], requires_grad=True)
    out = x.remainder(y)
    assert out.tolist() == [5.0, np.inf, -np.inf, -5.0]  # numpy's and PyTorch's
    gx, gy = tm.grad(out, [x, y], tm.ones(4))
    assert gx is not None and gy is not None
    assert gx.tolist() == [1.0] * 4 and gy.tolist() == [0.0, 1.0, 1.0, 0.0]


def test_floor_division_is_numpys_exact_floor_not_the_floor_of_a_rounded_quotient() -> None:
    x, y = tm.tensor([1.0, -1.0]), tm.tensor([0.1, 0.1])  # 1 / 0.1 rounds to 10, but 0.1 > 1/10
    assert x.div(y, rounding_mode="floor").tolist() == [9.0, -10.0]  # as PyTorch's
    assert x.floor_divide(y).tolist() == [9.0, -10.0]


def test_integer_division_by_a_zero_that_reaches_no_element_gives_an_empty_tensor() -> None:
    empty, zero = tm.tensor(np.zeros(0, np.int64)), tm.tensor(0)
    for out in (empty.div(zero, rounding_mode="floor"), empty.divide(zero, rounding_mode="trunc"),
                empty.remainder(zero), empty.fmod(zero), empty.floor_divide(zero),
                zero.remainder(empty)):
        assert out.shape == (0,) and out.dtype == np.int64  # as PyTorch's
    with pytest.raises(ZeroDivisionError, match=r"^fmod: integer division by zero"):
        tm.tensor([[1], [2]]).fmod(tm.tensor([1, 0]))


def test_addcmul_and_addcdiv_refuse_a_float_value_only_for_an_integer_result() -> None:
    x, counts = tm.tensor([1.0, 2.0]), tm.tensor([2, 3])
    assert x.addcmul(counts, counts, value=0.5).tolist() == [3.0, 6.5]  # PyTorch's
    assert counts.addcmul(counts, x, value=0.5).tolist() == [3.0, 6.0]
    assert counts.addcmul(counts, counts, value=True).tolist() == [6, 12]  # True is 1
    assert x.addcdiv(x, counts, value=True).tolist() == [1.5, 2.0 + 2 / 3]
    with pytest.raises(TypeError, match=r"^addcmul: value must be an int for integer tensors"):
        counts.addcmul(counts, counts, value=0.5)  # PyTorch truncates 0.5 to 0


def test_logit_with_eps_above_a_half_clamps_in_pytorchs_order() -> None:
    values = np.array([0.0, 0.3, 0.5, 0.6, 0.7, 0.9, 1.0, -1.0, 2.0])
    for eps in (0.6, 0.7, 0.9, 1.0):
        x = leaf(values)
        with np.errstate(divide="ignore"):  # ln 0 at eps = 1
            out = x.logit(eps)
            gradient, = tm.grad(out, [x], tm.ones(len(values)))
        side = np.log(eps) - np.log1p(-eps) if eps < 1 else np.inf
        np.testing.assert_allclose(out.data, np.where(values < eps, side, -side), rtol=1e-15)
        assert gradient is not None and not gradient.data.any()  # clamped everywhere
    torch = torch_or_skip()
    for eps in (0.5, 0.6, 0.75, 0.9):
        theirs = torch.tensor(values).logit(eps).numpy()
        np.testing.assert_allclose(leaf(values).logit(eps).data, theirs, rtol=1e-15)


def test_logit_keeps_its_precision_near_a_half() -> None:
    values = [0.5 + 1e-10, 0.5 - 3e-9, 0.5 + 2.0**-30, 0.5 + 2.0**-52, 0.5001, 0.4999]
    got = tm.tensor(values).logit().tolist()
    for x, ours in zip(values, got):
        with localcontext() as context:
            context.prec = 50
            exact = float((Decimal(x) / (1 - Decimal(x))).ln())
        # ln x - ln(1 - x) errs by about 1e-16 absolutely; ln(x / (1 - x)) by 1e-9 relatively
        assert abs(ours - exact) <= 1e-12 * abs(exact), x


@pytest.mark.parametrize("call", [
    lambda: tm.tensor([1.0, -2.0, 0.0]).fmod(0.0),
    lambda: tm.tensor([1.0, 0.0]).remainder(tm.tensor([0.0, 0.0])),
    lambda: tm.tensor([np.inf, -np.inf, 1.0]).remainder(tm.tensor([1.0, np.inf, -np.inf])),
    lambda: tm.tensor([np.inf, 2.0, np.inf]).fmod(tm.tensor([2.0, np.inf, np.inf])),
    lambda: tm.tensor([np.inf, 1.0]).lerp(tm.tensor([1.0, -np.inf]), 1.0),
    lambda: tm.tensor([np.inf, 1.0]).lerp(tm.tensor([np.inf, -np.inf]), 0.3),
    lambda: tm.tensor([np.inf, 1.0]).lerp(tm.tensor([1.0, np.inf]), tm.tensor([0.3, 0.7])),
    lambda: tm.tensor([-np.inf, np.inf]).xlogy(tm.tensor([1.0, 1.0])),
    lambda: tm.tensor([1e4, 2000.0]).exp2(),
    lambda: tm.tensor([2000]).exp2(),
], ids=["fmod_by_0", "remainder_by_0", "remainder_of_inf", "fmod_of_inf", "lerp_inf",
        "lerp_inf_minus_inf", "lerp_inf_tensor_weight", "xlogy_inf_times_0", "exp2_overflow",
        "exp2_int_overflow"])
def test_added_methods_are_silent_where_pytorch_is(call: Callable[[], Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        call()


def test_log2_and_log10_warn_at_0_and_below_only_as_the_log_they_are_made_of_does() -> None:
    def messages(method: str) -> list[str]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            getattr(tm.tensor([0.0, -1.0]), method)()
        return [str(w.message) for w in caught]

    assert messages("log2") == messages("log10") == messages("log")  # the engine's, not numpy's
    with np.errstate(divide="ignore"):
        assert tm.tensor([0.0]).log2().tolist() == [-np.inf]


def test_an_empty_result_gives_a_broadcast_input_gradient_0_even_beside_a_nan() -> None:
    empty, with_nan = np.zeros((0, 1)), np.array([np.nan, 1.0, 2.0])
    calls: list[Callable[[tm.Tensor, tm.Tensor], tm.Tensor]] = [
        lambda e, n: e.xlogy(n), lambda e, n: e.addcmul(n, n), lambda e, n: e.addcdiv(n, n),
        lambda e, n: n.lerp(n, e)]
    for call in calls:
        e, n = leaf(empty), leaf(with_nan)
        out = call(e, n)
        assert out.shape == (0, 3)
        ge, gn = tm.grad(out.sum(), [e, n])
        assert ge is not None and gn is not None
        assert ge.shape == (0, 1) and gn.tolist() == [0.0, 0.0, 0.0]  # PyTorch's: a sum of none


def test_tensor_split_takes_pytorchs_keywords_and_refuses_indices_or_sections() -> None:
    def sizes(pieces: tuple[Any, ...]) -> list[int]:
        return [p.shape[0] for p in pieces]

    x = tm.tensor(np.arange(6.0))

    assert sizes(x.tensor_split(sections=4)) == [2, 2, 1, 1]
    assert sizes(x.tensor_split(indices=[1, 3])) == [1, 2, 3]
    assert sizes(x.tensor_split(tensor_indices_or_sections=tm.tensor([2]))) == [2, 4]
    assert sizes(x.tensor_split(sections=tm.tensor(3), dim=0)) == [2, 2, 2]
    with pytest.raises(TypeError, match="indices_or_sections"):
        x.tensor_split(indices_or_sections=2)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"^tensor_split: give the sections or the indices once"):
        x.tensor_split(2, sections=2)
    with pytest.raises(TypeError, match=r"^tensor_split: indices must be a list or tuple"):
        x.tensor_split(indices=2)  # type: ignore[arg-type]
    torch = torch_or_skip()
    t = torch.tensor(np.arange(6.0))
    assert sizes(t.tensor_split(sections=4)) == [2, 2, 1, 1]
    with pytest.raises(TypeError):
        t.tensor_split(indices_or_sections=2)


def test_methods_pytorch_refuses_on_bools_and_0d_tensors_are_refused_here_too() -> None:
    flags = tm.tensor([True, False])
    with pytest.raises(TypeError, match=r"^remainder: not defined for two bool tensors"):
        flags.remainder(flags)
    with pytest.raises(TypeError, match=r"^fmod: not defined for two bool tensors"):
        flags.fmod(tm.tensor([True]))
    assert flags.remainder(2).tolist() == [1, 0]  # a bool and an int are ints, as in PyTorch
    x = tm.tensor([1.0, 2.0])
    assert x.lerp(tm.tensor([3.0, 5.0]), True).tolist() == [3.0, 5.0]  # a bool is 0 or 1 there
    assert x.addcmul(x, x, value=False).tolist() == [1.0, 2.0]
    with pytest.raises(IndexError, match=r"^repeat_interleave: a 0-d tensor has no dim 0"):
        tm.tensor(2.0).repeat_interleave(2, 0)
    with pytest.raises(IndexError, match=r"^take_along_dim: a 0-d tensor has no dim 0"):
        tm.tensor(2.0).take_along_dim(tm.tensor(0), 0)


def test_roll_takes_0d_int_tensors_for_shifts_and_dims_as_pytorch() -> None:
    x = tm.tensor(np.arange(6.0).reshape(2, 3))
    assert x.roll(tm.tensor(1), 0).tolist() == [[3.0, 4.0, 5.0], [0.0, 1.0, 2.0]]
    assert x.roll(1, tm.tensor(1)).tolist() == [[2.0, 0.0, 1.0], [5.0, 3.0, 4.0]]
    assert x.roll(tm.tensor(-1)).tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 0.0]]
    with pytest.raises(TypeError, match=r"^roll: shifts must be ints"):
        x.roll(tm.tensor(1.0), 0)


def test_exp2_and_log2_are_exact_at_powers_of_2() -> None:
    powers = np.arange(-60.0, 61.0)
    assert tm.tensor(powers).exp2().tolist() == (2.0 ** powers).tolist()
    assert tm.tensor(2.0**-47).log2().item() == -47.0
    assert tm.tensor(2.0 ** powers).log2().tolist() == powers.tolist()


def test_take_along_dim_and_masked_select_broadcast_self_to_the_index() -> None:
    row = leaf(np.array([[1.0, 2.0, 3.0]]))
    out = row.take_along_dim(tm.tensor([[2], [0]]), 1)  # self of size 1 outside dim
    assert out.tolist() == [[3.0], [1.0]]
    out.sum().backward()
    assert row.grad is not None and row.grad.tolist() == [[1.0, 0.0, 1.0]]
    vector = leaf(np.array([1.0, 2.0, 3.0]))
    picked = vector.masked_select(np.array([[True, False, True], [False, True, True]]))
    assert picked.tolist() == [1.0, 3.0, 2.0, 3.0]  # a mask larger than self
    picked.sum().backward()
    assert vector.grad is not None and vector.grad.tolist() == [1.0, 1.0, 2.0]


def test_type_names_each_int_dtype_and_heaviside_keeps_the_float_dtype() -> None:
    names = {tm.int8: "Char", tm.uint8: "Byte", tm.int16: "Short", tm.int32: "Int",
             tm.float16: "Half"}
    for dtype, name in names.items():
        assert tm.zeros(1, dtype=dtype).type() == f"torch.{name}Tensor"  # PyTorch's names
    x = tm.tensor([-1.0, 0.0, 2.0], dtype=tm.float32)
    step = x.heaviside(tm.tensor([0.5], dtype=tm.float32))
    assert step.dtype == np.float32 and step.tolist() == [0.0, 0.5, 1.0]


def test_logaddexp_of_equal_infinities_and_xlogy_at_0_and_inf() -> None:
    x, y = leaf(np.array([np.inf, -np.inf])), leaf(np.array([np.inf, -np.inf]))
    out = x.logaddexp(y)
    assert out.tolist() == [np.inf, -np.inf]  # ∞ - ∞ is left out of the gap
    gx, gy = tm.grad(out, [x, y], tm.ones(2))
    assert gx is not None and gy is not None
    assert gx.tolist() == [1.0, 1.0] and gy.tolist() == [0.0, 0.0]  # to the first (PyTorch: nan)
    assert tm.tensor([np.inf]).logaddexp2(tm.tensor([np.inf])).tolist() == [np.inf]
    assert tm.tensor([0.0]).xlogy(tm.tensor([np.inf])).tolist() == [0.0]  # PyTorch's


def test_nan_to_num_replaces_with_the_dtypes_extremes_and_no_gradient() -> None:
    x = tm.tensor([np.nan, np.inf, -np.inf, 2.0], dtype=tm.float32, requires_grad=True)
    out = x.nan_to_num()
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.data, np.nan_to_num(x.data))
    out.sum().backward()
    assert x.grad is not None and x.grad.tolist() == [0.0, 0.0, 0.0, 1.0]
    counts = tm.tensor([1, 2])
    assert counts.nan_to_num().tolist() == [1, 2] and counts.nan_to_num() is not counts


def test_heaviside_signbit_nonzero_and_argwhere_give_constants() -> None:
    x = tm.tensor([-1.5, 0.0, 2.0, np.nan], requires_grad=True)
    step = x.heaviside(tm.tensor([0.5]))
    assert not step.requires_grad and step.tolist()[:3] == [0.0, 0.5, 1.0]
    assert step.tolist()[3] == 0.0  # nan > 0 is False, as in PyTorch
    assert tm.tensor([-0.0, 0.0, -3.0]).signbit().tolist() == [True, False, True]
    assert tm.tensor([-1, 0, 2]).signbit().tolist() == [True, False, False]
    grid = tm.tensor([[0.0, 1.0], [2.0, 0.0]])
    assert grid.nonzero().tolist() == [[0, 1], [1, 0]] and grid.argwhere().dtype == np.int64
    rows, columns = grid.nonzero(as_tuple=True)
    assert rows.tolist() == [0, 1] and columns.tolist() == [1, 0]
    assert tm.tensor(1.0).nonzero().shape == (1, 0) and tm.tensor(0.0).argwhere().shape == (0, 0)
    assert [t.tolist() for t in tm.tensor(1.0).nonzero(as_tuple=True)] == [[0]]


def test_rearranging_methods_copy_or_view_as_pytorchs() -> None:
    x = tm.tensor(np.arange(6.0).reshape(2, 3))
    assert np.shares_memory(x.swapaxes(0, 1).data, x.data)
    assert np.shares_memory(x.unflatten(1, (3, 1)).data, x.data)
    assert np.shares_memory(x.tensor_split(2, 1)[1].data, x.data)
    for copy in (x.roll(1), x.roll(0), x.rot90(4), x.tile(1), x.fliplr()):
        assert not np.shares_memory(copy.data, x.data)
    assert [p.tolist() for p in tm.arange(5).tensor_split([3, 1, -1, 7])] == [
        [0, 1, 2], [], [1, 2, 3], [4], []]
    assert [p.shape[0] for p in tm.arange(5).tensor_split(tm.tensor(7))] == [1] * 5 + [0] * 2
    assert x.sum_to_size(2, 3) is x
    assert tm.repeat_interleave(tm.tensor([2, 0, 1])).tolist() == [0, 0, 2]
    assert tm.tensor(5.0).repeat_interleave(3).tolist() == [5.0, 5.0, 5.0]


def test_type_names_pytorchs_type_and_converts_given_a_dtype() -> None:
    assert tm.ones(2).type() == "torch.DoubleTensor"
    assert tm.ones(2, dtype=tm.float32).type() == "torch.FloatTensor"
    assert tm.tensor([1]).type() == "torch.LongTensor" and tm.tensor([True]).type() == (
        "torch.BoolTensor")
    x = tm.ones(2, requires_grad=True)
    assert x.type(tm.float32).dtype == np.float32 and x.type(tm.float32).requires_grad
    assert x.type("torch.IntTensor").dtype == np.int32 and x.type(x.dtype) is x
    assert tm.ones(2, dtype=tm.float32).new_empty(3, 2).shape == (3, 2)
    assert tm.ones(2, dtype=tm.float32).new_empty((1,)).dtype == np.float32
    assert tm.ones(1).new_empty(2, dtype=tm.int8, requires_grad=False).dtype == np.int8


def test_aliases_are_the_methods_they_name() -> None:
    a, b = tm.tensor(X), tm.tensor(POSITIVE)
    pairs = [(a.absolute(), a.abs()), (a.negative(), a.neg()), (a.subtract(b, alpha=2),
             a.sub(b, alpha=2)), (a.multiply(b), a.mul(b)), (a.divide(b), a.div(b)),
             (a.true_divide(b), a / b), (a.clamp_min(0.0), a.clamp(min=0.0)),
             (a.clamp_max(0.0), a.clamp(max=0.0)), (a.swapaxes(0, 1), a.transpose(0, 1)),
             (a.swapdims(1, 0), a.t()), (a.moveaxis(0, 1), a.movedim(0, 1)),
             (a.fliplr(), a.flip(1)), (a.flipud(), a.flip(0))]
    for alias, original in pairs:
        np.testing.assert_array_equal(alias.data, original.data)
    for alias, original in (("greater", "gt"), ("greater_equal", "ge"), ("less", "lt"),
                            ("less_equal", "le"), ("not_equal", "ne")):
        np.testing.assert_array_equal(getattr(a, alias)(b), getattr(a, original)(b))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [(lambda: tm.ones(2).div(2, rounding_mode="round"), ValueError,
      r"^div: rounding_mode must be None, 'trunc' or 'floor', got 'round'"),
     (lambda: tm.tensor([3]).remainder(tm.tensor([0])), ZeroDivisionError,
      r"^remainder: integer division by zero"),
     (lambda: tm.tensor([3]).floor_divide(0), ZeroDivisionError,
      r"^floor_divide: integer division by zero"),
     (lambda: tm.ones(2).clamp_min(None), TypeError, r"^clamp_min: min must be a number, got None"),
     (lambda: tm.ones(2).clamp_max("1"), TypeError, r"^clamp_max: max must be a number"),
     (lambda: tm.ones(2).logaddexp2(tm.ones(3)), ValueError,
      r"^logaddexp2: shapes \(2,\) and \(3,\) cannot be broadcast together"),
     (lambda: tm.ones(2).logit("a"), TypeError, r"^logit: eps must be a number"),
     (lambda: tm.tensor([1]).lerp(tm.tensor([2]), 0.5), TypeError,
      r"^lerp: needs a floating point tensor, got dtype int64"),
     (lambda: tm.ones(2).lerp(3.0, 0.5), TypeError, r"^lerp: end must be a Tensor, got float"),
     (lambda: tm.ones(2).lerp(tm.ones(2), "w"), TypeError, r"^lerp: weight must be a number"),
     (lambda: tm.ones(2).addcmul([1.0], tm.ones(2)), TypeError,
      r"^addcmul: tensor1 must be a Tensor, got list"),
     (lambda: tm.tensor([1]).addcmul(tm.tensor([1]), tm.tensor([1]), value=0.5), TypeError,
      r"^addcmul: value must be an int for integer tensors"),
     (lambda: tm.ones(1).addcdiv(tm.tensor([1]), tm.tensor([2])), TypeError,
      r"^addcdiv: tensor1 and tensor2 are integers"),
     (lambda: tm.ones(2).nan_to_num(posinf="x"), TypeError,
      r"^nan_to_num: posinf must be a number"),
     (lambda: tm.ones(2).heaviside(0.5), TypeError, r"^heaviside: values must be a Tensor"),
     (lambda: tm.ones(2).heaviside(tm.ones(1, dtype=tm.float32)), TypeError,
      r"^heaviside: values must have the tensor's dtype float64, got float32"),
     (lambda: tm.ones(2).heaviside(tm.ones(3)), ValueError,
      r"^heaviside: shapes \(2,\) and \(3,\) cannot be broadcast"),
     (lambda: tm.ones(2).div(tm.ones(3), rounding_mode="trunc"), ValueError,
      r"^div: shapes \(2,\) and \(3,\) cannot be broadcast together"),
     (lambda: tm.ones(2).divide(tm.ones(3), rounding_mode="floor"), ValueError,
      r"^divide: shapes \(2,\) and \(3,\) cannot be broadcast together"),
     (lambda: tm.ones(2).floor_divide(tm.ones(3)), ValueError,
      r"^floor_divide: shapes \(2,\) and \(3,\) cannot be broadcast together"),
     (lambda: tm.ones(2).remainder(tm.ones(3)), ValueError,
      r"^remainder: shapes \(2,\) and \(3,\) cannot be broadcast together"),
     (lambda: tm.tensor([1, 2]).fmod(tm.tensor([1, 2, 3])), ValueError,
      r"^fmod: shapes \(2,\) and \(3,\) cannot be broadcast together"),
     (lambda: tm.ones(2).xlogy(tm.ones(3)), ValueError,
      r"^xlogy: shapes \(2,\) and \(3,\) cannot be broadcast together"),
     (lambda: tm.ones(2).greater(tm.ones(3)), ValueError,
      r"^greater: shapes \(2,\) and \(3,\) cannot be broadcast together"),
     (lambda: tm.ones(2).less_equal(np.ones(3)), ValueError,
      r"^less_equal: shapes \(2,\) and \(3,\) cannot be broadcast together"),
     (lambda: tm.ones(2).eq([1.0, 2.0, 3.0]), ValueError,
      r"^eq: shapes \(2,\) and \(3,\) cannot be broadcast together"),
     (lambda: tm.ones(2).lerp(tm.ones(3), 0.5), ValueError,
      r"^lerp: shapes \(2,\) and \(3,\) cannot be broadcast together"),
     (lambda: tm.ones(2).lerp(tm.ones(2), tm.ones(3)), ValueError,
      r"^lerp: shapes \(2,\), \(2,\) and \(3,\) cannot be broadcast together"),
     (lambda: tm.ones(2).addcmul(tm.ones(3), tm.ones(1)), ValueError,
      r"^addcmul: shapes \(2,\), \(3,\) and \(1,\) cannot be broadcast together"),
     (lambda: tm.ones(2).addcdiv(tm.ones(2), tm.ones(3)), ValueError,
      r"^addcdiv: shapes \(2,\), \(2,\) and \(3,\) cannot be broadcast together"),
     (lambda: tm.ones(2).lerp(tm.ones(2), [0.5]), TypeError, r"^lerp: weight must be a number"),
     (lambda: tm.ones(2, 3).nansum(5), IndexError, r"^nansum: dim 5 is out of range"),
     (lambda: tm.tensor([1, 2]).nanmean(), TypeError, r"^nanmean: needs a floating point"),
     (lambda: tm.ones(3).median(keepdim=True), TypeError, r"^median: keepdim needs a dim"),
     (lambda: tm.zeros(0, 3).median(0), ValueError,
      r"^median: dim 0 of shape \(0, 3\) is empty"),
     (lambda: tm.ones(2, 3).nanmedian(2), IndexError, r"^nanmedian: dim 2 is out of range"),
     (lambda: tm.tensor(np.zeros(0, np.int64)).median(), ValueError,
      r"^median: the tensor \(shape \(0,\)\) is empty"),
     (lambda: tm.ones(3).quantile(1.5), ValueError, r"^quantile: q must be in \[0, 1\], got 1.5"),
     (lambda: tm.ones(3).quantile(tm.ones(1, 1)), ValueError,
      r"^quantile: q must be a number or a 1-D tensor, got shape \(1, 1\)"),
     (lambda: tm.ones(3).quantile("a"), TypeError, r"^quantile: q has dtype <U1, not a number"),
     (lambda: tm.ones(3).quantile(0.5, interpolation="cubic"), ValueError,
      r"^quantile: interpolation must be one of linear, lower, higher, midpoint, nearest"),
     (lambda: tm.tensor([1, 2]).quantile(0.5), TypeError, r"^quantile: needs a floating point"),
     (lambda: tm.zeros(0).nanquantile(0.5), ValueError,
      r"^nanquantile: the tensor \(shape \(0,\)\) is empty"),
     (lambda: tm.zeros(0, 3).aminmax(dim=0), ValueError,
      r"^aminmax: the tensor \(shape \(0, 3\)\) is empty along the dim"),
     (lambda: tm.zeros(0).aminmax(), ValueError, r"^aminmax: the tensor \(shape \(0,\)\) is empty"),
     (lambda: tm.ones(2, 2).aminmax(dim=(0, 1)), TypeError,
      r"^aminmax: dim must be an int or None"),
     (lambda: tm.ones(2).count_nonzero(3), IndexError, r"^count_nonzero: dim 3 is out of range"),
     (lambda: tm.ones(2, 3).roll((1, 2)), ValueError,
      r"^roll: without dims, shifts must be one int"),
     (lambda: tm.ones(2, 3).roll((1, 2), 0), ValueError,
      r"^roll: shifts \(1, 2\) and dims \(0,\) must pair up"),
     (lambda: tm.ones(2, 3).roll(1.5, 0), TypeError, r"^roll: shifts must be ints"),
     (lambda: tm.ones(3).rot90(), ValueError, r"^rot90: needs at least 2 dims, got shape \(3,\)"),
     (lambda: tm.ones(3, 3).rot90(1, (0, 2)), IndexError, r"^rot90: dim 2 is out of range"),
     (lambda: tm.ones(2, 3).roll(1, 2), IndexError, r"^roll: dim 2 is out of range"),
     (lambda: tm.ones(2, 3).roll(1, 0.5), TypeError, r"^roll: dims must be ints"),
     (lambda: tm.ones(2, 3).swapdims(0, 2), IndexError, r"^swapdims: dim 2 is out of range"),
     (lambda: tm.ones(2, 3).repeat_interleave(2, -3), IndexError,
      r"^repeat_interleave: dim -3 is out of range"),
     (lambda: tm.ones(2, 3).tensor_split(2, 2), IndexError,
      r"^tensor_split: dim 2 is out of range"),
     (lambda: tm.ones(2, 3).unflatten(2, (1,)), IndexError, r"^unflatten: dim 2 is out of range"),
     (lambda: tm.ones(2, 3).take_along_dim(tm.zeros(2, 3, dtype=tm.int64), 2), IndexError,
      r"^take_along_dim: dim 2 is out of range"),
     (lambda: tm.ones(2, 3).take_along_dim(tm.zeros(2, 3, dtype=tm.int64), 1.0), TypeError,
      r"^take_along_dim: dim must be an int"),
     (lambda: tm.ones(3, 3).rot90(1, (0, -2)), ValueError,
      r"^rot90: dims must be two different dims, got \(0, -2\)"),
     (lambda: tm.ones(3, 3, 3).rot90(1, (0, 1, 2)), ValueError,
      r"^rot90: dims must name 2 dims, got \(0, 1, 2\)"),
     (lambda: tm.ones(3, 3).rot90(1.0), TypeError, r"^rot90: k must be an int, got 1.0"),
     (lambda: tm.ones(3).tile(-1), ValueError, r"^tile: dims must be non-negative, got \(-1,\)"),
     (lambda: tm.ones(2, 3).repeat_interleave(tm.ones(2), 0), TypeError,
      r"^repeat_interleave: repeats must be an int or hold ints, got dtype float64"),
     (lambda: tm.ones(2, 3).repeat_interleave(tm.tensor([1, 2, 3]), 0), ValueError,
      r"^repeat_interleave: repeats must be one int or one per entry along the dim \(2\), got "
      r"shape \(3,\)"),
     (lambda: tm.ones(2).repeat_interleave(-1), ValueError,
      r"^repeat_interleave: repeats must be non-negative, got -1"),
     (lambda: tm.ones(3).repeat_interleave(2, output_size=5), ValueError,
      r"^repeat_interleave: output_size is 5, but the repeats make 6"),
     (lambda: tm.ones(3).tensor_split(0), ValueError,
      r"^tensor_split: sections must be a positive int, got 0"),
     (lambda: tm.tensor(1.0).tensor_split(1), ValueError, r"^tensor_split: needs at least 1 dim"),
     (lambda: tm.ones(3).tensor_split(tm.tensor([1.0])), TypeError,
      r"^tensor_split: a tensor of indices or sections must be 0-d or 1-D ints"),
     (lambda: tm.ones(2, 5).unflatten(1, (2, 2)), ValueError,
      r"^unflatten: sizes \(2, 2\) don't multiply up to 5, the elements of shape \(5,\)"),
     (lambda: tm.ones(2, 5).unflatten(1, ()), ValueError, r"^unflatten: sizes must not be empty"),
     (lambda: tm.ones(2, 6).unflatten(1, (-1, -1)), ValueError,
      r"^unflatten: sizes must be non-negative, with at most one -1, got \(-1, -1\)"),
     (lambda: tm.ones(2, 3).take_along_dim(tm.tensor([0, 1]), 0), ValueError,
      r"^take_along_dim: indices must have as many dims as the tensor, got shapes \(2,\) and "
      r"\(2, 3\)"),
     (lambda: tm.ones(2, 3).take_along_dim(tm.ones(2, 1), 1), TypeError,
      r"^take_along_dim: indices must hold integers, got dtype float64"),
     (lambda: tm.ones(2, 3).take_along_dim(tm.tensor([[6]])), IndexError,
      r"^take_along_dim: indices values must be in \[0, 6\)"),
     (lambda: tm.ones(2, 3).take_along_dim(tm.zeros(3, 1, dtype=tm.int64), 1), ValueError,
      r"^take_along_dim: the tensor of shape \(2, 3\) and indices of shape \(3, 1\) do not "
      r"broadcast outside dim 1"),
     (lambda: tm.ones(2).masked_select(np.ones(2)), TypeError,
      r"^masked_select: mask must be bool, got dtype float64"),
     (lambda: tm.ones(2).masked_select(np.ones(3, bool)), ValueError,
      r"^masked_select: mask of shape \(3,\) and the tensor's shape \(2,\) cannot be broadcast"),
     (lambda: tm.ones(2, 3).sum_to_size(2), ValueError,
      r"^sum_to_size: size \(2,\) does not broadcast to the tensor's shape \(2, 3\)"),
     (lambda: tm.ones(2, 3).swapaxes(0, 2), IndexError, r"^swapaxes: axis 2 is out of range"),
     (lambda: tm.ones(2, 3).movedim((0, 0), (0, 1)), ValueError,
      r"^movedim: source \(0, 0\) repeats a dim"),
     (lambda: tm.ones(2, 3).moveaxis((0, 1), 0), ValueError,
      r"^moveaxis: source \(0, 1\) and destination \(0,\) must name as many dims"),
     (lambda: tm.ones(3).fliplr(), ValueError, r"^fliplr: needs at least 2 dims, got shape"),
     (lambda: tm.tensor(1.0).flipud(), ValueError, r"^flipud: needs at least 1 dim, got shape"),
     (lambda: tm.ones(2).type("torch.cuda.FloatTensor"), TypeError,
      r"^type: unknown type name 'torch.cuda.FloatTensor'"),
     (lambda: tm.ones(2).type("complex64"), TypeError, r"^type: unsupported dtype complex64"),
     (lambda: tm.ones(2).new_empty(-1), ValueError, r"^new_empty: sizes must be non-negative")],
)
def test_added_methods_refuse_bad_arguments_naming_the_method(
        call: Callable[[], Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


EMPTY, SCALAR = np.zeros((0, 3)), np.array(2.5)
# name -> call(lib, an empty (0, 3) tensor, a 0-d tensor) for lib = tm or torch
EDGE_CASES: dict[str, Callable[[Any, Any, Any], Any]] = {
    "nansum": lambda lib, e, s: e.nansum(0),
    "nanmean": lambda lib, e, s: e.nanmean(),
    "nanmean_0d": lambda lib, e, s: s.nanmean(),
    "median": lambda lib, e, s: e.median(1).values,
    "median_0d": lambda lib, e, s: s.median(),
    "nanmedian_0d": lambda lib, e, s: s.nanmedian(0).values,
    "quantile_0d": lambda lib, e, s: s.quantile(0.3),
    "nanquantile_0d": lambda lib, e, s: s.nanquantile(0.3, 0, keepdim=True),
    "aminmax": lambda lib, e, s: e.aminmax(dim=1).max,
    "count_nonzero": lambda lib, e, s: e.count_nonzero(),
    "count_nonzero_0d": lambda lib, e, s: s.count_nonzero(),
    "logaddexp": lambda lib, e, s: e.logaddexp(e),
    "remainder_0d": lambda lib, e, s: s.remainder(lib.tensor(np.array([2.0, -2.0]))),
    "xlogy_0d": lambda lib, e, s: s.xlogy(s),
    "lerp_0d": lambda lib, e, s: s.lerp(s * 2, 0.25),
    "nan_to_num": lambda lib, e, s: e.nan_to_num(),
    "roll": lambda lib, e, s: e.roll(2, 1),
    "tile": lambda lib, e, s: e.tile(2, 2),
    "tile_0d": lambda lib, e, s: s.tile(3),
    "repeat_interleave": lambda lib, e, s: e.repeat_interleave(2, 1),
    "repeat_interleave_flat": lambda lib, e, s: e.repeat_interleave(2),
    "tensor_split": lambda lib, e, s: e.tensor_split(2, 0)[1],
    "unflatten": lambda lib, e, s: e.unflatten(0, (0, 4)),
    "take_along_dim_0d": lambda lib, e, s: s.take_along_dim(lib.tensor([0, 0])),
    "masked_select": lambda lib, e, s: e.masked_select(lib.tensor([True, False, True])),
    "nonzero": lambda lib, e, s: e.nonzero(),
    "argwhere_0d": lambda lib, e, s: s.argwhere(),
    "sum_to_size": lambda lib, e, s: e.sum_to_size(1, 3),
    "movedim": lambda lib, e, s: e.movedim(0, 1),
    "flipud": lambda lib, e, s: e.flipud(),
}


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_added_methods_take_empty_and_0d_tensors_as_pytorchs(name: str) -> None:
    torch = torch_or_skip()
    call = EDGE_CASES[name]
    ours = call(tm, tm.tensor(EMPTY), tm.tensor(SCALAR))
    theirs = call(torch, torch.tensor(EMPTY), torch.tensor(SCALAR))
    assert ours.shape == tuple(theirs.shape) and ours.dtype == theirs.numpy().dtype, name
    np.testing.assert_array_equal(ours.data, theirs.numpy(), err_msg=name)


# -- logic, broadcast_to, hardshrink, resize_ and the random fills -----------------------

TRUTHS = np.array([[0.0, 1.5, -2.0, np.nan], [0.0, 0.0, 3.0, -0.0]])


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "uint8", "bool"])
@pytest.mark.parametrize("name", ["logical_and", "logical_or", "logical_xor"])
def test_logical_methods_give_numpys_truths_as_boolean_arrays_for_any_dtype(
        name: str, dtype: str) -> None:
    first = TRUTHS.astype(dtype) if dtype.startswith("float") else np.nan_to_num(TRUTHS).astype(
        dtype)
    second = np.array([1, 0, 2, 0])  # broadcast against both rows
    got = getattr(tm.tensor(first), name)(tm.tensor(second))
    assert isinstance(got, np.ndarray) and got.dtype == np.bool_
    np.testing.assert_array_equal(got, getattr(np, name)(first, second))
    np.testing.assert_array_equal(getattr(tm, name)(tm.tensor(first), second), got)
    np.testing.assert_array_equal(tm.tensor(first).logical_not(), np.logical_not(first))


def test_logical_methods_equal_pytorchs_for_mixed_dtypes_nan_0d_and_empty_tensors() -> None:
    torch = torch_or_skip()
    cases = [(TRUTHS, np.array([1, 0, 2, 0])), (np.array(0.0), np.array([True, False])),
             (np.zeros((0, 3)), np.ones(3, np.int64)), (np.array(np.nan), np.array(0.0))]
    for a, b in cases:
        for name in ("logical_and", "logical_or", "logical_xor"):
            ours = getattr(tm.tensor(a), name)(tm.tensor(b))
            theirs = getattr(torch.tensor(a), name)(torch.tensor(b)).numpy()
            assert ours.shape == theirs.shape and ours.dtype == theirs.dtype, name
            np.testing.assert_array_equal(ours, theirs, err_msg=name)
        np.testing.assert_array_equal(tm.tensor(a).logical_not(),
                                      torch.tensor(a).logical_not().numpy())


def test_logical_methods_in_place_keep_the_dtype_bump_the_version_and_match_pytorch() -> None:
    torch = torch_or_skip()
    for dtype in ("float32", "int64", "bool"):
        ours, theirs = tm.tensor(TRUTHS[1].astype(dtype)), torch.tensor(TRUTHS[1].astype(dtype))
        array = ours.data
        for name, other in (("logical_or_", [1, 0, 0, 0]), ("logical_xor_", [1, 1, 0, 0]),
                            ("logical_and_", [1, 1, 1, 0])):
            assert getattr(ours, name)(tm.tensor(other)) is ours
            getattr(theirs, name)(torch.tensor(other))
            np.testing.assert_array_equal(ours.data, theirs.numpy(), err_msg=name)
        ours.logical_not_()
        theirs.logical_not_()
        np.testing.assert_array_equal(ours.data, theirs.numpy())
        assert ours.data is array and ours.dtype == np.dtype(dtype) and ours._version == 4


def test_logical_methods_refuse_shapes_that_do_not_fit_naming_the_method() -> None:
    with pytest.raises(ValueError, match=r"^logical_xor: shapes \(2,\) and \(3,\) cannot be "):
        tm.ones(2).logical_xor(tm.ones(3))
    x = tm.ones(1)
    with pytest.raises(ValueError, match=r"^logical_and_: other of shape \(3,\) does not "
                                         r"broadcast to the tensor's shape \(1,\)"):
        x.logical_and_(tm.ones(3))
    with pytest.raises(TypeError, match=r"^logical_or: other has dtype <U1, not a number"):
        x.logical_or("a")
    w = tm.ones(2, requires_grad=True)
    for name, call in {"logical_and_": lambda: w.logical_and_(tm.ones(2)),
                       "logical_not_": lambda: w.logical_not_()}.items():
        with pytest.raises(RuntimeError, match=f"^{name}: cannot change a tensor in place"):
            call()
    assert x.tolist() == [1.0] and w.tolist() == [1.0, 1.0] and w._version == 0


def test_isclose_allclose_and_equal_methods_are_the_functions() -> None:
    a, b = tm.tensor([1.0, 2.0, np.nan]), tm.tensor([1.0, 2.0 + 1e-6, np.nan])
    for kwargs in ({}, {"equal_nan": True}, {"rtol": 0.0, "atol": 0.0}):
        np.testing.assert_array_equal(a.isclose(b, **kwargs), tm.isclose(a, b, **kwargs))
        assert a.allclose(b, **kwargs) is tm.allclose(a, b, **kwargs)
    assert a.equal(a) is tm.equal(a, a) is False  # nan equals nothing
    assert a[:2].equal(tm.tensor([1, 2])) is True
    with pytest.raises(ValueError, match=r"^isclose: rtol must be >= 0"):
        a.isclose(b, rtol=-1.0)
    with pytest.raises(TypeError, match=r"^allclose: other must be a Tensor"):
        a.allclose([1.0, 2.0, 3.0])


@given(st.data())
def test_broadcast_to_is_numpys_view_and_sums_the_gradient_back(data: st.DataObject) -> None:
    target = data.draw(shapes(max_dims=3, max_side=3))
    shape = data.draw(broadcasting_to(target))
    values = data.draw(arrays(shape))
    kept = (0,) * (len(target) - len(shape)) + shape  # -1 may stand where the size stays
    size = [-1 if n == kept[d] and data.draw(st.booleans()) else n for d, n in enumerate(target)]
    x = leaf(values)
    out = x.broadcast_to(size)
    np.testing.assert_array_equal(out.data, np.broadcast_to(values, target))
    assert np.shares_memory(out.data, x.data)
    np.testing.assert_array_equal(tm.broadcast_to(x, size).data, out.data)
    assert tm.gradcheck(lambda t: t.broadcast_to(size) * t.broadcast_to(size), (x,))
    assert tm.gradgradcheck(lambda t: t.broadcast_to(size) * t.broadcast_to(size), (x,))


@pytest.mark.parametrize(("size", "message"), [
    ((3,), r"a tensor of shape \(2,\) cannot be broadcast to \(3,\)"),
    ((2, 3), r"a tensor of shape \(2,\) cannot be broadcast to \(2, 3\)"),
    ((-1, 2), r".* cannot be broadcast to \(-1, 2\) \(-1 keeps a size, only in the tensor's"),
    ((), r"a tensor of shape \(2,\) cannot be broadcast to \(\)"),
    ((2, -2), r".* cannot be broadcast to \(2, -2\)")])
def test_broadcast_to_refuses_a_shape_naming_both(size: tuple[int, ...], message: str) -> None:
    with pytest.raises(ValueError, match=f"^broadcast_to: {message}"):
        tm.ones(2).broadcast_to(size)


@given(st.data())
def test_hardshrink_is_numpys_and_passes_gradcheck_and_gradgradcheck(data: st.DataObject) -> None:
    values = data.draw(arrays(data.draw(shapes(max_dims=3, max_side=3))))
    lambd = data.draw(st.sampled_from([0.5, 0.0, 1.25, -0.5]))
    assume(np.all(np.abs(np.abs(values) - abs(lambd)) > 1e-3))  # off the jumps at ±lambd
    x = leaf(values)
    want = np.where((values >= -lambd) & (values <= lambd), 0.0, values)
    np.testing.assert_array_equal(x.hardshrink(lambd).data, want)
    np.testing.assert_array_equal(tm.hardshrink(x, lambd).data, want)
    assert tm.gradcheck(lambda t: t.hardshrink(lambd) * t, (x,))
    assert tm.gradgradcheck(lambda t: t.hardshrink(lambd) * t, (x,))


def test_hardshrink_equals_pytorchs_at_its_ends_nan_and_in_float32() -> None:
    torch = torch_or_skip()
    values = np.array([0.5, -0.5, 0.7, -2.0, 0.0, np.nan, 0.49])
    for dtype in (np.float64, np.float32):
        x, y = tm.tensor(values.astype(dtype), requires_grad=True), torch.tensor(
            values.astype(dtype), requires_grad=True)
        ours, theirs = x.hardshrink(), y.hardshrink()
        assert ours.dtype == theirs.detach().numpy().dtype
        np.testing.assert_array_equal(ours.data, theirs.detach().numpy())
        ours.sum().backward()
        theirs.sum().backward()
        np.testing.assert_array_equal(x.grad.data, y.grad.numpy())
    with pytest.raises(TypeError, match=r"^hardshrink: needs a floating point tensor"):
        tm.tensor([1, 2]).hardshrink()
    with pytest.raises(TypeError, match=r"^hardshrink: lambd must be a number"):
        tm.ones(2).hardshrink("a")


def test_resize_keeps_the_memory_in_order_and_gets_old_values_back_as_pytorchs() -> None:
    torch = torch_or_skip()
    starts: list[tuple[Callable[[Any], Any], int]] = [
        (lambda lib: lib.arange(6.0), 0),
        (lambda lib: lib.arange(6.0).reshape(2, 3).t(), 0),  # in memory order
        (lambda lib: lib.arange(6.0)[2:], 2)]  # from where it starts in memory
    for start, offset in starts:
        ours, theirs = start(tm), start(torch)
        for size in [(2,), (2, 3), (3, 3), (0,), (4,)]:
            assert ours.resize_(size) is ours
            theirs.resize_(size)
            assert ours.shape == tuple(theirs.shape)
            known = min(ours.size, 6 - offset)  # past the memory PyTorch's are uninitialised
            np.testing.assert_array_equal(ours.data.reshape(-1)[:known],
                                          theirs.clone().numpy().reshape(-1)[:known])


def test_resize_counts_as_an_in_place_change_and_fills_new_elements_with_zeros() -> None:
    x = tm.tensor([1.0, 2.0, 3.0])
    view = x[1:]
    y = x * 1.0
    x.resize_(5)
    assert x._version == 1 == view._version
    assert x.tolist() == [1.0, 2.0, 3.0, 0.0, 0.0]
    x.resize_(1, 2)
    assert x.tolist() == [[1.0, 2.0]] and x.resize_([]).tolist() == 1.0
    assert y.tolist() == [1.0, 2.0, 3.0]


def test_resize_refuses_a_tensor_that_requires_grad_and_bad_sizes() -> None:
    w = tm.ones(2, requires_grad=True)
    for context in (tm.enable_grad, tm.no_grad):
        with context(), pytest.raises(RuntimeError, match=r"^resize_: cannot resize a tensor "
                                                          r"that requires grad"):
            w.resize_(3)
    assert w.shape == (2,) and w._version == 0
    with pytest.raises(ValueError, match=r"^resize_: sizes must be non-negative, got \(-1,\)"):
        tm.ones(2).resize_(-1)
    with pytest.raises(TypeError, match=r"^resize_: size is missing"):
        tm.ones(2).resize_()
    with pytest.raises(TypeError, match=r"^resize_: sizes must be ints"):
        tm.ones(2).resize_(1.5)


FILLS: dict[str, Callable[[tm.Tensor], tm.Tensor]] = {
    "uniform_": lambda t: t.uniform_(-2.0, 3.0),
    "normal_": lambda t: t.normal_(1.0, 2.0),
    "exponential_": lambda t: t.exponential_(4.0),
    "random_": lambda t: t.random_(-3, 5),
    "bernoulli_": lambda t: t.bernoulli_(0.25),
}


@pytest.mark.parametrize("name", sorted(FILLS))
def test_random_fills_are_reproducible_under_manual_seed_and_keep_the_array(name: str) -> None:
    draws = []
    for _ in range(2):
        tm.manual_seed(3)
        x = tm.zeros(4, 5, dtype=tm.float32)
        array = x.data
        assert FILLS[name](x) is x
        assert x.data is array and x.dtype == np.float32 and x.shape == (4, 5)
        assert x._version == 1
        draws.append(x.data.copy())
    np.testing.assert_array_equal(*draws)
    assert len(np.unique(draws[0])) > 1
    scalar = tm.tensor(0.0)  # a 0-d tensor is filled too, as in PyTorch
    assert FILLS[name](scalar) is scalar and scalar.shape == () and scalar._version == 1
    generator = np.random.default_rng(3)
    x = tm.zeros(4, 5, dtype=tm.float32)
    getattr(x, name)(generator=generator, **({"to": 5} if name == "random_" else {}))
    assert not np.array_equal(x.data, np.zeros((4, 5)))


def test_random_fills_have_the_moments_of_their_distributions() -> None:
    tm.manual_seed(0)
    n = 200_000
    cases = {
        "uniform": (tm.empty(n).uniform_(-2.0, 3.0), 0.5, 25 / 12),
        "normal": (tm.empty(n).normal_(1.0, 2.0), 1.0, 4.0),
        "exponential": (tm.empty(n).exponential_(4.0), 0.25, 1 / 16),
        "random": (tm.empty(n).random_(-3, 5), 0.5, (8 ** 2 - 1) / 12),
        "bernoulli": (tm.empty(n).bernoulli_(0.25), 0.25, 0.25 * 0.75),
        "bernoulli_out": (tm.full((n,), 0.25).bernoulli(), 0.25, 0.25 * 0.75),
    }
    for name, (x, mean, variance) in cases.items():
        spread = np.sqrt(variance / n)
        assert abs(x.data.mean() - mean) < 5 * spread, name
        assert abs(x.data.var() / variance - 1) < 0.05, name
    uniform, ints = cases["uniform"][0].data, cases["random"][0].data
    assert uniform.min() >= -2.0 and uniform.max() < 3.0
    assert set(np.unique(ints)) == set(range(-3, 5))
    assert set(np.unique(cases["bernoulli"][0].data)) == {0.0, 1.0}


def test_uniform_never_reaches_to_in_float16_and_random_covers_each_dtypes_range() -> None:
    tm.manual_seed(1)
    narrow = tm.empty(100_000, dtype=tm.float16).uniform_(1.0, 1.001)
    assert narrow.data.min() >= 1.0 and narrow.data.max() < np.float16(1.001)
    assert set(np.unique(tm.empty(1000, dtype=tm.bool_).random_().data)) == {False, True}
    small = tm.empty(100_000, dtype=tm.int8).random_()
    assert small.data.min() == 0 and small.data.max() == 127
    half = tm.empty(100_000, dtype=tm.float16).random_()
    assert half.data.max() <= 2048 and np.all(half.data == np.round(half.data))
    assert tm.empty(100, dtype=tm.uint8).random_(250, None).data.min() >= 250
    assert set(np.unique(tm.empty(1000).random_(3).data)) == {0.0, 1.0, 2.0}
    assert set(np.unique(tm.empty(1000).random_(to=2).data)) == {0.0, 1.0}
    assert tm.zeros(3).uniform_(2.0, 2.0).tolist() == [2.0, 2.0, 2.0]
    assert tm.zeros(3).normal_(5.0, 0.0).tolist() == [5.0, 5.0, 5.0]


def test_bernoulli_takes_a_tensor_of_probabilities_in_any_dtype() -> None:
    tm.manual_seed(0)
    chance = tm.tensor([0.0, 1.0, 1.0, 0.0])
    for dtype in (tm.int64, tm.bool_, tm.float32):
        x = tm.zeros(3, 4, dtype=dtype).bernoulli_(chance)
        assert x.dtype == np.dtype(dtype) and x.data.astype(int).tolist() == [[0, 1, 1, 0]] * 3
    p = tm.tensor([0.0, 1.0, 0.5], requires_grad=True)
    drawn = p.bernoulli()
    assert drawn.dtype == p.dtype and drawn.tolist()[:2] == [0.0, 1.0]
    (drawn * 3.0).sum().backward()  # a step of p: its gradient is 0, as PyTorch's
    assert p.grad.tolist() == [0.0, 0.0, 0.0]
    tm.manual_seed(5)
    first = tm.bernoulli(tm.full((50,), 0.5)).data
    tm.manual_seed(5)
    np.testing.assert_array_equal(tm.ones(50).bernoulli(0.5).data, first)


def test_random_fills_equal_pytorchs_in_dtype_shape_and_what_values_they_can_take() -> None:
    torch = torch_or_skip()
    for call in (lambda t: t.uniform_(0, 2), lambda t: t.normal_(), lambda t: t.exponential_(),
                 lambda t: t.random_(4), lambda t: t.bernoulli_(0.3), lambda t: t.bernoulli()):
        for dtype in ("float32", "float64"):
            ours = call(tm.full((3, 2), 0.5, dtype=dtype))
            theirs = call(torch.full((3, 2), 0.5, dtype=getattr(torch, dtype)))
            assert ours.shape == tuple(theirs.shape)
            assert ours.dtype == theirs.numpy().dtype


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: tm.ones(2).uniform_(2.0, 1.0), ValueError,
     r"^uniform_: from must be at most to, got from=2.0 > to=1.0"),
    (lambda: tm.ones(2).uniform_(-np.inf, 1.0), ValueError,
     r"^uniform_: from must be finite and fit in float64"),
    (lambda: tm.ones(2, dtype=tm.float16).uniform_(0.0, 7e4), ValueError,
     r"^uniform_: to must be finite and fit in float16"),
    (lambda: tm.tensor([1, 2]).uniform_(), TypeError,
     r"^uniform_: needs a floating point tensor, got dtype int64"),
    (lambda: tm.ones(2).uniform_("0"), TypeError, r"^uniform_: from must be a number"),
    (lambda: tm.ones(2).normal_(0.0, -1.0), ValueError, r"^normal_: std must be >= 0, got -1.0"),
    (lambda: tm.ones(2).normal_(0.0, np.nan), ValueError, r"^normal_: std must be >= 0, got nan"),
    (lambda: tm.tensor([1]).normal_(), TypeError, r"^normal_: needs a floating point tensor"),
    (lambda: tm.ones(2).exponential_(0.0), ValueError, r"^exponential_: lambd must be > 0"),
    (lambda: tm.ones(2).exponential_(-1), ValueError, r"^exponential_: lambd must be > 0"),
    (lambda: tm.ones(2).random_(3, 2), ValueError,
     r"^random_: from must be less than to, got from=3 and to=2"),
    (lambda: tm.ones(2).random_(0), ValueError, r"^random_: from must be less than to"),
    (lambda: tm.ones(2).random_(1.5), TypeError, r"^random_: to must be an int, got 1.5"),
    (lambda: tm.ones(2).random_(1, 2, 3), TypeError, r"^random_: takes \(\), \(to\) or"),
    (lambda: tm.zeros(2, dtype=tm.uint8).random_(300), ValueError,
     r"^random_: \[from, to\) = \[0, 300\) does not fit in uint8, which holds every integer "
     r"from 0 to 255"),
    (lambda: tm.zeros(2, dtype=tm.uint8).random_(-1, 3), ValueError,
     r"^random_: \[from, to\) = \[-1, 3\) does not fit in uint8"),
    (lambda: tm.zeros(2, dtype=tm.float16).random_(0, 5000), ValueError,
     r"^random_: \[from, to\) = \[0, 5000\) does not fit in float16, which holds every "
     r"integer from -2048 to 2048 exactly"),
    (lambda: tm.ones(2).bernoulli_(1.5), ValueError, r"^bernoulli_: p must be in \[0, 1\], "
                                                     r"got 1.5"),
    (lambda: tm.ones(2).bernoulli_(np.nan), ValueError, r"^bernoulli_: p must be in \[0, 1\]"),
    (lambda: tm.ones(2).bernoulli_(tm.tensor([0.5, -0.1])), ValueError,
     r"^bernoulli_: p must be in \[0, 1\], got \[0.5, -0.1\]"),
    (lambda: tm.ones(3).bernoulli_(tm.ones(2)), ValueError,
     r"^bernoulli_: p of shape \(2,\) does not broadcast to the tensor's shape \(3,\)"),
    (lambda: tm.ones(3).bernoulli_(tm.tensor([1, 0, 1])), TypeError,
     r"^bernoulli_: p must hold floats, got dtype int64"),
    (lambda: tm.tensor([0.5, 1.5]).bernoulli(), ValueError,
     r"^bernoulli: the probabilities \(the tensor\) must be in \[0, 1\], got \[0.5, 1.5\]"),
    (lambda: tm.tensor([0, 1]).bernoulli(), TypeError, r"^bernoulli: needs a floating point"),
    (lambda: tm.ones(2).bernoulli(2.0), ValueError, r"^bernoulli: p must be in \[0, 1\]"),
    (lambda: tm.ones(2).normal_(generator=0), TypeError,
     r"^normal_: generator must be a numpy.random.Generator or None, got int"),
])
def test_random_fills_refuse_bad_parameters_naming_them_and_change_nothing(
        call: Callable[[], Any], error: type[Exception], message: str) -> None:
    state = tm.random.default_generator().bit_generator.state
    with pytest.raises(error, match=message):
        call()
    assert tm.random.default_generator().bit_generator.state == state  # nothing was drawn


def test_random_fills_are_refused_while_recording_a_graph_and_run_under_no_grad() -> None:
    w = tm.zeros(3, requires_grad=True)
    for name, call in FILLS.items():
        with pytest.raises(RuntimeError, match=f"^{name}: cannot change a tensor in place"):
            call(w)
    assert w.tolist() == [0.0, 0.0, 0.0] and w._version == 0
    with tm.no_grad():
        for call in FILLS.values():
            call(w)
    assert w._version == len(FILLS)


def test_a_fill_refused_while_recording_draws_nothing_from_the_generator() -> None:
    w = tm.zeros(3, requires_grad=True)
    for name, call in FILLS.items():
        tm.manual_seed(7)
        expected = call(tm.zeros(3)).tolist()
        tm.manual_seed(7)
        with pytest.raises(RuntimeError, match=f"^{name}: cannot change a tensor in place"):
            call(w)
        assert call(tm.zeros(3)).tolist() == expected, name  # the same draw: none was taken
    tm.manual_seed(7)
    expected = tm.zeros(3).bernoulli_(0.5).tolist()
    tm.manual_seed(7)
    with pytest.raises(RuntimeError, match=r"^bernoulli_: "):  # p itself is being recorded
        tm.zeros(3).bernoulli_(tm.full((3,), 0.5, requires_grad=True) * 1.0)
    assert tm.zeros(3).bernoulli_(0.5).tolist() == expected


def test_bernoulli_with_p_takes_any_dtype_and_keeps_it_as_pytorch() -> None:
    tm.manual_seed(0)
    for dtype in (tm.int64, tm.uint8, tm.bool_):
        drawn = tm.tensor([5, 7, 9, 11]).to(dtype).bernoulli(0.5)
        assert drawn.dtype == np.dtype(dtype)
        assert set(drawn.data.astype(int).tolist()) <= {0, 1}
    assert tm.ones(1000, dtype=tm.int32).bernoulli(1.0).data.tolist() == [1] * 1000
    torch = torch_or_skip()
    for name in ("int64", "uint8", "bool"):
        theirs = torch.tensor([5, 7]).to(getattr(torch, name)).bernoulli(0.5)
        assert theirs.numpy().dtype == np.dtype(name)


# name -> (call(lib, *tensors) for lib = tm or torch, the float64 inputs), as TORCH_CASES
SHAPE_AND_SHRINK_CASES: dict[str, tuple[Callable[..., Any], list[np.ndarray]]] = {
    "broadcast_to": (lambda lib, x: x[:, :1].broadcast_to((2, 3, 4)) * x, [X]),
    "broadcast_to_keep": (lambda lib, x: x.broadcast_to((2, -1, 4)).exp(), [X]),
    "hardshrink": (lambda lib, x: x.hardshrink(0.3) * x, [X]),
    "hardshrink_negative_lambd": (lambda lib, x: x.hardshrink(-1.0).sin(), [X]),
}


@pytest.mark.parametrize("name", sorted(SHAPE_AND_SHRINK_CASES))
def test_broadcast_to_and_hardshrink_equal_pytorchs_first_and_second_derivatives(
        name: str) -> None:
    torch = torch_or_skip()
    call, inputs = SHAPE_AND_SHRINK_CASES[name]
    for a, b in zip(derivatives(tm, call, inputs), derivatives(torch, call, inputs)):
        assert a.shape == b.shape, name
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg=name)


# -- angle: the argument of a real number ---------------------------------------------------


def test_angle_is_pi_below_zero_zero_elsewhere_and_keeps_nan() -> None:
    x = tm.tensor([-2.0, -0.0, 0.0, 3.0, math.nan, -math.inf, math.inf], requires_grad=True)
    y = x.angle()
    np.testing.assert_array_equal(y.data, [math.pi, 0, 0, 0, math.nan, math.pi, 0])
    y.sum().backward()  # a step function: exactly 0, also at NaN and the infinities
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.data, np.zeros(7))
    assert tm.tensor([-1, 2]).angle().dtype == tm.get_default_dtype()
    assert tm.tensor([True]).angle().dtype == tm.get_default_dtype()
    assert tm.tensor([-1.0], dtype=tm.float32).angle().dtype == np.float32


def test_angle_equals_pytorchs_values_and_gradient() -> None:
    torch = pytest.importorskip("torch")
    values = np.array([-2.0, -0.0, 0.0, 3.0, np.nan, -np.inf])
    x, t = tm.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    np.testing.assert_array_equal(x.angle().data, torch.angle(t).detach().numpy())
    x.angle().sum().backward()
    torch.angle(t).sum().backward()
    assert x.grad is not None and t.grad is not None
    np.testing.assert_array_equal(x.grad.data, t.grad.numpy())


# -- hypot, copysign and float_power ------------------------------------------------------


@given(data=st.data())
def test_hypot_and_copysign_equal_numpys_over_broadcast_shapes_and_pass_gradcheck(
        data: st.DataObject) -> None:
    first, second = data.draw(broadcast_pairs(max_side=3))
    a, b = (np.where(data.draw(hnp.arrays(np.bool_, shape)), -1, 1) * data.draw(arrays(
        shape, 0.1, 2.0)) for shape in (first, second))  # away from copysign's jumps at 0
    x, y = leaf(a), leaf(b)
    np.testing.assert_allclose(x.hypot(y).data, np.hypot(a, b), rtol=1e-15)
    np.testing.assert_array_equal(x.copysign(y).data, np.copysign(a, b))
    assert tm.gradcheck(lambda s, t: s.hypot(t), (x, y))
    assert tm.gradgradcheck(lambda s, t: s.hypot(t), (x, y))
    assert tm.gradcheck(lambda s, t: s.copysign(t), (x, y))
    assert tm.gradgradcheck(lambda s, t: s.copysign(t), (x, y))


def test_hypot_does_not_overflow_and_its_gradient_is_x_over_hypot() -> None:
    x, y = leaf(np.array([3e200, 3e-200, 0.0])), leaf(np.array([4e200, 4e-200, 0.0]))
    out = x.hypot(y)
    np.testing.assert_array_equal(out.data, np.hypot(x.data, y.data))
    np.testing.assert_allclose(out.data, [5e200, 5e-200, 0.0], rtol=1e-15)
    out.sum().backward()
    assert x.grad is not None and y.grad is not None
    np.testing.assert_allclose(x.grad.data, [0.6, 0.6, 0.0], rtol=1e-15)  # 0 at the origin
    np.testing.assert_allclose(y.grad.data, [0.8, 0.8, 0.0], rtol=1e-15)
    with pytest.raises(TypeError, match=r"^hypot: needs a floating point tensor, got dtype int64"):
        tm.tensor([3]).hypot(tm.tensor([4]))


SIGNED = [0.0, -0.0, 2.0, -2.0, 3.0, 0.0, -0.0, 1.5, np.inf]
SIGNS = [0.0, 0.0, -0.0, -1.0, 1.0, -1.0, -0.0, np.inf, -1.0]


def test_copysign_keeps_the_sign_of_zero_and_its_gradient_is_pytorchs() -> None:
    x, y = leaf(np.array(SIGNED)), leaf(np.array(SIGNS))
    out = x.copysign(y)
    np.testing.assert_array_equal(np.signbit(out.data), np.signbit(SIGNS))
    np.testing.assert_array_equal(np.abs(out.data), np.abs(SIGNED))
    out.sum().backward()
    assert x.grad is not None and y.grad is not None
    # ±1 by whether the sign flips, and 0 at x = ±0; other gets 0, as in PyTorch
    assert x.grad.tolist() == [0.0, 0.0, -1.0, 1.0, 1.0, 0.0, 0.0, 1.0, -1.0]
    assert y.grad.tolist() == [0.0] * len(SIGNS)
    assert tm.tensor([1, 2]).copysign(-1).dtype == np.float64  # ints: the default float


def test_copysign_values_and_gradients_equal_pytorchs() -> None:
    torch = torch_or_skip()
    finite = slice(0, 7)  # PyTorch's gradient at ±inf is inf / inf = nan
    ours = derivatives(tm, lambda lib, a, b: lib.copysign(a, b),
                       [np.array(SIGNED[finite]), np.array(SIGNS[finite])])
    theirs = derivatives(torch, lambda lib, a, b: lib.copysign(a, b),
                         [np.array(SIGNED[finite]), np.array(SIGNS[finite])])
    np.testing.assert_array_equal(np.signbit(ours[0]), np.signbit(theirs[0]))  # -0.0 kept
    # the value and first derivatives; PyTorch's second derivative at x = ±0 is nan, ours 0
    for a, b in zip(ours[:3], theirs[:3], strict=True):
        np.testing.assert_array_equal(a, b)


@given(data=st.data())
def test_float_power_is_float64_and_passes_gradcheck(data: st.DataObject) -> None:
    first, second = data.draw(broadcast_pairs(max_side=3))
    a, b = data.draw(arrays(first, 0.2, 2.0)), data.draw(arrays(second))
    out = leaf(a).float_power(leaf(b))
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.data, np.float_power(a, b), rtol=1e-14)
    assert tm.gradcheck(lambda s, t: s.float_power(t), (leaf(a), leaf(b)))
    assert tm.gradgradcheck(lambda s, t: s.float_power(t), (leaf(a), leaf(b)))


def test_float_power_converts_ints_and_float32_to_float64_and_grads_back() -> None:
    assert tm.tensor([2, 3]).float_power(2).tolist() == [4.0, 9.0]
    assert tm.tensor([2, 3]).float_power(2).dtype == np.float64
    assert tm.float_power(2, tm.tensor([2, 3])).tolist() == [4.0, 8.0]
    x = tm.tensor([2.0, 3.0], dtype=tm.float32, requires_grad=True)
    out = x.float_power(tm.tensor([2.0, 1.0], dtype=tm.float32))
    out.sum().backward()
    assert out.dtype == np.float64 and x.grad is not None and x.grad.dtype == np.float32
    assert x.grad.tolist() == [4.0, 1.0]
    with pytest.raises(TypeError, match=r"^float_power: exponent must be a number, got 'a'"):
        x.float_power("a")
