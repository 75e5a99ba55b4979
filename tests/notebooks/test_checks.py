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
    "best_week": [0, 60, 1],
    "predicted_best": [(1.5, 0.5), (0.5,), (-0.1, 0.2)],
    "my_managers": [{"my first boss": (0.5, 0.5)}, {"a": (2, 0), "b": (0, 0), "c": (0, 0)},
                    {"a": (0.5, 0.5), "b": (0.1, 0.1), 3: (0.2, 0.2)}, ["a", "b", "c"]],
    "predicted_error_ratio": [-1, 9, "half"],
    "predicted_dip": ["maybe", "yes please", 1],
    "predicted_shock_gap": [500, "five"],
    "predicted_paid_back": ["perhaps", True],
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
    "trust_speed": [(1, 1), (40, 40), (2.5, 3), (-164.0, 500.0)],
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
        if EXERCISES[name].kind == "prediction" and result.passed:
            # A plain number is a legitimate guess for a numeric prediction, and a Style for a
            # point on the map: it gets compared.
            assert isinstance(value, (int, float, Style)) and not isinstance(value, bool), (
                name, value)
            assert result.status in ("close", "off"), result
            continue
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


# -- predictions, practice and reflections ------------------------------------------------------
def kinds(kind: str) -> list[str]:
    return sorted(n for n, ex in EXERCISES.items() if ex.kind == kind)


def test_every_notebook_from_01_to_05_has_a_prediction():
    for notebook in ("01_two_sides", "02_managing", "03_leading", "04_impact", "05_shifting"):
        assert any(ex.notebook == notebook for ex in map(EXERCISES.get, kinds("prediction"))), \
            notebook


def _truths(experiments) -> dict:
    """The model's answer to each prediction, computed here, independently of the checks, for
    the given experiments (``checks.Experiment`` by exercise name)."""
    import dataclasses

    import numpy as np

    from teamsim import CHEERLEADER, DRILLER, THREE, simulate, sweep, switch_at
    from teamsim.analysis.measures import GRID

    out = {}
    e = experiments["predicted_best"]
    grid = sweep(GRID, GRID, e.scenario, runs=e.runs, seed=e.seed)
    top = grid.loc[grid["revenue"].idxmax()]
    out["predicted_best"] = (float(top["control"]), float(top["inspiration"]))

    e = experiments["predicted_error_ratio"]
    errors = [simulate(Style(c, 0.4), e.scenario, runs=e.runs, seed=e.seed).summary()[
        "forecast_error"].iloc[0] for c in (0.1, 0.6)]
    out["predicted_error_ratio"] = errors[1] / errors[0]

    def first_half(scenario, runs, seed):
        def weekly(manager):
            return simulate(manager, scenario, runs=runs, seed=seed).weekly.groupby("week")[
                "revenue"].mean()
        return float((weekly(switch_at(10, DRILLER, COACH)) - weekly(DRILLER)).loc[:26].sum())

    e = experiments["predicted_dip"]
    fast = dataclasses.replace(e.scenario, params=dataclasses.replace(
        e.scenario.params, trust_rise_weeks=e.scenario.params.trust_fall_weeks))
    out["predicted_dip"] = (first_half(e.scenario, e.runs, e.seed),
                            first_half(fast, e.runs, e.seed))

    e = experiments["predicted_shock_gap"]
    calm = dataclasses.replace(e.scenario, shock_depth=0.0)
    lost = {}
    for name in ("Driller", "Coach"):
        year = [simulate(THREE[name], sc, runs=e.runs, seed=e.seed).summary()["revenue"].iloc[0]
                for sc in (e.scenario, calm)]
        lost[name] = 1 - year[0] / year[1]
    out["predicted_shock_gap"] = (lost["Driller"] - lost["Coach"]) * 100

    e = experiments["predicted_paid_back"]
    years = [simulate(m, e.scenario, runs=e.runs, seed=e.seed).by_run()["revenue"].to_numpy()
             for m in (switch_at(30, DRILLER, COACH), DRILLER)]
    out["predicted_paid_back"] = float(np.mean(years[0] - years[1]))

    e = experiments["best_week"]
    out["best_week"] = int(simulate(COACH, e.scenario, runs=e.runs, seed=e.seed).weekly.groupby(
        "week")["revenue"].mean().idxmax())
    assert CHEERLEADER  # the three named styles are the model's, not the test's
    return out


def _quoted(name: str, truth) -> str:
    """How each check quotes the model's answer (what a hard-coded truth could not follow)."""
    if name == "predicted_best":
        return f"The top of the model's map is control {truth[0]:.1f}, inspiration {truth[1]:.1f}"
    if name == "predicted_error_ratio":
        return f"{truth:.2f} times,"
    if name == "predicted_dip":
        verb = [("earns" if x >= 0 else "costs") + f" ${abs(x):,.0f}k" for x in truth]
        return f"switch {verb[0]} in weeks 1-26; with trust built as fast as it is lost"
    if name == "predicted_shock_gap":
        return f"{truth:+.1f} points,"
    if name == "predicted_paid_back":
        return f"it {'earns' if truth >= 0 else 'costs'} ${abs(truth):,.0f}k over the year"
    raise KeyError(name)


