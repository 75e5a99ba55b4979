"""The course's simulated data: written from fixed seeds by one command, loaded with checks.

The files are package data of ``teamsim.data`` (found with :mod:`importlib.resources`, so an
installed package has them too). Regenerate them with ``make data`` (``python -m teamsim.data``).
Every file is described in the data dictionary, ``README.md`` beside them; :data:`SCHEMAS` is
the machine-readable half of that dictionary.
"""

from __future__ import annotations

import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import numpy as np
import pandas as pd

from teamsim.analysis.measures import skill_tier
from teamsim.model import DRIVERS, STYLES, Scenario, Style, simulate
from teamsim.model.engine import Draws, initial_state

ROSTER_SEED = 2094945
"""The seed whose first run's starting team has the case's cast: the drivers, skill tiers and
one new hire the story gives each person (found by searching seeds; the model draws the team,
the story names its seats)."""
CRM_SEED = 7
STYLE_YEAR_SEED = 11
STYLE_YEAR_RUNS = 200

# The running case: the team that Sam, a top seller just promoted to manager, inherits.
NAMES = ("Sofia", "Kwame", "Liam", "Hannah", "Priya", "Marcus", "Elena", "Aisha", "Diego",
         "Tom")
"""Who sits in each seat (rep 0-9) of the case's team."""

# The three teams of the "diagnose the manager" exercise. Their styles are not in the data.
CRM_TEAMS = {"Amber": Style(0.15, 0.85), "Birch": Style(0.85, 0.15), "Cedar": Style(0.6, 0.7)}

SCHEMAS: dict[str, dict[str, str]] = {
    "roster.csv": {
        "rep": "int", "name": "str", "driver": "str", "tenure_months": "int",
        "skill": "float", "skill_tier": "str", "new_hire": "bool",
    },
    "crm_weekly.csv": {
        "team": "str", "week": "int", "rep_id": "str", "activities": "int",
        "pipeline": "float", "deals_won": "int", "revenue": "float", "quota": "float",
    },
    "style_year.csv": {
        "style": "str", "control": "float", "inspiration": "float", "week": "int",
        "revenue": "float", "deals_won": "float", "activities": "float", "pipeline": "float",
        "headcount": "float", "quits": "float", "engagement": "float", "exhaustion": "float",
        "trust": "float", "skill": "float", "attainment": "float", "at_quota": "float",
    },
}


class DataError(ValueError):
    """A data file is missing or does not have the columns the course expects."""


def data_dir() -> Traversable:
    """Where the data files are read from: ``$TEAMSIM_DATA`` if set, else this package's own
    files, read through :mod:`importlib.resources` wherever the package is installed."""
    if "TEAMSIM_DATA" in os.environ:
        return Path(os.environ["TEAMSIM_DATA"])
    return resources.files(__name__)


def roster() -> pd.DataFrame:
    """The running case's team: the starting team of the default scenario for ``ROSTER_SEED``."""
    scenario = Scenario.default()
    state = initial_state(scenario, Draws(1, scenario.team_size, scenario.weeks, ROSTER_SEED))
    rng = np.random.default_rng(ROSTER_SEED + 1)
    new_hire = state.ramp[0] < 1.0
    tenure = np.where(new_hire, np.round(state.ramp[0] * 5),
                      rng.integers(8, 97, scenario.team_size))
    return pd.DataFrame({
        "rep": np.arange(scenario.team_size),
        "name": NAMES[:scenario.team_size],
        "driver": [DRIVERS[d] for d in state.driver[0]],
        "tenure_months": tenure.astype(int),
        "skill": state.skill[0].round(3),
        "skill_tier": skill_tier(state.skill[0]),
        "new_hire": new_hire,
    })


