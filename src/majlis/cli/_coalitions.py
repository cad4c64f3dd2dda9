"""`majlis power`, `majlis coalitions`, `majlis cabinet`: a seat table in, coalition arithmetic
out. `majlis power --seats SEATS.csv --format json` is a contract other tools rely on."""

from __future__ import annotations

import json
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from majlis import data
from majlis.coalitions import (
    IRAQ_POSTS,
    POINTS_SYSTEMS,
    CoalitionOrder,
    Game,
    ListSeats,
    Quota,
    cabinet,
    check_posts,
    coalitions,
    gamson,
    largest_bloc,
    minimal_power,
    power,
    quota_of,
    read_constraints,
    read_seat_table,
)
from majlis.law import allocate
from majlis.tally import Format

from ._allocate import law_of, read_text, stdout, write_csv
from ._tally import Database, ElectionName, open_store, release_of

MAX_UNITS = 28  # beyond this many lists (blocs merged) the enumeration can take hours

Election = Annotated[str | None, typer.Argument(
    help=f"A bundled seat table: {', '.join(data.SEAT_TABLES)} (or give --seats)")]
Seats = Annotated[Path | None, typer.Option(
    "--seats", help="CSV: party,seats[,bloc,community,colour,name_ar,name_en,axis_NAME…]")]
QuotaOption = Annotated[str, typer.Option(
    "--quota", help="majority (default), two-thirds, or a number of seats")]
Output = Annotated[Format, typer.Option("--format", help="table, csv or json")]
ReleaseNumber = Annotated[int | None, typer.Option(
    "--release", help="Seats won on a published release of the tally store (with --db, "
    "--election, --law)")]
LawPath = Annotated[Path | None, typer.Option(
    "--law", help="With --release: a TOML file or a preset (default: the preset named like the "
    "election)")]


def power_command(
    election: Election = None,
    seats: Seats = None,
    release: ReleaseNumber = None,
    db: Database = None,
    store: ElectionName = None,
    law: LawPath = None,
    quota: QuotaOption = "majority",
    without: Annotated[list[str] | None, typer.Option(
        "--without", help="What if this party stays out (repeatable); the quota is kept")] = None,
    minimal: Annotated[bool, typer.Option(
        "--minimal-indices", help="Add Deegan–Packel, Holler and Johnston")] = False,
    output: Output = Format.TABLE,
) -> None:
    """Each party's voting power: exact normalised Banzhaf and Shapley–Shubik indices."""
    lists, house = _seat_table(election, seats, release, db, store, law)
    game = _game(lists, quota, house)
    if without:
        game = game.without(*(_name(lists, p, "--without") for p in without))
    exact = power(game)
    indices: dict[str, dict[str, Fraction]] = {
        "banzhaf": dict(exact.banzhaf), "shapley_shubik": dict(exact.shapley_shubik)}
    if minimal:
        more = minimal_power(game)
        indices |= {"deegan_packel": dict(more.deegan_packel), "holler": dict(more.holler),
                    "johnston": dict(more.johnston)}
    order = sorted(game.lists, key=lambda p: (-game.seats[p], p))
    if output is Format.JSON:
        typer.echo(json.dumps({"quota": game.quota, "parties": {
            p: {"seats": game.seats[p], "swings": exact.swings[p],
                **{k: float(v[p]) for k, v in indices.items()}} for p in order}},
            ensure_ascii=False, indent=2))
    elif output is Format.CSV:
        write_csv(("party", "seats", "swings", *indices),
                  ((p, game.seats[p], exact.swings[p], *(float(v[p]) for v in indices.values()))
                   for p in order))
    else:
        table = Table(title=f"voting power — quota {game.quota} of {game.total} seats",
                      title_justify="left",
                      caption="swings: coalitions the party turns from losing to winning")
        for column in ("party", "seats", "swings", *indices):
            table.add_column(column.replace("_", " "), justify="left" if column == "party"
                             else "right")
        for p in order:
            table.add_row(p, str(game.seats[p]), f"{exact.swings[p]:,}",
                          *(f"{float(v[p]):.4f}" for v in indices.values()))
        stdout.print(table)


