"""should_use_color: explicit modes, TTY detection, NO_COLOR and FORCE_COLOR."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import TextIO

import pytest

from hydra_otel.core import FormatterError
from hydra_otel.formats import should_use_color


@pytest.fixture
def tty_stream() -> Iterator[TextIO]:
    """A text stream on a real pseudo-terminal."""
    leader, follower = os.openpty()
    stream = os.fdopen(follower, "w")
    yield stream
    stream.close()
    os.close(leader)


@pytest.fixture
def pipe_stream() -> Iterator[TextIO]:
    """A text stream on a pipe (not a TTY)."""
    reader, writer = os.pipe()
    stream = os.fdopen(writer, "w")
    yield stream
    stream.close()
    os.close(reader)


@pytest.fixture(autouse=True)
def _no_colour_variables(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


def test_auto_colours_a_tty_only(tty_stream, pipe_stream):
    assert should_use_color("auto", tty_stream) is True
    assert should_use_color("auto", pipe_stream) is False
    assert should_use_color("auto", io.StringIO()) is False


def test_always_and_never_ignore_stream_and_environment(monkeypatch, tty_stream, pipe_stream):
    monkeypatch.setenv("NO_COLOR", "1")
    assert should_use_color("always", pipe_stream) is True
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert should_use_color("never", tty_stream) is False


def test_no_color_disables_auto_on_a_tty(monkeypatch, tty_stream):
    monkeypatch.setenv("NO_COLOR", "1")
    assert should_use_color("auto", tty_stream) is False


def test_empty_no_color_is_ignored(monkeypatch, tty_stream):
    monkeypatch.setenv("NO_COLOR", "")
    assert should_use_color("auto", tty_stream) is True


def test_force_color_enables_auto_on_a_pipe(monkeypatch, pipe_stream):
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert should_use_color("auto", pipe_stream) is True


@pytest.mark.parametrize("value", ["", "0"])
def test_force_color_empty_or_zero_does_not_force(monkeypatch, pipe_stream, value):
    monkeypatch.setenv("FORCE_COLOR", value)
    assert should_use_color("auto", pipe_stream) is False


def test_no_color_wins_over_force_color(monkeypatch, pipe_stream):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    assert should_use_color("auto", pipe_stream) is False


def test_stream_without_isatty_or_closed_is_no_tty(tty_stream):
    assert should_use_color("auto", object()) is False
    tty_stream.close()
    assert should_use_color("auto", tty_stream) is False


def test_mode_is_case_insensitive(pipe_stream):
    assert should_use_color(" Always ", pipe_stream) is True


def test_unknown_mode_raises_naming_it(pipe_stream):
    with pytest.raises(FormatterError, match="'rainbow'"):
        should_use_color("rainbow", pipe_stream)
