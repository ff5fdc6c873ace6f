"""Matrix products and parts of matrices (outer, bmm, addmm, einsum, trace, tril ...) from the ops.

Like ``methods.py``, this file adds almost no gradient rule: each function
is a composition of the engine's ops, so its gradient, and the gradient of
that gradient, come from rules already in ``ops.py``. Four constructions do
the work:

* Products are ``@`` (``MatMul``) after a reshape or permute: ``mv`` and
  ``bmm`` are ``@`` itself, ``addbmm`` sums its batch by folding it into
  the inner dimension (a (b, n, k) batch becomes an (n, b·k) matrix), and
  ``outer`` and ``kron`` are a broadcast ``*`` of reshaped factors.
* ``einsum`` and ``tensordot`` contract two operands at a time by one
  ``@``: the subscripts both keep become batch dims, those summed become
  the inner dimension, the rest the rows and columns
  (``_contract``). A subscript repeated in one operand first takes the
  diagonal, and one that no other operand or the output names is summed.
* Parts of a matrix are indexing (``GetItem``, whose backward scatters the
  gradient back, and whose second backward indexes again): ``diagonal``
  picks (i, i + offset) with two index arrays; ``diag_embed`` appends a
  zero to each vector and picks, for every place of the square, the entry
  that lands there, or that zero.
* ``tril`` and ``triu`` keep a constant triangle with ``where``, not a
  product with a 0/1 mask, so a NaN or inf outside the triangle does not
  leak into the result as 0 · NaN.

The exception is what needs LAPACK (numpy's ``linalg``): the inverse and
the determinant have rules of their own, ``Op`` subclasses as in ``ops.py``
(reached as ``_tensor.Op``, as ``special.py`` explains), each with its
backward made of ops so that it can be differentiated again:

    Y = A⁻¹:          dL/dA = -Yᵀ G Yᵀ
    y = ln |det A|:   dL/dA = g A⁻ᵀ          (``logdet``, ``slogdet``)
    y = det A:        dL/dA = g y A⁻ᵀ        (= g adj(A)ᵀ, also at a singular A)

Whether A has an inverse is read from its LU factorization (slogdet's sign),
never from det A != 0: det A underflows to 0 for invertible matrices as
plain as 0.1 · I of size 400.

``matrix_power`` is ``@`` by repeated squaring (of the inverse, for n < 0).

Each method states its derivative; where a function of several tensors
has no method (``einsum``, ``tensordot``, ``cdist``, ``block_diag``,
``cartesian_prod``) its docstring does.

Example:
    >>> import tinygrad_mlp as tm
    >>> a = tm.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> tm.einsum("ij,jk->ik", a, a).tolist() == (a @ a).tolist()
    True
    >>> a.trace().backward()  # d trace / dA = I
    >>> a.grad
    tensor([[1., 0.],
            [0., 1.]])
    >>> tm.triu(a, 1).tolist(), a.diagonal().tolist()
    ([[0.0, 2.0], [0.0, 0.0]], [1.0, 4.0])
"""

# A method here declares ``self: Tensor``, as in methods.py (see the note there).
# mypy: disable-error-code="misc"

from __future__ import annotations

import math
import string
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from numpy.typing import DTypeLike

# tensor.py imports this module (through methods.py); what it defines is looked up when called.
import tinygrad_mlp.tensor as _tensor
from tinygrad_mlp import checks
from tinygrad_mlp.dtypes import get_default_dtype

if TYPE_CHECKING:
    from tinygrad_mlp.tensor import Array, Tensor

Dims = int | Sequence[Sequence[int]]


def _int(op: str, name: str, value: object) -> int:
    """``value`` as an int, refusing floats and bools (an offset of 1.5 means nothing)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{op}: {name} must be an int, got {value!r}")
    return int(value)


def _zero(x: Tensor) -> Tensor:
    """A 0-d zero of ``x``'s dtype: what ``where`` puts outside a kept part."""
    return _tensor.Tensor(np.zeros((), x.dtype))


def _dim(op: str, name: str, dim: object, ndim: int) -> int:
    """``dim`` (the argument ``name``) as an axis in [0, ndim), refused naming ``name``."""
    return checks.axis(op, _int(op, name, dim), ndim)


def _check_factors(op: str, beta: float, alpha: float, *tensors: Tensor) -> None:
    """Refuse a beta or alpha that is not a number, or a float one for integer tensors.

    PyTorch's ``addr`` (and ``add``) refuse the float; its ``addmm``, ``addmv``
    and ``baddbmm`` truncate it (beta=0.5 acts as 0), which this never does.
    """
    integers = np.result_type(*[t.dtype for t in tensors]).kind in "biu"
    for name, factor in (("beta", beta), ("alpha", alpha)):
        checks.real(op, name, factor)
        if integers and isinstance(factor, (float, np.floating)):
            raise TypeError(f"{op}: {name} must be an int for integer tensors, got {factor!r}")


# the add... functions that ignore the product at alpha = 0, as PyTorch's (see _plus)
_SKIPS_PRODUCT_AT_ALPHA_0 = ("addmm", "addmv", "addbmm")


def _plus(op: str, input: Tensor, product: Tensor, beta: float, alpha: float) -> Tensor:
    """β · input + α · product, the sum every ``add...`` method computes.

    ``input`` must broadcast to the product's shape. With β = 0 it is ignored
    as in PyTorch: a NaN or inf in it does not reach the result, and its
    gradient is 0 (``_scaled``), not 0 · g. With α = 0 ``addmm``, ``addmv``
    and ``addbmm`` ignore the product in the same way, as PyTorch's do (a
    factor's gradient is then 0 times the other factor: NaN only against a
    NaN or inf in it, as there); ``baddbmm`` and ``addr`` compute 0 · product,
    NaN where it is NaN or infinite, as PyTorch's do.
    """
    if not checks.broadcasts_to(input.shape, product.shape):
        raise ValueError(f"{op}: input of shape {input.shape} does not broadcast to the shape "
                         f"of the product, {product.shape}")
    return _scaled(input, beta, True) + _scaled(product, alpha,
                                                op in _SKIPS_PRODUCT_AT_ALPHA_0)


def _scaled(x: Tensor, factor: float, ignored_at_0: bool) -> Tensor:
    """factor · x; with ``ignored_at_0``, zeros for factor 0, from a ``where`` that never picks x.

    That ``where`` keeps a NaN or inf in x out of the result, and gives x the
    gradient 0, where 0 · x would be NaN there and its gradient 0 · g.
    """
    if factor == 0 and ignored_at_0:
        return _tensor.where(np.array(False), x, _zero(x))
    return x if factor == 1 else x * factor


