"""Grade a folder of submitted workbook notebooks on this machine, without Docker.

``make grade SUBMISSIONS=folder`` (or ``python tools/grade.py folder``) writes, next to the
folder (``folder-grades/``, so that students' work and marks stay wherever the instructor keeps
them, outside the repository):

- ``grades.csv``: one row per file in the folder (and, with ``--roster``, per student who
  handed in nothing), the student's name and ids, a column per auto-graded question (public and
  hidden tests together) and per written one, ``total``, ``possible``, ``percentage``, a
  ``status`` that says in words what went wrong, if anything ("not attempted" for a notebook
  handed in untouched), and ``marking`` (what is left to mark by hand);
- ``feedback.csv``: per submission and question, the points, whether the public and the hidden
  tests passed, and the friendly message of the exercise check;
- ``written_answers.csv``: the open-ended answers, one row per submission and question, with a
  ``points`` column to fill in with the rubric of the instructor guide (kept when grading again;
  see :mod:`teamsim.instructor.gradebook`);
- with ``--roster``, ``canvas.csv`` and ``moodle.csv`` for the LMS gradebook imports, and in any
  case ``report.txt`` (files matched, students missing, marks kept);
- for the capstone, ``policies.csv`` and ``policy_weeks.csv``: each student's policy run on the
  shared scenarios, which the class debrief reads.

How a submission is graded, and why this way
--------------------------------------------
The tests are otter-grader's: the grading bundle that ``make workbook`` writes to
``grading/NAME/`` holds each question's test file (the public test students see and the hidden
ones), and otter's own ``OKTestFile`` runs them against the notebook's variables, so points
are counted exactly as ``otter run`` and Gradescope count them. What runs the notebook is a small
runner of ours rather than ``otter run``, because on this offline machine ``otter run``:

- has no time limit at all, so one endless loop would stop the whole class's grading;
- raises a traceback on a damaged or foreign file instead of giving a row with a reason;
- runs the live dashboards too, and took about 16 s per capstone submission here, so sixty would
  take about eight minutes on two cores (the goal is five).

Each submission gets its own worker process (this file run as a script, so that the worker does
not import the course's plotting stack), and the worker never runs the submission's code. That
runs only in a sandbox (:mod:`teamsim.instructor.sandbox`: bubblewrap, no network, a private
scratch folder as the only writable place, no view of the repository, the grading bundles, the
other submissions or other sandboxes; limits on memory, CPU time, processes, file size and
output), where :mod:`teamsim.instructor.runner` runs the code cells in an IPython shell. Every
cell has a time limit: a cell that runs over is interrupted and the rest of the notebook still
runs, so an endless loop costs only the points that depend on it; a cell that will not stop
even when interrupted ends the run. A cell that raises is recorded and the run goes on, as in
JupyterLab's "Run All" with errors allowed. The worker has a hard limit as well; past it the
worker and its sandbox are killed and the row says so.

**Hidden tests never run in a process the submission's code has touched.** The sandbox hands
out the graded answers as data (numbers, text, lists, dicts, numpy arrays, pandas tables; never
pickles), and the worker runs otter's test files on a namespace rebuilt from that data. A policy
(the capstone's ``my_policy``) stays in the sandbox: the worker runs the simulation itself and
asks it, over a pipe, for each week's style from what a manager can see
(:class:`~teamsim.instructor.sandbox.SandboxPolicy`). What a notebook prints is kept
(truncated) beside the feedback, and the grading bundle is hashed before and after a run; a
change is an error.

Two submissions are graded at a time (``--jobs``), each held to one BLAS thread, which suits
a 2-core machine, and to ``--memory-gb`` of memory. Cells that only draw a live dashboard
(``dashboard.Name(...)``) are skipped: nothing graded depends on them and they take half of a
capstone's running time; so are cells that only show a check's feedback (``check("name")``),
which the worker runs itself. With that, 300 capstone submissions took 793 s here, each in
its sandbox, two at a time (``make bench-grade`` on 2026-12-01 on this 2-core machine with
nothing else running, load average 2.3 at the start): 5.1 s per submission at the median,
6.5 s at the 95th percentile, 22.7 submissions per minute, within the 15-minute goal. An
earlier run while other jobs kept the load average near 20 took 2549 s: a busy machine is
three times slower, which is when to grade in parts (``--part``, ``--combine``).

Where bubblewrap cannot run, grading refuses, naming the alternatives (otter's Docker route,
Gradescope), unless ``--unsafe-no-sandbox`` is given: then the notebooks run unconfined, with
the instructor's permissions, and only the hidden tests stay out of their reach.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from queue import Queue
from typing import TYPE_CHECKING

from teamsim.analysis.measures import capstone_year
from teamsim.course.book import REPO
from teamsim.course.checks import EXERCISES, Feedback, check
from teamsim.instructor import gradebook
from teamsim.instructor.sandbox import FILE_SIZE_MB, PROCESSES, SANDBOX_UID

if TYPE_CHECKING:  # the worker imports nbformat only when it needs it
    from nbformat import NotebookNode

ROOT = REPO
"""The course's checkout: the workbook sources and the grading bundles are found there."""
GRADING = ROOT / "grading"
JOBS = 2
SUBMISSION_TIMEOUT_S = 300
CELL_TIMEOUT_S = 60
MEMORY_GB = 4
"""Address space allowed to a submission's sandbox (``--memory-gb``): a cell that asks for more
gets a MemoryError instead of starving the machine (the course's notebooks need well under
1 GB)."""
STUCK_PROBE_S = 10
"""Seconds a cell that ran over has to stop once interrupted, before the run is ended."""
PLACEHOLDER = "_Type your answer here, replacing this text._"
SLOW_OPTIONAL = "rfc3987_syntax"
"""An optional helper of jsonschema (imported by nbformat and by Altair) that takes over a
second to import and only checks the syntax of URIs, which grading never needs: the worker and
the kernels skip it, which saves about a quarter of the time per submission."""
KERNEL_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "PYDEVD_DISABLE_FILE_VALIDATION": "1"}

CAPSTONE = "06_capstone"


# -- the grading bundle ------------------------------------------------------------------------
@dataclass(frozen=True)
class Question:
    name: str
    manual: bool
    points: float
    public: float
    hidden: float
    variables: tuple[str, ...]
    answer_cells: tuple[str, ...]
    check_cells: tuple[str, ...]


