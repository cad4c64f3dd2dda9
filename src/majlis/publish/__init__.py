"""Publication: what a results desk prints and posts, made from the core's values.

Charts of a projection (`plot_seats`, `plot_last_seats`) are matplotlib figures on the Agg
canvas, made without pyplot's global state; the caller saves them as PNG or SVG.
`release_count` turns a published release into what the forecast reads.
"""

from ._charts import plot_last_seats, plot_seats
from ._release import release_count

__all__ = ["plot_last_seats", "plot_seats", "release_count"]
