"""The dtype names and the default float dtype."""

from __future__ import annotations

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
