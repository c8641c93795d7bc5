"""The two transports of FastOTLPLogExporter, and the payloads they send."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import requests

from benchmarks.encoder._records import make_records
from hydra_otel.export.otlp import FastOTLPLogExporter
from hydra_otel.export.otlp._http_transport import HttpClientTransport

LEAN = "lean (http.client)"
REQUESTS = "requests (session=)"
PATHS: dict[str, Callable[[str], FastOTLPLogExporter]] = {
    LEAN: lambda url: FastOTLPLogExporter(url),
    REQUESTS: lambda url: FastOTLPLogExporter(url, session=requests.Session()),
}
"""How each path is chosen, as an application chooses it: with or without a session."""


@dataclass(frozen=True)
class Payload:
    """One request body and how many requests a timed block sends of it."""

    name: str
    body: bytes
    records: int
    requests_per_block: int


def open_exporters(logs_url: str) -> dict[str, FastOTLPLogExporter]:
    """One exporter per path, each checked to send over the transport its name says."""
    exporters = {name: make(logs_url) for name, make in PATHS.items()}
    lean = isinstance(exporters[LEAN]._transport, HttpClientTransport)
    via_requests = not isinstance(exporters[REQUESTS]._transport, HttpClientTransport)
    if not (lean and via_requests):  # e.g. HTTP_PROXY without NO_PROXY for 127.0.0.1
        raise RuntimeError(f"the exporters do not use the expected transports: {exporters}")
    return exporters


def make_payloads(
    exporter: FastOTLPLogExporter, target_kb: int, empty_requests: int, large_requests: int
) -> list[Payload]:
    """An empty body, and realistic records encoded by ``exporter`` up to ``target_kb``.

    The records are the encoder benchmark's, each with its own ``request.id`` and
    ``user.id`` (as production logs have), so the count is whatever fills ``target_kb``.
    """
    sample = 500
    per_record = len(exporter.encode(make_records(sample, unique_values=True))) / sample
    count = round(target_kb * 1000 / per_record)
    body = exporter.encode(make_records(count, unique_values=True))
    return [
        Payload("empty", b"", 0, empty_requests),
        Payload(f"{len(body) / 1000:.0f} KB", body, count, large_requests),
    ]
