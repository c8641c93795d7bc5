"""The ``opentelemetry-instrument --distro hydra`` entry points."""

from __future__ import annotations

import os
from typing import Any

from opentelemetry.instrumentation.distro import BaseDistro  # type: ignore[attr-defined]
from opentelemetry.sdk._configuration import _OTelSDKConfigurator

from hydra_otel.distro._configure import start_from_distro
from hydra_otel.distro._exporters import DISTRO_DEFAULTS

_CONFIGURATOR_VARIABLE = "OTEL_PYTHON_CONFIGURATOR"
_CONFIG_FILE_VARIABLE = "OTEL_CONFIG_FILE"


class HydraDistro(BaseDistro):  # type: ignore[misc]
    """Sets hydra's defaults, never overriding a variable the user set.

    ``OTEL_PYTHON_CONFIGURATOR=hydra`` makes the instrumentation loader pick
    :class:`HydraConfigurator` even when other configurators are installed; OTLP
    over http/protobuf is the default exporter of all three signals.
    """

    def _configure(self, **kwargs: Any) -> None:
        os.environ.setdefault(_CONFIGURATOR_VARIABLE, "hydra")
        for name, value in DISTRO_DEFAULTS.items():
            os.environ.setdefault(name, value)


class HydraConfigurator(_OTelSDKConfigurator):
    """The SDK configurator with hydra's resource and logs pipeline.

    With ``OTEL_CONFIG_FILE`` set, the SDK's declarative configuration runs unchanged.
    Otherwise the providers are built as the SDK builds them from the ``OTEL_*``
    variables, under :func:`~hydra_otel.distro.build_resource`, with the logs pipeline
    from :func:`~hydra_otel.distro.build_log_record_processors`.
    """

    def _configure(self, **kwargs: Any) -> None:
        if os.environ.get(_CONFIG_FILE_VARIABLE):
            super()._configure(**kwargs)  # type: ignore[no-untyped-call]
            return
        start_from_distro(dict(kwargs))
