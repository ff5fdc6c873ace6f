# mypy: disable-error-code="arg-type,list-item"
# (the table passes wrongly typed arguments on purpose: they are the mistakes)
"""Every mistake a learner can make ends in an error that says what went wrong and where.

``MISTAKES`` below is the one table of every bad input tried, area by area:
tensor construction, ops, backward, modules, losses, optimizers, state dicts,
files, the command line, and the data tools and classifier. Each row is a
``Mistake``: a short id, a zero-argument callable that makes the mistake, the
exception it must raise and a regex its message must match. The regex asks
for what the person needs to fix it: the op, function or argument, and the
shapes, dtypes or values involved. Never a raw numpy message, a crash deep
inside the library, a silently wrong result or a half-changed object.

Rows that change state (loading a state dict, an optimizer step, calling a
module) make the mistake on a fresh object through ``unchanged``, which also
checks that the object is exactly as it was when the error is raised.

Rows wrapped in ``known_gap`` are mistakes the library does not yet report
well; they are strict xfails, so fixing the library makes them fail until
the mark is removed. Their reasons say what happens today.
"""

from __future__ import annotations

import io
import operator
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pytest

import tinygrad_mlp as tm
from tinygrad_mlp import data, nn, optim
from tinygrad_mlp.classifier import MLPClassifier
from tinygrad_mlp.cli import main
from tinygrad_mlp.nn import functional as F

AREAS = (
    "construction",
    "ops",
    "backward",
    "modules",
    "losses",
    "optimizers",
    "state dicts",
    "files",
    "command line",
    "data and classifier",
)

Raises = type[Exception] | tuple[type[Exception], ...]


@dataclass(frozen=True)
class Mistake:
    """One bad input: what to do, and the error that must come of it."""

    area: str
    id: str
    make: Callable[[], object]
    raises: Raises
    message: str  # a regex, searched for in str(error)
    gap: str | None = None  # how the library fails today, for a known gap

    @property
    def checks_state(self) -> bool:
        return getattr(self.make, "checks_state", False)

    def param(self) -> Any:
        """This row for pytest.mark.parametrize: a strict xfail if it is a known gap."""
        marks = [pytest.mark.xfail(strict=True, reason=self.gap)] if self.gap else []
        return pytest.param(self, id=f"{self.area}: {self.id}", marks=marks)


def mistake(area: str, id: str, make: Callable[[], object], raises: Raises,
            message: str) -> Mistake:
    assert area in AREAS, area
    return Mistake(area, id, make, raises, message)


def known_gap(reason: str, row: Mistake) -> Mistake:
    """A row the library fails today; ``reason`` says how."""
    return replace(row, gap=reason)


# ------------------------------------------------ making mistakes on fresh objects

S = TypeVar("S")


class HalfChangedError(AssertionError):
    """The mistake raised, but only after changing the object it was made on."""


def _arrays_key(array: np.ndarray) -> tuple[str, tuple[int, ...], bytes]:
    return array.dtype.str, array.shape, array.tobytes()  # bytes: NaN equals NaN


def state_of(subject: Any, path: str = "") -> list[tuple[str, Any]]:
    """Everything a mistake could change on ``subject``, as comparable (path, value) pairs."""
    if isinstance(subject, tm.Tensor):
        grad = None if subject.grad is None else _arrays_key(np.asarray(subject.grad.data))
        return [(f"{path}.data", _arrays_key(subject.data)), (f"{path}.grad", grad),
                (f"{path}._version", subject._version)]
    if isinstance(subject, nn.Module):
        pairs: list[tuple[str, Any]] = [(f"{path}.training", subject.training)]
        for name, parameter in subject.named_parameters():
            pairs += state_of(parameter, f"{path}.{name}")
        return pairs
    if isinstance(subject, optim.Optimizer):
        pairs = []
        for index, group in enumerate(subject.param_groups):
            settings = {k: v for k, v in group.items() if k != "params"}
            pairs.append((f"{path}.group{index}", repr(sorted(settings.items()))))
            pairs.append((f"{path}.group{index}.params", [id(p) for p in group["params"]]))
            for position, p in enumerate(group["params"]):
                pairs += state_of(p, f"{path}.group{index}.param{position}")
        for p, per_parameter in subject.state.items():
            for key, value in sorted(per_parameter.items()):
                value = _arrays_key(value) if isinstance(value, np.ndarray) else repr(value)
                pairs.append((f"{path}.state[{id(p)}].{key}", value))
        return pairs
    if isinstance(subject, (tuple, list)):
        return [pair for i, item in enumerate(subject) for pair in state_of(item, f"{path}[{i}]")]
    return [(path, repr(subject))]


def unchanged(build: Callable[[], S], make: Callable[[S], object]) -> Callable[[], object]:
    """Make the mistake on what ``build`` returns; if it raises, that must be as it was."""
    def run() -> object:
        subject = build()
        before = state_of(subject)
        try:
            return make(subject)
        except Exception as error:
            after = state_of(subject)
            changed = [b[0] for b, a in zip(before, after) if b != a]
            if changed or len(before) != len(after):
                raise HalfChangedError(
                    f"raised {type(error).__name__}: {error}\nbut changed {changed}"
                ) from error
            raise

    run.checks_state = True  # type: ignore[attr-defined]
    return run


# ---------------------------------------------------------- the things mistakes use


def matrix(requires_grad: bool = True) -> tm.Tensor:
    """A (2, 3) float64 tensor."""
    return tm.tensor(np.arange(6.0).reshape(2, 3), requires_grad=requires_grad)


def linear() -> nn.Linear:
    """Linear(3, 2), seeded."""
    return nn.Linear(3, 2, generator=np.random.default_rng(0))


def mlp() -> nn.Sequential:
    """4 -> 3 -> 2, seeded."""
    rng = np.random.default_rng(0)
    return nn.Sequential(nn.Linear(4, 3, generator=rng), nn.Sigmoid(),
                         nn.Linear(3, 2, generator=rng))


def logits() -> tm.Tensor:
    """Logits of 2 examples over 3 classes."""
    return tm.tensor([[1.0, 2.0, 0.5], [0.1, -1.0, 2.0]], requires_grad=True)


def with_grads(optimizer: optim.Optimizer, *grads: np.ndarray) -> optim.Optimizer:
    """The optimizer with these gradients set on its parameters, in order."""
    params = [p for group in optimizer.param_groups for p in group["params"]]
    for p, grad in zip(params, grads):
        p._grad = tm.tensor(grad)  # as a .data of another shape would leave it (see below)
    return optimizer


# -- construction and ops


def bool_of_a_matrix() -> bool:
    return bool(matrix())


def assign_a_row_of_the_wrong_size() -> None:
    t = matrix(requires_grad=False)
    t[0] = np.ones(7)


# -- backward


def backward_twice() -> None:
    loss = (matrix() * matrix()).sum()
    loss.backward()
    loss.backward()


def backward_twice_through_a_shared_part() -> None:
    h = matrix() * 2.0
    h.sum().backward()
    (h * 3.0).sum().backward()


def backward_of_a_no_grad_result() -> None:
    with tm.no_grad():
        loss = (matrix() * 2.0).sum()
    loss.backward()




def modify_a_saved_input_then_backward() -> None:
    x = matrix()
    loss = (x * x).sum()
    with tm.no_grad():
        x.data += 1.0  # assigning .data counts as an in-place change
    loss.backward()


def optimizer_step_between_forward_and_backward() -> None:
    model = linear()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    loss = model(matrix(requires_grad=False)).sum()
    loss.backward(retain_graph=True)
    optimizer.step()
    loss.backward()




def load_state_dict_between_forward_and_backward() -> None:
    model = linear()
    loss = (model(matrix(requires_grad=False)) ** 2).sum()
    model.load_state_dict(model.state_dict())
    loss.backward()


def write_through_numpy_then_backward() -> None:
    x = matrix()
    loss = (x * x).sum()
    x.numpy()[...] = 0.0  # would write the array backward reads, bumping no version
    loss.backward()


def hook_returns_a_wrong_shape() -> None:
    h = matrix() * 2.0
    h.register_hook(lambda g: tm.ones(5))
    h.sum().backward()


def leaf_hook_returns_a_wrong_shape() -> tm.Tensor | None:
    x = matrix()
    x.register_hook(lambda g: tm.ones(5))
    (x * 2.0).sum().backward()
    return x.grad


def hook_returns_an_ndarray() -> None:
    h = matrix() * 2.0
    h.register_hook(lambda g: np.ones((2, 3)))
    h.sum().backward()


def leaf_hook_returns_a_float() -> tm.Tensor | None:
    x = matrix()
    x.register_hook(lambda g: 1.0)
    (x * 2.0).sum().backward()
    return x.grad


def accumulate_into_a_grad_left_by_data_of_another_shape() -> None:
    x = matrix()
    x.grad = tm.ones(2, 3)
    x.data = np.ones(5)  # allowed, as in PyTorch; the old .grad no longer fits
    (x * 2.0).sum().backward()


def assign_a_grad_of_the_wrong_shape() -> None:
    x = matrix()
    x.grad = tm.ones(5)


def assign_an_ndarray_to_grad() -> None:
    x = matrix()
    x.grad = np.ones((2, 3))  # type: ignore[assignment]


def grad_of_an_output_that_needs_no_grad() -> object:
    return tm.grad(matrix(requires_grad=False).sum(), [matrix()])


# -- optimizers


