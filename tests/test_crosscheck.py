"""Random programs of the engine's ops against HIPS autograd (and PyTorch, when installed).

A *program* is a few float64 leaves and a list of instructions. Each
instruction applies one op to registers made earlier (the leaves are the first
registers) and appends its result, so a register can be read many times and
the graph is a DAG with shared nodes. A scalar loss weighs a couple of
registers. Every register's shape comes from a family that composes: at most
two dims, each of size 1 or k (k = 1..4). Any two such shapes broadcast to a
third, and reductions, matmul, indexing and reshapes stay inside the family.

Each op is written once, as math, against a small backend: ``Engine`` calls
Tensor methods and operators, ``Hips`` calls ``autograd.numpy``, ``Torch``
calls torch. The tests compare values, gradients with respect to every leaf
and Hessian-vector products to 1e-9 relative in float64.

Values stay where every system is smooth and finite. Denominators and log
arguments are 1 + x², arguments of asin, acos and atanh x / (1 + x²), which
is within ±½, and real exponents get a positive base. While a program
is drawn, each instruction is evaluated and dropped if its result is not
finite or exceeds ``LIMIT``, or if an input sits within ``KINK`` of a point
where the systems' conventions differ: relu's kink, clamp's limits, a tie for
max, a zero tensor exponent.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from autograd.tracer import getval
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tests.strategies import MAX_SIDE, arrays, floats_between, leaf
from tinygrad_mlp import ops

Shape = tuple[int, ...]
Params = dict[str, Any]
Draw = Callable[[st.SearchStrategy[Any]], Any]

TOLERANCE = {"rtol": 1e-9, "atol": 1e-12}
LIMIT = 100.0  # largest magnitude a register may hold
KINK = 1e-6  # how far inputs stay from kinks, limits, ties and zero exponents


def shape_family(k: int) -> list[Shape]:
    """Every shape of at most 2 dims whose sides are 1 or k (closed under broadcasting).

    The fullest shapes come first, so that is where hypothesis starts and shrinks to.
    """
    shapes = [(k, k), (k,), (k, 1), (1, k), (), (1,), (1, 1)]
    return list(dict.fromkeys(shapes))  # without the repeats k = 1 makes


# ---------------------------------------------------------------- backends
# Each backend offers the same small vocabulary. The arithmetic operators
# (+ - * / ** @ and indexing) are not in it: ops use Python's own syntax.


class Engine:
    """The engine under test: Tensor methods and operators, spelled as a user would."""

    def leaf(self, array: np.ndarray) -> tm.Tensor:
        return leaf(array)

    def constant(self, array: np.ndarray) -> np.ndarray:
        return array  # Tensor operators accept ndarrays

    def to_numpy(self, x: tm.Tensor) -> np.ndarray:
        return x.data

    def grad(self, output: Any, inputs: list[Any], create_graph: bool) -> Sequence[Any]:
        return tm.grad(output, inputs, create_graph=create_graph, allow_unused=True)

    def clone(self, x: tm.Tensor) -> tm.Tensor:
        return x.clone()

    def exp(self, x: tm.Tensor) -> tm.Tensor:
        return x.exp()

    def log(self, x: tm.Tensor) -> tm.Tensor:
        return x.log()

    def tanh(self, x: tm.Tensor) -> tm.Tensor:
        return x.tanh()

    def sigmoid(self, x: tm.Tensor) -> tm.Tensor:
        return x.sigmoid()

    def relu(self, x: tm.Tensor) -> tm.Tensor:
        return x.relu()

    def clamp(self, x: tm.Tensor, low: float | None, high: float | None) -> tm.Tensor:
        return x.clamp(low, high)

    def linear(self, x: tm.Tensor, weight: tm.Tensor, bias: tm.Tensor | None) -> tm.Tensor:
        return tm.nn.functional.linear(x, weight, bias)

    def mse_loss(self, x: tm.Tensor, target: tm.Tensor, reduction: str) -> tm.Tensor:
        return tm.nn.functional.mse_loss(x, target, reduction)

    def sum(self, x: tm.Tensor, axis: Any, keepdims: bool) -> tm.Tensor:
        return x.sum(axis=axis, keepdims=keepdims)

    def mean(self, x: tm.Tensor, axis: Any, keepdims: bool) -> tm.Tensor:
        return x.mean(axis=axis, keepdims=keepdims)

    def amax(self, x: tm.Tensor, axis: Any, keepdims: bool) -> tm.Tensor:
        return x.amax(axis, keepdims)

    def logsumexp(self, x: tm.Tensor, axis: Any, keepdims: bool) -> tm.Tensor:
        return x.logsumexp(axis=axis, keepdims=keepdims)

    def softmax(self, x: tm.Tensor, axis: int) -> tm.Tensor:
        return x.softmax(axis)

    def log_softmax(self, x: tm.Tensor, axis: int) -> tm.Tensor:
        return x.log_softmax(axis)

    def reshape(self, x: tm.Tensor, shape: Shape, unpacked: bool) -> tm.Tensor:
        return x.reshape(*shape) if unpacked else x.reshape(shape)

    def expand(self, x: tm.Tensor, shape: Shape, unpacked: bool) -> tm.Tensor:
        return x.expand(*shape) if unpacked else x.expand(shape)

    def transpose(self, x: tm.Tensor, axes: Shape, how: str) -> tm.Tensor:
        spellings: dict[str, Callable[[], tm.Tensor]] = {
            ".T": lambda: x.T,
            ".mT": lambda: x.mT,
            ".transpose()": lambda: x.transpose(),
            ".permute(*axes)": lambda: x.permute(*axes),
            ".permute(axes)": lambda: x.permute(axes),
        }
        return spellings[how]()

    def getitem(self, x: tm.Tensor, index: Any) -> tm.Tensor:
        return x[index]

    def abs(self, x: tm.Tensor) -> tm.Tensor:
        return x.abs()

    def sqrt(self, x: tm.Tensor) -> tm.Tensor:
        return x.sqrt()

    def sin(self, x: tm.Tensor) -> tm.Tensor:
        return x.sin()

    def cos(self, x: tm.Tensor) -> tm.Tensor:
        return x.cos()

    def log1p(self, x: tm.Tensor) -> tm.Tensor:
        return x.log1p()

    def expm1(self, x: tm.Tensor) -> tm.Tensor:
        return x.expm1()

    def tan(self, x: tm.Tensor) -> tm.Tensor:
        return x.tan()

    def asin(self, x: tm.Tensor) -> tm.Tensor:
        return x.asin()

    def acos(self, x: tm.Tensor) -> tm.Tensor:
        return x.acos()

    def atan(self, x: tm.Tensor) -> tm.Tensor:
        return x.atan()

    def sinh(self, x: tm.Tensor) -> tm.Tensor:
        return x.sinh()

    def cosh(self, x: tm.Tensor) -> tm.Tensor:
        return x.cosh()

    def asinh(self, x: tm.Tensor) -> tm.Tensor:
        return x.asinh()

    def acosh(self, x: tm.Tensor) -> tm.Tensor:
        return x.acosh()

    def atanh(self, x: tm.Tensor) -> tm.Tensor:
        return x.atanh()

    def floor(self, x: tm.Tensor) -> tm.Tensor:
        return x.floor()

    def ceil(self, x: tm.Tensor) -> tm.Tensor:
        return x.ceil()

    def trunc(self, x: tm.Tensor) -> tm.Tensor:
        return x.trunc()

    def sign(self, x: tm.Tensor) -> tm.Tensor:
        return x.sign()

    def frac(self, x: tm.Tensor) -> tm.Tensor:
        return x.frac()

    def round(self, x: tm.Tensor, decimals: int) -> tm.Tensor:
        return x.round(decimals)

    def atan2(self, x: tm.Tensor, y: tm.Tensor) -> tm.Tensor:
        return tm.atan2(x, y)

    def maximum(self, x: tm.Tensor, y: tm.Tensor) -> tm.Tensor:
        return tm.maximum(x, y)

    def minimum(self, x: tm.Tensor, y: tm.Tensor) -> tm.Tensor:
        return tm.minimum(x, y)

    def where(self, condition: np.ndarray, x: tm.Tensor, y: tm.Tensor) -> tm.Tensor:
        return tm.where(condition, x, y)

    def amin(self, x: tm.Tensor, axis: Any, keepdims: bool) -> tm.Tensor:
        return x.amin(axis, keepdims)

    def var(self, x: tm.Tensor, axis: Any, keepdims: bool) -> tm.Tensor:
        return x.var(axis=axis, keepdims=keepdims)

    def std(self, x: tm.Tensor, axis: Any, keepdims: bool) -> tm.Tensor:
        return x.std(axis=axis, keepdims=keepdims)

    def cat(self, x: tm.Tensor, y: tm.Tensor) -> tm.Tensor:
        return tm.cat([x, y])

    def stack(self, x: tm.Tensor, y: tm.Tensor, dim: int) -> tm.Tensor:
        return tm.stack([x, y], dim)


def _anp_logsumexp(x: Any, axis: Any, keepdims: bool) -> Any:
    """Ln Σ eˣ in autograd.numpy, shifted by the maximum, which is held constant.

    (HIPS's own ``autograd.scipy.special.logsumexp`` needs scipy, which the test
    extra does not install.) The result does not depend on the shift, so it
    carries no gradient; that keeps max's tie rule out of this reference.
    """
    shift = np.max(getval(x), axis=axis, keepdims=True)
    total = anp.log(anp.sum(anp.exp(x - shift), axis=axis, keepdims=keepdims))
    return total + (shift if keepdims else np.squeeze(shift, axis=axis))


class Hips:
    """The reference: HIPS autograd's numpy, the math written out from definitions."""

    def leaf(self, array: np.ndarray) -> np.ndarray:
        return array

    def constant(self, array: np.ndarray) -> np.ndarray:
        return array

    def to_numpy(self, x: Any) -> np.ndarray:
        return np.asarray(x)

    def clone(self, x: Any) -> Any:
        return x * 1.0  # a copy; HIPS has no clone

    def exp(self, x: Any) -> Any:
        return anp.exp(x)

    def log(self, x: Any) -> Any:
        return anp.log(x)

    def tanh(self, x: Any) -> Any:
        return anp.tanh(x)

    def sigmoid(self, x: Any) -> Any:
        return 1.0 / (1.0 + anp.exp(-x))

    def relu(self, x: Any) -> Any:
        return anp.where(x > 0, x, 0.0)  # relu'(0) = 0, the engine's (and PyTorch's) choice

    def clamp(self, x: Any, low: float | None, high: float | None) -> Any:
        return anp.clip(x, low, high)

    def linear(self, x: Any, weight: Any, bias: Any) -> Any:
        out = anp.matmul(x, anp.transpose(weight))
        return out if bias is None else out + bias

    def mse_loss(self, x: Any, target: Any, reduction: str) -> Any:
        squares = (x - target) ** 2  # the target gets its gradient too, as in PyTorch
        return anp.mean(squares) if reduction == "mean" else anp.sum(squares)

    def sum(self, x: Any, axis: Any, keepdims: bool) -> Any:
        return anp.sum(x, axis=axis, keepdims=keepdims)

    def mean(self, x: Any, axis: Any, keepdims: bool) -> Any:
        return anp.mean(x, axis=axis, keepdims=keepdims)

    def amax(self, x: Any, axis: Any, keepdims: bool) -> Any:
        return anp.max(x, axis=axis, keepdims=keepdims)

    def logsumexp(self, x: Any, axis: Any, keepdims: bool) -> Any:
        return _anp_logsumexp(x, axis, keepdims)

    def softmax(self, x: Any, axis: int) -> Any:
        return anp.exp(self.log_softmax(x, axis))

    def log_softmax(self, x: Any, axis: int) -> Any:
        return x - _anp_logsumexp(x, axis, keepdims=True)

    def reshape(self, x: Any, shape: Shape, unpacked: bool) -> Any:
        return anp.reshape(x, shape)

    def expand(self, x: Any, shape: Shape, unpacked: bool) -> Any:
        # HIPS's broadcast_to VJP cannot add leading dims, so add them first as size 1.
        leading = (1,) * (len(shape) - anp.ndim(x))
        return anp.broadcast_to(anp.reshape(x, leading + anp.shape(x)), shape)

    def transpose(self, x: Any, axes: Shape, how: str) -> Any:
        return anp.transpose(x, axes)

    def getitem(self, x: Any, index: Any) -> Any:
        # x[()] and x[...] of a 0-d array are x itself; HIPS's getitem VJP cannot add
        # into a 0-d gradient (numpy's add.at refuses a numpy scalar).
        return x if anp.ndim(x) == 0 else x[index]

    def abs(self, x: Any) -> Any:
        return anp.abs(x)

    def sqrt(self, x: Any) -> Any:
        return anp.sqrt(x)

    def sin(self, x: Any) -> Any:
        return anp.sin(x)

    def cos(self, x: Any) -> Any:
        return anp.cos(x)

    def log1p(self, x: Any) -> Any:
        return anp.log1p(x)

    def expm1(self, x: Any) -> Any:
        return anp.expm1(x)

    def tan(self, x: Any) -> Any:
        return anp.tan(x)

    def asin(self, x: Any) -> Any:
        return anp.arcsin(x)

    def acos(self, x: Any) -> Any:
        return anp.arccos(x)

    def atan(self, x: Any) -> Any:
        return anp.arctan(x)

    def sinh(self, x: Any) -> Any:
        return anp.sinh(x)

    def cosh(self, x: Any) -> Any:
        return anp.cosh(x)

    def asinh(self, x: Any) -> Any:
        return anp.arcsinh(x)

    def acosh(self, x: Any) -> Any:
        return anp.arccosh(x)

    def atanh(self, x: Any) -> Any:
        return anp.arctanh(x)

    def floor(self, x: Any) -> Any:
        return anp.floor(x)

    def ceil(self, x: Any) -> Any:
        return anp.ceil(x)

    def trunc(self, x: Any) -> Any:
        return anp.trunc(x)

    def sign(self, x: Any) -> Any:
        return anp.sign(x)

    def frac(self, x: Any) -> Any:
        return x - anp.trunc(x)  # HIPS has no frac

    def round(self, x: Any, decimals: int) -> Any:
        return anp.round(x, decimals)

    def atan2(self, x: Any, y: Any) -> Any:
        return anp.arctan2(x, y)

    def maximum(self, x: Any, y: Any) -> Any:
        return anp.maximum(x, y)

    def minimum(self, x: Any, y: Any) -> Any:
        return anp.minimum(x, y)

    def where(self, condition: np.ndarray, x: Any, y: Any) -> Any:
        chosen = condition.astype(np.float64)  # HIPS's where does not unbroadcast its VJP
        return chosen * x + (1.0 - chosen) * y

    def amin(self, x: Any, axis: Any, keepdims: bool) -> Any:
        return anp.min(x, axis=axis, keepdims=keepdims)

    def var(self, x: Any, axis: Any, keepdims: bool) -> Any:
        return anp.var(x, axis=axis, keepdims=keepdims, ddof=1)

    def std(self, x: Any, axis: Any, keepdims: bool) -> Any:
        return anp.sqrt(self.var(x, axis, keepdims))

    def cat(self, x: Any, y: Any) -> Any:
        return anp.concatenate([x, y])

    def stack(self, x: Any, y: Any, dim: int) -> Any:
        return anp.stack([x, y], dim)


