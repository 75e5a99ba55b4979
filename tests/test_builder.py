"""Rule policies (teamsim.model.rules) and the capstone's policy builder (teamsim.course).

A rule policy is data: rules tried in order, the first that holds choosing the style, and a style
for otherwise. These tests pin what the rules mean on hand-made states, that the data survives
JSON and the notebook cell the form writes, that bad data gets an error naming the value, that a
rule policy runs exactly like the same policy written in code, and that the form edits the rules.
"""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from teamsim import COACH, DRILLER, STYLES, PolicyState, Scenario, Style, simulate
from teamsim.model import PolicyHistory
from teamsim.model.rules import (
    BEST_RUN,
    MAX_RULES,
    MEASURES,
    RuleError,
    RulePolicy,
    revenue_against_best_all,
    rule_policy,
)

LEAD = Style(0.3, 1.0)


def state(week: int = 10, market: float = 1.0, team_size: int = 10, **history: list[float]
          ) -> PolicyState:
    """What a manager sees at the start of ``week``: given histories, the rest flat."""
    n = week - 1
    flat = {"attainment": [1.0] * n, "revenue": [100.0] * n, "pipeline": [2000.0] * n,
            "engagement_pulse": [0.6] * n, "headcount": [float(team_size)] * n,
            "quits": [0.0] * n}
    flat.update(history)
    assert all(len(v) == n for v in flat.values())
    return PolicyState(week=week, weeks=52, team_size=team_size, market=market,
                       **{k: np.asarray(v, dtype=float) for k, v in flat.items()})


def rule(when: str, below: float, weeks: int = 1, use: object = "Driller",
         compare: str = "below") -> dict:
    return {"when": when, "is": compare, "value": below, "weeks": weeks, "use": use}


# -- what the rules mean -------------------------------------------------------------------------
def test_the_first_rule_that_holds_wins_and_otherwise_when_none_does():
    low_pulse = rule("engagement_pulse", 0.5, use="Cheerleader")
    low_attainment = rule("attainment", 0.8, use="Driller")
    policy = rule_policy({"rules": [low_pulse, low_attainment], "otherwise": "Coach"})
    both = state(engagement_pulse=[0.6] * 8 + [0.45], attainment=[1.0] * 8 + [0.7])
    assert policy(10, both) == STYLES["Cheerleader"]
    swapped = rule_policy({"rules": [low_attainment, low_pulse], "otherwise": "Coach"})
    assert swapped(10, both) == DRILLER
    assert policy.rule_for(both) == 0 and swapped.rule_for(both) == 0
    only_attainment = state(attainment=[1.0] * 8 + [0.7])
    assert policy(10, only_attainment) == DRILLER and policy.rule_for(only_attainment) == 1
    assert policy(10, state()) == COACH and policy.rule_for(state()) is None


def test_thresholds_are_strict_and_every_one_of_the_weeks_counts():
    policy = rule_policy({"rules": [rule("attainment", 0.8, weeks=3)], "otherwise": "Coach"})
    assert policy(10, state(attainment=[1.0] * 6 + [0.7, 0.7, 0.7])) == DRILLER
    assert policy(10, state(attainment=[1.0] * 6 + [0.7, 0.8, 0.7])) == COACH, "0.8 is not below"
    assert policy(10, state(attainment=[0.5] * 6 + [0.9, 0.7, 0.7])) == COACH, "only 2 weeks"
    assert policy(3, state(week=3, attainment=[0.1, 0.1])) == COACH, "fewer weeks than asked"
    assert policy(1, state(week=1)) == COACH, "week 1 has no history"
    above = rule_policy({"rules": [rule("attainment", 1.2, weeks=2, compare="above")],
                         "otherwise": "Coach"})
    assert above(10, state(attainment=[1.0] * 7 + [1.3, 1.25])) == DRILLER
    assert above(10, state(attainment=[1.0] * 7 + [1.3, 1.2])) == COACH


def test_the_market_is_seen_for_this_week_only():
    policy = rule_policy({"rules": [rule("market", 0.95, use={"control": 0.3,
                                                              "inspiration": 1.0})],
                          "otherwise": "Coach"})
    assert policy(20, state(week=20, market=0.5)) == LEAD
    assert policy(20, state(week=20, market=1.0)) == COACH
    with pytest.raises(RuleError, match=r"rules\[0\]\['weeks'\] must be 1 for 'market'.*got 3"):
        rule_policy({"rules": [rule("market", 0.95, weeks=3)], "otherwise": "Coach"})


