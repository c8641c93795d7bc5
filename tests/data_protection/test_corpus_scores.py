"""Recall and false alterations on the Faker evaluation corpus, through a real SDK pipeline.

The corpus (benchmarks/redaction/corpus.py) plants every entity type in log-shaped
records — in bodies, attributes and JSON bodies — next to benign look-alikes (UUIDs,
trace ids, ISO timestamps, versions, order ids, durations, hashes, epoch times).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from benchmarks.redaction.corpus import ENTITIES, Scores, generate_corpus, score
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor

from hydra_otel.processors import RedactionProcessor


@pytest.fixture(scope="module")
def corpus_scores() -> Iterator[Scores]:
    """Scores of 100 records per entity type and 3,000 benign records (fixed seed)."""
    exporter = InMemoryLogRecordExporter()
    provider = LoggerProvider()
    provider.add_log_record_processor(RedactionProcessor())
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    logger = provider.get_logger("corpus")

    def through_pipeline(body: Any, attributes: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        logger.emit(body=body, attributes=attributes)
        record = exporter.get_finished_logs()[-1].log_record
        return record.body, dict(record.attributes or {})

    samples = generate_corpus(pii_records=100 * len(ENTITIES), benign_records=3000, seed=2024)
    yield score(samples, through_pipeline)
    provider.shutdown()


def test_overall_recall_is_at_least_98_percent(corpus_scores: Scores) -> None:
    assert corpus_scores.recall() >= 0.98, corpus_scores.misses[:20]


@pytest.mark.parametrize("entity", ENTITIES)
def test_recall_per_entity_is_at_least_95_percent(corpus_scores: Scores, entity: str) -> None:
    assert corpus_scores.planted[entity] == 100
    misses = [value for kind, value in corpus_scores.misses if kind == entity]
    assert corpus_scores.recall(entity) >= 0.95, misses


def test_at_most_one_benign_line_in_a_thousand_is_altered(corpus_scores: Scores) -> None:
    assert corpus_scores.benign_lines == 3000
    assert corpus_scores.benign_altered_rate <= 0.001, corpus_scores.altered[:5]


def test_benign_lookalikes_next_to_pii_survive(corpus_scores: Scores) -> None:
    assert corpus_scores.lookalikes > 5000
    assert corpus_scores.lookalikes_lost / corpus_scores.lookalikes <= 0.001


def test_redacting_the_corpus_twice_changes_nothing() -> None:
    from hydra_otel.data_protection import DataSanitizer, RedactionReport

    sanitizer = DataSanitizer()
    for sample in generate_corpus(pii_records=20 * len(ENTITIES), benign_records=200, seed=31):
        attributes = dict(sample.attributes)
        body = sanitizer.redact_record(sample.body, attributes, RedactionReport())
        again = dict(attributes)
        report = RedactionReport()
        assert sanitizer.redact_record(body, again, report) == body
        assert again == attributes and not report
