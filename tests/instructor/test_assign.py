"""Handing the workbook out: the student notebooks and the built book hold no solution and no
hidden test; what is committed regenerates the same, with no timestamp; a notebook a student
edited in place is never overwritten."""

from __future__ import annotations

import configparser
import html
import importlib.util
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import jupytext
import nbformat
import pytest

from teamsim.instructor.grading import CAPSTONE

pytestmark = pytest.mark.instructor

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "workbook").glob("[0-9][0-9]_*.md"))
NAMES = [s.stem for s in SOURCES]
BOOK = ROOT / "_build" / "html"
TIMESTAMP = re.compile(r"\d{4}[-_]\d{2}[-_]\d{2}[T_ ]\d{2}[:_]\d{2}")
PRIVATE_NAMES = r"\b_h_[A-Za-z]\w*|BEGIN SOLUTION|END SOLUTION|BEGIN TESTS|END TESTS"
HIDDEN_MARKS = re.compile(r"#\s*HIDDEN\b|" + PRIVATE_NAMES)
"""Markers and names that only the sources use (hidden tests name their variables ``_h_...``)."""
BOOK_MARKS = re.compile(PRIVATE_NAMES)
"""The same in the book, where the instructor guide may name the ``# HIDDEN`` marker itself."""


def load_assign():
    spec = importlib.util.spec_from_file_location("assign", ROOT / "tools" / "assign.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def hidden_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code" and c.source.lstrip().startswith(
        "# HIDDEN")]


def secrets(source: Path) -> list[str]:
    """Lines of a source that only its solutions and hidden tests hold (12 characters or more,
    and not also written in a cell students get)."""
    nb = jupytext.read(source)
    private = load_assign().solution_lines(nb)
    private += [line.strip() for cell in hidden_cells(nb) for line in cell.source.splitlines()[1:]]
    student = nbformat.read(ROOT / "notebooks" / f"{source.stem}.ipynb", as_version=4)
    shown = {line.strip() for cell in student.cells for line in cell.source.splitlines()}
    return sorted({squash(line) for line in private if len(line) >= 12 and line not in shown})


