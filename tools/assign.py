"""Regenerate the student workbook (notebooks/) from its sources with solutions (workbook/).

Run ``make workbook`` (or ``python tools/assign.py [name ...] [--force]``). For each source
``workbook/NN_name.md``, a MyST notebook written in otter-grader's assignment format:

1. ``otter assign`` writes an autograder version (solutions, every test) and a student version
   (solutions replaced by ``...``, public tests only), and checks that the solutions pass;
2. the student version is proved free of solution text (otter leaves a solution in place, without
   a word, when it is not inside a raw ``# BEGIN SOLUTION`` / ``# END SOLUTION`` block), and
   the bare ``...`` otter leaves for a solution block becomes ``variable = ...`` for each of the
   question's answer variables, so that no cell shows the output ``Ellipsis``;
3. it is run top to bottom in a fresh kernel; any error, warning or other stderr output stops,
   and so does an ``Ellipsis`` output;
4. its outputs are stored without widget views, widget state or timings (what a dashboard shows
   there is its static snapshot), with stable cell ids, and ``mystnb.execution_mode: "off"`` so
   the book shows these outputs instead of re-running the dashboards;
5. it goes to ``notebooks/NN_name.ipynb``, unless that file was edited since it was generated
   (a student's work is never overwritten: nothing is written if any target was edited; use
   ``--force`` to replace them anyway, or ``--student-dir`` to write somewhere else);
6. the grading bundle goes to ``grading/NN_name/`` (git-ignored: it holds the solutions and the
   hidden tests): the autograder notebook, otter's autograder zip under a fixed name
   (``NN_name-autograder.zip``, for ``otter run`` or Gradescope), its ``tests/`` unpacked, and
   ``bundle.json``, which lists each question's points (public, hidden, manual) and the cells that
   hold its answer and its check, for ``tools/grade.py``.

Hidden tests are test cells whose first line is ``# HIDDEN``; a question's ``points: [p, h]``
gives its public test ``p`` points and its hidden test ``h``. Nothing here writes a timestamp:
the autograder zip is rewritten with fixed dates and a fixed order, so running this twice gives
the same bytes. Kernels talk over IPC sockets in a private temporary folder, not TCP on
localhost, so no kernel warns about unencrypted TCP (which is why the solutions are checked
by :func:`run_solutions` rather than by ``otter assign``, whose kernel uses TCP).

``--handout FILE.zip`` also writes the student copy as a zip (see :func:`write_handout`): the
notebooks, the package and its pins, and a README of its own (``workbook/README_student.md``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import jupytext
import nbformat
import yaml
from nbclient import NotebookClient

from teamsim.instructor.kernels import kernel_manager_class

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "workbook"
STUDENT = ROOT / "notebooks"
GRADING = ROOT / "grading"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
SOLUTION_MARKERS = re.compile(r"#\s*(BEGIN|END)?\s*SOLUTION|#\s*SOLUTION")
CELL_TIMEOUT_S = 600
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""The date every member of a zip written here carries (the earliest a zip can hold)."""
HANDOUT_README = SOURCES / "README_student.md"
HANDOUT_FILES = ("LICENSE", "requirements.txt", "pyproject.toml", "src", "jupyter-config",
                 "notebooks")
"""What the student copy holds besides its README: the package (with its data and the switch
of its Jupyter server extension), its pins and the notebooks; no workbook sources, no grading
bundles, no instructor kit."""


def solution_lines(source_nb: nbformat.NotebookNode) -> list[str]:
    """Every line of solution text in a source notebook (code and Markdown), stripped."""
    lines, inside = [], False
    for cell in source_nb.cells:
        text = cell.source.strip()
        if cell.cell_type == "raw" and re.match(r"#\s*BEGIN\s+SOLUTION", text, re.I):
            inside = True
            continue
        if cell.cell_type == "raw" and re.match(r"#\s*END\s+SOLUTION", text, re.I):
            inside = False
            continue
        if not inside:
            continue
        block = False
        for line in cell.source.splitlines():
            stripped = line.strip()
            if cell.cell_type == "markdown":
                lines.append(stripped)
            elif re.search(r"#\s*BEGIN SOLUTION", line):
                block = True
            elif re.search(r"#\s*END SOLUTION", line):
                block = False
            elif block:
                lines.append(stripped)
            elif re.search(r"#\s*SOLUTION\s*$", line):
                lines.append(re.sub(r"#\s*SOLUTION\s*$", "", stripped).strip())
    return [line for line in lines if len(line) >= 8]


