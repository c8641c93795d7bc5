"""The search machinery shared by the detectors: limits, hints, windows, blanking.

Every detector searches through :func:`matches` (or :func:`near` on long texts), which
stops a pattern after ``MAX_MATCHES`` candidates and flags the string: a text with that
many candidates, or with more than ``MAX_FINDINGS`` findings, is a dump, not a log line,
and is masked whole. Together with the number budget this bounds the time any input
can take.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import AnyStr

from hydra_otel.data_protection import _patterns as P

Span = tuple[int, int, str]
"""(start, end, entity) of one redaction inside a string."""

SEGMENT_BREAK = "\n" * 8
"""Joins the strings of one record for a single scan. Every pattern stops at a line
break and context look-arounds stay within 8 characters of non-space, so nothing found
spans two strings (a private key without END stops at the break as well)."""
BREAK_LENGTH = len(SEGMENT_BREAK)

CLASSES = bytes(
    ord("0") if 48 <= b <= 57 else ord("A") if 65 <= b <= 90 else ord("a") if 97 <= b <= 122 else b
    for b in range(256)
)
MAX_FINDINGS = 512
"""More findings than this in one string is not a log line but a dump: it is masked whole."""
MAX_MATCHES = 1024
"""Candidates one pattern may yield per string before the string counts as a dump too."""
TOO_MANY: Span = (0, 0, "oversized")
"""Marker a search leaves in the findings when it was cut off."""
_WINDOW_SLACK = 512  # windows grow past their centre so that dense hits need few of them

# Hints run on the text mapped to character classes (digits -> 0, A-Z -> A, a-z -> a) or
# on its raw or lower-cased bytes; literal-led patterns are what CPython's regex engine
# searches fastest. Each is a necessary condition of the detectors it guards.
_TOKEN_HINT = re.compile(
    rb"eyJ|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA|ghp_|gho_|ghu_|ghs_"
    rb"|ghr_|github_pat_|xox|xapp-|sk_live_|sk_test_|rk_live_|rk_test_|AIza|-----BEGIN"
)
_SECRET_HINT = re.compile(rb"pass|pwd|secret|token|key|auth|cookie|credential|cvv|cvc|bearer|basic")
# On long texts a literal alternation can cost far more per byte (when the text is full of
# its first letters) than one fast substring search per literal, so long texts use those.
LONG_TEXT = 2048
_SECRET_LITERALS = tuple(_SECRET_HINT.pattern.split(b"|"))
_REDACTION_TOKEN = re.compile(P.REDACTION_TOKEN)


def near(
    pattern: re.Pattern[str],
    text: str,
    center: re.Pattern[str],
    reach: int,
    found: list[Span],
) -> Iterator[re.Match[str]]:
    """Matches of ``pattern`` near the places ``center`` finds; a plain full-text search
    for short texts.

    A pattern whose every match lies within ``reach`` characters of a centre hit is
    searched only in those windows: on a long text, that is far cheaper than a search
    that evaluates the pattern's opening at every position.
    """
    if len(text) < LONG_TEXT:
        yield from matches(pattern, text, found)
        return
    length, searched_to, position, count = len(text), 0, 0, 0
    while True:
        hit = center.search(text, position)
        if hit is None:
            return
        low = max(searched_to, hit.start() - reach)
        high = min(length, hit.end() + reach + _WINDOW_SLACK)
        for m in pattern.finditer(text, low, high):
            if m.end() >= high and high < length:
                high = m.start()  # may be cut by the window: searched again from here
                break
            count += 1
            if count > MAX_MATCHES:
                found.append(TOO_MANY)
                return
            yield m
        searched_to = high
        position = max(hit.start() + 1, searched_to - reach)


def overflowed(found: list[Span]) -> bool:
    """True once the findings mark the string as a dump (too many, or a search cut off)."""
    return len(found) > MAX_FINDINGS or TOO_MANY in found


def matches(
    pattern: re.Pattern[AnyStr], text: AnyStr, found: list[Span]
) -> Iterator[re.Match[AnyStr]]:
    """``pattern.finditer(text)``, cut off (and flagged in ``found``) past MAX_MATCHES."""
    if len(text) <= MAX_MATCHES:
        return pattern.finditer(text)  # every match takes a character: it cannot overflow
    return _capped(pattern.finditer(text), found)


def _capped(
    found_matches: Iterator[re.Match[AnyStr]], found: list[Span]
) -> Iterator[re.Match[AnyStr]]:
    for count, match in enumerate(found_matches):
        if count >= MAX_MATCHES:
            found.append(TOO_MANY)
            return
        yield match


def token_hint(raw: bytes) -> bool:
    # Token patterns start with literals, so on a long text running them all costs less
    # than deciding whether to.
    return len(raw) >= LONG_TEXT or _TOKEN_HINT.search(raw) is not None


def secret_hint(lowered: bytes) -> bool:
    if len(lowered) < LONG_TEXT:
        return _SECRET_HINT.search(lowered) is not None
    return any(literal in lowered for literal in _SECRET_LITERALS)


def blank_out(text: str, spans: list[Span]) -> str:
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


def outside_tokens(text: str, found: list[Span]) -> list[Span]:
    """The spans that do not touch an existing ``[REDACTED:…]`` token (redaction is
    idempotent: what was redacted is not redacted again). One sweep over both, sorted."""
    tokens = [m.span() for m in _REDACTION_TOKEN.finditer(text)]
    if not tokens:
        return found
    kept: list[Span] = []
    index, count = 0, len(tokens)
    for span in sorted(found):
        while index < count and tokens[index][1] <= span[0]:
            index += 1  # tokens wholly before this span (spans come in start order)
        overlaps = False
        probe = index
        while probe < count and tokens[probe][0] < span[1]:
            if span[0] < tokens[probe][1]:
                overlaps = True
                break
            probe += 1
        if not overlaps:
            kept.append(span)
    return kept
