"""Python's other operators: //, % (with gradients), the bitwise ones, in, reversed, complex."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tests.strategies import BIT_DTYPES, arrays, broadcast_pairs, integer_arrays, leaf, shapes
from tinygrad_mlp import operators

# name -> (the operator, numpy's function, PyTorch's name)
BITWISE: dict[str, tuple[Callable[[Any, Any], Any], Callable[..., Any]]] = {
    "bitwise_and": (operator.and_, np.bitwise_and),
    "bitwise_or": (operator.or_, np.bitwise_or),
    "bitwise_xor": (operator.xor, np.bitwise_xor),
    "bitwise_left_shift": (operator.lshift, np.left_shift),
    "bitwise_right_shift": (operator.rshift, np.right_shift),
}
SHIFTS = ("bitwise_left_shift", "bitwise_right_shift")
IN_PLACE = {"bitwise_and": operator.iand, "bitwise_or": operator.ior,
            "bitwise_xor": operator.ixor, "bitwise_left_shift": operator.ilshift,
            "bitwise_right_shift": operator.irshift}
INT_DTYPES = BIT_DTYPES[1:]


def fits(value: int, dtype: Any) -> bool:
    """Whether the Python int ``value`` is in ``dtype``'s range."""
    info = np.iinfo(dtype)
    return bool(info.min <= value <= info.max)


# -- the bitwise operators: numpy's values, PyTorch's dtypes -----------------------------------


# Tensors with dims: there numpy promotes as PyTorch does (a 0-d tensor is weaker in PyTorch).
WITH_DIMS = broadcast_pairs().filter(lambda pair: all(len(shape) for shape in pair))


@given(st.data(), st.sampled_from(sorted(BITWISE)), WITH_DIMS,
       st.sampled_from(BIT_DTYPES), st.sampled_from(BIT_DTYPES))
def test_bitwise_ops_of_two_tensors_equal_numpys_in_value_and_dtype(
        data: st.DataObject, name: str, pair: tuple[Any, Any], first: Any, second: Any) -> None:
    assume(name not in SHIFTS or first != np.bool_ or second != np.bool_)
    a = data.draw(integer_arrays(first, pair[0]))
    b = data.draw(integer_arrays(second, pair[1]))
    op, ufunc = BITWISE[name]
    with np.errstate(over="ignore"):
        expected = np.asarray(ufunc(a, b))
    for result in (op(tm.tensor(a), tm.tensor(b)), op(a, tm.tensor(b)),
                   getattr(tm.tensor(a), name)(tm.tensor(b)), getattr(tm, name)(tm.tensor(a), b)):
        assert isinstance(result, tm.Tensor) and not result.requires_grad
        assert result.dtype == expected.dtype and result.shape == expected.shape
        np.testing.assert_array_equal(result.data, expected)


@given(st.data(), st.sampled_from(sorted(BITWISE)), shapes(), st.sampled_from(BIT_DTYPES))
def test_bitwise_ops_with_a_python_int_or_bool_take_numpys_dtype_either_side(
        data: st.DataObject, name: str, shape: tuple[int, ...], dtype: Any) -> None:
    a = data.draw(integer_arrays(dtype, shape))
    op, ufunc = BITWISE[name]
    if name in SHIFTS:
        assume(dtype != np.bool_)
        number: int | bool = data.draw(st.integers(0, 70))
    else:
        number = data.draw(st.booleans() | st.integers(-300, 300))
    assume(isinstance(number, bool) or dtype == np.bool_ or fits(number, dtype))
    for ours, theirs in ((op(tm.tensor(a), number), ufunc(a, number)),
                         (op(number, tm.tensor(a)), ufunc(number, a))):
        assert ours.dtype == np.asarray(theirs).dtype  # numpy 2 keeps an int8 tensor & 5 int8
        np.testing.assert_array_equal(ours.data, theirs)


