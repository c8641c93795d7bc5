"""Each destination's export batches: large for OTLP, smaller where records are formatted."""

from __future__ import annotations

from pathlib import Path

import pytest

from hydra_otel import HydraLogger
from hydra_otel.api._pipeline import LOCAL_MAX_BATCH_BYTES, LOCAL_MAX_BATCH_SIZE
from hydra_otel.export import FallbackExportOptions, FallbackExportProcessor


def _batch_sizes(log: HydraLogger, field: str = "max_batch_size") -> dict[str, int]:
    sizes = {}
    for output in log._pipeline.outputs():
        processor = output.processor
        assert isinstance(processor, FallbackExportProcessor)
        sizes[output.destination.type] = getattr(processor.options, field)
    return sizes


def _config(tmp_path: Path) -> dict[str, object]:
    destinations = [
        {"type": "file", "path": str(tmp_path / "app.log")},
        {"type": "otlp", "endpoint": "http://127.0.0.1:9"},
    ]
    return {"service_name": "batches", "layers": {"APP": {"destinations": destinations}}}


def test_file_batches_are_smaller_than_otlp_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HYDRA_SPOOL_DIR", str(tmp_path / "spool"))
    with HydraLogger(_config(tmp_path)) as log:
        sizes = _batch_sizes(log)
        byte_caps = _batch_sizes(log, "max_batch_bytes")
    assert sizes == {"file": LOCAL_MAX_BATCH_SIZE, "otlp": FallbackExportOptions().max_batch_size}
    assert byte_caps == {
        "file": LOCAL_MAX_BATCH_BYTES,
        "otlp": FallbackExportOptions().max_batch_bytes,
    }
    assert FallbackExportOptions().max_batch_size > LOCAL_MAX_BATCH_SIZE


def test_only_otlp_waits_for_full_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a request costs the export threads turns of the GIL; a local write does not wait
    monkeypatch.setenv("HYDRA_SPOOL_DIR", str(tmp_path / "spool"))
    with HydraLogger(_config(tmp_path)) as log:
        waits = {
            output.destination.type: output.processor.options.full_batches_only  # type: ignore[attr-defined]
            for output in log._pipeline.outputs()
        }
    assert waits == {"file": False, "otlp": True}


def test_the_sdks_batch_size_variable_applies_to_every_destination(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HYDRA_SPOOL_DIR", str(tmp_path / "spool"))
    monkeypatch.setenv("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "3000")
    with HydraLogger(_config(tmp_path)) as log:
        assert _batch_sizes(log) == {"file": 3000, "otlp": 3000}
