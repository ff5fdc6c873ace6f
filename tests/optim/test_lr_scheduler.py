"""The learning-rate schedulers: PyTorch's learning rates, epoch by epoch (or batch by batch)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tests.strategies import floats_between
from tinygrad_mlp import optim
from tinygrad_mlp.optim import SGD, Adam
from tinygrad_mlp.optim.lr_scheduler import (
    ChainedScheduler,
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    CyclicLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    LRScheduler,
    MultiplicativeLR,
    MultiStepLR,
    OneCycleLR,
    PolynomialLR,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
)


def sgd(lr: float = 0.1, groups: int = 1) -> SGD:
    weights = [tm.tensor([1.0], requires_grad=True) for _ in range(groups)]
    return SGD([{"params": [w], "lr": lr * (i + 1)} for i, w in enumerate(weights)], lr=lr)


def lrs_over(scheduler: LRScheduler | SequentialLR | ChainedScheduler,
             epochs: int) -> list[float]:
    """The lr of the first group in epochs 0 .. epochs - 1."""
    lrs = []
    for _ in range(epochs):
        lrs.append(scheduler.optimizer.param_groups[0]["lr"])
        scheduler.step()
    return lrs


# -- the schedules ----------------------------------------------------------------------------


def test_step_lr_multiplies_by_gamma_every_step_size_epochs() -> None:
    scheduler = StepLR(sgd(0.1), step_size=3, gamma=0.5)
    expected = [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025]
    np.testing.assert_allclose(lrs_over(scheduler, 8), expected)


def test_step_lr_default_gamma_is_a_tenth() -> None:
    np.testing.assert_allclose(lrs_over(StepLR(sgd(1.0), step_size=1), 3), [1.0, 0.1, 0.01])


def test_exponential_lr_multiplies_by_gamma_every_epoch() -> None:
    lrs = lrs_over(ExponentialLR(sgd(1.0), gamma=0.5), 4)
    np.testing.assert_allclose(lrs, [1.0, 0.5, 0.25, 0.125])


def test_cosine_annealing_falls_from_base_lr_to_eta_min_along_half_a_cosine() -> None:
    scheduler = CosineAnnealingLR(sgd(1.0), T_max=4)
    quarter = (1 + math.cos(math.pi / 4)) / 2  # 0.8535...
    np.testing.assert_allclose(lrs_over(scheduler, 5), [1.0, quarter, 0.5, 1 - quarter, 0.0],
                               atol=1e-15)


def test_cosine_annealing_ends_at_eta_min_and_climbs_back_after_t_max() -> None:
    scheduler = CosineAnnealingLR(sgd(0.1), T_max=10, eta_min=0.01)
    lrs = lrs_over(scheduler, 21)
    assert lrs[10] == pytest.approx(0.01)
    assert lrs[15] == pytest.approx(0.055)  # halfway back up
    assert lrs[20] == pytest.approx(0.1)


@given(step_size=st.integers(1, 10), gamma=floats_between(0.01, 1.0), epochs=st.integers(1, 40))
def test_step_lr_matches_its_closed_form(step_size: int, gamma: float, epochs: int) -> None:
    lrs = lrs_over(StepLR(sgd(0.3), step_size=step_size, gamma=gamma), epochs)
    expected = [0.3 * gamma ** (epoch // step_size) for epoch in range(epochs)]
    np.testing.assert_allclose(lrs, expected, rtol=1e-12)


@given(t_max=st.integers(1, 50), eta_min=floats_between(0.0, 0.1), epochs=st.integers(1, 120))
def test_cosine_annealing_stays_between_eta_min_and_the_base_lr(
    t_max: int, eta_min: float, epochs: int
) -> None:
    lrs = np.array(lrs_over(CosineAnnealingLR(sgd(0.1), T_max=t_max, eta_min=eta_min), epochs))
    assert np.all(lrs >= eta_min - 1e-15) and np.all(lrs <= 0.1 + 1e-15)


# -- how a scheduler works with its optimizer ------------------------------------------------


def test_construction_records_initial_lr_and_sets_the_epoch_zero_lr() -> None:
    optimizer = sgd(0.2, groups=2)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.5)
    assert [g["initial_lr"] for g in optimizer.param_groups] == [0.2, 0.4]
    assert scheduler.base_lrs == [0.2, 0.4]
    assert scheduler.last_epoch == 0
    assert scheduler.get_last_lr() == [0.2, 0.4]


def test_each_group_is_scaled_from_its_own_base_lr() -> None:
    optimizer = sgd(0.2, groups=2)
    scheduler = ExponentialLR(optimizer, gamma=0.5)
    scheduler.step()
    scheduler.step()
    np.testing.assert_allclose(scheduler.get_last_lr(), [0.05, 0.1])
    np.testing.assert_allclose([g["lr"] for g in optimizer.param_groups], [0.05, 0.1])


def test_optimizer_steps_with_the_scheduled_lr() -> None:
    w = tm.tensor([0.0], requires_grad=True)
    optimizer = SGD([w], lr=1.0)
    scheduler = StepLR(optimizer, step_size=2, gamma=0.1)
    for _ in range(4):  # epochs with lr 1, 1, 0.1, 0.1
        w.grad = tm.tensor([1.0])
        optimizer.step()
        scheduler.step()
    np.testing.assert_allclose(w.data, [-2.2])


def test_get_last_lr_returns_a_copy() -> None:
    scheduler = ExponentialLR(sgd(0.1), gamma=0.5)
    scheduler.get_last_lr().append(99.0)
    assert scheduler.get_last_lr() == [0.1]


def test_second_scheduler_keeps_the_first_ones_initial_lr() -> None:
    optimizer = sgd(0.1)
    first = ExponentialLR(optimizer, gamma=0.5)
    first.step()
    second = StepLR(optimizer, step_size=5)
    assert second.base_lrs == [0.1]


def test_resuming_from_a_saved_optimizer_and_scheduler_continues_the_schedule() -> None:
    optimizer = sgd(1.0)
    scheduler = CosineAnnealingLR(optimizer, T_max=10)
    for _ in range(4):
        scheduler.step()
    resumed_optimizer = sgd(1.0)
    resumed_optimizer.load_state_dict(optimizer.state_dict())
    resumed = CosineAnnealingLR(resumed_optimizer, T_max=10, last_epoch=scheduler.last_epoch)
    assert resumed.last_epoch == scheduler.last_epoch
    assert resumed.get_last_lr() == scheduler.get_last_lr()
    assert lrs_over(resumed, 6) == lrs_over(scheduler, 6)


@pytest.mark.parametrize(
    "make",
    [lambda o, **k: StepLR(o, step_size=2, gamma=0.5, **k),
     lambda o, **k: ExponentialLR(o, gamma=0.5, **k),
     lambda o, **k: CosineAnnealingLR(o, T_max=10, **k)],
    ids=["step", "exponential", "cosine"],
)
def test_resuming_at_last_epoch_k_continues_without_skipping_or_repeating_an_lr(make: Any) -> None:
    optimizer = sgd(1.0)
    scheduler = make(optimizer)
    for _ in range(5):
        scheduler.step()
    resumed_optimizer = sgd(1.0)
    resumed_optimizer.load_state_dict(optimizer.state_dict())
    resumed = make(resumed_optimizer, last_epoch=5)
    assert resumed_optimizer.param_groups[0]["lr"] == optimizer.param_groups[0]["lr"]
    assert lrs_over(resumed, 4) == lrs_over(scheduler, 4)


def test_resuming_matches_torch_where_torch_continues_seamlessly() -> None:
    torch = pytest.importorskip("torch")
    torch_optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    torch_scheduler = torch.optim.lr_scheduler.ExponentialLR(torch_optimizer, gamma=0.5)
    optimizer = sgd(1.0)
    scheduler = ExponentialLR(optimizer, gamma=0.5)
    for _ in range(3):
        torch_optimizer.step()
        torch_scheduler.step()
        scheduler.step()
    torch_resumed = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    torch_resumed.load_state_dict(torch_optimizer.state_dict())
    torch_again = torch.optim.lr_scheduler.ExponentialLR(torch_resumed, gamma=0.5, last_epoch=3)
    resumed = sgd(1.0)
    resumed.load_state_dict(optimizer.state_dict())
    again = ExponentialLR(resumed, gamma=0.5, last_epoch=3)
    theirs = [torch_resumed.param_groups[0]["lr"]]
    for _ in range(3):
        torch_resumed.step()
        torch_again.step()
        theirs.append(torch_resumed.param_groups[0]["lr"])
    assert lrs_over(again, 4) == theirs


def test_loading_a_scheduler_state_sets_the_saved_lr_at_once() -> None:
    optimizer = sgd(0.1)
    scheduler = ExponentialLR(optimizer, gamma=0.5)
    for _ in range(3):
        scheduler.step()
    resumed_optimizer = sgd(0.1)
    resumed_optimizer.load_state_dict(optimizer.state_dict())
    resumed = ExponentialLR(resumed_optimizer, gamma=0.5)
    resumed.load_state_dict(scheduler.state_dict())
    assert resumed_optimizer.param_groups[0]["lr"] == 0.0125 == resumed.get_last_lr()[0]
    assert lrs_over(resumed, 3) == lrs_over(scheduler, 3)


def test_scheduler_state_dict_round_trip_continues_the_schedule() -> None:
    scheduler = StepLR(sgd(1.0), step_size=2, gamma=0.5)
    for _ in range(3):
        scheduler.step()
    restored = StepLR(sgd(1.0), step_size=7, gamma=0.9)
    restored.load_state_dict(scheduler.state_dict())
    assert "optimizer" not in scheduler.state_dict()
    restored.step()
    scheduler.step()
    assert restored.get_last_lr() == scheduler.get_last_lr() == [0.25]


def add_group(optimizer: SGD, lr: float | None = None) -> None:
    group: dict[str, Any] = {"params": [tm.tensor([1.0], requires_grad=True)]}
    if lr is not None:
        group["lr"] = lr
    optimizer.add_param_group(group)


def test_a_group_added_after_creation_is_scheduled_from_the_next_step() -> None:
    # PyTorch 2.13 gives [0.125, 0.125]: the new group is halved at every step too.
    optimizer = SGD([tm.tensor([1.0], requires_grad=True)], lr=1.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.5)
    add_group(optimizer)
    for _ in range(3):
        optimizer.step()
        scheduler.step()
    assert scheduler.get_last_lr() == [0.125, 0.125]
    assert [g["lr"] for g in optimizer.param_groups] == [0.125, 0.125]


def test_a_group_added_after_some_steps_is_scaled_from_its_own_lr_from_then_on() -> None:
    optimizer = sgd(1.0)
    scheduler = StepLR(optimizer, step_size=2, gamma=0.5)
    scheduler.step()  # epoch 1
    add_group(optimizer, lr=0.3)
    lrs = [[g["lr"] for g in optimizer.param_groups]]
    for _ in range(4):
        scheduler.step()
        lrs.append(scheduler.get_last_lr())
    # It decays when the others do, at epochs 2 and 4, not 2 epochs after it joined.
    np.testing.assert_allclose(lrs, [[1.0, 0.3], [0.5, 0.15], [0.5, 0.15], [0.25, 0.075],
                                     [0.25, 0.075]])
    assert optimizer.param_groups[1]["initial_lr"] == pytest.approx(0.3)


@pytest.mark.parametrize(("make", "steps"), [
    (lambda o: CosineAnnealingLR(o, T_max=2), 2),  # epoch 2: eta_min whatever the base lr
    (lambda o: LinearLR(o, start_factor=1.0, end_factor=0.0, total_iters=2), 3),
    (lambda o: ExponentialLR(o, gamma=1e-100), 5),  # every lr scaled by an underflow
])
def test_a_group_added_where_no_base_lr_reaches_its_lr_keeps_its_lr_with_a_warning(
    make: Any, steps: int
) -> None:
    optimizer = sgd(1.0)
    scheduler = make(optimizer)
    for _ in range(steps):
        scheduler.step()
    add_group(optimizer, lr=0.3)
    message = rf"param group 1 was added at epoch {steps}, where the schedule gives every base lr"
    with pytest.warns(UserWarning, match=message + r" the same lr.*keeps") as seen:
        scheduler.step()
    assert seen[0].filename == __file__  # points at the caller's step
    scheduler.step()  # warned once, when it joined
    assert scheduler.get_last_lr()[1] == 0.3 and optimizer.param_groups[1]["lr"] == 0.3
    restored = make(sgd(1.0))
    restored.optimizer.add_param_group({"params": [tm.tensor([0.0], requires_grad=True)],
                                        "lr": 0.3})
    restored.load_state_dict(scheduler.state_dict())
    assert restored.get_last_lr() == scheduler.get_last_lr()


def test_a_lambda_returning_numpy_numbers_sets_plain_float_lrs() -> None:
    scheduler = LambdaLR(sgd(1.0), lambda epoch: np.float32(0.5) ** epoch)
    scheduler.step()
    assert type(scheduler.optimizer.param_groups[0]["lr"]) is float


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (lambda o: StepLR(o, step_size=3, gamma=0.5), "StepLR(o, step_size=3, gamma=0.5)"),
        (lambda o: ExponentialLR(o, gamma=0.8), "ExponentialLR(o, gamma=0.8)"),
        (lambda o: CosineAnnealingLR(o, T_max=12, eta_min=0.01),
         "CosineAnnealingLR(o, T_max=12, eta_min=0.01)"),
        (lambda o: ConstantLR(o, factor=0.5, total_iters=6),
         "ConstantLR(o, factor=0.5, total_iters=6)"),
        (lambda o: PolynomialLR(o, total_iters=9, power=2.0),
         "PolynomialLR(o, total_iters=9, power=2.0)"),
    ],
    ids=["step", "exponential", "cosine", "constant", "polynomial"],
)
@pytest.mark.parametrize("added_at", [0, 4])
def test_groups_added_later_get_torch_learning_rates(
    ours: Any, theirs: str, added_at: int
) -> None:
    torch = pytest.importorskip("torch")
    torch_optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    torch_scheduler = eval(theirs, {"o": torch_optimizer, **vars(torch.optim.lr_scheduler)})
    optimizer = sgd(0.1)
    scheduler = ours(optimizer)
    ours_lrs, theirs_lrs = [], []
    for epoch in range(12):  # PyTorch's cosine fails on added groups past T_max
        if epoch == added_at:
            torch_optimizer.add_param_group({"params": [torch.zeros(1, requires_grad=True)],
                                             "lr": 0.05})
            add_group(optimizer, lr=0.05)
        torch_optimizer.step()
        torch_scheduler.step()
        scheduler.step()
        ours_lrs.append(scheduler.get_last_lr())
        theirs_lrs.append(torch_scheduler.get_last_lr())
    assert [len(lrs) for lrs in ours_lrs] == [len(lrs) for lrs in theirs_lrs]
    np.testing.assert_allclose([lr for lrs in ours_lrs for lr in lrs],
                               [lr for lrs in theirs_lrs for lr in lrs], rtol=1e-10, atol=1e-15)


def test_schedulers_work_with_adam_too() -> None:
    optimizer = Adam([tm.tensor([1.0], requires_grad=True)], lr=0.01)
    scheduler = ExponentialLR(optimizer, gamma=0.9)
    scheduler.step()
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.009)


def test_schedulers_are_reachable_as_optim_lr_scheduler() -> None:
    assert optim.lr_scheduler.StepLR is StepLR
    assert optim.lr_scheduler.CosineAnnealingLR is CosineAnnealingLR


# -- bad arguments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda o: StepLR(o, step_size=0), ValueError,
         "StepLR: step_size must be a positive int, got 0"),
        (lambda o: StepLR(o, step_size=2.5), TypeError,
         "StepLR: step_size must be a positive int, got 2.5"),
        (lambda o: StepLR(o, step_size=1, gamma=-1), ValueError,
         "StepLR: gamma must be non-negative, got -1"),
        (lambda o: ExponentialLR(o, gamma=-0.5), ValueError,
         "ExponentialLR: gamma must be non-negative, got -0.5"),
        (lambda o: LambdaLR(None, [lambda epoch: 1.0]), TypeError,  # type: ignore[arg-type]
         "LambdaLR: optimizer must be an Optimizer, got NoneType"),
        (lambda o: ReduceLROnPlateau(o, min_lr=[-1.0]), ValueError,
         r"ReduceLROnPlateau: min_lr\[0\] must be non-negative, got -1.0"),
        (lambda o: CosineAnnealingLR(o, T_max=0), ValueError,
         "CosineAnnealingLR: T_max must be a positive int, got 0"),
        (lambda o: CosineAnnealingLR(o, T_max=10, eta_min=-1e-3), ValueError,
         "CosineAnnealingLR: eta_min must be non-negative, got -0.001"),
        (lambda o: StepLR(o, step_size=1, last_epoch=-2), ValueError,
         "StepLR: last_epoch must be an int >= -1, got -2"),
        (lambda o: StepLR(o, step_size=1, last_epoch=3), ValueError,
         "StepLR: resuming at last_epoch=3 needs 'initial_lr' in every param group"),
        (lambda o: StepLR(o.param_groups, step_size=1), TypeError,
         "StepLR: optimizer must be an Optimizer, got list"),
        (lambda o: MultiStepLR(o, [3, -1]), ValueError,
         "MultiStepLR: a milestone must be an int >= 0, got -1"),
        (lambda o: MultiStepLR(o, 3), TypeError,
         "MultiStepLR: milestones must be a list of epochs, got 3"),
        (lambda o: LinearLR(o, start_factor=0), ValueError,
         r"LinearLR: start_factor must be in \(0, 1\], got 0"),
        (lambda o: LinearLR(o, end_factor=1.5), ValueError,
         r"LinearLR: end_factor must be in \[0, 1\], got 1.5"),
        (lambda o: LinearLR(o, total_iters=0), ValueError,
         "LinearLR: total_iters must be a positive int, got 0"),
        (lambda o: LambdaLR(o, 0.5), TypeError,
         "LambdaLR: lr_lambda must be a function of the epoch, got float"),
        (lambda o: LambdaLR(o, [abs, abs]), ValueError,
         "LambdaLR: expected 1 lr_lambdas, one per param group, but got 2"),
        (lambda o: ReduceLROnPlateau(o, mode="lowest"), ValueError,
         "ReduceLROnPlateau: mode must be 'min' or 'max', got 'lowest'"),
        (lambda o: ReduceLROnPlateau(o, factor=1.0), ValueError,
         r"ReduceLROnPlateau: factor must be in \[0, 1\), got 1.0"),
        (lambda o: ReduceLROnPlateau(o, patience=-1), ValueError,
         "ReduceLROnPlateau: patience must be an int >= 0, got -1"),
        (lambda o: ReduceLROnPlateau(o, threshold_mode="relative"), ValueError,
         "ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got 'relative'"),
        (lambda o: ReduceLROnPlateau(o, min_lr=[0.0, 0.1]), ValueError,
         "ReduceLROnPlateau: expected 1 min_lrs, one per param group, but got 2"),
        (lambda o: ReduceLROnPlateau(o.param_groups), TypeError,
         "ReduceLROnPlateau: optimizer must be an Optimizer, got list"),
        (lambda o: ConstantLR(o, factor=1.5), ValueError,
         r"ConstantLR: factor must be in \[0, 1\], got 1.5"),
        (lambda o: ConstantLR(o, total_iters=0), ValueError,
         "ConstantLR: total_iters must be a positive int, got 0"),
        (lambda o: ConstantLR(o.param_groups), TypeError,
         "ConstantLR: optimizer must be an Optimizer, got list"),
        (lambda o: MultiplicativeLR(o, 0.9), TypeError,
         "MultiplicativeLR: lr_lambda must be a function of the epoch, got float"),
        (lambda o: MultiplicativeLR(o, [abs, abs]), ValueError,
         "MultiplicativeLR: expected 1 lr_lambdas, one per param group, but got 2"),
        (lambda o: PolynomialLR(o, total_iters=2.0), TypeError,
         "PolynomialLR: total_iters must be a positive int, got 2.0"),
        (lambda o: PolynomialLR(o, power=-1), ValueError,
         "PolynomialLR: power must be non-negative, got -1"),
        (lambda o: CosineAnnealingWarmRestarts(o, T_0=0), ValueError,
         "CosineAnnealingWarmRestarts: T_0 must be a positive int, got 0"),
        (lambda o: CosineAnnealingWarmRestarts(o, T_0=2, T_mult=1.5), TypeError,
         "CosineAnnealingWarmRestarts: T_mult must be a positive int, got 1.5"),
        (lambda o: CosineAnnealingWarmRestarts(o, T_0=2, eta_min=-0.1), ValueError,
         "CosineAnnealingWarmRestarts: eta_min must be non-negative, got -0.1"),
        (lambda o: CosineAnnealingWarmRestarts(o, T_0=2, last_epoch=-3), ValueError,
         "CosineAnnealingWarmRestarts: last_epoch must be an int >= -1, got -3"),
        (lambda o: CosineAnnealingWarmRestarts(o, T_0=2).step(-0.5), ValueError,
         "CosineAnnealingWarmRestarts: epoch must be non-negative, got -0.5"),
        (lambda o: CosineAnnealingWarmRestarts(o, T_0=2).step("1"), TypeError,
         "CosineAnnealingWarmRestarts: epoch must be a real number, got '1'"),
    ],
)
def test_bad_argument_raises_naming_the_class_argument_and_value(
    make: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=f"^{message}"):
        make(sgd())


# -- against PyTorch ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (lambda o: StepLR(o, step_size=3, gamma=0.5), "StepLR(o, step_size=3, gamma=0.5)"),
        (lambda o: ExponentialLR(o, gamma=0.8), "ExponentialLR(o, gamma=0.8)"),
        (lambda o: CosineAnnealingLR(o, T_max=7, eta_min=0.001),
         "CosineAnnealingLR(o, T_max=7, eta_min=0.001)"),
        (lambda o: MultiStepLR(o, [9, 2, 5, 5], gamma=0.5),
         "MultiStepLR(o, [9, 2, 5, 5], gamma=0.5)"),
        (lambda o: LinearLR(o), "LinearLR(o)"),
        (lambda o: LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=12),
         "LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=12)"),
        (lambda o: LambdaLR(o, lambda epoch: 1 / (1 + epoch)),
         "LambdaLR(o, lambda epoch: 1 / (1 + epoch))"),
        (lambda o: ConstantLR(o), "ConstantLR(o)"),
        (lambda o: MultiplicativeLR(o, lambda epoch: 0.95),
         "MultiplicativeLR(o, lambda epoch: 0.95)"),
        (lambda o: PolynomialLR(o), "PolynomialLR(o)"),
        (lambda o: CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001),
         "CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001)"),
    ],
    ids=["step", "exponential", "cosine", "multistep", "linear-warmup", "linear-decay", "lambda",
         "constant", "multiplicative", "polynomial", "warm-restarts"],
)
def test_learning_rates_match_torch_optim_lr_scheduler(ours: Any, theirs: str) -> None:
    torch = pytest.importorskip("torch")
    torch_optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    torch_scheduler = eval(theirs, {"o": torch_optimizer, **vars(torch.optim.lr_scheduler)})
    scheduler = ours(sgd(0.1))
    ours_lrs, theirs_lrs = [], []
    for _ in range(20):
        torch_optimizer.step()
        torch_scheduler.step()
        scheduler.step()
        ours_lrs.append(scheduler.get_last_lr()[0])
        theirs_lrs.append(torch_scheduler.get_last_lr()[0])
    np.testing.assert_allclose(ours_lrs, theirs_lrs, rtol=1e-10, atol=1e-15)


# -- MultiStepLR, LinearLR, LambdaLR ------------------------------------------------------------


def test_multistep_lr_decays_at_each_milestone_and_twice_at_a_repeated_one() -> None:
    lrs = lrs_over(MultiStepLR(sgd(1.0), [4, 1, 4], gamma=0.5), 6)
    assert lrs == [1.0, 0.5, 0.5, 0.5, 0.125, 0.125]


def test_linear_lr_warms_up_from_start_factor_to_end_factor_then_stays() -> None:
    lrs = lrs_over(LinearLR(sgd(0.3), start_factor=0.5, end_factor=1.0, total_iters=2), 5)
    np.testing.assert_allclose(lrs, [0.15, 0.225, 0.3, 0.3, 0.3])


def test_lambda_lr_gives_each_group_its_own_function_of_the_epoch() -> None:
    optimizer = sgd(0.1, groups=2)
    scheduler = LambdaLR(optimizer, [lambda e: 1.0, lambda e: 0.5**e])
    scheduler.step()
    scheduler.step()
    np.testing.assert_allclose(scheduler.get_last_lr(), [0.1, 0.2 * 0.25])


def test_lambda_lr_with_one_function_schedules_a_group_added_later_but_a_list_refuses() -> None:
    shared = LambdaLR(sgd(0.1), lambda e: 0.5**e)
    add_group(shared.optimizer, lr=0.4)
    shared.step()
    np.testing.assert_allclose(shared.get_last_lr(), [0.05, 0.2])
    listed = LambdaLR(sgd(0.1), [lambda e: 0.5**e])
    add_group(listed.optimizer, lr=0.4)
    with pytest.raises(ValueError, match=r"^LambdaLR: param group 1 was added after the "
                                         r"scheduler, which has one lr_lambda for each of the 1"):
        listed.step()


# -- ReduceLROnPlateau --------------------------------------------------------------------------


def test_reduce_on_plateau_waits_patience_epochs_then_multiplies_by_factor() -> None:
    scheduler = ReduceLROnPlateau(sgd(1.0), factor=0.5, patience=2)
    lrs = []
    for loss in [3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 1.0, 1.0, 1.0, 1.0]:
        scheduler.step(loss)
        lrs.append(scheduler.get_last_lr()[0])
    # the third epoch without improvement (more than patience) halves the lr; a new
    # best restarts the count
    assert lrs == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25]


def test_reduce_on_plateau_counts_a_nan_metric_as_no_improvement_and_takes_tensors() -> None:
    scheduler = ReduceLROnPlateau(sgd(1.0), patience=0)
    scheduler.step(tm.tensor(1.0))
    scheduler.step(float("nan"))
    assert scheduler.get_last_lr() == [0.1] and scheduler.best == 1.0
    with pytest.raises(TypeError, match=r"^ReduceLROnPlateau: metrics must be a real number"):
        scheduler.step("low")  # type: ignore[arg-type]


def test_reduce_on_plateau_state_dict_round_trip_continues_where_it_was() -> None:
    first = ReduceLROnPlateau(sgd(1.0), patience=1, cooldown=2)
    for loss in [1.0, 1.0, 1.0]:
        first.step(loss)
    second = ReduceLROnPlateau(first.optimizer, patience=5)
    second.load_state_dict(first.state_dict())
    assert second.patience == 1 and second.cooldown_counter == first.cooldown_counter
    assert "optimizer" not in first.state_dict()


@st.composite
def plateau_settings(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "mode": draw(st.sampled_from(["min", "max"])),
        "factor": draw(st.sampled_from([0.1, 0.5, 0.9])),
        "patience": draw(st.integers(0, 3)),
        "threshold": draw(st.sampled_from([0.0, 1e-4, 0.1])),
        "threshold_mode": draw(st.sampled_from(["rel", "abs"])),
        "cooldown": draw(st.integers(0, 2)),
        "min_lr": draw(st.sampled_from([0.0, 0.01])),
    }


@given(settings=plateau_settings(),
       metrics=st.lists(st.sampled_from([1.0, 0.99, 0.95, 0.5, 2.0, -1.0]), max_size=25))
def test_reduce_on_plateau_matches_torch_for_any_settings_and_metrics(
    settings: dict[str, Any], metrics: list[float]
) -> None:
    torch = pytest.importorskip("torch")
    torch_optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(torch_optimizer, **settings)
    ours = ReduceLROnPlateau(sgd(0.1), **settings)
    for metric in metrics:
        theirs.step(metric)
        ours.step(metric)
        assert ours.get_last_lr() == theirs.get_last_lr()
        assert (ours.num_bad_epochs, ours.cooldown_counter) == (theirs.num_bad_epochs,
                                                                theirs.cooldown_counter)


def test_reduce_on_plateau_reduces_a_group_added_later_and_refuses_one_with_listed_min_lrs(
) -> None:
    shared = ReduceLROnPlateau(sgd(1.0), patience=0, min_lr=0.01)
    add_group(shared.optimizer, lr=1.0)
    for metric in (1.0, 2.0):
        shared.step(metric)
    assert shared.get_last_lr() == [0.1, 0.1]
    listed = ReduceLROnPlateau(sgd(1.0), patience=0, min_lr=[0.01])
    add_group(listed.optimizer, lr=1.0)
    listed.step(1.0)  # no reduction due: nothing to refuse, as in PyTorch
    with pytest.raises(ValueError, match=r"^ReduceLROnPlateau: 1 param group\(s\) were added "
                                         r"after the scheduler.*set scheduler\.min_lrs"):
        listed.step(2.0)
    assert ReduceLROnPlateau(sgd(), min_lr=np.array([0.1])).min_lrs == [0.1]
    assert ReduceLROnPlateau(sgd(), min_lr=np.array(0.1)).min_lrs == [0.1]  # 0-d: one number
    assert repr(shared).startswith("ReduceLROnPlateau(mode='min', factor=0.1, patience=0,")


def test_lambda_lr_state_dict_saves_functions_as_none_and_can_be_checkpointed(
    tmp_path: Any,
) -> None:
    class Halving:
        def __init__(self) -> None:
            self.base = 0.5

        def __call__(self, epoch: int) -> float:
            return self.base**epoch

    scheduler = LambdaLR(sgd(1.0, groups=2), [lambda e: 1.0, Halving()])
    state = scheduler.state_dict()
    assert state["lr_lambdas"] == [None, {"base": 0.5}]
    tm.save({"scheduler": state}, str(tmp_path / "s.npz"))
    other = Halving()
    other.base = 0.25
    resumed = LambdaLR(sgd(1.0, groups=2), [lambda e: 2.0, other])
    resumed.load_state_dict(state)
    assert other.base == 0.5 and resumed.lr_lambdas[0](0) == 2.0  # its own function kept
    assert "_one_for_all" not in repr(resumed)


def test_multistep_lr_takes_any_iterable_of_epochs() -> None:
    assert MultiStepLR(sgd(), {4, 2}).milestones == [2, 4]
    assert MultiStepLR(sgd(), np.array([3, 1])).milestones == [1, 3]
    with pytest.raises(ValueError, match=r"^LinearLR: start_factor must be in \(0, 1\], got 1\.5"):
        LinearLR(sgd(), start_factor=1.5)


def test_multistep_lr_refuses_a_string_of_milestones_naming_it() -> None:
    with pytest.raises(TypeError, match=r"^MultiStepLR: milestones must be a list of epochs, "
                                        r"got '35'"):
        MultiStepLR(sgd(), "35")  # type: ignore[arg-type]


def test_lambda_lr_refuses_fewer_functions_than_param_groups_naming_both_counts() -> None:
    with pytest.raises(ValueError, match=r"^LambdaLR: expected 2 lr_lambdas, one per param "
                                         r"group, but got 1"):
        LambdaLR(sgd(groups=2), [lambda e: 1.0])


def test_reduce_on_plateau_in_max_abs_mode_needs_a_rise_above_best_plus_threshold() -> None:
    scheduler = ReduceLROnPlateau(sgd(1.0), mode="max", threshold_mode="abs", threshold=0.1,
                                  patience=0, factor=0.5)
    for metric, lr in [(1.0, 1.0), (0.95, 0.5), (1.05, 0.25), (1.2, 0.25)]:
        scheduler.step(metric)
        assert scheduler.get_last_lr() == [lr]
    assert scheduler.best == 1.2


def test_reduce_on_plateau_in_max_rel_mode_needs_a_rise_above_best_times_1_plus_threshold(
) -> None:
    scheduler = ReduceLROnPlateau(sgd(1.0), mode="max", threshold_mode="rel", threshold=0.1,
                                  patience=0, factor=0.5)
    for metric, lr in [(1.0, 1.0), (1.05, 0.5), (1.2, 0.5), (1.3, 0.25)]:
        scheduler.step(metric)  # 1.05 < 1.0 · 1.1 is no rise; 1.2 is; 1.3 < 1.2 · 1.1 is not
        assert scheduler.get_last_lr() == [lr]
    assert scheduler.best == 1.2


def test_reduce_on_plateau_in_max_abs_mode_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    settings = {"mode": "max", "threshold_mode": "abs", "threshold": 0.1, "patience": 1}
    torch_optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(torch_optimizer, **settings)
    ours = ReduceLROnPlateau(sgd(0.1), **settings)
    for metric in [1.0, 0.95, 0.92, 1.05, 1.2, 1.15, 1.25, 1.0]:
        theirs.step(metric)
        ours.step(metric)
        assert ours.get_last_lr() == theirs.get_last_lr()
        assert (ours.best, ours.num_bad_epochs) == (theirs.best, theirs.num_bad_epochs)


@pytest.mark.parametrize("metrics", [tm.tensor([1.0, 2.0]), np.array([1.0, 2.0])])
def test_reduce_on_plateau_refuses_a_metric_of_several_values_as_not_a_number(
    metrics: object,
) -> None:
    scheduler = ReduceLROnPlateau(sgd())
    with pytest.raises(TypeError, match=r"^ReduceLROnPlateau: metrics must be a real number"):
        scheduler.step(metrics)  # type: ignore[arg-type]


def test_reduce_on_plateau_a_refused_metric_leaves_the_scheduler_unchanged() -> None:
    scheduler = ReduceLROnPlateau(sgd(), patience=0)
    scheduler.step(1.0)
    before = scheduler.state_dict()
    with pytest.raises(TypeError, match=r"^ReduceLROnPlateau: metrics must be a real number"):
        scheduler.step("low")  # type: ignore[arg-type]
    assert scheduler.state_dict() == before and scheduler.last_epoch == 1


def test_lambda_lr_keeps_the_lr_of_a_group_added_where_its_factor_is_zero() -> None:
    scheduler = LambdaLR(sgd(1.0), lambda epoch: 0.0 if epoch >= 1 else 1.0)
    scheduler.step()
    add_group(scheduler.optimizer, lr=0.3)
    with pytest.warns(UserWarning, match=r"param group 1 was added at epoch 1.*keeps") as seen:
        scheduler.step()
    assert seen[0].filename == __file__  # the caller's step, through LambdaLR's override too
    scheduler.step()
    assert scheduler.get_last_lr() == [0.0, 0.3]


def test_multi_step_lr_accepts_gamma_zero_as_pytorch() -> None:
    scheduler = MultiStepLR(sgd(1.0), milestones=[2], gamma=0)
    lrs = []
    for _ in range(3):
        lrs.append(scheduler.get_last_lr()[0])
        scheduler.step()
    assert lrs == [1.0, 1.0, 0.0]


def test_a_new_scheduler_schedules_a_group_an_earlier_one_left_without_a_base_lr() -> None:
    optimizer = sgd(1.0)
    first = ExponentialLR(optimizer, gamma=0.0)
    first.step()
    add_group(optimizer, lr=0.3)
    with pytest.warns(UserWarning, match=r"param group 1"):
        first.step()
    second = StepLR(optimizer, step_size=1, gamma=0.5)
    second.step()
    assert second.get_last_lr()[1] == pytest.approx(0.15)


def test_a_refused_plateau_step_changes_nothing() -> None:
    listed = ReduceLROnPlateau(sgd(1.0), patience=0, min_lr=[0.01])
    listed.step(1.0)
    add_group(listed.optimizer, lr=1.0)
    before = listed.state_dict()
    with pytest.raises(ValueError, match=r"were added after the scheduler"):
        listed.step(2.0)
    assert listed.state_dict() == before


# -- ConstantLR, MultiplicativeLR, PolynomialLR, CosineAnnealingWarmRestarts --------------------


def make_both(torch: Any, groups: int) -> tuple[Any, SGD]:
    """A torch SGD and one of ours, with the same lrs in ``groups`` param groups."""
    theirs = torch.optim.SGD([{"params": [torch.zeros(1, requires_grad=True)], "lr": 0.1 * (i + 1)}
                              for i in range(groups)], lr=0.1)
    return theirs, sgd(0.1, groups=groups)


def assert_same_lrs_over_steps(theirs: Any, ours: LRScheduler, torch_optimizer: Any,
                               epochs: list[float | None]) -> None:
    """Step both with each of ``epochs`` (None: no epoch) and compare every group's lr."""
    np.testing.assert_allclose(ours.get_last_lr(), theirs.get_last_lr(), rtol=1e-10, atol=1e-15)
    for epoch in epochs:
        torch_optimizer.step()
        if epoch is None:
            theirs.step()
            ours.step()
        else:
            theirs.step(epoch)
            ours.step(epoch)  # type: ignore[call-arg]
        np.testing.assert_allclose(ours.get_last_lr(), theirs.get_last_lr(), rtol=1e-10,
                                   atol=1e-15)
        assert ours.last_epoch == theirs.last_epoch


