"""Key-name rules: which keys hold secrets whatever their value, with word-boundary care."""

from __future__ import annotations

import pytest

from hydra_otel.data_protection import SensitiveKeyRules, key_words


@pytest.mark.parametrize(
    "key",
    ["password", "passwd", "db_password", "user.password", "secret", "client_secret",
     "api_key", "apiKey", "x-api-key", "access_token", "refresh_token", "Authorization",
     "http.request.header.authorization", "cookie", "set-cookie", "private_key",
     "credentials", "token", "csrf_token", "AWS_SECRET_ACCESS_KEY", "githubToken"],
)  # fmt: skip
def test_sensitive_keys(key: str) -> None:
    assert SensitiveKeyRules().is_sensitive(key)


@pytest.mark.parametrize(
    "key",
    ["author", "input_tokens", "tokens_used", "keyboard_layout", "session_count",
     "max_tokens", "token_type", "token_count", "password_expired", "password_changed_at",
     "secret_name", "passenger", "monkey", "authentication_method", "bypass"],
)  # fmt: skip
def test_benign_keys(key: str) -> None:
    assert not SensitiveKeyRules().is_sensitive(key)


def test_words_split_camel_case_and_separators() -> None:
    assert key_words("http.request.header.set-cookie") == [
        "http",
        "request",
        "header",
        "set",
        "cookie",
    ]
    assert key_words("apiKeyID") == ["api", "key", "id"]


def test_extra_and_ignored_keys() -> None:
    rules = SensitiveKeyRules(extra_sensitive=["ssn", "card_holder"], ignored=["trace_id"])
    assert rules.is_sensitive("applicant.ssn")
    assert rules.is_sensitive("CARD_HOLDER")
    assert not rules.is_sensitive("card_holder_name")
    assert rules.verdict("trace_id") == SensitiveKeyRules.IGNORED
    assert rules.verdict("redaction.masked.keys") == SensitiveKeyRules.IGNORED


def test_the_built_in_rules_can_be_turned_off_leaving_the_extra_keys() -> None:
    rules = SensitiveKeyRules(extra_sensitive=["ssn"], builtin=False)
    assert not rules.is_sensitive("password")
    assert not rules.is_sensitive("api_key")
    assert rules.is_sensitive("applicant.ssn")