def _contract(a: Tensor, a_labels: list[str], b: Tensor, b_labels: list[str],
              keep: set[str]) -> tuple[Tensor, list[str]]:
    """Σ a · b over the labels both have and ``keep`` lacks, as one batched ``@``.

    Each dim is named by a label. Labels in both operands and in ``keep``
    become batch dims (broadcast by ``@``), labels in both but not in
    ``keep`` the inner dimension k, and each operand's own labels its rows
    (for a) or columns (for b): a is permuted and reshaped to (batch, m, k),
    b to (batch, k, n). Returns the product, shaped (batch, a's own, b's
    own), and its labels. A label only one operand has is kept: the caller
    sums those that nothing later needs first. A summed label of size 1 on
    one side is expanded to the other's size (einsum broadcasts it, as
    PyTorch's does).
    """
    batch = [x for x in a_labels if x in b_labels and x in keep]
    summed = [x for x in a_labels if x in b_labels and x not in keep]
    a_own = [x for x in a_labels if x not in b_labels]
    b_own = [x for x in b_labels if x not in a_labels]
    a_size, b_size = dict(zip(a_labels, a.shape)), dict(zip(b_labels, b.shape))
    inner = {x: b_size[x] if a_size[x] == 1 else a_size[x] for x in summed}
    if any(a_size[x] != n for x, n in inner.items()):
        a = a.expand([inner.get(x, n) for x, n in zip(a_labels, a.shape)])
    if any(b_size[x] != n for x, n in inner.items()):
        b = b.expand([inner.get(x, n) for x, n in zip(b_labels, b.shape)])
    rows = math.prod(a_size[x] for x in a_own)
    columns = math.prod(b_size[x] for x in b_own)
    depth = math.prod(inner.values())
    a_matrix = a.permute([a_labels.index(x) for x in batch + a_own + summed]).reshape(
        *[a_size[x] for x in batch], rows, depth)
    b_matrix = b.permute([b_labels.index(x) for x in batch + summed + b_own]).reshape(
        *[b_size[x] for x in batch], depth, columns)
    product = a_matrix @ b_matrix
    shape = (*product.shape[:len(batch)], *[a_size[x] for x in a_own],
             *[b_size[x] for x in b_own])
    return product.reshape(shape), batch + a_own + b_own