def assert_no_solutions(source_nb: nbformat.NotebookNode, student_nb: nbformat.NotebookNode,
                        name: str) -> None:
    """Fail if any solution line or solution marker reached the student notebook."""
    student_text = "\n".join(cell.source for cell in student_nb.cells)
    marker = SOLUTION_MARKERS.search(student_text)
    if marker:
        raise SystemExit(f"{name}: the student notebook still holds a solution marker "
                         f"{marker.group(0)!r}: put that cell inside a raw # BEGIN SOLUTION / "
                         "# END SOLUTION block")
    student_lines = {line.strip() for line in student_text.splitlines()}
    leaked = [line for line in solution_lines(source_nb) if line in student_lines]
    if leaked:
        raise SystemExit(f"{name}: solution text reached the student notebook: {leaked[:3]}")
    for key in ("otter",):
        tests = student_nb.metadata.get(key, {}).get("tests", {})
        for test in tests.values():
            for suite in test.get("suites", []):
                if any(case.get("hidden") for case in suite.get("cases", [])):
                    raise SystemExit(f"{name}: a hidden test reached the student notebook")


def name_the_answers(student_nb: nbformat.NotebookNode, name: str) -> None:
    """Turn otter's bare ``...`` prompts into ``variable = ...``, one per answer variable.

    Only a ``...`` alone on an unindented line is a prompt: an indented one is the body of a
    stub the student completes (the capstone's ``def my_policy``), and stays.

    otter replaces a whole ``# BEGIN SOLUTION`` block with a line holding only ``...``. Run, that
    line is an expression, so the notebook (and the book page made from it) shows the output
    ``Ellipsis``, and the student is not told which variable to fill in. Each question's
    variables are in :data:`teamsim.course.checks.EXERCISES`: a bare ``...`` in a question's
    answer cells becomes one ``variable = ...`` line per variable the cell does not assign yet.
    """
    from teamsim.course.checks import EXERCISES

    pending: list[nbformat.NotebookNode] = []
    for cell in student_nb.cells:
        if "otter_answer_cell" in cell.metadata.get("tags", []):
            pending.append(cell)
        for test in cell.metadata.get("otter", {}).get("tests", []):
            variables = EXERCISES[test].variables if test in EXERCISES else ()
            for answer in pending:
                lines = answer.source.splitlines()
                if "..." not in lines:  # only a bare prompt at the top level of the cell
                    continue
                if not variables:
                    raise SystemExit(f"{name}: question {test} leaves a bare ... in its answer "
                                     "cell and lists no answer variables in "
                                     "teamsim.course.checks.EXERCISES")
                text = "\n".join(lines)
                named = [f"{v} = ..." for v in variables
                         if not re.search(rf"^{re.escape(v)}\s*=", text, re.M)]
                out: list[str] = []
                for line in lines:
                    out += named if line == "..." else [line]
                answer.source = "\n".join(out)
            pending = []


def assert_no_placeholder_outputs(nb: nbformat.NotebookNode, name: str) -> None:
    """Fail if a run cell shows a placeholder to a reader (``Ellipsis``, an unassigned ``...``)."""
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/plain", "")
            if output.get("output_type") == "execute_result" and text.strip() == "Ellipsis":
                raise SystemExit(f"{name}: cell {i} shows the output Ellipsis: assign the "
                                 f"placeholder to the answer variable instead:\n{cell.source}")


def sources_digest(nb: nbformat.NotebookNode) -> str:
    """A digest of the cells' sources: what a student edits, not what running changes."""
    text = json.dumps([[c.cell_type, c.source] for c in nb.cells])
    return hashlib.sha256(text.encode()).hexdigest()


def edited_since_generated(path: Path) -> bool:
    if not path.exists():
        return False
    nb = nbformat.read(path, as_version=4)
    recorded = nb.metadata.get("workbook", {}).get("sources_sha256")
    return recorded is not None and recorded != sources_digest(nb)


def execute(nb: nbformat.NotebookNode, name: str, cwd: Path = STUDENT) -> None:
    """Run every cell in a fresh kernel of this environment; stop on errors and on stderr."""
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    cwd.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kernel-") as sockets:
        client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                                kernel_manager_class=kernel_manager_class(Path(sockets)),
                                resources={"metadata": {"path": str(cwd)}},
                                record_timing=False, store_widget_state=False)
        client.execute()
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                raise SystemExit(f"{name}: cell {i} wrote to stderr (a warning?):\n"
                                 f"{output.get('text', '')[:2000]}")


