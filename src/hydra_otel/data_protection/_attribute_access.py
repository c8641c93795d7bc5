"""Reading and writing a record's attributes without the SDK's per-item re-validation.

Records emitted through the SDK's ``Logger.emit`` hold ``BoundedAttributes``: its
``copy()`` and ``__setitem__`` validate every value again under a lock, which costs
more than the redaction itself on a typical record. Redaction reads the plain dict
inside (see ``DataSanitizer._attributes``) and writes strings and counts that are valid
as they are, so when the limits cannot be crossed it writes that dict too; otherwise it
takes the public path, and the SDK applies its limits and counts drops exactly as always.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from opentelemetry.attributes import BoundedAttributes


def writable(attributes: MutableMapping[str, Any], new_keys: int = 0) -> MutableMapping[str, Any]:
    """Where to write ``new_keys`` more attributes (and replacements) of valid values.

    The plain dict inside ``BoundedAttributes`` when it is mutable, has no value-length
    limit and room for the new keys; else ``attributes`` itself.
    """
    kind = type(attributes)
    if kind is dict:
        return attributes
    if kind is BoundedAttributes:  # the SDK's own: its fields read directly (per record)
        bounded: Any = attributes
        inner, maxlen = bounded._dict, bounded.maxlen
        if bounded._immutable or bounded.max_value_len is not None or type(inner) is not dict:
            return attributes
    else:
        inner = getattr(attributes, "_dict", None)
        if type(inner) is not dict or getattr(attributes, "_immutable", True):
            return attributes
        if getattr(attributes, "max_value_len", None) is not None:
            return attributes
        maxlen = getattr(attributes, "maxlen", None)
    if maxlen is not None and len(inner) + new_keys > maxlen:
        return attributes
    return inner
