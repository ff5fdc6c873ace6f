"""Graph drawings: the DOT is parsed back and checked against the recorded graph."""

from __future__ import annotations

import colorsys
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tinygrad_mlp import nn, viz
from tinygrad_mlp.tensor import Function, Tensor

NEEDS_DOT = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="graphviz's `dot` is not installed (apt-get install graphviz; .ci/run installs it)",
)

# ------------------------------------------------------------ reading DOT back

NODE = re.compile(r'^\s*(\w+) \[label="((?:[^"\\]|\\.)*)"(.*)\]$')
EDGE = re.compile(r"^\s*(\w+) -> (\w+)(?: \[(.*)\])?$")
CLUSTER_OPEN = re.compile(r"^\s*subgraph cluster_\d+ \{$")
CLUSTER_LABEL = re.compile(r'^\s*label="((?:[^"\\]|\\.)*)" labelloc=t')


@dataclass
class Drawing:
    """What a DOT source says: node labels and attributes, edges, cluster paths."""

    labels: dict[str, list[str]] = field(default_factory=dict)
    attrs: dict[str, str] = field(default_factory=dict)
    edges: list[tuple[str, str]] = field(default_factory=list)
    edge_attrs: list[str] = field(default_factory=list)
    clusters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # node -> cluster labels

    def find(self, first_line: str) -> str:
        """The one node whose label starts with ``first_line``."""
        found = [key for key, label in self.labels.items() if label[0] == first_line]
        assert len(found) == 1, f"{len(found)} nodes titled {first_line!r}: {self.labels}"
        return found[0]

    def text(self, key: str) -> str:
        return "\n".join(self.labels[key])

    def fill(self, key: str) -> str:
        match = re.search(r'fillcolor="([^"]+)"', self.attrs[key])
        assert match is not None
        return match[1]

    def titled_edges(self) -> Counter[tuple[str, str]]:
        return Counter((self.labels[a][0], self.labels[b][0]) for a, b in self.edges)


def _unescape(text: str) -> list[str]:
    """The lines graphviz shows: DOT's escapes undone, then the ``&amp;`` entity."""
    return [
        line.replace('\\"', '"').replace("\\\\", "\\").replace("&amp;", "&")
        for line in text.split("\\n")
    ]


def parse(source: str) -> Drawing:
    drawing = Drawing()
    stack: list[str] = []
    for line in source.splitlines():
        if CLUSTER_OPEN.match(line):
            stack.append("?")
        elif line.strip() == "}" and stack:
            stack.pop()
        elif (label := CLUSTER_LABEL.match(line)) is not None:
            stack[-1] = _unescape(label[1])[0]
        elif (node := NODE.match(line)) is not None:
            assert node[1] not in drawing.labels, f"node {node[1]} drawn twice"
            drawing.labels[node[1]] = _unescape(node[2])
            drawing.attrs[node[1]] = node[3]
            drawing.clusters[node[1]] = tuple(stack)
        elif (edge := EDGE.match(line)) is not None:
            drawing.edges.append((edge[1], edge[2]))
            drawing.edge_attrs.append(edge[3] or "")
    assert not stack, "unbalanced clusters"
    return drawing


def recorded_graph(roots: list[Tensor]) -> tuple[list[Function], list[Tensor], int]:
    """The test's own walk: op nodes, leaf tensors and the number of input edges."""
    ops: dict[int, Function] = {}
    leaves: dict[int, Tensor] = {id(r): r for r in roots if r.grad_fn is None}
    stack = [r.grad_fn for r in roots if r.grad_fn is not None]
    edges = 0
    while stack:
        fn = stack.pop()
        if id(fn) in ops:
            continue
        ops[id(fn)] = fn
        for parent in fn.parents:
            edges += parent is not None
            if isinstance(parent, Function):
                stack.append(parent)
            elif isinstance(parent, Tensor):
                leaves[id(parent)] = parent
    return list(ops.values()), list(leaves.values()), edges


def mlp_loss(backward: bool = True) -> tuple[nn.Sequential, Tensor]:
    tm.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.Sigmoid(), nn.Linear(16, 3))
    loss = nn.MSELoss()(model(tm.randn(5, 4)), tm.zeros(5, 3))
    loss.name = "loss"
    if backward:
        loss.backward()
    return model, loss


