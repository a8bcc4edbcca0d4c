"""Two editions of one book: English and Japanese, each page linked to its twin.

The English edition (``language = "en"``) is published at the site's address, the
Japanese one (``-D language=ja``) under ``ja/`` of it: ``make html`` writes
``_build/html/`` and ``_build/html/ja/``.  On Read the Docs the two editions are two
projects, the Japanese one a translation project (language ``ja``) of the English
one; Read the Docs serves them at ``<domain>/en/<version>/`` and
``<domain>/ja/<version>/`` and gives each build its own address in
``READTHEDOCS_CANONICAL_URL``.

This extension

- sets ``html_baseurl`` (canonical links, sitemap) and ``ogp_site_url`` to the
  edition's own address, and writes OpenGraph's ``og:locale`` of each page;
- gives every page's template ``dlbook_editions``: for each edition its language,
  name, absolute URL of this page and a link *relative to this page*, computed at
  build time (so the language switch works from ``file://`` as well as from a
  server), and writes ``<link rel="alternate" hreflang>`` for every edition into
  ``<head>``;
- writes each edition's ``sitemap.xml``: every page of the book, each with its twins
  as ``hreflang`` alternates, after every build, incremental ones included (it
  replaces sphinx-sitemap, which lists only the pages the last build wrote);
- installs the Japanese edition's search (``dlbook_search_ja``), and writes the
  interface words that the theme and myst-nb fix in English in Japanese there;
- keeps the executed notebooks of a nested edition (``_build/html/ja``) out of the
  other edition's folder (myst-nb writes them next to the output folder).
"""

from __future__ import annotations

import json
import os
import posixpath
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import escape

# language -> (the edition's name in its own language, its folder under the site's
# address for a local or GitHub Pages build)
EDITIONS = {"en": ("English", ""), "ja": ("日本語", "ja/")}
# OpenGraph's locale of each edition (og:locale, og:locale:alternate).
OG_LOCALE = {"en": "en_US", "ja": "ja_JP"}
# The switch's words, in the language of the page they are on.
UI = {
    "en": {"label": "Language", "title": "Read this page in {name}"},
    "ja": {"label": "言語", "title": "このページを{name}で読む"},
}
NAME_IN = {("en", "ja"): "Japanese", ("ja", "en"): "英語"}
# Interface words that sphinx-book-theme's templates and myst-nb's writer put into
# attributes in English whatever the language (they are not offered for translation;
# those that are come from docs/locale/ja/LC_MESSAGES/sphinx.po).  A screen reader
# reads them: the Japanese edition's pages get them in Japanese.
FIXED_WORDS_JA = {
    # the summary of a hidden code cell (the book hides code inputs only)
    'aria-label="Toggle hidden content"': 'aria-label="コードの表示を切り替える"',
    'title="Toggle primary sidebar"': 'title="本の目次の表示を切り替える"',
    'title="Toggle secondary sidebar"': 'title="ページ内の目次の表示を切り替える"',
    'aria-label="Main"': 'aria-label="本の目次"',             # the book's navigation
    'aria-label="Page"': 'aria-label="ページ内の目次"',       # the page's contents
}
# Sphinx's Japanese catalogue translates the search page's "Search finished, found N
# pages ..." as an empty string, so the Japanese search page said nothing when it had
# finished.  One form serves every count (Japanese has no plural); the search page
# puts the count in place of ${resultCount}.
SEARCH_FINISHED_JA = "検索が終わりました。${resultCount} ページが見つかりました。"
_FIX_SEARCH_SUMMARY = """
(function () {
  var said = [%(text)s], t = Documentation.TRANSLATIONS;
  t["Search finished, found one page matching the search query."] = said;
  t["Search finished, found ${resultCount} pages matching the search query."] = said;
})();
"""
DEFAULT = "en"
LOCAL_SITE = "http://localhost:8000/"


def _slash(url):
    return url if url.endswith("/") else url + "/"


