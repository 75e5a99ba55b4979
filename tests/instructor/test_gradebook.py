"""Marks an LMS takes: the roster matched to file names, Canvas and Moodle exports in UTF-8 with a
BOM, written points kept over a regrade and counted in the total, "not attempted" for a notebook
handed in untouched, "no submission" for a student with no file. Quick: no notebook is run here
(the example class, graded once for the instructor tests, is only re-written)."""

from __future__ import annotations

import csv
import json
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from teamsim.instructor import gradebook
from teamsim.instructor.grading import CAPSTONE, Bundle, Question, Row, main, write_results

pytestmark = pytest.mark.instructor

ROOT = Path(__file__).resolve().parents[2]
RELEASED = ROOT / "notebooks" / f"{CAPSTONE}.ipynb"
EXAMPLE = ROOT / "instructor" / "example_results"
BOM = b"\xef\xbb\xbf"

ROSTER = """name;Student ID;E-mail;Username;Section;Canvas ID
Zoë Müller;S1011;zoe.mueller@example.edu;zmuller;Thu;4711
Søren Łukasz;S1012;soren@example.edu;slukasz;Thu;
Lee Kim;S2001;lee.kim.1@example.edu;;Tue;
Lee Kim;S2002;lee.kim.2@example.edu;;Tue;
Ana Gomes;S3001;ana@example.edu;student269;Tue;
"""


