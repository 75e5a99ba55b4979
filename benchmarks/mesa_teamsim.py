"""teamsim's weekly rules written again as a Mesa 3 agent-based model: a peer for benchmarks.

This is a reference implementation, not part of the course. It restates, rep by rep in plain
scalar Python, what :func:`teamsim.model.engine.run` does to whole ``(teams, reps)`` arrays, the
way a Mesa user would write the model: one :class:`SalesTeam` (a ``mesa.Model``: one team, its
manager's fixed :class:`~teamsim.Style`, a :class:`~teamsim.Scenario`) and one :class:`Rep`
(a ``mesa.Agent``) per seat on the team, stepped week by week, the team's weekly figures kept
by a ``mesa.DataCollector``.

It reads every constant from the scenario's :class:`~teamsim.Params` and takes its random
inputs and its starting team from teamsim itself (:class:`~teamsim.model.engine.Draws`, run
``r``'s slices, and :func:`~teamsim.model.engine.initial_state`), so with the same seed it
should retrace teamsim's runs up to floating-point rounding. ``benchmarks/peer.py`` times the
two; ``tests/test_peer_mesa.py`` checks that they agree.

Within a week the model first works out the market (the one rule that reads the whole team),
then every rep plays the week (the reps do not read one another, so their order does not
matter and they are shuffled, as Mesa models usually are), then the team's yearly quota is
reset if a year has ended, the week is recorded and empty seats move through hiring.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from teamsim import Scenario, Style
from teamsim.model.engine import QUARTER, TEAM_METRICS, YEAR, Draws, TeamState, initial_state


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def logit(share: float) -> float:
    return math.log(share / (1.0 - share))


def softplus(x: float) -> float:
    """log(1 + e^x), written so that it never overflows."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def poisson_count(mean: float, u: float) -> int:
    """The Poisson count with this mean whose CDF first reaches the uniform ``u``."""
    k = 0
    term = math.exp(-mean)
    cdf = term
    while u > cdf:
        k += 1
        term = term * mean / k
        cdf += term
        if k > 1000:  # the same cap as teamsim's; unreachable with sensible means
            break
    return k