def run_solutions(autograder: Path, name: str) -> None:
    """Run the notebook with solutions and then every test of the assignment, public and
    hidden, as otter runs them (``OKTestFile``); stop unless all pass (what ``otter assign``
    checks, in a kernel of our own)."""
    nb = nbformat.read(autograder / f"{name}.ipynb", as_version=4)
    unpacked = autograder.parent / "solution-tests"
    for archive in autograder.glob(f"{name}-autograder_*.zip"):
        with zipfile.ZipFile(archive) as members:
            for member in members.namelist():
                if member.startswith("tests/") and member.endswith(".py"):
                    (unpacked / member).parent.mkdir(parents=True, exist_ok=True)
                    (unpacked / member).write_bytes(members.read(member))
    tests = sorted(str(p) for p in (unpacked / "tests").glob("*.py"))
    nb.cells.append(nbformat.v4.new_code_cell(
        "import json as _a_json\n"
        "from otter.test_files import OKTestFile as _a_Test\n"
        "_a_failed = []\n"
        f"for _a_path in {tests!r}:\n"
        "    _a_test = _a_Test.from_file(_a_path)\n"
        "    _a_test.run(globals())\n"
        "    _a_failed += [f'{_a_test.name}: {r.message}' for r in _a_test.test_case_results\n"
        "                  if not r.passed]\n"
        "print(_a_json.dumps(_a_failed))"))
    with tempfile.TemporaryDirectory(prefix=f"solutions-{name}-") as cwd:
        execute(nb, f"{name} (with solutions)", cwd=Path(cwd))
    failed = json.loads(nb.cells[-1].outputs[-1]["text"])
    if not tests or failed:
        raise SystemExit(f"{name}: the solutions fail these tests:\n" + "\n".join(failed)
                         if tests else f"{name}: otter wrote no tests")


def clean(nb: nbformat.NotebookNode, source: Path) -> None:
    """Drop widget views and state and the interpreter's exact version (which differs from
    machine to machine: Debian 12's 3.11.2, another 3.11.7), fix cell ids, and record where the
    notebook came from."""
    nb.metadata.pop("widgets", None)
    nb.metadata.get("language_info", {}).pop("version", None)
    for i, cell in enumerate(nb.cells):
        cell.id = f"{source.stem[:2]}-{i:03d}"
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
            output.get("metadata", {}).pop(WIDGET_VIEW, None)
    nb.metadata["mystnb"] = {"execution_mode": "off"}
    nb.metadata["workbook"] = {
        "source": str(source.relative_to(ROOT)),
        "generated_by": "tools/assign.py (make workbook)",
        "sources_sha256": sources_digest(nb),
    }


def question_configs(source_nb: nbformat.NotebookNode) -> list[dict]:
    """The ``# BEGIN QUESTION`` configurations of a source, in order."""
    configs = []
    for cell in source_nb.cells:
        if cell.cell_type == "raw" and re.match(r"#\s*BEGIN\s+QUESTION", cell.source, re.I):
            configs.append(yaml.safe_load(cell.source.split("\n", 1)[1]) or {})
    return configs


def graded_cells(student_nb: nbformat.NotebookNode) -> dict[str, dict[str, list[str]]]:
    """For each question, the ids of the cells holding its answer and its check.

    otter tags answer cells ``otter_answer_cell`` and marks a check cell with the tests it runs;
    an auto-graded question's answer cells come before its check, a written answer sits between
    ``<!-- BEGIN QUESTION -->`` and ``<!-- END QUESTION -->``.
    """
    cells: dict[str, dict[str, list[str]]] = {}
    pending: list[str] = []
    written: list[str] | None = None
    written_ids: list[list[str]] = []
    for cell in student_nb.cells:
        if cell.cell_type == "markdown" and "<!-- BEGIN QUESTION -->" in cell.source:
            written, pending = [], []
        if "otter_answer_cell" in cell.metadata.get("tags", []):
            (written if written is not None else pending).append(cell.id)
        for test in cell.metadata.get("otter", {}).get("tests", []):
            cells[test] = {"answer_cells": pending, "check_cells": [cell.id]}
            pending = []
        if cell.cell_type == "markdown" and "<!-- END QUESTION -->" in cell.source:
            written_ids.append(written or [])
            written = None
    cells.update({f"#written{i}": {"answer_cells": ids, "check_cells": []}
                  for i, ids in enumerate(written_ids)})
    return cells


