"""One browser session's state: settings, the model, its runner and published snapshots.

Each page render creates its own :class:`Session` (``solara.use_memo`` in
``dashboards/app.py``); nothing about a run lives at module level, so two browser
tabs never share a model. The model is touched only under the session's lock;
the user interface reads immutable :class:`Snapshot` objects published after steps.

Semantics: parameters, seed, population and preset rebuild the model at month 0;
levers take effect live from the next month (a lever change mid-run is logged).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass
from typing import Any

import pandas as pd
import solara

from dashboards.charts import PngCache
from dashboards.jobs import Job, Status
from dashboards.settings import Settings, from_preset
from model import UptakeModel

#: Breakdowns recorded every month for the by-group charts.
GROUPS = ("industry", "region")
#: Seconds between snapshots while playing (each snapshot redraws the charts).
PUBLISH_SECONDS = 0.5
#: Play speeds: label -> seconds between months (0 = as fast as possible).
PACES = {"2 months/s": 0.5, "10 months/s": 0.1, "as fast as possible": 0.0}
DEFAULT_PACE = "10 months/s"
DEFAULT_UNTIL = 120
MAX_MONTHS = 600
BUILDING = "building the model"


@dataclass(frozen=True, eq=False)
class Snapshot:
    """An immutable view of the run after some month (what the charts draw)."""

    version: int
    data_version: int  # changes only when the run's data change (build, step)
    month: int
    date: str
    results: pd.DataFrame
    groups: dict[str, pd.DataFrame]
    current: dict[str, float]
    start_year: int
    scale: float
    settings: Settings
    in_force: tuple[str, ...]
    log: tuple[str, ...]


def describe_policies(model: UptakeModel) -> tuple[str, ...]:
    """Human-readable list of the model's policies with their dates."""
    out = []
    for p in model.policies:
        end = f" to month {p.end}" if p.end is not None else ""
        out.append(f"{p.lever} = {p.strength:g} from month {p.start}{end}")
    return tuple(out)


