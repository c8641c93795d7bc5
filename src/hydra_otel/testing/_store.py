"""Thread-safe store of what an :class:`OtlpReceiver` accepted."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from google.protobuf.message import Message
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from hydra_otel.testing._received import (
    ReceivedLog,
    ReceivedSpan,
    count_log_records,
    count_spans,
    flatten_logs,
    flatten_spans,
    metric_names_of,
)

_T = TypeVar("_T")
_PREVIEW = 5


class ReceivedStore:
    """Accepted export requests, flattened, guarded by one condition variable.

    Writers call :meth:`add`; readers take snapshots or block in :meth:`wait_until`
    until a predicate over the store holds. In ``count_only`` mode log records
    are counted (the request is still fully decoded) but not kept.
    """

    __slots__ = (
        "_changed",
        "_headers",
        "_log_count",
        "_logs",
        "_metric_names",
        "_requests",
        "_span_count",
        "_spans",
        "attempts",
        "count_only",
    )

    def __init__(self, count_only: bool = False) -> None:
        self.count_only = count_only
        self._changed = threading.Condition(threading.Lock())
        self._logs: list[ReceivedLog] = []
        self._spans: list[ReceivedSpan] = []
        self._metric_names: list[str] = []
        self._requests: list[Message] = []
        self._headers: list[dict[str, str]] = []
        self._log_count = 0
        self._span_count = 0
        self.attempts: dict[str, int] = {"logs": 0, "traces": 0, "metrics": 0}

    def note_attempt(self, signal_name: str) -> None:
        """Count an export request that arrived, whatever its outcome."""
        with self._changed:
            self.attempts[signal_name] += 1
            self._changed.notify_all()

    def add(self, request: Message, headers: dict[str, str]) -> None:
        """Keep an accepted export request (and its headers) and wake up waiters."""
        if isinstance(request, ExportLogsServiceRequest):
            self._add_logs(request, headers)
        elif isinstance(request, ExportTraceServiceRequest):
            spans = [] if self.count_only else flatten_spans(request)
            with self._changed:
                self._span_count += count_spans(request)
                self._spans.extend(spans)
                self._keep(request, headers)
        elif isinstance(request, ExportMetricsServiceRequest):
            names = metric_names_of(request)
            with self._changed:
                self._metric_names.extend(names)
                self._keep(request, headers)

    def _add_logs(self, request: ExportLogsServiceRequest, headers: dict[str, str]) -> None:
        if self.count_only:
            count = count_log_records(request)
            with self._changed:
                self._log_count += count
                self._changed.notify_all()
            return
        logs = flatten_logs(request)
        with self._changed:
            self._log_count += len(logs)
            self._logs.extend(logs)
            self._keep(request, headers)

    def _keep(self, request: Message, headers: dict[str, str]) -> None:
        if not self.count_only:
            self._requests.append(request)
            self._headers.append(headers)
        self._changed.notify_all()

    def snapshot(self, read: Callable[[ReceivedStore], _T]) -> _T:
        """Run ``read`` on the store under its lock."""
        with self._changed:
            return read(self)

    def wait_until(self, ready: Callable[[ReceivedStore], bool], timeout: float) -> bool:
        """Block until ``ready(store)`` is true or ``timeout`` seconds pass; return the outcome."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not ready(self):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
            return True

    def clear(self) -> None:
        """Forget everything received so far (attempt counters included)."""
        with self._changed:
            self._logs.clear()
            self._spans.clear()
            self._metric_names.clear()
            self._requests.clear()
            self._headers.clear()
            self._log_count = 0
            self._span_count = 0
            self.attempts = dict.fromkeys(self.attempts, 0)
            self._changed.notify_all()

    @property
    def logs(self) -> list[ReceivedLog]:
        """Kept log records (call under :meth:`snapshot` or accept a racy copy)."""
        return list(self._logs)

    @property
    def spans(self) -> list[ReceivedSpan]:
        """Kept spans."""
        return list(self._spans)

    @property
    def metric_names(self) -> list[str]:
        """Names of received metrics, in arrival order, with repeats."""
        return list(self._metric_names)

    @property
    def requests(self) -> list[Message]:
        """Accepted export requests as decoded protobuf messages."""
        return list(self._requests)

    @property
    def headers(self) -> list[dict[str, str]]:
        """Headers (HTTP) or metadata (gRPC) of each accepted request, matching :attr:`requests`."""
        return list(self._headers)

    @property
    def log_count(self) -> int:
        """Number of log records accepted (also counted in ``count_only`` mode)."""
        return self._log_count

    @property
    def span_count(self) -> int:
        """Number of spans accepted."""
        return self._span_count

    def describe_logs(self) -> str:
        """Short summary of the received logs, for assertion messages."""
        bodies = [log.body for log in self._logs[:_PREVIEW]]
        more = " ..." if len(self._logs) > _PREVIEW else ""
        return (
            f"{self._log_count} log record(s) from {self.attempts['logs']} logs request(s) "
            f"(failed ones included); first bodies: {bodies}{more}"
        )

    def describe_spans(self) -> str:
        """Short summary of the received spans, for assertion messages."""
        names = [span.name for span in self._spans[:_PREVIEW]]
        more = " ..." if len(self._spans) > _PREVIEW else ""
        return (
            f"{self._span_count} span(s) from {self.attempts['traces']} traces request(s) "
            f"(failed ones included); first names: {names}{more}"
        )
