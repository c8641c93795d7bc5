"""RedactionProcessor in a real SDK LoggerProvider, ahead of the export processor."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from opentelemetry.sdk._logs import LoggerProvider, ReadableLogRecord
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor

from hydra_otel.core import get_error_stats
from hydra_otel.core._error_tracking import error_tracker
from hydra_otel.data_protection import RedactionOptions
from hydra_otel.processors import RedactionProcessor


class Pipeline:
    """A LoggerProvider with a RedactionProcessor in front of an in-memory exporter."""

    def __init__(self, processor: RedactionProcessor) -> None:
        self.processor = processor
        self.exporter = InMemoryLogRecordExporter()
        self.provider = LoggerProvider()
        self.provider.add_log_record_processor(processor)
        self.provider.add_log_record_processor(SimpleLogRecordProcessor(self.exporter))
        self.logger = self.provider.get_logger("test")

    def emit(
        self, body: Any = None, attributes: Mapping[str, Any] | None = None
    ) -> ReadableLogRecord:
        self.logger.emit(body=body, attributes=dict(attributes) if attributes else None)
        return self.exporter.get_finished_logs()[-1]


@pytest.fixture
def pipeline() -> Iterator[Pipeline]:
    """A fresh pipeline with default redaction."""
    built = Pipeline(RedactionProcessor())
    yield built
    built.provider.shutdown()


def test_defaults_redact_body_and_attributes(pipeline: Pipeline) -> None:
    exported = pipeline.emit(
        "user ann@example.com paid with 4111 1111 1111 1111",
        {"password": "hunter2", "user.phone": "+1 415 555 2671", "http.status_code": 200},
    )
    record = exported.log_record
    assert record.body == "user [REDACTED:email] paid with [REDACTED:credit_card]"
    attributes = dict(record.attributes or {})
    assert attributes["password"] == "[REDACTED:secret]"
    assert attributes["user.phone"] == "[REDACTED:phone]"
    assert attributes["http.status_code"] == 200


def test_summary_attributes_are_collector_shaped_and_never_echo(pipeline: Pipeline) -> None:
    exported = pipeline.emit("mail ann@example.com", {"password": "hunter2", "note": "ok"})
    attributes = dict(exported.log_record.attributes or {})
    assert attributes["redaction.masked.count"] == 2
    assert attributes["redaction.masked.email.count"] == 1
    assert attributes["redaction.masked.secret.count"] == 1
    assert attributes["redaction.masked.keys"] == "password"
    assert attributes["redaction.masked.body"] is True
    assert not any("hunter2" in str(v) or "ann@" in str(v) for v in attributes.values())


def test_clean_records_pass_untouched(pipeline: Pipeline) -> None:
    exported = pipeline.emit("GET /api/v1/orders 200 in 12ms", {"hydra.layer": "API", "n": 3})
    assert exported.log_record.body == "GET /api/v1/orders 200 in 12ms"
    assert dict(exported.log_record.attributes or {}) == {"hydra.layer": "API", "n": 3}


def test_structured_and_bytes_bodies(pipeline: Pipeline) -> None:
    exported = pipeline.emit({"user": {"email": "ann@example.com"}, "api_key": "abc"})
    assert exported.log_record.body == {
        "user": {"email": "[REDACTED:email]"},
        "api_key": "[REDACTED:secret]",
    }
    assert pipeline.emit(b"ssn 503-25-1897").log_record.body == b"ssn [REDACTED:us_ssn]"
    assert pipeline.emit(["a", "bob@example.org"]).log_record.body == ["a", "[REDACTED:email]"]


def test_summary_levels() -> None:
    silent = Pipeline(RedactionProcessor(RedactionOptions(summary="silent")))
    attributes = dict(silent.emit("ann@example.com").log_record.attributes or {})
    assert not any(key.startswith("redaction.") for key in attributes)
    info = Pipeline(RedactionProcessor(RedactionOptions(summary="info")))
    attributes = dict(info.emit("ann@example.com", {"password": "x"}).log_record.attributes or {})
    assert attributes["redaction.masked.count"] == 2 and "redaction.masked.keys" not in attributes


def test_dry_run_reports_without_changing() -> None:
    pipeline = Pipeline(RedactionProcessor(RedactionOptions(dry_run=True)))
    exported = pipeline.emit("ann@example.com", {"password": "hunter2"})
    attributes = dict(exported.log_record.attributes or {})
    assert exported.log_record.body == "ann@example.com"
    assert attributes["password"] == "hunter2"
    assert attributes["redaction.dry_run"] is True
    assert attributes["redaction.masked.count"] == 2


def test_self_metrics_count_matches_and_time(pipeline: Pipeline) -> None:
    pipeline.emit("ann@example.com and bob@example.org")
    pipeline.emit("nothing here")
    stats = pipeline.processor.stats()
    assert stats["records"] == 2 and stats["records_redacted"] == 1
    assert stats["matches_by_entity"] == {"email": 2}
    assert stats["time_ns"] > 0


def test_redaction_failure_fails_closed_and_is_counted(pipeline: Pipeline) -> None:
    class Exploding(dict[str, Any]):
        def items(self) -> Any:  # a user's mapping that breaks when walked
            raise RuntimeError("boom")

    error_tracker.reset()
    exported = pipeline.emit(Exploding(a="ann@example.com"), {"note": "text", "n": 1})
    assert exported.log_record.body == "[REDACTED:error]"
    assert dict(exported.log_record.attributes or {}) == {"note": "[REDACTED:error]", "n": 1}
    assert get_error_stats()["by_kind"]["redaction"]["count"] == 1
    assert pipeline.processor.stats()["failures"] == 1


def test_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYDRA_REDACTION_MODE", "partial")
    pipeline = Pipeline(RedactionProcessor.from_settings())
    assert (
        pipeline.emit("card 4111111111111111").log_record.body
        == "card [REDACTED:credit_card:****1111]"
    )


def test_shutdown_never_lets_data_through(pipeline: Pipeline) -> None:
    pipeline.processor.shutdown()
    assert pipeline.processor.force_flush() is True
    exported = pipeline.emit("ann@example.com")
    assert exported.log_record.body == "[REDACTED:email]"


def test_self_metrics_are_published_as_otel_counters(pipeline: Pipeline) -> None:
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader

    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[reader])
    pipeline.processor.register_metrics(meter_provider.get_meter("hydra-otel"))
    pipeline.emit("ann@example.com, 415-555-2671")
    pipeline.emit("clean")
    data = reader.get_metrics_data()
    points = {
        metric.name: {tuple(sorted(p.attributes.items())): p.value for p in metric.data.data_points}
        for rm in data.resource_metrics
        for sm in rm.scope_metrics
        for metric in sm.metrics
    }
    assert points["hydra.redaction.records"] == {(("signal", "logs"),): 2}
    assert points["hydra.redaction.records_redacted"] == {(("signal", "logs"),): 1}
    assert points["hydra.redaction.matches"] == {
        (("entity", "email"), ("signal", "logs")): 1,
        (("entity", "phone"), ("signal", "logs")): 1,
    }
    assert next(iter(points["hydra.redaction.time"].values())) > 0
    meter_provider.shutdown()
