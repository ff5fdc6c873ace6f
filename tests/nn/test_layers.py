"""Linear, Bilinear, the activation modules, Identity, Flatten, Unflatten, Dropout, AlphaDropout."""

from __future__ import annotations

import math
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tests.strategies import arrays, leaf, shapes
from tinygrad_mlp import nn
from tinygrad_mlp.nn import functional as F

# -- Linear: construction ---------------------------------------------------------------


def test_linear_weight_is_out_by_in_and_bias_is_out() -> None:
    layer = nn.Linear(5, 3)
    assert layer.weight.shape == (3, 5)
    assert layer.bias is not None and layer.bias.shape == (3,)
    assert isinstance(layer.weight, nn.Parameter) and isinstance(layer.bias, nn.Parameter)
    assert (layer.in_features, layer.out_features) == (5, 3)
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]


def test_linear_without_bias_has_only_a_weight() -> None:
    layer = nn.Linear(5, 3, bias=False)
    assert layer.bias is None
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    x = np.ones((2, 5))
    np.testing.assert_allclose(layer(tm.tensor(x)).data, x @ layer.weight.data.T)


def test_linear_parameters_take_the_default_dtype_or_the_one_given() -> None:
    assert nn.Linear(2, 2).weight.dtype == tm.get_default_dtype() == np.float64
    layer = nn.Linear(2, 2, dtype=tm.float32)
    assert layer.weight.dtype == np.float32 and layer.bias is not None
    assert layer.bias.dtype == np.float32
    assert layer(tm.tensor(np.ones((1, 2), dtype=np.float32))).dtype == np.float32


def test_linear_follows_set_default_dtype_float32(float32_default: None) -> None:
    layer = nn.Linear(3, 2)
    assert layer.weight.dtype == np.float32
    assert layer.bias is not None and layer.bias.dtype == np.float32


@pytest.mark.parametrize("size", [0, -1, 2.5, True, "3", None])
@pytest.mark.parametrize("argument", ["in_features", "out_features"])
def test_linear_rejects_sizes_that_are_not_positive_ints(size: Any, argument: str) -> None:
    sizes = {"in_features": 2, "out_features": 2, argument: size}
    with pytest.raises(ValueError, match=rf"Linear: {argument} must be a positive int"):
        nn.Linear(sizes["in_features"], sizes["out_features"])


def test_linear_accepts_numpy_integer_sizes() -> None:
    layer = nn.Linear(np.int64(3), np.int32(2))
    assert layer.weight.shape == (2, 3)
    assert type(layer.in_features) is int


def test_linear_rejects_an_unknown_init_and_lists_the_choices() -> None:
    with pytest.raises(ValueError, match=r"unknown init 'zeros'.*kaiming_normal"):
        nn.Linear(2, 2, init="zeros")


# -- Linear: initialisation -------------------------------------------------------------

IN, OUT = 400, 1000  # 400 000 weights: sample stds are within ~0.5% of the true ones

# init -> (weight std, weight bound or None, bias std, bias bound or None); std 0 = zeros
UNIFORM_PYTORCH = 1 / math.sqrt(IN)
EXPECTED: dict[str, tuple[float, float | None, float, float | None]] = {
    "pytorch": (UNIFORM_PYTORCH / math.sqrt(3), UNIFORM_PYTORCH,
                UNIFORM_PYTORCH / math.sqrt(3), UNIFORM_PYTORCH),
    "normal": (1.0, None, 1.0, None),
    "nielsen": (1 / math.sqrt(IN), None, 1.0, None),
    "xavier_uniform": (math.sqrt(2 / (IN + OUT)), math.sqrt(6 / (IN + OUT)), 0.0, None),
    "xavier_normal": (math.sqrt(2 / (IN + OUT)), None, 0.0, None),
    "kaiming_uniform": (math.sqrt(2 / IN), math.sqrt(6 / IN), 0.0, None),
    "kaiming_normal": (math.sqrt(2 / IN), None, 0.0, None),
}


def test_every_init_option_has_expected_statistics_in_this_file() -> None:
    assert set(EXPECTED) == set(nn.INITS)


def assert_distribution(values: np.ndarray, std: float, bound: float | None, rel: float) -> None:
    if std == 0.0:
        assert not values.any()
        return
    assert abs(values.mean()) < 5 * std / math.sqrt(values.size)
    assert values.std() == pytest.approx(std, rel=rel)
    if bound is not None:  # uniform: inside the bound, and reaching close to it
        assert np.abs(values).max() <= bound
        assert np.abs(values).max() > 0.99 * bound


@pytest.mark.parametrize("init", sorted(EXPECTED))
def test_linear_init_draws_weights_and_biases_from_the_documented_distribution(init: str) -> None:
    layer = nn.Linear(IN, OUT, init=init, generator=np.random.default_rng(0))
    w_std, w_bound, b_std, b_bound = EXPECTED[init]
    assert layer.init == init
    assert_distribution(layer.weight.data, w_std, w_bound, rel=0.01)
    assert layer.bias is not None
    assert_distribution(layer.bias.data, b_std, b_bound, rel=0.1)  # only OUT biases


def test_default_init_is_pytorchs_uniform_within_one_over_root_in_features() -> None:
    layer = nn.Linear(9, 50)
    assert layer.init == "pytorch"
    assert layer.bias is not None
    assert np.abs(layer.weight.data).max() <= 1 / 3
    assert np.abs(layer.bias.data).max() <= 1 / 3


@pytest.mark.parametrize("init", sorted(EXPECTED))
def test_linear_init_works_without_bias_and_in_float32(init: str) -> None:
    layer = nn.Linear(20, 30, bias=False, init=init, dtype=tm.float32,
                      generator=np.random.default_rng(0))
    assert layer.weight.dtype == np.float32
    assert np.isfinite(layer.weight.data).all() and layer.weight.data.std() > 0


