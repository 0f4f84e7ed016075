"""The ``uptake`` command line: a thin layer over the :mod:`experiments` API.

Subcommands come from the modules listed in :data:`COMMAND_MODULES`. Each module
exposes ``register(subparsers)``, which adds its parser(s) with
``subparsers.add_parser(...)`` and hands back the function to run through
``parser.set_defaults(handler=function)``; the handler takes the parsed
``argparse.Namespace``, turns it into keyword arguments of the domain function it
calls (no domain module sees argparse) and returns the exit code. To add a command,
write such a module and add one line to :data:`COMMAND_MODULES`.

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


def build_parser() -> argparse.ArgumentParser:
    """The ``uptake`` parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="uptake",
        description="Uptake: social-insurance coverage of China's migrant workers under "
        "policy reforms. Run scenarios, compare reforms with the baseline, sweep "
        "parameters, and write reports.",
        epilog="`uptake COMMAND --help` describes each command.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` (default: ``sys.argv[1:]``), run the command, return the exit code."""
    parser = build_parser()
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
