"""The Japanese edition's message catalogues are complete: every message translated,
none fuzzy, and each one a valid catalogue for ``msgfmt --check`` (its format strings
and plural forms).

The catalogues are the pages' (``docs/locale/ja/LC_MESSAGES/**/*.po``, refreshed by
``make gettext``; API docstrings are left out of them) and the site extension's own
(``docs/_ext/locale``: box titles).  ``msgfmt`` comes from GNU gettext (``.ci/run``
installs it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted([*(ROOT / "docs" / "locale").rglob("*.po"),
                     *(ROOT / "docs" / "_ext" / "locale").rglob("*.po")])
STATISTICS = re.compile(r"(\d+) (translated messages?|fuzzy translations?|untranslated messages?)")


def statistics(po: Path) -> dict[str, int]:
    """``msgfmt --check --statistics`` of one catalogue: translated, fuzzy, untranslated."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt is missing: apt-get install gettext (.ci/run does)"
    done = subprocess.run([msgfmt, "--check", "--statistics", "-o", "/dev/null", str(po)],
                          capture_output=True, text=True)
    assert done.returncode == 0, f"{po.relative_to(ROOT)}: {done.stderr}"
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for number, kind in STATISTICS.findall(done.stderr):
        counts[kind.split()[0]] = int(number)
    return counts


def test_there_is_a_catalogue_for_every_page():
    pages = [p for p in (ROOT / "docs").rglob("*.md")
             if not any(part.startswith("_") for part in p.relative_to(ROOT / "docs").parts)
             and p.name != "README.md"]
    names = {p.relative_to(ROOT / "docs").with_suffix("").as_posix() for p in pages}
    po_dir = ROOT / "docs" / "locale" / "ja" / "LC_MESSAGES"
    have = {p.relative_to(po_dir).with_suffix("").as_posix() for p in po_dir.rglob("*.po")}
    assert names <= have, f"pages without a catalogue: {sorted(names - have)}"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_message_is_translated(po):
    counts = statistics(po)
    assert counts["untranslated"] == 0 and counts["fuzzy"] == 0, \
        f"{po.relative_to(ROOT)}: {counts}"