def strings(value) -> list[str]:
    """Every string inside a JSON value (cell sources, outputs, metadata)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def leaks(text: str, secret_lines: list[str], marks: re.Pattern = HIDDEN_MARKS) -> list[str]:
    flat = squash(text)
    found = [line for line in secret_lines if line in flat]
    found += [m.group(0) for m in marks.finditer(text)]
    return found


@pytest.mark.parametrize("source", SOURCES, ids=NAMES)
def test_sources_have_hidden_tests_to_keep_private(source):
    nb = jupytext.read(source)
    assert hidden_cells(nb), f"{source.name} has no hidden test"
    assert secrets(source), f"{source.name}: nothing private found"


@pytest.mark.parametrize("source", SOURCES, ids=NAMES)
def test_student_notebook_holds_no_solution_and_no_hidden_test(source):
    path = ROOT / "notebooks" / f"{source.stem}.ipynb"
    raw = json.loads(path.read_text("utf-8"))
    assert leaks("\n".join(strings(raw)), secrets(source)) == []
    for test in raw["metadata"]["otter"]["tests"].values():
        for suite in test["suites"]:
            assert not any(case.get("hidden") for case in suite["cases"])


def built_pages() -> list[Path]:
    if not (BOOK / "index.html").is_file():
        pytest.fail("The book is not built: run `make book` first (`make test` builds it "
                    "before running these tests).")
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        page = BOOK / "notebooks" / f"{notebook.stem}.html"
        if page.exists() and page.stat().st_mtime < notebook.stat().st_mtime:
            pytest.fail(f"The built book is older than notebooks/{notebook.name}: run "
                        "`make book` again.")
    third_party = {"_vendor", "_static"}
    return sorted(p for p in BOOK.rglob("*") if p.is_file() and not third_party & set(
        p.relative_to(BOOK).parts) and p.suffix in {".html", ".txt", ".js", ".json", ".ipynb",
                                                     ".csv", ".md", ".py"})


def page_text(path: Path) -> str:
    text = path.read_text("utf-8", errors="replace")
    if path.suffix == ".html":
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I) + " " + \
            " ".join(re.findall(r"<script\b[^>]*>(.*?)</script>", text, flags=re.S | re.I))
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return text


def private_blocks(source: Path) -> list[str]:
    """What would give an answer away if it were published: each solution block of code (a
    whole ``# BEGIN SOLUTION`` block, or one ``# SOLUTION`` line), each sentence of eight words
    or more of a model written answer, and each hidden test's body.

    The book is checked for these rather than for single lines: its chapters write their own
    code in the course's idioms, so a short line such as ``if state.market < 0.95:`` may well
    appear there without giving any exercise away."""
    nb = jupytext.read(source)
    blocks, inside = [], False
    for cell in nb.cells:
        text = cell.source.strip()
        if cell.cell_type == "raw" and re.match(r"#\s*(BEGIN|END)\s+SOLUTION", text):
            inside = text.split()[1].upper() == "BEGIN"
            continue
        if not inside:
            continue
        if cell.cell_type == "markdown":
            blocks += [s for s in re.split(r"(?<=[.!?])\s+", squash(cell.source))
                       if len(s.split()) >= 8]
            continue
        block = None
        for line in cell.source.splitlines():
            if re.search(r"#\s*BEGIN SOLUTION", line):
                block = []
            elif re.search(r"#\s*END SOLUTION", line):
                blocks.append(squash("\n".join(block or [])))
                block = None
            elif block is not None:
                block.append(line)
            elif re.search(r"#\s*SOLUTION\s*$", line):
                blocks.append(squash(re.sub(r"#\s*SOLUTION\s*$", "", line)))
    blocks += [squash("\n".join(c.source.splitlines()[1:])) for c in hidden_cells(nb)]
    return sorted({b for b in blocks if len(b) >= 12})


@pytest.mark.built_book
def test_built_book_holds_no_solution_and_no_hidden_test():
    private = sorted({block for source in SOURCES for block in private_blocks(source)})
    assert len(private) > 60
    pages = built_pages()
    assert any(p.parent.name == "notebooks" for p in pages), "the workbook is in the book"
    found = {str(p.relative_to(BOOK)): leaks(page_text(p), private, BOOK_MARKS) for p in pages}
    assert {page: blocks for page, blocks in found.items() if blocks} == {}


def sanitized(nb: nbformat.NotebookNode) -> str:
    """The notebook as JSON, with what legitimately differs between runs replaced (the rules
    the workbook's nbval tests use)."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in nb.cells:
        if "nbval-ignore-output" in cell.metadata.get("tags", []):
            cell.outputs = []
    text = json.dumps(nb, sort_keys=True, indent=0)
    rules = configparser.ConfigParser()
    rules.read(ROOT / "tests" / "notebooks" / "sanitize.cfg")
    for section in rules.sections():
        text = re.sub(rules[section]["regex"], rules[section]["replace"], text)
    return re.sub(r'"image/png": "[A-Za-z0-9+/=\\n]+"', '"image/png": "<PNG>"', text)


def test_regeneration_gives_the_committed_notebook(assigned):
    students, _ = assigned
    fresh = nbformat.read(students / f"{CAPSTONE}.ipynb", as_version=4)
    committed = nbformat.read(ROOT / "notebooks" / f"{CAPSTONE}.ipynb", as_version=4)
    assert fresh.metadata["workbook"] == committed.metadata["workbook"]
    assert sanitized(fresh) == sanitized(committed), (
        "notebooks/06_capstone.ipynb differs from a fresh `make workbook`: regenerate it")


def test_the_bundle_keeps_solutions_and_hidden_tests_under_fixed_names(assigned):
    _, grading = assigned
    bundle = grading / CAPSTONE
    assert sorted(p.name for p in bundle.iterdir()) == [
        f"{CAPSTONE}-autograder.zip", f"{CAPSTONE}.ipynb", "bundle.json", "otter_config.json",
        "tests"]
    tests = {p.stem: p.read_text() for p in (bundle / "tests").glob("*.py")}
    assert all("'hidden': True" in text for text in tests.values())
    assert not TIMESTAMP.search((bundle / "bundle.json").read_text())
    ignored = subprocess.run(["git", "check-ignore", "-q", "grading/06_capstone/bundle.json"],
                             cwd=ROOT)
    assert ignored.returncode == 0, "grading/ must stay git-ignored"
    tracked = subprocess.run(["git", "ls-files", "grading"], cwd=ROOT, capture_output=True,
                             text=True).stdout
    assert tracked == ""


def test_nothing_committed_carries_a_timestamp():
    files = [*(ROOT / "notebooks").glob("*.ipynb"), *(ROOT / "instructor").glob("*.ipynb"),
             *(ROOT / "instructor" / "example_results").glob("*.csv")]
    for path in files:
        text = path.read_text("utf-8")
        text = re.sub(r'"image/png": "[^"]*"|data:image/png;base64,[A-Za-z0-9+/=]+', "", text)
        assert not TIMESTAMP.search(text), (path, TIMESTAMP.search(text).group(0))
        assert "autograder_" not in text, path


def test_assign_never_overwrites_an_edited_notebook(tmp_path):
    students = tmp_path / "notebooks"
    students.mkdir()
    for name in ("00_getting_started", "01_two_sides"):
        (students / f"{name}.ipynb").write_bytes((ROOT / "notebooks" / f"{name}.ipynb")
                                                 .read_bytes())
    edited = nbformat.read(students / "01_two_sides.ipynb", as_version=4)
    edited.cells[0].source += "\n\nMy notes for the exam."
    nbformat.write(edited, students / "01_two_sides.ipynb")
    before = {p.name: p.read_bytes() for p in students.iterdir()}
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "assign.py"), "00", "01",
                           "--student-dir", str(students), "--grading-dir",
                           str(tmp_path / "grading")], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode != 0
    assert "01_two_sides.ipynb: edited since it was generated" in done.stderr
    assert "refusing to overwrite it, and nothing was written" in done.stderr
    assert "--student-dir" in done.stderr and "--force" in done.stderr
    assert {p.name: p.read_bytes() for p in students.iterdir()} == before
    assert not (tmp_path / "grading").exists()