class LinalgMethods:
    """Methods ``Tensor`` inherits (through ``TensorMethods``)."""

    __slots__ = ()

    # -- products ---------------------------------------------------------------------

    def outer(self: Tensor, vec2: Tensor) -> Tensor:
        """The outer product a bᵀ of two vectors: out[i, j] = a[i] · b[j].

        dL/da = g b,  dL/db = gᵀ a.
        """
        other = checks.tensor("outer", "vec2", vec2)
        if self.ndim != 1 or other.ndim != 1:
            raise ValueError(f"outer: input and vec2 must be 1-D, got shapes {self.shape} and "
                             f"{other.shape}")
        return self.unsqueeze(1) * other.unsqueeze(0)

    def inner(self: Tensor, other: Tensor) -> Tensor:
        """Σₖ a[..., k] · b[..., k]: the last dims contracted, shaped a's rest + b's rest.

        For 1-D tensors the dot product; a 0-d one multiplies the other.
        dL/da[I, k] = Σ_J g[I, J] b[J, k],  dL/db[J, k] = Σ_I g[I, J] a[I, k].
        """
        right = checks.tensor("inner", "other", other)
        if not self.ndim or not right.ndim:
            return self * right
        if self.shape[-1] != right.shape[-1]:
            raise ValueError(f"inner: the last dims of input and other must match, got shapes "
                             f"{self.shape} and {right.shape}")
        return _tensordot(self, right, [self.ndim - 1], [right.ndim - 1])

    def vdot(self: Tensor, other: Tensor) -> Tensor:
        """``dot`` under the name ``torch.vdot`` (which conjugates complex input; here all is real).

        Σᵢ aᵢ bᵢ of two 1-D tensors of one size: dL/da = g b,  dL/db = g a.
        """
        right = checks.tensor("vdot", "other", other)
        if self.ndim != 1 or right.ndim != 1 or self.shape != right.shape:
            raise ValueError(f"vdot: needs two 1-D tensors of the same size, got shapes "
                             f"{self.shape} and {right.shape}")
        return self @ right

    def mv(self: Tensor, vec: Tensor) -> Tensor:
        """The matrix-vector product A v of a 2-D and a 1-D tensor.

        dL/dA = g vᵀ,  dL/dv = Aᵀ g.
        """
        right = checks.tensor("mv", "vec", vec)
        if self.ndim != 2 or right.ndim != 1:
            raise ValueError(f"mv: input must be 2-D and vec 1-D, got shapes {self.shape} and "
                             f"{right.shape}")
        if self.shape[1] != right.shape[0]:
            raise ValueError(f"mv: input of shape {self.shape} and vec of shape {right.shape} "
                             f"cannot be multiplied: {self.shape[1]} columns against "
                             f"{right.shape[0]} entries")
        return self @ right

    def bmm(self: Tensor, mat2: Tensor) -> Tensor:
        """A batch of matrix products, A[b] @ B[b], of two 3-D tensors (no broadcasting).

        dL/dA[b] = g[b] B[b]ᵀ,  dL/dB[b] = A[b]ᵀ g[b].
        """
        right = checks.tensor("bmm", "mat2", mat2)
        _check_batches("bmm", ("input", self), ("mat2", right))
        return self @ right

    def addmm(self: Tensor, mat1: Tensor, mat2: Tensor, *, beta: float = 1,
              alpha: float = 1) -> Tensor:
        """β · self + α · (mat1 @ mat2), self broadcast to the product's shape (n, m).

        dL/dself = β g (summed over broadcast dims),  dL/dmat1 = α g mat2ᵀ,
        dL/dmat2 = α mat1ᵀ g.
        """
        a, b = checks.tensor("addmm", "mat1", mat1), checks.tensor("addmm", "mat2", mat2)
        if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
            raise ValueError(f"addmm: needs matrices mat1 (n, k) and mat2 (k, m), got shapes "
                             f"{a.shape} and {b.shape}")
        _check_factors("addmm", beta, alpha, self, a, b)
        return _plus("addmm", self, a @ b, beta, alpha)

    def addmv(self: Tensor, mat: Tensor, vec: Tensor, *, beta: float = 1,
              alpha: float = 1) -> Tensor:
        """β · self + α · (mat @ vec), self broadcast to the product's shape (n,).

        dL/dself = β g,  dL/dmat = α g vecᵀ,  dL/dvec = α matᵀ g.
        """
        a, v = checks.tensor("addmv", "mat", mat), checks.tensor("addmv", "vec", vec)
        if a.ndim != 2 or v.ndim != 1 or a.shape[1] != v.shape[0]:
            raise ValueError(f"addmv: needs a matrix mat (n, k) and a vector vec (k,), got "
                             f"shapes {a.shape} and {v.shape}")
        _check_factors("addmv", beta, alpha, self, a, v)
        return _plus("addmv", self, a @ v, beta, alpha)

    def addr(self: Tensor, vec1: Tensor, vec2: Tensor, *, beta: float = 1,
             alpha: float = 1) -> Tensor:
        """β · self + α · outer(vec1, vec2), self broadcast to (n, m).

        dL/dself = β g,  dL/dvec1 = α g vec2,  dL/dvec2 = α gᵀ vec1.
        """
        u, v = checks.tensor("addr", "vec1", vec1), checks.tensor("addr", "vec2", vec2)
        if u.ndim != 1 or v.ndim != 1:
            raise ValueError(f"addr: vec1 and vec2 must be 1-D, got shapes {u.shape} and "
                             f"{v.shape}")
        _check_factors("addr", beta, alpha, self, u, v)
        return _plus("addr", self, u.outer(v), beta, alpha)

    def baddbmm(self: Tensor, batch1: Tensor, batch2: Tensor, *, beta: float = 1,
                alpha: float = 1) -> Tensor:
        """β · self + α · bmm(batch1, batch2), self broadcast to (b, n, m).

        dL/dself = β g,  dL/dbatch1[b] = α g[b] batch2[b]ᵀ,
        dL/dbatch2[b] = α batch1[b]ᵀ g[b].
        """
        a, b = checks.tensor("baddbmm", "batch1", batch1), checks.tensor("baddbmm", "batch2",
                                                                         batch2)
        _check_batches("baddbmm", ("batch1", a), ("batch2", b))
        _check_factors("baddbmm", beta, alpha, self, a, b)
        return _plus("baddbmm", self, a @ b, beta, alpha)

    def addbmm(self: Tensor, batch1: Tensor, batch2: Tensor, *, beta: float = 1,
               alpha: float = 1) -> Tensor:
        """β · self + α · Σ_b batch1[b] @ batch2[b], self broadcast to (n, m).

        The sum over the batch is one product: batch1 (b, n, k) becomes the
        matrix (n, b·k) and batch2 (b, k, m) the matrix (b·k, m).
        dL/dself = β g,  dL/dbatch1[b] = α g batch2[b]ᵀ,  dL/dbatch2[b] = α batch1[b]ᵀ g.
        """
        a, b = checks.tensor("addbmm", "batch1", batch1), checks.tensor("addbmm", "batch2",
                                                                        batch2)
        _check_batches("addbmm", ("batch1", a), ("batch2", b))
        _check_factors("addbmm", beta, alpha, self, a, b)
        count, rows, depth = a.shape
        total = a.permute(1, 0, 2).reshape(rows, count * depth) @ b.reshape(count * depth,
                                                                            b.shape[2])
        return _plus("addbmm", self, total, beta, alpha)

    def kron(self: Tensor, other: Tensor) -> Tensor:
        """The Kronecker product: each entry of self times a whole copy of ``other``.

        The shorter shape gets leading 1s; out[(i, j)] = a[i] · b[j] in each
        dim, made as a broadcast product of a reshaped (a₀, 1, a₁, 1, ...) and
        b reshaped (1, b₀, 1, b₁, ...). dL/da[i] = Σ_j g[(i, j)] b[j],
        dL/db[j] = Σ_i g[(i, j)] a[i].
        """
        right = checks.tensor("kron", "other", other)
        ndim = max(self.ndim, right.ndim)
        a_shape = (1,) * (ndim - self.ndim) + self.shape
        b_shape = (1,) * (ndim - right.ndim) + right.shape
        a = self.reshape([n for size in a_shape for n in (size, 1)])
        b = right.reshape([n for size in b_shape for n in (1, size)])
        return (a * b).reshape([m * n for m, n in zip(a_shape, b_shape)])

    def cross(self: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
        """The cross product a × b of 3-vectors along ``dim``, as ``torch.cross``.

        Both have the same number of dims, and broadcast. Without ``dim``, the
        first dim of size 3 in self (PyTorch warns that this default is
        deprecated; ``torch.linalg.cross`` uses -1). Made of two rotations of
        each: a × b = a[1, 2, 0] · b[2, 0, 1] - a[2, 0, 1] · b[1, 2, 0].
        dL/da = b × g,  dL/db = g × a.
        """
        b = checks.tensor("cross", "other", other)
        if self.ndim != b.ndim:
            raise ValueError(f"cross: input and other must have the same number of dims, got "
                             f"shapes {self.shape} and {b.shape}")
        if self.dtype.kind == "b" or b.dtype.kind == "b":
            raise TypeError(f"cross: bool tensors are not supported (nor in PyTorch), got "
                            f"dtypes {self.dtype} and {b.dtype}; convert them with .int()")
        if dim is None:
            if 3 not in self.shape:
                raise ValueError(f"cross: input has no dim of size 3 (shape {self.shape}); "
                                 "give dim")
            axis = self.shape.index(3)
        else:
            axis = _dim("cross", "dim", dim, self.ndim)
        if self.shape[axis] != 3 or b.shape[axis] != 3:
            raise ValueError(f"cross: dim {axis} of input and other must have size 3, got "
                             f"shapes {self.shape} and {b.shape}")
        try:
            np.broadcast_shapes(self.shape, b.shape)
        except ValueError:
            raise ValueError(f"cross: input of shape {self.shape} and other of shape {b.shape} "
                             "cannot be broadcast together") from None
        after, before = np.array([1, 2, 0]), np.array([2, 0, 1])
        return (self.index_select(axis, after) * b.index_select(axis, before)
                - self.index_select(axis, before) * b.index_select(axis, after))

    # -- inverse, determinants, powers (rules of their own: see below) ----------------

    def inverse(self: Tensor) -> Tensor:
        """A⁻¹, of a square matrix or of each in a batch (..., n, n).   dL/dA = -A⁻ᵀ G A⁻ᵀ.

        A matrix holding a NaN has an all-NaN inverse, as in PyTorch.

        Raises:
            TypeError: for an int or bool tensor, as PyTorch.
            ValueError: if A is not (..., n, n).
            numpy.linalg.LinAlgError (a ValueError): if a matrix is singular,
                naming which one of the batch.
        """
        return _Inverse.apply(self)

    def det(self: Tensor) -> Tensor:
        """det A, of a square matrix or of each in a batch.   dL/dA = g det(A) A⁻ᵀ = g adj(A)ᵀ.

        The first derivative is exact at a singular A too (the cofactors), and
        where det A underflows to 0 for an invertible A; the second needs A
        invertible. PyTorch's first derivative is det(A) A⁻ᵀ solved through
        its LU: 0 where its det is exactly 0 (a zero pivot, as for
        [[1, 2], [2, 4]]), close to the cofactors where rounding leaves a tiny
        det (as for most singular 3 × 3 matrices).
        """
        return _Det.apply(self)

    def logdet(self: Tensor) -> Tensor:
        """ln det A: NaN where det A < 0 (gradient 0 there), -∞ where it is 0, as PyTorch.

        dL/dA = g A⁻ᵀ.
        """
        _square("logdet", self)
        log = _LogAbsDet.apply(self)
        return _tensor.where(_slogdet(self.data)[0] < 0, math.nan, log)

    def slogdet(self: Tensor) -> SlogDet:
        """(sign, logabsdet) with det A = sign · e^logabsdet, as ``torch.slogdet``.

        sign is -1, 0 or 1 (0 for a singular A, whose logabsdet is -∞, and for
        one holding NaN, whose logabsdet is NaN, as in PyTorch); dL/dA = g A⁻ᵀ
        from logabsdet, also where det A underflows to 0. sign is a constant
        here (``requires_grad`` False); PyTorch's takes part in the graph, with
        gradient 0, as sign is piecewise constant.
        """
        _square("slogdet", self)
        sign = _slogdet(self.data)[0].astype(self.dtype, copy=False)
        return SlogDet(_tensor.Tensor(sign), _LogAbsDet.apply(self))

    def matrix_power(self: Tensor, n: int) -> Tensor:
        """Aⁿ of a square matrix or batch: ``@`` by repeated squaring; A⁻¹ to the -n for n < 0.

        n = 0 gives the identity (with a gradient of 0 for A). No rule of its
        own: the gradient is that of the products (and of ``inverse``).
        """
        power = _int("matrix_power", "n", n)
        if self.ndim < 2 or self.shape[-1] != self.shape[-2]:
            raise ValueError(f"matrix_power: A must be a square matrix or a batch of them, "
                             f"shaped (..., n, n), got shape {self.shape}")
        if power == 0:
            identity = np.broadcast_to(np.eye(self.shape[-1], dtype=self.dtype), self.shape)
            return _tensor.where(np.array(True), identity, self)
        square = self.inverse() if power < 0 else self
        power, result = abs(power), None
        while power:
            if power & 1:
                result = square if result is None else result @ square
            power >>= 1
            if power:
                square = square @ square
        assert result is not None
        return result

    # -- parts of matrices ------------------------------------------------------------

    def trace(self: Tensor) -> Tensor:
        """Σᵢ A[i, i] of a 2-D tensor (any shape: the diagonal stops at the shorter side).

        dL/dA = g I (g on the diagonal, 0 elsewhere).
        """
        if self.ndim != 2:
            raise ValueError(f"trace: input must be 2-D, got shape {self.shape}")
        return self.diagonal().sum()

    def diagonal(self: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        """The entries (i, i + offset) of the matrices in dims ``dim1`` and ``dim2``.

        Those two dims are removed and the diagonal becomes the last dim, as
        in PyTorch (which gives a view; this is a copy). offset > 0 is above
        the main diagonal, < 0 below. dL/dself = g placed on that diagonal,
        0 elsewhere.
        """
        shift = _int("diagonal", "offset", offset)
        first = _dim("diagonal", "dim1", dim1, self.ndim)
        second = _dim("diagonal", "dim2", dim2, self.ndim)
        if first == second:
            raise ValueError(f"diagonal: dim1 and dim2 must be different dims, got {dim1} and "
                             f"{dim2} for shape {self.shape}")
        rest = [d for d in range(self.ndim) if d not in (first, second)]
        top, left = max(-shift, 0), max(shift, 0)
        steps = np.arange(max(0, min(self.shape[first] - top, self.shape[second] - left)))
        moved = self.permute(*rest, first, second)
        return moved[(slice(None),) * len(rest) + (steps + top, steps + left)]

    def diag_embed(self: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
        """Matrices with the last dim of self on their diagonal ``offset``, zeros elsewhere.

        The matrices are square, n + |offset| on a side, in dims ``dim1`` and
        ``dim2`` of the result (one dim more than self). Made by indexing:
        self gets a zero appended, and each place of the square picks the
        entry that lands there, or the zero. dL/dself = the diagonal
        ``offset`` of g.
        """
        shift = _int("diag_embed", "offset", offset)
        if not self.ndim:
            raise ValueError("diag_embed: input must have at least 1 dim, got a 0-d tensor")
        first = _dim("diag_embed", "dim1", dim1, self.ndim + 1)
        second = _dim("diag_embed", "dim2", dim2, self.ndim + 1)
        if first == second:
            raise ValueError(f"diag_embed: dim1 and dim2 must be different dims, got {dim1} and "
                             f"{dim2}")
        length = self.shape[-1]
        rows, columns = np.indices((length + abs(shift),) * 2)
        # (i, i + offset) holds entry i, (j - offset, j) entry j: the smaller of the two
        index = np.where(columns - rows == shift, np.minimum(rows, columns), length)
        padded = _tensor.cat([self, _tensor.Tensor(np.zeros((*self.shape[:-1], 1),
                                                            self.dtype))], -1)
        square = padded[(slice(None),) * (self.ndim - 1) + (index,)]
        batch = iter(range(self.ndim - 1))
        order = [self.ndim - 1 if d == first else self.ndim if d == second else next(batch)
                 for d in range(self.ndim + 1)]
        return square if order == sorted(order) else square.permute(order)

    def diag(self: Tensor, diagonal: int = 0) -> Tensor:
        """A vector's diagonal matrix, or a matrix's diagonal vector (``diagonal`` the offset).

        1-D: ``diag_embed(diagonal)``, an (n + |k|) square matrix; 2-D:
        ``diagonal(diagonal)``. Their gradients are each other.
        """
        if self.ndim == 1:
            return self.diag_embed(diagonal)
        if self.ndim == 2:
            return self.diagonal(diagonal)
        raise ValueError(f"diag: input must be 1-D or 2-D, got shape {self.shape}")

    def tril(self: Tensor, diagonal: int = 0) -> Tensor:
        """The lower triangle (on and below the diagonal ``diagonal``) of the last two dims.

        dL/dself = tril(g): the triangle is kept by a ``where`` with a constant mask.
        """
        return _triangle("tril", self, diagonal, np.tril)

    def triu(self: Tensor, diagonal: int = 0) -> Tensor:
        """The upper triangle (on and above the diagonal ``diagonal``) of the last two dims.

        dL/dself = triu(g).
        """
        return _triangle("triu", self, diagonal, np.triu)


# -- inverse and determinant: rules of their own ------------------------------------------


class SlogDet(NamedTuple):
    """What ``slogdet`` gives, as ``torch.return_types.slogdet``: det = sign · e^logabsdet."""

    sign: Tensor
    logabsdet: Tensor


def _square(op: str, A: Tensor) -> None:
    """Refuse anything but a floating point square matrix or batch of them, naming ``op``."""
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise ValueError(f"{op}: A must be a square matrix or a batch of them, shaped "
                         f"(..., n, n), got shape {A.shape}")
    if A.dtype.kind != "f":
        raise TypeError(f"{op}: A must be floating point, got dtype {A.dtype}; convert it "
                        "first with .double() or .float()")


def _lapack(a: Array) -> Array:
    """``a`` in a dtype numpy's linalg takes: float16 goes up to float32."""
    return a.astype(np.float32) if a.dtype == np.float16 else a


def _where_singular(a: Array) -> str:
    """Which matrix of ``a`` has no inverse: 'the matrix', or 'batch element (i, ...)'."""
    if a.ndim == 2:
        return "the matrix"
    flat = a.reshape(-1, *a.shape[-2:])
    for index, matrix in enumerate(flat):
        try:
            np.linalg.inv(matrix)
        except np.linalg.LinAlgError:
            position = tuple(int(i) for i in np.unravel_index(index, a.shape[:-2]))
            return f"batch element {position[0] if len(position) == 1 else position}"
    return "a batch element"


def _holds_nan(a: Array) -> Array:
    """Which matrices of ``a`` hold a NaN: PyTorch's inverse, det and slogdet are all NaN there.

    numpy's LU may pivot around a NaN and give some finite entries, or a sign
    of ±1; PyTorch's never does, so these matrices are answered here, not
    by LAPACK.
    """
    return np.asarray(np.isnan(a).any(axis=(-2, -1)))


def _slogdet(a: Array) -> tuple[Array, Array]:
    """(sign, ln |det A|) of arrays as PyTorch gives them: (0, NaN) for a matrix holding NaN."""
    with np.errstate(all="ignore"):
        sign, log = np.linalg.slogdet(_lapack(a))
    nan = _holds_nan(a)
    return np.where(nan, 0.0, sign), np.where(nan, np.nan, log)


def _invertible(a: Array) -> tuple[Array, Array]:
    """(invertible, inverse): which matrices of ``a`` have an inverse, and A⁻¹ for those.

    A finite matrix has one when its LU factorization has no zero pivot,
    which is when slogdet's sign is not 0. Not when det A != 0: det A
    underflows to 0 for matrices as tame as 0.1 · I of size 400 (det 1e-400),
    whose inverse is 10 · I. The other matrices become I before LAPACK sees
    them, so that one singular matrix does not stop a batch; their entries of
    ``inverse`` are the caller's to replace.
    """
    with np.errstate(all="ignore"):
        invertible = np.isfinite(a).all(axis=(-2, -1)) & (np.linalg.slogdet(a)[0] != 0)
        identity = np.eye(a.shape[-1], dtype=a.dtype)
        return invertible, np.linalg.inv(np.where(invertible[..., None, None], a, identity))


def _cofactors(a: Array) -> Array:
    """adj(A)ᵀ = det(A) A⁻ᵀ, the matrix of cofactors, of arrays; also where det A = 0.

    It is det(A) A⁻ᵀ where A is invertible and det A a normal float. Where A
    is singular, or det A left float64's range while a cofactor need not
    have (diag(1e-200, 1e-200, 1e-5) has det 1e-405 and a cofactor 1e-205),
    the cofactors come from the SVD A = U S Vᵀ:
    adj(A) = det(U) det(V) · V diag(Πⱼ≠ᵢ sⱼ) Uᵀ, with no division. A matrix
    holding NaN or ±∞ gives NaN.
    """
    invertible, inverse = _invertible(a)
    with np.errstate(all="ignore"):
        det = np.linalg.det(a)
        cofactors = det[..., None, None] * inverse.mT
    finite = np.asarray(np.isfinite(a).all(axis=(-2, -1)))
    by_svd = finite & ~(invertible & np.isfinite(det) & (np.abs(det) >= np.finfo(a.dtype).tiny))
    if by_svd.any():
        u, s, vh = np.linalg.svd(np.where(by_svd[..., None, None], a, 0.0))
        n = a.shape[-1]
        others = np.prod(np.where(np.eye(n, dtype=bool), 1.0, s[..., None, :]), axis=-1)
        signs = np.linalg.det(u) * np.linalg.det(vh)
        adjugate = signs[..., None, None] * ((vh.mT * others[..., None, :]) @ u.mT)
        cofactors = np.where(by_svd[..., None, None], adjugate.mT, cofactors)
    return np.where(finite[..., None, None], cofactors, np.nan)


def _inverse_transposed(A: Any) -> Any:
    """A⁻ᵀ: for a Tensor the ``_Inverse`` op (differentiable again), for arrays LAPACK's.

    For arrays a singular A gives its cofactors / det A = cofactors / 0 (±∞,
    or NaN), silently, as PyTorch gives non-finite gradients there; a
    Tensor's raises.
    """
    if isinstance(A, _tensor.Tensor):
        return _Inverse.apply(A).mT
    a = _lapack(A)
    invertible, inverse = _invertible(a)
    if not invertible.all():
        with np.errstate(all="ignore"):
            inverse = np.where(invertible[..., None, None], inverse, _cofactors(a).mT / 0.0)
    return inverse.mT.astype(A.dtype, copy=False)


class _Inverse(_tensor.Op):
    """Y = A⁻¹, of each matrix in the last two dims.   dL/dA = -Yᵀ G Yᵀ.

    From d(A⁻¹) = -A⁻¹ dA A⁻¹. Y is this op's output, so the rule is made of
    ``@`` and a transpose of tensors that are themselves differentiable.
    """

    name = "inverse"
    saves_output = True

    def forward(self, A: Tensor) -> Array:
        _square("inverse", A)
        nan = _holds_nan(A.data)[..., None, None]
        data = np.where(nan, np.eye(A.shape[-1], dtype=A.dtype), A.data)  # NaN: answered below
        try:
            inverse = np.linalg.inv(_lapack(data))
        except np.linalg.LinAlgError:
            raise np.linalg.LinAlgError(
                f"inverse: {_where_singular(data)} of A (shape {A.shape}) is singular, so it "
                "has no inverse") from None
        return np.where(nan, np.nan, inverse).astype(A.dtype, copy=False)

    def backward(self, g: Any) -> Any:
        y = self.output()
        return -(y.mT @ g @ y.mT)


class _LogAbsDet(_tensor.Op):
    """y = ln |det A|, of each matrix in the last two dims.   dL/dA = g A⁻ᵀ.

    From d(det A) = det(A) tr(A⁻¹ dA) (Jacobi's formula), divided by det A.
    -∞ at a singular A, where the gradient is ±∞ or NaN.
    """

    name = "logabsdet"

    def forward(self, A: Tensor) -> Array:
        _square("slogdet", A)
        self.save_for_backward(A)
        return _slogdet(A.data)[1].astype(A.dtype, copy=False)

    def backward(self, g: Any) -> Any:
        (A,) = self.saved_tensors
        return g.reshape(*g.shape, 1, 1) * _inverse_transposed(A)


class _Det(_tensor.Op):
    """y = det A, of each matrix in the last two dims.   dL/dA = g y A⁻ᵀ = g adj(A)ᵀ.

    Jacobi's formula. On arrays the cofactors adj(A)ᵀ are computed directly,
    so a singular A has its exact gradient too; recorded (create_graph) the
    rule is g · y · inverse(A)ᵀ, which needs A invertible.
    """

    name = "det"
    saves_output = True

    def forward(self, A: Tensor) -> Array:
        _square("det", A)
        self.save_for_backward(A)
        with np.errstate(all="ignore"):
            det = np.linalg.det(_lapack(A.data))
        return np.asarray(np.where(_holds_nan(A.data), np.nan, det)).astype(A.dtype, copy=False)

    def backward(self, g: Any) -> Any:
        (A,) = self.saved_tensors
        g = g.reshape(*g.shape, 1, 1)
        if not isinstance(A, _tensor.Tensor):
            return g * _cofactors(_lapack(A)).astype(A.dtype, copy=False)
        y = self.output()
        return g * y.reshape(*y.shape, 1, 1) * _inverse_transposed(A)


def _check_batches(op: str, first: tuple[str, Tensor], second: tuple[str, Tensor]) -> None:
    """Refuse two batches of matrices that ``bmm`` cannot multiply (it does not broadcast)."""
    (a_name, a), (b_name, b) = first, second
    if a.ndim != 3 or b.ndim != 3:
        raise ValueError(f"{op}: {a_name} and {b_name} must be 3-D, got shapes {a.shape} and "
                         f"{b.shape}; matmul takes other shapes, and broadcasts")
    if a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
        raise ValueError(f"{op}: {a_name} of shape {a.shape} and {b_name} of shape {b.shape} "
                         "cannot be multiplied: they need the same batch size (no broadcasting) "
                         f"and {a_name}'s columns equal to {b_name}'s rows")


def _triangle(op: str, x: Tensor, diagonal: int, keep: Any) -> Tensor:
    """``x`` with zeros outside the triangle ``keep`` (np.tril or np.triu) leaves."""
    shift = _int(op, "diagonal", diagonal)
    if x.ndim < 2:
        raise ValueError(f"{op}: input must have at least 2 dims, got shape {x.shape}")
    return _tensor.where(keep(np.ones(x.shape[-2:], dtype=bool), shift), x, _zero(x))


def _tensordot(a: Tensor, b: Tensor, a_dims: Sequence[int], b_dims: Sequence[int]) -> Tensor:
    """Σ over a's ``a_dims`` paired with b's ``b_dims``: ``_contract`` with labels for dims."""
    a_labels = [f"a{d}" for d in range(a.ndim)]
    b_labels = [f"b{d}" for d in range(b.ndim)]
    for i, j in zip(a_dims, b_dims):
        b_labels[j] = a_labels[i]
    summed = {a_labels[i] for i in a_dims}
    return _contract(a, a_labels, b, b_labels, set(a_labels + b_labels) - summed)[0]


# -- function forms -----------------------------------------------------------------------


def _input(where: str, input: object) -> Tensor:
    """A function form's Tensor argument (``checks.function_input``, looked up when called)."""
    return checks.function_input(where, input)


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """``input.outer(vec2)``: the outer product of two vectors, as ``torch.outer``."""
    return _input("outer", input).outer(vec2)


def inner(input: Tensor, other: Tensor) -> Tensor:
    """``input.inner(other)``: the last dims contracted, as ``torch.inner``."""
    return _input("inner", input).inner(other)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """``input.mv(vec)``: matrix times vector, as ``torch.mv``."""
    return _input("mv", input).mv(vec)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """``input.bmm(mat2)``: a batch of matrix products of 3-D tensors, as ``torch.bmm``."""
    return _input("bmm", input).bmm(mat2)


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: float = 1,
          alpha: float = 1) -> Tensor:
    """β · input + α · (mat1 @ mat2), as ``torch.addmm``; see ``Tensor.addmm``."""
    return _input("addmm", input).addmm(mat1, mat2, beta=beta, alpha=alpha)


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: float = 1,
          alpha: float = 1) -> Tensor:
    """β · input + α · (mat @ vec), as ``torch.addmv``; see ``Tensor.addmv``."""
    return _input("addmv", input).addmv(mat, vec, beta=beta, alpha=alpha)


def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: float = 1,
         alpha: float = 1) -> Tensor:
    """β · input + α · outer(vec1, vec2), as ``torch.addr``; see ``Tensor.addr``."""
    return _input("addr", input).addr(vec1, vec2, beta=beta, alpha=alpha)


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: float = 1,
            alpha: float = 1) -> Tensor:
    """β · input + α · bmm(batch1, batch2), as ``torch.baddbmm``; see ``Tensor.baddbmm``."""
    return _input("baddbmm", input).baddbmm(batch1, batch2, beta=beta, alpha=alpha)


