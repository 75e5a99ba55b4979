"""The Part 5 self-assessment: balanced keying, the two wordings scored alike, the comparison,
the development plan, and clear errors for bad answers; and the in-browser chart's formula."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from teamsim import Style
from teamsim.course.assessment import (
    AGREE_WITHIN,
    CASES,
    DIALS,
    HANNAH_ON_SAM,
    SAM_ON_SAM,
    SCALE,
    STATEMENTS,
    STEPS,
    compare,
    development_plan,
    others_assessment,
    self_assessment,
)

ALL_3 = dict.fromkeys(STATEMENTS, 3)


def answers(**changes: int) -> dict[str, int]:
    return {**ALL_3, **changes}


def test_twelve_statements_balanced_across_dials_and_keying():
    assert len(STATEMENTS) >= 12
    for dial in DIALS:
        keyed = [item.keyed for item in STATEMENTS.values() if item.dial == dial]
        assert keyed.count(+1) == keyed.count(-1) >= 3, dial
    for item in STATEMENTS.values():
        assert item.keyed in (+1, -1) and item.dial in DIALS
        assert "my manager" in item.other_text.lower()
        assert item.self_text != item.other_text


def test_the_same_answer_everywhere_lands_in_the_middle():
    for value in range(1, 6):
        assert self_assessment(dict.fromkeys(STATEMENTS, value)) == Style(0.5, 0.5)
        assert others_assessment(dict.fromkeys(STATEMENTS, value)) == Style(0.5, 0.5)


@pytest.mark.parametrize("key", list(STATEMENTS))
def test_reverse_keying_moves_only_its_own_dial_and_the_right_way(key):
    item = STATEMENTS[key]
    other = next(d for d in DIALS if d != item.dial)
    agree = self_assessment(answers(**{key: 5}))
    disagree = self_assessment(answers(**{key: 1}))
    step = 0.5 / sum(i.dial == item.dial for i in STATEMENTS.values())  # 2 of 4, over six
    assert getattr(agree, item.dial) == pytest.approx(0.5 + item.keyed * step, abs=0.005)
    assert getattr(disagree, item.dial) == pytest.approx(0.5 - item.keyed * step, abs=0.005)
    assert getattr(agree, other) == getattr(disagree, other) == 0.5


def test_bounds_are_the_corners_of_the_map():
    high = {k: 5 if item.keyed > 0 else 1 for k, item in STATEMENTS.items()}
    low = {k: 1 if item.keyed > 0 else 5 for k, item in STATEMENTS.items()}
    assert self_assessment(high) == Style(1.0, 1.0)
    assert self_assessment(low) == Style(0.0, 0.0)
    driller = {k: (5 if item.keyed > 0 else 1) if item.dial == "control"
               else (1 if item.keyed > 0 else 5) for k, item in STATEMENTS.items()}
    assert self_assessment(driller) == Style(1.0, 0.0)


def test_rater_version_scores_exactly_like_the_self_version():
    rng = np.random.default_rng(3)
    for _ in range(50):
        one = {k: int(v) for k, v in zip(STATEMENTS, rng.integers(1, 6, len(STATEMENTS)))}
        assert others_assessment(one) == self_assessment(one)
        assert others_assessment([one]) == self_assessment(one)
        assert others_assessment([one, one, one]) == self_assessment(one)


def test_several_raters_are_averaged_statement_by_statement():
    a = answers(pipeline_review=5, talk_most=1)
    b = answers(pipeline_review=1, talk_most=5)
    assert others_assessment([a, b]) == Style(0.5, 0.5)
    c = answers(pipeline_review=5)
    both = others_assessment([c, c])
    assert both == self_assessment(c)
    half = others_assessment([c, ALL_3])
    assert half.control == pytest.approx((self_assessment(c).control + 0.5) / 2, abs=0.01)


@pytest.mark.parametrize("bad, words", [
    ({**ALL_3, "talk_most": 0}, ["'talk_most'", "from 1", "to 5", "got 0"]),
    ({**ALL_3, "talk_most": 6}, ["'talk_most'", "got 6"]),
    ({**ALL_3, "talk_most": 2.5}, ["'talk_most'", "whole number", "got 2.5"]),
    ({**ALL_3, "talk_most": "4"}, ["'talk_most'", "got '4'"]),
    ({**ALL_3, "talk_most": True}, ["'talk_most'", "got True"]),
    ({**ALL_3, "talk_most": None}, ["'talk_most'", "got None"]),
    ({k: v for k, v in ALL_3.items() if k != "stages_loose"},
     ["no answer for 'stages_loose'", "expected one answer for each of the 12"]),
    ({**ALL_3, "listen_more": 3}, ["unexpected keys 'listen_more'"]),
])
def test_bad_answers_name_the_value_and_what_was_expected(bad, words):
    for score in (self_assessment, others_assessment):
        with pytest.raises(ValueError) as error:
            score(bad)
        for word in words:
            assert word in str(error.value), (word, str(error.value))


def test_errors_name_the_variable_and_the_rater():
    with pytest.raises(ValueError, match=re.escape("my_answers['talk_most']")):
        self_assessment({**ALL_3, "talk_most": 9}, name="my_answers")
    with pytest.raises(ValueError, match=re.escape("answers[1]['talk_most']")):
        others_assessment([ALL_3, {**ALL_3, "talk_most": 9}])
    with pytest.raises(TypeError, match="dict.*got list"):
        self_assessment([3] * 12)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="got str"):
        others_assessment("3333")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="empty list"):
        others_assessment([])
    with pytest.raises(TypeError, match="must be a Style"):
        compare(Style(0.5, 0.5), ALL_3)  # type: ignore[arg-type]


def test_compare_names_where_the_gap_is():
    you, them = compare(Style(0.8, 0.6), Style(0.75, 0.3))
    assert (you.dial, them.dial) == ("control", "inspiration")
    assert you.case == "agree_high" and them.case == "you_higher"
    assert them.gap == pytest.approx(0.3)
    assert "0.30 more inspiration in yourself" in them.describe()
    low, other = compare(Style(0.2, 0.2), Style(0.2 + AGREE_WITHIN, 0.25))
    assert low.case == "others_higher" and other.case == "agree_low"
    assert "Others see 0.10 more control" in low.describe()


def test_development_plan_has_two_or_three_steps_per_dial_for_every_case():
    assert set(STEPS) == {(dial, case) for dial in DIALS for case in CASES}
    for steps in STEPS.values():
        assert 2 <= len(steps) <= 3
        assert all(re.search(r"\(Parts? [2-5]", step) for step in steps), steps
    plan = development_plan(Style(0.9, 0.6), Style(0.4, 0.65))
    assert plan.steps == {"control": STEPS["control", "you_higher"],
                          "inspiration": STEPS["inspiration", "agree_high"]}
    text = str(plan)
    assert text.splitlines()[0].startswith("Control: you 0.90, others 0.40.")
    for step in (*STEPS["control", "you_higher"], *STEPS["inspiration", "agree_high"]):
        assert step in text and step in plan._repr_markdown_()


def test_sams_worked_example_tells_the_story_of_part_5():
    sam, hannah = self_assessment(SAM_ON_SAM), others_assessment(HANNAH_ON_SAM)
    assert sam.control > 0.75 and sam.inspiration < 0.3
    control, inspiration = development_plan(sam, hannah).gaps
    assert control.case == "agree_high" and inspiration.case == "you_higher"


def test_the_charts_formula_matches_the_python_scoring():
    """The browser's expression (Vega) computes the same scores as self_assessment."""
    from teamsim import charts

    grid = np.round(np.linspace(0, 1, 11), 2)
    square = pd.DataFrame([(c, i, c + i) for c in grid for i in grid],
                          columns=["control", "inspiration", "revenue"])
    spec = charts.self_assessment_map(square, "revenue", STATEMENTS).to_dict()
    answers = [p for p in spec["params"] if "bind" in p]  # the others carry the page's words
    assert len(answers) == 2 * len(STATEMENTS)
    for param in answers:
        assert param["bind"]["name"].startswith(("You: ", "Others: "))
        assert (param["bind"]["min"], param["bind"]["max"], param["bind"]["step"]) == (1, 5, 1)
    # in the book, labelled answers: a menu of the scale's words, not bare numbers
    labelled = charts.self_assessment_map(square, "revenue", STATEMENTS, scale=SCALE).to_dict()
    menus = [p["bind"] for p in labelled["params"] if "bind" in p]
    assert len(menus) == 2 * len(STATEMENTS)
    for menu in menus:
        assert menu["input"] == "select" and menu["options"] == [1, 2, 3, 4, 5]
        assert menu["labels"] == [f"{n} \u2013 {SCALE[n]}" for n in range(1, 6)]
    expressions = re.findall(r"format\((\(\(.*?\) / 24\)), '\.2f'\)", str(spec))
    rng = np.random.default_rng(11)
    one = {k: int(v) for k, v in zip(STATEMENTS, rng.integers(1, 6, len(STATEMENTS)))}
    values = {**one, **{f"their_{k}": v for k, v in one.items()}}
    scores = {round(eval(expr, {}, values), 2) for expr in expressions}  # noqa: S307
    style = self_assessment(one)
    assert scores == {style.control, style.inspiration}


def test_the_workbook_check_agrees_with_the_grade():
    """Exercise 5.1: any complete set of answers passes, with words that say where it lands;
    a bad value gets a hint naming the statement, the value and the scale; the grade follows."""
    from teamsim.course.checks import check

    passed = check("self_assessment", {"my_answers": SAM_ON_SAM})
    assert passed.passed and "control 0.88, inspiration 0.29" in passed.message
    assert "Driller" in passed.message and "no right answer" in passed.message
    same = check("self_assessment", {"my_answers": dict.fromkeys(STATEMENTS, 5)})
    assert same.passed and "You gave 5 to every statement" in same.message
    assert "every statement" not in passed.message
    for bad, words in (({**ALL_3, "talk_most": 7}, ["my_answers['talk_most']", "got 7", "1 ("]),
                       ({**ALL_3, "talk_most": "4"}, ["my_answers['talk_most']", "got '4'"]),
                       ({"talk_most": 3}, ["pipeline_review", "no entry"])):
        hint = check("self_assessment", {"my_answers": bad})
        assert hint.status == "shape" and not hint.passed
        for word in words:
            assert word in hint.message, (word, hint.message)
        assert "Correct" not in repr(hint)
