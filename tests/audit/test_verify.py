"""The verifier catches deleted, reordered, altered, replayed and forged records."""

from __future__ import annotations

import json
from pathlib import Path

from google.protobuf.json_format import MessageToJson
from opentelemetry.exporter.otlp.proto.common._log_encoder import encode_logs
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor

from hydra_otel.audit import AuditChainProcessor, VerificationResult, verify_files

from .chained_log import AUDIT_KEY, build_audit_log


def _verify(tmp_path: Path, lines: list[str], **kwargs: object) -> VerificationResult:
    path = tmp_path / "edited.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return verify_files([path], AUDIT_KEY, **kwargs)  # type: ignore[arg-type]


def _kinds(result: VerificationResult) -> list[str]:
    return [issue.kind for issue in result.issues]


def _chained(lines: list[str]) -> list[int]:
    """Indexes of the chained (audit) lines."""
    return [i for i, line in enumerate(lines) if "hydra.audit.mac" in line]


def test_an_untouched_file_verifies(tmp_path: Path, written: list[str]) -> None:
    result = _verify(tmp_path, written)
    assert result.ok and result.records == 6
    (head,) = result.heads
    assert (head.first_seq, head.last_seq, head.records) == (1, 6, 6)


def test_a_deleted_record_is_reported(tmp_path: Path, written: list[str]) -> None:
    third = _chained(written)[2]
    result = _verify(tmp_path, written[:third] + written[third + 1 :])
    assert _kinds(result) == ["deleted"] and "seq 3 missing" in result.issues[0].detail


def test_deleting_the_first_record_is_reported(tmp_path: Path, written: list[str]) -> None:
    first = _chained(written)[0]
    result = _verify(tmp_path, written[first + 1 :])
    assert _kinds(result) == ["deleted"]
    assert _verify(tmp_path, written[first + 1 :], allow_partial=True).ok


def test_reordered_records_are_reported(tmp_path: Path, written: list[str]) -> None:
    a, b = _chained(written)[1], _chained(written)[3]
    swapped = list(written)
    swapped[a], swapped[b] = swapped[b], swapped[a]
    assert "reordered" in _kinds(_verify(tmp_path, swapped))


def test_an_altered_message_attribute_or_time_is_reported(
    tmp_path: Path, written: list[str]
) -> None:
    index = _chained(written)[1]
    for field, value in (("message", "role change 1 by nobody"), ("severity_number", 9)):
        edited = list(written)
        record = json.loads(edited[index])
        record[field] = value
        edited[index] = json.dumps(record)
        assert _kinds(_verify(tmp_path, edited)) == ["altered"], field
    edited = list(written)
    record = json.loads(edited[index])
    record["attributes"]["actor"] = "someone else"
    edited[index] = json.dumps(record)
    assert _kinds(_verify(tmp_path, edited)) == ["altered"]
    edited = list(written)
    record = json.loads(edited[index])
    record["timestamp"] = "2001-01-01T00:00:00.000000Z"
    edited[index] = json.dumps(record)
    assert _kinds(_verify(tmp_path, edited)) == ["altered"]


def test_a_replayed_or_forged_record_is_reported(tmp_path: Path, written: list[str]) -> None:
    index = _chained(written)[2]
    assert "duplicate" in _kinds(_verify(tmp_path, [*written, written[index]]))
    forged = json.loads(written[index])
    forged["attributes"]["hydra.audit.seq"] = 7
    forged["attributes"]["hydra.audit.prev"] = json.loads(written[_chained(written)[-1]])[
        "attributes"
    ]["hydra.audit.mac"]
    assert "altered" in _kinds(_verify(tmp_path, [*written, json.dumps(forged)]))


def test_a_wrong_key_fails_every_record(tmp_path: Path, written: list[str]) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_text("\n".join(written), encoding="utf-8")
    result = verify_files([path], b"another key")
    assert _kinds(result) == ["altered"] * 6


def test_a_damaged_line_is_reported(tmp_path: Path, written: list[str]) -> None:
    assert "malformed" in _kinds(_verify(tmp_path, [*written, '{"attributes": {"hydra.au']))


def test_rotated_files_are_verified_oldest_first(tmp_path: Path) -> None:
    log = build_audit_log(tmp_path / "audit.jsonl", max_bytes=2048)
    for index in range(30):
        log.emit(f"event {index}", index=index)
    log.provider.shutdown()
    backups = sorted(tmp_path.glob("audit.jsonl.*"), key=lambda p: -int(p.suffix[1:]))
    assert backups, "the test needs rotation"
    result = verify_files([*backups, tmp_path / "audit.jsonl"], AUDIT_KEY)
    assert result.ok and result.records == 30
    assert not verify_files([tmp_path / "audit.jsonl"], AUDIT_KEY).ok
    assert verify_files([tmp_path / "audit.jsonl"], AUDIT_KEY, allow_partial=True).ok


def test_otlp_json_lines_are_verified(tmp_path: Path) -> None:
    exporter = InMemoryLogRecordExporter()
    provider = LoggerProvider()
    provider.add_log_record_processor(AuditChainProcessor(AUDIT_KEY))
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    logger = provider.get_logger("audit")
    for index in range(4):
        body = f"grant {index}" if index % 2 else {"action": "grant", "n": index}
        logger.emit(
            body=body, attributes={"hydra.category": "audit", "n": index, "raw": b"\x00\xff"}
        )
    records = exporter.get_finished_logs()
    lines = [MessageToJson(encode_logs([record]), indent=None) for record in records]
    assert _verify(tmp_path, lines, line_format="otlp-json").ok
    assert _verify(tmp_path, lines).ok  # auto-detected
    tampered = lines[2].replace("grant", "revoke")
    assert _kinds(_verify(tmp_path, [lines[0], lines[1], tampered, lines[3]])) == ["altered"]
