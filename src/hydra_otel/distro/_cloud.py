"""Cheap cloud and container detection: environment variables and one /proc file, never network.

Every managed platform announces itself through environment variables it sets in the
process (``AWS_LAMBDA_FUNCTION_NAME``, ``K_SERVICE``, ``KUBERNETES_SERVICE_HOST``…).
:data:`CLOUD_PROVIDER_PATTERNS` lists them with the semantic-convention resource
attributes each one reveals, so detection at start-up costs a few dictionary lookups.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

_CLOUD_PROVIDER = "cloud.provider"
_CLOUD_PLATFORM = "cloud.platform"
_CLOUD_REGION = "cloud.region"
_FAAS_NAME = "faas.name"
_FAAS_VERSION = "faas.version"
_FAAS_INSTANCE = "faas.instance"
_CONTAINER_ID = "container.id"


@dataclass(frozen=True, slots=True)
class CloudPlatformPattern:
    """How one platform reveals itself through the process environment."""

    indicators: tuple[str, ...]
    """Environment variables; the platform is detected when any of them is set and non-empty."""
    constants: Mapping[str, str] = field(default_factory=dict)
    """Resource attributes the platform always gets (``cloud.provider``, ``cloud.platform``)."""
    from_environment: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Resource attribute -> environment variables holding its value, first non-empty wins."""
    exclusive: bool = True
    """True for a hosting platform (only the first match applies); False for an orchestration
    layer such as Kubernetes that can run on top of any of them."""


def _platform(
    indicators: tuple[str, ...],
    provider: str,
    platform: str | None,
    from_environment: Mapping[str, tuple[str, ...]],
) -> CloudPlatformPattern:
    constants = {_CLOUD_PROVIDER: provider}
    if platform is not None:
        constants[_CLOUD_PLATFORM] = platform
    return CloudPlatformPattern(
        indicators=indicators,
        constants=MappingProxyType(constants),
        from_environment=MappingProxyType(dict(from_environment)),
    )


CLOUD_PROVIDER_PATTERNS: Mapping[str, CloudPlatformPattern] = MappingProxyType(
    {
        "aws_lambda": _platform(
            ("AWS_LAMBDA_FUNCTION_NAME",),
            "aws",
            "aws_lambda",
            {
                _CLOUD_REGION: ("AWS_REGION", "AWS_DEFAULT_REGION"),
                _FAAS_NAME: ("AWS_LAMBDA_FUNCTION_NAME",),
                _FAAS_VERSION: ("AWS_LAMBDA_FUNCTION_VERSION",),
                _FAAS_INSTANCE: ("AWS_LAMBDA_LOG_STREAM_NAME",),
            },
        ),
        "aws_ecs": _platform(
            ("ECS_CONTAINER_METADATA_URI_V4", "ECS_CONTAINER_METADATA_URI"),
            "aws",
            "aws_ecs",
            {_CLOUD_REGION: ("AWS_REGION", "AWS_DEFAULT_REGION")},
        ),
        "aws_app_runner": _platform(
            ("AWS_APP_RUNNER_SERVICE_ID",),
            "aws",
            "aws_app_runner",
            {_CLOUD_REGION: ("AWS_REGION", "AWS_DEFAULT_REGION")},
        ),
        "gcp_cloud_functions": _platform(
            ("FUNCTION_TARGET",),
            "gcp",
            "gcp_cloud_functions",
            {
                _CLOUD_REGION: ("FUNCTION_REGION",),
                _FAAS_NAME: ("K_SERVICE", "FUNCTION_NAME"),
                _FAAS_VERSION: ("K_REVISION",),
            },
        ),
        "gcp_cloud_run": _platform(
            ("K_SERVICE", "CLOUD_RUN_JOB"),
            "gcp",
            "gcp_cloud_run",
            {
                _FAAS_NAME: ("K_SERVICE", "CLOUD_RUN_JOB"),
                _FAAS_VERSION: ("K_REVISION",),
                "gcp.cloud_run.job.execution": ("CLOUD_RUN_EXECUTION",),
            },
        ),
        "gcp_app_engine": _platform(
            ("GAE_SERVICE", "GAE_APPLICATION"),
            "gcp",
            "gcp_app_engine",
            {
                _FAAS_NAME: ("GAE_SERVICE",),
                _FAAS_VERSION: ("GAE_VERSION",),
                _FAAS_INSTANCE: ("GAE_INSTANCE",),
                "cloud.account.id": ("GOOGLE_CLOUD_PROJECT",),
            },
        ),
        "azure_functions": _platform(
            ("FUNCTIONS_WORKER_RUNTIME", "AZURE_FUNCTIONS_ENVIRONMENT"),
            "azure",
            "azure.functions",
            {
                _CLOUD_REGION: ("REGION_NAME",),
                _FAAS_NAME: ("WEBSITE_SITE_NAME",),
                _FAAS_INSTANCE: ("WEBSITE_INSTANCE_ID",),
            },
        ),
        "azure_app_service": _platform(
            ("WEBSITE_SITE_NAME",),
            "azure",
            "azure.app_service",
            {
                _CLOUD_REGION: ("REGION_NAME",),
                "host.id": ("WEBSITE_HOSTNAME",),
            },
        ),
        "azure_container_apps": _platform(
            ("CONTAINER_APP_NAME",),
            "azure",
            "azure.container_apps",
            {},
        ),
        "heroku": _platform(
            ("DYNO",),
            "heroku",
            None,
            {
                "heroku.app.id": ("HEROKU_APP_ID",),
                "heroku.release.commit": ("HEROKU_SLUG_COMMIT",),
            },
        ),
        "kubernetes": CloudPlatformPattern(
            indicators=("KUBERNETES_SERVICE_HOST",),
            from_environment=MappingProxyType(
                {
                    "k8s.pod.name": ("K8S_POD_NAME", "POD_NAME", "HOSTNAME"),
                    "k8s.namespace.name": ("K8S_NAMESPACE_NAME", "K8S_NAMESPACE", "POD_NAMESPACE"),
                    "k8s.node.name": ("K8S_NODE_NAME", "NODE_NAME"),
                    "k8s.pod.uid": ("K8S_POD_UID", "POD_UID"),
                }
            ),
            exclusive=False,
        ),
    }
)
"""Platform name -> :class:`CloudPlatformPattern`, most specific first (read-only).

Hosting platforms are exclusive: the first whose indicator is set gives ``cloud.*`` and
``faas.*``; non-exclusive layers (Kubernetes) add their attributes on top.
"""