def hue(color: str) -> float:
    red, green, blue = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hsv(red, green, blue)[0]


# ---------------------------------------------------------------- structure


def test_one_node_per_op_and_leaf_tensor_plus_one_per_output() -> None:
    _, loss = mlp_loss()
    ops, leaves, input_edges = recorded_graph([loss])
    drawing = parse(viz.to_dot(loss))
    assert len(drawing.labels) == len(ops) + len(leaves) + 1
    ellipses = [k for k, a in drawing.attrs.items() if "shape=ellipse" in a]
    assert Counter(drawing.labels[k][0] for k in ellipses) == Counter(fn.name for fn in ops)
    assert len(drawing.edges) == input_edges + 1  # + the last op into the output box


def test_edges_run_from_each_input_to_the_op_that_read_it() -> None:
    w = tm.tensor([[0.5], [-1.0]], requires_grad=True, name="w")
    b = tm.tensor([0.1], requires_grad=True, name="b")
    x = tm.tensor([[1.0, 2.0]])
    y = (x @ w + b).sigmoid().sum()
    drawing = parse(viz.to_dot(y))
    assert drawing.titled_edges() == Counter(
        [("w", "matmul"), ("matmul", "add"), ("b", "add"), ("add", "sigmoid"),
         ("sigmoid", "sum"), ("sum", "output")]
    )


def test_an_input_read_twice_is_one_node_with_two_edges() -> None:
    a = tm.tensor([1.0, 2.0], requires_grad=True, name="a")
    drawing = parse(viz.to_dot((a * a).sum()))
    assert drawing.titled_edges()[("a", "mul")] == 2
    assert len(drawing.labels) == 4


def test_inputs_without_grad_are_noted_on_the_op_that_read_them() -> None:
    w = tm.tensor([1.0, 2.0], requires_grad=True, name="w")
    drawing = parse(viz.to_dot((w * tm.tensor([3.0, 4.0])).sum()))
    assert "+1 constant input" in drawing.labels[drawing.find("mul")]


@given(st.lists(st.sampled_from(["add_leaf", "mul_self", "sigmoid", "sum_twice"]), max_size=8))
def test_random_graphs_have_exactly_their_ops_and_leaves(steps: list[str]) -> None:
    x = tm.tensor([0.5, -1.0], requires_grad=True)
    for step in steps:
        if step == "add_leaf":
            x = x + tm.tensor([1.0, 2.0], requires_grad=True)
        elif step == "mul_self":
            x = x * x
        elif step == "sigmoid":
            x = x.sigmoid()
        else:
            x = x.sum() + x.sum()
    ops, leaves, input_edges = recorded_graph([x])
    drawing = parse(viz.to_dot(x))
    output_boxes = 0 if x.grad_fn is None else 1  # a leaf root is its own box
    assert len(drawing.labels) == len(ops) + len(leaves) + output_boxes
    assert len(drawing.edges) == input_edges + output_boxes


def test_several_roots_share_the_nodes_they_have_in_common() -> None:
    w = tm.tensor([1.0, 2.0], requires_grad=True, name="w")
    h = w.sigmoid()
    first, second = h.sum(), (h * 2.0).sum()
    first.name, second.name = "first", "second"
    drawing = parse(viz.to_dot([first, second]))
    ops, leaves, _ = recorded_graph([first, second])
    assert len(drawing.labels) == len(ops) + len(leaves) + 2
    assert drawing.titled_edges()[("w", "sigmoid")] == 1
    assert {"first", "second"} <= {label[0] for label in drawing.labels.values()}


def test_a_tensor_without_a_graph_is_drawn_alone() -> None:
    drawing = parse(viz.to_dot(tm.tensor([1.0, 2.0], name="data")))
    assert list(drawing.labels.values()) == [["data", "2 float64", "[1, 2]"]]
    assert drawing.edges == []


# ------------------------------------------------------------------ labels


def test_parameters_are_labelled_with_dotted_name_shape_and_dtype() -> None:
    _, loss = mlp_loss()
    drawing = parse(viz.to_dot(loss))
    assert drawing.labels[drawing.find("0.weight")][1] == "16×4 float64"
    assert drawing.labels[drawing.find("0.bias")][1] == "16 float64"
    assert drawing.labels[drawing.find("2.weight")][1] == "3×16 float64"
    assert drawing.labels[drawing.find("loss")][1] == "scalar float64"
    assert "style=\"filled,rounded\"" in drawing.attrs[drawing.find("0.weight")]


