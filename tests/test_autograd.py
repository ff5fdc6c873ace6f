"""The backward engine: order, accumulation, freeing, grad mode, hooks, tm.grad, higher order."""

from __future__ import annotations

import gc
import warnings
import weakref
from typing import Any

import numpy as np
import pytest
from hypothesis import given

import tinygrad_mlp as tm
from tests.strategies import arrays, leaf, shapes


def test_reused_intermediate_node_gets_the_sum_of_its_gradients() -> None:
    a = tm.tensor([1.0, -2.0, 3.0], requires_grad=True)
    b = a + a
    c = b * b  # c = 4a², dc/da = 8a
    c.sum().backward()
    assert a.grad is not None
    np.testing.assert_allclose(a.grad.data, 8 * a.data)


def test_diamond_graph_runs_each_rule_once_with_its_complete_gradient() -> None:
    x = tm.tensor(0.7, requires_grad=True)
    h = x.sigmoid()
    y = h * h + h.tanh() + h  # three paths out of h
    y.backward()
    s = 1 / (1 + np.exp(-0.7))
    expected = (2 * s + (1 - np.tanh(s) ** 2) + 1) * s * (1 - s)
    assert x.grad is not None
    assert x.grad.item() == pytest.approx(expected, rel=1e-12)


def test_gradients_accumulate_into_leaves_across_backward_calls() -> None:
    w = tm.tensor([1.0, 2.0], requires_grad=True)
    (w * 3.0).sum().backward()
    (w * 4.0).sum().backward()
    assert w.grad is not None
    np.testing.assert_allclose(w.grad.data, [7.0, 7.0])


def test_second_backward_through_a_freed_graph_raises_and_names_retain_graph() -> None:
    w = tm.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        loss.backward()


def test_retain_graph_allows_a_second_backward_that_adds_up() -> None:
    w = tm.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    loss.backward(retain_graph=True)
    loss.backward()
    assert w.grad is not None
    np.testing.assert_allclose(w.grad.data, 4 * w.data)


def test_a_chain_of_100000_ops_backpropagates_without_recursion_error() -> None:
    x = tm.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad is not None and x.grad.item() == 1.0


def test_backward_of_a_non_scalar_needs_a_gradient_of_its_shape() -> None:
    w = tm.tensor([1.0, 2.0], requires_grad=True)
    y = w * 2.0
    with pytest.raises(RuntimeError, match=r"shape \(2,\)"):
        y.backward()
    with pytest.raises(RuntimeError, match=r"gradient has shape \(3,\)"):
        y.backward(np.ones(3))
    y.backward(np.array([1.0, 10.0]))
    assert w.grad is not None
    np.testing.assert_allclose(w.grad.data, [2.0, 20.0])


def test_backward_on_a_tensor_that_does_not_require_grad_raises() -> None:
    with pytest.raises(RuntimeError, match="does not require grad"):
        tm.tensor([1.0]).sum().backward()


def test_no_grad_records_nothing_as_context_and_as_decorator() -> None:
    w = tm.tensor([1.0], requires_grad=True)
    with tm.no_grad():
        y = w * 2.0
        with tm.enable_grad():
            z = w * 2.0
    assert y.grad_fn is None and not y.requires_grad
    assert z.grad_fn is not None
    assert tm.is_grad_enabled()

    @tm.no_grad()
    def double(t: tm.Tensor) -> tm.Tensor:
        return t * 2.0

    assert double(w).grad_fn is None
    assert double(w).grad_fn is None  # the same decorator instance is reusable
    assert tm.is_grad_enabled()


def test_set_grad_enabled_as_a_plain_call_switches_the_mode_until_switched_back() -> None:
    w = tm.tensor([1.0], requires_grad=True)
    try:
        tm.set_grad_enabled(False)
        assert not tm.is_grad_enabled()
        assert (w * 2.0).grad_fn is None
    finally:
        tm.set_grad_enabled(True)
    assert tm.is_grad_enabled() and (w * 2.0).grad_fn is not None


