"""A log-shaped evaluation corpus for the redaction engine, generated with Faker.

Each :class:`Sample` is one log record — a body (text, or a map, or JSON in a string)
and attributes — holding zero or more planted sensitive values, always next to benign
look-alikes that must survive: UUIDs, trace and span ids, ISO timestamps, versions,
order ids, durations, commit hashes, epoch times, sizes, ports. Samples with nothing
planted are the benign lines the false-positive rate is measured on.

Usage::

    samples = generate_corpus(pii_records=2000, benign_records=5000, seed=7)
    scores = score(samples, redact)   # redact(body, attributes) -> (body, attributes)
"""

from __future__ import annotations

import base64
import contextlib
import ipaddress
import json
import random
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from faker import Faker

ENTITIES: tuple[str, ...] = (
    "email", "credit_card", "iban", "us_ssn", "ipv4", "ipv6", "jwt", "aws_access_key",
    "github_token", "slack_token", "stripe_key", "google_api_key", "private_key",
    "authorization", "url_password", "phone", "secret",
)  # fmt: skip
"""Entity types planted in the corpus (``secret`` = values under sensitive keys)."""

PHONE_LOCALES = ("en_US", "en_US", "en_US", "en_GB", "en_CA", "de_DE", "fr_FR", "nl_NL", "en_AU")
IBAN_LOCALES = ("en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL", "pt_PT", "fi_FI")
SECRET_KEYS = ("password", "db_password", "client_secret", "api_key", "apiKey", "access_token",
               "refresh_token", "Authorization", "cookie", "set-cookie", "private_key",
               "credentials", "user.password", "secret", "passwd", "x-api-key")  # fmt: skip
BENIGN_KEYS = ("author", "input_tokens", "tokens_used", "keyboard_layout", "session_count",
               "password_expired", "token_type", "max_tokens", "secret_name")  # fmt: skip


@dataclass
class Planted:
    """One sensitive value placed in a sample."""

    entity: str
    value: str


@dataclass
class Sample:
    """One log record of the corpus and what was planted in it."""

    body: Any
    attributes: dict[str, Any]
    planted: list[Planted] = field(default_factory=list)
    benign: list[str] = field(default_factory=list)
    """Benign look-alike values that must survive redaction unchanged."""


