"""The architecture holds: each layer imports only the layers before it."""

import ast
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
