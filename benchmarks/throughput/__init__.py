"""End-to-end logging throughput, side by side: stock OTel, stdlib, hydra-logger, Hydra, loguru, structlog.

``python -m benchmarks.throughput`` runs every scenario in a process of its own against
a real rotel collector and a counting OTLP receiver (or a local file), and writes
``benchmarks/results/throughput.md`` and ``throughput.png``. ``python -m
benchmarks.throughput outage`` measures RSS and delivery through a 60 s collector outage.
"""