@dataclass(frozen=True)
class Bundle:
    """A grading bundle written by ``make workbook``: tests, points and the graded cells."""

    name: str
    path: Path
    questions: tuple[Question, ...]
    source_sha256: str

    @classmethod
    def load(cls, name: str, grading_dir: Path = GRADING) -> Bundle:
        path = Path(grading_dir) / name
        manifest = path / "bundle.json"
        if not manifest.is_file():
            raise SystemExit(f"There is no grading bundle for {name} in {path}: run "
                             "`make workbook` (it writes the student notebooks and the grading "
                             "bundles).")
        info = json.loads(manifest.read_text("utf-8"))
        questions = tuple(Question(
            name=q["name"], manual=q["manual"], points=q["points"], public=q["public"],
            hidden=q["hidden"], variables=tuple(q["variables"]),
            answer_cells=tuple(q["answer_cells"]), check_cells=tuple(q["check_cells"]))
            for q in info["questions"])
        return cls(name, path, questions, info["source_sha256"])

    @property
    def auto(self) -> list[Question]:
        return [q for q in self.questions if not q.manual]

    @property
    def manual(self) -> list[Question]:
        return [q for q in self.questions if q.manual]

    @property
    def possible(self) -> float:
        return sum(q.points for q in self.auto)

    def test_file(self, question: Question) -> Path:
        return self.path / "tests" / f"{question.name}.py"

    def stale(self, root: Path = ROOT) -> bool:
        """True if the workbook source changed since this bundle was written."""
        import hashlib

        source = root / "workbook" / f"{self.name}.md"
        return source.is_file() and hashlib.sha256(source.read_bytes()).hexdigest() != \
            self.source_sha256


def assignments(grading_dir: Path = GRADING) -> list[str]:
    return sorted(p.parent.name for p in Path(grading_dir).glob("*/bundle.json"))


# -- reading a submission ----------------------------------------------------------------------
class NotGradable(Exception):
    """A submission that cannot be graded at all; the message says why, in words."""


def kind_of_file(data: bytes) -> str:
    """What a file that is not a notebook looks like, for the status."""
    starts = {b"%PDF": "a PDF document", b"PK\x03\x04": "a zip archive (a Word or Excel file?)",
              b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
              b"\xd0\xcf\x11\xe0": "an old Office document", b"{\\rtf": "a rich-text document"}
    for magic, kind in starts.items():
        if data.startswith(magic):
            return kind
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "binary data"
    if re.search(r"^\s*(def |import |from \S+ import )", text, re.M):
        return "a Python script, not a notebook"
    return "plain text"


def read_submission(path: Path) -> NotebookNode:
    """The submission as an nbformat v4 notebook, or :class:`NotGradable` with the reason."""
    import nbformat

    data = path.read_bytes()
    if not data.strip():
        raise NotGradable("the file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotGradable(f"not a Jupyter notebook: the file is {kind_of_file(data)}") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        if text.lstrip().startswith("{"):
            raise NotGradable(f"the notebook file is damaged: its JSON breaks off or is invalid "
                              f"at line {exc.lineno}, column {exc.colno} ({exc.msg}); ask the "
                              "student for a fresh copy (File > Download)") from None
        raise NotGradable(f"not a Jupyter notebook: the file is {kind_of_file(data)}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        raise NotGradable("not a Jupyter notebook: valid JSON, but it has no list of cells")
    if raw.get("nbformat") != 4:
        return rebuilt(raw)
    try:
        return nbformat.reads(text, as_version=4)
    except Exception:  # not quite valid (another editor's quirks?): keep what can be kept
        return rebuilt(raw)


def rebuilt(raw: dict) -> NotebookNode:
    """A notebook made again from the cells of a not-quite-valid one; :class:`NotGradable` if
    a cell has no proper type or text."""
    from nbformat import v4

    makers = {"code": v4.new_code_cell, "markdown": v4.new_markdown_cell, "raw": v4.new_raw_cell}
    cells = []
    for i, cell in enumerate(raw["cells"], 1):
        kind = cell.get("cell_type") if isinstance(cell, dict) else None
        source = cell.get("source") if isinstance(cell, dict) else None
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if kind not in makers or not isinstance(source, str):
            raise NotGradable(f"the notebook's structure is damaged: cell {i} has no proper "
                              "type or text")
        new = makers[kind](source)
        if isinstance(cell.get("metadata"), dict):
            new.metadata = cell["metadata"]
        if isinstance(cell.get("id"), str):
            new.id = cell["id"]
        cells.append(new)
    metadata = raw.get("metadata") if isinstance(raw.get("metadata"), dict) else {}
    return v4.new_notebook(cells=cells, metadata=metadata)


def assignment_of(nb: NotebookNode) -> str | None:
    return nb.metadata.get("otter", {}).get("assignment_name")


def python_of(source: str) -> str:
    """A cell's source as plain Python (IPython magics turned into calls)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


class _Defined(ast.NodeVisitor):
    """Names a cell binds at the top level of the notebook (not inside functions)."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store):
            self.names.add(node.id)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.names.add(node.name)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.names.add(node.name)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        return

    def visit_alias(self, node: ast.alias) -> None:
        self.names.add(node.asname or node.name.split(".")[0])


def defined_names(sources: Iterable[str]) -> set[str]:
    found = _Defined()
    for source in sources:
        try:
            found.visit(ast.parse(python_of(source)))
        except SyntaxError:
            continue
    return found.names


def is_dashboard(source: str) -> bool:
    """True for a cell that only builds a live dashboard: ``dashboard.Name(...)``."""
    try:
        tree = ast.parse(source.strip())
    except SyntaxError:
        return False
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return False
    call = tree.body[0].value
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name) and call.func.value.id == "dashboard")


def is_check(source: str) -> bool:
    """True for a cell that only shows an exercise check's feedback: ``check("name")``, after
    at most the import of ``check`` itself. The grader runs the same check itself, outside the
    sandbox, for the points and the message."""
    try:
        body = ast.parse(source.strip()).body
    except SyntaxError:
        return False
    if len(body) == 2 and isinstance(body[0], ast.ImportFrom):
        imported = body[0]
        if (imported.module != "teamsim.course.checks" or imported.level
                or [(a.name, a.asname) for a in imported.names] != [("check", None)]):
            return False
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.Expr):
        return False
    call = body[0].value
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            and call.func.id == "check" and len(call.args) == 1 and not call.keywords
            and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str))


def first_line(source: str, width: int = 40) -> str:
    line = next((s.strip() for s in source.splitlines() if s.strip()), "")
    return line if len(line) <= width else line[:width - 3] + "..."


