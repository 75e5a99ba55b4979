"""Live dashboards for the workbook: ipywidgets sliders driving the simulation, one chart each.

Every dashboard is a :class:`Dashboard`: a row of levers (ipywidgets), one
:class:`~teamsim.course.livechart.LiveChart` built once, and a text readout. The chart reads
each frame of :meth:`Dashboard.compute` as a named dataset (its key). Moving a lever re-runs
the model and sends the frames that changed to the running Vega view, which swaps their rows in
with a changeset, so the chart is neither rebuilt nor re-displayed (the message format is
documented in :mod:`teamsim.course.livechart`). The charts come from :mod:`teamsim.charts`,
shared with the book.

Displayed without a live frontend (the book, a notebook opened before it is run), a dashboard
shows a static snapshot of its chart with a note on how to run it live, and its plain-text
form says what the levers are and what the snapshot shows.

Benchmarks: ``python -m teamsim.bench dashboards`` times one lever move per dashboard in the
kernel; ``python -m teamsim.bench lab`` times slider-to-pixels in JupyterLab in Chromium.
"""

from __future__ import annotations

import base64
import html
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from functools import cache, lru_cache
from typing import Any, cast

import altair as alt
import ipywidgets as widgets
import numpy as np
import pandas as pd

from teamsim.analysis.measures import TIERS, capstone_run, skill_tier, snap, style_grid
from teamsim.charts import bars, label, lines_over_time, named, ring_layer, style_map
from teamsim.course.builder import (
    CHECKS_HEADING,
    COMPARED,
    HOW_KEPT,
    CopyBox,
    RulesForm,
    cell_text,
    check_preview,
    compared_run,
)
from teamsim.course.livechart import LiveChart
from teamsim.model import (
    CHEERLEADER,
    COACH,
    DRILLER,
    DRIVERS,
    THREE,
    Batch,
    Calendar,
    Policy,
    Result,
    Scenario,
    Style,
    batch,
    navigator,
    policy_problem,
    simulate,
    switch_at,
)
from teamsim.model.rules import RulePolicy

RUNS = 30
"""Monte-Carlo runs behind every live line: enough to see the pattern, fast enough to drag."""
POLICY_RUNS = 20
"""Runs behind an adaptive policy's line (a policy is asked run by run, so it costs more)."""
SEED = 0
"""The seed of every live line (the model's default seed)."""
LIVE_NOTE = ("This is a snapshot of a live dashboard. To move its sliders, open this notebook in "
             "JupyterLab (on your course's hub, or on your own computer as the workbook's "
             "README says) and run this notebook's cells from the top, this one included.")
MANAGER = Style(0.5, 0.3)
"""Where the managing dashboard starts: a manager who mostly manages."""
MIDDLE = Style(0.4, 0.4)
"""Where the impact dashboard starts 'your style': the middle of the square."""
Frames = dict[str, pd.DataFrame]
"""A dashboard's data: frames by name (the name is the chart's dataset)."""


class Dashboard:
    """Levers, one live chart and a readout.

    Subclasses define :meth:`compute` (lever settings -> named data frames), :meth:`build`
    (those frames -> an Altair chart, called once) and :meth:`describe` (frames -> one line of
    text). Every frame :meth:`compute` returns must keep its columns from call to call, and
    :meth:`build` must draw every one of them (it gets them marked with
    :func:`teamsim.charts.named`, so the chart reads each by its key).
    """

    title = "Dashboard"
    caption = ""

    def __init__(self, levers: Mapping[str, widgets.ValueWidget]) -> None:
        self.levers = dict(levers)
        self.data = self.compute(**self.settings())
        self.spec_chart = self.build({key: named(frame, key) for key, frame in self.data.items()})
        self.chart = LiveChart(self.spec_chart, self.data)
        self.sent: dict[str, Any] = {}
        """What the last move sent to the chart (its new ``data`` state; empty if nothing)."""
        self.readout = widgets.HTML(self.readout_html(), layout=widgets.Layout(margin="0 0 0 8px"))
        for widget in self.levers.values():
            widget.observe(self.on_change, names="value")
        self.moves = 0
        self._holding = False
        self.widget = widgets.VBox([
            widgets.HTML(f"<b>{html.escape(self.title)}</b>"),
            widgets.HBox(list(self.levers.values()), layout=widgets.Layout(flex_flow="row wrap")),
            self.chart,
            self.readout,
            widgets.HTML(f"<small>{html.escape(self.caption)}</small>"),
        ])

    # -- what subclasses define -------------------------------------------------------------
    compute: Callable[..., Frames]
    """Lever settings, as keyword arguments named like the levers -> named data frames."""

    def build(self, data: Frames) -> alt.TopLevelMixin:
        raise NotImplementedError

    def describe(self, data: Frames) -> str:
        return ""

    # -- the live loop -------------------------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        return {name: widget.value for name, widget in self.levers.items()}

    def on_change(self, change: Mapping[str, Any]) -> None:
        if not self._holding:
            self.refresh()

    def refresh(self) -> None:
        """Re-run the model for the levers' values and swap the chart's data in place."""
        self.data = self.compute(**self.settings())
        self.sent = self.chart.update(self.data)
        self.readout.value = self.readout_html()
        self.moves += 1

    def update(self, **values: Any) -> None:
        """Set several levers at once (one model run), e.g. ``update(control=0.8)``."""
        unknown = sorted(set(values) - set(self.levers))
        if unknown:
            raise ValueError(f"unknown lever {unknown[0]!r}: this dashboard has "
                             f"{list(self.levers)}")
        self._holding = True
        try:
            for name, value in values.items():
                self.levers[name].value = value
        finally:
            self._holding = False
        self.refresh()

    # -- display -----------------------------------------------------------------------------
    def readout_html(self) -> str:
        return f"<span style='font-size:0.95em'>{html.escape(self.describe(self.data))}</span>"

    def lever_text(self) -> str:
        parts = []
        for name, widget in self.levers.items():
            value = widget.value
            shown = f"{value:.2f}" if isinstance(value, float) else str(value)
            parts.append(f"{widget.description.rstrip(': ') or name} = {shown}")
        return ", ".join(parts)

    def snapshot_png(self) -> bytes:
        """The chart for the current setting as a PNG (rendered in the kernel, offline)."""
        return self.chart.to_png(scale=1.0)

    def __repr__(self) -> str:
        description = self.chart.spec.get("description", "")
        return (f"{self.title} (a live dashboard). Dials and settings: {self.lever_text()}. "
                f"Chart: {description}. Now: {self.describe(self.data)} {LIVE_NOTE}")

    def snapshot_html(self) -> str:
        png = base64.b64encode(self.snapshot_png()).decode("ascii")
        alt_text = html.escape(self.chart.spec.get("description", self.title))
        return ("<figure class='mathjax_ignore tex2jax_ignore' style='margin:0'>"
                f"<figcaption><b>{html.escape(self.title)}</b> "
                f"(snapshot: {html.escape(self.lever_text())})</figcaption>"
                f"<img src='data:image/png;base64,{png}' alt='{alt_text}'>"
                f"<p>{html.escape(self.describe(self.data))}</p>"
                f"<p><em>{html.escape(LIVE_NOTE)}"
                "</em></p></figure>")

    def _repr_mimebundle_(self, include: object = None, exclude: object = None
                          ) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_()
        bundle["text/plain"] = repr(self)
        bundle["text/html"] = self.snapshot_html()
        return bundle


