"""The capstone class debrief: where the class's policies sit, how they rank, and how the fixed
styles compare.

``make debrief SUBMISSIONS=folder`` grades the folder if it has not been graded since the last
submission arrived (students' code runs only in the grader's time-limited worker processes, never
here), then runs ``instructor/debrief.md`` on the results and writes ``debrief.ipynb`` and
``debrief.html`` beside the grades. ``make debrief`` on its own refreshes the example: it grades
the made-up class of ``instructor/example_class.py``, keeps its results in
``instructor/example_results/`` and re-runs ``instructor/debrief.ipynb`` on them.

The charts are static Altair charts drawn to PNG with vl-convert (no JavaScript, no network), so
they show in JupyterLab, in the HTML export and on a projector alike. Names are replaced by
stable codes unless ``show_names=True``: a debrief projected in class should not show who
scored what.
"""

from __future__ import annotations

import argparse
import hmac
import math
import os
import secrets
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from teamsim.analysis.measures import CAPSTONE_SCENARIOS, capstone_year, style_grid
from teamsim.charts import STYLE_COLOURS, layered
from teamsim.instructor.gradebook import NO_SUBMISSION, NOT_ATTEMPTED, STUDENT_COLUMNS
from teamsim.instructor.grading import (
    CAPSTONE,
    ROOT,
    default_out,
    grade_folder,
    write_results,
)
from teamsim.instructor.kernels import kernel_manager_class
from teamsim.model import STYLES, Policy, Scenario, Style, navigator

INSTRUCTOR = ROOT / "instructor"
EXAMPLE_RESULTS = INSTRUCTOR / "example_results"
EXAMPLE_ROSTER = INSTRUCTOR / "example_roster.csv"
EXAMPLE_TITLE = "Capstone (part 6)"
SHARED_SCENARIOS = CAPSTONE_SCENARIOS
SCENARIO_LABELS = {name: Scenario.LABELS[name].capitalize() for name in SHARED_SCENARIOS}
CLASS_COLOUR = "#E69F00"
REFERENCES = [*STYLES, "Navigator"]
SALT_FILE = "debrief_salt.txt"
"""The class's secret, in its results folder: created once, so codes stay the same from one
debrief to the next, and never committed (``.gitignore`` says so; only the made-up example's
is)."""
CODE_LENGTH = 6
"""Hex digits of a code: with 300 students, two codes of 6 digits coincide with a chance of
about 1 in 370; :func:`codes_for` then makes them all longer."""
LONGEST_CODE = 16
RESULTS_LINE = 'RESULTS = Path("example_results")'
"""The line of debrief.md that :func:`execute` replaces with the results folder's path."""


@dataclass
class ClassResults:
    """A graded capstone class: grades, and each policy's figures on the shared scenarios."""

    grades: pd.DataFrame
    policies: pd.DataFrame
    weeks: pd.DataFrame

    def overview(self) -> pd.DataFrame:
        """Counts only (no names): what came in and what could be used."""
        status = self.grades["status"]
        rows = {
            "submissions": len(self.grades),
            "graded without a problem": int((status == "ok").sum()),
            "graded, with a problem noted": int(status.str.startswith("graded, but").sum()),
            "handed in untouched (not attempted)": int((status == NOT_ATTEMPTED).sum()),
            "not graded (not a usable notebook)": int(status.str.startswith("not graded").sum()),
            "policies on the map": int(self.policies["student"].nunique()),
            "median grade (%)": f"{self.grades['percentage'].median():.0f}",
        }
        return pd.Series({k: str(v) for k, v in rows.items()}, name="").to_frame()


def class_salt(results: Path) -> str:
    """The class's secret salt, read from the results folder, or made there the first time."""
    path = Path(results) / SALT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as out:  # "x": never replaces an existing one
            out.write(secrets.token_hex(16) + "\n")
    except FileExistsError:
        pass
    salt = path.read_text("utf-8").strip()
    if len(salt) < 16:
        raise ValueError(f"{path} holds no usable salt; delete it to make a new one (the "
                         "class's codes will change)")
    return salt


