"""FastOTLPLogExporter's transports: TLS, mTLS, proxies, a user's session, kept-alive connections.

Real servers only: the in-process OTLP receiver, behind a TLS front or a forwarding proxy
built from ``http.server`` when a test needs one, with certificates made by ``openssl``.
"""

from __future__ import annotations

import http.client
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from opentelemetry._logs import LogRecord, SeverityNumber
from opentelemetry.sdk._logs import ReadableLogRecord
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.util.instrumentation import InstrumentationScope

from hydra_otel.export.otlp import ExportOutcome, FastOTLPLogExporter
from hydra_otel.export.otlp._http_transport import request_head
from hydra_otel.testing import OtlpReceiver

_RESOURCE = Resource({"service.name": "checkout"})
_SCOPE = InstrumentationScope("checkout.api", "1.0")
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "host", "transfer-encoding"}
)
_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


def _records(count: int, prefix: str = "paid") -> list[ReadableLogRecord]:
    return [
        ReadableLogRecord(
            LogRecord(body=f"{prefix} {i}", severity_number=SeverityNumber.INFO),
            _RESOURCE,
            _SCOPE,
        )
        for i in range(count)
    ]


def _eventually(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


# --- certificates --------------------------------------------------------------------------


@dataclass(frozen=True)
class Pki:
    """A test CA with a server certificate (for 127.0.0.1) and a client certificate."""

    ca: str
    server_certificate: str
    server_key: str
    client_certificate: str
    client_key: str


def _openssl(directory: Path, *args: str) -> None:
    subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True)


def _issue(directory: Path, name: str, extensions: str) -> None:
    (directory / f"{name}.ext").write_text(
        f"{extensions}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid,issuer\n"
    )
    _openssl(
        directory, "req", *_EC_KEY, "-subj", f"/CN=hydra-otel test {name}",
        "-keyout", f"{name}.key", "-out", f"{name}.csr",
    )  # fmt: skip
    _openssl(
        directory, "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", f"{name}.ext", "-out", f"{name}.pem",
    )  # fmt: skip


_EC_KEY = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """Certificates made with the openssl binary (the cryptography package is not installed)."""
    if shutil.which("openssl") is None:
        pytest.skip("making test certificates needs the openssl binary")
    directory = tmp_path_factory.mktemp("pki")
    _openssl(
        directory, "req", "-x509", *_EC_KEY, "-subj", "/CN=hydra-otel test CA",
        "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    _issue(directory, "server", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth")
    _issue(directory, "client", "extendedKeyUsage=clientAuth")
    return Pki(
        ca=str(directory / "ca.pem"),
        server_certificate=str(directory / "server.pem"),
        server_key=str(directory / "server.key"),
        client_certificate=str(directory / "client.pem"),
        client_key=str(directory / "client.key"),
    )


# --- a relay: TLS front of the receiver, or a forwarding proxy --------------------------------


class _Relay(BaseHTTPRequestHandler):
    """Forwards each POST to the receiver (a TLS front) or to its absolute URI (a proxy)."""

    protocol_version = "HTTP/1.1"
    server: _RelayServer

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.request_lines.append(self.requestline)
        target = urlsplit(self.path if "://" in self.path else self.server.upstream + self.path)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        upstream = http.client.HTTPConnection(target.hostname or "", target.port, timeout=10)
        try:
            upstream.request("POST", target.path, body, headers)
            response = upstream.getresponse()
            content = response.read()
        finally:
            upstream.close()
        self.send_response(response.status)
        for name in ("Content-Type", "Retry-After"):
            if value := response.getheader(name):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, *args: object) -> None:
        pass


