"""MLPClassifier: the article's Train / Evaluate / Predict, and its recipes."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_mlp as tm
from tinygrad_mlp import reference
from tinygrad_mlp.classifier import ACTIVATIONS, ARTICLE, RECOMMENDED, MLPClassifier, Recipe
from tinygrad_mlp.datasets import load_article_split
from tinygrad_mlp.nn import functional as F


def test_article_recipe_reproduces_96_1_percent_on_the_article_split() -> None:
    split = load_article_split()
    model = MLPClassifier(ARTICLE, seed=0).fit(split.x_train, split.y_train)
    assert round(model.evaluate(split.x_test, split.y_test) * 51) == 49  # 96.1%


def test_article_network_trains_exactly_like_the_hand_derived_reference() -> None:
    split = load_article_split()
    model = MLPClassifier(ARTICLE, seed=3, epochs=20)
    weights = [model.model[i].weight.data.copy() for i in (0, 2)]  # type: ignore[union-attr]
    biases = [model.model[i].bias.data.copy() for i in (0, 2)]  # type: ignore[union-attr]
    model.fit(split.x_train, split.y_train)
    onehot = np.eye(3)[split.y_train]
    ref_w, ref_b = reference.train(weights, biases, split.x_train, onehot, epochs=20,
                                   batch_size=32, lr=0.1)
    for i, (w, b) in zip((0, 2), zip(ref_w, ref_b)):
        np.testing.assert_allclose(model.model[i].weight.data, w, rtol=1e-10, atol=1e-12)  # type: ignore[union-attr]
        np.testing.assert_allclose(model.model[i].bias.data, b, rtol=1e-10, atol=1e-12)  # type: ignore[union-attr]


def test_recommended_recipe_learns_iris() -> None:
    split = load_article_split()
    model = MLPClassifier(RECOMMENDED, seed=0).fit(split.x_train, split.y_train)
    assert model.evaluate(split.x_test, split.y_test) >= 0.9
    assert model.history[-1] < model.history[0]


def test_predict_proba_rows_are_distributions_and_agree_with_predict() -> None:
    split = load_article_split()
    for recipe in (ARTICLE, RECOMMENDED):
        model = MLPClassifier(recipe, seed=1, epochs=5).fit(split.x_train, split.y_train)
        proba = model.predict_proba(split.x_test)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        np.testing.assert_array_equal(proba.argmax(axis=1), model.predict(split.x_test))


def test_same_seed_gives_the_same_model() -> None:
    split = load_article_split()
    a = MLPClassifier(RECOMMENDED, seed=5, epochs=3).fit(split.x_train, split.y_train)
    b = MLPClassifier(RECOMMENDED, seed=5, epochs=3).fit(split.x_train, split.y_train)
    for (name, pa), (_, pb) in zip(a.model.named_parameters(), b.model.named_parameters()):
        np.testing.assert_array_equal(pa.data, pb.data, err_msg=name)


def test_keyword_overrides_build_the_requested_network() -> None:
    model = MLPClassifier(sizes=(4, 5, 6, 3), activation="relu", cost="cross_entropy")
    assert [type(m).__name__ for m in model.model] == ["Linear", "ReLU", "Linear", "ReLU",
                                                      "Linear"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"sizes": (4,)}, "sizes"),
        ({"activation": "swish"}, "activation"),
        ({"cost": "hinge"}, "cost"),
        ({"epochs": 0}, "epochs"),
        ({"lr": -1.0}, "lr"),
        ({"init": "zeros"}, "init"),
    ],
)
def test_bad_recipes_raise_naming_the_field(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MLPClassifier(**options)


def test_unknown_options_and_bad_data_raise() -> None:
    with pytest.raises(TypeError, match="unknown options"):
        MLPClassifier(learning_rate=0.1)
    model = MLPClassifier(epochs=1)
    with pytest.raises(ValueError, match=r"shaped \(rows, 4\)"):
        model.fit(np.zeros((3, 5)), np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match="integer labels"):
        model.fit(np.zeros((3, 4)), np.zeros(3))
    with pytest.raises(ValueError, match=r"labels must be in \[0, 3\)"):
        model.fit(np.zeros((2, 4)), np.array([0, 3]))


def test_fitting_again_starts_afresh_like_a_single_fit_on_the_new_data() -> None:
    split = load_article_split()
    x, y = split.x_train, split.y_train
    refit = MLPClassifier(RECOMMENDED, seed=2, epochs=3).fit(x[:50], y[:50]).fit(x, y)
    single = MLPClassifier(RECOMMENDED, seed=2, epochs=3).fit(x, y)
    assert refit.history == single.history and len(refit.history) == 3
    for (name, a), (_, b) in zip(refit.model.named_parameters(), single.model.named_parameters()):
        np.testing.assert_array_equal(a.data, b.data, err_msg=name)


def test_two_fits_of_a_seeded_classifier_give_identical_weights() -> None:
    split = load_article_split()
    model = MLPClassifier(ARTICLE, seed=4, epochs=2).fit(split.x_train, split.y_train)
    first = [p.data.copy() for p in model.model.parameters()]
    model.fit(split.x_train, split.y_train)
    for once, twice in zip(first, model.model.parameters()):
        np.testing.assert_array_equal(twice.data, once)


def test_model_built_on_construction_predicts_before_any_fit() -> None:
    model = MLPClassifier(RECOMMENDED, seed=0)
    proba = model.predict_proba(np.zeros((2, 4)))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert model.predict(np.zeros((2, 4))).shape == (2,)


@pytest.mark.parametrize("method", ["fit", "evaluate", "predict", "predict_proba"])
def test_data_without_rows_raises_naming_the_method_and_x(method: str) -> None:
    model = MLPClassifier(epochs=1)
    x, y = np.zeros((0, 4)), np.zeros(0, dtype=int)
    call = getattr(model, method)
    message = rf"^MLPClassifier\.{method}: x has no rows \(shape \(0, 4\)\)"
    with pytest.raises(ValueError, match=message):
        call(x, y) if method in ("fit", "evaluate") else call(x)


@pytest.mark.parametrize("method", ["fit", "evaluate", "predict", "predict_proba"])
@pytest.mark.parametrize(("bad", "kind"), [(np.nan, "NaN"), (np.inf, r"infinity \(inf\)"),
                                           (-np.inf, r"infinity \(-inf\)")])
def test_non_finite_features_raise_naming_the_method_and_the_first_bad_entry(
        method: str, bad: float, kind: str) -> None:
    model = MLPClassifier(epochs=1, seed=0)
    x, y = np.zeros((5, 4)), np.zeros(5, dtype=int)
    x[3, 1] = x[4, 0] = bad
    call = getattr(model, method)
    message = rf"^MLPClassifier\.{method}: x contains {kind} at row 3, column 1 \(2 non-finite"
    with pytest.raises(ValueError, match=message):
        call(x, y) if method in ("fit", "evaluate") else call(x)


def test_a_callback_that_evaluates_during_fit_leaves_the_network_training() -> None:
    split = load_article_split()
    model = MLPClassifier(RECOMMENDED, seed=0, epochs=3)
    modes: list[bool] = []

    def callback(epoch: int, loss: float) -> None:
        model.evaluate(split.x_train, split.y_train)
        modes.append(model.model.training)

    model.fit(split.x_train, split.y_train, callback=callback)
    assert modes == [True, True, True]
    model.model.eval()
    model.predict(split.x_test)
    assert not model.model.training  # and an evaluating network stays evaluating


def test_a_fit_refused_for_nan_features_leaves_the_fitted_model_as_it_was() -> None:
    split = load_article_split()
    model = MLPClassifier(ARTICLE, seed=0, epochs=2).fit(split.x_train, split.y_train)
    weights, history = [p.data.copy() for p in model.model.parameters()], list(model.history)
    x = split.x_train.copy()
    x[7, 2] = np.nan
    with pytest.raises(ValueError, match=r"x contains NaN at row 7, column 2"):
        model.fit(x, split.y_train)
    assert model.history == history
    for before, after in zip(weights, model.model.parameters()):
        np.testing.assert_array_equal(after.data, before)


def test_a_diverging_fit_warns_naming_the_first_non_finite_epoch_and_keeps_the_model() -> None:
    split = load_article_split()
    model = MLPClassifier(seed=0, epochs=6, lr=1e10, cost="cross_entropy", activation="relu")
    with np.errstate(over="ignore", invalid="ignore"), pytest.warns(
            RuntimeWarning, match=r"loss was nan at epoch 5 of 6 .*smaller lr"):
        model.fit(split.x_train, split.y_train)  # numpy's own overflow warnings silenced
    assert len(model.history) == 6
    assert np.isfinite(model.history[:4]).all() and np.isnan(model.history[4])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        MLPClassifier(ARTICLE, seed=0, epochs=2).fit(split.x_train, split.y_train)


@pytest.mark.parametrize(
    ("name", "value"),
    [("lr", np.nan), ("lr", np.inf), ("weight_decay", np.inf), ("weight_decay", np.nan),
     ("momentum", np.inf)],
)
def test_non_finite_hyperparameters_raise_naming_the_field(name: str, value: float) -> None:
    with pytest.raises(ValueError, match=rf"^MLPClassifier: {name} must be a finite number"):
        MLPClassifier(**{name: value})


def test_momentum_with_adam_raises_instead_of_being_ignored() -> None:
    with pytest.raises(ValueError, match=r"^MLPClassifier: momentum is for optimizer='sgd'"):
        MLPClassifier(optimizer="adam", momentum=0.9)
    optimizer = MLPClassifier(optimizer="sgd", momentum=0.9)._optimizer()
    assert optimizer.param_groups[0]["momentum"] == 0.9


def test_sizes_given_by_position_raise_a_type_error_saying_to_pass_sizes() -> None:
    with pytest.raises(TypeError, match=r"^MLPClassifier: .*Recipe.*sizes=\(4, 16, 3\)"):
        MLPClassifier((4, 16, 3))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("seed", "error"), [(-1, ValueError), (1.5, TypeError), (True, TypeError), ("0", TypeError)]
)
def test_bad_seeds_raise_naming_the_classifier_and_seed(seed: object, error: type) -> None:
    with pytest.raises(error, match=r"^MLPClassifier: seed must be an int >= 0"):
        MLPClassifier(seed=seed)  # type: ignore[arg-type]


@pytest.mark.parametrize("shuffle", ["no", 1, None])
def test_a_shuffle_that_is_not_a_bool_raises(shuffle: object) -> None:
    with pytest.raises(TypeError, match=r"^MLPClassifier: shuffle must be True or False"):
        MLPClassifier(shuffle=shuffle)


def test_sizes_are_stored_as_a_tuple_of_ints_so_the_recipe_is_hashable() -> None:
    model = MLPClassifier(sizes=[np.int64(4), 3, 3], shuffle=np.True_, seed=np.int64(1))
    assert model.recipe == Recipe(sizes=(4, 3, 3), shuffle=True)
    assert all(type(n) is int for n in model.recipe.sizes) and model.recipe.shuffle is True
    assert hash(model.recipe) == hash(Recipe(sizes=(4, 3, 3), shuffle=True))
    assert type(model.seed) is int


def test_shuffling_changes_the_order_of_the_batches_and_so_the_trained_weights() -> None:
    split = load_article_split()

    def weights(shuffle: bool) -> list[np.ndarray]:
        model = MLPClassifier(ARTICLE, seed=0, epochs=2, shuffle=shuffle)
        return [p.data for p in model.fit(split.x_train, split.y_train).model.parameters()]

    # The same seed gives the same initial weights; only the batches differ.
    in_file_order, shuffled = weights(False), weights(True)
    assert not all(np.allclose(a, b) for a, b in zip(in_file_order, shuffled))


def test_sgd_with_momentum_trains_like_a_hand_written_loop_with_momentum() -> None:
    split = load_article_split()
    x, targets = split.x_train, np.eye(3)[split.y_train]
    epochs, batch_size = 3, 32
    by_hand = MLPClassifier(ARTICLE, seed=0).model  # the weights every seeded fit starts from
    optimizer = tm.optim.SGD(by_hand.parameters(), lr=0.1, momentum=0.9)
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            rows = slice(start, start + batch_size)
            loss = F.quadratic_cost(by_hand(tm.Tensor(x[rows])), tm.Tensor(targets[rows]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    fitted = MLPClassifier(ARTICLE, seed=0, epochs=epochs, momentum=0.9)
    fitted.fit(split.x_train, split.y_train)
    for (name, a), (_, b) in zip(fitted.model.named_parameters(), by_hand.named_parameters()):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-10, atol=1e-12, err_msg=name)


def test_cosine_schedule_anneals_the_lr_to_zero_over_exactly_the_epochs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lrs: list[float] = []
    step: Callable[..., Any] = tm.optim.SGD.step

    def recording_step(self: tm.optim.SGD, closure: Callable[[], Any] | None = None) -> Any:
        lrs.append(self.param_groups[0]["lr"])
        return step(self, closure)

    monkeypatch.setattr(tm.optim.SGD, "step", recording_step)
    split = load_article_split()
    epochs = 4
    MLPClassifier(ARTICLE, seed=0, epochs=epochs, schedule="cosine").fit(
        split.x_train, split.y_train)
    # lr(e) = 0.1 * (1 + cos(pi * e / epochs)) / 2: 0.1 at the first epoch, 0 after the last.
    per_epoch = [0.1 * (1 + math.cos(math.pi * e / epochs)) / 2 for e in range(epochs)]
    batches = math.ceil(len(split.y_train) / ARTICLE.batch_size)
    assert lrs == pytest.approx(np.repeat(per_epoch, batches).tolist())


def test_history_is_the_row_weighted_mean_loss_even_with_a_short_last_batch() -> None:
    split = load_article_split()
    assert len(split.y_train) % ARTICLE.batch_size != 0  # 99 rows: batches of 32, 32, 32, 3
    # An lr far below float64 resolution leaves the weights as initialised, so
    # every batch's loss is taken at the same weights and their row-weighted
    # mean is the loss of all the rows at once.
    model = MLPClassifier(ARTICLE, seed=0, epochs=1, lr=1e-300)
    initial = model.model
    whole = F.quadratic_cost(initial(tm.Tensor(split.x_train)),
                             tm.Tensor(np.eye(3)[split.y_train])).item()
    model.fit(split.x_train, split.y_train)
    assert model.history == [pytest.approx(whole, rel=1e-12)]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_name_builds_its_module_and_trains(activation: str) -> None:
    model = MLPClassifier(RECOMMENDED, activation=activation, epochs=5, seed=0)
    assert type(model.model[1]).__name__.lower() == activation.replace("_", "")
    split = load_article_split()
    assert model.fit(split.x_train, split.y_train).history[-1] < model.history[0]


def test_momentum_with_adam_names_the_momentum_given() -> None:
    with pytest.raises(ValueError, match=r"so momentum=0\.9 would be ignored"):
        MLPClassifier(optimizer="adam", momentum=0.9)


def test_predictions_run_the_network_in_eval_mode_and_restore_its_mode() -> None:
    split = load_article_split()
    model = MLPClassifier(RECOMMENDED, seed=0, epochs=3).fit(split.x_train, split.y_train)
    before = model.predict_proba(split.x_test)
    model.model.append(tm.nn.Dropout(0.5))  # a layer that acts only while training
    model.model.train()
    np.testing.assert_array_equal(model.predict_proba(split.x_test), before)
    assert model.model.training
