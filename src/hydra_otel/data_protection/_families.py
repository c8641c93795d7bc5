"""Detector families that need more than a pattern: IBAN lengths, IPv4 octets, PEM
blocks, Authorization credentials, e-mail local parts, key names before a value."""

from __future__ import annotations

import re
from collections.abc import Iterator

from hydra_otel.data_protection import _patterns as P
from hydra_otel.data_protection._search import (
    LONG_TEXT,
    MAX_MATCHES,
    SEGMENT_BREAK,
    TOO_MANY,
    Span,
    matches,
    near,
)
from hydra_otel.data_protection._validators import (
    IBAN_LENGTHS,
    basic_credentials_valid,
    bearer_token_plausible,
    iban_valid,
    ipv4_valid,
)

IPV4_HINT = re.compile(rb"0\.0{1,3}\.0{1,3}\.0")
_IPV4_CENTER = re.compile(r"[0-9]\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]")
_IPV4_REACH = 16
_LOCAL_PART = re.compile(r"[\w.+%\-]{1,65}+")
_IBAN = re.compile(P.IBAN)
_IBAN_START = re.compile(rb"AA00(?<![0Aa]AA00)(?: ?[A0]){10}")
"""Where _IBAN can match, in the character classes: two capitals and two digits after
no letter or digit, then at least ten capitals or digits (a single space allowed before
each), as _IBAN needs."""
_IPV4 = re.compile(P.IPV4)
_PRIVATE_KEY = re.compile(P.PRIVATE_KEY)
_AUTHORIZATION = re.compile(P.AUTHORIZATION)
_USERINFO_END = re.compile(r"[ \t\r\n/@]")
_KEY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"


def mask_digit_run(run: str, start: int, end: int, found: list[Span]) -> None:
    """Fail closed once the number budget is spent: what is left of a run is masked whole."""
    if len(run) >= 7:
        found.append((start, end, "number"))


def local_part_start(text: str, at: int) -> int:
    """Start of the e-mail local part ending at ``at`` (the ``@``), or -1 when there is
    none or it runs past 64 characters (then it is not an address)."""
    if at == 0:
        return -1
    window = text[at - 1 : at - 66 if at > 65 else None : -1]  # backwards from the "@"
    m = _LOCAL_PART.match(window)
    if m is None or m.end() > 64:
        return -1  # nothing before the "@", or more than 64 characters: no address
    return at - m.end()


def inside_url_userinfo(text: str, start: int) -> bool:
    before = text[max(0, start - 300) : start]
    scheme = before.rfind("://")
    if scheme < 0:
        return False
    return _USERINFO_END.search(before, scheme + 3) is None


def scan_ipv4(text: str, classes: bytes, hint: re.Match[bytes] | None, found: list[Span]) -> None:
    """IPv4 addresses; ``hint`` is the first IPV4_HINT match in ``classes``.

    A log line is searched hint by hint; a long text (where hints that fail could be
    thousands, each a turn of Python) and a non-ASCII one (whose classes are UTF-8
    bytes, with other offsets) in windows around the centres, by :func:`near`.
    """
    if len(text) < LONG_TEXT and text.isascii():
        candidates = _ipv4_matches(text, classes, hint, found)
    else:
        candidates = near(_IPV4, text, _IPV4_CENTER, _IPV4_REACH, found)
    for m in candidates:
        if ipv4_valid(m.group(), text[max(0, m.start() - 10) : m.start()]):
            found.append((m.start(), m.end(), "ipv4"))


def _ipv4_matches(
    text: str, classes: bytes, hint: re.Match[bytes] | None, found: list[Span]
) -> Iterator[re.Match[str]]:
    """``matches(_IPV4, text, found)``, trying the pattern only where the character
    classes show four dotted numbers. Each hint starts at the last digit of a first
    octet, whose first digit is the only place a match can start from."""
    hint_search, match = IPV4_HINT.search, _IPV4.match
    count = 0
    while hint is not None:
        at = hint.start()
        before = classes[at - 2 if at > 2 else 0 : at]  # (up to two more digits of it)
        m = match(text, at - len(before) + len(before.rstrip(b"0")))
        if m is None:
            hint = hint_search(classes, at + 1)
            continue
        count += 1
        if count > MAX_MATCHES:
            found.append(TOO_MANY)
            return
        yield m
        hint = hint_search(classes, m.end())


def scan_iban(text: str, classes: bytes, found: list[Span]) -> None:
    for m in _iban_matches(text, classes, found):
        run = m.group()
        length = IBAN_LENGTHS.get(run[:2])
        if length is None:
            continue
        end = _end_after_chars(run, length)
        if end < 0 or (m.start() + end < len(text) and text[m.start() + end].isalnum()):
            continue  # too short, or the country's length ends inside a longer token
        if iban_valid(run[:end].replace(" ", "")):
            found.append((m.start(), m.start() + end, "iban"))


def _iban_matches(text: str, classes: bytes, found: list[Span]) -> Iterator[re.Match[str]]:
    """``matches(_IBAN, text, found)``, trying the pattern only where ``classes`` (the
    text mapped by CLASSES) shows it can match (see _IBAN_START). On base64, a text full
    of capitals or an order number (``PO359823379``), that skips almost every position;
    a hint is as long as the match it stands for, so no start the old search would
    try is lost."""
    if not text.isascii():  # classes are bytes of UTF-8: offsets match for ASCII only
        yield from matches(_IBAN, text, found)
        return
    resume = count = 0
    for hint in _IBAN_START.finditer(classes):
        start = hint.start()
        if start < resume:
            continue
        m = _IBAN.match(text, start)
        if m is None:
            continue
        count += 1
        if count > MAX_MATCHES:
            found.append(TOO_MANY)
            return
        resume = m.end()
        yield m


def _end_after_chars(run: str, count: int) -> int:
    """Offset in ``run`` just after its ``count``-th non-space character (-1 if fewer)."""
    if " " not in run:
        return count if len(run) >= count else -1
    position = seen = 0
    for piece in run.split(" "):
        if seen + len(piece) >= count:
            return position + count - seen
        seen += len(piece)
        position += len(piece) + 1
    return -1


def scan_private_keys(text: str, found: list[Span]) -> None:
    position = 0
    for m in matches(_PRIVATE_KEY, text, found):
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


def scan_authorization(text: str, found: list[Span]) -> None:
    for m in matches(_AUTHORIZATION, text, found):
        # In an Authorization header any credential counts; elsewhere it must look
        # like one (the validator runs only then).
        if "authoriz" not in text[max(0, m.start() - 40) : m.start()].lower():
            credential = m.group(1)
            if text[m.start() + 1] in "aA":  # Basic
                plausible = basic_credentials_valid(credential)
            else:
                plausible = bearer_token_plausible(credential)
            if not plausible:
                continue
        found.append((*m.span(1), "authorization"))


def key_start(text: str, position: int) -> int:
    """Where the run of key characters (at most 40) ending at ``position`` starts."""
    before = text[max(0, position - 40) : position]
    return position - len(before) + len(before.rstrip(_KEY_CHARS))
