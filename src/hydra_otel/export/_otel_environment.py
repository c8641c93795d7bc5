"""The SDK's ``OTEL_BLRP_*`` variables, read for the FallbackExportProcessor.

The FallbackExportProcessor takes the place of the SDK's BatchLogRecordProcessor, so the
variables that tune that one keep their meaning here: the delay between two exports of a
partial batch, the export timeout, the queue size and the most records per export.
They are read when set; unset, hydra's own defaults apply. A ``HYDRA_*`` setting for the
same knob (``HYDRA_QUEUE_MAX_RECORDS``) is more specific and wins.

Values the SDK would refuse (not an integer, not positive, a batch larger than the
queue) raise :class:`~hydra_otel.core.ConfigurationError` naming the variable, like a
bad ``HYDRA_*`` value does.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from hydra_otel.core import ConfigurationError

SCHEDULE_DELAY = "OTEL_BLRP_SCHEDULE_DELAY"
EXPORT_TIMEOUT = "OTEL_BLRP_EXPORT_TIMEOUT"
MAX_QUEUE_SIZE = "OTEL_BLRP_MAX_QUEUE_SIZE"
MAX_EXPORT_BATCH_SIZE = "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE"

_OPTION_OF: dict[str, tuple[str, float | None]] = {
    SCHEDULE_DELAY: ("schedule_delay", 1000.0),  # milliseconds in OTel, seconds here
    EXPORT_TIMEOUT: ("export_timeout", 1000.0),
    MAX_QUEUE_SIZE: ("max_queue_records", None),
    MAX_EXPORT_BATCH_SIZE: ("max_batch_size", None),
}


def batch_processor_options(
    environ: Mapping[str, str] | None = None, skip: frozenset[str] = frozenset()
) -> dict[str, float | int]:
    """FallbackExportOptions changes the ``OTEL_BLRP_*`` variables of ``environ`` ask for.

    Args:
        environ: the environment (default ``os.environ``).
        skip: option names already set more specifically (by ``HYDRA_*`` settings).

    Raises:
        ConfigurationError: a variable is not a positive integer, or the batch size
            exceeds the queue size (both as the SDK's batch processor refuses them).
    """
    environ = os.environ if environ is None else environ
    changes: dict[str, float | int] = {}
    for variable, (option, per_second) in _OPTION_OF.items():
        raw = environ.get(variable, "").strip()
        if not raw or option in skip:
            continue
        try:
            number = int(raw)
        except ValueError:
            raise ConfigurationError(f"{variable} must be an integer (got {raw!r})") from None
        if number <= 0:
            raise ConfigurationError(f"{variable} must be positive (got {raw!r})")
        changes[option] = number / per_second if per_second else number
    batch = changes.get("max_batch_size")
    queue = changes.get("max_queue_records")
    if batch is not None and queue is not None and batch > queue:
        raise ConfigurationError(
            f"{MAX_EXPORT_BATCH_SIZE} ({batch}) must not exceed {MAX_QUEUE_SIZE} ({queue})"
        )
    return changes