@pytest.mark.parametrize("init", sorted(EXPECTED))
def test_linear_init_is_reproducible_with_a_seeded_generator(init: str) -> None:
    a = nn.Linear(4, 3, init=init, generator=np.random.default_rng(7))
    b = nn.Linear(4, 3, init=init, generator=np.random.default_rng(7))
    c = nn.Linear(4, 3, init=init, generator=np.random.default_rng(8))
    for name, value in a.state_dict().items():
        np.testing.assert_array_equal(value, b.state_dict()[name])
    assert not np.array_equal(a.weight.data, c.weight.data)


def test_manual_seed_makes_whole_models_reproducible() -> None:
    def build() -> nn.Sequential:
        return nn.Sequential(nn.Linear(4, 3), nn.Sigmoid(), nn.Linear(3, 3, init="normal"))

    tm.manual_seed(123)
    first = build().state_dict()
    tm.manual_seed(123)
    second = build().state_dict()
    tm.manual_seed(124)
    third = build().state_dict()
    assert list(first) == list(second)
    for name in first:
        np.testing.assert_array_equal(first[name], second[name])
    assert not np.array_equal(first["0.weight"], third["0.weight"])


# -- Linear: forward and gradients -------------------------------------------------------


@given(
    sizes=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    batch=shapes(min_dims=0, max_dims=2),
    bias=st.booleans(),
    data=st.data(),
)
def test_linear_forward_equals_x_times_w_transposed_plus_b_in_numpy(
    sizes: tuple[int, int], batch: tuple[int, ...], bias: bool, data: st.DataObject
) -> None:
    n_in, n_out = sizes
    layer = nn.Linear(n_in, n_out, bias=bias, generator=np.random.default_rng(0))
    x = data.draw(arrays((*batch, n_in)))
    expected = x @ layer.weight.data.T + (layer.bias.data if layer.bias is not None else 0.0)
    out = layer(tm.tensor(x))
    assert out.shape == (*batch, n_out)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(F.linear(tm.tensor(x), layer.weight, layer.bias).data, expected,
                               rtol=1e-12, atol=1e-12)


@given(sizes=st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)),
       bias=st.booleans())
def test_linear_gradients_pass_gradcheck_for_parameters_and_input(
    sizes: tuple[int, int, int], bias: bool
) -> None:
    rows, n_in, n_out = sizes
    layer = nn.Linear(n_in, n_out, bias=bias, generator=np.random.default_rng(1))
    x = leaf(np.random.default_rng(2).standard_normal((rows, n_in)))
    assert tm.gradcheck(lambda: (layer(x) ** 2).sum(), layer)
    assert tm.gradcheck(lambda x: layer(x).tanh(), [x])


def test_linear_gradients_are_the_textbook_formulas() -> None:
    layer = nn.Linear(3, 2, generator=np.random.default_rng(0))
    x = np.random.default_rng(1).standard_normal((4, 3))
    g = np.random.default_rng(2).standard_normal((4, 2))
    layer(tm.tensor(x)).backward(g)
    assert layer.bias is not None and layer.bias.grad is not None
    assert layer.weight.grad is not None
    np.testing.assert_allclose(layer.weight.grad.data, g.T @ x)  # dL/dW = gᵀ x
    np.testing.assert_allclose(layer.bias.grad.data, g.sum(axis=0))  # dL/db = Σ g


@pytest.mark.parametrize("shape", [(2, 5), (5,), (2, 3, 2)])
def test_linear_wrong_input_width_raises_naming_the_layer_and_the_shape(
    shape: tuple[int, ...],
) -> None:
    layer = nn.Linear(4, 3)
    with pytest.raises(ValueError) as info:
        layer(tm.tensor(np.ones(shape)))
    message = str(info.value)
    assert "Linear(in_features=4, out_features=3, bias=True)" in message
    assert str(shape) in message and "4 features" in message


def test_linear_rejects_a_zero_dimensional_input() -> None:
    with pytest.raises(ValueError, match=r"shape \(\)"):
        nn.Linear(1, 1)(tm.tensor(1.0))


def test_linear_repr_is_pytorchs() -> None:
    assert repr(nn.Linear(4, 3)) == "Linear(in_features=4, out_features=3, bias=True)"
    assert repr(nn.Linear(1, 2, bias=False)) == "Linear(in_features=1, out_features=2, bias=False)"


# -- activations -------------------------------------------------------------------------


def numpy_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


ELEMENTWISE: dict[str, tuple[Callable[[], nn.Module], Callable[[np.ndarray], np.ndarray]]] = {
    "Sigmoid": (nn.Sigmoid, lambda x: 1.0 / (1.0 + np.exp(-x))),
    "Tanh": (nn.Tanh, np.tanh),
    "ReLU": (nn.ReLU, lambda x: np.maximum(x, 0.0)),
}


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
@given(data=st.data())
def test_elementwise_activations_match_numpy(name: str, data: st.DataObject) -> None:
    make, formula = ELEMENTWISE[name]
    x = data.draw(arrays(data.draw(shapes()), -10.0, 10.0))
    out = make()(tm.tensor(x))
    assert out.shape == x.shape
    np.testing.assert_allclose(out.data, formula(x), rtol=1e-12, atol=1e-15)


