"""End to end: what a plain SDK pipeline with redaction delivers through a real collector.

LoggerProvider + RedactionProcessor + BatchLogRecordProcessor(OTLPLogExporter) -> rotel
-> receiver, and the same for spans: an e-mail, a card number and a ``password``
attribute never reach the collector.
"""

from __future__ import annotations

from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from hydra_otel.processors import RedactionProcessor, RedactionSpanProcessor
from hydra_otel.testing import RotelCollector

EMAIL, CARD, PASSWORD = "ann.lee@example.com", "4111 1111 1111 1111", "hunter2-Secret!"


def test_pii_never_reaches_the_collector_in_logs(collector: RotelCollector) -> None:
    provider = LoggerProvider()
    provider.add_log_record_processor(RedactionProcessor())
    exporter = OTLPLogExporter(endpoint=f"{collector.http_endpoint}/v1/logs", timeout=5)
    provider.add_log_record_processor(BatchLogRecordProcessor(exporter))
    logger = provider.get_logger("checkout")
    logger.emit(body=f"order paid by {EMAIL} with card {CARD}", attributes={"password": PASSWORD})
    logger.emit(body="unrelated line", attributes={"user.email": EMAIL, "attempt": 2})
    provider.force_flush()
    received = collector.receiver.wait_for_logs(2)
    provider.shutdown()
    everything = repr([(log.body, log.attributes) for log in received])
    assert EMAIL not in everything and CARD not in everything and PASSWORD not in everything
    paid = next(log for log in received if str(log.body).startswith("order paid"))
    assert paid.body == "order paid by [REDACTED:email] with card [REDACTED:credit_card]"
    assert paid.attributes["password"] == "[REDACTED:secret]"
    assert paid.attributes["redaction.masked.count"] == 3
    other = next(log for log in received if log.body == "unrelated line")
    assert other.attributes["attempt"] == 2


def test_pii_never_reaches_the_collector_in_spans(collector: RotelCollector) -> None:
    provider = TracerProvider()
    provider.add_span_processor(RedactionSpanProcessor())
    exporter = OTLPSpanExporter(endpoint=f"{collector.http_endpoint}/v1/traces", timeout=5)
    provider.add_span_processor(BatchSpanProcessor(exporter))
    with provider.get_tracer("checkout").start_as_current_span(
        f"charge {CARD}", attributes={"password": PASSWORD, "customer": EMAIL}
    ):
        pass
    provider.force_flush()
    (span,) = collector.receiver.wait_for_spans(1)
    provider.shutdown()
    everything = repr(span)
    assert EMAIL not in everything and CARD not in everything and PASSWORD not in everything
    assert span.attributes["customer"] == "[REDACTED:email]"
