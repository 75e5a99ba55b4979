"""The weekly update: one place for the state, one for the step, vectorised over teams and reps.

Arrays have shape ``(teams, reps)``: a "team" is one Monte-Carlo run of one manager, so a sweep
of 441 styles with 100 runs each is one batch of 44,100 teams stepped together. The only Python
loop is the one over weeks. The equations are written out in the model appendix of the book, and
every causal link is listed in :mod:`teamsim.model.mechanisms`.

**Common random numbers.** Run ``r`` of a call with seed ``s`` draws every random number it will
ever need from its own stream (:class:`Draws`), whatever the manager, the other managers in the
batch or the number of runs: two styles on the same seed differ only by the style, and the first
``k`` runs of an ``n``-run call equal a ``k``-run call. Every state update is written so that it
stays in range by its form (saturating curves, exponential decay, log-odds), never by a clamp.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np

from teamsim.model.core import Scenario
from teamsim.model.params import Params

QUARTER = 13
"""Weeks in the rolling quarter over which attainment and 'at quota' are judged."""
YEAR = 52
"""Weeks after which quotas are reset on the year's results (:attr:`Params.quota_ratchet`)."""

TEAM_METRICS = ("revenue", "deals_won", "deals_lost", "activities", "pipeline", "forecast",
                "quota", "headcount", "quits", "engagement", "exhaustion", "trust", "skill",
                "focus", "attainment", "at_quota", "market", "control", "inspiration")
REP_METRICS = ("active", "revenue", "deals_won", "deals_lost", "activities", "pipeline", "quota",
               "quit", "tenure", "engagement", "exhaustion", "trust", "skill", "focus",
               "attainment", "at_quota")


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic curve: log-odds to a share in (0, 1)."""
    return 1.0 / (1.0 + np.exp(-x))


def logit(share: float) -> float:
    return float(np.log(share / (1.0 - share)))


def steady_pipeline(p: Params) -> float:
    """Open deals of a ramped rep working at normal effort with full focus (the unit in which
    starting and seeded pipelines are given)."""
    return p.activities_per_week * p.opportunity_rate * p.sales_cycle


class Draws:
    """Every random number ``runs`` runs of a scenario will use, one stream per run.

    Run ``r`` of seed ``seed`` draws from ``SeedSequence(seed, spawn_key=(r,))`` in a fixed
    order, so its numbers do not depend on how many runs were asked for or on anything the
    simulation does. Start arrays are ``(runs, reps)``; weekly ones ``(weeks, runs, reps)``.
    """

    START_U = ("driver", "new", "ramp", "pipeline")
    START_Z = ("skill", "hire_skill", "engagement", "exhaustion", "trust")
    WEEK_U = ("deals", "quit")
    WEEK_Z = ("effort", "hire_skill")

    def __init__(self, runs: int, team_size: int, weeks: int, seed: int) -> None:
        size = team_size
        n_u = len(self.START_U) * size + len(self.WEEK_U) * weeks * size
        n_z = len(self.START_Z) * size + weeks + len(self.WEEK_Z) * weeks * size
        u = np.empty((runs, n_u))
        z = np.empty((runs, n_z))
        for r in range(runs):
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(r,)))
            u[r] = rng.random(n_u)
            z[r] = rng.standard_normal(n_z)
        self.runs, self.weeks = runs, weeks
        self.start: dict[str, np.ndarray] = {}
        self.week: dict[str, np.ndarray] = {}
        at = 0
        for name in self.START_U:
            self.start[name], at = u[:, at:at + size], at + size
        for name in self.WEEK_U:
            block = u[:, at:at + weeks * size].reshape(runs, weeks, size)
            self.week[name], at = np.ascontiguousarray(block.transpose(1, 0, 2)), at + weeks * size
        at = 0
        for name in self.START_Z:
            self.start["z_" + name], at = z[:, at:at + size], at + size
        self.week["team"], at = np.ascontiguousarray(z[:, at:at + weeks].T[:, :, None]), at + weeks
        for name in self.WEEK_Z:
            block = z[:, at:at + weeks * size].reshape(runs, weeks, size)
            self.week["z_" + name], at = (np.ascontiguousarray(block.transpose(1, 0, 2)),
                                          at + weeks * size)

    def weekly(self, name: str, t: int, groups: int) -> np.ndarray:
        """Week ``t``'s draws ``name`` for ``groups`` blocks of the same runs."""
        values = self.week[name][t]
        # the blocks stacked, as np.tile(values, (groups, 1)) but in one call (this runs for
        # every draw of every week)
        return values if groups == 1 else np.concatenate([values] * groups)

    @staticmethod
    def bytes_needed(runs: int, team_size: int, weeks: int) -> int:
        per_run = (len(Draws.START_U) + len(Draws.START_Z)) * team_size + weeks * (
            1 + (len(Draws.WEEK_U) + len(Draws.WEEK_Z)) * team_size)
        return 8 * runs * per_run


