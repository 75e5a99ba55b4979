"""Shared set-up for the instructor kit's tests (marked ``instructor``; ``make test-instructor``
runs them, ``make test-model`` leaves them out, a bare ``pytest`` runs them with the rest).

The capstone is assigned afresh into a temporary folder once per run (``tools/assign.py
--student-dir --grading-dir``): that gives an up-to-date grading bundle on a fresh checkout,
where ``grading/`` (git-ignored) does not exist, and a regenerated student notebook to compare
with the committed one. The made-up class of ``instructor/example_class.py`` is then graded once
for all the tests that need it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from teamsim.instructor.grading import CAPSTONE, Bundle, grade_folder, write_results

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CELL_TIMEOUT_S = 20
"""Long enough for any honest cell on a busy 2-core machine, short enough for the loops."""
MARKER = "TEAMSIM_GRADING_TEST"
"""An environment variable every worker and kernel of these tests inherits, to find strays."""


def load_example_class():
    spec = importlib.util.spec_from_file_location("example_class",
                                                  ROOT / "instructor" / "example_class.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def processes_marked(marker: str) -> list[int]:
    """Live processes whose environment holds ``MARKER=marker``."""
    found = []
    needle = f"{MARKER}={marker}".encode()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if needle in (proc / "environ").read_bytes().split(b"\0"):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.fixture(scope="session")
def assigned(tmp_path_factory) -> tuple[Path, Path]:
    """(student notebooks folder, grading bundles folder) of a fresh ``assign.py 06`` run."""
    out = tmp_path_factory.mktemp("assigned")
    students, grading = out / "notebooks", out / "grading"
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "assign.py"), CAPSTONE[:2],
                           "--student-dir", str(students), "--grading-dir", str(grading)],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return students, grading


@pytest.fixture(scope="session")
def grading_dir(assigned) -> Path:
    return assigned[1]


@pytest.fixture(scope="session")
def bundle(grading_dir) -> Bundle:
    return Bundle.load(CAPSTONE, grading_dir)


@pytest.fixture(scope="session")
def marker() -> str:
    value = uuid.uuid4().hex
    os.environ[MARKER] = value
    return value


@pytest.fixture(scope="session")
def strays(marker):
    """A function listing the processes of this run's graders and kernels still alive."""
    return lambda: processes_marked(marker)


@pytest.fixture(scope="session")
def example():
    """The module instructor/example_class.py."""
    return load_example_class()


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory, grading_dir, marker):
    """(folder of submissions, bundle, rows by file name, paths of the written results)."""
    folder = tmp_path_factory.mktemp("class") / "class"
    load_example_class().write(folder)
    graded, rows = grade_folder(folder, CAPSTONE, cell_timeout=CELL_TIMEOUT_S, timeout=240,
                                grading_dir=grading_dir, progress=None)
    paths = write_results(graded, rows, tmp_path_factory.mktemp("results"), folder=folder,
                          roster=ROOT / "instructor" / "example_roster.csv",
                          title="Capstone (part 6)")
    return folder, graded, {r.submission: r for r in rows}, paths