@given(st.data(), st.sampled_from(sorted(BITWISE)), broadcast_pairs(),
       st.sampled_from(BIT_DTYPES), st.sampled_from(BIT_DTYPES))
def test_bitwise_ops_equal_pytorchs_with_tensors_and_numbers(
        data: st.DataObject, name: str, pair: tuple[Any, Any], first: Any, second: Any) -> None:
    torch = pytest.importorskip("torch")
    assume(name not in SHIFTS or first != np.bool_ or second != np.bool_)
    a = data.draw(integer_arrays(first, pair[0]))
    b = data.draw(integer_arrays(second, pair[1]))
    if name in SHIFTS:  # the count of a shift, near the range that does something
        b = data.draw(integer_arrays(second, pair[1]).map(
            lambda c: (c % 70 - 3 * (c.dtype.kind == "i")).astype(c.dtype)))
    number = data.draw(st.integers(0, 100))
    op, _ = BITWISE[name]
    for ours, theirs in ((op(tm.tensor(a), tm.tensor(b)), op(torch.tensor(a), torch.tensor(b))),
                         (op(tm.tensor(b), number), op(torch.tensor(b), number)),
                         (op(number, tm.tensor(b)), op(number, torch.tensor(b))),
                         (getattr(tm, name)(number, tm.tensor(b)),
                          getattr(torch, name)(number, torch.tensor(b))),
                         (op(tm.tensor(a), tm.tensor(b[()] if not b.ndim else b.flat[0])),
                          op(torch.tensor(a), torch.tensor(b[()] if not b.ndim else b.flat[0])))):
        assert ours.dtype == theirs.numpy().dtype, name
        np.testing.assert_array_equal(ours.data, theirs.numpy(), err_msg=name)


def test_shifts_outside_the_width_give_0_or_the_sign_as_pytorch() -> None:
    x = tm.tensor([5, -7, 3, 1, -1], dtype=tm.int32)
    counts = tm.tensor([0, 1, 31, 32, 33], dtype=tm.int32)
    assert (x << counts).tolist() == [5, -14, -2**31, 0, 0]  # into the sign bit, and past it
    assert (x >> counts).tolist() == [5, -4, 0, 0, -1]  # the sign (-1 or 0) past the width
    assert (x << -1).tolist() == [0] * 5 and (x >> -1).tolist() == [0, -1, 0, 0, -1]
    small = tm.tensor([5, -7, 100], dtype=tm.int8)
    assert (small << 3).tolist() == [40, -56, 32] and (small << 3).dtype == np.int8  # wraps
    assert (small >> 8).tolist() == [0, -1, 0]
    unsigned = tm.tensor([5, 200, 255], dtype=tm.uint8)
    assert (unsigned >> 1).tolist() == [2, 100, 127] and (unsigned >> 8).tolist() == [0, 0, 0]
    assert (2 << tm.tensor([7, -7, 12])).tolist() == [256, 0, 8192]


def test_not_flips_each_bit_of_ints_and_negates_bools() -> None:
    assert (~tm.tensor([5, -7, 0])).tolist() == [-6, 6, -1]
    assert (~tm.tensor([5, 250], dtype=tm.uint8)).tolist() == [250, 5]
    flags = tm.tensor([True, False])
    assert (~flags).tolist() == [False, True] and (~flags).dtype == np.bool_
    assert tm.bitwise_not(flags).tolist() == flags.bitwise_not().tolist() == [False, True]
    assert (~tm.tensor(np.zeros((2, 0), np.int16))).shape == (2, 0)


def test_masks_from_comparisons_combine_with_bool_tensors() -> None:
    x = tm.tensor([-1.0, 0.5, 2.0])
    keep = tm.tensor([True, True, False])
    both = (x.data > 0) & keep  # an ndarray first: numpy hands it to the tensor
    assert isinstance(both, tm.Tensor) and both.tolist() == [False, True, False]
    assert (keep | (x.data > 1)).tolist() == [True, True, True]
    assert (keep & 1).dtype == np.int64 and (keep & True).dtype == np.bool_  # as PyTorch


