"""configure() redacts by default: stdlib records and spans reach the collector clean."""

from __future__ import annotations

import logging

from opentelemetry import trace

from hydra_otel.distro import configure, shutdown
from hydra_otel.testing import RotelCollector

EMAIL = "jane.doe@example.com"
CARD = "4111-1111-1111-1111"
PASSWORD = "hunter2-correct-horse"


def test_email_card_and_password_never_reach_the_collector(
    collector: RotelCollector, app_logger: logging.Logger
) -> None:
    configure(service_name="shop", endpoint=collector.http_endpoint, metrics_exporter="none")
    tracer = trace.get_tracer("tests")
    with tracer.start_as_current_span("signup", attributes={"user.email": EMAIL}):
        app_logger.warning("sign-up by %s with card %s", EMAIL, CARD, extra={"password": PASSWORD})
    shutdown()

    (log,) = collector.receiver.wait_for_logs(1)
    (span,) = collector.receiver.wait_for_spans(1)
    shipped = repr((log.body, log.attributes, span.attributes))
    for secret in (EMAIL, CARD, PASSWORD):
        assert secret not in shipped
    assert "[REDACTED:email]" in str(log.body) and "[REDACTED:credit_card]" in str(log.body)
    assert log.attributes["log.record.uid"], "the fallback export path adds record ids"
