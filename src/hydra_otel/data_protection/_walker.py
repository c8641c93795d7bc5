"""ValueWalker: how one value is redacted — text, bytes, maps, lists, JSON in a string.

:class:`~hydra_otel.data_protection.DataSanitizer` builds on it: the options, caches and
the record-level batching live there; this class holds the recursive walk and the steps
for one string that records share with it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from hydra_otel.data_protection._key_rules import SensitiveKeyRules
from hydra_otel.data_protection._patterns import REDACTION_TOKEN
from hydra_otel.data_protection._report import RedactionReport
from hydra_otel.data_protection._scanner import TextScanner
from hydra_otel.data_protection._tokens import TokenRenderer

SHORTEST_FINDING = 5  # "pwd=x"
CLEAN_CACHE_MAX_LEN = 256
CLEAN_CACHE_SIZE = 4096
SKIP, SCAN, PARSE = 0, 1, 2
"""How :meth:`ValueWalker._triage` sends a plain string on."""
SENSITIVE = SensitiveKeyRules.SENSITIVE
IGNORED = SensitiveKeyRules.IGNORED
HEX_ID_CHARS = "0123456789abcdef-"
PLAIN, OPENS, HEXISH = 0, 1, 2
"""What the first character of a string says (:data:`LEADS`): nothing; it may open JSON
(``{``, ``[`` or white space); it may open a hex id or a timestamp (:data:`HEX_ID_CHARS`)."""
LEADS: dict[str, int] = {
    char: OPENS if char in "{[" or char.isspace() else HEXISH if char in HEX_ID_CHARS else PLAIN
    for char in map(chr, range(128))
}
"""The lead class of every ASCII character: one lookup instead of three tests per string
(any other character is PLAIN, or OPENS when it is white space)."""
DEPTH = "depth_limit"
_SECRET = "secret"
_TOKEN = re.compile(REDACTION_TOKEN)
_JSON_SPACE = " \t\n\r"
JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_JSON_DECODER = json.JSONDecoder()
"""What ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))`` uses, built once."""
_ID_OR_TIMESTAMP = re.compile(
    r"(?![0-9]{7})(?:[0-9\-]*[a-f][0-9a-f\-]*|-+)"  # a hex id (a bare date is not one)
    r"|[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]{1,9})?)?"
    r"(?:Z|[+\-][0-9]{2}:?[0-9]{2})?"  # an ISO timestamp
)
"""What :func:`identifier_or_timestamp` accepts, in one match."""
ID_OR_TIMESTAMP = _ID_OR_TIMESTAMP.fullmatch
""":func:`identifier_or_timestamp` without the call around it, for the per-attribute loop."""


class ValueWalker:
    """The walk over one value; the state it reads is set up by DataSanitizer."""

    __slots__ = ()

    _clean: dict[str, None]
    _dry_run: bool
    _json_cap: int
    _keys: SensitiveKeyRules
    _max_depth: int
    _render: TokenRenderer
    _scanner: TextScanner
    _shape_skip: bool

    def _triage(self, text: str) -> int:
        """How a plain string is handled: skipped (too short, known clean, an id or a
        timestamp), parsed first (it may hold JSON) or scanned."""
        if len(text) < SHORTEST_FINDING or text in self._clean:
            return SKIP
        lead = LEADS.get(text[0])
        if lead is None:
            lead = OPENS if text[0].isspace() else PLAIN
        if lead == OPENS and len(text) <= self._json_cap:
            return PARSE
        if lead == HEXISH and self._shape_skip and ID_OR_TIMESTAMP(text) is not None:
            return SKIP  # (both shapes open with a hex digit or "-")
        return SCAN

    def _remember_clean(self, text: str) -> None:
        if len(text) <= CLEAN_CACHE_MAX_LEN:
            if len(self._clean) >= CLEAN_CACHE_SIZE:
                self._clean.clear()
            self._clean[text] = None

    def _apply(self, text: str, spans: list[tuple[int, int, str]], report: RedactionReport) -> str:
        if not spans:
            self._remember_clean(text)
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
            report.add(DEPTH)
            return value if self._dry_run else self._render.mask(DEPTH)
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
            if judged == SENSITIVE:
                new = self._secret(value, report)
            elif judged == IGNORED:
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
        triaged = self._triage(text)
        if triaged == SKIP:
            return text
        if triaged == PARSE:
            return self._parsed_text(text, report)
        return self._apply(text, self._scanner.scan(text), report)

    def _parsed_text(self, text: str, report: RedactionReport) -> str:
        """A string that may hold JSON: key rules apply inside it; else it is scanned."""
        redacted = self._json_text(text, report)
        if redacted is not None:
            return redacted
        return self._apply(text, self._scanner.scan(text), report)

    def _json_text(self, text: str, report: RedactionReport) -> str | None:
        parsed = json_container(text)
        if parsed is None:
            return None
        redacted = self._value(parsed, report, 1)
        if redacted is parsed or self._dry_run:
            return text
        return encode_json(redacted)

    def _replace(self, text: str, spans: list[tuple[int, int, str]]) -> str:
        renderer = self._render
        pieces: list[str] = []
        position = 0
        if renderer.masks_only:  # the token does not depend on the matched text
            mask = renderer.mask
            for start, end, entity in spans:
                pieces.append(text[position:start])
                pieces.append(mask(entity))
                position = end
        else:
            render = renderer.render
            for start, end, entity in spans:
                pieces.append(text[position:start])
                pieces.append(render(entity, text[start:end]))
                position = end
        pieces.append(text[position:])
        return "".join(pieces)


def _chunk_encoder() -> Callable[[Any, int], Any] | None:
    """The C encoder that ``JSON_ENCODER.encode`` builds on every call, built once.

    ``JSONEncoder.encode`` makes it anew per document (with a dict for cycle checks);
    redacted JSON comes from the parser, so it has no cycles, and reusing one encoder
    saves ~3 µs per document. ``None`` (use ``JSON_ENCODER.encode``) when this Python
    has no C encoder, builds it with other arguments, or encodes differently.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    try:
        chunks: Callable[[Any, int], Any] = make(
            None, JSON_ENCODER.default, json.encoder.encode_basestring, None, ":", ",",
            False, False, True,
        )  # fmt: skip
        probe = {"a": [1.5, -0.0, 10**20, None, True, False, 'é\n"\u2028'], "": {"k": []}}
        if "".join(chunks(probe, 0)) != JSON_ENCODER.encode(probe):
            return None
    except Exception:  # any surprise means: keep the standard path
        return None
    return chunks


