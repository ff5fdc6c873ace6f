"""tm.manual_seed, the global generator, and the samplers normal, poisson and multinomial."""

from __future__ import annotations

import numpy as np
import pytest

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


# -- normal, poisson and multinomial: samples whose parameters are tensors --------------------


def test_normal_takes_each_of_pytorchs_overloads_with_their_shapes_and_dtypes() -> None:
    tm.manual_seed(0)
    assert tm.normal(tm.zeros(2, 1), tm.ones(3)).shape == (2, 3)  # broadcast
    assert tm.normal(tm.zeros(4, dtype=tm.float32)).dtype == np.float32  # std defaults to 1
    assert tm.normal(0.0, tm.ones(2, 3)).shape == (2, 3)
    mixed = tm.normal(tm.zeros(2, dtype=tm.float32), tm.ones(2, dtype=tm.float64))
    assert mixed.dtype == np.float32  # mean's, as PyTorch's: not promoted
    numbers = tm.normal(0.0, 1.0, (2, 3))
    assert numbers.shape == (2, 3) and numbers.dtype == tm.get_default_dtype()
    assert tm.normal(0, 1, size=[4], dtype=tm.float32).dtype == np.float32
    assert tm.normal(3.0, 0.0, (3,)).tolist() == [3.0, 3.0, 3.0]  # std 0: the mean itself
    assert tm.normal(tm.tensor([1.0, -2.0]), 0.0).tolist() == [1.0, -2.0]
    assert tm.normal(0.0, 1.0, (0, 2)).shape == (0, 2)


def test_normal_has_the_mean_and_spread_it_is_given_elementwise() -> None:
    tm.manual_seed(1)
    n = 100_000
    mean, std = tm.tensor([[-3.0], [0.0], [5.0]]), tm.tensor([0.5, 2.0])
    drawn = tm.normal(mean.expand(3, 2).unsqueeze(-1).expand(3, 2, n),
                      std.reshape(1, 2, 1)).data
    np.testing.assert_allclose(drawn.mean(axis=-1), [[-3, -3], [0, 0], [5, 5]], atol=0.05)
    np.testing.assert_allclose(drawn.std(axis=-1), [[0.5, 2.0]] * 3, rtol=0.02)
    numbers = tm.normal(10.0, 3.0, (n,)).data
    assert abs(numbers.mean() - 10.0) < 5 * 3.0 / np.sqrt(n)
    assert abs(numbers.std() / 3.0 - 1) < 0.02


def test_normal_is_reproducible_and_draws_from_the_global_generator() -> None:
    tm.manual_seed(2)
    first = tm.normal(tm.zeros(5), tm.ones(5)).tolist(), tm.normal(1.0, 2.0, (3,)).tolist()
    generator = tm.manual_seed(2)  # the same stream, by hand: mean + std · z
    assert first[0] == generator.standard_normal(5).tolist()
    assert first[1] == (1.0 + 2.0 * generator.standard_normal(3)).tolist()
    tm.manual_seed(2)
    assert tm.normal(tm.zeros(5), generator=np.random.default_rng(9)).tolist() != first[0]
    assert tm.normal(tm.zeros(5)).tolist() == first[0]  # the global one was left alone


def test_normal_poisson_and_multinomial_have_gradient_zero_as_in_pytorch() -> None:
    mean = tm.tensor([0.0, 1.0], requires_grad=True)
    std = tm.tensor([1.0, 2.0], requires_grad=True)
    rates = tm.tensor([1.0, 4.0], requires_grad=True)
    drawn = tm.normal(mean, std)
    counts = tm.poisson(rates)
    assert drawn.requires_grad and counts.requires_grad  # in the graph, as PyTorch's
    (drawn.sum() + counts.sum()).backward()
    assert mean.grad.tolist() == std.grad.tolist() == rates.grad.tolist() == [0.0, 0.0]
    assert not tm.multinomial(tm.ones(3, requires_grad=True), 2).requires_grad


