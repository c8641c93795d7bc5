"""Encoding of OTLP ``AnyValue`` and ``KeyValue`` messages, with caches for what repeats.

The type rules follow the SDK's ``_encode_value`` exactly (bool before int, str and
bytes before the generic Sequence test, Mapping keys passed through ``str``), so the
bytes decode to the same message the SDK would build.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, cast

from opentelemetry.attributes import BoundedAttributes

from hydra_otel.core import track_error
from hydra_otel.export.otlp._wire import (
    int64_varint,
    length_delimited,
    pack_double,
    string_field,
)
from hydra_otel.export.otlp._wire import (
    varint as _length,
)

# AnyValue field keys (field number << 3 | wire type).
_STRING = b"\x0a"
_BOOL_TRUE = b"\x10\x01"
_BOOL_FALSE = b"\x10\x00"
_INT = b"\x18"
_DOUBLE = b"\x21"
_ARRAY = b"\x2a"
_KVLIST = b"\x32"
_BYTES = b"\x3a"
# KeyValue, ArrayValue.values and KeyValueList.values field keys.
_KEY = b"\x0a"
_VALUE = b"\x12"
_ELEMENT = b"\x0a"
# LogRecord.attributes field key.
_RECORD_ATTRIBUTE = b"\x32"

_LONGEST_CACHED_STRING = 256
_SMALL_INT = 4096
_MAX_UNIQUE_HEADS = 256
"""Ints in [-4096, 4096) are cached with their key (status codes, line numbers)."""


def _encode_str(value: str) -> bytes:
    return length_delimited(_STRING, value.encode("utf-8"))


def _encode_bool(value: bool) -> bytes:
    return _BOOL_TRUE if value else _BOOL_FALSE


def _encode_int(value: int) -> bytes:
    return _INT + int64_varint(value)


def _encode_double(value: float) -> bytes:
    return _DOUBLE + pack_double(value)


def _encode_bytes(value: bytes) -> bytes:
    return length_delimited(_BYTES, bytes(value))


def _encode_array(values: Iterable[Any]) -> bytes:
    elements = b"".join([length_delimited(_ELEMENT, encode_any_value(v)) for v in values])
    return length_delimited(_ARRAY, elements)


def _encode_kvlist(mapping: Mapping[Any, Any]) -> bytes:
    pairs = b"".join(
        [length_delimited(_ELEMENT, encode_key_value(str(k), v)) for k, v in mapping.items()]
    )
    return length_delimited(_KVLIST, pairs)


def _encode_none(_value: None) -> bytes:
    return b""


_BY_EXACT_TYPE: dict[type, Callable[[Any], bytes]] = {
    str: _encode_str,
    bool: _encode_bool,
    int: _encode_int,
    float: _encode_double,
    bytes: _encode_bytes,
    list: _encode_array,
    tuple: _encode_array,
    dict: _encode_kvlist,
    type(None): _encode_none,
}


def _encode_by_isinstance(value: object) -> bytes:
    if isinstance(value, bool):
        return _encode_bool(value)
    if isinstance(value, str):
        return _encode_str(value)
    if isinstance(value, int):
        return _encode_int(value)
    if isinstance(value, float):
        return _encode_double(value)
    if isinstance(value, bytes):
        return _encode_bytes(value)
    if isinstance(value, Sequence):
        return _encode_array(value)
    if isinstance(value, Mapping):
        return _encode_kvlist(value)
    raise TypeError(f"cannot encode a value of type {type(value).__name__} as an OTLP AnyValue")


def encode_any_value(value: object) -> bytes:
    """Return the body of an ``AnyValue`` message holding ``value`` (empty for None).

    Raises:
        TypeError: the value's type has no AnyValue representation.
        ValueError: an int outside int64.
        UnicodeEncodeError: a string holding lone surrogates.
    """
    encoder = _BY_EXACT_TYPE.get(type(value))
    if encoder is not None:
        return encoder(value)
    return _encode_by_isinstance(value)


def encode_key_value(key: str, value: object) -> bytes:
    """Return the body of a ``KeyValue`` message (an empty key is omitted, as in proto3)."""
    return string_field(_KEY, key) + length_delimited(_VALUE, encode_any_value(value))


def encode_attributes(attributes: Mapping[str, object] | None, field_key: bytes) -> bytes:
    """Encode every attribute as a repeated KeyValue field, skipping those that cannot be encoded.

    Used for resources and scopes, whose bytes are cached by the caller. An attribute
    the SDK's encoder would skip (it logs and drops it) is skipped here too and counted.
    """
    if not attributes:
        return b""
    parts = []
    for key, value in attributes.items():
        try:
            if not isinstance(key, str):
                raise TypeError(f"attribute key {key!r} is not a string")
            parts.append(length_delimited(field_key, encode_key_value(key, value)))
        except (TypeError, ValueError) as error:
            track_error("otlp_encode", f"attribute {key!r} skipped: {error}")
    return b"".join(parts)


def attribute_items(attributes: Mapping[str, object]) -> Iterable[tuple[str, object]]:
    """Iterate attributes without BoundedAttributes' per-key Python-level lookups."""
    if type(attributes) is BoundedAttributes:
        inner = getattr(attributes, "_dict", None)
        if type(inner) is dict:
            return inner.items()
    return attributes.items()


