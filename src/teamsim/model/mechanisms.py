"""Every causal link of the weekly update, with its direction, its form, its parameters and the
status of the evidence behind it (the model appendix shows this table, generated from here).

A link's status says what sets the size of its main effect: ``measured`` (a cited figure),
``directional`` (research supports the sign; the size is chosen) or ``assumed`` (a teaching
assumption). Its parameters' own statuses are listed beside it (a measured link may still have
assumed reference points). The evidence column claims only what the cited work found.
"""

from __future__ import annotations

from dataclasses import dataclass

from teamsim.model.params import PARAM_SPECS


@dataclass(frozen=True)
class Mechanism:
    """One causal link: ``cause`` moves ``effect`` in ``direction`` through ``form``."""

    cause: str
    effect: str
    direction: str
    form: str
    params: tuple[str, ...]
    status: str
    evidence: str


MECHANISMS: tuple[Mechanism, ...] = (
    Mechanism("control + inspiration asked of the week", "attention delivered", "+ (saturating)",
              "a finite week: delivered = W (1 - exp(-load / W)), shared in proportion",
              ("manager_week",), "directional",
              "managers' time is limited; CSO Insights: about 21% of it goes to coaching"),
    Mechanism("team size", "personal attention per rep", "-",
              "(reference team / size) ^ dilution, above the reference team",
              ("reference_team", "attention_dilution"), "assumed",
              "CSO Insights: about 6 reps per manager (the reference size only)"),
    Mechanism("control (and shortfall)", "pressure", "+",
              "pressure = control x (1 + k x felt shortfall)",
              ("shortfall_pressure", "shortfall_softness", "attainment_memory"), "assumed",
              "none: the model's definition of a controlling manager"),
    Mechanism("pressure", "effort", "+ (saturating)",
              "1 + g p / (p + half); no inverted U", ("effort_goal", "effort_goal_half"),
              "measured", "Locke & Latham: specific, hard goals raise output about 12-15%"),
    Mechanism("engagement", "effort", "+", "linear", ("effort_engagement",), "directional",
              "Gallup (Harter et al.): top vs bottom engagement quartile about +18-21% sales "
              "productivity (a correlation across business units); the size is chosen"),
    Mechanism("engagement", "win rate", "+", "odds x (1 - w/2 + w x engagement)",
              ("win_engagement",), "directional",
              "Cerasoli et al. 2014: intrinsic motivation predicts quality more than quantity; "
              "the size is chosen"),
    Mechanism("exhaustion", "effort", "-", "linear", ("effort_exhaustion",), "directional",
              "Wright & Cropanzano 1998; weak in meta-analysis (r about -.17)"),
    Mechanism("coaching", "selling time", "-", "exp(-share x coaching)", ("coaching_time",),
              "directional", "Repenning & Sterman 2001: learning costs time now"),
    Mechanism("low control", "effort noise", "+", "log-normal spread grows as control falls",
              ("effort_noise", "effort_noise_unmanaged", "team_noise_share"), "assumed",
              "none: no cadence, effort in bursts"),
    Mechanism("control and trust", "focus on the right deals", "+",
              "log-odds; a big team without process loses focus",
              ("focus_base", "focus_control", "focus_trust", "focus_size_penalty"),
              "directional", "formal process and pipeline reviews (CSO Insights); sizes chosen"),
    Mechanism("market demand", "new opportunities", "+", "proportional (demand enters once)",
              ("opportunity_rate",), "assumed", "the model's scale"),
    Mechanism("skill", "opportunities and win rate", "+", "linear in skill",
              ("opportunity_skill", "win_skill"), "directional",
              "CSO Insights: formal coaching 53.6% vs 45.7% win rate"),
    Mechanism("control", "win rate (process)", "+", "odds x (1 - w/2 + w x control)",
              ("win_process",), "directional", "CSO Insights: defined process, higher win rates"),
    Mechanism("exhaustion", "win rate", "-", "odds x (1 - w x exhaustion)",
              ("win_exhaustion",), "directional", "Wright & Cropanzano 1998"),
    Mechanism("pressure", "corner-cutting: win rate and deal value", "-",
              "share cutting corners is a Hill curve in pressure",
              ("corner_half", "corner_steepness", "corner_cutting", "discounting"),
              "directional", "Ordonez et al. 2009; Oliva & Sterman 2001"),
    Mechanism("pipeline and sales cycle", "deals decided", "+", "live / cycle each week",
              ("sales_cycle", "win_base"), "measured",
              "about 60-day cycle (Bridge Group & Skok 2017); 45-47% win rate (CSO Insights)"),
    Mechanism("no control", "stale pipeline", "+", "stale share and hygiene",
              ("stale_rate", "hygiene_rate", "stale_expiry_weeks"), "assumed",
              "none: the CRM without inspection"),
    Mechanism("shock", "deals slip", "+", "decisions slow in proportion to depth",
              ("shock_slip",), "assumed", "none"),
    Mechanism("trust x inspiration x room (1 - control) during a shock",
              "demand found elsewhere", "+ (slow, ends with the shock)",
              "first-order toward a ceiling share", ("adapt_share", "adapt_weeks"), "assumed",
              "none: no study sizes how teams replace lost demand"),
    Mechanism("last year's attainment", "this year's quota", "+",
              "quota x (1 + r (attainment - 1)) at each year's end", ("quota_ratchet",),
              "directional", "Homer 1985: expectations move with results"),
    Mechanism("effort x (base demand + hindrance), misses", "exhaustion", "+",
              "1 - (1 - x) exp(-drain)",
              ("exhaustion_drain", "exhaustion_base_demand", "exhaustion_miss"), "directional",
              "Homer 1985; Lee & Ashforth 1996: exhaustion follows job demands"),
    Mechanism("pressure", "recovery from exhaustion", "-", "recovery x exp(-pressure / p0)",
              ("exhaustion_recovery", "recovery_pressure"), "directional",
              "Homer 1985: long hours leave no time to recover"),
    Mechanism("inspiration", "sting of a miss", "-", "1 - reframing x inspiration",
              ("reframing",), "assumed", "none: leaders reframe setbacks"),
    Mechanism("trust", "pressure felt as hindrance", "-", "hindrance = p (1 - h x trust)",
              ("trust_hindrance",), "assumed",
              "challenge vs hindrance demands (LePine et al. 2005; Podsakoff et al. 2007); "
              "trust as the switch was not studied"),
    Mechanism("inspiration fitted to the rep, trust", "engagement", "+",
              "log-odds target, first-order approach",
              ("engagement_base", "engagement_inspiration", "engagement_trust",
               "engagement_weeks", "generic_fit"), "directional",
              "Beck & Harter 2015: the manager accounts for most of the variance in engagement"),
    Mechanism("exhaustion, control without trust", "engagement", "-", "log-odds terms",
              ("engagement_exhaustion", "engagement_hindrance"), "directional",
              "hindrance demands go with lower satisfaction and commitment (Podsakoff et al. "
              "2007)"),
    Mechanism("control, by driver", "engagement", "+ competition / - autonomy",
              "log-odds x control", ("control_fit",), "directional",
              "self-determination theory: control thwarts autonomy; competition's sign chosen"),
    Mechanism("inspiration fitted to the rep; being watched unheard", "trust", "+ / -",
              "log-odds target; rises slowly, falls fast",
              ("trust_base", "trust_inspiration", "trust_micromanagement", "trust_rise_weeks",
               "trust_fall_weeks"), "directional",
              "Slovic 1993: trust is easier to destroy than to build"),
    Mechanism("coaching x trust", "skill", "+ (most in the middle of the team)",
              "toward 1 at a rate ~ coaching x (c0 + (1 - c0) trust) x skill",
              ("coaching_rate", "coaching_without_trust", "coaching_fit"), "directional",
              "CEB: up to +19% for the middle 60%; Edmondson 1999: coaching through "
              "psychological safety"),
    Mechanism("practice (effort); disuse", "skill", "+ / -", "practice toward 1; decay toward 0",
              ("practice_rate", "skill_decay"), "directional",
              "Arthur et al. 1998: skills fade with disuse"),
    Mechanism("low engagement, exhaustion, misses", "quitting", "+",
              "weekly hazard, log-linear, 1 - exp(-hazard)",
              ("attrition_base", "reference_engagement", "reference_exhaustion",
               "attrition_engagement", "attrition_exhaustion", "attrition_shortfall"), "measured",
              "about 14% a year (Alexander Group); engagement quartile turnover gap (Gallup); "
              "engagement-turnover r = -.30 (Harter et al. 2002)"),
    Mechanism("control x far under quota", "managed exits", "+", "smooth bend in felt attainment",
              ("managed_exit_rate", "managed_exit_below", "managed_exit_width"), "assumed",
              "none"),
    Mechanism("a leaver's seat", "the next hire's start", "+",
              "vacancy, then a ramp with a ramped quota and an inherited plus seeded pipeline",
              ("vacancy_weeks", "ramp_weeks", "new_hire_output", "new_hire_pipeline",
               "pipeline_inherited", "new_hire_skill", "new_hire_skill_spread",
               "new_hire_engagement", "new_hire_exhaustion", "new_hire_trust"), "measured",
              "ramp about 5 months (Bridge Group); new hires without a book churn (Houghton "
              "et al.)"),
    Mechanism("the starting team", "week 1", "", "drivers from the mix; skill, engagement, "
              "exhaustion and trust spread around set means; a normal pipeline",
              ("start_engagement", "start_exhaustion", "start_trust", "start_spread",
               "start_skill_concentration", "start_ramp_max", "start_pipeline",
               "activities_per_week", "deal_size", "quota"), "measured",
              "deal size about $25k (Bridge Group & Skok 2017); quota sized so that about "
              "57-60% of reps reach it (CSO Insights); the other starting values are assumed"),
)


def mechanism_table() -> list[dict[str, str]]:
    """The table of links as rows (cause, effect, direction, form, parameters, status of the
    link, statuses of its parameters, evidence)."""
    return [{"cause": m.cause, "effect": m.effect, "direction": m.direction, "form": m.form,
             "parameters": ", ".join(m.params), "status": m.status,
             "parameter statuses": ", ".join(f"{n} ({PARAM_SPECS[n].status})" for n in m.params),
             "evidence": m.evidence} for m in MECHANISMS]
