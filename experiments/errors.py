"""The error raised for bad input: scenario and sweep files, parameters, CLI values.

The CLI turns an :class:`InputError` into a one-line message and exit code 2;
any other exception is a bug or a failed run and exits 1 with a traceback.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad user input; the message names the file/row/key, the bad value and what is allowed."""
