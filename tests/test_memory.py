"""Scale and memory: wide graphs, freed saved arrays, no reference cycles, no growth in training.

The deep case, backward through a chain of 100,000 ops, is
``test_a_chain_of_100000_ops_backpropagates_without_recursion_error`` in
``test_autograd.py``; here the 100,000 ops fan out from one leaf instead.
Memory is measured with ``tracemalloc`` (numpy reports its array buffers to
it) and with weak references, which die exactly when the last strong
reference goes.
"""

from __future__ import annotations

import gc
import tracemalloc
import weakref
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import tinygrad_mlp as tm
from tinygrad_mlp import nn, optim
from tinygrad_mlp.nn import functional as F

# Big enough that one array stands out from the interpreter's own noise.
ELEMENTS = 250_000  # 2 MB of float64
ARRAY_BYTES = ELEMENTS * 8
# What tracemalloc may see besides the arrays (interpreter caches, free lists).
SLACK = 256 * 1024


@pytest.fixture
def traced() -> Iterator[None]:
    """Trace allocations for one test (and stop even if it fails)."""
    gc.collect()
    tracemalloc.start()
    try:
        yield
    finally:
        tracemalloc.stop()


def current() -> int:
    """Bytes allocated since tracing started that are still alive."""
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def still_alive(refs: list[weakref.ref[Any]]) -> list[int]:
    """The positions of the weak references whose object still exists."""
    return [position for position, ref in enumerate(refs) if ref() is not None]


def graph_nodes(root: tm.Tensor) -> list[tm.Function]:
    """Every node of the graph that made ``root``."""
    seen: dict[int, tm.Function] = {}
    stack = [root.grad_fn]
    while stack:
        fn = stack.pop()
        if fn is None or id(fn) in seen:
            continue
        seen[id(fn)] = fn
        stack.extend(p for p in fn.parents if isinstance(p, tm.Function))
    return list(seen.values())


def test_backward_through_100000_ops_that_all_reuse_one_leaf_sums_every_path() -> None:
    x = tm.tensor(1.0, requires_grad=True)
    c = tm.tensor(0.5)
    y = x
    for _ in range(50_000):  # two ops per step: 100,000 nodes, x read by 50,001 of them
        y = y + x * c
    y.backward()
    assert x.grad is not None and x.grad.item() == 1.0 + 50_000 * 0.5


def _deep_loss(x: tm.Tensor, depth: int) -> tuple[tm.Tensor, list[weakref.ref[np.ndarray]]]:
    """A chain of ops that save their inputs or outputs, and weak refs to every intermediate."""
    intermediates = []
    h = x
    for _ in range(depth):
        h = (h * 0.9).tanh()  # tanh saves its output, which the next mul saves as its input
        intermediates.append(weakref.ref(h.data))
    return h.sum(), intermediates


def test_backward_frees_every_saved_array_and_memory_falls_back_to_the_leaf_and_its_grad(
    traced: None,
) -> None:
    baseline = current()
    x = tm.tensor(np.linspace(-1.0, 1.0, ELEMENTS), requires_grad=True)
    with_leaf = current()
    assert with_leaf - baseline >= ARRAY_BYTES

    loss, intermediates = _deep_loss(x, depth=10)
    with_graph = current()
    assert with_graph - with_leaf >= 10 * ARRAY_BYTES  # tanh's outputs, saved for backward

    loss.backward()
    assert still_alive(intermediates) == []  # every saved array is gone
    after_backward = current()
    assert after_backward - with_leaf <= ARRAY_BYTES + SLACK  # what is left: x.grad

    del loss  # the graph's structure (a few small objects per node) goes too
    assert current() <= after_backward
    del x
    assert current() - baseline <= SLACK


def test_after_backward_an_mlp_step_holds_only_its_gradients_until_the_loss_is_dropped(
    traced: None,
) -> None:
    rows = ELEMENTS // 10  # each activation: 2 MB
    x, y = tm.randn(rows, 10), tm.rand(rows, 10)
    model = nn.Sequential(nn.Linear(10, 10), nn.Sigmoid(), nn.Linear(10, 10), nn.Sigmoid())
    before = current()
    loss = F.quadratic_cost(model(x), y)
    assert current() - before >= 2 * ARRAY_BYTES  # both sigmoids' outputs, saved for backward
    loss.backward()
    assert current() - before <= SLACK  # the parameters' small .grad, and the graph's structure


def test_retain_graph_keeps_the_saved_arrays_until_the_output_is_dropped(traced: None) -> None:
    baseline = current()
    x = tm.tensor(np.linspace(-1.0, 1.0, ELEMENTS), requires_grad=True)
    loss, intermediates = _deep_loss(x, depth=5)
    loss.backward(retain_graph=True)
    assert still_alive(intermediates) == list(range(5))
    del loss
    assert still_alive(intermediates) == []
    del x
    assert current() - baseline <= SLACK


@pytest.mark.parametrize("ran_backward", [False, True], ids=["never_run", "after_backward"])
def test_dropping_the_loss_frees_every_node_of_an_mlp_graph_without_the_garbage_collector(
    ran_backward: bool,
) -> None:
    tm.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
    x, labels = tm.randn(5, 4), tm.tensor([0, 1, 2, 1, 0])
    gc.collect()
    gc.disable()
    try:
        hidden = model[1](model[0](x))
        hidden.retain_grad()  # kept through a weak reference, so it adds no cycle
        loss = F.cross_entropy(model[2](hidden), labels) + F.mse_loss(hidden, tm.zeros(5, 8))
        if ran_backward:
            loss.backward(retain_graph=True)
        nodes = [weakref.ref(fn) for fn in graph_nodes(loss)]
        tensors = [weakref.ref(hidden), weakref.ref(loss)]
        assert len(nodes) >= 8
        del hidden, loss
        assert still_alive(nodes) == [] and still_alive(tensors) == []
    finally:
        gc.enable()
    assert all(p.requires_grad for p in model.parameters())  # the model itself lives on


def _live(kind: type) -> int:
    gc.collect()
    # type(), not isinstance(): isinstance reads __class__, which some lazy
    # module proxies (torch's, when other tests imported it) answer with a warning.
    return sum(issubclass(type(obj), kind) for obj in gc.get_objects())


def test_10000_training_steps_hold_no_more_memory_or_tensors_than_1000() -> None:
    tm.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
    optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    x, labels = tm.randn(16, 4), tm.tensor(np.arange(16) % 3)

    def step() -> float:
        loss = F.cross_entropy(model(x), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(1_000):
        loss_at_1000 = step()
    tensors, nodes = _live(tm.Tensor), _live(tm.Function)
    gc.collect()
    tracemalloc.start()
    try:
        for _ in range(9_000):
            loss_at_10000 = step()
        grown = current()
    finally:
        tracemalloc.stop()
    # About 30 KB: the interpreter's free lists of small tuples and floats fill
    # up over the first steps traced and then stay. A leak of even one small
    # object per step would be 9,000 objects, several hundred KB.
    assert grown <= 128 * 1024, f"{grown} bytes more alive after step 10,000 than after 1,000"
    assert (_live(tm.Tensor), _live(tm.Function)) == (tensors, nodes)
    assert loss_at_10000 < loss_at_1000  # it kept training all along
