"""nn.init: each scheme fills in place, from the documented distribution, reproducibly."""

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
from tests.strategies import shapes
from tinygrad_mlp import nn
from tinygrad_mlp.nn import init

FAN_OUT, FAN_IN = 500, 800  # a (500, 800) weight: 400 000 samples, stds within ~0.5%


def big_weight(dtype: Any = np.float64) -> tm.Tensor:
    return tm.tensor(np.zeros((FAN_OUT, FAN_IN), dtype=dtype))


def seeded() -> np.random.Generator:
    return np.random.default_rng(0)


# scheme -> (fill it with a seeded generator, expected std, bound if uniform)
SCHEMES: dict[str, tuple[Callable[[tm.Tensor, np.random.Generator], tm.Tensor], float,
                         float | None]] = {
    "uniform_": (lambda t, g: init.uniform_(t, -0.5, 0.5, generator=g), 1 / math.sqrt(12), 0.5),
    "normal_": (lambda t, g: init.normal_(t, generator=g), 1.0, None),
    "nielsen_normal_": (lambda t, g: init.nielsen_normal_(t, generator=g),
                        1 / math.sqrt(FAN_IN), None),
    "xavier_uniform_": (lambda t, g: init.xavier_uniform_(t, generator=g),
                        math.sqrt(2 / (FAN_IN + FAN_OUT)), math.sqrt(6 / (FAN_IN + FAN_OUT))),
    "xavier_normal_": (lambda t, g: init.xavier_normal_(t, generator=g),
                       math.sqrt(2 / (FAN_IN + FAN_OUT)), None),
    "kaiming_uniform_": (lambda t, g: init.kaiming_uniform_(t, generator=g),
                         math.sqrt(2 / FAN_IN), math.sqrt(6 / FAN_IN)),
    "kaiming_normal_": (lambda t, g: init.kaiming_normal_(t, generator=g),
                        math.sqrt(2 / FAN_IN), None),
    "lecun_uniform_": (lambda t, g: init.lecun_uniform_(t, FAN_IN, generator=g),
                       1 / math.sqrt(3 * FAN_IN), 1 / math.sqrt(FAN_IN)),
}


@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_each_scheme_draws_from_its_documented_distribution(name: str) -> None:
    fill, std, bound = SCHEMES[name]
    values = fill(big_weight(), seeded()).data
    assert abs(values.mean()) < 5 * std / math.sqrt(values.size)
    assert values.std() == pytest.approx(std, rel=0.01)
    if bound is not None:
        assert -bound <= values.min() < -0.99 * bound
        assert 0.99 * bound < values.max() <= bound


@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_each_scheme_fills_in_place_returns_the_tensor_and_marks_a_new_version(name: str) -> None:
    fill = SCHEMES[name][0]
    weight = nn.Parameter(np.zeros((3, 4)))
    array, version = weight.data, weight._version
    assert fill(weight, seeded()) is weight
    assert weight.data is array and array.any()
    assert weight._version > version


@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_each_scheme_keeps_the_tensors_dtype(name: str) -> None:
    weight = SCHEMES[name][0](tm.tensor(np.zeros((6, 5), dtype=np.float32)), seeded())
    assert weight.dtype == np.float32


@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_each_scheme_is_reproducible_with_a_seeded_generator_and_with_manual_seed(
    name: str,
) -> None:
    fill = SCHEMES[name][0]
    a = fill(tm.tensor(np.zeros((4, 3))), np.random.default_rng(5)).data
    b = fill(tm.tensor(np.zeros((4, 3))), np.random.default_rng(5)).data
    np.testing.assert_array_equal(a, b)
    tm.manual_seed(5)
    c = fill(tm.tensor(np.zeros((4, 3))), None).data
    tm.manual_seed(5)
    d = fill(tm.tensor(np.zeros((4, 3))), None).data
    np.testing.assert_array_equal(c, d)
    assert not np.array_equal(c, fill(tm.tensor(np.zeros((4, 3))), None).data)


