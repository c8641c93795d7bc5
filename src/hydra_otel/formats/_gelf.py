"""The ``gelf`` format: GELF 1.1 JSON documents, one per line.

Required fields ``version``, ``host``, ``short_message``; ``full_message`` carries
the message with its stack trace; ``timestamp`` is epoch seconds with microsecond
decimals; ``level`` is the syslog severity. Every other field is an additional field:
its name starts with ``_``, uses only ``[A-Za-z0-9_.-]``, is never ``_id``, and its
value is a string or a number (booleans, lists and maps are written as strings).
"""

from __future__ import annotations

import math
import re
import socket
from typing import Any

from hydra_otel.formats._options import FormatOptions
from hydra_otel.formats._record_fields import (
    LAYER_ATTRIBUTE,
    STACKTRACE_ATTRIBUTE,
    AnyLogRecord,
    ResourceFieldCache,
    attribute_map,
    attribute_text,
    dumps_json,
    layer_of,
    logger_name,
    message_text,
    safe_str,
    severity_value,
    span_id_hex,
    timestamp_ns,
    trace_id_hex,
)
from hydra_otel.formats._syslog import syslog_severity

GELF_VERSION = "1.1"
_INVALID_KEY_CHARS = re.compile(r"[^\w.\-]", re.ASCII)
_OWN_FIELDS = frozenset(
    {"_id", "_layer", "_logger", "_trace_id", "_span_id", "_event_name", "_service_name"}
)
_NAME_CACHE_LIMIT = 1024


def gelf_field_name(key: str) -> str:
    """Return the additional-field name of attribute ``key``: ``_`` + valid chars, never ``_id``.

    Names that would collide with ``_id`` or with the fields this format writes itself
    get an ``_attr`` prefix (``id`` -> ``_attr_id``).
    """
    name = "_" + _INVALID_KEY_CHARS.sub("_", key)
    return "_attr" + name if name in _OWN_FIELDS else name


def gelf_value(value: object) -> str | int | float:
    """Return ``value`` as a GELF field value: a number, or a string for anything else."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    return attribute_text(value)


class GelfFormatter:
    """Format records as GELF 1.1 JSON (see the module docstring for the field rules)."""

    __slots__ = ("_hostname", "_names", "_resource_cache")

    header: str | None = None
    """GELF lines have no header."""

    def __init__(self, options: FormatOptions | None = None) -> None:
        """Read the host name once; ``options`` is accepted for a uniform signature."""
        self._hostname = socket.gethostname() or "localhost"
        self._names: dict[str, str] = {}
        self._resource_cache = ResourceFieldCache()

    def format(self, record: AnyLogRecord) -> str:
        """Return the record as one GELF JSON document."""
        return dumps_json(self.to_dict(record))

    def to_dict(self, record: AnyLogRecord) -> dict[str, Any]:
        """Return the GELF document of ``record`` before serialisation."""
        log_record = record.log_record
        attributes = attribute_map(log_record.attributes)
        message = message_text(log_record.body)
        resource_attributes: Any = record.resource.attributes if record.resource else {}
        document: dict[str, Any] = {
            "version": GELF_VERSION,
            "host": safe_str(resource_attributes.get("host.name") or self._hostname),
            "short_message": message or "-",
            "timestamp": round(timestamp_ns(record) / 1e9, 6),
            "level": syslog_severity(severity_value(record)),
        }
        stacktrace = attributes.get(STACKTRACE_ATTRIBUTE)
        if stacktrace is not None:
            document["full_message"] = f"{message}\n{safe_str(stacktrace).rstrip()}"
        self._add_own_fields(document, record, attributes)
        for key, value in tuple(attributes.items()):
            if key not in (LAYER_ATTRIBUTE, STACKTRACE_ATTRIBUTE):
                document[self._field_name(key)] = gelf_value(value)
        return document

    def _add_own_fields(
        self, document: dict[str, Any], record: AnyLogRecord, attributes: Any
    ) -> None:
        document["_layer"] = layer_of(attributes)
        document["_logger"] = logger_name(record)
        trace_id, span_id = trace_id_hex(record), span_id_hex(record)
        if trace_id is not None:
            document["_trace_id"] = trace_id
        if span_id is not None:
            document["_span_id"] = span_id
        if record.log_record.event_name:
            document["_event_name"] = record.log_record.event_name
        service = self._resource_cache.service_name(record.resource)
        if service is not None:
            document["_service_name"] = service

    def _field_name(self, key: str) -> str:
        name = self._names.get(key)
        if name is None:
            name = gelf_field_name(key)
            if len(self._names) < _NAME_CACHE_LIMIT:
                self._names[key] = name
        return name