def test_revenue_against_its_best_run_and_staffing_read_what_a_manager_sees():
    revenue = [100.0] * 10 + [60.0, 70.0]
    seen = state(week=13, revenue=revenue, headcount=[10.0] * 10 + [8.0, 8.0])
    ratio = revenue_against_best_all(PolicyHistory.of(seen))[:, 0]  # as a rule reads it
    assert np.isnan(ratio[:BEST_RUN - 1]).all()
    best = max(np.mean(revenue[i:i + BEST_RUN]) for i in range(len(revenue) - BEST_RUN + 1))
    assert ratio[-1] == pytest.approx(70.0 / best)
    assert ratio[-2] == pytest.approx(60.0 / 100.0), "the best run up to that week"
    policy = rule_policy({"rules": [rule("staffing", 0.9, weeks=2, use="Cheerleader"),
                                    rule("revenue_vs_best", 0.8, weeks=2)],
                          "otherwise": "Coach"})
    assert policy(13, seen) == STYLES["Cheerleader"]
    assert policy(13, state(week=13, revenue=revenue)) == DRILLER
    assert policy(8, state(week=8, revenue=[1.0] * 7)) == COACH, "no 8-week run yet"


def test_a_rule_policy_runs_exactly_like_the_same_policy_in_code():
    rules = {"rules": [rule("market", 0.95, use={"control": 0.3, "inspiration": 1.0}),
                       rule("attainment", 0.9, weeks=3, use={"control": 0.7,
                                                             "inspiration": 0.6})],
             "otherwise": {"control": 0.65, "inspiration": 0.65}}

    def coded(week, s):
        if s.market < 0.95:
            return Style(0.3, 1.0)
        if len(s.attainment) >= 3 and (s.attainment[-3:] < 0.9).all():
            return Style(0.7, 0.6)
        return Style(0.65, 0.65)

    for scenario in (Scenario.default(), Scenario.new_team()):
        ours = simulate(rule_policy(rules), scenario, runs=4, seed=3).weekly
        theirs = simulate(coded, scenario, runs=4, seed=3).weekly
        assert ours.equals(theirs)
        assert ours[["control", "inspiration"]].drop_duplicates().shape[0] == 3


@pytest.mark.parametrize("seed", [1, 7])
def test_rules_decided_for_all_runs_at_once_are_the_rules_decided_run_by_run(seed):
    # The model asks a rule policy once a week for every run (decide_all, all runs at once);
    # a wrapper that only has __call__ is asked run by run. Random rules over all five measures
    # must give the same year, number for number, and the same choices on random histories.
    rng = random.Random(seed)
    for _ in range(4):
        policy = rule_policy(random_rules(rng))

        def one_by_one(week, s, policy=policy):
            return policy(week, s)

        for scenario in (Scenario.default(), Scenario(team_size=6, shock_start=5,
                                                      shock_weeks=30, shock_depth=0.7)):
            ours = simulate(policy, scenario, runs=5, seed=seed)
            theirs = simulate(one_by_one, scenario, runs=5, seed=seed)
            assert ours.weekly.equals(theirs.weekly)
            assert ours.reps.equals(theirs.reps)
    for _ in range(40):
        policy = rule_policy(random_rules(rng))
        history = random_history(rng, runs=6)
        by_run = history.states()
        assert [s.revenue.tolist() for s in by_run] == history.revenue.T.tolist()
        assert policy.decide_all(history) == [policy(history.week, s) for s in by_run]


def random_history(rng: random.Random, runs: int) -> PolicyHistory:
    """What ``runs`` managers have seen by a random week: random histories, one column each."""
    week = rng.randint(1, 52)
    n = week - 1

    def column(low: float, high: float, step: float = 0.0) -> list[float]:
        values = [rng.uniform(low, high) for _ in range(n)]
        return [round(v / step) * step for v in values] if step else values

    columns = {"attainment": lambda: column(0.4, 1.4), "revenue": lambda: column(40, 160),
               "pipeline": lambda: column(1500, 2500),
               "engagement_pulse": lambda: column(0.3, 0.9, 0.05),
               "headcount": lambda: column(6, 10, 1.0), "quits": lambda: column(0, 1, 1.0)}
    return PolicyHistory(week=week, weeks=52, team_size=10,
                         market=rng.choice([1.0, 0.5, 0.8, 1.2]),
                         **{name: np.array([make() for _ in range(runs)]).T.reshape(n, runs)
                            for name, make in columns.items()})