def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: float = 1,
           alpha: float = 1) -> Tensor:
    """β · input + α · Σ_b batch1[b] @ batch2[b], as ``torch.addbmm``; see ``Tensor.addbmm``."""
    return _input("addbmm", input).addbmm(batch1, batch2, beta=beta, alpha=alpha)


def kron(input: Tensor, other: Tensor) -> Tensor:
    """``input.kron(other)``: the Kronecker product, as ``torch.kron``."""
    return _input("kron", input).kron(other)


def trace(input: Tensor) -> Tensor:
    """``input.trace()``: the sum of a matrix's diagonal, as ``torch.trace``."""
    return _input("trace", input).trace()


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """``input.diagonal(offset, dim1, dim2)``, as ``torch.diagonal`` (a copy, not a view)."""
    return _input("diagonal", input).diagonal(offset, dim1, dim2)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """``input.diag(diagonal)``: vector to diagonal matrix or back, as ``torch.diag``."""
    return _input("diag", input).diag(diagonal)


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """``input.diag_embed(offset, dim1, dim2)``, as ``torch.diag_embed``."""
    return _input("diag_embed", input).diag_embed(offset, dim1, dim2)


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """``input.tril(diagonal)``: the lower triangle, as ``torch.tril``."""
    return _input("tril", input).tril(diagonal)


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """``input.triu(diagonal)``: the upper triangle, as ``torch.triu``."""
    return _input("triu", input).triu(diagonal)