@given(shape=shapes(min_dims=2, max_dims=4), seed=st.integers(0, 2**32 - 1))
def test_uniform_schemes_stay_within_their_bounds_for_any_weight_shape(
    shape: tuple[int, ...], seed: int
) -> None:
    receptive = int(np.prod(shape[2:]))
    fan_in, fan_out = shape[1] * receptive, shape[0] * receptive
    g = np.random.default_rng(seed)
    xavier = init.xavier_uniform_(tm.tensor(np.zeros(shape)), gain=2.0, generator=g).data
    assert np.abs(xavier).max() <= 2.0 * math.sqrt(6 / (fan_in + fan_out))
    kaiming = init.kaiming_uniform_(tm.tensor(np.zeros(shape)), nonlinearity="tanh",
                                    generator=g).data
    assert np.abs(kaiming).max() <= 5 / 3 * math.sqrt(3 / fan_in)
    lecun = init.lecun_uniform_(tm.tensor(np.zeros(shape)), fan_in, generator=g).data
    assert np.abs(lecun).max() <= 1 / math.sqrt(fan_in)


def test_uniform_fills_the_half_open_interval_a_b() -> None:
    values = init.uniform_(big_weight(), 2.0, 3.0, generator=seeded()).data
    assert values.min() >= 2.0 and values.max() < 3.0
    assert values.mean() == pytest.approx(2.5, abs=0.01)


def test_normal_takes_a_mean_and_std() -> None:
    values = init.normal_(big_weight(), mean=3.0, std=0.5, generator=seeded()).data
    assert values.mean() == pytest.approx(3.0, abs=0.01)
    assert values.std() == pytest.approx(0.5, rel=0.01)


def test_constant_fills_every_element_with_the_value_and_names_bad_ones() -> None:
    bias = tm.zeros(3, dtype=tm.float32)
    assert init.constant_(bias, 0.25).tolist() == [0.25] * 3 and bias.dtype == np.float32
    assert bias._version == 1
    with pytest.raises(TypeError, match="constant_: val must be a number"):
        init.constant_(bias, "0.1")
    with pytest.raises(TypeError, match="constant_"):
        init.constant_(tm.tensor([1, 2]), 1.0)


def test_zeros_and_ones_fill_every_element() -> None:
    weight = tm.tensor(np.full((2, 3, 4), 7.0))
    assert not init.zeros_(weight).data.any()
    assert (init.ones_(weight).data == 1.0).all()
    vector = tm.tensor(np.full(5, 7.0, dtype=np.float32))
    assert (init.zeros_(vector).data == 0).all() and vector.dtype == np.float32


def test_gains_follow_pytorchs_table() -> None:
    assert init.calculate_gain("linear") == 1.0
    assert init.calculate_gain("sigmoid") == 1.0
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("selu") == 0.75
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))


def test_kaiming_takes_pytorchs_arguments_slope_mode_and_nonlinearity() -> None:
    # torch's own nn.Linear reset: kaiming_uniform_(w, a=math.sqrt(5)) gives U(±1/√fan_in)
    lecun = init.kaiming_uniform_(big_weight(), math.sqrt(5), generator=seeded()).data
    assert np.abs(lecun).max() <= 1 / math.sqrt(FAN_IN)
    assert np.abs(lecun).max() > 0.99 / math.sqrt(FAN_IN)
    fan_out = init.kaiming_normal_(big_weight(), mode="fan_out", generator=seeded()).data
    assert fan_out.std() == pytest.approx(math.sqrt(2 / FAN_OUT), rel=0.01)
    relu = init.kaiming_normal_(big_weight(), 0, "fan_in", "relu", generator=seeded()).data
    assert relu.std() == pytest.approx(math.sqrt(2 / FAN_IN), rel=0.01)
    with pytest.raises(ValueError, match=r"kaiming_normal_: mode must be 'fan_in' or 'fan_out'"):
        init.kaiming_normal_(big_weight(), mode="fan_avg")


