"""tinygrad_mlp: a small reverse-mode autodiff framework on numpy.

The engine is ``Tensor`` (tensor.py), the op rules (ops.py) and the backward
engine (autograd.py); everything else is built on top of them.
"""

from tinygrad_mlp import data, datasets, nn, optim, viz
from tinygrad_mlp.anomaly import detect_anomaly
from tinygrad_mlp.autograd import (
    enable_grad,
    grad,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from tinygrad_mlp.creation import (
    arange,
    full,
    ones,
    ones_like,
    rand,
    rand_like,
    randn,
    randn_like,
    tensor,
    zeros,
    zeros_like,
)
from tinygrad_mlp.derivatives import hessian, hvp, jacobian, jvp, vhp, vjp
from tinygrad_mlp.dtypes import (
    bool_,
    float32,
    float64,
    get_default_dtype,
    int64,
    set_default_dtype,
)
from tinygrad_mlp.gradcheck import GradcheckError, gradcheck, gradgradcheck
from tinygrad_mlp.random import manual_seed
from tinygrad_mlp.serialization import load, save
from tinygrad_mlp.tensor import Function, Tensor, cat, maximum, minimum, stack, where

__version__ = "0.1.0"

__all__ = [
    "Function",
    "GradcheckError",
    "Tensor",
    "arange",
    "bool_",
    "cat",
    "data",
    "datasets",
    "detect_anomaly",
    "enable_grad",
    "float32",
    "float64",
    "full",
    "get_default_dtype",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "hessian",
    "hvp",
    "int64",
    "is_grad_enabled",
    "jacobian",
    "jvp",
    "load",
    "manual_seed",
    "maximum",
    "minimum",
    "nn",
    "no_grad",
    "ones",
    "ones_like",
    "optim",
    "rand",
    "rand_like",
    "randn",
    "randn_like",
    "save",
    "set_default_dtype",
    "set_grad_enabled",
    "stack",
    "tensor",
    "vhp",
    "viz",
    "vjp",
    "where",
    "zeros",
    "zeros_like",
]
