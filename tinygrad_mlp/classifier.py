"""The article's Train / Evaluate / Predict interface, built from modules.

``MLPClassifier`` is the Go article's network as a configurable object:
``fit(x, y)`` trains it, ``evaluate(x, y)`` returns accuracy, ``predict(x)``
the classes. The article's recipe is one configuration of it::

    MLPClassifier(sizes=(4, 3, 3), epochs=3000, batch_size=32, lr=0.1,
                  cost="quadratic", init="normal")

and ``ARTICLE`` / ``RECOMMENDED`` hold the article's and the library's own
recipes.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tinygrad_mlp import nn, optim
from tinygrad_mlp.autograd import no_grad
from tinygrad_mlp.checks import check_int, numeric_array
from tinygrad_mlp.data import DataLoader, TensorDataset, one_hot
from tinygrad_mlp.nn import functional as F
from tinygrad_mlp.optim._arguments import check_bool, check_real
from tinygrad_mlp.tensor import Tensor

Cost = Literal["quadratic", "cross_entropy"]
Activation = Literal["sigmoid", "tanh", "relu", "leaky_relu", "elu", "silu", "gelu"]
OptimizerName = Literal["sgd", "adam"]
Schedule = Literal["constant", "cosine"]

_ACTIVATION_MODULES: dict[str, type[nn.Module]] = {
    "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "leaky_relu": nn.LeakyReLU,
    "elu": nn.ELU, "silu": nn.SiLU, "gelu": nn.GELU,
}
#: the names ``Recipe.activation`` and the command line's ``--activation`` take
ACTIVATIONS = list(_ACTIVATION_MODULES)


@dataclass(frozen=True)
class Recipe:
    """Everything that defines a training run, apart from the data and the seed.

    Attributes:
        sizes: layer widths, input first, classes last (``MLPClassifier`` stores
            them as a tuple of ints, so a recipe can be hashed and compared).
        activation: the hidden layers' nonlinearity.
        cost: "quadratic" (sigmoid outputs against one-hot targets, the
            article's) or "cross_entropy" (softmax of linear outputs).
        init: a ``nn.Linear`` init name ("normal" is the article's N(0, 1)).
        optimizer: "sgd" or "adam".
        lr: the learning rate, finite and positive.
        momentum: SGD momentum, finite and non-negative.
        weight_decay: L2 penalty added to the gradients, finite and non-negative.
        epochs: passes over the training rows.
        batch_size: rows per step.
        shuffle: reshuffle the rows every epoch (the article does not); a bool.
        schedule: "constant" or "cosine" (anneal lr to 0 over the epochs).
    """

    sizes: tuple[int, ...] = (4, 3, 3)
    activation: Activation = "sigmoid"
    cost: Cost = "quadratic"
    init: str = "normal"
    optimizer: OptimizerName = "sgd"
    lr: float = 0.1
    momentum: float = 0.0
    weight_decay: float = 0.0
    epochs: int = 3000
    batch_size: int = 32
    shuffle: bool = False
    schedule: Schedule = "constant"


#: The article: 4-3-3, sigmoid everywhere, quadratic cost, N(0, 1) init,
#: batches of 32 in file order, plain SGD at 0.1 for 3000 epochs.
ARTICLE = Recipe()

#: The library's recipe, chosen by stratified 10-fold cross-validation on the
#: article's 99 training rows only, never its test rows: first among 22
#: candidates (a wider layer, softmax cross-entropy, Adam on shuffled
#: mini-batches with a cosine schedule, L2 weight decay 1e-2, with tanh); then,
#: when SiLU, ELU and leaky ReLU came into the library, among activations (over
#: 20 repetitions, ``tinygrad-mlp train --cv 10 --cv-on train --seed N`` for
#: N = 0-19, SiLU averaged 96.9%, ReLU, leaky ReLU and ELU 96.7%, tanh 96.6%);
#: then among hidden widths 8, 16, 32 and weight decays 0, 1e-3, 1e-2, 3e-2,
#: 1e-1 with SiLU, where 32 with 1e-3 averaged 96.97% and the previous 16 with
#: 1e-2 96.92%. Each time the highest mean won, a rule fixed before the search.
RECOMMENDED = Recipe(
    sizes=(4, 32, 3), activation="silu", cost="cross_entropy", init="xavier_uniform",
    optimizer="adam", lr=0.01, epochs=200, batch_size=16, shuffle=True, schedule="cosine",
    weight_decay=1e-3,
)


class MLPClassifier:
    """A multi-layer perceptron classifier with the article's interface.

    The network is built, untrained, on construction (``model``), and built
    afresh by every ``fit``: like scikit-learn's ``MLPClassifier`` (without
    ``warm_start``), fitting again starts over rather than training on. With a
    ``seed``, every fit starts from the same weights, those of the network
    built on construction; without one, each build draws new weights from
    the global generator.

    The only positional arguments are a ``Recipe`` and the seed; the layer
    widths go by keyword, ``MLPClassifier(sizes=(4, 16, 3))``. A bare tuple
    in the recipe's place is refused rather than taken as ``sizes``: these
    widths include the input and the classes, whereas the first argument of
    scikit-learn's ``MLPClassifier`` lists only the hidden layers, so a
    tuple there would mean different networks to different readers.

    As in scikit-learn, features with NaN or infinity are refused by every
    method, and a failed ``fit`` leaves the model as it was. A ``fit`` whose
    loss diverges (too large an ``lr``) warns, and keeps what it trained.

    Args:
        recipe: the training recipe; keyword arguments override its fields,
            e.g. ``MLPClassifier(sizes=(4, 3, 3), lr=0.1)``.
        seed: a non-negative int that seeds initialisation and shuffling;
            None draws from the global generator (``tm.manual_seed``).
        **overrides: fields of ``Recipe``.

    Raises:
        TypeError: for a recipe that is not a ``Recipe``, an unknown option,
            or an option or seed of the wrong type (``seed=True``,
            ``shuffle="no"``).
        ValueError: for an option or seed out of range (see ``check_recipe``).
    """

    recipe: Recipe
    seed: int | None
    model: nn.Sequential
    history: list[float]

    def __init__(
        self, recipe: Recipe = ARTICLE, seed: int | None = None, **overrides: Any
    ) -> None:
        if not isinstance(recipe, Recipe):
            raise TypeError(_not_a_recipe(recipe))
        unknown = set(overrides) - set(Recipe.__dataclass_fields__)
        if unknown:
            raise TypeError(f"MLPClassifier: unknown options {sorted(unknown)}")
        recipe = replace(recipe, **overrides)
        check_recipe(recipe)
        # Plain ints in a tuple, whatever sequence was given: the frozen recipe can then be
        # hashed, and compares equal to the same recipe written another way.
        self.recipe = replace(recipe, sizes=tuple(int(n) for n in recipe.sizes),
                              shuffle=bool(recipe.shuffle))
        self.seed = None if seed is None else check_int("MLPClassifier", "seed", seed, 0)
        self._reset()

    def _reset(self) -> None:
        """Start over: a freshly initialised model (the same again, given a seed), no history."""
        # The generator restarts too, so each fit of a seeded classifier also
        # shuffles its batches in the same order.
        self._generator = np.random.default_rng(self.seed) if self.seed is not None else None
        self.model = self._build()
        self.history = []

    def _build(self) -> nn.Sequential:
        """Linear layers with the activation between them (and after the last, for quadratic)."""
        r = self.recipe
        layers: list[nn.Module] = []
        for i, (n_in, n_out) in enumerate(zip(r.sizes[:-1], r.sizes[1:])):
            layers.append(nn.Linear(n_in, n_out, init=r.init, generator=self._generator))
            last = i == len(r.sizes) - 2
            if not last:
                layers.append(_ACTIVATION_MODULES[r.activation]())
            elif r.cost == "quadratic":
                layers.append(nn.Sigmoid())  # the article squashes the output layer too
        return nn.Sequential(*layers)

    def targets(self, labels: NDArray[np.int64]) -> NDArray[Any]:
        """What the cost compares outputs with: one-hot rows (quadratic) or the labels."""
        if self.recipe.cost == "quadratic":
            return one_hot(labels, self.recipe.sizes[-1])
        return labels

    def loss(self, output: Tensor, targets: Tensor) -> Tensor:
        """The recipe's cost of ``output`` against ``targets`` (see ``targets``)."""
        if self.recipe.cost == "quadratic":
            return F.quadratic_cost(output, targets)
        return F.cross_entropy(output, targets)

    def _optimizer(self) -> optim.Optimizer:
        r = self.recipe
        if r.optimizer == "adam":
            return optim.Adam(self.model.parameters(), lr=r.lr, weight_decay=r.weight_decay)
        return optim.SGD(self.model.parameters(), lr=r.lr, momentum=r.momentum,
                         weight_decay=r.weight_decay)

    def fit(
        self,
        x: ArrayLike,
        y: ArrayLike,
        callback: Callable[[int, float], None] | None = None,
    ) -> MLPClassifier:
        """Train on features ``x`` (rows) and integer class labels ``y``.

        Args:
            x: features, shaped (rows, sizes[0]).
            y: class indices in [0, sizes[-1]).
            callback: called as ``callback(epoch, mean_loss)`` after each epoch.

        Returns:
            self, trained from a fresh initialisation (any earlier fit is
            discarded); ``history`` holds each epoch's mean loss.

        Raises:
            ValueError: for features of the wrong shape, NaN or infinite
                features, or labels that are not classes; the model is then
                left as it was.

        Warns:
            RuntimeWarning: if the mean loss became NaN or infinite (the steps
                diverged), naming the first such epoch. The model is kept as
                trained, as scikit-learn and PyTorch keep it.
        """
        features, labels = self._check_data(x, y, "fit")
        self._reset()
        r = self.recipe
        # Targets are made once, in the cost's form, not batch by batch.
        loader = DataLoader(TensorDataset(features, self.targets(labels)),
                            batch_size=r.batch_size, shuffle=r.shuffle, generator=self._generator)
        optimizer = self._optimizer()
        schedule = (optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=r.epochs)
                    if r.schedule == "cosine" else None)
        self.model.train()
        for epoch in range(r.epochs):
            total, rows = 0.0, 0
            for batch_x, batch_targets in loader:
                loss = self.loss(self.model(batch_x), batch_targets)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                total += loss.item() * len(batch_x)
                rows += len(batch_x)
            if schedule is not None:
                schedule.step()
            self.history.append(total / rows)
            if callback is not None:
                callback(epoch, total / rows)
        self._warn_if_diverged()
        return self

    def _warn_if_diverged(self) -> None:
        """Warn, naming the first epoch whose mean loss is NaN or infinite, if any."""
        for epoch, loss in enumerate(self.history):
            if not math.isfinite(loss):
                r = self.recipe
                warnings.warn(
                    f"MLPClassifier.fit: training diverged: the mean loss was {loss} at epoch "
                    f"{epoch + 1} of {r.epochs} (history[{epoch}]), so the trained model is "
                    f"unlikely to be of use; try a smaller lr than {r.lr:g}",
                    RuntimeWarning,
                    stacklevel=3,
                )
                return

    def predict_proba(self, x: ArrayLike) -> NDArray[np.float64]:
        """Class probabilities per row.

        Softmax of the outputs for cross-entropy; for the quadratic cost, the
        sigmoid outputs normalised to sum to 1.
        """
        out = self._outputs(self._check_features(x, "predict_proba"))
        if self.recipe.cost == "cross_entropy":
            return out.softmax(-1).data
        return out.data / out.data.sum(axis=1, keepdims=True)

    def predict(self, x: ArrayLike) -> NDArray[np.int64]:
        """The most likely class of each row (the article's argmax)."""
        out = self._outputs(self._check_features(x, "predict"))
        return out.data.argmax(axis=1).astype(np.int64)

    def _outputs(self, features: NDArray[np.float64]) -> Tensor:
        """The network's outputs in eval mode, recording nothing; its mode is restored after.

        So a ``fit`` callback that calls ``evaluate`` leaves the network training.
        """
        was_training = self.model.training
        self.model.eval()
        try:
            with no_grad():
                return self.model(Tensor(features))
        finally:
            self.model.train(was_training)

    def evaluate(self, x: ArrayLike, y: ArrayLike) -> float:
        """Accuracy: the fraction of rows whose predicted class is the label."""
        features, labels = self._check_data(x, y, "evaluate")
        return float(np.mean(self.predict(features) == labels))

    # -- input checks ----------------------------------------------------------

    def _check_features(self, x: ArrayLike, where: str) -> NDArray[np.float64]:
        given = numeric_array(f"MLPClassifier.{where}", "x", x)
        features = given.astype(np.float64, copy=False)
        width = self.recipe.sizes[0]
        if features.ndim != 2 or features.shape[1] != width:
            raise ValueError(
                f"MLPClassifier.{where}: x must be shaped (rows, {width}), got {features.shape}"
            )
        if len(features) == 0:
            raise ValueError(
                f"MLPClassifier.{where}: x has no rows (shape {features.shape}); "
                "it needs at least one"
            )
        bad = np.argwhere(~np.isfinite(features))
        if len(bad):
            row, column = bad[0]
            value = features[row, column]
            kind = "NaN" if np.isnan(value) else f"infinity ({value})"
            in_all = f" ({len(bad)} non-finite values in all)" if len(bad) > 1 else ""
            raise ValueError(
                f"MLPClassifier.{where}: x contains {kind} at row {row}, column {column}{in_all}; "
                "features must be finite numbers (drop or impute the missing values)"
            )
        return features

    def _check_data(
        self, x: ArrayLike, y: ArrayLike, where: str
    ) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
        features = self._check_features(x, where)
        labels = np.asarray(y.data if isinstance(y, Tensor) else y)
        classes = self.recipe.sizes[-1]
        if labels.shape != (len(features),) or labels.dtype.kind not in "iu":
            raise ValueError(
                f"MLPClassifier.{where}: y must be {len(features)} integer labels, got shape "
                f"{labels.shape} of {labels.dtype}"
                + (" (convert float labels with .astype(int))" if labels.dtype.kind == "f" else "")
            )
        if labels.size and (labels.min() < 0 or labels.max() >= classes):
            raise ValueError(
                f"MLPClassifier.{where}: labels must be in [0, {classes}), got "
                f"{labels.min()}..{labels.max()}"
            )
        return features, labels.astype(np.int64)


