"""Is a change faster? Time the working tree's engine against a git revision's, in one process.

    python benchmarks/compare_revisions.py HEAD~1           # the three small workloads
    python benchmarks/compare_revisions.py main --workloads 0 1 2 3 4
    python benchmarks/compare_revisions.py HEAD --null      # the harness's own noise

``bench_step.py`` compares with hand-written numpy, and its ratios move by a
few percent from one process to the next (where the allocator puts things
changes the cache behaviour), which hides the 1-3% a small engine change
makes. This script loads the package as it is at REV (``git archive``, under
another name) next to the working tree's, builds four models with each, and
times them interleaved, round by round, in one process: each round's step
time is the mean over the four instances, and the result is the median over
rounds. ``--null`` times the revision against itself, so the printed change
is the noise floor to read the real comparison against (under 1% here).
Both engines must train the same weights as the hand-written numpy step
before anything is timed.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import io
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import bench_step as b
import numpy as np

import tinygrad_mlp

REPO = Path(__file__).resolve().parent.parent
INSTANCES = 4


def load_revision(revision: str, into: Path) -> ModuleType:
    """Import the package as it is at ``revision``, renamed so it can sit beside the current one."""
    name = "tinygrad_mlp_at_" + re.sub(r"\W", "_", revision)
    archive = subprocess.run(["git", "archive", revision, "tinygrad_mlp"], cwd=REPO,
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4
            tar.extractall(into, filter="data")
        else:
            tar.extractall(into)  # our own repository's files
    (into / "tinygrad_mlp").rename(into / name)
    for path in (into / name).rglob("*.py"):  # its own imports must find the renamed copy
        path.write_text(re.sub(r"\btinygrad_mlp\b", name, path.read_text()))
    sys.path.insert(0, str(into))
    return importlib.import_module(name)


def make_step(package: ModuleType, params: b.Params) -> tuple[Callable[[object, object], None],
                                                               list[Any]]:
    """bench_step's training step (modules, quadratic cost, SGD) built with ``package``."""
    nn = package.nn
    layers = []
    for w in params[0::2]:
        layers += [nn.Linear(w.shape[1], w.shape[0], dtype=w.dtype), nn.Sigmoid()]
    model = nn.Sequential(*layers)
    model.load_state_dict({name: value.copy() for (name, _), value
                           in zip(model.named_parameters(), params)})
    optimizer = package.optim.SGD(model.parameters(), lr=b.LR)
    cost = package.nn.functional.quadratic_cost

    def step(x: object, y: object) -> None:
        loss = cost(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return step, list(model.parameters())


def check_agreement(packages: dict[str, ModuleType], w: b.Workload) -> None:
    """Both engines must reach the hand-written step's weights after a few steps."""
    x, y, params = b.make_data(w)
    reference = [p.copy() for p in params]
    steps = {label: make_step(package, params) for label, package in packages.items()}
    for k in range(3):
        rows = b.batches(w)[k % len(b.batches(w))]
        b.numpy_step(reference, x[rows], y[rows])
        for label, (step, _) in steps.items():
            package = packages[label]
            step(package.Tensor(x[rows]), package.Tensor(y[rows]))
    tolerance = 1e-4 if w.dtype == np.float32 else 1e-10
    for label, (_, weights) in steps.items():
        for weight, value in zip(weights, reference):
            if np.max(np.abs(weight.data - value)) > tolerance * (np.max(np.abs(value)) + 1):
                raise SystemExit(f"{w.name}: {label} does not train the numpy step's weights")


def _cycling(step: Callable[[object, object], None], data: list[tuple[object, object]]
             ) -> Callable[[int], None]:
    """``run(k)``: the k-th step, on the batches in turn."""
    def run(k: int) -> None:
        step(*data[k % len(data)])
    return run


def compare(packages: dict[str, ModuleType], w: b.Workload, rounds: int, steps: int
            ) -> dict[str, float]:
    """Median over rounds of each engine's mean step time (over its instances), in seconds."""
    x, y, params = b.make_data(w)
    slices = b.batches(w)
    runners: list[tuple[str, Callable[[int], None]]] = []
    for _ in range(INSTANCES):  # alternate, so neither engine gets the same memory layout
        for label, package in packages.items():
            step, _ = make_step(package, params)
            data = [(package.Tensor(x[s]), package.Tensor(y[s])) for s in slices]
            runners.append((label, _cycling(step, data)))
    samples: dict[str, list[float]] = {label: [] for label in packages}
    for round_ in range(rounds + 1):  # the first round warms up
        totals = dict.fromkeys(packages, 0.0)
        for label, run in runners:
            gc.collect()
            gc.disable()
            start = time.perf_counter()
            for k in range(steps):
                run(k)
            totals[label] += (time.perf_counter() - start) / steps / INSTANCES
            gc.enable()
        if round_:
            for label, total in totals.items():
                samples[label].append(total)
    return {label: statistics.median(values) for label, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revision", help="the git revision to compare the working tree with")
    parser.add_argument("--workloads", type=int, nargs="+", default=[0, 1, 4],
                        help="indices into bench_step.WORKLOADS (default: 0 1 4)")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--null", action="store_true",
                        help="compare the revision with itself: the noise floor")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        before = load_revision(args.revision, Path(tmp))
        packages = ({args.revision: before, f"{args.revision} again": before} if args.null
                    else {args.revision: before, "working tree": tinygrad_mlp})
        print(f"mean step time over {INSTANCES} instances each, median of {args.rounds} rounds\n")
        for index in args.workloads:
            w = b.WORKLOADS[index]
            check_agreement(packages, w)
            times = compare(packages, w, args.rounds, 200 if w.sizes[0] < 100 else 5)
            (first, t_first), (second, t_second) = times.items()
            print(f"{w.name:44s} {first} {t_first * 1e6:8.1f} µs   {second} "
                  f"{t_second * 1e6:8.1f} µs   change {100 * (t_second / t_first - 1):+.1f}%")


if __name__ == "__main__":
    main()
