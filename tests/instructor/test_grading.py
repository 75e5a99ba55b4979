"""The grader: a folder of submissions, each in its own time-limited process, into a grades CSV
whose status says in words what went wrong; the run never crashes and never loses a row."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from teamsim.instructor.grading import (
    CAPSTONE,
    NotGradable,
    defined_names,
    grade_folder,
    is_dashboard,
    kind_of_file,
    read_submission,
    structure_problems,
)

pytestmark = pytest.mark.instructor

ROOT = Path(__file__).resolve().parents[2]

CASES = {
    # file: what its status must say
    "corrupt_json.ipynb": "not graded: the notebook file is damaged: its JSON breaks off",
    "raises_error.ipynb": "raised NameError: name 'row' is not defined",
    "endless_loop.ipynb": "ran for more than 20 s and was stopped (an endless loop?)",
    "stubborn_loop.ipynb": "would not stop even when interrupted",
    "deleted_cell.ipynb": "no cell defines `my_policy` (the cell that defined it was deleted)",
    "renamed_policy.ipynb": "no cell defines `my_policy` (renamed or removed?)",
    "not_a_notebook.ipynb": "not graded: not a Jupyter notebook: the file is plain text",
    "essay.pdf": "not graded: not a Jupyter notebook: the file is a PDF document",
    "wrong_assignment.ipynb": "not graded: this is the notebook of 03_leading, not 06_capstone",
}


def csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


# -- reading and checking a submission, without running it -----------------------------------
@pytest.mark.parametrize("data, words", [
    (b"", "the file is empty"),
    (b'{"cells": [{"cell_type": "code", "sour', "the notebook file is damaged"),
    (b"%PDF-1.7 ...", "a PDF document"),
    (b"PK\x03\x04 docx", "a zip archive"),
    (b"\x89PNG\r\n", "a PNG image"),
    (b"def my_policy(week, state):\n    return None\n", "a Python script, not a notebook"),
    (b"I could not finish, sorry.", "plain text"),
    (b"\xff\xfe\x00garbage\x80", "binary data"),
    (b'{"hello": "world"}', "valid JSON, but it has no list of cells"),
    (b"[1, 2, 3]", "valid JSON, but it has no list of cells"),
    (b'{"cells": [{"cell_type": "code"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
     "cell 1"),
])
def test_unreadable_submissions_get_a_reason(tmp_path, data, words):
    path = tmp_path / "submission.ipynb"
    path.write_bytes(data)
    with pytest.raises(NotGradable, match=re.escape(words)):
        read_submission(path)


def test_a_not_quite_valid_notebook_is_read_all_the_same(tmp_path):
    path = tmp_path / "from_another_editor.ipynb"
    path.write_text(json.dumps({"cells": [
        {"cell_type": "code", "source": ["def my_policy(week, state):\n", "    return 1"]},
        {"cell_type": "markdown", "source": "notes", "id": "06-018"}]}))
    nb = read_submission(path)
    assert [c.cell_type for c in nb.cells] == ["code", "markdown"]
    assert nb.cells[0].source.startswith("def my_policy") and nb.cells[1].id == "06-018"


def test_kind_of_file_names_common_formats():
    assert kind_of_file(b"{\\rtf1 hello") == "a rich-text document"
    assert kind_of_file(b"\xd0\xcf\x11\xe0....") == "an old Office document"


def test_released_notebook_reads_and_has_no_structure_problem(bundle):
    nb = read_submission(ROOT / "notebooks" / f"{CAPSTONE}.ipynb")
    assert structure_problems(nb, bundle) == []


def test_structure_problems_name_the_missing_answer(bundle, example):
    deleted = example.submission(example.STUDENTS["bruno"]["policy"])
    deleted.cells.remove(example.cell(deleted, example.POLICY_CELL))
    (problem,) = structure_problems(deleted, bundle)
    assert problem.startswith("no cell defines `my_policy` (the cell that defined it was")
    assert "policy_runs, policy_beats_fixed, policy_unseen" in problem
    no_check = example.submission(example.STUDENTS["bruno"]["policy"])
    no_check.cells = [c for c in no_check.cells
                      if not c.source.endswith('check("policy_unseen")')]
    assert structure_problems(no_check, bundle) == [
        "the check cell of policy_unseen was deleted (graded all the same)"]


def test_defined_names_reads_magics_and_skips_function_bodies():
    names = defined_names(["%time result = 1\nx = 2", "def f():\n    inner = 1",
                           "import numpy as np\nfrom a.b import c", "for i, j in []: pass",
                           "this is not python ("])
    assert {"x", "f", "np", "c", "i", "j"} <= names
    assert "inner" not in names


@pytest.mark.parametrize("source, expected", [
    ("dashboard.Capstone(my_policy)", True), ("  dashboard.FirstLook()\n", True),
    ("dashboard.Capstone(my_policy)\nx = 1", False), ("my_policy = 1", False),
    ("d = dashboard.Capstone(my_policy)", False), ("dashboard.Capstone(", False),
])
def test_only_pure_dashboard_cells_are_skipped(source, expected):
    assert is_dashboard(source) is expected


# -- a whole class ------------------------------------------------------------------------------
def test_every_file_gets_one_row_with_every_column(graded_class):
    folder, bundle, rows, paths = graded_class
    grades = [r for r in csv_rows(paths["grades"]) if r["status"] != "no submission"]
    assert [r["submission"] for r in grades] == sorted(p.name for p in folder.iterdir())
    questions = [q.name for q in bundle.auto]
    written = [q.name for q in bundle.manual]
    assert list(grades[0]) == ["submission", "student", "student_id", "email", "login",
                               *questions, *written, "total", "possible", "percentage",
                               "status", "marking"]
    for row in grades:
        assert float(row["total"]) == sum(float(row[q]) for q in questions), "none marked yet"
        assert float(row["possible"]) == bundle.possible + 3 == 15
        assert float(row["percentage"]) == pytest.approx(
            100 * float(row["total"]) / float(row["possible"]), abs=0.05)
        assert row["status"], row


def test_a_fully_correct_submission_gets_full_marks(graded_class):
    _, bundle, rows, _ = graded_class
    for name in ("bruno.ipynb", "amara.ipynb"):
        assert rows[name].status == "ok"
        assert rows[name].total == bundle.possible
        assert all(f["public_passed"] and f["hidden_passed"] for f in rows[name].feedback)


def test_a_partly_correct_submission_gets_partial_marks(graded_class):
    _, bundle, rows, _ = graded_class
    ivan = rows["ivan.ipynb"]
    assert ivan.status == "ok"
    assert 0 < ivan.total < bundle.possible
    assert ivan.scores["policy_runs"] == 2 and ivan.scores["results_table"] == 0


def test_hidden_tests_count_beside_the_public_ones(graded_class):
    """hana's results table has no row for her own policy: the check she ran told her so
    (public and hidden tests judge alike), and she loses both points."""
    _, _, rows, _ = graded_class
    table = next(f for f in rows["hana.ipynb"].feedback if f["question"] == "results_table")
    assert not table["public_passed"] and not table["hidden_passed"]
    assert table["points"] == 0 and table["possible"] == 2


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_problem_is_named_in_words(graded_class, name):
    _, _, rows, _ = graded_class
    assert CASES[name] in rows[name].status, rows[name].status
    assert "Traceback" not in rows[name].status


def test_problems_elsewhere_cost_only_the_points_that_depend_on_them(graded_class):
    _, bundle, rows, _ = graded_class
    assert rows["endless_loop.ipynb"].total == bundle.possible
    raised = rows["raises_error.ipynb"]
    assert raised.scores["results_table"] == 0
    assert raised.total == bundle.possible - 2
    for name in ("deleted_cell.ipynb", "renamed_policy.ipynb", "stubborn_loop.ipynb"):
        assert rows[name].total == 0


def test_no_kernel_or_worker_outlives_the_run(graded_class, strays):
    assert strays() == []


def test_written_answers_and_feedback_are_kept(graded_class):
    _, _, _, paths = graded_class
    written = {r["submission"]: r for r in csv_rows(paths["written"])}
    assert written["chen.ipynb"]["answer"].startswith("Coach all year")
    assert written["chen.ipynb"]["points"] == "" and written["chen.ipynb"]["possible"] == "3"
    assert written["ivan.ipynb"]["answer"] == ""
    feedback = csv_rows(paths["feedback"])
    assert {r["question"] for r in feedback} == {"policy_runs", "policy_beats_fixed",
                                                 "policy_unseen", "results_table"}
    assert any(r["message"].startswith("correct:") for r in feedback)


def test_policies_are_recorded_for_the_debrief(graded_class):
    _, _, rows, paths = graded_class
    policies = csv_rows(paths["policies"])
    students = {r["submission"] for r in policies}
    assert {"amara.ipynb", "bruno.ipynb", "ivan.ipynb", "endless_loop.ipynb"} <= students
    assert not students & {"corrupt_json.ipynb", "deleted_cell.ipynb", "essay.pdf"}
    assert {r["scenario"] for r in policies} == {"default", "deep_shock", "new_team"}
    weeks = csv_rows(paths["policy_weeks"])
    assert len(weeks) == 52 * len(students)


def test_the_committed_example_is_what_grading_the_example_class_gives(graded_class):
    """instructor/example_results is refreshed by `make debrief`; it must match the class."""
    _, _, _, paths = graded_class
    example = ROOT / "instructor" / "example_results"
    for kind in ("policies", "policy_weeks"):
        assert (example / paths[kind].name).read_text() == paths[kind].read_text(), (
            f"{kind}: run `make debrief` to refresh instructor/example_results")
    seconds = re.compile(r"more than \d+ s")
    ours = [{**r, "status": seconds.sub("more than N s", r["status"])}
            for r in csv_rows(paths["grades"])]
    kept = [{**r, "status": seconds.sub("more than N s", r["status"])}
            for r in csv_rows(example / "grades.csv")]
    assert kept == ours, "run `make debrief` to refresh instructor/example_results"


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore:The inplace keyword")
def test_points_agree_with_otter_run(graded_class, monkeypatch):
    """otter's own grader (`otter run`, no Docker) gives the same points per question."""
    from otter.api import grade_submission

    folder, bundle, rows, _ = graded_class
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    zip_path = bundle.path / f"{CAPSTONE}-autograder.zip"
    results = grade_submission(str(folder / "hana.ipynb"), ag_path=str(zip_path), quiet=True)
    otter_scores = {name: test["score"] for name, test in results.to_dict().items()}
    assert otter_scores == rows["hana.ipynb"].scores


