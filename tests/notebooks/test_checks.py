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
        answers = dict(zip(ex.variables, value))
    else:
        answers = {v: value for v in ex.variables}
    from teamsim.model.policies import navigator

    return {**answers, **dict.fromkeys(ex.inputs, navigator)}  # earlier answers: a good policy


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



# -- feedback agrees with the grade -----------------------------------------------------------
# For every graded exercise, answers at the edge of what is accepted (a tie, just inside and
# just outside the tolerance, other spellings and types) go through check() and through the
# exercise's hidden test, run as otter runs it (an OKTestFile of doctests); both must agree.
# A student told "Correct" must not lose the hidden points, and the other way round.
import re  # noqa: E402
from functools import cache  # noqa: E402
from pathlib import Path  # noqa: E402

import jupytext  # noqa: E402
import numpy as np  # noqa: E402
import yaml  # noqa: E402
from otter.assign.utils import str_to_doctest  # noqa: E402
from otter.test_files import OKTestFile  # noqa: E402

from teamsim import CHEERLEADER, DRILLER, STYLES, Scenario  # noqa: E402
from teamsim.analysis.measures import CAPSTONE_SCENARIOS, UNSEEN, capstone_run, style_grid  # noqa: E402
from teamsim.course import checks as C  # noqa: E402
from teamsim.model.policies import navigator  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "workbook").glob("[0-9][0-9]_*.md"))


@cache
def hidden_tests() -> dict[str, OKTestFile]:
    """Each graded question's hidden test cells, as the OKTestFile otter would run."""
    found: dict[str, OKTestFile] = {}
    for source in SOURCES:
        question = None
        for cell in jupytext.read(source).cells:
            text = cell.source.strip()
            if cell.cell_type == "raw" and re.match(r"#\s*BEGIN\s+QUESTION", text):
                question = yaml.safe_load(text.split("\n", 1)[1])["name"]
            elif cell.cell_type == "code" and text.startswith("# HIDDEN") and question:
                body = "\n".join(str_to_doctest(text.splitlines()[1:], [])) + "\n"
                spec = found.setdefault(question, {"name": question, "points": None,
                                                   "suites": [{"cases": [], "type": "doctest"}]})
                spec["suites"][0]["cases"].append({"code": body, "hidden": True, "points": 1})
    return {name: OKTestFile.from_spec(spec) for name, spec in found.items()}


def hidden_verdict(name: str, namespace: dict) -> bool:
    test = hidden_tests()[name]
    test.run(dict(namespace))
    return all(result.passed for result in test.test_case_results)


def around(x: float, tol: float) -> list[float]:
    """``x``, and just inside and just outside ``tol`` of it on both sides."""
    return [x, x + 0.99 * tol, x - 0.99 * tol, x + 1.01 * tol, x - 1.01 * tol]


def tables(expected: dict, tol) -> list:
    """Tables like ``expected`` with one entry moved to the edge of ``tol(value)``."""
    first = next(iter(expected))
    out: list = [dict(expected), pd.Series(expected), pd.DataFrame({"x": pd.Series(expected)}),
                 {f" {k.upper()} ": v for k, v in expected.items()}]
    out += [{**expected, first: v} for v in around(expected[first], tol(expected[first]))[1:]]
    return out


def points(top) -> list:
    c, i = float(top["control"]), float(top["inspiration"])
    return [(c, i), Style(c, i), (c - 0.0105, i), (c - 0.0115, i), (c, i + 0.0105),
            (c + 0.0105, i), [c, i - 0.0115], (c, i, 0.0)]


def edge_policies(base: Style):
    """``base`` every week (a tie with it), and ``base`` with one week changed either way."""
    def tie(week, state):
        return base

    def better(week, state):
        return Style(1.0, 1.0) if week == 20 else base

    def worse(week, state):
        return Style(0.0, 0.0) if week == 20 else base

    return [tie, better, worse]


