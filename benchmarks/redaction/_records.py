"""Record profiles the cost benchmark emits."""

from __future__ import annotations

import random
import uuid
from typing import Any

from benchmarks.redaction.corpus import generate_corpus

Record = tuple[Any, dict[str, Any]]
"""(body, attributes) of one log record."""

_MESSAGES = (
    "GET /api/v1/orders/{n} completed in {ms}ms",
    "user {n} signed in from the mobile app",
    "cache miss for product {n}; recomputed",
    "payment authorized for order ORD-{n} amount={ms}.00 EUR",
    "worker {w} finished batch {n} in {ms} ms",
    "retrying upstream call after {ms}ms (attempt 2)",
)
_EVENTS = ("user signed in", "order placed", "cart updated", "session refreshed",
           "payment captured", "profile viewed")  # fmt: skip
_ROUTES = ("/api/v1/login", "/api/v1/orders", "/api/v1/cart", "/api/v1/profile")

CLEAN_RECORD: Record = (
    "user signed in",
    {"user.id": "u1", "http.route": "/api/v1/login", "login.attempts": 3, "hydra.layer": "APP"},
)
"""What a HydraLogger call typically carries: a short message, a few short attributes."""


def typical_records(count: int, seed: int = 3) -> list[Record]:
    """What an application logs through HydraLogger: a message and a few attributes."""
    rng = random.Random(seed)
    records = []
    for _ in range(count):
        message = rng.choice(_MESSAGES).format(
            n=rng.randint(1, 999_999), ms=rng.randint(1, 5000), w=rng.randint(1, 16)
        )
        attributes = {
            "hydra.layer": rng.choice(("API", "AUTH", "DB", "APP")),
            "code.function": rng.choice(("handle", "checkout", "login", "refresh")),
            "request.id": str(uuid.UUID(int=rng.getrandbits(128))),
            "http.status_code": rng.choice((200, 201, 404, 500)),
            "duration_ms": rng.randint(1, 5000),
        }
        records.append((message, attributes))
    return records


def structured_records(count: int, seed: int = 5) -> list[Record]:
    """Structured logging: a fixed message per event and short attributes, so the same
    strings come back record after record (user ids from a pool, a few routes)."""
    rng = random.Random(seed)
    return [
        (
            rng.choice(_EVENTS),
            {
                "user.id": f"u{rng.randint(1, 500)}",
                "http.route": rng.choice(_ROUTES),
                "login.attempts": rng.randint(1, 5),
                "hydra.layer": rng.choice(("API", "AUTH", "APP")),
            },
        )
        for _ in range(count)
    ]


def corpus_records(count: int, with_pii: bool, seed: int = 11) -> list[Record]:
    """Records of the evaluation corpus: benign look-alike-heavy ones, or ones holding PII."""
    samples = generate_corpus(count if with_pii else 0, 0 if with_pii else count, seed=seed)
    return [(sample.body, sample.attributes) for sample in samples]


def batches(records: list[Record], size: int) -> list[list[Record]]:
    """``records`` cut into consecutive batches of ``size``."""
    return [records[start : start + size] for start in range(0, len(records), size)]