class _Values:
    """Sensitive and benign value makers over seeded Faker instances."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)
        self.locales = {loc: Faker(loc) for loc in sorted({*PHONE_LOCALES, *IBAN_LOCALES})}
        for index, faker in enumerate(self.locales.values()):
            faker.seed_instance(seed + index + 1)

    def _alnum(self, n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    # -- sensitive --------------------------------------------------------------------

    def email(self) -> str:
        pick = self.rng.choice((self.fake.email, self.fake.free_email, self.fake.company_email,
                                self.fake.safe_email, self.fake.ascii_email))  # fmt: skip
        return pick()

    def credit_card(self) -> str:
        number = self.fake.credit_card_number()
        style = self.rng.random()
        if style < 0.5 or len(number) < 13:
            return number
        sep = " " if style < 0.75 else "-"
        if len(number) == 15:
            return sep.join((number[:4], number[4:10], number[10:]))
        return sep.join(number[i : i + 4] for i in range(0, len(number), 4))

    def iban(self) -> str:
        value = self.locales[self.rng.choice(IBAN_LOCALES)].iban()
        if self.rng.random() < 0.5:
            return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
        return value

    def us_ssn(self) -> str:
        return self.fake.ssn()

    def ipv4(self) -> str:
        return self.rng.choice((self.fake.ipv4_public, self.fake.ipv4_private, self.fake.ipv4))()

    def ipv6(self) -> str:
        value = self.fake.ipv6()
        if self.rng.random() < 0.3:
            return str(ipaddress.IPv6Address(value))  # compressed form
        return value

    def jwt(self) -> str:
        def b64(obj: dict[str, Any]) -> str:
            raw = json.dumps(obj, separators=(",", ":")).encode()
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

        header = {"alg": self.rng.choice(("HS256", "RS256", "ES256")), "typ": "JWT"}
        claims = {"sub": self.fake.uuid4(), "name": self.fake.name(),
                  "iat": self.rng.randint(1_600_000_000, 1_800_000_000)}  # fmt: skip
        signature = self._alnum(43, string.ascii_letters + string.digits + "-_")
        return f"{b64(header)}.{b64(claims)}.{signature}"

    def aws_access_key(self) -> str:
        prefix = self.rng.choice(("AKIA", "AKIA", "ASIA"))
        return prefix + self._alnum(16, string.ascii_uppercase + "234567")

    def github_token(self) -> str:
        if self.rng.random() < 0.2:
            return "github_pat_" + self._alnum(22) + "_" + self._alnum(59)
        return self.rng.choice(("ghp_", "gho_", "ghs_", "ghu_")) + self._alnum(36)

    def slack_token(self) -> str:
        kind = self.rng.choice(("xoxb", "xoxp", "xoxa"))
        digits = string.digits
        return f"{kind}-{self._alnum(11, digits)}-{self._alnum(12, digits)}-{self._alnum(24)}"

    def stripe_key(self) -> str:
        return self.rng.choice(("sk_live_", "sk_test_", "rk_live_")) + self._alnum(24)

    def google_api_key(self) -> str:
        return "AIza" + self._alnum(35, string.ascii_letters + string.digits + "-_")

    def private_key(self) -> str:
        kind = self.rng.choice(("RSA ", "EC ", "", "OPENSSH "))
        body = "\n".join(self._alnum(64, string.ascii_letters + string.digits + "+/")
                         for _ in range(self.rng.randint(3, 8)))  # fmt: skip
        return f"-----BEGIN {kind}PRIVATE KEY-----\n{body}\n-----END {kind}PRIVATE KEY-----"

    def authorization(self) -> str:
        if self.rng.random() < 0.5:
            return "Bearer " + self._alnum(
                self.rng.randint(24, 60), string.ascii_letters + string.digits + "-._"
            )
        user_pass = f"{self.fake.user_name()}:{self.fake.password(special_chars=False)}"
        return "Basic " + base64.b64encode(user_pass.encode()).decode()

    def url_password(self) -> tuple[str, str]:
        password = self.fake.password(length=self.rng.randint(8, 16), special_chars=False)
        scheme = self.rng.choice(
            ("postgres", "postgresql", "mysql", "redis", "amqp", "https", "mongodb+srv")
        )
        url = (f"{scheme}://{self.fake.user_name()}:{password}@{self.fake.hostname()}:"
               f"{self.rng.randint(1024, 65535)}/{self.fake.word()}")  # fmt: skip
        return url, password

    def phone(self) -> str:
        if self.rng.random() < 0.1:
            return (
                "+"
                + str(self.rng.choice((1, 44, 49, 33, 31, 61, 91, 34, 39)))
                + self._alnum(self.rng.randint(9, 10), string.digits).lstrip("0").rjust(9, "7")
            )
        return self.locales[self.rng.choice(PHONE_LOCALES)].phone_number()

    def secret_value(self) -> str:
        choice = self.rng.random()
        if choice < 0.6:
            return self.fake.password(length=self.rng.randint(8, 20))
        return self._alnum(self.rng.randint(20, 48), string.ascii_letters + string.digits + "-_.")

    # -- benign -----------------------------------------------------------------------

    def benign(self) -> str:
        rng, fake = self.rng, self.fake
        makers: tuple[Callable[[], str], ...] = (
            fake.uuid4,
            lambda: fake.hexify("^" * 32),
            lambda: fake.hexify("^" * 16),
            lambda: (
                fake.date_time_between("-2y", "now").isoformat(
                    timespec=rng.choice(("seconds", "milliseconds", "microseconds"))
                )
                + rng.choice(("Z", "+00:00", ""))
            ),
            lambda: fake.date_time_between("-2y", "now").strftime(
                rng.choice(("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%H:%M:%S.%f"))
            ),
            lambda: (
                rng.choice(("v", "", "version "))
                + ".".join(str(rng.randint(0, 30)) for _ in range(rng.choice((2, 3, 3))))
            ),
            lambda: (
                rng.choice(("ORD-", "order-", "INV-", "#", "ord_", "PO"))
                + fake.numerify("#" * rng.randint(5, 10))
            ),
            lambda: rng.choice(("ORD-", "INV-")) + fake.bothify("####-????-####").upper(),
            lambda: f"{rng.randint(1, 9999)}{rng.choice(('ms', 's', 'us', 'ns', ' ms'))}",
            lambda: f"{rng.random() * 100:.3f}s",
            fake.sha1,
            lambda: fake.sha1()[:7],
            lambda: str(rng.randint(1_500_000_000_000, 1_800_000_000_000)),
            lambda: str(rng.randint(1_500_000_000, 1_800_000_000)),
            lambda: f"{rng.randint(1, 1 << 31)} bytes",
            lambda: f"port {rng.randint(1, 65535)}",
            lambda: f"${rng.randint(1, 99999)}.{rng.randint(0, 99):02d}",
            lambda: f"{rng.randint(0, 100)}.{rng.randint(0, 9)}%",
            lambda: f"{fake.word()}-{fake.hexify('^' * 9)}-{fake.lexify('?????')}",
            lambda: f"/api/v{rng.randint(1, 3)}/{fake.word()}s/{rng.randint(1, 999999)}",
            lambda: f"req_{self._alnum(24)}",
            lambda: f"build {rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 300)}",
            lambda: f"user_id={rng.randint(1, 10**10)}",
            lambda: f"session_count={rng.randint(0, 500)} input_tokens={rng.randint(1, 9000)}",
            lambda: fake.file_path(depth=rng.randint(1, 4)),
            lambda: f"{fake.hostname()}:{rng.randint(1024, 65535)}",
            lambda: f"commit {fake.sha1()} by {fake.user_name()}",
            lambda: (
                f"{rng.randint(100_000_000, 9_999_999_999)} {rng.choice(('bytes', 'rows', 'items', 'records', 'ns'))}"
            ),
        )
        return rng.choice(makers)()


_BODY_TEMPLATES = (
    "User {v} logged in from the mobile app",
    "Sending receipt to {v} for order {b}",
    "payment authorized card={v} amount={b}",
    "Charging card {v} for {b}",
    "Refund of {b} to account {v} queued",
    "Verified identity with SSN {v} request {b}",
    "Incoming call from {v} routed to agent (trace {b})",
    "Callback number: {v}; ticket {b}",
    "connection from {v} accepted at {b}",
    "rate limit exceeded for client {v} after {b}",
    "upstream auth failed token={v} ts={b}",
    "using credentials {v} for deploy {b}",
    "config loaded: {v} (took {b})",
    "{b} request failed: {v}",
    "processing {b}: key material {v}",
)
_BENIGN_TEMPLATES = (
    "GET {b} 200 in {b2}",
    "order {b} shipped at {b2}",
    "cache miss for {b}; recomputed in {b2}",
    "deployed {b} to production ({b2})",
    "worker {b} finished batch {b2}",
    "span {b} parent {b2}",
    "retrying {b} after {b2}",
    "user {name} updated profile {b} at {b2}",
    "{b} | {b2} | status=ok",
    "job={b} elapsed={b2} result=success",
    "scheduled maintenance window {b} - {b2}",
    "file {b} uploaded, checksum {b2}",
)
_TEXT_SECRET_FORMS = ("{k}={v}", "{k}: {v}", '"{k}": "{v}"', "{k}='{v}'")


class CorpusBuilder:
    """Builds samples; one builder per seed gives the same corpus every time."""

    def __init__(self, seed: int = 7) -> None:
        self.values = _Values(seed)
        self.rng = self.values.rng

    def _attributes(self, sample: Sample) -> dict[str, Any]:
        rng, fake = self.rng, self.values.fake
        attrs: dict[str, Any] = {
            "hydra.layer": rng.choice(("APP", "API", "AUTH", "DB", "PAYMENTS")),
            "trace_id": fake.hexify("^" * 32),
            "http.status_code": rng.choice((200, 201, 204, 400, 404, 500)),
            "duration_ms": round(rng.random() * 500, 3),
        }
        keys = ("request.id", "order.id", "deploy.version", "build.commit", "client.name",
                "event.time", "job.id")  # fmt: skip
        for key in rng.sample(keys, rng.randint(0, 3)):
            value = self.values.benign()
            attrs[key] = value
            sample.benign.append(value)
        if rng.random() < 0.3:
            key = rng.choice(BENIGN_KEYS)
            attrs[key] = rng.choice((rng.randint(0, 5000), True, False, fake.name(), "bearer"))
        return attrs

    def benign_sample(self) -> Sample:
        """A record with no sensitive value at all."""
        sample = Sample(body="", attributes={})
        sample.attributes = self._attributes(sample)
        b, b2 = self.values.benign(), self.values.benign()
        template = self.rng.choice(_BENIGN_TEMPLATES)
        sample.body = template.format(b=b, b2=b2, name=self.values.fake.name())
        sample.benign += [b, b2]
        return sample

    def pii_sample(self, entity: str) -> Sample:
        """A record holding one planted value of ``entity`` (in body or attributes)."""
        sample = Sample(body="", attributes={})
        sample.attributes = self._attributes(sample)
        benign = self.values.benign()
        sample.benign.append(benign)
        if entity == "secret":
            self._plant_secret(sample, benign)
            return sample
        if entity == "url_password":
            url, password = self.values.url_password()
            value, planted = url, password
        else:
            value = planted = getattr(self.values, entity)()
        sample.planted.append(Planted(entity, planted))
        where = self.rng.random()
        if where < 0.6:
            template = self.rng.choice(_BODY_TEMPLATES)
            sample.body = template.format(v=value, b=benign)
            if "{b}" not in template:
                sample.benign.remove(benign)
        elif where < 0.85:
            sample.body = f"event {benign} recorded"
            sample.attributes[self._attribute_key(entity)] = value
        else:
            sample.body = json.dumps({"event": "audit", "ref": benign, "detail": {"value": value}})
        return sample

    def _attribute_key(self, entity: str) -> str:
        return {
            "email": "user.email", "credit_card": "payment.card", "iban": "payout.account",
            "us_ssn": "applicant.ssn_value", "ipv4": "client.address", "ipv6": "client.address",
            "phone": "contact.phone", "authorization": "http.request.header.x_forwarded_auth",
            "url_password": "db.connection_string",
        }.get(entity, "detail")  # fmt: skip

    def _plant_secret(self, sample: Sample, benign: str) -> None:
        key, value = self.rng.choice(SECRET_KEYS), self.values.secret_value()
        sample.planted.append(Planted("secret", value))
        where = self.rng.random()
        if where < 0.5:
            sample.body = f"login attempt for {self.values.fake.user_name()} ({benign})"
            sample.attributes[key] = value
        elif where < 0.8:
            form = self.rng.choice(_TEXT_SECRET_FORMS)
            sample.body = f"connecting with {form.format(k=key, v=value)} ref={benign}"
        else:
            sample.body = json.dumps(
                {"user": self.values.fake.user_name(), key: value, "ref": benign}
            )


def generate_corpus(
    pii_records: int = 2000, benign_records: int = 5000, seed: int = 7
) -> list[Sample]:
    """Return ``pii_records`` samples spread evenly over ENTITIES, then the benign ones."""
    builder = CorpusBuilder(seed)
    samples = [builder.pii_sample(ENTITIES[i % len(ENTITIES)]) for i in range(pii_records)]
    samples += [builder.benign_sample() for _ in range(benign_records)]
    return samples


def _flatten(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _flatten(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _flatten(item)
    elif isinstance(value, str):
        yield value
        if value[:1] in "{[":
            with contextlib.suppress(ValueError):
                yield from _flatten(json.loads(value))
    elif isinstance(value, bytes):
        yield value.decode("utf-8", "replace")
    else:
        yield str(value)


def rendered(body: Any, attributes: dict[str, Any]) -> str:
    """Everything a record would expose, as one string (JSON bodies also decoded)."""
    return "\n".join([*_flatten(body), *_flatten(attributes)])


def _alnum(text: str) -> str:
    return "".join(char for char in text if char.isalnum())


def leaked(planted: Planted, output: str) -> bool:
    """True when the planted value, or its last 6 alphanumerics, is still visible."""
    if planted.value in output:
        return True
    if planted.entity in ("credit_card", "phone", "iban", "us_ssn"):
        return _alnum(planted.value)[-6:] in _alnum(output.replace("[REDACTED:", "["))
    return False


@dataclass
class Scores:
    """Per-entity recall and the benign alteration rate."""

    found: dict[str, int]
    planted: dict[str, int]
    benign_lines: int
    benign_altered: int
    lookalikes: int
    lookalikes_lost: int
    misses: list[tuple[str, str]]
    altered: list[str]

    def recall(self, entity: str | None = None) -> float:
        """Recall of one entity, or over all planted values when ``entity`` is None."""
        if entity is None:
            return sum(self.found.values()) / max(1, sum(self.planted.values()))
        return self.found.get(entity, 0) / max(1, self.planted.get(entity, 0))

    @property
    def benign_altered_rate(self) -> float:
        """Share of benign lines that came out different."""
        return self.benign_altered / max(1, self.benign_lines)


Redact = Callable[[Any, dict[str, Any]], tuple[Any, dict[str, Any]]]


def score(samples: list[Sample], redact: Redact) -> Scores:
    """Run every sample through ``redact`` and score recall and false alterations."""
    result = Scores({}, {}, 0, 0, 0, 0, [], [])
    for sample in samples:
        body, attributes = redact(sample.body, dict(sample.attributes))
        output = rendered(body, _without_summary(attributes))
        for item in sample.planted:
            result.planted[item.entity] = result.planted.get(item.entity, 0) + 1
            if leaked(item, output):
                result.misses.append((item.entity, item.value))
            else:
                result.found[item.entity] = result.found.get(item.entity, 0) + 1
        for value in sample.benign:
            result.lookalikes += 1
            if value not in output:
                result.lookalikes_lost += 1
        if not sample.planted:
            result.benign_lines += 1
            if body != sample.body or _without_summary(attributes) != sample.attributes:
                result.benign_altered += 1
                result.altered.append(rendered(body, attributes))
    return result


def _without_summary(attributes: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in attributes.items() if not k.startswith("redaction.")}