def coalitions_command(
    election: Election = None,
    seats: Seats = None,
    release: ReleaseNumber = None,
    db: Database = None,
    store: ElectionName = None,
    law: LawPath = None,
    quota: QuotaOption = "majority",
    constraints: Annotated[Path | None, typer.Option(
        "--constraints", help="TOML: incompatible, required, blocs, connected, positions, "
        "declared")] = None,
    by: Annotated[str, typer.Option("--by", help="Rank by seats, surplus or parties")] = "seats",
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show at most this many")] = 20,
    output: Output = Format.TABLE,
) -> None:
    """The minimal coalitions that reach the quota under the constraints, the largest bloc
    (both readings), and whether each coalition can fill the top posts by convention."""
    if by not in ("seats", "surplus", "parties"):
        raise typer.BadParameter("seats, surplus or parties", param_hint="--by")
    ranking: CoalitionOrder = "seats" if by == "seats" else "surplus" if by == "surplus" \
        else "size"
    lists, house = _seat_table(election, seats, release, db, store, law)
    game = _game(lists, quota, house)
    playing = Game(seats={p: s for p, s in game.seats.items() if s}, quota=game.quota)
    rules = None if constraints is None else read_constraints(
        read_text(constraints), str(constraints), playing, lists)
    units = len(playing.seats) - sum(len(b) - 1 for b in rules.constraints.blocs) \
        if rules else len(playing.seats)
    if units > MAX_UNITS:
        raise typer.BadParameter(
            f"{units} parties with seats: too many to enumerate every coalition; merge blocs "
            "in --constraints (blocs = [[…]]) or give a smaller seat table", param_hint="--seats")
    found = coalitions(playing, rules.constraints if rules else None, by=ranking)
    declared: dict[str, frozenset[str]] = {}
    for row in lists:
        if row.bloc:
            declared[row.bloc] = declared.get(row.bloc, frozenset()) | {row.name}
    declared |= dict(rules.declared) if rules else {}
    bloc = largest_bloc(game, declared)
    community = {p.name: p.community for p in lists if p.community}
    shown = found[:limit]
    posts = [check_posts(c.members, IRAQ_POSTS, community) for c in shown]
    if output is Format.JSON:
        typer.echo(json.dumps({
            "quota": game.quota, "total": game.total, "found": len(found),
            "largest_bloc": {"lists": list(bloc.lists), "list_seats": bloc.list_seats,
                             "coalition": bloc.coalition, "coalition_seats": bloc.coalition_seats,
                             "coalition_members": sorted(bloc.coalition_members)},
            "coalitions": [{"members": sorted(c.members), "seats": c.seats,
                            "surplus": c.surplus, "parties": c.size,
                            "pivots": sorted(c.pivots),
                            "posts": {k.post.name: list(k.eligible) for k in checks}}
                           for c, checks in zip(shown, posts, strict=True)],
        }, ensure_ascii=False, indent=2))
        return
    short = {p.name: p.name_en or p.name for p in lists}
    if output is Format.CSV:
        write_csv(("rank", "seats", "surplus", "parties", "members", "pivots"),
                  ((i, c.seats, c.surplus, c.size, " + ".join(sorted(c.members)),
                    " + ".join(sorted(c.pivots))) for i, c in enumerate(shown, 1)))
        return
    table = Table(title=f"{len(found)} minimal coalitions reaching {game.quota} of {game.total}"
                        f" seats, by {by}" + (f" (first {limit})" if len(found) > limit else ""),
                  title_justify="left",
                  caption=_bloc_caption(bloc.lists, bloc.list_seats, bloc.coalition,
                                        bloc.coalition_seats)
                  + "\n✓: a member is of the community the convention names for the post "
                    "(Prime Minister Shia, President Kurdish, Speaker Sunni)")
    for column in ("#", "seats", "surplus", "parties", "members"):
        table.add_column(column, justify="left" if column == "members" else "right")
    for post in IRAQ_POSTS:
        table.add_column(post.name, justify="center")
    for i, (c, checks) in enumerate(zip(shown, posts, strict=True), 1):
        members = ", ".join(sorted((short[m] + ("*" if m in c.pivots else "") for m in c.members),
                                   key=str.lower))
        table.add_row(str(i), str(c.seats), str(c.surplus), str(c.size), members,
                      *("✓" if k.filled else "✗" for k in checks))
    stdout.print(table)
    stdout.print("* pivotal: the coalition loses without it")


