"""What a notice is: its categories, fields and limits, its priority, and how its URLs are keyed.

The fields follow DSA article 16(2): the exact location of the content (one or more URLs), a
substantiated explanation, the notifier's name and e-mail (optional, and never taken for
sexual exploitation of a child, article 16(2)(c)), and a good-faith statement.
"""

from __future__ import annotations

import secrets
from typing import Final, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from vigil.urls import is_web_url

TRAFFICKING: Final = "trafficking"
SEXUAL_EXPLOITATION: Final = "sexual_exploitation"
CHILD_SEXUAL_EXPLOITATION: Final = "child_sexual_exploitation"
FORCED_LABOUR: Final = "forced_labour"
OTHER: Final = "other"
CATEGORIES: Final = (TRAFFICKING, SEXUAL_EXPLOITATION, CHILD_SEXUAL_EXPLOITATION, FORCED_LABOUR, OTHER)
Category = Literal["trafficking", "sexual_exploitation", "child_sexual_exploitation", "forced_labour", "other"]
#: Categories for which no name or e-mail is ever asked or kept (DSA article 16(2)(c)).
NO_CONTACT_CATEGORIES: Final = frozenset({CHILD_SEXUAL_EXPLOITATION})

#: Triage priority, most urgent first (DSA article 22: trusted flaggers first; recital 52: threats to life).
PRIORITY_TRUSTED_FLAGGER: Final = 0
PRIORITY_DANGER: Final = 1
PRIORITY_MINORS: Final = 2
PRIORITY_TRAFFICKING: Final = 3
PRIORITY_OTHER: Final = 4
PRIORITY_NAMES: Final = ("trusted flagger", "immediate danger", "minors", "trafficking", "other")
#: Items at or above this priority (numerically at or below) get the urgent service-level time.
URGENT_PRIORITY: Final = PRIORITY_MINORS

SOURCE_PUBLIC: Final = "article_16"
SOURCE_TRUSTED_FLAGGER: Final = "trusted_flagger"

MAX_URLS: Final = 20
MAX_URL_CHARS: Final = 2000
MAX_EXPLANATION_CHARS: Final = 5000
MIN_EXPLANATION_CHARS: Final = 10
MAX_NAME_CHARS: Final = 200
MAX_EMAIL_CHARS: Final = 254
MAX_PLATFORM_CHARS: Final = 200
MAX_DETAILS_CHARS: Final = 1000
MAX_IDEMPOTENCY_KEY_CHARS: Final = 200
#: Receipt codes: 80 random bits in Crockford-like base32 without look-alike letters, four groups of four.
RECEIPT_ALPHABET: Final = "ABCDEFGHJKMNPQRSTVWXYZ0123456789"
RECEIPT_PATTERN: Final = r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$"


def new_receipt() -> str:
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(16))
    return "-".join(code[i : i + 4] for i in range(0, 16, 4))


def url_key(url: str) -> str:
    """The URL in the form duplicates share: scheme and host lower-cased, no fragment, no default
    port, no trailing slash on the path. Query strings are kept (they often are the ad's id)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    port = parts.port
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = parts.path.rstrip("/")
    return urlunsplit(("https", netloc, path, parts.query, ""))[:512]


def priority_of(category: str, immediate_danger: bool, trusted_flagger: bool) -> int:
    if trusted_flagger:
        return PRIORITY_TRUSTED_FLAGGER
    if immediate_danger:
        return PRIORITY_DANGER
    if category == CHILD_SEXUAL_EXPLOITATION:
        return PRIORITY_MINORS
    if category in (TRAFFICKING, SEXUAL_EXPLOITATION, FORCED_LABOUR):
        return PRIORITY_TRAFFICKING
    return PRIORITY_OTHER


def _blank_to_none(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


class NoticeIn(BaseModel):
    """A notice as the form and ``POST /api/v1/reports`` send it; every field has a size limit."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    category: Category = Field(description="trafficking, sexual_exploitation, child_sexual_exploitation, forced_labour or other.")
    urls: list[str] = Field(min_length=1, max_length=MAX_URLS, description="Exact location(s) of the content: http(s) URLs.")
    explanation: str = Field(
        min_length=MIN_EXPLANATION_CHARS, max_length=MAX_EXPLANATION_CHARS, description="Why the content is illegal or harmful."
    )
    location_details: str | None = Field(None, max_length=MAX_DETAILS_CHARS, description="Anything else that helps find the content.")
    reporter_name: str | None = Field(None, max_length=MAX_NAME_CHARS, description="Optional; never for child sexual exploitation.")
    reporter_email: str | None = Field(None, max_length=MAX_EMAIL_CHARS, description="Optional; receives the receipt and the decision.")
    good_faith: bool = Field(description="The reporter believes the notice accurate and complete (must be true).")
    platform: str | None = Field(None, max_length=MAX_PLATFORM_CHARS)
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 country the content concerns.")
    language: str | None = Field(None, description="ISO 639-1 language of the content.")
    immediate_danger: bool = Field(False, description="Someone is in immediate danger (flags the report for article 18).")

    _clean = field_validator(
        "location_details", "reporter_name", "reporter_email", "platform", "country", "language", mode="before"
    )(_blank_to_none)

    @field_validator("urls")
    @classmethod
    def _web_urls(cls, urls: list[str]) -> list[str]:
        cleaned = [u.strip() for u in urls if u.strip()]
        if not cleaned:
            raise ValueError("give at least one URL")
        for url in cleaned:
            if len(url) > MAX_URL_CHARS or not is_web_url(url):
                raise ValueError("each location must be an http(s) web address")
        return list(dict.fromkeys(cleaned))

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if len(value) != 2 or not value.isascii() or not value.isalpha():
            raise ValueError("country must be a two-letter code")
        return value.upper()

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if len(value) != 2 or not value.isascii() or not value.isalpha():
            raise ValueError("language must be a two-letter ISO 639-1 code")
        return value.lower()

    @field_validator("reporter_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None:
            return None
        local, at, domain = value.rpartition("@")
        if not at or not local or "." not in domain or any(ch.isspace() or ord(ch) < 0x20 for ch in value):
            raise ValueError("not an e-mail address")
        return value

    @field_validator("reporter_name", "explanation", "location_details", "platform")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        if value is not None and any(ord(ch) < 0x20 and ch not in "\n\r\t" for ch in value):
            raise ValueError("control characters are not allowed")
        return value

    @model_validator(mode="after")
    def _rules(self) -> NoticeIn:
        if not self.good_faith:
            raise ValueError("the good-faith statement must be confirmed")
        if self.category in NO_CONTACT_CATEGORIES:
            # Never kept, even when sent: the notifier of such content is not to be identifiable.
            self.reporter_name = None
            self.reporter_email = None
        return self