class Rep(mesa.Agent):
    """One seat on the team: the rep in it (or, while it is empty, what is left of one)."""

    def __init__(self, model: SalesTeam, seat: int, start: TeamState, draws: Draws) -> None:
        super().__init__(model)
        p, r = model.p, model.run_index
        self.seat = seat
        self.driver = int(start.driver[r, seat])
        for name in ("skill", "ramp", "tenure", "engagement", "exhaustion", "trust", "live",
                     "stale", "feel", "active", "vacancy"):
            setattr(self, name, float(getattr(start, name)[r, seat]))
        self.rev_slots = [float(v) for v in start.rev_buf[:, r, seat]]
        self.quota_slots = [float(v) for v in start.quota_buf[:, r, seat]]
        self.rev_quarter = float(start.rev_quarter[r, seat])
        self.quota_quarter = float(start.quota_quarter[r, seat])
        # This seat's own random numbers for every week of run r.
        self.u_deals = draws.week["deals"][:, r, seat].tolist()
        self.u_quit = draws.week["quit"][:, r, seat].tolist()
        self.z_effort = draws.week["z_effort"][:, r, seat].tolist()
        self.z_hire = draws.week["z_hire_skill"][:, r, seat].tolist()

        # What the manager's style means for a rep with this driver (the style never changes).
        boss = model
        fit = boss.tailoring + (1.0 - boss.tailoring) * p.generic_fit[self.driver]
        self.personal = boss.inspiration_felt * boss.reach * fit
        self.coaching = boss.inspiration_felt * boss.reach * p.coaching_fit[self.driver]
        self.fit_to_control = p.control_fit[self.driver] * boss.watched
        self.micromanaging = p.trust_micromanagement * boss.watched * (1.0 - self.personal)
        self.selling = math.exp(-p.coaching_time * self.coaching)

        # This week's figures (read by the team's record).
        self.revenue = self.deals = self.lost = self.activities = self.quota = 0.0
        self.focus = self.attainment = 0.0
        self.quit = 0.0

    def output_share(self) -> float:
        p = self.model.p
        return p.new_hire_output + (1.0 - p.new_hire_output) * self.ramp

    def play_week(self) -> None:
        """One week in the seat: effort, deals, attainment, wear, mood, learning, leaving."""
        team: SalesTeam = self.model
        p, t = team.p, team.week_index

        # How hard the manager leans on this rep, and how much of it is hindrance.
        shortfall = p.shortfall_softness * softplus((1.0 - self.feel) / p.shortfall_softness)
        pressure = team.watched * (1.0 + p.shortfall_pressure * shortfall)
        hindrance = pressure * (1.0 - p.trust_hindrance * self.trust)
        steep = pressure ** p.corner_steepness
        cutting = steep / (steep + p.corner_half ** p.corner_steepness)

        # Effort this week, with the team's shared mood and the rep's own.
        mood = team.shared_weight * team.team_mood + team.own_weight * self.z_effort[t]
        goal_lift = 1.0 + p.effort_goal * pressure / (pressure + p.effort_goal_half)
        engaged_lift = 1.0 - p.effort_engagement / 2 + p.effort_engagement * self.engagement
        worn = 1.0 - p.effort_exhaustion * self.exhaustion
        burst = math.exp(team.noise_sd * mood - 0.5 * team.noise_sd ** 2)
        effort = goal_lift * engaged_lift * worn * burst
        self.activities = p.activities_per_week * effort * self.selling * self.active
        self.focus = sigmoid(team.focus_logit + p.focus_trust * self.trust)

        # The pipeline: new opportunities in, decisions out, some deals left to go stale.
        share = self.output_share()
        qualify = 1.0 - p.opportunity_skill / 2 + p.opportunity_skill * self.skill
        opened = (self.activities * self.focus * (p.opportunity_rate * team.demand_now)
                  * qualify * share)
        odds = (p.win_base / (1.0 - p.win_base)
                * (1.0 - p.win_skill / 2 + p.win_skill * self.skill) * team.process
                * (1.0 - p.win_engagement / 2 + p.win_engagement * self.engagement)
                * (1.0 - p.win_exhaustion * self.exhaustion)
                * (1.0 - p.corner_cutting * cutting))
        win = odds / (1.0 + odds)
        deciding = self.live * team.slip
        self.deals = poisson_count(deciding * win, self.u_deals[t]) * self.active
        self.lost = deciding * (1.0 - win) * self.active
        self.revenue = self.deals * p.deal_size * (1.0 - p.discounting * cutting)
        left = self.live - deciding
        drifting = left * team.stale_share
        self.live = left - drifting + opened
        self.stale = self.stale * team.kept_stale + drifting

        # Quota and attainment: felt weekly, judged over the last 13 weeks.
        self.quota = p.quota * team.quota_level * share * self.active
        ratio = self.revenue / max(self.quota, 1e-9) if self.active > 0 else 1.0
        self.feel += (ratio - self.feel) / p.attainment_memory
        slot = t % QUARTER
        self.rev_quarter += self.revenue - self.rev_slots[slot]
        self.quota_quarter += self.quota - self.quota_slots[slot]
        self.rev_slots[slot] = self.revenue
        self.quota_slots[slot] = self.quota
        self.attainment = self.rev_quarter / max(self.quota_quarter, 1e-9)

        # Exhaustion builds with effort and demands, and rest restores less under pressure.
        drain = (p.exhaustion_drain * effort * (p.exhaustion_base_demand + hindrance)
                 * (1.0 + p.exhaustion_miss * shortfall * team.reframing))
        rest = p.exhaustion_recovery * math.exp(-pressure / p.recovery_pressure)
        self.exhaustion = (1.0 - (1.0 - self.exhaustion) * math.exp(-drain)) * math.exp(-rest)

        # Engagement moves toward what the week offers (trust as it stood at the week's start).
        offered = sigmoid(p.engagement_base + p.engagement_inspiration * self.personal
                          + p.engagement_trust * self.trust
                          - p.engagement_exhaustion * self.exhaustion
                          - p.engagement_hindrance * team.watched * (1.0 - self.trust)
                          + self.fit_to_control)
        self.engagement += (offered - self.engagement) / p.engagement_weeks
        earned = sigmoid(p.trust_base + p.trust_inspiration * self.personal - self.micromanaging)
        step = earned - self.trust
        self.trust += step / (p.trust_rise_weeks if step > 0 else p.trust_fall_weeks)

        # Skill: coaching (best in the middle, and where trust is) and practice; disuse fades it.
        learning = (p.coaching_rate * self.coaching
                    * (p.coaching_without_trust + (1.0 - p.coaching_without_trust) * self.trust)
                    * 4.0 * self.skill + p.practice_rate * effort)
        self.skill = (self.skill + (1.0 - self.skill) * (1.0 - math.exp(-learning))
                      - self.skill * team.fade)
        self.ramp += (1.0 - self.ramp) * team.ramp_rate
        self.tenure += self.active

        # Leaving: the rep's own hazard, plus being managed out when far under quota.
        hazard = p.attrition_base * math.exp(
            p.attrition_engagement * (p.reference_engagement - self.engagement)
            + p.attrition_exhaustion * (self.exhaustion - p.reference_exhaustion)
            + p.attrition_shortfall * shortfall)
        hazard += (p.managed_exit_rate * team.control_felt * self.ramp
                   * sigmoid((p.managed_exit_below - self.feel) / p.managed_exit_width))
        leaves = self.u_quit[self.model.week_index] < -math.expm1(-hazard)
        self.quit = self.active if leaves else 0.0

    def move_through_hiring(self) -> None:
        """After the week: a leaver's seat opens a search; a search that ends seats a new hire."""
        p, t = self.model.p, self.model.week_index
        if self.quit > 0:
            self.active = 0.0
            self.vacancy = float(p.vacancy_weeks)
            self.live *= p.pipeline_inherited
            self.stale = self.rev_quarter = self.quota_quarter = self.tenure = 0.0
            self.rev_slots = [0.0] * QUARTER
            self.quota_slots = [0.0] * QUARTER
        else:
            self.vacancy = max(self.vacancy - 1.0, 0.0)
        if self.active == 0.0 and self.vacancy == 0.0:
            self.skill = self.model.hire_skill(self.z_hire[t])
            self.ramp = 0.0
            self.engagement = p.new_hire_engagement
            self.exhaustion = p.new_hire_exhaustion
            self.trust = p.new_hire_trust
            self.live += p.new_hire_pipeline * self.model.steady_pipeline
            self.feel = 1.0
            self.active = 1.0


