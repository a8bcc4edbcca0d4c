"""Where the built site and the browser are; shared by the fixtures and the tests."""

from __future__ import annotations

import os
import time
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
