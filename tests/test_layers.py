"""The architecture holds: each layer imports only the layers before it."""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "xlcpb"
# Layer of each top-level part of the package; a module may import its own layer or lower.
LAYER = {"errors": 0, "engine": 1, "data": 2, "estimators": 3,
         "cli": 4, "udfs": 4, "lite": 4, "excel": 4, "workbook": 4, "importers": 4, "__init__": 4,
         "__main__": 4}
FORBIDDEN_IN_ENGINE = {"os", "io", "pathlib", "open", "xlwings", "openpyxl", "pandas", "csv",
                       "json", "importlib"}


def part_of(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def imported_parts(path: Path):
    """(part of xlcpb or None for outside modules, the module imported) of each import."""
    tree = ast.parse(path.read_text("utf-8"))
    package = list(path.relative_to(PACKAGE).parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - (node.level - 1)]
            if node.module is None and not base:  # from .. import engine: each name a part
                for alias in node.names:
                    part = alias.name if alias.name in LAYER else "__init__"
                    yield part, "xlcpb." + alias.name
                continue
            resolved = base + (node.module.split(".") if node.module else [])
            yield resolved[0], ".".join(["xlcpb"] + resolved)
        elif isinstance(node, ast.ImportFrom):
            names = (node.module or "").split(".")
            yield ((names[1] if len(names) > 1 else "__init__") if names[0] == "xlcpb"
                   else None), node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names = alias.name.split(".")
                yield ((names[1] if len(names) > 1 else "__init__") if names[0] == "xlcpb"
                       else None), alias.name


MODULES = sorted(path for path in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_imports_only_earlier_layers(path):
    own = LAYER[part_of(path)]
    for part, module in imported_parts(path):
        if part is None or part == part_of(path):
            continue
        assert LAYER[part] <= own, f"{path.name} (layer {own}) imports {module} (layer {LAYER[part]})"


@pytest.mark.parametrize("path", sorted((PACKAGE / "engine").rglob("*.py")),
                         ids=lambda p: p.name)
def test_engine_does_no_io(path):
    for part, module in imported_parts(path):
        if part is None:
            assert module.split(".")[0] not in FORBIDDEN_IN_ENGINE, module
    assert "open(" not in path.read_text("utf-8")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict:
    """module -> the xlcpb modules it imports anywhere in it (function-level imports too: an
    import moved into a function to dodge a cycle is still a cycle)."""
    modules = {module_name(path): path for path in MODULES}
    graph = {}
    for name, path in modules.items():
        imported = set()
        for _, module in imported_parts(path):
            for candidate in (module, module.rsplit(".", 1)[0] if module else None):
                if candidate in modules and candidate != name:
                    imported.add(candidate)
                    break
        graph[name] = imported
    return graph


def cycles(graph: dict) -> list:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    order, low, stack, found, counter = {}, {}, [], [], [0]

    def visit(node):
        order[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in order:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], order[other])
        if low[node] == order[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in order:
            visit(node)
    return found


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_cycles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


# -- arithmetic: only the engine computes -------------------------------------------------
ARITHMETIC_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
MATH_MODULES = {"np", "numpy", "math"}
MATH_FUNCTIONS = {"sum", "cumsum", "prod", "ceil", "floor", "round", "log", "log10", "log2",
                  "exp", "sqrt", "power", "minimum", "maximum", "mean", "median", "abs", "diff",
                  "dot", "multiply", "divide", "add", "subtract", "fsum", "trunc", "clip",
                  "nansum", "average", "percentile", "quantile", "floor_divide", "mod"}
ARITHMETIC_BUILTINS = {"sum", "round", "abs", "divmod", "pow"}
COLLECTION_CALLS = {"str", "list", "tuple", "set", "frozenset", "sorted", "dict"}
CHECKED_FOR_ARITHMETIC = ["estimators", "cli"]
# Arithmetic that stays outside the engine, each with its reason: (file, function) pairs.
ARITHMETIC_ALLOWED = {
    ("cli/progress.py", "__call__"): "a progress bar's width and MB/s: display, not a figure",
    ("cli/output.py", "format_number"): "picks a display format by the figure's magnitude",
    ("cli/sheet_cmd.py", "run_add"): "rows += more rows: a list extended, not arithmetic",
}
# Files whose arithmetic is being moved into the engine by their owners (issue 11).
ARITHMETIC_BEING_MOVED: dict = {}


def _collection(node) -> bool:
    """Text or a collection: + and - on these concatenate or take set differences."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (str, bytes))
    if isinstance(node, ast.BinOp):
        return _collection(node.left) or _collection(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in COLLECTION_CALLS
    return isinstance(node, (ast.JoinedStr, ast.List, ast.Tuple, ast.Set, ast.Dict,
                             ast.ListComp, ast.SetComp, ast.DictComp))


COUNTER_NAMES = re.compile(r"^(i|n|index|position|offset|row|column|count|number)$"
                           r"|_(index|position|row|column|count)$")


def _counting(node: ast.BinOp) -> bool:
    """Positions and counts, not quantities: index + 1, position - 1, len(rows) - shown."""
    def length(side):
        return (isinstance(side, ast.Call) and isinstance(side.func, ast.Name)
                and side.func.id == "len")

    def one(side):
        return isinstance(side, ast.Constant) and type(side.value) is int and side.value == 1

    def counter(side):
        return isinstance(side, ast.Name) and bool(COUNTER_NAMES.search(side.id))

    left, right = node.left, node.right
    return isinstance(node.op, (ast.Add, ast.Sub)) and (
        length(left) or length(right) or one(right) and counter(left)
        or one(left) and counter(right))


def arithmetic_in(tree) -> list:
    """(line, function, code) of each arithmetic operation in a module's syntax tree."""
    found = []

    def visit(node, function):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        code = None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ARITHMETIC_OPERATORS):
            if not (_collection(node) or _counting(node)):
                code = ast.unparse(node)
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ARITHMETIC_OPERATORS):
            if not (_collection(node.value) or _counting(
                    ast.BinOp(left=node.target, op=node.op, right=node.value))):
                code = ast.unparse(node)
        elif isinstance(node, ast.Call):
            call = node.func
            if (isinstance(call, ast.Attribute) and isinstance(call.value, ast.Name)
                    and call.value.id in MATH_MODULES and call.attr in MATH_FUNCTIONS
                    or isinstance(call, ast.Name) and call.id in ARITHMETIC_BUILTINS):
                code = ast.unparse(node)
        if code:
            found.append((node.lineno, function, code))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, None)
    return found