class SalesTeam(mesa.Model):
    """One team of ``scenario.team_size`` reps under one manager with a fixed ``style``.

    ``draws`` and ``start`` hold the random numbers and starting teams of a batch of runs
    (``start`` is made from ``draws`` if not given); this model plays run ``run_index``.
    """

    def __init__(self, style: Style, scenario: Scenario, draws: Draws, run_index: int,
                 start: TeamState | None = None) -> None:
        super().__init__(seed=run_index)
        p = scenario.params
        self.p, self.scenario, self.style, self.run_index = p, scenario, style, run_index
        size = scenario.team_size
        if start is None:
            start = initial_state(scenario, draws)

        # The manager's week is finite: what the levers ask for is delivered with diminishing
        # returns, never more than ``manager_week`` in all, shared between them in proportion.
        load = style.control + style.inspiration
        week = p.manager_week
        thin = -week * math.expm1(-load / week) / load if load > 1e-9 else 1.0
        self.control_felt = style.control * thin
        self.inspiration_felt = style.inspiration * thin
        self.tailoring = style.tailoring
        self.reach = min(1.0, (p.reference_team / size) ** p.attention_dilution)
        self.watched = self.control_felt * self.reach
        crowding = p.focus_size_penalty * max(0.0, math.log(size / p.reference_team))
        self.focus_logit = (logit(p.focus_base) + p.focus_control * self.control_felt
                            - crowding * (1.0 - self.control_felt))
        self.noise_sd = p.effort_noise + p.effort_noise_unmanaged * (1.0 - self.control_felt)
        self.process = 1.0 - p.win_process / 2 + p.win_process * self.control_felt
        self.stale_share = p.stale_rate * (1.0 - self.control_felt)
        self.kept_stale = ((1.0 - p.hygiene_rate * self.control_felt)
                           * (1.0 - 1.0 / p.stale_expiry_weeks))
        self.reframing = 1.0 - p.reframing * self.inspiration_felt

        # Constants of the weekly rules.
        self.shared_weight = math.sqrt(p.team_noise_share)
        self.own_weight = math.sqrt(1.0 - p.team_noise_share)
        self.ramp_rate = math.log(10.0) / p.ramp_weeks
        self.fade = 1.0 - math.exp(-p.skill_decay)
        self.steady_pipeline = p.activities_per_week * p.opportunity_rate * p.sales_cycle
        self.market = [float(scenario.demand)] * scenario.weeks
        if scenario.shock_end is not None:
            for week in range(scenario.shock_start - 1, scenario.shock_end):
                self.market[week] *= 1.0 - scenario.shock_depth

        # The team's state and its random numbers.
        self.moods = draws.week["team"][:, run_index, 0].tolist()
        self.adapt = float(start.adapt[run_index, 0])
        self.quota_level = float(start.quota_level[run_index, 0])
        self.year_revenue = float(start.year_revenue[run_index, 0])
        self.year_quota = float(start.year_quota[run_index, 0])
        self.week_index = 0
        self.team_mood = self.demand_now = self.slip = 0.0
        self.seats = [Rep(self, seat, start, draws) for seat in range(size)]

        self.figures: dict[str, float] = {}
        self.datacollector = mesa.DataCollector(
            model_reporters={name: (lambda m, name=name: m.figures[name])
                             for name in TEAM_METRICS})

    def hire_skill(self, z: float) -> float:
        p = self.p
        spread = p.new_hire_skill_spread / max(p.new_hire_skill * (1 - p.new_hire_skill), 1e-6)
        return sigmoid(logit(min(max(p.new_hire_skill, 1e-6), 1 - 1e-6)) + spread * z)

    def step(self) -> None:
        p, t, scenario = self.p, self.week_index, self.scenario

        # The market. In a shock a trusting team with purpose and room finds some demand
        # elsewhere, slowly; it loses what it found when the shock ends.
        depth = 0.0
        if self.market[t] < scenario.demand:
            in_post = sum(rep.active for rep in self.seats)
            trust_now = sum(rep.trust * rep.active for rep in self.seats) / max(in_post, 1.0)
            reach = (p.adapt_share * trust_now * self.inspiration_felt
                     * (1.0 - self.control_felt))
            self.adapt += (reach - self.adapt) / p.adapt_weeks
            depth = scenario.shock_depth * (1.0 - self.adapt)
        else:
            self.adapt = 0.0
        self.demand_now = scenario.demand * (1.0 - depth)
        self.slip = (1.0 - p.shock_slip * depth) / p.sales_cycle
        self.team_mood = self.moods[t]

        self.agents.shuffle_do("play_week")

        # The year's results reset next year's quotas.
        self.year_revenue += sum(rep.revenue for rep in self.seats)
        self.year_quota += sum(rep.quota for rep in self.seats)
        if (t + 1) % YEAR == 0:
            made = self.year_revenue / max(self.year_quota, 1e-9)
            self.quota_level *= 1.0 + p.quota_ratchet * (made - 1.0)
            self.year_revenue = self.year_quota = 0.0

        self.figures = self.team_figures()
        self.datacollector.collect(self)
        self.agents.do("move_through_hiring")
        self.week_index += 1

    def team_figures(self) -> dict[str, float]:
        """This week's team totals, and means over the reps in post (before seats are filled)."""
        p, seats = self.p, self.seats
        in_post = sum(rep.active for rep in seats)
        per = max(in_post, 1.0)
        out = {
            "revenue": sum(rep.revenue for rep in seats),
            "deals_won": sum(rep.deals for rep in seats),
            "deals_lost": sum(rep.lost for rep in seats),
            "activities": sum(rep.activities for rep in seats),
            "pipeline": sum((rep.live + rep.stale) * (p.deal_size * rep.active) for rep in seats),
            "quota": sum(rep.quota for rep in seats),
            "quits": sum(rep.quit for rep in seats),
            "headcount": in_post,
            "market": self.market[self.week_index],
            "control": self.style.control,
            "inspiration": self.style.inspiration,
        }
        out["forecast"] = out["pipeline"] * p.win_base / p.sales_cycle
        for name in ("engagement", "exhaustion", "trust", "skill", "focus", "attainment"):
            out[name] = sum(getattr(rep, name) * rep.active for rep in seats) / per
        out["at_quota"] = sum(float(rep.attainment >= 1.0) * rep.active for rep in seats) / per
        return out

    def play(self) -> dict[str, np.ndarray]:
        """Play every week of the scenario; the team's weekly figures by name."""
        for _ in range(self.scenario.weeks):
            self.step()
        frame = self.datacollector.get_model_vars_dataframe()
        return {name: frame[name].to_numpy(dtype=float) for name in TEAM_METRICS}


