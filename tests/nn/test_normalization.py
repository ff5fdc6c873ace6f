"""LayerNorm, RMSNorm, GroupNorm, BatchNorm1d and their functions in F: PyTorch's values, gradients,
state dict and repr; derivatives."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tests.strategies import arrays, leaf, shapes
from tinygrad_mlp import nn, viz
from tinygrad_mlp.nn import functional as F
from tinygrad_mlp.nn.module import Module
from tinygrad_mlp.nn.normalization import BatchNorm1d, GroupNorm, LayerNorm, RMSNorm

NORMALIZED_SHAPES = [4, (4,), (2, 3)]
AFFINE_AND_BIAS = [(True, True), (True, False), (False, True), (False, False)]


def as_tuple(normalized_shape: int | tuple[int, ...]) -> tuple[int, ...]:
    return (normalized_shape,) if isinstance(normalized_shape, int) else normalized_shape


def randomize(layer: LayerNorm, seed: int) -> None:
    """Give the parameters values other than ones and zeros, so the affine part is exercised."""
    rng = np.random.default_rng(seed)
    layer.load_state_dict({name: rng.standard_normal(value.shape)
                           for name, value in layer.state_dict().items()})


def torch_twin(torch: Any, layer: LayerNorm, **kwargs: Any) -> Any:
    """A float64 torch.nn.LayerNorm with the same arguments and parameter values as ``layer``."""
    twin = torch.nn.LayerNorm(layer.normalized_shape, eps=layer.eps, dtype=torch.float64,
                              **kwargs)
    twin.load_state_dict({name: torch.tensor(value) for name, value in layer.state_dict().items()})
    return twin


def numpy_layer_norm(x: np.ndarray, layer: LayerNorm) -> np.ndarray:
    """The docstring's formula, in numpy: biased variance over the trailing dims, plus eps."""
    dims = tuple(range(x.ndim - len(layer.normalized_shape), x.ndim))
    mean = x.mean(axis=dims, keepdims=True)
    variance = x.var(axis=dims, keepdims=True)  # numpy's var divides by N
    y = (x - mean) / np.sqrt(variance + layer.eps)
    if layer.weight is not None:
        y = y * layer.weight.data
    if layer.bias is not None:
        y = y + layer.bias.data
    return y


# -- construction -------------------------------------------------------------------------


@pytest.mark.parametrize("normalized_shape", NORMALIZED_SHAPES)
def test_weight_starts_at_ones_and_bias_at_zeros_shaped_normalized_shape(
    normalized_shape: int | tuple[int, ...],
) -> None:
    layer = LayerNorm(normalized_shape)
    assert layer.normalized_shape == as_tuple(normalized_shape)
    assert layer.weight is not None and layer.bias is not None
    np.testing.assert_array_equal(layer.weight.data, np.ones(as_tuple(normalized_shape)))
    np.testing.assert_array_equal(layer.bias.data, np.zeros(as_tuple(normalized_shape)))
    assert layer.weight.requires_grad and layer.bias.requires_grad
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]


def test_normalized_shape_may_be_a_list_or_numpy_ints() -> None:
    assert LayerNorm([2, 3]).normalized_shape == (2, 3)
    assert LayerNorm(np.int64(3)).normalized_shape == (3,)
    assert all(type(size) is int for size in LayerNorm((np.int32(2), 3)).normalized_shape)


def test_without_bias_there_is_only_a_weight_and_bias_is_none() -> None:
    layer = LayerNorm(3, bias=False)
    assert layer.bias is None
    assert [name for name, _ in layer.named_parameters()] == ["weight"]


@pytest.mark.parametrize("bias", [True, False])
def test_without_elementwise_affine_both_are_registered_as_none_like_pytorch(bias: bool) -> None:
    layer = LayerNorm(3, elementwise_affine=False, bias=bias)
    assert layer.weight is None and layer.bias is None
    assert list(layer.parameters()) == [] and layer.state_dict() == {}
    with pytest.raises(TypeError, match=r"LayerNorm\.weight is a parameter"):
        layer.weight = tm.ones(3)  # the name stays reserved for a Parameter


def test_parameters_take_the_default_dtype_or_the_one_given() -> None:
    for layer, dtype in [(LayerNorm(3), np.float64), (LayerNorm(3, dtype=tm.float32), np.float32)]:
        assert layer.weight is not None and layer.bias is not None
        assert layer.weight.dtype == dtype and layer.bias.dtype == dtype


def test_parameters_follow_set_default_dtype_float32(float32_default: None) -> None:
    layer = LayerNorm(3)
    assert layer.weight is not None and layer.weight.dtype == np.float32
    x = tm.tensor(np.arange(6.0).reshape(2, 3), dtype=tm.float32)
    assert layer(x).dtype == np.float32


@pytest.mark.parametrize("normalized_shape", [0, -1, (), (2, 0), (3, -2)])
def test_rejects_sizes_below_one_and_an_empty_shape(normalized_shape: Any) -> None:
    with pytest.raises(ValueError, match=r"LayerNorm: normalized_shape must be one or more sizes"):
        LayerNorm(normalized_shape)


@pytest.mark.parametrize("normalized_shape", [2.0, (2.0,), "ab", True, (3, True), None])
def test_rejects_sizes_that_are_not_ints(normalized_shape: Any) -> None:
    with pytest.raises(TypeError, match=r"LayerNorm: normalized_shape must be an int or a tuple"):
        LayerNorm(normalized_shape)


@pytest.mark.parametrize("eps", [0, 0.0, -1e-5, float("nan"), float("inf")])
def test_rejects_an_eps_that_is_not_positive_and_finite(eps: float) -> None:
    with pytest.raises(ValueError, match=r"LayerNorm: eps must be positive and finite, got"):
        LayerNorm(3, eps=eps)


@pytest.mark.parametrize("eps", ["1e-5", None, True])
def test_rejects_an_eps_that_is_not_a_number(eps: Any) -> None:
    with pytest.raises(TypeError, match=r"LayerNorm: eps must be a number"):
        LayerNorm(3, eps=eps)


def test_rejects_a_dtype_that_is_not_floating_point() -> None:
    with pytest.raises(TypeError, match=r"LayerNorm: dtype must be floating point.*int64"):
        LayerNorm(3, dtype=np.int64)


# -- forward ------------------------------------------------------------------------------


@given(normalized_shape=shapes(min_dims=1, max_dims=2), batch=shapes(max_dims=2),
       affine_and_bias=st.sampled_from(AFFINE_AND_BIAS), data=st.data())
def test_output_is_the_formula_in_numpy(
    normalized_shape: tuple[int, ...], batch: tuple[int, ...],
    affine_and_bias: tuple[bool, bool], data: st.DataObject,
) -> None:
    layer = LayerNorm(normalized_shape, *(1e-5, *affine_and_bias))
    randomize(layer, seed=0)
    x = data.draw(arrays((*batch, *normalized_shape)))
    np.testing.assert_allclose(layer(tm.tensor(x)).data, numpy_layer_norm(x, layer),
                               rtol=1e-10, atol=1e-12)


def test_each_sample_comes_out_with_mean_zero_and_variance_below_one() -> None:
    x = np.random.default_rng(0).standard_normal((5, 2, 3)) * 7 + 3
    y = LayerNorm((2, 3))(tm.tensor(x)).data
    np.testing.assert_allclose(y.mean(axis=(1, 2)), 0.0, atol=1e-12)
    # Var[y] = Var[x] / (Var[x] + eps): just below 1, by eps.
    variance = x.var(axis=(1, 2))
    np.testing.assert_allclose(y.var(axis=(1, 2)), variance / (variance + 1e-5), rtol=1e-12)


