"""The headline lessons as functions (teamsim.analysis.lessons) and their robustness table
(teamsim.analysis.robustness).

These tests check the measuring, not the model: every lesson runs on few runs here, so its
verdict is not asserted (the robustness table reports it). What is asserted: same seed, same
lesson; each verdict follows from its value; the statistics behind verdicts (paired margins,
ratios, cross-overs, refined optima) on inputs with known answers; and the variants of the
robustness run (one at a time, a Latin hypercube, clipping into the model's allowed ranges).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from teamsim import Params, Scenario, Style, sweep
from teamsim.analysis import lessons as ls
from teamsim.analysis import robustness as rb

FEW = 0.1  # runs_scale: 4-8 runs per lesson


@pytest.fixture(scope="module")
def few() -> list[ls.Lesson]:
    return ls.all_lessons(runs_scale=FEW, seed=5)


def test_all_lessons_are_measured_in_order(few):
    assert [x.key for x in few] == [f"L{i}" for i in range(1, 12)]


@pytest.mark.parametrize("i", range(11))
def test_lesson_is_well_formed_and_its_verdict_follows_its_value(few, i):
    lesson = few[i]
    assert isinstance(lesson, ls.Lesson)
    assert lesson.claim == ls.CLAIMS[lesson.key] and len(lesson.claim) > 20
    assert lesson.claim.endswith(".")
    assert lesson.detail.strip()
    assert not math.isnan(lesson.value)
    assert lesson.holds == (lesson.value > 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        lesson.holds = not lesson.holds  # type: ignore[misc]


def test_same_seed_same_lessons_other_seed_other_figures(few):
    again = ls.all_lessons(runs_scale=FEW, seed=5)
    assert again == few
    other = ls.all_lessons(runs_scale=FEW, seed=6)
    assert [x.value for x in other] != [x.value for x in few]


@pytest.mark.parametrize("key, fn, runs", ls.LESSONS)
def test_each_function_alone_equals_its_place_in_all_lessons(few, key, fn, runs):
    """Called on its own (no cache shared with the others) a lesson gives the same result."""
    alone = fn(None, ls.scaled_runs(runs, FEW), 5)
    assert alone == next(x for x in few if x.key == key)


def test_params_reach_the_model():
    """A lesson measured on other parameters measures something else."""
    base = ls.lesson_5(runs=6, seed=1)
    tired = ls.lesson_5(Params(exhaustion_drain=0.06), runs=6, seed=1)
    assert tired.detail != base.detail


def test_all_lessons_rejects_bad_arguments():
    with pytest.raises(ValueError, match="runs_scale"):
        ls.all_lessons(runs_scale=0)
    with pytest.raises(ValueError, match="L12"):
        ls.all_lessons(keys=["L12"])


# -- the statistics behind the verdicts -------------------------------------------------------


def test_greater_is_the_paired_margin_beyond_two_standard_errors():
    diff = np.array([1.0, 2.0, 3.0, 4.0, np.nan])
    mean, se, margin = ls.greater(diff)
    assert mean == pytest.approx(2.5)
    assert se == pytest.approx(np.std([1, 2, 3, 4], ddof=1) / 2)
    assert margin == pytest.approx(2.5 / se - 2)
    assert ls.greater(-diff)[2] == pytest.approx(-2.5 / se - 2)
    assert ls.greater(np.array([1.0]))[2] == -math.inf  # no SE from one run: not beyond noise
    assert ls.z_score(0.0, 0.0) == 0.0 and ls.z_score(1.0, 0.0) == math.inf


def test_ratio_terms_give_the_delta_method_standard_error():
    rng = np.random.default_rng(0)
    den = rng.normal(10, 1, 4000)
    num = 0.8 * den + rng.normal(0, 0.5, 4000)
    ratio, terms = ls.ratio_terms(num, den)
    assert ratio == pytest.approx(num.mean() / den.mean())
    assert terms.mean() == pytest.approx(0, abs=1e-12)
    # the spread of the ratio over many independent samples of 50 runs
    ratios = [num[i:i + 50].mean() / den[i:i + 50].mean() for i in range(0, 4000, 50)]
    assert ls.mean_se(terms)[1] * math.sqrt(4000 / 50) == pytest.approx(np.std(ratios), rel=0.3)


def test_switch_figures_find_the_dip_and_the_cross_overs():
    weeks, switch = 12, 4
    stayer = np.full((3, weeks), 10.0)
    path = np.array([10, 10, 10, 6, 8, 10, 11, 12, 13, 14, 14, 14], float)
    switcher = np.vstack([path - 0.1, path, path + 0.1])
    f = ls.switch_figures(switcher, stayer, switch)
    assert f.worst_week == 4 and f.worst_gap == pytest.approx(-0.4)
    assert f.worst_z < -2
    assert f.stays_ahead == 7  # weekly revenue above 10 from week 7 on
    # cumulative since week 4: -4, -6, -6, -5, -3, 0, 4 ... -> at least level from week 9
    assert f.crossover == 9
    never = ls.switch_figures(stayer - 1, stayer, switch)
    assert never.stays_ahead is None and never.crossover is None


def test_recovery_week_counts_weeks_after_the_shock():
    twin = np.full(20, 10.0)
    shocked = twin.copy()
    shocked[5:10] = 4.0  # the shock, weeks 6-10
    shocked[10:12] = 8.0
    # 4-week means after week 10: wk11 (4,4,4,8) wk12 (4,4,8,8) wk13 (4,8,8,10) wk14 (8,8,10,10)
    assert ls.recovery_week(shocked, twin, 10) == 4
    assert ls.recovery_week(twin * 0.5, twin, 10) is None


def test_refined_best_finds_the_vertex_of_a_parabola_and_keeps_ends():
    grid = np.asarray(ls.GRID)
    means = np.column_stack([-(grid - 0.63) ** 2, grid, -grid])
    best = ls.refined_best(means)
    assert best[0] == pytest.approx(0.63)
    assert best[1] == pytest.approx(1.0) and best[2] == pytest.approx(0.0)


def test_grid_style_reads_the_control_major_square():
    assert ls.grid_style(3 * 11 + 8) == Style(0.3, 0.8)
    assert ls.grid_style(120) == Style(1.0, 1.0) and ls.grid_style(0) == Style(0.0, 0.0)
    square = sweep(ls.GRID, ls.GRID, Scenario.no_shock(), runs=1, seed=0)
    k = 57
    assert (square["control"][k], square["inspiration"][k]) == (ls.grid_style(k).control,
                                                                ls.grid_style(k).inspiration)


def test_switching_experiment_reports_both_switches():
    for name in ("no_shock", "default"):
        exp = ls.switching_experiment(scenario_name=name, runs=5, seed=1)
        assert exp["scenario"] == name and exp["week"] == ls.SWITCH_WEEK
        for which in ("leading", "control"):
            figures = exp[which]
            assert set(figures) == {f.name for f in dataclasses.fields(ls.SwitchFigures)}
            assert ls.SWITCH_WEEK <= figures["worst_week"] <= 52


# -- robustness -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FakeSpec:
    low: float
    high: float
    integer: bool


def test_latin_hypercube_is_latin_and_within_bounds():
    dims, factors = rb.lhs_factors(Params(), n=64)
    assert factors.shape == (64, len(dims)) and len(dims) >= len(dataclasses.fields(Params))
    assert factors.min() >= 0.8 and factors.max() < 1.2
    strata = np.floor((factors - 0.8) / 0.4 * 64).astype(int)
    for column in strata.T:
        assert sorted(column) == list(range(64))  # one point in each stratum
    again = rb.lhs_factors(Params(), n=64)[1]
    assert np.array_equal(again, factors)
    assert not np.array_equal(rb.lhs_factors(Params(), n=64, seed=rb.LHS_SEED + 1)[1], factors)


def test_latin_variants_stay_within_twenty_percent_and_the_model_ranges():
    base = Params()
    specs = rb.model_specs()
    variants = rb.latin_variants()
    assert len(variants) == rb.LHS_SIZE >= 64
    assert len({v.params for v in variants}) == len(variants)
    for v in variants:
        assert v.kind == "lhs"
        for f in dataclasses.fields(base):
            old, new = getattr(base, f.name), getattr(v.params, f.name)
            for a, b in zip(np.atleast_1d(old), np.atleast_1d(new)):
                spec = specs.get(f.name)
                if spec is not None:
                    assert spec.low <= b <= spec.high, (v.label, f.name, b)
                if f.name not in v.label and not isinstance(a, (int, np.integer)):
                    low, high = sorted((0.8 * a, 1.2 * a))  # a may be negative
                    assert low <= b <= high, (v.label, f.name, a, b)


def test_one_at_a_time_changes_one_field_by_its_factor_within_its_range():
    base = Params()
    specs = rb.model_specs()
    variants = rb.one_at_a_time()
    names = [f.name for f in dataclasses.fields(base)]

    def moves(value: object, factor: float) -> bool:
        if isinstance(value, int):
            return max(1, round(value * factor)) != value
        return bool(np.any(np.asarray(value) != 0))
    assert len(variants) == sum(moves(getattr(base, n), f) for n in names for f in (0.7, 1.3))
    assert any("clipped" in v.label for v in variants)
    for v in variants:
        changed = [n for n in names if getattr(v.params, n) != getattr(base, n)]
        assert len(changed) == 1 and v.label.startswith(changed[0] + " x")
        name, spec = changed[0], specs[changed[0]]
        factor = float(v.label.split(" x")[1].split()[0])
        old = np.atleast_1d(getattr(base, name)).astype(float)
        new = np.atleast_1d(getattr(v.params, name)).astype(float)
        wanted = np.round(old * factor) if spec.integer else old * factor
        if spec.integer:
            wanted = np.maximum(wanted, 1)
        assert new == pytest.approx(np.clip(wanted, spec.low, spec.high))
        assert ("clipped" in v.label) == bool(np.any(np.clip(wanted, spec.low, spec.high)
                                                     != wanted))


def test_scaling_clips_into_the_allowed_range_and_says_so():
    specs = {**rb.model_specs(), "quota": FakeSpec(0.0, 15.0, False),
             "vacancy_weeks": FakeSpec(5, math.inf, True)}
    base = Params()
    variants = {v.label: v.params for v in rb.one_at_a_time(specs=specs)}
    assert variants["quota x1.3 (clipped: quota)"].quota == 15.0
    assert variants["quota x0.7"].quota == pytest.approx(0.7 * base.quota)
    assert variants["vacancy_weeks x0.7 (clipped: vacancy_weeks)"].vacancy_weeks == 5
    assert variants["vacancy_weeks x1.3"].vacancy_weeks == round(1.3 * base.vacancy_weeks)
    lhs = rb.latin_variants(specs=specs)
    assert all(v.params.quota <= 15.0 for v in lhs)
    assert any("clipped: quota" in v.label for v in lhs)  # 13.5 x up to 1.2 passes 15


def test_scaling_a_tuple_field_scales_each_element():
    @dataclasses.dataclass(frozen=True)
    class Fake:
        fit: tuple[float, ...] = (1.0, 2.0, 4.0)
        weeks: int = 3

    specs = {"fit": FakeSpec(0.0, 3.0, False), "weeks": FakeSpec(1, 10, True)}
    fake, clipped = rb.scaled_params(Fake(), {"fit": [0.5, 1.2, 0.9], "weeks": 0.2}, specs)
    assert fake.fit == pytest.approx((0.5, 2.4, 3.0)) and clipped == ["fit"]
    assert fake.weeks == 1  # an integer is rounded but kept at least 1
    assert [n for n, _ in rb.dimensions(Fake())] == ["fit", "fit", "fit", "weeks"]


def test_table_counts_shares_and_names_the_variants_that_flip_a_lesson():
    keys = [k for k, _, _ in ls.LESSONS]

    def verdicts(failing: set[str]) -> dict[str, tuple[bool, float]]:
        return {k: (k not in failing, -1.0 if k in failing else 1.0) for k in keys}

    variants = [rb.Variant("defaults", "baseline", Params())]
    results: list[rb.Verdicts] = [verdicts({"L4"})]
    for j in range(6):
        variants.append(rb.Variant(f"oat {j}", "oat", Params()))
        results.append(verdicts({"L1"} if j < 5 else set()))
    for j in range(4):
        variants.append(rb.Variant(f"lhs {j}", "lhs", Params()))
        results.append(verdicts({"L1"} if j == 0 else set()))
    variants.append(rb.Variant("broken", "lhs", Params()))
    results.append("ValueError: no")
    out = rb.table(variants, results)
    assert list(out.columns) == list(rb.COLUMNS)
    row = out.set_index("lesson").loc["L1"]
    assert row["baseline"] and row["holds_oat"] == pytest.approx(1 / 6)
    assert row["holds_lhs"] == pytest.approx(3 / 4) and row["holds_all"] == pytest.approx(4 / 10)
    assert row["conditional"] and row["n_oat"] == 6 and row["n_lhs"] == 4
    assert row["where_it_fails"] == "oat 0, oat 1, oat 2, oat 3 and 1 more (5 of 6)"
    l4 = out.set_index("lesson").loc["L4"]
    assert not l4["baseline"] and l4["where_it_fails"].startswith("fails at the defaults")
    assert "oat 0" in l4["where_it_fails"]
    l2 = out.set_index("lesson").loc["L2"]
    assert l2["holds_all"] == 1.0 and not l2["conditional"] and l2["where_it_fails"] == ""
    assert out.attrs["errors"] == {"broken": "ValueError: no"}


def test_robustness_table_on_three_variants():
    variants = [rb.Variant("defaults", "baseline", Params()),
                *rb.one_at_a_time(specs=rb.model_specs())[:1], *rb.latin_variants(n=4)[:1]]
    out = rb.robustness_table(runs_scale=0.05, seed=3, workers=2, variants=variants)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == list(rb.COLUMNS) and len(out) == 11
    assert list(out["lesson"]) == [k for k, _, _ in ls.LESSONS]
    assert (out["n_oat"] == 1).all() and (out["n_lhs"] == 1).all()
    assert out["holds_all"].between(0, 1).all()
    assert out.attrs["errors"] == {} and out.attrs["variants"] == 3
    alone = ls.all_lessons(runs_scale=0.05, seed=3)
    assert list(out["baseline"]) == [x.holds for x in alone]
    assert list(out["value"]) == pytest.approx([x.value for x in alone])