@pytest.mark.parametrize("path", sorted(path for part in CHECKED_FOR_ARITHMETIC
                                        for path in (PACKAGE / part).rglob("*.py")),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_arithmetic_outside_the_engine(path):
    relative = path.relative_to(PACKAGE).as_posix()
    if relative in ARITHMETIC_BEING_MOVED:
        pytest.xfail(f"{relative}: {ARITHMETIC_BEING_MOVED[relative]}")
    found = [f"{relative}:{line} in {function}(): {code}"
             for line, function, code in arithmetic_in(ast.parse(path.read_text("utf-8")))
             if (relative, function) not in ARITHMETIC_ALLOWED]
    assert not found, "arithmetic belongs in xlcpb/engine as a named formula:\n" + \
        "\n".join(found)


@pytest.mark.parametrize("code, flagged", [
    ("x = a * b", True), ("x = a / 3600", True), ("x = 2 ** n", True), ("x += cost", True),
    ("x = np.ceil(a)", True), ("x = sum(values)", True), ("x = abs(a - b)", True),
    ("x = math.log10(a)", True), ("x = month % 12", True),
    ("x = 'a' + b", False), ("x = f'{a}' + b", False), ("x = set(a) - set(b)", False),
    ("x = names + tuple(b)", False), ("x = index + 1", False), ("x = len(rows) - shown", False),
    ("x = '%s' % a", False), ("x = [a] * 3", False), ("x = min(a, b)", False),
    ("x = 1 - swing", True), ("x = share + 1", True), ("x = row_index + 1", False)])
def test_the_arithmetic_finder(code, flagged):
    assert bool(arithmetic_in(ast.parse(code))) == flagged