@given(data=st.data())
def test_softmax_rows_are_positive_sum_to_one_and_match_numpy(data: st.DataObject) -> None:
    x = data.draw(arrays(data.draw(shapes(min_dims=1)), -20.0, 20.0))
    probabilities = nn.Softmax()(tm.tensor(x)).data
    assert (probabilities > 0).all()
    np.testing.assert_allclose(probabilities.sum(axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(probabilities, numpy_softmax(x, -1), rtol=1e-10, atol=1e-15)


@given(data=st.data())
def test_softmax_and_log_softmax_work_along_the_given_dim(data: st.DataObject) -> None:
    shape = data.draw(shapes(min_dims=2))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = data.draw(arrays(shape, -5.0, 5.0))
    probabilities = nn.Softmax(dim=dim)(tm.tensor(x)).data
    np.testing.assert_allclose(probabilities.sum(axis=dim), 1.0, rtol=1e-12)
    np.testing.assert_allclose(probabilities, numpy_softmax(x, dim), rtol=1e-10)
    np.testing.assert_allclose(nn.LogSoftmax(dim=dim)(tm.tensor(x)).data,
                               np.log(numpy_softmax(x, dim)), rtol=1e-10, atol=1e-12)


def test_softmax_modules_are_stable_for_huge_logits_and_repr_their_dim() -> None:
    x = tm.tensor([[1000.0, 0.0, -1000.0]])
    np.testing.assert_allclose(nn.Softmax(dim=1)(x).data, [[1.0, 0.0, 0.0]])
    np.testing.assert_allclose(nn.LogSoftmax(dim=1)(x).data, [[0.0, -1000.0, -2000.0]])
    assert repr(nn.Softmax(dim=1)) == "Softmax(dim=1)"
    assert repr(nn.LogSoftmax()) == "LogSoftmax(dim=-1)"
    assert repr(nn.ReLU()) == "ReLU()"


def test_relu_accepts_inplace_and_shows_it_in_repr_like_pytorch() -> None:
    assert nn.ReLU().inplace is False and nn.ReLU(inplace=True).inplace is True
    assert repr(nn.ReLU(inplace=False)) == "ReLU()"
    assert repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)"
    assert repr(nn.ReLU(True)) == "ReLU(inplace=True)"


def test_relu_with_inplace_still_computes_out_of_place_so_backward_gets_its_input() -> None:
    x = leaf(np.array([[-1.5, -0.2, 0.3, 2.0]]))
    before = x.data.copy()
    out = nn.ReLU(inplace=True)(x)
    np.testing.assert_array_equal(x.data, before)
    np.testing.assert_array_equal(out.data, np.maximum(before, 0.0))
    out.sum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.data, [[0.0, 0.0, 1.0, 1.0]])
    assert tm.gradcheck(nn.ReLU(inplace=True), [x.detach().requires_grad_()])


def test_log_softmax_is_not_a_softmax_and_neither_is_the_other_like_pytorch() -> None:
    assert not isinstance(nn.LogSoftmax(), nn.Softmax)
    assert not isinstance(nn.Softmax(), nn.LogSoftmax)
    assert nn.LogSoftmax(dim=0).dim == 0 and nn.Softmax(dim=0).dim == 0


def test_activation_reprs_and_softmax_classes_equal_pytorchs(torch: ModuleType) -> None:
    pairs = [(nn.ReLU(), torch.nn.ReLU()), (nn.ReLU(inplace=True), torch.nn.ReLU(inplace=True)),
             (nn.Softmax(dim=1), torch.nn.Softmax(dim=1)),
             (nn.LogSoftmax(dim=-1), torch.nn.LogSoftmax(dim=-1))]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs)
    assert isinstance(nn.LogSoftmax(), nn.Softmax) == isinstance(torch.nn.LogSoftmax(),
                                                                 torch.nn.Softmax)


def test_leaky_smooth_activation_reprs_and_classes_equal_pytorchs(torch: ModuleType) -> None:
    pairs = [(nn.LeakyReLU(), torch.nn.LeakyReLU()),
             (nn.LeakyReLU(0.2, inplace=True), torch.nn.LeakyReLU(0.2, inplace=True)),
             (nn.ELU(alpha=1.5), torch.nn.ELU(alpha=1.5)),
             (nn.ELU(inplace=True), torch.nn.ELU(inplace=True)),
             (nn.Softplus(), torch.nn.Softplus()),
             (nn.Softplus(beta=2.0, threshold=5.0), torch.nn.Softplus(beta=2.0, threshold=5.0)),
             (nn.SiLU(), torch.nn.SiLU()), (nn.SiLU(inplace=True), torch.nn.SiLU(inplace=True)),
             (nn.GELU(), torch.nn.GELU()), (nn.GELU("tanh"), torch.nn.GELU("tanh"))]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs)
        assert isinstance(ours, nn.ReLU) == isinstance(theirs, torch.nn.ReLU)
        assert list(ours.parameters()) == []


@pytest.mark.parametrize("make", [lambda: nn.LeakyReLU("0.1"), lambda: nn.ELU(alpha=None),
                                  lambda: nn.Softplus(beta="2")])
def test_activation_modules_refuse_parameters_that_are_not_numbers(make: Any) -> None:
    with pytest.raises(TypeError, match=r"(LeakyReLU|ELU|Softplus): \w+ must be a number"):
        make()


@pytest.mark.parametrize("make", [nn.Sigmoid, nn.Tanh, nn.Softmax, nn.LogSoftmax])
def test_activation_gradients_pass_gradcheck(make: Callable[[], nn.Module]) -> None:
    x = leaf(np.random.default_rng(0).standard_normal((3, 4)))
    assert tm.gradcheck(make(), [x])


def test_relu_gradient_passes_gradcheck_away_from_the_kink() -> None:
    x = leaf(np.array([[-1.5, -0.2, 0.3, 2.0]]))
    assert tm.gradcheck(nn.ReLU(), [x])


