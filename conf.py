"""Sphinx configuration for the dlbook site.

Build with ``sphinx-build -c . docs _build/html`` (the Makefile does this).
"""

import doctest
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

import dlbook  # noqa: E402

project = "dlbook"
author = "the dlbook developers"
copyright = "2026, the dlbook developers"
release = dlbook.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    "sphinxcontrib.bibtex",
    "sphinx_copybutton",
    "dlbook_docs",
]

exclude_patterns = ["_build", "**/.ipynb_checkpoints", "_data", "_ext", "README.md"]
nitpicky = True
# Names from the standard library and NumPy have no inventory to link to offline.
nitpick_ignore_regex = [
    # Docstring type descriptions ("int or pair", "numpy.ndarray") are prose; only
    # dlbook's own classes must resolve.
    (r"py:class", r"(?!dlbook\.).*"),
]

# -- MyST and notebook execution ---------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "substitution"]
myst_heading_anchors = 3
nb_execution_mode = os.environ.get("DLBOOK_NB_EXECUTION", "cache")
nb_execution_cache_path = os.environ.get("DLBOOK_JUPYTER_CACHE", str(ROOT / "_build" / ".jupyter_cache"))
nb_execution_timeout = 900
nb_execution_raise_on_error = True
nb_merge_streams = True
nb_execution_show_tb = True

# -- autodoc -----------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "none"
autodoc_default_options = {"members": True}
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False

# -- doctest builder ---------------------------------------------------------
# The same setup and flags as pytest's --doctest-modules (pyproject.toml), so a
# docstring example behaves the same under both runners.
doctest_global_setup = "import numpy as np"
doctest_default_flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | doctest.DONT_ACCEPT_TRUE_FOR_1

# -- bibliography ------------------------------------------------------------
bibtex_bibfiles = ["docs/references.bib"]
bibtex_default_style = "unsrt"
bibtex_reference_style = "author_year"

# -- HTML --------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "dlbook"
html_static_path = ["docs/_static"]
html_css_files = ["dlbook.css"]
html_theme_options = {
    "use_download_button": True,
    "use_fullscreen_button": True,
    "show_toc_level": 2,
    "home_page_in_toc": True,
}
# Without a default colour mode the theme logs a console error on a first visit.
html_context = {"default_mode": "auto"}
html_last_updated_fmt = None
html_copy_source = True

# Math renders from a local MathJax (the django-static-mathjax wheel carries
# MathJax 3.2.2) so the site works with no network connection.
mathjax_path = "mathjax/tex-chtml.js"
mathjax3_config = {"tex": {"tags": "none"}}


def _copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    import mathjax

    source = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    target = Path(app.outdir) / "_static" / "mathjax"
    if (target / "tex-chtml.js").exists():
        return
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "tex-chtml.js", target / "tex-chtml.js")
    for sub in ("output", "input", "ui", "a11y", "adaptors"):
        shutil.copytree(source / sub, target / sub, dirs_exist_ok=True)


def setup(app):
    app.connect("build-finished", _copy_mathjax)
