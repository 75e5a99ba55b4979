"""The package as a user installs it: `pip install .` (not editable) into a fresh virtual
environment, with the model's dependencies only.

It proves that the installed package finds its own data files (importlib.resources, not a path
into a checkout), that ``python -m teamsim.analysis.lessons`` runs there, that
``import teamsim`` needs neither the plotting nor the widget stack (they are not installed), and
that the install enables the package's Jupyter server extension in the environment.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow

LOAD_DATA = """
import sys
import teamsim, teamsim.data
from teamsim.data import SCHEMAS, load
print("teamsim from", teamsim.__file__)
for name in SCHEMAS:
    frame = load(name)
    print(f"loaded {name}: {len(frame)} rows")
heavy = [m for m in ("altair", "ipywidgets", "anywidget", "otter") if m in sys.modules]
print("plotting or widget modules imported:", heavy or "none")
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with `pip install <copy of the project>`; returns its python."""
    tmp = tmp_path_factory.mktemp("install")
    source = tmp / "project"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    for folder in ("src", "jupyter-config"):
        shutil.copytree(ROOT / folder, source / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    str(source)], check=True, cwd=tmp, env=clean_env())
    shutil.rmtree(source)  # the installed package must not lean on the copy it was built from
    return python


def clean_env() -> dict[str, str]:
    """The environment less anything that would point Python at this checkout."""
    return {k: v for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "TEAMSIM_DATA", "VIRTUAL_ENV")}


def run(python: Path, *args: str, cwd: Path) -> str:
    done = subprocess.run([python, *args], capture_output=True, text=True, cwd=cwd,
                          env=clean_env(), timeout=600)
    print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_installed_package_loads_its_data_without_the_course_stack(installed, tmp_path):
    out = run(installed, "-c", LOAD_DATA, cwd=tmp_path)
    assert "site-packages" in out.splitlines()[0], out
    for name, rows in (("roster.csv", 10), ("style_year.csv", 4 * 52)):
        assert f"loaded {name}: {rows} rows" in out
    assert "loaded crm_weekly.csv:" in out
    assert "plotting or widget modules imported: none" in out
    missing = subprocess.run([installed, "-c", "import altair"], capture_output=True,
                             cwd=tmp_path, env=clean_env())
    assert missing.returncode != 0, "the model-only install should not bring altair"


def test_installed_package_measures_its_lessons(installed, tmp_path):
    out = run(installed, "-m", "teamsim.analysis.lessons", cwd=tmp_path)
    verdicts = [line.split()[:2] for line in out.splitlines() if line[:1] == "L" and
                line.split()[0][1:].isdigit()]
    assert [key for key, _ in verdicts] == [f"L{i}" for i in range(1, 12)]
    assert {verdict for _, verdict in verdicts} <= {"holds", "FAILS"}


def test_installed_package_enables_its_jupyter_server_extension(installed):
    # A regular install puts the server extension's switch where every Jupyter server started
    # from the environment reads it (teamsim.course.lab: kernel websockets without Nagle's delay).
    config = installed.parents[1] / "etc" / "jupyter" / "jupyter_server_config.d" / "teamsim.json"
    assert config.is_file(), f"no {config}"
    assert json.loads(config.read_text()) == {
        "ServerApp": {"jpserver_extensions": {"teamsim.course.lab": True}}}
