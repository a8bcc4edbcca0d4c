"""Sphinx helpers for the dlbook site.

- ``{correction}``: the "Correction to the notes" box (class ``correction``).
- ``{clarification}``: the "Clarification of the notes" box (class ``clarification``),
  for what the notes leave loose or ambiguous rather than get wrong.
- ``{quiz}``: a confirmation quiz (確認テスト) box (class ``quiz``); its first
  paragraph is the question, the rest the answers, collapsed until the reader opens them.
- ``{notes-map}``: the table of docs/_data/notes_map.yaml.
- ``{glossary-table}``: the glossary from docs/_data/glossary.yaml.
- ``{.gloss}`` paragraphs: the English gloss of a quote from the notes.  The English
  edition shows it after the Japanese original; other editions leave it out, and it is
  never put in a translation catalogue (`EnglishGloss`).
- a ``.ipynb`` download for every executed page (sphinx-book-theme shows it
  when ``ipynb_source`` is in the page context).
"""

from __future__ import annotations

import ast
import itertools
import shutil
import textwrap
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from docutils.parsers.rst import directives
from sphinx.directives.code import LiteralInclude
from sphinx.locale import get_translation
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from dlbook_data import DATA, glossary_group_ja, load_glossary, load_notes_map

# The extension's own words (box kinds, the quiz's "Show the answers") are translated by
# a message catalogue of its own, docs/_ext/locale/<lang>/LC_MESSAGES/dlbook.po.
CATALOGUE = "dlbook"
LOCALE_DIR = Path(__file__).parent / "locale"
_ = get_translation(CATALOGUE)


def _noop(message):
    """Mark a message for the catalogue; it is translated where it is written out."""
    return message


class _Box(SphinxDirective):
    """An admonition with a fixed, translated kind ("Correction to the notes") and CSS class.

    The title node holds only the directive's argument, so a translation catalogue has
    one message per box title; the fixed kind is put in front of it at write time in the
    reader's language (`_BoxKind`).
    """

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    kind = ""
    css_class = ""

    def run(self):
        node = nodes.admonition(classes=["admonition", self.css_class], box_kind=self.kind)
        title = self.arguments[0] if self.arguments else ""
        textnodes, messages = self.state.inline_text(title, self.lineno)
        title_node = nodes.title(title, "", *textnodes)
        self.set_source_info(title_node)
        node += title_node
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node, *messages]


class _BoxKind(SphinxPostTransform):
    """Write each box's kind in front of its (possibly translated) title."""

    default_priority = 200

    def run(self, **kwargs):
        for box in self.document.findall(nodes.admonition):
            kind = box.get("box_kind")
            if not kind:
                continue
            title = box[0]
            if title.children:
                label = _("{kind}: ").format(kind=_(kind))
                title.insert(0, nodes.inline("", label, classes=["box-kind"]))
            else:
                title += nodes.Text(str(_(kind)))


class EnglishGloss(SphinxTransform):
    """Keep the English gloss of a quoted Japanese passage out of translation.

    A page quotes the notes in Japanese and glosses the quote in English::

        > 大域的最適解に向かって…
        >
        > {.gloss}
        > "so it heads for the global optimum …"

    A Japanese reader needs only the original, so the gloss is not offered for
    translation and the Japanese edition drops it.  This runs before Sphinx's
    ``Locale`` transform (priority 20), which would otherwise translate it.
    """

    default_priority = 15

    def apply(self, **kwargs):
        for gloss in list(self.document.findall(nodes.paragraph)):
            if "gloss" not in gloss["classes"]:
                continue
            if self.config.language not in (None, "en"):
                gloss.parent.remove(gloss)
                continue
            for node in gloss.findall(nodes.TextElement):
                node["translatable"] = False


class CorrectionDirective(_Box):
    """A visible "Correction to the notes" box."""

    kind = _noop("Correction to the notes")
    css_class = "correction"


class ClarificationDirective(_Box):
    """A "Clarification of the notes" box: the notes are loose or ambiguous, not wrong."""

    kind = _noop("Clarification of the notes")
    css_class = "clarification"


class quiz_answer(nodes.container):
    """The answers of a quiz: a ``<details>`` element in HTML, a plain container elsewhere."""


def _visit_quiz_answer(self, node):
    self.body.append('<details class="quiz-answer"><summary>'
                     f'{self.encode(_("Show the answers"))}</summary>\n')


def _depart_quiz_answer(self, node):
    self.body.append("</details>\n")


class QuizDirective(_Box):
    """A confirmation quiz (確認テスト): the question, then its answers, collapsed.

    The answers stay in the page (the search index and find-in-page see them; a
    script opens them for printing).
    """

    kind = _noop("Confirmation quiz (確認テスト)")
    css_class = "quiz"

    def run(self):
        box, *messages = super().run()
        question = next((i for i, child in enumerate(box.children)
                         if not isinstance(child, nodes.title)), None)
        if question is not None and question + 1 < len(box.children):
            answers = quiz_answer()
            answers.extend(box.children[question + 1:])
            box.children = box.children[:question + 1]
            box += answers
        return [box, *messages]


