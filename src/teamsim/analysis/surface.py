"""The yearly-revenue surface over the style map, and a test of it for ridges and kinks.

DESIGN.md asks that the manager's finite week be a smooth trade-off, not a ridge. On a smooth
surface the second difference over a grid step ``h`` is ``f'' h**2``: small (0.01 of the
curvature at ``h = 0.1``) and changing slowly from point to point. A kink - a slope that jumps
by ``d`` at a point, as a hard budget or a clamp makes - gives a second difference of ``d h``
at that point alone: ten times larger at this step, and it stands out against its noise.

:func:`revenue_surface` is the 11x11 table of yearly revenue from :func:`~teamsim.sweep`, with
its standard errors; :func:`per_run_revenue` gives the same styles run by run (from
:func:`~teamsim.batch`, which runs fixed styles as :func:`~teamsim.sweep` does, on the same
starting teams); :func:`second_differences` divides every second difference by its standard
error, and :func:`largest` names the largest. ``python -m teamsim.analysis.surface`` prints the
surfaces of the default and the calm scenario with their largest ``|d2| / SE``.

Standard errors. Every style meets the same starting teams (common random numbers), so the means
at neighbouring points are correlated and the textbook ``sqrt(se[i-1]**2 + 4 se[i]**2 +
se[i+1]**2)`` (independent means) is wrong: usually too large, which would hide a kink. With
per-run values (``per_run``), each run's own second difference is taken and its standard error
is their spread over runs: the paired estimate, right whatever the correlation.

With ~200 second differences tested, ``|d2| / SE`` up to about 3.5 is what noise alone gives;
a real curvature (an interior best style) can also be many SEs away from 0 when the runs are
many, but then it is spread evenly along the axis, not concentrated at one point.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from teamsim.model import Scenario, Style, batch, sweep

AXES = ("control", "inspiration")
RUNS = 100
"""Runs per style for the printed surfaces: yearly revenue varies ~10% between runs, so a
point's mean has a standard error near 1%."""
CHUNK = 60_000
"""Rep-slots (styles x runs x team size) per :func:`batch` in :func:`per_run_revenue`."""


def grid(step: float = 0.1) -> list[float]:
    """Lever values from 0 to 1 in steps of ``step`` (which must divide 1)."""
    n = round(1 / step)
    if not 0 < step <= 1 or abs(n * step - 1) > 1e-9:
        raise ValueError(f"step must divide 1 (e.g. 0.1, 0.25, 0.5), got {step!r}")
    return [round(k / n, 10) for k in range(n + 1)]


def revenue_surface(scenario: Scenario | None = None, runs: int = RUNS, seed: int = 0,
                    step: float = 0.1) -> pd.DataFrame:
    """Yearly revenue ($k) over the style map, and its standard error, from :func:`sweep`.

    Returns a table with one row per control value (index ``control``, 0 to 1) and columns
    ``("revenue", inspiration)`` and ``("se", inspiration)``: ``surface["revenue"]`` is the
    11x11 (at ``step=0.1``) table of mean yearly revenue, ``surface["se"]`` the standard error
    of each mean over runs.
    """
    scenario = Scenario.default() if scenario is None else scenario
    values = grid(step)
    table = sweep(values, values, scenario, runs=runs, seed=seed)
    # Horizon revenue; for a year it is the yearly revenue.
    wide = {name: table.pivot(index="control", columns="inspiration", values=column)
            for name, column in (("revenue", "revenue"), ("se", "revenue_se"))}
    return pd.concat(wide, axis=1, names=["quantity", "inspiration"])


