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
``<html lang="ja">`` covers every Japanese run: the writer adds no spans there.  What
that edition leaves in English is marked ``lang="en"`` instead (:class:`MarkEnglish`):
the API reference's docstrings, the bibliography, and English glosses inside Japanese
sentences, so that a screen reader reads them with an English voice.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.search.en import SearchEnglish
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.writers.html5 import HTML5Translator

# Hiragana, katakana (and its phonetic extensions), CJK symbols and punctuation
# (「」、。々〆), CJK unified ideographs (with extension A), compatibility
# ideographs, and full-width forms (（）：０-９).
JAPANESE = "\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
JAPANESE_RUN = re.compile(f"[{JAPANESE}]+")
# The longest piece a Japanese run is indexed by; the query splitter below uses the same.
GRAM = 4


def split_runs(text, pattern, keep=None):
    """Split ``text`` into ``(piece, in_run)`` pairs, in order: the matches of ``pattern``
    (those ``keep(text, match)`` accepts, if given) and what lies between them."""
    pieces, start = [], 0
    for match in pattern.finditer(text):
        if keep is not None and not keep(text, match):
            continue
        if match.start() > start:
            pieces.append((text[start:match.start()], False))
        pieces.append((match.group(), True))
        start = match.end()
    if start < len(text):
        pieces.append((text[start:], False))
    return pieces


def japanese_runs(text):
    """Split ``text`` into ``(piece, is_japanese)`` pairs, in order.

    >>> japanese_runs("vanishing gradients (勾配消失) ")
    [('vanishing gradients (', False), ('勾配消失', True), (') ', False)]
    """
    return split_runs(text, JAPANESE_RUN)


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


# English in the Japanese edition.  A word starts with a Latin letter (accented ones
# included, × and ÷ not); a Latin run is words joined by spaces and punctuation, with
# numbers between them (``Reference 2 of the notes``, ``Deep Learning, 2nd edition``).
# A run is English if it has two or more words (``learning rate``), or if it is one word
# of four letters or more alone in brackets (``(dropout)``).  Other single words in a
# Japanese sentence are names, symbols or terms (ReLU, Adam, x), which read as part of
# the Japanese text (WCAG 3.1.2 exempts them).
LETTER = "A-Za-zÀ-ÖØ-öø-ɏ"
WORD = f"[{LETTER}][{LETTER}0-9'’\\-]*"
LATIN_WORD = re.compile(WORD)
_SEP, _NUMBER = r"(?:[ ,:;&+]|\.(?=\s))+", r"\d+[A-Za-z]*(?:[–\-]\d+)?"
LATIN_RUN = re.compile(f"{WORD}(?:{_SEP}(?:{_NUMBER}{_SEP})*{WORD})*")
GLOSS_WORD = re.compile(f"[{LETTER}][{LETTER}'’\\-]{{3,}}")
ENGLISH_WORD = re.compile("[A-Za-z]{2}")
LATIN_LETTER = re.compile(f"[{LETTER}]")
FUNCTION_WORDS = {"a", "an", "the", "of", "and", "or", "is", "are", "be", "to", "in", "on",
                  "as", "at", "by", "for", "from", "with", "it", "its", "that", "this", "not"}
