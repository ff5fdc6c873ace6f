"""The floor for any graph engine in Python: the benchmark's step through a bare one.

``bench_step.py`` compares tinygrad_mlp with hand-written numpy, which does no
bookkeeping at all. This file measures how much of the difference *any*
reverse-mode engine that records a graph in Python has to pay: the same
network (linear + sigmoid layers, quadratic cost, SGD) through the smallest
engine that still records nodes as the code runs and walks them back, newest
first. It has the same numpy calls as tinygrad_mlp's rules, and none of the
library's features: no modules, no optimizer object, no checks of shapes or
dtypes, no in-place detection, hooks, graph release, grad mode, anomaly mode
or higher-order gradients. Not a library: only a yardstick.

``make_api_step`` puts the smallest PyTorch-shaped API on top (modules called
like functions, ``.grad`` as a tensor, an optimizer object), so what the shape
of the API costs can be told apart from what the library's features cost.
"""

from __future__ import annotations

import heapq
import itertools
from typing import Any

import numpy as np

Array = np.ndarray
_sequence = itertools.count()


class Value:
    """An array with an optional node that made it, and a gradient."""

    def __init__(self, data: Array, node: Node | None = None, requires_grad: bool = False):
        self.data, self.node, self.requires_grad = data, node, requires_grad
        self.grad: Any = None  # an array; a Value behind make_api_step's API


class Node:
    """One recorded op: edges to its inputs' nodes (or leaves) and a backward rule."""

    def __init__(self, *inputs: Value) -> None:
        self.parents = [v.node if v.node is not None else v if v.requires_grad else None
                        for v in inputs]
        self.number = next(_sequence)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        raise NotImplementedError


class Linear(Node):
    def forward(self, x: Value, w: Value, b: Value) -> Array:
        self.x, self.w, self.needs_x = x.data, w.data, x.requires_grad or x.node is not None
        return x.data @ w.data.T + b.data

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (g @ self.w if self.needs_x else None), g.T @ self.x, np.add.reduce(g, 0)


class Sigmoid(Node):
    def forward(self, a: Value) -> Array:  # as tinygrad_mlp's Sigmoid, for float32 and float64
        if a.data.size < 4096:
            out = np.minimum(a.data, 88.0 if a.data.dtype == np.float32 else 709.0)
            self.y = np.divide(np.exp(out, out=out), np.add(out, 1.0), out=out)
        else:
            out = np.negative(a.data)
            with np.errstate(over="ignore"):
                np.exp(out, out=out)
            self.y = np.divide(1.0, np.add(out, 1.0, out=out), out=out)
        return self.y

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (g * self.y * (1.0 - self.y),)


class QuadraticCost(Node):
    def forward(self, a: Value, t: Value) -> Array:
        self.diff, self.scale = a.data - t.data, 0.5 / len(a.data)
        return np.asarray(self.scale * np.vdot(self.diff, self.diff), dtype=self.diff.dtype)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return self.diff * (2.0 * self.scale * float(g)), None


def record(op: type[Node], *inputs: Value) -> Value:
    """Run ``op`` forward and keep its node."""
    node = op(*inputs)
    return Value(node.forward(*inputs), node)  # type: ignore[attr-defined]


def backward(loss: Value) -> None:
    """Give every leaf its gradient: nodes newest first, gradients summed per node."""
    assert loss.node is not None
    pending: dict[Any, Array] = {loss.node: np.array(1.0, loss.data.dtype)}
    queue = [(-loss.node.number, loss.node)]
    while queue:
        node = heapq.heappop(queue)[1]
        for parent, grad in zip(node.parents, node.backward(pending.pop(node))):
            if parent is None or grad is None:
                continue
            if parent in pending:
                pending[parent] = pending[parent] + grad
            elif isinstance(parent, Node):
                pending[parent] = grad
                heapq.heappush(queue, (-parent.number, parent))
            else:
                pending[parent] = grad
    for leaf, grad in pending.items():
        leaf.grad = grad if leaf.grad is None else leaf.grad + grad


