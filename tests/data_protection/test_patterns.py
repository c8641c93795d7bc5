"""PII_PATTERNS: the documented, read-only map of detector patterns."""

from __future__ import annotations

import re

import pytest

import hydra_otel
from hydra_otel.data_protection import DEFAULT_ENTITIES, OPTIONAL_ENTITIES, PII_PATTERNS


def test_it_is_read_only_and_shared_with_the_top_level_package() -> None:
    assert hydra_otel.PII_PATTERNS is PII_PATTERNS
    with pytest.raises(TypeError):
        PII_PATTERNS["email"] = ".*"  # type: ignore[index]


def test_every_entity_has_a_compiling_pattern() -> None:
    assert set(PII_PATTERNS) == DEFAULT_ENTITIES | OPTIONAL_ENTITIES
    for name, source in PII_PATTERNS.items():
        assert isinstance(source, str) and re.compile(source), name


@pytest.mark.parametrize(
    ("entity", "text", "found"),
    [("email", "to ann@example.com.", "ann@example.com"),
     ("jwt", "t eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig x", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"),
     ("aws_access_key", "k AKIAIOSFODNN7EXAMPLE.", "AKIAIOSFODNN7EXAMPLE"),
     ("uuid", "id 123e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-426614174000")],
)  # fmt: skip
def test_patterns_are_usable_on_their_own(entity: str, text: str, found: str) -> None:
    match = re.search(PII_PATTERNS[entity], text)
    assert match is not None and match.group() == found


def test_patterns_do_not_start_inside_a_word() -> None:
    assert re.search(PII_PATTERNS["aws_access_key"], "xAKIAIOSFODNN7EXAMPLE") is None
    assert re.search(PII_PATTERNS["jwt"], "abceyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig") is None
