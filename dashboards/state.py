"""One browser session's run: settings, the model, its runner and published snapshots.

The run itself (:class:`~dashboards.run.Run`: model, history, log, live charts) is plain
Python kept on the server per browser session (see :mod:`dashboards.sessions`), so a
page reload finds it again. A :class:`Session` is one page's handle on a run:
Solara reactive values (which belong to one page) and a background job. When a
reloaded page adopts a run, the previous page's job is stopped first, so one run
is only ever stepped by one page. The model is touched only under the run's lock;
the page reads immutable :class:`~dashboards.snapshot.Snapshot` objects.

The model is built by :func:`model.simulation.simulate` (zero months), like every
other run; it is then stepped a month at a time, since Step, Play and lever
changes act on one long-lived model between clicks.

Semantics: parameters, seed, population and preset rebuild the model at month 0;
a lever change acts from the next month (its start month is moved there, and the
change is logged), so the page, the log and the manifest tell the same story.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

import solara

from dashboards import agents_data
from dashboards import format as fmt
from dashboards.jobs import Job, Status
from dashboards.run import DEFAULT_UNTIL, Run, add_listener, describe_policies
from dashboards.settings import MAX_MONTHS, Settings, from_preset, lever_info
from dashboards.snapshot import GROUPS, GroupHistory, Snapshot
from model import SCHEMES, UptakeModel
from model.simulation import simulate

#: Shortest time between redraws while playing as fast as possible (seconds).
PUBLISH_SECONDS = 0.1
#: Longest time between progress reports while playing (seconds).
PROGRESS_SECONDS = 0.5
#: Play speeds: label -> seconds per month (0 = as fast as possible).
PACES = {"2 months/s": 0.5, "10 months/s": 0.1, "as fast as possible": 0.0}
DEFAULT_PACE = "10 months/s"
BUILDING = "building the model"


class Session:
    """One page's handle on a :class:`Run`.

    Args:
        settings: starting settings (default: the baseline preset).
        build: build the model now, synchronously (about a second at 20,000 workers).
        run: an existing run to adopt (after a page reload); its settings win.
    """

    def __init__(
        self, settings: Settings | None = None, build: bool = True, run: Run | None = None
    ) -> None:
        """Create the reactive values and adopt ``run`` or build a new one."""
        self.run = run or Run(settings or from_preset("baseline"))
        self.settings = solara.Reactive(self.run.settings)
        self.snapshot = solara.Reactive(None)
        self.has_model = solara.Reactive(self.run.model is not None)
        self._listeners: list[Callable[[Snapshot], None]] = []
        self._progress_listeners: list[Callable[[float, str], None]] = []
        self.status = solara.Reactive(Status())
        self.message = solara.Reactive("")
        self.runner = Job(self.status, self.message)
        self._version = 0
        previous = self.run.owner
        if previous is not None and previous is not self:
            previous.runner.stop(wait=True)  # a reloaded page takes the run over
        self.run.owner = self
        if self.run.model is not None:
            self._publish()
        elif build:
            try:
                self._build()
            except ValueError as error:
                self.message.value = str(error)

    @property
    def model(self) -> UptakeModel | None:
        """The run's model (None until built or after a failed build)."""
        return self.run.model

    def _choose(self, settings: Settings) -> None:
        self.settings.value = settings
        self.run.settings = settings

    # --- model lifecycle --------------------------------------------------------------
    def _build(self) -> None:
        """Build the model from the current settings (month 0) and publish it."""
        settings = self.settings.value
        settings.validate()
        model = simulate(settings.policies(), months=0, **settings.model_kwargs())
        run = self.run
        with run.lock:
            run.model = model
            run.in_model = settings
            run.data_version += 1
            run.groups = {g: GroupHistory(g) for g in GROUPS}
            self._record_groups()
            run.log = [
                f"built: {settings.title()}, seed {settings.seed}, {settings.n_workers:,} workers"
            ]
        self._publish()
        self.has_model.value = True

    def _record_groups(self) -> None:
        for history in self.run.groups.values():
            history.record(self.run.model)

    def _step_locked(self) -> None:
        with self.run.lock:
            self.run.model.step()
            self.run.data_version += 1
            self._record_groups()

    def _publish(self) -> Snapshot:
        run = self.run
        with run.lock:
            m = run.model
            self._version += 1
            snap = Snapshot(
                version=self._version,
                data_version=run.data_version,
                month=m.month,
                results=m.results_frame(),
                groups={g: h.view() for g, h in run.groups.items()},
                current=dict(m.current),
                start_year=m.params.start_year,
                scale=m.scale,
                n_workers=m.params.n_workers,
                settings=run.in_model,
                in_force=describe_policies(m),
                log=tuple(run.log),
                scheme=run.scheme,
            )
            images = run.charts.draw(snap, run.scheme, run.until)
            snap = dataclasses.replace(snap, images=images)
        self.snapshot.value = snap
        for listener in list(self._listeners):
            listener(snap)
        return snap

    def subscribe(self, listener: Callable[[Snapshot], None]) -> Callable[[], None]:
        """Call ``listener(snapshot)`` at every publish; returns the function that stops it."""
        return add_listener(self._listeners, listener)

    def subscribe_progress(self, listener: Callable[[float, str], None]) -> Callable[[], None]:
        """Call ``listener(fraction, text)`` as a play advances; returns the stop function.

        A play's progress goes to listeners (widgets updated in place), not to the
        reactive status: a status change re-renders the page's components.
        """
        return add_listener(self._progress_listeners, listener)

    def _progress(self, fraction: float, text: str) -> None:
        for listener in list(self._progress_listeners):
            listener(fraction, text)

    def _owned(self) -> bool:
        if self.run.owner is self:
            return True
        self.message.value = "This run was opened again in another page: reload this page."
        return False

    def reset(self, wait: bool = False) -> bool:
        """Rebuild the model at month 0 from the current settings (in the background)."""
        if not self._owned():
            return False
        self.runner.stop(wait=True)
        started = self.runner.start(BUILDING, lambda job: self._build())
        if wait:
            self.runner.wait()
        return started

    def _settle(self) -> None:
        """Let a model build that is under way finish (builds take about a second)."""
        if self.runner.busy and self.status.value.label == BUILDING:
            self.runner.wait(60)

    def _ready(self) -> bool:
        self._settle()
        if not self._owned():
            return False
        if self.model is None:
            self.message.value = "No model: fix the settings and press Reset."
            return False
        return True

    def step(self, months: int = 1) -> bool:
        """Advance ``months`` months now and redraw (the page waits: keep it short)."""
        if not self._ready():
            return False
        if self.runner.busy:
            self.message.value = "A run is in progress: pause it before stepping."
            return False
        if self.model.month + months > MAX_MONTHS:
            self.message.value = f"The dashboard runs at most {MAX_MONTHS} months."
            return False
        for _ in range(months):
            self._step_locked()
        self.message.value = ""
        self._publish()
        return True

    def play(
        self, until: int = DEFAULT_UNTIL, pace: str = DEFAULT_PACE, wait: bool = False
    ) -> bool:
        """Run in the background until month ``until``, publishing as it goes."""
        if not self._ready():
            return False
        if isinstance(until, bool) or not isinstance(until, int) or not 1 <= until <= MAX_MONTHS:
            self.message.value = f"run until month={until!r}: allowed 1 to {MAX_MONTHS}"
            return False
        if until <= self.model.month:
            self.message.value = (
                f"The run is already at month {self.model.month}; choose a later month "
                f"than {until} or press Reset."
            )
            return False
        delay = PACES.get(pace)
        if delay is None:
            self.message.value = f"pace={pace!r} is not one of {list(PACES)}"
            return False
        clock = time.monotonic()  # months are due from the click, not from the thread's start
        self.run.until = until
        first = self.model.month
        self._progress(0.0, f"month {first} of {until}")
        started = self.runner.start(
            f"running to month {until}", lambda job: self._play(job, first, until, delay, clock)
        )
        if wait:
            self.runner.wait()
        return started

    def _play(self, job: Job, first: int, until: int, delay: float, clock: float) -> None:
        """Step to ``until`` on a fixed clock: month ``n`` is due ``n x delay`` s after ``clock``.

        ``clock`` is when Play was pressed, so the time it takes to start the
        background job counts against the run, as the user experiences it.

        A month is drawn when the clock allows it; when drawing falls behind the
        clock (a slow machine or browser), months are stepped without drawing until
        the run is back on time, but never more than :data:`PUBLISH_SECONDS` x 5
        without a drawing. As fast as possible, drawings are at most every
        :data:`PUBLISH_SECONDS`. Progress goes to the progress listeners with
        each drawing, and at least every :data:`PROGRESS_SECONDS`.
        """
        began, drawn, reported = clock, time.monotonic(), time.monotonic()
        done = 0
        shown = self.model.month
        while self.model.month < until and not job.stopping:
            self._step_locked()
            done += 1
            month = self.model.month
            now = time.monotonic()
            if delay:
                behind = now > began + (done + 1) * delay  # the next month is already due
                draw = not behind or now - drawn >= 5 * PUBLISH_SECONDS
            else:
                draw = now - drawn >= PUBLISH_SECONDS
            if draw:
                self._publish()
                drawn, shown = now, month
            if draw or now - reported >= PROGRESS_SECONDS:
                self._progress((month - first) / (until - first), f"month {month} of {until}")
                reported = now
            if delay:
                wait = began + done * delay - time.monotonic()
                if wait > 0 and job.sleep(wait):
                    break
        if shown != self.model.month:
            self._publish()

    def pause(self) -> None:
        """Stop a running play (or build) and wait for it to finish its month."""
        self.runner.stop(wait=True)

    def close(self) -> None:
        """Stop background work (the page was closed)."""
        self.runner.stop(wait=False)

    # --- user changes -------------------------------------------------------------------
    def _apply(self, change: Any) -> Settings | None:
        try:
            return change()
        except ValueError as error:
            self.message.value = str(error)
            return None

    def choose_preset(self, name: str) -> bool:
        """Load a preset's parameters and levers, keeping seed and population; rebuild."""
        s = self.settings.value
        new = self._apply(lambda: from_preset(name, s.seed, s.n_workers))
        if new is None:
            return False
        self._choose(new)
        return self.reset()

    def set_param(self, name: str, value: Any) -> bool:
        """Set a parameter (or seed / n_workers; None = default) and rebuild at month 0."""
        new = self._apply(lambda: self.settings.value.with_param(name, value))
        if new is None:
            return False
        self._choose(new)
        return self.reset()

    def set_scheme(self, scheme: str) -> bool:
        """Show ``scheme`` in the by-industry and by-region charts."""
        if scheme not in SCHEMES:
            self.message.value = f"scheme={scheme!r}; allowed: {list(SCHEMES)}"
            return False
        self.run.scheme = scheme
        if self.model is not None:
            self._publish()
        return True

    def set_lever(self, lever: str, **changes: Any) -> bool:
        """Change a lever; on a running model it acts from the next month."""
        if not self._owned():
            return False
        new = self._apply(lambda: self.settings.value.with_lever(lever, **changes))
        if new is None:
            return False
        month = self.model.month if self.model is not None else 0
        setting = new.levers[lever]
        note = ""
        moves_past = {"strength", "start"} & set(changes)
        if month > 0 and moves_past and setting.start <= month:
            # The months already run cannot change: the new setting starts next month.
            new = self._apply(lambda: new.with_lever(lever, start=month + 1))
            if new is None:
                return False
            setting = new.levers[lever]
            note = " (the months already run cannot change)"
        self._choose(new)
        self.message.value = ""
        if self.model is None:
            return True
        year = self.model.params.start_year
        with self.run.lock:
            self.model.policies = new.policies()
            self.run.in_model = dataclasses.replace(self.run.in_model, levers=new.levers)
            label = lever_info(lever)["title"]
            self.run.log.append(
                f"month {fmt.month_text(month, year)}: {label} set to strength "
                f"{setting.strength:g}, acting from month "
                f"{fmt.month_text(setting.start, year)}{note}"
            )
        self._publish()
        return True

    # --- data for the other tabs -----------------------------------------------------------
    def frames(self):
        """Workers and firms of the current month (copies, taken under the lock)."""
        with self.run.lock:
            if self.model is None:
                raise ValueError("No model: fix the settings and press Reset.")
            return self.model.workers_frame(), self.model.firms_frame()

    def agents(self, scheme: str | None = None):
        """Workers, firms and the model's explanations now (see :mod:`dashboards.agents_data`)."""
        with self.run.lock:
            if self.model is None:
                raise ValueError("No model: fix the settings and press Reset.")
            return agents_data.explained(self.model, scheme)
