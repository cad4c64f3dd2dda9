"""Sign-in under attack: failed attempts limited per name and per address, and passwords checked
two at a time — argon2 takes 64 MiB a check, so forty guesses at once took 1.7 GB.

The failures are counted in the store every worker shares (`Store.attempt`), so a guesser spread
over several workers gets the limits once, and a restart forgets nothing. Every sign-in, granted
or refused, is a line of the audit log: the name when it is an account's (a name that is no
account may be a password typed in the wrong box, and is not kept), the address, the outcome."""

from __future__ import annotations

import math

from fastapi import HTTPException
from fastapi.concurrency import run_in_threadpool

from majlis.tally import Caller, Store

from ._auth import User, Users
from ._heavy import WorkQueue

__all__ = ["ADDRESS_LIMIT", "NAME_LIMIT", "WRONG", "SignIns"]

NAME_LIMIT = (5, 15 * 60)  # failures of one name, in seconds: then that name waits
ADDRESS_LIMIT = (20, 60)  # failures from one address, in seconds: then that address waits
CHECKS_AT_ONCE = 2  # argon2 checks in parallel (64 MiB each)
CHECKS_WAITING = 32  # sign-ins queued for a check; more are asked to come back
WRONG = "wrong name or password"


class SignIns:
    """The sign-ins of one worker, counted in the shared store: each attempt is counted as a
    failure of its name and address before its password is checked, so guesses sent all at
    once are counted all the same, and taken back when it succeeds."""

    def __init__(self, users: Users, store: Store) -> None:
        self.users = users
        self.store = store
        self._checks = WorkQueue("sign-ins", workers=CHECKS_AT_ONCE, waiting=CHECKS_WAITING,
                                 retry_after=2)

    async def verify(self, name: str, password: str, caller: Caller) -> User | None:
        """The user with this name and password, or None; 429 with `Retry-After` while the
        name or the address has failed too often. Logged either way, without the password."""
        role = self.users.role(name)
        who = Caller(user=name if role else "", role=role.value if role else "",
                     address=caller.address, action=caller.action)
        keys = (f"name:{name}", f"address:{caller.address}")
        waits = await run_in_threadpool(self.store.attempt, [
            (keys[0], *NAME_LIMIT), (keys[1], *ADDRESS_LIMIT)])
        for wait, whose in zip(waits, ("this name", "this address"), strict=True):
            if wait > 0:
                said = f"too many failed sign-ins for {whose}: try again in " + _duration(
                    math.ceil(wait))
                await run_in_threadpool(self.store.by(who).log, "sign-in", outcome="refused",
                                        detail=said)
                raise HTTPException(429, said, headers={"Retry-After": str(math.ceil(wait))})
        try:
            user = await self._checks.run(lambda: self.users.verify(name, password))
        except HTTPException as busy:  # too many waiting: come back
            await run_in_threadpool(self.store.by(who).log, "sign-in", outcome="refused",
                                    detail=str(busy.detail))
            raise
        if user is not None:
            await run_in_threadpool(self.store.forgive, keys[0], keys[1])
        await run_in_threadpool(self.store.by(who).log, "sign-in",
                                outcome="success" if user else "refused",
                                detail="" if user else (
                                    "wrong password" if role else "no account of that name"))
        return user


def _duration(seconds: int) -> str:
    return f"{seconds} s" if seconds < 120 else f"{math.ceil(seconds / 60)} minutes"
