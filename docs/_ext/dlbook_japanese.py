"""Japanese text in the English edition: marked up as Japanese and findable by search.

- Every run of Japanese characters (kana, kanji, CJK punctuation, full-width forms)
  that the HTML writer emits is wrapped in ``<span lang="ja">``: in the body, in
  titles, in the sidebar and in the previous/next links alike, because they are all
  written by the same translator.  Browsers then pick Japanese glyph forms and the
  Japanese font stack of ``dlbook.css`` (``:lang(ja)``); screen readers switch voice.
- The English search language is replaced by one that also indexes each Japanese
  run by its 2-, 3- and 4-character substrings (Japanese has no spaces between
  words), and a query splitter that looks a longer Japanese query up by its
  overlapping 4-character pieces.  English words are stemmed as before.

A Japanese edition (``-D language=ja``) keeps Sphinx's own Japanese search, and its
``<html lang="ja">`` covers every run: the writer adds no spans there.
"""

from __future__ import annotations

import re

from sphinx.search.en import SearchEnglish
from sphinx.writers.html5 import HTML5Translator

# Hiragana, katakana (and its phonetic extensions), CJK symbols and punctuation
# (「」、。々〆), CJK unified ideographs (with extension A), compatibility
# ideographs, and full-width forms (（）：０-９).
JAPANESE = "\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
JAPANESE_RUN = re.compile(f"[{JAPANESE}]+")
# The longest piece a Japanese run is indexed by; the query splitter below uses the same.
GRAM = 4


def japanese_runs(text):
    """Split ``text`` into ``(piece, is_japanese)`` pairs, in order.

    >>> japanese_runs("vanishing gradients (勾配消失) ")
    [('vanishing gradients (', False), ('勾配消失', True), (') ', False)]
    """
    pieces, start = [], 0
    for match in JAPANESE_RUN.finditer(text):
        if match.start() > start:
            pieces.append((text[start:match.start()], False))
        pieces.append((match.group(), True))
        start = match.end()
    if start < len(text):
        pieces.append((text[start:], False))
    return pieces


class JapaneseMarkupTranslator(HTML5Translator):
    """The HTML writer, with ``lang="ja"`` on every Japanese run of text."""

    def visit_Text(self, node):
        text = node.astext()
        if (self.config.language == "ja" or self.protect_literal_text or self.in_mailto
                or not JAPANESE_RUN.search(text)):
            super().visit_Text(node)
            return
        for piece, is_japanese in japanese_runs(text):
            encoded = self.encode(piece)
            self.body.append(f'<span lang="ja">{encoded}</span>' if is_japanese else encoded)


def ngrams(run, longest=GRAM):
    """Every substring of ``run`` of 2 to ``longest`` characters (the run itself if shorter).

    >>> ngrams("正規化")
    ['正規', '規化', '正規化']
    """
    if len(run) < 2:
        return [run]
    return [run[i:i + n] for n in range(2, min(longest, len(run)) + 1)
            for i in range(len(run) - n + 1)]


class SearchEnglishWithJapanese(SearchEnglish):
    """English search (stemmed) that also finds Japanese words inside Japanese runs."""

    # Mirrors split(): a Japanese query term longer than GRAM characters becomes its
    # overlapping GRAM-character pieces, which must all occur on a page.  (Written
    # without <, > or & because Sphinx's template escapes them.)
    js_splitter_code = r"""
var splitQuery = function (query) {
  var terms = query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu).filter(Boolean);
  var pieces = [];
  terms.forEach(function (term) {
    term.split(/([%(JAPANESE)s]+)/u).filter(Boolean).forEach(function (part) {
      if (!/^[%(JAPANESE)s]+$/u.test(part)) { pieces.push(part); return; }
      var count = Math.max(part.length - %(LAST)d, 1);
      Array.from({length: count}, function (_, i) { return part.slice(i, i + %(GRAM)d); })
        .forEach(function (gram) { pieces.push(gram); });
    });
  });
  return pieces;
};
""" % {"JAPANESE": JAPANESE.encode("unicode_escape").decode(), "GRAM": GRAM, "LAST": GRAM - 1}

    def split(self, input):
        words = []
        for word in super().split(input):
            for piece, is_japanese in japanese_runs(word):
                words.extend(ngrams(piece) if is_japanese else [piece])
        return words


def _print_title_with_markup(app, pagename, templatename, context, doctree):
    """sphinx-book-theme prints the page title from tag-stripped text (``pagetitle``);
    give it the rendered title, whose Japanese runs carry their ``lang``."""
    if "pagetitle" in context and context.get("title"):
        context["pagetitle"] = context["title"]


def setup(app):
    # JapaneseMarkupTranslator is installed by dlbook_site (with the site's other
    # HTML writer changes).
    app.connect("html-page-context", _print_title_with_markup, priority=900)
    app.add_search_language(SearchEnglishWithJapanese)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