def test_regeneration_gives_the_committed_bytes(assigned):
    """`make workbook` run again writes the same bytes: the notebook exactly as committed
    (snapshot images included, when made on a machine that draws them the same way: the
    images are compared on their own below), and a bundle whose zip carries no date."""
    students, grading = assigned
    fresh = (students / f"{CAPSTONE}.ipynb").read_bytes()
    committed = (ROOT / "notebooks" / f"{CAPSTONE}.ipynb").read_bytes()
    png = re.compile(rb'"image/png": "[^"]*"')
    assert png.sub(b"PNG", fresh) == png.sub(b"PNG", committed), (
        "notebooks/06_capstone.ipynb differs from a fresh `make workbook`: regenerate it")
    archive = grading / CAPSTONE / f"{CAPSTONE}-autograder.zip"
    with zipfile.ZipFile(archive) as zipped:
        infos = zipped.infolist()
    assign = load_assign()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {assign.ZIP_DATE}
    before = archive.read_bytes()
    assign.stable_zip(archive)
    assert archive.read_bytes() == before


def test_snapshots_draw_the_same_bytes_twice():
    from teamsim.course.dashboard import DASHBOARDS

    dashboard = next(iter(DASHBOARDS.values()))()
    assert dashboard.snapshot_png() == dashboard.snapshot_png()


def test_kernels_run_without_warnings(tmp_path):
    """The kernels `make workbook` starts say nothing on stderr (no unencrypted-TCP warning)."""
    tool = str(ROOT / "tools" / "assign.py")
    script = (
        "import importlib.util, nbformat, sys\n"
        f"spec = importlib.util.spec_from_file_location('assign', {tool!r})\n"
        "assign = importlib.util.module_from_spec(spec); spec.loader.exec_module(assign)\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('print(6 * 7)')])\n"
        f"assign.execute(nb, 'tiny', cwd=__import__('pathlib').Path({str(tmp_path)!r}))\n"
        "print(nb.cells[0].outputs[0]['text'].strip())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "42"
    assert done.stderr == "", done.stderr


def test_the_student_copy_has_its_own_readme_and_no_private_files(tmp_path):
    assign = load_assign()
    first, second = tmp_path / "one.zip", tmp_path / "two.zip"
    assign.write_handout(first)
    assign.write_handout(second)
    assert first.read_bytes() == second.read_bytes(), "the same files give the same zip"
    with zipfile.ZipFile(first) as zipped:
        names = zipped.namelist()
        readme = zipped.read("sales-course/README.md").decode()
    assert readme == (ROOT / "workbook" / "README_student.md").read_text()
    assert "make " not in readme and "`make" not in readme
    for words in ("JupyterLab", "hub", "pip install -r requirements.txt", "Restart Kernel"):
        assert words in readme, words
    assert sorted(n for n in names if n.startswith("sales-course/notebooks/")) == [
        f"sales-course/notebooks/{s.stem}.ipynb" for s in SOURCES]
    for needed in ("LICENSE", "requirements.txt", "pyproject.toml",
                   "src/teamsim/__init__.py", "src/teamsim/data/roster.csv",
                   "jupyter-config/jupyter_server_config.d/teamsim.json"):
        assert f"sales-course/{needed}" in names, needed
    private = [n for n in names if re.search(r"/(workbook|grading|instructor|tests|tools)/", n)
               and "/src/teamsim/" not in n]
    assert private == []
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_snapshots_say_how_to_run_live_without_make():
    from teamsim.course.dashboard import LIVE_NOTE

    assert "make" not in LIVE_NOTE and "JupyterLab" in LIVE_NOTE and "hub" in LIVE_NOTE
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        assert "make lab" not in path.read_text("utf-8"), path.name


def test_the_hub_installs_nbgitpuller():
    pins = (ROOT / "requirements.txt").read_text()
    assert re.search(r"^nbgitpuller==", pins, flags=re.M)
