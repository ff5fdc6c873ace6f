"""Jacobians, Hessians and their products against closed forms, each other and PyTorch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tests.strategies import arrays, shapes


def close(ours: tm.Tensor, expected: Any) -> bool:
    return bool(np.allclose(ours.data, np.asarray(expected), rtol=1e-10, atol=1e-12))


def smooth(a: tm.Tensor, b: tm.Tensor) -> tm.Tensor:
    """A function of two inputs with a nonzero Hessian everywhere: (4,), (3, 4) -> (3, 4)."""
    return (a * b).tanh() * a.exp() + b * b


@given(data=st.data())
def test_the_jacobian_of_a_linear_map_is_its_matrix(data: st.DataObject) -> None:
    n, m = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    matrix = data.draw(arrays((m, n)))
    x = tm.tensor(data.draw(arrays((n,))))
    assert close(tm.jacobian(lambda t: tm.tensor(matrix) @ t, x), matrix)


@given(data=st.data())
def test_the_hessian_of_a_quadratic_form_is_a_plus_its_transpose(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 4))
    matrix = tm.tensor(data.draw(arrays((n, n))))
    x = tm.tensor(data.draw(arrays((n,))))
    assert close(tm.hessian(lambda t: t @ (matrix @ t), x), matrix.data + matrix.data.T)


@given(data=st.data())
def test_products_equal_the_jacobian_and_hessian_times_a_vector(data: st.DataObject) -> None:
    shape = data.draw(shapes(min_dims=1, max_dims=2))
    x = tm.tensor(data.draw(arrays(shape)))
    u, w = tm.tensor(data.draw(arrays(shape))), tm.tensor(data.draw(arrays(shape)))

    def f(t: tm.Tensor) -> tm.Tensor:
        return (t * t).sigmoid() * t

    flat_jacobian = tm.jacobian(f, x).data.reshape(x.size, x.size)
    _, forward = tm.jvp(f, x, u)
    _, backward = tm.vjp(f, x, w)
    assert close(forward, (flat_jacobian @ u.data.reshape(-1)).reshape(shape))
    assert close(backward, (w.data.reshape(-1) @ flat_jacobian).reshape(shape))

    def g(t: tm.Tensor) -> tm.Tensor:
        return ((t * t).sigmoid() * t).sum()

    flat_hessian = tm.hessian(g, x).data.reshape(x.size, x.size)
    for product in (tm.hvp(g, x, u)[1], tm.vhp(g, x, u)[1]):
        assert close(product, (flat_hessian @ u.data.reshape(-1)).reshape(shape))


def test_the_jacobian_matches_central_differences() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(4), rng.standard_normal((3, 4))
    blocks = tm.jacobian(smooth, (tm.tensor(a), tm.tensor(b)))
    for j, base in enumerate((a, b)):
        numeric = np.zeros((3, 4, *base.shape))
        for k in np.ndindex(base.shape):
            step = np.zeros_like(base)
            step[k] = 1e-6
            ups = [a, b]
            ups[j] = base + step
            downs = [a, b]
            downs[j] = base - step
            numeric[(..., *k)] = (smooth(*map(tm.tensor, ups)).data
                                  - smooth(*map(tm.tensor, downs)).data) / 2e-6
        np.testing.assert_allclose(blocks[j].data, numeric,
                                   rtol=1e-6, atol=1e-8)


def test_results_have_pytorchs_nesting_for_tuples_of_inputs_and_outputs() -> None:
    x, y = tm.tensor([1.0, 2.0]), tm.tensor([3.0])
    one_out = tm.jacobian(lambda a, b: a * b, (x, y))
    assert isinstance(one_out, tuple) and [t.shape for t in one_out] == [(2, 2), (2, 1)]
    two_out = tm.jacobian(lambda a: (a * 2.0, a.sum()), x)
    assert isinstance(two_out, tuple) and [t.shape for t in two_out] == [(2, 2), (2,)]
    both = tm.jacobian(lambda a, b: (a * b, (a * b).sum()), (x, y))
    assert [[t.shape for t in row] for row in both] == [[(2, 2), (2, 1)], [(2,), (1,)]]
    hessians = tm.hessian(lambda a, b: (a * a * b).sum(), (x, y))
    assert [[t.shape for t in row] for row in hessians] == [[(2, 2), (2, 1)], [(1, 2), (1, 1)]]
    assert close(hessians[0][1], [[2.0], [4.0]]) and close(hessians[1][0], [[2.0, 4.0]])


def test_an_unused_input_gets_zeros_or_with_strict_an_error_naming_it() -> None:
    x, y = tm.tensor([1.0, 2.0]), tm.tensor([3.0, 4.0])
    assert not tm.jacobian(lambda a, b: a * 2.0, (x, y))[1].data.any()
    assert not tm.vjp(lambda a, b: (a * 2.0).sum(), (x, y))[1][1].data.any()
    with pytest.raises(RuntimeError, match=r"jacobian: the output does not depend on inputs\[1\]"):
        tm.jacobian(lambda a, b: a * 2.0, (x, y), strict=True)
    with pytest.raises(RuntimeError, match=r"vjp: the output does not depend on inputs\[1\]"):
        tm.vjp(lambda a, b: (a * 2.0).sum(), (x, y), strict=True)


def test_the_inputs_grads_are_untouched_and_results_carry_no_graph() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    jac = tm.jacobian(lambda t: t ** 3, x)
    out, product = tm.vjp(lambda t: (t ** 3).sum(), x)
    assert x.grad is None
    assert not jac.requires_grad and not out.requires_grad and not product.requires_grad


def test_they_record_inside_no_grad_as_pytorchs_do() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    with tm.no_grad():
        jac = tm.jacobian(lambda t: t * t, x, create_graph=True)
        constant_input = tm.jacobian(lambda t: t * t, tm.tensor([1.0, 2.0]), create_graph=True)
        _, product = tm.vjp(lambda t: (t * t).sum(), x, create_graph=True)
    assert close(jac, [[2.0, 0.0], [0.0, 4.0]]) and close(product, [2.0, 4.0])
    assert jac.requires_grad and constant_input.requires_grad and product.requires_grad


def test_strict_checks_the_function_not_whether_its_derivative_is_constant() -> None:
    x = tm.tensor([1.0, -2.0])
    assert not tm.hessian(lambda t: t.relu().sum(), x, strict=True).data.any()
    assert not tm.vhp(lambda t: t.abs().sum(), x, tm.tensor([1.0, 1.0]), strict=True)[1].data.any()
    with pytest.raises(RuntimeError, match=r"hessian: the output does not depend on inputs\[1\]"):
        tm.hessian(lambda a, b: (a * a).sum(), (x, x), strict=True)


def test_vhp_and_hvp_take_no_v_for_an_input_with_one_element() -> None:
    _, product = tm.hvp(lambda t: (t ** 3).sum(), tm.tensor(2.0))
    assert close(product, 12.0)


def test_create_graph_records_the_result_so_it_can_be_differentiated_again() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    jac = tm.jacobian(lambda t: t ** 3, x, create_graph=True)  # diag(3 t^2)
    jac.sum().backward()
    assert close(x.grad, 6.0 * x.data)
    _, product = tm.hvp(lambda t: (t ** 4).sum(), x, tm.tensor([1.0, 1.0]), create_graph=True)
    (third,) = tm.grad(product.sum(), x)  # d/dt of 12 t^2
    assert close(third, 24.0 * x.data)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: tm.vjp(lambda t: t * 2.0, tm.tensor([1.0, 2.0])),
     r"vjp: v is needed because output 0 has shape \(2,\), not a single element"),
    (lambda: tm.vjp(lambda t: t * 2.0, tm.tensor([1.0, 2.0]), tm.tensor([1.0])),
     r"vjp: v has shapes \[\(1,\)\] but must match the outputs' \[\(2,\)\]"),
    (lambda: tm.jvp(lambda t: t * 2.0, tm.tensor([1.0, 2.0])),
     r"jvp: v is needed because input 0 has shape \(2,\)"),
    (lambda: tm.hvp(lambda t: (t * t).sum(), tm.tensor([1.0, 2.0]), tm.tensor([1.0])),
     r"hvp: v has shapes \[\(1,\)\] but must match the inputs' \[\(2,\)\]"),
    (lambda: tm.jacobian(lambda t: (t, None), tm.tensor([1.0])),
     r"jacobian: the function's output must be .* element 1 is a NoneType"),
    (lambda: tm.hessian(lambda t: t * 2.0, tm.tensor([1.0, 2.0])),
     r"hessian: the function must return a single-element Tensor, got shapes \[\(2,\)\]"),
    (lambda: tm.jacobian(lambda t: t, tm.tensor([1, 2])),
     r"jacobian: inputs\[0\] has dtype int64; derivatives need floating point inputs"),
    (lambda: tm.jacobian(lambda t: t, np.ones(2)),
     r"jacobian: inputs must be a Tensor or a tuple of Tensors, got ndarray"),
    (lambda: tm.jacobian(lambda t: t.data, tm.tensor([1.0])),
     r"jacobian: the function's output must be a Tensor or a tuple of Tensors, got ndarray"),
])
def test_misuse_gets_an_error_naming_the_function_and_the_shapes(
    call: Callable[[], Any], message: str
) -> None:
    with pytest.raises((RuntimeError, TypeError), match=message):
        call()


# -- against PyTorch --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["jacobian", "hessian", "vjp", "jvp", "vhp", "hvp"])
def test_every_function_equals_torch_autograd_functional(name: str) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal(4), rng.standard_normal((3, 4))
    ours_in, theirs_in = (tm.tensor(a), tm.tensor(b)), (torch.tensor(a), torch.tensor(b))

    def scalar(p: Any, q: Any) -> Any:
        return smooth(p, q).sum() if isinstance(p, tm.Tensor) else (
            (p * q).tanh() * p.exp() + q * q).sum()

    def vector(p: Any, q: Any) -> Any:
        return smooth(p, q) if isinstance(p, tm.Tensor) else (p * q).tanh() * p.exp() + q * q

    va, vb, vo = rng.standard_normal(4), rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    functional = torch.autograd.functional
    if name == "jacobian":
        ours, theirs = tm.jacobian(vector, ours_in), functional.jacobian(vector, theirs_in)
    elif name == "hessian":
        ours, theirs = tm.hessian(scalar, ours_in), functional.hessian(scalar, theirs_in)
        ours, theirs = [t for row in ours for t in row], [t for row in theirs for t in row]
    elif name == "vjp":
        ours = tm.vjp(vector, ours_in, tm.tensor(vo))[1]
        theirs = functional.vjp(vector, theirs_in, torch.tensor(vo))[1]
    elif name == "jvp":
        ours = [tm.jvp(vector, ours_in, (tm.tensor(va), tm.tensor(vb)))[1]]
        theirs = [functional.jvp(vector, theirs_in, (torch.tensor(va), torch.tensor(vb)))[1]]
    else:
        ours = getattr(tm, name)(scalar, ours_in, (tm.tensor(va), tm.tensor(vb)))[1]
        theirs = getattr(functional, name)(scalar, theirs_in,
                                           (torch.tensor(va), torch.tensor(vb)))[1]
    assert len(ours) == len(theirs)
    for mine, other in zip(ours, theirs):
        np.testing.assert_allclose(mine.data, other.numpy(), rtol=1e-11, atol=1e-13)


def test_v_may_be_left_out_for_any_single_element_output_not_only_0d() -> None:
    _, product = tm.vjp(lambda t: (t * t).sum(0, keepdims=True), tm.tensor([1.0, 2.0]))
    assert product.tolist() == [2.0, 4.0]


def test_jvp_with_strict_refuses_an_unused_input() -> None:
    x, y = tm.tensor([1.0, 2.0]), tm.tensor([3.0, 4.0])
    with pytest.raises(RuntimeError, match=r"jvp: the output does not depend on inputs\[1\]"):
        tm.jvp(lambda a, b: a * 2.0, (x, y), (x, x), strict=True)


def test_hessian_with_create_graph_can_be_differentiated_again() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    tm.hessian(lambda t: (t ** 3).sum(), x, create_graph=True).sum().backward()  # diag(6 t)
    assert x.grad is not None and x.grad.tolist() == [6.0, 6.0]


def test_hvp_of_a_vector_valued_function_says_it_needs_a_single_element() -> None:
    with pytest.raises(RuntimeError, match=r"hvp: the function must return a single-element"):
        tm.hvp(lambda t: t * t, tm.tensor([1.0, 2.0]), tm.tensor([1.0, 1.0]))


def test_jvp_and_vjp_of_a_non_square_linear_map_are_m_v_and_m_transpose_w() -> None:
    # A map with a non-symmetric Jacobian tells Jv from vᵀJ; an elementwise one cannot.
    matrix = np.arange(6.0).reshape(2, 3) - 2.0
    x, v, w = tm.tensor([1.0, -1.0, 0.5]), tm.tensor([0.5, 2.0, -1.0]), tm.tensor([3.0, -2.0])
    _, forward = tm.jvp(lambda t: tm.tensor(matrix) @ t, x, v)
    _, backward = tm.vjp(lambda t: tm.tensor(matrix) @ t, x, w)
    np.testing.assert_allclose(forward.data, matrix @ v.data, rtol=1e-12)
    np.testing.assert_allclose(backward.data, matrix.T @ w.data, rtol=1e-12)
    # Two inputs: f(a, b) = (M a) ⊙ b, so vᵀJ is (Mᵀ (w ⊙ b), w ⊙ M a).
    b = tm.tensor([2.0, -0.5])
    _, (along_a, along_b) = tm.vjp(lambda a, c: (tm.tensor(matrix) @ a) * c, (x, b), w)
    np.testing.assert_allclose(along_a.data, matrix.T @ (w.data * b.data), rtol=1e-12)
    np.testing.assert_allclose(along_b.data, w.data * (matrix @ x.data), rtol=1e-12)
    _, jv = tm.jvp(lambda a, c: (tm.tensor(matrix) @ a) * c, (x, b), (v, tm.tensor([1.0, 1.0])))
    np.testing.assert_allclose(jv.data, (matrix @ v.data) * b.data + matrix @ x.data, rtol=1e-12)
