"""Friendly feedback on the workbook's exercises: a hint or a confirmation, never a traceback.

In a notebook, ``check("name")`` looks up the exercise's answer variables in the notebook's
namespace and returns a :class:`Feedback` that displays as a coloured box: not answered yet, a
hint for a wrong answer (or for one of the wrong type or shape), or a confirmation. The same
call is the public test of the exercise in the workbook's otter-grader sources
(``assert check("name").passed``), so students' feedback and instructors' grades come from one
place. :data:`EXERCISES` lists every exercise with its notebook, variables and objective.

Expected answers are computed from the course's data and the model, with the seeds and runs the
exercise states, so they stay right when the data or the model are regenerated.

Not every exercise is graded (see :data:`KINDS`). A **prediction** is written before the
notebook's experiment cell and checked after it: the check runs the experiment of
:data:`EXPERIMENTS` itself, says how close the guess was ("close" or "off", both a finished
exercise) and why the model did what it did. **Practice** is checked like a graded exercise
without points, and a **reflection** (about the learner's own managers) is checked for its
shape only.
"""

from __future__ import annotations

import html
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache

import numpy as np
import pandas as pd

from teamsim import data
from teamsim.analysis.measures import (
    CAPSTONE_RUNS,
    CAPSTONE_SEED,
    GRID,
    GRID_RUNS,
    GRID_SEED,
    TIERS,
    UNSEEN,
    capstone_run,
    skill_tier,
    snap,
    style_grid,
)
from teamsim.course.assessment import STATEMENTS, nearest_style, self_assessment
from teamsim.model import (
    CHEERLEADER,
    COACH,
    DRILLER,
    DRIVERS,
    STYLES,
    THREE,
    Scenario,
    Style,
    navigator,
    policy_problem,
    simulate,
    sweep,
    switch_at,
)

STATUSES = {
    "missing": ("Not answered yet", "#6c757d"),
    "unanswered": ("Not answered yet", "#6c757d"),
    "type": ("Not quite: check the kind of answer", "#b35900"),
    "shape": ("Not quite: check the shape of the answer", "#b35900"),
    "wrong": ("Not yet", "#b35900"),
    "error": ("Could not check this answer", "#b35900"),
    "correct": ("Correct", "#1a7f37"),
    "close": ("Close to what the model does", "#1a7f37"),
    "off": ("Off from what the model does: see why", "#0b5cad"),
    "noted": ("Noted", "#1a7f37"),
}
DONE = ("correct", "close", "off", "noted")
"""Statuses of a finished exercise. A prediction that was off is finished too: committing to a
guess and seeing how far it was from the model is the point of a prediction."""
KINDS = ("graded", "practice", "prediction", "reflection")
"""An exercise is graded (an otter question with points), practice (checked, not graded), a
prediction (made before the experiment, compared with the model's result after it) or a
reflection (about the learner's own managers and team; checked for its shape only)."""


@dataclass(frozen=True)
class Feedback:
    """The outcome of one check: a status (see :data:`STATUSES`) and a message in words."""

    exercise: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status in DONE

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        title = STATUSES[self.status][0]
        return f"[{self.exercise}] {title}. {self.message}"

    def _repr_html_(self) -> str:
        title, colour = STATUSES[self.status]
        mark = "&#10004;" if self.status in ("correct", "close", "noted") else "&#8505;" if (
            self.status in ("missing", "unanswered", "off")) else "&#10007;"
        # mathjax_ignore (tex2jax_ignore for MathJax 2): JupyterLab and the book typeset
        # $...$ in HTML outputs as mathematics, and feedback quotes dollar amounts.
        return (f"<div class='teamsim-feedback mathjax_ignore tex2jax_ignore' "
                f"style='border-left:4px solid {colour};padding:4px 10px;margin:2px 0'>"
                f"<b style='color:{colour}'>{mark} {html.escape(title)}</b> "
                f"<code>{html.escape(self.exercise)}</code><br>{html.escape(self.message)}</div>")


class Hint(Exception):
    """A wrong answer: the message says what to look at again."""


class WrongType(Hint):
    """An answer of the wrong kind (text for a number, a list for a table, ...)."""


class WrongShape(Hint):
    """An answer of the right kind but the wrong size or labels."""


class NotAnswered(Hint):
    """An answer still in its starting state (e.g. a policy whose body is still ``...``)."""


Checker = Callable[..., str | tuple[str, str]]
"""What a checker is: answers in, confirmation text (or a status and text) out."""


@dataclass(frozen=True)
class Exercise:
    """One exercise: where it is, what it asks for, and how its answer is checked."""

    name: str
    notebook: str
    variables: tuple[str, ...]
    objective: str
    checker: Checker
    kind: str = "graded"
    inputs: tuple[str, ...] = ()
    """Variables of earlier exercises the check reads too (after the answer variables), such
    as ``my_policy`` for the results table: not answers of this exercise."""


EXERCISES: dict[str, Exercise] = {}