def code_for(name: str, salt: str, length: int = CODE_LENGTH) -> str:
    """A student's code: a keyed hash (HMAC-SHA256) of the name with the class's salt, so the
    same name gets the same code within a class, and a roster alone does not give the codes."""
    digest = hmac.new(salt.encode(), name.encode(), "sha256").hexdigest()
    return "P-" + digest[:length].upper()


def codes_for(names: Sequence[str], salt: str, length: int = CODE_LENGTH,
              longest: int = LONGEST_CODE) -> dict[str, str]:
    """A distinct code per distinct name: if two names get the same code, every code gets two
    more digits, until they differ; :class:`ValueError` past ``longest`` digits."""
    distinct = sorted(set(names))
    while length <= longest:
        codes = {name: code_for(name, salt, length) for name in distinct}
        if len(set(codes.values())) == len(distinct):
            return codes
        length += 2
    raise ValueError(f"two of {len(distinct)} names get the same {longest}-digit code: are "
                     "two names the same once folded?")


def load(results: Path, show_names: bool = False) -> ClassResults:
    """Read ``grades.csv``, ``policies.csv`` and ``policy_weeks.csv`` from a results folder.
    Rows of roster students who handed in nothing are left out (the grades list them)."""
    results = Path(results)
    missing = [f for f in ("grades.csv", "policies.csv", "policy_weeks.csv")
               if not (results / f).is_file()]
    if missing:
        raise FileNotFoundError(f"{results} has no {', '.join(missing)}: grade the capstone "
                                "first (make debrief SUBMISSIONS=folder does both)")
    grades = pd.read_csv(results / "grades.csv", encoding="utf-8-sig",
                         dtype={"submission": str}, keep_default_na=False,
                         na_values={"percentage": [""]})
    grades = grades[(grades["status"] != NO_SUBMISSION) & (grades["submission"] != "")].drop(
        columns=[c for c in STUDENT_COLUMNS if c in grades])  # roster names stay out
    policies = pd.read_csv(results / "policies.csv", dtype={"submission": str})
    weeks = pd.read_csv(results / "policy_weeks.csv", dtype={"submission": str})
    stems = sorted({Path(n).stem for n in grades["submission"]})
    codes = {} if show_names else codes_for(stems, class_salt(results))

    def student(name: str) -> str:
        stem = Path(str(name)).stem
        return stem if show_names else codes[stem]

    for frame in (grades, policies, weeks):
        frame.insert(0, "student", frame["submission"].map(student))
    return ClassResults(grades.reset_index(drop=True), policies, weeks)


def code_list(results: Path) -> pd.DataFrame:
    """Each submission's code, for the instructor's eyes (to tell students theirs)."""
    named, coded = load(results, show_names=True), load(results)
    return pd.DataFrame({"submission": named.grades["submission"],
                         "code": coded.grades["student"]})


