"""Module and Parameter: registration, the module tree, training helpers, state, repr, scopes."""

from __future__ import annotations

import copy
import itertools
import pickle
import re
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tests.strategies import layer_widths
from tinygrad_mlp import autograd, nn
from tinygrad_mlp.nn import functional as F
from tinygrad_mlp.nn import module as nn_module


def mlp(seed: int = 0) -> nn.Sequential:
    """The article's shape of network: Linear(4, 3), Sigmoid(), Linear(3, 3)."""
    g = np.random.default_rng(seed)
    return nn.Sequential(nn.Linear(4, 3, generator=g), nn.Sigmoid(), nn.Linear(3, 3, generator=g))


def deep_mlp(widths: list[int], seed: int = 0) -> nn.Sequential:
    g = np.random.default_rng(seed)
    layers: list[nn.Module] = []
    for n_in, n_out in itertools.pairwise(widths):
        layers += [nn.Linear(n_in, n_out, generator=g), nn.Tanh()]
    return nn.Sequential(*layers[:-1])


def snapshot(model: nn.Module) -> dict[str, np.ndarray]:
    return {name: p.data.copy() for name, p in model.named_parameters()}


def assert_bit_identical(model: nn.Module, before: dict[str, np.ndarray]) -> None:
    after = dict(model.named_parameters())
    assert list(after) == list(before)
    for name, value in before.items():
        assert after[name].data.tobytes() == value.tobytes(), f"{name} was changed"


class Affine(nn.Module):
    """A hand-written module: y = a * x + b, with one sub-module."""

    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Parameter(np.array([2.0]))
        self.b = nn.Parameter(np.array([1.0]))
        self.activation = nn.Tanh()

    def forward(self, x: tm.Tensor) -> tm.Tensor:
        return self.activation(self.a * x + self.b)


# -- Parameter ---------------------------------------------------------------------


def test_parameter_is_a_tensor_that_requires_grad_by_default() -> None:
    p = nn.Parameter(np.zeros(3))
    assert isinstance(p, tm.Tensor)
    assert p.requires_grad and p.is_leaf
    assert not nn.Parameter(np.zeros(3), requires_grad=False).requires_grad


def test_parameter_repr_says_parameter_containing() -> None:
    assert repr(nn.Parameter(np.array([1.0, 2.0]))).startswith("Parameter containing:\ntensor(")


# -- registration by attribute assignment --------------------------------------------


def test_assigned_parameters_and_submodules_are_registered_in_assignment_order() -> None:
    m = Affine()
    assert list(m._parameters) == ["a", "b"]
    assert list(m._modules) == ["activation"]
    assert [name for name, _ in m.named_parameters()] == ["a", "b"]
    assert list(m.children()) == [m.activation]


def test_plain_tensors_and_other_values_are_not_registered() -> None:
    m = nn.Module()
    m.buffer = tm.tensor([1.0, 2.0], requires_grad=True)
    m.size = 3
    assert list(m.parameters()) == []
    assert list(m.children()) == []
    assert m.size == 3


def test_setting_a_parameter_to_none_keeps_its_name_reserved_but_drops_it_from_the_state() -> None:
    layer = nn.Linear(3, 2)
    layer.bias = None  # allowed, as in PyTorch
    assert layer.bias is None
    assert list(layer._parameters) == ["weight", "bias"]
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    assert list(layer.state_dict()) == ["weight"]
    layer.bias = nn.Parameter(np.zeros(2))
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]


@pytest.mark.parametrize("value", [tm.tensor(np.ones((2, 3)), requires_grad=True), 3, nn.Tanh()])
def test_assigning_a_non_parameter_over_a_parameter_raises_naming_class_and_attribute(
    value: Any,
) -> None:
    layer = nn.Linear(3, 2)
    weight = layer.weight
    message = rf"Linear\.weight is a parameter: .* not {type(value).__name__}"
    with pytest.raises(TypeError, match=message):
        layer.weight = value
    assert layer.weight is weight
    assert dict(layer.named_parameters())["weight"] is weight


def test_a_parameter_set_to_none_still_refuses_a_plain_tensor() -> None:
    layer = nn.Linear(3, 2)
    layer.bias = None
    with pytest.raises(TypeError, match=r"Linear\.bias is a parameter.*not Tensor"):
        layer.bias = tm.tensor(np.zeros(2))


def test_setting_a_submodule_to_none_unregisters_it() -> None:
    m = Affine()
    m.activation = None
    assert list(m.children()) == []
    assert [name for name, _ in m.named_modules()] == [""]


@pytest.mark.parametrize("value", [3, tm.tensor([1.0]), lambda x: x])
def test_assigning_a_non_module_over_a_submodule_raises_naming_class_and_attribute(
    value: Any,
) -> None:
    m = Affine()
    activation = m.activation
    message = rf"Affine\.activation is a sub-module: .* not {type(value).__name__}"
    with pytest.raises(TypeError, match=message):
        m.activation = value
    assert m.activation is activation and list(m.children()) == [activation]


def test_replacing_a_parameter_with_another_parameter_registers_the_new_one() -> None:
    layer = nn.Linear(3, 2)
    new = nn.Parameter(np.zeros((2, 3)))
    layer.weight = new
    assert dict(layer.named_parameters())["weight"] is new


def test_deleting_an_attribute_unregisters_it() -> None:
    m = Affine()
    del m.b
    del m.activation
    assert [name for name, _ in m.named_parameters()] == ["a"]
    assert list(m.children()) == []
    assert not hasattr(m, "b")


def test_a_parameter_assigned_to_an_attribute_of_another_kind_is_moved_not_duplicated() -> None:
    m = nn.Module()
    m.x = nn.Linear(2, 2)
    m.x = nn.Parameter(np.zeros(2))
    assert list(m.children()) == []
    assert [name for name, _ in m.named_parameters()] == ["x"]


def test_assigning_an_attribute_before_super_init_raises_and_names_the_class() -> None:
    class Forgetful(nn.Module):
        def __init__(self) -> None:
            self.weight = nn.Parameter(np.zeros(2))

    with pytest.raises(AttributeError, match=r"Forgetful.*super\(\).__init__\(\)"):
        Forgetful()


def test_shared_parameter_is_counted_once_under_its_first_name() -> None:
    first, second = nn.Linear(3, 3), nn.Linear(3, 3)
    second.weight = first.weight  # tied weights
    model = nn.Sequential(first, second)
    names = [name for name, _ in model.named_parameters()]
    assert names == ["0.weight", "0.bias", "1.bias"]
    assert len(list(model.parameters())) == 3


def test_shared_submodule_is_walked_and_listed_as_a_child_once_like_pytorch() -> None:
    layer = nn.Linear(2, 2)
    tanh = nn.Tanh()
    model = nn.Sequential(layer, tanh, layer)
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    assert [name for name, _ in model.named_modules()] == ["", "0", "1"]
    assert list(model.named_children()) == [("0", layer), ("1", tanh)]
    assert list(model.children()) == [layer, tanh]
    assert len(model) == 3 and "(2): Linear" in repr(model)  # still run and shown twice


