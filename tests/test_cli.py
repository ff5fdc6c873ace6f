"""The tinygrad-mlp command line."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import tinygrad_mlp as tm
from tinygrad_mlp.classifier import ARTICLE, RECOMMENDED, MLPClassifier, Recipe
from tinygrad_mlp.cli import Progress, _parser, _recipe, confusion_matrix, main
from tinygrad_mlp.data import stratified_kfold
from tinygrad_mlp.datasets import load_article_split


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_train_article_prints_accuracy_in_the_articles_form() -> None:
    code, out, _ = run("train", "--article", "--quiet")
    assert code == 0
    assert "accuracy = 96.1%" in out
    assert "setosa" in out and "<- predicted" in out


def test_train_with_seeds_prints_a_distribution(tmp_path: Path) -> None:
    code, out, _ = run("train", "--article", "--epochs", "50", "--seeds", "3")
    assert code == 0 and "3 seeds" in out and "mean accuracy" in out


def test_cross_validation_prints_mean_and_spread() -> None:
    code, out, _ = run("train", "--cv", "3", "--epochs", "20")
    assert code == 0 and "3-fold" in out and "cv accuracy" in out


def test_cross_validation_without_shuffling_uses_the_folds_in_row_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tinygrad_mlp.cli as cli

    dealt: list[dict[str, object]] = []

    def recording(labels: object, **kwargs: object) -> object:
        dealt.append(kwargs)
        return stratified_kfold(labels, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cli, "stratified_kfold", recording)
    code, out, _ = run("train", "--cv", "3", "--epochs", "5", "--no-cv-shuffle")
    assert code == 0 and "folds in row order" in out
    assert dealt == [{"n_splits": 3, "shuffle": False, "generator": None}]
    code, out, _ = run("train", "--cv", "3", "--epochs", "5", "--seed", "4")
    assert code == 0 and "row order" not in out and dealt[-1]["shuffle"] is True


def test_saved_weights_evaluate_to_the_same_accuracy(tmp_path: Path) -> None:
    path = str(tmp_path / "w.npz")
    code, out, _ = run("train", "--epochs", "30", "--quiet", "--save", path)
    assert code == 0
    accuracy = out.strip().splitlines()[-2]
    code, out, _ = run("evaluate", path)
    assert code == 0 and out.strip() == accuracy


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "--sizes", "4,x,3"], "not a comma-separated list"),
        (["train", "--sizes", "4,5,2"], "4 features and 3 classes"),
        (["train", "--epochs", "0"], "must be positive"),
        (["train", "--epochs", "1.5"], "'1.5' is not an integer"),
        (["train", "--seeds", "2", "--save", "w.npz"], "one run; leave out --seeds and --cv"),
        (["train", "--cv", "3", "--save", "w.npz"], "one run; leave out --seeds and --cv"),
        (["train", "--save", "/no/such/folder/w.npz"], "does not exist"),
        (["evaluate", "/no/such/file.npz"], "no such file"),
        (["train", "--cv", "1"], "between 2 and 50"),
        (["train", "--cv", "40", "--cv-on", "train"], "between 2 and 33"),
        (["train", "--cv", "3", "--seeds", "2"], "--seeds: not with --cv"),
        (["train", "--cv-on", "train"], "--cv-on: only means something with --cv K"),
        (["train", "--no-cv-shuffle"], "--no-cv-shuffle: only means something with --cv K"),
        (["train", "--sizes", "4,1000000000000,3"], "not enough memory for this run"),
        (["train", "--sizes", "4,99999999999999999999,3"], "too large for any memory"),
        (["graph", "--sizes", "4,9223372036854775807,3"], "too large for any memory"),
        (["train", "--save", ""], "--save: give a file name like weights.npz"),
        (["evaluate", "/"], "is a folder"),
        (["train", "--weight-decay", "-0.1"], "must be a finite number >= 0"),
        (["train", "--momentum", "nan"], "must be a finite number >= 0"),
        (["train", "--momentum", "0.9"], "--momentum: only with --optimizer sgd; adam keeps"),
        (["train", "--schedule", "step"], "invalid choice"),
        (["fly"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_arguments_exit_2_with_one_line_and_no_traceback(
    argv: list[str], message: str
) -> None:
    code, _, err = run(*argv)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_evaluate_refuses_options_that_contradict_the_saved_recipe(tmp_path: Path) -> None:
    path = str(tmp_path / "w.npz")
    assert run("train", "--epochs", "1", "--quiet", "--save", path)[0] == 0
    for argv, option in ((["--article"], "--article"), (["--sizes", "4,8,3"], "--sizes"),
                         (["--activation", "relu"], "--activation"), (["--loss", "quadratic"],
                                                                      "--loss")):
        code, _, err = run("evaluate", path, *argv)
        assert code == 2 and f"{option}: " in err and "was trained with" in err, err
    assert run("evaluate", path, "--activation", RECOMMENDED.activation)[0] == 0  # as saved


def test_evaluate_uses_the_saved_recipe_not_the_recommended_one(tmp_path: Path) -> None:
    path = str(tmp_path / "w.npz")
    code, out, _ = run("train", "--epochs", "40", "--activation", "sigmoid", "--sizes", "4,8,3",
                       "--quiet", "--save", path)
    accuracy = out.strip().splitlines()[-2]
    assert code == 0 and accuracy.startswith("accuracy = ")
    code, out, _ = run("evaluate", path)
    assert code == 0 and out.strip() == accuracy
    assert set(tm.load(path)) == {"model", "recipe"}  # the weights: tm.load(path)["model"]


def test_evaluate_of_weights_only_names_the_sizes_to_pass(tmp_path: Path) -> None:
    path = str(tmp_path / "w.npz")
    model = MLPClassifier(replace(RECOMMENDED, sizes=(4, 8, 3)), seed=0)
    tm.save(model.model.state_dict(), path)
    code, _, err = run("evaluate", path)
    assert code == 2 and "holds a 4-8-3 network, not 4-32-3: pass --sizes 4,8,3" in err
    assert len(err.strip().splitlines()) == 1
    code, out, _ = run("evaluate", path, "--sizes", "4,8,3")
    assert code == 0 and out.startswith("accuracy = ")


def test_evaluate_of_a_file_it_cannot_read_exits_2_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tinygrad_mlp.serialization as serialization

    path = str(tmp_path / "w.npz")
    tm.save({"0.weight": np.ones((3, 4))}, path)

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", path)  # tests run as root: chmod can't

    monkeypatch.setattr(serialization.zipfile, "ZipFile", refused)
    code, _, err = run("evaluate", path)
    assert code == 2 and f"cannot read {path!r}: Permission denied" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("weight", [np.ones(4), np.array(1.0), np.ones((3, 4, 1))])
def test_evaluate_of_weights_that_are_not_matrices_exits_2_naming_the_shape(
    tmp_path: Path, weight: np.ndarray
) -> None:
    path = str(tmp_path / "w.npz")
    tm.save({"0.weight": weight, "0.bias": np.ones(3)}, path)
    code, _, err = run("evaluate", path)
    assert code == 2 and f"0.weight: shape {weight.shape} in the state dict" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("sizes", [5, None, "4,8,3"])
def test_evaluate_of_a_saved_recipe_with_bad_sizes_exits_2(tmp_path: Path, sizes: object) -> None:
    path = str(tmp_path / "w.npz")
    tm.save({"model": {"0.weight": np.ones((3, 4))}, "recipe": {"sizes": sizes}}, path)
    code, _, err = run("evaluate", path)
    assert code == 2 and "its saved recipe is not valid" in err
    assert len(err.strip().splitlines()) == 1


def test_a_diverging_run_warns_in_one_line_without_numpys_overflow_notes() -> None:
    code, out, err = run("train", "--epochs", "3", "--lr", "1e300", "--optimizer", "sgd",
                         "--quiet")
    assert code == 0 and out.strip().endswith("accuracy = 33.3%")
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("tinygrad-mlp: warning: MLPClassifier.fit: training diverged")


@pytest.mark.skipif(shutil.which("dot") is None, reason="rendering needs graphviz's dot")
def test_graph_to_a_path_that_cannot_be_written_exits_2_with_one_line(tmp_path: Path) -> None:
    pytest.importorskip("graphviz")
    folder = tmp_path / "d.svg"
    folder.mkdir()
    code, _, err = run("graph", "-o", str(folder))
    assert code == 2 and "-o: cannot write" in err and len(err.strip().splitlines()) == 1


def test_help_shows_no_markup_and_the_defaults_of_the_recipe_options() -> None:
    text = _parser().format_help()
    assert "tinygrad-mlp" in text and "``" not in text
    train = _parser().parse_known_args(["train"])  # the subcommand parses
    assert train[0].command == "train"


def test_every_field_of_a_recipe_can_be_set_on_the_command_line() -> None:
    args = _parser().parse_args([
        "train", "--optimizer", "sgd", "--momentum", "0.5", "--weight-decay", "0.001",
        "--schedule", "constant", "--no-shuffle", "--init", "nielsen"])
    assert _recipe(args) == replace(RECOMMENDED, optimizer="sgd", momentum=0.5,
                                    weight_decay=0.001, schedule="constant", shuffle=False,
                                    init="nielsen")
    article = _recipe(_parser().parse_args(["train", "--article", "--shuffle"]))
    assert article == replace(ARTICLE, shuffle=True)
    assert _recipe(_parser().parse_args(["train"])) == RECOMMENDED  # nothing given, nothing set
    options = vars(_parser().parse_args(["train"]))
    assert set(Recipe.__dataclass_fields__) <= set(options)


def test_module_entry_point_runs_as_a_program() -> None:
    result = subprocess.run([sys.executable, "-m", "tinygrad_mlp", "train", "--sizes", "4,x,3"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2 and result.stderr.count("\n") == 1


def test_a_save_that_fails_exits_2_with_one_line(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(state: object, path: str) -> None:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr("tinygrad_mlp.cli.save", refuse)
    code, _, err = run("train", "--epochs", "1", "--quiet", "--save", str(tmp_path / "w.npz"))
    assert code == 2 and "cannot write" in err and "Permission denied" in err
    assert len(err.strip().splitlines()) == 1


def test_confusion_matrix_counts_true_classes_down_and_predictions_across() -> None:
    labels, predicted = np.array([0, 0, 1, 2]), np.array([1, 1, 1, 0])
    counts = confusion_matrix(labels, predicted, 3)
    assert counts.tolist() == [[0, 2, 0], [0, 1, 0], [1, 0, 0]]  # scikit-learn's layout


def test_train_prints_the_confusion_matrix_of_the_test_rows_true_classes_down() -> None:
    # Few epochs, so the predictions are lopsided and a transposed table would show.
    code, out, _ = run("train", "--article", "--quiet", "--epochs", "5", "--seed", "0")
    assert code == 0
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if "<- predicted" in line)
    printed = [[int(n) for n in line.split()[1:]] for line in lines[header + 1:header + 4]]
    split = load_article_split()
    model = MLPClassifier(ARTICLE, seed=0, epochs=5).fit(split.x_train, split.y_train)
    predicted = model.predict(split.x_test)
    expected = [[int(np.sum((split.y_test == true) & (predicted == guess))) for guess in range(3)]
                for true in range(3)]
    assert printed == expected
    assert [sum(row) for row in printed] == np.bincount(split.y_test).tolist()


def test_train_with_seeds_reports_the_mean_accuracy_of_the_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    accuracies = {0: 0.5, 1: 0.6, 2: 1.0}  # mean 70%, median 60%

    def train_once(recipe: Recipe, seed: int, show: Progress | None) -> tuple[None, float]:
        return None, accuracies[seed]

    monkeypatch.setattr("tinygrad_mlp.cli._train_once", train_once)
    code, out, _ = run("train", "--article", "--seeds", "3", "--quiet")
    assert code == 0
    assert "mean accuracy = 70.0% (std 21.6 points)" in out


def test_the_header_of_a_run_shows_every_setting_that_differs_between_runs() -> None:
    code, out, _ = run("train", "--epochs", "1", "--optimizer", "sgd", "--momentum", "0.5",
                       "--weight-decay", "0.01", "--schedule", "constant", "--no-shuffle",
                       "--quiet")
    assert code == 0
    assert out.splitlines()[0] == (
        "the recommended recipe, changed by your options: 4-32-3, silu, cross_entropy cost, "
        "sgd lr 0.01, momentum 0.5, weight decay 0.01, 1 epochs of batches of 16, seed 0")
    _, out, _ = run("train", "--epochs", "1", "--quiet")
    assert "adam lr 0.01, weight decay 0.001, cosine schedule, 1 epochs of shuffled batches" in out
    _, out, _ = run("train", "--article", "--quiet", "--seed", "1")
    assert out.startswith("the article's recipe: 4-3-3, sigmoid")  # as it is: no "changed"


def test_a_reader_that_goes_away_stops_the_run_quietly_with_sigpipes_code() -> None:
    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    err = io.StringIO()
    assert main(["train", "--epochs", "1", "--quiet"], ClosedPipe(), err) == 141
    assert err.getvalue() == ""
    assert main(["train", "--bogus"], io.StringIO(), ClosedPipe()) == 141  # the error's pipe
    child = subprocess.Popen([sys.executable, "-m", "tinygrad_mlp", "train", "--epochs", "1",
                              "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # as `| head -0` would
    assert child.stderr.read() == b"" and child.wait() == 141


def test_momentum_and_weight_decay_of_zero_are_accepted_on_the_command_line() -> None:
    args = _parser().parse_args(["train", "--optimizer", "sgd", "--momentum", "0",
                                 "--weight-decay", "0"])
    assert _recipe(args) == replace(RECOMMENDED, optimizer="sgd", momentum=0.0, weight_decay=0.0)


# M68


@pytest.mark.parametrize(("option", "value"), [("--momentum", "nan"), ("--weight-decay", "inf")])
def test_a_non_finite_momentum_or_weight_decay_is_refused_naming_the_option(
    option: str, value: str
) -> None:
    err = io.StringIO()
    assert main(["train", option, value], io.StringIO(), err) == 2
    assert f"argument {option}: '{value}' must be a finite number >= 0" in err.getvalue()


# M75


def test_save_writes_the_weights_even_when_the_reader_of_the_output_went_away(
    tmp_path: Path,
) -> None:
    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    path = tmp_path / "w.npz"
    assert main(["train", "--epochs", "1", "--quiet", "--save", str(path)], ClosedPipe(),
                io.StringIO()) == 141
    assert set(tm.load(str(path))) == {"model", "recipe"}


def test_a_momentum_of_zero_is_accepted_with_adam_since_it_changes_nothing() -> None:
    args = _parser().parse_args(["train", "--optimizer", "adam", "--momentum", "0"])
    assert _recipe(args) == replace(RECOMMENDED, optimizer="adam", momentum=0.0)


def test_a_closed_pipe_met_when_flushing_the_error_stream_stops_the_run_with_sigpipes_code(
) -> None:
    class PipeClosedOnFlush(io.StringIO):
        def flush(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    assert main(["train", "--bogus"], io.StringIO(), PipeClosedOnFlush()) == 141
    assert main(["train", "--epochs", "1", "--quiet"], PipeClosedOnFlush(), io.StringIO()) == 141


def test_sizes_refuses_a_matrix_just_past_what_numpy_can_address() -> None:
    # 4 x 2**59 float64 weights need 2**64 bytes: over intp's max, though under half of it.
    code, _, err = run("train", "--sizes", f"4,{2 ** 59},3")
    assert code == 2 and f"a {2 ** 59} x 4 weight matrix is too large" in err


def test_sizes_checks_every_layer_not_only_the_first() -> None:
    code, _, err = run("train", "--sizes", f"4,16,{2 ** 60},3")
    assert code == 2 and f"a {2 ** 60} x 16 weight matrix is too large" in err
    assert len(err.strip().splitlines()) == 1


def test_evaluate_of_a_folder_says_so_once() -> None:
    code, _, err = run("evaluate", "/")
    assert code == 2
    assert err == "tinygrad-mlp: error: load: '/' is a folder, not a file saved by tm.save\n"


def test_a_warning_repeated_by_several_seeds_is_shown_once() -> None:
    code, _, err = run("train", "--seeds", "3", "--epochs", "3", "--lr", "1e300", "--optimizer",
                       "sgd", "--quiet")
    lines = err.strip().splitlines()
    assert code == 0 and len(lines) == 1, err
    assert lines[0].startswith("tinygrad-mlp: warning: MLPClassifier.fit: training diverged")