def manifest(source: Path, source_nb: nbformat.NotebookNode, student_nb: nbformat.NotebookNode,
             tests_dir: Path) -> dict:
    """What tools/grade.py needs to know about an assignment, without running anything."""
    from otter.test_files import OKTestFile

    from teamsim.course.checks import EXERCISES

    cells = graded_cells(student_nb)
    questions, written = [], 0
    for config in question_configs(source_nb):
        name = config["name"]
        if config.get("manual"):
            place = cells.get(f"#written{written}", {"answer_cells": [], "check_cells": []})
            written += 1
            questions.append({"name": name, "manual": True, "points": config.get("points", 0),
                              "public": 0, "hidden": 0, "variables": [], **place})
            continue
        test = OKTestFile.from_file(str(tests_dir / f"{name}.py"))
        public = sum(c.points for c in test.test_cases if not c.hidden)
        hidden = sum(c.points for c in test.test_cases if c.hidden)
        if not hidden:
            raise SystemExit(f"{source.name}: question {name} has no hidden test: add a test "
                             "cell whose first line is # HIDDEN")
        variables = list(EXERCISES[name].variables) if name in EXERCISES else []
        questions.append({"name": name, "manual": False, "points": public + hidden,
                          "public": public, "hidden": hidden, "variables": variables,
                          **cells.get(name, {"answer_cells": [], "check_cells": []})})
    return {
        "assignment": source.stem,
        "source": source.relative_to(ROOT).as_posix(),
        "source_sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
        "student_sources_sha256": sources_digest(student_nb),
        "questions": questions,
    }


def stable_zip(path: Path) -> None:
    """Rewrite the zip ``path`` with its members in name order, each dated :data:`ZIP_DATE`
    with fixed permissions: the same files give the same bytes (otter's zip carries the time
    it was written)."""
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()
                   if not info.is_dir()}
    write_zip(path, members)


def write_zip(path: Path, members: dict[str, bytes]) -> None:
    """A zip of ``members`` (name -> bytes), in name order, with fixed dates and modes."""
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o755 if name.endswith("run_autograder") else 0o644) << 16
            info.create_system = 3  # Unix, so that the modes above are read
            archive.writestr(info, members[name], compresslevel=9)
    tmp.replace(path)


def write_bundle(autograder: Path, bundle: Path, source: Path, source_nb, student_nb) -> None:
    """Copy otter's autograder folder to ``bundle`` with a fixed zip name and stable zip
    bytes, its tests unpacked and a manifest (otter names the zip with a timestamp; nothing
    here keeps it)."""
    name = source.stem
    shutil.rmtree(bundle, ignore_errors=True)
    shutil.copytree(autograder, bundle)
    for stamped in bundle.glob(f"{name}-autograder_*.zip"):
        stamped.rename(bundle / f"{name}-autograder.zip")
    stable_zip(bundle / f"{name}-autograder.zip")
    with_solutions = bundle / f"{name}.ipynb"  # otter gives its cells random ids
    nb = nbformat.read(with_solutions, as_version=4)
    for i, cell in enumerate(nb.cells):
        cell.id = f"{name[:2]}-ag-{i:03d}"
    nbformat.write(nb, with_solutions)
    with zipfile.ZipFile(bundle / f"{name}-autograder.zip") as archive:
        for member in archive.namelist():
            if member.startswith("tests/") and member.endswith(".py"):
                (bundle / "tests").mkdir(exist_ok=True)
                (bundle / member).write_bytes(archive.read(member))
    info = manifest(source, source_nb, student_nb, bundle / "tests")
    (bundle / "bundle.json").write_text(json.dumps(info, indent=1, sort_keys=True) + "\n")


def refuse_edited(targets: list[Path]) -> None:
    """Stop before writing anything if a target notebook was edited since it was generated."""
    edited = [t for t in targets if edited_since_generated(t)]
    if edited:
        names = ", ".join(str(t) for t in edited)
        raise SystemExit(f"{names}: edited since it was generated (a student's work?); refusing "
                         "to overwrite it, and nothing was written. Save that work elsewhere, "
                         "write the new notebooks to another folder with --student-dir DIR, or "
                         "replace them with --force.")