def test_remove_duplicate_false_names_a_shared_module_and_parameter_under_every_path() -> None:
    layer = nn.Linear(2, 2)
    model = nn.Sequential(layer, nn.Tanh(), layer)
    assert [n for n, _ in model.named_modules(remove_duplicate=False)] == ["", "0", "1", "2"]
    assert [n for n, _ in model.named_parameters(remove_duplicate=False)] == [
        "0.weight", "0.bias", "2.weight", "2.bias",
    ]


def test_the_same_parameter_under_two_attributes_is_counted_once() -> None:
    m = nn.Module()
    m.p = nn.Parameter(np.zeros(2))
    m.q = m.p
    assert [name for name, _ in m.named_parameters()] == ["p"]


def test_add_module_registers_a_child_under_the_given_name() -> None:
    m = nn.Module()
    layer = nn.Linear(2, 2)
    m.add_module("hidden", layer)
    assert m.hidden is layer
    assert list(m.named_children()) == [("hidden", layer)]
    assert list(m.state_dict()) == ["hidden.weight", "hidden.bias"]


def test_register_parameter_registers_a_parameter_or_reserves_the_name_with_none() -> None:
    m = nn.Module()
    scale = nn.Parameter(np.ones(2))
    m.register_parameter("scale", scale)
    m.register_parameter("shift", None)
    assert m.scale is scale and m.shift is None
    assert [name for name, _ in m.named_parameters()] == ["scale"]
    with pytest.raises(TypeError, match=r"Module\.shift is a parameter"):
        m.shift = tm.tensor([1.0])


@pytest.mark.parametrize("register", ["add_module", "register_parameter"])
@pytest.mark.parametrize(
    ("name", "error", "message"),
    [("a.b", KeyError, "contain no '.'"), ("", KeyError, "non-empty"),
     ("training", KeyError, "already has an attribute 'training'"),
     (3, TypeError, "name must be a str, got int")],
)
def test_add_module_and_register_parameter_reject_bad_names_naming_them(
    register: str, name: Any, error: type[Exception], message: str
) -> None:
    value = nn.Tanh() if register == "add_module" else nn.Parameter(np.zeros(1))
    with pytest.raises(error, match=rf"Module\.{register}: .*{message}"):
        getattr(nn.Module(), register)(name, value)


def test_add_module_and_register_parameter_reject_values_of_the_wrong_kind() -> None:
    with pytest.raises(TypeError, match=r"Module\.add_module: int is not a Module"):
        nn.Module().add_module("x", 3)
    with pytest.raises(TypeError, match=r"'w' must be a Parameter or None, got Tensor"):
        nn.Module().register_parameter("w", tm.tensor([1.0]))


def test_add_module_before_super_init_raises_and_names_the_class() -> None:
    class Forgetful(nn.Module):
        def __init__(self) -> None:
            self.add_module("layer", nn.Tanh())

    with pytest.raises(AttributeError, match=r"Forgetful\.add_module.*super\(\).__init__\(\)"):
        Forgetful()


