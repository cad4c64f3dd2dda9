"""Clean nights, simulated: what a count without fraud looks like at these stations, drawn with
the replay's model (docs/replay-model.md) around the night's own figures, many nights at once.

Station registers are kept as they are, and so are the night's totals, as the replay keeps its
constituencies' (a clean night differs from the observed one station by station, never in what
was published): per constituency and voting type, the ballots cast shared over the stations by
register × a Beta turnout, the invalid ones by ballots cast, list support a Dirichlet draw around
the group's list shares (a share of general stations rural and four times as dispersed), and the
station × list table fitted to the list totals and rounded, largest remainders first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]


@dataclass(frozen=True, slots=True, kw_only=True)
class CleanModel:
    """The clean night's spreads: the replay's own defaults (`majlis.replay.synthesise`), so a
    replayed night is clean by construction."""

    cohesion: float = 60.0
    rural_share: float = 0.3
    turnout_sd: float = 0.08


CLEAN = CleanModel()


@dataclass(frozen=True, slots=True, kw_only=True)
class Block:
    """One constituency's stations as arrays, for one night or many (the leading axis):
    registered (stations), group (stations: the voting type's index in `types`), cast and invalid
    (nights × stations), votes (nights × stations × lists)."""

    name: str
    codes: tuple[str, ...]
    centres: tuple[str, ...]
    types: tuple[str, ...]
    lists: tuple[str, ...]
    general: int  # index of the general voting type in `types`, -1 if none
    group: Ints
    registered: Ints
    cast: Ints
    invalid: Ints
    votes: Ints


def simulate(block: Block, nights: int, rng: np.random.Generator, model: CleanModel,
             rounds: int = 2) -> Block:
    """`nights` clean nights at `block`'s stations, around its observed (first) night, drawn
    as the replay draws its stations from a constituency's totals (`replay.synthesise`), the
    registers kept: each voting type's ballots cast shared over its stations in proportion to
    register × a Beta turnout (none above its register), its invalid ballots in proportion to
    ballots cast, and each station's valid votes by a Dirichlet draw, the station × list table
    then fitted (`rounds` of proportional fitting: two reach the
    rounding's own error) to the night's list totals and rounded."""
    n, lists = len(block.codes), len(block.lists)
    reg = block.registered
    cast = np.zeros((nights, n), dtype=np.int64)
    invalid = np.zeros((nights, n), dtype=np.int64)
    shares = np.zeros((n, lists))
    for g in range(len(block.types)):
        at = block.group == g
        ballots, spoilt = int(block.cast[0, at].sum()), int(block.invalid[0, at].sum())
        m = ballots / max(int(reg[at].sum()), 1)
        k = max(m * (1 - m) / model.turnout_sd**2 - 1, 1.0)
        turnout = rng.beta(max(m * k, 1e-3), max((1 - m) * k, 1e-3), (nights, int(at.sum())))
        cast[:, at] = _shared(ballots, reg[at] * turnout, reg[at], rng)
        invalid[:, at] = _shared(spoilt, cast[:, at].astype(np.float64), cast[:, at], rng)
        votes = block.votes[0, at].sum(axis=0).astype(np.float64)
        shares[at] = votes / votes.sum() if votes.sum() else 1 / lists
    valid = cast - invalid
    rural = (block.group == block.general) & (rng.random((nights, n)) < model.rural_share)
    concentration = np.where(rural, model.cohesion / 4, model.cohesion)[..., None]
    draws = rng.standard_gamma(concentration * shares[None] + 1e-3)
    exact = draws / draws.sum(axis=2, keepdims=True) * valid[..., None] + 1e-12
    columns = block.votes[0].sum(axis=0).astype(np.float64)
    for _ in range(rounds):  # the replay's `fit`: station totals and list totals both kept
        exact *= _ratio(valid.astype(np.float64), exact.sum(axis=2))[..., None]
        exact *= _ratio(columns[None, :], exact.sum(axis=1))[:, None, :]
    exact *= _ratio(valid.astype(np.float64), exact.sum(axis=2))[..., None]
    votes = np.floor(exact).astype(np.int64)
    short = valid - votes.sum(axis=2)  # each station's own: largest fractional parts first
    order = np.argsort(votes - exact, axis=2, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(lists)[None, None, :], axis=2)
    votes += rank < short[..., None]
    return Block(name=block.name, codes=block.codes, centres=block.centres, types=block.types,
                 lists=block.lists, general=block.general, group=block.group, registered=reg,
                 cast=cast, invalid=invalid, votes=votes)


def _shared(total: int, weights: Floats, cap: Ints, rng: np.random.Generator) -> Ints:
    """`total` shared over the stations in proportion to `weights` (nights × stations), by a
    multinomial draw per night, none above its `cap`: the excess moved on to the stations with
    room, as the replay's `_capped` does."""
    w = np.maximum(weights, 1e-9)
    if total > int(cap.sum()):  # more cast than registered (a night to examine): no cap
        cap = np.full_like(cap, total)
    out = rng.multinomial(total, w / w.sum(axis=1, keepdims=True)).astype(np.int64)
    over = np.maximum(out - cap, 0)
    while over.any():
        out -= over
        room = (cap - out).astype(np.float64) + 1e-9 * (cap > out)
        out += rng.multinomial(over.sum(axis=1), room / room.sum(axis=1, keepdims=True))
        over = np.maximum(out - cap, 0)
    return out


def _ratio(want: Floats, have: Floats) -> Floats:
    """want ÷ have, 0 where nothing is had (an empty station or list stays empty)."""
    return np.divide(want, have, out=np.zeros(np.broadcast(want, have).shape), where=have > 0)