def assign(source: Path, student_dir: Path = STUDENT, grading_dir: Path = GRADING) -> Path:
    name = source.stem
    target = student_dir / f"{name}.ipynb"
    from otter.assign import main as otter_assign

    source_nb = jupytext.read(source)
    with tempfile.TemporaryDirectory(prefix=f"assign-{name}-") as tmp:
        master = Path(tmp) / f"{name}.ipynb"
        nbformat.write(source_nb, master)
        # otter's own check of the solutions starts a kernel over TCP: run_solutions does it
        otter_assign(str(master), str(Path(tmp) / "dist"), no_pdfs=True, no_run_tests=True)
        run_solutions(Path(tmp) / "dist" / "autograder", name)
        student_nb = nbformat.read(Path(tmp) / "dist" / "student" / master.name, as_version=4)
        assert_no_solutions(source_nb, student_nb, name)
        name_the_answers(student_nb, name)
        execute(student_nb, name, cwd=student_dir)
        assert_no_placeholder_outputs(student_nb, name)
        clean(student_nb, source)
        student_dir.mkdir(parents=True, exist_ok=True)
        nbformat.write(student_nb, target)
        bundle = grading_dir / name
        write_bundle(Path(tmp) / "dist" / "autograder", bundle, source, source_nb, student_nb)
    size = target.stat().st_size
    print(f"wrote {shown(target)} ({size / 1024:.0f} KB); grading bundle in {shown(bundle)}/",
          flush=True)
    if size > 500 * 1024:
        raise SystemExit(f"{target.name} is {size / 1024:.0f} KB, over the 500 KB budget")
    return target


def handout_members(student_dir: Path = STUDENT) -> dict[str, bytes]:
    """The student copy, file by file (path in the zip -> bytes), under ``sales-course/``:
    its own README (how to open the notebooks in JupyterLab or on a hub, with pip, no make),
    then :data:`HANDOUT_FILES` as they are in the repository, with the notebooks from
    ``student_dir``. Python caches, build leftovers and dot files are left out."""
    members = {"sales-course/README.md": HANDOUT_README.read_bytes()}
    for entry in HANDOUT_FILES:
        base = student_dir if entry == "notebooks" else ROOT / entry
        paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in paths:
            inside = path.relative_to(base)
            if any(part.startswith(".") or part == "__pycache__" or part.endswith(".egg-info")
                   for part in inside.parts) or path.suffix in {".pyc", ".zip"}:
                continue
            if entry == "notebooks" and path.suffix != ".ipynb":
                continue
            name = entry if base.is_file() else f"{entry}/{inside.as_posix()}"
            members[f"sales-course/{name}"] = path.read_bytes()
    return members


def write_handout(target: Path, student_dir: Path = STUDENT) -> Path:
    """Write the student copy as a zip (the same bytes for the same files)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    write_zip(target, handout_members(student_dir))
    print(f"wrote the student copy {shown(target)} ({target.stat().st_size / 1024:.0f} KB)",
          flush=True)
    return target


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="sources to assign (default: all), e.g. 00")
    parser.add_argument("--force", action="store_true",
                        help="overwrite student notebooks even if they were edited")
    parser.add_argument("--student-dir", type=Path, default=STUDENT,
                        help="where the student notebooks go (default: notebooks/)")
    parser.add_argument("--grading-dir", type=Path, default=GRADING,
                        help="where the grading bundles go (default: grading/, git-ignored)")
    parser.add_argument("--handout", type=Path, metavar="ZIP",
                        help="also write the student copy to this zip (e.g. sales-course.zip)")
    parser.add_argument("--handout-only", action="store_true",
                        help="write only the --handout zip, from the notebooks as they are")
    args = parser.parse_args(argv)
    if args.handout_only:
        if not args.handout:
            parser.error("--handout-only needs --handout ZIP")
        write_handout(args.handout.resolve(), args.student_dir.resolve())
        return 0
    sources = sorted(SOURCES.glob("[0-9][0-9]_*.md"))
    if args.names:
        sources = [s for s in sources if any(s.stem.startswith(n) for n in args.names)]
    if not sources:
        print("no workbook sources matched", file=sys.stderr)
        return 2
    student_dir, grading_dir = args.student_dir.resolve(), args.grading_dir.resolve()
    if not args.force:
        refuse_edited([student_dir / f"{s.stem}.ipynb" for s in sources])
    for source in sources:
        assign(source, student_dir, grading_dir)
    if args.handout:
        write_handout(args.handout.resolve(), student_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
