"""Station-level results made up from constituency totals — exactly to those totals.

No station-level Iraqi result is public, so the replay builds them. Per constituency, for each
group of stations of one voting type: registers split by a multinomial draw, turnout varying by
station (Beta), ballots split in proportion to registered × turnout; list support a Dirichlet
draw per station around the constituency's shares (rural stations more dispersed, special groups
around shares tilted per list); then the station × list table fitted to both margins and
rounded so that every station's valid votes and every list's total are exact.
docs/replay-model.md gives the details.

Every random draw comes from one generator seeded by the caller, so a replay is reproducible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Ints = NDArray[np.int64]


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    """The stations of one voting type in a constituency: how many, their register, ballots cast.

    Special-vote stations (security forces, displaced people) are counted apart on the night and
    their voters lean differently, so each type is its own group."""

    voting_type: str
    stations: int
    registered: int
    cast: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Stage:
    """A published partial count: the constituency's first `stations` general stations (in the
    order they were counted) gave these lists exactly these votes."""

    name: str
    stations: int
    votes: Mapping[str, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class Totals:
    """What is known (or assumed) of one constituency: its station groups, list votes, invalid
    ballots, and any published partial counts (`stages`, earliest first)."""

    name: str
    groups: tuple[Group, ...]
    votes: Mapping[str, int]
    invalid: int
    stages: tuple[Stage, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Stations:
    """Made-up stations of one constituency: voting type, registered, cast, invalid and votes per
    list (stations × lists)."""

    name: str
    lists: tuple[str, ...]
    voting_type: tuple[str, ...]
    registered: Ints
    cast: Ints
    invalid: Ints
    votes: Ints


def largest_remainder(total: int, weights: Mapping[str, float], *, at_least_one: bool = False
                      ) -> dict[str, int]:
    """`total` units over the keys in proportion to the weights (Hamilton's method, ties by key
    order) — how stations are shared out in proportion to registration. With `at_least_one`,
    every key of positive weight gets one unit first (a camp of five voters still has a
    station)."""
    keys = list(weights)
    w = np.array([weights[k] for k in keys], dtype=np.float64)
    base = (w > 0).astype(np.int64) if at_least_one else np.zeros(len(keys), dtype=np.int64)
    rest = total - int(base.sum())
    if rest < 0 or w.sum() <= 0:
        raise ValueError(f"cannot share {total} units over {keys}")
    exact = rest * w / w.sum()
    floor = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - floor), kind="stable")
    floor[order[:rest - int(floor.sum())]] += 1
    return {k: int(n) for k, n in zip(keys, base + floor, strict=True)}


def split(total: int, weights: NDArray[np.float64], rng: np.random.Generator) -> Ints:
    """`total` over the weights' entries, as integers that add up exactly (a multinomial draw)."""
    p = weights / weights.sum()
    return rng.multinomial(total, p).astype(np.int64)


def fit(rows: Ints, columns: Ints, seed: NDArray[np.float64], rounds: int = 50) -> Ints:
    """An integer table with exactly these row and column sums, close to `seed`'s pattern.

    Iterative proportional fitting gives a real table with both margins; it is floored, and the
    units still missing go one at a time to the cells with the largest fractional parts whose row
    and column both still lack units — every row and column can take one from any other, so this
    always completes.
    """
    table = seed.astype(np.float64).copy() + 1e-12
    for _ in range(rounds):
        table *= _ratio(rows, table.sum(axis=1))[:, None]
        table *= _ratio(columns, table.sum(axis=0))[None, :]
    out = np.floor(table).astype(np.int64)
    row_left = rows - out.sum(axis=1)
    column_left = columns - out.sum(axis=0)
    order = np.argsort(-(table - out), axis=None, kind="stable")
    left = int(row_left.sum())
    while left:
        for cell in order:
            i, j = divmod(int(cell), table.shape[1])
            if row_left[i] > 0 and column_left[j] > 0:
                out[i, j] += 1
                row_left[i] -= 1
                column_left[j] -= 1
                left -= 1
                if not left:
                    break
    return out


def _ratio(want: Ints, have: NDArray[np.float64]) -> NDArray[np.float64]:
    """want ÷ have, 0 where nothing is had (an empty row or column stays empty)."""
    return np.divide(want, have, out=np.zeros_like(have), where=have > 0)


