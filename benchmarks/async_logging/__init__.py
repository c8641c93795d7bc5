"""Async logging benchmark: AsyncHydraLogger beside HydraLogger and hydra-logger 0.7.0's AsyncLogger.

Records/s end to end through a real collector (or to a file), the awaited call's
latency, and the event loop's lag while logging. See ``__main__`` for the command.
"""
