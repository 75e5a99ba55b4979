"""The class debrief: committed with its outputs, current with its source, lean; it runs offline
in a fresh kernel, on the example results and on a freshly graded class; its charts are PNGs."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pandas as pd
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


def test_debrief_runs_on_a_freshly_graded_class_and_again_with_names(graded_class, kernel_path,
                                                                     tmp_path, example):
    """Written beside the results, run again as the guide says (SHOW_NAMES = True) from
    wherever it is opened; the HTML loads nothing from the network."""
    _, _, rows, paths = graded_class
    target = debrief.execute(paths["grades"].parent, tmp_path / "out" / "debrief.ipynb",
                             html=True)
    nb = nbformat.read(target, as_version=4)
    assert_clean_run(nb)
    shown = nbformat.writes(nb)
    assert not [name for name in example.STUDENTS if f"{name}" in shown.replace(
        str(paths["grades"].parent), "")], "names stay hidden"
    assert "grade" not in nb.cells[[i for i, c in enumerate(nb.cells)
                                    if "leaderboard(" in c.source][0]].outputs[0]["data"][
        "text/html"].lower(), "no grades on the projected leaderboard"
    page = target.with_suffix(".html").read_text("utf-8")
    assert len(page) > 100_000 and "<img" in page
    remote = re.findall(r"<(?:script|link|img|iframe)\b[^>]*(?:src|href)\s*=\s*[\"']?"
                        r"(?:https?:)?//", page, re.I)
    assert remote == [], remote
    assert "require.js" not in page and "mathjax" not in page.lower()
    first = next(c for c in nb.cells if c.cell_type == "code")
    first.source = first.source.replace("SHOW_NAMES = False", "SHOW_NAMES = True")
    assert "SHOW_NAMES = True" in first.source
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert_clean_run(nb)
    assert "bruno" in nbformat.writes(nb)


def test_results_and_tables(graded_class):
    _, _, rows, paths = graded_class
    named = debrief.load(paths["grades"].parent, show_names=True)
    coded = debrief.load(paths["grades"].parent)
    assert "bruno" in set(named.policies["student"])
    assert "Lina Berg" not in set(named.grades["student"]), "no-submission rows are left out"
    assert not {"email", "login", "student_id"} & set(coded.grades.columns), "no roster data"
    codes = debrief.code_list(paths["grades"].parent)
    assert set(coded.policies["student"]) == {
        codes.set_index("submission")["code"][n] for n in named.policies["submission"]}
    overview = coded.overview().iloc[:, 0]
    assert overview["submissions"] == str(len(rows))
    assert overview["handed in untouched (not attempted)"] == "1"
    refs, navigator_weeks = debrief.references()
    assert set(refs["manager"]) == {"Driller", "Coach", "Cheerleader", "Absentee", "Navigator"}
    assert len(navigator_weeks) == 52
    board = debrief.leaderboard(named, refs)
    assert list(board.columns) == ["rank", "policy", *debrief.SHARED_SCENARIOS, "vs the Coach"]
    students = board[board["rank"].notna()]
    assert students["vs the Coach"].is_monotonic_decreasing
    assert students["rank"].is_monotonic_increasing and students["rank"].iloc[0] == 1
    assert board.loc[board["policy"] == "Coach", "vs the Coach"].item() == 100.0
    coach = refs[refs["manager"] == "Coach"].set_index("scenario")["revenue"]
    policies = named.policies
    share = (policies["revenue"] / policies["scenario"].map(coach)).groupby(
        policies["student"]).mean()
    for row in students.to_dict("records"):
        assert row["vs the Coach"] == pytest.approx(100 * share[row["policy"]], abs=0.05), row
        assert row["rank"] == 1 + (share > share[row["policy"]] + 1e-9).sum(), row
        for scenario in debrief.SHARED_SCENARIOS:
            mine = policies[(policies["student"] == row["policy"])
                            & (policies["scenario"] == scenario)]["revenue"].item()
            assert row[scenario] == pytest.approx(mine, abs=0.5), (row, scenario)
    # bruno's policy was handed in again by zoe_muller (and by two troublesome files): one rank
    ranks = students.set_index("policy")["rank"]
    assert ranks["bruno"] == ranks["zoe_muller"] == ranks["endless_loop"]


def test_copied_policies_are_flagged(graded_class):
    _, _, _, paths = graded_class
    named = debrief.load(paths["grades"].parent, show_names=True)
    _, navigator_weeks = debrief.references()
    same = debrief.copies(named, navigator_weeks)
    groups = {row["policies"]: row["same as"] for row in same.to_dict("records")}
    assert groups == {"bruno, endless_loop, raises_error, zoe_muller": "",
                      "amara": "the Navigator (the course's example)"}
    # chen's policy differs from bruno's in one number: not a copy
    assert not any("chen" in g for g in groups)


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
    chosen = debrief.best_distinct(results, refs, navigator_weeks, top=3)
    assert lines == {*chosen, "Navigator"} and 1 <= len(chosen) <= 3
    ranked = debrief.scores(results, refs).set_index("student")
    assert ranked.loc[chosen, "rank"].max() <= 4, "chosen among the best third of 12"
    labels = {row["label"] for row in board["datasets"][bars["data"]["name"]]}
    table = debrief.leaderboard(results, refs)
    assert labels == {f"#{r} {p}" if r is not pd.NA else p
                      for r, p in zip(table["rank"], table["policy"])}


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


def test_codes_are_salted_per_class_stable_and_distinct(example, tmp_path):
    """The same name gets the same code in any process within a class (its salt), another
    class's salt gives other codes, and the codes do not show the name."""
    salt = debrief.class_salt(tmp_path)
    assert debrief.class_salt(tmp_path) == salt, "made once, then read"
    assert len(salt) == 32 and (tmp_path / debrief.SALT_FILE).is_file()
    codes = list(debrief.codes_for(list(example.STUDENTS), salt).values())
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"P-[0-9A-F]{6}", code) for code in codes), codes
    for name, code in zip(sorted(example.STUDENTS), codes):
        assert name.lower() not in code.lower()
        assert code[2:].lower() not in hashlib.sha256(name.encode()).hexdigest()[:8], "keyed"
    other = debrief.codes_for(list(example.STUDENTS), debrief.class_salt(tmp_path / "x"))
    assert set(other.values()).isdisjoint(codes)
    script = ("import json, sys; from teamsim.instructor.debrief import codes_for; "
              "print(json.dumps(list(codes_for(sys.argv[2:], sys.argv[1]).values())))")
    elsewhere = subprocess.run([sys.executable, "-c", script, salt, *sorted(example.STUDENTS)],
                               capture_output=True, text=True, check=True,
                               env={**os.environ, "PYTHONHASHSEED": "7"})
    assert json.loads(elsewhere.stdout) == codes, "no salted hash(): the same in any process"


