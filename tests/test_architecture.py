"""The layers: model <- experiments <- dashboards, checked on every import in the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: package -> the top-level packages of ours it must never import.
FORBIDDEN = {
    "model": {"experiments", "dashboards"},
    "experiments": {"dashboards"},
}


def imported_packages(path: Path) -> set[str]:
    """Top-level names of every module imported anywhere in ``path`` (lazy imports too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_lower_layers_never_import_upper_ones(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert not offenders, f"{package}/ imports a layer above it: {offenders}"


def test_the_checker_sees_a_lazy_import(tmp_path):
    # Negative control: an import inside a function body is still found.
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from dashboards import app\n    return app\n")
    assert imported_packages(source) == {"dashboards"}
