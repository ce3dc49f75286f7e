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


def lapse_rank(days_overdue: int, cadence_days: int) -> float:
    """How overdue, relative to the cadence: 60 days late on a monthly contact (2.0)
    outranks 100 days late on a half-yearly one (0.56)."""
    return days_overdue / max(cadence_days, 1)
