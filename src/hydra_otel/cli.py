"""The ``hydra-otel`` command line.

Subcommands are registered in :data:`COMMANDS`; each is a function that adds its parser
and sets ``handler`` (``args -> exit code``), so later features add one function.

``hydra-otel audit verify FILE...`` checks the audit chain in exported JSON-lines files
(see :mod:`hydra_otel.audit`). Exit codes: 0 intact, 1 tampering found, 2 usage error.
The key is read from an environment variable (HYDRA_AUDIT_KEY by default) or a file,
never from the command line, where other users could read it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_TAMPERED, EXIT_USAGE = 0, 1, 2

Handler = Callable[[argparse.Namespace], int]


def _add_audit(subparsers: Any) -> None:
    audit = subparsers.add_parser("audit", help="tamper-evident audit trail tools")
    actions = audit.add_subparsers(dest="audit_command", required=True)
    verify = actions.add_parser(
        "verify",
        help="verify the audit chain in exported JSON-lines files",
        description="Detects altered, deleted, reordered and replayed audit records.",
    )
    verify.add_argument("files", nargs="+", type=Path, metavar="FILE",
                        help="JSON-lines files, oldest first (rotated backups before the live file)")  # fmt: skip
    verify.add_argument("--key-env", default="HYDRA_AUDIT_KEY",
                        help="environment variable holding the key (default: HYDRA_AUDIT_KEY)")  # fmt: skip
    verify.add_argument("--key-file", type=Path, help="read the key from this file instead")
    verify.add_argument("--format", default="auto", choices=("auto", "hydra-json", "otlp-json"),
                        help="line format (default: auto-detect per line)")  # fmt: skip
    verify.add_argument("--allow-partial", action="store_true",
                        help="accept chains whose first records were rotated away")  # fmt: skip
    verify.add_argument("--expect-head", action="append", default=[], metavar="CHAIN:SEQ",
                        help="fail unless CHAIN's last record has this seq (detects a cut tail)")  # fmt: skip
    verify.add_argument("--json", action="store_true", help="print the result as JSON")
    verify.set_defaults(handler=_verify)


COMMANDS: list[Callable[[Any], None]] = [_add_audit]
"""Functions that each register one top-level subcommand."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(prog="hydra-otel", description="hydra-otel tools")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for register in COMMANDS:
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``hydra-otel``; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


def _read_key(args: argparse.Namespace) -> bytes | None:
    if args.key_file is not None:
        try:
            return args.key_file.read_bytes().strip() or None
        except OSError as exc:
            print(f"hydra-otel: cannot read key file: {exc.strerror}", file=sys.stderr)
            return None
    value = os.environ.get(args.key_env, "")
    return value.encode() if value else None


def _verify(args: argparse.Namespace) -> int:
    from hydra_otel.audit import verify_files

    key = _read_key(args)
    if key is None:
        print(f"hydra-otel: no audit key (set {args.key_env} or use --key-file)", file=sys.stderr)
        return EXIT_USAGE
    try:
        result = verify_files(
            args.files, key, allow_partial=args.allow_partial, line_format=args.format
        )
    except OSError as exc:
        print(f"hydra-otel: cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    issues = [*result.issues, *_expected_heads(args.expect_head, result)]
    _print_result(result, issues, as_json=args.json)
    return EXIT_OK if not issues else EXIT_TAMPERED


def _expected_heads(expectations: list[str], result: Any) -> list[Any]:
    from hydra_otel.audit import AuditIssue

    heads = {head.chain: head for head in result.heads}
    issues = []
    for expectation in expectations:
        chain, _, seq = expectation.rpartition(":")
        head = heads.get(chain)
        if head is None or not seq.isdigit() or head.last_seq != int(seq):
            seen = "absent" if head is None else f"ends at seq {head.last_seq}"
            issues.append(
                AuditIssue("deleted", "-", chain, None, f"expected head seq {seq}, {seen}")
            )
    return issues


def _print_result(result: Any, issues: list[Any], *, as_json: bool) -> None:
    if as_json:
        document = {
            "ok": not issues,
            "records": result.records,
            "issues": [vars_of(issue) for issue in issues],
            "chains": [vars_of(head) for head in result.heads],
        }
        print(json.dumps(document, indent=2))
        return
    for issue in issues:
        where = f" seq {issue.seq}" if issue.seq is not None else ""
        print(f"{issue.source}: {issue.kind.upper()}: chain {issue.chain}{where}: {issue.detail}")
    for head in result.heads:
        print(f"chain {head.chain}: {head.records} records, seq {head.first_seq}..{head.last_seq}, "
              f"head {head.last_mac[:16]}")  # fmt: skip
    verdict = "OK" if not issues else f"TAMPERED ({len(issues)} issue(s))"
    print(f"{result.records} audit record(s) checked: {verdict}")


def vars_of(item: Any) -> dict[str, Any]:
    """A dataclass with slots as a plain dict (for ``--json``)."""
    return {name: getattr(item, name) for name in item.__slots__}


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
