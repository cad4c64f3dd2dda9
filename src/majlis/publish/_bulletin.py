"""A results bulletin: the facts of one release as a wire story tells them, each naming the
release it comes from.

`compose_bulletin` computes the facts from the releases the store gives (no database here);
`render_bulletin` only formats them through a template a translator edits
(`templates/bulletin.LANG.text.j2` for Markdown and plain text, `….html.j2` for HTML).
Arabic numbers are written with the Arabic separators, in Arabic-Indic digits when asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from fractions import Fraction
from importlib import resources
from zoneinfo import ZoneInfo

from majlis.data import OTHER_LISTS, ListName, ListNames
from majlis.law import (
    Allocation,
    Constituency,
    Election,
    Law,
    Scope,
    VoteShare,
    allocate,
    margins,
)
from majlis.tally import ConstituencyCount, Release, national

from ._choices import BulletinFormat, Language

BAGHDAD = ZoneInfo("Asia/Baghdad")  # every time a reader sees is on the clock of the count
CLOSEST = 3  # constituencies named for the closest last seat
NEAR = Fraction(1, 100)  # a list this close to a national threshold's share, either side, is named
LEADERS = 3  # lists named in the lead


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """The release a figure comes from: its number and the digest its counts are signed by."""

    number: int
    digest: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Standing:
    """One list's votes and seats in a release; `name` and `name_ar` as readers know it."""

    list: str
    name: str
    name_ar: str
    votes: int
    share: Fraction  # of the list votes counted
    seats: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Counted:
    """Stations counted of one voting type, nationally."""

    voting_type: str
    counted: int
    stations: int

    @property
    def share(self) -> Fraction:
        return Fraction(self.counted, self.stations) if self.stations else Fraction(0)


@dataclass(frozen=True, slots=True, kw_only=True)
class SeatChange:
    """A list whose seats moved since the previous release."""

    list: str
    name: str
    name_ar: str
    before: int
    after: int


@dataclass(frozen=True, slots=True, kw_only=True)
class LastSeat:
    """A constituency's last seat: who took it, who came next, and the votes the runner-up
    would need to take it (None when no number of votes would)."""

    constituency: str
    winner: Standing
    runner_up: Standing
    closeness: Fraction  # the runner-up's quotient over the winner's: 1 is a tie
    to_gain: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class NearThreshold:
    """A list within `NEAR` of a national vote-share threshold: its share of the threshold's
    base, the share required, and the votes it lacks (positive) or holds above it."""

    standing: Standing
    share: Fraction
    required: Fraction
    votes_from_line: int  # votes needed to reach the threshold, or (negative) votes above it

    @property
    def qualified(self) -> bool:
        return self.votes_from_line <= 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Bulletin:
    """Everything a bulletin says, from `source` (and `previous`, for what changed)."""

    source: Source
    name: str
    at: str
    previous: Source | None
    law: str
    house: int
    votes: int
    counted: tuple[Counted, ...]
    leaders: tuple[Standing, ...]
    seats: tuple[Standing, ...]  # lists holding a seat so far, most first
    seated: int
    unpublished_seats: int  # seats of the lists whose votes were not published
    closest: tuple[LastSeat, ...]
    near_threshold: tuple[NearThreshold, ...] = ()
    counted_before: tuple[Counted, ...] = ()
    leader_before: Standing | None = None
    votes_before: int = 0
    changes: tuple[SeatChange, ...] = ()

    @property
    def gap(self) -> int:
        """Votes between the first and second list (0 with fewer than two)."""
        return self.leaders[0].votes - self.leaders[1].votes if len(self.leaders) > 1 else 0

    def general(self, *, before: bool = False) -> Counted | None:
        """The general stations' count (of the previous release with `before`): the share a
        wire story leads with."""
        return next((c for c in (self.counted_before if before else self.counted)
                     if c.voting_type == "general"), None)


def _election(results: tuple[ConstituencyCount, ...], law: Law) -> Election:
    return Election(constituencies=tuple(
        Constituency(name=c.name, magnitude=law.magnitudes[c.name], votes=c.votes)
        for c in results if c.votes and c.name in law.magnitudes))


def _counted(total: ConstituencyCount) -> tuple[Counted, ...]:
    return tuple(Counted(voting_type=t, counted=total.counted_by_type.get(t, 0), stations=n)
                 for t, n in sorted(total.stations_by_type.items()) if n)


