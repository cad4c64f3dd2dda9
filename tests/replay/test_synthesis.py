"""Made-up stations add up exactly to the totals they were made from."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from majlis.replay import Group, Totals, fit, synthesise

BASRA = Totals(name="Basra",
               groups=(Group(voting_type="general", stations=400, registered=1_600_000,
                             cast=700_000),
                       Group(voting_type="special-security", stations=30, registered=60_000,
                             cast=40_000)),
               votes={"Tasmim": 190_000, "State of Law": 120_000, "Sadiqoun": 90_000,
                      "other lists": 300_000},
               invalid=40_000)


def test_stations_add_up_exactly_and_stay_possible() -> None:
    made = synthesise(BASRA, np.random.default_rng(7))
    assert made.registered.sum() == 1_660_000 and made.cast.sum() == 740_000
    assert made.voting_type.count("special-security") == 30
    assert made.votes.sum(axis=0).tolist() == [190_000, 120_000, 90_000, 300_000]
    assert made.invalid.sum() == BASRA.invalid
    assert (made.votes.sum(axis=1) == made.cast - made.invalid).all()
    assert (made.cast <= made.registered).all() and (made.invalid <= made.cast).all()


def test_the_same_seed_makes_the_same_night() -> None:
    a, b = (synthesise(BASRA, np.random.default_rng(11)) for _ in range(2))
    assert (a.votes == b.votes).all() and (a.registered == b.registered).all()
    c = synthesise(BASRA, np.random.default_rng(12))
    assert not (a.votes == c.votes).all()


def test_lower_cohesion_means_more_local_variation() -> None:
    def spread(cohesion: float) -> float:
        made = synthesise(BASRA, np.random.default_rng(3), cohesion=cohesion)
        shares = made.votes[:, 0] / np.maximum(made.votes.sum(axis=1), 1)
        return float(shares.std())
    assert spread(10) > 1.5 * spread(300)


@given(st.lists(st.integers(0, 500), min_size=1, max_size=12),
       st.lists(st.integers(1, 30), min_size=1, max_size=6), st.integers(0, 2**32 - 1))
def test_fit_meets_both_margins_exactly(rows: list[int], weights: list[int], seed: int) -> None:
    total = sum(rows)
    rng = np.random.default_rng(seed)
    columns = rng.multinomial(total, np.array(weights) / sum(weights))
    pattern = rng.random((len(rows), len(weights)))
    table = fit(np.array(rows), columns, pattern)
    assert table.sum(axis=1).tolist() == rows
    assert table.sum(axis=0).tolist() == columns.tolist()
    assert (table >= 0).all()


def test_special_stations_lean_differently_from_their_governorate() -> None:
    made = synthesise(BASRA, np.random.default_rng(5), special_lean=1.0)
    special = np.array([t != "general" for t in made.voting_type])
    share = made.votes[special].sum(axis=0) / made.votes[special].sum()
    overall = made.votes.sum(axis=0) / made.votes.sum()
    assert np.abs(share - overall).max() > 0.05


def test_totals_that_cannot_be_cast_are_refused() -> None:
    import pytest
    short = Totals(name="Basra", groups=BASRA.groups[:1], votes=BASRA.votes, invalid=40_000)
    with pytest.raises(ValueError, match="700000 ballots cast in its stations but 700000 valid"):
        synthesise(short, np.random.default_rng(1))


def test_rural_stations_vary_more_than_urban_ones() -> None:
    def spread(rural_share: float) -> float:
        made = synthesise(BASRA, np.random.default_rng(9), rural_share=rural_share)
        shares = made.votes[:, 0] / np.maximum(made.votes.sum(axis=1), 1)
        return float(shares.std())
    assert spread(1.0) > 1.4 * spread(0.0)
