"""The containers: Sequential, ModuleList, ModuleDict, ParameterList and ParameterDict."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import tinygrad_mlp as tm
from tinygrad_mlp import nn

# -- Sequential --------------------------------------------------------------------------


class Record(nn.Module):
    """Appends its tag to a shared log and passes x through."""

    def __init__(self, tag: str, log: list[str]) -> None:
        super().__init__()
        self.tag, self.log = tag, log

    def forward(self, x: Any) -> Any:
        self.log.append(self.tag)
        return x


def test_sequential_applies_its_modules_in_order() -> None:
    log: list[str] = []
    model = nn.Sequential(Record("a", log), Record("b", log), Record("c", log))
    assert model("x") == "x"
    assert log == ["a", "b", "c"]


def test_sequential_output_equals_composing_its_layers_by_hand() -> None:
    g = np.random.default_rng(0)
    first, second = nn.Linear(3, 4, generator=g), nn.Linear(4, 2, generator=g)
    model = nn.Sequential(first, nn.ReLU(), second)
    x = tm.tensor(g.standard_normal((5, 3)))
    np.testing.assert_array_equal(model(x).data, second(first(x).relu()).data)


def test_an_empty_sequential_is_the_identity() -> None:
    x = tm.tensor([1.0, 2.0])
    assert nn.Sequential()(x) is x
    assert len(nn.Sequential()) == 0


def test_sequential_indexing_by_int_and_negative_int_returns_the_modules() -> None:
    layers = [nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1)]
    model = nn.Sequential(*layers)
    assert [model[i] for i in range(3)] == layers
    assert model[-1] is layers[2] and model[-3] is layers[0]
    assert model[np.int64(1)] is layers[1]


def test_sequential_slice_returns_a_sequential_of_the_same_module_objects() -> None:
    layers = [nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1), nn.Sigmoid()]
    model = nn.Sequential(*layers)
    head = model[:2]
    assert isinstance(head, nn.Sequential)
    assert list(head) == layers[:2]
    assert list(model[1::2]) == [layers[1], layers[3]]
    assert list(model[::-1]) == layers[::-1]
    assert model[2:][0].weight is layers[2].weight  # shares parameters, not copies


def test_sequential_slice_keeps_the_original_child_names_like_pytorch() -> None:
    model = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2))
    tail = model[1:]
    assert list(tail.state_dict()) == ["2.weight", "2.bias"]
    assert [name for name, _ in tail.named_children()] == ["1", "2"]
    assert repr(tail) == (
        "Sequential(\n"
        "  (1): ReLU()\n"
        "  (2): Linear(in_features=2, out_features=2, bias=True)\n"
        ")"
    )
    assert [name for name, _ in model[::-1].named_children()] == ["2", "1", "0"]
    assert tail[0] is model[1] and tail[-1] is model[2]  # integer indexing is by position


@pytest.mark.parametrize("index", [3, -4, 100])
def test_sequential_out_of_range_index_raises_index_error_naming_it(index: int) -> None:
    model = nn.Sequential(nn.Tanh(), nn.Tanh(), nn.Tanh())
    with pytest.raises(IndexError, match=rf"index {index} is out of range for 3 modules"):
        model[index]


def test_sequential_len_and_iteration_follow_the_modules() -> None:
    layers = [nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2)]
    model = nn.Sequential(*layers)
    assert len(model) == 3
    assert list(iter(model)) == layers
    assert [m for m in model] == layers


def test_sequential_append_adds_the_next_numbered_child_and_returns_self() -> None:
    model = nn.Sequential(nn.Linear(2, 3))
    last = nn.Linear(3, 1)
    assert model.append(nn.Tanh()).append(last) is model
    assert len(model) == 3 and model[2] is last
    assert [name for name, _ in model.named_children()] == ["0", "1", "2"]
    assert "2.weight" in model.state_dict()
    assert model(tm.tensor(np.ones((4, 2)))).shape == (4, 1)


@pytest.mark.parametrize("bad", [lambda x: x, 3, tm.tensor([1.0]), nn.Linear])
def test_sequential_rejects_non_modules_naming_their_type(bad: Any) -> None:
    what = "the class Linear" if bad is nn.Linear else type(bad).__name__
    with pytest.raises(TypeError, match=rf"Sequential: {what} (\(argument 1\) )?is not a Module"):
        nn.Sequential(nn.Tanh(), bad)
    model = nn.Sequential(nn.Tanh())
    for where, add in [("append", lambda: model.append(bad)),
                       ("extend", lambda: model.extend([nn.ReLU(), bad])),
                       ("insert", lambda: model.insert(0, bad)),
                       ("__setitem__", lambda: model.__setitem__(0, bad)),
                       ("add_module", lambda: nn.Sequential(OrderedDict(a=bad)))]:
        with pytest.raises(TypeError, match=rf"\.{where}: {what} (\(argument 1\) )?is not a "
                                            "Module"):
            add()
    assert len(model) == 1 and isinstance(model[0], nn.Tanh)  # extend added nothing


def test_sequential_append_never_replaces_a_child_after_a_name_was_deleted() -> None:
    first, last = nn.Linear(2, 2), nn.Linear(2, 2)
    model = nn.Sequential(first, nn.ReLU(), last)
    delattr(model, "1")
    added = nn.Tanh()
    model.append(added)
    assert list(model.named_children()) == [("0", first), ("2", last), ("3", added)]


def test_sequential_from_an_ordered_dict_uses_its_names_in_order() -> None:
    hidden, out = nn.Linear(2, 3), nn.Linear(3, 1)
    model = nn.Sequential(OrderedDict([("hidden", hidden), ("act", nn.Tanh()), ("out", out)]))
    assert list(model.state_dict()) == ["hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    assert model.hidden is hidden and model[0] is hidden and model[-1] is out
    assert "(act): Tanh()" in repr(model)
    x = tm.tensor(np.ones((4, 2)))
    np.testing.assert_array_equal(model(x).data, out(hidden(x).tanh()).data)


def test_sequential_from_an_ordered_dict_rejects_dotted_names() -> None:
    with pytest.raises(KeyError, match=r"Sequential\.add_module: name 'a\.b'"):
        nn.Sequential(OrderedDict([("a.b", nn.Tanh())]))


def test_sequential_delitem_removes_by_int_or_slice_and_renumbers_like_pytorch() -> None:
    layers = [nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2), nn.Tanh(), nn.Sigmoid()]
    model = nn.Sequential(*layers)
    del model[1]
    assert list(model.named_children()) == list(zip("0123", [layers[0], *layers[2:]]))
    del model[-3:-1]
    assert list(model.named_children()) == [("0", layers[0]), ("1", layers[4])]
    assert list(model.state_dict()) == ["0.weight", "0.bias"]
    assert not hasattr(model, "2")
    named = nn.Sequential(OrderedDict(a=nn.Tanh(), b=nn.ReLU()))
    del named[0]
    assert [name for name, _ in named.named_children()] == ["0"]  # PyTorch renumbers these too


def test_sequential_setitem_replaces_the_module_keeping_its_name() -> None:
    model = nn.Sequential(OrderedDict(a=nn.Linear(2, 2), b=nn.ReLU()))
    new = nn.Linear(2, 2)
    model[-1] = new
    assert list(model.named_children()) == [("a", model[0]), ("b", new)]
    assert model.b is new and list(model.state_dict())[-1] == "b.bias"


def test_sequential_insert_puts_the_module_at_index_renumbers_and_returns_self() -> None:
    first, relu, tanh, sigmoid = nn.Linear(2, 2), nn.ReLU(), nn.Tanh(), nn.Sigmoid()
    model = nn.Sequential(first, relu)
    assert model.insert(1, tanh) is model
    assert list(model.named_children()) == [("0", first), ("1", tanh), ("2", relu)]
    model.insert(-1, sigmoid).insert(4, first)
    assert list(model) == [first, tanh, sigmoid, relu, first]
    assert [name for name, _ in model.named_children()] == ["0", "1", "2", "3"]


@pytest.mark.parametrize("index", [3, -3])
def test_sequential_insert_out_of_range_raises_index_error_naming_the_range(index: int) -> None:
    model = nn.Sequential(nn.Tanh(), nn.ReLU())
    with pytest.raises(IndexError, match=rf"insert: index {index} is out of range for 2 modules "
                                         r"\(from -2 to 2\)"):
        model.insert(index, nn.Sigmoid())


def test_sequential_extend_appends_each_module_in_order_and_returns_self() -> None:
    model = nn.Sequential(nn.Linear(2, 2))
    more = [nn.Tanh(), nn.Linear(2, 1)]
    assert model.extend(more) is model
    assert list(model)[1:] == more
    model.extend(model)  # with itself: the modules it had, once
    assert len(model) == 6 and list(model)[3:] == list(model)[:3]
    assert [name for name, _ in model.named_children()] == ["0", "1", "2"]  # each child once


def test_sequential_pop_removes_and_returns_the_module_or_a_slice() -> None:
    layers = [nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2), nn.Tanh()]
    model = nn.Sequential(*layers)
    assert model.pop(1) is layers[1]
    assert list(model) == [layers[0], layers[2], layers[3]]
    popped = model.pop(slice(0, 2))
    assert isinstance(popped, nn.Sequential) and list(popped) == [layers[0], layers[2]]
    assert list(model.named_children()) == [("0", layers[3])]


@pytest.mark.parametrize(
    "operation",
    [lambda m: m.__getitem__(3), lambda m: m.__setitem__(-4, nn.Tanh()),
     lambda m: m.__delitem__(3), lambda m: m.pop(3)],
)
def test_sequential_out_of_range_int_raises_for_get_set_del_and_pop(
    operation: Callable[[nn.Sequential], Any],
) -> None:
    model = nn.Sequential(nn.Tanh(), nn.Tanh(), nn.Tanh())
    with pytest.raises(IndexError, match=r"out of range for 3 modules"):
        operation(model)
    assert len(model) == 3


def test_sequential_plus_joins_and_times_repeats_the_same_modules_as_pytorch() -> None:
    first, second = nn.Sequential(nn.Linear(2, 2), nn.Tanh()), nn.Sequential(nn.ReLU())
    joined = first + second
    assert list(joined) == [*first, *second] and len(first) == 2
    assert [name for name, _ in joined.named_children()] == ["0", "1", "2"]
    tripled = 3 * second
    assert len(tripled) == 3 and all(m is second[0] for m in tripled)
    twice = first * 2
    assert [n for n, _ in twice.named_parameters(remove_duplicate=False)] == [
        "0.weight", "0.bias", "2.weight", "2.bias"]  # the repeats share their weights
    first += second
    assert len(first) == 3 and first[2] is second[0]
    second *= 2
    assert len(second) == 2 and second[0] is second[1]


@pytest.mark.parametrize(
    ("operation", "error", "message"),
    [(lambda s: s.__add__([nn.Tanh()]), ValueError,
      r"^Sequential \+: only another Sequential can be added, got list"),
     (lambda s: s * 2.0, TypeError, r"^Sequential \*: the factor must be an int, got float"),
     (lambda s: s * 0, ValueError, r"^Sequential \*: the factor must be positive, got 0")],
)
def test_sequential_operators_refuse_what_pytorch_refuses(
    operation: Callable[[nn.Sequential], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        operation(nn.Sequential(nn.Tanh()))


def test_sequential_operators_give_pytorchs_names() -> None:
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Linear(2, 2)) * 2 + nn.Sequential(nn.Tanh())
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 2)) * 2 + torch.nn.Sequential(
        torch.nn.Tanh())
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert repr(ours) == repr(theirs)


# -- ModuleList --------------------------------------------------------------------------


class Tower(nn.Module):
    """A forward written by hand over a ModuleList, as PyTorch users write one."""

    def __init__(self, width: int, depth: int) -> None:
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))

    def forward(self, x: tm.Tensor) -> tm.Tensor:
        for layer in self.layers:
            x = layer(x).tanh()
        return x


def test_module_list_registers_its_modules_so_an_optimizer_trains_them() -> None:
    tower = Tower(3, 2)
    names = [name for name, _ in tower.named_parameters()]
    assert names == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"]
    assert list(tower.state_dict()) == names
    before = [p.data.copy() for p in tower.parameters()]
    optimizer = tm.optim.SGD(tower.parameters(), lr=0.1)
    (tower(tm.tensor(np.ones((2, 3)))) ** 2).sum().backward()
    optimizer.step()
    assert all(not np.array_equal(p.data, b) for p, b in zip(tower.parameters(), before))
    tower.eval()
    assert not any(m.training for m in tower.layers)


def test_module_list_behaves_like_a_list_numbering_children_from_zero() -> None:
    a, b, c = nn.Tanh(), nn.ReLU(), nn.Sigmoid()
    layers = nn.ModuleList([a, b])
    assert len(layers) == 2 and list(layers) == [a, b] and layers[-1] is b
    layers.append(c)
    layers.insert(0, nn.Identity())
    assert [name for name, _ in layers.named_children()] == ["0", "1", "2", "3"]
    assert layers.pop(0).__class__ is nn.Identity and list(layers) == [a, b, c]
    del layers[0]
    assert list(layers) == [b, c] and list(layers._modules) == ["0", "1"]
    layers[1] = a
    assert list(layers) == [b, a]
    tail = layers[1:]
    assert isinstance(tail, nn.ModuleList) and list(tail) == [a]
    assert list(tail._modules) == ["0"]  # a slice is renumbered, unlike Sequential's


def test_module_list_joins_with_plus_and_extends_with_plus_equals() -> None:
    first, second = nn.ModuleList([nn.Tanh()]), nn.ModuleList([nn.ReLU(), nn.Sigmoid()])
    joined = first + second
    assert [type(m) for m in joined] == [nn.Tanh, nn.ReLU, nn.Sigmoid] and len(first) == 1
    first += [nn.Identity()]
    assert [type(m) for m in first] == [nn.Tanh, nn.Identity]
    plus_list = first + (nn.ReLU(),)  # noqa: RUF005 - any iterable of modules, as in PyTorch
    assert [type(m) for m in plus_list] == [nn.Tanh, nn.Identity, nn.ReLU]
    with pytest.raises(TypeError, match=r"^ModuleList\.__add__: int is not a Module"):
        first + (3,)  # type: ignore[operator]  # noqa: RUF005


def test_module_list_refuses_non_modules_and_adds_nothing() -> None:
    layers = nn.ModuleList([nn.Tanh()])
    with pytest.raises(TypeError, match=r"^ModuleList\.extend: int is not a Module \(argument 1\)"):
        layers.extend([nn.ReLU(), 3])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"^ModuleList\.extend: expected an iterable of Modules, "
                                        "got Linear"):
        nn.ModuleList(nn.Linear(1, 1))  # type: ignore[arg-type]
    with pytest.raises(IndexError, match=r"^ModuleList: index 5 is out of range for 1 modules"):
        layers[5]
    assert len(layers) == 1


def test_module_list_has_no_forward_of_its_own() -> None:
    with pytest.raises(NotImplementedError, match=r"ModuleList does not define forward"):
        nn.ModuleList([nn.Tanh()])(tm.tensor([1.0]))


def test_module_list_repr_is_pytorchs() -> None:
    assert repr(nn.ModuleList([nn.Tanh()])) == "ModuleList(\n  (0): Tanh()\n)"
    assert repr(nn.ModuleList()) == "ModuleList()"
    runs = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU(), nn.Sequential(nn.Tanh())])
    assert repr(runs) == (
        "ModuleList(\n  (0-1): 2 x Linear(in_features=2, out_features=2, bias=True)\n"
        "  (2): ReLU()\n  (3): Sequential(\n    (0): Tanh()\n  )\n)")


def test_module_list_repr_equals_pytorchs_with_runs_and_nesting() -> None:
    torch = pytest.importorskip("torch")
    ours = nn.ModuleList([nn.Tanh(), nn.Tanh(), nn.Sequential(nn.ReLU(), nn.ReLU()), nn.Tanh()])
    theirs = torch.nn.ModuleList([torch.nn.Tanh(), torch.nn.Tanh(), torch.nn.Sequential(
        torch.nn.ReLU(), torch.nn.ReLU()), torch.nn.Tanh()])
    assert repr(ours) == repr(theirs)


# -- ModuleDict --------------------------------------------------------------------------


def test_module_dict_registers_its_modules_by_key_in_insertion_order() -> None:
    heads = nn.ModuleDict({"species": nn.Linear(2, 3)})
    heads["size"] = nn.Linear(2, 1)
    assert list(heads) == list(heads.keys()) == ["species", "size"]
    assert [name for name, _ in heads.named_parameters()] == [
        "species.weight", "species.bias", "size.weight", "size.bias"]
    assert "size" in heads and "colour" not in heads and len(heads) == 2
    assert [m.out_features for m in heads.values()] == [3, 1]  # type: ignore[attr-defined]
    assert [k for k, _ in heads.items()] == ["species", "size"]
    replaced = nn.Linear(2, 2)
    heads.update([("size", replaced)])
    assert heads["size"] is replaced and list(heads) == ["species", "size"]
    assert heads.pop("species").out_features == 3  # type: ignore[attr-defined]
    heads.clear()
    assert len(heads) == 0 and list(heads.parameters()) == []


def test_module_dict_state_dict_loads_into_a_twin() -> None:
    make = lambda seed: nn.ModuleDict(  # noqa: E731
        {"a": nn.Linear(2, 2, generator=np.random.default_rng(seed))})
    source, target = make(0), make(1)
    target.load_state_dict(source.state_dict())
    np.testing.assert_array_equal(target["a"].weight.data,  # type: ignore[union-attr]
                                  source["a"].weight.data)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: nn.ModuleDict({"train": nn.Tanh()}), KeyError, "already has an attribute 'train'"),
        (lambda: nn.ModuleDict({"a.b": nn.Tanh()}), KeyError, "contain no '.'"),
        (lambda: nn.ModuleDict({1: nn.Tanh()}), TypeError, "name must be a str, got int"),
        (lambda: nn.ModuleDict({"a": 3}), TypeError, "the value for 'a': int is not a Module"),
        (lambda: nn.ModuleDict([("a",)]), TypeError, "entry 0 should be a (key, module) pair"),
        (lambda: nn.ModuleDict(nn.Tanh()), TypeError, "expected a mapping or (key, module) pairs"),
        (lambda: nn.ModuleDict()["missing"], KeyError, "no module 'missing'; the keys are []"),
        (lambda: nn.ModuleDict().__delitem__("x"), KeyError, "no module 'x'"),
    ],
)
def test_module_dict_bad_keys_and_values_raise_naming_them(
    build: Callable[[], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        build()
    assert message in str(info.value)


def test_module_dict_takes_another_module_dict_as_pytorchs_does() -> None:
    first = nn.ModuleDict({"a": nn.Tanh(), "b": nn.ReLU()})
    copy = nn.ModuleDict(first)
    assert list(copy.items()) == list(first.items())
    copy.update(nn.ModuleDict({"c": nn.Sigmoid()}))
    assert list(copy) == ["a", "b", "c"]


def test_module_dict_update_with_one_bad_entry_adds_nothing() -> None:
    heads = nn.ModuleDict({"a": nn.Tanh()})
    with pytest.raises(TypeError, match=r"ModuleDict\.update: the value for 'c': str is not a "):
        heads.update({"b": nn.ReLU(), "c": "not a module"})  # type: ignore[dict-item]
    assert list(heads) == ["a"]


# -- plain lists of modules ----------------------------------------------------------------


def test_a_plain_list_or_dict_of_modules_warns_when_parameters_are_asked_for() -> None:
    class Forgetful(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = [nn.Linear(2, 2), nn.Tanh()]
            self.heads: dict[str, nn.Module] = {}
            self.heads["a"] = nn.Linear(2, 1)  # filled after the assignment: still caught

    model = Forgetful()  # no warning yet: the list may be registered later
    with pytest.warns(UserWarning) as record:
        found = list(model.parameters())
    messages = [str(warning.message) for warning in record]
    assert len(messages) == 2 and found == []  # as in PyTorch: the warning is all that differs
    assert messages[0].startswith("Forgetful.layers: a list of Modules is not registered, so "
                                  "parameters(), state_dict(), train()/eval() and to() miss")
    assert "use nn.ModuleList(...), as in PyTorch (or name the attribute _layers" in messages[0]
    assert messages[1].startswith("Forgetful.heads: a dict of Modules")
    assert "use nn.ModuleDict(...)" in messages[1]
    assert record[0].filename == __file__  # points at the user's line
    for ask in (lambda: model.named_parameters(), lambda: model.state_dict(),
                lambda: [model.to(tm.float32)]):
        with pytest.warns(UserWarning) as record:
            list(ask())  # type: ignore[call-overload]
        assert [str(w.message)[:16] for w in record] == ["Forgetful.layers", "Forgetful.heads:"]
        assert record[0].filename == __file__


def test_modules_registered_by_the_time_parameters_are_asked_for_do_not_warn() -> None:
    class Careful(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.blocks = [nn.Linear(2, 2), nn.Linear(2, 2)]
            self.net = nn.Sequential(*self.blocks)  # registered on the next line
            self._teacher = [nn.Linear(2, 2)]  # kept out on purpose: a leading underscore
            self.sizes = [2, 2]

    import warnings

    model = Careful()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(list(model.parameters())) == 4
        model.state_dict()
        model.zero_grad()
        list(model.named_parameters(recurse=False))


def test_append_after_deleting_two_children_never_replaces_an_existing_child() -> None:
    layers = [nn.Tanh() for _ in range(4)]
    model = nn.Sequential(*layers)
    delattr(model, "0")
    delattr(model, "1")  # left: "2", "3"; len 2, and both 2 and 3 are taken
    new = nn.Sigmoid()
    model.append(new)
    assert list(model) == [layers[2], layers[3], new]
    assert list(model._modules) == ["2", "3", "4"]


# M5


def test_sequential_of_a_plain_dict_raises_as_in_pytorch() -> None:
    with pytest.raises(TypeError, match=r"^Sequential: dict is not a Module \(argument 0\)"):
        nn.Sequential({"a": nn.Tanh()})  # type: ignore[call-overload]


# M10


def test_module_dict_update_refuses_entries_that_are_not_pairs_naming_the_entry() -> None:
    with pytest.raises(TypeError, match=r"entry 0 should be a \(key, module\) pair, got tuple"):
        nn.ModuleDict([("a", nn.Tanh(), "extra")])  # type: ignore[list-item]


# M12


def test_module_dict_pop_removes_the_attribute_and_refuses_a_missing_key() -> None:
    heads = nn.ModuleDict({"a": nn.Tanh()})
    with pytest.raises(KeyError, match=r"no module 'b'; the keys are \['a'\]"):
        heads.pop("b")
    heads.pop("a")
    assert not hasattr(heads, "a") and len(heads) == 0


# M16


def test_a_list_mixing_registered_and_new_modules_warns() -> None:
    class HalfForgetful(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.first = nn.Linear(2, 2)
            self.layers = [self.first, nn.Linear(2, 2)]  # the second is not registered

    with pytest.warns(UserWarning, match=r"HalfForgetful\.layers: a list of Modules"):
        list(HalfForgetful().parameters())


# M51


def test_sequential_plus_equals_extends_the_same_object_in_place_as_pytorch() -> None:
    model, tail = nn.Sequential(nn.Tanh()), nn.Sequential(nn.ReLU(), nn.Sigmoid())
    alias = model
    model += tail
    assert model is alias and [type(m) for m in alias] == [nn.Tanh, nn.ReLU, nn.Sigmoid]
    assert [name for name, _ in alias.named_children()] == ["0", "1", "2"]


def test_sequential_plus_equals_refuses_a_list_naming_the_operator() -> None:
    model = nn.Sequential(nn.Tanh())
    with pytest.raises(ValueError, match=r"^Sequential \+=: only another Sequential can be "
                                         r"added, got list"):
        model += [nn.ReLU()]  # type: ignore[assignment]
    assert len(model) == 1


# -- ParameterList and ParameterDict -----------------------------------------------------


class Mixture(nn.Module):
    """A layer, a list of scales and a dict of offsets: PyTorch's names for each part."""

    def __init__(self) -> None:
        super().__init__()
        self.layer = nn.Linear(2, 2)
        self.scales = nn.ParameterList([tm.ones(2), tm.ones(3)])
        self.offsets = nn.ParameterDict({"size": tm.zeros(1), "colour": tm.zeros(2)})

    def forward(self, x: tm.Tensor) -> tm.Tensor:
        out = self.layer(x) * self.scales[0]
        return out.sum() * self.scales[1].sum() + sum(p.sum() for p in self.offsets.values())


