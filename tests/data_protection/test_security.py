"""SecurityValidator: CR/LF, ANSI and control characters, bidi overrides, oversized values."""

from __future__ import annotations

import pytest

from hydra_otel.data_protection import SecurityFinding, SecurityValidator


@pytest.fixture
def validator() -> SecurityValidator:
    """A validator that cuts values after 64 characters."""
    return SecurityValidator(max_length=64)


def test_safe_text_is_returned_unchanged(validator: SecurityValidator) -> None:
    result = validator.neutralize("user ann logged in\tfrom web")
    assert result.text == "user ann logged in\tfrom web" and result.changes == {}


def test_forged_lines_become_visible_escapes(validator: SecurityValidator) -> None:
    result = validator.neutralize("bob\r\n2024-01-01 INFO admin logged in")
    assert result.text == "bob\\r\\n2024-01-01 INFO admin logged in"
    assert result.changes == {"line_break": 2}
    for separator in ("\u2028", "\u2029", "\x85"):
        assert separator not in validator.neutralize(f"a{separator}b").text


def test_line_breaks_allowed_where_multiline(validator: SecurityValidator) -> None:
    assert validator.neutralize("a\nb", single_line=False).text == "a\nb"


def test_ansi_control_and_bidi_are_escaped(validator: SecurityValidator) -> None:
    result = validator.neutralize("\x1b[31mred\x1b[0m \x1b]0;title\x07 \u202eevil \x00")
    assert "\x1b" not in result.text and "\u202e" not in result.text and "\x00" not in result.text
    assert result.changes == {"ansi": 3, "bidi": 1, "control": 1}
    assert "\\x1b[31mred" in result.text


def test_oversized_values_are_cut_and_marked(validator: SecurityValidator) -> None:
    result = validator.neutralize("x" * 100)
    assert result.text == "x" * 64 + "…[truncated 36 chars]"
    assert result.changes == {"oversized": 36}


def test_attributes_and_body(validator: SecurityValidator) -> None:
    attributes = {
        "user": "a\nb",
        "exception.stacktrace": "line1\nline2",
        "n": 1,
        "tags": ["ok", "x\ry"],
    }
    findings = validator.validate_attributes(attributes)
    assert attributes == {
        "user": "a\\nb",
        "exception.stacktrace": "line1\nline2",
        "n": 1,
        "tags": ["ok", "x\\ry"],
    }
    assert SecurityFinding("line_break", "user", 1) in findings
    body, body_findings = validator.validate_body("multi\nline \x1b[1m")
    assert body == "multi\nline \\x1b[1m" and [f.kind for f in body_findings] == ["ansi"]
    strict = SecurityValidator(multiline_body=False)
    assert strict.validate_body("a\nb")[0] == "a\\nb"


def test_rejects_tiny_limits() -> None:
    with pytest.raises(ValueError, match="max_length"):
        SecurityValidator(max_length=3)