def test_set_grad_enabled_in_with_and_as_decorator_restores_the_mode_from_before() -> None:
    w = tm.tensor([1.0], requires_grad=True)
    with tm.set_grad_enabled(False):
        assert (w * 2.0).grad_fn is None
        with tm.set_grad_enabled(True):
            assert (w * 2.0).grad_fn is not None
        assert not tm.is_grad_enabled()
    assert tm.is_grad_enabled()

    @tm.set_grad_enabled(False)
    def double(t: tm.Tensor) -> tm.Tensor:
        return t * 2.0

    assert tm.is_grad_enabled()  # decorating switches nothing
    assert double(w).grad_fn is None and double(w).grad_fn is None
    assert tm.is_grad_enabled()
    with tm.no_grad():

        @tm.set_grad_enabled(True)
        def record(t: tm.Tensor) -> tm.Tensor:
            return t * 2.0

        assert not tm.is_grad_enabled()
        assert record(w).grad_fn is not None and not tm.is_grad_enabled()


def test_set_grad_enabled_refuses_a_mode_that_is_not_a_bool() -> None:
    with pytest.raises(TypeError, match="set_grad_enabled: mode must be a bool, got int"):
        tm.set_grad_enabled(0)  # type: ignore[arg-type]
    assert tm.is_grad_enabled()


def test_no_grad_restores_grad_mode_after_an_exception() -> None:
    with pytest.raises(ZeroDivisionError), tm.no_grad():
        raise ZeroDivisionError
    assert tm.is_grad_enabled()


def test_ops_on_tensors_that_need_no_grad_record_nothing() -> None:
    y = tm.tensor([1.0]) * tm.tensor([2.0])
    assert y.grad_fn is None and y.is_leaf and not y.requires_grad


def test_retain_grad_keeps_an_intermediate_gradient_and_others_stay_none() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3.0
    h.retain_grad()
    other = h * 1.0
    (other * other).sum().backward()
    assert h.retains_grad and h.grad is not None
    np.testing.assert_allclose(h.grad.data, 2 * h.data)
    with pytest.warns(UserWarning, match=r"not a leaf \(made by mul\)"):
        assert other.grad is None


def test_hooks_see_and_may_replace_gradients_and_can_be_removed() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    seen: list[np.ndarray] = []
    handle = x.register_hook(lambda g: seen.append(g.data.copy()))  # type: ignore[func-returns-value]
    h = x * 2.0
    h.register_hook(lambda g: g * 10.0)
    h.sum().backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.data, [20.0, 20.0])
    np.testing.assert_allclose(seen[0], [20.0, 20.0])
    handle.remove()
    x.grad = None
    (x * 1.0).sum().backward()
    assert len(seen) == 1


def test_grad_returns_gradients_without_touching_dot_grad() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    h = x * x
    y = (h * 3.0).sum()
    gx, gh = tm.grad(y, [x, h])
    assert gx is not None and gh is not None
    np.testing.assert_allclose(gx.data, 6 * x.data)
    np.testing.assert_allclose(gh.data, [3.0, 3.0])
    assert x.grad is None


def test_grad_of_an_unused_input_raises_unless_allowed() -> None:
    x = tm.tensor([1.0], requires_grad=True)
    unused = tm.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="not used"):
        tm.grad((x * 2.0).sum(), [x, unused])
    gx, gu = tm.grad((x * 2.0).sum(), [x, unused], allow_unused=True)
    assert gu is None and gx is not None


def test_hessian_vector_product_of_a_quadratic_form_is_a_plus_a_transpose_times_v() -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4, 4))
    v = rng.standard_normal(4)
    x = tm.tensor(rng.standard_normal(4), requires_grad=True)
    f = x @ tm.tensor(a) @ x
    (g,) = tm.grad(f, x, create_graph=True)
    assert g is not None and g.requires_grad
    (hv,) = tm.grad((g * v).sum(), x)
    assert hv is not None
    np.testing.assert_allclose(hv.data, (a + a.T) @ v, rtol=1e-12)


def test_backward_with_create_graph_gives_differentiable_leaf_gradients() -> None:
    x = tm.tensor(2.0, requires_grad=True)
    (x**3).backward(create_graph=True)
    assert x.grad is not None and x.grad.item() == pytest.approx(12.0)
    first = x.grad
    x.grad = None
    first.backward()
    assert x.grad is not None and x.grad.item() == pytest.approx(12.0)  # d(3x²)/dx = 6x


