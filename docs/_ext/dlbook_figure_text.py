"""The words of the book's matplotlib figures, translated in the notebook kernel.

The pages' code cells are the same in every edition (readers see the English code);
this module, run inside each notebook kernel by an IPython startup file that
``dlbook_figures`` writes, changes what the figures *say*.  Just before a figure is
rendered (``FigureCanvasBase.print_figure``, which the inline backend calls), every
text of it — titles, suptitles, axis labels (3-D and colorbar ones too), legend
entries, annotations, text artists, and word tick labels such as bar names — is looked
up in ``docs/locale/<lang>/LC_MESSAGES/figures.po``.  Tick *numbers* are left alone.

Three modes, chosen by ``DLBOOK_FIGURES`` (set by ``dlbook_figures``):

``translate``
    Replace each text by its translation.  A text that has words but no translation
    (or only a fuzzy one) is an error that fails the cell, naming the text.
``record``
    Leave the figures alone and append each text that has words to the file named by
    ``DLBOOK_FIGURES_RECORD`` (JSON lines, with the page): ``make gettext`` builds
    ``figures.pot`` from it.
``check``
    Neither (the English edition): only the glyph check below.

In every mode a "Glyph ... missing from font(s)" warning is an error: a figure whose
font cannot draw a character fails its cell instead of showing boxes.

Errors raised while the inline backend renders a figure are caught and printed by
IPython's display machinery, which would let the cell succeed (and jupyter-cache keep
the broken figure).  So the renderer only *records* them, and a statement appended to
every cell (an IPython AST transformer) raises them inside the cell.
"""

from __future__ import annotations

import ast
import json
import os
import re
import warnings

#: "$...$" maths segments of a matplotlib string (an escaped "\\$" is not a delimiter).
MATH = re.compile(r"(?<!\\)\$.*?(?<!\\)\$", re.S)
#: A word: two letters in a row (any script), outside maths.
WORD = re.compile(r"[^\W\d_]{2}")
GLYPH_MISSING = r"Glyph .* missing from"


class FigureTextError(RuntimeError):
    """A figure text that the edition cannot show (untranslated, or a missing glyph)."""


def has_words(text):
    """True if ``text`` has a word a reader would need translated.

    Maths (``$...$``), numbers, symbols and single letters (variable names) are not
    words; two letters in a row, in any script, are.

    Examples
    --------
    >>> has_words("Training loss")
    True
    >>> [has_words(s) for s in ["$f'(x)$", "x", "0.5", "β = 0.9", "$\\\\beta_1$ = 0.9", "勾配"]]
    [False, False, False, False, False, True]
    """
    return bool(WORD.search(MATH.sub("", text)))


