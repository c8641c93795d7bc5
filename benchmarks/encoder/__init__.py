"""Benchmark of OTLP log encoding and export: the SDK against hydra_otel.export.otlp."""
