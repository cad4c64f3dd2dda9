"""The model of what is still uncounted, and the draws of complete results from it.

For each group of uncounted stations (one voting type in one constituency) the model estimates
the votes they hold and how those split between lists, and draws both with the uncertainty of
three levels: stations (a random sample of the group's stations is what has been counted; how
much stations differ is pooled hierarchically, group → voting type → prior), the constituency
(the uncounted stations differ systematically from the counted ones) and the country (a list's
regional base moves together everywhere). docs/forecast.md gives the maths.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numba
import numpy as np
from numpy.typing import NDArray

from majlis.errors import InputError, Problem

from ._count import GroupCount, Late, PartialCount, Spread

__all__ = ["Constituency", "Group", "Settings", "draw_swing", "draw_votes", "prepare"]

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

_MAX_SIGMA = 2.0  # log-scale sd per list: a list with a handful of votes still stays finite


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """The model's assumptions; every projection records the settings it was made with.

    Errors are standard deviations on the log scale (0.05 ≈ ±5 %). `station_icc` and `size_cv`
    are the prior for how much stations differ, worth `prior_units` stations against what the
    counted stations show. `turnout` (votes per registered voter) stands in for a voting type
    not yet counted anywhere, with sd `turnout_sd`; `type_lean` is how far a list's share in a
    voting type not yet counted in a constituency may be from its share in the types counted.
    `constituency_error` is the count-order error of the only real count sequence at hand, IHEC's
    2010 published partial counts (`count_order_error`: 0.14 over all their steps, 0.16 over the
    last): counted stations are not a random sample of a governorate's.
    """

    station_icc: float = 0.05
    size_cv: float = 0.3
    prior_units: int = 30
    constituency_error: float = 0.15
    national_error: float = 0.03
    turnout_error: float = 0.05
    turnout: float = 0.5
    turnout_sd: float = 0.25
    type_lean: float = 0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    """The uncounted stations of one voting type in a constituency, as the model sees them."""

    centre: Floats  # per list: share · exp(−σ²/2), its log-normal draw's median (mean: share)
    sigma: Floats  # per list: log-scale sd of that share (maybe the national error's, `prepare`)
    voting_type: str
    shared: Floats | None = None  # per list: the part of `sigma` its type's other groups share
    expected: float  # its expected valid votes
    sigma_votes: float  # log-scale sd of those votes
    national_turnout: bool  # no station of its type counted anywhere: shares the national doubt


@dataclass(frozen=True, slots=True, kw_only=True)
class Constituency:
    """One constituency ready to draw from: counted votes and the uncounted groups."""

    name: str
    magnitude: int
    lists: tuple[str, ...]
    national: Ints  # each list's index among all lists of the release
    swing: Ints  # each list's column in the swing table (`draw_swing`)
    counted: Ints
    groups: tuple[Group, ...]


def _pooled(spreads: Sequence[Spread], settings: Settings) -> Spread:
    """The voting type's spread: every group's estimate pooled with the prior, by stations."""
    k = float(settings.prior_units)
    w = [max(s.units - 1, 0) for s in spreads]
    total = k + sum(w)
    return Spread(units=int(total),
                  icc=(k * settings.station_icc + sum(x * s.icc for x, s in zip(
                      w, spreads, strict=True))) / total,
                  size_cv=(k * settings.size_cv + sum(x * s.size_cv for x, s in zip(
                      w, spreads, strict=True))) / total)


def _shrunk(own: Spread | None, pooled: Spread, settings: Settings) -> Spread:
    """A group's spread: its own estimate shrunk toward its voting type's."""
    if own is None or own.units < 2:
        return pooled
    w, k = float(own.units - 1), float(settings.prior_units)
    return Spread(units=own.units, icc=(w * own.icc + k * pooled.icc) / (w + k),
                  size_cv=(w * own.size_cv + k * pooled.size_cv) / (w + k))


def _size(g: GroupCount) -> tuple[float, float]:
    """The group's (counted, uncounted) size: registered voters if known, else stations."""
    if g.registered is not None and g.registered_uncounted is not None:
        return float(g.registered - g.registered_uncounted), float(g.registered_uncounted)
    return float(g.counted), float(g.uncounted)


