"""The spool's row format: an OTLP ``ExportLogsServiceRequest``, and the way back.

A spooled batch is stored as the exact bytes an OTLP exporter would send. That keeps
the spool readable by any OTLP tool, lets an exporter that can send raw payloads
(``export_encoded``) replay a row without touching it, and for any other
``LogRecordExporter`` the bytes are decoded back into ``ReadableLogRecord`` objects
that encode to the same request again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from opentelemetry._logs import LogRecord, SeverityNumber
from opentelemetry.attributes import BoundedAttributes
from opentelemetry.sdk._logs import ReadableLogRecord
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import TraceFlags

from hydra_otel.export._encoded import QueuedRecord

Encode = Callable[[Sequence[QueuedRecord]], bytes]


def _load_encoder() -> Encode:
    """Prefer hydra's wire encoder (several times faster); fall back to the SDK's."""
    try:
        from hydra_otel.export.otlp._encoder import OTLPLogsEncoder

        return OTLPLogsEncoder().encode
    except ImportError:
        from opentelemetry.exporter.otlp.proto.common._log_encoder import encode_logs

        return lambda batch: encode_logs(batch).SerializeToString()  # type: ignore[arg-type]


class SpoolCodec:
    """Encodes batches for the spool (thread-safe); :func:`decode_request` reads them back.

    The encoder is loaded on first use: a run that never spools never imports it.
    """

    __slots__ = ("_encode", "_lock")

    def __init__(self, encode: Encode | None = None) -> None:
        self._encode = encode
        self._lock = threading.Lock()

    def encode(self, batch: Sequence[QueuedRecord]) -> bytes:
        """Return the serialized ``ExportLogsServiceRequest`` of ``batch``."""
        with self._lock:  # the wire encoder keeps caches that are not thread-safe
            if self._encode is None:
                self._encode = _load_encoder()
            return self._encode(batch)


def decode_request(payload: bytes) -> list[ReadableLogRecord]:
    """Rebuild SDK records from OTLP bytes, so any LogRecordExporter can resend them.

    Encoding the result with the SDK's encoder gives back the same request.
    """
    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
        ExportLogsServiceRequest,
    )

    request = ExportLogsServiceRequest.FromString(payload)
    records: list[ReadableLogRecord] = []
    for resource_logs in request.resource_logs:
        resource = Resource(
            _attributes(resource_logs.resource.attributes), resource_logs.schema_url
        )
        for scope_logs in resource_logs.scope_logs:
            scope = _scope(scope_logs)
            records.extend(
                ReadableLogRecord(_log_record(pb), resource, scope) for pb in scope_logs.log_records
            )
    return records


def _scope(scope_logs: Any) -> InstrumentationScope:
    scope = scope_logs.scope
    return InstrumentationScope(
        scope.name,
        scope.version or None,
        scope_logs.schema_url or None,
        _attributes(scope.attributes) or None,
    )


def _log_record(pb: Any) -> LogRecord:
    attributes: Any = _attributes(pb.attributes)
    if pb.dropped_attributes_count:
        attributes = BoundedAttributes(maxlen=None, attributes=attributes, immutable=False)
        attributes.dropped = pb.dropped_attributes_count
    record = LogRecord(  # type: ignore[call-overload,misc]
        timestamp=pb.time_unix_nano or None,
        observed_timestamp=pb.observed_time_unix_nano,
        trace_id=int.from_bytes(pb.trace_id, "big") if pb.trace_id else 0,
        span_id=int.from_bytes(pb.span_id, "big") if pb.span_id else 0,
        trace_flags=TraceFlags(pb.flags & 0xFF),
        severity_text=pb.severity_text or None,
        severity_number=_severity(pb.severity_number),
        body=_any_value(pb.body) if pb.HasField("body") else None,
        event_name=pb.event_name or None,
    )
    record.attributes = attributes
    return record  # type: ignore[no-any-return]


def _severity(number: int) -> SeverityNumber | None:
    if not number:
        return None
    try:
        return SeverityNumber(number)
    except ValueError:
        return None


def _attributes(pairs: Iterable[Any]) -> dict[str, Any]:
    return {pair.key: _any_value(pair.value) for pair in pairs}


def _any_value(value: Any) -> Any:
    kind = value.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [_any_value(item) for item in value.array_value.values]
    if kind == "kvlist_value":
        return _attributes(value.kvlist_value.values)
    return getattr(value, kind)
