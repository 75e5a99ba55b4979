"""Timing helpers shared by the benchmarks: repeated wall-clock timings, median and p95."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np


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
