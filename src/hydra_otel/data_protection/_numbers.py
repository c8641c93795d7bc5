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

from hydra_otel.data_protection import _patterns as P
from hydra_otel.data_protection._families import mask_digit_run
from hydra_otel.data_protection._search import (
    MAX_FINDINGS,
    Span,
    add_matches,
    overflowed,
)
from hydra_otel.data_protection._validators import (
    bare_phone_valid,
    card_valid,
    date_like,
    has_phone_context,
    id_word_before,
    phone_valid,
    ssn_valid,
    unit_follows,
)

_DIGIT_GROUP = re.compile(r"\d+")
_EXTENSION = re.compile(r"[ ]?(?:x|ext\.?|#)[ ]?\d{1,6}$")
_SSN_SHAPE = re.compile(r"^(\d{3})([ \-])(\d{2})\2(\d{4})$")
_CARD_SPACED = re.compile(r"[0-9]{4} [0-9]{6} [0-9]{4,5}|(?:[0-9]{4} )*[0-9]{1,4}")
_CARD_DASHED = re.compile(r"[0-9]{4}-[0-9]{6}-[0-9]{4,5}|(?:[0-9]{4}-)*[0-9]{1,4}")
_MAX_SPLIT_GROUPS = 8
_MIN_DIGITS, _MAX_PART_DIGITS = 7, 19
_JUDGEMENT_COST = 4  # budget units of one judgement; stepping over a group costs 1

_NUMBER_WINDOW_AFTER = 16
_SHORTEST_NUMBER = 7  # digits
_LONGEST_NUMBER = 21  # digits; a longer run holds several numbers
_LONGEST_RUN = _LONGEST_NUMBER * 4  # characters: 21 digits and at most 3 separators each
_NINE_DIGITS = b"0" * 9  # in the character classes: what an SSN after "ssn" needs
_SEPARATORS, _SEVEN_DIGITS = b" ().-", b"0" * 7  # (in the character classes)
_NUMBER_BUDGET_BASE, _NUMBER_BUDGET_CHARS = 512, 128
_NUMBER = re.compile(P.NUMBER)
_SSN_CONTEXT = re.compile(P.SSN_CONTEXT, re.ASCII)

_NUMBER_FINDER = re.compile(
    r"[0-9](?=[0-9 ().\-]{6})"  # a digit starting a run long enough to matter,
    r"(?<![\w.\-/#@$][0-9])(?<![0-9]:[0-9])"  # not inside a word, id or clock time,
    r"(?!(?:(?<=1)9|(?<=2)0)[0-9]{2}-[01][0-9]-[0-3][0-9](?:[T ][0-9]{2}:|[^0-9 ().\-]|$))"
    r"[0-9 ().\-]{6,}"  # and not a plain date
)
_RUN = re.compile(rb"0(?<![0Aa_.\-/#@$]0)(?<!0:0)[0 ().\-]{6,}")
"""_NUMBER_FINDER without its date test, on the character classes of an ASCII text: all
digits are ``0`` there, a literal the engine skips to far faster than to ``[0-9]``."""
_GLUED = frozenset(b"0Aa_@$#")
"""Classes of what, right after a bare run, makes its end unclean (a letter or digit,
``_ @ $ #``; the ``x`` of an extension is a letter)."""
_OPENERS = frozenset(b"+(")
_OPEN_PARENTHESIS = ord("(")
_JOINED_DIGITS = re.compile(r"[0-9]+(?:[.\-][0-9]+)*")
_CENTURIES = ("19", "20")  # how _DATE_AFTER_FIRST_DIGIT's dates start
_DATE_AFTER_FIRST_DIGIT = re.compile(
    r"(?:(?<=1)9|(?<=2)0)[0-9]{2}-[01][0-9]-[0-3][0-9](?:[T ][0-9]{2}:|[^0-9 ().\-]|$)"
)

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
        if entity is None or unit_follows(text, end):
            return None
        return None if id_word_before(text, start, strong=entity == "credit_card") else entity
    digits = digits_only(candidate)
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
        if (
            entity is not None
            and n < 10
            and not context
            and (id_word_before(text, start) or unit_follows(text, end))
        ):
            return None  # a short local form is weak evidence: an id or a unit wins
        return entity
    return None