def test_layers_called_one_at_a_time_are_named_from_the_model_given() -> None:
    model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    x = tm.randn(5, 4)
    loss = model[2](model[1](model[0](x))).sum()  # model's own forward never ran
    unnamed = parse(viz.to_dot(loss))
    assert not any("2.weight" in label[0] for label in unnamed.labels.values())
    named = parse(viz.to_dot(loss, model=model))
    assert named.labels[named.find("0.weight")][1] == "3×4 float64"
    assert named.labels[named.find("2.weight")][1] == "2×3 float64"
    assert "Linear(3 → 2) [2]" in viz.to_dot(loss, model=model)
    with pytest.raises(TypeError, match=r"to_dot: model must be an nn\.Module, got dict"):
        viz.to_dot(loss, model=dict(model.named_parameters()))  # type: ignore[arg-type]


def test_op_nodes_show_their_output_shape_and_dtype() -> None:
    w = tm.tensor(np.ones((3, 4), dtype=np.float32), requires_grad=True, name="w")
    drawing = parse(viz.to_dot(w.sigmoid().sum(axis=1)))
    assert drawing.labels[drawing.find("sigmoid")][1] == "3×4 float32"
    assert drawing.labels[drawing.find("sum")][1] == "3 float32"
    assert drawing.labels[drawing.find("w")][1] == "3×4 float32"


def test_small_tensors_show_rounded_values_and_large_ones_min_mean_max() -> None:
    small = tm.tensor([[0.123456, 2.0], [-3.5, 1e-5]], requires_grad=True, name="small")
    large = tm.tensor(np.arange(100.0).reshape(10, 10), requires_grad=True, name="large")
    drawing = parse(viz.to_dot(small.sum() + large.sum()))
    assert drawing.labels[drawing.find("small")][2:] == ["[0.123, 2]", "[-3.5, 1e-05]"]
    assert drawing.labels[drawing.find("large")][2] == "min 0  mean 49.5  max 99"


def test_show_values_stats_and_none() -> None:
    w = tm.tensor([1.0, 3.0], requires_grad=True, name="w")
    y = w.sum()
    assert parse(viz.to_dot(y, show_values="stats")).labels["n2"][2] == "min 1  mean 2  max 3"
    assert parse(viz.to_dot(y, show_values="none")).labels["n2"] == ["w", "2 float64"]


def test_gradients_appear_once_backward_has_run() -> None:
    w = tm.tensor([1.0, -2.0], requires_grad=True, name="w")
    big = tm.tensor(np.full((5, 5), 0.5), requires_grad=True, name="big")
    loss = (w * w).sum() + (big * 2.0).sum()
    before = parse(viz.to_dot(loss))
    assert not any("grad" in before.text(k) for k in before.labels)
    loss.backward()
    after = parse(viz.to_dot(loss))
    assert "grad [2, -4]" in after.labels[after.find("w")]
    assert "‖grad‖ = 10" in after.labels[after.find("big")]  # ‖2·ones(5, 5)‖ = 10
    assert not any("grad" in line for line in parse(viz.to_dot(loss, show_grads=False)).text("n0"))


def test_drawing_after_backward_shows_the_whole_freed_graph() -> None:
    _, loss = mlp_loss(backward=False)
    before = parse(viz.to_dot(loss))
    loss.backward()
    ops, _, _ = recorded_graph([loss])
    assert all(fn.released for fn in ops)
    after = parse(viz.to_dot(loss))
    assert after.edges == before.edges
    assert [label[:2] for label in after.labels.values()] == [
        label[:2] for label in before.labels.values()
    ]


def test_a_retained_intermediate_shows_its_name_values_and_gradient() -> None:
    w = tm.tensor([0.0, 1.0], requires_grad=True)
    h = w * 2.0
    h.retain_grad()
    h.name = "hidden"
    (h * h).sum().backward()
    drawing = parse(viz.to_dot(h.sigmoid()))
    node = drawing.find("mul")
    assert drawing.labels[node][:3] == ["mul", "hidden", "2 float64"]
    assert "[0, 2]" in drawing.labels[node]
    assert "grad [0, 4]" in drawing.labels[node]


