"""Tasks: the one dated to-do, and how recurring ones roll forward."""

from __future__ import annotations

import enum
from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from goodwill.domain.dates import as_utc
from goodwill.errors import ValidationFailed


class Recurrence(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"


_STEP = {
    Recurrence.DAILY: relativedelta(days=1),
    Recurrence.WEEKLY: relativedelta(weeks=1),
    Recurrence.MONTHLY: relativedelta(months=1),
    Recurrence.YEARLY: relativedelta(years=1),
}


def parse_recurrence(value: str | None, field: str = "repeat") -> Recurrence | None:
    if value is None or value.strip().lower() in {"", "none", "never"}:
        return None
    try:
        return Recurrence(value.strip().lower())
    except ValueError:
        raise ValidationFailed(
            field, f"'{value}' is not one of daily, weekly, monthly, yearly, none"
        ) from None


def next_due(due: datetime, recurrence: Recurrence, tz: ZoneInfo, after: datetime) -> datetime:
    """The first occurrence after `after`, stepping in local time.

    Stepping in local time keeps a 09:00 weekly task at 09:00 across DST changes,
    and a monthly task on the 31st falls on the last day of shorter months
    (relativedelta clamps) without drifting: each step counts from the original.
    """
    local = as_utc(due).astimezone(tz)
    step = _STEP[recurrence]
    limit = as_utc(after)
    n = 1
    candidate = local + step
    # Compare instants, not wall times: datetimes sharing a tzinfo compare by wall
    # clock, so 01:30 EDT would pass for later than 01:15 EST in the repeated hour.
    while as_utc(candidate) <= limit:
        n += 1
        candidate = local + step * n
    return as_utc(candidate)