class Counter(nn.Module):
    """Keeps a running total of its inputs in a buffer, and a scratch one out of the state."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(np.ones(2))
        self.register_buffer("total", tm.zeros(2))
        self.register_buffer("scratch", tm.zeros(1), persistent=False)

    def forward(self, x: tm.Tensor) -> tm.Tensor:
        with tm.no_grad():
            self.total = self.total + x.sum(0)
        return x * self.scale


def test_buffers_are_state_but_not_parameters() -> None:
    model = nn.Sequential(Counter(), Counter())
    assert [name for name, _ in model.named_parameters()] == ["0.scale", "1.scale"]
    assert [name for name, _ in model.named_buffers()] == [
        "0.total", "0.scratch", "1.total", "1.scratch"]
    assert len(list(model.buffers())) == 4
    assert list(model.state_dict()) == ["0.scale", "0.total", "1.scale", "1.total"]
    model(tm.ones(3, 2))
    np.testing.assert_array_equal(model.state_dict()["0.total"], [3.0, 3.0])
    assert not any(b.requires_grad for b in model.buffers())


def test_buffers_load_from_a_state_dict_in_place_and_are_checked_like_parameters() -> None:
    source, target = Counter(), Counter()
    source(tm.ones(4, 2))
    held = target.total
    target.load_state_dict(source.state_dict())
    assert target.total is held and held.data.tolist() == [4.0, 4.0]
    with pytest.raises(RuntimeError, match=r"missing key 'total'"):
        target.load_state_dict({"scale": np.ones(2)})
    with pytest.raises(RuntimeError, match=r"total: shape \(3,\) in the state dict, \(2,\) in the "
                                           r"model"):
        target.load_state_dict({"scale": np.ones(2), "total": np.ones(3)})
    with pytest.raises(RuntimeError, match=r"unexpected key 'scratch'"):  # not persistent
        target.load_state_dict({**source.state_dict(), "scratch": np.zeros(1)})
    assert held.data.tolist() == [4.0, 4.0]


def test_assigning_to_a_buffer_replaces_it_and_refuses_what_is_not_a_tensor() -> None:
    model = Counter()
    model.total = tm.tensor([5.0, 6.0])
    assert model.state_dict()["total"].tolist() == [5.0, 6.0]
    with pytest.raises(TypeError, match=r"Counter\.total is a buffer: assign a Tensor or None, not "
                                        r"ndarray"):
        model.total = np.zeros(2)  # type: ignore[assignment]
    model.total = None  # type: ignore[assignment]
    assert "total" not in model.state_dict() and "total" in model._buffers  # name kept
    model.total = nn.Parameter(np.zeros(2))  # type: ignore[assignment]
    assert "total" in dict(model.named_parameters()) and "total" not in model._buffers
    del model.scratch
    assert [name for name, _ in model.named_buffers()] == []


def test_register_buffer_rejects_bad_names_and_values_naming_them() -> None:
    model = Counter()
    with pytest.raises(KeyError, match=r"already has an attribute 'scale'"):
        model.register_buffer("scale", tm.zeros(1))
    with pytest.raises(KeyError, match=r"contain no '\.'"):
        model.register_buffer("a.b", tm.zeros(1))
    with pytest.raises(TypeError, match=r"Counter\.register_buffer: 'extra' must be a Tensor or "
                                        r"None, got list"):
        model.register_buffer("extra", [0.0])  # type: ignore[arg-type]
    model.register_buffer("empty", None)
    assert "empty" not in model.state_dict()


def test_buffers_and_their_state_dict_keys_match_pytorch(torch: ModuleType) -> None:
    class Theirs(torch.nn.Module):  # type: ignore[misc, name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.scale = torch.nn.Parameter(torch.ones(2))
            self.register_buffer("total", torch.zeros(2))
            self.register_buffer("scratch", torch.zeros(1), persistent=False)

    theirs = torch.nn.Sequential(Theirs(), Theirs())
    ours = nn.Sequential(Counter(), Counter())
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]


def test_get_submodule_follows_a_dotted_path_and_empty_is_self() -> None:
    inner = nn.Sequential(nn.Linear(2, 2), nn.Tanh())
    model = nn.Sequential(nn.Linear(2, 2), inner)
    assert model.get_submodule("") is model
    assert model.get_submodule("1") is inner
    assert model.get_submodule("1.0") is inner[0]


@pytest.mark.parametrize(
    ("target", "message"),
    [("2", r"the top \(Sequential\) has no sub-module '2'; its sub-modules are \['0', '1'\]"),
     ("1.5.0", r"1 \(Sequential\) has no sub-module '5'"),
     ("0.weight", r"0 \(Linear\) has no sub-module 'weight'")],
)
def test_get_submodule_names_the_first_missing_part_of_the_path(target: str, message: str) -> None:
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Tanh()))
    with pytest.raises(AttributeError, match=rf"get_submodule\('{target}'\): {message}"):
        model.get_submodule(target)


def test_get_parameter_and_get_buffer_follow_the_state_dict_names() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.BatchNorm1d(3)))
    assert model.get_parameter("0.weight") is model[0].weight
    assert model.get_parameter("1.0.bias") is model[1][0].bias
    assert model.get_buffer("1.0.running_var") is model[1][0].running_var
    assert set(model.state_dict()) == {
        *(name for name, _ in model.named_parameters()),
        *(name for name, _ in model.named_buffers())}


@pytest.mark.parametrize(
    ("call", "target", "message"),
    [("get_parameter", "0.running_mean", r"Linear has no parameter 'running_mean'; its "
                                         r"parameters are \['weight', 'bias'\]"),
     ("get_parameter", "2.weight", r"the top \(Sequential\) has no sub-module '2'"),
     ("get_buffer", "1.0.weight", r"BatchNorm1d has no buffer 'weight'"),
     ("get_parameter", "weight", r"Sequential has no parameter 'weight'; its parameters are "
                                 r"\[\]")],
)
def test_get_parameter_and_get_buffer_name_the_whole_target_and_what_is_missing(
        call: str, target: str, message: str) -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.BatchNorm1d(3)))
    with pytest.raises(AttributeError, match=rf"{call}\('{re.escape(target)}'\): {message}"):
        getattr(model, call)(target)


def test_register_module_half_and_cpu_as_in_pytorch() -> None:
    model = nn.Sequential(nn.Linear(2, 3))
    model.register_module("act", nn.ReLU())
    assert isinstance(model.act, nn.ReLU) and len(model) == 2
    assert model.cpu() is model
    assert model.half() is model and model[0].weight.dtype == np.float16


# -- walking the tree -----------------------------------------------------------------


def test_named_parameters_use_dotted_paths_through_nested_sequentials() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.Linear(3, 4), nn.ReLU()),
                          nn.Linear(4, 1, bias=False))
    assert [name for name, _ in model.named_parameters()] == [
        "0.weight", "0.bias", "1.0.weight", "1.0.bias", "2.weight",
    ]
    assert [p.shape for _, p in model.named_parameters()] == [(3, 2), (3,), (4, 3), (4,), (1, 4)]


def test_named_parameters_prefix_and_recurse_false() -> None:
    m = Affine()
    m.inner = nn.Linear(1, 1)
    assert [n for n, _ in m.named_parameters(prefix="net")] == [
        "net.a", "net.b", "net.inner.weight", "net.inner.bias",
    ]
    assert [n for n, _ in m.named_parameters(recurse=False)] == ["a", "b"]
    assert list(m.parameters(recurse=False)) == [m.a, m.b]


def test_parameters_yields_the_parameter_objects_themselves() -> None:
    model = mlp()
    assert list(model.parameters()) == [p for _, p in model.named_parameters()]
    assert model.parameters().__next__() is model[0].weight


def test_children_are_direct_submodules_only() -> None:
    inner = nn.Sequential(nn.Linear(2, 2), nn.Tanh())
    model = nn.Sequential(nn.Linear(2, 2), inner)
    assert list(model.children()) == [model[0], inner]
    assert [name for name, _ in model.named_children()] == ["0", "1"]


def test_named_modules_walks_the_tree_in_preorder_with_self_first_as_empty_name() -> None:
    inner = nn.Sequential(nn.Linear(2, 2), nn.Tanh())
    model = nn.Sequential(nn.Linear(2, 2), inner, nn.Sigmoid())
    named = list(model.named_modules())
    assert [name for name, _ in named] == ["", "0", "1", "1.0", "1.1", "2"]
    assert [m for _, m in named] == [model, model[0], inner, inner[0], inner[1], model[2]]
    assert list(model.modules()) == [m for _, m in named]


# -- training helpers ---------------------------------------------------------------


def backpropagate(model: nn.Module) -> None:
    x = tm.tensor(np.ones((2, 4)))
    model(x).sum().backward()


def test_zero_grad_sets_every_gradient_to_none_by_default() -> None:
    model = mlp()
    backpropagate(model)
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_zero_grad_without_set_to_none_gives_zeros_of_each_shape_and_dtype() -> None:
    model = nn.Sequential(nn.Linear(4, 3, dtype=tm.float32), nn.Linear(3, 2))
    backpropagate(model)
    model.zero_grad(set_to_none=False)
    for p in model.parameters():
        assert p.grad is not None
        assert p.grad.shape == p.shape and p.grad.dtype == p.dtype
        assert not p.grad.data.any()


def test_zero_grad_without_set_to_none_leaves_missing_gradients_none() -> None:
    model = mlp()
    model.zero_grad(set_to_none=False)
    assert all(p.grad is None for p in model.parameters())


def test_gradients_after_zero_grad_are_those_of_the_new_backward_only() -> None:
    model = mlp()
    backpropagate(model)
    first = [p.grad.data.copy() for p in model.parameters()]
    backpropagate(model)
    doubled = [p.grad.data.copy() for p in model.parameters()]
    np.testing.assert_allclose(doubled[0], 2 * first[0])
    model.zero_grad(set_to_none=False)
    backpropagate(model)
    for p, g in zip(model.parameters(), first):
        np.testing.assert_allclose(p.grad.data, g)


def test_train_and_eval_propagate_to_every_submodule_and_return_self() -> None:
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Tanh(), nn.Linear(2, 1)))
    assert all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    assert model.train() is model
    assert all(m.training for m in model.modules())
    model.train(False)
    assert not any(m.training for m in model.modules())


@pytest.mark.parametrize("mode", [1, "eval", None, np.bool_(True)])
def test_train_rejects_a_mode_that_is_not_a_bool(mode: Any) -> None:
    model = mlp()
    message = rf"Sequential\.train: mode must be a bool, got {type(mode).__name__}"
    with pytest.raises(ValueError, match=message):
        model.train(mode)
    assert all(m.training for m in model.modules())


def test_train_calls_each_childs_own_train_so_overrides_are_honoured() -> None:
    calls: list[bool] = []

    class Noted(nn.Linear):
        def train(self, mode: bool = True) -> nn.Module:
            calls.append(mode)
            return super().train(mode)

    shared = Noted(2, 2)
    model = nn.Sequential(shared, nn.Sequential(Noted(2, 2)), shared)
    model.eval()
    assert calls == [False, False]  # a shared child once, a nested one through its parent
    assert not any(m.training for m in model.modules())


def test_to_converts_floating_parameters_buffers_and_gradients_keeping_the_objects() -> None:
    model = nn.Sequential(Counter(), nn.Linear(2, 2))
    model.register_buffer("steps", tm.tensor(3))  # an integer buffer keeps its dtype
    (model(tm.ones(1, 2)) ** 2).sum().backward()
    weight = model[1].weight
    optimizer = tm.optim.SGD(model.parameters(), lr=0.1)
    assert model.to(tm.float32) is model
    assert {p.dtype for p in model.parameters()} == {np.dtype(np.float32)}
    assert model[0].total.dtype == np.float32 and model.steps.dtype == np.int64
    assert model[1].weight is weight and weight.grad is not None
    assert weight.grad.dtype == np.float32
    optimizer.step()  # the optimizer built before still holds the same parameters
    assert weight.dtype == np.float32
    assert model(tm.ones(1, 2, dtype=tm.float32)).dtype == np.float32
    assert model.double() is model and weight.dtype == np.float64
    assert model.float() is model and weight.dtype == np.float32
    model.to(tm.zeros(1, dtype=tm.float64))  # a tensor's dtype
    assert weight.dtype == np.float64
    model.to("cpu")
    model.to(device="cpu", dtype="float32")
    assert weight.dtype == np.float32


def test_to_marks_parameters_changed_so_an_old_graph_refuses_backward() -> None:
    layer = nn.Linear(2, 1)
    out = layer(tm.ones(1, 2)).sum()
    layer.float()
    with pytest.raises(RuntimeError, match=r"modified in place"):
        out.backward()


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((tm.int64,), {}, TypeError, r"^Linear\.to: only floating point dtypes .*got int64"),
        (("cuda",), {}, ValueError, r"^Linear\.to: tinygrad_mlp runs on the CPU only, got "
                                    r"device 'cuda'"),
        ((), {"device": "cuda:0"}, ValueError, r"CPU only"),
        (([1, 2],), {}, TypeError, r"^Linear\.to: expected a dtype, a device or a Tensor"),
    ],
)
def test_to_refuses_integer_dtypes_other_devices_and_other_values(
    args: tuple[Any, ...], kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    layer = nn.Linear(2, 1)
    with pytest.raises(error, match=message):
        layer.to(*args, **kwargs)
    assert layer.weight.dtype == np.float64


def test_to_gives_the_outputs_of_torchs_to(torch: ModuleType) -> None:
    model = mlp()
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Sigmoid(), torch.nn.Linear(3, 3))
    theirs.load_state_dict({k: torch.tensor(v) for k, v in model.state_dict().items()})
    model.float()
    theirs.float()
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_allclose(model(tm.tensor(x)).data,
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-6, atol=1e-6)


def test_apply_calls_fn_on_children_first_then_self_and_returns_self() -> None:
    shared = nn.Linear(2, 2)
    inner = nn.Sequential(nn.Tanh(), shared)
    model = nn.Sequential(shared, inner)
    seen: list[nn.Module] = []
    assert model.apply(seen.append) is model
    assert seen == [shared, inner[0], shared, inner, model]  # once per parent, as in PyTorch


def test_apply_can_initialize_every_linear_layer() -> None:
    def zero_linear(m: nn.Module) -> None:
        if isinstance(m, nn.Linear):
            nn.init.zeros_(m.weight)

    model = mlp().apply(zero_linear)
    assert not model[0].weight.data.any() and not model[2].weight.data.any()


def test_requires_grad_false_freezes_every_parameter_and_returns_self() -> None:
    model = mlp()
    assert model.requires_grad_(False) is model
    assert not any(p.requires_grad for p in model.parameters())
    assert model.requires_grad_() is model
    assert all(p.requires_grad for p in model.parameters())


def test_forward_not_defined_raises_naming_the_class() -> None:
    class Empty(nn.Module):
        pass

    with pytest.raises(NotImplementedError, match="Empty"):
        Empty()(tm.tensor([1.0]))


# -- repr -----------------------------------------------------------------------------


def test_repr_is_exactly_what_pytorch_prints() -> None:
    # print(torch.nn.Sequential(nn.Linear(4, 3), nn.Sigmoid(), nn.Linear(3, 3)))
    expected = (
        "Sequential(\n"
        "  (0): Linear(in_features=4, out_features=3, bias=True)\n"
        "  (1): Sigmoid()\n"
        "  (2): Linear(in_features=3, out_features=3, bias=True)\n"
        ")"
    )
    assert repr(mlp()) == expected


def test_repr_of_nested_modules_indents_like_pytorch() -> None:
    model = nn.Sequential(nn.Linear(2, 2, bias=False), nn.Sequential(nn.Tanh(), nn.Softmax(dim=1)))
    expected = (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=2, bias=False)\n"
        "  (1): Sequential(\n"
        "    (0): Tanh()\n"
        "    (1): Softmax(dim=1)\n"
        "  )\n"
        ")"
    )
    assert repr(model) == expected
    assert repr(nn.Sequential()) == "Sequential()"


def with_extra_repr(library: Any, extra: str, **children: Any) -> Any:
    """A module of ``library`` (nn, or torch.nn) with this extra_repr and these children."""

    class C(library.Module):
        def __init__(self) -> None:
            super().__init__()
            for name, child in children.items():
                setattr(self, name, child)

        def extra_repr(self) -> str:
            return extra

    return C()


def test_repr_puts_each_line_of_a_multi_line_extra_repr_on_its_own_indented_line() -> None:
    assert repr(with_extra_repr(nn, "a=1")) == "C(a=1)"
    assert repr(with_extra_repr(nn, "a=1\nb=2")) == "C(\n  a=1\n  b=2\n)"
    nested = with_extra_repr(nn, "x=1", c=with_extra_repr(nn, "a=1\nb=2"))
    assert repr(nested) == "C(\n  x=1\n  (c): C(\n    a=1\n    b=2\n  )\n)"


def extra_repr_cases(library: Any) -> list[Any]:
    """The same modules with one- and multi-line extra_reprs, nested, built in ``library``."""
    def multi() -> Any:
        return with_extra_repr(library, "a=1\nb=2")

    return [
        with_extra_repr(library, ""),
        with_extra_repr(library, "a=1"),
        multi(),
        with_extra_repr(library, "a=1\n"),
        with_extra_repr(library, "x=1", c=multi()),
        with_extra_repr(library, "", c=multi(), d=library.ReLU()),
        library.Sequential(multi(), with_extra_repr(library, "y=2\nz=3", inner=multi())),
    ]


def test_repr_with_multi_line_extra_reprs_equals_pytorchs(torch: ModuleType) -> None:
    for ours, theirs in zip(extra_repr_cases(nn), extra_repr_cases(torch.nn)):
        assert repr(ours) == repr(theirs)


# -- state_dict / load_state_dict ---------------------------------------------------------


def test_state_dict_maps_dotted_names_to_copies_of_the_values() -> None:
    model = mlp()
    state = model.state_dict()
    assert list(state) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    for name, p in model.named_parameters():
        assert isinstance(state[name], np.ndarray)
        np.testing.assert_array_equal(state[name], p.data)
        assert not np.shares_memory(state[name], p.data)


def test_state_dict_is_a_snapshot_unaffected_by_later_changes_either_way() -> None:
    model = mlp()
    state = model.state_dict()
    kept = {k: v.copy() for k, v in state.items()}
    model[0].weight.data[...] = 7.0
    np.testing.assert_array_equal(state["0.weight"], kept["0.weight"])
    state["2.bias"][...] = -1.0
    assert not (model[2].bias.data == -1.0).any()


@given(widths=layer_widths(max_layers=4))
def test_state_dict_round_trip_reproduces_the_outputs(widths: list[int]) -> None:
    source, target = deep_mlp(widths, seed=1), deep_mlp(widths, seed=2)
    x = tm.tensor(np.linspace(-1, 1, 3 * widths[0]).reshape(3, widths[0]))
    result = target.load_state_dict(source.state_dict())
    assert result == nn.IncompatibleKeys([], [])
    np.testing.assert_array_equal(target(x).data, source(x).data)
    for (_, a), (_, b) in zip(source.named_parameters(), target.named_parameters()):
        np.testing.assert_array_equal(a.data, b.data)


def tied_pair() -> nn.Sequential:
    """Two Linear(3, 3) layers sharing one weight (tied weights)."""
    first, second = nn.Linear(3, 3), nn.Linear(3, 3)
    second.weight = first.weight
    return nn.Sequential(first, second)


def test_state_dict_lists_a_tied_parameter_under_every_name() -> None:
    model = tied_pair()
    state = model.state_dict()
    assert list(state) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    np.testing.assert_array_equal(state["1.weight"], model[0].weight.data)
    assert len(list(model.parameters())) == 3  # while parameters() stays deduplicated


def test_state_dict_lists_a_module_used_twice_under_each_position() -> None:
    layer = nn.Linear(2, 2)
    model = nn.Sequential(layer, nn.Tanh(), layer)
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_load_state_dict_loads_a_shared_parameter_under_each_name_strictly() -> None:
    model = tied_pair()
    state = model.state_dict()
    state["0.weight"] = np.full((3, 3), 1.0)
    state["1.weight"] = np.full((3, 3), 2.0)  # the later name wins, as in PyTorch
    assert model.load_state_dict(state) == nn.IncompatibleKeys([], [])
    assert model[1].weight is model[0].weight
    assert (model[0].weight.data == 2.0).all()


def test_load_state_dict_reports_the_second_name_of_a_shared_parameter_when_missing() -> None:
    model = tied_pair()
    state = model.state_dict()
    del state["1.weight"]
    with pytest.raises(RuntimeError, match=r"missing key '1\.weight'"):
        model.load_state_dict(state)
    assert model.load_state_dict(state, strict=False) == nn.IncompatibleKeys(["1.weight"], [])


def test_load_state_dict_accepts_tensors_arrays_and_nested_lists() -> None:
    model = nn.Linear(2, 2)
    model.load_state_dict({"weight": tm.tensor([[1.0, 2.0], [3.0, 4.0]]),
                           "bias": np.array([5.0, 6.0])})
    np.testing.assert_array_equal(model.weight.data, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(model.bias.data, [5, 6])
    model.load_state_dict({"weight": [[0.0, 0.0], [0.0, 1.0]], "bias": [1, 2]})
    np.testing.assert_array_equal(model.weight.data, [[0, 0], [0, 1]])
    np.testing.assert_array_equal(model.bias.data, [1, 2])


def test_load_state_dict_keeps_parameter_objects_arrays_and_dtypes() -> None:
    model = nn.Sequential(nn.Linear(3, 2, dtype=tm.float32))
    params = list(model.parameters())
    arrays = [p.data for p in params]
    model.load_state_dict(mlp_like_state(model, value=0.25))  # float64 values
    assert list(model.parameters()) == params
    assert all(a.dtype == p.dtype and p.data is a for a, p in zip(arrays, model.parameters()))
    assert all(p.dtype == np.float32 for p in params)
    assert all((p.data == 0.25).all() for p in params)


def mlp_like_state(model: nn.Module, value: float) -> dict[str, np.ndarray]:
    return {name: np.full(p.shape, value) for name, p in model.named_parameters()}


def test_load_state_dict_is_seen_by_code_holding_the_parameters() -> None:
    model = mlp()
    held = list(model.parameters())  # what an optimizer keeps
    model.load_state_dict(mlp_like_state(model, value=0.5))
    assert all((p.data == 0.5).all() for p in held)


def test_load_state_dict_marks_parameters_changed_so_old_graphs_refuse_backward() -> None:
    model = nn.Linear(2, 1)
    model.load_state_dict({"weight": [[1.0, 2.0]], "bias": [0.0]})
    x = tm.tensor([[1.0, 1.0]], requires_grad=True)
    out = model(x).sum()
    model.load_state_dict({"weight": [[10.0, 20.0]], "bias": [0.0]})
    with pytest.raises(RuntimeError, match="modified in place"):
        out.backward()


@pytest.mark.parametrize("strict", [True, False])
def test_load_state_dict_with_a_wrong_shape_raises_names_it_and_changes_nothing(
    strict: bool,
) -> None:
    model = mlp()
    before = snapshot(model)
    state = {name: value + 1.0 for name, value in model.state_dict().items()}
    state["2.weight"] = np.zeros((3, 4))
    with pytest.raises(RuntimeError, match=r"2\.weight: shape \(3, 4\).*\(3, 3\)") as info:
        model.load_state_dict(state, strict=strict)
    assert "nothing was changed" in str(info.value)
    assert_bit_identical(model, before)


def test_load_state_dict_with_a_missing_key_raises_names_it_and_changes_nothing() -> None:
    model = mlp()
    before = snapshot(model)
    state = {name: value + 1.0 for name, value in model.state_dict().items()}
    del state["0.bias"]
    with pytest.raises(RuntimeError, match=r"missing key '0\.bias'"):
        model.load_state_dict(state)
    assert_bit_identical(model, before)


def test_load_state_dict_with_an_unexpected_key_raises_names_it_and_changes_nothing() -> None:
    model = mlp()
    before = snapshot(model)
    state = {name: value + 1.0 for name, value in model.state_dict().items()}
    state["1.weight"] = np.zeros(3)
    with pytest.raises(RuntimeError, match=r"unexpected key '1\.weight'"):
        model.load_state_dict(state)
    assert_bit_identical(model, before)


def test_load_state_dict_error_lists_every_problem_at_once() -> None:
    model = mlp()
    state = model.state_dict()
    del state["0.weight"]
    state["extra"] = np.zeros(1)
    state["2.bias"] = np.zeros(5)
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(state)
    message = str(info.value)
    assert "'0.weight'" in message and "'extra'" in message and "2.bias" in message


def test_load_state_dict_rejects_non_numeric_values_and_changes_nothing() -> None:
    model = nn.Linear(2, 1)
    before = snapshot(model)
    with pytest.raises(RuntimeError, match="bias: dtype"):
        model.load_state_dict({"weight": np.zeros((1, 2)), "bias": np.array(["x"])})
    assert_bit_identical(model, before)


def test_non_strict_load_returns_missing_and_unexpected_keys_and_loads_the_rest() -> None:
    model = mlp()
    kept = model[2].bias.data.copy()
    state = {name: np.zeros_like(value) for name, value in model.state_dict().items()}
    del state["2.bias"]
    state["3.weight"] = np.ones(2)
    result = model.load_state_dict(state, strict=False)
    assert result.missing_keys == ["2.bias"]
    assert result.unexpected_keys == ["3.weight"]
    assert isinstance(result, nn.IncompatibleKeys)
    for name in ("0.weight", "0.bias", "2.weight"):
        assert not dict(model.named_parameters())[name].data.any()
    np.testing.assert_array_equal(model[2].bias.data, kept)


def test_state_dict_matches_pytorch_and_loads_into_pytorch_with_the_same_outputs(
    torch: ModuleType,
) -> None:
    model = mlp()
    reference = torch.nn.Sequential(
        torch.nn.Linear(4, 3), torch.nn.Sigmoid(), torch.nn.Linear(3, 3)
    ).double()
    theirs = reference.state_dict()
    ours = model.state_dict()
    assert list(ours) == list(theirs)
    assert [v.shape for v in ours.values()] == [tuple(v.shape) for v in theirs.values()]
    reference.load_state_dict({k: torch.tensor(v) for k, v in ours.items()})
    x = np.random.default_rng(3).standard_normal((5, 4))
    expected = reference(torch.tensor(x)).detach().numpy()
    np.testing.assert_allclose(model(tm.tensor(x)).data, expected, rtol=1e-12, atol=1e-12)
    # and back: PyTorch's state dict loads into ours
    model.load_state_dict({k: v.numpy() for k, v in reference.state_dict().items()})
    np.testing.assert_allclose(model(tm.tensor(x)).data, expected, rtol=1e-12, atol=1e-12)


def test_state_dicts_with_shared_parameters_match_pytorch_and_load_both_ways(
    torch: ModuleType,
) -> None:
    first, second = torch.nn.Linear(3, 3).double(), torch.nn.Linear(3, 3).double()
    second.weight = first.weight
    theirs = torch.nn.Sequential(first, torch.nn.Tanh(), second, torch.nn.Tanh(), first)
    tied = tied_pair()
    ours = nn.Sequential(tied[0], nn.Tanh(), tied[1], nn.Tanh(), tied[0])
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x = np.random.default_rng(4).standard_normal((5, 3))
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    expected = theirs(torch.tensor(x)).detach().numpy()
    np.testing.assert_allclose(ours(tm.tensor(x)).data, expected, rtol=1e-12, atol=1e-12)
    ours[0].bias.data[...] = 0.5
    theirs.load_state_dict({k: torch.tensor(v) for k, v in ours.state_dict().items()})
    expected = theirs(torch.tensor(x)).detach().numpy()
    np.testing.assert_allclose(ours(tm.tensor(x)).data, expected, rtol=1e-12, atol=1e-12)


# -- scopes ----------------------------------------------------------------------------


def recorded_nodes(output: tm.Tensor) -> list[tm.Function]:
    """Every op node of the graph behind ``output``."""
    nodes: list[tm.Function] = []
    seen: set[int] = set()
    stack: list[Any] = [output.grad_fn]
    while stack:
        node = stack.pop()
        if not isinstance(node, tm.Function) or id(node) in seen:
            continue
        seen.add(id(node))
        nodes.append(node)
        stack.extend(node.parents)
    return nodes


def ops_by_scope(output: tm.Tensor) -> dict[tuple[int, ...], set[str]]:
    grouped: dict[tuple[int, ...], set[str]] = {}
    for node in recorded_nodes(output):
        grouped.setdefault(tuple(id(m) for m in node.scope), set()).add(node.name)
    return grouped


def test_calling_a_module_records_it_in_the_scope_of_each_op_outermost_first() -> None:
    inner = nn.Sequential(nn.Tanh(), nn.Linear(3, 1))
    model = nn.Sequential(nn.Linear(2, 3), inner)
    out = model(tm.tensor(np.ones((4, 2))))
    assert out.grad_fn is not None
    assert out.grad_fn.scope == (model, inner, inner[1])
    assert all(isinstance(m, nn.Module) for m in out.grad_fn.scope)
    grouped = ops_by_scope(out)
    assert set(grouped) == {
        (id(model), id(model[0])),
        (id(model), id(inner), id(inner[0])),
        (id(model), id(inner), id(inner[1])),
    }
    assert grouped[(id(model), id(inner), id(inner[0]))] == {"tanh"}
    assert grouped[(id(model), id(model[0]))] == grouped[(id(model), id(inner), id(inner[1]))]


def test_ops_outside_any_module_have_an_empty_scope_and_loss_modules_record_their_own() -> None:
    model = nn.Linear(2, 1)
    criterion = nn.MSELoss()
    out = model(tm.tensor(np.ones((3, 2))))
    doubled = out * 2.0
    assert doubled.grad_fn is not None and doubled.grad_fn.scope == ()
    loss = criterion(doubled, np.zeros((3, 1)))
    assert loss.grad_fn is not None and loss.grad_fn.scope == (criterion,)


def test_the_scope_is_restored_after_a_call_even_when_forward_raises() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.Linear(2, 1))
    with pytest.raises(ValueError, match=r"input of shape \(1, 3\) should have 2 features"):
        model(tm.tensor(np.ones((1, 2))))
    assert autograd.current_scope() == ()


def test_gradcheck_accepts_a_module_and_checks_every_parameter() -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2), nn.Sigmoid())
    x = tm.tensor(np.random.default_rng(0).standard_normal((5, 3)))
    y = np.random.default_rng(1).random((5, 2))
    assert tm.gradcheck(lambda: F.mse_loss(model(x), y), model)


def test_gradcheck_on_a_module_catches_a_wrong_backward() -> None:
    class WrongSquare(tm.Function):
        name = "wrong_square"

        def forward(self, a: tm.Tensor) -> np.ndarray:
            self.save_for_backward(a)
            return np.asarray(a.data**2)

        def backward(self, g: tm.Tensor) -> tm.Tensor:
            (a,) = self.saved_tensors
            return g * a  # should be 2 a

    model = nn.Linear(2, 2)
    x = tm.tensor(np.ones((1, 2)))
    with pytest.raises(tm.GradcheckError, match=r"parameter '(weight|bias)'"):
        tm.gradcheck(lambda: WrongSquare.apply(model(x)).sum(), model)


@given(widths=layer_widths(max_layers=3), rows=st.integers(1, 3))
def test_mlp_parameter_gradients_pass_gradcheck(widths: list[int], rows: int) -> None:
    model = deep_mlp(widths)
    x = tm.tensor(np.linspace(-1.0, 1.0, rows * widths[0]).reshape(rows, widths[0]))
    target = np.full((rows, widths[-1]), 0.3)
    assert tm.gradcheck(lambda: F.quadratic_cost(model(x), target), model)


def test_forward_hooks_see_each_layers_input_and_output_and_can_be_removed() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    seen: list[tuple[str, tuple[int, ...], tuple[int, ...]]] = []
    handles = [
        layer.register_forward_hook(
            lambda m, args, out: seen.append((type(m).__name__, args[0].shape, out.shape)))
        for layer in model
    ]
    model(tm.tensor(np.ones((4, 2))))
    assert seen == [("Linear", (4, 2), (4, 3)), ("Tanh", (4, 3), (4, 3)),
                    ("Linear", (4, 3), (4, 1))]
    for handle in handles:
        handle.remove()
    model(tm.tensor(np.ones((4, 2))))
    assert len(seen) == 3


def _double_the_output(module: nn.Module, args: tuple[Any, ...], out: tm.Tensor) -> tm.Tensor:
    return out * 2.0


def test_an_unpickled_or_copied_module_runs_its_forward_hooks_in_a_fresh_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    layer = nn.Linear(2, 1, bias=False)
    with tm.no_grad():
        layer.weight[...] = [[1.0, 1.0]]
    layer.register_forward_hook(_double_the_output)
    saved = pickle.dumps(layer)
    x = tm.tensor([[1.0, 2.0]])
    for restore in (lambda: pickle.loads(saved), lambda: copy.deepcopy(layer)):
        # A fresh process has seen no hook registered: calls skip the hook lists
        monkeypatch.setattr(nn_module, "_hooks_in_use", False)
        assert restore()(x).tolist() == [[6.0]]


def test_hooks_may_replace_the_input_and_the_output_as_in_pytorch() -> None:
    layer = nn.Linear(2, 2, bias=False)
    with tm.no_grad():
        layer.weight[...] = np.eye(2)
    layer.register_forward_pre_hook(lambda m, args: args[0] * 2.0)  # one value: the new input
    layer.register_forward_hook(lambda m, args, out: out + 1.0)
    assert layer(tm.tensor([[1.0, 2.0]])).tolist() == [[3.0, 5.0]]


def test_a_forward_hook_can_keep_activations_for_their_gradients_after_backward() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1))
    kept: list[tm.Tensor] = []

    def keep(module: nn.Module, args: tuple[object, ...], out: tm.Tensor) -> None:
        out.retain_grad()
        kept.append(out)

    model[1].register_forward_hook(keep)
    model(tm.tensor(np.ones((5, 2)))).sum().backward()
    (activation,) = kept
    assert activation.grad is not None and activation.grad.shape == (5, 3)
    expected = np.broadcast_to(model[2].weight.data, (5, 3))
    np.testing.assert_allclose(activation.grad.data, expected)  # d(sum)/d(a) = W2


def test_a_hook_that_removes_itself_runs_once_and_spares_the_next() -> None:
    layer = nn.Tanh()
    calls: list[str] = []

    def once(module: nn.Module, args: tuple[object, ...], out: object) -> None:
        calls.append("once")
        handle.remove()

    handle = layer.register_forward_hook(once)
    layer.register_forward_hook(lambda m, a, o: calls.append("always"))
    layer(tm.tensor([0.0]))
    layer(tm.tensor([0.0]))
    assert calls == ["once", "always", "always"]
    with pytest.raises(TypeError, match=r"Tanh\.register_forward_hook: hook must be callable"):
        layer.register_forward_hook(3)  # type: ignore[arg-type]


def test_assigning_a_module_over_a_buffer_unregisters_the_buffer() -> None:
    model = Counter()
    model.total = nn.Tanh()  # type: ignore[assignment]
    assert "total" not in model._buffers and "total" in model._modules
    assert [name for name, _ in model.named_buffers()] == ["scratch"]
    assert list(model.state_dict()) == ["scale"]


# M21


def test_register_buffer_again_as_persistent_puts_it_in_the_state_dict(torch: ModuleType) -> None:
    model = Counter()
    model.register_buffer("scratch", tm.zeros(1), persistent=True)
    theirs = torch.nn.Module()
    theirs.register_buffer("scratch", torch.zeros(1), persistent=False)
    theirs.register_buffer("scratch", torch.zeros(1), persistent=True)
    assert "scratch" in model.state_dict() and "scratch" in theirs.state_dict()


# M24


def test_a_buffer_registered_as_none_takes_a_tensor_later_as_a_buffer() -> None:
    model = Counter()
    model.register_buffer("empty", None)
    assert "empty" in model._buffers
    with pytest.raises(TypeError, match=r"Counter\.empty is a buffer"):
        model.empty = np.zeros(2)  # type: ignore[assignment]
    model.empty = tm.ones(2)  # type: ignore[assignment]
    assert model.state_dict()["empty"].tolist() == [1.0, 1.0]


# M25


def test_named_buffers_without_recursion_keep_the_prefix(torch: ModuleType) -> None:
    ours = nn.BatchNorm1d(2)
    theirs = torch.nn.BatchNorm1d(2)
    assert [n for n, _ in ours.named_buffers(prefix="bn", recurse=False)] == [
        n for n, _ in theirs.named_buffers(prefix="bn", recurse=False)] == [
        "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"]


# M26


def test_buffers_without_recursion_are_only_the_modules_own() -> None:
    model = nn.Sequential(nn.BatchNorm1d(2))
    assert list(model.buffers(recurse=False)) == []
    assert len(list(model.buffers())) == 3


# M32


def test_to_accepts_a_numbered_cpu_device() -> None:
    model = nn.Linear(2, 2)
    assert model.to("cpu:0") is model
    assert model.to("cpu:0", dtype=tm.float32).weight.dtype == np.float32


# M36


def test_plain_attributes_may_come_before_super_init_but_modules_may_not_as_in_pytorch() -> None:
    class Net(nn.Module):
        def __init__(self) -> None:
            self.width = 3  # a plain value: fine before super().__init__(), as in PyTorch
            super().__init__()
            self.layer = nn.Linear(self.width, 2)

    assert [name for name, _ in Net().named_parameters()] == ["layer.weight", "layer.bias"]


def test_add_module_takes_none_for_an_empty_slot_as_in_pytorch() -> None:
    net = nn.Module()
    net.add_module("downsample", None)
    assert net.downsample is None and list(net.children()) == []
    with pytest.raises(TypeError, match=r"add_module"):
        net.add_module("other", 3)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "make"), [
    ("Linear", lambda device: nn.Linear(2, 3, device=device)),
    ("BatchNorm1d", lambda device: nn.BatchNorm1d(2, device=device)),
    ("LayerNorm", lambda device: nn.LayerNorm(2, device=device)),
    ("Embedding", lambda device: nn.Embedding(4, 2, device=device)),
])
def test_layers_take_pytorchs_device_argument_for_the_cpu_only(name: str, make: Any) -> None:
    for device in (None, "cpu", "cpu:0"):
        make(device)
    for device in ("cuda", "cpux", "cpu0"):
        with pytest.raises(ValueError, match=rf"^{name}: tinygrad_mlp runs on the CPU only, got "
                                             rf"device '{device}'"):
            make(device)


def test_each_module_class_has_its_own_copy_of_call_that_passes_any_arguments_to_forward() -> None:
    class Pair(nn.Module):
        def forward(self, a: tm.Tensor, b: tm.Tensor, *, scale: float = 1.0) -> tm.Tensor:
            return (a + b) * scale

    shared = nn.Module.__call__
    copies = [Pair.__call__, nn.Linear.__call__, nn.Sequential.__call__]
    assert len({id(f.__code__) for f in [shared, *copies]}) == 4  # separate caches
    assert all(f.__code__.co_code == shared.__code__.co_code for f in copies)
    assert all(f.__doc__ == shared.__doc__ for f in copies)
    # own_copy copies neither defaults nor closure cells: __call__ must have none
    assert (shared.__defaults__, shared.__kwdefaults__, shared.__closure__) == (None, None, None)
    a, b = tm.tensor([1.0, 2.0]), tm.tensor([3.0, 4.0])
    assert Pair()(a, b).tolist() == [4.0, 6.0]
    assert Pair()(a, b, scale=0.5).tolist() == [2.0, 3.0]
    assert Pair()(a, b=b).tolist() == [4.0, 6.0]
    with pytest.raises(TypeError):
        Pair()(a)  # one argument takes the plain call; forward still says what is missing


# -- nn.Buffer: a buffer registered by assignment ------------------------------------------


class Smoother(nn.Module):
    """A module whose state is set as PyTorch 2.13's modules set it: nn.Buffer in __init__."""

    def __init__(self) -> None:
        super().__init__()
        self.average = nn.Buffer(tm.zeros(3))
        self.scratch = nn.Buffer(tm.ones(2), persistent=False)