def test_backward_frees_saved_arrays_but_keeps_the_graph_structure() -> None:
    x = tm.tensor(np.ones(3), requires_grad=True)
    h = x * 2.0
    saved = weakref.ref(h.data)
    y = (h * h).sum()
    del h
    gc.collect()
    assert saved() is not None  # the mul node saved h for backward
    y.backward()
    assert saved() is None
    assert y.grad_fn is not None and y.grad_fn.parents  # structure stays for drawing


def test_dropping_the_output_frees_the_whole_graph_without_the_garbage_collector() -> None:
    gc.disable()
    try:
        x = tm.tensor(np.ones(3), requires_grad=True)
        y = (x.sigmoid() * x.exp()).softmax(0).sum()
        node = weakref.ref(y.grad_fn)  # type: ignore[arg-type]
        y.backward(retain_graph=True)
        del y
        assert node() is None  # no reference cycles: freed by reference counting alone
    finally:
        gc.enable()


@given(shape=shapes(max_dims=2), data=arrays(shapes(max_dims=2)))
def test_float32_parameters_get_float32_gradients_even_from_float64_data(
    shape: tuple[int, ...], data: np.ndarray
) -> None:
    w = tm.tensor(np.ones(shape), dtype=tm.float32, requires_grad=True)
    (w * leaf(np.ones(shape), requires_grad=False)).sum().backward()
    assert w.grad is not None and w.grad.dtype == np.float32 and w.grad.shape == w.shape


def test_leaf_gradients_are_writable_arrays_of_their_own() -> None:
    w = tm.tensor(np.zeros((2, 3)), requires_grad=True)
    v = tm.tensor(np.zeros((2, 3)), requires_grad=True)
    w.sum().backward()  # the gradient of a sum is a broadcast (read-only) view
    assert w.grad is not None and w.grad.data.flags.writeable
    (w + v).sum().backward()
    assert w.grad is not v.grad


def test_changing_a_saved_tensor_in_place_through_any_view_makes_backward_refuse() -> None:
    x = tm.tensor([[1.0, 2.0]], requires_grad=True)
    w = tm.tensor([[3.0, 4.0]], requires_grad=True)
    loss = (x @ w.T).sum()  # matmul saved the transpose, a view of w's memory
    with tm.no_grad():
        w.data -= 1.0  # assigning .data bumps w's version, which the transpose shares
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_changing_an_input_its_gradient_never_reads_leaves_backward_exact() -> None:
    x = tm.tensor([[1.0, 2.0]], requires_grad=True)
    layer = tm.nn.Linear(2, 3)
    loss = layer(x).sum()
    with tm.no_grad():
        layer.bias.data += 1.0  # dL/dW, dL/dx and dL/db do not depend on the bias
    loss.backward()
    assert layer.bias.grad is not None and x.grad is not None
    np.testing.assert_array_equal(layer.bias.grad.data, np.ones(3))
    np.testing.assert_allclose(x.grad.data, layer.weight.data.sum(axis=0, keepdims=True))


def test_detach_and_reshape_share_the_version_counter_of_their_base() -> None:
    w = tm.tensor([1.0, 2.0], requires_grad=True)
    views = [w.detach(), w.reshape(2, 1), w[0:1], w.expand(3, 2)]
    w._version += 1
    assert [v._version for v in views] == [1, 1, 1, 1]
    assert (w * 2.0)._version == 0  # a new array has its own counter


def test_assigning_to_data_counts_as_an_in_place_change() -> None:
    w = tm.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    with tm.no_grad():
        w.data -= 0.5  # Python runs this as w.data = w.data.__isub__(0.5)
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_every_leaf_gets_its_own_gradient_memory_as_in_pytorch() -> None:
    a, b = tm.tensor([1.0, 2.0], requires_grad=True), tm.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()  # add hands the same gradient array to both inputs
    assert a.grad is not None and b.grad is not None
    with tm.no_grad():
        a.grad *= 0.5  # gradient clipping in place, say
    np.testing.assert_array_equal(b.grad.data, [1.0, 1.0])
    seed = tm.tensor([1.0, 1.0])
    c = tm.tensor([5.0, 6.0], requires_grad=True)
    c.backward(seed)
    with tm.no_grad():
        c.grad *= 3.0
    np.testing.assert_array_equal(seed.data, [1.0, 1.0])  # the caller's array is untouched


