"""The Optimizer base: parameter checks, param groups, zero_grad, step, state_dict."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_mlp as tm
from tests.optim.replay import train
from tinygrad_mlp.optim import SGD, Adam, Optimizer


def params(*values: list[float]) -> list[tm.Tensor]:
    return [tm.tensor(v, requires_grad=True) for v in values]


# -- which parameters are accepted -------------------------------------------------------


def test_empty_parameter_list_raises_value_error() -> None:
    with pytest.raises(ValueError, match=r"^SGD: got an empty parameter list$"):
        SGD([], lr=0.1)


def test_single_tensor_instead_of_a_list_raises_type_error() -> None:
    with pytest.raises(TypeError, match=r"SGD: params must be an iterable .* got a single Tensor"):
        SGD(tm.tensor([1.0], requires_grad=True), lr=0.1)  # type: ignore[arg-type]


def test_non_iterable_params_raises_type_error() -> None:
    with pytest.raises(TypeError, match=r"SGD: params must be an iterable .* got int"):
        SGD(3, lr=0.1)  # type: ignore[arg-type]


def test_non_tensor_parameter_raises_type_error_naming_its_index() -> None:
    with pytest.raises(TypeError, match=r"^SGD: parameter 1 is a ndarray, not a Tensor$"):
        SGD([tm.tensor([1.0], requires_grad=True), np.ones(2)], lr=0.1)  # type: ignore[list-item]


def test_non_leaf_parameter_raises_value_error_naming_its_index() -> None:
    (w,) = params([1.0])
    with pytest.raises(ValueError, match=r"^Adam: parameter 1 is not a leaf tensor .*by mul"):
        Adam([w, w * 2])


def test_a_frozen_parameter_is_accepted_left_alone_and_trained_once_unfrozen() -> None:
    frozen, trained = tm.tensor([1.0, 2.0]), tm.tensor([3.0], requires_grad=True)
    optimizer = SGD([frozen, trained], lr=0.5)  # as in PyTorch: no error
    trained.grad = tm.tensor([1.0])
    optimizer.step()
    assert frozen.tolist() == [1.0, 2.0] and trained.tolist() == [2.5]
    frozen.requires_grad_(True)
    (frozen * frozen).sum().backward()
    optimizer.step()
    assert frozen.tolist() == [0.0, 0.0]


def test_parameter_given_twice_raises_value_error() -> None:
    a, b = params([1.0], [2.0])
    with pytest.raises(ValueError, match=r"^SGD: parameter 2 is the same tensor as parameter 0"):
        SGD([a, b, a], lr=0.1)


def test_parameter_in_two_groups_raises_value_error() -> None:
    a, b = params([1.0], [2.0])
    with pytest.raises(
        ValueError, match=r"^SGD: param group 1, parameter 1 is already in param group 0$"
    ):
        SGD([{"params": [a]}, {"params": [b, a]}], lr=0.1)


def test_group_errors_name_the_group_and_the_index_within_it() -> None:
    a, b = params([1.0], [2.0])
    with pytest.raises(ValueError, match=r"^SGD: param group 1, parameter 0 is not a leaf"):
        SGD([{"params": [a]}, {"params": [b * 2.0, b]}], lr=0.1)


def test_mixing_tensors_and_group_dicts_raises_type_error() -> None:
    a, b = params([1.0], [2.0])
    with pytest.raises(TypeError, match=r"SGD: params mixes param-group dicts .* item 1 is a Tens"):
        SGD([{"params": [a]}, b], lr=0.1)  # type: ignore[list-item]


def test_group_without_params_entry_raises_type_error() -> None:
    with pytest.raises(TypeError, match=r"a param group must be a dict with a 'params' entry"):
        SGD([{"lr": 0.1}], lr=0.1)


def test_group_with_no_parameters_raises_value_error() -> None:
    (a,) = params([1.0])
    with pytest.raises(ValueError, match=r"^SGD: param group 1 has an empty parameter list$"):
        SGD([{"params": [a]}, {"params": []}], lr=0.1)


@pytest.mark.parametrize("wrap", [set, lambda ps: [{"params": set(ps)}]], ids=["top", "group"])
def test_parameters_in_a_set_raise_type_error_because_their_order_varies(wrap: Any) -> None:
    with pytest.raises(TypeError, match=r"^SGD: parameters must be in an ordered collection"):
        SGD(wrap(params([1.0], [2.0])), lr=0.1)


def test_parameters_may_come_from_a_generator() -> None:
    weights = params([1.0], [2.0])
    optimizer = SGD((w for w in weights), lr=0.1)
    assert optimizer.param_groups[0]["params"] == weights


# -- param groups ---------------------------------------------------------------------------


def test_groups_take_missing_hyperparameters_from_the_defaults() -> None:
    a, b = params([1.0], [2.0])
    optimizer = SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    first, second = optimizer.param_groups
    assert (first["lr"], first["momentum"]) == (0.1, 0.9)
    assert (second["lr"], second["momentum"]) == (0.5, 0.9)
    assert second["params"] == [b]


def test_each_group_steps_with_its_own_learning_rate() -> None:
    a, b = params([1.0], [1.0])
    optimizer = SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    a.grad, b.grad = tm.tensor([1.0]), tm.tensor([1.0])
    optimizer.step()
    np.testing.assert_allclose([a.item(), b.item()], [0.9, 0.5])


def test_bad_hyperparameter_in_a_group_raises() -> None:
    (a,) = params([1.0])
    with pytest.raises(ValueError, match=r"^SGD: param group 0: lr must be non-negative, got -1"):
        SGD([{"params": [a], "lr": -1}], lr=0.1)


def test_a_group_that_turns_nesterov_off_is_named_as_the_culprit() -> None:
    a, b = params([1.0], [2.0])
    with pytest.raises(ValueError, match=r"^SGD: param group 1: nesterov requires momentum > 0 "
                                         r"and dampening == 0, got momentum=0"):
        SGD([{"params": [a]}, {"params": [b], "momentum": 0}], lr=0.1, momentum=0.9,
            nesterov=True)


@pytest.mark.parametrize("make", [
    lambda p: SGD([p], lr=np.float32(0.1), momentum=np.int64(0), weight_decay=np.float32(1e-4),
                  nesterov=np.bool_(False)),
    lambda p: Adam([p], lr=np.float32(0.01), betas=(np.float32(0.9), 0.999),
                   amsgrad=np.bool_(True)),
])
def test_numpy_scalar_settings_are_kept_as_numbers_so_a_saved_state_loads(
    make: Any, tmp_path: Any
) -> None:
    optimizer = make(tm.tensor([1.0], requires_grad=True))
    group = optimizer.param_groups[0]
    assert all(type(v) in (float, int, bool, tuple) for k, v in group.items() if k != "params")
    tm.save({"optimizer": optimizer.state_dict()}, tmp_path / "o.npz")
    optimizer.load_state_dict(tm.load(tmp_path / "o.npz")["optimizer"])  # 0-d arrays back
    assert optimizer.param_groups[0] == group


def test_a_saved_group_without_params_or_a_state_that_is_not_a_dict_is_named() -> None:
    (a,) = params([1.0])
    optimizer = SGD([a], lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match=r"saved param group 0 is not a dict with a 'params'"):
        optimizer.load_state_dict({"state": {}, "param_groups": [{"lr": 0.1}]})
    saved = optimizer.state_dict()
    with pytest.raises(ValueError, match=r"the saved state of parameter 0 is a int, not a dict"):
        optimizer.load_state_dict({**saved, "state": {0: 3}})
    with pytest.raises(ValueError, match=r"^SGD\.load_state_dict: saved param group 0: lr must "
                                         r"be non-negative"):
        optimizer.load_state_dict({**saved, "param_groups": [
            {**saved["param_groups"][0], "lr": -1.0}]})


def test_add_param_group_adds_parameters_that_step_updates() -> None:
    a, b = params([1.0], [1.0])
    optimizer = SGD([a], lr=0.1)
    optimizer.add_param_group({"params": [b], "lr": 0.2})
    b.grad = tm.tensor([1.0])
    optimizer.step()
    assert len(optimizer.param_groups) == 2
    np.testing.assert_allclose(b.data, [0.8])
    with pytest.raises(ValueError, match=r"param group 2, parameter 0 is already in param group 1"):
        optimizer.add_param_group({"params": [b]})


# -- zero_grad ---------------------------------------------------------------------------


def test_zero_grad_sets_gradients_to_none_by_default() -> None:
    a, b = params([1.0, 2.0], [3.0])
    ((a * a).sum() + b.sum()).backward()
    optimizer = SGD([a, b], lr=0.1)
    optimizer.zero_grad()
    assert a.grad is None and b.grad is None


def test_zero_grad_without_set_to_none_gives_zeros_of_the_parameters_shape_and_dtype() -> None:
    a = tm.tensor([[1.0, 2.0]], dtype=tm.float32, requires_grad=True)
    (a * a).sum().backward()
    SGD([a], lr=0.1).zero_grad(set_to_none=False)
    assert a.grad is not None
    assert a.grad.shape == (1, 2) and a.grad.dtype == np.float32
    np.testing.assert_array_equal(a.grad.data, [[0.0, 0.0]])


def test_zero_grad_without_set_to_none_leaves_a_gradient_shared_with_another_tensor_alone() -> None:
    a, b = params([1.0], [2.0])
    (a * 5).sum().backward()
    assert a.grad is not None
    b.grad = tm.Tensor(a.grad.data)  # as when backward hands two leaves one array (a + b)
    SGD([a], lr=0.1).zero_grad(set_to_none=False)
    assert b.grad is not None
    np.testing.assert_array_equal(b.grad.data, [5.0])


def test_gradients_accumulate_without_zero_grad_and_restart_after_it() -> None:
    (a,) = params([1.0])
    optimizer = SGD([a], lr=0.1)
    for _ in range(2):
        (a * 3).sum().backward()
    assert a.grad is not None and a.grad.item() == 6.0
    optimizer.zero_grad(set_to_none=False)
    (a * 3).sum().backward()
    assert a.grad.item() == 3.0


# -- step --------------------------------------------------------------------------------


def test_step_records_no_graph_and_parameters_stay_leaves() -> None:
    (a,) = params([1.0, 2.0])
    optimizer = Adam([a], lr=0.1)
    (a * a).sum().backward()
    optimizer.step()
    assert a.is_leaf and a.grad_fn is None and a.requires_grad


def test_step_makes_a_graph_built_before_it_refuse_to_backward() -> None:
    (a,) = params([1.0, 2.0])
    optimizer = SGD([a], lr=0.1)
    loss = (a * a).sum()
    a.grad = tm.tensor([1.0, 1.0])
    optimizer.step()
    with pytest.raises(RuntimeError, match=r"modified in place"):
        loss.backward()


def test_step_returns_the_closures_loss_evaluated_with_grad_enabled() -> None:
    (a,) = params([3.0])
    optimizer = SGD([a], lr=0.1)

    def closure() -> tm.Tensor:
        optimizer.zero_grad()
        loss = (a * a).sum()
        loss.backward()
        return loss

    with tm.no_grad():
        loss = optimizer.step(closure)
    assert loss.item() == 9.0
    np.testing.assert_allclose(a.data, [3.0 - 0.1 * 6.0])


def test_step_without_closure_returns_none() -> None:
    (a,) = params([1.0])
    assert SGD([a], lr=0.1).step() is None


def test_gradient_of_the_wrong_shape_raises_naming_both_shapes() -> None:
    (a,) = params([1.0])
    a.grad = tm.tensor([1.0])
    a.data = np.array([1.0, 2.0])  # allowed, as in PyTorch; the .grad no longer fits
    with pytest.raises(ValueError, match=r"^SGD: a parameter of shape \(2,\) has a .grad of shape"):
        SGD([a], lr=0.1).step()


def test_base_optimizer_step_needs_an_update_rule() -> None:
    (a,) = params([1.0])
    with pytest.raises(NotImplementedError, match=r"Optimizer does not implement update_group"):
        Optimizer([a], {}).step()


def test_repr_lists_each_group_and_its_hyperparameters() -> None:
    a, b = params([1.0], [2.0])
    text = repr(SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1))
    assert text.startswith("SGD (")
    assert "param group 0 (1 tensor): lr=0.1" in text
    assert "param group 1 (1 tensor): lr=0.5" in text


# -- state_dict ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [lambda ps: SGD(ps, lr=0.05, momentum=0.9), lambda ps: Adam(ps, lr=0.1, amsgrad=True)],
    ids=["sgd", "adam"],
)
def test_restored_state_dict_continues_exactly_as_the_original(make: Any) -> None:
    original = params([1.0, 2.0], [-1.0])
    optimizer = make(original)
    train(optimizer, original, 3)
    saved = optimizer.state_dict()

    copies = [tm.tensor(w.data, requires_grad=True) for w in original]
    restored = make(copies)
    restored.load_state_dict(saved)
    train(optimizer, original, 3)
    train(restored, copies, 3)
    for w, c in zip(original, copies):
        np.testing.assert_array_equal(w.data, c.data)


def test_state_dict_numbers_parameters_through_the_groups() -> None:
    a, b, c = params([1.0], [2.0], [3.0])
    optimizer = SGD([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.1, momentum=0.9)
    c.grad = tm.tensor([1.0])
    optimizer.step()
    saved = optimizer.state_dict()
    assert [g["params"] for g in saved["param_groups"]] == [[0, 1], [2]]
    assert saved["param_groups"][1]["lr"] == 0.5
    assert list(saved["state"]) == [2]


def test_state_dict_is_a_snapshot_that_later_steps_do_not_change() -> None:
    (a,) = params([1.0])
    optimizer = SGD([a], lr=0.1, momentum=0.9)
    a.grad = tm.tensor([1.0])
    optimizer.step()
    saved = optimizer.state_dict()
    optimizer.step()
    np.testing.assert_array_equal(saved["state"][0]["momentum_buffer"], [1.0])


def test_load_state_dict_restores_hyperparameters_and_casts_state_to_the_parameter_dtype() -> None:
    (a,) = params([1.0])
    source = SGD([a], lr=0.1, momentum=0.9)
    a.grad = tm.tensor([1.0])
    source.step()
    b = tm.tensor([1.0], dtype=tm.float32, requires_grad=True)
    target = SGD([b], lr=0.5)
    target.load_state_dict(source.state_dict())
    assert target.param_groups[0]["lr"] == 0.1 and target.param_groups[0]["momentum"] == 0.9
    assert target.state[b]["momentum_buffer"].dtype == np.float32


def test_load_state_dict_with_a_different_number_of_groups_raises() -> None:
    a, b = params([1.0], [2.0])
    saved = SGD([{"params": [a]}, {"params": [b]}], lr=0.1).state_dict()
    with pytest.raises(ValueError, match=r"saved state has 2 param groups, this optimizer has 1"):
        SGD([a, b], lr=0.1).load_state_dict(saved)


def test_load_state_dict_with_a_different_group_size_raises() -> None:
    a, b = params([1.0], [2.0])
    saved = SGD([a], lr=0.1).state_dict()
    with pytest.raises(ValueError, match=r"group 0 has a different number of parameters: 1 saved"):
        SGD([a, b], lr=0.1).load_state_dict(saved)


def test_load_state_dict_with_a_state_array_of_another_shape_raises() -> None:
    a = tm.tensor([1.0, 2.0], requires_grad=True)
    source = SGD([a], lr=0.1, momentum=0.9)
    a.grad = tm.tensor([1.0, 1.0])
    source.step()
    b = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"'momentum_buffer' of parameter 0 has shape \(2,\)"):
        SGD([b], lr=0.1).load_state_dict(source.state_dict())


def test_zero_d_array_defaults_are_accepted_and_stored_as_numbers() -> None:
    (a,) = params([1.0])
    optimizer = SGD([a], lr=np.array(0.1), momentum=np.float32(0.5))
    assert type(optimizer.defaults["lr"]) is float
    assert type(optimizer.defaults["momentum"]) is float
    assert optimizer.param_groups[0]["lr"] == 0.1


def test_numpy_settings_in_a_param_group_are_stored_as_numbers() -> None:
    a, b = params([1.0], [2.0])
    optimizer = SGD([{"params": [a], "lr": np.array(0.2)}], lr=0.1)
    optimizer.add_param_group({"params": [b], "momentum": np.float32(0.5)})
    assert [type(g["lr"]) for g in optimizer.param_groups] == [float, float]
    assert type(optimizer.param_groups[1]["momentum"]) is float


def test_a_group_setting_of_the_wrong_type_is_named_with_its_group() -> None:
    a, b = params([1.0], [2.0])
    with pytest.raises(TypeError, match=r"^SGD: param group 1: maximize must be True or False"):
        SGD([{"params": [a]}, {"params": [b], "maximize": 1}], lr=0.1)


def test_load_state_dict_takes_settings_saved_as_numpy_numbers() -> None:
    (a,) = params([1.0])
    optimizer = SGD([a], lr=0.1, momentum=0.9)
    saved = optimizer.state_dict()
    group = {**saved["param_groups"][0], "lr": np.array(0.05), "momentum": np.float32(0.5)}
    optimizer.load_state_dict({**saved, "param_groups": [group]})
    assert optimizer.param_groups[0]["lr"] == 0.05
    assert type(optimizer.param_groups[0]["lr"]) is float
    assert type(optimizer.param_groups[0]["momentum"]) is float
