"""A hand-written encoder of ``ExportLogsServiceRequest`` straight from SDK log records.

The output decodes (with opentelemetry-proto) to exactly the message the SDK's
``encode_logs`` builds: records are grouped by resource, then by instrumentation scope,
in order of first appearance, with resources and scopes compared by value as the
SDK's dictionaries do. Everything that repeats between records and batches is encoded
once: the resource and scope headers, severity fields, and attribute pairs.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

from opentelemetry._logs import SeverityNumber
from opentelemetry.sdk._logs import ReadableLogRecord, ReadWriteLogRecord

from hydra_otel.core import track_error
from hydra_otel.export._encoded import PreEncodedLogRecord, group_of
from hydra_otel.export.otlp._any_value import (
    RecordAttributeEncoder,
    encode_any_value,
    encode_attributes,
)
from hydra_otel.export.otlp._wire import (
    length_delimited,
    pack_fixed32,
    string_field,
    varint,
)

LogRecordLike = ReadableLogRecord | ReadWriteLogRecord | PreEncodedLogRecord
"""What the encoder accepts: the SDK's frozen or mutable log record, or one it encoded."""

# Field keys (field number << 3 | wire type) of the messages written here.
_RESOURCE_LOGS = b"\x0a"  # ExportLogsServiceRequest.resource_logs
_RESOURCE = b"\x0a"  # ResourceLogs.resource
_SCOPE_LOGS = b"\x12"  # ResourceLogs.scope_logs
_SCHEMA_URL = b"\x1a"  # ResourceLogs.schema_url and ScopeLogs.schema_url
_SCOPE = b"\x0a"  # ScopeLogs.scope
_LOG_RECORD = b"\x12"  # ScopeLogs.log_records
_RESOURCE_ATTRIBUTE = b"\x0a"  # Resource.attributes
_SCOPE_NAME, _SCOPE_VERSION, _SCOPE_ATTRIBUTE = b"\x0a", b"\x12", b"\x1a"
_SEVERITY_NUMBER, _SEVERITY_TEXT, _BODY = b"\x10", b"\x1a", b"\x2a"
_DROPPED, _FLAGS, _TRACE_ID, _SPAN_ID = b"\x38", b"\x45", b"\x4a\x10", b"\x52\x08"
_EVENT_NAME = b"\x62"
_TIME_KEY, _OBSERVED_TIME_KEY = 0x09, 0x59
_pack_keyed_fixed64 = struct.Struct("<BQ").pack
"""A one-byte field key and a fixed64 value (the timestamps) in one call."""

_MISSING = object()
_MAX_CACHED_HEADERS = 256
_MAX_CACHED_BODIES = 4096
_LONGEST_CACHED_BODY = 256


class _Canonical:
    """Maps each object to the first object of the batch equal to it.

    Objects are found by identity first; values are only hashed once a second distinct
    object shows up (a Resource hashes by dumping its attributes to JSON).
    """

    __slots__ = ("_by_id", "_by_value")

    def __init__(self) -> None:
        self._by_id: dict[int, Any] = {}
        self._by_value: dict[Any, Any] | None = None

    def __call__(self, obj: Any) -> Any:
        found = self._by_id.get(id(obj), _MISSING)
        if found is not _MISSING:
            return found
        if not self._by_id:
            self._by_id[id(obj)] = obj
            return obj
        if self._by_value is None:
            self._by_value = {}
            for seen in self._by_id.values():
                self._by_value.setdefault(seen, seen)
        canonical = self._by_value.setdefault(obj, obj)
        self._by_id[id(obj)] = canonical
        return canonical


_Group = tuple[Any, dict[int, tuple[Any, list[LogRecordLike]]]]


def group_by_resource_and_scope(batch: Sequence[LogRecordLike]) -> list[_Group]:
    """Group records as the SDK does: ``[(resource, {id: (scope, [records])})]`` in order."""
    groups: dict[int, _Group] = {}
    canonical_resource, canonical_scope = _Canonical(), _Canonical()
    last_resource: Any = _MISSING
    last_scope: Any = _MISSING
    last_records: list[LogRecordLike] = []
    for record in batch:
        if isinstance(record, tuple):  # pre-encoded by hydra's emit path
            resource, scope = group_of(record)
        else:
            resource = record.resource
            scope = record.instrumentation_scope or None
        if resource is last_resource and scope is last_scope:
            last_records.append(record)
            continue
        last_resource, last_scope = resource, scope
        resource = canonical_resource(resource)
        scope = canonical_scope(scope)
        scopes = groups.setdefault(id(resource), (resource, {}))[1]
        last_records = scopes.setdefault(id(scope), (scope, []))[1]
        last_records.append(record)
    return list(groups.values())


def _single_pre_encoded_group(batch: Sequence[LogRecordLike]) -> int | None:
    """The group id when every record is pre-encoded under the same resource and scope."""
    if not batch:
        return None
    first = batch[0]
    if type(first) is not tuple:
        return None
    group = first[1]
    for record in batch:
        if type(record) is not tuple or record[1] != group:
            return None
    return group


