"""PreEncodedLogRecord: a record that hydra's emit path has already encoded for OTLP."""

from __future__ import annotations

from typing import Any

from opentelemetry.sdk._logs import ReadableLogRecord


class PreEncodedLogRecord:
    """A log record already encoded as its ``ScopeLogs.log_records`` field.

    Hydra's own emit path encodes a record once, on the calling thread, instead of
    copying it for a background thread to encode later (see
    :meth:`OTLPLogsEncoder.encode_log_field`). Only an :class:`OTLPLogsEncoder` reads
    it: it travels in export batches in place of a ``ReadableLogRecord``, grouped by
    ``resource`` and ``instrumentation_scope`` like any other record.
    """

    __slots__ = ("field", "instrumentation_scope", "resource")

    def __init__(self, field: bytes, resource: Any, instrumentation_scope: Any) -> None:
        self.field = field
        """The ``log_records`` field: its key, its length and the ``LogRecord`` message."""
        self.resource = resource
        self.instrumentation_scope = instrumentation_scope


QueuedRecord = ReadableLogRecord | PreEncodedLogRecord
"""What the export queue holds: a snapshot, or a record hydra's emit path encoded.

Batches of either go to the exporter as they are: pre-encoded records only reach
processors whose exporter is hydra's own (``FallbackExportProcessor.encodes_on_emit``).
"""
