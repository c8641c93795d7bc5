"""Sender: the thread that talks to the exporter.

It sends live batches handed over by the intake, retrying with exponential backoff and
jitter while the collector looks healthy, and spools a batch it could not deliver.
When idle it replays what is waiting (the memory ring first, being the most fragile,
then the spool, oldest row first). While the collector is unhealthy those replays are
the probes that find out when it is back: one row per backoff interval.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from hydra_otel.core import track_error
from hydra_otel.core._diagnostics import pipeline_guard
from hydra_otel.export._batch import Batch
from hydra_otel.export._exporter_call import Attempt, ExporterCall
from hydra_otel.export._health import Backoff, ExportHealth
from hydra_otel.export._ledger import Ledger
from hydra_otel.export._options import FallbackExportOptions
from hydra_otel.export._persist import Persister
from hydra_otel.export._redelivery import Delivered, RedeliveryWindow
from hydra_otel.export._spool import SpooledBatch, SpoolError

MAX_ROW_FAILURES = 5
"""A spooled row refused this many times as not retryable (HTTP 400, undecodable) is dropped."""

_IDLE_WAIT = 0.25
_ADOPTION_INTERVAL = 300.0


class Sender:
    """Runs the export loop; see the module docstring. One per pipeline."""

    def __init__(
        self,
        ledger: Ledger,
        call: ExporterCall,
        persister: Persister,
        health: ExportHealth,
        options: FallbackExportOptions,
    ) -> None:
        self._ledger = ledger
        self._call = call
        self._persister = persister
        self._health = health
        self._options = options
        self._backoff = Backoff(options)
        self._window = RedeliveryWindow(options.redeliver_window, options.redeliver_max_records)
        self.stop = threading.Event()
        """Set to end the loop; also cuts every backoff wait short."""
        self.resume_at = 0.0
        """``time.monotonic()`` before which nothing is sent (a server's Retry-After)."""
        self._probe_failures = 0
        self._next_probe = 0.0
        self._next_adoption = 0.0
        self.scanned_leftovers = threading.Event()
        """Set once the spool directory was first checked for earlier runs' leftovers."""
        self._was_healthy = True

    def run(self) -> None:
        """Thread body: never raises, never logs into the pipeline it serves."""
        with pipeline_guard():
            while not self.stop.is_set():
                try:
                    self._step()
                except Exception as error:
                    track_error("export_sender", repr(error))
                    self.stop.wait(0.05)

    def _step(self) -> None:
        self.maybe_adopt()
        batch = self._next_live_batch()
        if batch is not None:
            self.send_live(batch)
        elif not self.replay_one():
            with self._ledger.lock:
                if not self._ledger.handoff and not self.stop.is_set():
                    self._ledger.has_work.wait(self._idle_wait())

    def _idle_wait(self) -> float:
        now = time.monotonic()
        due = max(self._next_probe, self.resume_at) - now
        return min(max(due, 0.01), _IDLE_WAIT)

    def _next_live_batch(self) -> Batch | None:
        with self._ledger.lock:
            if not self._ledger.handoff:
                return None
            batch = self._ledger.handoff.popleft()
            self._ledger.inflight = batch
            return batch

    def maybe_adopt(self) -> None:
        """Take over earlier runs' spool files: at start, on recovery, every 5 minutes."""
        healthy = self._health.healthy
        recovered = healthy and not self._was_healthy
        self._was_healthy = healthy
        now = time.monotonic()
        if now >= self._next_adoption or recovered:
            self._next_adoption = now + _ADOPTION_INTERVAL
            try:
                self._persister.adopt()
            finally:
                self.scanned_leftovers.set()

    # -- live batches ----------------------------------------------------------------

    def send_live(self, batch: Batch, retries: bool = True) -> None:
        """Deliver a handed-off batch, with retries; spool it if that fails.

        Without ``retries`` (the ``sync`` strategy, on the caller's thread) it makes at
        most one attempt and never sleeps, not even for a pending Retry-After.
        """
        failures = 0
        attempt: Attempt | None = None
        while self._resume_reached(wait=retries):
            attempt = self._attempt(lambda: self._send_batch(batch))
            if attempt.success:
                break
            failures += 1
            if not retries or not self._should_retry(attempt, failures):
                break
            delay = self._backoff.delay(failures, attempt.retry_after)
            if self.stop.wait(delay):
                break
        success = attempt is not None and attempt.success
        rejected = attempt.rejected if attempt is not None else 0
        if success:
            self._window.delivered(batch, len(batch), time.monotonic())
        self._after_live(batch, self._ledger.finish_live(batch, success, rejected))
        if attempt is not None and not success:
            self._schedule_probe(attempt)

    def abandon_inflight(self) -> None:
        """Treat the batch a dead sender thread was exporting as failed (spool it)."""
        with self._ledger.lock:
            batch = self._ledger.inflight
        if batch is not None:
            self._after_live(batch, self._ledger.finish_live(batch, False, 0))

    def request_probe(self) -> None:
        """Probe the collector now rather than at the next backoff interval."""
        self._next_probe = 0.0
        with self._ledger.lock:
            self._ledger.has_work.notify()

    def _send_batch(self, batch: Batch) -> Attempt:
        payload = batch.payload
        if payload is not None and self._call.sends_payloads:
            return self._call.send_payload(payload)  # written behind: already encoded
        return self._call.send(batch.records)

    def probe_due(self) -> bool:
        """True when neither a Retry-After nor the probe backoff forbids an attempt now."""
        now = time.monotonic()
        return now >= self.resume_at and now >= self._next_probe

    def _should_retry(self, attempt: Attempt, failures: int) -> bool:
        if not attempt.retryable or failures >= self._options.max_attempts:
            return False
        if not self._health.healthy or self.stop.is_set():
            return False
        wait = attempt.retry_after or 0.0
        return wait <= self._options.max_backoff  # a longer wait is kept by resume_at

    def _after_live(self, batch: Batch, step: str) -> None:
        spool = self._persister.spool
        if step == "persist":
            self._persister.persist(batch)
        elif spool is not None and batch.row_id is not None:
            if step == "remove":
                spool.remove(batch.row_id)
            elif step == "release":
                spool.release(batch.row_id)

    def _attempt(self, send: Callable[[], Attempt]) -> Attempt:
        self._health.attempt_started()
        attempt = send()
        self._health.attempt_finished(attempt.success, attempt.latency)
        if attempt.retry_after is not None:
            self.resume_at = max(self.resume_at, time.monotonic() + attempt.retry_after)
        if attempt.success:
            self._probe_failures = 0
            self._next_probe = 0.0
            return attempt
        track_error("export_failed", attempt.message or "the exporter reported FAILURE")
        if not attempt.answered:  # the collector may have died with acknowledged records
            suspects = self._window.suspects()
            if suspects:
                self._ledger.push_resend(suspects, self._options.redeliver_max_records)
        return attempt

    def _resume_reached(self, wait: bool) -> bool:
        """Honour a pending Retry-After (waiting if allowed); False if stopping or not allowed."""
        if self.stop.is_set():
            return False
        delay = self.resume_at - time.monotonic()
        if delay <= 0:
            return True
        if not wait or delay > self._options.max_backoff:  # spool it rather than hold it
            return False
        return not self.stop.wait(delay)

    def _schedule_probe(self, attempt: Attempt | None) -> None:
        self._probe_failures += 1
        retry_after = attempt.retry_after if attempt is not None else None
        delay = self._backoff.delay(self._probe_failures, retry_after)
        self._next_probe = time.monotonic() + delay

    # -- replay ----------------------------------------------------------------------

    def replay_one(self) -> bool:
        """Replay one ring batch or spool row if one is due; True if it tried."""
        now = time.monotonic()
        if now < self.resume_at or (not self._health.healthy and now < self._next_probe):
            return False
        resend = self._ledger.pop_resend()
        if resend is not None:
            self._resend(resend)
            return True
        batch = self._ledger.pop_ring()
        if batch is not None:
            self._replay_ring_batch(batch)
            return True
        row = self._take_spooled_row()
        if row is None:
            return False
        self._replay_row(row)
        return True

    def _resend(self, entry: tuple[Delivered, int]) -> None:
        item, records = entry
        if isinstance(item, bytes):
            attempt = self._attempt(lambda: self._call.send_payload(item))
        else:
            attempt = self._attempt(lambda: self._call.send(item.records))
        if attempt.success:
            self._ledger.finish_resend(records)
        else:
            self._ledger.return_resend(entry)
            self._schedule_probe(attempt)

    def _replay_ring_batch(self, batch: Batch) -> None:
        attempt = self._attempt(lambda: self._call.send(batch.records))
        if attempt.success:
            self._window.delivered(batch, len(batch), time.monotonic())
            self._ledger.finish_ring_batch(batch, attempt.rejected)
        else:
            self._ledger.return_ring(batch)
            self._schedule_probe(attempt)

    def _take_spooled_row(self) -> SpooledBatch | None:
        spool = self._persister.spool
        if spool is None or spool.closed or spool.rows == 0:
            return None
        try:
            return spool.take_oldest()
        except SpoolError as error:
            if error.kind != "closed":
                self._persister.failed(error)
            return None

    def _replay_row(self, row: SpooledBatch) -> None:
        spool = self._persister.spool
        assert spool is not None
        attempt = self._attempt(lambda: self._call.send_payload(row.payload))
        if attempt.success:
            self._window.delivered(row.payload, row.records, time.monotonic())
            self._ledger.finish_replay(row, attempt.rejected)
            spool.remove(row.row_id)
            return
        self._schedule_probe(attempt)
        if not attempt.retryable and row.attempts + 1 >= MAX_ROW_FAILURES:
            self._ledger.discard_row(row, "rejected")
            spool.remove(row.row_id)
        else:
            spool.release(row.row_id)
