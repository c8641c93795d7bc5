"""The regular expressions behind each detector, as source strings.

Every pattern is written to run in time linear in the input: each one opens with a
look-behind that only lets a match start at the edge of a token, repetitions are
bounded or possessive, and nothing nests an unbounded repeat inside another. A pattern
finds *candidates*; most entities are then confirmed by a validator (Luhn, mod-97,
``ipaddress`` …) in ``_validators.py``, which is what keeps false alarms rare.

``PII_PATTERNS`` is the public, read-only view: entity name -> regex source string.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# A run of 7 to 21 digits joined by at most three of `` ().-``, an optional leading
# ``+`` or ``(``, and an optional phone extension. Cards, US SSNs and phone numbers are
# told apart by the validators, which look at the digit count and the grouping. Like the
# others, it consumes its first character (``+``, ``(`` or a digit) before looking back,
# then goes on as that character allows.
NUMBER = (
    r"[+(0-9](?<![\w+.\-/#@$][+(0-9])(?<![0-9]:[+(0-9])"
    r"(?:(?<=[0-9])|(?<=\+)[0-9]|(?<=\()\+?[0-9])(?:[ ().\-]{0,3}[0-9]){6,20}"
    r"(?:[ ]?(?:x|ext\.?|#)[ ]?[0-9]{1,6})?(?![\w@$])(?!\.[0-9])(?!-[0-9])"
)

EMAIL = r"(?<![\w.+%\-])[\w.+%\-]{1,64}+@(?:[A-Za-z0-9\-]{1,63}+\.)+[A-Za-z]{2,24}+(?![\w\-])"
EMAIL_DOMAIN = r"@(?:[A-Za-z0-9\-]{1,63}+\.)+[A-Za-z]{2,24}+(?![\w\-])"
"""The part of EMAIL from the ``@`` on: scanning starts at each ``@`` (a fast literal
search) and the local part is then read backwards from it."""

IBAN = r"[A-Z](?<![A-Za-z0-9][A-Z])[A-Z][0-9]{2}(?:[ ]?[A-Z0-9]){10,32}+"

SSN_CONTEXT = (
    r"[Ss](?<![A-Za-z0-9_][Ss])(?i:sn|ocial[ _\-]?security(?:[ _\-]?(?:number|no))?)"
    r"\W{0,4}([0-9]{9})(?![0-9])"
)

IPV4 = r"[0-9](?<![\w.][0-9])[0-9]{0,2}(?:\.[0-9]{1,3}){3}(?!\w)(?!\.[0-9])"
"""Four dotted numbers; the validator then requires each to be 0-255."""

IPV6 = (
    r"[0-9A-Fa-f:](?<![\w:.][0-9A-Fa-f:])"  # then a "::" soon, or seven colons in all
    r"(?=(?<=:):|[0-9A-Fa-f:]{0,37}::|[0-9A-Fa-f]{0,3}:(?:[0-9A-Fa-f]{1,4}:){6})"
    r"[0-9A-Fa-f:]{1,38}+(?:(?<=:)[0-9]{1,3}(?:\.[0-9]{1,3}){3})?(?:%[\w.]{1,16})?(?![\w:])"
)

JWT = r"eyJ(?<![\w\-]eyJ)[A-Za-z0-9_\-]{5,}+\.[A-Za-z0-9_\-]{2,}+\.[A-Za-z0-9_\-]*+"

AWS_ACCESS_KEY = (
    r"A(?<![A-Za-z0-9]A)(?:KIA|SIA|BIA|CCA|GPA|IDA|IPA|NPA|NVA|PKA|ROA|SCA)"
    r"[A-Z0-9]{16}(?![A-Za-z0-9])"
)

GITHUB_TOKEN = r"g(?<![\w]g)(?:h[pousr]_[A-Za-z0-9]{36,255}+|ithub_pat_[A-Za-z0-9_]{22,255}+)"

SLACK_TOKEN = (
    r"x(?<![\w\-]x)(?:ox[abposer]-[A-Za-z0-9\-]{10,250}+|app-[0-9]-[A-Za-z0-9\-]{10,250}+)"
)

STRIPE_KEY = r"[rs]k_(?<![\w][rs]k_)(?:live|test)_[A-Za-z0-9]{10,247}+"

GOOGLE_API_KEY = r"AIza(?<![\w\-]AIza)[0-9A-Za-z_\-]{35}(?![\w\-])"

PRIVATE_KEY = r"-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----"
"""Finds the header only; the detector redacts up to the matching END line (or to the
end of the text when the key was cut off, since a partial key is still a secret)."""

AUTHORIZATION = r"[Bb](?<![\w\-][Bb])(?i:earer|asic)[ \t]{1,8}([A-Za-z0-9\-._~+/]{1,4096}+=*+)"

URL_PASSWORD = r"://(?<=[A-Za-z0-9]://)[^\s/:@]{0,256}+:([^\s/@]{1,256}+)@"

# A ``key=value`` or ``key: value`` pair whose key holds a secret-sounding stem; the key
# is then judged by the same key-name rules as attribute keys, so ``tokens_used=5`` stays.
SECRET_ASSIGNMENT = (
    r"(?i)(?<![\w.\-])(?P<key>[\w.\-]{0,40}?"
    r"(?:passw|passphrase|passcode|pwd|secret|token|api[_\-]?key|authoriz|cookie|credential"
    r"|private[_\-]?key|cvv|cvc)[\w.\-]{0,40}+)(?P<sep>[\"']?[ \t]{0,3}[:=][ \t]{0,3})"
    r"(?P<value>\"(?:[^\"\\\n]|\\.){0,4096}+\"|'[^'\n]{0,4096}+'"
    r"|(?:(?:bearer|basic|digest|token)[ \t]+)?"
    r"(?:[^\s,;&\"'}\]]|[,;&](?![\s,;&]|$|[\w.\-]{1,40}=)){1,4096}+)"
)

UUID = (
    r"(?<![\w\-])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"(?![\w\-])"
)

DATE = (
    r"(?<![\w\-/.])(?:(?:19|20)[0-9][0-9][\-/.](?:0?[1-9]|1[0-2])[\-/.](?:0?[1-9]|[12][0-9]|3[01])"
    r"|(?:0?[1-9]|[12][0-9]|3[01])[\-/.](?:0?[1-9]|1[0-2])[\-/.](?:19|20)[0-9][0-9])(?![0-9])"
)

HIGH_ENTROPY = r"(?<![\w+/=\-])[A-Za-z0-9+/_\-]{32,512}+={0,2}(?![\w+/=\-])"

REDACTION_TOKEN = r"\[REDACTED:[a-z0-9_]{1,40}(?:[:#][^\]\s]{1,64})?\]"
"""What a redaction leaves behind; text inside such a token is never scanned again."""

PII_PATTERNS: Mapping[str, str] = MappingProxyType(
    {
        "private_key": PRIVATE_KEY,
        "jwt": JWT,
        "authorization": AUTHORIZATION,
        "url_password": URL_PASSWORD,
        "secret": SECRET_ASSIGNMENT,
        "aws_access_key": AWS_ACCESS_KEY,
        "github_token": GITHUB_TOKEN,
        "slack_token": SLACK_TOKEN,
        "stripe_key": STRIPE_KEY,
        "google_api_key": GOOGLE_API_KEY,
        "email": EMAIL,
        "iban": IBAN,
        "credit_card": NUMBER,
        "us_ssn": NUMBER,
        "phone": NUMBER,
        "ipv4": IPV4,
        "ipv6": IPV6,
        "uuid": UUID,
        "date": DATE,
        "high_entropy": HIGH_ENTROPY,
    }
)
r"""Entity name -> regular-expression source of its candidate finder (read-only).

Every pattern starts by consuming a character or a literal and only then looks behind
(``eyJ(?<![\w\-]eyJ)…``): CPython's engine can then skip ahead to candidate positions
instead of evaluating an assertion at every position of the text.

The keys are the entity names used in redaction tokens (``[REDACTED:email]``), in the
``redaction.masked.<entity>.count`` summary attributes and in
``RedactionOptions.entities``; their order is the fixed rule order (earlier wins when
matches overlap). A pattern only *finds candidates*: ``credit_card``, ``us_ssn`` and
``phone`` share one number finder and are told apart by validators (IIN prefix + Luhn,
SSN area/group/serial rules, national and E.164 phone shapes); ``iban`` is confirmed by
its per-country length and mod-97 check, ``ipv6`` by :mod:`ipaddress`, ``jwt`` by a
header that decodes to JSON, ``private_key`` runs from its ``BEGIN`` line to the
matching ``END`` line. ``secret`` finds ``key=value`` pairs whose key the key-name rules
call sensitive. ``uuid``, ``date`` and ``high_entropy`` are off by default.
"""
