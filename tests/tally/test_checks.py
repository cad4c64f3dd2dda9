"""Every arithmetic violation is caught; a consistent sheet always passes (Hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from majlis.tally import Source, Station, TallySheet, VotingType, check

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


def test_registered_ceiling_applies_to_general_stations_only() -> None:
    sheet = TallySheet(station="S", source=Source.MACHINE, received_at="", received_by="",
                       ballots_received=20, cast=20, valid=20, invalid=0, spoiled=0, unused=0,
                       votes={"A": 20})
    small = {"S": Station(code="S", centre="C", constituency="K",
                          voting_type=VotingType.GENERAL, registered=10)}
    assert {f.rule for f in check(sheet, small, LISTS)} == {"cast-within-registered"}
    special = {"S": Station(code="S", centre="C", constituency="K",
                            voting_type=VotingType.SPECIAL_IDP, registered=0)}
    assert check(sheet, special, LISTS) == ()


def _fields(sheet: TallySheet) -> dict[str, object]:
    return {f: getattr(sheet, f) for f in TallySheet.__dataclass_fields__}
