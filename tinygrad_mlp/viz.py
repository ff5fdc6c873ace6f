"""Drawing the computation graph that backward walks.

``draw_graph(loss)`` follows ``grad_fn`` and ``parents`` from the output back
to the leaves, exactly as ``backward`` does, and draws:

- a box for each leaf tensor that requires grad: a module parameter under its
  dotted name (``0.weight``), any other leaf under the name the user gave it;
- an ellipse for each recorded op (``matmul``, ``sigmoid``, ``sum``) with the
  shape and dtype of its output;
- a box with a double border for each output (the tensors you drew);
- an arrow for each input an op read, in the forward direction;
- a labelled cluster around the ops each module's forward recorded, nested as
  the modules are (``Sequential`` around ``Linear(4 → 16) [0]``).

What the graph can show is what it keeps. Inputs that need no gradient (the
data ``x``) are not kept: an op notes them as "+1 constant input". Nor are
intermediate tensors, only the op nodes that made them, so values and
gradients appear for leaves and outputs; call ``retain_grad()`` on an
intermediate tensor and its op node shows its name, values and gradient too,
as long as the tensor itself is alive: the graph holds it by a weak reference,
so once nothing else refers to it, its node is drawn as any other.
``backward`` frees the arrays the nodes saved but not the graph's structure,
so drawing after backward works and shows the gradients it computed. Values
and gradients are read when the graph is drawn: redrawn after
``optimizer.step()``, it shows the new weights beside the old gradients.

Names do not depend on the order the modules ran in: see ``draw_graph``.

Gradient heat (``grad_heat=True``) fills every node whose gradient is known
with a colour for log10 of the gradient's norm, on a fixed scale from 1e-8
(blue: vanishing, as behind a saturated sigmoid) to 1e2 (red), and colours the
arrows leaving it the same way; nodes whose gradient is not known stay white.

Laying out and rendering needs graphviz's ``dot`` program; ``to_dot`` and
``draw_graph`` themselves do not.
"""

from __future__ import annotations

import colorsys
import contextlib
import math
import os
import re
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import graphviz  # type: ignore[import-untyped]
import numpy as np

from tinygrad_mlp.nn.module import Module, Parameter
from tinygrad_mlp.tensor import Array, Function, Tensor

ShowValues = Literal["auto", "stats", "none"]

#: Tensors with at most this many elements show every value; larger ones show
#: min / mean / max (and the norm of their gradient).
SMALL_TENSOR = 16

#: Fill colours by a node's role in the graph.
ROLE_COLORS = {
    "input": "#cfe2f3",
    "parameter": "#d9ead3",
    "intermediate": "#eeeeee",
    "output": "#fce5cd",
}

#: log10 of the gradient norms drawn coldest and hottest by ``grad_heat``.
HEAT_RANGE = (-8.0, 2.0)

_RANKDIRS = ("LR", "TB", "RL", "BT")
_FONT = 'fontname="Helvetica" fontsize=10'


class GraphvizNotFoundError(graphviz.ExecutableNotFound):  # type: ignore[misc]
    """Rendering needs graphviz's ``dot`` program, and it is not installed.

    A ``RuntimeError`` (and a ``graphviz.ExecutableNotFound``) that says how
    to install it.
    """

    def __init__(self, program: str = "dot") -> None:
        RuntimeError.__init__(
            self,
            f"graphviz's `{program}` program was not found on PATH; install it with "
            "`apt-get install graphviz` (Debian/Ubuntu, as root), `brew install graphviz` "
            "(macOS) or see https://graphviz.org/download/; to_dot() works without it",
        )


@contextlib.contextmanager
def _needs_dot(program: str) -> Iterator[None]:
    """Turn graphviz's bare "failed to execute" into an error that says what to install."""
    try:
        yield
    except GraphvizNotFoundError:
        raise
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFoundError(program) from None


class GraphDrawing(graphviz.Digraph):  # type: ignore[misc]
    """The ``graphviz.Digraph`` that ``draw_graph`` returns.

    It is displayed inline as SVG in Jupyter and saved with
    ``render(path, format="svg" | "png" | "pdf")``, as any Digraph; when
    ``dot`` is missing these raise ``GraphvizNotFoundError``.
    """

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        """Lay out and render to bytes (or str); see ``graphviz.Digraph.pipe``."""
        with _needs_dot(kwargs.get("engine") or self.engine):
            return super().pipe(*args, **kwargs)

    def render(self, *args: Any, **kwargs: Any) -> Any:
        """Save the source and the rendered file; see ``graphviz.Digraph.render``."""
        with _needs_dot(kwargs.get("engine") or self.engine):
            return super().render(*args, **kwargs)


