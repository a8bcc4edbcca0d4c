"""Leave API docstrings out of the translation catalogues.

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


def tidy_catalogues(locale_dir):
    """Tidy every ``.po`` file under ``locale_dir`` after sphinx-intl has merged it.

    Removes the obsolete (``#~``) entries sphinx-intl keeps (a message that left the
    sources has nothing to translate) and Babel's guessed format flags.  Returns the
    number of obsolete entries removed.
    """
    from babel.messages.pofile import read_po, write_po

    removed = 0
    for po in sorted(Path(locale_dir).rglob("*.po")):
        with open(po, "rb") as f:
            catalog = read_po(f)
        removed += len(catalog.obsolete)
        catalog.obsolete.clear()
        for message in catalog:
            message.flags -= FORMAT_FLAGS
        with open(po, "wb") as f:
            write_po(f, catalog, width=0)
    return removed


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

    print(f"removed {tidy_catalogues(sys.argv[1])} obsolete messages")
