"""How hard to press a provider: when to retry, how long to wait, how many at once.

A request that failed for a reason that may pass (429, 408, 409, 5xx, a timeout,
a dropped connection) is retried after an exponential backoff with jitter and a
cap, or after the provider's Retry-After when it sends one. The number of
requests in flight per model adapts: it halves when the provider answers 429
and grows by one after as many successes as the limit allows, never past the
configured ceiling.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

log = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({408, 409, 429})


def retryable_status(status: int) -> bool:
    return status in RETRYABLE_STATUSES or status >= 500


@dataclass(frozen=True)
class Backoff:
    """Waits between attempts: ``base * 2**retry`` with jitter, at most ``cap``."""

    base_s: float = 0.5
    cap_s: float = 30.0
    retry_after_cap_s: float = 120.0

    def delay(
        self,
        retry: int,
        retry_after: float | None = None,
        draw: Callable[[], float] = random.random,
    ) -> float:
        """Seconds to wait before retry number ``retry`` (0 for the first)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.retry_after_cap_s)
        ceiling = min(self.cap_s, self.base_s * 2**retry)
        # half fixed, half random: spreads retries without ever waiting nothing
        return ceiling * (0.5 + draw() / 2)


def retry_after(
    headers: Mapping[str, str] | None, now: float | None = None
) -> float | None:
    """Seconds the provider asked to wait, or None when it did not say.

    Reads ``retry-after-ms`` (milliseconds), then ``retry-after`` as seconds or
    an HTTP date.
    """
    if not headers:
        return None
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return float(millis) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return when - (time.time() if now is None else now)


@dataclass
class Ticket:
    """A request's place in flight, and the limit's era when it started."""

    era: int


class InFlightLimit:
    """At most ``limit`` requests in flight; the limit adapts to 429 answers.

    A 429 halves the limit (down to 1) once per era: the requests already in
    flight when it fell were sent at the old rate, so their 429s do not halve
    it again. Each success counts towards growth: after ``limit`` of them the
    limit rises by one, up to ``ceiling``.
    """

    def __init__(self, ceiling: int, name: str = "") -> None:
        self.ceiling = max(1, ceiling)
        self.limit = self.ceiling
        self.lowest = self.ceiling
        self.in_flight = 0
        self.name = name
        self._era = 0
        self._successes = 0
        self._changed = threading.Condition()

    @contextmanager
    def slot(self) -> Iterator[Ticket]:
        with self._changed:
            self._changed.wait_for(lambda: self.in_flight < self.limit)
            self.in_flight += 1
            ticket = Ticket(self._era)
        try:
            yield ticket
        finally:
            with self._changed:
                self.in_flight -= 1
                self._changed.notify()

    def throttled(self, ticket: Ticket) -> None:
        with self._changed:
            if ticket.era != self._era:
                return
            self._era += 1
            self._successes = 0
            if self.limit > 1:
                self.limit //= 2
                self.lowest = min(self.lowest, self.limit)
                log.warning(
                    "%s answered 429; at most %d requests in flight now",
                    self.name,
                    self.limit,
                )

    def succeeded(self) -> None:
        with self._changed:
            if self.limit >= self.ceiling:
                return
            self._successes += 1
            if self._successes >= self.limit:
                self._successes = 0
                self.limit += 1
                self._changed.notify()
