"""Chart builders shared by the book (kernel-free sliders) and the workbook (live dashboards).

Every builder takes a tidy DataFrame and returns an Altair chart with a text ``description``
(vega-embed turns it into the chart's ARIA label). In the book, pass ``url=`` to read the rows
from a data file published beside the page instead of inlining them, so several charts can
share one file; the frame is still needed for slider ranges and column types.

Sliders are Vega-Lite parameters bound to range inputs: they filter precomputed rows in the
browser, with no kernel. Colours are the Okabe-Ito palette, safe for colour-blind readers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
             "#000000"]
STYLE_COLOURS = {"Driller": "#D55E00", "Coach": "#0072B2", "Cheerleader": "#CC79A7",
                 "Absentee": "#999999", "Navigator": "#009E73"}

LABELS = {
    "revenue": "Revenue ($k/week)", "deals_won": "Deals won", "activities": "Activities",
    "pipeline": "Pipeline ($k)", "forecast": "CRM forecast ($k)", "quota": "Quota ($k)",
    "headcount": "Reps in post", "quits": "Quits", "engagement": "Engagement",
    "exhaustion": "Exhaustion", "trust": "Trust", "skill": "Skill", "focus": "Focus",
    "attainment": "Attainment", "at_quota": "Share at quota", "market": "Market demand",
    "control": "Control", "inspiration": "Inspiration", "tailoring": "Tailoring",
    "week": "Week", "attrition": "Attrition (per year)", "team_size": "Team size",
    "switch_week": "Switch in week",
    "revenue_per_rep": "Revenue per rep ($k a year)", "skill_gained": "Skill gained in the year",
    "starting_skill": "Skill at the start",
}


def label(column: str) -> str:
    """The axis and slider label of a column."""
    return LABELS.get(column, column.replace("_", " ").capitalize())


def source(frame: pd.DataFrame, url: str | None) -> alt.Data | pd.DataFrame:
    """Rows inline (a DataFrame) or from a published CSV file at ``url``."""
    if url is None:
        return frame
    parse = {c: "number" for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])}
    return alt.UrlData(url=url, format=alt.CsvDataFormat(type="csv", parse=parse))


def slider(column: str, values: Sequence[float], value: float | None = None) -> alt.Parameter:
    """A range slider over the sorted distinct ``values`` of a lever column."""
    grid = np.unique(np.round(np.asarray(values, dtype=float), 6))
    if len(grid) < 2:
        raise ValueError(f"slider {column!r} needs at least two distinct values, got {grid}")
    step = float(np.round(np.min(np.diff(grid)), 6))
    start = float(grid[len(grid) // 2] if value is None else value)
    return alt.param(name=column, value=start, bind=alt.binding_range(
        min=float(grid[0]), max=float(grid[-1]), step=step, name=f"{label(column)} "))


def matches(params: Mapping[str, alt.Parameter]) -> str:
    """A Vega expression keeping rows whose lever columns equal the sliders' values."""
    return " && ".join(f"abs(datum['{c}'] - {p.name}) < 1e-6" for c, p in params.items())


def explorer(frame: pd.DataFrame, metrics: Sequence[str], sliders: Sequence[str],
             x: str = "week", url: str | None = None, description: str = "",
             defaults: Mapping[str, float] | None = None, reference: pd.DataFrame | None = None,
             reference_label: str = "the Coach", shade: tuple[int, int] | None = None,
             width: int = 220, height: int = 130, columns: int = 2) -> alt.VConcatChart:
    """Small multiples of ``metrics`` over ``x`` for the style the sliders pick.

    ``frame`` has one row per slider setting and ``x``; each slider filters one lever column.
    ``reference`` (same metrics over ``x``) is drawn as a dashed grey line to compare with.
    ``shade`` = (first, last) week of a shaded band, e.g. the market shock.
    """
    defaults = defaults or {}
    params = {c: slider(c, frame[c], defaults.get(c)) for c in sliders}
    data = source(frame, url)
    panels = []
    for metric in metrics:
        base = alt.Chart(data).transform_filter(matches(params)).mark_line(
            color=OKABE_ITO[0], strokeWidth=2.5).encode(
            x=alt.X(f"{x}:Q", title=label(x)),
            y=alt.Y(f"{metric}:Q", title=label(metric)),
            tooltip=[alt.Tooltip(f"{x}:Q", title=label(x)),
                     alt.Tooltip(f"{metric}:Q", title=label(metric), format=".3~f")])
        layers = [base]
        if shade is not None:
            band = alt.Chart(pd.DataFrame({"start": [shade[0]], "end": [shade[1]]})).mark_rect(
                color="#BBBBBB", opacity=0.25).encode(x="start:Q", x2="end:Q")
            layers.insert(0, band)
        if reference is not None:
            layers.insert(1, alt.Chart(reference).mark_line(
                color="#777777", strokeDash=[4, 3], strokeWidth=1.5).encode(
                x=f"{x}:Q", y=f"{metric}:Q"))
        panels.append(alt.layer(*layers).properties(width=width, height=height))
    rows = [alt.hconcat(*panels[i:i + columns]) for i in range(0, len(panels), columns)]
    chart = alt.vconcat(*rows).add_params(*params.values())
    return chart.properties(description=description or (
        f"Line charts of {', '.join(label(m).lower() for m in metrics)} by {label(x).lower()} "
        f"for the setting chosen with the {', '.join(label(s).lower() for s in sliders)} "
        f"slider{'s' if len(sliders) > 1 else ''}"
        + (f"; the dashed grey line is {reference_label}" if reference is not None else "")))