# -- data in, data out ---------------------------------------------------------------------------
def random_rules(rng: random.Random) -> dict:
    def action() -> object:
        if rng.random() < 0.5:
            return rng.choice(list(STYLES))
        dials = {"control": round(rng.random(), 2), "inspiration": round(rng.random(), 2)}
        if rng.random() < 0.2:
            dials["tailoring"] = round(rng.uniform(0.0, 0.45), 2)  # 0.5, the default, is left out
        return dials

    rules = []
    for _ in range(rng.randint(0, MAX_RULES)):
        measure = MEASURES[rng.choice(list(MEASURES))]
        rules.append({"when": measure.name, "is": rng.choice(["below", "above"]),
                      "value": round(rng.uniform(measure.low, measure.high), 3),
                      "weeks": rng.randint(1, 6) if measure.history else 1, "use": action()})
    return {"rules": rules, "otherwise": action()}


def random_state(rng: random.Random) -> PolicyState:
    week = rng.randint(1, 52)
    n = week - 1
    return state(week=week, market=rng.choice([1.0, 0.5, 0.8, 1.2]),
                 attainment=[rng.uniform(0.4, 1.4) for _ in range(n)],
                 revenue=[rng.uniform(40, 160) for _ in range(n)],
                 engagement_pulse=[round(rng.uniform(0.3, 0.9) * 20) / 20 for _ in range(n)],
                 headcount=[float(rng.randint(6, 10)) for _ in range(n)])


def test_rules_survive_json_and_the_notebook_cell_the_form_writes():
    from teamsim.course.builder import cell_text

    rng = random.Random(13)
    for _ in range(200):
        data = random_rules(rng)
        policy = rule_policy(data)
        assert policy.to_data() == data, "canonical data is kept as given"
        text = policy.to_json()
        assert RulePolicy.from_json(text) == policy == rule_policy(json.loads(text))
        namespace: dict = {}
        exec(cell_text(policy), namespace)  # the cell a student pastes into the notebook
        assert rule_policy(namespace["my_rules"]) == policy
        json.loads(cell_text(policy).removeprefix("my_rules = "))  # and it is JSON too
        seen = random_state(rng)
        again = RulePolicy.from_json(text)
        assert again(seen.week, seen) == policy(seen.week, seen)
        assert len(policy.words()) == len(policy.rules) + 1
        assert policy.words()[-1].startswith("Otherwise, ")
        assert hash(again) == hash(policy)


def test_the_rules_in_words():
    policy = rule_policy({"rules": [rule("attainment", 0.8, weeks=3),
                                    rule("market", 0.95, use={"control": 0.3,
                                                              "inspiration": 1.0})],
                          "otherwise": "Coach"})
    assert policy.words() == [
        "If attainment (rolling quarter, 100% = on quota) has been below 80% in each of the "
        "last 3 weeks, manage like the Driller (control 0.90, inspiration 0.10).",
        "If the market (industry reports, 1.00 = a normal week) is below 0.95 this week, set "
        "the dials to control 0.30, inspiration 1.00.",
        "Otherwise, manage like the Coach (control 0.60, inspiration 0.70)."]


@pytest.mark.parametrize("data, words", [
    ("not json {", "not valid JSON"),
    ([1, 2], "rules must be an object"),
    ({"rules": [], "otherwise": "Coach", "extra": 1}, "unknown key 'extra'"),
    ({"rules": []}, "need an 'otherwise'"),
    ({"rules": "x", "otherwise": "Coach"}, "'rules' must be a list of rules, got 'x'"),
    ({"rules": [rule("attainment", 0.8)] * (MAX_RULES + 1), "otherwise": "Coach"},
     f"at most {MAX_RULES} rules, got {MAX_RULES + 1}"),
    ({"rules": [rule("attainmnet", 0.8)], "otherwise": "Coach"},
     "rules[0]['when'] must be one of 'attainment', 'engagement_pulse', 'revenue_vs_best', "
     "'staffing', 'market', got 'attainmnet'"),
    ({"rules": [rule("attainment", 0.8, compare="under")], "otherwise": "Coach"},
     "rules[0]['is'] must be one of 'below', 'above', got 'under'"),
    ({"rules": [rule("engagement_pulse", 55)], "otherwise": "Coach"},
     "rules[0]['value'] must be a number from 0 to 1, got 55"),
    ({"rules": [rule("attainment", "80%")], "otherwise": "Coach"},
     "rules[0]['value'] must be a number from 0 to 2, got '80%'"),
    ({"rules": [rule("attainment", 0.8, weeks=0)], "otherwise": "Coach"},
     "rules[0]['weeks'] must be a whole number from 1 to 26, got 0"),
    ({"rules": [rule("attainment", 0.8, weeks=2.5)], "otherwise": "Coach"},
     "got 2.5"),
    ({"rules": [rule("attainment", 0.8, use="Coachh")], "otherwise": "Coach"},
     "rules[0]['use'] must be a style, one of 'Driller', 'Coach', 'Cheerleader', 'Absentee', "
     "or the dials"),
    ({"rules": [rule("attainment", 0.8, use={"control": 0.5})], "otherwise": "Coach"},
     "rules[0]['use'] needs a value for 'inspiration'"),
    ({"rules": [], "otherwise": {"control": 1.5, "inspiration": 0.5}},
     "'otherwise'['control'] must be a number from 0 to 1, got 1.5"),
    ({"rules": [], "otherwise": {"control": 0.5, "inspiraton": 0.5}},
     "unknown key 'inspiraton'"),
    ({"rules": [{"when": "attainment", "is": "below", "value": 0.8}], "otherwise": "Coach"},
     "rules[0] needs 'use'"),
    ({"rules": [{"when": "attainment", "is": "below", "value": 0.8, "use": "Coach",
                 "then": 1}], "otherwise": "Coach"}, "rules[0] has an unknown key 'then'"),
])
def test_bad_rules_get_an_error_naming_the_value_and_what_was_expected(data, words):
    with pytest.raises(RuleError) as error:
        rule_policy(data)
    assert words in str(error.value)
    assert isinstance(error.value, ValueError)