# -- hard limits and odd folders ----------------------------------------------------------------
def test_a_submission_past_the_hard_limit_is_stopped_with_its_kernel(tmp_path, strays, example,
                                                                     grading_dir):
    folder = tmp_path / "late"
    folder.mkdir()
    nbformat.write(example.submission(example.STUDENTS["bruno"]["policy"], extra=(
        "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n"
        "    except KeyboardInterrupt:\n        pass")), folder / "late.ipynb")
    (folder / "notes.txt").write_text("not a notebook")
    _, rows = grade_folder(folder, CAPSTONE, timeout=8, cell_timeout=60, progress=None,
                           grading_dir=grading_dir)
    assert [r.submission for r in rows] == ["late.ipynb", "notes.txt"]
    assert rows[0].status == ("not graded: grading took longer than 8 s and was stopped (an "
                              "endless loop that ignores interrupts?)")
    assert rows[1].status.startswith("not graded: not a Jupyter notebook")
    assert strays() == []


def test_a_cell_that_asks_for_too_much_memory_gets_a_memory_error(tmp_path, example,
                                                                   grading_dir):
    folder = tmp_path / "greedy"
    folder.mkdir()
    nbformat.write(example.submission(example.STUDENTS["bruno"]["policy"],
                                      extra="blob = bytearray(16 * 1024**3)"),
                   folder / "greedy.ipynb")
    bundle, (row,) = grade_folder(folder, CAPSTONE, progress=None, grading_dir=grading_dir)
    extra = example.released().cells.index(example.cell(example.released(),
                                                        example.POLICY_CELL)) + 2
    assert f"cell {extra} (`blob = bytearray(16 * 1024**3)`) raised MemoryError" in row.status
    assert row.total == bundle.possible


