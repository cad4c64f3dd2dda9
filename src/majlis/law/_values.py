"""Plain immutable values the law works on: votes in, seats out, and why."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any, TypeVar, overload

K = TypeVar("K")
V = TypeVar("V")


def add_up(counts: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """Counts per list summed over constituencies; a list counted anywhere appears, even at 0."""
    totals: dict[str, int] = {}
    for count in counts:
        for list_name, n in count.items():
            totals[list_name] = totals.get(list_name, 0) + n
    return totals


def frozen_mapping(items: Mapping[K, V]) -> Mapping[K, V]:
    """A read-only copy, so a value can never change under a result that cites it."""
    return MappingProxyType(dict(items))


@dataclass(frozen=True, slots=True, kw_only=True)
class CandidateVotes:
    """Votes for one candidate of one list (SNTV, open lists)."""

    list: str
    candidate: str
    votes: int
    gender: str | None = None  # "F" or "M" where the women's rule needs it
    community: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Elected:
    """A candidate who takes a seat, how (`votes`, `list order`, `women's quota`), and whom a
    quota seat displaced."""

    candidate: CandidateVotes
    via: str
    displaced: CandidateVotes | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Constituency:
    """One constituency's count: what the law turns into seats.

    `valid` declares the constituency's total valid votes when `votes` names only some lists (news
    tables list the main ones); unlisted votes count in thresholds and natural quotas but win
    nothing. `blank` and `invalid` matter only to a threshold whose base includes them.
    """

    name: str
    magnitude: int
    votes: Mapping[str, int]
    candidates: tuple[CandidateVotes, ...] = ()
    valid: int | None = None
    blank: int = 0
    invalid: int = 0
    tier_seats: int | None = None
    region: str | None = None

    @property
    def list_votes(self) -> int:
        return sum(self.votes.values())

    @property
    def valid_votes(self) -> int:
        return self.list_votes if self.valid is None else self.valid


@dataclass(frozen=True, slots=True, kw_only=True)
class Apportioned:
    """Seats apportioned to constituencies (`[apportionment]`): each one's magnitude, and the
    awards that explain them, the constituencies standing where lists stand in a count."""

    basis: str
    magnitudes: Mapping[str, int]
    awards: Sequence[Award]
    runner_up: Award | None
    ties: tuple[Tie, ...]
    seed: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Election:
    """Every constituency of one election, in input order, each list's attributes (from a
    lists file: `kind`, `members`, …) that a law may read, and how the magnitudes were
    apportioned when the law computes them."""

    constituencies: tuple[Constituency, ...]
    lists: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    apportionment: Apportioned | None = None

    def __post_init__(self) -> None:
        names = [c.name for c in self.constituencies]
        if len(set(names)) != len(names):
            raise ValueError("constituency names must be unique")

    def national_votes(self, names: frozenset[str] | None = None) -> dict[str, int]:
        """Votes per list summed over the constituencies named (all when None)."""
        return add_up(c.votes for c in self.constituencies if names is None or c.name in names)


@dataclass(frozen=True, slots=True, kw_only=True)
class Award:
    """One seat given (or, as runner-up, nearly given): to whom, at what value, at which step.

    `value` is the exact quantity the law compared: a quotient for divisor methods (None when
    infinite: a zero first divisor), the quota or a remainder for quota methods, a candidate's
    votes for SNTV. Huntington–Hill compares squared quotients, and so reports them.
    """

    seat: int
    list: str
    value: Fraction | None
    stage: str
    candidate: str | None = None


class Awards(Sequence[Award]):
    """A count's awards, seat by seat, written out when first read.

    A count's seats are wanted far more often than its explanation (a margin, a projection, a
    seat table read only the seats), and each award's exact quotient is a `Fraction` to build —
    a third of a divisor count's time when every award was written at once. Reads, compares
    and pickles as the tuple it stands for.
    """

    __slots__ = ("_write", "_written")

    def __init__(self, write: Callable[[], tuple[Award, ...]]) -> None:
        self._write: Callable[[], tuple[Award, ...]] | None = write
        self._written: tuple[Award, ...] = ()

    def _all(self) -> tuple[Award, ...]:
        write = self._write
        if write is not None:
            self._written, self._write = write(), None
        return self._written

    @overload
    def __getitem__(self, index: int) -> Award: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Award, ...]: ...
    def __getitem__(self, index: int | slice) -> Award | tuple[Award, ...]:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[Award]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Awards):
            return self._all() == other._all()
        return isinstance(other, tuple) and self._all() == other

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return repr(self._all())

    def __reduce__(self) -> tuple[Any, ...]:
        return tuple, (self._all(),)


@dataclass(frozen=True, slots=True, kw_only=True)
class Tie:
    """Equal values at the last seat: who was tied and which rule decided it."""

    constituency: str
    seat: int
    lists: tuple[str, ...]
    winner: str
    decided_by: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AgreementSplit:
    """Lists that signed a surplus-vote agreement, counted as one: their combined votes, the
    seats they won together, and how those seats were split between them by the same rule."""

    lists: tuple[str, ...]
    votes: int
    seats: int
    split: Mapping[str, int]
    awards: Sequence[Award]

    @property
    def label(self) -> str:
        """How the count names the agreement where it stands as one list."""
        return " + ".join(self.lists)


@dataclass(frozen=True, slots=True, kw_only=True)
class MixedCount:
    """A mixed-member count (`[mixed]`): the party-vote entitlement, the constituency wins
    counted elsewhere, and what became of wins the entitlement does not cover.

    `seats` is the law's house; `outside` the seats won by lists that do not share in the party
    vote, taken out before the share; `shared` the seats the sharing lists were entitled to in
    all (more than `seats − outside` once levelling enlarged it); `house` the seats filled.
    `overhang` holds each list's wins beyond its entitlement at the law's house — kept, levelled
    or not awarded as `overhang_rule` says; `levelling` the seats each list gained as the house
    was enlarged.
    """

    overhang_rule: str
    seats: int
    outside: int
    shared: int
    house: int
    entitlement: Mapping[str, int]
    wins: Mapping[str, int]
    list_seats: Mapping[str, int]
    overhang: Mapping[str, int]
    levelling: Mapping[str, int]

    @property
    def not_awarded(self) -> Mapping[str, int]:
        """Wins left without a seat: the overhang when the law caps it, else none."""
        return self.overhang if self.overhang_rule == "capped" else {}


@dataclass(frozen=True, slots=True, kw_only=True)
class Admission:
    """Whether a list takes part in a constituency's count, and why: `by` is the condition that
    admitted it (the first of `faced` it meets, or `exempt`, or `fallback`), None when it met
    none of the conditions it `faced` (each in words, as the output shows them)."""

    qualified: bool
    by: str | None
    faced: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BonusAward:
    """A majority bonus given in one count: to which list, at what share of the law's base,
    and how many seats (the rest of the constituency's seats were shared without them)."""

    list: str
    share: Fraction
    seats: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ConstituencyResult:
    """Seats of one constituency, with the awards that explain them: `admission` says which
    threshold condition let each list in or kept it out (empty without a threshold), `lapsed`
    the surplus-vote agreements signed here that fell with all but one list out of the count."""

    name: str
    magnitude: int
    votes: Mapping[str, int]
    seats: Mapping[str, int]
    qualified: frozenset[str]
    awards: Sequence[Award]
    runner_up: Award | None
    elected: tuple[Elected, ...] = ()
    community: str | None = None
    agreements: tuple[AgreementSplit, ...] = ()
    mixed: MixedCount | None = None
    admission: Mapping[str, Admission] = field(default_factory=dict)
    lapsed: tuple[tuple[str, ...], ...] = ()
    bonus: BonusAward | None = None
    taken_back: tuple[str, ...] = ()

    @property
    def last_award(self) -> Award | None:
        return self.awards[-1] if self.awards else None


@dataclass(frozen=True, slots=True, kw_only=True)
class TierResult:
    """An upper tier's seats per list, and where they were placed (empty when national).

    A pool of remainders also gives the votes it pooled per list, the awards of its count, and
    the lists that gave back a seat when whole quotas exceeded the seats left."""

    name: str
    seats: Mapping[str, int]
    placed: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    entitlement: Mapping[str, int] = field(default_factory=dict)
    excluded: frozenset[str] = frozenset()
    pooled: Mapping[str, Fraction] = field(default_factory=dict)
    awards: Sequence[Award] = ()
    taken_back: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class BiproportionalResult:
    """A biproportional apportionment explained: each list's upper basis (votes or voter
    numbers) and seats, the awards of the upper apportionment, and the divisors of the lower
    one: a list's votes in a constituency ÷ (its list divisor × the constituency divisor) lies
    between d(x − 1) / step and d(x) / step of the law's series, x its seats there (`seats`) —
    for Sainte-Laguë x − ½ and x + ½, standard rounding; for D'Hondt x and x + 1 (a seat held
    by the strongest-list condition aside)."""

    weights: Mapping[str, Fraction]
    upper: Mapping[str, int]
    awards: Sequence[Award]
    runner_up: Award | None
    list_divisors: Mapping[str, Fraction]
    constituency_divisors: Mapping[str, Fraction]
    seats: Mapping[str, Mapping[str, int]]
    ties: tuple[Tie, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Allocation:
    """The whole outcome of applying a law to an election; reproducible from `seed`."""

    constituencies: tuple[ConstituencyResult, ...]
    tier: TierResult | None
    seed: int
    ties: tuple[Tie, ...]
    biproportional: BiproportionalResult | None = None

    @property
    def lot_used(self) -> bool:
        return any(t.decided_by == "lot" for t in self.ties)

    def seats_in(self, name: str) -> Mapping[str, int]:
        """Seats per list in one constituency, upper-tier seats placed there included."""
        result = next(c for c in self.constituencies if c.name == name)
        placed = self.tier.placed.get(name, {}) if self.tier else {}
        return {p: s + placed.get(p, 0) for p, s in result.seats.items()}

    def totals(self) -> dict[str, int]:
        """Seats per list over the whole house."""
        tier = (self.tier.seats,) if self.tier is not None else ()
        return add_up((*(c.seats for c in self.constituencies), *tier))

    def national_votes(self, *, reserved: bool = False) -> dict[str, int]:
        """Votes per list over the general constituencies, and reserved contests if asked."""
        return add_up(c.votes for c in self.constituencies if reserved or c.community is None)
