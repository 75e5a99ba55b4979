"""The two things a learner chooses: a manager's :class:`Style` and the :class:`Scenario`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

from teamsim.model.params import DRIVERS, Params


def check_unit(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a real number in [0, 1]; otherwise raise, naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number between 0 and 1, got {value!r} "
                        f"of type {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
    return value


def check_int(name: str, value: object, low: int, high: int) -> int:
    """Return ``value`` if it is an int in [low, high]; otherwise raise, naming it."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number between {low} and {high}, got {value!r} "
                        f"of type {type(value).__name__}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value!r}")
    return value


@dataclass(frozen=True)
class Style:
    """How a manager spends the week.

    Parameters
    ----------
    control
        Managing: targets, pipeline reviews, process, follow-up. 0 = none, 1 = all the time.
    inspiration
        Leading: purpose, recognition, coaching, 1:1s. 0 = none, 1 = all the time.
    tailoring
        How well inspiration is fitted to each rep's driver (0 = one message for all,
        1 = fully personal). Defaults to 0.5.
    """

    control: float
    inspiration: float
    tailoring: float = 0.5

    def __post_init__(self) -> None:
        for name in ("control", "inspiration", "tailoring"):
            object.__setattr__(self, name, check_unit(name, getattr(self, name)))


DRILLER = Style(control=0.9, inspiration=0.1)
COACH = Style(control=0.6, inspiration=0.7)
CHEERLEADER = Style(control=0.1, inspiration=0.9)
ABSENTEE = Style(control=0.1, inspiration=0.1)
STYLES: dict[str, Style] = {
    "Driller": DRILLER,
    "Coach": COACH,
    "Cheerleader": CHEERLEADER,
    "Absentee": ABSENTEE,
}
"""The four plain-named corners of the style map used throughout the course."""
THREE: dict[str, Style] = {"Driller": DRILLER, "Coach": COACH, "Cheerleader": CHEERLEADER}
"""The three styles the course follows through the year (the Absentee is left out)."""


@dataclass(frozen=True)
class Scenario:
    """The team and the market the manager faces.

    Parameters
    ----------
    team_size
        Rep positions on the team (1-500).
    weeks
        Length of the simulation in weeks (1-520).
    shock_start
        First week (1-based) of the market shock; ignored when ``shock_depth`` is 0.
    shock_weeks
        Length of the shock in weeks.
    shock_depth
        Share of demand lost at the start of the shock (0 = no shock, 1 = the market stops).
    new_hire_share
        Share of the team who start the year as new hires, not yet ramped.
    driver_mix
        Shares of reps driven by competition, development, autonomy and recognition (sum to 1).
    demand
        Market demand relative to normal (1.0 = a normal year).
    params
        Behavioural constants, see :class:`~teamsim.model.params.Params`.
    """

    team_size: int = 10
    weeks: int = 52
    shock_start: int = 18
    shock_weeks: int = 12
    shock_depth: float = 0.5
    new_hire_share: float = 0.1
    driver_mix: tuple[float, float, float, float] = (0.3, 0.3, 0.2, 0.2)
    demand: float = 1.0
    params: Params = field(default_factory=Params)

    NAMES: ClassVar[tuple[str, ...]] = ("default", "no_shock", "large_team", "new_team",
                                        "deep_shock")
    LABELS: ClassVar[dict[str, str]] = {
        "default": "default (shock)", "no_shock": "no shock",
        "large_team": "large team (40 reps)", "new_team": "new team (7 in 10 new)",
        "deep_shock": "deeper, longer shock"}
    """Each named scenario in a few words, for menus and chart labels."""

    def __post_init__(self) -> None:
        check_int("team_size", self.team_size, 1, 500)
        check_int("weeks", self.weeks, 1, 520)
        check_unit("shock_depth", self.shock_depth)
        check_unit("new_hire_share", self.new_hire_share)
        if isinstance(self.demand, bool) or not isinstance(self.demand, (int, float)):
            raise TypeError(f"demand must be a number between 0 and 3, got {self.demand!r}")
        if not math.isfinite(self.demand) or not 0.0 < self.demand <= 3.0:
            raise ValueError(f"demand must be between 0 (exclusive) and 3, got {self.demand!r}")
        if self.shock_depth > 0:
            check_int("shock_start", self.shock_start, 1, self.weeks)
            check_int("shock_weeks", self.shock_weeks, 1, self.weeks)
            end = self.shock_start + self.shock_weeks - 1
            if end > self.weeks:
                raise ValueError(f"shock_start + shock_weeks - 1 must be within the horizon of "
                                 f"{self.weeks} weeks, got a shock from week {self.shock_start} "
                                 f"to week {end}")
        mix = self.driver_mix
        if not isinstance(mix, (tuple, list)) or len(mix) != len(DRIVERS):
            raise TypeError(f"driver_mix must be {len(DRIVERS)} shares for {DRIVERS}, got {mix!r}")
        shares = tuple(check_unit(f"driver_mix[{i}]", s) for i, s in enumerate(mix))
        if abs(sum(shares) - 1.0) > 1e-6:
            raise ValueError(f"driver_mix must sum to 1, got {mix!r} (sum {sum(shares):.3f})")
        object.__setattr__(self, "driver_mix", shares)
        if not isinstance(self.params, Params):
            raise TypeError(f"params must be a teamsim.Params, got {self.params!r}")

    @property
    def shock_end(self) -> int | None:
        """Last week of the shock (1-based), or None when there is no shock."""
        if self.shock_depth == 0:
            return None
        return self.shock_start + self.shock_weeks - 1

    @classmethod
    def default(cls) -> Scenario:
        """Ten reps, a year, a market shock from week 18 to week 29 that takes half of demand."""
        return cls()

    @classmethod
    def no_shock(cls) -> Scenario:
        """The default team in a calm year."""
        return cls(shock_depth=0.0)

    @classmethod
    def large_team(cls) -> Scenario:
        """Forty reps under one manager, with the default shock."""
        return cls(team_size=40)

    @classmethod
    def new_team(cls) -> Scenario:
        """A team built this year: seven in ten reps are new hires, with the default shock."""
        return cls(new_hire_share=0.7)

    @classmethod
    def deep_shock(cls) -> Scenario:
        """A longer, deeper downturn (weeks 14-33, 55% of demand gone): a test case."""
        return cls(shock_start=14, shock_weeks=20, shock_depth=0.55)

    @classmethod
    def named(cls, name: str) -> Scenario:
        """Return a named scenario: one of :attr:`NAMES`."""
        if name not in cls.NAMES:
            raise ValueError(f"scenario name must be one of {cls.NAMES}, got {name!r}")
        return getattr(cls, name)()
