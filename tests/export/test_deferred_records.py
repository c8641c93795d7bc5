"""Deferred records: hydra's emit path queues a record's fields, an export thread encodes them.

The bytes must be exactly those of encoding the record on the spot (which the encoder's
own tests hold to the SDK's encoder), nothing the caller changes after the call may
reach them, and the queue entries must not weigh on Python's garbage collector.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from opentelemetry._logs import LogRecord, SeverityNumber
from opentelemetry.attributes import BoundedAttributes
from opentelemetry.proto.logs.v1.logs_pb2 import ScopeLogs
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.util.instrumentation import InstrumentationScope

from hydra_otel.api import DirectEmitter
from hydra_otel.export import RECORD_UID_KEY, FallbackExportOptions, FallbackExportProcessor
from hydra_otel.export._capture import RecordCapture
from hydra_otel.export._encoded import DEFERRED_ATTRIBUTES, defer, is_deferred
from hydra_otel.export.otlp import FastOTLPLogExporter, OTLPLogsEncoder
from hydra_otel.testing import OtlpReceiver

INT64 = st.integers(-(2**63), 2**63 - 1)
SCALARS = st.one_of(st.text(max_size=40), INT64, st.floats(allow_nan=False), st.booleans())


@st.composite
def deferrable_records(draw: st.DrawFn) -> LogRecord:
    """API LogRecords as HydraLogger and the stdlib bridge build them: a str body, scalars."""
    number = draw(st.sampled_from(list(SeverityNumber)))
    return LogRecord(
        timestamp=draw(st.one_of(st.none(), st.integers(0, 2**64 - 1))),
        observed_timestamp=draw(st.integers(0, 2**64 - 1)),
        trace_id=draw(st.one_of(st.just(0), st.integers(1, 2**128 - 1))),
        span_id=draw(st.one_of(st.just(0), st.integers(1, 2**64 - 1))),
        trace_flags=draw(st.sampled_from([0, 1])),
        severity_text=draw(st.one_of(st.none(), st.sampled_from(["INFO", "WARN", "x"]))),
        severity_number=number,
        body=draw(st.text(max_size=80)),
        attributes=draw(st.dictionaries(st.text(min_size=1, max_size=12), SCALARS, max_size=8)),
        event_name=draw(st.one_of(st.none(), st.text(min_size=1, max_size=10))),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(deferrable_records(), min_size=1, max_size=12))
def test_deferred_records_encode_to_exactly_the_bytes_of_encoding_at_once(
    records: list[LogRecord],
) -> None:
    encoder = OTLPLogsEncoder()
    entries: list[Any] = []
    sizes: list[int] = []
    for record in records:
        taken = defer(record, 7, RECORD_UID_KEY)
        assert taken is not None
        entries.append(taken[0])
        sizes.append(taken[1])
    capture = RecordCapture()
    failed = encoder.encode_deferred_records(
        entries, sizes, 0, len(entries), capture.uid_for, RECORD_UID_KEY, 96
    )
    assert failed == []
    uids = []
    for record, (field, group), size in zip(records, entries, sizes, strict=True):
        uid = _uid_in(field)
        assert field == OTLPLogsEncoder().encode_log_field(record, (RECORD_UID_KEY, uid))
        assert group == 7 and size == len(field) + 96
        uids.append(int(uid.rsplit("-", 1)[1], 16))
    assert uids == list(range(uids[0], uids[0] + len(records))), "ids follow the queue order"


def _decoded(field: bytes) -> Any:
    """The LogRecord message of a ``ScopeLogs.log_records`` field."""
    [log] = ScopeLogs.FromString(field).log_records
    return log


def _uid_in(field: bytes) -> str:
    [uid] = [a.value.string_value for a in _decoded(field).attributes if a.key == RECORD_UID_KEY]
    return str(uid)


def _record(body: Any = "text", attributes: Any = None, number: Any = SeverityNumber.INFO) -> Any:
    return LogRecord(
        timestamp=1, severity_number=number, severity_text="INFO", body=body, attributes=attributes
    )


@pytest.mark.parametrize(
    ("record", "why"),
    [
        (_record(body={"k": "v"}), "a dict body can change after the call"),
        (_record(body=["a"]), "a list body can change after the call"),
        (_record(attributes={"tags": ["a", "b"]}), "a list value can change"),
        (_record(attributes={"map": {"k": "v"}}), "a map value can change"),
        (_record(attributes={"raw": b"\x00"}), "bytes are encoded at once"),
        (_record(attributes={RECORD_UID_KEY: "mine"}), "a record keeps its own id"),
        (_record(attributes=BoundedAttributes(attributes={"k": "v"})), "not a plain dict"),
        (_record(number=None), "no SeverityNumber"),
    ],
)
def test_records_that_could_change_or_carry_their_own_id_are_not_deferred(
    record: Any, why: str
) -> None:
    assert defer(record, 0, RECORD_UID_KEY) is None, why


def test_a_deferred_record_is_flat_and_left_alone_by_the_garbage_collector() -> None:
    entry, _ = defer(_record(attributes={"user.id": "u1", "n": 2**40, "ok": True}), 3, "uid")  # type: ignore[misc]
    assert entry[DEFERRED_ATTRIBUTES:] == ("user.id", "u1", "n", 2**40, "ok", True)
    assert is_deferred(entry) and not is_deferred((b"field", 3))
    gc.collect()
    assert not gc.is_tracked(entry), "a tracked queue entry is rescanned by every collection"


def test_a_record_that_cannot_be_encoded_is_reported_and_the_others_are_encoded() -> None:
    good, good_size = defer(_record(attributes={"k": "v"}), 1, RECORD_UID_KEY)  # type: ignore[misc]
    broken = (1, 2, 999_999, "INFO", "text", 0, 0, 0, None, 1)  # no such severity number
    records: list[Any] = [good, broken, (b"already encoded", 1)]
    sizes = [good_size, 10, 20]
    failed = OTLPLogsEncoder().encode_deferred_records(
        records, sizes, 0, 3, RecordCapture().uid_for, RECORD_UID_KEY, 96
    )
    assert failed == [1]
    assert not is_deferred(records[0]) and _decoded(records[0][0]).body.string_value == "text"
    assert records[1] is broken
    assert records[2] == (b"already encoded", 1) and sizes[2] == 20


@pytest.fixture
def export(otlp_receiver: OtlpReceiver) -> Iterator[FallbackExportProcessor]:
    exporter = FastOTLPLogExporter(endpoint=otlp_receiver.http_endpoint + "/v1/logs")
    options = FallbackExportOptions(spool_enabled=False, schedule_delay=60.0)
    processor = FallbackExportProcessor(exporter, options=options)
    yield processor
    processor.shutdown()


def test_what_the_caller_changes_after_the_call_is_not_sent(
    export: FallbackExportProcessor, otlp_receiver: OtlpReceiver
) -> None:
    provider = LoggerProvider(resource=Resource({"service.name": "svc"}), shutdown_on_exit=False)
    provider.add_log_record_processor(export)
    emitter = DirectEmitter(provider.get_logger("scope"))
    attributes: dict[str, Any] = {"user.id": "u1", "n": 1}
    emitter.emit(1000, SeverityNumber.INFO, "INFO", "logged in", attributes)
    attributes["user.id"] = "changed"
    attributes["added"] = True
    assert export.force_flush(10_000)
    [log] = otlp_receiver.wait_for_logs(1)
    assert {k: v for k, v in log.attributes.items() if k != RECORD_UID_KEY} == {
        "user.id": "u1",
        "n": 1,
    }
    assert log.body == "logged in"


def test_no_deferred_record_leaves_the_queue(export: FallbackExportProcessor) -> None:
    """Whoever takes the queue (intake, flush, close, ``sync``) gets encoded records."""
    resource, scope = Resource({"service.name": "svc"}), InstrumentationScope("scope")
    for index in range(5):  # queued and left there: no full batch, a 60 s timer
        export.emit_encoded(_record(body=f"r{index}", attributes={"i": index}), resource, scope)
    export.emit_encoded(_record(body={"structured": True}), resource, scope)  # encoded at once
    records, sizes = export._pipeline.ledger.take_queue()
    assert len(records) == 6 and not any(is_deferred(record) for record in records)
    assert all(size == len(record[0]) + 96 for record, size in zip(records, sizes, strict=True))
    assert [_decoded(record[0]).body.string_value for record in records[:5]] == [
        f"r{index}" for index in range(5)
    ]
    assert len({_uid_in(record[0]) for record in records}) == 6
    assert export.metrics()["queued"] == 6 and export.metrics()["conserved"]
