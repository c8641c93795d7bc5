"""What the bridge makes of stdlib records, as an OTel exporter receives them."""

from __future__ import annotations

import enum
import io
import logging
import logging.config
import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

import pytest
from opentelemetry.sdk._logs import LoggerProvider, LogRecordProcessor, ReadWriteLogRecord
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter
from opentelemetry.sdk.trace import TracerProvider

from hydra_otel.core import get_error_stats
from hydra_otel.core._diagnostics import internal_logger, pipeline_guard
from hydra_otel_instrumentation_logging import HydraLoggingInstrumentor

pytestmark = pytest.mark.usefixtures("bridge")


def _exported(log_exporter: InMemoryLogRecordExporter) -> list[ReadWriteLogRecord]:
    return [readable.log_record for readable in log_exporter.get_finished_logs()]  # type: ignore[misc]


def test_warning_is_severity_13_with_the_source_level_name(
    app_logger: logging.Logger, log_exporter: InMemoryLogRecordExporter
) -> None:
    app_logger.warning("disk almost full")

    (record,) = _exported(log_exporter)
    assert record.severity_number is not None
    assert record.severity_number.value == 13
    assert record.severity_text == "WARNING"


@pytest.mark.parametrize(
    ("levelno", "severity"),
    [
        (10, 5),
        (20, 9),
        (21, 10),
        (30, 13),
        (31, 14),
        (40, 17),
        (50, 21),
        (53, 24),
        (70, 24),
        (5, 1),
    ],
)
def test_every_level_maps_into_its_otel_severity_range(
    app_logger: logging.Logger, log_exporter: InMemoryLogRecordExporter, levelno: int, severity: int
) -> None:
    app_logger.setLevel(1)
    app_logger.log(levelno, "level %d", levelno)

    (record,) = _exported(log_exporter)
    assert record.severity_number is not None
    assert record.severity_number.value == severity


def test_body_is_the_formatted_message(
    app_logger: logging.Logger, log_exporter: InMemoryLogRecordExporter
) -> None:
    app_logger.info("user %s logged in %d times", "ada", 3)

    (record,) = _exported(log_exporter)
    assert record.body == "user ada logged in 3 times"


def test_code_location_and_thread_use_current_semantic_conventions(
    app_logger: logging.Logger, log_exporter: InMemoryLogRecordExporter
) -> None:
    app_logger.info("here")
    expected_line = traceback.extract_stack()[-1].lineno - 1

    (record,) = _exported(log_exporter)
    attributes = dict(record.attributes or {})
    assert attributes["code.file.path"] == __file__
    assert attributes["code.function.name"] == (
        "test_code_location_and_thread_use_current_semantic_conventions"
    )
    assert attributes["code.line.number"] == expected_line
    assert attributes["thread.name"] == "MainThread"
    assert isinstance(attributes["thread.id"], int)


@dataclass
class _Order:
    id: str


def test_extra_fields_become_attributes_and_nothing_is_dropped(
    app_logger: logging.Logger, log_exporter: InMemoryLogRecordExporter
) -> None:
    app_logger.info(
        "order placed",
        extra={
            "order.id": "A-1",
            "items": 3,
            "sizes": [1, 2],
            "flags": {"gift": True},
            "nested": {"a": {"b": 1}},
            "order": _Order("A-1"),
        },
    )

    (record,) = _exported(log_exporter)
    attributes = dict(record.attributes or {})
    assert attributes["order.id"] == "A-1"
    assert attributes["items"] == 3
    assert tuple(attributes["sizes"]) == (1, 2)  # type: ignore[arg-type]
    assert dict(attributes["flags"]) == {"gift": True}  # type: ignore[arg-type]
    assert attributes["nested"] == '{"a": {"b": 1}}'
    assert attributes["order"] == "_Order(id='A-1')"