def sgd_with_two_parameters() -> optim.SGD:
    return optim.SGD([matrix(), matrix()], lr=0.1, momentum=0.9)


def sgd_in_two_groups() -> optim.SGD:
    return optim.SGD([{"params": [matrix()]}, {"params": [matrix()]}], lr=0.1)


def with_setting(optimizer: optim.Optimizer, group: int, key: str,
                 value: object) -> optim.Optimizer:
    """The optimizer with ``param_groups[group][key]`` set by hand, as a user can."""
    optimizer.param_groups[group][key] = value
    return optimizer


def two_groups_with_grads() -> optim.SGD:
    return with_grads(sgd_in_two_groups(), np.ones((2, 3)), np.ones((2, 3)))


def adam_with_parameter_state(state: dict[str, Any]) -> Callable[[optim.Optimizer], None]:
    def load(optimizer: optim.Optimizer) -> None:
        saved = optimizer.state_dict()
        saved["state"] = {0: state}
        optimizer.load_state_dict(saved)
    return load


def saved_state_with_lrs(first: float, second: float) -> Callable[[optim.Optimizer], None]:
    def load(optimizer: optim.Optimizer) -> None:
        saved = optimizer.state_dict()
        saved["param_groups"][0]["lr"], saved["param_groups"][1]["lr"] = first, second
        optimizer.load_state_dict(saved)
    return load


def adam_state_dict() -> dict[str, Any]:
    p = matrix()
    adam = optim.Adam([p])
    p.grad = tm.ones(2, 3)
    adam.step()
    return adam.state_dict()


def scheduler_and_optimizer() -> tuple[optim.lr_scheduler.StepLR, optim.SGD]:
    optimizer = optim.SGD([matrix()], lr=0.1)
    return optim.lr_scheduler.StepLR(optimizer, step_size=2), optimizer


def lbfgs_after_a_step() -> optim.LBFGS:
    p = matrix()
    optimizer = optim.LBFGS([p], max_iter=2)

    def closure() -> tm.Tensor:
        optimizer.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    return optimizer


def lbfgs_direction_of_length(length: int) -> Callable[[optim.Optimizer], None]:
    def load(optimizer: optim.Optimizer) -> None:
        saved = optimizer.state_dict()
        saved["state"][0]["d"] = np.ones(length)
        optimizer.load_state_dict(saved)
    return load


def momentum_state_for_parameter(number: int, shape: tuple[int, ...]) -> Callable[[Any], None]:
    def load(optimizer: optim.Optimizer) -> None:
        saved = optimizer.state_dict()
        saved["state"] = {number: {"momentum_buffer": np.ones(shape)}}
        optimizer.load_state_dict(saved)
    return load


# -- files


def write(name: str, content: bytes) -> str:
    Path(name).write_bytes(content)
    return name


