"""The model's behavioural constants, in one place, each with its allowed range and evidence status.

Every number that shapes how a simulated rep or manager behaves lives in :class:`Params`; the
engine holds no other constant that changes behaviour. A :class:`~teamsim.Scenario` carries a
``Params`` instance, so a chapter or a student can ask "what if trust built twice as fast?" with
``dataclasses.replace``.

Each field has a **status** (:data:`STATUSES`):

- ``measured``: a published figure sets its size (the figure and source are named);
- ``directional``: research supports the sign of the effect; the size is chosen;
- ``assumed``: a teaching assumption, said plainly.

A citation in a docstring claims only what the cited work found. Several figures are vendor
surveys: plausible magnitudes the model is sized to, not causal estimates. The causal links
themselves are listed in :mod:`teamsim.model.mechanisms`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

import numpy as np

DRIVERS: tuple[str, ...] = ("competition", "development", "autonomy", "recognition")
"""What each rep responds to most: the four drivers of the article the course follows.
Self-determination theory supports autonomy and competence (development); competition is not
one of its needs."""

STATUSES = ("measured", "directional", "assumed")
"""How well evidence supports a parameter's value (see the module docstring)."""


@dataclass(frozen=True)
class ParamSpec:
    """The allowed range of a parameter (inclusive) and its evidence status."""

    low: float
    high: float
    status: str
    integer: bool = False


def spec(default: Any, low: float, high: float, status: str) -> Any:
    """A ``Params`` field: its default, allowed range and status (kept in field metadata)."""
    integer = isinstance(default, int)
    return field(default=default, metadata={"spec": ParamSpec(low, high, status, integer)})


INF = math.inf
UNIT = (0.0, 1.0)


