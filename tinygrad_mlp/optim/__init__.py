"""Optimizers: update parameters from their gradients, named as in ``torch.optim``.

``Optimizer`` is the base (param groups, state, ``zero_grad``, ``step``);
``SGD``, ``Adam``, ``AdamW``, ``RMSprop``, ``Adagrad``, ``Adadelta``, ``Adamax``,
``NAdam``, ``RAdam``, ``Rprop`` and ``ASGD`` are update rules, and ``LBFGS`` a
quasi-Newton method whose ``step`` takes a closure;
``lr_scheduler`` changes the learning rate from epoch to epoch. A training step::

    optimizer = tm.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    optimizer.zero_grad()
    loss_fn(model(x), y).backward()
    optimizer.step()
"""

from tinygrad_mlp.optim import lr_scheduler
from tinygrad_mlp.optim.adadelta import Adadelta
from tinygrad_mlp.optim.adagrad import Adagrad
from tinygrad_mlp.optim.adam import Adam, AdamW
from tinygrad_mlp.optim.adamax import Adamax
from tinygrad_mlp.optim.asgd import ASGD
from tinygrad_mlp.optim.lbfgs import LBFGS
from tinygrad_mlp.optim.nadam import NAdam
from tinygrad_mlp.optim.optimizer import Optimizer
from tinygrad_mlp.optim.radam import RAdam
from tinygrad_mlp.optim.rmsprop import RMSprop
from tinygrad_mlp.optim.rprop import Rprop
from tinygrad_mlp.optim.sgd import SGD

__all__ = [
    "ASGD", "LBFGS", "SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "NAdam",
    "Optimizer", "RAdam", "RMSprop", "Rprop", "lr_scheduler",
]
