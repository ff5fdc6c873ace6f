"""Check autograd's gradients against central finite differences.

For a function f of some inputs, the analytic Jacobian comes from backward
(one vector-Jacobian product per output element) and the numeric one from

    df/dx_j ≈ (f(x + ε e_j) - f(x - ε e_j)) / 2ε,

whose error is O(ε²) from truncation plus O(machine ε / ε) from round-off:
with float64 and ε = 1e-6 both are around 1e-10, which is why only float64
inputs are accepted. ``fast_mode=True`` compares one random projection uᵀ J v
instead of the whole Jacobian, for inputs too large to check element by
element. ``gradgradcheck`` applies the same test to the gradient itself.

As PyTorch's gradcheck does, it also runs two checks the Jacobians alone can
miss: backward with a zero gradient must give zero (a rule that forgot to
multiply by the incoming gradient passes the Jacobian test whenever that
gradient is 1, as for a scalar output), and backward run twice must give the
same result (a rule that changes state it reads, or draws random numbers).
That second run covers each output's first Jacobian row (PyTorch reruns the
whole Jacobian), or its projection in ``fast_mode``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tinygrad_mlp.autograd import grad
from tinygrad_mlp.tensor import Array, Tensor

Outputs = Tensor | Sequence[Tensor]
Inputs = Any  # a Tensor, a sequence of Tensors, or a Module whose parameters are checked


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when an analytic gradient disagrees with the numeric one.

    Attributes:
        analytic: the Jacobian from backward, shaped (output size, input size),
            of the output and input the message names; in ``fast_mode``, the
            projection uᵀJv for each input instead. None (``numeric`` too)
            when the error is a wrongly shaped gradient, a nonzero gradient for
            a zero grad_output, or a backward that differs when run again.
        numeric: the same by central differences.
    """

    def __init__(self, message: str, analytic: Array | None = None,
                 numeric: Array | None = None) -> None:
        super().__init__(message)
        self.analytic = analytic
        self.numeric = numeric


@dataclass(frozen=True)
class _Checked:
    """What to differentiate: the function of the tensors, and the tensors themselves.

    ``skip_constants``: leave out outputs that do not require grad (a count, a
    detached accuracy) when some output does, as PyTorch's gradcheck does;
    otherwise such an output is checked as a Jacobian of zeros.
    """

    call: Callable[[], list[Tensor]]
    inputs: list[Tensor]
    labels: list[str]
    skip_constants: bool = True

    def compared(self, outputs: Sequence[Tensor]) -> list[int]:
        """The positions of the outputs whose Jacobians are compared."""
        differentiable = [k for k, out in enumerate(outputs) if out.requires_grad]
        return differentiable if differentiable and self.skip_constants else [
            *range(len(outputs))]


def _prepare(func: Callable[..., Outputs], inputs: Inputs, where: str) -> _Checked:
    """Normalise ``inputs`` (tensors or a Module) and check they can be checked."""
    if hasattr(inputs, "named_parameters"):
        _takes_no_arguments(func, where)
        named = [(n, p) for n, p in inputs.named_parameters() if p.requires_grad]
        tensors, labels = [p for _, p in named], [f"parameter '{n}'" for n, _ in named]

        def call() -> list[Tensor]:
            return _as_list(func())
    else:
        given = [inputs] if isinstance(inputs, Tensor) else list(inputs)
        tensors = [t for t in given if isinstance(t, Tensor) and t.requires_grad]
        labels = [f"input {i}" for i, t in enumerate(given)
                  if isinstance(t, Tensor) and t.requires_grad]

        def call() -> list[Tensor]:
            return _as_list(func(*given))
    if not tensors:
        arrays = [i for i, t in enumerate(given) if isinstance(t, np.ndarray)] \
            if not hasattr(inputs, "named_parameters") else []
        hint = (f"; input {arrays[0]} is an ndarray, not a Tensor: wrap it with "
                "tm.tensor(x, dtype=tm.float64, requires_grad=True)" if arrays else "")
        raise ValueError(f"{where}: no input requires grad, so there is nothing to check{hint}")
    _check_float64(where, labels, tensors)
    return _Checked(call, tensors, labels)


