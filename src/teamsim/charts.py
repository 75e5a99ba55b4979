"""Chart builders shared by the book (kernel-free sliders) and the workbook (live dashboards).

Every builder takes a tidy DataFrame and returns an Altair chart with a text ``description``
(vega-embed turns it into the chart's ARIA label). In the book, pass ``url=`` to read the rows
from a data file published beside the page instead of inlining them, so several charts can
share one file; the frame is still needed for slider ranges and column types.

Sliders are Vega-Lite parameters bound to range inputs: they filter precomputed rows in the
browser, with no kernel. Colours are the Okabe-Ito palette, safe for colour-blind readers.

Charts also carry words for readers who cannot see them (:func:`words`): a summary of what the
chart shows for each setting of its controls, and each slider's value in words. The book's
``vega-embed-defaults.js`` reads them and writes the summary under the chart, updated as the
controls move; a live dashboard ignores them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence

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


LIVE = "teamsim_live_dataset"
"""The key in ``DataFrame.attrs`` under which :func:`named` records a frame's dataset name."""


def named(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """``frame`` (a shallow copy) to be read from the named dataset ``name``, not inlined.

    A chart built from it reads ``{"data": {"name": name}}``: a live chart
    (:class:`teamsim.course.livechart.LiveChart`) supplies that dataset's rows and replaces them by
    name. The frame itself still gives the builders its columns, types and values.
    """
    marked = frame.copy(deep=False)
    marked.attrs = {**frame.attrs, LIVE: name}
    return marked


def source(frame: pd.DataFrame, url: str | None) -> alt.Data | pd.DataFrame:
    """Rows inline (a DataFrame), from a published CSV file at ``url``, or, for a frame marked
    with :func:`named`, from the dataset of that name."""
    if url is None:
        name = frame.attrs.get(LIVE)
        return frame if name is None else alt.NamedData(name=name)
    parse = {c: "number" for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])}
    return alt.UrlData(url=url, format=alt.CsvDataFormat(type="csv", parse=parse))


def band(shade: tuple[int, int] | pd.DataFrame) -> alt.Chart:
    """A light grey band from week ``shade[0]`` to week ``shade[1]`` (e.g. the market shock),
    or one per row of a frame with ``start`` and ``end`` columns."""
    weeks = shade if isinstance(shade, pd.DataFrame) else pd.DataFrame(
        {"start": [shade[0]], "end": [shade[1]]})
    return alt.Chart(source(weeks, None)).mark_rect(color="#BBBBBB", opacity=0.25).encode(
        x="start:Q", x2="end:Q")


def layered(*charts: alt.Chart | alt.LayerChart) -> alt.LayerChart:
    """``alt.layer`` of ``charts``, which is a layer chart here: none of them has a facet encoding.

    (Altair turns layers that share a row, column or facet encoding into a facet chart.)
    """
    chart = alt.layer(*charts)
    if not isinstance(chart, alt.LayerChart):
        raise TypeError(f"layers with facet encodings make a {type(chart).__name__}, "
                        "not the layer chart expected here")
    return chart


def grid(panels: Sequence[alt.Chart | alt.LayerChart], columns: int) -> alt.VConcatChart:
    """Lay ``panels`` out ``columns`` to a row."""
    rows = [alt.hconcat(*panels[i:i + columns]) for i in range(0, len(panels), columns)]
    return alt.vconcat(*rows)


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


VALUE_WORDS = {
    "control": "{value:.1f} (0 is none, 1 the most)",
    "inspiration": "{value:.1f} (0 is none, 1 the most)",
    "tailoring": "{value:.1f} (0 is one message for all, 1 fully tailored)",
    "demand_lost": "{value:.0%} of demand lost",
    "team_size": "{value:.0f} reps",
    "switch_week": "week {value:.0f}",
    "weeks_for_trust_to_build": "{value:.0f} weeks to build trust",
}
"""How a slider reads its value out (``aria-valuetext``), by column; others read the number."""