def torch_mixture(torch: ModuleType) -> Any:
    """Mixture built from PyTorch's modules, in float64."""
    model = torch.nn.Module()
    model.layer = torch.nn.Linear(2, 2)
    model.scales = torch.nn.ParameterList([torch.ones(2), torch.ones(3)])
    model.offsets = torch.nn.ParameterDict({"size": torch.zeros(1), "colour": torch.zeros(2)})
    return model.double()


def test_parameter_containers_register_their_parameters_so_an_optimizer_trains_them() -> None:
    model = Mixture()
    assert [name for name, _ in model.named_parameters()] == [
        "layer.weight", "layer.bias", "scales.0", "scales.1", "offsets.colour", "offsets.size"]
    before = [p.data.copy() for p in model.parameters()]
    optimizer = tm.optim.SGD(model.parameters(), lr=0.1)
    model(tm.tensor(np.ones((3, 2)))).backward()
    optimizer.step()
    assert all(not np.array_equal(p.data, b) for p, b in zip(model.parameters(), before))


def test_parameter_containers_state_dict_keys_equal_pytorchs_for_the_same_structure(
    torch: ModuleType
) -> None:
    ours, theirs = Mixture(), torch_mixture(torch)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    for key, value in theirs.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), ours.state_dict()[key])


def test_parameter_containers_round_trip_through_load_state_dict() -> None:
    source, target = Mixture(), Mixture()
    for parameter in source.parameters():
        parameter.data = np.random.default_rng(5).standard_normal(parameter.shape)
    target.load_state_dict(source.state_dict())
    for key, value in source.state_dict().items():
        np.testing.assert_array_equal(target.state_dict()[key], value)
    np.testing.assert_array_equal(target.scales[1].data, source.scales[1].data)
    np.testing.assert_array_equal(target.offsets["colour"].data, source.offsets["colour"].data)