class Torch:
    """PyTorch, a second reference when it is installed."""

    def __init__(self, torch: Any) -> None:
        self.torch = torch

    def leaf(self, array: np.ndarray) -> Any:
        return self.torch.tensor(array, dtype=self.torch.float64, requires_grad=True)

    def constant(self, array: np.ndarray) -> Any:
        return self.torch.tensor(array, dtype=self.torch.float64)

    def to_numpy(self, x: Any) -> np.ndarray:
        return x.detach().numpy(force=True)  # force: abs's second derivative is a ZeroTensor

    def grad(self, output: Any, inputs: list[Any], create_graph: bool) -> Sequence[Any]:
        return self.torch.autograd.grad(
            output, inputs, create_graph=create_graph, allow_unused=True
        )

    def clone(self, x: Any) -> Any:
        return x.clone()

    def exp(self, x: Any) -> Any:
        return self.torch.exp(x)

    def log(self, x: Any) -> Any:
        return self.torch.log(x)

    def tanh(self, x: Any) -> Any:
        return self.torch.tanh(x)

    def sigmoid(self, x: Any) -> Any:
        return self.torch.sigmoid(x)

    def relu(self, x: Any) -> Any:
        return self.torch.relu(x)

    def clamp(self, x: Any, low: float | None, high: float | None) -> Any:
        return self.torch.clamp(x, low, high)

    def linear(self, x: Any, weight: Any, bias: Any) -> Any:
        return self.torch.nn.functional.linear(x, weight, bias)

    def mse_loss(self, x: Any, target: Any, reduction: str) -> Any:
        return self.torch.nn.functional.mse_loss(x, target, reduction=reduction)

    @staticmethod
    def _dims(x: Any, axis: Any) -> tuple[int, ...]:
        if axis is None:
            return tuple(range(x.ndim))
        return (axis,) if isinstance(axis, int) else tuple(axis)

    def sum(self, x: Any, axis: Any, keepdims: bool) -> Any:
        dims = self._dims(x, axis)
        return x.sum(dim=dims, keepdim=keepdims) if dims else x

    def mean(self, x: Any, axis: Any, keepdims: bool) -> Any:
        dims = self._dims(x, axis)
        return x.mean(dim=dims, keepdim=keepdims) if dims else x

    def amax(self, x: Any, axis: Any, keepdims: bool) -> Any:
        dims = self._dims(x, axis)  # amax, not max: it splits the gradient among ties
        return self.torch.amax(x, dim=dims, keepdim=keepdims) if dims else x

    def logsumexp(self, x: Any, axis: Any, keepdims: bool) -> Any:
        dims = self._dims(x, axis)
        return self.torch.logsumexp(x, dim=dims, keepdim=keepdims) if dims else x

    def softmax(self, x: Any, axis: int) -> Any:
        return self.torch.softmax(x, dim=axis)

    def log_softmax(self, x: Any, axis: int) -> Any:
        return self.torch.log_softmax(x, dim=axis)

    def reshape(self, x: Any, shape: Shape, unpacked: bool) -> Any:
        return x.reshape(shape)

    def expand(self, x: Any, shape: Shape, unpacked: bool) -> Any:
        return x.expand(shape)

    def transpose(self, x: Any, axes: Shape, how: str) -> Any:
        return x.permute(axes) if x.ndim > 1 else x

    def getitem(self, x: Any, index: Any) -> Any:
        # torch has no negative-step slices; numpy finds the flat positions the index picks.
        positions = np.arange(x.numel()).reshape(tuple(x.shape))[index]
        return x.reshape(-1)[self.torch.as_tensor(positions.copy())]

    def abs(self, x: Any) -> Any:
        return self.torch.abs(x)

    def sqrt(self, x: Any) -> Any:
        return self.torch.sqrt(x)

    def sin(self, x: Any) -> Any:
        return self.torch.sin(x)

    def cos(self, x: Any) -> Any:
        return self.torch.cos(x)

    def log1p(self, x: Any) -> Any:
        return self.torch.log1p(x)

    def expm1(self, x: Any) -> Any:
        return self.torch.expm1(x)

    def tan(self, x: Any) -> Any:
        return self.torch.tan(x)

    def asin(self, x: Any) -> Any:
        return self.torch.asin(x)

    def acos(self, x: Any) -> Any:
        return self.torch.acos(x)

    def atan(self, x: Any) -> Any:
        return self.torch.atan(x)

    def sinh(self, x: Any) -> Any:
        return self.torch.sinh(x)

    def cosh(self, x: Any) -> Any:
        return self.torch.cosh(x)

    def asinh(self, x: Any) -> Any:
        return self.torch.asinh(x)

    def acosh(self, x: Any) -> Any:
        return self.torch.acosh(x)

    def atanh(self, x: Any) -> Any:
        return self.torch.atanh(x)

    def floor(self, x: Any) -> Any:
        return self.torch.floor(x)

    def ceil(self, x: Any) -> Any:
        return self.torch.ceil(x)

    def trunc(self, x: Any) -> Any:
        return self.torch.trunc(x)

    def sign(self, x: Any) -> Any:
        return self.torch.sign(x)

    def frac(self, x: Any) -> Any:
        return self.torch.frac(x)

    def round(self, x: Any, decimals: int) -> Any:
        return self.torch.round(x, decimals=decimals)

    def atan2(self, x: Any, y: Any) -> Any:
        return self.torch.atan2(x, y)

    def maximum(self, x: Any, y: Any) -> Any:
        return self.torch.maximum(x, y)

    def minimum(self, x: Any, y: Any) -> Any:
        return self.torch.minimum(x, y)

    def where(self, condition: np.ndarray, x: Any, y: Any) -> Any:
        return self.torch.where(self.torch.as_tensor(condition), x, y)

    def amin(self, x: Any, axis: Any, keepdims: bool) -> Any:
        dims = self._dims(x, axis)  # amin, not min: it splits the gradient among ties
        return self.torch.amin(x, dim=dims, keepdim=keepdims) if dims else x

    def var(self, x: Any, axis: Any, keepdims: bool) -> Any:
        return x.var(dim=self._dims(x, axis), keepdim=keepdims)

    def std(self, x: Any, axis: Any, keepdims: bool) -> Any:
        return x.std(dim=self._dims(x, axis), keepdim=keepdims)

    def cat(self, x: Any, y: Any) -> Any:
        return self.torch.cat([x, y])

    def stack(self, x: Any, y: Any, dim: int) -> Any:
        return self.torch.stack([x, y], dim)


