"""Election night, replayed: station-level results made up from official constituency totals,
and the night played into a tally store wave by wave — or a real night, as it was published."""

from collections.abc import Callable, Mapping

from majlis.errors import InputError, Problem

from ._areas import by_area
from ._build import Candidate, Replay, build, write
from ._fill import Filled, Published, fill, minor_lists
from ._iraq import iraq_2010, iraq_2025
from ._night import Correction, Reported, Wave, play, register, script, wire
from ._plan import Plan, Provenance
from ._real import NIGHTS, UNITS, Night, Snapshot, real, register_night, units, waves
from ._synthesis import Group, Stage, Stations, Totals, fit, synthesise

PLANS: Mapping[str, Callable[[], Plan]] = {"iraq-2025": iraq_2025, "iraq-2010": iraq_2010}


def plan(name: str) -> Plan:
    """A bundled election's replay plan by name (`majlis replay build NAME`); a name without
    one is the caller's mistake (InputError)."""
    if name not in PLANS:
        raise InputError([Problem(source="bundled data", line=None, field="replay",
                                  message=f"no replay for {name!r}; one of: {', '.join(PLANS)}")])
    return PLANS[name]()


__all__ = [
    "NIGHTS",
    "PLANS",
    "UNITS",
    "Candidate",
    "Correction",
    "Filled",
    "Group",
    "Night",
    "Plan",
    "Provenance",
    "Published",
    "Replay",
    "Reported",
    "Snapshot",
    "Stage",
    "Stations",
    "Totals",
    "Wave",
    "build",
    "by_area",
    "fill",
    "fit",
    "minor_lists",
    "plan",
    "play",
    "real",
    "register",
    "register_night",
    "script",
    "synthesise",
    "units",
    "waves",
    "wire",
    "write",
]
