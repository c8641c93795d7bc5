"""build_resource: distro identity, service name and precedence."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hydra_otel.distro import build_resource
from hydra_otel.version import __version__


def test_distro_identity_and_service_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)

    attributes = build_resource(
        {"deployment.environment.name": "test"}, service_name="shop"
    ).attributes

    assert attributes["telemetry.distro.name"] == "hydra"
    assert attributes["telemetry.distro.version"] == __version__
    assert attributes["telemetry.sdk.name"] == "opentelemetry"
    assert attributes["service.name"] == "shop"
    assert attributes["deployment.environment.name"] == "test"


def test_standard_variables_keep_their_meaning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_SERVICE_NAME", "from-env")
    monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", "team=payments,service.version=1.2.3")

    attributes = build_resource().attributes

    assert attributes["service.name"] == "from-env"
    assert attributes["team"] == "payments"
    assert attributes["service.version"] == "1.2.3"


def test_explicit_service_name_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_SERVICE_NAME", "from-env")

    assert build_resource(service_name="explicit").attributes["service.name"] == "explicit"


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", **env},
        check=True,
    )


def test_one_warning_per_process_when_service_name_is_unset() -> None:
    result = _run(
        "from hydra_otel.distro import build_resource\n"
        "build_resource(); build_resource(); build_resource({'a': 1})\n"
    )

    assert result.stderr.count("service.name is not set") == 1
    assert "unknown_service" in result.stderr


def test_no_warning_when_service_name_is_set() -> None:
    result = _run(
        "from hydra_otel.distro import build_resource\nbuild_resource()\n", OTEL_SERVICE_NAME="shop"
    )

    assert result.stderr == ""
