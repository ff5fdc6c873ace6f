"""Fixtures shared by the nn tests."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest

import tinygrad_mlp as tm


@pytest.fixture(scope="session")  # session-scoped, so hypothesis tests may use it too
def torch() -> ModuleType:
    """PyTorch, for cross-checks; the test is skipped when it is not installed."""
    return pytest.importorskip("torch")


@pytest.fixture
def float32_default() -> Iterator[None]:
    """float32 as the default dtype for one test, float64 again after it."""
    tm.set_default_dtype(tm.float32)
    try:
        yield
    finally:
        tm.set_default_dtype(tm.float64)
