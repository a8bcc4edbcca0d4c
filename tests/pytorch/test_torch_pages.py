"""Every Part 1 and Part 2 page ends with "## In PyTorch", whose code these tests run.

Also: the site build stays NumPy-only — no page cell, doctest or Sphinx extension
imports torch; the PyTorch code reaches the pages only through literalinclude.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted([*DOCS.glob("part1/*.md"), *DOCS.glob("part2/*.md")])
TESTS = {p.name: p.read_text(encoding="utf-8")
         for p in Path(__file__).parent.glob("test_*.py")}
INCLUDE = re.compile(r"```\{literalinclude\}\s+(\S+)\n((?::[\w-]+:.*\n)*)```")
TORCH_IMPORT = re.compile(r"^\s*(import torch|from torch)", re.MULTILINE)


def section(page):
    text = page.read_text(encoding="utf-8")
    start = text.rfind("\n## In PyTorch\n")
    assert start >= 0, f"{page.relative_to(ROOT)} has no '## In PyTorch' section"
    return text[start:]


def test_26_pages():
    assert len(PAGES) == 26


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_page_ends_with_in_pytorch(page):
    body = section(page)
    later = [line for line in body.splitlines()[2:] if re.match(r"#{1,2} ", line)]
    assert not later, f"{page.name}: '## In PyTorch' must be the last section, found {later}"
    assert "|---|" in body, f"{page.name}: the section has no mapping table"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_included_code_is_run_by_the_tests(page):
    for path, options in INCLUDE.findall(section(page)):
        target = (page.parent / path).resolve()
        assert target.parent == DOCS / "pytorch" and target.is_file(), path
        module = target.stem
        importers = [name for name, text in TESTS.items()
                     if re.search(rf"^(import {module}$|from {module} import)", text, re.M)]
        assert importers, f"{page.name} includes {path}, which no tests/pytorch test imports"
        obj = re.search(r":pyobject:\s*(\w+)", options)
        assert obj, f"{page.name}: include {path} with :pyobject: so the shown code is named"
        used = [name for name in importers
                if re.search(rf"\b{module}\.{obj.group(1)}\b|import .*\b{obj.group(1)}\b",
                             TESTS[name])]
        assert used, f"{page.name} shows {module}.{obj.group(1)}, which no test calls"


def test_the_site_build_never_imports_torch():
    sources = [*DOCS.rglob("*.md"), *(DOCS / "_ext").glob("*.py"), ROOT / "conf.py"]
    offenders = [str(p.relative_to(ROOT)) for p in sources
                 if TORCH_IMPORT.search(p.read_text(encoding="utf-8"))]
    assert not offenders, f"the site build would import torch from {offenders}"


def test_page_code_is_not_a_sphinx_source():
    # myst-nb executes .md and .ipynb sources; the PyTorch code must stay .py
    assert not [p for p in (DOCS / "pytorch").iterdir() if p.suffix in (".md", ".ipynb")]
