"""Level names, stdlib level numbers and OTel severity numbers, in one table.

The OTel data model gives each stdlib level a severity range; Hydra's three record
categories (security, audit, compliance) get their own severity text and a number
inside the range their importance belongs to, so any backend can filter them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from opentelemetry._logs import SeverityNumber


@dataclass(frozen=True, slots=True)
class Level:
    """One log level: its canonical name, stdlib number and OTel severity."""

    name: str
    stdlib: int
    severity: SeverityNumber
    category: str | None = None
    event_name: str | None = field(init=False, compare=False, repr=False)
    """The OTel event name that records of this category carry (``hydra.<category>``);
    a field computed once, as it is read on every log call."""

    def __post_init__(self) -> None:
        event_name = f"hydra.{self.category}" if self.category else None
        object.__setattr__(self, "event_name", event_name)


DEBUG = Level("DEBUG", 10, SeverityNumber.DEBUG)
INFO = Level("INFO", 20, SeverityNumber.INFO)
AUDIT = Level("AUDIT", 21, SeverityNumber.INFO2, "audit")
COMPLIANCE = Level("COMPLIANCE", 22, SeverityNumber.INFO3, "compliance")
WARNING = Level("WARNING", 30, SeverityNumber.WARN)
SECURITY = Level("SECURITY", 31, SeverityNumber.WARN2, "security")
ERROR = Level("ERROR", 40, SeverityNumber.ERROR)
CRITICAL = Level("CRITICAL", 50, SeverityNumber.FATAL)

LEVELS: dict[str, Level] = {
    level.name: level
    for level in (DEBUG, INFO, AUDIT, COMPLIANCE, WARNING, SECURITY, ERROR, CRITICAL)
}
_ALIASES = {"WARN": "WARNING", "FATAL": "CRITICAL", "NOTSET": "DEBUG", "TRACE": "DEBUG"}

VALID_LEVEL_NAMES = tuple(LEVELS) + tuple(_ALIASES)


def parse_level(value: str | int) -> Level:
    """Return the Level named by ``value`` (case-insensitive name or stdlib number).

    Raises:
        ValueError: naming the value when it is no level.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        candidates = [lv for lv in LEVELS.values() if lv.stdlib <= value]
        if value < 0 or not candidates:
            raise ValueError(f"invalid log level {value!r}: a level number must be >= 0")
        return max(candidates, key=lambda lv: lv.stdlib)
    if not isinstance(value, str):
        raise ValueError(f"invalid log level {value!r}: expected a name such as 'INFO'")
    name = value.strip().upper()
    name = _ALIASES.get(name, name)
    try:
        return LEVELS[name]
    except KeyError:
        raise ValueError(
            f"invalid log level {value!r}: expected one of {', '.join(VALID_LEVEL_NAMES)}"
        ) from None


def severity_for_stdlib(levelno: int) -> SeverityNumber:
    """Map a stdlib level number onto the OTel severity range it belongs to."""
    if levelno >= 50:
        return SeverityNumber.FATAL
    if levelno >= 40:
        return SeverityNumber.ERROR
    if levelno >= 30:
        return SeverityNumber.WARN
    if levelno >= 20:
        return SeverityNumber.INFO
    if levelno >= 10:
        return SeverityNumber.DEBUG
    return SeverityNumber.TRACE