def exercise(name: str, notebook: str, variables: Sequence[str], objective: str,
             kind: str = "graded", inputs: Sequence[str] = ()) -> Callable[[Checker], Checker]:
    """Register a checker: it takes the answer variables and returns the confirmation text
    (or, for a prediction or a reflection, a status of :data:`DONE` and the text), or raises
    :class:`Hint`, :class:`WrongType` or :class:`WrongShape`."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")

    def register(checker: Checker) -> Checker:
        EXERCISES[name] = Exercise(name, notebook, tuple(variables), objective, checker, kind,
                                   tuple(inputs))
        return checker
    return register


def check(name: str, namespace: Mapping[str, object] | None = None) -> Feedback:
    """Check exercise ``name`` against the answers in ``namespace`` (default: the caller's).

    Never raises for any answer: a missing, unfinished, mistyped or wrong answer gets feedback.
    """
    if name not in EXERCISES:
        known = ", ".join(sorted(EXERCISES))
        return Feedback(str(name), "error", f"There is no exercise called {name!r}. "
                                            f"Exercises: {known}.")
    ex = EXERCISES[name]
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    names = (*ex.variables, *ex.inputs)
    missing = [v for v in names if v not in namespace]
    if missing:
        return Feedback(name, "missing", _run_first(ex, missing))
    values = [namespace[v] for v in names]
    unfinished = [v for v, value in zip(names, values) if value is ...]
    if unfinished:
        return Feedback(name, "unanswered", f"Replace the ... after {_names(unfinished)} with "
                                            "your answer, run that cell, then run this check.")
    try:
        outcome = ex.checker(*values)
        if isinstance(outcome, tuple):
            status, message = outcome
            assert status in DONE, status
            return Feedback(name, status, message)
        return Feedback(name, "correct", outcome)
    except NotAnswered as hint:
        return Feedback(name, "unanswered", str(hint))
    except WrongShape as hint:
        return Feedback(name, "shape", str(hint))
    except WrongType as hint:
        return Feedback(name, "type", str(hint))
    except Hint as hint:
        return Feedback(name, "wrong", str(hint))
    except Exception as exc:  # an answer that breaks the checker still gets words, not a trace
        return Feedback(name, "error", f"Checking your answer raised {type(exc).__name__}: "
                                       f"{exc}. Look at what your answer holds (print it), "
                                       "then try again.")


LABELS = {
    "best_week": "the practice exercise", "development_reps": "Exercise 0.1",
    "newest_rep": "Exercise 0.2", "revenue_by_style": "Exercise 0.3",
    "most_exhausted": "Exercise 1.1", "cheerleader_at_quota": "Exercise 1.2",
    "predicted_best": "the Predict step", "best_on_map": "Exercise 1.3",
    "corner_failures": "Exercise 1.4", "my_managers": "the reflection on your managers",
    "predicted_error_ratio": "the Predict step", "forecast_error": "Exercise 2.1",
    "activities_by_team": "Exercise 2.2", "leavers_by_team": "Exercise 2.3",
    "diagnosis": "Exercise 2.4", "most_helped_driver": "Exercise 3.1",
    "skill_gain_by_tier": "Exercise 3.2", "predicted_dip": "the Predict step",
    "trust_speed": "Exercise 3.3", "share_lost": "Exercise 4.1",
    "predicted_shock_gap": "the prediction of Exercise 4.1", "loss_spread": "Exercise 4.2",
    "safe_best": "Exercise 4.3", "self_assessment": "Exercise 5.1",
    "predicted_paid_back": "the Predict step", "switch_gain": "Exercise 5.2",
    "dip_and_payoff": "Exercise 5.3", "best_switch_week": "Exercise 5.4",
    "policy_runs": "Exercise 6.1", "policy_beats_fixed": "Exercise 6.2",
    "policy_unseen": "Exercise 6.3", "results_table": "Exercise 6.4",
}
"""What the workbook calls each exercise (a test compares these with the workbook sources)."""
DEFINED_IN = {"my_policy": "the cell of Exercise 6.1 that starts `def my_policy(week, state):`"}
"""Answer variables defined in another exercise's cell than the check's own."""


def _run_first(ex: Exercise, missing: Sequence[str]) -> str:
    """What to run before a check whose answer variables are not defined (yet, or any more,
    after a kernel restart), named by cell."""
    elsewhere = [v for v in missing if v in DEFINED_IN]
    here = [v for v in missing if v not in DEFINED_IN]
    places = [f"{DEFINED_IN[v]} (it defines `{v}`)" for v in elsewhere]
    if here:
        label = LABELS.get(ex.name, "this exercise")
        places.append(f"the answer cell of {label}, above this check (it assigns "
                      f"{_names(here)})")
    return (f"{_names(list(missing))} {'is' if len(missing) == 1 else 'are'} not defined: run "
            + " and ".join(places) + " first, then this check. After a kernel restart, run the "
            "notebook's cells from the top down to this one (Run > Run All Above Selected Cell).")


def _names(names: Sequence[str]) -> str:
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


# -- answer shapes ----------------------------------------------------------------------------
def number(value: object, name: str) -> float:
    """A real number (ints, floats and numpy numbers; not True/False, not text)."""
    if isinstance(value, (pd.Series, pd.DataFrame)) and value.size == 1:
        value = value.to_numpy().ravel()[0]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise WrongType(f"`{name}` should be a number, but it holds {_kind(value)}. "
                        f"{_tip(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise WrongType(f"`{name}` is {value}: it should be an ordinary number.")
    return value


def whole(value: object, name: str) -> int:
    x = number(value, name)
    if x != round(x):
        raise WrongType(f"`{name}` should be a whole number (a count), got {x}.")
    return int(round(x))


def close(value: float, expected: float, rel: float = 0.0, abs_: float = 0.0) -> bool:
    """Within ``rel`` of ``expected`` (relative) or ``abs_`` of it, whichever is wider: the
    same tolerance as the exercise's hidden test, so that a pass here is a pass there."""
    return abs(value - expected) <= max(rel * abs(expected), abs_)


def same_point(control: float, inspiration: float, top: Mapping) -> bool:
    """A point of the style map within 0.011 of ``top`` on each dial (the hidden tests' rule:
    the map's step is 0.1, so this is the same point, typed with rounding)."""
    return (abs(control - float(top["control"])) < 0.011
            and abs(inspiration - float(top["inspiration"])) < 0.011)


def choice(value: object, name: str, options: Sequence[str]) -> str:
    """One of ``options`` (case and spaces ignored), returned as spelt in ``options``."""
    if not isinstance(value, str):
        raise WrongType(f"`{name}` should be text, one of {_list(options)}; it holds "
                        f"{_kind(value)}. Put the answer in quotes, e.g. \"{options[0]}\".")
    for option in options:
        if value.strip().lower() == option.lower():
            return option
    raise WrongShape(f"`{name}` is {value!r}, which is not one of {_list(options)}.")


def table(value: object, name: str, keys: Sequence[str]) -> dict[str, object]:
    """A mapping (dict or pandas Series) with exactly ``keys`` (case-insensitive)."""
    if isinstance(value, pd.DataFrame) and value.shape[1] == 1:
        value = value.iloc[:, 0]
    if isinstance(value, pd.Series):
        value = value.to_dict()
    if not isinstance(value, Mapping):
        raise WrongType(f"`{name}` should be a dict or a pandas Series with one entry for each "
                        f"of {_list(keys)}; it holds {_kind(value)}.")
    found = {str(k).strip().lower(): v for k, v in value.items()}
    wanted = [k.lower() for k in keys]
    if sorted(found) != sorted(wanted):
        extra = sorted(set(found) - set(wanted))
        lacking = sorted(set(wanted) - set(found))
        parts = []
        if lacking:
            parts.append(f"it has no entry for {_list(lacking)}")
        if extra:
            parts.append(f"it has unexpected entries {_list(extra)}")
        raise WrongShape(f"`{name}` should have one entry for each of {_list(keys)}: "
                         + " and ".join(parts) + ".")
    return {k: found[k.lower()] for k in keys}


def pair(value: object, name: str) -> tuple[float, float]:
    """A (control, inspiration) pair: a Style, or two numbers in a tuple or list."""
    if isinstance(value, Style):
        return value.control, value.inspiration
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list, np.ndarray,
                                                                 pd.Series)):
        raise WrongType(f"`{name}` should be a (control, inspiration) pair such as (0.6, 0.7), "
                        f"or a Style; it holds {_kind(value)}.")
    items = list(value)
    if len(items) != 2:
        raise WrongShape(f"`{name}` should hold two numbers, control then inspiration; it "
                         f"holds {len(items)}.")
    return number(items[0], f"{name}[0]"), number(items[1], f"{name}[1]")


def _kind(value: object) -> str:
    if value is None:
        return "None (did the cell compute something without assigning it?)"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, pd.DataFrame):
        return f"a DataFrame of {value.shape[0]} rows and {value.shape[1]} columns"
    if isinstance(value, pd.Series):
        return f"a Series of {len(value)} values"
    if isinstance(value, (list, tuple, set, dict)):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"a value of type {type(value).__name__}"


def _tip(value: object) -> str:
    if isinstance(value, str):
        return "Remove the quotes around the number."
    if isinstance(value, (pd.Series, pd.DataFrame, list, tuple)):
        return "Pick out the single number you need (e.g. with .loc, .sum() or [0])."
    return ""


def _list(items: Sequence[str]) -> str:
    return ", ".join(f'"{i}"' for i in items)


# -- predictions ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Experiment:
    """The runs an exercise's truth comes from: the scenario (with its ``Params``), runs and
    seed of the notebook's experiment cell. Checks compute the truth from the model with these,
    so a check follows the model (and a test can run it under other ``Params`` or seeds)."""

    scenario: Scenario
    runs: int
    seed: int


EXPERIMENTS: dict[str, Experiment] = {
    "best_week": Experiment(Scenario.default(), 20, 0),
    "predicted_best": Experiment(Scenario.default(), GRID_RUNS, GRID_SEED),
    "predicted_error_ratio": Experiment(Scenario.default(), 50, 2),
    "predicted_dip": Experiment(Scenario.default(), 40, 7),
    "trust_speed": Experiment(Scenario.default(), 40, 7),
    "predicted_shock_gap": Experiment(Scenario.default(), 50, 6),
    "predicted_paid_back": Experiment(Scenario.default(), 40, 7),
}
"""The experiment behind each exercise that reads one (by exercise name)."""


