"""The class debrief: committed with its outputs, current with its source, lean; it runs offline
in a fresh kernel, on the example results and on a freshly graded class; its charts are PNGs."""

from __future__ import annotations

import base64
import json
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from teamsim.instructor import debrief

pytestmark = pytest.mark.instructor

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
    coach = refs[refs["manager"] == "Coach"].set_index("scenario")["revenue"]
    policies = named.policies
    share = (policies["revenue"] / policies["scenario"].map(coach)).groupby(
        policies["student"]).mean()
    grades = named.grades.set_index("student")["percentage"]
    for row in students.to_dict("records"):
        assert row["vs the Coach"] == pytest.approx(100 * share[row["policy"]], abs=0.05), row
        assert row["grade (%)"] == grades[row["policy"]], row
        for scenario in debrief.SHARED_SCENARIOS:
            mine = policies[(policies["student"] == row["policy"])
                            & (policies["scenario"] == scenario)]["revenue"].item()
            assert row[scenario] == pytest.approx(mine, abs=0.5), (row, scenario)


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


def layer_rows(chart, mark: str) -> list[dict]:
    """The data rows of the one layer of ``chart`` drawn with ``mark`` (e.g. "circle")."""
    spec = chart.to_dict()
    (layer,) = [lay for lay in spec["layer"] if lay.get("mark", {}).get("type") == mark]
    return spec["datasets"][layer["data"]["name"]]


def test_class_map_places_every_policy_and_reference(graded_class):
    _, _, _, paths = graded_class
    results = debrief.load(paths["grades"].parent)
    refs, _ = debrief.references()
    chart = debrief.class_map(results, refs, debrief.landscape())
    default = results.policies[results.policies["scenario"] == "default"]
    dots = {(r["student"], r["control"], r["inspiration"]) for r in layer_rows(chart, "circle")}
    assert dots == set(zip(default["student"], default["control"], default["inspiration"]))
    named = refs[refs["scenario"] == "default"]
    diamonds = {r["manager"]: (r["control"], r["inspiration"]) for r in layer_rows(chart, "point")}
    assert diamonds == dict(zip(named["manager"], zip(named["control"], named["inspiration"])))
    grid = layer_rows(chart, "rect")
    assert {(round(r["control"], 2), round(r["inspiration"], 2)) for r in grid} == {
        (c / 10, i / 10) for c in range(11) for i in range(11)}


def test_scenario_chart_shows_each_revenue_against_the_coach(graded_class):
    _, _, _, paths = graded_class
    results = debrief.load(paths["grades"].parent)
    refs, _ = debrief.references()
    chart = debrief.scenario_chart(results, refs)
    coach = {r.scenario: r.revenue for r in refs[refs["manager"] == "Coach"].itertuples()}
    dots = layer_rows(chart, "circle")
    assert len(dots) == len(results.policies)
    for row in dots:
        assert row["vs_coach"] == pytest.approx(row["revenue"] / coach[row["scenario"]]), row
    diamonds = layer_rows(chart, "point")
    assert {(r["manager"], r["scenario"]) for r in diamonds} == {
        (m, s) for m in debrief.REFERENCES for s in debrief.SHARED_SCENARIOS}
    assert {r["vs_coach"] for r in diamonds if r["manager"] == "Coach"} == {1.0}
    navigator = [r for r in diamonds if r["manager"] == "Navigator"]
    for row in navigator:
        assert row["vs_coach"] == pytest.approx(row["revenue"] / coach[row["scenario"]]), row


def test_codes_are_stable_and_distinct(example):
    """The same name gets the same code in any process (no salted hash()), and codes do not
    show the name."""
    codes = [debrief.code_for(name) for name in example.STUDENTS]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"P-[0-9A-F]{4}", code) for code in codes), codes
    for name, code in zip(example.STUDENTS, codes):
        assert name.lower() not in code.lower()
    script = ("import json, sys; from teamsim.instructor.debrief import code_for; "
              "print(json.dumps([code_for(n) for n in sys.argv[1:]]))")
    for hash_seed in ("1", "2"):
        elsewhere = subprocess.run([sys.executable, "-c", script, *example.STUDENTS],
                                   capture_output=True, text=True, check=True,
                                   env={**os.environ, "PYTHONHASHSEED": hash_seed})
        assert json.loads(elsewhere.stdout) == codes


def test_missing_results_say_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="make debrief SUBMISSIONS=folder"):
        debrief.load(tmp_path)