def _takes_no_arguments(func: Callable[..., Outputs], where: str) -> None:
    """Refuse a ``func`` that needs arguments, for a Module's check, which calls it with none."""
    try:
        inspect.signature(func).bind()
    except TypeError:
        raise TypeError(
            f"{where}: with a Module as inputs, func is called with no arguments, but it takes "
            "some; close over the data instead, e.g. lambda: loss(model(x))"
        ) from None
    except ValueError:  # no signature to read (some builtins): let the call decide
        pass


def _check_float64(where: str, labels: Sequence[str], tensors: Sequence[Tensor]) -> None:
    """Refuse any checked tensor that is not float64, naming it."""
    for label, tensor in zip(labels, tensors):
        if tensor.dtype != np.float64:
            raise TypeError(
                f"{where}: {label} is {tensor.dtype}; finite differences are only accurate in "
                "float64: create it with dtype=tm.float64"
            )


def _as_list(outputs: Outputs) -> list[Tensor]:
    return [outputs] if isinstance(outputs, Tensor) else list(outputs)


def _checked_grads(checked: _Checked, grads: Sequence[Tensor | None]) -> None:
    """Refuse a gradient shaped unlike its input (a VJP that forgot to unbroadcast, say)."""
    for label, tensor, g in zip(checked.labels, checked.inputs, grads):
        if g is not None and g.shape != tensor.shape:
            raise GradcheckError(
                f"gradcheck: backward gave a gradient of shape {g.shape} for {label}, "
                f"which has shape {tensor.shape}"
            )


def _vjp(checked: _Checked, out: Tensor, seed: Array) -> list[Array | None]:
    """dL/d(input) for each checked input, for L = Σ seed · out (None where unused)."""
    grads = grad(out, checked.inputs, grad_outputs=Tensor(seed), retain_graph=True,
                 allow_unused=True)
    _checked_grads(checked, grads)
    return [None if g is None else g.data for g in grads]


def _check_reentrant(checked: _Checked, out: Tensor, k: int, seed: Array,
                     first: list[Array | None], nondet_tol: float) -> None:
    """Raise unless backward for ``seed`` again gives ``first``, what it gave the first time."""
    for label, g, again in zip(checked.labels, first, _vjp(checked, out, seed)):
        difference = _largest_difference(g, again)
        if difference > nondet_tol:
            raise GradcheckError(
                f"gradcheck: backward is not reentrant: output {k}, run twice with the same "
                f"gradient, gave {label} gradients that differ by up to {difference:.3g} "
                f"(nondet_tol {nondet_tol:g}); a rule changes state it reads, or is random"
            )


def _largest_difference(a: Array | None, b: Array | None) -> float:
    """max |a - b|, where equal values (infinities, NaNs included) differ by 0."""
    if a is None or b is None:
        return 0.0 if a is None and b is None else float("inf")
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    gaps = np.where(same, 0.0, np.abs(a - b))
    return float(np.max(np.nan_to_num(gaps, nan=np.inf), initial=0.0))


def _check_zero_grad_output(checked: _Checked) -> None:
    """Raise unless backward gives zero gradients for a zero incoming gradient.

    A rule that forgot to multiply by g passes the Jacobian test whenever g
    is 1, as it is for a one-element output.
    """
    for k, out in enumerate(checked.call()):
        if not out.requires_grad:
            continue
        for label, g in zip(checked.labels, _vjp(checked, out, np.zeros(out.shape))):
            if g is not None and np.any(g != 0):
                raise GradcheckError(
                    f"gradcheck: backward is not multiplied by grad_output: output {k} with a "
                    f"gradient of zeros gave {label} a nonzero gradient (largest |value| "
                    f"{np.max(np.abs(g)):.3g}); a rule must scale by the incoming gradient"
                )


