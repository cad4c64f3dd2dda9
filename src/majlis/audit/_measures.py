"""What each forensic test measures on a night — on the observed one and on every simulated
clean one alike (arrays with a leading nights axis), so observed and clean are measured by the
same code."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._simulate import Block, Floats, Ints

Bools = NDArray[np.bool_]

# Benford's law for the second digit: P(d) = Σ over first digits k of log10(1 + 1 / (10k + d)).
SECOND_DIGIT = np.array([sum(np.log10(1 + 1 / (10 * k + d)) for k in range(1, 10))
                         for d in range(10)])
LAST_DIGIT = np.full(10, 0.1)
ROUND_STEP = 20  # round percentages: multiples of 100 % ÷ 20 = 5 %
CORNER_Z = 2.0  # a fingerprint's upper-right smear: turnout and leader's share both this high
MAD_FLOOR = 0.01  # the least spread a station's share or turnout is measured against
BINS = 10  # the fingerprint's histogram: 10 × 10 bins of turnout and leader's share


@dataclass(frozen=True, slots=True, kw_only=True)
class Measures:
    """One constituency's measures, per night (and per station where a test flags stations)."""

    last_digit: Floats  # nights: χ² of last digits against uniform
    second_digit: Floats  # nights: χ² of second digits against Benford's law
    round_share: Floats  # nights: share of stations with a round turnout or leader's share
    corner_share: Floats  # nights: share of stations in the fingerprint's upper-right smear
    outlier: Floats  # nights × stations: largest robust z-score of the station's figures
    both_round: Bools  # nights × stations: turnout and leader's share both round
    corner: Bools  # nights × stations: in the upper-right smear
    histogram: Ints  # nights × BINS × BINS: stations by turnout (rows) and leader's share


def measure(block: Block) -> Measures:
    """Every test's measure of `block`, night by night."""
    votes = block.votes
    counted = votes >= 10
    last = _chi2(_digit_counts(votes % 10, counted), LAST_DIGIT)
    second = _chi2(_digit_counts(second_digit(votes), counted), SECOND_DIGIT)
    valid = block.cast - block.invalid
    reg = np.broadcast_to(np.maximum(block.registered, 1), block.cast.shape)
    leader = int(np.argmax(votes[0].sum(axis=0))) if votes.shape[2] else 0
    top = votes[..., leader] if votes.shape[2] else np.zeros_like(valid)
    round_turnout = is_round(block.cast, np.broadcast_to(block.registered, reg.shape)) & (
        block.cast > 0)
    round_leader = is_round(top, valid) & (top > 0)
    turnout = block.cast / reg
    share = np.divide(votes, valid[..., None], out=np.zeros(votes.shape),
                      where=valid[..., None] > 0)
    invalid = np.divide(block.invalid, block.cast, out=np.zeros(valid.shape), where=block.cast > 0)
    features = np.concatenate([turnout[:, None], invalid[:, None], share.transpose(0, 2, 1)],
                              axis=1)
    z = robust_z(features, block.group)
    corner = (z[:, 0] > CORNER_Z) & (z[:, 2 + leader] > CORNER_Z) if votes.shape[2] else (
        np.zeros(valid.shape, dtype=bool))
    rows = np.minimum((np.clip(turnout, 0, 1) * BINS).astype(np.int64), BINS - 1)
    columns = np.minimum((share[..., leader] * BINS).astype(np.int64), BINS - 1) if (
        votes.shape[2]) else np.zeros_like(rows)
    cells = rows * BINS + columns + BINS * BINS * np.arange(len(valid))[:, None]
    histogram = np.bincount(cells.ravel(), minlength=len(valid) * BINS * BINS).reshape(
        len(valid), BINS, BINS)
    return Measures(last_digit=last, second_digit=second,
                    round_share=(round_turnout | round_leader).mean(axis=1),
                    corner_share=corner.mean(axis=1), outlier=np.abs(z).max(axis=1),
                    both_round=round_turnout & round_leader, corner=corner, histogram=histogram)


def second_digit(counts: Ints) -> Ints:
    """The second digit of each count (meaningful from 10 up): the count cut to its first two
    digits, mod 10 — in integers, so 1000 is not read as 999.99…"""
    two = counts.copy()
    while (two >= 100).any():
        two = np.where(two >= 100, two // 10, two)
    return two % 10


def is_round(part: Ints, whole: Ints) -> Bools:
    """Whether part ÷ whole is a round percentage as a count can give it: the nearest whole
    number to a multiple of 5 % of `whole`, i.e. |20·part − k·whole| ≤ 10 for some integer k."""
    w = np.maximum(whole, 1)
    r = (ROUND_STEP * part) % w
    return (np.minimum(r, w - r) <= ROUND_STEP // 2) & (whole > 0)


def robust_z(features: Floats, group: Ints) -> Floats:
    """(x − median) ÷ (1.4826 × MAD) of each feature (nights × features × stations) among the
    stations of the same voting type (the constituency is the block), night by night. The scale
    is at least one percentage point: a list nobody votes for has a MAD of nought, and a vote
    for it is no outlier."""
    z = np.zeros_like(features)
    for g in np.unique(group):
        at = group == g
        x = np.ascontiguousarray(features[:, :, at])
        median = np.median(x, axis=2, keepdims=True)
        mad = np.median(np.abs(x - median), axis=2, keepdims=True)
        z[:, :, at] = (x - median) / np.maximum(1.4826 * mad, MAD_FLOOR)
    return z


def _digit_counts(digits: Ints, counted: Bools) -> Ints:
    """How often each digit 0–9 occurs among the counted cells, per night."""
    nights = len(digits)
    cells = (digits + 10 * np.arange(nights)[:, None, None])[counted]
    return np.bincount(cells, minlength=10 * nights).reshape(nights, 10)


def _chi2(observed: Ints, expected: Floats) -> Floats:
    """Pearson's χ² of the digit counts against the expected shares (0 where nothing counts)."""
    total = observed.sum(axis=1, keepdims=True)
    want = total * expected[None, :]
    terms: Floats = np.divide((observed - want) ** 2, want, out=np.zeros(want.shape),
                              where=want > 0)
    return np.asarray(terms.sum(axis=1), dtype=np.float64)