class _RelayServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: str = "", tls: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Relay)
        self.upstream, self.tls = upstream, tls
        self.request_lines: list[str] = []
        self.refused_handshakes: list[str] = []

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.tls is None:
            super().finish_request(request, client_address)
            return
        try:
            request = self.tls.wrap_socket(request, server_side=True)
        except OSError as error:  # ssl.SSLError too: no client certificate, unknown CA
            self.refused_handshakes.append(str(error))
            return
        try:
            super().finish_request(request, client_address)
        finally:
            request.close()


def _serve(server: _RelayServer) -> Iterator[_RelayServer]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _server_tls(pki: Pki, require_client_certificate: bool) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki.server_certificate, pki.server_key)
    if require_client_certificate:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(pki.ca)
    return context


def _url(server: _RelayServer, scheme: str = "https") -> str:
    return f"{scheme}://127.0.0.1:{server.server_address[1]}/v1/logs"


@pytest.fixture
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No proxy and no requests CA bundle from the machine's environment."""
    for name in (*_PROXY_VARIABLES, "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


@pytest.fixture
def tls_front(otlp_receiver: OtlpReceiver, pki: Pki) -> Iterator[_RelayServer]:
    """An HTTPS server (certificate for 127.0.0.1 from the test CA) in front of the receiver."""
    server = _RelayServer(otlp_receiver.http_endpoint, _server_tls(pki, False))
    yield from _serve(server)


@pytest.fixture
def mtls_front(otlp_receiver: OtlpReceiver, pki: Pki) -> Iterator[_RelayServer]:
    """Like ``tls_front``, but the handshake requires a client certificate from the test CA."""
    server = _RelayServer(otlp_receiver.http_endpoint, _server_tls(pki, True))
    yield from _serve(server)


@pytest.fixture
def forwarding_proxy() -> Iterator[_RelayServer]:
    """A plain HTTP forward proxy: it sends each request on to its absolute URI."""
    yield from _serve(_RelayServer())


# --- TLS -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ca_source", ["argument", "OTEL_EXPORTER_OTLP_CERTIFICATE", "REQUESTS_CA_BUNDLE"]
)
def test_https_verifies_the_server_with_the_configured_ca_file(
    tls_front: _RelayServer,
    otlp_receiver: OtlpReceiver,
    pki: Pki,
    no_proxy_environment: pytest.MonkeyPatch,
    ca_source: str,
) -> None:
    if ca_source != "argument":
        no_proxy_environment.setenv(ca_source, pki.ca)
    certificate_file = pki.ca if ca_source == "argument" else None
    exporter = FastOTLPLogExporter(
        endpoint=_url(tls_front), certificate_file=certificate_file, timeout=5
    )

    outcomes = [exporter.export_detailed(_records(2, prefix=f"tls{i}")) for i in range(3)]

    assert [outcome.status for outcome in outcomes] == ["HTTP 200"] * 3
    assert len(otlp_receiver.wait_for_logs(6)) == 6
    assert tls_front.request_lines == ["POST /v1/logs HTTP/1.1"] * 3
    exporter.shutdown()


def test_https_refuses_a_server_no_trusted_ca_vouches_for(
    tls_front: _RelayServer, otlp_receiver: OtlpReceiver, no_proxy_environment: Any
) -> None:
    exporter = FastOTLPLogExporter(endpoint=_url(tls_front), timeout=5)  # system CAs only

    outcome = exporter.export_detailed(_records(1))

    assert (outcome.success, outcome.retryable, outcome.status) == (False, True, "SSLError")
    assert "certificate verify failed" in outcome.error_message
    assert tls_front.request_lines == [] and otlp_receiver.attempts() == 0


def test_mtls_with_the_client_certificate_from_the_environment_delivers(
    mtls_front: _RelayServer,
    otlp_receiver: OtlpReceiver,
    pki: Pki,
    no_proxy_environment: pytest.MonkeyPatch,
) -> None:
    no_proxy_environment.setenv("OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE", pki.ca)
    no_proxy_environment.setenv("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", pki.client_certificate)
    no_proxy_environment.setenv("OTEL_EXPORTER_OTLP_CLIENT_KEY", pki.client_key)
    exporter = FastOTLPLogExporter(endpoint=_url(mtls_front), timeout=5)

    assert exporter.export_detailed(_records(2, prefix="mtls")).status == "HTTP 200"

    assert [log.body for log in otlp_receiver.wait_for_logs(2)] == ["mtls 0", "mtls 1"]
    assert mtls_front.refused_handshakes == []