def test_a_retained_gradient_adds_up_over_backward_calls_in_its_own_memory() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2.0
    y.retain_grad()
    z = (y * 3.0).sum()
    z.backward(retain_graph=True)
    z.backward()
    assert y.grad is not None and x.grad is not None
    np.testing.assert_array_equal(y.grad.data, [6.0, 6.0])  # 3 + 3, as PyTorch
    np.testing.assert_array_equal(x.grad.data, [12.0, 12.0])
    assert not np.shares_memory(y.grad.data, x.grad.data)


@pytest.mark.parametrize("op", ["exp", "sigmoid", "tanh", "softmax", "log_softmax"])
def test_changing_an_ops_saved_output_in_place_makes_backward_refuse(op: str) -> None:
    x = tm.tensor([0.5, -1.0], requires_grad=True)
    y = getattr(x, op)()
    with tm.no_grad():
        y *= 2.0  # backward would read the doubled values as the op's output
    with pytest.raises(RuntimeError, match=rf"{op} backward: its output \(shape \(2,\)\) was "
                                           r"modified in place.*version 1"):
        y.sum().backward()


def test_a_copy_made_by_indexing_does_not_share_its_sources_version() -> None:
    x = tm.tensor([1.0, 2.0, 3.0], requires_grad=True)
    loss = (x * x).sum()
    copy = x.detach()[np.array([0, 1])]  # advanced indexing copies
    copy += 1.0
    loss.backward()  # x itself never changed
    assert x.grad is not None
    view = x.detach()[0:2]  # a basic slice is a view: changing it changes x
    view += 1.0
    assert x._version == 1


def test_grad_returns_the_gradient_for_an_input_given_twice() -> None:
    x = tm.tensor([1.0, 3.0], requires_grad=True)
    first, second = tm.grad((x * x).sum(), [x, x])
    assert first is not None and second is not None
    np.testing.assert_array_equal(first.data, [2.0, 6.0])
    np.testing.assert_array_equal(second.data, [2.0, 6.0])
    assert tm.gradcheck(lambda a, b: (a * b).sum(), [x, x])


def test_a_hook_that_removes_itself_does_not_skip_the_next_one() -> None:
    calls: list[str] = []

    def hooked_twice(on_leaf: bool) -> None:
        x = tm.tensor([1.0], requires_grad=True)
        target = x if on_leaf else x * 1.0
        handles: list[Any] = []

        def first(grad: tm.Tensor) -> None:
            calls.append("h1")
            handles[0].remove()

        handles.append(target.register_hook(first))
        target.register_hook(lambda grad: calls.append("h2"))
        (target * 2.0).sum().backward()

    hooked_twice(on_leaf=True)
    hooked_twice(on_leaf=False)
    assert calls == ["h1", "h2", "h1", "h2"]


def test_grad_refuses_one_grad_output_for_several_outputs_as_pytorch() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="grad: 2 outputs but 1 grad_outputs"):
        tm.grad([x * 2.0, x * 3.0], [x], grad_outputs=tm.tensor([1.0, 1.0]))


def test_no_grad_and_enable_grad_decorate_with_or_without_parentheses() -> None:
    x = tm.tensor([1.0], requires_grad=True)

    @tm.no_grad
    def bare(t: tm.Tensor) -> bool:
        return (t * 2.0).requires_grad

    @tm.no_grad()
    def called(t: tm.Tensor) -> bool:
        return (t * 2.0).requires_grad

    @tm.enable_grad
    def back_on(t: tm.Tensor) -> bool:
        return (t * 2.0).requires_grad

    assert not bare(x) and not called(x) and bare.__name__ == "bare"
    with tm.no_grad():
        assert back_on(x)
    assert (x * 2.0).requires_grad


