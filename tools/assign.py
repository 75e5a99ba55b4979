"""Regenerate the student workbook (notebooks/) from its sources with solutions (workbook/).

Run ``make workbook`` (or ``python tools/assign.py [name ...] [--force]``). For each source
``workbook/NN_name.md``, a MyST notebook written in otter-grader's assignment format:

1. ``otter assign`` writes an autograder version (solutions, every test) and a student version
   (solutions replaced by ``...``, public tests only), and checks that the solutions pass;
2. the student version is proved free of solution text (otter leaves a solution in place, without
   a word, when it is not inside a raw ``# BEGIN SOLUTION`` / ``# END SOLUTION`` block);
3. it is run top to bottom in a fresh kernel; any error, warning or other stderr output stops;
4. its outputs are stored without widget views, widget state or timings (what a dashboard shows
   there is its static snapshot), with stable cell ids, and ``mystnb.execution_mode: "off"`` so
   the book shows these outputs instead of re-running the dashboards;
5. it goes to ``notebooks/NN_name.ipynb``, unless that file was edited since it was generated
   (a student's work is never overwritten: use ``--force`` to replace it anyway);
6. the autograder version goes to ``grading/NN_name/`` (git-ignored: it holds the solutions).
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
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "workbook"
STUDENT = ROOT / "notebooks"
GRADING = ROOT / "grading"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
SOLUTION_MARKERS = re.compile(r"#\s*(BEGIN|END)?\s*SOLUTION|#\s*SOLUTION")
CELL_TIMEOUT_S = 600


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


def execute(nb: nbformat.NotebookNode, name: str) -> None:
    """Run every cell in a fresh kernel of this environment; stop on errors and on stderr."""
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    STUDENT.mkdir(exist_ok=True)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(STUDENT)}},
                            record_timing=False, store_widget_state=False)
    client.execute()
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                raise SystemExit(f"{name}: cell {i} wrote to stderr (a warning?):\n"
                                 f"{output.get('text', '')[:2000]}")


def clean(nb: nbformat.NotebookNode, source: Path) -> None:
    """Drop widget views and state, fix cell ids, and record where the notebook came from."""
    nb.metadata.pop("widgets", None)
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


def assign(source: Path, force: bool) -> Path:
    name = source.stem
    target = STUDENT / f"{name}.ipynb"
    if edited_since_generated(target) and not force:
        raise SystemExit(f"{target.relative_to(ROOT)} was edited since it was generated; "
                         "refusing to overwrite it. Save your work elsewhere, or run "
                         "`python tools/assign.py --force` to replace it.")
    from otter.assign import main as otter_assign

    source_nb = jupytext.read(source)
    with tempfile.TemporaryDirectory(prefix=f"assign-{name}-") as tmp:
        master = Path(tmp) / f"{name}.ipynb"
        nbformat.write(source_nb, master)
        otter_assign(str(master), str(Path(tmp) / "dist"), no_pdfs=True)
        student_nb = nbformat.read(Path(tmp) / "dist" / "student" / master.name, as_version=4)
        assert_no_solutions(source_nb, student_nb, name)
        execute(student_nb, name)
        clean(student_nb, source)
        STUDENT.mkdir(exist_ok=True)
        nbformat.write(student_nb, target)
        bundle = GRADING / name
        shutil.rmtree(bundle, ignore_errors=True)
        shutil.copytree(Path(tmp) / "dist" / "autograder", bundle)
    size = target.stat().st_size
    print(f"wrote {target.relative_to(ROOT)} ({size / 1024:.0f} KB); grading bundle in "
          f"{bundle.relative_to(ROOT)}/", flush=True)
    if size > 500 * 1024:
        raise SystemExit(f"{target.name} is {size / 1024:.0f} KB, over the 500 KB budget")
    return target


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="sources to assign (default: all), e.g. 00")
    parser.add_argument("--force", action="store_true",
                        help="overwrite student notebooks even if they were edited")
    args = parser.parse_args(argv)
    sources = sorted(SOURCES.glob("[0-9][0-9]_*.md"))
    if args.names:
        sources = [s for s in sources if any(s.stem.startswith(n) for n in args.names)]
    if not sources:
        print("no workbook sources matched", file=sys.stderr)
        return 2
    for source in sources:
        assign(source, args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
