"""Marks an LMS takes: the class roster matched to the submitted files, the instructor's written
points merged into the totals (and never lost on a regrade), a status that tells an untouched
notebook from a wrong one, and exports for the gradebook imports of Canvas and Moodle.

Everything here works on plain data (names, points, cell lists); :mod:`teamsim.instructor.grading`
calls it when it writes its results, so this module imports nothing of the grader.

The roster
----------
A CSV file (UTF-8, with or without a BOM; comma, semicolon or tab) with a header row and one row
per student. Columns, in any order, matched without regard to case, spaces or underscores:

- ``name`` (required): the student's name as the LMS shows it, e.g. ``Zoë Müller``;
- ``student_id`` (or ``id``, ``id number``, ``sis user id``): the institution's student number;
- ``email`` (or ``email address``);
- ``login`` (or ``username``, ``sis login id``);
- optional ``section`` and ``canvas_id`` (the number Canvas gives each user; its own
  submission downloads carry it in the file name).

Each row needs at least one of ``student_id``, ``email`` and ``login``: the exports identify
students by them, never by name alone.

How a file is matched to a student
----------------------------------
The file (or folder) name is folded to lower-case ASCII words (accents removed,
``ø`` to ``o``, letters and digits split apart), then compared with each student's identifiers,
strongest first:

1. the student id or the Canvas id is one of its words (``s1001_capstone``, Canvas's
   ``mullerzoe_4711_...``);
2. the login or the local part of the email appears in it as whole words (``zmuller.ipynb``,
   ``zoe.muller.ipynb``);
3. every word of the name is one of its words, in any order (``zoe_muller``, ``Müller, Zoë``);
4. the name's words run together, in either order, are part of it (``mullerzoe``; at least six
   letters).

A file goes to the one student who matches it at its strongest level; if several students do, the
file is reported as ambiguous and left unmatched. Students with no file get a row with the status
``no submission``.
"""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

ENCODING = "utf-8-sig"
"""UTF-8 with a byte-order mark: Excel then reads "Zoë Müller" as written; Canvas, Moodle and
pandas read it too."""

NO_SUBMISSION = "no submission"
NOT_ATTEMPTED = ("not attempted: the notebook is as it was handed out (no answer was changed)")

# -- the roster --------------------------------------------------------------------------------
ROSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "student name", "student"),
    "student_id": ("student id", "id", "id number", "idnumber", "sis user id", "student number"),
    "email": ("email", "email address", "e-mail", "mail"),
    "login": ("login", "username", "user name", "sis login id", "login id"),
    "section": ("section", "group"),
    "canvas_id": ("canvas id", "canvas user id"),
}
"""Roster columns and the headers accepted for each (compared after :func:`header_key`)."""


class RosterError(ValueError):
    """A roster that cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Student:
    name: str
    student_id: str = ""
    email: str = ""
    login: str = ""
    section: str = ""
    canvas_id: str = ""

    @property
    def key(self) -> str:
        """The identifier used in reports: the student id, else the login, else the email."""
        return self.student_id or self.login or self.email


def header_key(header: str) -> str:
    return re.sub(r"[\s_\-]+", " ", header.strip().lower())


def read_roster(path: Path) -> list[Student]:
    """The students of a roster CSV; :class:`RosterError` if it cannot be used."""
    try:
        text = Path(path).read_text(ENCODING)
    except UnicodeDecodeError:
        raise RosterError(f"{path}: not UTF-8 text; save the roster as 'CSV UTF-8'") from None
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise RosterError(f"{path}: the roster is empty")
    accepted = {header_key(alias): column for column, aliases in ROSTER_COLUMNS.items()
                for alias in aliases}
    where: dict[str, int] = {}
    for i, title in enumerate(header):
        column = accepted.get(header_key(title))
        if column is not None and column not in where:
            where[column] = i
    if "name" not in where:
        raise RosterError(f"{path}: no 'name' column (the header row has: {', '.join(header)})")
    if not {"student_id", "email", "login"} & set(where):
        raise RosterError(f"{path}: needs a 'student_id', 'email' or 'login' column to identify "
                          "students in the LMS")
    students = []
    for line, values in enumerate(reader, 2):
        if not any(v.strip() for v in values):
            continue
        cell = {c: values[i].strip() if i < len(values) else "" for c, i in where.items()}
        student = Student(**{c: cell.get(c, "") for c in ROSTER_COLUMNS})
        if not student.name:
            raise RosterError(f"{path}, line {line}: no name")
        if not (student.student_id or student.email or student.login):
            raise RosterError(f"{path}, line {line}: {student.name} has no student id, email or "
                              "login")
        students.append(student)
    for column in ("student_id", "email", "login", "canvas_id"):
        seen: dict[str, str] = {}
        for s in students:
            value = getattr(s, column).lower()
            if value and value in seen:
                raise RosterError(f"{path}: {seen[value]} and {s.name} share the {column} "
                                  f"{getattr(s, column)!r}")
            seen[value] = s.name
    return students


# -- matching files to students ----------------------------------------------------------------
FOLD = str.maketrans({"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe",
                      "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "ı": "i",
                      "ß": "ss"})


def fold(text: str) -> str:
    """Lower-case ASCII: accents removed ("Zoë Müller" -> "zoe muller")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(FOLD))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.casefold().encode("ascii", "ignore").decode()