@given(factor=st.sampled_from([0.1, 0.25, 1 / 3, 0.5, 1.0]), total_iters=st.integers(1, 10),
       groups=st.integers(1, 3))
def test_constant_lr_matches_torch_for_any_settings(
    factor: float, total_iters: int, groups: int
) -> None:
    torch = pytest.importorskip("torch")
    torch_optimizer, optimizer = make_both(torch, groups)
    theirs = torch.optim.lr_scheduler.ConstantLR(torch_optimizer, factor, total_iters)
    assert_same_lrs_over_steps(theirs, ConstantLR(optimizer, factor, total_iters),
                               torch_optimizer, [None] * 30)


@given(total_iters=st.integers(1, 20), power=st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.7]),
       groups=st.integers(1, 3))
def test_polynomial_lr_matches_torch_for_any_settings(
    total_iters: int, power: float, groups: int
) -> None:
    torch = pytest.importorskip("torch")
    torch_optimizer, optimizer = make_both(torch, groups)
    theirs = torch.optim.lr_scheduler.PolynomialLR(torch_optimizer, total_iters, power)
    assert_same_lrs_over_steps(theirs, PolynomialLR(optimizer, total_iters, power),
                               torch_optimizer, [None] * 30)


@given(gammas=st.lists(floats_between(0.5, 1.1), min_size=3, max_size=3),
       one_for_all=st.booleans(), groups=st.integers(1, 3))
