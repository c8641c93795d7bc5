"""Validators that confirm a candidate match: checksums, number plans, decodable headers.

A regular expression alone flags order ids as cards and version numbers as addresses;
these checks are what keep the false-alarm rate low. Each takes the candidate text (and
sometimes the text before it) and answers whether it really is the entity.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import re

# Official IBAN lengths per country (ISO 13616 registry).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
    "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27,
    "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28,
    "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip

_MAESTRO_12 = ("5018", "5020", "5038", "56", "57", "58", "6304", "6759", "6761", "6762",
               "6763", "0604", "6390")  # fmt: skip


_LUHN_DOUBLED = str.maketrans("0123456789", "0246813579")  # 2*d, digits summed
_LUHN_DOUBLED_BYTES = bytes.maketrans(b"0123456789", b"0246813579")


def luhn_valid(digits: str) -> bool:
    """Return True when ``digits`` passes the Luhn (mod 10) check."""
    if digits.isascii():  # summing the bytes: every ASCII digit is its value + 48
        raw = digits.encode("ascii")
        kept, doubled = raw[-1::-2], raw[-2::-2].translate(_LUHN_DOUBLED_BYTES)
        return (sum(kept) + sum(doubled) - 48 * len(raw)) % 10 == 0
    kept_sum = sum(map(int, digits[-1::-2]))
    doubled_sum = sum(map(int, digits[-2::-2].translate(_LUHN_DOUBLED)))
    return (kept_sum + doubled_sum) % 10 == 0


def card_prefix_valid(digits: str) -> bool:
    """Return True when the IIN prefix of ``digits`` belongs to a card scheme of that length."""
    n = len(digits)
    if n < 12 or n > 19:
        return False
    if n == 12:
        return digits.startswith(_MAESTRO_12)
    if digits[0] == "4":
        return n in (13, 16, 19)
    p4 = int(digits[:4])
    p2, p3 = p4 // 100, p4 // 10
    if 51 <= p2 <= 55 or 2221 <= p4 <= 2720:
        return n == 16
    if p2 in (34, 37):
        return n == 15
    if p4 in (2131, 1800):
        return n == 15
    if 300 <= p3 <= 305 or p2 in (36, 38, 39) or p4 == 3095:
        return n >= 14
    if p2 == 35 or p2 == 62 or p4 == 6011 or 644 <= p3 <= 649 or p2 == 65 or 2200 <= p4 <= 2204:
        return n >= 16
    return p2 == 50 or 56 <= p2 <= 69 or p4 == 604 or p2 in (81, 82)


def card_valid(digits: str) -> bool:
    """A payment card number: a known IIN prefix for its length, and the Luhn check."""
    return card_prefix_valid(digits) and luhn_valid(digits)


_IBAN_LETTERS = {ord(letter): str(ord(letter) - 55) for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


_COUNTRY_NUMBERS = {
    country: "".join(str(ord(letter) - 55) for letter in country) for country in IBAN_LENGTHS
}
"""Each country code as mod-97 reads it (letters -> 10..35)."""


def iban_valid(compact: str) -> bool:
    """An IBAN without spaces: known country, that country's length, and mod-97 == 1."""
    if IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    tail, check = compact[4:], compact[2:4]
    if tail.isascii() and check.isascii() and tail.isdigit() and check.isdigit():
        # (the usual all-digit account number: only the country needs translating)
        return int(tail + _COUNTRY_NUMBERS[compact[:2]] + check) % 97 == 1
    rearranged = (compact[4:] + compact[:4]).translate(_IBAN_LETTERS)
    if not rearranged.isdigit():
        return False
    return int(rearranged) % 97 == 1


def ssn_valid(area: str, group: str, serial: str) -> bool:
    """US SSN rules: area not 000, 666 or 900-999; group not 00; serial not 0000."""
    area_number = int(area)
    return 0 < area_number < 900 and area_number != 666 and group != "00" and serial != "0000"


