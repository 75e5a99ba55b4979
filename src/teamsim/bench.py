"""Speed figures, printed (``make bench`` or ``python -m teamsim.bench [section ...]``).

Benchmarks print numbers; they never fail a build. Goals on the 2-core reference machine:
``simulate`` runs=1 <= 10 ms, runs=100 <= 40 ms, a 21x21 sweep of 100 runs <= 6 s, time close
to linear in runs, reps and weeks.
"""

from __future__ import annotations

import dataclasses
import statistics
import sys
import time
from collections.abc import Callable, Iterable

import numpy as np

from teamsim.api import simulate, sweep
from teamsim.core import COACH, Scenario


def timings(call: Callable[[], object], repeats: int, warmup: int = 1) -> list[float]:
    """Wall-clock seconds of ``repeats`` calls after ``warmup`` untimed ones."""
    for _ in range(warmup):
        call()
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        out.append(time.perf_counter() - start)
    return out


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def line(label: str, seconds: list[float], goal: str = "") -> str:
    scale, unit = (1e3, "ms") if statistics.median(seconds) < 1 else (1.0, "s")
    text = (f"{label:<44} median {statistics.median(seconds) * scale:8.2f} {unit}   "
            f"p95 {p95(seconds) * scale:8.2f} {unit}   (n={len(seconds)})")
    return text + (f"   goal {goal}" if goal else "")


def model() -> list[str]:
    """simulate() and sweep() on the default scenario; throughput; scaling."""
    scenario = Scenario.default()
    out = []
    one = timings(lambda: simulate(COACH, scenario, runs=1, seed=0), 200)
    out.append(line("simulate, default scenario, runs=1", one, "<= 10 ms"))
    hundred = timings(lambda: simulate(COACH, scenario, runs=100, seed=0), 50)
    out.append(line("simulate, default scenario, runs=100", hundred, "<= 40 ms"))
    frames = timings(lambda: simulate(COACH, scenario, runs=100, seed=0).weekly, 30)
    out.append(line("  ... and build result.weekly", frames))
    grid = np.linspace(0, 1, 21)
    sweeps = timings(lambda: sweep(grid, grid, scenario, runs=100, seed=0), 5)
    out.append(line("sweep 21x21 styles x 100 runs", sweeps, "<= 6 s"))
    rep_weeks = 21 * 21 * 100 * scenario.team_size * scenario.weeks
    out.append(f"{'rep-weeks simulated per second (sweep)':<44} "
               f"{rep_weeks / statistics.median(sweeps):,.0f}")
    base = statistics.median(timings(lambda: simulate(COACH, scenario, runs=200, seed=0), 20))
    doubled = {
        "runs": lambda: simulate(COACH, scenario, runs=400, seed=0),
        "reps": lambda: simulate(COACH, dataclasses.replace(scenario, team_size=20), runs=200,
                                 seed=0),
        "weeks": lambda: simulate(COACH, dataclasses.replace(scenario, weeks=104), runs=200,
                                  seed=0),
    }
    out.append(f"scaling from runs=200, 10 reps, 52 weeks ({base * 1e3:.1f} ms); "
               f"x2.0 would be linear:")
    for name, call in doubled.items():
        ratio = statistics.median(timings(call, 20)) / base
        out.append(f"  double the {name:<6} time x{ratio:.2f}")
    return out


SECTIONS: dict[str, Callable[[], Iterable[str]]] = {"model": model}
"""Benchmark sections by name; other modules add theirs (e.g. the workbook's dashboards)."""
SECTIONS["dashboards"] = lambda: __import__("teamsim.dashboard", fromlist=["_"]).bench_dashboards()
SECTIONS["lab"] = lambda: __import__("teamsim.bench_lab", fromlist=["_"]).bench_lab()
OPT_IN = {"lab"}
"""Sections run only when named: ``lab`` starts JupyterLab and Chromium (a few minutes)."""


def main(argv: list[str]) -> int:
    names = argv[1:] or [n for n in SECTIONS if n not in OPT_IN]
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        print(f"unknown benchmark section {unknown[0]!r}: choose from {list(SECTIONS)}")
        return 2
    for name in names:
        print(f"== {name} ==")
        for text in SECTIONS[name]():
            print(text, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
