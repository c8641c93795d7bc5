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
    """Add the summary attributes of ``report`` to ``attributes`` in place.

    The same keys, values and order as :func:`summary_attributes`, written straight
    into the attributes: this runs for every record with a finding, and building the
    summary dict first cost as much as writing it.
    """
    found = report.found
    if level == "silent" or not found:
        return
    counts = report.counts
    keys: Any = report.keys if level == "debug" else ()
    body = level == "debug" and report.body
    added = 1 + len(counts) + (1 if keys else 0) + (1 if body else 0) + (1 if dry_run else 0)
    target = writable(attributes, added)
    target[MASKED_COUNT] = found
    names = _COUNT_KEYS
    if len(counts) == 1:
        for entity, count in counts.items():
            target[names.get(entity) or entity_count_key(entity)] = count
    else:
        for entity in sorted(counts):
            target[names.get(entity) or entity_count_key(entity)] = counts[entity]
    if keys:
        target[MASKED_KEYS] = ",".join(sorted(keys)) if len(keys) > 1 else next(iter(keys))
    if body:
        target[MASKED_BODY] = True
    if dry_run:
        target[DRY_RUN] = True
