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


# Ranking people going cold: strength × how overdue. A strong tie slipping matters more
# than a weak one; a contact never touched (strength 0) still ranks, by STRENGTH_FLOOR,
# among its peers. Beyond OVERDUE_CAP cadences late the gap stops adding: the low
# strength already says the tie has gone quiet, and the oldest lapses would otherwise
# crowd out everyone else for good.
STRENGTH_FLOOR = 5.0
OVERDUE_CAP = 4.0


def touch_priority(strength: float, days_overdue: int, cadence_days: int) -> float:
    """How much a lapsed contact is worth a touch today: max(strength, 5)/100 × the
    lapse relative to the cadence (capped at 4 cadences). Not lapsed: 0.

    >>> touch_priority(80, 30, 30)  # a strong tie one cadence late
    0.8
    >>> touch_priority(10, 60, 30)  # a weak one, twice as late
    0.2
    """
    if days_overdue <= 0:
        return 0.0
    weight = max(min(strength, 100.0), STRENGTH_FLOOR) / 100.0
    return weight * min(lapse_rank(days_overdue, cadence_days), OVERDUE_CAP)


ANNIVERSARY_WINDOW_DAYS = 7
TOPIC_MAX = 80


def meeting_anniversary(met_on: date | None, today: date) -> int | None:
    """Whole years since meeting when the anniversary falls within the next 7 days
    (today included), else None. 29 February is kept on 28 February in other years."""
    if met_on is None:
        return None
    for ahead in range(ANNIVERSARY_WINDOW_DAYS):
        candidate = date.fromordinal(today.toordinal() + ahead)
        years = candidate.year - met_on.year
        if years < 1:
            continue
        if _same_day_of_year(met_on, candidate):
            return years
    return None


def _same_day_of_year(met_on: date, day: date) -> bool:
    if (met_on.month, met_on.day) == (day.month, day.day):
        return True
    leap_day = (met_on.month, met_on.day) == (2, 29)
    return leap_day and (day.month, day.day) == (2, 28) and not _is_leap(day.year)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def touch_reasons(
    *,
    today: date,
    last_touch_day: date | None,
    topic: str | None,
    topic_day: date | None,
    topic_channel: str | None,
    met_on: date | None,
    days_overdue: int,
    cadence_days: int,
) -> list[str]:
    """Why to get in touch, most personal first: an anniversary of meeting this week,
    then the topic of the last conversation that had one; always ending with how far
    the cadence has lapsed."""
    reasons: list[str] = []
    years = meeting_anniversary(met_on, today)
    if years is not None:
        reasons.append(f"met {years} year{'s' if years != 1 else ''} ago this week")
    text = " ".join((topic or "").split())
    if text and topic_day is not None:
        if len(text) > TOPIC_MAX:
            text = text[: TOPIC_MAX - 1].rstrip() + "…"
        how = f"{topic_channel}, " if topic_channel else ""
        reasons.append(f"follow up on “{text}” ({how}{topic_day.isoformat()})")
    if last_touch_day is None:
        reasons.append(
            f"no touch logged yet, {days_overdue} days past the {cadence_days}-day cadence"
        )
    else:
        days = (today - last_touch_day).days
        reasons.append(f"last touch {days} days ago (cadence: every {cadence_days} days)")
    return reasons
