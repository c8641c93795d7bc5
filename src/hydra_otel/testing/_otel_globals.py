"""Undo the OpenTelemetry API's set-once global providers between tests."""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Iterator
from typing import Any

from opentelemetry import trace
from opentelemetry._logs import _internal as logs_internal
from opentelemetry.metrics import _internal as metrics_internal
from opentelemetry.util._once import Once


def reset_otel_globals() -> None:
    """Forget the global logger, tracer, meter (and event logger) providers.

    The API lets each global provider be set only once per process. Tests that
    install providers repeatedly call this (the ``hydra_otel`` test suite does
    it after every test) so the next ``set_*_provider`` takes effect again.
    Proxies handed out earlier (``get_logger``/``get_tracer``/``get_meter``
    before any provider was set) stay valid and resolve to whichever provider is
    installed next; the meter proxy is detached from the previous provider.
    Providers are not shut down: that stays the job of whoever created them.
    """
    logs_internal._LOGGER_PROVIDER = None
    logs_internal._LOGGER_PROVIDER_SET_ONCE = Once()
    trace._TRACER_PROVIDER = None
    trace._TRACER_PROVIDER_SET_ONCE = Once()
    metrics_internal._METER_PROVIDER = None
    metrics_internal._METER_PROVIDER_SET_ONCE = Once()
    _detach_meter_proxy(metrics_internal._PROXY_METER_PROVIDER)
    _reset_event_logger_provider()


def _detach_meter_proxy(proxy: Any) -> None:
    """Make the proxy meter provider behave as if no real provider had been set."""
    with proxy._lock:
        proxy._real_meter_provider = None
        for meter in proxy._meters:
            meter._real_meter = None
            for instrument in getattr(meter, "_instruments", ()):
                instrument._real_instrument = None


def _reset_event_logger_provider() -> None:
    """The Events API exists only in some API versions; reset it when present."""
    try:
        events = importlib.import_module("opentelemetry._events")
    except ImportError:
        return
    if hasattr(events, "_EVENT_LOGGER_PROVIDER"):
        setattr(events, "_EVENT_LOGGER_PROVIDER", None)  # noqa: B010
        setattr(events, "_EVENT_LOGGER_PROVIDER_SET_ONCE", Once())  # noqa: B010


@contextlib.contextmanager
def isolated_logging_state() -> Iterator[None]:
    """Undo, on exit, what the enclosed code did to process-wide logging state.

    On exit the OTel global providers are reset (:func:`reset_otel_globals`),
    handlers added to the root stdlib logger are removed (not closed: their
    owner may still use them) and the root logger's level is restored.
    """
    root = logging.getLogger()
    handlers_before = list(root.handlers)
    level_before = root.level
    try:
        yield
    finally:
        reset_otel_globals()
        for handler in list(root.handlers):
            if handler not in handlers_before:
                root.removeHandler(handler)
        root.setLevel(level_before)
