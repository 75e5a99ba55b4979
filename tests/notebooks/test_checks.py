"""The exercise checks give feedback, never a traceback: missing, unfinished, mistyped,
misshapen and wrong answers all get words; the workbook's own solutions get a confirmation."""

from __future__ import annotations

import pandas as pd
import pytest

from teamsim import COACH, Style
from teamsim.course.assessment import STATEMENTS
from teamsim.course.checks import EXERCISES, STATUSES, Exercise, Feedback, check

# Answers of every kind a student might leave in a variable by mistake.
MISTYPED = [None, True, "abc", "12", 3.7, -1, float("nan"), [1, 2, 3], (0.5,), {},
            {"x": 1}, pd.Series([1.0, 2.0]), pd.DataFrame({"a": [1, 2]}), object(), COACH,
            lambda week, state: None, lambda: 1]

SELF_ALL_3 = dict.fromkeys(STATEMENTS, 3)

# Well-formed but wrong answers, per exercise (each must get a hint, not a pass).
WRONG = {
    "development_reps": [0, 9],
    "newest_rep": ["Priya", "Nobody"],
    "revenue_by_style": [{"Driller": 1.0, "Coach": 2.0, "Cheerleader": 3.0, "Absentee": 4.0},
                         {"Driller": 1.0}],
    "most_exhausted": ["Coach", "coach ", "Manager"],
    "cheerleader_at_quota": [1.0, 0.0],
    "best_on_map": [(0.0, 0.0), (0.6, 0.7), (0.5,), Style(0.9, 0.1)],
    "corner_failures": [{"Driller": "drift", "Cheerleader": "burnout", "Absentee": "stall"},
                        {"Driller": "burnout"}, {"Driller": 1, "Cheerleader": 2, "Absentee": 3}],
    "forecast_error": [(0.1, 0.9), (5, 5)],
    "activities_by_team": [{"Amber": 1, "Birch": 2, "Cedar": 3}, pd.Series({"Amber": 1.0})],
    "leavers_by_team": [{"Amber": 0, "Birch": 0, "Cedar": 0}, {"Amber": 1.5, "Birch": 2,
                                                               "Cedar": 0}],
    "diagnosis": [{"Amber": "Driller", "Birch": "Coach", "Cedar": "Cheerleader"},
                  {"Amber": "Boss", "Birch": "Driller", "Cedar": "Coach"}],
    "most_helped_driver": ["competition", "greed"],
    "skill_gain_by_tier": [{"low": 0.0, "middle": 0.0, "high": 0.0},
                           pd.Series({"low": 1.0, "high": 1.0})],
    "trust_speed": [(1, 1), (40, 40), (2.5, 3)],
    "share_lost": [{"Driller": 0.0, "Coach": 0.0, "Cheerleader": 0.0},
                   {"Driller": 900.0, "Coach": 10.0, "Cheerleader": 5.0}],
    "loss_spread": [0.0, 0.5, 12.0],
    "safe_best": [(1.0, 0.0), (0.2, 0.2, 0.2)],
    "switch_gain": [-100.0, 7000.0],
    "dip_and_payoff": [(0.0, 0.0, 34), (180.0, -164.0, 34), (1.0, 2.0, 2.5)],
    "best_switch_week": [40, 7, 0],
    "self_assessment": [{"numbers_first": 9}, {**SELF_ALL_3, "talk_most": 6},
                        {**SELF_ALL_3, "pipeline_review": 4.5}],
    "policy_runs": [lambda week, state: Style(0.6, 0.7), lambda week, state: "Coach",
                    lambda week, state: 1 / 0],
    "policy_beats_fixed": [lambda week, state: Style(0.1, 0.1)],
    "policy_unseen": [lambda week, state: Style(0.9, 0.1)],
    "results_table": [pd.DataFrame({"default": [1.0]}, index=["Coach"]),
                      pd.DataFrame({"default": [1.0] * 4, "deep_shock": [1.0] * 4,
                                    "new_team": [1.0] * 4},
                                   index=["Driller", "Coach", "Cheerleader", "Navigator"])],
}

# What a mistyped answer may get: words about the answer. Never "missing" (the variable is
# there) and never "error", which is what check() returns when the checker itself crashed.
MISTYPED_FEEDBACK = {"unanswered", "type", "shape", "wrong"}


