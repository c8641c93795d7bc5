"""HydraLogger: the layered Hydra API on OpenTelemetry logs.

``logger.info("APP", "message", extra={...})`` emits one OTel LogRecord through the
SDK: severity per the OTel data model, ``hydra.layer`` and ``extra`` as attributes,
exception attributes, and the trace and span ids of the active context.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any

from opentelemetry.sdk._logs import ReadableLogRecord

from hydra_otel.api._attributes import to_attributes
from hydra_otel.api._call_arguments import (
    ExcInfo,
    exception_from,
    level_or_info,
    split_layer_and_message,
)
from hydra_otel.api._exit import close_at_exit
from hydra_otel.api._magic_access import MagicConfigAccess
from hydra_otel.api._metrics import LoggerMetrics
from hydra_otel.api._pipeline import LayerRoute, LoggerPipeline
from hydra_otel.api._plugins import PluginChain
from hydra_otel.async_hydra._health import summarize_export_health
from hydra_otel.config import (
    Level,
    LogDestination,
    LoggingConfig,
    coerce_config,
    load_config_file,
    load_settings,
)
from hydra_otel.config import _levels as levels
from hydra_otel.config._magic import (
    MagicFactory,
    list_magic_configs,
    register_magic,
    zero_config,
)
from hydra_otel.core import track_error
from hydra_otel.core._diagnostics import enter_pipeline, in_pipeline, leave_pipeline
from hydra_otel.distro import build_resource
from hydra_otel.export import FallbackExportOptions
from hydra_otel.formats import FormatOptions
from hydra_otel.plugins import HydraPlugin, LogEvent
from hydra_otel.processors import safety_processors

_LAYER_KEY = "hydra.layer"
_CATEGORY_KEY = "hydra.category"


class HydraLogger(metaclass=MagicConfigAccess):
    """A layered logger whose records are OpenTelemetry LogRecords.

    Args:
        config: a LoggingConfig or an equivalent dict. None takes the file named by
            HYDRA_LOG_CONFIG, else the zero configuration (console at HYDRA_LOG_LEVEL,
            plus OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set).
        date_format, time_format, logger_name_format, message_format: text-format
            overrides (else the config's, else the HYDRA_LOG_* variables).
        enable_security, enable_sanitization, redact_sensitive: override the config's
            switches of the same names.
        name: the logger name (the OTel instrumentation scope).

    Raises:
        ConfigurationError: at construction, naming any invalid value.
    """

    def __init__(
        self,
        config: LoggingConfig | Mapping[str, Any] | None = None,
        *,
        date_format: str | None = None,
        time_format: str | None = None,
        logger_name_format: str | None = None,
        message_format: str | None = None,
        enable_security: bool | None = None,
        enable_sanitization: bool | None = None,
        redact_sensitive: bool | None = None,
        name: str = "hydra",
    ) -> None:
        settings = load_settings()
        if config is not None:
            resolved = coerce_config(config)
        elif settings.log_config is not None:
            resolved = load_config_file(settings.log_config)
        else:
            resolved = zero_config(settings.log_level)
        overrides = {
            "date_format": date_format,
            "time_format": time_format,
            "logger_name_format": logger_name_format,
            "message_format": message_format,
            "enable_security": enable_security,
            "enable_sanitization": enable_sanitization,
            "redact_sensitive": redact_sensitive,
        }
        updates = {key: value for key, value in overrides.items() if value is not None}
        self.config: LoggingConfig = (
            coerce_config({**resolved.model_dump(), **updates}) if updates else resolved
        )
        self.name = name
        self._metrics = LoggerMetrics()
        self._plugins = PluginChain()
        self._closed = False
        self._pipeline = LoggerPipeline(
            self.config,
            logger_name=name,
            base_resource=build_resource(self.config.resource, self.config.service_name),
            format_options=FormatOptions.from_config(self.config),
            extra_processors=safety_processors(
                settings,
                security=self.config.enable_security,
                detectors=self.config.enable_sanitization,
                sensitive_keys=self.config.redact_sensitive,
            ),
            settings=settings,
            export_options=self._adjust_export_options,
        )
        close_at_exit(self)

    def _adjust_export_options(
        self, destination: LogDestination, options: FallbackExportOptions
    ) -> FallbackExportOptions:
        """The export options of ``destination``'s processor: unchanged here.

        AsyncHydraLogger's logger applies its queue's strategy plan through this hook.
        """
        return options

    # -- level methods -------------------------------------------------------------

    def log(
        self,
        level: str | int,
        layer_or_message: Any,
        message: Any = None,
        /,
        *,
        layer: str | None = None,
        extra: Mapping[str, Any] | None = None,
        exc_info: ExcInfo = None,
        **fields: Any,
    ) -> None:
        """Emit a record at ``level`` (a name such as ``"INFO"`` or a stdlib number)."""
        resolved = level_or_info(level)
        self._log(resolved, layer_or_message, message, layer, extra, exc_info, fields)

    def _log(
        self,
        level: Level,
        layer_or_message: Any,
        message: Any,
        layer: str | None,
        extra: Mapping[str, Any] | None,
        exc_info: ExcInfo,
        fields: dict[str, Any],
    ) -> None:
        admitted = self._admit(level, layer_or_message, message, layer)
        if admitted is None:
            return
        route, layer_name, text = admitted
        self._emit_admitted(route, level, layer_name, text, extra, exc_info, fields)

    def _admit(
        self, level: Level, layer_or_message: Any, message: Any, layer: str | None
    ) -> tuple[LayerRoute, str, str] | None:
        """First half of a log call: its route, layer and text, or None (counted) when it stops here."""
        if self._closed:
            self._metrics.dropped("closed")
            return None
        if in_pipeline():
            self._metrics.dropped("recursion")
            return None
        if layer is None and type(message) is str and type(layer_or_message) is str:
            layer_name, text = layer_or_message, message  # info("APP", "text"): no call
        else:
            layer_name, text = split_layer_and_message(layer_or_message, message, layer)
        route = self._pipeline.route(layer_name)
        if level.stdlib < route.threshold or not route.enabled:
            self._metrics.filtered()
            return None
        return route, layer_name, text

    def _emit_admitted(
        self,
        route: LayerRoute,
        level: Level,
        layer: str,
        text: str,
        extra: Mapping[str, Any] | None,
        exc_info: ExcInfo,
        fields: dict[str, Any],
        timestamp: int | None = None,
        prepared: dict[str, Any] | None = None,
    ) -> None:
        """Second half: emit inside the re-entry guard; never raises (failures are counted).

        AsyncHydraLogger calls it later, on its emitting thread, with the call's time and
        the attributes it already converted at call time (``extra`` is then None). One
        function on purpose: this runs for every record, and a call costs a little.
        """
        token = enter_pipeline()
        try:
            plugins = self._plugins.active
            timed = plugins or self._metrics.should_time()
            start = time.perf_counter_ns() if timed else 0
            attributes = to_attributes(extra) if prepared is None else prepared
            if fields:
                attributes.update(to_attributes(fields))
            attributes[_LAYER_KEY] = layer
            if level.category is not None:
                attributes[_CATEGORY_KEY] = level.category
            if timestamp is None:
                timestamp = time.time_ns()
            event = None
            if plugins:
                event = LogEvent(layer, level.name, text, attributes, timestamp, self.name)
                if not self._plugins.before_emit(event):
                    self._metrics.dropped("plugin_veto")
                    return
                text, attributes = event.message, event.attributes
            route.emitter.emit(
                timestamp,
                level.severity,
                level.name,
                text,
                attributes,
                level.event_name,
                None if exc_info is None else exception_from(exc_info),
            )
            duration = time.perf_counter_ns() - start if timed else None
            self._metrics.emitted(layer, duration)
            if event is not None and duration is not None:
                self._plugins.after_emit(event, duration)
        except Exception as exc:
            self._metrics.dropped("error")
            track_error("emit", repr(exc))
        finally:
            leave_pipeline(token)

    debug: Callable[..., None]
    info: Callable[..., None]
    warning: Callable[..., None]
    error: Callable[..., None]
    critical: Callable[..., None]
    security: Callable[..., None]
    audit: Callable[..., None]
    compliance: Callable[..., None]

    def exception(
        self,
        layer_or_message: Any,
        message: Any = None,
        /,
        *,
        layer: str | None = None,
        extra: Mapping[str, Any] | None = None,
        exc_info: ExcInfo = True,
        **fields: Any,
    ) -> None:
        """Emit an ERROR record with the exception being handled."""
        self._log(levels.ERROR, layer_or_message, message, layer, extra, exc_info, fields)

    # -- lifecycle ------------------------------------------------------------------

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Export everything emitted so far; True when every destination finished in time."""
        if self._closed:
            return True
        return self._pipeline.force_flush(timeout_millis)

    def close(self) -> None:
        """Flush and shut every destination down; later calls do nothing."""
        if self._closed:
            return
        self._closed = True
        self._pipeline.force_flush(10_000)
        self._pipeline.shutdown()
        self._plugins.close()

    @property
    def closed(self) -> bool:
        """True after ``close()``."""
        return self._closed

    def __enter__(self) -> HydraLogger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- plugins, metrics, magic -------------------------------------------------------

    def add_plugin(
        self, name: str, plugin: HydraPlugin | type[HydraPlugin] | None = None
    ) -> HydraPlugin:
        """Attach ``plugin`` (an instance or class; None takes the class registered as ``name``)."""
        return self._plugins.add(name, plugin, self)

    def remove_plugin(self, name: str) -> None:
        """Detach and close the plugin ``name``."""
        self._plugins.remove(name)

    def list_plugins(self) -> list[str]:
        """Names of the attached plugins."""
        return self._plugins.names()

    def get_performance_metrics(self) -> dict[str, Any]:
        """Records emitted / filtered / dropped / exported, per-layer counts, emit latency.

        ``records_dropped`` counts what the logger itself dropped (closed, plugin veto,
        errors); ``records_{spooled,queued,dropped}_by_destinations`` and
        ``delivery_by_destination`` say where the destinations' records are.
        """
        metrics = self._metrics.snapshot()
        delivery = {o.label: o.delivery() for o in self._pipeline.outputs()}
        for key in ("exported", "spooled", "queued", "dropped"):
            metrics[f"records_{key}_by_destinations"] = sum(d[key] for d in delivery.values())
        metrics["records_exported"] = metrics.pop("records_exported_by_destinations")
        metrics["delivery_by_destination"] = delivery
        metrics["plugins"] = self._plugins.insights()
        return metrics

    def get_queue_performance_metrics(self) -> dict[str, Any]:
        """Health of the export queues of every destination, as one summary.

        ``current_strategy``, ``success_rate`` (percent), ``avg_latency`` and
        ``p99_latency`` (ms), ``healthy``, counters summed over the destinations'
        FallbackExportProcessors, and each one's own ``metrics()`` under ``destinations``.
        """
        return summarize_export_health({o.label: o.processor for o in self._pipeline.outputs()})

    def memory_records(self, name: str | None = None) -> list[ReadableLogRecord]:
        """Records held by the ``memory`` destinations (those named ``name``, if given)."""
        records: list[ReadableLogRecord] = []
        for destination, exporter in self._pipeline.memory_exporters():
            if name is None or destination.name == name:
                records.extend(exporter.get_finished_logs())
        return records

    @staticmethod
    def register_magic(name: str) -> Callable[[MagicFactory], MagicFactory]:
        """Decorator: ``@HydraLogger.register_magic("my_app")`` enables ``HydraLogger.for_my_app()``."""
        return register_magic(name)

    @staticmethod
    def list_magic_configs() -> list[str]:
        """Built-in and registered magic config names."""
        return list_magic_configs()


def _level_method(level: Level) -> Callable[..., None]:
    def method(
        self: HydraLogger,
        layer_or_message: Any,
        message: Any = None,
        /,
        *,
        layer: str | None = None,
        extra: Mapping[str, Any] | None = None,
        exc_info: ExcInfo = None,
        **fields: Any,
    ) -> None:
        self._log(level, layer_or_message, message, layer, extra, exc_info, fields)

    method.__name__ = method.__qualname__ = level.name.lower()
    method.__doc__ = (
        f"Emit a {level.name} record: ``{level.name.lower()}(layer, message, extra=...)`` "
        f"or ``{level.name.lower()}(message, layer=...)``."
    )
    return method


for _level in (
    levels.DEBUG,
    levels.INFO,
    levels.WARNING,
    levels.ERROR,
    levels.CRITICAL,
    levels.SECURITY,
    levels.AUDIT,
    levels.COMPLIANCE,
):
    setattr(HydraLogger, _level.name.lower(), _level_method(_level))


def create_logger(
    config: LoggingConfig | Mapping[str, Any] | None = None, **kwargs: Any
) -> HydraLogger:
    """Create a HydraLogger; the same arguments as ``HydraLogger(...)``."""
    return HydraLogger(config, **kwargs)
