"""Take ``docs/dashboard.png``: start the app, run a preset for a few years, screenshot.

Usage (needs Debian's chromium and the dev extra's Playwright)::

    .venv/bin/python tools/screenshot.py [--out docs/dashboard.png]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script

from dashboards import serve
from dashboards.format import month_label
from experiments.scenarios import PRESETS


def take(out: Path, preset: str = "paper-package", until: int = 60) -> None:
    """Run ``preset`` to month ``until`` in the app and save a screenshot to ``out``."""
    from playwright.sync_api import sync_playwright

    port = serve.free_port()
    process = serve.start(port)
    url = f"http://127.0.0.1:{port}/"
    try:
        serve.wait_until_up(url, process)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=serve.CHROMIUM, args=serve.CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1250})
            page.set_default_timeout(90_000)
            page.goto(url)
            page.locator(".uptake-headline").wait_for()
            page.get_by_label("Preset scenario").click(force=True)
            page.get_by_role("option", name=PRESETS[preset].title, exact=True).click()
            page.locator(".uptake-in-force").filter(has_text="from month 13").wait_for()
            page.get_by_label("speed").click(force=True)
            page.get_by_role("option", name="as fast as possible").click()
            until_box = page.get_by_label("run until month (1-600)")
            until_box.fill(str(until))
            until_box.press("Enter")
            page.get_by_role("button", name="Play").click()
            month = f"{until} ({month_label(until, 2011)})"
            page.locator(".uptake-headline").filter(has_text=month).wait_for()
            page.wait_for_timeout(2_000)
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
            browser.close()
    finally:
        serve.stop(process)


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=serve.REPO / "docs" / "dashboard.png")
    parser.add_argument("--preset", default="paper-package")
    parser.add_argument("--until", type=int, default=60)
    args = parser.parse_args()
    take(args.out, args.preset, args.until)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