ENGINE, HIPS = Engine(), Hips()
Backend = Any  # Engine, Hips or Torch

# --------------------------------------------------------------------- ops


def _no_params(shapes: tuple[Shape, ...], k: int) -> st.SearchStrategy[Params] | None:
    return st.just({})


def _safe(*values: np.ndarray, **params: Any) -> bool:
    return True


@dataclass(frozen=True)
class Op:
    """One kind of instruction: its math (for any backend) and its spelling in engine code."""

    name: str
    arity: int
    compute: Callable[..., Any]  # (backend, *registers, **params) -> register
    spell: Callable[..., str]  # (*register names, **params) -> engine code
    #: the parameters to draw for inputs of these shapes, or None if the op does not apply
    params: Callable[[tuple[Shape, ...], int], st.SearchStrategy[Params] | None] = _no_params
    #: whether the inputs' values are in the op's safe domain
    guard: Callable[..., bool] = _safe


@dataclass(frozen=True)
class Form:
    """One spelling of an op with a Python-number constant ``c``."""

    compute: Callable[[Backend, Any, Any], Any]  # (backend, register, c) -> register
    constants: st.SearchStrategy[Any]


def _forms_op(name: str, forms: dict[str, Form]) -> Op:
    """An op that picks one of ``forms``; each key is its engine code, with {a} and {c}."""

    def params(shapes: tuple[Shape, ...], k: int) -> st.SearchStrategy[Params]:
        return st.sampled_from(sorted(forms)).flatmap(
            lambda form: forms[form].constants.map(lambda c: {"form": form, "c": c})
        )

    return Op(
        name,
        1,
        lambda B, a, form, c: forms[form].compute(B, a, c),
        lambda a, form, c: form.format(a=a, c=repr(c)),
        params,
    )