def rows_of(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def roster(tmp_path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_bytes(BOM + ROSTER.encode())
    return path


# -- the roster -------------------------------------------------------------------------------
def test_roster_columns_are_found_by_their_usual_names(roster):
    zoe, soren, *_ = gradebook.read_roster(roster)
    assert zoe == gradebook.Student("Zoë Müller", "S1011", "zoe.mueller@example.edu", "zmuller",
                                    "Thu", "4711")
    assert soren.canvas_id == "" and soren.key == "S1012"


@pytest.mark.parametrize("text, words", [
    ("student_id,email\nS1,a@x\n", "no 'name' column"),
    ("name,section\nAna,1\n", "needs a 'student_id', 'email' or 'login' column"),
    ("name,student_id,email\nAna,,\n", "line 2: Ana has no student id, email or login"),
    ("name,student_id\nAna,S1\nBo,s1\n", "Ana and Bo share the student_id 's1'"),
    ("", "the roster is empty"),
])
def test_a_roster_that_cannot_be_used_says_why(tmp_path, text, words):
    path = tmp_path / "r.csv"
    path.write_text(text, "utf-8")
    with pytest.raises(gradebook.RosterError, match=re.escape(words)):
        gradebook.read_roster(path)


def test_folding_removes_accents_and_splits_letters_from_digits():
    assert gradebook.fold("Zoë Müller") == "zoe muller"
    assert gradebook.words("Søren_Łukasz-S1012 (2).ipynb") == ["soren", "lukasz", "s", "1012",
                                                               "2", "ipynb"]


# -- matching files to students -----------------------------------------------------------------
@pytest.mark.parametrize("file, who", [
    ("zoe_muller.ipynb", "S1011"),            # the name, accents folded
    ("Müller, Zoë.ipynb", "S1011"),           # surname first, with its accents
    ("MULLER_ZOE_capstone.ipynb", "S1011"),
    ("zmuller.ipynb", "S1011"),               # the login
    ("zoe.mueller_06.ipynb", "S1011"),        # the email's local part
    ("s1011-capstone.ipynb", "S1011"),        # the student id
    ("mullerzoe_4711_99120_06_capstone.ipynb", "S1011"),  # a Canvas download: canvas id
    ("zoemuller.ipynb", "S1011"),             # the name run together
    ("soren_lukasz", "S1012"),                # a folder (no extension)
    ("S2002_lee_kim.ipynb", "S2002"),         # the id settles what the name cannot
    ("student269.ipynb", "S3001"),
])
def test_files_are_matched_by_id_login_email_or_name(roster, file, who):
    matching = gradebook.match([file], gradebook.read_roster(roster))
    assert matching.unmatched == {}
    assert matching.by_file[file].key == who


def test_unmatched_ambiguous_missing_and_several_are_reported(roster):
    students = gradebook.read_roster(roster)
    files = ["lee_kim.ipynb", "notes.ipynb", "student26.ipynb", "zoe_muller.ipynb",
             "zmuller_v2.ipynb"]
    matching = gradebook.match(files, students)
    assert matching.unmatched["lee_kim.ipynb"] == "ambiguous: it could be Lee Kim or Lee Kim"
    assert set(matching.unmatched) == {"lee_kim.ipynb", "notes.ipynb", "student26.ipynb"}
    assert [s.key for s in matching.missing] == ["S1012", "S2001", "S2002", "S3001"]
    assert matching.several == {"S1011": ["zoe_muller.ipynb", "zmuller_v2.ipynb"]}
    report = "\n".join(matching.report())
    assert report.startswith("roster: 2 files matched to 1 student; 3 files unmatched; "
                             "4 students submitted nothing")
    assert "unmatched file: notes.ipynb" in report and "no submission: Ana Gomes (S3001)" in report


# -- untouched notebooks ------------------------------------------------------------------------
def test_an_untouched_notebook_is_told_from_an_answered_one():
    released = json.loads(RELEASED.read_text("utf-8"))["cells"]
    answers = ["06-004", "06-015", "06-018"]
    ran = json.loads(json.dumps(released))
    for cell in ran:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [{"output_type": "stream"}], 3
    assert gradebook.untouched(ran, released, answers), "outputs alone are not an attempt"
    answered = json.loads(json.dumps(released))
    next(c for c in answered if c["id"] == "06-015")["source"] = "results = fixed"
    assert not gradebook.untouched(answered, released, answers)
    no_ids = [{k: v for k, v in c.items() if k != "id"} for c in released]
    assert gradebook.untouched(no_ids, released, answers)
    no_ids[4]["source"] = "def my_policy(week, state):\n    return STYLES['Coach']"
    assert not gradebook.untouched(no_ids, released, answers)


# -- the marking sheet --------------------------------------------------------------------------
def sheet(path: Path, rows: list[list[str]], header=gradebook.WRITTEN_COLUMNS) -> None:
    gradebook.write(path, header, rows)


def test_hand_entered_marks_survive_a_regrade_with_a_backup(tmp_path):
    previous = tmp_path / "written_answers.csv"
    sheet(previous, [["a.ipynb", "explain", "3", "2.5", "old text", "good"],
                     ["b.ipynb", "explain", "3", "", "b text", ""],
                     ["c.ipynb", "explain", "3", "lots", "c text", ""],
                     ["gone.ipynb", "explain", "3", "1", "?", ""]],
          header=[*gradebook.WRITTEN_COLUMNS, "comment"])
    before = previous.read_bytes()
    fresh = [{"submission": s, "question": "explain", "possible": "3", "points": "",
              "answer": f"new {s}"} for s in ("a.ipynb", "b.ipynb", "c.ipynb", "d.ipynb")]
    marks = gradebook.merge_marks(fresh, previous, now=datetime(2026, 12, 1, 0, 5, tzinfo=UTC))
    assert marks.kept == 2  # a's 2.5 and c's (invalid) "lots" are kept as typed
    assert marks.backup == tmp_path / "backups" / "written_answers-20261201T000500.000000Z.csv"
    assert marks.backup.read_bytes() == before
    assert marks.points("a.ipynb", "explain") == 2.5
    assert marks.points("b.ipynb", "explain") is None
    assert marks.points("c.ipynb", "explain") is None, "not a number: not counted"
    assert marks.problems == {("c.ipynb", "explain"): "'lots' is not a number from 0 to 3"}
    a = next(r for r in marks.rows if r["submission"] == "a.ipynb")
    assert a["comment"] == "good" and a["answer"] == "new a.ipynb", "answers are the new ones"
    assert marks.orphans == [{"submission": "gone.ipynb", "question": "explain", "points": "1"}]
    report = "\n".join(marks.report())
    assert "2 hand-entered marks kept" in report and "gone.ipynb explain = 1" in report


@pytest.mark.parametrize("text, value", [("2", 2.0), ("1,5", 1.5), (" 3 ", 3.0), ("", None),
                                         ("4", None), ("-1", None), ("nan", None),
                                         ("x", None)])
def test_points_must_be_a_number_within_the_question(text, value):
    assert gradebook.parse_points(text, 3) == value


# -- writing the results ------------------------------------------------------------------------
QUESTIONS = (Question("policy_runs", False, 2, 1, 1, ("my_policy",), ("06-004",), ("06-005",)),
             Question("results_table", False, 2, 1, 1, ("results",), ("06-015",), ("06-016",)),
             Question("explain_policy", True, 3, 0, 0, (), ("06-018",), ()))


@pytest.fixture
def graded(tmp_path, roster):
    """A folder of three files (one untouched), the rows the grader would give, a bundle."""
    folder = tmp_path / "class"
    folder.mkdir()
    released = json.loads(RELEASED.read_text("utf-8"))
    (folder / "zoe_muller.ipynb").write_text(json.dumps(released), "utf-8")
    answered = json.loads(json.dumps(released))
    next(c for c in answered["cells"] if c["id"] == "06-004")["source"] = "my_policy = navigator"
    (folder / "S1012.ipynb").write_text(json.dumps(answered), "utf-8")
    (folder / "stranger.ipynb").write_text(json.dumps(answered), "utf-8")
    rows = [Row("S1012.ipynb", {"policy_runs": 2, "results_table": 1},
                written={"explain_policy": "I lead in the shock."}),
            Row("stranger.ipynb", {"policy_runs": 2, "results_table": 2}),
            Row("zoe_muller.ipynb", {"policy_runs": 0, "results_table": 0})]
    bundle = Bundle(CAPSTONE + "_test", tmp_path / "bundle", QUESTIONS, "")
    return folder, rows, bundle


def test_grades_name_the_students_count_written_points_and_say_not_attempted(graded, roster,
                                                                              tmp_path):
    folder, rows, bundle = graded
    out = tmp_path / "out"
    paths = write_results(bundle, rows, out, folder=folder, roster=roster, released=RELEASED,
                          title="Capstone")
    raw = paths["grades"].read_bytes()
    assert raw.startswith(BOM) and "Zoë Müller".encode() in raw
    grades = {r["submission"] or r["student"]: r for r in rows_of(paths["grades"])}
    assert list(next(iter(grades.values()))) == [
        "submission", "student", "student_id", "email", "login", "policy_runs", "results_table",
        "explain_policy", "total", "possible", "percentage", "status", "marking"]
    soren = grades["S1012.ipynb"]
    assert (soren["student"], soren["total"], soren["possible"], soren["status"]) == (
        "Søren Łukasz", "3", "7", "ok")
    assert soren["marking"] == "to mark: explain_policy"
    zoe = grades["zoe_muller.ipynb"]
    assert zoe["status"] == gradebook.NOT_ATTEMPTED and zoe["student_id"] == "S1011"
    assert grades["stranger.ipynb"]["marking"].startswith("not on the roster")
    assert grades["stranger.ipynb"]["status"] == "ok", "an answered notebook stays ok"
    missing = {name: r for name, r in grades.items() if r["status"] == "no submission"}
    assert set(missing) == {"Lee Kim", "Ana Gomes"} and len(rows_of(paths["grades"])) == 6

    # The instructor marks the written answer; a regrade keeps it and counts it.
    marked = rows_of(paths["written"])
    assert [r["points"] for r in marked] == ["", "", ""]
    for r in marked:
        if r["submission"] == "S1012.ipynb":
            r["points"] = "2.5"
    gradebook.write(paths["written"], gradebook.WRITTEN_COLUMNS,
                    [[r[c] for c in gradebook.WRITTEN_COLUMNS] for r in marked])
    paths = write_results(bundle, rows, out, folder=folder, roster=roster, released=RELEASED,
                          title="Capstone")
    assert [r["points"] for r in rows_of(paths["written"])
            if r["submission"] == "S1012.ipynb"] == ["2.5"]
    soren = next(r for r in rows_of(paths["grades"]) if r["submission"] == "S1012.ipynb")
    assert (soren["explain_policy"], soren["total"], soren["percentage"], soren["marking"]) == (
        "2.50", "5.50", "78.6", "")
    assert len(list((out / "backups").glob("written_answers-*.csv"))) == 1
    assert "1 hand-entered mark kept from the previous marking sheet" in paths[
        "report"].read_text("utf-8")

    # The LMS files: documented headers, UTF-8 with a BOM, one row per roster student.
    canvas = paths["canvas"].read_bytes()
    assert canvas.startswith(BOM + b"Student,ID,SIS User ID,SIS Login ID,Section,Capstone\n")
    assert [list(r.values()) for r in rows_of(paths["canvas"])] == [
        ["Zoë Müller", "4711", "S1011", "zmuller", "Thu", "0"],
        ["Søren Łukasz", "", "S1012", "slukasz", "Thu", "5.50"],
        ["Lee Kim", "", "S2001", "lee.kim.1@example.edu", "Tue", ""],
        ["Lee Kim", "", "S2002", "lee.kim.2@example.edu", "Tue", ""],
        ["Ana Gomes", "", "S3001", "student269", "Tue", ""]]
    moodle = rows_of(paths["moodle"])
    assert list(moodle[1]) == ["Full name", "ID number", "Username", "Email address", "Capstone"]
    assert moodle[1] == {"Full name": "Søren Łukasz", "ID number": "S1012",
                         "Username": "slukasz", "Email address": "soren@example.edu",
                         "Capstone": "5.50"}
    assert paths["moodle"].read_bytes().startswith(BOM)


def test_without_a_roster_there_are_no_lms_files_and_no_empty_rows(graded, tmp_path):
    _, rows, bundle = graded
    paths = write_results(bundle, rows, tmp_path / "out")
    assert "canvas" not in paths and not (tmp_path / "out" / "canvas.csv").exists()
    grades = rows_of(paths["grades"])
    assert [r["submission"] for r in grades] == [r.submission for r in rows]
    assert all(r["student"] == "" for r in grades)
    assert grades[2]["status"] == "ok", "without the folder, no comparison is made"


def test_the_best_of_several_files_goes_to_the_lms(roster, tmp_path):
    rows = [Row("zmuller_v1.ipynb", {"policy_runs": 1, "results_table": 0}),
            Row("zmuller_v2.ipynb", {"policy_runs": 2, "results_table": 2}),
            Row("zoe_muller_v3.ipynb", {"policy_runs": 0, "results_table": 2})]
    bundle = Bundle("x", tmp_path, QUESTIONS, "")
    paths = write_results(bundle, rows, tmp_path / "out", roster=roster)
    assert rows_of(paths["canvas"])[0]["x"] == "4"
    assert "several files for one student: S1011: zmuller_v1.ipynb, zmuller_v2.ipynb, " \
           "zoe_muller_v3.ipynb" in paths["report"].read_text("utf-8")


# -- the command line and make ------------------------------------------------------------------
def test_a_bad_roster_stops_the_command_before_any_grading(tmp_path, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    bad = tmp_path / "roster.csv"
    bad.write_text("who,what\nA,B\n", "utf-8")
    with pytest.raises(SystemExit) as stop:
        main([str(folder), "--roster", str(bad)])
    assert stop.value.code == 2
    assert "--roster: " in capsys.readouterr().err
    assert not (tmp_path / "class-grades").exists()


def test_make_grade_passes_the_roster_and_the_lms_title():
    done = subprocess.run(["make", "-n", "grade", "SUBMISSIONS=sub", "ROSTER=my class.csv",
                           "LMS_TITLE=Capstone 6"], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    assert '--roster "my class.csv" --lms-title "Capstone 6"' in done.stdout


# -- the committed example ----------------------------------------------------------------------
def test_the_committed_example_exports_are_what_the_example_class_gives(graded_class, example,
                                                                        tmp_path):
    folder, bundle, rows, _ = graded_class
    paths = write_results(bundle, list(rows.values()), tmp_path, folder=folder,
                          roster=example.ROSTER, title="Capstone (part 6)")
    for kind in ("canvas", "moodle"):
        assert (EXAMPLE / f"{kind}.csv").read_bytes() == paths[kind].read_bytes(), (
            f"{kind}.csv: run `make debrief` to refresh instructor/example_results")
    grades = {r["submission"] or r["student"]: r for r in rows_of(EXAMPLE / "grades.csv")}
    assert grades[f"{example.UNTOUCHED}.ipynb"]["status"] == gradebook.NOT_ATTEMPTED
    assert grades["zoe_muller.ipynb"]["student"] == "Zoë Müller"
    assert grades["Lina Berg"]["status"] == "no submission"
