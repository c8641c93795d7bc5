"""A plain application: stdlib ``logging`` and one OpenTelemetry span, nothing hydra-specific.

Run it as is, or with ``opentelemetry-instrument --distro hydra python examples/stdlib_app.py``
and OTEL_EXPORTER_OTLP_ENDPOINT pointing at a collector: its console output is the same
either way, and under the distro every record also leaves the process as OTLP, with the
span's trace id on the records logged inside the span.

The console format has no timestamps so two runs can be compared byte for byte.
"""

from __future__ import annotations

import logging
import sys

from opentelemetry import trace

log = logging.getLogger("shop.checkout")


def charge(order_id: str, amount_cents: int) -> None:
    """Pretend to charge a card; fails for non-positive amounts."""
    if amount_cents <= 0:
        raise ValueError(f"invalid amount {amount_cents} for order {order_id}")
    log.info("charged order %s: %d cents", order_id, amount_cents, extra={"order.id": order_id})


def main() -> int:
    """Log before, inside and after a span; return the exit status."""
    logging.basicConfig(
        level=logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    log.info("checkout service starting")
    log.debug("debug is below the configured level and never shows")
    tracer = trace.get_tracer("shop.checkout")
    with tracer.start_as_current_span("checkout"):
        log.info("inside the checkout span")
        charge("A-1", 1250)
        log.warning("inventory low for sku %s", "SKU-42")
        try:
            charge("A-2", 0)
        except ValueError:
            log.exception("charge failed for order %s", "A-2")
    logging.getLogger("shop.audit").error("audit trail unavailable")
    print("checkout finished: 1 charged, 1 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
