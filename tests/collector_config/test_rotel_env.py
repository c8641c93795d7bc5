"""collector-config/rotel-agent.env starts a real rotel that forwards to its backend."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

from opentelemetry._logs import LogRecord
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor

from hydra_otel.export.otlp import FastOTLPLogExporter
from hydra_otel.testing import OtlpReceiver, find_rotel_agent

ENV_FILE = Path(__file__).resolve().parents[2] / "collector-config" / "rotel-agent.env"


def read_env_file(path: Path) -> dict[str, str]:
    pairs = (
        line.split("=", 1)
        for line in path.read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    return {key.strip(): value.strip() for key, value in pairs}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_env_file_runs_rotel_forwarding_to_the_backend(otlp_receiver: OtlpReceiver) -> None:
    settings = read_env_file(ENV_FILE)
    assert settings["ROTEL_EXPORTER"] == "otlp"
    http_port = free_port()
    settings.update(
        ROTEL_OTLP_GRPC_ENDPOINT=f"127.0.0.1:{free_port()}",
        ROTEL_OTLP_HTTP_ENDPOINT=f"127.0.0.1:{http_port}",
        ROTEL_OTLP_EXPORTER_ENDPOINT=otlp_receiver.grpc_endpoint,
    )
    process = subprocess.Popen(
        [str(find_rotel_agent()), "start"],
        env={**os.environ, **settings},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(http_port, process)
        provider = LoggerProvider(shutdown_on_exit=False)
        exporter = FastOTLPLogExporter(endpoint=f"http://127.0.0.1:{http_port}/v1/logs")
        provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
        provider.get_logger("collector-config").emit(
            LogRecord(body="through the configured collector")
        )
        (received,) = otlp_receiver.wait_for_logs(1)
        assert received.body == "through the configured collector"
    finally:
        process.kill()
        process.wait()


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "rotel exited: the env file is invalid"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.01)
    raise AssertionError(f"rotel did not open port {port} within {timeout}s")
