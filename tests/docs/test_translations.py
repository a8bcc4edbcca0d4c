"""The Japanese catalogues say what the English says, with the same markup.

A translation may reword and reorder freely, but what the build turns into links, maths
and code must survive it: the same roles with the same targets, and no maths, inline
code or link target that the English lacks (the English gloss of a quoted Japanese
passage is dropped in Japanese, maths and all).  A display-maths message may differ only
inside ``\\text{...}``.

A translated ``{term}`` keeps its English target and translates its text
(``{term}`勾配消失 <vanishing gradient>```).  Sphinx 9 compares the references of a
message and its translation by target and warns "inconsistent term references" when
they differ (sphinx-doc/sphinx issue 14162: a Japanese target resolves, yet warns); with
the English headwords of docs/_data/glossary.yaml as targets, the strict build has
nothing to warn about and every link resolves in both editions.
"""

import re
from pathlib import Path

import pytest
import yaml
from dlbook_figure_text import read_catalogue

ROOT = Path(__file__).resolve().parents[2]
PAGE_CATALOGUES = sorted((ROOT / "docs" / "locale" / "ja" / "LC_MESSAGES").rglob("*.po"))
EXTENSION_CATALOGUE = ROOT / "docs" / "_ext" / "locale" / "ja" / "LC_MESSAGES" / "dlbook.po"
GLOSSARY = ROOT / "docs" / "_data" / "glossary.yaml"

ROLE = re.compile(r"\{([a-z:]+)\}`([^`]*)`")
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+?\$", re.S)
CODE = re.compile(r"``.+?``|`[^`]+`")
LINK_TARGET = re.compile(r"\]\(([^)]*)\)")
TEXT = re.compile(r"\\text\{[^{}]*\}")


def role_target(text):
    """The target of a role's text: ``label <target>`` gives target."""
    match = re.search(r"<([^<>]+)>\s*$", text)
    return (match.group(1) if match else text).strip()


def roles(text):
    return sorted((name, role_target(body)) for name, body in ROLE.findall(text))


def maths_code_links(text):
    """Maths spans, inline code spans and link targets outside roles."""
    text = ROLE.sub("", text)
    maths = MATH.findall(text)
    return set(maths) | set(CODE.findall(MATH.sub("", text))) | set(LINK_TARGET.findall(text))


def is_display_maths(msgid):
    return "$" not in msgid and "\\" in msgid and not re.search(r"[A-Za-z]{4,} [a-z]{3,}",
                                                                TEXT.sub("", msgid))


def translated(path):
    """The translated messages of one catalogue, as ``{"msgid": ..., "msgstr": ...}``."""
    return [{"msgid": msgid, "msgstr": msgstr} for msgid, msgstr in read_catalogue(path).items()]


@pytest.mark.parametrize("path", PAGE_CATALOGUES, ids=lambda p: p.stem)
def test_translations_keep_every_role_and_its_target(path):
    bad = [m["msgid"][:80] for m in translated(path) if roles(m["msgid"]) != roles(m["msgstr"])]
    assert not bad, f"{path.name}: roles or role targets changed in {bad}"


@pytest.mark.parametrize("path", PAGE_CATALOGUES, ids=lambda p: p.stem)
def test_translations_add_no_maths_code_or_links(path):
    bad = []
    for m in translated(path):
        if is_display_maths(m["msgid"]):
            if TEXT.sub("", m["msgid"]) != TEXT.sub("", m["msgstr"]):
                bad.append(("display maths differs outside \\text{}", m["msgid"][:80]))
            continue
        extra = maths_code_links(m["msgstr"]) - maths_code_links(m["msgid"])
        if extra:
            bad.append((sorted(extra), m["msgid"][:80]))
    assert not bad, f"{path.name}: {bad}"


@pytest.mark.parametrize("path", PAGE_CATALOGUES, ids=lambda p: p.stem)
def test_no_message_is_blanked(path):
    """An English gloss is marked ``{.gloss}`` in the page, never blanked by an invisible msgstr."""
    blank = [m["msgid"][:80] for m in translated(path)
             if not m["msgstr"].replace("\u200b", "").strip()]
    assert not blank, f"{path.name}: {blank}"


def test_every_box_kind_of_the_extension_is_translated():
    source = (ROOT / "docs" / "_ext" / "dlbook_docs.py").read_text(encoding="utf-8")
    words = set(re.findall(r'_noop\("([^"]+)"\)', source)) | set(re.findall(r'\b_\("([^"]+)"\)', source))
    assert {"Correction to the notes", "Show the answers"} <= words
    assert not words - set(read_catalogue(EXTENSION_CATALOGUE))


def test_every_term_target_is_a_glossary_headword():
    headwords = {entry["term"].lower() for entry in yaml.safe_load(GLOSSARY.read_text("utf-8"))}
    unknown = sorted({(path.name, target.lower()) for path in PAGE_CATALOGUES
                      for m in translated(path)
                      for name, target in roles(m["msgstr"])
                      if name == "term" and target.lower() not in headwords})
    assert not unknown, unknown
