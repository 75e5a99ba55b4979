"""teamsim: a simulated sales team for a course on managing and leading.

``import teamsim`` loads the model only (numpy and pandas). The rest of the package is in
layers, each importing only the ones below it (checked by ``make lint``):

- ``teamsim.bench``: speed figures (``make bench``);
- ``teamsim.instructor``: grading a class and the capstone debrief;
- ``teamsim.course``: the book's helpers, the workbook's dashboards and exercise checks;
- ``teamsim.charts`` (Altair) and ``teamsim.data`` (the course's simulated data files);
- ``teamsim.analysis``: measurements on the model (lessons, robustness, calibration, measures);
- ``teamsim.model``: the simulation itself.

>>> from teamsim import Style, Scenario, simulate
>>> result = simulate(Style(control=0.6, inspiration=0.7), Scenario.default(), runs=10, seed=0)
>>> result.summary()["revenue"].round(-2).iloc[0] > 0
np.True_
"""

from teamsim.model import *  # noqa: F403 - the model's public API is the package's
from teamsim.model import __all__ as __all__


def __getattr__(name: str) -> str:
    """``teamsim.__version__``: the installed version, as pyproject.toml gives it (looked up
    when asked for: importlib.metadata would add a tenth to every ``import teamsim``)."""
    if name == "__version__":
        from importlib.metadata import version

        return version("teamsim")
    raise AttributeError(f"module 'teamsim' has no attribute {name!r}")
