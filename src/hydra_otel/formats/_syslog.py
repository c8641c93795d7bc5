"""The ``syslog`` format: RFC 5424 lines.

``<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ELEMENT] MSG`` where PRI is
``facility * 8 + severity`` (OTel severity mapped onto the syslog scale), APP-NAME is
``service.name``, MSGID the Hydra layer, and the structured-data element
``hydra@32473`` carries the logger name, trace context and attributes.

32473 is the private enterprise number RFC 5612 reserves for documentation; the
SD-ID only has to be unique to this producer. Each record is one line: control
characters in MSG and in SD values are written as ``#ooo`` octal escapes (the
convention rsyslog uses), so a line break in a message cannot forge a second record.
The MSG is written without the optional UTF-8 BOM.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from opentelemetry.sdk.resources import Resource

from hydra_otel.formats._options import FormatOptions
from hydra_otel.formats._record_fields import (
    LAYER_ATTRIBUTE,
    STACKTRACE_ATTRIBUTE,
    AnyLogRecord,
    attribute_map,
    attribute_text,
    layer_of,
    logger_name,
    message_text,
    safe_str,
    service_name,
    severity_value,
    span_id_hex,
    timestamp_ns,
    trace_id_hex,
)
from hydra_otel.formats._timestamps import iso_utc_renderer

SD_ID = "hydra@32473"
"""The SD-ID of the structured-data element holding the record's attributes."""

NILVALUE = "-"
_HEADER_LIMITS = {"hostname": 255, "app_name": 48, "procid": 128, "msgid": 32}
_SD_NAME_LIMIT = 32
_NAME_CACHE_LIMIT = 1024

# Header fields are PRINTUSASCII (33-126); SD-NAMEs additionally exclude = ] ".
_HEADER_TABLE = {code: "_" for code in range(256) if not 33 <= code <= 126}
_SD_NAME_EXCLUDED = frozenset('=]"')
_CONTROL_ESCAPES = {code: f"#{code:03o}" for code in (*range(32), 127) if code != 9}
_SD_VALUE_ESCAPES = {**_CONTROL_ESCAPES, ord("\\"): "\\\\", ord('"'): '\\"', ord("]"): "\\]"}


def syslog_severity(otel_severity: int) -> int:
    """Map an OTel severity number onto the syslog severity scale (0 emergency … 7 debug).

    TRACE and DEBUG -> 7, INFO -> 6, INFO2-4 (audit, compliance) -> 5 notice,
    WARN -> 4, ERROR -> 3, FATAL -> 2; an unset severity counts as informational.
    """
    if otel_severity <= 0:
        return 6
    if otel_severity <= 8:
        return 7
    if otel_severity == 9:
        return 6
    if otel_severity <= 12:
        return 5
    if otel_severity <= 16:
        return 4
    if otel_severity <= 20:
        return 3
    return 2


def header_field(value: str | None, field: str) -> str:
    """Return ``value`` as an RFC 5424 header field: printable ASCII, length-limited, or ``-``."""
    if not value:
        return NILVALUE
    cleaned = value.translate(_HEADER_TABLE)[: _HEADER_LIMITS[field]]
    return cleaned or NILVALUE


def sd_name(key: str) -> str:
    """Return ``key`` as a valid SD-NAME: printable ASCII without ``= ] "``, at most 32 chars."""
    cleaned = "".join(
        "_" if ch in _SD_NAME_EXCLUDED or not 33 <= ord(ch) <= 126 else ch for ch in key
    )
    return cleaned[:_SD_NAME_LIMIT] or "_"


def sd_value(value: str) -> str:
    """Escape ``"``, ``\\`` and ``]`` as RFC 5424 requires (and control characters as ``#ooo``)."""
    return value.translate(_SD_VALUE_ESCAPES)


class SyslogFormatter:
    """Format records as RFC 5424 syslog lines (see the module docstring for the mapping)."""

    __slots__ = ("_facility", "_header_cache", "_hostname", "_names", "_timestamp")

    header: str | None = None
    """Syslog lines have no header."""

    def __init__(self, options: FormatOptions | None = None) -> None:
        """Read the facility from ``options`` and the host name once."""
        self._facility = options.syslog_facility if options is not None else 1
        self._hostname = socket.gethostname()
        self._timestamp = iso_utc_renderer()
        self._names: dict[str, str] = {}
        self._header_cache: tuple[Resource | None, int, str] | None = None

    def format(self, record: AnyLogRecord) -> str:
        """Return the record as one RFC 5424 line."""
        log_record = record.log_record
        attributes = attribute_map(log_record.attributes)
        pri = self._facility * 8 + syslog_severity(severity_value(record))
        msgid = header_field(layer_of(attributes), "msgid")
        message = message_text(log_record.body)
        stacktrace = attributes.get(STACKTRACE_ATTRIBUTE)
        if stacktrace is not None:
            message = f"{message}\n{safe_str(stacktrace).rstrip()}"
        return (
            f"<{pri}>1 {self._timestamp(timestamp_ns(record))} {self._host_app_proc(record)} "
            f"{msgid} {self._structured_data(record, attributes)}"
            + (f" {message.translate(_CONTROL_ESCAPES)}" if message else "")
        )

    def _host_app_proc(self, record: AnyLogRecord) -> str:
        resource = record.resource
        pid = os.getpid()
        cached = self._header_cache
        if cached is not None and cached[0] is resource and cached[1] == pid:
            return cached[2]
        attributes: Any = resource.attributes if resource is not None else {}
        text = " ".join(
            (
                header_field(safe_str(attributes.get("host.name") or self._hostname), "hostname"),
                header_field(service_name(resource), "app_name"),
                header_field(safe_str(attributes.get("process.pid") or pid), "procid"),
            )
        )
        self._header_cache = (resource, pid, text)
        return text

    def _structured_data(self, record: AnyLogRecord, attributes: Any) -> str:
        params = [f'logger="{sd_value(logger_name(record))}"']
        trace_id, span_id = trace_id_hex(record), span_id_hex(record)
        if trace_id is not None:
            params.append(f'trace_id="{trace_id}"')
        if span_id is not None:
            params.append(f'span_id="{span_id}"')
        for key, value in tuple(attributes.items()):
            if key in (LAYER_ATTRIBUTE, STACKTRACE_ATTRIBUTE):
                continue
            params.append(f'{self._sd_name(key)}="{sd_value(attribute_text(value))}"')
        return f"[{SD_ID} {' '.join(params)}]"

    def _sd_name(self, key: str) -> str:
        name = self._names.get(key)
        if name is None:
            name = sd_name(key)
            if len(self._names) < _NAME_CACHE_LIMIT:
                self._names[key] = name
        return name