def _verdict(close_enough: bool, message: str, near: str, off: str) -> tuple[str, str]:
    """A prediction's feedback: close or off, the comparison, then why."""
    return ("close", f"{message} {near}") if close_enough else ("off", f"{message} {off}")


def _yes_no(value: object, name: str) -> bool:
    return choice(value, name, ["yes", "no"]) == "yes"


def _where(control: float, inspiration: float) -> str:
    """Where a point sits on the style map, in words."""
    edges = sum(x <= 0.05 or x >= 0.95 for x in (control, inspiration))
    return ("in a corner of the map" if edges == 2 else "on an edge of the map" if edges == 1
            else "inside the map")


# -- 00 getting started -----------------------------------------------------------------------
@cache
def _weekly_mean(style: Style, experiment: Experiment, metric: str) -> pd.Series:
    """Mean of ``metric`` by week over the runs of ``experiment``, for a fixed style."""
    weekly = simulate(style, experiment.scenario, runs=experiment.runs,
                      seed=experiment.seed).weekly
    return weekly.groupby("week")[metric].mean()


@exercise("best_week", "00_getting_started", ["best_week"],
          "Group, average and find the largest with pandas: the Coach's best week",
          kind="practice")
def _best_week(value: object) -> str:
    week = whole(value, "best_week")
    experiment = EXPERIMENTS["best_week"]
    revenue = _weekly_mean(COACH, experiment, "revenue")
    best = int(revenue.idxmax())
    if week not in revenue.index:
        raise WrongShape(f"`best_week` is {week}; the year has weeks 1 to "
                         f"{int(revenue.index.max())}.")
    if week != best:
        raise Hint(f"In week {week} the Coach's team brings in ${revenue[week]:,.1f}k on "
                   "average; another week brings in more. Average over the runs first "
                   "(group by week, then take the mean), then find the week with the largest "
                   "mean.")
    shock = experiment.scenario
    low = int(revenue.idxmin())
    during = (f" Its weakest week, week {low}, falls in the shock (weeks {shock.shock_start}-"
              f"{shock.shock_start + shock.shock_weeks - 1})." if shock.shock_depth > 0
              and shock.shock_start <= low < shock.shock_start + shock.shock_weeks else "")
    return (f"Yes: week {best}, with ${revenue[best]:,.1f}k on average over "
            f"{experiment.runs} simulated years.{during} You have used every pandas step the "
            "workbook needs.")


@exercise("development_reps", "00_getting_started", ["development_reps"],
          "Count rows of a table with pandas: the reps driven by development")
def _development_reps(value: object) -> str:
    n = whole(value, "development_reps")
    roster = data.load("roster.csv")
    expected = int((roster["driver"] == "development").sum())
    if n != expected:
        raise Hint(f"{n} is not it. Count the rows of `roster` whose driver is "
                   "\"development\": roster[\"driver\"].value_counts() lists every driver.")
    return f"Yes: {n} of the ten reps are driven above all by their own development."


@exercise("newest_rep", "00_getting_started", ["newest_rep"],
          "Sort and select with pandas: the rep with the shortest tenure")
def _newest_rep(value: object) -> str:
    roster = data.load("roster.csv")
    name = choice(value, "newest_rep", list(roster["name"]))
    expected = roster.sort_values("tenure_months")["name"].iloc[0]
    if name != expected:
        raise Hint(f"{name} has {int(roster.set_index('name').loc[name, 'tenure_months'])} "
                   "months on the team; someone has fewer. Sort the roster by tenure_months.")
    return f"Yes: {name} has just joined and is still ramping up."


@exercise("revenue_by_style", "00_getting_started", ["revenue_by_style"],
          "Group and sum with pandas: a year's revenue under each named style")
def _revenue_by_style(value: object) -> str:
    year = data.load("style_year.csv")
    expected = year.groupby("style")["revenue"].sum()
    answer = table(value, "revenue_by_style", list(STYLES))
    for style, got in answer.items():
        got = number(got, f"revenue_by_style[{style!r}]")
        if not close(got, expected[style], rel=0.005):
            raise Hint(f"The entry for {style} is {got:,.1f}. Add up the weekly revenue of each "
                       "style over all 52 weeks: group the rows of `year` by style, then sum.")
    best = expected.idxmax()
    return (f"Right. The {best} brings in the most over the year "
            f"(${expected[best]:,.0f}k); keep that number in mind for part 1.")


# -- 01 two sides -----------------------------------------------------------------------------
@exercise("most_exhausted", "01_two_sides", ["most_exhausted"],
          "Read the end of the year: which style leaves its team most exhausted")
def _most_exhausted(value: object) -> str:
    name = choice(value, "most_exhausted", list(STYLES))
    year = data.load("style_year.csv")
    end = year[year["week"] == year["week"].max()].set_index("style")["exhaustion"]
    if name != end.idxmax():
        raise Hint(f"The {name}'s team ends the year at exhaustion {end[name]:.2f}. Look at "
                   "week 52 of style_year.csv for every style.")
    return (f"Yes: under the {name} exhaustion reaches {end[name]:.2f} by week 52, against "
            f"{end['Coach']:.2f} for the Coach. Pressure without support wears people down.")


@cache
def _at_quota_ratio() -> float:
    share = {name: simulate(style, Scenario.default(), runs=50, seed=1).summary()[
        "at_quota"].iloc[0] for name, style in (("Cheerleader", CHEERLEADER), ("Coach", COACH))}
    return float(share["Cheerleader"] / share["Coach"])


@exercise("cheerleader_at_quota", "01_two_sides", ["cheerleader_at_quota"],
          "Compare summaries: a led-but-not-managed team's share of reps at quota")
def _cheerleader_at_quota(value: object) -> str:
    ratio = number(value, "cheerleader_at_quota")
    expected = _at_quota_ratio()
    if not 0 < ratio < 1:
        raise WrongShape(f"`cheerleader_at_quota` is {ratio:g}: it is a ratio of two shares, "
                         "between 0 and 1 here.")
    if not close(ratio, expected, abs_=0.02):
        raise Hint(f"{ratio:.3f} is not it. Simulate the Cheerleader and the Coach with runs=50, "
                   "seed=1, take the \"at_quota\" column of each summary() and divide the "
                   "Cheerleader's by the Coach's.")
    return (f"Right: the Cheerleader has {expected:.0%} of the Coach's share of reps at quota. "
            "Energy without direction does not turn into closed deals.")


@exercise("best_on_map", "01_two_sides", ["best_on_map"],
          "Find the best fixed style on the map, and see where it sits")
def _best_on_map(value: object) -> str:
    control, inspiration = _unit_pair(value, "best_on_map")
    grid = style_grid(Scenario.default())
    best = grid.loc[grid["revenue"].idxmax()]
    if not same_point(control, inspiration, best):
        raise Hint(f"({control:g}, {inspiration:g}) is not the top of the map. In `grid`, find "
                   "the row whose revenue is the largest (pandas can give you the label of "
                   "the largest value of a column), then read its control and inspiration.")
    inside = 0 < best["control"] < 1 and 0 < best["inspiration"] < 1
    where = ("inside the square: neither side alone, and not both at full tilt" if inside else
             "on the edge of the square: in this model, once the manager's finite week is "
             "counted, asking for more of a dial still pays over a year, up to its limit")
    return (f"Yes: control {best['control']:.1f}, inspiration {best['inspiration']:.1f}, "
            f"{where}.")


FAILURES = ("burnout", "drift", "stall")


@exercise("corner_failures", "01_two_sides", ["corner_failures"],
          "Name how each one-sided corner fails")