def test_activation_modules_have_no_parameters() -> None:
    for make in (nn.Sigmoid, nn.Tanh, nn.ReLU, nn.Softmax, nn.LogSoftmax):
        assert list(make().parameters()) == []


# -- Identity and Flatten -----------------------------------------------------------------


def test_identity_returns_its_input_itself_and_ignores_constructor_arguments() -> None:
    x = tm.tensor([[1.0, 2.0]])
    assert nn.Identity()(x) is x
    assert nn.Identity(54, unused_argument="x")(x) is x
    assert repr(nn.Identity(3)) == "Identity()"
    assert list(nn.Identity().parameters()) == []


def test_identity_and_flatten_reprs_equal_pytorchs(torch: ModuleType) -> None:
    pairs = [(nn.Identity(3, a=4), torch.nn.Identity(3, a=4)),
             (nn.Flatten(), torch.nn.Flatten()), (nn.Flatten(0, -2), torch.nn.Flatten(0, -2))]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs)


def test_flatten_keeps_the_batch_dimension_by_default() -> None:
    x = np.arange(120.0).reshape(2, 3, 4, 5)
    np.testing.assert_array_equal(nn.Flatten()(tm.tensor(x)).data, x.reshape(2, 60))
    assert nn.Flatten(1, 2)(tm.tensor(x)).shape == (2, 12, 5)
    assert nn.Flatten(-3, -2)(tm.tensor(x)).shape == (2, 12, 5)
    assert nn.Flatten(0)(tm.tensor(x)).shape == (120,)
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"


FLATTEN_SHAPES = [(), (5,), (2, 3), (2, 0, 3), (2, 3, 4, 5)]
FLATTEN_DIMS = [(1, -1), (0, -1), (-2, -1), (1, 2), (2, 1), (-1, -1), (0, 0), (-3, 1), (1, 1)]


@pytest.mark.parametrize("shape", FLATTEN_SHAPES)
@pytest.mark.parametrize("dims", FLATTEN_DIMS)
def test_flatten_equals_pytorchs_for_every_dim_pair_and_errs_where_it_does(
    torch: ModuleType, shape: tuple[int, ...], dims: tuple[int, int]
) -> None:
    x = np.arange(math.prod(shape), dtype=np.float64).reshape(shape)
    try:
        theirs = torch.nn.Flatten(*dims)(torch.tensor(x)).numpy()
    except IndexError:
        with pytest.raises(IndexError, match=r"Flatten\(.*\): (start|end)_dim=.* out of range"):
            nn.Flatten(*dims)(tm.tensor(x))
        return
    except RuntimeError:  # start_dim after end_dim
        with pytest.raises(ValueError, match="start_dim comes after end_dim"):
            nn.Flatten(*dims)(tm.tensor(x))
        return
    ours = nn.Flatten(*dims)(tm.tensor(x)).data
    assert ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)


def test_flatten_gradient_is_the_incoming_gradient_reshaped() -> None:
    x = leaf(np.random.default_rng(0).standard_normal((2, 3, 4)))
    assert tm.gradcheck(nn.Flatten(), [x])
    assert tm.gradgradcheck(nn.Flatten(0, 1), [x])


def test_flatten_rejects_an_input_that_is_not_a_tensor_and_dims_that_are_not_ints() -> None:
    with pytest.raises(TypeError, match=r"Flatten\(start_dim=1, end_dim=-1\): input must be"):
        nn.Flatten()(np.zeros((2, 3)))
    with pytest.raises(TypeError, match="start_dim must be an int, got float"):
        nn.Flatten(1.0)(tm.tensor(np.zeros((2, 3))))


# -- Dropout ------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_dropout_zeroes_a_fraction_p_and_keeps_the_mean(p: float) -> None:
    x = tm.tensor(np.full((1000, 1000), 3.0))
    out = nn.Dropout(p, generator=np.random.default_rng(0))(x).data
    assert (out == 0).mean() == pytest.approx(p, abs=0.005)  # std √(p(1-p)/10⁶) ≤ 0.0005
    assert out.mean() == pytest.approx(3.0, rel=0.01)
    np.testing.assert_allclose(out[out != 0], 3.0 / (1 - p), rtol=1e-15)


def test_dropout_gradient_reaches_only_the_kept_elements_scaled() -> None:
    x = leaf(np.ones((20, 30)))
    out = nn.Dropout(0.4, generator=np.random.default_rng(1))(x)
    out.backward(np.full(out.shape, 2.0))
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.data, np.where(out.data == 0, 0.0, 2.0 / 0.6))


def test_dropout_with_a_fixed_mask_passes_gradcheck_and_gradgradcheck() -> None:
    x = leaf(np.random.default_rng(0).standard_normal((4, 5)))

    def dropped(x: tm.Tensor) -> tm.Tensor:
        tm.manual_seed(0)  # the same mask on every call
        return nn.Dropout(0.3)(x) * x  # a product, so the second derivative is not zero

    assert tm.gradcheck(dropped, [x])
    assert tm.gradgradcheck(dropped, [x])


def test_dropout_in_eval_mode_or_with_p_zero_returns_the_input_itself() -> None:
    x = tm.tensor(np.ones((3, 4)))
    assert nn.Dropout().eval()(x) is x
    assert nn.Dropout(0.0)(x) is x


def test_dropout_with_p_one_zeroes_everything_and_every_gradient() -> None:
    x = leaf(np.ones((3, 4)))
    out = nn.Dropout(1.0)(x)
    assert not out.data.any()
    out.sum().backward()
    assert x.grad is not None and not x.grad.data.any()