# -- sliders --------------------------------------------------------------------------------------
def slider(name: str, value: float, low: float = 0.0, high: float = 1.0, step: float = 0.05,
           description: str | None = None) -> widgets.FloatSlider:
    return widgets.FloatSlider(value=value, min=low, max=high, step=step,
                               description=description or label(name),
                               readout_format=".2f", continuous_update=True,
                               style={"description_width": "initial"},
                               layout=widgets.Layout(width="300px"))


def int_slider(name: str, value: int, low: int, high: int, step: int = 1,
               description: str | None = None) -> widgets.IntSlider:
    return widgets.IntSlider(value=value, min=low, max=high, step=step,
                             description=description or label(name), continuous_update=True,
                             style={"description_width": "initial"},
                             layout=widgets.Layout(width="300px"))


def style_sliders(style: Style, step: float = 0.05) -> dict[str, widgets.FloatSlider]:
    return {"control": slider("control", style.control, step=step),
            "inspiration": slider("inspiration", style.inspiration, step=step)}


def scenario_options(names: Sequence[str]) -> dict[str, str]:
    """A dropdown's options: each named scenario's label, mapped to its name."""
    return {Scenario.LABELS[name]: name for name in names}


# -- frames for the charts -----------------------------------------------------------------------
@lru_cache(maxsize=64)
def reference(managers: tuple[Style | Calendar, ...], scenario: Scenario, runs: int = RUNS
              ) -> Batch:
    """Managers whose lines do not depend on the levers, run once (the last 64 are kept).

    They start from the same teams as the manager the levers set (the same seed and runs draw
    the same starting teams), so a lever set to a reference's style draws exactly its line.
    """
    return batch(managers, scenario, runs=runs, seed=SEED)


FIXED_KEPT = 64
"""How many sets of reference managers :func:`alongside` keeps run."""
_fixed_runs: OrderedDict[tuple[object, ...], Batch] = OrderedDict()


def alongside(mine: Style | Calendar | Sequence[Style | Calendar],
              fixed: tuple[Style | Calendar, ...], scenario: Scenario, runs: int = RUNS
              ) -> tuple[Batch, Batch]:
    """The manager(s) the levers set and reference managers, on the same runs: two batches.

    ``mine`` is one manager or several (run together, in order). The references are run once
    per scenario and kept (the last :data:`FIXED_KEPT`); the first time, they run in the same
    pass as ``mine``, which saves a whole pass on the move that changes the scenario. Every run
    has its own random stream whatever the batch holds, so each manager's lines are the same
    either way, and a lever set to a reference's style draws exactly its line.
    """
    mine = [mine] if isinstance(mine, (Style, Calendar)) else list(mine)
    key = (fixed, scenario, runs)
    if key in _fixed_runs:
        _fixed_runs.move_to_end(key)
        return batch(mine, scenario, runs=runs, seed=SEED), _fixed_runs[key]
    both = batch([*mine, *fixed], scenario, runs=runs, seed=SEED)
    n = len(mine)
    mine_part, fixed_part = (split(both, slice(0, n)), split(both, slice(n, n + len(fixed))))
    _fixed_runs[key] = fixed_part
    while len(_fixed_runs) > FIXED_KEPT:
        _fixed_runs.popitem(last=False)
    return mine_part, fixed_part