def synthetic_class(names: list[str], revenue: dict[str, float], paths: dict[str, float]
                    ) -> debrief.ClassResults:
    """A class whose policies have these default-year revenues (the other scenarios in
    proportion) and these constant control levels (inspiration 0.5) every week."""
    policies = pd.DataFrame([
        {"student": n, "submission": f"{n}.ipynb", "scenario": s, "revenue": revenue[n] * k,
         "attrition": 0.1, "at_quota": 0.4, "exhaustion": 0.3, "control": paths[n],
         "inspiration": 0.5}
        for n in names for s, k in zip(debrief.SHARED_SCENARIOS, (1.0, 0.9, 0.95))])
    weeks = pd.DataFrame([{"student": n, "submission": f"{n}.ipynb", "week": w,
                           "control": paths[n], "inspiration": 0.5}
                          for n in names for w in range(1, 53)])
    grades = pd.DataFrame({"student": names, "submission": [f"{n}.ipynb" for n in names],
                           "percentage": 50.0, "status": "ok"})
    return debrief.ClassResults(grades, policies, weeks)


@pytest.fixture(scope="module")
def synthetic_refs() -> tuple[pd.DataFrame, pd.DataFrame]:
    refs = pd.DataFrame([{"manager": m, "scenario": s, "revenue": r * k, "control": c,
                          "inspiration": 0.5}
                         for m, r, c in [("Driller", 900, 0.9), ("Coach", 1000, 0.6),
                                         ("Cheerleader", 800, 0.2), ("Absentee", 600, 0.1),
                                         ("Navigator", 1010, 0.55)]
                         for s, k in zip(debrief.SHARED_SCENARIOS, (1.0, 0.9, 0.95))])
    navigator = pd.DataFrame({"student": "Navigator", "week": range(1, 53), "control": 0.55,
                              "inspiration": 0.5})
    return refs, navigator