def test_grad_runs_only_the_part_of_the_graph_that_leads_to_its_inputs() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    w = tm.tensor([3.0, 4.0], requires_grad=True)
    fired: list[str] = []
    h = w * 3.0
    h.register_hook(lambda g: fired.append("h"))
    w.register_hook(lambda g: fired.append("w"))
    out = (x * x).sum() + h.sum()
    (gx,) = tm.grad(out, x, retain_graph=True)
    assert gx is not None
    np.testing.assert_array_equal(gx.data, [2.0, 4.0])
    assert fired == []  # as in PyTorch: the branch through w is never run
    h.sum().backward()  # frees the branch through w ...
    (again,) = tm.grad(out, x)  # ... which tm.grad does not need
    assert again is not None and w.grad is not None
    np.testing.assert_array_equal(again.data, [2.0, 4.0])


def test_backward_adds_into_a_grad_that_is_a_tensor_subclass() -> None:
    w = tm.tensor([1.0, 2.0], requires_grad=True)
    w.grad = tm.nn.Parameter(tm.zeros(2))  # any Tensor may hold a gradient, as in PyTorch
    (w * w).sum().backward()
    assert w.grad is not None
    np.testing.assert_array_equal(w.grad.data, [2.0, 4.0])


def test_a_float32_leaf_gets_float32_gradients_on_every_path_as_in_pytorch() -> None:
    x = tm.tensor([1.0, 2.0], dtype=tm.float32, requires_grad=True)
    c = tm.tensor([3.0, 4.0])  # float64: numpy promotes x * c to float64
    (grad,) = tm.grad((x * c).sum(), x)
    assert grad.dtype == np.float32
    seen: list[Any] = []
    x.register_hook(lambda g: seen.append(g.dtype))
    (x * c).sum().backward(create_graph=True)
    assert x.grad is not None and x.grad.dtype == np.float32 and seen == [np.float32]
    (second,) = tm.grad(((x * c) ** 2).sum(), x, create_graph=True)
    assert second.dtype == np.float32 and second.requires_grad


def test_changing_an_index_array_after_indexing_leaves_the_gradient_right() -> None:
    x = tm.tensor([1.0, 2.0, 3.0], requires_grad=True)
    index = tm.tensor([0, 0])
    plain = np.array([2])
    y = x[index].sum() + x[plain].sum()
    with tm.no_grad():
        index += 1
    plain += 1
    y.backward()
    assert x.grad is not None and x.grad.tolist() == [2.0, 0.0, 1.0]


def test_max_of_values_with_a_nan_sends_the_gradient_to_the_nan_as_pytorch() -> None:
    x = tm.tensor([1.0, np.nan, 2.0], requires_grad=True)
    x.max().backward()
    assert x.grad is not None and x.grad.tolist() == [0.0, 1.0, 0.0]
    rows = tm.tensor([[1.0, np.nan], [3.0, 2.0]], requires_grad=True)
    rows.amax(1).sum().backward()
    assert rows.grad is not None and rows.grad.tolist() == [[0.0, 1.0], [1.0, 0.0]]


def test_a_leaf_hook_replaces_the_gradient_for_backward_and_for_grad_as_pytorch() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: g * 2.0)
    (x * 3.0).sum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.data, [6.0, 6.0])
    (gx,) = tm.grad((x * 3.0).sum(), x)  # torch.autograd.grad runs an input's hooks too
    assert gx is not None
    np.testing.assert_array_equal(gx.data, [6.0, 6.0])


def test_a_leaf_hook_that_changes_the_dtype_still_lands_a_grad_of_the_leafs_dtype() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: g.float())
    (x * 3.0).sum().backward()
    assert x.grad is not None and x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])


def test_grad_of_an_output_given_twice_is_the_sum_of_both_as_pytorch() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    (twice,) = tm.grad([y, y], x, retain_graph=True)
    (once,) = tm.grad(y, x)
    assert twice is not None and once is not None
    np.testing.assert_array_equal(once.data, [2.0, 4.0])
    np.testing.assert_array_equal(twice.data, 2 * once.data)
    ones = tm.tensor([1.0, 1.0])
    (of_leaf,) = tm.grad([x, x], x, grad_outputs=[ones, ones])  # a leaf as both outputs
    assert of_leaf is not None
    np.testing.assert_array_equal(of_leaf.data, [2.0, 2.0])


