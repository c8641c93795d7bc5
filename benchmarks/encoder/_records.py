"""Typical Hydra log records, made the ordinary way: an SDK LoggerProvider and Logger.emit."""

from __future__ import annotations

import random
from collections.abc import Sequence

from opentelemetry import trace
from opentelemetry._logs import LogRecord, SeverityNumber
from opentelemetry.sdk._logs import LoggerProvider, LogRecordProcessor, ReadWriteLogRecord
from opentelemetry.sdk.resources import Resource
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

LAYERS = ("APP", "AUTH", "API", "DB", "SECURITY")
_LEVELS = (
    (SeverityNumber.INFO, "INFO"),
    (SeverityNumber.INFO, "INFO"),
    (SeverityNumber.DEBUG, "DEBUG"),
    (SeverityNumber.WARN, "WARNING"),
    (SeverityNumber.ERROR, "ERROR"),
)


class _Collect(LogRecordProcessor):
    """Keeps every emitted record, as an exporter's batch would hold them."""

    def __init__(self) -> None:
        self.records: list[ReadWriteLogRecord] = []

    def on_emit(self, log_record: ReadWriteLogRecord) -> None:
        self.records.append(log_record)

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


def make_records(
    count: int, unique_values: bool = False, seed: int = 7
) -> list[ReadWriteLogRecord]:
    """Return ``count`` records: a str body, 5 attributes (hydra.layer first) and trace ids.

    Args:
        count: how many records.
        unique_values: give every record its own ``request.id`` and ``user.id`` values
            (high cardinality: the encoder's pair cache cannot help with those two).
        seed: random seed, so every run encodes the same records.
    """
    rng = random.Random(seed)
    collect = _Collect()
    provider = LoggerProvider(
        resource=Resource.create({"service.name": "checkout", "deployment.environment": "prod"})
    )
    provider.add_log_record_processor(collect)
    logger = provider.get_logger("checkout.orders", "1.4.0")
    context = None
    for i in range(count):
        if i % 8 == 0:  # a request (one trace) logs a few records
            span = SpanContext(rng.getrandbits(128), rng.getrandbits(64), False, TraceFlags(1))
            context = trace.set_span_in_context(NonRecordingSpan(span))
        severity, text = _LEVELS[i % len(_LEVELS)]
        user = rng.randrange(10**9) if unique_values else rng.randrange(50)
        logger.emit(
            LogRecord(
                context=context,
                severity_number=severity,
                severity_text=text,
                body=f"order {rng.randrange(10**6)} paid by user {user} in {rng.random():.3f}s",
                attributes={
                    "hydra.layer": LAYERS[i % len(LAYERS)],
                    "code.function": ("pay", "refund", "lookup")[i % 3],
                    "code.lineno": 100 + i % 20,
                    "user.id": user,
                    "request.id": f"req-{rng.getrandbits(48):012x}" if unique_values else "batch",
                },
            )
        )
    return collect.records


def batches(records: Sequence[ReadWriteLogRecord], size: int) -> list[Sequence[ReadWriteLogRecord]]:
    """Split ``records`` into consecutive batches of ``size``."""
    return [records[i : i + size] for i in range(0, len(records), size)]
