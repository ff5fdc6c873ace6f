"""The benchmark's correctness gate: every implementation it times trains the same weights."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

BENCHMARKS = str(Path(__file__).resolve().parents[1] / "benchmarks")

# bench_step sets BLAS thread counts for its own runs; the rest of the suite
# (the CLI's subprocesses, say) keeps the environment it had.
_environment = dict(os.environ)
sys.path.insert(0, BENCHMARKS)
import bench_step  # noqa: E402

sys.path.remove(BENCHMARKS)
os.environ.clear()
os.environ.update(_environment)


@pytest.fixture(autouse=True)
def _scripts_importable(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The benchmark scripts on sys.path during a test only, and no package copies after."""
    monkeypatch.syspath_prepend(BENCHMARKS)
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name.startswith("tinygrad_mlp_at_"):  # compare_revisions' second copy
            del sys.modules[name]


@pytest.mark.parametrize("workload", bench_step.WORKLOADS, ids=lambda w: w.name)
def test_all_implementations_agree_after_a_few_steps(workload: bench_step.Workload) -> None:
    worst = bench_step.check_agreement(workload)
    assert worst < (1e-4 if workload.dtype.__name__ == "float32" else 1e-10)


def test_a_wrong_engine_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    def step_without_update(model: Any, optimizer: Any, x: Any, y: Any) -> None:
        loss = bench_step.F.quadratic_cost(model(x), y)
        optimizer.zero_grad()
        loss.backward()

    monkeypatch.setattr(bench_step, "engine_step", step_without_update)
    with pytest.raises(SystemExit, match="disagree"):
        bench_step.check_agreement(bench_step.WORKLOADS[0])


@pytest.mark.parametrize("maker, workload", [("make_step", 4), ("make_api_step", 1)])
def test_the_bare_engine_matches_numpy_by_itself(maker: str, workload: int) -> None:
    w = bench_step.WORKLOADS[workload]
    x, y, params = bench_step.make_data(w)
    step = getattr(bench_step.bare_engine, maker)(params, bench_step.LR)
    for _ in range(3):
        bench_step.numpy_step(params, x[:w.batch], y[:w.batch])
        step(x[:w.batch], y[:w.batch])
    for leaf, value in zip(step.leaves, params):
        assert abs(leaf.data - value).max() < 1e-12


@pytest.mark.parametrize("with_optimizer", [True, False])
def test_the_overhead_variants_train_the_same_weights(with_optimizer: bool) -> None:
    import overhead

    workload = bench_step.WORKLOADS[1]
    x, y, params = bench_step.make_data(workload)
    model, optimizer = bench_step.engine_model(params)
    weights = list(model.parameters())
    step = overhead.direct_step(weights, bench_step.LR, optimizer if with_optimizer else None)
    for _ in range(3):
        bench_step.numpy_step(params, x[:10], y[:10])
        step(bench_step.tm.Tensor(x[:10]), bench_step.tm.Tensor(y[:10]))
    for weight, value in zip(weights, params):
        assert abs(weight.data - value).max() < 1e-12


@pytest.mark.parametrize("phases", ["library_phases", "bare_api_phases"])
def test_the_phases_overhead_times_make_up_the_step_it_trains(phases: str) -> None:
    import overhead

    workload = bench_step.WORKLOADS[1]
    x, y, params = bench_step.make_data(workload)
    forward, backward, update, weights = getattr(overhead, phases)(workload)
    for _ in range(3):  # the phases in turn train as the whole step does
        bench_step.numpy_step(params, x[:10], y[:10])
        backward(forward())
        update()
    for weight, value in zip(weights, params, strict=True):
        assert abs(weight.data - value).max() < 1e-12


def test_measure_phases_gives_each_phase_a_time_for_both() -> None:
    import overhead

    times = overhead.measure_phases(bench_step.WORKLOADS[1], rounds=1, steps=3)
    assert set(times) == {"library", "bare + API"}
    for by_phase in times.values():
        assert len(by_phase) == len(overhead.PHASES)
        assert all(t > 0 for t in by_phase)


def test_compare_revisions_loads_a_second_copy_that_trains_like_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import compare_revisions

    monkeypatch.setattr(sys, "path", list(sys.path))  # load_revision adds its folder to it
    try:
        other = compare_revisions.load_revision("HEAD", tmp_path)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("needs git and the repository's history")
    assert other.Tensor is not bench_step.tm.Tensor
    packages = {"HEAD": other, "working tree": bench_step.tm}
    compare_revisions.check_agreement(packages, bench_step.WORKLOADS[0])
    times = compare_revisions.compare(packages, bench_step.WORKLOADS[0], rounds=1, steps=2)
    assert set(times) == {"HEAD", "working tree"} and min(times.values()) > 0


@pytest.mark.parametrize("impl", ["numpy", "bare", "bare-api", "ours"])
def test_count_instructions_runs_the_step_of_every_implementation(
    impl: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import count_instructions

    calls: list[int] = []
    step = count_instructions.step_function(impl, bench_step.WORKLOADS[1])
    monkeypatch.setattr(count_instructions, "step_function",
                        lambda *_: lambda k: (calls.append(k), step(k)))
    count_instructions.run_steps(impl, 1, 3)
    assert calls == list(range(count_instructions.WARM_UP + 3))
    assert count_instructions.gc.isenabled()


def test_count_instructions_says_how_to_get_valgrind(monkeypatch: pytest.MonkeyPatch) -> None:
    import count_instructions

    monkeypatch.setattr(count_instructions.shutil, "which", lambda _: None)
    with pytest.raises(SystemExit, match="apt-get install valgrind"):
        count_instructions.main(["--workloads", "1"])
    with pytest.raises(ValueError, match="impl must be one of"):
        count_instructions.step_function("torch", bench_step.WORKLOADS[1])


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="needs valgrind")
def test_count_instructions_counts_a_step_under_callgrind() -> None:
    import count_instructions

    count = count_instructions.per_step("numpy", 1, 2, seed=0)
    assert 50_000 < count < 5_000_000  # the hand-written 4-16-3 step: about 220,000
