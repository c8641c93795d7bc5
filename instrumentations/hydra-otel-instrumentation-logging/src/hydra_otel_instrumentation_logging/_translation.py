"""Turning a stdlib ``logging.LogRecord`` into OpenTelemetry log record fields.

Computed once at import: the severity of every level number and the set of attribute
names every LogRecord carries, so per record the work is a list index, one set
difference and a small dict.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterable, Mapping
from typing import Any

from opentelemetry._logs import SeverityNumber

from hydra_otel.core import track_error

CODE_FILE_PATH = "code.file.path"
CODE_FUNCTION_NAME = "code.function.name"
CODE_LINE_NUMBER = "code.line.number"
CODE_STACKTRACE = "code.stacktrace"
THREAD_ID = "thread.id"
THREAD_NAME = "thread.name"
EXCEPTION_TYPE = "exception.type"
EXCEPTION_MESSAGE = "exception.message"
EXCEPTION_STACKTRACE = "exception.stacktrace"

_BAND_STARTS = (
    (50, SeverityNumber.FATAL),
    (40, SeverityNumber.ERROR),
    (30, SeverityNumber.WARN),
    (20, SeverityNumber.INFO),
    (10, SeverityNumber.DEBUG),
    (1, SeverityNumber.TRACE),
)


def _severity(levelno: int) -> SeverityNumber:
    """OTel data model: each stdlib band spans four severities (WARNING=30 -> WARN=13)."""
    for start, base in _BAND_STARTS:
        if levelno >= start:
            offset = 0 if start == 1 else min(levelno - start, 3)
            return SeverityNumber(base.value + offset)
    return SeverityNumber.UNSPECIFIED


SEVERITY_BY_LEVEL: tuple[SeverityNumber, ...] = tuple(_severity(n) for n in range(61))
"""Severity of stdlib level numbers 0..60; higher numbers are FATAL4."""


def severity_of(levelno: int) -> SeverityNumber:
    """Return the OTel severity number of a stdlib level number."""
    if 0 <= levelno < len(SEVERITY_BY_LEVEL):
        return SEVERITY_BY_LEVEL[levelno]
    return SeverityNumber.FATAL4 if levelno > 0 else SeverityNumber.UNSPECIFIED


STANDARD_RECORD_KEYS: frozenset[str] = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None))
) | {
    "message",
    "asctime",
    # set by opentelemetry-instrumentation-logging's record factory; trace ids travel natively
    "otelSpanID",
    "otelTraceID",
    "otelTraceSampled",
    "otelServiceName",
}
"""Attribute names of a plain LogRecord; anything else on a record came from ``extra``."""

_PLAIN_RECORD_KEYS = tuple(vars(logging.LogRecord("", 0, "", 0, "", None, None)))
_PLAIN_RECORD_SIZE = len(_PLAIN_RECORD_KEYS)
_LAST_PLAIN_KEY = _PLAIN_RECORD_KEYS[-1]
_SCALARS = (str, bool, int, float)
_EXACT_SCALARS = frozenset(_SCALARS)


def attribute_value(value: Any) -> Any:
    """Return ``value`` as an OTel attribute value: scalars and scalar sequences unchanged,
    flat string-keyed mappings as maps, anything else as text (never dropped)."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, list | tuple) and all(isinstance(item, _SCALARS) for item in value):
        return value
    if isinstance(value, Mapping) and all(
        isinstance(key, str) and isinstance(item, _SCALARS) for key, item in value.items()
    ):
        return dict(value)
    if isinstance(value, Mapping | list | tuple):
        try:
            return json.dumps(value, default=str)
        except (TypeError, ValueError):
            return repr(value)
    return str(value)


def record_attributes(record: logging.LogRecord) -> dict[str, Any]:
    """Return the OTel attributes of ``record``: code location, thread, ``extra``, exception."""
    attributes: dict[str, Any] = {
        CODE_FILE_PATH: record.pathname,
        CODE_FUNCTION_NAME: record.funcName,
        CODE_LINE_NUMBER: record.lineno,
    }
    thread = record.thread
    if thread is not None:
        attributes[THREAD_ID] = thread
    thread_name = record.threadName
    if thread_name is not None:
        attributes[THREAD_NAME] = thread_name
    fields = record.__dict__
    if len(fields) > _PLAIN_RECORD_SIZE:
        # LogRecord.__init__ sets its attributes first, always in the same order: while
        # the last of them is in its place, whatever follows was added later (``extra``,
        # filters), and slicing the key list costs half the set difference that covers
        # any other record (a factory that sets attributes before __init__, a deletion).
        keys: Iterable[str] = list(fields)
        if keys[_PLAIN_RECORD_SIZE - 1] is _LAST_PLAIN_KEY:  # type: ignore[index]
            keys = keys[_PLAIN_RECORD_SIZE:]  # type: ignore[index]
        else:
            keys = fields.keys() - STANDARD_RECORD_KEYS
        for key in keys:
            value = fields[key]
            if value is not None and key not in STANDARD_RECORD_KEYS:
                # exact scalars (the usual ``extra``) pass through without a call
                attributes[key] = value if type(value) in _EXACT_SCALARS else attribute_value(value)
    if record.exc_info:
        attributes.update(exception_attributes(record.exc_info))
    if record.stack_info:
        attributes[CODE_STACKTRACE] = record.stack_info
    return attributes


def exception_attributes(exc_info: Any) -> dict[str, str]:
    """Return ``exception.type``, ``exception.message`` and ``exception.stacktrace``."""
    if not isinstance(exc_info, tuple) or len(exc_info) != 3 or exc_info[0] is None:
        return {}
    exc_type, exc_value, exc_traceback = exc_info
    module = getattr(exc_type, "__module__", "")
    qualname = getattr(exc_type, "__qualname__", str(exc_type))
    return {
        EXCEPTION_TYPE: qualname if module in ("builtins", "") else f"{module}.{qualname}",
        EXCEPTION_MESSAGE: "" if exc_value is None else str(exc_value),
        EXCEPTION_STACKTRACE: "".join(
            traceback.format_exception(exc_type, exc_value, exc_traceback)
        ),
    }


def record_body(record: logging.LogRecord) -> str:
    """Return the formatted message; a message that cannot be formatted keeps its template."""
    try:
        return record.getMessage()
    except Exception as exc:  # a bad %-format in the app's call must not lose the record
        track_error("logging_bridge.format", f"{record.name}: {type(exc).__name__}: {exc}")
        return str(record.msg)