def test_calculate_gain_rejects_an_unknown_nonlinearity_and_lists_the_choices() -> None:
    with pytest.raises(ValueError, match=r"unknown nonlinearity 'swish'.*'relu'"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="unknown nonlinearity"):
        init.kaiming_normal_(big_weight(), nonlinearity="swish")


def test_kaiming_uses_the_gain_of_the_nonlinearity_and_xavier_its_gain_argument() -> None:
    kaiming = init.kaiming_normal_(big_weight(), nonlinearity="tanh", generator=seeded()).data
    assert kaiming.std() == pytest.approx(5 / 3 / math.sqrt(FAN_IN), rel=0.01)
    linear = init.kaiming_uniform_(big_weight(), nonlinearity="linear", generator=seeded()).data
    assert np.abs(linear).max() <= math.sqrt(3 / FAN_IN)
    assert linear.std() == pytest.approx(1 / math.sqrt(FAN_IN), rel=0.01)
    xavier = init.xavier_normal_(big_weight(), gain=3.0, generator=seeded()).data
    assert xavier.std() == pytest.approx(3 * math.sqrt(2 / (FAN_IN + FAN_OUT)), rel=0.01)


def test_fans_of_a_convolution_shaped_weight_include_the_receptive_field() -> None:
    weight = tm.tensor(np.zeros((20, 10, 3, 3)))
    values = init.kaiming_uniform_(weight, generator=seeded()).data
    bound = math.sqrt(2) * math.sqrt(3 / (10 * 9))
    assert np.abs(values).max() <= bound
    assert np.abs(values).max() > 0.95 * bound


@pytest.mark.parametrize("scheme", ["nielsen_normal_", "xavier_uniform_", "xavier_normal_",
                                    "kaiming_uniform_", "kaiming_normal_"])
@pytest.mark.parametrize("shape", [(5,), ()])
def test_fan_based_schemes_need_a_weight_of_at_least_two_dims(
    scheme: str, shape: tuple[int, ...]
) -> None:
    with pytest.raises(ValueError, match=rf"{scheme}: needs a weight with at least 2 dims, got "
                                         rf"shape {re_shape(shape)}"):
        getattr(init, scheme)(tm.tensor(np.zeros(shape)))


def re_shape(shape: tuple[int, ...]) -> str:
    return str(shape).replace("(", r"\(").replace(")", r"\)")


def test_lecun_uniform_fills_a_bias_with_the_layers_fan_in_and_zeros_for_fan_in_zero() -> None:
    bias = init.lecun_uniform_(tm.tensor(np.zeros(10000)), fan_in=25, generator=seeded()).data
    assert np.abs(bias).max() <= 0.2 and np.abs(bias).max() > 0.199
    assert not init.lecun_uniform_(tm.tensor(np.ones(3)), fan_in=0, generator=seeded()).data.any()


def test_reinitialising_a_layers_weight_is_seen_by_the_layer() -> None:
    layer = nn.Linear(3, 2)
    init.ones_(layer.weight)
    assert layer.bias is not None
    init.zeros_(layer.bias)
    np.testing.assert_array_equal(layer(tm.tensor([[1.0, 2.0, 3.0]])).data, [[6.0, 6.0]])


def test_filling_a_weight_after_it_was_used_makes_the_old_graph_refuse_backward() -> None:
    layer = nn.Linear(3, 2)
    out = layer(tm.tensor(np.ones((1, 3)), requires_grad=True)).sum()
    init.normal_(layer.weight)
    with pytest.raises(RuntimeError, match="modified in place"):
        out.backward()


# -- zero-element tensors, generators, gains -------------------------------------------


FAN_BASED = ["nielsen_normal_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
             "kaiming_normal_"]


