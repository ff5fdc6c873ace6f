"""Every op rule against finite differences, first and second order, over random shapes."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_mlp as tm
from tests.strategies import arrays, broadcast_pairs, leaf, matmul_pairs, shapes
from tinygrad_mlp import ops
from tinygrad_mlp.nn import functional as F
from tinygrad_mlp.ops import unbroadcast

Case = tuple[list[tm.Tensor], Callable[..., tm.Tensor]]
CASES: dict[str, Callable[[st.DataObject], Case]] = {}
TOLERANCE = {"atol": 1e-7, "rtol": 1e-6}


Builder = Callable[[st.DataObject], Case]


def case(name: str) -> Callable[[Builder], Builder]:
    def register(build: Builder) -> Builder:
        CASES[name] = build
        return build

    return register


def binary(data: st.DataObject, low_b: float = -2.0, high_b: float = 2.0,
           low_a: float = -2.0, high_a: float = 2.0) -> list[tm.Tensor]:
    sa, sb = data.draw(broadcast_pairs())
    return [leaf(data.draw(arrays(sa, low_a, high_a))), leaf(data.draw(arrays(sb, low_b, high_b)))]


def unary(
    data: st.DataObject, low: float = -2.0, high: float = 2.0, min_dims: int = 0
) -> tm.Tensor:
    return leaf(data.draw(arrays(data.draw(shapes(min_dims=min_dims)), low, high)))


def axis_for(data: st.DataObject, ndim: int) -> int | tuple[int, ...] | None:
    if ndim == 0:
        return None
    single = st.integers(-ndim, ndim - 1)
    several = st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(tuple)
    return data.draw(st.none() | single | several)


def distinct(data: st.DataObject, min_dims: int = 0) -> tm.Tensor:
    """A leaf whose values are all at least 0.01 apart: no ties, so max has a derivative."""
    shape = data.draw(shapes(min_dims=min_dims))
    order = data.draw(st.permutations(range(int(np.prod(shape)))))
    spacing = data.draw(st.floats(0.01, 0.5))
    return leaf(((np.array(order, dtype=np.float64) - len(order) / 2) * spacing).reshape(shape))


def away_from_zero(data: st.DataObject, margin: float = 1e-3) -> tm.Tensor:
    """A leaf of mixed signs, no value within ``margin`` of 0 (relu's kink)."""
    shape = data.draw(shapes())
    sizes = data.draw(arrays(shape, margin * 2, 2.0))
    signs = data.draw(hnp.arrays(np.bool_, shape))
    return leaf(np.where(signs, sizes, -sizes))


@case("add")
def _add(data: st.DataObject) -> Case:
    return binary(data), lambda a, b: a + b


@case("sub")
def _sub(data: st.DataObject) -> Case:
    return binary(data), lambda a, b: a - b


@case("mul")
def _mul(data: st.DataObject) -> Case:
    return binary(data), lambda a, b: a * b


@case("div")
def _div(data: st.DataObject) -> Case:
    return binary(data, 0.5, 2.0), lambda a, b: a / b


@case("neg")
def _neg(data: st.DataObject) -> Case:
    return [unary(data)], lambda a: -a


@case("pow_tensor_tensor")
def _pow(data: st.DataObject) -> Case:
    return binary(data, low_a=0.5, high_a=2.0), lambda a, b: a**b


@case("pow_scalar_exponent")
def _pow_scalar(data: st.DataObject) -> Case:
    exponent = data.draw(st.sampled_from([2, 3, -1.5, 0.5]))
    low = -2.0 if isinstance(exponent, int) else 0.5
    return [unary(data, low, 2.0)], lambda a: a**exponent


@case("rpow_scalar_base")
def _rpow(data: st.DataObject) -> Case:
    return [unary(data)], lambda a: 2.0**a


@case("matmul")
def _matmul(data: st.DataObject) -> Case:
    sa, sb = data.draw(matmul_pairs())
    return [leaf(data.draw(arrays(sa))), leaf(data.draw(arrays(sb)))], lambda a, b: a @ b


@case("linear")
def _linear(data: st.DataObject) -> Case:
    batch = data.draw(st.lists(st.integers(1, 3), max_size=2).map(tuple))
    n_in, n_out = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    x = leaf(data.draw(arrays((*batch, n_in))))
    w = leaf(data.draw(arrays((n_out, n_in))))
    if data.draw(st.booleans()):
        b = leaf(data.draw(arrays((n_out,))))
        return [x, w, b], lambda x, w, b: F.linear(x, w, b)
    return [x, w], lambda x, w: F.linear(x, w)


@case("squared_error")
def _squared_error(data: st.DataObject) -> Case:
    shape = data.draw(shapes())
    a, t = leaf(data.draw(arrays(shape))), leaf(data.draw(arrays(shape)))
    scale = data.draw(st.sampled_from([1.0, 0.5, 0.125]))
    return [a, t], lambda a, t: ops.SquaredError.apply(a, t, scale=scale)


@case("exp")
def _exp(data: st.DataObject) -> Case:
    return [unary(data)], lambda a: a.exp()


@case("log")
def _log(data: st.DataObject) -> Case:
    return [unary(data, 0.5, 3.0)], lambda a: a.log()


@case("log1p")
def _log1p(data: st.DataObject) -> Case:
    return [unary(data, -0.5, 3.0)], lambda a: a.log1p()


@case("expm1")
def _expm1(data: st.DataObject) -> Case:
    return [unary(data)], lambda a: a.expm1()


@case("sin")
def _sin(data: st.DataObject) -> Case:
    return [unary(data, -4.0, 4.0)], lambda a: a.sin()


@case("cos")
def _cos(data: st.DataObject) -> Case:
    return [unary(data, -4.0, 4.0)], lambda a: a.cos()


@case("tan")
def _tan(data: st.DataObject) -> Case:
    return [unary(data, -1.2, 1.2)], lambda a: a.tan()


@case("asin")
def _asin(data: st.DataObject) -> Case:
    return [unary(data, -0.9, 0.9)], lambda a: a.asin()


@case("acos")
def _acos(data: st.DataObject) -> Case:
    return [unary(data, -0.9, 0.9)], lambda a: a.acos()


@case("atan")
def _atan(data: st.DataObject) -> Case:
    return [unary(data, -3.0, 3.0)], lambda a: a.atan()


@case("atan2")
def _atan2(data: st.DataObject) -> Case:  # a > 0: away from the origin and the jump at a = 0, b < 0
    return binary(data, low_a=0.25), lambda a, b: tm.atan2(a, b)


@case("sinh")
def _sinh(data: st.DataObject) -> Case:
    return [unary(data)], lambda a: a.sinh()


@case("cosh")
def _cosh(data: st.DataObject) -> Case:
    return [unary(data)], lambda a: a.cosh()


@case("asinh")
def _asinh(data: st.DataObject) -> Case:
    return [unary(data, -3.0, 3.0)], lambda a: a.asinh()


@case("acosh")
def _acosh(data: st.DataObject) -> Case:
    return [unary(data, 1.1, 4.0)], lambda a: a.acosh()


@case("atanh")
def _atanh(data: st.DataObject) -> Case:
    return [unary(data, -0.9, 0.9)], lambda a: a.atanh()


def between_jumps(data: st.DataObject, jumps_at: float = 0.0, scale: float = 1.0) -> tm.Tensor:
    """A leaf of values at least 0.02 · ``scale`` from every (k + ``jumps_at``) · ``scale``."""
    shape = data.draw(shapes())
    whole = data.draw(hnp.arrays(np.int64, shape, elements=st.integers(-2, 2)))
    return leaf((whole + jumps_at + data.draw(arrays(shape, 0.02, 0.98))) * scale)


@case("floor")
def _floor(data: st.DataObject) -> Case:
    return [between_jumps(data)], lambda a: a.floor()


@case("ceil")
def _ceil(data: st.DataObject) -> Case:
    return [between_jumps(data)], lambda a: a.ceil()


@case("trunc")
def _trunc(data: st.DataObject) -> Case:
    return [between_jumps(data)], lambda a: a.trunc()


@case("round")
def _round(data: st.DataObject) -> Case:
    decimals = data.draw(st.sampled_from([0, 1, -1]))  # round(x, d) jumps at (k + ½) · 10⁻ᵈ
    return [between_jumps(data, 0.5, 10.0**-decimals)], lambda a: a.round(decimals)


@case("sign")
def _sign(data: st.DataObject) -> Case:
    return [away_from_zero(data)], lambda a: a.sign()


@case("frac")
def _frac(data: st.DataObject) -> Case:
    return [between_jumps(data)], lambda a: a.frac()


@case("sigmoid")
def _sigmoid(data: st.DataObject) -> Case:
    return [unary(data, -4.0, 4.0)], lambda a: a.sigmoid()


@case("tanh")
def _tanh(data: st.DataObject) -> Case:
    return [unary(data)], lambda a: a.tanh()


@case("relu")
def _relu(data: st.DataObject) -> Case:
    return [away_from_zero(data)], lambda t: t.relu()  # finite differences fail at the kink


@case("abs")
def _abs(data: st.DataObject) -> Case:
    return [away_from_zero(data)], lambda t: t.abs()


@case("sqrt")
def _sqrt(data: st.DataObject) -> Case:
    return [unary(data, 0.5, 3.0)], lambda a: a.sqrt()


def apart(data: st.DataObject) -> list[tm.Tensor]:
    """Two broadcastable leaves with no elements that meet within 1e-3 of a tie."""
    a, b = binary(data)
    assume(np.all(np.abs(a.data - b.data) > 1e-3))
    return [a, b]


@case("maximum")
def _maximum(data: st.DataObject) -> Case:
    return apart(data), lambda a, b: tm.maximum(a, b)


@case("minimum")
def _minimum(data: st.DataObject) -> Case:
    return apart(data), lambda a, b: a.minimum(b)


@case("where")
def _where(data: st.DataObject) -> Case:
    a, b = binary(data)
    condition = data.draw(hnp.arrays(np.bool_, np.broadcast_shapes(a.shape, b.shape)))
    return [a, b], lambda a, b: tm.where(condition, a, b)


@case("clamp")
def _clamp(data: st.DataObject) -> Case:
    a = unary(data)
    assume(np.all(np.abs(np.abs(a.data) - 1.0) > 1e-3))  # no finite difference across a limit
    low, high = data.draw(st.sampled_from([(-1.0, 1.0), (-1.0, None), (None, 1.0)]))
    return [a], lambda t: t.clamp(low, high)


@case("sum")
def _sum(data: st.DataObject) -> Case:
    a = unary(data)
    axis, keepdims = axis_for(data, a.ndim), data.draw(st.booleans())
    return [a], lambda t: t.sum(axis, keepdims=keepdims)


@case("mean")
def _mean(data: st.DataObject) -> Case:
    a = unary(data)
    axis, keepdims = axis_for(data, a.ndim), data.draw(st.booleans())
    return [a], lambda t: t.mean(axis, keepdims=keepdims)


@case("max")
def _max(data: st.DataObject) -> Case:
    a = distinct(data)
    axis, keepdims = axis_for(data, a.ndim), data.draw(st.booleans())
    return [a], lambda t: t.amax(axis, keepdims)


@case("min")
def _min(data: st.DataObject) -> Case:
    a = distinct(data)
    axis, keepdims = axis_for(data, a.ndim), data.draw(st.booleans())
    return [a], lambda t: t.amin(axis, keepdims)


@case("var")
def _var(data: st.DataObject) -> Case:
    a = unary(data, min_dims=1)
    axis, keepdims = axis_for(data, a.ndim), data.draw(st.booleans())
    correction = data.draw(st.sampled_from([0, 1]))
    assume(a.size // max(np.var(a.data, axis=axis).size, 1) > correction)
    return [a], lambda t: t.var(axis, keepdims=keepdims, correction=correction)


@case("std")
def _std(data: st.DataObject) -> Case:
    a = distinct(data, min_dims=1)  # spread apart: the root's derivative stays finite
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    assume(a.shape[axis] > 1)
    return [a], lambda t: t.std(dim=axis, keepdim=True)


@case("cat")
def _cat(data: st.DataObject) -> Case:
    shape = data.draw(shapes(min_dims=1))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    other = list(shape)
    other[axis] = data.draw(st.integers(1, 3))
    parts = [leaf(data.draw(arrays(shape))), leaf(data.draw(arrays(tuple(other))))]
    return parts, lambda a, b: tm.cat([a, b, a], dim=axis)


@case("stack")
def _stack(data: st.DataObject) -> Case:
    shape = data.draw(shapes())
    dim = data.draw(st.integers(0, len(shape)))
    parts = [leaf(data.draw(arrays(shape))) for _ in range(2)]
    return parts, lambda a, b: tm.stack([a, b * b], dim)


@case("logsumexp")
def _logsumexp(data: st.DataObject) -> Case:
    a = unary(data, min_dims=1)
    axis, keepdims = axis_for(data, a.ndim), data.draw(st.booleans())
    return [a], lambda t: t.logsumexp(axis, keepdims=keepdims)


@case("softmax")
def _softmax(data: st.DataObject) -> Case:
    a = unary(data, min_dims=1)
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    return [a], lambda t: t.softmax(axis)


@case("log_softmax")
def _log_softmax(data: st.DataObject) -> Case:
    a = unary(data, min_dims=1)
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    return [a], lambda t: t.log_softmax(axis)


@case("reshape")
def _reshape(data: st.DataObject) -> Case:
    a = unary(data)
    target = data.draw(st.sampled_from([(-1,), (1, a.size), a.shape[::-1], (a.size, 1, 1)]))
    return [a], lambda t: t.reshape(target)


@case("transpose")
def _transpose(data: st.DataObject) -> Case:
    a = unary(data)
    axes = tuple(data.draw(st.permutations(range(a.ndim))))
    return [a], lambda t: t.permute(axes)


@case("expand")
def _expand(data: st.DataObject) -> Case:
    a = unary(data)
    stretched = tuple(data.draw(st.integers(1, 3)) if n == 1 else n for n in a.shape)
    leading = tuple(data.draw(st.lists(st.integers(1, 3), max_size=2)))
    return [a], lambda t: t.expand(leading + stretched)


@case("getitem_basic")
def _getitem_basic(data: st.DataObject) -> Case:
    a = unary(data, min_dims=1)
    index = data.draw(hnp.basic_indices(a.shape, allow_newaxis=True, allow_ellipsis=True))
    return [a], lambda t: t[index]


@case("getitem_integer_arrays")
def _getitem_advanced(data: st.DataObject) -> Case:
    a = unary(data, min_dims=1)
    index = data.draw(hnp.integer_array_indices(a.shape, result_shape=shapes(1, 2)))
    return [a], lambda t: t[index]


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_first_derivatives_match_finite_differences(name: str, data: st.DataObject) -> None:
    inputs, fn = CASES[name](data)
    assert tm.gradcheck(fn, inputs, **TOLERANCE)


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_second_derivatives_match_finite_differences(name: str, data: st.DataObject) -> None:
    inputs, fn = CASES[name](data)
    assert tm.gradgradcheck(fn, inputs, **TOLERANCE)


@given(pair=broadcast_pairs(), data=st.data())
def test_unbroadcast_is_the_adjoint_of_broadcasting(
    pair: tuple[tuple[int, ...], tuple[int, ...]], data: st.DataObject
) -> None:
    small, other = pair
    big = np.broadcast_shapes(small, other)
    g = data.draw(arrays(big))
    x = data.draw(arrays(small))
    reduced = unbroadcast(tm.Tensor(g), small)
    assert reduced.shape == small
    # <unbroadcast(g), x> == <g, broadcast(x)>: summing is the adjoint of copying.
    assert np.isclose(np.sum(reduced.data * x), np.sum(g * np.broadcast_to(x, big)))


@given(pair=broadcast_pairs(), data=st.data())
def test_binary_op_gradients_have_each_inputs_shape(
    pair: tuple[tuple[int, ...], tuple[int, ...]], data: st.DataObject
) -> None:
    a, b = (leaf(data.draw(arrays(s, 0.5, 2.0))) for s in pair)
    for op in (lambda x, y: x + y, lambda x, y: x - y, lambda x, y: x * y,
               lambda x, y: x / y, lambda x, y: x**y):
        a.grad = b.grad = None
        op(a, b).sum().backward()
        assert a.grad is not None and a.grad.shape == a.shape
        assert b.grad is not None and b.grad.shape == b.shape


@given(pair=matmul_pairs(), data=st.data())
def test_matmul_matches_numpy_and_gradients_have_input_shapes(
    pair: tuple[tuple[int, ...], tuple[int, ...]], data: st.DataObject
) -> None:
    a, b = (leaf(data.draw(arrays(s))) for s in pair)
    out = a @ b
    np.testing.assert_allclose(out.data, a.data @ b.data)
    out.sum().backward()
    assert a.grad is not None and a.grad.shape == a.shape
    assert b.grad is not None and b.grad.shape == b.shape


def test_log1p_and_expm1_keep_tiny_values_that_log_and_exp_round_away() -> None:
    x = tm.tensor([1e-20, -3e-17], requires_grad=True)
    np.testing.assert_array_equal(x.log1p().data, x.data)  # ln(1 + x) ≈ x; log(1 + x) gives 0
    np.testing.assert_array_equal(x.expm1().data, x.data)
    assert x.log1p().data[0] != (1.0 + x).log().data[0]
    (x.log1p() + x.expm1()).sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0], rtol=1e-15)


