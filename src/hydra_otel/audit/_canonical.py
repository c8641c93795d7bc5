"""The exact bytes an audit MAC covers, computable both in-process and from a file.

A record is reduced to a canonical JSON document — severity number, event name, layer,
message and attributes (all but ``hydra.layer``, which formats hoist into a field of its
own, and the MAC itself) — serialised with sorted keys and no spaces. Values are
normalised the way the JSON-lines format writes them, so the verifier, reading that
file back, rebuilds the very same bytes: tuples become lists, bytes become UTF-8 text
(invalid bytes backslash-escaped), non-finite floats become their ``str``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections.abc import Mapping
from typing import Any

CATEGORY_ATTRIBUTE = "hydra.category"
LAYER_ATTRIBUTE = "hydra.layer"
DEFAULT_LAYER = "DEFAULT"
CHAIN = "hydra.audit.chain"
SEQ = "hydra.audit.seq"
PREV = "hydra.audit.prev"
TIME = "hydra.audit.time"
MAC = "hydra.audit.mac"
GENESIS = "0" * 64
"""``hydra.audit.prev`` of the first record of a chain."""

AUDIT_CATEGORIES: frozenset[str] = frozenset({"security", "audit", "compliance"})
"""``hydra.category`` values whose records join the chain by default."""

_MAX_DEPTH = 16


def normalise(value: Any, depth: int = 0) -> Any:
    """A JSON-ready copy of an attribute or body value (see the module docstring)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "backslashreplace")
    if depth >= _MAX_DEPTH:
        return "..."
    if isinstance(value, Mapping):
        return {str(k): normalise(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [normalise(item, depth + 1) for item in value]
    return str(value)


def message_of(body: Any) -> str:
    """The body as one string: text as is, structures as sorted compact JSON."""
    if isinstance(body, str):
        return body
    if body is None:
        return ""
    if isinstance(body, (Mapping, list, tuple)):
        return _dumps(normalise(body))
    return str(normalise(body))


def canonical_bytes(
    *,
    message: str,
    severity_number: int,
    event_name: str | None,
    layer: str,
    attributes: Mapping[str, Any],
) -> bytes:
    """The bytes the MAC covers."""
    covered = {k: normalise(v) for k, v in attributes.items() if k not in (MAC, LAYER_ATTRIBUTE)}
    document = {
        "attributes": covered,
        "event": event_name or "",
        "layer": layer,
        "message": message,
        "severity": int(severity_number),
        "v": 1,
    }
    return _dumps(document).encode("utf-8", "surrogatepass")


def compute_mac(key: bytes, canonical: bytes) -> str:
    """HMAC-SHA256 of ``canonical`` under ``key``, hex."""
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
