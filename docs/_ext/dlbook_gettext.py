"""Leave API docstrings out of the translation catalogues, and keep them tidy.

The API reference stays English (its text is the docstrings, which the library ships);
its headings and introductions are translated.  After the ``gettext`` builder has
written its ``.pot`` files, every message whose only sources are docstrings is dropped,
so "0 untranslated messages" is a statement about the book, not about the docstrings.
"""

from pathlib import Path


def is_docstring_only(entry):
    """True if every ``#:`` source line of one catalogue entry names a docstring."""
    sources = [line for line in entry.splitlines() if line.startswith("#: ")]
    return bool(sources) and all(":docstring of " in line for line in sources)


def drop_docstring_messages(text):
    """One ``.pot`` file's text without its docstring-only entries.

    Examples
    --------
    >>> pot = ('msgid ""\\nmsgstr ""\\n\\n'
    ...        '#: ../../docs/api/nn.md:1\\nmsgid "Layers"\\nmsgstr ""\\n\\n'
    ...        '#: ../../dlbook/nn/conv.py:docstring of dlbook.nn.Conv2d:1\\n'
    ...        'msgid "2-D convolution."\\nmsgstr ""\\n')
    >>> print(drop_docstring_messages(pot))
    msgid ""
    msgstr ""
    <BLANKLINE>
    #: ../../docs/api/nn.md:1
    msgid "Layers"
    msgstr ""
    <BLANKLINE>
    """
    entries = text.split("\n\n")
    kept = [entry for entry in entries if not is_docstring_only(entry)]
    return "\n\n".join(kept).rstrip("\n") + "\n"


# Babel guesses that prose with "{term}" or "0.5 %" is a Python format string and
# flags it; `msgfmt --check-format` then demands the same "placeholders" in Japanese.
# The book's messages are never formatted.
FORMAT_FLAGS = {"python-format", "python-brace-format"}


# Catalogues written by hand, not by sphinx-intl: left as they are.
HAND_WRITTEN = {"sphinx.po"}


def tidy_catalogues(locale_dir):
    """Tidy every ``.po`` file under ``locale_dir`` after sphinx-intl has merged it.

    Removes the obsolete (``#~``) entries sphinx-intl keeps (a message that left the
    sources has nothing to translate) and Babel's guessed format flags.  Returns the
    number of obsolete entries removed.
    """
    from babel.messages.pofile import read_po, write_po

    removed = 0
    for po in sorted(Path(locale_dir).rglob("*.po")):
        if po.name in HAND_WRITTEN:
            continue
        with open(po, "rb") as f:
            catalog = read_po(f)
        removed += len(catalog.obsolete)
        catalog.obsolete.clear()
        for message in catalog:
            message.flags -= FORMAT_FLAGS
        with open(po, "wb") as f:
            write_po(f, catalog, width=0)
    return removed


def carry_numbers(pot_dir, locale_dir):
    """Before sphinx-intl merges: a message whose numbers alone changed keeps its translation.

    A benchmark re-run changes numbers in figure titles ("LeNet-5, batch 64\\n8 ms/step"
    becomes "...6 ms/step").  sphinx-intl would keep the old translation marked fuzzy,
    with the old numbers.  For every new message of ``figures.pot`` in ``pot_dir`` that
    a ``figures.po`` under ``locale_dir`` lacks, the translation of a message that
    differs from it only in numbers (:func:`dlbook_figure_text.lookup`, the rule the
    figures use at build time) is added with the new numbers; the old message then
    falls out as obsolete.  Prose is left to sphinx-intl: a changed number in a sentence
    deserves a translator's look.  Returns the number of messages carried over.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "ja" / "LC_MESSAGES").mkdir(parents=True)
    >>> _ = (root / "figures.pot").write_text('msgid "3 ms/step"\\nmsgstr ""\\n', encoding="utf-8")
    >>> po = root / "ja" / "LC_MESSAGES" / "figures.po"
    >>> _ = po.write_text('msgid "8 ms/step"\\nmsgstr "8 ms/ステップ"\\n', encoding="utf-8")
    >>> carry_numbers(root, root)
    1
    >>> '"3 ms/ステップ"' in po.read_text(encoding="utf-8")
    True
    """
    from babel.messages.pofile import read_po, write_po
    from dlbook_figure_text import lookup

    with open(Path(pot_dir) / "figures.pot", "rb") as f:
        pot = read_po(f)
    carried = 0
    for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/figures.po")):
        with open(po_path, "rb") as f:
            catalog = read_po(f)
        done = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
        added = 0
        for message in pot:
            if not message.id or not isinstance(message.id, str) or message.id in catalog:
                continue
            string = lookup(message.id, done)
            if string is not None:
                catalog.add(message.id, string, locations=message.locations)
                added += 1
        if added:
            with open(po_path, "wb") as f:
                write_po(f, catalog, width=0)
        carried += added
    return carried


def _after_build(app, exception):
    if exception is None and app.builder.name == "gettext":
        for pot in Path(app.outdir).rglob("*.pot"):
            pot.write_text(drop_docstring_messages(pot.read_text(encoding="utf-8")),
                           encoding="utf-8")


def setup(app):
    app.connect("build-finished", _after_build)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    import sys

    if sys.argv[1] == "--carry-numbers":        # --carry-numbers POT_DIR LOCALE_DIR
        print(f"carried {carry_numbers(sys.argv[2], sys.argv[3])} translations "
              "over to new numbers")
    else:                                       # LOCALE_DIR
        print(f"removed {tidy_catalogues(sys.argv[1])} obsolete messages")
