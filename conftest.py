"""Collection rules for the whole repository (pytest's ``testpaths`` are tests/ and dlbook/).

``dlbook.plotting`` needs matplotlib, which the library itself does not: without it the
docstring examples of that one module are not collected, and everything else still runs.
CI installs matplotlib, so there nothing is left out.
"""

import importlib.util

collect_ignore = []
if importlib.util.find_spec("matplotlib") is None:
    collect_ignore.append("dlbook/plotting.py")
