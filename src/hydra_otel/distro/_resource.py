"""The base Resource every hydra-otel signal is exported under."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping

from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.util.types import AttributeValue

from hydra_otel.core._diagnostics import internal_logger
from hydra_otel.distro._cloud import detect_environment_attributes
from hydra_otel.version import __version__

DISTRO_NAME = "hydra"
_TELEMETRY_DISTRO_NAME = "telemetry.distro.name"
_TELEMETRY_DISTRO_VERSION = "telemetry.distro.version"
_UNKNOWN_SERVICE = "unknown_service"

_service_name_warning_lock = threading.Lock()
_service_name_warned: list[bool] = [False]


def build_resource(
    attributes: Mapping[str, AttributeValue] | None = None,
    service_name: str | None = None,
) -> Resource:
    """Build the base Resource: distro identity, detected platform, then the user's choice.

    Precedence, lowest first: platform attributes detected from the environment
    (``CLOUD_PROVIDER_PATTERNS``, ``container.id``), the SDK's defaults and detectors,
    ``OTEL_RESOURCE_ATTRIBUTES`` / ``OTEL_SERVICE_NAME``, ``telemetry.distro.*``,
    ``attributes``, and finally ``service_name``.

    When the result has no service name of its own (the SDK's ``unknown_service``),
    one warning is written on the internal logger for the whole process.

    Args:
        attributes: extra resource attributes, e.g. ``{"deployment.environment.name": "prod"}``.
        service_name: the ``service.name``; None keeps OTEL_SERVICE_NAME or the attributes'.

    Returns:
        The merged :class:`~opentelemetry.sdk.resources.Resource`.
    """
    explicit: dict[str, AttributeValue] = {
        _TELEMETRY_DISTRO_NAME: DISTRO_NAME,
        _TELEMETRY_DISTRO_VERSION: __version__,
    }
    explicit.update(attributes or {})
    if service_name:
        explicit[SERVICE_NAME] = service_name
    detected = Resource(detect_environment_attributes(os.environ))
    resource = detected.merge(Resource.create(explicit))
    _warn_once_without_service_name(resource)
    return resource


def _warn_once_without_service_name(resource: Resource) -> None:
    name = str(resource.attributes.get(SERVICE_NAME, ""))
    if name.split(":", 1)[0] != _UNKNOWN_SERVICE:
        return
    with _service_name_warning_lock:
        if _service_name_warned[0]:
            return
        _service_name_warned[0] = True
    internal_logger.warning(
        "service.name is not set (exporting as %r); set OTEL_SERVICE_NAME or pass "
        "service_name= so your telemetry can be told apart",
        name,
    )
