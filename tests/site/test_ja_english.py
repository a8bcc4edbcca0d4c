"""English left in the Japanese edition is marked ``lang="en"`` (docs/_ext/dlbook_japanese.py).

The Japanese pages say ``<html lang="ja">``.  What they keep in English (the API
reference's docstrings, the bibliography, English glosses such as 学習率 (learning
rate)) must say ``lang="en"``, or a screen reader reads it with a Japanese voice
(WCAG 3.1.2, language of parts).  Read from the built pages, independently of the
doctree transform that marks them: a text block (``p``, ``dt``, ``h1``-``h6``,
``figcaption``) with no kana or kanji and an English word must be English; in other
blocks, an English phrase must sit in an English element, and kana and kanji must not.
Which runs are phrases is the extension's rule (``english_phrases``); the last tests
name spans a reader can check by eye.
"""

from __future__ import annotations

import re
import sys

import pytest

from built_site import ROOT, LanguageParser, edition_dir, html_pages

sys.path.insert(0, str(ROOT / "docs" / "_ext"))
from dlbook_japanese import KANA_KANJI, english_phrases  # noqa: E402

ENGLISH_WORD = re.compile("[A-Za-z]{2}")
BLOCKS = {"p", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption"}
# Not prose: code, maths, scripts, the permalink sign, the API's signatures.
SKIP = {"script", "style", "pre", "code", "kbd", "samp", "svg", "math", "textarea",
        "mjx-container", "button"}
PAGES = html_pages(edition="ja")


class _Blocks(LanguageParser):
    """Every text block of the article: its language and its prose, piece by piece."""

    def __init__(self):
        super().__init__()
        self.blocks, self._article = [], 0

    def skips(self, tag, classes):
        return tag in SKIP or bool({"math", "headerlink", "sig"} & classes)

    def opened(self, element, attrs, classes):
        around = self.stack[-2]["block"] if len(self.stack) > 1 else None
        element["block"] = around
        if self._article and element["tag"] in BLOCKS and around is None and not element["skip"]:
            element["block"] = {"tag": element["tag"], "lang": element["lang"], "pieces": []}
            self.blocks.append(element["block"])
        element["article"] = element["tag"] == "article" and "bd-article" in classes
        self._article += element["article"]

    def closed(self, element):
        self._article -= element["article"]

    def handle_data(self, data):
        top = self.stack[-1] if self.stack else None
        if top and top["block"] is not None and not top["skip"]:
            top["block"]["pieces"].append((data, top["lang"]))


def _blocks(page):
    parser = _Blocks()
    parser.feed((edition_dir("ja") / page).read_text(encoding="utf8"))
    return parser.blocks


@pytest.fixture(scope="module", autouse=True)
def _japanese_edition():
    if not PAGES:
        pytest.skip("no Japanese edition built (run 'make html' first)")


def test_english_blocks_and_phrases_are_marked_english():
    """Text with no kana or kanji is English as a whole; elsewhere no piece read in
    Japanese holds an English phrase, and no piece read in English holds Japanese."""
    wrong, english_blocks, english_pieces = [], 0, 0
    for page in PAGES:
        for block in _blocks(page):
            prose = "".join(text for text, _ in block["pieces"])
            if not KANA_KANJI.search(prose):
                if ENGLISH_WORD.search(prose):
                    english_blocks += 1
                    if not block["lang"].startswith("en"):
                        wrong.append((page, block["tag"], prose.strip()[:70]))
                continue
            for text, lang in block["pieces"]:
                if lang.startswith("en"):
                    english_pieces += 1
                    if KANA_KANJI.search(text):
                        wrong.append((page, block["tag"], f"Japanese read as English: {text}"))
                    continue
                for phrase in [p for p, english in english_phrases(text) if english]:
                    wrong.append((page, block["tag"], f"English read as Japanese: {phrase}"))
    assert english_blocks > 300 and english_pieces > 50, (english_blocks, english_pieces)
    assert not wrong, f"{len(wrong)} texts in the wrong language:\n" + "\n".join(
        map(str, wrong[:20]))


@pytest.mark.parametrize("page, quote", [
    ("api/regularization.html", "バイアスに正則化は適用しない"),   # a docstring quoting the notes
    ("references.html", "バッチ正規化"),                           # a Japanese title, English note
])
def test_english_that_quotes_japanese_is_english(page, quote):
    """English text quoting Japanese: English as a whole, the quote marked Japanese."""
    block = next(b for b in _blocks(page) if quote in "".join(t for t, _ in b["pieces"]))
    assert block["lang"] == "en"
    assert (quote, "ja") in block["pieces"]


def test_the_api_reference_and_the_bibliography_are_english():
    docstring = next(b for b in _blocks("api/nn.html")
                     if "".join(t for t, _ in b["pieces"]).startswith("2-D convolution"))
    assert docstring["lang"] == "en"
    entries = [b for b in _blocks("references.html") if "Kingma" in
               "".join(t for t, _ in b["pieces"])]
    assert entries and all(b["lang"] == "en" for b in entries)


@pytest.mark.parametrize("page, span", [
    ("glossary.html", "learning rate"),                     # 学習率 (learning rate)
    ("part1/initialization.html", "normalized initialization"),  # Glorot and Bengio's name
])
def test_english_phrases_in_japanese_sentences_are_spans(page, span):
    html = (edition_dir("ja") / page).read_text(encoding="utf8")
    assert f'<span lang="en">{span}' in html
    assert '<html lang="ja"' in html