def edition_bases(language, environ=None):
    """The address of each edition's root, as the build for ``language`` sees them.

    On Read the Docs (``READTHEDOCS_CANONICAL_URL`` set) this build's address is
    given and ends in ``/<language>/<version>/``; the other editions are the same
    address with the language swapped.  Elsewhere the site's address is
    ``DLBOOK_SITE_URL`` (default ``http://localhost:8000/``) with the English
    edition at its root and the others in their folders.

    Examples
    --------
    >>> bases = edition_bases("ja", {"DLBOOK_SITE_URL": "https://x.github.io/dlbook"})
    >>> bases["en"], bases["ja"]
    ('https://x.github.io/dlbook/', 'https://x.github.io/dlbook/ja/')
    >>> rtd = {"READTHEDOCS_CANONICAL_URL": "https://dlbook.readthedocs.io/ja/latest/",
    ...        "READTHEDOCS_LANGUAGE": "ja"}
    >>> edition_bases("ja", rtd)["en"]
    'https://dlbook.readthedocs.io/en/latest/'
    """
    environ = os.environ if environ is None else environ
    canonical = environ.get("READTHEDOCS_CANONICAL_URL")
    if canonical:
        canonical = _slash(canonical)
        parts = urlsplit(canonical)
        segments = parts.path.split("/")
        here = environ.get("READTHEDOCS_LANGUAGE", language)
        if here in segments:
            index = segments.index(here)
            bases = {}
            for lang in EDITIONS:
                swapped = segments[:index] + [lang] + segments[index + 1:]
                bases[lang] = parts._replace(path="/".join(swapped)).geturl()
            bases[language] = canonical
            return bases
        # An address without a language segment: only this edition is known there.
        return {lang: canonical if lang == language else None for lang in EDITIONS}
    site = _slash(environ.get("DLBOOK_SITE_URL") or LOCAL_SITE)
    return {lang: site + folder for lang, (_, folder) in EDITIONS.items()}


def relative_link(from_url, to_url):
    """``to_url`` as a link written in the page at ``from_url`` (relative if same host).

    >>> relative_link("http://h/part1/a.html", "http://h/ja/part1/a.html")
    '../ja/part1/a.html'
    >>> relative_link("http://h/ja/index.html", "http://h/index.html")
    '../index.html'
    >>> relative_link("https://a.io/en/latest/x.html", "https://b.io/ja/latest/x.html")
    'https://b.io/ja/latest/x.html'
    """
    here, there = urlsplit(from_url), urlsplit(to_url)
    if (here.scheme, here.netloc) != (there.scheme, there.netloc):
        return to_url
    start = posixpath.dirname(here.path) or "/"
    return posixpath.relpath(there.path, start) + (f"#{there.fragment}" if there.fragment else "")


def _language(app):
    return (app.config.language or DEFAULT).split("_")[0]


def _set_addresses(app, config):
    language = _language(app)
    base = edition_bases(language).get(language)
    if base:
        config.html_baseurl = base
        config.ogp_site_url = base


def _keep_notebooks_outside_the_other_edition(app):
    """myst-nb writes executed notebooks to ``<outdir>/../jupyter_execute``: for the
    Japanese edition at ``_build/html/ja`` that would be inside the English site, so
    they go into the edition's doctrees folder (never published) instead."""
    config = getattr(app.env, "mystnb_config", None)
    if config is None or _language(app) == DEFAULT:
        return
    folder = Path(app.doctreedir) / "jupyter_execute"
    app.env.mystnb_config = config.copy(output_folder=str(folder.resolve()))


def _search_summary(app):
    if app.builder.format == "html" and _language(app) == "ja":
        text = json.dumps(SEARCH_FINISHED_JA, ensure_ascii=False)
        app.add_js_file(None, body=_FIX_SEARCH_SUMMARY % {"text": text}, priority=900)


def alternates(bases, page):
    """``(hreflang, url)`` of ``page`` in every edition with a known address, and
    ``x-default`` (the English one): the page's ``<link>`` tags and its sitemap entry.

    >>> alternates({"en": "https://h/", "ja": None}, "a.html")
    [('en', 'https://h/a.html'), ('x-default', 'https://h/a.html')]
    """
    links = [(lang, bases[lang] + page) for lang in EDITIONS if bases.get(lang)]
    if bases.get(DEFAULT):
        links.append(("x-default", bases[DEFAULT] + page))
    return links