def test_normal_refuses_what_pytorch_refuses() -> None:
    with pytest.raises(TypeError, match=r"^normal: with numbers for mean and std, give size"):
        tm.normal(0.0, 1.0)
    with pytest.raises(TypeError, match=r"^normal: size, dtype and requires_grad are for numbers"):
        tm.normal(tm.zeros(2), 1.0, (2,))
    with pytest.raises(ValueError, match=r"^normal: std must be >= 0, got -1\.0"):
        tm.normal(0.0, -1.0, (2,))
    with pytest.raises(ValueError, match=r"^normal: std must be >= 0, got \[1\.0, nan\]"):
        tm.normal(tm.zeros(2), tm.tensor([1.0, np.nan]))
    with pytest.raises(ValueError, match=r"^normal: mean of shape \(2,\) and std of shape "
                                         r"\(3,\) do not broadcast"):
        tm.normal(tm.zeros(2), tm.ones(3))
    with pytest.raises(TypeError, match=r"^normal: mean must be a float tensor, got dtype int64"):
        tm.normal(tm.tensor([1, 2]))
    with pytest.raises(TypeError, match=r"^normal: dtype int64 is not a float dtype"):
        tm.normal(0.0, 1.0, (2,), dtype=tm.int64)
    with pytest.raises(TypeError, match=r"^normal: std must be a number, got None"):
        tm.normal(tm.zeros(2), None)  # type: ignore[arg-type]


def test_poisson_counts_have_their_rates_as_mean_and_variance() -> None:
    tm.manual_seed(3)
    n = 100_000
    rates = tm.tensor([0.0, 0.5, 4.0, 100.0], dtype=tm.float32)
    counts = tm.poisson(rates.unsqueeze(-1).expand(4, n))
    assert counts.dtype == np.float32 and counts.shape == (4, n)
    values = counts.data
    assert np.all(values == np.round(values)) and values.min() >= 0
    assert values[0].max() == 0  # rate 0: always 0
    np.testing.assert_allclose(values[1:].mean(axis=1), [0.5, 4.0, 100.0], rtol=0.02)
    np.testing.assert_allclose(values[1:].var(axis=1), [0.5, 4.0, 100.0], rtol=0.05)
    tm.manual_seed(3)
    assert tm.poisson(rates).tolist() == tm.manual_seed(3).poisson(rates.data).tolist()


def test_poisson_refuses_bad_rates_and_dtypes() -> None:
    with pytest.raises(ValueError, match=r"^poisson: rates must be finite and >= 0, got "
                                         r"\[1\.0, -2\.0\]"):
        tm.poisson(tm.tensor([1.0, -2.0]))
    for rate in (np.nan, np.inf):
        with pytest.raises(ValueError, match=r"^poisson: rates must be finite"):
            tm.poisson(tm.tensor([rate]))
    with pytest.raises(ValueError, match=r"^poisson: a rate is too large for numpy's sampler"):
        tm.poisson(tm.tensor([1e19]))
    with pytest.raises(TypeError, match=r"^poisson: needs a floating point tensor, got dtype "
                                        r"int64"):
        tm.poisson(tm.tensor([1, 2]))
    with pytest.raises(TypeError, match=r"^poisson: input must be a Tensor, got ndarray"):
        tm.poisson(np.ones(2))  # type: ignore[arg-type]


def test_multinomial_draws_in_proportion_to_the_weights_with_replacement() -> None:
    tm.manual_seed(4)
    n = 60_000
    weights = tm.tensor([[1.0, 2.0, 0.0, 5.0], [0.0, 0.0, 3.0, 0.0]])
    drawn = tm.multinomial(weights, n, replacement=True)
    assert drawn.shape == (2, n) and drawn.dtype == np.int64
    frequencies = np.stack([np.bincount(row, minlength=4) / n for row in drawn.data])
    np.testing.assert_allclose(frequencies[0], [1 / 8, 2 / 8, 0.0, 5 / 8], atol=0.01)
    assert frequencies[0][2] == 0.0  # weight 0: never drawn
    assert frequencies[1].tolist() == [0.0, 0.0, 1.0, 0.0]
    single = weights[0].multinomial(5, True)  # the method is the function
    assert single.shape == (5,)


