"""The op rules: each operation's forward and its vector-Jacobian product, side by side.

Read this file as a table of derivatives. For y = f(x1, ..., xn), ``forward``
computes y from the inputs' arrays; ``backward(g)`` receives g = dL/dy and
returns dL/dxi = g · dy/dxi for each input (the VJP), or None where
``needs_input_grad`` says nobody asked.

Two conventions make the rules short:

* Broadcasting: an input that numpy stretched to the output's shape receives
  a gradient of the output's shape; ``unbroadcast`` sums it back down to the
  input's shape. Every elementwise binary rule ends with it.
* Backward is written with operations that Tensors and numpy arrays share
  (``g * b``, ``g @ w``, ``g.sum(axis)``, ``g.reshape(shape)``, ``g.mT``).
  With ``create_graph=True`` the engine runs it on Tensors, recording the
  graph of the gradient, which is what makes second derivatives work with no
  extra rules. Otherwise it runs the very same code on plain ndarrays, which
  costs no more than hand-written numpy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

# Op, the rules' base, is defined in tensor.py (see there why); it is used as ops.Op.
from tinygrad_mlp.tensor import Array, Op, Tensor, _wrap

# In backward, g and the saved values are Tensors when the backward pass is
# recorded (create_graph) and plain ndarrays otherwise; the rules use only
# operations both provide, plus the helpers below.
Grad = Any
Grads = tuple[Any, ...]


def _array(x: Grad) -> Array:
    """The ndarray behind a value (a Tensor's data, or the array itself)."""
    return x.data if isinstance(x, Tensor) else x


def _exp(x: Grad) -> Grad:
    return x.exp() if isinstance(x, Tensor) else np.exp(x)


def _log(x: Grad) -> Grad:
    return x.log() if isinstance(x, Tensor) else np.log(x)


def _sqrt(x: Grad) -> Grad:
    return x.sqrt() if isinstance(x, Tensor) else np.sqrt(x)


def _zeros_like(x: Grad) -> Grad:
    """Zeros shaped like x (not x · 0, which is NaN where x is infinite), Tensor or ndarray."""
    zeros = np.zeros(x.shape, x.dtype)
    return _wrap(zeros, None) if isinstance(x, Tensor) else zeros


def _expand(x: Grad, shape: tuple[int, ...]) -> Grad:
    if isinstance(x, Tensor):
        return x.expand(shape)
    out = np.empty(shape, dtype=x.dtype)  # a real array (np.broadcast_to is slow, read-only)
    out[...] = x
    return out


def _replace(x: Grad, where: Array, value: float) -> Grad:
    """``x`` with ``value`` where the constant mask ``where`` holds (arrays or Tensors)."""
    if not where.any():
        return x
    if isinstance(x, Tensor):  # a product with a 0/1 mask would turn ∞ · 0 into nan
        return Where.apply(x, _wrap(np.array(value, x.dtype), None), condition=~where)
    return np.where(where, value, x)


def _scatter_add(x: Grad, shape: tuple[int, ...], index: Any) -> Grad:
    if isinstance(x, Tensor):
        return ScatterAdd.apply(x, shape=shape, index=index)
    return _scatter_add_arrays(x, shape, index)


def unbroadcast(grad: Grad, shape: tuple[int, ...]) -> Grad:
    """Sum ``grad`` over the dimensions broadcasting added or stretched, to get ``shape``.

    Broadcasting copies an input along new leading dimensions and along its
    size-1 dimensions; each copy contributes to the loss, so the gradient of
    the original is the sum over the copies.
    """
    if grad.shape == shape:
        return grad
    leading = grad.ndim - len(shape)
    stretched = tuple(
        leading + i for i, n in enumerate(shape) if n == 1 and grad.shape[leading + i] != 1
    )
    return grad.sum(tuple(range(leading)) + stretched, keepdims=True).reshape(shape)


def _kept_shape(shape: tuple[int, ...], axis: tuple[int, ...] | None) -> tuple[int, ...]:
    """``shape`` with the reduced axes kept as size 1 (what keepdims=True gives)."""
    if axis is None:
        return (1,) * len(shape)
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


# ------------------------------------------------------------ arithmetic


class Add(Op):
    """y = a + b.   dy/da = 1,  dy/db = 1."""

    name = "add"

    def forward(self, a: Tensor, b: Tensor) -> Array:
        self.shapes = a.shape, b.shape
        return a.data + b.data

    def backward(self, g: Grad) -> Grads:
        return unbroadcast(g, self.shapes[0]), unbroadcast(g, self.shapes[1])


class Sub(Op):
    """y = a - b.   dy/da = 1,  dy/db = -1."""

    name = "sub"

    def forward(self, a: Tensor, b: Tensor) -> Array:
        self.shapes = a.shape, b.shape
        return a.data - b.data

    def backward(self, g: Grad) -> Grads:
        grad_b = unbroadcast(-g, self.shapes[1]) if self.needs_input_grad[1] else None
        return unbroadcast(g, self.shapes[0]), grad_b


class Mul(Op):
    """y = a * b.   dy/da = b,  dy/db = a."""

    name = "mul"

    def forward(self, a: Tensor, b: Tensor) -> Array:
        self.save_for_backward(a, b)
        return a.data * b.data

    def backward(self, g: Grad) -> Grads:
        a, b = self.saved_tensors
        grad_a = unbroadcast(g * b, a.shape) if self.needs_input_grad[0] else None
        grad_b = unbroadcast(g * a, b.shape) if self.needs_input_grad[1] else None
        return grad_a, grad_b


class Div(Op):
    """y = a / b.   dy/da = 1 / b,  dy/db = -(a / b) / b (not -a / b², which overflows sooner)."""

    name = "div"

    def forward(self, a: Tensor, b: Tensor) -> Array:
        self.save_for_backward(a, b)
        return a.data / b.data

    def backward(self, g: Grad) -> Grads:
        a, b = self.saved_tensors
        grad_a = unbroadcast(g / b, a.shape) if self.needs_input_grad[0] else None
        grad_b = unbroadcast(-g * (a / b) / b, b.shape) if self.needs_input_grad[1] else None
        return grad_a, grad_b


class Neg(Op):
    """y = -a.   dy/da = -1."""

    name = "neg"

    def forward(self, a: Tensor) -> Array:
        return -a.data

    def backward(self, g: Grad) -> Grad:
        return -g


class Pow(Op):
    """y = a ** b.   dy/da = b · a^(b-1),  dy/db = y · ln a."""

    name = "pow"
    saves_output = True

    def forward(self, a: Tensor, b: Tensor) -> Array:
        self.save_for_backward(a, b)
        return a.data**b.data

    def backward(self, g: Grad) -> Grads:
        a, b = self.saved_tensors
        grad_a = grad_b = None
        zero_base = _array(a) == 0  # where 0 · inf would make nan, PyTorch's 0 instead:
        if self.needs_input_grad[0]:  # b a^(b-1) at a = b = 0
            base = _replace(a, zero_base & (_array(b) == 0), 1.0)
            grad_a = unbroadcast(g * b * base ** (b - 1), a.shape)
        if self.needs_input_grad[1]:  # y ln a at a = 0, b >= 0
            base = _replace(a, zero_base & (_array(b) >= 0), 1.0)
            grad_b = unbroadcast(g * self.output() * _log(base), b.shape)
        return grad_a, grad_b


class MatMul(Op):
    """y = a @ b, with numpy's rules: 1-D operands are promoted, batch dims broadcast.

    dL/da = g @ bᵀ,  dL/db = aᵀ @ g  (each summed over broadcast batch dims).
    """

    name = "matmul"

    def forward(self, a: Tensor, b: Tensor) -> Array:
        _check_matmul(a.shape, b.shape)
        self.save_for_backward(a, b)
        return a.data @ b.data

    def backward(self, g: Grad) -> Grads:
        a, b = self.saved_tensors
        # Work with matrices: a vector a is a 1×k row, a vector b a k×1 column,
        # and g gets back the dimension each promotion removed from the output.
        a2 = a.reshape(1, -1) if a.ndim == 1 else a
        b2 = b.reshape(-1, 1) if b.ndim == 1 else b
        g2 = g.reshape(*g.shape, 1) if b.ndim == 1 else g
        if a.ndim == 1:
            g2 = g2.reshape(*g2.shape[:-1], 1, g2.shape[-1])
        grad_a = grad_b = None
        if self.needs_input_grad[0]:
            grad_a = unbroadcast(g2 @ b2.mT, a2.shape).reshape(a.shape)
        if self.needs_input_grad[1]:
            grad_b = unbroadcast(a2.mT @ g2, b2.shape).reshape(b.shape)
        return grad_a, grad_b


class Linear(Op):
    """y = x Wᵀ + b, for W shaped (out, in): ``nn.Linear``'s op, fused for speed.

    dL/dx = g W,  dL/dW = gᵀ x,  dL/db = Σ g  (sums over all leading dims of x).
    """

    name = "linear"

    def forward(self, x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Array:
        xd, wd = x._data, weight._data
        try:  # matmul itself refuses a wrong last size: no shape tuples are built to check it
            out = xd @ wd.T if wd.ndim == 2 else None
        except ValueError:
            out = None
        if out is None:
            raise ValueError(f"linear: input {xd.shape} and weight {wd.shape}: the weight must be "
                             "(out_features, in_features) with in_features = the input's last size")
        if bias is not None and (bias._data.ndim != 1 or len(bias._data) != len(wd)):
            raise ValueError(
                f"linear: bias {bias.shape} should be ({wd.shape[0]},) for weight {wd.shape}"
            )
        self.save_for_backward(x, weight)  # dL/db needs only g
        if bias is None:
            return out
        if out.dtype != bias._data.dtype:  # let numpy promote the sum's dtype
            return out + bias._data
        out += bias._data  # in place: one array for the result, not two
        return out

    def backward(self, g: Grad) -> Grads:
        x, w = self.saved_tensors
        grad_x = g @ w if self.needs_input_grad[0] else None
        if g.ndim != 2:  # every leading dim of x is a batch dim: make them one
            g, x = g.reshape(-1, w.shape[0]), x.reshape(-1, w.shape[1])
        grad_w = g.mT @ x if self.needs_input_grad[1] else None
        grad_b = g.sum(0) if self.needs_input_grad[2:] == (True,) else None
        return grad_x, grad_w, grad_b


def _check_matmul(a: tuple[int, ...], b: tuple[int, ...]) -> None:
    """Raise a ValueError naming both shapes if ``a @ b`` is undefined."""
    if not a or not b:
        raise ValueError(f"matmul: {a} @ {b}: both operands need at least 1 dimension")
    inner_a, inner_b = a[-1], b[-2] if len(b) > 1 else b[0]
    if inner_a != inner_b:
        raise ValueError(f"matmul: {a} @ {b}: inner sizes {inner_a} and {inner_b} differ")
    try:
        np.broadcast_shapes(a[:-2], b[:-2])
    except ValueError:
        raise ValueError(
            f"matmul: {a} @ {b}: batch dimensions {a[:-2]} and {b[:-2]} do not broadcast"
        ) from None


# ------------------------------------------------------------ elementwise


class Exp(Op):
    """y = eᵃ.   dy/da = y."""

    name = "exp"
    saves_output = True

    def forward(self, a: Tensor) -> Array:
        return np.exp(a.data)

    def backward(self, g: Grad) -> Grad:
        return g * self.output()


class Log(Op):
    """y = ln a.   dy/da = 1 / a."""

    name = "log"

    def forward(self, a: Tensor) -> Array:
        self.save_for_backward(a)
        return np.log(a.data)

    def backward(self, g: Grad) -> Grad:
        (a,) = self.saved_tensors
        return g / a


class Log1p(Op):
    """y = ln(1 + a), exact for tiny a where ln(1 + a) would round 1 + a.   dy/da = 1 / (1 + a)."""

    name = "log1p"

    def forward(self, a: Tensor) -> Array:
        self.save_for_backward(a)
        return np.log1p(a.data)

    def backward(self, g: Grad) -> Grad:
        (a,) = self.saved_tensors
        return g / (1.0 + a)


class Expm1(Op):
    """y = eᵃ - 1, exact for tiny a.   dy/da = eᵃ = y + 1."""

    name = "expm1"
    saves_output = True

    def forward(self, a: Tensor) -> Array:
        return np.expm1(a.data)

    def backward(self, g: Grad) -> Grad:
        return g * (self.output() + 1.0)


class Unary(Op):
    """y = f(a) elementwise, for a numpy function f.   dL/da = g · f'(a).

    Each rule below names f and writes f'(a) in ``slope``, with operations
    Tensors and ndarrays share, so it serves both backward paths. Outside f's
    domain (asin 2, acosh 0) y is NaN, and at its edge (atanh 1) infinite; both
    come silently, as in PyTorch, and so does the first derivative there (∞ at
    asin 1): numpy's warnings are off in these rules. A second derivative is
    the backward of the recorded slope, ordinary ops (``/``, ``*``, ``sqrt``),
    which warn at such points as the rest of the engine does.
    """

    f: Callable[..., Array]  # a ufunc, which does not bind as a method

    def forward(self, a: Tensor) -> Array:
        self.save_for_backward(a)
        with np.errstate(all="ignore"):
            return self.f(a.data)

    def backward(self, g: Grad) -> Grad:
        (a,) = self.saved_tensors
        with np.errstate(all="ignore"):
            return g * self.slope(a)

    def slope(self, a: Grad) -> Grad:
        """f'(a), for a Tensor or an ndarray a."""
        raise NotImplementedError


class Sin(Unary):
    """y = sin a.   dy/da = cos a."""

    name, f = "sin", np.sin

    def slope(self, a: Grad) -> Grad:
        return a.cos() if isinstance(a, Tensor) else np.cos(a)


class Cos(Unary):
    """y = cos a.   dy/da = -sin a."""

    name, f = "cos", np.cos

    def slope(self, a: Grad) -> Grad:
        return -(a.sin() if isinstance(a, Tensor) else np.sin(a))


class Tan(Unary):
    """y = tan a.   dy/da = 1 + tan² a = 1 / cos² a."""

    name, f = "tan", np.tan

    def slope(self, a: Grad) -> Grad:
        cos = a.cos() if isinstance(a, Tensor) else np.cos(a)
        return 1 / (cos * cos)


class Asin(Unary):
    """y = asin a, in [-π/2, π/2].   dy/da = 1 / √(1 - a²)."""

    name, f = "asin", np.arcsin

    def slope(self, a: Grad) -> Grad:
        return 1 / _sqrt(1 - a * a)


class Acos(Unary):
    """y = acos a, in [0, π].   dy/da = -1 / √(1 - a²)."""

    name, f = "acos", np.arccos

    def slope(self, a: Grad) -> Grad:
        return -1 / _sqrt(1 - a * a)


class Atan(Unary):
    """y = atan a, in (-π/2, π/2).   dy/da = 1 / (1 + a²)."""

    name, f = "atan", np.arctan

    def slope(self, a: Grad) -> Grad:
        return 1 / (1 + a * a)


class Sinh(Unary):
    """y = sinh a = (eᵃ - e⁻ᵃ) / 2.   dy/da = cosh a."""

    name, f = "sinh", np.sinh

    def slope(self, a: Grad) -> Grad:
        return a.cosh() if isinstance(a, Tensor) else np.cosh(a)


class Cosh(Unary):
    """y = cosh a = (eᵃ + e⁻ᵃ) / 2.   dy/da = sinh a."""

    name, f = "cosh", np.cosh

    def slope(self, a: Grad) -> Grad:
        return a.sinh() if isinstance(a, Tensor) else np.sinh(a)


class Asinh(Unary):
    """y = asinh a = ln(a + √(a² + 1)).   dy/da = 1 / √(a² + 1)."""

    name, f = "asinh", np.arcsinh

    def slope(self, a: Grad) -> Grad:
        return 1 / _sqrt(a * a + 1)


class Acosh(Unary):
    """y = acosh a = ln(a + √(a² - 1)), for a >= 1.   dy/da = 1 / √(a² - 1)."""

    name, f = "acosh", np.arccosh

    def slope(self, a: Grad) -> Grad:
        return 1 / _sqrt(a * a - 1)


class Atanh(Unary):
    """y = atanh a = ½ ln((1 + a) / (1 - a)), for |a| <= 1.   dy/da = 1 / (1 - a²)."""

    name, f = "atanh", np.arctanh

    def slope(self, a: Grad) -> Grad:
        return 1 / (1 - a * a)


class Atan2(Op):
    """y = atan2(a, b), the angle of the point (b, a), in [-π, π].

    dy/da = b / (a² + b²),  dy/db = -a / (a² + b²); both 0 at a = b = 0, as in PyTorch
    (and so are the second derivatives there, which are NaN in PyTorch). Where a
    is infinite, dy/da is 0 and dy/db is ∞ / ∞ = NaN; where b is, the other way
    round; both are NaN where both are: silently, as in PyTorch.
    """

    name = "atan2"

    def forward(self, a: Tensor, b: Tensor) -> Array:
        self.save_for_backward(a, b)
        return np.arctan2(a.data, b.data)

    def backward(self, g: Grad) -> Grads:
        a, b = self.saved_tensors
        with np.errstate(all="ignore"):
            squared = a * a + b * b
            squared = _replace(squared, _array(squared) == 0, np.inf)  # 0 / 0 becomes 0 / ∞ = 0
            grad_a = unbroadcast(g * b / squared, a.shape) if self.needs_input_grad[0] else None
            grad_b = unbroadcast(-g * a / squared, b.shape) if self.needs_input_grad[1] else None
        return grad_a, grad_b


class Sqrt(Op):
    """y = √a.   dy/da = 1 / (2y)  (infinite at a = 0, as in PyTorch)."""

    name = "sqrt"
    saves_output = True

    def forward(self, a: Tensor) -> Array:
        return np.sqrt(a.data)

    def backward(self, g: Grad) -> Grad:
        return g / (2.0 * self.output())


class Sigmoid(Op):
    """y = σ(a) = 1 / (1 + e⁻ᵃ) = eᵃ / (1 + eᵃ).   dy/da = y (1 - y).

    eᵃ overflows past about 709 (float64) or 88 (float32), where σ already
    rounds to 1. On a small float32 or float64 array (of two elements or more:
    a 0-d one would give numpy scalars), a is first lowered to
    that bound and σ computed as eᵃ / (1 + eᵃ): nothing overflows or warns,
    and where eᵃ underflows σ does too, as it should. That takes four numpy
    calls, as many as the unguarded 1 / (1 + e⁻ᵃ). From about 4,000 elements
    the pass over the array costs more than ``np.errstate`` (about a
    microsecond), so there e⁻ᵃ may be inf, with the warning off, and
    1 / (1 + inf) = 0 all the same; so too for float16, where the bound would
    change σ. Integers and bools give float64, as in numpy. In place, to make
    one or two arrays.
    """

    name = "sigmoid"
    saves_output = True

    def forward(self, a: Tensor) -> Array:
        data = a._data
        # float32 or float64; one element (perhaps 0-d, where ufuncs give scalars) goes below
        if 1 < data.size < 4096 and (char := data.dtype.char) in "fd":
            out = np.minimum(data, 88.0 if char == "f" else 709.0)
            return np.divide(np.exp(out, out=out), np.add(out, 1.0), out=out)  # eᵃ / (1 + eᵃ)
        out = np.empty(data.shape, data.dtype if data.dtype.kind == "f" else np.float64)
        with np.errstate(over="ignore"):
            np.exp(np.negative(data, out=out, dtype=out.dtype), out=out)
        # 1 / (1 + e⁻ᵃ), by np.divide: np.reciprocal is slower on large float32 arrays
        return np.divide(1.0, np.add(out, 1.0, out=out), out=out)

    def backward(self, g: Grad) -> Grad:
        y = self.output()
        if self._on_arrays and g.dtype == y.dtype:  # the same product in one new array
            slope = 1.0 - y
            slope *= y
            slope *= g
            return slope
        return g * y * (1.0 - y)


class Tanh(Op):
    """y = tanh a.   dy/da = 1 - y²."""

    name = "tanh"
    saves_output = True

    def forward(self, a: Tensor) -> Array:
        return np.tanh(a.data)

    def backward(self, g: Grad) -> Grad:
        y = self.output()
        if self._on_arrays and g.dtype == y.dtype:  # the same product, one temporary fewer
            slope = 1.0 - y * y
            slope *= g
            return slope
        return g * (1.0 - y * y)


class ReLU(Op):
    """y = max(a, 0).   dy/da = 1 where a > 0, else 0."""

    name = "relu"

    def forward(self, a: Tensor) -> Array:
        self.save_for_backward(a)
        return np.maximum(a.data, 0)

    def backward(self, g: Grad) -> Grad:
        (a,) = self.saved_tensors
        return g * (_array(a) > 0).astype(a.dtype)


class Abs(Op):
    """y = |a|.   dy/da = sign a (0 at a = 0, as in PyTorch)."""

    name = "abs"

    def forward(self, a: Tensor) -> Array:
        self.save_for_backward(a)
        return np.abs(a.data)

    def backward(self, g: Grad) -> Grad:
        (a,) = self.saved_tensors
        return g * np.sign(_array(a))


class Clamp(Op):
    """y = min(max(a, low), high).   dy/da = 1 where low <= a <= high, else 0."""

    name = "clamp"

    def forward(self, a: Tensor, low: float | None, high: float | None) -> Array:
        self.save_for_backward(a)
        self.low, self.high = low, high
        return np.clip(a.data, low, high)

    def backward(self, g: Grad) -> Grad:
        (a,) = self.saved_tensors
        inside = np.ones(a.shape, dtype=bool)
        if self.low is not None:
            inside &= _array(a) >= self.low
        if self.high is not None:
            inside &= _array(a) <= self.high
        return g * inside.astype(a.dtype)


class Step(Op):
    """y = a step function of a (floor, ceil, trunc, round).   dy/da = 0.

    A step function is flat between its jumps, and PyTorch takes its
    derivative at the jumps as 0 too. As in PyTorch the output requires grad
    and backward gives zeros. Each step below names its numpy function. Ints
    are whole already and come back as they are (numpy would make floats).
    """

    step: Callable[..., Any]  # numpy's function, a staticmethod so that it does not bind

    def forward(self, a: Tensor, **options: Any) -> Array:
        if a.dtype.kind in "biu":
            return a.data.copy()
        return self.step(a.data, **options)

    def backward(self, g: Grad) -> Grad:
        return _zeros_like(g)


class Floor(Step):
    """y = ⌊a⌋, the largest whole number <= a.   dy/da = 0."""

    name, step = "floor", staticmethod(np.floor)


class Ceil(Step):
    """y = ⌈a⌉, the smallest whole number >= a.   dy/da = 0."""

    name, step = "ceil", staticmethod(np.ceil)


class Trunc(Step):
    """y = a without its fraction (rounded toward 0).   dy/da = 0."""

    name, step = "trunc", staticmethod(np.trunc)


class Round(Step):
    """y = a rounded to ``decimals`` places, halves to even (as numpy and PyTorch).   dy/da = 0.

    numpy scales by 10ᵈ in a's own dtype, which overflows float16 (its largest
    is 65504): float16 is rounded in float32 and converted back, as PyTorch does.
    """

    name, step = "round", staticmethod(np.round)

    def forward(self, a: Tensor, **options: Any) -> Array:
        if a.dtype != np.float16:
            return super().forward(a, **options)
        with np.errstate(over="ignore"):  # a result past float16's largest is ±inf, as in PyTorch
            return np.round(a.data.astype(np.float32), **options).astype(np.float16)


class Sign(Op):
    """y = -1, 0 or 1 as a is below, at or above 0.   dy/da = 0, as for a ``Step``.

    Written (a > 0) - (a < 0): 0 at NaN, as in PyTorch (numpy's sign gives NaN).
    """

    name = "sign"

    def forward(self, a: Tensor) -> Array:
        data = a.data
        if data.dtype.kind == "b":
            return data.copy()
        return (data > 0).astype(data.dtype) - (data < 0).astype(data.dtype)

    def backward(self, g: Grad) -> Grad:
        return _zeros_like(g)


class Maximum(Op):
    """y = max(a, b), elementwise.   dy/da = 1 where a > b, ½ where a = b, else 0; dy/db alike.

    A tie splits the gradient evenly. Where one is NaN (y is NaN), both get
    the whole gradient, as in PyTorch, whose rule zeroes only the loser's.
    """

    name = "maximum"
    pick: Callable[..., Array] = np.maximum  # ufuncs, which do not bind as methods
    wins: Callable[..., Array] = np.greater

    def forward(self, a: Tensor, b: Tensor) -> Array:
        self.save_for_backward(a, b)
        return self.pick(a.data, b.data)

    def backward(self, g: Grad) -> Grads:
        a, b = self.saved_tensors
        x, y = _array(a), _array(b)
        half = np.where(x == y, 0.5, 1.0)
        grad_a = grad_b = None
        if self.needs_input_grad[0]:
            grad_a = unbroadcast(g * (half * ~self.wins(y, x)).astype(g.dtype), a.shape)
        if self.needs_input_grad[1]:
            grad_b = unbroadcast(g * (half * ~self.wins(x, y)).astype(g.dtype), b.shape)
        return grad_a, grad_b


class Minimum(Maximum):
    """y = min(a, b), elementwise: ``Maximum`` with the smaller value winning."""

    name = "minimum"
    pick = np.minimum
    wins = np.less


class Where(Op):
    """y = a where the constant ``condition`` holds, else b.   dy/da = condition, dy/db = not it."""

    name = "where"

    def forward(self, a: Tensor, b: Tensor, condition: Array) -> Array:
        self.condition, self.shapes = condition, (a.shape, b.shape)
        return np.where(condition, a.data, b.data)

    def backward(self, g: Grad) -> Grads:
        grad_a = grad_b = None
        if self.needs_input_grad[0]:
            grad_a = unbroadcast(_replace(g, ~self.condition, 0.0), self.shapes[0])
        if self.needs_input_grad[1]:
            grad_b = unbroadcast(_replace(g, self.condition, 0.0), self.shapes[1])
        return grad_a, grad_b


class SquaredError(Op):
    """y = scale · Σ (a - t)², a fused loss.   dy/da = 2 · scale · (a - t),  dy/dt = -dy/da.

    The article's quadratic cost is scale = 1/(2n); the mean squared error is
    scale = 1/size. One node instead of five (sub, mul, sum, mul, div). Its
    callers, ``quadratic_cost`` and ``mse_loss``, have checked that a and t
    have the same shape, and said so in their own names if not.
    """

    name = "squared_error"

    def forward(self, a: Tensor, t: Tensor, scale: float) -> Array:
        self.scale, diff = scale, a._data - t._data
        self.save_for_backward(a, t, _wrap(diff, None))  # a - t, for backward too
        return np.asarray(scale * np.vdot(diff, diff), dtype=diff.dtype)

    def backward(self, g: Grad) -> Grads:
        a, t, diff = self.saved_tensors
        if self._on_arrays and g.dtype == a.dtype:  # g has one element: no numpy call for it
            grad_a = diff * (2.0 * self.scale * float(g))
        else:  # from a and t, so that a recorded backward can be differentiated again
            grad_a = g * (2.0 * self.scale) * (a - t)
        return grad_a, (-grad_a if self.needs_input_grad[1] else None)


# ------------------------------------------------------------ reductions


class Sum(Op):
    """y = Σ a over ``axis``.   dy/da = 1: g is copied back over the summed axes."""

    name = "sum"

    def forward(self, a: Tensor, axis: tuple[int, ...] | None, keepdims: bool) -> Array:
        self.in_shape, self.axis, self.keepdims = a.shape, axis, keepdims
        return np.sum(a.data, axis=axis, keepdims=keepdims)

    def backward(self, g: Grad) -> Grad:
        if not self.keepdims:
            g = g.reshape(_kept_shape(self.in_shape, self.axis))
        return _expand(g, self.in_shape)


class Max(Op):
    """y = max a over ``axis``.   dy/da = 1 at the maximum (shared equally by ties), else 0."""

    name = "max"
    saves_output = True
    reduce: Callable[..., Array] = staticmethod(np.max)

    def forward(self, a: Tensor, axis: tuple[int, ...] | None, keepdims: bool) -> Array:
        self.save_for_backward(a)
        self.axis, self.keepdims = axis, keepdims
        return self.reduce(a.data, axis=axis, keepdims=keepdims)

    def backward(self, g: Grad) -> Grad:
        (a,) = self.saved_tensors
        kept = _kept_shape(a.shape, self.axis)
        data, out = _array(a), _array(self.output()).reshape(kept)
        is_max = data == out
        if np.isnan(out).any():  # a NaN is the maximum: it takes the gradient, as in torch
            is_max |= np.isnan(data) & np.isnan(out)
        share = is_max / np.sum(is_max, axis=self.axis, keepdims=True)
        return g.reshape(kept) * share.astype(a.dtype)


class Min(Max):
    """y = min a over ``axis``: ``Max``'s rule, at the minimum."""

    name = "min"
    reduce = staticmethod(np.min)


class LogSumExp(Op):
    """y = ln Σ eᵃ over ``axis``.   dy/da = eᵃ⁻ʸ = softmax(a).

    Shifted by the maximum m first: ln Σ eᵃ = m + ln Σ eᵃ⁻ᵐ, whose terms are
    at most 1, so nothing overflows.
    """

    name = "logsumexp"
    saves_output = True

    def forward(self, a: Tensor, axis: tuple[int, ...] | None, keepdims: bool) -> Array:
        self.save_for_backward(a)
        self.axis, self.keepdims = axis, keepdims
        return _logsumexp(a.data, axis, keepdims)

    def backward(self, g: Grad) -> Grad:
        (a,) = self.saved_tensors
        kept = _kept_shape(a.shape, self.axis)
        return g.reshape(kept) * _exp(_log_softmax(a, self.axis))


def _minus_max(x: Grad, axis: tuple[int, ...] | int | None) -> Grad:
    """x - max x over ``axis`` (arrays or Tensors): at most 0, so eˣ cannot overflow."""
    shift = np.max(_array(x), axis=axis, keepdims=True, initial=-np.inf)  # -inf if empty
    return x - np.where(np.isfinite(shift), shift, 0.0)  # rows of -inf stay -inf, not nan


def _logsumexp(x: Array, axis: tuple[int, ...] | int | None, keepdims: bool) -> Array:
    """Ln Σ eˣ over ``axis``, shifted by the maximum so nothing overflows."""
    shift = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    shift = np.where(np.isfinite(shift), shift, 0.0)  # rows of -inf stay -inf, not nan
    total = np.log(np.sum(np.exp(x - shift), axis=axis, keepdims=True)) + shift
    return total if keepdims else np.squeeze(total, axis=axis)


def _log_softmax(x: Grad, axis: tuple[int, ...] | int | None) -> Grad:
    """x - ln Σ eˣ over ``axis``, as z - ln Σ eᶻ with z = x - max x (arrays or Tensors).

    Subtracting ln Σ eˣ from x itself would lose the differences between large
    logits (1e17 in float64, 1e4 in float32) in rounding; z keeps them.
    """
    z = _minus_max(x, axis)
    return z - _log(_exp(z).sum(axis, keepdims=True))


class LogSoftmax(Op):
    """y = a - ln Σ eᵃ along ``axis``.   dL/da = g - eʸ Σ g."""

    name = "log_softmax"
    saves_output = True

    def forward(self, a: Tensor, axis: int) -> Array:
        self.axis = axis
        return _log_softmax(a.data, axis)

    def backward(self, g: Grad) -> Grad:
        return g - g.sum(self.axis, keepdims=True) * _exp(self.output())


class Softmax(Op):
    """y = eᵃ / Σ eᵃ along ``axis``.   dL/da = y (g - Σ g y)."""

    name = "softmax"
    saves_output = True

    def forward(self, a: Tensor, axis: int) -> Array:
        self.axis = axis
        e = np.exp(_minus_max(a.data, axis))
        return e / e.sum(axis, keepdims=True)

    def backward(self, g: Grad) -> Grad:
        y = self.output()
        return y * (g - (g * y).sum(self.axis, keepdims=True))


# ------------------------------------------------------------ shape


class Cat(Op):
    """y = the inputs joined along ``axis``.   dL/dxᵢ = the slice of g where xᵢ went."""

    name = "cat"

    def forward(self, *parts: Tensor, axis: int) -> Array:
        self.axis = axis
        self.ends = np.cumsum([t.shape[axis] for t in parts]).tolist()
        return np.concatenate([t.data for t in parts], axis=axis)

    def backward(self, g: Grad) -> Grads:
        grads, index = [], [slice(None)] * (self.axis + 1)
        for start, end, needed in zip([0, *self.ends[:-1]], self.ends, self.needs_input_grad):
            index[-1] = slice(start, end)
            grads.append(g[tuple(index)] if needed else None)
        return tuple(grads)


class Reshape(Op):
    """y = a with a new shape.   dL/da = g reshaped back."""

    name = "reshape"
    makes_view = True

    def forward(self, a: Tensor, shape: tuple[int, ...]) -> Array:
        self.in_shape = a.shape
        try:
            return a.data.reshape(shape)
        except ValueError:
            raise ValueError(
                f"reshape: cannot reshape a tensor of shape {a.shape} ({a.data.size} elements) "
                f"into {shape}"
            ) from None

    def backward(self, g: Grad) -> Grad:
        return g.reshape(self.in_shape)


class Transpose(Op):
    """y = a with its axes permuted.   dL/da = g permuted back (the inverse permutation)."""

    name = "transpose"
    makes_view = True

    def forward(self, a: Tensor, axes: tuple[int, ...]) -> Array:
        self.axes = axes
        return a.data.transpose(axes)

    def backward(self, g: Grad) -> Grad:
        inverse = tuple(int(i) for i in np.argsort(self.axes))
        return g.permute(inverse) if isinstance(g, Tensor) else g.transpose(inverse)


class Expand(Op):
    """y = a broadcast to ``shape``.   dL/da = g summed over the copies."""

    name = "expand"
    makes_view = True

    def forward(self, a: Tensor, shape: tuple[int, ...]) -> Array:
        self.in_shape = a.shape
        return np.broadcast_to(a.data, shape)

    def backward(self, g: Grad) -> Grad:
        return unbroadcast(g, self.in_shape)


class Cast(Op):
    """y = a as ``dtype``, always a new array (``clone`` when the dtype is a's own).

    dL/da = g as a's dtype.
    """

    name = "cast"

    def forward(self, a: Tensor, dtype: np.dtype[Any]) -> Array:
        self.in_dtype = a.dtype
        return a.data.astype(dtype)

    def backward(self, g: Grad) -> Grad:
        if isinstance(g, Tensor):
            return g if g.dtype == self.in_dtype else Cast.apply(g, dtype=self.in_dtype)
        return g.astype(self.in_dtype, copy=False)


class GetItem(Op):
    """y = a[index].   dL/da = g scattered into zeros at ``index`` (repeats add up)."""

    name = "getitem"
    makes_view = True

    def forward(self, a: Tensor, index: Any) -> Array:
        # Index arrays are copied: changing one in place later must not move the gradient.
        parts = tuple(np.array(p) if isinstance(p, np.ndarray) or (isinstance(p, list) and p)
                      else p for p in (index if isinstance(index, tuple) else (index,)))
        self.in_shape, self.index = a.shape, parts
        try:
            out = a.data[parts]
            if isinstance(out, np.ndarray):
                return out
            whole = (*parts, Ellipsis)  # an int per dim: a 0-d view, as PyTorch's, not a copy
            return a.data[whole]
        except IndexError as error:
            raise IndexError(f"getitem: {error} (tensor shape {a.shape})") from None

    def backward(self, g: Grad) -> Grad:
        return _scatter_add(g, self.in_shape, self.index)


class ScatterAdd(Op):
    """y = zeros(shape) with a added at ``index``.   dL/da = g[index].

    The backward of indexing, and itself differentiable, for second order.
    """

    name = "scatter_add"

    def forward(self, a: Tensor, shape: tuple[int, ...], index: Any) -> Array:
        self.index = index
        return _scatter_add_arrays(a.data, shape, index)

    def backward(self, g: Grad) -> Grad:
        return g[self.index]


def _scatter_add_arrays(values: Array, shape: tuple[int, ...], index: Any) -> Array:
    """zeros(shape) with ``values`` added at ``index``."""
    out = np.zeros(shape, dtype=values.dtype)
    if _is_basic_index(index):
        out[index] = values  # slices and ints never hit an element twice
    else:
        np.add.at(out, index, values)  # integer arrays may repeat an element
    return out


def _is_basic_index(index: Any) -> bool:
    """True for indices made only of ints, slices, None and Ellipsis (no copies, no repeats)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        isinstance(part, (int, np.integer, slice)) or part is None or part is Ellipsis
        for part in parts
    )
