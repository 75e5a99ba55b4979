"""An example class for the capstone: made-up submissions, generated from the released notebook.

``python instructor/example_class.py FOLDER`` writes one ``06_capstone`` submission per student
of :data:`STUDENTS` (ten people, some only partly right, one who copied another), one who
handed the notebook in untouched (:data:`UNTOUCHED`), and one per troublesome case of
:data:`BROKEN` (a damaged file, a cell that raises, endless loops, deleted or renamed answers,
files that are not notebooks, another part's notebook). :data:`ROSTER` is its class list. The
grader's tests and the class debrief both run on it; ``make debrief`` grades it and keeps the
results in ``instructor/example_results/``.

Every submission starts from ``notebooks/06_capstone.ipynb`` as students receive it (outputs
cleared), so the class follows the workbook when it changes.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
RELEASED = ROOT / "notebooks" / "06_capstone.ipynb"


def answer_cell(starts: str, kind: str = "code") -> str:
    """The id of the released notebook's answer cell whose text starts with ``starts`` (found
    by its text: inserting a cell above it changes its id)."""
    nb = nbformat.read(RELEASED, as_version=4)
    return next(c.id for c in nb.cells if c.cell_type == kind and c.source.startswith(starts)
                and "otter_answer_cell" in c.metadata.get("tags", []))


POLICY_CELL, RESULTS_CELL = answer_cell("def my_policy"), answer_cell("results = ...")
WRITTEN_CELL = answer_cell("_Type your answer here", "markdown")

RESULTS = '''policies = {"Your policy": my_policy, "Navigator": navigator}
rows = {name: {s: simulate(policy, Scenario.named(s), runs=30, seed=8).summary()["revenue"].iloc[0]
               for s in scenarios} for name, policy in policies.items()}
results = pd.concat([pd.DataFrame(rows).T, fixed.drop(index="Absentee")])'''


NAVIGATOR_ONLY = '''navigator_row = {s: simulate(navigator, Scenario.named(s), runs=30, seed=8)
                 .summary()["revenue"].iloc[0] for s in scenarios}
results = pd.concat([pd.DataFrame({"Navigator": navigator_row}).T, fixed.drop(index="Absentee")])'''
"""A results table without the student's own row: the public check says so, and the hidden
test agrees."""


def policy(body: str) -> str:
    """A ``my_policy`` definition with ``body`` (indented by four spaces)."""
    lines = body.strip("\n").splitlines()
    return "def my_policy(week, state):\n" + "\n".join(f"    {line}" for line in lines)


STUDENTS: dict[str, dict[str, str]] = {
    "amara": {
        "policy": "my_policy = navigator",
        "written": "I used the Navigator: lead in a downturn, rebuild with structure after.",
    },
    "bruno": {
        "policy": policy('''
if state.market < 0.95:
    return Style(0.3, 1.0)
if state.recent("engagement_pulse", 4) < 0.55:
    return Style(0.5, 0.8)
if len(state.revenue) >= 8 and state.recent("revenue", 3) < 0.8 * state.revenue[-8:].max():
    return Style(0.7, 0.6)
return Style(0.6, 0.7)'''),
        "written": "Balanced most weeks; people first when the market drops or the pulse sags; "
                   "structure to rebuild the pipeline afterwards.",
    },
    "chen": {
        "policy": policy('''
if state.market < 0.95:
    return Style(0.35, 0.95)
return Style(0.6, 0.7)'''),
        "written": "Coach all year, except that I lead harder while the market is down.",
    },
    "dana": {
        "policy": policy('''
if week < 18:
    return Style(0.9, 0.2)
return Style(0.6, 0.7)'''),
        "written": "Push hard early to build a lead, then coach.",
    },
    "emeka": {
        "policy": policy('''
if state.recent("engagement_pulse", 3) < 0.6:
    return Style(0.45, 0.9)
return Style(0.75, 0.55)'''),
        "written": "Structure by default; when the pulse drops below 0.6 I back off and lead.",
    },
    "farah": {
        "policy": policy('''
if state.market < 0.95:
    return Style(0.4, 0.9)
return Style(0.25, 0.9)'''),
        "written": "My team needs inspiration; I add a bit of structure in the downturn.",
    },
    "goran": {
        "policy": policy('''
if state.market < 0.95:
    return Style(0.3, 1.0)
return Style(0.8, 0.8)'''),
        "written": "Do a lot of both, except in the shock.",
    },
    "hana": {
        "policy": policy('''
if state.recent("attainment", 2) < 0.9:
    return Style(0.75, 0.55)
return Style(0.5, 0.8)'''),
        "results": NAVIGATOR_ONLY,
        "written": "",
    },
    "ivan": {
        "policy": policy('''
if state.market < 0.95:
    return Style(0.9, 0.3)
return Style(0.6, 0.5)'''),
        "results": "...",
        "written": "",
    },
}
"""Made-up students: a policy (the body of the answer cell), and what they wrote."""

STUDENTS["zoe_muller"] = {
    "policy": STUDENTS["bruno"]["policy"],
    "written": "Balanced most weeks; people first when the market drops or the pulse sags.",
}
"""Zoë Müller handed in Bruno's policy, word for word: the debrief flags the two as identical."""