def _corner_failures(value: object) -> str:
    answer = table(value, "corner_failures", ["Driller", "Cheerleader", "Absentee"])
    expected = {"Driller": "burnout", "Cheerleader": "drift", "Absentee": "stall"}
    for style, got in answer.items():
        got = choice(got, f"corner_failures[{style!r}]", FAILURES)
        if got != expected[style]:
            raise Hint(f"Look again at the {style}: on the map and in the dashboard, what goes "
                       "wrong first: exhaustion and people leaving (burnout), energy without "
                       "focus (drift), or not much of anything (stall)?")
    return ("Right: all pressure burns out, all inspiration drifts, neither stalls. Two dials, "
            "three different failures.")


@cache
def _grid(experiment: Experiment) -> pd.DataFrame:
    """The style map (every 0.1 of each dial) of an experiment: a year summary per style."""
    if (experiment.runs, experiment.seed) == (GRID_RUNS, GRID_SEED):
        return style_grid(experiment.scenario)  # the same map, already cached
    return sweep(GRID, GRID, experiment.scenario, runs=experiment.runs, seed=experiment.seed)


def _unit_pair(value: object, name: str) -> tuple[float, float]:
    control, inspiration = pair(value, name)
    if not (0 <= control <= 1 and 0 <= inspiration <= 1):
        raise WrongShape(f"`{name}` is ({control:g}, {inspiration:g}): each dial goes from 0 "
                         "to 1.")
    return control, inspiration


@exercise("predicted_best", "01_two_sides", ["predicted_best"],
          "Predict where on the map a year earns most, then compare with the model",
          kind="prediction")
def _predicted_best(value: object) -> tuple[str, str]:
    control, inspiration = _unit_pair(value, "predicted_best")
    grid = _grid(EXPERIMENTS["predicted_best"])
    top = grid.loc[grid["revenue"].idxmax()]
    tc, ti = float(top["control"]), float(top["inspiration"])
    distance = math.hypot(control - tc, inspiration - ti)
    mine = grid.loc[((grid["control"] - snap(control)).abs() < 1e-9)
                    & ((grid["inspiration"] - snap(inspiration)).abs() < 1e-9), "revenue"]
    share = float(mine.iloc[0]) / float(top["revenue"])
    message = (f"You predicted control {control:.1f}, inspiration {inspiration:.1f} "
               f"({_where(control, inspiration)}). The top of the model's map is control "
               f"{tc:.1f}, inspiration {ti:.1f}, {_where(tc, ti)}: {distance:.1f} away from your "
               f"guess; your point earns {share:.0%} of the top's year.")
    if tc >= 0.95 and ti >= 0.95:
        why = ("In the model a manager's week is finite, but what the dials ask for is still "
               "delivered in part, so more of both keeps paying over a year. The article "
               "expects a balance inside the map; this model does not show one, which is a "
               "property of its assumptions, not a finding about real managers.")
    else:
        why = (f"In this scenario the model's mechanisms put the best year {_where(tc, ti)}; "
               "compare the dashboard's map with your reasons for your guess.")
    return _verdict(distance <= 0.25, message, "Your guess is near the top of the model's map.",
                    "That is off. " + why)


@exercise("my_managers", "01_two_sides", ["my_managers"],
          "Place three managers you know on the map", kind="reflection")
def _my_managers(value: object) -> tuple[str, str]:
    if not isinstance(value, Mapping):
        raise WrongType("`my_managers` should be a dict from a name (or a label such as "
                        "\"my first boss\") to a (control, inspiration) pair; it holds "
                        f"{_kind(value)}.")
    if len(value) != 3:
        raise WrongShape(f"`my_managers` holds {len(value)} managers; place three.")
    placed = []
    for label, point in value.items():
        if not isinstance(label, str) or not label.strip():
            raise WrongType(f"Each key of `my_managers` should be a name in quotes; {label!r} "
                            "is not.")
        control, inspiration = _unit_pair(point, f"my_managers[{label!r}]")
        placed.append(f"{label.strip()} ({control:.1f}, {inspiration:.1f}) is nearest the "
                      f"{nearest_style(Style(control, inspiration))}")
    return ("noted", "; ".join(placed) + ". Write down, next to each, one thing they did that "
            "put them there: that habit, not the label, is what you can copy or avoid.")


# -- 02 managing ------------------------------------------------------------------------------
@cache
def _forecast_errors_in(experiment: Experiment) -> tuple[float, float]:
    """The forecast's mean miss at control 0.1 and 0.6 (inspiration 0.4) in ``experiment``."""
    errors = [simulate(Style(c, 0.4), experiment.scenario, runs=experiment.runs,
                       seed=experiment.seed).summary()["forecast_error"].iloc[0]
              for c in (0.1, 0.6)]
    return float(errors[0]), float(errors[1])


def _forecast_errors() -> tuple[float, float]:
    return _forecast_errors_in(Experiment(Scenario.default(), 50, 2))


@exercise("predicted_error_ratio", "02_managing", ["predicted_error_ratio"],
          "Predict how much control shrinks the forecast's miss, then compare with the model",
          kind="prediction")
def _predicted_error_ratio(value: object) -> tuple[str, str]:
    guess = number(value, "predicted_error_ratio")
    if not 0 <= guess <= 3:
        raise WrongShape(f"`predicted_error_ratio` is {guess:g}: give a ratio such as 0.5 (half "
                         "the miss) or 1.0 (no change), between 0 and 3.")
    low, high = _forecast_errors_in(EXPERIMENTS["predicted_error_ratio"])
    ratio = high / low
    message = (f"You predicted that at control 0.6 the forecast misses by {guess:.2f} times its "
               f"miss at control 0.1. In the model it misses by {high:.0%} of a week's revenue "
               f"instead of {low:.0%}: {ratio:.2f} times, {abs(guess - ratio):.2f} from your "
               "guess.")
    why = ("In the model control keeps the pipeline clean (fewer deals nobody works on sit in "
           "it), and the forecast is built from the pipeline.")
    direction = ("You expected control to buy more accuracy than it does" if guess < ratio
                 else "You expected control to buy less accuracy than it does")
    return _verdict(abs(guess - ratio) <= 0.15, message, why,
                    f"That is off. {direction}. {why}")


@exercise("forecast_error", "02_managing", ["error_low_control", "error_high_control"],
          "Measure what control buys: the CRM forecast's error at low and high control")
def _forecast_error(low: object, high: object) -> str:
    low = number(low, "error_low_control")
    high = number(high, "error_high_control")
    expected = _forecast_errors()
    for got, want, name, c in ((low, expected[0], "error_low_control", 0.1),
                               (high, expected[1], "error_high_control", 0.6)):
        if not close(got, want, rel=0.02):
            raise Hint(f"`{name}` is {got:.3f}. Simulate Style({c}, 0.4) with runs=50, seed=2 and "
                       "read summary()[\"forecast_error\"].iloc[0].")
    return (f"Right: the forecast misses a week's revenue by {expected[0]:.0%} at control 0.1 and "
            f"by {expected[1]:.0%} at control 0.6. Inspected, clean pipelines make forecasts "
            "you can plan on.")


@exercise("activities_by_team", "02_managing", ["activities_by_team"],
          "Summarise CRM records by team with pandas")
def _activities_by_team(value: object) -> str:
    crm = data.load("crm_weekly.csv")
    expected = crm.groupby("team")["activities"].mean()
    answer = table(value, "activities_by_team", list(expected.index))
    for team, got in answer.items():
        got = number(got, f"activities_by_team[{team!r}]")
        if not close(got, expected[team], rel=0.005):
            raise Hint(f"The entry for {team} is {got:.2f}. Take the mean of `activities` over "
                       "every row of the team (one row is one rep in one week), team by "
                       "team.")
    return "Right. Averages over the year hide a lot, though: look at the trend too."