class RecordAttributeEncoder:
    """Encodes LogRecord attributes, caching the finished bytes of repeating pairs.

    A pair whose value is a short str, a small int or a bool (``hydra.layer=APP``,
    ``code.lineno=42``) is encoded once and then reused as a ready field; the encoded
    key is cached too, so a pair seen for the first time (an id, a counter, a duration)
    only encodes its value. The caches are bounded: when one reaches its limit it is
    emptied and refilled.

    Cached fields are found by attribute key, then by value, in dicts of their own per
    value type: no tuple is built and hashed per attribute, and lookups stay on the
    str-keyed fast path (``True == 1`` is why ints and bools are kept apart).
    """

    __slots__ = ("_bool_fields", "_cached_pairs", "_int_fields", "_int_heads", "_keys",
                 "_last_ints", "_max_cached_pairs", "_str_fields", "_unique_heads")  # fmt: skip

    def __init__(self, max_cached_pairs: int = 8192) -> None:
        self._str_fields: dict[object, dict[str, bytes]] = {}
        self._int_fields: dict[object, dict[int, bytes]] = {}
        self._bool_fields: dict[object, dict[bool, bytes]] = {}
        self._cached_pairs = 0
        self._keys: dict[str, bytes] = {}
        self._unique_heads: dict[str, dict[int, bytes]] = {}
        self._last_ints: dict[object, tuple[int, bytes]] = {}
        self._int_heads: dict[str, dict[int, bytes]] = {}
        self._max_cached_pairs = max_cached_pairs

    def append_to(self, parts: list[bytes], attributes: Mapping[str, object]) -> None:
        """Append one encoded ``attributes`` field per attribute to ``parts``."""
        if type(attributes) is dict:
            self._append_dict(parts, attributes)
            return
        for key, value in attribute_items(attributes):
            parts.append(self._field(key, value))

    def _append_dict(self, parts: list[bytes], attributes: dict[object, object]) -> None:
        """:meth:`append_to` for a plain dict (the usual case), iterated natively."""
        for key, value in attributes.items():
            parts.append(self._field(key, value))

    def _field(self, key: object, value: object) -> bytes:
        """The encoded field of one attribute (b"" when it cannot be encoded)."""
        if not isinstance(key, str):
            track_error("otlp_encode", f"attribute {key!r} skipped: its key is not a string")
            return b""
        value_type = type(value)
        if value_type is str:
            by_str = self._str_fields.get(key)
            if by_str is not None:
                found = by_str.get(cast(str, value))
                if found is not None:
                    return found
            return self._new_str_pair(key, cast(str, value))
        if value_type is int:
            number = cast(int, value)
            if -_SMALL_INT <= number < _SMALL_INT:
                by_int = self._int_fields.get(key)
                if by_int is not None:
                    found = by_int.get(number)
                    if found is not None:
                        return found
            else:  # a large int: the same as last time for this key (thread.id), or new
                last = self._last_ints.get(key)
                if last is not None and last[0] == number:
                    return last[1]
            return self._new_int_pair(key, number)
        if value_type is bool:
            flag = cast(bool, value)
            by_bool = self._bool_fields.get(key)
            if by_bool is not None:
                found = by_bool.get(flag)
                if found is not None:
                    return found
            field = self._encode(key, value)
            self._remember(self._bool_fields, key, flag, field)
            return field
        return self._encode(key, value)

    def _key_field(self, key: str) -> bytes:
        field = self._keys.get(key)
        if field is None:
            if not isinstance(key, str):
                raise TypeError(f"attribute key {key!r} is not a string")
            field = string_field(_KEY, key)
            if len(self._keys) >= self._max_cached_pairs:
                self._keys.clear()
            self._keys[key] = field
        return field

    def unique_str_pair(self, key: str, value: str) -> bytes:
        """Encode a str attribute that never repeats (a record id), without caching the pair.

        Record ids have one length for thousands of records, so everything before the
        value's bytes (field key, lengths, the attribute key) is cached per key and length.
        """
        try:
            text = value.encode("utf-8")
        except (AttributeError, ValueError) as error:
            track_error("otlp_encode", f"attribute {key!r} skipped: {error}")
            return b""
        by_length = self._unique_heads.get(key)
        head = by_length.get(len(text)) if by_length is not None else None
        if head is None:
            field = self._new_str_pair(key, value, remember=False)
            if by_length is None or len(by_length) >= _MAX_UNIQUE_HEADS:
                if len(self._unique_heads) >= _MAX_UNIQUE_HEADS:
                    self._unique_heads.clear()
                by_length = self._unique_heads[key] = {}
            by_length[len(text)] = field[: len(field) - len(text)]
            return field
        return head + text

    def _new_str_pair(self, key: str, value: str, remember: bool = True) -> bytes:
        try:
            text = value.encode("utf-8")
            any_value = _STRING + _length(len(text)) + text
            pair = self._key_field(key) + _VALUE + _length(len(any_value)) + any_value
        except (TypeError, ValueError) as error:
            track_error("otlp_encode", f"attribute {key!r} skipped: {error}")
            return b""
        field = _RECORD_ATTRIBUTE + _length(len(pair)) + pair
        if remember and len(text) <= _LONGEST_CACHED_STRING:
            self._remember(self._str_fields, key, value, field)
        return field

    def _new_int_pair(self, key: str, value: int) -> bytes:
        try:
            number = int64_varint(value)
            field = self._int_head(key, len(number)) + number
        except (TypeError, ValueError) as error:
            track_error("otlp_encode", f"attribute {key!r} skipped: {error}")
            return b""
        if -_SMALL_INT <= value < _SMALL_INT:
            self._remember(self._int_fields, key, value, field)
            return field
        # A large int is a counter, a duration or an id: new almost every time, so only
        # what precedes its varint is cached (per key and varint length, as for
        # unique_str_pair), and the last one per key (thread.id repeats).
        if len(self._last_ints) >= _MAX_UNIQUE_HEADS:
            self._last_ints.clear()
        self._last_ints[key] = (value, field)
        return field

    def _int_head(self, key: str, varint_size: int) -> bytes:
        """Everything of an int attribute field before its varint (the value's bytes)."""
        by_size = self._int_heads.get(key)
        head = by_size.get(varint_size) if by_size is not None else None
        if head is None:
            key_field = self._key_field(key)
            pair_size = len(key_field) + len(_VALUE) + 1 + len(_INT) + varint_size
            head = (
                _RECORD_ATTRIBUTE
                + _length(pair_size)
                + key_field
                + _VALUE
                + _length(len(_INT) + varint_size)
                + _INT
            )
            if by_size is None:
                if len(self._int_heads) >= _MAX_UNIQUE_HEADS:
                    self._int_heads.clear()
                by_size = self._int_heads[key] = {}
            by_size[varint_size] = head
        return head

    def _remember(
        self, fields: dict[object, Any], key: object, value: object, field: bytes
    ) -> None:
        """Cache ``field`` for ``key=value``; past the bound, every cached pair is dropped."""
        if self._cached_pairs >= self._max_cached_pairs:
            self._str_fields.clear()
            self._int_fields.clear()
            self._bool_fields.clear()
            self._cached_pairs = 0
        by_value = fields.get(key)
        if by_value is None:
            by_value = fields[key] = {}
        by_value[value] = field
        self._cached_pairs += 1

    @staticmethod
    def _encode(key: str, value: object) -> bytes:
        """Encode one pair without the caches (``_field`` has already checked the key)."""
        try:
            return length_delimited(_RECORD_ATTRIBUTE, encode_key_value(key, value))
        except (TypeError, ValueError) as error:
            track_error("otlp_encode", f"attribute {key!r} skipped: {error}")
            return b""
