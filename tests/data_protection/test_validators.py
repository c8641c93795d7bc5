"""The validators that confirm candidates: checksums, number plans, decodable headers."""

from __future__ import annotations

import base64
import json

import pytest

from hydra_otel.data_protection._validators import (
    basic_credentials_valid,
    bearer_token_plausible,
    card_valid,
    iban_valid,
    ipv4_valid,
    ipv6_valid,
    is_id_context,
    is_unit_context,
    jwt_valid,
    luhn_valid,
    phone_valid,
    ssn_valid,
)


@pytest.mark.parametrize(
    "number",
    ["4111111111111111", "5555555555554444", "378282246310005", "6011111111111117",
     "3530111333300000", "30569309025904", "4222222222222", "6304000000000000",
     "502015244937", "2221000000000009"],
)  # fmt: skip
def test_known_test_cards_are_valid(number: str) -> None:
    assert card_valid(number)


@pytest.mark.parametrize(
    "number",
    [
        "4111111111111112",  # Luhn fails
        "1234567812345670",  # Luhn passes, no scheme starts with 12
        "411111111111111",  # Visa cannot be 15 digits
        "999999999999",
    ],
)
def test_invalid_cards_are_rejected(number: str) -> None:
    assert not card_valid(number)


def test_luhn_on_a_known_value() -> None:
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")


@pytest.mark.parametrize(
    "iban",
    ["GB82WEST12345698765432", "DE89370400440532013000", "FR1420041010050500013M02606",
     "NL91ABNA0417164300", "NO9386011117947"],
)  # fmt: skip
def test_valid_ibans(iban: str) -> None:
    assert iban_valid(iban)


@pytest.mark.parametrize(
    "iban",
    [
        "GB82WEST12345698765431",  # mod-97 fails
        "DE8937040044053201300",  # one digit short for DE
        "XX89370400440532013000",
    ],
)
def test_invalid_ibans(iban: str) -> None:
    assert not iban_valid(iban)


def test_ssn_rules() -> None:
    assert ssn_valid("503", "25", "1897")
    assert not ssn_valid("000", "25", "1897")
    assert not ssn_valid("666", "25", "1897")
    assert not ssn_valid("901", "25", "1897")
    assert not ssn_valid("503", "00", "1897")
    assert not ssn_valid("503", "25", "0000")


@pytest.mark.parametrize(
    ("candidate", "groups"),
    [("555-234-5678", [3, 3, 4]), ("(555)234-5678", [3, 3, 4]), ("5552345678", [10]),
     ("+1-555-234-5678", [1, 3, 3, 4]), ("+447700900123", [12]), ("0113 496 0123", [4, 3, 4]),
     ("01 23 45 67 89", [2, 2, 2, 2, 2]), ("001-555-234-5678", [3, 3, 3, 4])],
)  # fmt: skip
def test_phone_forms(candidate: str, groups: list[int]) -> None:
    digits = "".join(ch for ch in candidate if ch.isdigit())
    bare = digits == candidate
    assert phone_valid(candidate, digits, bare, groups)


@pytest.mark.parametrize(
    ("candidate", "groups"),
    [
        ("1234567890", [10]),  # NANP area codes never start with 1
        ("0001234567", [10]),  # no trunk prefix followed by 0
        ("12345678", [8]),
    ],
)
def test_non_phones(candidate: str, groups: list[int]) -> None:
    assert not phone_valid(candidate, candidate, True, groups)


def test_short_local_numbers() -> None:
    assert phone_valid("3664 8562", "36648562", False, [4, 4])  # standing alone
    assert not phone_valid("3664 8562", "36648562", False, [4, 4], whole=False)
    assert not phone_valid("2024-0001", "20240001", False, [4, 4])  # a year, then a number
    assert not phone_valid("366 48562", "36648562", False, [3, 5])
    assert phone_valid("366 48562", "36648562", False, [3, 5], context=True)


def test_ipv4_skips_loopback_netmask_and_versions() -> None:
    assert ipv4_valid("10.1.2.3", "from ")
    assert not ipv4_valid("127.0.0.1", "")
    assert not ipv4_valid("255.255.255.0", "")
    assert not ipv4_valid("1.2.3.4", "version ")
    assert not ipv4_valid("1.2.3.4", "v")


def test_ipv6_is_checked_by_ipaddress() -> None:
    assert ipv6_valid("2001:db8::8a2e:370:7334")
    assert ipv6_valid("fe80:0:0:0:200:f8ff:fe21:67cf")
    assert not ipv6_valid("12:34:56")  # a clock time
    assert not ipv6_valid("::1")
    assert not ipv6_valid("2001:db8::zz")


def test_jwt_header_must_decode_to_json() -> None:
    header = base64.urlsafe_b64encode(json.dumps({"alg": "HS256"}).encode()).rstrip(b"=")
    assert jwt_valid(header.decode() + ".eyJzdWIiOiIxIn0.sig")
    assert not jwt_valid("eyJub3Rqc29u.eyJzdWIiOiIxIn0.sig")


def test_basic_credentials_and_bearer_plausibility() -> None:
    assert basic_credentials_valid(base64.b64encode(b"ann:secret").decode())
    assert not basic_credentials_valid("authentication")
    assert bearer_token_plausible("abcDEF1234567890xyz")
    assert not bearer_token_plausible("tokensareexpired")  # a word, not a token
    assert not bearer_token_plausible("short1")


def test_context_words() -> None:
    assert is_id_context("order_id=")
    assert is_id_context("Order #")
    assert not is_id_context("call me at ")
    assert is_id_context("count: ")
    assert not is_id_context("count: ", strong=True)
    assert is_unit_context(" bytes sent")
    assert is_unit_context("ms")
    assert not is_unit_context(" from home")
