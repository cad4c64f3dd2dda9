"""A threshold's fallback on every draw at once, for `allocate_draws`: while the lists over
the threshold hold the fallback's share of the votes or less, the next lists by votes are
admitted (lists with equal votes together), nationally or in each constituency as the first
condition is measured — `Threshold._fall_back` draw by draw, in integers.

The order is the votes' alone (no tie rule decides it), so nothing needs certifying; a draw
whose votes times the share's terms would pass int64 is left to `allocate` whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numba
import numpy as np
from numpy.typing import NDArray

from ._draws_blocs import base_of
from ._threshold import Base, Scope, Threshold, VoteShare

if TYPE_CHECKING:
    from ._draws import _Count

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]


def fall_back(count: _Count, threshold: Threshold, taking: Bools) -> None:
    """Widen `taking` (constituency × draw × list: the lists in each general constituency's
    count) by `threshold`'s fallback, on every draw of `count`."""
    assert threshold.fallback is not None
    num, den = threshold.fallback.numerator, threshold.fallback.denominator
    first = threshold.conditions[0]
    basis = first.base if isinstance(first, VoteShare) else Base.VALID
    cs = count.election.constituencies
    bases = {k: base_of(count.votes[k].sum(axis=1), cs[k], basis) for k in count.general}
    if isinstance(first, VoteShare) and first.scope is Scope.CONSTITUENCY:
        for k in count.general:
            width = len(cs[k].votes)
            admitted = taking[k, :, :width]
            taking[k, :, :width] |= _admit(count.votes[k, :, :width], admitted,
                                           np.ones(width, dtype=np.bool_), bases[k], num, den,
                                           count.uncertain)
        return
    national = count._national()
    present = np.zeros(national.shape[1], dtype=np.bool_)  # lists of the general count
    for k in count.general:
        present[count.columns[k]] = True
    admitted = np.zeros(national.shape, dtype=np.bool_)
    for k in count.general:
        admitted[:, count.columns[k]] |= taking[k, :, : len(cs[k].votes)]
    base = np.zeros(count.n, dtype=np.int64)
    for x in bases.values():
        base += x
    new = _admit(national, admitted, present, base, num, den, count.uncertain)
    for k in count.general:
        taking[k, :, : len(cs[k].votes)] |= new[:, count.columns[k]]


def _admit(votes: Ints, admitted: Bools, present: Bools, base: Ints, num: int, den: int,
           refused: Bools) -> Bools:
    """Draw × list: the lists the fallback admits beside `admitted`, among those `present`
    (votes: draw × list, the group's; `base`: the group's base by draw, as `Base.of` counts
    it); a draw past int64 is `refused`."""
    new = np.zeros(votes.shape, dtype=np.bool_)
    _admit_each(np.ascontiguousarray(votes), np.ascontiguousarray(admitted), present,
                np.ascontiguousarray(base, dtype=np.int64), num, den, new, refused)
    return new


@numba.njit(nogil=True, cache=True)
def _admit_each(votes: Ints, admitted: Bools, present: Bools, bases: Ints, num: int, den: int,
                new: Bools, refused: Bools) -> None:
    """Each draw: the waiting lists, most votes first, admitted while the lists in hold no
    more than num / den of the base, or while they have the last one admitted's votes."""
    for i in range(votes.shape[0]):
        base = bases[i]
        held = 0
        for j in range(votes.shape[1]):
            if present[j] and admitted[i, j]:
                held += votes[i, j]
        if max(base, held) >= 2**62 // max(num, den, 1):
            refused[i] = True
            continue
        last = -1
        for j in np.argsort(-votes[i]):
            if not present[j] or admitted[i, j]:
                continue
            if held * den > base * num and votes[i, j] != last:
                break
            new[i, j] = True
            last = votes[i, j]
            held += last
