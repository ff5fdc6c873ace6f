"""One-hot encoding: class labels as the target vectors a network outputs.

A classifier with ``C`` outputs is trained towards the unit vector of the
right class: label 2 of 3 becomes ``[0, 0, 1]``. The article's quadratic cost
compares its sigmoid outputs with exactly these vectors.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tinygrad_mlp.checks import check_int
from tinygrad_mlp.data._arguments import to_array
from tinygrad_mlp.tensor import Tensor


def one_hot(labels: ArrayLike | Tensor, num_classes: int) -> NDArray[np.float64]:
    """Encode integer class labels as one-hot float64 rows.

    Args:
        labels: integer labels in ``[0, num_classes)``, of any shape.
        num_classes: the number of classes ``C``, the length of each row.

    Returns:
        A float64 array of shape ``labels.shape + (num_classes,)`` with a 1
        at each label's position and 0 elsewhere.

    Raises:
        TypeError: if the labels are not integers or ``num_classes`` is not an int.
        ValueError: if ``num_classes`` is below 1 or a label is out of range.

    Example:
        >>> one_hot(np.array([0, 2]), num_classes=3)
        array([[1., 0., 0.],
               [0., 0., 1.]])

    """
    try:
        label_array = to_array(labels)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"one_hot: labels are not rectangular ({error})") from None
    num_classes = check_int("one_hot", "num_classes", num_classes, minimum=1)
    if label_array.dtype.kind not in "iu":
        raise TypeError(f"one_hot: labels must be integers, got dtype {label_array.dtype}")
    out_of_range = (label_array < 0) | (label_array >= num_classes)
    if out_of_range.any():
        raise ValueError(
            f"one_hot: labels must lie in [0, {num_classes}) for num_classes={num_classes}, "
            f"got {label_array[out_of_range].flat[0]}"
        )
    encoded = np.zeros((label_array.size, num_classes))
    encoded[np.arange(label_array.size), label_array.ravel()] = 1.0  # memory for the result only
    return encoded.reshape(*label_array.shape, num_classes)
