"""The ``tinygrad-mlp`` command: train the article's network on Iris, evaluate, draw graphs.

    tinygrad-mlp train --article          # the article's exact recipe: accuracy = 96.1%
    tinygrad-mlp train                    # the library's recommended recipe
    tinygrad-mlp train --cv 10            # stratified 10-fold cross-validation
    tinygrad-mlp train --article --seeds 200
    tinygrad-mlp evaluate weights.npz     # test accuracy of a run saved with --save
    tinygrad-mlp graph -o graph.svg       # draw the loss graph of one batch

Bad arguments exit with code 2 and one line on stderr.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, fields, replace
from typing import Any, NoReturn, TextIO

import numpy as np

from tinygrad_mlp.classifier import (
    ACTIVATIONS,
    ARTICLE,
    RECOMMENDED,
    MLPClassifier,
    Recipe,
    check_recipe,
)
from tinygrad_mlp.data import stratified_kfold
from tinygrad_mlp.datasets import load_article_split, load_iris
from tinygrad_mlp.serialization import load, save

IRIS_FEATURES, IRIS_CLASSES = 4, 3


class UsageError(Exception):
    """A bad command line: reported in one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of layer sizes like 4,16,3"
        ) from None
    if len(sizes) < 2 or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: need two or more positive sizes")
    for n_in, n_out in itertools.pairwise(sizes):
        if n_in * n_out > np.iinfo(np.intp).max // 8:  # more bytes than numpy can address
            raise argparse.ArgumentTypeError(
                f"{text!r}: a {n_out} x {n_in} weight matrix is too large for any memory"
            )
    if sizes[0] != IRIS_FEATURES or sizes[-1] != IRIS_CLASSES:
        raise argparse.ArgumentTypeError(
            f"{text!r}: Iris has {IRIS_FEATURES} features and {IRIS_CLASSES} classes, so sizes "
            f"must start with {IRIS_FEATURES} and end with {IRIS_CLASSES}"
        )
    return sizes


