"""What a redacted value is replaced by: mask, partial or keyed-hash tokens.

Every token has the shape ``[REDACTED:<entity>…]``, contains nothing a detector finds
(no ``@``, no digit runs) and is skipped when text is scanned again, which is what makes
redaction idempotent. The matched value itself is never part of a token; the partial
mode keeps only the last four digits of cards and phone numbers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from hydra_otel.data_protection._options import RedactionOptions

_PARTIAL_ENTITIES = frozenset({"credit_card", "phone"})
_NORMALISED_DIGITS = frozenset({"credit_card", "phone", "us_ssn", "iban"})
_DIGEST_HEX_CHARS = 16


class TokenRenderer:
    """Turns a matched value into its replacement token, per the options' mode."""

    __slots__ = ("_algorithm", "_key", "_masks", "_mode", "masks_only")

    def __init__(self, options: RedactionOptions) -> None:
        self._mode = options.mode
        self.masks_only = options.mode == "mask"
        """True when every token is the plain mask (``render`` never reads the match)."""
        self._key = options.hmac_key or b""
        self._algorithm = options.hash_algorithm
        self._masks: dict[str, str] = {}

    def mask(self, entity: str) -> str:
        """The plain mask token of ``entity`` (cached)."""
        token = self._masks.get(entity)
        if token is None:
            token = self._masks[entity] = f"[REDACTED:{entity}]"
        return token

    def render(self, entity: str, matched: str) -> str:
        """Return the token replacing ``matched``, detected as ``entity``."""
        mode = self._mode
        if mode == "mask":
            return self.mask(entity)
        if mode == "partial":
            if entity in _PARTIAL_ENTITIES:
                digits = "".join(char for char in matched if char.isdigit())
                return f"[REDACTED:{entity}:****{digits[-4:]}]"
            return self.mask(entity)
        return f"[REDACTED:{entity}#{self.digest(entity, _normalise(entity, matched))}]"

    def render_value(self, entity: str, value: Any) -> str:
        """Token for a whole value held under a sensitive key (any type)."""
        if self._mode != "hash":
            return self.mask(entity)
        text = value if isinstance(value, str) else _canonical(value)
        return f"[REDACTED:{entity}#{self.digest(entity, text)}]"

    def digest(self, entity: str, text: str) -> str:
        """Keyed digest of ``text`` (domain-separated by ``entity``), 16 hex chars."""
        message = entity.encode() + b"\x00" + text.encode("utf-8", "surrogatepass")
        if self._algorithm == "blake2b":
            return hashlib.blake2b(message, key=self._key[:64], digest_size=8).hexdigest()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:_DIGEST_HEX_CHARS]


def _normalise(entity: str, matched: str) -> str:
    if entity in _NORMALISED_DIGITS:
        return "".join(char for char in matched if char.isalnum()).upper()
    if entity == "email":
        return matched.lower()
    return matched


def _canonical(value: Any) -> str:
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), default=repr)
    except (TypeError, ValueError):
        return repr(value)
