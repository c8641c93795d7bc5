"""``make demo``: run demo_app.py under the hydra distro against a real collector.

Starts an in-process OTLP receiver and the rotel collector in front of it, runs
``opentelemetry-instrument --distro hydra python examples/demo_app.py`` with only
OTEL_EXPORTER_OTLP_ENDPOINT set (the app itself has zero logging configuration),
then prints what reached the receiver through the collector.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from hydra_otel.testing import OtlpReceiver, RotelCollector

HERE = Path(__file__).resolve().parent


def run_app(endpoint: str) -> int:
    env = {
        **os.environ,
        "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
        "OTEL_SERVICE_NAME": os.environ.get("OTEL_SERVICE_NAME", "hydra-demo"),
        "OTEL_METRIC_EXPORT_INTERVAL": "1000",
    }
    if "NO_COLOR" not in env:
        env.setdefault("FORCE_COLOR", "1")
    instrument = Path(sys.executable).with_name("opentelemetry-instrument")
    command = [str(instrument), "--distro", "hydra", sys.executable, str(HERE / "demo_app.py")]
    print(
        "$",
        " ".join(
            ["opentelemetry-instrument", "--distro", "hydra", "python", "examples/demo_app.py"]
        ),
    )
    return subprocess.run(command, env=env, check=False).returncode


def summarize(receiver: OtlpReceiver) -> None:
    logs = receiver.logs()
    layers = Counter(str(log.attributes.get("hydra.layer", "(stdlib)")) for log in logs)
    services = {str(log.resource.get("service.name")) for log in logs}
    distros = {str(log.resource.get("telemetry.distro.name")) for log in logs}
    print()
    print(f"collector delivered {len(logs)} log records, {len(receiver.spans())} spans")
    print(
        f"  service.name: {', '.join(sorted(services))}; telemetry.distro.name: {', '.join(sorted(distros))}"
    )
    print("  by layer: " + ", ".join(f"{layer}={count}" for layer, count in sorted(layers.items())))
    traced = sum(1 for log in logs if log.trace_id)
    print(f"  records correlated with a trace: {traced}")


def wait_until_settled(receiver: OtlpReceiver, quiet: float = 0.5, limit: float = 10.0) -> None:
    """Wait until the collector has forwarded everything: no new records for ``quiet`` s."""
    deadline = time.monotonic() + limit
    seen = -1
    while time.monotonic() < deadline and receiver.log_count != seen:
        seen = receiver.log_count
        time.sleep(quiet)


def main() -> int:
    with OtlpReceiver() as receiver, RotelCollector(receiver) as collector:
        code = run_app(collector.http_endpoint)
        if code != 0:
            print(f"demo app exited with {code}", file=sys.stderr)
            return code
        wait_until_settled(receiver)
        summarize(receiver)
    return 0


if __name__ == "__main__":
    sys.exit(main())
