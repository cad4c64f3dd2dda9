"""What a replay is built from: each constituency's totals, and where every figure came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ._synthesis import Totals


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    """One figure of the plan: official (with its source) or synthesised (with how)."""

    constituency: str
    figure: str
    value: int
    status: str  # "official", "derived" (arithmetic on official figures) or "synthesised"
    how: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """An election to replay: the law it is counted under, each constituency's totals, the
    candidates' rules, and the provenance of every figure."""

    name: str
    law: str
    day: str
    zone: str  # the IANA time zone the night's clock keeps, e.g. "Asia/Baghdad"
    constituencies: tuple[Totals, ...]
    magnitudes: Mapping[str, int]
    centre_size: float  # stations per polling centre, where the number of centres is not known
    women_share: float
    provenance: tuple[Provenance, ...]
    stages: tuple[str, ...] = ()  # the published partial counts, in order
    centres: int = 0  # general-vote polling centres nationally, when published
    reserved: frozenset[str] = frozenset()  # contests whose entries are candidates (SNTV)
