"""``HydraLogger.for_<name>()``: class attribute access that builds a logger from a magic config."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hydra_otel.config._magic import UnknownMagicConfigError, list_magic_configs, magic_config


class MagicConfigAccess(type):
    """Metaclass resolving ``for_<name>`` to a factory of loggers with that magic config."""

    def __getattr__(cls, attribute: str) -> Callable[..., Any]:
        if not attribute.startswith("for_"):
            raise AttributeError(f"type object {cls.__name__!r} has no attribute {attribute!r}")
        name = attribute[len("for_") :]
        if name not in list_magic_configs():
            raise UnknownMagicConfigError(
                f"unknown magic config {name!r} ({cls.__name__}.{attribute}); "
                f"known: {', '.join(list_magic_configs())}"
            )

        def factory(**kwargs: Any) -> Any:
            return cls(magic_config(name), **kwargs)

        factory.__name__ = attribute
        factory.__doc__ = f"Create a {cls.__name__} with the {name!r} magic config."
        return factory
