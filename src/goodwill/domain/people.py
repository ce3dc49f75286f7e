"""People and organizations: names, emails, phones, tiers, cadences, visibility."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass

import phonenumbers
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

from goodwill.domain.text import NAME_MAX, SHORT_MAX, clean_text, collapse_spaces, fold
from goodwill.errors import ValidationFailed


class Visibility(enum.StrEnum):
    PRIVATE = "private"
    WORKSPACE = "workspace"


class Tier(enum.StrEnum):
    """How close the user wants to stay; each tier implies a default cadence.

    The names are inner, network and wider. The stored value is still the one-letter
    code the contacts.tier column has always held (A, B, C), so existing rows, backups
    and scripts keep working; `A`, `B` and `C` remain accepted as aliases.
    """

    INNER = "A"
    NETWORK = "B"
    WIDER = "C"
    # Aliases: the letters of earlier versions (Tier.A is Tier.INNER).
    A = "A"
    B = "B"
    C = "C"

    @property
    def label(self) -> str:
        """The tier's name as the user sees and types it: inner, network or wider."""
        return _TIER_LABELS[self]


_TIER_LABELS: dict[Tier, str] = {Tier.INNER: "inner", Tier.NETWORK: "network", Tier.WIDER: "wider"}
_TIER_BY_WORD: dict[str, Tier] = {
    **{label: tier for tier, label in _TIER_LABELS.items()},
    **{"inner circle": Tier.INNER, "a": Tier.INNER, "b": Tier.NETWORK, "c": Tier.WIDER},
}
TIER_CHOICES = "inner, network, wider (or A, B, C), or none"

# Inner circle monthly, network quarterly, the wider network yearly; no tier, no cadence.
DEFAULT_CADENCE_DAYS: dict[Tier, int] = {Tier.INNER: 30, Tier.NETWORK: 90, Tier.WIDER: 365}
# Defaults of earlier versions still stored on contacts that took them (wider was 180
# days): a cadence equal to one is a default, not a choice, and follows a new tier.
LEGACY_DEFAULT_CADENCE_DAYS: dict[Tier, int] = {Tier.WIDER: 180}
MAX_CADENCE_DAYS = 3660


def parse_visibility(value: str, field: str = "visibility") -> Visibility:
    try:
        return Visibility(value.strip().lower())
    except ValueError:
        raise ValidationFailed(field, f"'{value}' is not one of private, workspace") from None


def parse_tier(value: str | None, field: str = "tier") -> Tier | None:
    """'inner', 'network', 'wider' (or the letters A, B, C), any case; 'none', '-' or
    nothing clears the tier (no tier: no cadence)."""
    if value is None:
        return None
    word = " ".join(value.split()).lower()
    if word in {"", "none", "-"}:
        return None
    tier = _TIER_BY_WORD.get(word)
    if tier is None:
        raise ValidationFailed(field, f"'{value[:40]}' is not one of {TIER_CHOICES}")
    return tier


def tier_label(stored: str | None) -> str | None:
    """The name of a stored tier code ('A' -> 'inner'); None for no tier.

    An unrecognized stored value is shown as is rather than hidden."""
    if stored is None:
        return None
    try:
        return Tier(stored).label
    except ValueError:
        return stored


_CADENCE = re.compile(r"^\s*(\d{1,6})\s*([dwmy]?)\s*$", re.IGNORECASE)
_CADENCE_UNIT_DAYS = {"": 1, "d": 1, "w": 7, "m": 30, "y": 365}


def parse_cadence(value: str, field: str = "cadence") -> int:
    """'45', '45d', '6w', '3m', '1y' -> days."""
    match = _CADENCE.match(value)
    if not match:
        raise ValidationFailed(field, f"'{value}' is not a cadence like 30d, 6w, 3m or 1y")
    days = int(match.group(1)) * _CADENCE_UNIT_DAYS[match.group(2).lower()]
    if not 1 <= days <= MAX_CADENCE_DAYS:
        raise ValidationFailed(field, f"must be between 1 and {MAX_CADENCE_DAYS} days")
    return days


def resolve_cadence(
    tier: Tier | None, cadence_days: int | None, defaults: Mapping[Tier, int]
) -> int | None:
    """Contacts without a tier have no cadence; a tier alone gets the workspace's default
    cadence for it (`defaults`, see parse_cadence_defaults)."""
    if tier is None:
        return None
    return cadence_days if cadence_days is not None else defaults[tier]


def default_cadences(tier: Tier, defaults: Mapping[Tier, int]) -> frozenset[int]:
    """The stored cadences that only came with the tier: the workspace's default for it,
    and a default of an earlier version."""
    legacy = LEGACY_DEFAULT_CADENCE_DAYS.get(tier)
    return frozenset({defaults[tier]} if legacy is None else {defaults[tier], legacy})


def is_default_cadence(
    tier: Tier | None, cadence_days: int | None, defaults: Mapping[Tier, int]
) -> bool:
    """Whether a stored cadence only came with the tier (the workspace's default now, or a
    default of an earlier version) rather than being chosen for the contact."""
    if tier is None or cadence_days is None:
        return False
    return cadence_days in default_cadences(tier, defaults)


def check_cadence_days(days: int, field: str = "days") -> int:
    if isinstance(days, bool) or not 1 <= days <= MAX_CADENCE_DAYS:
        raise ValidationFailed(field, f"must be between 1 and {MAX_CADENCE_DAYS} days")
    return days


