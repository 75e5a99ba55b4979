"""Sam's year, the book's decision game: its data (teamsim.course.game) is complete, compact,
consistent with teamsim and the same at every build."""

from __future__ import annotations

import pytest

from teamsim import simulate
from teamsim.course import game


@pytest.fixture(scope="module")
def script() -> str:
    return game.data_script()


def test_the_generator_is_deterministic(script: str) -> None:
    """Two runs give the same bytes (the game's one seed, game.SEED, fixes every path)."""
    assert game.data_script() == script


def test_every_path_and_every_quarter_is_there(script: str) -> None:
    data = game.parse_script(script)
    assert data["seed"] == game.SEED and data["runs"] == game.RUNS
    assert len(data["choices"]) == 5
    assert len(data["paths"]) == 5 ** 4 == 625
    assert sorted(data["paths"]) == game.all_paths()
    assert sorted(data["quarters"]) == sorted(
        {p[:q] for p in game.all_paths() for q in range(1, 5)})
    assert len(data["quarters"]) == 5 + 25 + 125 + 625
    for rows in data["quarters"].values():
        assert len(rows) == len(game.METRICS)
        assert all(len(row) == 13 and all(isinstance(v, int) for v in row) for row in rows)
    assert len(data["market"]) == 52
    # compact: well within the page budget of 1.5 MB with the page
    assert len(script.encode()) < 400_000


def test_a_quarter_depends_only_on_the_choices_up_to_it() -> None:
    """The data stores each quarter once per prefix: two paths that share a prefix share the
    weeks of that prefix (checked on the model, not on the stored data)."""
    from teamsim import batch

    paths = ["1030", "1042", "1400"]
    result = batch([game.plan(p) for p in paths], game.scenario(), runs=game.RUNS, seed=game.SEED)
    revenue = result.weekly_mean("revenue")
    assert (revenue[0, :26] == revenue[1, :26]).all()  # same first two quarters
    assert (revenue[0, :13] == revenue[2, :13]).all()  # same first quarter
    assert (revenue[0, 13:26] != revenue[2, 13:26]).any()


@pytest.mark.parametrize("path", ["0000", "1110", "4213"])
def test_the_year_matches_teamsim(script: str, path: str) -> None:
    """A path's stored year is what simulate gives for the quarter-by-quarter policy."""
    data = game.parse_script(script)
    summary = simulate(game.plan(path), game.scenario(), runs=game.RUNS, seed=game.SEED).summary()
    for (name, factor), stored in zip(game.SUMMARY, data["paths"][path], strict=True):
        assert stored == round(float(summary[name].iloc[0]) * factor), name
    weekly = sum(sum(data["quarters"][path[:q]][0]) for q in range(1, 5))
    assert abs(weekly - summary["revenue"].iloc[0]) <= 52  # rounded to $1k a week


def test_a_path_is_four_choices() -> None:
    with pytest.raises(ValueError, match="4 digits"):
        game.plan("015")
    with pytest.raises(ValueError, match="4 digits"):
        game.plan("0159")
    assert game.plan("0123").style_in(14) == game.CHOICES[1][1]
    assert game.plan("0123").style_in(52) == game.CHOICES[3][1]