class _Namer:
    """Standings under the lists' known names (the store's name where no table knows it)."""

    def __init__(self, names: ListNames) -> None:
        self.names = names

    def of(self, key: str) -> ListName:
        return self.names.resolve(key) or ListName(name=key, name_ar="")

    def standing(self, key: str, votes: Mapping[str, int], seats: Mapping[str, int]
                 ) -> Standing:
        total = sum(n for p, n in votes.items() if p != OTHER_LISTS)
        known = self.of(key)
        return Standing(list=key, name=known.name, name_ar=known.name_ar or known.name,
                        votes=votes.get(key, 0), seats=seats.get(key, 0),
                        share=Fraction(votes.get(key, 0), total) if total else Fraction(0))


def _ranked(votes: Mapping[str, int]) -> list[str]:
    """Lists by votes, most first, ties by name; never the unpublished lists' aggregate."""
    return sorted((p for p in votes if p != OTHER_LISTS), key=lambda p: (-votes[p], p))


def _closest(election: Election, allocation: Allocation, law: Law, namer: _Namer
             ) -> tuple[LastSeat, ...]:
    """The constituencies whose last seat was won by the smallest margin of quotients."""
    close = []
    for c in allocation.constituencies:
        last, runner = c.last_award, c.runner_up
        if (last is None or runner is None or not last.value or runner.value is None
                or runner.list == last.list):
            continue
        close.append((runner.value / last.value, c.name, last.list, runner.list))
    close.sort(key=lambda x: (-x[0], x[1]))
    out = []
    for ratio, name, took, next_list in close[:CLOSEST]:
        votes = next(c.votes for c in election.constituencies if c.name == name)
        seats = allocation.seats_in(name)
        gain = next(m.to_gain for m in margins(election, law, name, seed=allocation.seed)
                    if m.list == next_list)
        out.append(LastSeat(constituency=name, closeness=ratio, to_gain=gain,
                            winner=namer.standing(took, votes, seats),
                            runner_up=namer.standing(next_list, votes, seats)))
    return tuple(out)