class Session:
    """Everything one browser session needs to explore a run.

    Args:
        settings: starting settings (default: the baseline preset).
        build: build the model now, synchronously (fast for the default population).
    """

    def __init__(self, settings: Settings | None = None, build: bool = True) -> None:
        """Create the reactive values and, optionally, the first model."""
        self.settings = solara.Reactive(settings or from_preset("baseline"))
        self.snapshot = solara.Reactive(None)
        self.status = solara.Reactive(Status())
        self.message = solara.Reactive("")
        self.runner = Job(self.status, self.message)
        self.charts = PngCache()
        self.model: UptakeModel | None = None
        self._in_model = self.settings.value  # the settings the model runs with
        self._lock = threading.RLock()
        self._groups: dict[str, list[pd.DataFrame]] = {g: [] for g in GROUPS}
        self._log: list[str] = []
        self._version = 0
        self._data_version = 0
        self._published = 0  # data version of the last published snapshot
        self._shown = 0  # data version the page last drew
        if build:
            try:
                self._build()
            except ValueError as error:
                self.message.value = str(error)

    # --- model lifecycle --------------------------------------------------------------
    def _build(self) -> None:
        """Build the model from the current settings (month 0) and publish it."""
        settings = self.settings.value
        settings.validate()
        model = UptakeModel(settings.policies(), **settings.model_kwargs())
        with self._lock:
            self.model = model
            self._in_model = settings
            self._data_version += 1
            self._groups = {g: [] for g in GROUPS}
            self._record_groups()
            self._log = [
                f"built: {settings.label()}, seed {settings.seed}, {settings.n_workers:,} workers"
            ]
        self._publish()

    def _record_groups(self) -> None:
        for by in GROUPS:
            frame = self.model.breakdown(by)
            frame.insert(0, "month", self.model.month)
            self._groups[by].append(frame)

    def _step_locked(self) -> None:
        with self._lock:
            self.model.step()
            self._data_version += 1
            self._record_groups()

    def _publish(self) -> Snapshot:
        with self._lock:
            m = self.model
            self._version += 1
            snap = Snapshot(
                version=self._version,
                data_version=self._data_version,
                month=m.month,
                date=m.date(),
                results=m.results_frame(),
                groups={g: pd.concat(v, ignore_index=True) for g, v in self._groups.items()},
                current=dict(m.current),
                start_year=m.params.start_year,
                scale=m.scale,
                settings=self._in_model,
                in_force=describe_policies(m),
                log=tuple(self._log),
            )
        self._published = snap.data_version
        self.snapshot.value = snap
        return snap

    def reset(self, wait: bool = False) -> bool:
        """Rebuild the model at month 0 from the current settings (in the background)."""
        self.runner.stop(wait=True)
        started = self.runner.start(BUILDING, lambda job: self._build())
        if wait:
            self.runner.wait()
        return started

    def _settle(self) -> None:
        """Let a model build that is under way finish (builds take about a second)."""
        if self.runner.busy and self.status.value.label == BUILDING:
            self.runner.wait(60)

    def step(self, months: int = 1) -> bool:
        """Advance ``months`` months now (the page waits: keep it short)."""
        self._settle()
        if self.runner.busy:
            self.message.value = "A run is in progress: pause it before stepping."
            return False
        if self.model is None:
            self.message.value = "No model: fix the settings and press Reset."
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
        self._settle()
        if self.model is None:
            self.message.value = "No model: fix the settings and press Reset."
            return False
        if not isinstance(until, int) or not 1 <= until <= MAX_MONTHS:
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
        first = self.model.month
        started = self.runner.start(
            f"running to month {until}", lambda job: self._play(job, first, until, delay)
        )
        if wait:
            self.runner.wait()
        return started

    def _play(self, job: Job, first: int, until: int, delay: float) -> None:
        """Step to ``until``; publish only once the page has drawn the last snapshot.

        Drawing seven charts can take longer than a month of simulation, so without
        this back-pressure a fast run would queue redraws and the page would lag
        ever further behind (and stop answering clicks).
        """
        last = time.monotonic()
        while self.model.month < until and not job.stopping:
            self._step_locked()
            month = self.model.month
            if time.monotonic() - last >= PUBLISH_SECONDS:
                job.report((month - first) / (until - first), f"month {month} of {until}")
                if self._shown >= self._published:
                    self._publish()
                last = time.monotonic()
            if delay and job.sleep(delay):
                break
        self._publish()

    def mark_shown(self, data_version: int) -> None:
        """The page has drawn the snapshot with ``data_version`` (see :meth:`_play`)."""
        self._shown = max(self._shown, data_version)

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
        self.settings.value = new
        return self.reset()

    def set_param(self, name: str, value: Any) -> bool:
        """Set a parameter (or seed / n_workers; None = default) and rebuild at month 0."""
        new = self._apply(lambda: self.settings.value.with_param(name, value))
        if new is None:
            return False
        self.settings.value = new
        return self.reset()

    def set_lever(self, lever: str, **changes: Any) -> bool:
        """Change a lever; it acts on the running model from the next month."""
        new = self._apply(lambda: self.settings.value.with_lever(lever, **changes))
        if new is None:
            return False
        self.settings.value = new
        self.message.value = ""
        if self.model is None:
            return True
        with self._lock:
            self.model.policies = new.policies()
            self._in_model = dataclasses.replace(self._in_model, levers=new.levers)
            setting = new.levers[lever]
            self._log.append(
                f"month {self.model.month}: {lever} set to strength {setting.strength:g} "
                f"from month {setting.start} (acts from month "
                f"{max(setting.start, self.model.month + 1)})"
            )
        self._publish()
        return True

    # --- data for the other tabs -----------------------------------------------------------
    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Workers and firms of the current month (copies, taken under the lock)."""
        with self._lock:
            if self.model is None:
                raise ValueError("No model: fix the settings and press Reset.")
            return self.model.workers_frame(), self.model.firms_frame()

    def manifest(self) -> dict[str, Any]:
        """A self-describing record of the current run for downloads."""
        snap = self.snapshot.value
        if snap is None:
            raise ValueError("No run yet.")
        s = snap.settings
        with self._lock:
            params = self.model.params.to_dict() if self.model is not None else {}
            policies = [p.to_dict() for p in self.model.policies] if self.model else []
        return {
            "source": "uptake dashboard",
            "preset": s.preset,
            "label": s.label(),
            "seed": s.seed,
            "n_workers": s.n_workers,
            "months": snap.month,
            "date": snap.date,
            "parameter_overrides": dict(s.params),
            "parameters": params,
            "policies": policies,
            "log": list(snap.log),
            "settings_levers": {k: dataclasses.asdict(v) for k, v in s.levers.items()},
        }
