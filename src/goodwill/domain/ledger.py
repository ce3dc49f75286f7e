"""The give/take ledger: what was given and received, how much it weighed, the balance."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from goodwill.errors import ValidationFailed

WEIGHT_MIN = 1
WEIGHT_MAX = 5


class Direction(enum.StrEnum):
    GAVE = "gave"
    RECEIVED = "received"


class LedgerKind(enum.StrEnum):
    FAVOR = "favor"
    INTRODUCTION = "introduction"
    REFERRAL = "referral"
    RESUME = "resume"
    RECOMMENDATION = "recommendation"
    ADVICE = "advice"
    ARTICLE = "article"
    BUSINESS = "business"
    OTHER = "other"


def parse_direction(value: str, field: str = "direction") -> Direction:
    try:
        return Direction(value.strip().lower())
    except ValueError:
        raise ValidationFailed(field, f"'{value[:40]}' is not one of gave, received") from None


def parse_ledger_kind(value: str, field: str = "kind") -> LedgerKind:
    try:
        return LedgerKind(value.strip().lower())
    except ValueError:
        choices = ", ".join(k.value for k in LedgerKind)
        raise ValidationFailed(field, f"'{value[:40]}' is not one of {choices}") from None


def parse_weight(value: int | str, field: str = "weight") -> int:
    """How much it mattered, 1 (a small kindness) to 5 (life-changing)."""
    if isinstance(value, bool):
        raise ValidationFailed(field, f"must be a whole number from {WEIGHT_MIN} to {WEIGHT_MAX}")
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("-").isdigit() or len(text) > 6:
            raise ValidationFailed(
                field, f"'{value[:40]}' is not a whole number from {WEIGHT_MIN} to {WEIGHT_MAX}"
            )
        value = int(text)
    if not WEIGHT_MIN <= value <= WEIGHT_MAX:
        raise ValidationFailed(field, f"{value} is not between {WEIGHT_MIN} and {WEIGHT_MAX}")
    return value


@dataclass(frozen=True)
class Balance:
    """Given weight minus received weight: positive means the user gave more."""

    given_weight: int = 0
    received_weight: int = 0
    given_count: int = 0
    received_count: int = 0

    @property
    def balance(self) -> int:
        return self.given_weight - self.received_weight


def compute_balance(entries: Iterable[tuple[Direction | str, int]]) -> Balance:
    """The balance of (direction, weight) pairs."""
    given_weight = received_weight = given_count = received_count = 0
    for direction, weight in entries:
        if Direction(direction) is Direction.GAVE:
            given_weight += weight
            given_count += 1
        else:
            received_weight += weight
            received_count += 1
    return Balance(given_weight, received_weight, given_count, received_count)
