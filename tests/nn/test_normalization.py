"""LayerNorm: PyTorch's values, gradients, state dict and repr; finite-difference derivatives."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tests.strategies import arrays, leaf, shapes
from tinygrad_mlp import viz
from tinygrad_mlp.nn.normalization import LayerNorm

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
    ours_x, theirs_x = leaf(x), torch.tensor(x, requires_grad=True)
    ours, theirs = layer(ours_x), twin(theirs_x)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    seed = rng.standard_normal(ours.shape)
    ours.backward(seed)
    theirs.backward(torch.tensor(seed))
    assert ours_x.grad is not None
    np.testing.assert_allclose(ours_x.grad.data, theirs_x.grad.numpy(), rtol=1e-9, atol=1e-10)
    theirs_parameters = dict(twin.named_parameters())
    assert [name for name, _ in layer.named_parameters()] == list(theirs_parameters)
    for name, parameter in layer.named_parameters():
        assert parameter.grad is not None
        np.testing.assert_allclose(parameter.grad.data, theirs_parameters[name].grad.numpy(),
                                   rtol=1e-9, atol=1e-10)


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
