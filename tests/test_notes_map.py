"""The notes map (docs/_data/notes_map.yaml) must tell the truth about every entry."""

import importlib
import re

import pytest
from dlbook_data import load_notes_map

from conftest import ROOT

ENTRIES = load_notes_map()
DONE = [e for e in ENTRIES if e.get("status") == "done"]


def resolve(dotted):
    """Import ``a.b.c`` as attribute c of module a.b (or deeper)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError(dotted)


def test_every_entry_is_well_formed():
    for e in ENTRIES:
        assert {"item", "section", "what", "page", "status"} <= set(e), e
        assert e["status"] in {"done", "planned"}, e


def test_items_are_unique():
    items = [e["item"] for e in ENTRIES]
    assert len(items) == len(set(items))


def test_every_equation_figure_and_quiz_of_the_notes_is_listed():
    items = {e["item"] for e in ENTRIES}
    for n in range(1, 32):
        assert f"eq. ({n})" in items
    for n in range(1, 13):
        assert f"Fig. {n}" in items or f"Fig. {n}a" in items
    for n in range(1, 5):
        assert f"Quiz {n}" in items


@pytest.mark.parametrize("entry", DONE, ids=[e["item"] for e in DONE])
def test_done_entry_page_exists_and_mentions_item(entry):
    page = ROOT / "docs" / f"{entry['page']}.md"
    assert page.exists(), f"{entry['item']}: page {page} is missing"
    text = page.read_text(encoding="utf8")
    item = entry["item"]
    eq = re.fullmatch(r"eq\. \((\d+)\)", item)
    if eq:
        assert f"\\tag{{{eq.group(1)}}}" in text, f"{item} is not typeset with its number"
    else:
        label = item.split(" ")[0] if item.startswith("§") else item
        assert label in text, f"{page.name} never mentions {label}"


@pytest.mark.parametrize("entry", DONE, ids=[e["item"] for e in DONE])
def test_done_entry_code_exists_and_is_doctested(entry):
    for name in entry.get("api", []):
        obj = resolve(name)
        doc = obj.__doc__ or ""
        assert ">>>" in doc, f"{name} has no doctested example"
