"""The instructor guide (a book appendix) keeps up with the workbook: every exercise is mapped
to an objective with its points, and the guide is in the book's table of contents."""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest
import yaml

pytestmark = pytest.mark.instructor

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "book" / "appendix_instructor.md"


def questions() -> list[dict]:
    found = []
    for source in sorted((ROOT / "workbook").glob("[0-9][0-9]_*.md")):
        for cell in jupytext.read(source).cells:
            if cell.cell_type == "raw" and re.match(r"#\s*BEGIN\s+QUESTION", cell.source):
                found.append(yaml.safe_load(cell.source.split("\n", 1)[1]))
    return found


@pytest.mark.parametrize("question", questions(), ids=lambda q: q["name"])
def test_every_exercise_is_in_the_guide_with_its_points(question):
    points = question["points"]
    shown = (f"({points[0]} + {points[1]})" if isinstance(points, list) else f"({points})")
    assert f"`{question['name']}` {shown}" in GUIDE.read_text("utf-8")


def test_every_auto_graded_exercise_has_a_hidden_test_worth_points():
    for question in questions():
        if not question.get("manual"):
            assert isinstance(question["points"], list) and question["points"][1] > 0, question


def test_the_guide_is_an_appendix_of_the_book():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text("utf-8"))
    appendices = next(p for p in toc["parts"] if p["caption"] == "Appendices")
    assert {"file": "book/appendix_instructor"} in appendices["chapters"]


def test_the_guide_cites_the_benchmark_the_grader_documents():
    from teamsim.instructor import grading

    figure = re.search(r"(\d+) capstone\s+submissions took (\d+) s", grading.__doc__)
    assert figure, "teamsim.instructor.grading's docstring gives the benchmark"
    n, seconds = figure.groups()
    assert f"{n} capstone submissions took {seconds} seconds" in " ".join(
        GUIDE.read_text("utf-8").split())
