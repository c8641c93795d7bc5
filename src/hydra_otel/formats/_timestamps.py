"""strftime rendering of nanosecond timestamps, computed once per second.

``time.strftime`` costs microseconds; a logger writes many records per second. A
:class:`TimestampRenderer` splits its pattern around ``%f`` once, renders the
second-resolution parts once per distinct second (cached as one tuple, so concurrent
threads never see a half-updated cache) and only appends the fraction per record.
"""

from __future__ import annotations

import time

from hydra_otel.core import FormatterError

# strftime directives accepted everywhere Python runs on glibc/musl/BSD, plus %f (ours).
_DIRECTIVES = frozenset("aAbBcCdDeFgGhHIjklmMnpPrRsStTuUVwWxXyYzZ%f")
_MODIFIERS = frozenset("EO-_0^#")
_NS_PER_SECOND = 1_000_000_000


def split_strftime(pattern: str, what: str) -> list[str]:
    """Split ``pattern`` at each ``%f``, checking every directive.

    Args:
        pattern: a strftime pattern.
        what: the option name used in the error message.

    Returns:
        The pieces between ``%f`` directives (``len(result) - 1`` fractions).

    Raises:
        FormatterError: naming the pattern and the bad directive.
    """
    if not isinstance(pattern, str):
        raise FormatterError(f"invalid {what} {pattern!r}: expected a strftime pattern string")
    pieces: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char != "%":
            current.append(char)
            index += 1
            continue
        directive, index = _read_directive(pattern, index, what)
        if directive == "%f":
            pieces.append("".join(current))
            current = []
        else:
            current.append(directive)
    pieces.append("".join(current))
    return pieces


def _read_directive(pattern: str, index: int, what: str) -> tuple[str, int]:
    end = index + 1
    while end < len(pattern) and pattern[end] in _MODIFIERS:
        end += 1
    if end >= len(pattern) or pattern[end] not in _DIRECTIVES:
        bad = pattern[index : end + 1]
        raise FormatterError(f"invalid {what} {pattern!r}: unknown strftime directive {bad!r}")
    directive = pattern[index : end + 1]
    if directive[-1] == "f" and len(directive) > 2:
        raise FormatterError(f"invalid {what} {pattern!r}: %f takes no modifier")
    return directive, end + 1


class TimestampRenderer:
    """Render nanosecond timestamps with a strftime pattern, ``%f`` meaning the fraction.

    The fraction has 6 digits (microseconds), or 3 (milliseconds) when ``%f`` ends the
    pattern and ``milliseconds_at_end`` is set, as HYDRA_LOG_TIME_FORMAT documents.
    """

    __slots__ = ("_cache", "_divisor", "_fraction", "_pieces", "_to_struct")

    def __init__(
        self,
        pattern: str,
        *,
        utc: bool,
        what: str = "time format",
        milliseconds_at_end: bool = True,
    ) -> None:
        """Precompile ``pattern``; raise FormatterError naming it when it is invalid."""
        self._pieces = split_strftime(pattern, what)
        short = milliseconds_at_end and len(self._pieces) > 1 and self._pieces[-1] == ""
        self._fraction = "%03d" if short else "%06d"
        self._divisor = 1_000_000 if short else 1_000
        self._to_struct = time.gmtime if utc else time.localtime
        self._cache: tuple[int, tuple[str, ...]] = (-1, ())
        try:
            self._render_second(0)
        except (ValueError, OverflowError) as exc:
            raise FormatterError(f"invalid {what} {pattern!r}: {exc}") from None

    def __call__(self, ns: int) -> str:
        """Return the rendered timestamp; a value strftime cannot render gives ``-``."""
        second, remainder = divmod(ns, _NS_PER_SECOND)
        cached_second, pieces = self._cache
        if second != cached_second:
            try:
                pieces = self._render_second(second)
            except (ValueError, OverflowError, OSError):
                return "-"
            self._cache = (second, pieces)
        if len(pieces) == 1:
            return pieces[0]
        fraction = self._fraction % (remainder // self._divisor)
        if len(pieces) == 2:
            return pieces[0] + fraction + pieces[1]
        return fraction.join(pieces)

    def _render_second(self, second: int) -> tuple[str, ...]:
        struct = self._to_struct(second)
        return tuple(time.strftime(piece, struct) if piece else "" for piece in self._pieces)


def iso_utc_renderer() -> TimestampRenderer:
    """Return a renderer of ISO-8601 UTC timestamps with microseconds (``…T12:00:00.000123Z``)."""
    return TimestampRenderer("%Y-%m-%dT%H:%M:%S.%fZ", utc=True, what="ISO timestamp")
