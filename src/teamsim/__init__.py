"""teamsim: a simulated sales team for a course on managing and leading.

>>> from teamsim import Style, Scenario, simulate
>>> result = simulate(Style(control=0.6, inspiration=0.7), Scenario.default(), runs=10, seed=0)
>>> result.summary()["revenue"].round(-2).iloc[0] > 0
np.True_
"""

from teamsim.api import SUMMARY_UNITS, PolicyState, Result, simulate, sweep
from teamsim.core import ABSENTEE, CHEERLEADER, COACH, DRILLER, STYLES, Scenario, Style
from teamsim.params import DRIVERS, Params

__all__ = [
    "ABSENTEE", "CHEERLEADER", "COACH", "DRILLER", "DRIVERS", "STYLES", "SUMMARY_UNITS",
    "Params", "PolicyState", "Result", "Scenario", "Style", "simulate", "sweep",
]
__version__ = "0.1.0"