def test_dropout_follows_train_and_eval_of_an_enclosing_sequential() -> None:
    model = nn.Sequential(nn.Linear(4, 50, generator=np.random.default_rng(0)), nn.Dropout(0.5))
    x = tm.tensor(np.ones((8, 4)))
    model.eval()
    first, second = model(x).data, model(x).data
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first, model[0](x).data)
    model.train()
    trained = model(x).data
    assert (trained == 0).any()
    np.testing.assert_allclose(trained[trained != 0], 2 * first[trained != 0])


def test_dropout_masks_are_reproducible_under_manual_seed_and_differ_between_calls() -> None:
    x = tm.tensor(np.ones((10, 10)))
    tm.manual_seed(7)
    a, b = nn.Dropout()(x).data, nn.Dropout()(x).data
    tm.manual_seed(7)
    np.testing.assert_array_equal(a, nn.Dropout()(x).data)
    np.testing.assert_array_equal(b, nn.Dropout()(x).data)
    assert not np.array_equal(a, b)


def test_dropout_keeps_float32() -> None:
    out = nn.Dropout(0.3)(tm.tensor(np.ones((4, 4), dtype=np.float32)))
    assert out.dtype == np.float32


@pytest.mark.parametrize("p", [-0.01, 1.01, float("nan")])
def test_dropout_rejects_p_outside_zero_one_when_constructed(p: float) -> None:
    with pytest.raises(ValueError, match=rf"Dropout: p .* must be in \[0, 1\], got {p}"):
        nn.Dropout(p)


def test_dropout_rejects_a_p_or_generator_of_the_wrong_type_when_constructed() -> None:
    with pytest.raises(TypeError, match="Dropout: p must be a number in"):
        nn.Dropout("0.5")
    with pytest.raises(TypeError, match=r"Dropout: generator must be a numpy\.random\.Generator"):
        nn.Dropout(generator=0)


def test_dropout_repr_accepts_inplace_and_has_no_parameters() -> None:
    assert repr(nn.Dropout()) == "Dropout(p=0.5, inplace=False)"
    assert repr(nn.Dropout(0.2, True)) == "Dropout(p=0.2, inplace=True)"
    assert list(nn.Dropout().parameters()) == []


def test_dropout_repr_equals_pytorchs(torch: ModuleType) -> None:
    for args in [(), (0.2,), (0.2, True), (1,)]:
        assert repr(nn.Dropout(*args)) == repr(torch.nn.Dropout(*args))


# -- LogSigmoid, Hardtanh, ReLU6, Mish, Softmin -------------------------------------------


def test_new_activation_reprs_and_classes_equal_pytorchs(torch: ModuleType) -> None:
    pairs = [(nn.LogSigmoid(), torch.nn.LogSigmoid()),
             (nn.Hardtanh(), torch.nn.Hardtanh()),
             (nn.Hardtanh(-2.0, 3.0, inplace=True), torch.nn.Hardtanh(-2.0, 3.0, inplace=True)),
             (nn.Hardtanh(0, 1), torch.nn.Hardtanh(0, 1)),
             (nn.ReLU6(), torch.nn.ReLU6()), (nn.ReLU6(True), torch.nn.ReLU6(True)),
             (nn.Mish(), torch.nn.Mish()), (nn.Mish(inplace=True), torch.nn.Mish(inplace=True)),
             (nn.Softmin(dim=1), torch.nn.Softmin(dim=1))]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs)
        assert isinstance(ours, nn.Hardtanh) == isinstance(theirs, torch.nn.Hardtanh)
        assert isinstance(ours, nn.Softmax) == isinstance(theirs, torch.nn.Softmax)
        assert list(ours.parameters()) == []


def test_relu6_is_a_hardtanh_from_zero_to_six_as_in_pytorch() -> None:
    relu6 = nn.ReLU6()
    assert isinstance(relu6, nn.Hardtanh) and (relu6.min_val, relu6.max_val) == (0.0, 6.0)
    x = tm.tensor([-1.0, 0.0, 3.0, 6.0, 9.0])
    np.testing.assert_array_equal(relu6(x).data, nn.Hardtanh(0.0, 6.0)(x).data)


@pytest.mark.parametrize(("make", "error", "message"), [
    (lambda: nn.Hardtanh(1.0, 1.0), ValueError,
     r"^Hardtanh: max_val \(1\.0\) must be greater than min_val \(1\.0\)"),
    (lambda: nn.Hardtanh(2.0, -2.0), ValueError, r"^Hardtanh: max_val \(-2\.0\) must be greater"),
    (lambda: nn.Hardtanh("0"), TypeError, r"^Hardtanh: min_val must be a number"),
    (lambda: nn.Hardtanh(0.0, None), TypeError, r"^Hardtanh: max_val must be a number"),
])
def test_hardtanh_refuses_limits_pytorch_refuses_when_constructed(
    make: Callable[[], nn.Module], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize("make", [nn.LogSigmoid, nn.Hardtanh, nn.ReLU6, nn.Mish, nn.Softmin])
def test_new_activation_modules_refuse_an_ndarray_naming_their_function(
    make: Callable[[], nn.Module]
) -> None:
    name = {"LogSigmoid": "logsigmoid", "Hardtanh": "hardtanh", "ReLU6": "relu6",
            "Mish": "mish", "Softmin": "softmin"}[make.__name__]  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match=rf"^{name}: input must be a Tensor, got ndarray"):
        make()(np.ones((2, 2)))


# -- Unflatten ----------------------------------------------------------------------------


