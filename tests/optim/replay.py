"""Drive an optimizer with chosen gradients and record where the parameter goes.

Shared by the optimizer tests: the same gradients go to this package's
optimizer, to a closed-form update written out in the test, and (when it is
installed) to ``torch.optim``. The helpers here set the scene and take the
steps; each test file keeps its own update equations and the checks that
belong to its optimizer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

import tinygrad_mlp as tm
from tinygrad_mlp.optim import Optimizer

OptimizerT = TypeVar("OptimizerT", bound=Optimizer)

# A start and four gradients, with mixed signs and zeros, that each optimizer's
# tests replay through every combination of its options.
START = np.array([1.0, -1.0, 0.5])
GRADS = [
    np.array([1.0, -2.0, 0.5]),
    np.array([0.25, 1.0, -1.0]),
    np.array([-0.5, 0.0, 2.0]),
    np.array([3.0, -1.0, 0.0]),
]
# Read-only, so that no test can change them under the tests of another optimizer.
for _shared in (START, *GRADS):
    _shared.flags.writeable = False


def option_id(options: dict[str, Any]) -> str:
    """A pytest id for a dict of optimizer options: ``momentum=0.9,maximize=True``."""
    return ",".join(f"{key}={value}" for key, value in options.items())


def parameter_and_optimizer(
    optimizer_class: Callable[..., OptimizerT], start: Any, **options: Any
) -> tuple[tm.Tensor, OptimizerT]:
    """A parameter holding ``start`` and an ``optimizer_class(options)`` over it alone."""
    param = tm.tensor(start, requires_grad=True)
    return param, optimizer_class([param], **options)


def take_steps(
    param: tm.Tensor, optimizer: Optimizer, grads: Sequence[float | np.ndarray]
) -> None:
    """Step ``optimizer`` once per gradient, set each time as ``param.grad``.

    A plain number stands for the gradient of a one-element parameter, so the
    hand-worked tests can write ``[3.0, 4.0]`` for two steps.
    """
    for grad in grads:
        param.grad = tm.tensor(np.atleast_1d(grad))
        optimizer.step()


def replay(
    make_optimizer: Callable[[list[tm.Tensor]], Optimizer],
    start: np.ndarray,
    grads: Sequence[np.ndarray],
) -> list[np.ndarray]:
    """The parameter after each step, starting at ``start`` and fed ``grads`` one by one."""
    param = tm.tensor(start, requires_grad=True)
    optimizer = make_optimizer([param])
    path = []
    for grad in grads:
        param.grad = tm.tensor(grad)
        optimizer.step()
        path.append(param.data.copy())
    return path


def replay_torch(
    torch: Any, make_optimizer: Callable[[list[Any]], Any], start: np.ndarray,
    grads: Sequence[np.ndarray],
) -> list[np.ndarray]:
    """The same as ``replay``, with a ``torch.optim`` optimizer on a torch tensor."""
    param = torch.tensor(start, requires_grad=True)
    optimizer = make_optimizer([param])
    path = []
    for grad in grads:
        param.grad = torch.tensor(grad)
        optimizer.step()
        path.append(param.detach().numpy().copy())
    return path


def random_start_and_grads(
    seed: int, steps: int, shape: tuple[int, ...] = (3, 4)
) -> tuple[np.ndarray, list[np.ndarray]]:
    """A standard-normal start and ``steps`` standard-normal gradients, all from ``seed``."""
    rng = np.random.default_rng(seed)
    start = rng.standard_normal(shape)
    return start, [rng.standard_normal(shape) for _ in range(steps)]


def steps_in_float32(
    make_optimizer: Callable[[list[tm.Tensor]], OptimizerT], grad_dtype: type
) -> tuple[tm.Tensor, OptimizerT]:
    """A float32 parameter at ``START``, stepped through ``GRADS`` cast to ``grad_dtype``."""
    param = tm.tensor(START, dtype=tm.float32, requires_grad=True)
    optimizer = make_optimizer([param])
    take_steps(param, optimizer, [grad.astype(grad_dtype) for grad in GRADS])
    return param, optimizer


def step_beside_a_parameter_without_gradient(
    make_optimizer: Callable[[list[tm.Tensor]], Optimizer], grad: list[float]
) -> tm.Tensor:
    """Step once over [1, 2] with gradient ``grad`` and [3, 4] with none; return the first.

    Checks that the parameter without a gradient keeps its values, is not
    written to (its version stays 0) and gets no state.
    """
    trained = tm.tensor([1.0, 2.0], requires_grad=True)
    frozen = tm.tensor([3.0, 4.0], requires_grad=True)
    optimizer = make_optimizer([trained, frozen])
    trained.grad = tm.tensor(grad)
    optimizer.step()
    np.testing.assert_array_equal(frozen.data, [3.0, 4.0])
    assert frozen._version == 0
    assert frozen not in optimizer.state
    return trained


def sum_of_squares(param: tm.Tensor, optimizer: Optimizer) -> Callable[[], tm.Tensor]:
    """A closure for ``optimizer.step``: zero the gradients, backward from sum(param²)."""

    def closure() -> tm.Tensor:
        optimizer.zero_grad()
        loss = (param * param).sum()
        loss.backward()
        return loss

    return closure


def minimise_quadratic(optimizer_for: Callable[[list[tm.Tensor]], Optimizer],
                       steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Minimise sum(scale · (w - target)²) from w = 0; return (final w, target)."""
    target = np.array([[1.5, -2.0], [0.5, 3.0]])
    scale = np.array([[1.0, 0.5], [2.0, 0.25]])  # unequal curvatures
    w = tm.zeros(2, 2, requires_grad=True)
    optimizer = optimizer_for([w])
    for _ in range(steps):
        optimizer.zero_grad()
        diff = w - target
        (diff * diff * scale).sum().backward()
        optimizer.step()
    return w.data, target