_NONZERO = floats_between(-3.0, 3.0).filter(lambda c: abs(c) >= 0.25)

SCALAR_FORMS = {
    "{c} + {a}": Form(lambda B, a, c: c + a, _NONZERO),
    "{a} - {c}": Form(lambda B, a, c: a - c, _NONZERO),
    "{c} - {a}": Form(lambda B, a, c: c - a, _NONZERO),
    "{c} * {a}": Form(lambda B, a, c: c * a, _NONZERO),
    "{a} / {c}": Form(lambda B, a, c: a / c, _NONZERO),
    "{c} / (1 + {a} * {a})": Form(lambda B, a, c: c / (1 + a * a), _NONZERO),
}
POW_FORMS = {
    "{a} ** {c}": Form(lambda B, a, c: a**c, st.sampled_from([2, 3])),
    "(1 + {a} * {a}) ** {c}": Form(lambda B, a, c: (1 + a * a) ** c, floats_between(-2, 2)),
    "{c} ** {a}.tanh()": Form(lambda B, a, c: c ** B.tanh(a), floats_between(0.25, 4.0)),
}
LOG_FORMS = {
    "(1 + {a} * {a}).log()": Form(lambda B, a, c: B.log(1 + a * a), st.none()),
    "{a}.sigmoid().log()": Form(lambda B, a, c: B.log(B.sigmoid(a)), st.none()),
}


def _axes(shapes: tuple[Shape, ...], k: int) -> st.SearchStrategy[Params]:
    """Axis None, one axis (maybe negative) or several, and keepdims either way."""
    ndim = len(shapes[0])
    axis: st.SearchStrategy[Any] = st.none()
    if ndim:
        several = st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True)
        axis = axis | st.integers(-ndim, ndim - 1) | several.map(tuple)
    return st.fixed_dictionaries({"axis": axis, "keepdims": st.booleans()})


def _one_axis(shapes: tuple[Shape, ...], k: int) -> st.SearchStrategy[Params] | None:
    ndim = len(shapes[0])
    return st.fixed_dictionaries({"axis": st.integers(-ndim, ndim - 1)}) if ndim else None


def _matmul(shapes: tuple[Shape, ...], k: int) -> st.SearchStrategy[Params] | None:
    a, b = shapes
    try:
        out = np.matmul(np.zeros(a), np.zeros(b)).shape
    except ValueError:
        return None
    return st.just({}) if out in shape_family(k) else None


def _linear(shapes: tuple[Shape, ...], k: int) -> st.SearchStrategy[Params] | None:
    """Input (..., n), weight (m, n) and, if given, bias (m,)."""
    x, weight = shapes[:2]
    if not x or len(weight) != 2 or x[-1] != weight[1]:
        return None
    if len(shapes) == 3 and shapes[2] != weight[:1]:
        return None
    return st.just({})


def _mse_loss(shapes: tuple[Shape, ...], k: int) -> st.SearchStrategy[Params] | None:
    if shapes[0] != shapes[1]:
        return None
    return st.fixed_dictionaries({"reduction": st.sampled_from(["mean", "sum"])})


def _clamp(shapes: tuple[Shape, ...], k: int) -> st.SearchStrategy[Params]:
    limit = floats_between(-1.5, 1.5)
    return st.one_of(
        st.fixed_dictionaries({"low": limit, "high": st.none()}),
        st.fixed_dictionaries({"low": st.none(), "high": limit}),
        st.tuples(limit, limit).map(sorted).map(lambda p: {"low": p[0], "high": p[1]}),
    )


