"""A griffe extension for the API reference: read ``Example:`` as an examples section.

Google style allows both ``Example:`` and ``Examples:``; griffe only turns the
plural into code blocks and renders the singular as prose, where doctest
output such as ``[(2,), (2,)]`` reads as a Markdown link. This renames the
heading before griffe parses the docstring.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_SINGULAR = re.compile(r"^(\s*)Example:\s*$", re.MULTILINE)


class ExampleSections(griffe.Extension):
    """Rewrite ``Example:`` headings as ``Examples:`` in every docstring."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Called for each object griffe loads, before its docstring is parsed."""
        if obj.docstring is not None:
            obj.docstring.value = _SINGULAR.sub(r"\1Examples:", obj.docstring.value)