def read_catalogue(path):
    """The translated messages of one ``.po`` file, as ``{msgid: msgstr}``.

    Fuzzy and empty translations are left out: they count as untranslated.
    """
    from babel.messages.pofile import read_po

    with open(path, "rb") as handle:
        catalogue = read_po(handle)
    return {m.id: m.string for m in catalogue
            if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


def _tick_labels(fig):
    """The tick-label Text artists of every axis of ``fig`` (drawn from formatters)."""
    labels = set()
    for ax in fig.get_axes():
        for axis in getattr(ax, "_axis_map", {}).values():
            for tick in [*axis.majorTicks, *axis.minorTicks]:
                labels.update({id(tick.label1), id(tick.label2)})
            labels.add(id(axis.offsetText))
    return labels


class _FormatterStrings:
    """The strings of one axis's word tick labels, and how to replace them.

    Three formatters carry fixed strings: the ``FuncFormatter`` over a
    ``{location: label}`` dict that ``set_ticks(..., labels)`` and
    ``set_ticklabels`` install, a ``FixedFormatter``, and a categorical axis's
    ``StrCategoryFormatter`` (``ax.bar(["relu", "tanh"], ...)``).
    """

    def __init__(self, axis):
        import functools

        from matplotlib.category import StrCategoryFormatter
        from matplotlib.ticker import FixedFormatter, FuncFormatter

        self.axis = axis
        self.formatter = axis.get_major_formatter()
        self.kind, self.strings = None, []
        if isinstance(self.formatter, FuncFormatter):
            func = self.formatter.func
            if (isinstance(func, functools.partial) and func.args
                    and isinstance(func.args[0], dict)
                    and getattr(func.func, "__name__", "") == "_format_with_dict"):
                self.kind, self.table = "dict", func.args[0]
                self.strings = [str(s) for s in self.table.values()]
        elif isinstance(self.formatter, FixedFormatter):
            self.kind = "fixed"
            self.strings = [str(s) for s in self.formatter.seq]
        elif isinstance(self.formatter, StrCategoryFormatter):
            self.kind = "category"
            self.strings = list(self.formatter._units)

    def replace(self, mapping):
        from matplotlib.category import StrCategoryFormatter

        if self.kind == "dict":
            for loc, label in self.table.items():
                self.table[loc] = mapping.get(str(label), label)
        elif self.kind == "fixed":
            self.formatter.seq = [mapping.get(str(s), s) for s in self.formatter.seq]
        elif self.kind == "category":
            units = {mapping.get(s, s): v for s, v in self.formatter._units.items()}
            self.formatter = StrCategoryFormatter(units)
            self.axis.set_major_formatter(self.formatter)


def figure_texts(fig):
    """Every string of ``fig`` a reader reads, except tick numbers.

    Returns a list of ``(get, set)`` pairs: ``get()`` gives the string,
    ``set(new)`` replaces it.  Text artists (titles, labels, legend entries,
    annotations, table cells, 3-D axis labels) come first, then word tick labels.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], label="train")
    >>> _ = ax.set_title("Loss"); _ = ax.legend()
    >>> sorted(get() for get, _ in figure_texts(fig) if get())
    ['Loss', 'train']
    >>> plt.close(fig)
    """
    from matplotlib.text import Text

    ticks = _tick_labels(fig)
    pairs = []
    for artist in fig.findobj(Text):
        if id(artist) not in ticks:
            pairs.append((artist.get_text, artist.set_text))
    for ax in fig.get_axes():
        for axis in getattr(ax, "_axis_map", {}).values():
            strings = _FormatterStrings(axis)
            for text in strings.strings:
                def replace(new, strings=strings, old=text):
                    strings.replace({old: new})
                pairs.append((lambda text=text: text, replace))
    return pairs


#: A number as figures print them: 3, 0.93, 1e-4's 1 and 4, 85,002, 12.1.
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def lookup(text, catalogue):
    """The translation of ``text``, or None.

    A text that differs from a catalogue message only in its numbers (a benchmark
    re-run, a new seed) takes that message's translation with the new numbers, if
    the translation has the same numbers as its message and each old number maps to
    a single new one.  ``make gettext`` still lists the new text, so the
    catalogue catches up.

    Examples
    --------
    >>> catalogue = {"GoogLeNet, batch 8\\n957 ms/step": "GoogLeNet、バッチ 8\\n957 ms/ステップ"}
    >>> print(lookup("GoogLeNet, batch 8\\n1,012 ms/step", catalogue))
    GoogLeNet、バッチ 8
    1,012 ms/ステップ
    >>> lookup("GoogLeNet, batch 16\\n957 ms/step", catalogue)
    'GoogLeNet、バッチ 16\\n957 ms/ステップ'
    >>> lookup("ResNet, batch 8\\n957 ms/step", catalogue) is None
    True
    """
    if text in catalogue:
        return catalogue[text]
    shape = NUMBER.sub("#", text)
    for msgid, msgstr in catalogue.items():
        if NUMBER.sub("#", msgid) != shape:
            continue
        old, new = NUMBER.findall(msgid), NUMBER.findall(text)
        mapping = {}
        if any(mapping.setdefault(a, b) != b for a, b in zip(old, new)):
            continue
        if sorted(NUMBER.findall(msgstr)) != sorted(old):
            continue
        return NUMBER.sub(lambda m: mapping[m.group()], msgstr)
    return None


def translate_figure(fig, catalogue):
    """Translate the texts of ``fig`` in place; return the texts with no translation.

    A text is translated once (the figure remembers it), so rendering a figure twice
    is harmless.  Texts without words (see :func:`has_words`) are kept as they are.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_xlabel("epoch"); _ = ax.set_ylabel("$L$"); _ = ax.set_title("Loss curve")
    >>> translate_figure(fig, {"epoch": "エポック"})
    ['Loss curve']
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('エポック', '$L$')
    >>> translate_figure(fig, {"epoch": "エポック"})  # already translated: not looked up again
    ['Loss curve']
    >>> plt.close(fig)
    """
    done = fig.__dict__.setdefault("_dlbook_translated", set())
    missing = []
    for get, put in figure_texts(fig):
        text = get()
        if not text or text in done or not has_words(text):
            continue
        translation = lookup(text, catalogue)
        if translation is not None:
            put(translation)
            done.add(translation)
        elif text not in missing:
            missing.append(text)
    return missing


def record_figure(fig, path, page=None):
    """Append the texts of ``fig`` that have words to ``path``.

    One JSON object a line, ``{"text": ..., "page": ...}``; ``page`` (the document
    being executed) defaults to ``DLBOOK_FIGURES_PAGE``, which ``dlbook_figures`` sets.
    """
    page = page or os.environ.get("DLBOOK_FIGURES_PAGE")
    texts = []
    for get, _ in figure_texts(fig):
        text = get()
        if text and has_words(text) and text not in texts:
            texts.append(text)
    if texts:
        with open(path, "a", encoding="utf-8") as handle:
            handle.writelines(json.dumps({"text": t, "page": page}, ensure_ascii=False) + "\n"
                              for t in texts)


def make_room_for_suptitle(fig, em=0.4):
    """Raise ``fig``'s suptitle by ``em`` of its font size, once, if no layout engine places it.

    Japanese glyphs fill the em box down to the baseline and below, where the English
    words sat above it; a suptitle at matplotlib's fixed height then touches the axes
    titles under it.  The inline backend saves with a tight bounding box, so the raised
    title gets its room from a slightly taller image, and nothing else moves.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure(figsize=(4, 3.6))
    >>> _ = fig.suptitle("損失")
    >>> make_room_for_suptitle(fig); make_room_for_suptitle(fig)
    >>> print(round(float(fig._suptitle.get_position()[1]), 4))   # 0.98 + 0.4 * 12 pt / 3.6 in
    0.9985
    >>> plt.close(fig)
    """
    title = getattr(fig, "_suptitle", None)
    if (title is None or not title.get_text() or fig.get_layout_engine() is not None
            or fig.__dict__.get("_dlbook_suptitle_raised")):
        return
    title.set_y(title.get_position()[1] + em * title.get_fontsize() / 72 / fig.get_figheight())
    fig.__dict__["_dlbook_suptitle_raised"] = True


#: The longest text alternative :meth:`FigureHook.alt_text` writes.
ALT_LENGTH = 300
#: The key of a figure's text alternative in its notebook output's metadata.
ALT_KEY = "dlbook_alt"


class FigureHook:
    """What the kernel does to each figure it renders (see the module docstring).

    Parameters
    ----------
    mode : {"translate", "record", "check"}
    catalogue : dict, optional
        ``{msgid: msgstr}`` (mode ``translate``).
    record : str, optional
        The file the texts are appended to (mode ``record``).
    """

    def __init__(self, mode="check", catalogue=None, record=None):
        if mode not in ("translate", "record", "check"):
            raise ValueError(f"mode must be 'translate', 'record' or 'check', got {mode!r}")
        self.mode = mode
        self.catalogue = catalogue or {}
        self.record = record
        self.errors = []

    def prepare(self, fig):
        """Translate (or record) ``fig``; raise :class:`FigureTextError` if a text is untranslated."""
        if self.mode == "record" and self.record:
            record_figure(fig, self.record)
        elif self.mode == "translate":
            missing = translate_figure(fig, self.catalogue)
            make_room_for_suptitle(fig)
            if missing:
                listed = "; ".join(repr(t) for t in missing)
                raise FigureTextError(
                    f"figure text with no translation in figures.po: {listed}. "
                    "Run `make gettext` to add it to docs/locale/<lang>/LC_MESSAGES/figures.po, "
                    "then translate it there.")

    def alt_text(self, fig):
        """A text alternative for ``fig``'s image: its words, in the edition's language.

        Titles first, then labels, legend entries and word tick labels, each once
        (maths without its ``$``, ``\\`` and braces: ``\\sigma(x)`` reads "sigma(x)"),
        after "Figure:" (「図：」 in a translated edition), at most :data:`ALT_LENGTH`
        characters.

        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> fig, ax = plt.subplots()
        >>> _ = ax.plot([0, 1], label="train"); _ = ax.legend(); _ = ax.set_title("Loss")
        >>> _ = ax.set_xlabel("epoch"); _ = ax.set_ylabel(r"$\\sigma(u^{(1)})$")
        >>> FigureHook().alt_text(fig)
        'Figure: Loss; epoch; sigma(u^(1)); train'
        >>> words = {"Loss": "損失", "epoch": "エポック", "train": "訓練"}
        >>> FigureHook("translate", words).alt_text(fig)
        '図：損失、エポック、sigma(u^(1))、訓練'
        >>> plt.close(fig)
        """
        titles = [t.get_text() for t in [fig._suptitle] + [ax.title for ax in fig.get_axes()]
                  if t is not None]
        texts = [get() for get, _ in figure_texts(fig)]
        words = []
        for text in sorted(texts, key=lambda text: text not in titles):   # titles first
            if self.mode == "translate":
                text = lookup(text, self.catalogue) or text
            text = " ".join(re.sub(r"[$\\{}]", "", text).split())     # maths as plain text
            if text and not NUMBER.fullmatch(text) and text not in words:
                words.append(text)
        if self.mode == "translate":                 # the one translated edition: Japanese
            alt = "図：" + "、".join(words)
        else:
            alt = "Figure: " + "; ".join(words)
        return alt if len(alt) <= ALT_LENGTH else alt[:ALT_LENGTH - 1] + "…"

    def print_figure(self, original):
        """Wrap ``FigureCanvasBase.print_figure``: prepare the figure, glyph warnings as errors."""
        hook = self

        def print_figure(canvas, *args, **kwargs):
            try:
                hook.prepare(canvas.figure)
                with warnings.catch_warnings():
                    warnings.filterwarnings("error", message=GLYPH_MISSING)
                    return original(canvas, *args, **kwargs)
            except Exception as error:
                hook.errors.append(error)
                raise

        print_figure.__wrapped__ = original
        return print_figure

    def end_of_cell(self):
        """Raise what went wrong while rendering this cell's figures (called in the cell).

        Figures still open (the inline backend shows them after the cell) are
        prepared now, so an untranslated text fails this cell too.
        """
        import sys

        if "matplotlib.pyplot" in sys.modules:
            plt = sys.modules["matplotlib.pyplot"]
            for number in plt.get_fignums():
                try:
                    self.prepare(plt.figure(number))
                except FigureTextError as error:
                    self.errors.append(error)
        errors, self.errors = self.errors, []
        if errors:
            raise FigureTextError(" | ".join(f"{type(e).__name__}: {e}" for e in errors))


class _AppendCheck(ast.NodeTransformer):
    """Make each cell end with ``_dlbook_figure_hook.end_of_cell()``.

    A cell whose last statement is an expression keeps its displayed value: the
    value is kept in a name, checked, then shown.
    """

    NAME = "_dlbook_figure_hook"

    def visit_Module(self, module):
        if not module.body:
            return module
        check = ast.parse(f"{self.NAME}.end_of_cell()").body
        last = module.body[-1]
        if isinstance(last, ast.Expr):
            keep = ast.Assign(targets=[ast.Name("_dlbook_last", ast.Store())], value=last.value)
            show = ast.Expr(ast.Name("_dlbook_last", ast.Load()))
            module.body[-1:] = [keep, *check, show]
        else:
            module.body.extend(check)
        return ast.fix_missing_locations(module)


def install(shell=None, mode=None, catalogue_path=None, record=None):
    """Install the hook in this process (an IPython kernel; called by the startup file).

    The arguments default to the environment ``dlbook_figures`` exports:
    ``DLBOOK_FIGURES`` (the mode), ``DLBOOK_FIGURES_CATALOGUE`` (a ``.po`` file) and
    ``DLBOOK_FIGURES_RECORD``.  In mode ``translate`` the figures use IPAexGothic (from
    the ``matplotlib-fontja`` wheel), falling back to DejaVu Sans glyph by glyph.
    """
    import matplotlib
    from matplotlib.backend_bases import FigureCanvasBase

    mode = mode or os.environ.get("DLBOOK_FIGURES", "check")
    catalogue_path = catalogue_path or os.environ.get("DLBOOK_FIGURES_CATALOGUE")
    record = record or os.environ.get("DLBOOK_FIGURES_RECORD")
    catalogue = read_catalogue(catalogue_path) if mode == "translate" and catalogue_path else {}
    hook = FigureHook(mode, catalogue, record)
    if mode == "translate":
        import matplotlib_fontja  # noqa: F401  (registers IPAexGothic and selects it)
        # IPAexGothic first; DejaVu Sans (matplotlib's own) draws what it lacks, such
        # as "≤".  Maths keeps its own fonts (mathtext).
        matplotlib.rcParams["font.family"] = ["IPAexGothic", "DejaVu Sans"]
    original = getattr(FigureCanvasBase.print_figure, "__wrapped__", FigureCanvasBase.print_figure)
    FigureCanvasBase.print_figure = hook.print_figure(original)
    _give_figures_alt_text(hook)
    if shell is not None:
        shell.user_ns[_AppendCheck.NAME] = hook
        shell.ast_transformers.append(_AppendCheck())
    return hook


def _give_figures_alt_text(hook):
    """Put each inline figure's text alternative into its output's metadata.

    The inline backend displays a figure with the metadata ``_fetch_figure_metadata``
    returns; :mod:`dlbook_figures` hands the ``ALT_KEY`` entry to the image's ``alt``.
    Without it an image's ``alt`` would be its file's path.
    """
    try:
        from matplotlib_inline import backend_inline
    except ImportError:                     # not in a notebook kernel
        return
    fetch = getattr(backend_inline._fetch_figure_metadata, "__wrapped__",
                    backend_inline._fetch_figure_metadata)

    def fetch_with_alt(fig):
        return {**(fetch(fig) or {}), ALT_KEY: hook.alt_text(fig)}

    fetch_with_alt.__wrapped__ = fetch
    backend_inline._fetch_figure_metadata = fetch_with_alt