def test_folders_hidden_files_and_a_guessed_assignment(tmp_path, grading_dir):
    """One folder per student is fine if it holds one notebook; the assignment is what the
    notebooks say they are."""
    folder = tmp_path / "mixed"
    for name in ("dora", "eli", "fay"):
        (folder / name).mkdir(parents=True)
    (folder / ".DS_Store").write_bytes(b"\0\0")
    released = (ROOT / "notebooks" / f"{CAPSTONE}.ipynb").read_bytes()
    for name in ("a.ipynb", "b.ipynb"):
        (folder / "eli" / name).write_bytes(released)
    (folder / "fay" / "capstone.ipynb").write_bytes(released)
    (folder / "broken.ipynb").write_text('{"cells": [', "utf-8")
    (folder / "dora" / "empty.ipynb").write_text("", "utf-8")
    bundle, rows = grade_folder(folder, progress=None, grading_dir=grading_dir)
    assert bundle.name == CAPSTONE
    status = {r.submission: r.status for r in rows}
    assert list(status) == ["broken.ipynb", "dora", "eli", "fay"]
    assert status["broken.ipynb"].startswith("not graded: the notebook file is damaged")
    assert status["dora"] == "not graded: the file is empty"
    assert status["eli"] == ("not graded: a folder holding 2 notebooks, not one: grade the "
                             "right one by itself")
    assert status["fay"] == "ok" and rows[-1].total == 0, "handed in as released: no points"


