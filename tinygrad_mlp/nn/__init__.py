"""Neural-network building blocks with PyTorch's names: modules, layers, losses, init, utils."""

from tinygrad_mlp.nn import functional, init, utils
from tinygrad_mlp.nn.container import ModuleDict, ModuleList, Sequential
from tinygrad_mlp.nn.layers import (
    ELU,
    GELU,
    INITS,
    Dropout,
    Flatten,
    Identity,
    LeakyReLU,
    Linear,
    LogSoftmax,
    ReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Tanh,
)
from tinygrad_mlp.nn.loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    QuadraticCost,
)
from tinygrad_mlp.nn.module import IncompatibleKeys, Module, Parameter
from tinygrad_mlp.nn.normalization import BatchNorm1d, LayerNorm
from tinygrad_mlp.nn.sparse import Embedding

__all__ = [
    "ELU",
    "GELU",
    "INITS",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "CrossEntropyLoss",
    "Dropout",
    "Embedding",
    "Flatten",
    "Identity",
    "IncompatibleKeys",
    "L1Loss",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "Module",
    "ModuleDict",
    "ModuleList",
    "NLLLoss",
    "Parameter",
    "QuadraticCost",
    "ReLU",
    "Sequential",
    "SiLU",
    "Sigmoid",
    "Softmax",
    "Softplus",
    "Tanh",
    "functional",
    "init",
    "utils",
]