def inverse(input: Tensor) -> Tensor:
    """``input.inverse()``: the inverse of each square matrix, as ``torch.inverse``."""
    return _input("inverse", input).inverse()


def det(input: Tensor) -> Tensor:
    """``input.det()``: the determinant of each square matrix, as ``torch.det``."""
    return _input("det", input).det()


def logdet(input: Tensor) -> Tensor:
    """``input.logdet()``: ln det A (NaN where det A < 0), as ``torch.logdet``."""
    return _input("logdet", input).logdet()


def slogdet(input: Tensor) -> SlogDet:
    """``input.slogdet()``: (sign, ln |det A|), as ``torch.slogdet``."""
    return _input("slogdet", input).slogdet()


def matrix_power(input: Tensor, n: int) -> Tensor:
    """``input.matrix_power(n)``: Aⁿ, as ``torch.matrix_power``."""
    return _input("matrix_power", input).matrix_power(n)


def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """Σᵢ aᵢ bᵢ of two 1-D tensors of one size, as ``torch.dot``.

    dL/da = g b,  dL/db = g a.
    """
    return _input("dot", input).dot(checks.tensor("dot", "tensor", tensor))


def vdot(input: Tensor, other: Tensor) -> Tensor:
    """``input.vdot(other)``: ``dot`` under the name ``torch.vdot``; see ``Tensor.vdot``."""
    return _input("vdot", input).vdot(other)