def names(items: Sequence[str]) -> str:
    quoted = [f"`{i}`" for i in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def structure_problems(nb: NotebookNode, bundle: Bundle) -> list[str]:
    """Graded cells that were deleted, or answers whose name was changed, in words.

    An answer left as it was handed out (still ``...``) is not a problem, only unanswered: its
    points say so."""
    by_id = {cell.get("id"): cell for cell in nb.cells}
    code = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    defined = defined_names(code)
    needed: dict[str, list[Question]] = {}
    for q in bundle.auto:
        for variable in q.variables:
            needed.setdefault(variable, []).append(q)
    problems = []
    for variable, questions in needed.items():
        if variable in defined:
            continue
        cells = [c for q in questions for c in q.answer_cells]
        gone = [c for c in cells if c not in by_id]
        if not gone and any(re.fullmatch(r"\s*\.\.\.\s*", by_id[c].source) for c in cells):
            continue
        how = "the cell that defined it was deleted" if gone else "renamed or removed?"
        problems.append(f"no cell defines `{variable}` ({how}), needed by "
                        + ", ".join(q.name for q in questions))
    for q in bundle.auto:
        calls = [s for s in code if re.search(rf"check\(\s*['\"]{re.escape(q.name)}['\"]", s)]
        if q.check_cells and not any(c in by_id for c in q.check_cells) and not calls:
            problems.append(f"the check cell of {q.name} was deleted (graded all the same)")
    return problems


def written_answers(nb: NotebookNode, bundle: Bundle) -> dict[str, str]:
    """The open-ended answers: the Markdown between each question's markers, in order."""
    blocks: list[str] = []
    inside: list[str] | None = None
    for cell in nb.cells:
        if "<!-- BEGIN QUESTION -->" in cell.source:
            inside = []
            continue
        if "<!-- END QUESTION -->" in cell.source:
            if inside is not None:
                blocks.append("\n\n".join(inside).strip())
            inside = None
            continue
        if inside is not None and cell.cell_type == "markdown":
            inside.append(cell.source.replace(PLACEHOLDER, "").strip())
    return {q.name: text for q, text in zip(bundle.manual, blocks)}


# -- the trusted side: tests on the answers handed out -------------------------------------------
def run_test(test_path: str, env: dict) -> dict:
    """Run one otter test file (public and hidden cases) on the answers rebuilt from the
    sandbox (never in a process the submission's code touched); the outcome, with the exercise
    check's message."""
    from otter.test_files import OKTestFile

    import teamsim.course.checks as checks

    given: dict[str, Feedback] = {}

    def remembered(name: str, namespace: Mapping[str, object] | None = None) -> Feedback:
        """The public test's check, kept for the message (a policy check runs simulations)."""
        if name not in given:
            given[name] = check(name, sys._getframe(1).f_globals if namespace is None
                                else namespace)
        return given[name]

    test = OKTestFile.from_file(test_path)
    checks.check = remembered
    try:
        test.run(dict(env))
    finally:
        checks.check = check
    cases = [(r.test_case.hidden, r.passed) for r in test.test_case_results]
    record = {"name": test.name, "score": test.score, "possible": test.possible,
              "public_passed": all(p for h, p in cases if not h),
              "hidden_passed": all(p for h, p in cases if h), "message": ""}
    try:
        if test.name in EXERCISES:
            feedback = given.get(test.name) or check(test.name, dict(env))
            record["message"] = f"{feedback.status}: {feedback.message}"
    except Exception as exc:  # the message is a courtesy; the points never depend on it
        record["message"] = f"(no message: {type(exc).__name__})"
    return record


def record_policy(env: dict) -> dict:
    """Run the capstone's ``my_policy`` on the shared scenarios and save what the debrief needs:
    year figures per scenario, and the style it chose week by week (mean over runs)."""
    policy = env.get("my_policy")
    record: dict[str, object] = {"summary": [], "weeks": []}
    if not callable(policy):
        record["problem"] = "no callable my_policy"
        return record
    try:
        rows, weeks = capstone_year(policy)
        record["summary"] = rows
        record["weeks"] = [{"week": int(r.week), "control": float(r.control),
                            "inspiration": float(r.inspiration)}
                           for r in weeks.itertuples()]
    except Exception as exc:
        record = {"summary": [], "weeks": [],
                  "problem": f"my_policy raised {type(exc).__name__}: {exc}"}
    return record


# -- the worker: one submission ----------------------------------------------------------------
@dataclass(frozen=True)
class Limits:
    """What one submission may use (see :mod:`teamsim.instructor.sandbox`)."""

    cell_timeout: float = CELL_TIMEOUT_S
    timeout: float = SUBMISSION_TIMEOUT_S
    memory_gb: float = MEMORY_GB
    uid: int = SANDBOX_UID
    unsafe: bool = False
    private: tuple[Path, ...] = ()

    def job(self) -> dict:
        limits = {"memory": int(self.memory_gb * 1024**3), "cpu": int(self.timeout) + 1,
                  "processes": PROCESSES, "file_size": FILE_SIZE_MB * 1024**2, "core": 0}
        if self.unsafe:  # outside a sandbox the process count is the whole user's: no cap
            del limits["processes"]
        return {"cell_timeout": self.cell_timeout, "probe": STUCK_PROBE_S,
                "uid": None if self.unsafe else self.uid, "sandboxed": not self.unsafe,
                "limits": limits}


WHY = [  # (words in an error, what the status adds)
    ("Network is unreachable", "there is no network while grading"),
    ("Temporary failure in name resolution", "there is no network while grading"),
    ("Read-only file system", "only the notebook's scratch folder can be written while grading"),
    ("Resource temporarily unavailable", f"a notebook may run at most {PROCESSES} processes"),
    ("File too large", f"files are limited to {FILE_SIZE_MB} MB while grading"),
    ("No such file or directory: '/", "the course's files, the grading bundle and other "
     "submissions are not there while grading"),
]


def explained(ename: str, evalue: str) -> str:
    text = f"raised {ename}: {first_line(evalue, 80)}"
    why = next((why for words, why in WHY if words in evalue), None)
    return f"{text} ({why})" if why else text


def grade_notebook(nb: NotebookNode, bundle: Bundle, limits: Limits) -> dict:
    """Run a readable submission in its sandbox, then grade the answers it hands out; never
    raises for the submission's sake (problems come back in words)."""
    from teamsim.instructor.sandbox import (
        CALLABLE,
        OUTPUT_KEEP,
        Sandbox,
        SandboxPolicy,
        Unreadable,
        decode,
    )

    problems = structure_problems(nb, bundle)
    student = [(i, c) for i, c in enumerate(nb.cells, 1) if c.cell_type == "code"
               and not is_dashboard(c.source) and not is_check(c.source)]
    labels = {i: f"cell {i} (`{first_line(c.source)}`)" for i, c in student}
    variables = sorted({v for q in bundle.auto for v in q.variables})
    job = {**limits.job(), "cells": [[i, c.source] for i, c in student], "variables": variables}
    try:
        sandbox = Sandbox(job, unsafe=limits.unsafe, private=limits.private)
    except Exception as exc:  # a sandbox that cannot start is a grader problem, reported as such
        return {"graded": False, "problems": [f"grader error: could not start the sandbox "
                                              f"({type(exc).__name__}: {exc})"]}
    errors: dict[int, tuple[str, str]] = {}
    stuck: int | None = None
    answers: dict = {}
    replaced: list[str] = []
    ended = False
    try:
        while True:
            event = sandbox.next_event(float("inf"))
            if event is None:
                ended = True
                break
            kind, cell = event.get("event"), event.get("cell")
            if kind == "cell" and isinstance(event.get("error"), list) and cell in labels:
                ename, evalue = (str(x) for x in [*event["error"], "", ""][:2])
                errors[cell] = (ename, evalue)
            elif kind == "stuck" and cell in labels:
                stuck = cell
            elif kind == "answers" and isinstance(event.get("answers"), dict):
                answers = event["answers"]
                replaced = [str(r) for r in event.get("replaced", [])][:5]
            elif kind == "ready":
                break
        env: dict[str, object] = {}
        policies: list[SandboxPolicy] = []
        for name in variables:
            if name not in answers:
                continue
            data = answers[name]
            if isinstance(data, dict) and data.get("t") in ("toolarge", "unreadable"):
                problems.append(f"`{name}` could not be handed to the grader "
                                f"({str(data.get('why'))[:80]}); it counts as not answered")
                continue
            try:
                value = decode(data)
            except (Unreadable, TypeError, ValueError, RecursionError) as exc:
                problems.append(f"`{name}` could not be read ({exc}); it counts as not answered")
                continue
            if value is CALLABLE:
                value = SandboxPolicy(name, sandbox)
                policies.append(value)
            env[name] = value
        tests: dict[str, dict] = {}
        policy: dict | None = None
        slow: list[str] = []
        for q in bundle.auto:
            with contextlib.ExitStack() as stack:
                for p in policies:
                    stack.enter_context(p.budget(limits.cell_timeout))
                tests[q.name] = run_test(str(bundle.test_file(q)), env)
            if any("took too long" in p.problem for p in policies) and not slow:
                slow.append(q.name)
        if bundle.name == CAPSTONE:
            with contextlib.ExitStack() as stack:
                for p in policies:
                    stack.enter_context(p.budget(limits.cell_timeout))
                policy = record_policy(env)
            if any("took too long" in p.problem for p in policies) and not slow:
                slow.append("the policy record")
        gone_early = ended and not answers
    finally:
        sandbox.stop()
    failures = []
    for index, (ename, evalue) in sorted(errors.items()):
        if ename == "timeout":
            failures.append(f"{labels[index]} ran for more than {limits.cell_timeout:g} s and "
                            "was stopped (an endless loop?)")
        else:
            failures.append(f"{labels[index]} {explained(ename, evalue)}")
    if len(failures) > 3:
        failures = [*failures[:3], f"and {len(failures) - 3} more cells failed after that"]
    problems += failures
    if stuck is not None:
        problems.append(f"{labels[stuck]} ran for more than {limits.cell_timeout:g} s and would "
                        "not stop even when interrupted; grading stopped there, so nothing after "
                        "it counts")
    elif gone_early:
        problems.append("Python stopped while running the notebook (out of memory or CPU time, "
                        "or a cell exits Python?); nothing after that point counts")
    for name in slow:
        problems.append(f"the tests of {name} ran for more than {limits.cell_timeout:g} s and "
                        "were stopped (does the policy loop?); the tests after it could not ask "
                        "the policy")
    if replaced:
        problems.append("the notebook replaced the course's own code (" + ", ".join(replaced)
                        + "); grading never uses the notebook's copy, so that changed nothing")
    output = sandbox.output()
    for stream in ("stdout", "stderr"):
        if output[f"{stream}_bytes"] > OUTPUT_KEEP:
            problems.append(f"the notebook wrote {output[f'{stream}_bytes'] / 1e6:.1f} MB to its "
                            f"{'output' if stream == 'stdout' else 'errors'}; the first "
                            f"{OUTPUT_KEEP // 1000} kB are kept beside the feedback")
    return {"graded": True, "problems": problems, "tests": tests, "policy": policy,
            "written": written_answers(nb, bundle), "output": output}


def work(path: Path, bundle: Bundle, limits: Limits) -> dict:
    """Grade one file: read it, check it is this assignment, run it."""
    start = time.perf_counter()
    try:
        nb = read_submission(path)
        other = assignment_of(nb)
        if other and other != bundle.name:
            raise NotGradable(f"this is the notebook of {other}, not {bundle.name}")
        outcome = grade_notebook(nb, bundle, limits)
    except NotGradable as reason:
        outcome = {"graded": False, "problems": [str(reason)]}
    outcome["seconds"] = round(time.perf_counter() - start, 1)
    return outcome


# -- the parent: a folder ----------------------------------------------------------------------
@dataclass
class Row:
    """One submission's outcome."""

    submission: str
    scores: dict[str, float] = field(default_factory=dict)
    status: str = "ok"
    feedback: list[dict] = field(default_factory=list)
    written: dict[str, str] = field(default_factory=dict)
    policy: dict | None = None
    seconds: float = 0.0
    output: dict | None = None
    """What the notebook printed in its sandbox (the first bytes of each stream)."""
    wall_seconds: float = 0.0
    """Seconds from the start of its worker to its row, as the parent saw them."""

    @property
    def total(self) -> float:
        return sum(self.scores.values())


def submissions_in(folder: Path) -> list[tuple[str, Path | None, str]]:
    """(name, file to grade or None, why not) for every entry of ``folder``.

    A sub-folder holding exactly one notebook is graded under the sub-folder's name (some
    learning platforms download one folder per student)."""
    entries: list[tuple[str, Path | None, str]] = []
    for entry in sorted(Path(folder).iterdir()):
        if entry.name.startswith(".") or entry.name.endswith("~"):
            continue
        if entry.is_dir():
            inside = [p for p in entry.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts]
            if len(inside) == 1:
                entries.append((entry.name, inside[0], ""))
            else:
                entries.append((entry.name, None, f"a folder holding {len(inside)} notebooks, "
                                "not one: grade the right one by itself"))
        else:
            entries.append((entry.name, entry, ""))
    return entries


def guess_assignment(files: Iterable[Path], known: Sequence[str]) -> str:
    """The assignment most submissions say they are (notebook metadata, else file names)."""
    votes: Counter[str] = Counter()
    for path in files:
        try:
            name = assignment_of(read_submission(path))
        except (NotGradable, OSError):
            name = None
        name = name or next((k for k in known if k in path.name), None)
        if name is not None and name in known:
            votes[name] += 1
    if not votes:
        raise SystemExit("Could not tell which assignment these submissions are: pass "
                         f"--assignment, one of {', '.join(known) or '(none: run make workbook)'}.")
    return votes.most_common(1)[0][0]


def worker_env() -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    return {**os.environ, **KERNEL_ENV, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def kill(pid: int) -> None:
    """Kill a process group (a worker's, with its sandbox: bwrap stays in the worker's group,
    and everything inside dies with it)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def run_worker(name: str, path: Path, bundle_name: str, grading_dir: Path,
               limits: Limits) -> Row:
    """Grade one file in its own process; whatever happens, return a row."""
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        tmp_path = Path(tmp)
        result = tmp_path / "result.json"
        cmd = [sys.executable, "-P", str(Path(__file__).resolve()), "--worker", str(path.resolve()),
               "--assignment", bundle_name, "--grading-dir", str(grading_dir),
               "--cell-timeout", str(limits.cell_timeout), "--timeout", str(limits.timeout),
               "--memory-gb", str(limits.memory_gb), "--sandbox-uid", str(limits.uid),
               "--result", str(result), *(["--unsafe-no-sandbox"] if limits.unsafe else []),
               *(a for p in limits.private for a in ("--private", str(p)))]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=tmp, env=worker_env(), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            _, err = proc.communicate(timeout=limits.timeout)
        except subprocess.TimeoutExpired:
            kill(proc.pid)  # the worker and its sandbox
            proc.communicate()
            return Row(name, status=f"not graded: grading took longer than {limits.timeout:g} s "
                                    "and was stopped (an endless loop that ignores interrupts?)",
                       seconds=round(time.perf_counter() - start, 1))
        finally:
            kill(proc.pid)
        if not result.exists():
            last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            return Row(name, status=f"not graded: grader error (exit code {proc.returncode}): "
                                    f"{last[0][:200]}")
        return row_from(name, json.loads(result.read_text("utf-8")), Bundle.load(bundle_name,
                                                                                  grading_dir))


def row_from(name: str, outcome: dict, bundle: Bundle) -> Row:
    row = Row(name, seconds=outcome.get("seconds", 0.0))
    problems = outcome.get("problems", [])
    if not outcome.get("graded"):
        row.scores = {q.name: 0.0 for q in bundle.auto}
        row.status = "not graded: " + "; ".join(problems)
        return row
    tests = outcome.get("tests", {})
    for q in bundle.auto:
        record = tests.get(q.name)
        row.scores[q.name] = float(record["score"]) if record else 0.0
        row.feedback.append({
            "question": q.name, "points": row.scores[q.name], "possible": q.points,
            "public_passed": record["public_passed"] if record else False,
            "hidden_passed": record["hidden_passed"] if record else False,
            "message": record["message"] if record else "not tested (see the status)"})
    row.written = outcome.get("written", {})
    row.policy = outcome.get("policy")
    row.output = outcome.get("output")
    row.status = "ok" if not problems else "graded, but " + "; ".join(problems)
    return row


def clock(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``), as a progress line shows a duration."""
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def terminal_width() -> int:
    """Columns of the terminal stderr shows on; 0 when it is not a terminal (or has no size, as
    under a pseudo-terminal nobody sized)."""
    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns if sys.stderr.isatty() else 0
    except (OSError, ValueError):
        return 0


class Progress:
    """Counts, time spent and time left while a class is graded.

    With ``bar`` (the default when stderr is a terminal and the lines go to ``print``), a tqdm
    bar on stderr: done/total, elapsed and time left, and each submission's line written above
    it. Without (a log, CI, a caller's function), each submission's line ends with the count
    and the time left. Time left is the average so far (submissions done per second since the
    start, all workers together) applied to the submissions still to grade."""

    def __init__(self, total: int, write: Callable[[str], None] = print,
                 bar: bool | None = None) -> None:
        self.total, self.done, self.write = total, 0, write
        self.start = time.monotonic()
        self.lock = threading.Lock()  # the workers' threads report in turn
        self.bar = None
        if bar if bar is not None else (write is print and terminal_width() >= 40):
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=sys.stderr, unit="submission", smoothing=0,
                            dynamic_ncols=True, desc="grading", bar_format=(
                                "{desc} {n_fmt}/{total_fmt} {bar} {elapsed} elapsed, "
                                "{remaining} left"))

    def left(self) -> float:
        elapsed = time.monotonic() - self.start
        return elapsed / self.done * (self.total - self.done) if self.done else float("nan")

    def step(self, line: str) -> None:
        """One submission graded: ``line`` says how it went."""
        with self.lock:
            self.done += 1
            count = f"[{self.done}/{self.total}]"
            if self.bar is not None:
                self.bar.write(f"{count} {line}", file=sys.stdout)
                self.bar.update(1)
                return
            elapsed = time.monotonic() - self.start
            left = "done" if self.done == self.total else f"about {clock(self.left())} left"
            self.write(f"{count} {line} ({clock(elapsed)} elapsed, {left})")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class BundleChanged(SystemExit):
    """The grading bundle changed while a class was graded: its grades cannot be trusted."""


def grade_folder(folder: Path, assignment: str | None = None, jobs: int = JOBS,
                 timeout: float = SUBMISSION_TIMEOUT_S, cell_timeout: float = CELL_TIMEOUT_S,
                 grading_dir: Path = GRADING,
                 progress: Callable[[str], None] | None = print, memory_gb: float = MEMORY_GB,
                 unsafe_no_sandbox: bool = False,
                 part: tuple[int, int] | None = None) -> tuple[Bundle, list[Row]]:
    """Grade every file of ``folder``; one row each, sorted by name.

    With ``part=(k, n)``, only the k-th of n slices of the folder's sorted entries (see
    :func:`part_of`), so that n machines can share a class and :func:`combine` can put their
    results together.

    Refuses (SystemExit, with the alternatives) where the sandbox cannot run, unless
    ``unsafe_no_sandbox``; raises :class:`BundleChanged` if the grading bundle's files changed
    while the class was graded (compared by SHA-256 before and after)."""
    from teamsim.instructor import sandbox

    folder = Path(folder)
    if not folder.is_dir():
        raise SystemExit(f"{folder} is not a folder of submissions")
    entries = submissions_in(folder)
    if not entries:
        raise SystemExit(f"{folder} is empty: there is nothing to grade")
    name = assignment or guess_assignment([p for _, p, _ in entries if p],
                                          assignments(grading_dir))
    if part is not None:
        entries = part_of(entries, *part)
        if not entries:
            raise SystemExit(f"part {part[0]}/{part[1]} of {folder} is empty: there are fewer "
                             "files than parts")
    bundle = Bundle.load(name, grading_dir)
    if bundle.stale() and progress:
        progress(f"warning: workbook/{name}.md changed since its grading bundle was written; "
                 "run `make workbook` to grade against the current tests")
    private = tuple(Path(p).resolve() for p in (folder, grading_dir, ROOT / "grading",
                                                 ROOT / "workbook", ROOT / "notebooks"))
    if not unsafe_no_sandbox:
        reason = sandbox.problem(private)
        if reason:
            raise SystemExit(sandbox.refusal(reason))
    elif progress:
        progress("warning: --unsafe-no-sandbox: the notebooks' code runs with your permissions, "
                 "network and files; grade only submissions you trust this way")
    before = sandbox.fingerprint(bundle.path)
    if progress:
        progress(f"grading bundle {bundle.name}: {len(before)} files, fingerprint "
                 f"{sandbox.digest(before)[:16]}")
    slots: Queue[int] = Queue()
    base = SANDBOX_UID + (os.getpid() % 1000) * 32
    for slot in range(max(1, jobs)):
        slots.put(base + slot % 32)

    def one(entry: tuple[str, Path | None, str]) -> Row:
        label, path, why = entry
        uid = slots.get()
        start = time.perf_counter()
        try:
            if path is None:
                row = Row(label, {q.name: 0.0 for q in bundle.auto}, f"not graded: {why}")
            else:
                row = run_worker(label, path, name, grading_dir, Limits(
                    cell_timeout, timeout, memory_gb, uid, unsafe_no_sandbox, private))
        except Exception as exc:  # the run goes on: this row says what broke
            row = Row(label, {q.name: 0.0 for q in bundle.auto},
                      f"not graded: grader error ({type(exc).__name__}: {exc})")
        finally:
            slots.put(uid)
        row.wall_seconds = round(time.perf_counter() - start, 2)
        if counter:
            counter.step(f"{label}: {fmt(row.total)}/{fmt(bundle.possible)} in "
                         f"{row.seconds:.1f} s; {row.status}")
        return row

    counter = Progress(len(entries), progress) if progress else None
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            rows = list(pool.map(one, entries))
    finally:
        if counter:
            counter.close()
    after = sandbox.fingerprint(bundle.path)
    if after != before:
        raise BundleChanged(
            f"THE GRADING BUNDLE {bundle.path} CHANGED WHILE THE CLASS WAS GRADED ("
            + "; ".join(sandbox.changes(before, after)[:10]) + "): these grades cannot be "
            "trusted. Regenerate the bundle (make workbook) and grade again.")
    if progress:
        progress(f"grading bundle {bundle.name}: fingerprint {sandbox.digest(after)[:16]} "
                 "verified unchanged after grading")
    return bundle, sorted(rows, key=lambda r: r.submission)


def part_of(entries: Sequence[tuple[str, Path | None, str]], k: int, n: int
            ) -> list[tuple[str, Path | None, str]]:
    """The k-th (1 to n) of n slices of a folder's entries, sorted by name: entries
    ``(k-1)*len//n`` up to ``k*len//n``, so the n parts cover every file once, whatever the
    machine that lists the folder."""
    if not 1 <= k <= n:
        raise ValueError(f"part {k}/{n}: k must be from 1 to n")
    ordered = sorted(entries, key=lambda e: e[0])
    return ordered[(k - 1) * len(ordered) // n:k * len(ordered) // n]


# -- writing the results -----------------------------------------------------------------------
def fmt(x: float) -> str:
    return f"{x:g}" if float(x).is_integer() else f"{x:.2f}"


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]],
              bom: bool = False) -> None:
    """A CSV file in UTF-8; with ``bom``, a byte-order mark first, for Excel (the files an
    instructor opens: grades, feedback, written answers)."""
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def attempt_statuses(bundle: Bundle, rows: Sequence[Row], folder: Path,
                     released: Path | None = None) -> dict[str, str]:
    """Statuses that say "not attempted" for a graded notebook whose answers are all as handed
    out (compared with the released notebook, ``notebooks/NAME.ipynb`` by default)."""
    released = released or ROOT / "notebooks" / f"{bundle.name}.ipynb"
    if not released.is_file():
        return {}
    handed_out = read_submission(released).cells
    answers = [c for q in bundle.questions for c in q.answer_cells]
    paths = {name: path for name, path, _ in submissions_in(folder) if path is not None}
    statuses = {}
    for row in rows:
        path = paths.get(row.submission)
        if path is None or not (row.status == "ok" or row.status.startswith("graded")):
            continue
        try:
            cells = read_submission(path).cells
        except (NotGradable, OSError):
            continue
        if gradebook.untouched(cells, handed_out, answers):
            statuses[row.submission] = gradebook.NOT_ATTEMPTED
    return statuses


