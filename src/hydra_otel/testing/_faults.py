"""Failure injection shared by the receiver's HTTP and gRPC front ends."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import grpc

_GRPC_CODE_FOR_HTTP_STATUS = {
    400: grpc.StatusCode.INVALID_ARGUMENT,
    401: grpc.StatusCode.UNAUTHENTICATED,
    403: grpc.StatusCode.PERMISSION_DENIED,
    404: grpc.StatusCode.UNIMPLEMENTED,
    413: grpc.StatusCode.RESOURCE_EXHAUSTED,
    429: grpc.StatusCode.RESOURCE_EXHAUSTED,
    500: grpc.StatusCode.INTERNAL,
    501: grpc.StatusCode.UNIMPLEMENTED,
    502: grpc.StatusCode.UNAVAILABLE,
    503: grpc.StatusCode.UNAVAILABLE,
    504: grpc.StatusCode.DEADLINE_EXCEEDED,
}


@dataclass(frozen=True, slots=True)
class InjectedFailure:
    """How one failed request is answered.

    Attributes:
        http_status: Status code returned over OTLP/HTTP.
        grpc_code: Status code returned over OTLP/gRPC.
        retry_after_seconds: Delay advertised to the client (HTTP ``Retry-After``,
            gRPC ``RetryInfo``), or ``None`` for none.
        message: Human-readable error message.
    """

    http_status: int
    grpc_code: grpc.StatusCode
    retry_after_seconds: float | None
    message: str


@dataclass(frozen=True, slots=True)
class PartialSuccess:
    """A partial-success answer: the request is accepted but some items are reported rejected."""

    rejected: int
    message: str


class FaultPlan:
    """Thread-safe schedule of failures, partial successes and stalls.

    Each incoming export request asks the plan, in order: should it stall
    (:meth:`stall`), should it fail (:meth:`take_failure`), and should its
    success response report a partial success (:meth:`take_partial_success`).
    """

    __slots__ = ("_failure", "_failures_left", "_lock", "_partial", "_partial_left", "_released")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures_left = 0
        self._failure: InjectedFailure | None = None
        self._partial: PartialSuccess | None = None
        self._partial_left: int | None = None
        self._released = threading.Event()
        self._released.set()

    def fail_next(
        self,
        count: int,
        http_status: int = 503,
        retry_after_seconds: float | None = None,
        grpc_code: grpc.StatusCode | None = None,
    ) -> None:
        """Make the next ``count`` requests fail (replacing any earlier schedule)."""
        code = grpc_code or _GRPC_CODE_FOR_HTTP_STATUS.get(http_status, grpc.StatusCode.UNAVAILABLE)
        message = f"injected failure (HTTP {http_status}, gRPC {code.name})"
        with self._lock:
            self._failures_left = count
            self._failure = InjectedFailure(http_status, code, retry_after_seconds, message)

    def take_failure(self) -> InjectedFailure | None:
        """Consume one scheduled failure, or return ``None`` when the request should succeed."""
        with self._lock:
            if self._failures_left <= 0 or self._failure is None:
                return None
            self._failures_left -= 1
            return self._failure

    def set_partial_success(self, rejected: int, message: str, responses: int | None) -> None:
        """Answer the next ``responses`` successes (all, if ``None``) with a partial success."""
        with self._lock:
            cleared = rejected == 0 and not message
            self._partial = None if cleared else PartialSuccess(rejected, message)
            self._partial_left = responses

    def take_partial_success(self) -> PartialSuccess | None:
        """Consume one scheduled partial success, or return ``None`` for a plain success."""
        with self._lock:
            partial = self._partial
            if partial is None:
                return None
            if self._partial_left is not None:
                self._partial_left -= 1
                if self._partial_left <= 0:
                    self._partial = None
            return partial

    def hang(self, enabled: bool) -> None:
        """Start (``True``) or end (``False``) stalling every incoming request."""
        if enabled:
            self._released.clear()
        else:
            self._released.set()

    @property
    def hanging(self) -> bool:
        """Whether requests are currently being stalled."""
        return not self._released.is_set()

    def stall(self) -> bool:
        """Block while the plan is hanging; return True if this request was stalled."""
        if self._released.is_set():
            return False
        self._released.wait()
        return True

    def reset(self) -> None:
        """Drop every scheduled fault and release stalled requests."""
        with self._lock:
            self._failures_left = 0
            self._failure = None
            self._partial = None
            self._partial_left = None
        self._released.set()
