"""The redaction engine compiled with mypyc (``make compile``) behaves exactly as its
Python sources: the same records, redacted by the compiled build and by the sources in
a fresh interpreter, give the same output."""

from __future__ import annotations

import importlib
import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from benchmarks.redaction.corpus import generate_corpus

from hydra_otel.data_protection import DataSanitizer, RedactionReport

SCANNER_MODULES = ("_search", "_validators", "_families", "_numbers", "_scanner", "_sanitizer",
                   "_walker", "_key_rules", "_tokens", "_report", "_attribute_access")  # fmt: skip
_PACKAGE = "hydra_otel.data_protection"
_REPO = Path(__file__).resolve().parents[2]

_REDACT = """
def redacted(records, texts):
    sanitizer, out = DataSanitizer(), []
    for body, attributes in records:
        attributes = dict(attributes)
        body = sanitizer.redact_record(body, attributes, RedactionReport())
        out.append(repr((body, attributes)))
    return out + [sanitizer.sanitize_text(text) for text in texts]
"""

_TEXTS = [
    "call 555-867-5309 or (415) 555-0132 x12 from +44 20 7946 0958",
    "card 4111 1111 1111 1111 exp 12/29 cvv=123, iban GB82 WEST 1234 5698 7654 32",
    "9-:(-732+7)+((81883:9-:8 " * 40,
    "ssn 078-05-1120 ts 1706025174 order 2024-12-19 11:02:22 v2.14.142",
    "a://b:c@host Authorization: Bearer abcdefghijklmnopqrstu token=s3cr3t",
]

_SOURCE_FIRST = f"""
import importlib.abc, importlib.util, json, pickle, sys
NAMES = {{"{_PACKAGE}." + name for name in {SCANNER_MODULES!r}}}

class SourceFirst(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name not in NAMES or not path:
            return None
        return importlib.util.spec_from_file_location(
            name, path[0] + "/" + name.rsplit(".", 1)[1] + ".py"
        )

sys.meta_path.insert(0, SourceFirst())
from hydra_otel.data_protection import DataSanitizer, RedactionReport
for name in NAMES:
    assert sys.modules[name].__file__.endswith(".py"), sys.modules[name].__file__
{_REDACT}
records, texts = pickle.load(sys.stdin.buffer)
json.dump(redacted(records, texts), sys.stdout)
"""


def _compiled() -> bool:
    modules = [importlib.import_module(f"{_PACKAGE}.{name}") for name in SCANNER_MODULES]
    return any(not str(module.__file__).endswith(".py") for module in modules)


@pytest.mark.parametrize("seed", [3, 41])
def test_the_compiled_engine_redacts_exactly_as_its_sources(seed: int) -> None:
    if not _compiled():
        pytest.skip("the engine is not compiled here (make compile): nothing to compare")
    samples = generate_corpus(pii_records=1500, benign_records=1500, seed=seed)
    records = [(sample.body, sample.attributes) for sample in samples]
    namespace: dict[str, Any] = {"DataSanitizer": DataSanitizer, "RedactionReport": RedactionReport}
    exec(_REDACT, namespace)  # the same function, run here on the compiled build
    compiled = namespace["redacted"](records, _TEXTS)
    pure = subprocess.run(
        [sys.executable, "-c", _SOURCE_FIRST],
        input=pickle.dumps((records, _TEXTS)),
        cwd=_REPO,
        capture_output=True,
        timeout=300,
        check=True,
    )
    assert json.loads(pure.stdout) == compiled