def test_multiplicative_lr_matches_torch_for_any_factors(
    gammas: list[float], one_for_all: bool, groups: int
) -> None:
    torch = pytest.importorskip("torch")
    torch_optimizer, optimizer = make_both(torch, groups)
    functions = [lambda epoch, g=g: g ** (epoch % 4) for g in gammas[:groups]]
    lr_lambda: Any = functions[0] if one_for_all else functions
    theirs = torch.optim.lr_scheduler.MultiplicativeLR(torch_optimizer, lr_lambda)
    assert_same_lrs_over_steps(theirs, MultiplicativeLR(optimizer, lr_lambda), torch_optimizer,
                               [None] * 40)


@given(t_0=st.integers(1, 6), t_mult=st.integers(1, 3), eta_min=st.sampled_from([0.0, 0.01]),
       groups=st.integers(1, 3),
       epochs=st.lists(st.one_of(st.none(), st.integers(0, 50), floats_between(0.0, 50.0)),
                       max_size=40))
def test_cosine_annealing_warm_restarts_matches_torch_with_and_without_epochs(
    t_0: int, t_mult: int, eta_min: float, groups: int, epochs: list[float | None]
) -> None:
    torch = pytest.importorskip("torch")
    torch_optimizer, optimizer = make_both(torch, groups)
    theirs = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(torch_optimizer, t_0, t_mult,
                                                                  eta_min)
    ours = CosineAnnealingWarmRestarts(optimizer, t_0, t_mult, eta_min)
    assert_same_lrs_over_steps(theirs, ours, torch_optimizer, [None] * 40 + epochs)


