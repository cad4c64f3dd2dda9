"""`majlis allocate`: votes and a law in, seats out — the command-line contract others rely on."""

from __future__ import annotations

import csv
import io
import json
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from majlis import data
from majlis.errors import InputError, Problem
from majlis.law import (
    Admission,
    Allocation,
    Apportioned,
    Award,
    BiproportionalResult,
    Election,
    Law,
    Margin,
    MixedCount,
    Tie,
    allocate,
    margins,
    parse_law,
    read_election,
    seat_table,
)
from majlis.tally import Format

ELECTED_COLUMNS = ("district", "party", "candidate", "votes", "gender", "via", "displaced")
stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)


def read_text(path: Path) -> str:
    """A UTF-8 file's text (a BOM is dropped), or an InputError naming the file: missing, a
    directory, unreadable or not UTF-8."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError([file_problem(path, exc)]) from None
    except UnicodeDecodeError as exc:
        raise InputError([Problem(source=str(path), line=None, field="encoding",
                                  message=f"not UTF-8 ({exc.reason} at byte {exc.start})")]) \
            from None


def file_problem(path: Path | str, error: OSError) -> Problem:
    """What the system said of a file the user named: `no such file or directory`, …"""
    return Problem(source=str(path), line=None, field="file",
                   message=(error.strerror or str(error)).lower())


def exists(path: Path) -> bool:
    """Whether `path` names a file or folder — False, not an error, for a name too long to be
    one: a preset's name is tried next."""
    try:
        return path.exists()
    except OSError:
        return False


def allocate_command(
    votes: Annotated[Path, typer.Argument(
        help="CSV: district,party,votes (or with candidate), or a bundled election by name")],
    law: Annotated[Path, typer.Option("--law", help="The law: a TOML file or a preset name")],
    constituencies: Annotated[
        Path | None, typer.Option("--districts", help="CSV: district,seats[,blank,invalid,valid]")
    ] = None,
    lists: Annotated[
        Path | None, typer.Option("--lists", help="CSV: party plus named attribute columns "
                                  "(kind, members, wins, agreement, …) that the law reads")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0,
                                  help="Seed of the lot for ties (drawn if not given)")
    ] = None,
    output: Annotated[Format, typer.Option("--format", help="csv, json or table")] = Format.CSV,
    totals: Annotated[bool, typer.Option("--totals", help="Append national rows (district *)")]
    = False,
    elected: Annotated[bool, typer.Option(
        "--elected", help=f"CSV of who takes the seats instead: {','.join(ELECTED_COLUMNS)} "
        "(columns and `via` values: docs/law-format.md, Output)")] = False,
) -> None:
    """Allocate seats exactly as LAW says, for every list in every constituency."""
    the_law = law_of(law)
    drawn = secrets.randbelow(2**32) if seed is None else seed
    election = election_of(votes, the_law, constituencies, lists, seed=drawn)
    allocation = allocate(election, the_law, seed=drawn)
    rows = seat_rows(allocation, with_totals=totals)
    if elected:
        write_csv(ELECTED_COLUMNS,
                  ((c.name, e.candidate.list, e.candidate.candidate, e.candidate.votes,
                    e.candidate.gender or "", e.via,
                    e.displaced.candidate if e.displaced else "")
                   for c in allocation.constituencies for e in c.elected))
    elif output is Format.CSV:
        mixed = mixed_count(allocation)
        if mixed is None:
            write_csv(("district", "party", "votes", "seats"), rows)
        else:
            write_csv(("district", "party", "votes", "seats", *MIXED_COLUMNS),
                      (r + mixed_cells(mixed, r) for r in rows))
    else:
        explained = {c.name: margins(election, the_law, c.name, seed=drawn)
                     for c in election.constituencies}
        if output is Format.JSON:
            typer.echo(json.dumps(to_json(allocation, explained, rows, election.apportionment),
                                  ensure_ascii=False, indent=2))
        else:
            print_tables(allocation, explained, rows, with_totals=totals)
            if election.apportionment is not None:
                print_apportionment(election.apportionment)
    apportioned_by_lot = election.apportionment is not None and any(
        t.decided_by == "lot" for t in election.apportionment.ties)
    if allocation.lot_used or apportioned_by_lot:
        stderr.print(f"note: a tie was decided by lot with seed {drawn}; "
                     f"rerun with --seed {drawn} to reproduce it")


