"""How robust the headline lessons are to the model's parameters (DESIGN.md section 4).

Every lesson of :mod:`teamsim.analysis.lessons` is measured on variants of
:class:`~teamsim.Params`:

- **one at a time**: each field at x0.7 and at x1.3 (:data:`OAT_FACTORS`), the others at their
  defaults;
- **jointly**: a Latin-hypercube sample of :data:`LHS_SIZE` variants with every field (every
  element of a per-driver tuple) scaled within x0.8-x1.2 (:data:`LHS_RANGE`), drawn from
  :data:`LHS_SEED`.

A scaled integer is rounded (and kept at least 1 if it was); every scaled value is then clipped
into its allowed range, :data:`teamsim.model.params.PARAM_SPECS`, and a variant's label says
where that happened. A variant that scales nothing (a field at 0) is left out. The lessons use
the same seed in every variant, so variants differ by their parameters, not their draws.

:func:`robustness_table` gives, per lesson: its claim, its verdict at the defaults, the share of
variants in which it holds (one at a time, jointly, all together), the one-at-a-time variants
that flip it, and whether it is **conditional** (holds in under :data:`CONDITIONAL` of all
variants). ``python -m teamsim.analysis.robustness`` prints it with the time it took.
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from teamsim.analysis.lessons import CLAIMS, LESSONS, SEED, all_lessons
from teamsim.model import Params

CONDITIONAL = 0.8
"""A lesson that holds in under this share of all variants is presented as conditional."""
OAT_FACTORS = (0.7, 1.3)
LHS_SIZE = 64
LHS_RANGE = (0.8, 1.2)
LHS_SEED = 20260
"""Seed of the Latin-hypercube sample (fixed, so the book's table is reproducible)."""
RUNS_SCALE = 1.0
"""Runs of each lesson in the table, as a multiple of its default (see lessons.RUNS_*)."""
SHOWN = 4
"""Variants named in ``where_it_fails`` before the rest are counted."""
COLUMNS = ("lesson", "claim", "baseline", "value", "holds_oat", "holds_lhs", "holds_all",
           "conditional", "n_oat", "n_lhs", "where_it_fails")


class Spec(Protocol):
    """What is read of a :class:`teamsim.model.params.ParamSpec`: a field's allowed range."""

    @property
    def low(self) -> float: ...
    @property
    def high(self) -> float: ...
    @property
    def integer(self) -> bool: ...


def model_specs() -> Mapping[str, Spec]:
    """The model's allowed range of every parameter."""
    from teamsim.model.params import PARAM_SPECS
    return PARAM_SPECS


@dataclass(frozen=True)
class Variant:
    """A set of parameters the lessons are measured on."""

    label: str
    """E.g. ``"quota x1.3"``, ``"lhs 12"``, with ``" (clipped: ...)"`` if a value was clipped."""
    kind: str
    """``"baseline"``, ``"oat"`` (one at a time) or ``"lhs"`` (joint Latin hypercube)."""
    params: Params


Factors = Mapping[str, float | Sequence[float]]
"""Factors by field name: one number, or one per element of a tuple field."""


def dimensions(params: Params) -> list[tuple[str, int | None]]:
    """Every scalar a variant can scale: ``(field, None)`` for a number, ``(field, i)`` for
    element ``i`` of a tuple."""
    out: list[tuple[str, int | None]] = []
    for f in dataclasses.fields(params):
        value = getattr(params, f.name)
        if isinstance(value, tuple):
            out += [(f.name, i) for i in range(len(value))]
        else:
            out.append((f.name, None))
    return out


def scale_value(value: float, factor: float, spec: Spec | None) -> tuple[float, bool]:
    """``value * factor``, rounded if the field is an integer (and kept >= 1 if it was), then
    clipped into ``spec``'s range; and whether clipping changed it."""
    integer = spec.integer if spec is not None else isinstance(value, int)
    scaled: float = value * factor
    if integer:
        scaled = round(scaled)
        if value >= 1:
            scaled = max(1, scaled)
    if spec is not None and scaled < spec.low:
        return (math.ceil(spec.low) if integer else spec.low), True
    if spec is not None and scaled > spec.high:
        return (math.floor(spec.high) if integer else spec.high), True
    return scaled, False


def scaled_params(params: Params, factors: Factors, specs: Mapping[str, Spec]
                  ) -> tuple[Params, list[str]]:
    """``params`` with the fields in ``factors`` scaled (see :func:`scale_value`), and the names
    of the fields that were clipped."""
    changes: dict[str, object] = {}
    clipped: list[str] = []
    for name, factor in factors.items():
        value = getattr(params, name)
        spec = specs.get(name)
        if isinstance(value, tuple):
            per = factor if isinstance(factor, Sequence) else [factor] * len(value)
            pairs = [scale_value(v, float(f), spec) for v, f in zip(value, per)]
            changes[name] = tuple(type(v)(p[0]) for v, p in zip(value, pairs))
            hit = any(p[1] for p in pairs)
        else:
            if isinstance(factor, Sequence):
                raise TypeError(f"factor of {name} must be a number, got {factor!r}")
            new, hit = scale_value(value, float(factor), spec)
            changes[name] = int(new) if isinstance(value, int) else float(new)
        if hit:
            clipped.append(name)
    return dataclasses.replace(params, **changes), clipped  # type: ignore[arg-type]


def labelled(label: str, clipped: Sequence[str]) -> str:
    return f"{label} (clipped: {', '.join(clipped)})" if clipped else label


def one_at_a_time(params: Params | None = None, specs: Mapping[str, Spec] | None = None,
                  factors: Sequence[float] = OAT_FACTORS) -> list[Variant]:
    """Each field scaled by each of ``factors``, the rest at ``params``; variants equal to
    ``params`` (a field at 0, an integer that rounds back) are left out."""
    params = Params() if params is None else params
    specs = model_specs() if specs is None else specs
    out = []
    for f in dataclasses.fields(params):
        for factor in factors:
            variant, clipped = scaled_params(params, {f.name: factor}, specs)
            if variant != params:
                out.append(Variant(labelled(f"{f.name} x{factor:g}", clipped), "oat", variant))
    return out


def latin_hypercube(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """``(n, d)`` points in [0, 1): in every column, exactly one point in each of the ``n``
    strata ``[k/n, (k+1)/n)``, in random order, uniformly placed within its stratum."""
    strata = np.argsort(rng.random((n, d)), axis=0)
    return (strata + rng.random((n, d))) / n


def lhs_factors(params: Params, n: int = LHS_SIZE, seed: int = LHS_SEED,
                bounds: tuple[float, float] = LHS_RANGE) -> tuple[list[tuple[str, int | None]],
                                                                  np.ndarray]:
    """The scaled scalars (:func:`dimensions`) and an ``(n, d)`` Latin-hypercube sample of
    their factors within ``bounds``."""
    dims = dimensions(params)
    unit = latin_hypercube(n, len(dims), np.random.default_rng(seed))
    return dims, bounds[0] + (bounds[1] - bounds[0]) * unit


def latin_variants(params: Params | None = None, specs: Mapping[str, Spec] | None = None,
                   n: int = LHS_SIZE, seed: int = LHS_SEED,
                   bounds: tuple[float, float] = LHS_RANGE) -> list[Variant]:
    """``n`` variants with every field scaled at once, factors from :func:`lhs_factors`."""
    params = Params() if params is None else params
    specs = model_specs() if specs is None else specs
    dims, sample = lhs_factors(params, n, seed, bounds)
    out = []
    for row, point in enumerate(sample):
        factors: dict[str, float | list[float]] = {}
        for (name, i), factor in zip(dims, point):
            if i is None:
                factors[name] = float(factor)
            else:
                element = factors.setdefault(name, [])
                assert isinstance(element, list)
                element.append(float(factor))
        variant, clipped = scaled_params(params, factors, specs)
        out.append(Variant(labelled(f"lhs {row}", clipped), "lhs", variant))
    return out


def all_variants(specs: Mapping[str, Spec] | None = None) -> list[Variant]:
    """The defaults, then every one-at-a-time variant, then the Latin-hypercube sample."""
    specs = model_specs() if specs is None else specs
    return [Variant("defaults", "baseline", Params()), *one_at_a_time(specs=specs),
            *latin_variants(specs=specs)]


Verdicts = dict[str, tuple[bool, float]] | str
"""A variant's verdict and value per lesson key, or the error that stopped it."""


def measure(params: Params, runs_scale: float, seed: int) -> Verdicts:
    """Every lesson on ``params`` (in a worker process)."""
    try:
        return {x.key: (x.holds, x.value) for x in all_lessons(params, runs_scale, seed)}
    except Exception as exc:  # one broken variant must not lose the table; it is reported
        return f"{type(exc).__name__}: {exc}"


def shown(labels: Sequence[str], total: int) -> str:
    """The first :data:`SHOWN` labels, then how many more, out of ``total`` variants."""
    text = ", ".join(labels[:SHOWN])
    if len(labels) > SHOWN:
        text += f" and {len(labels) - SHOWN} more"
    return f"{text} ({len(labels)} of {total})"


def table(variants: Sequence[Variant], verdicts: Sequence[Verdicts]) -> pd.DataFrame:
    """The robustness table (columns :data:`COLUMNS`) from each variant's verdicts."""
    ok = [(v, r) for v, r in zip(variants, verdicts) if isinstance(r, dict)]
    base = next((r for v, r in ok if v.kind == "baseline"), None)
    rows = []
    for key, _, _ in LESSONS:
        held = {kind: [r[key][0] for v, r in ok if v.kind == kind] for kind in ("oat", "lhs")}
        oat = [(v.label, r[key][0]) for v, r in ok if v.kind == "oat"]
        everything = held["oat"] + held["lhs"]
        baseline = None if base is None else base[key][0]
        if baseline is False:
            where = "fails at the defaults; holds with " + (
                shown([label for label, h in oat if h], len(oat)) if any(h for _, h in oat)
                else "no one-at-a-time variant")
        else:
            flips = [label for label, h in oat if not h]
            where = shown(flips, len(oat)) if flips else ""
        share = float(np.mean(everything)) if everything else math.nan
        rows.append({
            "lesson": key, "claim": CLAIMS[key], "baseline": baseline,
            "value": math.nan if base is None else base[key][1],
            "holds_oat": float(np.mean(held["oat"])) if held["oat"] else math.nan,
            "holds_lhs": float(np.mean(held["lhs"])) if held["lhs"] else math.nan,
            "holds_all": share, "conditional": bool(share < CONDITIONAL),
            "n_oat": len(held["oat"]), "n_lhs": len(held["lhs"]), "where_it_fails": where})
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    out.attrs["errors"] = {v.label: r for v, r in zip(variants, verdicts) if isinstance(r, str)}
    return out


def robustness_table(runs_scale: float = RUNS_SCALE, seed: int = SEED,
                     workers: int | None = None,
                     variants: Sequence[Variant] | None = None) -> pd.DataFrame:
    """Every lesson on every variant (:func:`all_variants` unless ``variants`` is given), in
    ``workers`` processes (all CPUs if None); the table of :data:`COLUMNS`.

    ``attrs`` of the result hold ``seconds`` (wall time), ``variants``, ``workers``,
    ``runs_scale``, ``seed`` and ``errors`` (variants whose measurement raised, by label).
    """
    began = time.perf_counter()
    variants = all_variants() if variants is None else list(variants)
    workers = workers or os.cpu_count() or 1
    with ProcessPoolExecutor(max_workers=workers) as pool:
        verdicts = list(pool.map(measure, [v.params for v in variants],
                                 [runs_scale] * len(variants), [seed] * len(variants)))
    out = table(variants, verdicts)
    out.attrs.update(seconds=time.perf_counter() - began, variants=len(variants),
                     workers=workers, runs_scale=runs_scale, seed=seed)
    return out


def main() -> None:
    out = robustness_table()
    with pd.option_context("display.max_colwidth", 70, "display.width", 200,
                           "display.max_columns", 20):
        print(out.drop(columns="claim").to_string(index=False, float_format="{:.2f}".format))
    print(f"\n{out.attrs['variants']} variants on {out.attrs['workers']} processes, runs x"
          f"{out.attrs['runs_scale']:g}, seed {out.attrs['seed']}: {out.attrs['seconds']:.0f} s")
    for label, error in out.attrs["errors"].items():
        print(f"error in {label}: {error}")


if __name__ == "__main__":
    main()
