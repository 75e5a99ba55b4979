"""A policy built with the capstone's form is graded exactly like the same policy in code.

Two submissions made from the released notebook: one student pastes rules from the builder over
the ``my_rules = None`` cell and leaves the coded ``def my_policy`` as handed out; the other
writes the same rules as Python. ``tools/grade.py`` grades the folder, each notebook in a fresh
kernel from its ``.ipynb`` alone (no widget state), and the two must get the same points,
question by question, and the same policy record for the debrief. (That a rule policy and its
code choose the same style every week is tested in tests/test_builder.py; this is about the
notebook: the pasted cell, the form's cell skipped, the coded stub left as it was.)
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from teamsim.course.builder import cell_text
from teamsim.instructor.grading import CAPSTONE
from teamsim.model.rules import rule_policy

pytestmark = pytest.mark.instructor

ROOT = Path(__file__).resolve().parents[2]

RULES = {
    "full": {"rules": [
        {"when": "market", "is": "below", "value": 0.95, "weeks": 1,
         "use": {"control": 0.3, "inspiration": 1.0}},
        {"when": "attainment", "is": "below", "value": 0.9, "weeks": 3,
         "use": {"control": 0.7, "inspiration": 0.6}}],
        "otherwise": {"control": 0.65, "inspiration": 0.65}},
}
CODED = {
    "full": '''def my_policy(week, state):
    if state.market < 0.95:
        return Style(0.3, 1.0)
    if len(state.attainment) >= 3 and (state.attainment[-3:] < 0.9).all():
        return Style(0.7, 0.6)
    return Style(0.65, 0.65)''',
}


def built(example, rules: dict) -> nbformat.NotebookNode:
    """The released notebook as a student who used the form leaves it: the rules pasted over
    ``my_rules = None``, the coded ``def my_policy`` untouched."""
    nb = example.released()
    stub = example.cell(nb, example.POLICY_CELL).source
    nb = example.submission(stub)
    (cell,) = [c for c in nb.cells if c.source == "my_rules = None"]
    cell.source = cell_text(rule_policy(rules))
    return nb


def rows(path: Path) -> dict[str, dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return {r["submission"]: r for r in csv.DictReader(f)}


def test_a_policy_built_with_the_form_gets_the_points_of_the_same_policy_in_code(
        tmp_path, example, grading_dir, bundle):
    folder = tmp_path / "class"
    folder.mkdir()
    for name, rules in RULES.items():
        nbformat.write(built(example, rules), folder / f"{name}_built.ipynb")
        nbformat.write(example.submission(CODED[name]), folder / f"{name}_coded.ipynb")
    out = tmp_path / "grades"
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "grade.py"), str(folder), "--assignment", CAPSTONE,
         "--grading-dir", str(grading_dir), "--out", str(out), "--cell-timeout", "60"],
        capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    grades = rows(out / "grades.csv")
    questions = [q.name for q in bundle.auto]
    for name in RULES:
        ours, theirs = grades[f"{name}_built.ipynb"], grades[f"{name}_coded.ipynb"]
        assert ours["status"] == theirs["status"] == "ok", (ours, theirs)
        assert [ours[q] for q in questions] == [theirs[q] for q in questions], (ours, theirs)
        assert ours["total"] == theirs["total"]
    # every auto-graded point (the written answer waits for the instructor's marks)
    assert float(grades["full_built.ipynb"]["total"]) == sum(q.points for q in bundle.auto)
    with open(out / "policy_weeks.csv", newline="", encoding="utf-8") as f:
        weeks = list(csv.DictReader(f))
    for name in RULES:
        ours = [(w["week"], w["control"], w["inspiration"]) for w in weeks
                if w["submission"] == f"{name}_built.ipynb"]
        theirs = [(w["week"], w["control"], w["inspiration"]) for w in weeks
                  if w["submission"] == f"{name}_coded.ipynb"]
        assert len(ours) == 52 and ours == theirs
        assert len({(c, i) for _, c, i in ours}) > 1, "the rules chose more than one style"