# ---------------------------------------------------------------- the graph


@dataclass
class _Walk:
    """Every tensor and op node reachable from the roots, breadth first from them."""

    items: list[Tensor | Function] = field(default_factory=list)
    edges: list[tuple[Tensor | Function, Tensor | Function]] = field(default_factory=list)
    root_ids: set[int] = field(default_factory=set)


def _walk(roots: Sequence[Tensor]) -> _Walk:
    """Follow grad_fn and parents from the roots, as backward does (iteratively)."""
    walk = _Walk()
    seen: set[int] = set()
    queue: deque[Function] = deque()
    for root in roots:
        if id(root) not in seen:
            seen.add(id(root))
            walk.root_ids.add(id(root))
            walk.items.append(root)
    for root in {id(root): root for root in roots}.values():  # each root's edge once
        fn = root.grad_fn
        if fn is not None:
            walk.edges.append((fn, root))
            if id(fn) not in seen:
                seen.add(id(fn))
                walk.items.append(fn)
                queue.append(fn)
    while queue:
        fn = queue.popleft()
        for parent in fn.parents:
            if parent is None:
                continue
            walk.edges.append((parent, fn))
            if id(parent) not in seen:
                seen.add(id(parent))
                walk.items.append(parent)
                if isinstance(parent, Function):
                    queue.append(parent)
    return walk


@dataclass
class _Names:
    """What the drawing calls modules and parameters, and in which cluster each parameter sits."""

    modules: dict[int, str] = field(default_factory=dict)  # id(module) -> dotted name
    parameters: dict[int, str] = field(default_factory=dict)  # id(parameter) -> dotted name
    holders: dict[int, set[int]] = field(default_factory=dict)  # id(parameter) -> ids of modules
    places: dict[int, tuple[Module, ...]] = field(default_factory=dict)  # id(parameter) -> scope

    def search(self, top: Module) -> None:
        """Name each module and parameter below ``top`` by its path from ``top``, if better."""
        for module_name, module in top.named_modules():
            if _better(module_name, self.modules.get(id(module))):
                self.modules[id(module)] = module_name
            for name, parameter in module.named_parameters(recurse=False):
                self.holders.setdefault(id(parameter), set()).add(id(module))
                dotted = f"{module_name}.{name}" if module_name else name
                if _better(dotted, self.parameters.get(id(parameter))):
                    self.parameters[id(parameter)] = dotted


def _better(name: str, than: str | None) -> bool:
    """Whether ``name`` beats ``than``: more dotted parts, then alphabetically first."""
    if than is None:
        return True
    parts, than_parts = (n.count(".") + 1 if n else 0 for n in (name, than))
    return (-parts, name) < (-than_parts, than)


def _names(ops: Sequence[Function], model: Module | None = None) -> _Names:
    """Name modules and parameters, and place each parameter in its module's cluster.

    A name comes from ``model`` when it reaches the module or parameter, else
    from whichever module whose forward ran gives it the longest dotted name
    (``0.weight`` over ``weight``; the alphabetically first among equals), so
    it does not depend on the order the modules ran in. A parameter sits in
    the cluster of the innermost module that holds it directly, in the scope
    of the first op (nearest the roots) that read it with such a module running.
    """
    ran = list(dict.fromkeys(module for fn in ops for module in fn.scope))
    children = {id(child) for module in ran for child in module.children()}
    names = _Names()
    for module in [module for module in ran if id(module) not in children]:
        names.search(module)  # a registered child's paths from itself are only shorter
    for module in [module for module in ran if id(module) not in names.modules]:
        names.search(module)  # sub-modules in a cycle, none of them parentless
    if model is not None:
        given = _Names()
        given.search(model)
        names.modules.update(given.modules)
        names.parameters.update(given.parameters)
    for fn in ops:
        for parent in fn.parents:
            held_by = names.holders.get(id(parent))
            if held_by is None or id(parent) in names.places:
                continue
            for depth in range(len(fn.scope), 0, -1):
                if id(fn.scope[depth - 1]) in held_by:
                    names.places[id(parent)] = fn.scope[:depth]
                    break
    return names


