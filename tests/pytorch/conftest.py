"""Shared set-up of the PyTorch comparisons: torch is required, float64, helpers.

PyTorch is a test dependency (the ``test`` extra of pyproject.toml).  Without it these
tests must not pass silently or be skipped: importing this conftest fails the run
with the command that installs it.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

try:
    import torch
except ImportError as error:       # pragma: no cover - exercised only without torch
    raise ImportError(
        "tests/pytorch compare dlbook with PyTorch and need it installed: run "
        "pip install \".[test]\" (it pins torch==2.13.0, the CPU build), or make test, "
        "which installs it"
    ) from error

ROOT = Path(__file__).resolve().parents[2]
PAGE_CODE = ROOT / "docs" / "pytorch"
# The PyTorch code the pages show (docs/pytorch/torch_*.py) is imported from here.
sys.path.insert(0, str(PAGE_CODE))

torch.set_default_dtype(torch.float64)
torch.use_deterministic_algorithms(True)


@pytest.fixture
def gen():
    """A seeded NumPy generator for inputs and weights."""
    return np.random.default_rng(2026)