def test_a_class_of_two_hundred_and_more_gets_distinct_codes_and_a_leaderboard(
        tmp_path, synthetic_refs):
    names = [f"student{i}" for i in range(1, 341)]
    old = {n: "P-" + hashlib.sha256(n.encode()).hexdigest()[:4].upper() for n in names}
    assert old["student269"] == old["student340"], "the 4-digit unsalted codes collided"
    codes = debrief.codes_for(names, debrief.class_salt(tmp_path))
    assert len(set(codes.values())) == len(names) == 340
    forced = debrief.codes_for(names, "a salt that is long enough", length=2)
    assert len(set(forced.values())) == 340, "a collision makes every code longer"
    assert len({len(c) for c in forced.values()}) == 1 and len(forced["student1"]) > 2 + 2
    with pytest.raises(ValueError, match="same 2-digit code"):
        debrief.codes_for(names, "a salt that is long enough", length=2, longest=2)
    refs, navigator = synthetic_refs
    coded = [codes[n] for n in names]
    results = synthetic_class(coded, {c: 900 + i for i, c in enumerate(coded)},
                              {c: 0.3 + i / 1000 for i, c in enumerate(coded)})
    board = debrief.leaderboard(results, refs)
    assert board["rank"].dropna().tolist() == list(range(1, 341))
    assert board.loc[0, "policy"] == codes["student340"]


def test_ties_share_one_rank_in_the_table_the_bars_and_the_map(synthetic_refs):
    refs, navigator = synthetic_refs
    results = synthetic_class(["ann", "bob", "cat", "dan"],
                              {"ann": 1100, "bob": 1050, "cat": 1050, "dan": 900},
                              {"ann": 0.7, "bob": 0.4, "cat": 0.4, "dan": 0.2})
    board = debrief.leaderboard(results, refs)
    ranks = dict(zip(board["policy"], board["rank"]))
    assert [ranks[n] for n in ("ann", "bob", "cat", "dan")] == [1, 2, 2, 4]
    assert board["policy"].tolist()[:3] == ["ann", "bob", "cat"]
    bars = layer_rows(debrief.leaderboard_chart(results, refs), "bar")
    assert {r["label"] for r in bars} >= {"#1 ann", "#2 bob", "#2 cat", "#4 dan"}
    assert [r["label"] for r in bars if r["label"].startswith("#")] == [
        "#1 ann", "#2 bob", "#2 cat", "#4 dan"]
    spec = debrief.class_map(results, refs, pd.DataFrame(
        {"control": [0.5], "inspiration": [0.5], "revenue": [1.0]})).to_dict()
    spots = {r["label"] for data in spec["datasets"].values() for r in data if "label" in r}
    assert spots == {"#1", "#2"}, "bob and cat share a spot and a rank; dan is not in the top 3"


def test_best_policies_are_chosen_among_the_best(synthetic_refs):
    """Most of the class handed in the Navigator; the best distinct policies must still come
    from the top of the ranking, never from the bottom."""
    refs, navigator = synthetic_refs
    names = ["top", *(f"nav{i}" for i in range(7)), "low1", "worst"]
    revenue = {"top": 1100, **{f"nav{i}": 1010 for i in range(7)}, "low1": 700, "worst": 500}
    control = {"top": 0.7, **{f"nav{i}": 0.55 for i in range(7)}, "low1": 0.3, "worst": 0.1}
    results = synthetic_class(names, revenue, control)
    assert debrief.best_distinct(results, refs, navigator, top=3) == ["top"]
    copies = debrief.copies(results, navigator)
    assert copies.loc[0, "count"] == 7 and copies.loc[0, "same as"].startswith("the Navigator")


def test_missing_results_say_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="make debrief SUBMISSIONS=folder"):
        debrief.load(tmp_path)
