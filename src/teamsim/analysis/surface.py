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
error (and computes the kink statistic below), and :func:`largest` names the largest.
``python -m teamsim.analysis.surface`` prints the surfaces of the default and the calm
scenario with their largest ``|d2| / SE`` and largest kink statistic.

Standard errors. Every style meets the same starting teams (common random numbers), so the means
at neighbouring points are correlated and the textbook ``sqrt(se[i-1]**2 + 4 se[i]**2 +
se[i+1]**2)`` (independent means) is wrong: usually too large, which would hide a kink. With
per-run values (``per_run``), each run's own second difference is taken and its standard error
is their spread over runs: the paired estimate, right whatever the correlation.

With ~200 second differences tested, ``|d2| / SE`` up to about 3.5 is what noise alone gives.
But a real, smooth curvature (diminishing returns to a lever) is also many SEs away from 0 once
common random numbers make the SEs small: it is spread evenly along the axis, not concentrated
at one point. So a second statistic isolates kinks: each second difference less the mean of its
two neighbours (:data:`SPIKE`), zero on any cubic, ``d h`` at a kink (and ``-d h / 2`` beside
it). A large ``|d2| / SE`` with a small ``|spike| / SE`` is curvature; a large spike is a kink.
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


D2 = (1.0, -2.0, 1.0)
"""The second difference ``f[k-1] - 2 f[k] + f[k+1]``."""
SPIKE = (-0.5, 2.0, -3.0, 2.0, -0.5)
"""A second difference less the mean of its two neighbours', ``d2[k] - (d2[k-1] + d2[k+1]) / 2``:
zero on any cubic, so a smooth curvature cancels, while a kink keeps its full ``d h``."""


def stencil(values: np.ndarray, axis: int, coefs: tuple[float, ...]) -> np.ndarray:
    """``sum_j coefs[j] * f[k - m + j]`` along ``axis`` (``m`` = half the stencil), NaN where
    the stencil does not fit; same shape as ``values``."""
    values = np.asarray(values, dtype=float)
    half = len(coefs) // 2
    n = values.shape[axis]
    out = np.full(values.shape, np.nan)
    if n < len(coefs):
        return out
    total = np.zeros(values.shape[:axis] + (n - 2 * half,) + values.shape[axis + 1:])
    for j, coef in enumerate(coefs):
        total += coef * np.take(values, range(j, j + n - 2 * half), axis=axis)
    index = [slice(None)] * values.ndim
    index[axis] = slice(half, n - half)
    out[tuple(index)] = total
    return out


def second_difference(values: np.ndarray, axis: int) -> np.ndarray:
    """``f[k-1] - 2 f[k] + f[k+1]`` along ``axis``, NaN at the two ends (same shape)."""
    return stencil(values, axis, D2)


def paired_se(per_run: np.ndarray, coefs: tuple[float, ...] = D2) -> dict[str, np.ndarray]:
    """Standard error of a stencil (by default the second difference) along each axis, from
    run-by-run values ``(controls, inspirations, runs)``: the spread over runs of each run's
    own value, over sqrt(runs)."""
    runs = per_run.shape[-1]
    if runs < 2:
        raise ValueError(f"per_run needs at least 2 runs to estimate a spread, got {runs}")
    return {axis: stencil(per_run, k, coefs).std(-1, ddof=1) / np.sqrt(runs)
            for k, axis in enumerate(AXES)}


def independent_se(se: np.ndarray, coefs: tuple[float, ...] = D2) -> dict[str, np.ndarray]:
    """Standard error of a stencil along each axis if the means were independent:
    ``sqrt(sum_j coefs[j]**2 se[k - m + j]**2)``."""
    var = np.asarray(se, dtype=float) ** 2
    squares = tuple(c * c for c in coefs)
    return {axis: np.sqrt(stencil(var, k, squares)) for k, axis in enumerate(AXES)}


