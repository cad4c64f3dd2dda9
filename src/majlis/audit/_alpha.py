"""ALPHA, the sequential test every risk-limiting audit here runs (Stark, "ALPHA: Audit that
Learns from Previously Hand-Audited Ballots", Annals of Applied Statistics 17(1), 2023, §2):
a test supermartingale for the null "the population mean of x is at most 1/2", over draws
without replacement from N values in [0, u], with the truncated-shrinkage bet of its eq. 14.

Floats: the statistic measures evidence, it decides no seat by itself; the values fed to it
(assorter totals, margins) are exact and turned into floats only here. docs/audit.md writes
the test out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]
NEARLY = 1 - 1e-12  # the bet stays below the upper bound: a draw of 0 must not zero T for good


@dataclass(frozen=True, slots=True, kw_only=True)
class Bet:
    """The truncated-shrinkage estimate of the mean the next draw is bet on: η₀ the guess
    before any draw, `d` how many draws' weight it carries, `c` how far above the null's mean
    the bet must stay at first (shrinking as c ÷ √(d + j − 1))."""

    eta0: float
    d: float = 100.0
    c: float | None = None  # None: (η₀ − 1/2) ÷ 2, half the margin the guess expects


def log_statistic(x: Floats, population: int, upper: float, bet: Bet) -> Floats:
    """log T_j for j = 1 … len(x): the ALPHA statistic after each draw, the draws in the order
    drawn along the last axis (many orders at once, one a row). +inf once the null is impossible
    (what is left would need a negative mean), −inf once it is certain (what is left could not
    bring the mean up to 1/2)."""
    j = np.arange(1, x.shape[-1] + 1, dtype=np.float64)
    total = np.cumsum(x, axis=-1)
    before = np.concatenate((np.zeros((*x.shape[:-1], 1)), total[..., :-1]), axis=-1)
    left = population - j + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        mu = (population / 2 - before) / left
        c = (bet.eta0 - 0.5) / 2 if bet.c is None else bet.c
        shrunk = (bet.d * bet.eta0 + before) / (bet.d + j - 1)
        eta = np.minimum(np.maximum(shrunk, mu + c / np.sqrt(bet.d + j - 1)), upper * NEARLY)
        eta = np.maximum(eta, mu)  # η ∈ [μ, u): a bet of μ is no bet
        term = (x / mu) * (eta - mu) / (upper - mu) + (upper - eta) / (upper - mu)
    term = np.where(mu <= 0, np.inf, np.where(mu >= upper, 0.0, term))
    with np.errstate(divide="ignore"):
        return np.cumsum(np.log(np.maximum(term, 0.0)), axis=-1)


def draws_needed(x: float, population: int, upper: float, bet: Bet, risk_limit: float,
                 start: Floats | None = None) -> int | None:
    """How many draws in all a test needs to reach 1/α if every draw after `start` (the draws
    already made) has the value `x`; None if it does not within the population."""
    done = np.zeros(0) if start is None else start
    rest = population - len(done)
    if rest <= 0:
        return None
    return first_reach(np.concatenate((done, np.full(rest, x))), population, upper, bet,
                       risk_limit)


def first_reach(x: Floats, population: int, upper: float, bet: Bet, risk_limit: float,
                start: int = 256) -> int | None:
    """How many of the draws `x` (in the order drawn) the test needs to reach 1/α; None if
    they never do. The statistic is worked out over a prefix that doubles until it reaches
    1/α, so a test that stops early never pays for the draws it does not read."""
    threshold = -np.log(risk_limit)
    length = min(start, len(x))
    while True:
        reached = np.flatnonzero(log_statistic(x[:length], population, upper, bet) >= threshold)
        if len(reached):
            return int(reached[0]) + 1
        if length == len(x):
            return None
        length = min(2 * length, len(x))
