"""Ballot polling: for a contest without station results to compare with (or a reserved
seat's SNTV count), ballots drawn at random without replacement and read by hand, each
assertion's assorter averaged by ALPHA (Stark 2023, §2; SHANGRLA §3.1's plurality assorter).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from majlis.errors import InputError, Problem

from ._alpha import Bet, Floats, first_reach, log_statistic
from ._assertions import Assertion
from ._rla import Status


@dataclass(frozen=True, slots=True, kw_only=True)
class PollingPlan:
    """One assertion polled: its reported margin (2·mean h − 1) and the ballots to draw —
    the `quantile` of the draws needed over simulated samples of the reported ballots (None
    when the simulated audits do not confirm it before every ballot is read)."""

    assertion: Assertion
    margin: Fraction
    sample_size: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PollingMeasure:
    """One assertion after the ballots drawn so far: its status and the risk measured."""

    assertion: Assertion
    status: Status
    risk: float


def assorter_values(assertion: Assertion, ballots: Sequence[str | None]) -> Floats:
    """h of each ballot: the list (or candidate) it is for, None for an invalid ballot."""
    scale = assertion.scale

    def h(choice: str | None) -> float:
        g = assertion.excess({choice: 1}) if choice is not None else Fraction(0)
        return float(Fraction(1, 2) + g / (2 * scale))
    known = {c: h(c) for c in set(ballots)}
    return np.array([known[c] for c in ballots], dtype=np.float64)


def _ballots(votes: Mapping[str, int], invalid: int) -> list[str | None]:
    return [*(p for p in sorted(votes) for _ in range(votes[p])), *([None] * invalid)]


def plan_polling(assertions: Sequence[Assertion], votes: Mapping[str, int], invalid: int,
                 risk_limit: Fraction, rng: np.random.Generator, *, trials: int = 100,
                 quantile: float = 0.9) -> tuple[PollingPlan, ...]:
    """Ballots to draw for each assertion, by simulating `trials` audits of the reported
    ballots (`votes` per list, `invalid` more) in random orders drawn from `rng`."""
    _check(risk_limit, votes, invalid)
    ballots = _ballots(votes, invalid)
    out = []
    for a in assertions:
        x = assorter_values(a, ballots)
        mean = float(x.mean()) if len(x) else 0.0
        margin = 2 * (Fraction(len(ballots), 2) + a.excess(votes) / (2 * a.scale)) / max(
            len(ballots), 1) - 1
        size = None
        if margin > 0:
            needed = []
            for _ in range(trials):
                reached = first_reach(rng.permutation(x), len(x), float(a.upper),
                                      Bet(eta0=mean), float(risk_limit))
                needed.append(len(x) if reached is None else reached)
            size = int(np.ceil(np.quantile(needed, quantile)))
        out.append(PollingPlan(assertion=a, margin=margin, sample_size=size))
    return tuple(out)


def measure_polling(assertions: Sequence[Assertion], votes: Mapping[str, int], invalid: int,
                    drawn: Sequence[str | None], risk_limit: Fraction
                    ) -> tuple[PollingMeasure, ...]:
    """Each assertion's test over the ballots `drawn` so far, in the order drawn (the list or
    candidate each is for, None if invalid), from the `votes` and `invalid` ballots reported;
    the bet's first guess is the reported mean."""
    _check(risk_limit, votes, invalid)
    population = sum(votes.values()) + invalid
    if len(drawn) > population:
        raise InputError([Problem(source="polling", line=None, field="ballots", message=(
            f"{len(drawn)} ballots drawn from {population} cast"))])
    out = []
    for a in assertions:
        reported = float(Fraction(1, 2) + a.excess(votes) / (2 * a.scale * population))
        log_t = log_statistic(assorter_values(a, drawn), population, float(a.upper),
                              Bet(eta0=reported))
        best = float(log_t.max()) if len(log_t) else 0.0
        risk = min(1.0, math.exp(-best)) if best < math.inf else 0.0
        if len(drawn) == population:  # every ballot read: the count decides
            read: dict[str, int] = {}
            for c in drawn:
                if c is not None:
                    read[c] = read.get(c, 0) + 1
            status = Status.CONFIRMED if a.holds(read) else Status.REFUTED
        elif best >= -math.log(float(risk_limit)):
            status = Status.CONFIRMED
        else:
            status = Status.SAMPLE_MORE
        out.append(PollingMeasure(assertion=a, status=status, risk=risk))
    return tuple(out)


def _check(risk_limit: Fraction, votes: Mapping[str, int], invalid: int) -> None:
    problems = []
    if not 0 < risk_limit < 1:
        problems.append(Problem(source="polling", line=None, field="risk limit", message=(
            f"a risk limit of {risk_limit} is not between 0 and 1")))
    if invalid < 0 or any(n < 0 for n in votes.values()):
        problems.append(Problem(source="polling", line=None, field="votes",
                                message="votes and invalid ballots are counts, never negative"))
    if problems:
        raise InputError(problems)