def test_user_names_with_quotes_and_backslashes_survive_the_dot_source() -> None:
    x = tm.tensor([1.0], requires_grad=True, name='say "hi" \\o/')
    drawing = parse(viz.to_dot(x.sigmoid()))
    assert drawing.labels[drawing.find('say "hi" \\o/')][1] == "1 float64"


def test_ampersands_and_control_characters_are_shown_as_written() -> None:
    entity = tm.tensor([1.0], requires_grad=True, name="&lt;x&gt;")
    nul = tm.tensor([2.0], requires_grad=True, name="nul\x00 tab\t")
    source = viz.to_dot(entity.sum() + nul.sum())
    assert '"&amp;lt;x&amp;gt;\\n' in source  # graphviz would show "&lt;" as "<"
    assert "\x00" not in source
    drawing = parse(source)
    assert drawing.labels[drawing.find("&lt;x&gt;")][1] == "1 float64"
    assert drawing.labels[drawing.find("nul\\x00 tab\\x09")][1] == "1 float64"


# ---------------------------------------------------------------- clusters


def test_ops_sit_in_nested_labelled_module_clusters() -> None:
    _, loss = mlp_loss()
    drawing = parse(viz.to_dot(loss))
    sigmoid = drawing.find("sigmoid")
    assert drawing.clusters[sigmoid] == ("Sequential", "Sigmoid [1]")
    assert drawing.clusters[drawing.find("0.weight")] == ("Sequential", "Linear(4 → 16) [0]")
    assert drawing.clusters[drawing.find("2.bias")] == ("Sequential", "Linear(16 → 3) [2]")
    assert drawing.clusters[drawing.find("loss")] == ()
    loss_ops = [k for k, path in drawing.clusters.items() if path == ("MSELoss",)]
    assert loss_ops and all("ellipse" in drawing.attrs[k] for k in loss_ops)
    layer_ops = [
        drawing.labels[k][0] for k, path in drawing.clusters.items()
        if path == ("Sequential", "Linear(4 → 16) [0]") and "ellipse" in drawing.attrs[k]
    ]
    assert layer_ops, "the first Linear's ops belong in its cluster"


def test_clusters_nest_for_sequential_inside_sequential() -> None:
    model = nn.Sequential(nn.Sequential(nn.Linear(2, 3), nn.Tanh()), nn.Linear(3, 1))
    drawing = parse(viz.to_dot(model(tm.ones(1, 2)).sum()))
    assert drawing.clusters[drawing.find("0.0.weight")] == (
        "Sequential", "Sequential [0]", "Linear(2 → 3) [0.0]"
    )
    assert drawing.clusters[drawing.find("tanh")] == ("Sequential", "Sequential [0]", "Tanh [0.1]")
    assert drawing.clusters[drawing.find("1.weight")] == ("Sequential", "Linear(3 → 1) [1]")


def test_embedding_and_batch_norm_clusters_show_their_sizes() -> None:
    model = nn.Sequential(nn.Embedding(5, 2), nn.Flatten(), nn.BatchNorm1d(4))
    drawing = parse(viz.to_dot(model(np.array([[0, 1], [2, 3]])).sum()))
    assert drawing.clusters[drawing.find("0.weight")] == ("Sequential", "Embedding(5, 2) [0]")
    assert drawing.clusters[drawing.find("2.weight")] == ("Sequential", "BatchNorm1d(4) [2]")


def test_cluster_modules_false_draws_no_clusters() -> None:
    _, loss = mlp_loss()
    source = viz.to_dot(loss, cluster_modules=False)
    assert "subgraph" not in source
    assert len(parse(source).labels) == len(parse(viz.to_dot(loss)).labels)


class Block(nn.Module):
    """A registered child ``lin``, so ``lin.weight`` is its name from here."""

    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(2, 3)

    def forward(self, x: Tensor) -> Tensor:
        result: Tensor = self.lin(x)
        return result


class ListHolder(nn.Module):
    """Keeps its layers in a plain list, so no parameter of theirs is registered."""

    def __init__(self) -> None:
        super().__init__()
        self.layers: list[nn.Module] = [nn.Linear(2, 2), Block()]

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.layers:
            x = layer(x)
        return x