def test_mtls_without_a_client_certificate_is_a_retryable_transport_failure(
    mtls_front: _RelayServer, otlp_receiver: OtlpReceiver, pki: Pki, no_proxy_environment: Any
) -> None:
    exporter = FastOTLPLogExporter(endpoint=_url(mtls_front), certificate_file=pki.ca, timeout=5)

    outcome = exporter.export_detailed(_records(1))

    assert (outcome.success, outcome.retryable) == (False, True)
    assert outcome.status in {"SSLError", "ConnectionError"}  # TLS 1.3 reports it after sending
    assert outcome.error_message
    # One attempt: a fresh connection is not resent. The server notes the refusal
    # just after sending its alert, so give it a moment.
    assert _eventually(lambda: len(mtls_front.refused_handshakes) == 1)
    assert mtls_front.request_lines == [] and otlp_receiver.attempts() == 0


def test_unreadable_tls_files_fail_each_export_without_raising(
    tls_front: _RelayServer, tmp_path: Path, no_proxy_environment: Any
) -> None:
    missing = str(tmp_path / "no-such-ca.pem")
    exporter = FastOTLPLogExporter(endpoint=_url(tls_front), certificate_file=missing)

    outcome = exporter.export_detailed(_records(1))

    assert (outcome.success, outcome.retryable) == (False, False)
    assert missing in outcome.error_message
    assert tls_front.request_lines == []


# --- which transport: proxies, a user's session ----------------------------------------------


def test_a_proxy_in_the_environment_carries_the_export(
    forwarding_proxy: _RelayServer,
    otlp_receiver: OtlpReceiver,
    no_proxy_environment: pytest.MonkeyPatch,
) -> None:
    no_proxy_environment.setenv(
        "http_proxy", f"http://127.0.0.1:{forwarding_proxy.server_address[1]}"
    )
    endpoint = f"{otlp_receiver.http_endpoint}/v1/logs"
    exporter = FastOTLPLogExporter(endpoint=endpoint, timeout=5)

    assert exporter.export_detailed(_records(2, prefix="proxied")).status == "HTTP 200"

    assert [log.body for log in otlp_receiver.wait_for_logs(2)] == ["proxied 0", "proxied 1"]
    assert forwarding_proxy.request_lines == [f"POST {endpoint} HTTP/1.1"]


def test_no_proxy_sends_past_the_proxy(
    forwarding_proxy: _RelayServer,
    otlp_receiver: OtlpReceiver,
    no_proxy_environment: pytest.MonkeyPatch,
) -> None:
    no_proxy_environment.setenv(
        "http_proxy", f"http://127.0.0.1:{forwarding_proxy.server_address[1]}"
    )
    no_proxy_environment.setenv("no_proxy", "localhost,127.0.0.1")
    exporter = FastOTLPLogExporter(endpoint=f"{otlp_receiver.http_endpoint}/v1/logs", timeout=5)

    assert exporter.export_detailed(_records(1)).success

    assert len(otlp_receiver.wait_for_logs(1)) == 1
    assert forwarding_proxy.request_lines == []


def test_a_users_session_sends_the_export(otlp_receiver: OtlpReceiver) -> None:
    session = requests.Session()
    session.headers["x-sent-by"] = "my session"
    session.auth = ("tenant", "secret")
    exporter = FastOTLPLogExporter(
        endpoint=f"{otlp_receiver.http_endpoint}/v1/logs", session=session, timeout=5
    )

    assert exporter.export(_records(1)).name == "SUCCESS"

    [headers] = otlp_receiver.request_headers()
    assert headers["x-sent-by"] == "my session"
    assert headers["authorization"].startswith("Basic ")
    assert headers["content-type"] == "application/x-protobuf"


