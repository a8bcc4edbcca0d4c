"""The ``{term}`` convention of the Japanese catalogues (no build needed).

A translated ``{term}`` keeps its English target and translates its text:
``{term}`勾配消失 <vanishing gradient>```.  Sphinx 9 compares the references of a
message and its translation by target (in any order) and warns "inconsistent term
references" when they differ (sphinx-doc/sphinx issue 14162: a translation whose
target is the Japanese headword resolves, yet warns).  With English targets the
targets are the same, so the strict build has nothing to warn about
(tests/test_translations.py checks that every role keeps its target), and every
target is an English headword of docs/_data/glossary.yaml, so every link resolves in
both editions.
"""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "docs" / "locale" / "ja" / "LC_MESSAGES"
GLOSSARY = yaml.safe_load((ROOT / "docs" / "_data" / "glossary.yaml").read_text(encoding="utf-8"))
TERM = re.compile(r"\{term\}`([^`]*)`")


def term_targets(text):
    """The glossary targets of the ``{term}`` roles of ``text``, lower-cased as Sphinx does.

    >>> term_targets("{term}`Vanishing gradients <vanishing gradient>` and {term}`ReLU`")
    ['vanishing gradient', 'relu']
    """
    targets = []
    for inner in TERM.findall(text):
        explicit = re.search(r"<([^<>]+)>\s*$", inner)
        targets.append((explicit.group(1) if explicit else inner).strip().lower())
    return targets


def messages():
    from babel.messages.pofile import read_po

    for po in sorted(LOCALE.rglob("*.po")):
        with open(po, "rb") as handle:
            for message in read_po(handle):
                if message.id and message.string and "{term}" in message.id + message.string:
                    yield po.relative_to(LOCALE).as_posix(), message.id, message.string


MESSAGES = list(messages())


def test_docstring_example():
    assert term_targets("{term}`勾配消失 <vanishing gradient>`") == ["vanishing gradient"]


@pytest.mark.skipif(not MESSAGES, reason="no translated message has a {term} role yet")
def test_every_term_target_is_a_glossary_headword():
    headwords = {e["term"].lower() for e in GLOSSARY}
    unknown = sorted({(po, t) for po, _, msgstr in MESSAGES for t in term_targets(msgstr)
                      if t not in headwords})
    assert not unknown, unknown