def per_run_revenue(scenario: Scenario | None = None, runs: int = RUNS, seed: int = 0,
                    step: float = 0.1, chunk: int = CHUNK) -> np.ndarray:
    """Revenue over the horizon of every style of the grid, run by run: ``(controls,
    inspirations, runs)``, in the order of :func:`grid`.

    The styles are run with :func:`batch`, a few control rows at a time (about ``chunk``
    rep-slots per batch, to bound memory: a batch keeps rep records), every batch on the same
    ``runs`` starting teams (the same ``seed``), as :func:`sweep` runs them. Run ``r`` of every
    style starts from the same team, so second differences can be paired run by run.
    """
    scenario = Scenario.default() if scenario is None else scenario
    values = grid(step)
    n = len(values)
    rows = max(1, chunk // (n * runs * scenario.team_size))
    out = np.empty((n, n, runs))
    for lo in range(0, n, rows):
        controls = values[lo:lo + rows]
        styles = [Style(c, i) for c in controls for i in values]
        result = batch(styles, scenario, runs=runs, seed=seed)
        totals = result.team["revenue"].sum(0)  # (styles * runs,): style g is block g
        per_style = np.stack([totals[result.block(g)] for g in range(len(styles))])
        out[lo:lo + len(controls)] = per_style.reshape(len(controls), n, runs)
    return out


def second_difference(values: np.ndarray, axis: int) -> np.ndarray:
    """``f[k-1] - 2 f[k] + f[k+1]`` along ``axis``, NaN at the two ends (same shape)."""
    values = np.asarray(values, dtype=float)
    out = np.full(values.shape, np.nan)
    inner = [slice(None)] * values.ndim
    lo, mid, hi = list(inner), list(inner), list(inner)
    lo[axis], mid[axis], hi[axis] = slice(None, -2), slice(1, -1), slice(2, None)
    target = list(inner)
    target[axis] = slice(1, -1)
    out[tuple(target)] = values[tuple(lo)] - 2 * values[tuple(mid)] + values[tuple(hi)]
    return out


def paired_se(per_run: np.ndarray) -> dict[str, np.ndarray]:
    """Standard error of each second difference from run-by-run values (controls, inspirations,
    runs): the spread over runs of each run's own second difference, over sqrt(runs)."""
    runs = per_run.shape[-1]
    if runs < 2:
        raise ValueError(f"per_run needs at least 2 runs to estimate a spread, got {runs}")
    return {axis: second_difference(per_run, k).std(-1, ddof=1) / np.sqrt(runs)
            for k, axis in enumerate(AXES)}


def second_differences(surface: pd.DataFrame, se: pd.DataFrame,
                       per_run: np.ndarray | None = None) -> pd.DataFrame:
    """Every second difference of ``surface`` along control and along inspiration, over its SE.

    ``surface`` and ``se`` are tables with control down the rows and inspiration across (as
    ``revenue_surface(...)["revenue"]`` and ``["se"]``). Along control the second difference is
    taken at every point with a control value inside the grid (9x11 at step 0.1), along
    inspiration at every point with an inspiration value inside it (11x9). Its SE is the paired
    one from ``per_run`` (:func:`paired_se`; shape ``(controls, inspirations, runs)``) when
    given, else the independent-means one from ``se``.

    Returns one row per point and axis: ``control``, ``inspiration``, ``axis``, ``d2``, ``se``
    and ``z = d2 / se``.
    """
    values = surface.to_numpy(float)
    if se.shape != surface.shape:
        raise ValueError(f"se must have the surface's shape {surface.shape}, got {se.shape}")
    if per_run is not None:
        if per_run.shape[:2] != values.shape:
            raise ValueError(f"per_run must be (controls, inspirations, runs) = "
                             f"{values.shape + ('runs',)}, got {per_run.shape}")
        errors = paired_se(per_run)
    else:
        var = se.to_numpy(float) ** 2
        errors = {axis: np.sqrt(second_difference(var, k) + 6 * var)  # v[-1] + 4 v + v[+1]
                  for k, axis in enumerate(AXES)}
    controls = surface.index.to_numpy(float)
    inspirations = surface.columns.to_numpy(float)
    frames = []
    for k, axis in enumerate(AXES):
        d2 = second_difference(values, k)
        keep = np.isfinite(d2)
        c, i = np.meshgrid(controls, inspirations, indexing="ij")
        with np.errstate(divide="ignore", invalid="ignore"):
            z = d2 / errors[axis]
        frames.append(pd.DataFrame({"control": c[keep], "inspiration": i[keep], "axis": axis,
                                    "d2": d2[keep], "se": errors[axis][keep], "z": z[keep]}))
    return pd.concat(frames, ignore_index=True)


def largest(d2: pd.DataFrame) -> pd.Series:
    """The row of :func:`second_differences` with the largest ``|d2| / SE``."""
    return d2.loc[d2["z"].abs().idxmax()]


def report(scenario: Scenario, name: str, runs: int = RUNS, seed: int = 0) -> str:
    """The surface in $k, its best style and its largest second difference, as text."""
    surface = revenue_surface(scenario, runs=runs, seed=seed)
    revenue, se = surface["revenue"], surface["se"]
    per_run = per_run_revenue(scenario, runs=runs, seed=seed)
    means = pd.DataFrame(per_run.mean(-1), index=revenue.index, columns=revenue.columns)
    gap = float(np.abs(means - revenue).to_numpy().max())
    best = revenue.stack().idxmax()
    # The paired test takes its second differences and their SEs from the same runs.
    paired = second_differences(means, se, per_run)
    independent = second_differences(revenue, se)
    top, top_ind = largest(paired), largest(independent)
    shown = revenue.round(0).astype(int)
    shown.index = [f"C={c:.1f}" for c in shown.index]
    shown.columns = [f"I={i:.1f}" for i in shown.columns]
    lines = [
        f"{name}: yearly revenue, $k (rows control, columns inspiration), {runs} runs, "
        f"seed {seed}",
        shown.to_string(),
        f"standard error of a point: {se.to_numpy().min():.0f}-{se.to_numpy().max():.0f} $k",
        f"best style: C={best[0]:.1f}, I={best[1]:.1f} ({revenue.loc[best]:.0f} $k)",
        f"largest |d2|/SE (batch runs, paired SE): {abs(top['z']):.2f} along {top['axis']} at "
        f"C={top['control']:.1f}, I={top['inspiration']:.1f} (d2 = {top['d2']:.0f} $k, "
        f"SE {top['se']:.0f}); {int((paired['z'].abs() > 3).sum())} of {len(paired)} over 3",
        f"largest |d2|/SE (sweep, independent-means SE): {abs(top_ind['z']):.2f} along "
        f"{top_ind['axis']} at C={top_ind['control']:.1f}, I={top_ind['inspiration']:.1f}",
        f"batch means vs sweep means: max |difference| {gap:.3g} $k (0 when the model's "
        f"draws do not depend on how styles are grouped)",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    for label, scenario in (("Scenario.default()", Scenario.default()),
                            ("Scenario.no_shock()", Scenario.no_shock())):
        started = time.perf_counter()
        text = report(scenario, label)
        print(text)
        print(f"({time.perf_counter() - started:.1f} s)\n")
    sys.exit(0)