def run_mesa(style: Style, scenario: Scenario, runs: int, seed: int,
             draws: Draws | None = None) -> dict[str, np.ndarray]:
    """``runs`` runs of the Mesa model on teamsim's random numbers for ``seed``: each team
    metric as a ``(weeks, runs)`` array, laid out like teamsim's team records."""
    if draws is None:
        draws = Draws(runs, scenario.team_size, scenario.weeks, seed)
    start = initial_state(scenario, draws)
    played = [SalesTeam(style, scenario, draws, r, start).play() for r in range(runs)]
    return {name: np.stack([one[name] for one in played], axis=1) for name in TEAM_METRICS}


# -- comparing the two implementations (used by benchmarks/peer.py and the tests) ------------
def relative_gap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a - b) / np.maximum(np.abs(a), 1e-12)


def ks_statistic(a: np.ndarray, b: np.ndarray) -> float:
    """The two-sample Kolmogorov-Smirnov statistic: the largest gap between the two ECDFs."""
    values = np.concatenate([a, b])
    cdf_a = np.searchsorted(np.sort(a), values, side="right") / len(a)
    cdf_b = np.searchsorted(np.sort(b), values, side="right") / len(b)
    return float(np.max(np.abs(cdf_a - cdf_b)))


def per_run(team: dict[str, np.ndarray], scenario: Scenario) -> dict[str, np.ndarray]:
    """Yearly revenue, annualised attrition and engagement in the last week, per run."""
    return {
        "revenue": team["revenue"].sum(0),
        "attrition": team["quits"].sum(0) / scenario.team_size * 52 / scenario.weeks,
        "engagement_end": team["engagement"][-1],
    }
