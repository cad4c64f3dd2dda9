"""Reading votes and constituencies from CSV text into an `Election`, every problem at once.

Takes text, not paths: the caller reads the file (BOM and CRLF are accepted here), so the law
package stays free of I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from majlis._cells import Problems, csv_rows, named_rows
from majlis.errors import Problem

from ._allocate import Law
from ._apportionment import Apportionment, ApportionmentBasis
from ._bounds import MAX_HOUSE, MAX_MAGNITUDE, MAX_VOTES
from ._rules import SntvRule
from ._values import Apportioned, CandidateVotes, Constituency, Election, frozen_mapping

VOTES_HEADERS = (("district", "party", "votes"), ("district", "party", "candidate", "votes"))
CANDIDATE_COLUMNS = ("gender", "community")
CONSTITUENCY_COLUMNS = ("district", "seats", "blank", "invalid", "valid", "tier_seats", "region",
                    "population", "registered")
MOST = ", the most majlis allocates to one constituency"
MOST_VOTES = ", the most majlis counts"
GENDERS = {"f": "F", "female": "F", "woman": "F", "m": "M", "male": "M", "man": "M"}


@dataclass
class _ConstituencyRow:
    seats: int | None = None
    blank: int = 0
    invalid: int = 0
    valid: int | None = None
    tier_seats: int | None = None
    region: str | None = None
    basis: int | None = None
    line: int = 0


def read_constituencies(
    text: str, source: str, apportionment: Apportionment | None = None
) -> dict[str, _ConstituencyRow]:
    """Seats (and optional blank, invalid, valid, tier_seats counts) per constituency; when the
    law apportions the seats, the population or registered voters it apportions them by."""
    problems = Problems(source)
    constituency_rows: dict[str, _ConstituencyRow] = {}
    rows = csv_rows(text, problems)
    column = apportionment.basis.value if apportionment is not None else None
    header = next(rows, None)
    named = named_rows(rows, "district", problems, {}) if header is not None and (
        _constituencies_header(header[1], column, problems)) else iter(())
    for line, name, row in named:
        seats = None if column is not None else problems.whole_number(
            line, "seats", row["seats"], most=MAX_MAGNITUDE, why=MOST)
        if seats == 0:
            problems.add(line, "seats", "a constituency needs at least one seat")
        constituency_rows[name] = _ConstituencyRow(
            seats=seats,
            blank=problems.whole_number(line, "blank", row.get("blank", ""), required=False,
                                        most=MAX_VOTES, why=MOST_VOTES) or 0,
            invalid=problems.whole_number(line, "invalid", row.get("invalid", ""),
                                          required=False, most=MAX_VOTES, why=MOST_VOTES) or 0,
            valid=problems.whole_number(line, "valid", row.get("valid", ""), required=False,
                                        most=MAX_VOTES, why=MOST_VOTES),
            tier_seats=problems.whole_number(line, "tier_seats", row.get("tier_seats", ""),
                                             required=False, most=MAX_MAGNITUDE, why=MOST),
            region=row.get("region") or None,
            basis=problems.whole_number(
                line, column, row[column], most=MAX_VOTES, why=MOST_VOTES,
                required=name not in apportionment.fixed)
            if column is not None and apportionment is not None and column in row else None,
            line=line,
        )
    house = sum((d.seats or 0) + (d.tier_seats or 0) for d in constituency_rows.values())
    if house > MAX_HOUSE:
        problems.add(None, "seats", f"the districts add up to {house:,} seats; majlis allocates "
                     f"at most {MAX_HOUSE:,}")
    problems.raise_any()
    return constituency_rows


def _constituencies_header(row: dict[str, str], column: str | None, problems: Problems) -> bool:
    """Whether a districts file's header has the columns the law needs (else a problem)."""
    unknown = [c for c in row if c not in CONSTITUENCY_COLUMNS]
    if "district" not in row or ("seats" not in row and column is None) or unknown:
        problems.add(1, "header", "expected district,seats with optional columns "
                     f"{', '.join(CONSTITUENCY_COLUMNS[2:])}"
                     + (f"; unknown: {', '.join(unknown)}" if unknown else ""))
        return False
    if column is not None and "seats" in row:
        problems.add(1, "seats", "the law apportions the seats ([apportionment]): a "
                     "districts file gives no seats column")
        return False
    if column not in (None, ApportionmentBasis.VOTES) and column not in row:
        problems.add(1, "header", f"expected a {column} column: the law apportions "
                     f"the seats by {column} ([apportionment] basis)")
        return False
    return True