def tensordot(a: Tensor, b: Tensor, dims: Dims = 2) -> Tensor:
    """Σ over pairs of dims of a and b, as ``torch.tensordot``: a generalized matrix product.

    ``dims=n`` pairs a's last n dims with b's first n; ``dims=([1, 0], [0, 2])``
    pairs a's dim 1 with b's dim 0 and a's 0 with b's 2. The result has a's
    other dims, then b's. Each pair must have the same size (or one of them
    1, as PyTorch allows). dL/da = g contracted with b over b's other dims,
    dL/db likewise with a: ``tensordot`` both ways.
    """
    left, right = checks.tensor("tensordot", "a", a), checks.tensor("tensordot", "b", b)
    if isinstance(dims, (int, np.integer)) and not isinstance(dims, bool):
        if not 0 <= dims <= min(left.ndim, right.ndim):
            raise ValueError(f"tensordot: dims={dims} must be from 0 to the dims of a (shape "
                             f"{left.shape}) and of b (shape {right.shape})")
        a_dims = list(range(left.ndim - int(dims), left.ndim))
        b_dims = list(range(int(dims)))
    else:
        a_dims, b_dims = _dim_lists(dims, left, right)
    for i, j in zip(a_dims, b_dims):
        if left.shape[i] != right.shape[j] and 1 not in (left.shape[i], right.shape[j]):
            raise ValueError(f"tensordot: dim {i} of a (shape {left.shape}) has size "
                             f"{left.shape[i]} but dim {j} of b (shape {right.shape}) has "
                             f"size {right.shape[j]}")
    return _tensordot(left, right, a_dims, b_dims)


