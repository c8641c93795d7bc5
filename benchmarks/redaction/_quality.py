"""Recall per entity and false alterations on the corpus, plus the worst scan times."""

from __future__ import annotations

import random
import string
import time
from dataclasses import dataclass
from typing import Any

from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor

from benchmarks.redaction.corpus import Scores, generate_corpus, score
from hydra_otel.data_protection import DataSanitizer
from hydra_otel.processors import RedactionProcessor


def corpus_scores(per_entity: int, benign: int, seed: int) -> Scores:
    """Score the corpus through a real SDK pipeline (RedactionProcessor, in-memory export)."""
    exporter = InMemoryLogRecordExporter()
    provider = LoggerProvider()
    provider.add_log_record_processor(RedactionProcessor())
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    logger = provider.get_logger("corpus")

    def through(body: Any, attributes: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        logger.emit(body=body, attributes=attributes)
        record = exporter.get_finished_logs()[-1].log_record
        exporter.clear()
        return record.body, dict(record.attributes or {})

    from benchmarks.redaction.corpus import ENTITIES

    samples = generate_corpus(per_entity * len(ENTITIES), benign, seed=seed)
    return score(samples, through)


@dataclass
class WorstCase:
    """The slowest 64 KiB input of a family, in CPU milliseconds."""

    family: str
    worst_ms: float
    sample: str


def _inputs(size: int) -> dict[str, list[str]]:
    rng = random.Random(5)

    def rand(alphabet: str) -> str:
        return "".join(rng.choice(alphabet) for _ in range(size))

    repeated = ["a", "1 ", "@", "a@", "ab:", "eyJaaaaaa.", "-----BEGIN PRIVATE KEY-----",
                "password=", "token", "a://b:c@", "Bearer ", "4111 1111 1111 1111 ",
                "(555) 234-5678 ", "a@b.co ", "GB82 ", '{"password":"x","a":[',
                "x1-2.3(4)5 6:7@8", "ssn 123456789 "]  # fmt: skip
    return {
        "random text": [
            "".join(chr(rng.randint(32, 0x2FFF)) for _ in range(size)),
            rand(string.printable),
            rand(string.ascii_letters + string.digits + " "),
            rand("0123456789 -().+@:"),
            rand("0123456789abcdef:"),
        ],
        "repeated fragments": [(frag * (size // len(frag) + 1))[:size] for frag in repeated],
    }


def worst_cases(size: int = 64 * 1024, repeats: int = 5) -> list[WorstCase]:
    """Best-of-``repeats`` CPU time of each input; the worst input per family."""
    sanitizer = DataSanitizer()
    results = []
    for family, texts in _inputs(size).items():
        timed = []
        for text in texts:
            best = float("inf")
            for _ in range(repeats):
                started = time.process_time()
                sanitizer.sanitize_text(text)
                best = min(best, time.process_time() - started)
            timed.append((best * 1000, text[:24]))
        worst = max(timed)
        results.append(WorstCase(family, worst[0], worst[1]))
    return results