def crm_weekly() -> pd.DataFrame:
    """A year of CRM records, one row per rep in post per week, for three unnamed managers."""
    frames = []
    for k, (team, style) in enumerate(CRM_TEAMS.items()):
        reps = simulate(style, Scenario.default(), runs=1, seed=CRM_SEED + k).reps
        reps = reps[reps["active"]].copy()
        # A new hire in the same seat gets a new id: A-03, then A-03b, A-03c ...
        hires = reps.groupby("rep")["quit"].transform(lambda q: q.shift(fill_value=False).cumsum())
        suffix = np.where(hires > 0, [chr(ord("a") + int(h)) for h in hires], "")
        reps["rep_id"] = [f"{team[0]}-{r:02d}{s}" for r, s in zip(reps["rep"], suffix)]
        frames.append(pd.DataFrame({
            "team": team, "week": reps["week"], "rep_id": reps["rep_id"],
            "activities": reps["activities"].round().astype(int),
            "pipeline": reps["pipeline"].round(1), "deals_won": reps["deals_won"],
            "revenue": reps["revenue"].round(1), "quota": reps["quota"].round(1),
        }))
    return pd.concat(frames, ignore_index=True)


def style_year() -> pd.DataFrame:
    """Week-by-week means over runs for the four named styles on the default scenario."""
    columns = list(SCHEMAS["style_year.csv"])[3:]
    frames = []
    for name, style in STYLES.items():
        weekly = simulate(style, Scenario.default(), runs=STYLE_YEAR_RUNS,
                          seed=STYLE_YEAR_SEED).weekly
        means = weekly.groupby("week", as_index=False)[columns[1:]].mean()
        means.insert(0, "inspiration", style.inspiration)
        means.insert(0, "control", style.control)
        means.insert(0, "style", name)
        frames.append(means)
    return pd.concat(frames, ignore_index=True).round(4)


BUILDERS = {"roster.csv": roster, "crm_weekly.csv": crm_weekly, "style_year.csv": style_year}


def write_all(directory: Path) -> list[Path]:
    """Write every data file into ``directory`` (created if needed); return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, build in BUILDERS.items():
        path = directory / name
        build().to_csv(path, index=False, lineterminator="\n")
        paths.append(path)
    return paths


def load(name: str, directory: Path | str | None = None) -> pd.DataFrame:
    """Load one of the course's data files, checking that it has the expected columns.

    Raises :class:`DataError` naming the file and the column when something is wrong.
    """
    if name not in SCHEMAS:
        raise DataError(f"unknown data file {name!r}: expected one of {sorted(SCHEMAS)}")
    path = Path(directory) / name if directory is not None else data_dir() / name
    if not path.is_file():
        raise DataError(f"data file {str(path)!r} is missing: run `make data` to write it")
    with path.open("rb") as file:
        frame = pd.read_csv(file)
    expected = SCHEMAS[name]
    missing = [c for c in expected if c not in frame.columns]
    if missing:
        raise DataError(f"data file {str(path)!r} has no column {missing[0]!r} "
                        f"(expected columns {list(expected)}, found {list(frame.columns)})")
    extra = [c for c in frame.columns if c not in expected]
    if extra:
        raise DataError(f"data file {str(path)!r} has an unexpected column {extra[0]!r} "
                        f"(expected columns {list(expected)})")
    numeric = {"int": "integer", "float": "number"}
    for column, kind in expected.items():
        if kind in numeric and not pd.api.types.is_numeric_dtype(frame[column]):
            raise DataError(f"data file {str(path)!r}: column {column!r} should hold "
                            f"{numeric[kind]}s, found {frame[column].dtype}")
        if kind == "bool" and not pd.api.types.is_bool_dtype(frame[column]):
            raise DataError(f"data file {str(path)!r}: column {column!r} should hold "
                            f"True/False, found {frame[column].dtype}")
    return frame[list(expected)]


def main(argv: list[str]) -> int:
    """``python -m teamsim.data [folder]``: write every file (default: this package's folder,
    as ``make data`` does in a checkout)."""
    directory = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    for path in write_all(directory):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0
