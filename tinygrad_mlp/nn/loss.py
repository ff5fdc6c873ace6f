"""Loss modules: each wraps the function of the same name in ``nn.functional``."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from tinygrad_mlp import checks
from tinygrad_mlp.nn import functional as F
from tinygrad_mlp.nn.module import Module
from tinygrad_mlp.tensor import Tensor


class _Loss(Module):
    def __init__(self, reduction: F.Reduction = "mean") -> None:
        super().__init__()
        if not isinstance(reduction, str) or reduction not in ("mean", "sum", "none"):
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


class L1Loss(_Loss):
    """Mean absolute error (see ``F.l1_loss``)."""

    def forward(self, input: Tensor, target: Tensor | ArrayLike) -> Tensor:
        """The loss of ``input`` against ``target``."""
        return F.l1_loss(input, target, self.reduction)


class HuberLoss(_Loss):
    """½ d² for |d| < delta, else delta (|d| - ½ delta), d = input - target (``F.huber_loss``).

    Raises:
        TypeError: if ``delta`` is not a number.
        ValueError: if ``delta`` <= 0 or ``reduction`` is unknown (PyTorch
            checks delta only when the loss is computed).
    """

    def __init__(self, reduction: F.Reduction = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        if not 0 < checks.real("HuberLoss", "delta", delta) < math.inf:
            raise ValueError(f"HuberLoss: delta must be a positive finite number, got {delta}")
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor | ArrayLike) -> Tensor:
        """The loss of ``input`` against ``target``."""
        return F.huber_loss(input, target, self.reduction, self.delta)

    def extra_repr(self) -> str:
        """The arguments shown by repr: the reduction, and delta unless it is 1."""
        return super().extra_repr() + (f", delta={self.delta}" if self.delta != 1.0 else "")


class SmoothL1Loss(_Loss):
    """½ d² / beta for |d| < beta, else |d| - ½ beta (see ``F.smooth_l1_loss``); beta = 0 is L1.

    PyTorch's constructor also takes the deprecated ``size_average`` and
    ``reduce`` first; here ``reduction`` is the first argument, so pass it
    by name in code meant for both.

    Raises:
        TypeError: if ``beta`` is not a number.
        ValueError: if ``beta`` < 0 or ``reduction`` is unknown (PyTorch
            checks beta only when the loss is computed).
    """

    def __init__(self, reduction: F.Reduction = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        if not checks.real("SmoothL1Loss", "beta", beta) >= 0:
            raise ValueError(f"SmoothL1Loss: beta must be >= 0, got {beta}")
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor | ArrayLike) -> Tensor:
        """The loss of ``input`` against ``target``."""
        return F.smooth_l1_loss(input, target, self.reduction, self.beta)

    def extra_repr(self) -> str:
        """The arguments shown by repr: the reduction, and beta unless it is 1."""
        return super().extra_repr() + (f", beta={self.beta}" if self.beta != 1.0 else "")


class KLDivLoss(Module):
    """The Kullback-Leibler divergence of the target from log-probabilities (see ``F.kl_div``).

    Raises:
        ValueError: if ``reduction`` is not "mean", "batchmean", "sum" or "none".
    """

    def __init__(self, reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__()
        F._check_kl_reduction("KLDivLoss", reduction)
        self.reduction, self.log_target = reduction, bool(log_target)

    def forward(self, input: Tensor, target: Tensor | ArrayLike) -> Tensor:
        """The divergence of ``target`` from ``input``'s log-probabilities."""
        return F.kl_div(input, target, self.reduction, self.log_target)


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


def _buffer(weight: Tensor | ArrayLike | None) -> Tensor | None:
    """A loss's ``weight`` as the Tensor it keeps in a buffer (in its state, as PyTorch does)."""
    if weight is None or isinstance(weight, Tensor):
        return weight  # a Tensor is shared, as in PyTorch
    return Tensor(np.array(weight))  # an array is copied: loading a state dict must not change it


