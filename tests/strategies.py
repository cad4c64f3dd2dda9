"""Hypothesis strategies and small example values of the domain, shared by every test module."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from fractions import Fraction

import numpy as np
from hypothesis import strategies as st

from majlis.law import (
    DIVISOR_SERIES,
    CandidateVotes,
    Constituency,
    DivisorRule,
    DivisorSeries,
    Election,
    QuotaRule,
)

LIST_NAMES = [f"L{i:02d}" for i in range(40)]

divisor_names = st.sampled_from(sorted(DIVISOR_SERIES))
quota_names = st.sampled_from(["hare", "droop", "droop-exact", "hagenbach-bischoff"])
first_divisors = st.sampled_from([Fraction(1), Fraction(7, 5), Fraction(6, 5), Fraction(17, 10)])


@st.composite
def vote_counts(draw: st.DrawFn, *, min_lists: int = 1, max_lists: int = 12,
                max_votes: int = 1_000_000) -> dict[str, int]:
    """Votes per list; at least one list has votes."""
    n = draw(st.integers(min_lists, max_lists))
    votes = draw(st.lists(st.integers(0, max_votes), min_size=n, max_size=n))
    if not any(votes):
        votes[0] = draw(st.integers(1, max_votes))
    return dict(zip(LIST_NAMES, votes, strict=False))


@st.composite
def constituencies(draw: st.DrawFn, *, max_seats: int = 40, **kw: int) -> Constituency:
    votes = draw(vote_counts(**kw))
    seats = draw(st.integers(1, max_seats))
    return Constituency(name="C", magnitude=seats, votes=votes)


@st.composite
def elections(draw: st.DrawFn, *, max_constituencies: int = 6, max_lists: int = 8,
              max_seats: int = 15, max_votes: int = 200_000) -> Election:
    """Constituencies D1, D2, … in which the same lists stand, each list with a vote in one
    of them at least."""
    n = draw(st.integers(2, max_lists))
    names = LIST_NAMES[:n]
    rows = draw(st.lists(st.lists(st.integers(0, max_votes), min_size=n, max_size=n),
                         min_size=1, max_size=max_constituencies))
    for j in range(n):
        if not any(row[j] for row in rows):
            rows[0][j] = draw(st.integers(1, max_votes))
    return Election(constituencies=tuple(
        Constituency(name=f"D{i + 1}", magnitude=draw(st.integers(1, max_seats)),
                     votes=dict(zip(names, row, strict=True)))
        for i, row in enumerate(rows)))


@st.composite
def sainte_lague_variants(draw: st.DrawFn) -> DivisorSeries:
    series = DIVISOR_SERIES["sainte-lague"]
    assert isinstance(series, DivisorSeries)
    return series.with_first(draw(first_divisors))


divisor_rules = st.one_of(
    divisor_names.map(lambda n: DivisorRule(DIVISOR_SERIES[n])),
    sainte_lague_variants().map(DivisorRule),
)
quota_rules = quota_names.map(QuotaRule)


def sntv_constituency(name: str = "D") -> Constituency:
    """Three seats, five candidates: a1 900, b1 400, c1 350 win; c2 300 and a2 100 do not."""
    candidates = (
        CandidateVotes(list="A", candidate="a1", votes=900),
        CandidateVotes(list="A", candidate="a2", votes=100),
        CandidateVotes(list="B", candidate="b1", votes=400),
        CandidateVotes(list="C", candidate="c1", votes=350),
        CandidateVotes(list="C", candidate="c2", votes=300),
    )
    return Constituency(name=name, magnitude=3, votes={"A": 1000, "B": 400, "C": 650},
                        candidates=candidates)


@st.composite
def weighted_games(draw: st.DrawFn, *, max_players: int = 15, max_weight: int = 30
                   ) -> tuple[dict[str, int], int]:
    """Seats per party (some may be 0) and a quota between 1 and the house."""
    weights = draw(st.lists(st.integers(0, max_weight), min_size=1, max_size=max_players))
    if not any(weights):
        weights[0] = 1
    return (dict(zip(LIST_NAMES, weights, strict=False)),
            draw(st.integers(1, sum(weights))))


# What a file reader may be handed: random text and bytes, and well-formed files whose values go
# to the extremes (huge and negative numbers, NUL, over-long and odd text, deep nesting, BOMs).

ODD_CELLS = ["", " ", "-0", "+7", "1.5", "1e9", "0x10", "١٢٣", "1_000", "nan", "inf", "true",
             "\x00", "a\x00b", "\ufeff", "\u202eevil", "\r", "\n", '"', ",", "'", "\\", "null",
             "9" * 4301, "x" * 131_073, "L" * 301, "S" * 101, "D" * 201, "-2147483649",
             "2147483647", "2147483648", "18446744073709551616"]

extreme_cells = st.one_of(
    st.sampled_from(ODD_CELLS),
    st.integers(-(2**70), 2**70).map(str),
    st.integers(0, 500).map(str),
    st.text(max_size=12),
    st.text(min_size=95, max_size=320),
)


def _text_of(data: bytes, how: str) -> str:
    return data.decode("latin-1") if how == "latin-1" else data.decode("utf-8", "surrogateescape")


random_texts = st.one_of(
    st.text(max_size=300),
    st.tuples(st.binary(max_size=300), st.sampled_from(["latin-1", "utf-8"])).map(
        lambda b: _text_of(*b)),
)


@st.composite
def csv_texts(draw: st.DrawFn, headers: list[tuple[str, ...]]) -> str:
    """A CSV file: one of `headers` (or a mangled one), rows of extreme cells, a BOM or CRLF
    now and then, the odd row of the wrong width."""
    header = list(draw(st.sampled_from(headers)))
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.integers(0, 9)) == 0:
        header.append(draw(extreme_cells))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    for _ in range(draw(st.integers(0, 6))):
        width = len(header) if draw(st.integers(0, 9)) else draw(st.integers(0, 8))
        writer.writerow(draw(st.lists(extreme_cells, min_size=width, max_size=width)))
    return ("\ufeff" if draw(st.booleans()) else "") + buffer.getvalue()


@st.composite
def plausible_csv(draw: st.DrawFn, headers: list[tuple[str, ...]],
                  sane: dict[str, st.SearchStrategy[str]]) -> str:
    """A CSV file that would be read but for the few cells turned extreme: each column's cells
    from `sane` (a small count where it names none), then up to two replaced."""
    header = draw(st.sampled_from(headers))
    rows = [[draw(sane.get(column, st.integers(0, 600).map(str))) for column in header]
            for _ in range(draw(st.integers(1, 5)))]
    for _ in range(draw(st.integers(0, 2))):
        row = draw(st.sampled_from(rows))
        row[draw(st.integers(0, len(header) - 1))] = draw(extreme_cells)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    return buffer.getvalue()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | extreme_cells,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(extreme_cells, inner,
                                                                max_size=4),
    max_leaves=12,
)

deeply_nested = st.tuples(st.integers(500, 200_000), st.sampled_from(["[", '{"a":', "a = ["])
                          ).map(lambda x: x[1] * x[0])


def toml_text(value: object) -> str:
    """A TOML rendering of `value` (inline tables), for laws and constraints built as data."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(str(value), repr(value))
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_text(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{_toml_string(k)} = {toml_text(v)}" for k, v in value.items()) + "}"