def _leavers() -> pd.Series:
    crm = data.load("crm_weekly.csv")
    final = crm["week"].max()
    ids = crm.groupby("team")["rep_id"].apply(set)
    stayed = crm[crm["week"] == final].groupby("team")["rep_id"].apply(set)
    return pd.Series({t: len(ids[t] - stayed[t]) for t in ids.index})


@exercise("leavers_by_team", "02_managing", ["leavers_by_team"],
          "Find people who left in CRM records")
def _leavers_by_team(value: object) -> str:
    expected = _leavers()
    answer = table(value, "leavers_by_team", list(expected.index))
    for team, got in answer.items():
        got = whole(got, f"leavers_by_team[{team!r}]")
        if got != expected[team]:
            raise Hint(f"The entry for {team} is {got}. A rep who left stops appearing: count "
                       "the team's rep ids that are not there in week 52.")
    return (f"Right: {expected.idxmax()} lost the most people "
            f"({expected.max()}), {expected.idxmin()} the fewest ({expected.min()}).")


@exercise("diagnosis", "02_managing", ["diagnosis"],
          "Diagnose a manager's style from the team's CRM records")
def _diagnosis(value: object) -> str:
    answer = table(value, "diagnosis", list(data.CRM_TEAMS))
    expected = {team: nearest_style(style) for team, style in data.CRM_TEAMS.items()}
    wrong = []
    for team, got in answer.items():
        got = choice(got, f"diagnosis[{team!r}]", list(STYLES))
        if got != expected[team]:
            wrong.append(team)
    if wrong:
        raise Hint(f"Not all right yet ({len(wrong)} of 3 to rethink). For each team compare "
                   "activity early and late in the year, revenue through the year, and how many "
                   "people left. Who pushes hard and wears people out? Who has happy but "
                   "unfocused reps? Whose revenue holds up all year without wearing people out?")
    return ("All three right: " + ", ".join(f"{t} is run by a {s}" for t, s in expected.items())
            + ". You read the style from the records, not from what the manager says.")


# -- 03 leading -------------------------------------------------------------------------------
@cache
def _engagement_gain() -> pd.Series:
    means = []
    for tailoring in (1.0, 0.0):
        reps = simulate(Style(0.6, 0.7, tailoring), Scenario.default(), runs=30, seed=3).reps
        means.append(reps[reps["active"]].groupby("driver", observed=True)["engagement"].mean())
    return means[0] - means[1]


@exercise("most_helped_driver", "03_leading", ["most_helped_driver"],
          "See that people respond to different things: who gains most from tailoring")
def _most_helped_driver(value: object) -> str:
    driver = choice(value, "most_helped_driver", list(DRIVERS))
    gain = _engagement_gain()
    if driver != gain.idxmax():
        raise Hint(f"Tailoring lifts {driver} reps by {gain[driver]:+.3f}; another driver gains "
                   "more. Compare mean engagement by driver with tailoring 1.0 and 0.0 "
                   "(runs=30, seed=3; reps in post only).")
    return (f"Yes: {driver} reps gain most ({gain[driver]:+.3f}) from a message fitted to them; "
            "one message for all lands worst with them.")


@cache
def _skill_gain() -> pd.Series:
    reps = simulate(COACH, Scenario.default(), runs=30, seed=4).reps
    left = reps.groupby(["run", "rep"])["quit"].transform("any")
    stayers = reps[~left]
    first = stayers[stayers["week"] == 1].set_index(["run", "rep"])["skill"]
    final = stayers[stayers["week"] == stayers["week"].max()].set_index(["run", "rep"])["skill"]
    tier = pd.Series(skill_tier(first.to_numpy()), index=first.index)
    return (final - first).groupby(tier).mean().reindex(list(TIERS))


@exercise("skill_gain_by_tier", "03_leading", ["skill_gain_by_tier"],
          "See where coaching pays: skill gained by starting tier")
def _skill_gain_by_tier(value: object) -> str:
    expected = _skill_gain()
    answer = table(value, "skill_gain_by_tier", list(TIERS))
    for tier, got in answer.items():
        got = number(got, f"skill_gain_by_tier[{tier!r}]")
        if not close(got, expected[tier], abs_=0.003):
            raise Hint(f"The entry for the {tier} tier is {got:.4f}. For reps who stayed all "
                       "year, take skill in week 52 minus skill in week 1, then the mean by the "
                       "tier they started in.")
    order = expected.sort_values(ascending=False)
    return (f"Right: the {order.index[0]} tier gains most ({order.iloc[0]:.3f}), the "
            f"{order.index[-1]} tier least ({order.iloc[-1]:+.3f}), in the model. Coaching "
            "pays most where there is the most room to grow.")


def fast_trust(scenario: Scenario) -> Scenario:
    """``scenario`` with trust built as fast as it is lost: ``trust_rise_weeks`` set to
    ``trust_fall_weeks`` (the model's assumption that trust is slow to build, taken away)."""
    params = scenario.params
    return replace(scenario, params=replace(params, trust_rise_weeks=params.trust_fall_weeks))


TRUST_SWITCH_WEEK = 10
"""The week of the Driller-to-Coach switch in part 3's trust experiment."""


@cache
def _first_half_gain(experiment: Experiment, fast: bool) -> pd.Series:
    """By run: the revenue a Driller-to-Coach switch in week 10 earns over staying the Driller
    in weeks 1-26 ($k), with the model's trust assumption or with ``fast_trust``."""
    scenario = fast_trust(experiment.scenario) if fast else experiment.scenario

    def by_run(manager: Style | Callable) -> pd.DataFrame:
        weekly = simulate(manager, scenario, runs=experiment.runs, seed=experiment.seed).weekly
        return weekly.pivot(index="run", columns="week", values="revenue")

    gap = by_run(switch_at(TRUST_SWITCH_WEEK, DRILLER, COACH)) - by_run(DRILLER)
    return gap.loc[:, :26].sum(axis=1)


def _mean_se(by_run: pd.Series) -> tuple[float, float]:
    return float(by_run.mean()), float(by_run.std(ddof=1) / math.sqrt(len(by_run)))


def _dip_words(experiment: Experiment) -> tuple[bool, str]:
    """Whether the switch still costs in weeks 1-26 with fast trust, and what that means."""
    default, _ = _mean_se(_first_half_gain(experiment, False))
    fast, se = _mean_se(_first_half_gain(experiment, True))
    params = experiment.scenario.params
    head = (f"With the model's assumption (trust built over {params.trust_rise_weeks:g} weeks, "
            f"lost over {params.trust_fall_weeks:g}) the week-{TRUST_SWITCH_WEEK} switch "
            f"{_earns(default)} in weeks 1-26; with trust built as fast as it is lost "
            f"({params.trust_fall_weeks:g} weeks both ways) it {_earns(fast)}.")
    if fast + 2 * se < 0:
        shrink = ("The dip stays" if default >= 0 else
                  f"The dip is {1 - fast / default:.0%} smaller but stays" if fast > default
                  else f"The dip is {fast / default - 1:.0%} deeper and stays")
        return True, (f"{head} {shrink}: in the model the switch costs before it pays even when "
                      "trust comes quickly, because control drops in the week of the switch "
                      "while engagement and skill still build over months. That conclusion "
                      "does not rest on the trust assumption alone; how soon the switch pays "
                      "back does.")
    return False, (f"{head} The dip is gone (or within the noise of the runs, one standard "
                   f"error ${se:,.0f}k): here the cost before the payoff comes from slow trust, "
                   "which is an assumption. Treat \"a switch costs before it pays\" as "
                   "conditional on trust being slow to build.")