def split(run: Batch, managers: slice) -> Batch:
    """The managers ``managers`` of ``run`` (positions in its list), as a batch of their own."""
    teams = slice(managers.start * run.runs, managers.stop * run.runs)
    return Batch(run.managers[managers], run.scenario, run.runs, run.seed,
                 {name: values[:, teams] for name, values in run.team.items()},
                 {name: values[:, teams] for name, values in run.reps.items()},
                 run.drivers[teams], run.start_skill[teams])


LongColumns = dict[str, np.ndarray]
"""The columns of a long frame (week, panel, series, value), before they make a frame."""


def long_columns(weeks: int, panels: Sequence[str], series: Sequence[str],
                 values: Sequence[np.ndarray]) -> LongColumns:
    """Columns of a long frame: for each panel, for each series, its ``weeks`` values (given in
    that order, one array per panel and series)."""
    return {"week": np.tile(np.arange(1, weeks + 1), len(panels) * len(series)),
            "panel": np.repeat(list(panels), len(series) * weeks),
            "series": np.tile(np.repeat(list(series), weeks), len(panels)),
            "value": np.concatenate(values) if values else np.empty(0)}


def weekly_columns(blocks: Sequence[tuple[Batch, Sequence[str]]], metrics: Sequence[str]
                   ) -> LongColumns:
    """:func:`weekly_frame`'s columns."""
    names = [name for _, block_names in blocks for name in block_names]
    weeks = blocks[0][0].scenario.weeks
    return long_columns(weeks, metrics, names, [
        np.concatenate([run.weekly_mean(m) for run, _ in blocks]).ravel() for m in metrics])


def weekly_frame(blocks: Sequence[tuple[Batch, Sequence[str]]], metrics: Sequence[str]
                 ) -> pd.DataFrame:
    """Long frame (week, panel, series, value) of weekly means over runs, per manager.

    ``blocks`` pairs each batch with the names of its managers, in the order of the series.
    """
    return pd.DataFrame(weekly_columns(blocks, metrics))


def result_frame(result: Result, name: str, metrics: Sequence[str]) -> pd.DataFrame:
    """Long frame of a :func:`simulate` result's weekly means over runs."""
    means = result.weekly_means(metrics)
    return pd.DataFrame(long_columns(len(means), metrics, [name],
                                     [means[m].to_numpy() for m in metrics]))


def shock_band(scenario: Scenario) -> pd.DataFrame:
    """The shaded weeks of the market shock (a zero-width band when there is none)."""
    if scenario.shock_end is None:
        return pd.DataFrame({"start": [1.0], "end": [1.0]})
    return pd.DataFrame({"start": [float(scenario.shock_start) - 0.5],
                         "end": [float(scenario.shock_end) + 0.5]})


def total(frame: pd.DataFrame, series: str, panel: str = "revenue") -> float:
    """The sum over weeks of ``series`` on ``panel`` (a year's revenue, by default)."""
    rows = (frame["series"].to_numpy() == series) & (frame["panel"].to_numpy() == panel)
    return float(frame["value"].to_numpy()[rows].sum())


def last(frame: pd.DataFrame, series: str, panel: str) -> float:
    """The value of ``series`` on ``panel`` in its last week."""
    rows = (frame["series"].to_numpy() == series) & (frame["panel"].to_numpy() == panel)
    weeks = frame["week"].to_numpy()[rows]
    return float(frame["value"].to_numpy()[rows][weeks.argmax()])


# -- 00 getting started ---------------------------------------------------------------------------
class FirstLook(Dashboard):
    """One manager's year against the Coach: control, inspiration and the number of runs."""

    title = "A year with your manager"
    caption = ("Lines are means over the runs; the dashed grey line is the Coach (control 0.6, "
               "inspiration 0.7) on the same teams; the grey band is the market shock.")
    metrics = ("revenue", "engagement", "exhaustion", "headcount")

    def __init__(self, style: Style = COACH, runs: int = RUNS,
                 scenario: Scenario | None = None) -> None:
        self.scenario = scenario or Scenario.default()
        super().__init__({**style_sliders(style),
                          "runs": int_slider("runs", runs, 1, 60, description="Runs")})

    def compute(self, control: float, inspiration: float, runs: int) -> Frames:
        mine, coach = alongside(Style(control, inspiration), (COACH,), self.scenario, runs)
        return {"lines": weekly_frame([(mine, ["Your manager"]), (coach, ["the Coach"])],
                                      self.metrics)}

    def build(self, data: Frames) -> alt.TopLevelMixin:
        return lines_over_time(data["lines"], self.metrics, dashed=["the Coach"],
                               colours={"Your manager": "#0072B2", "the Coach": "#777777"},
                               shade=shock_band(self.scenario), legend="Manager")

    def describe(self, data: Frames) -> str:
        lines = data["lines"]
        you, coach = total(lines, "Your manager"), total(lines, "the Coach")
        return (f"Year revenue ${you:,.0f}k ({you / coach - 1:+.0%} against the Coach); "
                f"exhaustion in week 52 {last(lines, 'Your manager', 'exhaustion'):.2f} "
                f"(Coach {last(lines, 'the Coach', 'exhaustion'):.2f}); reps in post in week 52 "
                f"{last(lines, 'Your manager', 'headcount'):.1f}.")


