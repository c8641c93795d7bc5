"""FallbackExportProcessor: lossless, never-blocking export for any LogRecordExporter."""

from __future__ import annotations

import os
import re
import sys
import threading
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opentelemetry._logs import LogRecord
from opentelemetry.sdk._logs import LogRecordProcessor, ReadWriteLogRecord
from opentelemetry.sdk._logs.export import LogRecordExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.util.instrumentation import InstrumentationScope

from hydra_otel.core import ConfigurationError, track_error
from hydra_otel.export import _otel_metrics
from hydra_otel.export._capture import RECORD_UID_KEY
from hydra_otel.export._encoded import group_id
from hydra_otel.export._options import FallbackExportOptions
from hydra_otel.export._persist import SpoolFactory
from hydra_otel.export._pipeline import Pipeline
from hydra_otel.export._spool import SqliteSpool

if TYPE_CHECKING:
    from hydra_otel.export.otlp import OTLPLogsEncoder

ENCODED_OVERHEAD_BYTES = 96
"""Approximate memory of a pre-encoded record besides its bytes."""


class FallbackExportProcessor(LogRecordProcessor):
    """A LogRecordProcessor that batches records to ``exporter`` and never loses them quietly.

    ``on_emit`` only snapshots the record (adding a unique ``log.record.uid``) and
    queues it: no I/O, no encoding, one short lock. Two background threads do the rest:
    the intake cuts the queue into batches and routes them by strategy, the sender
    exports them with retries. Strategies, chosen automatically from measured health:

    * ``async`` (default): the sender exports batches as they come.
    * ``direct``: the collector is failing, hung or slow; batches go to the crash-safe
      sqlite spool and are replayed, oldest first, once it answers again.
    * ``memory``: the spool is failing too (disk full); a bounded memory ring holds
      the newest batches and is replayed first when the collector is back.
    * ``sync``: no background thread can run; the caller's thread exports.

    Batches not delivered within ``spool_after`` (80 ms) are also written to the
    spool, so a killed process loses at most its last ~200 ms of records. A producer
    faster than the exporter is slowed by ``on_emit`` yielding the GIL once the queue
    is half full, and the backlog spills to the spool past 3/4, before anything is
    dropped. Batches a collector acknowledged just before it stopped answering are sent
    again (``redeliver_window``): duplicates, never losses, carry the same uid.

    Every record accepted is, at every moment, exported, queued, spooled or dropped
    with a reason, and :meth:`metrics` shows that
    ``emitted == exported + queued + spooled + dropped``. Spool files left by an
    earlier run (also a crashed one) are adopted and replayed at start. ``shutdown``
    is bounded by ``shutdown_timeout`` and spools what it could not send. After
    ``os.fork`` the child starts with an empty queue and its own spool file.

    Args:
        exporter: any ``LogRecordExporter``. When it also offers
            ``export_detailed(batch)`` and ``export_encoded(payload)`` (hydra's
            ``FastOTLPLogExporter`` does), retries honour Retry-After, partial success
            is counted and spooled payloads are sent without decoding.
        options: see :class:`FallbackExportOptions`; None reads ``HYDRA_*`` settings.
    """

    def __init__(
        self, exporter: LogRecordExporter, *, options: FallbackExportOptions | None = None
    ) -> None:
        self._exporter = exporter
        self._options = options if options is not None else _options_from_environment()
        self._log_encoder = _log_encoder_for(exporter)
        self._last_group: tuple[Any, Any, int] = (None, None, -1)
        """The group id of the latest pre-encoded record's resource and scope."""
        self._shutdown_lock = threading.Lock()
        self._is_shut_down = False
        self._pipeline = self._new_pipeline(self._options.spool)
        self._pipeline.start()
        _live_processors.add(self)
        if self._options.publish_metrics:
            _otel_metrics.publish(self, self._options.meter_provider)

    @property
    def options(self) -> FallbackExportOptions:
        """The options this processor runs with."""
        return self._options

    @property
    def exporter(self) -> LogRecordExporter:
        """The wrapped exporter."""
        return self._exporter

    @property
    def current_strategy(self) -> str:
        """The strategy in use now (``metrics()["current_strategy"]``, without the snapshot)."""
        return self._pipeline.current_strategy

    @property
    def encodes_on_emit(self) -> bool:
        """True when :meth:`emit_encoded` may be used: the exporter is hydra's OTLP one."""
        return self._log_encoder is not None

    def emit_encoded(self, log: LogRecord, resource: Resource, scope: InstrumentationScope) -> None:
        """Hydra's own emit path: encode ``log`` now and queue the bytes instead of a copy.

        What ``on_emit`` does for a ``ReadWriteLogRecord`` of these three parts, for
        half the work: the record is encoded once, here, into the OTLP bytes the exporter
        would have produced from the snapshot (its ``log.record.uid`` included), and the
        background threads only join those bytes. Used by HydraLogger and the stdlib
        bridge when every processor of the chain is one of hydra's; requires
        :attr:`encodes_on_emit`. Never raises, never does I/O.
        """
        try:
            pipeline = self._pipeline
            encoder = self._log_encoder
            assert encoder is not None
            uid = pipeline.capture.uid_for(log.attributes)
            field = encoder.encode_log_field(log, (RECORD_UID_KEY, uid) if uid else None)
            group = self._last_group
            if group[0] is not resource or group[1] is not scope:
                group = self._last_group = (resource, scope, group_id(resource, scope))
            pipeline.accept((field, group[2]), len(field) + ENCODED_OVERHEAD_BYTES)
        except Exception as error:
            track_error("export_on_emit", repr(error))

    def on_emit(self, log_record: ReadWriteLogRecord) -> None:
        """Snapshot ``log_record`` and queue it; never raises, never does I/O."""
        try:
            pipeline = self._pipeline
            record, size = pipeline.capture.capture(log_record)
            pipeline.accept(record, size)
        except Exception as error:
            track_error("export_on_emit", repr(error))

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Wait until every record accepted so far is exported.

        That includes the records this run took over from earlier runs' spool files.

        Returns:
            True if all were exported in time. False on timeout, and also as soon as
            the collector is unhealthy and every record is safe in the spool.
        """
        try:
            return self._pipeline.flush(timeout_millis / 1000)
        except Exception as error:
            track_error("export_flush", repr(error))
            return False

    def shutdown(self) -> None:
        """Export what can be exported within ``shutdown_timeout``, spool the rest, stop.

        Idempotent; records emitted afterwards are counted as ``dropped["shutdown"]``.
        """
        with self._shutdown_lock:
            if self._is_shut_down:
                return
            self._is_shut_down = True
        deadline_budget = self._options.shutdown_timeout
        started = time.monotonic()
        try:
            self._pipeline.close(deadline_budget * 0.9)
        except Exception as error:
            track_error("export_shutdown", repr(error))
        _shutdown_exporter(self._exporter, deadline_budget - (time.monotonic() - started))
        _otel_metrics.unpublish(self)
        _live_processors.discard(self)

    def metrics(self) -> dict[str, Any]:
        """Health and counters of this processor (a consistent snapshot).

        Keys: ``current_strategy``, ``healthy``, ``health_reason``, ``success_rate``,
        ``avg_latency`` and ``p99_latency`` (seconds, recent attempts), ``attempts``,
        ``failures``, ``last_success_time`` (epoch seconds or None), ``emitted``,
        ``exported``, ``queued``, ``spooled`` (this run's records), ``dropped`` and
        ``dropped_by_reason``, ``conserved`` (the invariant holds), ``queue_depth``,
        ``queue_bytes``, ``memory_ring_depth``, ``replayed`` (delivered from spool or
        ring), ``adopted`` (earlier runs' records taken over from their spool files),
        ``recovered`` (of those, delivered), ``inherited_spooled``, ``inherited_dropped``,
        ``redelivered`` and ``redeliver_pending`` (see ``redeliver_window``), ``spool_depth`` (all spooled records), ``spool_bytes``,
        ``spool_path``, ``spool_errors``, ``strategy_switches``, ``strategy_history``,
        ``thread_restarts``.
        """
        return self._pipeline.metrics()

    def _new_pipeline(self, spool: SqliteSpool | None) -> Pipeline:
        factory, directory = _spool_factory(self._options, spool)
        return Pipeline(self._exporter, self._options, spool, factory, directory)

    def _restart_after_fork(self) -> None:
        """In the child: forget the parent's pipeline and start an empty one lazily."""
        self._shutdown_lock = threading.Lock()
        old = self._pipeline
        old.abandon()
        self._pipeline = self._new_pipeline(None)  # threads start on the first record


def _log_encoder_for(exporter: LogRecordExporter) -> OTLPLogsEncoder | None:
    """An encoder for :meth:`FallbackExportProcessor.emit_encoded`, if ``exporter`` is hydra's.

    Only when the exporter encodes batches with hydra's encoder as it comes (a subclass
    overriding ``export`` or ``export_detailed`` might look inside the records). Read
    through ``sys.modules``: hydra's exporters are loaded whenever one exists, and other
    programs need not import their transports (requests, grpc).
    """
    module = sys.modules.get("hydra_otel.export.otlp._exporter_base")
    base = getattr(module, "FastOTLPExporterBase", None)
    if base is None or not isinstance(exporter, base):
        return None
    kind = type(exporter)
    if kind.export is not base.export or kind.export_detailed is not base.export_detailed:
        return None
    from hydra_otel.export.otlp import OTLPLogsEncoder

    return OTLPLogsEncoder()


def _options_from_environment() -> FallbackExportOptions:
    try:
        return FallbackExportOptions.from_settings()
    except ConfigurationError as error:
        track_error("export_settings", f"{error}; using the defaults")
        return FallbackExportOptions()


def _spool_factory(
    options: FallbackExportOptions, given: SqliteSpool | None
) -> tuple[SpoolFactory | None, Path | None]:
    """How this pipeline opens its own spool, and the directory it adopts leftovers from."""
    if not options.spool_enabled:
        return None, None
    if given is not None:
        return None, given.directory
    template = options.spool
    if template is not None:  # a forked child: a sibling file with the same limits
        directory = template.directory
        limits: dict[str, Any] = {
            "max_bytes": template.max_bytes,
            "full_policy": template.full_policy,
            "page_limit": template.page_limit,
        }
    else:
        directory = _spool_directory(options)
        limits = {"max_bytes": options.spool_max_bytes, "full_policy": options.spool_full_policy}
    return (lambda: SqliteSpool.create_in(directory, **limits)), directory


def _spool_directory(options: FallbackExportOptions) -> Path:
    base = options.spool_dir
    if base is None:
        from hydra_otel.config._settings import _default_spool_dir

        base = _default_spool_dir()
    return Path(base) / _safe_name(options.spool_name or _service_name())


def _service_name() -> str:
    try:
        from opentelemetry.sdk.resources import Resource

        return str(Resource.create().attributes.get("service.name", "unknown_service"))
    except Exception:
        return "unknown_service"


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:64] or "default"


def _shutdown_exporter(exporter: LogRecordExporter, budget: float) -> None:
    """Call ``exporter.shutdown()`` but wait at most ``budget`` seconds for it."""

    def run() -> None:
        try:
            exporter.shutdown()  # type: ignore[no-untyped-call]
        except Exception as error:
            track_error("export_shutdown", f"exporter shutdown failed: {error!r}")

    thread = threading.Thread(target=run, name="hydra-export-exporter-shutdown", daemon=True)
    thread.start()
    thread.join(max(budget, 0.05))


_live_processors: weakref.WeakSet[FallbackExportProcessor] = weakref.WeakSet()


def _restart_all_after_fork() -> None:
    for processor in list(_live_processors):
        try:
            processor._restart_after_fork()
        except Exception as error:
            track_error("export_fork", repr(error))


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_restart_all_after_fork)
