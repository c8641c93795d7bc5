"""OTLP/HTTP front end of the receiver (protobuf and JSON, optional gzip)."""

from __future__ import annotations

import base64
import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import DecodeError, Message
from google.rpc.status_pb2 import Status

from hydra_otel.testing._backend import ExportBackend
from hydra_otel.testing._faults import InjectedFailure
from hydra_otel.testing._signals import SIGNALS_BY_PATH, Signal

_PROTOBUF = "application/x-protobuf"
_JSON = "application/json"
_ID_FIELDS = frozenset({"traceId", "spanId", "parentSpanId"})


def _hex_ids_to_base64(node: Any) -> Any:
    """OTLP/JSON spells trace and span ids in hex; protobuf's JSON parser wants base64."""
    if isinstance(node, dict):
        return {
            key: _id_to_base64(value) if key in _ID_FIELDS else _hex_ids_to_base64(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_hex_ids_to_base64(item) for item in node]
    return node


def _id_to_base64(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return base64.b64encode(bytes.fromhex(value)).decode("ascii")


def parse_request(signal: Signal, body: bytes, content_type: str) -> Message:
    """Decode an export request body sent as protobuf or OTLP/JSON."""
    request = signal.request_type()
    if content_type == _JSON:
        json_format.ParseDict(
            _hex_ids_to_base64(json.loads(body)), request, ignore_unknown_fields=True
        )
    else:
        request.ParseFromString(body)
    return request


class _OtlpHttpHandler(BaseHTTPRequestHandler):
    """Serves ``POST /v1/{logs,traces,metrics}``."""

    server: _OtlpHttpServer
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        signal = SIGNALS_BY_PATH.get(self.path.split("?", 1)[0])
        if signal is None:
            self.close_connection = True  # the unread body would poison a kept-alive connection
            self._reply(404, _PROTOBUF, Status(code=5, message="unknown path"))
            return
        content_type = self.headers.get("Content-Type", _PROTOBUF).split(";", 1)[0].strip()
        try:
            request = parse_request(signal, self._read_body(), content_type)
        except (DecodeError, json_format.ParseError, ValueError, OSError) as error:
            self.close_connection = True
            self._reply(400, content_type, Status(code=3, message=f"bad request: {error}"))
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        outcome = self.server.backend.handle(signal, request, headers)
        if isinstance(outcome, InjectedFailure):
            self._fail(outcome, content_type)
        else:
            self._reply(200, content_type, outcome)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = self._read_chunked()
        else:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Content-Encoding", "").lower() == "gzip":
            body = gzip.decompress(body)
        return body

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0], 16)
            if size == 0:
                self.rfile.readline()
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _fail(self, failure: InjectedFailure, content_type: str) -> None:
        status = Status(code=failure.grpc_code.value[0], message=failure.message)
        extra = {}
        if failure.retry_after_seconds is not None:
            # RFC 9110 wants whole seconds; fractions (which the Python exporter
            # accepts) keep retry tests fast.
            extra["Retry-After"] = format(max(0.0, failure.retry_after_seconds), "g")
        self._reply(failure.http_status, content_type, status, extra)

    def _reply(
        self,
        status: int,
        content_type: str,
        message: Message,
        extra_headers: dict[str, str] | None = None,
    ) -> None:
        if content_type == _JSON:
            payload = json_format.MessageToJson(message).encode()
        else:
            content_type, payload = _PROTOBUF, message.SerializeToString()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default per-request stderr line."""


class _OtlpHttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, backend: ExportBackend, port: int) -> None:
        self.backend = backend
        super().__init__(("127.0.0.1", port), _OtlpHttpHandler)


class OtlpHttpFrontEnd:
    """Runs the OTLP/HTTP server on a loopback port (0: a free one) in a daemon thread."""

    __slots__ = ("_server", "_thread")

    def __init__(self, backend: ExportBackend, port: int = 0) -> None:
        self._server = _OtlpHttpServer(backend, port)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"otlp-http-receiver:{self.port}",
            daemon=True,
        )
        self._thread.start()

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        return int(self._server.server_address[1])

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
