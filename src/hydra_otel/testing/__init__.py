"""Test helpers for hydra-otel and its users: a stand-in OTLP backend and a real collector.

``OtlpReceiver`` is an in-process OTLP/gRPC + OTLP/HTTP backend with failure
injection; ``RotelCollector`` runs the real rotel collector forwarding into it;
``reset_otel_globals`` lets tests install OpenTelemetry providers repeatedly.
These need the test extra: ``pip install 'hydra-otel[test]'``.
"""

from hydra_otel.testing._otel_globals import isolated_logging_state, reset_otel_globals
from hydra_otel.testing._received import ReceivedLog, ReceivedSpan
from hydra_otel.testing._receiver import OtlpReceiver
from hydra_otel.testing._rotel import RotelCollector, find_rotel_agent

__all__ = [
    "OtlpReceiver",
    "ReceivedLog",
    "ReceivedSpan",
    "RotelCollector",
    "find_rotel_agent",
    "isolated_logging_state",
    "reset_otel_globals",
]