def _toml_string(text: str) -> str:
    """A basic string: JSON's escapes are TOML's, but for characters past U+FFFF (written as
    they are) and DEL (which TOML wants escaped)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_document(tables: dict[str, object]) -> str:
    """Top-level keys as `key = value` lines, each value inline."""
    return "".join(f"{_toml_string(k)} = {toml_text(v)}\n" for k, v in tables.items())


toml_values = st.recursive(
    st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | extreme_cells,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(extreme_cells, inner,
                                                                max_size=3),
    max_leaves=8,
)


@st.composite
def mixed_counts(draw: st.DrawFn, *, max_lists: int = 6) -> tuple[Constituency, dict[str, int]]:
    """A national count of party votes and the constituencies each list won elsewhere; now and
    then an independent (no party votes, a win). Votes within a factor of ten of each other, so
    that levelling never needs more than a few hundred seats."""
    n = draw(st.integers(1, max_lists))
    votes = dict(zip(LIST_NAMES, draw(st.lists(st.integers(1_000, 10_000), min_size=n,
                                               max_size=n)), strict=False))
    wins = {p: w for p in votes if (w := draw(st.integers(0, 6)))}
    if draw(st.booleans()):
        votes["Independent"], wins["Independent"] = 0, draw(st.integers(1, 2))
    seats = draw(st.integers(wins.get("Independent", 0) + 1, 30))
    return Constituency(name="Nation", magnitude=seats, votes=votes), wins


@st.composite
def mixed_draws(draw: st.DrawFn, reserved: Iterable[str] = ()
                ) -> tuple[Election, np.ndarray]:
    """A mixed-member election — one national count of party votes, the constituencies each
    list won elsewhere in the lists file's `wins`, now and then an independent (no party
    votes, a win) — with the `reserved` contests beside it, and 1–4 draws of its votes
    (constituency × draw × list): tiny counts (ties everywhere) or large ones, a list's votes
    none or within a factor of ten of the largest, so that levelling stays within a few hundred
    seats."""
    nation, wins = draw(mixed_counts())
    constituencies = [nation, *(Constituency(name=name, magnitude=draw(st.integers(1, 3)),
                                             votes={f"{name} {j}": 0 for j in range(3)})
                                for name in reserved)]
    n = draw(st.integers(1, 4))
    top = draw(st.sampled_from([4, 300, 50_000, 3_000_000]))
    cells = st.integers(0, 7).flatmap(  # one in eight none
        lambda none: st.just(0) if none == 0 else st.integers(max(1, top // 10), top))
    votes = np.zeros((len(constituencies), n, max(len(c.votes) for c in constituencies)),
                     dtype=np.int64)
    for k, c in enumerate(constituencies):
        for j, p in enumerate(c.votes):
            if p != "Independent":
                votes[k, :, j] = draw(st.lists(cells, min_size=n, max_size=n))
    return Election(constituencies=tuple(constituencies),
                    lists={p: {"wins": str(w)} for p, w in wins.items()}), votes
