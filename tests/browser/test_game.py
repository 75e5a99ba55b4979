"""Sam's year, the decision game (book/sams_year.md), in Chromium, served and from disk.

Played with the keyboard alone, quarter by quarter; its data checked whole (625 paths); its end
screen checked against teamsim run here, in the test, for three paths; axe-core on the game in
play and at its end; and a 390 px phone with touch: no sideways scrolling, targets of 44 px.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page
from test_book import FAILING_IMPACTS, PAGE_BUDGET_BYTES

from teamsim import batch, simulate
from teamsim.course import game

pytestmark = pytest.mark.browser

PAGE = "book/sams_year.html"
WHERE = pytest.mark.parametrize("where", ["served", "disk"])
ACTIVE = """() => {
  const a = document.activeElement;
  return {tag: a.tagName, id: a.id, type: a.type || '', value: a.value || '',
          cls: a.className || '', text: (a.textContent || '').trim().slice(0, 200)};
}"""


def ready(page: Page) -> None:
    page.wait_for_selector(".samsyear-app:not([hidden]) .samsyear-decide input[type=radio]")


def tab_to(page: Page, test: str, limit: int = 30) -> dict:
    """Press Tab until the focused element passes ``test`` (a JS predicate on it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({test})(document.activeElement)"):
            return page.evaluate(ACTIVE)
    pytest.fail(f"Tab never reached an element where {test}; stuck on {page.evaluate(ACTIVE)}")


def play_by_keyboard(page: Page, path: str) -> None:
    """Play ``path`` (e.g. "0312") with the keyboard only, checking focus at each step."""
    # start from the element before the game's controls, as a reader tabbing down would
    page.focus(".samsyear-weeks summary")
    for q, choice in enumerate(path, start=1):
        tab_to(page, "el => el.type === 'radio' && el.name === 'samsyear-q" + str(q) + "'")
        for _ in range(int(choice)):
            page.keyboard.press("ArrowDown")
        if choice == "0":
            page.keyboard.press("Space")
        picked = page.evaluate(ACTIVE)
        assert picked["value"] == choice, f"quarter {q}: focus on {picked}"
        assert page.is_checked(f"#samsyear-q{q}-{choice}")
        tab_to(page, "el => el.classList.contains('samsyear-play')")
        page.keyboard.press("Enter")
        focused = page.evaluate(ACTIVE)
        if q < 4:
            assert focused["tag"] == "H3" and focused["text"].startswith(f"Quarter {q} "), focused
            assert game.CHOICES[int(choice)][0] in focused["text"]
            live = page.inner_text(".samsyear-live")
            assert live.startswith(focused["text"]), live
        else:
            assert focused["id"] == "samsyear-end-title", focused
            assert page.inner_text(".samsyear-live").startswith("The year is over.")


@WHERE
def test_every_decision_is_reachable_by_keyboard(visit, where: str) -> None:
    v = visit(PAGE, where)
    ready(v.page)
    play_by_keyboard(v.page, "4213")
    quarters = v.page.locator(".samsyear-quarter")
    assert quarters.count() == 4
    # the weeks table holds the whole year, the chart's summary says so
    assert v.page.locator(".samsyear-weeks tbody tr").count() == 52
    assert "Weeks 1 to 52" in v.page.inner_text("#samsyear-chart-desc")
    # a play without a choice says so and moves nothing
    v.page.focus(".samsyear-restart")
    v.page.keyboard.press("Enter")
    assert v.page.locator(".samsyear-quarter").count() == 0
    assert v.page.evaluate(ACTIVE)["id"] == "samsyear-q1-0"
    tab_to(v.page, "el => el.classList.contains('samsyear-play')")
    v.page.keyboard.press("Enter")
    assert "Pick one" in v.page.inner_text(".samsyear-note")
    assert v.page.locator(".samsyear-quarter").count() == 0
    assert not v.errors and not v.external, (v.errors, v.external)


@WHERE
def test_every_path_is_in_the_data(visit, book: Path, where: str) -> None:
    v = visit(PAGE, where)
    ready(v.page)
    data = v.page.evaluate("() => window.TEAMSIM_DATA.sams_year")
    assert data["seed"] == game.SEED and data["runs"] == game.RUNS
    assert sorted(data["paths"]) == game.all_paths() and len(data["paths"]) == 625
    assert all(len(v) == len(game.SUMMARY) and all(isinstance(x, int) for x in v)
               for v in data["paths"].values())
    assert len(data["quarters"]) == 780
    for prefix, rows in data["quarters"].items():
        assert 1 <= len(prefix) <= 4 and set(prefix) <= set("01234")
        assert len(rows) == len(game.METRICS) and all(len(r) == 13 for r in rows)
    size = (book / PAGE).stat().st_size + (book / "_data" / "sams_year.js").stat().st_size
    assert size <= PAGE_BUDGET_BYTES
    print(f"\nSam's year: page {(book / PAGE).stat().st_size:,} bytes, data "
          f"{(book / '_data' / 'sams_year.js').stat().st_size:,} bytes")


def money(k: float) -> str:
    return f"${k / 1000:.2f} million" if abs(k) >= 1000 else f"${round(k)}k"


@pytest.fixture(scope="module")
def best_path() -> str:
    """The best path by the year's revenue, found by teamsim here (not read from the data)."""
    paths = game.all_paths()
    revenue = {}
    for lo in range(0, len(paths), 125):
        group = paths[lo:lo + 125]
        table = batch([game.plan(p) for p in group], game.scenario(), runs=game.RUNS,
                      seed=game.SEED).summary()
        revenue.update(zip(group, table["revenue"], strict=True))
    return max(revenue, key=revenue.__getitem__)


@pytest.mark.parametrize(("path", "where"), [("0000", "served"), ("4213", "disk"),
                                             ("0302", "served")])
def test_the_end_screen_matches_teamsim(visit, best_path: str, path: str, where: str) -> None:
    v = visit(PAGE, where)
    ready(v.page)
    play_by_keyboard(v.page, path)
    rows = v.page.evaluate("""() => [...document.querySelectorAll('.samsyear-compare tbody tr')]
      .map(tr => ({path: tr.dataset.path, revenue: +tr.dataset.revenue,
                   cells: [...tr.children].map(c => c.textContent)}))""")
    shown = {r["path"]: r for r in rows}
    fixed = [str(k) * 4 for k in range(5)]
    expected = [path] + fixed + ([best_path] if best_path != path else [])
    assert [r["path"] for r in rows] == expected
    for p in {path, best_path, *fixed}:
        summary = simulate(game.plan(p), game.scenario(), runs=game.RUNS,
                           seed=game.SEED).summary().iloc[0]
        cells = shown[p]["cells"]
        assert shown[p]["revenue"] == round(summary["revenue"])
        assert cells[1] == money(round(summary["revenue"])), (p, cells)
        assert cells[2] == f"{round(summary['quits'] * 10) / 10:.1f}", (p, cells)
        assert cells[3] == f"{round(summary['engagement'] * 100) / 100:.2f}", (p, cells)
        assert cells[4] == f"{round(summary['exhaustion_end'] * 100) / 100:.2f}", (p, cells)
    names = " \u2192 ".join(game.CHOICES[int(c)][0] for c in path)
    text = v.page.inner_text(".samsyear-end")
    assert f"Your path: {names}." in text
    if best_path != path:
        best_names = " \u2192 ".join(game.CHOICES[int(c)][0] for c in best_path)
        assert f"The best, {best_names}, brought in" in text


def axe(page: Page, axe_script: Path) -> list[str]:
    """Serious and critical violations in the game. From disk, axe is kept from fetching the
    stylesheets again (the browser blocks it, and logs the attempt as an error)."""
    page.add_script_tag(path=str(axe_script))
    preload = "false" if page.url.startswith("file:") else "true"
    result = page.evaluate(
        "() => axe.run(document.querySelector('.samsyear'), "
        f"{{resultTypes: ['violations'], preload: {preload}}})")
    return [f"{x['id']} ({x['impact']}): {x['help']}" for x in result["violations"]
            if x.get("impact") in FAILING_IMPACTS]


@WHERE
def test_the_game_passes_axe_in_play_and_at_the_end(visit, axe_script: Path,
                                                     where: str) -> None:
    v = visit(PAGE, where)
    ready(v.page)
    v.page.check("#samsyear-q1-2")
    v.page.click(".samsyear-play")
    v.page.click(".samsyear-weeks summary")  # open the weeks table too
    assert not axe(v.page, axe_script)
    for q, choice in ((2, 1), (3, 4), (4, 0)):
        v.page.check(f"#samsyear-q{q}-{choice}")
        v.page.click(".samsyear-play")
    v.page.wait_for_selector(".samsyear-end:not([hidden])")
    assert not axe(v.page, axe_script)


def test_a_phone_gets_no_sideways_scrolling_and_big_targets(browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True, device_scale_factor=2)
    try:
        page = context.new_page()
        page.goto(base_url + PAGE)
        ready(page)
        assert page.evaluate("() => matchMedia('(pointer: coarse)').matches")
        for q, choice in ((1, 0), (2, 4), (3, 1), (4, 1)):
            small = page.evaluate("""() => [...document.querySelectorAll(
                '.samsyear-decide input[type=radio], .samsyear-button, .samsyear-choice')]
              .filter(el => el.offsetParent)
              .map(el => [el.className || el.id, el.getBoundingClientRect().height])
              .filter(([, h]) => h < 44)""")
            assert not small, f"quarter {q}: targets under 44 px: {small}"
            page.tap(f"label[for='samsyear-q{q}-{choice}']")
            page.tap(".samsyear-play")
        page.wait_for_selector(".samsyear-end:not([hidden])")
        page.click(".samsyear-weeks summary")
        wide = page.evaluate("""() => {
          const game = document.querySelector('.samsyear');
          const over = [...game.querySelectorAll('*')].filter(el => {
            if (el.closest('.samsyear-scroll') && !el.classList.contains('samsyear-scroll'))
              return false;  // inside a box that scrolls on its own
            return el.getBoundingClientRect().right > window.innerWidth + 0.5;
          }).map(el => el.tagName + '.' + el.className);
          return {page: document.documentElement.scrollWidth, over};
        }""")
        assert not wide["over"], f"parts of the game wider than the phone: {wide['over'][:5]}"
        assert wide["page"] <= 390, f"the page scrolls sideways: {wide['page']} px"
    finally:
        context.close()


QUIZ = "book/final_quiz.html"


def test_the_final_quiz_covers_every_part_with_balanced_answers(book: Path) -> None:
    """The final quiz: 12 to 18 questions, at least two from each of the six parts, and the
    right answers spread evenly over the positions (the quiz directive moves them)."""
    import re
    from collections import Counter

    from test_active import quiz_positions

    text = (book / QUIZ).read_text("utf-8")
    parts = re.split(r'<section id="part-\d', text)[1:]
    assert len(parts) == 6, f"{len(parts)} part sections in the final quiz"
    per_part = [len(re.findall(r'<fieldset class="quiz"', part)) for part in parts]
    assert all(n >= 2 for n in per_part), per_part
    positions = Counter(quiz_positions(text))
    total = sum(positions.values())
    assert 12 <= total <= 18 and total == sum(per_part)
    choices = {len(re.findall(r'data-correct=', q))
               for q in re.findall(r'<fieldset class="quiz".*?</fieldset>', text, flags=re.S)}
    assert choices == {4}, f"choices per question: {choices}"
    assert set(positions) == {0, 1, 2, 3}, dict(positions)
    assert max(positions.values()) - min(positions.values()) <= 1, dict(positions)


def test_the_final_quiz_answers_at_once(visit) -> None:
    v = visit(QUIZ)
    quiz = v.page.locator("fieldset.quiz").first
    right = quiz.locator("input[data-correct=true]")
    wrong = quiz.locator("input[data-correct=false]").first
    wrong.focus()
    v.page.keyboard.press("Space")
    assert quiz.locator(".quiz-feedback").inner_text().startswith("Not this one.")
    right.check()
    assert quiz.locator(".quiz-feedback").inner_text().startswith("Correct.")
    assert not v.errors
