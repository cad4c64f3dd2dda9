"""Work too long or too large for the threads that serve reads — projections, coalition power,
password hashing — in a bounded queue of its own: a few threads at a time and a few waiting,
and `503 Service Unavailable` with `Retry-After` beyond, so that a flood of such requests
never delays a table or a station's history."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

from anyio import CapacityLimiter, to_thread
from fastapi import HTTPException

__all__ = ["CORES", "WorkQueue"]

T = TypeVar("T")

CORES = os.cpu_count() or 1


class WorkQueue:
    """At most `workers` jobs at once, each in a thread of its own beside the reads' pool
    (whose threads it never takes), and `waiting` more queued; any further job is refused at
    once with 503 and `Retry-After: retry_after` (seconds) instead of waiting unbounded."""

    def __init__(self, what: str, *, workers: int, waiting: int, retry_after: int) -> None:
        self.what = what
        self.retry_after = retry_after
        self._limiter = CapacityLimiter(workers)
        self._room = workers + waiting
        self._jobs = 0

    @property
    def jobs(self) -> int:
        """Jobs running or waiting now."""
        return self._jobs

    async def run(self, work: Callable[[], T]) -> T:
        """`work()` in one of the queue's threads, or 503 when the queue is full."""
        if self._jobs >= self._room:  # checked and counted before any await: no race
            raise HTTPException(503, f"too many {self.what} at once: try again in "
                                f"{self.retry_after} s",
                                headers={"Retry-After": str(self.retry_after)})
        self._jobs += 1
        try:
            return await to_thread.run_sync(work, limiter=self._limiter)
        finally:
            self._jobs -= 1