def write_results(bundle: Bundle, rows: Sequence[Row], out: Path, folder: Path | None = None,
                  roster: Path | None = None, released: Path | None = None,
                  title: str | None = None, part: tuple[int, int] | None = None,
                  statuses: Mapping[str, str] | None = None,
                  carried: Sequence[Path] = ()) -> dict[str, Path]:
    """Write the grades and the files beside them; return their paths by kind.

    With the submissions ``folder``, an untouched notebook's status says "not attempted";
    with a ``roster`` (see :mod:`teamsim.instructor.gradebook`), grades.csv names the students
    and ``canvas.csv`` and ``moodle.csv`` are written for the LMS, under ``title`` (default: the
    assignment's name). Points already entered in ``written_answers.csv`` are kept (the old
    sheet is backed up first) and counted in the totals; ``report.txt`` says what was kept and
    matched.

    ``graded.json`` keeps the rows themselves (with ``part``, which slice of the folder they
    are), for :func:`combine`; that is given the ``statuses`` the parts found and the marking
    sheets of the parts (``carried``), whose entered points seed the new sheet before the
    marks already in ``out`` are merged in (those win)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"grades": out / "grades.csv", "feedback": out / "feedback.csv",
             "written": out / "written_answers.csv", "report": out / "report.txt",
             "record": out / RECORD}
    students = gradebook.read_roster(roster) if roster else None
    matching = gradebook.match([r.submission for r in rows], students) if students else None
    if statuses is None:
        statuses = attempt_statuses(bundle, rows, folder, released) if folder else {}
    fresh = [{"submission": r.submission, "question": q.name, "possible": fmt(q.points),
              "points": "", "answer": r.written.get(q.name, "")}
             for r in rows for q in bundle.manual]
    extra = carry_marks(fresh, carried)
    marks = gradebook.merge_marks(fresh, paths["written"])
    marks.extra_columns += [c for c in extra if c not in marks.extra_columns]
    columns = [*gradebook.WRITTEN_COLUMNS, *marks.extra_columns]
    write_csv(paths["written"], columns, ([m.get(c, "") for c in columns] for m in marks.rows),
              bom=True)
    header, table = gradebook.grades_table(
        rows, [(q.name, q.points) for q in bundle.auto], [(q.name, q.points) for q in
                                                          bundle.manual],
        marks, statuses, matching)
    write_csv(paths["grades"], header, table, bom=True)
    write_csv(paths["feedback"], ["submission", "question", "points", "possible",
                                  "public_passed", "hidden_passed", "message"],
              ([r.submission, f["question"], fmt(f["points"]), fmt(f["possible"]),
                f["public_passed"], f["hidden_passed"], f["message"]]
               for r in rows for f in r.feedback), bom=True)
    if students is not None and matching is not None:
        records = [dict(zip(header, line)) for line in table]
        paths.update(gradebook.lms_exports(records, students, matching, title or bundle.name,
                                           out))
    report = [*(matching.report() if matching else []), *marks.report()]
    paths["report"].write_text("\n".join(report) + "\n", "utf-8")
    if bundle.name == CAPSTONE:
        paths.update(write_policies(rows, out))
    paths.update(write_outputs(rows, out))
    paths["record"].write_text(json.dumps({
        "assignment": bundle.name, "fingerprint": bundle_digest(bundle), "part": part,
        "statuses": dict(statuses), "rows": [asdict(r) for r in rows]}, indent=1), "utf-8")
    return paths


RECORD = "graded.json"
"""The rows of a grading run, beside its CSV files, which ``--combine`` reads."""


def bundle_digest(bundle: Bundle) -> str:
    from teamsim.instructor import sandbox

    return sandbox.digest(sandbox.fingerprint(bundle.path))


def carry_marks(fresh: Sequence[dict[str, str]], sheets: Sequence[Path]) -> list[str]:
    """Copy into ``fresh`` the points and extra columns (comments) entered in ``sheets`` (the
    parts' written_answers.csv), by submission and question; return the extra columns."""
    by_key = {(r["submission"], r["question"]): r for r in fresh}
    extra: list[str] = []
    for sheet in sheets:
        if not sheet.is_file():
            continue
        header, old = gradebook.read_csv(sheet)
        more = [h for h in header if h and h not in gradebook.WRITTEN_COLUMNS]
        extra += [c for c in more if c not in extra]
        for row in old:
            target = by_key.get((row.get("submission", ""), row.get("question", "")))
            if target is None:
                continue
            target.update({c: row.get(c) or "" for c in ["points", *more]
                           if (row.get(c) or "").strip()})
    return extra


def combine(parts: Sequence[Path], out: Path, grading_dir: Path = GRADING,
            roster: Path | None = None, title: str | None = None
            ) -> tuple[Bundle, list[Row], dict[str, Path]]:
    """Put together the results of grading runs (the ``--part`` slices of a folder, or
    folders graded on different machines or hub servers) into ``out``, as if the class had
    been graded at once: the same grades.csv, feedback.csv, written_answers.csv, policies and,
    with ``roster``, canvas.csv and moodle.csv. Refuses parts graded against another bundle
    than ``grading_dir``'s, a submission in two parts, and a split folder with parts missing.
    Marks entered in the parts' sheets are carried over; those already in ``out`` are kept."""
    records = []
    for folder in parts:
        path = Path(folder) / RECORD
        if not path.is_file():
            raise SystemExit(f"{folder} holds no {RECORD}: is it the --out folder of a grading "
                             "run (of this version of the grader)?")
        records.append((Path(folder), json.loads(path.read_text("utf-8"))))
    names = {r["assignment"] for _, r in records}
    if len(names) != 1:
        raise SystemExit(f"these parts grade different assignments: {', '.join(sorted(names))}")
    bundle = Bundle.load(names.pop(), grading_dir)
    digest = bundle_digest(bundle)
    other = [str(f) for f, r in records if r["fingerprint"] != digest]
    if other:
        raise SystemExit(f"{', '.join(other)} graded against another grading bundle than "
                         f"{bundle.path} (fingerprint {digest[:16]}): grade them again with it")
    split = [tuple(r["part"]) for _, r in records if r["part"]]
    for n in sorted({n for _, n in split}):
        have = Counter(k for k, m in split if m == n)
        missing = [f"{k}/{n}" for k in range(1, n + 1) if k not in have]
        twice = [f"{k}/{n}" for k, c in have.items() if c > 1]
        if missing or twice:
            raise SystemExit(f"parts of {n}: " + "; ".join(
                [*(["missing " + ", ".join(missing)] if missing else []),
                 *(["given twice " + ", ".join(twice)] if twice else [])]))
    rows = [Row(**r) for _, record in records for r in record["rows"]]
    seen = Counter(r.submission for r in rows)
    twice = sorted(s for s, c in seen.items() if c > 1)
    if twice:
        raise SystemExit(f"{', '.join(twice[:5])} graded in more than one part: rename the "
                         "files (their names must be unique across the class) or drop a part")
    statuses = {k: v for _, r in records for k, v in r["statuses"].items()}
    rows.sort(key=lambda r: r.submission)
    paths = write_results(bundle, rows, out, roster=roster, title=title, statuses=statuses,
                          carried=[f / "written_answers.csv" for f, _ in records])
    return bundle, rows, paths


def write_policies(rows: Sequence[Row], out: Path) -> dict[str, Path]:
    """The capstone's policies on the shared scenarios, for the debrief (4 decimals)."""
    paths = {"policies": out / "policies.csv", "policy_weeks": out / "policy_weeks.csv"}
    measures = ["revenue", "attrition", "at_quota", "exhaustion", "control", "inspiration"]
    write_csv(paths["policies"], ["submission", "scenario", *measures],
              ([r.submission, s["scenario"], *(f"{s[m]:.4f}" for m in measures)]
               for r in rows if r.policy for s in r.policy.get("summary", [])))
    write_csv(paths["policy_weeks"], ["submission", "week", "control", "inspiration"],
              ([r.submission, w["week"], f"{w['control']:.4f}", f"{w['inspiration']:.4f}"]
               for r in rows if r.policy for w in r.policy.get("weeks", [])))
    return paths


def write_outputs(rows: Sequence[Row], out: Path) -> dict[str, Path]:
    """What each notebook printed while it was graded (truncated), in ``output/NAME.txt``."""
    folder = out / "output"
    folder.mkdir(parents=True, exist_ok=True)
    for row in rows:
        if row.output is None:
            continue
        parts = []
        for stream, title in (("stdout", "output"), ("stderr", "errors")):
            total, text = row.output.get(f"{stream}_bytes", 0), row.output.get(stream, "")
            cut = f", the first {len(text.encode())} kept" if total > len(text.encode()) else ""
            parts.append(f"===== {title} ({total} bytes{cut}) =====\n{text}")
        (folder / f"{row.submission}.txt").write_text("\n".join(parts), "utf-8")
    return {"output": folder}


def check_roster(parser: argparse.ArgumentParser, roster: Path | None) -> Path | None:
    """Read the roster before grading, so that a bad one stops the run at once."""
    if roster is not None:
        try:
            gradebook.read_roster(roster)
        except (gradebook.RosterError, OSError) as error:
            parser.error(f"--roster: {error}")
    return roster


def default_out(folder: Path, part: tuple[int, int] | None = None) -> Path:
    folder = Path(folder).resolve()
    return folder.parent / (f"{folder.name}-grades" + (f"-part{part[0]}of{part[1]}" if part
                                                        else ""))


def part_spec(text: str) -> tuple[int, int]:
    """``K/N`` on the command line: the K-th of N parts."""
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not K/N, e.g. 2/3") from None
    if not 1 <= k <= n:
        raise argparse.ArgumentTypeError(f"{text}: K must be from 1 to N")
    return k, n


# -- benchmark ---------------------------------------------------------------------------------
GOAL = (300, 15 * 60)
"""The class size and seconds the grader is meant for on a 2-core machine (issue 12)."""


def benchmark(n: int = 60, assignment: str = CAPSTONE, jobs: int = JOBS,
              grading_dir: Path = GRADING, progress: Callable[[str], None] | None = None
              ) -> dict[str, float]:
    """Grade ``n`` copies of the assignment's solution notebook (all correct), each in its
    sandbox, and print the figures: seconds in all, each submission's seconds (median and 95th
    percentile, from the start of its worker to its row, ``jobs`` at a time), submissions per
    minute, and whether that meets :data:`GOAL` (300 in 15 minutes)."""
    import platform
    import statistics

    bundle = Bundle.load(assignment, grading_dir)
    solution = bundle.path / f"{assignment}.ipynb"
    with tempfile.TemporaryDirectory(prefix="grade-bench-") as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        for i in range(n):
            shutil.copy(solution, folder / f"student_{i + 1:03d}.ipynb")
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        start = time.perf_counter()
        _, rows = grade_folder(folder, assignment, jobs=jobs, grading_dir=grading_dir,
                               progress=progress)
        seconds = time.perf_counter() - start
    full = sum(r.total == bundle.possible for r in rows)
    each = sorted(r.wall_seconds for r in rows)
    median = statistics.median(each)
    p95 = statistics.quantiles(each, n=20, method="inclusive")[18] if n > 1 else each[0]
    per_minute = n / seconds * 60
    goal_n, goal_s = GOAL
    projected = goal_n / per_minute * 60
    figures = {"n": n, "seconds": seconds, "median": median, "p95": p95,
               "per_minute": per_minute, "projected_300": projected}
    print(f"graded {n} submissions of {assignment} ({jobs} at a time, {os.cpu_count()} cores, "
          f"{platform.python_implementation()} {platform.python_version()}, load average "
          f"{load:.2f} at the start) in {seconds:.0f} s ({clock(seconds)}); {full}/{n} got "
          "full marks")
    print(f"per submission: median {median:.1f} s, p95 {p95:.1f} s (each in its sandbox, "
          f"{jobs} at a time); {per_minute:.1f} submissions per minute")
    verdict = "within" if projected <= goal_s else "OVER"
    measured = "measured" if n == goal_n else f"at this rate, {goal_n} would take"
    print(f"goal: {goal_n} submissions in {goal_s // 60} minutes: {measured} {clock(projected)} "
          f"-> {verdict} the goal")
    return figures


# -- command line ------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tools/grade.py", description="Grade a folder of submitted workbook notebooks "
        "into a grades CSV, locally (no Docker). See the instructor guide.")
    parser.add_argument("submissions", nargs="?", type=Path,
                        help="folder with one submitted notebook per student")
    parser.add_argument("--assignment", help="e.g. 06_capstone (default: what the notebooks "
                        "say they are)")
    parser.add_argument("--out", type=Path, help="folder for grades.csv and the rest "
                        "(default: SUBMISSIONS-grades beside the folder)")
    parser.add_argument("--roster", type=Path, help="class list (CSV: name, student_id, email "
                        "and/or login): names the students in grades.csv, lists who submitted "
                        "nothing, and writes canvas.csv and moodle.csv for the LMS")
    parser.add_argument("--lms-title", help="the assignment's name in the LMS, for the score "
                        "column of canvas.csv and moodle.csv (default: the assignment)")
    parser.add_argument("--jobs", type=int, default=JOBS, help="submissions graded at a time")
    parser.add_argument("--timeout", type=float, default=SUBMISSION_TIMEOUT_S,
                        help="seconds one submission may take in all")
    parser.add_argument("--cell-timeout", type=float, default=CELL_TIMEOUT_S,
                        help="seconds one cell may run before it is interrupted")
    parser.add_argument("--memory-gb", type=float, default=MEMORY_GB,
                        help="memory (address space) one submission may use, in GB")
    parser.add_argument("--unsafe-no-sandbox", action="store_true",
                        help="where bubblewrap cannot run: run the notebooks' code without a "
                        "sandbox, with your permissions (only for submissions you trust)")
    parser.add_argument("--grading-dir", type=Path, default=GRADING, help=argparse.SUPPRESS)
    parser.add_argument("--benchmark", type=int, metavar="N",
                        help="time the grading of N copies of the capstone solution instead")
    parser.add_argument("--part", type=part_spec, metavar="K/N",
                        help="grade only the K-th of N slices of the folder (its files sorted "
                        "by name), into SUBMISSIONS-grades-partKofN; put the N parts together "
                        "with --combine")
    parser.add_argument("--combine", type=Path, nargs="+", metavar="RESULTS",
                        help="put together the --out folders of several grading runs (parts "
                        "of one folder, or folders graded on other machines) into --out, as if "
                        "graded at once; give --roster here, not to the parts")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--sandbox-uid", type=int, default=SANDBOX_UID, help=argparse.SUPPRESS)
    parser.add_argument("--private", type=Path, action="append", default=[],
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        import resource

        # The worker never runs student code; its cap only guards against a runaway test.
        limit = int(max(args.memory_gb, MEMORY_GB) * 1024**3)
        with contextlib.suppress(ValueError, OSError):  # macOS refuses a cap on address space
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        # None in sys.modules blocks the import (see SLOW_OPTIONAL); typeshed allows only modules.
        sys.modules.setdefault(SLOW_OPTIONAL, None)  # type: ignore[arg-type]
        bundle = Bundle.load(args.assignment, args.grading_dir)
        outcome = work(args.worker, bundle, Limits(
            args.cell_timeout, args.timeout, args.memory_gb, args.sandbox_uid,
            args.unsafe_no_sandbox, tuple(args.private)))
        args.result.write_text(json.dumps(outcome), "utf-8")
        return 0
    if args.benchmark:
        benchmark(args.benchmark, args.assignment or CAPSTONE, args.jobs, args.grading_dir,
                  progress=print)
        return 0
    roster = check_roster(parser, args.roster)
    if args.combine:
        if args.submissions is not None or args.part:
            parser.error("--combine takes results folders, not submissions or --part")
        if args.out is None:
            parser.error("--combine needs --out, the folder for the class's results")
        bundle, rows, paths = combine(args.combine, args.out, args.grading_dir, roster,
                                      args.lms_title)
        print(f"combined {len(args.combine)} results folders into {args.out}")
    else:
        if args.submissions is None:
            parser.error("give the folder of submissions (or --benchmark N, or --combine)")
        if args.part and roster:
            parser.error("give --roster to --combine: a part holds only some of the class, "
                         "so the others would be reported missing")
        bundle, rows = grade_folder(args.submissions, args.assignment, args.jobs, args.timeout,
                                    args.cell_timeout, args.grading_dir,
                                    memory_gb=args.memory_gb,
                                    unsafe_no_sandbox=args.unsafe_no_sandbox, part=args.part)
        out = args.out or default_out(args.submissions, args.part)
        paths = write_results(bundle, rows, out, folder=args.submissions, roster=roster,
                              title=args.lms_title, part=args.part)
    with open(paths["grades"], newline="", encoding="utf-8-sig") as written:
        statuses = [r["status"] for r in csv.DictReader(written) if r["submission"]]
    ok = statuses.count("ok")
    print(f"\n{len(rows)} submissions of {bundle.name}: {ok} ok, {len(rows) - ok} with a "
          f"problem or not attempted (see the status column).")
    print(paths["report"].read_text("utf-8"), end="")
    for kind, path in paths.items():
        print(f"  {kind:<13} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
