"""An in-process OTLP backend for tests: gRPC and HTTP, with failure injection."""

from __future__ import annotations

from types import TracebackType

import grpc
from google.protobuf.message import Message

from hydra_otel.testing._backend import ExportBackend
from hydra_otel.testing._faults import FaultPlan
from hydra_otel.testing._grpc_server import OtlpGrpcFrontEnd
from hydra_otel.testing._http_server import OtlpHttpFrontEnd
from hydra_otel.testing._received import ReceivedLog, ReceivedSpan
from hydra_otel.testing._store import ReceivedStore


class OtlpReceiver:
    """A stand-in OTLP backend serving OTLP/gRPC and OTLP/HTTP on free loopback ports.

    Point any OTLP exporter (or a collector) at :attr:`grpc_endpoint` or
    :attr:`http_endpoint` (append ``/v1/logs`` etc. when configuring an HTTP
    exporter with a per-signal endpoint). Accepted requests are decoded and kept;
    read them back flattened with :meth:`logs`, :meth:`spans` and
    :meth:`metric_names`, or block until they arrive with :meth:`wait_for_logs`.

    Faults apply to both transports and every signal, in arrival order:
    :meth:`fail_next`, :meth:`set_partial_success` and :meth:`hang`. Requests
    that are answered with a failure are not stored.

    Example:
        >>> with OtlpReceiver() as receiver:  # doctest: +SKIP
        ...     exporter = OTLPLogExporter(endpoint=receiver.http_endpoint + "/v1/logs")
        ...     ...
        ...     [log] = receiver.wait_for_logs(1)

    After :meth:`stop`, :meth:`start` serves again on the same ports, so a test
    can take the backend down and bring it back under clients' feet.

    Args:
        count_only: Count log records without keeping them (for benchmarks). Each
            request is still fully decoded so the count is exact.
        http_port: Port for OTLP/HTTP; ``0`` picks a free one.
        grpc_port: Port for OTLP/gRPC; ``0`` picks a free one.
    """

    def __init__(self, count_only: bool = False, http_port: int = 0, grpc_port: int = 0) -> None:
        self._ports = (http_port, grpc_port)
        self._store = ReceivedStore(count_only=count_only)
        self._faults = FaultPlan()
        self._backend = ExportBackend(self._store, self._faults)
        self._http: OtlpHttpFrontEnd | None = None
        self._grpc: OtlpGrpcFrontEnd | None = None

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> OtlpReceiver:
        """Start both servers (no-op when already running) and return ``self``.

        Raises:
            OSError: If a port cannot be bound (only possible for fixed or reused ports).
        """
        if self._http is not None:
            return self
        http_port, grpc_port = self._ports
        http = OtlpHttpFrontEnd(self._backend, http_port)
        try:
            grpc_front = OtlpGrpcFrontEnd(self._backend, grpc_port)
        except OSError:
            http.stop()
            raise
        self._http, self._grpc = http, grpc_front
        self._ports = (http.port, grpc_front.port)
        return self

    def stop(self) -> None:
        """Release stalled requests and stop both servers; received data is kept.

        Safe to call twice. Clients then get connection refused until :meth:`start`.
        """
        self._faults.hang(False)
        http, grpc_front = self._http, self._grpc
        self._http = self._grpc = None
        if http is not None:
            http.stop()
        if grpc_front is not None:
            grpc_front.stop()

    def __enter__(self) -> OtlpReceiver:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def http_endpoint(self) -> str:
        """Base URL of the OTLP/HTTP server, e.g. ``http://127.0.0.1:40123``."""
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def grpc_endpoint(self) -> str:
        """URL of the OTLP/gRPC server, e.g. ``http://127.0.0.1:40124`` (plaintext)."""
        return f"http://127.0.0.1:{self.grpc_port}"

    @property
    def http_port(self) -> int:
        """Port of the OTLP/HTTP server."""
        if self._http is None:
            raise RuntimeError("OtlpReceiver is not running; call start() first")
        return self._http.port

    @property
    def grpc_port(self) -> int:
        """Port of the OTLP/gRPC server."""
        if self._grpc is None:
            raise RuntimeError("OtlpReceiver is not running; call start() first")
        return self._grpc.port

    # -- reading what arrived --------------------------------------------------

    def logs(self) -> list[ReceivedLog]:
        """All accepted log records so far, in arrival order (empty in ``count_only`` mode)."""
        return self._store.snapshot(lambda store: store.logs)

    def spans(self) -> list[ReceivedSpan]:
        """All accepted spans so far, in arrival order."""
        return self._store.snapshot(lambda store: store.spans)

    def metric_names(self) -> list[str]:
        """Names of all accepted metrics, in arrival order, with repeats."""
        return self._store.snapshot(lambda store: store.metric_names)

    def requests(self) -> list[Message]:
        """Every accepted export request as its decoded protobuf message."""
        return self._store.snapshot(lambda store: store.requests)

    def request_headers(self) -> list[dict[str, str]]:
        """Headers of every accepted request, aligned with :meth:`requests`.

        HTTP headers or gRPC metadata, keys lower-cased (e.g. ``content-encoding``,
        ``user-agent``, custom ``OTEL_EXPORTER_OTLP_HEADERS``).
        """
        return self._store.snapshot(lambda store: store.headers)

    @property
    def log_count(self) -> int:
        """Number of log records accepted so far (exact in ``count_only`` mode too)."""
        return self._store.snapshot(lambda store: store.log_count)

    @property
    def span_count(self) -> int:
        """Number of spans accepted so far."""
        return self._store.snapshot(lambda store: store.span_count)

    def attempts(self, signal: str = "logs") -> int:
        """Export requests received for ``signal`` (logs/traces/metrics), failed ones included."""
        return self._store.snapshot(lambda store: store.attempts[signal])

    def wait_for_logs(self, count: int, timeout: float = 10.0) -> list[ReceivedLog]:
        """Block until at least ``count`` log records have been accepted.

        Returns:
            All accepted log records (possibly more than ``count``); always empty
            in ``count_only`` mode, where only :attr:`log_count` is kept.

        Raises:
            AssertionError: On timeout, describing what did arrive.
        """
        if not self._store.wait_until(lambda store: store.log_count >= count, timeout):
            summary = self._store.snapshot(ReceivedStore.describe_logs)
            raise AssertionError(f"expected {count} log record(s) within {timeout}s, got {summary}")
        return self.logs()

    def wait_for_spans(self, count: int, timeout: float = 10.0) -> list[ReceivedSpan]:
        """Block until at least ``count`` spans have been accepted; see :meth:`wait_for_logs`."""
        if not self._store.wait_until(lambda store: store.span_count >= count, timeout):
            summary = self._store.snapshot(ReceivedStore.describe_spans)
            raise AssertionError(f"expected {count} span(s) within {timeout}s, got {summary}")
        return self.spans()

    def wait_for_metric(self, name: str, timeout: float = 10.0) -> list[str]:
        """Block until a metric called ``name`` has been accepted; return all metric names.

        Raises:
            AssertionError: On timeout, listing the metric names that did arrive.
        """
        if not self._store.wait_until(lambda store: name in store.metric_names, timeout):
            seen = sorted(set(self.metric_names()))
            raise AssertionError(f"metric {name!r} not received within {timeout}s; got {seen}")
        return self.metric_names()

    def wait_for_attempts(self, count: int, signal: str = "logs", timeout: float = 10.0) -> int:
        """Block until ``count`` export requests for ``signal`` arrived, failed ones included.

        Returns:
            The number of attempts seen.

        Raises:
            AssertionError: On timeout.
        """
        if not self._store.wait_until(lambda store: store.attempts[signal] >= count, timeout):
            seen = self.attempts(signal)
            raise AssertionError(
                f"expected {count} {signal} request(s) within {timeout}s, got {seen}"
            )
        return self.attempts(signal)

    def clear(self) -> None:
        """Forget everything received so far and drop scheduled faults."""
        self._faults.reset()
        self._store.clear()

    # -- failure injection -----------------------------------------------------

    def fail_next(
        self,
        n: int,
        http_status: int = 503,
        retry_after_seconds: float | None = None,
        grpc_code: grpc.StatusCode | None = None,
    ) -> None:
        """Answer the next ``n`` export requests (any transport, any signal) with an error.

        Args:
            n: Number of requests to fail; replaces any earlier schedule.
            http_status: Status for OTLP/HTTP (503 → retryable, 400 → permanent).
            retry_after_seconds: Advertise a retry delay: HTTP ``Retry-After`` and gRPC
                ``RetryInfo`` (in ``google.rpc.retryinfo-bin`` and ``grpc-status-details-bin``).
            grpc_code: Status for OTLP/gRPC; by default derived from ``http_status``
                (503 → UNAVAILABLE, 429 → RESOURCE_EXHAUSTED, 400 → INVALID_ARGUMENT, ...).
        """
        self._faults.fail_next(n, http_status, retry_after_seconds, grpc_code)

    def set_partial_success(
        self, rejected_count: int, message: str = "", responses: int | None = None
    ) -> None:
        """Report a partial success in the next successful responses.

        The records are still stored (a receiver cannot know which ones a real
        backend would reject). ``set_partial_success(0)`` turns it off.

        Args:
            rejected_count: Value of ``rejected_log_records`` / ``rejected_spans`` /
                ``rejected_data_points``.
            message: The partial success ``error_message``.
            responses: How many responses carry it; ``None`` means until turned off.
        """
        self._faults.set_partial_success(rejected_count, message, responses)

    def hang(self, enabled: bool = True) -> None:
        """Stall (``True``) or release (``False``) every export request, like a hung backend.

        Stalled requests never complete on their own; once released (or at
        :meth:`stop`) they are answered 503/UNAVAILABLE and not stored, so a
        client that timed out and retried does not produce duplicates.
        """
        self._faults.hang(enabled)
