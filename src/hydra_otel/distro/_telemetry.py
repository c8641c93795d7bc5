"""Installing the global tracer, meter and logger providers, the way the SDK configurator does.

The SDK's ``_initialize_components`` reads every standard variable; this is the same
sequence (resource, OpAMP hooks, exporters from entry points, sampler, id generator,
the tracer/meter/logger configurators) with two differences: the logs pipeline comes
from :func:`~hydra_otel.distro._log_pipeline.build_log_record_processors`, and the SDK's
deprecated ``LoggingHandler`` is never attached (the ``hydra_logging`` instrumentation
bridges stdlib logging instead, so records are not duplicated).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from opentelemetry import metrics, trace
from opentelemetry._logs import get_logger_provider, set_logger_provider
from opentelemetry._logs._internal import ProxyLoggerProvider
from opentelemetry.metrics._internal import _ProxyMeterProvider
from opentelemetry.sdk import _configuration as sdk_configuration
from opentelemetry.sdk._logs import LoggerProvider, LogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from hydra_otel.config import load_settings
from hydra_otel.core import ConfigurationError
from hydra_otel.core._diagnostics import internal_logger
from hydra_otel.distro._exporters import (
    SIGNALS,
    Signal,
    environment_view,
    exporter_arguments,
    exporter_names,
    load_exporter_classes,
)
from hydra_otel.distro._log_pipeline import PipelineGuardedSpanExporter, build_log_record_processors
from hydra_otel.distro._options import TelemetryOptions
from hydra_otel.distro._resource import build_resource
from hydra_otel.processors import RedactionSpanProcessor

CONFIGURATOR_ARGUMENTS = frozenset(
    {
        "auto_instrumentation_version",
        "resource_attributes",
        "sampler",
        "id_generator",
        "exporter_args_map",
        "span_processors",
        "log_record_processors",
        "setup_logging_handler",
    }
)
"""The SDK configurator keyword arguments HydraConfigurator honours."""

_TELEMETRY_AUTO_VERSION = "telemetry.auto.version"


@dataclass(slots=True)
class InstalledTelemetry:
    """The providers hydra installed as OpenTelemetry globals (None where one was already set)."""

    options: TelemetryOptions
    environ: Mapping[str, str]
    resource: Resource
    exporters: Mapping[Signal, tuple[str, ...]]
    tracer_provider: TracerProvider | None
    meter_provider: MeterProvider | None
    logger_provider: LoggerProvider | None
    installed_by: str
    shut_down: bool = False

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Flush every installed provider; True when all finished in time."""
        flushed = True
        for provider in (self.tracer_provider, self.meter_provider, self.logger_provider):
            if provider is not None:
                flushed = bool(provider.force_flush(timeout_millis)) and flushed
        return flushed

    def shutdown(self) -> None:
        """Flush and stop every installed provider, once."""
        if self.shut_down:
            return
        self.shut_down = True
        for provider in (self.tracer_provider, self.meter_provider, self.logger_provider):
            if provider is None:
                continue
            try:
                provider.shutdown()
            except Exception as exc:  # one provider must not stop the others
                internal_logger.warning("shutting down %s failed: %s", type(provider).__name__, exc)


def install_telemetry(
    options: TelemetryOptions,
    *,
    installed_by: str,
    configurator_arguments: Mapping[str, Any] | None = None,
) -> InstalledTelemetry:
    """Build the providers for ``options`` plus the environment and make them the globals.

    Args:
        options: ``configure()`` overrides (empty for the distro).
        installed_by: ``"distro"`` or ``"configure"``, for diagnostics.
        configurator_arguments: SDK configurator keyword arguments (see
            :data:`CONFIGURATOR_ARGUMENTS`).

    Raises:
        ConfigurationError: for an unknown configurator argument, exporter or protocol.
    """
    arguments = _checked_arguments(configurator_arguments or {})
    environ = environment_view(options)
    resource = build_resource(_resource_attributes(options, arguments), options.service_name)
    _run_opamp_hook("pre_sdk_init_function", resource)
    span_classes, metric_classes, log_classes = load_exporter_classes(environ)
    args_map: Mapping[type, Mapping[str, Any]] = arguments.get("exporter_args_map") or {}

    def construct(exporter_class: type, signal: Signal) -> Any:
        return exporter_class(
            **{
                **args_map.get(exporter_class, {}),
                **exporter_arguments(exporter_class, signal, options),
            }
        )

    installed = InstalledTelemetry(
        options=options,
        environ=environ,
        resource=resource,
        exporters={signal: tuple(exporter_names(signal, environ)) for signal in SIGNALS},
        tracer_provider=None,
        meter_provider=None,
        logger_provider=None,
        installed_by=installed_by,
    )
    if _global_unset("traces"):
        spans = [construct(cls, "traces") for cls in span_classes.values()]
        installed.tracer_provider = _tracer_provider(resource, spans, arguments)
        trace.set_tracer_provider(installed.tracer_provider)
    if _global_unset("metrics"):
        installed.meter_provider = _meter_provider(resource, metric_classes.values(), construct)
        metrics.set_meter_provider(installed.meter_provider)
    if _global_unset("logs"):
        log_exporters = [construct(cls, "logs") for cls in log_classes.values()]
        installed.logger_provider = _logger_provider(resource, log_exporters, arguments)
        set_logger_provider(installed.logger_provider)
    _run_opamp_hook("post_sdk_init_function", resource)
    return installed