def test_a_zero_dim_tensor_operand_keeps_the_other_tensors_dtype_as_pytorch() -> None:
    small = tm.tensor([5, -7, 100], dtype=tm.int8)
    out = small & tm.tensor(300)  # int64 300 wraps to int8 44, as in PyTorch
    assert out.dtype == np.int8 and out.tolist() == [4, 40, 36]
    assert (small | np.int64(1)).dtype == np.int8


BAD: list[tuple[Callable[[], Any], type[Exception], str]] = [
    (lambda: tm.tensor([1.0, 2.0]) & tm.tensor([1.0, 2.0]), TypeError,
     r"^bitwise_and: needs bool or integer operands, got dtypes float64 and float64"),
    (lambda: tm.tensor([1, 2]) | 1.5, TypeError,
     r"^bitwise_or: needs bool or integer operands, got dtypes int64 and float64"),
    (lambda: 1.5 ^ tm.tensor([1, 2]), TypeError,
     r"^bitwise_xor: needs bool or integer operands, got dtypes float64 and int64"),
    (lambda: tm.tensor([True]) << tm.tensor([True]), TypeError,
     r"^bitwise_left_shift: needs integer operands, got dtypes bool and bool"),
    (lambda: tm.tensor([True]) >> True, TypeError,
     r"^bitwise_right_shift: needs integer operands, got dtypes bool and bool"),
    (lambda: ~tm.tensor([1.5], requires_grad=True), TypeError,
     r"^bitwise_not: needs a bool or integer tensor, got dtype float64"),
    (lambda: tm.tensor([1.0], requires_grad=True).bitwise_and_(1), TypeError,
     r"^bitwise_and: needs bool or integer operands, got dtypes float64"),
    (lambda: tm.bitwise_left_shift(tm.tensor([1.0], dtype=tm.float32), 1), TypeError,
     r"^bitwise_left_shift: needs integer operands, got dtypes float32"),
    (lambda: tm.tensor([1, 2], dtype=tm.int8) & 300, OverflowError,
     r"^bitwise_and: 300 does not fit the tensor's dtype int8"),
    (lambda: tm.tensor([1, 2, 3]) ^ tm.tensor([1, 2]), ValueError,
     r"^bitwise_xor: shapes \(3,\) and \(2,\) cannot be broadcast together"),
    (lambda: tm.bitwise_not(np.array([1, 2])), TypeError,
     r"^bitwise_not: input must be a Tensor, got ndarray"),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD)
def test_bitwise_ops_refuse_floats_bool_shifts_and_bad_shapes_naming_the_op(
        call: Callable[[], Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_pytorch_refuses_the_same_float_and_bool_operands() -> None:
    torch = pytest.importorskip("torch")
    for lib in (tm, torch):
        floats, flags = lib.tensor([1.0, 2.0]), lib.tensor([True, False])
        for bad in (lambda: floats & floats, lambda: lib.tensor([1, 2]) | 1.5,  # noqa: B023
                    lambda: ~floats, lambda: flags << flags):  # noqa: B023
            with pytest.raises((TypeError, NotImplementedError)):
                bad()


# -- in place: the rules of +=, the version counter ----------------------------------------


@pytest.mark.parametrize("name", sorted(IN_PLACE))
@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int32, np.int64])
def test_each_in_place_bitwise_form_writes_the_out_of_place_value_and_bumps_the_version(
        name: str, dtype: Any) -> None:
    values, other = np.array([5, 100, 3], dtype), np.array([[1], [2]], dtype)
    for change in (lambda t, o: IN_PLACE[name](t, o), lambda t, o: getattr(t, name + "_")(o)):
        x = tm.tensor(np.broadcast_to(values, (2, 3)))
        array, version = x.data, x._version
        assert change(x, tm.tensor(other)) is x
        expected = getattr(tm.tensor(np.broadcast_to(values, (2, 3))), name)(tm.tensor(other))
        assert x.data is array and x.dtype == np.dtype(dtype) and x._version == version + 1
        np.testing.assert_array_equal(x.data, expected.data)
    flags = tm.tensor([True, False, True])
    flags.bitwise_not_()
    assert flags.tolist() == [False, True, False] and flags._version == 1