def _encode_resource_header(resource: Any) -> tuple[bytes, bytes]:
    if resource is None:
        return length_delimited(_RESOURCE, b""), b""
    body = encode_attributes(resource.attributes, _RESOURCE_ATTRIBUTE)
    return length_delimited(_RESOURCE, body), string_field(_SCHEMA_URL, resource.schema_url)


def _encode_scope_header(scope: Any) -> tuple[bytes, bytes]:
    if scope is None:
        return length_delimited(_SCOPE, b""), b""
    body = (
        string_field(_SCOPE_NAME, scope.name)
        + string_field(_SCOPE_VERSION, scope.version)
        + encode_attributes(scope.attributes, _SCOPE_ATTRIBUTE)
    )
    return length_delimited(_SCOPE, body), string_field(_SCHEMA_URL, scope.schema_url)


def _encode_body(body: object) -> bytes:
    if type(body) is str:
        return length_delimited(_BODY, length_delimited(b"\x0a", body.encode("utf-8")))
    try:
        return length_delimited(_BODY, encode_any_value(body))
    except (TypeError, ValueError) as error:
        # The SDK's encoder fails the whole batch here; keep the record, as text.
        track_error("otlp_encode", f"log body sent as text: {error}")
        text = str(body).encode("utf-8", "replace")
        return length_delimited(_BODY, length_delimited(b"\x0a", text))