def test_a_constant_sample_becomes_the_bias_thanks_to_eps() -> None:
    layer = LayerNorm(3)
    randomize(layer, seed=1)
    assert layer.bias is not None
    y = layer(tm.tensor(np.full((2, 3), 5.0)))
    np.testing.assert_array_equal(y.data, np.broadcast_to(layer.bias.data, (2, 3)))


def test_an_empty_batch_gives_an_empty_output() -> None:
    assert LayerNorm(3)(tm.tensor(np.ones((0, 3)))).shape == (0, 3)


@pytest.mark.parametrize("shape", [(3, 2), (2,), (4, 3, 2), (6,)])
def test_an_input_not_ending_in_normalized_shape_raises_naming_both_shapes(
    shape: tuple[int, ...],
) -> None:
    with pytest.raises(ValueError) as info:
        LayerNorm((2, 3))(tm.tensor(np.ones(shape)))
    message = str(info.value)
    assert message.startswith("LayerNorm((2, 3), eps=1e-05")
    assert f"input of shape {shape}" in message and "normalized_shape (2, 3)" in message


def test_rejects_an_input_that_is_not_a_tensor_or_not_floating_point() -> None:
    with pytest.raises(TypeError, match=r"LayerNorm\(.*input must be a Tensor, got ndarray"):
        LayerNorm(3)(np.ones(3))
    with pytest.raises(TypeError, match=r"LayerNorm\(.*must be floating point, got dtype int64"):
        LayerNorm(3)(tm.tensor(np.ones(3, dtype=np.int64)))


# -- against PyTorch ----------------------------------------------------------------------


def assert_same_step(layer: Module, twin: Any, x: np.ndarray, torch: Any) -> None:
    """One forward and backward of a random-weighted sum: the same output and gradients."""
    layer.zero_grad()
    twin.zero_grad()
    ours_x, theirs_x = leaf(x), torch.tensor(x, requires_grad=True)
    ours, theirs = layer(ours_x), twin(theirs_x)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    seed = np.random.default_rng(x.size).standard_normal(ours.shape)
    ours.backward(seed)
    theirs.backward(torch.tensor(seed))
    assert ours_x.grad is not None
    np.testing.assert_allclose(ours_x.grad.data, theirs_x.grad.numpy(), rtol=1e-9, atol=1e-10)
    theirs_parameters = dict(twin.named_parameters())
    assert [name for name, _ in layer.named_parameters()] == list(theirs_parameters)
    for name, parameter in layer.named_parameters():
        assert parameter.grad is not None
        np.testing.assert_allclose(parameter.grad.data, theirs_parameters[name].grad.numpy(),
                                   rtol=1e-9, atol=1e-10, err_msg=name)


@pytest.mark.parametrize(("affine", "bias"), AFFINE_AND_BIAS)
@pytest.mark.parametrize(("normalized_shape", "batch"),
                         [(4, (5,)), ((4,), (2, 3)), ((2, 3), (5,)), ((2, 3), ()), ((1,), (3,))])
@pytest.mark.parametrize("eps", [1e-5, 0.5])
def test_values_and_gradients_match_pytorch(
    normalized_shape: int | tuple[int, ...], batch: tuple[int, ...], affine: bool, bias: bool,
    eps: float,
) -> None:
    torch = pytest.importorskip("torch")
    layer = LayerNorm(normalized_shape, eps, affine, bias)
    randomize(layer, seed=0)
    twin = torch_twin(torch, layer, elementwise_affine=affine, bias=bias)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((*batch, *as_tuple(normalized_shape))) * 3 + 1
    if batch:
        x[0] = 2.5  # a constant sample: its variance is 0, so only eps keeps it finite
    assert_same_step(layer, twin, x, torch)


@pytest.mark.parametrize(("affine", "bias"), AFFINE_AND_BIAS)
@pytest.mark.parametrize("normalized_shape", NORMALIZED_SHAPES)
def test_state_dict_keys_and_shapes_are_pytorchs(
    normalized_shape: int | tuple[int, ...], affine: bool, bias: bool,
) -> None:
    torch = pytest.importorskip("torch")
    ours = LayerNorm(normalized_shape, elementwise_affine=affine, bias=bias).state_dict()
    theirs = torch.nn.LayerNorm(normalized_shape, elementwise_affine=affine, bias=bias).state_dict()
    assert list(ours) == list(theirs)
    assert {k: v.shape for k, v in ours.items()} == {k: tuple(v.shape) for k, v in theirs.items()}