def prepare(constituencies: Sequence[PartialCount], magnitudes: Mapping[str, int],
            settings: Settings) -> tuple[tuple[str, ...], tuple[Constituency, ...], int]:
    """Every list of the release, each constituency's counted votes and uncounted groups, and
    how many lists have a national swing of their own to draw (`draw_swing`).

    A list in one uncounted group only has its national error folded into that group's: the
    sum of two independent normal shifts is one normal shift with their variances added, so
    the draws have the same distribution with one normal fewer per list and draw.
    """
    names = tuple(dict.fromkeys(p for c in constituencies for p in c.lists))
    index = {p: i for i, p in enumerate(names)}
    groups = [g for c in constituencies for g in c.groups]
    types = {g.voting_type for g in groups}
    pooled = {t: _pooled([g.spread for g in groups if g.voting_type == t and g.spread],
                         settings) for t in types}
    rate: dict[str, float] = {}
    for t in types:  # votes per registered voter (or per station) where the type is counted
        mine = [g for g in groups if g.voting_type == t and g.counted]
        size = sum(_size(g)[0] for g in mine)
        if size > 0 and all(g.registered_uncounted is not None for g in mine):
            rate[t] = sum(g.counted_votes for g in mine) / size
    made = [tuple(_group(g, c, c.lists, _shrunk(g.spread, pooled[g.voting_type], settings),
                         rate.get(g.voting_type), settings)
                  for g in c.groups if g.uncounted)
            + tuple(_late(g, g.late, c.lists) for g in c.groups
                    if g.late is not None and g.late.share > 0 and g.counted_votes)
            for c in constituencies]
    national = [np.array([index[p] for p in c.lists], dtype=np.int64) for c in constituencies]
    groups_of = np.zeros(len(names), dtype=np.int64)  # uncounted groups each list has votes in
    for ours, where in zip(made, national, strict=True):
        for g in ours:
            np.add.at(groups_of, where[g.centre > 0], 1)
    swung = np.flatnonzero(groups_of > 1)
    column = np.full(len(names), swung.size)  # the last column of the swing table is 1
    column[swung] = np.arange(swung.size)
    out = []
    for c, ours, where in zip(constituencies, made, national, strict=True):
        alone = column[where] == swung.size
        kinds = Counter(g.voting_type for g in ours)
        out.append(Constituency(
            name=c.name, magnitude=magnitudes[c.name], lists=c.lists, national=where,
            swing=column[where],
            counted=np.array([sum(g.votes.get(p, 0) for g in c.groups) for p in c.lists],
                             dtype=np.int64),
            groups=tuple(_shared(replace(g, sigma=np.where(
                alone, np.hypot(g.sigma, settings.national_error), g.sigma)),
                kinds[g.voting_type] > 1, settings) for g in ours)))
    return names, tuple(out), int(swung.size)


def _shared(g: Group, split: bool, settings: Settings) -> Group:
    """A group whose voting type has other uncounted groups in its constituency (areas that
    report at different times) draws the constituency error as one shift common to them all,
    the rest of its sd as its own: the same spread for each group, but the count order moves
    the constituency's areas together rather than letting their errors cancel. A type in one
    group is left as it was, its draws unchanged."""
    if not split:
        return g
    shared = np.minimum(g.sigma, settings.constituency_error)
    return replace(g, sigma=np.sqrt(g.sigma**2 - shared**2), shared=shared)


def draw_swing(rng: np.random.Generator, draws: int, swung: int, settings: Settings
               ) -> NDArray[np.float32]:
    """The national factor on each swung list's share, exp of its log-scale shift (draws ×
    swung lists, then a column of 1 for the lists whose national error is in their group's)."""
    swing = np.ones((draws, swung + 1), dtype=np.float32)
    shift = rng.standard_normal((draws, swung), dtype=np.float32)
    shift *= settings.national_error
    np.exp(shift, out=swing[:, :swung])
    return swing


