"""tm.gradcheck and tm.gradgradcheck: they pass correct gradients and point at wrong ones.

The wrong ones are custom ``tm.Function``s written here, each with one
deliberate mistake in its vector-Jacobian product, the way a new op's author
might get it wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tests.strategies import arrays, leaf, shapes
from tinygrad_mlp import nn, ops

Check = Callable[..., bool]

# ------------------------------------------------------------ ops under test


class Sin(tm.Function):
    """y = sin a.   dy/da = cos a (first derivatives only: backward uses numpy)."""

    name = "sin"

    def forward(self, a: tm.Tensor) -> np.ndarray:
        self.save_for_backward(a)
        return np.sin(a.data)

    def backward(self, g: tm.Tensor) -> tm.Tensor:
        (a,) = self.saved_tensors
        return g * np.cos(a.data)


class SinWithWrongDerivative(Sin):
    """sin, whose backward uses +sin a where cos a belongs."""

    name = "wrong_sin"

    def backward(self, g: tm.Tensor) -> tm.Tensor:
        (a,) = self.saved_tensors
        return g * np.sin(a.data)


class SquareMissingAFactorOfTwoAt(tm.Function):
    """y = a², whose backward gives a instead of 2a at the one element ``wrong_at``."""

    name = "square_missing_two"

    def forward(self, a: tm.Tensor, wrong_at: tuple[int, ...]) -> np.ndarray:
        self.save_for_backward(a)
        self.factor = np.full(a.shape, 2.0)
        self.factor[wrong_at] = 1.0
        return a.data**2

    def backward(self, g: tm.Tensor) -> tm.Tensor:
        (a,) = self.saved_tensors
        return g * self.factor * a


class CubeWithNumpyBackward(tm.Function):
    """y = a³ with backward 3a² in raw numpy: right values, but no graph to differentiate."""

    name = "numpy_cube"

    def forward(self, a: tm.Tensor) -> np.ndarray:
        self.save_for_backward(a)
        return a.data**3

    def backward(self, g: tm.Tensor) -> tm.Tensor:
        (a,) = self.saved_tensors
        return tm.Tensor(g.data * 3.0 * a.data**2)


class CubeWithDetachedFactor(CubeWithNumpyBackward):
    """y = a³ with backward 3 a · detach(a): 3a² in value, but its derivative is 3a, not 6a."""

    name = "detached_cube"

    def backward(self, g: tm.Tensor) -> tm.Tensor:
        (a,) = self.saved_tensors
        return g * 3.0 * a * a.detach()


class MulWithWrongGradForB(tm.Function):
    """y = a b, whose backward gives dL/db = g (should be g a)."""

    name = "wrong_mul"

    def forward(self, a: tm.Tensor, b: tm.Tensor) -> np.ndarray:
        self.save_for_backward(a, b)
        return a.data * b.data

    def backward(self, g: tm.Tensor) -> tuple[tm.Tensor, tm.Tensor]:
        _, b = self.saved_tensors
        return g * b, g


class AddWithoutUnbroadcast(ops.Op):
    """y = a + b with broadcasting, whose backward forgets to sum g back to b's shape.

    A built-in op (``ops.Op``), whose gradients the engine trusts; it checks
    a user's ``tm.Function``'s itself (``tests/test_autograd.py``).
    """

    name = "add_no_unbroadcast"

    def forward(self, a: tm.Tensor, b: tm.Tensor) -> np.ndarray:
        return a.data + b.data

    def backward(self, g: tm.Tensor) -> tuple[tm.Tensor, tm.Tensor]:
        return g, g


class NaNGradient(tm.Function):
    """y = 2a, whose backward returns NaN."""

    name = "nan_grad"

    def forward(self, a: tm.Tensor) -> np.ndarray:
        return 2.0 * a.data

    def backward(self, g: tm.Tensor) -> tm.Tensor:
        return g * float("nan")


def values(*shape: int) -> np.ndarray:
    """Distinct, non-zero float64 values in [0.5, 1.5], so no derivative vanishes by chance."""
    return np.linspace(0.5, 1.5, int(np.prod(shape))).reshape(shape)


# ---------------------------------------------------------------- passing


def test_passes_and_returns_true_for_a_correct_function_of_one_input() -> None:
    x = leaf(values(2, 3))
    assert tm.gradcheck(lambda t: (t * t).sigmoid().sum(axis=1), [x]) is True
    assert tm.gradcheck(lambda t: Sin.apply(t), x) is True  # a lone tensor is accepted


def test_passes_for_several_inputs_and_several_outputs() -> None:
    a, b, c = leaf(values(2, 3)), leaf(values(3, 4) - 1.0), leaf(values(4))

    def fn(a: tm.Tensor, b: tm.Tensor, c: tm.Tensor) -> tuple[tm.Tensor, ...]:
        return (a @ b + c).tanh(), (a * a).sum(), c.exp()

    assert tm.gradcheck(fn, [a, b, c])
    assert tm.gradcheck(fn, [a, b, c], fast_mode=True)


def test_inputs_that_do_not_require_grad_are_passed_through_but_not_checked() -> None:
    # b's gradient is wrong, but b does not require grad, so nobody uses it.
    a, b = leaf(values(3)), leaf(values(3), requires_grad=False)
    assert tm.gradcheck(lambda a, b, k: MulWithWrongGradForB.apply(a, b) * k, [a, b, 3.0])
    b.requires_grad_()
    with pytest.raises(tm.GradcheckError, match="with respect to input 1 "):
        tm.gradcheck(lambda a, b, k: MulWithWrongGradForB.apply(a, b) * k, [a, b, 3.0])


def mlp() -> nn.Sequential:
    generator = np.random.default_rng(0)
    return nn.Sequential(
        nn.Linear(3, 4, dtype=tm.float64, generator=generator),
        nn.Sigmoid(),
        nn.Linear(4, 2, dtype=tm.float64, generator=generator),
    )


@pytest.mark.parametrize("fast", [False, True])
def test_outputs_that_need_no_grad_are_left_out_beside_one_that_does_as_in_pytorch(
    fast: bool,
) -> None:
    x = leaf(np.array([0.0, 1.0, -2.0]))
    count = lambda t: tm.tensor(np.sum(t.data > 0))  # noqa: E731  (a step: no derivative)
    accuracy = lambda t: tm.tensor(np.mean(t.data > 0.5))  # noqa: E731
    assert tm.gradcheck(lambda t: (t.sigmoid().sum(), count(t)), [x], fast_mode=fast)
    assert tm.gradcheck(lambda t: (t * 2.0, accuracy(t)), [x], fast_mode=fast)
    assert tm.gradgradcheck(lambda t: (t.sigmoid(), tm.tensor(1.0)), [x], fast_mode=fast)


@pytest.mark.parametrize("fast", [False, True])
def test_when_no_output_needs_grad_its_numeric_jacobian_must_be_zero(fast: bool) -> None:
    x = leaf(values(3))
    assert tm.gradcheck(lambda t: tm.tensor(1.0), [x], fast_mode=fast)
    with pytest.raises(tm.GradcheckError, match=r"output 0 with respect to input 0|output 0, in"):
        tm.gradcheck(lambda t: tm.tensor(t.data * 2.0), [x], fast_mode=fast)


class SumOfSquaresIgnoringG(tm.Function):
    """y = Σ a², whose backward forgets g: right whenever g is 1, as for a scalar loss."""

    name = "sum_of_squares_ignoring_g"

    def forward(self, a: tm.Tensor) -> np.ndarray:
        self.save_for_backward(a)
        return np.sum(a.data**2)

    def backward(self, g: tm.Tensor) -> tm.Tensor:
        (a,) = self.saved_tensors
        return 2.0 * a


@pytest.mark.parametrize("fast", [False, True])
def test_a_backward_that_ignores_g_fails_even_for_a_scalar_output(fast: bool) -> None:
    x = leaf(values(3))
    # A scalar output's u has length 1, so only the zero-gradient run can show it.
    message = r"not multiplied by grad_output: output 0 with a gradient of zeros gave input 0"
    with pytest.raises(tm.GradcheckError, match=message):
        tm.gradcheck(SumOfSquaresIgnoringG.apply, [x], fast_mode=fast)


class DoublingEachBackward(tm.Function):
    """y = Σ a², whose backward doubles a stored factor each time it runs."""

    name = "doubling_each_backward"

    def forward(self, a: tm.Tensor) -> np.ndarray:
        self.save_for_backward(a)
        self.factor = 1.0
        return np.sum(a.data**2)

    def backward(self, g: tm.Tensor) -> tm.Tensor:
        (a,) = self.saved_tensors
        self.factor *= 2.0
        return g * a * self.factor


_NOISE = np.random.default_rng(0)


class Noisy(Sin):
    """sin, whose backward is off by a random relative 1e-9 each time it runs."""

    name = "noisy_sin"

    def backward(self, g: tm.Tensor) -> tm.Tensor:
        noise = _NOISE.normal(0, 1e-9, g.shape)  # new noise each run, the same each test run
        return super().backward(g) * tm.tensor(1.0 + noise)


@pytest.mark.parametrize("fast", [False, True])
def test_a_backward_that_differs_when_run_again_fails_unless_nondet_tol_allows(fast: bool) -> None:
    x = leaf(values(3))
    with pytest.raises(tm.GradcheckError, match=r"not reentrant: output 0, run twice .* input 0 "
                                                r"gradients that differ by up to"):
        tm.gradcheck(DoublingEachBackward.apply, [x], fast_mode=fast)
    with pytest.raises(tm.GradcheckError, match="not reentrant"):
        tm.gradcheck(Noisy.apply, [x], fast_mode=fast)
    assert tm.gradcheck(Noisy.apply, [x], fast_mode=fast, nondet_tol=1e-6)


class MulWithDetachedSecondGradient(tm.Function):
    """y = a b, whose backward for b is right but computed off the graph (numpy)."""

    name = "mul_detached_b"

    def forward(self, a: tm.Tensor, b: tm.Tensor) -> np.ndarray:
        self.save_for_backward(a, b)
        return a.data * b.data

    def backward(self, g: tm.Tensor) -> tuple[tm.Tensor, tm.Tensor]:
        a, b = self.saved_tensors
        return g * b, tm.tensor(g.data * a.data)


def test_gradgradcheck_catches_one_first_derivative_computed_off_the_graph() -> None:
    a, b = leaf(values(3)), leaf(values(3) + 1.0)
    assert tm.gradcheck(MulWithDetachedSecondGradient.apply, [a, b])
    with pytest.raises(tm.GradcheckError, match=r"Jacobian of output \d+ with respect to input 0"):
        tm.gradgradcheck(MulWithDetachedSecondGradient.apply, [a, b])


def test_a_module_is_checked_through_a_function_of_no_arguments() -> None:
    model, x = mlp(), tm.tensor(values(5, 3))
    target = np.full((5, 2), 0.25)
    assert tm.gradcheck(lambda: nn.functional.quadratic_cost(model(x), target), model)
    assert tm.gradcheck(lambda: model(x), model, fast_mode=True)


def test_a_module_parameter_with_a_wrong_gradient_is_named_by_its_dotted_path() -> None:
    model, x = mlp(), tm.tensor(values(5, 3))
    with pytest.raises(tm.GradcheckError, match=r"output 1 with respect to parameter '2\.weight'"):
        tm.gradcheck(lambda: (model(x), SinWithWrongDerivative.apply(model[2].weight)), model)


def test_frozen_module_parameters_are_not_checked() -> None:
    model, x = mlp(), tm.tensor(values(5, 3))
    model[0].weight.requires_grad_(False)
    assert tm.gradcheck(lambda: model(x), model)


def test_inputs_are_left_unchanged_after_a_pass_and_after_a_failure() -> None:
    data = values(2, 3)
    x = leaf(data)
    tm.gradcheck(lambda t: t.sigmoid(), [x])
    tm.gradcheck(lambda t: t.sigmoid(), [x], fast_mode=True)
    assert not tm.gradcheck(lambda t: SinWithWrongDerivative.apply(t), [x], raise_exception=False)
    np.testing.assert_array_equal(x.data, data)


# ---------------------------------------------- catching a wrong VJP rule


def test_a_wrong_derivative_is_caught_with_a_report_that_points_at_it() -> None:
    a = values(2, 3)
    x = leaf(a)
    with pytest.raises(tm.GradcheckError) as caught:
        tm.gradcheck(lambda t: SquareMissingAFactorOfTwoAt.apply(t, wrong_at=(1, 2)), [x])
    message = str(caught.value)
    # The backward says a where the derivative is 2a: at a = 1.5, 1.5 against 3.
    assert "input 0 (shape (2, 3))" in message
    assert "element (1, 2) of the input and 5 of the output" in message
    assert re.search(r"analytic 1\.5, numeric 3(\.0*\d*)?,", message), message
    assert "abs error 1.5, rel error 0.5" in message
    assert "1 of 36 entries are off" in message


def test_the_error_carries_both_jacobians() -> None:
    a = values(2, 3)
    x = leaf(a)
    with pytest.raises(tm.GradcheckError) as caught:
        tm.gradcheck(lambda t: SquareMissingAFactorOfTwoAt.apply(t, wrong_at=(0, 1)), [x])
    true_jacobian = np.diag(2.0 * a.ravel())
    wrong_jacobian = true_jacobian.copy()
    wrong_jacobian[1, 1] = a[0, 1]
    assert caught.value.analytic is not None and caught.value.numeric is not None
    np.testing.assert_array_equal(caught.value.analytic, wrong_jacobian)
    np.testing.assert_allclose(caught.value.numeric, true_jacobian, rtol=0, atol=1e-8)


@given(st.data())
def test_the_report_names_whichever_element_is_wrong(data: st.DataObject) -> None:
    shape = data.draw(shapes(min_dims=1, max_dims=3), label="shape")
    wrong_at = tuple(data.draw(st.integers(0, n - 1)) for n in shape)
    # |a| >= 0.1 keeps the missing a well above the tolerance.
    a = data.draw(arrays(shape, 0.1, 2.0), label="a") * data.draw(st.sampled_from([-1, 1]))
    with pytest.raises(tm.GradcheckError, match=re.escape(f"element {wrong_at} of the input")):
        tm.gradcheck(lambda t: SquareMissingAFactorOfTwoAt.apply(t, wrong_at=wrong_at), leaf(a))


def test_the_report_names_the_output_whose_jacobian_is_wrong() -> None:
    x = leaf(values(3))
    with pytest.raises(tm.GradcheckError, match="Jacobian of output 1 with respect to input 0"):
        tm.gradcheck(lambda t: (t.exp(), SinWithWrongDerivative.apply(t)), [x])


def test_raise_exception_false_returns_false_instead() -> None:
    x = leaf(values(2, 2))
    for fast in (False, True):
        passed = tm.gradcheck(
            lambda t: SinWithWrongDerivative.apply(t), x, fast_mode=fast, raise_exception=False
        )
        assert passed is False


def test_tolerances_decide_how_far_off_an_element_may_be() -> None:
    # Off by a relative 1e-4 on one element: inside the default rtol 1e-3, outside 1e-5.
    class SquareOffByAHair(SquareMissingAFactorOfTwoAt):
        def forward(self, a: tm.Tensor, wrong_at: tuple[int, ...]) -> np.ndarray:
            out = super().forward(a, wrong_at)
            self.factor[wrong_at] = 2.0 * (1 + 1e-4)
            return out

    x = leaf(values(4))
    assert tm.gradcheck(lambda t: SquareOffByAHair.apply(t, wrong_at=(2,)), x)
    with pytest.raises(tm.GradcheckError, match=r"element \(2,\)"):
        tm.gradcheck(lambda t: SquareOffByAHair.apply(t, wrong_at=(2,)), x, atol=1e-8, rtol=1e-5)


def test_fast_mode_catches_a_wrong_derivative_and_names_the_input() -> None:
    a, b = leaf(values(2, 3)), leaf(values(2, 3))
    with pytest.raises(tm.GradcheckError) as caught:
        tm.gradcheck(lambda a, b: MulWithWrongGradForB.apply(a, b), [a, b], fast_mode=True)
    message = str(caught.value)
    assert message.startswith("gradcheck (fast): output 0, input 1 (shape (2, 3))")
    assert "by backward" in message and "numerically" in message
    assert "abs error" in message and "rel error" in message
    # In fast mode the attributes hold one projection uᵀJv per input.
    assert caught.value.analytic is not None and caught.value.numeric is not None
    assert caught.value.analytic.shape == caught.value.numeric.shape == (2,)
    np.testing.assert_allclose(caught.value.analytic[0], caught.value.numeric[0], rtol=1e-6)


def test_fast_mode_catches_a_single_wrong_element() -> None:
    x = leaf(values(3, 4))
    with pytest.raises(tm.GradcheckError, match=r"gradcheck \(fast\): output 0, input 0"):
        tm.gradcheck(
            lambda t: SquareMissingAFactorOfTwoAt.apply(t, wrong_at=(2, 1)), x, fast_mode=True
        )


def test_a_gradient_shaped_unlike_its_input_is_reported_with_both_shapes() -> None:
    a, b = leaf(values(2, 3)), leaf(values(3))
    for fast in (False, True):
        with pytest.raises(
            tm.GradcheckError, match=r"shape \(2, 3\) for input 1, which has shape \(3,\)"
        ):
            tm.gradcheck(lambda a, b: AddWithoutUnbroadcast.apply(a, b), [a, b], fast_mode=fast)
        assert not tm.gradcheck(
            lambda a, b: AddWithoutUnbroadcast.apply(a, b), [a, b], fast_mode=fast,
            raise_exception=False,
        )


def test_a_nan_gradient_fails_rather_than_slipping_through_the_comparison() -> None:
    x = leaf(values(3))
    with pytest.raises(tm.GradcheckError, match="analytic nan"):
        tm.gradcheck(lambda t: NaNGradient.apply(t), x)
    with pytest.raises(tm.GradcheckError, match="is nan by backward"):
        tm.gradcheck(lambda t: NaNGradient.apply(t), x, fast_mode=True)


# ---------------------------------------------------------- gradgradcheck


def test_gradgradcheck_passes_for_sigmoid_and_matmul_compositions() -> None:
    w, x, b = leaf(values(4, 3) - 1.0), leaf(values(5, 3)), leaf(values(4))
    assert tm.gradgradcheck(lambda t: t.sigmoid(), [x])
    assert tm.gradgradcheck(lambda w, x, b: (x @ w.T + b).sigmoid(), [w, x, b])
    assert tm.gradgradcheck(lambda w, x: ((x @ w.T).tanh() @ w).sum(), [w, x], fast_mode=True)


def test_gradgradcheck_catches_a_backward_written_in_raw_numpy() -> None:
    x = leaf(values(2, 2))
    assert tm.gradcheck(lambda t: CubeWithNumpyBackward.apply(t), x)  # first order is right
    with pytest.raises(tm.GradcheckError, match=r"analytic 0, numeric"):
        tm.gradgradcheck(lambda t: CubeWithNumpyBackward.apply(t), x)


def test_gradgradcheck_catches_a_wrong_derivative_seen_only_at_second_order() -> None:
    x = leaf(values(2, 2))
    assert tm.gradcheck(lambda t: CubeWithDetachedFactor.apply(t), x)
    with pytest.raises(tm.GradcheckError) as caught:
        tm.gradgradcheck(lambda t: CubeWithDetachedFactor.apply(t), x)
    # d/da (3 a² v) = 6 a v, and the detached factor gives half of it.
    assert "with respect to input 0" in str(caught.value)
    assert "rel error 0.5" in str(caught.value)
    assert not tm.gradgradcheck(
        lambda t: CubeWithDetachedFactor.apply(t), x, fast_mode=True, raise_exception=False
    )


def test_gradgradcheck_takes_a_module_and_non_tensor_inputs_as_gradcheck_does() -> None:
    model, x = mlp(), tm.tensor(values(5, 3))
    assert tm.gradgradcheck(lambda: model(x), model)
    assert tm.gradgradcheck(lambda: model(x), model, fast_mode=True)
    t = leaf(values(3))
    assert tm.gradgradcheck(lambda t, k: t.sigmoid() * k, [t, 3.0])


def test_gradgradcheck_names_a_module_parameter_with_a_wrong_second_derivative() -> None:
    model, x = mlp(), tm.tensor(values(5, 3))
    with pytest.raises(tm.GradcheckError, match=r"with respect to parameter '2\.weight'"):
        tm.gradgradcheck(lambda: (model(x), CubeWithDetachedFactor.apply(model[2].weight)),
                         model)


def test_gradgradcheck_refuses_grad_outputs_that_do_not_match_the_outputs() -> None:
    x = leaf(values(3))
    with pytest.raises(ValueError, match=r"gradgradcheck: func returned 2 outputs but "
                                         r"grad_outputs has 1"):
        tm.gradgradcheck(lambda t: (t.sigmoid(), t.tanh()), [x], grad_outputs=[leaf(values(3))])


# ----------------------------------------------------------- refusals


@pytest.mark.parametrize("check", [tm.gradcheck, tm.gradgradcheck])
def test_float32_inputs_are_refused_with_a_message_that_says_float64(check: Check) -> None:
    x = tm.tensor(values(3), dtype=tm.float32, requires_grad=True)
    with pytest.raises(TypeError, match=r"input 0 is float32.*float64"):
        check(lambda t: t.sigmoid(), [x])


def test_a_float32_module_is_refused_naming_the_parameter() -> None:
    model = nn.Linear(2, 2, dtype=tm.float32)
    x = tm.tensor(np.ones((1, 2)), dtype=tm.float32)
    with pytest.raises(TypeError, match=r"parameter 'weight' is float32.*float64"):
        tm.gradcheck(lambda: model(x), model)


@pytest.mark.parametrize("check", [tm.gradcheck, tm.gradgradcheck])
def test_no_input_requiring_grad_raises_value_error(check: Check) -> None:
    x = leaf(values(3), requires_grad=False)
    with pytest.raises(ValueError, match="no input requires grad"):
        check(lambda t: t.sigmoid(), [x])


class ConstantWithSlightSlope(tm.Function):
    """y = 0 · a, whose backward claims a slope of 1e-6 on each element (below atol)."""

    def forward(self, a: tm.Tensor) -> np.ndarray:
        return np.zeros_like(a.data)

    def backward(self, g: tm.Tensor) -> tm.Tensor:
        return g * 1e-6


def test_fast_mode_scales_atol_as_pytorch_so_it_passes_what_the_full_check_passes() -> None:
    # Each diagonal element of J is off by 1e-6 < atol = 1e-5: the full check
    # passes, and so does the projection; with atol 1e-9 neither would.
    x = leaf(values(20, 20))
    assert tm.gradcheck(ConstantWithSlightSlope.apply, [x])
    assert tm.gradcheck(ConstantWithSlightSlope.apply, [x], fast_mode=True)
    with pytest.raises(tm.GradcheckError, match=r"atol 1e-09, times Σu·Σv: "):
        tm.gradcheck(ConstantWithSlightSlope.apply, [x], fast_mode=True, atol=1e-9)


class ConstantWithSlightDenseSlope(tm.Function):
    """y = 0 · a, whose backward claims a slope of 1e-6 from every input to every output."""

    def forward(self, a: tm.Tensor) -> np.ndarray:
        return np.zeros_like(a.data)

    def backward(self, g: tm.Tensor) -> tm.Tensor:
        return g * 0.0 + g.sum() * 1e-6


def test_fast_mode_passes_a_jacobian_off_by_less_than_atol_in_every_element() -> None:
    # The projection's error adds up 400 x 400 such elements: PyTorch scales atol by
    # Σu · Σv for that, so what the full check passes, fast mode passes too.
    x = leaf(np.linspace(-1, 1, 400).reshape(20, 20))
    assert tm.gradcheck(ConstantWithSlightDenseSlope.apply, [x])
    assert tm.gradcheck(ConstantWithSlightDenseSlope.apply, [x], fast_mode=True)


class ZeroBackward(tm.Function):
    """y = a, whose backward says 0."""

    def forward(self, a: tm.Tensor) -> np.ndarray:
        return a.data.copy()

    def backward(self, g: tm.Tensor) -> tm.Tensor:
        return g * 0.0


def test_fast_mode_projects_on_vectors_of_length_1() -> None:
    # J = I, so the numeric projection is u · v: in (0, 1] for nonnegative unit u and v,
    # about 3/4 for uniform ones of 400 elements.
    x = leaf(np.linspace(-1, 1, 400))
    with pytest.raises(tm.GradcheckError) as caught:
        tm.gradcheck(ZeroBackward.apply, [x], fast_mode=True)
    assert caught.value.numeric is not None
    assert 0.6 < caught.value.numeric[0] <= 1.0
