"""The engine's per-record shortcuts give what the plain rules give.

Records are triaged by their first character (JSON may open after any white space),
JSON bodies are re-encoded with a reused encoder, and SDK attributes are written past
``BoundedAttributes`` only when its limits cannot be crossed. Each shortcut is checked
here against the behaviour it stands for.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from opentelemetry.attributes import BoundedAttributes

from hydra_otel.data_protection import DataSanitizer, RedactionReport

SECRET_JSON = '{"password": "hunter2"}'
REDACTED_JSON = '{"password":"[REDACTED:secret]"}'


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_json_opens_after_any_white_space(sanitizer: DataSanitizer) -> None:
    leads = [chr(code) for code in range(0x3001)] + ["\U0001f600", "\U000e0001"]
    for lead in leads:
        attributes = {"payload": lead + SECRET_JSON}
        sanitizer.redact_record(None, attributes, RedactionReport())
        expected = REDACTED_JSON if lead.isspace() else None
        if expected is not None:
            assert attributes["payload"] == expected, repr(lead)
        else:  # scanned as text: the lead survives, the secret does not
            assert attributes["payload"].startswith(lead), repr(lead)
            assert "hunter2" not in attributes["payload"], repr(lead)


@pytest.mark.parametrize(
    "value",
    ["4bf92f3577b34da6a3ce929d0e0e4736", "123e4567-e89b-12d3-a456-426614174000",
     "2024-05-01T12:34:56.789Z", "2024-05-01 12:34:56,789+02:00", "-----", "deadbeef"],
)  # fmt: skip
def test_ids_and_timestamps_are_kept(sanitizer: DataSanitizer, value: str) -> None:
    attributes = {"trace_id": value}
    body = sanitizer.redact_record(value, attributes, RedactionReport())
    assert body == value and attributes == {"trace_id": value}


def test_id_shapes_with_a_finding_are_still_scanned(sanitizer: DataSanitizer) -> None:
    attributes = {"a": "4111111111111111", "b": "ann@example.com", "c": "10.1.2.3"}
    sanitizer.redact_record(None, attributes, RedactionReport())
    assert attributes == {
        "a": "[REDACTED:credit_card]",
        "b": "[REDACTED:email]",
        "c": "[REDACTED:ipv4]",
    }


@pytest.mark.parametrize(
    "document",
    [
        {"user": "ann@example.com", "n": 1.5, "big": 10**20, "neg": -0.0, "ok": True,
         "none": None, "text": 'é\n"\u2028\U0001f600', "nested": [{"email": "b@c.io"}, []]},
        [{"password": "x"}, "ann@example.com", 3, [None, {"k": {}}]],
        {"nan": float("nan"), "inf": float("inf"), "email": "ann@example.com"},
    ],
)  # fmt: skip
def test_a_redacted_json_body_is_encoded_like_json_dumps(
    sanitizer: DataSanitizer, document: Any
) -> None:
    body = _dumps(document)
    redacted = sanitizer.redact_record(body, {}, RedactionReport())
    assert redacted != body
    assert redacted == _dumps(json.loads(redacted))  # the standard encoding, nothing else
    assert "ann@example.com" not in redacted and "b@c.io" not in redacted


def test_json_held_in_an_attribute_is_encoded_like_json_dumps(sanitizer: DataSanitizer) -> None:
    value = ' [{"api_key": "abc", "x": "é\\u2028"}, 1.25] '
    attributes = {"payload": value}
    sanitizer.redact_record(None, attributes, RedactionReport())
    assert attributes["payload"] == _dumps([{"api_key": "[REDACTED:secret]", "x": "é\u2028"}, 1.25])


def _bounded(**limits: Any) -> BoundedAttributes:
    return BoundedAttributes(
        limits.get("maxlen", 128),
        {"note": "mail ann@example.com", "n": 1},
        immutable=limits.get("immutable", False),
        max_value_len=limits.get("max_value_len"),
    )


@pytest.mark.parametrize(
    "limits", [{}, {"maxlen": 2}, {"max_value_len": 20}, {"maxlen": 2, "max_value_len": 40}]
)
def test_sdk_attributes_keep_their_limits(sanitizer: DataSanitizer, limits: dict[str, Any]) -> None:
    attributes = _bounded(**limits)
    report = RedactionReport()
    sanitizer.redact_record(None, attributes, report)
    expected = "mail [REDACTED:email]"
    cap = limits.get("max_value_len")
    assert attributes["note"] == (expected[:cap] if cap else expected)
    assert report.keys == {"note"} and len(attributes) <= limits.get("maxlen", 128)


def test_immutable_sdk_attributes_are_refused_not_bypassed(sanitizer: DataSanitizer) -> None:
    attributes = _bounded(immutable=True)
    with pytest.raises(TypeError):
        sanitizer.redact_record(None, attributes, RedactionReport())
