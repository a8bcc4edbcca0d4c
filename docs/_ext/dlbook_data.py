"""The book's YAML data (docs/_data), loaded without Sphinx.

The Sphinx extension ``dlbook_docs`` renders these entries; the unit tests check them.
Keeping the loaders here, with PyYAML as their only dependency, lets ``pytest`` run
without Sphinx installed.
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
