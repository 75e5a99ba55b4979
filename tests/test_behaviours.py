"""The behaviours the course teaches (P1-P10 of DESIGN.md section 4) and the calibration.

The measurements live in :mod:`teamsim.analysis.behaviours` (the book shows the same figures); the
thresholds live here. Unless a test says otherwise, each style is averaged over
``behaviours.RUNS`` = 400 runs: yearly revenue varies ~10% between runs, so a style's mean has a
standard error near 0.5%, far inside every margin below. Styles compared with each other share
their starting teams (same seed), so differences are the manager's, not the team's.
"""

from __future__ import annotations

import pytest

from teamsim.analysis import behaviours as b


def test_p1_driller_wins_short_term_but_fades():
    """400 runs. Weeks 1-8 within 5% of the Coach; the share falls to <= 0.75 by weeks 27-52."""
    share = b.p1_driller_share()
    assert share[0] >= 0.95, share
    assert all(later < earlier for earlier, later in zip(share, share[1:])), share
    assert share[-1] <= 0.75, share


def test_p2_driller_turnover_at_least_double():
    """400 runs. 52-week attrition of the Driller >= 2x the Coach's."""
    s = b.summaries()
    assert s.loc["Driller", "attrition"] >= 2 * s.loc["Coach", "attrition"]


def test_p3_coach_sustains_performance():
    """400 runs. The Coach's year beats the Driller's by >= 20%, the Cheerleader's by >= 30%."""
    revenue = b.summaries()["revenue"]
    assert revenue["Coach"] >= 1.2 * revenue["Driller"], revenue
    assert revenue["Coach"] >= 1.3 * revenue["Cheerleader"], revenue


def test_p4_led_but_not_managed():
    """400 runs. The Cheerleader's reps stay engaged and active but unfocused and erratic."""
    s = b.summaries()
    cheer, coach = s.loc["Cheerleader"], s.loc["Coach"]
    assert cheer["engagement"] >= coach["engagement"]
    assert cheer["activities"] >= 0.75 * coach["activities"]
    activity = b.mean_week(b.three_styles()["Cheerleader"], "activities")
    assert activity.loc[45:52].mean() >= 0.9 * activity.loc[1:8].mean()  # still active
    assert cheer["focus"] <= 0.8 * coach["focus"]
    assert cheer["attainment"] <= 0.75 * coach["attainment"]
    assert cheer["at_quota"] <= 0.6 * coach["at_quota"]
    assert cheer["volatility"] >= 1.15 * coach["volatility"]  # week-to-week revenue swings


def test_p5_exhaustion_ordering():
    """400 runs. Exhaustion in week 52: Driller > Coach > Cheerleader."""
    end = {n: b.mean_week(r, "exhaustion").loc[52] for n, r in b.three_styles().items()}
    assert end["Driller"] > end["Coach"] > end["Cheerleader"], end


def test_p6_setbacks_and_recovery():
    """400 runs each, with and without the shock, on the same starting teams."""
    setbacks = b.p6_setbacks()
    lost = {name: v["lost"] for name, v in setbacks.items()}
    assert lost["Driller"] == max(lost.values()), lost
    coach = setbacks["Coach"]["weeks_to_recover"]
    driller = setbacks["Driller"]["weeks_to_recover"]
    assert coach is not None and coach <= 10, coach
    assert driller is None or driller > 10, driller


def test_p7_control_acts_fast_trust_builds_slowly():
    """400 runs per switch, in a calm year so the market does not blur the response."""
    m = b.p7_patience()
    assert m["activity_jump"] >= 1.15, m
    assert m["trust_gain"] > 0.2, m  # inspiration does build trust
    assert m["trust_rise_weeks"] >= 8, m
    assert m["trust_fall_weeks"] < m["trust_rise_weeks"], m


def test_p8_coaching_builds_capacity():
    """400 runs each: skill gained over a year by reps who stayed all year, control 0.4."""
    high, low = b.skill_gained(0.9), b.skill_gained(0.1)
    assert low > 0  # practice alone teaches a little, so the ratio is meaningful
    assert high >= 2 * low, (high, low)


@pytest.mark.slow
def test_p9_control_matters_more_in_bigger_teams():
    """150 runs per style on a 0.05 grid (a parabola locates each peak): the best control at
    inspiration 0.4 rises from 10 to 20 to 40 reps."""
    small, medium, large = (b.best_control(n) for n in (10, 20, 40))
    assert small < medium < large, (small, medium, large)


@pytest.mark.slow
def test_p10_no_free_lunch():
    """300 runs per style over an 11x11 grid, refined at 0.05 around the best; the adaptive
    Navigator on the same 300 starting teams beats them all by more than two standard errors."""
    m = b.p10_no_free_lunch()
    top, best, adaptive = m["coarse_best"], m["best"], m["adaptive"]
    assert 0 < top["control"] < 1 and 0 < top["inspiration"] < 1, top
    assert 0 < best["control"] < 1 and 0 < best["inspiration"] < 1, best
    margin = 2 * (best["revenue_se"] ** 2 + adaptive["revenue_se"] ** 2) ** 0.5
    assert adaptive["revenue"] > best["revenue"] + margin, (adaptive["revenue"], best)


def test_calibration_against_evidence():
    """400 runs, the Coach in a calm year: 50-65% of reps at quota and 10-20% attrition a
    year (CSO Insights; Alexander Group; see EVIDENCE.md)."""
    cal = b.calibration()
    assert 0.50 <= cal["at_quota"] <= 0.65, cal
    assert 0.10 <= cal["attrition"] <= 0.20, cal