FORMATS = {"revenue": ",.0f", "forecast": ",.0f", "pipeline": ",.0f", "quota": ",.0f",
           "activities": ",.0f", "revenue_per_rep": ",.0f", "headcount": ".1f",
           "attrition": ".0%", "at_quota": ".0%", "lost": ".1%", "vs_policy": "+.1%",
           "gain": ",.0f"}
"""How summaries write a column's numbers (others: two decimals)."""


def number(column: str, value: float) -> str:
    """A number of ``column`` as a summary writes it: ``number("attrition", 0.18)`` -> '18%'."""
    name = column
    while name not in FORMATS and "_" in name:  # "revenue_coach" is written as revenue
        name = name.rsplit("_", 1)[0]
    return format(float(value), FORMATS.get(name, ".2f"))


def _js_value(value: object) -> object:
    """A value as JSON carries it (NumPy numbers become Python ones)."""
    return value.item() if isinstance(value, np.generic) else value


def _setting(columns: Sequence[str], key: Sequence[object]) -> str:
    """'Control 0.9, inspiration 0.1' for one setting of the sliders over ``columns``."""
    parts = [f"{label(c).lower()} "
             f"{format(float(v), 'g') if isinstance(v, (int, float, np.number)) else v}"
             for c, v in zip(columns, key, strict=True)]
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]


def _course(xs: pd.Series, ys: pd.Series, x: str, name: str, column: str) -> str:
    """One line's course in words: where it starts and ends, and its highest point."""
    xs, ys = xs.reset_index(drop=True), ys.reset_index(drop=True)
    top = int(ys.idxmax())
    xl = label(x).lower()
    return (f"{name} {number(column, ys.iloc[0])} at {xl} {xs.iloc[0]:g}, "
            f"{number(column, ys.iloc[-1])} at {xl} {xs.iloc[-1]:g}, "
            f"highest {number(column, ys.iloc[top])} at {xl} {xs.iloc[top]:g}")


def _per_setting(frame: pd.DataFrame, columns: Sequence[str],
                 say: Callable[[pd.DataFrame], str]) -> list[list[object]]:
    """``[*setting, sentence]`` for each setting of the sliders over ``columns``."""
    rows = []
    for key, rows_at in frame.groupby(list(columns), sort=True):
        key = key if isinstance(key, tuple) else (key,)
        rows.append([*(_js_value(k) for k in key), f"{_setting(columns, key)}: {say(rows_at)}."])
    return rows


def words(summaries: Sequence[Mapping[str, object]] = (), sliders: Sequence[str] = (),
          labels: Mapping[str, str] | None = None) -> alt.Parameter:
    """A parameter that carries a chart's words for the book (it draws nothing).

    ``summaries`` are ``{"params": [slider names], "rows": [[*values, sentence], ...]}`` (the
    sentence for each setting) or ``{"signal": name}`` (a parameter whose value is the
    sentence); ``sliders`` get their value in words from :data:`VALUE_WORDS`; ``labels`` name
    the data's columns in the "Show the data" table (default: the labels of the columns the
    summaries use). Several such parameters may sit on one chart; the page joins them.
    """
    value = {"summaries": [dict(s) for s in summaries],
             "valuetext": {c: {"text": VALUE_WORDS[c]} for c in sliders if c in VALUE_WORDS},
             "labels": dict(labels or {})}
    digest = hashlib.sha1(json.dumps(value, sort_keys=True).encode()).hexdigest()[:12]
    return alt.param(name=f"teamsim_words_{digest}", value=value)


