"""Clean nights, simulated: what a count without fraud looks like at these stations, drawn with
the replay's model (docs/replay-model.md) around the night's own figures, many nights at once.

Station registers are kept as they are; per constituency and voting type, turnout is a Beta
draw around the group's turnout, invalid ballots a binomial share of ballots cast, list support
a Dirichlet draw around the group's list shares (a share of general stations rural and four
times as dispersed), and the valid ballots shared by it and rounded, largest remainders first, as
the replay rounds its table.
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


def simulate(block: Block, nights: int, rng: np.random.Generator, model: CleanModel) -> Block:
    """`nights` clean nights at `block`'s stations, around its observed (first) night."""
    n, lists = len(block.codes), len(block.lists)
    reg = block.registered
    mean_turnout, invalid_rate = np.zeros(n), np.zeros(n)
    shares = np.zeros((n, lists))
    for g in range(len(block.types)):
        at = block.group == g
        ballots, spoilt = int(block.cast[0, at].sum()), int(block.invalid[0, at].sum())
        mean_turnout[at] = min(ballots / max(int(reg[at].sum()), 1), 1.0)
        invalid_rate[at] = spoilt / ballots if ballots else 0.0
        votes = block.votes[0, at].sum(axis=0).astype(np.float64)
        shares[at] = votes / votes.sum() if votes.sum() else 1 / lists
    m = np.clip(mean_turnout, 1e-3, 1 - 1e-3)
    k = np.maximum(m * (1 - m) / model.turnout_sd**2 - 1, 1.0)
    turnout = rng.beta(m * k, (1 - m) * k, (nights, n))
    cast = rng.binomial(reg, turnout).astype(np.int64)
    invalid = rng.binomial(cast, invalid_rate).astype(np.int64)
    valid = cast - invalid
    rural = (block.group == block.general) & (rng.random((nights, n)) < model.rural_share)
    concentration = np.where(rural, model.cohesion / 4, model.cohesion)[..., None]
    draws = rng.standard_gamma(concentration * shares[None] + 1e-3)
    exact = draws / draws.sum(axis=2, keepdims=True) * valid[..., None]
    votes = np.floor(exact).astype(np.int64)
    short = valid - votes.sum(axis=2)  # as the replay rounds: largest fractional parts first
    order = np.argsort(votes - exact, axis=2, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(lists)[None, None, :], axis=2)
    votes += rank < short[..., None]
    return Block(name=block.name, codes=block.codes, centres=block.centres, types=block.types,
                 lists=block.lists, general=block.general, group=block.group, registered=reg,
                 cast=cast, invalid=invalid, votes=votes)