# -- 01 two sides / 04 landscape ------------------------------------------------------------------
def ring(control: float, inspiration: float) -> pd.DataFrame:
    """Where the ring goes on the style map: the grid point nearest the levers."""
    return pd.DataFrame({"control": [snap(control)], "inspiration": [snap(inspiration)]})


MAP_COLUMNS = ["control", "inspiration", "revenue", "attrition", "exhaustion_end", "engagement"]


def map_grid(scenario: Scenario) -> pd.DataFrame:
    """The style grid's columns that the maps show."""
    return style_grid(scenario)[MAP_COLUMNS]


class StyleSquare(Dashboard):
    """The style map: year revenue over the square, and the year of the style you pick."""

    title = "The style square"
    caption = ("Left: year revenue for every style on a 0.1 grid (20 runs each); the white "
               "square is your style. Right: your style's year, with the Coach dashed.")
    metrics = ("revenue", "engagement", "exhaustion", "headcount")

    def __init__(self, style: Style = COACH) -> None:
        super().__init__({**style_sliders(style, step=0.1),
                          "shock": widgets.Checkbox(value=True, description="Market shock")})

    @staticmethod
    def scenario(shock: bool) -> Scenario:
        return Scenario.default() if shock else Scenario.no_shock()

    def compute(self, control: float, inspiration: float, shock: bool) -> Frames:
        scenario = self.scenario(shock)
        mine, coach = alongside(Style(snap(control), snap(inspiration)), (COACH,), scenario)
        lines = weekly_frame([(mine, ["Your style"]), (coach, ["the Coach"])], self.metrics)
        return {"grid": map_grid(scenario), "pick": ring(control, inspiration), "lines": lines,
                "band": shock_band(scenario)}

    def build(self, data: Frames) -> alt.TopLevelMixin:
        heat = style_map(data["grid"], "revenue", title="Year revenue ($k)", size=230)
        square = alt.layer(heat, ring_layer(data["pick"], 230))
        lines = lines_over_time(data["lines"], self.metrics, dashed=["the Coach"],
                                colours={"Your style": "#0072B2", "the Coach": "#777777"},
                                shade=data["band"], legend="Manager", width=190, height=95)
        return alt.hconcat(square, lines).resolve_scale(color="independent").properties(
            description="Heat map of year revenue over the square of control and inspiration, "
                        "with your style marked; beside it, line charts of your style's revenue, "
                        "engagement, exhaustion and headcount by week against the Coach")

    def describe(self, data: Frames) -> str:
        grid, pick = data["grid"], data["pick"].iloc[0]
        row = grid[np.isclose(grid["control"], pick["control"])
                   & np.isclose(grid["inspiration"], pick["inspiration"])].iloc[0]
        best = grid.loc[grid["revenue"].idxmax()]
        return (f"Control {pick['control']:.1f}, inspiration {pick['inspiration']:.1f}: year "
                f"revenue ${row['revenue']:,.0f}k, attrition {row['attrition']:.0%} a year. "
                f"Best on the map: control {best['control']:.1f}, inspiration "
                f"{best['inspiration']:.1f} (${best['revenue']:,.0f}k).")


class Landscape(Dashboard):
    """Year revenue and attrition over the whole square, for a scenario you choose."""

    title = "The landscape"
    caption = ("Each square is one fixed style over a year (20 runs); the white square is the "
               "style the sliders pick. Changing the scenario re-computes the maps (a second).")

    def __init__(self, style: Style = COACH) -> None:
        names = scenario_options(("default", "no_shock", "large_team", "new_team"))
        super().__init__({**style_sliders(style, step=0.1),
                          "scenario": widgets.Dropdown(options=names, value="default",
                                                       description="Scenario")})

    def compute(self, control: float, inspiration: float, scenario: str) -> Frames:
        return {"grid": map_grid(Scenario.named(scenario)), "pick": ring(control, inspiration)}

    def build(self, data: Frames) -> alt.TopLevelMixin:
        maps = []
        for metric, title, reverse, fmt in (("revenue", "Year revenue ($k)", False, ",.0f"),
                                            ("attrition", "Attrition (per year)", True, ".0%")):
            heat = style_map(data["grid"], metric, title=title, reverse=reverse, fmt=fmt,
                             size=230)
            maps.append(alt.layer(heat, ring_layer(data["pick"], 230)))
        return alt.hconcat(*maps).resolve_scale(color="independent").properties(
            description="Two heat maps over the square of control (left to right) and "
                        "inspiration (bottom to top): year revenue, and attrition (darker is "
                        "more people leaving); a white square marks the chosen style")

    def describe(self, data: Frames) -> str:
        grid, pick = data["grid"], data["pick"].iloc[0]
        row = grid[np.isclose(grid["control"], pick["control"])
                   & np.isclose(grid["inspiration"], pick["inspiration"])].iloc[0]
        return (f"Control {pick['control']:.1f}, inspiration {pick['inspiration']:.1f}: year "
                f"revenue ${row['revenue']:,.0f}k, attrition {row['attrition']:.0%} a year, "
                f"exhaustion in week 52 {row['exhaustion_end']:.2f}.")


