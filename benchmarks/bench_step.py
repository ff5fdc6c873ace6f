"""Time one training step of tinygrad_mlp against hand-written numpy (and PyTorch if installed).

    python benchmarks/bench_step.py            # all workloads, table of ratios
    python benchmarks/bench_step.py --quick    # fewer repeats, for a smoke test
    python benchmarks/bench_step.py --memory   # also peak RSS over 1,000 784-256-10 steps
    python benchmarks/bench_step.py --processes 5   # the spread over 5 fresh processes

Every workload is a stack of Linear + sigmoid layers trained with the
article's quadratic cost and plain SGD: forward, backward, update. The floor
is the same step written by hand in numpy (Nielsen's BP1-BP4). The
implementations run interleaved in one process with one BLAS thread and the
garbage collector off inside the timers; the table reports the median step
time of each and its ratio to the hand-written step. The "bare engine"
column is the same step through ``bare_engine.py``, a graph engine with none
of the library's features: the floor for any engine that records its graph
in Python. The "bare + API" column puts the smallest PyTorch-shaped API on
that engine (modules called like functions, ``.grad`` as a tensor, an
optimizer object): the floor for any library a PyTorch user could pick up.
Before timing, all implementations take a few steps from the same weights
and must agree, so a fast wrong engine cannot win. Report ratios, not absolute times: the machines
are shared and noisy.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy loads its BLAS
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import bare_engine
import numpy as np

import tinygrad_mlp as tm
from tinygrad_mlp import nn
from tinygrad_mlp.nn import functional as F

Params = list[np.ndarray]


@dataclass(frozen=True)
class Workload:
    """A network shape, a batch size and a dtype."""

    name: str
    sizes: tuple[int, ...]
    batch: int
    rows: int
    dtype: type


WORKLOADS = [
    Workload("4-16-3, full batch of 120, f64", (4, 16, 3), 120, 120, np.float64),
    Workload("4-16-3, batches of 10, f64", (4, 16, 3), 10, 120, np.float64),
    Workload("784-256-10, batches of 128, f32", (784, 256, 10), 128, 1024, np.float32),
    Workload("784-256-10, batches of 128, f64", (784, 256, 10), 128, 1024, np.float64),
    Workload("64 x 8 sigmoid layers, batches of 32, f64", (64,) * 9, 32, 256, np.float64),
]
LR = 0.1


def make_data(w: Workload, seed: int = 0) -> tuple[np.ndarray, np.ndarray, Params]:
    """Inputs, one-hot targets and initial [W1, b1, W2, b2, ...] for a workload."""
    rng = np.random.default_rng(seed)
    x: np.ndarray = rng.standard_normal((w.rows, w.sizes[0])).astype(w.dtype)
    y: np.ndarray = np.eye(w.sizes[-1], dtype=w.dtype)[rng.integers(0, w.sizes[-1], w.rows)]
    params: Params = []
    for n_in, n_out in zip(w.sizes[:-1], w.sizes[1:]):
        params.append((rng.standard_normal((n_out, n_in)) / np.sqrt(n_in)).astype(w.dtype))
        params.append(rng.standard_normal(n_out).astype(w.dtype))
    return x, y, params


# -- the floor: the article's step by hand (BP1-BP4) ------------------------------------


def numpy_step(params: Params, x: np.ndarray, y: np.ndarray) -> None:
    """One SGD step on C = 1/(2n) Σ‖a - y‖², sigmoid on every layer, in place."""
    weights, biases = params[0::2], params[1::2]
    activations = [x]
    for w, b in zip(weights, biases):
        z = activations[-1] @ w.T + b
        activations.append(1.0 / (1.0 + np.exp(-z)))
    a = activations[-1]
    delta = (a - y) * a * (1.0 - a) / len(x)  # BP1, with the 1/n of the mean
    for layer in range(len(weights) - 1, -1, -1):
        grad_w = delta.T @ activations[layer]  # BP4
        grad_b = delta.sum(axis=0)  # BP3
        if layer:
            a_prev = activations[layer]
            delta = (delta @ weights[layer]) * a_prev * (1.0 - a_prev)  # BP2
        weights[layer] -= LR * grad_w
        biases[layer] -= LR * grad_b


# -- tinygrad_mlp ---------------------------------------------------------------------


def engine_model(params: Params) -> tuple[nn.Sequential, tm.optim.SGD]:
    """The same network from modules, starting from ``params`` (copied)."""
    layers: list[nn.Module] = []
    for w in params[0::2]:
        layers += [nn.Linear(w.shape[1], w.shape[0], dtype=w.dtype), nn.Sigmoid()]
    model = nn.Sequential(*layers)
    model.load_state_dict({
        name: value for name, value in zip((n for n, _ in model.named_parameters()), params)
    })
    return model, tm.optim.SGD(model.parameters(), lr=LR)


def engine_step(model: nn.Sequential, optimizer: tm.optim.SGD, x: tm.Tensor, y: tm.Tensor) -> None:
    """The user's training step: forward, loss, zero_grad, backward, step."""
    loss = F.quadratic_cost(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


# -- PyTorch (optional) ------------------------------------------------------------------


def torch_runner(params: Params, x: np.ndarray, y: np.ndarray) -> Callable[[int], None] | None:
    """A step function for PyTorch on the CPU, or None when torch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    layers: list[torch.nn.Module] = []
    for w in params[0::2]:
        layers += [torch.nn.Linear(w.shape[1], w.shape[0]), torch.nn.Sigmoid()]
    dtype = torch.float64 if x.dtype == np.float64 else torch.float32
    model = torch.nn.Sequential(*layers).to(dtype)
    with torch.no_grad():
        for p, value in zip(model.parameters(), params):
            p.copy_(torch.from_numpy(value))
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    xs, ys = torch.from_numpy(x), torch.from_numpy(y)

    def step(batch_start: int) -> None:
        xb, yb = xs[batch_start:batch_start + len(x)], ys[batch_start:batch_start + len(x)]
        loss = 0.5 * ((model(xb) - yb) ** 2).sum() / len(xb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return step


# -- timing ----------------------------------------------------------------------------


def batches(w: Workload) -> list[slice]:
    return [slice(i, i + w.batch) for i in range(0, w.rows - w.batch + 1, w.batch)]


def check_agreement(w: Workload, steps: int = 5) -> float:
    """Largest relative difference between the engine's and numpy's weights after a few steps."""
    x, y, params = make_data(w)
    model, optimizer = engine_model(params)
    bare_step = bare_engine.make_step(params, LR)
    api_step = bare_engine.make_api_step(params, LR)
    xt, yt = tm.Tensor(x), tm.Tensor(y)
    for k in range(steps):
        rows = batches(w)[k % len(batches(w))]
        numpy_step(params, x[rows], y[rows])
        engine_step(model, optimizer, xt[rows].detach(), yt[rows].detach())
        bare_step(x[rows], y[rows])
        api_step(x[rows], y[rows])
    worst = 0.0
    for p, q, r, value in zip(model.parameters(), bare_step.leaves, api_step.leaves, params):
        for got in (p.data, q.data, r.data):
            worst = max(worst, float(np.max(np.abs(got - value)) / (np.max(np.abs(value)) + 1e-30)))
    tolerance = 1e-4 if w.dtype == np.float32 else 1e-10
    if worst > tolerance:
        raise SystemExit(f"{w.name}: the engine and numpy disagree after {steps} steps "
                         f"(relative difference {worst:.2e})")
    return worst


def time_workload(w: Workload, rounds: int, steps: int) -> dict[str, float]:
    """Median seconds per step for each implementation, interleaved round by round."""
    x, y, params = make_data(w)
    numpy_params = [p.copy() for p in params]
    model, optimizer = engine_model(params)
    slices = batches(w)
    engine_batches = [(tm.Tensor(x[s]), tm.Tensor(y[s])) for s in slices]
    numpy_batches = [(x[s], y[s]) for s in slices]
    bare_step = bare_engine.make_step(params, LR)
    api_step = bare_engine.make_api_step(params, LR)
    runners: dict[str, Callable[[int], None]] = {
        "numpy": lambda k: numpy_step(numpy_params, *numpy_batches[k % len(slices)]),
        "tinygrad_mlp": lambda k: engine_step(model, optimizer, *engine_batches[k % len(slices)]),
        "bare engine": lambda k: bare_step(*numpy_batches[k % len(slices)]),
        "bare + API": lambda k: api_step(*numpy_batches[k % len(slices)]),
    }
    torch_step = torch_runner(params, x[slices[0]], y[slices[0]])
    if torch_step is not None:
        runners["pytorch"] = lambda k: torch_step(0)
    samples: dict[str, list[float]] = {name: [] for name in runners}
    for run in runners.values():  # warm up
        for k in range(steps):
            run(k)
    for _ in range(rounds):
        for name, run in runners.items():
            gc.collect()
            gc.disable()
            start = time.perf_counter()
            for k in range(steps):
                run(k)
            samples[name].append((time.perf_counter() - start) / steps)
            gc.enable()
    return {name: statistics.median(values) for name, values in samples.items()}


def article_wall_time(repeats: int) -> dict[str, float]:
    """The article's whole experiment (3000 epochs of 4-3-3 on its split), three ways.

    ``MLPClassifier.fit`` with the article's recipe, the same loop by hand in
    numpy, and the same loop through ``bare_engine.py`` (the floor for any
    engine that records a graph in Python), each from the same weights.
    """
    from tinygrad_mlp.classifier import ARTICLE, MLPClassifier
    from tinygrad_mlp.datasets import load_article_split

    split = load_article_split()
    onehot = np.eye(3)[split.y_train]
    size = ARTICLE.batch_size
    rows = [slice(i, i + size) for i in range(0, len(onehot), size)]
    times: dict[str, list[float]] = {"numpy": [], "bare engine": [], "tinygrad_mlp": []}
    for seed in range(repeats):
        model = MLPClassifier(ARTICLE, seed=seed)
        params = [p.data.copy() for p in model.model.parameters()]
        bare_step = bare_engine.make_step(params, LR)
        start = time.perf_counter()
        for _ in range(ARTICLE.epochs):
            for batch in rows:
                numpy_step(params, split.x_train[batch], onehot[batch])
        times["numpy"].append(time.perf_counter() - start)
        start = time.perf_counter()
        for _ in range(ARTICLE.epochs):
            for batch in rows:
                bare_step(split.x_train[batch], onehot[batch])
        times["bare engine"].append(time.perf_counter() - start)
        start = time.perf_counter()
        model.fit(split.x_train, split.y_train)
        times["tinygrad_mlp"].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def peak_rss_of(implementation: str, steps: int = 1000) -> tuple[float, float]:
    """(peak RSS MiB, RSS growth MiB from step 100 to the end) in a fresh process."""
    code = f"""
import resource, sys
sys.argv = ['x']
sys.path.insert(0, {os.path.dirname(os.path.abspath(__file__))!r})
import bench_step as b
import numpy as np, tinygrad_mlp as tm
w = b.WORKLOADS[2]
x, y, params = b.make_data(w)
def rss():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20
if {implementation!r} == 'numpy':
    run = lambda k: b.numpy_step(params, x[:128], y[:128])
else:
    model, opt = b.engine_model(params)
    xt, yt = tm.Tensor(x[:128]), tm.Tensor(y[:128])
    run = lambda k: b.engine_step(model, opt, xt, yt)
for k in range(100):
    run(k)
early = rss()
for k in range({steps} - 100):
    run(k)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(peak, rss() - early)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    peak, growth = result.stdout.split()
    return float(peak), float(growth)


def measure_ratios(rounds: int, steps: int, article_repeats: int) -> dict[str, dict[str, float]]:
    """Each implementation's median step time over numpy's, per workload, and the article run."""
    ratios: dict[str, dict[str, float]] = {}
    for w in WORKLOADS:
        check_agreement(w)
        times = time_workload(w, rounds, steps if w.sizes[0] < 100 else max(steps // 5, 5))
        ratios[w.name] = {name: t / times["numpy"] for name, t in times.items()}
    article = article_wall_time(article_repeats)
    ratios["the article's experiment"] = {
        name: article[name] / article["numpy"] for name in ("tinygrad_mlp", "bare engine")
    }
    return ratios


def _versions() -> str:
    """Python's and numpy's versions: the ratios on small networks depend on the interpreter."""
    return f"Python {platform.python_version()}, numpy {np.__version__}"


def across_processes(count: int, quick: bool) -> None:
    """Measure in ``count`` fresh processes; print each ratio's median and range."""
    runs = []
    for _ in range(count):
        command = [sys.executable, os.path.abspath(__file__), "--json"] + (["--quick"] * quick)
        runs.append(json.loads(subprocess.run(command, capture_output=True, text=True,
                                              check=True).stdout))
    print(f"{_versions()}; ratios to the numpy step over {count} processes: "
          "median [lowest, highest]\n")
    for workload in runs[0]:
        cells = []
        for name in ("tinygrad_mlp", "bare engine", "bare + API", "pytorch"):
            values = sorted(run[workload][name] for run in runs if name in run[workload])
            if values:
                cells.append(f"{name} {statistics.median(values):.2f}x "
                             f"[{values[0]:.2f}, {values[-1]:.2f}]")
        print(f"{workload:44s} " + "   ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--memory", action="store_true", help="measure peak RSS too")
    parser.add_argument("--processes", type=int, default=1, metavar="N",
                        help="repeat everything in N fresh processes and show the spread")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    rounds, steps = (3, 20) if args.quick else (15, 50)
    if args.processes > 1:
        across_processes(args.processes, args.quick)
        return
    if args.json:
        print(json.dumps(measure_ratios(rounds, steps, 1)))
        return
    print(f"{_versions()}, one BLAS thread; median of {rounds} rounds of {steps} steps\n")
    header = f"{'workload':44s} {'numpy':>10s} {'tinygrad_mlp':>13s} {'ratio':>7s}"
    print(header + f" {'bare engine':>12s} {'bare + API':>11s} {'pytorch':>10s}")
    for w in WORKLOADS:
        check_agreement(w)
        times = time_workload(w, rounds, steps if w.sizes[0] < 100 else max(steps // 5, 5))
        ratio = times["tinygrad_mlp"] / times["numpy"]
        bare = times["bare engine"] / times["numpy"]
        api = times["bare + API"] / times["numpy"]
        torch_ratio = f"{times['pytorch'] / times['numpy']:9.2f}x" if "pytorch" in times else (
            f"{'(absent)':>10s}")
        print(f"{w.name:44s} {times['numpy'] * 1e6:8.1f}µs {times['tinygrad_mlp'] * 1e6:11.1f}µs "
              f"{ratio:6.2f}x {bare:11.2f}x {api:10.2f}x {torch_ratio}")
    article = article_wall_time(1 if args.quick else 3)
    print(f"\nthe article's experiment (3000 epochs of 4-3-3): numpy {article['numpy']:.2f}s, "
          f"tinygrad_mlp {article['tinygrad_mlp']:.2f}s, ratio "
          f"{article['tinygrad_mlp'] / article['numpy']:.2f}x; bare engine "
          f"{article['bare engine'] / article['numpy']:.2f}x")
    if args.memory:
        numpy_peak, numpy_growth = peak_rss_of("numpy")
        engine_peak, engine_growth = peak_rss_of("engine")
        print(f"\npeak RSS over 1,000 784-256-10 f32 steps: numpy {numpy_peak:.0f} MiB, "
              f"tinygrad_mlp {engine_peak:.0f} MiB, ratio {engine_peak / numpy_peak:.2f}x; "
              f"growth after step 100: numpy {numpy_growth:+.1f} MiB, tinygrad_mlp "
              f"{engine_growth:+.1f} MiB")


if __name__ == "__main__":
    main()
