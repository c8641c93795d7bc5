"""Protocol-independent handling of one export request: faults first, then storage."""

from __future__ import annotations

import grpc
from google.protobuf.message import Message

from hydra_otel.testing._faults import FaultPlan, InjectedFailure
from hydra_otel.testing._signals import Signal
from hydra_otel.testing._store import ReceivedStore

_RELEASED_FROM_HANG = InjectedFailure(
    http_status=503,
    grpc_code=grpc.StatusCode.UNAVAILABLE,
    retry_after_seconds=None,
    message="backend was hung; request released without being processed",
)


class ExportBackend:
    """Decides the fate of each decoded export request and stores the accepted ones.

    Both the HTTP and the gRPC front end call :meth:`handle`, so failure injection
    and storage behave identically whatever the transport.
    """

    __slots__ = ("faults", "store")

    def __init__(self, store: ReceivedStore, faults: FaultPlan) -> None:
        self.store = store
        self.faults = faults

    def handle(
        self, signal: Signal, request: Message, headers: dict[str, str]
    ) -> Message | InjectedFailure:
        """Return the success response to send, or the failure to answer with.

        ``headers`` are the request's HTTP headers or gRPC metadata, lower-cased keys.

        A request that was stalled by :meth:`FaultPlan.hang` is answered with a
        503/UNAVAILABLE once released and is not stored: the client may have
        given up on it already, and storing it would turn its retry into a duplicate.
        """
        self.store.note_attempt(signal.name)
        if self.faults.stall():
            return _RELEASED_FROM_HANG
        failure = self.faults.take_failure()
        if failure is not None:
            return failure
        self.store.add(request, headers)
        partial = self.faults.take_partial_success()
        if partial is None:
            return signal.response()
        return signal.response(partial.rejected, partial.message)
