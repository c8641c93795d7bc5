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
    return f"redaction.masked.{entity}.count"


def summary_attributes(report: RedactionReport, level: str, dry_run: bool) -> dict[str, Any]:
    """The summary attributes for ``report`` at ``level`` (empty when silent or nothing found)."""
    if level == "silent" or not report:
        return {}
    summary: dict[str, Any] = {MASKED_COUNT: report.found}
    for entity, count in sorted(report.counts.items()):
        summary[entity_count_key(entity)] = count
    if level == "debug":
        if report.keys:
            summary[MASKED_KEYS] = ",".join(sorted(report.keys))
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
    writable(attributes, len(summary)).update(summary)
