"""Hypothesis profiles (bounded and deterministic in CI, larger on demand), shared fixtures.

Select a profile with HYPOTHESIS_PROFILE=ci|dev|thorough; the default is "ci".
"""

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

import tinygrad_mlp as tm

settings.register_profile(
    "ci",
    max_examples=30,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def float32_default() -> Iterator[None]:
    """float32 as the default dtype for one test, float64 again after it."""
    tm.set_default_dtype(tm.float32)
    try:
        yield
    finally:
        tm.set_default_dtype(tm.float64)


@pytest.fixture
def torch_float64() -> Iterator[Any]:
    """PyTorch with float64 as its default dtype for one test (the library's), or a skip."""
    torch = pytest.importorskip("torch")
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        yield torch
    finally:
        torch.set_default_dtype(before)
