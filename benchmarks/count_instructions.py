"""Instructions per training step, counted by callgrind: a measure that repeats where time does not.

    python benchmarks/count_instructions.py                 # workloads 1 and 4, all implementations
    python benchmarks/count_instructions.py --workloads 0 --impls numpy ours

On a shared machine one step's time moves by 10-15 % from run to run, more
than most changes to the engine make. The number of instructions the CPU
runs does not depend on the load. For each implementation and workload this
script runs the step under ``valgrind --tool=callgrind`` twice, ``--steps``
and twice ``--steps`` steps (each after 50 warm-up steps, with the garbage
collector off), and prints the difference divided by ``--steps``: the
instructions of one step, with start-up and imports left out.

Python's string hashes are random in each process, and they change how dicts
and sets probe, so the script fixes ``PYTHONHASHSEED`` (``--seed``): two runs of
the same code then agree to within a few dozen instructions. A change to the
code still moves where objects land in memory and which dict slots collide,
so differences under about 1 % between two versions of the code are noise;
run two or three seeds to see them.

Instructions are not time: a numpy call on a large array runs many of them
per element, cheaply and in parallel, and a cache miss costs time but no
instructions. The counts say how much Python bookkeeping a step does;
``bench_step.py`` says what it costs in seconds.

Implementations: ``numpy`` (the article's step by hand, ``bench_step.numpy_step``),
``bare`` (``bare_engine.make_step``), ``bare-api`` (``bare_engine.make_api_step``:
the bare engine behind the smallest PyTorch-shaped API) and ``ours``
(``bench_step.engine_step``: modules, quadratic cost, SGD).
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import bare_engine
import bench_step as b
import numpy as np

import tinygrad_mlp as tm

IMPLEMENTATIONS = ("numpy", "bare", "bare-api", "ours")
WARM_UP = 50


def step_function(impl: str, workload: b.Workload) -> Callable[[int], None]:
    """``run(k)``: the k-th step of ``impl`` on ``workload``, cycling through its batches."""
    x, y, params = b.make_data(workload)
    slices = b.batches(workload)
    arrays = [(x[s], y[s]) for s in slices]
    if impl == "numpy":
        copies = [p.copy() for p in params]
        return lambda k: b.numpy_step(copies, *arrays[k % len(arrays)])
    if impl in ("bare", "bare-api"):
        make = bare_engine.make_step if impl == "bare" else bare_engine.make_api_step
        bare = make(params, b.LR)
        return lambda k: bare(*arrays[k % len(arrays)])
    if impl == "ours":
        model, optimizer = b.engine_model(params)
        tensors = [(tm.Tensor(xs), tm.Tensor(ys)) for xs, ys in arrays]
        return lambda k: b.engine_step(model, optimizer, *tensors[k % len(tensors)])
    raise ValueError(f"count_instructions: impl must be one of {IMPLEMENTATIONS}, got {impl!r}")


def run_steps(impl: str, workload: int, steps: int) -> None:
    """What callgrind counts: WARM_UP steps, then ``steps`` more, with no garbage collection."""
    run = step_function(impl, b.WORKLOADS[workload])
    gc.disable()
    try:
        for k in range(WARM_UP + steps):
            run(k)
    finally:
        gc.enable()


def collected(impl: str, workload: int, steps: int, seed: int) -> int:
    """The instructions callgrind counts for a whole process that runs ``steps`` steps."""
    env = dict(os.environ, PYTHONHASHSEED=str(seed), OPENBLAS_NUM_THREADS="1",
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
               sys.executable, str(Path(__file__).resolve()), "--child", impl, str(workload),
               str(steps)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    found = re.search(r"Collected\s*:\s*(\d+)", result.stderr)
    if result.returncode != 0 or found is None:
        raise RuntimeError(f"count_instructions: callgrind failed for {impl} on workload "
                           f"{workload}:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def per_step(impl: str, workload: int, steps: int, seed: int) -> int:
    """Instructions of one step: the difference of two runs, divided by the steps between them."""
    return (collected(impl, workload, 2 * steps, seed) - collected(impl, workload, steps, seed)) \
        // steps


def main(argv: list[str] | None = None) -> None:
    """Print a table of instructions per step, and each implementation's ratio to numpy's."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workloads", type=int, nargs="+", default=[1, 4],
                        help="indices into bench_step.WORKLOADS (default: 1 4)")
    parser.add_argument("--impls", nargs="+", choices=IMPLEMENTATIONS, default=IMPLEMENTATIONS)
    parser.add_argument("--steps", type=int, default=200, help="steps between the two runs")
    parser.add_argument("--seed", type=int, nargs="+", default=[0],
                        help="PYTHONHASHSEED values; one row per seed")
    parser.add_argument("--child", nargs=3, metavar=("IMPL", "WORKLOAD", "STEPS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        impl, workload, steps = args.child
        run_steps(impl, int(workload), int(steps))
        return
    if shutil.which("valgrind") is None:
        sys.exit("count_instructions: needs valgrind; on Debian: apt-get install valgrind "
                 "(as root)")
    print(f"instructions per step (callgrind, {args.steps} and {2 * args.steps} steps after "
          f"{WARM_UP} warm-up steps; numpy {np.__version__}, Python {sys.version.split()[0]})")
    print("| workload | seed | " + " | ".join(args.impls) + " |")
    print("| --- | ---: | " + " | ".join("---:" for _ in args.impls) + " |")
    jobs = [(impl, workload, seed) for workload in args.workloads for seed in args.seed
            for impl in args.impls]
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:  # each job is a process
        found = dict(zip(jobs, pool.map(lambda j: per_step(j[0], j[1], args.steps, j[2]), jobs)))
    for workload in args.workloads:
        for seed in args.seed:
            counts = {impl: found[impl, workload, seed] for impl in args.impls}
            cells = [f"{counts[impl]:,}" + (f" ({counts[impl] / counts['numpy']:.2f}x)"
                                            if "numpy" in counts and impl != "numpy" else "")
                     for impl in args.impls]
            print(f"| {b.WORKLOADS[workload].name} | {seed} | " + " | ".join(cells) + " |",
                  flush=True)


if __name__ == "__main__":
    main()