def _earns(gain: float) -> str:
    return f"{'earns' if gain >= 0 else 'costs'} ${abs(gain):,.0f}k"


@exercise("predicted_dip", "03_leading", ["predicted_dip"],
          "Predict whether a conclusion survives a changed assumption", kind="prediction")
def _predicted_dip(value: object) -> tuple[str, str]:
    guess = _yes_no(value, "predicted_dip")
    survives, words = _dip_words(EXPERIMENTS["predicted_dip"])
    said = "still costs" if guess else "no longer costs"
    message = f"You predicted that with fast trust the switch {said} in weeks 1-26. {words}"
    return _verdict(guess == survives, message, "Your prediction agrees with the model.",
                    "So your prediction was off: the model's answer is the other one, for the "
                    "reason above.")


@exercise("trust_speed", "03_leading", ["first_half_default", "first_half_fast_trust"],
          "Vary an assumption (how fast trust is built) and see which conclusion moves")
def _trust_speed(default: object, fast: object) -> str:
    default = number(default, "first_half_default")
    fast = number(fast, "first_half_fast_trust")
    experiment = EXPERIMENTS["trust_speed"]
    expected = (_mean_se(_first_half_gain(experiment, False))[0],
                _mean_se(_first_half_gain(experiment, True))[0])
    for got, want, name, which in (
            (default, expected[0], "first_half_default", "the default scenario"),
            (fast, expected[1], "first_half_fast_trust",
             "`fast` (trust_rise_weeks set to trust_fall_weeks)")):
        if not close(got, want, rel=0.03, abs_=1.0):
            raise Hint(f"`{name}` is {got:,.1f}. On {which}, take the weekly gap between "
                       f"switch_at({TRUST_SWITCH_WEEK}, DRILLER, COACH) and DRILLER (mean revenue "
                       f"by week, runs={experiment.runs}, seed={experiment.seed}) and add it up "
                       "over weeks 1-26.")
    return f"Right. {_dip_words(experiment)[1]}"


# -- 04 impact --------------------------------------------------------------------------------
@cache
def _share_lost_in(experiment: Experiment) -> pd.Series:
    """The share of a calm year's revenue the shock of ``experiment`` costs each of the three
    named styles (the same runs with and without the shock)."""
    calm_year = replace(experiment.scenario, shock_depth=0.0)
    lost = {}
    for name, style in THREE.items():
        shock, calm = (simulate(style, scenario, runs=experiment.runs, seed=experiment.seed)
                       .summary()["revenue"].iloc[0]
                       for scenario in (experiment.scenario, calm_year))
        lost[name] = 1 - shock / calm
    return pd.Series(lost)


def _share_lost() -> pd.Series:
    return _share_lost_in(Experiment(Scenario.default(), 50, 6))


@exercise("predicted_shock_gap", "04_impact", ["predicted_shock_gap"],
          "Predict how much more of its year the managed-only team loses to a shock",
          kind="prediction")
def _predicted_shock_gap(value: object) -> tuple[str, str]:
    guess = number(value, "predicted_shock_gap")
    if not -100 <= guess <= 100:
        raise WrongShape(f"`predicted_shock_gap` is {guess:g}: give percentage points, e.g. 5 "
                         "for five points more, or -2 for two points less.")
    lost = _share_lost_in(EXPERIMENTS["predicted_shock_gap"])
    gap = float(lost["Driller"] - lost["Coach"]) * 100
    message = (f"You predicted the Driller's team loses {guess:+.1f} points more of its year "
               f"to the shock than the Coach's. In the model the Driller's team loses "
               f"{lost['Driller']:.1%} and the Coach's {lost['Coach']:.1%}: {gap:+.1f} points, "
               f"{abs(guess - gap):.1f} from your guess.")
    why = ("In the model the style barely changes what the shock itself costs: demand falls "
           "for every team alike. The styles differ in what they cost the team over the year "
           "(exhaustion, people leaving), not in the shock." if abs(gap) < 1.5 else
           f"In this scenario the style changes what the shock costs by {gap:+.1f} points.")
    article = ("The article expects a led team to weather a setback much better. "
               if guess > gap else "")
    off = f"That is off. {article}{why}"
    return _verdict(abs(guess - gap) <= 1.5, message, why, off)


@exercise("share_lost", "04_impact", ["share_lost"],
          "Measure the cost of a setback under each style")
def _share_lost_check(value: object) -> str:
    expected = _share_lost()
    answer = table(value, "share_lost", list(expected.index))
    for name, got in answer.items():
        got = number(got, f"share_lost[{name!r}]")
        if got > 1.5:
            raise Hint(f"The entry for the {name} is {got:,.1f}: give a share (0.25 for 25%), "
                       "not dollars.")
        if not 0 <= got < 1:
            raise WrongShape(f"The entry for the {name} is {got:g}: a share of the year lost "
                             "is between 0 and 1.")
        if not close(got, expected[name], abs_=0.01):
            raise Hint(f"The entry for the {name} is {got:.3f}. For each style: 1 - (year "
                       "revenue with the shock) / (year revenue without it), runs=50, seed=6.")
    return (f"Right: in the model the shock costs the Driller {expected['Driller']:.1%} of a "
            f"calm year, the Coach {expected['Coach']:.1%} and the Cheerleader "
            f"{expected['Cheerleader']:.1%}.")


@exercise("loss_spread", "04_impact", ["loss_spread"],
          "Measure how much the style changes what a setback costs")
def _loss_spread(value: object) -> str:
    spread = number(value, "loss_spread")
    lost = _share_lost()
    expected = float(lost.max() - lost.min())
    if spread > 1.5:
        raise Hint(f"{spread:g} is more than the whole year: give a share (0.05 for five points), "
                   "not a percentage or dollars.")
    if not close(spread, expected, abs_=0.002):
        raise Hint(f"{spread:.4f} is not it. Take the largest value in `share_lost` minus the "
                   "smallest.")
    return (f"Right: {expected * 100:.1f} points. In the model the shock costs the three teams "
            f"between {lost.min():.1%} and {lost.max():.1%} of a calm year: the style barely "
            "changes what a setback costs. The article's claim that led teams weather a "
            "setback much better is not shown by the model; the styles differ in what they "
            "cost the team (exhaustion, people leaving), not in the shock.")


@exercise("safe_best", "04_impact", ["safe_best"],
          "Read two landscapes at once: the best revenue with attrition at most 10%")
def _safe_best(value: object) -> str:
    control, inspiration = _unit_pair(value, "safe_best")
    grid = style_grid(Scenario.default())
    safe = grid[grid["attrition"] <= 0.10]
    best = safe.loc[safe["revenue"].idxmax()]
    if not same_point(control, inspiration, best):
        raise Hint(f"({control:g}, {inspiration:g}) is not it. Keep the rows of `grid` with "
                   "attrition <= 0.10, then take the one with the largest revenue.")
    return (f"Yes: control {best['control']:.1f}, inspiration {best['inspiration']:.1f}: "
            f"${best['revenue']:,.0f}k with {best['attrition']:.0%} attrition.")


# -- 05 shifting ------------------------------------------------------------------------------
SWITCH_RUNS, SWITCH_SEED = 40, 7
"""Runs and seed of every switch in part 5."""


@cache
def _switch_by_run(week_k: int | None) -> pd.DataFrame:
    """Revenue by run (rows) and week (columns): Driller to Coach in ``week_k`` (None: the
    Driller all year), on the default scenario."""
    manager = DRILLER if week_k is None else switch_at(week_k, DRILLER, COACH)
    weekly = simulate(manager, Scenario.default(), runs=SWITCH_RUNS, seed=SWITCH_SEED).weekly
    return weekly.pivot(index="run", columns="week", values="revenue")