def test_parameters_of_unregistered_modules_are_named_inside_their_clusters() -> None:
    holder = ListHolder()
    loss = holder(tm.ones(1, 2)).sum()
    for drawing in (parse(viz.to_dot(loss)), parse(viz.to_dot(loss, model=holder))):
        assert drawing.clusters[drawing.find("weight")] == ("ListHolder", "Linear(2 → 2)")
        assert drawing.clusters[drawing.find("bias")] == ("ListHolder", "Linear(2 → 2)")
        assert drawing.clusters[drawing.find("lin.weight")] == (
            "ListHolder", "Block", "Linear(2 → 3) [lin]"
        )


def test_a_module_called_from_outside_the_model_holds_its_parameters_in_its_cluster() -> None:
    helper = nn.Linear(3, 2)

    class Caller(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = nn.Linear(2, 3)

        def forward(self, x: Tensor) -> Tensor:
            result: Tensor = helper(self.inner(x))
            return result

    caller = Caller()
    loss = caller(tm.ones(1, 2)).sum()
    for drawing in (parse(viz.to_dot(loss)), parse(viz.to_dot(loss, model=caller))):
        assert drawing.clusters[drawing.find("weight")] == ("Caller", "Linear(3 → 2)")
        assert drawing.clusters[drawing.find("inner.bias")] == ("Caller", "Linear(2 → 3) [inner]")


def test_names_do_not_depend_on_which_module_ran_last() -> None:
    encoder = nn.Linear(2, 2)
    model = nn.Sequential(encoder, nn.Tanh())
    x = tm.ones(1, 2)
    for loss in (encoder(model(x)).sum(), model(encoder(x)).sum()):
        drawing = parse(viz.to_dot(loss))
        assert drawing.clusters[drawing.find("0.bias")][-1] == "Linear(2 → 2) [0]"
        layers = {path[-1] for key, path in drawing.clusters.items()
                  if drawing.labels[key][0] == "linear"}
        assert layers == {"Linear(2 → 2) [0]"}


def test_equally_long_names_are_chosen_alphabetically() -> None:
    shared = nn.Linear(2, 2)
    first, second = nn.Sequential(shared, nn.Tanh()), nn.Sequential(nn.Tanh(), shared)
    x = tm.ones(1, 2)
    for loss in (first(second(x)).sum(), second(first(x)).sum()):
        drawing = parse(viz.to_dot(loss))
        assert drawing.labels[drawing.find("0.weight")][1] == "2×2 float64"
        assert not any(label[0] == "1.weight" for label in drawing.labels.values())


# -------------------------------------------------------------- large graphs


def chain(length: int) -> Tensor:
    x = tm.tensor([1.0, 2.0], requires_grad=True, name="x")
    for _ in range(length):
        x = x * 1.0001
    return x.sum()


def test_max_nodes_draws_the_nodes_nearest_the_output_and_counts_the_rest() -> None:
    y = chain(50)  # 50 mul + sum + the leaf x + the output = 53 nodes
    drawing = parse(viz.to_dot(y, max_nodes=10))
    assert len(drawing.labels) == 10 + 1
    assert drawing.labels["hidden"] == ["… 43 more nodes", "(max_nodes=10)"]
    assert drawing.labels[drawing.find("output")]
    assert "x" not in {label[0] for label in drawing.labels.values()}
    assert all(a in drawing.labels and b in drawing.labels for a, b in drawing.edges)
    assert [e for e in drawing.edges if e[0] == "hidden"] == [("hidden", "n9")]


def test_max_nodes_marks_a_shown_node_that_feeds_hidden_ones() -> None:
    a = tm.tensor([1.0, 2.0], requires_grad=True, name="a")
    c = a
    for _ in range(4):
        c = c.tanh()
    drawing = parse(viz.to_dot((a * 2 + c).sum(), max_nodes=6))  # a is shown, 3 tanh hidden
    a_key = drawing.find("a")
    assert (a_key, "hidden") in drawing.edges
    assert "style=dashed" in drawing.edge_attrs[drawing.edges.index((a_key, "hidden"))]
    assert [e for e in drawing.edges if e[0] == "hidden"] == [("hidden", drawing.find("tanh"))]


def test_max_nodes_at_or_above_the_graph_size_hides_nothing() -> None:
    y = chain(3)
    assert viz.to_dot(y, max_nodes=6) == viz.to_dot(y)
    assert "hidden" not in viz.to_dot(y, max_nodes=6)


def test_a_ten_thousand_node_chain_is_drawn_iteratively() -> None:
    drawing = parse(viz.to_dot(chain(10_000)))  # timing: benchmarks/viz_to_dot.py
    assert len(drawing.labels) == 10_003


# ------------------------------------------------------------- gradient heat


def sigmoid_input_fill(pre_activation: float) -> tuple[str, float]:
    w = tm.tensor([pre_activation], requires_grad=True, name="w")
    w.sigmoid().sum().backward()
    assert w.grad is not None
    drawing = parse(viz.to_dot(w.sigmoid(), grad_heat=True))
    return drawing.fill(drawing.find("w")), float(np.abs(w.grad.data).item())


def test_grad_heat_shows_a_saturated_sigmoid_colder_than_an_unsaturated_one() -> None:
    saturated, tiny = sigmoid_input_fill(20.0)  # σ'(20) ≈ 2e-9
    unsaturated, quarter = sigmoid_input_fill(0.0)  # σ'(0) = 0.25
    assert saturated == viz.heat_color(tiny) and unsaturated == viz.heat_color(quarter)
    assert saturated != unsaturated
    assert hue(saturated) > hue(unsaturated)  # bluer


def test_heat_color_runs_from_blue_to_red_on_a_clipped_log_scale() -> None:
    norms = [1e-12, 1e-8, 1e-6, 1e-4, 1e-2, 1.0, 1e2, 1e5]
    hues = [hue(viz.heat_color(n)) for n in norms]
    assert hues == sorted(hues, reverse=True)
    assert hues[0] == hues[1] and hues[-1] == hues[-2] == 0.0
    assert abs(hues[0] - 2 / 3) < 0.01
    assert viz.heat_color(0.0) == viz.heat_color(1e-8)
    assert viz.heat_color(float("nan")) == viz.heat_color(float("inf")) == viz.heat_color(1e2)


def test_grad_heat_colours_arrows_and_leaves_unknown_gradients_white() -> None:
    _, loss = mlp_loss()
    drawing = parse(viz.to_dot(loss, grad_heat=True))
    weight = drawing.find("0.weight")
    assert drawing.fill(drawing.find("sigmoid")) == "white"
    assert drawing.fill(weight) != "white"
    heated = [attrs for (a, _), attrs in zip(drawing.edges, drawing.edge_attrs) if a == weight]
    assert heated and f'color="{drawing.fill(weight)}"' in heated[0]
    assert "log scale" in viz.to_dot(loss, grad_heat=True)


# ------------------------------------------------------------- API and errors


def test_to_dot_is_the_source_of_draw_graph_and_of_tensor_draw() -> None:
    _, loss = mlp_loss()
    graph = viz.draw_graph(loss, rankdir="TB")
    assert isinstance(graph, viz.GraphDrawing)
    assert graph.source == viz.to_dot(loss, rankdir="TB") == loss.draw(rankdir="TB").source
    assert "rankdir=TB" in graph.source
    assert tm.viz is viz


def test_bad_arguments_are_named_in_the_error() -> None:
    y = chain(1)
    with pytest.raises(TypeError, match="item 1 is a ndarray"):
        viz.to_dot([y, np.ones(2)])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="empty list"):
        viz.to_dot([])
    with pytest.raises(ValueError, match="rankdir"):
        viz.to_dot(y, rankdir="up")
    with pytest.raises(ValueError, match="show_values"):
        viz.to_dot(y, show_values="all")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_nodes"):
        viz.to_dot(y, max_nodes=0)


