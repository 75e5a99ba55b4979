"""teamsim and its Mesa peer (``benchmarks/mesa_teamsim.py``) play the same weekly rules.

The peer restates the engine's weekly step rep by rep as a Mesa 3 model and takes teamsim's own
random numbers and starting teams, so on a common seed the two should retrace the same runs up
to floating-point rounding. They do (the largest relative gap in any weekly team figure is about
1e-15, and no discrete event, a deal count or a quit, has come out differently), so the tests
compare run by run with a tight tolerance; a run that drifted apart after a float tie in a deal
or quit draw is allowed for (at most one per style), and the distributions over runs are
compared as well (means within two standard errors, a small Kolmogorov-Smirnov statistic).

A rule changed in either implementation and not in the other shows up as runs that no longer
agree: these tests are what says the benchmark still compares like with like.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from teamsim import THREE, Scenario, simulate
from teamsim.model.engine import TEAM_METRICS, Draws

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("mesa_teamsim",
                                               ROOT / "benchmarks" / "mesa_teamsim.py")
peer = importlib.util.module_from_spec(_spec)
sys.modules["mesa_teamsim"] = peer
_spec.loader.exec_module(peer)

RUNS = 40
SEED = 0
TIGHT = 1e-9
"""Relative tolerance for 'the same number' (the gaps seen are about 1e-15)."""
DRIFTED = 1
"""Runs per style allowed to drift apart after a floating-point tie in a discrete draw."""


@pytest.fixture(scope="module")
def played() -> dict[str, tuple[dict[str, np.ndarray], dict[str, np.ndarray]]]:
    """Per style: teamsim's and the Mesa model's weekly team records, ``(weeks, runs)``."""
    scenario = Scenario.default()
    out = {}
    for name, style in THREE.items():
        weekly = simulate(style, scenario, runs=RUNS, seed=SEED).weekly
        ours = {metric: weekly[metric].to_numpy(dtype=float).reshape(RUNS, scenario.weeks).T
                for metric in TEAM_METRICS}
        out[name] = ours, peer.run_mesa(style, scenario, RUNS, SEED)
    return out


def test_the_peer_is_a_mesa_model_with_an_agent_per_seat():
    import mesa

    scenario = Scenario.default()
    draws = Draws(2, scenario.team_size, scenario.weeks, SEED)
    team = peer.SalesTeam(THREE["Coach"], scenario, draws, 1)
    assert isinstance(team, mesa.Model)
    assert len(team.agents) == scenario.team_size
    assert all(isinstance(rep, mesa.Agent) for rep in team.agents)
    team.step()
    assert team.steps == 1


@pytest.mark.parametrize("style", list(THREE))
def test_each_runs_yearly_figures_are_the_same(played, style):
    ours, theirs = (peer.per_run(team, Scenario.default()) for team in played[style])
    apart = np.zeros(RUNS, dtype=bool)
    for name in ours:
        apart |= peer.relative_gap(ours[name], theirs[name]) > TIGHT
    assert apart.sum() <= DRIFTED, (
        f"{style}: {int(apart.sum())} of {RUNS} runs differ in yearly revenue, attrition or "
        f"final engagement (runs {np.flatnonzero(apart).tolist()}); revenue teamsim "
        f"{ours['revenue'][apart][:3]} vs Mesa {theirs['revenue'][apart][:3]}")


@pytest.mark.parametrize("style", list(THREE))
def test_every_weekly_team_figure_is_the_same(played, style):
    ours, theirs = played[style]
    apart = np.zeros(RUNS, dtype=bool)
    for name in TEAM_METRICS:
        apart |= (peer.relative_gap(ours[name], theirs[name]) > TIGHT).any(0)
    differing = [name for name in TEAM_METRICS
                 if (peer.relative_gap(ours[name], theirs[name]) > TIGHT).any()]
    assert apart.sum() <= DRIFTED, (
        f"{style}: {int(apart.sum())} of {RUNS} runs differ in some week; metrics that "
        f"differ: {differing}")


@pytest.mark.parametrize("style", list(THREE))
def test_the_distributions_over_runs_agree(played, style):
    ours, theirs = (peer.per_run(team, Scenario.default()) for team in played[style])
    critical = 1.36 * math.sqrt(2 / RUNS)  # the KS test's 5% critical value, two samples of 40
    for name in ours:
        a, b = ours[name], theirs[name]
        se = math.sqrt(a.var(ddof=1) / RUNS + b.var(ddof=1) / RUNS)
        assert abs(a.mean() - b.mean()) <= 2 * se, (
            f"{style} {name}: teamsim mean {a.mean():.4f}, Mesa {b.mean():.4f}, SE {se:.4f}")
        ks = peer.ks_statistic(a, b)
        assert ks < critical, f"{style} {name}: KS {ks:.3f}"


def test_a_second_year_under_ratcheted_quotas_is_the_same():
    """Two years (the quota reset at week 52 matters only from week 53 on)."""
    scenario = Scenario(weeks=104)
    runs = 20
    weekly = simulate(THREE["Driller"], scenario, runs=runs, seed=SEED).weekly
    theirs = peer.run_mesa(THREE["Driller"], scenario, runs, SEED)
    apart = np.zeros(runs, dtype=bool)
    for name in TEAM_METRICS:
        ours = weekly[name].to_numpy(dtype=float).reshape(runs, scenario.weeks).T
        apart |= (peer.relative_gap(ours, theirs[name]) > TIGHT).any(0)
    assert apart.sum() <= DRIFTED, f"{int(apart.sum())} of {runs} runs differ in some week"
