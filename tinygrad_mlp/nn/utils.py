"""``nn.utils``, with PyTorch's names: gradient clipping, and all parameters as one vector.

Gradient clipping is called between ``backward`` and ``step``.

The clipping functions change the ``.grad`` of the parameters they are given,
in place, and skip parameters whose ``.grad`` is None:

| function | each gradient g becomes |
| --- | --- |
| ``clip_grad_norm_`` | g · min(1, max_norm / (‖(‖g₁‖ₚ, …, ‖gₙ‖ₚ)‖ₚ + 10⁻⁶)) |
| ``clip_grads_with_norm_`` | g · min(1, max_norm / (total_norm + 10⁻⁶)), the total given |
| ``clip_grad_value_`` | min(max(g, -clip_value), clip_value), element by element |

``get_total_norm`` computes ``clip_grad_norm_``'s total ‖(‖t₁‖ₚ, …, ‖tₙ‖ₚ)‖ₚ of
any tensors; with ``clip_grads_with_norm_`` it splits ``clip_grad_norm_`` in two.

*In place* means the same ``.grad`` Tensor, with new values and its version
bumped, as an optimizer step bumps a parameter's: a graph that saved the old
gradient (one built with ``create_graph=True``, say) then refuses to
backpropagate stale values. The new values go into a new array rather than
into the old one, because the old one may not be the gradient's alone: with
``create_graph=True`` a ``.grad`` can be a read-only broadcast of a single
number, or memory another tensor of the graph reads.

``parameters_to_vector`` joins the parameters into one 1-D tensor, in the
graph (the form a finite-difference check or a Hessian-vector product over
every weight wants), and ``vector_to_parameters`` writes such a vector back.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tinygrad_mlp import checks
from tinygrad_mlp.optim._arguments import check_bool, check_real
from tinygrad_mlp.tensor import Tensor, cat

Array = NDArray[Any]
Parameters = Tensor | Iterable[Tensor]

#: added to the total norm before dividing by it, as PyTorch does, so that an
#: all-zero gradient (norm 0) gives a finite coefficient instead of max_norm / 0
EPSILON = 1e-6


def clip_grad_norm_(
    parameters: Parameters,
    max_norm: float,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """Scale all gradients together so that their total norm is at most ``max_norm``.

    The total norm is the p-norm (p = ``norm_type``) of the vector of each
    gradient's own p-norm, which equals the p-norm of all the gradients laid
    end to end::

        total = ‖(‖g₁‖ₚ, …, ‖gₙ‖ₚ)‖ₚ       ‖x‖ₚ = (Σ |xᵢ|ᵖ)^(1/p),   ‖x‖∞ = max |xᵢ|
        coef  = max_norm / (total + 1e-6)
        gᵢ    = coef · gᵢ                  for every i, when coef < 1

    Every gradient is scaled by the same factor, so their direction is kept.
    When coef >= 1 (the total is at most ``max_norm - 1e-6``) the gradients are
    left as they are (PyTorch multiplies them by 1.0; the values are the same).
    p may also be 0 (the count of nonzero entries), -inf (min |xᵢ|) or any
    other real number, with ``torch.linalg.vector_norm``'s definitions. Unless
    ``error_if_nonfinite``, a NaN total makes coef, and every gradient, NaN; an
    infinite one makes coef 0, and the gradients 0 (NaN where they were inf).

    Args:
        parameters: a Tensor or an iterable of Tensors (a generator is read
            once); those whose ``.grad`` is None are skipped. A gradient listed
            twice counts, and is scaled, once.
        max_norm: the largest total norm to allow. As in PyTorch it is not
            checked to be positive: 0 zeroes the gradients.
        norm_type: p, a number, or ``'inf'`` for the max norm.
        error_if_nonfinite: raise instead of scaling when the total norm is
            NaN or infinite.
        foreach: accepted for PyTorch's signature and ignored: PyTorch uses it
            to choose between two kernels that compute the same values.

    Returns:
        The total norm before clipping, as a 0-d Tensor that does not require
        grad, in the gradients' dtype (0.0 in the default dtype when there are
        no gradients).

    Raises:
        TypeError: if ``parameters`` is not a Tensor or an iterable of Tensors,
            or an argument has the wrong type.
        ValueError: if ``norm_type`` is NaN.
        RuntimeError: if ``error_if_nonfinite`` and the total norm is NaN or
            infinite, or for the max norm (or -inf) of a gradient with no
            elements, which PyTorch does not define.

    Example:
        >>> import tinygrad_mlp as tm
        >>> w = tm.tensor([0.0, 0.0], requires_grad=True)
        >>> w.grad = tm.tensor([3.0, 4.0])
        >>> clip_grad_norm_([w], max_norm=1.0)
        tensor(5.)
        >>> w.grad  # (0.6, 0.8) · 5 / (5 + 1e-6)
        tensor([0.59999988, 0.79999984])
        >>> clip_grad_norm_([w], max_norm=1.0, norm_type="inf")  # under max_norm: no change
        tensor(0.79999984)
    """
    where = "clip_grad_norm_"
    params = _parameters(where, parameters)
    max_norm = check_real(where, "max_norm", max_norm)
    order = _norm_order(where, norm_type)
    error_if_nonfinite = check_bool(where, "error_if_nonfinite", error_if_nonfinite)
    _check_foreach(where, foreach)
    grads = _grads(params)
    total = _total_norm(where, grads, order, error_if_nonfinite)
    _scale(grads, max_norm, total)
    return _norm_tensor(total, grads)


def get_total_norm(
    tensors: Parameters,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """The p-norm of all the tensors' entries laid end to end: ``clip_grad_norm_``'s total.

    ::

        total = ‖(‖t₁‖ₚ, …, ‖tₙ‖ₚ)‖ₚ       ‖x‖ₚ = (Σ |xᵢ|ᵖ)^(1/p),   ‖x‖∞ = max |xᵢ|

    with ``torch.linalg.vector_norm``'s definitions for p = 0, ±inf and any
    other real p. The tensors' own values count (pass ``[p.grad for p in
    params]`` for the gradients' norm), each as often as it is listed.
    ``clip_grads_with_norm_`` then scales gradients by it, which lets the norm
    be gathered or logged between the two.

    Args:
        tensors: a Tensor or an iterable of Tensors of floating dtype.
        norm_type: p, a number, or ``'inf'`` for the max norm.
        error_if_nonfinite: raise if the total norm is NaN or infinite.
        foreach: accepted for PyTorch's signature and ignored.

    Returns:
        The total norm, a 0-d Tensor that does not require grad, in the
        tensors' dtype (0.0 in the default dtype when there are none).

    Raises:
        TypeError: if ``tensors`` is not a Tensor or an iterable of Tensors,
            one of them is not of a floating dtype, or an argument has the
            wrong type.
        ValueError: if ``norm_type`` is NaN.
        RuntimeError: if ``error_if_nonfinite`` and the total norm is NaN or
            infinite, or for the max norm (or -inf) of a tensor with no
            elements.

    Example:
        >>> import tinygrad_mlp as tm
        >>> get_total_norm([tm.tensor([3.0]), tm.tensor([[4.0]])])
        tensor(5.)
    """
    where = "get_total_norm"
    values = checks.tensors(where, "tensors", tensors)
    order = _norm_order(where, norm_type)
    error_if_nonfinite = check_bool(where, "error_if_nonfinite", error_if_nonfinite)
    _check_foreach(where, foreach)
    for index, tensor in enumerate(values):
        if tensor.dtype.kind != "f":
            raise TypeError(f"{where}: tensors[{index}] has dtype {tensor.dtype}; a norm needs "
                            "a floating dtype")
    return _norm_tensor(_total_norm(where, values, order, error_if_nonfinite), values)


def clip_grads_with_norm_(
    parameters: Parameters,
    max_norm: float,
    total_norm: Tensor | float,
    foreach: bool | None = None,
) -> None:
    """Scale every gradient by min(1, max_norm / (total_norm + 1e-6)), in place.

    ``clip_grad_norm_`` with the total norm given (as ``get_total_norm``
    computed it, say, or gathered from several workers), so the norm is not
    computed again. A gradient listed twice is scaled once.

    Args:
        parameters: a Tensor or an iterable of Tensors (a generator is read
            once); those whose ``.grad`` is None are skipped.
        max_norm: the largest total norm to allow.
        total_norm: the gradients' total norm, a one-element Tensor or a number.
        foreach: accepted for PyTorch's signature and ignored.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if ``total_norm`` is a Tensor with more than one element.

    Example:
        >>> import tinygrad_mlp as tm
        >>> w = tm.tensor([0.0, 0.0], requires_grad=True)
        >>> w.grad = tm.tensor([3.0, 4.0])
        >>> clip_grads_with_norm_([w], max_norm=2.5, total_norm=get_total_norm([w.grad]))
        >>> w.grad  # (3, 4) · 2.5 / (5 + 1e-6)
        tensor([1.4999997, 1.9999996])
    """
    where = "clip_grads_with_norm_"
    params = _parameters(where, parameters)
    max_norm = check_real(where, "max_norm", max_norm)
    if isinstance(total_norm, Tensor):
        if total_norm.numel() != 1:
            raise ValueError(f"{where}: total_norm must have one element, got a Tensor of "
                             f"shape {total_norm.shape}")
        total = float(total_norm.item())
    else:
        total = check_real(where, "total_norm", total_norm)
    _check_foreach(where, foreach)
    _scale(_grads(params), max_norm, total)


def clip_grad_value_(
    parameters: Parameters, clip_value: float, foreach: bool | None = None
) -> None:
    """Clamp every gradient entry to the interval [-clip_value, clip_value].

    Each entry becomes min(max(g, -clip_value), clip_value), independently of
    the others, so unlike ``clip_grad_norm_`` this can turn the gradient's
    direction. As in PyTorch, ``clip_value`` is not checked to be positive: a
    negative one sets every entry to ``clip_value``.

    Args:
        parameters: a Tensor or an iterable of Tensors (a generator is read
            once); those whose ``.grad`` is None are skipped.
        clip_value: the largest magnitude an entry may keep.
        foreach: accepted for PyTorch's signature and ignored: PyTorch uses it
            to choose between two kernels that compute the same values.

    Raises:
        TypeError: if ``parameters`` is not a Tensor or an iterable of Tensors,
            or an argument has the wrong type.

    Example:
        >>> import tinygrad_mlp as tm
        >>> w = tm.tensor([0.0, 0.0, 0.0], requires_grad=True)
        >>> w.grad = tm.tensor([-3.0, 0.25, 2.0])
        >>> clip_grad_value_(w, clip_value=1.0)
        >>> w.grad
        tensor([-1.  ,  0.25,  1.  ])
    """
    where = "clip_grad_value_"
    params = _parameters(where, parameters)
    clip_value = check_real(where, "clip_value", clip_value)
    _check_foreach(where, foreach)
    for grad in _grads(params):
        # max then min, PyTorch's order, which decides the result when -clip_value > clip_value
        clamped = np.maximum(grad.data, -clip_value, out=np.empty_like(grad.data))
        grad.data = np.minimum(clamped, clip_value, out=clamped)


def parameters_to_vector(parameters: Parameters) -> Tensor:
    """The parameters flattened and joined, in order, into one 1-D tensor, in the graph.

    Gradients flow back to each parameter, as through ``tm.cat``, whose
    dtype rules the result follows.

    Raises:
        TypeError: if ``parameters`` is not a Tensor or an iterable of Tensors.
        ValueError: if there are no parameters (PyTorch's ``cat`` refuses too).
    """
    params = checks.tensors("parameters_to_vector", "parameters", parameters)
    if not params:
        raise ValueError("parameters_to_vector: no parameters to join")
    return cat([p.reshape(-1) for p in params])


def vector_to_parameters(vec: Tensor, parameters: Parameters) -> None:
    """Set each parameter's ``.data`` to its slice of ``vec``: ``parameters_to_vector`` undone.

    As in PyTorch, each parameter then shares memory with ``vec`` (its data
    is a view of the slice, in ``vec``'s dtype), and the assignment is not
    recorded in the graph; like any ``.data`` assignment it counts as an
    in-place change of the parameter.

    Raises:
        TypeError: if ``vec`` is not a Tensor, or ``parameters`` not Tensors.
        ValueError: if ``vec`` is not 1-D, or its length is not the number of
            the parameters' elements (PyTorch ignores extra elements). This is
            checked first: on an error no parameter has changed.
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"vector_to_parameters: vec must be a Tensor, got {type(vec).__name__}")
    params = checks.tensors("vector_to_parameters", "parameters", parameters)
    total = sum(p.numel() for p in params)
    if vec.ndim != 1 or len(vec.data) != total:
        raise ValueError(f"vector_to_parameters: vec must be 1-D with the parameters' {total} "
                         f"elements, got shape {vec.shape}")
    start = 0
    for p in params:
        p.data = vec.data[start:start + p.numel()].reshape(p.shape)
        start += p.numel()


def _parameters(where: str, parameters: Parameters) -> list[Tensor]:
    """The parameters as a list, read once; warns for an empty iterator, as PyTorch does."""
    params = checks.tensors(where, "parameters", parameters)
    if not params and isinstance(parameters, Iterator):
        # Most likely model.parameters() already consumed by an earlier loop.
        warnings.warn(f"{where}: `parameters` is an empty iterator (a generator used up "
                      "already?), so no gradient is clipped", stacklevel=3)
    return params


def _grads(params: list[Tensor]) -> list[Tensor]:
    """The ``.grad`` Tensors that are not None, each once, in order."""
    grads: dict[int, Tensor] = {}
    for p in params:
        grad = p.grad
        if grad is not None:
            grads.setdefault(id(grad), grad)
    return list(grads.values())


def _total_norm(where: str, tensors: list[Tensor], order: float,
                error_if_nonfinite: bool) -> float:
    """The p-norm of the tensors' p-norms (0 for no tensors), in float64."""
    if not tensors:
        return 0.0
    norms = [_vector_norm(where, tensor.data, order) for tensor in tensors]
    total = _vector_norm(where, np.array(norms), order)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"{where}: the total norm of order {order} of the gradients is {total}, which is "
            "not finite, so they cannot be clipped; pass error_if_nonfinite=False to scale "
            "them by it anyway"
        )
    return total