def references() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The fixed named styles and the Navigator on the shared scenarios, with the grader's
    runs and seed: (figures per manager and scenario, the Navigator's style week by week)."""
    rows, weeks = [], pd.DataFrame()
    managers: list[tuple[str, Style | Policy]] = [*STYLES.items(), ("Navigator", navigator)]
    for name, manager in managers:
        year, levers = capstone_year(manager)
        rows += [{"manager": name, **row} for row in year]
        if name == "Navigator":
            weeks = levers.assign(student="Navigator")
    return pd.DataFrame(rows), weeks


def landscape() -> pd.DataFrame:
    """Year revenue of every fixed style on a 0.1 grid, default scenario (the workbook's map)."""
    return style_grid(Scenario.default())


def against_coach(policies: pd.DataFrame, refs: pd.DataFrame) -> pd.DataFrame:
    """Each policy's revenue as a share of the Coach's on the same scenario."""
    coach = refs[refs["manager"] == "Coach"].set_index("scenario")["revenue"]
    return policies.assign(vs_coach=policies["revenue"] / policies["scenario"].map(coach))


def rank(score: pd.Series) -> pd.Series:
    """Ranks, best (highest) first; equal scores share the better rank (1, 2, 2, 4). The one
    rank function of the debrief: the table, the bars and the map's labels all use it."""
    return score.round(9).rank(method="min", ascending=False).astype(int)


def scores(results: ClassResults, refs: pd.DataFrame) -> pd.DataFrame:
    """One row per policy of the class, best first: its mean share of the Coach's year revenue
    over the shared scenarios (``vs_coach``) and its ``rank``; ties in name order."""
    shares = against_coach(results.policies, refs).groupby("student", as_index=False)[
        "vs_coach"].mean()
    shares["rank"] = rank(shares["vs_coach"])
    return shares.sort_values(["rank", "student"]).reset_index(drop=True)


def leaderboard(results: ClassResults, refs: pd.DataFrame) -> pd.DataFrame:
    """One row per policy, best first: year revenue per scenario and the mean share of the
    Coach's; the Navigator and the fixed styles are listed among them, without a rank. No
    grades: this table goes on the projector."""
    mine = against_coach(results.policies.rename(columns={"student": "manager"}), refs)
    theirs = against_coach(refs, refs)
    table = pd.concat([mine.assign(kind="student"), theirs.assign(kind="reference")])
    wide = table.pivot_table(index=["manager", "kind"], columns="scenario", values="revenue")
    wide = wide[list(SHARED_SCENARIOS)].round(0)
    wide["vs the Coach"] = table.groupby(["manager", "kind"])["vs_coach"].mean()
    wide.columns.name = None
    board = wide.reset_index()
    ranks = scores(results, refs).set_index("student")["rank"]
    board.insert(0, "rank", board["manager"].map(ranks).where(board["kind"] == "student"))
    board["rank"] = board["rank"].astype("Int64")
    board = board.sort_values(["vs the Coach", "rank", "manager"],
                              ascending=[False, True, True], na_position="last")
    board["vs the Coach"] = (100 * board["vs the Coach"]).round(1)
    return board.drop(columns="kind").rename(columns={"manager": "policy"}).reset_index(
        drop=True)


def trace_keys(results: ClassResults) -> dict[str, tuple]:
    """What a policy did, to compare policies: its style week by week on the default year and
    its year figures on each shared scenario (rounded as the grader writes them)."""
    keys = {}
    figures = ["revenue", "attrition", "at_quota", "exhaustion"]
    for student, weeks in results.weeks.groupby("student"):
        path = tuple(weeks.sort_values("week")[["control", "inspiration"]].round(3)
                     .itertuples(index=False, name=None))
        summary = results.policies[results.policies["student"] == student].sort_values(
            "scenario")[figures].round(1)
        keys[str(student)] = (path, tuple(summary.itertuples(index=False, name=None)))
    return keys


def same_path(path: tuple, weeks: pd.DataFrame) -> bool:
    """True if a policy's weekly path (from :func:`trace_keys`) is that of ``weeks`` (the
    Navigator's, computed here at full precision) to the grader's four decimals."""
    theirs = weeks.sort_values("week")[["control", "inspiration"]].to_numpy(dtype=float)
    mine = np.array(path, dtype=float)
    return mine.shape == theirs.shape and bool(np.allclose(mine, theirs, rtol=0, atol=1.5e-3))


def copies(results: ClassResults, refs_weeks: pd.DataFrame | None = None) -> pd.DataFrame:
    """Policies that did exactly the same thing as another: the same style every week of the
    default year and the same year figures on every scenario (copied code, or one idea written
    twice). One row per group: its policies and, if it is the course's Navigator, that name."""
    keys = trace_keys(results)
    groups: dict[tuple, list[str]] = {}
    for student, key in keys.items():
        groups.setdefault(key, []).append(student)
    rows = []
    for key, members in groups.items():
        same_as_navigator = refs_weeks is not None and same_path(key[0], refs_weeks)
        if len(members) > 1 or same_as_navigator:
            rows.append({"policies": ", ".join(sorted(members)), "count": len(members),
                         "same as": "the Navigator (the course's example)" if same_as_navigator
                         else ""})
    return pd.DataFrame(rows, columns=["policies", "count", "same as"]).sort_values(
        ["count", "policies"], ascending=[False, True]).reset_index(drop=True)


# -- charts ------------------------------------------------------------------------------------
def _reference_colours() -> alt.Scale:
    return alt.Scale(domain=REFERENCES, range=[STYLE_COLOURS[n] for n in REFERENCES])


LABEL_PLACES = {"Coach": (0.04, -0.07, "left"), "Navigator": (-0.04, 0.08, "right")}
"""Where the names of the references that sit among the class's dots go (dx, dy, align)."""


def halo_text(chart: alt.Chart, **encoding: Any) -> alt.LayerChart:
    """Text with a white outline under it, readable on any background."""
    mark = {k: v for k, v in chart.mark.to_dict().items() if k != "type"}
    return layered(chart.mark_text(**{**mark, "stroke": "white", "strokeWidth": 4,
                                      "strokeJoin": "round"}).encode(**encoding),
                   chart.encode(**encoding))


def class_map(results: ClassResults, refs: pd.DataFrame, land: pd.DataFrame,
              label_top: int = 3, size: int = 380) -> alt.LayerChart:
    """The control x inspiration square: every fixed style's year revenue as the background,
    the named styles and the Navigator as labelled diamonds, and each policy of the class as a
    dot at its average control and inspiration over the default year; the policies ranked in
    the top ``label_top`` are numbered with their leaderboard rank (policies at the same spot
    share a label)."""
    ranks = scores(results, refs).set_index("student")["rank"]
    mine = results.policies[results.policies["scenario"] == "default"].copy()
    mine["rank"] = mine["student"].map(ranks)
    mine = mine.sort_values(["rank", "student"]).reset_index(drop=True)
    spots = mine[mine["rank"] <= label_top].assign(x=lambda f: f["control"].round(2),
                                        y=lambda f: f["inspiration"].round(2))
    ranks = spots.groupby(["x", "y"], as_index=False).agg(
        control=("control", "mean"), inspiration=("inspiration", "mean"),
        label=("rank", lambda r: "#" + ", ".join(str(i) for i in sorted(set(r)))))
    named = refs[refs["scenario"] == "default"].copy()
    place = named["manager"].map(lambda m: LABEL_PLACES.get(m, (0.035, 0.045, "left")))
    named["lx"] = named["control"] + place.map(lambda p: p[0])
    named["ly"] = named["inspiration"] + place.map(lambda p: p[1])
    named["align"] = place.map(lambda p: p[2])
    domain = alt.Scale(domain=[-0.05, 1.05], nice=False)
    axis = {"x": alt.X("control:Q", title="Control (mean over the year)", scale=domain),
            "y": alt.Y("inspiration:Q", title="Inspiration (mean over the year)", scale=domain)}
    heat = alt.Chart(land).transform_calculate(
        x0="datum.control - 0.05", x1="datum.control + 0.05",
        y0="datum.inspiration - 0.05", y1="datum.inspiration + 0.05").mark_rect().encode(
        x=alt.X("x0:Q", title="Control (mean over the year)", scale=domain), x2="x1:Q",
        y=alt.Y("y0:Q", title="Inspiration (mean over the year)", scale=domain), y2="y1:Q",
        color=alt.Color("revenue:Q", title=["Fixed style's", "year revenue ($k)"],
                        scale=alt.Scale(range=["#fafafa", "#7a7a7a"]),
                        legend=alt.Legend(format=",.0f")))
    styles = alt.Chart(named).mark_point(shape="diamond", size=220, filled=True, opacity=1,
                                         stroke="white", strokeWidth=1.5).encode(
        **axis, color=alt.Color("manager:N", title="Reference", scale=_reference_colours()))
    names = []
    for align in ("left", "right"):
        subset = named[named["align"] == align]
        text = alt.Chart(subset).mark_text(align=align, baseline="middle", fontSize=12,
                                           fontWeight="bold")
        names.append(halo_text(text, x="lx:Q", y="ly:Q", text="manager:N",
                               color=alt.Color("manager:N", scale=_reference_colours(),
                                               legend=None)))
    dots = alt.Chart(mine).mark_circle(size=110, color=CLASS_COLOUR, opacity=0.95,
                                       stroke="black", strokeWidth=1).encode(**axis)
    top = halo_text(alt.Chart(ranks).mark_text(align="left", dx=9, dy=2, fontSize=11,
                                               color="black"), **axis, text="label:N")
    return layered(heat, styles, *names, dots, top).properties(
        width=size, height=size,
        description="The style map: revenue of every fixed style in grey, the named styles and "
                    "the Navigator as diamonds, the class's policies as orange dots")


def leaderboard_chart(results: ClassResults, refs: pd.DataFrame, width: int = 420
                      ) -> alt.LayerChart:
    """Bars in the leaderboard's order: each policy's year revenue as a share of the Coach's
    (mean of the three shared scenarios), labelled with its rank as in the table, the class in
    orange, the named styles and the Navigator in their own colours among them; a rule marks
    the Coach."""
    board = leaderboard(results, refs)
    student = board["rank"].notna()
    board = pd.DataFrame({
        "manager": board["policy"],
        "label": [f"#{r} {p}" if s else p for r, p, s in zip(board["rank"], board["policy"],
                                                               student)],
        "rank": board["rank"].astype("float"),
        "vs_coach": board["vs the Coach"] / 100,
        "group": board["policy"].where(~student, "Class policy")})
    colours = alt.Scale(domain=["Class policy", *REFERENCES],
                        range=[CLASS_COLOUR, *(STYLE_COLOURS[n] for n in REFERENCES)])
    height = max(160, 20 * len(board))
    bars = alt.Chart(board).mark_bar().encode(
        y=alt.Y("label:N", sort=board["label"].tolist(), title=None),
        x=alt.X("vs_coach:Q", title="Year revenue, share of the Coach's (mean of 3 scenarios)",
                axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1.2])),
        color=alt.Color("group:N", title=None, scale=colours))
    coach = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(strokeDash=[4, 3], color="black"
                                                            ).encode(x="x:Q")
    return layered(bars, coach).properties(
        width=width, height=height,
        description="Bars of each policy's year revenue as a share of the Coach's, best first "
                    "with its rank, with the named styles and the Navigator among them")


