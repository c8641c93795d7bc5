"""Pre-encoded records: what hydra's emit path queues instead of a record snapshot.

Hydra's own emit path encodes a record once, on the calling thread, into its OTLP
``ScopeLogs.log_records`` field (see ``OTLPLogsEncoder.encode_log_field``). What waits
in the export queue is then a plain ``(field bytes, group id)`` tuple, where the group
id names the record's resource and instrumentation scope.

It is a plain tuple on purpose. Thousands of records wait in the queue at any moment
under load, and Python's cyclic garbage collector would otherwise track each one,
promote it through its generations and rescan it again and again: about 4 µs per record
measured on the log call itself. A tuple holding only bytes and an int is untracked by
the collector the first time it looks at it.
"""

from __future__ import annotations

import threading
from typing import Any, TypeAlias

from opentelemetry.sdk._logs import ReadableLogRecord

PreEncodedLogRecord: TypeAlias = tuple[bytes, int]
"""``(log_records field, group id)``; see :func:`pre_encoded` and :func:`group_of`."""

QueuedRecord: TypeAlias = ReadableLogRecord | PreEncodedLogRecord
"""What the export queue holds: a snapshot, or a record hydra's emit path encoded.

Batches of either go to the exporter as they are: pre-encoded records only reach
processors whose exporter is hydra's own (``FallbackExportProcessor.encodes_on_emit``).
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


def group_of(record: PreEncodedLogRecord) -> tuple[Any, Any]:
    """The ``(resource, instrumentation scope)`` of a pre-encoded record."""
    return _groups[record[1]]