_DATE_LIKE = re.compile(
    r"^(?:(?:19|20)\d\d[\-./ ](?:0?[1-9]|1[0-2])[\-./ ](?:0?[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|[12]\d|3[01])[\-./](?:0?[1-9]|1[0-2])[\-./](?:19|20)?\d\d)(?!\d)"
)
_STRONG_ID_WORDS: frozenset[str] = frozenset(
    {"id", "ids", "order", "orders", "invoice", "ref", "txn", "transaction", "tracking",
     "request", "req", "trace", "span", "build", "job", "seq", "sequence", "no", "nr", "sku",
     "ticket", "batch", "pr", "issue", "offset", "epoch", "ts", "version", "ver"}
)  # fmt: skip
_NUMBER_WORDS: frozenset[str] = _STRONG_ID_WORDS | {
    "num", "count", "bytes", "size", "ms", "ns", "us", "pid", "port",
}  # fmt: skip
_UNIT_WORDS: frozenset[str] = frozenset(
    {"bytes", "b", "kb", "mb", "gb", "tb", "kib", "mib", "gib", "tib", "ms", "ns", "us", "s",
     "sec", "secs", "seconds", "rows", "items", "records", "times", "reqs", "requests", "ops",
     "events", "msgs", "messages", "entries", "files", "lines", "tokens", "users", "points",
     "px"}
)  # fmt: skip
_NOT_LETTER = r"\x00-\x40\x5b-\x60\x7b-\x7f\s"
"""What separates words next to a number: any ASCII character but a letter, and any
whitespace (a word is a run of ASCII letters and non-ASCII characters)."""
_UNIT_AFTER = re.compile(rf" ?%|(?=[ ]|[^{_NOT_LETTER}])[{_NOT_LETTER}]*+([^{_NOT_LETTER}]+)")
"""A percent sign, or the first word after a space or a letter (no match: neither)."""
_LAST_WORD = re.compile(rf"([^{_NOT_LETTER}]+)[{_NOT_LETTER}]*+\Z")
_SEGMENT_BREAK = "\n" * 8  # (the joint of a record's strings, see _search.SEGMENT_BREAK)
_PHONE_CONTEXT = re.compile(r"\b(?:phone|tel|mobile|cell|fax|sms|call|dial|contact|whatsapp)")


def has_phone_context(before: str) -> bool:
    """True when the text before a number talks about phones (call, tel, mobile …)."""
    return _PHONE_CONTEXT.search(before.lower()) is not None


def is_unit_context(after: str) -> bool:
    """True when the word right after a bare number is a unit (``bytes``, ``ms``, ``rows``…)."""
    return unit_follows(after, 0)


def unit_follows(text: str, end: int) -> bool:
    """:func:`is_unit_context` of ``text[end : end + 12]``, without the slice: a ``%``
    (or `` %``) or a unit word first among the letters of the next 10 characters, when
    the number is followed by a space, a letter or nothing."""
    m = _UNIT_AFTER.match(text, end, end + 10)
    if m is None:
        return False
    word = m.group(1)
    return word is None or word.lower() in _UNIT_WORDS


def is_id_context(before: str, *, strong: bool = False) -> bool:
    """True when the word just before a bare number names it as an id, a size or a time.

    ``strong`` only looks for id words (order, invoice, ref …), for numbers whose own
    validator is strong (cards); otherwise counts, sizes, ports and pids too.
    """
    return _id_word(before[-14:], strong)


def id_word_before(text: str, start: int, *, strong: bool = False) -> bool:
    """:func:`is_id_context` of what precedes ``text[start]`` in its own string of a
    joined scan: the look-back stops at a segment break, so a neighbouring value's last
    word cannot veto a number."""
    tail = text[start - 14 if start > 14 else 0 : start]
    if "\n" in tail:
        cut = tail.rfind(_SEGMENT_BREAK)
        if cut >= 0:
            tail = tail[cut + len(_SEGMENT_BREAK) :]
    return _id_word(tail, strong)


def _id_word(tail: str, strong: bool) -> bool:
    m = _LAST_WORD.search(tail)
    if m is None or m.end(1) == len(tail):
        return False  # no word, or glued to one: not "word <number>"
    if len(tail.rstrip(" \t:=#-\"'._")) < len(tail) - 4:
        return False
    return m.group(1).lower() in (_STRONG_ID_WORDS if strong else _NUMBER_WORDS)


