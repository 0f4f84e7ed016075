"""A background job: one worker thread with progress, a stop flag and error capture.

Long work (building a large model, playing many months, running replications)
runs here so the page stays responsive. Progress and errors are published to
Solara reactive values; the thread inherits the browser session's kernel
context (Solara patches ``threading.Thread``), so updates reach only that session.
Errors become a message (``ValueError``: the model's own text), never a traceback.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import solara

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Status:
    """What a job is doing: shown as a progress bar and a label."""

    busy: bool = False
    label: str = ""
    progress: float | None = None  # 0-1, or None when unknown


class Job:
    """Run one piece of work at a time in a background thread.

    Args:
        status: reactive value receiving :class:`Status` updates.
        message: reactive value receiving error messages ("" when none).
    """

    def __init__(self, status: solara.Reactive, message: solara.Reactive) -> None:
        """Idle job publishing to ``status`` and ``message``."""
        self.status = status
        self.message = message
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()

    @property
    def busy(self) -> bool:
        """Whether the worker thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def stopping(self) -> bool:
        """Whether a stop was requested (the work should return soon)."""
        return self._stop.is_set()

    def start(self, label: str, work: Callable[[Job], None]) -> bool:
        """Start ``work(job)`` in a thread; False (and a message) if a job is running."""
        with self._guard:
            if self.busy:
                self.message.value = f"Busy ({self.status.value.label}): pause or wait first."
                return False
            self._stop.clear()
            self.message.value = ""
            self.status.value = Status(True, label, None)  # indeterminate until a report
            self._thread = threading.Thread(target=self._run, args=(label, work), daemon=True)
            self._thread.start()
            return True

    def _run(self, label: str, work: Callable[[Job], None]) -> None:
        try:
            work(self)
        except ValueError as error:
            self.message.value = str(error)
        except Exception as error:  # shown to the user as a message, logged in full
            logger.exception("dashboard job %r failed", label)
            self.message.value = f"Unexpected error in {label}: {type(error).__name__}: {error}"
        finally:
            self.status.value = Status(False, "", None)

    def report(self, progress: float | None, label: str) -> None:
        """Publish progress (0-1) and a label."""
        self.status.value = Status(True, label, progress)

    def sleep(self, seconds: float) -> bool:
        """Wait up to ``seconds``; True if a stop was requested meanwhile."""
        return self._stop.wait(seconds)

    def stop(self, wait: bool = True, timeout: float = 30.0) -> None:
        """Ask the work to stop; optionally wait for the thread to end."""
        self._stop.set()
        if wait:
            self.wait(timeout)

    def wait(self, timeout: float | None = 60.0) -> None:
        """Block until the current work ends (or ``timeout`` seconds pass)."""
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
