"""A real rotel collector with ``--exporter blackhole``: it accepts OTLP and discards it.

Nothing downstream decodes or counts, so rotel answers as fast as it can and the
figures are the client's own cost of a request.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from hydra_otel.testing._rotel import find_rotel_agent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_listening(port: int, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"rotel-agent exited with status {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
        except OSError:
            time.sleep(0.05)
        else:
            return
    raise RuntimeError(f"rotel-agent did not listen on port {port} within {timeout:g} s")


class BlackholeCollector:
    """Context manager: ``rotel-agent start --exporter blackhole`` on free loopback ports.

    Attributes:
        logs_url: the OTLP/HTTP logs endpoint, ``http://127.0.0.1:<port>/v1/logs``.
    """

    def __init__(self, startup_timeout: float = 10.0) -> None:
        self._workdir = Path(tempfile.mkdtemp(prefix="hydra-bench-rotel-"))
        self._startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self.logs_url = ""

    def __enter__(self) -> BlackholeCollector:
        grpc_port, http_port = _free_port(), _free_port()
        command = [
            str(find_rotel_agent()),
            "start",
            "--otlp-grpc-endpoint",
            f"127.0.0.1:{grpc_port}",
            "--otlp-http-endpoint",
            f"127.0.0.1:{http_port}",
            "--exporter",
            "blackhole",
            "--pid-file",
            str(self._workdir / "rotel.pid"),
            "--log-file",
            str(self._workdir / "rotel.log"),
        ]
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            _wait_until_listening(http_port, self._process, self._startup_timeout)
        except BaseException:
            self._stop()
            raise
        self.logs_url = f"http://127.0.0.1:{http_port}/v1/logs"
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop()

    def _stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        shutil.rmtree(self._workdir, ignore_errors=True)
