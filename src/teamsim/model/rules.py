"""Policies as rules a manager would say out loud, kept as plain data.

A :class:`RulePolicy` is a list of rules tried in order, the first that holds choosing the week's
style, and a style for "otherwise"::

    {"rules": [{"when": "attainment", "is": "below", "value": 0.8, "weeks": 3,
                "use": "Driller"},
               {"when": "engagement_pulse", "is": "below", "value": 0.55, "weeks": 1,
                "use": {"control": 0.5, "inspiration": 0.9}}],
     "otherwise": "Coach"}

reads "if attainment has been below 80% in each of the last 3 weeks, manage like the Driller; if
the last engagement pulse was below 0.55, use control 0.5 and inspiration 0.9; otherwise manage
like the Coach". A rule looks only at what a :class:`~teamsim.PolicyState` shows a manager
(:data:`MEASURES`); its style is one of the named styles or a setting of the two dials.

The data is JSON (strings, numbers, lists and objects only), so it is also a Python literal: the
capstone notebook keeps a student's rules as the text of a cell, and anything that can read that
text (the grader in a fresh kernel, a sandbox that asks a policy for its style over a pipe)
rebuilds the same policy with :func:`rule_policy`. Bad data raises :class:`RuleError`, which names
the value and says what was expected.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from teamsim.model.api import PolicyHistory, PolicyState
from teamsim.model.core import STYLES, Style

MAX_RULES = 12
"""Rules one policy may hold (a manager who needs more is not saying them out loud)."""
MAX_WEEKS = 26
"""The longest run of weeks a rule may look back over."""
BEST_RUN = 8
"""Weeks in the 'best run' that revenue is compared with (as in the Navigator)."""


class RuleError(ValueError):
    """Rules that cannot be made into a policy; the message names the value and the fix."""


@dataclass(frozen=True)
class Measure:
    """Something a rule can look at, read for every run at once from a
    :class:`~teamsim.model.PolicyHistory` (one run's :class:`~teamsim.PolicyState` is read as a
    history of one run)."""

    name: str
    short: str
    """A few words, for a menu."""
    label: str
    """What it is, for a sentence."""
    low: float
    high: float
    default: float
    percent: bool
    history: bool
    """True if the manager sees it week by week (a rule may ask for several weeks running);
    False if only this week's value is seen."""
    read_all: Callable[[PolicyHistory], np.ndarray]
    """The values every run's manager has seen so far, ``(weeks seen, runs)``, oldest first
    (one row if not a history)."""

    def shown(self, value: float) -> str:
        return f"{value:.0%}" if self.percent else f"{value:.2f}"


def best_run_share(revenue: np.ndarray) -> np.ndarray:
    """Each past week's revenue as a share of the best average over :data:`BEST_RUN`
    consecutive weeks up to that week (NaN before there are that many weeks)."""
    revenue = np.asarray(revenue, dtype=float)
    out = np.full(len(revenue), np.nan)
    if len(revenue) >= BEST_RUN:
        runs = np.convolve(revenue, np.ones(BEST_RUN) / BEST_RUN, mode="valid")
        best = np.maximum.accumulate(runs)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[BEST_RUN - 1:] = np.where(best > 0, revenue[BEST_RUN - 1:] / best, np.nan)
    return out


def revenue_against_best_all(history: PolicyHistory) -> np.ndarray:
    """:func:`best_run_share` of each run's revenue (run by run: the same numbers)."""
    columns = [best_run_share(history.revenue[:, i]) for i in range(history.runs)]
    return np.stack(columns, axis=1) if columns else np.empty((history.week - 1, 0))


def staffing_all(history: PolicyHistory) -> np.ndarray:
    """Reps in post each week as a share of the team's positions."""
    return np.asarray(history.headcount, dtype=float) / history.team_size


MEASURES: dict[str, Measure] = {m.name: m for m in (
    Measure("attainment", "attainment", "attainment (rolling quarter, 100% = on quota)",
            0.0, 2.0, 0.8, percent=True, history=True,
            read_all=lambda h: h.attainment),
    Measure("engagement_pulse", "engagement pulse", "the engagement pulse (0 to 1)",
            0.0, 1.0, 0.55, percent=False, history=True,
            read_all=lambda h: h.engagement_pulse),
    Measure("revenue_vs_best", "revenue against its best run",
            f"revenue against its best {BEST_RUN}-week run", 0.0, 1.5, 0.8,
            percent=True, history=True,
            read_all=revenue_against_best_all),
    Measure("staffing", "staffing", "staffing (reps in post per position)",
            0.0, 1.0, 0.9, percent=True, history=True, read_all=staffing_all),
    Measure("market", "market (this week)", "the market (industry reports, 1.00 = a normal "
            "week)", 0.0, 2.0, 0.95, percent=False, history=False,
            read_all=lambda h: np.full((1, h.runs), h.market)),
)}
"""What a rule may look at: only what a manager sees (see :class:`~teamsim.PolicyState`)."""
COMPARISONS = ("below", "above")
RULE_KEYS = ("when", "is", "value", "weeks", "use")
DIALS = ("control", "inspiration", "tailoring")
DEFAULT_TAILORING = Style(0.0, 0.0).tailoring


