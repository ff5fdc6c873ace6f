"""A stateful property test of the engine: random graphs, checked against numpy after every step.

The machine grows a random graph: new leaves (some requiring grad, some not),
ops applied to random existing nodes (the same node may be both operands, and
any node may be reused many times), ``detach``, and ops run under ``no_grad``
or ``enable_grad``. It runs ``backward`` from random nodes, with or without
``retain_graph``, and ``zero_grad``. After every step every leaf's ``.grad`` is
compared with a reference kept on the side:

* each node remembers how to recompute its value from the leaves in plain
  numpy, with detached and no-grad nodes frozen as constants;
* the gradient of each backward is the complex-step derivative of that
  recomputation, d/dx f(x) = Im f(x + ih) / h, which for these analytic ops is
  exact to rounding (no finite-difference truncation error);
* gradients add up across backward calls until ``zero_grad``, as in PyTorch;
* a backward through part of the graph that an earlier backward freed must
  raise and leave every ``.grad`` as it was.

Shapes stay small and broadcastable to (2, 3), values bounded, float64 only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)

import tinygrad_mlp as tm
from tests.strategies import arrays

# Every shape broadcasts to (2, 3), so any two nodes can be combined.
SHAPES = [(2, 3), (3,), (), (2, 1), (1, 3)]
# The fixed matrix that "matmul" multiplies by (on the right).
MATRIX = np.random.default_rng(0).uniform(-1.0, 1.0, (3, 3))
# Nodes whose values leave [-BOUND, BOUND] are not kept, so exp stays finite.
BOUND = 50.0
# The complex step: small enough that h² vanishes next to h in float64.
STEP = 1e-30

Env = dict[int, Any]  # id(leaf node) -> its (possibly complex-perturbed) value


# ----------------------------------------------------------- the reference


@dataclass(eq=False)
class Node:
    """A tensor of the graph with a plain-numpy recipe for its value."""

    tensor: tm.Tensor
    inputs: tuple[Node, ...] = ()
    # Recomputes this node's value from its inputs' values (numpy, real or complex).
    recipe: Callable[..., Any] | None = None
    # The value of a leaf, or of a node frozen by detach / no_grad.
    frozen: np.ndarray | None = None
    is_leaf: bool = False
    released: bool = False  # an earlier backward without retain_graph went through it
    # Whether its op kept arrays for backward: only those are freed, as in PyTorch
    # (a second backward through add or sum alone works).
    keeps_arrays: bool = False
    # Whether a backward from here would reach a released node (updated on release).
    reaches_released: bool = False
    label: str = ""
    expected_grad: np.ndarray | None = field(default=None, repr=False)

    def value(self, env: Env, memo: dict[int, Any]) -> Any:
        """This node's value with the leaves' values taken from ``env``."""
        if self.is_leaf:
            return env.get(id(self), self.frozen)
        if self.frozen is not None:
            return self.frozen
        if id(self) not in memo:
            assert self.recipe is not None
            memo[id(self)] = self.recipe(*(n.value(env, memo) for n in self.inputs))
        return memo[id(self)]

    def recorded_ancestry(self) -> tuple[list[Node], list[Node]]:
        """The non-leaf nodes and the grad-requiring leaves a backward from here reaches."""
        inner: list[Node] = []
        leaves: list[Node] = []
        seen: set[int] = set()
        stack = [self]
        while stack:
            node = stack.pop()
            if id(node) in seen or not node.tensor.requires_grad:
                continue
            seen.add(id(node))
            if node.is_leaf:
                leaves.append(node)
            else:
                inner.append(node)
                stack.extend(node.inputs)
        return inner, leaves


def _shifted_logsumexp(x: Any) -> Any:
    """Log Σ eˣ over the last axis (kept), shifted by a constant so exp cannot overflow."""
    shift = np.max(np.real(x), axis=-1, keepdims=True)
    return np.log(np.sum(np.exp(x - shift), axis=-1, keepdims=True)) + shift


def _sigmoid(x: Any) -> Any:
    return 1.0 / (1.0 + np.exp(-x))


Applies = Callable[[tuple[int, ...]], bool]
always: Applies = lambda shape: True  # noqa: E731
has_columns: Applies = lambda shape: len(shape) >= 1 and shape[-1] == 3  # noqa: E731
has_rows: Applies = lambda shape: len(shape) == 2  # noqa: E731
non_scalar: Applies = lambda shape: len(shape) >= 1  # noqa: E731

# name -> (the library op, the numpy recipe, which input shapes it accepts)
UNARY: dict[str, tuple[Callable[[tm.Tensor], tm.Tensor], Callable[[Any], Any], Applies]] = {
    "neg": (lambda x: -x, lambda x: -x, always),
    "tanh": (lambda x: x.tanh(), np.tanh, always),
    "sigmoid": (lambda x: x.sigmoid(), _sigmoid, always),
    "exp_of_tanh": (lambda x: x.tanh().exp(), lambda x: np.exp(np.tanh(x)), always),
    "square": (lambda x: x**2.0, lambda x: x * x, always),
    "half": (lambda x: x * 0.5, lambda x: x * 0.5, always),
    "sum": (lambda x: x.sum(), np.sum, always),
    "mean": (lambda x: x.mean(), np.mean, always),
    "sum_rows_keepdims": (
        lambda x: x.sum(axis=0, keepdims=True),
        lambda x: np.sum(x, axis=0, keepdims=True),
        has_rows,
    ),
    "sum_last_keepdims": (
        lambda x: x.sum(axis=-1, keepdims=True),
        lambda x: np.sum(x, axis=-1, keepdims=True),
        non_scalar,
    ),
    "logsumexp_keepdims": (
        lambda x: x.logsumexp(axis=-1, keepdims=True),
        _shifted_logsumexp,
        non_scalar,
    ),
    "softmax": (
        lambda x: x.softmax(-1),
        lambda x: np.exp(x - _shifted_logsumexp(x)),
        non_scalar,
    ),
    "matmul_constant": (
        lambda x: x @ tm.tensor(MATRIX),
        lambda x: x @ MATRIX,
        has_columns,
    ),
    "first_row": (lambda x: x[0], lambda x: x[0], has_rows),
}

BINARY: dict[str, tuple[Callable[[tm.Tensor, tm.Tensor], tm.Tensor], Callable[[Any, Any], Any]]] = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div_by_one_plus_square": (lambda a, b: a / (1.0 + b * b), lambda a, b: a / (1.0 + b * b)),
}

MODES = ["record", "no_grad", "enable_grad_inside_no_grad"]
# Operands are mostly picked among the nodes that record a graph, so that
# graphs grow deep and wide rather than scattering over constants.
AMONG = st.sampled_from(["recorded", "recorded", "recorded", "all"])


def _run_in_mode(mode: str, op: Callable[[], tm.Tensor]) -> tm.Tensor:
    if mode == "record":
        return op()
    with tm.no_grad():
        if mode == "no_grad":
            return op()
        with tm.enable_grad():
            return op()


def reference_gradient(root: Node, weights: np.ndarray, leaf: Node) -> np.ndarray:
    """d/d(leaf) of Σ weights · root, by the complex step on root's numpy recipe."""
    assert leaf.frozen is not None
    grad = np.zeros(leaf.frozen.shape)
    for position in np.ndindex(*leaf.frozen.shape):
        perturbed = leaf.frozen.astype(complex)
        perturbed[position] += 1j * STEP
        out = root.value({id(leaf): perturbed}, {})
        grad[position] = np.sum(weights * np.imag(out)) / STEP
    return grad


