"""TextScanner: finds the spans of sensitive entities inside one string.

Regular expressions in CPython cost tens of nanoseconds per character, so a scanner that
ran twenty of them over every string would cost more than the SDK's whole emit. Instead
the text is encoded once and mapped to a character-class string with
:meth:`bytes.translate` (digits -> ``0``, capitals -> ``A``, small letters -> ``a``);
cheap tests on those bytes (``b"@" in raw``, ``b"AA00" in classes``, a digit count, one
literal-led hint pattern) say which detector families could match, and only those run.
The tests are necessary conditions of the patterns they guard, so they never hide a
match. Distinctive entities (tokens, addresses, IBANs) are found first and blanked out;
the generic passes (numbers, ``key=value`` secrets) then run on what is left. Spans are
merged as a union, the earlier rule naming the result, so the outcome does not depend on
detector order.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from typing import Any

from hydra_otel.data_protection import _patterns as P
from hydra_otel.data_protection._families import (
    DROP_SEPARATORS,
    IPV4_HINT,
    inside_url_userinfo,
    key_start,
    local_part_start,
    mask_digit_run,
    plain_number_end,
    scan_authorization,
    scan_iban,
    scan_ipv4,
    scan_private_keys,
)
from hydra_otel.data_protection._key_rules import SensitiveKeyRules
from hydra_otel.data_protection._numbers import Budget, classify_number_run, segment_number_run
from hydra_otel.data_protection._search import (
    BREAK_LENGTH,
    CLASSES,
    MAX_FINDINGS,
    SEGMENT_BREAK,
    Span,
    blank_out,
    matches,
    near,
    outside_tokens,
    overflowed,
    secret_hint,
    token_hint,
)
from hydra_otel.data_protection._validators import (
    ipv6_valid,
    jwt_valid,
    shannon_entropy_high,
)

_NUMBER_WINDOW_AFTER = 16
_LONGEST_NUMBER = 21  # digits; a longer run holds several numbers
_LONGEST_RUN = _LONGEST_NUMBER * 4  # characters: 21 digits and at most 3 separators each
_DIGIT_BYTES = b"0123456789"
_NUMBER_BUDGET_BASE, _NUMBER_BUDGET_CHARS = 512, 128

_NUMBER_FINDER = re.compile(
    r"[0-9](?=[0-9 ().\-]{6})"  # a digit starting a run long enough to matter,
    r"(?<![\w.\-/#@$][0-9])(?<![0-9]:[0-9])"  # not inside a word, id or clock time,
    r"(?!(?:(?<=1)9|(?<=2)0)[0-9]{2}-[01][0-9]-[0-3][0-9](?:[T ][0-9]{2}:|[^0-9 ().\-]|$))"
    r"[0-9 ().\-]{6,}"  # and not a plain date
)
# Hints run on the text mapped to character classes (digits -> 0, A-Z -> A, a-z -> a) or
# on its raw or lower-cased bytes; literal-led patterns are what CPython's regex engine
# searches fastest. Each is a necessary condition of the detectors it guards.
_IPV6_CENTER = re.compile(r"::|[A-Fa-f][0-9A-Fa-f]{0,3}:|:[0-9A-Fa-f]{0,3}[A-Fa-f]")
"""Where an IPv6 address can be on a long text: a "::", or a hex letter next to a colon
(an all-decimal address without "::" is only looked for in texts under 2 KiB)."""
_IPV6_REACH = 60
_NUMBER = re.compile(P.NUMBER)
_EMAIL_DOMAIN = re.compile(P.EMAIL_DOMAIN)
_SSN_CONTEXT = re.compile(P.SSN_CONTEXT, re.ASCII)
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
_SECRET_STEM_LOWER = re.compile(_SECRET_STEM.pattern.removeprefix("(?i)"))
_SECRET_STEM_ASCII = re.compile(
    rb"passw|passphrase|passcode|pwd|secret|token|apikey|api_key|api-key|authoriz|cookie"
    rb"|credential|privatekey|private_key|private-key|cvv|cvc"
)
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

    def scan_many(self, texts: list[str]) -> list[list[Span]]:
        """Scan several strings in one pass over their concatenation; spans per string."""
        if len(texts) == 1:
            return [self.scan(texts[0])]
        joined = SEGMENT_BREAK.join(texts)
        result: list[list[Span]] = [[] for _ in texts]
        spans = self.scan(joined)
        if not spans:
            return result
        starts, offset = [], 0
        for text in texts:
            starts.append(offset)
            offset += len(text) + BREAK_LENGTH
        for start, end, entity in spans:
            index = bisect_right(starts, start) - 1
            base = starts[index]
            limit = len(texts[index])
            if start - base < limit:
                result[index].append((start - base, min(end - base, limit), entity))
        return result

    def scan(self, text: str) -> list[Span]:
        """Return the merged, sorted spans to redact in ``text`` (empty when clean)."""
        raw = text.encode("utf-8", "surrogatepass")
        found: list[Span] = []
        self._scan_distinct(text, raw, found)
        if not found:
            self._scan_generic(text, raw, found)
        elif not overflowed(found):
            # What is found so far is blanked out (same length, so offsets hold) before
            # the generic number and key=value passes, which would pick at its pieces.
            rest = blank_out(text, found)
            self._scan_generic(rest, rest.encode("utf-8", "surrogatepass"), found)
        if self._extra or self._optional:
            self._scan_user(text, found)
        if not found:
            return found
        if len(text) > MAX_FINDINGS and overflowed(found):  # a shorter text cannot overflow
            return [(0, len(text), "oversized")]
        return self._merge(text, raw, found)

    def _scan_user(self, text: str, found: list[Span]) -> None:
        """Extra patterns from the options and the optional entities."""
        if overflowed(found):
            return
        for entity, pattern in self._extra.items():
            found.extend((*m.span(), entity) for m in matches(pattern, text, found) if m.end())
        if self._optional:
            self._scan_optional(text, found)

    def _scan_distinct(self, text: str, raw: bytes, found: list[Span]) -> None:
        """Entities with a distinctive shape: tokens, addresses, IBANs."""
        classes = raw.translate(CLASSES)
        enabled = self._enabled
        if token_hint(raw):
            self._scan_tokens(text, raw, found)
        if b"@" in raw:
            self._scan_at(text, raw, found)
        if b"AA00" in classes and "iban" in enabled:
            scan_iban(text, found)
        if raw.count(b".") >= 3 and IPV4_HINT.search(classes) is not None and "ipv4" in enabled:
            scan_ipv4(text, raw, classes, found)
        if (b"::" in raw or raw.count(b":") >= 7) and "ipv6" in enabled:
            found.extend(
                (*m.span(), "ipv6")
                for m in near(_IPV6, text, _IPV6_CENTER, _IPV6_REACH, found)
                if ipv6_valid(m.group())
            )

    def _scan_generic(self, text: str, raw: bytes, found: list[Span]) -> None:
        """Numbers (cards, SSNs, phones) and key=value secrets."""
        digits = len(raw) - len(raw.translate(None, _DIGIT_BYTES))
        if digits >= 7 and self._numbers and not overflowed(found):  # 7 = shortest number
            self._scan_numbers(text, raw, found)
        lowered = raw.lower()
        if secret_hint(lowered) and not overflowed(found):
            self._scan_secrets(text, lowered, found)

    # -- families ---------------------------------------------------------------------

    def _scan_at(self, text: str, raw: bytes, found: list[Span]) -> None:
        if b"://" in raw and "url_password" in self._enabled:
            found.extend((*m.span(1), "url_password") for m in matches(_URL_PASSWORD, text, found))
            if overflowed(found):
                return
        if "email" in self._enabled:
            userinfo = b"://" in raw
            for m in matches(_EMAIL_DOMAIN, text, found):
                start = local_part_start(text, m.start())
                if start >= 0 and not (userinfo and inside_url_userinfo(text, start)):
                    found.append((start, m.end(), "email"))
                    if len(found) > MAX_FINDINGS:
                        return

    def _scan_numbers(self, text: str, raw: bytes, found: list[Span]) -> None:
        numbers = self._numbers
        if "us_ssn" in numbers:
            lowered = raw.lower()
            if b"ssn" in lowered or b"social" in lowered:
                found.extend((*m.span(1), "us_ssn") for m in matches(_SSN_CONTEXT, text, found))
                if overflowed(found):
                    return
        budget = Budget(_NUMBER_BUDGET_BASE + len(text) // _NUMBER_BUDGET_CHARS)
        searched_to = 0
        length = len(text)
        for candidate in _NUMBER_FINDER.finditer(text):
            run = candidate.group().rstrip(" ().-")
            run_start = candidate.start()
            run_end = run_start + len(run)
            if len(found) > MAX_FINDINGS:
                return  # the whole string is masked as oversized
            budget.left -= 1
            if budget.left <= 0:
                found.append((run_start, run_end, "number"))  # fail closed, cheaply
                continue
            if run.isdigit():
                if plain_number_end(text, run_end) and text[run_start - 1 : run_start] not in "+(":
                    # A bare run with clean edges is exactly what NUMBER would match.
                    found.extend(classify_number_run(text, run_start, run_end, numbers, budget))
                    searched_to = candidate.end()
                    continue
            elif len(run) > _LONGEST_RUN or len(run.translate(DROP_SEPARATORS)) > _LONGEST_NUMBER:
                numbers_found, stopped = segment_number_run(
                    text, run_start, run_end, numbers, budget
                )
                found.extend(numbers_found)
                mask_digit_run(text[stopped:run_end], stopped, run_end, found)
                searched_to = candidate.end()
                continue
            # A match starting inside the candidate ends inside it or in its extension, so
            # the window never cuts a real match; matches starting later belong to the
            # next candidate and are left to it.
            start = max(run_start - 2, searched_to)
            stop = min(length, candidate.end() + _NUMBER_WINDOW_AFTER)
            for m in _NUMBER.finditer(text, start, stop):
                if m.start() >= candidate.end():
                    break
                found.extend(classify_number_run(text, m.start(), m.end(), numbers, budget))
                searched_to = m.end()
            searched_to = max(searched_to, candidate.end())

    def _scan_tokens(self, text: str, raw: bytes, found: list[Span]) -> None:
        enabled = self._enabled
        if b"eyJ" in raw and "jwt" in enabled:
            found.extend(
                (*m.span(), "jwt") for m in matches(_JWT, text, found) if jwt_valid(m.group())
            )
        if "aws_access_key" in enabled:
            found.extend((*m.span(), "aws_access_key") for m in matches(_AWS, text, found))
        if (b"gh" in raw or b"github_pat_" in raw) and "github_token" in enabled:
            found.extend((*m.span(), "github_token") for m in matches(_GITHUB, text, found))
        if (b"xox" in raw or b"xapp-" in raw) and "slack_token" in enabled:
            found.extend((*m.span(), "slack_token") for m in matches(_SLACK, text, found))
        if (b"k_live_" in raw or b"k_test_" in raw) and "stripe_key" in enabled:
            found.extend((*m.span(), "stripe_key") for m in matches(_STRIPE, text, found))
        if b"AIza" in raw and "google_api_key" in enabled:
            found.extend((*m.span(), "google_api_key") for m in matches(_GOOGLE, text, found))
        if b"-----BEGIN" in raw and "private_key" in enabled:
            scan_private_keys(text, found)

    def _scan_secrets(self, text: str, lowered: bytes, found: list[Span]) -> None:
        if "authorization" in self._enabled and (b"bearer" in lowered or b"basic" in lowered):
            scan_authorization(text, found)
        if "secret" in self._enabled:
            self._scan_assignments(text, lowered, found)

    def _scan_assignments(self, text: str, lowered: bytes, found: list[Span]) -> None:
        # Byte offsets equal character offsets for ASCII text, where the fast
        # case-sensitive search over the lower-cased bytes can be used.
        if len(lowered) == len(text):
            stems: Iterator[re.Match[Any]] = matches(_SECRET_STEM_ASCII, lowered, found)
        else:
            folded = text.lower()  # keeps offsets unless a character changes length
            same = len(folded) == len(text)
            stems = matches(
                _SECRET_STEM_LOWER if same else _SECRET_STEM, folded if same else text, found
            )
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

    def _merge(self, text: str, raw: bytes, found: list[Span]) -> list[Span]:
        if self._allow is not None:
            allow = self._allow.fullmatch
            found = [span for span in found if allow(text, span[0], span[1]) is None]
        if b"[REDACTED:" in raw:
            found = outside_tokens(text, found)
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
