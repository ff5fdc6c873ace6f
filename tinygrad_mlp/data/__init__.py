"""Data tools: datasets and mini-batch loading (as ``torch.utils.data``), splits.

``TensorDataset`` and ``DataLoader`` turn arrays into batches of Tensors;
``train_test_split`` and ``stratified_kfold`` split rows as scikit-learn
does; ``one_hot`` turns class labels into target vectors.
"""

from tinygrad_mlp.data.encoding import one_hot
from tinygrad_mlp.data.loader import DataLoader, Dataset, TensorDataset
from tinygrad_mlp.data.split import stratified_kfold, train_test_split

__all__ = [
    "DataLoader",
    "Dataset",
    "TensorDataset",
    "one_hot",
    "stratified_kfold",
    "train_test_split",
]