def test_the_command_line_writes_the_grades_beside_the_folder(tmp_path, grading_dir):
    folder = tmp_path / "week6"
    folder.mkdir()
    (folder / "x.ipynb").write_text("{ not json", "utf-8")
    (folder / "y.docx").write_bytes(b"PK\x03\x04...")
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "grade.py"), str(folder),
                           "--assignment", CAPSTONE, "--grading-dir", str(grading_dir)],
                          capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    grades = csv_rows(tmp_path / "week6-grades" / "grades.csv")
    assert [(r["submission"], r["total"]) for r in grades] == [("x.ipynb", "0"),
                                                                ("y.docx", "0")]
    assert "a zip archive" in grades[1]["status"]
    assert "2 submissions of 06_capstone: 0 ok, 2 with a problem" in done.stdout


def test_a_missing_bundle_says_to_run_make_workbook(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "a.ipynb").write_text("{}", "utf-8")
    with pytest.raises(SystemExit, match="run `make workbook`"):
        grade_folder(folder, CAPSTONE, grading_dir=tmp_path / "nowhere", progress=None)


def test_bundle_manifest_lists_points_and_graded_cells(bundle, example):
    info = json.loads((bundle.path / "bundle.json").read_text())
    assert info["assignment"] == CAPSTONE
    auto = {q["name"]: q for q in info["questions"] if not q["manual"]}
    from teamsim.instructor.grading import is_check

    check_cell = next(c.id for c in example.released().cells
                      if is_check(c.source) and 'check("policy_runs")' in c.source)
    assert auto["policy_runs"]["answer_cells"] == [example.POLICY_CELL]
    assert auto["policy_runs"]["check_cells"] == [check_cell]
    assert all(q["hidden"] > 0 and q["public"] > 0 for q in auto.values())