def _module_label(module: Module, name: str | None) -> str:
    """``Linear(4 → 16) [0]``: the class, its sizes when it has them, its name.

    The sizes: in → out features for a Linear, the table's for an Embedding
    (``Embedding(27, 2)``), the channels for a BatchNorm (``BatchNorm1d(16)``).
    """
    label = type(module).__name__
    sizes = getattr(module, "in_features", None), getattr(module, "out_features", None)
    table = getattr(module, "num_embeddings", None), getattr(module, "embedding_dim", None)
    if None not in sizes:
        label += f"({sizes[0]} → {sizes[1]})"
    elif None not in table:
        label += f"({table[0]}, {table[1]})"
    elif isinstance(getattr(module, "num_features", None), int):
        label += f"({module.num_features})"  # type: ignore[attr-defined]
    return f"{label} [{name}]" if name else label


# ---------------------------------------------------------------- labels


def _shape(shape: tuple[int, ...]) -> str:
    """``16×4``, ``16``, or ``scalar``."""
    return "×".join(map(str, shape)) if shape else "scalar"


_DTYPE_NAMES: dict[np.dtype[Any], str] = {}  # str(dtype) is slow enough to matter at 10,000 nodes


def _describe(shape: tuple[int, ...], dtype: np.dtype[Any]) -> str:
    """``16×4 float64``."""
    name = _DTYPE_NAMES.get(dtype)
    if name is None:
        name = _DTYPE_NAMES[dtype] = str(dtype)
    return f"{_shape(shape)} {name}"


_number = "{:.3g}".format


def _rows(array: Array) -> list[str]:
    """Every value, rounded: a line per row of the last dimension, 8 values a line."""
    if array.ndim == 0:
        return [_number(array.item())]
    lines = []
    for row in array.reshape(-1, array.shape[-1]).tolist():
        pieces = [", ".join(map(_number, row[i : i + 8])) for i in range(0, len(row), 8)]
        lines += ("[" + ",\n ".join(pieces) + "]").split("\n")
    return lines


def _norm(array: Array) -> float:
    """The Euclidean (Frobenius) norm of all the elements."""
    return float(np.linalg.norm(array.ravel()))


def _value_lines(array: Array, show_values: ShowValues) -> list[str]:
    """Every value of a small tensor, or min / mean / max of a large one."""
    if show_values == "none":
        return []
    if array.size == 0:
        return ["(empty)"]
    if show_values == "auto" and array.size <= SMALL_TENSOR:
        return _rows(array)
    return [
        f"min {_number(array.min())}  mean {_number(array.mean())}  max {_number(array.max())}"
    ]


def _grad_lines(grad: Array, show_values: ShowValues) -> list[str]:
    """Every value of a small gradient, or the norm of a large one."""
    if show_values == "auto" and 0 < grad.size <= SMALL_TENSOR:
        rows = _rows(grad)
        return ["grad " + rows[0]] if len(rows) == 1 else ["grad", *rows]
    return [f"‖grad‖ = {_number(_norm(grad))}"]


def _tensor_lines(tensor: Tensor, show_values: ShowValues, show_grads: bool) -> list[str]:
    """Shape and dtype, then the values and the gradient as asked."""
    lines = [_describe(tensor.shape, tensor.dtype), *_value_lines(tensor.data, show_values)]
    if show_grads and tensor._grad is not None:
        lines += _grad_lines(tensor._grad.data, show_values)
    return lines


#: Control characters other than the newline: NUL breaks ``dot``, the rest are invisible.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def _visible(match: re.Match[str]) -> str:
    r"""``\x00`` for a NUL, and so on."""
    return f"\\x{ord(match[0]):02x}"


def _quote(lines: Sequence[str]) -> str:
    r"""A DOT string whose lines are the given lines, shown as written.

    Backslashes and quotes are escaped for DOT, ``&`` for graphviz (which
    decodes HTML entities such as ``&lt;`` in plain labels), a newline within
    a line becomes a space and any other control character ``\xNN``.
    """
    escaped = (
        (line if line.isprintable() else _CONTROL.sub(_visible, line).replace("\n", " "))
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("&", "&amp;")
        for line in lines
    )
    return '"' + "\\n".join(escaped) + '"'


def _warmth(grad_norm: float) -> float:
    """Where log10 of the norm falls on ``HEAT_RANGE``: 0 (coldest) to 1 (hottest), clipped.

    A zero norm is coldest; an infinite or NaN one (a blow-up) hottest.
    """
    low, high = HEAT_RANGE
    exponent = high if math.isnan(grad_norm) else math.log10(grad_norm) if grad_norm > 0 else low
    return min(max((exponent - low) / (high - low), 0.0), 1.0)