def _reshape(shapes: tuple[Shape, ...], k: int) -> st.SearchStrategy[Params]:
    size = int(np.prod(shapes[0]))
    targets = [s for s in shape_family(k) if int(np.prod(s)) == size]

    def spelled(target: Shape) -> st.SearchStrategy[Params]:
        # Any one dimension may be left for reshape to infer, as -1.
        choices = [target] + [(*target[:i], -1, *target[i + 1 :]) for i in range(len(target))]
        return st.fixed_dictionaries(
            {"shape": st.sampled_from(choices), "unpacked": st.booleans()}
        )

    return st.sampled_from(targets).flatmap(spelled)


def _expand(shapes: tuple[Shape, ...], k: int) -> st.SearchStrategy[Params]:
    (shape,) = shapes
    targets = [
        s for s in shape_family(k)
        if len(s) >= len(shape) and np.broadcast_shapes(shape, s) == s
    ]
    return st.fixed_dictionaries({"shape": st.sampled_from(targets), "unpacked": st.booleans()})


def _transpose(shapes: tuple[Shape, ...], k: int) -> st.SearchStrategy[Params]:
    ndim = len(shapes[0])
    reverse = tuple(range(ndim))[::-1]
    fixed = [{"how": ".T", "axes": reverse}, {"how": ".transpose()", "axes": reverse}]
    if ndim == 2:
        fixed.append({"how": ".mT", "axes": (1, 0)})
    permuted = st.permutations(range(ndim)).flatmap(
        lambda axes: st.fixed_dictionaries({
            "how": st.sampled_from([".permute(*axes)", ".permute(axes)"]),
            "axes": st.just(tuple(axes)),
        })
    )
    return st.sampled_from(fixed) | permuted


def _index_part(n: int, k: int) -> st.SearchStrategy[Any]:
    """One entry of an index, for an axis of size n."""
    positions = st.integers(-n, n - 1)
    return st.one_of(
        positions,
        st.sampled_from([slice(None), slice(None, None, -1)]),
        st.integers(0, n - 1).map(lambda i: slice(i, i + 1)),
        st.lists(positions, min_size=k, max_size=k).map(np.array),  # repeats allowed
    )


@st.composite
def _index(draw: Draw, shape: Shape, k: int) -> Params:
    """An index for ``shape``: ints, slices, integer arrays and maybe a None; or () or ...

    Whether the result's shape is in the family is checked once it is computed.
    """
    if not shape:
        return {"index": draw(st.sampled_from([(), Ellipsis]))}
    used = draw(st.integers(1, len(shape)))
    parts = [draw(_index_part(n, k)) for n in shape[:used]]
    if draw(st.booleans()):
        parts.insert(draw(st.integers(0, len(parts))), None)
    return {"index": tuple(parts)}


def _spell_index(index: Any) -> str:
    def part(p: Any) -> str:
        if isinstance(p, slice):
            step = "" if p.step is None else f":{p.step}"
            return f"{'' if p.start is None else p.start}:{'' if p.stop is None else p.stop}{step}"
        if isinstance(p, np.ndarray):
            return repr(p.tolist())
        return "..." if p is Ellipsis else repr(p)

    if index == ():
        return "()"
    return ", ".join(part(p) for p in (index if isinstance(index, tuple) else (index,)))


def _relu_guard(a: np.ndarray, **params: Any) -> bool:
    """No input within a hair of 0 (exact zeros are fine: relu'(0) = 0 everywhere)."""
    return not np.any((a != 0) & (np.abs(a) < KINK))


def _exponent_guard(a: np.ndarray, b: np.ndarray) -> bool:
    """No exponent within a hair of 0, where both references err at second order.

    d²(aᵇ)/da db at b = 0 is 1/a. HIPS's VJP uses a ** where(b, b - 1, 1), so it
    finds a; PyTorch's zeroes the gradient where b == 0, so it finds 0.
    ``test_pow_mixed_second_derivative_at_a_zero_exponent`` checks the engine there.
    """
    return not np.any(np.abs(b) < KINK)


def _clamp_guard(a: np.ndarray, low: float | None, high: float | None) -> bool:
    """No input within a hair of a limit, where the two systems' conventions differ."""
    limits = [x for x in (low, high) if x is not None]
    return not any(np.any(np.abs(a - x) < KINK) for x in limits)


def _max_guard(a: np.ndarray, axis: Any, keepdims: bool) -> bool:
    """In every slice max reduces, the largest value leads the next by more than a hair."""
    reduced = tuple(range(a.ndim)) if axis is None else tuple(np.atleast_1d(axis) % a.ndim)
    kept = tuple(i for i in range(a.ndim) if i not in reduced)
    size = int(np.prod([a.shape[i] for i in reduced]))
    slices = np.transpose(a, kept + reduced).reshape(-1, size)
    if slices.shape[1] < 2:
        return True
    second, first = np.sort(slices, axis=1)[:, -2:].T
    return bool(np.all(first - second > KINK * (1 + np.abs(first))))


def _min_guard(a: np.ndarray, axis: Any, keepdims: bool) -> bool:
    """In every slice min reduces, the smallest value trails the next by more than a hair."""
    return _max_guard(-a, axis, keepdims)


def _spread_guard(a: np.ndarray, axis: Any, keepdims: bool) -> bool:
    """At least two values in every slice var reduces, and (for std's root) some spread."""
    if a.ndim == 0:
        return False
    spread = np.var(a, axis=axis, ddof=0)
    count = a.size // max(np.size(spread), 1)
    return count >= 2 and bool(np.all(spread > KINK))


def _abs_guard(a: np.ndarray) -> bool:
    """No input within a hair of 0 but 0 itself, where the sign flips (|x|'(0) = 0 in all)."""
    return _relu_guard(a)


def _apart_guard(a: np.ndarray, b: np.ndarray) -> bool:
    """No two elements that meet after broadcasting within a hair of a tie."""
    return not np.any(np.abs(a - b) < KINK)


def _off_origin_guard(a: np.ndarray, b: np.ndarray) -> bool:
    """No point (b, a) within a hair of the origin, where atan2 has no derivative."""
    return not np.any(a * a + b * b < KINK)


def _same_shape(shapes: tuple[Shape, ...], k: int) -> st.SearchStrategy[Params] | None:
    return st.just({}) if shapes[0] == shapes[1] and shapes[0] else None


def _stack_dim(shapes: tuple[Shape, ...], k: int) -> st.SearchStrategy[Params] | None:
    if shapes[0] != shapes[1]:
        return None
    return st.fixed_dictionaries({"dim": st.integers(0, len(shapes[0]))})


def _broadcastable(shapes: tuple[Shape, ...], k: int) -> st.SearchStrategy[Params] | None:
    try:
        out = np.broadcast_shapes(*shapes)
    except ValueError:
        return None
    return st.just({}) if out in shape_family(k) else None


def _cat_halves(B: Backend, a: Any, b: Any) -> Any:
    """tm.cat of a and b along 0, read back as 2·(first half) + (second half): a's shape."""
    joined, n = B.cat(a, b), int(np.shape(B.to_numpy(a) if B is not HIPS else getval(a))[0])
    return joined[:n] * 2.0 + joined[n:]


