"""Verifying audit chains read from files: what was altered, deleted, reordered, replayed.

Per chain (``hydra.audit.chain``), in file order:

1. every record's MAC is recomputed — a mismatch means the record was **altered** (or
   forged without the key); a written timestamp that disagrees with ``hydra.audit.time``
   is an alteration too;
2. a ``seq`` lower than one already seen means records were **reordered** (the same
   ``seq`` twice is a **duplicate**, i.e. a replayed record);
3. a missing ``seq`` between the lowest and highest seen, or a chain not starting at 1,
   means records were **deleted**; a ``prev`` that is not the MAC of record ``seq - 1``
   means the link was **altered**.

Records cut from the *end* of a chain leave no trace inside the file; compare the chain
heads printed by the CLI with a copy kept elsewhere (``--expect-head``).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hydra_otel.audit._canonical import (
    CHAIN,
    GENESIS,
    MAC,
    PREV,
    SEQ,
    TIME,
    canonical_bytes,
    compute_mac,
    message_of,
)
from hydra_otel.audit._readers import AuditEntry, MalformedLine, read_entries

_TIME_TOLERANCE_NS = 1000  # the JSON format writes microseconds


@dataclass(frozen=True, slots=True)
class AuditIssue:
    """One finding of the verifier."""

    kind: str
    """``altered``, ``deleted``, ``reordered``, ``duplicate`` or ``malformed``."""
    source: str
    """``file:line`` where it was noticed."""
    chain: str
    seq: int | None
    detail: str


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last link of one chain seen in the files."""

    chain: str
    records: int
    first_seq: int
    last_seq: int
    last_mac: str


@dataclass(slots=True)
class VerificationResult:
    """What ``verify_entries``/``verify_files`` found."""

    records: int = 0
    issues: list[AuditIssue] = field(default_factory=list)
    heads: list[ChainHead] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no issue was found (and at least the files could be read)."""
        return not self.issues


def verify_entries(
    entries: Iterable[AuditEntry | MalformedLine], key: bytes, *, allow_partial: bool = False
) -> VerificationResult:
    """Check chained records (in file order); ``allow_partial`` accepts a chain whose
    start was rotated away (the first record seen is then trusted as the anchor)."""
    result = VerificationResult()
    chains: dict[str, list[AuditEntry]] = {}
    for entry in entries:
        if isinstance(entry, MalformedLine):
            result.issues.append(AuditIssue("malformed", entry.source, "?", None, entry.detail))
            continue
        result.records += 1
        chains.setdefault(str(entry.attributes.get(CHAIN, "?")), []).append(entry)
    for chain, records in chains.items():
        _verify_chain(chain, records, key, allow_partial, result)
    return result


def verify_files(
    paths: Sequence[str | Path],
    key: bytes,
    *,
    allow_partial: bool = False,
    line_format: str = "auto",
) -> VerificationResult:
    """Verify JSON-lines files, read in the order given (oldest rotated file first)."""
    return verify_entries(
        read_entries(_lines(paths), line_format), key, allow_partial=allow_partial
    )


def _lines(paths: Sequence[str | Path]) -> Iterator[tuple[str, int, str]]:
    for path in paths:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            for number, text in enumerate(handle, start=1):
                yield str(path), number, text


def _verify_chain(
    chain: str,
    records: list[AuditEntry],
    key: bytes,
    allow_partial: bool,
    result: VerificationResult,
) -> None:
    by_seq: dict[int, AuditEntry] = {}
    highest = 0
    for entry in records:
        seq = _seq(entry)
        if seq is None:
            result.issues.append(AuditIssue("altered", entry.source, chain, None, "no valid seq"))
            continue
        if not _mac_valid(entry, key):
            result.issues.append(AuditIssue("altered", entry.source, chain, seq, "MAC mismatch"))
        elif _time_mismatch(entry):
            result.issues.append(
                AuditIssue(
                    "altered", entry.source, chain, seq, "timestamp differs from hydra.audit.time"
                )
            )
        if seq in by_seq:
            result.issues.append(
                AuditIssue("duplicate", entry.source, chain, seq, "seq seen before")
            )
            continue
        if seq < highest:
            result.issues.append(
                AuditIssue("reordered", entry.source, chain, seq, f"after seq {highest}")
            )
        highest = max(highest, seq)
        by_seq[seq] = entry
    if by_seq:
        _check_links(chain, by_seq, allow_partial, result)


def _check_links(
    chain: str, by_seq: dict[int, AuditEntry], allow_partial: bool, result: VerificationResult
) -> None:
    ordered = sorted(by_seq)
    first = ordered[0]
    start = by_seq[first]
    if not allow_partial and (first != 1 or start.attributes.get(PREV) != GENESIS):
        result.issues.append(
            AuditIssue("deleted", start.source, chain, first, f"chain starts at seq {first}, not 1")
        )
    for previous, seq in itertools.pairwise(ordered):
        entry = by_seq[seq]
        if seq != previous + 1:
            missing = f"seq {previous + 1}" + (f"-{seq - 1}" if seq - 1 > previous + 1 else "")
            result.issues.append(
                AuditIssue("deleted", entry.source, chain, seq, f"{missing} missing")
            )
        elif entry.attributes.get(PREV) != by_seq[previous].attributes.get(MAC):
            result.issues.append(
                AuditIssue(
                    "altered", entry.source, chain, seq, f"prev is not the MAC of seq {previous}"
                )
            )
    last = by_seq[ordered[-1]]
    result.heads.append(
        ChainHead(chain, len(by_seq), first, ordered[-1], str(last.attributes.get(MAC, "")))
    )


def _seq(entry: AuditEntry) -> int | None:
    value = entry.attributes.get(SEQ)
    if isinstance(value, bool):
        return None
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _mac_valid(entry: AuditEntry, key: bytes) -> bool:
    expected = entry.attributes.get(MAC)
    for message in _message_forms(entry.message):
        canonical = canonical_bytes(
            message=message,
            severity_number=entry.severity_number,
            event_name=entry.event_name,
            layer=entry.layer,
            attributes=entry.attributes,
        )
        if compute_mac(key, canonical) == expected:
            return True
    return False


def _message_forms(message: str) -> Iterator[str]:
    """The message as written, then — for a structured body rendered as JSON — canonical."""
    yield message
    if message[:1] in "{[":
        try:
            parsed = json.loads(message)
        except ValueError:
            return
        canonical = message_of(parsed)
        if canonical != message:
            yield canonical


def _time_mismatch(entry: AuditEntry) -> bool:
    chained = entry.attributes.get(TIME)
    if entry.timestamp_ns is None or not isinstance(chained, int):
        return False
    return abs(entry.timestamp_ns - chained) >= _TIME_TOLERANCE_NS
