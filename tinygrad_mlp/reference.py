"""The article's network, backpropagated by hand: Nielsen's equations BP1-BP4 in numpy.

This is the sigmoid multilayer perceptron of "Making a neural network from
scratch using Go", following chapters 1-2 of Nielsen's *Neural Networks and
Deep Learning*. It does not use the autograd engine; the engine's gradients are
tested against it.

Conventions, chosen to match ``nn.Linear``:

- ``weights[k]`` has shape ``(n_out, n_in)`` and ``biases[k]`` shape ``(n_out,)``;
  ``weights[k]`` is Nielsen's w^l for layer l = k + 1 (the input is layer 0).
- A batch is a matrix with one example per row. Nielsen writes a layer on one
  column vector, z^l = w^l a^{l-1} + b^l; stacking the transposed vectors as
  rows turns that into ``z = a_prev @ W.T + b``, of shape ``(batch, n_out)``.
- The cost is summed over the rows of the batch, so every gradient is the sum
  of the per-example gradients. The article's update divides by the batch's
  row count in ``sgd_step`` instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
CostName = Literal["quadratic", "cross_entropy"]
Params = tuple[list[Array], list[Array]]


def sigmoid(z: Array) -> Array:
    """sigma(z) = 1 / (1 + e^{-z}), without overflow for large ``|z|``.

    Written as exp(-log(1 + e^{-z})): ``logaddexp`` never overflows, and the
    outer ``exp`` only ever sees a non-positive argument.
    """
    return np.exp(-np.logaddexp(0.0, -z))


def sigmoid_prime(z: Array) -> Array:
    """sigma'(z) = sigma(z) (1 - sigma(z))."""
    s = sigmoid(z)
    return s * (1.0 - s)


@dataclass(frozen=True)
class ForwardPass:
    """Everything backprop needs from the forward pass.

    Attributes:
        zs: weighted inputs, ``zs[k]`` is z^{k+1} of shape ``(batch, n_{k+1})``.
        activations: ``activations[k]`` is a^k; ``activations[0]`` is the input
            and ``activations[-1]`` the network's output a^L.

    """

    zs: tuple[Array, ...]
    activations: tuple[Array, ...]

    @property
    def output(self) -> Array:
        """The output layer's activation a^L."""
        return self.activations[-1]


@dataclass(frozen=True)
class Gradients:
    """The cost's derivatives, each summed over the batch.

    Attributes:
        deltas: ``deltas[k]`` is delta^{k+1} = dC/dz^{k+1}, shaped like ``zs[k]``.
        weight_grads: dC/dW for each ``weights[k]``, same shape.
        bias_grads: dC/db for each ``biases[k]``, same shape.

    """

    deltas: tuple[Array, ...]
    weight_grads: tuple[Array, ...]
    bias_grads: tuple[Array, ...]


def forward(weights: Sequence[Array], biases: Sequence[Array], x: Array) -> ForwardPass:
    """Feed ``x`` forward: z^l = w^l a^{l-1} + b^l and a^l = sigma(z^l), row-major.

    Raises:
        ValueError: if the layers do not chain, or ``x`` has the wrong width.

    """
    if len(weights) != len(biases):
        raise ValueError(f"forward: {len(weights)} weight matrices but {len(biases)} bias vectors")
    activation = np.asarray(x, dtype=np.float64)
    zs: list[Array] = []
    activations = [activation]
    for k, (W, b) in enumerate(zip(weights, biases, strict=True)):
        if activation.ndim != 2 or activation.shape[1] != W.shape[1] or b.shape != W.shape[:1]:
            raise ValueError(
                f"forward: layer {k} has weight {W.shape} and bias {b.shape}, "
                f"but its input has shape {activation.shape}"
            )
        z = activation @ W.T + b
        activation = sigmoid(z)
        zs.append(z)
        activations.append(activation)
    return ForwardPass(tuple(zs), tuple(activations))


def cost(a: Array, y: Array, cost: CostName = "quadratic") -> float:
    """Return the cost C of output ``a`` against target ``y``, summed over every entry.

    - ``"quadratic"``: C = 1/2 sum (a - y)^2.
    - ``"cross_entropy"``: C = -sum [y ln a + (1 - y) ln(1 - a)], each log
      clamped at -100 as PyTorch's ``binary_cross_entropy`` does: a saturated
      sigmoid rounds to exactly 0 or 1, and 0 · ln 0 would be nan.
    """
    if cost == "quadratic":
        return 0.5 * float(np.sum((a - y) ** 2))
    if cost == "cross_entropy":
        with np.errstate(divide="ignore"):  # ln 0 = -inf, clamped just below
            log_a, log_1_minus_a = np.maximum(np.log(a), -100.0), np.maximum(np.log1p(-a), -100.0)
        return -float(np.sum(y * log_a + (1.0 - y) * log_1_minus_a))
    raise ValueError(f"cost: unknown cost {cost!r}; use 'quadratic' or 'cross_entropy'")


