"""Draw the graph pictures of the docs with ``tm.viz`` (needs graphviz's ``dot``).

    .venv/bin/python docs/images/make_graphs.py

Each picture is made by the code the docs show beside it (the README's
``iris_graph.svg`` by the ``tinygrad-mlp graph`` command it lists); rerun this
after a change to the engine, to ``viz`` or to the recommended recipe so the
pictures stay current.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

import tinygrad_mlp as tm
from tinygrad_mlp import cli, nn
from tinygrad_mlp.nn import functional as F

HERE = Path(__file__).parent


def neuron() -> tuple[tm.Tensor, tm.Tensor, tm.Tensor]:
    """One sigmoid neuron and its squared error (docs: Concepts).

    Returns ``z`` and ``a`` beside ``loss``: the graph holds a retained
    intermediate only by a weak reference, so it is drawn only while the
    caller keeps the tensor itself alive.
    """
    w = tm.tensor(0.5, requires_grad=True, name="w")
    b = tm.tensor(-0.25, requires_grad=True, name="b")
    x, t = tm.tensor(2.0), tm.tensor(1.0)
    z = w * x + b
    a = z.sigmoid()
    loss = (a - t) ** 2
    z.name, a.name, loss.name = "z", "a", "loss"
    for tensor in (z, a, loss):
        tensor.retain_grad()
    return loss, z, a


def broadcast() -> tm.Tensor:
    """A bias of shape (3,) broadcast over a batch of 4 rows (docs: Concepts)."""
    tm.manual_seed(0)
    X = tm.randn(4, 3)
    bias = tm.tensor(np.zeros(3), requires_grad=True, name="bias")
    loss = (X + bias).tanh().sum()
    loss.name = "loss"
    loss.backward()
    return loss


def double_backward() -> tm.Tensor:
    """The graph of a gradient, recorded with create_graph=True (docs: Concepts)."""
    x = tm.tensor([0.5, -1.0], requires_grad=True, name="x")
    y = (x * x).sigmoid().sum()
    (g,) = tm.grad(y, x, create_graph=True)
    g.name = "dy/dx"
    return g


def mlp() -> tm.Tensor:
    """A small network's loss, grouped by module (docs: How-to, drawing graphs)."""
    tm.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 3))
    loss = F.cross_entropy(model(tm.randn(8, 4)), np.array([0, 1, 2, 1, 0, 2, 2, 1]))
    loss.name = "loss"
    loss.backward()
    return loss


def deep_sigmoid_heat() -> tm.Tensor:
    """Eight sigmoid layers: gradients vanish towards the input (docs: drawing graphs)."""
    tm.manual_seed(0)
    layers: list[nn.Module] = []
    for _ in range(8):
        layers += [nn.Linear(3, 3, init="normal"), nn.Sigmoid()]
    model = nn.Sequential(*layers)
    loss = F.quadratic_cost(model(tm.randn(4, 3)), np.eye(3)[[0, 1, 2, 0]])
    loss.name = "loss"
    loss.backward()
    return loss


def iris_graph() -> None:
    """The recommended recipe's loss on 4 Iris rows, as ``tinygrad-mlp graph`` draws it (README)."""
    out = io.StringIO()
    code = cli.main(["graph", "-o", str(HERE / "iris_graph.svg")], out=out)
    if code != 0:
        raise SystemExit(f"tinygrad-mlp graph failed with exit code {code}")


def main() -> None:
    """Render every picture to docs/images/*.svg."""
    loss, z, a = neuron()  # z and a kept alive, so their nodes show their values and gradients
    tm.viz.render(tm.viz.draw_graph(loss), HERE / "neuron-forward.svg")
    loss.backward()
    tm.viz.render(tm.viz.draw_graph(loss), HERE / "neuron-backward.svg")
    del z, a  # only now may the graph's weak references to them die
    tm.viz.render(tm.viz.draw_graph(broadcast()), HERE / "broadcast.svg")
    tm.viz.render(tm.viz.draw_graph(double_backward()), HERE / "double-backward.svg")
    tm.viz.render(tm.viz.draw_graph(mlp(), show_values="none"), HERE / "mlp-modules.svg")
    tm.viz.render(
        tm.viz.draw_graph(deep_sigmoid_heat(), grad_heat=True, show_values="none", rankdir="TB"),
        HERE / "grad-heat.svg",
    )
    iris_graph()
    for path in sorted(HERE.glob("*.svg")):
        print(path.relative_to(HERE.parent.parent))


if __name__ == "__main__":
    main()