DRAWS_KEPT_BYTES = 16 * 2**20
"""Draws up to this size are kept by :func:`draws_for` (a dashboard's 30 runs take 0.5 MB)."""


@functools.lru_cache(maxsize=8)
def _kept_draws(runs: int, team_size: int, weeks: int, seed: int) -> Draws:
    draws = Draws(runs, team_size, weeks, seed)
    for values in (*draws.start.values(), *draws.week.values()):
        values.flags.writeable = False  # shared by every later call: nothing may change them
    return draws


def draws_for(runs: int, team_size: int, weeks: int, seed: int) -> Draws:
    """``Draws(runs, team_size, weeks, seed)``, the same numbers, kept for the next call.

    Making the draws costs a stream per run (about 1 ms for 30 runs), which a dashboard would
    pay on every slider move for the same numbers. The last 8 sets up to
    :data:`DRAWS_KEPT_BYTES` are kept, read-only; larger ones are made afresh each time.
    """
    if Draws.bytes_needed(runs, team_size, weeks) > DRAWS_KEPT_BYTES:
        return Draws(runs, team_size, weeks, seed)
    return _kept_draws(runs, team_size, weeks, seed)


def poisson(mean: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Poisson counts with the given means, from uniforms ``u`` by inverting the CDF (so a
    count depends only on its own mean and uniform: common random numbers survive)."""
    count = np.zeros(mean.shape)
    term = np.exp(-mean)
    cdf = term.copy()
    k = 0
    more = u > cdf
    # Means are never negative, so every term is >= 0 and the CDF never falls: a count that has
    # stopped stays stopped, and ``u > cdf`` is all the test needs. (np.count_nonzero is the
    # cheapest "any" for the small arrays of a dashboard; this loop runs every week.)
    while np.count_nonzero(more):
        k += 1
        count += more
        term = term * mean / k
        cdf += term
        np.greater(u, cdf, out=more)
        if k > 1000:  # only reachable with absurd means; the CDF is then ~1 anyway
            break
    return count


@dataclass
class TeamState:
    """Everything the model tracks, per team and rep (``(teams, reps)`` arrays)."""

    driver: np.ndarray      # int index into DRIVERS
    skill: np.ndarray       # (0, 1)
    ramp: np.ndarray        # [0, 1], 1 = fully ramped
    tenure: np.ndarray      # weeks in the seat
    engagement: np.ndarray  # (0, 1)
    exhaustion: np.ndarray  # [0, 1]
    trust: np.ndarray       # (0, 1)
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
    quota_level: np.ndarray  # (teams, 1) this year's quota as a multiple of Params.quota
    year_revenue: np.ndarray  # (teams, 1) revenue so far this year, $k
    year_quota: np.ndarray  # (teams, 1) quota so far this year, $k

    def tile(self, times: int) -> TeamState:
        """Repeat every team ``times`` times (the same starting teams for every manager)."""
        out = {}
        for name, arr in vars(self).items():
            axis = 1 if arr.ndim == 3 else 0
            reps = [1] * arr.ndim
            reps[axis] = times
            out[name] = np.tile(arr, reps)
        return TeamState(**out)


def output_share(p: Params, ramp: np.ndarray) -> np.ndarray:
    """Share of a ramped rep's opportunities and quota that a rep at ``ramp`` has."""
    return p.new_hire_output + (1.0 - p.new_hire_output) * ramp


def hire_skill(p: Params, z: np.ndarray) -> np.ndarray:
    """A new hire's starting skill from a standard normal draw (log-odds around the mean)."""
    spread = p.new_hire_skill_spread / max(p.new_hire_skill * (1 - p.new_hire_skill), 1e-6)
    return sigmoid(logit(min(max(p.new_hire_skill, 1e-6), 1 - 1e-6)) + spread * z)


def initial_state(scenario: Scenario, draws: Draws) -> TeamState:
    """The starting teams of ``draws``' runs: drivers from the mix, skills and tenures varied."""
    p = scenario.params
    d = draws.start
    shape = d["driver"].shape
    driver = np.searchsorted(np.cumsum(scenario.driver_mix)[:-1], d["driver"], side="right")
    # Incumbents' skill spreads around 0.5 (a logistic-normal with the Beta's spread).
    spread = 2.0 / np.sqrt(p.start_skill_concentration)
    new = d["new"] < scenario.new_hire_share
    skill = np.where(new, hire_skill(p, d["z_hire_skill"]), sigmoid(spread * d["z_skill"]))
    ramp = np.where(new, p.start_ramp_max * d["ramp"], 1.0)
    tenure = np.where(new, np.round(ramp * p.ramp_weeks), p.ramp_weeks)
    mean_pipeline = p.new_hire_pipeline + (p.start_pipeline - p.new_hire_pipeline) * ramp
    live = poisson(steady_pipeline(p) * mean_pipeline, d["pipeline"])

    def around(mean: float, z: np.ndarray) -> np.ndarray:
        if not 0.0 < mean < 1.0:
            return np.full(shape, mean)
        return sigmoid(logit(mean) + p.start_spread / (mean * (1 - mean)) * z)

    teams = shape[0]
    return TeamState(
        driver=driver, skill=skill, ramp=ramp, tenure=tenure.astype(float),
        engagement=around(p.start_engagement, d["z_engagement"]),
        exhaustion=around(p.start_exhaustion, d["z_exhaustion"]),
        trust=around(p.start_trust, d["z_trust"]),
        live=live, stale=np.zeros(shape), feel=np.ones(shape),
        rev_buf=np.zeros((QUARTER,) + shape), quota_buf=np.zeros((QUARTER,) + shape),
        rev_quarter=np.zeros(shape), quota_quarter=np.zeros(shape),
        active=np.ones(shape), vacancy=np.zeros(shape),
        adapt=np.zeros((teams, 1)), quota_level=np.ones((teams, 1)),
        year_revenue=np.zeros((teams, 1)), year_quota=np.zeros((teams, 1)),
    )


Levers = Callable[[int, dict], tuple[np.ndarray, np.ndarray, np.ndarray]]
"""``(week_index, history) -> (control, inspiration, tailoring)``, each a ``(teams, 1)`` array."""


def market_index(scenario: Scenario) -> np.ndarray:
    """Demand per week as industry reports show it (1.0 = normal), before the team adapts."""
    index = np.full(scenario.weeks, float(scenario.demand))
    if scenario.shock_end is not None:
        index[scenario.shock_start - 1:scenario.shock_end] *= 1.0 - scenario.shock_depth
    return index


class Manager:
    """What the manager's levers mean for each rep this week (recomputed only when they change).

    ``control``, ``inspiration`` and ``tailoring`` are ``(teams, 1)`` arrays.
    """

    def __init__(self, p: Params, size: int, driver: np.ndarray, control: np.ndarray,
                 inspiration: np.ndarray, tailoring: np.ndarray) -> None:
        # The manager's week is finite: what is asked of it (control + inspiration) is delivered
        # with diminishing returns and never more than a full week, ``manager_week``, in all.
        load = control + inspiration
        week = p.manager_week
        thin = np.where(load > 1e-9, -week * np.expm1(-load / week) / np.maximum(load, 1e-9), 1.0)
        self.control = control * thin
        self.inspiration = inspiration * thin
        # Personal attention (1:1s, coaching, being chased) thins out over a bigger team;
        # process (criteria, reviews, hygiene) reaches every rep whatever the team's size.
        dilution = min(1.0, (p.reference_team / size) ** p.attention_dilution)
        generic = np.asarray(p.generic_fit)[driver]
        fit = tailoring + (1.0 - tailoring) * generic
        self.personal = self.inspiration * dilution * fit  # inspiration as each rep receives it
        self.watched = self.control * dilution
        self.coaching = self.inspiration * dilution * np.asarray(p.coaching_fit)[driver]
        self.control_fit = np.asarray(p.control_fit)[driver] * self.watched
        self.micromanaging = p.trust_micromanagement * self.watched * (1.0 - self.personal)
        size_penalty = p.focus_size_penalty * max(0.0, float(np.log(size / p.reference_team)))
        self.focus_logit = (logit(p.focus_base) + p.focus_control * self.control
                            - size_penalty * (1.0 - self.control))
        self.noise_sd = p.effort_noise + p.effort_noise_unmanaged * (1.0 - self.control)
        self.process = 1.0 - p.win_process / 2 + p.win_process * self.control
        self.stale = p.stale_rate * (1.0 - self.control)
        self.hygiene = (1.0 - p.hygiene_rate * self.control) * (1.0 - 1.0 / p.stale_expiry_weeks)
        self.reframing = 1.0 - p.reframing * self.inspiration
        self.selling = np.exp(-p.coaching_time * self.coaching)
        # What the weekly step reads, made once per manager: the parts of its sums and products
        # that do not change from week to week (the same numbers the step would compute, in
        # the same order), spread over the reps, since numpy is faster on arrays of one shape.
        self.room = 1.0 - self.control
        self.trusting = sigmoid(p.trust_base + p.trust_inspiration * self.personal
                                - self.micromanaging)
        shape = np.shape(driver)

        def spread(values: np.ndarray) -> np.ndarray:
            out = np.empty(shape)
            out[...] = values
            return out

        self.step = ManagerStep(
            watched=spread(self.watched), noise_sd=spread(self.noise_sd),
            noise_drift=spread(0.5 * self.noise_sd ** 2), focus_logit=spread(self.focus_logit),
            process=spread(self.process), stale=spread(self.stale),
            hygiene=spread(self.hygiene), reframing=spread(self.reframing),
            selling=spread(self.selling), control_fit=spread(self.control_fit),
            engaged=spread(p.engagement_base + p.engagement_inspiration * self.personal),
            hindering=spread(p.engagement_hindrance * self.watched),
            trusting=spread(self.trusting), coached=spread(p.coaching_rate * self.coaching),
            exit_push=spread(p.managed_exit_rate * self.control))


@dataclass(frozen=True)
class ManagerStep:
    """A :class:`Manager`'s effects as the weekly step reads them, ``(teams, reps)`` each:
    the manager's own terms of the step's expressions, computed once."""

    watched: np.ndarray       # control as each rep feels it
    noise_sd: np.ndarray      # spread of weekly effort
    noise_drift: np.ndarray   # 0.5 noise_sd^2, so that the effort noise has mean 1
    focus_logit: np.ndarray   # focus before trust
    process: np.ndarray       # win-odds factor of process
    stale: np.ndarray         # share of undecided deals going stale
    hygiene: np.ndarray       # share of stale deals kept
    reframing: np.ndarray     # how much a miss stings
    selling: np.ndarray       # share of the week left for selling after coaching
    control_fit: np.ndarray   # engagement log-odds from control, by driver
    engaged: np.ndarray       # engagement_base + engagement_inspiration x personal
    hindering: np.ndarray     # engagement_hindrance x watched
    trusting: np.ndarray      # where trust heads
    coached: np.ndarray       # coaching_rate x coaching
    exit_push: np.ndarray     # managed_exit_rate x control


def run(scenario: Scenario, state: TeamState, levers: Levers, draws: Draws,
        record_reps: bool = False, live_history: bool | Collection[str] = True
        ) -> tuple[dict, dict]:
    """Step ``state`` through the scenario's weeks; return team-level and rep-level records.

    ``state`` holds ``groups * draws.runs`` teams: ``groups`` managers, each on the same runs.
    Team records are ``(weeks, teams)`` arrays named by :data:`TEAM_METRICS`; rep records (only
    with ``record_reps``) are ``(weeks, teams, reps)`` arrays named by :data:`REP_METRICS`.
    With ``live_history`` the team records are kept up to date week by week (a policy reads
    them); without it they are computed once at the end from the rep records. It may name the
    records to keep up to date (those a policy reads); the others are then computed at the end,
    which needs ``record_reps``. Either way a record holds the same numbers.
    """
    if isinstance(live_history, str):
        raise TypeError(f"live_history must be True, False or a list of team records, got "
                        f"{live_history!r}; for one record write ({live_history!r},)")
    live = TEAM_TOTALS if live_history is True else tuple(live_history or ())
    unknown = sorted(set(live) - set(TEAM_TOTALS))
    if unknown:
        raise ValueError(f"unknown team record {unknown[0]!r}: choose from {TEAM_TOTALS}")
    later = tuple(name for name in TEAM_TOTALS if name not in live)
    if later and not record_reps:
        raise ValueError("run needs record_reps to produce the team records it does not keep "
                         f"up to date week by week: {later}")
    p = scenario.params
    teams, size = state.skill.shape
    groups = teams // draws.runs
    weeks = scenario.weeks
    team = {k: np.zeros((weeks, teams)) for k in TEAM_METRICS}
    # every week of every rep record is written below
    reps = ({k: np.empty((weeks, teams, size)) for k in REP_METRICS} if record_reps else {})
    s = state
    market = market_index(scenario)
    team["market"][:] = market[:, None]
    noise_own = np.sqrt(1.0 - p.team_noise_share)
    noise_shared = np.sqrt(p.team_noise_share)
    win_odds = p.win_base / (1.0 - p.win_base)
    skill_a, skill_b = 1.0 - p.win_skill / 2, p.win_skill
    opp_a, opp_b = 1.0 - p.opportunity_skill / 2, p.opportunity_skill
    effort_a, effort_b = 1.0 - p.effort_engagement / 2, p.effort_engagement
    engaged_a = 1.0 - p.win_engagement / 2
    corner_half = p.corner_half ** p.corner_steepness
    coached_a, coached_b = p.coaching_without_trust, 1.0 - p.coaching_without_trust
    ramp_step = np.log(10.0) / p.ramp_weeks
    steady = steady_pipeline(p)
    decay = 1.0 - np.exp(-p.skill_decay)

    # The levers' effects are recomputed only when ``levers`` hands back a new tuple (a fixed
    # style hands back the same one every week); week 1 always makes the first Manager.
    asked: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    m: Manager | None = None

    for t in range(weeks):
        chosen = levers(t, team)
        if m is None or chosen is not asked:
            asked, m = chosen, Manager(p, size, s.driver, *chosen)
        e = m.step
        team["control"][t] = chosen[0][:, 0]
        team["inspiration"][t] = chosen[1][:, 0]

        # The market: in a shock, demand for new deals falls and deals in flight slip. A
        # trusting team given purpose and room slowly finds some demand elsewhere; what it found
        # ends with the shock.
        depth: np.ndarray | float = 0.0
        if market[t] < scenario.demand:
            trust_now = (s.trust * s.active).sum(1, keepdims=True) / np.maximum(
                s.active.sum(1, keepdims=True), 1.0)
            reach = p.adapt_share * trust_now * m.inspiration * m.room
            s.adapt += (reach - s.adapt) / p.adapt_weeks
            depth = scenario.shock_depth * (1.0 - s.adapt)
        else:
            s.adapt[:] = 0.0
        demand = scenario.demand * (1.0 - depth)
        slip = (1.0 - p.shock_slip * depth) / p.sales_cycle

        # Pressure: control, leaning harder on those who miss; trust turns it into challenge.
        shortfall = p.shortfall_softness * np.logaddexp(0.0, (1.0 - s.feel) / p.shortfall_softness)
        pressure = e.watched * (1.0 + p.shortfall_pressure * shortfall)
        hindrance = pressure * (1.0 - p.trust_hindrance * s.trust)
        corners = pressure ** p.corner_steepness
        corners = corners / (corners + corner_half)

        # Effort: a clear target raises it (saturating), engagement lifts it, exhaustion cuts
        # it; without control it comes in bursts (part of each week's mood is shared by the
        # team); coaching takes some of the selling week.
        z = (noise_shared * draws.weekly("team", t, groups)
             + noise_own * draws.weekly("z_effort", t, groups))
        effort = ((1.0 + p.effort_goal * pressure / (pressure + p.effort_goal_half))
                  * (effort_a + effort_b * s.engagement)
                  * (1.0 - p.effort_exhaustion * s.exhaustion)
                  * np.exp(e.noise_sd * z - e.noise_drift))
        activities = p.activities_per_week * effort * e.selling * s.active
        focus = sigmoid(e.focus_logit + p.focus_trust * s.trust)

        # Pipeline: focused activity makes opportunities (demand enters here, once); deals
        # decide over the sales cycle, won at a rate set in odds by skill, process, exhaustion
        # and corner-cutting.
        share = output_share(p, s.ramp)
        new = (activities * focus * (p.opportunity_rate * demand) * (opp_a + opp_b * s.skill)
               * share)
        odds = (win_odds * (skill_a + skill_b * s.skill) * e.process
                * (engaged_a + p.win_engagement * s.engagement)
                * (1.0 - p.win_exhaustion * s.exhaustion) * (1.0 - p.corner_cutting * corners))
        win = odds / (1.0 + odds)
        deciding = s.live * slip
        deals = poisson(deciding * win, draws.weekly("deals", t, groups)) * s.active
        lost = deciding * (1.0 - win) * s.active
        revenue = deals * p.deal_size * (1.0 - p.discounting * corners)
        undecided = s.live - deciding
        going_stale = undecided * e.stale
        s.live = undecided - going_stale + new
        s.stale = s.stale * e.hygiene + going_stale

        # Attainment: felt week by week (an 8-week memory), judged over the rolling quarter,
        # against a quota that ramps with a new hire and moves with last year's results.
        quota = p.quota * s.quota_level * share * s.active
        ratio = np.where(s.active > 0, revenue / np.maximum(quota, 1e-9), 1.0)
        s.feel += (ratio - s.feel) / p.attainment_memory
        slot = t % QUARTER
        s.rev_quarter += revenue - s.rev_buf[slot]
        s.quota_quarter += quota - s.quota_buf[slot]
        s.rev_buf[slot] = revenue
        s.quota_buf[slot] = quota
        attainment = s.rev_quarter / np.maximum(s.quota_quarter, 1e-9)
        s.year_revenue += revenue.sum(1, keepdims=True)
        s.year_quota += quota.sum(1, keepdims=True)
        if (t + 1) % YEAR == 0:
            made = s.year_revenue / np.maximum(s.year_quota, 1e-9)
            s.quota_level *= 1.0 + p.quota_ratchet * (made - 1.0)
            s.year_revenue[:] = 0.0
            s.year_quota[:] = 0.0

        # Exhaustion (Homer 1985): demands drain, misses sting unless reframed, and rest
        # restores less the more pressure there is. Exponential forms keep it in [0, 1].
        drain = (p.exhaustion_drain * effort * (p.exhaustion_base_demand + hindrance)
                 * (1.0 + p.exhaustion_miss * shortfall * e.reframing))
        recover = p.exhaustion_recovery * np.exp(-pressure / p.recovery_pressure)
        s.exhaustion = (1.0 - (1.0 - s.exhaustion) * np.exp(-drain)) * np.exp(-recover)

        # Engagement drifts toward what the week offers; trust rises slowly and falls fast.
        engaged = sigmoid(e.engaged + p.engagement_trust * s.trust
                          - p.engagement_exhaustion * s.exhaustion
                          - e.hindering * (1.0 - s.trust) + e.control_fit)
        s.engagement += (engaged - s.engagement) / p.engagement_weeks
        gap = e.trusting - s.trust
        s.trust += gap / np.where(gap > 0, p.trust_rise_weeks, p.trust_fall_weeks)

        # Skill: coaching lands best in the middle of the team and where it is safe to admit
        # what you don't know; practice adds a little; unused skill fades.
        learn = (e.coached * (coached_a + coached_b * s.trust) * 4.0 * s.skill
                 + p.practice_rate * effort)
        s.skill = s.skill + (1.0 - s.skill) * (1.0 - np.exp(-learn)) - s.skill * decay
        s.ramp += (1.0 - s.ramp) * ramp_step
        s.tenure += s.active

        # Who leaves: low engagement, exhaustion and misses; control manages low performers out.
        hazard = p.attrition_base * np.exp(
            p.attrition_engagement * (p.reference_engagement - s.engagement)
            + p.attrition_exhaustion * (s.exhaustion - p.reference_exhaustion)
            + p.attrition_shortfall * shortfall)
        hazard += (e.exit_push * s.ramp
                   * sigmoid((p.managed_exit_below - s.feel) / p.managed_exit_width))
        quit = (draws.weekly("quit", t, groups) < -np.expm1(-hazard)) * s.active

        week_reps = {
            "active": s.active, "revenue": revenue, "deals_won": deals, "deals_lost": lost,
            "activities": activities, "pipeline": (s.live + s.stale) * (p.deal_size * s.active),
            "quota": quota, "quit": quit, "tenure": s.tenure, "engagement": s.engagement,
            "exhaustion": s.exhaustion, "trust": s.trust, "skill": s.skill, "focus": focus,
            "attainment": attainment, "at_quota": attainment >= 1.0,
        }
        if record_reps:
            for name, values in week_reps.items():
                reps[name][t] = values
        if live:
            for name, values in team_totals(week_reps, p, live).items():
                team[name][t] = values
        if np.count_nonzero(quit) or np.count_nonzero(s.vacancy > 0):
            fill_vacancies(s, quit > 0, p, draws.weekly("z_hire_skill", t, groups), steady)
    if later:
        team.update(team_totals(reps, p, later))
    return team, reps


def fill_vacancies(s: TeamState, quit: np.ndarray, p: Params, z_skill: np.ndarray,
                   steady: float) -> None:
    """A leaver's seat keeps part of the pipeline for the next hire; a vacancy is filled after a
    search by a new hire who gets a seeded pipeline and a ramped quota."""
    searching = np.maximum(s.vacancy - 1, 0)
    # (np.copyto/np.multiply/np.add with ``where`` change the chosen positions in place, as
    # ``x[mask] = ...`` would, without gathering and scattering: this runs most weeks)
    if np.count_nonzero(quit):
        s.active = np.where(quit, 0.0, s.active)
        s.vacancy = np.where(quit, float(p.vacancy_weeks), searching)
        np.multiply(s.live, p.pipeline_inherited, out=s.live, where=quit)
        for values in (s.stale, s.rev_quarter, s.quota_quarter, s.tenure, s.rev_buf,
                       s.quota_buf):
            np.copyto(values, 0.0, where=quit)
    else:  # most weeks: nobody left, searches go on
        s.vacancy = searching
    hired = (s.active == 0) & (s.vacancy == 0)
    if np.count_nonzero(hired):
        s.skill[hired] = hire_skill(p, z_skill[hired])
        for values, start in ((s.ramp, 0.0), (s.engagement, p.new_hire_engagement),
                              (s.exhaustion, p.new_hire_exhaustion),
                              (s.trust, p.new_hire_trust), (s.feel, 1.0), (s.active, 1.0)):
            np.copyto(values, start, where=hired)
        np.add(s.live, p.new_hire_pipeline * steady, out=s.live, where=hired)


SUMMED = ("revenue", "deals_won", "deals_lost", "activities", "pipeline", "quota")
"""Team records that are the sum over the team's positions (zero for empty ones)."""
AVERAGED = ("engagement", "exhaustion", "trust", "skill", "focus", "attainment", "at_quota")
"""Team records that are the mean over the reps in post."""
TEAM_TOTALS = (*SUMMED, "quits", "forecast", "headcount", *AVERAGED)
"""The team records made from rep records (the others are the market and the levers)."""


def team_totals(reps: dict, p: Params, names: Collection[str] = TEAM_TOTALS) -> dict:
    """Team totals, and means over reps in post, of rep records (``(..., reps)`` arrays): the
    records ``names`` (of :data:`TEAM_TOTALS`).

    Each team's figures depend on its own reps only (sums along the rep axis), so a team's
    record is the same whatever other teams share the batch, and whether it is made week by
    week or for all weeks at once.
    """
    on = np.asarray(reps["active"], dtype=float)
    count = on.sum(-1)
    out = {name: np.asarray(reps[name], dtype=float).sum(-1)  # zero for empty positions already
           for name in SUMMED if name in names or (name == "pipeline" and "forecast" in names)}
    if "quits" in names:
        out["quits"] = np.asarray(reps["quit"], dtype=float).sum(-1)
    if "forecast" in names:
        out["forecast"] = out["pipeline"] * p.win_base / p.sales_cycle
    if "headcount" in names:
        out["headcount"] = count
    averaged = [name for name in AVERAGED if name in names]
    if averaged:
        per = np.maximum(count, 1.0)
        for name in averaged:
            out[name] = (np.asarray(reps[name], dtype=float) * on).sum(-1) / per
    return {name: values for name, values in out.items() if name in names}