def column_labels(*frames: pd.DataFrame) -> dict[str, str]:
    """The labels of the columns of ``frames`` that have one."""
    return {c: LABELS[c] for f in frames for c in f.columns if c in LABELS}


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
            layers.insert(0, band(shade))
        if reference is not None:
            layers.insert(1, alt.Chart(reference).mark_line(
                color="#777777", strokeDash=[4, 3], strokeWidth=1.5).encode(
                x=f"{x}:Q", y=f"{metric}:Q"))
        panels.append(layered(*layers).properties(width=width, height=height))

    def say(rows: pd.DataFrame) -> str:
        rows = rows.sort_values(x)
        return "; ".join(_course(rows[x], rows[m], x, label(m), m) for m in metrics)

    chart = grid(panels, columns).add_params(*params.values(), words(
        [{"params": list(sliders), "rows": _per_setting(frame, sliders, say)}], sliders,
        column_labels(frame)))
    return chart.properties(description=description or (
        f"Line charts of {', '.join(label(m).lower() for m in metrics)} by {label(x).lower()} "
        f"for the setting chosen with the {', '.join(label(s).lower() for s in sliders)} "
        f"slider{'s' if len(sliders) > 1 else ''}"
        + (f"; the dashed grey line is {reference_label}" if reference is not None else "")))


