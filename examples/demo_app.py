"""A small, finite app using the Hydra API with zero configuration.

Run it under the distro (``make demo`` does): ``opentelemetry-instrument --distro hydra
python examples/demo_app.py``. It logs across layers, records security and audit
events, logs an exception inside a span, and exits 0.
"""

from __future__ import annotations

import logging

from opentelemetry import trace

from hydra_otel import HydraLogger


def handle_checkout(log: HydraLogger, tracer: trace.Tracer, order_id: int) -> None:
    with tracer.start_as_current_span("checkout", attributes={"order.id": order_id}):
        log.info("API", "POST /checkout", extra={"order_id": order_id, "items": 3})
        log.debug("DB", "SELECT * FROM carts WHERE id = ?", extra={"rows": 3})
        try:
            raise TimeoutError("payment provider took longer than 2s")
        except TimeoutError:
            log.exception("PAYMENT", "charge failed, will retry", extra={"attempt": 1})
        log.info("PAYMENT", "charge succeeded", extra={"attempt": 2, "amount_eur": 42.5})


def main() -> None:
    tracer = trace.get_tracer("demo")
    with HydraLogger() as log:
        log.info("APP", "demo starting", extra={"version": "1.0"})
        log.info("AUTH", "user signed in", extra={"user.id": "u-17", "method": "password"})
        log.security("AUTH", "3 failed logins before success", extra={"user.id": "u-17"})
        log.audit("ADMIN", "role changed", extra={"user.id": "u-17", "role": "editor"})
        handle_checkout(log, tracer, order_id=1001)
        log.warning("API", "slow response", extra={"route": "/checkout", "ms": 830})
        logging.getLogger("demo.stdlib").warning("stdlib logging goes through the bridge too")
        log.info("APP", "demo finished")


if __name__ == "__main__":
    main()
