"""DataSanitizer: the redaction engine, usable with or without OpenTelemetry.

It walks a value — text, bytes, maps, lists, JSON held in a string — applies the
key-name rules to map keys and the detectors to every string, and returns a redacted
copy (the very same object when nothing needed hiding, so callers can test identity).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, MutableMapping
from dataclasses import replace
from typing import Any, TypeVar

from hydra_otel.data_protection._attribute_access import snapshot, writable
from hydra_otel.data_protection._key_rules import SensitiveKeyRules
from hydra_otel.data_protection._options import OPTIONAL_ENTITIES, RedactionOptions
from hydra_otel.data_protection._patterns import REDACTION_TOKEN
from hydra_otel.data_protection._report import RedactionReport
from hydra_otel.data_protection._scanner import TextScanner
from hydra_otel.data_protection._tokens import TokenRenderer

T = TypeVar("T")

_SHORTEST_FINDING = 5  # "pwd=x"
_CLEAN_CACHE_MAX_LEN = 256
_CLEAN_CACHE_SIZE = 4096
_SECRET = "secret"
_DEPTH = "depth_limit"
_TOKEN = re.compile(REDACTION_TOKEN)
_HEX_ID_CHARS = "0123456789abcdef-"
_ISO_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]{1,9})?)?"
    r"(?:Z|[+\-][0-9]{2}:?[0-9]{2})?)?"
)
_SENSITIVE = SensitiveKeyRules.SENSITIVE
_IGNORED = SensitiveKeyRules.IGNORED


class DataSanitizer:
    """Redacts PII and secrets from any value, per :class:`RedactionOptions`.

    Args:
        options: what to detect and how to replace it; ``None`` = the safe defaults.

    Example:
        >>> DataSanitizer().sanitize({"user": "ann@example.com", "password": "hunter2"})
        {'user': '[REDACTED:email]', 'password': '[REDACTED:secret]'}
    """

    __slots__ = ("_clean", "_dry_run", "_dry_twin", "_json_cap", "_keys", "_max_depth",
                 "_options", "_render", "_scanner", "_shape_skip")  # fmt: skip

    def __init__(self, options: RedactionOptions | None = None) -> None:
        self._options = options = options if options is not None else RedactionOptions()
        self._keys = SensitiveKeyRules(options.sensitive_keys, options.ignored_keys)
        allow = "|".join(f"(?:{pattern})" for pattern in options.allow_list)
        extra = {name: re.compile(rx) for name, rx in options.extra_patterns.items()}
        self._scanner = TextScanner(
            options.enabled_entities, self._keys, extra, re.compile(allow) if allow else None
        )
        self._render = TokenRenderer(options)
        self._dry_run = options.dry_run
        self._json_cap = options.max_json_size
        self._max_depth = options.max_depth
        self._clean: dict[str, None] = {}
        # Lower-case hex ids (trace/span ids, hashes, UUIDs) and ISO timestamps hold no
        # default entity; user patterns and optional entities might match them.
        self._shape_skip = not options.extra_patterns and not (
            options.enabled_entities & OPTIONAL_ENTITIES
        )
        self._dry_twin: DataSanitizer | None = None

    @property
    def options(self) -> RedactionOptions:
        """The options this sanitizer was built with."""
        return self._options

    @property
    def key_rules(self) -> SensitiveKeyRules:
        """The key-name rules in force (shared with the text scanner)."""
        return self._keys

    def sanitize(self, value: T) -> T:
        """Return ``value`` with PII and secrets replaced (unchanged in dry-run mode)."""
        return self.redact(value, RedactionReport())  # type: ignore[no-any-return]

    def sanitize_text(self, text: str) -> str:
        """Return ``text`` with PII and secrets replaced."""
        return self._text(text, RedactionReport())

    def inspect(self, value: Any) -> RedactionReport:
        """Report what would be redacted in ``value``, without changing anything."""
        report = RedactionReport()
        inspector = self if self._dry_run else self._inspector()
        inspector.redact(value, report)
        return report

    def redact(self, value: Any, report: RedactionReport) -> Any:
        """Redact ``value``, counting into ``report``; the same object when nothing changed."""
        return self._value(value, report, 0)

    def _inspector(self) -> DataSanitizer:
        inspector = self._dry_twin
        if inspector is None:
            inspector = self._dry_twin = DataSanitizer(replace(self._options, dry_run=True))
        return inspector

    def redact_attributes(
        self, attributes: MutableMapping[str, Any], report: RedactionReport
    ) -> None:
        """Redact a mutable attribute mapping in place; affected keys go to ``report.keys``."""
        self.redact_record(None, attributes, report)

    def redact_record(
        self, body: Any, attributes: MutableMapping[str, Any] | None, report: RedactionReport
    ) -> Any:
        """Redact a record's attributes in place and return its (possibly new) body.

        All plain strings of the record — the body and attribute values — are scanned
        in one pass over their concatenation, which costs far less than one pass each.
        Keys whose values were redacted go to ``report.keys``; ``report.body`` is set
        when the body was.
        """
        keys: list[str | None] = []
        texts: list[str] = []
        new_body = body
        if body is not None:
            before = report.found
            if type(body) is str and self._needs_scan(body):
                keys.append(None)
                texts.append(body)
            else:
                new_body = self._value(body, report, 0)
            report.body = report.found != before
        if attributes:
            self._attributes(attributes, report, keys, texts)
        if texts:
            for key, text, spans in zip(keys, texts, self._scanner.scan_many(texts), strict=True):
                new = self._apply(text, spans, report)
                if key is None:
                    new_body = new
                    report.body = report.body or bool(spans)
                elif spans:
                    if new is not text:
                        writable(attributes)[key] = new  # type: ignore[arg-type]
                    report.keys.add(key)
        return new_body

    def _attributes(
        self,
        attributes: MutableMapping[str, Any],
        report: RedactionReport,
        keys: list[str | None],
        texts: list[str],
    ) -> None:
        current = snapshot(attributes)
        target = writable(attributes)
        verdict, known = self._keys.verdict, self._keys.known_verdicts
        clean, needs_scan = self._clean, self._needs_scan
        for key, value in current.items():
            kind = type(value)
            if kind is str:
                judged = known.get(key)
                if judged is None:
                    judged = verdict(key)
                if judged == 0:
                    if len(value) < _SHORTEST_FINDING or value in clean:
                        continue
                    if needs_scan(value):
                        keys.append(key)
                        texts.append(value)
                        continue
            elif kind is int or kind is float or kind is bool or value is None:
                if kind is bool or value is None or verdict(key) != _SENSITIVE:
                    continue
                judged = _SENSITIVE
            else:
                judged = verdict(key)
            if judged == _IGNORED:
                continue
            before = report.found
            new = (
                self._secret(value, report)
                if judged == _SENSITIVE
                else self._value(value, report, 1)
            )
            if new is not value:
                target[key] = new
            if report.found != before:
                report.keys.add(key)

    def _needs_scan(self, text: str) -> bool:
        """True for a plain string that must go through the scanner (not JSON, not
        known clean, not too short, not an id or timestamp)."""
        if len(text) < _SHORTEST_FINDING or text in self._clean:
            return False
        first = text[0]
        if (first == "{" or first == "[" or first.isspace()) and len(text) <= self._json_cap:
            return False
        return not (self._shape_skip and _identifier_or_timestamp(text))

    def _apply(self, text: str, spans: list[tuple[int, int, str]], report: RedactionReport) -> str:
        if not spans:
            if len(text) <= _CLEAN_CACHE_MAX_LEN:
                if len(self._clean) >= _CLEAN_CACHE_SIZE:
                    self._clean.clear()
                self._clean[text] = None
            return text
        for span in spans:
            report.add(span[2])
        if self._dry_run:
            return text
        return self._replace(text, spans)

    # -- walking ----------------------------------------------------------------------

    def _value(self, value: Any, report: RedactionReport, depth: int) -> Any:
        kind = type(value)
        if kind is str:
            return self._text(value, report)
        if kind is int or kind is float or kind is bool or value is None:
            return value
        if kind is bytes or kind is bytearray:
            return self._bytes(value, report)
        if depth >= self._max_depth:
            report.add(_DEPTH)
            return value if self._dry_run else self._render.mask(_DEPTH)
        if isinstance(value, Mapping):
            return self._mapping(value, report, depth + 1)
        if kind is list or kind is tuple:
            items = [self._value(item, report, depth + 1) for item in value]
            if all(new is old for new, old in zip(items, value, strict=True)):
                return value
            return items if kind is list else tuple(items)
        return value

    def _mapping(self, mapping: Mapping[Any, Any], report: RedactionReport, depth: int) -> Any:
        changed = False
        result: dict[Any, Any] = {}
        verdict = self._keys.verdict
        for key, value in mapping.items():
            judged = verdict(key) if type(key) is str else 0
            if judged == _SENSITIVE:
                new = self._secret(value, report)
            elif judged == _IGNORED:
                new = value
            else:
                new = self._value(value, report, depth)
            new_key = self._text(key, report) if type(key) is str and judged == 0 else key
            changed = changed or new is not value or new_key is not key
            result[new_key] = new
        return result if changed else mapping

    def _secret(self, value: Any, report: RedactionReport) -> Any:
        if value is None or type(value) is bool:
            return value
        if type(value) is str and (not value or _TOKEN.fullmatch(value) or self._allowed(value)):
            return value
        report.add(_SECRET)
        return value if self._dry_run else self._render.render_value(_SECRET, value)

    def _allowed(self, value: str) -> bool:
        allow = self._scanner.allow_pattern
        return allow is not None and allow.fullmatch(value) is not None

    def _bytes(self, value: bytes | bytearray, report: RedactionReport) -> Any:
        text = bytes(value).decode("utf-8", "surrogateescape")
        new = self._text(text, report)
        if new is text:
            return value
        return new.encode("utf-8", "surrogateescape")

    def _text(self, text: str, report: RedactionReport) -> str:
        if len(text) < _SHORTEST_FINDING or text in self._clean:
            return text
        if self._shape_skip and _identifier_or_timestamp(text):
            return text
        first = text[0]
        if (first == "{" or first == "[" or first.isspace()) and len(text) <= self._json_cap:
            redacted = self._json_text(text, report)
            if redacted is not None:
                return redacted
        return self._apply(text, self._scanner.scan(text), report)

    def _json_text(self, text: str, report: RedactionReport) -> str | None:
        stripped = text.lstrip()
        if not stripped or stripped[0] not in "{[":
            return None
        try:
            parsed = json.loads(stripped)
        except (ValueError, RecursionError):
            return None  # not JSON (or absurdly nested): scanned as plain text
        if not isinstance(parsed, (dict, list)):
            return None
        redacted = self._value(parsed, report, 1)
        if redacted is parsed or self._dry_run:
            return text
        return json.dumps(redacted, ensure_ascii=False, separators=(",", ":"))

    def _replace(self, text: str, spans: list[tuple[int, int, str]]) -> str:
        render = self._render.render
        pieces: list[str] = []
        position = 0
        for start, end, entity in spans:
            pieces.append(text[position:start])
            pieces.append(render(entity, text[start:end]))
            position = end
        pieces.append(text[position:])
        return "".join(pieces)


def _identifier_or_timestamp(text: str) -> bool:
    """True for a lower-case hex id (with a letter, not opening with 7 digits — a card
    could), or an ISO date/timestamp: shapes no default detector can match."""
    if not text.strip(_HEX_ID_CHARS):
        return not text[:7].isdigit() and not text.replace("-", "").isdigit()
    return text[4:5] == "-" and _ISO_TIMESTAMP.fullmatch(text) is not None