def heat_color(grad_norm: float) -> str:
    """The ``grad_heat`` colour of a gradient with this norm, as ``#rrggbb``.

    Blue for 1e-8 and below (vanishing), through green and yellow, to red for
    1e2 and above, evenly on log10 of the norm (see ``HEAT_RANGE``).
    """
    hue = (1.0 - _warmth(grad_norm)) * 2 / 3
    red, green, blue = colorsys.hsv_to_rgb(hue, 0.5, 1.0)
    return "#" + "".join(f"{round(255 * c):02x}" for c in (red, green, blue))


def _legend(grad_heat: bool) -> str:
    """An HTML-like graph label: the role colours, or the heat scale."""
    if grad_heat:
        low, high = (int(x) for x in HEAT_RANGE)
        cells = "".join(
            f'<td bgcolor="{heat_color(10.0**e)}">1e{e}</td>' for e in range(low, high + 1, 2)
        )
        title = "fill: ‖gradient‖ (log scale); white: not kept (retain_grad() keeps it)"
    else:
        cells = "".join(f'<td bgcolor="{c}">{role}</td>' for role, c in ROLE_COLORS.items())
        title = "box: tensor, ellipse: op, rounded: parameter, double: output"
    return (
        '<<table border="0" cellspacing="2"><tr><td>'
        f'<table border="0" cellborder="1" cellspacing="0"><tr>{cells}</tr></table>'
        f"</td></tr><tr><td>{title}</td></tr></table>>"
    )


# ---------------------------------------------------------------- drawing


@dataclass
class _Node:
    """One node of the drawing, ready to be written as a DOT statement."""

    label: list[str]
    role: str
    grad_norm: float | None
    scope: tuple[Module, ...] = ()
    attrs: str = ""


def _leaf_node(
    tensor: Tensor, is_root: bool, names: _Names, show_values: ShowValues, show_grads: bool
) -> _Node:
    """A parameter sits in its module's cluster; other leaves are inputs (or outputs)."""
    parameter_name = names.parameters.get(id(tensor))
    if parameter_name is not None or isinstance(tensor, Parameter):
        role, attrs = "parameter", ' shape=box style="filled,rounded"'
    else:
        role, attrs = ("output" if is_root else "input"), " shape=box"
    if is_root:
        attrs += " peripheries=2"
    grad = tensor._grad.data if tensor._grad is not None else None
    return _Node(
        [parameter_name or tensor.name or role, *_tensor_lines(tensor, show_values, show_grads)],
        role,
        None if grad is None else _norm(grad),
        names.places.get(id(tensor), ()),
        attrs,
    )


def _output_node(tensor: Tensor, show_values: ShowValues, show_grads: bool) -> _Node:
    """A root that an op made: its own box, as the op node stands for no tensor."""
    grad = tensor._grad.data if tensor._grad is not None else None
    return _Node(
        [tensor.name or "output", *_tensor_lines(tensor, show_values, show_grads)],
        "output",
        None if grad is None else _norm(grad),
        (),
        " shape=box peripheries=2",
    )


def _op_node(
    fn: Function, root_ids: set[int], show_values: ShowValues, show_grads: bool
) -> _Node:
    """The op's name and output shape; a retained output adds its name, values, grad."""
    lines = [fn.name, _describe(fn.out_shape, fn.out_dtype)]
    constants = sum(parent is None for parent in fn.parents)
    if constants:
        lines.append(f"+{constants} constant input" + ("s" if constants > 1 else ""))
    kept = fn.retained() if fn.retained is not None else None
    grad_norm = None
    if kept is not None and id(kept) not in root_ids:  # a root has a box of its own
        if kept.name:
            lines.insert(1, kept.name)
        lines += _value_lines(kept.data, show_values)
        if kept._grad is not None:
            grad_norm = _norm(kept._grad.data)
            if show_grads:
                lines += _grad_lines(kept._grad.data, show_values)
    return _Node(lines, "intermediate", grad_norm, fn.scope, " shape=ellipse")


