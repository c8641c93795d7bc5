"""The async side of the Hydra API: the multi-fallback queue behind AsyncHydraLogger.

``from hydra_otel.async_hydra.queue import MultiFallbackAsyncQueue`` is the Hydra plan's
import path; the same names are available here.
"""

from hydra_otel.async_hydra._front import MultiFallbackAsyncQueue
from hydra_otel.async_hydra._health import summarize_export_health
from hydra_otel.async_hydra._plan import DEFAULT_FALLBACKS, QUEUE_STRATEGIES, StrategyPlan
from hydra_otel.async_hydra._receipt import LogReceipt

__all__ = [
    "DEFAULT_FALLBACKS",
    "QUEUE_STRATEGIES",
    "LogReceipt",
    "MultiFallbackAsyncQueue",
    "StrategyPlan",
    "summarize_export_health",
]
