"""Whole derivatives of a function of tensors: PyTorch's ``torch.autograd.functional``.

``tm.grad`` gives one vector-Jacobian product, the thing backward computes.
These functions build the other objects of calculus from it, for looking at
small functions whole:

| function | gives, for y = f(x) |
| --- | --- |
| ``vjp(f, x, v)`` | vᵀ J, one backward pass |
| ``jvp(f, x, u)`` | J u, from two backward passes (below) |
| ``jacobian(f, x)`` | J = ∂y/∂x, one backward pass per element of y |
| ``hessian(f, x)`` | H = ∂²y/∂x², the Jacobian of the gradient (y a single number) |
| ``vhp(f, x, v)``, ``hvp(f, x, v)`` | vᵀ H and H v, without forming H |

Reverse mode has no forward pass of its own, so ``jvp`` uses the
double-vjp trick: g(w) = wᵀ J is linear in w, so differentiating its value
g(w) · u with respect to w gives J u. Since a Hessian is symmetric wherever
f is twice differentiable, ``hvp`` is ``vhp`` and costs one double backward.

Each function runs ``f`` on fresh leaves with the inputs' values, so the
inputs' own ``.grad`` are never touched, and records even inside
``no_grad``. The results carry no graph unless ``create_graph=True``, which
records them, so they can be differentiated in turn (through the inputs too,
where they require grad); a derivative that does not depend on the inputs
(of a linear function, or relu's and abs's) has no graph to differentiate,
unlike PyTorch's, which give zeros. An output that does not depend on an
input gets zeros there, or an error with ``strict=True``, as in PyTorch;
``strict`` checks the function itself, not the constancy of its derivatives.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tinygrad_mlp import autograd
from tinygrad_mlp.tensor import Tensor, stack

Inputs = Tensor | Sequence[Tensor]
Function = Callable[..., Any]


def _recording(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``function`` with recording on, even inside ``no_grad``, as PyTorch's do.

    The graphs it makes are its own; results leave without them unless
    ``create_graph`` (see ``_finish``).
    """
    @functools.wraps(function)
    def recording(*args: Any, **kwargs: Any) -> Any:
        with autograd.enable_grad():
            return function(*args, **kwargs)

    return recording


def _as_tensors(where: str, what: str, given: Any) -> tuple[list[Tensor], bool]:
    """``given`` as a list of Tensors, and whether it was a single Tensor (not a sequence)."""
    if isinstance(given, Tensor):
        return [given], True
    if not isinstance(given, (tuple, list)):
        raise TypeError(f"{where}: {what} must be a Tensor or a tuple of Tensors, got "
                        f"{type(given).__name__}")
    for position, item in enumerate(given):
        if not isinstance(item, Tensor):
            raise TypeError(f"{where}: {what} must be a Tensor or a tuple of Tensors, but "
                            f"element {position} is a {type(item).__name__}")
    return list(given), False


def _leaves(where: str, inputs: list[Tensor], create_graph: bool) -> list[Tensor]:
    """Fresh tensors with the inputs' values for ``f`` to read, tied to them only if recording."""
    for position, x in enumerate(inputs):
        if x.dtype.kind != "f":
            raise TypeError(f"{where}: inputs[{position}] has dtype {x.dtype}; derivatives need "
                            "floating point inputs")
    # A view keeps the path back to an input that requires grad when the result
    # is recorded; otherwise a detached leaf cuts it.
    return [x.view(x.shape) if create_graph and x.requires_grad else
            x.detach().requires_grad_() for x in inputs]


def _call(where: str, func: Function, leaves: list[Tensor]) -> tuple[list[Tensor], bool]:
    """Run ``func``; its outputs as a list, and whether it returned one Tensor."""
    return _as_tensors(where, "the function's output", func(*leaves))


def _seeds(where: str, tensors: list[Tensor], v: Any, kind: str = "output") -> list[Tensor]:
    """The vectors to multiply with: ``v`` checked against the shapes of the ``kind`` tensors.

    Left out (None), it is 1 for each, which needs every one to hold a single element.
    """
    if v is None:
        for position, tensor in enumerate(tensors):
            if tensor.size != 1:
                raise RuntimeError(f"{where}: v is needed because {kind} {position} has shape "
                                   f"{tensor.shape}, not a single element")
        return [Tensor(np.ones(t.shape, t.dtype)) for t in tensors]
    vectors, _ = _as_tensors(where, "v", v)
    if len(vectors) != len(tensors) or any(a.shape != b.shape for a, b in zip(vectors, tensors)):
        raise RuntimeError(f"{where}: v has shapes {[t.shape for t in vectors]} but must match "
                           f"the {kind}s' {[t.shape for t in tensors]}")
    return vectors


