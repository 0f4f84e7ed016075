"""Start the dashboard server on a free local port and open it in Debian's chromium.

Shared by the screenshot tool (``tools/screenshot.py``) and the browser tests,
so that both start the app as ``make dashboard`` does: production mode, no version
check and no telemetry (so that the server itself calls nothing outside this
machine), and no Solara banner floating over the bottom of the page.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
#: Flags for Debian's chromium here: no sandbox as root, and no background calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(port: int, output: IO | int = subprocess.DEVNULL) -> subprocess.Popen:
    """``solara run dashboards/app.py`` on 127.0.0.1:``port``, output to ``output``."""
    solara = Path(sys.executable).parent / "solara"
    command = [
        str(solara),
        "run",
        "dashboards/app.py",
        "--production",
        "--no-open",
        "--no-check-version",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    env = {
        **os.environ,
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_THEME_SHOW_BANNER": "False",  # it floats over the bottom of the page
    }
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    """Return once ``url`` answers 200; raise ``RuntimeError`` if the server dies or is slow."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"solara exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def stop(process: subprocess.Popen) -> None:
    """Terminate the server, killing it if it does not stop within 15 s."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


# --- timing a page in the browser (tests/test_browser_dashboard.py, benchmarks) -------
#: JS for Playwright's ``evaluate`` on a button: note the time, then click it.
CLICK = "button => { window.__clicked = performance.now(); button.click(); }"
#: JS for ``wait_for_function(..., arg=old_sources)``: milliseconds since :data:`CLICK`
#: once every Explore chart shows a new image, else false.
STEP_TO_CHARTS = """(old) => {
    const now = [...document.querySelectorAll('.uptake-chart img')].map(i => i.src);
    if (now.length !== old.length || now.some((src, i) => src === old[i])) return false;
    return performance.now() - window.__clicked;
}"""
#: JS for ``wait_for_function(..., arg=month)``: milliseconds since :data:`CLICK` once the
#: headline shows that month, else false.
MONTH_REACHED = """(month) => {
    const text = document.querySelector('.uptake-headline').innerText;
    return new RegExp('Month\\\\s+' + month + ' \\\\(').test(text)
        && performance.now() - window.__clicked;
}"""


def month_shown(page) -> int:
    """The month in the headline of a Playwright ``page`` of the app."""
    import re

    text = page.locator(".uptake-headline").inner_text()
    return int(re.search(r"Month\s+(\d+) \(", text).group(1))
