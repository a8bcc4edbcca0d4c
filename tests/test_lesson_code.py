"""The code shown beside the equations can be followed to its end, and is mostly not checking.

Every ```` ```{literalinclude} ../../dlbook/… :pyobject: X ```` on ``docs/part1`` and
``docs/part2`` is parsed with :mod:`ast` (docstrings and comments excluded), and

1. **no walls**: every call in shown code is to a builtin (or Python's ``math``), a NumPy
   function or method, a public
   name in the API reference (or a public method of a documented class), a function or method
   the same page also shows, or a local callable — except one checking line (a call to a name
   starting ``check_`` or ``_check``) per function;
2. **checking share**: lines that check arguments (``check_*``/``_check*`` calls, ``if …: raise``
   guards with their raise) are at most 5 % of all shown lines.

Run ``pytest tests/test_lesson_code.py -s`` to print the measured figures.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import re
import textwrap
import tokenize
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([*(ROOT / "docs" / "part1").glob("*.md"), *(ROOT / "docs" / "part2").glob("*.md")])
MAX_CHECKING_SHARE = 0.05

INCLUDE = re.compile(r"```\{literalinclude\}\s+(?P<path>\S+)\s*\n(?P<options>(?::[^\n]*\n)*)")
PYOBJECT = re.compile(r"^:pyobject:\s*(\S+)\s*$", re.MULTILINE)
AUTOMODULE = re.compile(r"\.\. automodule:: (?P<module>\S+)\n(?P<options>(?:[ \t]+:[^\n]*\n)*)")

# Modules whose functions a reader knows like builtins: NumPy, and Python's math.
ALWAYS_KNOWN_MODULES = {"numpy", "math"}
# Types whose methods a reader knows from Python and NumPy.
KNOWN_TYPES = (np.ndarray, np.random.Generator, np.dtype, dict, list, tuple, set, str, float,
               int)


def _documented_objects():
    """The objects the API reference (docs/api/*.md) documents, with their public methods."""
    objects = []
    for page in (ROOT / "docs" / "api").glob("*.md"):
        for match in AUTOMODULE.finditer(page.read_text(encoding="utf8")):
            try:
                module = importlib.import_module(match["module"])
            except ModuleNotFoundError as err:   # dlbook.plotting without matplotlib:
                if err.name.startswith("dlbook"):  # the library never calls it, so the
                    raise                          # figures do not depend on it
                continue
            listed = re.search(r":members:[ \t]*(\S.*)", match["options"])
            if listed:
                names = [n.strip() for n in listed[1].split(",")]
            elif hasattr(module, "__all__"):
                names = module.__all__
            else:
                names = [n for n, obj in vars(module).items() if not n.startswith("_")
                         and getattr(obj, "__module__", None) == module.__name__]
            objects += [getattr(module, n) for n in names]
    methods = [member for cls in objects if inspect.isclass(cls)
               for name, member in vars(cls).items() if not name.startswith("_")]
    return objects + methods


DOCUMENTED = {id(obj) for obj in _documented_objects()}
PUBLIC_METHOD_NAMES = {obj.__name__ for obj in _documented_objects()
                       if inspect.isfunction(obj) or isinstance(obj, property)
                       and hasattr(obj, "__name__")}
KNOWN_METHOD_NAMES = {name for t in KNOWN_TYPES for name in dir(t) if not name.startswith("_")}


@dataclass
class Shown:
    """One ``:pyobject:`` include: where it is shown and what it contains."""

    page: str
    module: object
    qualname: str
    node: ast.AST
    lines: set = field(default_factory=set)       # code lines (no docstring, no comment)
    checking: set = field(default_factory=set)    # lines that check arguments
    walls: list = field(default_factory=list)     # calls a reader cannot follow


def _find(tree, qualname):
    node = tree
    for part in qualname.split("."):
        node = next((n for n in node.body if isinstance(
            n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and n.name == part), None)
        if node is None:
            raise LookupError(f":pyobject: {qualname} is not defined in the included file")
    return node


def _code_lines(source, node):
    """Physical lines of ``node`` holding code: no blank, comment-only or docstring lines."""
    docstrings = set()
    for inner in ast.walk(node):
        if isinstance(inner, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) \
                and ast.get_docstring(inner) is not None:
            doc = inner.body[0]
            docstrings |= set(range(doc.lineno, doc.end_lineno + 1))
    tokens = tokenize.generate_tokens(StringIO(source).readline)
    lines = set()
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENDMARKER}
    for tok in tokens:
        if tok.type in skip:
            continue
        lines |= set(range(tok.start[0], tok.end[0] + 1))
    span = set(range(node.lineno, node.end_lineno + 1))
    decorators = {d.lineno for d in getattr(node, "decorator_list", [])}
    return (lines & (span | decorators)) - docstrings


def _call_name(func):
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _is_checking_name(name):
    return bool(name) and (name.startswith("check_") or name.startswith("_check"))


def _dotted(expr):
    """``a.b.c`` as ``["a", "b", "c"]``, or None if it is not a plain dotted name."""
    parts = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    return [expr.id, *reversed(parts)]


def _local_names(node):
    """Arguments and assigned names of a function: calling them is calling what was passed."""
    names = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.arg):
            names.add(inner.arg)
        elif isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store):
            names.add(inner.id)
    return names


def _is_followable(call, shown, shown_names):
    """Whether a reader can follow ``call`` on the page or by one click to the API reference."""
    func = call.func
    name = _call_name(func)
    if name is None:
        return True        # e.g. a call of a call's result: the inner call is judged itself
    if name in shown_names:
        return True
    dotted = _dotted(func)
    if isinstance(func, ast.Name):
        if hasattr(builtins, name) or name in _local_names(shown.node):
            return True
        return id(getattr(shown.module, name, None)) in DOCUMENTED
    if dotted is not None:
        head = getattr(shown.module, dotted[0], None)
        if inspect.ismodule(head):
            obj = head
            for part in dotted[1:]:
                obj = getattr(obj, part, None)
            return head.__name__.split(".")[0] in ALWAYS_KNOWN_MODULES or id(obj) in DOCUMENTED
        if dotted[0] == "self" and len(dotted) == 2:
            owner = _owner_class(shown)
            member = inspect.getattr_static(owner, name, None) if owner else None
            if member is not None:
                return id(member) in DOCUMENTED or (
                    not name.startswith("_") and id(_defining_class(owner, name)) in DOCUMENTED)
            # Not on the class: a layer the constructor stored, called like any Module.
            return not name.startswith("_")
    if name.startswith("__") and name.endswith("__"):
        return True        # super().__init__(), the reader knows the parent from the class line
    if name.startswith("_"):
        return False
    return name in KNOWN_METHOD_NAMES or name in PUBLIC_METHOD_NAMES


def _owner_class(shown):
    if "." not in shown.qualname:
        return None
    obj = shown.module
    for part in shown.qualname.split(".")[:-1]:
        obj = getattr(obj, part)
    return obj


def _defining_class(cls, name):
    return next((c for c in cls.__mro__ if name in vars(c)), None)


def _checking_lines(node, code_lines):
    """Lines of ``check_*`` call statements and of ``if …: raise`` guards."""
    lines = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.If) and inner.body and all(
                isinstance(s, ast.Raise) for s in inner.body) and not inner.orelse:
            lines |= set(range(inner.lineno, inner.end_lineno + 1))
        elif isinstance(inner, ast.stmt) and not isinstance(inner, (
                ast.FunctionDef, ast.ClassDef, ast.If, ast.For, ast.While, ast.With, ast.Try)):
            if any(isinstance(c, ast.Call) and _is_checking_name(_call_name(c.func))
                   for c in ast.walk(inner)):
                lines |= set(range(inner.lineno, inner.end_lineno + 1))
    return lines & code_lines


def _checking_statements(node):
    """First lines of the simple statements that call a checking function, per function."""
    found = {}
    for func in ast.walk(node):
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for stmt in _own_statements(func):
                if any(isinstance(c, ast.Call) and _is_checking_name(_call_name(c.func))
                       for c in ast.walk(stmt)):
                    found.setdefault(func, []).append(stmt.lineno)
    return found


def _own_statements(func):
    """Simple statements of ``func``, inside its blocks but not inside nested functions."""
    todo = list(func.body)
    while todo:
        stmt = todo.pop(0)
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if hasattr(stmt, "body"):       # if / for / while / with / try: look inside
            todo[:0] = [*stmt.body, *getattr(stmt, "orelse", []),
                        *getattr(stmt, "finalbody", []),
                        *[s for h in getattr(stmt, "handlers", []) for s in h.body]]
            continue
        yield stmt


def _collect():
    shown = []
    for page in PAGES:
        text = page.read_text(encoding="utf8")
        rel = page.relative_to(ROOT).as_posix()
        for match in INCLUDE.finditer(text):
            pyobject = PYOBJECT.search(match["options"])
            if not pyobject:
                continue
            path = (page.parent / match["path"]).resolve()
            if path.relative_to(ROOT).parts[0] != "dlbook":
                continue  # the PyTorch code of "In PyTorch" sections (tests/pytorch runs it)
            module_name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            source = path.read_text(encoding="utf8")
            tree = ast.parse(source)
            node = _find(tree, pyobject[1])
            item = Shown(rel, importlib.import_module(module_name), pyobject[1], node)
            item.lines = _code_lines(source, node)
            item.checking = _checking_lines(node, item.lines)
            shown.append(item)
    for item in shown:
        names = {s.qualname.split(".")[-1] for s in shown if s.page == item.page}
        allowed_check = {lines[0] for lines in _checking_statements(item.node).values()}
        for call in ast.walk(item.node):
            if not isinstance(call, ast.Call):
                continue
            name = _call_name(call.func)
            if _is_checking_name(name) and _statement_line(item.node, call) in allowed_check:
                continue
            if not _is_followable(call, item, names):
                item.walls.append(name)
    return shown


def _statement_line(node, call):
    best = None
    for stmt in ast.walk(node):
        if isinstance(stmt, ast.stmt) and stmt.lineno <= call.lineno <= stmt.end_lineno \
                and not isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
            if best is None or stmt.lineno >= best.lineno:
                best = stmt
    return best.lineno if best else None


SHOWN = _collect()


def _figures(items):
    lines = sum(len(s.lines) for s in items)
    checking = sum(len(s.checking) for s in items)
    walls = sorted({(s.page, f"{s.qualname} -> {w}") for s in items for w in s.walls})
    return lines, checking, walls


def test_figures_are_printed(capsys):
    """Print shown lines, checking lines and walls over every concept page."""
    with capsys.disabled():
        lines, checking, walls = _figures(SHOWN)
        print(f"\nlesson code: {len(SHOWN)} includes, {lines} shown lines, "
              f"{checking} checking lines ({100 * checking / lines:.1f} %), "
              f"{len(walls)} walls")
    assert SHOWN, "no :pyobject: include found on docs/part1 or docs/part2"


@pytest.mark.parametrize("page", sorted({s.page for s in SHOWN}))
def test_no_walls(page):
    walls = [f"{s.qualname} calls {w}" for s in SHOWN if s.page == page for w in s.walls]
    assert not walls, f"{page}: shown code calls names the reader cannot follow: {walls}"


def test_checking_share():
    lines, checking, _ = _figures(SHOWN)
    offenders = sorted(((len(s.checking), f"{s.page} {s.qualname}") for s in SHOWN
                        if s.checking), reverse=True)
    assert checking <= MAX_CHECKING_SHARE * lines, (
        f"{checking} of {lines} shown lines check arguments "
        f"({100 * checking / lines:.1f} % > {100 * MAX_CHECKING_SHARE:.0f} %): {offenders[:10]}")


def test_the_measure_sees_checks_and_walls():
    """The parser finds a guard, a check call and a private call in a made-up function."""
    source = textwrap.dedent('''
        def f(x):
            """Doc."""
            check_array(x)
            if x.ndim != 2:
                raise ValueError(
                    "bad")  # comment
            # comment
            return _helper(x) + np.sum(x)
        ''')
    tree = ast.parse(source)
    node = _find(tree, "f")
    lines = _code_lines(source, node)
    assert len(lines) == 6
    assert len(_checking_lines(node, lines)) == 4


CODE_BOX_COLUMNS = 79  # what the page's code box shows at 1280 px without scrolling


def test_shown_code_fits_the_code_box():
    """Every shown line, methods dedented as the include shows them, fits without scrolling."""
    too_wide = []
    for s in SHOWN:
        source = Path(inspect.getsourcefile(s.module)).read_text(encoding="utf8").splitlines()
        indent = len(source[s.node.lineno - 1]) - len(source[s.node.lineno - 1].lstrip())
        docstrings = set()
        for inner in ast.walk(s.node):
            if isinstance(inner, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) \
                    and ast.get_docstring(inner) is not None:
                docstrings |= set(range(inner.body[0].lineno, inner.body[0].end_lineno + 1))
        for number in range(s.node.lineno, s.node.end_lineno + 1):
            width = len(source[number - 1]) - indent
            if number not in docstrings and width > CODE_BOX_COLUMNS:
                too_wide.append(f"{s.page} {s.qualname} line {number}: {width} columns")
    assert not too_wide, too_wide