def _parse(directive, text, classes=()):
    """Parse generated MyST Markdown in place of the directive.

    Every text node gets the directive's source and line: without a source, Sphinx's
    gettext builder skips a node, and the translation of a generated table (the notes
    map) would be impossible.
    """
    container = nodes.container(classes=list(classes))
    directive.state.nested_parse(StringList(text.splitlines(), source="generated"),
                                 directive.content_offset, container)
    source, line = directive.get_source_info()
    for node in container.findall(nodes.TextElement):
        if not node.source or node.source == "generated":
            node.source, node.line = source, line
    return [container] if classes else container.children


class NotesMapDirective(SphinxDirective):
    """Render the notes map as a table: item, section, page, code, status (MyST pages only)."""

    def run(self):
        self.env.note_dependency(str(DATA / "notes_map.yaml"))
        lines = ["| Notes | Section | What | Page | Code | Status |",
                 "|---|---|---|---|---|---|"]
        for e in load_notes_map():
            done = e.get("status") == "done"
            page = f"{{doc}}`/{e['page']}`" if done else f"`{e['page']}`"
            role = "{py:obj}"
            api = ", ".join(f"{role}`~{name}`" if done else f"`{name}`"
                            for name in e.get("api", [])) or "—"
            lines.append(f"| {e['item']} | {e['section']} | {e['what']} | {page} | {api} | "
                         f"{'done' if done else 'planned'} |")
        return _parse(self, "\n".join(lines), classes=["notes-map"])


def glossary_definition(entry, see=""):
    """The definition of one glossary entry, after the other edition's term in brackets.

    The bracket is left out where it would repeat the headword (the notes call AdaGrad
    AdaGrad); ``see`` (the page to read) follows the definition.

    >>> glossary_definition({"term": "AdaGrad", "ja": "AdaGrad", "definition": "Steps."})
    'Steps.'
    >>> glossary_definition({"term": "Auxiliary Loss", "ja": "auxiliary loss",
    ...                      "definition": "Extra loss."}, " See it.")
    'Extra loss. See it.'
    >>> glossary_definition({"term": "dropout", "ja": "ドロップアウト", "definition": "Drops."})
    '(ドロップアウト) Drops.'
    """
    term, other = (" ".join(entry[k].split()).casefold() for k in ("term", "ja"))
    text = entry["definition"] if term == other else f"({entry['ja']}) {entry['definition']}"
    return text + see


class GlossaryTableDirective(SphinxDirective):
    """Render docs/_data/glossary.yaml as a Sphinx glossary, so ``{term}`` links work."""

    def run(self):
        self.env.note_dependency(str(DATA / "glossary.yaml"))
        language = self.env.config.language
        entries = load_glossary(language)
        # The Japanese edition is headed by 英字 and the kana rows (あ行, か行, ...), as a
        # Japanese glossary is; the English one is a single list.
        group = glossary_group_ja if language == "ja" else (lambda e: None)
        lines = []
        for heading, members in itertools.groupby(entries, key=group):
            if heading:
                lines += [f"```{{rubric}} {heading}", "```", ""]
            lines.append("```{glossary}")
            for e in members:
                see = ""
                if e.get("see") in self.env.found_docs:
                    see = f" See {{doc}}`/{e['see']}`."
                lines += [e["term"], f"  {glossary_definition(e, see)}", ""]
            lines += ["```", ""]
        return _parse(self, "\n".join(lines))


def strip_docstrings(source):
    """Remove the docstrings of every function and class in ``source`` (a code excerpt).

    The excerpt may be indented (a method); it is parsed dedented, and the lines of
    each docstring are dropped, so the page shows the code and the API reference
    shows the documentation.
    """
    dedented = textwrap.dedent(source)
    try:
        tree = ast.parse(dedented)
    except SyntaxError:
        return source
    drop = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = node.body[0] if node.body else None
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                drop.update(range(first.lineno - 1, first.end_lineno))
    lines = source.splitlines(keepends=True)
    drop |= {i + 1 for i in drop if i + 1 < len(lines) and not lines[i + 1].strip()}
    return "".join(line for i, line in enumerate(lines) if i not in drop)


class CodeInclude(LiteralInclude):
    """``literalinclude`` that, with ``:pyobject:``, leaves out docstrings and dedents.

    The docstring (and its doctested example) is shown in the API reference; a
    concept page shows the code beside its equation. ``:docstring:`` keeps it.
    """

    option_spec = {**LiteralInclude.option_spec, "docstring": directives.flag}

    def run(self):
        if "pyobject" in self.options:
            # A method is shown flush left, as if it were a function (full width for code).
            self.options.setdefault("dedent", None)
        result = super().run()
        if "pyobject" not in self.options or "docstring" in self.options:
            return result
        for node in result:
            for block in node.findall(nodes.literal_block):
                text = strip_docstrings(block.astext())
                block.rawsource = text
                block.children = [nodes.Text(text)]
        return result


