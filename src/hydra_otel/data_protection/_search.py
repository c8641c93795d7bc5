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
break, so nothing found spans two strings (a private key without END stops at the break
as well); look-backs that can veto a match stop at it too
(:func:`~hydra_otel.data_protection._validators.id_word_before`)."""
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

LONG_TEXT = 2048
"""From this length on, :func:`near` searches a pattern only around its centres: on a
long text a full pass can cost far more per character than a few windows."""
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


def add_matches(
    pattern: re.Pattern[str], text: str, entity: str, found: list[Span], group: int = 0
) -> None:
    """Add the span (of ``group``) of every match of ``pattern`` as ``entity``, cut off
    and flagged past MAX_MATCHES like :func:`matches`. A search per match costs less than
    an iterator fed to a generator; the pattern must not match an empty string."""
    search = pattern.search
    m = search(text)
    count = 0
    while m is not None:
        count += 1
        if count > MAX_MATCHES:
            found.append(TOO_MANY)
            return
        found.append((m.start(group), m.end(group), entity))
        m = search(text, m.end())


def _capped(
    found_matches: Iterator[re.Match[AnyStr]], found: list[Span]
) -> Iterator[re.Match[AnyStr]]:
    for count, match in enumerate(found_matches):
        if count >= MAX_MATCHES:
            found.append(TOO_MANY)
            return
        yield match


def blank_out(text: str, spans: list[Span]) -> str:
    """``text`` with every span replaced by line breaks (which every pattern stops at)."""
    if len(spans) == 1:
        start, end, _ = spans[0]
        if end <= start:
            return text
        return text[:start] + "\n" * (end - start) + text[end:]
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
