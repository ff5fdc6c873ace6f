"""tm.inference_mode: no_grad under PyTorch's name, and the flag is_inference_mode_enabled."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import tinygrad_mlp as tm


def weight() -> tm.Tensor:
    return tm.tensor([1.0, 2.0], requires_grad=True)


def test_inference_mode_records_nothing_and_sets_the_flag_inside_a_with_block() -> None:
    w = weight()
    assert not tm.is_inference_mode_enabled() and tm.is_grad_enabled()
    with tm.inference_mode():
        assert tm.is_inference_mode_enabled() and not tm.is_grad_enabled()
        y = (w * 3.0).sum()
    assert not y.requires_grad and y.grad_fn is None
    assert not tm.is_inference_mode_enabled() and tm.is_grad_enabled()
    z = (y * w).sum()  # a tensor made inside is an ordinary tensor here, usable afterwards
    z.backward()
    assert w.grad is not None and w.grad.tolist() == [9.0, 9.0]


def test_inference_mode_false_records_and_clears_the_flag_as_pytorch() -> None:
    w = weight()
    with tm.no_grad(), tm.inference_mode(False):
        assert tm.is_grad_enabled() and not tm.is_inference_mode_enabled()
        assert (w * 2.0).requires_grad
    with tm.inference_mode(), tm.inference_mode(False):
        assert not tm.is_inference_mode_enabled() and tm.is_grad_enabled()
    with tm.inference_mode(True):
        with tm.inference_mode():  # nested: each exit restores what its entry found
            pass
        assert tm.is_inference_mode_enabled() and not tm.is_grad_enabled()
    assert not tm.is_inference_mode_enabled() and tm.is_grad_enabled()


def test_inference_mode_decorates_with_and_without_parentheses() -> None:
    w = weight()

    @tm.inference_mode
    def bare() -> tuple[bool, bool]:
        return tm.is_inference_mode_enabled(), (w * 2.0).requires_grad

    @tm.inference_mode()
    def called() -> tuple[bool, bool]:
        return tm.is_inference_mode_enabled(), (w * 2.0).requires_grad

    @tm.inference_mode(False)
    def recording() -> tuple[bool, bool]:
        return tm.is_inference_mode_enabled(), (w * 2.0).requires_grad

    assert bare() == called() == (True, False)
    with tm.inference_mode():
        assert recording() == (False, True)
    assert bare.__name__ == "bare" and not tm.is_inference_mode_enabled()


def test_inference_mode_covers_each_step_of_a_decorated_generator_function() -> None:
    w = weight()

    @tm.inference_mode()
    def steps() -> Iterator[tuple[bool, bool]]:
        for _ in range(2):
            yield tm.is_inference_mode_enabled(), (w * 2.0).requires_grad

    running = steps()
    assert next(running) == (True, False)
    assert not tm.is_inference_mode_enabled() and tm.is_grad_enabled()  # between steps
    assert next(running) == (True, False)


def test_inference_mode_restores_both_modes_after_an_exception() -> None:
    with pytest.raises(ZeroDivisionError), tm.inference_mode():
        _ = 1 / 0
    assert not tm.is_inference_mode_enabled() and tm.is_grad_enabled()


def test_inference_mode_refuses_a_mode_that_is_not_a_bool() -> None:
    with pytest.raises(TypeError, match=r"^inference_mode: mode must be a bool, got str"):
        tm.inference_mode("yes")  # type: ignore[arg-type]


def test_inference_mode_agrees_with_pytorchs_flags() -> None:
    torch = pytest.importorskip("torch")
    for mode in (True, False):
        for outer in ("no_grad", "enable_grad"):
            seen = []
            for lib in (tm, torch):
                with getattr(lib, outer)(), lib.inference_mode(mode):
                    seen.append((lib.is_inference_mode_enabled(), lib.is_grad_enabled()))
            assert seen[0] == seen[1], (mode, outer)