class OTLPLogsEncoder:
    """Encodes batches of SDK log records into ``ExportLogsServiceRequest`` bytes.

    One instance keeps its caches between batches, so reuse it (an exporter owns one).
    It is safe to share between threads: the caches only ever hold finished bytes.

    Example:
        >>> payload = OTLPLogsEncoder().encode(batch)  # POST to /v1/logs as is
    """

    __slots__ = (
        "_attributes",
        "_bodies",
        "_headers",
        "_severities",
        "_severity_numbers",
        "_severity_texts",
    )

    def __init__(self) -> None:
        self._attributes = RecordAttributeEncoder()
        self._headers: dict[int, tuple[Any, bytes, bytes]] = {}
        self._bodies: dict[str, bytes] = {}
        self._severities: dict[str | None, tuple[SeverityNumber, bytes]] = {}
        self._severity_numbers: dict[SeverityNumber, bytes] = {}
        self._severity_texts: dict[str, bytes] = {}

    def encode(self, batch: Sequence[LogRecordLike]) -> bytes:
        """Return the serialized ``ExportLogsServiceRequest`` for ``batch``.

        Raises:
            Exception: only for records that are not SDK log records; values that
                cannot be encoded are skipped (attributes) or sent as text (bodies)
                and counted under ``track_error("otlp_encode", ...)``.
        """
        group = _single_pre_encoded_group(batch)
        if group is not None:  # the emit path's usual batch: join the fields, nothing else
            resource, scope = group_of(batch[0])  # type: ignore[arg-type]
            fields = [record[0] for record in batch]  # type: ignore[index]
            return self._request(resource, scope, b"".join(fields))
        parts = []
        for resource, scopes in group_by_resource_and_scope(batch):
            head, tail = self._header(resource, _encode_resource_header)
            resource_parts = [head]
            for scope, records in scopes.values():
                resource_parts.append(
                    length_delimited(_SCOPE_LOGS, self._scope_logs(scope, records))
                )
            resource_parts.append(tail)
            parts.append(length_delimited(_RESOURCE_LOGS, b"".join(resource_parts)))
        return b"".join(parts)

    def _request(self, resource: Any, scope: Any, log_record_fields: bytes) -> bytes:
        """The request holding one resource, one scope and these encoded records."""
        scope_head, scope_tail = self._header(scope, _encode_scope_header)
        scope_logs = length_delimited(_SCOPE_LOGS, scope_head + log_record_fields + scope_tail)
        head, tail = self._header(resource, _encode_resource_header)
        return length_delimited(_RESOURCE_LOGS, head + scope_logs + tail)

    def _scope_logs(self, scope: Any, records: list[LogRecordLike]) -> bytes:
        head, tail = self._header(scope, _encode_scope_header)
        encode_record = self.encode_record
        scope_parts = [head]
        scope_parts += [
            r[0] if type(r) is tuple else length_delimited(_LOG_RECORD, encode_record(r))  # type: ignore[arg-type]
            for r in records
        ]
        scope_parts.append(tail)
        return b"".join(scope_parts)

    def _header(self, obj: Any, encode: Any) -> tuple[bytes, bytes]:
        """Return the cached (leading field, schema_url field) of a resource or scope."""
        cached = self._headers.get(id(obj))
        if cached is not None and cached[0] is obj:
            return cached[1], cached[2]
        head, tail = encode(obj)
        if len(self._headers) >= _MAX_CACHED_HEADERS:
            self._headers.clear()
        self._headers[id(obj)] = (obj, head, tail)  # holding obj keeps its id unique
        return head, tail

    def encode_record(self, record: ReadableLogRecord | ReadWriteLogRecord) -> bytes:
        """Return the body of one ``LogRecord`` message (fields in field-number order)."""
        return self.encode_log(record.log_record, record.dropped_attributes)

    def encode_log_field(self, log: Any, unique_attribute: tuple[str, str] | None = None) -> bytes:
        """Return ``log`` (an API ``LogRecord``) as a ready ``log_records`` field.

        ``unique_attribute`` (a ``(key, text)`` pair that never repeats, such as a record
        id) is encoded after the record's own attributes, as if it had been added to its
        attribute dict last (which is left untouched). Wrap the result in
        a pre-encoded record (``hydra_otel.export._encoded.pre_encoded``) to put it in
        a batch.
        """
        parts = self._log_parts(log, 0, unique_attribute)
        size = 0
        for part in parts:
            size += len(part)
        parts[0] = _LOG_RECORD  # the two slots _log_parts leaves empty: one join, one copy
        parts[1] = varint(size)
        return b"".join(parts)

    def encode_log(
        self, log: Any, dropped: int = 0, unique_attribute: tuple[str, str] | None = None
    ) -> bytes:
        """Return the body of the ``LogRecord`` message of an API ``LogRecord``."""
        return b"".join(self._log_parts(log, dropped, unique_attribute))

    def _log_parts(
        self, log: Any, dropped: int, unique_attribute: tuple[str, str] | None
    ) -> list[bytes]:
        """The fields of the ``LogRecord`` message, in field-number order, after two empty
        slots where :meth:`encode_log_field` puts the field key and length."""
        parts: list[bytes] = [b"", b""]
        timestamp = log.timestamp
        if timestamp:
            parts.append(_pack_keyed_fixed64(_TIME_KEY, timestamp))
        number, text = log.severity_number, log.severity_text
        cached = self._severities.get(text)
        if cached is not None and cached[0] is number:
            parts.append(cached[1])
        else:
            parts.append(self._new_severity(number, text))
        body = log.body
        if type(body) is str:
            field = self._bodies.get(body)
            if field is None:
                field = self._new_body(body)
            parts.append(field)
        else:
            parts.append(_encode_body(body))
        attributes = log.attributes
        if attributes:
            self._attributes.append_to(parts, attributes)
        if unique_attribute is not None:
            key, value = unique_attribute
            parts.append(self._attributes.unique_str_pair(key, value))
        if dropped:
            parts.append(_DROPPED + varint(dropped))
        if log.trace_id or log.span_id or log.trace_flags:
            self._append_trace_context(parts, log.trace_flags, log.trace_id, log.span_id)
        observed = log.observed_timestamp
        if observed:
            parts.append(_pack_keyed_fixed64(_OBSERVED_TIME_KEY, observed))
        if log.event_name:
            parts.append(string_field(_EVENT_NAME, log.event_name))
        return parts

    @staticmethod
    def _append_trace_context(
        parts: list[bytes], flags: int | None, trace_id: int | None, span_id: int | None
    ) -> None:
        if flags:
            parts.append(_FLAGS + pack_fixed32(int(flags)))
        if trace_id:
            parts.append(_TRACE_ID + trace_id.to_bytes(16, "big"))
        if span_id:
            parts.append(_SPAN_ID + span_id.to_bytes(8, "big"))

    def _new_body(self, body: str) -> bytes:
        """Encode a text body, remembering short ones: log messages repeat."""
        field = _encode_body(body)
        if len(body) <= _LONGEST_CACHED_BODY:
            if len(self._bodies) >= _MAX_CACHED_BODIES:
                self._bodies.clear()
            self._bodies[body] = field
        return field

    def _new_severity(self, number: Any, text: str | None) -> bytes:
        """The severity number and text fields, remembered by text for SDK severities."""
        field = (self._severity_number(number) if number is not None else b"") + (
            self._severity_text(text) if text else b""
        )
        if type(number) is SeverityNumber and len(self._severities) < 64:
            self._severities[text] = (number, field)
        return field

    def _severity_number(self, severity: SeverityNumber) -> bytes:
        field = self._severity_numbers.get(severity) if type(severity) is SeverityNumber else None
        if field is None:
            number = getattr(severity, "value", None)  # as the SDK: a bare int is not sent
            field = _SEVERITY_NUMBER + varint(number & 0xFFFFFFFFFFFFFFFF) if number else b""
            if type(severity) is SeverityNumber:
                self._severity_numbers[severity] = field
        return field

    def _severity_text(self, text: str) -> bytes:
        field = self._severity_texts.get(text)
        if field is None:
            field = string_field(_SEVERITY_TEXT, text)
            if len(self._severity_texts) < 64:
                self._severity_texts[text] = field
        return field