def test_a_retained_gradient_does_not_share_memory_with_a_leaf_given_the_same_array() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    y = x + 1.0  # add hands its gradient array on to x unchanged
    y.retain_grad()
    y.sum().backward()
    assert y.grad is not None and x.grad is not None
    assert not np.shares_memory(y.grad.data, x.grad.data)
    with tm.no_grad():
        y.grad *= 5.0
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0])
    np.testing.assert_array_equal(y.grad.data, [5.0, 5.0])


def test_grad_frees_the_graph_by_default_unless_told_to_retain_it_as_pytorch() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    tm.grad(y, x)
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()
    kept = (x * x).sum()
    tm.grad(kept, x, retain_graph=True)
    kept.backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.data, [2.0, 4.0])


def test_a_float64_tensor_cast_to_float32_gets_float64_gradients_as_pytorch() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2.0
    y.retain_grad()
    seen: list[np.dtype[Any]] = []
    y.register_hook(lambda g: seen.append(g.dtype))
    y.to(tm.float32).sum().backward()
    assert seen == [np.float64]
    assert y.grad is not None and y.grad.dtype == np.float64
    assert x.grad is not None and x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad.data, [2.0, 2.0])


def test_reading_the_grad_of_a_non_leaf_warns_as_pytorch_but_a_leaf_or_retained_one_does_not(
) -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3.0
    kept = h.exp()
    kept.retain_grad()
    kept.sum().backward()
    with pytest.warns(UserWarning, match=r"\.retain_grad\(\)"):
        assert h.grad is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert x.grad is not None and kept.grad is not None
        assert tm.tensor([1.0]).grad is None  # a constant leaf: no warning either


class _TwiceBackward(tm.Function):
    """y = 2a, with a backward that a test swaps for a wrong one."""

    def forward(self, a: tm.Tensor, b: tm.Tensor) -> np.ndarray:
        return 2.0 * a.data + b.data

    def backward(self, g: tm.Tensor) -> Any:
        return g * 2.0, g


@pytest.mark.parametrize(
    ("wrong", "error", "message"),
    [
        (lambda g: (g.sum(), g), RuntimeError,
         r"_TwiceBackward\.backward returned a gradient of shape \(\) for input 0, of shape "
         r"\(2,\)"),
        (lambda g: g * 2.0, RuntimeError,
         r"_TwiceBackward\.backward returned 1 gradients for 2 inputs; return one per input"),
        (lambda g: (g.data, g), TypeError,
         r"_TwiceBackward\.backward returned a numpy\.ndarray for input 0; return a Tensor"),
    ],
)
def test_a_function_whose_backward_gives_wrong_gradients_is_refused_as_in_pytorch(
    monkeypatch: pytest.MonkeyPatch, wrong: Any, error: type[Exception], message: str
) -> None:
    a, b = tm.tensor([1.0, 2.0], requires_grad=True), tm.tensor([3.0, 4.0], requires_grad=True)
    assert tm.grad(_TwiceBackward.apply(a, b).sum(), [a, b])[0].tolist() == [2.0, 2.0]
    monkeypatch.setattr(_TwiceBackward, "backward", lambda self, g: wrong(g))
    for create_graph in (False, True):
        with pytest.raises(error, match=message):
            _TwiceBackward.apply(a, b).sum().backward(create_graph=create_graph)
    assert a.grad is None and b.grad is None  # refused before any gradient landed


def test_a_second_backward_through_ops_that_saved_nothing_works_as_in_pytorch() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    y = (x + 1.0).sum()
    y.backward()
    y.backward()  # add and sum keep no arrays, so there is nothing freed to refuse
    assert x.grad is not None and x.grad.tolist() == [2.0, 2.0]


