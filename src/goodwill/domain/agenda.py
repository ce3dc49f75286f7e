"""Rules of the daily agenda."""

from __future__ import annotations

from datetime import date


def cadence_overdue_days(
    last_touch: date | None, since: date, cadence_days: int, today: date
) -> int:
    """Days past the keep-in-touch cadence (<= 0: not lapsed).

    With no touch ever, the clock starts when the contact entered the network
    (`since`), so a fresh contact is not instantly overdue.
    """
    anchor = last_touch or since
    return (today - anchor).days - cadence_days


def cadence_anchor(last_touch: date | None, met_on: date | None, added: date) -> date:
    """The day a keep-in-touch cadence counts from: the last touch, else when met,
    else when the contact was added (stored per contact, see Contact.touch_anchor_day)."""
    return last_touch or met_on or added


def lapse_rank(days_overdue: int, cadence_days: int) -> float:
    """How overdue, relative to the cadence: 60 days late on a monthly contact (2.0)
    outranks 100 days late on a half-yearly one (0.56)."""
    return days_overdue / max(cadence_days, 1)


_EPOCH = date(1970, 1, 1).toordinal()


def day_number(day: date) -> int:
    """Days since 1970-01-01: calendar days as integers, compared alike on every database."""
    return day.toordinal() - _EPOCH
