"""The function forms: each is its Tensor method, in value and in gradient, and PyTorch's."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tests.strategies import arrays, shapes
from tests.test_methods import derivatives
from tinygrad_mlp import functions

X = np.array([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]])

# name -> (the function call, the same through the method)
CASES: dict[str, tuple[Callable[[tm.Tensor], tm.Tensor], Callable[[tm.Tensor], tm.Tensor]]] = {
    "exp": (tm.exp, lambda x: x.exp()),
    "log": (lambda x: tm.log(tm.abs(x)), lambda x: x.abs().log()),
    "sqrt": (lambda x: tm.sqrt(tm.abs(x)), lambda x: x.abs().sqrt()),
    "log1p": (lambda x: tm.log1p(tm.abs(x)), lambda x: x.abs().log1p()),
    "expm1": (tm.expm1, lambda x: x.expm1()),
    "sin": (tm.sin, lambda x: x.sin()),
    "cos": (tm.cos, lambda x: x.cos()),
    "tan": (tm.tan, lambda x: x.tan()),
    "asin": (lambda x: tm.asin(x / 4), lambda x: (x / 4).asin()),
    "arcsin": (lambda x: tm.arcsin(x / 4), lambda x: (x / 4).asin()),
    "acos": (lambda x: tm.acos(x / 4), lambda x: (x / 4).acos()),
    "arccos": (lambda x: tm.arccos(x / 4), lambda x: (x / 4).acos()),
    "atan": (tm.atan, lambda x: x.atan()),
    "arctan": (tm.arctan, lambda x: x.atan()),
    "atan2": (lambda x: tm.atan2(x, x.T.sum(1)), lambda x: x.atan2(x.T.sum(1))),
    "arctan2": (lambda x: tm.arctan2(x, 0.5), lambda x: x.atan2(0.5)),
    "sinh": (tm.sinh, lambda x: x.sinh()),
    "cosh": (tm.cosh, lambda x: x.cosh()),
    "asinh": (tm.asinh, lambda x: x.asinh()),
    "arcsinh": (tm.arcsinh, lambda x: x.asinh()),
    "acosh": (lambda x: tm.acosh(x * x + 1.5), lambda x: (x * x + 1.5).acosh()),
    "arccosh": (lambda x: tm.arccosh(x * x + 1.5), lambda x: (x * x + 1.5).acosh()),
    "atanh": (lambda x: tm.atanh(x / 4), lambda x: (x / 4).atanh()),
    "arctanh": (lambda x: tm.arctanh(x / 4), lambda x: (x / 4).atanh()),
    "floor": (tm.floor, lambda x: x.floor()),
    "ceil": (tm.ceil, lambda x: x.ceil()),
    "round": (lambda x: tm.round(x, decimals=1), lambda x: x.round(1)),
    "trunc": (tm.trunc, lambda x: x.trunc()),
    "fix": (tm.fix, lambda x: x.trunc()),
    "sign": (tm.sign, lambda x: x.sign()),
    "sgn": (tm.sgn, lambda x: x.sign()),
    "frac": (tm.frac, lambda x: x.frac()),
    "abs": (tm.abs, lambda x: x.abs()),
    "sigmoid": (tm.sigmoid, lambda x: x.sigmoid()),
    "tanh": (tm.tanh, lambda x: x.tanh()),
    "relu": (tm.relu, lambda x: x.relu()),
    "clamp": (lambda x: tm.clamp(x, -1.0, 1.0), lambda x: x.clamp(-1.0, 1.0)),
    "clip": (lambda x: tm.clip(x, min=-1.0), lambda x: x.clamp(-1.0)),
    "pow": (lambda x: tm.pow(x, 3.0), lambda x: x**3.0),
    "square": (tm.square, lambda x: x * x),
    "neg": (tm.neg, lambda x: -x),
    "softmax": (lambda x: tm.softmax(x, dim=1), lambda x: x.softmax(1)),
    "log_softmax": (lambda x: tm.log_softmax(x, 0), lambda x: x.log_softmax(0)),
    "logsumexp": (lambda x: tm.logsumexp(x, 1, keepdim=True), lambda x: x.logsumexp(1, True)),
    "matmul": (lambda x: tm.matmul(x, x.T), lambda x: x @ x.T),
    "mm": (lambda x: tm.mm(x.T, x), lambda x: x.T @ x),
    "sum": (lambda x: tm.sum(x, dim=(0, 1)), lambda x: x.sum()),
    "mean": (lambda x: tm.mean(x, 0, keepdim=True), lambda x: x.mean(0, keepdims=True)),
    "amax": (tm.amax, lambda x: x.amax()),
    "amin": (lambda x: tm.amin(x, dim=1), lambda x: x.amin(1)),
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
    # argmax and argmin give indices, the rest answer questions: each is tested below
    assert public == set(CASES) | set(ADDED) | set(LATER) | set(BITWISE) | set(REST) | set(
        STATS) | {
        "argmax", "argmin", "allclose", "equal", "is_tensor", "isclose", "numel", "max", "min",
        "bernoulli", "broadcast_tensors", "meshgrid"}
    assert all(getattr(tm, name) is getattr(functions, name) for name in public)


def test_max_and_min_take_pytorchs_three_forms() -> None:
    x = tm.tensor(X)
    assert tm.max(x).item() == 2.0 and tm.min(x).item() == -1.5
    values, indices = tm.max(x, 1)
    assert values.tolist() == [2.0, 1.0] and indices.tolist() == [2, 0]
    assert tm.max(x, 1, keepdim=True).values.shape == (2, 1)
    smallest = tm.min(x, dim=0, keepdim=True)
    assert smallest.values.tolist() == [[0.5, -1.5, -0.75]]
    assert smallest.indices.tolist() == [[0, 0, 1]]
    np.testing.assert_array_equal(tm.max(x, tm.zeros(3)).data, np.maximum(X, 0))
    np.testing.assert_array_equal(tm.min(x, tm.zeros(3)).data, np.minimum(X, 0))
    with pytest.raises(TypeError, match=r"^max: input must be a Tensor"):
        tm.max(X, 1)


def test_argmax_and_argmin_give_indices_like_the_methods() -> None:
    x = tm.tensor(X)
    assert tm.argmax(x).item() == 2 and tm.argmin(x, dim=1).tolist() == [1, 2]
    assert tm.argmax(x, 1, keepdim=True).shape == (2, 1)


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_array_instead_of_a_tensor_is_refused_naming_the_function(name: str) -> None:
    function = getattr(tm, name)
    arguments: list[Any] = {"clamp": [0.0], "clip": [0.0], "softmax": [1], "log_softmax": [1],
                            "logsumexp": [1], "matmul": [X.T], "mm": [X.T], "pow": [2.0],
                            "reshape": [(6,)], "transpose": [0, 1], "unsqueeze": [0],
                            "atan2": [X], "arctan2": [X]}.get(name, [])
    named = function.__name__  # an alias (arcsin, fix) names the function it is (asin, trunc)
    with pytest.raises(TypeError, match=rf"^{named}: input must be a Tensor, got ndarray; wrap "
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


# Ordinary points and the edges: off a domain (NaN), on its boundary (±inf), ±0, ±1,
# halves (which round to even), values so large their squares overflow, ±inf and NaN.
EDGES = [-np.inf, -2.5, -1.5, -1.0, -0.5, -0.0, 0.0, 0.3, 0.5, 1.0, 1.5, 2.5, 1e200, np.inf,
         np.nan]
ELEMENTWISE_MATH = ["tan", "asin", "arcsin", "acos", "arccos", "atan", "arctan", "sinh", "cosh",
                    "asinh", "arcsinh", "acosh", "arccosh", "atanh", "arctanh", "floor", "ceil",
                    "round", "trunc", "fix", "sign", "sgn", "frac"]


@pytest.mark.parametrize("name", ELEMENTWISE_MATH)
def test_elementwise_math_gives_pytorchs_values_and_gradients_without_warnings(name: str) -> None:
    torch = pytest.importorskip("torch")
    ours = tm.tensor(EDGES, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "invalid value" would leak; PyTorch is silent
        out = getattr(tm, name)(ours)
        out.backward(tm.ones(len(EDGES)))
    theirs = torch.tensor(EDGES, dtype=torch.float64, requires_grad=True)
    expected = getattr(torch, name)(theirs)
    expected.backward(torch.ones(len(EDGES), dtype=torch.float64))
    assert out.requires_grad and ours.grad is not None
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-14)
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(force=True), rtol=1e-14)


def test_atan2_and_round_to_decimals_give_pytorchs_values_and_gradients() -> None:
    torch = pytest.importorskip("torch")
    points = np.array([[0.0, 0.0], [-0.0, -1.0], [0.0, -1.0], [1.0, 0.0], [-2.0, 3.0],
                       [1e-200, 1e-200], [1e200, 1.0], [np.inf, 1.0], [np.inf, np.inf],
                       [np.nan, 1.0]])
    y, x = tm.tensor(points[:, 0], requires_grad=True), tm.tensor(points[:, 1], requires_grad=True)
    ty, tx = (torch.tensor(points[:, i], requires_grad=True) for i in (0, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no 0 / 0 at the origin, no warning for ∞ / ∞
        tm.atan2(y, x).sum().backward()
    torch.atan2(ty, tx).sum().backward()
    np.testing.assert_allclose(tm.atan2(y, x).data, torch.atan2(ty, tx).detach().numpy())
    for ours, theirs in ((y, ty), (x, tx)):
        assert ours.grad is not None
        np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-15)
    values = [0.25, 0.35, -0.45, 1.05, 2.675, 125.0, -135.0, 1e300]
    for decimals in (1, 2, -1, -2):
        np.testing.assert_array_equal(tm.round(tm.tensor(values), decimals=decimals).data,
                                      torch.round(torch.tensor(values, dtype=torch.float64),
                                                  decimals=decimals).numpy())


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



# -- pow, square, neg, mm: gradients from the engine ---------------------------------------


def leaf(values: Any) -> tm.Tensor:
    return tm.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


BASES = [[0.5, 1.5, 2.0], [1.25, 0.75, 3.0]]


@pytest.mark.parametrize(
    ("name", "function", "inputs"),
    [("pow of a number exponent", lambda x: tm.pow(x, 2.5), [BASES]),
     ("pow of a tensor exponent", tm.pow, [BASES, [[2.0, -1.0, 0.5], [3.0, 1.5, -2.0]]]),
     ("pow of a number base", lambda y: tm.pow(2.0, y), [X]),
     ("square", tm.square, [X]),
     ("neg", tm.neg, [X]),
     ("mm", tm.mm, [X, X.T + 1.0]),
     ("mm of a row and a column", tm.mm, [X[:1], X.T[:, :1]])],
)
def test_gradients_match_finite_differences_in_float64(
    name: str, function: Callable[..., tm.Tensor], inputs: list[Any]
) -> None:
    assert tm.gradcheck(function, [leaf(values) for values in inputs], atol=1e-7, rtol=1e-6)
    assert tm.gradgradcheck(function, [leaf(values) for values in inputs], atol=1e-7, rtol=1e-6)


def test_pow_takes_a_number_base_or_tensor_exponent_as_torch_does() -> None:
    y = tm.tensor([0.0, 1.0, 3.0])
    assert tm.pow(2.0, y).tolist() == [1.0, 2.0, 8.0] and tm.pow(2, y).dtype == np.float64
    assert tm.pow(tm.tensor([4]), 0.5).tolist() == [2.0]  # ints to a float power give floats
    np.testing.assert_array_equal(tm.pow(y, y).data, y.data ** y.data)


def test_square_and_neg_keep_an_int_dtype() -> None:
    assert tm.square(tm.tensor([3, -2])).tolist() == [9, 4]
    assert tm.neg(tm.tensor([3, -2])).tolist() == [-3, 2]
    assert tm.square(tm.tensor([3, -2])).dtype == np.int64


def test_mm_values_and_gradients_equal_pytorchs() -> None:
    torch = pytest.importorskip("torch")
    b = np.random.default_rng(2).standard_normal((3, 4))
    ours_a, ours_b = leaf(X), leaf(b)
    theirs_a = torch.tensor(X, requires_grad=True)
    theirs_b = torch.tensor(b, requires_grad=True)
    ours, theirs = tm.mm(ours_a, ours_b), torch.mm(theirs_a, theirs_b)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-15, atol=1e-15)
    weights = np.random.default_rng(3).standard_normal((2, 4))
    (ours * weights).sum().backward()
    (theirs * torch.from_numpy(weights)).sum().backward()
    assert ours_a.grad is not None and ours_b.grad is not None
    np.testing.assert_allclose(ours_a.grad.data, theirs_a.grad.numpy(), rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(ours_b.grad.data, theirs_b.grad.numpy(), rtol=1e-15, atol=1e-15)


def test_pow_square_neg_values_and_gradients_equal_pytorchs() -> None:
    torch = pytest.importorskip("torch")
    exponent = np.array([[2.0, -1.0, 0.5], [3.0, 1.5, -2.0]])
    pairs = [(lambda x: tm.pow(x, exponent), lambda x: torch.pow(x, torch.from_numpy(exponent))),
             (lambda x: tm.pow(1.5, x), lambda x: torch.pow(1.5, x)),
             (tm.square, torch.square), (tm.neg, torch.neg)]
    for ours_function, theirs_function in pairs:
        ours_x, theirs_x = leaf(BASES), torch.tensor(BASES, dtype=torch.float64,
                                                     requires_grad=True)
        ours, theirs = ours_function(ours_x), theirs_function(theirs_x)
        np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-14)
        ours.sum().backward()
        theirs.sum().backward()
        assert ours_x.grad is not None
        np.testing.assert_allclose(ours_x.grad.data, theirs_x.grad.numpy(), rtol=1e-14)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [(lambda: tm.mm(tm.ones(3), tm.ones(3, 2)), ValueError,
      r"^mm: input and mat2 must be 2-D, got shapes \(3,\) and \(3, 2\); use tm\.matmul"),
     (lambda: tm.mm(tm.ones(2, 2, 3), tm.ones(3, 2)), ValueError,
      r"^mm: input and mat2 must be 2-D, got shapes \(2, 2, 3\) and \(3, 2\)"),
     (lambda: tm.mm(tm.ones(2, 3), tm.ones(4, 2)), ValueError,
      r"^mm: input of shape \(2, 3\) and mat2 of shape \(4, 2\) cannot be multiplied: 3 "
      r"columns against 4 rows"),
     (lambda: tm.mm(tm.ones(2, 3), np.ones((3, 2))), TypeError,
      r"^mm: mat2 must be a Tensor, got ndarray"),
     (lambda: tm.pow(2.0, 3.0), TypeError, r"^pow: input must be a Tensor, got float"),
     (lambda: tm.pow(np.ones(2), tm.ones(2)), TypeError, r"^pow: input must be a Tensor, got "
                                                         r"ndarray"),
     (lambda: tm.neg(tm.tensor([True])), TypeError, r"^neg: cannot compute with inputs of dtype "
                                                    r"bool"),
     (lambda: tm.numel([1, 2]), TypeError, r"^numel: input must be a Tensor, got list")],
)
def test_bad_arguments_are_refused_naming_the_function_and_argument(
    call: Callable[[], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()


# -- is_tensor, numel, equal, isclose, allclose ----------------------------------------------


def test_is_tensor_is_true_for_tensors_and_parameters_only() -> None:
    assert tm.is_tensor(tm.ones(2)) and tm.is_tensor(tm.nn.Parameter(tm.ones(2)))
    assert not any(tm.is_tensor(obj) for obj in (np.ones(2), [1.0], 1.0, None))


def test_numel_counts_the_elements() -> None:
    assert tm.numel(tm.ones(2, 3)) == 6 and tm.numel(tm.tensor(5.0)) == 1
    assert tm.numel(tm.ones(0, 3)) == 0 and isinstance(tm.numel(tm.ones(2)), int)


def test_equal_needs_the_same_shape_and_values_but_not_the_same_dtype() -> None:
    assert tm.equal(tm.tensor([1.0, 2.0]), tm.tensor([1.0, 2.0])) is True
    assert not tm.equal(tm.tensor([1.0, 2.0]), tm.tensor([[1.0, 2.0]]))  # no broadcasting
    assert not tm.equal(tm.tensor([1.0, 2.0]), tm.tensor([1.0, 2.5]))
    assert tm.equal(tm.tensor([1, 2]), tm.tensor([1.0, 2.0]))  # compared as numbers
    assert not tm.equal(tm.tensor([float("nan")]), tm.tensor([float("nan")]))
    assert tm.equal(tm.ones(0), tm.ones(0)) and tm.equal(tm.tensor([0.0]), tm.tensor([-0.0]))


def test_isclose_gives_a_numpy_bool_array_and_allclose_a_python_bool() -> None:
    close = tm.isclose(tm.tensor([1.0, 2.0]), tm.tensor([1.0 + 1e-9, 2.1]))
    assert type(close) is np.ndarray and close.dtype == np.bool_
    assert close.tolist() == [True, False]
    assert tm.isclose(tm.tensor(1.0), tm.tensor(1.0)).shape == ()
    assert tm.allclose(tm.ones(2, 3), tm.ones(3)) is True  # broadcast, as in PyTorch
    assert tm.allclose(tm.ones(2), tm.tensor([1.0, 1.1])) is False
    assert tm.allclose(tm.ones(2), tm.tensor([1.0, 1.1]), 0.2)  # rtol, positionally too
    assert tm.allclose(tm.ones(0), tm.ones(0))


def test_isclose_scales_rtol_by_other_not_input_as_pytorch() -> None:
    small, large = tm.tensor([1.0]), tm.tensor([2.0])
    # |1 - 2| = 1 <= 0.5 · |other| holds for other = 2, not for other = 1
    assert tm.isclose(small, large, rtol=0.5, atol=0.0).tolist() == [True]
    assert tm.isclose(large, small, rtol=0.5, atol=0.0).tolist() == [False]


def test_isclose_compares_ints_exactly_where_numpys_isclose_rounds_them() -> None:
    big, next_one = tm.tensor([2**62]), tm.tensor([2**62 + 1])
    assert np.isclose(big.data, next_one.data, rtol=0, atol=0).all()  # numpy: via float64
    assert not tm.isclose(big, next_one, rtol=0, atol=0).any()
    assert not tm.allclose(tm.tensor([-2**63]), tm.tensor([2**63 - 1]), rtol=0, atol=1)
    assert tm.isclose(tm.tensor(np.array([1, 250], np.uint8)),
                      tm.tensor(np.array([2, 251], np.uint8)), atol=1).all()  # no wrap below 0


SPECIAL = [1.0, 2.0, float("inf"), float("-inf"), float("nan"), 0.0, 1e-9, 100.0]
SPECIAL_OTHER = [1.0 + 1e-6, 2.1, float("inf"), float("inf"), float("nan"), -0.0, 0.0, 101.0]


@pytest.mark.parametrize("tolerances", [{}, {"equal_nan": True}, {"rtol": 0, "atol": 0},
                                        {"rtol": 0.1, "atol": 0}, {"rtol": 0, "atol": 1.0}])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_isclose_allclose_and_equal_agree_with_pytorchs(
    tolerances: dict[str, Any], dtype: str
) -> None:
    torch = pytest.importorskip("torch")
    ours_a, ours_b = tm.tensor(SPECIAL, dtype=dtype), tm.tensor(SPECIAL_OTHER, dtype=dtype)
    theirs_a, theirs_b = torch.from_numpy(ours_a.data), torch.from_numpy(ours_b.data)
    np.testing.assert_array_equal(tm.isclose(ours_a, ours_b, **tolerances),
                                  torch.isclose(theirs_a, theirs_b, **tolerances).numpy())
    for i in range(len(SPECIAL)):  # each pair alone, so allclose sees both answers
        assert tm.allclose(ours_a[i], ours_b[i], **tolerances) == torch.allclose(
            theirs_a[i], theirs_b[i], **tolerances)
        assert tm.equal(ours_a[i], ours_b[i]) == torch.equal(theirs_a[i], theirs_b[i])


@pytest.mark.parametrize(
    ("a", "b", "tolerances"),
    [([2**62, 5], [2**62 + 1, 5], {"rtol": 0, "atol": 0}), ([100, 7], [101, 9], {"rtol": 0.1}),
     ([1, 5], [2, 5], {"atol": 1}), ([True, False], [False, False], {}),
     ([True, False], [True, False], {"atol": 0.5})],
)
def test_isclose_of_ints_and_bools_agrees_with_pytorchs(
    a: list[Any], b: list[Any], tolerances: dict[str, Any]
) -> None:
    torch = pytest.importorskip("torch")
    ours = tm.isclose(tm.tensor(a), tm.tensor(b), **tolerances)
    np.testing.assert_array_equal(ours, torch.isclose(torch.tensor(a), torch.tensor(b),
                                                      **tolerances).numpy())


@pytest.mark.parametrize("name", ["isclose", "allclose"])
@pytest.mark.parametrize(
    ("arguments", "keywords", "error", "message"),
    [((tm.ones(2), 1.0), {}, TypeError, r"{name}: other must be a Tensor, got float"),
     ((np.ones(2), tm.ones(2)), {}, TypeError, r"{name}: input must be a Tensor, got ndarray"),
     ((tm.ones(2), tm.ones(3)), {}, ValueError,
      r"{name}: input of shape \(2,\) and other of shape \(3,\) cannot be broadcast together"),
     ((tm.ones(2), tm.ones(2)), {"rtol": -1.0}, ValueError, r"{name}: rtol must be >= 0, got -1"),
     ((tm.ones(2), tm.ones(2)), {"atol": float("nan")}, ValueError,
      r"{name}: atol must be >= 0, got nan"),
     ((tm.ones(2), tm.ones(2)), {"atol": "a"}, TypeError, r"{name}: atol must be a number, got "
                                                          r"'a'")],
)
def test_closeness_refuses_bad_arguments_naming_the_function_and_argument(
    name: str, arguments: tuple[Any, ...], keywords: dict[str, Any], error: type[Exception],
    message: str
) -> None:
    with pytest.raises(error, match="^" + message.format(name=name)):
        getattr(tm, name)(*arguments, **keywords)


def test_equal_refuses_what_is_not_a_tensor_naming_the_argument() -> None:
    with pytest.raises(TypeError, match=r"^equal: other must be a Tensor, got list"):
        tm.equal(tm.ones(2), [1.0, 1.0])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^equal: input must be a Tensor, got ndarray"):
        tm.equal(np.ones(2), tm.ones(2))  # type: ignore[arg-type]


# -- function forms of the methods PyTorch 2.13 added (methods.py, reductions.py) ------------

POSITIVE_X = np.abs(X) + 0.5
COUNTS = np.array([2, 0, 1])


def lib_levels(lib: Any, values: list[float]) -> Any:
    """Quantile levels as a float64 tensor of ``lib`` (tm or torch)."""
    return lib.tensor(np.array(values))


# name -> (call(lib, x) for lib = tm or torch, the same through tm's method). ``x`` holds X.
ADDED: dict[str, tuple[Callable[[Any, Any], Any], Callable[[Any], Any]]] = {
    "absolute": (lambda lib, x: lib.absolute(x), lambda x: x.abs()),
    "negative": (lambda lib, x: lib.negative(x), lambda x: -x),
    "subtract": (lambda lib, x: lib.subtract(x, x[0], alpha=2), lambda x: x.sub(x[0], alpha=2)),
    "multiply": (lambda lib, x: lib.multiply(x, x), lambda x: x * x),
    "divide": (lambda lib, x: lib.divide(x, x * x + 1, rounding_mode="floor"),
               lambda x: x.div(x * x + 1, rounding_mode="floor")),
    "true_divide": (lambda lib, x: lib.true_divide(x, 3.0), lambda x: x / 3.0),
    "floor_divide": (lambda lib, x: lib.floor_divide(x, 0.7), lambda x: x.floor_divide(0.7)),
    "remainder": (lambda lib, x: lib.remainder(x, 0.7), lambda x: x.remainder(0.7)),
    "fmod": (lambda lib, x: lib.fmod(x, -0.7), lambda x: x.fmod(-0.7)),
    "greater": (lambda lib, x: lib.greater(x, 0.5), lambda x: x.gt(0.5)),
    "greater_equal": (lambda lib, x: lib.greater_equal(x, 0.5), lambda x: x.ge(0.5)),
    "less": (lambda lib, x: lib.less(x, 0.5), lambda x: x.lt(0.5)),
    "less_equal": (lambda lib, x: lib.less_equal(x, 0.5), lambda x: x.le(0.5)),
    "not_equal": (lambda lib, x: lib.not_equal(x, 0.5), lambda x: x.ne(0.5)),
    "clamp_min": (lambda lib, x: lib.clamp_min(x, 0.3), lambda x: x.clamp(min=0.3)),
    "clamp_max": (lambda lib, x: lib.clamp_max(x, 0.3), lambda x: x.clamp(max=0.3)),
    "rsqrt": (lambda lib, x: lib.rsqrt(x * x + 0.5), lambda x: (x * x + 0.5).rsqrt()),
    "exp2": (lambda lib, x: lib.exp2(x), lambda x: x.exp2()),
    "log2": (lambda lib, x: lib.log2(x * x + 0.5), lambda x: (x * x + 0.5).log2()),
    "log10": (lambda lib, x: lib.log10(x * x + 0.5), lambda x: (x * x + 0.5).log10()),
    "logaddexp": (lambda lib, x: lib.logaddexp(x, x[1]), lambda x: x.logaddexp(x[1])),
    "logaddexp2": (lambda lib, x: lib.logaddexp2(x, x[1]), lambda x: x.logaddexp2(x[1])),
    "xlogy": (lambda lib, x: lib.xlogy(x, x * x + 0.5), lambda x: x.xlogy(x * x + 0.5)),
    "logit": (lambda lib, x: lib.logit(x.sigmoid(), 0.3), lambda x: x.sigmoid().logit(0.3)),
    "lerp": (lambda lib, x: lib.lerp(x, x[0], x[1]), lambda x: x.lerp(x[0], x[1])),
    "addcmul": (lambda lib, x: lib.addcmul(x, x, x[0], value=0.5),
                lambda x: x.addcmul(x, x[0], value=0.5)),
    "addcdiv": (lambda lib, x: lib.addcdiv(x, x, x * x + 1), lambda x: x.addcdiv(x, x * x + 1)),
    "nan_to_num": (lambda lib, x: lib.nan_to_num(x.log(), nan=-1.0),
                   lambda x: x.log().nan_to_num(nan=-1.0)),
    "heaviside": (lambda lib, x: lib.heaviside(x, x[0]), lambda x: x.heaviside(x[0])),
    "signbit": (lambda lib, x: lib.signbit(x), lambda x: x.signbit()),
    "nansum": (lambda lib, x: lib.nansum(x.log(), 1), lambda x: x.log().nansum(1)),
    "nanmean": (lambda lib, x: lib.nanmean(x.log(), (0, 1), keepdim=True),
                lambda x: x.log().nanmean((0, 1), keepdim=True)),
    "median": (lambda lib, x: lib.median(x, 1).values, lambda x: x.median(1).values),
    "nanmedian": (lambda lib, x: lib.nanmedian(x.log()), lambda x: x.log().nanmedian()),
    "quantile": (lambda lib, x: lib.quantile(x, lib_levels(lib, [0.2, 0.6]), 1, True),
                 lambda x: x.quantile(tm.tensor([0.2, 0.6]), 1, True)),
    "nanquantile": (lambda lib, x: lib.nanquantile(x.log(), 0.5, interpolation="lower"),
                    lambda x: x.log().nanquantile(0.5, interpolation="lower")),
    "aminmax": (lambda lib, x: lib.aminmax(x, dim=-1), lambda x: x.aminmax(dim=-1)),
    "count_nonzero": (lambda lib, x: lib.count_nonzero(lib.relu(x), 0),
                      lambda x: x.relu().count_nonzero(0)),
    "swapaxes": (lambda lib, x: lib.swapaxes(x, 0, 1), lambda x: x.T),
    "swapdims": (lambda lib, x: lib.swapdims(x, 1, 0), lambda x: x.T),
    "movedim": (lambda lib, x: lib.movedim(x, 0, -1), lambda x: x.T),
    "moveaxis": (lambda lib, x: lib.moveaxis(x, (0, 1), (1, 0)), lambda x: x.T),
    "fliplr": (lambda lib, x: lib.fliplr(x), lambda x: x.flip(1)),
    "flipud": (lambda lib, x: lib.flipud(x), lambda x: x.flip(0)),
    "roll": (lambda lib, x: lib.roll(x, -1, 1), lambda x: x.roll(-1, 1)),
    "rot90": (lambda lib, x: lib.rot90(x, 3), lambda x: x.rot90(3)),
    "tile": (lambda lib, x: lib.tile(x, (2,)), lambda x: x.repeat(1, 2)),
    "repeat_interleave": (lambda lib, x: lib.repeat_interleave(x, lib.tensor(COUNTS), 1),
                          lambda x: x.repeat_interleave(tm.tensor(COUNTS), 1)),
    "tensor_split": (lambda lib, x: lib.tensor_split(x, 2, 1), lambda x: x.split(2, 1)),
    "unflatten": (lambda lib, x: lib.unflatten(x, 1, (3, 1)), lambda x: x.unsqueeze(2)),
    "take_along_dim": (lambda lib, x: lib.take_along_dim(x, lib.tensor([[2], [0]]), 1),
                       lambda x: x.gather(1, tm.tensor([[2], [0]]))),
    "masked_select": (lambda lib, x: lib.masked_select(x, lib.tensor(X > 0)),
                      lambda x: x[X > 0]),
    "nonzero": (lambda lib, x: lib.nonzero(lib.relu(x), as_tuple=True),
                lambda x: np.nonzero(X > 0)),
    "argwhere": (lambda lib, x: lib.argwhere(lib.relu(x)), lambda x: np.argwhere(X > 0)),
    "isin": (lambda lib, x: lib.isin(lib.tensor([1, 2, 3]), lib.tensor([2, 5])),
             lambda x: np.isin([1, 2, 3], [2, 5])),
}


def outputs(result: Any) -> list[Any]:
    """A result's arrays: one for a Tensor or an array, one each for a tuple's parts."""
    parts = result if isinstance(result, tuple) else (result,)
    return [np.asarray(p.detach().numpy() if hasattr(p, "detach") and not isinstance(
        p, tm.Tensor) else p.data if isinstance(p, tm.Tensor) else p) for p in parts]


@pytest.mark.parametrize("name", sorted(ADDED))
def test_each_added_function_is_its_method_in_value_and_gradient(name: str) -> None:
    function, method = ADDED[name]
    results = []
    for make in (lambda x: function(tm, x), method):
        x = tm.tensor(X, requires_grad=True)
        with np.errstate(invalid="ignore", divide="ignore"):  # the log of X's negatives
            out = make(x)
            if isinstance(out, tm.Tensor) and out.requires_grad:
                tm.nansum(out * np.random.default_rng(0).standard_normal(out.shape)).backward()
        results.append([*outputs(out), None if x.grad is None else x.grad.data])
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs, err_msg=name)


@pytest.mark.parametrize("name", sorted(ADDED))
def test_each_added_function_equals_pytorchs(name: str) -> None:
    torch = pytest.importorskip("torch")
    function, _ = ADDED[name]
    with np.errstate(invalid="ignore", divide="ignore"):
        ours = outputs(function(tm, tm.tensor(X)))
    theirs = outputs(function(torch, torch.tensor(X)))
    assert len(ours) == len(theirs), name
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape, name
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15, err_msg=name)


ADDED_ARGUMENTS: dict[str, list[Any]] = {
    "subtract": [1.0], "multiply": [1.0], "divide": [1.0], "true_divide": [1.0],
    "floor_divide": [1.0], "remainder": [1.0], "fmod": [1.0], "greater": [0.0],
    "greater_equal": [0.0], "less": [0.0], "less_equal": [0.0], "not_equal": [0.0],
    "clamp_min": [0.0], "clamp_max": [0.0], "logaddexp": [X], "logaddexp2": [X],
    "xlogy": [X], "lerp": [X, 0.5], "addcmul": [X, X], "addcdiv": [X, X], "heaviside": [X],
    "quantile": [0.5], "nanquantile": [0.5], "swapaxes": [0, 1], "swapdims": [0, 1],
    "movedim": [0, 1], "moveaxis": [0, 1], "roll": [1], "tile": [(2,)],
    "repeat_interleave": [2], "tensor_split": [2], "unflatten": [1, (3, 1)],
    "take_along_dim": [COUNTS[None]], "masked_select": [X > 0],
}


@pytest.mark.parametrize("name", sorted(set(ADDED) - {"isin"}))
def test_an_added_function_refuses_an_array_naming_itself(name: str) -> None:
    with pytest.raises(TypeError, match=rf"^{name}: input must be a Tensor, got ndarray"):
        getattr(tm, name)(X, *ADDED_ARGUMENTS.get(name, []))


def test_xlogy_and_remainder_take_a_number_first_as_pytorchs() -> None:
    y = tm.tensor([3.0, -3.0, 0.5])
    np.testing.assert_allclose(tm.xlogy(2.0, y.abs()).data, 2 * np.log(np.abs(y.data)))
    assert tm.remainder(5, y).tolist() == [2.0, -1.0, 0.0]
    with pytest.raises(TypeError, match=r"^xlogy: input must be a Tensor, got float"):
        tm.xlogy(2.0, 3.0)


def test_the_one_argument_repeat_interleave_repeats_each_index_its_count() -> None:
    assert tm.repeat_interleave(tm.tensor([1, 0, 3])).tolist() == [0, 2, 2, 2]
    assert tm.repeat_interleave(tm.tensor([2, 1])).dtype == np.int64
    assert tm.repeat_interleave(tm.tensor([2], dtype=tm.int32)).dtype == np.int32  # as PyTorch
    assert tm.repeat_interleave(tm.tensor(np.zeros(0, np.int64))).shape == (0,)
    with pytest.raises(TypeError, match=r"^repeat_interleave: repeats must be an int"):
        tm.repeat_interleave(tm.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"^repeat_interleave: counts alone must be a 1-D "
                                         r"tensor, got shape \(\)"):
        tm.repeat_interleave(tm.tensor(3))
    with pytest.raises(TypeError, match=r"^repeat_interleave: with counts alone there is no dim"):
        tm.repeat_interleave(tm.tensor([2, 1]), dim=0)


def test_the_one_argument_repeat_interleave_equals_pytorchs() -> None:
    torch = pytest.importorskip("torch")
    for counts in (np.array([2, 0, 3]), np.array([1, 2], np.int32)):
        ours, theirs = tm.repeat_interleave(tm.tensor(counts)), torch.repeat_interleave(
            torch.tensor(counts))
        assert ours.tolist() == theirs.tolist() and ours.dtype == theirs.numpy().dtype
    for bad in (lambda lib: lib.repeat_interleave(lib.tensor(3)),
                lambda lib: lib.repeat_interleave(lib.tensor([2, 1]), dim=0)):
        for lib in (tm, torch):
            with pytest.raises((TypeError, ValueError, RuntimeError)):
                bad(lib)


def test_tensor_split_takes_pytorchs_keywords_but_not_indices_or_sections() -> None:
    torch = pytest.importorskip("torch")
    calls: list[Callable[[Any, Any], Any]] = [
        lambda lib, x: lib.tensor_split(x, sections=3),
        lambda lib, x: lib.tensor_split(x, indices=(1, 4), dim=0),
        lambda lib, x: lib.tensor_split(x, tensor_indices_or_sections=lib.tensor([2])),
        lambda lib, x: lib.tensor_split(x, 4)]
    for call in calls:
        ours, theirs = call(tm, tm.tensor(X[0])), call(torch, torch.tensor(X[0]))
        assert [p.tolist() for p in ours] == [p.tolist() for p in theirs]
    for lib in (tm, torch):
        with pytest.raises(TypeError):
            lib.tensor_split(lib.tensor(X[0]), indices_or_sections=2)


def test_comparison_functions_name_themselves_when_shapes_do_not_broadcast() -> None:
    for name in ("greater", "greater_equal", "less", "less_equal", "not_equal"):
        with pytest.raises(ValueError, match=rf"^{name}: shapes \(2,\) and \(3,\) cannot be "
                                             "broadcast together"):
            getattr(tm, name)(tm.ones(2), tm.ones(3))
    with pytest.raises(ValueError, match=r"^floor_divide: shapes \(2,\) and \(3,\)"):
        tm.floor_divide(tm.ones(2), tm.ones(3))
    with pytest.raises(ValueError, match=r"^remainder: shapes \(2,\) and \(3,\)"):
        tm.remainder(tm.ones(2), tm.ones(3))


def test_isin_takes_numbers_or_tensors_and_gives_numpy_booleans() -> None:
    found = tm.isin(tm.tensor([[1, 2], [3, 4]]), tm.tensor([4, 1]))
    assert type(found) is np.ndarray and found.tolist() == [[True, False], [False, True]]
    assert tm.isin(2, tm.tensor([1, 2])).item() is True
    assert tm.isin(tm.tensor([1, 2]), 2, invert=True).tolist() == [True, False]
    with pytest.raises(TypeError, match=r"^isin: elements or test_elements must be a Tensor"):
        tm.isin([1, 2], [2])


# -- function forms of logic, broadcast_to, hardshrink, msort, mode, unique, renorm --------

# name -> (call(lib, x) for lib = tm or torch, the same through tm's method). ``x`` holds X.
LATER: dict[str, tuple[Callable[[Any, Any], Any], Callable[[Any], Any]]] = {
    "logical_and": (lambda lib, x: lib.logical_and(x, lib.relu(x)), lambda x: x.logical_and(
        x.relu())),
    "logical_or": (lambda lib, x: lib.logical_or(lib.relu(x), lib.relu(-x)),
                   lambda x: x.relu().logical_or((-x).relu())),
    "logical_xor": (lambda lib, x: lib.logical_xor(x, lib.relu(x)),
                    lambda x: x.logical_xor(x.relu())),
    "logical_not": (lambda lib, x: lib.logical_not(lib.relu(x)), lambda x: x.relu().logical_not()),
    "broadcast_to": (lambda lib, x: lib.broadcast_to(x, (4, 2, 3)), lambda x: x.expand(4, 2, 3)),
    "hardshrink": (lambda lib, x: lib.hardshrink(x, 0.6), lambda x: x.hardshrink(0.6)),
    "msort": (lambda lib, x: lib.msort(x), lambda x: x.sort(0).values),
    "mode": (lambda lib, x: lib.mode(lib.round(x), 1), lambda x: x.round().mode(1)),
    "unique": (lambda lib, x: lib.unique(x, return_counts=True), lambda x: x.unique(
        return_counts=True)),
    "unique_consecutive": (lambda lib, x: lib.unique_consecutive(lib.round(x), dim=1),
                           lambda x: x.round().unique_consecutive(dim=1)),
    "renorm": (lambda lib, x: lib.renorm(x, 2, 0, 1.5), lambda x: x.renorm(2, 0, 1.5)),
    "angle": (lambda lib, x: lib.angle(x), lambda x: x.angle()),
}


@pytest.mark.parametrize("name", sorted(LATER))
def test_each_later_function_is_its_method_in_value_and_gradient(name: str) -> None:
    function, method = LATER[name]
    results = []
    for make in (lambda x: function(tm, x), method):
        x = tm.tensor(X, requires_grad=True)
        out = make(x)
        first = out[0] if isinstance(out, tuple) else out
        if isinstance(first, tm.Tensor) and first.requires_grad:
            (first * np.random.default_rng(0).standard_normal(first.shape)).sum().backward()
        results.append([*outputs(out), None if x.grad is None else x.grad.data])
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs, err_msg=name)


@pytest.mark.parametrize("name", sorted(LATER))
def test_a_later_function_refuses_an_array_naming_itself(name: str) -> None:
    arguments = {"logical_and": [X], "logical_or": [X], "logical_xor": [X],
                 "broadcast_to": [(2, 3)], "renorm": [2, 0, 1.0]}.get(name, [])
    with pytest.raises(TypeError, match=rf"^{name}: input must be a Tensor, got ndarray"):
        getattr(tm, name)(X, *arguments)


# -- function forms of the bitwise methods (operators.py): ints and bools, no gradient -------

BITS = np.array([[5, -7, 12], [0, 3, -1]])

# name -> (call(lib, x) for lib = tm or torch, the same through tm's method or operator). ``x``
# holds BITS.
BITWISE: dict[str, tuple[Callable[[Any, Any], Any], Callable[[Any], Any]]] = {
    "bitwise_and": (lambda lib, x: lib.bitwise_and(x, x[0]), lambda x: x & x[0]),
    "bitwise_or": (lambda lib, x: lib.bitwise_or(6, x), lambda x: x.bitwise_or(6)),
    "bitwise_xor": (lambda lib, x: lib.bitwise_xor(x.bool(), x[1].bool()),
                    lambda x: x.bool() ^ x[1].bool()),
    "bitwise_not": (lambda lib, x: lib.bitwise_not(x), lambda x: ~x),
    "bitwise_left_shift": (lambda lib, x: lib.bitwise_left_shift(x, x[1].abs()),
                           lambda x: x << x[1].abs()),
    "bitwise_right_shift": (lambda lib, x: lib.bitwise_right_shift(100, x.abs()),
                            lambda x: 100 >> x.abs()),
}


@pytest.mark.parametrize("name", sorted(BITWISE))
def test_each_bitwise_function_is_its_method_and_equals_pytorchs(name: str) -> None:
    function, method = BITWISE[name]
    ours = function(tm, tm.tensor(BITS))
    np.testing.assert_array_equal(ours.data, method(tm.tensor(BITS)).data)
    torch = pytest.importorskip("torch")
    theirs = function(torch, torch.tensor(BITS))
    assert ours.dtype == theirs.numpy().dtype
    np.testing.assert_array_equal(ours.data, theirs.numpy())


@pytest.mark.parametrize("name", sorted(BITWISE))
def test_a_bitwise_function_refuses_an_array_naming_itself(name: str) -> None:
    arguments = [] if name == "bitwise_not" else [BITS]
    with pytest.raises(TypeError, match=rf"^{name}: input must be a Tensor, got ndarray"):
        getattr(tm, name)(BITS, *arguments)


def test_bernoulli_function_is_the_method_and_refuses_an_array() -> None:
    tm.manual_seed(4)
    drawn = tm.bernoulli(tm.full((2, 8), 0.5))
    tm.manual_seed(4)
    np.testing.assert_array_equal(tm.full((2, 8), 0.5).bernoulli().data, drawn.data)
    assert tm.bernoulli(tm.zeros(3), 1.0).tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(TypeError, match=r"^bernoulli: input must be a Tensor, got ndarray"):
        tm.bernoulli(X)


# -- function forms of the rest: PyTorch's short names, comparisons, sorting, splitting ... --

# name -> (call(lib, x) for lib = tm or torch, the same through tm's method). ``x`` holds X.
REST: dict[str, tuple[Callable[[Any, Any], Any], Callable[[Any], Any]]] = {
    "add": (lambda lib, x: lib.add(x, x[0], alpha=2), lambda x: x + 2 * x[0]),
    "sub": (lambda lib, x: lib.sub(x, x[1], alpha=0.5), lambda x: x - 0.5 * x[1]),
    "mul": (lambda lib, x: lib.mul(x, x[0]), lambda x: x * x[0]),
    "div": (lambda lib, x: lib.div(x, x * x + 1), lambda x: x / (x * x + 1)),
    "reciprocal": (lambda lib, x: lib.reciprocal(x), lambda x: 1 / x),
    "eq": (lambda lib, x: lib.eq(x, lib.relu(x)), lambda x: x.data == x.relu().data),
    "ne": (lambda lib, x: lib.ne(x, lib.relu(x)), lambda x: x.data != x.relu().data),
    "gt": (lambda lib, x: lib.gt(x, 0.5), lambda x: x.data > 0.5),
    "ge": (lambda lib, x: lib.ge(x, 0.5), lambda x: x.data >= 0.5),
    "lt": (lambda lib, x: lib.lt(x, 0.5), lambda x: x.data < 0.5),
    "le": (lambda lib, x: lib.le(x, 0.5), lambda x: x.data <= 0.5),
    "isnan": (lambda lib, x: lib.isnan(x.log()), lambda x: np.isnan(np.log(X))),
    "isinf": (lambda lib, x: lib.isinf(x / lib.relu(x)), lambda x: np.isinf(X / np.maximum(X, 0))),
    "isfinite": (lambda lib, x: lib.isfinite(x.log()), lambda x: np.isfinite(np.log(X))),
    "all": (lambda lib, x: lib.all(lib.relu(x), 1), lambda x: (X > 0).all(1)),
    "any": (lambda lib, x: lib.any(lib.relu(x), 0, keepdim=True),
            lambda x: (X > 0).any(0, keepdims=True)),
    "sort": (lambda lib, x: lib.sort(x, 0, descending=True), lambda x: x.sort(0, True)),
    "argsort": (lambda lib, x: lib.argsort(x, dim=1), lambda x: x.argsort(1)),
    "topk": (lambda lib, x: lib.topk(x, 2, largest=False), lambda x: x.topk(2, -1, False)),
    "split": (lambda lib, x: lib.split(x, [1, 2], 1), lambda x: (x[:, :1], x[:, 1:])),
    "chunk": (lambda lib, x: lib.chunk(x, 2, 1), lambda x: (x[:, :2], x[:, 2:])),
    "unbind": (lambda lib, x: lib.unbind(x, 1), lambda x: (x[:, 0], x[:, 1], x[:, 2])),
    "narrow": (lambda lib, x: lib.narrow(x, 1, 1, 2), lambda x: x[:, 1:3]),
    "gather": (lambda lib, x: lib.gather(x, 1, lib.tensor([[2, 0], [1, 1]])),
               lambda x: x.gather(1, tm.tensor([[2, 0], [1, 1]]))),
    "index_select": (lambda lib, x: lib.index_select(x, 1, lib.tensor([2, 0, 2])),
                     lambda x: x[:, [2, 0, 2]]),
    "masked_fill": (lambda lib, x: lib.masked_fill(x, lib.tensor(X > 0), 0.5),
                    lambda x: x.masked_fill(tm.tensor(X > 0), 0.5)),
    "permute": (lambda lib, x: lib.permute(x[None], (2, 0, 1)), lambda x: x[None].permute(2, 0, 1)),
    "t": (lambda lib, x: lib.t(x), lambda x: x.T),
    "flip": (lambda lib, x: lib.flip(x, (0, 1)), lambda x: x.flip(0, 1)),
    "norm": (lambda lib, x: lib.norm(x, 3, 1, True), lambda x: x.norm(3, 1, True)),
    "std": (lambda lib, x: lib.std(x, 1, correction=0), lambda x: x.std(dim=1, correction=0)),
    "var": (lambda lib, x: lib.var(x, (0, 1), keepdim=True),
            lambda x: x.var(dim=(0, 1), keepdim=True)),
    "clone": (lambda lib, x: lib.clone(x), lambda x: x.clone()),
    "detach": (lambda lib, x: lib.detach(x), lambda x: x.detach()),
    "is_floating_point": (lambda lib, x: lib.is_floating_point(x), lambda x: True),
}


# std_mean, var_mean, cov, corrcoef, kthvalue, hypot, copysign and float_power, tested
# further in the last section: name -> (call(lib, x) for lib = tm or torch, the same through
# tm's methods). ``x`` holds X.
STATS: dict[str, tuple[Callable[[Any, Any], Any], Callable[[Any], Any]]] = {
    "std_mean": (lambda lib, x: lib.std_mean(x, 1, correction=0),
                 lambda x: (x.std(dim=1, correction=0), x.mean(1))),
    "var_mean": (lambda lib, x: lib.var_mean(x, (0, 1), keepdim=True),
                 lambda x: (x.var(dim=(0, 1), keepdim=True), x.mean((0, 1), keepdims=True))),
    "cov": (lambda lib, x: lib.cov(x, correction=0, aweights=lib.abs(x[0])),
            lambda x: x.cov(correction=0, aweights=x[0].abs())),
    "corrcoef": (lambda lib, x: lib.corrcoef(x), lambda x: x.corrcoef()),
    "kthvalue": (lambda lib, x: lib.kthvalue(x, 2, 1), lambda x: x.kthvalue(2, 1)),
    "hypot": (lambda lib, x: lib.hypot(x, x[0]), lambda x: x.hypot(x[0])),
    "copysign": (lambda lib, x: lib.copysign(x, x[1]), lambda x: x.copysign(x[1])),
    "float_power": (lambda lib, x: lib.float_power(lib.abs(x), x[0]),
                    lambda x: x.abs().float_power(x[0])),
}


@pytest.mark.parametrize("name", sorted(REST) + sorted(STATS))
def test_each_rest_or_stats_function_is_its_method_in_value_and_gradient(name: str) -> None:
    function, method = (REST | STATS)[name]
    results = []
    for make in (lambda x: function(tm, x), method):
        x = tm.tensor(X, requires_grad=True)
        with np.errstate(invalid="ignore", divide="ignore"):  # the log of X's negatives
            out = make(x)
        parts = out if isinstance(out, tuple) else (out,)
        differentiable = [p for p in parts if isinstance(p, tm.Tensor) and p.requires_grad]
        for k, part in enumerate(differentiable):
            (part * np.random.default_rng(k).standard_normal(part.shape)).sum().backward()
        results.append([*outputs(out), None if x.grad is None else x.grad.data])
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs, err_msg=name)


@pytest.mark.parametrize("name", sorted(LATER | REST))
def test_each_later_or_rest_function_equals_pytorchs_in_value_shape_and_dtype(name: str) -> None:
    torch = pytest.importorskip("torch")
    function, _ = (LATER | REST)[name]
    with np.errstate(invalid="ignore", divide="ignore"):
        ours = outputs(function(tm, tm.tensor(X)))
    theirs = outputs(function(torch, torch.tensor(X)))
    assert len(ours) == len(theirs), name
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape and a.dtype == b.dtype, name
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15, err_msg=name)


@pytest.mark.parametrize("name", sorted(REST))
def test_a_rest_function_refuses_an_array_naming_itself(name: str) -> None:
    arguments = {"add": [1.0], "sub": [1.0], "mul": [1.0], "div": [1.0], "eq": [0.0],
                 "ne": [0.0], "gt": [0.0], "ge": [0.0], "lt": [0.0], "le": [0.0], "topk": [1],
                 "split": [1], "chunk": [2], "narrow": [0, 0, 1], "gather": [0, COUNTS[None]],
                 "index_select": [0, COUNTS[:1]], "masked_fill": [X > 0, 0.0],
                 "permute": [(1, 0)], "flip": [0]}.get(name, [])
    with pytest.raises(TypeError, match=rf"^{name}: input must be a Tensor, got ndarray"):
        getattr(tm, name)(X, *arguments)


def test_add_sub_mul_and_div_take_a_number_first_as_pytorchs() -> None:
    torch = pytest.importorskip("torch")
    for name in ("add", "sub", "mul", "div"):
        ours, theirs = getattr(tm, name)(2.0, tm.tensor(X)), getattr(torch, name)(
            2.0, torch.tensor(X))
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-15, err_msg=name)
    with pytest.raises(TypeError, match=r"^add: input must be a Tensor, got float"):
        tm.add(2.0, 3.0)


# -- broadcast_tensors and meshgrid: several tensors in, several out ------------------------


@pytest.mark.parametrize("indexing", ["ij", "xy"])
@pytest.mark.parametrize("sizes", [(3,), (3, 2), (3, 2, 4), (0, 2), ((), 2, 4)])
def test_meshgrid_gives_pytorchs_grids_and_gradients(indexing: str, sizes: tuple[Any, ...]) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(len(sizes))
    values = [rng.standard_normal(size) for size in sizes]
    ours = [tm.tensor(v, requires_grad=True) for v in values]
    theirs = [torch.tensor(v, requires_grad=True) for v in values]
    grids, reference = tm.meshgrid(*ours, indexing=indexing), torch.meshgrid(*theirs,
                                                                            indexing=indexing)
    assert len(grids) == len(reference)
    weights = [rng.standard_normal(tuple(r.shape)) for r in reference]
    for grid, expected in zip(grids, reference):
        np.testing.assert_array_equal(grid.data, expected.detach().numpy())
    sum((g * w).sum() for g, w in zip(grids, weights)).backward()
    sum((r * torch.tensor(w)).sum() for r, w in zip(reference, weights)).backward()
    for p, q in zip(ours, theirs):
        assert p.grad is not None and q.grad is not None
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-14, atol=1e-15)


def test_meshgrid_takes_one_list_and_warns_without_indexing_as_pytorch() -> None:
    a, b = tm.tensor([1.0, 2.0, 3.0]), tm.tensor([4.0, 5.0])
    with pytest.warns(UserWarning, match=r"^meshgrid: indexing not given, so 'ij'"):
        x, y = tm.meshgrid(a, b)
    assert x.shape == y.shape == (3, 2) and x.tolist() == [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]
    x, y = tm.meshgrid([a, b], indexing="xy")
    assert x.shape == (2, 3) and y.tolist() == [[4.0, 4.0, 4.0], [5.0, 5.0, 5.0]]


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: tm.meshgrid(tm.ones((2, 2)), tm.ones(2), indexing="ij"), ValueError,
     r"^meshgrid: tensors\[0\] must be 0-d or 1-d, got shape \(2, 2\)"),
    (lambda: tm.meshgrid(tm.ones(2), tm.tensor([1, 2]), indexing="ij"), TypeError,
     r"^meshgrid: the tensors must have one dtype, got float64, int64"),
    (lambda: tm.meshgrid(indexing="ij"), ValueError, r"^meshgrid: no tensors given"),
    (lambda: tm.meshgrid(tm.ones(2), indexing="yx"), ValueError,
     r"^meshgrid: indexing must be 'ij' or 'xy', got 'yx'"),
    (lambda: tm.meshgrid(tm.ones(2), np.ones(2), indexing="ij"), TypeError,
     r"^meshgrid: tensors\[1\] must be a Tensor, got ndarray"),
    (lambda: tm.broadcast_tensors(tm.ones(2), tm.ones(3)), ValueError,
     r"^broadcast_tensors: shapes \(2,\), \(3,\) cannot be broadcast together"),
    (lambda: tm.broadcast_tensors(tm.ones(2), [1.0]), TypeError,
     r"^broadcast_tensors: tensors\[1\] must be a Tensor, got list"),
])
def test_meshgrid_and_broadcast_tensors_refuse_bad_input_naming_themselves(
        call: Callable[[], Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_broadcast_tensors_gives_pytorchs_shapes_values_and_gradients() -> None:
    torch = pytest.importorskip("torch")
    values = [np.arange(2.0).reshape(2, 1), np.array([0.5, -1.0, 2.0]), np.array(3.0)]
    ours = [tm.tensor(v, requires_grad=True) for v in values]
    theirs = [torch.tensor(v, requires_grad=True) for v in values]
    out, reference = tm.broadcast_tensors(*ours), torch.broadcast_tensors(*theirs)
    weights = np.random.default_rng(1).standard_normal((2, 3))
    for o, r in zip(out, reference):
        assert o.shape == tuple(r.shape) == (2, 3)
        np.testing.assert_array_equal(o.data, r.detach().numpy())
    sum((o * weights).sum() for o in out).backward()
    sum((r * torch.tensor(weights)).sum() for r in reference).backward()
    for p, q in zip(ours, theirs):
        assert p.grad is not None and q.grad is not None
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-14)
    assert tm.broadcast_tensors() == ()


# -- spreads with their means, cov, corrcoef, kthvalue, hypot, copysign, float_power --------



@pytest.mark.parametrize("name", sorted(STATS))
def test_each_stats_function_equals_pytorchs_in_value_gradient_and_dtype(name: str) -> None:
    torch = pytest.importorskip("torch")
    function, _ = STATS[name]
    ours = outputs(function(tm, tm.tensor(X)))
    theirs = outputs(function(torch, torch.tensor(X)))
    for a, b in zip(ours, theirs, strict=True):
        assert a.shape == b.shape and a.dtype == b.dtype, name
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15, err_msg=name)
    def first(lib: Any, x: Any) -> Any:
        out = function(lib, x)
        return out[0] if isinstance(out, tuple) else out

    for ours_d, theirs_d in zip(derivatives(tm, first, [X]), derivatives(torch, first, [X]),
                                strict=True):
        np.testing.assert_allclose(ours_d, theirs_d, rtol=1e-12, atol=1e-14, err_msg=name)


@pytest.mark.parametrize("name", sorted(STATS))
def test_each_stats_function_passes_gradcheck_and_gradgradcheck(name: str) -> None:
    function, _ = STATS[name]
    x = tm.tensor(X, requires_grad=True)

    def first(t: tm.Tensor) -> Any:
        out = function(tm, t)
        return tm.cat([p.reshape(-1) for p in out[:2] if p.dtype.kind == "f"]) if isinstance(
            out, tuple) else out

    assert tm.gradcheck(first, (x,))
    assert tm.gradgradcheck(first, (x,))


@pytest.mark.parametrize("name", sorted(STATS))
def test_a_stats_function_refuses_an_array_naming_itself(name: str) -> None:
    arguments = {"kthvalue": [1], "hypot": [X], "copysign": [X], "float_power": [2]}.get(name, [])
    with pytest.raises(TypeError, match=rf"^{name}: input must be a Tensor, got ndarray"):
        getattr(tm, name)(X, *arguments)


@given(data=st.data())
def test_std_mean_and_var_mean_equal_numpys_over_any_dims(data: st.DataObject) -> None:
    shape = data.draw(shapes(min_dims=1, max_dims=3))
    values = data.draw(arrays(shape))
    dims = data.draw(st.sets(st.integers(0, len(shape) - 1), min_size=1).map(tuple))
    correction = data.draw(st.sampled_from([0, 1]))
    assume(np.prod([shape[d] for d in dims]) > correction)
    keepdim = data.draw(st.booleans())
    std, mean = tm.std_mean(tm.tensor(values), dims, correction=correction, keepdim=keepdim)
    var, mean2 = tm.var_mean(tm.tensor(values), dims, correction=correction, keepdim=keepdim)
    np.testing.assert_allclose(var.data, np.var(values, dims, ddof=correction, keepdims=keepdim),
                               rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(std.data, np.std(values, dims, ddof=correction, keepdims=keepdim),
                               rtol=1e-12, atol=1e-15)
    for m in (mean, mean2):
        np.testing.assert_allclose(m.data, np.mean(values, dims, keepdims=keepdim), rtol=1e-12,
                                   atol=1e-15)


def test_std_mean_and_var_mean_refuse_what_std_refuses_naming_themselves() -> None:
    with pytest.raises(TypeError, match=r"^std_mean: needs a floating point tensor, got dtype "
                                        r"int64"):
        tm.std_mean(tm.tensor([1, 2]))
    with pytest.raises(IndexError, match=r"^var_mean: axis 2 is out of range"):
        tm.var_mean(tm.ones(2, 2), 2)
    with pytest.raises(TypeError, match=r"^var_mean: correction must be a number"):
        tm.var_mean(tm.ones(2), correction="1")
