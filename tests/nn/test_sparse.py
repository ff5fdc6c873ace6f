"""Embedding: lookups, their gradients (summed over repeats), padding_idx, PyTorch's values."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_mlp as tm
from tinygrad_mlp import nn
from tinygrad_mlp.nn import functional as F


def test_an_embedding_looks_up_rows_shaped_indices_plus_the_dimension() -> None:
    table = nn.Embedding(6, 3, generator=np.random.default_rng(0))
    indices = np.array([[1, 5], [1, 0]])
    out = table(tm.tensor(indices))
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out.data, table.weight.data[indices])
    np.testing.assert_array_equal(table(indices).data, out.data)  # an ndarray works too
    assert table.weight.shape == (6, 3) and list(table.state_dict()) == ["weight"]


@given(indices=st.lists(st.integers(0, 4), min_size=1, max_size=12))
def test_each_row_gets_the_sum_of_the_gradients_of_the_positions_that_read_it(
    indices: list[int],
) -> None:
    table = nn.Embedding(5, 2, generator=np.random.default_rng(1))
    upstream = np.random.default_rng(2).standard_normal((len(indices), 2))
    table(np.array(indices)).backward(upstream)
    expected = np.zeros((5, 2))
    np.add.at(expected, np.array(indices), upstream)
    assert table.weight.grad is not None
    np.testing.assert_allclose(table.weight.grad.data, expected, rtol=1e-15, atol=0)


def test_the_padding_row_starts_at_zero_and_gets_no_gradient() -> None:
    table = nn.Embedding(4, 2, padding_idx=-1, generator=np.random.default_rng(3))
    assert table.padding_idx == 3 and not table.weight.data[3].any()
    with tm.no_grad():
        table.weight.data[3] = 7.0  # a padding row the user set: read as it is
    out = table(np.array([3, 0, 3]))
    np.testing.assert_array_equal(out.data[0], [7.0, 7.0])
    out.sum().backward()
    assert table.weight.grad is not None
    np.testing.assert_array_equal(table.weight.grad.data, [[1, 1], [0, 0], [0, 0], [0, 0]])


def test_weight_gradients_pass_gradcheck_and_gradgradcheck() -> None:
    table = nn.Embedding(4, 3, padding_idx=2, generator=np.random.default_rng(4))
    indices = np.array([[0, 2, 0], [3, 1, 2]])
    assert tm.gradcheck(lambda: (table(indices) ** 2).sum(), table)
    assert tm.gradgradcheck(lambda w: (F.embedding(indices, w, 2) ** 3).sum(), [table.weight])


def test_from_pretrained_copies_and_freezes_by_default() -> None:
    vectors = np.arange(6.0).reshape(3, 2)
    frozen = nn.Embedding.from_pretrained(vectors)
    vectors[0] = 100.0
    assert frozen.weight.data[0].tolist() == [0.0, 1.0] and not frozen.weight.requires_grad
    assert list(frozen.parameters()) == [frozen.weight]
    trainable = nn.Embedding.from_pretrained(tm.tensor([[1.0, 2.0]]), freeze=False)
    assert trainable.weight.requires_grad and repr(trainable) == "Embedding(1, 2)"


def test_embedding_draws_from_the_global_generator_that_manual_seed_resets() -> None:
    tm.manual_seed(5)
    first = nn.Embedding(3, 2).weight.data
    tm.manual_seed(5)
    np.testing.assert_array_equal(nn.Embedding(3, 2).weight.data, first)
    assert nn.Embedding(3, 2, dtype=tm.float32).weight.dtype == np.float32


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: nn.Embedding(0, 2), ValueError, r"^Embedding: num_embeddings must be a positive"),
        (lambda: nn.Embedding(3, 2.0), TypeError, r"^Embedding: embedding_dim must be a positive"),
        (lambda: nn.Embedding(3, 2, padding_idx=3), ValueError,
         r"^Embedding: padding_idx must be within num_embeddings \(3\), got 3"),
        (lambda: nn.Embedding(3, 2, padding_idx=-4), ValueError,
         r"^Embedding: padding_idx must be an int >= -3, got -4"),
        (lambda: nn.Embedding(3, 2, dtype=tm.int64), TypeError,
         r"^Embedding: dtype must be floating point"),
        (lambda: nn.Embedding(3, 2)(tm.tensor([0.0, 1.0])), TypeError,
         r"^embedding: indices must be integers, got dtype float64"),
        (lambda: nn.Embedding(3, 2)(np.array([0, 3])), IndexError,
         r"^embedding: index 3 is out of range for 3 embeddings"),
        (lambda: nn.Embedding(3, 2)(np.array([-1])), IndexError,
         r"^embedding: index -1 is out of range"),
        (lambda: F.embedding([0], tm.zeros(3)), TypeError, r"^embedding: weight must be 2-D"),
        (lambda: nn.Embedding.from_pretrained(np.zeros(3)), ValueError,
         r"^Embedding.from_pretrained: embeddings must be 2-D"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(
    make: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        make()


def test_lookups_and_gradients_match_pytorch(torch: ModuleType) -> None:
    weights = np.random.default_rng(6).standard_normal((5, 3))
    indices = np.array([[0, 4, 4], [2, 0, 1]])
    upstream = np.random.default_rng(7).standard_normal((2, 3, 3))
    ours = nn.Embedding.from_pretrained(weights, freeze=False, padding_idx=0)
    theirs = torch.nn.Embedding.from_pretrained(torch.tensor(weights), freeze=False,
                                                padding_idx=0)
    out = ours(indices)
    out.backward(upstream)
    expected = theirs(torch.tensor(indices))
    expected.backward(torch.tensor(upstream))
    np.testing.assert_array_equal(out.data, expected.detach().numpy())
    assert ours.weight.grad is not None
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), rtol=1e-15)
    assert repr(ours) == repr(theirs)


def test_a_character_mlp_with_an_embedding_trains() -> None:
    rng = np.random.default_rng(8)
    contexts, targets = rng.integers(0, 5, (64, 3)), rng.integers(0, 5, 64)

    class CharMLP(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.table = nn.Embedding(5, 4, generator=np.random.default_rng(9))
            self.hidden = nn.Linear(12, 16, generator=np.random.default_rng(10))
            self.out = nn.Linear(16, 5, generator=np.random.default_rng(11))

        def forward(self, x: np.ndarray) -> tm.Tensor:
            return self.out(self.hidden(self.table(x).reshape(len(x), -1)).tanh())

    model = CharMLP()
    optimizer = tm.optim.Adam(model.parameters(), lr=0.05)
    losses = []
    for _ in range(40):
        loss = F.cross_entropy(model(contexts), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]


def test_functional_embedding_counts_a_negative_padding_idx_from_the_end() -> None:
    weight = tm.tensor(np.ones((5, 3)), requires_grad=True)
    F.embedding(np.array([[1, 4], [4, 2]]), weight, padding_idx=-1).sum().backward()
    assert weight.grad is not None and not weight.grad.data[4].any()
    with pytest.raises(ValueError, match=r"^embedding: padding_idx must be within "
                                         r"num_embeddings \(5\), got 7"):
        F.embedding(np.array([0]), weight, padding_idx=7)


def test_from_pretrained_refuses_int_or_ragged_tables_naming_itself() -> None:
    with pytest.raises(TypeError, match=r"^Embedding.from_pretrained: embeddings must be "
                                        r"floating point, got dtype int64"):
        nn.Embedding.from_pretrained(np.ones((2, 2), dtype=np.int64))
    with pytest.raises(ValueError, match=r"^Embedding.from_pretrained: embeddings must be a "
                                         r"2-D table"):
        nn.Embedding.from_pretrained([[1.0, 2.0], [3.0]])


def test_a_frozen_pretrained_table_goes_to_an_optimizer_as_in_pytorch() -> None:
    model = nn.Sequential(nn.Embedding.from_pretrained(np.ones((4, 2))), nn.Linear(2, 1))
    optimizer = tm.optim.AdamW(model.parameters(), lr=0.1)
    model(np.array([0, 3])).sum().backward()
    optimizer.step()
    assert np.array_equal(model[0].weight.data, np.ones((4, 2)))  # type: ignore[union-attr]


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.uint32, np.uint64])
def test_unsigned_integer_indices_are_looked_up_like_signed_ones(dtype: type) -> None:
    table = nn.Embedding(5, 3, generator=np.random.default_rng(0))
    indices = np.array([[4, 0], [2, 2]])
    np.testing.assert_array_equal(table(indices.astype(dtype)).data, table(indices).data)
    np.testing.assert_array_equal(F.embedding(indices.astype(dtype), table.weight).data,
                                  table.weight.data[indices])