def date_like(candidate: str) -> bool:
    """True when ``candidate`` starts like a calendar date (2024-05-01, 01.05.2024 …)."""
    return _DATE_LIKE.match(candidate) is not None


_NANP_GROUPS = ([3, 3, 4], [3, 7])
_NANP_WITH_ONE_GROUPS = ([1, 3, 3, 4], [1, 3, 7], [4, 3, 4])
_CENTURIES = ("19", "20")


def _nanp_valid(digits: str) -> bool:
    return len(digits) == 10 and digits[0] in "23456789" and digits[3] in "23456789"


def bare_phone_valid(digits: str) -> bool:
    """:func:`phone_valid` of an unseparated run of digits (``bare=True``, one group):
    a NANP number with or without its leading 1, or a national number with trunk 0."""
    n = len(digits)
    if n == 10:
        return _nanp_valid(digits) or (digits[0] == "0" and digits[1] != "0")
    if n == 11:
        if digits[0] == "1":
            return _nanp_valid(digits[1:])
        return digits[0] == "0" and digits[1] != "0"
    return False


def phone_valid(
    candidate: str,
    digits: str,
    bare: bool,
    groups: list[int],
    context: bool = False,
    whole: bool = True,
) -> bool:
    """Decide whether a digit run is a phone number in a common national or E.164 form.

    Args:
        candidate: the run as written, extension removed, trunk ``(0)`` already dropped.
        digits: its digits only.
        bare: True when the run has no separators at all.
        groups: the lengths of its digit groups, in order.
        context: True when the surrounding words talk about phones; then short local
            forms (``366 48562``) are accepted too.
        whole: False for a part cut out of a longer run; the weak local form
            ``2345 6789`` only counts when it stands alone.
    """
    n = len(digits)
    if candidate.startswith("+") or candidate.startswith("(+"):
        return 8 <= n <= 15 and digits[0] != "0"
    if digits.startswith("00"):
        return not bare and 10 <= n <= 17 and digits[2] != "0"
    if n == 10 and (groups in _NANP_GROUPS or candidate[:5].endswith(")")):
        return True
    if n == 10 and bare and _nanp_valid(digits):
        return True
    if n == 11 and digits[0] == "1":
        return groups in _NANP_WITH_ONE_GROUPS or (bare and _nanp_valid(digits[1:]))
    if digits[0] == "0" and digits[1] != "0" and 10 <= n <= 12:
        if bare:
            return n <= 11
        return len(groups) <= 5 and 2 <= groups[0] <= 5  # area code, then the line
    if (
        whole
        and groups == [4, 4]
        and len(candidate) == 9
        and candidate[4] in " -"
        and digits[0] != "0"
        and digits[:2] not in _CENTURIES
    ):
        return True  # a local number as "2345 6789" / "2345-6789" (not "2024-0001")
    return context and 7 <= n <= 9 and not bare and len(groups) <= 3 and min(groups) >= 2


_VERSION_WORDS = ("version", "ver", "release", "build", "rev", "revision")
_OCTET = "(?:[0-9]{1,2}|[01][0-9]{2}|2[0-4][0-9]|25[0-5])"
_OCTETS = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")
"""Four dotted numbers of 0-255 (leading zeros allowed, as ``int`` reads them)."""
_HEXTET = "[0-9A-Fa-f]{1,4}"
_IPV6_FULL = re.compile(rf"{_HEXTET}(?::{_HEXTET}){{7}}")
_IPV6_COMPRESSED = re.compile(
    rf"(?:{_HEXTET}(?::{_HEXTET}){{0,6}})?::(?:{_HEXTET}(?::{_HEXTET}){{0,6}})?"
)


def ipv4_valid(candidate: str, before: str) -> bool:
    """An IPv4 address worth hiding: octets 0-255, not loopback/unspecified/netmask, not a
    version number."""
    if candidate.startswith(("127.", "0.", "255.")):
        return False
    if _OCTETS.fullmatch(candidate) is None:
        return False  # an octet over 255
    tail = before[-10:].lower()
    return not (tail.endswith("v") or tail.rstrip(" =:").endswith(_VERSION_WORDS))


