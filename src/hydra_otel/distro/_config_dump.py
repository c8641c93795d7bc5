"""HYDRA_LOG_CONFIG_DUMP: print the effective configuration once, secrets masked.

Masked: every OTLP header value (they usually carry credentials), passwords in URLs,
and the value of any key that looks like a credential (authorization, api-key, token,
secret, password, …), wherever it appears.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any, TextIO
from urllib.parse import urlsplit, urlunsplit

from pydantic import SecretStr

MASK = "***"
SENSITIVE_KEY = re.compile(
    r"authori[sz]ation|api[-_.]?key|apikey|access[-_.]?key|private[-_.]?key|hmac|token|"
    r"secret|passw(or)?d|passwd|pwd|credential|cookie|session[-_.]?id|signature",
    re.IGNORECASE,
)
_HEADERS_VARIABLE = re.compile(r"^OTEL_EXPORTER_OTLP_(\w+_)?HEADERS$")
_HEADERS_KEY = re.compile(r"headers$", re.IGNORECASE)
_ATTRIBUTES_VARIABLE = re.compile(r"^OTEL_\w*RESOURCE_ATTRIBUTES$")

_printed_lock = threading.Lock()
_printed: list[bool] = [False]


def mask_secrets(value: Any, key: str = "") -> Any:
    """Return ``value`` with credentials replaced by ``***``, recursing into containers.

    Args:
        value: a configuration value (mapping, sequence, string, number…).
        key: the name ``value`` is stored under; a credential-like name masks it whole.
    """
    if isinstance(value, SecretStr) or (
        key and SENSITIVE_KEY.search(key) and value not in (None, "")
    ):
        return MASK
    if _HEADERS_VARIABLE.match(key) and isinstance(value, str):
        return mask_header_list(value)
    if _ATTRIBUTES_VARIABLE.match(key) and isinstance(value, str):
        return _mask_pairs(value, lambda name: bool(SENSITIVE_KEY.search(name)))
    if _HEADERS_KEY.search(key) and isinstance(value, Mapping):
        return {str(name): MASK for name in value}
    if isinstance(value, Mapping):
        return {str(k): mask_secrets(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_secrets(item) for item in value]
    if isinstance(value, str) and "://" in value:
        return mask_url_password(value)
    return value


def mask_header_list(headers: str) -> str:
    """Mask every value of an ``OTEL_EXPORTER_OTLP_HEADERS``-style ``k=v,k2=v2`` list."""
    return _mask_pairs(headers, lambda _name: True)


def _mask_pairs(pairs: str, sensitive: Callable[[str], bool]) -> str:
    masked = []
    for pair in pairs.split(","):
        name, separator, _value = pair.partition("=")
        name = name.strip()
        if not pair.strip():
            continue
        if not separator:
            masked.append(MASK)  # a malformed entry may be a bare secret
        elif sensitive(name):
            masked.append(f"{name}={MASK}")
        else:
            masked.append(pair.strip())
    return ",".join(masked)


def mask_url_password(url: str) -> str:
    """Replace the password of ``scheme://user:password@host`` with ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password is None:
        return url
    netloc = f"{parts.username}:{MASK}@{parts.hostname or ''}"
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def render_configuration(configuration: Mapping[str, Any]) -> str:
    """Return the masked configuration as the text the dump prints."""
    body = json.dumps(mask_secrets(configuration), indent=2, sort_keys=True, default=str)
    return f"hydra-otel: effective configuration\n{body}\n"


def dump_configuration_once(configuration: Mapping[str, Any], stream: TextIO | None = None) -> bool:
    """Print the masked configuration to ``stream`` (stderr), the first time only.

    Returns:
        True when this call printed it.
    """
    with _printed_lock:
        if _printed[0]:
            return False
        _printed[0] = True
    target = sys.stderr if stream is None else stream
    target.write(render_configuration(configuration))
    target.flush()
    return True
