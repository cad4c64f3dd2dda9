"""One seat table everywhere (#17): a levelling law's seats — its levelling seats counted in the
county they are placed in — are the same through `majlis results --law`, the service's seat rows
and the replay's release files, and they are the seats Norway published in 2021."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from majlis import data, replay
from majlis.cli._replay import _write_release  # private: the replay's release files
from majlis.law import parse_law
from majlis.tally import Level, Source, Station, Store, TallySheet, VotingType
from majlis.web._read import seat_rows  # private: the service takes only preset laws by name
from tests.commands import majlis

LAW = Path(__file__).resolve().parents[2] / "examples" / "laws" / "norway-2021.toml"

Table = dict[tuple[str, str], int]


def norway(tmp_path: Path) -> tuple[str, Path]:
    """A store holding Norway 2021's county votes (one station per county), and the example law
    with the counties' seats written in (the store's counts carry no districts file)."""
    counties = data.rows("world/norway2021_districts.csv")
    law = tmp_path / "norway.toml"
    law.write_text(LAW.read_text(encoding="utf-8") + "\n[districts]\n" + "".join(
        f'"{r["district"]}" = {r["seats"]}\n' for r in counties), encoding="utf-8")
    votes: dict[str, dict[str, int]] = {}
    for r in data.rows("world/norway2021_votes.csv"):
        votes.setdefault(r["district"], {})[r["party"]] = int(r["votes"])
    url = f"sqlite:///{tmp_path / 'night.db'}"
    with Store(url, "norway") as store:
        store.init()
        stations = [Station(code=f"N{i:02d}", centre=f"C{i:02d}", constituency=name,
                            voting_type=VotingType.GENERAL, registered=2_000_000)
                    for i, name in enumerate(votes)]
        store.register(stations, [(c, p) for c, lists in votes.items() for p in lists])
        report = store.ingest(TallySheet(
            station=s.code, source=Source.MACHINE, received_at="2021-09-13T21:00",
            received_by="machine", ballots_received=sum(votes[s.constituency].values()),
            cast=sum(votes[s.constituency].values()), valid=sum(votes[s.constituency].values()),
            invalid=0, spoiled=0, unused=0, votes=votes[s.constituency]) for s in stations)
        assert report.accepted == len(stations)
    return url, law


def test_a_levelling_law_gives_one_seat_table_through_cli_service_and_replay(
        tmp_path: Path) -> None:
    url, law_file = norway(tmp_path)
    law = parse_law(law_file.read_text(encoding="utf-8"), str(law_file))

    with Store(url, "norway") as store:
        out = tmp_path / "replay"
        out.mkdir()
        reported = replay.play([replay.Wave(name="final", at=datetime(2021, 9, 14, tzinfo=UTC),
                                            sheets=())], store, law)[-1]
        counts = store.results()
    _write_release(reported, out)
    replayed: Table = {(c["constituency"], p): n for c in json.loads(
        (out / "release-01.json").read_text(encoding="utf-8"))["results"]
        for p, n in c["seats"].items()}

    served: Table = {(r.constituency, r.list): r.seats
                     for r in seat_rows(counts, law, Level.CONSTITUENCY)}

    run = majlis("results", "--db", url, "--election", "norway", "--law", law_file,
                 "--format", "json")
    assert run.returncode == 0, run.stderr
    printed: Table = {(c["constituency"], p): n for c in json.loads(run.stdout)
                      for p, n in c["seats"].items()}

    published: Table = {(r["district"], r["party"]): int(r["district_seats"])
                        + int(r["levelling_seats"])
                        for r in data.rows("world/norway2021_seats.csv")}
    assert printed == served == replayed
    assert {k: n for k, n in printed.items() if n} == {k: n for k, n in published.items() if n}
    assert sum(printed.values()) == 169  # 150 county seats and the 19 levelling seats