def ipv6_valid(candidate: str) -> bool:
    """A real IPv6 address (by :mod:`ipaddress`), not ``::``/``::1`` nor a clock time.

    The plain hexadecimal forms, full or with one ``::``, are recognised by a pattern
    (a fifth of the cost of parsing them); :mod:`ipaddress` decides everything else.
    """
    address = candidate.split("%", 1)[0]
    if "::" not in address and address.count(":") < 7:
        return False
    if _IPV6_FULL.fullmatch(address) is None:
        parts = address.split(":")
        if _IPV6_COMPRESSED.fullmatch(address) is None or len(parts) - parts.count("") > 7:
            return _ipv6_parsed_valid(address)
    head, _, last = address.rpartition(":")  # loopback/unspecified: all zero but a last 0/1
    return bool(head.replace(":", "").strip("0")) or int(last or "0", 16) > 1


def _ipv6_parsed_valid(address: str) -> bool:
    try:
        parsed = ipaddress.IPv6Address(address)
    except ValueError:
        return False
    return not (parsed.is_loopback or parsed.is_unspecified)


_URLSAFE_TO_STANDARD = bytes.maketrans(b"-_", b"+/")
_JSON_DECODER = json.JSONDecoder()


def _b64decode(segment: str, urlsafe: bool) -> bytes | None:
    padded = segment + "=" * (-len(segment) % 4)
    try:
        if urlsafe:  # base64.urlsafe_b64decode, without its wrappers
            return binascii.a2b_base64(padded.encode("ascii").translate(_URLSAFE_TO_STANDARD))
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None


def jwt_valid(candidate: str) -> bool:
    """A JWT/JWS: the first segment decodes (base64url) to a JSON object."""
    raw = _b64decode(candidate.split(".", 1)[0], urlsafe=True)
    if raw is None or not raw.rstrip().endswith(b"}"):
        return False
    return isinstance(_json_value(raw), dict)


def _json_value(raw: bytes) -> object:
    """``json.loads(raw)``, or ``None`` when it fails. An object in plain UTF-8 with
    nothing around it (every real header) is decoded directly: json.loads would pick
    the same encoding and parse the same text, after steps costing three times more."""
    if raw[:1] == b"{":
        try:
            text = raw.decode("utf-8", "surrogatepass")
            value, end = _JSON_DECODER.raw_decode(text)
            if end == len(text):
                return value
        except ValueError:
            pass  # (json.loads below gives the verdict)
    try:
        return json.loads(raw)
    except ValueError:
        return None


def basic_credentials_valid(credential: str) -> bool:
    """``Basic`` credentials: base64 of ``user:password``."""
    raw = _b64decode(credential, urlsafe=False)
    return raw is not None and b":" in raw


_DIGIT_OR_MARK = re.compile(r"[0-9._\-~+/=]")
"""What an ASCII token holds and a word does not: a digit or one of ``._-~+/=``."""


def bearer_token_plausible(token: str) -> bool:
    """A bearer token outside an Authorization header must look like one, not a word."""
    if len(token) < 16:
        return False
    if token.isascii():
        return _DIGIT_OR_MARK.search(token) is not None or (
            not token.islower() and not token.isupper()
        )
    return (
        any(char.isdigit() for char in token)
        or any(char in "._-~+/=" for char in token)
        or (not token.islower() and not token.isupper())
    )


def shannon_entropy_high(candidate: str) -> bool:
    """Generic secret: mixed-case letters and digits, >= 4 bits of entropy per char."""
    import math

    if candidate.islower() or candidate.isupper() or not any(c.isdigit() for c in candidate):
        return False
    counts: dict[str, int] = {}
    for char in candidate:
        counts[char] = counts.get(char, 0) + 1
    length = len(candidate)
    entropy = -sum(c / length * math.log2(c / length) for c in counts.values())
    return entropy >= 4.0
