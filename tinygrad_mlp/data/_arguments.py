"""Checks and conversions shared by the data tools' public functions.

Each takes ``where``, the name of the public function or class, so that an
error tells the user which call went wrong and what it received.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tinygrad_mlp.tensor import Tensor


def to_array(value: ArrayLike | Tensor) -> NDArray[Any]:
    """Return the ndarray behind ``value``: a Tensor's ``.data``, else ``np.asarray``."""
    # np.asarray would turn a Tensor into an object array of 0-d Tensors.
    return value.data if isinstance(value, Tensor) else np.asarray(value)


def check_dataset(where: str, dataset: object) -> None:
    """Raise a TypeError unless ``dataset`` has a map dataset's ``__len__`` and ``__getitem__``."""
    if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
        raise TypeError(
            f"{where}: dataset must have __len__ and __getitem__(int), as a list or a "
            f"TensorDataset does, got {type(dataset).__name__}"
        )
