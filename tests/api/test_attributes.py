"""``extra`` values of any type become OTel attribute values; nothing is dropped."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import uuid

from hypothesis import given
from hypothesis import strategies as st
from opentelemetry.attributes import BoundedAttributes
from pydantic import BaseModel

from hydra_otel.api import to_attribute_value, to_attributes


@dataclasses.dataclass
class Order:
    order_id: int
    items: list[str]


class User(BaseModel):
    name: str
    age: int


class Colour(enum.Enum):
    RED = "red"


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no")


def test_primitives_and_homogeneous_sequences_pass_through() -> None:
    attributes = to_attributes(
        {"s": "x", "b": True, "i": 3, "f": 1.5, "ints": [1, 2], "strs": ("a", "b"), "raw": b"\x00"}
    )
    assert attributes == {
        "s": "x",
        "b": True,
        "i": 3,
        "f": 1.5,
        "ints": (1, 2),
        "strs": ("a", "b"),
        "raw": b"\x00",
    }


def test_structured_values_are_serialized_as_json() -> None:
    attributes = to_attributes(
        {
            "order": Order(7, ["book"]),
            "user": User(name="ann", age=3),
            "nested": {"when": dt.date(2024, 1, 2), "tags": {"b", "a"}},
            "mixed": [1, "two"],
            "nothing": None,
        }
    )
    assert json.loads(str(attributes["order"])) == {"order_id": 7, "items": ["book"]}
    assert json.loads(str(attributes["user"])) == {"name": "ann", "age": 3}
    assert json.loads(str(attributes["nested"])) == {"when": "2024-01-02", "tags": ["a", "b"]}
    assert json.loads(str(attributes["mixed"])) == [1, "two"]
    assert attributes["nothing"] == "null"


def test_other_objects_become_text() -> None:
    ident = uuid.uuid4()
    assert to_attribute_value(ident) == str(ident)
    assert to_attribute_value(Colour.RED) == "red"
    assert to_attribute_value(dt.datetime(2024, 1, 2, 3, 4)) == "2024-01-02T03:04:00"
    assert to_attribute_value(Unprintable()) == "<unprintable Unprintable>"
    assert to_attribute_value(2**70) == str(2**70)


any_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.binary(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(st.text(min_size=1), any_value, max_size=8))
def test_every_value_survives_the_sdk_attribute_cleaning(extra: dict[str, object]) -> None:
    attributes = to_attributes(extra)
    cleaned = BoundedAttributes(attributes=attributes, immutable=False, extended_attributes=True)
    assert set(cleaned) == set(extra)