def test_multinomial_without_replacement_draws_distinct_categories_in_weighted_order() -> None:
    tm.manual_seed(5)
    weights = tm.tensor([1.0, 2.0, 0.0, 5.0])
    for _ in range(20):
        drawn = tm.multinomial(weights, 4).tolist()
        assert sorted(drawn) == [0, 1, 2, 3] and drawn[-1] == 2  # weight 0 comes only last
    n = 20_000
    firsts = np.array([tm.multinomial(weights, 1).item() for _ in range(n)])
    np.testing.assert_allclose(np.bincount(firsts, minlength=4) / n, [1 / 8, 2 / 8, 0, 5 / 8],
                               atol=0.015)
    # The second draw is from the categories left: after 3 (5/8), 1 is drawn with 2/3.
    pairs = tm.multinomial(weights.expand(n, 4), 2).data
    after_three = pairs[pairs[:, 0] == 3, 1]
    assert abs(np.mean(after_three == 1) - 2 / 3) < 0.03


def test_multinomial_is_reproducible_under_manual_seed() -> None:
    weights = tm.rand(3, 6) + 0.1
    draws = []
    for _ in range(2):
        tm.manual_seed(6)
        draws.append((tm.multinomial(weights, 4).tolist(),
                      weights.multinomial(10, replacement=True).tolist()))
    assert draws[0] == draws[1]
    own = [tm.multinomial(weights, 4, generator=np.random.default_rng(1)).tolist()
           for _ in range(2)]
    assert own[0] == own[1]


@pytest.mark.parametrize(("weights", "samples", "replacement", "raises", "message"), [
    ([1.0, -2.0], 1, False, ValueError,
     r"weights must be finite and >= 0, got \[\[1\.0, -2\.0\]\]"),
    ([1.0, np.inf], 1, True, ValueError, r"weights must be finite and >= 0"),
    ([1.0, np.nan], 1, True, ValueError, r"weights must be finite and >= 0"),
    ([[1.0, 2.0], [0.0, 0.0]], 1, True, ValueError, r"row 1 of the weights sums to 0"),
    ([1.0, 2.0], 3, False, ValueError, r"cannot draw 3 samples without replacement from 2 "),
    ([1.0, 2.0], 0, True, ValueError, r"num_samples must be a positive int, got 0"),
    ([1.0, 2.0], 1.5, True, TypeError, r"num_samples must be a positive int, got 1\.5"),
    ([[[1.0]]], 1, True, ValueError, r"input must be 1-D or 2-D, got shape \(1, 1, 1\)"),
    ([1, 2], 1, True, TypeError, r"needs a floating point tensor, got dtype int64"),
])
def test_multinomial_refuses_what_pytorch_refuses(weights: object, samples: object,
                                                   replacement: bool, raises: type[Exception],
                                                   message: str) -> None:
    with pytest.raises(raises, match=r"^multinomial: " + message):
        tm.multinomial(tm.tensor(weights), samples, replacement)  # type: ignore[arg-type]
    torch = pytest.importorskip("torch")
    with pytest.raises((RuntimeError, TypeError)):  # PyTorch refuses each of them too
        torch.multinomial(torch.tensor(weights), samples, replacement)


def test_the_samplers_match_pytorchs_shapes_and_dtypes() -> None:
    torch = pytest.importorskip("torch")
    cases = [
        (lambda m: m.normal(m.zeros(2, 1, dtype=m.float32), m.ones(3, dtype=m.float64)), None),
        (lambda m: m.normal(0.0, m.ones(4, dtype=m.float32)), None),
        (lambda m: m.normal(1.0, 2.0, (2, 5), dtype=m.float32), None),
        (lambda m: m.poisson(m.ones(3, 2, dtype=m.float32)), None),
        (lambda m: m.multinomial(m.ones(4, dtype=m.float64), 3), None),
        (lambda m: m.multinomial(m.ones(2, 3), 7, replacement=True), None),
        (lambda m: m.multinomial(m.ones(0, 3), 2), None),
        (lambda m: m.tensor([0.0, 1.0, 0.0]).multinomial(1), [1]),
    ]
    for make, values in cases:
        ours, theirs = make(tm), make(torch)
        assert ours.shape == tuple(theirs.shape)
        assert ours.dtype == np.dtype(str(theirs.dtype).removeprefix("torch."))
        if values is not None:
            assert ours.tolist() == theirs.tolist() == values