def two_groups_with_a_schedule(
    lib: Any, optimizer_class: Any, defaults: dict[str, Any], second_group: dict[str, Any],
    steps: int,
) -> list[list[float]]:
    """Minimise a quadratic by closures with two param groups and StepLR, in ``lib``.

    ``lib`` is ``tinygrad_mlp`` or ``torch``, which share the calls used here
    (float64 tensors, from numpy arrays). The optimizer gets ``defaults``; the
    first group takes them all and the second overrides them with
    ``second_group``. Returns, after each step, the closure's loss followed by
    both weights.
    """
    a = lib.tensor(np.array([1.0, -2.0, 0.5]), requires_grad=True)
    b = lib.tensor(np.array([[0.3, -0.7], [1.2, 2.0]]), requires_grad=True)
    target_a = lib.tensor(np.array([0.5, 1.0, -1.0]))
    target_b = lib.tensor(np.array([[1.0, 0.0], [-1.0, 3.0]]))
    optimizer = optimizer_class([{"params": [a]}, {"params": [b], **second_group}], **defaults)
    scheduler = lib.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)

    def closure() -> Any:
        optimizer.zero_grad()
        loss = (((a - target_a) * (a - target_a)).sum()
                + 3.0 * ((b - target_b) * (b - target_b)).sum())
        loss.backward()
        return loss

    path = []
    for _ in range(steps):
        loss = optimizer.step(closure)
        scheduler.step()
        path.append([loss.item(), *a.tolist(), *np.ravel(b.tolist())])
    return path


def train(optimizer: Optimizer, weights: list[tm.Tensor], steps: int) -> None:
    """Take ``steps`` steps downhill on sum((w - 3)²) over all ``weights``."""
    for _ in range(steps):
        optimizer.zero_grad()
        sum(((w - 3.0) * (w - 3.0)).sum() for w in weights).backward()  # type: ignore[union-attr]
        optimizer.step()