@pytest.mark.parametrize("name", ["draw_graph", "to_dot"])
def test_a_root_that_is_not_a_tensor_is_named_in_the_error(name: str) -> None:
    loss = chain(1)
    draw = getattr(viz, name)
    for root in (None, nn.Linear(3, 2), loss.item(), loss.data, np.ones(3)):
        with pytest.raises(TypeError, match=rf"^{name}: root must be a Tensor or a sequence of "
                           rf"Tensors, got {type(root).__name__}"):
            draw(root)


def test_options_of_the_wrong_type_are_named_in_the_error() -> None:
    y = chain(1)
    for max_nodes in (2.5, "3", True):
        with pytest.raises(TypeError, match=r"^draw_graph: max_nodes must be a positive int"):
            viz.draw_graph(y, max_nodes=max_nodes)  # type: ignore[arg-type]
    for flag in ("show_grads", "cluster_modules", "grad_heat"):
        with pytest.raises(TypeError, match=rf"^to_dot: {flag} must be True or False, got str"):
            viz.to_dot(y, **{flag: "no"})  # type: ignore[arg-type]


def test_render_refuses_a_tensor_and_an_unknown_format(tmp_path: Path) -> None:
    y = chain(1)
    with pytest.raises(TypeError, match=r"^render: graph must be .* got Tensor; call draw_graph"):
        viz.render(y, tmp_path / "g.svg")
    with pytest.raises(ValueError, match=r"^render: format 'bogus' .*'svg', 'png' or 'pdf'"):
        viz.render(viz.draw_graph(y), tmp_path / "g.svg", format="bogus")
    with pytest.raises(ValueError, match=r"^render: format 'txt' \(the extension of"):
        viz.render(viz.draw_graph(y), tmp_path / "g.txt")