def check_recipe(r: Recipe) -> None:
    """Refuse recipes that cannot train, naming the field.

    Raises:
        TypeError: for a field of the wrong type (``epochs=1.5``, ``batch_size="32"``,
            ``shuffle="no"``).
        ValueError: for a value out of range (NaN and infinity included) or not among
            the choices.
    """
    where = "MLPClassifier"
    if not isinstance(r.sizes, Sequence) or any(
            isinstance(n, bool) or not isinstance(n, (int, np.integer)) for n in r.sizes):
        raise TypeError(f"{where}: sizes must be a sequence of ints, got {r.sizes!r}")
    if len(r.sizes) < 2 or any(n < 1 for n in r.sizes):
        raise ValueError(f"{where}: sizes must be 2 or more positive ints, got {r.sizes}")
    choices: dict[str, Sequence[str]] = {
        "activation": ACTIVATIONS, "cost": ["quadratic", "cross_entropy"],
        "optimizer": ["sgd", "adam"], "schedule": ["constant", "cosine"], "init": list(nn.INITS),
    }
    for name, allowed in choices.items():
        if getattr(r, name) not in allowed:
            raise ValueError(
                f"MLPClassifier: {name} must be one of {list(allowed)}, got {getattr(r, name)!r}"
            )
    for name in ("epochs", "batch_size"):
        check_int(where, name, getattr(r, name), 1)
    check_bool(where, "shuffle", r.shuffle)
    # NaN or infinity in any of these would make every weight NaN at the first step.
    for name, positive in (("lr", True), ("momentum", False), ("weight_decay", False)):
        value = check_real(where, name, getattr(r, name))
        if not math.isfinite(value) or value < 0 or (positive and value == 0):
            bound = "> 0" if positive else ">= 0"
            raise ValueError(f"{where}: {name} must be a finite number {bound}, got {value}")
    if r.optimizer == "adam" and r.momentum != 0:
        raise ValueError(
            f"{where}: momentum is for optimizer='sgd'; Adam keeps its own running averages "
            f"(betas), so momentum={r.momentum} would be ignored"
        )


def _not_a_recipe(given: object) -> str:
    """The error for a first argument that is not a Recipe (a sequence is likely the sizes)."""
    if isinstance(given, Sequence) and not isinstance(given, str):
        return (
            f"MLPClassifier: the first argument must be a Recipe, got the {type(given).__name__} "
            f"{given!r}; give layer widths by keyword, sizes={tuple(given)!r} (input first, "
            "classes last: unlike scikit-learn's hidden_layer_sizes, they include both)"
        )
    return (
        f"MLPClassifier: recipe must be a Recipe (such as ARTICLE or RECOMMENDED), got "
        f"{type(given).__name__} {given!r}"
    )