def ring_layer(data: alt.Data | pd.DataFrame, size: int) -> alt.Chart:
    """The white square that marks a style on a style map of ``size`` pixels."""
    if isinstance(data, pd.DataFrame):
        data = source(data, None)
    return alt.Chart(data).mark_point(shape="square", size=size * 1.6, strokeWidth=3,
                                      color="white", filled=False).encode(
        x="control:O", y=alt.Y("inspiration:O", sort="descending"))


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
                        # Altair types scheme as a Literal of Vega's scheme names, not str.
                        scale=alt.Scale(scheme=scheme, reverse=reverse)),  # type: ignore[arg-type]
        tooltip=[alt.Tooltip("control:Q", title="Control"),
                 alt.Tooltip("inspiration:Q", title="Inspiration"),
                 alt.Tooltip(f"{metric}:Q", title=title or label(metric), format=fmt)])
    layers = [heat]
    if marker:
        layers.append(ring_layer(data, size).transform_filter(matches(marker)))
    chart = layered(*layers)
    if marker:
        name = title or label(metric)
        rows = [[*(_js_value(r[c]) for c in marker),
                 f"The map at control {r['control']:g}, inspiration {r['inspiration']:g}: "
                 f"{format(float(r[metric]), fmt)} ({name})."]
                for _, r in summary.sort_values(list(marker)).iterrows()]
        chart = chart.add_params(words(
            [{"params": [p.name for p in marker.values()], "rows": rows}],
            list(marker), column_labels(summary)))
    return chart.properties(width=size, height=size, description=description or (
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
        def say(rows: pd.DataFrame) -> str:
            if color is None:
                return f"{label(y)} by {label(x).lower()}: " + ", ".join(
                    f"{r[x]} {number(y, r[y])}" for _, r in rows.iterrows())
            return f"{label(y)} by {label(x).lower()}: " + "; ".join(
                f"{kind}: " + ", ".join(f"{r[color]} {number(y, r[y])}"
                                        for _, r in group.iterrows())
                for kind, group in rows.groupby(x, sort=False))

        chart = chart.add_params(*params.values(), words(
            [{"params": list(sliders), "rows": _per_setting(frame, sliders, say)}], sliders,
            column_labels(frame)))
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
        layers.insert(0, band(shade))
    return layered(*layers).properties(width=width, height=height, description=description or (
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
            layers.insert(0, band(shade))
        charts.append(layered(*layers).properties(width=width, height=height))
    return grid(charts, columns).properties(description=description or (
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
            layers.insert(0, band(shade))
        if rule is not None:
            layers.append(alt.Chart(pd.DataFrame({"at": [0]})).transform_calculate(
                at=params[rule].name).mark_rule(color="#555555", strokeDash=[2, 2]).encode(
                x="at:Q"))
        charts.append(layered(*layers).properties(width=width, height=height))

    def say(rows: pd.DataFrame) -> str:
        rows = rows.sort_values(x)
        said = []
        for panel, cols in panels.items():
            title = LABELS.get(panel, panel)
            if len(cols) == 1:
                said.append(_course(rows[x], rows[cols[0]], x, title, cols[0]))
            else:
                said.append(f"{title}: " + ", ".join(
                    _course(rows[x], rows[c], x, named[c], c) for c in cols))
        return "; ".join(said)

    # The data table's headings: the panel's measure, and the line's name where it has several.
    headings = {c: LABELS.get(panel, panel) + (f": {named[c]}" if len(cols) > 1 else "")
                for panel, cols in panels.items() for c in cols}
    chart = grid(charts, columns).add_params(*params.values(), words(
        [{"params": list(sliders), "rows": _per_setting(frame, sliders, say)}], sliders,
        {**column_labels(frame), **headings}))
    return chart.properties(description=description or (
        f"Line charts of {', '.join(LABELS.get(p, p) for p in panels)} by "
        f"{label(x).lower()}, for the setting chosen with the "
        f"{', '.join(label(s).lower() for s in sliders)} slider{'s' if len(sliders) > 1 else ''}"
        + (f"; lines: {', '.join(order)}" if order else "")))


def self_assessment_map(summary: pd.DataFrame, metric: str,
                        statements: Mapping[str, tuple[str, str, str, int]],
                        url: str | None = None, description: str = "",
                        title: str | None = None, fmt: str = ",.0f",
                        unit: tuple[str, str] = ("", ""), size: int = 240,
                        agree_within: float = 0.1,
                        scale: Mapping[int, str] | None = None) -> alt.VConcatChart:
    """The style map with two marks placed, in the browser, by a self-assessment and by the
    same statements answered by others about that manager.

    ``statements`` maps a key to (statement about yourself, the same about "my manager", dial,
    keying), the dial being ``"control"`` or ``"inspiration"`` and the keying +1 (agreeing
    means more of the dial) or -1 (reverse keyed). Each wording gets a slider for an answer from
    1 (disagree strongly) to 5 (agree strongly). A dial's score is the mean over its statements
    of ``(answer - 1) / 4``, or ``(5 - answer) / 4`` when reverse keyed, as
    :mod:`teamsim.course.assessment` computes it. A white square marks your own placement and a
    ringed circle the others' placement, each on the nearest cell of the map's 0.1 grid. Lines
    above the map give both placements, ``metric`` at yours (written as ``unit[0] + value +
    unit[1]``) and, per dial, where the gap is (under ``agree_within`` counts as agreeing).
    With ``scale`` (the words of each answer, 1 to 5), each statement is a menu of labelled
    answers ("4 – agree") instead of a slider. The same lines, in words, are the summary the
    book writes under the chart.
    """
    sliders = {}
    scores: dict[str, dict[str, str]] = {"you": {}, "others": {}}
    for who, prefix, wording in (("you", "", 0), ("others", "their_", 1)):
        for key, item in statements.items():
            name = f"{prefix}{key}"
            prompt = f"{'You' if who == 'you' else 'Others'}: {item[wording]} "
            sliders[name] = alt.param(name=name, value=3, bind=alt.binding_range(
                min=1, max=5, step=1, name=prompt) if scale is None else alt.binding_select(
                options=list(range(1, 6)), labels=[f"{n} \u2013 {scale[n]}" for n in range(1, 6)],
                name=prompt))
        for dial in ("control", "inspiration"):
            terms = [f"({prefix}{key} - 1)" if keyed > 0 else f"(5 - {prefix}{key})"
                     for key, (_, _, on, keyed) in statements.items() if on == dial]
            if not terms:
                raise ValueError(f"statements need at least one statement for {dial!r}, got "
                                 f"dials {sorted({item[2] for item in statements.values()})}")
            scores[who][dial] = f"(({' + '.join(terms)}) / {4 * len(terms)})"

    def cell(who: str) -> str:
        return " && ".join(f"abs(datum['{dial}'] - round(10 * {expr}) / 10) < 1e-6"
                           for dial, expr in scores[who].items())

    def placed(who: str, name: str) -> str:
        return (f"'{name}: control ' + format({scores[who]['control']}, '.2f') + "
                f"', inspiration ' + format({scores[who]['inspiration']}, '.2f')")

    def gap(dial: str) -> str:
        diff = f"(round(100 * {scores['you'][dial]}) - round(100 * {scores['others'][dial]}))"
        return (f"'{dial.capitalize()}: ' + (abs({diff}) < {round(100 * agree_within)} ? "
                f"'the two agree (gap under {agree_within:g})' : ({diff} > 0 ? "
                f"'others see ' + format({diff} / 100, '.2f') + ' less than you do' : "
                f"'others see ' + format(-{diff} / 100, '.2f') + ' more than you do'))")

    data = source(summary, url)
    lines = {
        "you": placed("you", "You (square)"),
        "others": placed("others", "Others (circle)"),
        "value": (f"'Map at your square: ' + {json.dumps(unit[0])} + "
                  f"format(datum['{metric}'], '{fmt}') + {json.dumps(unit[1])}"),
        "gap_control": gap("control"), "gap_inspiration": gap("inspiration")}
    here = alt.Chart(data).transform_filter(cell("you")).transform_calculate(**lines)
    readout = layered(*(here.mark_text(align="left", baseline="middle", fontSize=12).encode(
        text=f"{line}:N", x=alt.value(-40), y=alt.value(8 + 16 * i))
        for i, line in enumerate(lines))).properties(width=size, height=16 * len(lines))
    others = alt.Chart(data).transform_filter(cell("others")).encode(
        x="control:O", y=alt.Y("inspiration:O", sort="descending"))
    marks = [ring_layer(data, size).transform_filter(cell("you")),
             others.mark_point(shape="circle", size=size * 0.9, strokeWidth=5, color="white",
                               filled=False),
             others.mark_point(shape="circle", size=size * 0.9, strokeWidth=2, color="black",
                               filled=False)]
    square = layered(style_map(summary, metric, url=url, title=title, fmt=fmt, size=size),
                     *marks)
    said = [f"'You place yourself at control ' + format({scores['you']['control']}, '.2f') + "
            f"', inspiration ' + format({scores['you']['inspiration']}, '.2f') + '.'",
            f"'Others place you at control ' + format({scores['others']['control']}, '.2f') + "
            f"', inspiration ' + format({scores['others']['inspiration']}, '.2f') + '.'"]
    cells = {(round(10 * c), round(10 * i)): float(v)
             for c, i, v in summary[["control", "inspiration", metric]].itertuples(index=False)}
    if all((c, i) in cells for c in range(11) for i in range(11)):
        values = json.dumps([cells[(c, i)] for c in range(11) for i in range(11)])
        at = (f"round(10 * {scores['you']['control']}) * 11 + "
              f"round(10 * {scores['you']['inspiration']})")
        said.append(f"'The map at your placement: ' + {json.dumps(unit[0])} + "
                    f"format({values}[{at}], '{fmt}') + {json.dumps(unit[1])} + '.'")
    said += [f"{gap(dial)} + '.'" for dial in ("control", "inspiration")]
    spoken = alt.param(name="teamsim_self_assessment", expr=" + ' ' + ".join(said))
    return alt.vconcat(readout, square).add_params(
        *sliders.values(), spoken,
        words([{"signal": spoken.name, "depends": list(sliders)}], labels=column_labels(summary)),
    ).properties(
        description=description or (
            f"A self-assessment on the style map: sliders for {len(statements)} statements, "
            f"answered by you and by others about you, place a square and a circle on the map "
            f"of {label(metric).lower()} over control and inspiration"))


def scenario_board(square: pd.DataFrame, managers: pd.DataFrame, options: Mapping[str, str],
                   metric: str = "vs_policy", value: str = "revenue", choice: str = "scenario",
                   policy: str = "the policy", value_title: str = "Year revenue ($k)",
                   square_url: str | None = None, managers_url: str | None = None,
                   colours: Mapping[str, str] | None = None, description: str = "",
                   limit: float = 0.5, size: int = 220, width: int = 220) -> alt.HConcatChart:
    """A policy against every fixed style, on the scenario picked with radio buttons.

    ``square`` has a row per ``choice`` value and fixed style (``control``, ``inspiration``)
    with ``metric``: that style's result relative to the policy's (0.1 = 10% more, -0.1 = 10%
    less). Cells where the fixed style beats the policy carry a "+". ``managers`` has a row per
    ``choice`` value and ``manager`` with ``value``, drawn as bars in each manager's style
    colour (or ``colours``). ``options`` maps each ``choice`` value to the label of its radio
    button.
    """
    # Two no-break spaces keep one button's label from running into the next button.
    pick = alt.param(name=choice, value=next(iter(options)), bind=alt.binding_radio(
        options=list(options), labels=[f"{text}\u00a0\u00a0" for text in options.values()],
        name=f"{label(choice)} "))
    keep = f"datum['{choice}'] === {pick.name}"
    cells = alt.Chart(source(square, square_url)).transform_filter(keep)
    position = {"x": alt.X("control:O", title=label("control"),
                           axis=alt.Axis(format=".1f", labelAngle=0)),
                "y": alt.Y("inspiration:O", title=label("inspiration"), sort="descending",
                           axis=alt.Axis(format=".1f"))}
    heat = cells.mark_rect().encode(
        **position,
        color=alt.Color(f"{metric}:Q", title=f"vs {policy}", legend=alt.Legend(format="+.0%"),
                        scale=alt.Scale(scheme="blueorange", domain=[-limit, limit],
                                        clamp=True)),
        tooltip=[alt.Tooltip("control:Q", title="Control"),
                 alt.Tooltip("inspiration:Q", title="Inspiration"),
                 alt.Tooltip(f"{metric}:Q", title=f"Against {policy}", format="+.1%")])
    beats = cells.transform_filter(f"datum['{metric}'] > 0").mark_text(
        text="+", fontSize=15, fontWeight="bold", color="black").encode(**position)
    names = list(dict.fromkeys(managers["manager"]))
    chosen = {**STYLE_COLOURS, **(colours or {})}
    palette = [chosen.get(n, OKABE_ITO[i % len(OKABE_ITO)]) for i, n in enumerate(names)]
    bars = alt.Chart(source(managers, managers_url)).transform_filter(keep).mark_bar().encode(
        y=alt.Y("manager:N", title=None, sort="-x"),
        x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(tickCount=4, format=",.0f")),
        color=alt.Color("manager:N", legend=None, scale=alt.Scale(domain=names, range=palette)),
        tooltip=[alt.Tooltip("manager:N", title="Manager"),
                 alt.Tooltip(f"{value}:Q", title=value_title, format=",.0f")])

    def say(key: str) -> str:
        cells_at = square[square[choice] == key]
        best = cells_at.loc[cells_at[metric].idxmax()]
        ahead = int((cells_at[metric] > 0).sum())
        bars_at = managers[managers[choice] == key].sort_values(value, ascending=False)
        return (f"{options[key]}: {ahead} of {len(cells_at)} fixed styles beat {policy}; the "
                f"best, control {best['control']:g} and inspiration {best['inspiration']:g}, "
                f"is at {format(float(best[metric]), '+.1%')}. {value_title}: " + ", ".join(
                    f"{r['manager']} {float(r[value]):,.0f}" for _, r in bars_at.iterrows())
                + ".")

    spoken = words([{"params": [pick.name], "rows": [[k, say(k)] for k in options]}],
                   labels={**column_labels(square, managers), metric: f"Against {policy}",
                           value: value_title})
    return alt.hconcat(layered(heat, beats).properties(width=size, height=size),
                       bars.properties(width=width, height=size)).add_params(
        pick, spoken).properties(
        description=description or (
            f"For the scenario picked with the radio buttons: a map of every fixed style's "
            f"{value_title.lower()} against {policy}, and bars for the named managers"))
