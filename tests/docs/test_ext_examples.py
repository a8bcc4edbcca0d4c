"""The docstring examples of every site extension in docs/_ext run.

pytest collects docstring examples from ``dlbook/`` and ``tests/`` only; the
extensions are imported here (``tests/conftest.py`` puts ``docs/_ext`` on the path).
"""

import doctest
import importlib
from pathlib import Path

import pytest

EXT = Path(__file__).resolve().parents[2] / "docs" / "_ext"
MODULES = sorted(p.stem for p in EXT.glob("dlbook_*.py"))
# Extensions with no docstring example (setup code only).
NO_EXAMPLES = {"dlbook_site"}


def test_every_extension_is_listed():
    assert {"dlbook_japanese", "dlbook_gettext", "dlbook_editions"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"
    assert (result.attempted > 0) != (name in NO_EXAMPLES), result.attempted