def scenario_chart(results: ClassResults, refs: pd.DataFrame, width: int = 460
                   ) -> alt.LayerChart:
    """One row per shared scenario: the class's policies as dots and the named styles and the
    Navigator as coloured diamonds, by year revenue as a share of the Coach's."""
    mine = against_coach(results.policies, refs).assign(
        label=lambda f: f["scenario"].map(SCENARIO_LABELS))
    named = against_coach(refs, refs).assign(label=lambda f: f["scenario"].map(SCENARIO_LABELS))
    rows = [SCENARIO_LABELS[s] for s in SHARED_SCENARIOS]
    y = alt.Y("label:N", sort=rows, title=None)
    x = alt.X("vs_coach:Q", title="Year revenue, share of the Coach's",
              axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0.2, 1.2]))
    dots = alt.Chart(mine).mark_circle(size=90, color=CLASS_COLOUR, stroke="black",
                                       strokeWidth=0.8, opacity=0.8).encode(
        x=x, y=alt.Y("label:N", sort=rows, title=None,
                     axis=alt.Axis(labelLimit=260)), yOffset=alt.value(6))
    marks = alt.Chart(named).mark_point(shape="diamond", filled=True, size=200, opacity=1,
                                        stroke="white").encode(
        x=x, y=y, yOffset=alt.value(-8),
        color=alt.Color("manager:N", title="Reference", scale=_reference_colours()))
    return layered(dots, marks).properties(
        width=width, height=70 * len(rows),
        description="For each shared scenario, the class's policies (orange dots) and the "
                    "named styles and the Navigator (diamonds) by revenue against the Coach")