def _analytic_jacobians(checked: _Checked, nondet_tol: float) -> list[list[Array]]:
    """J[k][i] of shape (outputs[k].size, inputs[i].size), row by row from backward.

    Rows of outputs that need no grad stay zero. Each output's first row is
    computed twice, to check that backward gives the same result again.
    """
    outputs = checked.call()
    jacobians = []
    for k, out in enumerate(outputs):
        rows = [np.zeros((out.size, t.size)) for t in checked.inputs]
        if out.requires_grad:
            for row in range(out.size):
                seed = np.zeros(out.shape)
                seed.flat[row] = 1.0
                grads = _vjp(checked, out, seed)
                for rows_i, g in zip(rows, grads):
                    if g is not None:
                        rows_i[row] = g.ravel()
                if row == 0:
                    _check_reentrant(checked, out, k, seed, grads, nondet_tol)
        jacobians.append(rows)
    return jacobians


def _numeric_jacobians(checked: _Checked, eps: float) -> list[list[Array]]:
    """J[k][i] by central differences, perturbing one element of one input at a time.

    Grad mode stays on: the function may itself call backward (gradgradcheck).
    """
    sizes = [out.size for out in checked.call()]
    jacobians = [[np.zeros((n, t.size)) for t in checked.inputs] for n in sizes]
    for i, tensor in enumerate(checked.inputs):
        original, counter = tensor.data, list(tensor._counter)
        tensor.data = original.copy()
        try:
            for j in range(tensor.size):
                tensor.data.flat[j] = original.flat[j] + eps
                plus = [out.data.ravel().copy() for out in checked.call()]
                tensor.data.flat[j] = original.flat[j] - eps
                minus = [out.data.ravel().copy() for out in checked.call()]
                tensor.data.flat[j] = original.flat[j]
                for k, (p, m) in enumerate(zip(plus, minus)):
                    jacobians[k][i][:, j] = (p - m) / (2 * eps)
        finally:
            tensor._data, tensor._counter[:] = original, counter  # as if never touched
    return jacobians


def _projections(
    checked: _Checked, eps: float, seed: int, nondet_tol: float
) -> tuple[list[Array], list[Array], list[float], list[float]]:
    """uᵀ J v for random u, v: analytic from one backward, numeric from two forwards.

    As in PyTorch, u and v are uniform in [0, 1) and scaled to length 1, one
    per output and one per input.
    """
    rng = np.random.default_rng(seed)
    directions = [_unit(rng.random(t.shape)) for t in checked.inputs]
    outputs = checked.call()
    weights = [_unit(rng.random(out.shape)) for out in outputs]
    analytic = []
    for k, (out, u) in enumerate(zip(outputs, weights)):
        projections = np.zeros(len(checked.inputs))  # an output that needs no grad: J = 0
        if out.requires_grad:
            grads = _vjp(checked, out, u)
            _check_reentrant(checked, out, k, u, grads, nondet_tol)
            for i, (g, v) in enumerate(zip(grads, directions)):
                if g is not None:
                    projections[i] = float(np.sum(g * v))
        analytic.append(projections)
    numeric = [np.zeros(len(checked.inputs)) for _ in outputs]
    for i, (tensor, v) in enumerate(zip(checked.inputs, directions)):
        original, counter = tensor.data, list(tensor._counter)
        try:
            tensor.data = original + eps * v
            plus = [out.data.copy() for out in checked.call()]
            tensor.data = original - eps * v
            minus = [out.data.copy() for out in checked.call()]
        finally:
            tensor._data, tensor._counter[:] = original, counter
        for k, (p, m, u) in enumerate(zip(plus, minus, weights)):
            numeric[k][i] = float(np.sum(u * (p - m))) / (2 * eps)
    return analytic, numeric, [float(np.sum(u)) for u in weights], [
        float(np.sum(v)) for v in directions]


def _unit(vector: Array) -> Array:
    """``vector`` scaled to length 1 (a 0-element one stays as it is)."""
    length = float(np.linalg.norm(vector))
    return vector / length if length else vector