@pytest.mark.parametrize("bias", [True, False])
def test_a_state_dict_moves_to_pytorch_and_back_with_the_same_outputs(bias: bool) -> None:
    torch = pytest.importorskip("torch")
    layer = LayerNorm((2, 3), bias=bias)
    randomize(layer, seed=2)
    twin = torch.nn.LayerNorm((2, 3), bias=bias, dtype=torch.float64)
    twin.load_state_dict({k: torch.from_numpy(v) for k, v in layer.state_dict().items()})
    back = LayerNorm((2, 3), bias=bias)
    back.load_state_dict({k: v.numpy() for k, v in twin.state_dict().items()})
    for name, value in layer.state_dict().items():
        np.testing.assert_array_equal(back.state_dict()[name], value)
    x = np.random.default_rng(3).standard_normal((4, 2, 3))
    expected = twin(torch.tensor(x)).detach().numpy()
    np.testing.assert_allclose(layer(tm.tensor(x)).data, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(back(tm.tensor(x)).data, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(("affine", "bias"), AFFINE_AND_BIAS)
@pytest.mark.parametrize(("normalized_shape", "eps"), [(4, 1e-5), ((2, 3), 1e-6), ([5], 0.25)])
def test_repr_is_pytorchs(
    normalized_shape: Any, eps: float, affine: bool, bias: bool,
) -> None:
    torch = pytest.importorskip("torch")
    ours = LayerNorm(normalized_shape, eps, affine, bias)
    assert repr(ours) == repr(torch.nn.LayerNorm(normalized_shape, eps, affine, bias))


def test_repr_shows_the_shape_eps_affine_and_bias() -> None:
    assert repr(LayerNorm(4)) == "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)"
    assert repr(LayerNorm((2, 3), eps=0.1, bias=False)) == (
        "LayerNorm((2, 3), eps=0.1, elementwise_affine=True, bias=False)"
    )


# -- derivatives by finite differences ----------------------------------------------------


@given(normalized_shape=shapes(min_dims=1, max_dims=2, max_side=3),
       batch=shapes(max_dims=2, max_side=3), affine_and_bias=st.sampled_from(AFFINE_AND_BIAS),
       eps=st.sampled_from([1e-5, 0.1]), data=st.data())
def test_first_and_second_derivatives_pass_gradcheck(
    normalized_shape: tuple[int, ...], batch: tuple[int, ...],
    affine_and_bias: tuple[bool, bool], eps: float, data: st.DataObject,
) -> None:
    layer = LayerNorm(normalized_shape, eps, *affine_and_bias)
    randomize(layer, seed=4)
    x = leaf(data.draw(arrays((*batch, *normalized_shape))))
    # The input and the parameters together: the parameters are read by the layer, not passed.
    inputs = [x, *layer.parameters()]
    assert tm.gradcheck(lambda x, *parameters: layer(x), inputs)
    assert tm.gradgradcheck(lambda x, *parameters: layer(x), inputs)


# -- graph drawing ------------------------------------------------------------------------


def test_its_ops_are_drawn_inside_a_layer_norm_cluster_with_its_parameters() -> None:
    dot = viz.to_dot(LayerNorm(3)(tm.randn(2, 3, requires_grad=True)).sum())
    cluster = dot[dot.index('label="LayerNorm"'):]
    assert 'label="weight' in cluster and 'label="bias' in cluster and "sqrt" in cluster


def test_an_input_that_matches_only_the_last_normalized_dim_is_refused() -> None:
    with pytest.raises(ValueError, match=r"should end in the normalized_shape \(2, 3\)"):
        LayerNorm((2, 3))(tm.zeros(5, 1, 3))  # would broadcast the (2, 3) weight silently


# == BatchNorm1d ==========================================================================

# Constructor keywords beside num_features, each a case PyTorch must agree with.
BATCH_NORM_OPTIONS = [
    pytest.param({}, id="defaults"),
    pytest.param({"momentum": None}, id="cumulative-average"),
    pytest.param({"eps": 0.5, "momentum": 0.3}, id="eps-and-momentum"),
    pytest.param({"affine": False}, id="no-affine"),
    pytest.param({"bias": False}, id="no-bias"),
    pytest.param({"track_running_stats": False}, id="no-running-stats"),
]
BATCH_NORM_SHAPES = [pytest.param((5, 3), id="2d"), pytest.param((4, 3, 2), id="3d")]


def randomize_batch_norm(layer: BatchNorm1d, seed: int) -> None:
    """Random weight and bias, and running statistics other than 0 and 1 (variances positive)."""
    rng = np.random.default_rng(seed)
    state = layer.state_dict()
    for name in ("weight", "bias", "running_mean"):
        if name in state:
            state[name] = rng.standard_normal(state[name].shape)
    if "running_var" in state:
        state["running_var"] = rng.uniform(0.5, 2.0, state["running_var"].shape)
    layer.load_state_dict(state)


def batch_norm_twin(torch: Any, layer: BatchNorm1d) -> Any:
    """A float64 torch.nn.BatchNorm1d with the same arguments and state as ``layer``."""
    twin = torch.nn.BatchNorm1d(layer.num_features, layer.eps, layer.momentum, layer.affine,
                                layer.track_running_stats, dtype=torch.float64,
                                bias=layer.bias is not None)
    twin.load_state_dict({name: torch.from_numpy(value)
                          for name, value in layer.state_dict().items()})
    return twin.train(layer.training)


def assert_same_state(layer: BatchNorm1d, twin: Any) -> None:
    ours, theirs = layer.state_dict(), twin.state_dict()
    assert list(ours) == list(theirs)
    for name, value in ours.items():
        assert value.dtype == theirs[name].numpy().dtype, name
        np.testing.assert_allclose(value, theirs[name].numpy(), rtol=1e-12, atol=1e-14,
                                   err_msg=name)


@st.composite
def batch_norm_inputs(draw: st.DrawFn, min_values: int = 2) -> np.ndarray:
    """(N, C) or (N, C, L) arrays, small, with at least ``min_values`` values per channel."""
    channels = draw(st.integers(1, 3))
    length = draw(st.sampled_from([(), (1,), (2,), (3,)]))
    rows = draw(st.integers(max(1, -(-min_values // (length[0] if length else 1))), 3))
    return draw(arrays((rows, channels, *length)))


# -- construction -------------------------------------------------------------------------


def test_batch_norm_starts_with_unit_weight_zero_bias_and_fresh_running_stats() -> None:
    layer = BatchNorm1d(3)
    assert layer.weight is not None and layer.bias is not None
    np.testing.assert_array_equal(layer.weight.data, np.ones(3))
    np.testing.assert_array_equal(layer.bias.data, np.zeros(3))
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    buffers = dict(layer.named_buffers())
    assert list(buffers) == ["running_mean", "running_var", "num_batches_tracked"]
    np.testing.assert_array_equal(buffers["running_mean"].data, np.zeros(3))
    np.testing.assert_array_equal(buffers["running_var"].data, np.ones(3))
    count = buffers["num_batches_tracked"]
    assert count.shape == () and count.dtype == np.int64 and count.item() == 0
    assert not any(buffer.requires_grad for buffer in buffers.values())
    assert list(layer.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                        "num_batches_tracked"]


def test_batch_norm_parameters_and_running_stats_take_the_layer_dtype() -> None:
    layer = BatchNorm1d(2, dtype=tm.float32)
    assert layer.weight is not None and layer.running_mean is not None
    assert layer.running_var is not None and layer.num_batches_tracked is not None
    assert layer.weight.dtype == layer.running_mean.dtype == layer.running_var.dtype == np.float32
    assert layer.num_batches_tracked.dtype == np.int64
    x = tm.tensor(np.arange(6.0).reshape(3, 2), dtype=tm.float32)
    assert layer(x).dtype == np.float32 and layer.running_var.dtype == np.float32


def test_batch_norm_without_affine_or_tracking_registers_none_like_pytorch() -> None:
    layer = BatchNorm1d(3, affine=False, track_running_stats=False)
    assert layer.weight is None and layer.bias is None
    assert layer.running_mean is None and layer.running_var is None
    assert layer.num_batches_tracked is None
    assert list(layer.parameters()) == [] and list(layer.buffers()) == []
    assert layer.state_dict() == {}
    with pytest.raises(TypeError, match=r"BatchNorm1d\.weight is a parameter"):
        layer.weight = tm.ones(3)  # the name stays reserved for a Parameter
    assert BatchNorm1d(3, bias=False).bias is None


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"num_features": 0}, ValueError, r"num_features must be a positive int, got 0"),
    ({"num_features": 2.0}, TypeError, r"num_features must be a positive int, got 2\.0"),
    ({"num_features": True}, TypeError, r"num_features must be a positive int, got True"),
    ({"eps": 0.0}, ValueError, r"eps must be positive and finite, got 0\.0"),
    ({"eps": float("inf")}, ValueError, r"eps must be positive and finite, got inf"),
    ({"eps": "1e-5"}, TypeError, r"eps must be a number, got '1e-5'"),
    ({"momentum": -0.1}, ValueError, r"momentum must be a finite number >= 0 or None, got -0\.1"),
    ({"momentum": float("nan")}, ValueError, r"momentum must be a finite number .* got nan"),
    ({"momentum": "0.1"}, TypeError, r"momentum must be a number, got '0\.1'"),
    ({"dtype": np.int64}, TypeError, r"dtype must be floating point .*got int64"),
])
def test_batch_norm_rejects_bad_arguments_naming_the_argument(
    kwargs: dict[str, Any], error: type[Exception], message: str,
) -> None:
    arguments = {"num_features": 3, **kwargs}
    with pytest.raises(error, match=r"^BatchNorm1d: " + message):
        BatchNorm1d(**arguments)


def test_batch_norm_accepts_a_momentum_of_zero_or_one_and_numpy_sizes() -> None:
    assert BatchNorm1d(np.int64(2), momentum=0).num_features == 2
    assert BatchNorm1d(2, momentum=1.0).momentum == 1.0


# -- forward ------------------------------------------------------------------------------


@given(x=batch_norm_inputs(), momentum=st.sampled_from([0.1, 0.5, None]))
def test_batch_norm_training_output_and_running_stats_are_the_formulas_in_numpy(
    x: np.ndarray, momentum: float | None,
) -> None:
    layer = BatchNorm1d(x.shape[1], momentum=momentum)
    randomize_batch_norm(layer, seed=5)
    assert layer.weight is not None and layer.bias is not None
    assert layer.running_mean is not None and layer.running_var is not None
    before_mean, before_var = layer.running_mean.data.copy(), layer.running_var.data.copy()
    dims = (0,) if x.ndim == 2 else (0, 2)
    per_channel = (-1,) + (1,) * (x.ndim - 2)
    mean, variance = x.mean(axis=dims, keepdims=True), x.var(axis=dims, keepdims=True)
    expected = ((x - mean) / np.sqrt(variance + 1e-5) * layer.weight.data.reshape(per_channel)
                + layer.bias.data.reshape(per_channel))
    np.testing.assert_allclose(layer(tm.tensor(x)).data, expected, rtol=1e-10, atol=1e-10)
    factor = 1.0 if momentum is None else momentum  # the first batch tracked: 1 / 1
    count = x.size // x.shape[1]
    np.testing.assert_allclose(layer.running_mean.data,
                               (1 - factor) * before_mean + factor * mean.reshape(-1),
                               rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(layer.running_var.data, (1 - factor) * before_var
                               + factor * variance.reshape(-1) * count / (count - 1),
                               rtol=1e-12, atol=1e-14)


def test_batch_norm_eval_uses_the_running_stats_and_train_the_batch_stats_again() -> None:
    layer = BatchNorm1d(2)
    randomize_batch_norm(layer, seed=6)
    x = np.random.default_rng(7).standard_normal((6, 2, 3)) * 4 + 2
    trained = layer(tm.tensor(x)).data
    assert layer.weight is not None and layer.bias is not None
    # Training: each channel comes out with the bias as its mean.
    np.testing.assert_allclose(trained.mean(axis=(0, 2)), layer.bias.data, atol=1e-12)
    state = layer.state_dict()
    layer.eval()
    evaluated = layer(tm.tensor(x)).data
    mean, variance = state["running_mean"][:, None], state["running_var"][:, None]
    expected = ((x - mean) / np.sqrt(variance + 1e-5) * layer.weight.data[:, None]
                + layer.bias.data[:, None])
    np.testing.assert_allclose(evaluated, expected, rtol=1e-12, atol=1e-12)
    # Each sample on its own gives its row of the batch's output: no batch statistics.
    np.testing.assert_allclose(layer(tm.tensor(x[2:3])).data, evaluated[2:3], rtol=1e-15)
    for name, value in layer.state_dict().items():
        np.testing.assert_array_equal(value, state[name], err_msg=name)  # no update in eval
    layer.train()
    np.testing.assert_allclose(layer(tm.tensor(x)).data, trained, rtol=1e-12, atol=1e-12)


def test_batch_norm_without_running_stats_uses_batch_stats_in_eval_too() -> None:
    layer = BatchNorm1d(3, track_running_stats=False)
    x = tm.tensor(np.random.default_rng(8).standard_normal((4, 3)))
    trained = layer(x).data
    np.testing.assert_array_equal(layer.eval()(x).data, trained)


def test_batch_norm_num_batches_tracked_counts_training_forwards_only() -> None:
    layer = BatchNorm1d(2)
    assert layer.num_batches_tracked is not None
    for step in range(1, 4):
        layer(tm.randn(3, 2))
        assert layer.num_batches_tracked.item() == step
    layer.eval()
    layer(tm.randn(3, 2))
    assert layer.num_batches_tracked.item() == 3
    with tm.no_grad():  # grad mode does not matter, as in PyTorch: training mode does
        layer.train()(tm.randn(3, 2))
    assert layer.num_batches_tracked.item() == 4


def test_batch_norm_with_momentum_none_keeps_the_plain_average_of_batch_stats() -> None:
    layer = BatchNorm1d(2, momentum=None)
    batches = [np.random.default_rng(seed).standard_normal((5, 2)) + seed for seed in range(4)]
    for batch in batches:
        layer(tm.tensor(batch))
    assert layer.running_mean is not None and layer.running_var is not None
    np.testing.assert_allclose(layer.running_mean.data,
                               np.mean([batch.mean(axis=0) for batch in batches], axis=0),
                               rtol=1e-12)
    np.testing.assert_allclose(layer.running_var.data,
                               np.mean([batch.var(axis=0, ddof=1) for batch in batches], axis=0),
                               rtol=1e-12)


def test_batch_norm_updates_its_buffers_in_place_outside_the_graph() -> None:
    layer = BatchNorm1d(3)
    mean, variance, count = layer.running_mean, layer.running_var, layer.num_batches_tracked
    assert mean is not None and variance is not None and count is not None
    versions = [mean._version, variance._version, count._version]
    x = tm.randn(4, 3, requires_grad=True)
    y = layer(x)
    # The same Tensors, changed in place: anyone holding them sees the new values.
    assert layer.running_mean is mean and layer.running_var is variance
    assert not np.array_equal(mean.data, np.zeros(3)) and count.item() == 1
    assert [mean._version, variance._version, count._version] == [v + 1 for v in versions]
    for buffer in (mean, variance, count):
        assert not buffer.requires_grad and buffer.grad_fn is None
    # Nothing in y's graph holds a buffer, so changing them again cannot break its backward.
    buffers = [mean, variance, count]
    nodes: list[tm.Function] = []
    stack = [y.grad_fn]
    while stack:
        fn = stack.pop()
        if fn is not None and fn not in nodes:
            nodes.append(fn)
            stack.extend(p for p in fn.parents if isinstance(p, tm.Function))
    held = [t for fn in nodes for t in (*fn.parents, *fn._saved) if isinstance(t, tm.Tensor)]
    assert not any(np.may_share_memory(t.data, b.data) for t in held for b in buffers)
    layer(tm.randn(4, 3))
    y.sum().backward()
    assert x.grad is not None and all(buffer.grad is None for buffer in buffers)


def test_batch_norm_eval_output_keeps_its_gradient_when_the_stats_change_later() -> None:
    layer = BatchNorm1d(2)
    randomize_batch_norm(layer, seed=9)
    x = tm.randn(3, 2, requires_grad=True)
    y = layer.eval()(x)
    assert layer.running_var is not None and layer.weight is not None
    scale = layer.weight.data / np.sqrt(layer.running_var.data + 1e-5)
    layer.train()(tm.randn(5, 2) * 10)  # moves the running stats, in place
    y.sum().backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.data, np.broadcast_to(scale, (3, 2)), rtol=1e-12)


@pytest.mark.parametrize("shape", [(3,), (2, 3, 2, 2), ()])
def test_batch_norm_rejects_an_input_not_2d_or_3d_like_pytorch(shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError) as info:
        BatchNorm1d(3)(tm.tensor(np.ones(shape)))
    message = str(info.value)
    assert message.startswith("BatchNorm1d(3, eps=1e-05, momentum=0.1")
    assert f"expected 2D or 3D input (got {len(shape)}D input), of shape {shape}" in message


@pytest.mark.parametrize("shape", [(4, 2), (4, 5, 3)])
def test_batch_norm_rejects_an_input_with_the_wrong_channel_count_naming_both(
    shape: tuple[int, ...],
) -> None:
    with pytest.raises(ValueError) as info:
        BatchNorm1d(3)(tm.tensor(np.ones(shape)))
    message = str(info.value)
    assert message.startswith("BatchNorm1d(3, eps=1e-05")
    assert f"input of shape {shape} has {shape[1]} channels" in message
    assert "num_features is 3" in message


def test_batch_norm_rejects_an_input_that_is_not_a_tensor_or_not_floating_point() -> None:
    with pytest.raises(TypeError, match=r"BatchNorm1d\(.*input must be a Tensor, got ndarray"):
        BatchNorm1d(3)(np.ones((2, 3)))
    with pytest.raises(TypeError, match=r"BatchNorm1d\(.*floating point, got dtype int64"):
        BatchNorm1d(3)(tm.tensor(np.ones((2, 3), dtype=np.int64)))


@pytest.mark.parametrize("shape", [(1, 3), (1, 3, 1), (0, 3), (0, 3, 4)])
def test_batch_norm_refuses_fewer_than_two_values_per_channel_when_training(
    shape: tuple[int, ...],
) -> None:
    pattern = (r"^BatchNorm1d\(3.*\): expected more than 1 value per channel when training, "
               rf"got input size {re.escape(str(shape))}")
    with pytest.raises(ValueError, match=pattern):
        BatchNorm1d(3)(tm.tensor(np.ones(shape)))
    with pytest.raises(ValueError, match=pattern):  # batch statistics in eval mode too
        BatchNorm1d(3, track_running_stats=False).eval()(tm.tensor(np.ones(shape)))
    # With running statistics, eval mode needs no batch.
    assert BatchNorm1d(3).eval()(tm.tensor(np.ones(shape))).shape == shape


def test_batch_norm_leaves_its_running_stats_alone_when_the_input_is_refused() -> None:
    layer = BatchNorm1d(3)
    layer(tm.randn(4, 3))
    state = layer.state_dict()
    bad_inputs: list[tuple[Any, type[Exception], str]] = [
        (np.ones((4, 3)), TypeError, "input must be a Tensor"),
        (tm.ones(4, 3, dtype=tm.int64), TypeError, "input must be floating point"),
        (tm.ones(4, 3, 2, 2), ValueError, "expected 2D or 3D input"),
        (tm.ones(4, 2), ValueError, "has 2 channels in dim 1, but num_features is 3"),
        (tm.ones(1, 3), ValueError, "expected more than 1 value per channel"),
        (tm.ones(0, 3), ValueError, "expected more than 1 value per channel"),
    ]
    for bad, error, message in bad_inputs:
        with pytest.raises(error, match=message):
            layer(bad)
        for name, value in layer.state_dict().items():
            np.testing.assert_array_equal(value, state[name], err_msg=f"{name} after {bad!r}")


def test_batch_norm_repr_shows_its_arguments() -> None:
    assert repr(BatchNorm1d(4)) == (
        "BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, "
        "track_running_stats=True)"
    )
    assert repr(BatchNorm1d(2, 0.1, None, False, False)) == (
        "BatchNorm1d(2, eps=0.1, momentum=None, affine=False, bias=False, "
        "track_running_stats=False)"
    )


def test_batch_norm_ops_are_drawn_inside_a_batch_norm_cluster() -> None:
    dot = viz.to_dot(BatchNorm1d(3)(tm.randn(2, 3, requires_grad=True)).sum())
    cluster = dot[dot.index('label="BatchNorm1d(3)"'):]
    assert 'label="weight' in cluster and 'label="bias' in cluster and "sqrt" in cluster
    assert "running" not in dot


# -- against PyTorch ----------------------------------------------------------------------


@pytest.mark.parametrize("options", BATCH_NORM_OPTIONS)
@pytest.mark.parametrize("shape", BATCH_NORM_SHAPES)
def test_batch_norm_training_steps_match_pytorch_outputs_gradients_and_running_stats(
    torch: Any, shape: tuple[int, ...], options: dict[str, Any],
) -> None:
    layer = BatchNorm1d(shape[1], **options)
    randomize_batch_norm(layer, seed=10)
    twin = batch_norm_twin(torch, layer)
    rng = np.random.default_rng(11)
    for step in range(4):
        x = rng.standard_normal(shape) * (step + 1) + step
        if step == 1:
            x[:, 0] = 2.5  # a constant channel: its variance is 0, so only eps keeps it finite
        assert_same_step(layer, twin, x, torch)
        assert_same_state(layer, twin)


@pytest.mark.parametrize("options", BATCH_NORM_OPTIONS)
@pytest.mark.parametrize("shape", BATCH_NORM_SHAPES)
def test_batch_norm_eval_mode_matches_pytorch_outputs_and_gradients(
    torch: Any, shape: tuple[int, ...], options: dict[str, Any],
) -> None:
    layer = BatchNorm1d(shape[1], **options)
    randomize_batch_norm(layer, seed=12)
    rng = np.random.default_rng(13)
    for _ in range(2):
        layer(tm.tensor(rng.standard_normal(shape) * 3 - 1))
    layer.eval()
    twin = batch_norm_twin(torch, layer)
    assert not twin.training
    for rows in (shape[0], 1 if "track_running_stats" not in options else 2):
        assert_same_step(layer, twin, rng.standard_normal((rows, *shape[1:])) * 2, torch)
        assert_same_state(layer, twin)


@pytest.mark.parametrize("options", BATCH_NORM_OPTIONS)
def test_batch_norm_state_dict_is_pytorchs_and_moves_to_pytorch_and_back(
    torch: Any, options: dict[str, Any],
) -> None:
    rng = np.random.default_rng(14)
    batches = [rng.standard_normal((6, 3, 2)) + shift for shift in range(3)]
    layer = BatchNorm1d(3, **options)
    reference = torch.nn.BatchNorm1d(3, **options, dtype=torch.float64)
    for batch in batches:  # the same training from the same start on both sides
        layer(tm.tensor(batch))
        reference(torch.tensor(batch))
    assert_same_state(layer, reference)
    twin = torch.nn.BatchNorm1d(3, **options, dtype=torch.float64)
    twin.load_state_dict({k: torch.from_numpy(v) for k, v in layer.state_dict().items()})
    back = BatchNorm1d(3, **options)
    back.load_state_dict({k: v.numpy() for k, v in twin.state_dict().items()})
    assert_same_state(back, twin)
    x = rng.standard_normal((4, 3, 2))
    expected = twin.eval()(torch.tensor(x)).detach().numpy()
    np.testing.assert_allclose(layer.eval()(tm.tensor(x)).data, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(back.eval()(tm.tensor(x)).data, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("options", BATCH_NORM_OPTIONS)
@pytest.mark.parametrize("num_features", [1, 4])
def test_batch_norm_repr_is_pytorchs(
    torch: Any, num_features: int, options: dict[str, Any],
) -> None:
    assert repr(BatchNorm1d(num_features, **options)) == repr(
        torch.nn.BatchNorm1d(num_features, **options))


# -- derivatives by finite differences ----------------------------------------------------


@given(x=batch_norm_inputs(), options=st.sampled_from([{}, {"bias": False}, {"affine": False}]),
       eps=st.sampled_from([1e-5, 0.1]))
def test_batch_norm_training_derivatives_pass_gradcheck_and_gradgradcheck(
    x: np.ndarray, options: dict[str, Any], eps: float,
) -> None:
    layer = BatchNorm1d(x.shape[1], eps, **options)
    randomize_batch_norm(layer, seed=15)
    # The input and the parameters together: the parameters are read by the layer, not passed.
    inputs = [leaf(x), *layer.parameters()]
    assert tm.gradcheck(lambda x, *parameters: layer(x), inputs)
    assert tm.gradgradcheck(lambda x, *parameters: layer(x), inputs)


@given(x=batch_norm_inputs(min_values=1), options=st.sampled_from([{}, {"bias": False}]))
def test_batch_norm_eval_derivatives_pass_gradcheck_and_gradgradcheck(
    x: np.ndarray, options: dict[str, Any],
) -> None:
    layer = BatchNorm1d(x.shape[1], **options)
    randomize_batch_norm(layer, seed=16)
    layer.eval()
    inputs = [leaf(x), *layer.parameters()]
    assert tm.gradcheck(lambda x, *parameters: layer(x), inputs)
    assert tm.gradgradcheck(lambda x, *parameters: layer(x), inputs)


# -- in a network -------------------------------------------------------------------------


def test_batch_norm_trains_inside_a_sequential_then_evaluates_deterministically() -> None:
    tm.manual_seed(0)
    model = tm.nn.Sequential(tm.nn.Linear(4, 8), tm.nn.BatchNorm1d(8), tm.nn.ReLU(),
                             tm.nn.Linear(8, 3))
    rng = np.random.default_rng(17)
    x = tm.tensor(rng.standard_normal((32, 4)))
    target = tm.tensor(x.data @ rng.standard_normal((4, 3)))
    optimizer = tm.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = tm.nn.MSELoss()
    losses = []
    for _ in range(20):
        optimizer.zero_grad()
        loss = loss_fn(model(x), target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
    norm = model[1]
    assert isinstance(norm, BatchNorm1d) and norm.num_batches_tracked is not None
    assert norm.num_batches_tracked.item() == 20
    assert [name for name, _ in model.named_buffers()] == [
        "1.running_mean", "1.running_var", "1.num_batches_tracked"]
    model.eval()
    state = model.state_dict()
    first, second = model(x).data, model(x).data
    np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(model(tm.tensor(x.data[:5])).data, first[:5], rtol=1e-13)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, state[name], err_msg=name)


def test_batch_norm_loads_a_state_dict_without_its_step_count_keeping_the_count() -> None:
    source, target = BatchNorm1d(3), BatchNorm1d(3)
    for layer in (source, target):
        layer(tm.tensor(np.random.default_rng(0).standard_normal((4, 3))))
    target(tm.tensor(np.ones((2, 3)) * np.arange(2)[:, None]))
    state = source.state_dict()
    del state["num_batches_tracked"]  # saved without it: PyTorch fills it in, so do we
    model = nn.Sequential(target)
    model.load_state_dict({f"0.{k}": v for k, v in state.items()})  # strict, nested
    assert target.num_batches_tracked is not None
    assert int(target.num_batches_tracked.data) == 2
    np.testing.assert_array_equal(target.state_dict()["running_mean"], state["running_mean"])
    with pytest.raises(RuntimeError, match=r"missing key 'running_mean'"):  # only that key
        BatchNorm1d(3).load_state_dict({"weight": np.ones(3), "bias": np.zeros(3),
                                        "running_var": np.ones(3)})


def test_batch_norm_loads_pytorchs_state_dict_without_its_step_count() -> None:
    torch = pytest.importorskip("torch")
    theirs = torch.nn.BatchNorm1d(3).double()
    theirs(torch.randn(5, 3, dtype=torch.float64))
    state = {k: v.numpy() for k, v in theirs.state_dict().items() if k != "num_batches_tracked"}
    ours = BatchNorm1d(3)
    ours.load_state_dict(state)
    np.testing.assert_array_equal(ours.state_dict()["running_var"], state["running_var"])
    assert ours.state_dict()["num_batches_tracked"] == 0


def test_batch_norm_in_eval_without_running_var_uses_the_batch_statistics() -> None:
    layer = nn.BatchNorm1d(2)
    layer.running_var = None
    layer.eval()
    x = np.array([[1.0, 10.0], [3.0, 30.0], [5.0, 20.0]])
    expected = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5)
    np.testing.assert_allclose(layer(tm.tensor(x)).data, expected)


# M61


def test_a_shared_batch_norm_takes_the_step_count_given_under_either_name() -> None:
    shared = BatchNorm1d(2)
    model = nn.Sequential(shared, shared)
    state = {k: v for k, v in model.state_dict().items() if k != "1.num_batches_tracked"}
    state["0.num_batches_tracked"] = np.array(5)
    model.load_state_dict(state)
    assert shared.num_batches_tracked is not None
    assert int(shared.num_batches_tracked.data) == 5


def test_a_shared_batch_norm_refuses_a_bad_step_count_under_one_name_though_another_is_good(
) -> None:
    shared = BatchNorm1d(2)
    model = nn.Sequential(shared, shared, shared)
    state = {k: v for k, v in model.state_dict().items() if k != "1.num_batches_tracked"}
    state["0.num_batches_tracked"] = np.array([1, 2])  # wrongly shaped
    state["2.num_batches_tracked"] = np.array(5)
    with pytest.raises(RuntimeError, match=r"0\.num_batches_tracked: shape \(2,\) in the state "
                                           r"dict, \(\) in the model"):
        model.load_state_dict(state)
    assert shared.num_batches_tracked is not None
    assert int(shared.num_batches_tracked.data) == 0


# == the functions: layer_norm, rms_norm, group_norm, batch_norm ==========================


def numpy_normalized(x: np.ndarray, dims: tuple[int, ...], eps: float) -> np.ndarray:
    """(x - mean) / √(biased variance + eps) over ``dims``, in numpy."""
    return (x - x.mean(dims, keepdims=True)) / np.sqrt(x.var(dims, keepdims=True) + eps)


def numpy_group_norm(x: np.ndarray, groups: int, eps: float) -> np.ndarray:
    grouped = x.reshape(x.shape[0], groups, -1)
    return numpy_normalized(grouped, (2,), eps).reshape(x.shape)


@st.composite
def normalization_cases(draw: st.DrawFn, min_dims: int = 2) -> tuple[np.ndarray, int]:
    """An input of 2 to 4 dims (the channels, dim 1, even), and how many trailing dims to take."""
    shape = list(draw(shapes(min_dims=min_dims, max_dims=4)))
    shape[1] *= 2
    x = draw(arrays(tuple(shape), -3.0, 3.0))
    return x, draw(st.integers(1, len(shape) - 1))


@given(case=normalization_cases(), seed=st.integers(0, 2**32 - 1))
def test_layer_norm_and_rms_norm_are_their_formulas_and_their_modules(
    case: tuple[np.ndarray, int], seed: int
) -> None:
    x, count = case
    shape = x.shape[-count:]
    dims = tuple(range(x.ndim - count, x.ndim))
    rng = np.random.default_rng(seed)
    weight, bias = rng.standard_normal(shape), rng.standard_normal(shape)
    ours = F.layer_norm(tm.tensor(x), shape, tm.tensor(weight), tm.tensor(bias), eps=0.1)
    np.testing.assert_allclose(ours.data, numpy_normalized(x, dims, 0.1) * weight + bias,
                               rtol=1e-12, atol=1e-12)
    layer = LayerNorm(shape, eps=0.1)
    layer.load_state_dict({"weight": weight, "bias": bias})
    np.testing.assert_array_equal(layer(tm.tensor(x)).data, ours.data)
    rms = x / np.sqrt((x * x).mean(dims, keepdims=True) + np.finfo(np.float64).eps)
    ours = F.rms_norm(tm.tensor(x), shape, tm.tensor(weight))
    np.testing.assert_allclose(ours.data, rms * weight, rtol=1e-12, atol=1e-12)
    module = RMSNorm(shape)
    module.load_state_dict({"weight": weight})
    np.testing.assert_array_equal(module(tm.tensor(x)).data, ours.data)


@given(case=normalization_cases(), groups=st.sampled_from([1, 2]),
       seed=st.integers(0, 2**32 - 1))
def test_group_norm_normalizes_each_samples_groups_and_is_its_module(
    case: tuple[np.ndarray, int], groups: int, seed: int
) -> None:
    x = case[0]
    channels = x.shape[1]
    rng = np.random.default_rng(seed)
    weight, bias = rng.standard_normal(channels), rng.standard_normal(channels)
    view = (channels,) + (1,) * (x.ndim - 2)
    expected = numpy_group_norm(x, groups, 0.2) * weight.reshape(view) + bias.reshape(view)
    if x.shape[0] * channels // groups * np.prod(x.shape[2:]) == 1:
        return  # a single value, refused (see the bad-argument test)
    ours = F.group_norm(tm.tensor(x), groups, tm.tensor(weight), tm.tensor(bias), eps=0.2)
    np.testing.assert_allclose(ours.data, expected, rtol=1e-12, atol=1e-12)
    layer = GroupNorm(groups, channels, eps=0.2)
    layer.load_state_dict({"weight": weight, "bias": bias})
    np.testing.assert_array_equal(layer(tm.tensor(x)).data, ours.data)


def test_group_norm_with_one_group_is_a_layer_norm_over_all_but_the_batch_dim() -> None:
    x = np.random.default_rng(0).standard_normal((3, 4, 5))
    np.testing.assert_allclose(F.group_norm(tm.tensor(x), 1).data,
                               F.layer_norm(tm.tensor(x), (4, 5)).data, rtol=1e-14, atol=1e-15)
    assert F.group_norm(tm.tensor(np.ones((2, 6, 0))), 3).shape == (2, 6, 0)


@pytest.mark.parametrize("shape", [(5, 3), (5, 3, 4), (2, 3, 2, 2)])
def test_batch_norm_trains_with_the_batch_statistics_and_moves_the_running_ones(
    shape: tuple[int, ...],
) -> None:
    x = np.random.default_rng(1).standard_normal(shape) * 2 + 1
    dims = (0, *range(2, len(shape)))
    running_mean, running_var = tm.tensor([0.5, -1.0, 2.0]), tm.tensor([1.0, 2.0, 0.5])
    versions = running_mean._version, running_var._version
    out = F.batch_norm(tm.tensor(x), running_mean, running_var, training=True, momentum=0.3)
    np.testing.assert_allclose(out.data, numpy_normalized(x, dims, 1e-5), rtol=1e-12)
    n = x.size // 3
    np.testing.assert_allclose(running_mean.data, 0.7 * np.array([0.5, -1.0, 2.0])
                               + 0.3 * x.mean(dims), rtol=1e-14)
    np.testing.assert_allclose(running_var.data, 0.7 * np.array([1.0, 2.0, 0.5])
                               + 0.3 * x.var(dims) * n / (n - 1), rtol=1e-14)  # unbiased
    assert (running_mean._version, running_var._version) == (versions[0] + 1, versions[1] + 1)
    # evaluation (the default) normalizes with them, and leaves them alone
    view = (3,) + (1,) * (len(shape) - 2)
    stats = running_mean.data.copy(), running_var.data.copy()
    out = F.batch_norm(tm.tensor(x), running_mean, running_var)
    np.testing.assert_allclose(out.data, (x - stats[0].reshape(view))
                               / np.sqrt(stats[1].reshape(view) + 1e-5), rtol=1e-12)
    np.testing.assert_array_equal(running_mean.data, stats[0])


def test_batch_norm_is_batchnorm1ds_function_step_by_step() -> None:
    layer = BatchNorm1d(3, momentum=None)
    layer.load_state_dict({"weight": np.array([1.0, 2.0, -1.0]), "bias": np.array([0.0, 1.0, 3.0])},
                          strict=False)
    running_mean, running_var = tm.zeros(3), tm.ones(3)
    rng = np.random.default_rng(2)
    for step in range(1, 4):
        x = tm.tensor(rng.standard_normal((4, 3, 2)) * step)
        ours = F.batch_norm(x, running_mean, running_var, layer.weight, layer.bias, True,
                            momentum=1 / step)  # momentum=None: the plain average
        np.testing.assert_array_equal(layer(x).data, ours.data)
        assert layer.running_mean is not None and layer.running_var is not None
        np.testing.assert_array_equal(layer.running_mean.data, running_mean.data)
        np.testing.assert_array_equal(layer.running_var.data, running_var.data)


FUNCTIONS: dict[str, Callable[..., tm.Tensor]] = {
    "layer_norm": lambda x, w, b: F.layer_norm(x, (3, 2), w, b, eps=0.1),
    "rms_norm": lambda x, w, b: F.rms_norm(x, (3, 2), w, eps=0.1),
    "group_norm": lambda x, w, b: F.group_norm(x, 2, w[:, 0], b[:, 0], eps=0.1),
    "batch_norm": lambda x, w, b: F.batch_norm(x, None, None, w[:, 0], b[:, 0], True, eps=0.1),
    "batch_norm eval": lambda x, w, b: F.batch_norm(x, tm.tensor([0.5, -1.0, 0.0]),
                                                    tm.tensor([1.0, 2.0, 0.3]), w[:, 0], b[:, 0]),
}


# the input's shape after the batch dim, and the parameters' (weight[:, 0] for the per-channel)
FUNCTION_SHAPES = {"group_norm": ((4, 3), (4, 1))}


def function_arrays(name: str, rng: np.random.Generator, rows: int) -> list[np.ndarray]:
    """An input and a weight and a bias for ``FUNCTIONS[name]``."""
    sample, parameter = FUNCTION_SHAPES.get(name, ((3, 2), (3, 2)))
    return [rng.standard_normal((rows, *sample)) * 2 + 1, rng.standard_normal(parameter),
            rng.standard_normal(parameter)]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@given(seed=st.integers(0, 2**32 - 1), rows=st.integers(2, 3))
def test_normalization_functions_pass_gradcheck_and_gradgradcheck_in_input_weight_and_bias(
    name: str, seed: int, rows: int
) -> None:
    inputs = [leaf(a) for a in function_arrays(name, np.random.default_rng(seed), rows)]
    assert tm.gradcheck(FUNCTIONS[name], inputs)
    assert tm.gradgradcheck(FUNCTIONS[name], inputs)


TORCH_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "layer_norm": lambda torch, x, w, b: torch.nn.functional.layer_norm(x, (3, 2), w, b, eps=0.1),
    "rms_norm": lambda torch, x, w, b: torch.nn.functional.rms_norm(x, (3, 2), w, eps=0.1),
    "group_norm": lambda torch, x, w, b: torch.nn.functional.group_norm(x, 2, w[:, 0], b[:, 0],
                                                                        eps=0.1),
    "batch_norm": lambda torch, x, w, b: torch.nn.functional.batch_norm(
        x, None, None, w[:, 0], b[:, 0], True, eps=0.1),
    "batch_norm eval": lambda torch, x, w, b: torch.nn.functional.batch_norm(
        x, torch.tensor([0.5, -1.0, 0.0], dtype=torch.float64),
        torch.tensor([1.0, 2.0, 0.3], dtype=torch.float64), w[:, 0], b[:, 0]),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_normalization_functions_equal_pytorchs_in_value_and_every_gradient(
    name: str, torch: Any
) -> None:
    rng = np.random.default_rng(3)
    given_arrays = function_arrays(name, rng, 4)
    given_arrays[0][0] = 0.5  # a constant sample: only eps keeps it finite
    ours = [leaf(a) for a in given_arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in given_arrays]
    out = FUNCTIONS[name](*ours)
    expected = TORCH_FUNCTIONS[name](torch, *theirs)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-12, atol=1e-12)
    seed = rng.standard_normal(out.shape)
    out.backward(seed)
    expected.backward(torch.tensor(seed))
    for index, (mine, twin) in enumerate(zip(ours, theirs)):
        if twin.grad is None:  # rms_norm has no bias
            assert mine.grad is None
            continue
        assert mine.grad is not None
        np.testing.assert_allclose(mine.grad.data, twin.grad.numpy(), rtol=1e-9, atol=1e-11,
                                   err_msg=f"input {index}")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_rms_norm_eps_none_is_the_dtypes_machine_epsilon_as_pytorchs(
    dtype: str, torch: Any
) -> None:
    x = np.array([[0.0, 1e-5, -2e-5], [3.0, -4.0, 0.5]], dtype=dtype)
    ours = F.rms_norm(tm.tensor(x), 3)
    assert ours.dtype == np.dtype(dtype)
    theirs = torch.nn.functional.rms_norm(torch.tensor(x), (3,)).numpy()
    np.testing.assert_allclose(ours.data, theirs, rtol=1e-6 if dtype == "float32" else 1e-14)


def test_rms_norm_of_zeros_is_zero_with_gradient_one_over_root_eps() -> None:
    x = leaf(np.zeros((2, 3)))
    out = F.rms_norm(x, (3,))
    out.sum().backward()
    assert out.tolist() == [[0.0] * 3] * 2 and x.grad is not None
    np.testing.assert_allclose(x.grad.data, 1 / np.sqrt(np.finfo(np.float64).eps), rtol=1e-15)


@pytest.mark.parametrize("steps", [1, 3])
def test_batch_norm_running_statistics_equal_pytorchs_after_training_steps(
    steps: int, torch: Any
) -> None:
    rng = np.random.default_rng(4)
    ours = tm.zeros(3), tm.ones(3)
    theirs = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    for _ in range(steps):
        x = rng.standard_normal((5, 3, 2, 2)) * 3 - 1
        F.batch_norm(tm.tensor(x), *ours, training=True, momentum=0.2)
        torch.nn.functional.batch_norm(torch.tensor(x), *theirs, training=True, momentum=0.2)
    for mine, twin in zip(ours, theirs):
        np.testing.assert_allclose(mine.data, twin.numpy(), rtol=1e-13)


def test_norm_modules_reprs_and_parameters_are_pytorchs(torch: Any) -> None:
    pairs = [(RMSNorm(3), torch.nn.RMSNorm(3)),
             (RMSNorm([2, 3], 1e-3, False), torch.nn.RMSNorm([2, 3], 1e-3, False)),
             (GroupNorm(2, 4), torch.nn.GroupNorm(2, 4)),
             (GroupNorm(2, 4, 0.1, affine=False), torch.nn.GroupNorm(2, 4, 0.1, affine=False)),
             (GroupNorm(1, 4, bias=False), torch.nn.GroupNorm(1, 4, bias=False))]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs)
        assert {name: p.shape for name, p in ours.named_parameters()} == {
            name: tuple(p.shape) for name, p in theirs.named_parameters()}


def test_norm_modules_show_their_arguments_and_start_at_ones_and_zeros() -> None:
    assert repr(RMSNorm((2, 3), eps=0.5)) == "RMSNorm((2, 3), eps=0.5, elementwise_affine=True)"
    assert repr(GroupNorm(3, 6)) == "GroupNorm(3, 6, eps=1e-05, affine=True, bias=True)"
    layer = GroupNorm(3, 6, dtype=tm.float32)
    assert layer.weight is not None and layer.bias is not None
    assert layer.weight.tolist() == [1.0] * 6 and layer.bias.tolist() == [0.0] * 6
    assert layer.weight.dtype == np.float32
    assert RMSNorm(2, elementwise_affine=False).weight is None
    assert GroupNorm(2, 2, affine=False).bias is None


@pytest.mark.parametrize("make", [lambda: GroupNorm(2, 4), lambda: RMSNorm((4, 2))])
def test_group_norm_and_rms_norm_modules_pass_gradcheck_in_input_and_parameters(
    make: Callable[[], Module],
) -> None:
    rng = np.random.default_rng(5)
    layer = make()
    layer.load_state_dict({name: rng.standard_normal(value.shape)
                           for name, value in layer.state_dict().items()})
    inputs = [leaf(rng.standard_normal((3, 4, 2))), *layer.parameters()]
    assert tm.gradcheck(lambda x, *parameters: layer(x), inputs)
    assert tm.gradgradcheck(lambda x, *parameters: layer(x), inputs)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: F.layer_norm(tm.ones(4, 3), (4,)), ValueError,
     r"^layer_norm: input of shape \(4, 3\) should end in the normalized_shape \(4,\)"),
    (lambda: F.layer_norm(tm.ones(4, 3), 3, tm.ones(2)), ValueError,
     r"^layer_norm: weight must be shaped \(3,\), got \(2,\)"),
    (lambda: F.layer_norm(tm.ones(4, 3), 3, None, np.ones(3)), TypeError,
     r"^layer_norm: bias must be a Tensor or None, got ndarray"),
    (lambda: F.layer_norm(tm.ones(4, 3), 3, eps=-1.0), ValueError,
     r"^layer_norm: eps must be positive and finite, got -1\.0"),
    (lambda: F.layer_norm(tm.ones(4, 3), "3"), TypeError,
     r"^layer_norm: normalized_shape must be an int or a tuple of ints"),
    (lambda: F.rms_norm(tm.ones(4, 3), (3,), tm.ones(3, 1)), ValueError,
     r"^rms_norm: weight must be shaped \(3,\), got \(3, 1\)"),
    (lambda: F.rms_norm(tm.tensor([[1, 2]]), 2), TypeError, r"^rms_norm: needs a floating point"),
    (lambda: F.rms_norm(tm.ones(2), 2, eps="0.1"), TypeError, r"^rms_norm: eps must be a number"),
    (lambda: F.group_norm(tm.ones(2, 6), 4), ValueError,
     r"^group_norm: the input's 6 channels \(dim 1 of shape \(2, 6\)\) are not divisible by "
     r"num_groups=4"),
    (lambda: F.group_norm(tm.ones(6), 2), ValueError, r"^group_norm: input must be shaped \(N, C"),
    (lambda: F.group_norm(tm.ones(2, 6), 0), ValueError, r"^group_norm: num_groups must be"),
    (lambda: F.group_norm(tm.ones(1, 2), 2), ValueError,
     r"^group_norm: expected more than 1 value per channel, got input of shape \(1, 2\)"),
    (lambda: F.group_norm(tm.ones(2, 6), 3, tm.ones(3)), ValueError,
     r"^group_norm: weight must be shaped \(6,\), got \(3,\)"),
    (lambda: F.batch_norm(tm.ones(4, 3), None, None), ValueError,
     r"^batch_norm: running_mean and running_var must be given when training is False"),
    (lambda: F.batch_norm(tm.ones(4, 3), tm.zeros(3), None, training=True), ValueError,
     r"^batch_norm: running_mean and running_var must both be given or both be None"),
    (lambda: F.batch_norm(tm.ones(4, 3), tm.zeros(2), tm.ones(2)), ValueError,
     r"^batch_norm: running_mean must be shaped \(3,\), one value per channel .* \(4, 3\)\), "
     r"got \(2,\)"),
    (lambda: F.batch_norm(tm.ones(4, 3), np.zeros(3), tm.ones(3)), TypeError,
     r"^batch_norm: running_mean must be a floating point Tensor, got float64"),
    (lambda: F.batch_norm(tm.ones(1, 3), None, None, training=True), ValueError,
     r"^batch_norm: expected more than 1 value per channel when training, got input size "
     r"\(1, 3\)"),
    (lambda: F.batch_norm(tm.ones(3), None, None, training=True), ValueError,
     r"^batch_norm: input must be shaped \(N, C\) or \(N, C, \*\), got shape \(3,\)"),
    (lambda: F.batch_norm(tm.ones(4, 3), None, None, training=True, momentum=None), TypeError,
     r"^batch_norm: momentum must be a number, got None"),
    (lambda: RMSNorm(3)(tm.ones(2, 4)), ValueError,
     r"^RMSNorm\(\(3,\), eps=None.*\): input of shape \(2, 4\) should end in the normalized"),
    (lambda: RMSNorm(3, eps=0.0), ValueError, r"^RMSNorm: eps must be positive and finite"),
    (lambda: GroupNorm(4, 6), ValueError,
     r"^GroupNorm: num_channels \(6\) must be divisible by num_groups \(4\)"),
    (lambda: GroupNorm(2, 4)(tm.ones(3, 6)), ValueError,
     r"^GroupNorm\(2, 4, .*\): input of shape \(3, 6\) has 6 channels in dim 1, but "
     r"num_channels is 4"),
    (lambda: GroupNorm(2, 4)(tm.ones(3, 4, dtype=tm.int64)), TypeError,
     r"^GroupNorm\(2, 4, .*\): input must be floating point, got dtype int64"),
])
def test_normalization_functions_and_modules_refuse_bad_arguments_naming_them(
    call: Callable[[], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()


def test_batch_norm_leaves_the_running_statistics_alone_when_it_refuses_the_call() -> None:
    running_mean, running_var = tm.zeros(3), tm.ones(3)
    for bad in [lambda: F.batch_norm(tm.ones(1, 3), running_mean, running_var, training=True),
                lambda: F.batch_norm(tm.randn(4, 3), running_mean, running_var, tm.ones(2),
                                     training=True)]:
        with pytest.raises(ValueError):
            bad()
        assert running_mean.tolist() == [0.0] * 3 and running_var.tolist() == [1.0] * 3
        assert running_mean._version == running_var._version == 0