def backprop(
    weights: Sequence[Array],
    biases: Sequence[Array],
    x: Array,
    y: Array,
    cost: CostName = "quadratic",
) -> Gradients:
    """Gradients of ``cost(forward(weights, biases, x).output, y, cost)`` by BP1-BP4.

    Raises:
        ValueError: if ``y`` is not shaped like the network's output, or ``cost``
            is unknown.

    """
    if not weights:
        raise ValueError("backprop: the network needs at least one layer")
    fp = forward(weights, biases, x)
    a_L, z_L = fp.output, fp.zs[-1]
    y = np.asarray(y, dtype=np.float64)
    if y.shape != a_L.shape:
        raise ValueError(f"backprop: target y has shape {y.shape}, output has shape {a_L.shape}")

    # BP1  delta^L = nabla_a C ⊙ sigma'(z^L). ⊙ is elementwise, so rows change nothing.
    if cost == "quadratic":
        delta = (a_L - y) * sigmoid_prime(z_L)  # nabla_a C = a - y
    elif cost == "cross_entropy":
        delta = a_L - y  # nabla_a C = (a - y) / (a (1 - a)), and sigma' = a (1 - a) cancels it
    else:
        raise ValueError(f"backprop: unknown cost {cost!r}; use 'quadratic' or 'cross_entropy'")

    deltas = [delta]
    for W_next, z in zip(reversed(weights[1:]), reversed(fp.zs[:-1]), strict=True):
        # BP2  delta^l = ((w^{l+1})^T delta^{l+1}) ⊙ sigma'(z^l). Each row of the batch
        # is one example's column transposed, and (W^T d)^T = d^T W, so the code is d @ W.
        deltas.insert(0, (deltas[0] @ W_next) * sigmoid_prime(z))

    # BP3  dC/db^l_j = delta^l_j, summed over the examples (rows).
    bias_grads = tuple(d.sum(axis=0) for d in deltas)
    # BP4  dC/dw^l_jk = a^{l-1}_k delta^l_j, the outer product delta^l (a^{l-1})^T for one
    # example; delta.T @ a_prev sums those outer products over the rows.
    a_prevs = fp.activations[:-1]
    weight_grads = tuple(d.T @ a_prev for d, a_prev in zip(deltas, a_prevs, strict=True))
    return Gradients(tuple(deltas), weight_grads, bias_grads)


def sgd_step(
    weights: Sequence[Array],
    biases: Sequence[Array],
    grads: Gradients,
    lr: float,
    batch_rows: int,
) -> Params:
    """Take the article's step, W <- W - (eta / m) dC/dW and b <- b - (eta / m) dC/db.

    ``m = batch_rows`` turns the batch-summed gradients into their mean. New
    arrays are returned; the arguments are left unchanged.
    """
    if batch_rows < 1:
        raise ValueError(f"sgd_step: batch_rows must be at least 1, got {batch_rows}")
    scale = lr / batch_rows
    new_weights = [W - scale * dW for W, dW in zip(weights, grads.weight_grads, strict=True)]
    new_biases = [b - scale * db for b, db in zip(biases, grads.bias_grads, strict=True)]
    return new_weights, new_biases


def train(
    weights: Sequence[Array],
    biases: Sequence[Array],
    x: Array,
    y: Array,
    epochs: int,
    batch_size: int,
    lr: float,
    cost: CostName = "quadratic",
) -> Params:
    """Mini-batch SGD as in the article, returning the trained parameters.

    Batches are taken in row order, unshuffled: rows ``[0, batch_size)``, then
    ``[batch_size, 2 batch_size)``, and so on. The last one may be smaller, and
    its step divides by its own row count.
    """
    if batch_size < 1:
        raise ValueError(f"train: batch_size must be at least 1, got {batch_size}")
    if epochs < 0:
        raise ValueError(f"train: epochs must be at least 0, got {epochs}")
    if len(x) != len(y):
        raise ValueError(f"train: x has {len(x)} rows but y has {len(y)}")
    new_weights, new_biases = list(weights), list(biases)
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            xb, yb = x[start : start + batch_size], y[start : start + batch_size]
            grads = backprop(new_weights, new_biases, xb, yb, cost)
            new_weights, new_biases = sgd_step(new_weights, new_biases, grads, lr, len(xb))
    return new_weights, new_biases


def init_normal(sizes: Sequence[int], generator: np.random.Generator) -> Params:
    """Draw every weight and bias from N(0, 1), as the article does.

    Args:
        sizes: units per layer, input first, e.g. ``(4, 3, 3)`` for the article.
        generator: the source of randomness, e.g. ``np.random.default_rng(seed)``.

    """
    pairs = list(pairwise(sizes))
    weights = [generator.standard_normal((n_out, n_in)) for n_in, n_out in pairs]
    biases = [generator.standard_normal(n_out) for _, n_out in pairs]
    return weights, biases


def predict(weights: Sequence[Array], biases: Sequence[Array], x: Array) -> NDArray[np.intp]:
    """Predict each row's class: the index of its largest output."""
    classes: NDArray[np.intp] = forward(weights, biases, x).output.argmax(axis=1)
    return classes


def accuracy(weights: Sequence[Array], biases: Sequence[Array], x: Array, y: Array) -> float:
    """Fraction of rows whose predicted class is the hot index of the one-hot ``y``."""
    return float(np.mean(predict(weights, biases, x) == np.argmax(y, axis=1)))