@dataclass(frozen=True, slots=True, kw_only=True)
class _Lists:
    """A lists file as read: each list's attributes and the line it is on."""

    source: str
    columns: tuple[str, ...]
    attributes: dict[str, dict[str, str]]
    lines: dict[str, int]


def read_lists(text: str, problems: Problems) -> _Lists:
    """Attributes per list (`party` plus any named columns: `kind`, `members`, `minority`…);
    an empty cell is an attribute the list does not have."""
    columns: tuple[str, ...] = ()
    attributes: dict[str, dict[str, str]] = {}
    lines: dict[str, int] = {}
    rows = csv_rows(text, problems)
    header = next(rows, None)
    if header is not None and ("party" not in header[1] or "" in header[1]):
        problems.add(1, "header", "expected party and named attribute columns, found "
                     f"{','.join(header[1])}")
    elif header is not None:
        columns = tuple(c for c in header[1] if c != "party")
        for _, name, row in named_rows(rows, "party", problems, lines):
            attributes[name] = {c: row[c] for c in columns if row[c]}
    return _Lists(source=problems.source, columns=columns, attributes=attributes, lines=lines)


def _named_lists(
    law: Law, lists: _Lists | None, votes: dict[str, dict[str, int]], votes_source: str,
    problems: Problems,
) -> list[Problem]:
    """Every list a law or lists file names must stand in the votes, and every attribute a law
    reads must be a column of the lists file (a whole number where the law compares it)."""
    standing = {p for count in votes.values() for p in count}
    if lists is not None:
        for name, line in lists.lines.items():
            if name not in standing:
                problems.add(line, "party", f"{name!r} is not a list in {votes_source}")
    for m in law.mentions:
        message = None
        if not m.attribute and m.name not in standing:
            message = f"{m.name!r} is not a list in {votes_source}"
        elif m.attribute and lists is None:
            message = f"reads the list attribute {m.name!r}: give a lists file (--lists)"
        elif m.attribute and lists is not None and m.name not in lists.columns:
            message = f"{lists.source} has no column {m.name!r}"
        elif m.numeric and lists is not None:
            for name, attributes in lists.attributes.items():
                problems.whole_number(lists.lines[name], m.name, attributes.get(m.name),
                                      required=False)
        if message:
            problems.append(Problem(source=m.source, line=m.line, field=m.field,
                                    message=message))
    if law.agreements is not None and lists is not None:
        _signed_by_two(law.agreements.attribute, lists, problems)
    return list(dict.fromkeys(problems))  # two tables reading one attribute: one report


def _signed_by_two(column: str, lists: _Lists, problems: Problems) -> None:
    """An agreement named by one list only is a misspelling, not an agreement."""
    signed: dict[str, list[str]] = {}
    for name, attributes in lists.attributes.items():
        if column in attributes:
            signed.setdefault(attributes[column], []).append(name)
    for value, names in signed.items():
        if len(names) == 1:
            problems.add(lists.lines[names[0]], column,
                         f"{names[0]!r} is the only list that signed agreement {value!r}")


