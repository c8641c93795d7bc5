"""A rotel collector and a counting receiver in a process of their own.

Running them outside the producer keeps the receiver's decoding off the producer's
GIL, and lets the harness kill and restart rotel (the outage run). Besides the count,
the server notes when the count last changed, so "the last record arrived" is known
to within a few milliseconds without the parent polling.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

from benchmarks.throughput._sequence_receiver import SequenceReceiver
from hydra_otel.testing import OtlpReceiver, RotelCollector

_SAMPLE_SECONDS = 0.002


@dataclass(frozen=True)
class Arrivals:
    """What the receiver has counted so far.

    Attributes:
        records: log records accepted (duplicates included).
        last_change: ``time.monotonic()`` (a system-wide clock on Linux) when
            ``records`` last grew; 0.0 before anything arrived.
        unique: distinct ``bench.seq`` values seen (the outage receiver only, else -1).
        duplicates: records whose ``bench.seq`` had been seen before (outage only, else -1).
    """

    records: int
    last_change: float
    unique: int = -1
    duplicates: int = -1


class _ChangeWatch:
    """Polls a count in a thread and remembers when it last grew."""

    def __init__(self, read: Any) -> None:
        self._read = read
        self.count = 0
        self.last_change = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="arrival-watch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(_SAMPLE_SECONDS):
            count = self._read()
            if count != self.count:
                self.count, self.last_change = count, time.monotonic()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _serve(conn: Connection, track_sequence: bool) -> None:
    receiver: Any = SequenceReceiver() if track_sequence else OtlpReceiver(count_only=True)
    receiver.start()
    # rotel only needs the downstream's grpc_endpoint; SequenceReceiver offers it too
    rotel = RotelCollector(receiver).start()
    watch = _ChangeWatch(lambda: receiver.log_count)
    conn.send(rotel.http_endpoint)
    try:
        while (request := conn.recv()) != "stop":
            if request == "count":
                watch_count = max(watch.count, receiver.log_count)
                last = watch.last_change if watch_count == watch.count else time.monotonic()
                unique, duplicates = getattr(receiver, "uniqueness", lambda: (-1, -1))()
                conn.send(Arrivals(watch_count, last, unique, duplicates))
            elif request == "kill":
                rotel.kill()
                conn.send(True)
            elif request == "start":
                rotel.start()
                conn.send(True)
    finally:
        watch.stop()
        rotel.kill()
        receiver.stop()


class CollectorProcess:
    """Context manager: rotel + receiver in a child process.

    Args:
        track_sequence: count distinct ``bench.seq`` attribute values and duplicates
            (a slower receiver, for the low-rate outage run) instead of only counting.
    """

    def __init__(self, track_sequence: bool = False) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child_conn = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child_conn, track_sequence), daemon=True
        )
        self._lock = threading.Lock()
        self.http_endpoint = ""

    def __enter__(self) -> CollectorProcess:
        self._process.start()
        if not self._conn.poll(60):
            raise RuntimeError("the collector process did not start within 60 s")
        self.http_endpoint = self._conn.recv()
        return self

    def _ask(self, request: str) -> Any:
        with self._lock:
            self._conn.send(request)
            return self._conn.recv()

    def arrivals(self) -> Arrivals:
        """What the receiver has counted so far."""
        result: Arrivals = self._ask("count")
        return result

    def kill_collector(self) -> None:
        """SIGKILL rotel: whatever it had accepted but not forwarded is lost."""
        self._ask("kill")

    def start_collector(self) -> None:
        """Start rotel again on the same ports."""
        self._ask("start")

    def wait_for(self, target: int, since: float, settle: float, timeout: float) -> Arrivals:
        """Wait until ``target`` records arrived, or nothing arrived for ``settle`` s.

        Args:
            target: the count at which everything has arrived.
            since: ``time.monotonic()`` when the producer finished; quiet time counts
                from the later of this and the last arrival.
            settle: seconds without arrivals after which the rest counts as lost.
            timeout: the longest wait, in seconds.

        Returns:
            The arrivals at that moment (``records`` may fall short of ``target``: loss).
        """
        deadline = time.monotonic() + timeout
        while True:
            arrivals = self.arrivals()
            now = time.monotonic()
            if arrivals.records >= target or now >= deadline:
                return arrivals
            if now - max(arrivals.last_change, since) > settle:
                return arrivals
            time.sleep(0.02)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            with self._lock:
                self._conn.send("stop")
        except OSError:
            pass
        self._process.join(15)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(5)
