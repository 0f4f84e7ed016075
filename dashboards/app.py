"""The Uptake dashboard: ``solara run dashboards/app.py`` (or ``make dashboard``).

Every page renders its own :func:`Page`, which opens its browser session's run
(:func:`dashboards.sessions.open_session`: kept on the server, so a reload finds
it again) and a :class:`~dashboards.compare.Comparer`; nothing is shared between
browser sessions. Charts are
matplotlib images and Solara serves its front-end from ``solara-assets``, so the
app works with no internet.
"""

from __future__ import annotations

import solara
import solara.lab
import solara.server.settings

from dashboards.agents import LookInside
from dashboards.compare import Compare, Comparer
from dashboards.explore import Explore
from dashboards.results import Results
from dashboards.sessions import open_session
from dashboards.ui import Caption, Heading

TITLE = "Uptake: social insurance of migrant workers"
LOOK_INSIDE, RESULTS = 2, 3  # tab indices

# No phone-home from the server on closed networks (``make dashboard`` also sets
# SOLARA_TELEMETRY_MIXPANEL_ENABLE=False and --no-check-version before start-up).
solara.server.settings.telemetry.mixpanel_enable = False
# Solara's "runs on Solara" banner floats over the bottom of the page and hid the last
# chart; the credit is in the page's own footer instead (``make dashboard`` and
# ``dashboards.serve`` also set SOLARA_THEME_SHOW_BANNER=False before start-up).
solara.server.settings.theme.show_banner = False


@solara.component
def Page():
    """The app: Explore, Compare, Look inside and Results tabs."""
    session = solara.use_memo(open_session, [])
    comparer = solara.use_memo(lambda: Comparer(session), [session])
    tab = solara.use_reactive(0)

    def stop_on_close():
        def cleanup():
            session.close()
            comparer.close()

        return cleanup

    solara.use_effect(stop_on_close, [])
    solara.Title(TITLE)
    with solara.Column(style={"padding": "8px 8px 32px 8px"}):
        Heading(TITLE)
        Caption(
            "Agent-based model (Mesa) of coverage, breaks and disputes under policy reforms; "
            "counts are real persons (agents x scale, see the note under the headline), "
            "shares in %, money in yuan."
        )
        # Not lazy: switching tabs must not rebuild a tab (and its charts) during a run.
        with solara.lab.Tabs(value=tab):
            with solara.lab.Tab("Explore", icon_name="mdi-chart-line"):
                Explore(session)
            with solara.lab.Tab("Compare", icon_name="mdi-compare"):
                Compare(comparer)
            with solara.lab.Tab("Look inside", icon_name="mdi-account-search"):
                LookInside(session, active=tab.value == LOOK_INSIDE)
            with solara.lab.Tab("Results", icon_name="mdi-download"):
                Results(session, comparer, active=tab.value == RESULTS)
        Caption("Built with Mesa and Solara; runs on this machine, offline.", ["uptake-footer"])
