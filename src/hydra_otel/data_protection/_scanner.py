"""TextScanner: finds the spans of sensitive entities inside one string.

Regular expressions in CPython cost tens of nanoseconds per character, so a scanner that
ran twenty of them over every string would cost more than the SDK's whole emit. Instead
the text is encoded once and mapped to a character-class string with
:meth:`bytes.translate` (digits -> ``0``, capitals -> ``A``, small letters -> ``a``);
cheap substring tests on those two byte strings (``b"@" in raw``, ``b"0000000" in
digits_joined``, ``b"AA00" in classes`` …) say which detector families could match,
and only those run. The tests are necessary conditions of the patterns they guard, so
they never hide a match. Spans from all detectors are then merged as a union, the
earlier rule naming the result, which makes the outcome independent of detector order.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from typing import AnyStr

from hydra_otel.data_protection import _patterns as P
from hydra_otel.data_protection._key_rules import SensitiveKeyRules
from hydra_otel.data_protection._numbers import Budget, classify_number_run, segment_number_run
from hydra_otel.data_protection._validators import (
    IBAN_LENGTHS,
    basic_credentials_valid,
    bearer_token_plausible,
    iban_valid,
    ipv4_valid,
    ipv6_valid,
    jwt_valid,
    shannon_entropy_high,
)

Span = tuple[int, int, str]
"""(start, end, entity) of one redaction inside a string."""

SEGMENT_BREAK = "\n" * 8
"""Joins the strings of one record for a single scan. Every pattern stops at a line
break and context look-arounds stay within 8 characters of non-space, so nothing found
spans two strings (a private key without END stops at the break as well)."""
_BREAK_LENGTH = len(SEGMENT_BREAK)

_CLASSES = bytes(
    ord("0") if 48 <= b <= 57 else ord("A") if 65 <= b <= 90 else ord("a") if 97 <= b <= 122 else b
    for b in range(256)
)
_NUMBER_WINDOW_AFTER = 16
_LONGEST_NUMBER = 21  # digits; a longer run holds several numbers
_LONGEST_RUN = _LONGEST_NUMBER * 4  # characters: 21 digits and at most 3 separators each
_DROP_SEPARATORS = str.maketrans("", "", " ().-")
_DIGIT_BYTES = b"0123456789"
_NUMBER_BUDGET_BASE, _NUMBER_BUDGET_CHARS = 512, 128
_MAX_FINDINGS = 1024
"""More findings than this in one string is not a log line but a dump: it is masked whole."""
_MAX_MATCHES = 2048
"""Candidates one pattern may yield per string before the string counts as a dump too."""
_TOO_MANY: Span = (0, 0, "oversized")

_NUMBER_FINDER = re.compile(
    r"[0-9](?=[0-9 ().\-]{6})"  # a digit starting a run long enough to matter,
    r"(?<![\w.\-/#@$][0-9])(?<![0-9]:[0-9])"  # not inside a word, id or clock time,
    r"(?!(?:(?<=1)9|(?<=2)0)[0-9]{2}-[01][0-9]-[0-3][0-9](?:[T ][0-9]{2}:|[^0-9 ().\-]|$))"
    r"[0-9 ().\-]{6,}"  # and not a plain date
)
# Hints run on the text mapped to character classes (digits -> 0, A-Z -> A, a-z -> a) or
# on its raw or lower-cased bytes; literal-led patterns are what CPython's regex engine
# searches fastest. Each is a necessary condition of the detectors it guards.
_IPV4_HINT = re.compile(rb"0\.0{1,3}\.0{1,3}\.0")
_IPV4_REACH = 16
_IPV6_CENTER = re.compile(rb"::|[A-Fa-f][0-9A-Fa-f]{0,3}:|:[0-9A-Fa-f]{0,3}[A-Fa-f]")
"""Where an IPv6 address can be on a long text: a "::", or a hex letter next to a colon
(an all-decimal address without "::" is only looked for in texts under 2 KiB)."""
_IPV6_REACH = 60
_WINDOW_SLACK = 512  # windows grow past their centre so that dense hits need few of them
_TOKEN_HINT = re.compile(
    rb"eyJ|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA|ghp_|gho_|ghu_|ghs_"
    rb"|ghr_|github_pat_|xox|xapp-|sk_live_|sk_test_|rk_live_|rk_test_|AIza|-----BEGIN"
)
_SECRET_HINT = re.compile(rb"pass|pwd|secret|token|key|auth|cookie|credential|cvv|cvc|bearer|basic")
# On long texts a literal alternation can cost far more per byte (when the text is full of
# its first letters) than one fast substring search per literal, so long texts use those.
_LONG_TEXT = 2048
_SECRET_LITERALS = tuple(_SECRET_HINT.pattern.split(b"|"))
_NUMBER = re.compile(P.NUMBER)
_EMAIL_DOMAIN = re.compile(P.EMAIL_DOMAIN)
_LOCAL_PART = re.compile(r"[\w.+%\-]{1,65}+")
_IBAN = re.compile(P.IBAN)
_SSN_CONTEXT = re.compile(P.SSN_CONTEXT, re.ASCII)
_IPV4 = re.compile(P.IPV4)
_IPV6 = re.compile(P.IPV6)
_JWT = re.compile(P.JWT)
_AWS = re.compile(P.AWS_ACCESS_KEY)
_GITHUB = re.compile(P.GITHUB_TOKEN)
_SLACK = re.compile(P.SLACK_TOKEN)
_STRIPE = re.compile(P.STRIPE_KEY)
_GOOGLE = re.compile(P.GOOGLE_API_KEY)
_PRIVATE_KEY = re.compile(P.PRIVATE_KEY)
_AUTHORIZATION = re.compile(P.AUTHORIZATION)
_URL_PASSWORD = re.compile(P.URL_PASSWORD)
_SECRET_ASSIGNMENT = re.compile(P.SECRET_ASSIGNMENT)
_SECRET_STEM = re.compile(
    r"(?i)passw|passphrase|passcode|pwd|secret|token|api[_\-]?key|authoriz|cookie|credential"
    r"|private[_\-]?key|cvv|cvc"
)
_SECRET_STEM_ASCII = re.compile(
    rb"passw|passphrase|passcode|pwd|secret|token|apikey|api_key|api-key|authoriz|cookie"
    rb"|credential|privatekey|private_key|private-key|cvv|cvc"
)
_REDACTION_TOKEN = re.compile(P.REDACTION_TOKEN)
_OPTIONAL = {"uuid": re.compile(P.UUID), "date": re.compile(P.DATE),
             "high_entropy": re.compile(P.HIGH_ENTROPY)}  # fmt: skip
_KEY_RUN = re.compile(r"[\w.\-]*")
_SCHEMES = frozenset({"bearer", "basic", "digest", "token"})
_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")


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
            offset += len(text) + _BREAK_LENGTH
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
        if found and not _overflowed(found):
            # What is found so far is blanked out (same length, so offsets hold) before
            # the generic number and key=value passes, which would pick at its pieces.
            rest = _blank_out(text, found)
            self._scan_generic(rest, rest.encode("utf-8", "surrogatepass"), found)
        elif not found:
            self._scan_generic(text, raw, found)
        if not _overflowed(found):
            for entity, pattern in self._extra.items():
                found.extend((*m.span(), entity) for m in _matches(pattern, text, found) if m.end())
            if self._optional:
                self._scan_optional(text, found)
        if not found:
            return found
        if _overflowed(found):
            return [(0, len(text), "oversized")]
        return self._merge(text, raw, found)

    def _scan_distinct(self, text: str, raw: bytes, found: list[Span]) -> None:
        """Entities with a distinctive shape: tokens, addresses, IBANs."""
        classes = raw.translate(_CLASSES)
        enabled = self._enabled
        if _token_hint(raw):
            self._scan_tokens(text, raw, found)
        if b"@" in raw:
            self._scan_at(text, raw, found)
        if b"AA00" in classes and "iban" in enabled:
            _scan_iban(text, found)
        if raw.count(b".") >= 3 and _IPV4_HINT.search(classes) is not None and "ipv4" in enabled:
            _scan_ipv4(text, raw, classes, found)
        if (b"::" in raw or raw.count(b":") >= 7) and "ipv6" in enabled:
            found.extend(
                (*m.span(), "ipv6")
                for m in _near(_IPV6, text, raw, _IPV6_CENTER, _IPV6_REACH, found)
                if ipv6_valid(m.group())
            )

    def _scan_generic(self, text: str, raw: bytes, found: list[Span]) -> None:
        """Numbers (cards, SSNs, phones) and key=value secrets."""
        digits = len(raw) - len(raw.translate(None, _DIGIT_BYTES))
        if digits >= 7 and self._numbers and not _overflowed(found):  # 7 = shortest number
            self._scan_numbers(text, raw, found)
        lowered = raw.lower()
        if _secret_hint(lowered) and not _overflowed(found):
            self._scan_secrets(text, lowered, found)

    # -- families ---------------------------------------------------------------------

    def _scan_at(self, text: str, raw: bytes, found: list[Span]) -> None:
        if b"://" in raw and "url_password" in self._enabled:
            found.extend((*m.span(1), "url_password") for m in _matches(_URL_PASSWORD, text, found))
            if _overflowed(found):
                return
        if "email" in self._enabled:
            userinfo = b"://" in raw
            for m in _matches(_EMAIL_DOMAIN, text, found):
                start = _local_part_start(text, m.start())
                if start >= 0 and not (userinfo and _inside_url_userinfo(text, start)):
                    found.append((start, m.end(), "email"))
                    if len(found) > _MAX_FINDINGS:
                        return

    def _scan_numbers(self, text: str, raw: bytes, found: list[Span]) -> None:
        numbers = self._numbers
        if "us_ssn" in numbers:
            lowered = raw.lower()
            if b"ssn" in lowered or b"social" in lowered:
                found.extend((*m.span(1), "us_ssn") for m in _matches(_SSN_CONTEXT, text, found))
                if _overflowed(found):
                    return
        budget = Budget(_NUMBER_BUDGET_BASE + len(text) // _NUMBER_BUDGET_CHARS)
        searched_to = 0
        length = len(text)
        for candidate in _NUMBER_FINDER.finditer(text):
            run = candidate.group().rstrip(" ().-")
            run_start = candidate.start()
            run_end = run_start + len(run)
            if len(found) > _MAX_FINDINGS:
                return  # the whole string is masked as oversized
            if budget.left <= 0:
                found.append((run_start, run_end, "number"))  # fail closed, cheaply
                continue
            if run.isdigit():
                if _plain_number_end(text, run_end) and text[run_start - 1 : run_start] not in "+(":
                    # A bare run with clean edges is exactly what NUMBER would match.
                    found.extend(classify_number_run(text, run_start, run_end, numbers, budget))
                    searched_to = candidate.end()
                    continue
            elif len(run) > _LONGEST_RUN or len(run.translate(_DROP_SEPARATORS)) > _LONGEST_NUMBER:
                matches, stopped = segment_number_run(text, run_start, run_end, numbers, budget)
                found.extend(matches)
                _mask_digit_run(text[stopped:run_end], stopped, run_end, found)
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
                (*m.span(), "jwt") for m in _matches(_JWT, text, found) if jwt_valid(m.group())
            )
        if "aws_access_key" in enabled:
            found.extend((*m.span(), "aws_access_key") for m in _matches(_AWS, text, found))
        if (b"gh" in raw or b"github_pat_" in raw) and "github_token" in enabled:
            found.extend((*m.span(), "github_token") for m in _matches(_GITHUB, text, found))
        if (b"xox" in raw or b"xapp-" in raw) and "slack_token" in enabled:
            found.extend((*m.span(), "slack_token") for m in _matches(_SLACK, text, found))
        if (b"k_live_" in raw or b"k_test_" in raw) and "stripe_key" in enabled:
            found.extend((*m.span(), "stripe_key") for m in _matches(_STRIPE, text, found))
        if b"AIza" in raw and "google_api_key" in enabled:
            found.extend((*m.span(), "google_api_key") for m in _matches(_GOOGLE, text, found))
        if b"-----BEGIN" in raw and "private_key" in enabled:
            _scan_private_keys(text, found)

    def _scan_secrets(self, text: str, lowered: bytes, found: list[Span]) -> None:
        if "authorization" in self._enabled and (b"bearer" in lowered or b"basic" in lowered):
            _scan_authorization(text, found)
        if "secret" in self._enabled:
            self._scan_assignments(text, lowered, found)

    def _scan_assignments(self, text: str, lowered: bytes, found: list[Span]) -> None:
        # Byte offsets equal character offsets for ASCII text, where the fast
        # case-sensitive search over the lower-cased bytes can be used.
        stems = (
            _matches(_SECRET_STEM_ASCII, lowered, found)
            if len(lowered) == len(text)
            else _matches(_SECRET_STEM, text, found)
        )
        resume = 0
        for stem in stems:
            if stem.start() < resume:
                continue
            if len(found) > _MAX_FINDINGS:
                return
            # Every stem of one run of key characters gives the same key: judge it once.
            resume = _KEY_RUN.match(text, stem.end()).end()  # type: ignore[union-attr]
            key_start = _key_start(text, stem.start())
            m = _SECRET_ASSIGNMENT.match(text, key_start)
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
            for m in _matches(pattern, text, found):
                if entity != "high_entropy" or shannon_entropy_high(m.group()):
                    found.append((m.start(), m.end(), entity))

    # -- merging ----------------------------------------------------------------------

    def _merge(self, text: str, raw: bytes, found: list[Span]) -> list[Span]:
        if self._allow is not None:
            allow = self._allow.fullmatch
            found = [span for span in found if allow(text, span[0], span[1]) is None]
        if b"[REDACTED:" in raw:
            found = _outside_tokens(text, found)
        rank = self._rank
        found.sort(key=lambda span: (span[0], rank.get(span[2], 99)))
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


def _near(
    pattern: re.Pattern[str],
    text: str,
    index: bytes,
    center: re.Pattern[bytes],
    reach: int,
    found: list[Span],
) -> Iterator[re.Match[str]]:
    """Matches of ``pattern`` near the places ``center`` finds in ``index`` (bytes with
    the text's offsets); a plain full-text search for short or non-ASCII texts.

    A pattern whose every match lies within ``reach`` characters of a centre hit is
    searched only in those windows: on a long text, that is far cheaper than a search
    that evaluates the pattern's opening at every position.
    """
    if len(text) < _LONG_TEXT or len(index) != len(text):
        yield from _matches(pattern, text, found)
        return
    length, searched_to, position, count = len(text), 0, 0, 0
    while True:
        hit = center.search(index, position)
        if hit is None:
            return
        low = max(searched_to, hit.start() - reach)
        high = min(length, hit.end() + reach + _WINDOW_SLACK)
        for m in pattern.finditer(text, low, high):
            if m.end() >= high and high < length:
                high = m.start()  # may be cut by the window: searched again from here
                break
            count += 1
            if count > _MAX_MATCHES:
                found.append(_TOO_MANY)
                return
            yield m
        searched_to = high
        position = max(hit.start() + 1, searched_to - reach)


def _overflowed(found: list[Span]) -> bool:
    return len(found) > _MAX_FINDINGS or _TOO_MANY in found


def _matches(
    pattern: re.Pattern[AnyStr], text: AnyStr, found: list[Span]
) -> Iterator[re.Match[AnyStr]]:
    """``pattern.finditer(text)``, cut off (and flagged in ``found``) past _MAX_MATCHES."""
    for count, match in enumerate(pattern.finditer(text)):
        if count >= _MAX_MATCHES:
            found.append(_TOO_MANY)
            return
        yield match


def _token_hint(raw: bytes) -> bool:
    # Token patterns start with literals, so on a long text running them all costs less
    # than deciding whether to.
    return len(raw) >= _LONG_TEXT or _TOKEN_HINT.search(raw) is not None


def _secret_hint(lowered: bytes) -> bool:
    if len(lowered) < _LONG_TEXT:
        return _SECRET_HINT.search(lowered) is not None
    return any(literal in lowered for literal in _SECRET_LITERALS)


def _mask_digit_run(run: str, start: int, end: int, found: list[Span]) -> None:
    """Fail closed once the number budget is spent: what is left of a run is masked whole."""
    if len(run) >= 7:
        found.append((start, end, "number"))


def _blank_out(text: str, spans: list[Span]) -> str:
    """``text`` with every span replaced by line breaks (which every pattern stops at)."""
    pieces, position = [], 0
    for start, end, _ in sorted(spans):
        if start < position:
            start = position
        if end <= start:
            continue
        pieces.append(text[position:start])
        pieces.append("\n" * (end - start))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _plain_number_end(text: str, end: int) -> bool:
    """The digits end here and nothing glued to them makes them part of a bigger token."""
    after = text[end : end + 2]
    if not after:
        return True
    first = after[0]
    if first.isalnum() or first in "_@$x#":
        return False
    return not (first in ".-" and after[1:].isdigit())


def _local_part_start(text: str, at: int) -> int:
    """Start of the e-mail local part ending at ``at`` (the ``@``), or -1 when there is
    none or it runs past 64 characters (then it is not an address)."""
    window = text[max(0, at - 65) : at][::-1]  # read backwards from the "@"
    m = _LOCAL_PART.match(window)
    if m is None or m.end() > 64:
        return -1  # nothing before the "@", or more than 64 characters: no address
    return at - m.end()


def _inside_url_userinfo(text: str, start: int) -> bool:
    before = text[max(0, start - 300) : start]
    scheme = before.rfind("://")
    if scheme < 0:
        return False
    userinfo = before[scheme + 3 :]
    return not any(char in userinfo for char in " \t\r\n/@")


def _scan_ipv4(text: str, raw: bytes, classes: bytes, found: list[Span]) -> None:
    for m in _near(_IPV4, text, classes, _IPV4_HINT, _IPV4_REACH, found):
        if ipv4_valid(m.group(), text[max(0, m.start() - 10) : m.start()]):
            found.append((m.start(), m.end(), "ipv4"))


def _scan_iban(text: str, found: list[Span]) -> None:
    for m in _matches(_IBAN, text, found):
        run = m.group()
        length = IBAN_LENGTHS.get(run[:2])
        if length is None:
            continue
        end = _end_after_chars(run, length)
        if end < 0 or (m.start() + end < len(text) and text[m.start() + end].isalnum()):
            continue  # too short, or the country's length ends inside a longer token
        if iban_valid(run[:end].replace(" ", "")):
            found.append((m.start(), m.start() + end, "iban"))


def _end_after_chars(run: str, count: int) -> int:
    """Offset in ``run`` just after its ``count``-th non-space character (-1 if fewer)."""
    position = seen = 0
    for piece in run.split(" "):
        if seen + len(piece) >= count:
            return position + count - seen
        seen += len(piece)
        position += len(piece) + 1
    return -1


def _scan_private_keys(text: str, found: list[Span]) -> None:
    position = 0
    for m in _matches(_PRIVATE_KEY, text, found):
        if m.start() < position:
            continue
        segment_end = text.find(SEGMENT_BREAK, m.end())
        segment_end = len(text) if segment_end < 0 else segment_end
        end_marker = text.find("-----END", m.end(), segment_end)
        if end_marker < 0:
            position = segment_end
        else:
            closing = text.find("-----", end_marker + 8, end_marker + 80)
            position = closing + 5 if closing >= 0 else end_marker + 8
        found.append((m.start(), position, "private_key"))


def _scan_authorization(text: str, found: list[Span]) -> None:
    for m in _matches(_AUTHORIZATION, text, found):
        credential = m.group(1)
        in_header = "authoriz" in text[max(0, m.start() - 40) : m.start()].lower()
        is_basic = text[m.start() + 1] in "aA"
        if is_basic:
            plausible = basic_credentials_valid(credential)
        else:
            plausible = bearer_token_plausible(credential)
        if in_header or plausible:
            found.append((*m.span(1), "authorization"))


def _key_start(text: str, position: int) -> int:
    limit = max(0, position - 40)
    while position > limit and text[position - 1] in _KEY_CHARS:
        position -= 1
    return position


def _outside_tokens(text: str, found: list[Span]) -> list[Span]:
    tokens = [m.span() for m in _REDACTION_TOKEN.finditer(text)]
    return [
        span
        for span in found
        if not any(span[0] < t_end and t_start < span[1] for t_start, t_end in tokens)
    ]
