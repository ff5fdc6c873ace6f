"""Where tinygrad_mlp's time over the bare engine goes: take the library's layers away in turn.

    python benchmarks/overhead.py

For the 4-16-3 network (batches of 10) and the 64 x 8 stack it times, interleaved
like ``bench_step.py``, the same SGD step five ways:

1. the user's step: ``nn.Sequential``, ``F.quadratic_cost``, ``optim.SGD``;
2. the same ops called directly (``ops.Linear.apply`` ...), no modules;
3. also no optimizer object: ``p.data -= lr * p.grad.data`` by hand;
4. ``bare_engine.py``: a graph engine with none of the library's features;
5. hand-written numpy.

The differences between neighbours are the cost of modules, of the optimizer,
and of the engine's own features (recording and running nodes), and the
script prints them per module call, per parameter and per op.

It then splits the user's step into its phases, for the library and for
the bare engine behind the same API (``bare_engine.make_api_step``): the
forward pass with the loss, ``zero_grad`` with ``backward``, and the
optimizer's step, and the freeing of the graph when the step lets go of the
loss. Each phase is timed with a clock reading on either side, step by step,
and the median over the rounds is printed.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from typing import Any, NamedTuple

import bare_engine
import bench_step as b

import tinygrad_mlp as tm
from tinygrad_mlp import ops
from tinygrad_mlp.nn import functional as F


def direct_step(params: list[tm.Tensor], lr: float, optimizer: tm.optim.SGD | None) -> Callable[
        [tm.Tensor, tm.Tensor], None]:
    """The benchmark's step with the ops called directly, optionally without the optimizer."""
    def step(x: tm.Tensor, y: tm.Tensor) -> None:
        h = x
        for w, bias in zip(params[0::2], params[1::2]):
            h = ops.Sigmoid.apply(ops.Linear.apply(h, w, bias))
        loss = ops.SquaredError.apply(h, y, scale=0.5 / len(x))
        for p in params:
            p.grad = None
        loss.backward()
        if optimizer is not None:
            optimizer.step()
            return
        with tm.no_grad():
            for p in params:
                assert p.grad is not None
                p.data -= lr * p.grad.data
    return step


def measure(w: b.Workload, rounds: int = 15) -> dict[str, float]:
    """Median µs per step of each variant, interleaved round by round."""
    x, y, params = b.make_data(w)
    rows = slice(0, w.batch)
    xs, ys = x[rows], y[rows]
    xt, yt = tm.Tensor(xs), tm.Tensor(ys)
    model, optimizer = b.engine_model(params)
    second_model, second_optimizer = b.engine_model(params)
    with_optimizer = direct_step(list(second_model.parameters()), b.LR, second_optimizer)
    by_hand = direct_step([tm.Tensor(p.copy(), requires_grad=True) for p in params], b.LR, None)
    bare = bare_engine.make_step(params, b.LR)
    numpy_params = [p.copy() for p in params]
    variants: dict[str, Callable[[], None]] = {
        "library": lambda: b.engine_step(model, optimizer, xt, yt),
        "no modules": lambda: with_optimizer(xt, yt),
        "no modules, no optimizer": lambda: by_hand(xt, yt),
        "bare engine": lambda: bare(xs, ys),
        "numpy": lambda: b.numpy_step(numpy_params, xs, ys),
    }
    steps = 200
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for run in variants.values():
        for _ in range(steps):
            run()
    for _ in range(rounds):
        for name, run in variants.items():
            gc.collect()
            gc.disable()
            start = time.perf_counter()
            for _ in range(steps):
                run()
            samples[name].append((time.perf_counter() - start) / steps * 1e6)
            gc.enable()
    return {name: statistics.median(values) for name, values in samples.items()}


PHASES = ("forward and loss", "zero_grad and backward", "optimizer step", "freeing the graph")


class Phases(NamedTuple):
    """A user's step on the workload's first batch, cut into its phases."""

    forward: Callable[[], Any]  # the loss
    backward: Callable[[Any], None]  # zero_grad, then backward from the loss
    update: Callable[[], None]  # the optimizer's step
    parameters: list[Any]  # what the step trains


def library_phases(w: b.Workload) -> Phases:
    """The user's step with tinygrad_mlp."""
    x, y, params = b.make_data(w)
    model, optimizer = b.engine_model(params)
    xt, yt = tm.Tensor(x[:w.batch]), tm.Tensor(y[:w.batch])

    def backward(loss: tm.Tensor) -> None:
        optimizer.zero_grad()
        loss.backward()

    return Phases(lambda: F.quadratic_cost(model(xt), yt), backward, optimizer.step,
                  list(model.parameters()))


def bare_api_phases(w: b.Workload) -> Phases:
    """The same step on the bare engine behind the API."""
    x, y, params = b.make_data(w)
    step = bare_engine.make_api_step(params, b.LR)
    xs, ys = x[:w.batch], y[:w.batch]
    return Phases(lambda: step.forward(xs, ys), step.backward, step.update, step.leaves)


def measure_phases(w: b.Workload, rounds: int = 15, steps: int = 200) -> dict[str, list[float]]:
    """Median µs per step of each of ``PHASES``, for "library" and "bare + API", interleaved.

    A clock reading between phases costs under a tenth of a µs. The graph is
    freed when the step lets go of the loss, which the last phase times.
    """
    makers = {"library": library_phases, "bare + API": bare_api_phases}
    phases = {name: make(w) for name, make in makers.items()}
    samples: dict[str, list[list[float]]] = {name: [[], [], [], []] for name in makers}
    clock = time.perf_counter
    for round_number in range(rounds + 1):  # the first round warms up
        for name, (forward, backward, update, _) in phases.items():
            totals = [0.0] * 4
            gc.collect()
            gc.disable()
            for _ in range(steps):
                start = clock()
                loss = forward()
                after_forward = clock()
                backward(loss)
                after_backward = clock()
                update()
                after_update = clock()
                del loss
                end = clock()
                totals[0] += after_forward - start
                totals[1] += after_backward - after_forward
                totals[2] += after_update - after_backward
                totals[3] += end - after_update
            gc.enable()
            if round_number:
                for phase, total in enumerate(totals):
                    samples[name][phase].append(total / steps * 1e6)
    return {name: [statistics.median(phase) for phase in by_phase]
            for name, by_phase in samples.items()}


def main() -> None:
    for w in (b.WORKLOADS[1], b.WORKLOADS[4]):
        layers = len(w.sizes) - 1
        t = measure(w)
        print(f"{w.name}: {layers} linear + {layers} sigmoid ops, {2 * layers} parameters")
        for name, value in t.items():
            print(f"  {name:26s} {value:8.1f} µs  {value / t['numpy']:5.2f}x numpy")
        ops_count, modules, parameters = 2 * layers + 1, 2 * layers + 1, 2 * layers
        print(f"  modules (and the loss function): "
              f"{(t['library'] - t['no modules']) / modules:.2f} µs per module call")
        print(f"  optimizer object: "
              f"{(t['no modules'] - t['no modules, no optimizer']) / parameters:.2f} µs "
              "per parameter")
        print(f"  engine features over the bare engine: "
              f"{(t['no modules, no optimizer'] - t['bare engine']) / ops_count:.2f} µs per op "
              "(record and backward)\n")
        phases = measure_phases(w)
        print(f"  {'phase':26s} {'library':>10s} {'bare + API':>12s}")
        for phase, ours, bare in zip(PHASES, phases["library"], phases["bare + API"]):
            print(f"  {phase:26s} {ours:7.1f} µs {bare:9.1f} µs")
        print()


if __name__ == "__main__":
    main()