def _near_threshold(election: Election, law: Law, seats: Mapping[str, int], namer: _Namer
                    ) -> tuple[NearThreshold, ...]:
    """Lists within `NEAR` of the law's first condition when it is a national vote share,
    nearest first. The general constituencies' votes are its base (reserved contests are not
    counted in it); the line is the fewest votes that meet the share exactly as the law tests
    it (votes × denominator ≥ numerator × base)."""
    threshold = law.threshold
    rule = threshold.conditions[0] if threshold is not None else None
    if threshold is None or not isinstance(rule, VoteShare) or rule.scope is not Scope.NATIONAL:
        return ()
    general = law.general(election)
    votes: dict[str, int] = {}
    for c in general:
        for p, n in c.votes.items():
            votes[p] = votes.get(p, 0) + n
    base = sum(rule.base.of(c) for c in general)
    required = rule.share if rule.share is not None else Fraction(
        1, sum(c.magnitude for c in general) or 1)
    if not base:
        return ()
    line = -(-required.numerator * base // required.denominator)  # ceiling
    near = sorted((p for p in votes if p != OTHER_LISTS and p not in threshold.exempt
                   and abs(Fraction(votes[p], base) - required) <= NEAR),
                  key=lambda p: (abs(votes[p] - line), p))
    return tuple(NearThreshold(standing=namer.standing(p, votes, seats),
                               share=Fraction(votes[p], base), required=required,
                               votes_from_line=line - votes[p]) for p in near)


def compose_bulletin(release: Release, law: Law, names: ListNames, *, law_name: str,
             previous: Release | None = None) -> Bulletin:
    """The facts of `release` under `law` (seats on the votes counted so far) and what changed
    since `previous`. Lists are named by `names`; the unpublished lists' aggregate never leads."""
    namer = _Namer(names)
    election = _election(release.results, law)
    allocation = allocate(election, law)
    won = allocation.totals()
    total = national(release.results)
    votes = total.votes
    seated = sorted((p for p, n in won.items() if n and p != OTHER_LISTS),
                    key=lambda p: (-won[p], -votes.get(p, 0), p))
    facts = Bulletin(
        source=Source(number=release.number, digest=release.digest), name=release.name,
        at=release.created_at, previous=None, law=law_name, house=law.house,
        votes=sum(n for p, n in votes.items() if p != OTHER_LISTS),
        counted=_counted(total),
        leaders=tuple(namer.standing(p, votes, won) for p in _ranked(votes)[:LEADERS]),
        seats=tuple(namer.standing(p, votes, won) for p in seated),
        seated=sum(won.values()), unpublished_seats=won.get(OTHER_LISTS, 0),
        closest=_closest(election, allocation, law, namer),
        near_threshold=_near_threshold(election, law, won, namer))
    if previous is None:
        return facts
    before_total = national(previous.results)
    before = allocate(_election(previous.results, law), law).totals()
    moved = sorted((p for p in set(won) | set(before)
                    if p != OTHER_LISTS and won.get(p, 0) != before.get(p, 0)),
                   key=lambda p: (-(won.get(p, 0) - before.get(p, 0)), p))
    ranked = _ranked(before_total.votes)
    return replace(
        facts, previous=Source(number=previous.number, digest=previous.digest),
        counted_before=_counted(before_total),
        votes_before=sum(n for p, n in before_total.votes.items() if p != OTHER_LISTS),
        leader_before=namer.standing(ranked[0], before_total.votes, before) if ranked else None,
        changes=tuple(SeatChange(list=p, name=namer.of(p).name,
                                 name_ar=namer.of(p).name_ar or namer.of(p).name,
                                 before=before.get(p, 0), after=won.get(p, 0)) for p in moved))


ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _number(value: int, lang: str, arabic_digits: bool) -> str:
    """An integer as the language writes it: 12,345 in English, ١٢٬٣٤٥ (or 12٬345) in Arabic."""
    text = f"{value:,}"
    if lang != "ar":
        return text
    text = text.replace(",", "\u066c")
    return text.translate(ARABIC_INDIC) if arabic_digits else text


def _percent(share: Fraction, lang: str, arabic_digits: bool) -> str:
    """A share in per cent to one decimal (rounded half to even, exactly), with the language's
    decimal separator and per-cent sign."""
    tenths = round(share * 1000)
    whole, point = _number(tenths // 10, lang, arabic_digits), _number(tenths % 10, lang,
                                                                       arabic_digits)
    return (f"{whole}\u066b{point}\u066a" if lang == "ar" else f"{whole}.{point} %")


# Iraq's names of the months, as its press and the dashboard (ar-IQ) write them.
MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "ar": ("كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
           "تشرين الأول", "تشرين الثاني", "كانون الأول"),
}


def moment(at: str, lang: str, arabic_digits: bool = False) -> str:
    """A stored time (ISO 8601, any offset) on Baghdad's clock, as the reader's language writes
    it: `12 November 2025, 01:30 Baghdad time`; a time without an offset, or one that is not a
    time, is written as stored (there is no knowing its clock)."""
    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        return at
    if when.tzinfo is None:
        return at
    when = when.astimezone(BAGHDAD)
    day, year = _number(when.day, lang, arabic_digits), str(when.year)
    clock = f"{when.hour:02d}:{when.minute:02d}"
    if lang == "ar":
        if arabic_digits:
            year, clock = year.translate(ARABIC_INDIC), clock.translate(ARABIC_INDIC)
        return f"{day} {MONTHS['ar'][when.month - 1]} {year}، {clock} بتوقيت بغداد"
    return f"{day} {MONTHS['en'][when.month - 1]} {year}, {clock} Baghdad time"


def render_bulletin(facts: Bulletin, lang: str, fmt: str, *, arabic_digits: bool = False) -> str:
    """The bulletin written in `lang` (ar, en) as `fmt` (md, html, txt) by its template; HTML
    is escaped, so no list name can inject markup. Arabic-Indic digits only for Arabic."""
    import jinja2  # loaded when a bulletin is written, not by every command importing publish

    if lang not in tuple(Language) or fmt not in tuple(BulletinFormat):
        raise ValueError(f"no bulletin template for {lang}/{fmt}")
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(
            lambda name: resources.files(__package__).joinpath("templates", name)
            .read_text(encoding="utf-8")),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",)),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)
    env.filters["num"] = lambda n: _number(n, lang, arabic_digits)
    env.filters["pct"] = lambda x: _percent(x, lang, arabic_digits)
    env.filters["when"] = lambda at: moment(at, lang, arabic_digits)
    template = "html" if fmt == "html" else "text"
    return env.get_template(f"bulletin.{lang}.{template}.j2").render(
        b=facts, markdown=fmt == "md")
