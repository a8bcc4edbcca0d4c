"""Sphinx helpers for the dlbook site.

- ``{correction}``: the "Correction to the notes" box (class ``correction``).
- ``{clarification}``: the "Clarification of the notes" box (class ``clarification``),
  for what the notes leave loose or ambiguous rather than get wrong.
- ``{quiz}``: a confirmation quiz (確認テスト) box (class ``quiz``); its first
  paragraph is the question, the rest the answers, collapsed until the reader opens them.
- ``{notes-map}``: the table of docs/_data/notes_map.yaml.
- ``{glossary-table}``: the glossary from docs/_data/glossary.yaml.
- a ``.ipynb`` download for every executed page (sphinx-book-theme shows it
  when ``ipynb_source`` is in the page context).
"""

from __future__ import annotations

import ast
import shutil
import textwrap
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from docutils.parsers.rst import directives
from sphinx.directives.code import LiteralInclude
from sphinx.util.docutils import SphinxDirective

from dlbook_data import DATA, load_glossary, load_notes_map


class _Box(SphinxDirective):
    """An admonition with a fixed title and CSS class."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    title = ""
    css_class = ""

    def run(self):
        title = self.title + (f": {self.arguments[0]}" if self.arguments else "")
        node = nodes.admonition(classes=["admonition", self.css_class])
        textnodes, messages = self.state.inline_text(title, self.lineno)
        title_node = nodes.title(title, "", *textnodes)
        node += title_node
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node, *messages]


class CorrectionDirective(_Box):
    """A visible "Correction to the notes" box."""

    title = "Correction to the notes"
    css_class = "correction"


class ClarificationDirective(_Box):
    """A "Clarification of the notes" box: the notes are loose or ambiguous, not wrong."""

    title = "Clarification of the notes"
    css_class = "clarification"


class quiz_answer(nodes.container):
    """The answers of a quiz: a ``<details>`` element in HTML, a plain container elsewhere."""


def _visit_quiz_answer(self, node):
    self.body.append('<details class="quiz-answer"><summary>Show the answers</summary>\n')


def _depart_quiz_answer(self, node):
    self.body.append("</details>\n")


class QuizDirective(_Box):
    """A confirmation quiz (確認テスト): the question, then its answers, collapsed.

    The answers stay in the page (the search index and find-in-page see them; a
    script opens them for printing).
    """

    title = "Confirmation quiz (確認テスト)"
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
    """Parse generated MyST Markdown in place of the directive."""
    container = nodes.container(classes=list(classes))
    directive.state.nested_parse(StringList(text.splitlines(), source="generated"),
                                 directive.content_offset, container)
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


class GlossaryTableDirective(SphinxDirective):
    """Render docs/_data/glossary.yaml as a Sphinx glossary, so ``{term}`` links work."""

    def run(self):
        self.env.note_dependency(str(DATA / "glossary.yaml"))
        lines = ["```{glossary}"]
        for e in load_glossary():
            see = ""
            if e.get("see") in self.env.found_docs:
                see = f" See {{doc}}`/{e['see']}`."
            lines += [e["term"], f"  ({e['ja']}) {e['definition']}{see}", ""]
        lines.append("```")
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
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
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


def setup(app):
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
