"""The ``redaction.*`` summary attributes, shaped like the OTel Collector's redaction processor.

They say *that* something was hidden and where — never what: counts per entity, the
attribute keys involved. Levels: ``silent`` writes nothing, ``info`` the counts, ``debug``
the counts plus ``redaction.masked.keys`` and ``redaction.masked.body``.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from hydra_otel.data_protection import RedactionReport
from hydra_otel.data_protection._attribute_access import writable

MASKED_COUNT = "redaction.masked.count"
MASKED_KEYS = "redaction.masked.keys"
MASKED_BODY = "redaction.masked.body"
DRY_RUN = "redaction.dry_run"


def entity_count_key(entity: str) -> str:
    """The per-entity counter attribute, e.g. ``redaction.masked.email.count``."""
    key = _COUNT_KEYS.get(entity)
    if key is None:
        key = f"redaction.masked.{entity}.count"
        if len(_COUNT_KEYS) < _COUNT_KEYS_MAX:
            _COUNT_KEYS[entity] = key
    return key


_COUNT_KEYS: dict[str, str] = {}
_COUNT_KEYS_MAX = 256  # entity names are few (detectors and user patterns)


def summary_attributes(report: RedactionReport, level: str, dry_run: bool) -> dict[str, Any]:
    """The summary attributes for ``report`` at ``level`` (empty when silent or nothing found)."""
    if level == "silent" or not report.found:
        return {}
    summary: dict[str, Any] = {MASKED_COUNT: report.found}
    counts = report.counts
    for entity in sorted(counts) if len(counts) > 1 else counts:
        summary[entity_count_key(entity)] = counts[entity]
    if level == "debug":
        keys = report.keys
        if keys:
            summary[MASKED_KEYS] = ",".join(sorted(keys)) if len(keys) > 1 else next(iter(keys))
        if report.body:
            summary[MASKED_BODY] = True
    if dry_run:
        summary[DRY_RUN] = True
    return summary


def write_summary(
    attributes: MutableMapping[str, Any], report: RedactionReport, level: str, dry_run: bool
) -> None:
    """Add the summary attributes of ``report`` to ``attributes`` in place."""
    summary = summary_attributes(report, level, dry_run)
    if summary:
        writable(attributes, len(summary)).update(summary)
