"""Telling cards, US SSNs and phone numbers apart inside one run of digits.

The shared ``NUMBER`` pattern finds runs of 7+ digits joined by spaces, dots, dashes or
parentheses. A run is first judged whole; when it fails (a card followed by its CVV, a
date followed by a phone number) its prefixes and suffixes at group boundaries are
judged, longest first. Runs too long to be one number (several numbers separated by
single spaces) are segmented left to right at spaces, longest valid number first.

Every judgement costs a little Python time, so each scan carries a :class:`Budget`
proportional to the text's length. Ordinary text never comes near it; a pathological
text (64 KiB of digit soup) exhausts it, and then its remaining digit runs are masked
whole as ``number`` — fail closed, in bounded time.
"""

from __future__ import annotations

import re

from hydra_otel.data_protection._validators import (
    card_valid,
    date_like,
    has_phone_context,
    is_id_context,
    is_unit_context,
    phone_valid,
    ssn_valid,
)

_DIGIT_GROUP = re.compile(r"\d+")
_EXTENSION = re.compile(r"[ ]?(?:x|ext\.?|#)[ ]?\d{1,6}$")
_SSN_SHAPE = re.compile(r"^(\d{3})([ \-])(\d{2})\2(\d{4})$")
_NOT_DIGITS = str.maketrans("", "", " ().-+")
_CARD_SEPARATORS = (" ", "-")
_ID_LOOKBACK = 24
_MAX_SPLIT_GROUPS = 8
_MIN_DIGITS, _MAX_PART_DIGITS = 7, 19
_JUDGEMENT_COST = 4  # budget units of one judgement; stepping over a group costs 1

NumberMatch = tuple[int, int, str]
"""(start, end, entity) of one confirmed number inside the scanned text."""


class Budget:
    """How many more number judgements one scan may make."""

    __slots__ = ("left",)

    def __init__(self, left: int) -> None:
        self.left = left


def classify_number_run(
    text: str, start: int, end: int, enabled: frozenset[str], budget: Budget
) -> list[NumberMatch]:
    """Return the cards, SSNs and phone numbers found in ``text[start:end]``."""
    core_end = end
    tail = text[max(start, end - 12) : end]
    if "x" in tail or "#" in tail:
        extension = _EXTENSION.search(text, start, end)
        if extension is not None:
            core_end = extension.start()
    budget.left -= _JUDGEMENT_COST
    entity = _classify(text, start, core_end, enabled)
    if entity is not None:
        return [(start, end if entity == "phone" else core_end, entity)]
    if core_end == end and text[start:end].isdigit():
        return []  # one bare group: nothing to split
    groups = [(m.start(), m.end()) for m in _DIGIT_GROUP.finditer(text, start, core_end)]
    if not 2 <= len(groups) <= _MAX_SPLIT_GROUPS:
        return []
    budget.left -= _JUDGEMENT_COST * len(groups)
    return _split(text, groups, enabled)


def segment_number_run(
    text: str, start: int, end: int, enabled: frozenset[str], budget: Budget
) -> tuple[list[NumberMatch], int]:
    """Find the numbers in a run too long to be one: returns them and where work stopped
    (``end``, or earlier when the budget ran out)."""
    pending = _DIGIT_GROUP.finditer(text, start, end)
    groups: list[tuple[int, int]] = []
    found: list[NumberMatch] = []
    index = 0
    while True:
        while len(groups) < index + _MAX_SPLIT_GROUPS:  # groups are read as needed
            group = next(pending, None)
            if group is None:
                break
            groups.append(group.span())
        if index >= len(groups):
            return found, end
        budget.left -= 1
        if budget.left <= 0:
            return found, groups[index][0]
        if index and " " not in text[groups[index - 1][1] : groups[index][0]]:
            index += 1  # not the start of a token: inside a number written with - or .
            continue
        matched = _longest_at(text, groups, index, enabled, budget)
        if matched is None:
            index += 1
        else:
            found.append(matched[0])
            index = matched[1] + 1


def _longest_at(
    text: str, groups: list[tuple[int, int]], index: int, enabled: frozenset[str], budget: Budget
) -> tuple[NumberMatch, int] | None:
    first = groups[index][0]
    if text[first - 1 : first] in ("(", "+"):
        first -= 1
    ends: list[int] = []
    digits = 0
    last = len(groups) - 1
    for j in range(index, min(index + _MAX_SPLIT_GROUPS, last + 1)):
        digits += groups[j][1] - groups[j][0]
        if digits > _MAX_PART_DIGITS:
            break
        if digits >= _MIN_DIGITS and (j == last or " " in text[groups[j][1] : groups[j + 1][0]]):
            ends.append(j)
    for j in reversed(ends):
        budget.left -= _JUDGEMENT_COST
        entity = _classify(text, first, groups[j][1], enabled, whole=False)
        if entity is not None:
            return (first, groups[j][1], entity), j
    return None


