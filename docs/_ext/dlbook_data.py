"""The notes map and glossary (docs/_data/*.yaml), readable without Sphinx.

The tests read them with only ``pip install ".[test]"`` installed (PyYAML, no Sphinx);
dlbook_docs renders them.
"""

from __future__ import annotations

from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "_data"


def load_notes_map():
    """Entries of the notes map, in the notes' order."""
    return yaml.safe_load((DATA / "notes_map.yaml").read_text(encoding="utf8"))


def load_glossary():
    """Glossary entries sorted by English term."""
    entries = yaml.safe_load((DATA / "glossary.yaml").read_text(encoding="utf8"))
    return sorted(entries, key=lambda e: e["term"].lower())
