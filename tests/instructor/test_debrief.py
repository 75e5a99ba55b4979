"""The class debrief: committed with its outputs, current with its source, lean; it runs offline
in a fresh kernel, on the example results and on a freshly graded class; its charts are PNGs."""

from __future__ import annotations

import base64
import os
import struct
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from teamsim.instructor import debrief

ROOT = Path(__file__).resolve().parents[2]
INSTRUCTOR = ROOT / "instructor"
NOTEBOOK = INSTRUCTOR / "debrief.ipynb"
CHARTS = 4


def pngs(nb: nbformat.NotebookNode) -> list[bytes]:
    return [base64.b64decode(output["data"]["image/png"]) for cell in nb.cells
            for output in cell.get("outputs", []) if "image/png" in output.get("data", {})]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def assert_clean_run(nb: nbformat.NotebookNode) -> None:
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "every code cell is executed"
    for cell in code:
        for output in cell.outputs:
            assert output.output_type != "error", output
            assert not (output.output_type == "stream" and output.name == "stderr"), output
            assert "application/vnd.jupyter.widget-view+json" not in output.get("data", {})
    charts = pngs(nb)
    assert len(charts) == CHARTS
    for chart in charts:
        width, height = png_size(chart)
        assert width >= 400 and height >= 200


@pytest.fixture
def kernel_path(monkeypatch):
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")


def test_committed_debrief_is_current_lean_and_anonymous(example):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    source = jupytext.read(INSTRUCTOR / "debrief.md")
    assert [c.source for c in nb.cells] == [c.source for c in source.cells], (
        "instructor/debrief.ipynb is older than debrief.md: run `make debrief`")
    assert "widgets" not in nb.metadata
    assert NOTEBOOK.stat().st_size < 1_000_000
    assert_clean_run(nb)
    shown = nbformat.writes(nb)
    assert not [name for name in example.STUDENTS if name in shown], "names stay hidden"


def test_debrief_runs_in_a_fresh_kernel_on_the_example(kernel_path, monkeypatch):
    monkeypatch.delenv("DEBRIEF_RESULTS", raising=False)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(INSTRUCTOR)}}).execute()
    assert_clean_run(nb)


def test_debrief_runs_on_a_freshly_graded_class(graded_class, kernel_path, tmp_path):
    _, _, rows, paths = graded_class
    target = debrief.execute(paths["grades"].parent, tmp_path / "debrief.ipynb", html=True)
    assert_clean_run(nbformat.read(target, as_version=4))
    assert (tmp_path / "debrief.html").stat().st_size > 100_000


def test_results_and_tables(graded_class):
    _, _, rows, paths = graded_class
    named = debrief.load(paths["grades"].parent, show_names=True)
    coded = debrief.load(paths["grades"].parent)
    assert "bruno" in set(named.policies["student"])
    assert set(coded.policies["student"]) == {debrief.code_for(n) for n in
                                              named.policies["student"]}
    overview = coded.overview().iloc[:, 0]
    assert overview["submissions"] == str(len(rows))
    refs, navigator_weeks = debrief.references()
    assert set(refs["manager"]) == {"Driller", "Coach", "Cheerleader", "Absentee", "Navigator"}
    assert len(navigator_weeks) == 52
    board = debrief.leaderboard(named, refs)
    students = board[board["rank"].notna()]
    assert list(students["rank"]) == list(range(1, len(students) + 1))
    assert students["vs the Coach"].is_monotonic_decreasing
    assert board.loc[board["policy"] == "Coach", "vs the Coach"].item() == 100.0
    assert students.iloc[0]["grade (%)"] == 100.0


def test_charts_hold_every_policy_and_every_reference(graded_class):
    _, _, _, paths = graded_class
    results = debrief.load(paths["grades"].parent)
    refs, navigator_weeks = debrief.references()
    students = set(results.policies["student"])
    board = debrief.leaderboard_chart(results, refs).to_dict()
    bars = board["layer"][0]
    names = {row["manager"] for row in board["datasets"][bars["data"]["name"]]}
    assert names == students | {"Driller", "Coach", "Cheerleader", "Absentee", "Navigator"}
    paths_chart = debrief.paths_chart(results, refs, navigator_weeks, top=3).to_dict()
    lines = {row["student"] for data in paths_chart["datasets"].values() for row in data
             if "student" in row}
    assert "Navigator" in lines and len(lines) == 4
    for chart in (debrief.class_map(results, refs, debrief.landscape()),
                  debrief.scenario_chart(results, refs)):
        assert chart.to_dict()["description"]


def test_codes_are_stable_and_distinct(example):
    codes = [debrief.code_for(name) for name in example.STUDENTS]
    assert len(set(codes)) == len(codes)
    assert debrief.code_for("bruno") == debrief.code_for("bruno")


def test_missing_results_say_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="make debrief SUBMISSIONS=folder"):
        debrief.load(tmp_path)