def second_differences(surface: pd.DataFrame, se: pd.DataFrame,
                       per_run: np.ndarray | None = None) -> pd.DataFrame:
    """Every second difference of ``surface`` along control and along inspiration, over its SE.

    ``surface`` and ``se`` are tables with control down the rows and inspiration across (as
    ``revenue_surface(...)["revenue"]`` and ``["se"]``). Along control the second difference is
    taken at every point with a control value inside the grid (9x11 at step 0.1), along
    inspiration at every point with an inspiration value inside it (11x9). SEs are the paired
    ones from ``per_run`` (:func:`paired_se`; shape ``(controls, inspirations, runs)``) when
    given, else the independent-means ones from ``se`` (:func:`independent_se`).

    Returns one row per point and axis: ``control``, ``inspiration``, ``axis``, ``d2``, ``se``,
    ``z = d2 / se``, and the kink statistic (:data:`SPIKE`: the second difference less its
    neighbours' mean) ``spike``, ``spike_se``, ``spike_z`` (NaN next to the edges, where a
    neighbour is missing).
    """
    values = surface.to_numpy(float)
    if se.shape != surface.shape:
        raise ValueError(f"se must have the surface's shape {surface.shape}, got {se.shape}")
    if per_run is not None:
        if per_run.shape[:2] != values.shape:
            raise ValueError(f"per_run must be (controls, inspirations, runs) = "
                             f"{values.shape + ('runs',)}, got {per_run.shape}")
        errors, spike_errors = paired_se(per_run, D2), paired_se(per_run, SPIKE)
    else:
        errors, spike_errors = independent_se(se.to_numpy(), D2), independent_se(se.to_numpy(),
                                                                                 SPIKE)
    c, i = np.meshgrid(surface.index.to_numpy(float), surface.columns.to_numpy(float),
                       indexing="ij")
    frames = []
    for k, axis in enumerate(AXES):
        d2, spike = stencil(values, k, D2), stencil(values, k, SPIKE)
        keep = np.isfinite(d2)
        with np.errstate(divide="ignore", invalid="ignore"):
            z, spike_z = d2 / errors[axis], spike / spike_errors[axis]
        frames.append(pd.DataFrame({
            "control": c[keep], "inspiration": i[keep], "axis": axis,
            "d2": d2[keep], "se": errors[axis][keep], "z": z[keep],
            "spike": spike[keep], "spike_se": spike_errors[axis][keep],
            "spike_z": spike_z[keep]}))
    return pd.concat(frames, ignore_index=True)


def largest(d2: pd.DataFrame, column: str = "z") -> pd.Series:
    """The row of :func:`second_differences` with the largest ``|column|`` (``"z"``: the
    second difference over its SE; ``"spike_z"``: the kink statistic over its SE)."""
    return d2.loc[d2[column].abs().idxmax()]


def report(scenario: Scenario, name: str, runs: int = RUNS, seed: int = 0) -> str:
    """The surface in $k, its best style and its largest second difference, as text."""
    surface = revenue_surface(scenario, runs=runs, seed=seed)
    revenue, se = surface["revenue"], surface["se"]
    per_run = per_run_revenue(scenario, runs=runs, seed=seed)
    means = pd.DataFrame(per_run.mean(-1), index=revenue.index, columns=revenue.columns)
    gap = float(np.abs(means - revenue).to_numpy().max())
    best = revenue.stack().idxmax()
    # The paired test takes its differences and their SEs from the same runs.
    paired = second_differences(means, se, per_run)
    independent = second_differences(revenue, se)

    def where(r: pd.Series) -> str:
        return f"along {r['axis']} at C={r['control']:.1f}, I={r['inspiration']:.1f}"

    top, spike, top_ind = largest(paired), largest(paired, "spike_z"), largest(independent)
    d2_by_axis = paired.groupby("axis")["d2"].agg(["min", "median", "max"]).round(0)
    shown = revenue.round(0).astype(int)
    shown.index = [f"C={c:.1f}" for c in shown.index]
    shown.columns = [f"I={i:.1f}" for i in shown.columns]
    n_spike = int(paired["spike_z"].notna().sum())
    lines = [
        f"{name}: yearly revenue, $k (rows control, columns inspiration), {runs} runs, "
        f"seed {seed}",
        shown.to_string(),
        f"standard error of a point: {se.to_numpy().min():.0f}-{se.to_numpy().max():.0f} $k",
        f"best style: C={best[0]:.1f}, I={best[1]:.1f} ({revenue.loc[best]:.0f} $k)",
        "second differences d2 ($k), min/median/max by axis: "
        + "; ".join(f"{axis} {r['min']:.0f}/{r['median']:.0f}/{r['max']:.0f}"
                    for axis, r in d2_by_axis.iterrows()),
        f"largest |d2|/SE (paired SE over runs): {abs(top['z']):.2f} {where(top)} "
        f"(d2 = {top['d2']:.0f} $k, SE {top['se']:.0f}); "
        f"{int((paired['z'].abs() > 3).sum())} of {len(paired)} over 3",
        f"largest |kink|/SE (d2 less its neighbours' mean, paired SE): "
        f"{abs(spike['spike_z']):.2f} {where(spike)} (kink = {spike['spike']:.0f} $k, "
        f"SE {spike['spike_se']:.0f}); {int((paired['spike_z'].abs() > 3).sum())} of "
        f"{n_spike} over 3",
        f"largest |d2|/SE with independent-means SEs (too wide under common random numbers): "
        f"{abs(top_ind['z']):.2f} {where(top_ind)}",
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
