"""Sign-in under attack: failed attempts limited per name and per address, and passwords checked
two at a time — argon2 takes 64 MiB a check, so forty guesses at once took 1.7 GB.

The counters live in the worker's memory: with several workers behind one address each keeps
its own, so a guesser spread over them gets the limits once per worker, and a restart forgets
them. That is the price of needing nothing beside the store; the limits are low enough that
even a few workers leave a password of eight characters out of reach for the night."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from fastapi import HTTPException

from ._auth import User, Users
from ._heavy import WorkQueue

__all__ = ["ADDRESS_LIMIT", "NAME_LIMIT", "SignIns", "Throttle"]

NAME_LIMIT = (5, 15 * 60)  # failures of one name, in seconds: then that name waits
ADDRESS_LIMIT = (20, 60)  # failures from one address, in seconds: then that address waits
CHECKS_AT_ONCE = 2  # argon2 checks in parallel (64 MiB each)
CHECKS_WAITING = 32  # sign-ins queued for a check; more are asked to come back
KEYS = 10_000  # names and addresses remembered; the quietest are forgotten first


class Throttle:
    """Failures per key within a sliding window: a key with `limit` failures in the last
    `window` seconds waits until the oldest of them leaves the window."""

    def __init__(self, limit: int, window: float, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}

    def wait(self, key: str) -> float:
        """Seconds until `key` may try again (0: now)."""
        failures = self._recent(key)
        if len(failures) < self.limit:
            return 0.0
        return failures[-self.limit] + self.window - self._clock()

    def fail(self, key: str) -> None:
        failures = self._recent(key)
        failures.append(self._clock())
        while len(failures) > self.limit:
            failures.popleft()
        self._failures.pop(key, None)  # the most recently failed last, forgotten last
        self._failures[key] = failures
        if len(self._failures) > KEYS:
            del self._failures[next(iter(self._failures))]

    def forgive(self, key: str) -> None:
        """Take back the latest failure of `key` (a sign-in counted as failed that succeeded)."""
        failures = self._failures.get(key)
        if failures:
            failures.pop()

    def clear(self, key: str) -> None:
        self._failures.pop(key, None)

    def _recent(self, key: str) -> deque[float]:
        failures = self._failures.get(key, deque())
        since = self._clock() - self.window
        while failures and failures[0] <= since:
            failures.popleft()
        return failures


class SignIns:
    """The sign-ins of one worker: each attempt is counted as a failure of its name and address
    before its password is checked, so guesses sent all at once are counted all the same, and
    taken back when it succeeds."""

    def __init__(self, users: Users) -> None:
        self.users = users
        self.names = Throttle(*NAME_LIMIT)
        self.addresses = Throttle(*ADDRESS_LIMIT)
        self._checks = WorkQueue("sign-ins", workers=CHECKS_AT_ONCE, waiting=CHECKS_WAITING,
                                 retry_after=2)

    async def verify(self, name: str, password: str, address: str) -> User | None:
        """The user with this name and password, or None; 429 with `Retry-After` while the
        name or the address has failed too often."""
        for throttle, key, whose in ((self.names, name, "this name"),
                                     (self.addresses, address, "this address")):
            wait = math.ceil(throttle.wait(key))
            if wait > 0:
                raise HTTPException(429, f"too many failed sign-ins for {whose}: try again in "
                                    f"{_duration(wait)}", headers={"Retry-After": str(wait)})
        self.names.fail(name)
        self.addresses.fail(address)
        user = await self._checks.run(lambda: self.users.verify(name, password))
        if user is not None:
            self.names.clear(name)
            self.addresses.forgive(address)
        return user


def _duration(seconds: int) -> str:
    return f"{seconds} s" if seconds < 120 else f"{math.ceil(seconds / 60)} minutes"
