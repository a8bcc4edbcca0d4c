"""The book's YAML data (docs/_data), loaded without Sphinx.

The Sphinx extension ``dlbook_docs`` renders these entries; the unit tests check them.
Keeping the loaders here, with PyYAML as their only dependency, lets ``pytest`` run
without Sphinx installed.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "_data"


def load_notes_map():
    """Entries of the notes map, in the notes' order."""
    return yaml.safe_load((DATA / "notes_map.yaml").read_text(encoding="utf8"))


def load_glossary(language="en"):
    """Glossary entries in the order of ``language``'s edition.

    English: by English term.  Japanese: terms that start with Latin letters first,
    A to Z, then the rest by their ``reading``, in 五十音 order (:func:`reading_key`).

    Examples
    --------
    >>> [e["ja"] for e in load_glossary("ja")][:2]
    ['AdaGrad', 'Adam']
    >>> [e["term"] for e in load_glossary("en")][:2]
    ['activation function', 'AdaGrad']
    """
    entries = yaml.safe_load((DATA / "glossary.yaml").read_text(encoding="utf8"))
    if language == "ja":
        return sorted(entries, key=lambda e: (1,) + reading_key(e["reading"]) if "reading" in e
                      else (0, e["ja"].casefold()))
    return sorted(entries, key=lambda e: e["term"].lower())


_SMALL_KANA = str.maketrans("ぁぃぅぇぉっゃゅょゎ", "あいうえおつやゆよわ")
_VOWEL_OF = {kana: vowel for vowel, row in (("あ", "あかさたなはまやらわ"), ("い", "いきしちにひみり"),
                                            ("う", "うくすつぬふむゆる"), ("え", "えけせてねへめれ"),
                                            ("お", "おこそとのほもよろを"))
             for kana in row}


def reading_key(reading):
    """Sort key of a hiragana reading, in 五十音 order as Japanese dictionaries sort.

    Voiced and small kana count first as their plain kana (が as か, ゅ as ゆ) and the
    long-vowel mark as the vowel before it (ぐるーぷ as ぐるうぷ). Among readings equal
    so far, plain comes before voiced before half-voiced (は, ば, ぱ), and large kana
    before small (ひやく before ひゃく), as most Japanese dictionaries order 直音 before
    拗音 and 促音 (Unicode's collation puts the small kana first).

    Examples
    --------
    >>> sorted(["がくしゅうりつ", "かじゅうげんすい", "かがくしゅう"], key=reading_key)
    ['かがくしゅう', 'がくしゅうりつ', 'かじゅうげんすい']
    """
    plain, marks = [], []
    for ch in reading:
        letter, *voicing = unicodedata.normalize("NFD", ch.translate(_SMALL_KANA))
        if letter == "ー" and plain:
            letter = _VOWEL_OF.get(plain[-1], letter)
        plain.append(letter)
        marks.append((voicing, ch != ch.translate(_SMALL_KANA)))
    return ("".join(plain), marks, reading)


_ROWS = {kana: f"{row[0]}行" for row in ("あいうえお", "かきくけこ", "さしすせそ", "たちつてと",
                                         "なにぬねの", "はひふへほ", "まみむめも", "やゆよ",
                                         "らりるれろ", "わをん")
         for kana in row}


def glossary_group_ja(entry):
    """The heading a Japanese glossary entry sorts under: 英字, or its reading's 行.

    Examples
    --------
    >>> glossary_group_ja({"ja": "Adam"}), glossary_group_ja({"ja": "学習率", "reading": "がくしゅうりつ"})
    ('英字', 'か行')
    """
    if "reading" not in entry:
        return "英字"
    return _ROWS[reading_key(entry["reading"])[0][0]]