def test_no_grad_on_a_generator_function_covers_each_step_as_in_pytorch() -> None:
    x = tm.tensor([1.0], requires_grad=True)

    @tm.no_grad()
    def doubles() -> Any:
        sent = yield x * 2.0
        assert not tm.is_grad_enabled()
        yield x * sent

    steps = doubles()
    assert not next(steps).requires_grad and tm.is_grad_enabled()
    assert not steps.send(3.0).requires_grad and tm.is_grad_enabled()

    @tm.enable_grad
    def recorded() -> Any:
        try:
            yield x * 2.0
        except ValueError:
            yield x * 3.0

    with tm.no_grad():
        steps = recorded()
        assert next(steps).requires_grad
        assert steps.throw(ValueError()).requires_grad  # thrown in, handled in grad mode
        assert not tm.is_grad_enabled()
    steps.close()


def test_assigning_a_tensor_to_data_takes_its_array_and_anything_else_is_refused() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    x.data = tm.tensor([4.0, 5.0])
    assert type(x.data) is np.ndarray and (x * x).sum().item() == 41.0
    with pytest.raises(TypeError, match=r"data: assign an ndarray or a Tensor, got list"):
        x.data = [1.0, 2.0]  # type: ignore[assignment]
    assert x.data.tolist() == [4.0, 5.0]


def test_grad_of_a_constant_gradient_says_it_depends_on_nothing_that_requires_grad() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    (slope,) = tm.grad((3.0 * x).sum(), x, create_graph=True)  # 3 everywhere: a constant
    assert not slope.requires_grad  # as in PyTorch
    with pytest.raises(RuntimeError, match=r"depends on no tensor that requires grad \(as the "
                                           r"gradient of a linear function does not\)"):
        tm.grad(slope.sum(), x)


class _Square(tm.Function):
    """y = a², a user Function whose backward is written with Tensor ops."""

    def forward(self, a: tm.Tensor) -> np.ndarray:
        self.save_for_backward(a)
        return a.data**2

    def backward(self, g: tm.Tensor) -> tm.Tensor:
        (a,) = self.saved_tensors
        return g * 2.0 * a


def test_a_function_gradient_of_the_wrong_shape_is_refused_for_a_computed_input(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    monkeypatch.setattr(_Square, "backward", lambda self, g: g.sum())
    with pytest.raises(RuntimeError, match=r"_Square\.backward returned a gradient of shape "
                                           r"\(\) for input 0, of shape \(2,\)"):
        _Square.apply(x * 3.0).sum().backward()


def test_a_function_backward_gives_arrays_or_a_differentiable_graph_as_asked() -> None:
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    (g,) = tm.grad(_Square.apply(x).sum(), x, create_graph=True)  # 2x, with a graph
    assert g.requires_grad and g.tolist() == [2.0, 4.0]
    (gg,) = tm.grad(g.sum(), x)
    assert gg.tolist() == [2.0, 2.0]
    (g,) = tm.grad(_Square.apply(x).sum(), x)  # without create_graph: a plain array inside
    assert type(g.data) is np.ndarray and not g.requires_grad


def test_assigning_a_numpy_scalar_to_data_keeps_a_0d_array() -> None:
    x = tm.tensor(1.0, requires_grad=True)
    x.data = x.data.sum() * 3.0  # numpy gives an np.float64 here, not an ndarray
    assert type(x.data) is np.ndarray and x.shape == ()
    x.data[()] = 4.0
    assert x.item() == 4.0


def test_assigning_a_tensor_to_data_shares_its_array_as_in_pytorch() -> None:
    x, y = tm.tensor([1.0, 2.0]), tm.tensor([4.0, 5.0])
    x.data = y
    assert x.data is y.data
    y.data[0] = 7.0
    assert x.tolist() == [7.0, 5.0]


def test_a_decorated_generator_returns_its_value_and_closes_in_its_mode() -> None:
    modes: list[bool] = []

    @tm.no_grad()
    def steps() -> Any:
        try:
            yield 1
            yield 2
        finally:
            modes.append(tm.is_grad_enabled())

    @tm.no_grad()
    def counted() -> Any:
        yield 1
        return "done"

    def outer() -> Any:
        result = yield from counted()
        yield result

    assert list(outer()) == [1, "done"]
    running = steps()
    assert next(running) == 1
    running.close()
    assert modes == [False] and tm.is_grad_enabled()