def _guess(name: str, truth, near: bool):
    """A guess at (near) or far from the model's answer, in the prediction's own terms."""
    if name == "predicted_best":
        return truth if near else (1.0 - truth[0], 1.0 - truth[1])
    if name == "predicted_error_ratio":
        return truth if near else truth + 1.0
    if name == "predicted_shock_gap":
        return truth if near else truth + 2.5
    if name == "predicted_dip":
        survives = truth[1] < 0
        return "yes" if survives == near else "no"
    if name == "predicted_paid_back":
        return "yes" if (truth > 0) == near else "no"
    raise KeyError(name)


def test_predictions_say_how_close_and_agree_with_the_model():
    from teamsim.course import checks

    truths = _truths(checks.EXPERIMENTS)
    for name in kinds("prediction"):
        (variable,) = EXERCISES[name].variables
        near = check(name, {variable: _guess(name, truths[name], near=True)})
        far = check(name, {variable: _guess(name, truths[name], near=False)})
        assert near.status == "close" and near.passed, near
        assert _quoted(name, truths[name]) in near.message, (near, truths[name])
        assert far.status == "off" and far.passed, far  # a wrong guess is not a failed exercise
        assert "off" in far.message and _quoted(name, truths[name]) in far.message, far
        assert "Off from what the model does" in repr(far)


def test_prediction_truths_are_computed_from_the_model_not_written_in(monkeypatch):
    """Run every prediction under other Params, scenarios and seeds: each check must quote the
    model's answer for that experiment, which differs from the default one."""
    import dataclasses

    from teamsim import Params, Scenario
    from teamsim.course import checks

    default = checks.EXPERIMENTS
    slow = Params(trust_rise_weeks=30.0, trust_fall_weeks=10.0, manager_week=1.2)
    other = {
        "predicted_best": checks.Experiment(Scenario(team_size=40), 20, 0),
        "predicted_error_ratio": checks.Experiment(Scenario(params=Params(stale_rate=0.02)),
                                                   30, 11),
        "predicted_dip": checks.Experiment(Scenario(params=slow), 30, 3),
        "predicted_shock_gap": checks.Experiment(Scenario(shock_depth=0.8, shock_weeks=16),
                                                 30, 12),
        "predicted_paid_back": checks.Experiment(Scenario(params=slow), 30, 4),
        "best_week": checks.Experiment(dataclasses.replace(Scenario.default(), params=slow),
                                       20, 9),
    }
    before = _truths(default)
    after = _truths({**default, **other})
    monkeypatch.setattr(checks, "EXPERIMENTS", {**default, **other})
    for name in kinds("prediction"):
        (variable,) = EXERCISES[name].variables
        assert _quoted(name, after[name]) != _quoted(name, before[name]), name
        result = check(name, {variable: _guess(name, after[name], near=True)})
        assert result.status == "close", result
        assert _quoted(name, after[name]) in result.message, (result, after[name])
        assert _quoted(name, before[name]) not in result.message, result
    assert check("best_week", {"best_week": after["best_week"]}).passed


def test_the_trust_exercise_follows_the_assumption_it_varies(monkeypatch):
    """trust_speed: right under the default Params, and under other Params the default
    answers are wrong and that experiment's own answers are right."""
    from teamsim import Params, Scenario
    from teamsim.course import checks

    truths = _truths(checks.EXPERIMENTS)["predicted_dip"]
    right = dict(zip(EXERCISES["trust_speed"].variables, truths))
    assert check("trust_speed", right).passed
    assert "1-26" in check("trust_speed", right).message
    changed = checks.Experiment(Scenario(params=Params(trust_rise_weeks=40.0,
                                                       trust_fall_weeks=3.0)), 40, 7)
    monkeypatch.setitem(checks.EXPERIMENTS, "trust_speed", changed)
    assert check("trust_speed", right).status == "wrong"
    theirs = _truths({**checks.EXPERIMENTS, "predicted_dip": changed})["predicted_dip"]
    assert check("trust_speed", dict(zip(EXERCISES["trust_speed"].variables, theirs))).passed


def test_a_reflection_is_noted_with_the_nearest_styles():
    result = check("my_managers", {"my_managers": {"first boss": (0.9, 0.05),
                                                   "Ana": Style(0.55, 0.65),
                                                   "the one I left": [0.1, 0.2]}})
    assert result.status == "noted" and result.passed, result
    for words in ("first boss (0.9, 0.1) is nearest the Driller",
                  "Ana (0.6, 0.7) is nearest the Coach", "the one I left (0.1, 0.2)"):
        assert words in result.message, result.message


def test_kinds_are_known_and_only_graded_exercises_are_otter_questions():
    import re
    from pathlib import Path

    import jupytext
    import yaml

    from teamsim.course.checks import KINDS

    root = Path(__file__).resolve().parents[2]
    questions = set()
    for source in sorted((root / "workbook").glob("[0-9][0-9]_*.md")):
        for cell in jupytext.read(source).cells:
            if cell.cell_type == "raw" and re.match(r"#\s*BEGIN\s+QUESTION", cell.source):
                questions.add(yaml.safe_load(cell.source.split("\n", 1)[1])["name"])
    for name, ex in EXERCISES.items():
        assert ex.kind in KINDS
        assert (name in questions) == (ex.kind == "graded"), name

