"""teamsim against a peer: the same weekly rules as a Mesa 3 model, on the same random numbers.

Run ``python benchmarks/peer.py`` (``make bench`` runs it after ``python -m teamsim.bench``).
It prints, for one style (the Coach, 100 runs, as :func:`teamsim.simulate` runs it) and for a
sweep of styles (an 11 x 11 grid, as :func:`teamsim.sweep` runs it), how many rep-weeks each
implementation steps per second and the ratio teamsim / Mesa; then how closely the Mesa model
(``benchmarks/mesa_teamsim.py``) retraces teamsim's runs. Both sides are timed from the seed:
drawing the random numbers and making the starting teams is part of each call.

The Mesa model steps one team at a time, so its rate does not depend on how many runs it is
given; on the grid it plays the first few runs of each style to keep the benchmark short, and
those are compared with a teamsim sweep of the same runs (run ``r`` draws the same numbers
whatever the number of runs).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import mesa
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mesa_teamsim import SalesTeam, ks_statistic, per_run, relative_gap  # noqa: E402

from teamsim import COACH, Scenario, Style, simulate, sweep  # noqa: E402
from teamsim.model.engine import TEAM_METRICS, Draws, initial_state  # noqa: E402

RUNS = 100
"""Runs of the Coach, as in ``make bench``'s simulate figure."""
GRID = np.linspace(0.0, 1.0, 11)
"""Control and inspiration levels of the sweep."""
GRID_RUNS, GRID_RUNS_MESA = 100, 3
"""Runs per style of the grid: teamsim's sweep, and the Mesa model's share of them."""


def median_seconds(call: Callable[[], object], repeats: int) -> float:
    call()  # warm up
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def mesa_runs(styles: list[Style], scenario: Scenario, runs: int,
              seed: int) -> dict[str, np.ndarray]:
    """Each style's ``runs`` runs in the Mesa model, from one set of draws and starting teams
    (as teamsim's sweep does): team metrics as ``(weeks, styles * runs)`` arrays."""
    draws = Draws(runs, scenario.team_size, scenario.weeks, seed)
    start = initial_state(scenario, draws)
    played = [SalesTeam(style, scenario, draws, r, start).play()
              for style in styles for r in range(runs)]
    return {name: np.stack([one[name] for one in played], axis=1) for name in TEAM_METRICS}


def speed_line(label: str, rep_weeks: float, teamsim_s: float, mesa_s: float,
               mesa_rep_weeks: float) -> list[str]:
    fast, slow = rep_weeks / teamsim_s, mesa_rep_weeks / mesa_s
    return [f"{label}",
            f"  teamsim  {fast:>14,.0f} rep-weeks/s   ({teamsim_s * 1e3:9.1f} ms for "
            f"{rep_weeks:,.0f} rep-weeks)",
            f"  Mesa     {slow:>14,.0f} rep-weeks/s   ({mesa_s * 1e3:9.1f} ms for "
            f"{mesa_rep_weeks:,.0f} rep-weeks)",
            f"  ratio teamsim / Mesa  x{fast / slow:,.0f}"]


def main() -> None:
    scenario = Scenario.default()
    size, weeks = scenario.team_size, scenario.weeks
    started = time.perf_counter()
    print(f"Peer benchmark: teamsim (numpy {np.__version__}) against the same rules as a "
          f"Mesa {mesa.__version__} model, default scenario ({size} reps, {weeks} weeks), seed 0")

    # One style, 100 runs: simulate() against 100 Mesa models on the same draws.
    teamsim_s = median_seconds(lambda: simulate(COACH, scenario, runs=RUNS, seed=0), 20)
    start = time.perf_counter()
    played = mesa_runs([COACH], scenario, RUNS, 0)
    mesa_s = time.perf_counter() - start
    rep_weeks = RUNS * size * weeks
    for text in speed_line(f"simulate(COACH, runs={RUNS})", rep_weeks, teamsim_s, mesa_s,
                           rep_weeks):
        print(text)

    # A sweep: 121 styles; teamsim runs them all, Mesa the first few runs of each.
    styles = [Style(c, i) for c in GRID for i in GRID]
    sweep_s = median_seconds(lambda: sweep(GRID, GRID, scenario, runs=GRID_RUNS, seed=0), 2)
    start = time.perf_counter()
    grid_played = mesa_runs(styles, scenario, GRID_RUNS_MESA, 0)
    grid_mesa_s = time.perf_counter() - start
    for text in speed_line(f"sweep {len(GRID)}x{len(GRID)} styles (teamsim {GRID_RUNS} runs "
                           f"each, Mesa {GRID_RUNS_MESA})",
                           len(styles) * GRID_RUNS * size * weeks, sweep_s, grid_mesa_s,
                           len(styles) * GRID_RUNS_MESA * size * weeks):
        print(text)

    # Agreement: the Coach's 100 runs, week by week and per run.
    result = simulate(COACH, scenario, runs=RUNS, seed=0)
    reference = {name: result.weekly[name].to_numpy(dtype=float).reshape(RUNS, weeks).T
                 for name in TEAM_METRICS}
    worst = {name: float(relative_gap(reference[name], played[name]).max())
             for name in TEAM_METRICS}
    name_worst = max(worst, key=lambda name: worst[name])
    same = np.all([(relative_gap(reference[name], played[name]) <= 1e-9).all(0)
                   for name in TEAM_METRICS], axis=0)
    print(f"agreement, Coach, {RUNS} runs: largest relative gap over all {len(TEAM_METRICS)} "
          f"weekly team metrics {worst[name_worst]:.1e} ({name_worst}); runs whose every weekly "
          f"metric agrees within 1e-9: {int(same.sum())}/{RUNS}")
    ours, theirs = per_run(reference, scenario), per_run(played, scenario)
    for name in ours:
        a, b = ours[name], theirs[name]
        se = float(np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)))
        print(f"  {name:<15} teamsim mean {a.mean():10.4f}   Mesa mean {b.mean():10.4f}   "
              f"gap {abs(a.mean() - b.mean()) / se:.1e} SE   KS {ks_statistic(a, b):.3f}   "
              f"largest per-run relative gap {relative_gap(a, b).max():.1e}")

    # Agreement on the grid: each style's mean over the same runs.
    summary = sweep(GRID, GRID, scenario, runs=GRID_RUNS_MESA, seed=0)
    theirs = per_run(grid_played, scenario)
    revenue = theirs["revenue"].reshape(len(styles), GRID_RUNS_MESA).mean(1)
    quits = grid_played["quits"].sum(0).reshape(len(styles), GRID_RUNS_MESA).mean(1)
    gap_revenue = float(relative_gap(summary["revenue"].to_numpy(), revenue).max())
    gap_quits = float(np.abs(summary["quits"].to_numpy() - quits).max())
    print(f"agreement, grid of {len(styles)} styles x {GRID_RUNS_MESA} runs: largest relative "
          f"gap in mean revenue {gap_revenue:.1e}, largest gap in mean quits {gap_quits:.1e}")
    print(f"(peer benchmark took {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