# What makes text Japanese: kana and kanji (JAPANESE above also has the punctuation).
KANA_KANJI = re.compile("[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Blocks whose text is judged as a whole, and what inside them is not prose.
TEXT_BLOCKS = (nodes.paragraph, nodes.title, nodes.term, nodes.rubric, nodes.caption,
               nodes.field_name, nodes.line, nodes.attribution)
NOT_PROSE = (nodes.literal, nodes.literal_block, nodes.math, nodes.math_block, nodes.raw,
             nodes.doctest_block, nodes.image, addnodes.desc_signature)


def english_phrases(text):
    """Split ``text`` into ``(piece, is_english)`` pairs, in order.

    >>> english_phrases("学習率 (learning rate) と ReLU")
    [('学習率 (', False), ('learning rate', True), (') と ReLU', False)]
    >>> english_phrases("ドロップアウト（dropout）、(a) と (x)")
    [('ドロップアウト（', False), ('dropout', True), ('）、(a) と (x)', False)]
    >>> english_phrases("講義ノート. Reference 2 of the notes.")
    [('講義ノート. ', False), ('Reference 2 of the notes', True), ('.', False)]
    >>> english_phrases("GTX 580 GPU 2 枚")
    [('GTX 580 GPU', True), (' 2 枚', False)]
    >>> english_phrases("（Léon Bottou & Yann LeCun）、e.g. 5×5")
    [('（', False), ('Léon Bottou & Yann LeCun', True), ('）、e.g. 5×5', False)]
    """
    return split_runs(text, LATIN_RUN, _is_phrase)


def _is_phrase(text, match):
    """A Latin run of two or more words, or one bracketed word of four letters or more."""
    run = match.group()
    bracketed = (text[match.start() - 1:match.start()] in ("(", "（")
                 and text[match.end():match.end() + 1] in (")", "）"))
    return len(LATIN_WORD.findall(run)) >= 2 or bool(bracketed and GLOSS_WORD.fullmatch(run))


def _prose(block):
    """The text nodes of ``block`` a reader reads as prose (not code, maths or images)."""
    def is_prose(text):
        parent = text.parent
        while parent is not None and parent is not block:
            if isinstance(parent, NOT_PROSE):
                return False
            parent = parent.parent
        return True
    return [t for t in block.findall(nodes.Text) if is_prose(t)]


def block_language(prose):
    """``"en"``, ``"ja"`` or ``None`` (no words): the language a text block is read in.

    Kana and kanji make text Japanese (its punctuation alone does not).  A block with
    more than two Latin letters for each of them and English function words (the, of,
    are, ...; names such as Adam or RMSProp have none) is English that quotes Japanese.

    >>> block_language("Biases are left alone, as the notes' code intends "
    ...                "(「バイアスに正則化は適用しない」).")
    'en'
    >>> block_language("ReLU 関数は正の入力で勾配 1 を返す。")
    'ja'
    >>> block_language("Adam（Kingma と Ba）は Momentum と RMSProp を組み合わせる。")
    'ja'
    >>> block_language("Flatten、Global MaxPooling"), block_language("(1, 2)")
    ('en', None)
    """
    japanese = sum(map(len, KANA_KANJI.findall(prose)))
    latin = len(LATIN_LETTER.findall(prose))
    function_words = sum(w.casefold() in FUNCTION_WORDS for w in LATIN_WORD.findall(prose))
    if ((not japanese and ENGLISH_WORD.search(prose))
            or (latin > 2 * japanese and function_words >= 3)):
        return "en"
    return "ja" if japanese else None


class MarkEnglish(SphinxPostTransform):
    """In the Japanese edition, mark what is still English ``lang="en"``.

    A text block (paragraph, title, term, caption, ...) read in English
    (:func:`block_language`) gets the attribute as a whole (through docutils'
    ``language-en`` class), and the Japanese it quotes becomes ``<span lang="ja">``.
    In a block read in Japanese, each English phrase (:func:`english_phrases`) becomes
    a ``<span lang="en">``.
    """

    default_priority = 900
    formats = ("html",)

    def run(self, **kwargs):
        if self.config.language != "ja":
            return
        for block in list(self.document.findall(lambda n: isinstance(n, TEXT_BLOCKS))):
            if any(isinstance(a, NOT_PROSE) for a in _ancestors(block)):
                continue
            texts = _prose(block)
            language = block_language("".join(t.astext() for t in texts))
            if language == "en":
                block["classes"].append("language-en")
            for text in texts:
                if language == "en":
                    _mark_runs(text, japanese_quotes, "ja")
                else:
                    _mark_runs(text, english_phrases, "en")


def _ancestors(node):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def japanese_quotes(text):
    """Split ``text`` into ``(piece, is_other_language)`` pairs: its kana/kanji runs.

    >>> japanese_quotes("(「正則化しない」).")
    [('(「', False), ('正則化しない', True), ('」).', False)]
    """
    return split_runs(text, KANA_KANJI)


def _mark_runs(text, split, language):
    """Replace a Text node by its pieces, those in ``language`` (the other one than the
    block's) as ``inline`` nodes of class ``language-<language>``."""
    pieces = split(text.astext())
    if not any(other for _, other in pieces):
        return
    parts = [nodes.inline(piece, piece, classes=[f"language-{language}"]) if other
             else nodes.Text(piece) for piece, other in pieces]
    parent = text.parent
    # By identity: a Text node is a str, and an equal one may come earlier.
    index = next(i for i, child in enumerate(parent.children) if child is text)
    parent[index:index + 1] = parts


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
    app.add_post_transform(MarkEnglish)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