def _classify_bare(digits: str, enabled: frozenset[str]) -> str | None:
    """An unseparated run: a card (IIN + Luhn) or a phone (NANP, E.164 digits, trunk 0).

    Bare, a phone has 10 or 11 digits and a card 12 to 19, so most runs (ids, epoch
    times, counters) are told apart by their length and first digits alone.
    """
    n = len(digits)
    if n < 10 or n > 19:
        return None
    if n >= 12:
        return "credit_card" if "credit_card" in enabled and card_valid(digits) else None
    return "phone" if "phone" in enabled and bare_phone_valid(digits) else None


def _bare_number(text: str, start: int, end: int, enabled: frozenset[str]) -> str | None:
    """What _classify says of a bare run of 10 to 19 digits with clean edges (as
    _classify_bare, then _bare_confirmed, in one call). No card number opens with a 1
    but a 15-digit 1800…, and no bare 10-digit phone number does: the epoch times of
    ordinary logs are turned away before any validator."""
    digits = end - start
    leading_one = text[start] == "1"
    if digits >= 12:
        if (
            "credit_card" not in enabled
            or (leading_one and digits != 15)
            or not card_valid(text[start:end])
        ):
            return None
        entity = "credit_card"
    elif (
        "phone" not in enabled
        or (leading_one and digits == 10)
        or not bare_phone_valid(text[start:end])
    ):
        return None
    else:
        entity = "phone"
    if unit_follows(text, end) or id_word_before(text, start, strong=entity == "credit_card"):
        return None
    return entity


def _bare_confirmed(text: str, start: int, end: int, entity: str) -> bool:
    """What _classify adds for a bare run that validates: no unit after it, no id word
    before it."""
    if unit_follows(text, end):
        return False
    return not id_word_before(text, start, strong=entity == "credit_card")


def digits_only(candidate: str) -> str:
    """``candidate`` without the separators a number run may hold (`` ().-+``); chained
    replaces cost a fraction of a ``str.translate`` table deletion."""
    return (
        candidate.replace(" ", "")
        .replace("-", "")
        .replace(".", "")
        .replace("(", "")
        .replace(")", "")
        .replace("+", "")
    )


def _card_shaped(candidate: str) -> bool:
    """Separated cards come in groups of four (Amex/Diners 4-6-5 and 4-6-4), joined by
    spaces or by dashes, not both."""
    return (
        _CARD_SPACED.fullmatch(candidate) is not None
        or _CARD_DASHED.fullmatch(candidate) is not None
    )


def _phone(candidate: str, digits: str, context: bool, whole: bool) -> str | None:
    if "(0)" in candidate:
        candidate = candidate.replace("(0)", "", 1)
        digits = digits_only(candidate)
    groups = list(map(len, _DIGIT_GROUP.findall(candidate)))
    if phone_valid(candidate, digits, False, groups, context, whole):
        return "phone"
    return None


def scan_numbers(
    text: str, folded: str, classes: bytes, enabled: frozenset[str], found: list[Span]
) -> None:
    """Find the cards, SSNs and phone numbers of ``text`` (``folded``: it lower-cased,
    ``classes``: its CLASSES map).

    Two gates: every number needs 7 digits joined only by `` ().-`` (a cheap test that
    turns away most texts), and then a run to judge, the first of which the search
    for one finds (an SSN after its "ssn" needs nine digits in a row, tested apart).
    """
    if classes.translate(None, _SEPARATORS).find(_SEVEN_DIGITS) < 0:
        return
    if (
        "us_ssn" in enabled
        and classes.find(_NINE_DIGITS) >= 0  # SSN_CONTEXT needs them
        and ("ssn" in folded or "social" in folded)
    ):
        add_matches(_SSN_CONTEXT, text, "us_ssn", found, 1)
        if overflowed(found):
            return
    if not text.isascii():
        _judge_runs(text, _unicode_candidates(text), enabled, found)
        return
    run = _RUN.search(classes)  # (the runs of an ASCII text are found in its classes)
    if run is not None:
        _judge_ascii_runs(text, classes, run, enabled, found)