def synthesise(totals: Totals, rng: np.random.Generator, *, cohesion: float = 60.0,
               turnout_sd: float = 0.08, special_lean: float = 0.5,
               rural_share: float = 0.3) -> Stations:
    """Stations whose figures add up exactly to `totals` — and, where partial counts were
    published, whose first stations add up exactly to each stage.

    `special_lean` is the spread (sd of a log-factor per list) by which a special-vote group's
    support departs from the constituency's: security forces and camps do not vote like their
    governorate. A `rural_share` of general stations vary four times as much (concentration
    `cohesion` ÷ 4): a village votes for its tribe's list more than a city district does."""
    if totals.stages:
        blocks = [synthesise(block, rng, cohesion=cohesion, turnout_sd=turnout_sd,
                             special_lean=special_lean, rural_share=rural_share)
                  for block in stage_blocks(totals)]
        return Stations(name=totals.name, lists=blocks[0].lists,
                        voting_type=sum((b.voting_type for b in blocks), ()),
                        **{f: np.concatenate([getattr(b, f) for b in blocks])
                           for f in ("registered", "cast", "invalid", "votes")})
    lists = tuple(totals.votes)
    valid = np.array([totals.votes[p] for p in lists], dtype=np.int64)
    cast_total = sum(g.cast for g in totals.groups)
    if cast_total != int(valid.sum()) + totals.invalid:
        raise ValueError(f"{totals.name}: {cast_total} ballots cast in its stations but "
                         f"{int(valid.sum())} valid + {totals.invalid} invalid")
    shares = valid / valid.sum() if valid.sum() else np.full(len(lists), 1 / len(lists))
    registered, cast, lean, types = [], [], [], []
    for group in totals.groups:
        if group.cast > group.registered:
            raise ValueError(f"{totals.name}: {group.cast} {group.voting_type} ballots cast but "
                             f"{group.registered} registered")
        size = split(group.registered, rng.gamma(20.0, 1.0, group.stations), rng)
        mean = group.cast / group.registered if group.registered else 0.0
        k = max(mean * (1 - mean) / turnout_sd**2 - 1, 1.0)
        turnout = rng.beta(max(mean * k, 1e-3), max((1 - mean) * k, 1e-3), group.stations)
        registered.append(size)
        cast.append(_capped(group.cast, np.asarray(size * turnout, dtype=np.float64), size, rng))
        tilt = (np.ones(len(lists)) if group.voting_type == "general"
                else rng.lognormal(0.0, special_lean, len(lists)))
        lean.append(np.repeat((shares * tilt / (shares * tilt).sum())[None, :], group.stations,
                              axis=0))
        types += [group.voting_type] * group.stations
    all_registered, all_cast = np.concatenate(registered), np.concatenate(cast)
    invalid = _capped(totals.invalid, all_cast.astype(np.float64), all_cast, rng)
    mean_shares = np.concatenate(lean)
    rural = (np.array(types) == "general") & (rng.random(len(types)) < rural_share)
    concentration = np.where(rural, cohesion / 4, cohesion)[:, None]
    draws = rng.standard_gamma(concentration * mean_shares + 1e-3)  # a Dirichlet per station
    pattern = draws / draws.sum(axis=1, keepdims=True) * (all_cast - invalid)[:, None]
    votes = fit(all_cast - invalid, valid, pattern)
    return Stations(name=totals.name, lists=lists, voting_type=tuple(types),
                    registered=all_registered, cast=all_cast, invalid=invalid, votes=votes)


def _capped(total: int, weights: NDArray[np.float64], cap: Ints,
            rng: np.random.Generator) -> Ints:
    """`total` split in proportion to `weights`, no entry above its cap (the excess moved on)."""
    out = split(total, np.maximum(weights, 1e-9), rng)
    over = np.maximum(out - cap, 0)
    while over.any():
        out -= over
        room = cap - out
        out += split(int(over.sum()), room.astype(np.float64) + 1e-9 * (room > 0), rng)
        over = np.maximum(out - cap, 0)
    return out


def stage_blocks(totals: Totals) -> list[Totals]:
    """A staged constituency as consecutive blocks of stations, one per stage and one for the
    rest: each staged list's votes in a block are the published increase, the other lists'
    votes and the invalid ballots are spread in proportion to the block's stations, and
    registers follow ballots (turnout alike across blocks), so every block can be cast."""
    (general,) = totals.groups
    bounds = [0, *(s.stations for s in totals.stages), general.stations]
    sizes = {str(b): bounds[b + 1] - bounds[b] for b in range(len(bounds) - 1)}
    staged = [p for p in totals.votes if all(p in s.votes for s in totals.stages)]
    free = [p for p in totals.votes if p not in staged]
    fixed = np.diff(np.array([[0] * len(staged)]
                             + [[s.votes[p] for p in staged] for s in totals.stages]
                             + [[totals.votes[p] for p in staged]]), axis=0)
    if (fixed < 0).any() or any(s <= 0 for s in sizes.values()):
        raise ValueError(f"{totals.name}: stages must grow, in stations and in votes")
    spread = largest_remainder(sum(totals.votes[p] for p in free), sizes)
    rows = np.array(list(spread.values()), dtype=np.int64)
    columns = np.array([totals.votes[p] for p in free], dtype=np.int64)
    loose = fit(rows, columns, np.outer(rows, columns).astype(np.float64) + 1.0)
    invalid = largest_remainder(totals.invalid, sizes)
    cast = {b: int(fixed[int(b)].sum() + loose[int(b)].sum()) + invalid[b] for b in sizes}
    register = largest_remainder(general.registered, cast)
    return [Totals(name=totals.name,
                   groups=(Group(voting_type=general.voting_type, stations=n,
                                 registered=register[b], cast=cast[b]),),
                   votes=dict(zip(staged + free, [*fixed[int(b)].tolist(),
                                                  *loose[int(b)].tolist()], strict=True)),
                   invalid=invalid[b])
            for b, n in sizes.items()]