def test_constant_lr_scales_by_factor_until_total_iters_then_gives_the_base_lr() -> None:
    lrs = lrs_over(ConstantLR(sgd(0.3), factor=0.5, total_iters=3), 6)
    np.testing.assert_allclose(lrs, [0.15, 0.15, 0.15, 0.3, 0.3, 0.3])
    assert lrs_over(ConstantLR(sgd(0.3), factor=0.0, total_iters=2), 3) == [0.0, 0.0, 0.3]


def test_polynomial_lr_falls_to_zero_along_its_power_and_stays() -> None:
    lrs = lrs_over(PolynomialLR(sgd(1.0), total_iters=4, power=2.0), 7)
    np.testing.assert_allclose(lrs, [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(lrs_over(PolynomialLR(sgd(1.0)), 3), [1.0, 0.8, 0.6])


def test_multiplicative_lr_multiplies_by_each_epochs_factor_calling_it_once_per_epoch() -> None:
    calls: list[int] = []

    def factor(epoch: int) -> float:
        calls.append(epoch)
        return 1 / (1 + epoch)

    scheduler = MultiplicativeLR(sgd(1.0, groups=2), factor)
    for _ in range(3):
        scheduler.step()
    np.testing.assert_allclose(scheduler.get_last_lr(), [1 / 24, 2 / 24])  # 1/2 · 1/3 · 1/4
    assert calls == [1, 2, 3]


def test_multiplicative_lr_state_dict_round_trip_continues_and_does_not_alias() -> None:
    scheduler = MultiplicativeLR(sgd(1.0), lambda epoch: 0.5)
    scheduler.step()
    state = scheduler.state_dict()
    scheduler.step()
    assert state["_products"] == [[1.0, 0.5]] and state["lr_lambdas"] == [None]
    restored = MultiplicativeLR(sgd(1.0), lambda epoch: 0.1)
    restored.load_state_dict(state)
    restored.step()
    assert state["_products"] == [[1.0, 0.5]]
    assert restored.get_last_lr() == [pytest.approx(0.05)]  # the saved 0.5, times its own 0.1


def test_multiplicative_lr_resumed_at_last_epoch_k_continues_the_product() -> None:
    optimizer = sgd(1.0)
    scheduler = MultiplicativeLR(optimizer, lambda epoch: 0.9)
    for _ in range(4):
        scheduler.step()
    resumed_optimizer = sgd(1.0)
    resumed_optimizer.load_state_dict(optimizer.state_dict())
    resumed = MultiplicativeLR(resumed_optimizer, lambda epoch: 0.9, last_epoch=4)
    assert resumed.get_last_lr() == scheduler.get_last_lr()
    np.testing.assert_allclose(lrs_over(resumed, 4), lrs_over(scheduler, 4), rtol=1e-15)


def test_multiplicative_lr_scales_a_group_added_later_but_a_list_refuses() -> None:
    # PyTorch 2.13 fails on such a group, whether one function or a list.
    shared = MultiplicativeLR(sgd(1.0), lambda epoch: 0.5)
    shared.step()
    add_group(shared.optimizer, lr=0.4)
    shared.step()
    np.testing.assert_allclose(shared.get_last_lr(), [0.25, 0.2])
    listed = MultiplicativeLR(sgd(1.0), [lambda epoch: 0.5])
    add_group(listed.optimizer, lr=0.4)
    with pytest.raises(ValueError, match=r"^MultiplicativeLR: param group 1 was added after"):
        listed.step()


def test_cosine_annealing_warm_restarts_restarts_after_cycles_t_mult_times_longer() -> None:
    scheduler = CosineAnnealingWarmRestarts(sgd(1.0), T_0=2, T_mult=2)
    lrs = lrs_over(scheduler, 8)
    # cycles of 2 and 4 epochs, then a restart at epoch 6
    expected = [1.0, 0.5, 1.0, (1 + math.cos(math.pi / 4)) / 2, 0.5,
                (1 + math.cos(3 * math.pi / 4)) / 2, 1.0, (1 + math.cos(math.pi / 8)) / 2]
    np.testing.assert_allclose(lrs, expected, atol=1e-15)
    assert (scheduler.T_cur, scheduler.T_i) == (2, 8)


def test_cosine_annealing_warm_restarts_takes_a_float_epoch_within_a_cycle() -> None:
    scheduler = CosineAnnealingWarmRestarts(sgd(1.0), T_0=4, eta_min=0.1)
    scheduler.step(5.0)  # one epoch into the second cycle
    assert scheduler.last_epoch == 5
    assert scheduler.get_last_lr() == [pytest.approx(0.1 + 0.9 * (1 + math.cos(math.pi / 4)) / 2)]
    scheduler.step(np.float64(2.5))
    assert scheduler.last_epoch == 2 and scheduler.T_cur == 2.5
    scheduler.step()  # one epoch on from 2.5
    assert scheduler.last_epoch == 3 and scheduler.T_cur == 3.5


def test_cosine_annealing_warm_restarts_state_dict_round_trip_keeps_its_place_in_the_cycle(
) -> None:
    scheduler = CosineAnnealingWarmRestarts(sgd(1.0), T_0=3, T_mult=2)
    scheduler.step(4.5)
    restored = CosineAnnealingWarmRestarts(sgd(1.0), T_0=3, T_mult=2)
    restored.load_state_dict(scheduler.state_dict())
    assert (restored.T_cur, restored.T_i) == (1.5, 6)
    assert restored.optimizer.param_groups[0]["lr"] == scheduler.get_last_lr()[0]
    assert lrs_over(restored, 8) == lrs_over(scheduler, 8)


def test_cosine_annealing_warm_restarts_resumed_at_last_epoch_k_stands_where_k_steps_lead(
) -> None:
    optimizer = sgd(1.0)
    scheduler = CosineAnnealingWarmRestarts(optimizer, T_0=2, T_mult=3)
    for _ in range(9):
        scheduler.step()
    resumed_optimizer = sgd(1.0)
    resumed_optimizer.load_state_dict(optimizer.state_dict())
    resumed = CosineAnnealingWarmRestarts(resumed_optimizer, T_0=2, T_mult=3, last_epoch=9)
    assert (resumed.T_cur, resumed.T_i) == (scheduler.T_cur, scheduler.T_i) == (1, 18)
    assert resumed.get_last_lr() == scheduler.get_last_lr()
    assert lrs_over(resumed, 20) == lrs_over(scheduler, 20)


def test_cosine_annealing_warm_restarts_scales_a_group_added_later() -> None:
    # PyTorch 2.13 fails on such a group; this one scales it as the others.
    scheduler = CosineAnnealingWarmRestarts(sgd(1.0), T_0=4)
    scheduler.step()  # 1 + cos(π/4) over 2 of the base lr
    add_group(scheduler.optimizer, lr=0.5)
    scheduler.step()
    scheduler.step(4.0)
    assert scheduler.get_last_lr() == pytest.approx([1.0, 0.5 / ((1 + math.cos(math.pi / 4)) / 2)])


def test_a_polynomial_lr_keeps_the_lr_of_a_group_added_once_it_has_reached_zero() -> None:
    scheduler = PolynomialLR(sgd(1.0), total_iters=2)
    scheduler.step()
    scheduler.step()
    add_group(scheduler.optimizer, lr=0.3)
    with pytest.warns(UserWarning, match=r"^PolynomialLR: param group 1 was added at epoch 2"):
        scheduler.step()
    assert scheduler.get_last_lr() == [0.0, 0.3]


def test_the_new_schedulers_are_reachable_as_optim_lr_scheduler() -> None:
    for scheduler in (ConstantLR, MultiplicativeLR, PolynomialLR, CosineAnnealingWarmRestarts):
        assert getattr(optim.lr_scheduler, scheduler.__name__) is scheduler


# -- OneCycleLR and CyclicLR: per-batch schedules that move the momentum too ---------------------


def momenta(optimizer: Any) -> list[float]:
    """Each group's momentum, or beta1 of its betas (for Adam)."""
    return [group["betas"][0] if "betas" in group else group["momentum"]
            for group in optimizer.param_groups]


def lrs_and_momenta_over(scheduler: LRScheduler, steps: int) -> tuple[list[float], list[float]]:
    """The lr and momentum of the first group at steps 0 .. steps - 1."""
    lrs, momentum = [], []
    for _ in range(steps):
        lrs.append(scheduler.optimizer.param_groups[0]["lr"])
        momentum.append(momenta(scheduler.optimizer)[0])
        scheduler.step()
    return lrs, momentum


def cosine_from_to(start: float, end: float, t: float) -> float:
    """start at t = 0 to end at t = 1 along half a cosine."""
    return end + (start - end) * (1 + math.cos(math.pi * t)) / 2


def test_one_cycle_lr_rises_to_max_lr_then_falls_along_a_cosine_as_momentum_does_the_opposite(
) -> None:
    optimizer = SGD([tm.tensor([1.0], requires_grad=True)], lr=0.1, momentum=0.9)
    scheduler = OneCycleLR(optimizer, max_lr=1.0, total_steps=10, pct_start=0.2)
    lrs, momentum = lrs_and_momenta_over(scheduler, 10)
    low = 1.0 / 25 / 1e4  # max_lr / div_factor / final_div_factor
    # up over 2 steps (0 to 1), down over the 8 after
    expected = [0.04, 1.0, *(cosine_from_to(1.0, low, (step - 1) / 8) for step in range(2, 10))]
    np.testing.assert_allclose(lrs, expected, rtol=1e-14)
    assert lrs[5] == pytest.approx((1.0 + low) / 2) and lrs[9] == pytest.approx(low)
    np.testing.assert_allclose([momentum[0], momentum[1], momentum[5], momentum[9]],
                               [0.95, 0.85, 0.9, 0.95])
    assert optimizer.param_groups[0]["initial_lr"] == 0.04 == scheduler.base_lrs[0]


def test_one_cycle_lr_in_three_linear_phases_comes_back_to_initial_lr_then_goes_to_min_lr(
) -> None:
    optimizer = Adam([tm.tensor([1.0], requires_grad=True)], lr=0.1, betas=(0.9, 0.99))
    scheduler = OneCycleLR(optimizer, max_lr=1.0, total_steps=10, pct_start=0.4,
                           anneal_strategy="linear", three_phase=True, div_factor=4.0,
                           final_div_factor=5.0)
    lrs, beta1 = lrs_and_momenta_over(scheduler, 10)
    np.testing.assert_allclose(lrs, [0.25, 0.5, 0.75, 1.0, 0.75, 0.5, 0.25, 0.25 - 0.2 / 3,
                                     0.25 - 0.4 / 3, 0.05], rtol=1e-14)
    np.testing.assert_allclose(beta1, [0.95, 0.95 - 0.1 / 3, 0.85 + 0.1 / 3, 0.85,
                                       0.85 + 0.1 / 3, 0.95 - 0.1 / 3, 0.95, 0.95, 0.95, 0.95])
    assert optimizer.param_groups[0]["betas"][1] == 0.99  # beta2 is left alone


def test_one_cycle_lr_takes_its_length_from_epochs_times_steps_per_epoch() -> None:
    assert OneCycleLR(sgd(), 1.0, epochs=3, steps_per_epoch=4).total_steps == 12
    assert OneCycleLR(sgd(), 1.0, total_steps=5, epochs=3, steps_per_epoch=4).total_steps == 5


def test_one_cycle_lr_steps_to_total_steps_and_refuses_the_next_step_changing_nothing() -> None:
    scheduler = OneCycleLR(sgd(), max_lr=1.0, total_steps=3, cycle_momentum=False)
    for _ in range(3):  # the last scheduler.step() of a 3-batch loop
        scheduler.step()
    assert scheduler.last_epoch == 3
    lr = scheduler.get_last_lr()
    with pytest.raises(ValueError, match=r"^OneCycleLR: cannot step to step 4, past "
                                         r"total_steps=3"):
        scheduler.step()
    assert scheduler.last_epoch == 3 and scheduler.get_last_lr() == lr


def test_one_cycle_lr_takes_a_phase_of_no_steps_as_done_where_torch_divides_by_zero() -> None:
    # pct_start · total_steps = 1: the rise has no steps, so step 0 is at max_lr already
    lrs = lrs_over(OneCycleLR(sgd(), 1.0, total_steps=10, pct_start=0.1), 2)
    assert lrs[0] == 1.0 and lrs[1] == pytest.approx(cosine_from_to(1.0, 4e-6, 1 / 9))
    # pct_start = 1: the fall has no steps, so the step after the last is at min_lr
    scheduler = OneCycleLR(sgd(), 1.0, total_steps=4, pct_start=1.0)
    assert lrs_over(scheduler, 4)[3] == 1.0
    assert scheduler.last_epoch == 4 and scheduler.get_last_lr() == [pytest.approx(4e-6)]


def test_cyclic_lr_triangular_climbs_and_falls_between_base_lr_and_max_lr() -> None:
    optimizer = SGD([tm.tensor([1.0], requires_grad=True)], lr=0.5, momentum=0.0)
    scheduler = CyclicLR(optimizer, base_lr=0.1, max_lr=0.5, step_size_up=2, step_size_down=4)
    lrs, momentum = lrs_and_momenta_over(scheduler, 8)
    np.testing.assert_allclose(lrs, [0.1, 0.3, 0.5, 0.4, 0.3, 0.2, 0.1, 0.3])
    np.testing.assert_allclose(momentum, [0.9, 0.85, 0.8, 0.825, 0.85, 0.875, 0.9, 0.85])


def test_cyclic_lr_triangular2_halves_the_height_every_cycle() -> None:
    scheduler = CyclicLR(sgd(), 0.0, 1.0, step_size_up=2, mode="triangular2")
    assert lrs_over(scheduler, 12) == [0.0, 0.5, 1.0, 0.5, 0.0, 0.25, 0.5, 0.25, 0.0, 0.125,
                                       0.25, 0.125]


def test_cyclic_lr_exp_range_scales_the_height_by_gamma_to_the_step() -> None:
    scheduler = CyclicLR(sgd(), 0.0, 1.0, step_size_up=1, mode="exp_range", gamma=0.5)
    assert lrs_over(scheduler, 5) == [0.0, 0.5, 0.0, 0.125, 0.0]


@pytest.mark.parametrize(("scale_mode", "expected"), [("cycle", [0.0, 1.0, 0.0, 0.5, 0.0]),
                                                      ("iterations", [0.0, 0.5, 0.0, 0.25, 0.0])])
def test_cyclic_lr_scale_fn_of_the_cycle_or_of_the_step_replaces_the_mode(
    scale_mode: Any, expected: list[float]
) -> None:
    scheduler = CyclicLR(sgd(), 0.0, 1.0, step_size_up=1, mode="exp_range", gamma=0.1,
                         scale_fn=lambda x: 1 / (1 + x) if scale_mode == "iterations" else 1 / x,
                         scale_mode=scale_mode)  # so mode and gamma are ignored, as in PyTorch
    assert lrs_over(scheduler, 5) == expected


def test_cyclic_lr_keeps_an_initial_lr_an_earlier_scheduler_recorded_as_torch_does() -> None:
    optimizer = sgd(1.0)
    LinearLR(optimizer)
    scheduler = CyclicLR(optimizer, 0.1, 0.5, step_size_up=2, cycle_momentum=False)
    assert optimizer.param_groups[0]["initial_lr"] == 1.0  # a later scheduler's base lr
    assert scheduler.base_lrs == [0.1] and scheduler.get_last_lr() == [0.1]


@pytest.mark.parametrize("make", [lambda o: OneCycleLR(o, 1.0, total_steps=5),
                                  lambda o: CyclicLR(o, 0.1, 0.5)], ids=["one-cycle", "cyclic"])
def test_one_cycle_and_cyclic_lr_refuse_a_group_added_later_changing_nothing(make: Any) -> None:
    optimizer = SGD([tm.tensor([1.0], requires_grad=True)], lr=0.1, momentum=0.9)
    scheduler = make(optimizer)
    scheduler.step()
    add_group(optimizer, lr=0.3)
    before = scheduler.state_dict()
    with pytest.raises(ValueError, match=rf"^{type(scheduler).__name__}: param group 1 was added "
                                         r"after the scheduler, which has lr bounds for each of "
                                         r"the 1 groups"):
        scheduler.step()
    assert scheduler.state_dict() == before


def test_cyclic_lr_and_one_cycle_lr_need_no_momentum_without_cycle_momentum() -> None:
    adagrad = optim.Adagrad([tm.tensor([1.0], requires_grad=True)], lr=0.1)
    scheduler = OneCycleLR(adagrad, 1.0, total_steps=4, cycle_momentum=False, max_momentum=-1)
    assert "momentum" not in adagrad.param_groups[0] and scheduler.base_momentums == []
    CyclicLR(adagrad, 0.1, 0.5, cycle_momentum=False)


# -- OneCycleLR and CyclicLR against PyTorch -----------------------------------------------------


def torch_and_ours(torch: Any, name: str, groups: int) -> tuple[Any, Any]:
    """A torch optimizer and one of ours, ``name`` (SGD or Adam), with the same group lrs."""
    lrs = [0.1 * (i + 1) for i in range(groups)]
    theirs = getattr(torch.optim, name)(
        [{"params": [torch.zeros(1, requires_grad=True)], "lr": lr} for lr in lrs], lr=0.1)
    ours = getattr(optim, name)(
        [{"params": [tm.tensor([1.0], requires_grad=True)], "lr": lr} for lr in lrs], lr=0.1)
    return theirs, ours


def assert_same_lrs_and_momenta(theirs: Any, ours: Any) -> None:
    """The two schedulers' last lrs, and their optimizers' lrs and momenta, agree."""
    np.testing.assert_allclose(ours.get_last_lr(), theirs.get_last_lr(), rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose([g["lr"] for g in ours.optimizer.param_groups],
                               [g["lr"] for g in theirs.optimizer.param_groups],
                               rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(momenta(ours.optimizer), momenta(theirs.optimizer), rtol=1e-12)


@st.composite
def one_per_group_or_one(draw: st.DrawFn, values: st.SearchStrategy[float],
                         groups: int) -> float | list[float]:
    """One value for all groups, or a list of one per group."""
    return draw(st.one_of(values, st.lists(values, min_size=groups, max_size=groups)))


@st.composite
def one_cycle_settings(draw: st.DrawFn, groups: int) -> dict[str, Any]:
    length = (
        {"total_steps": draw(st.integers(1, 30))} if draw(st.booleans())
        else {"epochs": draw(st.integers(1, 5)), "steps_per_epoch": draw(st.integers(1, 6))}
    )
    return {
        **length,
        "max_lr": draw(one_per_group_or_one(floats_between(0.01, 2.0), groups)),
        "pct_start": draw(st.one_of(floats_between(0.0, 1.0),
                                    st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0]))),
        "anneal_strategy": draw(st.sampled_from(["cos", "linear"])),
        "three_phase": draw(st.booleans()),
        "div_factor": draw(floats_between(1.0, 100.0)),
        "final_div_factor": draw(floats_between(1.0, 1e4)),
        "cycle_momentum": draw(st.booleans()),
        "base_momentum": draw(one_per_group_or_one(floats_between(0.5, 0.85), groups)),
        "max_momentum": draw(one_per_group_or_one(floats_between(0.85, 0.99), groups)),
    }


@given(data=st.data(), name=st.sampled_from(["SGD", "Adam"]), groups=st.integers(1, 3))
def test_one_cycle_lr_matches_torch_for_any_settings_to_the_end_and_past_it(
    data: st.DataObject, name: str, groups: int
) -> None:
    torch = pytest.importorskip("torch")
    settings = data.draw(one_cycle_settings(groups))
    torch_optimizer, optimizer = torch_and_ours(torch, name, groups)
    ours = OneCycleLR(optimizer, **settings)
    try:
        theirs = torch.optim.lr_scheduler.OneCycleLR(torch_optimizer, **settings)
    except ZeroDivisionError:  # a rise of no steps: here it is over at once
        np.testing.assert_allclose(ours.get_last_lr(), ours.max_lrs)
        return
    assert_same_lrs_and_momenta(theirs, ours)
    for _ in range(ours.total_steps):
        torch_optimizer.step()
        ours.step()
        try:
            theirs.step()
        except ZeroDivisionError:  # a fall of no steps, at the step after the last
            np.testing.assert_allclose(ours.get_last_lr(), ours.min_lrs)
            break
        assert_same_lrs_and_momenta(theirs, ours)
    with pytest.raises(ValueError):
        theirs.step()
    with pytest.raises(ValueError, match=r"^OneCycleLR: cannot step"):
        ours.step()


def halving(x: float) -> float:
    return 0.5**x


def harmonic(x: float) -> float:
    return 1 / (1 + x)


@st.composite
def cyclic_settings(draw: st.DrawFn, groups: int) -> dict[str, Any]:
    return {
        "base_lr": draw(one_per_group_or_one(floats_between(0.0, 0.1), groups)),
        "max_lr": draw(one_per_group_or_one(floats_between(0.1, 2.0), groups)),
        "step_size_up": draw(st.integers(1, 8)),
        "step_size_down": draw(st.one_of(st.none(), st.integers(0, 8))),
        "mode": draw(st.sampled_from(["triangular", "triangular2", "exp_range"])),
        "gamma": draw(floats_between(0.8, 1.0)),
        "scale_fn": draw(st.sampled_from([None, halving, harmonic])),
        "scale_mode": draw(st.sampled_from(["cycle", "iterations"])),
        "cycle_momentum": draw(st.booleans()),
        "base_momentum": draw(one_per_group_or_one(floats_between(0.5, 0.85), groups)),
        "max_momentum": draw(one_per_group_or_one(floats_between(0.85, 0.99), groups)),
    }


@given(data=st.data(), name=st.sampled_from(["SGD", "Adam"]), groups=st.integers(1, 3))
def test_cyclic_lr_matches_torch_for_any_settings(
    data: st.DataObject, name: str, groups: int
) -> None:
    torch = pytest.importorskip("torch")
    settings = data.draw(cyclic_settings(groups))
    torch_optimizer, optimizer = torch_and_ours(torch, name, groups)
    theirs = torch.optim.lr_scheduler.CyclicLR(torch_optimizer, **settings)
    ours = CyclicLR(optimizer, **settings)
    for _ in range(40):
        assert_same_lrs_and_momenta(theirs, ours)
        torch_optimizer.step()
        theirs.step()
        ours.step()


# -- OneCycleLR and CyclicLR: resuming ---------------------------------------------------------


class Decay:
    """A scale_fn with state, which a state_dict saves (a function it cannot)."""

    def __init__(self, rate: float) -> None:
        self.rate = rate

    def __call__(self, x: float) -> float:
        return self.rate**x


@pytest.mark.parametrize(
    "make",
    [lambda o, **k: OneCycleLR(o, [1.0, 2.0], total_steps=12, three_phase=True, **k),
     lambda o, **k: CyclicLR(o, 0.1, [0.5, 0.7], step_size_up=3, scale_fn=Decay(0.9), **k)],
    ids=["one-cycle", "cyclic"],
)
def test_one_cycle_and_cyclic_lr_resume_exactly_from_a_checkpoint_or_last_epoch(
    make: Any, tmp_path: Any
) -> None:
    def adam() -> Adam:
        groups: list[dict[str, Any]] = [
            {"params": [tm.tensor([1.0], requires_grad=True)]},
            {"params": [tm.tensor([2.0], requires_grad=True)], "lr": 0.5}]
        return Adam(groups, lr=0.2)

    optimizer = adam()
    scheduler = make(optimizer)
    for _ in range(5):
        scheduler.step()
    tm.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()},
            tmp_path / "checkpoint.npz")
    checkpoint = tm.load(tmp_path / "checkpoint.npz")
    from_checkpoint = adam()
    from_checkpoint.load_state_dict(checkpoint["optimizer"])
    restored = make(from_checkpoint)
    if isinstance(restored, CyclicLR):
        restored._scale_fn_custom.rate = 0.5  # type: ignore[union-attr]  # the saved 0.9 wins
    restored.load_state_dict(checkpoint["scheduler"])
    from_last_epoch = adam()
    from_last_epoch.load_state_dict(optimizer.state_dict())
    resumed = make(from_last_epoch, last_epoch=5)
    for other in (restored, resumed):
        assert other.last_epoch == 5
        assert other.get_last_lr() == scheduler.get_last_lr()
        assert momenta(other.optimizer) == momenta(optimizer)
    for _ in range(7):
        for each in (scheduler, restored, resumed):
            each.step()
        assert restored.get_last_lr() == resumed.get_last_lr() == scheduler.get_last_lr()
        assert momenta(restored.optimizer) == momenta(resumed.optimizer) == momenta(optimizer)


