"""OTLPLogsEncoder: its bytes must decode to exactly what the SDK's encode_logs builds."""

from __future__ import annotations

import enum
import logging
import math
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from google.protobuf.json_format import MessageToDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from opentelemetry._logs import LogRecord, SeverityNumber
from opentelemetry.exporter.otlp.proto.common._log_encoder import encode_logs
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.sdk._logs import LoggerProvider, ReadableLogRecord, ReadWriteLogRecord
from opentelemetry.sdk._logs._internal import LogRecordLimits
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import TraceFlags

from hydra_otel.core import get_error_stats
from hydra_otel.core._error_tracking import error_tracker
from hydra_otel.export._encoded import pre_encoded
from hydra_otel.export.otlp import OTLPLogsEncoder

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


@pytest.fixture(autouse=True)
def _quiet_sdk_encoder_logging() -> Iterator[None]:
    """The SDK's encoder logs (with tracebacks) each attribute it skips; keep output readable."""
    sdk_logger = logging.getLogger("opentelemetry.exporter.otlp.proto.common._internal")
    level = sdk_logger.level
    sdk_logger.setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
    sdk_logger.setLevel(level)


def _assert_same_message(ours: bytes, batch: list[Any]) -> None:
    parsed = ExportLogsServiceRequest.FromString(ours)
    expected = encode_logs(batch)
    # NaN != NaN defeats ``==``; the canonical re-serialisation compares the bits instead.
    assert parsed.SerializeToString(deterministic=True) == expected.SerializeToString(
        deterministic=True
    )
    assert MessageToDict(parsed) == MessageToDict(expected)
    if not _has_nan(batch):
        assert parsed == expected


def _has_nan(value: Any) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, (list, tuple)):
        return any(_has_nan(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nan(v) for v in value.values())
    if isinstance(value, (ReadableLogRecord, ReadWriteLogRecord)):
        attributes = value.log_record.attributes or {}
        return _has_nan(value.log_record.body) or _has_nan(dict(attributes))
    return False


# -- strategies ------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=12),
    st.integers(INT64_MIN, INT64_MAX),
    st.sampled_from([0, -1, 127, 128, INT64_MIN, INT64_MAX]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.binary(max_size=12),
)
any_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.tuples(children, children),
        st.dictionaries(st.text(max_size=6), children, max_size=4),
    ),
    max_leaves=12,
)
keys = st.text(max_size=10)
# Beyond int64 the SDK skips the attribute; the encoder must skip it the same way.
attribute_values = st.one_of(any_values, st.sampled_from([2**63, -(2**63) - 1, [1, 2**70]]))
attribute_maps = st.dictionaries(keys, attribute_values, max_size=6)

_RESOURCES = [
    Resource({"service.name": "a", "hydra.layer": "APP"}),
    Resource({"hydra.layer": "APP", "service.name": "a"}),  # equal to the first, other order
    Resource({"service.name": "b", "n": 3, "tags": ("x", "y")}, schema_url="https://s/1"),
    Resource({}),
    Resource({"service.name": "b", "n": 3, "tags": ("x", "y")}, schema_url="https://s/1"),
]
_SCOPES = [
    None,
    InstrumentationScope("app.db", "1.2", None, {"pool": "main", "size": 5}),
    InstrumentationScope("app.db", "1.2", None, {"pool": "main", "size": 5}),
    InstrumentationScope("app.web", None, "https://schema/2", None),
    InstrumentationScope(""),
]


@st.composite
def log_records(draw: st.DrawFn) -> ReadableLogRecord | ReadWriteLogRecord:
    record = LogRecord(
        timestamp=draw(st.none() | st.integers(0, 2**64 - 1)),
        observed_timestamp=draw(st.integers(1, 2**64 - 1)),
        severity_text=draw(st.none() | st.sampled_from(["INFO", "ERROR", ""]) | st.text()),
        severity_number=draw(st.none() | st.sampled_from(list(SeverityNumber))),
        body=draw(any_values),
        event_name=draw(st.none() | st.text(max_size=8)),
    )
    record.trace_id = draw(st.just(0) | st.integers(1, 2**128 - 1))
    record.span_id = draw(st.just(0) | st.integers(1, 2**64 - 1))
    record.trace_flags = TraceFlags(draw(st.integers(0, 255)))
    resource = draw(st.sampled_from(_RESOURCES))
    scope = draw(st.sampled_from(_SCOPES))
    if draw(st.booleans()):
        # A plain ReadableLogRecord keeps attributes exactly as given (no SDK cleaning).
        record.attributes = draw(attribute_maps)
        return ReadableLogRecord(record, resource, scope)
    record.attributes = draw(st.dictionaries(st.text(min_size=1, max_size=8), attribute_values))
    limits = LogRecordLimits(max_attributes=draw(st.none() | st.integers(0, 4)))
    return ReadWriteLogRecord(record, resource, scope, limits)


