"""TextScanner: finds the spans of sensitive entities inside one string.

Regular expressions in CPython cost tens of nanoseconds per character, so a scanner that
ran twenty of them over every string would cost more than the SDK's whole emit. Instead
cheap tests say which detector families could match, and only those run: a
one-character ``in`` on the text (a memchr: ``"@"``, ``"J"`` of ``eyJ``…), and tests on
the text mapped to a character-class string with :meth:`bytes.translate` (digits ->
``0``, capitals -> ``A``, small letters -> ``a``: ``AA00`` for an IBAN, seven digits
joined by separators for a number). The tests are necessary conditions of the patterns
they guard, so they never hide a match. Distinctive entities (tokens, addresses, IBANs)
are found first and blanked out; the generic passes (numbers, ``key=value`` secrets)
then run on what is left. Spans are merged as a union, the earlier rule naming the
result, so the outcome does not depend on detector order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from hydra_otel.data_protection import _patterns as P
from hydra_otel.data_protection._families import (
    IPV4_HINT,
    inside_url_userinfo,
    key_start,
    local_part_start,
    scan_authorization,
    scan_iban,
    scan_ipv4,
    scan_private_keys,
)
from hydra_otel.data_protection._key_rules import SensitiveKeyRules
from hydra_otel.data_protection._numbers import scan_numbers
from hydra_otel.data_protection._search import (
    BREAK_LENGTH,
    CLASSES,
    MAX_FINDINGS,
    MAX_MATCHES,
    SEGMENT_BREAK,
    TOO_MANY,
    Span,
    add_matches,
    blank_out,
    matches,
    near,
    outside_tokens,
    overflowed,
)
from hydra_otel.data_protection._validators import (
    ipv6_valid,
    jwt_valid,
    shannon_entropy_high,
)

_IPV6_CENTER = re.compile(r"::|[A-Fa-f][0-9A-Fa-f]{0,3}:|:[0-9A-Fa-f]{0,3}[A-Fa-f]")
"""Where an IPv6 address can be on a long text: a "::", or a hex letter next to a colon
(an all-decimal address without "::" is only looked for in texts under 2 KiB)."""
_IPV6_REACH = 60
_EMAIL_DOMAIN = re.compile(P.EMAIL_DOMAIN)
_IPV6 = re.compile(P.IPV6)
_JWT = re.compile(P.JWT)
_AWS = re.compile(P.AWS_ACCESS_KEY)
_GITHUB = re.compile(P.GITHUB_TOKEN)
_SLACK = re.compile(P.SLACK_TOKEN)
_STRIPE = re.compile(P.STRIPE_KEY)
_GOOGLE = re.compile(P.GOOGLE_API_KEY)
_URL_PASSWORD = re.compile(P.URL_PASSWORD)
_SECRET_ASSIGNMENT = re.compile(P.SECRET_ASSIGNMENT)
_SECRET_STEM = re.compile(
    r"(?i)passw|passphrase|passcode|pwd|secret|token|api[_\-]?key|authoriz|cookie|credential"
    r"|private[_\-]?key|cvv|cvc"
)
_STEM_LITERALS = ("pass", "pwd", "secret", "token", "api", "authoriz", "cookie", "credential",
                   "private", "cv")  # fmt: skip
"""A piece of every stem (lower case)."""
_SECRET_STEM_ASCII = re.compile(
    r"p(?:ass(?:w|phrase|code)|wd|rivate(?:key|_key|-key))|secret|token"
    r"|a(?:pi(?:key|_key|-key)|uthoriz)|c(?:ookie|redential|v[vc])"
)
"""The stems of _SECRET_STEM, lower case, as a trie: no stem is a prefix of another, so
it finds the same matches, and the engine tries one branch per position, not seventeen."""
_OPTIONAL = {"uuid": re.compile(P.UUID), "date": re.compile(P.DATE),
             "high_entropy": re.compile(P.HIGH_ENTROPY)}  # fmt: skip
_KEY_RUN = re.compile(r"[\w.\-]*")
_SCHEMES = frozenset({"bearer", "basic", "digest", "token"})


class TextScanner:
    """Find sensitive spans in strings, for a fixed set of enabled entities.

    Args:
        enabled: entity names to detect (see ``PII_PATTERNS``).
        key_rules: the key-name rules used by ``key=value`` pairs inside text.
        extra_patterns: user entities, name -> compiled pattern, run on every string.
        allow: a pattern; a match whose whole text it matches is left alone.
    """

    __slots__ = ("_allow", "_enabled", "_extra", "_key_rules", "_numbers", "_optional", "_rank")

    def __init__(
        self,
        enabled: frozenset[str],
        key_rules: SensitiveKeyRules,
        extra_patterns: Mapping[str, re.Pattern[str]] | None = None,
        allow: re.Pattern[str] | None = None,
    ) -> None:
        self._enabled = enabled
        self._numbers = enabled & {"credit_card", "us_ssn", "phone"}
        self._optional = bool(enabled & set(_OPTIONAL))
        self._key_rules = key_rules
        self._extra = dict(extra_patterns or {})
        self._allow = allow
        order = [*P.PII_PATTERNS, *self._extra]
        self._rank = {entity: index for index, entity in enumerate(order)}

    @property
    def allow_pattern(self) -> re.Pattern[str] | None:
        """The combined allow-list pattern (``None`` when the list is empty)."""
        return self._allow

    def scan_many(self, texts: list[str]) -> list[list[Span] | None] | None:
        """Scan several strings in one pass over their concatenation: the spans of each
        string (``None`` for a clean one), or ``None`` when all are clean (the common
        case)."""
        if len(texts) == 1:
            spans = self.scan(texts[0])
            return [spans] if spans else None
        spans = self.scan(SEGMENT_BREAK.join(texts))
        if not spans:
            return None
        result: list[list[Span] | None] = [None] * len(texts)
        index, base, stop = 0, 0, len(texts[0])
        following = stop + BREAK_LENGTH  # where the next string starts
        for start, end, entity in spans:  # sorted by start: walk the strings along
            while start >= following:  # (spans lie inside the text: it ends in a string)
                index += 1
                base = following
                stop = base + len(texts[index])
                following = stop + BREAK_LENGTH
            if start < stop:  # (a span starting in a break belongs to no string)
                spans_of = result[index]
                if spans_of is None:
                    spans_of = result[index] = []
                spans_of.append((start - base, min(end, stop) - base, entity))
        return result

    def scan(self, text: str) -> list[Span]:
        """Return the merged, sorted spans to redact in ``text`` (empty when clean)."""
        found: list[Span] = []
        classes = text.encode("utf-8", "surrogatepass").translate(CLASSES)
        self._scan_distinct(text, classes, found)
        if not found:
            self._scan_generic(text, classes, found)
        elif len(found) <= MAX_FINDINGS and TOO_MANY not in found:  # (not overflowed)
            # What is found so far is blanked out (same length, so offsets hold) before
            # the generic number and key=value passes, which would pick at its pieces.
            rest = blank_out(text, found)
            rest_classes = rest.encode("utf-8", "surrogatepass").translate(CLASSES)
            self._scan_generic(rest, rest_classes, found)
        if self._extra or self._optional:
            self._scan_user(text, found)
        if not found:
            return found
        if len(text) > MAX_FINDINGS and overflowed(found):  # a shorter text cannot overflow
            return [(0, len(text), "oversized")]
        if len(found) == 1 and self._allow is None and "[REDACTED:" not in text:
            return found  # (what _merge makes of a single finding)
        return self._merge(text, found)

    def _scan_user(self, text: str, found: list[Span]) -> None:
        """Extra patterns from the options and the optional entities."""
        if overflowed(found):
            return
        for entity, pattern in self._extra.items():
            found.extend((*m.span(), entity) for m in matches(pattern, text, found) if m.end())
        if self._optional:
            self._scan_optional(text, found)

    def _scan_distinct(self, text: str, classes: bytes, found: list[Span]) -> None:
        """Entities with a distinctive shape: tokens, addresses, IBANs.

        Every gate is a necessary condition of the detector behind it, tested with the
        cheapest operation that decides it: a one-character ``in`` on the text (a memchr)
        before any longer literal, a regular expression only where a literal leads it.
        Each token starts with a literal, so a rare character of it is looked for first.

        Private keys come first: the gates after them read the text with each key's
        header and body blanked out, so a base64 body does not send every other
        detector over it. A match whose gate character lies only in there would lie
        inside the key too (no pattern crosses the line breaks that close its lines),
        and the union with the key would swallow it (unless an allow-list or an earlier
        redaction token drops the key's span: then the gates read the whole text); the
        detectors still run on the whole text.
        """
        enabled = self._enabled
        gates, gate_classes = text, classes
        if "V" in text and "-----BEGIN" in text and "private_key" in enabled:
            keys_from = len(found)
            scan_private_keys(text, found)
            if len(found) > keys_from and self._allow is None and "[REDACTED:" not in text:
                # (only when nothing can take the key's span back: see _merge)
                gates = _without_key_bodies(text, found[keys_from:])
                gate_classes = gates.encode("utf-8", "surrogatepass").translate(CLASSES)
        # JWTs and API keys (an AWS key id opens with four capitals)
        if "J" in gates and "eyJ" in gates and "jwt" in enabled:
            found.extend(
                (*m.span(), "jwt") for m in matches(_JWT, text, found) if jwt_valid(m.group())
            )
        if "A" in gates and "aws_access_key" in enabled and gate_classes.find(b"AAAA") >= 0:
            add_matches(_AWS, text, "aws_access_key", found)
        underscore = "_" in gates  # GitHub and Stripe tokens hold one
        if underscore and ("gh" in gates or "github_pat_" in gates) and "github_token" in enabled:
            add_matches(_GITHUB, text, "github_token", found)
        if "x" in gates and ("xox" in gates or "xapp-" in gates) and "slack_token" in enabled:
            add_matches(_SLACK, text, "slack_token", found)
        if underscore and ("k_live_" in gates or "k_test_" in gates) and "stripe_key" in enabled:
            add_matches(_STRIPE, text, "stripe_key", found)
        if "I" in gates and "AIza" in gates and "google_api_key" in enabled:
            add_matches(_GOOGLE, text, "google_api_key", found)
        if "@" in gates:
            self._scan_at(text, found)
        if gate_classes.find(b"AA00") >= 0 and "iban" in enabled:
            scan_iban(text, classes, found)
        if "." in gates and gates.count(".") >= 3 and "ipv4" in enabled:
            hint = IPV4_HINT.search(gate_classes)
            if hint is not None:
                if gates is not text:  # (the first hint may lie in a key)
                    hint = IPV4_HINT.search(classes)
                scan_ipv4(text, classes, hint, found)
        if ":" in gates and ("::" in gates or gates.count(":") >= 7) and "ipv6" in enabled:
            candidates = (
                _IPV6.finditer(text)  # (what near() does then, without its generators)
                if len(text) <= MAX_MATCHES
                else near(_IPV6, text, _IPV6_CENTER, _IPV6_REACH, found)
            )
            for m in candidates:
                if ipv6_valid(m.group()):
                    found.append((*m.span(), "ipv6"))

    def _scan_generic(self, text: str, classes: bytes, found: list[Span]) -> None:
        """Numbers (cards, SSNs, phones) and key=value secrets (``found`` has not
        overflowed when this is called)."""
        numbers, enabled = self._numbers, self._enabled
        folded = text.lower()  # (the SSN, Authorization and key=value gates read it)
        if numbers:
            scan_numbers(text, folded, classes, numbers, found)
            if found and (len(found) > MAX_FINDINGS or TOO_MANY in found):  # overflowed
                return
        if (
            ("b" in text or "B" in text)
            and "authorization" in enabled
            and ("bearer" in folded or "basic" in folded)
        ):
            scan_authorization(text, found)
            if found and overflowed(found):
                return
        # A key=value secret needs its "=" or ":".
        if ("=" in text or ":" in text) and "secret" in enabled:
            self._scan_assignments(text, folded, found)

    # -- families ---------------------------------------------------------------------

    def _scan_at(self, text: str, found: list[Span]) -> None:
        userinfo = "://" in text
        if userinfo and "url_password" in self._enabled:
            add_matches(_URL_PASSWORD, text, "url_password", found, 1)
            if overflowed(found):
                return
        if "email" in self._enabled:
            for m in _searches(_EMAIL_DOMAIN, text, found):
                start = local_part_start(text, m.start())
                if start >= 0 and not (userinfo and inside_url_userinfo(text, start)):
                    found.append((start, m.end(), "email"))
                    if len(found) > MAX_FINDINGS:
                        return

    def _scan_assignments(self, text: str, folded: str, found: list[Span]) -> None:
        # The stems are searched case-sensitively in the lower-cased text (``folded``),
        # which keeps the offsets unless a character changes length; then only a
        # case-insensitive search will do, and that is slow enough to be worth a test
        # for its literals. Most texts hold no stem: they leave after one search.
        if text.isascii() or len(folded) == len(text):
            first = _SECRET_STEM_ASCII.search(folded)
            if first is None:
                return
            stems: Iterator[re.Match[Any]] = _searches(_SECRET_STEM_ASCII, folded, found, first)
        elif any(literal in folded for literal in _STEM_LITERALS):
            stems = matches(_SECRET_STEM, text, found)
        else:
            return
        resume = 0
        for stem in stems:
            if stem.start() < resume:
                continue
            if len(found) > MAX_FINDINGS:
                return
            # Every stem of one run of key characters gives the same key: judge it once,
            # and before reading any value (values run up to 4 KiB).
            resume = _KEY_RUN.match(text, stem.end()).end()  # type: ignore[union-attr]
            begin = key_start(text, stem.start())
            if not self._key_rules.is_sensitive(text[begin:resume]):
                continue
            m = _SECRET_ASSIGNMENT.match(text, begin)
            if m is None or not self._key_rules.is_sensitive(m.group("key")):
                continue
            start, end = m.span("value")
            if text[start] in "\"'" and end - start >= 2:
                start, end = start + 1, end - 1
            value = text[start:end]
            if value and not value.startswith("[REDACTED:") and value.lower() not in _SCHEMES:
                # (a bare scheme word: its credential was already found and blanked out)
                found.append((start, end, "secret"))
            resume = m.end()

    def _scan_optional(self, text: str, found: list[Span]) -> None:
        for entity, pattern in _OPTIONAL.items():
            if entity not in self._enabled:
                continue
            for m in matches(pattern, text, found):
                if entity != "high_entropy" or shannon_entropy_high(m.group()):
                    found.append((m.start(), m.end(), entity))

    # -- merging ----------------------------------------------------------------------

    def _merge(self, text: str, found: list[Span]) -> list[Span]:
        if self._allow is not None:
            allow = self._allow.fullmatch
            found = [span for span in found if allow(text, span[0], span[1]) is None]
        if "[REDACTED:" in text:
            found = outside_tokens(text, found)
        if len(found) == 1:
            return found
        rank = self._rank
        found.sort()  # by start; ties are unions anyway, named by rank below
        merged: list[Span] = []
        for start, end, entity in found:
            if merged and start < merged[-1][1]:
                m_start, m_end, m_entity = merged[-1]
                if rank.get(entity, 99) < rank.get(m_entity, 99):
                    m_entity = entity
                merged[-1] = (m_start, max(m_end, end), m_entity)
            else:
                merged.append((start, end, entity))
        return merged


def _searches(
    pattern: re.Pattern[str], text: str, found: list[Span], first: re.Match[str] | None = None
) -> Iterator[re.Match[str]]:
    """``matches(pattern, text, found)`` as a search per match: when matches are few
    (stems in a log line), cheaper than setting up ``finditer``. ``pattern`` must not
    match an empty string; ``first``, when given, is its first match."""
    search, count = pattern.search, 0
    m = search(text) if first is None else first
    while m is not None:
        count += 1
        if count > MAX_MATCHES:
            found.append(TOO_MANY)
            return
        yield m
        m = search(text, m.end())


def _without_key_bodies(text: str, keys: list[Span]) -> str:
    """``text`` with each private key blanked from its header to its END line (the END
    line stays: a token could start in it and run on past the key)."""
    bodies = []
    for start, end, _ in keys:
        end_line = text.find("-----END", start, end)
        bodies.append((start, end if end_line < 0 else end_line, "private_key"))
    return blank_out(text, bodies)
