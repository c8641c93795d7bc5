"""Level names and their OTel severities."""

from __future__ import annotations

import pytest
from opentelemetry._logs import SeverityNumber

from hydra_otel.config import parse_level
from hydra_otel.config._levels import LEVELS, severity_for_stdlib


def test_standard_levels_map_to_the_otel_data_model() -> None:
    assert parse_level("debug").severity is SeverityNumber.DEBUG
    assert parse_level("INFO").severity is SeverityNumber.INFO
    assert parse_level("WARNING").severity.value == 13
    assert parse_level("error").severity is SeverityNumber.ERROR
    assert parse_level("critical").severity is SeverityNumber.FATAL


def test_categories_have_distinct_severity_texts_and_event_names() -> None:
    categories = [LEVELS[name] for name in ("SECURITY", "AUDIT", "COMPLIANCE")]
    assert len({level.severity for level in categories}) == 3
    assert [level.event_name for level in categories] == [
        "hydra.security",
        "hydra.audit",
        "hydra.compliance",
    ]


def test_numbers_and_aliases() -> None:
    assert parse_level(30).name == "WARNING"
    assert parse_level(35).name == "SECURITY"
    assert parse_level("fatal").name == "CRITICAL"
    assert severity_for_stdlib(30) is SeverityNumber.WARN
    assert severity_for_stdlib(5) is SeverityNumber.TRACE


@pytest.mark.parametrize("bad", ["LOUD", "", -1, None, True])
def test_bad_levels_name_the_value(bad: object) -> None:
    with pytest.raises(ValueError, match=repr(bad).replace("(", r"\(")):
        parse_level(bad)  # type: ignore[arg-type]