def _positive(kind: Callable[[str], float | int]) -> Callable[[str], float | int]:
    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            what = "an integer" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} must be a finite number")
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r} must be positive")
        return value

    return parse


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number >= 0")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be non-negative (numpy's seeds are)")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tinygrad-mlp",
                     description=__doc__.split("\n\n")[0].replace("``", "'"))
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    train = commands.add_parser(
        "train", help="train on the article's Iris split (or cross-validate with --cv K)")
    train.add_argument("--article", action="store_true",
                       help="the article's exact recipe (4-3-3 sigmoid, quadratic cost, SGD)")
    train.add_argument("--sizes", type=_sizes, help="layer sizes, e.g. 4,16,3")
    train.add_argument("--activation", choices=ACTIVATIONS)
    train.add_argument("--loss", dest="cost", choices=["quadratic", "cross_entropy"])
    train.add_argument("--optimizer", choices=["sgd", "adam"])
    train.add_argument("--init", choices=["normal", "nielsen", "pytorch", "xavier_uniform",
                                          "xavier_normal", "kaiming_uniform", "kaiming_normal"])
    for option, field in (("--epochs", "epochs"), ("--batch-size", "batch_size"),
                          ("--lr", "lr")):
        train.add_argument(option, type=_positive(float if field == "lr" else int),
                           help=f"default: the recipe's ({getattr(RECOMMENDED, field)} "
                                f"recommended, {getattr(ARTICLE, field)} with --article)")
    for option, field in (("--momentum", "momentum"), ("--weight-decay", "weight_decay")):
        train.add_argument(option, type=_non_negative,
                           help=f"default: the recipe's ({getattr(RECOMMENDED, field)} "
                                f"recommended, {getattr(ARTICLE, field)} with --article)"
                                + ("; SGD only" if field == "momentum" else ""))
    train.add_argument("--schedule", choices=["constant", "cosine"],
                       help="the learning rate over the epochs: constant, or cosine annealing "
                            f"to 0 (default: the recipe's, {RECOMMENDED.schedule} recommended)")
    train.add_argument("--shuffle", action=argparse.BooleanOptionalAction,
                       help="reshuffle the training rows every epoch (default: the recipe's; "
                            "the article does not)")
    train.add_argument("--seed", type=_seed, default=0, help="seed of the first run (default 0)")
    train.add_argument("--seeds", type=_positive(int), default=1,
                       help="train this many seeds and report the accuracy distribution "
                            "(default 1)")
    train.add_argument("--cv", type=_positive(int), metavar="K",
                       help="stratified K-fold cross-validation instead of the test split")
    train.add_argument("--cv-on", choices=["all", "train"], default="all",
                       help="cross-validate on all 150 rows (default) or on the article's 99 "
                            "training rows only (how the recommended recipe was chosen)")
    train.add_argument("--cv-shuffle", action=argparse.BooleanOptionalAction, default=True,
                       help="deal rows to folds in an order drawn from --seed (default), or, "
                            "with --no-cv-shuffle, in row order as scikit-learn's "
                            "StratifiedKFold(K) and cross_val_score(cv=K) do")
    train.add_argument("--save", metavar="PATH",
                       help="write the trained weights and their recipe (.npz), for evaluate")
    train.add_argument("--quiet", action="store_true", help="no progress bar")

    evaluate = commands.add_parser("evaluate", help="test accuracy of saved weights")
    evaluate.add_argument("weights", help="a file written by train --save (or tm.save of a "
                                          "state dict: then give the options it was trained with)")
    evaluate.add_argument("--article", action="store_true", help="weights of the article's net")
    evaluate.add_argument("--sizes", type=_sizes, help="layer sizes, e.g. 4,16,3")
    evaluate.add_argument("--activation", choices=ACTIVATIONS)
    evaluate.add_argument("--loss", dest="cost", choices=["quadratic", "cross_entropy"])

    graph = commands.add_parser("graph", help="draw the loss graph of the Iris network")
    graph.add_argument("-o", "--output", default="graph.svg",
                       help="output file; the format follows the extension (svg, png, pdf; "
                            "default graph.svg)")
    graph.add_argument("--article", action="store_true", help="draw the article's network")
    graph.add_argument("--sizes", type=_sizes, help="layer sizes, e.g. 4,16,3")
    graph.add_argument("--activation", choices=ACTIVATIONS)
    graph.add_argument("--loss", dest="cost", choices=["quadratic", "cross_entropy"])
    graph.add_argument("--batch-size", type=_positive(int), default=4,
                       help="rows in the drawn batch (default 4)")
    graph.add_argument("--rankdir", choices=["LR", "TB"], default="LR",
                       help="left to right (default) or top to bottom")
    graph.add_argument("--grad-heat", action="store_true", help="shade nodes by gradient size")
    graph.add_argument("--no-clusters", action="store_true", help="do not group by module")
    graph.add_argument("--max-nodes", type=_positive(int),
                       help="draw at most this many nodes, nearest the loss first")
    return parser


def _recipe(args: argparse.Namespace) -> Recipe:
    """The base recipe (article or recommended) with the options given on the command line."""
    base = ARTICLE if args.article else RECOMMENDED
    fields = ("sizes", "activation", "cost", "optimizer", "init", "epochs", "batch_size", "lr",
              "momentum", "weight_decay", "schedule", "shuffle")
    given = {name: getattr(args, name) for name in fields if getattr(args, name, None) is not None}
    recipe = replace(base, **given)
    if given.get("momentum") and recipe.optimizer != "sgd":
        raise UsageError(f"--momentum: only with --optimizer sgd; {recipe.optimizer} keeps its "
                         "own running averages (betas)")
    try:
        check_recipe(recipe)  # the options are the user's input: a bad mix is a usage error
    except (TypeError, ValueError) as error:
        raise UsageError(str(error)) from None
    return recipe


def _saved_recipe(args: argparse.Namespace, saved: dict[str, Any]) -> Recipe:
    """The recipe ``train --save`` stored; options given to evaluate must agree with it."""
    known = {field.name for field in fields(Recipe)}
    try:
        values: dict[str, Any] = {k: tuple(v) if k == "sizes" else v for k, v in saved.items()
                                  if k in known}
        recipe = Recipe(**values)
        check_recipe(recipe)
    except (TypeError, ValueError) as error:
        raise UsageError(f"{args.weights!r}: its saved recipe is not valid: {error}") from None
    options = {"sizes": "--sizes", "activation": "--activation", "cost": "--loss"}
    for name, option in options.items():
        given = getattr(ARTICLE, name) if args.article else getattr(args, name)
        if given is not None and given != getattr(recipe, name):
            raise UsageError(
                f"{'--article' if args.article else option}: {args.weights!r} was trained with "
                f"{name} {getattr(recipe, name)!r}; leave it out, the file says how it was trained"
            )
    return recipe


