"""Who wrote: the caller a store acts for, the lines of the audit log it writes for every write
and sign-in, and the revoked tokens — kept in the store, so that every worker of a service sees
the same log and refuses the same tokens.

A line is written in the transaction of the write it records, so a write rolled back leaves no
line claiming it; a refused or failed write gets a line of its own afterwards. A line never holds
a password, a token or a password hash: the callers hand over names, addresses and what was
done.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ._schema import AuditRow

__all__ = ["OUTCOMES", "AuditLine", "Caller", "clean", "listed", "now", "stamp", "write_line"]

OUTCOMES = ("success", "refused", "failed")  # done; refused (the user's mistake); failed
SUBJECT_LENGTH = 2_000  # what a line says it was done to, at most (longer is cut)


@dataclass(frozen=True, slots=True, kw_only=True)
class Caller:
    """Who a store acts for: the signed-in user and role, the address they came from and the
    route or command (`action`) they used."""

    user: str
    role: str = ""
    address: str = "local"
    action: str = ""

    @classmethod
    def local(cls, action: str = "") -> Caller:
        """The person at this machine's terminal, by their login name."""
        try:
            user = getpass.getuser()
        except (OSError, KeyError):  # no login name (a container without a passwd entry)
            user = ""
        return cls(user=user, address="local", action=action)


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditLine:
    """One line of the audit log, as `Store.audit_log` reads it back."""

    id: int
    at: datetime  # UTC
    election: str
    user: str
    role: str
    address: str
    action: str
    kind: str  # sheets, correction, desk-entry, settlement, recount-order, complaint, audit,
    # case (a case refused), case-decision, release,
    # certification, photo, protocol, register, device, signatures, schema, sign-in, sign-out,
    # revocation
    subject: str
    outcome: str  # success, refused or failed
    detail: str


def now() -> str:
    """This moment in UTC, as the log and the revocations store it (ordered as text)."""
    return stamp(datetime.now(UTC))


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def clean(text: str, limit: int) -> str:
    """`text` as a column of `limit` characters keeps it: without NUL, cut with an ellipsis."""
    text = text.replace("\x00", "")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def write_line(session: Session, caller: Caller, *, election: str, kind: str, subject: str,
               outcome: str, detail: str = "") -> None:
    """Add one line to the log in `session`'s transaction; its action is the caller's route or
    command, else its kind."""
    assert outcome in OUTCOMES, outcome
    session.execute(insert(AuditRow), [{
        "at": now(), "election": clean(election, 200), "user_name": clean(caller.user, 200),
        "role": clean(caller.role, 40), "address": clean(caller.address, 100),
        "action": clean(caller.action or kind, 200), "kind": kind,
        "subject": clean(subject, SUBJECT_LENGTH), "outcome": outcome,
        "detail": clean(detail, SUBJECT_LENGTH)}])


def listed(items: list[str], most: int = 10) -> str:
    """The first `most` of `items`, and how many more."""
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most:,} more" if len(items) > most else "")