def _choices(values: Iterable[str]) -> str:
    return ", ".join(repr(v) for v in values)


def _number(where: str, value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RuleError(f"{where} must be a number from {low:g} to {high:g}, got {value!r}")
    if not math.isfinite(value) or not low <= value <= high:
        raise RuleError(f"{where} must be a number from {low:g} to {high:g}, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class Action:
    """What a rule does: manage in a named style, or set the two dials."""

    style: Style
    name: str | None = None
    """The named style (a key of :data:`~teamsim.STYLES`), or None for dials set by hand."""

    @classmethod
    def from_data(cls, where: str, data: object) -> Action:
        if isinstance(data, str):
            if data not in STYLES:
                raise RuleError(f"{where} must be a style, one of {_choices(STYLES)}, or the "
                                f"dials as {{\"control\": 0.6, \"inspiration\": 0.7}}; got "
                                f"{data!r}")
            return cls(STYLES[data], data)
        if isinstance(data, Mapping):
            unknown = [k for k in data if k not in DIALS]
            if unknown:
                raise RuleError(f"{where} has an unknown key {unknown[0]!r}: the dials are "
                                f"{_choices(DIALS[:2])} (and, if you like, 'tailoring')")
            missing = [k for k in DIALS[:2] if k not in data]
            if missing:
                raise RuleError(f"{where} needs a value for {missing[0]!r} (a number from 0 "
                                f"to 1), got {dict(data)!r}")
            dials = {k: _number(f"{where}[{k!r}]", data[k], 0.0, 1.0) for k in data}
            return cls(Style(**dials))
        raise RuleError(f"{where} must be a style, one of {_choices(STYLES)}, or the dials as "
                        f"{{\"control\": 0.6, \"inspiration\": 0.7}}; got {data!r}")

    def to_data(self) -> str | dict[str, float]:
        if self.name is not None:
            return self.name
        dials = {"control": self.style.control, "inspiration": self.style.inspiration}
        if self.style.tailoring != DEFAULT_TAILORING:
            dials["tailoring"] = self.style.tailoring
        return dials

    def words(self) -> str:
        dials = (f"control {self.style.control:.2f}, inspiration "
                 f"{self.style.inspiration:.2f}")
        if self.name is not None:
            return f"manage like the {self.name} ({dials})"
        return f"set the dials to {dials}"


@dataclass(frozen=True)
class Rule:
    """If ``measure`` has been ``compare`` ``threshold`` in each of the last ``weeks`` weeks,
    use ``action``."""

    measure: str
    compare: str
    threshold: float
    weeks: int
    action: Action

    @classmethod
    def from_data(cls, where: str, data: object) -> Rule:
        if not isinstance(data, Mapping):
            raise RuleError(f"{where} must be a rule like {{\"when\": \"attainment\", \"is\": "
                            f"\"below\", \"value\": 0.8, \"weeks\": 3, \"use\": \"Driller\"}}, "
                            f"got {data!r}")
        unknown = [k for k in data if k not in RULE_KEYS]
        if unknown:
            raise RuleError(f"{where} has an unknown key {unknown[0]!r}: a rule has the keys "
                            f"{_choices(RULE_KEYS)}")
        missing = [k for k in ("when", "is", "value", "use") if k not in data]
        if missing:
            raise RuleError(f"{where} needs {missing[0]!r} (a rule has the keys "
                            f"{_choices(RULE_KEYS)}; 'weeks' may be left out for 1)")
        name = data["when"]
        if name not in MEASURES:
            raise RuleError(f"{where}['when'] must be one of {_choices(MEASURES)}, got "
                            f"{name!r}")
        measure = MEASURES[name]
        compare = data["is"]
        if compare not in COMPARISONS:
            raise RuleError(f"{where}['is'] must be one of {_choices(COMPARISONS)}, got "
                            f"{compare!r}")
        threshold = _number(f"{where}['value']", data["value"], measure.low, measure.high)
        weeks = data.get("weeks", 1)
        if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS:
            raise RuleError(f"{where}['weeks'] must be a whole number from 1 to {MAX_WEEKS}, "
                            f"got {weeks!r}")
        if weeks > 1 and not measure.history:
            raise RuleError(f"{where}['weeks'] must be 1 for {name!r}: a manager sees only "
                            f"this week's {name}, got {weeks!r}")
        return cls(name, compare, threshold, weeks,
                   Action.from_data(f"{where}['use']", data["use"]))

    def to_data(self) -> dict[str, object]:
        return {"when": self.measure, "is": self.compare, "value": self.threshold,
                "weeks": self.weeks, "use": self.action.to_data()}

    def holds(self, state: PolicyState) -> bool:
        """True if the measure was on the rule's side of the threshold in each of the last
        ``weeks`` weeks (never before there are that many weeks to look at)."""
        return bool(self.holds_all(PolicyHistory.of(state))[0])

    def holds_all(self, history: PolicyHistory) -> np.ndarray:
        """:meth:`holds` for every run at once (a bool array, one per run)."""
        seen = MEASURES[self.measure].read_all(history)
        if seen.shape[0] < self.weeks:  # every run has seen the same number of weeks
            return np.zeros(history.runs, dtype=bool)
        last = seen[-self.weeks:]
        on_side = last < self.threshold if self.compare == "below" else last > self.threshold
        return np.asarray(on_side.all(axis=0), dtype=bool)

    def words(self) -> str:
        measure = MEASURES[self.measure]
        value = measure.shown(self.threshold)
        if not measure.history:
            when = f"{measure.label} is {self.compare} {value} this week"
        elif self.weeks == 1:
            when = f"{measure.label} was {self.compare} {value} last week"
        else:
            when = (f"{measure.label} has been {self.compare} {value} in each of the last "
                    f"{self.weeks} weeks")
        return f"If {when}, {self.action.words()}."


@dataclass(frozen=True)
class RulePolicy:
    """A policy made of rules tried in order (the first that holds wins) and a style for
    otherwise. Call it like any policy: ``policy(week, state) -> Style``."""

    rules: tuple[Rule, ...]
    otherwise: Action

    @classmethod
    def from_data(cls, data: object) -> RulePolicy:
        """The policy for rules given as data (a dict as in the module's docstring)."""
        if not isinstance(data, Mapping):
            raise RuleError(f"rules must be an object like {{\"rules\": [...], \"otherwise\": "
                            f"\"Coach\"}}, got {data!r}")
        unknown = [k for k in data if k not in ("rules", "otherwise")]
        if unknown:
            raise RuleError(f"the rules have an unknown key {unknown[0]!r}: expected 'rules' "
                            "(a list of rules) and 'otherwise' (a style)")
        rules = data.get("rules", [])
        if not isinstance(rules, (list, tuple)):
            raise RuleError(f"'rules' must be a list of rules, got {rules!r}")
        if len(rules) > MAX_RULES:
            raise RuleError(f"'rules' may hold at most {MAX_RULES} rules, got {len(rules)}")
        if "otherwise" not in data:
            raise RuleError("the rules need an 'otherwise': the style to use when no rule "
                            "holds, e.g. \"Coach\"")
        return cls(tuple(Rule.from_data(f"rules[{i}]", r) for i, r in enumerate(rules)),
                   Action.from_data("'otherwise'", data["otherwise"]))

    @classmethod
    def from_json(cls, text: str) -> RulePolicy:
        try:
            data = json.loads(text)
        except (TypeError, json.JSONDecodeError) as exc:
            raise RuleError(f"the rules are not valid JSON: {exc}") from None
        return cls.from_data(data)

    def to_data(self) -> dict[str, object]:
        return {"rules": [r.to_data() for r in self.rules], "otherwise": self.otherwise.to_data()}

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_data(), indent=indent)

    def rule_for(self, state: PolicyState) -> int | None:
        """The index of the first rule that holds, or None if none does (otherwise)."""
        for i, rule in enumerate(self.rules):
            if rule.holds(state):
                return i
        return None

    def __call__(self, week: int, state: PolicyState) -> Style:
        i = self.rule_for(state)
        return self.otherwise.style if i is None else self.rules[i].action.style

    def decide_all(self, history: PolicyHistory) -> list[Style]:
        """The style for every run, as :meth:`__call__` would choose it run by run, with each
        rule checked for all runs at once (the model asks a policy that has this method once a
        week, see :func:`teamsim.simulate`)."""
        chosen = [self.otherwise.style] * history.runs
        open_runs = np.ones(history.runs, dtype=bool)
        for rule in self.rules:
            if not open_runs.any():
                break
            taken = open_runs & rule.holds_all(history)
            for run in np.flatnonzero(taken).tolist():
                chosen[run] = rule.action.style
            open_runs &= ~taken
        return chosen

    @property
    def __name__(self) -> str:
        return "rule_policy"

    def words(self) -> list[str]:
        """The rules as sentences, in order, ending with 'Otherwise, ...'."""
        return [*(r.words() for r in self.rules),
                f"Otherwise, {self.otherwise.words()}."]


def rule_policy(rules: RulePolicy | Mapping | str) -> RulePolicy:
    """A policy from rules given as data (a dict), as JSON text, or an existing one."""
    if isinstance(rules, RulePolicy):
        return rules
    if isinstance(rules, str):
        return RulePolicy.from_json(rules)
    return RulePolicy.from_data(rules)


__all__ = ["MEASURES", "Action", "Measure", "Rule", "RuleError", "RulePolicy", "rule_policy"]