# -- output --------------------------------------------------------------------------


class Progress:
    """A one-line progress bar over epochs on stderr, drawn only on a terminal."""

    def __init__(self, total: int, stream: TextIO, enabled: bool) -> None:
        self.total, self.stream = total, stream
        self.enabled = enabled and stream.isatty()
        self.last = 0.0

    def __call__(self, epoch: int, loss: float, accuracy: Callable[[], float]) -> None:
        """Redraw the bar (at most ten times a second) after ``epoch``."""
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.1 and epoch + 1 < self.total):
            return
        self.last = now
        done = (epoch + 1) / self.total
        bar = "=" * int(30 * done)
        self.stream.write(
            f"\repoch {epoch + 1:>5}/{self.total} [{bar:<30}] loss {loss:.4f} "
            f"train acc {accuracy():.1%}"
        )
        if epoch + 1 == self.total:
            self.stream.write("\n")
        self.stream.flush()


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    """counts[i, j]: rows of class i predicted as j."""
    counts = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(counts, (labels, predicted), 1)
    return counts


def format_confusion(counts: np.ndarray, names: Sequence[str]) -> str:
    """The confusion matrix as a small table, true classes down, predictions across."""
    width = max(len(n) for n in names) + 2
    lines = [" " * width + "".join(f"{n:>{width}}" for n in names) + "   <- predicted"]
    for name, row in zip(names, counts):
        lines.append(f"{name:<{width}}" + "".join(f"{c:>{width}}" for c in row))
    return "\n".join(lines)


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


# -- commands ------------------------------------------------------------------------


def _train_once(recipe: Recipe, seed: int, show: Progress | None) -> tuple[MLPClassifier, float]:
    split = load_article_split()
    model = MLPClassifier(recipe, seed=seed)
    callback = None
    if show is not None and show.enabled:
        def callback(epoch: int, loss: float) -> None:
            show(epoch, loss, lambda: model.evaluate(split.x_train, split.y_train))
    model.fit(split.x_train, split.y_train, callback=callback)
    return model, model.evaluate(split.x_test, split.y_test)


def _count(stream: TextIO, enabled: bool, what: str, total: int) -> Callable[[int], None]:
    """A counter ``what k/total`` on one line of ``stream``, drawn only on a terminal."""
    enabled = enabled and stream.isatty()

    def show(done: int) -> None:
        if enabled:
            stream.write(f"\r{what} {done}/{total}" + ("\n" if done == total else ""))
            stream.flush()

    return show


