"""dlbook's modules import each other without a cycle, and nn/ and functional/ share no private names.

Both are promises of issue 12: a reader can follow an import to its end, and the layers in
``nn/`` call the public functions (or the private engine), never a private helper of
``functional/`` (nor the reverse).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "dlbook"


def _module_name(path):
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


def _imports(path):
    """``(module, names)`` of every top-level ``from dlbook... import ...`` in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf8"))
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dlbook"):
            yield node.module, [alias.name for alias in node.names]


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {name: {m for m, _ in _imports(path) if m in MODULES and m != name}
         for name, path in MODULES.items()}


def _find_cycle():
    state = {}

    def visit(module, path):
        state[module] = "open"
        for target in sorted(GRAPH[module]):
            if state.get(target) == "open":
                return path + [module, target]
            if target not in state and (cycle := visit(target, path + [module])):
                return cycle
        state[module] = "done"
        return None

    for module in sorted(GRAPH):
        if module not in state and (cycle := visit(module, [])):
            return cycle
    return None


def test_import_graph_is_acyclic():
    cycle = _find_cycle()
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_graph_is_read():
    assert "dlbook.functional.conv" in GRAPH["dlbook.functional"]
    assert len(MODULES) > 30


def test_nn_and_functional_import_no_private_names_from_each_other():
    crossings = []
    for name, path in MODULES.items():
        for side, other in (("dlbook.nn", "dlbook.functional"), ("dlbook.functional", "dlbook.nn")):
            if not name.startswith(side):
                continue
            for module, names in _imports(path):
                private = [n for n in names if n.startswith("_")]
                if module.startswith(other) and (private or "._" in module):
                    crossings.append(f"{name} imports {private or module} from {module}")
    assert not crossings, crossings