def test_sin_and_cos_give_each_others_derivatives_to_any_order() -> None:
    x = tm.tensor([0.0, 1.0, np.pi / 3], requires_grad=True)
    (first,) = tm.grad(x.sin().sum(), x, create_graph=True)
    (second,) = tm.grad(first.sum(), x, create_graph=True)
    (third,) = tm.grad(second.sum(), x)
    np.testing.assert_allclose(first.data, np.cos(x.data), rtol=1e-15)
    np.testing.assert_allclose(second.data, -np.sin(x.data), atol=1e-16)
    np.testing.assert_allclose(third.data, -np.cos(x.data), rtol=1e-15)


@pytest.mark.parametrize(("name", "value"), [("asin", 1.0), ("acos", -1.0), ("atanh", 1.0),
                                             ("acosh", 1.0), ("atan", np.inf),
                                             ("asinh", -np.inf)])
def test_inverse_functions_at_an_edge_give_silent_first_derivatives_and_warning_second_ones(
        name: str, value: float) -> None:
    # as documented (ops.Unary, move-to-pytorch.md): the second runs through ordinary ops
    x = leaf(np.array([value]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (first,) = tm.grad(getattr(x, name)().sum(), x, create_graph=True)
    with pytest.warns(RuntimeWarning):
        tm.grad(first.sum(), x)


def test_atan2_second_derivatives_at_the_origin_are_0_where_pytorchs_are_nan() -> None:
    a, b = leaf(np.array([0.0])), leaf(np.array([0.0]))
    first = tm.grad(tm.atan2(a, b).sum(), [a, b], create_graph=True)
    second = tm.grad(first[0].sum() + first[1].sum(), [a, b])
    assert [g.tolist() for g in second] == [[0.0], [0.0]]


def test_max_splits_the_gradient_evenly_among_ties() -> None:
    a = tm.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], requires_grad=True)
    a.amax(1).sum().backward()
    assert a.grad is not None
    np.testing.assert_allclose(a.grad.data, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])


