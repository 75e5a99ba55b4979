"""The weekly update: one place for the state, one for the step, vectorised over teams and reps.

Arrays have shape ``(teams, reps)``: a "team" is one Monte-Carlo run of one style, so a sweep of
441 styles with 100 runs each is one batch of 44,100 teams stepped together. The only Python loop
is the one over weeks. The equations are written out in the model appendix of the book.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from teamsim.model.core import Scenario
from teamsim.model.params import COACHING_FIT, CONTROL_FIT, DRIVERS, GENERIC_FIT, Params

QUARTER = 13
"""Weeks in the rolling quarter over which attainment and 'at quota' are judged."""


TEAM_METRICS = ("revenue", "deals_won", "activities", "pipeline", "forecast", "quota",
                "headcount", "quits", "engagement", "exhaustion", "trust", "skill", "focus",
                "attainment", "at_quota", "market", "control", "inspiration")
REP_METRICS = ("active", "revenue", "deals_won", "activities", "pipeline", "quota", "quit",
               "engagement", "exhaustion", "trust", "skill", "focus", "attainment", "at_quota")


@dataclass
class TeamState:
    """Everything the model tracks, per team and rep (``(teams, reps)`` arrays)."""

    driver: np.ndarray      # int index into DRIVERS
    skill: np.ndarray       # [0, 1]
    ramp: np.ndarray        # [0, 1], 1 = fully ramped
    engagement: np.ndarray  # [0, 1]
    exhaustion: np.ndarray  # [0, 1]
    trust: np.ndarray       # [0, 1]
    live: np.ndarray        # open opportunities that are being worked (deals)
    stale: np.ndarray       # open opportunities nobody is working any more (deals)
    feel: np.ndarray        # exponential average of weekly attainment (ratio to quota)
    rev_buf: np.ndarray     # (QUARTER, teams, reps) revenue of the last 13 weeks, $k
    quota_buf: np.ndarray   # (QUARTER, teams, reps) quota of the last 13 weeks, $k
    rev_quarter: np.ndarray  # revenue over the rolling quarter, $k (sum of rev_buf)
    quota_quarter: np.ndarray  # quota over the rolling quarter, $k (sum of quota_buf)
    active: np.ndarray      # 1.0 where the position is filled, 0.0 while it is vacant
    vacancy: np.ndarray     # weeks until a vacant position is filled
    adapt: np.ndarray       # (teams, 1) share of shock demand the team has found elsewhere

    def tile(self, times: int) -> TeamState:
        """Repeat every team ``times`` times (the same starting teams for every style)."""
        out = {}
        for name, arr in vars(self).items():
            axis = 1 if arr.ndim == 3 else 0
            reps = [1] * arr.ndim
            reps[axis] = times
            out[name] = np.tile(arr, reps)
        return TeamState(**out)


def new_hire_values(p: Params, rng: np.random.Generator, shape: tuple[int, ...]) -> dict:
    """Starting values of new hires: low skill, not ramped, hopeful, wary, rested."""
    return {
        "skill": np.clip(rng.normal(p.new_hire_skill, 0.06, shape), 0.05, 0.95),
        "ramp": np.zeros(shape),
        "engagement": np.full(shape, 0.65),
        "exhaustion": np.full(shape, 0.1),
        "trust": np.full(shape, 0.45),
    }


def initial_state(scenario: Scenario, teams: int, rng: np.random.Generator) -> TeamState:
    """Draw ``teams`` starting teams: drivers from the mix, skills and tenures varied."""
    p = scenario.params
    shape = (teams, scenario.team_size)
    driver = rng.choice(len(DRIVERS), size=shape, p=np.asarray(scenario.driver_mix))
    # Skill of incumbents spreads over three tiers (a Beta centred on 0.5); new hires start low.
    skill = np.clip(rng.beta(4.0, 4.0, shape), 0.1, 0.9)
    ramp = np.ones(shape)
    new = rng.random(shape) < scenario.new_hire_share
    hires = new_hire_values(p, rng, shape)
    skill = np.where(new, hires["skill"], skill)
    ramp = np.where(new, rng.uniform(0.0, 0.3, shape), ramp)
    # Open pipeline near its steady state for an average rep, so week 1 is a normal week.
    steady = p.activities_per_week * 0.8 * 0.6 * p.opportunity_rate * p.sales_cycle
    live = rng.poisson(steady * (p.new_hire_output + (1 - p.new_hire_output) * ramp)).astype(float)
    return TeamState(
        driver=driver,
        skill=skill,
        ramp=ramp,
        engagement=np.clip(rng.normal(0.6, 0.08, shape), 0, 1),
        exhaustion=np.clip(rng.normal(0.25, 0.05, shape), 0, 1),
        trust=np.clip(rng.normal(0.5, 0.08, shape), 0, 1),
        live=live,
        stale=np.zeros(shape),
        feel=np.ones(shape),
        rev_buf=np.zeros((QUARTER,) + shape),
        quota_buf=np.zeros((QUARTER,) + shape),
        rev_quarter=np.zeros(shape),
        quota_quarter=np.zeros(shape),
        active=np.ones(shape),
        vacancy=np.zeros(shape, dtype=int),
        adapt=np.zeros((teams, 1)),
    )


Levers = Callable[[int, dict], tuple[np.ndarray, np.ndarray, np.ndarray]]
"""``(week_index, history) -> (control, inspiration, tailoring)``, each a ``(teams, 1)`` array."""


def market_index(scenario: Scenario) -> np.ndarray:
    """Demand per week as industry reports show it (1.0 = normal), before the team adapts."""
    index = np.full(scenario.weeks, float(scenario.demand))
    if scenario.shock_end is not None:
        index[scenario.shock_start - 1:scenario.shock_end] *= 1.0 - scenario.shock_depth
    return index


def unit(x: np.ndarray) -> np.ndarray:
    """Clamp to [0, 1] (two ufuncs: cheaper than ``np.clip``'s wrappers on small arrays)."""
    return np.minimum(np.maximum(x, 0.0), 1.0)


class Manager:
    """What the manager's levers mean for each rep this week (recomputed only when they change).

    ``control``, ``inspiration`` and ``tailoring`` are ``(teams, 1)`` arrays.
    """

    def __init__(self, p: Params, size: int, driver: np.ndarray, control: np.ndarray,
                 inspiration: np.ndarray, tailoring: np.ndarray) -> None:
        # The manager's week is finite: past the budget both levers thin out.
        load = control + inspiration
        spread = np.where(load > p.attention_budget,
                          (p.attention_budget / np.maximum(load, 1e-9)) ** p.overload_exponent,
                          1.0)
        self.control = control * spread
        self.inspiration = inspiration * spread
        # Personal attention (1:1s, coaching, being chased) thins out over a bigger team;
        # process (criteria, reviews, hygiene) reaches every rep whatever the team's size.
        dilution = min(1.0, (p.reference_team / size) ** p.attention_dilution)
        fit = tailoring + (1.0 - tailoring) * GENERIC_FIT[driver]
        self.personal = self.inspiration * dilution * fit  # inspiration as each rep receives it
        self.watched = self.control * dilution
        self.coaching = self.inspiration * dilution * COACHING_FIT[driver]
        self.control_fit = CONTROL_FIT[driver] * self.watched
        self.micromanaging = p.trust_micromanagement * np.maximum(
            self.watched - self.inspiration * dilution, 0.0)
        size_penalty = p.focus_size_penalty * max(0.0, np.log(size / p.reference_team))
        self.focus = p.focus_base + p.focus_control * self.control - size_penalty * (
            1.0 - self.control)
        self.noise_sd = p.effort_noise + p.effort_noise_unmanaged * (1.0 - self.control)
        self.process = 1.0 - p.win_process / 2 + p.win_process * self.control
        self.stale = p.stale_rate * (1.0 - self.control)
        self.hygiene = 1.0 - p.hygiene_rate * self.control - 1.0 / 52.0
        self.reframing = 1.0 - p.reframing * self.inspiration


def run(scenario: Scenario, state: TeamState, levers: Levers, rng: np.random.Generator,
        record_reps: bool = False, live_history: bool = True) -> tuple[dict, dict]:
    """Step ``state`` through the scenario's weeks; return team-level and rep-level records.

    Team records are ``(weeks, teams)`` arrays named by :data:`TEAM_METRICS`; rep records (only
    with ``record_reps``) are ``(weeks, teams, reps)`` arrays named by :data:`REP_METRICS`.
    With ``live_history`` the team records are kept up to date week by week (a policy reads
    them); without it they are computed once at the end from the rep records.
    """
    if not (record_reps or live_history):
        raise ValueError("run needs record_reps or live_history to produce team records")
    p = scenario.params
    teams, size = state.skill.shape
    weeks = scenario.weeks
    team = {k: np.zeros((weeks, teams)) for k in TEAM_METRICS}
    reps = ({k: np.zeros((weeks, teams, size)) for k in REP_METRICS} if record_reps else {})
    s = state
    market = market_index(scenario)
    team["market"][:] = market[:, None]
    noise_own = np.sqrt(1.0 - p.team_noise_share)
    noise_shared = np.sqrt(p.team_noise_share)
    win_a, win_b = p.win_base * (1.0 - p.win_skill / 2), p.win_base * p.win_skill
    effort_a, effort_b = 1.0 - p.effort_engagement / 2, p.effort_engagement
    # The levers' effects are recomputed only when ``levers`` hands back a new tuple (a fixed
    # style hands back the same one every week); week 1 always makes the first Manager.
    asked: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    m: Manager | None = None

    for t in range(weeks):
        chosen = levers(t, team)
        if m is None or chosen is not asked:
            asked, m = chosen, Manager(p, size, s.driver, *chosen)
        team["control"][t] = chosen[0][:, 0]
        team["inspiration"][t] = chosen[1][:, 0]

        # The market: in a shock, demand falls and deals slip; a trusting team that is given
        # purpose and room finds demand elsewhere (adapt), a tightly run one keeps its script.
        if market[t] < scenario.demand:
            trust_now = (s.trust * s.active).sum(1, keepdims=True) / np.maximum(
                s.active.sum(1, keepdims=True), 1.0)
            s.adapt += (p.adaptation_rate * trust_now * m.inspiration * (1.0 - m.control)
                        * (1.0 - s.adapt))
            depth: np.ndarray | float = scenario.shock_depth * (1.0 - s.adapt)
        else:
            depth = 0.0
        demand = scenario.demand * (1.0 - depth)
        slip = (1.0 - p.shock_slip * depth) / p.sales_cycle

        # Pressure: control, leaning harder on those who miss; trust turns it into challenge.
        shortfall = unit(1.0 - s.feel)
        pressure = m.watched * (1.0 + p.shortfall_pressure * shortfall)
        hindrance = pressure * (1.0 - p.trust_hindrance * s.trust)

        # Effort: an inverted U in pressure, lifted by engagement, cut by exhaustion; without
        # control it comes in bursts (part of each week's mood is shared by the whole team).
        z = (noise_shared * rng.standard_normal((teams, 1))
             + noise_own * rng.standard_normal((teams, size)))
        effort = ((p.effort_base + pressure * (p.effort_pressure - p.effort_pressure_sq * pressure))
                  * (effort_a + effort_b * s.engagement)
                  * (1.0 - p.effort_exhaustion * s.exhaustion)
                  * np.maximum(1.0 + m.noise_sd * z, 0.0))
        activities = p.activities_per_week * effort * s.active
        focus = np.minimum(np.maximum(m.focus + p.focus_trust * s.trust, 0.05), 0.95)

        # Pipeline: focused activity makes opportunities; deals decide over the sales cycle.
        new = activities * focus * (p.opportunity_rate * demand) * (0.5 + s.skill) * (
            p.new_hire_output + (1.0 - p.new_hire_output) * s.ramp)
        over = np.maximum(pressure - p.corner_threshold, 0.0)
        win = np.minimum((win_a + win_b * s.skill) * m.process
                         * (1.0 - p.win_exhaustion * s.exhaustion)
                         * (1.0 - p.corner_cutting * over) * demand, 0.95)
        deciding = s.live * slip
        deals = rng.poisson(deciding * win) * s.active
        revenue = deals * (p.deal_size * (1.0 - p.discounting * np.minimum(over, 1.0)))
        going_stale = s.live * m.stale
        s.live = np.maximum(s.live + new - deciding - going_stale, 0.0)
        s.stale = s.stale * m.hygiene + going_stale

        # Attainment: felt week by week (an 8-week memory), judged over the rolling quarter.
        quota = p.quota * (p.new_hire_output + (1.0 - p.new_hire_output) * s.ramp) * s.active
        ratio = np.where(s.active > 0, revenue / np.maximum(quota, 1e-9), 1.0)
        s.feel += (ratio - s.feel) / p.attainment_memory
        slot = t % QUARTER
        s.rev_quarter += revenue - s.rev_buf[slot]
        s.quota_quarter += quota - s.quota_buf[slot]
        s.rev_buf[slot] = revenue
        s.quota_buf[slot] = quota
        attainment = s.rev_quarter / np.maximum(s.quota_quarter, 1e-9)

        # Exhaustion (Homer 1985): demand drains, misses sting unless reframed, rest restores.
        drain = (p.exhaustion_drain * effort * (p.exhaustion_base_demand + hindrance)
                 * (1.0 + p.exhaustion_miss * shortfall * m.reframing))
        recover = p.exhaustion_recovery * s.exhaustion * np.maximum(
            p.recovery_ceiling - pressure, 0.1)
        s.exhaustion = unit(s.exhaustion + drain - recover)

        # Engagement drifts toward what the week offers; trust rises slowly and falls fast.
        engaged = (p.engagement_base + p.engagement_inspiration * m.personal
                   + p.engagement_trust * s.trust - p.engagement_exhaustion * s.exhaustion
                   - p.engagement_hindrance * m.watched * (1.0 - s.trust) + m.control_fit)
        s.engagement += (unit(engaged) - s.engagement) / p.engagement_weeks
        trusting = unit(p.trust_base + p.trust_inspiration * m.personal - m.micromanaging)
        gap = trusting - s.trust
        s.trust += gap / np.where(gap > 0, p.trust_rise_weeks, p.trust_fall_weeks)

        # Skill: coaching lands best in the middle of the team (CEB) and where it is safe to
        # admit what you don't know (Edmondson 1999); practice adds a little.
        s.skill = unit(s.skill + p.coaching_rate * m.coaching
                       * (p.coaching_without_trust + (1.0 - p.coaching_without_trust) * s.trust)
                       * (4.0 * s.skill * (1.0 - s.skill))
                       + p.practice_rate * effort * (1.0 - s.skill))
        s.ramp = np.minimum(s.ramp + 1.0 / p.ramp_weeks, 1.0)

        # Who leaves: low engagement, exhaustion and misses; control manages low performers out.
        hazard = p.attrition_base * np.exp(p.attrition_engagement * (0.55 - s.engagement)
                                           + p.attrition_exhaustion * (s.exhaustion - 0.3)
                                           + p.attrition_shortfall * shortfall)
        hazard += p.managed_exit_rate * m.control * ((s.feel < 0.5) & (s.ramp >= 1.0))
        quit = (rng.random((teams, size)) < hazard) * s.active

        week_reps = {
            "active": s.active, "revenue": revenue, "deals_won": deals,
            "activities": activities, "pipeline": (s.live + s.stale) * (p.deal_size * s.active),
            "quota": quota, "quit": quit, "engagement": s.engagement,
            "exhaustion": s.exhaustion, "trust": s.trust, "skill": s.skill, "focus": focus,
            "attainment": attainment, "at_quota": attainment >= 1.0,
        }
        if record_reps:
            for name, values in week_reps.items():
                reps[name][t] = values
        if live_history:
            for name, values in team_totals(week_reps, p).items():
                team[name][t] = values
        if quit.any() or (s.vacancy > 0).any():
            fill_vacancies(s, quit > 0, p, rng)
    if not live_history:
        team.update(team_totals(reps, p))
    return team, reps


def fill_vacancies(s: TeamState, quit: np.ndarray, p: Params, rng: np.random.Generator) -> None:
    """Leavers take their deals with them; a vacancy is filled by a new hire after a search."""
    searching = np.maximum(s.vacancy - 1, 0)
    if quit.any():
        s.active = np.where(quit, 0.0, s.active)
        s.vacancy = np.where(quit, p.vacancy_weeks, searching)
        for name in ("live", "stale", "rev_quarter", "quota_quarter"):
            getattr(s, name)[quit] = 0.0
        s.rev_buf[:, quit] = 0.0
        s.quota_buf[:, quit] = 0.0
    else:  # most weeks: nobody left, searches go on
        s.vacancy = searching
    hired = (s.active == 0) & (s.vacancy == 0)
    if hired.any():
        for name, values in new_hire_values(p, rng, (int(hired.sum()),)).items():
            getattr(s, name)[hired] = values
        s.feel[hired] = 1.0
        s.active[hired] = 1.0


def team_totals(reps: dict, p: Params) -> dict:
    """Team totals, and means over reps in post, of rep records (``(..., reps)`` arrays).

    Rows are flattened to 2-D so that each sum over the short rep axis is a matrix product,
    which numpy does far faster than a reduction along that axis.
    """
    outer = reps["active"].shape[:-1]
    flat = {name: np.asarray(values, dtype=float).reshape(-1, values.shape[-1])
            for name, values in reps.items()}
    ones = np.ones(flat["active"].shape[-1])
    on = flat["active"]
    count = on @ ones
    per = np.maximum(count, 1.0)
    out = {name: flat[name] @ ones  # these are zero for empty positions already
           for name in ("revenue", "deals_won", "activities", "pipeline", "quota", "quit")}
    out["quits"] = out.pop("quit")
    out["forecast"] = out["pipeline"] * p.win_base / p.sales_cycle
    out["headcount"] = count
    for name in ("engagement", "exhaustion", "trust", "skill", "focus", "attainment", "at_quota"):
        out[name] = np.einsum("nr,nr->n", flat[name], on) / per
    return {name: values.reshape(outer) for name, values in out.items()}
