"""Fixtures for the format tests: real SDK log records and explicit format options."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from opentelemetry.context import Context
from opentelemetry.sdk._logs import LoggerProvider, ReadableLogRecord
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.trace import (
    NonRecordingSpan,
    SpanContext,
    TraceFlags,
    set_span_in_context,
)

from hydra_otel.formats import FormatOptions

TRACE_ID = 0x4BF92F3577B34DA6A3CE929D0E0E4736
SPAN_ID = 0x00F067AA0BA902B7
# 2024-03-05 06:07:08.123456789 UTC
FIXED_NS = 1_709_618_828_123_456_789

RecordMaker = Callable[..., ReadableLogRecord]


@pytest.fixture
def format_options() -> FormatOptions:
    """Options with explicit patterns, independent of HYDRA_* variables."""
    return FormatOptions(
        date_format="%Y-%m-%d",
        time_format="%H:%M:%S.%f",
        logger_name_format="{name}",
        message_format="{timestamp} {level:<8} [{layer}] {logger}: {message}{attributes}",
    )


@pytest.fixture
def span_context() -> Context:
    """A context whose current span has TRACE_ID / SPAN_ID."""
    span = NonRecordingSpan(SpanContext(TRACE_ID, SPAN_ID, False, TraceFlags(1)))
    return set_span_in_context(span)


@pytest.fixture
def make_record() -> Iterator[RecordMaker]:
    """Emit one record through a real SDK LoggerProvider and return what the exporter got.

    Keyword arguments go to ``Logger.emit``; ``logger`` names the logger and
    ``resource`` replaces the provider's resource (default service.name=checkout).
    """
    providers: list[LoggerProvider] = []

    def make(
        *, logger: str = "shop.orders", resource: Resource | None = None, **emit: Any
    ) -> ReadableLogRecord:
        exporter = InMemoryLogRecordExporter()
        provider = LoggerProvider(
            resource=resource if resource is not None else Resource({"service.name": "checkout"})
        )
        provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
        providers.append(provider)
        emit.setdefault("timestamp", FIXED_NS)
        provider.get_logger(logger).emit(**emit)
        (record,) = exporter.get_finished_logs()
        return record

    yield make
    for provider in providers:
        provider.shutdown()


@pytest.fixture
def zero_division_error() -> BaseException:
    """A ZeroDivisionError carrying a real traceback."""
    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError as exc:
        return exc
    raise AssertionError("unreachable")
