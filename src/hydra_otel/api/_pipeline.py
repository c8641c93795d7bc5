"""From a LoggingConfig to OTel: one LoggerProvider per layer, one exporter per destination.

Each layer gets its own SDK LoggerProvider, whose Resource is the base Resource merged
with the layer's ``resource`` attributes, so its records travel in their own
ResourceLogs. Destinations that are configured identically in several layers share one
exporter and one processor (two rotating exporters on one file would corrupt it).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from opentelemetry.sdk._logs import (
    Logger,
    LoggerProvider,
    LogRecordProcessor,
    SynchronousMultiLogRecordProcessor,
)
from opentelemetry.sdk._logs.export import (
    InMemoryLogRecordExporter,
    LogRecordExporter,
    SimpleLogRecordProcessor,
)
from opentelemetry.sdk.resources import Resource

from hydra_otel.api._direct_emit import DirectEmitter
from hydra_otel.api._shared_view import SharedProcessorView
from hydra_otel.config import (
    DEFAULT_LAYER,
    HydraSettings,
    LogDestination,
    LoggingConfig,
    LogLayer,
    load_settings,
    parse_level,
)
from hydra_otel.core import track_error
from hydra_otel.destinations import create_exporter
from hydra_otel.export import FallbackExportOptions, FallbackExportProcessor
from hydra_otel.export._otel_environment import batch_processor_options
from hydra_otel.formats import FormatOptions
from hydra_otel.processors import behind_audit_chain
from hydra_otel.version import __version__

ExportOptionsHook = Callable[[LogDestination, FallbackExportOptions], FallbackExportOptions]
"""Adjusts the options of one destination's FallbackExportProcessor (AsyncHydraLogger's plan)."""


@dataclass(slots=True)
class _Output:
    """One destination: its exporter and the processor that feeds it."""

    destination: LogDestination
    exporter: LogRecordExporter
    processor: LogRecordProcessor

    @property
    def label(self) -> str:
        """A short name for metrics: ``console:stderr``, ``file:app.log``, ``otlp:URL``…"""
        destination = self.destination
        detail = {
            "console": destination.stream,
            "file": destination.path,
            "otlp": destination.endpoint or "env",
            "memory": destination.name,
        }[destination.type]
        return f"{destination.type}:{detail}" if detail else destination.type

    def delivery(self) -> dict[str, int]:
        """Records exported, spooled, still queued and dropped by this destination."""
        if isinstance(self.processor, FallbackExportProcessor):
            metrics = self.processor.metrics()
            return {key: int(metrics[key]) for key in ("exported", "spooled", "queued", "dropped")}
        assert isinstance(self.exporter, InMemoryLogRecordExporter)
        return {
            "exported": len(self.exporter.get_finished_logs()),
            "spooled": 0,
            "queued": 0,
            "dropped": 0,
        }


@dataclass(slots=True)
class LayerRoute:
    """What the logger needs on the hot path for one layer."""

    name: str
    threshold: int
    enabled: bool
    provider: LoggerProvider
    otel_logger: Logger = field(repr=False)
    emitter: DirectEmitter = field(repr=False)


class LoggerPipeline:
    """All OTel objects behind one HydraLogger."""

    def __init__(
        self,
        config: LoggingConfig,
        *,
        logger_name: str,
        base_resource: Resource,
        format_options: FormatOptions,
        extra_processors: Sequence[LogRecordProcessor] = (),
        settings: HydraSettings | None = None,
        export_options: ExportOptionsHook | None = None,
    ) -> None:
        self._config = config
        self._logger_name = logger_name
        self._base_resource = base_resource
        self._format_options = format_options
        self._extra_processors = list(extra_processors)
        self._settings = settings if settings is not None else load_settings()
        self._export_options = export_options
        self._service_name = str(base_resource.attributes.get("service.name", "unknown_service"))
        self._outputs: dict[str, _Output] = {}
        self._routes: dict[str, LayerRoute] = {}
        for name, layer in config.layers.items():
            self._routes[name] = self._build_route(name, layer)
        self._default: LayerRoute | None = self._routes.get(DEFAULT_LAYER)
        self._default_lock = threading.Lock()

    def route(self, layer: str) -> LayerRoute:
        """Return the route of ``layer``, or the default layer's route."""
        return self._routes.get(layer) or self._default or self._build_default_route()

    def _build_default_route(self) -> LayerRoute:
        """Build the implicit default layer on first use: no idle console threads before."""
        with self._default_lock:
            if self._default is None:
                default_layer = self._config.layer_for(DEFAULT_LAYER)
                self._default = self._build_route(DEFAULT_LAYER, default_layer)
            return self._default

    def outputs(self) -> list[_Output]:
        """Every destination with its exporter and processor."""
        return list(self._outputs.values())

    def memory_exporters(self) -> list[tuple[LogDestination, InMemoryLogRecordExporter]]:
        """The in-memory exporters, for ``HydraLogger.memory_records``."""
        return [
            (out.destination, out.exporter)
            for out in self._outputs.values()
            if isinstance(out.exporter, InMemoryLogRecordExporter)
        ]

    def force_flush(self, timeout_millis: int) -> bool:
        """Flush every processor; True when all finished in time."""
        ok = True
        for processor in [*self._extra_processors, *(o.processor for o in self._outputs.values())]:
            try:
                ok = processor.force_flush(timeout_millis) and ok
            except Exception as exc:
                track_error("flush", repr(exc))
                ok = False
        return ok

    def shutdown(self) -> None:
        """Shut every processor (and so every exporter) down once."""
        for processor in [*self._extra_processors, *(o.processor for o in self._outputs.values())]:
            try:
                processor.shutdown()
            except Exception as exc:
                track_error("shutdown", repr(exc))

    def _build_route(self, name: str, layer: LogLayer) -> LayerRoute:
        resource = (
            self._base_resource.merge(Resource(dict(layer.resource)))
            if layer.resource
            else self._base_resource
        )
        provider = LoggerProvider(resource=resource, shutdown_on_exit=False)
        destinations = layer.destinations or self._config.layer_for(DEFAULT_LAYER).destinations
        to_destinations = SynchronousMultiLogRecordProcessor()  # type: ignore[no-untyped-call]
        for destination in destinations:
            output = self._output_for(destination)
            min_severity = parse_level(destination.level).severity.value if destination.level else 0
            to_destinations.add_log_record_processor(
                SharedProcessorView(output.processor, min_severity)
            )
        views: list[LogRecordProcessor] = [
            SharedProcessorView(processor, 0) for processor in self._extra_processors
        ]
        views.append(behind_audit_chain(to_destinations, self._settings))
        for view in views:
            provider.add_log_record_processor(view)
        otel_logger = provider.get_logger(self._logger_name, __version__)
        assert isinstance(otel_logger, Logger)
        threshold = parse_level(layer.level).stdlib
        return LayerRoute(
            name, threshold, layer.enabled, provider, otel_logger, DirectEmitter(otel_logger)
        )

    def _output_for(self, destination: LogDestination) -> _Output:
        key = destination.model_dump_json()
        output = self._outputs.get(key)
        if output is None:
            exporter = create_exporter(destination, self._format_options)
            processor = _processor_for(
                destination, exporter, self._service_name, self._export_options
            )
            output = _Output(destination, exporter, processor)
            self._outputs[key] = output
        return output