_CHUNKS = _chunk_encoder()


def encode_json(document: Any) -> str:
    """``JSON_ENCODER.encode(document)`` for a parsed (hence acyclic) JSON document."""
    if _CHUNKS is None or type(document) is str:
        return JSON_ENCODER.encode(document)
    return "".join(_CHUNKS(document, 0))


def json_container(text: str) -> Any:
    """``text`` parsed when it holds a JSON object or array, else ``None``."""
    stripped = text.lstrip()
    if not stripped or stripped[0] not in "{[" or stripped.rstrip(_JSON_SPACE)[-1] not in "}]":
        return None  # not a JSON object or array (decided without a failing parse)
    try:  # json.loads(stripped), without its wrapper: the text is already a str
        parsed, end = _JSON_DECODER.raw_decode(stripped)
    except (ValueError, RecursionError):
        return None  # not JSON (or absurdly nested): scanned as plain text
    if end != len(stripped) and stripped[end:].strip(_JSON_SPACE):
        return None  # extra data after the document (json.loads rejects it)
    return parsed if isinstance(parsed, (dict, list)) else None


def identifier_or_timestamp(text: str) -> bool:
    """True for a lower-case hex id (with a letter, not opening with 7 digits — a card
    could), or an ISO timestamp: shapes no default detector can match."""
    return _ID_OR_TIMESTAMP.fullmatch(text) is not None
