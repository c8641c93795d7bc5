"""The issue's "done when": examples/stdlib_app.py under ``opentelemetry-instrument --distro hydra``
sends every record exactly once through the real rotel collector, and its console is unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hydra_otel.testing import ReceivedLog, RotelCollector

_ROOT = Path(__file__).resolve().parents[2]
_APP = str(_ROOT / "examples" / "stdlib_app.py")
_INSTRUMENT = str(Path(sys.executable).parent / "opentelemetry-instrument")
_APP_BODIES = {
    "checkout service starting",
    "inside the checkout span",
    "charged order A-1: 1250 cents",
    "inventory low for sku SKU-42",
    "charge failed for order A-2",
    "audit trail unavailable",
}
_INSIDE_SPAN = {
    "inside the checkout span",
    "charged order A-1: 1250 cents",
    "inventory low for sku SKU-42",
    "charge failed for order A-2",
}


def _run(instrumented: bool, **env: str) -> subprocess.CompletedProcess[bytes]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "HYDRA_"))}
    base.pop("PYTHONPATH", None)
    command = [sys.executable, _APP]
    if instrumented:
        command = [_INSTRUMENT, "--distro", "hydra", *command]
    return subprocess.run(
        command, capture_output=True, timeout=90, env={**base, **env}, cwd=_ROOT, check=True
    )


@pytest.fixture(scope="module")
def plain_run() -> subprocess.CompletedProcess[bytes]:
    """The app without any instrumentation: the console output to compare against."""
    return _run(instrumented=False)


def _settled_logs(collector: RotelCollector, expected: int) -> list[ReceivedLog]:
    collector.receiver.wait_for_logs(expected)
    time.sleep(0.3)  # room for a duplicate to show up if one were sent
    return collector.receiver.logs()


def test_stdlib_app_under_the_distro(
    collector: RotelCollector, plain_run: subprocess.CompletedProcess[bytes]
) -> None:
    run = _run(
        instrumented=True,
        OTEL_SERVICE_NAME="shop-checkout",
        OTEL_EXPORTER_OTLP_ENDPOINT=collector.http_endpoint,
    )

    assert run.stdout == plain_run.stdout
    assert run.stderr == plain_run.stderr
    logs = _settled_logs(collector, len(_APP_BODIES))
    (span,) = collector.receiver.wait_for_spans(1)
    assert sorted(log.body for log in logs) == sorted(_APP_BODIES)
    for log in logs:
        assert log.resource["service.name"] == "shop-checkout"
        assert log.resource["telemetry.distro.name"] == "hydra"
        expected_trace = span.trace_id if log.body in _INSIDE_SPAN else ""
        assert log.trace_id == expected_trace, log.body
    by_body = {log.body: log for log in logs}
    warning = by_body["inventory low for sku SKU-42"]
    assert (warning.severity_number, warning.severity_text) == (13, "WARNING")
    assert warning.span_id == span.span_id
    failure = by_body["charge failed for order A-2"]
    assert failure.attributes["exception.type"] == "ValueError"
    assert failure.attributes["exception.message"] == "invalid amount 0 for order A-2"
    assert "raise ValueError" in failure.attributes["exception.stacktrace"]
    assert by_body["charged order A-1: 1250 cents"].attributes["order.id"] == "A-1"
    assert by_body["audit trail unavailable"].scope_name == "shop.audit"
    assert span.name == "checkout"
    assert span.resource["service.name"] == "shop-checkout"


def test_grpc_protocol_is_honoured(collector: RotelCollector) -> None:
    _run(
        instrumented=True,
        OTEL_SERVICE_NAME="shop-checkout",
        OTEL_EXPORTER_OTLP_PROTOCOL="grpc",
        OTEL_EXPORTER_OTLP_ENDPOINT=collector.grpc_endpoint,
    )

    logs = _settled_logs(collector, len(_APP_BODIES))
    assert sorted(log.body for log in logs) == sorted(_APP_BODIES)


def test_disabling_hydra_logging_turns_the_bridge_off(
    collector: RotelCollector, plain_run: subprocess.CompletedProcess[bytes]
) -> None:
    run = _run(
        instrumented=True,
        OTEL_SERVICE_NAME="shop-checkout",
        OTEL_EXPORTER_OTLP_ENDPOINT=collector.http_endpoint,
        OTEL_PYTHON_DISABLED_INSTRUMENTATIONS="hydra_logging",
    )

    collector.receiver.wait_for_spans(1)
    time.sleep(0.3)
    assert collector.receiver.log_count == 0
    assert run.stderr == plain_run.stderr


def test_logs_exporter_none_keeps_spans_and_sends_no_logs(collector: RotelCollector) -> None:
    _run(
        instrumented=True,
        OTEL_SERVICE_NAME="shop-checkout",
        OTEL_EXPORTER_OTLP_ENDPOINT=collector.http_endpoint,
        OTEL_LOGS_EXPORTER="none",
    )

    collector.receiver.wait_for_spans(1)
    time.sleep(0.3)
    assert collector.receiver.log_count == 0