def _switch_runs(week_k: int) -> pd.Series:
    return _switch_by_run(week_k).mean()


def _driller_run() -> pd.Series:
    return _switch_by_run(None).mean()


@exercise("switch_gain", "05_shifting", ["switch_gain"],
          "Measure what switching from the Driller to the Coach in week 10 earns over the year")
def _switch_gain(value: object) -> str:
    gain = number(value, "switch_gain")
    by_run = (_switch_by_run(10) - _switch_by_run(None)).sum(axis=1)
    expected = float(by_run.mean())
    se = float(by_run.std(ddof=1) / math.sqrt(len(by_run)))
    if not close(gain, expected, rel=0.03, abs_=1.0):
        raise Hint(f"{gain:,.0f} is not it. Simulate switch_at(10, DRILLER, COACH) and DRILLER "
                   f"with runs={SWITCH_RUNS}, seed={SWITCH_SEED}; subtract the Driller's year "
                   "revenue from the switcher's.")
    driller = float(_driller_run().sum())
    if abs(expected) < 2 * se:
        verdict = (f"That is {expected / driller:+.1%} of the Driller's year, and within the "
                   f"noise: the runs disagree by about ${se:,.0f}k (one standard error). In the "
                   "model, over the first year the switch about breaks even. The next exercise "
                   "shows why.")
    else:
        verdict = (f"That is {expected / driller:+.1%} of the Driller's year (one standard error "
                   f"${se:,.0f}k), in the model.")
    change = f"{'adds' if expected >= 0 else 'takes'} ${abs(expected):,.0f}k"
    return f"Right: switching in week 10 {change} over the year. {verdict}"


def _gap() -> pd.Series:
    return _switch_runs(10) - _driller_run()


def _ahead_from(gap: pd.Series) -> int:
    """The first week from which ``gap`` stays above zero to the end (53: not in the year)."""
    return int(gap[gap <= 0].index.max()) + 1


@exercise("dip_and_payoff", "05_shifting", ["first_half_gain", "second_half_gain", "ahead_from"],
          "See when leading pays: the dip after the switch, the payoff later")
def _dip_and_payoff(first: object, second: object, ahead: object) -> str:
    first = number(first, "first_half_gain")
    second = number(second, "second_half_gain")
    ahead = whole(ahead, "ahead_from")
    gap = _gap()
    halves = (float(gap.loc[:26].sum()), float(gap.loc[27:].sum()))
    for got, want, name, weeks in ((first, halves[0], "first_half_gain", "1-26"),
                                   (second, halves[1], "second_half_gain", "27-52")):
        if not close(got, want, rel=0.03, abs_=1.0):
            raise Hint(f"`{name}` is {got:,.1f}. Add up `gap` over weeks {weeks} (select those "
                       "weeks by their label, then sum).")
    expected = _ahead_from(gap)
    if ahead != expected:
        raise Hint(f"The switcher is not ahead every week from week {ahead} on. Find the last "
                   "week in which `gap` is zero or below; the answer is the week after it.")
    worst = int(gap.idxmin())
    dip = float(gap.min() / _driller_run().loc[worst])
    first_word = "costs" if halves[0] < 0 else "earns"
    second_word = "earns" if halves[1] > 0 else "costs"
    when = (f"from week {expected} on it sells more every week" if expected <= gap.index.max()
            else "it is not ahead for good within the year")
    return (f"Right. In the model the switch {first_word} ${abs(halves[0]):,.0f}k in the first "
            f"half (its worst week, week {worst}, is {abs(dip):.0%} "
            f"{'behind' if dip < 0 else 'ahead of'} the Driller) and "
            f"{second_word} ${abs(halves[1]):,.0f}k in the second; {when}. Leading pays later "
            "than managing: first a dip, then the payoff.")


SWITCH_WEEKS = (1, 10, 20, 30, 40)


@exercise("best_switch_week", "05_shifting", ["best_switch_week"],
          "Compare switch weeks: when is the best time to start leading")
def _best_switch_week(value: object) -> str:
    week = whole(value, "best_switch_week")
    totals = {k: float(_switch_runs(k).sum()) for k in SWITCH_WEEKS}
    if week not in totals:
        raise WrongShape(f"`best_switch_week` is {week}; pick one of {list(SWITCH_WEEKS)}.")
    best = max(totals, key=lambda k: totals[k])
    if week != best:
        raise Hint(f"Switching in week {week} earns ${totals[week]:,.0f}k; another week earns "
                   f"more. Compare the year revenue of each switch week (runs={SWITCH_RUNS}, "
                   f"seed={SWITCH_SEED}).")
    driller = float(_driller_run().sum())
    behind = [k for k in SWITCH_WEEKS if totals[k] < driller]
    late = (f" Switching in week {_list_weeks(behind)} earns less in the year than staying the "
            "Driller: the dip falls inside the year, the payoff mostly after it." if behind
            else "")
    return (f"Yes: week {best} (${totals[best]:,.0f}k, against ${driller:,.0f}k for staying the "
            f"Driller), in the model.{late} An early switch leaves the year time to pay for "
            "the dip.")


SAM_SWITCH_WEEK = 30
"""The week Sam switches from the Driller's style towards the Coach's (Part 5 of the book)."""


@cache
def _year_gain_by_run(experiment: Experiment, week_k: int) -> pd.Series:
    """By run: the year revenue of a Driller-to-Coach switch in ``week_k`` minus staying the
    Driller ($k), in ``experiment``."""
    def year(manager: Style | Callable) -> pd.Series:
        return simulate(manager, experiment.scenario, runs=experiment.runs,
                        seed=experiment.seed).by_run()["revenue"]

    return year(switch_at(week_k, DRILLER, COACH)) - year(DRILLER)


@exercise("predicted_paid_back", "05_shifting", ["predicted_paid_back"],
          "Predict whether Sam's week-30 switch pays for itself within the year",
          kind="prediction")
def _predicted_paid_back(value: object) -> tuple[str, str]:
    guess = _yes_no(value, "predicted_paid_back")
    gain, se = _mean_se(_year_gain_by_run(EXPERIMENTS["predicted_paid_back"], SAM_SWITCH_WEEK))
    said = "has paid for itself" if guess else "has not paid for itself yet"
    message = (f"You predicted that by the end of the year Sam's week-{SAM_SWITCH_WEEK} switch "
               f"{said}. In the model it {_earns(gain)} over the year against staying the "
               f"Driller (one standard error ${se:,.0f}k).")
    if abs(gain) < 2 * se:
        return ("close", f"{message} That is within the noise of the runs: about even, so "
                "either answer is as good as the model can say.")
    why = ("After the switch the team sells less for months (less pressure at once, while trust, "
           "engagement and skill build slowly), and a switch this late leaves the year too "
           "little time for the payoff." if gain < 0 else
           "The payoff after the dip arrives within the year.")
    return _verdict(guess == (gain > 0), message, why, f"That is off. {why}")


def _list_weeks(weeks: Sequence[int]) -> str:
    names = [str(k) for k in weeks]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


@exercise("self_assessment", "05_shifting", ["my_answers"],
          "Place yourself on the style map")
def _self_assessment(value: object) -> str:
    if not isinstance(value, Mapping):
        raise WrongType(f"`my_answers` should be a dict from each statement's key to a whole "
                        f"number from 1 to 5; it holds {_kind(value)}.")
    answers = table(value, "my_answers", list(STATEMENTS))
    try:
        style = self_assessment(answers, name="my_answers")
    except (TypeError, ValueError) as exc:
        raise WrongShape(f"{exc}.") from None
    same = set(answers.values())
    note = (f" You gave {next(iter(same))} to every statement; half of them are worded the "
            "other way round, so that puts you in the middle of the map. If that is not what "
            "you meant, read each statement again." if len(same) == 1 else "")
    return (f"Done: your answers place you at control {style.control:.2f}, inspiration "
            f"{style.inspiration:.2f}, nearest the {nearest_style(style)} of the named styles. "
            "There is no right answer here: ask someone to answer the \"my manager\" wording "
            f"about you and compare, below.{note}")


