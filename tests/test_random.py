"""tm.manual_seed and the global generator that random creation and dropout draw from."""

from __future__ import annotations

import numpy as np

import tinygrad_mlp as tm


def test_manual_seed_makes_random_tensors_reproducible() -> None:
    tm.manual_seed(123)
    first = tm.randn(5).data.copy(), tm.rand(3).data.copy()
    tm.manual_seed(123)
    second = tm.randn(5).data, tm.rand(3).data
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    generator = np.random.default_rng(7)
    assert tm.randn(2, generator=generator).shape == (2,)


def test_manual_seed_reseeds_the_global_generator_in_place_as_pytorch() -> None:
    generator = tm.manual_seed(0)
    first = generator.random(3)
    assert tm.manual_seed(0) is generator  # the same object, as torch.default_generator
    np.testing.assert_array_equal(generator.random(3), first)
    np.testing.assert_array_equal(np.random.default_rng(0).random(3), first)


def test_manual_seed_makes_randint_and_randperm_reproducible() -> None:
    tm.manual_seed(5)
    first = tm.randint(0, 1000, (20,)).tolist(), tm.randperm(20).tolist()
    tm.manual_seed(5)
    second = tm.randint(0, 1000, (20,)).tolist(), tm.randperm(20).tolist()
    assert first == second
    tm.manual_seed(6)
    assert tm.randint(0, 1000, (20,)).tolist() != first[0]  # the seed matters


def test_randint_and_randperm_draw_from_the_global_generator() -> None:
    tm.manual_seed(1)
    drawn = tm.randint(10, (8,)).tolist(), tm.randperm(8).tolist()
    generator = tm.manual_seed(1)  # the same stream, drawn from by hand
    assert drawn[0] == generator.integers(0, 10, 8).tolist()
    assert drawn[1] == generator.permutation(8).tolist()


def test_a_generator_passed_in_gives_its_own_stream_and_leaves_the_global_one_alone() -> None:
    def draws(generator: np.random.Generator | None) -> list[list[int]]:
        return [tm.randint(0, 1000, (10,), generator=generator).tolist(),
                tm.randperm(10, generator=generator).tolist()]

    assert draws(np.random.default_rng(3)) == draws(np.random.default_rng(3))
    tm.manual_seed(0)
    expected = draws(None)
    tm.manual_seed(0)
    draws(np.random.default_rng(3))  # must not advance the global generator
    assert draws(None) == expected
