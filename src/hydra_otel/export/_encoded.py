"""Deferred and pre-encoded records: what hydra's emit path queues instead of a snapshot.

Hydra's own emit path (HydraLogger, the stdlib bridge) queues a record as a
*deferred* record: a plain tuple of its fields (:func:`deferred`), taken in well
under a microsecond on the calling thread. The export thread that takes it off the
queue encodes it into its OTLP ``ScopeLogs.log_records`` field (see
``OTLPLogsEncoder.encode_deferred_field``), so from there on it is a *pre-encoded*
record: a plain ``(field bytes, group id)`` tuple, where the group id names the
record's resource and instrumentation scope. A record whose body or attribute values
could still change after the call (a dict body, a list value) is encoded at once,
on the calling thread, straight into its pre-encoded form.

Both are plain tuples on purpose. Thousands of records wait in the queue at any moment
under load, and Python's cyclic garbage collector would otherwise track each one,
promote it through its generations and rescan it again and again: about 4 µs per record
measured on the log call itself. A tuple holding only bytes, str, ints, None and a
dict of such values is untracked by the collector the first time it looks at it.
"""

from __future__ import annotations

import threading
from typing import Any, TypeAlias

from opentelemetry._logs import SeverityNumber
from opentelemetry.sdk._logs import ReadableLogRecord

PreEncodedLogRecord: TypeAlias = tuple[bytes, int]
"""``(log_records field, group id)``; see :func:`pre_encoded` and :func:`group_of`."""

DeferredLogRecord: TypeAlias = tuple[Any, ...]
"""The fields of an API ``LogRecord`` in one flat tuple, in this order: ``(timestamp,
observed_timestamp, severity number as int, severity_text, body, trace_id, span_id,
trace_flags as int, event_name, group id, key, value, key, value, ...)``, the
attributes last, as alternating keys and values; see :func:`defer`.

Flat, so that it holds no container: Python's collector never stops tracking a tuple
that holds a dict (even an untracked one), and keeps promoting it to older
generations, whose collections then take milliseconds."""

DEFERRED_GROUP = 9
"""Index of the group id in a deferred record."""
DEFERRED_ATTRIBUTES = 10
"""Index of the first attribute key in a deferred record."""


def is_deferred(record: object) -> bool:
    """True for a deferred record (a pre-encoded one is a 2-tuple, a snapshot no tuple)."""
    return type(record) is tuple and len(record) >= DEFERRED_ATTRIBUTES


QueuedRecord: TypeAlias = ReadableLogRecord | PreEncodedLogRecord | DeferredLogRecord
"""What the export queue holds: a snapshot, or a record from hydra's emit path.

Deferred records never leave the queue as they are: taking them off it encodes them
(``Ledger.take_queue``). Batches of snapshots and pre-encoded records go to the
exporter as they are: pre-encoded records only reach processors whose exporter is
hydra's own (``FallbackExportProcessor.encodes_on_emit``).
"""

_groups: list[tuple[Any, Any]] = []
"""Every (resource, scope) pair seen, by group id; kept for the life of the process,
since queued records refer to them (a program has a handful: one per layer)."""
_group_ids: dict[tuple[int, int], int] = {}
_lock = threading.Lock()


def group_id(resource: Any, scope: Any) -> int:
    """The id of the (resource, scope) pair, compared by identity; created on first use."""
    key = (id(resource), id(scope))
    found = _group_ids.get(key)
    if found is not None:
        return found
    with _lock:
        found = _group_ids.get(key)
        if found is None:
            found = len(_groups)
            _groups.append((resource, scope))  # holding them keeps their ids unique
            _group_ids[key] = found
        return found


def pre_encoded(field: bytes, resource: Any, scope: Any) -> PreEncodedLogRecord:
    """A queue entry for a record encoded as ``field`` under ``resource`` and ``scope``."""
    return (field, group_id(resource, scope))


_IMMUTABLE_VALUE_TYPES = frozenset((str, int, float, bool))
_DEFERRED_BYTES = 192
"""Approximate memory of a deferred record besides its text: the tuple."""
_DEFERRED_ITEM_BYTES = 16
"""Per attribute key or value: its slot in the tuple, and a share of what it holds."""


def defer(log: Any, group: int, own_key: str) -> tuple[DeferredLogRecord, int] | None:
    """``(deferred record, approximate size)`` of an API ``LogRecord``.

    None when something in it could still change after the call (a body that is not a
    str, an attribute value that is not a str, bool, int or float), when its severity
    is not a ``SeverityNumber``, or when it already has an ``own_key`` attribute (its
    own ``log.record.uid``; the export thread gives every deferred record a new one).
    """
    body = log.body
    number = log.severity_number
    if type(body) is not str or type(number) is not SeverityNumber:
        return None
    flags = log.trace_flags
    fields = [
        log.timestamp,
        log.observed_timestamp,
        number._value_,
        log.severity_text,
        body,
        log.trace_id,
        log.span_id,
        int(flags) if flags else 0,
        log.event_name,
        group,
    ]
    attributes = log.attributes
    if attributes:
        if type(attributes) is not dict or own_key in attributes:
            return None
        for item in attributes.items():
            if type(item[1]) not in _IMMUTABLE_VALUE_TYPES:
                return None
            fields += item
    size = _DEFERRED_BYTES + len(body) + _DEFERRED_ITEM_BYTES * (len(fields) - DEFERRED_ATTRIBUTES)
    return tuple(fields), size


def group_of(record: PreEncodedLogRecord) -> tuple[Any, Any]:
    """The ``(resource, instrumentation scope)`` of a pre-encoded record."""
    return _groups[record[1]]