# -- 06 capstone ------------------------------------------------------------------------------
def _policy(value: object) -> Callable:
    if isinstance(value, Style):
        raise WrongType("`my_policy` is a fixed Style; write a function (week, state) -> Style "
                        "that looks at `state` and changes style when it matters.")
    problem = policy_problem(value)
    if problem is not None and problem.startswith("your policy is not written yet"):
        raise NotAnswered("`my_policy` is not written yet: in the cell of Exercise 6.1, fill "
                          "in the body of def my_policy(week, state) so that it returns a "
                          "Style, run that cell, then run this check.")
    if problem is not None:
        raise Hint(f"Your policy could not run: {problem}.")
    if not callable(value):  # policy_problem said it runs, so it is a function
        raise WrongType(f"`my_policy` should be a function; it holds {_kind(value)}.")
    return value


@cache
def _fixed_revenue(scenario: str) -> pd.Series:
    return pd.Series({name: capstone_run(style, scenario).summary()["revenue"].iloc[0]
                      for name, style in STYLES.items()})


def policy_revenue(policy: Style | Callable, scenario: str) -> float:
    return float(capstone_run(policy, scenario).summary()["revenue"].iloc[0])


def _styles_by_week(policy: Callable) -> pd.DataFrame:
    """The style ``policy`` chose, one row per run and week, on the default scenario and on a
    deeper shock (``CAPSTONE_SEED``, three runs each): the same weeks seen in different
    states."""
    weekly = pd.concat([simulate(policy, Scenario.named(name), runs=3,
                                 seed=CAPSTONE_SEED).weekly for name in ("default", "deep_shock")])
    return weekly[["week", "control", "inspiration"]].round({"control": 3, "inspiration": 3})


@exercise("policy_runs", "06_capstone", ["my_policy"],
          "Write a policy: a function from what a manager sees to a style")
def _policy_runs(value: object) -> str:
    policy = _policy(value)
    chosen = _styles_by_week(policy)
    styles = len(chosen[["control", "inspiration"]].drop_duplicates())
    if styles < 2:
        raise Hint("Your policy runs, but it uses the same style every week: make it respond "
                   "to `state` (the market, attainment, the engagement pulse ...).")
    varies = chosen.groupby("week")[["control", "inspiration"]].nunique().gt(1).any(axis=1)
    if not varies.any():
        raise Hint(f"Your policy uses {styles} styles, but always the same one in the same week, "
                   "whatever the team and the market look like: it follows the calendar only. "
                   "Make it read something in `state` besides the week (the market, "
                   "attainment, the engagement pulse ...).")
    return (f"Your policy runs, uses {styles} different styles and changes them with what it "
            f"sees: in {int(varies.sum())} weeks it chose differently in different years.")


@exercise("policy_beats_fixed", "06_capstone", ["my_policy"],
          "Beat every fixed named style on the default scenario")
def _policy_beats_fixed(value: object) -> str:
    policy = _policy(value)
    fixed = _fixed_revenue("default")
    mine = policy_revenue(policy, "default")
    if not mine > fixed.max():
        level = "only ties with" if mine == fixed.max() else "is behind"
        raise Hint(f"Your policy earns ${mine:,.0f}k and {level} the {fixed.idxmax()}, which "
                   f"earns ${fixed.max():,.0f}k (runs={CAPSTONE_RUNS}, seed={CAPSTONE_SEED}); "
                   "it has to earn more. Look at the weeks where your policy falls behind (the "
                   "dashboard's lower panels show what it chose): in the model, giving the team "
                   "less of either dial costs revenue over a year.")
    best, best_revenue = _top_of_map()
    verdict = ("ahead of it too" if mine > best_revenue else
               f"{1 - mine / best_revenue:.0%} behind it. In the model, switching by context has "
               "not beaten a fixed style with plenty of both")
    return (f"Your policy earns ${mine:,.0f}k, ahead of every named style (the best, the "
            f"{fixed.idxmax()}, earns ${fixed.max():,.0f}k). The best fixed style on the map, "
            f"control {best.control:.1f} and inspiration {best.inspiration:.1f}, earns "
            f"${best_revenue:,.0f}k: your policy is {verdict}.")


@cache
def _top_of_map() -> tuple[Style, float]:
    """The top of the default scenario's style map, and its year with the capstone's runs."""
    grid = style_grid(Scenario.default())
    top = grid.loc[grid["revenue"].idxmax()]
    best = Style(float(top["control"]), float(top["inspiration"]))
    return best, float(capstone_run(best, "default").summary()["revenue"].iloc[0])


@exercise("policy_unseen", "06_capstone", ["my_policy"],
          "Test a policy on scenarios it was not written for")
def _policy_unseen(value: object) -> str:
    policy = _policy(value)
    behind = []
    for scenario in UNSEEN:
        mine = policy_revenue(policy, scenario)
        coach = _fixed_revenue(scenario)["Coach"]
        if not mine > coach:
            level = "ties with" if mine == coach else "against"
            behind.append(f"{scenario} (${mine:,.0f}k {level} ${coach:,.0f}k)")
    if behind:
        raise Hint("Your policy does not beat the Coach on " + " and ".join(behind)
                   + ". A rule tuned to one year can break in another: make it respond to "
                   "what it sees, not to the calendar.")
    return "Your policy beats the Coach on a deeper shock and on a new team too."


@exercise("results_table", "06_capstone", ["results"],
          "Build a comparison table of managers across scenarios", inputs=["my_policy"])
def _results_table(value: object, policy: object) -> str:
    if not isinstance(value, pd.DataFrame):
        raise WrongType(f"`results` should be a DataFrame; it holds {_kind(value)}.")
    rows = [*THREE, "Navigator"]
    columns = ["default", *UNSEEN]
    missing_rows = [r for r in rows if r not in value.index]
    missing_cols = [c for c in columns if c not in value.columns]
    if missing_rows or missing_cols:
        raise WrongShape("`results` should have a row for each of " + _list(rows)
                         + " (and one for your policy) and a column for each of "
                         + _list(columns) + ". Missing: "
                         + _list(missing_rows + missing_cols) + ".")
    for row, manager in (("Coach", COACH), ("Navigator", navigator)):
        for scenario in columns:
            got = number(value.loc[row, scenario], f"results.loc[{row!r}, {scenario!r}]")
            want = policy_revenue(manager, scenario)
            if not close(got, want, rel=0.01):
                raise Hint(f"The {row}'s {scenario} entry is {got:,.0f}; with "
                           f"runs={CAPSTONE_RUNS}, seed={CAPSTONE_SEED} it is ${want:,.0f}k. Use "
                           "the same runs and seed for every cell.")
    mine = policy_revenue(_policy(policy), "default")
    others = [r for r in value.index if r not in (*STYLES, "Navigator")]
    if not any(close(number(value.loc[r, "default"], f"results.loc[{r!r}, 'default']"), mine,
                     rel=0.01) for r in others):
        raise Hint(f"No row of `results` holds your policy's year: on the default scenario it "
                   f"earns ${mine:,.0f}k (runs={CAPSTONE_RUNS}, seed={CAPSTONE_SEED}). Add a "
                   "row for `my_policy`, run the same way as the others.")
    return "Your table is complete: read it across (scenarios) and down (managers)."