def truncated_weights() -> str:
    tm.save({"w": np.arange(100.0)}, "weights.npz")
    whole = Path("weights.npz").read_bytes()
    return write("weights.npz", whole[: len(whole) // 2])


def plain_npz() -> str:
    with open("plain.npz", "wb") as file:
        np.savez(file, w=np.zeros(2))
    return "plain.npz"


def npy_file() -> str:
    with open("array.npy", "wb") as file:
        np.save(file, np.zeros(2))
    return "array.npy"




def a_folder() -> str:
    os.makedirs("folder", exist_ok=True)
    return "folder"


def article_weights() -> str:
    """Weights of the article's 4-3-3 net, which the recommended 4-32-3 net cannot take."""
    rng = np.random.default_rng(0)
    article = nn.Sequential(nn.Linear(4, 3, generator=rng), nn.Sigmoid(),
                            nn.Linear(3, 3, generator=rng), nn.Sigmoid())
    tm.save(article.state_dict(), "article.npz")
    return "article.npz"


# -- the command line


class CommandLineError(Exception):
    """The one line a command printed on stderr as it exited with code 2."""


def command(*argv: str | Callable[[], str]) -> Callable[[], None]:
    """Run the command line; raise CommandLineError if it exits 2 with one line on stderr.

    An argument may be a callable that makes a file and returns its name.
    """
    def run() -> None:
        args = [a() if callable(a) else a for a in argv]
        out, err = io.StringIO(), io.StringIO()
        code = main(args, out, err)
        lines = err.getvalue().splitlines()
        if code == 2 and len(lines) == 1 and "Traceback" not in lines[0]:
            raise CommandLineError(lines[0])
        raise AssertionError(f"exit code {code}, stderr {err.getvalue()!r}: not a usage error")

    return run


# ===================================================================== the table

MISTAKES: list[Mistake] = [
    # ------------------------------------------------------------ construction
    mistake("construction", "a string", lambda: tm.tensor("abc"), TypeError,
            r"Tensor: data must be numbers .* got dtype <U3 from str"),
    mistake("construction", "an object array",
            lambda: tm.tensor(np.array([1.0, None], dtype=object)), TypeError,
            r"Tensor: data must be numbers .* got dtype object"),
    mistake("construction", "None", lambda: tm.tensor(None), TypeError,
            r"Tensor: data must be numbers .* from NoneType"),
    mistake("construction", "a list of strings", lambda: tm.tensor(["a", "b"]),
            TypeError, r"Tensor: data must be numbers .* got dtype <U1 from list"),
    mistake("construction", "a ragged list", lambda: tm.tensor([[1.0, 2.0], [3.0]]), ValueError,
            r"Tensor: data is not rectangular.*shape was \(2,\) \+ inhomogeneous"),
    mistake("construction", "int data asking for gradients",
            lambda: tm.tensor([1, 2], requires_grad=True), TypeError,
            r"Tensor: only floating point tensors can require gradients, got dtype int64; "
            r"pass dtype=tm\.float64"),
    mistake("construction", "a dtype that does not exist",
            lambda: tm.tensor([1.0], dtype="floaty"), TypeError,
            r"Tensor: .*dtype.*'floaty'"),
    mistake("construction", "requires_grad_ on ints", lambda: tm.tensor([1]).requires_grad_(),
            TypeError, r"requires_grad_: only floating point tensors .* got int64"),
    mistake("construction", "requires_grad_ on a non-leaf",
            lambda: (matrix() * 2.0).requires_grad_(False), RuntimeError,
            r"requires_grad_: only leaf tensors can change requires_grad; this one was made "
            r"by 'mul'\. Use detach\(\)"),
    mistake("construction", "requires_grad set on a non-leaf",
            lambda: setattr(matrix() * 2.0, "requires_grad", True), RuntimeError,
            r"requires_grad: only leaf tensors can change requires_grad; .* made by 'mul'"),
    mistake("construction", "requires_grad set on ints",
            lambda: setattr(tm.tensor([1]), "requires_grad", True), TypeError,
            r"requires_grad: only floating point tensors can require gradients, got int64"),
    mistake("construction", "requires_grad set to a non-bool",
            lambda: setattr(tm.tensor([1.0]), "requires_grad", 1), TypeError,
            r"requires_grad: must be a bool, got int"),
    mistake("construction", "zeros of a negative size", lambda: tm.zeros(-1, 2), ValueError,
            r"zeros: sizes must be non-negative, got \(-1, 2\)"),
    mistake("construction", "randn of a float size", lambda: tm.randn(2.5), TypeError,
            r"randn: sizes must be ints, got \(2\.5,\)"),
    mistake("construction", "arange with step 0", lambda: tm.arange(0, 5, 0), ValueError,
            r"arange: step must not be zero"),
    mistake("construction", "arange of a string", lambda: tm.arange("5"), TypeError,
            r"arange: .*'5'"),
    mistake("construction", "an int default dtype", lambda: tm.set_default_dtype(tm.int64),
            TypeError, r"set_default_dtype: only float32 and float64 can be the default, "
            r"got int64"),
    mistake("construction", "zeros_like of None", lambda: tm.zeros_like(None), TypeError,
            r"zeros_like: other must be a Tensor, got NoneType"),
    mistake("construction", "ones_like with a dtype that does not exist",
            lambda: tm.ones_like(matrix(), dtype="floaty"), TypeError,
            r"ones_like: unknown dtype 'floaty'"),
    mistake("construction", "new_tensor of a string", lambda: matrix().new_tensor("abc"),
            TypeError, r"new_tensor: data has dtype <U3, not a number"),
    mistake("construction", "more samples than categories without replacement",
            lambda: tm.multinomial(tm.tensor([1.0, 2.0]), 3), ValueError,
            r"multinomial: cannot draw 3 samples without replacement from 2 categories"),
    mistake("construction", "normal of two numbers without a size",
            lambda: tm.normal(0.0, 1.0), TypeError,
            r"normal: with numbers for mean and std, give size too"),
    mistake("construction", "an unknown print profile",
            lambda: tm.set_printoptions(profile="long"), ValueError,
            r"set_printoptions: profile must be one of \['default', 'full', 'short'\], "
            r"got 'long'"),
    # ---------------------------------------------------------------------- ops
    mistake("ops", "add of mismatched shapes", lambda: matrix() + tm.ones(4, 5), ValueError,
            r"add: shapes \(2, 3\) and \(4, 5\) cannot be broadcast together"),
    mistake("ops", "div of mismatched shapes", lambda: tm.ones(4) / matrix(), ValueError,
            r"div: shapes \(4,\) and \(2, 3\) cannot be broadcast together"),
    mistake("ops", "matmul with different inner sizes", lambda: matrix() @ matrix(), ValueError,
            r"matmul: \(2, 3\) @ \(2, 3\): inner sizes 3 and 2 differ"),
    mistake("ops", "matmul with mismatched batches",
            lambda: tm.ones(2, 3, 4) @ tm.ones(5, 4, 2), ValueError,
            r"matmul: \(2, 3, 4\) @ \(5, 4, 2\): batch dimensions \(2,\) and \(5,\) do not "
            r"broadcast"),
    mistake("ops", "sum over an axis out of range", lambda: matrix().sum(axis=2), IndexError,
            r"sum: axis 2 is out of range for a tensor with 2 dims"),
    mistake("ops", "sum over a float axis", lambda: matrix().sum(axis=1.0), TypeError,
            r"sum: axis must be an int, got float"),
    mistake("ops", "mean over an axis out of range", lambda: matrix().mean(axis=5),
            IndexError, r"mean: axis 5 is out of range for a tensor with 2 dims"),
    mistake("ops", "amax over an axis out of range", lambda: matrix().amax(2), IndexError,
            r"max: axis 2 is out of range for a tensor with 2 dims"),
    mistake("ops", "max of an empty tensor", lambda: tm.zeros(0).max(), ValueError,
            r"max: zero-size array .* \(input shapes \(0,\)\)"),
    mistake("ops", "cat of tensors that differ off the joined dim",
            lambda: tm.cat([matrix(), tm.ones(3, 3)], dim=1), ValueError,
            r"cat: the tensors must have the same shape but in dim 1, got \[\(2, 3\), \(3, 3\)\]"),
    mistake("ops", "cat of tensors with different numbers of dims",
            lambda: tm.cat([matrix(), tm.ones(3)]), ValueError,
            r"cat: the tensors must have the same number of dims, got shapes \[\(2, 3\), \(3,\)\]"),
    mistake("ops", "maximum of a number and a tensor", lambda: tm.maximum(1.0, matrix()),
            TypeError, r"maximum: input must be a Tensor, got float"),
    mistake("ops", "cat of one tensor, not a list", lambda: tm.cat(matrix()), TypeError,
            r"cat: tensors must be a sequence of Tensors, got one Tensor"),
    mistake("ops", "cat of an ndarray", lambda: tm.cat([matrix(), np.ones((2, 3))]), TypeError,
            r"cat: tensors\[1\] must be a Tensor, got ndarray"),
    mistake("ops", "stack of different shapes", lambda: tm.stack([matrix(), tm.ones(3, 2)]),
            ValueError, r"stack: all tensors must have the same shape, got \[\(2, 3\), \(3, 2\)\]"),
    mistake("ops", "where with a float condition",
            lambda: tm.where(np.ones((2, 3)), matrix(), 0.0), TypeError,
            r"where: condition must be bool .* got dtype float64"),
    mistake("ops", "where with a condition that does not broadcast",
            lambda: tm.where(np.ones(4, dtype=bool), matrix(), 0.0), ValueError,
            r"where: condition \(4,\), input \(2, 3\) and other \(\) cannot be broadcast"),
    mistake("ops", "maximum of mismatched shapes", lambda: tm.maximum(matrix(), tm.ones(4)),
            ValueError, r"maximum: shapes \(2, 3\) and \(4,\) cannot be broadcast together"),
    mistake("ops", "argmax of an empty tensor", lambda: tm.zeros(0).argmax(), ValueError,
            r"argmax: the tensor \(shape \(0,\)\) is empty along the dim"),
    mistake("ops", "argmax over a dim out of range", lambda: matrix().argmax(2), IndexError,
            r"argmax: axis 2 is out of range for a tensor with 2 dims"),
    mistake("ops", "var with a string correction", lambda: matrix().var(correction="1"),
            TypeError, r"var: correction must be a number"),
    mistake("ops", "softmax over an axis out of range", lambda: matrix().softmax(2), IndexError,
            r"softmax: axis 2 is out of range for a tensor with 2 dims"),
    mistake("ops", "reshape to a different size", lambda: matrix().reshape(4, 2), ValueError,
            r"reshape: cannot reshape a tensor of shape \(2, 3\) \(6 elements\) into \(4, 2\)"),
    mistake("ops", "reshape to float sizes", lambda: matrix().reshape(3.7, 2),
            TypeError, r"reshape: .*3\.7"),
    mistake("ops", "reshape to a string size", lambda: matrix().reshape(2, "x"),
            TypeError, r"reshape: .*'x'"),
    mistake("ops", "permute by a non-permutation", lambda: matrix().permute(0, 0),
            ValueError, r"permute: dims \(0, 0\) are not a permutation of the 2 dims of a "
            r"tensor of shape \(2, 3\)"),
    mistake("ops", "transpose with three dims", lambda: matrix().transpose(0, 1, 0),
            TypeError, r"transpose: takes the two dims to swap, got \(0, 1, 0\); to reorder "
            r"all dims use permute"),
    mistake("ops", "expand to an incompatible shape", lambda: matrix().expand(3, 3), ValueError,
            r"expand: .*\(2,3\).*requested shape \(3,3\)"),
    mistake("ops", "expand to fewer dims", lambda: matrix().expand(3), ValueError,
            r"expand: .*\(2, 3\).*\(3,\)"),
    mistake("ops", "an index out of range", lambda: matrix()[5], IndexError,
            r"getitem: index 5 is out of bounds for axis 0 with size 2 \(tensor shape \(2, 3\)\)"),
    mistake("ops", "a float index", lambda: matrix()[1.0], IndexError,
            r"getitem: only integers, slices .* \(tensor shape \(2, 3\)\)"),
    mistake("ops", "clamp to a string", lambda: matrix().clamp(min="0"), TypeError,
            r"clamp: min must be a number, got '0'"),
    mistake("ops", "item of a matrix", lambda: matrix().item(), ValueError,
            r"item: only one-element tensors can be converted, this one has shape \(2, 3\)"),
    mistake("ops", "bool of a matrix", bool_of_a_matrix, ValueError,
            r"[Tt]ensor of shape \(2, 3\)"),
    mistake("ops", "mean of an int tensor", lambda: tm.tensor([1, 2, 3]).mean(), TypeError,
            r"mean: needs a floating point tensor, got dtype int64; convert it first"),
    mistake("ops", "std of a bool tensor", lambda: tm.tensor([True, False]).std(), TypeError,
            r"std: needs a floating point tensor, got dtype bool"),
    mistake("ops", "tm.var of an int tensor", lambda: tm.var(tm.tensor([1, 2])), TypeError,
            r"var: needs a floating point tensor, got dtype int64"),
    mistake("ops", "gather with a ragged index", lambda: matrix().gather(1, [[0, 1], [1]]),
            ValueError, r"gather: index is not rectangular"),
    mistake("ops", "masked_fill with a ragged mask",
            lambda: matrix().masked_fill([[True, False, True], [True]], 0.0), ValueError,
            r"masked_fill: mask is not rectangular"),
    mistake("ops", "embedding of ragged indices",
            lambda: F.embedding([[0, 1], [1]], tm.ones(3, 2)), ValueError,
            r"embedding: indices is not rectangular"),
    mistake("ops", "sort with an array for descending",
            lambda: matrix().sort(descending=np.array([True, False])), TypeError,
            r"sort: descending must be a bool, got ndarray"),
    mistake("ops", "nanmean with keepdim=None", lambda: matrix().nanmean(0, keepdim=None),
            TypeError, r"nanmean: keepdim must be a bool, got NoneType"),
    mistake("ops", "requires_grad_ with an array",
            lambda: tm.ones(2).requires_grad_(np.array([True, False])), TypeError,
            r"requires_grad_: must be a bool, got ndarray"),
    mistake("ops", "softmax of an int tensor", lambda: tm.tensor([1, 2, 3]).softmax(), TypeError,
            r"softmax: needs a floating point tensor, got dtype int64; convert it first"),
    mistake("ops", "logsumexp of an int tensor", lambda: tm.tensor([1, 2]).logsumexp(),
            TypeError, r"logsumexp: needs a floating point tensor, got dtype int64"),
    mistake("ops", "assigning a row of the wrong size", assign_a_row_of_the_wrong_size,
            ValueError, r"setitem: a value of shape \(7,\) does not fit the selected part, of "
                        r"shape \(3,\), of a tensor of shape \(2, 3\)"),
    mistake("ops", "assigning into a tensor that requires grad, while recording",
            unchanged(matrix, lambda w: operator.setitem(w, 0, 1.0)), RuntimeError,
            r"setitem: cannot change a tensor in place while recording a graph through it"),
    mistake("ops", "an in-place add to a tensor that requires grad, while recording",
            unchanged(matrix, lambda w: operator.iadd(w, 1.0)), RuntimeError,
            r"iadd: cannot change a tensor in place while recording a graph through it .*"
            r"tm\.no_grad\(\)"),
    mistake("ops", "an in-place add of a tensor that requires grad, while recording",
            unchanged(lambda: matrix(requires_grad=False),
                      lambda t: operator.iadd(t, matrix())), RuntimeError,
            r"iadd: cannot change a tensor in place while recording"),
    mistake("ops", "an in-place add of floats into ints",
            unchanged(lambda: tm.tensor([1, 2]), lambda t: operator.iadd(t, 0.5)), TypeError,
            r"iadd: cannot compute with inputs of dtype int64, float64"),
    mistake("ops", "an in-place subtraction that would grow the tensor",
            unchanged(lambda: tm.ones(3), lambda t: operator.isub(t, tm.ones(2, 3))), ValueError,
            r"isub: .*\(input shapes \(3,\), \(2, 3\)\)"),
    mistake("ops", "& of a float tensor that requires grad", lambda: matrix() & 1, TypeError,
            r"^bitwise_and: needs bool or integer operands, got dtypes float64 and float64"),
    mistake("ops", "<< of bool tensors", lambda: tm.tensor([True]) << tm.tensor([True]),
            TypeError, r"^bitwise_left_shift: needs integer operands, got dtypes bool and bool"),
    mistake("ops", "an in-place & that gives ints, into bools",
            unchanged(lambda: tm.tensor([True, False]), lambda t: operator.iand(t, 1)),
            TypeError, r"^iand: the result's dtype int64 cannot be written into the tensor's "
                       r"dtype bool"),
    mistake("ops", "an in-place // of a tensor that requires grad, while recording",
            unchanged(matrix, lambda w: operator.ifloordiv(w, 2)), RuntimeError,
            r"^ifloordiv: cannot change a tensor in place while recording a graph through it"),
    mistake("ops", "a string operand", lambda: matrix() + "1", TypeError,
            r"operand: data must be numbers .* got dtype <U1 from str"),
    mistake("ops", "ints to a negative int power", lambda: tm.tensor([2]) ** tm.tensor([-1]),
            ValueError, r"pow: Integers to negative integer powers are not allowed\. "
            r"\(input shapes \(1,\), \(1,\)\)"),
    mistake("ops", "bool minus bool", lambda: tm.tensor([True]) - tm.tensor([False]),
            TypeError, r"sub: .*bool"),
    mistake("ops", "== of shapes that do not broadcast", lambda: matrix() == tm.ones(4),
            ValueError, r"eq: shapes \(2, 3\) and \(4,\) cannot be broadcast together"),
    mistake("ops", "> None", lambda: matrix() > None, TypeError,
            r"gt: cannot compare a tensor of dtype float64 with NoneType None"),
    mistake("ops", "reshape to -3", lambda: matrix().reshape(-3), ValueError,
            r"reshape: sizes must be non-negative, with at most one -1, got \(-3,\)"),
    mistake("ops", "hstack of rows of different lengths",
            lambda: tm.hstack([matrix(), tm.ones(3, 1)]), ValueError,
            r"^hstack: the tensors must have the same shape but in dim 1, got "
            r"\[\(2, 3\), \(3, 1\)\]"),
    mistake("ops", "cov of a 3-d tensor", lambda: tm.cov(matrix()[None]), ValueError,
            r"^cov: input must have at most 2 dims \(variables, observations\), got shape "
            r"\(1, 2, 3\)"),
    mistake("ops", "kthvalue with k past the dim", lambda: matrix().kthvalue(4), ValueError,
            r"^kthvalue: k must be an int from 1 to 3 \(the size of dim -1\), got 4"),
    mistake("ops", "hypot of ints", lambda: tm.hypot(tm.tensor([3]), tm.tensor([4])), TypeError,
            r"^hypot: needs a floating point tensor, got dtype int64"),
    mistake("ops", "bincount of floats", lambda: tm.bincount(matrix()[0]), TypeError,
            r"^bincount: input must hold integers, got dtype float64"),
    mistake("ops", "histogram with int bin edges",
            lambda: tm.histogram(matrix(), tm.tensor([0, 1])), ValueError,
            r"^histogram: bin edges must be a 1-D tensor of the input's dtype float64"),
    mistake("ops", "searchsorted with side and right at odds",
            lambda: tm.searchsorted(tm.tensor([1, 2]), 1, side="left", right=True), ValueError,
            r"^searchsorted: side='left' and right=True disagree"),
    mistake("construction", "asarray of a list without a copy",
            lambda: tm.asarray([1.0, 2.0], copy=False), ValueError,
            r"^asarray: copy=False, but a list cannot be shared without a copy"),
    mistake("construction", "promote_types of a dtype the library lacks",
            lambda: tm.promote_types(np.complex64, tm.float32), TypeError,
            r"^promote_types: type1 must be one of the library's dtypes"),
    # Not a mistake: a float32 tensor plus a Python float too large for float32
    # (`+ 1e300`) gives inf, as numpy and PyTorch do (the scalar takes the
    # tensor's dtype). See test_a_python_float_takes_a_float32_tensors_dtype_as_in_numpy.
    # ---------------------------------------------------------------- backward
    mistake("backward", "backward of a matrix without a gradient",
            lambda: (matrix() * 2.0).backward(), RuntimeError,
            r"backward: the output has shape \(2, 3\); a gradient can be implied only for "
            r"one-element outputs"),
    mistake("backward", "a gradient of the wrong shape",
            lambda: (matrix() * 2.0).backward(np.ones(3)), RuntimeError,
            r"backward: gradient has shape \(3,\) but the output has shape \(2, 3\)"),
    mistake("backward", "twice through a freed graph", backward_twice, RuntimeError,
            r"backward: the graph through 'mul' was already freed .* retain_graph=True"),
    mistake("backward", "twice through a freed shared part",
            backward_twice_through_a_shared_part, RuntimeError,
            r"backward: the graph through 'mul' was already freed .* retain_graph=True"),
    mistake("backward", "backward of a constant", lambda: tm.ones(3).sum().backward(),
            RuntimeError, r"backward: this tensor \(shape \(\)\) does not require grad and has "
            r"no grad_fn"),
    mistake("backward", "backward of a result made under no_grad", backward_of_a_no_grad_result,
            RuntimeError, r"backward: this tensor \(shape \(\)\) does not require grad .* "
            r"computed under tm\.no_grad\(\)"),
    mistake("backward", "gradcheck of an ndarray", lambda: tm.gradcheck(
            lambda x: x.sum(), [np.ones(3)]), ValueError,
            r"gradcheck: no input requires grad, .*; input 0 is an ndarray, not a Tensor"),
    mistake("backward", "gradcheck of a module with a function of an argument",
            lambda: tm.gradcheck(lambda x: mlp()(x).sum(), mlp()), TypeError,
            r"gradcheck: with a Module as inputs, func is called with no arguments"),
    mistake("backward", "grad of an input not in the graph",
            lambda: tm.grad((matrix() * 2.0).sum(), [tm.ones(1, requires_grad=True)]),
            RuntimeError, r"grad: inputs\[0\] \(shape \(1,\)\) was not used to compute the "
            r"outputs; pass allow_unused=True"),
    mistake("backward", "grad of an output that needs no grad",
            grad_of_an_output_that_needs_no_grad, RuntimeError,
            r"grad: outputs\[0\] .*does not require grad"),
    mistake("backward", "grad with respect to an array",
            lambda: tm.grad(matrix().sum(), [np.ones(3)]), TypeError,
            r"grad: inputs\[0\] .*ndarray"),
    mistake("backward", "grad of a Python number",
            lambda: tm.grad(3.0, [matrix()]), TypeError, r"grad: outputs.*float"),
    mistake("backward", "retain_grad on a constant", lambda: tm.ones(2).retain_grad(),
            RuntimeError, r"retain_grad: this tensor does not require grad"),
    mistake("backward", "an input changed in place after forward",
            modify_a_saved_input_then_backward, RuntimeError,
            r"mul backward: its input 0 \(shape \(2, 3\)\) was modified in place after the "
            r"forward pass \(it is now at version 1\)"),
    mistake("backward", "an optimizer step between forward and backward",
            optimizer_step_between_forward_and_backward, RuntimeError,
            r"linear backward: its input 1 \(shape \(2, 3\)\) was modified in place"),
    mistake("backward", "loading weights between forward and backward",
            load_state_dict_between_forward_and_backward, RuntimeError,
            r"linear backward: its input 1 \(shape \(2, 3\)\) was modified in place"),
    mistake("backward", "writing through numpy() between forward and backward",
            write_through_numpy_then_backward, RuntimeError,
            r"numpy: can't call numpy\(\) on a tensor that requires grad; use "
            r"\.detach\(\)\.numpy\(\)"),
    mistake("backward", "a hook that returns a gradient of the wrong shape",
            hook_returns_a_wrong_shape, (RuntimeError, ValueError),
            r"hook .*shape \(5,\).*\(2, 3\)"),
    mistake("backward", "a leaf hook that returns a gradient of the wrong shape",
            leaf_hook_returns_a_wrong_shape, (RuntimeError, ValueError),
            r"hook .*shape \(5,\).*\(2, 3\)"),
    mistake("backward", "accumulating into a .grad left by data of another shape",
            accumulate_into_a_grad_left_by_data_of_another_shape, RuntimeError,
            r"backward: the tensor's existing \.grad has shape \(2, 3\) but the tensor has "
            r"shape \(5,\)"),
    mistake("backward", "assigning a .grad of the wrong shape", assign_a_grad_of_the_wrong_shape,
            RuntimeError, r"grad: the assigned gradient has shape \(5,\), but the tensor has "
            r"shape \(2, 3\)"),
    mistake("backward", "a hook that returns an ndarray", hook_returns_an_ndarray, TypeError,
            r"register_hook returned a numpy\.ndarray; a hook must return a Tensor of the "
            r"gradient's shape \(2, 3\), or None"),
    mistake("backward", "a leaf hook that returns a float", leaf_hook_returns_a_float,
            TypeError, r"register_hook returned a float; a hook must return a Tensor of the "
            r"gradient's shape \(2, 3\), or None"),
    mistake("backward", "assigning an ndarray to .grad", assign_an_ndarray_to_grad, TypeError,
            r"grad: assign a Tensor of shape \(2, 3\) or None, got numpy\.ndarray"),
    # ----------------------------------------------------------------- modules
    mistake("modules", "Linear with a negative size", lambda: nn.Linear(-1, 3), ValueError,
            r"Linear: in_features must be a positive int, got -1"),
    mistake("modules", "Linear with an unknown init", lambda: nn.Linear(3, 2, init="zeros"),
            ValueError, r"Linear: unknown init 'zeros'; choose one of \[.*'xavier_uniform'"),
    mistake("modules", "Linear of int dtype", lambda: nn.Linear(3, 2, dtype=tm.int64),
            TypeError, r"Linear: dtype .*int64"),
    mistake("modules", "Linear fed the wrong width",
            unchanged(linear, lambda model: model(tm.ones(4, 5))), ValueError,
            r"Linear\(in_features=3, out_features=2, bias=True\): input of shape \(4, 5\) "
            r"should have 3 features in its last dimension"),
    mistake("modules", "a Sequential whose third layer gets the wrong width",
            unchanged(lambda: nn.Sequential(nn.Linear(4, 3), nn.Sigmoid(), nn.Linear(5, 2)),
                      lambda model: model(tm.ones(2, 4))), ValueError,
            r"Linear\(in_features=5, out_features=2, bias=True\): input of shape \(2, 3\) "
            r"should have 5 features"),
    mistake("modules", "Linear fed a numpy array",
            unchanged(linear, lambda model: model(np.ones((4, 3)))), TypeError,
            r"Linear.*Tensor.*ndarray"),
    mistake("modules", "Linear fed a list",
            unchanged(linear, lambda model: model([[1.0, 2.0, 3.0]])), TypeError,
            r"Linear.*Tensor.*list"),
    mistake("modules", "Sequential of a function", lambda: nn.Sequential(nn.Linear(2, 2), abs),
            TypeError, r"Sequential: builtin_function_or_method is not a Module \(argument 1\); "
            r"to use a function as a layer, write a Module"),
    mistake("modules", "Sequential of a class", lambda: nn.Sequential(nn.Linear(2, 2), nn.Tanh),
            TypeError, r"Sequential: the class Tanh \(argument 1\) is not a Module instance; "
            r"pass Tanh\(\)"),
    mistake("modules", "a Sequential index out of range", lambda: mlp()[3], IndexError,
            r"Sequential: index 3 is out of range for 3 modules"),
    mistake("modules", "Softmax over an axis the input lacks",
            lambda: nn.Softmax(dim=2)(matrix()), IndexError,
            r"softmax: axis 2 is out of range for a tensor with 2 dims"),
    mistake("modules", "a Module that skips super().__init__()",
            lambda: type("Net", (nn.Module,), {
                "__init__": lambda self: setattr(self, "w", nn.Linear(2, 2))})(),
            AttributeError, r"Net: call super\(\)\.__init__\(\) before assigning Linear 'w'"),
    mistake("modules", "a Module without forward", lambda: nn.Module()(matrix()),
            NotImplementedError, r"Module does not define forward\(\)"),
    mistake("modules", "xavier init of a vector", lambda: nn.init.xavier_uniform_(tm.ones(3)),
            ValueError, r"xavier_uniform_: needs a weight with at least 2 dims, got shape \(3,\)"),
    mistake("modules", "normal init of an int tensor",
            lambda: nn.init.normal_(tm.zeros(3, dtype=tm.int64)), TypeError,
            r"normal_: .*int64"),
    mistake("modules", "xavier init of an ndarray",
            lambda: nn.init.xavier_uniform_(np.ones((3, 3))), TypeError,
            r"xavier_uniform_: tensor must be a Tensor, got ndarray"),
    mistake("modules", "a Sequential indexed by a name", lambda: mlp()["hidden"], TypeError,
            r"Sequential: index must be an int or a slice, got str 'hidden'; .*get_submodule"),
    mistake("modules", "linear without a weight", lambda: F.linear(matrix(), None), TypeError,
            r"linear: weight must be a Tensor, got NoneType"),
    mistake("modules", "apply of a number", lambda: mlp().apply(3), TypeError,
            r"Sequential\.apply: fn must be a function of a module, got int"),
    mistake("modules", "an argument to a layer that takes none", lambda: nn.Sigmoid(3),
            TypeError, r"Sigmoid\(\) takes no arguments, got 3"),
    mistake("modules", "a Buffer of a list", lambda: nn.Buffer([1.0, 2.0]), TypeError,
            r"Buffer: data must be a Tensor or None, got list"),
    mistake("modules", "glu of an odd size", lambda: F.glu(tm.ones(2, 3)), ValueError,
            r"glu: halving dimension must be even, but dimension -1 is size 3 \(input shape "
            r"\(2, 3\)\)"),
    mistake("modules", "GroupNorm whose groups do not divide the channels",
            lambda: nn.GroupNorm(4, 6), ValueError,
            r"GroupNorm: num_channels \(6\) must be divisible by num_groups \(4\)"),
    mistake("modules", "layer_norm with a weight of the wrong shape",
            lambda: F.layer_norm(matrix(), (3,), tm.ones(2)), ValueError,
            r"layer_norm: weight must be shaped \(3,\), got \(2,\)"),
    mistake("modules", "batch_norm in evaluation without running statistics",
            lambda: F.batch_norm(matrix(), None, None), ValueError,
            r"batch_norm: running_mean and running_var must be given when training is False"),
    mistake("modules", "RMSNorm fed the wrong width",
            unchanged(lambda: nn.RMSNorm(4), lambda model: model(matrix())), ValueError,
            r"RMSNorm\(\(4,\), eps=None, elementwise_affine=True\): input of shape \(2, 3\) "
            r"should end in the normalized_shape \(4,\)"),
    # ------------------------------------------------------------------ losses
    mistake("losses", "a loss module with an array for reduction",
            lambda: nn.MSELoss(reduction=np.array(["mean", "sum"])), ValueError,
            r"MSELoss: reduction must be 'mean', 'sum' or 'none', got array"),
    mistake("losses", "mse_loss of mismatched shapes", lambda: F.mse_loss(matrix(), tm.ones(3, 2)),
            ValueError, r"mse_loss: target shape \(3, 2\) differs from input shape \(2, 3\)"),
    mistake("losses", "mse_loss against a target that would broadcast",
            lambda: F.mse_loss(matrix(), tm.ones(3)), ValueError,
            r"mse_loss: target shape \(3,\) differs from input shape \(2, 3\)"),
    mistake("losses", "binary_cross_entropy of mismatched shapes",
            lambda: F.binary_cross_entropy(matrix().sigmoid(), np.ones(3)), ValueError,
            r"binary_cross_entropy: target shape \(3,\) differs from input shape \(2, 3\)"),
    mistake("losses", "binary_cross_entropy of logits",
            lambda: F.binary_cross_entropy(matrix(), np.ones((2, 3))), ValueError,
            r"binary_cross_entropy: input must be probabilities in \[0, 1\].*5"),
    mistake("losses", "binary_cross_entropy against labels, not probabilities",
            lambda: F.binary_cross_entropy(matrix().sigmoid(),
                                           np.full((2, 3), 2.0)),
            ValueError, r"binary_cross_entropy: target .*\[0, 1\].*2"),
    mistake("losses", "cross_entropy with a class index too large",
            lambda: F.cross_entropy(logits(), np.array([0, 3])), IndexError,
            r"cross_entropy: target class 3 is out of range for 3 classes "
            r"\(input shape \(2, 3\)\)"),
    mistake("losses", "cross_entropy with one label too many",
            lambda: F.cross_entropy(logits(), np.array([0, 1, 2])), ValueError,
            r"cross_entropy: class-index target must have shape \(2,\), got \(3,\)"),
    mistake("losses", "cross_entropy of 1-D logits",
            lambda: F.cross_entropy(tm.ones(3), np.array([0])), ValueError,
            r"cross_entropy: input must be logits shaped \(N, C\), got \(3,\)"),
    mistake("losses", "cross_entropy against probabilities of the wrong shape",
            lambda: F.cross_entropy(logits(), np.ones((2, 4)) / 4), ValueError,
            r"cross_entropy: target shape \(2, 4\) differs from input shape \(2, 3\)"),
    mistake("losses", "cross_entropy with float class indices",
            lambda: F.cross_entropy(logits(), np.array([0.0, 2.0])), ValueError,
            r"cross_entropy: .*int.*float64"),
    mistake("losses", "CrossEntropyLoss with a class index too large",
            lambda: nn.CrossEntropyLoss()(logits(), tm.tensor([5, 0])), IndexError,
            r"cross_entropy: target class 5 is out of range for 3 classes"),
    mistake("losses", "an unknown reduction", lambda: F.mse_loss(matrix(), matrix(), "avg"),
            ValueError, r"mse_loss: reduction must be 'mean', 'sum' or 'none', got 'avg'"),
    mistake("losses", "QuadraticCost without reduction",
            lambda: nn.QuadraticCost(reduction="none"), ValueError,
            r"QuadraticCost: reduction must be 'mean' or 'sum', got 'none'"),
    mistake("losses", "mse_loss of a numpy array",
            lambda: F.mse_loss(np.ones((2, 3)), np.ones((2, 3))), TypeError,
            r"mse_loss: input .*Tensor.*ndarray"),
    mistake("losses", "mse_loss against None", lambda: F.mse_loss(matrix(), None), TypeError,
            r"mse_loss: target must be numbers .* from NoneType"),
    mistake("losses", "QuadraticCost against a ragged list",
            lambda: nn.QuadraticCost()(matrix(), [[1.0, 2.0, 3.0], [4.0]]), ValueError,
            r"quadratic_cost: target is not rectangular"),
    mistake("losses", "mse_loss with an array for reduction",
            lambda: F.mse_loss(matrix(), matrix(), reduction=np.array(["sum"])), ValueError,
            r"mse_loss: reduction must be 'mean', 'sum' or 'none', got array\(\['sum'\]"),
    mistake("losses", "cross_entropy with a tensor for reduction",
            lambda: F.cross_entropy(matrix(), [0, 2], reduction=tm.zeros(2)), ValueError,
            r"cross_entropy: reduction must be 'mean', 'sum' or 'none', got tensor"),
    mistake("losses", "cross_entropy with ignore_index None",
            lambda: F.cross_entropy(matrix(), [0, 2], ignore_index=None), TypeError,
            r"cross_entropy: ignore_index must be an int \(the default is -100\), got None"),
    mistake("losses", "gaussian_nll_loss with a negative variance",
            lambda: F.gaussian_nll_loss(matrix(), np.zeros((2, 3)), -1.0), ValueError,
            r"gaussian_nll_loss: var has negative entries: got -1\.0"),
    mistake("losses", "gaussian_nll_loss with a variance per column, not per row",
            lambda: F.gaussian_nll_loss(matrix(), np.zeros((2, 3)), tm.ones(3)), ValueError,
            r"gaussian_nll_loss: var is of incorrect size \(3,\) for input shape \(2, 3\)"),
    mistake("losses", "multi_margin_loss with a class index too large",
            lambda: nn.MultiMarginLoss()(logits(), tm.tensor([0, 3])), IndexError,
            r"multi_margin_loss: target class 3 is out of range for 3 classes"),
    mistake("losses", "triplet_margin_loss with a negative margin",
            lambda: F.triplet_margin_loss(matrix(), matrix(), matrix(), margin=-1.0), ValueError,
            r"triplet_margin_loss: margin must be greater than 0, got -1\.0"),
    mistake("losses", "bilinear with the inputs swapped",
            lambda: nn.Bilinear(3, 2, 4)(tm.ones(5, 2), tm.ones(5, 3)), ValueError,
            r"bilinear: weight must be shaped \(out_features, 2, 3\) for inputs \(5, 2\) "
            r"and \(5, 3\), got \(4, 3, 2\)"),
    # -------------------------------------------------------------- optimizers
    mistake("optimizers", "a negative learning rate", lambda: optim.SGD([matrix()], lr=-0.1),
            ValueError, r"SGD: lr must be non-negative, got -0\.1"),
    mistake("optimizers", "a learning rate as a string", lambda: optim.SGD([matrix()], lr="0.1"),
            TypeError, r"SGD: lr must be a real number, got '0\.1'"),
    mistake("optimizers", "an empty parameter list", lambda: optim.SGD([], lr=0.1), ValueError,
            r"SGD: got an empty parameter list"),
    mistake("optimizers", "a parameter that is not a leaf",
            lambda: optim.SGD([matrix() * 2.0], lr=0.1), ValueError,
            r"SGD: parameter 0 is not a leaf tensor \(it was computed by mul\)"),
    mistake("optimizers", "a single tensor", lambda: optim.SGD(matrix(), lr=0.1), TypeError,
            r"SGD: params must be an iterable .* got a single Tensor of shape \(2, 3\); wrap it "
            r"in a list"),
    mistake("optimizers", "a module instead of its parameters",
            lambda: optim.SGD(linear(), lr=0.1), TypeError,
            r"SGD: params must be an iterable of Tensors or of param-group dicts, got Linear"),
    mistake("optimizers", "a set of parameters", lambda: optim.SGD({matrix()}, lr=0.1),
            TypeError, r"SGD: parameters must be in an ordered collection .* not a set"),
    mistake("optimizers", "a step with a .grad of the wrong shape",
            unchanged(lambda: with_grads(optim.SGD([matrix()], lr=0.1), np.ones(3)),
                      lambda optimizer: optimizer.step()), ValueError,
            r"SGD: a parameter of shape \(2, 3\) has a \.grad of shape \(3,\); they must match"),
    mistake("optimizers", "an SGD step with a bad .grad on the second parameter",
            unchanged(lambda: with_grads(sgd_with_two_parameters(), np.ones((2, 3)),
                                         np.ones(3)),
                      lambda optimizer: optimizer.step()), ValueError,
            r"SGD: a parameter of shape \(2, 3\) has a \.grad of shape \(3,\)"),
    mistake("optimizers", "an Adam step with a bad .grad on the second parameter",
            unchanged(lambda: with_grads(optim.Adam([matrix(), matrix()]),
                                         np.ones((2, 3)), np.ones(3)),
                      lambda optimizer: optimizer.step()), ValueError,
            r"Adam: a parameter of shape \(2, 3\) has a \.grad of shape \(3,\)"),
    mistake("optimizers", "add_param_group with a negative learning rate",
            unchanged(sgd_with_two_parameters,
                      lambda o: o.add_param_group({"params": [matrix()], "lr": -1})),
            ValueError, r"SGD: param group 1: lr must be non-negative, got -1"),
    mistake("optimizers", "load_state_dict with a different number of groups",
            unchanged(sgd_in_two_groups,
                      lambda o: o.load_state_dict(sgd_with_two_parameters().state_dict())),
            ValueError, r"SGD\.load_state_dict: the saved state has 1 param groups, this "
            r"optimizer has 2"),
    mistake("optimizers", "load_state_dict with a wrongly shaped buffer",
            unchanged(sgd_with_two_parameters, momentum_state_for_parameter(0, (3,))),
            ValueError, r"SGD\.load_state_dict: state 'momentum_buffer' of parameter 0 has "
            r"shape \(3,\), the parameter has shape \(2, 3\)"),
    mistake("optimizers", "load_state_dict with state for a parameter it lacks",
            unchanged(sgd_with_two_parameters,
                      momentum_state_for_parameter(5, (2, 3))),
            ValueError, r"SGD\.load_state_dict: .*parameter 5"),
    mistake("optimizers", "load_state_dict of a model's state dict",
            unchanged(lambda: optim.SGD(linear().parameters(), lr=0.1),
                      lambda o: o.load_state_dict(linear().state_dict())),
            (TypeError, ValueError), r"SGD\.load_state_dict: .*'param_groups'"),
    mistake("optimizers", "load_state_dict with a bad lr in the second group",
            unchanged(sgd_in_two_groups, saved_state_with_lrs(0.5, -1.0)),
            ValueError, r"lr must be non-negative, got -1"),
    mistake("optimizers", "load_state_dict of another optimizer's state",
            unchanged(lambda: optim.SGD([matrix()], lr=0.1),
                      lambda o: o.load_state_dict(adam_state_dict())),
            ValueError, r"SGD\.load_state_dict: .*'betas'"),
    mistake("optimizers", "step given the loss",
            unchanged(lambda: with_grads(optim.SGD([matrix()], lr=0.1), np.ones((2, 3))),
                      lambda optimizer: optimizer.step(matrix().sum())), TypeError,
            r"SGD\.step: closure must be a function that recomputes the loss, got Tensor"),
    mistake("optimizers", "load_state_dict with a list as the state",
            unchanged(sgd_with_two_parameters, lambda o: o.load_state_dict(
                {"state": [], "param_groups": o.state_dict()["param_groups"]})),
            ValueError, r"SGD\.load_state_dict: the saved 'state' is a list"),
    mistake("optimizers", "Rprop etas that do not shrink and grow",
            lambda: optim.Rprop([matrix()], etas=(1.2, 0.5)), ValueError,
            r"Rprop: etas must satisfy 0 < etaminus < 1 < etaplus, got \(1\.2, 0\.5\)"),
    mistake("optimizers", "an ASGD with a negative lambd",
            lambda: optim.ASGD([matrix()], lambd=-1e-4), ValueError,
            r"ASGD: lambd must be non-negative, got -0\.0001"),
    mistake("optimizers", "LBFGS with two param groups",
            lambda: optim.LBFGS([{"params": [matrix()]}, {"params": [matrix()]}]), ValueError,
            r"LBFGS: takes one param group \(it has no per-parameter options\), got 2"),
    mistake("optimizers", "an LBFGS line search it does not have",
            lambda: optim.LBFGS([matrix()], line_search_fn="backtracking"), ValueError,
            r"LBFGS: line_search_fn must be None or 'strong_wolfe', got 'backtracking'"),
    mistake("optimizers", "an LBFGS step without a closure",
            unchanged(lambda: with_grads(optim.LBFGS([matrix()]), np.ones((2, 3))),
                      lambda optimizer: optimizer.step()), TypeError,
            r"LBFGS\.step: needs a closure, .* got NoneType"),
    mistake("optimizers", "LBFGS load_state_dict with a direction of the wrong length",
            unchanged(lbfgs_after_a_step, lbfgs_direction_of_length(5)), ValueError,
            r"LBFGS\.load_state_dict: state 'd' of parameter 0 must be a 1-D array of the "
            r"parameters' 6 elements, got an array of dtype float64 and shape \(5,\)"),
    mistake("optimizers", "get_total_norm of integer tensors",
            lambda: nn.utils.get_total_norm([tm.tensor([3, 4])]), TypeError,
            r"get_total_norm: tensors\[0\] has dtype int64; a norm needs a floating dtype"),
    mistake("optimizers", "clip_grads_with_norm_ given every gradient's norm, not the total",
            unchanged(lambda: with_grads(optim.SGD([matrix()], lr=0.1), np.ones((2, 3))),
                      lambda o: nn.utils.clip_grads_with_norm_(
                          o.param_groups[0]["params"], 1.0, tm.ones(2))), ValueError,
            r"clip_grads_with_norm_: total_norm must have one element, got a Tensor of shape "
            r"\(2,\)"),
    mistake("optimizers", "a step after setting the second group's lr to None",
            unchanged(lambda: with_setting(two_groups_with_grads(), 1, "lr", None),
                      lambda optimizer: optimizer.step()), TypeError,
            r"SGD\.step: param group 1: lr must be a real number, got None"),
    mistake("optimizers", "a step after setting the only group's lr to None",
            unchanged(lambda: with_setting(with_grads(optim.SGD([matrix()], lr=0.1),
                                                      np.ones((2, 3))), 0, "lr", None),
                      lambda optimizer: optimizer.step()), TypeError,
            r"SGD\.step: param group 0: lr must be a real number, got None"),
    mistake("optimizers", "a step after setting momentum to a string",
            unchanged(lambda: with_setting(two_groups_with_grads(), 1, "momentum", "0.9"),
                      lambda optimizer: optimizer.step()), TypeError,
            r"SGD\.step: param group 1: momentum must be a real number, got '0\.9'"),
    mistake("optimizers", "load_state_dict of Adam state lacking its moments",
            unchanged(lambda: optim.Adam([matrix()]), adam_with_parameter_state({"step": 1})),
            ValueError, r"Adam\.load_state_dict: the saved state of parameter 0 lacks "
            r"'exp_avg', 'exp_avg_sq', which Adam's step reads"),
    mistake("optimizers", "load_state_dict of Adam state with a string step count",
            unchanged(lambda: optim.Adam([matrix()]), adam_with_parameter_state(
                {"step": "1", "exp_avg": np.zeros((2, 3)), "exp_avg_sq": np.zeros((2, 3))})),
            ValueError, r"Adam\.load_state_dict: state 'step' of parameter 0 must be an int "
            r">= 0, got '1'"),
    mistake("optimizers", "Adadelta with rho above 1",
            lambda: optim.Adadelta([matrix()], rho=1.5), ValueError,
            r"Adadelta: rho must be in \[0, 1\], got 1\.5"),
    mistake("optimizers", "Adamax with beta2 of 1",
            lambda: optim.Adamax([matrix()], betas=(0.9, 1.0)), ValueError,
            r"Adamax: betas\[1\] must be in \[0, 1\), got 1\.0"),
    mistake("optimizers", "NAdam with a negative momentum_decay",
            lambda: optim.NAdam([matrix()], momentum_decay=-0.004), ValueError,
            r"NAdam: momentum_decay must be non-negative, got -0\.004"),
    mistake("optimizers", "RAdam with decoupled_weight_decay given as 1",
            lambda: optim.RAdam([matrix()], decoupled_weight_decay=1), TypeError,
            r"RAdam: decoupled_weight_decay must be True or False, got 1"),
    mistake("optimizers", "load_state_dict of NAdam state with a string mu_product",
            unchanged(lambda: optim.NAdam([matrix()]), adam_with_parameter_state(
                {"step": 1, "mu_product": "0.5", "exp_avg": np.zeros((2, 3)),
                 "exp_avg_sq": np.zeros((2, 3))})),
            ValueError, r"NAdam\.load_state_dict: state 'mu_product' of parameter 0 must be a "
            r"real number, got '0\.5'"),
    mistake("optimizers", "LambdaLR with a function of no arguments",
            lambda: optim.lr_scheduler.LambdaLR(optim.SGD([matrix()], lr=0.1), lambda: 0.5),
            TypeError, r"LambdaLR: lr_lambda must take the epoch as its one argument"),
    mistake("optimizers", "LambdaLR with a function that returns None",
            lambda: optim.lr_scheduler.LambdaLR(optim.SGD([matrix()], lr=0.1), lambda e: None),
            TypeError, r"LambdaLR: lr_lambda\(0\) returned None; it must return a number"),
    mistake("optimizers", "a scheduler loading an optimizer's state dict",
            unchanged(scheduler_and_optimizer,
                      lambda pair: pair[0].load_state_dict(pair[1].state_dict())),
            ValueError, r"StepLR\.load_state_dict: the state dict has keys StepLR's lacks: "
            r"'param_groups', 'state'"),
    # ------------------------------------------------------------- state dicts
    mistake("state dicts", "a missing key",
            unchanged(linear, lambda model: model.load_state_dict(
                {"weight": np.zeros((2, 3))})), RuntimeError,
            r"load_state_dict: cannot load into Linear, nothing was changed:\s+missing key "
            r"'bias'"),
    mistake("state dicts", "an unexpected key",
            unchanged(linear, lambda model: model.load_state_dict(
                {**linear().state_dict(), "scale": np.ones(1)})), RuntimeError,
            r"load_state_dict: cannot load into Linear, nothing was changed:\s+unexpected key "
            r"'scale'"),
    mistake("state dicts", "a wrongly shaped value",
            unchanged(linear, lambda model: model.load_state_dict(
                {**linear().state_dict(), "bias": np.zeros(3)})), RuntimeError,
            r"nothing was changed:\s+bias: shape \(3,\) in the state dict, \(2,\) in the model"),
    mistake("state dicts", "a wrongly shaped value deep in a Sequential",
            unchanged(mlp, lambda model: model.load_state_dict(
                {**mlp().state_dict(), "2.weight": np.zeros((3, 3))})), RuntimeError,
            r"cannot load into Sequential, nothing was changed:\s+2\.weight: shape \(3, 3\) in "
            r"the state dict, \(2, 3\) in the model"),
    mistake("state dicts", "strings as values",
            unchanged(linear, lambda model: model.load_state_dict(
                {**linear().state_dict(), "bias": np.array(["a", "b"])})), RuntimeError,
            r"nothing was changed:\s+bias: dtype <U1 is not a number"),
    mistake("state dicts", "a wrong shape with strict=False",
            unchanged(linear, lambda model: model.load_state_dict(
                {"weight": np.zeros(5)}, strict=False)), RuntimeError,
            r"nothing was changed:\s+weight: shape \(5,\) in the state dict, \(2, 3\)"),
    mistake("state dicts", "an optimizer's state dict",
            unchanged(linear, lambda model: model.load_state_dict(
                optim.SGD(model.parameters(), lr=0.1).state_dict())), RuntimeError,
            r"(?s)missing key 'weight'.*unexpected key 'state'.*unexpected key 'param_groups'"),
    mistake("state dicts", "a Sequential's state dict into a Linear",
            unchanged(linear, lambda model: model.load_state_dict(
                nn.Sequential(linear()).state_dict())), RuntimeError,
            r"(?s)missing key 'weight'.*unexpected key '0\.weight'"),
    mistake("state dicts", "a ragged list as a value",
            unchanged(linear, lambda model: model.load_state_dict(
                {"weight": [[1.0, 2.0, 3.0], [4.0]], "bias": [0.0, 0.0]})),
            (RuntimeError, ValueError),
            r"nothing was changed:\s+weight: the value is not rectangular"),
    mistake("state dicts", "a file name instead of a state dict",
            unchanged(linear, lambda model: model.load_state_dict("weights.npz")),
            TypeError, r"load_state_dict: .*mapping.*str.*tm\.load"),
    mistake("state dicts", "a list of arrays instead of a state dict",
            unchanged(linear, lambda model: model.load_state_dict(
                list(linear().state_dict().values()))),
            TypeError, r"load_state_dict: .*mapping.*list"),
    mistake("state dicts", "float64 values into float32 parameters",
            unchanged(lambda: nn.Linear(3, 2, dtype=tm.float32),
                      lambda model: model.load_state_dict(
                          {"weight": np.full((2, 3), 1e300), "bias": np.zeros(2)})),
            RuntimeError,
            r"nothing was changed:\s+weight: dtype float64 in the state dict, "
            r"float32 in the model"),
    # ------------------------------------------------------------------- files
    mistake("files", "rendering into a missing folder",
            lambda: tm.viz.render(tm.viz.draw_graph((matrix() * 2.0).sum()), "absent/g.svg"),
            FileNotFoundError, r"render: folder 'absent' does not exist"),
    mistake("files", "loading a missing file", lambda: tm.load("absent.npz"), FileNotFoundError,
            r"load: no such file: 'absent\.npz'"),
    mistake("files", "loading a folder", lambda: tm.load(a_folder()), IsADirectoryError,
            r"load: 'folder' is a folder, not a file saved by tm\.save"),
    mistake("files", "loading a truncated file", lambda: tm.load(truncated_weights()),
            ValueError, r"load: 'weights\.npz' is not a state dict saved by tm\.save \(not an "
            r"\.npz archive, or a damaged one\)"),
    mistake("files", "loading a text file", lambda: tm.load(write("notes.txt", b"w = 1\n")),
            ValueError, r"load: 'notes\.txt' is not a state dict saved by tm\.save"),
    mistake("files", "loading a .npy array", lambda: tm.load(npy_file()), ValueError,
            r"load: 'array\.npy' is not a state dict .* \(not an \.npz archive"),
    mistake("files", "loading someone else's .npz", lambda: tm.load(plain_npz()), ValueError,
            r"load: 'plain\.npz' is an \.npz archive but was not written by tm\.save"),
    mistake("files", "loading None", lambda: tm.load(None), TypeError,
            r"load: .*None"),
    mistake("files", "saving a model instead of its state dict",
            lambda: tm.save(mlp(), "model.npz"), TypeError,
            r"save: expected a state dict \(a mapping\), got Sequential"),
    mistake("files", "saving an array of strings",
            lambda: tm.save({"w": np.array(["abc"])}, "w.npz"), TypeError,
            r"save: 'w' has dtype <U3, not a number"),
    mistake("files", "saving into a missing folder",
            lambda: tm.save({"w": np.ones(2)}, "no/such/w.npz"), FileNotFoundError,
            r"save: folder 'no/such' does not exist"),
    mistake("files", "saving an object a checkpoint cannot hold",
            lambda: tm.save({"w": object()}, "w.npz"), TypeError,
            r"save: obj\['w'\] is a object, which a checkpoint cannot hold"),
    mistake("files", "saving onto a folder",
            lambda: tm.save({"w": np.ones(2)}, a_folder()), (OSError, ValueError),
            r"save: .*'folder' is a folder"),
    # ------------------------------------------------------------ command line
    mistake("command line", "a negative learning rate", command("train", "--lr", "-0.1"),
            CommandLineError, r"^tinygrad-mlp: error: argument --lr: '-0\.1' must be positive$"),
    mistake("command line", "a learning rate that is not a number",
            command("train", "--lr", "fast"), CommandLineError,
            r"argument --lr: 'fast' is not a number$"),
    mistake("command line", "sizes that do not fit Iris", command("train", "--sizes", "4,5,2"),
            CommandLineError, r"'4,5,2': Iris has 4 features and 3 classes"),
    mistake("command line", "an unknown activation", command("train", "--activation", "mish"),
            CommandLineError, r"argument --activation: invalid choice: 'mish' \(choose from"),
    mistake("command line", "cross-validation with one fold", command("train", "--cv", "1"),
            CommandLineError, r"--cv: K must be between 2 and 50 \(the smallest class\), got 1"),
    mistake("command line", "an unknown option", command("train", "--learning-rate", "3"),
            CommandLineError, r"unrecognized arguments: --learning-rate 3$"),
    mistake("command line", "evaluating a missing file", command("evaluate", "absent.npz"),
            CommandLineError, r"load: no such file: 'absent\.npz'$"),
    mistake("command line", "evaluating someone else's .npz", command("evaluate", plain_npz),
            CommandLineError, r"load: 'plain\.npz' is an \.npz archive but was not written"),
    mistake("command line", "evaluating weights of another architecture",
            command("evaluate", article_weights), CommandLineError,
            r"'article\.npz' holds a 4-3-3 network, not 4-32-3: pass --sizes 4,3,3 and the "
            r"--activation and --loss it was trained with"),
    mistake("command line", "a graph in an unknown format", command("graph", "-o", "g.jpg"),
            CommandLineError, r"-o: 'g\.jpg' must end in \.svg, \.png or \.pdf$"),
    mistake("command line", "a NaN learning rate", command("train", "--lr", "nan"),
            CommandLineError, r"argument --lr: 'nan' must be"),
    mistake("command line", "an infinite learning rate",
            command("train", "--lr", "inf", "--epochs", "1", "--quiet"),
            CommandLineError, r"argument --lr: 'inf' must be"),
    mistake("command line", "a negative seed",
            command("train", "--seed", "-1", "--epochs", "1", "--quiet"),
            CommandLineError, r"argument --seed: '-1'"),
    mistake("command line", "saving onto a folder",
            command("train", "--epochs", "1", "--quiet", "--save", "."),
            CommandLineError, r"--save: .*'\.'.*folder"),
    # ----------------------------------------------------- data and classifier
    mistake("data and classifier", "one_hot of a label out of range",
            lambda: data.one_hot(np.array([0, 3]), 3), ValueError,
            r"one_hot: labels must lie in \[0, 3\) for num_classes=3, got 3"),
    mistake("data and classifier", "a dataset of unequal lengths",
            lambda: data.TensorDataset(np.ones((3, 2)), np.ones(4)), ValueError,
            r"TensorDataset: all arrays must have the same first dimension .* got shapes "
            r"\(3, 2\), \(4,\)"),
    mistake("data and classifier", "a dataset index out of range",
            lambda: data.TensorDataset(np.ones((3, 2)), np.zeros(3))[10], IndexError,
            r"TensorDataset: index 10 is out of range for a dataset of 3 rows"),
    mistake("data and classifier", "a string as a dataset index",
            lambda: data.TensorDataset(np.ones((3, 2)))["a"], TypeError,
            r"TensorDataset: index must be an int, a slice or an array of ints, got str 'a'"),
    mistake("data and classifier", "a batch size of 0",
            lambda: data.DataLoader(data.TensorDataset(np.ones(3)), batch_size=0), ValueError,
            r"DataLoader: batch_size must be a positive int, got 0"),
    mistake("data and classifier", "more folds than a class has rows",
            lambda: data.stratified_kfold(np.array([0, 0, 1, 1]), n_splits=3), ValueError,
            r"stratified_kfold: n_splits=3 is more than the 2 rows of class 0"),
    mistake("data and classifier", "features of the wrong width",
            lambda: MLPClassifier(epochs=1).fit(np.ones((5, 3)), np.zeros(5, dtype=int)),
            ValueError, r"MLPClassifier\.fit: x must be shaped \(rows, 4\), got \(5, 3\)"),
    mistake("data and classifier", "float labels, as np.loadtxt reads them",
            lambda: MLPClassifier(epochs=1).fit(np.ones((5, 4)), np.zeros(5)), ValueError,
            r"MLPClassifier\.fit: y must be 5 integer labels, got shape \(5,\) of float64 "
            r"\(convert float labels with \.astype\(int\)\)"),
    mistake("data and classifier", "a label out of range",
            lambda: MLPClassifier(epochs=1).fit(np.ones((5, 4)), np.full(5, 3)), ValueError,
            r"MLPClassifier\.fit: labels must be in \[0, 3\), got 3\.\.3"),
    mistake("data and classifier", "fractional epochs",
            lambda: MLPClassifier(epochs=1.5), (TypeError, ValueError),
            r"MLPClassifier: epochs .*1\.5"),
    mistake("data and classifier", "a batch size as a string",
            lambda: MLPClassifier(batch_size="32"), (TypeError, ValueError),
            r"MLPClassifier: batch_size .*'32'"),
    mistake("data and classifier", "string features",
            lambda: MLPClassifier(epochs=1).fit([["a", "b", "c", "d"]], [0]),
            (TypeError, ValueError), r"MLPClassifier\.fit: x .*<U1"),
]


@pytest.fixture(autouse=True)
def in_a_fresh_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Mistakes with files make them in the current folder: an empty one per case."""
    monkeypatch.chdir(tmp_path)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the silent-downcast rows warn
@pytest.mark.parametrize("case", [row.param() for row in MISTAKES])
def test_each_mistake_raises_an_error_that_says_what_went_wrong(case: Mistake) -> None:
    with pytest.raises(case.raises) as caught:
        case.make()
    assert re.search(case.message, str(caught.value)), (
        f"the message does not match {case.message!r}:\n{caught.value}"
    )


def test_mixing_float32_with_float64_promotes_like_numpy_and_never_downcasts() -> None:
    # Not a mistake, so not in the table: the counterpart of its downcast rows.
    w = tm.ones(3, dtype=tm.float32, requires_grad=True)
    y = w * tm.ones(3, dtype=tm.float64)
    assert y.dtype == np.float64  # promoted, as numpy and PyTorch do
    y.sum().backward()
    assert w.grad is not None and w.grad.dtype == np.float32  # a gradient has its leaf's dtype


def test_a_python_float_takes_a_float32_tensors_dtype_as_in_numpy() -> None:
    # Not a mistake, so not in the table: `float32 tensor + 1e300` overflows to
    # inf exactly as numpy (NEP 50) and PyTorch do, since a Python scalar takes
    # the tensor's dtype; refusing it would break that agreement.
    with np.errstate(over="ignore"):
        ours = (tm.ones(2, dtype=tm.float32) + 1e300).data
        theirs = np.ones(2, dtype=np.float32) + 1e300
    assert ours.dtype == theirs.dtype == np.float32
    assert np.isinf(ours).all() and np.isinf(theirs).all()


def test_the_table_covers_every_area_and_counts_its_cases() -> None:
    per_area = {area: [row for row in MISTAKES if row.area == area] for area in AREAS}
    gaps = [row for row in MISTAKES if row.gap]
    width = max(map(len, AREAS))
    print(f"\n{len(MISTAKES)} bad inputs, {len(gaps)} known gaps (strict xfail):")
    for area, rows in per_area.items():
        known = sum(1 for row in rows if row.gap)
        print(f"  {area:<{width}}  {len(rows):3d} cases, {known:2d} known gaps")
    assert all(len(rows) >= 5 for rows in per_area.values()), per_area
    # The upper bound catches a table grown by accident (rows pasted twice, say);
    # it rises a little as gaps are closed and functions added, each with its rows.
    assert 80 <= len(MISTAKES) <= 300
    stateful = {row.area for row in MISTAKES if row.checks_state}
    assert stateful >= {"modules", "optimizers", "state dicts"}


def test_every_case_has_its_own_id() -> None:
    ids = [(row.area, row.id) for row in MISTAKES]
    assert len(ids) == len(set(ids))
