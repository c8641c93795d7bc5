"""The ``json`` format: one JSON object per line, safe for any attribute value."""

from __future__ import annotations

from typing import Any

from hydra_otel.formats._options import FormatOptions
from hydra_otel.formats._record_fields import (
    LAYER_ATTRIBUTE,
    AnyLogRecord,
    ResourceFieldCache,
    attribute_map,
    dumps_json,
    layer_of,
    level_name,
    logger_name,
    message_text,
    severity_value,
    span_id_hex,
    timestamp_ns,
    trace_id_hex,
)
from hydra_otel.formats._timestamps import iso_utc_renderer


class JsonFormatter:
    """Format records as single-line JSON objects.

    Keys, in order: ``timestamp`` (ISO-8601 UTC with microseconds), ``level``,
    ``severity_number``, ``layer``, ``logger``, ``message``, ``trace_id`` and
    ``span_id`` (hex, only when present), ``event_name`` (when present),
    ``attributes`` (all but ``hydra.layer``), ``service.name`` (when the resource has one).
    Bytes, NaN, nested and unserialisable values are converted, never raised.
    """

    __slots__ = ("_resource_cache", "_timestamp")

    header: str | None = None
    """JSON lines have no header."""

    def __init__(self, options: FormatOptions | None = None) -> None:
        """Prepare the timestamp renderer; ``options`` is accepted for a uniform signature."""
        self._timestamp = iso_utc_renderer()
        self._resource_cache = ResourceFieldCache()

    def format(self, record: AnyLogRecord) -> str:
        """Return the record as one JSON object (no trailing newline)."""
        return dumps_json(self.to_dict(record))

    def to_dict(self, record: AnyLogRecord) -> dict[str, Any]:
        """Return the JSON object of ``record`` before serialisation."""
        log_record = record.log_record
        attributes = attribute_map(log_record.attributes)
        document: dict[str, Any] = {
            "timestamp": self._timestamp(timestamp_ns(record)),
            "level": level_name(record),
            "severity_number": severity_value(record),
            "layer": layer_of(attributes),
            "logger": logger_name(record),
            "message": message_text(log_record.body),
        }
        trace_id, span_id = trace_id_hex(record), span_id_hex(record)
        if trace_id is not None:
            document["trace_id"] = trace_id
        if span_id is not None:
            document["span_id"] = span_id
        if log_record.event_name:
            document["event_name"] = log_record.event_name
        document["attributes"] = {
            key: value for key, value in tuple(attributes.items()) if key != LAYER_ATTRIBUTE
        }
        service = self._resource_cache.service_name(record.resource)
        if service is not None:
            document["service.name"] = service
        return document