def _split(text: str, groups: list[tuple[int, int]], enabled: frozenset[str]) -> list[NumberMatch]:
    """Longest valid prefix (then the rest), else longest valid suffix. Cuts only fall on
    spaces: a run written with ``-`` or ``.`` (a UUID, a version) is never cut open."""
    sizes = [e - s for s, e in groups]
    total = sum(sizes)
    prefix_digits = total
    for last in range(len(groups) - 2, -1, -1):  # prefixes, longest first
        prefix_digits -= sizes[last + 1]
        if _MIN_DIGITS <= prefix_digits <= _MAX_PART_DIGITS and _cut(text, groups, last):
            entity = _classify(text, groups[0][0], groups[last][1], enabled, whole=False)
            if entity is not None:
                found = [(groups[0][0], groups[last][1], entity)]
                rest = groups[last + 1 :]
                return found + (_split(text, rest, enabled) if len(rest) > 1 else [])
    suffix_digits = total
    for first in range(1, len(groups)):  # suffixes, longest first
        suffix_digits -= sizes[first - 1]
        if _MIN_DIGITS <= suffix_digits <= _MAX_PART_DIGITS and _cut(text, groups, first - 1):
            entity = _classify(text, groups[first][0], groups[-1][1], enabled, whole=False)
            if entity is not None:
                return [(groups[first][0], groups[-1][1], entity)]
    return []


def _cut(text: str, groups: list[tuple[int, int]], after: int) -> bool:
    """True when the separator after group ``after`` contains a space."""
    return " " in text[groups[after][1] : groups[after + 1][0]]


def _classify(
    text: str, start: int, end: int, enabled: frozenset[str], whole: bool = True
) -> str | None:
    if text[start] == "(" and ")" not in text[start:end]:
        start += 1  # an opening parenthesis of the prose, not of an area code
    candidate = text[start:end]
    if candidate.isdigit():
        entity = _classify_bare(candidate, enabled)
        if entity is None or is_unit_context(text[end : end + 12]):
            return None
        before = text[max(0, start - _ID_LOOKBACK) : start]
        return None if is_id_context(before, strong=entity == "credit_card") else entity
    digits = candidate.translate(_NOT_DIGITS)
    n = len(digits)
    if n < _MIN_DIGITS or not digits.isdigit() or date_like(candidate):
        return None
    if n == 9 and "us_ssn" in enabled:
        shape = _SSN_SHAPE.match(candidate)
        if shape is not None and ssn_valid(shape.group(1), shape.group(3), shape.group(4)):
            return "us_ssn"
    if (
        12 <= n <= 19
        and "credit_card" in enabled
        and _card_shaped(candidate)
        and card_valid(digits)
    ):
        return "credit_card"
    if "phone" in enabled:
        context = n < 10 and has_phone_context(text[max(0, start - 40) : start])
        entity = _phone(candidate, digits, context, whole)
        if entity is not None and n < 10 and not context:
            # A short local form is weak evidence: an id or a unit next to it wins.
            before = text[max(0, start - _ID_LOOKBACK) : start]
            if is_id_context(before) or is_unit_context(text[end : end + 12]):
                return None
        return entity
    return None


def _classify_bare(digits: str, enabled: frozenset[str]) -> str | None:
    """An unseparated run: a card (IIN + Luhn) or a phone (NANP, E.164 digits, trunk 0)."""
    n = len(digits)
    if n < _MIN_DIGITS:
        return None
    if 12 <= n <= 19 and "credit_card" in enabled and card_valid(digits):
        return "credit_card"
    if "phone" in enabled and phone_valid(digits, digits, True, [n]):
        return "phone"
    return None


def _card_shaped(candidate: str) -> bool:
    """Separated cards come in groups of four (Amex/Diners 4-6-5 and 4-6-4)."""
    for separator in _CARD_SEPARATORS:
        groups = candidate.split(separator)
        if all(group.isdigit() for group in groups):
            sizes = [len(group) for group in groups]
            return sizes in ([4, 6, 5], [4, 6, 4]) or (
                all(size == 4 for size in sizes[:-1]) and 1 <= sizes[-1] <= 4
            )
    return False


def _phone(candidate: str, digits: str, context: bool, whole: bool) -> str | None:
    if "(0)" in candidate:
        candidate = candidate.replace("(0)", "", 1)
        digits = candidate.translate(_NOT_DIGITS)
    groups = [len(group) for group in _DIGIT_GROUP.findall(candidate)]
    if phone_valid(candidate, digits, False, groups, context, whole):
        return "phone"
    return None
