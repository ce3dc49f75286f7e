"""Touches with people: channels and who reached out."""

from __future__ import annotations

import enum

from goodwill.errors import ValidationFailed


class Channel(enum.StrEnum):
    MEETING = "meeting"
    CALL = "call"
    COFFEE = "coffee"
    EMAIL = "email"
    MESSAGE = "message"
    SOCIAL = "social"  # a comment on, or share of, their post


class Initiator(enum.StrEnum):
    ME = "me"
    THEM = "them"


def parse_channel(value: str, field: str = "channel") -> Channel:
    try:
        return Channel(value.strip().lower())
    except ValueError:
        choices = ", ".join(c.value for c in Channel)
        raise ValidationFailed(field, f"'{value}' is not one of {choices}") from None


def parse_initiator(value: str, field: str = "initiated_by") -> Initiator:
    try:
        return Initiator(value.strip().lower())
    except ValueError:
        raise ValidationFailed(field, f"'{value}' is not one of me, them") from None


MAX_RECIPIENTS = 100_000


def validate_recipients(count: int | None, participants: int) -> int:
    """How many people the touch went to; a mass email's weight divides by this later."""
    if count is None:
        return max(participants, 1)
    if count < participants or count > MAX_RECIPIENTS:
        raise ValidationFailed(
            "recipients", f"must be between {participants} and {MAX_RECIPIENTS:,}"
        )
    return count