# -- properties ------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(log_records(), max_size=8))
def test_random_batches_decode_to_the_sdk_message(batch: list[Any]) -> None:
    _assert_same_message(OTLPLogsEncoder().encode(batch), batch)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches=st.lists(st.lists(log_records(), max_size=6), min_size=2, max_size=4))
def test_one_encoder_reused_across_batches_stays_exact(batches: list[list[Any]]) -> None:
    encoder = OTLPLogsEncoder()
    for batch in batches:
        _assert_same_message(encoder.encode(batch), batch)


@settings(max_examples=100, deadline=None)
@given(batch=st.lists(log_records(), min_size=1, max_size=6))
def test_bytes_are_identical_to_the_sdk_serialisation(batch: list[Any]) -> None:
    assert OTLPLogsEncoder().encode(batch) == encode_logs(batch).SerializeToString()


# -- targeted cases --------------------------------------------------------------------


def _emitted_records(count: int) -> list[ReadWriteLogRecord]:
    """Records produced the ordinary way: an SDK LoggerProvider and Logger.emit."""
    exporter = InMemoryLogRecordExporter()
    provider = LoggerProvider(resource=Resource.create({"service.name": "shop"}))
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    logger = provider.get_logger("shop.orders", "2.0")
    for i in range(count):
        logger.emit(
            LogRecord(
                body=f"order {i} paid",
                severity_number=SeverityNumber.INFO,
                severity_text="INFO",
                attributes={"hydra.layer": "APP", "order.id": i, "paid": True, "amount": 9.5},
            )
        )
    provider.shutdown()
    return list(exporter.get_finished_logs())  # type: ignore[arg-type]


def test_records_from_a_real_logger_provider_encode_exactly() -> None:
    batch = _emitted_records(50)
    encoder = OTLPLogsEncoder()
    assert encoder.encode(batch) == encode_logs(batch).SerializeToString()
    assert encoder.encode(batch) == encode_logs(batch).SerializeToString()  # from caches


def test_equal_resources_and_scopes_are_one_group_in_first_seen_order() -> None:
    make = ReadableLogRecord
    records = [
        make(LogRecord(body=1, observed_timestamp=1), _RESOURCES[2], _SCOPES[1]),
        make(LogRecord(body=2, observed_timestamp=1), _RESOURCES[0], _SCOPES[2]),
        make(LogRecord(body=3, observed_timestamp=1), _RESOURCES[4], _SCOPES[2]),
        make(LogRecord(body=4, observed_timestamp=1), _RESOURCES[1], None),
    ]
    request = ExportLogsServiceRequest.FromString(OTLPLogsEncoder().encode(records))
    assert request == encode_logs(records)
    bodies = [
        [[r.body.int_value for r in scope.log_records] for scope in rl.scope_logs]
        for rl in request.resource_logs
    ]
    assert bodies == [[[1, 3]], [[2], [4]]]


def test_an_attribute_the_sdk_would_drop_is_skipped_and_counted() -> None:
    error_tracker.reset()
    record = ReadableLogRecord(
        LogRecord(body="x", attributes={"ok": 1, "huge": 2**64, "obj": object()}),
        Resource({}),
    )
    request = ExportLogsServiceRequest.FromString(OTLPLogsEncoder().encode([record]))
    assert request == encode_logs([record])
    assert [kv.key for kv in request.resource_logs[0].scope_logs[0].log_records[0].attributes] == [
        "ok"
    ]
    assert get_error_stats()["by_kind"]["otlp_encode"]["count"] == 2


def test_a_body_the_sdk_cannot_encode_is_sent_as_text() -> None:
    record = ReadableLogRecord(LogRecord(body=2**80), Resource({}))
    with pytest.raises(ValueError):
        encode_logs([record])  # the SDK loses the whole batch
    request = ExportLogsServiceRequest.FromString(OTLPLogsEncoder().encode([record]))
    body = request.resource_logs[0].scope_logs[0].log_records[0].body
    assert body.string_value == str(2**80)


def test_long_values_and_many_distinct_pairs_stay_exact_past_the_cache_bound() -> None:
    records = [
        ReadableLogRecord(
            LogRecord(body="b" * 300, attributes={"k": "v" * (i % 400), "i": i}),
            _RESOURCES[0],
        )
        for i in range(9000)
    ]
    assert OTLPLogsEncoder().encode(records) == encode_logs(records).SerializeToString()