@dataclass(frozen=True)
class Params:
    """Behavioural constants of the weekly update (units per week unless stated).

    Attributes
    ----------
    manager_week
        The most attention a manager can give in a week, in lever units: what the levers ask
        for (``control + inspiration``) is delivered as ``manager_week * (1 - exp(-load /
        manager_week))``, shared between the levers in proportion. Diminishing returns and a
        finite week, with no budget line or kink: past a full week, more of one lever means
        less of the other. Directional: a manager's time is limited (CSO Insights: managers
        spend about 21% of it coaching); the size is chosen.
    reference_team
        Reps per manager at which personal attention is undiluted (CSO Insights: about 6 reps
        per manager; the default team has 10).
    attention_dilution
        Exponent of ``reference_team / team_size`` that scales the personal side of both levers
        (1:1s, being chased) on a bigger team; process reaches every rep whatever the size.
    activities_per_week
        Calls, meetings and e-mails a rep logs in a week at normal effort (the model's scale).
    effort_goal
        Most that a clear, pressing target adds to effort (a share). Goal-setting research:
        specific, hard goals raise output by about 12-15% (Locke & Latham).
    effort_goal_half
        Pressure at which a target gives half of ``effort_goal`` (effort rises with pressure
        and saturates; no inverted U is assumed: LePine et al. 2005 found linear relations).
    effort_engagement
        Effort gap between a fully disengaged and a fully engaged rep. Engagement and sales
        productivity go together across business units (Gallup: top vs bottom quartile about
        +18-21%, Harter et al.): the sign, not a per-rep size. The size is chosen; across teams
        run by different styles the model's quartile gap in revenue per rep is close to zero,
        far below Gallup's (see the calibration in the model appendix).
    effort_exhaustion
        Share of effort lost at full exhaustion (exhaustion predicts lower performance,
        Wright & Cropanzano 1998; the meta-analytic relation is weak, r about -.17).
    effort_noise, effort_noise_unmanaged
        Week-to-week spread of effort (log scale); the second part grows as control falls (no
        cadence or pipeline reviews: effort comes in bursts).
    team_noise_share
        Share of the effort noise that the whole team shares that week (moods spread).
    focus_base
        Share of activity on the right deals with no process, no trust and a team of
        ``reference_team``.
    focus_control, focus_trust
        Log-odds of focus added by full control (clear criteria, pipeline reviews) and by full
        trust (reps say which deals are weak).
    focus_size_penalty
        Log-odds of focus lost per e-fold of team size above ``reference_team``, where there is
        no process.
    opportunity_rate
        Qualified opportunities per focused activity for a rep of average skill in a normal
        market (the model's scale).
    opportunity_skill
        How much skill moves the opportunities an activity makes (a skilled rep qualifies
        better).
    sales_cycle
        Mean weeks from qualified opportunity to decision (about 60 days for SaaS account
        executives, Bridge Group & Skok 2017).
    stale_rate
        Share of live deals that go stale in a week when nobody inspects the pipeline.
    hygiene_rate
        Share of stale deals cleared from the CRM each week at full control.
    stale_expiry_weeks
        Weeks after which a stale deal drops out of the CRM on its own.
    win_base
        Win rate of an average rep on decided deals, sized so that the model's win rate lands
        near CSO Insights' 45-47% on forecast deals.
    win_skill
        How much skill moves the win rate. Teams with formal coaching won 53.6% vs 45.7%
        (CSO Insights): the sign, not a per-rep size.
    win_process
        Win-rate gain from a defined sales process at full control.
    win_exhaustion
        Share of the win rate lost at full exhaustion.
    win_engagement
        How much engagement moves the odds of winning a deal: intrinsic motivation predicts
        the quality of work more than its quantity (Cerasoli, Nicklin & Ford 2014). The size is
        chosen (see ``effort_engagement``).
    corner_half, corner_steepness
        Pressure at which half of the reps cut corners, and how sharply that share rises
        (a Hill curve): pressure to hit targets invites corner-cutting (Ordonez et al. 2009;
        Oliva & Sterman 2001).
    corner_cutting, discounting
        Share of the win rate, and of deal value, lost where corners are cut.
    deal_size
        Mean deal value in $k (about $25k, Bridge Group & Skok 2017).
    quota
        Weekly quota of a fully ramped rep in the first year, $k. Calibrated so that a
        well-run team in a calm year has about 50-65% of reps at quota (CSO Insights: about
        57-60% for years).
    quota_ratchet
        How far next year's quota follows this year's attainment: quota is multiplied by
        ``1 + quota_ratchet * (attainment - 1)`` at each year's end. Expectations move with
        results (Homer 1985); the size is chosen.
    attainment_memory
        Weeks over which reps and managers feel recent attainment (an exponential average).
    shortfall_softness
        Width of the smooth bend at quota in felt shortfall: a rep above quota feels no
        shortfall, one below feels it in proportion.
    shortfall_pressure
        Extra pressure per unit of shortfall: a controlling manager leans harder on a rep who
        misses.
    exhaustion_drain, exhaustion_base_demand
        Homer's (1985) burnout loop: exhaustion builds with effort times the job's demands (a
        base plus hindrance pressure); exhaustion follows job demands (Lee & Ashforth 1996).
    exhaustion_miss
        How much more a week drains after misses (Homer: low adequacy drains energy).
    exhaustion_recovery, recovery_pressure
        Share of exhaustion that a week with no pressure restores, and the pressure at which
        recovery falls to 1/e of that (long hours leave no time to recover, Homer 1985).
    reframing
        Share of the sting of a miss that inspiration removes (leaders reframe setbacks).
    trust_hindrance
        How much trust turns pressure from hindrance into challenge. Challenge demands go with
        higher performance and hindrance demands with lower (LePine et al. 2005; Podsakoff et
        al. 2007); that trust moves pressure between the two is a teaching assumption.
    engagement_base, engagement_inspiration, engagement_trust, engagement_exhaustion,
    engagement_hindrance
        Log-odds terms of the engagement a week offers; engagement moves toward it over
        ``engagement_weeks``. The manager accounts for most of the variance in team
        engagement (Beck & Harter 2015: at least 70%).
    engagement_weeks
        Time constant of engagement (engagement shifts over a quarter, not a week).
    control_fit
        Per driver (competition, development, autonomy, recognition): log-odds of engagement
        added by close control. Visible targets suit competitors; being checked on thwarts the
        need for autonomy (self-determination theory).
    generic_fit
        Per driver: how well a one-size-fits-all message lands (tailoring closes the gap).
    coaching_fit
        Per driver: how much a unit of coaching teaches (the development-driven seek it out).
    trust_base, trust_inspiration, trust_micromanagement
        Log-odds terms of the trust a week earns: inspiration fitted to the rep raises it;
        being watched without being heard lowers it.
    trust_rise_weeks, trust_fall_weeks
        Trust rises slowly and falls fast: trust is easier to destroy than to build (Slovic
        1993); the two time constants are chosen.
    coaching_rate
        Skill gained per week at full coaching with full trust, for a rep in the middle of the
        team: coaching helps the middle of the team most (CEB: up to +19% for the middle 60%),
        and leader coaching works through psychological safety (Edmondson 1999).
    coaching_without_trust
        Share of coaching's effect that lands even with no trust at all.
    coaching_time
        Share of a rep's selling week that full coaching takes: learning costs time now and
        pays later (Repenning & Sterman 2001).
    practice_rate
        Skill gained per week from practice alone, at normal effort.
    skill_decay
        Share of skill that fades in a week without use; practice and coaching offset it.
        Skills fade with disuse (Arthur et al. 1998); the rate is chosen.
    attrition_base
        Weekly quit hazard of a rep at the reference engagement and exhaustion, sized to about
        14% a year (Alexander Group: average B2B rep turnover).
    reference_engagement, reference_exhaustion
        Engagement and exhaustion at which the quit hazard is ``attrition_base``.
    attrition_engagement, attrition_exhaustion, attrition_shortfall
        Log-hazard per unit of engagement below the reference, exhaustion above it, and
        shortfall (engagement and turnover correlate -.30, Harter et al. 2002; exhaustion
        relates to turnover intentions, Lee & Ashforth 1996). ``attrition_engagement`` is
        sized so that teams in the top engagement quartile lose about a quarter fewer people
        than the bottom quartile (Gallup: -21% to -25% where turnover is high).
    managed_exit_rate
        Weekly chance, at full control, that a ramped rep far under quota is managed out.
    managed_exit_below, managed_exit_width
        Felt attainment around which managed exits start, and the width of that bend.
    vacancy_weeks
        Weeks to fill a vacancy.
    ramp_weeks
        Weeks for a new hire to reach 90% of full productivity (median about 5 months for
        account executives, Bridge Group).
    new_hire_skill, new_hire_skill_spread
        Mean and spread of a new hire's starting skill. The mean is sized so that, at a typical
        style, new hires reach 90% of a ramped rep's revenue in about the published ramp time
        (median about 5 months, Bridge Group); below that the skill gap, not the ramp, sets how
        long new hires lag.
    new_hire_output
        Share of a ramped rep's opportunities and quota that a new hire has in week one.
    new_hire_pipeline
        Share of a ramped rep's usual pipeline that a new hire is given on day one, on top of
        what the seat inherits: new hires with no book of business churn (Houghton et al.).
    pipeline_inherited
        Share of a leaver's live deals that stay with the seat for the next hire.
    new_hire_engagement, new_hire_exhaustion, new_hire_trust
        A new hire starts hopeful, rested and wary.
    start_engagement, start_exhaustion, start_trust, start_spread
        Means and spread of the team's state in week 1.
    start_skill_concentration
        How tightly incumbents' skill in week 1 gathers around 0.5 (like a Beta distribution's
        concentration: 4 gives a spread of about 0.17).
    start_ramp_max
        New hires on the team in week 1 are between 0 and this far through their ramp.
    start_pipeline
        Open deals of a ramped rep in week 1, as a share of the pipeline a fully focused rep
        at normal effort would hold (so that week 1 is a normal week).
    adapt_share
        Most of a shock's lost demand that a trusting team, given purpose and room, can find
        elsewhere while the shock lasts. No study sizes this: a teaching assumption.
    adapt_weeks
        Time constant of that search (slow: weeks to months).
    shock_slip
        Share of the shock's depth that shows up as deals slipping (decisions delayed).
    """

    manager_week: float = spec(1.2, 0.1, 10.0, "directional")
    reference_team: int = spec(6, 1, 500, "measured")
    attention_dilution: float = spec(0.35, 0.0, 2.0, "assumed")
    activities_per_week: float = spec(25.0, 1.0, 500.0, "assumed")
    effort_goal: float = spec(0.2, 0.0, 1.0, "measured")
    effort_goal_half: float = spec(0.25, 0.01, 5.0, "assumed")
    effort_engagement: float = spec(0.8, 0.0, 1.9, "directional")
    effort_exhaustion: float = spec(0.3, 0.0, 1.0, "directional")
    effort_noise: float = spec(0.06, 0.0, 1.0, "assumed")
    effort_noise_unmanaged: float = spec(0.3, 0.0, 1.0, "assumed")
    team_noise_share: float = spec(0.5, *UNIT, "assumed")
    focus_base: float = spec(0.35, 0.01, 0.99, "assumed")
    focus_control: float = spec(2.5, 0.0, 10.0, "directional")
    focus_trust: float = spec(1.0, 0.0, 10.0, "assumed")
    focus_size_penalty: float = spec(0.5, 0.0, 10.0, "assumed")
    opportunity_rate: float = spec(0.1, 0.001, 10.0, "assumed")
    opportunity_skill: float = spec(1.0, 0.0, 1.9, "assumed")
    sales_cycle: float = spec(8.5, 1.0, 104.0, "measured")
    stale_rate: float = spec(0.04, *UNIT, "assumed")
    hygiene_rate: float = spec(0.5, *UNIT, "assumed")
    stale_expiry_weeks: float = spec(52.0, 1.0, 520.0, "assumed")
    win_base: float = spec(0.475, 0.0, 0.95, "measured")
    win_skill: float = spec(0.9, 0.0, 1.9, "directional")
    win_process: float = spec(0.12, 0.0, 0.5, "directional")
    win_exhaustion: float = spec(0.25, *UNIT, "directional")
    win_engagement: float = spec(0.8, 0.0, 1.9, "directional")
    corner_half: float = spec(1.0, 0.01, 10.0, "assumed")
    corner_steepness: float = spec(4.0, 1.0, 20.0, "assumed")
    corner_cutting: float = spec(0.3, *UNIT, "directional")
    discounting: float = spec(0.2, *UNIT, "directional")
    deal_size: float = spec(25.0, 0.01, 1e6, "measured")
    quota: float = spec(13.5, 0.01, 1e6, "measured")
    quota_ratchet: float = spec(0.5, 0.0, 0.9, "directional")
    attainment_memory: float = spec(8.0, 1.0, 104.0, "assumed")
    shortfall_softness: float = spec(0.1, 0.001, 1.0, "assumed")
    shortfall_pressure: float = spec(0.9, 0.0, 5.0, "assumed")
    exhaustion_drain: float = spec(0.03, 0.0, 0.5, "directional")
    exhaustion_base_demand: float = spec(0.5, 0.0, 5.0, "assumed")
    exhaustion_miss: float = spec(1.0, 0.0, 10.0, "directional")
    exhaustion_recovery: float = spec(0.1, 0.0, 0.5, "directional")
    recovery_pressure: float = spec(0.8, 0.01, 10.0, "assumed")
    reframing: float = spec(0.7, *UNIT, "assumed")
    trust_hindrance: float = spec(0.6, *UNIT, "assumed")
    engagement_base: float = spec(0.0, -10.0, 10.0, "assumed")
    engagement_inspiration: float = spec(1.6, 0.0, 10.0, "directional")
    engagement_trust: float = spec(0.8, 0.0, 10.0, "directional")
    engagement_exhaustion: float = spec(1.2, 0.0, 10.0, "directional")
    engagement_hindrance: float = spec(1.0, 0.0, 10.0, "directional")
    engagement_weeks: float = spec(12.0, 1.0, 104.0, "assumed")
    control_fit: tuple[float, float, float, float] = spec((0.4, 0.0, -0.8, 0.2), -5.0, 5.0,
                                                          "directional")
    generic_fit: tuple[float, float, float, float] = spec((0.9, 0.5, 0.6, 0.8), 0.0, 1.0,
                                                          "assumed")
    coaching_fit: tuple[float, float, float, float] = spec((1.0, 1.3, 0.9, 1.0), 0.0, 3.0,
                                                           "assumed")
    trust_base: float = spec(-1.2, -10.0, 10.0, "assumed")
    trust_inspiration: float = spec(3.0, 0.0, 10.0, "directional")
    trust_micromanagement: float = spec(1.5, 0.0, 10.0, "directional")
    trust_rise_weeks: float = spec(16.0, 1.0, 104.0, "directional")
    trust_fall_weeks: float = spec(5.0, 1.0, 104.0, "directional")
    coaching_rate: float = spec(0.008, 0.0, 0.2, "directional")
    coaching_without_trust: float = spec(0.3, *UNIT, "assumed")
    coaching_time: float = spec(0.1, 0.0, 0.9, "directional")
    practice_rate: float = spec(0.004, 0.0, 0.2, "assumed")
    skill_decay: float = spec(0.004, 0.0, 0.2, "directional")
    attrition_base: float = spec(0.0024, 0.0, 0.5, "measured")
    reference_engagement: float = spec(0.55, *UNIT, "assumed")
    reference_exhaustion: float = spec(0.3, *UNIT, "assumed")
    attrition_engagement: float = spec(3.5, 0.0, 20.0, "measured")
    attrition_exhaustion: float = spec(1.5, 0.0, 20.0, "directional")
    attrition_shortfall: float = spec(0.8, 0.0, 20.0, "directional")
    managed_exit_rate: float = spec(0.008, 0.0, 0.5, "assumed")
    managed_exit_below: float = spec(0.5, 0.0, 2.0, "assumed")
    managed_exit_width: float = spec(0.1, 0.01, 1.0, "assumed")
    vacancy_weeks: int = spec(6, 1, 104, "assumed")
    ramp_weeks: float = spec(22.0, 1.0, 260.0, "measured")
    new_hire_skill: float = spec(0.5, *UNIT, "measured")
    new_hire_skill_spread: float = spec(0.06, 0.0, 0.5, "assumed")
    new_hire_output: float = spec(0.3, *UNIT, "assumed")
    new_hire_pipeline: float = spec(0.4, 0.0, 2.0, "directional")
    pipeline_inherited: float = spec(0.5, *UNIT, "assumed")
    new_hire_engagement: float = spec(0.65, *UNIT, "assumed")
    new_hire_exhaustion: float = spec(0.1, *UNIT, "assumed")
    new_hire_trust: float = spec(0.45, *UNIT, "assumed")
    start_engagement: float = spec(0.6, *UNIT, "assumed")
    start_exhaustion: float = spec(0.25, *UNIT, "assumed")
    start_trust: float = spec(0.5, *UNIT, "assumed")
    start_spread: float = spec(0.08, 0.0, 0.5, "assumed")
    start_skill_concentration: float = spec(4.0, 0.5, 100.0, "assumed")
    start_ramp_max: float = spec(0.3, *UNIT, "assumed")
    start_pipeline: float = spec(0.5, 0.0, 2.0, "assumed")
    adapt_share: float = spec(0.25, *UNIT, "assumed")
    adapt_weeks: float = spec(12.0, 1.0, 104.0, "assumed")
    shock_slip: float = spec(0.5, *UNIT, "assumed")

    MEMORY_BUDGET: ClassVar[int] = 1_500_000_000
    """Bytes one call may allocate; a bigger request is refused with the estimate."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            s = f.metadata["spec"]
            if isinstance(f.default, tuple):
                if not isinstance(value, (tuple, list)) or len(value) != len(f.default):
                    raise TypeError(f"Params.{f.name} must be {len(f.default)} numbers, one per "
                                    f"driver {DRIVERS}, got {value!r}")
                checked = tuple(check_number(f"{f.name}[{i}]", v, s) for i, v in enumerate(value))
                object.__setattr__(self, f.name, checked)
            else:
                object.__setattr__(self, f.name, check_number(f.name, value, s))


def check_number(name: str, value: object, s: ParamSpec) -> Any:
    """``value`` if it is a number of the right kind inside ``s``'s range; otherwise raise."""
    kind = "a whole number" if s.integer else "a number"
    allowed = f"between {s.low:g} and {s.high:g}"
    if (isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number))
            or (s.integer and not float(value).is_integer())):
        raise TypeError(f"Params.{name} must be {kind} {allowed}, got {value!r} "
                        f"of type {type(value).__name__}")
    if not math.isfinite(float(value)) or not s.low <= value <= s.high:
        raise ValueError(f"Params.{name} must be {kind} {allowed}, got {value!r}")
    return int(value) if s.integer else float(value)


PARAM_SPECS: dict[str, ParamSpec] = {f.name: f.metadata["spec"] for f in fields(Params)}
"""Each parameter's allowed range and evidence status, by name."""


def parameter_table(params: Params | None = None) -> list[dict[str, object]]:
    """Every parameter with its value, range, status and the meaning its docstring gives.

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
             "status": PARAM_SPECS[f.name].status,
             "range": f"{PARAM_SPECS[f.name].low:g} to {PARAM_SPECS[f.name].high:g}",
             "meaning": meaning.get(f.name, "")} for f in fields(params)]
