"""Side-by-side benchmarks of hydra-otel; each subpackage runs with ``python -m benchmarks.<name>``."""