def _cmd_train(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    recipe = _recipe(args)
    name = "the article's recipe" if args.article else "the recommended recipe"
    if recipe != (ARTICLE if args.article else RECOMMENDED):
        name += ", changed by your options"
    sizes = "-".join(map(str, recipe.sizes))
    if args.cv and args.seeds > 1:
        raise UsageError("--seeds: not with --cv, which trains one model per fold")
    if not args.cv and (args.cv_on != "all" or not args.cv_shuffle):
        given = "--cv-on" if args.cv_on != "all" else "--no-cv-shuffle"
        raise UsageError(f"{given}: only means something with --cv K")
    if args.save is not None:
        _check_save_path(args.save, several_runs=bool(args.cv) or args.seeds > 1)
    if args.cv:
        count = _count(err, not args.quiet, "fold", args.cv)
        return _cross_validate(recipe, args.cv, args.cv_on, args.cv_shuffle, args.seed, name, out,
                               count)
    if args.seeds > 1:
        count = _count(err, not args.quiet, "seed", args.seeds)
        results = []
        for k in range(args.seeds):
            results.append(_train_once(recipe, args.seed + k, None)[1])
            count(k + 1)
        values, counts = np.unique(np.round(results, 6), return_counts=True)
        print(f"{name}, {sizes}, {args.seeds} seeds from {args.seed}: test accuracy", file=out)
        for value, count in zip(values[::-1], counts[::-1]):
            print(f"  {_percent(value):>6}  {count:4d} seeds", file=out)
        print(f"mean accuracy = {_percent(float(np.mean(results)))} "
              f"(std {100 * np.std(results):.1f} points)", file=out)
        return 0
    progress = Progress(recipe.epochs, err, enabled=not args.quiet)
    model, accuracy = _train_once(recipe, args.seed, progress)
    if args.save:  # first: a reader that stops early (| head -1) must not cost the weights
        try:
            save({"model": model.model.state_dict(), "recipe": asdict(recipe)}, args.save)
        except OSError as error:
            raise UsageError(f"--save: cannot write {args.save!r}: {error.strerror}") from None
    split, iris = load_article_split(), load_iris()
    counts = confusion_matrix(split.y_test, model.predict(split.x_test), IRIS_CLASSES)
    print(f"{name}: {sizes}, {recipe.activation}, {recipe.cost} cost, {_optimizer(recipe)}, "
          f"{recipe.epochs} epochs of {'shuffled ' if recipe.shuffle else ''}batches of "
          f"{recipe.batch_size}, seed {args.seed}", file=out)
    print(f"trained on {len(split.y_train)} rows, tested on {len(split.y_test)}:", file=out)
    print(format_confusion(counts, iris.class_names), file=out)
    print(f"accuracy = {_percent(accuracy)}", file=out)
    if args.save:
        print(f"weights written to {args.save}", file=out)
    return 0


def _optimizer(recipe: Recipe) -> str:
    """The optimizer and its settings as the run's header shows them: 'adam lr 0.01, ...'."""
    words = [f"{recipe.optimizer} lr {recipe.lr}"]
    if recipe.momentum:
        words.append(f"momentum {recipe.momentum}")
    if recipe.weight_decay:
        words.append(f"weight decay {recipe.weight_decay}")
    if recipe.schedule != "constant":
        words.append(f"{recipe.schedule} schedule")
    return ", ".join(words)


def _check_save_path(path: str, several_runs: bool) -> None:
    """Refuse a --save that could not be written, before any training time is spent."""
    if several_runs:
        raise UsageError("--save: writes the weights of one run; leave out --seeds and --cv")
    if not path:
        raise UsageError("--save: give a file name like weights.npz")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"--save: folder of {path!r} does not exist")
    if os.path.isdir(path):
        raise UsageError(f"--save: {path!r} is a folder; give a file name like weights.npz")
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise UsageError(f"--save: {path!r} is not writable")


def _cross_validate(
    recipe: Recipe, k: int, rows: str, shuffle: bool, seed: int, name: str, out: TextIO,
    count: Callable[[int], None],
) -> int:
    if rows == "train":  # the article's training rows, already standardised
        split = load_article_split()
        features, labels, standardise = split.x_train, split.y_train, False
    else:
        iris = load_iris()
        features, labels, standardise = iris.features, iris.labels, True
    smallest = int(np.bincount(labels).min())
    if k < 2 or k > smallest:
        raise UsageError(f"--cv: K must be between 2 and {smallest} (the smallest class), got {k}")
    scores = []
    folds = stratified_kfold(labels, n_splits=k, shuffle=shuffle,
                             generator=np.random.default_rng(seed) if shuffle else None)
    for fold, (train, test) in enumerate(folds):
        x = features
        if standardise:  # with the training fold's statistics only
            x = (features - features[train].mean(axis=0)) / features[train].std(axis=0)
        model = MLPClassifier(recipe, seed=seed + fold).fit(x[train], labels[train])
        scores.append(model.evaluate(x[test], labels[test]))
        count(fold + 1)
    where = "the article's 99 training rows" if rows == "train" else f"all {len(labels)} rows"
    order = "" if shuffle else ", folds in row order"
    print(f"{name}: stratified {k}-fold cross-validation on {where}{order}", file=out)
    print("  folds: " + " ".join(_percent(s) for s in scores), file=out)
    print(f"cv accuracy = {_percent(float(np.mean(scores)))} +- "
          f"{100 * np.std(scores):.1f} points", file=out)
    return 0