# ------------------------------------------------------------- the machine


class GraphMachine(RuleBasedStateMachine):
    """Random graphs, backward passes and zero_grad, checked after every step."""

    def __init__(self) -> None:
        super().__init__()
        self.leaves: list[Node] = []
        self.nodes: list[Node] = []

    def pick(self, data: st.DataObject, among: str, role: str) -> Node:
        """A node among all, or among the intact recorded ones (ops' results first, if any)."""
        intact = [n for n in self.nodes if n.tensor.requires_grad and not n.reaches_released]
        made_by_ops = [n for n in intact if not n.is_leaf]
        candidates = (made_by_ops or intact) if among == "recorded" and intact else self.nodes
        # Half the time the newest, which grows deep chains; else any, for reuse.
        return data.draw(st.one_of(st.just(candidates[-1]), st.sampled_from(candidates)),
                         label=role)

    def keep(self, node: Node) -> None:
        """Add a node unless its values left the bounded range (then just drop it)."""
        data = node.tensor.data
        if np.all(np.isfinite(data)) and np.all(np.abs(data) <= BOUND):
            self.nodes.append(node)

    # -- growing the graph ---------------------------------------------------

    @initialize(matrix=arrays((2, 3)), row=arrays((3,)), scalar=arrays(()),
                constant=arrays((2, 3)))
    def first_leaves(self, matrix: np.ndarray, row: np.ndarray, scalar: np.ndarray,
                     constant: np.ndarray) -> None:
        for values in (matrix, row, scalar):
            self._add_leaf(values, requires_grad=True)
        self._add_leaf(constant, requires_grad=False)

    @rule(
        values=st.sampled_from(SHAPES).flatmap(lambda shape: arrays(shape)),
        requires_grad=st.sampled_from([True, True, False]),
    )
    def new_leaf(self, values: np.ndarray, requires_grad: bool) -> None:
        self._add_leaf(values, requires_grad)

    def _add_leaf(self, values: np.ndarray, requires_grad: bool) -> None:
        tensor = tm.tensor(values, requires_grad=requires_grad)
        node = Node(tensor, frozen=values.copy(), is_leaf=True, label=f"leaf{len(self.leaves)}")
        self.leaves.append(node)
        self.nodes.append(node)

    @rule(name=st.sampled_from([*sorted(UNARY), "detach"]), data=st.data(), among=AMONG,
          mode=st.sampled_from(MODES))
    def unary_op(self, name: str, data: st.DataObject, among: str, mode: str) -> None:
        x = self.pick(data, among, "x")
        if name == "detach":
            self._detach(x)
            return
        op, recipe, applies = UNARY[name]
        if not applies(x.tensor.shape):
            return
        out = _run_in_mode(mode, lambda: op(x.tensor))
        self._record(out, (x,), recipe, mode, f"{name}({x.label})")

    @rule(name=st.sampled_from(sorted(BINARY)), data=st.data(), among=AMONG,
          mode=st.sampled_from(MODES))
    def binary_op(self, name: str, data: st.DataObject, among: str, mode: str) -> None:
        op, recipe = BINARY[name]
        a, b = self.pick(data, among, "a"), self.pick(data, among, "b")  # may be the same node
        out = _run_in_mode(mode, lambda: op(a.tensor, b.tensor))
        self._record(out, (a, b), recipe, mode, f"{name}({a.label}, {b.label})")

    def _detach(self, x: Node) -> None:
        out = x.tensor.detach()
        assert not out.requires_grad and out.grad_fn is None and out.is_leaf
        assert np.shares_memory(out.data, x.tensor.data)
        self.nodes.append(Node(out, frozen=out.data.copy(), label=f"detach({x.label})"))

    def _record(self, out: tm.Tensor, inputs: tuple[Node, ...], recipe: Callable[..., Any],
                mode: str, label: str) -> None:
        recorded = mode != "no_grad" and any(n.tensor.requires_grad for n in inputs)
        assert out.requires_grad == recorded, f"{label} in mode {mode}"
        assert (out.grad_fn is not None) == recorded
        node = Node(out, inputs, recipe, label=label)
        node.keeps_arrays = out.grad_fn is not None and (
            bool(out.grad_fn._saved) or out.grad_fn._output is not None)
        node.reaches_released = recorded and any(
            n.reaches_released for n in inputs if n.tensor.requires_grad
        )
        expected = node.value({}, {})
        np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12, err_msg=label)
        assert out.dtype == np.float64 and out.shape == np.shape(expected)
        if mode == "no_grad":
            node.frozen = out.data.copy()  # a constant: no gradient flows through it
        self.keep(node)

    # -- backward and zero_grad ------------------------------------------------

    @rule(data=st.data(), among=AMONG, seed=st.integers(0, 2**32 - 1),
          retain_graph=st.sampled_from([True, True, False]))
    def backward(self, data: st.DataObject, among: str, seed: int, retain_graph: bool) -> None:
        """Backward from Σ w · node, for random weights w."""
        root = self.pick(data, among, "root")
        weights = np.random.default_rng(seed).uniform(-2.0, 2.0, root.tensor.shape)
        loss = (root.tensor * tm.tensor(weights)).sum()
        if not root.tensor.requires_grad:
            with pytest.raises(RuntimeError, match="does not require grad"):
                loss.backward()
            return
        inner, leaves = root.recorded_ancestry()
        if root.reaches_released:
            assert any(node.released for node in inner)
            # The failing call keeps its graph, so it frees nothing by itself.
            with pytest.raises(RuntimeError, match=r"already freed.*retain_graph=True"):
                loss.backward(retain_graph=True)
            return  # every .grad must be as it was: the invariant checks
        increments = [(leaf, reference_gradient(root, weights, leaf)) for leaf in leaves]
        loss.backward(retain_graph=retain_graph)
        for leaf, increment in increments:
            previous = leaf.expected_grad
            leaf.expected_grad = increment if previous is None else previous + increment
        if not retain_graph:
            for node in inner:
                node.released = node.released or node.keeps_arrays
            for node in self.nodes:  # in creation order, so inputs come first
                node.reaches_released = node.released or any(
                    n.reaches_released for n in node.inputs if n.tensor.requires_grad
                )

    @rule(set_to_none=st.booleans())
    def zero_grad(self, set_to_none: bool) -> None:
        params = [leaf.tensor for leaf in self.leaves if leaf.tensor.requires_grad]
        if not params:
            return
        tm.optim.SGD(params, lr=0.0).zero_grad(set_to_none=set_to_none)
        for leaf in self.leaves:
            if leaf.expected_grad is not None:
                leaf.expected_grad = None if set_to_none else np.zeros_like(leaf.expected_grad)

    # -- the checks after every step ---------------------------------------------

    @invariant()
    def every_gradient_matches_the_reference(self) -> None:
        for leaf in self.leaves:
            grad = leaf.tensor.grad
            if leaf.expected_grad is None:
                assert grad is None, f"{leaf.label} has a .grad but no backward reached it"
                continue
            assert grad is not None, f"{leaf.label} lost its .grad"
            assert grad.shape == leaf.tensor.shape and grad.dtype == np.float64
            assert grad.grad_fn is None and not grad.requires_grad  # no graph of its own
            np.testing.assert_allclose(grad.data, leaf.expected_grad, rtol=1e-9, atol=1e-9,
                                       err_msg=leaf.label)

    @invariant()
    def leaves_keep_their_values_and_grad_mode_is_restored(self) -> None:
        assert tm.is_grad_enabled()
        for leaf in self.leaves:
            np.testing.assert_array_equal(leaf.tensor.data, leaf.frozen)


# The loaded profile's settings (derandomized under "ci"), with at least 100
# runs of 50 steps: enough to build, reuse, free and zero graphs many times.
GraphMachine.TestCase.settings = settings(
    max_examples=max(100, settings().max_examples), stateful_step_count=50
)
TestRandomGraphsMatchTheNumpyReference = GraphMachine.TestCase
