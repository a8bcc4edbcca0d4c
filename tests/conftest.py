"""Shared fixtures and the notes-map coverage line printed at the end of a run."""

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))


@pytest.fixture
def rng():
    """A seeded generator, fresh for each test."""
    return np.random.default_rng(12345)


def pytest_terminal_summary(terminalreporter):
    from dlbook_data import load_notes_map

    entries = load_notes_map()
    done = sum(e.get("status") == "done" for e in entries)
    terminalreporter.write_line(f"notes map coverage: {done}/{len(entries)} items done "
                                f"({100 * done / len(entries):.0f}%)")
