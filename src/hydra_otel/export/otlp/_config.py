"""Reading the standard ``OTEL_EXPORTER_OTLP_*`` variables with the SDK exporters' semantics.

Precedence, as in opentelemetry-python: a constructor argument wins, then the
logs-specific variable (``OTEL_EXPORTER_OTLP_LOGS_*``), then the generic one
(``OTEL_EXPORTER_OTLP_*``), then the default. Timeouts are seconds, as the Python SDK
reads them. An unreadable value falls back to the default and is reported once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

from opentelemetry.util.re import parse_env_headers

from hydra_otel.core import track_error
from hydra_otel.version import __version__

DEFAULT_TIMEOUT = 10.0
DEFAULT_HTTP_ENDPOINT = "http://localhost:4318"
DEFAULT_GRPC_ENDPOINT = "http://localhost:4317"
LOGS_PATH = "v1/logs"
USER_AGENT = f"hydra-otel/{__version__}"
COMPRESSIONS = ("none", "gzip", "deflate")

HeadersArg = Mapping[str, str] | Sequence[tuple[str, str]] | str | None
"""Headers as a mapping, a sequence of pairs, or the ``k=v,k2=v2`` text of the env vars."""


def env(name: str) -> str | None:
    """Return ``OTEL_EXPORTER_OTLP_LOGS_<name>``, else ``OTEL_EXPORTER_OTLP_<name>``, else None."""
    return os.environ.get(f"OTEL_EXPORTER_OTLP_LOGS_{name}") or os.environ.get(
        f"OTEL_EXPORTER_OTLP_{name}"
    )


def resolve_http_endpoint(endpoint: str | None) -> str:
    """The argument or ``..._LOGS_ENDPOINT`` as is, else ``OTEL_EXPORTER_OTLP_ENDPOINT``/v1/logs."""
    if endpoint:
        return endpoint
    specific = os.environ.get("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT")
    if specific:
        return specific
    base = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or DEFAULT_HTTP_ENDPOINT
    return f"{base.removesuffix('/')}/{LOGS_PATH}"


def resolve_grpc_target(endpoint: str | None, insecure: bool | None) -> tuple[str, bool]:
    """Return ``(host:port, insecure)`` as the SDK's gRPC exporter derives them.

    ``https://`` forces TLS; otherwise the argument, then ``..._INSECURE``, then the
    scheme (``http://`` means plaintext) decide.
    """
    url = endpoint or env("ENDPOINT") or DEFAULT_GRPC_ENDPOINT
    parsed = urlparse(url)
    if parsed.scheme == "https":
        insecure = False
    if insecure is None:
        flag = env("INSECURE")
        insecure = flag.strip().lower() == "true" if flag is not None else parsed.scheme == "http"
    return (parsed.netloc or url), insecure


def resolve_timeout(timeout: float | None) -> float:
    """Seconds for one attempt: the argument, ``..._TIMEOUT`` or 10."""
    if timeout is not None:
        return float(timeout)
    raw = env("TIMEOUT")
    if raw is None:
        return DEFAULT_TIMEOUT
    try:
        return float(raw)
    except ValueError:
        track_error("otlp_config", f"invalid OTLP timeout {raw!r}, using {DEFAULT_TIMEOUT}s")
        return DEFAULT_TIMEOUT


def resolve_compression(compression: str | None) -> str:
    """``none``, ``gzip`` or ``deflate``: the argument or ``..._COMPRESSION``."""
    value = (compression or env("COMPRESSION") or "none").strip().lower()
    if value not in COMPRESSIONS:
        track_error("otlp_config", f"unsupported OTLP compression {value!r}, sending uncompressed")
        return "none"
    return value


def _header_pairs(headers: HeadersArg) -> dict[str, str]:
    if headers is None:
        return {}
    if isinstance(headers, str):
        return dict(parse_env_headers(headers, liberal=True))
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {str(key).lower(): str(value) for key, value in items}


def resolve_headers(headers: HeadersArg) -> dict[str, str]:
    """Lower-cased headers: ``..._HEADERS`` overridden by the argument's entries."""
    resolved = _header_pairs(env("HEADERS"))
    resolved.update(_header_pairs(headers))
    return resolved


@dataclass(frozen=True, slots=True)
class TlsFiles:
    """Certificate paths for TLS: the CA bundle and the client's certificate and key."""

    certificate: str | None
    client_certificate: str | None
    client_key: str | None


def resolve_tls_files(
    certificate_file: str | None,
    client_certificate_file: str | None,
    client_key_file: str | None,
) -> TlsFiles:
    """Arguments, then ``..._CERTIFICATE``, ``..._CLIENT_CERTIFICATE``, ``..._CLIENT_KEY``."""
    return TlsFiles(
        certificate=certificate_file or env("CERTIFICATE"),
        client_certificate=client_certificate_file or env("CLIENT_CERTIFICATE"),
        client_key=client_key_file or env("CLIENT_KEY"),
    )
