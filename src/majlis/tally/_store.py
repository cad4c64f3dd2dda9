"""The tally store: sheets in (checked, hash-chained, append-only), results out, in SQL.

One public class composed of rooms, each in its own module: the footing (`_base`: database,
schema, election), the register (`_register`), counting devices and their signatures
(`_devices`), sheets in (`_intake`), the results centre's desk (`_desk`: entries keyed twice,
settled, queued), the chain (`_chain`), results and releases out (`_published`), and the
audit log and revoked tokens (`_journal`, `_log`). Each batch of sheets is one transaction,
so a crash leaves every sheet wholly in or wholly out, and its line in the audit log with it.
"""

from __future__ import annotations

from ._chain import Chain
from ._desk import Desk
from ._journal import Journal
from ._published import Published


class Store(Desk, Chain, Published, Journal):
    """A tally store at a database URL, working on one of its elections (by name).

    `unregistered_ceiling`: the most ballots a station registered with no voters may report
    (rule `within-register`). `busy_timeout`: how long a SQLite writer waits for another."""