def _judge_ascii_runs(
    text: str,
    classes: bytes,
    run: re.Match[bytes] | None,
    enabled: frozenset[str],
    found: list[Span],
) -> None:
    """:func:`_judge_runs` of the runs _RUN finds in ``classes`` (an ASCII text's, whose
    offsets are the text's), found and judged in one loop: a search per run is cheaper
    than setting up finditer, and the usual run (bare digits with clean edges) is
    judged here on the character classes, without building a candidate list."""
    search = _RUN.search
    left = _NUMBER_BUDGET_BASE + len(text) // _NUMBER_BUDGET_CHARS
    length, searched_to = len(text), 0
    while run is not None:
        run_start = run.start()
        if (
            text.startswith(_CENTURIES, run_start)
            and _DATE_AFTER_FIRST_DIGIT.match(text, run_start + 1) is not None
        ):
            run = search(classes, run_start + 1)  # where the finder looks next after a date
            continue
        candidate_end = run.end()
        body = classes[run_start:candidate_end].rstrip(_SEPARATORS)  # (its digits, all b"0")
        run_end = run_start + len(body)
        run = search(classes, candidate_end)
        if len(found) > MAX_FINDINGS:
            return  # the whole string is masked as oversized
        left -= 1
        if left <= 0:
            found.append((run_start, run_end, "number"))  # fail closed, cheaply
            continue
        if body.isdigit():  # bare: one group of digits
            clean_end = run_end == length or classes[run_end] not in _GLUED
            if clean_end and run_start and classes[run_start - 1] not in _OPENERS:
                # A bare run with clean edges is exactly what NUMBER would match.
                left -= _JUDGEMENT_COST
                if 10 <= run_end - run_start <= 19:
                    entity = _bare_number(text, run_start, run_end, enabled)
                    if entity is not None:
                        found.append((run_start, run_end, entity))
                searched_to = candidate_end
                continue
            if not clean_end and text[run_end] not in "xe#":
                # Digits glued to a word (a hex id): NUMBER can end neither inside them
                # nor at their end, unless an extension ("x12", "ext 5") follows.
                searched_to = max(searched_to, candidate_end)
                continue
        digits = body.count(48)
        if digits < _SHORTEST_NUMBER and classes[candidate_end - 1] != _OPEN_PARENTHESIS:
            searched_to = max(searched_to, candidate_end)  # (what _search_window says)
            continue
        budget = Budget(left)
        if (
            searched_to <= run_start
            and _MIN_DIGITS <= digits <= _LONGEST_NUMBER
            and len(body) - digits <= 3
            and _number_is_run(text, classes, run_start, run_end, candidate_end)
        ):
            found.extend(classify_number_run(text, run_start, run_end, enabled, budget))
            searched_to = candidate_end
        elif candidate_end - run_start > _LONGEST_NUMBER:  # (else it cannot hold more digits)
            searched_to = _judge_separated(
                text, run_start, run_end, candidate_end, searched_to, enabled, budget, found
            )
        else:
            searched_to = _search_window(
                text, run_start, candidate_end, searched_to, enabled, budget, found
            )
        left = budget.left


def _number_is_run(
    text: str, classes: bytes, run_start: int, run_end: int, candidate_end: int
) -> bool:
    """True when the one NUMBER match a window search would find around a run of an
    ASCII text (of 7 to 21 digits, with at most three separators in all: NUMBER allows
    three between two digits) is the run's digits, ``text[run_start:run_end]``, so the
    search can be skipped: nothing NUMBER would start on before them (a ``+`` or ``(``;
    the run starts after no letter, digit or ``_.-/#@$``, as NUMBER's does), and after
    them no word character or extension, and no ``(+`` opening another number (the
    separators after the digits hold no digit, or the run would)."""
    if run_start and classes[run_start - 1] in _OPENERS:
        return False
    if run_end == candidate_end:  # (then a letter, "_", "#" … or the end follows)
        return run_end == len(text) or classes[run_end] not in _GLUED
    if text[run_end] == " " and text[run_end + 1 : run_end + 2] in "xe#":
        return False  # (an extension: " x12", " ext 5", " #3")
    return (
        classes[candidate_end - 1] != _OPEN_PARENTHESIS
        or text[candidate_end : candidate_end + 1] != "+"
    )


