"""Encoding cost per record: the SDK's encode_logs + SerializeToString against OTLPLogsEncoder."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from opentelemetry.exporter.otlp.proto.common._log_encoder import encode_logs

from hydra_otel.export.otlp import OTLPLogsEncoder

Encode = Callable[[Sequence[object]], bytes]


@dataclass(frozen=True)
class EncodingResult:
    """Median and best cost of one encoder on one record profile."""

    encoder: str
    profile: str
    median_us: float
    best_us: float
    rounds: int


def _sdk(batch: Sequence[object]) -> bytes:
    return encode_logs(batch).SerializeToString()  # type: ignore[arg-type]


def _ours_reused() -> Encode:
    encoder = OTLPLogsEncoder()
    return encoder.encode  # type: ignore[return-value]


def _ours_fresh(batch: Sequence[object]) -> bytes:
    return OTLPLogsEncoder().encode(batch)  # type: ignore[arg-type]


def encoders() -> dict[str, Encode]:
    """The contenders, by the name the report uses."""
    return {
        "SDK encode_logs().SerializeToString()": _sdk,
        "OTLPLogsEncoder (caches warm)": _ours_reused(),
        "OTLPLogsEncoder (new per batch)": _ours_fresh,
    }


def measure(profile: str, batches: list[Sequence[object]], seconds: float) -> list[EncodingResult]:
    """Time each encoder over all ``batches`` in interleaved rounds until each had ``seconds``.

    Interleaving keeps a shared, noisy machine from favouring whoever ran first.
    """
    contenders = encoders()
    reference = _sdk(batches[0])
    for name, encode in contenders.items():
        if encode(batches[0]) != reference:
            raise AssertionError(f"{name} does not produce the SDK's bytes")
    records = sum(len(batch) for batch in batches)
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    spent = dict.fromkeys(contenders, 0.0)
    gc.collect()
    while min(spent.values()) < seconds:
        for name, encode in contenders.items():
            started = time.perf_counter()
            for batch in batches:
                encode(batch)
            elapsed = time.perf_counter() - started
            spent[name] += elapsed
            samples[name].append(elapsed / records * 1e6)
    return [
        EncodingResult(name, profile, statistics.median(s), min(s), len(s))
        for name, s in samples.items()
    ]