def _dim_lists(dims: object, a: Tensor, b: Tensor) -> tuple[list[int], list[int]]:
    """tensordot's pair of dim lists, checked against the shapes."""
    if not isinstance(dims, (list, tuple)) or len(dims) != 2:
        raise TypeError(f"tensordot: dims must be an int or a pair of lists of dims, got "
                        f"{dims!r}")
    pair = []
    for name, given, tensor in (("a", dims[0], a), ("b", dims[1], b)):
        if not isinstance(given, Sequence):
            raise TypeError(f"tensordot: dims must be an int or a pair of lists of dims, got "
                            f"{dims!r}")
        listed = checks.dims("tensordot", (given,), "dims")
        axes = [checks.axis("tensordot", d, tensor.ndim) for d in listed]
        if len(set(axes)) != len(axes):
            raise ValueError(f"tensordot: the dims of {name}, {listed}, repeat a dim")
        pair.append(axes)
    if len(pair[0]) != len(pair[1]):
        raise ValueError(f"tensordot: the two lists of dims must have the same length, got "
                         f"{list(dims[0])} and {list(dims[1])}")
    return pair[0], pair[1]


def einsum(equation: str, *operands: Tensor | Sequence[Tensor]) -> Tensor:
    """Einstein summation, as ``torch.einsum``: ``einsum("ij,jk->ik", a, b)`` is a @ b.

    Each operand's dims are named by letters (a-z, A-Z); ``...`` stands for
    the dims no letter names, which broadcast as in numpy. Letters left out
    of the output (after ``->``) are summed over; without ``->`` the output
    is ``...`` then the letters used once, in alphabetical order (capitals
    first). A letter twice in one operand takes its diagonal (``"ii->i"``).
    Operands may also come as one list. A letter's size may be 1 in one
    operand and n in another (it broadcasts), as in PyTorch.

    Computed operand by operand, left to right: each first takes its
    diagonals and sums the letters no one else uses, then joins the running
    result by one batched ``@`` (see ``_contract``). So the gradient for an
    operand is the einsum of g with the other operands, back to that
    operand's subscripts.

    Raises:
        TypeError: if the equation is not a string or an operand not a Tensor.
        ValueError: for a malformed equation, or one that does not fit the
            operands' shapes, naming the subscript and the shapes.
    """
    if not isinstance(equation, str):
        raise TypeError(f"einsum: equation must be a string, got {type(equation).__name__}")
    given: Any = operands[0] if len(operands) == 1 and isinstance(operands[0], (list, tuple)) \
        else operands
    tensors = checks.tensors("einsum", "operands", given)
    if not tensors:
        raise ValueError("einsum: needs at least one operand")
    inputs, output = _einsum_labels(equation, tensors)
    prepared = []
    for position, (tensor, labels) in enumerate(zip(tensors, inputs)):
        others = {x for i, named in enumerate(inputs) if i != position for x in named}
        prepared.append(_reduce_alone(tensor, labels, others | set(output)))
    result, labels = prepared[0]
    for position in range(1, len(prepared)):
        later = {x for _, named in prepared[position + 1:] for x in named}
        result, labels = _contract(result, labels, *prepared[position], later | set(output))
    return result.permute([labels.index(x) for x in output])


def _reduce_alone(operand: Tensor, labels: list[str],
                  needed: set[str]) -> tuple[Tensor, list[str]]:
    """One operand of einsum with each repeated label's diagonal taken, and unneeded ones summed."""
    while len(set(labels)) < len(labels):
        label = next(x for x in labels if labels.count(x) > 1)
        first = labels.index(label)
        second = labels.index(label, first + 1)
        operand = operand.diagonal(0, first, second)  # the two dims become one, at the end
        labels = [x for i, x in enumerate(labels) if i not in (first, second)] + [label]
    alone = tuple(i for i, x in enumerate(labels) if x not in needed)
    if alone:
        operand = operand.sum(alone)
        labels = [x for x in labels if x in needed]
    return operand, labels


def _einsum_labels(equation: str, tensors: list[Tensor]) -> tuple[list[list[str]], list[str]]:
    """The labels of each operand's dims and of the output's, checked against the shapes.

    ``...`` becomes labels ``...0``, ``...1`` ..., aligned from the right, so
    an operand with fewer such dims lacks the leading ones (broadcasting).
    """
    left, arrow, right = equation.replace(" ", "").partition("->")
    written = [_subscripts(equation, term) for term in left.split(",")]
    if len(written) != len(tensors):
        raise ValueError(f"einsum: the equation {equation!r} has subscripts for "
                         f"{len(written)} operands, got {len(tensors)}")
    spans = []
    for position, (term, tensor) in enumerate(zip(written, tensors)):
        letters = len(term) - term.count("...")
        if letters > tensor.ndim or ("..." not in term and letters != tensor.ndim):
            raise ValueError(f"einsum: operand {position} has shape {tensor.shape}, which the "
                             f"subscripts {''.join(term)!r} do not fit")
        spans.append(tensor.ndim - letters)
    ellipsis = [f"...{i}" for i in range(max(spans))]
    inputs = [[y for x in term for y in (ellipsis[len(ellipsis) - span:] if x == "..." else [x])]
              for term, span in zip(written, spans)]
    _check_sizes(inputs, tensors)
    counts = Counter(x for term in written for x in term if x != "...")
    if not arrow:
        return inputs, ellipsis + sorted(x for x, n in counts.items() if n == 1)
    output = _subscripts(equation, right)
    for x in output:
        if x != "..." and x not in counts:
            raise ValueError(f"einsum: the output subscript {x} is in no operand of "
                             f"{equation!r}")
        if output.count(x) > 1:
            raise ValueError(f"einsum: the output subscript {x} appears more than once in "
                             f"{equation!r}")
    return inputs, [y for x in output for y in (ellipsis if x == "..." else [x])]


def _subscripts(equation: str, term: str) -> list[str]:
    """One term of an equation as a list of letters and ``...``, refusing anything else."""
    parts: list[str] = []
    at = 0
    while at < len(term):
        if term.startswith("...", at):
            parts.append("...")
            at += 3
        elif term[at] in string.ascii_letters:
            parts.append(term[at])
            at += 1
        else:
            raise ValueError(f"einsum: {term[at]!r} in {equation!r} is not a subscript: use "
                             "letters a-z and A-Z, '...', ',' and one '->'")
    if parts.count("...") > 1:
        raise ValueError(f"einsum: {term!r} in {equation!r} has more than one '...'")
    return parts


def _check_sizes(inputs: list[list[str]], tensors: list[Tensor]) -> None:
    """Each label's size: equal within an operand, equal or 1 across operands."""
    sizes: dict[str, int] = {}
    for position, (labels, tensor) in enumerate(zip(inputs, tensors)):
        own: dict[str, int] = {}
        for label, size in zip(labels, tensor.shape):
            if own.setdefault(label, size) != size:
                raise ValueError(f"einsum: subscript {label} is repeated in operand {position} "
                                 f"(shape {tensor.shape}) with sizes {own[label]} and {size}")
        for label, size in own.items():
            seen = sizes.setdefault(label, size)
            if seen != size and 1 not in (seen, size):
                raise ValueError(f"einsum: subscript {label} has size {size} in operand "
                                 f"{position} (shape {tensor.shape}) but {seen} before; sizes "
                                 "must be equal, or 1")
            if seen == 1:
                sizes[label] = size


