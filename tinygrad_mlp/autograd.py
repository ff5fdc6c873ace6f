"""The backward engine: grad mode, topological order and gradient accumulation.

Every op on tensors that require gradients records a ``Function`` node (see
``tensor.py``) whose ``parents`` are the nodes, or the leaf tensors, it read.
``backward`` walks those nodes from the output back to the leaves:

1. nodes are numbered as they are recorded (``sequence_nr``), and an op is
   always recorded after the ops that made its inputs, so every consumer of
   a node has a higher number than the node;
2. backward keeps the nodes that have received some gradient in a heap and
   always runs the highest-numbered one next. By then every consumer that
   could still send it gradient has run, so its incoming gradient is
   complete (and the loop is iterative: a chain of 100,000 ops is fine);
3. gradients that reach a node or a leaf along different paths are added up.

With ``create_graph=True`` the VJP rules run on Tensors with recording on,
so the gradients have graphs of their own and can be differentiated again.
Otherwise the built-in rules run on plain ndarrays (``array_backward``), which
costs no more than the numpy a person would write by hand.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import inspect
import itertools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

# tensor.py imports this module too; its classes are looked up when called.
import tinygrad_mlp.tensor as _tensor
from tinygrad_mlp import anomaly, checks

if TYPE_CHECKING:
    from tinygrad_mlp.tensor import Function, Tensor

# ---------------------------------------------------------------- grad mode

_grad_enabled = True


def is_grad_enabled() -> bool:
    """Whether ops are being recorded for backward right now."""
    return _grad_enabled


class _GradMode(contextlib.ContextDecorator):
    """Grad mode ``mode`` inside a ``with`` block or a decorated function, then the one before."""

    def __init__(self, mode: bool) -> None:
        self.mode = mode
        self._previous: list[bool] = []  # a stack, so one instance can be re-entered

    def __enter__(self) -> None:
        global _grad_enabled
        self._previous.append(_grad_enabled)
        _grad_enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        global _grad_enabled
        _grad_enabled = self._previous.pop()

    def __call__(self, func: Callable[..., Any]) -> Any:
        """Decorate ``func``; a generator function runs each of its steps in this mode.

        A plain decorator would cover only the call that makes the generator,
        not the code that runs at each ``next``; PyTorch's covers both.
        """
        if not inspect.isgeneratorfunction(func):
            return super().__call__(func)
        switch = self._recreate_cm()  # self, as contextlib's decorators use: subclasses' state too

        @functools.wraps(func)
        def steps(*args: Any, **kwargs: Any) -> Any:
            generator = func(*args, **kwargs)
            resume: Callable[[], Any] = functools.partial(generator.send, None)
            while True:
                try:
                    with switch:
                        value = resume()
                except StopIteration as stop:
                    return stop.value
                try:
                    sent = yield value
                except GeneratorExit:
                    with switch:
                        generator.close()
                    raise
                except BaseException as error:  # thrown in by the caller: on to the generator
                    resume = functools.partial(generator.throw, error)
                else:
                    resume = functools.partial(generator.send, sent)

        return steps


class set_grad_enabled(_GradMode):
    """Turn recording on or off: at once, or for a ``with`` block or a decorated function.

    As in PyTorch, a plain call (``tm.set_grad_enabled(False)``) switches the
    mode until something switches it back; in ``with`` or as a decorator the
    mode from before comes back at the end.

    Raises:
        TypeError: if ``mode`` is not a bool.
    """

    def __init__(self, mode: bool) -> None:
        global _grad_enabled
        if not isinstance(mode, (bool, np.bool_)):
            raise TypeError(f"set_grad_enabled: mode must be a bool, got {type(mode).__name__}")
        super().__init__(bool(mode))
        # Set now, for the plain call; a `with` restores the mode from before it.
        self._before_call: bool | None = _grad_enabled
        _grad_enabled = self.mode

    def __enter__(self) -> None:
        global _grad_enabled
        before, self._before_call = self._before_call, None
        self._previous.append(_grad_enabled if before is None else before)
        _grad_enabled = self.mode

    def __call__(self, func: Callable[..., Any]) -> Any:
        """Decorate ``func``: the call that made this switched nothing after all."""
        global _grad_enabled
        if self._before_call is not None:
            _grad_enabled, self._before_call = self._before_call, None
        return super().__call__(func)


class _Switch(_GradMode):
    """A fixed mode, usable as ``with``, ``@switch()`` or, as in PyTorch, bare ``@switch``."""

    mode_of_class: ClassVar[bool]

    def __new__(cls, func: Callable[..., Any] | None = None) -> Any:
        return super().__new__(cls) if func is None else cls()(func)

    def __init__(self, func: Callable[..., Any] | None = None) -> None:
        super().__init__(self.mode_of_class)


class no_grad(_Switch):
    """Record nothing: for evaluation and for in-place parameter updates.

    Works as ``with tm.no_grad(): ...``, as ``@tm.no_grad()`` and as ``@tm.no_grad``.
    """

    mode_of_class = False


class enable_grad(_Switch):
    """Record again, inside a ``no_grad`` region (also a decorator, like ``no_grad``)."""

    mode_of_class = True


# ------------------------------------------------------------ module scope

# The modules whose forward is running, outermost first. Each recorded node
# keeps the scope it was made in, so graph drawings can group nodes by module.
# nn.Module.__call__ enters and leaves it. The tuple sits in a one-item list:
# setting a list item costs a third of what setting a module attribute does.
_scope: list[tuple[Any, ...]] = [()]


def current_scope() -> tuple[Any, ...]:
    """The modules whose forward is running now, outermost first."""
    return _scope[0]


# ------------------------------------------------------------------ engine

# Numbers the nodes in the order they are recorded (``Function.sequence_nr``).
_sequence = itertools.count()


def run_backward(
    roots: Sequence[Tensor],
    root_grads: Sequence[Tensor],
    *,
    retain_graph: bool,
    create_graph: bool,
    inputs: Sequence[Tensor] | None = None,
) -> list[Tensor | None]:
    """Backpropagate ``root_grads`` from ``roots`` through the recorded graph.

    Args:
        roots: tensors to differentiate (each requires grad).
        root_grads: dL/droot for each root, same shapes.
        retain_graph: keep saved tensors so backward can run again.
        create_graph: record the backward pass, for higher-order gradients.
        inputs: if given, return the gradients of these tensors instead of
            accumulating into the leaves' ``.grad`` (``tm.grad``).

    Returns:
        The gradient of each of ``inputs`` (None where none reached it), or an
        empty list when ``inputs`` is None.

    Gradients travel as Tensors when ``create_graph`` is on, so the backward
    pass is recorded; otherwise as plain ndarrays (see ``Function``, ``array_backward``).
    """
    # The gradient reaching each node, and each leaf, summed over the paths so far.
    pending: dict[Function, Any] = {}
    leaf_grads: dict[Tensor, Any] = {}
    taken: set[int] = set()  # arrays no .grad may keep: the caller's seeds, then those given out
    for root, seed in zip(roots, root_grads):
        grad = seed if create_graph else seed._data
        taken.add(id(grad))
        store: dict[Any, Any] = pending if root.grad_fn else leaf_grads
        key = root.grad_fn or root
        store[key] = grad if key not in store else store[key] + grad
    # The nodes with a pending gradient, newest first: a heap on -sequence_nr.
    queue = [(-fn.sequence_nr, fn) for fn in pending]
    heapq.heapify(queue)
    wanted_nodes = {t.grad_fn: i for i, t in enumerate(inputs) if t.grad_fn} if inputs else {}
    results: list[Any] = [None] * len(inputs) if inputs else []
    through = _leading_to(list(pending), inputs) if inputs else None  # tm.grad runs only these
    global _grad_enabled
    outer_mode, _grad_enabled = _grad_enabled, create_graph
    release = not retain_graph  # free the saved arrays after each node's rule
    try:
        while queue:
            fn = heapq.heappop(queue)[1]
            grad = pending.pop(fn)
            if through is not None and fn not in through and fn not in wanted_nodes:
                continue  # a branch that leads to none of tm.grad's inputs: left alone
            if fn.flagged:  # released, or with hooks or a retained output
                if fn.released:
                    raise RuntimeError(f"backward: the graph through '{fn.name}' was already freed "
                                       "by an earlier backward; pass retain_graph=True to the "
                                       "first backward to go through it twice")
                grad = fn.hand_grad_to_output(grad, create_graph)
            if wanted_nodes and fn in wanted_nodes:
                results[wanted_nodes[fn]] = _as_dtype(grad, fn.out_dtype)
            if through is not None and fn not in through:
                continue
            input_grads = fn.propagate(grad, create_graph, release)
            if anomaly.enabled:
                anomaly.check_finite(fn, "backward", input_grads)
            for parent, grad in zip(fn.parents, input_grads):
                if grad is None or parent is None:
                    continue
                if isinstance(parent, _tensor.Function):
                    if parent in pending:
                        pending[parent] = pending[parent] + grad
                    else:
                        pending[parent] = grad
                        heapq.heappush(queue, (-parent.sequence_nr, parent))
                else:
                    previous = leaf_grads.get(parent)
                    leaf_grads[parent] = grad if previous is None else previous + grad
        _hand_to_leaves(leaf_grads, inputs, results, create_graph, taken)
    finally:
        _grad_enabled = outer_mode
    if results and not create_graph:
        results = [None if r is None else _tensor._wrap(r, None) for r in results]
    return results


def _leading_to(starts: list[Function], inputs: Sequence[Tensor]) -> set[Function]:
    """The nodes below ``starts`` from whose inputs one of ``inputs`` can be reached."""
    leaves = {id(t) for t in inputs if t.grad_fn is None}
    targets = {t.grad_fn for t in inputs if t.grad_fn is not None}
    graph, stack = set(starts), list(starts)
    while stack:
        for parent in stack.pop().parents:
            if isinstance(parent, _tensor.Function) and parent not in graph:
                graph.add(parent)
                stack.append(parent)
    through: set[Function] = set()
    for fn in sorted(graph, key=lambda f: f.sequence_nr):  # a node's parents come before it
        if any(p in through or p in targets if isinstance(p, _tensor.Function)
               else p is not None and id(p) in leaves for p in fn.parents):
            through.add(fn)
    return through


def _hand_to_leaves(
    leaf_grads: dict[Tensor, Any], inputs: Sequence[Tensor] | None, results: list[Any],
    create_graph: bool, taken: set[int],
) -> None:
    """Run each leaf's hooks; add its gradient to ``.grad``, or to ``results`` if wanted.

    Rules pass one gradient to several inputs (``a + b`` gives ``a`` and ``b``
    the same one); as in PyTorch, every ``.grad`` gets memory of its own, so a
    gradient already ``taken`` is copied.
    """
    wanted = {id(t): i for i, t in enumerate(inputs) if t.grad_fn is None} if inputs else {}
    for leaf, grad in leaf_grads.items():
        if inputs is not None and id(leaf) not in wanted:
            continue  # tm.grad: a leaf it was not asked about, hooks included
        if grad.dtype != leaf._data.dtype:  # float32 data times a float64 constant, say
            grad = _as_dtype(grad, leaf._data.dtype)
        if hooked := leaf._hooks:  # then it may have any dtype: accumulate_grad casts
            grad = leaf.run_hooks(grad, create_graph)
        if inputs is None:
            if id(grad) in taken:
                grad = grad * 1.0 if create_graph else grad.copy()
            else:
                taken.add(id(grad))
            if leaf._grad is None and not (create_graph or hooked) and grad.base is None:
                leaf._grad = _tensor._wrap(grad, None)  # the first, in its own array
            else:
                leaf.accumulate_grad(grad, create_graph)
        elif id(leaf) in wanted:
            results[wanted[id(leaf)]] = grad


def _as_dtype(grad: Any, dtype: Any) -> Any:
    """``grad`` (an array, or a Tensor when recording) in the dtype of its tensor."""
    if grad.dtype == dtype:
        return grad
    return grad.astype(dtype) if not isinstance(grad, _tensor.Tensor) else grad.to(dtype)


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Tensor | Sequence[Tensor | None] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """Return d(outputs)/d(inputs) without touching any ``.grad``, like ``torch.autograd.grad``.

    Args:
        outputs: scalar tensors, or tensors paired with ``grad_outputs``.
        inputs: the tensors to differentiate with respect to (leaves or not).
        grad_outputs: the vector in the vector-Jacobian product, one per
            output; None means 1 for scalar outputs.
        retain_graph: keep the graph for another backward; defaults to
            ``create_graph``.
        create_graph: record the computation, so the result can be
            differentiated again (Hessian-vector products).
        allow_unused: return None for inputs the outputs do not depend on,
            instead of raising.

    Returns:
        One gradient per input, shaped like it.

    Raises:
        TypeError: if an output or an input is not a Tensor.
        RuntimeError: if an output does not require grad, or an input is not
            in the graph and ``allow_unused`` is False.
    """
    outs = checks.tensors("grad", "outputs", outputs)
    ins = checks.tensors("grad", "inputs", inputs)
    if grad_outputs is None or isinstance(grad_outputs, _tensor.Tensor):
        given: list[Tensor | None] = [grad_outputs] * (len(outs) if grad_outputs is None else 1)
    else:
        given = list(grad_outputs)
    if len(given) != len(outs):
        raise ValueError(f"grad: {len(outs)} outputs but {len(given)} grad_outputs")
    for position, out in enumerate(outs):
        if not out.requires_grad:
            raise RuntimeError(
                f"grad: outputs[{position}] (shape {out.shape}) does not require grad: it "
                "depends on no tensor that requires grad (as the gradient of a linear function "
                "does not), or was computed under tm.no_grad() or from detach()ed tensors"
            )
    for position, tensor in enumerate(ins):
        if not tensor.requires_grad:
            raise RuntimeError(f"grad: inputs[{position}] does not require grad")
    seeds = [out.seed_grad(g, "grad") for out, g in zip(outs, given)]
    distinct = list({id(t): t for t in ins}.values())  # an input given twice gets it twice
    found = run_backward(
        outs,
        seeds,
        retain_graph=create_graph if retain_graph is None else retain_graph,
        create_graph=create_graph,
        inputs=distinct,
    )
    by_input = {id(t): r for t, r in zip(distinct, found)}
    results = [by_input[id(t)] for t in ins]
    for position, result in enumerate(results):
        if result is None and not allow_unused:
            raise RuntimeError(
                f"grad: inputs[{position}] (shape {ins[position].shape}) was not used to compute "
                "the outputs; pass allow_unused=True to get None for it"
            )
    return tuple(None if r is None else r if create_graph else r.detach() for r in results)


# --------------------------------------------------------------- handles


class RemovableHandle:
    """Returned by ``register_hook``: call ``remove()`` to unregister the hook."""

    def __init__(self, hooks: list[Any], hook: Any) -> None:
        self._hooks = hooks
        self._hook = hook

    def remove(self) -> None:
        """Unregister the hook (a no-op if it is already gone)."""
        with contextlib.suppress(ValueError):
            self._hooks.remove(self._hook)


__all__ = [
    "RemovableHandle",
    "current_scope",
    "enable_grad",
    "grad",
    "is_grad_enabled",
    "no_grad",
    "run_backward",
    "set_grad_enabled",
]