def _keep_tags_out_of_split(app, doctree):
    """Typeset multi-line equations that carry a ``\\tag`` in an ``equation`` environment.

    Sphinx wraps display maths containing ``\\\\`` (e.g. ``cases``) in ``split``,
    where MathJax refuses ``\\tag``; ``equation`` accepts both.
    """
    for node in doctree.findall(nodes.math_block):
        latex = node.astext()
        if "\\tag" in latex and "\\\\" in latex and not node.get("nowrap"):
            node["nowrap"] = True
            node.children = [nodes.Text(f"\\begin{{equation}}\n{latex}\n\\end{{equation}}")]


def _offer_notebook(app, pagename, templatename, context, doctree):
    """Offer the executed notebook of a page for download (next to its source).

    myst-nb writes ``jupyter_execute/<page>.ipynb``; when it took the outputs from
    its execution cache it writes the notebook without them, so they are merged
    back from the cache here.
    """
    executed = Path(app.env.mystnb_config.output_folder) / f"{pagename}.ipynb"
    if not executed.exists() or not context.get("page_source_suffix"):
        return
    import nbformat
    from jupyter_cache import get_cache

    notebook = nbformat.read(executed, as_version=4)
    if not any(c.get("outputs") for c in notebook.cells if c.cell_type == "code"):
        try:
            _, notebook = get_cache(app.config.nb_execution_cache_path).merge_match_into_notebook(
                notebook)
        except KeyError:
            pass
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def _japanese_edition_settings(app, config):
    """The Japanese edition's own settings: citations, myst-nb's code toggle, theme words.

    In-text citations read 「Kingma と Ba [2015]」 and 「He ら [2015]」: sphinxcontrib-bibtex
    joins the authors with English words, so the Japanese edition gets the same
    author-year style with Japanese joiners.  The
    bibliography itself stays in the papers' own language.  The toggle of a hidden
    code cell, which myst-nb writes in English, is set in Japanese here too.
    """
    if config.language != "ja":
        return
    from dataclasses import dataclass, field

    from sphinxcontrib.bibtex.plugin import register_plugin
    from sphinxcontrib.bibtex.style.referencing import PersonStyle
    from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

    @dataclass
    class JapaneseAuthorYear(AuthorYearReferenceStyle):
        person: PersonStyle = field(default_factory=lambda: PersonStyle(
            sep="、", sep2=" と ", last_sep="、", other=" ら"))

    register_plugin("sphinxcontrib.bibtex.style.referencing", "author_year_ja",
                    JapaneseAuthorYear, force=True)
    config.bibtex_reference_style = "author_year_ja"
    # myst-nb's toggle of a hidden code cell ("Show code cell source"); the book hides
    # inputs only (tags: [hide-input]).
    config.nb_code_prompt_show = "コードを表示"
    config.nb_code_prompt_hide = "コードを隠す"
    # The theme writes the logo's alternative text ("dlbook - Home") and the search
    # box's placeholder ("Search...") in English unless told.
    options = dict(config.html_theme_options)
    options["logo"] = {**options.get("logo", {}), "alt_text": "dlbook のホーム"}
    options["search_bar_text"] = "検索"
    config.html_theme_options = options
    # The footer's "著者 ..." and "© ...": the authors' name in Japanese too.
    author = "dlbook の開発者"
    config.copyright = config.copyright.replace(f", {config.author}", f"、{author}")
    config.author = author


def compile_catalogues(locale_dir=LOCALE_DIR):
    """Write each ``dlbook.po`` of the extension as the ``.mo`` file Sphinx reads.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "ja" / "LC_MESSAGES"
    >>> folder.mkdir(parents=True)
    >>> _ = (folder / "dlbook.po").write_text(
    ...     'msgid "Show the answers"\\nmsgstr "解答を表示"\\n', encoding="utf-8")
    >>> [mo.name for mo in compile_catalogues(folder.parent.parent)]
    ['dlbook.mo']
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(Path(locale_dir).glob(f"*/LC_MESSAGES/{CATALOGUE}.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with open(po, "rb") as f:
                catalog = read_po(f)
            with open(mo, "wb") as f:
                write_mo(f, catalog)
        written.append(mo)
    return written


def setup(app):
    compile_catalogues()
    app.add_message_catalog(CATALOGUE, str(LOCALE_DIR))
    app.add_post_transform(_BoxKind)
    app.connect("config-inited", _japanese_edition_settings)
    app.add_transform(EnglishGloss)
    app.add_directive("literalinclude", CodeInclude, override=True)
    app.add_directive("correction", CorrectionDirective)
    app.add_directive("clarification", ClarificationDirective)
    app.add_node(quiz_answer, html=(_visit_quiz_answer, _depart_quiz_answer))
    app.add_directive("quiz", QuizDirective)
    app.add_directive("notes-map", NotesMapDirective)
    app.add_directive("glossary-table", GlossaryTableDirective)
    app.connect("html-page-context", _offer_notebook, priority=400)
    app.connect("doctree-read", _keep_tags_out_of_split)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