# -- SequentialLR and ChainedScheduler ---------------------------------------------------------


def test_sequential_lr_warms_up_then_decays_each_scheduler_counting_from_its_milestone() -> None:
    optimizer = sgd(1.0)
    warm_up = LinearLR(optimizer, start_factor=0.25, total_iters=3)
    decay = CosineAnnealingLR(optimizer, T_max=4)
    scheduler = SequentialLR(optimizer, [warm_up, decay], milestones=[3])
    lrs = lrs_over(scheduler, 8)
    np.testing.assert_allclose(lrs, [0.25, 0.5, 0.75, 1.0, (1 + math.cos(math.pi / 4)) / 2, 0.5,
                                     (1 - math.cos(math.pi / 4)) / 2, 0.0], atol=1e-15)
    assert scheduler.last_epoch == 8 and decay.last_epoch == 5


def test_sequential_lr_with_a_milestone_at_0_starts_with_the_second_scheduler() -> None:
    optimizer = sgd(1.0)
    scheduler = SequentialLR(optimizer, [ConstantLR(optimizer, factor=0.1),
                                         ExponentialLR(optimizer, gamma=0.5)], milestones=[0])
    assert lrs_over(scheduler, 3) == [1.0, 0.5, 0.25]


def test_sequential_lr_starts_a_multiplicative_lr_afresh_at_its_milestone() -> None:
    # PyTorch's carries on from the 0.5 the ConstantLR left: [0.5, 0.5, 0.45].
    optimizer = sgd(1.0)
    scheduler = SequentialLR(optimizer, [ConstantLR(optimizer, factor=0.5, total_iters=9),
                                         MultiplicativeLR(optimizer, lambda e: 0.9)], [1])
    np.testing.assert_allclose(lrs_over(scheduler, 3), [0.5, 1.0, 0.9])