def words(text: str) -> list[str]:
    """The words of ``text``, folded, with letters and digits apart ("s1001" -> s, 1001)."""
    return re.findall(r"[a-z]+|[0-9]+", fold(text))


def contains(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    """True if ``needle`` is a run of consecutive words of ``haystack``."""
    n = len(needle)
    return n > 0 and any(list(haystack[i:i + n]) == list(needle)
                         for i in range(len(haystack) - n + 1))


def match_level(file_name: str, student: Student) -> int:
    """How strongly a file name points to a student: 4 (an id) down to 1 (run-together name),
    0 for no match."""
    found = words(file_name)  # the extension adds a word ("ipynb") that no one is called
    if any(contains(found, words(i)) for i in (student.student_id, student.canvas_id)
           if words(i)):
        return 4
    local = student.email.split("@")[0]
    if any(contains(found, words(i)) for i in (student.login, local) if words(i)):
        return 3
    name = words(student.name)
    if name and all(w in found for w in name):
        return 2
    joined = "".join(found)
    runs = ["".join(name), "".join(name[1:] + name[:1]), "".join(name[-1:] + name[:-1])]
    if any(len(r) >= 6 and r in joined for r in runs):
        return 1
    return 0


@dataclass
class Matching:
    """Which file belongs to which student, and what could not be matched."""

    by_file: dict[str, Student] = field(default_factory=dict)
    unmatched: dict[str, str] = field(default_factory=dict)
    """file -> why it was not matched"""
    missing: list[Student] = field(default_factory=list)
    """students with no file"""
    several: dict[str, list[str]] = field(default_factory=dict)
    """student key -> their files, when there is more than one"""

    def report(self) -> list[str]:
        students = len({s.key for s in self.by_file.values()})
        lines = [f"roster: {count(len(self.by_file), 'file')} matched to "
                 f"{count(students, 'student')}; {count(len(self.unmatched), 'file')} unmatched; "
                 f"{count(len(self.missing), 'student')} submitted nothing"]
        lines += [f"  unmatched file: {name} ({why})" for name, why in self.unmatched.items()]
        lines += [f"  no submission: {s.name} ({s.key})" for s in self.missing]
        lines += [f"  several files for one student: {key}: {', '.join(files)} (the best "
                  "total goes to the LMS)" for key, files in self.several.items()]
        return lines


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def match(files: Iterable[str], roster: Sequence[Student]) -> Matching:
    """Match submitted file names to the roster (see the module's docstring)."""
    result = Matching()
    for name in files:
        levels = [(match_level(name, s), s) for s in roster]
        best = max((level for level, _ in levels), default=0)
        if best == 0:
            result.unmatched[name] = "no student's id, login, email or name in the file name"
            continue
        candidates = [s for level, s in levels if level == best]
        if len(candidates) > 1:
            result.unmatched[name] = ("ambiguous: it could be "
                                      + " or ".join(s.name for s in candidates))
            continue
        result.by_file[name] = candidates[0]
    matched: dict[str, list[str]] = {}
    for name, student in result.by_file.items():
        matched.setdefault(student.key, []).append(name)
    result.missing = [s for s in roster if s.key not in matched]
    result.several = {k: v for k, v in matched.items() if len(v) > 1}
    return result


# -- untouched notebooks -----------------------------------------------------------------------
def _source(cell: Mapping) -> str:
    source = cell.get("source", "")
    return ("".join(source) if isinstance(source, list) else str(source)).strip()


def untouched(cells: Sequence[Mapping], released: Sequence[Mapping],
              answer_cells: Iterable[str]) -> bool:
    """True if no answer of a submission differs from the notebook handed out: every answer
    cell (by id) has its handed-out text. Without cell ids (another editor dropped them), the
    whole list of cell texts must be the handed-out one. Outputs never count: a notebook that
    was only run is still untouched."""
    given = {c.get("id"): _source(c) for c in released if c.get("id")}
    mine = {c.get("id"): _source(c) for c in cells if c.get("id")}
    ids = [i for i in answer_cells if i in given]
    if ids and all(i in mine for i in ids):
        return all(mine[i] == given[i] for i in ids)
    return [(c.get("cell_type"), _source(c)) for c in cells] == [
        (c.get("cell_type"), _source(c)) for c in released]


# -- the marking sheet (written answers) -------------------------------------------------------
WRITTEN_COLUMNS = ["submission", "question", "possible", "points", "answer"]


@dataclass
class Marks:
    """The written answers' points, merged from the previous marking sheet."""

    rows: list[dict[str, str]]
    kept: int = 0
    """hand-entered marks carried over from the previous sheet"""
    orphans: list[dict[str, str]] = field(default_factory=list)
    """marks whose submission or question is gone from this grading (kept in the backup)"""
    backup: Path | None = None
    extra_columns: list[str] = field(default_factory=list)
    problems: dict[tuple[str, str], str] = field(default_factory=dict)

    def points(self, submission: str, question: str) -> float | None:
        """The valid points entered for an answer, or None (not marked, or not a number)."""
        for row in self.rows:
            if row["submission"] == submission and row["question"] == question:
                return parse_points(row.get("points", ""), float(row["possible"]))
        return None

    def answer(self, submission: str, question: str) -> str:
        for row in self.rows:
            if row["submission"] == submission and row["question"] == question:
                return row.get("answer", "").strip()
        return ""

    def report(self) -> list[str]:
        lines = [f"written answers: {count(self.kept, 'hand-entered mark')} kept from the "
                 "previous marking sheet" + (f" (backup: {self.backup})" if self.backup else "")]
        lines += [f"  mark for a submission no longer graded: {r['submission']} {r['question']} "
                  f"= {r['points']} (only in the backup)" for r in self.orphans]
        lines += [f"  not counted: {s} {q}: {why}" for (s, q), why in self.problems.items()]
        return lines


def parse_points(text: str, possible: float) -> float | None:
    """Points typed by the instructor: a number from 0 to ``possible`` (a decimal comma is
    fine), else None."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0 <= value <= possible and math.isfinite(value) else None


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding=ENCODING) as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def merge_marks(fresh: Sequence[dict[str, str]], previous: Path,
                now: datetime | None = None) -> Marks:
    """The new marking sheet: ``fresh`` rows (submission, question, possible, points empty,
    answer) with the points and any extra columns (comments) the instructor entered in the
    ``previous`` sheet, matched by submission and question. If there is a previous sheet, it is
    first copied to ``backups/written_answers-<UTC time>.csv`` beside it."""
    marks = Marks([dict(r) for r in fresh])
    if not previous.is_file():
        return marks
    header, old = read_csv(previous)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S.%fZ")
    backup = previous.parent / "backups" / f"{previous.stem}-{stamp}{previous.suffix}"
    backup.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(previous, backup)
    marks.backup = backup
    marks.extra_columns = [h for h in header if h and h not in WRITTEN_COLUMNS]
    by_key = {(r["submission"], r["question"]): r for r in marks.rows}
    for row in old:
        key = (row.get("submission", ""), row.get("question", ""))
        entered = {c: (row.get(c) or "") for c in ["points", *marks.extra_columns]}
        if not any(v.strip() for v in entered.values()):
            continue
        if key not in by_key:
            marks.orphans.append({"submission": key[0], "question": key[1],
                                  "points": entered["points"]})
            continue
        by_key[key].update(entered)
        if entered["points"].strip():
            marks.kept += 1
    for row in marks.rows:
        text = row.get("points", "").strip()
        if text and parse_points(text, float(row["possible"])) is None:
            marks.problems[(row["submission"], row["question"])] = (
                f"{text!r} is not a number from 0 to {row['possible']}")
    return marks


# -- the grades table --------------------------------------------------------------------------
class Graded(Protocol):
    """What the grader gives per submission (``grading.Row``)."""

    submission: str
    status: str

    @property
    def scores(self) -> dict[str, float]: ...


def fmt(x: float) -> str:
    return f"{x:g}" if float(x).is_integer() else f"{x:.2f}"


STUDENT_COLUMNS = ["student", "student_id", "email", "login"]


def grades_table(rows: Sequence[Graded], auto: Sequence[tuple[str, float]],
                 manual: Sequence[tuple[str, float]], marks: Marks,
                 statuses: Mapping[str, str], matching: Matching | None
                 ) -> tuple[list[str], list[list[str]]]:
    """``grades.csv``: one row per file (and, with a roster, one per student who submitted
    nothing): student columns, the points per auto-graded and per written question, ``total``
    (both together), ``possible``, ``percentage``, ``status`` and ``marking`` (what is still to
    mark by hand, or why a mark does not count)."""
    header = ["submission", *STUDENT_COLUMNS, *(q for q, _ in auto), *(q for q, _ in manual),
              "total", "possible", "percentage", "status", "marking"]
    possible = sum(p for _, p in auto) + sum(p for _, p in manual)
    table = []
    for row in rows:
        student = matching.by_file.get(row.submission) if matching else None
        who = ([student.name, student.student_id, student.email, student.login] if student
               else ["", "", "", ""])
        written = {q: marks.points(row.submission, q) for q, _ in manual}
        total = sum(row.scores.get(q, 0.0) for q, _ in auto) + sum(
            v for v in written.values() if v is not None)
        answered = {q for q, _ in manual if marks.answer(row.submission, q)}
        todo = [q for q, v in written.items() if v is None and q in answered]
        notes = []
        if matching is not None and student is None:
            notes.append("not on the roster: " + matching.unmatched.get(row.submission, ""))
        wrong = [q for q in todo if (row.submission, q) in marks.problems]
        if wrong:
            notes.append("mark not counted (not a number in range): " + ", ".join(wrong))
        if todo:
            notes.append("to mark: " + ", ".join(todo))
        status = statuses.get(row.submission, row.status)
        blank = [q for q, v in written.items() if v is None and q not in answered]
        if blank and status.startswith(("ok", "graded")):
            notes.append("no written answer: " + ", ".join(blank))
        table.append([row.submission, *who, *(fmt(row.scores.get(q, 0.0)) for q, _ in auto),
                      *("" if v is None else fmt(v) for v in written.values()), fmt(total),
                      fmt(possible), f"{100 * total / possible:.1f}",
                      status, "; ".join(notes)])
    for student in matching.missing if matching else []:
        table.append(["", student.name, student.student_id, student.email, student.login,
                      *("" for _ in auto), *("" for _ in manual), "0", fmt(possible), "0.0",
                      NO_SUBMISSION, ""])
    return header, table


# -- LMS exports -------------------------------------------------------------------------------
# Canvas: "Grades > Import" takes a CSV whose first columns are Student, ID, SIS User ID,
# SIS Login ID and Section, followed by one column per assignment, named as in Canvas (a new
# name makes a new assignment); a student is found by one of the ID columns. See the Canvas
# guide "How do I import grades in the Gradebook?", summarised with its column list by Ohio
# State's "Import a CSV file to Carmen Grades"
# (https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades).
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
# Moodle: "Grades > Import > CSV file" maps one column of the file to a user field ("Map from"
# a column, "Map to" useremail, username or useridnumber) and the others to grade items; see
# MoodleDocs "Grade import" (https://docs.moodle.org/311/en/Grade_import). The headers below
# are those of Moodle's own grade export, so that the mapping is found at a glance.
MOODLE_COLUMNS = ["Full name", "ID number", "Username", "Email address"]


def best_by_student(grades: Sequence[Mapping[str, str]], matching: Matching
                    ) -> dict[str, Mapping[str, str]]:
    """Each roster student's row of grades.csv; with several files, the best total."""
    best: dict[str, Mapping[str, str]] = {}
    for row in grades:
        student = matching.by_file.get(row["submission"])
        if student is None:
            continue
        held = best.get(student.key)
        if held is None or float(row["total"]) > float(held["total"]):
            best[student.key] = row
    return best


def lms_exports(grades: Sequence[Mapping[str, str]], roster: Sequence[Student],
                matching: Matching, title: str, out: Path) -> dict[str, Path]:
    """``canvas.csv`` and ``moodle.csv``: one row per roster student, the total points
    (written ones included) in a column named ``title``. A student with no submission gets an
    empty cell (both LMSs leave it ungraded, so late work can still come in)."""
    best = best_by_student(grades, matching)
    paths = {"canvas": out / "canvas.csv", "moodle": out / "moodle.csv"}
    canvas, moodle = [], []
    for s in roster:
        row = best.get(s.key)
        score = row["total"] if row else ""
        canvas.append([s.name, s.canvas_id, s.student_id, s.login or s.email, s.section, score])
        moodle.append([s.name, s.student_id, s.login, s.email, score])
    write(paths["canvas"], [*CANVAS_COLUMNS, title], canvas)
    write(paths["moodle"], [*MOODLE_COLUMNS, title], moodle)
    return paths


def write(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A CSV file in UTF-8 with a BOM (see :data:`ENCODING`)."""
    with open(path, "w", newline="", encoding=ENCODING) as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