# --- kept-alive connections ------------------------------------------------------------------


class _ClosesAfterEachResponse(BaseHTTPRequestHandler):
    """Answers 200 as if keeping the connection alive, then closes it: an idle timeout of 0."""

    protocol_version = "HTTP/1.1"
    server: _CountingServer

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.client_ports.append(self.client_address[1])
        if self.server.answer:
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
        self.close_connection = True  # no "Connection: close" was said

    def log_message(self, *args: object) -> None:
        pass


class _CountingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, answer: bool) -> None:
        super().__init__(("127.0.0.1", 0), _ClosesAfterEachResponse)
        self.answer = answer
        self.client_ports: list[int] = []


@pytest.fixture
def closing_server() -> Iterator[_CountingServer]:
    """A server that closes every connection right after answering its first request."""
    server = _CountingServer(answer=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_connection_the_server_closed_while_idle_is_reopened_and_resent_once(
    closing_server: _CountingServer, no_proxy_environment: Any
) -> None:
    port = closing_server.server_address[1]
    exporter = FastOTLPLogExporter(endpoint=f"http://127.0.0.1:{port}/v1/logs", timeout=5)

    outcomes = [exporter.export_detailed(_records(1)) for _ in range(4)]

    assert [outcome.status for outcome in outcomes] == ["HTTP 200"] * 4
    assert len(closing_server.client_ports) == 4  # each sent once: nothing duplicated
    assert len(set(closing_server.client_ports)) == 4  # each on a new connection
    exporter.shutdown()


def test_a_fresh_connection_closed_without_an_answer_is_not_resent(
    closing_server: _CountingServer, no_proxy_environment: Any
) -> None:
    closing_server.answer = False
    port = closing_server.server_address[1]
    exporter = FastOTLPLogExporter(endpoint=f"http://127.0.0.1:{port}/v1/logs", timeout=5)

    outcome = exporter.export_detailed(_records(1))

    assert (outcome.success, outcome.retryable, outcome.status) == (False, True, "ConnectionError")
    assert len(closing_server.client_ports) == 1


def test_exports_from_two_threads_at_once_all_arrive(
    otlp_receiver: OtlpReceiver, no_proxy_environment: Any
) -> None:
    exporter = FastOTLPLogExporter(endpoint=f"{otlp_receiver.http_endpoint}/v1/logs", timeout=5)
    start = threading.Barrier(2)
    outcomes: list[ExportOutcome] = []

    def export_many(name: str) -> None:
        start.wait()
        for i in range(25):
            outcomes.append(exporter.export_detailed(_records(2, prefix=f"{name}-{i}")))

    threads = [threading.Thread(target=export_many, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [outcome.status for outcome in outcomes] == ["HTTP 200"] * 50
    bodies = {log.body for log in otlp_receiver.wait_for_logs(100)}
    expected = {f"{name}-{i} {j}" for name in "ab" for i in range(25) for j in range(2)}
    assert bodies == expected
    exporter.shutdown()


@pytest.mark.parametrize(
    ("host", "port", "default", "expected"),
    [
        ("::1", 4318, 80, "Host: [::1]:4318"),
        ("collector.example", 443, 443, "Host: collector.example\r\n"),
        ("bücher.example", 4318, 80, "Host: xn--bcher-kva.example:4318"),
    ],
)
def test_the_host_header_is_written_as_http_client_writes_it(
    host: str, port: int, default: int, expected: str
) -> None:
    head = request_head(host, port, default, "/v1/logs", {}).decode("latin-1")
    assert expected in head
    assert head.startswith("POST /v1/logs HTTP/1.1\r\n") and head.endswith("Content-Length: ")
