"""Where the built site and the browser are; shared by the fixtures and the tests."""

from __future__ import annotations

import os
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("DLBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("DLBOOK_CHROMEDRIVER", "/usr/bin/chromedriver")
ENABLE = "install them with: apt-get install chromium chromium-driver"
# The editions of the book and their folders in the built site: the English edition at
# its root, the Japanese one under ja/ (``make html`` builds both).
EDITIONS = {"en": "", "ja": "ja/"}
# HTML elements without an end tag: the pages' parsers keep no stack entry for them.
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr"})


class LanguageParser(HTMLParser):
    """A page's open elements, each with its language and whether it is prose.

    ``self.stack`` holds a dict per open element: ``tag``, ``lang`` (its own ``lang``
    or the one around it) and ``skip`` (inside something not read as prose, as
    :meth:`skips` decides).  Subclasses add their own keys in :meth:`opened` and read
    the text in ``handle_data``.
    """

    def __init__(self):
        super().__init__()
        self.stack = []

    def skips(self, tag, classes):
        """Whether the element ``tag`` with ``classes`` (a set) is not prose."""
        return False

    def opened(self, element, attrs, classes):
        """Called with each new stack entry (``attrs`` a dict, ``classes`` a set)."""

    def closed(self, element):
        """Called with each stack entry as it is closed."""

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        around = self.stack[-1] if self.stack else {"lang": "", "skip": False}
        lang = (attrs["lang"] or "") if "lang" in attrs else around["lang"]
        element = {"tag": tag, "lang": lang,
                   "skip": around["skip"] or self.skips(tag, classes)}
        self.stack.append(element)
        self.opened(element, attrs, classes)

    def handle_endtag(self, tag):
        while self.stack:
            element = self.stack.pop()
            self.closed(element)
            if element["tag"] == tag:
                break


def site_dir() -> Path:
    """The built HTML site under test."""
    path = Path(os.environ.get("DLBOOK_SITE_DIR", "_build/html"))
    return path if path.is_absolute() else ROOT / path


def screenshot_dir() -> Path:
    path = Path(os.environ.get("DLBOOK_SCREENSHOT_DIR", "_build/screenshots"))
    return path if path.is_absolute() else ROOT / path


def edition_dir(edition: str = "en") -> Path:
    """The root folder of one edition of the built site."""
    return site_dir() / EDITIONS[edition]


def html_pages(include: tuple[str, ...] = (), edition: str = "en") -> list[str]:
    """Every page of one edition as a path relative to its root, e.g. ``part1/activations.html``.

    Folders whose names start with ``_`` (static files, sources, ``_modules/``) are left
    out unless named in ``include``; so are the other editions' folders.
    """
    root = edition_dir(edition)
    if not (root / "index.html").is_file():
        return []
    nested = {folder.rstrip("/") for folder in EDITIONS.values() if folder}
    pages = []
    for path in root.rglob("*.html"):
        parts = path.relative_to(root).parts
        if parts[0] in nested or any(p.startswith("_") and p not in include for p in parts):
            continue
        pages.append(path.relative_to(root).as_posix())
    return sorted(pages)


def edition_pages(include: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """``(edition, page)`` for every page of every built edition."""
    return [(edition, page) for edition in EDITIONS for page in html_pages(include, edition)]


def search_results(browser, base_url: str, query: str, timeout: float = 20) -> list[str]:
    """Links (``href``) the site search lists for ``query``, once the search has finished.

    The search writes its summary (in the page's language) when it has listed every
    result.
    """
    browser.get(f"{base_url}search.html?q={quote(query)}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        summary = browser.execute_script(
            "const s = document.querySelector('#search-results .search-summary');"
            "return s ? s.textContent : '';")
        if summary.strip():
            return browser.execute_script(
                "return Array.from(document.querySelectorAll('#search-results ul.search li a'))"
                ".map((a) => a.getAttribute('href'));")
        time.sleep(0.1)
    raise AssertionError(f"the search for {query!r} did not finish in {timeout} s")