def gradcheck(
    func: Callable[..., Outputs],
    inputs: Inputs,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    nondet_tol: float = 0.0,
    fast_mode: bool = False,
    raise_exception: bool = True,
    seed: int = 0,
) -> bool:
    """Compare the gradients of ``func(*inputs)`` with central finite differences.

    Outputs that do not require grad (a count, a detached accuracy) are left
    out when another output requires grad, as in PyTorch; when none does,
    their numeric Jacobians must be zero.

    Args:
        func: returns a Tensor or a sequence of Tensors.
        inputs: the tensors to pass to ``func`` (those requiring grad are
            checked), or a Module: then ``func()`` is called with no
            arguments and every parameter of the module is checked.
        eps: the finite-difference step.
        atol: absolute tolerance (in ``fast_mode`` scaled by Σu · Σv, as in
            PyTorch, since a projection adds up the Jacobian's elements).
        rtol: relative tolerance: an element passes when
            ``|analytic - numeric| <= atol + rtol * |numeric|``.
        nondet_tol: how far two backward runs with the same gradient may
            differ (0: they must agree exactly).
        fast_mode: compare a random projection uᵀ J v per input instead of
            the whole Jacobian (per output, one backward plus one rerun to
            check it repeats; per input, two forward passes).
        raise_exception: raise ``GradcheckError`` on a mismatch; else return
            False.
        seed: seeds the random projections of ``fast_mode``.

    Returns:
        True when every gradient agrees.

    Raises:
        GradcheckError: naming the input, the worst element, both values and
            their absolute and relative error; its ``analytic`` and
            ``numeric`` attributes hold the two Jacobians. Also raised when
            backward returns a gradient shaped unlike its input, a nonzero
            gradient for a zero incoming gradient, or different gradients
            when run twice.
        TypeError: for inputs that require grad but are not float64.
        ValueError: when no input requires grad.
    """
    return _compare(_prepare(func, inputs, "gradcheck"), eps, atol, rtol, nondet_tol, fast_mode,
                    raise_exception, seed)


def _compare(checked: _Checked, eps: float, atol: float, rtol: float, nondet_tol: float,
             fast_mode: bool, raise_exception: bool, seed: int) -> bool:
    """Run the check gradcheck describes on prepared tensors."""
    try:
        if fast_mode:
            _compare_projections(checked, eps, atol, rtol, seed, nondet_tol)
        else:
            _compare_jacobians(checked, eps, atol, rtol, nondet_tol)
        _check_zero_grad_output(checked)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def _off(analytic: Array, numeric: Array, atol: float | Array, rtol: float) -> Array:
    """Where analytic and numeric disagree; written so that a NaN on either side counts."""
    within: Array = np.abs(analytic - numeric) <= atol + rtol * np.abs(numeric)
    return ~within


def _compare_projections(
    checked: _Checked, eps: float, atol: float, rtol: float, seed: int, nondet_tol: float
) -> None:
    """Raise GradcheckError at the first output whose projections uᵀJv disagree.

    ``atol`` bounds each element of J - J_numeric, so it is scaled by
    Σu · Σv for a projection, as PyTorch scales it.
    """
    analytic, numeric, u_sums, v_sums = _projections(checked, eps, seed, nondet_tol)
    for k in checked.compared(checked.call()):
        a, n = analytic[k], numeric[k]
        tolerance = atol * u_sums[k] * np.array(v_sums)
        bad = _off(a, n, tolerance, rtol)
        if bad.any():
            i = int(np.argmax(np.abs(a - n) * bad))
            error = abs(a[i] - n[i])
            raise GradcheckError(
                f"gradcheck (fast): output {k}, {checked.labels[i]} (shape "
                f"{checked.inputs[i].shape}): projection uᵀJv is {a[i]:.10g} by backward "
                f"but {n[i]:.10g} numerically (abs error {error:.3g}, rel error "
                f"{_relative(error, n[i]):.3g}; atol {atol:g}, times Σu·Σv: "
                f"{tolerance[i]:.3g}, rtol {rtol:g})",
                a, n,
            )


def _compare_jacobians(
    checked: _Checked, eps: float, atol: float, rtol: float, nondet_tol: float
) -> None:
    """Raise GradcheckError at the worst element of the first Jacobian that disagrees."""
    analytic = _analytic_jacobians(checked, nondet_tol)
    numeric = _numeric_jacobians(checked, eps)
    for k in checked.compared(checked.call()):
        for i, (a, n) in enumerate(zip(analytic[k], numeric[k])):
            error = np.abs(a - n)
            bad = _off(a, n, atol, rtol)
            if bad.any():
                row, col = np.unravel_index(int(np.argmax(error * bad)), a.shape)
                shape = checked.inputs[i].shape
                element = tuple(int(c) for c in np.unravel_index(int(col), shape))
                relative = _relative(error[row, col], n[row, col])
                raise GradcheckError(
                    f"gradcheck: Jacobian of output {k} with respect to {checked.labels[i]} "
                    f"(shape {shape}) disagrees at element {element} of the input and "
                    f"{int(row)} of the output (flat): analytic {a[row, col]:.10g}, numeric "
                    f"{n[row, col]:.10g}, abs error {error[row, col]:.3g}, rel error "
                    f"{relative:.3g} (atol {atol:g}, rtol {rtol:g}); {int(bad.sum())} of "
                    f"{bad.size} entries are off",
                    a, n,
                )


