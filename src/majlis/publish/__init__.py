"""Publication: what a results desk prints and posts, made from the core's values.

Charts of a projection (`plot_seats`, `plot_last_seats`) are matplotlib figures on the Agg
canvas, made without pyplot's global state; the caller saves them as PNG or SVG. matplotlib is
loaded when a chart is first asked for, not by every command that imports this package.
`release_count` turns a published release into what the forecast reads. `represent`,
`women_seats` and `minority_seats` are the representation reports of an allocation:
disproportionality and fragmentation (exact), the women seated and the men they displaced, and
the reserved seats. `release_tables` and `export_release` write a release's tables as CSV or
Parquet (pyarrow, loaded when first needed). `compose_bulletin`
states a release's facts as a wire story tells them, each citing its release, and
`render_bulletin` writes them in Arabic or English through a template a translator edits.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ._bulletin import Bulletin, compose_bulletin, render_bulletin
from ._export import ExportFormat, ExportTable, encode_table, export_release, release_tables
from ._release import release_count
from ._representation import (
    Disproportionality,
    MinoritySeat,
    Representation,
    WomenSeats,
    disproportionality,
    minority_seats,
    represent,
    women_seats,
)

if TYPE_CHECKING:
    from ._charts import plot_last_seats, plot_seats

__all__ = [
    "Bulletin",
    "Disproportionality",
    "ExportFormat",
    "ExportTable",
    "MinoritySeat",
    "Representation",
    "WomenSeats",
    "compose_bulletin",
    "disproportionality",
    "encode_table",
    "export_release",
    "minority_seats",
    "plot_last_seats",
    "plot_seats",
    "release_count",
    "release_tables",
    "render_bulletin",
    "represent",
    "women_seats",
]


def __getattr__(name: str) -> object:
    if name in ("plot_last_seats", "plot_seats"):
        return getattr(importlib.import_module("._charts", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
