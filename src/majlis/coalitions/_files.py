"""Reading seat tables with list metadata (CSV) and coalition constraints (TOML), every problem
at once. Takes text, not paths: the caller reads the file, so the core stays free of I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from pydantic import BaseModel, ConfigDict, ValidationError

from majlis._cells import Problems, csv_rows, named_rows, toml_table
from majlis.errors import InputError, Problem
from majlis.law import MAX_HOUSE

from ._game import Game
from ._search import Constraints

COLUMNS = ("party", "seats", "bloc", "community", "colour", "name_ar", "name_en", "source")
AXIS = "axis_"
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True, slots=True, kw_only=True)
class ListSeats:
    """A list of a seat table, its seats and what is known of it: the bloc it belongs to, the
    community it speaks for, its place on ideological axes, and how to show it."""

    name: str
    seats: int
    bloc: str = ""
    community: str = ""
    positions: Mapping[str, Fraction] = field(default_factory=dict)
    colour: str = ""
    name_ar: str = ""
    name_en: str = ""


def read_seat_table(text: str, source: str) -> tuple[ListSeats, ...]:
    """A seat table: `party,seats` and optionally bloc, community, colour, name_ar, name_en,
    source and `axis_NAME` columns (a number: the list's place on axis NAME)."""
    problems = Problems(source)
    rows = csv_rows(text, problems)
    _, first = next(rows, (1, {}))
    header = list(first)
    unknown = [h for h in header if h not in COLUMNS and not h.startswith(AXIS)]
    if header[:2] != ["party", "seats"] or unknown:
        problems.add(1, "header", "expected party,seats then any of "
                     f"{', '.join(COLUMNS[2:])}, {AXIS}NAME"
                     + (f"; unknown: {', '.join(unknown)}" if unknown else ""))
        problems.raise_any()
    lists: dict[str, ListSeats] = {}
    lines: dict[str, int] = {}
    for line, name, cells in named_rows(rows, "party", problems, lines):
        seats = problems.whole_number(line, "seats", cells["seats"], most=MAX_HOUSE,
                                      why=", the most majlis counts in a house")
        colour = cells.get("colour", "")
        if colour and not COLOUR.fullmatch(colour):
            problems.add(line, "colour", f"{colour!r} is not #rrggbb")
        positions = {}
        for column in (h for h in header if h.startswith(AXIS) and cells[h]):
            try:
                positions[column.removeprefix(AXIS)] = Fraction(cells[column])
            except ValueError:
                problems.add(line, column, f"{cells[column]!r} is not a number")
        if seats is not None:
            lists[name] = ListSeats(name=name, seats=seats, bloc=cells.get("bloc", ""),
                                    community=cells.get("community", ""), positions=positions,
                                    colour=colour, name_ar=cells.get("name_ar", ""),
                                    name_en=cells.get("name_en", ""))
    if not lines:
        problems.add(1, "party", "no parties")
    elif not problems and not sum(x.seats for x in lists.values()):
        problems.add(None, "seats", "no party has a seat")
    elif not problems and sum(x.seats for x in lists.values()) > MAX_HOUSE:
        problems.add(None, "seats", f"the parties hold {sum(x.seats for x in lists.values()):,}"
                     f" seats; majlis counts at most {MAX_HOUSE:,} in a house")
    problems.raise_any()
    return tuple(lists.values())


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ConstraintsConfig(_Strict):
    """The constraints file: every key optional."""

    incompatible: list[tuple[str, str]] = []
    required: list[str] = []
    blocs: list[list[str]] = []
    connected: list[str] = []
    positions: dict[str, dict[str, float | int]] = {}
    declared: dict[str, list[str]] = {}


@dataclass(frozen=True, slots=True, kw_only=True)
class CoalitionRules:
    """What a constraints file says: the constraints, and coalitions declared at the first
    session (for the largest-bloc rule)."""

    constraints: Constraints
    declared: Mapping[str, frozenset[str]]


def read_constraints(text: str, source: str, game: Game,
                     lists: tuple[ListSeats, ...] = ()) -> CoalitionRules:
    """Constraints from TOML for this game; axis positions in the file are added to the
    lists' own, and every name must be a list of the game."""
    raw = toml_table(text, source)
    try:
        config = ConstraintsConfig.model_validate(raw)
    except ValidationError as exc:
        raise InputError(
            Problem(source=source, line=_line_of(text, str(e["loc"][0])),
                    field=".".join(str(p) for p in e["loc"]),
                    message="unknown key" if e["type"] == "extra_forbidden" else e["msg"])
            for e in exc.errors()) from None
    positions: dict[str, dict[str, Fraction]] = {}
    for row in lists:
        for axis, x in row.positions.items():
            positions.setdefault(axis, {})[row.name] = x
    for axis, placed in config.positions.items():
        positions.setdefault(axis, {}).update({p: Fraction(str(x)) for p, x in placed.items()})
    constraints = Constraints(
        incompatible=frozenset(frozenset(pair) for pair in config.incompatible),
        required=frozenset(config.required),
        blocs=tuple(frozenset(b) for b in config.blocs),
        positions=positions,
        connected=tuple(config.connected),
    )
    found = constraints.problems(game) + [
        ("declared", f"no party {p!r} in the seat table")
        for members in config.declared.values() for p in members if p not in game.seats]
    if found:
        raise InputError(Problem(source=source, line=_line_of(text, f), field=f, message=m)
                         for f, m in found)
    return CoalitionRules(constraints=constraints,
                          declared={n: frozenset(m) for n, m in config.declared.items()})


def _line_of(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^\s*\[?\s*{re.escape(key)}\b")
    return next((i for i, s in enumerate(text.splitlines(), 1) if pattern.match(s)), None)
