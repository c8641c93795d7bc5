"""AuditChainProcessor: links security/audit/compliance records into a keyed hash chain.

Each record of an audit category gets four attributes and a MAC over its content::

    hydra.audit.chain  random id of this chain (new per process, and after fork)
    hydra.audit.seq    1, 2, 3 … within the chain
    hydra.audit.prev   the previous record's MAC (64 zeros for the first)
    hydra.audit.time   the record's timestamp in ns (so the time is covered too)
    hydra.audit.mac    HMAC-SHA256(key, canonical content incl. the four above)

Deleting, reordering, inserting or altering a record then breaks the chain in a way
``hydra-otel audit verify`` reports. Place it after every processor that changes records
(redaction first) and before export. Records reach the next processor in chain order
only if that processor is passed as ``next_processor`` (it is then called under the
chain lock); otherwise concurrent threads may hand linked records to the exporter out of
order, which the verifier reports as reordering.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
import weakref
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from opentelemetry.sdk._logs import LogRecordProcessor, ReadWriteLogRecord

from hydra_otel.audit._canonical import (
    AUDIT_CATEGORIES,
    CATEGORY_ATTRIBUTE,
    CHAIN,
    DEFAULT_LAYER,
    GENESIS,
    LAYER_ATTRIBUTE,
    MAC,
    PREV,
    SEQ,
    TIME,
    canonical_bytes,
    compute_mac,
    message_of,
)
from hydra_otel.core import ConfigurationError, track_error

if TYPE_CHECKING:
    from hydra_otel.config import HydraSettings


class AuditChainProcessor(LogRecordProcessor):
    """Adds a tamper-evident, keyed hash chain to audit-category log records.

    Args:
        key: the secret MAC key (HYDRA_AUDIT_KEY); ``str`` is UTF-8 encoded.
        categories: ``hydra.category`` values that join the chain.
        next_processor: optional processor called for every record after this one,
            under the chain lock for chained records, so export order is chain order.
    """

    def __init__(
        self,
        key: bytes | str,
        *,
        categories: Collection[str] = AUDIT_CATEGORIES,
        next_processor: LogRecordProcessor | None = None,
    ) -> None:
        key_bytes = key.encode() if isinstance(key, str) else bytes(key)
        if not key_bytes:
            raise ConfigurationError("audit chain: the key must not be empty (HYDRA_AUDIT_KEY)")
        self._key = key_bytes
        self._categories = frozenset(categories)
        self._next = next_processor
        self._lock = threading.Lock()
        self._restart_chain()
        reference = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: _restart(reference))

    @classmethod
    def from_settings(
        cls, settings: HydraSettings | None = None, **kwargs: Any
    ) -> AuditChainProcessor:
        """A processor keyed from HYDRA_AUDIT_KEY; ConfigurationError when it is unset."""
        from hydra_otel.config import load_settings

        current = settings if settings is not None else load_settings()
        if current.audit_key is None:
            raise ConfigurationError("audit chain: HYDRA_AUDIT_KEY is not set")
        return cls(current.audit_key.get_secret_value(), **kwargs)

    @property
    def chain_id(self) -> str:
        """The id of the chain records currently join."""
        return self._chain

    def _restart_chain(self) -> None:
        self._lock = threading.Lock()
        self._chain = uuid.uuid4().hex
        self._seq = 0
        self._prev = GENESIS

    def on_emit(self, log_record: ReadWriteLogRecord) -> None:
        """Chain ``log_record`` when its category is an audit one; pass it on."""
        record = log_record.log_record
        attributes = record.attributes
        category = attributes.get(CATEGORY_ATTRIBUTE) if attributes else None
        if category not in self._categories or attributes is None:
            self._forward(log_record)
            return
        with self._lock:
            try:
                self._link(record, attributes)
            except Exception as exc:
                track_error("audit_chain", f"could not chain a record ({type(exc).__name__})")
            self._forward(log_record)

    def _link(self, record: Any, attributes: Any) -> None:
        seq = self._seq + 1
        attributes[CHAIN] = self._chain
        attributes[SEQ] = seq
        attributes[PREV] = self._prev
        attributes[TIME] = record.timestamp or record.observed_timestamp or time.time_ns()
        severity = record.severity_number
        canonical = canonical_bytes(
            message=message_of(record.body),
            severity_number=0 if severity is None else severity.value,
            event_name=record.event_name,
            layer=str(attributes.get(LAYER_ATTRIBUTE, DEFAULT_LAYER)),
            attributes=attributes,
        )
        mac = compute_mac(self._key, canonical)
        attributes[MAC] = mac
        self._seq, self._prev = seq, mac

    def _forward(self, log_record: ReadWriteLogRecord) -> None:
        if self._next is not None:
            try:
                self._next.on_emit(log_record)
            except Exception as exc:
                track_error("audit_chain", f"next processor failed ({type(exc).__name__})")

    def shutdown(self) -> None:
        """Shut the next processor down, if any."""
        if self._next is not None:
            self._next.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Flush the next processor, if any."""
        return self._next.force_flush(timeout_millis) if self._next is not None else True


def _restart(reference: weakref.ref[AuditChainProcessor]) -> None:
    processor = reference()
    if processor is not None:
        processor._restart_chain()
