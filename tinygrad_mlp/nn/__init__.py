"""Neural-network building blocks with PyTorch's names: modules, layers, losses, init."""

from tinygrad_mlp.nn import functional, init
from tinygrad_mlp.nn.layers import (
    INITS,
    Dropout,
    Flatten,
    Identity,
    Linear,
    LogSoftmax,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    Tanh,
)
from tinygrad_mlp.nn.loss import BCELoss, CrossEntropyLoss, MSELoss, QuadraticCost
from tinygrad_mlp.nn.module import IncompatibleKeys, Module, Parameter

__all__ = [
    "INITS",
    "BCELoss",
    "CrossEntropyLoss",
    "Dropout",
    "Flatten",
    "Identity",
    "IncompatibleKeys",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "Module",
    "Parameter",
    "QuadraticCost",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "functional",
    "init",
]