def _products(where: str, outputs: list[Tensor], leaves: list[Tensor], seeds: list[Tensor],
              create_graph: bool, strict: bool, first: int = 0) -> list[Tensor]:
    """Σᵢ seedᵢᵀ ∂outputᵢ/∂leaf for every leaf (zeros where unused, unless ``strict``).

    ``first`` is the position of ``leaves[0]`` among the inputs, for the error.
    """
    wanted = [(out, seed) for out, seed in zip(outputs, seeds) if out.requires_grad]
    grads: Sequence[Tensor | None] = [None] * len(leaves)
    if wanted:
        grads = autograd.grad([o for o, _ in wanted], leaves, [s for _, s in wanted],
                              retain_graph=True, create_graph=create_graph, allow_unused=True)
    results = []
    for position, (leaf, grad) in enumerate(zip(leaves, grads)):
        if grad is None:
            if strict:
                raise RuntimeError(f"{where}: the output does not depend on "
                                   f"inputs[{first + position}] (strict=True)")
            grad = Tensor(np.zeros(leaf.shape, leaf.dtype))
        results.append(grad)
    return results


def _finish(tensors: list[Tensor], single: bool, create_graph: bool) -> Any:
    """Detach unless recording; a lone Tensor if the caller gave one, else a tuple."""
    done = [t if create_graph else t.detach() for t in tensors]
    return done[0] if single else tuple(done)


