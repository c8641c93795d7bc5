"""Key-name rules: which attribute or field names hold a secret whatever their value.

A key is split into lower-case words at camelCase humps and at any non-alphanumeric
character (``apiKey`` -> ``api key``, ``http.request.header.set-cookie`` -> ``http request
header set cookie``). It is sensitive when a word is a secret word (``password``,
``cookie`` …), when two adjacent words form a secret pair (``api key``, ``access token``)
or when its last word is ``token`` — and not when a later word says it is only metadata
about the secret (``password_expired``, ``secret_name``, ``token_count``). Working on
whole words is what keeps ``author``, ``input_tokens``, ``tokens_used``,
``keyboard_layout`` and ``session_count`` intact. Verdicts are cached per key name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

SECRET_WORDS: frozenset[str] = frozenset(
    {
        "password", "passwd", "pwd", "passphrase", "passcode", "secret", "secrets",
        "authorization", "cookie", "cookies", "credential", "credentials", "apikey",
        "privatekey", "cvv", "cvc", "cvv2", "pin", "otp", "totp",
    }
)  # fmt: skip
"""Words that make a key sensitive wherever they appear in it."""

SECRET_PAIRS: frozenset[tuple[str, str]] = frozenset(
    {
        ("api", "key"), ("private", "key"), ("secret", "key"), ("access", "key"),
        ("signing", "key"), ("encryption", "key"), ("access", "token"), ("refresh", "token"),
        ("id", "token"), ("auth", "token"), ("session", "token"), ("bearer", "token"),
        ("client", "secret"), ("account", "key"), ("master", "key"),
    }
)  # fmt: skip
"""Adjacent word pairs that make a key sensitive."""

METADATA_WORDS: frozenset[str] = frozenset(
    {
        "count", "counts", "length", "len", "size", "type", "kind", "policy", "expired",
        "expires", "expiry", "expiration", "ttl", "at", "time", "timestamp", "changed",
        "updated", "created", "reset", "required", "enabled", "disabled", "valid",
        "validated", "strength", "rotation", "rotated", "version", "name", "names", "id",
        "ids", "provider", "algorithm", "alg", "format", "scheme", "status", "used",
        "attempts", "retries", "error", "errors", "present", "missing", "field", "fields",
        "rule", "rules", "hint", "path", "file", "env", "ref", "arn", "source", "store",
        "manager", "url", "uri", "endpoint", "header", "prefix", "suffix", "mask", "method",
    }
)  # fmt: skip
"""A last word among these makes a key describe a secret rather than hold one."""

_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_CACHE_LIMIT = 8192
_OWN_PREFIXES = ("redaction.", "hydra.audit.")


def key_words(key: str) -> list[str]:
    """Split a key name into lower-case words (camelCase and any separator)."""
    return [word for word in _NON_ALNUM.split(_HUMP.sub(" ", key).lower()) if word]


def _words_sensitive(words: list[str]) -> bool:
    if not words:
        return False
    hit = -1
    for index, word in enumerate(words):
        pair = (words[index - 1], word) if index else None
        if word in SECRET_WORDS or (pair is not None and pair in SECRET_PAIRS):
            hit = index
    if hit < 0 and words[-1] == "token":
        hit = len(words) - 1
    if hit < 0:
        return False
    return hit == len(words) - 1 or words[-1] not in METADATA_WORDS


class SensitiveKeyRules:
    """Judges key names; extra sensitive and ignored keys come from the options.

    Args:
        extra_sensitive: more key names (or single words) to treat as secrets.
        ignored: key names never inspected at all (kept verbatim).
        builtin: apply the built-in rules (``password``, ``api_key``, ``*_token`` …);
            False leaves only ``extra_sensitive`` and ``ignored``.
    """

    __slots__ = ("_builtin", "_cache", "_extra_sensitive", "_extra_words", "_ignored")

    SENSITIVE: Final = 1
    """Verdict: the value is redacted whatever it holds."""
    IGNORED: Final = 2
    """Verdict: the value is kept verbatim."""
    NORMAL: Final = 0
    """Verdict: the value is scanned by the detectors."""

    def __init__(
        self,
        extra_sensitive: Iterable[str] = (),
        ignored: Iterable[str] = (),
        builtin: bool = True,
    ) -> None:
        self._builtin = builtin
        self._extra_sensitive = frozenset(key.lower() for key in extra_sensitive)
        self._extra_words = frozenset(
            word for key in extra_sensitive for word in key_words(key) if "_" not in key
        )
        self._ignored = frozenset(ignored)
        self._cache: dict[str, int] = {}

    def verdict(self, key: str) -> int:
        """Return NORMAL, SENSITIVE or IGNORED for ``key`` (cached)."""
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        verdict = self._judge(key)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = verdict
        return verdict

    @property
    def known_verdicts(self) -> dict[str, int]:
        """The verdict cache itself (read-only use): hot loops look keys up without a call."""
        return self._cache

    def is_sensitive(self, key: str) -> bool:
        """True when values under ``key`` are redacted whatever they hold."""
        return self.verdict(key) == self.SENSITIVE

    def _judge(self, key: str) -> int:
        if key in self._ignored or key.startswith(_OWN_PREFIXES):
            return self.IGNORED
        if key.lower() in self._extra_sensitive:
            return self.SENSITIVE
        words = key_words(key)
        if self._extra_words.intersection(words) or (self._builtin and _words_sensitive(words)):
            return self.SENSITIVE
        return self.NORMAL