def style_map(summary: pd.DataFrame, metric: str, url: str | None = None,
              description: str = "", marker: Mapping[str, alt.Parameter] | None = None,
              scheme: str = "viridis", reverse: bool = False, fmt: str = ",.0f",
              title: str | None = None, size: int = 260) -> alt.LayerChart:
    """The control x inspiration square coloured by ``metric`` (one row per style).

    ``marker`` maps ``"control"``/``"inspiration"`` to slider parameters defined elsewhere; a
    ring marks the style they pick.
    """
    data = source(summary, url)
    heat = alt.Chart(data).mark_rect().encode(
        x=alt.X("control:O", title=label("control"), axis=alt.Axis(format=".1f", labelAngle=0)),
        y=alt.Y("inspiration:O", title=label("inspiration"), sort="descending",
                axis=alt.Axis(format=".1f")),
        color=alt.Color(f"{metric}:Q", title=title or label(metric),
                        scale=alt.Scale(scheme=scheme, reverse=reverse)),
        tooltip=[alt.Tooltip("control:Q", title="Control"),
                 alt.Tooltip("inspiration:Q", title="Inspiration"),
                 alt.Tooltip(f"{metric}:Q", title=title or label(metric), format=fmt)])
    layers = [heat]
    if marker:
        layers.append(alt.Chart(data).transform_filter(matches(marker)).mark_point(
            shape="square", size=size * 1.6, strokeWidth=3, color="white", filled=False).encode(
            x="control:O", y=alt.Y("inspiration:O", sort="descending")))
    return alt.layer(*layers).properties(width=size, height=size, description=description or (
        f"Heat map of {label(metric).lower()} over the square of control (left to right) and "
        f"inspiration (bottom to top)"))


def bars(frame: pd.DataFrame, x: str, y: str, sliders: Sequence[str] = (),
         color: str | None = None, url: str | None = None, description: str = "",
         defaults: Mapping[str, float] | None = None, domain: tuple[float, float] | None = None,
         width: int = 320, height: int = 200) -> alt.Chart:
    """Bars of ``y`` by category ``x`` (optionally coloured by ``color``), filtered by sliders."""
    defaults = defaults or {}
    params = {c: slider(c, frame[c], defaults.get(c)) for c in sliders}
    chart = alt.Chart(source(frame, url))
    if params:
        chart = chart.transform_filter(matches(params))
    scale = alt.Scale(domain=list(domain)) if domain else alt.Undefined
    encoding = {
        "x": alt.X(f"{x}:N", title=label(x), axis=alt.Axis(labelAngle=0)),
        "y": alt.Y(f"{y}:Q", title=label(y), scale=scale),
        "tooltip": [alt.Tooltip(f"{x}:N", title=label(x)),
                    alt.Tooltip(f"{y}:Q", title=label(y), format=".3~f")],
    }
    if color:
        encoding["color"] = alt.Color(f"{color}:N", title=label(color),
                                      scale=alt.Scale(range=OKABE_ITO))
        encoding["xOffset"] = alt.XOffset(f"{color}:N")
    chart = chart.mark_bar().encode(**encoding).properties(width=width, height=height)
    if params:
        chart = chart.add_params(*params.values())
    return chart.properties(description=description or (
        f"Bar chart of {label(y).lower()} by {label(x).lower()}"
        + (f" for the setting chosen with the {', '.join(label(s).lower() for s in sliders)} "
           "slider" if sliders else "")))


