"""HydraLogger is safe by default: PII and secrets never reach the collector."""

from __future__ import annotations

import pytest

from hydra_otel import HydraLogger
from hydra_otel.testing import RotelCollector

EMAIL = "jane.doe@example.com"
CARD = "4111 1111 1111 1111"
PASSWORD = "hunter2-correct-horse"


def otlp_config(collector: RotelCollector) -> dict[str, object]:
    otlp = {"type": "otlp", "endpoint": collector.http_endpoint}
    return {"service_name": "safe", "layers": {"DEFAULT": {"destinations": [otlp]}}}


def test_email_card_and_password_never_reach_the_collector(collector: RotelCollector) -> None:
    with HydraLogger(otlp_config(collector)) as log:
        log.info(
            "AUTH",
            f"sign-up by {EMAIL} paying with {CARD}",
            extra={"password": PASSWORD, "user.id": "u-17", "order_id": 1001},
        )
    (received,) = collector.receiver.wait_for_logs(1)
    everything = repr((received.body, received.attributes, received.resource))
    for secret in (EMAIL, CARD, CARD.replace(" ", ""), PASSWORD):
        assert secret not in everything
    assert "[REDACTED:email]" in str(received.body)
    assert received.attributes["user.id"] == "u-17" and received.attributes["order_id"] == 1001
    assert received.attributes["redaction.masked.count"] >= 3


def test_log_injection_is_neutralised() -> None:
    with HydraLogger.for_testing() as log:
        log.info(
            "APP",
            "login ok \x1b[2J\x1b[31mFAKE",
            extra={"user.name": "bob\r\n2024-01-01 ERROR [AUTH] admin logged in"},
        )
        (record,) = log.memory_records()
    assert "\x1b" not in str(record.log_record.body)
    user = str(record.log_record.attributes["user.name"])
    assert "\n" not in user and "\r" not in user
    kinds = str(record.log_record.attributes["hydra.security.neutralized"])
    assert "ansi" in kinds


def test_redaction_can_be_switched_off(
    collector: RotelCollector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HYDRA_REDACTION_ENABLED", "false")
    with HydraLogger(otlp_config(collector)) as log:
        log.info("APP", f"contact {EMAIL}")
    (received,) = collector.receiver.wait_for_logs(1)
    assert received.body == f"contact {EMAIL}"


def test_key_rules_alone_when_detectors_are_off() -> None:
    with HydraLogger.for_testing(enable_sanitization=False) as log:
        log.info("APP", f"contact {EMAIL}", extra={"api_key": "sk_live_abcdefghijklmnop"})
        (record,) = log.memory_records()
    assert record.log_record.body == f"contact {EMAIL}"
    assert "sk_live" not in str(record.log_record.attributes["api_key"])


def test_detectors_alone_when_sensitive_keys_are_off() -> None:
    with HydraLogger.for_testing(redact_sensitive=False) as log:
        log.info("APP", f"contact {EMAIL}", extra={"password": PASSWORD, "token": EMAIL})
        (record,) = log.memory_records()
    attributes = record.log_record.attributes
    assert attributes["password"] == PASSWORD  # no key-name rule any more
    assert attributes["token"] == "[REDACTED:email]"  # still scanned by the detectors
    assert "[REDACTED:email]" in str(record.log_record.body)


def test_key_rules_can_be_turned_off_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HYDRA_REDACTION_KEY_RULES", "false")
    with HydraLogger.for_testing() as log:
        log.info("APP", "signed in", extra={"password": PASSWORD})
        (record,) = log.memory_records()
    assert record.log_record.attributes["password"] == PASSWORD