def write_csv(header: tuple[str, ...], rows: Iterable[tuple[object, ...]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    typer.echo(buffer.getvalue(), nl=False)


def seat_rows(allocation: Allocation, *, with_totals: bool) -> list[tuple[str, str, int, int]]:
    """One row per (constituency, list) given, tier seats placed in their constituency, sorted."""
    rows = [(r.constituency, r.list, r.votes, r.seats) for r in seat_table(allocation)]
    rows.sort(key=lambda r: (r[0], -r[3], r[1]))
    if with_totals:
        votes = allocation.national_votes(reserved=True)
        seat_totals = allocation.totals()
        rows.extend(sorted((("*", p, votes.get(p, 0), s) for p, s in seat_totals.items()),
                           key=lambda r: (-r[3], r[1])))
    return rows


MIXED_COLUMNS = ("wins", "list_seats", "overhang")


def mixed_count(allocation: Allocation) -> tuple[str, MixedCount] | None:
    """The constituency counted as the list tier of a mixed-member law, and its count."""
    return next(((c.name, c.mixed) for c in allocation.constituencies if c.mixed), None)


def mixed_cells(
    mixed: tuple[str, MixedCount], row: tuple[str, str, int, int]
) -> tuple[object, ...]:
    """A CSV row's constituency wins, list seats and overhang (blank outside the count)."""
    name, count = mixed
    if row[0] not in (name, "*"):
        return ("", "", "")
    return tuple(m.get(row[1], 0) for m in (count.wins, count.list_seats, count.overhang))


def _mixed(count: MixedCount | None) -> dict[str, Any] | None:
    if count is None:
        return None
    return {"overhang_rule": count.overhang_rule, "seats": count.seats,
            "outside": count.outside, "shared": count.shared, "house": count.house,
            "entitlement": dict(count.entitlement), "wins": dict(count.wins),
            "list_seats": dict(count.list_seats), "overhang": dict(count.overhang),
            "levelling": dict(count.levelling), "not_awarded": dict(count.not_awarded)}


def _exact(value: Fraction | None) -> dict[str, Any] | None:
    if value is None:
        return {"exact": "inf", "approx": None}
    return {"exact": str(value), "approx": round(float(value), 6)}


def _award(award: Award | None) -> dict[str, Any] | None:
    if award is None:
        return None
    return {"seat": award.seat, "list": award.list, "candidate": award.candidate,
            "stage": award.stage, "value": _exact(award.value)}


def _ties(ties: Iterable[Tie]) -> list[dict[str, Any]]:
    return [{"constituency": t.constituency, "seat": t.seat, "lists": list(t.lists),
             "winner": t.winner, "decided_by": t.decided_by} for t in ties]


def _apportionment(apportioned: Apportioned | None) -> dict[str, Any] | None:
    """How the seats were apportioned to constituencies, when the law computes them."""
    if apportioned is None:
        return None
    return {"basis": apportioned.basis, "seed": apportioned.seed,
            "magnitudes": dict(apportioned.magnitudes),
            "awards": [_award(a) for a in apportioned.awards],
            "last_seat": _award(apportioned.awards[-1] if apportioned.awards else None),
            "runner_up": _award(apportioned.runner_up), "ties": _ties(apportioned.ties)}


def to_json(
    allocation: Allocation,
    explained: dict[str, tuple[Margin, ...]],
    rows: list[tuple[str, str, int, int]],
    apportioned: Apportioned | None = None,
) -> dict[str, Any]:
    """Everything the allocation knows, exact values as strings beside their approximations."""
    tier = allocation.tier
    return {
        "seed": allocation.seed,
        "lot_used": allocation.lot_used,
        "ties": _ties(allocation.ties),
        "apportionment": _apportionment(apportioned),
        "constituencies": [
            {
                "name": c.name, "magnitude": c.magnitude, "community": c.community,
                "votes": dict(c.votes), "seats": dict(allocation.seats_in(c.name)),
                "qualified": sorted(c.qualified),
                "threshold": {p: {"qualified": a.qualified, "by": a.by, "faced": list(a.faced)}
                              for p, a in c.admission.items()},
                "awards": [_award(a) for a in c.awards],
                "last_seat": _award(c.last_award), "runner_up": _award(c.runner_up),
                "elected": [
                    {"list": e.candidate.list, "candidate": e.candidate.candidate,
                     "votes": e.candidate.votes, "gender": e.candidate.gender, "via": e.via,
                     "displaced": e.displaced.candidate if e.displaced else None}
                    for e in c.elected],
                "margins": [{"list": m.list, "seats": m.seats, "to_gain": m.to_gain,
                             "to_lose": m.to_lose} for m in explained[c.name]],
                "agreements": [
                    {"lists": list(g.lists), "votes": g.votes, "seats": g.seats,
                     "split": dict(g.split), "awards": [_award(a) for a in g.awards]}
                    for g in c.agreements],
                "mixed": _mixed(c.mixed),
                "lapsed_agreements": [list(bloc) for bloc in c.lapsed],
                "bonus": None if c.bonus is None else {
                    "list": c.bonus.list, "share": _exact(c.bonus.share),
                    "seats": c.bonus.seats},
                "taken_back": list(c.taken_back),
            }
            for c in allocation.constituencies
        ],
        "tier": None if tier is None else {
            "name": tier.name, "seats": dict(tier.seats),
            "placed": {d: dict(s) for d, s in tier.placed.items()},
            "entitlement": dict(tier.entitlement), "excluded": sorted(tier.excluded),
            "pooled": {p: _exact(v) for p, v in tier.pooled.items()},
            "awards": [_award(a) for a in tier.awards], "taken_back": list(tier.taken_back),
        },
        "biproportional": _biproportional(allocation.biproportional),
        "totals": allocation.totals(),
        "rows": [{"district": d, "party": p, "votes": v, "seats": s} for d, p, v, s in rows],
    }


def _biproportional(bp: BiproportionalResult | None) -> dict[str, Any] | None:
    if bp is None:
        return None
    return {
        "weights": {p: _exact(w) for p, w in bp.weights.items()},
        "upper": dict(bp.upper),
        "awards": [_award(a) for a in bp.awards],
        "runner_up": _award(bp.runner_up),
        "list_divisors": {p: _exact(d) for p, d in bp.list_divisors.items()},
        "constituency_divisors": {n: _exact(d) for n, d in bp.constituency_divisors.items()},
        "seats": {n: dict(s) for n, s in bp.seats.items()},
    }


def print_tables(
    allocation: Allocation,
    explained: dict[str, tuple[Margin, ...]],
    rows: list[tuple[str, str, int, int]],
    *,
    with_totals: bool,
) -> None:
    """One table per constituency with each list's margins, then the national totals."""
    for c in allocation.constituencies:
        table = Table(title=f"{c.name} — {c.magnitude} seats", title_justify="left")
        columns = ("list", "votes", "seats", "to gain a seat", "can lose",
                   *(("threshold",) if c.admission else ()))
        for column in columns:
            table.add_column(column, justify="left" if column in ("list", "threshold")
                             else "right")
        seats = allocation.seats_in(c.name)
        by_list = {m.list: m for m in explained[c.name]}
        for list_name in sorted(c.votes, key=lambda p: (-seats[p], -c.votes[p], p)):
            m = by_list.get(list_name)  # none under a biproportional law
            table.add_row(list_name, f"{c.votes[list_name]:,}", str(seats[list_name]),
                          "—" if m is None or m.to_gain is None else f"{m.to_gain:,}",
                          "—" if m is None or m.to_lose is None else f"{m.to_lose:,}",
                          *((_admission(c.admission[list_name]),) if c.admission else ()))
        last, nxt = c.last_award, c.runner_up
        if last is not None:
            caption = f"last seat: {last.list} at {_shown(last.value)}"
            if nxt is not None:
                caption += f"; next in line: {nxt.list} at {_shown(nxt.value)}"
            table.caption = caption + _by_stage(c.awards)
        stdout.print(table)
        if c.agreements:
            pooled = Table(title=f"{c.name} — surplus-vote agreements", title_justify="left")
            for column in ("agreement", "votes", "seats together", "split"):
                pooled.add_column(column, justify="left" if column in ("agreement", "split")
                                  else "right")
            for g in c.agreements:
                pooled.add_row(g.label, f"{g.votes:,}", str(g.seats),
                               ", ".join(f"{p} {g.split[p]}" for p in g.lists))
            stdout.print(pooled)
        if c.mixed:
            print_mixed(c.name, c.votes, c.mixed)
        for bloc in c.lapsed:
            out = [p for p in bloc if p not in c.qualified]
            stdout.print(f"{c.name}: the agreement {' + '.join(bloc)} lapsed "
                         f"({', '.join(out)} out of the count)", markup=False, highlight=False)
        if c.taken_back:
            stdout.print(f"{c.name} — whole quotas exceeded the seats; gave one back: "
                         f"{', '.join(c.taken_back)}")
        if c.bonus is not None:
            stdout.print(f"{c.name} — majority bonus: {c.bonus.list} takes {c.bonus.seats} "
                         f"seats at {float(c.bonus.share):.2%} of the base; the other "
                         f"{c.magnitude - c.bonus.seats} seats are shared by the law's rule")
        if c.elected:
            people = Table(title=f"{c.name} — who sits", title_justify="left")
            for column in ("candidate", "list", "votes", "seat won by"):
                people.add_column(column, justify="right" if column == "votes" else "left")
            for e in c.elected:
                how = e.via if e.displaced is None else f"{e.via}, displacing " \
                    f"{e.displaced.candidate} ({e.displaced.votes:,})"
                people.add_row(e.candidate.candidate, e.candidate.list,
                               f"{e.candidate.votes:,}", how)
            stdout.print(people)
    if allocation.biproportional is not None:
        _print_biproportional(allocation.biproportional)
    tier = allocation.tier
    if tier is not None and any(tier.seats.values()):
        table = Table(title=f"{tier.name} tier", title_justify="left")
        table.add_column("list")
        if tier.pooled:
            table.add_column("pooled remainder votes", justify="right")
        table.add_column("seats", justify="right")
        for list_name, s in sorted(tier.seats.items(), key=lambda x: (-x[1], x[0])):
            shown = (_shown(tier.pooled.get(list_name, Fraction(0))),) if tier.pooled else ()
            if s or tier.pooled:
                table.add_row(list_name, *shown, str(s))
        if tier.placed and tier.pooled:
            table.caption = "placed: " + "; ".join(
                f"{p} {n} in {d}" for d, ps in tier.placed.items() for p, n in ps.items())
        stdout.print(table)
    if with_totals:
        table = Table(title="whole house", title_justify="left")
        for column in ("list", "votes", "seats"):
            table.add_column(column, justify="left" if column == "list" else "right")
        for _, list_name, votes_cast, won in (r for r in rows if r[0] == "*"):
            table.add_row(list_name, f"{votes_cast:,}", str(won))
        stdout.print(table)


OVERHANG_HEADING = {"kept": "overhang kept", "levelling": "overhang levelled",
                    "capped": "wins not awarded"}


def print_mixed(name: str, votes: Mapping[str, int], count: MixedCount) -> None:
    """The mixed-member stage: each list's entitlement, wins, list seats and overhang, and how
    the house came to its size."""
    table = Table(title=f"{name} — mixed-member count", title_justify="left")
    columns = ["list", "party votes", "entitlement", "wins", "list seats",
               OVERHANG_HEADING[count.overhang_rule]]
    if count.overhang_rule == "levelling":
        columns.append("levelling seats")
    for column in columns:
        table.add_column(column, justify="left" if column == "list" else "right")
    shown = set(count.entitlement) | set(count.wins)
    for list_name in sorted(shown, key=lambda p: (-votes[p], p)):
        cells = [list_name, f"{votes[list_name]:,}",
                 str(count.entitlement[list_name]) if list_name in count.entitlement else "—",
                 str(count.wins.get(list_name, 0)), str(count.list_seats.get(list_name, 0)),
                 str(count.overhang.get(list_name, 0))]
        if count.overhang_rule == "levelling":
            cells.append(str(count.levelling.get(list_name, 0)))
        table.add_row(*cells)
    table.caption = _house(count)
    stdout.print(table)


def _house(count: MixedCount) -> str:
    """How the house came to its size, in words."""
    text = f"house: {count.house} seats"
    if count.outside:
        text += (f"; {count.outside} won by lists outside the share, "
                 f"{count.seats - count.outside} shared")
    over = sum(count.overhang.values())
    if count.overhang_rule == "kept" and over:
        text += f"; {count.seats} + {over} overhang kept"
    elif count.overhang_rule == "levelling" and count.house != count.seats:
        text += (f"; {count.seats} enlarged by {count.house - count.seats} until every "
                 "entitlement covers its wins")
    elif count.overhang_rule == "capped" and over:
        text += f"; {over} wins not covered by party votes not awarded"
    return text


def _print_biproportional(bp: BiproportionalResult) -> None:
    """The upper apportionment, then the divisors that prove the lower one."""
    upper = Table(title="biproportional — upper apportionment", title_justify="left")
    for column in ("list", "weight", "seats", "list divisor"):
        upper.add_column(column, justify="left" if column == "list" else "right")
    for list_name in sorted(bp.upper, key=lambda p: (-bp.upper[p], p)):
        upper.add_row(list_name, _shown(bp.weights[list_name]), str(bp.upper[list_name]),
                      f"{float(bp.list_divisors[list_name]):.4f}")
    if bp.runner_up is not None and bp.awards:
        upper.caption = (f"last seat: {bp.awards[-1].list} at {_shown(bp.awards[-1].value)}; "
                         f"next in line: {bp.runner_up.list} at {_shown(bp.runner_up.value)}")
    stdout.print(upper)
    lower = Table(title="biproportional — constituency divisors", title_justify="left")
    lower.add_column("constituency")
    lower.add_column("divisor", justify="right")
    for name, divisor in bp.constituency_divisors.items():
        lower.add_row(name, _shown(divisor))
    stdout.print(lower)


def _admission(admission: Admission) -> str:
    """In: the condition that let the list in. Out: the conditions it met none of."""
    if admission.qualified:
        return f"in: {admission.by}"
    return f"out: below {' or '.join(admission.faced)}"


def print_apportionment(apportioned: Apportioned) -> None:
    """The seats each constituency was apportioned, and the last seat and the next in line."""
    table = Table(title=f"seats apportioned by {apportioned.basis}", title_justify="left")
    table.add_column("constituency")
    table.add_column("seats", justify="right")
    for name, seats in sorted(apportioned.magnitudes.items(), key=lambda x: (-x[1], x[0])):
        table.add_row(name, str(seats))
    last, nxt = (apportioned.awards[-1] if apportioned.awards else None), apportioned.runner_up
    if last is not None:
        table.caption = f"last seat: {last.list} at {_shown(last.value)}" + (
            f"; next in line: {nxt.list} at {_shown(nxt.value)}" if nxt is not None else "")
    stdout.print(table)


def _shown(value: Fraction | None) -> str:
    return "∞" if value is None else f"{float(value):,.2f}"


def problems_exit(error: InputError) -> None:
    """Print each problem as FILE:LINE: field: message, then exit 2."""
    for problem in error.problems:
        stderr.print(str(problem), markup=False, highlight=False)
    raise SystemExit(2)


def law_of(path: Path) -> Law:
    """A law from a TOML file, or a preset by name (`iraq-2025`) when no such file exists."""
    if not exists(path) and str(path) in data.laws():
        return data.law(str(path))
    return parse_law(read_text(path), str(path), presets=data.law_text)


def election_of(
    votes: Path, law: Law, constituencies: Path | None, lists: Path | None, *, seed: int = 0
) -> Election:
    """An election from a votes CSV (and districts and lists CSVs), or a bundled election by
    name; `seed` draws the lot for a tie in apportioning seats to constituencies."""
    if (not exists(votes) and str(votes) in data.ELECTIONS and constituencies is None
            and lists is None):
        bundled = data.election(str(votes))
        if bundled.missing:
            stderr.print(f"note: {bundled.name}: no figures for {', '.join(bundled.missing)}; "
                         "their seats are not allocated", markup=False, highlight=False)
        return bundled.election
    return read_election(read_text(votes), str(votes), law,
                         read_text(constituencies) if constituencies else None,
                         str(constituencies),
                         read_text(lists) if lists else None, str(lists), seed=seed)


def _by_stage(awards: Sequence[Award]) -> str:
    """Under a limited remainder stage, how many seats each stage gave (quota, remainder,
    average), and to whom the averages went: the seats the capped remainders left."""
    if not any(a.stage == "average" for a in awards):
        return ""
    counts = Counter(a.stage for a in awards)
    averages = ", ".join(a.list for a in awards if a.stage == "average")
    return ("\nseats by stage: " + ", ".join(f"{s} {n}" for s, n in counts.items())
            + f" (by average: {averages})")
