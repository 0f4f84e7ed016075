"""The experiments package's shape.

Every module imports, there are no import circles, the top level is short, and argparse
is used only in the command-line layer.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "experiments"
MAX_TOP_LEVEL = 12


def module_name(path: Path) -> str:
    """Dotted name of a source file under ``experiments/``."""
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def imported(name: str, path: Path) -> set[str]:
    """The experiments modules that ``name`` imports anywhere in its source (lazy ones too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: imported(name, path) for name, path in MODULES.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of ``graph`` as a list of modules, or None if there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_cycle_finder_sees_a_planted_circle():
    """Negative control: the check itself reports a circle when there is one."""
    planted = {**GRAPH, "experiments.errors": {"experiments.run.seeds"}}
    assert GRAPH["experiments.run.seeds"] == {"experiments.errors"}, "seeds imports errors"
    assert find_cycle(planted) is not None, "a planted circle errors <-> seeds was not found"


def test_no_import_circles():
    """No module of experiments/ reaches itself through its imports (lazy ones included)."""
    cycle = find_cycle(GRAPH)
    assert cycle is None, f"import circle: {' -> '.join(cycle or [])}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_imports(name):
    """Each module imports on its own (``__main__`` runs the CLI, so it is skipped)."""
    if name.endswith("__main__"):
        pytest.skip("running it is the CLI; tests/test_cli.py covers it")
    assert importlib.import_module(name).__name__ == name, f"{name} did not import"


def test_top_level_is_short():
    """At most MAX_TOP_LEVEL modules sit flat in experiments/; the rest are in subpackages."""
    flat = sorted(p.name for p in ROOT.glob("*.py"))
    assert len(flat) <= MAX_TOP_LEVEL, f"{len(flat)} flat modules: {flat}"


def test_only_the_cli_uses_argparse():
    """Domain modules take keyword arguments; only experiments.cli parses the command line.

    Example scripts (``experiments/examples/``) are entry points too, like the CLI.
    """
    users = sorted(
        name
        for name, path in MODULES.items()
        if not name.startswith(("experiments.cli", "experiments.examples"))
        and "argparse" in {m.split(".")[0] for m in _all_imports(path)}
    )
    assert users == [], f"argparse imported outside experiments.cli: {users}"


def _all_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_paths_anchored_on_files_point_at_the_repository():
    """Moving modules into subpackages must not move what they find next to them."""
    from experiments.calibration.fit import MODEL_DIR
    from experiments.run.manifest import REPOSITORY

    assert (MODEL_DIR / "model.py").is_file(), f"calibration fingerprint hashes {MODEL_DIR}"
    assert (REPOSITORY / "pyproject.toml").is_file(), f"manifest's repository: {REPOSITORY}"
