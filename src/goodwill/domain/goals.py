"""Weekly activity goals: the metrics, their targets, and the week they count in."""

from __future__ import annotations

import enum
from datetime import date, timedelta

from goodwill.errors import ValidationFailed

TARGET_MAX = 10_000


class GoalMetric(enum.StrEnum):
    TOUCHES = "touches"  # interactions logged
    NETWORKING = "networking"  # interactions over a meeting, coffee or call
    APPLICATIONS = "applications"  # job applications that entered 'applied'
    GIVES = "gives"  # ledger entries given
    ASKS = "asks"  # asks made


DESCRIPTIONS = {
    GoalMetric.TOUCHES: "interactions logged",
    GoalMetric.NETWORKING: "meetings, coffees and calls",
    GoalMetric.APPLICATIONS: "job applications (entered 'applied')",
    GoalMetric.GIVES: "things given (ledger)",
    GoalMetric.ASKS: "asks made",
}

NETWORKING_CHANNELS = ("meeting", "coffee", "call")


def parse_metric(value: str, field: str = "metric") -> GoalMetric:
    try:
        return GoalMetric(value.strip().lower())
    except ValueError:
        choices = ", ".join(m.value for m in GoalMetric)
        raise ValidationFailed(field, f"'{value[:40]}' is not one of {choices}") from None


def parse_target(value: int | str, field: str = "target") -> int:
    """A weekly target: a whole number from 1."""
    if isinstance(value, bool):
        raise ValidationFailed(field, "must be a whole number of at least 1")
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("-").isdigit() or len(text) > 8:
            raise ValidationFailed(field, f"'{value[:40]}' is not a whole number of at least 1")
        value = int(text)
    if value < 1:
        raise ValidationFailed(field, f"{value} is below 1: a weekly target is at least 1")
    if value > TARGET_MAX:
        raise ValidationFailed(field, f"{value} is more than {TARGET_MAX:,} a week")
    return value


def week_of(day: date) -> tuple[date, date]:
    """The Monday and the Sunday of the week `day` falls in."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def percent_done(done: int, target: int) -> int:
    """Progress as a whole percentage (may pass 100), rounded down."""
    return done * 100 // target
