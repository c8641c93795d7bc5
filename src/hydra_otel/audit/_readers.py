"""Reading chained audit records back from exported JSON-lines files.

Two line formats are understood (``auto`` tells them apart per line):

* ``hydra-json`` — the ``json`` format of hydra-otel's file/console destinations: one
  object per record with ``timestamp``, ``severity_number``, ``layer``, ``message``,
  ``event_name`` (optional) and ``attributes``.
* ``otlp-json`` — OTLP/JSON as written by a collector's file exporter: one
  ``{"resourceLogs": [...]}`` export request per line, any number of records in it.

Lines that hold no ``hydra.audit.mac`` are not audit records and are skipped.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hydra_otel.audit._canonical import DEFAULT_LAYER, LAYER_ATTRIBUTE, MAC

FORMATS = ("auto", "hydra-json", "otlp-json")


@dataclass(slots=True)
class AuditEntry:
    """One audit record as read from a file, ready to be checked."""

    line: int
    """1-based line number (in the concatenation of all files read)."""
    source: str
    """File name and line, for messages."""
    message: str
    severity_number: int
    event_name: str
    layer: str
    attributes: dict[str, Any]
    timestamp_ns: int | None
    """The record's own timestamp as written next to it, when the format has one."""


@dataclass(slots=True)
class MalformedLine:
    """A line that is not valid JSON (possibly a damaged record)."""

    line: int
    source: str
    detail: str


def read_entries(
    lines: Iterator[tuple[str, int, str]], line_format: str = "auto"
) -> Iterator[AuditEntry | MalformedLine]:
    """Parse ``(file, line number, text)`` triples into audit entries."""
    for index, (name, number, text) in enumerate(lines, start=1):
        source = f"{name}:{number}"
        if not text.strip():
            continue
        try:
            document = json.loads(text)
        except ValueError:
            yield MalformedLine(index, source, "not valid JSON")
            continue
        if not isinstance(document, dict):
            yield MalformedLine(index, source, "not a JSON object")
            continue
        if line_format == "otlp-json" or (line_format == "auto" and "resourceLogs" in document):
            yield from _otlp_entries(document, index, source)
        else:
            entry = _hydra_entry(document, index, source)
            if entry is not None:
                yield entry


def _hydra_entry(document: dict[str, Any], line: int, source: str) -> AuditEntry | None:
    attributes = document.get("attributes")
    if not isinstance(attributes, dict) or MAC not in attributes:
        return None
    return AuditEntry(
        line=line,
        source=source,
        message=str(document.get("message", "")),
        severity_number=int(document.get("severity_number") or 0),
        event_name=str(document.get("event_name") or ""),
        layer=str(document.get("layer") or DEFAULT_LAYER),
        attributes=attributes,
        timestamp_ns=_iso_to_ns(document.get("timestamp")),
    )


def _iso_to_ns(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    seconds = int(moment.timestamp())
    return seconds * 1_000_000_000 + moment.microsecond * 1000


def _otlp_entries(document: dict[str, Any], line: int, source: str) -> Iterator[AuditEntry]:
    for resource_logs in document.get("resourceLogs") or ():
        for scope_logs in resource_logs.get("scopeLogs") or ():
            for record in scope_logs.get("logRecords") or ():
                attributes = _otlp_attributes(record.get("attributes") or ())
                if MAC not in attributes:
                    continue
                body = _any_value(record.get("body") or {})
                layer = attributes.get(LAYER_ATTRIBUTE, DEFAULT_LAYER)
                yield AuditEntry(
                    line=line,
                    source=source,
                    message=body if isinstance(body, str) else json.dumps(body),
                    severity_number=_severity(record.get("severityNumber")),
                    event_name=str(record.get("eventName") or ""),
                    layer=str(layer),
                    attributes=attributes,
                    timestamp_ns=_int_or_none(record.get("timeUnixNano")),
                )


def _otlp_attributes(items: Any) -> dict[str, Any]:
    return {item.get("key", ""): _any_value(item.get("value") or {}) for item in items}


def _any_value(value: dict[str, Any]) -> Any:
    if "stringValue" in value:
        return value["stringValue"]
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "intValue" in value:
        return int(value["intValue"])
    if "doubleValue" in value:
        return float(value["doubleValue"])
    if "bytesValue" in value:
        raw = base64.b64decode(value["bytesValue"])
        return raw.decode("utf-8", "backslashreplace")
    if "arrayValue" in value:
        return [_any_value(v) for v in value["arrayValue"].get("values") or ()]
    if "kvlistValue" in value:
        return _otlp_attributes(value["kvlistValue"].get("values") or ())
    return None


def _severity(value: Any) -> int:
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        if value.isdigit():
            return int(value)
        from opentelemetry._logs import SeverityNumber

        name = value.removeprefix("SEVERITY_NUMBER_")
        member = SeverityNumber.__members__.get(name)
        return member.value if member is not None else 0
    return 0


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "", "0", 0) else None
    except (TypeError, ValueError):
        return None
