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
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable

import bare_engine
import bench_step as b

import tinygrad_mlp as tm
from tinygrad_mlp import ops


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


if __name__ == "__main__":
    main()
