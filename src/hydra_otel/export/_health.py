"""Export health: success rate and latency of recent attempts, with hysteresis.

The processor asks one question, "is the collector healthy?", many times a second.
The answer flips to unhealthy after ``trip_failures`` consecutive failures, a hung
attempt (running past ``export_timeout``) or a p99 latency above ``latency_limit``;
it flips back only after ``recover_successes`` consecutive successes with normal
latency. Two different thresholds keep a flaky collector from flipping the strategy
on every batch.
"""

from __future__ import annotations

import math
import random
import time
from collections import deque

from hydra_otel.export._options import FallbackExportOptions

_OUTCOME_WINDOW = 50
_LATENCY_WINDOW = 256
_RECENT_LATENCIES = 32
_MIN_LATENCY_SAMPLES = 8


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of ``values`` (0.0 when empty)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


class ExportHealth:
    """Outcomes of export attempts and the healthy/unhealthy verdict drawn from them.

    Written by the sender thread, read by the intake and by ``metrics()``; every field
    is replaced atomically, so readers need no lock.
    """

    __slots__ = (
        "_attempt_started",
        "_latencies",
        "_options",
        "_outcomes",
        "attempts",
        "consecutive_failures",
        "consecutive_successes",
        "failures",
        "healthy",
        "last_success_time",
        "reason",
    )

    def __init__(self, options: FallbackExportOptions) -> None:
        self._options = options
        self._outcomes: deque[bool] = deque(maxlen=_OUTCOME_WINDOW)
        self._latencies: deque[float] = deque(maxlen=_LATENCY_WINDOW)
        self._attempt_started: float | None = None
        self.attempts = 0
        self.failures = 0
        self.consecutive_failures = 0
        self.consecutive_successes = 0
        self.last_success_time: float | None = None
        self.healthy = True
        self.reason = "start"

    def attempt_started(self) -> None:
        """Mark an attempt as running (so a hang is noticed while it lasts)."""
        self._attempt_started = time.monotonic()

    def attempt_finished(self, success: bool, latency: float) -> None:
        """Record the outcome of the running attempt and update the verdict."""
        self._attempt_started = None
        self.attempts += 1
        self._outcomes.append(success)
        self._latencies.append(latency)
        if success:
            self.consecutive_successes += 1
            self.consecutive_failures = 0
            self.last_success_time = time.time()
        else:
            self.failures += 1
            self.consecutive_failures += 1
            self.consecutive_successes = 0
        self.evaluate()

    def hung_for(self) -> float:
        """Seconds the running attempt has taken so far (0.0 when none is running)."""
        started = self._attempt_started
        return 0.0 if started is None else time.monotonic() - started

    def evaluate(self) -> bool:
        """Recompute and return the verdict (cheap; the intake calls it every tick)."""
        options = self._options
        if self.hung_for() > options.export_timeout:
            self._set(False, "export hung")
        elif self.healthy:
            if self.consecutive_failures >= options.trip_failures:
                self._set(False, f"{self.consecutive_failures} consecutive failures")
            elif self._slow():
                self._set(False, "p99 latency over the limit")
        elif self.consecutive_successes >= options.recover_successes and not self._slow():
            self._set(True, f"{self.consecutive_successes} consecutive successes")
        return self.healthy

    def _slow(self) -> bool:
        recent = list(self._latencies)[-_RECENT_LATENCIES:]
        if len(recent) < _MIN_LATENCY_SAMPLES:
            return False
        return percentile(recent, 0.99) > self._options.latency_limit

    def _set(self, healthy: bool, reason: str) -> None:
        if healthy != self.healthy:
            self.healthy = healthy
            self.reason = reason

    @property
    def success_rate(self) -> float:
        """Share of the last 50 attempts that succeeded (1.0 before any attempt)."""
        outcomes = list(self._outcomes)
        return sum(outcomes) / len(outcomes) if outcomes else 1.0

    @property
    def avg_latency(self) -> float:
        """Mean seconds of the last 256 attempts."""
        values = list(self._latencies)
        return sum(values) / len(values) if values else 0.0

    @property
    def p99_latency(self) -> float:
        """99th percentile seconds of the last 256 attempts."""
        return percentile(list(self._latencies), 0.99)


class Backoff:
    """Exponential delays with jitter that never undercut a server's Retry-After."""

    __slots__ = ("_options", "_random")

    def __init__(self, options: FallbackExportOptions, seed: int | None = None) -> None:
        self._options = options
        self._random = random.Random(seed)

    def delay(self, failures: int, retry_after: float | None = None) -> float:
        """Seconds to wait after the ``failures``-th consecutive failure (1-based)."""
        options = self._options
        exponent = min(max(failures - 1, 0), 32)
        base = min(options.initial_backoff * 2.0**exponent, options.max_backoff)
        jittered = base * self._random.uniform(1 - options.jitter, 1 + options.jitter)
        if retry_after is not None:
            return max(jittered, retry_after)
        return jittered