def _indices(op: str, keep: Any, row: int, col: int, offset: int, dtype: DTypeLike) -> Tensor:
    """The (2, N) int tensor of the row and column indices ``keep`` finds, row by row."""
    rows, columns = _int(op, "row", row), _int(op, "col", col)
    shift = _int(op, "offset", offset)
    if rows < 0 or columns < 0:
        raise ValueError(f"{op}: row and col must be non-negative, got {rows} and {columns}")
    chosen = checks.numeric_dtype(op, dtype)
    if chosen not in (np.dtype(np.int64), np.dtype(np.int32)):
        raise TypeError(f"{op}: dtype must be int64 or int32, as in PyTorch, got {chosen}")
    return _tensor.Tensor(np.stack(keep(rows, shift, columns)).astype(chosen))


def tril_indices(row: int, col: int, offset: int = 0, *,
                 dtype: DTypeLike = np.int64) -> Tensor:
    """The indices of the lower triangle of a ``row`` × ``col`` matrix, as ``torch.tril_indices``.

    A (2, N) int64 tensor, rows first then columns, row by row: so
    ``x[tuple(tm.tril_indices(n, n))]`` picks the triangle. No gradient.
    """
    return _indices("tril_indices", np.tril_indices, row, col, offset, dtype)


def triu_indices(row: int, col: int, offset: int = 0, *,
                 dtype: DTypeLike = np.int64) -> Tensor:
    """The indices of the upper triangle, as ``torch.triu_indices``; see ``tril_indices``."""
    return _indices("triu_indices", np.triu_indices, row, col, offset, dtype)


def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """``input.cross(other, dim)``: the cross product along ``dim``, as ``torch.cross``."""
    return _input("cross", input).cross(other, dim)


_COMPUTE_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                  "donot_use_mm_for_euclid_dist")


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0,
          compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """The p-norm distance between each row of x1 and each row of x2, as ``torch.cdist``.

    x1 (..., P, M) and x2 (..., R, M) give (..., P, R), the batch dims
    broadcast. Each distance is ``norm(p)`` of a difference x1ᵢ - x2ⱼ, so
    the gradient is 0 where the distance is 0, as in PyTorch; p = 0 counts
    the nonzero differences (gradient 0). For p = 2,
    dL/dx1ᵢ = Σⱼ gᵢⱼ (x1ᵢ - x2ⱼ) / dᵢⱼ. For p = inf the gradient of a tie
    is split between the tied coordinates (``amax``); PyTorch gives each the
    whole. ``compute_mode`` takes PyTorch's values and changes nothing:
    PyTorch may compute p = 2 through a matrix product (by default for more
    than 25 rows), which rounds differently; here it is always the norm of
    the difference.
    """
    a, b = checks.tensor("cdist", "x1", x1), checks.tensor("cdist", "x2", x2)
    if compute_mode not in _COMPUTE_MODES:
        raise ValueError(f"cdist: compute_mode must be one of {', '.join(_COMPUTE_MODES)}, got "
                         f"{compute_mode!r}")
    order = checks.real("cdist", "p", p)
    if not order >= 0:
        raise ValueError(f"cdist: p must be >= 0, got {p}")
    if a.dtype.kind != "f" or b.dtype.kind != "f":
        raise TypeError(f"cdist: x1 and x2 must be floating point, got dtypes {a.dtype} and "
                        f"{b.dtype}")
    if a.ndim < 2 or b.ndim < 2 or a.shape[-1] != b.shape[-1]:
        raise ValueError(f"cdist: x1 and x2 must be at least 2-D with the same last size (the "
                         f"features), got shapes {a.shape} and {b.shape}")
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise ValueError(f"cdist: the batch dims of x1 (shape {a.shape}) and x2 (shape "
                         f"{b.shape}) do not broadcast") from None
    differences = a.unsqueeze(-2) - b.unsqueeze(-3)  # (..., P, R, M)
    if order == 0:  # 1 for each nonzero difference; for the rest 0 · difference (gradient 0),
        nonzero = differences.data != 0  # with the nonzero ones (∞ among them) left out first
        return _tensor.where(nonzero, 1.0, _tensor.where(nonzero, 0.0, differences) * 0).sum(-1)
    if not a.shape[-1]:  # no features: every distance is 0 (amax of nothing would fail)
        return differences.abs().sum(-1)
    return differences.norm(order, dim=-1)


def block_diag(*tensors: Tensor) -> Tensor:
    """The tensors (0-, 1- or 2-D) as blocks down the diagonal of a matrix, as ``torch.block_diag``.

    A 0-d tensor is a 1 × 1 block and a 1-D one a row; zeros fill the rest,
    in the dtype the blocks promote to. With no tensors the result is (1, 0),
    of the default dtype, as PyTorch's. dL/d(block) = its part of g.
    """
    blocks = checks.tensors("block_diag", "tensors", list(tensors))
    for position, block in enumerate(blocks):
        if block.ndim > 2:
            raise ValueError(f"block_diag: tensors must have at most 2 dims, tensor {position} "
                             f"has shape {block.shape}")
    if not blocks:
        return _tensor.Tensor(np.zeros((1, 0), get_default_dtype()))
    dtype = np.result_type(*[t.dtype for t in blocks])
    matrices = [t.reshape(1, 1) if not t.ndim else t.reshape(1, -1) if t.ndim == 1 else t
                for t in blocks]
    width = sum(m.shape[1] for m in matrices)
    rows, left = [], 0
    for matrix in matrices:
        height, right = matrix.shape[0], width - left - matrix.shape[1]
        rows.append(_tensor.cat([_tensor.Tensor(np.zeros((height, left), dtype)),
                                 matrix.to(dtype),
                                 _tensor.Tensor(np.zeros((height, right), dtype))], 1))
        left += matrix.shape[1]
    return _tensor.cat(rows, 0)


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """Every combination of one entry of each 1-D tensor, as rows, as ``torch.cartesian_prod``.

    (N₁ · N₂ · ..., k) for k tensors, the last tensor varying fastest; one
    tensor is returned as it is. Each column is its tensor expanded over
    the grid: dL/dtᵢ[n] = the sum of column i of g over the rows holding tᵢ[n].
    """
    vectors = checks.tensors("cartesian_prod", "tensors", list(tensors))
    if not vectors:
        raise ValueError("cartesian_prod: needs at least one tensor")
    for position, vector in enumerate(vectors):
        if vector.ndim != 1:
            raise ValueError(f"cartesian_prod: tensors must be 1-D, tensor {position} has shape "
                             f"{vector.shape}")
    if len(vectors) == 1:
        return vectors[0]
    grid = [v.shape[0] for v in vectors]
    columns = [v.reshape([n if d == i else 1 for d in range(len(grid))]).expand(grid)
               .reshape(math.prod(grid)) for i, (v, n) in enumerate(zip(vectors, grid))]
    return _tensor.stack(columns, 1)
