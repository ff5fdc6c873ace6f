"""Data tools: datasets and mini-batch loading (as ``torch.utils.data``), splits.

``TensorDataset`` and ``DataLoader`` turn arrays, or any map dataset's items
(stacked by ``default_collate``), into batches of Tensors;
``train_test_split`` and ``stratified_kfold`` split rows as scikit-learn
does; ``one_hot`` turns class labels into target vectors.
"""

from tinygrad_mlp.data.encoding import one_hot
from tinygrad_mlp.data.loader import DataLoader, Dataset, TensorDataset, default_collate
from tinygrad_mlp.data.split import stratified_kfold, train_test_split

__all__ = [
    "DataLoader",
    "Dataset",
    "TensorDataset",
    "default_collate",
    "one_hot",
    "stratified_kfold",
    "train_test_split",
]