def test_in_place_bitwise_forms_equal_pytorchs() -> None:
    torch = pytest.importorskip("torch")
    for name in sorted(IN_PLACE):
        for lib in (tm, torch):
            x = lib.tensor([5, -100, 3], dtype=lib.int16)
            IN_PLACE[name](x, 3)
            getattr(x, name + "_")(lib.tensor([1, 2, 1], dtype=lib.int8))
            if lib is tm:
                ours = x.tolist()
        assert ours == x.tolist(), name
    flags = torch.tensor([True, False])
    flags &= torch.tensor([True, True])
    assert (tm.tensor([True, False]).__iand__(tm.tensor([True, True]))).tolist() == flags.tolist()


def test_in_place_forms_refuse_a_result_the_tensor_cannot_hold_and_leave_it_unchanged() -> None:
    flags, counts = tm.tensor([True, False]), tm.tensor([1, 2])
    with pytest.raises(TypeError, match=r"^iand: the result's dtype int64 cannot be written "
                                        r"into the tensor's dtype bool"):
        flags &= tm.tensor([3, 1])
    with pytest.raises(TypeError, match=r"^ifloordiv: the result's dtype float64 cannot be "
                                        r"written into the tensor's dtype int64"):
        counts //= 2.0
    with pytest.raises(ValueError, match=r"^bitwise_or_: the other operand broadcasts the "
                                         r"tensor's shape \(2,\) to \(2, 2\)"):
        counts.bitwise_or_(tm.tensor([[1], [2]]))
    assert flags.tolist() == [True, False] and flags._version == 0
    assert counts.tolist() == [1, 2] and counts._version == 0


# -- // and %: floor_divide and remainder ---------------------------------------------------

NUMBERS = st.integers(-50, 50).filter(bool)


@given(st.data(), broadcast_pairs(), st.sampled_from(INT_DTYPES), st.sampled_from(INT_DTYPES),
       NUMBERS)
def test_floor_division_and_remainder_of_ints_equal_numpys_in_value_and_dtype(
        data: st.DataObject, pair: tuple[Any, Any], first: Any, second: Any, number: int) -> None:
    a = data.draw(integer_arrays(first, pair[0]))
    b = data.draw(integer_arrays(second, pair[1]).filter(np.all))
    assume(fits(number, first) and fits(number, second))
    for op, ufunc in ((operator.floordiv, np.floor_divide), (operator.mod, np.remainder)):
        with np.errstate(over="ignore"):  # int8 -128 // -1, which wraps in PyTorch too
            cases = [(op(tm.tensor(a), tm.tensor(b)), ufunc(a, b)),
                     (op(tm.tensor(a), number), ufunc(a, number)),
                     (op(number, tm.tensor(b)), ufunc(number, b))]
        for ours, theirs in cases:
            assert ours.dtype == np.asarray(theirs).dtype  # int // int stays int
            np.testing.assert_array_equal(ours.data, theirs)


@given(st.data(), broadcast_pairs(), st.sampled_from(INT_DTYPES), NUMBERS)
def test_floor_division_and_remainder_equal_pytorchs(
        data: st.DataObject, pair: tuple[Any, Any], dtype: Any, number: int) -> None:
    torch = pytest.importorskip("torch")
    assume(fits(number, dtype))
    a = data.draw(integer_arrays(dtype, pair[0]))
    b = data.draw(integer_arrays(dtype, pair[1]).filter(np.all))
    x = data.draw(arrays(pair[0], -5.0, 5.0))
    for op in (operator.floordiv, operator.mod):
        with np.errstate(over="ignore"):
            cases = [(op(tm.tensor(a), tm.tensor(b)), op(torch.tensor(a), torch.tensor(b))),
                     (op(tm.tensor(a), number), op(torch.tensor(a), number)),
                     (op(number, tm.tensor(b)), op(number, torch.tensor(b))),
                     (op(tm.tensor(x), 0.75), op(torch.tensor(x), 0.75))]
        for ours, theirs in cases:
            assert ours.dtype == theirs.numpy().dtype
            np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-15, atol=1e-15)