def best_distinct(results: ClassResults, refs: pd.DataFrame, refs_weeks: pd.DataFrame,
                  top: int = 3) -> list[str]:
    """Up to ``top`` policies for :func:`paths_chart`, best first, chosen only among the best:
    ranked in the top third of the class (or the top ``top``) and no worse than the median.
    A policy that did the same as a better one, or as the Navigator, is left out (it would
    draw the same lines), so there may be fewer than ``top``."""
    ranked = scores(results, refs)
    cut = max(top, math.ceil(len(ranked) / 3))
    among = ranked[(ranked["rank"] <= cut) & (ranked["vs_coach"] >= ranked["vs_coach"].median())]
    keys = trace_keys(results)
    chosen: list[str] = []
    for student in among["student"]:
        key = keys.get(student)
        if key is None or same_path(key[0], refs_weeks):
            continue
        if any(keys[c] == key for c in chosen):
            continue
        chosen.append(student)
        if len(chosen) == top:
            break
    return chosen


def paths_chart(results: ClassResults, refs: pd.DataFrame, refs_weeks: pd.DataFrame,
                top: int = 3, width: int = 420) -> alt.VConcatChart:
    """Control and inspiration week by week (default scenario, mean over runs) for the best
    distinct policies of the class (:func:`best_distinct`), with the Navigator dashed and the
    market shock shaded."""
    names = best_distinct(results, refs, refs_weeks, top)
    weeks = pd.concat([results.weeks[results.weeks["student"].isin(names)],
                       refs_weeks[["student", "week", "control", "inspiration"]]])
    shock = Scenario.default()
    if shock.shock_end is None:
        raise ValueError("paths_chart shades the default scenario's shock, and it has none")
    band = pd.DataFrame({"start": [shock.shock_start - 0.5], "end": [shock.shock_end + 0.5]})
    palette = ["#0072B2", "#D55E00", "#CC79A7", "#56B4E9"][:len(names)]
    colours = alt.Scale(domain=[*names, "Navigator"], range=[*palette, STYLE_COLOURS["Navigator"]])
    panels = []
    for lever in ("control", "inspiration"):
        shade = alt.Chart(band).mark_rect(color="#eeeeee").encode(x="start:Q", x2="end:Q")
        lines = alt.Chart(weeks).mark_line(strokeWidth=2, interpolate="step-after").encode(
            x=alt.X("week:Q", title="Week", scale=alt.Scale(domain=[1, shock.weeks], nice=False)),
            y=alt.Y(f"{lever}:Q", title=lever.capitalize(), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("student:N", title="Policy", scale=colours),
            strokeDash=alt.condition(alt.datum.student == "Navigator", alt.value([5, 3]),
                                     alt.value([1, 0])))
        panels.append(layered(shade, lines).properties(width=width, height=120))
    return alt.vconcat(*panels).properties(
        description="Control and inspiration week by week for the top policies and the "
                    "Navigator on the default year; the market shock is shaded")


# -- making the debrief ------------------------------------------------------------------------
OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""
"""nbconvert's JupyterLab page without the scripts it loads from a CDN (require.js, MathJax,
Mermaid, the widget manager): the debrief has no widgets, no maths and no diagrams, and its
charts are PNGs, so the page works offline, on a projector's laptop without network."""


def html_export(nb: Any) -> str:
    """The executed debrief as a single HTML page that loads nothing from the network."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", template_file="debrief_offline.html.j2",
                            extra_loaders=[DictLoader({"debrief_offline.html.j2":
                                                       OFFLINE_TEMPLATE})],
                            embed_images=True)
    body, _ = exporter.from_notebook_node(nb)
    return body


def with_results(nb: Any, results: Path) -> None:
    """Write the results folder's absolute path into the notebook's first code cell, so that
    the notebook re-runs on the same class wherever it is opened (with SHOW_NAMES = True, say)."""
    cell = next(c for c in nb.cells if c.cell_type == "code")
    if RESULTS_LINE not in cell.source:
        raise ValueError(f"instructor/debrief.md's first code cell has no line {RESULTS_LINE!r}")
    cell.source = cell.source.replace(RESULTS_LINE,
                                      f"RESULTS = Path({str(Path(results).resolve())!r})")


def execute(results: Path | None, target: Path, html: bool = False) -> Path:
    """Run ``instructor/debrief.md`` on a results folder (None: the example's) and write the
    executed notebook (and, with ``html``, an offline HTML page beside it)."""
    import jupytext
    import nbformat
    from nbclient import NotebookClient

    nb = jupytext.read(INSTRUCTOR / "debrief.md")
    if results is not None:
        with_results(nb, results)
        class_salt(Path(results))
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    target.parent.mkdir(parents=True, exist_ok=True)
    cwd = INSTRUCTOR if results is None else target.parent.resolve()
    with tempfile.TemporaryDirectory(prefix="kernel-") as sockets:
        NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                       store_widget_state=False,
                       kernel_manager_class=kernel_manager_class(Path(sockets)),
                       resources={"metadata": {"path": str(cwd)}}).execute()
    for i, cell in enumerate(nb.cells):
        cell.id = f"debrief-{i:03d}"
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                raise SystemExit(f"debrief cell {i} wrote to stderr:\n{output.get('text')}")
    nb.metadata.pop("widgets", None)
    nb.metadata["debrief"] = {"source": "instructor/debrief.md",
                              "generated_by": "python -m teamsim.instructor.debrief (make debrief)"}
    nbformat.write(nb, target)
    if html:
        target.with_suffix(".html").write_text(html_export(nb), "utf-8")
    return target


def graded_since(folder: Path, out: Path) -> bool:
    """True if ``out`` holds capstone results newer than every file of ``folder``."""
    policies = out / "policies.csv"
    if not policies.is_file():
        return False
    newest = max((p.stat().st_mtime for p in Path(folder).rglob("*") if p.is_file()),
                 default=0.0)
    return policies.stat().st_mtime >= newest


def example(cell_timeout: float = 60.0) -> None:
    """Grade the made-up class and refresh ``instructor/example_results`` and the notebook."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("example_class",
                                                  INSTRUCTOR / "example_class.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {INSTRUCTOR / 'example_class.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with tempfile.TemporaryDirectory(prefix="debrief-") as tmp:
        folder = Path(tmp) / "class"
        module.write(folder)
        bundle, rows = grade_folder(folder, CAPSTONE, cell_timeout=cell_timeout)
        with tempfile.TemporaryDirectory(prefix="debrief-out-") as out:
            paths = write_results(bundle, rows, Path(out), folder=folder, roster=EXAMPLE_ROSTER,
                                  title=EXAMPLE_TITLE)
            EXAMPLE_RESULTS.mkdir(parents=True, exist_ok=True)
            for kind in ("grades", "policies", "policy_weeks", "canvas", "moodle", "report"):
                (EXAMPLE_RESULTS / paths[kind].name).write_bytes(paths[kind].read_bytes())
    target = execute(None, INSTRUCTOR / "debrief.ipynb")
    print(f"wrote {EXAMPLE_RESULTS.relative_to(ROOT)}/ and {target.relative_to(ROOT)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m teamsim.instructor.debrief", description=(
        "Run the capstone class debrief on a folder of submissions (graded first if needed); "
        "with no folder, refresh the example in instructor/."))
    parser.add_argument("submissions", nargs="?", type=Path)
    parser.add_argument("--out", type=Path, help="results folder (default: SUBMISSIONS-grades)")
    parser.add_argument("--regrade", action="store_true", help="grade again even if the "
                        "results are newer than every submission")
    parser.add_argument("--roster", type=Path, help="class list, as for tools/grade.py")
    args = parser.parse_args(argv)
    if args.submissions is None:
        example()
        return 0
    out = args.out or default_out(args.submissions)
    if args.regrade or not graded_since(args.submissions, out):
        bundle, rows = grade_folder(args.submissions, CAPSTONE)
        paths = write_results(bundle, rows, out, folder=args.submissions, roster=args.roster)
        print(paths["report"].read_text("utf-8"), end="")
    target = execute(out, out / "debrief.ipynb", html=True)
    print(f"wrote {target} and {target.with_suffix('.html')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
