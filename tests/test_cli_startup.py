"""Start-up cost: `import model`, `uptake --help` and `uptake scenarios` stay light.

Each check runs in a fresh interpreter and asserts on what gets imported (which does
not flake on a busy machine); the wall-clock times are printed for the record
(`pytest -s tests/test_cli_startup.py`). On the 2-core development machine they are
well under 1 s (see README.md, "Times").
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import time

import pytest

from experiments import cli

HEAVY = ("mesa", "pandas", "matplotlib", "dask", "scipy", "SALib", "solara")

PROBE = """
import json, sys, time
t0 = time.perf_counter()
{code}
seconds = time.perf_counter() - t0
heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r}))
print("\\n" + json.dumps({{"seconds": seconds, "heavy": heavy}}))
"""


def probe(code: str) -> tuple[float, list[str], float]:
    """Run ``code`` in a new interpreter: (seconds inside, heavy modules loaded, wall s)."""
    script = PROBE.format(code=code, heavy=HEAVY)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    wall = time.perf_counter() - start
    assert done.returncode == 0, f"probe failed:\n{done.stderr}"
    record = json.loads(done.stdout.strip().splitlines()[-1])
    return record["seconds"], record["heavy"], wall


CLI = "from experiments.cli import main\ntry:\n    main({argv!r})\nexcept SystemExit:\n    pass"


@pytest.mark.parametrize(
    ("what", "code", "forbidden"),
    [
        ("import model", "import model", HEAVY),
        ("import model.params", "import model.params", HEAVY),
        ("uptake --help", CLI.format(argv=["--help"]), HEAVY),
        ("uptake scenarios", CLI.format(argv=["scenarios"]), HEAVY),
        ("uptake validate --help", CLI.format(argv=["validate", "--help"]), ("matplotlib", "dask")),
    ],
)
def test_start_up_imports_only_what_the_command_needs(what, code, forbidden):
    seconds, heavy, wall = probe(code)
    print(f"\n{what}: {seconds:.2f} s inside the interpreter, {wall:.2f} s with its start-up")
    loaded = sorted(set(heavy) & set(forbidden))
    assert not loaded, f"`{what}` imports {loaded}; they must load only when a command needs them"


def test_lazy_model_names_still_import():
    import model

    assert sorted(model.__all__) == sorted(model._EXPORTS), "__all__ lists the lazy names"
    for name in model.__all__:
        assert getattr(model, name) is not None, f"model.{name} does not resolve"
    from model import UptakeModel, simulate

    assert UptakeModel.__module__ == "model.model", "UptakeModel resolves to the model class"
    assert callable(simulate), "simulate resolves to the function"
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        model.nonsense  # noqa: B018


def test_command_listing_matches_the_registered_commands():
    for module in cli.COMMAND_MODULES:
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        importlib.import_module(module).register(sub)
        registered = {a.dest: a.help for a in sub._choices_actions}
        assert cli.COMMANDS.get(module) == registered, (
            f"cli.COMMANDS[{module!r}] must list exactly what {module} registers "
            f"(names and help), so that `uptake --help` shows it: {registered}"
        )


def test_help_lists_every_command_and_a_command_parses_in_full(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    assert exit_.value.code == 0, "uptake --help exits 0"
    listing = capsys.readouterr().out
    for names in cli.COMMANDS.values():
        for name in names:
            assert f"    {name}" in listing, f"`{name}` missing from uptake --help"
    with pytest.raises(SystemExit) as exit_:
        cli.main(["run", "--months", "0"])
    assert exit_.value.code == 2, "the chosen command's own options are checked"
    assert "--months" in capsys.readouterr().err, "the error names the option"