def draw_graph(
    root: Tensor | Sequence[Tensor],
    *,
    show_values: ShowValues = "auto",
    show_grads: bool = True,
    rankdir: str = "LR",
    cluster_modules: bool = True,
    grad_heat: bool = False,
    max_nodes: int | None = None,
    model: Module | None = None,
) -> GraphDrawing:
    """Draw the computation graph behind ``root`` (a tensor, or a list of them).

    Values and gradients are read now, when the graph is drawn: a drawing
    made after ``optimizer.step()`` shows the new weights beside the
    gradients of the old ones.

    Modules and parameters are named by their dotted paths (``0.weight``) in
    ``model`` when it reaches them, else in whichever module whose forward
    ran gives the longest such path (the alphabetically first among equally
    long ones), so the names do not depend on the order the modules ran in;
    a parameter that none of them reaches is named by its attribute in the
    module that holds it (``weight``). Each parameter sits in the cluster of
    the innermost running module that holds it directly.

    Args:
        root: the output(s) whose graph to draw, usually the loss.
        show_values: "auto" shows every value of tensors with at most
            ``SMALL_TENSOR`` elements and min / mean / max of larger ones;
            "stats" always min / mean / max; "none" no values.
        show_grads: show each known gradient (its values, or its norm for
            large tensors or with ``show_values != "auto"``).
        rankdir: graphviz's direction of the arrows: "LR", "TB", "RL", "BT".
        cluster_modules: group the ops each module recorded in a labelled
            cluster, nested as the modules are.
        grad_heat: colour nodes and arrows by log10 of the gradient norm
            instead of by role (see ``heat_color``).
        max_nodes: draw at most this many nodes, the ones nearest the roots,
            and one more that says how many are hidden; a dashed arrow runs
            from it into each shown node that hidden nodes feed, and into it
            from each shown node that feeds hidden ones.
        model: name modules and parameters by their dotted paths in this
            module (``0.weight``) even when its layers were called one at a
            time (``model[0](x)``), so that no forward of ``model`` ran.

    Returns:
        A ``GraphDrawing`` (a ``graphviz.Digraph``): shown inline in Jupyter,
        saved with ``.render(path, format="svg")`` or ``viz.render``.

    Raises:
        TypeError: if ``root`` is not a Tensor or a sequence of Tensors,
            ``show_grads``, ``cluster_modules`` or ``grad_heat`` not a bool,
            ``max_nodes`` not an int, or ``model`` not an ``nn.Module``.
        ValueError: for an empty ``root``, an unknown ``show_values`` or
            ``rankdir``, or a ``max_nodes`` below 1.
    """
    return _draw(
        "draw_graph",
        root,
        show_values=show_values,
        show_grads=show_grads,
        rankdir=rankdir,
        cluster_modules=cluster_modules,
        grad_heat=grad_heat,
        max_nodes=max_nodes,
        model=model,
    )


def _draw(
    caller: str,
    root: Tensor | Sequence[Tensor],
    *,
    show_values: ShowValues,
    show_grads: bool,
    rankdir: str,
    cluster_modules: bool,
    grad_heat: bool,
    max_nodes: int | None,
    model: Module | None,
) -> GraphDrawing:
    """``draw_graph``, with errors that name ``caller``, the function the user called."""
    roots = _as_roots(caller, root)
    flags = {"show_grads": show_grads, "cluster_modules": cluster_modules, "grad_heat": grad_heat}
    _check_options(caller, show_values, rankdir, max_nodes, model, flags)

    walk = _walk(roots)
    ops = [item for item in walk.items if isinstance(item, Function)]
    names = _names(ops, model)
    shown = walk.items if max_nodes is None else walk.items[: int(max_nodes)]
    ids = {id(item): f"n{i}" for i, item in enumerate(shown)}

    nodes: dict[str, _Node] = {}
    for item in shown:
        if isinstance(item, Function):
            node = _op_node(item, walk.root_ids, show_values, show_grads)
        elif item.grad_fn is not None:
            node = _output_node(item, show_values, show_grads)
        else:
            node = _leaf_node(item, id(item) in walk.root_ids, names, show_values, show_grads)
        if not cluster_modules:
            node.scope = ()
        nodes[ids[id(item)]] = node

    body = [
        f"\tgraph [rankdir={rankdir} {_FONT} labelloc=b label={_legend(grad_heat)}]\n",
        f"\tnode [{_FONT} style=filled]\n",
        "\tedge [arrowsize=0.7]\n",
    ]
    body += _node_statements(nodes, names, grad_heat)
    body += _edge_statements(walk, ids, nodes, grad_heat)
    if len(shown) < len(walk.items):
        body += _hidden_statements(walk, ids, max_nodes)
    return GraphDrawing(body=body)


