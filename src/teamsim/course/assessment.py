"""The self-assessment of Part 5: twelve statements about a manager's week, answered 1-5.

Six statements belong to each dial. On each dial, three are worded so that agreeing means more
of that dial and three are reverse keyed (agreeing means less of it), so that answering the same
number everywhere lands in the middle of the map, not in a corner. Each statement has two
wordings: one a manager answers about themselves, one a rep or a peer answers about that manager
("My manager ..."). Both are scored the same way, so the two placements can be compared; a
development plan then suggests next steps from where the two placements agree and differ.

The statements are a reflection tool written for this course, not a validated questionnaire:
the placement is a starting point for a conversation, not a measurement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from teamsim.model import STYLES, Style

DIALS = ("control", "inspiration")
"""The two dials: control (the managing half of the job) and inspiration (the leading half)."""

SCALE = {1: "disagree strongly", 2: "disagree", 3: "neither", 4: "agree", 5: "agree strongly"}
"""The answer scale, the same for every statement and both wordings."""


class Item(NamedTuple):
    """One statement: what it says in each wording, the dial it counts towards, its keying.

    ``keyed`` is +1 when agreeing means more of ``dial`` and -1 when agreeing means less of it
    (a reverse-keyed statement). A plain tuple underneath, so the chart builders
    (:func:`teamsim.charts.self_assessment_map`) can read it without importing this module.
    """

    self_text: str
    other_text: str
    dial: str
    keyed: int

    def point(self, answer: float) -> float:
        """The answer (1-5) as a point on its dial, from 0 to 1, after reverse keying."""
        scaled = (answer - 1) / 4
        return scaled if self.keyed > 0 else 1 - scaled


STATEMENTS: dict[str, Item] = {
    # Control: agreeing means more of the managing half of the job.
    "pipeline_review": Item(
        "I go through each rep's pipeline with them every week: stage, next step and date for "
        "each deal.",
        "My manager goes through each rep's pipeline with them every week: stage, next step and "
        "date for each deal.", "control", +1),
    "forecast_evidence": Item(
        "Before I send a forecast up, I check the evidence behind each deal in it.",
        "Before my manager sends a forecast up, they check the evidence behind each deal in it.",
        "control", +1),
    "activity_targets": Item(
        "Each rep has agreed activity and revenue targets, and I follow them up every week.",
        "Each rep has agreed activity and revenue targets, and my manager follows them up every "
        "week.", "control", +1),
    # Control, reverse keyed: agreeing means less managing.
    "pipeline_unseen": Item(
        "Weeks can go by without me looking at a rep's pipeline.",
        "Weeks can go by without my manager looking at a rep's pipeline.", "control", -1),
    "forecast_as_told": Item(
        "My forecast is what the reps tell me; I seldom question it.",
        "My manager's forecast is what the reps tell them; they seldom question it.",
        "control", -1),
    "stages_loose": Item(
        "I leave it to each rep to decide when a deal has moved to the next stage.",
        "My manager leaves it to each rep to decide when a deal has moved to the next stage.",
        "control", -1),
    # Inspiration: agreeing means more of the leading half of the job.
    "explain_purpose": Item(
        "When I set a target, I explain why it matters, not only what it is.",
        "When my manager sets a target, they explain why it matters, not only what it is.",
        "inspiration", +1),
    "coach_questions": Item(
        "When a deal stalls, I ask questions until the rep finds the next step themselves.",
        "When a deal stalls, my manager asks questions until the rep finds the next step "
        "themselves.", "inspiration", +1),
    "tailor_drivers": Item(
        "I know what drives each of my reps, and I recognise and challenge each of them to fit.",
        "My manager knows what drives each rep, and recognises and challenges each of us to fit.",
        "inspiration", +1),
    # Inspiration, reverse keyed: agreeing means less leading.
    "talk_most": Item(
        "In one-to-ones I do most of the talking.",
        "In one-to-ones my manager does most of the talking.", "inspiration", -1),
    "one_to_ones_first_to_go": Item(
        "When the week gets busy, one-to-ones are the first thing I cancel.",
        "When the week gets busy, one-to-ones are the first thing my manager cancels.",
        "inspiration", -1),
    "thanks_only_for_wins": Item(
        "I thank people for closed deals, rarely for the effort or progress before them.",
        "My manager thanks people for closed deals, rarely for the effort or progress before "
        "them.", "inspiration", -1),
}
"""The twelve statements, by key: six per dial, three of each reverse keyed."""

SAM_ON_SAM = {"pipeline_review": 5, "forecast_evidence": 4, "activity_targets": 5,
              "pipeline_unseen": 1, "forecast_as_told": 2, "stages_loose": 2,
              "explain_purpose": 2, "coach_questions": 2, "tailor_drivers": 3,
              "talk_most": 4, "one_to_ones_first_to_go": 4, "thanks_only_for_wins": 4}
"""Sam's answers about Sam in week 30 of the course's case (Part 5's worked example)."""

HANNAH_ON_SAM = {"pipeline_review": 5, "forecast_evidence": 5, "activity_targets": 5,
                 "pipeline_unseen": 1, "forecast_as_told": 1, "stages_loose": 2,
                 "explain_purpose": 1, "coach_questions": 1, "tailor_drivers": 2,
                 "talk_most": 5, "one_to_ones_first_to_go": 5, "thanks_only_for_wins": 4}
"""Hannah's answers about Sam, to the "my manager" wording, in the same week."""

AGREE_WITHIN = 0.1
"""Placements closer than this on a dial count as agreeing (0.1 is a little more than two
answers one step apart on that dial's six statements): the course's own rule of thumb."""


def _points(answers: object, who: str) -> dict[str, float]:
    """Each statement's point (0-1) from one person's answers, after checking them."""
    if not isinstance(answers, Mapping):
        raise TypeError(f"{who} must be a dict from each statement's key to an answer from 1 to "
                        f"5, got {type(answers).__name__}")
    missing = [key for key in STATEMENTS if key not in answers]
    extra = [key for key in answers if key not in STATEMENTS]
    if missing or extra:
        parts = ([f"no answer for {', '.join(map(repr, missing))}"] if missing else []) + (
            [f"unexpected keys {', '.join(map(repr, extra))}"] if extra else [])
        raise ValueError(f"{who} has {' and '.join(parts)}; expected one answer for each of the "
                         f"{len(STATEMENTS)} statements: {', '.join(STATEMENTS)}")
    points = {}
    for key, item in STATEMENTS.items():
        value = answers[key]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or not (
                1 <= value <= 5):
            raise ValueError(f"{who}[{key!r}] must be a whole number from 1 ({SCALE[1]}) to 5 "
                             f"({SCALE[5]}), got {value!r}")
        points[key] = item.point(int(value))
    return points


def _place(points: Mapping[str, float]) -> Style:
    means = {dial: float(np.mean([points[key] for key, item in STATEMENTS.items()
                                  if item.dial == dial])) for dial in DIALS}
    return Style(round(means["control"], 2), round(means["inspiration"], 2))


def self_assessment(answers: Mapping[str, object], name: str = "answers") -> Style:
    """Place a manager on the style map from their own answers (1-5) to :data:`STATEMENTS`.

    A dial's score is the mean over its six statements of ``(answer - 1) / 4``, or of
    ``(5 - answer) / 4`` for a reverse-keyed statement, so all 3s give 0.5 on both dials.
    ``name`` is what an error message calls the answers (e.g. the variable that holds them).
    """
    return _place(_points(answers, name))


def others_assessment(answers: Mapping[str, object] | Sequence[Mapping[str, object]],
                      name: str = "answers") -> Style:
    """Place a manager on the style map from the answers of those who work with them.

    ``answers`` is one rater's answers to the "My manager ..." wording of :data:`STATEMENTS`,
    or a list of several raters' answers; each statement's point is then the mean over the
    raters. One rater's answers are scored exactly as :func:`self_assessment` scores the same
    answers.
    """
    if isinstance(answers, Mapping):
        return _place(_points(answers, name))
    if isinstance(answers, (str, bytes)) or not isinstance(answers, Sequence):
        raise TypeError(f"{name} must be one rater's dict of answers or a list of them, got "
                        f"{type(answers).__name__}")
    if not answers:
        raise ValueError(f"{name} is an empty list: give at least one rater's answers")
    each = [_points(one, f"{name}[{i}]") for i, one in enumerate(answers)]
    return _place({key: float(np.mean([p[key] for p in each])) for key in STATEMENTS})


@dataclass(frozen=True)
class DialGap:
    """Where the two placements sit on one dial, and what the difference says."""

    dial: str
    you: float
    others: float

    @property
    def gap(self) -> float:
        """Your score less theirs: above zero, you see more of this dial than they do."""
        return round(self.you - self.others, 2)

    @property
    def case(self) -> str:
        """``"you_higher"``, ``"others_higher"``, or, within :data:`AGREE_WITHIN`,
        ``"agree_low"`` (both below the middle of the dial) or ``"agree_high"``."""
        if self.gap >= AGREE_WITHIN:
            return "you_higher"
        if self.gap <= -AGREE_WITHIN:
            return "others_higher"
        return "agree_low" if (self.you + self.others) / 2 < 0.5 else "agree_high"

    def describe(self) -> str:
        """One sentence on this dial: both scores and where the gap is."""
        scores = f"{self.dial.capitalize()}: you {self.you:.2f}, others {self.others:.2f}. "
        return scores + {
            "you_higher": f"You see {self.gap:.2f} more {self.dial} in yourself than others "
                          "see in you.",
            "others_higher": f"Others see {-self.gap:.2f} more {self.dial} in you than you "
                             "see in yourself.",
            "agree_low": f"You and others agree, within {AGREE_WITHIN:.1f}: little {self.dial}.",
            "agree_high": f"You and others agree, within {AGREE_WITHIN:.1f}: plenty of "
                          f"{self.dial}.",
        }[self.case]


def compare(you: Style, others: Style) -> tuple[DialGap, DialGap]:
    """Your placement against others' placement of you, dial by dial (control, inspiration)."""
    for name, style in (("you", you), ("others", others)):
        if not isinstance(style, Style):
            raise TypeError(f"{name} must be a Style (from self_assessment or "
                            f"others_assessment), got {type(style).__name__}")
    return (DialGap("control", you.control, others.control),
            DialGap("inspiration", you.inspiration, others.inspiration))


CASES = {
    "you_higher": f"you place yourself at least {AGREE_WITHIN:.1f} above where others place you",
    "others_higher": f"others place you at least {AGREE_WITHIN:.1f} above where you place "
                     "yourself",
    "agree_low": f"the two placements are within {AGREE_WITHIN:.1f}, and below the middle (0.5)",
    "agree_high": f"the two placements are within {AGREE_WITHIN:.1f}, and at or above the middle",
}
"""The four ways two placements can fall on a dial (:attr:`DialGap.case`), in words."""

STEPS: dict[tuple[str, str], tuple[str, ...]] = {
    ("control", "you_higher"): (
        "Hold the pipeline review at a fixed time each week and ask the same three things of "
        "every deal: its stage, the customer's next step, the date (Part 2).",
        "Write down what each pipeline stage means and what a deal needs to enter it, and go "
        "through it with the team, so the rules are the same for everyone (Part 2).",
        "After the next review, ask one rep what they will do differently because of it; if "
        "they cannot say, the review served you, not them (Part 5).",
    ),
    ("control", "others_higher"): (
        "Ask two reps which of your routines help them and which feel like being checked, and "
        "drop one that only you use (Parts 2 and 3).",
        "Keep the structure they already see: it is the base the leading half is built on "
        "(Part 5).",
    ),
    ("control", "agree_low"): (
        "Agree with each rep a revenue target and two or three activity measures, and look at "
        "them together every week (Part 2).",
        "Start a weekly pipeline review with each rep, deal by deal: stage, next step, date "
        "(Part 2).",
        "Before the next forecast goes up, check each deal in it against evidence from the "
        "customer (Part 2).",
    ),
    ("control", "agree_high"): (
        "Keep the reviews, and watch what they cost: exhaustion, and who may be thinking of "
        "leaving (Parts 2 and 4).",
        "Change the questions rather than the structure: \"what would move this forward?\" "
        "instead of \"why is this late?\" (Part 5).",
        "When the pressure rises, add no new counts until you have asked the team what is in "
        "the way (Part 5, the capability trap).",
    ),
    ("inspiration", "you_higher"): (
        "In your next five one-to-ones, open with a question rather than a number, and note "
        "afterwards who did most of the talking (Part 5).",
        "Before you announce the next target, say in two sentences why it matters to the "
        "business and to the customer (Parts 3 and 5).",
        "Ask whoever rated you for one thing you could do differently, thank them, and tell "
        "them later what you changed (Part 3, trust).",
    ),
    ("inspiration", "others_higher"): (
        "Ask what they value in how you lead, and do more of it on purpose (Part 3).",
        "Decide now which one-to-ones you will keep when a bad quarter comes: they are the "
        "first thing to go under pressure (Part 5).",
    ),
    ("inspiration", "agree_low"): (
        "Put a one-to-one with each rep in a fixed weekly slot, and keep it (Part 5).",
        "Coach one stalled deal a week with questions only: the rep describes it, you ask, the "
        "rep proposes the next step, you follow up (Part 5).",
        "Find out what drives each rep (competition, development, autonomy or recognition) and "
        "fit your recognition to it (Part 3).",
    ),
    ("inspiration", "agree_high"): (
        "Agree one development goal for the quarter with each rep, and review it in the "
        "one-to-ones (Part 3).",
        "Protect it under pressure: when the numbers dip, keep the one-to-ones and the "
        "coaching (Part 5).",
    ),
}
"""Next steps for each dial and each way the two placements can fall (see :attr:`DialGap.case`),
drawn from Parts 2, 3 and 5."""


@dataclass(frozen=True)
class Plan:
    """A development plan: per dial, where the placements fall and two or three next steps."""

    gaps: tuple[DialGap, DialGap]

    @property
    def steps(self) -> dict[str, tuple[str, ...]]:
        return {gap.dial: STEPS[gap.dial, gap.case] for gap in self.gaps}

    def __str__(self) -> str:
        lines = []
        for gap in self.gaps:
            lines.append(gap.describe())
            lines += [f"  {i}. {step}" for i, step in enumerate(self.steps[gap.dial], 1)]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        blocks = []
        for gap in self.gaps:
            steps = "\n".join(f"{i}. {step}" for i, step in enumerate(self.steps[gap.dial], 1))
            blocks.append(f"**{gap.describe()}**\n\n{steps}")
        return "\n\n".join(blocks)


def development_plan(you: Style, others: Style) -> Plan:
    """Next steps per dial from your placement and others' placement of you (see :data:`STEPS`).

    Print it (or show it in a notebook) for the gap on each dial and its steps.
    """
    return Plan(compare(you, others))


def nearest_style(style: Style) -> str:
    """The name of the named style (:data:`~teamsim.STYLES`) nearest to ``style`` on the map."""
    return min(STYLES, key=lambda n: (STYLES[n].control - style.control) ** 2
               + (STYLES[n].inspiration - style.inspiration) ** 2)
