"""Take ``docs/dashboard.png``: start the app, run a preset for a few years, screenshot.

Usage (needs Debian's chromium and the dev extra's Playwright)::

    .venv/bin/python -m dashboards.screenshot [--out docs/dashboard.png]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"solara exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def take(out: Path, preset: str = "paper-package", until: int = 60) -> None:
    """Run ``preset`` to month ``until`` in the app and save a screenshot to ``out``."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    solara = Path(sys.executable).parent / "solara"
    command = [
        str(solara),
        "run",
        "dashboards/app.py",
        "--production",
        "--no-open",
        "--no-check-version",
    ]
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO,
        env={**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait(url, process)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1250})
            page.set_default_timeout(90_000)
            page.goto(url)
            page.locator(".uptake-headline").wait_for()
            page.get_by_label("Preset scenario").click(force=True)
            page.get_by_role("option", name=preset, exact=True).click()
            page.locator(".uptake-in-force").filter(has_text="from month 13").wait_for()
            page.get_by_label("speed").click(force=True)
            page.get_by_role("option", name="as fast as possible").click()
            until_box = page.get_by_label("run until month (1-600)")
            until_box.fill(str(until))
            until_box.press("Enter")
            page.get_by_role("button", name="Play").click()
            month = f"{until} ({2011 + (until - 1) // 12}-{(until - 1) % 12 + 1:02d})"
            page.locator(".uptake-headline").filter(has_text=month).wait_for()
            page.wait_for_timeout(2_000)
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=15)


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "dashboard.png")
    parser.add_argument("--preset", default="paper-package")
    parser.add_argument("--until", type=int, default=60)
    args = parser.parse_args()
    take(args.out, args.preset, args.until)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
