"""The docs stay true: their examples run, and what they quote from the code is current.

The pages in ``docs/`` hold three kinds of fenced block:

- a ``python`` block is an example. A page's examples run in order, in one
  namespace, in a temporary folder; a block whose first line is
  ``# needs graphviz`` or ``# needs torch`` is skipped when that is missing.
- a ``python title="tinygrad_mlp/..."`` block is an excerpt: each of its lines
  must still be a line of that file.
- any other block (``sh``, ``text``) is shown, not run.

The article's math page also cites lines of ``reference.py`` and rules of
``ops.py``, and every page may name tests and notebooks; all must exist.
"""

from __future__ import annotations

import importlib.util
import inspect
import re
import shutil
from pathlib import Path

import pytest

from tinygrad_mlp import ops

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
FENCE = re.compile(r"^```(\w*)([^\n]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
NEEDS = {"graphviz": lambda: shutil.which("dot") is not None,
         "torch": lambda: importlib.util.find_spec("torch") is not None}


def blocks(page: Path) -> list[tuple[str, str, str]]:
    """(language, attributes, code) of every fenced block on a page."""
    return [match.groups() for match in FENCE.finditer(page.read_text())]


def name(page: Path) -> str:
    return str(page.relative_to(DOCS))


EXAMPLE_PAGES = [p for p in PAGES if any(lang == "python" and not attrs.strip()
                                         for lang, attrs, _ in blocks(p))]
EXCERPTS = [(p, attrs, code) for p in PAGES for lang, attrs, code in blocks(p)
            if lang == "python" and "title=" in attrs]


@pytest.mark.parametrize("page", EXAMPLE_PAGES, ids=name)
def test_the_python_examples_on_each_page_run_in_order(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # examples may write files
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for number, (lang, attrs, code) in enumerate(blocks(page)):
        if lang != "python" or attrs.strip():
            continue
        needs = re.match(r"# needs (\w+)", code)
        if needs and not NEEDS[needs.group(1)]():
            continue
        exec(compile(code, f"{name(page)}, block {number}", "exec"), namespace)


@pytest.mark.parametrize(("page", "attrs", "code"), EXCERPTS,
                         ids=[f"{name(p)}:{a.split('=')[-1].strip()}" for p, a, _ in EXCERPTS])
def test_quoted_code_is_still_in_the_file_it_names(page: Path, attrs: str, code: str) -> None:
    path = re.search(r'title="([^"]+)"', attrs)
    assert path, f"{name(page)}: an excerpt's title should be the file it quotes"
    source_lines = {line.rstrip() for line in (ROOT / path.group(1)).read_text().splitlines()}
    for line in code.splitlines():
        assert line.rstrip() in source_lines, (
            f"{name(page)} quotes {path.group(1)}, which no longer has the line:\n{line}"
        )


def test_the_math_page_cites_the_current_lines_of_reference_py() -> None:
    text = (DOCS / "article-math.md").read_text()
    cited = re.findall(r"^\| [^|]+ \| (\d+) \| `(.+)` \|$", text, flags=re.MULTILINE)
    assert len(cited) >= 8
    lines = (ROOT / "tinygrad_mlp" / "reference.py").read_text().splitlines()
    for number, code in cited:
        assert lines[int(number) - 1].strip() == code, (
            f"docs/article-math.md says reference.py line {number} is `{code}`, but it is "
            f"`{lines[int(number) - 1].strip()}`; update the table"
        )


def test_the_math_page_quotes_the_current_op_rules() -> None:
    text = (DOCS / "article-math.md").read_text()
    row = r"^\| [^|]+ \| `(\w+)\.backward`[^|]*\| `(.+)` \|$"
    rules = re.findall(row, text, flags=re.MULTILINE)
    assert len(rules) >= 6
    for op, code in rules:
        source = inspect.getsource(getattr(ops, op).backward)
        assert code in source, f"docs/article-math.md: {op}.backward no longer contains `{code}`"


@pytest.mark.parametrize("page", PAGES, ids=name)
def test_the_tests_and_notebooks_a_page_names_exist(page: Path) -> None:
    text = page.read_text()
    for path, test in re.findall(r"`(tests/[\w/]+\.py)::(test_\w+)`", text):
        assert f"def {test}(" in (ROOT / path).read_text(), f"{name(page)}: no {path}::{test}"
    for notebook in re.findall(r"`(\d\d_\w+)(?:\.ipynb)?`", text):
        assert (ROOT / "notebooks" / f"{notebook}.ipynb").exists(), f"{name(page)}: no {notebook}"


def test_getting_started_shows_the_readme_example() -> None:
    readme = [code for lang, _, code in blocks(ROOT / "README.md") if lang == "python"]
    page = [code for lang, attrs, code in blocks(DOCS / "getting-started.md")
            if lang == "python" and not attrs.strip()]
    assert readme[0] == page[0], "docs/getting-started.md should show the README's example as is"
