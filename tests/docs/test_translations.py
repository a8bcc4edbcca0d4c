"""The Japanese catalogues say what the English says, with the same markup.

A translation may reword and reorder freely, but what the build turns into links, maths
and code must survive it: the same roles with the same targets, and no maths, inline
code or link target that the English lacks (the English gloss of a quoted Japanese
passage is dropped in Japanese, maths and all).  A display-maths message may differ only
inside ``\\text{...}``.  The catalogues are read with a small parser of our own, so these
tests need neither Sphinx nor Babel.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE_CATALOGUES = sorted((ROOT / "docs" / "locale" / "ja" / "LC_MESSAGES").rglob("*.po"))
EXTENSION_CATALOGUE = ROOT / "docs" / "_ext" / "locale" / "ja" / "LC_MESSAGES" / "dlbook.po"

ROLE = re.compile(r"\{([a-z:]+)\}`([^`]*)`")
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+?\$", re.S)
CODE = re.compile(r"``.+?``|`[^`]+`")
LINK_TARGET = re.compile(r"\]\(([^)]*)\)")
TEXT = re.compile(r"\\text\{[^{}]*\}")


def unquote(line):
    """The string of one quoted .po line, escapes decoded."""
    return ast.literal_eval(line)


def read_po(path):
    """Messages of a .po file as dicts with msgid, msgstr and flags (header left out)."""
    messages, current, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current and current["msgid"]:
                messages.append(current)
            current, field = None, None
            continue
        if current is None:
            current = {"msgid": "", "msgstr": "", "flags": set()}
        if line.startswith("#,"):
            current["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgid ", "msgstr ")):
            field, _, rest = line.partition(" ")
            current[field] = unquote(rest)
        elif line.startswith('"'):
            current[field] += unquote(line)
    return messages


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
    return [m for m in read_po(path) if m["msgstr"]]


def test_parser_reads_a_catalogue():
    path = PAGE_CATALOGUES[0]
    messages = read_po(path)
    assert messages and all(m["msgid"] for m in messages)


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
    catalogue = {m["msgid"]: m["msgstr"] for m in read_po(EXTENSION_CATALOGUE)}
    assert not words - {k for k, v in catalogue.items() if v}
