"""The conformance battery every law and preset passes (`check_law`)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from majlis.law import (
    Allocation,
    DivisorRule,
    DivisorSeries,
    Election,
    Law,
    LevellingTier,
    RemainderPool,
    allocate,
    allocate_batch,
)


def check_law(election: Election, law: Law, *, seed: int = 7) -> Allocation:
    """Seats fill every constituency, thresholds hold, list order and reruns change nothing,
    and the vector path agrees with the exact one."""
    result = allocate(election, law, seed=seed)
    pooled = isinstance(law.tier, RemainderPool)
    for c, r in zip(election.constituencies, result.constituencies, strict=True):
        if r.mixed is not None:  # a mixed-member house: wins counted elsewhere, overhang
            assert sum(r.seats.values()) == r.mixed.house, c.name
            assert all(r.seats[p] == r.mixed.wins.get(p, 0)
                       for p in c.votes if p not in r.mixed.entitlement), c.name
            continue
        if pooled and c.name not in law.reserved:  # whole quotas here, the rest from the pool
            assert sum(r.seats.values()) <= c.magnitude, c.name
        else:
            assert sum(r.seats.values()) == c.magnitude, c.name
        assert all(r.seats[p] == 0 for p in c.votes if p not in r.qualified), c.name
        assert all(s >= 0 for s in r.seats.values())
    if pooled:
        assert sum(result.totals().values()) == sum(c.magnitude for c in election.constituencies)
    if isinstance(law.tier, LevellingTier) and result.tier is not None:
        for name, placed in result.tier.placed.items():
            c = next(x for x in election.constituencies if x.name == name)
            expected = law.tier.seats_per_constituency if c.tier_seats is None else c.tier_seats
            assert sum(placed.values()) == expected, name
    reversed_lists = replace(election, constituencies=tuple(
        replace(c, votes=dict(reversed(list(c.votes.items()))))
        for c in election.constituencies))
    assert allocate(reversed_lists, law, seed=seed).totals() == result.totals()
    assert allocate(election, law, seed=seed) == result
    _vector_agrees(result, law)
    return result


def _vector_agrees(result: Allocation, law: Law) -> None:
    """Where the law's rule is a divisor series, the NumPy path gives the same seats (in
    constituencies where no agreement pooled votes: the vector path counts lists alone; never
    under a biproportional law, which counts no constituency alone)."""
    if law.biproportional is not None:
        return
    if not isinstance(law.rule, DivisorRule) or not isinstance(law.rule.series, DivisorSeries):
        return
    rows = [c for c in result.constituencies if c.community is None and c.mixed is None]
    if not rows:
        return
    width = max(len(c.votes) for c in rows)
    votes = np.zeros((len(rows), width), dtype=np.int64)
    for i, c in enumerate(rows):
        votes[i, :len(c.votes)] = [v if p in c.qualified else 0 for p, v in c.votes.items()]
    batch = allocate_batch(votes, [c.magnitude for c in rows], law.rule.series)
    for i, c in enumerate(rows):
        if not batch.tied[i] and not c.agreements and c.bonus is None:
            assert list(batch.seats[i, :len(c.votes)]) == list(c.seats.values()), c.name
