"""DataSanitizer: what gets hidden, what survives, modes, idempotency and reports."""

from __future__ import annotations

import base64
import json

import pytest

from hydra_otel.data_protection import DataSanitizer, RedactionOptions, RedactionReport

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
)
BASIC = base64.b64encode(b"ann:hunter22").decode()

EXAMPLES = [
    ("email", "mail ann.lee+tag@example.co.uk today", "ann.lee+tag@example.co.uk"),
    ("credit_card", "card 4111 1111 1111 1111 declined", "4111 1111 1111 1111"),
    ("credit_card", "charged 378282246310005 ok", "378282246310005"),
    ("iban", "payout to DE89 3704 0044 0532 0130 00 done", "DE89 3704 0044 0532 0130 00"),
    ("iban", "payout to GB82WEST12345698765432", "GB82WEST12345698765432"),
    ("us_ssn", "applicant ssn 503-25-1897 ok", "503-25-1897"),
    ("ipv4", "client 203.0.113.77 connected", "203.0.113.77"),
    ("ipv6", "client 2001:db8::8a2e:370:7334 connected", "2001:db8::8a2e:370:7334"),
    ("jwt", f"token {JWT} accepted", JWT),
    ("aws_access_key", "key AKIAIOSFODNN7EXAMPLE used", "AKIAIOSFODNN7EXAMPLE"),
    ("github_token", "gh ghp_" + "a1B2" * 9 + " pushed", "ghp_" + "a1B2" * 9),
    ("slack_token", "xoxb-12345678901-123456789012-abcdefABCDEF1234 posted", "xoxb-12345678901"),
    ("stripe_key", "stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc set", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
    ("google_api_key", "maps AIzaSyA1234567890abcdefghijklmnopqrstuv ok", "AIzaSyA1234567890abcdefghijklmnopqrstuv"),
    ("private_key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", "MIIEow"),
    ("authorization", f"Authorization: Basic {BASIC}", BASIC),
    ("authorization", "sent Bearer abcDEF1234567890ghiJKL to api", "abcDEF1234567890ghiJKL"),
    ("url_password", "dsn postgres://app:s3cr3tPW@db.internal:5432/orders", "s3cr3tPW"),
    ("phone", "call (415) 555-2671 now", "(415) 555-2671"),
    ("phone", "call +44 7700 900123 now", "+44 7700 900123"),
    ("phone", "call +1-212-555-0199x1234 now", "212-555-0199"),
    ("secret", "login password=hunter2 failed", "hunter2"),
    ("secret", 'cfg {"api_key": "abc123def", "retries": 3', "abc123def"),
]  # fmt: skip

BENIGN = [
    "request 123e4567-e89b-12d3-a456-426614174000 done",
    "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7",
    "at 2024-05-01T12:34:56.789Z and 2024-05-01 12:34:56,789",
    "deployed v2.14.3 (build 1.4.12) in 1234 ms",
    "order ORD-2024-000123 #5551234567 order_id=4111111111111111",
    "commit 3ed1fd7db7a23d395288b13ce3cb2127365a2ed5 by bob",
    "sent 2147483647 bytes in 12.5s, epoch 1714567890123, port 8080",
    "author=ann input_tokens=512 tokens_used=40 session_count=3 keyboard_layout=us",
    "listening on 0.0.0.0:8080 and 127.0.0.1, version 1.2.3.4",
]


@pytest.mark.parametrize(("entity", "text", "secret"), EXAMPLES)
def test_each_default_entity_is_masked(
    sanitizer: DataSanitizer, entity: str, text: str, secret: str
) -> None:
    out = sanitizer.sanitize_text(text)
    assert secret not in out
    assert f"[REDACTED:{entity}]" in out


@pytest.mark.parametrize("text", BENIGN)
def test_benign_lookalikes_survive(sanitizer: DataSanitizer, text: str) -> None:
    assert sanitizer.sanitize_text(text) == text


@pytest.mark.parametrize(("entity", "text", "secret"), EXAMPLES)
def test_redacting_twice_changes_nothing(
    sanitizer: DataSanitizer, entity: str, text: str, secret: str
) -> None:
    once = sanitizer.sanitize_text(text)
    assert sanitizer.sanitize_text(once) == once


def test_structures_are_walked_and_key_rules_apply(sanitizer: DataSanitizer) -> None:
    value = {
        "user": {"email": "ann@example.com", "password": 1234, "tags": ["vip", "bob@example.org"]},
        "credentials": {"user": "ann", "pass": "x"},
        "api_key": ("a", "b"),
        "password_expired": True,
        "session_count": 2,
        "note": b"phone 415-555-2671",
    }
    out = sanitizer.sanitize(value)
    assert out == {
        "user": {"email": "[REDACTED:email]", "password": "[REDACTED:secret]",
                 "tags": ["vip", "[REDACTED:email]"]},
        "credentials": "[REDACTED:secret]",
        "api_key": "[REDACTED:secret]",
        "password_expired": True,
        "session_count": 2,
        "note": b"phone [REDACTED:phone]",
    }  # fmt: skip
    assert value["user"]["email"] == "ann@example.com", "the input is not mutated"


def test_unchanged_values_are_returned_as_is(sanitizer: DataSanitizer) -> None:
    value = {"a": ["x", {"b": "nothing here"}], "n": 1}
    assert sanitizer.sanitize(value) is value
    text = '{"status": "ok", "count": 3}'
    assert sanitizer.sanitize(text) is text


def test_json_inside_a_string_keeps_its_key_rules(sanitizer: DataSanitizer) -> None:
    text = json.dumps({"user": "ann", "password": 987654, "contact": {"mail": "ann@example.com"}})
    out = json.loads(sanitizer.sanitize_text(text))
    assert out == {"user": "ann", "password": "[REDACTED:secret]",
                   "contact": {"mail": "[REDACTED:email]"}}  # fmt: skip


def test_overlapping_matches_merge_into_one_token() -> None:
    sanitizer = DataSanitizer(RedactionOptions(extra_patterns={"digits": r"1111 1111"}))
    out = sanitizer.sanitize_text("card 4111 1111 1111 1111 end")
    assert out == "card [REDACTED:credit_card] end"
    bearer_jwt = DataSanitizer().sanitize_text(f"Authorization: Bearer {JWT}")
    assert bearer_jwt.count("[REDACTED:") == 1 and "eyJ" not in bearer_jwt


def test_card_followed_by_cvv_leaves_no_card_digits(sanitizer: DataSanitizer) -> None:
    out = sanitizer.sanitize_text("4111111111111111 123 ok")
    assert out == "[REDACTED:credit_card] 123 ok"


def test_partial_mode_keeps_last_four_of_cards_and_phones() -> None:
    sanitizer = DataSanitizer(RedactionOptions(mode="partial"))
    out = sanitizer.sanitize_text(
        "card 4111 1111 1111 1234? no: 4111-1111-1111-1111, tel 415-555-2671, ann@x.io"
    )
    assert "[REDACTED:credit_card:****1111]" in out
    assert "[REDACTED:phone:****2671]" in out
    assert "[REDACTED:email]" in out
    assert sanitizer.sanitize_text(out) == out


@pytest.mark.parametrize("algorithm", ["hmac-sha256", "blake2b"])
def test_hash_mode_gives_stable_keyed_tokens(algorithm: str) -> None:
    options = RedactionOptions(mode="hash", hmac_key=b"k1", hash_algorithm=algorithm)  # type: ignore[arg-type]
    first, second = DataSanitizer(options), DataSanitizer(options)
    a = first.sanitize_text("from ann@example.com")
    assert a == second.sanitize_text("from ann@example.com"), "stable across instances"
    assert a != first.sanitize_text("from bob@example.com")
    assert a.startswith("from [REDACTED:email#") and "ann" not in a
    other_key = DataSanitizer(
        RedactionOptions(mode="hash", hmac_key=b"k2", hash_algorithm=algorithm)
    )  # type: ignore[arg-type]
    assert other_key.sanitize_text("from ann@example.com") != a
    assert first.sanitize_text(a) == a
    same_card = first.sanitize_text("4111 1111 1111 1111") == first.sanitize_text(
        "4111-1111-1111-1111"
    )
    assert same_card, "separators do not change a card's token"


def test_dry_run_changes_nothing_but_reports() -> None:
    sanitizer = DataSanitizer(RedactionOptions(dry_run=True))
    value = {"password": "x", "msg": "ann@example.com 415-555-2671"}
    report = RedactionReport()
    assert sanitizer.redact(value, report) is value
    assert report.counts == {"secret": 1, "email": 1, "phone": 1}


def test_inspect_reports_without_changing(sanitizer: DataSanitizer) -> None:
    text = "ann@example.com and bob@example.com"
    report = sanitizer.inspect(text)
    assert report.counts == {"email": 2} and report.found == 2
    assert "example" not in repr(report)


def test_allow_list_keeps_allowed_values() -> None:
    sanitizer = DataSanitizer(RedactionOptions(allow_list=[r"support@example\.com"]))
    out = sanitizer.sanitize_text("write support@example.com or ann@example.com")
    assert out == "write support@example.com or [REDACTED:email]"


def test_extra_patterns_and_entity_selection() -> None:
    sanitizer = DataSanitizer(
        RedactionOptions(entities={"email"}, extra_patterns={"ticket": r"TCK-\d{6}"})
    )
    out = sanitizer.sanitize_text("TCK-123456 from ann@example.com at 203.0.113.77")
    assert out == "[REDACTED:ticket] from [REDACTED:email] at 203.0.113.77"


def test_optional_entities_are_off_by_default_and_can_be_enabled() -> None:
    text = "id 123e4567-e89b-12d3-a456-426614174000 on 2024-05-01"
    assert DataSanitizer().sanitize_text(text) == text
    options = RedactionOptions(entities={"uuid", "date"})
    assert DataSanitizer(options).sanitize_text(text) == "id [REDACTED:uuid] on [REDACTED:date]"


def test_too_deep_structures_fail_closed() -> None:
    sanitizer = DataSanitizer(RedactionOptions(max_depth=3))
    deep: dict[str, object] = {"a": {"b": {"c": {"d": "ann@example.com"}}}}
    assert "ann@example.com" not in json.dumps(sanitizer.sanitize(deep))


def test_redact_record_reports_body_and_keys(sanitizer: DataSanitizer) -> None:
    attributes = {"user.email": "ann@example.com", "password": "x", "n": 5, "ok": "fine text"}
    report = RedactionReport()
    body = sanitizer.redact_record("call 415-555-2671", attributes, report)
    assert body == "call [REDACTED:phone]"
    assert attributes == {"user.email": "[REDACTED:email]", "password": "[REDACTED:secret]",
                          "n": 5, "ok": "fine text"}  # fmt: skip
    assert report.body and report.keys == {"user.email", "password"}
    assert report.counts == {"phone": 1, "email": 1, "secret": 1}


def test_many_strings_in_one_record_are_attributed_correctly(sanitizer: DataSanitizer) -> None:
    attributes = {
        f"k{i}": f"value {i} ann{i}@example.com" if i % 2 else f"plain {i}" for i in range(9)
    }
    report = RedactionReport()
    sanitizer.redact_record(None, attributes, report)
    for i in range(9):
        expected = f"value {i} [REDACTED:email]" if i % 2 else f"plain {i}"
        assert attributes[f"k{i}"] == expected
    truncated_key = {"a": "-----BEGIN PRIVATE KEY-----\nMIIE", "b": "ann@example.com"}
    sanitizer.redact_record(None, truncated_key, RedactionReport())
    assert truncated_key == {"a": "[REDACTED:private_key]", "b": "[REDACTED:email]"}


def test_a_json_body_is_redacted_like_the_structure_it_holds(sanitizer: DataSanitizer) -> None:
    document = {
        "event": "audit",
        "ann@example.com": {"password": "hunter2", "note": "call 415-555-2671"},
        "bob@example.com": ["x", {"token": "t0k3n-value"}, 5, None, True],
        "ref": "v1.2.3",
    }
    report = RedactionReport()
    body = sanitizer.redact_record(json.dumps(document), {"a": "plain text"}, report)
    expected = sanitizer.sanitize(document)  # keys redacted in place: same order, merged
    assert body == json.dumps(expected, ensure_ascii=False, separators=(",", ":"))
    assert list(json.loads(body)) == ["event", "[REDACTED:email]", "ref"]
    assert report.body and report.counts == {"email": 2, "secret": 2, "phone": 1}


def test_a_clean_json_body_is_returned_as_it_came(sanitizer: DataSanitizer) -> None:
    body = '{"event": "audit",  "ref": "v1.2.3", "n": [1, 2]}'
    report = RedactionReport()
    assert sanitizer.redact_record(body, {}, report) is body
    assert not report and not report.body


def test_a_neighbouring_value_does_not_hide_a_number(sanitizer: DataSanitizer) -> None:
    """The strings of a record are scanned joined; the word ending one ("bytes") is not
    the id or unit word of a number at the start of the next."""
    attributes = {"size": "101762139 bytes", "contact": "8665080360"}
    sanitizer.redact_record(None, attributes, RedactionReport())
    assert attributes == {"size": "101762139 bytes", "contact": "[REDACTED:phone]"}