@pytest.mark.parametrize("scheme", FAN_BASED)
@pytest.mark.parametrize("shape", [(3, 0), (0, 3), (0, 0), (4, 2, 0)])
def test_fan_based_schemes_leave_a_zero_element_tensor_unchanged_with_pytorchs_warning(
    scheme: str, shape: tuple[int, ...]
) -> None:
    weight = nn.Parameter(np.zeros(shape))
    version = weight._version
    with pytest.warns(UserWarning, match=rf"{scheme}: initializing zero-element tensors is a "
                                         rf"no-op \(shape {re_shape(shape)}\)") as caught:
        assert getattr(init, scheme)(weight) is weight
    assert weight.shape == shape and weight._version == version
    assert [w.filename for w in caught] == [__file__]  # the warning points at the caller


def test_kaiming_warns_on_zero_element_tensors_as_pytorch_does(torch: ModuleType) -> None:
    for scheme in ("kaiming_uniform_", "kaiming_normal_"):
        with pytest.warns(UserWarning, match="zero-element tensors is a no-op"):
            getattr(torch.nn.init, scheme)(torch.zeros(3, 0))
        with pytest.warns(UserWarning, match="zero-element tensors is a no-op"):
            getattr(init, scheme)(tm.tensor(np.zeros((3, 0))))


@pytest.mark.parametrize("name", sorted(SCHEMES))
@pytest.mark.parametrize("generator", [5, "seed", np.random.RandomState(0)])
def test_each_scheme_rejects_a_generator_that_is_not_a_numpy_generator_naming_both(
    name: str, generator: Any
) -> None:
    weight = tm.tensor(np.zeros((3, 4)))
    message = (rf"{name}: generator must be a numpy.random.Generator or None, got "
               rf"(numpy\.random\.mtrand\.)?{type(generator).__name__} \(make one")
    with pytest.raises(TypeError, match=message):
        SCHEMES[name][0](weight, generator)
    assert not weight.data.any()


def test_each_scheme_rejects_a_torch_generator(torch: ModuleType) -> None:
    for name, (fill, _, _) in SCHEMES.items():
        with pytest.raises(TypeError, match=rf"{name}: generator must be a numpy.random"):
            fill(tm.tensor(np.zeros((3, 4))), torch.Generator())


LINEAR_LIKE = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
               "conv_transpose3d", "sigmoid"]


@pytest.mark.parametrize("nonlinearity", LINEAR_LIKE)
def test_calculate_gain_of_the_linear_maps_and_sigmoid_is_one(nonlinearity: str) -> None:
    assert init.calculate_gain(nonlinearity) == 1.0
    values = init.kaiming_normal_(big_weight(), nonlinearity=nonlinearity, generator=seeded())
    assert values.data.std() == pytest.approx(1 / math.sqrt(FAN_IN), rel=0.01)


def test_calculate_gain_equals_pytorchs_for_every_name(torch: ModuleType) -> None:
    for name in [*LINEAR_LIKE, "tanh", "relu", "selu", "leaky_relu"]:
        assert init.calculate_gain(name) == pytest.approx(torch.nn.init.calculate_gain(name))


def test_normal_and_uniform_name_a_bad_spread() -> None:
    with pytest.raises(ValueError, match=r"^normal_: std must be non-negative, got -1"):
        init.normal_(tm.zeros(3), std=-1)
    with pytest.raises(ValueError, match=r"^uniform_: a must be at most b, got a=1 and b=0"):
        init.uniform_(tm.zeros(3), a=1, b=0)


def test_normal_with_std_zero_and_uniform_with_a_equal_to_b_fill_a_constant_as_pytorch() -> None:
    assert init.normal_(tm.zeros(3), mean=2.0, std=0.0).tolist() == [2.0, 2.0, 2.0]
    assert init.uniform_(tm.zeros(3), a=1.0, b=1.0).tolist() == [1.0, 1.0, 1.0]


def test_normal_and_uniform_refuse_a_nan_spread_as_pytorch() -> None:
    with pytest.raises(ValueError, match=r"^normal_: std must be non-negative, got nan"):
        init.normal_(tm.zeros(3), std=math.nan)
    with pytest.raises(ValueError, match=r"^uniform_: a must be at most b, got a=nan"):
        init.uniform_(tm.zeros(3), a=math.nan, b=1.0)
