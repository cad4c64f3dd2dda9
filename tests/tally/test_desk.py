"""The desk in the store: blind double entry by two clerks, a supervisor settling what they
disagree on, the queues — each step a chained version with its author (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from majlis import audit
from majlis.errors import InputError
from majlis.tally import Cell, Entry, Keyed, Source, Store

from .conftest import sheet


def entry(source: str, **figures: object):
    return sheet("B-001-01", source, **figures)


def counted(store: Store) -> dict[str, dict[str, int]]:
    """The votes the store counts, per constituency with any."""
    return {c.name: c.votes for c in store.results() if c.votes}


def zero(source: str):
    return entry(source, votes={"Tasmim": 0, "State of Law": 0}, ballots_received=0, cast=0,
                 invalid=0, spoiled=0, unused=0)


def test_two_clerks_agreeing_count_the_sheet(registered: Store) -> None:
    first = registered.enter(entry("entry-a"), clerk="amal", key="k-a-0001")
    assert (first.status, first.version, first.clerk) == ("awaiting-second-entry", 1, "amal")
    assert registered.form("B-001-01").keyed == (Source.ENTRY_A,)
    second = registered.enter(entry("entry-b"), clerk="dalia", key="k-b-0001")
    assert second.status == "accepted"
    assert counted(registered) == {"Basra": {"Tasmim": 200, "State of Law": 100}}
    trail = [(v.sheet.source, v.author, v.sheet.received_by)
             for v in registered.history("B-001-01")]
    assert trail == [(Source.ENTRY_A, "amal", "amal"), (Source.ENTRY_B, "dalia", "dalia")]
    assert registered.queues() == []
    assert audit.verify_chain(registered.chain()).intact


def test_the_same_clerk_never_keys_both_entries(registered: Store) -> None:
    registered.enter(entry("entry-a"), clerk="amal", key="k-a-0001")
    with pytest.raises(InputError, match="amal keyed entry-a of this sheet") as refused:
        registered.enter(entry("entry-b"), clerk="amal", key="k-b-0001")
    assert refused.value.problems[0].field == "clerk"
    with pytest.raises(InputError, match="entry-a of this sheet is keyed already"):
        registered.enter(entry("entry-a", invalid=9, cast=309), clerk="dalia", key="k-a-0002")
    assert len(registered.history("B-001-01")) == 1


def test_an_all_zero_sheet_is_refused_unless_marked_blank(registered: Store) -> None:
    with pytest.raises(InputError, match="every figure is 0") as refused:
        registered.enter(zero("entry-a"), clerk="amal", key="k-a-0001")
    assert refused.value.problems[0].field == "blank"
    assert registered.history("B-001-01") == []
    with pytest.raises(InputError, match="marked blank but carries figures"):
        registered.enter(entry("entry-a"), clerk="amal", key="k-a-0001", blank=True)
    marked = registered.enter(zero("entry-a"), clerk="amal", key="k-a-0001", blank=True)
    assert (marked.status, marked.blank) == ("awaiting-second-entry", True)
    assert registered.enter(zero("entry-b"), clerk="dalia", key="k-b-0001",
                            blank=True).status == "accepted"


def test_a_resent_entry_is_stored_once(registered: Store) -> None:
    first = registered.enter(entry("entry-a"), clerk="amal", key="k-a-0001")
    again = registered.enter(entry("entry-a"), clerk="amal", key="k-a-0001")
    assert again.repeated and (again.version, again.status) == (first.version, first.status)
    assert len(registered.history("B-001-01")) == 1
    with pytest.raises(InputError, match="was sent before for station 'B-001-01', entry-a"):
        registered.enter(sheet("B-001-02", "entry-a"), clerk="amal", key="k-a-0001")


def test_a_disagreement_is_settled_by_choosing_an_entry(registered: Store) -> None:
    registered.enter(entry("entry-a"), clerk="amal", key="k-a-0001")
    differs = registered.enter(entry("entry-b", votes={"Tasmim": 210, "State of Law": 90}),
                               clerk="dalia", key="k-b-0001")
    assert differs.status == "quarantined"
    assert [f.rule for f in differs.failures] == ["double-entry-agrees"]
    assert [(h.queue, h.station, h.constituency) for h in registered.queues()] == [
        ("disagreement", "B-001-01", "Basra")]
    both = registered.disagreement("B-001-01")
    assert both.cells == (Cell(field="votes › State of Law", entry_a=100, entry_b=90),
                          Cell(field="votes › Tasmim", entry_a=200, entry_b=210))
    assert counted(registered) == {}
    settled = registered.resolve("B-001-01", supervisor="basim", reason="the paper says 200",
                                 chosen=Source.ENTRY_A)
    assert settled.status == "accepted"
    assert counted(registered)["Basra"] == {"Tasmim": 200, "State of Law": 100}
    last = registered.history("B-001-01")[-2:]
    assert [(v.sheet.source, v.status, v.author) for v in last] == [
        (Source.ENTRY_A, "accepted", "basim"), (Source.ENTRY_B, "accepted", "basim")]
    assert "entry-a chosen: the paper says 200" in last[0].reason
    assert registered.queues() == []
    assert audit.verify_chain(registered.chain()).intact
    with pytest.raises(InputError, match="do not disagree"):
        registered.resolve("B-001-01", supervisor="basim", reason="again",
                           chosen=Source.ENTRY_B)


def test_a_disagreement_is_settled_by_keying_again_or_a_recount(registered: Store) -> None:
    for station in ("B-001-01", "B-001-02"):
        registered.enter(sheet(station, "entry-a"), clerk="amal", key=f"{station}-a")
        registered.enter(sheet(station, "entry-b", invalid=11, cast=311, unused=184),
                         clerk="dalia", key=f"{station}-b")
    assert registered.disagreement("B-001-02").cells[0] == Cell(field="cast", entry_a=310,
                                                                entry_b=311)
    rekeyed = registered.resolve("B-001-01", supervisor="basim", reason="keyed from the paper",
                                 sheet=sheet("B-001-01", "entry-a",
                                             votes={"Tasmim": 201, "State of Law": 99}))
    assert rekeyed.status == "accepted"
    assert counted(registered)["Basra"] == {"Tasmim": 201, "State of Law": 99}
    sent = registered.order_recount("B-001-02", supervisor="basim", reason="ink smudged")
    assert (sent.status, sent.failures[0].rule) == ("quarantined", "recount-ordered")
    assert [(h.queue, h.station) for h in registered.queues()] == [("recount", "B-001-02")]
    registered.ingest([sheet("B-001-02", "manual", votes={"Tasmim": 90, "State of Law": 160})])
    assert registered.queues() == []
    assert counted(registered)["Basra"] == {"Tasmim": 291, "State of Law": 259}
    assert audit.verify_chain(registered.chain()).intact


def test_the_queues_count_what_holds_a_release_back(registered: Store) -> None:
    registered.enter(sheet("N-001-01", "entry-a", votes={"Tasmim": 100, "Sadiqoun": 50}),
                     clerk="amal", key="n-a")
    registered.ingest([sheet("B-001-02", "machine", cast=999)])
    queues = [(h.queue, h.station, h.constituency, h.source) for h in registered.queues()]
    assert queues == [("quarantine", "B-001-02", "Basra", Source.MACHINE),
                      ("awaiting-second-entry", "N-001-01", "Najaf", Source.ENTRY_A)]
    form = registered.form("N-001-01")
    assert (form.station.constituency, form.lists) == ("Najaf", ("Sadiqoun", "Tasmim"))
    with pytest.raises(InputError, match="is not registered"):
        registered.form("X-1")


def test_entries_arriving_together_are_answered_as_if_alone(registered: Store) -> None:
    """One transaction for a busy desk's entries: each answered as `enter` answers it."""
    answers = registered.enter_all([
        Keyed(sheet=sheet("B-001-01", "entry-a"), clerk="amal", key="one-a"),
        Keyed(sheet=sheet("B-001-01", "entry-b"), clerk="dalia", key="one-b"),
        Keyed(sheet=sheet("B-001-01", "entry-b"), clerk="dalia", key="one-b"),  # sent twice
        Keyed(sheet=sheet("B-001-02", "entry-a"), clerk="amal", key="two-a"),
        Keyed(sheet=sheet("B-001-02", "entry-b"), clerk="amal", key="two-b"),  # the same clerk
        Keyed(sheet=zero("entry-a"), clerk="amal", key="three-a"),  # all zero, not marked
        Keyed(sheet=sheet("N-001-01", "entry-a", votes={"Tasmim": 9}), clerk="amal",
              key="one-a"),  # a key already used
    ])
    shown = [(a.status, a.repeated) if isinstance(a, Entry) else a.problems[0].field
             for a in answers]
    assert shown == [("awaiting-second-entry", False), ("accepted", False), ("accepted", True),
                     ("awaiting-second-entry", False), "clerk", "blank", "key"]
    assert counted(registered) == {"Basra": {"Tasmim": 200, "State of Law": 100}}
    assert [(v.sheet.source, v.author) for v in registered.history("B-001-02")] == [
        (Source.ENTRY_A, "amal")]
    assert audit.verify_chain(registered.chain()).intact


def test_an_entry_whose_token_was_revoked_is_refused_and_the_others_stored(
        registered: Store) -> None:
    issued = datetime.now(UTC) - timedelta(minutes=5)
    registered.revoke("amal", token="t-amal-1")
    answers = registered.enter_all([
        Keyed(sheet=entry("entry-a"), clerk="amal", key="k-a-0001", token=("t-amal-1", issued)),
        Keyed(sheet=sheet("B-001-02", "entry-a"), clerk="amal", key="k-a-0002",
              token=("t-amal-2", issued))])
    assert isinstance(answers[0], InputError)
    assert answers[0].problems[0].field == "token"
    assert isinstance(answers[1], Entry) and answers[1].status == "awaiting-second-entry"
    registered.revoke("amal")  # every token of amal issued until now
    [late] = registered.enter_all([Keyed(sheet=entry("entry-a"), clerk="amal", key="k-a-0003",
                                         token=("t-amal-2", issued))])
    assert isinstance(late, InputError) and "was revoked" in str(late)
    assert registered.history("B-001-01") == []
