"""Embedding: a table of learned vectors looked up by integer index, as ``torch.nn.Embedding``.

The lookup ``weight[indices]`` is ordinary advanced indexing on a Tensor, so
its gradient is the indexing op's: each row of ``weight`` receives the sum
of the gradients of the positions that looked it up (``np.add.at``), and
rows nobody looked up receive zero. That is what makes character- and
word-level MLPs (Bengio et al. 2003) trainable end to end.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from tinygrad_mlp import checks
from tinygrad_mlp.dtypes import get_default_dtype
from tinygrad_mlp.nn.functional import embedding
from tinygrad_mlp.nn.module import Module, Parameter
from tinygrad_mlp.random import check_generator, resolve
from tinygrad_mlp.tensor import Tensor


class Embedding(Module):
    """A lookup table of ``num_embeddings`` learned vectors of size ``embedding_dim``.

    ``weight`` is shaped (num_embeddings, embedding_dim) and starts as N(0, 1)
    draws, as in PyTorch, with the ``padding_idx`` row (if any) at zero; that
    row then gets no gradient, so it stays what it is.

    Args:
        num_embeddings: how many vectors (the size of the vocabulary).
        embedding_dim: the size of each vector.
        padding_idx: an index whose row is zero and not trained (negative
            counts from the end), or None.
        dtype: the weight's dtype (default: ``tm.get_default_dtype()``).
        device: None or "cpu", for PyTorch's signature; the CPU is the only one.
        generator: where the initial weights come from (default: the global
            generator that ``tm.manual_seed`` reseeds).

    Raises:
        TypeError: if a size is not an int or ``dtype`` not floating point.
        ValueError: if a size is below 1 or ``padding_idx`` is out of range.

    Example:
        >>> import tinygrad_mlp as tm
        >>> from tinygrad_mlp import nn
        >>> table = nn.Embedding(27, 2, generator=np.random.default_rng(0))
        >>> context = tm.tensor([[0, 0, 5], [0, 5, 13]])  # two 3-character contexts
        >>> table(context).shape
        (2, 3, 2)
    """

    weight: Parameter

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        *,
        dtype: DTypeLike | None = None,
        device: str | None = None,
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        checks.device("Embedding", device)
        op = "Embedding"
        self.num_embeddings = checks.check_int(op, "num_embeddings", num_embeddings, 1)
        self.embedding_dim = checks.check_int(op, "embedding_dim", embedding_dim, 1)
        self.padding_idx = _padding_index(padding_idx, self.num_embeddings)
        chosen = np.dtype(dtype) if dtype is not None else get_default_dtype()
        if chosen.kind != "f":
            raise TypeError(f"{op}: dtype must be floating point (float32 or float64), got "
                            f"{chosen}")
        rng = resolve(check_generator(op, generator))
        values = rng.standard_normal((self.num_embeddings, self.embedding_dim)).astype(chosen)
        if self.padding_idx is not None:
            values[self.padding_idx] = 0
        self.weight = Parameter(values)

    @classmethod
    def from_pretrained(
        cls, embeddings: Tensor | ArrayLike, freeze: bool = True, padding_idx: int | None = None
    ) -> Embedding:
        """An Embedding holding a copy of ``embeddings`` (2-D); ``freeze`` stops its training."""
        where = "Embedding.from_pretrained"
        try:
            values = np.array(embeddings.data if isinstance(embeddings, Tensor) else embeddings)
        except ValueError as error:  # ragged nested lists
            raise ValueError(f"{where}: embeddings must be a 2-D table: {error}") from None
        if values.dtype.kind != "f":
            raise TypeError(f"{where}: embeddings must be floating point, got dtype "
                            f"{values.dtype}")
        if values.ndim != 2:
            raise ValueError(f"{where}: embeddings must be 2-D, got shape {values.shape}")
        layer = cls(values.shape[0], values.shape[1], padding_idx, dtype=values.dtype,
                    generator=np.random.default_rng(0))  # replaced at once: no global draw
        layer.weight = Parameter(values, requires_grad=not freeze)
        return layer

    def forward(self, input: Tensor | ArrayLike) -> Tensor:
        """The rows of ``weight`` at the integer indices ``input``."""
        return embedding(input, self.weight, self.padding_idx)

    def extra_repr(self) -> str:
        """The arguments shown by repr, in PyTorch's words."""
        padding = f", padding_idx={self.padding_idx}" if self.padding_idx is not None else ""
        return f"{self.num_embeddings}, {self.embedding_dim}{padding}"


def _padding_index(padding_idx: int | None, rows: int) -> int | None:
    """``padding_idx`` in [0, rows), a negative one counted from the end, or None."""
    if padding_idx is None:
        return None
    index = checks.check_int("Embedding", "padding_idx", padding_idx, -rows)
    if index >= rows:
        raise ValueError(f"Embedding: padding_idx must be within num_embeddings ({rows}), got "
                         f"{padding_idx}")
    return index % rows