def _weight_repr(weight: Tensor | ArrayLike | None) -> str:
    """``weight=[...], `` for a repr, or nothing when there is no weight."""
    if weight is None:
        return ""
    values = weight.data if isinstance(weight, Tensor) else np.asarray(weight)
    return f"weight={values.tolist()}, "


class _WeightedLoss(_Loss):
    """A loss with a constant ``weight``, kept as a buffer: in ``state_dict()``, as in PyTorch."""

    weight: Tensor | None

    def __init__(self, weight: Tensor | ArrayLike | None, reduction: F.Reduction) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", _buffer(weight))


class BCELoss(_WeightedLoss):
    """Binary cross-entropy on probabilities (see ``F.binary_cross_entropy``).

    ``weight`` rescales each element's loss; it must broadcast to the input's shape.
    """

    def __init__(
        self, weight: Tensor | ArrayLike | None = None, reduction: F.Reduction = "mean"
    ) -> None:
        super().__init__(weight, reduction)

    def forward(self, input: Tensor, target: Tensor | ArrayLike) -> Tensor:
        """The loss of ``input`` against ``target``."""
        return F.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)

    def extra_repr(self) -> str:
        """The arguments shown by repr: the weight, if any, and the reduction."""
        return _weight_repr(self.weight) + super().extra_repr()


class BCEWithLogitsLoss(_WeightedLoss):
    """Binary cross-entropy on logits, stable (see ``F.binary_cross_entropy_with_logits``).

    ``weight`` rescales each element's loss and ``pos_weight`` the positive
    term (one value per class, along the last dim), as in PyTorch.
    """

    pos_weight: Tensor | None

    def __init__(
        self,
        weight: Tensor | ArrayLike | None = None,
        reduction: F.Reduction = "mean",
        pos_weight: Tensor | ArrayLike | None = None,
    ) -> None:
        super().__init__(weight, reduction)
        self.register_buffer("pos_weight", _buffer(pos_weight))

    def forward(self, input: Tensor, target: Tensor | ArrayLike) -> Tensor:
        """The loss of the logits ``input`` against ``target``."""
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction,
                                                  self.pos_weight)

    def extra_repr(self) -> str:
        """The arguments shown by repr: the weight, if any, and the reduction."""
        positive = "" if self.pos_weight is None else (
            f"pos_weight={self.pos_weight.data.tolist()}, ")
        return _weight_repr(self.weight) + positive + super().extra_repr()


