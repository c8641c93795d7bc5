"""A rotel collector and a counting OtlpReceiver, in a child process of their own.

Running them outside the benchmark process keeps the receiver's decoding off the
exporters' GIL, so the figures measure the client side, not the stand-in backend.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.connection import Connection
from types import TracebackType

from hydra_otel.testing import OtlpReceiver, RotelCollector


def _serve(conn: Connection) -> None:
    with OtlpReceiver(count_only=True) as receiver, RotelCollector(receiver) as rotel:
        conn.send((rotel.http_endpoint, rotel.grpc_endpoint))
        while (request := conn.recv()) != "stop":
            if request == "count":
                conn.send(receiver.log_count)


class CollectorProcess:
    """Context manager: rotel + receiver in a child process; ``count()`` asks what arrived."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child_conn = context.Pipe()
        self._process = context.Process(target=_serve, args=(child_conn,), daemon=True)
        self.http_endpoint = ""
        self.grpc_endpoint = ""

    def __enter__(self) -> CollectorProcess:
        self._process.start()
        if not self._conn.poll(30):
            raise RuntimeError("the collector process did not start within 30 s")
        self.http_endpoint, self.grpc_endpoint = self._conn.recv()
        return self

    def count(self) -> int:
        """Log records the receiver has counted so far."""
        self._conn.send("count")
        return int(self._conn.recv())

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._conn.send("stop")
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()