# -- 02 managing ----------------------------------------------------------------------------------
class Managing(Dashboard):
    """Control against forecast accuracy, activity and engagement, for a team size you choose."""

    title = "Managing: control and team size"
    caption = ("Revenue (solid) against the CRM's forecast (dashed) and what drives them; means "
               "over 30 runs of one team.")
    metrics = ("revenue", "forecast", "activities", "engagement")

    def __init__(self, style: Style = MANAGER) -> None:
        super().__init__({**style_sliders(style),
                          "team_size": int_slider("team_size", 10, 4, 40)})

    def compute(self, control: float, inspiration: float, team_size: int) -> Frames:
        scenario = Scenario(team_size=team_size)
        run = batch([Style(control, inspiration)], scenario, runs=RUNS, seed=SEED)
        weeks = np.arange(1, scenario.weeks + 1)
        scale = 10 / team_size  # per ten reps, so team sizes compare
        rows = [("revenue", "Revenue", run.weekly_mean("revenue")[0] * scale),
                ("revenue", "CRM forecast", run.weekly_mean("forecast")[0] * scale),
                ("activities", "Revenue", run.weekly_mean("activities")[0] * scale),
                ("engagement", "Revenue", run.weekly_mean("engagement")[0])]
        lines = pd.concat([pd.DataFrame({"week": weeks, "panel": panel, "series": name,
                                         "value": values}) for panel, name, values in rows],
                          ignore_index=True)
        summary = run.summary().iloc[0]
        stats = pd.DataFrame({"measure": ["forecast error", "attrition"],
                              "value": [summary["forecast_error"], summary["attrition"]]})
        stats.attrs["revenue"] = float(summary["revenue"] * scale)
        return {"lines": lines, "stats": stats}

    def build(self, data: Frames) -> alt.TopLevelMixin:
        lines = lines_over_time(data["lines"], ("revenue", "activities", "engagement"),
                                dashed=["CRM forecast"],
                                colours={"Revenue": "#0072B2", "CRM forecast": "#E69F00"},
                                shade=shock_band(Scenario.default()), legend="Line",
                                columns=3, width=210, height=120)
        stats = bars(data["stats"], "measure", "value", domain=(0.0, 1.0), width=120,
                     height=120, description="Bars of the forecast error and attrition")
        return alt.hconcat(lines, stats).properties(
            description="Line charts of revenue per ten reps against the CRM forecast, "
                        "activities and engagement by week, and bars of forecast error and "
                        "attrition")

    def describe(self, data: Frames) -> str:
        stats = data["stats"].set_index("measure")["value"]
        revenue = total(data["lines"], "Revenue")
        return (f"Per ten reps: year revenue ${revenue:,.0f}k; the CRM forecast misses a "
                f"week's revenue by {stats['forecast error']:.0%} on average; attrition "
                f"{stats['attrition']:.0%} a year.")


# -- 03 leading -----------------------------------------------------------------------------------
class Leading(Dashboard):
    """Drivers and tailoring, coaching by skill tier, and trust."""

    title = "Leading: drivers, coaching and trust"
    caption = ("Left: mean engagement by driver over the year, your tailoring against one "
               "message for all. Right: skill of the reps you started with, by starting tier, "
               "and trust, by week (30 runs).")

    def __init__(self, style: Style = COACH) -> None:
        super().__init__({**style_sliders(style),
                          "tailoring": slider("tailoring", style.tailoring)})

    def compute(self, control: float, inspiration: float, tailoring: float) -> Frames:
        scenario = Scenario.default()
        styles = [Style(control, inspiration, tailoring), Style(control, inspiration, 0.0)]
        run = batch(styles, scenario, runs=RUNS, seed=SEED, reps=True)
        rep, first, drivers = run.reps, run.start_skill, run.drivers
        n = RUNS
        active = rep["active"] > 0
        rows = []
        for g, name in enumerate(["As you set it", "One message for all"]):
            teams = slice(g * n, (g + 1) * n)
            engagement = rep["engagement"][:, teams]
            on = active[:, teams]
            for d, driver in enumerate(DRIVERS):
                mask = on & (drivers[teams] == d)[None]
                rows.append({"driver": driver, "series": name,
                             "engagement": float(engagement[mask].mean()) if mask.any() else 0.0})
        by_driver = pd.DataFrame(rows)
        # Skill of the original reps, by the tier they started in, until they leave.
        own = slice(0, n)
        stayed = np.cumsum(rep["quit"][:, own], axis=0) == 0
        tiers = skill_tier(first[own])
        lines = []
        for tier in TIERS:
            mask = stayed & (tiers == tier)[None]
            skill = np.where(mask, rep["skill"][:, own], 0.0).sum((1, 2)) / np.maximum(
                mask.sum((1, 2)), 1)
            lines.append(pd.DataFrame({"week": np.arange(1, len(skill) + 1), "panel": "skill",
                                       "series": f"{tier} tier", "value": skill}))
        for g, name in enumerate(["As you set it", "One message for all"]):
            teams = slice(g * n, (g + 1) * n)
            trust = (rep["trust"][:, teams] * active[:, teams]).sum((1, 2)) / np.maximum(
                active[:, teams].sum((1, 2)), 1)
            lines.append(pd.DataFrame({"week": np.arange(1, len(trust) + 1), "panel": "trust",
                                       "series": name, "value": trust}))
        return {"drivers": by_driver, "lines": pd.concat(lines, ignore_index=True)}

    def build(self, data: Frames) -> alt.TopLevelMixin:
        drivers = bars(data["drivers"], "driver", "engagement", color="series",
                       domain=(0.0, 1.0), width=300, height=200)
        lines = lines_over_time(
            data["lines"], ("skill", "trust"), legend="Line", columns=1, width=260, height=90,
            colours={"low tier": "#D55E00", "middle tier": "#009E73", "high tier": "#56B4E9",
                     "As you set it": "#0072B2", "One message for all": "#E69F00"},
            dashed=["One message for all"])
        return alt.hconcat(drivers, lines).resolve_scale(color="independent").properties(
            description="Bars of mean engagement by driver for your tailoring and for one "
                        "message for all; line charts of skill by starting tier and of trust "
                        "by week")

    def describe(self, data: Frames) -> str:
        # plain numpy and dicts, not a pivot: this runs on every slider move
        drivers = data["drivers"]
        engagement = dict(zip(zip(drivers["driver"], drivers["series"]),
                              drivers["engagement"].to_numpy().tolist()))
        gain = {d: engagement[d, "As you set it"] - engagement[d, "One message for all"]
                for d in sorted(set(drivers["driver"]))}
        most = max(gain, key=gain.__getitem__)  # the first in name order, as a pivot's idxmax
        lines = data["lines"]
        series, weeks = lines["series"].to_numpy(), lines["week"].to_numpy()
        values = lines["value"].to_numpy()
        skill = {t: last(lines, f"{t} tier", "skill")
                 - float(values[(series == f"{t} tier") & (weeks == 1)][0])
                 for t in ("low", "middle", "high")}
        return (f"Tailoring lifts engagement most for {most} reps "
                f"({gain[most]:+.3f}); skill gained over the year by tier: "
                + ", ".join(f"{t} {v:+.3f}" for t, v in skill.items())
                + f"; trust in week 52 {last(lines, 'As you set it', 'trust'):.2f}.")


