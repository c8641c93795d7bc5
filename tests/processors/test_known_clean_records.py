"""Records made only of strings and keys seen before take a shorter path through the
safety processors; what leaves, and what the processors count, must not change."""

from __future__ import annotations

from typing import Any

from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor

from hydra_otel.processors import RedactionProcessor, SecurityValidationProcessor
from hydra_otel.processors._security import NEUTRALIZED


class _Pipeline:
    def __init__(self) -> None:
        self.security = SecurityValidationProcessor()
        self.redaction = RedactionProcessor()
        self.exporter = InMemoryLogRecordExporter()
        provider = LoggerProvider()
        provider.add_log_record_processor(self.security)
        provider.add_log_record_processor(self.redaction)
        provider.add_log_record_processor(SimpleLogRecordProcessor(self.exporter))
        self.logger = provider.get_logger("test")

    def emit(self, body: Any, attributes: dict[str, Any]) -> dict[str, Any]:
        self.logger.emit(body=body, attributes=dict(attributes))
        record = self.exporter.get_finished_logs()[-1].log_record
        return {"body": record.body, **dict(record.attributes or {})}


def test_a_repeated_clean_record_is_left_alone_and_still_counted() -> None:
    pipeline = _Pipeline()
    attributes = {"user.id": "u-0001", "http.route": "/api/v1/login", "attempts": 3, "ok": True}
    for _ in range(3):
        assert pipeline.emit("user signed in", attributes) == {
            "body": "user signed in",
            **attributes,
        }
    stats = pipeline.redaction.stats()
    assert stats["records"] == 3
    assert stats["records_redacted"] == 0
    assert stats["time_ns"] > 0


def test_a_value_seen_clean_under_one_key_is_redacted_under_a_sensitive_key() -> None:
    pipeline = _Pipeline()
    assert pipeline.emit("note", {"note": "hunter2-horse"})["note"] == "hunter2-horse"
    assert pipeline.emit("note", {"note": "hunter2-horse"})["note"] == "hunter2-horse"
    sent = pipeline.emit("note", {"password": "hunter2-horse"})
    assert sent["password"] == "[REDACTED:secret]"
    assert sent["redaction.masked.count"] == 1
    # the key is judged now: the next record with it takes the full path again
    assert pipeline.emit("note", {"password": "hunter2-horse"})["password"] == "[REDACTED:secret]"
    assert pipeline.redaction.stats()["records_redacted"] == 2


def test_a_number_under_a_sensitive_key_is_redacted_after_clean_records() -> None:
    pipeline = _Pipeline()
    pipeline.emit("login", {"pin_count": 1234})
    assert pipeline.emit("login", {"pin_count": 1234})["pin_count"] == 1234
    assert pipeline.emit("login", {"cvv": 123})["cvv"] == "[REDACTED:secret]"


def test_a_new_string_next_to_known_ones_is_still_scanned() -> None:
    pipeline = _Pipeline()
    known = {"user.id": "u-0001", "http.route": "/api/v1/login"}
    pipeline.emit("user signed in", known)
    sent = pipeline.emit("user signed in", {**known, "contact": "ann@example.com"})
    assert sent["contact"] == "[REDACTED:email]"
    sent = pipeline.emit("mail ann@example.com", known)
    assert sent["body"] == "mail [REDACTED:email]"


def test_security_still_neutralises_after_clean_records() -> None:
    pipeline = _Pipeline()
    for _ in range(2):
        pipeline.emit("user signed in", {"user.id": "u-0001"})
    sent = pipeline.emit("user signed in", {"user.id": "u-0001\nFAKE ENTRY"})
    assert "\n" not in sent["user.id"]
    assert sent[NEUTRALIZED] == "line_break"
    sent = pipeline.emit("user \x1b[31msigned in", {"user.id": "u-0001"})
    assert "\x1b" not in sent["body"]
    assert pipeline.security.neutralized_records == 2
