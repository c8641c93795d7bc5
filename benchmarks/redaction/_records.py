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


def corpus_records(count: int, with_pii: bool, seed: int = 11) -> list[Record]:
    """Records of the evaluation corpus: benign look-alike-heavy ones, or ones holding PII."""
    samples = generate_corpus(count if with_pii else 0, 0 if with_pii else count, seed=seed)
    return [(sample.body, sample.attributes) for sample in samples]
