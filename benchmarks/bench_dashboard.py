"""Dashboard responsiveness in a real browser: step to charts, and play at its stated pace.

Starts the app as ``make dashboard`` does (``dashboards/serve.py``) on a free local
port, opens it in Debian's chromium (``/usr/bin/chromium``; never ``playwright
install``) and measures, at the default 20,000 worker agents:

* **step to charts**: milliseconds from a click on *Step* until all 7 Explore charts
  show a new image, over ``--steps`` single steps after the first year (the first,
  empty months are skipped); the median is judged against 300 ms;
* **play**: seconds from a click on *Play* at "10 months/s" until the headline shows
  month 30 (stated: 3.0 s); judged as met within 2.8-3.6 s.

Times are wall clock in the browser (``performance.now()``): they include the
server's model step, drawing the charts, the websocket and the browser's rendering,
so they depend on the machine's load, which is printed. The browser tests
(``tests/test_browser_dashboard.py``) check the behaviour (every chart redraws on
each step, play never runs ahead of its pace); this script checks the speed.

This is a benchmark, not a test. Usage::

    python benchmarks/bench_dashboard.py               # 9 steps, one play
    python benchmarks/bench_dashboard.py --steps 20 --plays 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile

from dashboards.serve import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CLICK,
    MONTH_REACHED,
    STEP_TO_CHARTS,
    free_port,
    month_shown,
    start,
    stop,
    wait_until_up,
)

WORKERS, CHARTS = 20_000, 7  # the dashboard's default population; its Explore charts
MAX_STEPS = 600 - 12  # the run stops at month 600; steps start from month 12
STEP_TARGET_MS = 300.0
PLAY_MONTHS, PLAY_PACE = 30, "10 months/s"
PLAY_STATED_S, PLAY_RANGE_S = 3.0, (2.8, 3.6)
TIMEOUT_MS = 120_000


def open_app(browser, url: str):
    """A fresh browser context (a new dashboard session) with the app loaded."""
    page = browser.new_context(viewport={"width": 1500, "height": 1000}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.locator(".uptake-headline").wait_for()
    page.locator(".chart-coverage img").wait_for()
    return page


def step_times(page, steps: int) -> list[float]:
    """Step-to-charts milliseconds of ``steps`` single steps after the first year."""
    population = page.get_by_label("Population (worker agents, max 200,000)").input_value()
    if population != str(WORKERS):
        raise RuntimeError(f"the dashboard's default population is {population}, not {WORKERS}")
    page.get_by_role("button", name="Step a year").click()
    page.locator(".uptake-headline").filter(has_text="12 (2011-12)").wait_for()
    button = page.get_by_role("button", name="Step", exact=True)
    times = []
    for _ in range(steps):
        old = page.evaluate(
            "() => [...document.querySelectorAll('.uptake-chart img')].map(i => i.src)"
        )
        if len(old) != CHARTS:
            raise RuntimeError(f"expected {CHARTS} Explore charts, found {len(old)}")
        button.evaluate(CLICK)
        times.append(page.wait_for_function(STEP_TO_CHARTS, arg=old, polling="raf").json_value())
    if month_shown(page) != 12 + steps:
        raise RuntimeError(f"{steps} steps from month 12 reached month {month_shown(page)}")
    return times


def play_seconds(page) -> float:
    """Seconds from Play at :data:`PLAY_PACE` until the headline shows month 30."""
    page.get_by_label("speed").click(force=True)
    page.get_by_role("option", name=PLAY_PACE, exact=True).click()
    until = page.get_by_label("run until month (1-600)")
    until.fill(str(PLAY_MONTHS))
    until.press("Enter")
    page.get_by_role("button", name="Play").evaluate(CLICK)
    took = page.wait_for_function(MONTH_REACHED, arg=PLAY_MONTHS, polling="raf").json_value()
    return took / 1000.0


def main(argv: list[str] | None = None) -> int:
    """Run the measurements and print them with the targets.

    Exits 2 without chromium and 1 if the server logged a traceback.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=9, help="single steps to time (>= 1)")
    parser.add_argument("--plays", type=int, default=1, help="plays to time, each in a new session")
    args = parser.parse_args(argv)
    if not 1 <= args.steps <= MAX_STEPS:
        parser.error(f"--steps {args.steps}: must be 1-{MAX_STEPS} (the run ends at month 600)")
    if not 1 <= args.plays <= 20:
        parser.error(f"--plays {args.plays}: must be 1-20")
    if not os.access(CHROMIUM, os.X_OK):
        print(f"{CHROMIUM} missing: install Debian's chromium (make browser)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    load = os.getloadavg()[0]
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryFile("w+") as log:
        server = start(port, log)
        try:
            wait_until_up(url, server)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                steps = step_times(open_app(browser, url), args.steps)
                plays = [play_seconds(open_app(browser, url)) for _ in range(args.plays)]
                browser.close()
        except Exception:
            stop(server)
            log.seek(0)
            print(f"the dashboard server's log, last lines:\n{log.read()[-3000:]}", file=sys.stderr)
            raise
        stop(server)
        log.seek(0)
        if "Traceback" in (text := log.read()):
            print(f"the server logged a traceback:\n{text[-3000:]}", file=sys.stderr)
            return 1
    step_median, play_median = statistics.median(steps), statistics.median(plays)
    low, high = PLAY_RANGE_S
    print(f"Uptake dashboard benchmark: {WORKERS:,} worker agents, load average {load:.2f}")
    print(
        f"  step to {CHARTS} charts redrawn: median {step_median:.0f} ms over {len(steps)} steps "
        f"(all: {', '.join(f'{t:.0f}' for t in steps)} ms)"
    )
    print(
        f"  play {PLAY_MONTHS} months at {PLAY_PACE}: median {play_median:.2f} s over "
        f"{len(plays)} (stated {PLAY_STATED_S:.2f} s; all: "
        f"{', '.join(f'{t:.2f}' for t in plays)} s)"
    )
    print("\nTargets:")
    step_met = step_median <= STEP_TARGET_MS
    play_met = low <= play_median <= high
    print(
        f"  [{'    met' if step_met else ' MISSED'}] step to charts <= {STEP_TARGET_MS:.0f} ms: "
        f"{step_median:.0f} ms (target / measured = {STEP_TARGET_MS / step_median:.2f})"
    )
    print(
        f"  [{'    met' if play_met else ' MISSED'}] play at the stated pace, {low}-{high} s: "
        f"{play_median:.2f} s (measured / stated = {play_median / PLAY_STATED_S:.2f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