def test_sequential_lr_refused_step_of_a_one_cycle_lr_leaves_it_where_it_was() -> None:
    optimizer = SGD([tm.tensor([1.0], requires_grad=True)], lr=0.1, momentum=0.9)
    scheduler = SequentialLR(optimizer, [LinearLR(optimizer, total_iters=2),
                                         OneCycleLR(optimizer, 1.0, total_steps=2)], [2])
    for _ in range(4):
        scheduler.step()
    with pytest.raises(ValueError, match=r"^OneCycleLR: cannot step to step 3"):
        scheduler.step()
    assert scheduler.last_epoch == 4


def test_sequential_lr_carries_a_group_added_later_on_past_a_milestone() -> None:
    # PyTorch 2.13 fails at the milestone: "zip() argument 2 is shorter than argument 1".
    optimizer = sgd(1.0)
    scheduler = SequentialLR(optimizer, [StepLR(optimizer, step_size=1, gamma=0.5),
                                         ExponentialLR(optimizer, gamma=0.1)], [2])
    add_group(optimizer, lr=0.4)
    lrs = [[group["lr"] for group in optimizer.param_groups]]
    for _ in range(3):
        scheduler.step()
        lrs.append(scheduler.get_last_lr())
    # halved with the other group, kept at the milestone, then scaled by gamma from there
    np.testing.assert_allclose(lrs, [[1.0, 0.4], [0.5, 0.2], [1.0, 0.2], [0.1, 0.02]])