def edge_answers(name: str) -> list:
    """Answers (one value, or a tuple over the exercise's variables) at the edge of right."""
    if name == "development_reps":
        roster = C.data.load("roster.csv")
        n = int((roster["driver"] == "development").sum())
        return [n, float(n), np.int64(n), n + 1, n - 1, n + 0.5, True]
    if name == "newest_rep":
        roster = C.data.load("roster.csv").sort_values("tenure_months")
        first, second = roster["name"].iloc[:2]
        return [first, f" {first.upper()} ", second]
    if name == "revenue_by_style":
        year = C.data.load("style_year.csv")
        return tables(year.groupby("style")["revenue"].sum().to_dict(), lambda v: 0.005 * v)
    if name == "most_exhausted":
        year = C.data.load("style_year.csv")
        end = year[year["week"] == year["week"].max()].set_index("style")["exhaustion"]
        return [end.idxmax(), f" {end.idxmax().lower()}", end.idxmin()]
    if name == "cheerleader_at_quota":
        e = C._at_quota_ratio()
        return [*around(e, 0.02), np.float64(e), pd.Series([e]), 1.0, 0.0]
    if name == "best_on_map":
        grid = style_grid(Scenario.default())
        return points(grid.loc[grid["revenue"].idxmax()])
    if name == "safe_best":
        grid = style_grid(Scenario.default())
        safe = grid[grid["attrition"] <= 0.10]
        return points(safe.loc[safe["revenue"].idxmax()])
    if name == "corner_failures":
        right = {"Driller": "burnout", "Cheerleader": "drift", "Absentee": "stall"}
        return [right, {k.lower(): f" {v.upper()}" for k, v in right.items()},
                {**right, "Absentee": "drift"}, {**right, "Coach": "none"}]
    if name == "forecast_error":
        low, high = C._forecast_errors()
        return [(x, high) for x in around(low, 0.02 * low)] + [(low, y) for y in
                                                              around(high, 0.02 * high)[1:]]
    if name == "activities_by_team":
        crm = C.data.load("crm_weekly.csv")
        return tables(crm.groupby("team")["activities"].mean().to_dict(), lambda v: 0.005 * v)
    if name == "leavers_by_team":
        e = {k: int(v) for k, v in C._leavers().items()}
        first = next(iter(e))
        return [e, {k: float(v) for k, v in e.items()}, pd.Series(e), {**e, first: e[first] + 1}]
    if name == "diagnosis":
        e = {t: C.nearest_style(s) for t, s in C.data.CRM_TEAMS.items()}
        first = next(iter(e))
        return [e, {k.lower(): v.upper() for k, v in e.items()},
                {**e, first: "Absentee" if e[first] != "Absentee" else "Coach"}]
    if name == "most_helped_driver":
        gain = C._engagement_gain()
        return [gain.idxmax(), f" {gain.idxmax().upper()} ", gain.idxmin()]
    if name == "skill_gain_by_tier":
        return tables(C._skill_gain().to_dict(), lambda v: 0.003)
    if name == "trust_speed":
        experiment = C.EXPERIMENTS["trust_speed"]
        d, f = (float(C._first_half_gain(experiment, fast).mean()) for fast in (False, True))
        return ([(x, f) for x in around(d, max(0.03 * abs(d), 1.0))]
                + [(d, y) for y in around(f, max(0.03 * abs(f), 1.0))[1:]])
    if name == "share_lost":
        return tables(C._share_lost().to_dict(), lambda v: 0.01)
    if name == "loss_spread":
        lost = C._share_lost()
        return around(float(lost.max() - lost.min()), 0.002)
    if name == "self_assessment":
        threes = dict.fromkeys(STATEMENTS, 3)
        first = next(iter(threes))
        return [threes, {k.upper(): v for k, v in threes.items()}, {**threes, first: 5.0},
                {**threes, first: 6}, {**threes, first: True}, {**threes, first: 2.5}]
    if name == "switch_gain":
        by_run = (C._switch_by_run(10) - C._switch_by_run(None)).sum(axis=1)
        e = float(by_run.mean())
        return around(e, max(0.03 * abs(e), 1.0))
    if name == "dip_and_payoff":
        gap = C._gap()
        first, second = float(gap.loc[:26].sum()), float(gap.loc[27:].sum())
        ahead = C._ahead_from(gap)
        return ([(x, second, ahead) for x in around(first, max(0.03 * abs(first), 1.0))]
                + [(first, y, ahead) for y in around(second, max(0.03 * abs(second), 1.0))[1:]]
                + [(first, second, float(ahead)), (first, second, ahead + 1),
                   (first, second, ahead - 1)])
    if name == "best_switch_week":
        totals = {k: float(C._switch_runs(k).sum()) for k in C.SWITCH_WEEKS}
        best = max(totals, key=totals.get)
        return [best, float(best), *(k for k in C.SWITCH_WEEKS if k != best)]
    if name == "policy_runs":
        def calendar(week, state):
            return COACH if week < 26 else DRILLER

        def reads_market(week, state):
            return Style(0.3, 1.0) if state.market < 0.95 else COACH

        def reads_week_in_state(week, state):
            return COACH if state.week % 2 else CHEERLEADER

        return [calendar, reads_market, reads_week_in_state, edge_policies(COACH)[0]]
    if name == "policy_beats_fixed":
        fixed = {n: capstone_run(s, "default").summary()["revenue"].iloc[0]
                 for n, s in STYLES.items()}
        return edge_policies(STYLES[max(fixed, key=fixed.get)])
    if name == "policy_unseen":
        return edge_policies(COACH)
    if name == "results_table":
        def year(manager, s):
            return capstone_run(manager, s).summary()["revenue"].iloc[0]

        mine = edge_policies(COACH)[1]
        managers = {"Your policy": mine, "Navigator": navigator, **C.THREE}
        right = pd.DataFrame({s: {n: year(m, s) for n, m in managers.items()}
                              for s in CAPSTONE_SCENARIOS})
        out = [(right, mine)]
        for row, column in (("Navigator", "deep_shock"), ("Coach", "new_team"),
                            ("Your policy", "default")):
            for factor in (1.0099, 0.9899):  # just inside 1%, just outside
                table = right.copy()
                table.loc[row, column] *= factor
                out.append((table, mine))
        out += [(right.drop(index="Your policy"), mine), (right.drop(columns=UNSEEN[0]), mine),
                (right.rename(index={"Your policy": "Coach"}).iloc[1:], mine)]
        return out
    raise KeyError(name)


