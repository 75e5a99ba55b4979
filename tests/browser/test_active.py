"""Active reading in the built book: predictions locked in before their answer opens, quizzes
whose right answers do not sit in one position, and the parts' closing sections.

The predictions and quizzes come from ``book/_ext/active.py`` and ``book/_ext/quiz.py``.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import Page
from test_book import settle

pytestmark = pytest.mark.browser

PARTS = [f"book/{name}.html" for name in (
    "part1_two_sides", "part2_managing", "part3_leading", "part4_impact", "part5_shifting",
    "part6_capstone")]
CLOSED = """id => {
  const answer = document.getElementById(id + '-answer');
  const hidden = [...answer.children].every(c => getComputedStyle(c).visibility === 'hidden');
  return {inert: answer.inert, hidden, closed: answer.classList.contains('predict-closed')};
}"""


def html(book: Path, page: str) -> str:
    return (book / page).read_text(encoding="utf-8")


def predictions(book: Path, page: str) -> list[str]:
    return re.findall(r'<div class="predict" id="([^"]+)"', html(book, page))


def quiz_positions(text: str) -> list[int]:
    """Position (0 = first) of the right answer in each quiz with one right answer."""
    positions = []
    for quiz in re.findall(r'<fieldset class="quiz".*?</fieldset>', text, flags=re.S):
        marks = re.findall(r'data-correct="(true|false)"', quiz)
        if marks.count("true") == 1:
            positions.append(marks.index("true"))
    return positions


def test_every_part_has_a_prediction(book: Path) -> None:
    missing = [page for page in PARTS if not predictions(book, page)]
    assert not missing, f"parts with no prediction to lock in: {missing}"


def test_every_part_ends_with_takeaways_and_a_reflection(book: Path) -> None:
    """Each part has a 'Key takeaways' section of five points at most and a prompt about the
    reader's own team."""
    problems = []
    for page in PARTS:
        text = html(book, page)
        takeaways = re.search(r'<section id="key-takeaways">(.*?)</section>', text, flags=re.S)
        if not takeaways:
            problems.append(f"{page}: no 'Key takeaways' section")
        elif not 1 <= takeaways.group(1).count("<li>") <= 5:
            problems.append(f"{page}: {takeaways.group(1).count('<li>')} takeaways (1 to 5)")
        if 'id="your-own-team"' not in text:
            problems.append(f"{page}: no 'Your own team' reflection section")
    assert not problems, "; ".join(problems)


def test_quiz_answers_are_spread_over_positions(book: Path) -> None:
    """No position holds more than half of the book's right answers, and the first is used."""
    positions = Counter(p for page in PARTS for p in quiz_positions(html(book, page)))
    total = sum(positions.values())
    assert total >= 12, f"only {total} quizzes with one right answer in the parts"
    assert positions[0] > 0, f"the right answer is never first: {dict(positions)}"
    assert max(positions.values()) <= total / 2, f"answers bunch up: {dict(positions)}"


def lock_in(page: Page, ident: str, choice: int) -> None:
    """Pick a guess with the keyboard and lock it in, as a reader without a mouse would."""
    page.focus(f"#{ident}-{choice}")
    page.keyboard.press("Space")
    page.focus(f"#{ident} button.predict-commit")
    page.keyboard.press("Enter")


@pytest.mark.parametrize("part", PARTS)
def test_predictions_open_only_after_a_guess(visit, book: Path, part: str) -> None:
    page_path = part
    idents = predictions(book, page_path)
    if not idents:
        pytest.skip(f"{page_path} has no prediction (test_every_part_has_a_prediction fails)")
    v = visit(page_path)
    page = v.page
    settle(page)
    for k, ident in enumerate(idents):
        state = page.evaluate(CLOSED, ident)
        assert state == {"inert": True, "hidden": True, "closed": True}, (
            f"{page_path}: the answer to {ident} is not closed before a guess: {state}")
        # the button alone does not open it
        page.click(f"#{ident} button.predict-commit")
        feedback = page.locator(f"#{ident} .predict-feedback")
        assert "Pick the guess" in feedback.inner_text()
        assert page.evaluate(CLOSED, ident)["closed"]
        choices = page.locator(f"#{ident} input[type=radio]")
        choice = k % choices.count()
        lock_in(page, ident, choice)
        state = page.evaluate(CLOSED, ident)
        assert state == {"inert": False, "hidden": False, "closed": False}, (
            f"{page_path}: the answer to {ident} did not open: {state}")
        said = feedback.inner_text()
        picked = choices.nth(choice)
        label = page.locator(f"label[for='{ident}-{choice}']").inner_text()
        assert said.startswith(f"You guessed: {label}.")
        assert picked.get_attribute("data-feedback") in said
        verdict = {"correct": "matches the model", "close": "Close to",
                   "": "something else"}[picked.get_attribute("data-mark") or ""]
        assert verdict in said
        assert all(choices.nth(i).is_disabled() for i in range(choices.count()))
        # a chart in the answer has a size once open
        for chart in page.query_selector_all(f"#{ident}-answer .vega-embed svg.marks"):
            box = chart.bounding_box()
            assert box and box["width"] > 0 and box["height"] > 0
    # a returning reader finds the guesses kept and the answers open
    page.reload()
    settle(page)
    for ident in idents:
        assert not page.evaluate(CLOSED, ident)["closed"], f"{ident} closed again on reload"
