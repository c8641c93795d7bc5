"""hydra-otel."""