@_recording
def vjp(func: Function, inputs: Inputs, v: Inputs | None = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``func``'s output and the vector-Jacobian product vᵀ J at ``inputs``.

    Args:
        func: a function of the inputs returning a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of Tensors (floating point).
        v: the vector, shaped like the output(s); may be left out for an
            output with a single element (then v = 1, and vᵀ J is the gradient).
        create_graph: record the result, so it can be differentiated again.
        strict: raise if the output does not depend on some input, instead of
            giving zeros there.

    Returns:
        (output, vᵀ J), each shaped as given: vᵀ J has the inputs' shapes.

    Example:
        >>> import tinygrad_mlp as tm
        >>> x = tm.tensor([1.0, 2.0])
        >>> out, product = vjp(lambda t: t * t, x, tm.tensor([1.0, 10.0]))
        >>> product
        tensor([ 2., 40.])
    """
    xs, single_in = _as_tensors("vjp", "inputs", inputs)
    leaves = _leaves("vjp", xs, create_graph)
    outs, single_out = _call("vjp", func, leaves)
    seeds = _seeds("vjp", outs, v)
    products = _products("vjp", outs, leaves, seeds, create_graph, strict)
    return _finish(outs, single_out, create_graph), _finish(products, single_in, create_graph)


@_recording
def jvp(func: Function, inputs: Inputs, v: Inputs | None = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``func``'s output and the Jacobian-vector product J v at ``inputs`` (double-vjp trick).

    Args:
        func: a function of the inputs returning a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of Tensors (floating point).
        v: the vector, shaped like the input(s); may be left out for an input
            with a single element (then v = 1).
        create_graph: record the result, so it can be differentiated again.
        strict: raise if the output does not depend on some input.

    Returns:
        (output, J v), each shaped as given: J v has the outputs' shapes.

    Example:
        >>> import tinygrad_mlp as tm
        >>> out, product = jvp(lambda t: t * t, tm.tensor([1.0, 2.0]), tm.tensor([1.0, 10.0]))
        >>> product
        tensor([ 2., 40.])
    """
    xs, _ = _as_tensors("jvp", "inputs", inputs)
    leaves = _leaves("jvp", xs, create_graph)
    outs, single_out = _call("jvp", func, leaves)
    directions = _seeds("jvp", leaves, v, "input")
    # g(w) = wᵀ J for dummy w; then d/dw [g(w) · v] = J v, whatever w's value.
    dummies = [Tensor(np.zeros(out.shape, out.dtype), requires_grad=True) for out in outs]
    transposed = _products("jvp", outs, leaves, dummies, True, strict)
    products = _products("jvp", transposed, dummies, directions, create_graph, False)
    return _finish(outs, single_out, create_graph), _finish(products, single_out, create_graph)


@_recording
def jacobian(func: Function, inputs: Inputs, create_graph: bool = False,
             strict: bool = False) -> Any:
    """The Jacobian ∂outputᵢ/∂inputⱼ of ``func`` at ``inputs``: a backward pass per output element.

    Args:
        func: a function of the inputs returning a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of Tensors (floating point).
        create_graph: record the result, so it can be differentiated again.
        strict: raise if an output does not depend on some input.

    Returns:
        For one output and one input, a Tensor shaped output.shape +
        input.shape; otherwise nested tuples, ``result[i][j]`` for output i and
        input j (a tuple over inputs alone when the function returns one Tensor,
        and over outputs alone when there is one input Tensor), as in PyTorch.

    Example:
        >>> import tinygrad_mlp as tm
        >>> jacobian(lambda t: t * t, tm.tensor([1.0, 2.0]))
        tensor([[2., 0.],
                [0., 4.]])
    """
    xs, single_in = _as_tensors("jacobian", "inputs", inputs)
    leaves = _leaves("jacobian", xs, create_graph)
    outs, single_out = _call("jacobian", func, leaves)
    blocks = [[_jacobian_block(out, leaf, j, create_graph, strict) for j, leaf in enumerate(leaves)]
              for out in outs]
    rows = [_finish(row, single_in, create_graph) for row in blocks]
    return rows[0] if single_out else tuple(rows)


def _jacobian_block(out: Tensor, leaf: Tensor, j: int, create_graph: bool,
                    strict: bool) -> Tensor:
    """∂out/∂leaf, shaped out.shape + leaf.shape: one row per element of out, by a one-hot seed."""
    rows = []
    for k in range(out.size):
        seed = np.zeros(out.size, out.dtype)
        seed[k] = 1.0
        (row,) = _products("jacobian", [out], [leaf], [Tensor(seed.reshape(out.shape))],
                           create_graph, strict, first=j)
        rows.append(row.reshape(-1))
    flat = stack(rows) if rows else Tensor(np.zeros((0, leaf.size), leaf.dtype))
    return flat.reshape(*out.shape, *leaf.shape)


@_recording
def hessian(func: Function, inputs: Inputs, create_graph: bool = False,
            strict: bool = False) -> Any:
    """The Hessian of a function with one output element: the Jacobian of its gradient.

    Args:
        func: a function of the inputs returning a single-element Tensor.
        inputs: a Tensor or a tuple of Tensors (floating point).
        create_graph: record the result, so it can be differentiated again.
        strict: raise if the output does not depend on some input.

    Returns:
        For one input, a Tensor shaped input.shape + input.shape; for several,
        ``result[i][j]`` = ∂²f/∂inputᵢ∂inputⱼ, as in PyTorch.

    Example:
        >>> import tinygrad_mlp as tm
        >>> hessian(lambda t: (t ** 3).sum(), tm.tensor([1.0, 2.0]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    xs, single_in = _as_tensors("hessian", "inputs", inputs)

    def gradient(*leaves: Tensor) -> tuple[Tensor, ...]:
        outs, _ = _call("hessian", func, list(leaves))
        if len(outs) != 1 or outs[0].size != 1:
            raise RuntimeError(f"hessian: the function must return a single-element Tensor, got "
                               f"shapes {[o.shape for o in outs]}")
        return tuple(_products("hessian", outs, list(leaves), _seeds("hessian", outs, None),
                               True, strict))

    # strict is for the function's own inputs, checked above: a gradient that
    # is constant (f linear, or relu's) has no graph, and its Jacobian is 0.
    blocks = jacobian(gradient, tuple(xs), create_graph, False)
    return blocks[0][0] if single_in else blocks


@_recording
def vhp(func: Function, inputs: Inputs, v: Inputs | None = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``func``'s output and vᵀ H, by differentiating the gradient once more (double backward).

    Args:
        func: a function of the inputs returning a single-element Tensor.
        inputs: a Tensor or a tuple of Tensors (floating point).
        v: the vector, shaped like the input(s); may be left out for an input
            with a single element (then v = 1).
        create_graph: record the result, so it can be differentiated again.
        strict: raise if the output does not depend on some input.

    Returns:
        (output, vᵀ H), vᵀ H shaped like the inputs.

    Example:
        >>> import tinygrad_mlp as tm
        >>> _, product = vhp(lambda t: (t ** 3).sum(), tm.tensor([1.0, 2.0]), tm.tensor([1.0, 1.0]))
        >>> product
        tensor([ 6., 12.])
    """
    return _second_order("vhp", func, inputs, v, create_graph, strict)


@_recording
def hvp(func: Function, inputs: Inputs, v: Inputs | None = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``func``'s output and H v: ``vhp``'s result, H being symmetric (see the module docstring).

    Example:
        >>> import tinygrad_mlp as tm
        >>> _, product = hvp(lambda t: (t ** 3).sum(), tm.tensor([1.0, 2.0]), tm.tensor([1.0, 0.0]))
        >>> product
        tensor([6., 0.])
    """
    return _second_order("hvp", func, inputs, v, create_graph, strict)


def _second_order(where: str, func: Function, inputs: Inputs, v: Inputs | None,
                  create_graph: bool, strict: bool) -> tuple[Any, Any]:
    """vᵀ H for ``vhp`` and ``hvp``: the gradient, recorded, then its vector-Jacobian product."""
    xs, single_in = _as_tensors(where, "inputs", inputs)
    leaves = _leaves(where, xs, create_graph)
    outs, single_out = _call(where, func, leaves)
    if len(outs) != 1 or outs[0].size != 1:
        raise RuntimeError(f"{where}: the function must return a single-element Tensor, got "
                           f"shapes {[o.shape for o in outs]}")
    gradient = _products(where, outs, leaves, _seeds(where, outs, None), True, strict)
    directions = _seeds(where, leaves, v, "input")
    products = _products(where, gradient, leaves, directions, create_graph, False)
    return _finish(outs, single_out, create_graph), _finish(products, single_in, create_graph)


__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]
