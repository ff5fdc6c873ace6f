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
