"""What the published HTML site needs besides the pages.

- the HTML writer: Japanese runs marked ``lang="ja"`` (dlbook_japanese), and the
  bibliography as a list of list items (docutils' ``doc-biblioentry`` role is
  deprecated and needs a ``doc-bibliography`` parent: axe reports it);
- a local MathJax 3 (from the django-static-mathjax wheel) with its LICENSE and the
  ``sre/`` speech rules that the MathJax menu's speech and explorer options load;
- ``.nojekyll``, so GitHub Pages serves ``_static/``, ``_images/`` and ``_sources/``;
- the social-card font (IPAexGothic from matplotlib-fontja) registered with
  matplotlib, so sphinxext-opengraph can draw Japanese page titles.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from dlbook_japanese import JapaneseMarkupTranslator

# What tex-chtml.js loads, plus the speech rule engine behind the menu's accessibility options.
MATHJAX_PARTS = ("output", "input", "ui", "a11y", "adaptors", "sre")


class SiteTranslator(JapaneseMarkupTranslator):
    """The HTML writer of the site."""

    def visit_citation(self, node):
        if not isinstance(node.previous_sibling(), type(node)):
            self.body.append('<div role="list" class="citation-list">\n')
        self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def copy_mathjax(app, exception):
    """Copy MathJax's component files and its licence into ``_static/mathjax``."""
    if exception is not None or app.builder.format != "html":
        return
    import mathjax

    package = Path(mathjax.__file__).parent / "static" / "mathjax"
    source, target = package / "es5", Path(app.outdir) / "_static" / "mathjax"
    target.mkdir(parents=True, exist_ok=True)
    if not (target / "tex-chtml.js").exists():
        shutil.copy2(source / "tex-chtml.js", target / "tex-chtml.js")
    if not (target / "LICENSE").exists():
        shutil.copy2(package / "LICENSE", target / "LICENSE")
    for part in MATHJAX_PARTS:
        if not (target / part).is_dir():
            shutil.copytree(source / part, target / part)


def write_nojekyll(app, exception):
    if exception is None and app.builder.format == "html":
        (Path(app.outdir) / ".nojekyll").touch()


def register_card_font(app):
    """Make IPAexGothic (the ``ogp_social_cards`` font) known to matplotlib."""
    if app.builder.format != "html":
        return
    spec = importlib.util.find_spec("matplotlib_fontja")
    font = Path(spec.submodule_search_locations[0]) / "fonts" / "ipaexg.ttf"
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(font))


def setup(app):
    for builder in ("html", "dirhtml", "singlehtml"):
        app.set_translator(builder, SiteTranslator)
    app.connect("builder-inited", register_card_font)
    app.connect("build-finished", copy_mathjax)
    app.connect("build-finished", write_nojekyll)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
