"""HYDRA_LOG_CONFIG_DUMP: the effective configuration, printed once, with secrets masked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from hydra_otel.distro import mask_secrets

_HEADER = "hydra-otel: effective configuration\n"
_INSTRUMENT = str(Path(sys.executable).parent / "opentelemetry-instrument")


def test_header_values_are_masked_and_names_kept() -> None:
    masked = mask_secrets(
        {
            "OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer abc,x-tenant=acme",
            "OTEL_EXPORTER_OTLP_LOGS_HEADERS": "api-key=k1",
            "headers": {"x-custom": "v"},
        }
    )

    assert masked == {
        "OTEL_EXPORTER_OTLP_HEADERS": "authorization=***,x-tenant=***",
        "OTEL_EXPORTER_OTLP_LOGS_HEADERS": "api-key=***",
        "headers": {"x-custom": "***"},
    }


def test_credential_like_keys_are_masked_wherever_they_are() -> None:
    masked = mask_secrets(
        {
            "resource": {"db.password": "pw", "service.name": "shop"},
            "settings": [{"Api-Key": "k"}, {"access_token": "t"}, {"client_secret": "s"}],
            "Authorization": "Basic xyz",
            "hmac": SecretStr("x"),
            "empty_token": "",
        }
    )

    assert masked == {
        "resource": {"db.password": "***", "service.name": "shop"},
        "settings": [{"Api-Key": "***"}, {"access_token": "***"}, {"client_secret": "***"}],
        "Authorization": "***",
        "hmac": "***",
        "empty_token": "",
    }


def test_passwords_in_urls_are_masked() -> None:
    assert mask_secrets({"endpoint": "https://ci:p4ss@otlp.example:4318/v1"}) == {
        "endpoint": "https://ci:***@otlp.example:4318/v1"
    }
    assert mask_secrets("http://localhost:4318") == "http://localhost:4318"


def _run_distro(**env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "HYDRA_"))}
    code = "import logging; logging.getLogger('app').warning('app started')"
    return subprocess.run(
        [_INSTRUMENT, "--distro", "hydra", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **base,
            "OTEL_TRACES_EXPORTER": "none",
            "OTEL_METRICS_EXPORTER": "none",
            "OTEL_LOGS_EXPORTER": "none",
            **env,
        },
        check=True,
    )


def _dumped(stderr: str) -> dict[str, Any]:
    start = stderr.index(_HEADER) + len(_HEADER)
    document, _ = json.JSONDecoder().raw_decode(stderr[start:])
    return dict(document)


def test_the_distro_prints_the_masked_configuration_once_at_start_up() -> None:
    result = _run_distro(
        HYDRA_LOG_CONFIG_DUMP="true",
        HYDRA_REDACTION_HMAC_KEY="hmac-s3cret",
        OTEL_SERVICE_NAME="shop",
        OTEL_EXPORTER_OTLP_HEADERS="authorization=Bearer abc123,x-api-key=k-999",
        OTEL_RESOURCE_ATTRIBUTES="db.password=pw-1,team=payments",
    )

    assert result.stderr.count(_HEADER) == 1
    for secret in ("abc123", "k-999", "hmac-s3cret", "pw-1"):
        assert secret not in result.stderr
    dumped = _dumped(result.stderr)
    assert dumped["service.name"] == "shop"
    assert dumped["installed_by"] == "distro"
    assert dumped["resource"]["team"] == "payments"
    assert dumped["resource"]["db.password"] == "***"
    assert dumped["signals"]["logs"]["headers"] == {"authorization": "***", "x-api-key": "***"}
    assert dumped["otel_environment"]["OTEL_EXPORTER_OTLP_HEADERS"] == (
        "authorization=***,x-api-key=***"
    )
    assert dumped["hydra_settings"]["redaction_hmac_key"] == "***"
    assert dumped["logging_bridge"] == {"enabled": True, "level": "NOTSET"}


def test_nothing_is_printed_without_the_setting() -> None:
    result = _run_distro(OTEL_SERVICE_NAME="shop")

    assert _HEADER not in result.stderr
    assert result.stderr == "app started\n"
