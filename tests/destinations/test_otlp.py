"""The otlp destination: the SDK exporter, configured with OTEL_* semantics intact."""

from __future__ import annotations

import pytest

from hydra_otel.config import LogDestination
from hydra_otel.core import DestinationError
from hydra_otel.destinations import create_otlp_exporter, http_logs_url, resolve_otlp_protocol

OTLP_VARIABLES = [
    f"OTEL_EXPORTER_OTLP_{signal}{name}"
    for signal in ("", "LOGS_")
    for name in ("ENDPOINT", "PROTOCOL", "HEADERS", "TIMEOUT", "COMPRESSION", "INSECURE")
]


@pytest.fixture(autouse=True)
def _clean_otlp_environment(monkeypatch):
    for variable in OTLP_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


def otlp(**fields) -> LogDestination:
    return LogDestination(type="otlp", **fields)


def test_protocol_resolution_order(monkeypatch):
    assert resolve_otlp_protocol(None) == "http/protobuf"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
    assert resolve_otlp_protocol(None) == "grpc"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "http/protobuf")
    assert resolve_otlp_protocol(None) == "http/protobuf"
    assert resolve_otlp_protocol("grpc") == "grpc"


def test_unsupported_protocol_from_environment_is_named(monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "http/json")
    with pytest.raises(DestinationError, match=r"'http/json'.*OTEL_EXPORTER_OTLP_LOGS_PROTOCOL"):
        create_otlp_exporter(otlp())


@pytest.mark.parametrize(
    ("endpoint", "url"),
    [
        ("http://collector:4318", "http://collector:4318/v1/logs"),
        ("http://collector:4318/", "http://collector:4318/v1/logs"),
        ("https://gateway.example/custom/logs", "https://gateway.example/custom/logs"),
        ("http://collector:4318/v1/logs", "http://collector:4318/v1/logs"),
    ],
)
def test_http_logs_url(endpoint, url):
    assert http_logs_url(endpoint) == url


def test_http_explicit_base_endpoint_and_merged_headers(monkeypatch, otlp_http_backend, logger_for):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", "x-tenant=acme,x-token=from-env")
    destination = otlp(endpoint=otlp_http_backend.endpoint, headers={"X-Token": "explicit"})
    logger_for(create_otlp_exporter(destination)).emit(body="over http")
    (received,) = otlp_http_backend.received
    assert received.path == "/v1/logs"
    assert received.bodies == ["over http"]
    assert received.headers["x-tenant"] == "acme"
    assert received.headers["x-token"] == "explicit"


def test_http_endpoint_from_environment_when_destination_has_none(
    monkeypatch, otlp_http_backend, logger_for
):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", otlp_http_backend.endpoint)
    logger_for(create_otlp_exporter(otlp())).emit(body="env endpoint")
    (received,) = otlp_http_backend.received
    assert (received.path, received.bodies) == ("/v1/logs", ["env endpoint"])


def test_http_logs_endpoint_variable_is_used_as_is(monkeypatch, otlp_http_backend, logger_for):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", otlp_http_backend.endpoint + "/in/logs")
    logger_for(create_otlp_exporter(otlp())).emit(body="signal endpoint")
    (received,) = otlp_http_backend.received
    assert received.path == "/in/logs"


def test_http_gzip_compression(otlp_http_backend, logger_for):
    destination = otlp(endpoint=otlp_http_backend.endpoint, compression="gzip")
    logger_for(create_otlp_exporter(destination)).emit(body="squeezed")
    (received,) = otlp_http_backend.received
    assert received.compressed and received.bodies == ["squeezed"]


def test_http_compression_from_environment(monkeypatch, otlp_http_backend, logger_for):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")
    logger_for(create_otlp_exporter(otlp(endpoint=otlp_http_backend.endpoint))).emit(body="z")
    assert otlp_http_backend.received[0].compressed


def test_grpc_explicit_protocol_endpoint_and_merged_headers(
    monkeypatch, otlp_grpc_backend, logger_for
):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_LOGS_HEADERS", "x-tenant=acme,x-token=from-env")
    destination = otlp(
        protocol="grpc", endpoint=otlp_grpc_backend.endpoint, headers={"X-Token": "explicit"}
    )
    exporter = create_otlp_exporter(destination)
    logger_for(exporter).emit(body="over grpc")
    (received,) = otlp_grpc_backend.received
    assert received.bodies == ["over grpc"]
    assert received.headers["x-tenant"] == "acme"
    assert received.headers["x-token"] == "explicit"


def test_grpc_from_environment_protocol_and_endpoint(monkeypatch, otlp_grpc_backend, logger_for):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", otlp_grpc_backend.endpoint)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", "x-only=env")
    logger_for(create_otlp_exporter(otlp())).emit(body="all from env")
    (received,) = otlp_grpc_backend.received
    assert received.bodies == ["all from env"]
    assert received.headers["x-only"] == "env"
