"""The spool's row format: OTLP bytes that decode back into equivalent SDK records."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from opentelemetry._logs import LogRecord, SeverityNumber
from opentelemetry.attributes import BoundedAttributes
from opentelemetry.exporter.otlp.proto.common._log_encoder import encode_logs
from opentelemetry.sdk._logs import ReadableLogRecord
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import TraceFlags

from hydra_otel.export import decode_request
from hydra_otel.export._codec import SpoolCodec

_scalars = st.one_of(
    st.text(max_size=20),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.binary(max_size=16),
)
_any_values = st.recursive(
    st.one_of(st.none(), _scalars),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_attributes = st.dictionaries(st.text(min_size=1, max_size=12), _any_values, max_size=4)
_resources = st.sampled_from(
    [
        Resource({"service.name": "a"}),
        Resource({"service.name": "b", "host.name": "h"}, "https://opentelemetry.io/schemas/1"),
    ]
)
_scopes = st.sampled_from(
    [
        None,
        InstrumentationScope("app"),
        InstrumentationScope("lib", "1.2", "https://schema", {"scope.attr": 1}),
    ]
)


@st.composite
def _records(draw: st.DrawFn) -> ReadableLogRecord:
    severity = draw(st.one_of(st.none(), st.sampled_from(list(SeverityNumber)[1:])))
    record = LogRecord(  # type: ignore[call-overload]
        timestamp=draw(st.one_of(st.none(), st.integers(1, 2**63 - 1))),
        observed_timestamp=draw(st.integers(1, 2**63 - 1)),
        trace_id=draw(st.one_of(st.just(0), st.integers(1, 2**128 - 1))),
        span_id=draw(st.one_of(st.just(0), st.integers(1, 2**64 - 1))),
        trace_flags=TraceFlags(draw(st.sampled_from([0, 1]))),
        severity_text=draw(st.one_of(st.none(), st.sampled_from(["INFO", "ERROR", "x"]))),
        severity_number=severity,
        body=draw(_any_values),
        event_name=draw(st.one_of(st.none(), st.text(min_size=1, max_size=10))),
    )
    attributes: Any = draw(_attributes)
    dropped = draw(st.integers(0, 3))
    if dropped:
        attributes = BoundedAttributes(attributes=attributes, immutable=False)
        attributes.dropped = dropped
    record.attributes = attributes
    return ReadableLogRecord(record, draw(_resources), draw(_scopes))


def _sdk_bytes(batch: list[ReadableLogRecord]) -> bytes:
    return encode_logs(batch).SerializeToString(deterministic=True)


@settings(max_examples=150, deadline=None)
@given(st.lists(_records(), min_size=1, max_size=6))
def test_decoded_records_encode_to_the_same_request(batch: list[ReadableLogRecord]) -> None:
    payload = _sdk_bytes(batch)
    decoded = decode_request(payload)
    assert len(decoded) == len(batch)
    assert _sdk_bytes(decoded) == payload


@settings(max_examples=60, deadline=None)
@given(st.lists(_records(), min_size=1, max_size=6))
def test_spool_codec_bytes_decode_to_what_the_sdk_would_send(
    batch: list[ReadableLogRecord],
) -> None:
    payload = SpoolCodec().encode(batch)
    assert _sdk_bytes(decode_request(payload)) == _sdk_bytes(batch)