GRADED = sorted(n for n, e in EXERCISES.items() if e.kind == "graded")


def test_every_graded_exercise_has_a_hidden_test_and_edge_answers():
    assert sorted(hidden_tests()) == GRADED
    assert all(edge_answers(name) for name in GRADED)


@pytest.mark.parametrize("name", GRADED)
def test_check_and_hidden_test_agree_at_the_edges(name):
    ex = EXERCISES[name]
    verdicts = []
    for answer in edge_answers(name):
        names = (*ex.variables, *ex.inputs)
        values = answer if len(names) > 1 else (answer,)
        namespace = dict(zip(names, values))
        said = check(name, namespace)
        graded = hidden_verdict(name, namespace)
        assert said.passed == graded, (name, answer, said, graded)
        verdicts.append(graded)
    assert True in verdicts and False in verdicts, (name, verdicts)


# -- feedback students can act on -------------------------------------------------------------
def test_labels_name_each_exercise_as_the_workbook_does():
    """The words a "run this first" message uses for an exercise are the workbook's own."""
    for source in SOURCES:
        text = source.read_text()
        for name, ex in EXERCISES.items():
            if ex.notebook != source.stem or not C.LABELS[name].startswith("Exercise"):
                continue
            label = text.index(f"**{C.LABELS[name]}.**")
            assert label < text.index(f'check("{name}")'), name
            later = re.search(r"\*\*Exercise \d\.\d\.\*\*", text[label + 5:text.index(
                f'check("{name}")')])
            assert later is None, (name, later)
    assert set(C.LABELS) == set(EXERCISES)


def test_an_undefined_answer_names_the_cell_to_run_first():
    """After a kernel restart a check does not raise NameError: it names what to run."""
    policy = check("policy_beats_fixed", {})
    assert policy.status == "missing"
    assert "Exercise 6.1" in policy.message and "def my_policy" in policy.message
    assert "the cell above" not in policy.message
    table = check("results_table", {"results": pd.DataFrame()})
    assert "Exercise 6.1" in table.message and "results" not in table.message.split(":")[0]
    reps = check("development_reps", {})
    assert "Exercise 0.1" in reps.message and "`development_reps`" in reps.message
    assert "Restart" not in reps.message and "Run All Above" in reps.message


def test_dollar_amounts_are_shown_as_text_not_mathematics():
    """JupyterLab and the book typeset $...$ in HTML outputs; feedback quotes dollars."""
    wrong = check("policy_beats_fixed", {"my_policy": lambda week, state: Style(0.1, 0.1)})
    assert wrong.message.count("$") >= 2
    page = wrong._repr_html_()
    assert re.match(r"<div class='[^']*\bmathjax_ignore\b[^']*\btex2jax_ignore\b", page)
    assert "$" in page and "\\$" not in page, "the dollars stay dollars, in an ignored block"


def solution_code(name: str) -> list[str]:
    """The lines of an exercise's solution code (12 characters or more)."""
    ex = EXERCISES[name]
    lines, inside, question = [], False, None
    for cell in jupytext.read(ROOT / "workbook" / f"{ex.notebook}.md").cells:
        text = cell.source.strip()
        if cell.cell_type == "raw" and re.match(r"#\s*BEGIN\s+QUESTION", text):
            question = yaml.safe_load(text.split("\n", 1)[1])["name"]
        if cell.cell_type != "code" or question != name:
            continue
        for line in cell.source.splitlines():
            if "BEGIN SOLUTION" in line or "END SOLUTION" in line:
                inside = "BEGIN" in line
            elif inside and len(line.strip()) >= 12:
                lines.append(line.strip())
    return lines


@pytest.mark.parametrize("name", GRADED)
def test_hints_guide_without_printing_the_answer(name):
    """No hint quotes a line of the exercise's solution (the 1.3 hint used to)."""
    solution = [re.sub(r"\s+", "", line) for line in solution_code(name)]
    for value in WRONG[name] + edge_answers(name):
        result = check(name, namespace(EXERCISES[name], value))
        if result.passed:
            continue
        flat = re.sub(r"\s+", "", result.message)
        assert not [line for line in solution if line in flat], (name, result.message)
        for code in re.findall(r"[\w.]+\[[^\]]*\]\.\w+\(\)|\w+\.loc\[.*?\]", result.message):
            assert ".idxmax()" not in code and ".sum()" not in code, (name, code)