def test_unflatten_splits_one_dim_and_flatten_undoes_it() -> None:
    x = tm.tensor(np.arange(24.0).reshape(2, 12))
    out = nn.Unflatten(1, (3, 4))(x)
    assert out.shape == (2, 3, 4)
    np.testing.assert_array_equal(out.data, x.data.reshape(2, 3, 4))
    np.testing.assert_array_equal(nn.Flatten()(out).data, x.data)
    assert nn.Unflatten(-1, [2, -1])(x).shape == (2, 2, 6)
    assert nn.Unflatten(0, (1, 2))(x).shape == (1, 2, 12)


UNFLATTEN_SHAPES = [(), (6,), (2, 6), (2, 0), (3, 4, 2)]
UNFLATTEN_CASES = [(1, (2, 3)), (1, (-1, 3)), (-1, (2, -1)), (0, (1, -1)), (1, (4, -1)),
                   (1, (2, 2)), (2, (2, 1)), (1, (0, -1)), (1, (2, 0)), (-3, (3, 1))]


@pytest.mark.parametrize("shape", UNFLATTEN_SHAPES)
@pytest.mark.parametrize(("dim", "sizes"), UNFLATTEN_CASES)
def test_unflatten_equals_pytorchs_and_errs_where_it_does(
    torch: ModuleType, shape: tuple[int, ...], dim: int, sizes: tuple[int, ...]
) -> None:
    x = np.arange(math.prod(shape), dtype=np.float64).reshape(shape)
    try:
        theirs = torch.nn.Unflatten(dim, sizes)(torch.tensor(x)).numpy()
    except IndexError:
        with pytest.raises(IndexError, match=r"^Unflatten\(.*\): dim=.* is out of range"):
            nn.Unflatten(dim, sizes)(tm.tensor(x))
        return
    except RuntimeError:  # sizes that do not fit (PyTorch: also for a 0-d input)
        with pytest.raises((ValueError, IndexError), match=r"^Unflatten\(.*\): "):
            nn.Unflatten(dim, sizes)(tm.tensor(x))
        return
    ours = nn.Unflatten(dim, sizes)(tm.tensor(x)).data
    assert ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)


def test_unflatten_gradient_is_the_incoming_gradient_reshaped() -> None:
    x = leaf(np.random.default_rng(0).standard_normal((2, 6)))
    assert tm.gradcheck(nn.Unflatten(1, (3, 2)), [x])
    assert tm.gradgradcheck(nn.Unflatten(1, (3, 2)), [x])
    y = leaf(np.zeros((2, 6)))
    seed = np.arange(12.0).reshape(2, 3, 2)
    nn.Unflatten(1, (3, 2))(y).backward(seed)
    assert y.grad is not None
    np.testing.assert_array_equal(y.grad.data, seed.reshape(2, 6))


def test_unflatten_repr_equals_pytorchs(torch: ModuleType) -> None:
    for dim, sizes in [(1, (2, 3)), (-1, [2, -1])]:
        assert repr(nn.Unflatten(dim, sizes)) == repr(torch.nn.Unflatten(dim, sizes))


@pytest.mark.parametrize(("make", "error", "message"), [
    (lambda: nn.Unflatten(1, 6), TypeError,
     r"^Unflatten: unflattened_size must be a tuple of ints, got int"),
    (lambda: nn.Unflatten(1, (2.0, 3)), TypeError,
     r"^Unflatten: unflattened_size must be a tuple of ints, got float at position 0"),
    (lambda: nn.Unflatten(1, (2, True)), TypeError, r"got bool at position 1"),
    (lambda: nn.Unflatten(1.0, (2, 3)), TypeError, r"^Unflatten: dim must be an int, got float"),
    (lambda: nn.Unflatten(1, ()), ValueError, r"^Unflatten: unflattened_size must be sizes >= 0"),
    (lambda: nn.Unflatten(1, (-1, -1)), ValueError, r"at most one of them -1 .*got \(-1, -1\)"),
    (lambda: nn.Unflatten(1, (-2, 3)), ValueError, r"^Unflatten: unflattened_size must be"),
])
def test_unflatten_refuses_a_bad_dim_or_sizes_when_constructed(
    make: Callable[[], nn.Module], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        make()


def test_unflatten_refuses_sizes_that_do_not_fit_and_a_non_tensor_naming_the_layer() -> None:
    with pytest.raises(ValueError, match=r"^Unflatten\(dim=1, unflattened_size=\(2, 2\)\): sizes "
                                         r"\[2, 2\] do not multiply up to the size of dim 1 \(5\)"):
        nn.Unflatten(1, (2, 2))(tm.tensor(np.zeros((3, 5))))
    with pytest.raises(TypeError, match=r"^Unflatten\(dim=1, unflattened_size=\(2, 2\)\): input "
                                        r"must be a Tensor, got ndarray"):
        nn.Unflatten(1, (2, 2))(np.zeros((3, 4)))


# -- Hardshrink, Softshrink, Tanhshrink ------------------------------------------------------


def test_shrink_modules_reprs_equal_pytorchs_and_hold_no_parameters(torch: ModuleType) -> None:
    pairs = [(nn.Hardshrink(), torch.nn.Hardshrink()),
             (nn.Hardshrink(1.5), torch.nn.Hardshrink(1.5)),
             (nn.Softshrink(0.25), torch.nn.Softshrink(0.25)),
             (nn.Tanhshrink(), torch.nn.Tanhshrink())]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs)
        assert list(ours.parameters()) == []
    x = np.linspace(-2.0, 2.0, 9)
    for ours, theirs in pairs:
        np.testing.assert_allclose(ours(tm.tensor(x)).data, theirs(torch.tensor(x)).numpy(),
                                   rtol=1e-13, atol=1e-300)


