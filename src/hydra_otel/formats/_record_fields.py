"""Reading the fields every format needs out of an SDK log record, without raising.

Formats receive ``ReadableLogRecord`` (from exporters) or ``ReadWriteLogRecord``
(from processors); both carry ``.log_record``, ``.resource`` and
``.instrumentation_scope``. These helpers turn them into plain strings and JSON-safe
values: a bytes attribute, a NaN, a cyclic dict or an object whose ``__str__`` raises
must never break a log line.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, TypeAlias

from opentelemetry.sdk._logs import ReadableLogRecord, ReadWriteLogRecord
from opentelemetry.sdk.resources import Resource

from hydra_otel.config import DEFAULT_LAYER

AnyLogRecord: TypeAlias = ReadableLogRecord | ReadWriteLogRecord
"""What a format accepts: the exporter's read-only record or the processor's writable one."""

LAYER_ATTRIBUTE = "hydra.layer"
STACKTRACE_ATTRIBUTE = "exception.stacktrace"
SERVICE_NAME_ATTRIBUTE = "service.name"
UNKNOWN_LOGGER = "-"

_MAX_DEPTH = 16
_NO_ATTRIBUTES: Mapping[str, Any] = MappingProxyType({})

# Stdlib-style level names by OTel severity number (1-4 TRACE … 21-24 FATAL).
_LEVEL_BY_RANGE = ("NOTSET", "TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def level_name_for_severity(number: int) -> str:
    """Return the level name of an OTel severity number (0 = ``NOTSET``)."""
    if number <= 0:
        return "NOTSET"
    return _LEVEL_BY_RANGE[min((number - 1) // 4 + 1, 6)]


def severity_value(record: AnyLogRecord) -> int:
    """Return the record's severity number as an int (0 when unset)."""
    number = record.log_record.severity_number
    # ``_value_`` is the enum's documented storage; ``.value`` is a slower descriptor.
    return 0 if number is None else int(number._value_)


def attribute_map(attributes: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """Return the record's attributes as a mapping that is cheap to read.

    The SDK's BoundedAttributes serves ``get`` and iteration through Python-level
    ``__getitem__`` and a lock (microseconds per record); its backing ``dict`` gives
    the same data at C speed. Iterate it as ``tuple(mapping.items())`` (one C call,
    a consistent snapshot under the GIL). Other mappings are returned unchanged.
    """
    if not attributes:
        return _NO_ATTRIBUTES
    backing = getattr(attributes, "_dict", None)
    return backing if type(backing) is dict else attributes


def level_name(record: AnyLogRecord) -> str:
    """Return the severity text, or the level name derived from the severity number."""
    text = record.log_record.severity_text
    return text if text else level_name_for_severity(severity_value(record))


def timestamp_ns(record: AnyLogRecord) -> int:
    """Return when the event happened: the timestamp, else the observed timestamp, else now."""
    log_record = record.log_record
    return log_record.timestamp or log_record.observed_timestamp or time.time_ns()


def layer_of(attributes: Mapping[str, Any] | None) -> str:
    """Return the ``hydra.layer`` attribute, or ``DEFAULT`` for records without one (stdlib)."""
    if attributes:
        layer = attributes.get(LAYER_ATTRIBUTE)
        if layer is not None:
            return layer if isinstance(layer, str) else safe_str(layer)
    return DEFAULT_LAYER


def logger_name(record: AnyLogRecord) -> str:
    """Return the logger name: the instrumentation scope's name."""
    scope = record.instrumentation_scope
    return scope.name if scope is not None and scope.name else UNKNOWN_LOGGER


def trace_id_hex(record: AnyLogRecord) -> str | None:
    """Return the 32-digit hex trace id, or None when the record has no valid one."""
    trace_id = record.log_record.trace_id
    return f"{trace_id:032x}" if trace_id else None


def span_id_hex(record: AnyLogRecord) -> str | None:
    """Return the 16-digit hex span id, or None when the record has no valid one."""
    span_id = record.log_record.span_id
    return f"{span_id:016x}" if span_id else None


def service_name(resource: Resource | None) -> str | None:
    """Return ``service.name`` of the record's resource, if any."""
    if resource is None:
        return None
    value = resource.attributes.get(SERVICE_NAME_ATTRIBUTE)
    return None if value is None else safe_str(value)


def safe_str(value: object) -> str:
    """``str(value)`` that never raises (bytes are decoded, failures fall back to a marker)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "backslashreplace")
    try:
        return str(value)
    except Exception:  # a user's __str__ must not break logging
        try:
            return object.__repr__(value)
        except Exception:
            return "<unprintable>"


def message_text(body: object) -> str:
    """Render a record body as the message string (structured bodies become JSON)."""
    if isinstance(body, str):
        return body
    if body is None:
        return ""
    if isinstance(body, Mapping | list | tuple):
        return dumps_json(body)
    return safe_str(body)


def json_safe(value: object, depth: int = 0) -> Any:
    """Return ``value`` converted to something ``json.dumps`` accepts in strict mode."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if depth >= _MAX_DEPTH:
        return "..."
    if isinstance(value, Mapping):
        return {safe_str(key): json_safe(item, depth + 1) for key, item in value.items()}
    if isinstance(value, Sequence | set | frozenset) and not isinstance(value, bytes | bytearray):
        return [json_safe(item, depth + 1) for item in value]
    return safe_str(value)


_STRICT_ENCODER = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, default=safe_str, separators=(",", ":")
)
_PLAIN_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps_json(value: object) -> str:
    """Serialize ``value`` as strict, single-line JSON; odd values are converted, never raise.

    One encoder is built at import (``json.dumps`` with options builds one per call);
    NaN, non-string keys or cycles fall back to :func:`json_safe`.
    """
    try:
        return _STRICT_ENCODER.encode(value)
    except (TypeError, ValueError, RecursionError):
        return _PLAIN_ENCODER.encode(json_safe(value))


def attribute_text(value: object) -> str:
    """Render an attribute value as text: strings as they are, bytes decoded, lists as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, bytes | bytearray):
        return safe_str(value)
    return dumps_json(value)


def compact_value(value: object) -> str:
    """Render an attribute value for a ``key=value`` pair: bare when safe, JSON-quoted otherwise."""
    if isinstance(value, str | bytes | bytearray):
        text = safe_str(value)
        if text and text.isprintable() and " " not in text and "=" not in text and '"' not in text:
            return text
        return json.dumps(text, ensure_ascii=False)
    return attribute_text(value)


class ResourceFieldCache:
    """Remember one value derived from the last Resource seen (records share resources).

    The pair is stored as one tuple so concurrent threads never read a value that
    belongs to another resource.
    """

    __slots__ = ("_last",)

    def __init__(self) -> None:
        """Start empty."""
        self._last: tuple[Resource | None, str | None] | None = None

    def service_name(self, resource: Resource | None) -> str | None:
        """Return ``service.name`` of ``resource``, cached while the resource repeats."""
        last = self._last
        if last is not None and last[0] is resource:
            return last[1]
        name = service_name(resource)
        self._last = (resource, name)
        return name