def _relative(error: float, numeric: float) -> float:
    """|analytic - numeric| / |numeric|, infinite when the numeric value is 0."""
    return float(error / abs(numeric)) if numeric != 0 else float("inf")


def gradgradcheck(
    func: Callable[..., Outputs],
    inputs: Inputs,
    grad_outputs: Sequence[Tensor] | Tensor | None = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    nondet_tol: float = 0.0,
    fast_mode: bool = False,
    raise_exception: bool = True,
    seed: int = 0,
) -> bool:
    """Check second derivatives: gradcheck the vector-Jacobian product of ``func``.

    The function checked is (x, v) ↦ vᵀ ∂f/∂x, computed by backward with
    ``create_graph=True``; its own gradients with respect to x (second
    derivatives of f) and v come from a second backward. A first derivative
    that does not require grad (a rule whose backward left the graph) is
    checked as having second derivatives of zero.

    Args:
        func: as for ``gradcheck``.
        inputs: as for ``gradcheck``: the tensors to pass to ``func`` (those
            requiring grad are checked), or a Module whose parameters are
            checked through ``func()``.
        grad_outputs: the vectors v, one per output of ``func``; random
            float64 ones by default.
        eps: see ``gradcheck``.
        atol: see ``gradcheck``.
        rtol: see ``gradcheck``.
        nondet_tol: see ``gradcheck``.
        fast_mode: see ``gradcheck``.
        raise_exception: see ``gradcheck``.
        seed: seeds the random ``grad_outputs`` and projections.

    Returns:
        True when every second derivative agrees.

    Raises:
        GradcheckError: as for ``gradcheck``; its inputs are the checked
            inputs of ``func`` followed by the ``grad_outputs`` that require
            grad (named ``grad_outputs[k]``), its outputs the first
            derivatives, one per checked input.
        TypeError: for inputs or grad_outputs that require grad but are not
            float64.
        ValueError: when no input requires grad, or grad_outputs does not
            have one tensor per output of ``func``.
    """
    checked = _prepare(func, inputs, "gradgradcheck")
    outputs = checked.call()
    if grad_outputs is None:
        rng = np.random.default_rng(seed)
        vectors = [Tensor(rng.standard_normal(o.shape), requires_grad=True) for o in outputs]
    else:
        vectors = _as_list(grad_outputs)
        if len(vectors) != len(outputs):
            raise ValueError(
                f"gradgradcheck: func returned {len(outputs)} outputs but grad_outputs has "
                f"{len(vectors)} tensors; give one per output"
            )

    def first_derivatives() -> list[Tensor]:
        # gradcheck perturbs checked.inputs and the vectors in place, so both are read here.
        used = [(o, v) for o, v in zip(checked.call(), vectors) if o.requires_grad]
        grads = grad([o for o, _ in used], checked.inputs, grad_outputs=[v for _, v in used],
                     create_graph=True, allow_unused=True)
        return [g if g is not None else Tensor(np.zeros(x.shape))
                for g, x in zip(grads, checked.inputs)]

    checked_vectors = [(f"grad_outputs[{k}]", v) for k, v in enumerate(vectors) if v.requires_grad]
    labels = [*checked.labels, *(label for label, _ in checked_vectors)]
    tensors = [*checked.inputs, *(v for _, v in checked_vectors)]
    _check_float64("gradgradcheck", labels, tensors)
    return _compare(_Checked(first_derivatives, tensors, labels, skip_constants=False), eps, atol,
                    rtol, nondet_tol, fast_mode, raise_exception, seed)
