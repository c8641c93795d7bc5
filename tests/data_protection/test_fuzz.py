"""Fuzzing the detectors: nothing raises and no input up to 64 KiB takes over 10 ms.

Every pattern is written to run in linear time (look-behind-guarded starts, bounded or
possessive repeats), the Python work per string is budgeted, and a string with thousands
of findings is masked whole. These tests hold that to account with hypothesis-built
texts assembled from the fragments the patterns react to, repeated up to 64 KiB, and
with hand-picked pathological inputs. Time is CPU time of the best of five runs, so a
busy machine does not make the bound flaky.
"""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hydra_otel.data_protection import DataSanitizer

LIMIT_SECONDS = 0.010
SLACK = 2.5
"""The issue's bound is 10 ms; tests run beside other suites on two shared cores, so they
allow 2.5x (catastrophic backtracking costs seconds, not milliseconds). The benchmark
(``python -m benchmarks.redaction``) reports the actual worst case."""
MAX_CHARS = 64 * 1024

FRAGMENTS = [
    "a", "Z", "1", "0", "9", " ", "-", ".", ":", "::", "@", "+", "(", ")", "/", "_", "=",
    '"', "'", "\n", "x", "#", "eyJ", "AKIA", "ghp_", "xoxb-", "sk_live_", "AIza",
    "-----BEGIN PRIVATE KEY-----", "-----END", "password=", "token: ", "Bearer ", "Basic ",
    "://", "user:pw@", "GB82", "4111 1111 1111 1111", "555-234-5678", "ssn ", "+44 ",
    "2024-05-01", "10.0.0.1", "fe80::", "ann@example.com", "[REDACTED:email]", "é", "中",
    "\u202e", "{", "}", "[", "]", ",", ";", "&",
]  # fmt: skip

_SANITIZER = DataSanitizer()


def _cpu_seconds(text: str) -> float:
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        _SANITIZER.sanitize_text(text)
        best = min(best, time.process_time() - started)
    return best


fragment_texts = st.builds(
    lambda parts, size: ("".join(parts) * (size // max(1, len("".join(parts))) + 1))[:size],
    st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12),
    st.integers(min_value=1, max_value=MAX_CHARS),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=fragment_texts)
def test_repeated_fragments_up_to_64_kib_stay_under_10_ms(text: str) -> None:
    assert _cpu_seconds(text) <= LIMIT_SECONDS * SLACK


ALPHABETS = [
    "".join(map(chr, range(32, 0x2FFF))),  # any BMP text
    "0123456789 -().+@:",  # digit soup
    "0123456789abcdefABCDEF:.-_=@ ",  # hex, colons and punctuation
    "aA0 @.:-_=/+()[]{}\"'\n",  # every character class the patterns care about
]


def _random_text(seed: int, alphabet: str, size: int) -> str:
    return "".join(random.Random(seed).choices(alphabet, k=size))


random_texts = st.builds(
    _random_text,
    st.integers(min_value=0, max_value=2**32),
    st.sampled_from(ALPHABETS),
    st.integers(min_value=1024, max_value=MAX_CHARS),
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=random_texts)
def test_random_texts_up_to_64_kib_stay_under_10_ms(text: str) -> None:
    assert _cpu_seconds(text) <= LIMIT_SECONDS * SLACK


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=4096))
def test_any_text_is_redacted_without_raising_and_idempotently(text: str) -> None:
    once = _SANITIZER.sanitize_text(text)
    assert _SANITIZER.sanitize_text(once) == once


PATHOLOGICAL = {
    "letters": "a" * MAX_CHARS,
    "digits": "1" * MAX_CHARS,
    "digits and spaces": "1 " * (MAX_CHARS // 2),
    "at signs": "@" * MAX_CHARS,
    "local parts without domain": ("a" * 60 + "@") * (MAX_CHARS // 61),
    "endless domain": "a@" + "b." * (MAX_CHARS // 2 - 2),
    "colons": "ab:" * (MAX_CHARS // 3),
    "jwt starts": "eyJaaaaaa." * (MAX_CHARS // 10),
    "pem headers without end": "-----BEGIN PRIVATE KEY-----" * (MAX_CHARS // 27),
    "secret keys without values": "password=" * (MAX_CHARS // 9),
    "one giant key": "token" * (MAX_CHARS // 5),
    "url schemes": "a://b:c@" * (MAX_CHARS // 8),
    "bearer words": "Bearer " * (MAX_CHARS // 7),
    "dense cards": "4111 1111 1111 1111 " * (MAX_CHARS // 20),
    "dense phones": "(555) 234-5678 " * (MAX_CHARS // 15),
    "dense emails": "a@b.co " * (MAX_CHARS // 7),
    "iban prefixes": "GB82 " * (MAX_CHARS // 5),
    "nested json": '{"password":"x","a":[' * (MAX_CHARS // 21),
    "digit soup": "x1-2.3(4)5 6:7@8" * (MAX_CHARS // 16),
    "dotted numbers": "1.2.3.4." * (MAX_CHARS // 8),
    "dotted numbers and spaces": "1.2.3.4.5 " * (MAX_CHARS // 10),
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_inputs_stay_under_10_ms(name: str) -> None:
    text = PATHOLOGICAL[name][:MAX_CHARS]
    assert _cpu_seconds(text) <= LIMIT_SECONDS * SLACK, name


def test_a_dump_of_thousands_of_findings_is_masked_whole() -> None:
    text = "a@b.co " * 3000
    assert _SANITIZER.sanitize_text(text) == "[REDACTED:oversized]"


def test_budget_exhaustion_fails_closed_on_digit_runs() -> None:
    text = "4111 1111 1111 1111 " * 3000
    out = _SANITIZER.sanitize_text(text)
    assert "4111" not in out and "1111" not in out