def read_election(
    votes_text: str,
    votes_source: str,
    law: Law,
    constituencies_text: str | None = None,
    constituencies_source: str = "DISTRICTS.csv",
    lists_text: str | None = None,
    lists_source: str = "LISTS.csv",
    *,
    seed: int = 0,
) -> Election:
    """An `Election` from a votes CSV, seats from the districts CSV or the law's tables, list
    attributes from the lists CSV; `seed` draws the lot for a tie in apportioning the seats."""
    constituency_rows = read_constituencies(constituencies_text, constituencies_source,
                                    law.apportionment) if constituencies_text else {}
    in_lists = Problems(lists_source)
    lists = read_lists(lists_text, in_lists) if lists_text is not None else None
    problems = Problems(votes_source)
    votes: dict[str, dict[str, int]] = {}
    candidates: dict[str, list[CandidateVotes]] = {}
    first_line: dict[str, int] = {}
    seen: dict[tuple[str, ...], int] = {}
    has_candidates = False
    for line, row in csv_rows(votes_text, problems):
        if line == 1:
            header = tuple(row)
            if header not in VOTES_HEADERS and not (
                    header[:4] == VOTES_HEADERS[1] and set(header[4:]) <= set(CANDIDATE_COLUMNS)):
                problems.add(1, "header", f"expected {','.join(VOTES_HEADERS[0])} or "
                             f"{','.join(VOTES_HEADERS[1])}[,gender][,community], "
                             f"found {','.join(row)}")
                break
            has_candidates = "candidate" in row
            continue
        constituency, list_name = row["district"], row["party"]
        for column in ("district", "party"):
            if not row[column]:
                problems.add(line, column, "missing")
        count = problems.whole_number(line, "votes", row["votes"], most=MAX_VOTES,
                                      why=MOST_VOTES)
        if not constituency or not list_name or count is None:
            continue
        key = (constituency, list_name, row.get("candidate", ""))
        if key in seen:
            what = "district,party,candidate" if has_candidates else "district,party"
            problems.add(line, what, f"duplicate of line {seen[key]}")
            continue
        seen[key] = line
        first_line.setdefault(constituency, line)
        votes.setdefault(constituency, {})
        votes[constituency][list_name] = votes[constituency].get(list_name, 0) + count
        gender = row.get("gender", "")
        if gender and gender.lower() not in GENDERS:
            problems.add(line, "gender", f"{gender!r} is not F or M")
        if key[2]:
            candidates.setdefault(constituency, []).append(CandidateVotes(
                list=list_name, candidate=key[2], votes=count,
                gender=GENDERS.get(gender.lower()), community=row.get("community") or None))
    apportioned = _apportioned(law, constituency_rows, votes, constituencies_source, problems, seed)
    constituencies = []
    for name, line in first_line.items():
        info = constituency_rows.get(name, _ConstituencyRow())
        if apportioned is not None and name in apportioned.magnitudes:
            seats: int | None = apportioned.magnitudes[name]
        else:
            seats = info.seats if name in constituency_rows else law.magnitudes.get(name)
        if seats is None:
            problems.add(line, "district", f"{name!r} has no seats: not in "
                         f"{constituencies_source if constituencies_text else 'a districts file'}"
                         " nor in the law's [districts] or [reserved] tables")
            continue
        if info.valid is not None and info.valid < sum(votes[name].values()):
            problems.append(Problem(
                source=constituencies_source, line=info.line, field="valid",
                message=f"{info.valid} is less than the {sum(votes[name].values())} "
                f"votes listed for {name!r}"))
        if isinstance(law.rule_for(name), SntvRule) and not has_candidates:
            problems.add(line, "candidate", f"{name!r} is elected by SNTV: the votes file "
                         "needs the header district,party,candidate,votes")
        constituencies.append(Constituency(
            name=name, magnitude=seats, votes=frozen_mapping(votes[name]),
            candidates=tuple(candidates.get(name, ())), valid=info.valid,
            blank=info.blank, invalid=info.invalid, tier_seats=info.tier_seats,
            region=info.region,
        ))
    if not first_line and not problems:
        problems.add(2, "votes", "no rows after the header")
    problems.extend(_named_lists(law, lists, votes, votes_source, in_lists))
    problems.raise_any()
    return Election(constituencies=tuple(constituencies),
                    lists=frozen_mapping({p: frozen_mapping(a)
                                          for p, a in (lists.attributes if lists else {}).items()}),
                    apportionment=apportioned)


def _apportioned(
    law: Law, rows: dict[str, _ConstituencyRow], votes: dict[str, dict[str, int]],
    constituencies_source: str, problems: Problems, seed: int,
) -> Apportioned | None:
    """The magnitudes the law's [apportionment] computes: over the districts file's rows by
    their population or registered voters, or over the general constituencies by valid votes."""
    if law.apportionment is None:
        return None
    if law.apportionment.basis is ApportionmentBasis.VOTES:
        valid = {n: d.valid for n, d in rows.items() if d.valid is not None}
        basis = {n: valid.get(n, sum(v.values())) for n, v in votes.items()
                 if n not in law.reserved}
    elif not rows:
        problems.append(Problem(
            source=constituencies_source, line=None, field="apportionment",
            message=f"the law apportions the seats by {law.apportionment.basis}: give a "
            f"districts file with a {law.apportionment.basis} column (--districts)"))
        return None
    else:
        basis = {n: d.basis for n, d in rows.items() if d.basis is not None}
    try:
        return law.apportionment.apportion(basis, law.tie, seed)
    except ValueError as exc:
        problems.append(Problem(source=constituencies_source, line=None, field="apportionment",
                                message=str(exc)))
        return None