@pytest.mark.parametrize("keepdims", [False, True])
def test_max_over_several_axes_sends_each_outputs_gradient_to_its_maximum(keepdims: bool) -> None:
    values = np.random.default_rng(0).permutation(24).reshape(2, 3, 4) * 1.0
    a = tm.tensor(values, requires_grad=True)
    out = a.amax((0, 2), keepdims)
    weights = np.arange(1.0, 4.0).reshape(out.shape)  # tells the three outputs apart
    (out * tm.tensor(weights)).sum().backward()
    peak = values.max(axis=(0, 2), keepdims=True)
    assert a.grad is not None
    np.testing.assert_array_equal(a.grad.data, (values == peak) * weights.reshape(1, 3, 1))


def test_getitem_with_repeated_indices_accumulates_the_gradient() -> None:
    a = tm.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a[np.array([0, 2, 2, 2])].sum().backward()
    assert a.grad is not None
    np.testing.assert_array_equal(a.grad.data, [1.0, 0.0, 3.0])


@pytest.mark.parametrize("value", [1e4, -1e4, 1e3, -1e3, 0.0])
def test_sigmoid_is_finite_and_warning_free_at_extremes(value: float) -> None:
    x = tm.tensor([value], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = x.sigmoid()
        y.sum().backward()
    assert np.isfinite(y.data).all() and x.grad is not None and np.isfinite(x.grad.data).all()
    assert 0.0 <= y.item() <= 1.0


@pytest.mark.parametrize("size", [4095, 4096, 10_000])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_of_large_arrays_is_warning_free_and_agrees_with_small_ones(
    size: int, dtype: type
) -> None:
    # From 4,096 elements the sigmoid lets e^-a overflow, with the warning off,
    # instead of clamping a: the same values either way, and no warning.
    values = np.linspace(-1e4, 1e4, size).astype(dtype)
    values[:3] = [-np.inf, np.inf, np.nan]
    x = tm.tensor(values, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = x.sigmoid()
        y.sum().backward()
    assert y.dtype == dtype
    small = np.concatenate([tm.tensor(part).sigmoid().data for part in np.array_split(values, 4)])
    np.testing.assert_allclose(y.data, small, rtol=1e-6, atol=1e-30)
    assert np.isnan(y.data[2]) and y.data[0] < np.finfo(dtype).tiny and y.data[1] == 1.0
    with np.errstate(over="ignore"):
        np.testing.assert_allclose(y.data, 1 / (1 + np.exp(-values.astype(np.float64))),
                                   rtol=1e-6, atol=1e-37)


@pytest.mark.parametrize("dtype", [np.int64, np.bool_, np.float16])
@pytest.mark.parametrize("size", [3, 5000])
def test_sigmoid_of_integers_bools_and_float16_at_any_size(dtype: type, size: int) -> None:
    values = np.linspace(-30, 30, size).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = tm.tensor(values).sigmoid()
    expected = np.float16 if dtype is np.float16 else np.float64
    assert y.dtype == expected
    with np.errstate(over="ignore"):
        reference = (1 / (1 + np.exp(-values.astype(np.float64)))).astype(expected)
    np.testing.assert_allclose(y.data, reference, rtol=2e-3 if dtype is np.float16 else 1e-15,
                               atol=1e-4 if dtype is np.float16 else 0)


@pytest.mark.parametrize("op", ["softmax", "log_softmax", "logsumexp"])
def test_softmax_family_is_finite_and_warning_free_near_1e3(op: str) -> None:
    x = tm.tensor([[1000.0, 999.0, -1000.0], [-1000.0, -999.5, -1001.0]], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = getattr(x, op)(axis=-1)
        (y * tm.tensor(np.arange(y.size).reshape(y.shape) + 1.0)).sum().backward()
    assert np.isfinite(y.data).all() and x.grad is not None and np.isfinite(x.grad.data).all()
    if op == "logsumexp":
        np.testing.assert_allclose(y.data[0], 1000.0 + np.log1p(np.exp(-1.0)), rtol=1e-12)


@pytest.mark.parametrize(("dtype", "logit"), [(np.float64, 1e17), (np.float32, 1e4),
                                              (np.float32, 1e8)])
def test_softmax_and_log_softmax_keep_the_differences_between_huge_equal_logits(
        dtype: type, logit: float) -> None:
    x = tm.tensor([[logit, logit, logit - 1e-300]], dtype=dtype, requires_grad=True)
    np.testing.assert_allclose(x.softmax(-1).data, [[1 / 3] * 3], rtol=1e-6)
    log_p = x.log_softmax(-1)
    np.testing.assert_allclose(log_p.data, [[-np.log(3)] * 3], rtol=1e-6)
    log_p[0, 0].backward()  # d(log p0)/dx = onehot(0) - p
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.data, [[2 / 3, -1 / 3, -1 / 3]], rtol=1e-6)


def test_logsumexp_gradient_is_the_softmax_even_for_huge_logits() -> None:
    x = tm.tensor([1e17, 1e17], requires_grad=True)
    x.logsumexp(0).backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.data, [0.5, 0.5])


def test_pow_gradients_are_zero_where_pytorch_makes_them_zero_not_nan() -> None:
    x = tm.tensor([0.0, 1.0], requires_grad=True)
    (x**0.0).sum().backward()  # d/dx x^0 = 0, also at 0 (not 0 · 0^-1)
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0])
    e = tm.tensor(1.0, requires_grad=True)
    (tm.tensor([0.0, 3.0]) ** e).sum().backward()  # d/de 0^e = 0 for e >= 0 (not 0 · -inf)
    assert e.grad is not None
    np.testing.assert_allclose(e.grad.data, 3.0 * np.log(3.0))
    y = tm.tensor([0.0, 2.0], requires_grad=True)
    (first,) = tm.grad((y**2.0).sum(), y, create_graph=True)
    (second,) = tm.grad(first.sum(), y)
    assert second is not None
    np.testing.assert_array_equal(second.data, [2.0, 2.0])