# -- 04 impact ------------------------------------------------------------------------------------
class Impact(Dashboard):
    """Three named teams and yours through a market shock you shape."""

    title = "Three teams through the shock"
    caption = ("The Driller, the Coach and the Cheerleader on the same starting teams, with your "
               "style; the grey band is the shock (30 runs).")
    metrics = ("revenue", "engagement", "exhaustion", "headcount")

    def __init__(self, style: Style = MIDDLE) -> None:
        super().__init__({**style_sliders(style),
                          "shock_depth": slider("shock_depth", 0.5, 0.0, 0.8,
                                                description="Shock depth"),
                          "shock_weeks": int_slider("shock_weeks", 12, 1, 30,
                                                    description="Shock weeks")})

    def compute(self, control: float, inspiration: float, shock_depth: float,
                shock_weeks: int) -> Frames:
        scenario = Scenario(shock_depth=shock_depth, shock_weeks=shock_weeks)
        names = [*THREE, "Your style"]
        mine, three = alongside(Style(control, inspiration), tuple(THREE.values()), scenario)
        return {"lines": weekly_frame([(three, names[:3]), (mine, names[3:])], self.metrics),
                "band": shock_band(scenario)}

    def build(self, data: Frames) -> alt.TopLevelMixin:
        return lines_over_time(data["lines"], self.metrics, shade=data["band"], legend="Manager",
                               colours={"Your style": "#000000"}, dashed=["Your style"])

    def describe(self, data: Frames) -> str:
        lines = data["lines"]
        parts = [f"{n} ${total(lines, n):,.0f}k" for n in
                 (*THREE, "Your style")]
        return "Year revenue: " + ", ".join(parts) + "."


