"""The wire primitives write what protobuf's own encoder writes, at every length boundary."""

from __future__ import annotations

import pytest
from google.protobuf.internal.encoder import _VarintBytes
from hypothesis import given
from hypothesis import strategies as st

from hydra_otel.export.otlp._wire import int64_varint, varint

BOUNDARIES = [0, 1, 0x7F, 0x80, 0x3FFF, 0x4000, 0x1FFFFF, 0x200000, 2**28, 2**35, 2**63, 2**64 - 1]


@pytest.mark.parametrize("value", BOUNDARIES)
def test_varint_at_each_length_boundary(value: int) -> None:
    assert varint(value) == _VarintBytes(value)


@given(st.integers(0, 2**64 - 1))
def test_varint_matches_protobuf(value: int) -> None:
    assert varint(value) == _VarintBytes(value)


@given(st.integers(-(2**63), 2**63 - 1))
def test_int64_varint_is_protobufs_twos_complement(value: int) -> None:
    assert int64_varint(value) == _VarintBytes(value & (2**64 - 1))


def test_int64_varint_rejects_what_does_not_fit() -> None:
    with pytest.raises(ValueError):
        int64_varint(2**63)
