"""The ``uptake`` command line: a thin layer over the :mod:`experiments` API.

Subcommands come from the modules listed in :data:`COMMAND_MODULES`. Each module
exposes ``register(subparsers)``, which adds its parser(s) with
``subparsers.add_parser(...)`` and hands back the function to run through
``parser.set_defaults(handler=function)``; the handler takes the parsed
``argparse.Namespace``, turns it into keyword arguments of the domain function it
calls (no domain module sees argparse) and returns the exit code. To add a command,
write such a module and add one line to :data:`COMMAND_MODULES` (and, to keep
``uptake --help`` fast, its commands to :data:`COMMANDS`).

Start-up: only the module of the command being run is imported. ``uptake --help``
lists the commands from :data:`COMMANDS` without importing any command module, so it
loads neither the model nor pandas, Mesa, Matplotlib or Dask.

Exit codes: 0 success; 1 some runs failed or an unexpected error; 2 bad input
(argument, scenario or sweep file; the message names it and what is allowed) or a
file or folder the command cannot read or write (full disk, no permission), as one
line; 130 interrupted (Ctrl-C; rerun the same command to resume).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from experiments.errors import InputError

COMMAND_MODULES = [
    "experiments.cli.scenarios",
    "experiments.cli.params",
    "experiments.cli.run",
    "experiments.cli.sweep",
    "experiments.cli.sensitivity",
    "experiments.cli.discover",
    "experiments.cli.report",
    "experiments.cli.demo",
    "experiments.cli.calibrate",
    "experiments.cli.validate",
    "experiments.cli.study",
    "experiments.cli.ensemble",
]

#: The commands each module registers, with their one-line help: what ``uptake --help``
#: lists without importing the module (tests/test_cli_startup.py checks they agree).
#: A module missing here is imported and registered in full (correct, only slower).
COMMANDS = {
    "experiments.cli.scenarios": {
        "scenarios": "list scenario presets and policy levers (with units)",
    },
    "experiments.cli.params": {
        "params": "table of all model parameters with unit, range and source",
    },
    "experiments.cli.run": {
        "run": "run one scenario for several replications",
        "compare": "compare reforms with a baseline (common random numbers)",
    },
    "experiments.cli.sweep": {
        "sweep": "run a design over parameters and levers from a sweep file",
    },
    "experiments.cli.sensitivity": {
        "sensitivity": "sensitivity indices (Morris, Sobol; rank correlation for LHS/factorial)",
    },
    "experiments.cli.discover": {
        "discover": "scenario discovery (PRIM): which levers and parameters reach a target",
    },
    "experiments.cli.report": {
        "report": "write a self-contained HTML report (+ CSV/Excel tables)",
        "export": "write the summary tables as CSV and Excel",
    },
    "experiments.cli.demo": {
        "demo": "baseline vs paper-package and each recommendation, with a report",
    },
    "experiments.cli.calibrate": {
        "calibrate": "fit the free parameters to the national targets",
    },
    "experiments.cli.validate": {
        "validate": "compare the calibrated baseline with the national figures",
    },
    "experiments.cli.study": {
        "sensitivity-study": "Morris screening of all parameters, then Sobol on the top ones",
    },
    "experiments.cli.ensemble": {
        "ensemble": "draw calibrated parameter sets that fit the targets about equally well",
    },
}


def _command_word(argv: list[str]) -> str | None:
    """The subcommand named in ``argv`` (its first word not starting with '-'), if any."""
    return next((word for word in argv if not word.startswith("-")), None)


def build_parser(command: str | None = "") -> argparse.ArgumentParser:
    """The ``uptake`` parser.

    Args:
        command: the subcommand about to run. Its module is imported and registered in
            full; every other command listed in :data:`COMMANDS` gets a stub parser
            (name and help only), so nothing else is imported. ``""`` (the default)
            registers every command in full.
    """
    parser = argparse.ArgumentParser(
        prog="uptake",
        description="Uptake: social-insurance coverage of China's migrant workers under "
        "policy reforms. Run scenarios, compare reforms with the baseline, sweep "
        "parameters, and write reports.",
        epilog="`uptake COMMAND --help` describes each command.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        listed = COMMANDS.get(module)
        if command == "" or listed is None or command in listed:
            importlib.import_module(module).register(subparsers)
        else:
            for name, help_text in listed.items():
                subparsers.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` (default: ``sys.argv[1:]``), run the command, return the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command_word(argv))
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except InputError as exc:
        print(f"uptake {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and closed
        sys.stderr.close()
        return 0
    except OSError as exc:  # a file or folder the command cannot use: not a bug
        print(f"uptake {args.command}: error: {_os_error(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            f"\nuptake {args.command}: interrupted; finished runs are saved. "
            "Rerun the same command to resume.",
            file=sys.stderr,
        )
        return 130


def _os_error(exc: OSError) -> str:
    """``[Errno 28] No space left on device`` as one line naming the file."""
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}".replace("\n", " ")