def _page_context(app, pagename, templatename, context, doctree):
    if app.builder.format != "html":
        return
    language = _language(app)
    bases = edition_bases(language)
    target = app.builder.get_target_uri(pagename)
    here = bases[language] + target if bases.get(language) else None
    editions = []
    for lang, (name, _) in EDITIONS.items():
        if not bases.get(lang):
            continue
        url = bases[lang] + target
        title = UI[language]["title"].format(name=NAME_IN.get((language, lang), name))
        editions.append({"language": lang, "name": name, "url": url, "title": title,
                         "current": lang == language,
                         "href": relative_link(here, url) if here else url})
    context["dlbook_editions"] = editions
    context["dlbook_switch_label"] = UI[language]["label"]
    context["dlbook_language"] = language
    tags = [f'<link rel="alternate" hreflang="{lang}" href="{escape(url)}" />'
            for lang, url in alternates(bases, target)]
    tags.append(f'<meta property="og:locale" content="{OG_LOCALE[language]}" />')
    tags += [f'<meta property="og:locale:alternate" content="{OG_LOCALE[e["language"]]}" />'
             for e in editions if not e["current"]]
    context["metatags"] = context.get("metatags", "") + "".join(t + "\n" for t in tags)


SITEMAP_HEAD = ('<?xml version="1.0" encoding="utf-8"?>\n'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n')


def sitemap(pages, language, bases):
    """The sitemap of ``language``'s edition: each page with its twins as alternates.

    ``pages`` are paths from the edition's root; ``bases`` as :func:`edition_bases`.

    Examples
    --------
    >>> xml = sitemap(["index.html"], "ja", {"en": "https://h/", "ja": "https://h/ja/"})
    >>> print(xml.splitlines()[2])
    <url><loc>https://h/ja/index.html</loc><xhtml:link rel="alternate" hreflang="en" \
href="https://h/index.html"/><xhtml:link rel="alternate" hreflang="ja" \
href="https://h/ja/index.html"/><xhtml:link rel="alternate" hreflang="x-default" \
href="https://h/index.html"/></url>
    """
    twins = sum(1 for lang in EDITIONS if bases.get(lang)) > 1   # else no alternates
    lines = [SITEMAP_HEAD]
    for page in pages:
        links = "".join(f'<xhtml:link rel="alternate" hreflang="{lang}" href="{escape(url)}"/>'
                        for lang, url in alternates(bases, page)) if twins else ""
        lines.append(f"<url><loc>{escape(bases[language] + page)}</loc>{links}</url>\n")
    return "".join(lines) + "</urlset>\n"


def _write_sitemap(app, exception):
    """Every page of the book (its documents, from the saved environment, so after an
    incremental build too); not the search page, the indexes or the source listings."""
    language = _language(app)
    bases = edition_bases(language)
    if exception or app.builder.name != "html" or not bases.get(language):
        return
    pages = sorted(app.builder.get_target_uri(doc) for doc in app.env.found_docs)
    (Path(app.outdir) / "sitemap.xml").write_text(sitemap(pages, language, bases),
                                                   encoding="utf-8")


def japanese_interface_words(html):
    """``html`` with the fixed English interface words of :data:`FIXED_WORDS_JA` in Japanese.

    >>> japanese_interface_words('<nav class="bd-links" aria-label="Main">')
    '<nav class="bd-links" aria-label="本の目次">'
    """
    for english, japanese in FIXED_WORDS_JA.items():
        html = html.replace(english, japanese)
    return html


def _translate_interface_words(app, exception):
    """After a Japanese build, every page of it says its interface words in Japanese."""
    if exception is not None or app.builder.format != "html" or app.config.language != "ja":
        return
    for page in Path(app.outdir).rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        translated = japanese_interface_words(html)
        if translated != html:
            page.write_text(translated, encoding="utf-8")


def setup(app):
    app.setup_extension("dlbook_search_ja")
    app.connect("config-inited", _set_addresses, priority=900)
    app.connect("builder-inited", _keep_notebooks_outside_the_other_edition, priority=900)
    app.connect("builder-inited", _search_summary)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _write_sitemap)
    app.connect("build-finished", _translate_interface_words)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
