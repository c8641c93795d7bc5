"""End-to-end export throughput: SDK OTLP exporters against the fast ones, through rotel."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter as SdkGrpcExporter
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter as SdkHttpExporter
from opentelemetry.sdk._logs.export import LogRecordExporter, LogRecordExportResult

from benchmarks.encoder._receiver_process import CollectorProcess
from hydra_otel.export.otlp import FastOTLPGrpcLogExporter, FastOTLPLogExporter

MakeExporter = Callable[[CollectorProcess], LogRecordExporter]


@dataclass(frozen=True)
class ThroughputResult:
    """Records per second counted at the receiver, and the caller's cost of ``export()``."""

    transport: str
    exporter: str
    records: int
    records_per_second: float
    export_us_per_record: float
    failures: int


def contenders() -> list[tuple[str, str, MakeExporter]]:
    """(transport, name, factory) for each exporter, SDK first within a transport."""
    return [
        (
            "http",
            "SDK OTLPLogExporter",
            lambda c: SdkHttpExporter(endpoint=f"{c.http_endpoint}/v1/logs"),
        ),
        (
            "http",
            "FastOTLPLogExporter",
            lambda c: FastOTLPLogExporter(endpoint=f"{c.http_endpoint}/v1/logs"),
        ),
        (
            "grpc",
            "SDK OTLPLogExporter",
            lambda c: SdkGrpcExporter(endpoint=c.grpc_endpoint, insecure=True),
        ),
        (
            "grpc",
            "FastOTLPGrpcLogExporter",
            lambda c: FastOTLPGrpcLogExporter(endpoint=c.grpc_endpoint),
        ),
    ]


def _wait_for_count(collector: CollectorProcess, target: int, timeout: float = 60.0) -> float:
    deadline = time.perf_counter() + timeout
    while (now := time.perf_counter()) < deadline:
        if collector.count() >= target:
            return now
        time.sleep(0.005)
    raise RuntimeError(f"the receiver counted {collector.count()} of {target} records")


def run_one(
    collector: CollectorProcess,
    transport: str,
    name: str,
    make: MakeExporter,
    batches: Sequence[Sequence[object]],
    seconds: float,
) -> ThroughputResult:
    """Export ``batches`` round-robin for ``seconds``, then wait until all were counted."""
    exporter = make(collector)
    exporter.export(batches[0])  # type: ignore[arg-type]  # connect and warm up
    _wait_for_count(collector, collector.count())
    counted_before = collector.count()
    sent = failures = 0
    per_record_us: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for batch in batches:
            call_started = time.perf_counter()
            result = exporter.export(batch)  # type: ignore[arg-type]
            per_record_us.append((time.perf_counter() - call_started) / len(batch) * 1e6)
            failures += result is not LogRecordExportResult.SUCCESS
            sent += len(batch)
    finished = _wait_for_count(collector, counted_before + sent)
    exporter.shutdown()
    return ThroughputResult(
        transport,
        name,
        sent,
        sent / (finished - started),
        statistics.median(per_record_us),
        failures,
    )


def measure(
    batches: Sequence[Sequence[object]], seconds: float, rounds: int
) -> list[ThroughputResult]:
    """Run every contender ``rounds`` times, alternating, and keep each one's median round."""
    runs: dict[tuple[str, str], list[ThroughputResult]] = {}
    with CollectorProcess() as collector:
        for round_index in range(rounds):
            order = contenders() if round_index % 2 == 0 else contenders()[::-1]
            for transport, name, make in order:
                result = run_one(collector, transport, name, make, batches, seconds)
                runs.setdefault((transport, name), []).append(result)
    return [
        sorted(results, key=lambda r: r.records_per_second)[len(results) // 2]
        for (transport, name), results in sorted(runs.items(), key=lambda kv: _order(kv[0]))
    ]


def _order(key: tuple[str, str]) -> int:
    names = [(transport, name) for transport, name, _ in contenders()]
    return names.index(key)
