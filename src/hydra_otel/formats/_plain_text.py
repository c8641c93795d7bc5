"""The ``plain-text`` format: one readable line per record, coloured on a TTY.

Everything that depends only on the options is prepared in ``__init__``: the
``str.format`` pattern is compiled into a ``%``-template plus an ``itemgetter`` over
the field values (about three times faster per record than ``format_map``), level
and layer strings are padded and coloured once per distinct value and cached. Per
record the formatter only reads the fields the pattern uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from hydra_otel.formats._color import RESET, layer_color_code, level_color_code
from hydra_otel.formats._options import (
    LOGGER_NAME_FIELDS,
    MESSAGE_FIELDS,
    FormatOptions,
    PatternPart,
    parse_pattern,
)
from hydra_otel.formats._record_fields import (
    STACKTRACE_ATTRIBUTE,
    AnyLogRecord,
    attribute_map,
    compact_value,
    layer_of,
    level_name,
    logger_name,
    message_text,
    safe_str,
    severity_value,
    span_id_hex,
    timestamp_ns,
    trace_id_hex,
)
from hydra_otel.formats._timestamps import TimestampRenderer

_CACHE_LIMIT = 512
_HIDDEN_WITH_STACKTRACE = frozenset({"exception.type", "exception.message", STACKTRACE_ATTRIBUTE})

# (template key, format spec, conversion) of one occurrence of a decorated field.
_Slot = tuple[str, str, str | None]


class PlainTextFormatter:
    """Format records as readable lines following ``FormatOptions.message_format``.

    With colour on, the level is coloured by severity and the layer by its configured
    (or a stable palette) colour; padding in the pattern (``{level:<8}``) is applied
    before colouring so columns still line up. Attributes outside ``hydra.*`` are
    appended as ``key=value`` pairs; an ``exception.stacktrace`` follows on its own lines.
    """

    __slots__ = (
        "_color",
        "_layer_cache",
        "_layer_colors",
        "_level_cache",
        "_logger_pattern",
        "_template",
        "_timestamp",
        "_uses",
    )

    header: str | None = None
    """Plain text has no header line."""

    def __init__(self, options: FormatOptions, *, color: bool = False) -> None:
        """Prepare the template of ``options``; ``color`` turns ANSI colours on."""
        date_format, time_format = options.date_format or "", options.time_format or ""
        self._timestamp = TimestampRenderer(
            " ".join(part for part in (date_format, time_format) if part), utc=False
        )
        logger_pattern = options.logger_name_format or "{name}"
        parse_pattern(logger_pattern, LOGGER_NAME_FIELDS, "logger_name_format")
        self._logger_pattern = None if logger_pattern == "{name}" else logger_pattern
        parts = parse_pattern(options.message_format or "", MESSAGE_FIELDS, "message_format")
        self._template = _CompiledTemplate.from_parts(parts)
        self._uses = self._template.uses
        self._color = color
        self._layer_colors = dict(options.layer_colors)
        self._level_cache: dict[tuple[str, int], dict[str, str]] = {}
        self._layer_cache: dict[str, dict[str, str]] = {}

    def format(self, record: AnyLogRecord) -> str:
        """Return the record as one line (plus stack-trace lines when it carries one)."""
        log_record = record.log_record
        attributes = attribute_map(log_record.attributes)
        layer = layer_of(attributes)
        stacktrace = attributes.get(STACKTRACE_ATTRIBUTE)
        uses = self._uses
        fields: dict[str, Any] = {}
        if "timestamp" in uses:
            fields["timestamp"] = self._timestamp(timestamp_ns(record))
        if "logger" in uses:
            fields["logger"] = self._logger(record, layer)
        if "message" in uses:
            fields["message"] = message_text(log_record.body)
        if "attributes" in uses:
            fields["attributes"] = _attribute_text(attributes, stacktrace is not None)
        if "trace_id" in uses:
            fields["trace_id"] = trace_id_hex(record) or ""
        if "span_id" in uses:
            fields["span_id"] = span_id_hex(record) or ""
        if "level" in uses:
            fields.update(self._level(level_name(record), severity_value(record)))
        if "layer" in uses:
            fields.update(self._layer(layer))
        line = self._template.render(fields)
        if stacktrace is None:
            return line
        return f"{line}\n{safe_str(stacktrace).rstrip()}"

    def _logger(self, record: AnyLogRecord, layer: str) -> str:
        name = logger_name(record)
        if self._logger_pattern is None:
            return name
        return self._logger_pattern.format(name=name, layer=layer)

    def _level(self, level: str, severity: int) -> dict[str, str]:
        key = (level, severity)
        rendered = self._level_cache.get(key)
        if rendered is None:
            code = level_color_code(level, severity) if self._color else ""
            rendered = _decorate(level, self._template.level_slots, code)
            if len(self._level_cache) < _CACHE_LIMIT:
                self._level_cache[key] = rendered
        return rendered

    def _layer(self, layer: str) -> dict[str, str]:
        rendered = self._layer_cache.get(layer)
        if rendered is None:
            code = layer_color_code(layer, self._layer_colors) if self._color else ""
            rendered = _decorate(layer, self._template.layer_slots, code)
            if len(self._layer_cache) < _CACHE_LIMIT:
                self._layer_cache[layer] = rendered
        return rendered


@dataclass(frozen=True, slots=True)
class _CompiledTemplate:
    """A ``str.format`` pattern turned into a ``%``-template over named slots.

    Each field occurrence becomes one slot. Level and layer slots are filled with
    pre-rendered (padded, coloured) text; other fields with a format spec or
    conversion get their own slot, computed per record; plain fields use their name.
    """

    text: str
    values: Callable[[dict[str, Any]], tuple[Any, ...]]
    level_slots: tuple[_Slot, ...]
    layer_slots: tuple[_Slot, ...]
    formatted_slots: tuple[tuple[str, str, str, str | None], ...]
    uses: frozenset[str]

    @classmethod
    def from_parts(cls, parts: list[PatternPart]) -> _CompiledTemplate:
        pieces: list[str] = []
        keys: list[str] = []
        decorated: dict[str, list[_Slot]] = {"level": [], "layer": []}
        formatted: list[tuple[str, str, str, str | None]] = []
        for literal, name, spec, conversion in parts:
            pieces.append(literal.replace("%", "%%"))
            if name is None:
                continue
            key = f"{name}_{len(keys)}"
            if name in decorated:
                decorated[name].append((key, spec or "", conversion))
            elif spec or conversion:
                formatted.append((key, name, spec or "", conversion))
            else:
                key = name
            keys.append(key)
            pieces.append("%s")
        return cls(
            text="".join(pieces),
            values=_values_getter(keys),
            level_slots=tuple(decorated["level"]),
            layer_slots=tuple(decorated["layer"]),
            formatted_slots=tuple(formatted),
            uses=frozenset(name for _, name, _, _ in parts if name),
        )

    def render(self, fields: dict[str, Any]) -> str:
        """Fill the template from ``fields`` (field name or slot key to value)."""
        for key, name, spec, conversion in self.formatted_slots:
            fields[key] = format(_convert(fields[name], conversion), spec)
        return self.text % self.values(fields)


def _values_getter(keys: list[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    if not keys:
        return lambda fields: ()
    if len(keys) == 1:
        (only,) = keys
        return lambda fields: (fields[only],)
    return itemgetter(*keys)


def _convert(value: str, conversion: str | None) -> str:
    if conversion == "r":
        return repr(value)
    if conversion == "a":
        return ascii(value)
    return value


def _decorate(value: str, slots: tuple[_Slot, ...], code: str) -> dict[str, str]:
    """Apply each slot's conversion and padding, then wrap the result in a colour."""
    rendered = {}
    for key, spec, conversion in slots:
        text = format(_convert(value, conversion), spec)
        rendered[key] = f"{code}{text}{RESET}" if code else text
    return rendered


def _attribute_text(attributes: Any, has_stacktrace: bool) -> str:
    """Render attributes outside ``hydra.*`` as `` key=value`` pairs (leading space)."""
    pairs = []
    for key, value in tuple(attributes.items()):
        if key.startswith("hydra.") or (has_stacktrace and key in _HIDDEN_WITH_STACKTRACE):
            continue
        if (
            type(value) is str
            and value.isprintable()
            and " " not in value
            and "=" not in value
            and '"' not in value
            and value
        ):
            pairs.append(f"{key}={value}")
        else:
            pairs.append(f"{key}={compact_value(value)}")
    return " " + " ".join(pairs) if pairs else ""
