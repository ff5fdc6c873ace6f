"""tm.set_printoptions and tm.get_printoptions: how a tensor prints, as torch.set_printoptions."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import tinygrad_mlp as tm

NUMPY_DEFAULTS = {"precision": 8, "threshold": 1000, "edgeitems": 3, "linewidth": 75,
                  "sci_mode": None}


@pytest.fixture(autouse=True)
def restored_options() -> Iterator[None]:
    """Each test leaves the options as it found them, whatever it set or failed on."""
    saved = tm.get_printoptions()
    yield
    tm.set_printoptions(**saved)


def test_the_defaults_are_numpys_so_a_tensor_prints_as_its_array() -> None:
    assert tm.get_printoptions() == NUMPY_DEFAULTS
    x = tm.tensor([[1.23456789123, -2.0], [3.5, 1e-3]])
    body = np.array2string(x.data, separator=", ", prefix="tensor(")
    assert repr(x) == str(x) == f"tensor({body})"
    assert repr(tm.arange(2000.0)).count("...") == 1  # numpy's threshold of 1000


def test_precision_threshold_edgeitems_and_linewidth_shape_the_text() -> None:
    tm.set_printoptions(precision=2)
    assert repr(tm.tensor([1.23456, 2.0])) == "tensor([1.23, 2.  ])"
    tm.set_printoptions(threshold=5, edgeitems=2)
    assert repr(tm.arange(10)) == "tensor([0, 1, ..., 8, 9])"
    tm.set_printoptions(profile="default", linewidth=30)
    lines = repr(tm.arange(20)).splitlines()
    assert len(lines) > 1 and all(len(line) <= 30 for line in lines)


def test_profiles_reset_the_counts_and_options_then_override_them() -> None:
    tm.set_printoptions(profile="short")
    assert tm.get_printoptions() == {**NUMPY_DEFAULTS, "precision": 2, "edgeitems": 2}
    assert repr(tm.arange(2000)) == "tensor([   0,    1, ..., 1998, 1999])"
    tm.set_printoptions(profile="full", precision=3)
    assert tm.get_printoptions() == {**NUMPY_DEFAULTS, "threshold": math.inf, "precision": 3}
    assert "..." not in repr(tm.arange(2000))
    tm.set_printoptions(profile="default")
    assert tm.get_printoptions() == NUMPY_DEFAULTS


def test_sci_mode_forces_or_forbids_scientific_notation_and_resets_as_pytorchs() -> None:
    tm.set_printoptions(precision=2, sci_mode=True)
    assert repr(tm.tensor([1.23456, -20.0])) == "tensor([ 1.23e+00, -2.00e+01])"
    assert repr(tm.tensor([1e-120, 3.0])) == "tensor([1.00e-120,  3.00e+00])"  # aligned
    assert repr(tm.tensor([np.nan, 1.0])) == "tensor([     nan, 1.00e+00])"
    assert repr(tm.tensor([1, 2])) == "tensor([1, 2])"  # ints are not floats
    tm.set_printoptions(precision=0, sci_mode=True)
    assert repr(tm.tensor([1.0, 2.0])) == "tensor([1e+00, 2e+00])"
    tm.set_printoptions(sci_mode=False)
    assert repr(tm.tensor([1e-10, 1.0])) == "tensor([0., 1.])"
    tm.set_printoptions()  # sci_mode left out is None again, as in PyTorch
    assert tm.get_printoptions()["sci_mode"] is None
    assert repr(tm.tensor([1e-10, 1.0])) == "tensor([1.e-10, 1.e+00])"  # numpy's choice


def test_get_printoptions_gives_what_set_printoptions_takes_back() -> None:
    tm.set_printoptions(precision=3, threshold=10, edgeitems=1, linewidth=50, sci_mode=True)
    saved = tm.get_printoptions()
    saved["precision"] = 99  # a copy: changing it changes nothing
    assert tm.get_printoptions()["precision"] == 3
    tm.set_printoptions(profile="short")
    tm.set_printoptions(**{**saved, "precision": 3})
    assert tm.get_printoptions() == {"precision": 3, "threshold": 10, "edgeitems": 1,
                                     "linewidth": 50, "sci_mode": True}


def test_a_parameter_and_a_tensor_with_a_grad_fn_print_under_the_options_too() -> None:
    tm.set_printoptions(precision=1)
    w = tm.nn.Parameter(tm.tensor([1.25, 2.0]))
    assert repr(w) == "Parameter containing:\ntensor([1.2, 2. ], requires_grad=True)"
    assert repr(w * 1.0) == "tensor([1.2, 2. ], grad_fn=<mul>)"


@pytest.mark.parametrize(("options", "raises", "message"), [
    ({"profile": "long"}, ValueError, r"profile must be one of \['default', 'full', 'short'\]"),
    ({"precision": -1}, ValueError, r"precision must be an int >= 0, got -1"),
    ({"precision": 2.5}, TypeError, r"precision must be an int >= 0, got 2\.5"),
    ({"threshold": -1}, ValueError, r"threshold must be >= 0, got -1"),
    ({"threshold": math.nan}, ValueError, r"threshold must be >= 0, got nan"),
    ({"threshold": "all"}, TypeError, r"threshold must be a number"),
    ({"edgeitems": 0}, ValueError, r"edgeitems must be a positive int, got 0"),
    ({"linewidth": 0}, ValueError, r"linewidth must be a positive int, got 0"),
    ({"sci_mode": 1}, TypeError, r"sci_mode must be"),
])
def test_bad_options_are_refused_and_change_nothing(options: dict[str, Any],
                                                    raises: type[Exception],
                                                    message: str) -> None:
    tm.set_printoptions(precision=4)
    before = tm.get_printoptions()
    with pytest.raises(raises, match=r"^set_printoptions: " + message):
        tm.set_printoptions(**{"precision": 3, **options})
    assert tm.get_printoptions() == before


def test_the_options_are_pytorchs_names_and_profiles() -> None:
    torch = pytest.importorskip("torch")
    from torch._tensor_str import get_printoptions  # PyTorch keeps it there, not as torch.*

    saved = get_printoptions()
    try:
        for profile, changed in (("short", {"precision", "edgeitems"}), ("full", {"threshold"})):
            torch.set_printoptions(profile="default")
            default = get_printoptions()
            torch.set_printoptions(profile=profile)
            theirs = {k for k, v in get_printoptions().items() if default[k] != v}
            tm.set_printoptions(profile=profile)
            ours = {k for k, v in tm.get_printoptions().items() if NUMPY_DEFAULTS[k] != v}
            assert ours == theirs == changed
            assert tm.get_printoptions().keys() == get_printoptions().keys()
    finally:
        torch.set_printoptions(**saved)
