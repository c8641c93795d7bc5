"""The Hydra plan's queue API: ``from hydra_otel.async_hydra.queue import MultiFallbackAsyncQueue``."""

from hydra_otel.async_hydra._front import MultiFallbackAsyncQueue
from hydra_otel.async_hydra._plan import DEFAULT_FALLBACKS, QUEUE_STRATEGIES, StrategyPlan
from hydra_otel.async_hydra._receipt import LogReceipt

__all__ = [
    "DEFAULT_FALLBACKS",
    "QUEUE_STRATEGIES",
    "LogReceipt",
    "MultiFallbackAsyncQueue",
    "StrategyPlan",
]
