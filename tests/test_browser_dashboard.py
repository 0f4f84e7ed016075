"""The dashboard in a real browser: ``solara run`` on a free local port, driven by Playwright.

Uses Debian's chromium (``/usr/bin/chromium``; never ``playwright install``). Every
test opens its own browser context, hence its own dashboard session.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import statistics
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pytest

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
from experiments.scenarios import scenario_title

pytestmark = pytest.mark.browser

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``solara run dashboards/app.py`` as ``make dashboard`` starts it, on a free port."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "solara.log"
    with log.open("w") as out:
        process = start(port, out)
    url = f"http://127.0.0.1:{port}/"
    try:
        try:
            wait_until_up(url, process)
        except RuntimeError as exc:
            pytest.fail(f"{exc}:\n{log.read_text()[-3000:]}")
        yield url
    finally:
        stop(process)
    text = log.read_text()
    assert "Traceback" not in text, f"the server logged a traceback:\n{text[-3000:]}"


@pytest.fixture(scope="module")
def chromium_browser():
    """Debian's chromium, headless."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} missing: install Debian's chromium (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Recorder:
    """Requests, failures, error responses and console errors of one page."""

    def __init__(self, page) -> None:
        """Start listening on ``page``."""
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.bad_status: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        page.on(
            "response",
            lambda r: self.bad_status.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on(
            "console",
            lambda m: self.console_errors.append(m.text) if m.type == "error" else None,
        )

    def foreign_hosts(self) -> set[str]:
        """Hosts other than this machine that the page asked for."""
        hosts = {
            urlparse(u).hostname
            for u in self.requests
            if urlparse(u).scheme in ("http", "https", "ws", "wss")
        }
        return hosts - LOCAL_HOSTS


@pytest.fixture
def app_page(chromium_browser, server):
    """A fresh browser context (a new dashboard session) with the app loaded."""
    context = chromium_browser.new_context(
        viewport={"width": 1500, "height": 1000}, accept_downloads=True
    )
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    pg.recorder = Recorder(pg)
    pg.goto(server)
    pg.locator(".uptake-headline").wait_for()
    pg.locator(".chart-coverage img").wait_for()
    yield pg
    context.close()


def headline(page) -> str:
    """The headline numbers as text."""
    return page.locator(".uptake-headline").inner_text()


def chart_src(page, key: str) -> str:
    """The image source of an Explore chart (changes when the chart is redrawn)."""
    return page.locator(f".chart-{key} img").get_attribute("src")


def test_loads_offline_with_no_failed_or_foreign_requests(app_page):
    page = app_page
    rec = page.recorder
    page.wait_for_load_state("networkidle")
    assert page.locator(".uptake-chart img").count() == 7, "the seven Explore charts are missing"
    assert re.search(r"Month\s+0 \(start\)", headline(page)), headline(page)
    assert rec.requests, "no requests recorded: the recorder is not working"
    assert rec.failed == [], f"failed requests: {rec.failed}"
    assert rec.bad_status == [], f"error responses: {rec.bad_status}"
    assert rec.foreign_hosts() == set(), f"requests left this machine: {rec.foreign_hosts()}"
    assert rec.console_errors == [], f"console errors: {rec.console_errors}"


def test_lever_and_step_change_charts_and_numbers(app_page):
    page = app_page
    before_numbers = headline(page)
    before_coverage = chart_src(page, "coverage")
    before_enforcement = chart_src(page, "enforcement")
    slider = page.locator(".lever-enforcement .v-slider")
    box = slider.bounding_box()
    slider.click(position={"x": box["width"] * 0.5, "y": box["height"] / 2})
    in_force = page.locator(".uptake-in-force")
    in_force.filter(has_text="More inspections =").wait_for()
    page.get_by_role("button", name="Step a year").click()
    page.locator(".uptake-headline").filter(has_text="12 (2011-12)").wait_for()
    page.wait_for_function(
        "src => document.querySelector('.chart-coverage img').src !== src", arg=before_coverage
    )
    assert headline(page) != before_numbers, "headline numbers did not change after a year"
    assert chart_src(page, "coverage") != before_coverage, "coverage chart not redrawn"
    assert chart_src(page, "enforcement") != before_enforcement, "enforcement chart not redrawn"
    strength = float(re.search(r"More inspections = ([\d.]+)", in_force.inner_text()).group(1))
    assert 0.25 <= strength <= 0.75, f"a click mid-slider should give about 0.5 (max 1): {strength}"
    assert page.recorder.failed == [], f"failed requests: {page.recorder.failed}"


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the Vuetify select labelled ``label``."""
    page.get_by_label(label).click(force=True)
    page.get_by_role("option", name=option, exact=True).click()


def test_play_runs_in_background_and_pause_stops_it(app_page):
    page = app_page
    choose(page, "speed", "2 months/s")
    page.get_by_role("button", name="Play").click()
    page.locator(".uptake-progress").filter(has_text="month").wait_for()
    page.get_by_role("tab", name="Look inside").click()  # the page answers during the run
    page.get_by_text("of the Explore run").wait_for()
    page.get_by_role("tab", name="Explore").click()
    page.get_by_role("button", name="Pause").click()
    page.locator(".uptake-progress").wait_for(state="detached")
    paused = month_shown(page)
    assert 0 < paused < 120, f"pause should stop part-way through 120 months, at {paused}"
    page.wait_for_timeout(1500)
    assert month_shown(page) == paused, "the run went on after pause"


def test_invalid_input_is_a_message_not_a_traceback(app_page):
    page = app_page
    seed = page.get_by_label("Seed")
    seed.fill("-3")
    seed.press("Enter")
    message = page.locator(".uptake-message")
    message.wait_for()
    assert "seed=-3 is out of range" in message.inner_text(), message.inner_text()
    assert "Traceback" not in page.locator("body").inner_text(), "a traceback reached the page"
    assert seed.input_value() == "42", f"the seed field shows {seed.input_value()!r}, not 42"
    population = page.get_by_label("Population (worker agents, max 200,000)")
    population.fill("abc")
    population.press("Enter")
    page.get_by_text("'abc' rejected (not a number); kept 20000").wait_for()
    assert population.input_value() == "20000", "a bad population stayed in its field"


def test_comparison_shows_both_scenarios(app_page):
    page = app_page
    page.get_by_role("tab", name="Compare").click()
    for label, value in (
        ("replications (1-20)", "2"),
        ("months (1-600)", "24"),
        ("workers (100-50,000)", "1000"),
    ):
        box = page.get_by_label(label)
        box.fill(value)
        box.press("Enter")
    page.get_by_role("button", name="Run comparison").click()
    title = page.locator(".uptake-compare-title")
    title.wait_for(timeout=90_000)
    text = title.inner_text()
    assert scenario_title("baseline") in text, f"baseline missing: {text}"
    assert scenario_title("paper-package") in text, f"reform missing: {text}"
    assert "paper-package" not in text, f"the title shows the slug: {text}"
    assert "2 replications x 24 months" in text, f"settings not applied: {text}"
    assert page.locator(".chart-compare-both img").count() == 1, "chart of both scenarios missing"
    assert page.locator(".chart-compare-diff img").count() == 1, "difference chart missing"
    table = page.locator(".uptake-compare-summary")
    assert scenario_title("paper-package") in table.inner_text(), "no reform column"
    assert "Coverage by any scheme" in table.inner_text(), "summary table lacks the coverage row"
    assert "frac_covered" not in table.inner_text(), "summary table shows raw column names"
    first = table.locator("tr").nth(1).locator("td").first.inner_text()
    assert first == "Coverage by any scheme", f"a row index before the outcome: {first!r}"


def test_comparison_over_the_ensemble_shows_both_intervals(app_page, tmp_path):
    page = app_page
    page.get_by_role("tab", name="Compare").click()
    # 24 months x 3 replications: the package's pension gain (about +8.5 pp over
    # 2 years, seed sd about 2 pp) clears its seed interval in both sets.
    for label, value in (
        ("replications (1-20)", "3"),
        ("months (1-600)", "24"),
        ("workers (100-50,000)", "500"),
    ):
        box = page.get_by_label(label)
        box.fill(value)
        box.press("Enter")
    page.get_by_label("Also over the calibrated ensemble", exact=False).check(force=True)
    sets = page.get_by_label("parameter sets (1-8)")
    sets.fill("2")
    sets.press("Enter")
    plan = page.locator(".uptake-ensemble-plan")
    plan.filter(has_text="= 12 more runs").wait_for()
    assert "2 of the 8 parameter sets" in plan.inner_text(), plan.inner_text()
    page.get_by_role("button", name="Run comparison").click()
    gains = page.locator(".uptake-ensemble-gains")
    gains.wait_for(timeout=90_000)
    table = gains.inner_text()
    for heading in ("interval over seeds, set 0 (pp)", "5-95% over sets (pp)"):
        assert heading in table, f"{heading!r} missing: {table}"
    row = gains.locator("tr").nth(1).locator("td").all_inner_texts()
    assert row[0] == scenario_title("paper-package"), f"reform not named: {row}"
    for cell in row[3:]:
        assert re.fullmatch(r"[+-]?\d+\.\d\d to [+-]?\d+\.\d\d", cell), f"no interval: {cell!r}"
    title = page.locator(".uptake-ensemble-title").inner_text()
    assert "2 parameter sets x 3 replications" in title, title
    ranks = page.locator(".uptake-ensemble-ranks")
    assert ranks.locator("tr").count() == 2, f"one pair expected: {ranks.inner_text()}"
    pair = ranks.locator("tr").nth(1).locator("td").all_inner_texts()
    higher, lower, share, _difference, verdict = pair
    assert (higher, lower, share) == (
        scenario_title("paper-package"),
        scenario_title("baseline"),
        "100%",
    ), f"the package should beat the baseline in both sets: {pair}"
    assert verdict == "robust", f"a gain of several points over 2 years is not robust: {pair}"
    robust = page.locator(".uptake-ensemble-robust").inner_text()
    assert "1 of 1 pairs robust: 1 of 1 against" in robust, robust
    page.get_by_role("tab", name="Results").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Gains per parameter set and seed (CSV)").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    frame = pd.read_csv(path)
    columns = ["member", "seed", "scenario", "gain_pension", "gain_any"]
    assert list(frame.columns) == columns, f"ensemble CSV columns: {list(frame.columns)}"
    assert len(frame) == 2 * 3 * 1, f"2 sets x 3 seeds x 1 reform expected: {len(frame)} rows"
    rec = page.recorder
    assert rec.foreign_hosts() == set(), f"requests left this machine: {rec.foreign_hosts()}"
    assert rec.failed == [], f"failed requests: {rec.failed}"


#: Field labels whose text is wider than the label (cut off with an ellipsis), as JS.
CUT_LABELS = """() => [...document.querySelectorAll('.v-label')]
    .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.innerText)"""


#: Charts whose bottom right corner, scrolled to the bottom of the window, is hidden (JS).
COVERED_CHARTS = """() => [...document.querySelectorAll('.uptake-chart img')].map(img => {
    img.scrollIntoView({block: 'end'});
    const r = img.getBoundingClientRect();
    const hit = document.elementFromPoint(r.right - 3, r.bottom - 3);
    return hit === img ? null : (hit ? hit.outerHTML.slice(0, 120) : 'nothing');
}).filter(x => x)"""


def settle(page, check: str, seconds: float = 5.0) -> None:
    """Wait until the JS ``check`` returns an empty list (the page has reflowed), or time out.

    A resized page lays itself out again over a few frames; the assertions that follow
    read the settled layout, and fail with the list if it never empties.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(f"() => ({check})().length === 0", timeout=seconds * 1000)


def test_at_1366_by_768_no_label_is_cut_and_nothing_covers_the_last_chart(app_page):
    page = app_page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.wait_for_timeout(500)
    settle(page, CUT_LABELS)
    assert page.evaluate(CUT_LABELS) == [], f"cut-off labels: {page.evaluate(CUT_LABELS)}"
    assert page.get_by_text("This website runs on").count() == 0, "Solara's banner is shown"
    settle(page, COVERED_CHARTS)
    covered = page.evaluate(COVERED_CHARTS)
    assert covered == [], f"something covers the bottom corner of a chart: {covered}"
    page.get_by_role("tab", name="Compare").click()
    page.get_by_label("Also over the calibrated ensemble", exact=False).check(force=True)
    page.get_by_label("parameter sets (1-8)").wait_for()
    assert page.evaluate(CUT_LABELS) == [], f"cut-off labels: {page.evaluate(CUT_LABELS)}"


def test_downloads_produce_files(app_page, tmp_path):
    page = app_page
    page.get_by_role("button", name="Step", exact=True).click()
    page.locator(".uptake-headline").filter(has_text="1 (2011-01)").wait_for()
    page.get_by_role("tab", name="Results").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Results (CSV)").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "uptake_baseline_seed42_m1_results.csv", path.name
    frame = pd.read_csv(path)
    assert list(frame["month"]) == [0, 1], f"CSV should hold months 0-1: {list(frame['month'])}"
    assert "frac_covered_any" in frame.columns, "coverage column missing from the CSV"
    with page.expect_download() as info:
        page.get_by_role("button", name="Coverage by scheme").click()
    png = Path(info.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "the chart download is not a PNG"
    with page.expect_download() as info:
        page.get_by_role("button", name="Results (Parquet)").click()
    parquet = pd.read_parquet(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert len(parquet) == 2, f"Parquet should hold 2 months, got {len(parquet)}"


def test_two_browser_sessions_do_not_share_a_model(chromium_browser, server, app_page):
    page = app_page
    page.get_by_role("button", name="Step a year").click()
    page.locator(".uptake-headline").filter(has_text="12 (2011-12)").wait_for()
    other = chromium_browser.new_context().new_page()
    other.set_default_timeout(TIMEOUT_MS)
    other.goto(server)
    other.locator(".uptake-headline").wait_for()
    assert re.search(r"Month\s+0 \(start\)", headline(other)), (
        f"a new session did not start at month 0: {headline(other)}"
    )
    other.context.close()


def test_a_reload_keeps_the_run(app_page):
    page = app_page
    page.get_by_role("button", name="Step a year").click()
    page.locator(".uptake-headline").filter(has_text="12 (2011-12)").wait_for()
    page.reload()
    page.locator(".uptake-headline").filter(has_text="12 (2011-12)").wait_for()
    assert month_shown(page) == 12, f"after a reload the run shows month {month_shown(page)}"


def test_each_step_redraws_all_seven_charts_at_20000_workers(app_page):
    # The speed (a median under 300 ms) is measured by benchmarks/bench_dashboard.py.
    page = app_page
    population = page.get_by_label("Population (worker agents, max 200,000)")
    assert population.input_value() == "20000", "the default population is not 20,000"
    page.get_by_role("button", name="Step a year").click()  # past the first, empty months
    page.locator(".uptake-headline").filter(has_text="12 (2011-12)").wait_for()
    step = page.get_by_role("button", name="Step", exact=True)
    times = []
    for _ in range(9):
        old = page.evaluate(
            "() => [...document.querySelectorAll('.uptake-chart img')].map(i => i.src)"
        )
        assert len(old) == 7, f"expected 7 Explore charts, found {len(old)}"
        step.evaluate(CLICK)
        times.append(page.wait_for_function(STEP_TO_CHARTS, arg=old, polling="raf").json_value())
    median = statistics.median(times)
    print(
        f"step to 7 charts redrawn at 20,000 workers: median {median:.0f} ms, "
        f"all {[round(t) for t in times]} ms"
    )
    assert month_shown(page) == 21, (
        f"9 steps from month 12 should reach 21, not {month_shown(page)}"
    )


def test_play_never_runs_ahead_of_its_pace_and_stops_at_the_month_asked(app_page):
    # How close to the stated 3.0 s it comes is measured by benchmarks/bench_dashboard.py.
    page = app_page
    choose(page, "speed", "10 months/s")
    until = page.get_by_label("run until month (1-600)")
    until.fill("30")
    until.press("Enter")
    play = page.get_by_role("button", name="Play")
    play.evaluate(CLICK)
    took = page.wait_for_function(MONTH_REACHED, arg=30, polling="raf").json_value()
    print(f"play 30 months at 10 months/s: {took / 1000:.2f} s (stated: 3.00 s)")
    assert took >= 2_800, f"30 months at 10 months/s took {took / 1000:.2f} s: ahead of its pace"
    page.locator(".uptake-progress").wait_for(state="detached")  # play has ended
    assert month_shown(page) == 30, f"play asked to stop at month 30 ran to {month_shown(page)}"
