"""Loss modules: each wraps the function of the same name in ``nn.functional``."""

from __future__ import annotations

from typing import Literal

from numpy.typing import ArrayLike

from tinygrad_mlp.nn import functional as F
from tinygrad_mlp.nn.module import Module
from tinygrad_mlp.tensor import Tensor


class _Loss(Module):
    def __init__(self, reduction: F.Reduction = "mean") -> None:
        super().__init__()
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(
                f"{type(self).__name__}: reduction must be 'mean', 'sum' or 'none', "
                f"got {reduction!r}"
            )
        self.reduction: F.Reduction = reduction

    def extra_repr(self) -> str:
        """The arguments shown by repr."""
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error (see ``F.mse_loss``)."""

    def forward(self, input: Tensor, target: Tensor | ArrayLike) -> Tensor:
        """The loss of ``input`` against ``target``."""
        return F.mse_loss(input, target, self.reduction)


class QuadraticCost(Module):
    """The article's cost, 1/(2n) Σ ‖y - a‖² (see ``F.quadratic_cost``)."""

    def __init__(self, reduction: Literal["mean", "sum"] = "mean") -> None:
        super().__init__()
        if reduction not in ("mean", "sum"):
            raise ValueError(f"QuadraticCost: reduction must be 'mean' or 'sum', got {reduction!r}")
        self.reduction: Literal["mean", "sum"] = reduction

    def forward(self, output: Tensor, target: Tensor | ArrayLike) -> Tensor:
        """The cost of ``output`` against ``target``."""
        return F.quadratic_cost(output, target, self.reduction)

    def extra_repr(self) -> str:
        """The arguments shown by repr."""
        return f"reduction={self.reduction!r}"


class BCELoss(_Loss):
    """Binary cross-entropy on probabilities (see ``F.binary_cross_entropy``)."""

    def forward(self, input: Tensor, target: Tensor | ArrayLike) -> Tensor:
        """The loss of ``input`` against ``target``."""
        return F.binary_cross_entropy(input, target, self.reduction)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy on logits (see ``F.cross_entropy``)."""

    def forward(self, input: Tensor, target: Tensor | ArrayLike) -> Tensor:
        """The loss of ``input`` against ``target``."""
        return F.cross_entropy(input, target, self.reduction)
