"""DataSanitizer: the redaction engine, usable with or without OpenTelemetry.

It walks a value — text, bytes, maps, lists, JSON held in a string — applies the
key-name rules to map keys and the detectors to every string, and returns a redacted
copy (the very same object when nothing needed hiding, so callers can test identity).

A log record gets one more step: every plain string it holds — the body, attribute
values, the strings of a JSON body — is scanned in a single pass over their
concatenation, which costs far less than one pass each (see :meth:`redact_record`).
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from dataclasses import replace
from typing import Any, TypeVar

from opentelemetry.attributes import BoundedAttributes

from hydra_otel.data_protection._attribute_access import writable
from hydra_otel.data_protection._key_rules import SensitiveKeyRules
from hydra_otel.data_protection._options import OPTIONAL_ENTITIES, RedactionOptions
from hydra_otel.data_protection._report import RedactionReport
from hydra_otel.data_protection._scanner import TextScanner
from hydra_otel.data_protection._tokens import TokenRenderer
from hydra_otel.data_protection._walker import (
    CLEAN_CACHE_MAX_LEN,
    CLEAN_CACHE_SIZE,
    DEPTH,
    HEXISH,
    ID_OR_TIMESTAMP,
    IGNORED,
    LEADS,
    OPENS,
    PARSE,
    PLAIN,
    SCAN,
    SENSITIVE,
    SHORTEST_FINDING,
    ValueWalker,
    encode_json,
    json_container,
)

T = TypeVar("T")

_BODY = None
"""Sink of the body in a record's batch; an attribute's sink is its key, a string inside
a JSON body has ``(container, key or index)``, a key of a JSON object ``(object, key,
True)``."""
_Renames = list[tuple[dict[str, Any], str, str]]
"""Keys of a JSON body's objects to replace: (object, key, new key)."""
_Batch = tuple[list[Any], list[str], _Renames]
"""The plain strings of one record, to scan in one pass: (sinks, texts, renames)."""


