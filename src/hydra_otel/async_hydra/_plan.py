"""StrategyPlan: the Hydra plan's ``primary_strategy`` / ``fallback_strategies``, validated.

The four names are the export processor's own paths (``async``, ``sync``, ``direct``,
``memory``; see :class:`~hydra_otel.export.FallbackExportProcessor`). The plan does not
build a second queue behind them; it translates the chain into the options every
destination's processor runs with:

* ``async`` first with fallbacks: ``strategy="auto"``, the processor picks among its
  paths from measured health (async while the collector answers, ``direct`` to the
  spool when it does not, ``memory`` when the spool fails too).
* any other single choice pins that strategy on the destinations that spool (OTLP).
* local destinations (console, file) have no spool and no network: their processors
  run ``sync``, so the queue's emitting thread formats and writes them itself (no I/O
  on the event loop, and two fewer threads taking the GIL from it).
* ``direct`` nowhere in the chain: no spool, so nothing outlives the process.

The front of the queue (records waiting for the emitting thread) runs ``async`` unless
``sync`` comes first, and always keeps the caller's thread as its last resort.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import get_args

from hydra_otel.core import ConfigurationError
from hydra_otel.export import FallbackExportOptions
from hydra_otel.export._options import StrategyChoice, StrategyName

QUEUE_STRATEGIES: tuple[str, ...] = get_args(StrategyName)
"""The names a plan may use, in the processor's order of preference."""

DEFAULT_FALLBACKS: tuple[str, ...] = ("sync", "direct", "memory")
"""The Hydra plan's default fallback chain."""

_SPOOLING_DESTINATIONS = frozenset({"otlp"})


@dataclass(frozen=True, slots=True)
class StrategyPlan:
    """A validated strategy chain and its mapping onto export options.

    Args:
        primary: the strategy tried first.
        fallbacks: strategies allowed when the primary is unhealthy, in order.
    """

    primary: StrategyName
    fallbacks: tuple[StrategyName, ...]

    @classmethod
    def parse(cls, primary: object, fallbacks: Iterable[object] | str | None) -> StrategyPlan:
        """Validate names from user input; None takes ``DEFAULT_FALLBACKS`` minus the primary.

        Raises:
            ConfigurationError: naming the unknown, repeated or misplaced strategy.
        """
        primary_name = _strategy_name(primary, "primary_strategy")
        if fallbacks is None:
            fallbacks = [name for name in DEFAULT_FALLBACKS if name != primary_name]
        if isinstance(fallbacks, str):
            raise ConfigurationError(
                f"fallback_strategies must be a list of names, not the string {fallbacks!r}"
            )
        chain = tuple(_strategy_name(name, "fallback_strategies") for name in fallbacks or ())
        for position, name in enumerate(chain):
            if name == primary_name:
                raise ConfigurationError(
                    f"fallback_strategies repeats the primary strategy {name!r}"
                )
            if name in chain[:position]:
                raise ConfigurationError(f"fallback_strategies lists {name!r} twice")
        return cls(primary_name, chain)

    @property
    def chain(self) -> tuple[StrategyName, ...]:
        """Primary then fallbacks."""
        return (self.primary, *self.fallbacks)

    @property
    def processor_strategy(self) -> StrategyChoice:
        """The ``FallbackExportOptions.strategy`` of destinations that spool."""
        if self.primary == "async" and self.fallbacks:
            return "auto"
        return self.primary

    @property
    def spools(self) -> bool:
        """Whether the chain allows the crash-safe spool (``direct``)."""
        return "direct" in self.chain

    @property
    def front_is_sync(self) -> bool:
        """True when records are emitted on the caller's thread rather than by the worker."""
        return self.primary == "sync"

    def export_options(
        self, destination_type: str, options: FallbackExportOptions
    ) -> FallbackExportOptions:
        """The options of one destination's processor under this plan."""
        if destination_type in _SPOOLING_DESTINATIONS:
            changes: dict[str, object] = {"strategy": self.processor_strategy}
            if not self.spools:
                changes["spool_enabled"] = False
            return options.evolve(**changes)
        return options.evolve(strategy="sync")


def _strategy_name(value: object, argument: str) -> StrategyName:
    if isinstance(value, str) and value in QUEUE_STRATEGIES:
        return value  # type: ignore[return-value]
    raise ConfigurationError(
        f"unknown queue strategy {value!r} in {argument}; "
        f"expected one of {', '.join(QUEUE_STRATEGIES)}"
    )
