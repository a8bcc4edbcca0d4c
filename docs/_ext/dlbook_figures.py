"""Figures in the build's language, and a notebook cache per language.

At ``config-inited`` (so a bare ``sphinx-build -D language=ja`` gets it too):

- The notebook kernels are given an IPython startup file that installs
  :mod:`dlbook_figure_text` (``IPYTHONDIR`` points at a folder this extension
  writes), and the environment tells it what to do: translate the figures'
  texts from ``docs/locale/<lang>/LC_MESSAGES/figures.po`` (a translated edition),
  record them (``DLBOOK_FIGURES=record``, what ``make gettext`` runs), or only check
  glyphs (English).  The code cells are the same in every edition.
- A translated edition executes into a notebook cache of its own: jupyter-cache keys
  on the code alone, which is the same in both editions, so a shared cache would serve
  English figures to the Japanese edition.  The folder's name also carries a digest
  of the translations and of the kernel hook, so editing ``figures.po`` re-executes
  the pages instead of serving figures with the old words.

Each figure's image gets a text alternative, its own words in the edition's language:
the kernel writes it into the output's metadata, and the image node gets it as ``alt``
(myst-nb's ``render_image``, wrapped here).

In the Sphinx process itself, the only figures drawn are the pages' social cards
(sphinxext-opengraph, with matplotlib): a "Glyph ... missing from font(s)" warning
there is an error too, so a card cannot show boxes for characters its font lacks.

With ``DLBOOK_FIGURES=record`` every page is read and executed again (no cache, no
incremental build) and the texts the kernels report are written, at the end of the
build, to ``<outdir>/figures.pot`` (``make gettext`` merges it like the page
catalogues: a changed text becomes a new untranslated message, an edited one fuzzy).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOOK = HERE / "dlbook_figure_text.py"
CATALOGUE = "figures.po"

STARTUP = """\
# Written by docs/_ext/dlbook_figures.py for the dlbook notebook kernels.
import sys as _sys
_sys.path.insert(0, {ext!r})
try:
    import dlbook_figure_text as _dlbook_figure_text
finally:
    _sys.path.remove({ext!r})
_dlbook_figure_text.install(get_ipython())
del _sys, _dlbook_figure_text
"""


def catalogue_path(app, language):
    """``<source>/<locale_dirs[0]>/<language>/LC_MESSAGES/figures.po``."""
    locale = (app.config.locale_dirs or ["locale"])[0]
    return Path(app.srcdir) / locale / language / "LC_MESSAGES" / CATALOGUE


def cache_folder(base, language, catalogue=None):
    """The notebook cache folder of one edition.

    English keeps ``base``; another language gets ``<base>-<language>-<digest>``, the
    digest taken over the translations in ``catalogue`` (a dict) and the kernel hook's
    source, so that a new translation re-executes the pages.

    Examples
    --------
    >>> cache_folder("_build/.jupyter_cache", "en")
    '_build/.jupyter_cache'
    >>> a = cache_folder("_build/.jupyter_cache", "ja", {"loss": "損失"})
    >>> b = cache_folder("_build/.jupyter_cache", "ja", {"loss": "損失関数"})
    >>> a.startswith("_build/.jupyter_cache-ja-"), a != b
    (True, True)
    """
    if not language or language == "en":
        return str(base)
    digest = hashlib.sha256()
    digest.update(json.dumps(sorted((catalogue or {}).items()), ensure_ascii=False).encode())
    digest.update(HOOK.read_bytes())
    return f"{base}-{language}-{digest.hexdigest()[:12]}"


def _prune_old_caches(current):
    """Remove this language's caches made for other translations (they are never reused)."""
    current = Path(current)
    prefix = current.name.rsplit("-", 1)[0] + "-"
    for sibling in current.parent.glob(prefix + "*"):
        if sibling != current and sibling.is_dir() and len(sibling.name) == len(current.name):
            shutil.rmtree(sibling, ignore_errors=True)


