"""The glossary and its ``{term}`` links in the built Japanese edition.

Reads the HTML of the Japanese edition (the ``ja/`` folder of the built site,
``built_site.edition_dir``); no browser is needed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from built_site import ROOT, VOID, edition_dir

GLOSSARY = yaml.safe_load((ROOT / "docs" / "_data" / "glossary.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ja():
    root = edition_dir("ja")
    if not (root / "glossary.html").is_file():
        pytest.skip(f"no built Japanese edition at {root} (run 'make html', or set DLBOOK_SITE_DIR)")
    return root


class _Page(HTMLParser):
    """The text of a page's main content, its glossary headwords, and its term references."""

    def __init__(self):
        super().__init__()
        self.depth = 0               # inside <main> (the article, not the sidebars)
        self.links = []              # the href of each open <a>, or None
        self.text = []
        self.headwords, self.in_dt = [], False
        self.terms, self.in_term = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if (tag == "main" or self.depth) and tag not in VOID:
            self.depth += 1
        if tag == "a":
            self.links.append(attrs.get("href"))
        if tag == "dt":
            self.in_dt, self.dt_text = True, []
        if tag == "span" and "std-term" in classes:
            self.in_term = [bool(self.links and self.links[-1]), []]

    def handle_endtag(self, tag):
        if self.depth and tag not in VOID:
            self.depth -= 1
        if tag == "a" and self.links:
            self.links.pop()
        if tag == "dt" and self.in_dt:
            self.in_dt = False
            # without the headerlink's "#" (or "¶")
            self.headwords.append("".join(self.dt_text).strip().rstrip("#¶").strip())
        if tag == "span" and self.in_term is not None:
            linked, text = self.in_term
            self.terms.append(("".join(text), linked))
            self.in_term = None

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
        if self.in_dt:
            self.dt_text.append(data)
        if self.in_term is not None:
            self.in_term[1].append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def forms(japanese: str) -> list[str]:
    """The strings a page must show for one ``ja`` form: "フィルタ（カーネル）" is
    "フィルタ" with "カーネル" as its alternative name, and both must appear."""
    return [part for part in re.split(r"[（）()]", japanese) if part.strip()]


def unspaced(text):
    """``text`` without white space: "ReLU 関数" and "ReLU関数" are the same term
    (a space between Latin letters and kana is a typesetting choice)."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("entry", GLOSSARY, ids=[e["term"] for e in GLOSSARY])
def test_each_term_in_its_japanese_form_on_its_page(ja, entry):
    text = unspaced(" ".join(parse(ja / f"{entry['see']}.html").text))
    for form in forms(entry["ja"]):
        assert unspaced(form) in text, f"{entry['see']}: {form!r} (glossary: {entry['term']})"


def test_glossary_headwords_are_the_notes_terms(ja):
    page = parse(ja / "glossary.html")
    assert sorted(page.headwords) == sorted(e["ja"] for e in GLOSSARY)
    text = "".join(page.text)
    for entry in GLOSSARY:
        # the English term in brackets, unless it is the headword itself (AdaGrad)
        same = entry["term"].casefold() == entry["ja"].casefold()
        assert (f"({entry['term']})" in text) != same, entry["term"]


def test_every_definition_is_in_japanese(ja):
    """Each definition is translated (a changed English definition leaves its old
    translation behind until ``make gettext`` and a translator catch up)."""
    html = (ja / "glossary.html").read_text(encoding="utf-8")
    definitions = [re.sub(r"<[^>]+>", "", d) for d in re.findall(r"<dd>(.*?)</dd>", html, re.S)]
    assert len(definitions) == len(GLOSSARY)
    english = [d.strip()[:60] for d in definitions if not re.search("[\u3040-\u30ff]", d)]
    assert not english, f"{len(english)} definitions in English: {english}"


def test_glossary_is_in_dictionary_order(ja):
    """Latin-lettered terms A to Z, then the rest in あいうえお order of their readings."""
    headwords = parse(ja / "glossary.html").headwords
    latin = [h for h in headwords if h[0].isascii()]
    assert headwords[:len(latin)] == latin == sorted(latin, key=str.casefold)
    readings = {e["ja"]: e["reading"] for e in GLOSSARY if "reading" in e}
    kana = [readings[h] for h in headwords[len(latin):]]
    assert kana[:3] == ["いんすたんすせいきか", "おもみのしょきちせってい", "かがくしゅう"]
    assert kana.index("がくしゅうりつ") < kana.index("かじゅうげんすい")   # が sorts as か
    assert kana[-1] == "れいやーせいきか"
    # headed as a Japanese glossary is: the Latin-lettered terms, then each kana row
    html = (ja / "glossary.html").read_text(encoding="utf-8")
    rows = re.findall(r'<p class="rubric"[^>]*>([^<]+)</p>', html)
    assert rows == ["英字", "あ行", "か行", "さ行", "た行", "な行", "は行", "ま行", "ら行"]
    assert html.index(">英字<") < html.index('id="term-AdaGrad"') < html.index(">あ行<") \
        < html.index('id="term-instance-normalisation"') < html.index(">か行<")


def test_every_term_reference_is_a_link(ja):
    unresolved, count = [], 0
    for path in sorted(ja.rglob("*.html")):
        for text, linked in parse(path).terms:
            count += 1
            if not linked:
                unresolved.append(f"{path.relative_to(ja)}: {text}")
    assert count > 0
    assert not unresolved, unresolved