def parse_cadence_defaults(stored: Mapping[str, object] | None) -> dict[Tier, int]:
    """A workspace's default cadence per tier: what it stores (by tier name, e.g.
    {"inner": 45}) over DEFAULT_CADENCE_DAYS. Only the settings service writes the
    column, checked; anything else found there is ignored rather than trusted."""
    defaults = dict(DEFAULT_CADENCE_DAYS)
    for tier in DEFAULT_CADENCE_DAYS:
        value = (stored or {}).get(tier.label)
        if isinstance(value, int) and not isinstance(value, bool):
            if 1 <= value <= MAX_CADENCE_DAYS:
                defaults[tier] = value
    return defaults


def stored_cadence_defaults(defaults: Mapping[Tier, int]) -> dict[str, int] | None:
    """What a workspace stores: only the tiers whose default differs from the domain's
    (by name), or None, so a new domain default reaches the workspaces that never chose."""
    changed = {
        tier.label: check_cadence_days(days)
        for tier, days in defaults.items()
        if days != DEFAULT_CADENCE_DAYS[tier]
    }
    return changed or None


# The everyday address (ASCII atoms, letter TLD, no special-use domain), which
# email-validator accepts unchanged but for case; a property test holds the two equal.
_PLAIN_EMAIL = re.compile(
    r"(?=[^@]{1,64}@)[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}",
    re.IGNORECASE,
)


def normalize_email(raw: str, field: str = "email") -> str:
    text = clean_text(raw, field, max_len=SHORT_MAX, required=True)
    assert text is not None
    if (
        len(text) <= 254
        and _PLAIN_EMAIL.fullmatch(text)
        and text.rsplit(".", 1)[1].lower() not in SPECIAL_USE_DOMAIN_NAMES
        and not any(
            text.lower().endswith(f".{name}") or text.lower().endswith(f"@{name}")
            for name in SPECIAL_USE_DOMAIN_NAMES
        )
    ):
        return text.lower()  # what validate_email gives, 30x faster (bench/README.md)
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationFailed(field, f"'{text}' is not a valid email address ({exc})") from None
    # The local part is case-sensitive by RFC but not in practice; lower-casing lets
    # 'Ann@X.com' and 'ann@x.com' dedupe to one person.
    return result.normalized.lower()


@dataclass(frozen=True)
class Phone:
    e164: str
    digits: str  # E.164 without '+', for phone-aware search

    @property
    def digits_reversed(self) -> str:
        return self.digits[::-1]


def normalize_phone(raw: str, region: str, field: str = "phone") -> Phone:
    text = clean_text(raw, field, max_len=64, required=True)
    assert text is not None
    try:
        parsed = phonenumbers.parse(text, region.upper())
    except phonenumbers.NumberParseException as exc:
        raise ValidationFailed(field, f"'{text}' is not a phone number ({exc})") from None
    if not phonenumbers.is_possible_number(parsed):
        raise ValidationFailed(
            field, f"'{text}' is not a possible phone number for region {region.upper()}"
        )
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return Phone(e164=e164, digits=e164.lstrip("+"))


def phone_query_digits(query: str) -> str | None:
    """If a search query looks like a phone number, its digits; otherwise None."""
    if not re.fullmatch(r"[\d\s()+.\-/]+", query.strip()):
        return None
    digits = re.sub(r"\D", "", query)
    return digits if len(digits) >= 6 else None


def validate_region(value: str, field: str = "default_region") -> str:
    region = value.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationFailed(field, f"'{value}' is not a two-letter region code such as US or FR")
    return region


def person_name(first: str | None, last: str | None) -> tuple[str | None, str | None, str]:
    """Clean first/last names and build the display name."""
    first_c = clean_text(first, "first name", max_len=NAME_MAX)
    last_c = clean_text(last, "last name", max_len=NAME_MAX)
    first_c = collapse_spaces(first_c) if first_c else None
    last_c = collapse_spaces(last_c) if last_c else None
    display = " ".join(p for p in (first_c, last_c) if p)
    if not display:
        raise ValidationFailed("name", "a contact needs a first or last name")
    return first_c, last_c, display


def split_full_name(full: str) -> tuple[str | None, str | None]:
    """'Ada King Lovelace' -> ('Ada King', 'Lovelace'); one word is a first name."""
    text = clean_text(full, "name", max_len=NAME_MAX * 2, required=True)
    assert text is not None
    parts = collapse_spaces(text).split(" ")
    if len(parts) == 1:
        return parts[0], None
    return " ".join(parts[:-1]), parts[-1]


def contact_search_key(
    display_name: str, nickname: str | None = None, extra: list[str] | None = None
) -> str:
    parts = [display_name, nickname or "", *(extra or [])]
    return fold(" ".join(p for p in parts if p))


def parse_custom_field(assignment: str) -> tuple[str, str | None]:
    """'key=value' -> (key, value); 'key=' removes the field."""
    if "=" not in assignment:
        raise ValidationFailed("field", f"'{assignment}' must look like key=value")
    key, value = assignment.split("=", 1)
    key_c = clean_text(key, "field name", max_len=100, required=True)
    assert key_c is not None
    return key_c, clean_text(value, f"field {key_c}", max_len=SHORT_MAX * 4)