def styles_over_time(frame: pd.DataFrame, metric: str, style: str = "style",
                     shade: tuple[int, int] | None = None, url: str | None = None,
                     description: str = "", width: int = 460, height: int = 200) -> alt.LayerChart:
    """One line per named style of ``metric`` by week, in each style's own colour."""
    names = list(dict.fromkeys(frame[style]))
    colours = [STYLE_COLOURS.get(n, OKABE_ITO[i % len(OKABE_ITO)]) for i, n in enumerate(names)]
    lines = alt.Chart(source(frame, url)).mark_line(strokeWidth=2.5).encode(
        x=alt.X("week:Q", title=label("week")),
        y=alt.Y(f"{metric}:Q", title=label(metric)),
        color=alt.Color(f"{style}:N", title="Style", sort=names,
                        scale=alt.Scale(domain=names, range=colours)),
        strokeDash=alt.StrokeDash(f"{style}:N", sort=names, legend=None),
        tooltip=[f"{style}:N", alt.Tooltip("week:Q"),
                 alt.Tooltip(f"{metric}:Q", title=label(metric), format=".3~f")])
    layers = [lines]
    if shade is not None:
        layers.insert(0, alt.Chart(pd.DataFrame({"start": [shade[0]], "end": [shade[1]]}))
                      .mark_rect(color="#BBBBBB", opacity=0.25).encode(x="start:Q", x2="end:Q"))
    return alt.layer(*layers).properties(width=width, height=height, description=description or (
        f"Line chart of {label(metric).lower()} by week, one line per style: "
        f"{', '.join(names)}"))


def lines_over_time(frame: pd.DataFrame, panels: Sequence[str], series: str = "series",
                    colours: Mapping[str, str] | None = None, dashed: Sequence[str] = (),
                    shade: tuple[int, int] | pd.DataFrame | None = None, legend: str = "Line",
                    url: str | None = None, description: str = "", width: int = 250,
                    height: int = 120, columns: int = 2) -> alt.VConcatChart:
    """Small multiples, one panel per measure, with one line per ``series`` in each panel.

    ``frame`` is long: columns ``week``, ``panel`` (a measure named in ``panels``), ``series``
    and ``value``. Every panel reads the same rows, so a live dashboard swaps one dataset.
    ``colours`` maps series to colours (default: the style colours, then Okabe-Ito);
    ``dashed`` series are drawn dashed (references). ``shade`` is (first, last) week of a
    shaded band, or a frame with ``start`` and ``end`` columns.
    """
    names = list(dict.fromkeys(frame[series]))
    colours = colours or {}
    palette = [colours.get(n, STYLE_COLOURS.get(n, OKABE_ITO[i % len(OKABE_ITO)]))
               for i, n in enumerate(names)]
    dashes = [[5, 3] if n in dashed else [1, 0] for n in names]
    data = source(frame, url)
    if isinstance(shade, tuple):
        shade = pd.DataFrame({"start": [shade[0]], "end": [shade[1]]})
    charts = []
    for panel in panels:
        lines = alt.Chart(data).transform_filter(alt.datum.panel == panel).mark_line(
            strokeWidth=2.2).encode(
            x=alt.X("week:Q", title=label("week"), scale=alt.Scale(nice=False)),
            y=alt.Y("value:Q", title=label(panel)),
            color=alt.Color(f"{series}:N", title=legend, sort=names,
                            scale=alt.Scale(domain=names, range=palette)),
            strokeDash=alt.StrokeDash(f"{series}:N", sort=names, title=legend,
                                      scale=alt.Scale(domain=names, range=dashes)),
            tooltip=[alt.Tooltip(f"{series}:N", title=legend), alt.Tooltip("week:Q"),
                     alt.Tooltip("value:Q", title=label(panel), format=".3~f")])
        layers = [lines]
        if shade is not None:
            layers.insert(0, alt.Chart(shade).mark_rect(color="#BBBBBB", opacity=0.25).encode(
                x="start:Q", x2="end:Q"))
        charts.append(alt.layer(*layers).properties(width=width, height=height))
    rows = [alt.hconcat(*charts[i:i + columns]) for i in range(0, len(charts), columns)]
    return alt.vconcat(*rows).properties(description=description or (
        f"Line charts of {', '.join(label(p).lower() for p in panels)} by week, one line per "
        f"{legend.lower()}: {', '.join(names)}"))


