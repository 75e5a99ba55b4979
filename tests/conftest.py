"""What a bare ``pytest`` from the repository root runs, and what it leaves to ``make``.

A bare run collects every test under ``tests/``: the model and data tests, the built book in
the browser (``browser``), the workbook's checks, the workbook in JupyterLab (``browser``) and
the instructor kit (``instructor``). Select with the markers, e.g. ``-m "not browser and not
instructor"``. A test that cannot run here says why: it is skipped with its reason where
Debian's Chromium is missing, and fails, naming the command to run, where the book has not been
built. nbval's re-run of the notebooks in ``notebooks/`` needs its own options and has its own
target; a bare run says so at the end.
"""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    bare = config.args_source == pytest.Config.ArgsSource.TESTPATHS
    if bare and not (config.getoption("nbval", False) or config.getoption("nbval_lax", False)):
        terminalreporter.write_line(
            "not run by a bare pytest: nbval on the workbook's notebooks/ (outputs compared "
            "with the committed ones); run `make test-notebooks` for it")