class CrossEntropyLoss(_WeightedLoss):
    """Softmax cross-entropy on logits (see ``F.cross_entropy``).

    ``weight`` rescales each class, examples whose class is ``ignore_index``
    count for nothing, and ``label_smoothing`` mixes the target with the
    uniform distribution, as in PyTorch.
    """

    def __init__(
        self,
        weight: Tensor | ArrayLike | None = None,
        ignore_index: int = -100,
        reduction: F.Reduction = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, reduction)
        checks.real("CrossEntropyLoss", "label_smoothing", label_smoothing)
        if not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(
                f"CrossEntropyLoss: label_smoothing must be in [0, 1], got {label_smoothing}"
            )
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor | ArrayLike) -> Tensor:
        """The loss of ``input`` against ``target``."""
        return F.cross_entropy(input, target, self.weight, self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)

    def extra_repr(self) -> str:
        """The arguments shown by repr: the reduction, and any other not at its default."""
        ignore = f"ignore_index={self.ignore_index}, " if self.ignore_index != -100 else ""
        smoothing = f", label_smoothing={self.label_smoothing}" if self.label_smoothing else ""
        return _weight_repr(self.weight) + ignore + super().extra_repr() + smoothing


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of class indices, from log-probabilities (see ``F.nll_loss``).

    ``nn.Sequential(..., nn.LogSoftmax(dim=1))`` followed by ``NLLLoss()`` is
    ``CrossEntropyLoss()`` on the logits; ``weight`` and ``ignore_index`` work
    as there.
    """

    def __init__(
        self,
        weight: Tensor | ArrayLike | None = None,
        ignore_index: int = -100,
        reduction: F.Reduction = "mean",
    ) -> None:
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor | ArrayLike) -> Tensor:
        """The loss of the log-probabilities ``input`` against the classes ``target``."""
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)

    def extra_repr(self) -> str:
        """The arguments shown by repr: the weight and ignore_index if set, and the reduction."""
        ignore = f"ignore_index={self.ignore_index}, " if self.ignore_index != -100 else ""
        return _weight_repr(self.weight) + ignore + super().extra_repr()


class PoissonNLLLoss(_Loss):
    """Poisson negative log-likelihood, of the log-rate or the rate (see ``F.poisson_nll_loss``).

    PyTorch's constructor also takes the deprecated ``size_average`` and
    ``reduce`` (between ``full`` and ``eps``, and before ``reduction``); pass
    ``eps`` and ``reduction`` by name in code meant for both.
    """

    def __init__(self, log_input: bool = True, full: bool = False, eps: float = 1e-8,
                 reduction: F.Reduction = "mean") -> None:
        super().__init__(reduction)
        self.log_input, self.full = bool(log_input), bool(full)
        self.eps = checks.real("PoissonNLLLoss", "eps", eps)

    def forward(self, log_input: Tensor, target: Tensor | ArrayLike) -> Tensor:
        """The loss of the (log-)rates ``log_input`` against the counts ``target``."""
        return F.poisson_nll_loss(log_input, target, self.log_input, self.full, self.eps,
                                  self.reduction)


class GaussianNLLLoss(_Loss):
    """Gaussian negative log-likelihood with a given variance (see ``F.gaussian_nll_loss``)."""

    def __init__(self, *, full: bool = False, eps: float = 1e-6,
                 reduction: F.Reduction = "mean") -> None:
        super().__init__(reduction)
        self.full, self.eps = bool(full), checks.real("GaussianNLLLoss", "eps", eps)

    def forward(self, input: Tensor, target: Tensor | ArrayLike, var: Tensor | float) -> Tensor:
        """The loss of the means ``input`` and variances ``var`` against ``target``."""
        return F.gaussian_nll_loss(input, target, var, self.full, self.eps, self.reduction)


class _MarginLoss(_Loss):
    """A loss with a ``margin``, checked to be a number when constructed."""

    def __init__(self, margin: float, reduction: F.Reduction) -> None:
        super().__init__(reduction)
        self.margin = checks.real(type(self).__name__, "margin", margin)

    def extra_repr(self) -> str:
        """The arguments shown by repr: the margin and the reduction."""
        return f"margin={self.margin}, " + super().extra_repr()


class MarginRankingLoss(_MarginLoss):
    """max(0, -y (x1 - x2) + margin) for labels y = ±1 (see ``F.margin_ranking_loss``)."""

    def __init__(self, margin: float = 0.0, reduction: F.Reduction = "mean") -> None:
        super().__init__(margin, reduction)

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor | ArrayLike) -> Tensor:
        """The loss of ranking ``input1`` against ``input2`` as ``target`` says."""
        return F.margin_ranking_loss(input1, input2, target, self.margin, self.reduction)


class HingeEmbeddingLoss(_MarginLoss):
    """x where y = 1, max(0, margin - x) where y = -1 (see ``F.hinge_embedding_loss``)."""

    def __init__(self, margin: float = 1.0, reduction: F.Reduction = "mean") -> None:
        super().__init__(margin, reduction)

    def forward(self, input: Tensor, target: Tensor | ArrayLike) -> Tensor:
        """The loss of the distances ``input`` against the labels ``target``."""
        return F.hinge_embedding_loss(input, target, self.margin, self.reduction)


class CosineEmbeddingLoss(_MarginLoss):
    """1 - cos where y = 1, max(0, cos - margin) where y = -1 (``F.cosine_embedding_loss``)."""

    def __init__(self, margin: float = 0.0, reduction: F.Reduction = "mean") -> None:
        super().__init__(margin, reduction)

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor | ArrayLike) -> Tensor:
        """The loss of the pairs of vectors ``input1``, ``input2`` against ``target``."""
        return F.cosine_embedding_loss(input1, input2, target, self.margin, self.reduction)


class SoftMarginLoss(_Loss):
    """ln(1 + e^(-y x)) for labels y = ±1 (see ``F.soft_margin_loss``)."""

    def forward(self, input: Tensor, target: Tensor | ArrayLike) -> Tensor:
        """The loss of the scores ``input`` against the labels ``target``."""
        return F.soft_margin_loss(input, target, self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """Binary cross-entropy of each label's logit, averaged over the labels.

    See ``F.multilabel_soft_margin_loss``; ``weight`` (a buffer) rescales each class.
    """

    def __init__(self, weight: Tensor | ArrayLike | None = None,
                 reduction: F.Reduction = "mean") -> None:
        super().__init__(weight, reduction)

    def forward(self, input: Tensor, target: Tensor | ArrayLike) -> Tensor:
        """The loss of the logits ``input`` against the 0/1 labels ``target``."""
        return F.multilabel_soft_margin_loss(input, target, self.weight, self.reduction)

    def extra_repr(self) -> str:
        """The arguments shown by repr: the weight, if any, and the reduction."""
        return _weight_repr(self.weight) + super().extra_repr()


class TripletMarginLoss(_Loss):
    """max(0, d(a, p) + margin - d(a, n)) with p-norm distances (see ``F.triplet_margin_loss``).

    Raises:
        TypeError: if margin, p or eps is not a number.
        ValueError: if margin <= 0 (PyTorch checks it only when the loss is computed).
    """

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6,
                 swap: bool = False, reduction: F.Reduction = "mean") -> None:
        super().__init__(reduction)
        where = "TripletMarginLoss"
        self.margin, self.p = checks.real(where, "margin", margin), checks.real(where, "p", p)
        if not self.margin > 0:
            raise ValueError(f"{where}: margin must be greater than 0, got {margin}")
        self.eps, self.swap = checks.real(where, "eps", eps), bool(swap)

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        """The loss of the triplets (anchor, positive, negative)."""
        return F.triplet_margin_loss(anchor, positive, negative, self.margin, self.p, self.eps,
                                     self.swap, self.reduction)

    def extra_repr(self) -> str:
        """The arguments shown by repr."""
        return (f"margin={self.margin}, p={self.p}, eps={self.eps}, swap={self.swap}, "
                + super().extra_repr())


class MultiMarginLoss(_WeightedLoss):
    """The multi-class hinge loss Σ_{i ≠ y} max(0, margin - x_y + x_i)^p / C.

    See ``F.multi_margin_loss``; ``weight`` (a buffer, (C,)) rescales each class.

    Raises:
        ValueError: if p is not 1 or 2, or weight is not 1-D (as PyTorch's).
    """

    def __init__(self, p: int = 1, margin: float = 1.0,
                 weight: Tensor | ArrayLike | None = None,
                 reduction: F.Reduction = "mean") -> None:
        super().__init__(weight, reduction)
        if isinstance(p, bool) or p not in (1, 2):
            raise ValueError(f"MultiMarginLoss: only p == 1 and p == 2 are supported, got {p!r}")
        if self.weight is not None and self.weight.ndim != 1:
            raise ValueError(f"MultiMarginLoss: weight must be None or 1-D, got shape "
                             f"{self.weight.shape}")
        self.p, self.margin = p, checks.real("MultiMarginLoss", "margin", margin)

    def forward(self, input: Tensor, target: Tensor | ArrayLike) -> Tensor:
        """The loss of the scores ``input`` against the classes ``target``."""
        return F.multi_margin_loss(input, target, self.p, self.margin, self.weight,
                                   self.reduction)

    def extra_repr(self) -> str:
        """The arguments shown by repr."""
        return f"p={self.p}, margin={self.margin}, " + _weight_repr(self.weight) + \
            super().extra_repr()


class MultiLabelMarginLoss(_Loss):
    """The multi-label hinge loss of listed classes over unlisted ones.

    See ``F.multilabel_margin_loss``.
    """

    def forward(self, input: Tensor, target: Tensor | ArrayLike) -> Tensor:
        """The loss of the scores ``input`` against the class lists ``target``."""
        return F.multilabel_margin_loss(input, target, self.reduction)
