"""The same workload for every scenario, and the caller-latency sampling around it.

One log call = one INFO record "user <id> logged in" with three attributes:
``user.id`` (one of 50 users), ``http.route`` and ``bench.seq`` (a counter, so a
receiver can tell distinct records from duplicates). Every 8th call is timed with
``time.perf_counter_ns``; the other seven run bare, so timing costs little and is
the same for every scenario.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass

USERS = tuple(f"u-{n:04d}" for n in range(50))
ROUTE = "/login"
SAMPLE_EVERY = 8
_GROUPS_PER_CLOCK_CHECK = 32
_TICK = 0.01

Emit = Callable[[int, str], None]
"""``emit(seq, user)`` makes one log call of the workload."""


@dataclass
class Produced:
    """What the producing loop did.

    Attributes:
        emitted: log calls made.
        started: ``time.monotonic()`` just before the first call.
        finished: ``time.monotonic()`` just after the last call.
        latencies_ns: the sampled calls' durations, in nanoseconds.
    """

    emitted: int
    started: float
    finished: float
    latencies_ns: array[int]


def produce_for(emit: Emit, seconds: float) -> Produced:
    """Call ``emit`` as fast as possible for ``seconds``, timing every 8th call."""
    samples: array[int] = array("q")
    clock = time.perf_counter_ns
    users, user_count = USERS, len(USERS)
    seq = 0
    started = time.monotonic()
    deadline = started + seconds
    while True:
        for _ in range(_GROUPS_PER_CLOCK_CHECK):
            for _ in range(SAMPLE_EVERY - 1):
                emit(seq, users[seq % user_count])
                seq += 1
            before = clock()
            emit(seq, users[seq % user_count])
            samples.append(clock() - before)
            seq += 1
        if time.monotonic() >= deadline:
            break
    return Produced(seq, started, time.monotonic(), samples)


@dataclass
class PacedProduction:
    """A paced run: totals plus sampled latencies per phase.

    Attributes:
        emitted: log calls made in all.
        started: ``time.monotonic()`` at the first call.
        finished: ``time.monotonic()`` after the last call.
        latencies_ns: phase name -> sampled call durations.
        emitted_by_phase: phase name -> calls made in it.
    """

    emitted: int
    started: float
    finished: float
    latencies_ns: dict[str, array[int]]
    emitted_by_phase: dict[str, int]


def produce_paced(
    emit: Emit,
    rate: int,
    phases: list[tuple[str, float]],
    on_second: Callable[[float, int], None] | None = None,
) -> PacedProduction:
    """Make ``rate`` calls per second in 10 ms ticks through consecutive ``phases``.

    A tick that starts late still makes its calls (the rate holds on average), so a
    stalled logger shows up as latency, not as fewer calls.

    Args:
        emit: the workload's log call.
        rate: calls per second.
        phases: (name, end as ``time.monotonic()``) in order; production stops at the last end.
        on_second: called about once a second with (now, calls so far), between ticks.
    """
    per_tick = max(1, round(rate * _TICK))
    clock = time.perf_counter_ns
    samples = {name: array("q") for name, _ in phases}
    counts = dict.fromkeys(samples, 0)
    seq, ticks, started = 0, 0, time.monotonic()
    next_tick, next_second = started, started + 1.0
    for name, end in phases:
        phase_samples = samples[name]
        while next_tick < end - _TICK / 2:
            now = time.monotonic()
            if now < next_tick:
                time.sleep(next_tick - now)
            for _ in range(per_tick):
                user = USERS[seq % len(USERS)]
                if seq % SAMPLE_EVERY:
                    emit(seq, user)
                else:
                    before = clock()
                    emit(seq, user)
                    phase_samples.append(clock() - before)
                seq += 1
            counts[name] += per_tick
            ticks += 1
            next_tick = started + ticks * _TICK
            if on_second is not None and next_tick >= next_second:
                next_second += 1.0
                on_second(time.monotonic(), seq)
    return PacedProduction(seq, started, time.monotonic(), samples, counts)


def percentile_us(samples_ns: array[int], fraction: float) -> float:
    """The ``fraction`` percentile (0..1) of ``samples_ns``, in microseconds (nearest rank)."""
    if not samples_ns:
        return float("nan")
    ordered = sorted(samples_ns)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index] / 1000
