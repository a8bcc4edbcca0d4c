"""Where the built site and the browser are; shared by the fixtures and the tests."""

from __future__ import annotations

import os
from pathlib import Path

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


def html_pages() -> list[str]:
    """Every page of the site as a path relative to its root, e.g. ``part1/activations.html``."""
    root = site_dir()
    if not (root / "index.html").is_file():
        return []
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html")
                  if not any(part.startswith("_") for part in p.relative_to(root).parts))
