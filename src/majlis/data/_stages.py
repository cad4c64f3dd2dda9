"""The certification timelines bundled as examples: each published stage of an election's seat
table as a stage file (`majlis certify add` reads the same format), with its kind, day and
source (`iraq/certification/`)."""

from __future__ import annotations

from dataclasses import dataclass

from ._files import path, rows, unknown

FOLDER = "iraq/certification"


@dataclass(frozen=True, slots=True, kw_only=True)
class BundledStage:
    """One published stage: its place in the timeline, and the file holding its table."""

    election: str
    number: int
    kind: str
    name: str
    published_on: str
    file: str  # e.g. iraq/certification/iraq2025_3_ruling.csv
    source: str  # the source keys of iraq/README.md (and its extra/) it was copied from

    def text(self) -> str:
        return path(self.file).read_text(encoding="utf-8")


def _bundled() -> tuple[BundledStage, ...]:
    return tuple(BundledStage(election=r["election"], number=int(r["stage"]), kind=r["kind"],
                              name=r["name"], published_on=r["published_on"],
                              file=f"{FOLDER}/{r['file']}", source=r["source"])
                 for r in rows(f"{FOLDER}/stages.csv"))


CERTIFIED: tuple[str, ...] = tuple(dict.fromkeys(s.election for s in _bundled()))


def certification(election: str) -> tuple[BundledStage, ...]:
    """An election's bundled stages, first first; InputError for an election without any."""
    found = tuple(s for s in _bundled() if s.election == election)
    if not found:
        raise unknown("election", f"no bundled certification timeline for {election!r}; "
                      f"there are: {', '.join(CERTIFIED)}")
    return found