# Bases and exponents with a 0 ** 0 element, where pow's rule replaces the base,
# beside ordinary ones whose second derivative b (b - 1) a^(b-2) must survive it.
POW_BASES, POW_EXPONENTS = np.array([0.0, 0.0, 2.0, 3.0, 1.5]), np.array([0.0, 2.0, 0.0, 1.5, 3.0])


def pow_second_derivative(base: tm.Tensor, exponent: tm.Tensor) -> np.ndarray:
    (first,) = tm.grad((base**exponent).sum(), base, create_graph=True)
    assert first is not None and first.requires_grad
    (second,) = tm.grad(first.sum(), base)
    assert second is not None
    return second.data


def test_pow_second_derivative_stays_right_beside_a_zero_to_the_zero() -> None:
    a, b = POW_BASES, POW_EXPONENTS
    second = pow_second_derivative(leaf(a), leaf(b, requires_grad=False))
    nonzero = a != 0
    a, b = a[nonzero], b[nonzero]
    np.testing.assert_allclose(second[nonzero], b * (b - 1) * a ** (b - 2), rtol=1e-12)
    assert tm.gradgradcheck(lambda t: t ** tm.tensor(POW_EXPONENTS), [leaf(POW_BASES)], **TOLERANCE)


def test_pow_second_derivative_beside_a_zero_to_the_zero_matches_pytorch() -> None:
    torch = pytest.importorskip("torch")
    base = torch.tensor(POW_BASES, requires_grad=True)
    (first,) = torch.autograd.grad((base ** torch.tensor(POW_EXPONENTS)).sum(), base,
                                   create_graph=True)
    (expected,) = torch.autograd.grad(first.sum(), base)
    second = pow_second_derivative(leaf(POW_BASES), leaf(POW_EXPONENTS, requires_grad=False))
    nonzero = POW_BASES != 0  # torch makes the 0 ** 0 element nan
    np.testing.assert_allclose(second[nonzero], expected.numpy()[nonzero], rtol=1e-12)


def test_div_gradient_of_the_denominator_does_not_overflow_before_pytorchs() -> None:
    a = tm.tensor(np.array([1e-23], dtype=np.float32), requires_grad=True)
    b = tm.tensor(np.array([1e-23], dtype=np.float32), requires_grad=True)
    (a / b).sum().backward()  # -a / b² overflows float32; -(a / b) / b is -1e23
    assert b.grad is not None
    np.testing.assert_allclose(b.grad.data, [-1e23], rtol=1e-5)


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # log 0 = -inf, as wanted
def test_logsumexp_and_softmax_over_an_empty_axis_follow_pytorch() -> None:
    x = tm.zeros(0, 3, requires_grad=True)
    np.testing.assert_array_equal(x.logsumexp(0).data, [-np.inf] * 3)  # the log of an empty sum
    assert x.softmax(0).shape == x.log_softmax(0).shape == (0, 3)
    x.logsumexp(0).sum().backward()
    assert x.grad is not None and x.grad.shape == (0, 3)
