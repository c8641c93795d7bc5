"""The ``plain-text`` format: one readable line per record, coloured on a TTY.

Everything that depends only on the options (the timestamp pattern, the message
template, colour codes) is prepared in ``__init__``; per record the formatter reads
the fields the template uses, looks decorated level and layer strings up in small
caches and calls ``str.format_map`` once.
"""

from __future__ import annotations

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
        "_layer_slots",
        "_level_cache",
        "_level_slots",
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
            f"{date_format} {time_format}"
            if date_format and time_format
            else date_format or time_format,
            utc=False,
        )
        logger_pattern = options.logger_name_format or "{name}"
        parse_pattern(logger_pattern, LOGGER_NAME_FIELDS, "logger_name_format")
        self._logger_pattern = None if logger_pattern == "{name}" else logger_pattern
        parts = parse_pattern(options.message_format or "", MESSAGE_FIELDS, "message_format")
        self._template, self._level_slots, self._layer_slots = _compile_template(parts)
        self._uses = frozenset(name for _, name, _, _ in parts if name)
        self._color = color
        self._layer_colors = dict(options.layer_colors)
        self._level_cache: dict[tuple[str, int], tuple[str, ...]] = {}
        self._layer_cache: dict[str, tuple[str, ...]] = {}

    def format(self, record: AnyLogRecord) -> str:
        """Return the record as one line (plus stack-trace lines when it carries one)."""
        log_record = record.log_record
        attributes = log_record.attributes or {}
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
        if self._level_slots:
            self._put_level(fields, level_name(record), severity_value(record))
        if self._layer_slots:
            self._put_layer(fields, layer)
        line = self._template.format_map(fields)
        if stacktrace is None:
            return line
        return f"{line}\n{safe_str(stacktrace).rstrip()}"

    def _logger(self, record: AnyLogRecord, layer: str) -> str:
        name = logger_name(record)
        if self._logger_pattern is None:
            return name
        return self._logger_pattern.format(name=name, layer=layer)

    def _put_level(self, fields: dict[str, Any], level: str, severity: int) -> None:
        key = (level, severity)
        rendered = self._level_cache.get(key)
        if rendered is None:
            code = level_color_code(level, severity) if self._color else ""
            rendered = _decorate(level, self._level_slots, code)
            if len(self._level_cache) < _CACHE_LIMIT:
                self._level_cache[key] = rendered
        for (slot, _, _), text in zip(self._level_slots, rendered, strict=True):
            fields[slot] = text

    def _put_layer(self, fields: dict[str, Any], layer: str) -> None:
        rendered = self._layer_cache.get(layer)
        if rendered is None:
            code = layer_color_code(layer, self._layer_colors) if self._color else ""
            rendered = _decorate(layer, self._layer_slots, code)
            if len(self._layer_cache) < _CACHE_LIMIT:
                self._layer_cache[layer] = rendered
        for (slot, _, _), text in zip(self._layer_slots, rendered, strict=True):
            fields[slot] = text


def _decorate(value: str, slots: tuple[_Slot, ...], code: str) -> tuple[str, ...]:
    """Apply each slot's conversion and padding, then wrap the result in a colour."""
    rendered = []
    for _, spec, conversion in slots:
        text = repr(value) if conversion == "r" else ascii(value) if conversion == "a" else value
        text = format(text, spec)
        rendered.append(f"{code}{text}{RESET}" if code else text)
    return tuple(rendered)


def _compile_template(
    parts: list[PatternPart],
) -> tuple[str, tuple[_Slot, ...], tuple[_Slot, ...]]:
    """Rebuild the pattern with each level/layer occurrence as a bare, pre-rendered slot."""
    pieces: list[str] = []
    slots: dict[str, list[_Slot]] = {"level": [], "layer": []}
    for literal, name, spec, conversion in parts:
        pieces.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is None:
            continue
        if name in slots:
            key = f"{name}_{len(slots[name])}"
            slots[name].append((key, spec or "", conversion))
            pieces.append("{" + key + "}")
        else:
            pieces.append(
                "{"
                + name
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
    return "".join(pieces), tuple(slots["level"]), tuple(slots["layer"])


def _attribute_text(attributes: Any, has_stacktrace: bool) -> str:
    """Render attributes outside ``hydra.*`` as `` key=value`` pairs (leading space)."""
    pairs = [
        f"{key}={compact_value(value)}"
        for key, value in attributes.items()
        if not key.startswith("hydra.") and not (has_stacktrace and key in _HIDDEN_WITH_STACKTRACE)
    ]
    return " " + " ".join(pairs) if pairs else ""