@pytest.mark.parametrize(("make", "error", "message"), [
    (lambda: nn.Softshrink(-0.5), ValueError, r"^Softshrink: lambd must be >= 0, got -0.5"),
    (lambda: nn.Softshrink("a"), TypeError, r"^Softshrink: lambd must be a number"),
    (lambda: nn.Hardshrink(None), TypeError, r"^Hardshrink: lambd must be a number"),
])
def test_shrink_modules_refuse_a_bad_lambd_when_constructed(
    make: Callable[[], nn.Module], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        make()


# -- PReLU -------------------------------------------------------------------------------------


def test_prelu_learns_one_slope_or_one_per_channel_and_shows_their_number() -> None:
    one, per_channel = nn.PReLU(), nn.PReLU(3, init=0.1, dtype=np.float64)
    assert repr(one) == "PReLU(num_parameters=1)" and one.weight.tolist() == [0.25]
    assert per_channel.weight.dtype == np.float64 and per_channel.weight.tolist() == [0.1] * 3
    assert [name for name, _ in per_channel.named_parameters()] == ["weight"]
    x = tm.tensor([[-2.0, 1.0, -1.0], [3.0, -4.0, 0.0]])
    out = per_channel(x)
    np.testing.assert_allclose(out.data, [[-0.2, 1.0, -0.1], [3.0, -0.4, 0.0]], rtol=1e-15)
    out.sum().backward()
    assert per_channel.weight.grad is not None
    np.testing.assert_allclose(per_channel.weight.grad.data, [-2.0, -4.0, -1.0])


def test_prelu_equals_pytorchs_module() -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = nn.PReLU(4, init=0.3, dtype=np.float64), torch.nn.PReLU(
        4, init=0.3, dtype=torch.float64)
    values = np.random.default_rng(0).standard_normal((3, 4, 2))
    x, xt = tm.tensor(values), torch.tensor(values)
    np.testing.assert_allclose(ours(x).data, theirs(xt).detach().numpy(), rtol=1e-15)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize(("arguments", "error", "message"), [
    ({"num_parameters": 0}, ValueError, r"^PReLU: num_parameters must be a positive int, got 0"),
    ({"num_parameters": 2.0}, ValueError, r"^PReLU: num_parameters must be a positive int"),
    ({"init": "a"}, TypeError, r"^PReLU: init must be a number, got 'a'"),
    ({"dtype": np.int64}, TypeError, r"^PReLU: dtype must be a floating point dtype, got int64"),
    ({"device": "cuda"}, ValueError, r"^PReLU: "),
])
def test_prelu_refuses_bad_arguments_naming_itself(arguments: dict[str, Any],
                                                   error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        nn.PReLU(**arguments)


# -- SELU, CELU, GLU, Hardswish, Hardsigmoid, Softsign, Threshold, AlphaDropout -------------


def test_selu_family_reprs_and_classes_equal_pytorchs(torch: ModuleType) -> None:
    pairs = [(nn.SELU(), torch.nn.SELU()), (nn.SELU(True), torch.nn.SELU(True)),
             (nn.CELU(), torch.nn.CELU()), (nn.CELU(2.0, True), torch.nn.CELU(2.0, True)),
             (nn.GLU(), torch.nn.GLU()), (nn.GLU(1), torch.nn.GLU(1)),
             (nn.Hardswish(True), torch.nn.Hardswish(True)),
             (nn.Hardsigmoid(True), torch.nn.Hardsigmoid(True)),
             (nn.Softsign(), torch.nn.Softsign()),
             (nn.Threshold(0.1, 20), torch.nn.Threshold(0.1, 20)),
             (nn.Threshold(0.1, 2.0, True), torch.nn.Threshold(0.1, 2.0, True)),
             (nn.AlphaDropout(), torch.nn.AlphaDropout()),
             (nn.AlphaDropout(0.2, True), torch.nn.AlphaDropout(0.2, True))]
    classes = [(nn.Hardswish, torch.nn.Hardswish), (nn.Dropout, torch.nn.Dropout),
               (nn.ELU, torch.nn.ELU), (nn.Softmax, torch.nn.Softmax)]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs)
        assert list(ours.parameters()) == []
        for our_class, their_class in classes:
            assert isinstance(ours, our_class) == isinstance(theirs, their_class)


def test_selu_family_reprs_show_their_arguments() -> None:
    assert [repr(m) for m in (nn.CELU(0.5), nn.GLU(0), nn.Hardswish(inplace=True),
                              nn.Threshold(1.0, -1.0, inplace=True), nn.AlphaDropout(0.1))] == [
        "CELU(alpha=0.5)", "GLU(dim=0)", "Hardswish()",
        "Threshold(threshold=1.0, value=-1.0, inplace=True)", "AlphaDropout(p=0.1, inplace=False)"]


@pytest.mark.parametrize(("make", "error", "message"), [
    (lambda: nn.CELU(0.0), ValueError, r"^CELU: alpha cannot be 0"),
    (lambda: nn.CELU("1"), TypeError, r"^CELU: alpha must be a number"),
    (lambda: nn.Threshold(None, 1.0), TypeError, r"^Threshold: threshold must be a number"),
    (lambda: nn.Threshold(0.5, "x"), TypeError, r"^Threshold: value must be a number"),
    (lambda: nn.AlphaDropout(1.5), ValueError, r"^AlphaDropout: p .* in \[0, 1\], got 1\.5"),
    (lambda: nn.AlphaDropout(generator=3), TypeError, r"^AlphaDropout: generator must be a"),
])
def test_selu_family_modules_refuse_bad_arguments_when_made(
    make: Callable[[], nn.Module], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize("make", [nn.SELU, nn.CELU, nn.GLU, nn.Hardswish, nn.Hardsigmoid,
                                  nn.Softsign, lambda: nn.Threshold(0.0, 1.0)])
def test_selu_family_modules_refuse_an_ndarray_naming_their_function(
    make: Callable[[], nn.Module]
) -> None:
    name = {"SELU": "selu", "CELU": "celu", "GLU": "glu", "Hardswish": "hardswish",
            "Hardsigmoid": "hardsigmoid", "Softsign": "softsign",
            "Threshold": "threshold"}[type(make()).__name__]
    with pytest.raises(TypeError, match=rf"^{name}: input must be a Tensor, got ndarray"):
        make()(np.ones((2, 2)))


def test_alpha_dropout_module_drops_in_training_and_passes_the_input_through_in_eval() -> None:
    x = tm.tensor(np.random.default_rng(0).standard_normal((50, 40)))
    layer = nn.AlphaDropout(0.3, generator=np.random.default_rng(1))
    out = layer(x)
    expected = F.alpha_dropout(x, 0.3, True, generator=np.random.default_rng(1))
    np.testing.assert_array_equal(out.data, expected.data)
    saturated = -(1 - 0.3) * 1.7580993408473766 / np.sqrt((1.7580993408473766**2 * 0.3 + 1) * 0.7)
    assert np.isclose(out.data, saturated, rtol=1e-14).mean() == pytest.approx(0.3, abs=0.03)
    assert layer.eval()(x) is x and nn.AlphaDropout(0.0)(x) is x
# -- Bilinear ---------------------------------------------------------------------------------


def test_bilinear_parameters_are_pytorchs_shapes_names_and_uniform_init() -> None:
    layer = nn.Bilinear(3, 4, 5, generator=np.random.default_rng(0))
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    assert layer.weight.shape == (5, 3, 4) and layer.bias is not None
    assert layer.bias.shape == (5,)
    bound = 1 / math.sqrt(3)  # 1/√in1_features for both, as PyTorch
    for p in (layer.weight, layer.bias):
        assert np.abs(p.data).max() <= bound and np.abs(p.data).max() > 0.8 * bound
    assert nn.Bilinear(3, 4, 5, bias=False).bias is None
    assert repr(layer) == "Bilinear(in1_features=3, in2_features=4, out_features=5, bias=True)"
    again = nn.Bilinear(3, 4, 5, generator=np.random.default_rng(0))
    np.testing.assert_array_equal(again.weight.data, layer.weight.data)
    assert nn.Bilinear(2, 2, 2, dtype=np.float32).weight.dtype == np.float32


@given(sizes=st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)),
       batch=st.sampled_from([(), (2,), (2, 3)]), data=st.data())
