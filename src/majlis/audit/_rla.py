"""A risk-limiting comparison audit of one constituency's seats, polling stations as batches:
each assertion's overstatement assorter per station (SHANGRLA §3.2, a station in place of a
ballot), tested by ALPHA over the hand counts in the public lot's order. docs/audit.md writes
the maths out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from majlis.errors import InputError, Problem

from ._alpha import Bet, Floats, draws_needed, log_statistic
from ._assertions import Assertion

CHUNK = 2_000_000  # orders × stations rehearsed at once: a few arrays of 16 MB


@dataclass(frozen=True, slots=True, kw_only=True)
class Batch:
    """A polling station as the audit counts it: ballots cast there (invalid ones included)
    and votes per list — the machine's sheet, or the hand count's."""

    station: str
    ballots: int
    votes: Mapping[str, int]


class Status(StrEnum):
    """Where an assertion (or a constituency's audit) stands."""

    CONFIRMED = "confirmed"  # the test reached 1/α: the risk limit is met
    SAMPLE_MORE = "keep-sampling"  # hand-count the next stations of the lot
    ESCALATE = "escalate"  # to a full hand count: the sample will not confirm it
    REFUTED = "refuted"  # every station hand-counted, and the assertion is false


@dataclass(frozen=True, slots=True, kw_only=True)
class AssertionPlan:
    """One assertion in the comparison audit: its reported margin v = 2·mean h − 1 (over the
    ballots), the bound τ on one station's overstatement, the value ξ every station takes when
    the machines were right, the comparison values' upper bound, and the stations needed to
    confirm it if they were (None: more than there are)."""

    assertion: Assertion
    margin: Fraction
    bound: Fraction
    clean: Fraction
    upper: Fraction
    sample_size: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditPlan:
    """A constituency's comparison audit: its stations as reported, the assertions planned,
    and the stations to hand-count first (the largest sample an assertion needs; every station
    when one cannot be confirmed by a sample)."""

    constituency: str
    risk_limit: Fraction
    batches: tuple[Batch, ...]
    assertions: tuple[AssertionPlan, ...]

    @property
    def stations(self) -> int:
        return len(self.batches)

    @property
    def ballots(self) -> int:
        return sum(b.ballots for b in self.batches)

    @property
    def sample_size(self) -> int:
        sizes = [a.sample_size for a in self.assertions]
        return self.stations if None in sizes else max((s for s in sizes if s is not None),
                                                       default=0)


@dataclass(frozen=True, slots=True, kw_only=True)
class AssertionMeasure:
    """One assertion after the hand counts so far: its status, the risk measured (1 ÷ the
    largest T reached, at most 1; 0 or 1 once every station is hand-counted), the stations
    whose hand count overstated it, and the stations the audit needs in all to confirm it if
    the rest overstate no more than these did."""

    plan: AssertionPlan
    status: Status
    risk: float
    overstated: int
    target: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Measurement:
    """A constituency's audit after the hand counts so far: how many stations of the lot are
    measured (the longest run of the lot's order with hand counts), the next station awaited,
    and each assertion."""

    constituency: str
    risk_limit: Fraction
    stations: int
    measured: int
    awaiting: str | None
    assertions: tuple[AssertionMeasure, ...]
    problems: tuple[str, ...] = ()

    @property
    def status(self) -> Status:
        order = (Status.REFUTED, Status.ESCALATE, Status.SAMPLE_MORE, Status.CONFIRMED)
        return next((s for s in order if any(a.status is s for a in self.assertions)),
                    Status.CONFIRMED)

    @property
    def target(self) -> int:
        """Stations the audit needs in all: the most any assertion still needs."""
        return max((a.target for a in self.assertions), default=self.measured)


def _check(constituency: str, batches: Sequence[Batch], risk_limit: Fraction) -> None:
    problems = []
    if not 0 < risk_limit < 1:
        problems.append(Problem(source="rla", line=None, field="risk limit", message=(
            f"a risk limit of {risk_limit} is not between 0 and 1")))
    if not batches:
        problems.append(Problem(source=constituency, line=None, field="stations",
                                message="no station reported: nothing to audit"))
    for b in batches:
        if b.ballots < sum(b.votes.values()) or any(n < 0 for n in b.votes.values()):
            problems.append(Problem(source=constituency, line=None, field=b.station, message=(
                f"{sum(b.votes.values())} votes from {b.ballots} ballots cast")))
    if problems:
        raise InputError(problems)


def plan_comparison(constituency: str, batches: Sequence[Batch],
                    assertions: Sequence[Assertion], risk_limit: Fraction) -> AuditPlan:
    """Plan the comparison audit: per assertion, the reported margin, the overstatement bound
    and the stations to hand-count if the machines were right."""
    _check(constituency, batches, risk_limit)
    matrix = _Matrix(batches)
    plans = tuple(_plan(a, matrix, risk_limit) for a in assertions)
    return AuditPlan(constituency=constituency, risk_limit=risk_limit, batches=tuple(batches),
                     assertions=plans)


class _Matrix:
    """Stations' figures as integer arrays, so each assertion's assorter totals at every
    station come out exactly (integers over one scale) without a Fraction per station."""

    def __init__(self, batches: Sequence[Batch]) -> None:
        self.lists = sorted({p for b in batches for p in b.votes})
        at = {p: i for i, p in enumerate(self.lists)}
        self.ballots = np.array([b.ballots for b in batches], dtype=np.int64)
        self.votes = np.zeros((len(batches), len(self.lists) + 1), dtype=np.int64)
        for row, b in enumerate(batches):
            for list_name, n in b.votes.items():
                self.votes[row, at[list_name]] = n
        self.at = at

    def totals(self, a: Assertion, ballots: NDArray[np.int64] | None = None
               ) -> tuple[NDArray[np.int64], int]:
        """(K, S): station p's assorter total is K[p] ÷ S, exactly; `ballots` the ballots each
        total counts its 1/2 for (the reported ones when a hand count is measured)."""
        scale = math.lcm(*(x.denominator for x in (a.for_winner, a.for_loser, a.per_valid,
                                                    a.scale)))
        n = self.ballots if ballots is None else ballots
        none = len(self.lists)  # a column of zeros for a list the stations do not name
        winner = self.votes[:, self.at.get(a.winner, none) if a.winner else none]
        loser = self.votes[:, self.at.get(a.loser, none) if a.loser else none]
        excess = (int(a.for_winner * scale) * winner - int(a.for_loser * scale) * loser
                  + int(a.per_valid * scale) * self.votes.sum(axis=1))
        return n * int(a.scale * scale) + excess, 2 * int(a.scale * scale)


def _plan(a: Assertion, matrix: _Matrix, risk_limit: Fraction) -> AssertionPlan:
    stations, ballots = len(matrix.ballots), int(matrix.ballots.sum())
    totals, scale = matrix.totals(a)
    margin = Fraction(2 * int(totals.sum()), scale * ballots) - 1 if ballots else Fraction(-1)
    # τ: a station's overstatement is at most its reported assorter total (the truth ≥ 0),
    # over the mean station's ballots N ÷ P.
    bound = max(Fraction(int(totals.max()) * stations, scale * ballots), Fraction(1, 10**9))
    top = a.upper * scale  # u·S = λ·D + (largest g)·D: a whole number
    lowest = int((int(top) * matrix.ballots - totals).max())  # max of u·n_p·S − K_p
    upper = (bound + Fraction(lowest * stations, scale * ballots)) / (2 * bound - margin)
    clean = bound / (2 * bound - margin)
    size = (draws_needed(float(clean), stations, float(upper), _bet(clean, upper),
                         float(risk_limit)) if margin > 0 else None)
    return AssertionPlan(assertion=a, margin=margin, bound=bound, clean=clean, upper=upper,
                         sample_size=size)


def _bet(clean: Fraction, upper: Fraction) -> Bet:
    """The comparison audit's bet: halfway from the clean value ξ to the upper bound, slow to
    shrink (d = 1000) — every station equal to ξ is what a right count gives, and a bet at ξ
    itself would gain only in the square of the margin; halfway keeps a station with a large
    overstatement (a value of 0) from zeroing T: it multiplies T by a little under 1/2."""
    return Bet(eta0=float(clean + (upper - clean) / 2), d=1000.0)


def comparison_value(plan: AssertionPlan, mean_batch: Fraction, reported: Batch,
                     hand: Batch) -> Fraction:
    """The station's comparison assorter: (τ − ω) ÷ (2τ − v), ω = (reported − hand assorter
    total) ÷ the mean station's ballots."""
    a = plan.assertion
    overstatement = (a.assort(reported.ballots, reported.votes)
                     - a.assort(reported.ballots, hand.votes)) / mean_batch
    return (plan.bound - overstatement) / (2 * plan.bound - plan.margin)


def measure_comparison(plan: AuditPlan, order: Sequence[str], hand: Mapping[str, Batch]
                       ) -> Measurement:
    """Run each assertion's test over the hand counts, station by station in the lot's
    `order` (every station of the constituency, as `audit.select` ranks them), up to the first
    station without one: a later one cannot be used before it without biasing the sample."""
    reported = {b.station: b for b in plan.batches}
    missing = sorted(set(reported) - set(order))
    if missing or len(order) != len(reported):
        raise InputError([Problem(source=plan.constituency, line=None, field="lot", message=(
            "the lot's order must rank every reported station once; "
            + (f"it leaves out {', '.join(missing[:5])}" if missing else "it has others")))])
    measured = []
    for code in order:
        if code not in hand:
            break
        measured.append(code)
    awaiting = order[len(measured)] if len(measured) < len(order) else None
    more = [c for c in measured if sum(hand[c].votes.values()) > reported[c].ballots]
    problems = tuple(f"{c}: the hand count has {sum(hand[c].votes.values())} votes, more than "
                     f"the {reported[c].ballots} ballots the machine reported" for c in more)
    machine = _Matrix([reported[c] for c in measured])
    counted = _Matrix([Batch(station=c, ballots=reported[c].ballots, votes=hand[c].votes)
                       for c in measured])
    results = []
    for p in plan.assertions:
        values = _values(p, plan, machine, counted)
        results.append(_measure(p, plan, values, measured, hand, bool(problems)))
    return Measurement(constituency=plan.constituency, risk_limit=plan.risk_limit,
                       stations=plan.stations, measured=len(measured), awaiting=awaiting,
                       assertions=tuple(results), problems=problems)


def _values(p: AssertionPlan, plan: AuditPlan, machine: _Matrix, counted: _Matrix) -> Floats:
    """The comparison values of the measured stations, as `comparison_value` gives them one
    by one: the overstatements exact in integers, the last division in floats."""
    if not len(machine.ballots):
        return np.zeros(0)
    before, scale = machine.totals(p.assertion)
    after, _ = counted.totals(p.assertion, machine.ballots)
    overstatement = (before - after).astype(np.float64) * plan.stations / (scale * plan.ballots)
    return np.asarray((float(p.bound) - overstatement) / float(2 * p.bound - p.margin),
                      dtype=np.float64)


def _measure(p: AssertionPlan, plan: AuditPlan, x: Floats, measured: Sequence[str],
             hand: Mapping[str, Batch], unsound: bool) -> AssertionMeasure:
    overstated = int((x < float(p.clean) * (1 - 1e-12)).sum())
    bet = _bet(p.clean, p.upper)
    log_t = log_statistic(x, plan.stations, float(p.upper), bet) if len(x) else np.zeros(0)
    best = float(log_t.max()) if len(log_t) else 0.0
    risk = min(1.0, math.exp(-best)) if best < math.inf else 0.0
    threshold = -math.log(float(plan.risk_limit))
    if len(measured) == plan.stations:  # a full hand count decides by itself
        totals: dict[str, int] = {}
        for c in measured:
            for list_name, n in hand[c].votes.items():
                totals[list_name] = totals.get(list_name, 0) + n
        holds = p.assertion.holds(totals)  # known, not measured: no risk either way
        return AssertionMeasure(plan=p, status=Status.CONFIRMED if holds else Status.REFUTED,
                                risk=0.0 if holds else 1.0, overstated=overstated,
                                target=plan.stations)
    if best >= threshold and not unsound:
        return AssertionMeasure(plan=p, status=Status.CONFIRMED, risk=risk,
                                overstated=overstated, target=len(measured))
    seen = float(np.mean(x)) if len(x) else float(p.clean)
    needed = (draws_needed(min(seen, float(p.clean)), plan.stations, float(p.upper), bet,
                           float(plan.risk_limit), start=x)
              if seen > 0.5 and not unsound else None)
    if needed is None or needed >= plan.stations:
        return AssertionMeasure(plan=p, status=Status.ESCALATE, risk=risk,
                                overstated=overstated, target=plan.stations)
    return AssertionMeasure(plan=p, status=Status.SAMPLE_MORE, risk=risk,
                            overstated=overstated, target=max(needed, len(measured) + 1))


def rehearse(plan: AuditPlan, truth: Mapping[str, Batch],
             orders: Sequence[Sequence[str]] | NDArray[np.str_] | NDArray[np.int64]
             ) -> NDArray[np.int64]:
    """Stations each audit hand-counts: for each of the lot's `orders` (every reported station
    ranked, as `audit.select` ranks them — codes, or an integer array of the rows of
    `plan.batches` they are), hand counts being `truth`, the fewest stations in
    that order after which `measure_comparison` confirms every assertion short of a full count
    — the station count itself where it never does (a full hand count). Vectorised over the
    orders; `measure_comparison` station by station is its exact twin.

    Measuring after every station is the most lenient way to run the audit (any later check
    sees a longer prefix, and T never confirms what its running maximum did not), so the share
    of audits that confirm here bounds the share that confirm when the sample grows in steps."""
    reported = {b.station: b for b in plan.batches}
    missing = sorted(set(reported) - set(truth))
    if missing:
        raise InputError([Problem(source=plan.constituency, line=None, field="truth", message=(
            f"no hand count for {', '.join(missing[:5])}"))])
    index = _ranks(plan, orders)
    machine = _Matrix(plan.batches)
    counted = _Matrix([Batch(station=b.station, ballots=b.ballots, votes=truth[b.station].votes)
                       for b in plan.batches])
    unsound = counted.votes.sum(axis=1) > machine.ballots  # a problem stops any confirmation
    blocked = np.where(unsound[index].any(axis=1), unsound[index].argmax(axis=1),
                       plan.stations)  # the first such station's place in each order
    needed = np.zeros(len(orders), dtype=np.int64)  # when the last assertion confirms
    threshold = -math.log(float(plan.risk_limit))
    for p in sorted(plan.assertions, key=lambda p: p.margin):  # the likeliest to fail first
        alive = np.flatnonzero(needed < plan.stations)
        if not len(alive):
            break
        values = _values(p, plan, machine, counted)
        bet, upper = _bet(p.clean, p.upper), float(p.upper)
        if (values == values[0]).all():  # every order reads the same: one run for them all
            runs = log_statistic(values[None, :], plan.stations, upper, bet)
            needed[alive] = np.maximum(needed[alive], _first(runs, threshold))
            continue
        for part in np.array_split(alive, -(-len(alive) * plan.stations // CHUNK)):
            runs = log_statistic(values[index[part]], plan.stations, upper, bet)
            needed[part] = np.maximum(needed[part], _first(runs, threshold))
    return np.where((needed < plan.stations) & (needed <= blocked), needed, plan.stations)


def _first(runs: Floats, threshold: float) -> NDArray[np.int64]:
    """Per row, the draws after which log T first reaches the threshold (the row's length
    where it never does)."""
    reached = runs >= threshold
    return np.asarray(np.where(reached.any(axis=1), reached.argmax(axis=1) + 1, runs.shape[1]),
                      dtype=np.int64)


def _ranks(plan: AuditPlan,
           orders: Sequence[Sequence[str]] | NDArray[np.str_] | NDArray[np.int64]
           ) -> NDArray[np.int64]:
    """Each order as the rows of `plan.batches` it ranks (orders × stations), every reported
    station exactly once in each — looked up in NumPy, as a thousand orders of ten thousand
    stations are ten million codes (an integer array is taken as those rows already)."""
    if not len(orders):
        return np.zeros((0, plan.stations), dtype=np.int64)
    if isinstance(orders, np.ndarray) and orders.dtype.kind in "iu":
        index = orders.astype(np.int64)  # rows of plan.batches already
        ok = index.ndim == 2 and index.shape[1] == plan.stations
    else:
        codes = np.array([b.station for b in plan.batches])
        sorter = np.argsort(codes)
        try:
            ranked = np.asarray(orders, dtype=np.str_)  # as long as the longest code given
        except ValueError:  # orders of different lengths
            ranked = np.zeros((0, 0), dtype=np.str_)
        ok = ranked.ndim == 2 and ranked.shape[1] == plan.stations
        if ok:
            index = sorter[np.searchsorted(codes, ranked, sorter=sorter).clip(
                max=plan.stations - 1)]
            ok = bool((codes[index] == ranked).all())
    ok = ok and bool((np.sort(index, axis=1) == np.arange(plan.stations)).all())
    if not ok:
        raise InputError([Problem(source=plan.constituency, line=None, field="lot", message=(
            "each order must rank every reported station once"))])
    return np.asarray(index, dtype=np.int64)
