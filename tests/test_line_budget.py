"""The engine (tensor.py, autograd.py) and the op rules (ops.py) stay readable in one sitting.

Run as ``python -m tests.test_line_budget`` to print the counts.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

ENGINE_FILES = ("tensor.py", "autograd.py", "ops.py")
CODE_LINE_BUDGET = 1591  # code lines, not counting blank lines, comments and docstrings
PACKAGE = Path(__file__).resolve().parent.parent / "tinygrad_mlp"


def code_lines(source: str) -> int:
    """Lines holding code: not blank, not only a comment, not part of a docstring."""
    docstring_lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                end = body[0].end_lineno or body[0].lineno
                docstring_lines.update(range(body[0].lineno, end + 1))
    code: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                              tokenize.DEDENT, tokenize.ENDMARKER):
            code.update(range(token.start[0], token.end[0] + 1))
    return len(code - docstring_lines)


def engine_counts() -> dict[str, tuple[int, int]]:
    """File name -> (all lines, code lines)."""
    counts = {}
    for name in ENGINE_FILES:
        source = (PACKAGE / name).read_text()
        counts[name] = (len(source.splitlines()), code_lines(source))
    return counts


def test_engine_and_op_rules_stay_within_the_line_budget() -> None:
    total_code = sum(code for _, code in engine_counts().values())
    assert total_code <= CODE_LINE_BUDGET, (
        f"engine + op rules have {total_code} code lines, over the budget of {CODE_LINE_BUDGET}"
    )


def test_code_line_counter_skips_docstrings_comments_and_blanks() -> None:
    source = 'def f():\n    """Doc\n    more."""\n\n    # note\n    return 1  # why\n'
    assert code_lines(source) == 2


if __name__ == "__main__":
    counts = engine_counts()
    for name, (lines, code) in counts.items():
        print(f"{name:12s} {lines:5d} lines, {code:5d} code lines")
    total = sum(c for _, c in counts.values())
    total_lines = sum(n for n, _ in counts.values())
    print(f"{'total':12s} {total_lines:5d} lines, {total:5d} code lines "
          f"(budget {CODE_LINE_BUDGET} code lines)")