def _check_options(
    caller: str,
    show_values: object,
    rankdir: object,
    max_nodes: object,
    model: object,
    flags: Mapping[str, object],
) -> None:
    """Raise, naming ``caller`` and the argument, unless the options are valid."""
    for flag, value in flags.items():
        if not isinstance(value, bool):
            raise TypeError(
                f"{caller}: {flag} must be True or False, got {type(value).__name__} {value!r}"
            )
    if show_values not in ("auto", "stats", "none"):
        raise ValueError(
            f"{caller}: show_values must be 'auto', 'stats' or 'none', got {show_values!r}"
        )
    if rankdir not in _RANKDIRS:
        raise ValueError(f"{caller}: rankdir must be one of {_RANKDIRS}, got {rankdir!r}")
    if max_nodes is not None:
        if isinstance(max_nodes, bool) or not isinstance(max_nodes, (int, np.integer)):
            raise TypeError(
                f"{caller}: max_nodes must be a positive int or None, "
                f"got {type(max_nodes).__name__} {max_nodes!r}"
            )
        if max_nodes < 1:
            raise ValueError(f"{caller}: max_nodes must be a positive int, got {max_nodes!r}")
    if model is not None and not isinstance(model, Module):
        raise TypeError(f"{caller}: model must be an nn.Module, got {type(model).__name__}")


def _hidden_statements(walk: _Walk, ids: dict[int, str], max_nodes: int | None) -> list[str]:
    """The note that counts the hidden nodes, with a dashed arrow per shown node they touch."""
    hidden = len(walk.items) - len(ids)
    label = _quote([f"… {hidden:,} more nodes", f"(max_nodes={max_nodes})"])
    fed = {ids[id(b)] for a, b in walk.edges if id(a) not in ids and id(b) in ids}
    feeding = {ids[id(a)] for a, b in walk.edges if id(a) in ids and id(b) not in ids}

    def in_order(keys: set[str]) -> list[str]:
        return sorted(keys, key=lambda key: int(key[1:]))

    return [
        f"\thidden [label={label} shape=note style=dashed]\n",
        *(f"\thidden -> {key} [style=dashed]\n" for key in in_order(fed)),
        *(f"\t{key} -> hidden [style=dashed]\n" for key in in_order(feeding)),
    ]


def _node_statement(key: str, node: _Node, grad_heat: bool, indent: str) -> str:
    """One ``n3 [label=... fillcolor=...]`` line, coloured by role or by heat."""
    if grad_heat:
        fill = "white" if node.grad_norm is None else heat_color(node.grad_norm)
    else:
        fill = ROLE_COLORS[node.role]
    return f'{indent}{key} [label={_quote(node.label)}{node.attrs} fillcolor="{fill}"]\n'


def _node_statements(nodes: dict[str, _Node], names: _Names, grad_heat: bool) -> list[str]:
    """The node statements, inside one nested cluster per module scope."""
    members: dict[tuple[Module, ...], list[str]] = {(): []}
    children: dict[tuple[Module, ...], list[tuple[Module, ...]]] = {(): []}
    for key, node in nodes.items():
        scope = node.scope
        if scope not in members:
            for depth in range(1, len(scope) + 1):
                path = scope[:depth]
                if path not in members:
                    members[path], children[path] = [], []
                    children[path[:-1]].append(path)
        members[scope].append(key)

    statements: list[str] = []
    cluster_ids = {path: i for i, path in enumerate(members)}

    def write(path: tuple[Module, ...], indent: str) -> None:
        if path:
            label = _module_label(path[-1], names.modules.get(id(path[-1])))
            statements.append(f"{indent[:-1]}subgraph cluster_{cluster_ids[path]} {{\n")
            statements.append(
                f"{indent}label={_quote([label])} labelloc=t {_FONT} "
                'style="rounded,dashed" color=gray50\n'
            )
        statements.extend(_node_statement(key, nodes[key], grad_heat, indent)
                          for key in members[path])
        for child in children[path]:
            write(child, indent + "\t")
        if path:
            statements.append(f"{indent[:-1]}}}\n")

    write((), "\t")
    return statements


