"""Every arithmetic violation is caught; a consistent sheet always passes (Hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from majlis.tally import UNREGISTERED_CEILING, Source, Station, TallySheet, VotingType, check

STATIONS = {"S": Station(code="S", centre="C", constituency="K",
                         voting_type=VotingType.GENERAL, registered=10_000)}
LISTS = {"K": frozenset({"A", "B", "C"})}


@st.composite
def consistent_sheets(draw: st.DrawFn) -> TallySheet:
    votes = draw(st.fixed_dictionaries({p: st.integers(0, 2000) for p in ("A", "B", "C")}))
    valid = sum(votes.values())
    invalid, spoiled, unused = (draw(st.integers(0, 500)) for _ in range(3))
    cast = valid + invalid
    return TallySheet(station="S", source=Source.MACHINE, received_at="", received_by="",
                      ballots_received=cast + spoiled + unused, cast=cast, valid=valid,
                      invalid=invalid, spoiled=spoiled, unused=unused, votes=votes)


@given(consistent_sheets())
def test_a_consistent_sheet_passes(sheet: TallySheet) -> None:
    assert check(sheet, STATIONS, LISTS) == ()


@given(consistent_sheets(), st.sampled_from(["cast", "valid", "ballots_received", "votes"]),
       st.integers(1, 50))
def test_every_arithmetic_violation_is_caught(sheet: TallySheet, field: str, delta: int) -> None:
    if field == "votes":
        broken = TallySheet(**{**_fields(sheet), "votes": {**sheet.votes,
                                                             "A": sheet.votes["A"] + delta}})
        expected = {"valid-is-sum-of-lists"}
    else:
        broken = TallySheet(**{**_fields(sheet), field: getattr(sheet, field) + delta})
        expected = {"cast": {"cast-is-valid-plus-invalid", "ballots-accounted"},
                    "valid": {"cast-is-valid-plus-invalid", "valid-is-sum-of-lists"},
                    "ballots_received": {"ballots-accounted"}}[field]
    assert {f.rule for f in check(broken, STATIONS, LISTS)} == expected


def ballots(n: int) -> TallySheet:
    """A consistent sheet of `n` ballots, all cast for list A."""
    return TallySheet(station="S", source=Source.MACHINE, received_at="", received_by="",
                      ballots_received=n, cast=n, valid=n, invalid=0, spoiled=0, unused=0,
                      votes={"A": n})


def station(voting_type: VotingType, registered: int) -> dict[str, Station]:
    return {"S": Station(code="S", centre="C", constituency="K", voting_type=voting_type,
                         registered=registered)}


def test_the_register_bounds_general_stations() -> None:
    (failure,) = check(ballots(20), station(VotingType.GENERAL, 10), LISTS)
    assert (failure.rule, failure.message) == ("within-register", (
        "cast 20 > 10 registered voters; votes for lists 20 > 10 registered voters"))
    assert check(ballots(10), station(VotingType.GENERAL, 10), LISTS) == ()


def test_a_billion_votes_at_a_special_station_with_219_registered_is_held() -> None:
    billion = ballots(1_000_000_000)
    assert {f.rule for f in check(billion, station(VotingType.SPECIAL_SECURITY, 219), LISTS)} \
        == {"within-register"}
    assert check(ballots(219), station(VotingType.SPECIAL_SECURITY, 219), LISTS) == ()


def test_list_votes_past_the_register_are_held_even_when_cast_is_within() -> None:
    padded = TallySheet(**{**_fields(ballots(100)), "votes": {"A": 90, "B": 60}})
    rules = {f.rule for f in check(padded, station(VotingType.SPECIAL_IDP, 120), LISTS)}
    assert rules == {"within-register", "valid-is-sum-of-lists"}


def test_a_station_with_no_register_is_bounded_by_the_configured_ceiling() -> None:
    unregistered = station(VotingType.OUT_OF_COUNTRY, 0)
    assert check(ballots(UNREGISTERED_CEILING), unregistered, LISTS) == ()
    (failure,) = check(ballots(UNREGISTERED_CEILING + 1), unregistered, LISTS)
    assert failure.rule == "within-register"
    assert "the most a station with no register may report" in failure.message
    assert check(ballots(20_000), unregistered, LISTS, unregistered_ceiling=20_000) == ()


def _fields(sheet: TallySheet) -> dict[str, object]:
    return {f: getattr(sheet, f) for f in TallySheet.__dataclass_fields__}
