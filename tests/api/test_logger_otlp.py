"""HydraLogger end to end: OTLP through the real rotel collector to a receiver."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import TracerProvider

from hydra_otel import HydraLogger
from hydra_otel.testing import RotelCollector


@pytest.mark.parametrize("protocol", ["http/protobuf", "grpc"])
def test_layers_resources_trace_ids_and_exceptions_arrive_once(
    collector: RotelCollector, protocol: str
) -> None:
    endpoint = collector.http_endpoint if protocol == "http/protobuf" else collector.grpc_endpoint
    otlp = {"type": "otlp", "endpoint": endpoint, "protocol": protocol}
    config = {
        "service_name": "checkout",
        "layers": {
            "DEFAULT": {"destinations": [otlp]},
            "APP": {"destinations": [otlp]},
            "DB": {"resource": {"db.system.name": "postgresql"}, "destinations": [otlp]},
        },
    }
    tracer = TracerProvider().get_tracer("test")
    with HydraLogger(config) as log:
        with tracer.start_as_current_span("request") as span:
            log.info("APP", "in span", extra={"user.id": "u-1"})
            try:
                _ = 1 / 0
            except ZeroDivisionError:
                log.exception("APP", "division failed")
        for i in range(50):
            log.info("DB", f"query {i}")
        log.security("AUTH", "fell back to the default layer")
    received = collector.receiver.wait_for_logs(53)
    assert len(received) == 53
    by_body = {log.body: log for log in received}
    assert len(by_body) == 53, "every record exactly once"

    in_span = by_body["in span"]
    assert in_span.trace_id == format(span.get_span_context().trace_id, "032x")
    assert in_span.attributes["hydra.layer"] == "APP" and in_span.attributes["user.id"] == "u-1"
    assert in_span.resource["service.name"] == "checkout"
    assert in_span.resource["telemetry.distro.name"] == "hydra"
    assert "db.system.name" not in in_span.resource

    failed = by_body["division failed"]
    assert failed.severity_number == 17
    assert failed.attributes["exception.type"] == "ZeroDivisionError"
    assert "_ = 1 / 0" in str(failed.attributes["exception.stacktrace"])

    db = by_body["query 7"]
    assert db.resource["db.system.name"] == "postgresql"
    assert db.resource["service.name"] == "checkout"

    security = by_body["fell back to the default layer"]
    assert (
        security.severity_text == "SECURITY" and security.attributes["hydra.category"] == "security"
    )
    assert security.event_name == "hydra.security"


def test_zero_config_exports_when_the_otlp_endpoint_is_set(
    collector: RotelCollector, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.http_endpoint)
    monkeypatch.setenv("NO_COLOR", "1")
    with HydraLogger() as log:
        log.info("APP", "hello collector")
        log.debug("APP", "below the default level")
    (received,) = collector.receiver.wait_for_logs(1)
    assert received.body == "hello collector"
    console = capsys.readouterr().err
    assert "hello collector" in console and "[APP]" in console
    assert "below the default level" not in console