def namespace(ex, value) -> dict:
    """Every variable of the exercise set to ``value`` (or its items, for several)."""
    if len(ex.variables) > 1 and isinstance(value, tuple) and len(value) == len(ex.variables):
        return dict(zip(ex.variables, value))
    return {v: value for v in ex.variables}


def assert_feedback(result: object, name: str, allowed: set[str]) -> None:
    assert isinstance(result, Feedback), (name, result)
    assert result.status in allowed, (name, result)
    assert not result.passed and not bool(result)
    text = repr(result)
    assert result.message and "Traceback" not in text, (name, text)
    assert STATUSES[result.status][0] in text
    html = result._repr_html_()
    assert result.exercise in html and "<div" in html


def test_every_exercise_has_wrong_answers_listed():
    assert set(WRONG) == set(EXERCISES)
    notebooks = {ex.notebook for ex in EXERCISES.values()}
    assert len(notebooks) == 7
    for notebook in notebooks:
        assert sum(ex.notebook == notebook for ex in EXERCISES.values()) >= 3, notebook


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_missing_answer(name):
    assert_feedback(check(name, {}), name, {"missing"})


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_unfinished_answer(name):
    assert_feedback(check(name, namespace(EXERCISES[name], ...)), name, {"unanswered"})


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_mistyped_answers(name):
    for value in MISTYPED:
        result = check(name, namespace(EXERCISES[name], value))
        assert_feedback(result, name, MISTYPED_FEEDBACK)


def test_a_crashing_checker_is_not_feedback_on_the_answer(monkeypatch):
    """What test_mistyped_answers guards against: a checker that crashes is reported as
    "error", and that status is not accepted as feedback on a mistyped answer."""
    def crashes(value):
        return value["key"]

    monkeypatch.setitem(EXERCISES, "crashes", Exercise("crashes", "00_getting_started", ("x",),
                                                        "a checker with a bug", crashes))
    result = check("crashes", {"x": 3.7})
    assert result.status == "error", result
    with pytest.raises(AssertionError):
        assert_feedback(result, "crashes", MISTYPED_FEEDBACK)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_wrong_answers_get_a_hint(name):
    for value in WRONG[name]:
        result = check(name, namespace(EXERCISES[name], value))
        assert_feedback(result, name, {"wrong", "shape", "type"})


def test_unknown_exercise_and_default_namespace():
    assert check("no_such_exercise").status == "error"
    development_reps = ...  # noqa: F841 - check() reads the caller's globals, not locals
    assert check("development_reps").status == "missing"


def test_a_policy_stub_is_not_answered_yet():
    def my_policy(week, state):
        ...

    for name in ("policy_runs", "policy_beats_fixed", "policy_unseen"):
        assert check(name, {"my_policy": my_policy}).status == "unanswered"


def test_some_right_answers_are_confirmed():
    from teamsim.data import load
    from teamsim.model.policies import navigator

    roster = load("roster.csv")
    assert check("development_reps",
                 {"development_reps": int((roster["driver"] == "development").sum())}).passed
    assert check("diagnosis", {"diagnosis": {"amber": "cheerleader ", "Birch": "Driller",
                                             "Cedar": "Coach"}}).passed
    assert check("self_assessment", {"my_answers": SELF_ALL_3}).passed
    assert check("policy_beats_fixed", {"my_policy": navigator}).passed


def test_dip_and_payoff_checks_each_answer():
    from teamsim import DRILLER, Scenario, simulate
    from teamsim.model.policies import switch_at

    def weekly(manager):
        return simulate(manager, Scenario.default(), runs=40, seed=7).weekly.groupby("week")[
            "revenue"].mean()

    gap = weekly(switch_at(10, DRILLER, COACH)) - weekly(DRILLER)
    halves = gap.loc[:26].sum(), gap.loc[27:].sum()
    ahead = int(gap[gap <= 0].index.max()) + 1
    right = {"first_half_gain": halves[0], "second_half_gain": halves[1], "ahead_from": ahead}
    assert check("dip_and_payoff", right).passed
    for wrong in ({"ahead_from": ahead - 1}, {"ahead_from": 11},
                  {"first_half_gain": halves[1], "second_half_gain": halves[0]}):
        assert check("dip_and_payoff", {**right, **wrong}).status == "wrong", wrong