def _config_inited(app, config):
    from dlbook_figure_text import read_catalogue

    language = config.language or "en"
    mode = os.environ.get("DLBOOK_FIGURES")
    if mode != "record":
        mode = "check" if language == "en" else "translate"
    os.environ["DLBOOK_FIGURES"] = mode
    os.environ["DLBOOK_LANGUAGE"] = language
    os.environ.pop("DLBOOK_FIGURES_CATALOGUE", None)

    if mode == "record":
        record = Path(app.outdir) / "figures.jsonl"
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text("", encoding="utf-8")
        os.environ["DLBOOK_FIGURES_RECORD"] = str(record)
        # Every page must run to report its figures: no cache.
        config.nb_execution_mode = "force"
    elif mode == "translate":
        po = catalogue_path(app, language)
        if not po.exists():
            from sphinx.errors import ConfigError
            raise ConfigError(f"{po} is missing: run `make gettext` to create it, then translate it")
        os.environ["DLBOOK_FIGURES_CATALOGUE"] = str(po)
        config.nb_execution_cache_path = cache_folder(
            config.nb_execution_cache_path, language, read_catalogue(po))
        _prune_old_caches(config.nb_execution_cache_path)

    ipython = Path(app.doctreedir) / "ipython"
    startup = ipython / "profile_default" / "startup" / "00-dlbook-figures.py"
    startup.parent.mkdir(parents=True, exist_ok=True)
    text = STARTUP.format(ext=str(HERE))
    if not startup.exists() or startup.read_text(encoding="utf-8") != text:
        startup.write_text(text, encoding="utf-8")
    os.environ["IPYTHONDIR"] = str(ipython)


def write_pot(records, pot, version=""):
    """Write the recorded figure texts (``record_figure``'s JSON lines) as a gettext template.

    Each message lists the pages whose figures show it, as ``#:`` locations.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "r.jsonl").write_text(
    ...     '{"text": "Loss", "page": "part1/adam"}\\n{"text": "epoch", "page": "part1/adam"}\\n'
    ...     '{"text": "Loss", "page": "part1/rmsprop"}\\n', encoding="utf-8")
    >>> write_pot(folder / "r.jsonl", folder / "figures.pot")
    2
    >>> pot = (folder / "figures.pot").read_text(encoding="utf-8")
    >>> print(pot[pot.index("#: "):].rstrip())
    #: docs/part1/adam.md docs/part1/rmsprop.md
    msgid "Loss"
    msgstr ""
    <BLANKLINE>
    #: docs/part1/adam.md
    msgid "epoch"
    msgstr ""
    """
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    pages = {}
    for line in Path(records).read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            where = pages.setdefault(entry["text"], [])
            if entry.get("page") and entry["page"] not in where:
                where.append(entry["page"])
    catalogue = Catalog(project="dlbook figures", version=version)
    for text in sorted(pages):
        catalogue.add(text, locations=[(f"docs/{page}.md", None) for page in sorted(pages[text])])
    with open(pot, "wb") as handle:
        write_po(handle, catalogue, width=0)
    return len(pages)


def _build_finished(app, exception):
    if exception is None and os.environ.get("DLBOOK_FIGURES") == "record":
        count = write_pot(os.environ["DLBOOK_FIGURES_RECORD"], Path(app.outdir) / "figures.pot",
                          app.config.release)
        if not count:
            # An empty template would make every translated figure text obsolete.
            from sphinx.errors import ExtensionError
            raise ExtensionError("no figure text was recorded: were the pages executed?")
        from sphinx.util import logging
        logging.getLogger(__name__).info(f"{count} figure texts written to {app.outdir}/figures.pot")


def _read_every_page(app, env, docnames):
    # Record mode: a page that has not changed since the last run must still be run,
    # or its texts would be missing from figures.pot (and dropped from figures.po).
    if os.environ.get("DLBOOK_FIGURES") == "record":
        docnames[:] = sorted(env.found_docs)


def _source_read(app, docname, source):
    # Pages are read (and executed) one at a time: the kernel started for this page
    # inherits its name, and record mode files each figure text under it.
    os.environ["DLBOOK_FIGURES_PAGE"] = docname


def image_with_alt_text(render_image):
    """Wrap myst-nb's ``render_image``: an image gets the text alternative its kernel
    wrote (``dlbook_figure_text.ALT_KEY`` in the output's metadata) as ``alt``.

    myst-nb reads only ``width`` and ``height`` from an output's metadata; without an
    ``alt`` the HTML writer uses the image's path.
    """
    from docutils import nodes
    from dlbook_figure_text import ALT_KEY

    def render(renderer, data):
        rendered = render_image(renderer, data)
        alt = data.output_metadata.get(ALT_KEY)
        for node in rendered:
            if alt and isinstance(node, nodes.image) and "alt" not in node:
                node["alt"] = alt
        return rendered

    render.__wrapped__ = render_image
    return render


def setup(app):
    from myst_nb.core.render import NbElementRenderer

    from dlbook_figure_text import GLYPH_MISSING

    warnings.filterwarnings("error", message=GLYPH_MISSING)     # the social cards
    original = getattr(NbElementRenderer.render_image, "__wrapped__",
                       NbElementRenderer.render_image)
    NbElementRenderer.render_image = image_with_alt_text(original)
    app.connect("config-inited", _config_inited, priority=900)
    app.connect("source-read", _source_read)
    app.connect("env-before-read-docs", _read_every_page)
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