def _norm_tensor(total: float, tensors: list[Tensor]) -> Tensor:
    """``total`` as a 0-d Tensor of the tensors' dtype (the default dtype if there are none)."""
    if not tensors:
        return Tensor(0.0)
    dtype = np.result_type(*[tensor.dtype for tensor in tensors])
    return Tensor(np.array(total, dtype=dtype))


def _scale(grads: list[Tensor], max_norm: float, total: float) -> None:
    """Multiply each of ``grads`` by min(1, max_norm / (total + 1e-6)), each a new array."""
    coef = max_norm / (total + EPSILON)
    if coef < 1 or math.isnan(coef):  # a NaN coefficient spreads to the gradients, as in PyTorch
        for grad in grads:
            # out= keeps a 0-d gradient an array (numpy turns 0-d results into scalars);
            # inf · 0, from an infinite total, is NaN as in PyTorch, so no warning.
            with np.errstate(invalid="ignore"):
                grad.data = np.multiply(grad.data, coef, out=np.empty_like(grad.data))


def _norm_order(where: str, norm_type: object) -> float:
    """``norm_type`` as a float; a string such as ``'inf'`` is read by ``float``, as PyTorch does.

    NaN is refused: no norm has that order (PyTorch returns a NaN norm).
    """
    if isinstance(norm_type, str):
        try:
            order = float(norm_type)
        except ValueError:
            raise TypeError(
                f"{where}: norm_type must be a number or 'inf', got {norm_type!r}"
            ) from None
    else:
        order = check_real(where, "norm_type", norm_type)
    if math.isnan(order):
        raise ValueError(f"{where}: norm_type must be a number or 'inf', got {norm_type!r}")
    return order


def _check_foreach(where: str, foreach: object) -> None:
    """Refuse a ``foreach`` other than None, True or False (its value is otherwise unused)."""
    if foreach is not None:
        check_bool(where, "foreach", foreach)


def _vector_norm(where: str, values: Array, order: float) -> float:
    """The p-norm of all entries of ``values``, as ``torch.linalg.vector_norm`` defines it.

    Computed in float64, so float32 gradients neither overflow nor lose
    digits on the way; ``clip_grad_norm_`` casts the result back.
    """
    magnitudes = np.abs(values, dtype=np.float64)
    if math.isinf(order):
        if magnitudes.size == 0:
            raise RuntimeError(
                f"{where}: the norm of order {order} of a gradient with no elements (shape "
                f"{values.shape}) is undefined: max and min have no identity"
            )
        return float(magnitudes.max() if order > 0 else magnitudes.min())
    if order == 0:
        return float(np.count_nonzero(magnitudes))
    # A negative order raises 0 to a negative power: inf, whose reciprocal is the 0 wanted.
    with np.errstate(divide="ignore", over="ignore"):
        return float(np.sum(magnitudes**order) ** (1.0 / order))
