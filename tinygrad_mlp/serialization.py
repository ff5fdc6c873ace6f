"""``tm.save`` / ``tm.load``: state dicts on disk as numpy ``.npz`` archives.

The archive holds one array per parameter plus a format marker, so a file
that was not written by ``tm.save`` is refused with a clear error instead of
loading something unexpected. Nothing is pickled.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike

from tinygrad_mlp.checks import numeric_array
from tinygrad_mlp.tensor import Array, Tensor

_FORMAT_KEY = "__tinygrad_mlp_format__"
_FORMAT = "state_dict/1"

PathLike = str | os.PathLike[str]


def save(obj: Mapping[str, Tensor | ArrayLike], path: PathLike) -> None:
    """Write a state dict (name -> array or Tensor) to ``path`` as ``.npz``.

    Raises:
        TypeError: if ``obj`` is not a mapping of names to numeric arrays, or
            ``path`` is not a path.
        ValueError: if a value is a ragged (non-rectangular) list.
        FileNotFoundError: if the folder of ``path`` does not exist.
        IsADirectoryError: if ``path`` is a folder.
    """
    _check_path("save", path)
    if not isinstance(obj, Mapping):
        raise TypeError(f"save: expected a state dict (a mapping), got {type(obj).__name__}")
    arrays: dict[str, Array] = {}
    for name, value in obj.items():
        if not isinstance(name, str) or name == _FORMAT_KEY:
            raise TypeError(f"save: keys must be parameter names (str), got {name!r}")
        arrays[name] = numeric_array("save", repr(name), value)
    folder = os.path.dirname(os.fspath(path)) or "."
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"save: folder {folder!r} does not exist")
    if os.path.isdir(path):
        raise IsADirectoryError(f"save: {os.fspath(path)!r} is a folder; give a file name")
    arrays[_FORMAT_KEY] = np.array(_FORMAT)
    # The archive np.savez writes, one .npy entry per name, written directly:
    # np.savez(file, **arrays) would take names like "file" or "allow_pickle"
    # for its own arguments.
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in arrays.items():
            with archive.open(name + ".npy", "w", force_zip64=True) as entry:
                np.lib.format.write_array(entry, array, allow_pickle=False)


def load(path: PathLike) -> dict[str, Array]:
    """Read a state dict written by ``save``.

    Raises:
        TypeError: if ``path`` is not a path (None, say).
        FileNotFoundError: if ``path`` does not exist.
        ValueError: if the file is truncated, not an ``.npz`` archive, or was
            not written by ``tm.save``.
    """
    _check_path("load", path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"load: no such file: {os.fspath(path)!r}")
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError("a single .npy array, not an .npz archive")
        with archive:
            arrays = {name: archive[name] for name in archive.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        # numpy takes any other file for a pickle and suggests allow_pickle: not for us
        reason = "not an .npz archive" if "pickle" in str(error) else str(error)
        raise ValueError(
            f"load: {os.fspath(path)!r} is not a state dict saved by tm.save ({reason})"
        ) from None
    if str(arrays.pop(_FORMAT_KEY, "")) != _FORMAT:
        raise ValueError(
            f"load: {os.fspath(path)!r} is an .npz archive but was not written by tm.save"
        )
    return arrays


def _check_path(where: str, path: object) -> None:
    """Refuse a path that is not a str or os.PathLike (None, a number, an open file)."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"{where}: path must be a file name (str or os.PathLike), got {path!r}"
        )
