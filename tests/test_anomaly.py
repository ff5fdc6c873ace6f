"""tm.detect_anomaly: the first NaN or infinity, forward or backward, named with its op and line."""

from __future__ import annotations

import os

import numpy as np
import pytest

import tinygrad_mlp as tm


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_detect_anomaly_names_the_op_whose_forward_makes_nan() -> None:
    x = tm.tensor([-1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"detect_anomaly: log forward produced nan"), \
            tm.detect_anomaly():
        x.log()
    assert x.log().data[0] != x.log().data[0]  # outside the context: nan, no error


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_detect_anomaly_points_a_nan_gradient_back_at_the_forward_line() -> None:
    x = tm.tensor([0.0, 1.0], requires_grad=True)
    with tm.detect_anomaly():
        y = (x**0.5).sum()  # d/dx sqrt(x) = inf at 0
        with pytest.raises(RuntimeError, match=r"pow backward produced inf.*test_anomaly\.py"):
            y.backward()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_detect_anomaly_names_the_module_the_op_ran_in() -> None:
    layer = tm.nn.Linear(2, 1)
    with pytest.raises(RuntimeError, match="in Linear"), tm.detect_anomaly():
        layer(tm.tensor([[np.inf, 0.0]]))


def test_detect_anomaly_tells_the_package_from_a_user_script_named_like_it() -> None:
    from tinygrad_mlp import anomaly

    package = os.path.dirname(anomaly.__file__)
    assert anomaly.in_package(os.path.join(package, "ops.py"))
    assert not anomaly.in_package(package + "_demo.py")  # tinygrad_mlp_demo.py beside it


def test_detect_anomaly_check_nan_false_lets_an_intended_inf_through_as_pytorch() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    mask = tm.tensor([0.0, -np.inf])
    with tm.detect_anomaly(), pytest.raises(RuntimeError, match="add forward produced inf"):
        (x + mask).softmax(-1)
    with tm.detect_anomaly(check_nan=False):
        probabilities = (x + mask).softmax(-1)
        with tm.detect_anomaly():  # nesting restores the outer setting
            pass
        probabilities.sum().backward()
    assert probabilities.tolist() == [1.0, 0.0]
    assert probabilities.grad_fn is not None and probabilities.grad_fn.created_at
    with pytest.raises(TypeError, match="detect_anomaly: check_nan must be a bool, got int"):
        tm.detect_anomaly(check_nan=0)  # type: ignore[arg-type]


def test_detect_anomaly_calls_a_constant_input_a_constant_in_forward_errors() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    origins = r"came from: a leaf of shape \(2,\), a constant of shape \(\)"
    with tm.detect_anomaly(), pytest.raises(RuntimeError, match=origins):
        x * tm.tensor(float("nan"))


def test_detect_anomaly_calls_a_named_constant_input_a_constant() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    origins = r"came from: a leaf of shape \(2,\), a constant of shape \(\)"
    with tm.detect_anomaly(), pytest.raises(RuntimeError, match=origins):
        x * tm.tensor(float("nan"), name="c")


def test_detect_anomaly_works_as_a_decorator_and_restores_the_mode() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)

    @tm.detect_anomaly()
    def nan_product() -> tm.Tensor:
        return x * tm.tensor(float("nan"))

    with pytest.raises(RuntimeError, match=r"detect_anomaly: mul forward produced nan"):
        nan_product()
    with np.errstate(invalid="ignore"):
        assert np.isnan((x * tm.tensor(float("nan"))).data).all()  # off again outside it