def _checked_arguments(arguments: Mapping[str, Any]) -> Mapping[str, Any]:
    unknown = sorted(set(arguments) - CONFIGURATOR_ARGUMENTS)
    if unknown:
        raise ConfigurationError(
            f"HydraConfigurator does not support {', '.join(map(repr, unknown))}; "
            f"supported: {', '.join(sorted(CONFIGURATOR_ARGUMENTS))}"
        )
    if arguments.get("setup_logging_handler"):
        internal_logger.warning(
            "the SDK LoggingHandler is not attached: the hydra_logging instrumentation "
            "bridges stdlib logging (attaching both would duplicate every record)"
        )
    return arguments


def _resource_attributes(options: TelemetryOptions, arguments: Mapping[str, Any]) -> dict[str, Any]:
    attributes: dict[str, Any] = dict(arguments.get("resource_attributes") or {})
    if arguments.get("auto_instrumentation_version"):
        attributes[_TELEMETRY_AUTO_VERSION] = arguments["auto_instrumentation_version"]
    attributes.update(options.resource_attributes)
    return attributes


def _global_unset(signal: Signal) -> bool:
    """True while the API still hands out its proxy, i.e. nobody installed a provider."""
    if signal == "traces":
        unset = isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)
    elif signal == "metrics":
        unset = isinstance(metrics.get_meter_provider(), _ProxyMeterProvider)
    else:
        unset = isinstance(get_logger_provider(), ProxyLoggerProvider)
    if not unset:
        internal_logger.warning(
            "a global %s provider is already installed; hydra keeps it and adds none", signal
        )
    return unset


def _tracer_provider(
    resource: Resource, exporters: Sequence[Any], arguments: Mapping[str, Any]
) -> TracerProvider:
    sampler = arguments.get("sampler") or sdk_configuration._import_sampler(
        sdk_configuration._get_sampler()
    )
    id_generator = arguments.get("id_generator") or sdk_configuration._import_id_generator(
        sdk_configuration._get_id_generator()
    )
    provider = TracerProvider(
        sampler=sampler,
        resource=resource,
        id_generator=id_generator,
        _tracer_configurator=sdk_configuration._import_tracer_configurator(
            sdk_configuration._get_tracer_configurator()
        ),
    )
    extra: Sequence[SpanProcessor] = arguments.get("span_processors") or ()
    for processor in extra:
        provider.add_span_processor(processor)
    if load_settings().redaction_enabled:
        provider.add_span_processor(RedactionSpanProcessor.from_settings())
    for exporter in exporters:
        provider.add_span_processor(BatchSpanProcessor(PipelineGuardedSpanExporter(exporter)))
    return provider


def _meter_provider(
    resource: Resource,
    classes: Any,
    construct: Callable[[type, Signal], Any],
) -> MeterProvider:
    readers: list[MetricReader] = []
    for exporter_class in classes:
        built = construct(exporter_class, "metrics")
        readers.append(
            built if isinstance(built, MetricReader) else PeriodicExportingMetricReader(built)
        )
    return MeterProvider(
        metric_readers=readers,
        resource=resource,
        _meter_configurator=sdk_configuration._import_meter_configurator(
            sdk_configuration._get_meter_configurator()
        ),
    )


def _logger_provider(
    resource: Resource, exporters: Sequence[Any], arguments: Mapping[str, Any]
) -> LoggerProvider:
    provider = LoggerProvider(
        resource=resource,
        _logger_configurator=sdk_configuration._import_logger_configurator(
            sdk_configuration._get_logger_configurator()
        ),
    )
    extra: Sequence[LogRecordProcessor] = arguments.get("log_record_processors") or ()
    for processor in [*extra, *build_log_record_processors(exporters)]:
        provider.add_log_record_processor(processor)
    return provider


def _run_opamp_hook(name: Any, resource: Resource) -> None:
    hook = sdk_configuration._import_opamp(name)
    if hook is not None:
        hook(resource)
