"""Log record processors."""

from hydra_otel.export._processor import FallbackExportProcessor

__all__ = ["FallbackExportProcessor"]
