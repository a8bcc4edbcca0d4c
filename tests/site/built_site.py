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


def site_dir() -> Path:
    """The built HTML site under test."""
    path = Path(os.environ.get("DLBOOK_SITE_DIR", "_build/html"))
    return path if path.is_absolute() else ROOT / path


def screenshot_dir() -> Path:
    path = Path(os.environ.get("DLBOOK_SCREENSHOT_DIR", "_build/screenshots"))
    return path if path.is_absolute() else ROOT / path


def html_pages(include: tuple[str, ...] = ()) -> list[str]:
    """Every page of the site as a path relative to its root, e.g. ``part1/activations.html``.

    Folders whose names start with ``_`` (static files, sources, ``_modules/``) are left
    out unless named in ``include``.
    """
    root = site_dir()
    if not (root / "index.html").is_file():
        return []
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html")
                  if not any(part.startswith("_") and part not in include
                             for part in p.relative_to(root).parts))


def search_results(browser, base_url: str, query: str, timeout: float = 20) -> list[str]:
    """Links (``href``) the site search lists for ``query``, once the search has finished."""
    browser.get(f"{base_url}search.html?q={quote(query)}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        hrefs = browser.execute_script(
            "return Array.from(document.querySelectorAll('#search-results ul.search li a'))"
            ".map((a) => a.getAttribute('href'));")
        summary = browser.execute_script(
            "const s = document.querySelector('#search-results .search-summary');"
            "return s ? s.textContent : '';")
        if hrefs or "did not match" in summary:
            return hrefs
        time.sleep(0.1)
    raise AssertionError(f"the search for {query!r} did not finish in {timeout} s")