def _stack_layers(B: Backend, a: Any, b: Any, dim: int) -> Any:
    """tm.stack of a and b along ``dim``, read back as 2·(layer 0) + (layer 1): a's shape."""
    stacked = B.stack(a, b, dim)
    before = (slice(None),) * dim
    return stacked[(*before, 0)] * 2.0 + stacked[(*before, 1)]


def _reduction(name: str, guard: Callable[..., bool] = _safe) -> Op:
    return Op(
        name,
        1,
        lambda B, a, axis, keepdims: getattr(B, name)(a, axis, keepdims),
        lambda a, axis, keepdims: f"{a}.{name}(axis={axis!r}, keepdims={keepdims})",
        _axes,
        guard,
    )


def _unary(name: str, guard: Callable[..., bool] = _safe) -> Op:
    return Op(name, 1, lambda B, a: getattr(B, name)(a), lambda a: f"{a}.{name}()", guard=guard)


def _within_half(name: str) -> Op:
    """``name`` of x / (1 + x²), which is within ±½: inside the domain of asin, acos and atanh."""
    return Op(name, 1, lambda B, a: getattr(B, name)(a / (1 + a * a)),
              lambda a: f"({a} / (1 + {a} * {a})).{name}()")


def _along_axis(name: str) -> Op:
    return Op(
        name,
        1,
        lambda B, a, axis: getattr(B, name)(a, axis),
        lambda a, axis: f"{a}.{name}({axis})",
        _one_axis,
    )


OPS: list[Op] = [
    Op("add", 2, lambda B, a, b: a + b, lambda a, b: f"{a} + {b}"),
    Op("sub", 2, lambda B, a, b: a - b, lambda a, b: f"{a} - {b}"),
    Op("mul", 2, lambda B, a, b: a * b, lambda a, b: f"{a} * {b}"),
    Op("div", 2, lambda B, a, b: a / (1 + b * b), lambda a, b: f"{a} / (1 + {b} * {b})"),
    Op("neg", 1, lambda B, a: -a, lambda a: f"-{a}"),
    _forms_op("scalar", SCALAR_FORMS),
    _forms_op("pow", POW_FORMS),
    Op(
        "pow_tensor",
        2,
        lambda B, a, b: (1 + a * a) ** B.tanh(b),
        lambda a, b: f"(1 + {a} * {a}) ** {b}.tanh()",
        guard=_exponent_guard,
    ),
    Op("matmul", 2, lambda B, a, b: a @ b, lambda a, b: f"{a} @ {b}", _matmul),
    _unary("exp"),
    _unary("expm1"),
    _unary("sin"),
    _unary("cos"),
    _unary("tan"),
    _within_half("asin"),
    _within_half("acos"),
    _unary("atan"),
    Op("atan2", 2, lambda B, a, b: B.atan2(a, b), lambda a, b: f"tm.atan2({a}, {b})",
       _broadcastable, _off_origin_guard),
    _unary("sinh"),
    _unary("cosh"),
    _unary("asinh"),
    Op("acosh", 1, lambda B, a: B.acosh(2 + a * a), lambda a: f"(2 + {a} * {a}).acosh()"),
    _within_half("atanh"),
    _unary("floor"),
    _unary("ceil"),
    _unary("trunc"),
    Op("round", 1, lambda B, a, decimals: B.round(a, decimals),
       lambda a, decimals: f"{a}.round({decimals})",
       lambda shapes, k: st.fixed_dictionaries({"decimals": st.sampled_from([0, 1, -1])})),
    _unary("sign"),
    _unary("frac"),
    Op("log1p", 1, lambda B, a: B.log1p(a * a), lambda a: f"({a} * {a}).log1p()"),
    _unary("clone"),
    _forms_op("log", LOG_FORMS),
    _unary("sigmoid"),
    _unary("tanh"),
    _unary("relu", _relu_guard),
    Op(
        "clamp",
        1,
        lambda B, a, low, high: B.clamp(a, low, high),
        lambda a, low, high: f"{a}.clamp({low!r}, {high!r})",
        _clamp,
        _clamp_guard,
    ),
    Op(
        "linear",
        2,
        lambda B, x, weight: B.linear(x, weight, None),
        lambda x, weight: f"tm.nn.functional.linear({x}, {weight})",
        _linear,
    ),
    Op(
        "linear_bias",
        3,
        lambda B, x, weight, bias: B.linear(x, weight, bias),
        lambda x, weight, bias: f"tm.nn.functional.linear({x}, {weight}, {bias})",
        _linear,
    ),
    Op(
        "mse_loss",
        2,
        lambda B, a, target, reduction: B.mse_loss(a, target, reduction),
        lambda a, target, reduction: f"tm.nn.functional.mse_loss({a}, {target}, {reduction!r})",
        _mse_loss,
    ),
    _reduction("sum"),
    _reduction("mean"),
    _reduction("amax", _max_guard),
    _reduction("logsumexp"),
    _along_axis("softmax"),
    _along_axis("log_softmax"),
    Op(
        "reshape",
        1,
        lambda B, a, shape, unpacked: B.reshape(a, shape, unpacked),
        lambda a, shape, unpacked: (
            f"{a}.reshape({', '.join(map(str, shape)) if unpacked else shape})"
        ),
        _reshape,
    ),
    Op(
        "expand",
        1,
        lambda B, a, shape, unpacked: B.expand(a, shape, unpacked),
        lambda a, shape, unpacked: (
            f"{a}.expand({', '.join(map(str, shape)) if unpacked else shape})"
        ),
        _expand,
    ),
    Op(
        "transpose",
        1,
        lambda B, a, axes, how: B.transpose(a, axes, how),
        lambda a, axes, how: a + how.replace("*axes", ", ".join(map(str, axes))).replace(
            "axes", repr(axes)
        ),
        _transpose,
    ),
    Op(
        "getitem",
        1,
        lambda B, a, index: B.getitem(a, index),
        lambda a, index: f"{a}[{_spell_index(index)}]",
        lambda shapes, k: _index(shapes[0], k),
    ),
    _unary("abs", _abs_guard),
    Op("sqrt", 1, lambda B, a: B.sqrt(1 + a * a), lambda a: f"(1 + {a} * {a}).sqrt()"),
    Op("maximum", 2, lambda B, a, b: B.maximum(a, b), lambda a, b: f"tm.maximum({a}, {b})",
       _broadcastable, _apart_guard),
    Op("minimum", 2, lambda B, a, b: B.minimum(a, b), lambda a, b: f"tm.minimum({a}, {b})",
       _broadcastable, _apart_guard),
    Op(
        "where",
        2,
        lambda B, a, b: B.where(np.asarray(B.to_numpy(a) if B is not HIPS else getval(a)) > 0,
                                a, b),
        lambda a, b: f"tm.where({a}.data > 0, {a}, {b})",
        _broadcastable,
        lambda a, b: _relu_guard(a),
    ),
    _reduction("amin", _min_guard),
    _reduction("var", _spread_guard),
    _reduction("std", _spread_guard),
    Op(
        "cat",
        2,
        _cat_halves,
        lambda a, b: f"(lambda j: j[:len({a})] * 2.0 + j[len({a}):])(tm.cat([{a}, {b}]))",
        _same_shape,
    ),
    Op(
        "stack",
        2,
        _stack_layers,
        lambda a, b, dim: (
            f"(lambda s: s[{(*(slice(None),) * dim, 0)!r}] * 2.0"
            f" + s[{(*(slice(None),) * dim, 1)!r}])(tm.stack([{a}, {b}], {dim}))"
        ),
        _stack_dim,
    ),
]

