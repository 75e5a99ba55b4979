"""The model's behavioural constants, in one place, with the evidence behind each default.

Every number that shapes how a simulated rep responds to the manager lives in :class:`Params`.
A :class:`~teamsim.Scenario` carries a ``Params`` instance, so a chapter or a student can ask
"what if trust built twice as fast?" with ``dataclasses.replace``. Figures quoted below come from
the sources listed in ``book/references.bib``; several are vendor surveys, so treat them as
plausible magnitudes the model is sized to, not causal estimates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

DRIVERS: tuple[str, ...] = ("competition", "development", "autonomy", "recognition")
"""What each rep responds to most (self-determination theory, Cerasoli et al. 2014, 2016)."""

# Per driver, in the order of DRIVERS. How well a one-size-fits-all message lands (tailoring
# closes the gap): a generic talk of targets and wins suits competitors and those who want
# recognition, less so those who want to grow or to be left to run their own book.
GENERIC_FIT = np.array([0.9, 0.5, 0.6, 0.8])
# How the personal side of control lands on top of its general cost: visible targets and
# rankings suit competitors, being checked on irks the autonomy-driven (SDT: control thwarts
# the need for autonomy, Ryan & Deci 2000).
CONTROL_FIT = np.array([0.10, 0.0, -0.20, 0.05])
# How much a unit of coaching teaches: the development-driven seek it out.
COACHING_FIT = np.array([1.0, 1.3, 0.9, 1.0])


@dataclass(frozen=True)
class Params:
    """Behavioural constants of the weekly update (units per week unless stated).

    Attributes
    ----------
    attention_budget
        Units of managerial attention in a week. ``control + inspiration`` above it spreads the
        manager thin: both levers are scaled by ``(budget / load) ** overload_exponent``. Sized so
        that a manager can run full process or full 1:1 coaching, not both (CSO Insights: managers
        spend about 21% of their time coaching).
    overload_exponent
        How sharply an overloaded week loses effect (>1: rushed 1:1s and skipped reviews cost
        more than the time they save).
    reference_team
        Team size at which a manager's personal attention is undiluted (CSO Insights: ~6 reps per
        manager; our default team has 10).
    attention_dilution
        Exponent of ``(reference_team / team_size)`` that scales inspiration per rep: process and
        dashboards scale with the team, one person's 1:1 time does not.
    activities_per_week
        Calls, meetings and e-mails a rep logs in a week at full effort.
    effort_base, effort_pressure, effort_pressure_sq
        Effort as an inverted U in pressure ``p``: ``base + a*p - b*p**2`` (Yerkes-Dodson style;
        challenge demands raise effort, LePine et al. 2005).
    effort_engagement
        Effort gap between a fully disengaged and a fully engaged rep, sized to Gallup's 18-21%
        sales-productivity gap between top and bottom engagement quartiles (Harter et al.).
    effort_exhaustion
        Share of effort lost at full exhaustion (Wright & Cropanzano 1998).
    effort_noise, effort_noise_unmanaged
        Week-to-week spread of effort; the second part grows as control falls (no cadence, no
        pipeline reviews: effort comes in bursts).
    team_noise_share
        Share of the effort noise that is common to the whole team that week (moods spread).
    focus_base, focus_control, focus_trust
        Share of activity spent on the right deals: rises at once with control (clear criteria,
        reviews) and slowly with trust (reps say which deals are weak).
    focus_size_penalty
        Focus lost per e-fold of team size above ``reference_team`` when there is no process.
    opportunity_rate
        Qualified opportunities per focused activity for a rep of average skill.
    sales_cycle
        Mean weeks from qualified opportunity to decision (~60-day SaaS cycle, Bridge Group).
    stale_rate
        Share of live deals that go stale each week when nobody inspects the pipeline.
    hygiene_rate
        Share of stale deals cleaned out each week at full control.
    win_base
        Win rate of an average rep (sized to CSO Insights' 45-47% win rate on forecast deals).
    win_skill
        How much skill moves the win rate (coached reps win more: 53.6% vs 45.7%, CSO Insights).
    win_process
        Win-rate gain from a defined sales process at full control.
    win_exhaustion
        Share of win rate lost at full exhaustion.
    corner_threshold, corner_cutting, discounting
        Above this pressure, reps cut corners: win rate and deal value fall (Ordonez et al. 2009;
        Oliva & Sterman 2001).
    deal_size
        Mean deal value in $k (~$25k, Bridge Group / Skok 2017).
    quota
        Weekly quota of a fully ramped rep in $k (sized so that a balanced team has 50-65% of
        reps at quota, as in CSO Insights' studies).
    attainment_memory
        Weeks over which reps and managers feel recent attainment (an exponential average).
    shortfall_pressure
        Extra pressure per unit of shortfall, per unit of control: a controlling manager leans
        harder on a rep who misses.
    exhaustion_drain, exhaustion_base_demand, exhaustion_recovery, exhaustion_miss
        Homer's (1985) burnout loop: exhaustion builds with effort times job demand (a base plus
        hindrance pressure), faster after misses, and drains away when pressure eases.
    recovery_ceiling
        Pressure at which recovery stops: below it, the lighter the week, the more a rep
        recovers (long hours leave no time to recover, Homer 1985).
    reframing
        Share of the sting of a miss that inspiration removes (leaders reframe setbacks).
    trust_hindrance
        How much trust turns pressure from hindrance into challenge (Podsakoff et al. 2007).
    engagement_base, engagement_inspiration, engagement_trust, engagement_exhaustion,
    engagement_hindrance
        Terms of the engagement target; engagement moves toward it over ``engagement_weeks``.
    engagement_weeks
        Time constant of engagement (engagement shifts over a quarter, not a week).
    trust_base, trust_inspiration, trust_micromanagement
        Terms of the trust target: inspiration fitted to the rep raises it; control in excess of
        inspiration (being watched, not heard) lowers it.
    trust_rise_weeks, trust_fall_weeks
        Trust rises slowly and falls fast (Slovic 1993).
    coaching_rate
        Skill gained per week at full coaching with full trust, for a rep in the middle of the
        team (CEB: coaching lifts the middle ~60% up to 19%; little at the tails), through
        psychological safety (Edmondson 1999).
    practice_rate
        Skill gained per week from practice alone, at full effort.
    attrition_base
        Weekly quit hazard of a rep at reference engagement and exhaustion (~14% a year, the
        Alexander Group's average B2B rep turnover).
    attrition_engagement, attrition_exhaustion, attrition_shortfall
        Log-hazard per unit of engagement below 0.55, of exhaustion above 0.3 and of shortfall
        (engagement and turnover correlate -.30, Harter et al. 2002; exhaustion predicts
        voluntary turnover, Lee & Ashforth 1996).
    managed_exit_rate
        Weekly chance, at full control, that a ramped rep under half of quota is managed out.
    vacancy_weeks
        Weeks to fill a vacancy.
    ramp_weeks
        Weeks for a new hire to ramp to full productivity (~5 months, Bridge Group).
    new_hire_skill
        Mean starting skill of a new hire.
    new_hire_output
        Share of a ramped rep's opportunities and quota that a new hire has in week one; the
        rest comes linearly over ``ramp_weeks``.
    coaching_without_trust
        Share of coaching's effect that lands even with no trust at all (the rest needs
        psychological safety).
    adaptation_rate
        How fast a team finds new demand during a market shock, per unit of trust times
        inspiration times the room that control leaves (1 - control): a team given purpose and
        room adapts, a tightly scripted one keeps working the old plan (resilient, adaptable
        teams; Wang et al. 2011).
    shock_slip
        Share of the shock's depth that shows up as deals slipping (decisions delayed) rather
        than lost demand.
    """

    attention_budget: float = 1.3
    overload_exponent: float = 1.5
    reference_team: int = 10
    attention_dilution: float = 0.35
    activities_per_week: float = 25.0
    effort_base: float = 0.55
    effort_pressure: float = 0.7
    effort_pressure_sq: float = 0.3
    effort_engagement: float = 0.4
    effort_exhaustion: float = 0.45
    effort_noise: float = 0.06
    effort_noise_unmanaged: float = 0.3
    team_noise_share: float = 0.5
    focus_base: float = 0.3
    focus_control: float = 0.45
    focus_trust: float = 0.15
    focus_size_penalty: float = 0.12
    opportunity_rate: float = 0.1
    sales_cycle: float = 8.5
    stale_rate: float = 0.04
    hygiene_rate: float = 0.5
    win_base: float = 0.45
    win_skill: float = 0.9
    win_process: float = 0.12
    win_exhaustion: float = 0.4
    corner_threshold: float = 0.85
    corner_cutting: float = 0.3
    discounting: float = 0.3
    deal_size: float = 25.0
    quota: float = 10.0
    attainment_memory: float = 8.0
    shortfall_pressure: float = 0.9
    exhaustion_drain: float = 0.03
    exhaustion_base_demand: float = 0.5
    exhaustion_recovery: float = 0.12
    exhaustion_miss: float = 1.0
    recovery_ceiling: float = 1.4
    reframing: float = 0.7
    trust_hindrance: float = 0.6
    engagement_base: float = 0.5
    engagement_inspiration: float = 0.35
    engagement_trust: float = 0.2
    engagement_exhaustion: float = 0.3
    engagement_hindrance: float = 0.2
    engagement_weeks: float = 12.0
    trust_base: float = 0.2
    trust_inspiration: float = 0.75
    trust_micromanagement: float = 0.3
    trust_rise_weeks: float = 16.0
    trust_fall_weeks: float = 5.0
    coaching_rate: float = 0.006
    practice_rate: float = 0.0006
    attrition_base: float = 0.0024
    attrition_engagement: float = 2.0
    attrition_exhaustion: float = 1.0
    attrition_shortfall: float = 1.0
    managed_exit_rate: float = 0.008
    vacancy_weeks: int = 6
    ramp_weeks: int = 22
    new_hire_skill: float = 0.3
    new_hire_output: float = 0.3
    coaching_without_trust: float = 0.3
    adaptation_rate: float = 0.8
    shock_slip: float = 0.5

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"Params.{f.name} must be a number, got {value!r}")
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"Params.{f.name} must be a finite number >= 0, got {value!r}")
        for name in ("sales_cycle", "attainment_memory", "engagement_weeks", "trust_rise_weeks",
                     "trust_fall_weeks", "attention_budget", "deal_size", "quota"):
            if getattr(self, name) <= 0:
                raise ValueError(f"Params.{name} must be > 0, got {getattr(self, name)!r}")
        for name in ("vacancy_weeks", "ramp_weeks", "reference_team"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise ValueError(f"Params.{name} must be an int >= 1, got {getattr(self, name)!r}")


def parameter_table(params: Params | None = None) -> list[dict[str, object]]:
    """Every parameter with its value and the meaning and evidence its docstring gives.

    Read from the ``Attributes`` section of :class:`Params`' docstring, so the book's model
    appendix shows exactly what the code documents.
    """
    params = params or Params()
    doc = (Params.__doc__ or "").split("Attributes\n    ----------\n", 1)[1]
    meaning: dict[str, str] = {}
    names: list[str] = []
    for line in doc.splitlines():
        if line.startswith("        "):
            for name in names:
                meaning[name] = (meaning.get(name, "") + " " + line.strip()).strip()
        elif line.strip():
            text = line.strip().rstrip(",")
            if names and line.startswith("    ") and text and not meaning.get(names[-1]):
                names = names + [n.strip() for n in text.split(",") if n.strip()]
            else:
                names = [n.strip() for n in text.split(",") if n.strip()]
    return [{"parameter": f.name, "value": getattr(params, f.name),
             "meaning": meaning.get(f.name, "")} for f in fields(params)]
