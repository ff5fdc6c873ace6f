"""The check the nn tests share with PyTorch: the same value, then the same gradient."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

import tinygrad_mlp as tm


def assert_same_value_and_gradient(
    ours: tm.Tensor, ours_input: tm.Tensor, theirs: Any, theirs_input: Any, torch: ModuleType,
    rtol: float = 1e-10, atol: float = 1e-12, grad_rtol: float = 1e-9,
) -> None:
    """Equal values (nan where PyTorch has nan), then equal gradients for one random seed."""
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=rtol, atol=atol)
    seed = np.random.default_rng(0).standard_normal(ours.shape)
    ours.backward(seed)
    theirs.backward(torch.tensor(seed))
    assert ours_input.grad is not None
    np.testing.assert_allclose(ours_input.grad.data, theirs_input.grad.numpy(),
                               rtol=grad_rtol, atol=atol)
