"""The function forms: each is its Tensor method, in value and in gradient, and PyTorch's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_mlp as tm
from tinygrad_mlp import functions

X = np.array([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]])

# name -> (the function call, the same through the method)
CASES: dict[str, tuple[Callable[[tm.Tensor], tm.Tensor], Callable[[tm.Tensor], tm.Tensor]]] = {
    "exp": (tm.exp, lambda x: x.exp()),
    "log": (lambda x: tm.log(tm.abs(x)), lambda x: x.abs().log()),
    "sqrt": (lambda x: tm.sqrt(tm.abs(x)), lambda x: x.abs().sqrt()),
    "abs": (tm.abs, lambda x: x.abs()),
    "sigmoid": (tm.sigmoid, lambda x: x.sigmoid()),
    "tanh": (tm.tanh, lambda x: x.tanh()),
    "relu": (tm.relu, lambda x: x.relu()),
    "clamp": (lambda x: tm.clamp(x, -1.0, 1.0), lambda x: x.clamp(-1.0, 1.0)),
    "softmax": (lambda x: tm.softmax(x, dim=1), lambda x: x.softmax(1)),
    "log_softmax": (lambda x: tm.log_softmax(x, 0), lambda x: x.log_softmax(0)),
    "logsumexp": (lambda x: tm.logsumexp(x, 1, keepdim=True), lambda x: x.logsumexp(1, True)),
    "matmul": (lambda x: tm.matmul(x, x.T), lambda x: x @ x.T),
    "sum": (lambda x: tm.sum(x, dim=(0, 1)), lambda x: x.sum()),
    "mean": (lambda x: tm.mean(x, 0, keepdim=True), lambda x: x.mean(0, keepdims=True)),
    "amax": (tm.amax, lambda x: x.max()),
    "amin": (lambda x: tm.amin(x, dim=1), lambda x: x.min(1)),
    "reshape": (lambda x: tm.reshape(x, (3, 2)), lambda x: x.reshape(3, 2)),
    "flatten": (tm.flatten, lambda x: x.flatten()),
    "transpose": (lambda x: tm.transpose(x, 0, 1), lambda x: x.T),
    "squeeze": (lambda x: tm.squeeze(x[:1]), lambda x: x[0]),
    "unsqueeze": (lambda x: tm.unsqueeze(x, 1), lambda x: x.reshape(2, 1, 3)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_function_is_its_method_in_value_and_gradient(name: str) -> None:
    function, method = CASES[name]
    results = []
    for make in (function, method):
        x = tm.tensor(X, requires_grad=True)
        out = make(x)
        weights = np.random.default_rng(0).standard_normal(out.shape)
        (out * weights).sum().backward()
        assert x.grad is not None
        results.append((out.data, x.grad.data))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])


def test_every_function_of_the_module_is_tested_and_exported() -> None:
    public = {name for name in vars(functions) if not name.startswith("_") and callable(
        getattr(functions, name)) and getattr(functions, name).__module__ == functions.__name__}
    assert public == set(CASES) | {"argmax", "argmin"}  # those give indices: tested below
    assert all(getattr(tm, name) is getattr(functions, name) for name in public)


def test_argmax_and_argmin_give_indices_like_the_methods() -> None:
    x = tm.tensor(X)
    assert tm.argmax(x).item() == 2 and tm.argmin(x, dim=1).tolist() == [1, 2]
    assert tm.argmax(x, 1, keepdim=True).shape == (2, 1)


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_array_instead_of_a_tensor_is_refused_naming_the_function(name: str) -> None:
    function = getattr(tm, name)
    arguments: list[Any] = {"clamp": [0.0], "softmax": [1], "log_softmax": [1], "logsumexp": [1],
                            "matmul": [X.T], "reshape": [(6,)], "transpose": [0, 1],
                            "unsqueeze": [0]}.get(name, [])
    with pytest.raises(TypeError, match=rf"^{name}: input must be a Tensor, got ndarray; wrap "
                                        rf"data with tm\.tensor\(\.\.\.\)"):
        function(X, *arguments)


def test_functions_agree_with_pytorchs() -> None:
    torch = pytest.importorskip("torch")
    ours_x, theirs_x = tm.tensor(X), torch.tensor(X)
    pairs = [
        (tm.softmax(ours_x, 1), torch.softmax(theirs_x, 1)),
        (tm.logsumexp(ours_x, 0), torch.logsumexp(theirs_x, 0)),
        (tm.amax(ours_x, 1, keepdim=True), torch.amax(theirs_x, 1, keepdim=True)),
        (tm.amin(ours_x), torch.amin(theirs_x)),
        (tm.mean(ours_x), torch.mean(theirs_x)),
        (tm.clamp(ours_x, max=0.5), torch.clamp(theirs_x, max=0.5)),
        (tm.argmax(ours_x, 0), torch.argmax(theirs_x, 0)),
        (tm.squeeze(tm.unsqueeze(ours_x, 0), 0), torch.squeeze(torch.unsqueeze(theirs_x, 0), 0)),
        (tm.flatten(ours_x, 0, 1), torch.flatten(theirs_x, 0, 1)),
    ]
    for ours, theirs in pairs:
        assert ours.shape == tuple(theirs.shape)
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-15, atol=0)


def test_an_empty_dim_reduces_every_dim_as_in_pytorch_and_logsumexp_needs_one() -> None:
    x = tm.tensor(X)
    for dim in ((), []):
        assert tm.sum(x, dim=dim).item() == X.sum()
        assert tm.mean(x, dim).item() == X.mean()
        assert tm.amax(x, dim).item() == X.max() and tm.amin(x, dim).item() == X.min()
    with pytest.raises(ValueError, match=r"^logsumexp: dim must name one or more dims, got \(\)"):
        tm.logsumexp(x, ())


@pytest.mark.parametrize("name", ["amax", "amin"])
def test_amax_and_amin_keep_the_reduced_dim_with_keepdim_as_pytorchs(name: str) -> None:
    torch = pytest.importorskip("torch")
    for dim in (0, 1, (0, 1)):
        ours = getattr(tm, name)(tm.tensor(X), dim, keepdim=True)
        theirs = getattr(torch, name)(torch.tensor(X), dim, keepdim=True)
        assert ours.shape == tuple(theirs.shape)
        np.testing.assert_array_equal(ours.data, theirs.numpy())


def test_the_hint_names_numpy_only_where_numpy_has_the_function() -> None:
    with pytest.raises(TypeError, match=r"use numpy's np\.exp\)$"):
        tm.exp(np.ones(2))  # type: ignore[arg-type]
    with pytest.raises(TypeError) as caught:
        tm.sigmoid(np.ones(2))  # type: ignore[arg-type]
    assert str(caught.value).endswith("wrap data with tm.tensor(...)")
