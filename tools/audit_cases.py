"""The bad inputs of the reliability audit (``tools/audit.py``): CLI argument lists and files.

Each CLI case is ``Case(label, argv, files, expect)``: ``files`` maps a file name to its
content (text or bytes), written into a fresh working folder before the command runs;
``expect`` is ``"error"`` (the command must refuse with exit 2 and a one-line message)
or ``"ok"`` (a control: valid input that must succeed). Runs are tiny (100 agents,
2 months) so that a wrongly accepted case finishes quickly.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field

TINY = ["-r", "1", "-m", "2", "-w", "100", "--no-progress"]


@dataclass(frozen=True)
class Case:
    """One command line with its input files and the expected outcome."""

    label: str
    argv: list[str]
    files: dict[str, str | bytes] = field(default_factory=dict)
    expect: str = "error"
    size: bool = False  # a size that must be refused before memory is allocated


def run(*extra: str, scenario: str = "baseline", out: str = "out") -> list[str]:
    """``uptake run SCENARIO`` with tiny sizes, ``extra`` options last (they win)."""
    return ["run", scenario, *TINY, "-o", out, *extra]


def _xlsx(rows: list[list], params: list[list] | None = None) -> bytes:
    import pandas as pd

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as xl:
        pd.DataFrame(rows[1:], columns=rows[0]).to_excel(xl, sheet_name="reforms", index=False)
        if params is not None:
            frame = pd.DataFrame(params[1:], columns=params[0])
            frame.to_excel(xl, sheet_name="params", index=False)
    return buffer.getvalue()


def _sweep(body: str, name: str = "s") -> str:
    return f'name = "{name}"\nreplications = 1\nmonths = 2\nworkers = 100\n' + body


LHS = 'design = "lhs"\nsamples = 2\n[parameters]\nturnover_per_year = [0.2, 0.4]\n'
REFORM = '[[reforms]]\nlever = "enforcement"\nstrength = 1.0\nstart = {start}\n'


def option_cases() -> list[Case]:
    """Bad numbers for every numeric option of ``uptake run``."""
    cases = []
    bad = ["0", "-1", "x", "1.5", "", "nan"]
    for opt in ("-r", "-m", "-w", "-s", "-j", "--chunk-size"):
        for value in bad:
            if opt == "-s" and value == "0":
                continue
            cases.append(Case(f"run {opt} {value!r}", run(opt, value)))
    return cases


def param_cases() -> list[Case]:
    """Bad ``-p NAME=VALUE`` overrides."""
    values = [
        "x",
        "=1",
        "turnover_per_year",
        "turnover_per_year=abc",
        "turnover_per_year=-5",
        "turnover_per_year=nan",
        "turnover_per_year=inf",
        "nosuch=1",
        "seed=3",
        "burn_in_months=-1",
        "turnover_per_year=[1]",
        "turnover_per_year='a'",
        "turnover_per_year=True",
        "turnover_per_year=None",
        "burn_in_months=1.5",
        "turnover_per_year=" + "-" * 100_000 + "1",
        "turnover_per_year=" + "(" * 5_000,
        "norm_trend_end_year=2000",
    ]
    return [Case(f"run -p {v[:40]!r}", run("-p", v)) for v in values]


def scenario_cases() -> list[Case]:
    """Bad scenario references and scenario files."""
    cases = [
        Case("run unknown preset", run(scenario="nosuch")),
        Case("run missing file", run(scenario="nosuch.toml")),
        Case("run .txt file", run(scenario="x.txt"), {"x.txt": "lever = 1\n"}),
        Case("run empty .toml", run(scenario="e.toml"), {"e.toml": ""}),
        Case("run header-only .csv", run(scenario="h.csv"), {"h.csv": "lever,start,strength\n"}),
        Case("run empty .csv", run(scenario="h.csv"), {"h.csv": ""}),
        Case("run bad TOML", run(scenario="b.toml"), {"b.toml": "name = \n"}),
        Case("run TOML unknown key", run(scenario="b.toml"), {"b.toml": "nme = 'x'\n"}),
        Case("run YAML list", run(scenario="b.yaml"), {"b.yaml": "- 1\n- 2\n"}),
        Case(
            "run YAML python tag",
            run(scenario="b.yaml"),
            {"b.yaml": "name: !!python/object/apply:os.system ['touch pwned']\n"},
        ),
        Case(
            "run TOML name ../x",
            run(scenario="b.toml"),
            {"b.toml": 'name = "../x"\n' + REFORM.format(start=1)},
        ),
        Case("run TOML params seed", run(scenario="b.toml"), {"b.toml": "[params]\nseed = 3\n"}),
        Case(
            "run TOML unknown param", run(scenario="b.toml"), {"b.toml": "[params]\nturnover = 3\n"}
        ),
        Case("run TOML extends nosuch", run(scenario="b.toml"), {"b.toml": 'extends = "nosuch"\n'}),
        Case("run bad .xlsx bytes", run(scenario="b.xlsx"), {"b.xlsx": b"PK\x03\x04garbage"}),
        Case("run text as .xlsx", run(scenario="b.xlsx"), {"b.xlsx": "lever,start\n"}),
        Case(
            "run .csv extra cells",
            run(scenario="c.csv"),
            {"c.csv": "lever,start,strength\nenforcement,13,0.5,9,9\n"},
        ),
        Case(
            "run .csv missing column",
            run(scenario="c.csv"),
            {"c.csv": "lever,start\nenforcement,1\n"},
        ),
        Case(
            "run .csv strength nan",
            run(scenario="c.csv"),
            {"c.csv": "lever,start,strength\nenforcement,1,nan\n"},
        ),
        Case(
            "run .csv cap on enforcement",
            run(scenario="c.csv"),
            {"c.csv": "lever,start,strength,cap\nenforcement,1,1,5\n"},
        ),
        Case(
            "run .csv unknown lever",
            run(scenario="c.csv"),
            {"c.csv": "lever,start,strength\nnosuch,1,1\n"},
        ),
        Case(
            "run .xlsx blank params row",
            run(scenario="p.xlsx"),
            {
                "p.xlsx": _xlsx(
                    [["lever", "start", "strength"], ["enforcement", 1, 1.0]],
                    [["name", "value"], ["turnover_per_year", 0.3], [None, None], ["nosuch", 1]],
                )
            },
        ),
        Case("run directory named .toml", run(scenario="d.toml"), {"d.toml/x": "a"}),
    ]
    for label, start in (("0", "0"), ("1.5", "1.5"), ("500 > months", "500"), ("1e20", "1e20")):
        cases.append(
            Case(
                f"run reform start {label}",
                run(scenario="r.toml"),
                {"r.toml": REFORM.format(start=start)},
            )
        )
    cases.append(
        Case(
            "run reform end < start",
            run(scenario="r.toml"),
            {"r.toml": REFORM.format(start=5) + "end = 3\n"},
        )
    )
    cases.append(
        Case(
            "run reform strength text",
            run(scenario="r.toml"),
            {"r.toml": REFORM.format(start=1).replace("1.0", '"x"')},
        )
    )
    return cases


def output_cases() -> list[Case]:
    """Output folders that cannot be used, and manifests that are not uptake manifests."""
    manifest = "out/manifest.json"
    return [
        Case("run -o /proc/x", run(out="/proc/uptake-audit")),
        Case("run -o FILE/sub", run(out="f/sub"), {"f": "a file"}),
        Case("run -o FILE", run(out="f"), {"f": "a file"}),
        Case("run -o ''", run(out="")),
        Case("run manifest []", run(), {manifest: "[]"}),
        Case("run manifest runs=5", run(), {manifest: json.dumps({"runs": 5})}),
        Case("run manifest null", run(), {manifest: "null"}),
        Case("run manifest not JSON", run(), {manifest: "{"}),
        Case(
            "run manifest experiment=3",
            run(),
            {manifest: json.dumps({"experiment": 3, "runs": {}})},
        ),
        Case("run manifest binary", run(), {manifest: b"\xff\xfe\x00"}),
    ]


def executor_cases() -> list[Case]:
    """Executor options."""
    return [
        Case("run -x nosuch", run("-x", "nosuch")),
        Case("run --scheduler 'not a url' -x dask", run("-x", "dask", "--scheduler", "not a url")),
        Case("run --scheduler without dask", run("--scheduler", "tcp://127.0.0.1:1")),
        Case("run --scheduler '' -x dask", run("-x", "dask", "--scheduler", "://")),
    ]


def compare_cases() -> list[Case]:
    """``uptake compare`` arguments."""
    base = ["compare", "baseline", "enforcement", *TINY, "-o", "out"]
    cases = [
        Case("compare one scenario", ["compare", "baseline", *TINY]),
        Case("compare same scenario twice", ["compare", "baseline", "baseline", *TINY]),
    ]
    for value in ("-1", "0", "x", "inf", "nan"):
        cases.append(
            Case(f"compare --cost-per-inspection {value}", [*base, "--cost-per-inspection", value])
        )
    return cases


def sweep_cases() -> list[Case]:
    """Bad sweep files."""
    cases = []

    def add(label: str, body: str, name: str = "s", size: bool = False, edit=("", "")):
        files = {"sw.toml": _sweep(body, name).replace(*edit) if edit[0] else _sweep(body, name)}
        cases.append(
            Case(f"sweep {label}", ["sweep", "sw.toml", "--no-progress"], files, size=size)
        )

    cases.append(Case("sweep missing file", ["sweep", "nosuch.toml"]))
    cases.append(Case("sweep .txt", ["sweep", "x.txt"], {"x.txt": "a"}))
    cases.append(Case("sweep empty", ["sweep", "e.toml"], {"e.toml": ""}))
    add("name ../../../../X", LHS, name="../../../../X")
    add("name /tmp/X", LHS, name="/tmp/uptake-audit-X")
    add("name empty", LHS, name="")
    add("lhs samples 2e8", LHS.replace("samples = 2", "samples = 200000000"), size=True)
    add(
        "factorial 2000 levels x 3",
        'design = "factorial"\nlevels = 2000\n[parameters]\nturnover_per_year = [0.2, 0.4]\n'
        "cost_sensitivity = [0.5, 1.5]\nrisk_targeting = [0.1, 0.5]\n",
        size=True,
    )
    add("samples 0", LHS.replace("samples = 2", "samples = 0"))
    add("design nosuch", LHS.replace('"lhs"', '"nosuch"'))
    add("sobol samples 3", LHS.replace('"lhs"', '"sobol"').replace("samples = 2", "samples = 3"))
    add(
        "factorial integer values 1.5 2.5",
        'design = "factorial"\n[parameters]\nburn_in_months = {values = [1.5, 2.5]}\n',
    )
    add("outcomes misspelt", 'outcomes = ["frac_coverd_pension"]\n' + LHS)
    add("unknown parameter", LHS.replace("turnover_per_year", "turnover"))
    add("range reversed", LHS.replace("[0.2, 0.4]", "[0.4, 0.2]"))
    add("range outside bounds", LHS.replace("[0.2, 0.4]", "[-5, 0.4]"))
    add("values in lhs", LHS.replace("[0.2, 0.4]", "{values = [0.2, 0.4]}"))
    add("lever unknown", 'design = "lhs"\nsamples = 2\n[levers]\nnosuch = [0, 1]\n')
    add(
        "lever start 500 > months",
        'design = "lhs"\nsamples = 2\n[levers]\nenforcement = {range = [0, 1], start = 500}\n',
    )
    add("workers 0", LHS, edit=("workers = 100", "workers = 0"))
    add("months text", LHS, edit=("months = 2", 'months = "x"'))
    add("params clash", LHS + "[params]\nturnover_per_year = 0.3\n")
    add("no factors", 'design = "lhs"\nsamples = 2\n')
    add("bad TOML", "design = \n")
    return cases


def report_cases() -> list[Case]:
    """``report``, ``export``, ``sensitivity`` on folders that are not results."""
    return [
        Case("report missing folder", ["report", "nosuch"]),
        Case("report empty folder", ["report", "d"], {"d/.keep": ""}),
        Case("report a file", ["report", "f"], {"f": "x"}),
        Case("report manifest not JSON", ["report", "d"], {"d/manifest.json": "{"}),
        Case("report manifest []", ["report", "d"], {"d/manifest.json": "[]"}),
        Case("export missing folder", ["export", "nosuch"]),
        Case("sensitivity missing folder", ["sensitivity", "nosuch"]),
        Case("sensitivity empty folder", ["sensitivity", "d"], {"d/.keep": ""}),
        Case("report --cost-per-inspection -1", ["report", "d", "--cost-per-inspection", "-1"]),
    ]


def misc_cases() -> list[Case]:
    """Other commands and top-level mistakes."""
    return [
        Case("no command", []),
        Case("unknown command", ["nosuch"]),
        Case("scenarios unknown preset", ["scenarios", "nosuch"]),
        Case(
            "scenarios --write /proc/x.toml", ["scenarios", "baseline", "--write", "/proc/x.toml"]
        ),
        Case("scenarios --write x.txt", ["scenarios", "baseline", "--write", "x.txt"]),
        Case("params --nosuch", ["params", "--nosuch"]),
        Case(
            "run -r 1e8",
            ["run", "baseline", "-r", "100000000", "-m", "2", "-w", "100", "-o", "o"],
            size=True,
        ),
        Case(
            "run -m 1e9",
            ["run", "baseline", "-r", "1", "-m", "1000000000", "-w", "100", "-o", "o"],
            size=True,
        ),
        Case("compare help 90%%", ["compare", "--help"], expect="help"),
    ]


def controls() -> list[Case]:
    """Valid inputs that must still work (the fixes must not refuse them)."""
    return [
        Case("control run baseline", run(), expect="ok"),
        Case(
            "control csv sheet",
            run(scenario="ok.csv"),
            {"ok.csv": "lever,start,strength\nenforcement,1,1\n"},
            expect="ok",
        ),
        Case(
            "control toml params only",
            run(scenario="ok.toml"),
            {"ok.toml": "[params]\nturnover_per_year = 0.3\n"},
            expect="ok",
        ),
        Case(
            "control sweep",
            ["sweep", "sw.toml", "--no-progress", "-o", "o"],
            {"sw.toml": _sweep(LHS)},
            expect="ok",
        ),
    ]


def all_cases() -> list[Case]:
    """Every CLI case of the audit."""
    return [
        *option_cases(),
        *param_cases(),
        *scenario_cases(),
        *output_cases(),
        *executor_cases(),
        *compare_cases(),
        *sweep_cases(),
        *report_cases(),
        *misc_cases(),
        *controls(),
    ]