# -- the sandbox ------------------------------------------------------------------------------
def one_cell_notebook(source: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["otter"] = {"assignment_name": CAPSTONE}
    return nb


def test_memory_gb_reaches_the_sandbox(tmp_path, grading_dir):
    """1.5 GB fits in the default 4 GB, not in --memory-gb 1."""
    folder = tmp_path / "memory"
    folder.mkdir()
    nbformat.write(one_cell_notebook("blob = bytearray(1536 * 1024**2)\nprint(len(blob))"),
                   folder / "big.ipynb")
    statuses = []
    for limit in ("1", "4"):
        done = subprocess.run([sys.executable, str(ROOT / "tools" / "grade.py"), str(folder),
                               "--assignment", CAPSTONE, "--grading-dir", str(grading_dir),
                               "--memory-gb", limit, "--out", str(tmp_path / limit)],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        statuses.append(csv_rows(tmp_path / limit / "grades.csv")[0]["status"])
    assert "cell 1 (`blob = bytearray(1536 * 1024**2)`) raised MemoryError" in statuses[0]
    assert "MemoryError" not in statuses[1]
    assert "1610612736" in (tmp_path / "4" / "output" / "big.ipynb.txt").read_text("utf-8")


def test_without_bubblewrap_grading_refuses_and_names_the_alternatives(tmp_path, monkeypatch,
                                                                      grading_dir):
    from teamsim.instructor import sandbox

    folder = tmp_path / "s"
    folder.mkdir()
    nbformat.write(one_cell_notebook("x = 1"), folder / "a.ipynb")
    monkeypatch.setattr(sandbox, "_PROBED", {})
    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap on it
    with pytest.raises(SystemExit, match="bubblewrap") as refused:
        grade_folder(folder, CAPSTONE, grading_dir=grading_dir, progress=None)
    assert "otter's Docker route" in str(refused.value)
    assert "--unsafe-no-sandbox" in str(refused.value)


def test_unsafe_no_sandbox_still_grades_in_the_grader(tmp_path, grading_dir, example):
    folder = tmp_path / "trusted"
    folder.mkdir()
    nbformat.write(one_cell_notebook(example.STUDENTS["chen"]["policy"].replace(
        "def my_policy", "from teamsim import Style\ndef my_policy")), folder / "chen.ipynb")
    seen: list[str] = []
    bundle, (row,) = grade_folder(folder, CAPSTONE, grading_dir=grading_dir, progress=seen.append,
                                  unsafe_no_sandbox=True, cell_timeout=60)
    assert any("--unsafe-no-sandbox" in line for line in seen)
    assert row.scores["policy_runs"] == 2 and row.scores["results_table"] == 0


def test_answers_travel_as_data_and_come_back_alike():
    import numpy as np
    import pandas as pd

    from teamsim import Style
    from teamsim.instructor.runner import encode
    from teamsim.instructor.sandbox import CALLABLE, decode

    frame = pd.DataFrame({"default": [1.5, float("nan")], "n": [1, 2]},
                         index=pd.Index(["Coach", "Mine"]))
    series = pd.Series([0.1, 0.2], index=pd.CategoricalIndex(["low", "high"]), name="gain")
    values = [3, 2.5, True, np.bool_(False), np.float64(0.25), np.int64(7), "Coach", None, ...,
              (1, 2), [1, "a"], {"driller": "burnout", 3: 4.0}, np.array([[1.0, 2.0]]),
              Style(0.6, 0.7), float("inf")]
    for value in values:
        back = decode(json.loads(json.dumps(encode(value))))
        assert type(back) is type(value), value
        assert back is ... if value is ... else (np.array_equal(back, value) if isinstance(
            value, np.ndarray) else back == value), value
    back = decode(json.loads(json.dumps(encode(frame))))
    pd.testing.assert_frame_equal(back, frame)
    back = decode(json.loads(json.dumps(encode(series))))
    assert dict(back) == {"low": 0.1, "high": 0.2} and back.name == "gain"
    assert decode(encode(lambda week, state: None)) is CALLABLE
    odd = decode(encode(object()))
    assert repr(odd).startswith("<object object at")


def test_a_bundle_that_changes_while_grading_is_a_loud_error(tmp_path, monkeypatch, bundle):
    import shutil

    from teamsim.instructor import grading

    copy = tmp_path / "grading"
    shutil.copytree(bundle.path, copy / CAPSTONE)
    folder = tmp_path / "class"
    folder.mkdir()
    nbformat.write(one_cell_notebook("x = 1"), folder / "a.ipynb")

    def tamper(name, path, bundle_name, grading_dir, limits):
        (copy / CAPSTONE / "tests" / "policy_runs.py").write_text("test = {}")
        return grading.Row(name)

    monkeypatch.setattr(grading, "run_worker", tamper)
    with pytest.raises(grading.BundleChanged, match="CHANGED WHILE THE CLASS WAS GRADED"):
        grade_folder(folder, CAPSTONE, grading_dir=copy, progress=None)


@pytest.mark.parametrize("source, expected", [
    ('check("policy_runs")', True), ("check('results_table')\n", True),
    ('x = check("policy_runs")', False), ('check("a")\nx = 1', False), ("check(name)", False),
    ('from teamsim.course.checks import check\n\ncheck("policy_runs")', True),
    ('from evil import check\ncheck("policy_runs")', False),
    ('from teamsim.course.checks import check as c\ncheck("policy_runs")', False),
    ('from teamsim.course.checks import check, EXERCISES\ncheck("policy_runs")', False),
])
def test_only_pure_check_cells_are_left_to_the_grader(source, expected):
    from teamsim.instructor.grading import is_check

    assert is_check(source) is expected


def test_a_policy_asked_once_a_week_for_every_run_gives_the_same_year():
    """The model's decide_runs hook, which the sandboxed policy uses, changes nothing."""
    from teamsim import Scenario, simulate
    from teamsim.model.policies import navigator

    class Remote:
        asked = 0

        def __call__(self, week, state):
            raise AssertionError("asked run by run")

        def decide_runs(self, week, states):
            Remote.asked += 1
            return [navigator(week, s) for s in states]

    direct = simulate(navigator, Scenario.default(), runs=5, seed=3).summary()
    remote = simulate(Remote(), Scenario.default(), runs=5, seed=3).summary()
    assert direct.equals(remote)
    assert Remote.asked == Scenario.default().weeks


def test_a_course_installed_under_the_scratch_folder_stays_visible(monkeypatch):
    """CI checks the course out under /tmp, the sandbox's private scratch: its Python and
    package are bound on top of the scratch mount, not hidden under it (bwrap applies its
    options in order)."""
    from teamsim.instructor import sandbox

    venv = Path(sandbox.SCRATCH) / "checkout" / ".venv"
    monkeypatch.setattr(sandbox, "readonly_paths", lambda: [venv])
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: "/usr/bin/bwrap")
    cmd = sandbox.bwrap_command(3)
    scratch = cmd.index("--tmpfs")
    assert cmd[scratch + 1] == sandbox.SCRATCH
    binds = [i for i, word in enumerate(cmd) if word == "--ro-bind" and cmd[i + 1] == str(venv)]
    assert binds and all(i > scratch for i in binds), cmd
    # the scratch folder itself is never re-made (its 1777 mode is what lets the runner write)
    assert ["--dir", sandbox.SCRATCH] not in [cmd[i:i + 2] for i in range(len(cmd) - 1)]
