"""Subcommands of the ``uptake`` CLI, one module each (see :mod:`experiments.cli`)."""