def _edge_statements(
    walk: _Walk, ids: dict[int, str], nodes: dict[str, _Node], grad_heat: bool
) -> list[str]:
    """An arrow per input an op read; with heat, coloured by the source's gradient."""
    statements = []
    for source, target in walk.edges:
        a, b = ids.get(id(source)), ids.get(id(target))
        if a is None or b is None:
            continue
        norm = nodes[a].grad_norm
        if grad_heat and norm is not None:
            width = 1 + 2 * _warmth(norm)
            statements.append(f'\t{a} -> {b} [color="{heat_color(norm)}" penwidth={width:.2f}]\n')
        else:
            statements.append(f"\t{a} -> {b}\n")
    return statements


def _as_roots(caller: str, root: object) -> list[Tensor]:
    """``root`` as a non-empty list of Tensors, or an error that says what it is instead."""
    if isinstance(root, Tensor):
        return [root]
    expected = f"{caller}: root must be a Tensor or a sequence of Tensors"
    if not isinstance(root, Sequence) or isinstance(root, (str, bytes)):
        if isinstance(root, Module):
            hint = f"; draw what the module returns, {caller}(model(x))"
        elif isinstance(root, (int, float, np.ndarray, np.generic)):
            hint = "; pass the Tensor itself, not loss.item() or loss.data"
        else:
            hint = ""
        raise TypeError(f"{expected}, got {type(root).__name__}{hint}")
    if not root:
        raise ValueError(
            f"{caller}: root is an empty {type(root).__name__}; give a Tensor or a list of them"
        )
    for position, tensor in enumerate(root):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"{expected}, but item {position} is a {type(tensor).__name__}")
    return list(root)


def to_dot(
    root: Tensor | Sequence[Tensor],
    *,
    show_values: ShowValues = "auto",
    show_grads: bool = True,
    rankdir: str = "LR",
    cluster_modules: bool = True,
    grad_heat: bool = False,
    max_nodes: int | None = None,
    model: Module | None = None,
) -> str:
    """The DOT source of ``draw_graph(root, ...)``; needs no graphviz binary."""
    graph = _draw(
        "to_dot",
        root,
        show_values=show_values,
        show_grads=show_grads,
        rankdir=rankdir,
        cluster_modules=cluster_modules,
        grad_heat=grad_heat,
        max_nodes=max_nodes,
        model=model,
    )
    source: str = graph.source
    return source


def render(
    graph: graphviz.Digraph, path: str | os.PathLike[str], format: str | None = None
) -> str:
    """Render ``graph`` to exactly ``path`` (no DOT file beside it); returns the path.

    The format, in any case (``"SVG"`` is ``"svg"``), defaults to the path's
    extension: svg, png, pdf or any other of ``graphviz.FORMATS``.

    Raises:
        GraphvizNotFoundError: if ``dot`` is not installed.
        TypeError: if ``graph`` is not a graphviz graph (a Tensor: draw it
            first) or ``format`` not a str.
        ValueError: if neither ``format`` nor the path's extension names one
            that graphviz knows.
        FileNotFoundError: if the folder of ``path`` does not exist.
    """
    if not isinstance(graph, (graphviz.Graph, graphviz.Digraph, graphviz.Source)):
        raise TypeError(
            f"render: graph must be what draw_graph returns, got {type(graph).__name__}; "
            "call draw_graph first: render(draw_graph(loss), path)"
        )
    if format is not None and not isinstance(format, str):
        raise TypeError(f"render: format must be a str such as 'svg', got {type(format).__name__}")
    target = Path(path)
    chosen = (format or target.suffix.lstrip(".")).lower()
    if not chosen:
        raise ValueError(
            f"render: {str(target)!r} has no extension; pass format='svg' (or 'png', 'pdf')"
        )
    if chosen not in graphviz.FORMATS:
        source = "" if format else f" (the extension of {str(target)!r})"
        raise ValueError(
            f"render: format {chosen!r}{source} is not one graphviz knows; use 'svg', 'png' "
            f"or 'pdf', or another of: {', '.join(sorted(graphviz.FORMATS))}"
        )
    if not target.parent.is_dir():
        raise FileNotFoundError(f"render: folder {str(target.parent)!r} does not exist")
    with _needs_dot(graph.engine):
        data = graph.pipe(format=chosen)
    target.write_bytes(data)
    return str(target)


__all__ = [
    "HEAT_RANGE",
    "ROLE_COLORS",
    "SMALL_TENSOR",
    "GraphDrawing",
    "GraphvizNotFoundError",
    "draw_graph",
    "heat_color",
    "render",
    "to_dot",
]
