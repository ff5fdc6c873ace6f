"""Data tools: datasets and mini-batch loading (as ``torch.utils.data``), splits.

``TensorDataset`` and ``DataLoader`` turn arrays, or any map dataset's items
(stacked by ``default_collate``), into batches of Tensors; ``Subset`` and
``random_split`` take part of a dataset, or cut it at random, as PyTorch's do;
``train_test_split`` and ``stratified_kfold`` split rows as scikit-learn
does; ``one_hot`` turns class labels into target vectors.
"""

from tinygrad_mlp.data.encoding import one_hot
from tinygrad_mlp.data.loader import DataLoader, Dataset, TensorDataset, default_collate
from tinygrad_mlp.data.split import stratified_kfold, train_test_split
from tinygrad_mlp.data.subset import Subset, random_split

__all__ = [
    "DataLoader",
    "Dataset",
    "Subset",
    "TensorDataset",
    "default_collate",
    "one_hot",
    "random_split",
    "stratified_kfold",
    "train_test_split",
]
