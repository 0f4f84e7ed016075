"""Runs kept on the server per browser session, so a page reload finds its run again.

Solara gives every browser a session id (a cookie) and every page its own kernel;
a reload makes a new kernel under the same session id. :func:`open_session` hands
the new page the run kept under that id (or a new one). Another browser (another
cookie) never sees it. At most :data:`MAX_KEPT` runs are kept; the least recently
opened is dropped first (its page, if still open, keeps working on its own copy).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from dashboards.run import Run
from dashboards.state import Session

#: Runs kept for reloads (each holds a model: a few tens of MB at 20,000 workers).
MAX_KEPT = 8

_runs: OrderedDict[str, Run] = OrderedDict()
_guard = threading.Lock()


def browser_session_id() -> str | None:
    """The Solara session id of the current page (None outside a Solara server)."""
    import solara

    try:
        return solara.get_session_id()
    except (RuntimeError, AttributeError):
        return None


def open_session(key: str | None = None) -> Session:
    """A page's :class:`Session`, on the run kept for ``key`` (default: this browser)."""
    key = key if key is not None else browser_session_id()
    if key is None:
        return Session()
    with _guard:
        run = _runs.get(key)
        if run is not None:
            _runs.move_to_end(key)
    if run is not None:
        return Session(run=run)
    session = Session()
    with _guard:
        _runs[key] = session.run
        while len(_runs) > MAX_KEPT:
            _runs.popitem(last=False)
    return session


def forget(key: str) -> None:
    """Drop the run kept for ``key`` (tests)."""
    with _guard:
        _runs.pop(key, None)