def test_parameter_list_behaves_like_a_list_numbering_parameters_from_zero() -> None:
    a, b, c = nn.Parameter(np.zeros(1)), nn.Parameter(np.zeros(2)), nn.Parameter(np.zeros(3))
    params = nn.ParameterList([a])
    assert params.append(b) is params and params.extend([c]) is params
    assert len(params) == 3 and list(params) == [a, b, c]
    assert params[0] is a and params[-1] is c and params[np.int64(1)] is b
    sliced = params[1:]
    assert isinstance(sliced, nn.ParameterList) and list(sliced) == [b, c]
    assert [name for name, _ in sliced.named_parameters()] == ["0", "1"]
    replacement = nn.Parameter(np.ones(2))
    params[1] = replacement
    assert params[1] is replacement and dict(params.named_parameters())["1"] is replacement
    params += [nn.Parameter(np.ones(4))]
    assert [name for name, _ in params.named_parameters()] == ["0", "1", "2", "3"]


def test_parameter_containers_wrap_a_tensor_as_a_parameter_sharing_its_data() -> None:
    t = tm.tensor([1.0, 2.0])
    wrapped = nn.ParameterList([t])[0]
    assert isinstance(wrapped, nn.Parameter) and wrapped.requires_grad and wrapped is not t
    t.data[0] = 5.0
    assert wrapped.tolist() == [5.0, 2.0]  # as PyTorch's Parameter(t), the same memory
    kept = nn.Parameter(np.zeros(2), requires_grad=False)
    assert nn.ParameterDict({"k": kept})["k"] is kept  # a Parameter is kept as it is