def series_explorer(frame: pd.DataFrame, panels: Mapping[str, Sequence[str]],
                    sliders: Sequence[str], x: str = "week",
                    names: Mapping[str, str] | None = None, dashed: Sequence[str] = (),
                    url: str | None = None, description: str = "",
                    defaults: Mapping[str, float] | None = None,
                    shade: tuple[int, int] | None = None, rule: str | None = None,
                    legend: str = "Line", width: int = 250, height: int = 120,
                    columns: int = 2) -> alt.VConcatChart:
    """Small multiples with one or several lines per panel, for the setting the sliders pick.

    ``frame`` is wide: one row per slider setting and ``x``, one column per line. ``panels``
    maps each panel's measure (a column name or a free-text axis title) to the columns drawn in
    it, e.g. a CRM forecast beside the revenue it forecast. Lines in panels with several lines
    share one legend (above the panels) by their ``names`` (default: their labels); ``dashed``
    columns are drawn dashed; a panel with one line needs no legend. ``rule`` names one of the
    sliders whose value is marked by a vertical line on ``x`` (e.g. the week a manager switches
    style); ``shade`` = (first, last) ``x`` of a shaded band.
    """
    defaults = defaults or {}
    named = {c: (names or {}).get(c, label(c))
             for cols in panels.values() if len(cols) > 1 for c in cols}
    order = list(dict.fromkeys(named.values()))
    palette = [OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(order))]
    dashes = [[5, 3] if any(named[c] == n for c in dashed) else [1, 0] for n in order]
    params = {c: slider(c, frame[c], defaults.get(c)) for c in sliders}
    # A line's legend name, looked up in the browser from the folded column name.
    name_of = "datum.series"
    for column, name in reversed(list(named.items())):
        name_of = f"datum.series === {json.dumps(column)} ? {json.dumps(name)} : ({name_of})"
    data = source(frame, url)
    charts = []
    for panel, cols in panels.items():
        title = LABELS.get(panel, panel)
        base = alt.Chart(data).transform_filter(matches(params))
        x_axis = alt.X(f"{x}:Q", title=label(x), scale=alt.Scale(nice=False))
        if len(cols) == 1:
            lines = base.mark_line(strokeWidth=2.2, color=OKABE_ITO[0]).encode(
                x=x_axis, y=alt.Y(f"{cols[0]}:Q", title=title),
                tooltip=[alt.Tooltip(f"{x}:Q", title=label(x)),
                         alt.Tooltip(f"{cols[0]}:Q", title=title, format=".3~f")])
        else:
            lines = base.transform_fold(list(cols), as_=["series", "value"]).transform_calculate(
                line=name_of).mark_line(strokeWidth=2.2).encode(
                x=x_axis, y=alt.Y("value:Q", title=title),
                color=alt.Color("line:N", title=legend, sort=order,
                                scale=alt.Scale(domain=order, range=palette),
                                legend=alt.Legend(orient="top")),
                strokeDash=alt.StrokeDash("line:N", sort=order, title=legend,
                                          scale=alt.Scale(domain=order, range=dashes),
                                          legend=alt.Legend(orient="top")),
                tooltip=[alt.Tooltip("line:N", title=legend),
                         alt.Tooltip(f"{x}:Q", title=label(x)),
                         alt.Tooltip("value:Q", title=title, format=".3~f")])
        layers = [lines]
        if shade is not None:
            layers.insert(0, alt.Chart(pd.DataFrame({"start": [shade[0]], "end": [shade[1]]}))
                          .mark_rect(color="#BBBBBB", opacity=0.25).encode(x="start:Q",
                                                                           x2="end:Q"))
        if rule is not None:
            layers.append(alt.Chart(pd.DataFrame({"at": [0]})).transform_calculate(
                at=params[rule].name).mark_rule(color="#555555", strokeDash=[2, 2]).encode(
                x="at:Q"))
        charts.append(alt.layer(*layers).properties(width=width, height=height))
    rows = [alt.hconcat(*charts[i:i + columns]) for i in range(0, len(charts), columns)]
    chart = alt.vconcat(*rows).add_params(*params.values())
    return chart.properties(description=description or (
        f"Line charts of {', '.join(LABELS.get(p, p) for p in panels)} by "
        f"{label(x).lower()}, for the setting chosen with the "
        f"{', '.join(label(s).lower() for s in sliders)} slider{'s' if len(sliders) > 1 else ''}"
        + (f"; lines: {', '.join(order)}" if order else "")))