UNTOUCHED = "kofi"
"""A student who handed in the notebook exactly as released: "not attempted", not "ok" at 0."""

ROSTER = ROOT / "instructor" / "example_roster.csv"
"""The class list (``make grade ROSTER=...``): the students above with an id, an email and a
login, and one more (Lina Berg) who handed in nothing."""

BROKEN: dict[str, str] = {
    "corrupt_json.ipynb": "a notebook whose file breaks off half way",
    "raises_error.ipynb": "a correct policy, and a results cell with a typo that raises",
    "endless_loop.ipynb": "an extra cell that never ends (it can be interrupted)",
    "stubborn_loop.ipynb": "an extra cell that never ends and swallows interrupts",
    "deleted_cell.ipynb": "the cell defining my_policy deleted",
    "renamed_policy.ipynb": "my_policy renamed to my_rule",
    "not_a_notebook.ipynb": "a text file saved with the notebook's name",
    "essay.pdf": "a PDF handed in instead of the notebook",
    "wrong_assignment.ipynb": "the part 3 notebook handed in for the capstone",
}
"""Troublesome submissions, by file name: what each one is."""


def released() -> nbformat.NotebookNode:
    nb = nbformat.read(RELEASED, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def cell(nb: nbformat.NotebookNode, cell_id: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.get("id") == cell_id)


def submission(policy_source: str, results: str = RESULTS, written: str = "",
               extra: str | None = None) -> nbformat.NotebookNode:
    """The released notebook with these answers (``extra``: a cell added after the policy)."""
    nb = released()
    cell(nb, POLICY_CELL).source = policy_source
    cell(nb, RESULTS_CELL).source = results
    if written:
        cell(nb, WRITTEN_CELL).source = written
    if extra is not None:
        at = nb.cells.index(cell(nb, POLICY_CELL)) + 1
        nb.cells.insert(at, nbformat.v4.new_code_cell(extra))
    return nb


def write(folder: Path) -> list[Path]:
    """Write the whole example class to ``folder``; return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []

    def save(name: str, nb: nbformat.NotebookNode) -> None:
        nbformat.write(nb, folder / name)
        written.append(folder / name)

    for name, answers in STUDENTS.items():
        save(f"{name}.ipynb", submission(answers["policy"], answers.get("results", RESULTS),
                                         answers.get("written", "")))
    save(f"{UNTOUCHED}.ipynb", released())
    good = STUDENTS["bruno"]["policy"]
    text = nbformat.writes(submission(good))
    (folder / "corrupt_json.ipynb").write_text(text[: len(text) // 2], "utf-8")
    written.append(folder / "corrupt_json.ipynb")
    save("raises_error.ipynb", submission(good, RESULTS.replace("pd.DataFrame(rows)",
                                                                "pd.DataFrame(row)")))
    save("endless_loop.ipynb", submission(good, extra="while True:\n    pass"))
    save("stubborn_loop.ipynb", submission(good, extra=(
        "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n"
        "    except KeyboardInterrupt:\n        pass")))
    deleted = submission(good)
    deleted.cells.remove(cell(deleted, POLICY_CELL))
    save("deleted_cell.ipynb", deleted)
    save("renamed_policy.ipynb", submission(good.replace("def my_policy", "def my_rule")))
    (folder / "not_a_notebook.ipynb").write_text(
        "My answers are in the attached document. The policy coaches most weeks.\n", "utf-8")
    (folder / "essay.pdf").write_bytes(b"%PDF-1.4\n% made-up essay\n")
    written += [folder / "not_a_notebook.ipynb", folder / "essay.pdf"]
    part3 = copy.deepcopy(nbformat.read(ROOT / "notebooks" / "03_leading.ipynb", as_version=4))
    save("wrong_assignment.ipynb", part3)
    return sorted(written)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python instructor/example_class.py FOLDER")
    for path in write(Path(sys.argv[1])):
        print(path)