def _group(g: GroupCount, c: PartialCount, lists: tuple[str, ...], spread: Spread,
           rate: float | None, settings: Settings) -> Group:
    """One uncounted group: expected votes and shares, and how unsure each is."""
    u, s = g.uncounted, g.counted
    heterogeneity = 1.0 + spread.size_cv**2
    if s and g.counted_votes:
        votes = np.array([g.votes.get(p, 0) for p in lists], dtype=np.float64)
        counted_size, uncounted_size = _size(g)
        expected = g.counted_votes * uncounted_size / counted_size
        share = votes / g.counted_votes
        var = ((1 - spread.icc) * (1 / max(expected, 1.0) + 1 / g.counted_votes)
               + spread.icc * heterogeneity * (1 / u + 1 / s))
        sigma_votes = math.sqrt(math.log1p(spread.size_cv**2 * (1 / u + 1 / s))
                                + settings.turnout_error**2)
        lean, national = 0.0, False
    else:  # nothing of this type counted here: other types' shares, turnout from elsewhere
        others = [h for h in c.groups if h.counted_votes]
        if not others:
            raise InputError([Problem(source=c.name, line=None, field=g.voting_type,
                                      message="no votes counted yet; nothing to project from")])
        votes = np.array([sum(h.votes.get(p, 0) for h in others) for p in lists],
                         dtype=np.float64)
        share = votes / votes.sum()
        if g.registered is None:
            raise InputError([Problem(source=c.name, line=None, field=g.voting_type,
                                      message="no station counted and its register is unknown; "
                                      "the votes it holds cannot be estimated")])
        size = float(g.registered if g.registered_uncounted is None else g.registered_uncounted)
        national = rate is None
        expected = size * (settings.turnout if rate is None else rate)
        var = spread.icc * heterogeneity / u + 1 / max(expected, 1.0)
        sigma_votes = math.sqrt(settings.turnout_error**2 + (
            math.log1p((settings.turnout_sd / settings.turnout) ** 2) if national else 0.0))
        lean = settings.type_lean
    with np.errstate(divide="ignore"):
        relative = np.where(share > 0, var * (1 - share) / share, 0.0)
    sigma = np.minimum(np.sqrt(np.log1p(relative) + settings.constituency_error**2 + lean**2),
                       _MAX_SIGMA)
    return Group(centre=share * np.exp(-0.5 * sigma**2), sigma=sigma, voting_type=g.voting_type,
                 expected=expected,
                 sigma_votes=sigma_votes, national_turnout=national)


def _late(g: GroupCount, late: Late, lists: tuple[str, ...]) -> Group:
    """The votes `g` adds after its last station (`GroupCount.late`): a share of its whole
    votes as projected (counted, and the uncounted stations' by the ratio estimator), split
    as its counted votes leaning by `late.lean`. Drawn as a voting type of its own, so that
    the areas of a constituency share its doubt (`_shared`)."""
    counted_size, uncounted_size = _size(g)
    whole = g.counted_votes * (1 + uncounted_size / counted_size) if counted_size else 0.0
    expected = late.share * whole
    votes = np.array([g.votes.get(p, 0) for p in lists], dtype=np.float64)
    weight = votes * np.exp([late.lean.get(p, 0.0) for p in lists])
    share = weight / weight.sum()
    with np.errstate(divide="ignore"):
        relative = np.where(share > 0, (1 - share) / (share * max(expected, 1.0)), 0.0)
    sigma = np.minimum(np.sqrt(np.log1p(relative) + late.sd**2), _MAX_SIGMA)
    return Group(centre=share * np.exp(-0.5 * sigma**2), sigma=sigma,
                 voting_type=f"{g.voting_type} (late)", expected=expected,
                 sigma_votes=late.share_sd, national_turnout=False)


def draw_votes(c: Constituency, rng: np.random.Generator, swing: NDArray[np.float32],
               turnout: Floats, out: Ints) -> None:
    """Complete results for `c` into `out`, one row per draw: counted votes plus each uncounted
    group's, rounded to whole votes.

    `swing` is the chunk's table from `draw_swing`; `turnout` (draws) the national factor on the
    votes of voting types counted nowhere yet.
    """
    n = swing.shape[0]
    votes = np.empty((n, len(c.lists)), dtype=np.float64)
    votes[...] = c.counted
    common: dict[str, NDArray[np.float32]] = {}  # per voting type split in groups: its shift
    for g in c.groups:
        factor = rng.standard_normal(votes.shape, dtype=np.float32)
        factor *= g.sigma.astype(np.float32)
        if g.shared is not None:
            if g.voting_type not in common:
                common[g.voting_type] = rng.standard_normal(votes.shape, dtype=np.float32)
            factor += common[g.voting_type] * g.shared.astype(np.float32)
        np.exp(factor, out=factor)  # a list's own log-normal draw, before its centre
        size = g.expected * np.exp(g.sigma_votes * rng.standard_normal(n)
                                   - 0.5 * g.sigma_votes**2)
        if g.national_turnout:
            size *= turnout
        _add_group(votes, factor, g.centre, swing, c.swing, size)
    np.rint(votes, out=votes)
    out[...] = votes


@numba.njit(nogil=True, cache=True)
def _add_group(votes: Floats, factor: NDArray[np.float32], centre: Floats,
               swing: NDArray[np.float32], column: Ints, size: Floats) -> None:
    """Add one group's votes: each list's weight `factor · centre · swing`, scaled so that the
    weights of a draw sum to its `size`. Compiled: one pass per draw, where NumPy made six."""
    for i in range(votes.shape[0]):
        total = 0.0
        for j in range(votes.shape[1]):
            factor[i, j] *= centre[j] * swing[i, column[j]]
            total += factor[i, j]
        scale = size[i] / total
        for j in range(votes.shape[1]):
            votes[i, j] += factor[i, j] * scale