def cabinet_command(
    election: Election = None,
    seats: Seats = None,
    release: ReleaseNumber = None,
    db: Database = None,
    store: ElectionName = None,
    law: LawPath = None,
    coalition: Annotated[list[str] | None, typer.Option(
        "--coalition", help="A party of the coalition (repeatable; default: every party)")] = None,
    points: Annotated[str, typer.Option(
        "--points", help=f"gamson or a points system: {', '.join(POINTS_SYSTEMS)}")] = "gamson",
    ministries: Annotated[int, typer.Option(
        "--ministries", help="Ministries to share (top posts aside)", min=1)] = 22,
    output: Output = Format.TABLE,
) -> None:
    """Turn a coalition into a cabinet: Gamson's proportional shares or an Iraqi points system."""
    lists, _ = _seat_table(election, seats, release, db, store, law)
    members = {_name(lists, c, "--coalition") for c in coalition} if coalition else \
        {p.name for p in lists if p.seats}
    table_seats = {p.name: p.seats for p in lists if p.name in members}
    rows: list[dict[str, Any]]
    if points == "gamson":
        shares, whole = gamson(table_seats, ministries)
        rows = [{"party": p, "seats": s, "share": str(shares[p]),
                 "share_approx": round(float(shares[p]), 4), "ministries": whole[p]}
                for p, s in sorted(table_seats.items(), key=lambda x: (-x[1], x[0]))]
        note = f"Gamson's law: {ministries} ministries in proportion to seats (Hare quota, " \
               "largest remainders)"
    elif points in POINTS_SYSTEMS:
        system = POINTS_SYSTEMS[points]
        rows = [{"party": s.list, "seats": s.seats, "points": str(s.points),
                 "posts": list(s.posts), "spent": s.spent, "left": str(s.left)}
                for s in cabinet(table_seats, system, system.posts(ministries))]
        note = system.source
    else:
        raise typer.BadParameter(f"gamson or one of: {', '.join(POINTS_SYSTEMS)}",
                                 param_hint="--points")
    if output is Format.JSON:
        typer.echo(json.dumps({"points": points, "note": note, "cabinet": rows},
                              ensure_ascii=False, indent=2))
        return
    if output is Format.CSV:
        write_csv(tuple(rows[0]), (tuple("; ".join(v) if isinstance(v, list) else v
                                         for v in r.values()) for r in rows))
        return
    table = Table(title=f"cabinet — {points}", title_justify="left", caption=note)
    for column in rows[0]:
        table.add_column(column, justify="left" if column in ("party", "posts") else "right")
    for r in rows:
        table.add_row(*(", ".join(v) if isinstance(v, list) else str(v) for v in r.values()))
    stdout.print(table)


def _bloc_caption(lists: tuple[str, ...], list_seats: int, name: str | None, seats: int) -> str:
    text = f"largest bloc — the list with most seats: {' and '.join(lists)} ({list_seats})"
    if name:
        text += f"; the largest declared coalition: {name} ({seats})"
    return text + " (Federal Supreme Court 25/Federal/2010: either may be tasked)"


def _seat_table(election: str | None, seats: Path | None, release: int | None, db: str | None,
                store: str | None, law: Path | None) -> tuple[tuple[ListSeats, ...], int | None]:
    """The seat table — bundled, from a file, or won on a release — and the whole house where it
    is known (a release's law, a bundled election): the quota counts seats the table lacks."""
    if sum(x is not None for x in (election, seats, release)) != 1:
        raise typer.BadParameter("give a bundled seat table, --seats FILE or --release N "
                                 "(one of them)", param_hint="ELECTION")
    if seats is not None:
        return read_seat_table(read_text(seats), str(seats)), None
    if release is not None:
        opened = open_store(db, store)
        the_law = law_of(law or Path(opened.election))
        counts = release_of(opened, release).results
        won = allocate(the_law.election({c.name: c.votes for c in counts}), the_law).totals()
        known = ({p.name: p for p in read_seat_table(data.seat_table_text(opened.election), "")}
                 if opened.election in data.SEAT_TABLES else {})
        return tuple(replace(known[p], seats=n) if p in known else ListSeats(name=p, seats=n)
                     for p, n in sorted(won.items(), key=lambda x: (-x[1], x[0]))
                     if p != data.OTHER_LISTS), the_law.house
    assert election is not None
    return (read_seat_table(data.seat_table_text(election), f"{election} (bundled)"),
            data.SEAT_TABLE_HOUSES[election])


def _game(lists: tuple[ListSeats, ...], quota: str, house: int | None) -> Game:
    rule: Quota
    if quota in ("majority", "two-thirds"):
        rule = "majority" if quota == "majority" else "two-thirds"
    elif quota.isdigit() and int(quota) > 0:
        rule = int(quota)
    else:
        raise typer.BadParameter("majority, two-thirds or a whole number of seats",
                                 param_hint="--quota")
    table = {p.name: p.seats for p in lists}
    return Game(seats=table, quota=quota_of(rule, house or sum(table.values())))


def _name(lists: tuple[ListSeats, ...], given: str, option: str) -> str:
    """A list by its name or its short English name."""
    for p in lists:
        if given in (p.name, p.name_en):
            return p.name
    raise typer.BadParameter(f"no party {given!r} in the seat table", param_hint=option)