def _judge_runs(
    text: str, runs: list[tuple[int, int, int, bool]], enabled: frozenset[str], found: list[Span]
) -> None:
    """Judge the runs of ``text``: (start, end of its digits, end of the run, whether
    its digits run unbroken), within the number budget."""
    # The budget is a local count; a Budget object carries it only into the (rarer)
    # judgements of runs with separators.
    left = _NUMBER_BUDGET_BASE + len(text) // _NUMBER_BUDGET_CHARS
    searched_to = 0
    for run_start, run_end, candidate_end, bare in runs:
        if len(found) > MAX_FINDINGS:
            return  # the whole string is masked as oversized
        left -= 1
        if left <= 0:
            found.append((run_start, run_end, "number"))  # fail closed, cheaply
            continue
        if bare:
            # plain_number_end, for a run of digits (a "." or "-" after it is followed by
            # no digit, or the run would have taken both)
            after = text[run_end : run_end + 1]
            clean_end = not after or not (after.isalnum() or after in "_@$x#")
            if clean_end and run_start and text[run_start - 1] not in "+(":
                # A bare run with clean edges is exactly what NUMBER would match.
                left -= _JUDGEMENT_COST
                if 10 <= run_end - run_start <= 19:
                    entity = _classify_bare(text[run_start:run_end], enabled)
                    if entity is not None and _bare_confirmed(text, run_start, run_end, entity):
                        found.append((run_start, run_end, entity))
                searched_to = candidate_end
                continue
            if not clean_end and after not in "xe#":
                searched_to = max(searched_to, candidate_end)  # (see _judge_ascii_runs)
                continue
        budget = Budget(left)
        searched_to = _judge_separated(
            text, run_start, run_end, candidate_end, searched_to, enabled, budget, found
        )
        left = budget.left


def _judge_separated(
    text: str,
    run_start: int,
    run_end: int,
    candidate_end: int,
    searched_to: int,
    enabled: frozenset[str],
    budget: Budget,
    found: list[Span],
) -> int:
    """A run with separators (or a bare one NUMBER may extend): segmented when too long
    to be one number, else searched with NUMBER; returns how far the text is searched."""
    length = run_end - run_start
    if length > _LONGEST_RUN or (
        length > _LONGEST_NUMBER and len(digits_only(text[run_start:run_end])) > _LONGEST_NUMBER
    ):
        numbers_found, stopped = segment_number_run(text, run_start, run_end, enabled, budget)
        found.extend(numbers_found)
        mask_digit_run(text[stopped:run_end], stopped, run_end, found)
        return candidate_end
    return _search_window(text, run_start, candidate_end, searched_to, enabled, budget, found)


def _search_window(
    text: str,
    run_start: int,
    candidate_end: int,
    searched_to: int,
    enabled: frozenset[str],
    budget: Budget,
    found: list[Span],
) -> int:
    """NUMBER around a candidate with separators; returns how far the text is searched.

    A match starting inside the candidate ends inside it or in its extension, so the
    window never cuts a real match; matches starting later belong to the next candidate
    and are left to it. Its 7 digits lie inside the candidate (a maximal run), unless it
    opens with the candidate's closing "(".
    """
    group = text[run_start:candidate_end]
    if len(digits_only(group)) < _SHORTEST_NUMBER and group[-1] != "(":
        return max(searched_to, candidate_end)
    after = text[candidate_end : candidate_end + 1]
    if (
        after
        and (after.isalnum() or after in "_@$")
        and after not in "xe"
        and _JOINED_DIGITS.fullmatch(group) is not None
    ):
        # Digit groups joined by single dots or dashes and glued to a word (a UUID, a
        # version tag): every place NUMBER could end is followed by ".5", "-5" or the
        # word, which its look-aheads refuse.
        return max(searched_to, candidate_end)
    stop = min(len(text), candidate_end + _NUMBER_WINDOW_AFTER)
    search = _NUMBER.search  # a search per match: cheaper than setting up finditer
    m = search(text, max(run_start - 2, searched_to), stop)
    while m is not None and m.start() < candidate_end:
        found.extend(classify_number_run(text, m.start(), m.end(), enabled, budget))
        searched_to = m.end()
        if searched_to >= candidate_end:
            break  # a further match would start past the candidate
        m = search(text, searched_to, stop)
    return max(searched_to, candidate_end)


def _unicode_candidates(text: str) -> list[tuple[int, int, int, bool]]:
    """The runs _NUMBER_FINDER finds in a non-ASCII text (a digit at the start of a
    token, then six or more digits and separators, and not a date): (start, end of its
    digits, end of the run, whether its digits run unbroken)."""
    runs = []
    for m in _NUMBER_FINDER.finditer(text):
        start, end = m.span()
        digits = text[start:end].rstrip(" ().-")
        runs.append((start, start + len(digits), end, digits.isdigit()))
    return runs
