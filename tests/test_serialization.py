"""tm.save / tm.load round trips and refuses what it did not write."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tinygrad_mlp as tm
from tinygrad_mlp.serialization import load, save


def test_state_dict_round_trips_exactly(tmp_path: Path) -> None:
    model = tm.nn.Sequential(tm.nn.Linear(4, 3), tm.nn.Sigmoid(), tm.nn.Linear(3, 2))
    path = tmp_path / "weights.npz"
    save(model.state_dict(), path)
    loaded = load(path)
    assert list(loaded) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(loaded[name], value)
        assert loaded[name].dtype == value.dtype


def test_load_takes_pytorchs_map_location_and_weights_only(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    save({"w": np.arange(3.0)}, path)
    for options in ({"map_location": "cpu"}, {"weights_only": True}, {"weights_only": False},
                    {"map_location": None, "weights_only": None}):
        np.testing.assert_array_equal(load(path, **options)["w"], np.arange(3.0))
    with pytest.raises(ValueError, match="load: map_location can only be 'cpu'"):
        load(path, map_location="cuda:0")


def test_names_that_are_also_numpy_savez_arguments_round_trip(tmp_path: Path) -> None:
    state = {"file": np.ones(3), "allow_pickle": np.arange(2), "args": np.zeros((1, 2)),
             "a/b.c": np.array(True), "kwds": np.float32(2.5)}
    save(state, tmp_path / "w.npz")
    loaded = load(tmp_path / "w.npz")
    assert list(loaded) == list(state)
    for name, value in state.items():
        np.testing.assert_array_equal(loaded[name], value)
        assert loaded[name].dtype == np.asarray(value).dtype


def test_a_file_numpy_takes_for_a_pickle_is_refused_without_suggesting_pickle(
        tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(ValueError, match=r"not an \.npz archive") as error:
        load(path)
    assert "pickle" not in str(error.value)


def test_save_keeps_the_given_file_name(tmp_path: Path) -> None:
    save({"w": tm.ones(2)}, tmp_path / "model.weights")
    assert (tmp_path / "model.weights").exists()
    np.testing.assert_array_equal(load(tmp_path / "model.weights")["w"], [1.0, 1.0])


def test_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        load(tmp_path / "absent.npz")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        save({"w": np.zeros(1)}, tmp_path / "no" / "such" / "folder.npz")


def test_truncated_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "weights.npz"
    save({"w": np.arange(100.0)}, path)
    path.write_bytes(path.read_bytes()[:50])
    with pytest.raises(ValueError, match=r"not a state dict saved by tm\.save"):
        load(path)


@pytest.mark.parametrize("kind", ["text", "plain_npz", "npy"])
def test_foreign_files_are_refused(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "foreign"
    if kind == "text":
        path.write_text("hello")
    elif kind == "plain_npz":
        with open(path, "wb") as file:
            np.savez(file, w=np.zeros(2))
    else:
        with open(path, "wb") as file:
            np.save(file, np.zeros(2))
    with pytest.raises(ValueError, match=r"tm\.save"):
        load(path)


def test_save_refuses_non_numeric_values_and_non_mappings(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="not a number"):
        save({"w": np.array(["a"])}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="mapping"):
        save([np.zeros(1)], tmp_path / "x.npz")  # type: ignore[arg-type]


def test_a_checkpoint_of_model_and_optimizer_resumes_training_exactly(tmp_path: Path) -> None:
    def setup() -> tuple[tm.nn.Module, tm.optim.Optimizer]:
        tm.manual_seed(0)
        model = tm.nn.Sequential(tm.nn.Linear(3, 4), tm.nn.Tanh(), tm.nn.Linear(4, 2))
        return model, tm.optim.Adam(model.parameters(), lr=0.05, betas=(0.8, 0.9))

    x, y = tm.tensor(np.linspace(-1, 1, 15).reshape(5, 3)), np.array([0, 1, 1, 0, 1])

    def train(model: tm.nn.Module, optimizer: tm.optim.Optimizer, steps: int) -> None:
        for _ in range(steps):
            optimizer.zero_grad()
            tm.nn.functional.cross_entropy(model(x), y).backward()
            optimizer.step()

    straight = setup()
    train(*straight, 6)
    first = setup()
    train(*first, 3)
    save({"model": first[0].state_dict(), "optimizer": first[1].state_dict(), "epoch": 3},
         tmp_path / "checkpoint.npz")
    checkpoint = load(tmp_path / "checkpoint.npz")
    assert checkpoint["epoch"] == 3
    assert checkpoint["optimizer"]["param_groups"][0]["betas"] == (0.8, 0.9)
    resumed = setup()
    resumed[0].load_state_dict(checkpoint["model"])
    resumed[1].load_state_dict(checkpoint["optimizer"])
    train(*resumed, 3)
    for a, b in zip(straight[0].parameters(), resumed[0].parameters()):
        np.testing.assert_array_equal(a.data, b.data)


def test_a_checkpoint_keeps_the_types_of_keys_and_containers(tmp_path: Path) -> None:
    tree = {"ints": {0: np.ones(2), "0": None, None: "yes", 2.5: [1, (2.0, "x")]},
            "nan": float("nan"), "scalar": np.float32(1.5), "tensor": tm.tensor([1.0, 2.0])}
    save(tree, tmp_path / "c.npz")
    loaded = load(tmp_path / "c.npz")
    assert list(loaded["ints"]) == [0, "0", None, 2.5]
    assert loaded["ints"][None] == "yes" and loaded["ints"][2.5] == [1, (2.0, "x")]
    np.testing.assert_array_equal(loaded["ints"][0], np.ones(2))
    assert np.isnan(loaded["nan"]) and loaded["scalar"].dtype == np.float32
    np.testing.assert_array_equal(loaded["tensor"], [1.0, 2.0])


def test_a_checkpoint_refuses_what_it_cannot_hold_naming_where(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match=r"obj\['a'\]\[1\] is a set"):
        save({"a": [1, {2}], "b": {"c": 1}}, tmp_path / "c.npz")
    with pytest.raises(TypeError, match=r"obj has a key \(1, 2\)"):
        save({(1, 2): {"c": 1}}, tmp_path / "c.npz")
    assert not (tmp_path / "c.npz").exists()


def test_a_dict_of_plain_values_comes_back_with_its_types_as_torch_save_gives(
        tmp_path: Path) -> None:
    path = tmp_path / "c.npz"
    saved = {"epoch": 7, "betas": (0.9, 0.999), "name": "adam", "none": None,
             "ws": [np.ones(2), np.zeros(2)], "groups": [{"lr": 0.1}]}
    tm.save(saved, path)
    loaded = tm.load(path)
    assert loaded["epoch"] == 7 and type(loaded["epoch"]) is int
    assert loaded["betas"] == (0.9, 0.999) and loaded["name"] == "adam" and loaded["none"] is None
    assert isinstance(loaded["ws"], list) and [w.tolist() for w in loaded["ws"]] == [[1, 1], [0, 0]]
    assert loaded["groups"] == [{"lr": 0.1}]


def test_a_scheduler_state_dict_round_trips_through_a_file(tmp_path: Path) -> None:
    optimizer = tm.optim.SGD([tm.tensor([1.0], requires_grad=True)], lr=1.0)
    scheduler = tm.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    for _ in range(3):
        scheduler.step()
    tm.save(scheduler.state_dict(), tmp_path / "s.npz")
    again = tm.optim.lr_scheduler.StepLR(
        tm.optim.SGD([tm.tensor([1.0], requires_grad=True)], lr=1.0), step_size=9)
    again.load_state_dict(tm.load(tmp_path / "s.npz"))
    assert again.step_size == 2 and type(again.last_epoch) is int
    again.step()
    scheduler.step()
    assert again.get_last_lr() == scheduler.get_last_lr()


@pytest.mark.parametrize("name", ["a.npy", "a\x00b", "\ud800", "x" * 70000,
                                  "__tinygrad_mlp_format__"])
def test_names_an_archive_entry_cannot_hold_come_back_exactly(tmp_path: Path, name: str) -> None:
    path = tmp_path / "w.npz"
    tm.save({"a": np.zeros(1), name: np.ones(1)}, path)
    loaded = tm.load(path)
    assert list(loaded) == ["a", name]
    assert loaded["a"].tolist() == [0.0] and loaded[name].tolist() == [1.0]


def test_a_save_that_fails_leaves_the_earlier_file_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "w.npz"
    tm.save({"w": np.ones(3)}, path)
    real = np.lib.format.write_array
    calls = []

    def full_disk(*args: object, **kwargs: object) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(np.lib.format, "write_array", full_disk)
    with pytest.raises(OSError, match="No space left"):
        tm.save({"w": np.zeros(3), "b": np.zeros(1)}, path)
    monkeypatch.undo()
    assert tm.load(path)["w"].tolist() == [1.0, 1.0, 1.0]
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]  # no partial file left behind


def test_a_file_name_as_long_as_the_system_allows_is_saved(tmp_path: Path) -> None:
    path = tmp_path / ("a" * 251 + ".npz")  # 255 bytes, the usual limit of one name
    tm.save({"w": np.ones(2)}, path)
    assert tm.load(path)["w"].tolist() == [1.0, 1.0]
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_save_writes_through_a_symbolic_link_and_keeps_the_files_permissions(
        tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target, link = tmp_path / "real" / "w.npz", tmp_path / "link.npz"
    tm.save({"w": np.ones(2)}, target)
    target.chmod(0o600)  # private weights stay private
    link.symlink_to(target)
    tm.save({"w": np.zeros(3)}, link)
    assert link.is_symlink() and tm.load(target)["w"].tolist() == [0.0, 0.0, 0.0]
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in (tmp_path / "real").iterdir()] == ["w.npz"]


def test_a_damaged_archive_is_refused_naming_load_and_the_file_or_loads_intact(
        tmp_path: Path) -> None:
    path = tmp_path / "c.npz"
    tm.save({"model": {"w": np.arange(4.0)}, "epoch": 3}, path)
    data = bytearray(path.read_bytes())
    refused = 0
    for at in range(0, len(data), 7):
        damaged = tmp_path / "d.npz"
        changed = bytearray(data)
        changed[at] ^= 0xFF
        damaged.write_bytes(bytes(changed))
        try:
            loaded = tm.load(damaged)
        except ValueError as error:
            assert str(error).startswith("load: ") and "d.npz" in str(error)
            refused += 1
        else:  # a byte the archive does not check, such as a timestamp: nothing was lost
            assert list(loaded) == ["model", "epoch"] and loaded["epoch"] == 3, at
            assert list(loaded["model"]) == ["w"], at
            assert loaded["model"]["w"].tolist() == [0.0, 1.0, 2.0, 3.0], at
    assert refused > len(data) // 7 // 2  # most bytes are checked: the data, names and marker


def test_save_writes_its_temporary_file_beside_the_target(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Beside it, so the final move stays on one file system, whatever the working folder.
    moves: list[tuple[str, str]] = []
    replace = os.replace

    def spy(source: Any, target: Any) -> None:
        moves.append((os.fspath(source), os.fspath(target)))
        replace(source, target)

    monkeypatch.setattr(os, "replace", spy)
    (tmp_path / "out").mkdir()
    tm.save({"w": np.ones(2)}, tmp_path / "out" / "w.npz")
    assert [os.path.dirname(source) for source, _ in moves] == [str(tmp_path / "out")]
    assert sorted(os.listdir(tmp_path / "out")) == ["w.npz"]
