"""A class of hostile capstone submissions: none can earn more than the same honest answer,
see or change what it must not, or hide what it did.

Each notebook is the released capstone notebook with an honest answer (bruno's policy of the
example class, full marks; or a constant policy with ``results = fixed``, no marks) and one
hostile cell. The class is graded once, two at a time, with short cell time limits; the
grading bundle, the course's workbook and notebooks and the folder of submissions are hashed
before and after.
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from teamsim.instructor.grading import CAPSTONE, grade_folder, write_results
from teamsim.instructor.sandbox import PROCESSES

pytestmark = pytest.mark.instructor

ROOT = Path(__file__).resolve().parents[2]
CELL_TIMEOUT_S = 15
CONSTANT = "my_policy = lambda week, state: Style(0.6, 0.6)"
ESCAPE = f"teamsim-escape-{uuid.uuid4().hex}.txt"
"""A file name hostile cells try to create outside their scratch folder."""


def hostile_cells(folder: Path, grading_dir: Path) -> dict[str, tuple[str, list[str], str]]:
    """file name: (honest twin, hostile cells, words its status must hold)."""
    tests = grading_dir / CAPSTONE / "tests"
    return {
        "patches_course_code.ipynb": ("honest_constant.ipynb", [
            "import teamsim.course.checks as c\n"
            "from teamsim.course.checks import Feedback\n"
            "c.check = lambda name, namespace=None: Feedback(name, 'correct', 'trust me')",
            "import teamsim.instructor.grading as g\n"
            "g.run_test = lambda *args, **kwargs: {'score': 99}\n"
            "g.record_policy = lambda *args, **kwargs: None",
            "import teamsim, teamsim.model, teamsim.model.api as api\n"
            "_real = api.simulate\n"
            "def boosted(*args, **kwargs):\n"
            "    result = _real(*args, **kwargs)\n"
            "    result._team['revenue'] *= 10\n"
            "    return result\n"
            "teamsim.simulate = teamsim.model.simulate = api.simulate = boosted"],
            "replaced the course's own code (teamsim.course.checks.check"),
        "reads_secrets.ipynb": ("honest_bruno.ipynb", [
            f"print(open({str(tests / 'policy_beats_fixed.py')!r}).read())",
            "import os, teamsim\nfrom pathlib import Path\n"
            "repo = Path(teamsim.__file__).resolve().parents[2]\n"
            "print(sorted(os.listdir(repo)))\n"
            "print(open(repo / 'workbook' / '06_capstone.md').read())",
            f"import os\nprint(os.listdir({str(folder)!r}))"],
            "raised FileNotFoundError"),
        "writes_outside_scratch.ipynb": ("honest_bruno.ipynb", [
            "open('scratch_is_fine.txt', 'w').write('mine')\n"
            f"open({str(tests / 'policy_runs.py')!r}, 'w').write('test = {{}}')",
            f"open({str(folder / 'extra_row.ipynb')!r}, 'w').write('{{}}')",
            f"open({'/' + ESCAPE!r}, 'w').write('escaped')"], "Read-only file system"),
        "opens_socket.ipynb": ("honest_bruno.ipynb", [
            "import socket\nsocket.create_connection(('1.1.1.1', 80), timeout=3)"],
            "there is no network while grading"),
        "fork_bomb.ipynb": ("honest_bruno.ipynb", [
            "import os\nwhile True:\n    os.fork()"], f"at most {PROCESSES} processes"),
        "prints_50_mb.ipynb": ("honest_bruno.ipynb", [
            "print('x' * 50_000_000)"], "wrote 50.0 MB to its output"),
        "sleeps_forever.ipynb": ("honest_bruno.ipynb", [
            "import time\ntime.sleep(10**9)"],
            f"ran for more than {CELL_TIMEOUT_S} s and was stopped"),
    }


def hostile_notebook(example, policy: str, results: str, cells: list[str]):
    nb = example.submission(policy, results=results, extra=cells[0])
    at = nb.cells.index(example.cell(nb, example.POLICY_CELL)) + 2
    for offset, source in enumerate(cells[1:]):
        nb.cells.insert(at + offset, nbformat.v4.new_code_cell(source))
    return nb


def tree_hash(*folders: Path) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        if not folder.exists():
            continue
        for path in sorted(folder.rglob("*")):
            digest.update(str(path).encode())
            if path.is_file():
                digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory, grading_dir, example, marker):
    folder = tmp_path_factory.mktemp("hostile") / "class"
    folder.mkdir()
    cases = hostile_cells(folder, grading_dir)
    bruno = example.STUDENTS["bruno"]["policy"]
    honest = {"honest_bruno.ipynb": example.submission(bruno),
              "honest_constant.ipynb": example.submission(CONSTANT, results="results = fixed")}
    for name, nb in honest.items():
        nbformat.write(nb, folder / name)
    for name, (twin, cells, _) in cases.items():
        policy, results = (bruno, example.RESULTS) if twin == "honest_bruno.ipynb" else (
            CONSTANT, "results = fixed")
        nbformat.write(hostile_notebook(example, policy, results, cells), folder / name)
    watched = (grading_dir, ROOT / "grading", ROOT / "workbook", ROOT / "notebooks", folder)
    before = tree_hash(*watched)
    start = time.perf_counter()
    bundle, rows = grade_folder(folder, CAPSTONE, jobs=2, cell_timeout=CELL_TIMEOUT_S,
                                timeout=240, grading_dir=grading_dir, progress=None)
    seconds = time.perf_counter() - start
    print(f"\nthe hostile class ({len(rows)} notebooks) was graded in {seconds:.0f} s")
    after = tree_hash(*watched)
    paths = write_results(bundle, rows, tmp_path_factory.mktemp("hostile-results"))
    return cases, {r.submission: r for r in rows}, (before, after), paths


def test_honest_answers_grade_as_before(hostile_class):
    _, rows, _, _ = hostile_class
    assert rows["honest_bruno.ipynb"].status == "ok"
    assert rows["honest_bruno.ipynb"].total == 12
    assert rows["honest_constant.ipynb"].total == 0


def test_no_hostile_notebook_earns_more_than_its_honest_twin(hostile_class):
    cases, rows, _, _ = hostile_class
    for name, (twin, _, _) in cases.items():
        for question, points in rows[name].scores.items():
            assert points <= rows[twin].scores[question], (name, question, rows[name].status)


@pytest.mark.parametrize("name", ["reads_secrets.ipynb", "writes_outside_scratch.ipynb",
                                  "opens_socket.ipynb", "fork_bomb.ipynb", "prints_50_mb.ipynb",
                                  "sleeps_forever.ipynb"])
def test_a_blocked_cell_costs_nothing_else(hostile_class, name):
    """The sandbox stops the hostile cell; the honest answers around it keep their points."""
    _, rows, _, _ = hostile_class
    assert rows[name].total == rows["honest_bruno.ipynb"].total, rows[name].status


def test_each_status_says_what_happened(hostile_class):
    cases, rows, _, _ = hostile_class
    for name, (_, _, words) in cases.items():
        assert words in rows[name].status, (name, rows[name].status)
        assert "Traceback" not in rows[name].status
    status = rows["patches_course_code.ipynb"].status
    assert "teamsim.instructor.grading.run_test" in status
    assert "teamsim.model.api.simulate" in status
    assert "grading never uses the notebook's copy" in status
    reads = rows["reads_secrets.ipynb"].status
    assert reads.count("not there while grading") == 3, reads
    writes = rows["writes_outside_scratch.ipynb"].status
    assert writes.count("raised FileNotFoundError") == 2, writes


def test_nothing_outside_the_scratch_folder_changed(hostile_class):
    _, rows, (before, after), _ = hostile_class
    assert before == after, "the bundle, the workbook, the notebooks or the submissions changed"
    assert not (Path("/") / ESCAPE).exists()
    assert not Path("/tmp", ESCAPE).exists()
    assert "extra_row.ipynb" not in rows


def test_what_a_notebook_printed_is_kept_truncated_and_holds_no_secret(hostile_class):
    _, _, _, paths = hostile_class
    output = paths["output"]
    big = (output / "prints_50_mb.ipynb.txt").read_text("utf-8")
    assert re.search(r"output \(5000\d{4} bytes, the first 200000 kept\)", big), big[:80]
    assert len(big.encode()) < 250_000
    for path in output.iterdir():
        text = path.read_text("utf-8")
        assert "_h_year" not in text and "OK_FORMAT" not in text, path.name
        assert "06_capstone.md" not in text or "No such file" in text, path.name


def test_no_process_outlives_the_hostile_class(hostile_class, strays):
    assert strays() == []
