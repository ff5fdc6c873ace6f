"""How long ``tm.viz.to_dot`` takes on a graph of 10,000 nodes.

The graph is a deep MLP, Sequential(Linear(4, 4), Sigmoid(), ...) with an MSE
loss, after backward: every op sits in a module cluster, and every parameter
has a dotted name, its 16 values and its 16 gradient values. Prints the
median of a few runs.

    .venv/bin/python benchmarks/viz_to_dot.py
"""

from __future__ import annotations

import re
import statistics
import time

import tinygrad_mlp as tm
from tinygrad_mlp import nn

TARGET_NODES = 10_000
RUNS = 7


def mlp_loss(pairs: int) -> tm.Tensor:
    """The MSE loss of ``pairs`` (Linear(4, 4), Sigmoid) layers on a batch of 8, after backward."""
    tm.manual_seed(0)
    layers: list[nn.Module] = []
    for _ in range(pairs):
        layers += [nn.Linear(4, 4), nn.Sigmoid()]
    loss = nn.MSELoss()(nn.Sequential(*layers)(tm.randn(8, 4)), tm.zeros(8, 4))
    loss.backward()
    return loss


def count_nodes(source: str) -> int:
    return len(re.findall(r"^\s*n\d+ \[", source, flags=re.MULTILINE))


def main() -> None:
    one, two = (count_nodes(tm.viz.to_dot(mlp_loss(pairs))) for pairs in (1, 2))
    per_pair = two - one
    pairs = -(-(TARGET_NODES - (one - per_pair)) // per_pair)  # ceiling division
    loss = mlp_loss(pairs)
    source = tm.viz.to_dot(loss)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        tm.viz.to_dot(loss)
        times.append(time.perf_counter() - start)
    print(f"to_dot: {count_nodes(source):,} nodes ({pairs:,} Linear+Sigmoid pairs), "
          f"{len(source):,} characters of DOT: median {statistics.median(times) * 1000:.0f} ms "
          f"over {RUNS} runs (min {min(times) * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
