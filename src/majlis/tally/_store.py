"""The tally store: sheets in (checked, hash-chained, append-only), results out, in SQL.

One public class composed of rooms, each in its own module: the footing (`_base`: database,
schema, election), the register (`_register`), counting devices and their signatures
(`_devices`), sheets in (`_intake`), the results centre's desk (`_desk`: entries keyed twice;
`_supervision`: settled, queued; `_cases`: complaints and audits), the chain streamed for its
check by `audit.verify_chain` (`_chain`), results and releases out (`_published`), the results
protocols kept for each release (`_protocols`), the certification timeline's stages
(`_certify`), and the audit log and revoked tokens (`_journal`, `_log`). Each batch of sheets
is one transaction, so a crash leaves every sheet wholly in or wholly out, and its line in the
audit log with it.
"""

from __future__ import annotations

from ._cases import Cases
from ._certify import Certification
from ._chain import Chain
from ._journal import Journal
from ._protocols import Protocols
from ._published import Published


class Store(Cases, Chain, Protocols, Published, Certification, Journal):
    """A tally store at a database URL, working on one of its elections (by name).

    `unregistered_ceiling`: the most ballots a station registered with no voters may report
    (rule `within-register`). `busy_timeout`: how long a SQLite writer waits for another, and
    a batch of sheets for a database server that dropped its connection (a restart) to answer
    again."""
