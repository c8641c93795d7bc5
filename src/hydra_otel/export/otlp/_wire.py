"""Protobuf wire-format primitives: varints, tags, length-delimited fields.

Only what OTLP logs need. Every function returns ``bytes`` so callers can build a
message as a list of parts and join it once; lengths below 128 (the common case)
come from a precomputed table instead of a loop.
"""

from __future__ import annotations

import struct

_SMALL_VARINTS: tuple[bytes, ...] = tuple(bytes((n,)) for n in range(128))
_UINT64_MASK = (1 << 64) - 1
_TWO_BYTE_VARINTS: dict[int, bytes] = {}
"""Two-byte varints (128..16383) made so far: record and attribute lengths, mostly a
few hundred distinct values, each made once instead of per use."""

pack_fixed64 = struct.Struct("<Q").pack
"""Little-endian unsigned 64-bit (wire type 1), used for nanosecond timestamps."""
pack_fixed32 = struct.Struct("<I").pack
"""Little-endian unsigned 32-bit (wire type 5), used for the trace flags."""
pack_double = struct.Struct("<d").pack
"""IEEE-754 double (wire type 1); NaN payloads and the sign of zero are preserved."""


def varint(value: int) -> bytes:
    """Encode a non-negative integer as a base-128 varint."""
    if value < 0x80:
        return _SMALL_VARINTS[value]
    if value < 0x4000:  # two bytes: the length of most records and attributes
        return _two_byte_varint(value)
    if value < 0x200000:  # three bytes: counters, durations in microseconds
        return bytes((value & 0x7F | 0x80, (value >> 7) & 0x7F | 0x80, value >> 14))
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def int64_varint(value: int) -> bytes:
    """Encode an int64 as protobuf does: negatives as 10-byte two's complement.

    Raises:
        ValueError: the value does not fit in a signed 64-bit integer (the SDK's
            protobuf runtime rejects it too).
    """
    if 0 <= value < 0x200000:  # what varint does for these, without the call (counters)
        if value < 0x80:
            return _SMALL_VARINTS[value]
        if value < 0x4000:
            return _two_byte_varint(value)
        return bytes((value & 0x7F | 0x80, (value >> 7) & 0x7F | 0x80, value >> 14))
    if not -(1 << 63) <= value < (1 << 63):
        raise ValueError(f"integer {value} does not fit in int64")
    return varint(value & _UINT64_MASK)


def _two_byte_varint(value: int) -> bytes:
    found = _TWO_BYTE_VARINTS.get(value)
    if found is None:
        found = _TWO_BYTE_VARINTS[value] = bytes((value & 0x7F | 0x80, value >> 7))
    return found


def tag(field_number: int, wire_type: int) -> bytes:
    """Return the encoded key of a field (``field_number << 3 | wire_type``)."""
    return varint((field_number << 3) | wire_type)


def length_delimited(key: bytes, payload: bytes) -> bytes:
    """Return ``key``, the varint length of ``payload``, then ``payload``."""
    size = len(payload)
    if size < 0x80:
        return key + _SMALL_VARINTS[size] + payload
    return b"".join((key, varint(size), payload))  # one copy of the payload, not two


def string_field(key: bytes, text: str | None) -> bytes:
    """Encode a proto3 string field; empty or None is omitted, as protobuf does."""
    if not text:
        return b""
    return length_delimited(key, text.encode("utf-8"))