def resume_from_a_checkpoint_on_disk(
    optimizer_class: Callable[..., OptimizerT], options: dict[str, Any], directory: Path
) -> tuple[OptimizerT, list[tm.Tensor]]:
    """Train 3 steps, save to disk, load into a fresh optimizer; train both 3 more.

    The fresh optimizer is built with a different lr, so its settings must come
    from the checkpoint. Checks that it holds the original's param group and
    that both end on the same weights, to the bit. Returns the restored
    optimizer and its parameters, for checks on its state.
    """
    original = [tm.tensor([1.0, 2.0], requires_grad=True), tm.tensor([-1.0], requires_grad=True)]
    optimizer = optimizer_class(original, **options)
    train(optimizer, original, 3)
    tm.save({"optimizer": optimizer.state_dict()}, directory / "checkpoint.npz")

    copies = [tm.tensor(w.data, requires_grad=True) for w in original]
    restored = optimizer_class(copies, lr=0.5)
    restored.load_state_dict(tm.load(directory / "checkpoint.npz")["optimizer"])
    assert restored.param_groups[0] == {**optimizer.param_groups[0], "params": copies}
    train(optimizer, original, 3)
    train(restored, copies, 3)
    for w, c in zip(original, copies):
        np.testing.assert_array_equal(w.data, c.data)
    return restored, copies


def replay_with_a_reload(
    make_optimizer: Callable[[list[tm.Tensor]], Optimizer], start: np.ndarray,
    grads: Sequence[np.ndarray], reload_after: int,
) -> list[np.ndarray]:
    """As ``replay``, but after ``reload_after`` steps the run moves to a fresh optimizer.

    The fresh one is made over a copy of the parameter and loads the first's
    ``state_dict``, so the path continues only if everything the update rule
    remembers is saved and restored.
    """
    param = tm.tensor(start, requires_grad=True)
    optimizer = make_optimizer([param])
    path = []
    for index, grad in enumerate(grads):
        if index == reload_after:
            saved = optimizer.state_dict()
            param = tm.tensor(param.data, requires_grad=True)
            optimizer = make_optimizer([param])
            optimizer.load_state_dict(saved)
        param.grad = tm.tensor(grad)
        optimizer.step()
        path.append(param.data.copy())
    return path


def state_names_after_a_step(lib: Any, make_optimizer: Callable[[list[Any]], Any]) -> set[str]:
    """The keys of a parameter's saved state after one step, in ``tinygrad_mlp`` or ``torch``."""
    param = lib.tensor(np.array([1.0, -2.0]), requires_grad=True)
    optimizer = make_optimizer([param])
    param.grad = lib.tensor(np.array([0.5, 0.25]))
    optimizer.step()
    return set(optimizer.state_dict()["state"][0])


def assert_follows_torch(
    name: str, options: dict[str, Any], steps: int = 10, seed: int = 0,
    reload_after: int | None = None,
) -> None:
    """Replay ``steps`` random gradients through ``optim.<name>`` here and in torch; compare.

    With ``reload_after`` our run moves to a fresh optimizer loaded from the
    state dict after that many steps (``replay_with_a_reload``); torch's runs
    straight through.
    """
    import torch  # the caller has skipped without it

    start, grads = random_start_and_grads(seed, steps)

    def ours(params: list[tm.Tensor]) -> Optimizer:
        optimizer: Optimizer = getattr(tm.optim, name)(params, **options)
        return optimizer

    if reload_after is None:
        path = replay(ours, start, grads)
    else:
        path = replay_with_a_reload(ours, start, grads, reload_after)
    with torch_scalars_in_float64(torch):
        theirs = replay_torch(torch, lambda params: getattr(torch.optim, name)(params, **options),
                              start, grads)
    np.testing.assert_allclose(path, theirs, rtol=1e-10, atol=1e-12)


@contextmanager
def torch_scalars_in_float64(torch: Any) -> Iterator[None]:
    """Run torch with float64 as its default dtype, which its optimizers' scalar state follows.

    With float32, NAdam's product of momentum factors is rounded at every
    step, and its path drifts from the float64 one by about 1e-9.
    """
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)
