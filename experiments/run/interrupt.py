"""Ctrl-C that is never lost during a sweep.

Python turns SIGINT into ``KeyboardInterrupt`` wherever the main thread happens to
be. Code that swallows every exception (a ``__del__``, an attribute lookup inside a
C extension) can then drop it, and the sweep would run on to the end. While
:class:`Interrupts` is active, SIGINT still raises at once as before, and it is also
noted, so that the runner raises ``KeyboardInterrupt`` itself at the next run
boundary if the first one was swallowed (:meth:`Interrupts.check`).

It acts only in the main thread (signal handlers can only be set there: the
dashboard runs sweeps in worker threads) and leaves an ignored SIGINT ignored.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any


class Interrupts:
    """Context manager: note SIGINT while a sweep runs; :meth:`check` re-raises it."""

    def __init__(self) -> None:
        """Nothing is installed until the context is entered."""
        self.received = False
        self._previous: Any = None
        self._installed = False

    def __enter__(self) -> Interrupts:
        """Install the noting handler in front of the current one (main thread only)."""
        if threading.current_thread() is not threading.main_thread():
            return self
        previous = signal.getsignal(signal.SIGINT)
        if previous in (signal.SIG_IGN, None):  # ignored, or set outside Python: leave it
            return self
        self._previous = previous
        signal.signal(signal.SIGINT, self._handle)
        self._installed = True
        return self

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.received = True
        if callable(self._previous):
            self._previous(signum, frame)  # Python's default handler raises KeyboardInterrupt
        else:  # SIG_DFL would end the process: end the sweep instead
            raise KeyboardInterrupt

    def check(self) -> None:
        """Raise ``KeyboardInterrupt`` if SIGINT arrived since the context was entered."""
        if self.received:
            raise KeyboardInterrupt

    def __exit__(self, *exc: object) -> None:
        """Put the previous handler back."""
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)
            self._installed = False