def test_bilinear_is_x1_a_x2_plus_b_and_passes_gradcheck_and_gradgradcheck(
    sizes: tuple[int, int, int], batch: tuple[int, ...], data: st.DataObject
) -> None:
    in1, in2, out = sizes
    layer = nn.Bilinear(in1, in2, out, generator=np.random.default_rng(1))
    x1 = tm.tensor(data.draw(arrays((*batch, in1))), requires_grad=True)
    x2 = tm.tensor(data.draw(arrays((*batch, in2))), requires_grad=True)
    expected = np.einsum("...i,kij,...j->...k", x1.data, layer.weight.data, x2.data)
    assert layer.bias is not None
    np.testing.assert_allclose(layer(x1, x2).data, expected + layer.bias.data, rtol=1e-12,
                               atol=1e-12)
    assert tm.gradcheck(lambda a, b: layer(a, b), [x1, x2])
    assert tm.gradcheck(lambda: layer(x1, x2), layer)
    assert tm.gradgradcheck(lambda a, b: F.bilinear(a, b, layer.weight, layer.bias), [x1, x2])


def test_bilinear_and_its_gradients_equal_pytorchs(torch: ModuleType) -> None:
    g = np.random.default_rng(2)
    ours = nn.Bilinear(3, 2, 4, generator=g)
    theirs = torch.nn.Bilinear(3, 2, 4).double()
    theirs.load_state_dict({k: torch.tensor(v) for k, v in ours.state_dict().items()})
    x1, x2 = g.standard_normal((5, 3)), g.standard_normal((5, 2))
    y = ours(tm.tensor(x1), tm.tensor(x2))
    t = theirs(torch.tensor(x1), torch.tensor(x2))
    np.testing.assert_allclose(y.data, t.detach().numpy(), rtol=1e-12)
    y.sum().backward()
    t.sum().backward()
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        assert p.grad is not None, name
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: nn.Bilinear(0, 2, 2), ValueError, r"^Bilinear: in1_features must be a positive int"),
    (lambda: nn.Bilinear(2, 2, 2, dtype=np.int64), TypeError, r"^Bilinear: dtype must be"),
    (lambda: nn.Bilinear(3, 2, 4)(tm.ones(5, 2), tm.ones(5, 2)), ValueError,
     r"^bilinear: weight must be shaped \(out_features, 2, 2\).*got \(4, 3, 2\)"),
    (lambda: nn.Bilinear(3, 2, 4)(tm.ones(5, 3), tm.ones(4, 2)), ValueError,
     r"^bilinear: input1 \(5, 3\) and input2 \(4, 2\) must have .* the same leading"),
    (lambda: F.bilinear(tm.ones(3), tm.ones(2), tm.ones(4, 3, 2), tm.ones(3)), ValueError,
     r"^bilinear: bias must be shaped \(4,\)"),
    (lambda: F.bilinear(tm.ones(3), np.ones(2), tm.ones(4, 3, 2)), TypeError,
     r"^bilinear: input2 must be a Tensor, got ndarray"),
])
def test_bilinear_refuses_shapes_that_do_not_fit_naming_them(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()
