"""Cloud and container detection from the environment (CLOUD_PROVIDER_PATTERNS)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hydra_otel.distro import (
    CLOUD_PROVIDER_PATTERNS,
    build_resource,
    detect_container_id,
    detect_platform_attributes,
)

_CONTAINER_ID = "3f4c0e4f9d2a" + "0" * 52


def test_aws_lambda_environment() -> None:
    attributes = detect_platform_attributes(
        {
            "AWS_LAMBDA_FUNCTION_NAME": "checkout",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_REGION": "eu-west-1",
        }
    )

    assert attributes == {
        "cloud.provider": "aws",
        "cloud.platform": "aws_lambda",
        "cloud.region": "eu-west-1",
        "faas.name": "checkout",
        "faas.version": "$LATEST",
    }


def test_cloud_run_on_gcp() -> None:
    attributes = detect_platform_attributes({"K_SERVICE": "api", "K_REVISION": "api-00042"})

    assert attributes == {
        "cloud.provider": "gcp",
        "cloud.platform": "gcp_cloud_run",
        "faas.name": "api",
        "faas.version": "api-00042",
    }


def test_cloud_functions_win_over_cloud_run_which_they_run_on() -> None:
    attributes = detect_platform_attributes({"K_SERVICE": "fn", "FUNCTION_TARGET": "handle"})

    assert attributes["cloud.platform"] == "gcp_cloud_functions"
    assert attributes["faas.name"] == "fn"


def test_azure_functions_win_over_app_service() -> None:
    attributes = detect_platform_attributes(
        {
            "FUNCTIONS_WORKER_RUNTIME": "python",
            "WEBSITE_SITE_NAME": "orders",
            "REGION_NAME": "West Europe",
        }
    )

    assert attributes == {
        "cloud.provider": "azure",
        "cloud.platform": "azure.functions",
        "cloud.region": "West Europe",
        "faas.name": "orders",
    }


def test_kubernetes_adds_to_the_hosting_platform() -> None:
    attributes = detect_platform_attributes(
        {
            "ECS_CONTAINER_METADATA_URI_V4": "http://169.254.170.2/v4/x",
            "AWS_REGION": "us-east-1",
            "KUBERNETES_SERVICE_HOST": "10.0.0.1",
            "HOSTNAME": "checkout-7d9f-abcde",
            "POD_NAMESPACE": "shop",
        }
    )

    assert attributes == {
        "cloud.provider": "aws",
        "cloud.platform": "aws_ecs",
        "cloud.region": "us-east-1",
        "k8s.pod.name": "checkout-7d9f-abcde",
        "k8s.namespace.name": "shop",
    }


def test_empty_indicator_values_do_not_count() -> None:
    assert detect_platform_attributes({"AWS_LAMBDA_FUNCTION_NAME": "", "PATH": "/bin"}) == {}


def test_patterns_are_read_only() -> None:
    with pytest.raises(TypeError):
        CLOUD_PROVIDER_PATTERNS["mine"] = CLOUD_PROVIDER_PATTERNS["heroku"]  # type: ignore[index]
    with pytest.raises(TypeError):
        CLOUD_PROVIDER_PATTERNS["heroku"].constants["cloud.provider"] = "x"  # type: ignore[index]


def test_container_id_from_a_cgroup_v1_file(tmp_path: Path) -> None:
    cgroup = tmp_path / "cgroup"
    cgroup.write_text(
        "12:memory:/docker/" + _CONTAINER_ID + "\n11:cpu:/docker/" + _CONTAINER_ID + "\n"
    )

    assert detect_container_id(str(cgroup)) == _CONTAINER_ID


def test_no_container_id_on_cgroup_v2_or_without_the_file(tmp_path: Path) -> None:
    cgroup = tmp_path / "cgroup"
    cgroup.write_text("0::/\n")

    assert detect_container_id(str(cgroup)) is None
    assert detect_container_id(str(tmp_path / "missing")) is None


def test_detected_platform_reaches_the_resource(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DYNO", "web.1")
    monkeypatch.setenv("HEROKU_APP_ID", "app-123")
    monkeypatch.setenv("OTEL_SERVICE_NAME", "shop")

    attributes = build_resource().attributes

    assert attributes["cloud.provider"] == "heroku"
    assert attributes["heroku.app.id"] == "app-123"


def test_otel_resource_attributes_win_over_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "checkout")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", "cloud.region=eu-central-1")

    attributes = build_resource(service_name="shop").attributes

    assert attributes["cloud.platform"] == "aws_lambda"
    assert attributes["cloud.region"] == "eu-central-1"
