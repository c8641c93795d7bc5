"""RedactionOptions: validation at construction and HYDRA_REDACTION_* settings."""

from __future__ import annotations

import pytest

from hydra_otel.config import HydraSettings
from hydra_otel.core import ConfigurationError
from hydra_otel.data_protection import DEFAULT_ENTITIES, OPTIONAL_ENTITIES, RedactionOptions


def test_defaults_are_the_safe_set() -> None:
    options = RedactionOptions()
    assert options.mode == "mask"
    assert options.enabled_entities == DEFAULT_ENTITIES
    assert not options.enabled_entities & OPTIONAL_ENTITIES
    assert {"email", "credit_card", "iban", "us_ssn", "phone", "jwt", "secret"} <= DEFAULT_ENTITIES


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [({"mode": "scramble"}, "scramble"), ({"summary": "loud"}, "loud"),
     ({"entities": ["email", "dna"]}, "dna"), ({"extra_patterns": {"ticket": "([a-z"}}, "([a-z"),
     ({"allow_list": ["(unclosed"]}, "(unclosed"), ({"hash_algorithm": "md5"}, "md5")],
)  # fmt: skip
def test_invalid_values_name_themselves(kwargs: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigurationError, match=named.replace("(", r"\(").replace("[", r"\[")):
        RedactionOptions(**kwargs)  # type: ignore[arg-type]


def test_hash_mode_needs_a_key() -> None:
    with pytest.raises(ConfigurationError, match="HYDRA_REDACTION_HMAC_KEY"):
        RedactionOptions(mode="hash")
    assert RedactionOptions(mode="hash", hmac_key="k").hmac_key == b"k"


def test_key_never_in_repr() -> None:
    assert "sekrit" not in repr(RedactionOptions(mode="hash", hmac_key=b"sekrit"))


def test_extra_patterns_become_entities() -> None:
    options = RedactionOptions(extra_patterns={"ticket": r"TCK-\d{6}"})
    assert "ticket" in options.enabled_entities


def test_from_settings_reads_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYDRA_REDACTION_MODE", "hash")
    monkeypatch.setenv("HYDRA_REDACTION_HMAC_KEY", "corr-key")
    monkeypatch.setenv("HYDRA_REDACTION_ENTITIES", "+uuid,-ipv4")
    monkeypatch.setenv("HYDRA_REDACTION_EXTRA_PATTERNS", '{"ticket": "TCK-[0-9]{6}"}')
    monkeypatch.setenv("HYDRA_REDACTION_ALLOW_LIST", '["support@example\\\\.com"]')
    monkeypatch.setenv("HYDRA_REDACTION_SENSITIVE_KEYS", '["pin_code"]')
    monkeypatch.setenv("HYDRA_REDACTION_SUMMARY", "info")
    monkeypatch.setenv("HYDRA_REDACTION_DRY_RUN", "true")
    options = RedactionOptions.from_settings()
    assert options.mode == "hash"
    assert options.hmac_key == b"corr-key"
    assert "uuid" in options.enabled_entities and "ipv4" not in options.enabled_entities
    assert "ticket" in options.enabled_entities
    assert list(options.allow_list) == [r"support@example\.com"]
    assert list(options.sensitive_keys) == ["pin_code"]
    assert options.summary == "info" and options.dry_run


def test_from_settings_overrides_win() -> None:
    options = RedactionOptions.from_settings(HydraSettings(), summary="silent")
    assert options.summary == "silent"


def test_entity_list_replacing_defaults_and_mixed_is_rejected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HYDRA_REDACTION_ENTITIES", "email,phone")
    assert RedactionOptions.from_settings().enabled_entities == {"email", "phone"}
    monkeypatch.setenv("HYDRA_REDACTION_ENTITIES", "email,-phone")
    with pytest.raises(ConfigurationError, match="email,-phone"):
        RedactionOptions.from_settings()
