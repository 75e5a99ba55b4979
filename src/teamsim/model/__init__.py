"""The model: a simulated sales team and its manager (numpy and pandas only).

- :mod:`~teamsim.model.params`: every behavioural constant, with its evidence;
- :mod:`~teamsim.model.core`: what a learner chooses, a :class:`Style` and a :class:`Scenario`;
- :mod:`~teamsim.model.engine`: the state and the weekly step, vectorised over teams and reps;
- :mod:`~teamsim.model.api`: :func:`simulate`, :func:`sweep` and :func:`batch`, and their results;
- :mod:`~teamsim.model.policies`: managers who change style (the Navigator, a switch).
"""

from teamsim.model.api import (
    SUMMARY_UNITS,
    Batch,
    Calendar,
    Policy,
    PolicyHistory,
    PolicyState,
    Result,
    batch,
    simulate,
    sweep,
)
from teamsim.model.core import (
    ABSENTEE,
    CHEERLEADER,
    COACH,
    DRILLER,
    STYLES,
    THREE,
    Scenario,
    Style,
)
from teamsim.model.params import DRIVERS, Params
from teamsim.model.policies import Switch, navigator, policy_problem, switch_at

__all__ = [
    "ABSENTEE", "CHEERLEADER", "COACH", "DRILLER", "DRIVERS", "STYLES", "SUMMARY_UNITS", "THREE",
    "Batch", "Calendar", "Params", "Policy", "PolicyHistory", "PolicyState", "Result",
    "Scenario", "Style", "Switch", "batch", "navigator", "policy_problem", "simulate", "sweep",
    "switch_at",
]
