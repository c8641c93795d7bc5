"""Flattened, test-friendly views of the OTLP data a receiver has decoded.

OTLP nests records three deep (resource → scope → record) and wraps every value
in ``AnyValue``. Assertions read far better against one flat record carrying
plain Python values, so the receiver converts each request into the dataclasses
below as it arrives.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

#: A Python value decoded from an OTLP ``AnyValue``.
AttributeValue = Any


@dataclass(frozen=True, slots=True)
class ReceivedLog:
    """One log record as a backend received it, with values decoded to Python.

    Attributes:
        body: The record body (``str``, ``int``, ``float``, ``bool``, ``bytes``,
            ``list``, ``dict``) or ``None`` when the body was empty.
        severity_number: OTLP severity number (``0`` when unspecified).
        severity_text: Severity text as sent.
        attributes: Record attributes.
        resource: Attributes of the resource the record was sent under.
        scope_name: Name of the instrumentation scope (the logger name).
        trace_id: Trace id as 32 lowercase hex digits, ``""`` when absent.
        span_id: Span id as 16 lowercase hex digits, ``""`` when absent.
        flags: The record's trace flags field.
        event_name: The record's event name, ``""`` when absent.
        time_unix_nano: Event timestamp in nanoseconds since the epoch.
        observed_time_unix_nano: Observed timestamp in nanoseconds since the epoch.
        scope_version: Version of the instrumentation scope, ``""`` when absent.
    """

    body: AttributeValue
    severity_number: int
    severity_text: str
    attributes: dict[str, AttributeValue]
    resource: dict[str, AttributeValue]
    scope_name: str
    trace_id: str
    span_id: str
    flags: int
    event_name: str
    time_unix_nano: int
    observed_time_unix_nano: int
    scope_version: str = ""


@dataclass(frozen=True, slots=True)
class ReceivedSpan:
    """One span as a backend received it.

    Attributes:
        name: Span name.
        trace_id: Trace id as 32 lowercase hex digits.
        span_id: Span id as 16 lowercase hex digits.
        resource: Attributes of the resource the span was sent under.
        attributes: Span attributes.
        parent_span_id: Parent span id in hex, ``""`` for a root span.
        scope_name: Name of the instrumentation scope (the tracer name).
    """

    name: str
    trace_id: str
    span_id: str
    resource: dict[str, AttributeValue]
    attributes: dict[str, AttributeValue]
    parent_span_id: str = ""
    scope_name: str = ""
    events: tuple[str, ...] = field(default=())


def decode_any_value(value: AnyValue) -> AttributeValue:
    """Convert an OTLP ``AnyValue`` into the equivalent Python value (``None`` if unset)."""
    kind = value.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [decode_any_value(item) for item in value.array_value.values]
    if kind == "kvlist_value":
        return decode_key_values(value.kvlist_value.values)
    return getattr(value, kind)


def decode_key_values(pairs: Iterable[KeyValue]) -> dict[str, AttributeValue]:
    """Convert repeated OTLP ``KeyValue`` pairs into a dict."""
    return {pair.key: decode_any_value(pair.value) for pair in pairs}


def flatten_logs(request: ExportLogsServiceRequest) -> list[ReceivedLog]:
    """Flatten every log record of an export request, in the order sent."""
    flat: list[ReceivedLog] = []
    for resource_logs in request.resource_logs:
        resource = decode_key_values(resource_logs.resource.attributes)
        for scope_logs in resource_logs.scope_logs:
            scope = scope_logs.scope
            for record in scope_logs.log_records:
                flat.append(
                    ReceivedLog(
                        body=decode_any_value(record.body),
                        severity_number=int(record.severity_number),
                        severity_text=record.severity_text,
                        attributes=decode_key_values(record.attributes),
                        resource=resource,
                        scope_name=scope.name,
                        trace_id=record.trace_id.hex(),
                        span_id=record.span_id.hex(),
                        flags=record.flags,
                        event_name=record.event_name,
                        time_unix_nano=record.time_unix_nano,
                        observed_time_unix_nano=record.observed_time_unix_nano,
                        scope_version=scope.version,
                    )
                )
    return flat


def flatten_spans(request: ExportTraceServiceRequest) -> list[ReceivedSpan]:
    """Flatten every span of an export request, in the order sent."""
    flat: list[ReceivedSpan] = []
    for resource_spans in request.resource_spans:
        resource = decode_key_values(resource_spans.resource.attributes)
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                flat.append(
                    ReceivedSpan(
                        name=span.name,
                        trace_id=span.trace_id.hex(),
                        span_id=span.span_id.hex(),
                        resource=resource,
                        attributes=decode_key_values(span.attributes),
                        parent_span_id=span.parent_span_id.hex(),
                        scope_name=scope_spans.scope.name,
                        events=tuple(event.name for event in span.events),
                    )
                )
    return flat


def metric_names_of(request: ExportMetricsServiceRequest) -> list[str]:
    """Names of every metric in an export request, in the order sent."""
    return [
        metric.name
        for resource_metrics in request.resource_metrics
        for scope_metrics in resource_metrics.scope_metrics
        for metric in scope_metrics.metrics
    ]


def count_log_records(request: ExportLogsServiceRequest) -> int:
    """Number of log records in an export request."""
    return sum(
        len(scope_logs.log_records)
        for resource_logs in request.resource_logs
        for scope_logs in resource_logs.scope_logs
    )


def count_spans(request: ExportTraceServiceRequest) -> int:
    """Number of spans in an export request."""
    return sum(
        len(scope_spans.spans)
        for resource_spans in request.resource_spans
        for scope_spans in resource_spans.scope_spans
    )


def count_data_points(request: ExportMetricsServiceRequest) -> int:
    """Number of metrics in an export request (used for ``rejected_data_points`` sizing)."""
    return len(metric_names_of(request))