def test_chained_scheduler_multiplies_the_factors_of_its_schedulers() -> None:
    optimizer = sgd(2.0, groups=2)
    scheduler = ChainedScheduler([ConstantLR(optimizer, factor=0.1, total_iters=2),
                                  ExponentialLR(optimizer, gamma=0.5),
                                  LambdaLR(optimizer, lambda epoch: 1 + epoch)])
    expected = [0.1 * 0.5**epoch * (1 + epoch) if epoch < 2 else 0.5**epoch * (1 + epoch)
                for epoch in range(5)]
    lrs = [scheduler.get_last_lr()]
    for _ in range(4):
        scheduler.step()
        lrs.append(scheduler.get_last_lr())
    np.testing.assert_allclose(lrs, [[2 * f, 4 * f] for f in expected], rtol=1e-15)
    assert [g["lr"] for g in optimizer.param_groups] == lrs[-1]


def test_chained_scheduler_of_one_scheduler_gives_its_lrs() -> None:
    optimizer = SGD([tm.tensor([1.0], requires_grad=True)], lr=0.0, momentum=0.9)
    cyclic = CyclicLR(optimizer, 0.0, 1.0, step_size_up=2)
    chained = ChainedScheduler([cyclic], optimizer)
    for _ in range(5):
        chained.step()
        assert chained.get_last_lr() == cyclic.get_last_lr()


@pytest.mark.parametrize("kind", ["sequential", "chained"])
def test_sequential_lr_and_chained_scheduler_resume_exactly_from_a_checkpoint(
    kind: str, tmp_path: Any
) -> None:
    def make() -> SequentialLR | ChainedScheduler:
        optimizer = SGD([tm.tensor([1.0], requires_grad=True)], lr=1.0, momentum=0.9)
        parts: list[Any] = [LinearLR(optimizer, total_iters=3),
                            CyclicLR(optimizer, 0.1, 0.5, step_size_up=2),
                            MultiplicativeLR(optimizer, lambda epoch: 0.9)]
        if kind == "sequential":
            return SequentialLR(optimizer, parts, milestones=[3, 6])
        return ChainedScheduler(parts)

    scheduler = make()
    for _ in range(5):
        scheduler.step()
    tm.save({"optimizer": scheduler.optimizer.state_dict(), "scheduler": scheduler.state_dict()},
            tmp_path / "checkpoint.npz")
    checkpoint = tm.load(tmp_path / "checkpoint.npz")
    restored = make()
    restored.optimizer.load_state_dict(checkpoint["optimizer"])
    restored.load_state_dict(checkpoint["scheduler"])
    assert restored.get_last_lr() == scheduler.get_last_lr()
    for _ in range(6):
        assert restored.optimizer.param_groups[0]["lr"] == scheduler.get_last_lr()[0]
        assert momenta(restored.optimizer) == momenta(scheduler.optimizer)
        scheduler.step()
        restored.step()
        assert restored.get_last_lr() == scheduler.get_last_lr()
    assert repr(restored).startswith(f"{type(restored).__name__}(schedulers=[LinearLR(")


# -- SequentialLR and ChainedScheduler against PyTorch --------------------------------------------


def schedule(
    names: list[str], eta_min: float | None = None
) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    """A scheduler's name, from ``names``, and random arguments (a given or small eta_min)."""
    arguments: dict[str, st.SearchStrategy[dict[str, Any]]] = {
        "StepLR": st.fixed_dictionaries({"step_size": st.integers(1, 5),
                                         "gamma": floats_between(0.3, 1.0)}),
        "MultiStepLR": st.fixed_dictionaries({"milestones": st.lists(st.integers(1, 20),
                                                                     max_size=3),
                                              "gamma": floats_between(0.3, 1.0)}),
        "ExponentialLR": st.fixed_dictionaries({"gamma": floats_between(0.7, 1.0)}),
        "ConstantLR": st.fixed_dictionaries({"factor": floats_between(0.1, 1.0),
                                             "total_iters": st.integers(1, 8)}),
        "LinearLR": st.fixed_dictionaries({"start_factor": floats_between(0.1, 1.0),
                                           "end_factor": floats_between(0.1, 1.0),
                                           "total_iters": st.integers(1, 8)}),
        "PolynomialLR": st.fixed_dictionaries({"total_iters": st.integers(1, 10),
                                               "power": floats_between(0.5, 2.0)}),
        "CosineAnnealingLR": st.fixed_dictionaries({"T_max": st.integers(25, 40),  # past the end
                                                    "eta_min": floats_between(0.0, 0.01)
                                                    if eta_min is None else st.just(eta_min)}),
        "MultiplicativeLR": st.just({"lr_lambda": halving}),
        "LambdaLR": st.just({"lr_lambda": harmonic}),
        "CosineAnnealingWarmRestarts": st.fixed_dictionaries({"T_0": st.integers(1, 5),
                                                              "T_mult": st.integers(1, 2)}),
        "CyclicLR": st.fixed_dictionaries({"base_lr": st.just(0.01), "max_lr": st.just(0.2),
                                           "step_size_up": st.integers(1, 4)}),
        "OneCycleLR": st.just({"max_lr": 0.5, "total_steps": 40}),
    }
    return st.sampled_from(names).flatmap(
        lambda name: arguments[name].map(lambda chosen: (name, chosen)))


MULTIPLYING = ["StepLR", "MultiStepLR", "ExponentialLR", "ConstantLR", "LinearLR",
               "PolynomialLR", "CosineAnnealingLR", "MultiplicativeLR"]
CYCLING = ["CyclicLR", "OneCycleLR"]
ONE_AFTER_ANOTHER = [*MULTIPLYING[:-1], "LambdaLR", "CosineAnnealingWarmRestarts", *CYCLING]


@st.composite
def sequence_of_schedules(draw: st.DrawFn) -> list[tuple[str, dict[str, Any]]]:
    """One to three schedules for a SequentialLR: one that cycles the momentum at most, and a
    OneCycleLR only first (PyTorch's others then start from its initial lr)."""
    first = draw(schedule(ONE_AFTER_ANOTHER))
    later = [name for name in ONE_AFTER_ANOTHER
             if name != "OneCycleLR" and not (first[0] in CYCLING and name in CYCLING)]
    rest = draw(st.lists(schedule(later), max_size=2))
    if first[0] not in CYCLING and sum(name in CYCLING for name, _ in rest) > 1:
        rest = [rest[0]]
    return [first, *rest]


