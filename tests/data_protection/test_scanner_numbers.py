"""Number runs at the edges of the scanner's shortcuts.

A separated run whose edges leave NUMBER no other match is classified directly, without
the window search; a bare run of 10-19 digits is judged in one step that turns away
runs opening with a 1. These cases sit on either side of each shortcut's conditions:
the outcome must be what the full search gives.
"""

from __future__ import annotations

import pytest

from hydra_otel.data_protection import DataSanitizer, RedactionReport

EXPECTED = [
    # A "(+" after a run opens a second number, which the window search finds.
    ("call 555-234-5678 (+1 555 234 5678) now", "call [REDACTED:phone] [REDACTED:phone]) now"),
    ("a 555-234-5678 - (+44 20 7946 0958", "a [REDACTED:phone] - [REDACTED:phone]"),
    # A run of six digits ending in "(" holds no number; the one after it counts.
    ("ip 810.0.0.1(+1 555 234 5678)", "ip 810.0.0.1([REDACTED:phone])"),
    # Extensions and a leading "+" belong to the phone number.
    ("tel (555) 234-5678 ext 12", "tel [REDACTED:phone]"),
    ("call +1 555-234-5678 now", "call [REDACTED:phone] now"),
    ("ssn 544-74-2156 x12 ok", "ssn [REDACTED:us_ssn] x12 ok"),
    ("x 544 74 2156", "x [REDACTED:us_ssn]"),
    # Glued to a word: no number.
    ("ref 544-74-2156abc", "ref 544-74-2156abc"),
    # Epoch times open with a 1: neither a card nor a bare phone number.
    ("ts 1714148047 and 1607005126191 ms", "ts 1714148047 and 1607005126191 ms"),
    # ... but a 15-digit card may (JCB 1800).
    ("card 180012345678905 ok", "card [REDACTED:credit_card] ok"),
    # A valid bare phone number named by an id word or followed by a unit stays.
    ("user_id=5528846361", "user_id=5528846361"),
    ("sent 6289228406 records", "sent 6289228406 records"),
    ("order 4111 1111 1111 1111 shipped", "order [REDACTED:credit_card] shipped"),
]


@pytest.mark.parametrize(("text", "redacted"), EXPECTED)
def test_number_runs_next_to_the_shortcuts(
    sanitizer: DataSanitizer, text: str, redacted: str
) -> None:
    assert sanitizer.sanitize_text(text) == redacted


def test_joined_strings_get_their_own_spans(sanitizer: DataSanitizer) -> None:
    """A record's strings are scanned joined; each finding goes back to its string."""
    attributes = {"a": "port 44624", "b": "call 555-234-5678 now", "c": "ann@example.com"}
    body = sanitizer.redact_record("build 2.14.142", attributes, RedactionReport())
    assert body == "build 2.14.142"
    assert attributes == {
        "a": "port 44624",
        "b": "call [REDACTED:phone] now",
        "c": "[REDACTED:email]",
    }
