"""Every ``Example:`` in the package's docstrings runs and prints what it shows."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import tinygrad_mlp

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(tinygrad_mlp.__path__, "tinygrad_mlp.")
    if not info.name.endswith("__main__")  # importing it runs the command line
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_print_what_they_show(name: str) -> None:
    module = importlib.import_module(name)
    results = doctest.testmod(module, report=False)
    assert results.failed == 0, f"{results.failed} of {results.attempted} examples in {name} failed"


def test_the_examples_are_found() -> None:
    attempted = sum(doctest.testmod(importlib.import_module(name), report=False).attempted
                    for name in MODULES)
    assert attempted >= 40
