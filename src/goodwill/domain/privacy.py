"""Forgetting a person: their identity keys as salted hashes, and scrubbing their traces.

A forgotten person's emails, phones and profile URLs survive only as
SHA-256(f"{salt}:{kind}:{key}") with a per-workspace salt, so a later import can
recognise and refuse them without the workspace keeping who they were. Free text
that stays behind (summaries, notes, task titles…) has their name, emails and
phone numbers replaced by FORGOTTEN.
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import phonenumbers

FORGOTTEN = "[forgotten]"
HASH_PREFIX_LEN = 12

_URL = re.compile(r"^https?://[^\s/?#]+\S*$", re.IGNORECASE)
# What people type between the digits of a phone number: '+1 (415) 555-0100'.
_PHONE_SEP = r"[\s().\-/]*"


class SuppressionKind(enum.StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"


def suppression_hash(salt: str, kind: str, value: str) -> str:
    """The stored form of an identity key: hex SHA-256 over 'salt:kind:value'."""
    return hashlib.sha256(f"{salt}:{kind}:{value}".encode()).hexdigest()


def looks_like_url(value: object) -> bool:
    return isinstance(value, str) and bool(_URL.match(value.strip()))


def normalize_url(value: str) -> str:
    """One key per profile: scheme, 'www.', case, query, fragment and a final '/' ignored.

    'HTTPS://www.LinkedIn.com/in/Pat-Q/?trk=x' and 'http://linkedin.com/in/pat-q'
    are the same profile.
    """
    parts = urlsplit(value.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.rstrip("/").lower()
    return f"{host}{path}"


def identity_key(kind: str, value: str) -> str:
    """The canonical form hashed for `kind`; idempotent on keys already normalized.

    Emails are expected as `normalize_email` returns them and phones in E.164
    (`normalize_phone(...).e164`); both are only trimmed (and emails lower-cased) here.
    """
    text = value.strip()
    if kind == SuppressionKind.EMAIL:
        return text.lower()
    if kind == SuppressionKind.URL:
        return normalize_url(text)
    return text


def profile_urls(custom_fields: Mapping[str, object] | None) -> list[str]:
    """The normalized URLs among a contact's custom-field values, without duplicates."""
    found: list[str] = []
    for value in (custom_fields or {}).values():
        if looks_like_url(value):
            key = normalize_url(str(value))
            if key and key not in found:
                found.append(key)
    return found


@dataclass(frozen=True)
class Traces:
    """What identifies a person in free text."""

    names: tuple[str, ...]
    emails: tuple[str, ...]
    phones: tuple[str, ...]  # E.164


def trace_pattern(traces: Traces) -> re.Pattern[str] | None:
    """One case-insensitive pattern matching any of the traces, longest first.

    Names match as whole words (forgetting 'Bob' leaves 'Bobby' alone) with any
    spacing between their words; an email matches unless it is part of a longer
    address; a phone matches in E.164, as bare digits, or formatted with spaces,
    dots, dashes or brackets, with or without its country code or trunk '0'.
    """
    alternatives: list[str] = []
    for name in sorted({n.strip() for n in traces.names if n.strip()}, key=len, reverse=True):
        words = r"\s+".join(re.escape(word) for word in name.split())
        alternatives.append(rf"(?<!\w){words}(?!\w)")
    for email in sorted({e.strip() for e in traces.emails if e.strip()}, key=len, reverse=True):
        alternatives.append(rf"(?<![\w.%+\-]){re.escape(email)}(?![\w\-]|\.[\w\-])")
    for e164 in sorted(set(traces.phones), key=len, reverse=True):
        alternatives.append(_phone_pattern(e164))
    if not alternatives:
        return None
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)


def _phone_pattern(e164: str) -> str:
    digits = re.sub(r"\D", "", e164)
    try:
        parsed = phonenumbers.parse(e164, None)
        country = str(parsed.country_code)
        national = phonenumbers.national_significant_number(parsed)
    except phonenumbers.NumberParseException:
        country, national = "", digits
    if not national or not digits.endswith(national):
        country, national = "", digits
    spaced_national = _PHONE_SEP.join(national)
    prefix = ""
    if country:
        spaced_country = _PHONE_SEP.join(country)
        prefix = rf"(?:(?:(?:\+|00){_PHONE_SEP})?{spaced_country}{_PHONE_SEP})?"
    trunk = rf"(?:\(?0\)?{_PHONE_SEP})?"
    return rf"(?<![\d+]){prefix}{trunk}\(?{spaced_national}(?!\d)"


def scrub(text: str, pattern: re.Pattern[str] | None) -> str:
    """The text with every trace replaced by FORGOTTEN."""
    if pattern is None or not text:
        return text
    return pattern.sub(FORGOTTEN, text)


def scrub_values(
    values: Iterable[tuple[str, object]], pattern: re.Pattern[str] | None
) -> dict[str, object]:
    """Custom fields with their text values scrubbed (keys are the user's own labels)."""
    return {key: scrub(v, pattern) if isinstance(v, str) else v for key, v in values}