# -- the form ------------------------------------------------------------------------------------
def test_the_form_edits_the_rules_and_says_them_in_words():
    from teamsim.course.builder import DIALS_CHOICE, STARTER, RulesForm

    seen = []
    form = RulesForm(None, on_change=seen.append)
    assert form.policy == rule_policy(STARTER) and form.data() == rule_policy(STARTER).to_data()
    first = form.rows[0]
    first.threshold.value = 0.9
    assert seen[-1].rules[0].threshold == 0.9 and "below 90%" in form.words.value
    first.measure.value = "market"
    assert form.data()["rules"][0] == {"when": "market", "is": "below", "value": 0.95,
                                       "weeks": 1, "use": "Driller"}
    assert first.weeks.disabled and first.threshold.readout_format == ".2f"
    form.add_rule()
    form.rows[-1].action.choice.value = DIALS_CHOICE
    form.rows[-1].action.control.value = 0.35
    assert form.data()["rules"][-1]["use"] == {"control": 0.35, "inspiration": 0.7}
    form.move_up(form.rows[-1])
    assert [r["when"] for r in form.data()["rules"]] == ["market", "engagement_pulse",
                                                         "engagement_pulse"]
    assert form.data()["rules"][1]["weeks"] == 1
    form.remove_rule(form.rows[0])
    assert len(form.policy.rules) == 2 and seen[-1] == form.policy
    assert [r.widget for r in form.rows] == list(form.rows_box.children)
    again = RulesForm(form.policy.to_json())
    assert again.policy == form.policy, "the form starts from the rules the notebook holds"


def test_use_rules_makes_the_rules_my_policy_or_leaves_the_code(capsys):
    from teamsim.course.builder import STARTER, use_rules

    def coded(week, s):
        return COACH

    namespace = {"my_policy": coded}
    use_rules(None, namespace)
    assert namespace["my_policy"] is coded
    assert "my_policy is your code above" in capsys.readouterr().out
    use_rules(STARTER, namespace)
    assert namespace["my_policy"] == rule_policy(STARTER)
    assert "the rules you built with the form (2 rules and an otherwise)" in (
        capsys.readouterr().out)
    with pytest.raises(RuleError, match="got 'Coachh'"):
        use_rules({"rules": [], "otherwise": "Coachh"}, namespace)


# -- the builder dashboard -----------------------------------------------------------------------
def preview_items(builder) -> list[str]:
    import html
    import re

    return [html.unescape(s) for s in re.findall(r"<li>(.*?)</li>", builder.preview.value)]


def test_the_builder_redraws_says_the_checks_and_gives_the_cell_for_new_rules():
    from teamsim.course.builder import cell_text, check_preview
    from teamsim.course.dashboard import PolicyBuilder

    builder = PolicyBuilder()
    before = builder.chart.data["lines"]["rev"]
    first = preview_items(builder)
    assert first == check_preview(builder.policy)
    builder.form.rows[0].threshold.value = 0.9
    assert builder.policy.rules[0].threshold == 0.9
    assert builder.chart.data["lines"]["rev"] == before + 1, "the chart got the new year"
    assert preview_items(builder) == check_preview(builder.policy) != first
    assert builder.copy.text == cell_text(builder.policy)
    assert rule_policy(json.loads(builder.copy.text.removeprefix("my_rules = "))) == (
        builder.policy)

