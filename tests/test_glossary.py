"""docs/_data/glossary.yaml: every entry is complete, and the Japanese order is a dictionary's."""

import doctest
import re

import dlbook_data
import pytest
from dlbook_data import load_glossary, reading_key

GLOSSARY = load_glossary()
HIRAGANA = re.compile(r"[ぁ-ゖー]+")


@pytest.mark.parametrize("entry", GLOSSARY, ids=[e["term"] for e in GLOSSARY])
def test_a_term_not_in_latin_letters_has_a_reading_in_hiragana(entry):
    if entry["ja"][0].isascii():
        assert "reading" not in entry, "terms in Latin letters sort A to Z, by themselves"
    else:
        assert HIRAGANA.fullmatch(entry.get("reading", "")), entry["ja"]


def test_both_editions_list_every_term_once():
    english, japanese = load_glossary("en"), load_glossary("ja")
    assert [e["term"] for e in english] == sorted((e["term"] for e in english), key=str.lower)
    assert sorted(e["term"] for e in japanese) == sorted(e["term"] for e in english)


@pytest.mark.parametrize("earlier, later", [
    ("かがくしゅう", "がくしゅうりつ"),        # voicing counts only after the plain kana
    ("がくしゅうりつ", "かじゅうげんすい"),
    ("か", "が"),                            # ... and then the plain kana comes first
    ("ちやんねる", "ちゃんねる"),              # small kana: the same, then the larger first
    ("ぐるうぷ", "ぐるーぷ"),                # the long-vowel mark reads as the vowel before it
    ("ぐるーぷ", "ぐるえ"),
    ("とくちょうまっぷ", "どろっぷあうと"),
])
def test_reading_key_orders_as_a_dictionary(earlier, later):
    assert reading_key(earlier) < reading_key(later)


def test_docstring_examples():
    failures, tried = doctest.testmod(dlbook_data)
    assert tried >= 3 and failures == 0