# ---------------------------------------------------------------- programs


@dataclass(frozen=True, eq=False)
class Instruction:
    """``op`` applied to registers ``args`` with ``params``; its result is the next register."""

    op: Op
    args: tuple[int, ...]
    params: Params

    def spell(self) -> str:
        return self.op.spell(*(f"r{i}" for i in self.args), **self.params)


@dataclass(frozen=True, eq=False)
class Program:
    """Leaves, instructions and a loss: ``sum((register * weights).sum())`` over loss terms."""

    leaves: tuple[np.ndarray, ...]
    instructions: tuple[Instruction, ...]
    loss_terms: tuple[tuple[int, np.ndarray], ...]

    def __repr__(self) -> str:
        """The program as engine code; ``leaf(v)`` is ``tm.tensor(v, requires_grad=True)``."""
        lines = [f"r{i} = leaf({x.tolist()!r})" for i, x in enumerate(self.leaves)]
        lines += [
            f"r{len(self.leaves) + n} = {instruction.spell()}"
            for n, instruction in enumerate(self.instructions)
        ]
        terms = [f"(r{i} * {w.tolist()!r}).sum()" for i, w in self.loss_terms]
        return "\n".join(["", *lines, "loss = " + " + ".join(terms)])

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))  # hypothesis reports a failing program through this


def run(backend: Backend, program: Program, leaves: Sequence[Any]) -> tuple[list[Any], Any]:
    """Every register of ``program`` and its loss, computed by ``backend``."""
    registers = list(leaves)
    for instruction in program.instructions:
        inputs = [registers[i] for i in instruction.args]
        registers.append(instruction.op.compute(backend, *inputs, **instruction.params))
    terms = [
        backend.sum(registers[i] * backend.constant(w), None, False) for i, w in program.loss_terms
    ]
    return registers, sum(terms[1:], terms[0])


@functools.cache
def _completes(op: Op, shapes: tuple[Shape, ...], available: frozenset[Shape], k: int) -> bool:
    """Whether inputs of ``shapes``, plus more of the ``available`` shapes, suit ``op``."""
    if len(shapes) == op.arity:
        return op.params(shapes, k) is not None
    return any(_completes(op, (*shapes, s), available, k) for s in available)


def draw_instruction(
    draw: Draw, values: list[np.ndarray], k: int, op: Op
) -> tuple[Instruction, np.ndarray] | None:
    """An instruction applying ``op`` to some of ``values``, and its result; None if unsafe."""
    available = frozenset(v.shape for v in values)
    args: list[int] = []
    while len(args) < op.arity:
        chosen = tuple(values[i].shape for i in args)
        fitting = [
            i for i, v in enumerate(values) if _completes(op, (*chosen, v.shape), available, k)
        ]
        if not fitting:
            return None
        # Counting back from the newest register makes chains, the deep graphs, the default.
        args.append(draw(st.sampled_from(fitting[::-1])))
    inputs = [values[i] for i in args]
    strategy = op.params(tuple(v.shape for v in inputs), k)
    if strategy is None:
        return None
    params = draw(strategy)
    if not op.guard(*inputs, **params):
        return None
    with np.errstate(all="ignore"):
        result = np.asarray(op.compute(HIPS, *inputs, **params))
    if (
        result.shape not in shape_family(k)
        or not np.all(np.isfinite(result))
        or np.max(np.abs(result), initial=0.0) > LIMIT
    ):
        return None
    return Instruction(op, tuple(args), params), result


@st.composite
def programs(draw: Draw) -> Program:
    """2-4 leaves of one shape family, up to 12 instructions on them, a loss over 1-3 registers.

    Twelve ops are planned; any that finds no safe inputs in three tries is left out.
    """
    k = draw(st.sampled_from([2, *range(3, MAX_SIDE + 1), 1]))  # 1 makes every side 1
    family = shape_family(k)
    # One leaf of the fullest shape, so broadcasting and matmul have sides to work on:
    # left to itself hypothesis made every leaf one element in about half the programs.
    leaf_shapes = [(k, k), *draw(st.lists(st.sampled_from(family), min_size=1, max_size=3))]
    values: list[np.ndarray] = [draw(arrays(shape)) for shape in leaf_shapes]
    instructions: list[Instruction] = []
    for op in draw(st.lists(st.sampled_from(OPS), min_size=3, max_size=12)):
        tries = (draw_instruction(draw, values, k, op) for _ in range(3))  # some are unsafe
        drawn = next((d for d in tries if d is not None), None)
        if drawn is not None:
            instructions.append(drawn[0])
            values.append(drawn[1])
    last = len(values) - 1
    others = draw(st.lists(st.integers(0, last - 1), max_size=2, unique=True))
    loss_terms = tuple(
        (i, draw(arrays(values[i].shape, -1.0, 1.0))) for i in sorted({last, *others})
    )
    return Program(tuple(values[: len(leaf_shapes)]), tuple(instructions), loss_terms)


def directions(program: Program) -> st.SearchStrategy[list[np.ndarray]]:
    """One vector per leaf, for Hessian-vector products."""
    return st.tuples(*(arrays(x.shape, -1.0, 1.0) for x in program.leaves)).map(list)


# ------------------------------------------------------------ derivatives


def hips_gradient(program: Program) -> list[np.ndarray]:
    """The loss's gradient with respect to every leaf, by HIPS autograd."""

    def loss(leaves: tuple[np.ndarray, ...]) -> Any:
        return run(HIPS, program, leaves)[1]

    with warnings.catch_warnings():  # a loss made only of step functions (floor) is flat
        warnings.filterwarnings("ignore", "Output seems independent of input")
        return [np.asarray(g) for g in autograd.grad(loss)(program.leaves)]


def hips_hessian_vector_product(
    program: Program, direction: list[np.ndarray]
) -> list[np.ndarray]:
    """The gradient of Σ (∂loss/∂leaf) · v over the leaves, by HIPS autograd."""

    def loss(leaves: tuple[np.ndarray, ...]) -> Any:
        return run(HIPS, program, leaves)[1]

    def directional(leaves: tuple[np.ndarray, ...]) -> Any:
        gradient = autograd.grad(loss)(leaves)
        return sum(anp.sum(g * v) for g, v in zip(gradient, direction))

    with warnings.catch_warnings():  # a loss linear in every leaf has a constant gradient
        warnings.filterwarnings("ignore", "Output seems independent of input")
        return [np.asarray(h) for h in autograd.grad(directional)(program.leaves)]