def test_assigning_a_buffer_registers_it_persistent_or_not_as_register_buffer() -> None:
    model = Smoother()
    assert dict(model.named_buffers()).keys() == {"average", "scratch"}
    assert list(model.state_dict()) == ["average"]  # scratch is not persistent
    assert list(model.parameters()) == []
    assert isinstance(model.average, nn.Buffer) and model.average.persistent
    model.scratch = nn.Buffer(tm.zeros(4))  # a persistent Buffer now: into the state dict
    assert list(model.state_dict()) == ["average", "scratch"]
    model.scratch = nn.Buffer(tm.zeros(4), persistent=False)
    assert list(model.state_dict()) == ["average"]
    model.average = tm.ones(3)  # a plain Tensor over a buffer replaces it, as before
    assert model.state_dict()["average"].tolist() == [1.0, 1.0, 1.0]


def test_a_buffer_shares_its_datas_values_detached_keeping_requires_grad() -> None:
    data = tm.tensor([1.0, 2.0], requires_grad=True)
    buffer = nn.Buffer(data)
    assert buffer is not data and buffer.grad_fn is None and buffer.requires_grad
    buffer.data[0] = 5.0
    assert data.tolist() == [5.0, 2.0]  # the same memory, as PyTorch's data.detach()
    made = nn.Buffer(data * 2)  # an op's output: detached
    assert made.grad_fn is None and made.requires_grad
    empty = nn.Buffer()
    assert empty.shape == (0,) and empty.dtype == tm.get_default_dtype() and empty.persistent


