"""Fixtures shared by the nn tests."""

from __future__ import annotations

from types import ModuleType

import pytest


@pytest.fixture(scope="session")  # session-scoped, so hypothesis tests may use it too
def torch() -> ModuleType:
    """PyTorch, for cross-checks; the test is skipped when it is not installed."""
    return pytest.importorskip("torch")
