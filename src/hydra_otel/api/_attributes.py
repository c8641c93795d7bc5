"""Turning ``extra`` values of any type into valid OTel attribute values.

Primitives and homogeneous sequences of primitives pass through as they are.
Everything else is serialized rather than dropped: dicts, dataclasses, pydantic
models, mixed sequences and None become JSON text; datetimes ISO 8601 text; other
objects their ``str()``. Bytes stay bytes (an OTLP AnyValue carries them).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import json
from collections.abc import Mapping
from typing import Any

from opentelemetry.util.types import AttributeValue

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_PRIMITIVES = (str, bool, int, float)


def to_attribute_value(value: Any) -> AttributeValue:
    """Return ``value`` as an OTel attribute value, serializing what OTel can't carry."""
    kind = type(value)
    if kind is str or kind is bool or kind is float:
        return value  # type: ignore[no-any-return]
    if kind is int:
        return value if _INT64_MIN <= value <= _INT64_MAX else str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return _sequence_value(value)
    if isinstance(value, enum.Enum):
        return to_attribute_value(value.value)
    if kind is bytes:
        return value  # type: ignore[no-any-return]
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if value is None or _is_structured(value):
        return _to_json_or_text(value)
    return _safe_str(value)


def to_attributes(extra: Mapping[str, Any] | None) -> dict[str, AttributeValue]:
    """Convert a mapping of ``extra`` fields; keys become strings, no value is dropped."""
    if not extra:
        return {}
    attributes: dict[str, AttributeValue] = {}
    for key, value in extra.items():
        kind = type(value)
        name = key if type(key) is str else str(key)
        plain = kind is str or kind is bool or kind is float
        if plain or (kind is int and _INT64_MIN <= value <= _INT64_MAX):  # no call: the usual
            attributes[name] = value
        else:
            attributes[name] = to_attribute_value(value)
    return attributes


def _is_structured(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        or (dataclasses.is_dataclass(value) and not isinstance(value, type))
        or callable(getattr(value, "model_dump", None))
    )


def _sequence_value(values: Any) -> AttributeValue:
    items = sorted(values, key=repr) if isinstance(values, (set, frozenset)) else list(values)
    if not items:
        return ()
    first = type(items[0])
    if first in _PRIMITIVES and all(type(item) is first for item in items):
        if first is int and not all(_INT64_MIN <= item <= _INT64_MAX for item in items):
            return _to_json_or_text(items)
        return tuple(items)
    return _to_json_or_text(items)


def _to_json_or_text(value: Any) -> str:
    try:
        return json.dumps(value, default=_json_default, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return _safe_str(value)


def _json_default(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    model_dump = getattr(value, "model_dump", None)
    if callable(model_dump):
        return model_dump(mode="json")
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    return _safe_str(value)


def _safe_str(value: Any) -> str:
    try:
        return str(value)
    except Exception:
        return f"<unprintable {type(value).__name__}>"