def reverse_mode_derivatives(
    backend: Backend, program: Program, direction: list[np.ndarray]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Gradient and Hessian-vector product through a ``torch.autograd.grad``-style API.

    First ``g = grad(loss, leaves, create_graph=True)``, then ``grad(Σ g·v, leaves)``.
    A leaf the loss (or Σ g·v) does not reach gets a zero gradient.
    """
    leaves = [backend.leaf(x) for x in program.leaves]
    _, loss = run(backend, program, leaves)
    gradient = backend.grad(loss, leaves, create_graph=True)
    terms = [
        backend.sum(g * backend.constant(v), None, False)
        for g, v in zip(gradient, direction)
        if g is not None
    ]
    directional = sum(terms[1:], terms[0]) if terms else None
    hvp: Sequence[Any] = [None] * len(leaves)
    if directional is not None and directional.requires_grad:
        hvp = backend.grad(directional, leaves, create_graph=False)

    def dense(found: Sequence[Any]) -> list[np.ndarray]:
        return [
            np.zeros_like(x) if g is None else backend.to_numpy(g)
            for g, x in zip(found, program.leaves)
        ]

    return dense(gradient), dense(hvp)


def assert_close(actual: Any, expected: Any, what: str) -> None:
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    np.testing.assert_allclose(actual, expected, **TOLERANCE, err_msg=what)


# ------------------------------------------------------------------ tests

# A program takes milliseconds, and rare combinations (a repeated index under a
# second derivative, say) need many of them: ten times the profile's examples.
MANY_PROGRAMS = settings(max_examples=10 * settings.default.max_examples)


@MANY_PROGRAMS
@given(program=programs())
def test_every_register_value_matches_hips(program: Program) -> None:
    engine, loss = run(ENGINE, program, [leaf(x) for x in program.leaves])
    reference, reference_loss = run(HIPS, program, program.leaves)
    for i, (actual, expected) in enumerate(zip(engine, reference)):
        assert_close(actual.data, expected, f"value of r{i}")
    assert_close(loss.data, reference_loss, "loss")


@MANY_PROGRAMS
@given(program=programs())
def test_backward_gradient_of_every_leaf_matches_hips(program: Program) -> None:
    leaves = [leaf(x) for x in program.leaves]
    _, loss = run(ENGINE, program, leaves)
    loss.backward()
    for i, (x, reference) in enumerate(zip(leaves, hips_gradient(program))):
        actual = np.zeros_like(x.data) if x.grad is None else x.grad.data
        assert_close(actual, reference, f"gradient of r{i}")


@MANY_PROGRAMS
@given(program=programs(), data=st.data())
def test_hessian_vector_products_match_hips(program: Program, data: st.DataObject) -> None:
    direction = data.draw(directions(program), label="direction")
    gradient, hvp = reverse_mode_derivatives(ENGINE, program, direction)
    expected_gradient = hips_gradient(program)
    expected_hvp = hips_hessian_vector_product(program, direction)
    for i in range(len(program.leaves)):
        assert_close(gradient[i], expected_gradient[i], f"create_graph gradient of r{i}")
        assert_close(hvp[i], expected_hvp[i], f"Hessian-vector product for r{i}")


@given(program=programs())
def test_a_program_listing_runs_as_engine_code_to_the_same_loss(program: Program) -> None:
    namespace: dict[str, Any] = {"tm": tm, "leaf": leaf}
    exec(repr(program), namespace)  # the reproduction a failure report prints
    _, loss = run(ENGINE, program, [leaf(x) for x in program.leaves])
    np.testing.assert_array_equal(namespace["loss"].data, loss.data)


@pytest.fixture(scope="module")
def torch_backend() -> Torch:
    return Torch(pytest.importorskip("torch"))


@MANY_PROGRAMS
@given(program=programs(), data=st.data())
def test_gradients_and_hessian_vector_products_match_torch(
    torch_backend: Torch, program: Program, data: st.DataObject
) -> None:
    direction = data.draw(directions(program), label="direction")
    gradient, hvp = reverse_mode_derivatives(ENGINE, program, direction)
    expected_gradient, expected_hvp = reverse_mode_derivatives(torch_backend, program, direction)
    for i in range(len(program.leaves)):
        assert_close(gradient[i], expected_gradient[i], f"gradient of r{i} (torch)")
        assert_close(hvp[i], expected_hvp[i], f"Hessian-vector product for r{i} (torch)")


ENGINE_FUNCTIONS = {  # every op class of the engine that names itself
    cls.name
    for cls in vars(ops).values()
    if isinstance(cls, type) and issubclass(cls, tm.Function)
    and cls.__module__ == ops.__name__ and "name" in vars(cls)
}


def _graph_names(tensor: tm.Tensor) -> set[str]:
    """The names of the recorded nodes ``tensor`` was computed from."""
    seen: set[tm.Function] = set()
    stack = [tensor.grad_fn] if tensor.grad_fn is not None else []
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(p for p in node.parents if isinstance(p, tm.Function))
    return {node.name for node in seen}


@settings(max_examples=3, phases=[Phase.generate])  # its failure message needs no shrinking
@given(data=st.data())
def test_the_op_table_reaches_every_engine_function(data: st.DataObject) -> None:
    k = 3
    rng = np.random.default_rng(0)
    values = [rng.uniform(-2, 2, shape) for shape in shape_family(k)]
    reached: set[str] = set()
    for op in OPS:
        tries = (draw_instruction(data.draw, values, k, op) for _ in range(20))
        drawn = next((d for d in tries if d is not None), None)
        assert drawn is not None, f"could not draw a safe {op.name} instruction"
        instruction, _ = drawn
        leaves = [leaf(x) for x in values]
        out = instruction.op.compute(ENGINE, *(leaves[i] for i in instruction.args),
                                     **instruction.params)
        # A seed that requires grad makes the backward pass itself recorded (second order).
        seed = leaf(np.ones(out.shape))
        used = [leaves[i] for i in set(instruction.args)]
        gradients = tm.grad(out, used, grad_outputs=seed, create_graph=True)
        reached |= _graph_names(out).union(*(_graph_names(g) for g in gradients if g is not None))
    assert reached >= ENGINE_FUNCTIONS, f"never exercised: {sorted(ENGINE_FUNCTIONS - reached)}"


def test_pow_mixed_second_derivative_at_a_zero_exponent() -> None:
    a, b = leaf(np.array(2.0)), leaf(np.array(0.0))
    (grad_a,) = tm.grad(a**b, a, create_graph=True)
    (mixed,) = tm.grad(grad_a, b)
    assert mixed.item() == pytest.approx(0.5)  # d/db (b · a^(b-1)) = a^(b-1) (1 + b ln a)