def make_each(lr_scheduler: Any, optimizer: Any,
              schedules: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    return [getattr(lr_scheduler, name)(optimizer, **arguments) for name, arguments in schedules]


@given(schedules=sequence_of_schedules(), data=st.data(), name=st.sampled_from(["SGD", "Adam"]),
       groups=st.integers(1, 3))
def test_sequential_lr_matches_torch_for_any_schedules_and_milestones(
    schedules: list[tuple[str, dict[str, Any]]], data: st.DataObject, name: str, groups: int
) -> None:
    torch = pytest.importorskip("torch")
    milestones = sorted(data.draw(st.lists(st.integers(0, 20), min_size=len(schedules) - 1,
                                           max_size=len(schedules) - 1)))
    torch_optimizer, optimizer = torch_and_ours(torch, name, groups)
    theirs = torch.optim.lr_scheduler.SequentialLR(
        torch_optimizer, make_each(torch.optim.lr_scheduler, torch_optimizer, schedules),
        milestones)
    ours = SequentialLR(optimizer, make_each(optim.lr_scheduler, optimizer, schedules),
                        milestones)
    for _ in range(25):
        assert_same_lrs_and_momenta(theirs, ours)
        torch_optimizer.step()
        theirs.step()
        ours.step()
        assert ours.last_epoch == theirs.last_epoch


@pytest.mark.filterwarnings("ignore:PolynomialLR. param group")  # added where its lr is 0
@given(schedules=st.lists(schedule(MULTIPLYING, eta_min=0.0), min_size=1,
                         max_size=3),
       added_at=st.one_of(st.none(), st.integers(0, 10)), groups=st.integers(1, 3))
def test_chained_scheduler_matches_torch_for_schedules_that_multiply_and_groups_added_later(
    schedules: list[tuple[str, dict[str, Any]]], added_at: int | None, groups: int
) -> None:
    torch = pytest.importorskip("torch")
    if any(name == "MultiplicativeLR" for name, _ in schedules):
        added_at = None  # PyTorch's fails on an added group
    torch_optimizer, optimizer = torch_and_ours(torch, "SGD", groups)
    theirs = torch.optim.lr_scheduler.ChainedScheduler(
        make_each(torch.optim.lr_scheduler, torch_optimizer, schedules), torch_optimizer)
    ours = ChainedScheduler(make_each(optim.lr_scheduler, optimizer, schedules))
    for epoch in range(20):
        if epoch == added_at:
            torch_optimizer.add_param_group({"params": [torch.zeros(1, requires_grad=True)],
                                             "lr": 0.05})
            add_group(optimizer, lr=0.05)
        assert len(ours.get_last_lr()) == len(theirs.get_last_lr())
        np.testing.assert_allclose(ours.get_last_lr(), theirs.get_last_lr(), rtol=1e-10,
                                   atol=1e-15)
        torch_optimizer.step()
        theirs.step()
        ours.step()


# -- the new schedulers' bad arguments ----------------------------------------------------------


def adagrad() -> optim.Adagrad:
    return optim.Adagrad([tm.tensor([1.0], requires_grad=True)], lr=0.1)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda o: OneCycleLR(o, 1.0, total_steps=0), ValueError,
         "OneCycleLR: total_steps must be a positive int, got 0"),
        (lambda o: OneCycleLR(o, 1.0, total_steps=2.5),  # type: ignore[arg-type]
         ValueError,
         "OneCycleLR: total_steps must be a positive int, got 2.5"),
        (lambda o: OneCycleLR(o, 1.0, total_steps="10"), TypeError,  # type: ignore[arg-type]
         "OneCycleLR: total_steps must be a positive int, got '10'"),
        (lambda o: OneCycleLR(o, 1.0, epochs=3), ValueError,
         "OneCycleLR: give total_steps, or both epochs and steps_per_epoch"),
        (lambda o: OneCycleLR(o, 1.0, epochs=0, steps_per_epoch=3), ValueError,
         "OneCycleLR: epochs must be a positive int, got 0"),
        (lambda o: OneCycleLR(o, 1.0, epochs=2, steps_per_epoch=1.5), ValueError,  # type: ignore[arg-type]
         "OneCycleLR: steps_per_epoch must be a positive int, got 1.5"),
        (lambda o: OneCycleLR(o, 1.0, 10, pct_start=1), ValueError,
         r"OneCycleLR: pct_start must be a float in \[0, 1\], got 1"),
        (lambda o: OneCycleLR(o, 1.0, 10, pct_start=1.5), ValueError,
         r"OneCycleLR: pct_start must be a float in \[0, 1\], got 1.5"),
        (lambda o: OneCycleLR(o, 1.0, 10, pct_start=math.nan), ValueError,
         r"OneCycleLR: pct_start must be a float in \[0, 1\], got nan"),
        (lambda o: OneCycleLR(o, 1.0, 10, anneal_strategy="exp"), ValueError,  # type: ignore[arg-type]
         "OneCycleLR: anneal_strategy must be 'cos' or 'linear', got 'exp'"),
        (lambda o: OneCycleLR(o, [1.0, 2.0], 10), ValueError,
         "OneCycleLR: expected 1 max_lrs, one per param group, but got 2"),
        (lambda o: OneCycleLR(o, -1.0, 10), ValueError,
         "OneCycleLR: max_lr must be non-negative, got -1.0"),
        (lambda o: OneCycleLR(o, 1.0, 10, div_factor=0), ValueError,
         "OneCycleLR: div_factor must be positive, got 0"),
        (lambda o: OneCycleLR(o, 1.0, 10, final_div_factor=-1e4), ValueError,
         "OneCycleLR: final_div_factor must be positive, got -10000.0"),
        (lambda o: OneCycleLR(o, 1.0, 10, three_phase=1), TypeError,  # type: ignore[arg-type]
         "OneCycleLR: three_phase must be True or False, got 1"),
        (lambda o: OneCycleLR(adagrad(), 1.0, 10), ValueError,
         r"OneCycleLR: cycle_momentum=True needs an optimizer with a momentum \(SGD, RMSprop\) "
         r"or betas \(Adam, AdamW, Adamax, NAdam, RAdam\), and Adagrad has neither"),
        (lambda o: OneCycleLR(Adam(o.param_groups[0]["params"]), 1.0, 10, max_momentum=1.0),
         ValueError, r"OneCycleLR: max_momentum must be in \[0, 1\), got 1.0"),
        (lambda o: OneCycleLR(o, 1.0, 10, base_momentum=[0.8, 0.9]), ValueError,
         "OneCycleLR: expected 1 base_momentums, one per param group, but got 2"),
        (lambda o: OneCycleLR(o, 1.0, 10, max_momentum=[-0.1]), ValueError,
         r"OneCycleLR: max_momentum\[0\] must be non-negative, got -0.1"),
        (lambda o: OneCycleLR(o, 1.0, 10, last_epoch=11), ValueError,
         "OneCycleLR: last_epoch=11 is past total_steps=10"),
        (lambda o: OneCycleLR(o.param_groups, 1.0, 10), TypeError,
         "OneCycleLR: optimizer must be an Optimizer, got list"),
        (lambda o: CyclicLR(o, 0.1, 1.0, mode="triangle"), ValueError,  # type: ignore[arg-type]
         "CyclicLR: mode must be 'triangular', 'triangular2' or 'exp_range' (or give a "
         "scale_fn), got 'triangle'".replace("(", r"\(").replace(")", r"\)")),
        (lambda o: CyclicLR(o, 0.1, 1.0, scale_fn=abs, scale_mode="epochs"), ValueError,  # type: ignore[arg-type]
         "CyclicLR: scale_mode must be 'cycle' or 'iterations', got 'epochs'"),
        (lambda o: CyclicLR(o, 0.1, 1.0, scale_fn=0.5), TypeError,  # type: ignore[arg-type]
         "CyclicLR: scale_fn must be a function, got float"),
        (lambda o: CyclicLR(o, 0.1, 1.0, step_size_up=0), ValueError,
         "CyclicLR: step_size_up must be positive, got 0"),
        (lambda o: CyclicLR(o, 0.1, 1.0, step_size_down=-1), ValueError,
         "CyclicLR: step_size_down must be non-negative, got -1"),
        (lambda o: CyclicLR(o, [0.1, 0.2], 1.0), ValueError,
         "CyclicLR: expected 1 base_lrs, one per param group, but got 2"),
        (lambda o: CyclicLR(o, 0.1, -1.0), ValueError,
         "CyclicLR: max_lr must be non-negative, got -1.0"),
        (lambda o: CyclicLR(o, 0.1, 1.0, mode="exp_range", gamma=-0.5), ValueError,
         "CyclicLR: gamma must be non-negative, got -0.5"),
        (lambda o: CyclicLR(adagrad(), 0.1, 1.0), ValueError,
         "CyclicLR: cycle_momentum=True needs an optimizer with a momentum"),
        (lambda o: CyclicLR(o, 0.1, 1.0, cycle_momentum="yes"), TypeError,  # type: ignore[arg-type]
         "CyclicLR: cycle_momentum must be True or False, got 'yes'"),
        (lambda o: SequentialLR(o, [], []), ValueError,
         "SequentialLR: schedulers must hold at least one scheduler, got none"),
        (lambda o: SequentialLR(o, StepLR(o, 2), []), TypeError,  # type: ignore[arg-type]
         "SequentialLR: schedulers must be a list of schedulers, got StepLR"),
        (lambda o: SequentialLR(o, [StepLR(o, 2), 3], [2]), TypeError,  # type: ignore[list-item]
         "SequentialLR: schedulers\\[1\\] must be a learning-rate scheduler, got int"),
        (lambda o: SequentialLR(o, [StepLR(o, 2), ReduceLROnPlateau(o)], [2]), ValueError,  # type: ignore[list-item]
         r"SequentialLR: schedulers\[1\] is a ReduceLROnPlateau, which steps with a metric"),
        (lambda o: SequentialLR(o, [StepLR(o, 2), StepLR(sgd(), 2)], [2]), ValueError,
         r"SequentialLR: schedulers\[1\] \(StepLR\) sets the lrs of another optimizer"),
        (lambda o: SequentialLR(o, [StepLR(o, 2), StepLR(o, 3)], [2, 4]), ValueError,
         "SequentialLR: expected 1 milestones, one fewer than the 2 schedulers, but got 2"),
        (lambda o: SequentialLR(o, [StepLR(o, 2)] * 3, [5, 3]), ValueError,
         r"SequentialLR: milestones must be in increasing order, got \[5, 3\]"),
        (lambda o: SequentialLR(o, [StepLR(o, 2)] * 2, [-1]), ValueError,
         "SequentialLR: a milestone must be an int >= 0, got -1"),
        (lambda o: SequentialLR(o, [StepLR(o, 2)] * 2, 5), TypeError,  # type: ignore[arg-type]
         "SequentialLR: milestones must be a list of epochs, got 5"),
        (lambda o: SequentialLR(None, [StepLR(o, 2)], []), TypeError,  # type: ignore[arg-type]
         "SequentialLR: optimizer must be an Optimizer, got NoneType"),
        (lambda o: ChainedScheduler([]), ValueError,
         "ChainedScheduler: schedulers must hold at least one scheduler, got none"),
        (lambda o: ChainedScheduler([StepLR(o, 2)], optimizer=sgd()), ValueError,
         r"ChainedScheduler: schedulers\[0\] \(StepLR\) sets the lrs of another optimizer"),
        (lambda o: ChainedScheduler([StepLR(o, 2), ReduceLROnPlateau(o)]), ValueError,  # type: ignore[list-item]
         r"ChainedScheduler: schedulers\[1\] is a ReduceLROnPlateau"),
        (lambda o: ChainedScheduler([StepLR(o, 2)], optimizer="SGD"), TypeError,  # type: ignore[arg-type]
         "ChainedScheduler: optimizer must be an Optimizer, got str"),
    ],
)
def test_bad_argument_to_the_per_batch_and_composite_schedulers_raises_naming_it(
    make: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=f"^{message}"):
        make(sgd())


@pytest.mark.parametrize("call", [
    "OneCycleLR(o, 1.0, total_steps=0)", "OneCycleLR(o, 1.0, total_steps=2.5)",
    "OneCycleLR(o, 1.0, epochs=3)", "OneCycleLR(o, 1.0, epochs=2, steps_per_epoch=0.5)",
    "OneCycleLR(o, 1.0, 10, pct_start=1)", "OneCycleLR(o, 1.0, 10, pct_start=-0.1)",
    "OneCycleLR(o, 1.0, 10, anneal_strategy='exp')", "OneCycleLR(o, [1.0, 2.0], 10)",
    "OneCycleLR(Adagrad(p), 1.0, 10)", "CyclicLR(o, 0.1, 1.0, mode='triangle')",
    "CyclicLR(o, [0.1, 0.2], 1.0)", "CyclicLR(o, 0.1, 1.0, base_momentum=[0.8, 0.8])",
    "CyclicLR(Adagrad(p), 0.1, 1.0)", "SequentialLR(o, [], [])",
    "SequentialLR(o, [StepLR(o, 2), StepLR(o, 3)], [2, 4])",
    "SequentialLR(o, [StepLR(o, 2), ReduceLROnPlateau(o)], [2])",
    "ChainedScheduler([StepLR(o, 2)], optimizer=SGD(p, lr=0.1))", "ChainedScheduler([])",
])
def test_arguments_torch_refuses_with_value_error_are_refused_with_value_error(call: str) -> None:
    torch = pytest.importorskip("torch")
    for lib, param in ((torch, torch.zeros(1, requires_grad=True)),
                       (tm, tm.tensor([1.0], requires_grad=True))):
        optimizer = lib.optim.SGD([param], lr=0.1, momentum=0.9)
        names = {**vars(lib.optim.lr_scheduler), "o": optimizer, "p": [param],
                 "SGD": lib.optim.SGD, "Adagrad": lib.optim.Adagrad}
        with pytest.raises(ValueError):
            eval(call, names)


def test_the_per_batch_and_composite_schedulers_are_reachable_as_optim_lr_scheduler() -> None:
    for scheduler in (OneCycleLR, CyclicLR, SequentialLR, ChainedScheduler):
        assert getattr(optim.lr_scheduler, scheduler.__name__) is scheduler


@pytest.mark.parametrize("name", ["Adadelta", "Adamax", "NAdam", "RAdam"])
def test_one_cycle_lr_drives_the_newer_optimizers_and_their_beta1_as_torch_does(
    name: str,
) -> None:
    torch = pytest.importorskip("torch")
    cycle_momentum = name != "Adadelta"  # it has neither momentum nor betas
    paths = []
    for lib in (tm, torch):
        param = lib.tensor(np.array([1.0, -2.0, 0.5]), requires_grad=True)
        optimizer = getattr(lib.optim, name)([param], lr=0.1)
        scheduler = lib.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.5, total_steps=12,
                                                      cycle_momentum=cycle_momentum)
        path = []
        for _ in range(12):
            optimizer.zero_grad()
            ((param - 0.25) * (param - 0.25)).sum().backward()
            optimizer.step()
            scheduler.step()
            group = optimizer.param_groups[0]
            path.append([*param.tolist(), group["lr"], *group.get("betas", ())])
        paths.append(path)
    # torch keeps NAdam's product of momentum factors in float32, hence the looser rtol.
    np.testing.assert_allclose(*paths, rtol=1e-6 if name == "NAdam" else 1e-10)
