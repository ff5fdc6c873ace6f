"""The dtype names and the default float dtype."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

import tinygrad_mlp as tm


def test_set_default_dtype_refuses_none() -> None:
    with pytest.raises(TypeError, match=r"set_default_dtype: dtype must be tm.float32 or "
                                        r"tm.float64, got None"):
        tm.set_default_dtype(None)  # type: ignore[arg-type]
    assert tm.get_default_dtype() == np.float64


def test_pytorchs_dtype_names_are_numpys_dtypes() -> None:
    assert (tm.float16, tm.int8, tm.int16, tm.int32, tm.uint8, tm.bool) == (
        np.float16, np.int8, np.int16, np.int32, np.uint8, np.bool_)
    assert tm.zeros(2, dtype=tm.bool).dtype == np.bool_
    assert "bool" not in tm.__all__  # a star import must not hide the built-in bool


def test_pytorchs_dtype_names_are_exported_except_bool() -> None:
    assert {"float16", "int8", "int16", "int32", "uint8"} <= set(tm.__all__)


# -- type promotion: promote_types, can_cast, result_type -----------------------------------

DTYPES = [tm.bool, tm.uint8, tm.int8, tm.int16, tm.int32, tm.int64, tm.float16, tm.float32,
          tm.float64]


def test_promote_types_follows_pytorchs_rules_by_hand() -> None:
    assert tm.promote_types(tm.uint8, tm.int8) == np.int16
    assert tm.promote_types(tm.int64, tm.float16) == np.float16  # numpy: float64
    assert tm.promote_types(tm.int32, tm.float32) == np.float32  # numpy: float64
    assert tm.promote_types(tm.bool, tm.uint8) == np.uint8
    assert tm.promote_types(tm.float16, tm.float64) == np.float64
    for a in DTYPES:
        assert tm.promote_types(a, a) == a and tm.promote_types(tm.bool, a) == a


def test_can_cast_refuses_only_float_to_int_and_number_to_bool() -> None:
    assert not tm.can_cast(tm.float64, tm.int32) and not tm.can_cast(tm.int64, tm.bool)
    assert tm.can_cast(tm.int64, tm.uint8) and tm.can_cast(tm.float64, tm.float16)
    assert tm.can_cast(tm.bool, tm.uint8) and tm.can_cast(tm.int8, tm.float16)


def test_result_type_lets_a_lower_category_change_only_the_kind() -> None:
    ints = tm.tensor([1, 2], dtype=tm.int32)
    assert tm.result_type(ints, 5) == np.int32  # a number of the same kind: the tensor's dtype
    assert tm.result_type(ints, 0.5) == tm.get_default_dtype()  # a float: the default float
    assert tm.result_type(ints, tm.tensor(7)) == np.int32  # a 0-d int64 tensor: still int32
    assert tm.result_type(tm.tensor(1.0), ints) == np.float64  # a 0-d float brings its float
    assert tm.result_type(tm.tensor([True]), 2) == np.int64
    assert tm.result_type(2, 2.5) == tm.get_default_dtype()
    assert tm.result_type(ints, tm.tensor([1], dtype=tm.uint8)) == np.int32


def test_result_type_uses_the_default_float_dtype_for_python_floats(
        float32_default: None) -> None:
    assert tm.result_type(tm.tensor([1]), 1.5) == np.float32


@pytest.mark.parametrize(("call", "message"), [
    (lambda: tm.promote_types("complex64", tm.int8),
     r"^promote_types: type1 must be one of the library's dtypes .*got 'complex64'"),
    (lambda: tm.can_cast(tm.int8, None), r"^can_cast: to must be one of the library's dtypes"),
    (lambda: tm.result_type(tm.ones(2), [1]),
     r"^result_type: other must be a Tensor or a number, got list"),
])
def test_promotion_refuses_what_is_not_a_library_dtype(call: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        call()


def test_promotion_equals_pytorchs_for_every_pair_of_dtypes(torch_float64: Any) -> None:
    torch = torch_float64
    names = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
    theirs = {name: getattr(torch, name) for name in names}

    def same(ours: np.dtype[Any], their: Any) -> bool:
        return str(their) == f"torch.{'bool' if ours == np.bool_ else ours}"

    for (a, ta), (b, tb) in itertools.product(zip(DTYPES, names), repeat=2):
        assert same(tm.promote_types(a, b), torch.promote_types(theirs[ta], theirs[tb]))
        assert tm.can_cast(a, b) == torch.can_cast(theirs[ta], theirs[tb]), (ta, tb)
        for first, second in itertools.product([(2,), ()], repeat=2):
            ours = tm.result_type(tm.Tensor(np.zeros(first, a)), tm.Tensor(np.zeros(second, b)))
            assert same(ours, torch.result_type(torch.zeros(first, dtype=theirs[ta]),
                                                torch.zeros(second, dtype=theirs[tb])))
        for number in (True, 3, 2.5):
            assert same(tm.result_type(tm.Tensor(np.zeros(2, a)), number),
                        torch.result_type(torch.zeros(2, dtype=theirs[ta]), number))


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.int64])
def test_a_python_int_takes_an_integer_tensors_dtype_as_in_pytorch_and_numpy(dtype: Any) -> None:
    x = tm.tensor([1, 2], dtype=dtype)
    for result in (x + 5, 5 + x, x - 1, 7 - x, x * 3, 3 * x, x**2):
        assert result.dtype == dtype
    assert (x + 5).tolist() == [6, 7] and (7 - x).tolist() == [6, 5]
    assert (x + True).dtype == dtype  # a bool is below every integer
    assert (x / 2).dtype == tm.get_default_dtype()  # true division gives floats
    assert (tm.tensor([True, False]) + 5).dtype == np.int64  # a bool tensor does not bind an int


def test_a_python_int_out_of_an_integer_tensors_range_is_refused_as_in_numpy() -> None:
    # PyTorch wraps 300 around to 44 in uint8; numpy 2 refuses, and so does the library.
    with pytest.raises(OverflowError, match="300"):
        tm.tensor([1], dtype=tm.uint8) + 300


def test_a_python_int_keeps_an_integer_tensors_dtype_as_pytorch_does(torch_float64: Any) -> None:
    torch = torch_float64
    for dtype in ("uint8", "int8", "int16", "int32"):
        ours = (tm.tensor([1, 2], dtype=getattr(tm, dtype)) * 3 + 1).dtype
        theirs = (torch.tensor([1, 2], dtype=getattr(torch, dtype)) * 3 + 1).dtype
        assert str(ours) == str(theirs).removeprefix("torch."), dtype
