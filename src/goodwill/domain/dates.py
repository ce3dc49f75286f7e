"""Parsing user dates and times, and the user's local day.

Everything is stored in UTC; "today", "overdue" and "due" are computed in the
user's time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from goodwill.errors import ValidationFailed

_RELATIVE = re.compile(r"^([+-])(\d{1,4})([dw])$")
_FORMAT_HINT = "expected YYYY-MM-DD, 'today', 'tomorrow', 'yesterday' or an offset like +3d, -2w"


def zone(name: str, field: str = "timezone") -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a tzdata directory ('America') or a name too long for a file name.
        raise ValidationFailed(
            field, f"'{name[:64]}' is not a time zone such as Europe/Paris"
        ) from None


def local_today(tz: ZoneInfo, now: datetime) -> date:
    return now.astimezone(tz).date()


def parse_date(text: str, field: str, today: date) -> date:
    value = text.strip().lower()
    if "\x00" in value:
        raise ValidationFailed(field, "contains a NUL byte")
    named = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if value in named:
        return today + timedelta(days=named[value])
    match = _RELATIVE.match(value)
    if match:
        amount = int(match.group(2)) * (7 if match.group(3) == "w" else 1)
        return today + timedelta(days=amount if match.group(1) == "+" else -amount)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(field, f"'{text[:40]}' is not a date ({_FORMAT_HINT})") from None


@dataclass(frozen=True)
class Moment:
    """A parsed user time: an instant in UTC, and whether only a day was given."""

    at: datetime
    all_day: bool


def parse_moment(text: str, field: str, tz: ZoneInfo, now: datetime) -> Moment:
    """A date (all day, local midnight) or a local date-time 'YYYY-MM-DD HH:MM'."""
    value = text.strip()
    today = local_today(tz, now)
    if len(value) > 10 and re.match(r"^\d{4}-\d{2}-\d{2}[ T]\d", value):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationFailed(
                field, f"'{value[:40]}' is not a date-time (expected YYYY-MM-DD HH:MM)"
            ) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=tz)
        return Moment(parsed.astimezone(UTC), all_day=False)
    day = parse_date(value, field, today)
    return Moment(local_midnight_utc(day, tz), all_day=True)


def local_midnight_utc(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=tz).astimezone(UTC)


def as_utc(value: datetime) -> datetime:
    """Databases may hand back naive datetimes; ours are always UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def local_date_of(value: datetime, tz: ZoneInfo) -> date:
    return as_utc(value).astimezone(tz).date()