def test_an_empty_batch_is_an_empty_request() -> None:
    assert OTLPLogsEncoder().encode([]) == b""


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(log_records(), min_size=1, max_size=8), mask=st.integers(0, 255))
def test_pre_encoded_records_mix_with_sdk_records_exactly(batch: list[Any], mask: int) -> None:
    """Records encoded one by one on the emit path (with an id) and SDK records, in one batch."""
    encoder = OTLPLogsEncoder()
    mixed: list[Any] = []
    expected: list[Any] = []
    for index, record in enumerate(batch):
        attributes = record.log_record.attributes or {}
        if not mask >> index & 1 or record.dropped_attributes or "log.record.uid" in attributes:
            mixed.append(record)
            expected.append(record)
            continue
        uid = f"0123456789abcdef-{index:x}"
        field = encoder.encode_log_field(record.log_record, ("log.record.uid", uid))
        mixed.append(pre_encoded(field, record.resource, record.instrumentation_scope))
        with_id = {**attributes, "log.record.uid": uid}
        expected.append(_with_attributes(record, with_id))
    _assert_same_message(OTLPLogsEncoder().encode(mixed), expected)


def _with_attributes(record: Any, attributes: dict[str, Any]) -> ReadableLogRecord:
    log = record.log_record
    copy = LogRecord(
        timestamp=log.timestamp,
        observed_timestamp=log.observed_timestamp,
        trace_id=log.trace_id,
        span_id=log.span_id,
        trace_flags=log.trace_flags,
        severity_text=log.severity_text,
        severity_number=log.severity_number,
        body=log.body,
        attributes=attributes,
        event_name=log.event_name,
    )
    return ReadableLogRecord(copy, record.resource, record.instrumentation_scope)


def test_a_batch_all_pre_encoded_under_one_scope_encodes_exactly() -> None:
    records = _emitted_records(50)
    encoder = OTLPLogsEncoder()
    batch = [
        pre_encoded(encoder.encode_log_field(r.log_record), r.resource, r.instrumentation_scope)
        for r in records
    ]
    _assert_same_message(OTLPLogsEncoder().encode(batch), records)


def test_large_ints_that_repeat_or_change_per_key_stay_exact() -> None:
    """thread.id repeats record after record; a counter changes every time."""
    encoder = OTLPLogsEncoder()
    resource, scope = Resource({"service.name": "svc"}), InstrumentationScope("scope")
    values = [140_000_000_001, 140_000_000_001, 7, 140_000_000_002, 2**62, 140_000_000_001]
    batch = [
        ReadableLogRecord(
            LogRecord(body="b", attributes={"thread.id": value, "seq": 10_000 + index}),
            resource,
            scope,
        )
        for index, value in enumerate(values)
    ]
    for _ in range(2):  # warm caches the second time
        _assert_same_message(encoder.encode(batch), batch)


def test_one_key_whose_ints_change_varint_size_and_sign_stays_exact() -> None:
    """Heads are cached per key and varint size: each size, and negatives (10 bytes)."""
    encoder = OTLPLogsEncoder()
    resource, scope = Resource({"service.name": "svc"}), InstrumentationScope("scope")
    values = [5, 127, 128, 4095, 4096, 16_383, 16_384, 2_097_151, 2_097_152, -1, -4097,
              -(2**63), 2**63 - 1, 4096, 2_097_152, 128]  # fmt: skip
    batch = [
        ReadableLogRecord(LogRecord(body="b", attributes={"n": value}), resource, scope)
        for value in values
    ]
    for _ in range(2):
        _assert_same_message(encoder.encode(batch), batch)


def test_equal_values_of_different_types_under_one_key_are_cached_apart() -> None:
    """``True == 1 == 1.0`` and ``"1"``: each must keep its own AnyValue, cached or not."""
    encoder = OTLPLogsEncoder()
    resource, scope = Resource({"service.name": "svc"}), InstrumentationScope("scope")
    values: list[Any] = [True, 1, 1.0, "1", False, 0, 0.0, "", 1, True, "1", 0, False]
    batch = [
        ReadableLogRecord(LogRecord(body="b", attributes={"v": value}), resource, scope)
        for value in values
    ]
    for _ in range(2):  # the second time every pair comes from the cache
        _assert_same_message(encoder.encode(batch), batch)


def test_an_attribute_whose_key_is_not_a_string_is_skipped_like_the_sdk_skips_it() -> None:
    resource, scope = Resource({"service.name": "svc"}), InstrumentationScope("scope")
    attributes: dict[Any, Any] = {"before": "x", 7: "seven", "after": 2}
    batch = [ReadableLogRecord(LogRecord(body="b", attributes=attributes), resource, scope)]
    _assert_same_message(OTLPLogsEncoder().encode(batch), batch)
    assert "attribute 7 skipped" in str(get_error_stats())


def test_keys_that_subclass_str_are_encoded_as_their_text() -> None:
    """A str-based enum as a key: the SDK sends its text, and so must a cached encoder."""

    class Key(enum.StrEnum):
        USER = "user.id"

    resource, scope = Resource({"service.name": "svc"}), InstrumentationScope("scope")
    batch = [
        ReadableLogRecord(LogRecord(body="b", attributes={Key.USER: value}), resource, scope)
        for value in ("u1", "u1", "u2")
    ]
    encoder = OTLPLogsEncoder()
    for _ in range(2):
        _assert_same_message(encoder.encode(batch), batch)
