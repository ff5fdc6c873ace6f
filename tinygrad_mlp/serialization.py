"""``tm.save`` / ``tm.load``: state dicts and checkpoints on disk as numpy ``.npz`` archives.

A state dict (name -> array) is stored as one array per name plus a format
marker, so a file that was not written by ``tm.save`` is refused with a
clear error instead of loading something unexpected. A checkpoint that nests
state dicts, such as ``{"model": model.state_dict(), "optimizer":
optimizer.state_dict(), "epoch": 7}``, keeps its arrays as arrays and the
rest of its structure (dicts, lists, tuples, numbers, strings) as JSON text.
Nothing is pickled, so loading a file never runs code.
"""

from __future__ import annotations

import json
import os
import stat
import uuid
import zipfile
from collections.abc import Mapping
from typing import Any

import numpy as np

from tinygrad_mlp.checks import numeric_array
from tinygrad_mlp.tensor import Array, Tensor

_FORMAT_KEY = "__tinygrad_mlp_format__"
_FORMAT = "state_dict/1"
_TREE_FORMAT = "tree/1"  # a checkpoint: the structure as JSON, arrays beside it
_TREE_KEY = "__tinygrad_mlp_tree__"

PathLike = str | os.PathLike[str]


def save(obj: Mapping[Any, Any], path: PathLike) -> None:
    """Write a state dict (name -> array or Tensor), or a checkpoint, to ``path`` as ``.npz``.

    A state dict, whose values are all arrays or Tensors, is stored as one
    ``.npy`` entry per name, which ``np.load`` can read without this library.

    Any other dict is a checkpoint, like an optimizer's ``state_dict()`` or
    ``{"model": ..., "optimizer": ..., "epoch": 7}``: its leaves may be
    arrays, Tensors (saved as their arrays), numpy scalars (loaded back as
    0-d arrays, except float64 ones, which are Python floats), Python
    numbers, strings, bools and None, in dicts (keys: str, int, float, bool
    or None), lists and tuples, and ``load`` gives each back as it was saved.
    The file is written beside ``path`` and then moved over it, so a failed
    save leaves an earlier file there as it was; a symbolic link is followed,
    and a file that is replaced keeps its permissions.

    Raises:
        TypeError: if ``obj`` is not a mapping, holds something else, or
            ``path`` is not a path.
        FileNotFoundError: if the folder of ``path`` does not exist.
        IsADirectoryError: if ``path`` is a folder.
    """
    _check_path("save", path)
    if not isinstance(obj, Mapping):
        raise TypeError(f"save: expected a state dict (a mapping), got {type(obj).__name__}")
    arrays: dict[str, Array] = {}
    if all(isinstance(k, str) and _plain_name(k) and isinstance(v, (np.ndarray, Tensor))
           for k, v in obj.items()):
        for name, value in obj.items():
            arrays[name] = numeric_array("save", repr(name), value)
        marker = _FORMAT
    else:  # a checkpoint, or names an archive entry cannot hold: the structure goes in JSON
        tree = _encode(obj, arrays, "obj")
        arrays[_TREE_KEY], marker = np.array(json.dumps(tree, allow_nan=True)), _TREE_FORMAT
    folder = os.path.dirname(os.fspath(path)) or "."
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"save: folder {folder!r} does not exist")
    if os.path.isdir(path):
        raise IsADirectoryError(f"save: {os.fspath(path)!r} is a folder; give a file name")
    arrays[_FORMAT_KEY] = np.array(marker)
    # Written to a file beside it, then moved over it: a save that fails (a full
    # disk, say) leaves an earlier file at ``path`` as it was. Through a symbolic
    # link to the file it names, and keeping that file's permissions, as writing
    # it in place would. The short name fits wherever the file's own name fits.
    target = os.path.realpath(path)
    partial = os.path.join(os.path.dirname(target), f".tm-save-{uuid.uuid4().hex[:12]}.partial")
    try:
        # The archive np.savez writes, one .npy entry per name, written directly:
        # np.savez(file, **arrays) would take names like "file" for its own arguments.
        with zipfile.ZipFile(partial, "w") as archive:
            for name, array in arrays.items():
                with archive.open(name + ".npy", "w", force_zip64=True) as entry:
                    np.lib.format.write_array(entry, array, allow_pickle=False)
        if os.path.exists(target):
            os.chmod(partial, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def _plain_name(name: str) -> bool:
    """Whether ``name`` can name an archive entry as it is (else save keeps it in JSON)."""
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return (name not in (_FORMAT_KEY, _TREE_KEY) and "\x00" not in name
            and not name.endswith(".npy") and size < 60000)


def _encode(value: Any, arrays: dict[str, Array], where: str) -> Any:
    """``value`` as JSON data; arrays go into ``arrays`` and are referred to by their key."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (Tensor, np.ndarray, np.generic)):
        key = str(len(arrays))
        arrays[key] = numeric_array("save", where, value)
        return {"array": key}
    if isinstance(value, Mapping):
        for key in value:
            if key is not None and not isinstance(key, (bool, int, float, str)):
                raise TypeError(f"save: {where} has a key {key!r}; keys must be str, int, "
                                "float, bool or None")
        return {"dict": [[k, _encode(v, arrays, f"{where}[{k!r}]")] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        items = [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(value)]
        return {"tuple": items} if isinstance(value, tuple) else items
    raise TypeError(f"save: {where} is a {type(value).__name__}, which a checkpoint cannot hold "
                    "(arrays, Tensors, numbers, strings, bools, None, dicts, lists, tuples)")


def _decode(data: Any, arrays: Mapping[str, Array]) -> Any:
    """The value ``_encode`` turned into ``data``."""
    if isinstance(data, list):
        return [_decode(item, arrays) for item in data]
    if not isinstance(data, dict):
        return data
    if "array" in data:
        return arrays[data["array"]]
    if "tuple" in data:
        return tuple(_decode(item, arrays) for item in data["tuple"])
    return {key: _decode(value, arrays) for key, value in data["dict"]}


def load(path: PathLike, map_location: str | None = None,
         weights_only: bool | None = None) -> dict[Any, Any]:
    """Read a state dict or a checkpoint written by ``save``.

    ``map_location`` and ``weights_only`` are accepted so that PyTorch's
    ``torch.load(path, map_location="cpu", weights_only=True)`` runs as it
    is: the only device is the CPU, and loading never unpickles anything
    (an ``.npz`` archive holds arrays and a JSON description), so it is
    always what ``weights_only=True`` asks for.

    Raises:
        TypeError: if ``path`` is not a path (None, say).
        FileNotFoundError: if ``path`` does not exist.
        IsADirectoryError: if ``path`` is a folder.
        ValueError: if the file is truncated or damaged, not an ``.npz``
            archive, or was not written by ``tm.save``.
    """
    _check_path("load", path)
    if map_location not in (None, "cpu"):
        raise ValueError(f"load: map_location can only be 'cpu' (the only device), got "
                         f"{map_location!r}")
    name = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"load: no such file: {name!r}")
    if os.path.isdir(path):
        raise IsADirectoryError(f"load: {name!r} is a folder, not a file saved by tm.save")
    try:
        arrays = _read_arrays(path)
        marker = str(arrays.pop(_FORMAT_KEY, ""))
        if marker == _TREE_FORMAT and _TREE_KEY in arrays:
            return _decode(json.loads(str(arrays.pop(_TREE_KEY))), arrays)
    except PermissionError:
        raise
    except zipfile.BadZipFile:
        raise ValueError(f"load: {name!r} is not a state dict saved by tm.save (not an .npz "
                         "archive, or a damaged one)") from None
    except (ValueError, OSError, EOFError, KeyError, TypeError, RuntimeError,
            NotImplementedError) as error:  # what a damaged archive raises
        raise ValueError(
            f"load: {name!r} is not a state dict saved by tm.save, or is damaged ({error})"
        ) from None
    if marker != _FORMAT:
        raise ValueError(f"load: {name!r} is an .npz archive but was not written by tm.save")
    return arrays


def _read_arrays(path: PathLike) -> dict[str, Array]:
    """Every ``name.npy`` entry of the archive at ``path``, by its exact name, unpickled."""
    with zipfile.ZipFile(path) as archive:
        arrays = {}
        for info in archive.infolist():
            if not info.filename.endswith(".npy"):
                raise ValueError(f"an entry {info.filename!r} that is not an array")
            with archive.open(info) as entry:
                arrays[info.filename[:-4]] = np.lib.format.read_array(entry, allow_pickle=False)
    return arrays


def _check_path(where: str, path: object) -> None:
    """Refuse a path that is not a str or os.PathLike (None, a number, an open file)."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"{where}: path must be a file name (str or os.PathLike), got {path!r}"
        )
