"""Fixtures for the data-protection tests: a default sanitizer and the evaluation corpus."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hydra_otel.data_protection import DataSanitizer

_REPO_ROOT = Path(__file__).resolve().parents[2]
if str(_REPO_ROOT) not in sys.path:  # the corpus generator lives in benchmarks/redaction
    sys.path.insert(0, str(_REPO_ROOT))


@pytest.fixture(scope="session")
def sanitizer() -> DataSanitizer:
    """A DataSanitizer with the default options (shared: it holds no per-test state)."""
    return DataSanitizer()