def _cmd_evaluate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        state = load(args.weights)
    except (FileNotFoundError, IsADirectoryError, ValueError) as error:
        raise UsageError(str(error)) from None
    except OSError as error:  # no permission to read it, say
        raise UsageError(f"cannot read {args.weights!r}: {error.strerror or error}") from None
    if isinstance(state.get("recipe"), dict) and isinstance(state.get("model"), dict):
        recipe = _saved_recipe(args, state["recipe"])  # a file written by train --save
        state = state["model"]
    else:  # weights only: the options say how they were trained
        recipe = _recipe(args)
        shapes = {name: np.shape(value) for name, value in state.items()}
        saved = [shape[::-1] for name, shape in shapes.items() if name.endswith(".weight")]
        # Only 2-D weights tell the sizes; other shapes are named by load_state_dict below.
        matrices = bool(saved) and all(len(shape) == 2 for shape in saved)
        model_sizes = [saved[0][0], *(shape[1] for shape in saved)] if matrices else []
        if model_sizes and tuple(model_sizes) != recipe.sizes:
            raise UsageError(
                f"{args.weights!r} holds a {'-'.join(map(str, model_sizes))} network, not "
                f"{'-'.join(map(str, recipe.sizes))}: pass --sizes "
                f"{','.join(map(str, model_sizes))} and the --activation and --loss it was "
                "trained with"
            )
    model = MLPClassifier(recipe, seed=0)
    try:
        model.model.load_state_dict(state)
    except (RuntimeError, TypeError) as error:
        raise UsageError(" ".join(str(error).split())) from None
    split = load_article_split()
    print(f"accuracy = {_percent(model.evaluate(split.x_test, split.y_test))}", file=out)
    return 0


def _cmd_graph(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from tinygrad_mlp import viz
    from tinygrad_mlp.tensor import Tensor

    extension = os.path.splitext(args.output)[1].lstrip(".").lower()
    if extension not in ("svg", "png", "pdf"):
        raise UsageError(f"-o: {args.output!r} must end in .svg, .png or .pdf")
    if not os.path.isdir(os.path.dirname(os.path.abspath(args.output))):
        raise UsageError(f"-o: folder of {args.output!r} does not exist")
    recipe = _recipe(args)
    split = load_article_split()
    model = MLPClassifier(recipe, seed=0)
    rows = slice(0, args.batch_size)
    loss = model.loss(model.model(Tensor(split.x_train[rows])),
                      Tensor(model.targets(split.y_train[rows])))
    loss.name = "loss"
    loss.backward()
    graph = viz.draw_graph(loss, rankdir=args.rankdir, grad_heat=args.grad_heat,
                           cluster_modules=not args.no_clusters, max_nodes=args.max_nodes)
    try:
        path = viz.render(graph, args.output)
    except viz.GraphvizNotFoundError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"-o: cannot write {args.output!r}: {error.strerror or error}") from None
    print(f"graph written to {path}", file=out)
    return 0


COMMANDS = {"train": _cmd_train, "evaluate": _cmd_evaluate, "graph": _cmd_graph}


def main(argv: Sequence[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    """Run the command line; returns the exit code (2 for bad usage)."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        code = _run(argv, out, err)
        for stream in (out, err):
            stream.flush()  # here, so a closed pipe is caught below rather than at exit
        return code
    except BrokenPipeError:  # the reader went away (`tinygrad-mlp train | head -1`): stop quietly
        for stream in (sys.stdout, sys.stderr):  # point them at nothing, so that flushing
            if stream in (out, err):             # them at exit cannot fail as well
                os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a program a pipe stopped


def _run(argv: Sequence[str] | None, out: TextIO, err: TextIO) -> int:
    """Parse the arguments and run the command; a usage error is one line on ``err``."""
    try:
        args = _parser().parse_args(argv)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            code = COMMANDS[args.command](args, out, err)
        _report_warnings(caught, err)
        return code
    except UsageError as error:
        print(f"tinygrad-mlp: error: {error}", file=err)
        return 2
    except MemoryError:
        print("tinygrad-mlp: error: not enough memory for this run; try smaller --sizes",
              file=err)
        return 2
    except KeyboardInterrupt:
        print(("\n" if err.isatty() else "") + "tinygrad-mlp: interrupted", file=err)
        return 130


def _report_warnings(caught: list[warnings.WarningMessage], err: TextIO) -> None:
    """Each distinct warning of the run in one line, without a source line under it.

    When training diverged, numpy's notes on the overflows along the way
    ("overflow encountered in matmul") are left out: fit's warning says it.
    """
    messages = list(dict.fromkeys(str(w.message) for w in caught))
    if any(m.startswith("MLPClassifier.fit: training diverged") for m in messages):
        messages = [m for m in messages if " encountered in " not in m]
    for message in messages:
        print(f"tinygrad-mlp: warning: {message}", file=err)


if __name__ == "__main__":
    sys.exit(main())
