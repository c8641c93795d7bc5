"""The hydra-otel version, read by the build and reported as ``telemetry.distro.version``."""

__version__ = "0.1.0"
