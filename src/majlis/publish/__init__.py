"""Publication: what a results desk prints and posts, made from the core's values.

Charts of a projection (`plot_seats`, `plot_last_seats`) are matplotlib figures on the Agg
canvas, made without pyplot's global state; the caller saves them as PNG or SVG. matplotlib is
loaded when a chart is first asked for, not by every command that imports this package.
`release_count` turns a published release into what the forecast reads. `compose_bulletin`
states a release's facts as a wire story tells them, each citing its release, and
`render_bulletin` writes them in Arabic or English through a template a translator edits.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ._bulletin import Bulletin, compose_bulletin, render_bulletin
from ._release import release_count

if TYPE_CHECKING:
    from ._charts import plot_last_seats, plot_seats

__all__ = ["Bulletin", "compose_bulletin", "plot_last_seats", "plot_seats", "release_count",
           "render_bulletin"]


def __getattr__(name: str) -> object:
    if name in ("plot_last_seats", "plot_seats"):
        return getattr(importlib.import_module("._charts", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