def test_parameter_containers_wrap_tensors_as_pytorchs_do(torch: ModuleType) -> None:
    theirs = torch.nn.ParameterList([torch.ones(2)])[0]
    ours = nn.ParameterList([tm.ones(2)])[0]
    assert isinstance(theirs, torch.nn.Parameter) and isinstance(ours, nn.Parameter)
    assert ours.requires_grad == theirs.requires_grad


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: nn.ParameterList([np.zeros(2)]), TypeError,
         "ParameterList.extend (item 0): expected a Parameter or a Tensor, got ndarray (wrap"),
        (lambda: nn.ParameterList([tm.tensor([1, 2])]), TypeError,
         "ParameterList.extend (item 0): a parameter must be floating point"),
        (lambda: nn.ParameterList().append(3), TypeError,
         "ParameterList.append: expected a Parameter or a Tensor, got int"),
        (lambda: nn.ParameterList(tm.zeros(2)), TypeError,
         "ParameterList.extend: expected an iterable of Parameters or Tensors, got Tensor"),
        (lambda: nn.ParameterList(5), TypeError, "ParameterList.extend: expected an iterable"),
        (lambda: nn.ParameterList([tm.zeros(1)])[1], IndexError,
         "ParameterList: index 1 is out of range for 1 parameters"),
        (lambda: nn.ParameterList([tm.zeros(1)])[-2], IndexError, "index -2 is out of range"),
        (lambda: nn.ParameterList([tm.zeros(1)])["0"], TypeError,
         "ParameterList: index must be an int or a slice, got str"),
        (lambda: nn.ParameterList([tm.zeros(1)]).__setitem__(0, "x"), TypeError,
         "ParameterList.__setitem__: expected a Parameter or a Tensor, got str"),
        (lambda: nn.ParameterList([tm.zeros(1)]).__setitem__(slice(0, 1), [tm.zeros(1)]),
         TypeError, "ParameterList: assigning to a slice is not supported"),
        (lambda: nn.ParameterList([tm.zeros(1)]).register_parameter("0", None), TypeError,
         "ParameterList: entry '0' cannot be None here (PyTorch's can)"),
    ],
)
def test_parameter_list_bad_values_and_indices_raise_naming_them(
    build: Callable[[], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        build()
    assert message in str(info.value)


def test_parameter_list_extend_with_one_bad_value_adds_nothing() -> None:
    params = nn.ParameterList([tm.zeros(1)])
    with pytest.raises(TypeError, match=r"ParameterList\.extend \(item 1\)"):
        params.extend([tm.zeros(2), "not a tensor"])  # type: ignore[list-item]
    assert len(params) == 1


def test_parameter_dict_behaves_like_a_dict_keeping_insertion_order() -> None:
    a, b = nn.Parameter(np.zeros(1)), nn.Parameter(np.zeros(2))
    params = nn.ParameterDict([("b", b)])
    params["a"] = a
    assert list(params) == list(params.keys()) == ["b", "a"] and len(params) == 2
    assert list(params.values()) == [b, a] and list(params.items()) == [("b", b), ("a", a)]
    assert "a" in params and "c" not in params and params["a"] is a
    assert params.get("a") is a and params.get("c") is None and params.get("c", b) is b
    replaced = nn.Parameter(np.ones(3))
    params.update({"b": replaced})
    assert params["b"] is replaced and list(params) == ["b", "a"]  # in its old place
    assert params.pop("b") is replaced and list(params) == ["a"]
    assert not hasattr(params, "b")
    del params["a"]
    assert len(params) == 0 and list(params.parameters()) == []
    params.update(nn.ParameterDict({"x": a, "y": b}))
    params.clear()
    assert list(params.keys()) == []


def test_parameter_dict_adds_a_plain_dict_in_sorted_key_order_as_pytorch(
    torch: ModuleType
) -> None:
    keys = ["zeta", "alpha", "mu"]
    ours = nn.ParameterDict({key: tm.zeros(1) for key in keys})
    theirs = torch.nn.ParameterDict({key: torch.zeros(1) for key in keys})
    assert list(ours) == list(theirs) == sorted(keys)
    ordered = OrderedDict((key, tm.zeros(1)) for key in keys)
    assert list(nn.ParameterDict(ordered)) == list(torch.nn.ParameterDict(
        OrderedDict((key, torch.zeros(1)) for key in keys))) == keys
    pairs = [(key, tm.zeros(1)) for key in keys]
    assert list(nn.ParameterDict(pairs)) == keys


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: nn.ParameterDict({"update": tm.zeros(1)}), KeyError,
         "already has an attribute 'update'"),
        (lambda: nn.ParameterDict({"a.b": tm.zeros(1)}), KeyError, "contain no '.'"),
        (lambda: nn.ParameterDict({"": tm.zeros(1)}), KeyError, "must be non-empty"),
        (lambda: nn.ParameterDict({1: tm.zeros(1)}), TypeError, "name must be a str, got int"),
        (lambda: nn.ParameterDict({"a": 3}), TypeError,
         "ParameterDict.update: the value for 'a': expected a Parameter or a Tensor, got int"),
        (lambda: nn.ParameterDict([("a",)]), TypeError, "entry 0 should be a (key, value) pair"),
        (lambda: nn.ParameterDict(5), TypeError, "expected a mapping or (key, value) pairs"),
        (lambda: nn.ParameterDict()["missing"], KeyError,
         "no parameter 'missing'; the keys are []"),
        (lambda: nn.ParameterDict().__delitem__("x"), KeyError, "no parameter 'x'"),
        (lambda: nn.ParameterDict().pop("x"), KeyError, "no parameter 'x'"),
        (lambda: nn.ParameterDict().__setitem__("keys", tm.zeros(1)), KeyError,
         "ParameterDict.__setitem__: ParameterDict already has an attribute 'keys'"),
        (lambda: setattr(nn.ParameterDict({"a": tm.zeros(1)}), "a", None), TypeError,
         "ParameterDict: entry 'a' cannot be None here (PyTorch's can)"),
    ],
)
def test_parameter_dict_bad_keys_and_values_raise_naming_them(
    build: Callable[[], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        build()
    assert message in str(info.value)


def test_parameter_dict_update_with_one_bad_entry_adds_nothing() -> None:
    params = nn.ParameterDict({"a": tm.zeros(1)})
    with pytest.raises(TypeError, match=r"the value for 'c'"):
        params.update([("b", tm.zeros(1)), ("c", "not a tensor")])  # type: ignore[list-item]
    assert list(params) == ["a"]


def test_parameter_container_reprs_follow_pytorchs_layout(torch: ModuleType) -> None:
    ours = nn.ParameterList([tm.zeros(2, 3), tm.tensor([1.0], dtype=tm.float32)])
    theirs = torch.nn.ParameterList([torch.zeros(2, 3, dtype=torch.float64), torch.ones(1)])
    assert repr(ours) == repr(theirs).replace("torch.", "")
    assert repr(nn.ParameterList()) == repr(torch.nn.ParameterList()) == "ParameterList()"
    assert repr(nn.ParameterDict({"w": tm.zeros(3)})) == (
        "ParameterDict(  (w): Parameter containing: [float64 of size 3])")
    assert repr(torch.nn.ParameterDict({"w": torch.zeros(3, dtype=torch.float64)})) == (
        "ParameterDict(  (w): Parameter containing: [torch.DoubleTensor of size 3])")


def test_a_refused_none_leaves_the_container_as_it_was() -> None:
    params = nn.ParameterDict({"a": tm.zeros(1), "b": tm.ones(2)})
    before = params["a"]
    with pytest.raises(TypeError, match="cannot be None"):
        params.a = None
    assert params["a"] is before and repr(params).count("Parameter containing") == 2


def test_parameter_list_slices_follow_python_steps() -> None:
    weights = [tm.tensor([float(i)]) for i in range(5)]
    params = nn.ParameterList(weights)
    assert [p.item() for p in params[::2]] == [0.0, 2.0, 4.0]
    assert [p.item() for p in params[::-1]] == [4.0, 3.0, 2.0, 1.0, 0.0]
    assert [name for name, _ in params[3:0:-2].named_parameters()] == ["0", "1"]


def test_parameter_dict_update_from_another_keeps_its_order() -> None:
    source = nn.ParameterDict([("z", tm.zeros(1)), ("a", tm.ones(1))])
    target = nn.ParameterDict()
    target.update(source)
    assert list(target.keys()) == ["z", "a"]  # PyTorch sorts only a plain dict's keys