def test_a_buffer_survives_copying_and_pickling_with_its_persistence() -> None:
    model = Smoother()
    for twin in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert isinstance(twin.scratch, nn.Buffer) and twin.scratch.persistent is False
        assert list(twin.state_dict()) == ["average"]
        assert twin.average is not model.average


def test_buffers_are_refused_where_pytorch_refuses_them() -> None:
    with pytest.raises(TypeError, match=r"^Buffer: data must be a Tensor or None, got list"):
        nn.Buffer([1.0, 2.0])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^Buffer: persistent must be a bool, got int"):
        nn.Buffer(tm.ones(1), persistent=1)  # type: ignore[arg-type]
    model = Smoother()
    model.note = 3  # type: ignore[assignment]
    with pytest.raises(KeyError, match=r"already has an attribute 'note'"):
        model.note = nn.Buffer(tm.ones(1))  # type: ignore[assignment]
    model.weight = nn.Parameter(tm.ones(1))
    with pytest.raises(TypeError, match=r"Smoother\.weight is a parameter"):
        model.weight = nn.Buffer(tm.ones(1))

    class Early(nn.Module):
        def __init__(self) -> None:
            self.state = nn.Buffer(tm.ones(1))  # before super().__init__()

    with pytest.raises(AttributeError, match=r"call super\(\)\.__init__\(\) before assigning "
                                             r"Buffer 'state'"):
        Early()


def test_buffers_assigned_as_nn_buffer_match_pytorchs(torch: ModuleType) -> None:
    theirs = torch.nn.Module()
    theirs.average = torch.nn.Buffer(torch.zeros(3))
    theirs.scratch = torch.nn.Buffer(torch.ones(2), persistent=False)
    ours = Smoother()
    assert list(dict(ours.named_buffers())) == list(dict(theirs.named_buffers()))
    assert list(ours.state_dict()) == list(theirs.state_dict())
