"""``hydra_otel.configure()`` / ``shutdown()``: the distro's set-up, in code.

OpenTelemetry's global providers can be installed once per process, so configuration
is installed once too: a repeated ``configure()`` with the same options is a no-op, one
with different options raises ConfigurationError, and under ``opentelemetry-instrument
--distro hydra`` the environment's configuration stands (overrides are reported once).
"""

from __future__ import annotations

import os
import threading
from typing import Any

from opentelemetry import metrics, trace
from opentelemetry._logs import get_logger_provider
from opentelemetry.instrumentation.instrumentor import (  # type: ignore[attr-defined]
    BaseInstrumentor,
)
from opentelemetry.util._importlib_metadata import entry_points

from hydra_otel.config import load_settings
from hydra_otel.core import ConfigurationError
from hydra_otel.core._diagnostics import internal_logger
from hydra_otel.distro._config_dump import dump_configuration_once, mask_secrets
from hydra_otel.distro._effective import describe_configuration
from hydra_otel.distro._options import TelemetryOptions, bridge_level_number, parse_options
from hydra_otel.distro._telemetry import InstalledTelemetry, install_telemetry

BRIDGE_INSTRUMENTATION = "hydra_logging"
"""Entry-point name of the stdlib logging bridge in the ``opentelemetry_instrumentor`` group."""
_DISABLED_INSTRUMENTATIONS = "OTEL_PYTHON_DISABLED_INSTRUMENTATIONS"

_lock = threading.RLock()
_active: list[InstalledTelemetry] = []


def configure(**overrides: Any) -> None:
    """Install hydra's tracer, meter and logger providers and bridge stdlib ``logging``.

    The in-code twin of ``opentelemetry-instrument --distro hydra``: the same
    ``OTEL_*`` variables and distro defaults apply, and ``overrides`` win over them.

    Args:
        **overrides: ``service_name``, ``resource_attributes``, ``endpoint``, ``protocol``,
            ``headers``, ``timeout``, ``traces_exporter``, ``metrics_exporter``,
            ``logs_exporter``, ``level`` (of the bridge), ``instrument_logging``.

    Raises:
        ConfigurationError: naming an unknown keyword or bad value; or when an earlier
            call installed a different configuration (call ``shutdown()`` at exit only:
            the providers cannot be installed twice in one process).
    """
    options = parse_options(overrides)
    with _lock:
        current = _active[-1] if _active else None
        if current is not None and not current.shut_down:
            _accept_repeated_call(current, options)
            return
        if current is not None and _still_global(current):
            raise ConfigurationError(
                "hydra_otel.configure() cannot run again after shutdown(): OpenTelemetry's "
                "global providers can be installed only once per process"
            )
        installed = install_telemetry(options, installed_by="configure")
        _active[:] = [installed]
        bridged = _instrument_bridge(options)
        _dump_if_requested(installed, bridged, options.level)


def shutdown() -> None:
    """Flush and stop what ``configure()`` or the distro installed, and remove the bridge.

    Idempotent; never raises for an already stopped pipeline.
    """
    with _lock:
        instrumentor = _bridge_instrumentor(required=False)
        if instrumentor is not None and instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.uninstrument()
        if _active:
            _active[-1].shutdown()


def force_flush(timeout_millis: int = 30000) -> bool:
    """Flush the installed providers; True when everything was exported in time."""
    with _lock:
        current = _active[-1] if _active else None
    if current is None or current.shut_down:
        return True
    return current.force_flush(timeout_millis)


def effective_configuration() -> dict[str, Any] | None:
    """Return the running configuration with secrets masked, or None before any set-up."""
    with _lock:
        current = _active[-1] if _active else None
    if current is None:
        return None
    options = current.options
    masked: dict[str, Any] = mask_secrets(
        describe_configuration(current, _bridge_wanted(options), _bridge_level(options.level))
    )
    return masked


def start_from_distro(configurator_arguments: dict[str, Any]) -> None:
    """Install the providers for ``opentelemetry-instrument`` (the instrumentor loader bridges)."""
    options = TelemetryOptions()
    with _lock:
        installed = install_telemetry(
            options, installed_by="distro", configurator_arguments=configurator_arguments
        )
        _active[:] = [installed]
        _dump_if_requested(installed, _bridge_wanted(options), None)


def _accept_repeated_call(current: InstalledTelemetry, options: TelemetryOptions) -> None:
    if current.options == options:
        return
    changed = [
        name
        for name in TelemetryOptions.model_fields
        if getattr(current.options, name) != getattr(options, name)
    ]
    if current.installed_by == "distro":
        internal_logger.warning(
            "running under opentelemetry-instrument --distro hydra: the environment's "
            "configuration stands; configure() options ignored: %s",
            ", ".join(changed),
        )
        return
    raise ConfigurationError(
        f"hydra_otel.configure() was already called with other options ({', '.join(changed)}); "
        "OpenTelemetry's global providers can be installed only once per process"
    )


def _still_global(installed: InstalledTelemetry) -> bool:
    return any(
        provider is not None and provider is current
        for provider, current in (
            (installed.tracer_provider, trace.get_tracer_provider()),
            (installed.meter_provider, metrics.get_meter_provider()),
            (installed.logger_provider, get_logger_provider()),
        )
    )


def _bridge_wanted(options: TelemetryOptions) -> bool:
    disabled = {name.strip() for name in os.environ.get(_DISABLED_INSTRUMENTATIONS, "").split(",")}
    return options.instrument_logging and not disabled & {BRIDGE_INSTRUMENTATION, "*"}


def _bridge_level(level: str | int | None) -> int:
    if level is not None:
        return bridge_level_number(level)
    try:
        return bridge_level_number(load_settings().bridge_level)
    except (ConfigurationError, ValueError):
        return 0


def _instrument_bridge(options: TelemetryOptions) -> bool:
    if not _bridge_wanted(options):
        return False
    instrumentor = _bridge_instrumentor(required=True)
    assert instrumentor is not None
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(level=options.level)
    return True


def _bridge_instrumentor(*, required: bool) -> BaseInstrumentor | None:
    for entry_point in entry_points(
        group="opentelemetry_instrumentor", name=BRIDGE_INSTRUMENTATION
    ):
        instrumentor: BaseInstrumentor = entry_point.load()()
        return instrumentor
    if required:
        raise ConfigurationError(
            "the stdlib logging bridge is not installed: pip install "
            "hydra-otel-instrumentation-logging, or pass instrument_logging=False"
        )
    return None


def _dump_if_requested(
    installed: InstalledTelemetry, bridged: bool, level: str | int | None
) -> None:
    try:
        wanted = load_settings().log_config_dump
    except ConfigurationError:
        return
    if wanted:
        dump_configuration_once(describe_configuration(installed, bridged, _bridge_level(level)))
