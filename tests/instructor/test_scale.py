"""Grading a class in parts (``tools/grade.py FOLDER --part K/N``, on several machines or hub
servers) and putting the parts together (``--combine``) gives the same files as grading the
whole folder at once, keeps the marks an instructor entered, and refuses parts that do not
fit together. The progress lines say how many are done and how long is left.

A small class of the example (two students with written answers, the untouched notebook, a
file that is not a notebook), so that grading it twice stays under a minute."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from teamsim.instructor.grading import (
    CAPSTONE,
    RECORD,
    Progress,
    combine,
    grade_folder,
    part_of,
    submissions_in,
    write_results,
)

pytestmark = pytest.mark.instructor

ROOT = Path(__file__).resolve().parents[2]
CELL_TIMEOUT_S = 60
"""No cell of this class loops; this only bounds a stuck one on a busy machine."""

ROSTER = ROOT / "instructor" / "example_roster.csv"
TITLE = "Capstone (part 6)"
SAME = ["grades.csv", "feedback.csv", "written_answers.csv", "canvas.csv", "moodle.csv",
        "policies.csv", "policy_weeks.csv"]


@pytest.fixture(scope="module")
def small_class(tmp_path_factory, example) -> Path:
    everyone = tmp_path_factory.mktemp("everyone") / "class"
    example.write(everyone)
    folder = tmp_path_factory.mktemp("small") / "week6"
    folder.mkdir()
    for name in ("amara.ipynb", "bruno.ipynb", f"{example.UNTOUCHED}.ipynb", "essay.pdf"):
        shutil.copy(everyone / name, folder / name)
    return folder


def grade(*args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "grade.py"), *args],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def whole_and_parts(small_class, grading_dir, tmp_path_factory):
    """(results of the whole folder, [results of part 1/2, part 2/2], combined results)."""
    whole = tmp_path_factory.mktemp("whole")
    bundle, rows = grade_folder(small_class, CAPSTONE, cell_timeout=CELL_TIMEOUT_S,
                                grading_dir=grading_dir, progress=None)
    write_results(bundle, rows, whole, folder=small_class, roster=ROSTER, title=TITLE)
    common = ["--assignment", CAPSTONE, "--grading-dir", str(grading_dir),
              "--cell-timeout", str(CELL_TIMEOUT_S)]
    parts = []
    for k in (1, 2):
        done = grade(str(small_class), "--part", f"{k}/2", *common)
        parts.append(small_class.parent / f"week6-grades-part{k}of2")
        assert "[2/2] " in done.stdout and "left" in done.stdout
    together = tmp_path_factory.mktemp("together") / "class-grades"
    done = grade("--combine", *map(str, parts), "--out", str(together), "--roster", str(ROSTER),
                 "--lms-title", TITLE, "--grading-dir", str(grading_dir))
    assert "4 submissions of 06_capstone" in done.stdout
    return whole, parts, together


def test_the_parts_cover_every_file_once_whatever_the_order():
    entries = [(f"s{i:02d}.ipynb", None, "") for i in range(10)]
    for n in (1, 3, 4, 10):
        parts = [part_of(entries[::-1] if k % 2 else entries, k, n) for k in range(1, n + 1)]
        assert sorted(e for p in parts for e in p) == entries
        assert max(map(len, parts)) - min(map(len, parts)) <= 1
    with pytest.raises(ValueError):
        part_of(entries, 4, 3)


def test_two_parts_combined_give_the_files_of_the_whole_class(whole_and_parts, small_class):
    whole, parts, together = whole_and_parts
    sizes = [len(json.loads((p / RECORD).read_text("utf-8"))["rows"]) for p in parts]
    assert sizes == [2, 2], "each part grades only its half of the sorted files"
    for name in SAME:
        assert (together / name).read_bytes() == (whole / name).read_bytes(), name
    outputs = sorted(p.name for p in (whole / "output").iterdir())
    assert outputs == sorted(p.name for p in (together / "output").iterdir())
    assert len(outputs) == 3, "what each notebook printed travels with its part"
    with open(together / "grades.csv", newline="", encoding="utf-8-sig") as f:
        statuses = {r["submission"]: r["status"] for r in csv.DictReader(f)}
    assert statuses["kofi.ipynb"].startswith("not attempted"), "a part keeps what it saw"
    assert len(submissions_in(small_class)) == 4


def test_combining_keeps_marks_entered_in_the_parts_and_in_the_class_sheet(
        whole_and_parts, grading_dir, tmp_path):
    whole, parts, _ = whole_and_parts
    copies = [shutil.copytree(p, tmp_path / p.name) for p in parts]

    def mark(sheet: Path, submission: str, points: str, comment: str | None = None) -> None:
        with open(sheet, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header, rows = list(reader.fieldnames or []), list(reader)
        if comment is not None and "comment" not in header:
            header.append("comment")
        for row in rows:
            if row["submission"] == submission:
                row["points"] = points
                if comment is not None:
                    row["comment"] = comment
        with open(sheet, "w", newline="", encoding="utf-8-sig") as f:
            writer = csv.DictWriter(f, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    mark(copies[0] / "written_answers.csv", "amara.ipynb", "2", comment="clear")
    out = tmp_path / "class-grades"
    combine(copies, out, grading_dir, ROSTER, TITLE)
    mark(out / "written_answers.csv", "bruno.ipynb", "3")
    _, _, paths = combine(copies, out, grading_dir, ROSTER, TITLE)
    with open(paths["written"], newline="", encoding="utf-8-sig") as f:
        marks = {r["submission"]: r for r in csv.DictReader(f)}
    assert (marks["amara.ipynb"]["points"], marks["amara.ipynb"]["comment"]) == ("2", "clear")
    assert marks["bruno.ipynb"]["points"] == "3", "a combined sheet's marks survive a recombine"
    totals = {}
    for where in (whole / "grades.csv", paths["grades"]):
        with open(where, newline="", encoding="utf-8-sig") as f:
            totals[where] = {r["submission"]: float(r["total"] or 0) for r in csv.DictReader(f)
                             if r["submission"]}
    before, after = totals[whole / "grades.csv"], totals[paths["grades"]]
    assert after["bruno.ipynb"] == before["bruno.ipynb"] + 3, "written points count in totals"
    assert after["amara.ipynb"] == before["amara.ipynb"] + 2


def test_combining_refuses_parts_that_do_not_fit(whole_and_parts, grading_dir, tmp_path):
    whole, parts, _ = whole_and_parts
    with pytest.raises(SystemExit, match="missing 2/2"):
        combine(parts[:1], tmp_path / "a", grading_dir)
    with pytest.raises(SystemExit, match="more than one part"):
        combine([*parts, whole], tmp_path / "b", grading_dir)
    stale = shutil.copytree(parts[1], tmp_path / "stale")
    record = json.loads((stale / RECORD).read_text("utf-8"))
    record["fingerprint"] = "0" * 64
    (stale / RECORD).write_text(json.dumps(record), "utf-8")
    with pytest.raises(SystemExit, match="another grading bundle"):
        combine([parts[0], stale], tmp_path / "c", grading_dir)


def test_progress_lines_give_the_count_and_the_time_left():
    seen: list[str] = []
    progress = Progress(3, seen.append)
    assert progress.bar is None, "a caller's function gets plain lines, never a bar"
    for name in ("a", "b", "c"):
        progress.step(f"{name}.ipynb: 12/12 in 1.0 s; ok")
    progress.close()
    assert seen[0].startswith("[1/3] a.ipynb: 12/12 in 1.0 s; ok (0:00 elapsed, about ")
    assert seen[0].endswith(" left)")
    assert seen[2].endswith("elapsed, done)")