_CGROUP_CONTAINER_ID = re.compile(r"([0-9a-f]{64})")


def _first_set(environ: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = environ.get(name)
        if value:
            return value
    return None


def detect_platform_attributes(environ: Mapping[str, str]) -> dict[str, str]:
    """Return the resource attributes :data:`CLOUD_PROVIDER_PATTERNS` find in ``environ``.

    Args:
        environ: the environment to look at (``os.environ`` at start-up).

    Returns:
        Semantic-convention attributes such as ``cloud.provider`` and ``faas.name``;
        empty when no platform is recognised.
    """
    attributes: dict[str, str] = {}
    hosting_found = False
    for pattern in CLOUD_PROVIDER_PATTERNS.values():
        if pattern.exclusive and hosting_found:
            continue
        if _first_set(environ, pattern.indicators) is None:
            continue
        hosting_found = hosting_found or pattern.exclusive
        attributes.update(pattern.constants)
        for attribute, names in pattern.from_environment.items():
            value = _first_set(environ, names)
            if value is not None:
                attributes.setdefault(attribute, value)
    return attributes


def detect_container_id(cgroup_path: str = "/proc/self/cgroup") -> str | None:
    """Return the container id found in ``cgroup_path`` (cgroup v1 layouts), else None.

    Reading this small pseudo-file is cheap; on cgroup v2 hosts or outside Linux it
    holds no id and None is returned.
    """
    try:
        with open(cgroup_path, encoding="utf-8", errors="replace") as cgroup:
            content = cgroup.read(65536)
    except OSError:
        return None
    for line in content.splitlines():
        match = _CGROUP_CONTAINER_ID.search(line.rpartition(":")[2])
        if match is not None:
            return match.group(1)
    return None


def detect_environment_attributes(environ: Mapping[str, str]) -> dict[str, str]:
    """Platform attributes plus ``container.id``: everything cheap to know at start-up."""
    attributes = detect_platform_attributes(environ)
    container_id = detect_container_id()
    if container_id is not None:
        attributes[_CONTAINER_ID] = container_id
    return attributes