LOCAL_MAX_BATCH_SIZE = 2048
"""Most records per batch of a console or file destination. Their records are formatted
on the export thread, a batch at a time, and every batch is one long hold of the GIL
for the application's threads (an event loop sees it as lag); OTLP batches arrive
encoded, so theirs are larger."""
LOCAL_MAX_BATCH_BYTES = 1024 * 1024
"""Most (memory-sized) bytes per console or file batch, for the same reason."""


def _processor_for(
    destination: LogDestination,
    exporter: LogRecordExporter,
    service_name: str,
    adjust: ExportOptionsHook | None = None,
) -> LogRecordProcessor:
    """The export processor of one destination; records never wait on its I/O.

    OTLP gets the full fallback pipeline with its crash-safe spool, one spool per
    service and endpoint so a next run replays leftovers to where they were going.
    Console and file keep the same background batching and counted drops, without a
    spool or record ids (a local stream has no duplicates to remove).
    """
    if destination.type == "memory":
        return SimpleLogRecordProcessor(exporter)
    options = FallbackExportOptions.from_settings()
    if destination.type == "otlp":
        options = options.evolve(spool_name=_spool_name(service_name, destination))
    else:
        local: dict[str, object] = {
            "spool_enabled": False,
            "add_record_uid": False,
            "publish_metrics": False,
            "full_batches_only": False,
            "max_batch_bytes": min(options.max_batch_bytes, LOCAL_MAX_BATCH_BYTES),
        }
        if "max_batch_size" not in batch_processor_options():  # unless OTEL_BLRP_* says
            local["max_batch_size"] = min(options.max_batch_size, LOCAL_MAX_BATCH_SIZE)
        options = options.evolve(**local)
    if adjust is not None:
        options = adjust(destination, options)
    return FallbackExportProcessor(exporter, options=options)


def _spool_name(service_name: str, destination: LogDestination) -> str:
    target = f"{destination.endpoint or 'env'}|{destination.protocol or 'env'}"
    digest = hashlib.sha1(target.encode(), usedforsecurity=False).hexdigest()[:8]
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in service_name)
    return f"{safe}-{digest}"
