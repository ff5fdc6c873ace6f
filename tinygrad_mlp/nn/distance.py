"""Distance modules, as PyTorch's ``nn.CosineSimilarity`` and ``nn.PairwiseDistance``."""

from __future__ import annotations

from tinygrad_mlp import checks
from tinygrad_mlp.nn import functional as F
from tinygrad_mlp.nn.module import Module
from tinygrad_mlp.tensor import Tensor


class CosineSimilarity(Module):
    """The cosine of the angle between x1 and x2 along ``dim`` (see ``F.cosine_similarity``)."""

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim, self.eps = dim, checks.real("CosineSimilarity", "eps", eps)

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Σ x1 x2 / (max(‖x1‖, eps) max(‖x2‖, eps)) along ``dim``."""
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """‖x1 - x2 + eps‖_p over the last dim (see ``F.pairwise_distance``)."""

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        where = "PairwiseDistance"
        self.norm = checks.real(where, "p", p)  # PyTorch's attribute names
        self.eps, self.keepdim = checks.real(where, "eps", eps), bool(keepdim)

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        """The distance of each row of x1 from the matching row of x2."""
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
