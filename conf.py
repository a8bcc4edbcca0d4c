"""Sphinx configuration for the dlbook site.

Build with ``sphinx-build -c . docs _build/html`` (the Makefile does this).
"""

import doctest
import os
import sys
from pathlib import Path

# The book's matrices are small: one BLAS/OpenMP thread per process beats threads that
# fight over the cores (measured 30x on a loaded machine).  Set before NumPy is first
# imported; notebook kernels inherit it.  A caller's own setting wins.
for _threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

import dlbook  # noqa: E402

project = "dlbook"
author = "the dlbook developers"
copyright = "2026, the dlbook developers"
release = dlbook.__version__
version = release
language = "en"

# -- translations (docs/locale/<lang>/LC_MESSAGES/<page>.po; refresh with `make gettext`)
# locale_dirs is resolved against the source folder docs/, not this file's folder.
locale_dirs = ["locale"]
gettext_compact = False
gettext_uuid = False
gettext_location = True

# Where the site is published: Read the Docs says so in READTHEDOCS_CANONICAL_URL, the
# GitHub Pages workflow in DLBOOK_SITE_URL; a local build is served by `make serve`.
# The Japanese edition lives under ja/ of it: dlbook_editions sets html_baseurl and
# ogp_site_url per edition once the language (-D language=ja) is known.
html_baseurl = (os.environ.get("READTHEDOCS_CANONICAL_URL")
                or os.environ.get("DLBOOK_SITE_URL")
                or "http://localhost:8000/")
if not html_baseurl.endswith("/"):
    html_baseurl += "/"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "sphinx.ext.intersphinx",
    "sphinxcontrib.bibtex",
    "sphinx_copybutton",
    "sphinxext.opengraph",
    "dlbook_docs",
    "dlbook_japanese",
    "dlbook_site",
    "dlbook_gettext",
    "dlbook_figures",
    "dlbook_editions",
]

exclude_patterns = ["_build", "**/.ipynb_checkpoints", "_data", "_ext", "_intersphinx", "README.md"]
nitpicky = True

# -- links to other projects' documentation, from committed inventories (offline) ----
intersphinx_mapping = {
    "python": ("https://docs.python.org/3.11/", str(ROOT / "docs" / "_intersphinx" / "python.inv")),
}
intersphinx_timeout = 1
# Type names in docstrings that have nowhere to link, listed one by one (anything else
# that does not resolve is a typo and fails the build).
nitpick_ignore = [
    # NumPy publishes no inventory in any installable package.
    ("py:class", "numpy.ndarray"),
    ("py:class", "numpy dtype"),
    ("py:class", "numpy.random.Generator"),
    ("py:class", "array_like"),
    # numpydoc words, and phrases the docstrings use as types.
    ("py:class", "optional"),
    ("py:class", "callable"),
    ("py:class", "iterable"),
    ("py:class", "ignored"),
    ("py:class", "pair"),
    ("py:class", "two arrays"),
]
# The allowed values of a string argument, e.g. rounding : {"exact", "floor", "ceil"}.
nitpick_ignore_regex = [("py:class", r'\{?"\w+"\}?')]

# -- MyST and notebook execution ---------------------------------------------
# attrs_block: `{.gloss}` before a paragraph (docs/_ext/dlbook_docs.py, EnglishGloss).
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "substitution",
                          "attrs_block"]
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
html_js_files = ["dlbook.js"]
html_logo = "docs/_static/logo.svg"
html_favicon = "docs/_static/favicon.svg"
# The language switch (docs/_templates/language-switch.html) sits in every page's header.
templates_path = ["docs/_templates"]
html_theme_options = {
    "article_header_end": ["language-switch.html", "article-header-buttons.html"],
    "use_download_button": True,
    "use_fullscreen_button": True,
    "show_toc_level": 2,
    "home_page_in_toc": True,
}
# Without a default colour mode the theme logs a console error on a first visit.
html_context = {"default_mode": "auto"}
html_last_updated_fmt = None
html_copy_source = True

# -- copy buttons: copy the code a reader types, not the prompts or the expected output
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True

# -- OpenGraph (canonical URLs come from html_baseurl; dlbook_editions writes the sitemap)
ogp_site_url = html_baseurl
ogp_site_name = "dlbook"
# Social cards are drawn by matplotlib; page titles carry Japanese, so the card font
# must have the glyphs: IPAexGothic from the matplotlib-fontja wheel (no system font).
ogp_social_cards = {
    "font": "IPAexGothic",
    "image": "_static/logo-card.png",
    "image_mini": "_static/logo-card.png",
}

# Math renders from a local MathJax (the django-static-mathjax wheel carries
# MathJax 3.2.2) so the site works with no network connection; dlbook_site copies it.
mathjax_path = "mathjax/tex-chtml.js"
mathjax3_config = {"tex": {"tags": "none"}}