# -- 05 shifting ----------------------------------------------------------------------------------
class Shifting(Dashboard):
    """Switch from one style to another in week k: the dip and the payoff."""

    title = "Shifting from managing to leading"
    caption = ("Three managers on the same teams: one who stays as they started, one who leads "
               "from week 1, and one who switches in the week you choose (30 runs).")
    metrics = ("revenue", "trust", "engagement", "gain_over_staying_($k)")

    def __init__(self, start: Style = DRILLER, after: Style = COACH, week_k: int = 10) -> None:
        self.start = start
        super().__init__({"week_k": int_slider("week_k", week_k, 1, 52,
                                               description="Switch in week"),
                          **style_sliders(after)})

    def compute(self, week_k: int, control: float, inspiration: float) -> Frames:
        after = Style(control, inspiration)
        names = ["Stays as started", "Switches in week k", "Leads from week 1"]
        # The three on the same runs: every run has its own random stream whatever the manager
        # (common random numbers), so the gaps are the managers'. The one who stays does not
        # depend on the levers: it is run once and kept (see alongside).
        mine, stays = alongside((switch_at(week_k, self.start, after), after), (self.start,),
                                Scenario.default())
        lines = weekly_frame([(stays, names[:1]), (mine, names[1:])], self.metrics[:3])
        # each manager's revenue gained over the one who stays, summed week by week
        revenue = np.concatenate([stays.weekly_mean("revenue"), mine.weekly_mean("revenue")])
        weeks = revenue.shape[1]
        gains = pd.DataFrame({
            "week": np.tile(np.arange(1, weeks + 1), len(names)), "panel": self.metrics[3],
            "series": np.repeat(names, weeks),
            "value": np.cumsum(revenue - revenue[0], axis=1).ravel()})
        band = pd.DataFrame({"start": [week_k - 0.5], "end": [week_k + 0.5]})
        return {"lines": pd.concat([lines, gains], ignore_index=True), "band": band}

    def build(self, data: Frames) -> alt.TopLevelMixin:
        return lines_over_time(
            data["lines"], self.metrics, shade=data["band"], legend="Manager",
            colours={"Stays as started": "#D55E00", "Switches in week k": "#009E73",
                     "Leads from week 1": "#0072B2"}, dashed=["Leads from week 1"])

    def describe(self, data: Frames) -> str:
        # plain numpy, not pandas filters: this runs on every slider move
        lines = data["lines"]
        rows = ((lines["panel"].to_numpy() == self.metrics[3])
                & (lines["series"].to_numpy() == "Switches in week k"))
        weeks, gain = lines["week"].to_numpy()[rows], lines["value"].to_numpy()[rows]
        order = np.argsort(weeks, kind="stable")
        weeks, gain = weeks[order], gain[order]
        k = int(data["band"]["start"].iloc[0] + 0.5)
        after = weeks >= k
        behind = after & (gain < 0)
        last_behind = weeks[behind].max() if behind.any() else 0
        even = after & (gain >= 0) & (weeks > last_behind)
        year = f"year gain ${float(gain[-1]):+,.0f}k over staying"
        if not behind.any():
            return f"Switching in week {k}: never behind staying as started; {year}."
        when = (f"level again by week {int(weeks[even][0])}" if even.any()
                else "still behind in week 52")
        return (f"Switching in week {k}: at worst ${-float(gain[behind].min()):,.0f}k behind "
                f"staying as started, {when}; {year}.")


# -- 06 capstone ----------------------------------------------------------------------------------
POLICY_METRICS = ("revenue", "engagement", "control", "inspiration")
"""The capstone dashboards' panels: two measures, and the dials each manager chose."""


def fixed_frame(run: Batch, names: Sequence[str]) -> pd.DataFrame:
    """Long frame of fixed styles' weekly revenue and engagement (means over runs) and their
    dials, one series per name (in the batch's order), as the capstone dashboards draw them."""
    lines = weekly_columns([(run, names)], POLICY_METRICS[:2])
    weeks = run.scenario.weeks
    dials = [long_columns(weeks, POLICY_METRICS[2:], [name],
                          [run.team[lever][:, run.block(g).start] for lever in POLICY_METRICS[2:]])
             for g, name in enumerate(names)]
    return pd.DataFrame({key: np.concatenate([lines[key], *(d[key] for d in dials)])
                         for key in lines})


@lru_cache(maxsize=8)
def compared_frame(scenario: str) -> pd.DataFrame:
    """:func:`fixed_frame` of the fixed styles the capstone's checks compare (the builder's
    :data:`~teamsim.course.builder.COMPARED`) on a named scenario, with the checks' runs and seed.
    It does not depend on the rules, so it is made once per scenario (the last 8 are kept): the
    same frame is handed out each time, so callers copy it (``pd.concat`` does) and never change
    it in place."""
    return fixed_frame(compared_run(scenario), list(COMPARED))


class Capstone(Dashboard):
    """Your adaptive policy against fixed styles and the Navigator, on a scenario you pick."""

    title = "Your policy on the road"
    caption = (f"Revenue and engagement by week, and the control and inspiration each manager "
               f"chose, on the scenario you pick ({RUNS} runs; policies {POLICY_RUNS}).")
    metrics = POLICY_METRICS

    def __init__(self, policy: object = None, style: Style = COACH) -> None:
        self.problem = policy_problem(policy)
        # runs on the default scenario (policy_problem tried it): a Style or a policy
        self.policy = cast(Style | Policy, policy) if self.problem is None else None
        self.navigator = navigator
        names = scenario_options(("default", "deep_shock", "new_team", "large_team", "no_shock"))
        super().__init__({**style_sliders(style),
                          "scenario": widgets.Dropdown(options=names, value="default",
                                                       description="Scenario")})

    @cache  # noqa: B019 - one dashboard object lives as long as its notebook
    def policies(self, scenario_name: str) -> pd.DataFrame:
        scenario = Scenario.named(scenario_name)
        frames = [result_frame(simulate(self.navigator, scenario, runs=POLICY_RUNS, seed=SEED),
                               "Navigator", self.metrics)]
        if self.policy is not None and policy_problem(self.policy, scenario) is None:
            frames.insert(0, result_frame(simulate(self.policy, scenario, runs=POLICY_RUNS,
                                                   seed=SEED), "Your policy", self.metrics))
        fixed = reference((DRILLER, CHEERLEADER), scenario)
        frames.append(fixed_frame(fixed, ["Driller", "Cheerleader"]))
        return pd.concat(frames, ignore_index=True)

    def compute(self, control: float, inspiration: float, scenario: str) -> Frames:
        fixed = Style(control, inspiration)
        run = batch([fixed], Scenario.named(scenario), runs=RUNS, seed=SEED)
        lines = pd.concat([self.policies(scenario), fixed_frame(run, ["Fixed style"])],
                          ignore_index=True)
        return {"lines": lines, "band": shock_band(Scenario.named(scenario))}

    def build(self, data: Frames) -> alt.TopLevelMixin:
        return lines_over_time(data["lines"], self.metrics, shade=data["band"], legend="Manager",
                               colours={"Your policy": "#000000", "Fixed style": "#0072B2"},
                               dashed=["Navigator"])

    def describe(self, data: Frames) -> str:
        lines = data["lines"]
        names = list(dict.fromkeys(lines["series"]))
        note = "" if self.problem is None else f" Your policy is not shown: {self.problem}."
        return ("Year revenue: " + ", ".join(f"{n} ${total(lines, n):,.0f}k" for n in names)
                + "." + note)


