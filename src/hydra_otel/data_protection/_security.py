"""SecurityValidator: neutralises log injection and reports what it changed.

Three attacks are covered. *Line forging*: a CR or LF (or U+2028, U+2029, NEL) inside a
field that a text log prints on one line lets an attacker start a fake record. *Terminal
injection*: ANSI escape sequences and other control characters recolour, hide or rewrite
what an operator sees in a terminal; bidi overrides reorder what a reader sees. *Flooding*:
an oversized value. Dangerous characters are not dropped but made visible as escapes
(``\\n``, ``\\x1b``, ``\\u202e``), so nothing is hidden and nothing is executed.
"""

from __future__ import annotations

import re
from collections.abc import Collection, MutableMapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_MULTILINE_KEYS: frozenset[str] = frozenset(
    {"exception.stacktrace", "code.stacktrace", "db.statement", "db.query.text"}
)
"""Attributes that legitimately span lines; CR/LF there are kept (other controls are not)."""

_LINE_BREAKS = frozenset("\r\n\x85\u2028\u2029")
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_NAMED = {"\r": "\\r", "\n": "\\n", "\t": "\\t"}


@dataclass(frozen=True, slots=True)
class SecurityFinding:
    """One kind of change made to one field."""

    kind: str
    """``line_break``, ``ansi``, ``control``, ``bidi`` or ``oversized``."""
    field: str
    """``body`` or the attribute key."""
    count: int = 1
    """How many occurrences were neutralised (characters cut, for ``oversized``)."""


@dataclass(slots=True)
class NeutralizedText:
    """The result of :meth:`SecurityValidator.neutralize`."""

    text: str
    changes: dict[str, int] = field(default_factory=dict)
    """Kind -> count of what was neutralised; empty when the text was already safe."""


class SecurityValidator:
    """Neutralises CR/LF in single-line fields, control and ANSI sequences, oversized values.

    Args:
        max_length: longest string kept whole; longer ones are cut and marked.
        multiline_keys: attribute keys whose values may keep line breaks.
        multiline_body: whether the log body may keep line breaks (it usually may).
    """

    __slots__ = ("_max_length", "_multiline_body", "_multiline_keys")

    def __init__(
        self,
        *,
        max_length: int = 32768,
        multiline_keys: Collection[str] = DEFAULT_MULTILINE_KEYS,
        multiline_body: bool = True,
    ) -> None:
        if max_length < 16:
            raise ValueError(f"max_length must be >= 16, got {max_length}")
        self._max_length = max_length
        self._multiline_keys = frozenset(multiline_keys)
        self._multiline_body = multiline_body

    @property
    def max_length(self) -> int:
        """Longest string kept whole."""
        return self._max_length

    def neutralize(self, text: str, *, single_line: bool = True) -> NeutralizedText:
        """Return ``text`` made safe, with the kinds and counts of what changed."""
        if len(text) <= self._max_length and text.isprintable():
            return NeutralizedText(text)
        changes: dict[str, int] = {}
        if len(text) > self._max_length:
            changes["oversized"] = len(text) - self._max_length
            text = text[: self._max_length]
        if "\x1b" in text:
            text, count = _ANSI.subn(lambda m: _escape_all(m.group()), text)
            if count:
                changes["ansi"] = count
        if not text.isprintable():
            text = self._escape_controls(text, single_line, changes)
        if "oversized" in changes:
            text += f"…[truncated {changes['oversized']} chars]"
        return NeutralizedText(text, changes)

    def _escape_controls(self, text: str, single_line: bool, changes: dict[str, int]) -> str:
        pieces: list[str] = []
        for char in text:
            if char.isprintable() or char == "\t":
                pieces.append(char)
                continue
            if char in _LINE_BREAKS:
                if not single_line and char in "\r\n":
                    pieces.append(char)
                    continue
                kind = "line_break"
            elif char in _BIDI:
                kind = "bidi"
            elif char == " " or char.isspace():
                pieces.append(char)
                continue
            else:
                kind = "control"
            changes[kind] = changes.get(kind, 0) + 1
            pieces.append(_escape(char))
        return "".join(pieces)

    def validate_body(self, body: Any) -> tuple[Any, list[SecurityFinding]]:
        """Neutralise a log body (strings, also inside lists); line breaks per the options."""
        return self._value(body, "body", not self._multiline_body)

    def validate_attributes(self, attributes: MutableMapping[str, Any]) -> list[SecurityFinding]:
        """Neutralise every attribute value in place; return what changed."""
        findings: list[SecurityFinding] = []
        for key, value in list(attributes.items()):
            if not isinstance(value, (str, list, tuple)):
                continue
            new, found = self._value(value, key, key not in self._multiline_keys)
            if found:
                attributes[key] = new
                findings += found
        return findings

    def _value(self, value: Any, name: str, single_line: bool) -> tuple[Any, list[SecurityFinding]]:
        if isinstance(value, str):
            result = self.neutralize(value, single_line=single_line)
            return result.text, [SecurityFinding(k, name, n) for k, n in result.changes.items()]
        if isinstance(value, (list, tuple)):
            findings: list[SecurityFinding] = []
            items = []
            for item in value:
                new, found = self._value(item, name, single_line)
                items.append(new)
                findings += found
            return (type(value)(items) if findings else value), findings
        return value, []


def _escape(char: str) -> str:
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _escape_all(sequence: str) -> str:
    return sequence.replace("\x1b", "\\x1b").replace("\x07", "\\x07")
