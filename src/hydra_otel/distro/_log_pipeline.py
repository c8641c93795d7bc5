"""The logs pipeline of the global LoggerProvider, built in one place.

:func:`build_log_record_processors` is the single seam that decides which
LogRecordProcessors sit on the provider the distro and ``configure()`` install.
Everything that reshapes the pipeline (redaction before export, the lossless
fallback export processor) is inserted here and nowhere else.

Exporters run inside the re-entry guard: whatever their transport logs while it
sends (``urllib3``, ``grpc``…) still reaches the application's own handlers, but the
stdlib bridge skips it, so exporting never feeds itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from opentelemetry.sdk._logs import (
    LogRecordProcessor,
    ReadableLogRecord,
    SynchronousMultiLogRecordProcessor,
)
from opentelemetry.sdk._logs.export import (
    LogRecordExporter,
    LogRecordExportResult,
)
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from hydra_otel.config import load_settings
from hydra_otel.core._diagnostics import pipeline_guard
from hydra_otel.export import FallbackExportOptions, FallbackExportProcessor
from hydra_otel.processors import behind_audit_chain, safety_processors


def build_log_record_processors(
    exporters: Sequence[LogRecordExporter],
) -> list[LogRecordProcessor]:
    """Return the processors, in order, that feed ``exporters`` on the global LoggerProvider.

    First the safety processors (log-injection neutralisation, redaction), which must
    see every record before any export; then one FallbackExportProcessor per exporter,
    all behind the audit chain when HYDRA_AUDIT_KEY is set. OTLP exporters keep the crash-safe spool;
    other exporters (console, custom ones) get the same background batching without
    it. The fallback processor's threads run inside the re-entry guard; an exporter
    it cannot see through is wrapped in it too.

    Args:
        exporters: the log exporters selected by ``OTEL_LOGS_EXPORTER`` / ``configure()``.

    Returns:
        The processors to add to the LoggerProvider, in the order they must run.
    """
    settings = load_settings()
    base = FallbackExportOptions.from_settings(settings)
    exports: list[LogRecordProcessor] = []
    for exporter in exporters:
        if _is_fast_otlp(exporter):
            exports.append(FallbackExportProcessor(exporter, options=base))
        else:
            local = base.evolve(spool_enabled=False, add_record_uid=False, publish_metrics=False)
            exports.append(
                FallbackExportProcessor(PipelineGuardedLogExporter(exporter), options=local)
            )
    if settings.audit_key is not None:
        fan_out = SynchronousMultiLogRecordProcessor()  # type: ignore[no-untyped-call]
        for export in exports:
            fan_out.add_log_record_processor(export)
        exports = [behind_audit_chain(fan_out, settings)]
    return [*safety_processors(settings), *exports]


def _is_fast_otlp(exporter: LogRecordExporter) -> bool:
    if not type(exporter).__module__.startswith("hydra_otel.export.otlp"):
        return False  # not ours, and grpc/requests need not be imported to tell
    from hydra_otel.export.otlp import FastOTLPExporterBase

    return isinstance(exporter, FastOTLPExporterBase)


class PipelineGuardedLogExporter(LogRecordExporter):
    """Runs another LogRecordExporter inside hydra's re-entry guard."""

    __slots__ = ("exporter",)

    def __init__(self, exporter: LogRecordExporter) -> None:
        self.exporter = exporter

    def export(self, batch: Sequence[ReadableLogRecord]) -> LogRecordExportResult:
        """Export ``batch`` with the wrapped exporter; its own logging is not bridged."""
        with pipeline_guard():
            return self.exporter.export(batch)

    def shutdown(self) -> None:
        """Shut the wrapped exporter down inside the guard."""
        with pipeline_guard():
            self.exporter.shutdown()  # type: ignore[no-untyped-call]

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Flush the wrapped exporter inside the guard."""
        with pipeline_guard():
            return self.exporter.force_flush(timeout_millis)


class PipelineGuardedSpanExporter(SpanExporter):
    """Runs a SpanExporter inside the re-entry guard, so its transport's logs are not bridged."""

    __slots__ = ("exporter",)

    def __init__(self, exporter: SpanExporter) -> None:
        self.exporter = exporter

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        """Export ``spans`` with the wrapped exporter."""
        with pipeline_guard():
            return self.exporter.export(spans)

    def shutdown(self) -> None:
        """Shut the wrapped exporter down inside the guard."""
        with pipeline_guard():
            self.exporter.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Flush the wrapped exporter inside the guard."""
        with pipeline_guard():
            return self.exporter.force_flush(timeout_millis)