class PolicyBuilder(Dashboard):
    """The capstone's policy builder: rules in a form, their year beside the fixed styles.

    ``rules`` is what the notebook's ``my_rules`` holds (None: the form's starting rules). Every
    change of a rule redraws the year, says the rules in words, previews the checks and shows
    the rules as the cell to paste into the notebook (see :mod:`teamsim.course.builder`).
    """

    title = "Build your policy from rules"
    caption = ("Revenue and engagement by week, and the control and inspiration each manager "
               "chose, on the scenario you pick: your rules in black, the fixed styles on the "
               "same teams, with the runs and seed of the checks; the grey band is the shock.")
    metrics = POLICY_METRICS

    def __init__(self, rules: RulePolicy | Mapping | str | None = None) -> None:
        self.form = RulesForm(rules, on_change=self.rules_changed)
        self.policy = self.form.policy
        super().__init__({"scenario": widgets.Dropdown(
            options=scenario_options(("default", "deep_shock", "new_team", "large_team",
                                      "no_shock")), value="default", description="Scenario")})
        self.preview = widgets.HTML()
        self.copy = CopyBox()
        self.widget = widgets.VBox([
            widgets.HTML(f"<b>{html.escape(self.title)}</b>"),
            self.form.widget,
            widgets.HBox(list(self.levers.values())),
            self.chart,
            self.readout,
            widgets.HTML(f"<small>{html.escape(self.caption)}</small>"),
            widgets.HTML(CHECKS_HEADING),
            self.preview,
            widgets.HTML(f"<b>Keep your rules</b><br><small>{HOW_KEPT}</small>"),
            self.copy,
        ])
        self.show()

    def rules_changed(self, policy: RulePolicy) -> None:
        self.policy = policy
        self.refresh()
        self.show()

    def show(self) -> None:
        self.preview.value = "<ul>" + "".join(f"<li>{html.escape(s)}</li>"
                                              for s in self.checks_said()) + "</ul>"
        self.copy.text = cell_text(self.policy)

    def checks_said(self) -> list[str]:
        """:func:`check_preview` of the rules, with the run the chart has just made of them."""
        policy, scenario, result = self.made
        return check_preview(self.policy, {scenario: result} if policy is self.policy else {})

    def compute(self, scenario: str) -> Frames:
        where = Scenario.named(scenario)
        run = capstone_run(self.policy, scenario)
        self.made: tuple[RulePolicy, str, Result] = (self.policy, scenario, run)
        mine = result_frame(run, "Your rules", self.metrics)
        return {"lines": pd.concat([mine, compared_frame(scenario)], ignore_index=True),
                "band": shock_band(where)}

    def build(self, data: Frames) -> alt.TopLevelMixin:
        return lines_over_time(data["lines"], self.metrics, shade=data["band"], legend="Manager",
                               colours={"Your rules": "#000000"})

    def describe(self, data: Frames) -> str:
        lines = data["lines"]
        names = list(dict.fromkeys(lines["series"]))
        return "Year revenue: " + ", ".join(f"{n} ${total(lines, n):,.0f}k" for n in names) + "."

    def __repr__(self) -> str:
        rules = " ".join(f"{i}. {s}" for i, s in enumerate(self.policy.words(), 1))
        return f"{super().__repr__()} Your rules: {rules}"

    def snapshot_html(self) -> str:
        rules = "".join(f"<li>{html.escape(s)}</li>" for s in self.policy.words())
        checks = "".join(f"<li>{html.escape(s)}</li>" for s in self.checks_said())
        # one block MathJax skips, as every snapshot is: the previews quote dollar amounts
        return ("<div class='mathjax_ignore tex2jax_ignore'>"
                f"<ol>{rules}</ol>{super().snapshot_html()}<ul>{checks}</ul>"
                f"<pre>{html.escape(cell_text(self.policy))}</pre></div>")


# -- every dashboard -------------------------------------------------------------------------------
DASHBOARDS: dict[str, Callable[[], Dashboard]] = {
    "00 first look": FirstLook,
    "01 style square": StyleSquare,
    "02 managing": Managing,
    "03 leading": Leading,
    "04 impact": Impact,
    "04 landscape": Landscape,
    "05 shifting": Shifting,
    "06 capstone": lambda: Capstone(policy=None),
}


__all__ = ["DASHBOARDS", "Capstone", "Dashboard", "FirstLook", "Impact", "Landscape", "Leading",
           "Managing", "PolicyBuilder", "Shifting", "StyleSquare"]
