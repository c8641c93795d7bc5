"""FallbackExportOptions: every knob of the fallback export processor, with its reason."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from opentelemetry.metrics import MeterProvider

    from hydra_otel.config import HydraSettings
    from hydra_otel.export._spool import SqliteSpool

StrategyName = Literal["async", "sync", "direct", "memory"]
"""The four export paths; see :class:`FallbackExportProcessor`."""

StrategyChoice = Literal["auto", "async", "sync", "direct", "memory"]
"""A strategy, or ``auto`` to pick one from measured health."""

SpoolFullPolicy = Literal["drop_oldest", "drop_newest"]
"""What the spool does at its size cap; both count what they drop."""


@dataclass(frozen=True, slots=True)
class FallbackExportOptions:
    """Options of :class:`FallbackExportProcessor`.

    Defaults come from ``HYDRA_*`` settings through :meth:`from_settings`; the timing
    defaults are chosen so a record accepted by ``on_emit`` is either exported or on
    disk within about 200 ms whenever the collector is slow or down.
    """

    strategy: StrategyChoice = "auto"
    """``auto`` chooses from health; any other value pins that strategy (``sync`` suits
    platforms that freeze background threads between requests, such as AWS Lambda)."""
    max_queue_records: int = 16384
    """Records held in memory for the sender (queued or handed over); past this new
    records are dropped (``queue_full``)."""
    max_queue_bytes: int = 32 * 1024 * 1024
    """Approximate bytes the in-memory queue holds (body, attributes and object overhead)."""
    yield_when_busy: bool = True
    """Once the queue is half full, ``on_emit`` gives its thread's turn to the export threads
    (``time.sleep(0)``: no I/O, no lock held). A producer faster than the exporter is then
    slowed a little instead of having its records dropped at the queue's limit."""
    max_wait_when_full: float = 1.0
    """Seconds a caller may wait for room instead of a record being dropped at the queue's
    limit. Without a spool (file and console destinations) callers wait from half the
    limit: a producer faster than the disk is slowed, as a plain FileHandler would slow
    it, and nothing is lost. With a spool they wait only past 7/8, when the intake has
    not had a turn to move the backlog to disk (it does so at 3/4). A writer that made no
    progress during a whole wait (a hung disk) is not waited for again until it does.
    0 never waits."""
    max_batch_size: int = 4096
    """Most records per export request and per spool row. Larger than the SDK batch
    processor's 512: under load every request costs the export threads several turns
    of the GIL, each one a pause for the application's threads, so fewer requests mean
    a shorter tail latency for the log calls (at 60k records/s, 4096 instead of 2048
    made 40% fewer requests); a quiet app still sends every ``schedule_delay``."""
    full_batches_only: bool = True
    """Under load (a full batch queued), send only full batches and leave the partial
    rest for the next one or the next ``schedule_delay`` round: fewer requests, each
    costing the export threads the same turns of the GIL. False sends whatever is
    queued at once (console and file, where a batch is one write)."""
    max_batch_bytes: int = 2 * 1024 * 1024
    """Most (approximate, memory-sized) bytes per export request: the wire size is
    smaller, and well under the 4 MiB a collector's OTLP/gRPC receiver accepts by
    default."""
    schedule_delay: float = 0.05
    """Seconds the intake waits for a full batch before sending a partial one."""
    spool_after: float = 0.08
    """A batch still unsent after this many seconds is also written to the spool, so a
    producer crash while the collector is slow or hung loses at most about 200 ms."""
    max_attempts: int = 3
    """Attempts per live batch before it is spooled for later replay."""
    initial_backoff: float = 0.1
    """First retry delay in seconds; doubled per attempt, with jitter."""
    max_backoff: float = 5.0
    """Longest wait between attempts, and between probes of a collector that is down."""
    jitter: float = 0.2
    """Relative randomisation of each delay (0.2 = +/-20%), so processes do not retry in step."""
    export_timeout: float = 10.0
    """An export running longer than this is treated as hung: the collector is marked
    unhealthy and new batches go to the spool instead of waiting behind it."""
    latency_limit: float = 2.0
    """An export p99 latency above this many seconds marks the collector unhealthy."""
    redeliver_window: float = 0.05
    """Seconds of acknowledged batches resent when the collector then stops answering,
    because it may have died before forwarding them (see :mod:`._redelivery`); set it
    to the collector's batch timeout plus its export latency, 0 to disable."""
    redeliver_max_records: int = 4096
    """Most records kept for redelivery."""
    trip_failures: int = 2
    """Consecutive failed attempts that mark the collector unhealthy."""
    recover_successes: int = 2
    """Consecutive successful attempts needed to go back to ``async`` (hysteresis)."""
    min_dwell: float = 0.5
    """Least seconds between two automatic strategy switches, against flapping."""
    spool_enabled: bool = True
    """Keep unsent records in a crash-safe sqlite spool; False leaves only the memory ring."""
    spool_dir: Path | None = None
    """Spool directory; None means ``HYDRA_SPOOL_DIR`` (default under the user cache dir)."""
    spool_name: str | None = None
    """Sub-directory per application, so apps sharing a spool dir only replay their own
    leftovers; None means the ``service.name`` of the SDK's default resource."""
    spool_max_bytes: int = 256 * 1024 * 1024
    """Size cap of this process's spool rows; see ``spool_full_policy``."""
    spool_full_policy: SpoolFullPolicy = "drop_oldest"
    """At the cap, ``drop_oldest`` keeps the newest records (what explains the present
    state after a long outage); ``drop_newest`` keeps the start of the outage."""
    memory_max_records: int = 50_000
    """Records the last-resort memory ring holds (used when the spool is unusable)."""
    memory_max_bytes: int = 64 * 1024 * 1024
    """Approximate bytes the memory ring holds; the oldest batch goes first."""
    shutdown_timeout: float = 10.0
    """Seconds ``shutdown()`` may take even with the collector down; unsent records are spooled."""
    add_record_uid: bool = True
    """Give each record a ``log.record.uid`` attribute so duplicates of at-least-once
    delivery can be removed downstream."""
    publish_metrics: bool = True
    """Publish :meth:`FallbackExportProcessor.metrics` as OTel observable instruments."""
    meter_provider: MeterProvider | None = None
    """Meter provider for those instruments; None means the global one."""
    spool: SqliteSpool | None = None
    """A spool to use instead of opening one under ``spool_dir`` (tests, custom paths)."""

    def __post_init__(self) -> None:
        _require(self.strategy in ("auto", "async", "sync", "direct", "memory"), "strategy")
        _require(self.spool_full_policy in ("drop_oldest", "drop_newest"), "spool_full_policy")
        for name in _POSITIVE:
            _require(getattr(self, name) > 0, name)
        for name in _NOT_NEGATIVE:
            _require(getattr(self, name) >= 0, name)
        _require(0 <= self.jitter < 1, "jitter")
        _require(self.max_backoff >= self.initial_backoff, "max_backoff")

    @classmethod
    def from_settings(cls, settings: HydraSettings | None = None) -> FallbackExportOptions:
        """Build options from ``HYDRA_*`` settings (read from the environment when None)
        and the SDK's ``OTEL_BLRP_*`` batch variables (see :mod:`._otel_environment`)."""
        from hydra_otel.export._otel_environment import batch_processor_options

        if settings is None:
            from hydra_otel.config import load_settings

            settings = load_settings()
        hydra_set = frozenset(
            {"max_queue_records"} if "queue_max_records" in settings.model_fields_set else ()
        )
        options = cls(
            strategy=settings.export_strategy,
            max_queue_records=settings.queue_max_records,
            max_queue_bytes=settings.queue_max_bytes,
            spool_dir=settings.spool_dir,
            spool_max_bytes=settings.spool_max_bytes,
            shutdown_timeout=settings.shutdown_timeout,
        )
        changes = batch_processor_options(skip=hydra_set)
        if "max_batch_size" in changes and "max_queue_records" not in changes:
            changes["max_batch_size"] = min(changes["max_batch_size"], options.max_queue_records)
        return options.evolve(**changes) if changes else options

    def evolve(self, **changes: object) -> FallbackExportOptions:
        """Return a copy with ``changes`` applied."""
        return replace(self, **changes)  # type: ignore[arg-type]


_POSITIVE = (
    "max_queue_records",
    "max_queue_bytes",
    "max_batch_size",
    "max_batch_bytes",
    "schedule_delay",
    "max_attempts",
    "initial_backoff",
    "export_timeout",
    "latency_limit",
    "trip_failures",
    "recover_successes",
    "spool_max_bytes",
    "memory_max_records",
    "memory_max_bytes",
    "shutdown_timeout",
)
_NOT_NEGATIVE = (
    "max_wait_when_full",
    "spool_after",
    "min_dwell",
    "redeliver_window",
    "redeliver_max_records",
)


def _require(valid: bool, name: str) -> None:
    if not valid:
        from hydra_otel.core import ConfigurationError

        raise ConfigurationError(f"FallbackExportOptions.{name}: invalid value")
