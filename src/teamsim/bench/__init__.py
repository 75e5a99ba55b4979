"""Speed figures, printed (``make bench`` or ``python -m teamsim.bench [section ...]``).

Sections: ``import`` (``import teamsim`` in a fresh interpreter), ``model`` (simulate, sweep,
scaling), ``dashboards`` (a slider move in the kernel) and ``lab`` (slider-to-pixels in
JupyterLab in Chromium, :mod:`teamsim.bench.lab`).

Benchmarks print numbers; they never fail a build. Goals on the 2-core reference machine:
``simulate`` runs=1 <= 10 ms, runs=100 <= 40 ms, a 21x21 sweep of 100 runs <= 6 s, time close
to linear in runs, reps and weeks.
"""

from __future__ import annotations

import dataclasses
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable

import ipywidgets as widgets
import numpy as np

from teamsim.bench.lab import bench_lab
from teamsim.bench.timing import line, timings
from teamsim.course.dashboard import DASHBOARDS, Dashboard
from teamsim.course.livechart import sent_json
from teamsim.model import COACH, Scenario, simulate, sweep


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


def import_time(module: str = "teamsim", repeats: int = 7) -> list[str]:
    """Seconds to ``import module`` in a fresh interpreter (the model alone, for teamsim), and
    whether it pulled in the plotting or widget stack."""
    code = (f"import sys, time; t = time.perf_counter(); import {module}; "
            "print(time.perf_counter() - t); "
            "print(','.join(m for m in ('altair', 'ipywidgets', 'anywidget', 'otter') "
            "if m in sys.modules))")
    seconds, heavy = [], ""
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout.split("\n")
        seconds.append(float(out[0]))
        heavy = out[1]
    return [line(f"import {module} (fresh interpreter)", seconds, "model only, no altair"),
            f"  ... modules of the plotting/widget stack it loaded: {heavy or 'none'}"]


def random_move(dash: Dashboard, rng: random.Random) -> dict[str, float | int]:
    """One slider step on a random slider, as a student's arrow key would make."""
    sliders = {n: w for n, w in dash.levers.items()
               if isinstance(w, (widgets.FloatSlider, widgets.IntSlider))}
    name = rng.choice(sorted(sliders))
    widget = sliders[name]
    step = widget.step * rng.choice([-1, 1]) * rng.choice([1, 1, 2])
    value = min(max(widget.value + step, widget.min), widget.max)
    if value == widget.value:
        value = widget.value - step
    return {name: type(widget.value)(value)}


def dashboards(moves: int = 40) -> list[str]:
    """Kernel-side time per slider move: the model, the frames and the chart update, serialised
    as it is sent."""
    out = []
    for name, make in DASHBOARDS.items():
        dash = make()
        rng = random.Random(0)
        seconds = []
        for i in range(moves + 2):
            move = random_move(dash, rng)
            start = time.perf_counter()
            dash.update(**move)
            sent_json(dash.sent)  # what goes to the page: JSON and binary buffers
            if i >= 2:  # the first moves warm caches
                seconds.append(time.perf_counter() - start)
        out.append(line(f"slider move, {name}", seconds, "p95 <= 30 ms"))
    return out


SECTIONS: dict[str, Callable[[], Iterable[str]]] = {
    "import": import_time, "model": model, "dashboards": dashboards, "lab": bench_lab}
"""Benchmark sections by name, in the order ``make bench`` prints them."""


def main(argv: list[str]) -> int:
    names = argv[1:] or list(SECTIONS)
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        print(f"unknown benchmark section {unknown[0]!r}: choose from {list(SECTIONS)}")
        return 2
    for name in names:
        print(f"== {name} ==")
        for text in SECTIONS[name]():
            print(text, flush=True)
    return 0