class DataSanitizer(ValueWalker):
    """Redacts PII and secrets from any value, per :class:`RedactionOptions`.

    Args:
        options: what to detect and how to replace it; ``None`` = the safe defaults.

    Example:
        >>> DataSanitizer().sanitize({"user": "ann@example.com", "password": "hunter2"})
        {'user': '[REDACTED:email]', 'password': '[REDACTED:secret]'}
    """

    __slots__ = ("_clean", "_dry_run", "_dry_twin", "_json_cap", "_keys", "_max_depth",
                 "_options", "_render", "_scanner", "_shape_skip")  # fmt: skip

    def __init__(self, options: RedactionOptions | None = None) -> None:
        self._options = options = options if options is not None else RedactionOptions()
        self._keys = SensitiveKeyRules(
            options.sensitive_keys, options.ignored_keys, builtin=options.key_rules
        )
        allow = "|".join(f"(?:{pattern})" for pattern in options.allow_list)
        extra = {name: re.compile(rx) for name, rx in options.extra_patterns.items()}
        self._scanner = TextScanner(
            options.enabled_entities, self._keys, extra, re.compile(allow) if allow else None
        )
        self._render = TokenRenderer(options)
        self._dry_run = options.dry_run
        self._json_cap = options.max_json_size
        self._max_depth = options.max_depth
        self._clean: dict[str, None] = {}
        # Lower-case hex ids (trace/span ids, hashes, UUIDs) and ISO timestamps hold no
        # default entity; user patterns and optional entities might match them.
        self._shape_skip = not options.extra_patterns and not (
            options.enabled_entities & OPTIONAL_ENTITIES
        )
        self._dry_twin: DataSanitizer | None = None

    @property
    def options(self) -> RedactionOptions:
        """The options this sanitizer was built with."""
        return self._options

    @property
    def key_rules(self) -> SensitiveKeyRules:
        """The key-name rules in force (shared with the text scanner)."""
        return self._keys

    def sanitize(self, value: T) -> T:
        """Return ``value`` with PII and secrets replaced (unchanged in dry-run mode)."""
        return self.redact(value, RedactionReport())  # type: ignore[no-any-return]

    def sanitize_text(self, text: str) -> str:
        """Return ``text`` with PII and secrets replaced."""
        return self._text(text, RedactionReport())

    def inspect(self, value: Any) -> RedactionReport:
        """Report what would be redacted in ``value``, without changing anything."""
        report = RedactionReport()
        inspector = self if self._dry_run else self._inspector()
        inspector.redact(value, report)
        return report

    def redact(self, value: Any, report: RedactionReport) -> Any:
        """Redact ``value``, counting into ``report``; the same object when nothing changed."""
        return self._value(value, report, 0)

    def _inspector(self) -> DataSanitizer:
        inspector = self._dry_twin
        if inspector is None:
            inspector = self._dry_twin = DataSanitizer(replace(self._options, dry_run=True))
        return inspector

    def redact_attributes(
        self, attributes: MutableMapping[str, Any], report: RedactionReport
    ) -> None:
        """Redact a mutable attribute mapping in place; affected keys go to ``report.keys``."""
        self.redact_record(None, attributes, report)

    def known_clean(self, body: Any, attributes: MutableMapping[str, Any] | None) -> bool:
        """True when :meth:`redact_record` would find nothing in this record, as far as
        is known without scanning: every string short or already found clean, every key
        already judged and not sensitive.

        A record logged before with the same strings (most records: one message per
        call site, ids and routes from a small set) passes with a few dict lookups;
        ``False`` only means "not known", and the record then takes the full path.
        """
        clean = self._clean
        if body is not None and (
            type(body) is not str or (len(body) >= SHORTEST_FINDING and body not in clean)
        ):
            return False
        if attributes is None:
            return True
        kind = type(attributes)
        if kind is BoundedAttributes:  # its plain dict, read past its lock
            attributes = attributes._dict  # type: ignore[attr-defined]
        elif kind is not dict:
            return False
        known = self._keys.known_verdicts
        for key, value in attributes.items():
            kind = type(value)
            if kind is str:
                judged = known.get(key)
                if judged != 0:
                    if judged == IGNORED:
                        continue
                    return False  # sensitive, or not judged yet
                if len(value) >= SHORTEST_FINDING and value not in clean:
                    return False
            elif kind is int or kind is float:
                judged = known.get(key)
                if judged is None or judged == SENSITIVE:
                    return False
            elif kind is not bool and value is not None:
                return False
        return True

    def redact_record(
        self, body: Any, attributes: MutableMapping[str, Any] | None, report: RedactionReport
    ) -> Any:
        """Redact a record's attributes in place and return its (possibly new) body.

        All plain strings of the record — the body (or the strings of a JSON body) and
        the attribute values — are scanned in one pass over their concatenation, which
        costs far less than one pass each. Keys whose values were redacted go to
        ``report.keys``; ``report.body`` is set when the body was.
        """
        sinks: list[Any] = []
        texts: list[str] = []
        renames: _Renames = []
        new_body, document, walked = body, None, False
        if type(body) is str:
            report.body = False
            if len(body) >= SHORTEST_FINDING and body not in self._clean:
                lead = LEADS.get(body[0])  # _triage, inlined: neither short nor known clean
                if lead is None:
                    lead = OPENS if body[0].isspace() else PLAIN
                if lead == OPENS and len(body) <= self._json_cap:
                    document = json_container(body)
                    if document is not None:
                        before = report.found
                        document = self._json_root(document, report, (sinks, texts, renames))
                        walked = report.found != before
                    else:  # it only looked like JSON: scanned on its own
                        before = report.found
                        new_body = self._apply(body, self._scanner.scan(body), report)
                        report.body = report.found != before
                elif not (
                    lead == HEXISH and self._shape_skip and ID_OR_TIMESTAMP(body) is not None
                ):
                    sinks.append(_BODY)
                    texts.append(body)
        elif body is not None:
            before = report.found
            new_body = self._value(body, report, 0)
            report.body = report.found != before
        if attributes is not None:
            kind = type(attributes)
            if kind is dict:
                current: Any = attributes
            elif kind is BoundedAttributes:  # the SDK's: its plain dict, read past its lock
                current = attributes._dict  # type: ignore[attr-defined]
            else:
                current = _plain_dict(attributes)
            if current:  # (not ``attributes``: BoundedAttributes' __len__ is a Python call)
                self._attributes(attributes, current, report, sinks, texts)
        body_found = False
        if texts:
            text_body, body_found = self._scan_batch((sinks, texts, renames), attributes, report)
            if text_body is not None:
                new_body = text_body
        if renames:
            _rename_keys(renames)
        if document is not None and (walked or body_found):
            if not self._dry_run:
                new_body = encode_json(document)
            body_found = True
        if body_found:
            report.body = True
        return new_body

    def _attributes(
        self,
        attributes: MutableMapping[str, Any],
        current: dict[str, Any],
        report: RedactionReport,
        sinks: list[Any],
        texts: list[str],
    ) -> None:
        """Triage every attribute; plain strings to scan go to ``sinks``/``texts``, the
        rest is redacted here.

        ``current`` is the plain dict holding ``attributes`` (itself, the dict inside
        ``BoundedAttributes``, or a copy): read in place, not copied, since a write
        replaces an existing key, which a dict allows while it is iterated. Only writes
        through the mapping's own ``__setitem__`` (``BoundedAttributes`` with limits
        re-inserts the key, moving it) wait until the loop is done. This loop runs for
        every attribute of every record, so :meth:`_triage` is inlined and a key's
        verdict is read from the rules' cache directly.
        """
        target: MutableMapping[str, Any] | None = None
        deferred: list[tuple[str, Any]] = []
        known, verdict, clean = self._keys.known_verdicts, self._keys.verdict, self._clean
        json_cap, leads = self._json_cap, LEADS
        shape = ID_OR_TIMESTAMP if self._shape_skip else None
        for key, value in current.items():
            kind = type(value)
            if kind is str:
                try:
                    judged = known[key]
                except KeyError:
                    judged = verdict(key)
                if judged == 0:
                    if len(value) < SHORTEST_FINDING or value in clean:
                        continue
                    try:
                        lead = leads[value[0]]
                    except KeyError:
                        lead = OPENS if value[0].isspace() else PLAIN
                    if lead == OPENS and len(value) <= json_cap:
                        pass  # it may hold JSON: walked below like a nested value
                    elif lead == HEXISH and shape is not None and shape(value) is not None:
                        continue
                    else:
                        sinks.append(key)
                        texts.append(value)
                        continue
            elif kind is int or kind is float:
                try:
                    judged = known[key]
                except KeyError:
                    judged = verdict(key)
                if judged != SENSITIVE:
                    continue  # a number is only hidden under a sensitive key
            elif kind is bool or value is None:
                continue
            else:
                judged = verdict(key)
            if judged == IGNORED:
                continue
            before = report.found
            new = (
                self._secret(value, report)
                if judged == SENSITIVE
                else self._value(value, report, 1)
            )
            if new is not value:
                if target is None:
                    target = writable(attributes)
                if target is current:
                    target[key] = new
                else:
                    deferred.append((key, new))
            if report.found != before:
                report.keys.add(key)
        for key, new in deferred:
            attributes[key] = new

    def _scan_batch(
        self, batch: _Batch, attributes: MutableMapping[str, Any] | None, report: RedactionReport
    ) -> tuple[str | None, bool]:
        """Scan the batch in one pass and write back what changed: returns the new body
        text (``None`` unless a plain-text body had findings) and whether the body, or a
        string of a JSON body, had findings.

        Strings found clean (and short) are remembered, so a value that comes back in a
        later record is not scanned again.
        """
        sinks, texts, renames = batch
        found = self._scanner.scan_many(texts)
        clean = self._clean
        if len(clean) + len(texts) > CLEAN_CACHE_SIZE:  # room for every text to remember
            clean.clear()
        if found is None:  # the common case: remember them all (see _remember_clean)
            for text in texts:
                if len(text) <= CLEAN_CACHE_MAX_LEN:
                    clean[text] = None
            return None, False
        dry_run, renderer = self._dry_run, self._render
        render, mask = (None if renderer.masks_only else renderer.render), renderer.mask
        target: MutableMapping[str, Any] | None = None
        body_text, body_found = None, False
        for index, text in enumerate(texts):  # (faster than a zip of the three lists)
            spans = found[index]
            if not spans:
                if len(text) <= CLEAN_CACHE_MAX_LEN:  # _remember_clean, inlined
                    clean[text] = None
                continue
            if len(spans) == 1:  # _apply, inlined for the usual single finding
                start, end, entity = spans[0]
                counts = report.counts
                counts[entity] = counts.get(entity, 0) + 1
                report.found += 1
                if dry_run:
                    new = text
                else:
                    token = mask(entity) if render is None else render(entity, text[start:end])
                    new = text[:start] + token + text[end:]
            else:
                new = self._apply(text, spans, report)
            sink = sinks[index]
            if type(sink) is str:  # an attribute
                if new is not text:
                    if target is None:
                        target = writable(attributes)  # type: ignore[arg-type]
                    target[sink] = new
                report.keys.add(sink)
                continue
            body_found = True
            if sink is _BODY:
                body_text = new
            elif new is not text:
                if len(sink) == 2:  # a string inside the JSON body
                    sink[0][sink[1]] = new
                else:  # a key of one of its objects: renamed once all are known
                    renames.append((sink[0], sink[1], new))
        return body_text, body_found

    # -- a JSON body, redacted in place ---------------------------------------------------
    # What _value does to a parsed JSON body, without copying it (the parse is ours) and
    # with its plain strings left for the record's batch.

    def _json_root(self, document: Any, report: RedactionReport, batch: _Batch) -> Any:
        if self._max_depth <= 1:  # as _value(document, report, 1) would
            report.add(DEPTH)
            return document if self._dry_run else self._render.mask(DEPTH)
        self._json_node(document, report, 2, batch)
        return document

    def _json_node(self, node: Any, report: RedactionReport, depth: int, batch: _Batch) -> None:
        """The children of ``node`` (a dict or a list), each as _value(child, depth)."""
        if type(node) is list:
            for index, item in enumerate(node):
                new = self._json_child(item, report, depth, batch, node, index)
                if new is not item:
                    node[index] = new
            return
        known, verdict, clean = self._keys.known_verdicts, self._keys.verdict, self._clean
        for key, value in node.items():
            judged = known.get(key)
            if judged is None:
                judged = verdict(key)
            kind = type(value)
            if judged == SENSITIVE:
                new = self._secret(value, report)
                if new is not value:
                    node[key] = new  # (an existing key: safe while iterating)
            elif judged == IGNORED or kind is int or kind is float or kind is bool or value is None:
                pass  # kept as it is (a scalar is only hidden under a sensitive key)
            elif kind is not str or (len(value) >= SHORTEST_FINDING and value not in clean):
                new = self._json_child(value, report, depth, batch, node, key)
                if new is not value:
                    node[key] = new
            if judged == 0 and len(key) >= SHORTEST_FINDING and key not in clean:
                triaged = self._triage(key)
                if triaged == SCAN:
                    batch[0].append((node, key, True))
                    batch[1].append(key)
                elif triaged == PARSE:
                    new_key = self._parsed_text(key, report)
                    if new_key is not key:
                        batch[2].append((node, key, new_key))

    def _json_child(
        self,
        value: Any,
        report: RedactionReport,
        depth: int,
        batch: _Batch,
        container: Any,
        slot: Any,
    ) -> Any:
        kind = type(value)
        if kind is str:
            if len(value) < SHORTEST_FINDING or value in self._clean:
                return value
            triaged = self._triage(value)
            if triaged == SCAN:
                batch[0].append((container, slot))
                batch[1].append(value)
                return value
            return self._parsed_text(value, report) if triaged == PARSE else value
        if kind is dict or kind is list:
            if depth >= self._max_depth:
                report.add(DEPTH)
                return value if self._dry_run else self._render.mask(DEPTH)
            self._json_node(value, report, depth + 1, batch)
        return value


def _plain_dict(attributes: MutableMapping[str, Any]) -> dict[str, Any]:
    """The plain dict inside a ``BoundedAttributes``-like mapping, else a copy."""
    inner = getattr(attributes, "_dict", None)
    return inner if type(inner) is dict else dict(attributes)


def _rename_keys(renames: _Renames) -> None:
    """Give JSON objects their redacted keys, keeping the order: each object is rebuilt
    as _mapping builds its copy (a later duplicate key overwrites an earlier value)."""
    by_object: dict[int, tuple[dict[str, Any], dict[str, str]]] = {}
    for node, key, new_key in renames:
        by_object.setdefault(id(node), (node, {}))[1][key] = new_key
    for node, new_keys in by_object.values():
        items = list(node.items())
        node.clear()
        for key, value in items:
            node[new_keys.get(key, key)] = value
