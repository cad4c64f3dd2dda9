"""Publication: what a results desk prints and posts, made from the core's values.

Charts (`plot_hemicycle`, `plot_votes_seats` of a seat table; `plot_fan`, `plot_seats`,
`plot_last_seats` of a projection) are matplotlib figures on the Agg canvas, made without
pyplot's global state, in Arabic or English; `encode_chart` writes them as PNG or SVG.
matplotlib is loaded when a chart is first asked for, not by every command that imports this
package.
`release_count` turns a published release into what the forecast reads. `represent`,
`women_seats` and `minority_seats` are the representation reports of an allocation:
disproportionality and fragmentation (exact), the women seated and the men they displaced, and
the reserved seats. `release_tables` and `export_release` write a release's tables as CSV or
Parquet (pyarrow, loaded when first needed). `compose_bulletin`
states a release's facts as a wire story tells them, each citing its release, and
`render_bulletin` writes them in Arabic or English through a template a translator edits.
`release_cdf` writes a release as an NIST SP 1500-100 Common Data Format report (`encode_cdf`
makes its JSON). `make_protocol` makes a release's results protocol (PDF, Arabic or English,
per constituency or national) once and keeps it in the store; `verify_protocol` checks a
protocol file against the store. `style_lists` gives each list its Arabic and English names
and the one colour the dashboard, the charts and the CDF export all show it in.
The audits of the count over a tally store, as `majlis audit` prints them and the API serves
them: `compare_store` (hand against machine), `plan_store` and `measure_store` (the
risk-limiting audit of the seats), `poll_store` (ballot polling), `examine_store`
(forensics), each with its JSON report (`comparison_report`, `plan_report`,
`measurement_report`, `polling_report`, `forensics_report`); `tolerance_of` and
`risk_limit_of` read the figures as people write them (`2%`, `0.05`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ._audit import (
    Genders,
    PollingAudit,
    Seated,
    compare_store,
    comparison_report,
    examine_store,
    forensics_report,
    genders_of,
    measure_store,
    measurement_report,
    plan_report,
    plan_store,
    poll_store,
    polling_report,
    regions_of,
    risk_limit_of,
    tolerance_of,
)
from ._bulletin import Bulletin, compose_bulletin, render_bulletin
from ._cdf import CDF_ISSUER, COUNT_ITEM_TYPES, encode_cdf, release_cdf
from ._choices import BulletinFormat, ChartFormat, ChartKind, Language
from ._export import ExportFormat, ExportTable, encode_table, export_release, release_tables
from ._lists import ListStyle, known_lists, style_lists
from ._protocol import ProtocolCheck, make_protocol, protocol_pdf, verify_protocol
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
    from ._charts import (
        encode_chart,
        plot_fan,
        plot_hemicycle,
        plot_last_seats,
        plot_seats,
        plot_votes_seats,
        release_chart,
    )

__all__ = [
    "CDF_ISSUER",
    "COUNT_ITEM_TYPES",
    "Bulletin",
    "BulletinFormat",
    "ChartFormat",
    "ChartKind",
    "Disproportionality",
    "ExportFormat",
    "ExportTable",
    "Genders",
    "Language",
    "ListStyle",
    "MinoritySeat",
    "PollingAudit",
    "ProtocolCheck",
    "Representation",
    "Seated",
    "WomenSeats",
    "compare_store",
    "comparison_report",
    "compose_bulletin",
    "disproportionality",
    "encode_cdf",
    "encode_chart",
    "encode_table",
    "examine_store",
    "export_release",
    "forensics_report",
    "genders_of",
    "known_lists",
    "make_protocol",
    "measure_store",
    "measurement_report",
    "minority_seats",
    "plan_report",
    "plan_store",
    "plot_fan",
    "plot_hemicycle",
    "plot_last_seats",
    "plot_seats",
    "plot_votes_seats",
    "poll_store",
    "polling_report",
    "protocol_pdf",
    "regions_of",
    "release_cdf",
    "release_chart",
    "release_count",
    "release_tables",
    "render_bulletin",
    "represent",
    "risk_limit_of",
    "style_lists",
    "tolerance_of",
    "verify_protocol",
    "women_seats",
]


_CHARTS = ("encode_chart", "plot_fan", "plot_hemicycle", "plot_last_seats", "plot_seats",
           "plot_votes_seats", "release_chart")


def __getattr__(name: str) -> object:
    if name in _CHARTS:
        return getattr(importlib.import_module("._charts", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
