"""Sphinx helpers for the dlbook site.

- ``{correction}``: the "Correction to the notes" box (class ``correction``).
- ``{quiz}``: a confirmation quiz (確認テスト) box (class ``quiz``).
- ``{notes-map}``: the table of docs/_data/notes_map.yaml.
- ``{glossary-table}``: the glossary from docs/_data/glossary.yaml.
- a ``.ipynb`` download for every executed page (sphinx-book-theme shows it
  when ``ipynb_source`` is in the page context).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

DATA = Path(__file__).resolve().parent.parent / "_data"


def load_notes_map():
    """Entries of the notes map, in the notes' order."""
    return yaml.safe_load((DATA / "notes_map.yaml").read_text(encoding="utf8"))


def load_glossary():
    """Glossary entries sorted by English term."""
    entries = yaml.safe_load((DATA / "glossary.yaml").read_text(encoding="utf8"))
    return sorted(entries, key=lambda e: e["term"].lower())


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


class QuizDirective(_Box):
    """A confirmation quiz (確認テスト) with its answer."""

    title = "Confirmation quiz (確認テスト)"
    css_class = "quiz"


def _parse_rst(directive, text):
    container = nodes.container()
    directive.state.nested_parse(StringList(text.splitlines()), directive.content_offset,
                                 container)
    return container.children


class NotesMapDirective(SphinxDirective):
    """Render the notes map as a table: item, section, page, code, status."""

    def run(self):
        self.env.note_dependency(str(DATA / "notes_map.yaml"))
        lines = [".. list-table::", "   :header-rows: 1", "   :class: notes-map", "",
                 "   * - Notes", "     - Section", "     - What", "     - Page",
                 "     - Code", "     - Status"]
        for e in load_notes_map():
            page = f":doc:`/{e['page']}`" if e.get("status") == "done" else e["page"]
            api = ", ".join(f":py:obj:`{name}`" if e.get("status") == "done" else f"``{name}``"
                            for name in e.get("api", [])) or "—"
            lines += [f"   * - {e['item']}", f"     - {e['section']}", f"     - {e['what']}",
                      f"     - {page}", f"     - {api}", f"     - {e.get('status', 'planned')}"]
        return _parse_rst(self, "\n".join(lines))


class GlossaryTableDirective(SphinxDirective):
    """Render docs/_data/glossary.yaml as a Sphinx glossary (so ``{term}`` links work)."""

    def run(self):
        self.env.note_dependency(str(DATA / "glossary.yaml"))
        lines = [".. glossary::", ""]
        for e in load_glossary():
            lines.append(f"   {e['term']}")
            lines.append(f"      ({e['ja']}) {e['definition']}")
            if e.get("see"):
                lines.append(f"      See :doc:`/{e['see']}`.")
            lines.append("")
        return _parse_rst(self, "\n".join(lines))


def _offer_notebook(app, pagename, templatename, context, doctree):
    """Copy myst-nb's executed notebook next to the sources and offer it for download."""
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.exists() or not context.get("page_source_suffix"):
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app):
    app.add_directive("correction", CorrectionDirective)
    app.add_directive("quiz", QuizDirective)
    app.add_directive("notes-map", NotesMapDirective)
    app.add_directive("glossary-table", GlossaryTableDirective)
    app.connect("html-page-context", _offer_notebook, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
