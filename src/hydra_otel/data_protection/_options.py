"""RedactionOptions: everything that shapes what the redaction engine hides and how."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from hydra_otel.core import ConfigurationError
from hydra_otel.data_protection._patterns import PII_PATTERNS

if TYPE_CHECKING:
    from hydra_otel.config import HydraSettings

RedactionMode = Literal["mask", "partial", "hash"]
SummaryLevel = Literal["silent", "info", "debug"]
HashAlgorithm = Literal["hmac-sha256", "blake2b"]

OPTIONAL_ENTITIES: frozenset[str] = frozenset({"uuid", "date", "high_entropy"})
"""Entities that exist but are off by default (they are mostly benign in logs)."""

DEFAULT_ENTITIES: frozenset[str] = frozenset(PII_PATTERNS) - OPTIONAL_ENTITIES
"""Entities detected when ``RedactionOptions.entities`` is left at ``None``."""

_MODES = ("mask", "partial", "hash")
_SUMMARIES = ("silent", "info", "debug")
_ALGORITHMS = ("hmac-sha256", "blake2b")


@dataclass(frozen=True, slots=True)
class RedactionOptions:
    """How :class:`DataSanitizer` and the redaction processors behave.

    ``RedactionOptions()`` is the safe default: every default detector on, matches
    replaced by ``[REDACTED:<entity>]``, a collector-style summary on each record.
    Invalid values raise :class:`~hydra_otel.core.ConfigurationError` naming them.
    """

    mode: RedactionMode = "mask"
    """``mask`` -> ``[REDACTED:email]``; ``partial`` keeps the last 4 digits of cards and
    phone numbers (``[REDACTED:credit_card:****1111]``); ``hash`` -> a keyed hash token
    (``[REDACTED:email#3f9a…]``), stable for correlation, needing ``hmac_key``."""
    entities: Collection[str] | None = None
    """Entity names to detect (keys of ``PII_PATTERNS``); ``None`` = ``DEFAULT_ENTITIES``."""
    extra_patterns: Mapping[str, str] = field(default_factory=dict)
    """More entities: name -> regular expression; every match is redacted as that name."""
    allow_list: Collection[str] = ()
    """Regular expressions; a detected value that one of them fully matches is kept."""
    key_rules: bool = True
    """Redact values under sensitive key names (``password``, ``api_key``, ``*_token``,
    ``authorization`` …) whatever they hold. False turns these built-in rules off: such
    values are then scanned by the detectors like any other (``sensitive_keys`` still
    apply)."""
    sensitive_keys: Collection[str] = ()
    """More key names redacted whatever they hold (a single word matches as a word)."""
    ignored_keys: Collection[str] = ()
    """Attribute/field keys never inspected (e.g. a ``trace_id`` you know is safe)."""
    summary: SummaryLevel = "debug"
    """Summary attributes added when something was redacted: ``silent`` none; ``info``
    ``redaction.masked.count`` and ``redaction.masked.<entity>.count``; ``debug`` also
    ``redaction.masked.keys`` (sorted attribute keys, comma-separated) and
    ``redaction.masked.body``. The matched values are never echoed."""
    dry_run: bool = False
    """Only report: summary attributes and metrics are produced, values are left as is."""
    hmac_key: bytes | None = field(default=None, repr=False)
    """Key of the ``hash`` mode (from HYDRA_REDACTION_HMAC_KEY). Hashes are never unkeyed."""
    hash_algorithm: HashAlgorithm = "hmac-sha256"
    """``hmac-sha256`` or keyed ``blake2b`` for the ``hash`` mode."""
    max_json_size: int = 65536
    """Strings up to this many characters that hold a JSON object/array are parsed, so
    key-name rules apply inside them; longer ones are scanned as plain text."""
    max_depth: int = 32
    """Nesting depth of maps/lists walked; anything deeper is replaced (fail closed)."""

    def __post_init__(self) -> None:
        _check_choice("mode", self.mode, _MODES)
        _check_choice("summary", self.summary, _SUMMARIES)
        _check_choice("hash_algorithm", self.hash_algorithm, _ALGORITHMS)
        known = set(PII_PATTERNS) | set(self.extra_patterns)
        entities = DEFAULT_ENTITIES if self.entities is None else frozenset(self.entities)
        unknown = sorted(entities - known)
        if unknown:
            raise ConfigurationError(
                f"redaction: unknown entity {unknown[0]!r}; known: {', '.join(sorted(known))}"
            )
        object.__setattr__(self, "entities", entities | frozenset(self.extra_patterns))
        for name, pattern in self.extra_patterns.items():
            _compile(f"extra_patterns[{name!r}]", pattern)
        for pattern in self.allow_list:
            _compile("allow_list", pattern)
        if isinstance(self.hmac_key, str):
            object.__setattr__(self, "hmac_key", self.hmac_key.encode())
        if self.mode == "hash" and not self.hmac_key:
            raise ConfigurationError(
                "redaction: mode 'hash' needs a key (HYDRA_REDACTION_HMAC_KEY); "
                "an unkeyed hash of a short value can be reversed by guessing"
            )
        if self.max_json_size < 0 or self.max_depth < 1:
            raise ConfigurationError("redaction: max_json_size must be >= 0 and max_depth >= 1")

    @property
    def enabled_entities(self) -> frozenset[str]:
        """The effective set of entities detected (defaults plus extra patterns)."""
        return frozenset(self.entities or ())

    @classmethod
    def from_settings(
        cls, settings: HydraSettings | None = None, **overrides: object
    ) -> RedactionOptions:
        """Build options from the HYDRA_REDACTION_* settings (read now when not given).

        Args:
            settings: settings already loaded; ``None`` reads the environment.
            **overrides: fields that win over the settings (e.g. ``dry_run=True``).
        """
        from hydra_otel.config import load_settings

        s = settings if settings is not None else load_settings()
        key = s.redaction_hmac_key.get_secret_value().encode() if s.redaction_hmac_key else None
        values: dict[str, object] = {
            "mode": s.redaction_mode,
            "entities": parse_entity_list(s.redaction_entities),
            "extra_patterns": dict(s.redaction_extra_patterns),
            "allow_list": tuple(s.redaction_allow_list),
            "key_rules": s.redaction_key_rules,
            "sensitive_keys": tuple(s.redaction_sensitive_keys),
            "ignored_keys": tuple(s.redaction_ignored_keys),
            "summary": s.redaction_summary,
            "dry_run": s.redaction_dry_run,
            "hmac_key": key,
            "hash_algorithm": s.redaction_hash_algorithm,
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


def parse_entity_list(spec: str | None) -> frozenset[str] | None:
    """Parse HYDRA_REDACTION_ENTITIES: ``email,phone`` replaces the defaults;
    ``+uuid,-ipv4`` adds to / removes from them; empty means the defaults."""
    if spec is None or not spec.strip():
        return None
    items = [item.strip() for item in spec.split(",") if item.strip()]
    if all(item[0] in "+-" for item in items):
        entities = set(DEFAULT_ENTITIES)
        for item in items:
            (entities.add if item[0] == "+" else entities.discard)(item[1:].strip())
        return frozenset(entities)
    if any(item[0] in "+-" for item in items):
        raise ConfigurationError(
            f"redaction: entity list {spec!r} mixes +/- changes with plain names"
        )
    return frozenset(items)


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ConfigurationError(
            f"redaction: invalid {name} {value!r}; expected one of {', '.join(choices)}"
        )


def _compile(where: str, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except (re.error, TypeError) as exc:
        raise ConfigurationError(
            f"redaction: invalid regex in {where}: {pattern!r} ({exc})"
        ) from None