def test_floor_division_rounds_down_and_remainder_takes_the_divisors_sign() -> None:
    x = tm.tensor([7, -7, 7, -7])
    assert (x // tm.tensor([2, 2, -2, -2])).tolist() == [3, -4, -4, 3]
    assert (x % tm.tensor([3, 3, -3, -3])).tolist() == [1, 2, -2, -1]
    assert (7.5 // tm.tensor([2.0, -2.0])).tolist() == [3.0, -4.0]
    assert (tm.tensor([5, 6], dtype=tm.int32) // 4).dtype == np.int32
    with pytest.raises(ZeroDivisionError, match=r"^floor_divide: integer division by zero"):
        tm.tensor([1, 2]) // 0
    with pytest.raises(TypeError, match=r"^floor_divide: not defined for two bool tensors"):
        tm.tensor([True]) // True  # PyTorch refuses it too


def test_the_remainder_has_gradient_1_and_minus_the_quotient_and_the_quotient_0() -> None:
    x, y = leaf(np.array([5.0, -7.0, 2.5])), leaf(np.array([3.0, 2.0, -0.75]))
    (x % y).sum().backward()
    assert x.grad is not None and y.grad is not None
    assert x.grad.tolist() == [1.0] * 3 and y.grad.tolist() == [-1.0, 4.0, 4.0]
    a, b = leaf(x.data), leaf(y.data)
    (a // b).sum().backward()  # PyTorch raises here: it has no derivative for floor_divide
    assert a.grad is not None and b.grad is not None
    assert a.grad.tolist() == [0.0] * 3 and b.grad.tolist() == [0.0] * 3


def test_the_remainders_gradients_equal_pytorchs() -> None:
    torch = pytest.importorskip("torch")
    values, divisors = np.array([5.0, -7.0, 2.5]), np.array([3.0, 2.0, -0.75])
    y = torch.tensor(divisors, requires_grad=True)
    with pytest.raises(RuntimeError, match="derivative for aten::remainder is not implemented"):
        (7.25 % y).sum().backward()  # a number first: PyTorch has no gradient, here -⌊7.25 / y⌋
    for make in (lambda x, y: x % y, lambda x, y: x % 1.5 + y % -2.0):
        grads = []
        for lib in (tm, torch):
            x, y = (lib.tensor(v, requires_grad=True) for v in (values, divisors))
            make(x, y).sum().backward()
            grads.append([np.asarray(t.grad.numpy() if lib is torch else t.grad.data)
                          for t in (x, y)])
        for ours, theirs in zip(*grads):
            np.testing.assert_array_equal(ours, theirs)


@given(arrays((2, 3), 0.1, 3.0), arrays((2, 3), 0.5, 2.0))
def test_floor_division_and_remainder_pass_gradcheck_and_gradgradcheck(
        x: np.ndarray, y: np.ndarray) -> None:
    for quotient in (x / y, 2.5 / y, x / 0.7):  # off the jumps of ⌊x / y⌋
        assume(np.all(np.abs(quotient - np.round(quotient)) > 1e-3))
    inputs = (leaf(x), leaf(y))
    for f in (lambda a, b: a % b, lambda a, b: a // b * a, lambda a, b: 2.5 % b + a % 0.7):
        assert tm.gradcheck(f, inputs)
        assert tm.gradgradcheck(f, inputs)


def test_in_place_floor_division_and_remainder_follow_the_rules_of_iadd() -> None:
    x = tm.tensor([7.0, -7.0])
    array = x.data
    x //= 2
    assert x.tolist() == [3.0, -4.0] and x.data is array and x._version == 1
    x %= 2.5
    assert x.tolist() == [0.5, 1.0] and x._version == 2
    assert x.floor_divide_(0.5) is x and x.remainder_(3.0) is x and x.tolist() == [1.0, 2.0]
    assert x._version == 4
    w = tm.tensor([7.0, -7.0], requires_grad=True)
    changes: list[Callable[[Any, Any], Any]] = [operator.ifloordiv, operator.imod,
                                                lambda t, o: t.floor_divide_(o),
                                                lambda t, o: t.remainder_(o)]
    for change in changes:
        for target, other in ((w, 2), (tm.tensor([7.0, -7.0]), w)):  # either side needs grad
            with pytest.raises(RuntimeError, match=r"cannot change a tensor in place while "
                                                   r"recording a graph through it"):
                change(target, other)
            assert target.tolist() == [7.0, -7.0] and target._version == 0
    with tm.no_grad():
        w //= 2
    assert w.tolist() == [3.0, -4.0]


# -- in, reversed, complex -------------------------------------------------------------------


def test_in_looks_for_an_equal_element_as_pytorch() -> None:
    x = tm.tensor([[1, 2], [3, 4]])
    assert 2 in x and 5 not in x and 2.0 in x and tm.tensor(3) in x
    assert tm.tensor([9, 4]) in x  # broadcast, then any equal element
    assert np.int8(4) in x and True in tm.tensor([0.0, 1.0])
    with pytest.raises(TypeError, match=r"^in: only a Tensor or a number can be looked for in "
                                        r"a tensor, got list"):
        [1, 2] in x  # noqa: B015


def test_in_reversed_and_complex_equal_pytorchs() -> None:
    torch = pytest.importorskip("torch")
    data = np.array([[1, 2], [3, 4]])
    for element in (2, 5, 2.5, 4.0):
        assert (element in tm.tensor(data)) == (element in torch.tensor(data))
    np.testing.assert_array_equal(reversed(tm.tensor(data)).data,
                                  reversed(torch.tensor(data)).numpy())
    assert complex(tm.tensor([2.5])) == complex(torch.tensor([2.5])) == 2.5 + 0j
    for lib in (tm, torch):
        with pytest.raises(TypeError):
            round(lib.tensor(2.5))  # neither has __round__: use .round()


def test_reversed_flips_dim_0_in_the_graph() -> None:
    x = leaf(np.arange(6.0).reshape(3, 2))
    flipped = reversed(x)
    assert flipped.tolist() == [[4.0, 5.0], [2.0, 3.0], [0.0, 1.0]]
    (flipped * tm.tensor([[1.0], [2.0], [3.0]])).sum().backward()
    assert x.grad is not None and x.grad.tolist() == [[3.0, 3.0], [2.0, 2.0], [1.0, 1.0]]
    scalar = tm.tensor(3.0)
    assert reversed(scalar) is scalar


def test_complex_of_one_element_and_refusal_of_more() -> None:
    assert complex(tm.tensor(3)) == 3 + 0j and complex(tm.tensor([[1.5]])) == 1.5 + 0j
    with pytest.raises(ValueError, match=r"^item: only one-element tensors"):
        complex(tm.tensor([1.0, 2.0]))


def test_the_module_defines_only_the_mixin_and_the_functions_are_exported() -> None:
    public = {name for name, value in vars(operators).items() if not name.startswith("_")
              and callable(value) and getattr(value, "__module__", None) == operators.__name__}
    assert public == {"OperatorMethods"}
    names = {f"bitwise_{n}" for n in ("and", "or", "xor", "not", "left_shift", "right_shift")}
    assert names <= set(tm.__all__) and all(callable(getattr(tm, n)) for n in names)