def make_step(params: list[Array], lr: float) -> Any:
    """A step function ``step(x, y)`` training copies of ``params`` [W1, b1, W2, b2, ...]."""
    leaves = [Value(p.copy(), requires_grad=True) for p in params]

    def step(x: Array, y: Array) -> None:
        h = Value(x)
        for w, b in zip(leaves[0::2], leaves[1::2]):
            h = record(Sigmoid, record(Linear, h, w, b))
        loss = record(QuadraticCost, h, Value(y))
        for p in leaves:
            p.grad = None
        backward(loss)
        for p in leaves:
            assert p.grad is not None
            p.data -= lr * p.grad

    step.leaves = leaves  # type: ignore[attr-defined]
    return step


# -- the smallest PyTorch-shaped API on top ----------------------------------------------
# What a user's step needs from a library, and nothing more: modules called like
# functions, parameters() to hand to an optimizer, .grad as a tensor, and an
# optimizer object with zero_grad() and step(). The difference between this and
# make_step is what the API's shape costs; the difference between tinygrad_mlp and
# this is what the library's features (checks, hooks, in-place detection, module
# scopes for graph drawings, grad mode ...) cost.


class Module:
    """Called like a function: runs ``forward``."""

    def __call__(self, x: Value) -> Value:
        return self.forward(x)

    def forward(self, x: Value) -> Value:
        raise NotImplementedError


class LinearModule(Module):
    """y = x Wᵀ + b, with its own parameters."""

    def __init__(self, weight: Array, bias: Array) -> None:
        self.weight = Value(weight.copy(), requires_grad=True)
        self.bias = Value(bias.copy(), requires_grad=True)

    def forward(self, x: Value) -> Value:
        return record(Linear, x, self.weight, self.bias)


class SigmoidModule(Module):
    """σ(x), elementwise."""

    def forward(self, x: Value) -> Value:
        return record(Sigmoid, x)


class SequentialModule(Module):
    """Its modules, one after the other."""

    def __init__(self, *modules: Module) -> None:
        self.modules = modules

    def forward(self, x: Value) -> Value:
        for module in self.modules:
            x = module(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for m in self.modules if isinstance(m, LinearModule) for p in (m.weight, m.bias)]


class SGD:
    """p -= lr · p.grad for each parameter that has one."""

    def __init__(self, params: list[Value], lr: float) -> None:
        self.params, self.lr = params, lr

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        for p in self.params:
            if p.grad is not None:
                p.data -= self.lr * p.grad.data


def make_api_step(params: list[Array], lr: float) -> Any:
    """``make_step``'s step written as a PyTorch user writes it, on the bare engine.

    The step's three phases are also its attributes, for ``overhead.py``:
    ``step.forward(x, y)`` returns the loss, ``step.backward(loss)`` clears
    the gradients and computes new ones, ``step.update()`` is the optimizer's step.
    """
    layers: list[Module] = []
    for w, b in zip(params[0::2], params[1::2]):
        layers += [LinearModule(w, b), SigmoidModule()]
    model = SequentialModule(*layers)
    optimizer = SGD(model.parameters(), lr)

    def forward(x: Array, y: Array) -> Value:
        return record(QuadraticCost, model(Value(x)), Value(y))

    def backward_phase(loss: Value) -> None:
        optimizer.zero_grad()
        backward(loss)
        for p in optimizer.params:  # .grad as a tensor, as the user sees it
            p.grad = Value(p.grad)

    def step(x: Array, y: Array) -> None:  # the phases inline: no calls the user would not make
        loss = record(QuadraticCost, model(Value(x)), Value(y))
        optimizer.zero_grad()
        backward(loss)
        for p in optimizer.params:
            p.grad = Value(p.grad)
        optimizer.step()

    step.leaves = optimizer.params  # type: ignore[attr-defined]
    step.forward, step.backward, step.update = (  # type: ignore[attr-defined]
        forward, backward_phase, optimizer.step)
    return step
