"""The audit log read back, lines written on their own (a sign-in writes nothing else), the
revoked tokens and the failed sign-ins: one store shared by every worker, so each refuses every
revoked token whichever worker was told, and a guesser spread over the workers is counted once."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from majlis._cells import shown
from majlis.errors import Problem

from ._base import StoreBase, _guarded
from ._limits import NAME_LENGTH, refuse, text_problems
from ._log import OUTCOMES, AuditLine, clean, now, stamp
from ._schema import AuditRow, RevocationRow, SignInFailureRow

__all__ = ["Journal", "revoked_among"]

TOKEN_ID_LENGTH = 64


class Journal(StoreBase):
    """The audit log and the revoked tokens."""

    @_guarded
    def log(self, kind: str, subject: str = "", *, outcome: str = "success",
            detail: str = "") -> None:
        """A line of its own, for what writes nothing else (a sign-in, granted or refused)."""
        self._check_ready()
        with Session(self.writer) as session, session.begin():
            self._log(session, kind, subject, detail, outcome=outcome)

    @_guarded
    def audit_log(self, *, since: datetime | None = None, user: str | None = None,
                  kind: str | None = None, address: str | None = None,
                  outcome: str | None = None, limit: int = 1000) -> list[AuditLine]:
        """This election's lines, oldest first: the last `limit` of those at or after `since`
        (UTC when it has no offset) by `user`, of `kind`, from `address`, with `outcome`."""
        self._check_ready()
        if outcome is not None and outcome not in OUTCOMES:
            refuse([Problem(source="audit log", line=None, field="outcome", message=(
                f"{shown(outcome)} is no outcome; one of: {', '.join(OUTCOMES)}"))])
        query = select(AuditRow).where(AuditRow.election == self.election)
        if since is not None:
            moment = since if since.utcoffset() is not None else since.replace(tzinfo=UTC)
            query = query.where(AuditRow.at >= stamp(moment))
        for column, wanted in ((AuditRow.user_name, user), (AuditRow.kind, kind),
                               (AuditRow.address, address), (AuditRow.outcome, outcome)):
            if wanted is not None:
                query = query.where(column == wanted)
        with Session(self.engine) as session:
            rows = session.scalars(query.order_by(AuditRow.id.desc()).limit(max(limit, 0))).all()
        return [AuditLine(id=r.id, at=datetime.fromisoformat(r.at), election=r.election,
                          user=r.user_name, role=r.role, address=r.address, action=r.action,
                          kind=r.kind, subject=r.subject, outcome=r.outcome, detail=r.detail)
                for r in reversed(rows)]

    @_guarded
    def revoke(self, user: str, *, token: str = "") -> None:
        """Refuse from now on the token with id `token` of `user` (a sign-out), or, without
        one, every token `user` was issued until now (an administrator's revocation); logged
        in the same transaction."""
        self._check_ready()
        refuse(text_problems("revocation", (("user", user, NAME_LENGTH),)) + text_problems(
            "revocation", (("token", token, TOKEN_ID_LENGTH),), required=False))
        with Session(self.writer) as session, session.begin():
            session.add(RevocationRow(user_name=user, token=token, at=now()))
            self._log(session, "sign-out" if token else "revocation", f"user {user}",
                      "this token" if token else "every token issued until now")

    @_guarded
    def revoked(self, user: str, token: str, issued: datetime) -> bool:
        """Whether the token `token` of `user`, issued at `issued`, was revoked."""
        self._check_ready()
        with Session(self.engine) as session:
            return bool(revoked_among(session, [(user, token, issued)]))

    @_guarded
    def attempt(self, keys: Sequence[tuple[str, int, float]]) -> list[float]:
        """A sign-in under way, counted as failed before its password is checked — so guesses
        sent all at once, to any worker, are counted all the same. `keys`: (key, limit,
        window in seconds), e.g. its name and its address. Answers, per key, the seconds it
        must wait (0: now); when none must wait, the attempt is counted against every key.
        Failures older than the longest window are forgotten."""
        self._check_ready()
        moment = datetime.now(UTC)
        with Session(self.writer) as session, session.begin():
            if self.engine.dialect.name == "postgresql":  # one attempt at a time, all workers
                session.execute(text("SELECT pg_advisory_xact_lock(7107)"))
            waits = []
            for key, limit, window in keys:
                recent = session.scalars(
                    select(SignInFailureRow.at).where(
                        SignInFailureRow.key == clean(key, 300),
                        SignInFailureRow.at > stamp(moment - timedelta(seconds=window)))
                    .order_by(SignInFailureRow.at.desc()).limit(limit)).all()
                waits.append(0.0 if len(recent) < limit else max(0.0, (
                    datetime.fromisoformat(recent[-1]) + timedelta(seconds=window) - moment
                ).total_seconds()))
            if not any(waits):
                longest = max((window for _, _, window in keys), default=0.0)
                session.execute(delete(SignInFailureRow).where(
                    SignInFailureRow.at <= stamp(moment - timedelta(seconds=longest))))
                session.execute(insert(SignInFailureRow), [
                    {"key": clean(key, 300), "at": stamp(moment)} for key, _, _ in keys])
            return waits

    @_guarded
    def forgive(self, cleared: str, forgiven: str) -> None:
        """A sign-in counted as failed succeeded: every failure of `cleared` (its name) is
        forgotten, and the latest of `forgiven` (its address)."""
        self._check_ready()
        with Session(self.writer) as session, session.begin():
            session.execute(delete(SignInFailureRow).where(
                SignInFailureRow.key == clean(cleared, 300)))
            latest = session.scalar(select(SignInFailureRow.id).where(
                SignInFailureRow.key == clean(forgiven, 300))
                .order_by(SignInFailureRow.id.desc()).limit(1))
            if latest is not None:
                session.execute(delete(SignInFailureRow).where(SignInFailureRow.id == latest))


def revoked_among(session: Session, tokens: Collection[tuple[str, str, datetime]]
                  ) -> set[tuple[str, str, datetime]]:
    """Which of `tokens` — (user, token id, issued) — were revoked, read in `session` with one
    query: a write that checks its callers' tokens in its own transaction (the desk's entries)
    refuses every token revoked before it, whichever worker was told."""
    users = {user for user, _, _ in tokens}
    if not users:
        return set()
    rows = session.execute(select(RevocationRow.user_name, RevocationRow.token, RevocationRow.at)
                           .where(RevocationRow.user_name.in_(users))).all()
    return {(user, token, issued) for user, token, issued in tokens
            if any(r.user_name == user and (r.token == token if r.token else
                                            r.at >= stamp(issued)) for r in rows)}
