"""An OTLP/gRPC logs receiver that tells distinct records from duplicates.

Every benchmark record carries an integer attribute ``bench.seq``; this receiver
marks each value in a bitmap, so after a collector outage it can say how many
distinct records arrived and how many were sent twice. It decodes attributes in
Python, so it is meant for the outage run's modest rate, not for throughput.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2, logs_service_pb2_grpc

SEQUENCE_KEY = "bench.seq"


class _SeenSet:
    """Distinct non-negative integers seen, in a growable bitmap."""

    __slots__ = ("bits", "duplicates", "records", "unique", "unnumbered")

    def __init__(self) -> None:
        self.bits = bytearray(1 << 17)
        self.records = self.unique = self.duplicates = self.unnumbered = 0

    def add(self, value: int) -> None:
        self.records += 1
        if value < 0:
            self.unnumbered += 1
            return
        index, mask = value >> 3, 1 << (value & 7)
        if index >= len(self.bits):
            self.bits.extend(bytes(max(index + 1 - len(self.bits), len(self.bits))))
        if self.bits[index] & mask:
            self.duplicates += 1
        else:
            self.bits[index] |= mask
            self.unique += 1


def _sequence_of(record: Any) -> int:
    for attribute in record.attributes:
        if attribute.key == SEQUENCE_KEY:
            return int(attribute.value.int_value)
    return -1


class _LogsServicer(logs_service_pb2_grpc.LogsServiceServicer):
    def __init__(self, seen: _SeenSet, lock: threading.Lock) -> None:
        self._seen = seen
        self._lock = lock

    def Export(self, request: Any, context: Any) -> Any:
        values = [
            _sequence_of(record)
            for resource_logs in request.resource_logs
            for scope_logs in resource_logs.scope_logs
            for record in scope_logs.log_records
        ]
        with self._lock:
            for value in values:
                self._seen.add(value)
        return logs_service_pb2.ExportLogsServiceResponse()


class SequenceReceiver:
    """OTLP/gRPC logs on a free loopback port, counting distinct ``bench.seq`` values."""

    def __init__(self) -> None:
        self._seen = _SeenSet()
        self._lock = threading.Lock()
        self._server = grpc.server(
            ThreadPoolExecutor(max_workers=8, thread_name_prefix="sequence-receiver"),
            options=[("grpc.max_receive_message_length", 64 * 1024 * 1024)],
        )
        servicer = _LogsServicer(self._seen, self._lock)
        logs_service_pb2_grpc.add_LogsServiceServicer_to_server(servicer, self._server)  # type: ignore[no-untyped-call]
        self._port = self._server.add_insecure_port("127.0.0.1:0")

    @property
    def grpc_endpoint(self) -> str:
        """Where a collector should export to (plaintext gRPC)."""
        return f"http://127.0.0.1:{self._port}"

    @property
    def log_count(self) -> int:
        """Records accepted, duplicates included."""
        with self._lock:
            return self._seen.records

    def uniqueness(self) -> tuple[int, int]:
        """(distinct ``bench.seq`` values, records that repeated one)."""
        with self._lock:
            return self._seen.unique, self._seen.duplicates

    def start(self) -> SequenceReceiver:
        """Start serving."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.stop(grace=None).wait(5)