class _EarlyAttributeRecord(logging.LogRecord):
    """A record class that sets an attribute of its own before LogRecord's."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.tenant = "t-1"
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


def test_attributes_added_before_init_or_by_filters_are_kept(
    app_logger: logging.Logger, log_exporter: InMemoryLogRecordExporter
) -> None:
    def rewrite(record: logging.LogRecord) -> bool:
        del record.args  # a deleted and re-set standard attribute moves to the end
        record.args = ()
        record.stage = "filtered"
        return True

    previous = logging.getLogRecordFactory()
    logging.setLogRecordFactory(_EarlyAttributeRecord)
    try:
        app_logger.info("first", extra={"order.id": "A-1"})
    finally:
        logging.setLogRecordFactory(previous)
    app_logger.addFilter(rewrite)
    try:
        app_logger.info("second", extra={"order.id": "A-2"})
    finally:
        app_logger.removeFilter(rewrite)

    first, second = (dict(r.attributes or {}) for r in _exported(log_exporter))
    assert (first["tenant"], first["order.id"]) == ("t-1", "A-1")
    assert (second["stage"], second["order.id"]) == ("filtered", "A-2")
    assert "args" not in first and "args" not in second and "msg" not in second


class _Tier(enum.IntEnum):
    GOLD = 2


class _Sku(str):
    pass


def test_extra_scalar_subclasses_keep_their_values(
    app_logger: logging.Logger, log_exporter: InMemoryLogRecordExporter
) -> None:
    app_logger.info(
        "order placed",
        extra={"tier": _Tier.GOLD, "sku": _Sku("A-1"), "paid": True, "total": 9.5, "note": None},
    )

    (record,) = _exported(log_exporter)
    attributes = dict(record.attributes or {})
    assert attributes["tier"] == 2
    assert attributes["sku"] == "A-1"
    assert attributes["paid"] is True
    assert attributes["total"] == 9.5
    assert "note" not in attributes


def test_two_call_sites_in_one_function_keep_their_own_line_numbers(
    app_logger: logging.Logger, log_exporter: InMemoryLogRecordExporter
) -> None:
    for _ in range(2):
        app_logger.info("first site")
        first_line = traceback.extract_stack()[-1].lineno - 1
        app_logger.info("second site")
        second_line = traceback.extract_stack()[-1].lineno - 1

    lines = [
        dict(record.attributes or {})["code.line.number"] for record in _exported(log_exporter)
    ]
    assert lines == [first_line, second_line, first_line, second_line]


def test_exception_attributes_on_log_exception(
    app_logger: logging.Logger, log_exporter: InMemoryLogRecordExporter
) -> None:
    try:
        raise KeyError("missing-sku")
    except KeyError:
        app_logger.exception("lookup failed")

    (record,) = _exported(log_exporter)
    attributes = dict(record.attributes or {})
    assert record.body == "lookup failed"
    assert attributes["exception.type"] == "KeyError"
    assert attributes["exception.message"] == "'missing-sku'"
    stacktrace = str(attributes["exception.stacktrace"])
    assert stacktrace.startswith("Traceback (most recent call last):")
    assert "KeyError: 'missing-sku'" in stacktrace


def test_records_inside_a_span_carry_its_trace_and_span_id(
    app_logger: logging.Logger, log_exporter: InMemoryLogRecordExporter
) -> None:
    tracer = TracerProvider().get_tracer("tests")
    with tracer.start_as_current_span("work") as span:
        app_logger.info("inside")
    app_logger.info("outside")

    inside, outside = _exported(log_exporter)
    context = span.get_span_context()
    assert inside.trace_id == context.trace_id
    assert inside.span_id == context.span_id
    assert outside.trace_id == 0


def test_internal_and_opentelemetry_loggers_are_never_bridged(
    app_logger: logging.Logger, log_exporter: InMemoryLogRecordExporter
) -> None:
    internal_logger.error("hydra's own diagnostics")
    logging.getLogger("opentelemetry.sdk._logs").error("sdk complaint")
    logging.getLogger("opentelemetry").error("api complaint")
    logging.getLogger("opentelemetry_like_but_not").error("an application logger")

    bodies = [record.body for record in _exported(log_exporter)]
    assert bodies == ["an application logger"]


def test_records_logged_inside_the_pipeline_are_skipped(
    app_logger: logging.Logger, log_exporter: InMemoryLogRecordExporter
) -> None:
    with pipeline_guard():
        app_logger.error("logged by an exporter while exporting")
    app_logger.error("logged by the application")

    assert [record.body for record in _exported(log_exporter)] == ["logged by the application"]


class _ExplodingProcessor(LogRecordProcessor):
    def on_emit(self, log_record: ReadWriteLogRecord) -> None:
        raise RuntimeError("processor bug")

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


def test_a_failing_pipeline_never_raises_into_the_application(
    app_logger: logging.Logger, logger_provider: LoggerProvider
) -> None:
    logger_provider.add_log_record_processor(_ExplodingProcessor())
    before = get_error_stats()["by_kind"].get("logging_bridge", {}).get("count", 0)

    app_logger.error("first")
    app_logger.error("second")

    after = get_error_stats()["by_kind"]["logging_bridge"]
    assert after["count"] == before + 2
    assert "processor bug" in after["last_message"]


def test_a_bad_format_call_keeps_the_record_with_its_template(
    app_logger: logging.Logger,
    log_exporter: InMemoryLogRecordExporter,
    fresh_root: Callable[[], AbstractContextManager[None]],
) -> None:
    app_logger.addHandler(logging.NullHandler())
    with fresh_root():
        app_logger.info("%d items", "not-a-number")

    (record,) = _exported(log_exporter)
    assert record.body == "%d items"
    assert get_error_stats()["by_kind"]["logging_bridge.format"]["count"] >= 1


def test_last_resort_still_prints_when_the_app_configured_no_handler(
    app_logger: logging.Logger,
    log_exporter: InMemoryLogRecordExporter,
    capsys: pytest.CaptureFixture[str],
    fresh_root: Callable[[], AbstractContextManager[None]],
) -> None:
    with fresh_root():
        app_logger.warning("nobody configured logging")
        app_logger.info("below the last resort's level")

    assert capsys.readouterr().err == "nobody configured logging\n"
    assert len(_exported(log_exporter)) == 2


def test_no_last_resort_output_when_a_handler_exists_on_the_way(
    app_logger: logging.Logger,
    capsys: pytest.CaptureFixture[str],
    fresh_root: Callable[[], AbstractContextManager[None]],
) -> None:
    stream = io.StringIO()
    app_logger.addHandler(logging.StreamHandler(stream))

    with fresh_root():
        app_logger.warning("handled by the app")

    assert stream.getvalue() == "handled by the app\n"
    assert capsys.readouterr().err == ""


def test_basic_config_after_instrumenting_configures_the_console_as_usual(
    app_logger: logging.Logger,
    log_exporter: InMemoryLogRecordExporter,
    fresh_root: Callable[[], AbstractContextManager[None]],
) -> None:
    console = io.StringIO()
    with fresh_root():
        logging.basicConfig(stream=console, format="%(levelname)s %(name)s: %(message)s")
        app_logger.warning("careful")

    assert console.getvalue() == "WARNING tests.app: careful\n"
    assert [record.body for record in _exported(log_exporter)] == ["careful"]


def test_dict_config_replacing_root_handlers_keeps_the_bridge(
    app_logger: logging.Logger,
    log_exporter: InMemoryLogRecordExporter,
    bridge: HydraLoggingInstrumentor,
) -> None:
    logging.config.dictConfig(
        {
            "version": 1,
            "incremental": False,
            "disable_existing_loggers": False,
            "handlers": {"null": {"class": "logging.NullHandler"}},
            "root": {"handlers": ["null"], "level": "WARNING"},
        }
    )

    app_logger.error("after dictConfig")

    assert bridge.handler in logging.getLogger().handlers
    assert [record.body for record in _exported(log_exporter)] == ["after dictConfig"]


def test_records_are_emitted_exactly_once(
    app_logger: logging.Logger,
    log_exporter: InMemoryLogRecordExporter,
    fresh_root: Callable[[], AbstractContextManager[None]],
) -> None:
    with fresh_root():
        logging.basicConfig(stream=io.StringIO())
        for index in range(5):
            app_logger.warning("record %d", index)

    assert [record.body for record in _exported(log_exporter)] == [
        f"record {index}" for index in range(5)
    ]
