"""The standard OTEL_EXPORTER_OTLP_* variables keep the SDK exporters' meaning."""

from __future__ import annotations

import pytest

from hydra_otel.core import get_error_stats
from hydra_otel.core._error_tracking import error_tracker
from hydra_otel.export.otlp import FastOTLPGrpcLogExporter, FastOTLPLogExporter
from hydra_otel.export.otlp._config import (
    resolve_compression,
    resolve_grpc_target,
    resolve_headers,
    resolve_http_endpoint,
    resolve_timeout,
)

_VARIABLES = [
    f"OTEL_EXPORTER_OTLP_{signal}{name}"
    for signal in ("", "LOGS_")
    for name in ("ENDPOINT", "HEADERS", "TIMEOUT", "COMPRESSION", "INSECURE", "CERTIFICATE")
]


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_http_endpoint_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_http_endpoint(None) == "http://localhost:4318/v1/logs"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://base:4318/")
    assert resolve_http_endpoint(None) == "http://base:4318/v1/logs"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://logs:9000/custom")
    assert resolve_http_endpoint(None) == "http://logs:9000/custom"  # used as is
    assert resolve_http_endpoint("http://arg/v1/logs") == "http://arg/v1/logs"


def test_grpc_target_and_security_follow_the_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_grpc_target(None, None) == ("localhost:4317", True)
    assert resolve_grpc_target("https://c:4317", None) == ("c:4317", False)
    assert resolve_grpc_target("http://c:4317", False) == ("c:4317", False)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://base:4317")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_INSECURE", "false")
    assert resolve_grpc_target(None, None) == ("base:4317", False)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_LOGS_INSECURE", "TRUE")
    assert resolve_grpc_target(None, None) == ("base:4317", True)


def test_logs_specific_variables_win_over_generic_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "20")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")
    assert (resolve_timeout(None), resolve_compression(None)) == (20.0, "gzip")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_LOGS_TIMEOUT", "2")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_LOGS_COMPRESSION", "none")
    assert (resolve_timeout(None), resolve_compression(None)) == (2.0, "none")
    assert (resolve_timeout(0.5), resolve_compression("deflate")) == (0.5, "deflate")


def test_headers_are_lower_cased_and_arguments_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", "Api-Key=env,x-team=core")
    assert resolve_headers({"API-KEY": "arg"}) == {"api-key": "arg", "x-team": "core"}
    assert resolve_headers("a=1") == {"api-key": "env", "x-team": "core", "a": "1"}
    assert resolve_headers([("B", "2")])["b"] == "2"


def test_bad_values_fall_back_to_defaults_and_are_reported_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    error_tracker.reset()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "ten")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "brotli")

    exporter = FastOTLPLogExporter()

    assert (exporter.timeout, exporter.compression) == (10.0, "none")
    assert get_error_stats()["by_kind"]["otlp_config"]["count"] == 2
    exporter.shutdown()


def test_grpc_exporter_reads_the_same_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://grpc-host:4317")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_LOGS_TIMEOUT", "4")

    exporter = FastOTLPGrpcLogExporter()

    assert (exporter.target, exporter.insecure, exporter.timeout) == ("grpc-host:4317", True, 4.0)
    exporter.shutdown()