@NEEDS_DOT
def test_render_takes_the_format_in_any_case(tmp_path: Path) -> None:
    graph = viz.draw_graph(chain(1))
    svg = Path(viz.render(graph, tmp_path / "upper.svg", format="SVG"))
    assert "<svg" in svg.read_text()
    png = Path(viz.render(graph, tmp_path / "upper.PNG"))
    assert png.read_bytes()[:4] == b"\x89PNG"


@NEEDS_DOT
def test_dot_shows_entities_and_control_characters_as_written() -> None:
    x = tm.tensor([1.0], requires_grad=True, name="&lt;x&gt; nul\x00")
    plain = viz.draw_graph(x.sigmoid()).pipe(format="plain", encoding="utf-8")
    assert "&lt;x&gt; nul\\\\x00" in plain  # plain output escapes the backslash again


@NEEDS_DOT
def test_renders_svg_and_png_with_the_real_dot(tmp_path: Path) -> None:
    _, loss = mlp_loss()
    graph = viz.draw_graph(loss, grad_heat=True)
    svg = Path(graph.render(tmp_path / "graph", format="svg"))
    assert svg.name == "graph.svg" and "<svg" in svg.read_text()
    png = Path(viz.render(graph, tmp_path / "exact.png"))
    assert png == tmp_path / "exact.png" and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exact.png", "graph", "graph.svg"]
    assert "<svg" in graph._repr_mimebundle_()["image/svg+xml"]  # Jupyter's inline display


@NEEDS_DOT
def test_dot_accepts_escaped_names_and_the_collapsed_drawing() -> None:
    x = tm.tensor([1.0], requires_grad=True, name='say "hi" \\o/')
    svg = viz.draw_graph(chain(30) + x.sum(), max_nodes=5).pipe(format="svg", encoding="utf-8")
    assert "more nodes" in svg


def test_a_missing_dot_is_named_at_render_time_with_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, loss = mlp_loss()
    graph = viz.draw_graph(loss)
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(viz.GraphvizNotFoundError) as caught:
        graph.render(tmp_path / "graph", format="png")
    message = str(caught.value)
    assert "`dot` program was not found on PATH" in message
    assert "apt-get install graphviz" in message and "brew install graphviz" in message
    assert "https://graphviz.org/download/" in message and "to_dot() works without it" in message
    assert isinstance(caught.value, RuntimeError)
    for attempt in (graph._repr_mimebundle_, lambda: viz.render(graph, tmp_path / "g.svg")):
        with pytest.raises(viz.GraphvizNotFoundError):
            attempt()
    assert "0.weight" in viz.to_dot(loss)


def test_a_root_given_twice_gets_its_edge_once() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2.0
    assert viz.to_dot([y, y]).count("->") == viz.to_dot([y]).count("->") == 2


def test_distinct_roots_each_get_their_edge() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    y, z = x * 2.0, x * 3.0
    assert viz.to_dot([y, z]).count("->") == 4
