"""The nurture agenda on both databases: people going cold ranked by strength × overdue,
reasons to get in touch, the weekly gives versus asks, tiers and their aliases, the
weak-tie readiness warning, and the agenda as iCalendar."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta

import icalendar

from goodwill.domain.asks import LOW_STRENGTH_THRESHOLD
from goodwill.services import agenda, asks, contacts, exporting, ledger
from goodwill.services.contacts import ContactChanges
from goodwill.storage.schema import Ask, Contact
from tests.factories import make_contact, make_interaction, make_task


def _today() -> date:
    return datetime.now(UTC).date()  # the fixtures' users live in UTC


def _lapsed(actor, uow, **kwargs):
    return agenda.today_agenda(actor, uow, **kwargs).lapsed


def _favor(actor, uow, contact):
    return asks.create_ask(actor, uow, contact, "favor", "review my deck", "you raised twice").ask


def _asked_days_ago(uow, ask_id: int, days: int) -> None:
    with uow.write() as session:
        record = session.get(Ask, ask_id)
        assert record is not None
        record.asked_at = datetime.combine(_today() - timedelta(days=days), time(12), tzinfo=UTC)


def _close_tie(actor, uow, contact_id: int, last_days_ago: int) -> None:
    """A year of monthly meetings, the last `last_days_ago` days ago."""
    for k in range(12):
        make_interaction(
            actor, uow, contact_id, channel="meeting", when=f"-{last_days_ago + 30 * k}d"
        )


# ------------------------------------------------------------------------ ranking


def test_strong_tie_outranks_a_weak_one_equally_overdue(owner, uow):
    weak = make_contact(owner, uow, name="Wes Weak", tier="inner")
    strong = make_contact(owner, uow, name="Sue Strong", tier="inner")
    make_interaction(owner, uow, weak.id, channel="email", when="-45d")
    _close_tie(owner, uow, strong.id, 45)

    seen = _lapsed(owner, uow)
    assert [c.contact.id for c in seen] == [strong.id, weak.id]
    assert [c.days_overdue for c in seen] == [15, 15]
    assert seen[0].strength > seen[1].strength
    assert seen[0].priority > seen[1].priority > 0
    # Only the top one asked for: still the strong tie, the total still counts both.
    day = agenda.today_agenda(owner, uow, lapsed_limit=1)
    assert ([c.contact.id for c in day.lapsed], day.lapsed_total) == ([strong.id], 2)


def test_strength_weighs_against_how_overdue(owner, uow):
    """A strong tie a little late outranks a weak one much later (relative to cadence),
    though SQL alone, by lateness, puts the weak one first."""
    strong = make_contact(owner, uow, name="Sue Strong", tier="inner")
    weak = make_contact(owner, uow, name="Wes Weak", tier="inner")
    for k in range(40):  # weekly meetings, the last 50 days ago: 20 days late
        make_interaction(owner, uow, strong.id, channel="meeting", when=f"-{50 + 7 * k}d")
    make_interaction(owner, uow, weak.id, channel="email", when="-100d", recipients=40)
    seen = _lapsed(owner, uow)
    assert [c.contact.id for c in seen] == [strong.id, weak.id]
    assert (seen[0].days_overdue, seen[1].days_overdue) == (20, 70)
    assert seen[0].priority > seen[1].priority


# ------------------------------------------------------------------------ reasons


def test_going_cold_reasons_name_the_last_topic_and_a_meeting_anniversary(owner, teammate, uow):
    today = _today()
    soon = today + timedelta(days=2)
    if (soon.month, soon.day) == (2, 29):
        soon += timedelta(days=1)
    met = soon.replace(year=soon.year - 3)
    ann = make_contact(
        owner, uow, name="Ann Archer", tier="inner", met_on=met.isoformat(), visibility="workspace"
    )
    make_interaction(owner, uow, ann.id, channel="coffee", summary="her Series A", when="-50d")
    make_interaction(owner, uow, ann.id, channel="email", summary=None, when="-40d")
    # A teammate's private note of a later talk is theirs alone.
    make_interaction(
        teammate, uow, ann.id, summary="SECRET topic", when="-35d", visibility="private"
    )

    [item] = _lapsed(owner, uow)
    topic_day = (datetime.now(UTC) - timedelta(days=50)).date()
    assert item.reasons == [
        "met 3 years ago this week",
        f"follow up on “her Series A” (coffee, {topic_day.isoformat()})",
        "last touch 40 days ago (cadence: every 30 days)",
    ]
    assert not any("SECRET" in r for r in item.reasons)


def test_going_cold_without_history_or_anniversary_still_gives_a_reason(owner, uow):
    met = _today() - timedelta(days=45)
    person = make_contact(owner, uow, tier="inner", met_on=met.isoformat())
    [item] = _lapsed(owner, uow)
    assert item.contact.id == person.id
    assert item.reasons == ["no touch logged yet, 15 days past the 30-day cadence"]
    assert item.last_touch is None


# ---------------------------------------------------------------- gives versus asks


def test_weekly_gives_versus_asks(owner, teammate, uow):
    ann = make_contact(owner, uow, name="Ann Archer", visibility="workspace")
    ledger.record_give(owner, uow, ann.id, "advice")
    ledger.record_give(owner, uow, ann.id, "article", on=(_today() - timedelta(days=6)).isoformat())
    ledger.record_give(owner, uow, ann.id, "favor", on=(_today() - timedelta(days=7)).isoformat())
    ledger.record_receive(owner, uow, ann.id, "favor")
    ledger.record_give(teammate, uow, ann.id, "favor", visibility="workspace")
    made = _favor(owner, uow, ann.id)
    asks.mark_asked(owner, uow, made.id)
    old = _favor(owner, uow, ann.id)
    asks.mark_asked(owner, uow, old.id)
    _asked_days_ago(uow, old.id, 9)
    _favor(owner, uow, ann.id)  # a draft: not asked yet

    week = agenda.today_agenda(owner, uow).week
    assert (week.since, week.gives, week.asks) == (_today() - timedelta(days=6), 2, 1)
    theirs = agenda.today_agenda(teammate, uow).week
    assert (theirs.gives, theirs.asks) == (1, 0)


# ------------------------------------------------------------------------- tiers


def test_tier_names_and_letter_aliases_set_the_same_cadences(owner, uow):
    made = {
        word: make_contact(owner, uow, tier=word)
        for word in ("inner", "network", "wider", "A", "b", "C")
    }
    assert {w: (c.tier, c.cadence_days) for w, c in made.items()} == {
        "inner": ("inner", 30),
        "network": ("network", 90),
        "wider": ("wider", 365),
        "A": ("inner", 30),
        "b": ("network", 90),
        "C": ("wider", 365),
    }
    inner = {s.id for s in contacts.list_contacts(owner, uow, tier="inner")}
    assert inner == {made["inner"].id, made["A"].id}
    assert {s.id for s in contacts.list_contacts(owner, uow, tier="a")} == inner
    cleared = contacts.edit_contact(owner, uow, made["wider"].id, ContactChanges(tier="-"))
    assert (cleared.tier, cleared.cadence_days) == (None, None)


def test_agenda_shows_tier_names(owner, uow):
    person = make_contact(owner, uow, tier="B")
    make_interaction(owner, uow, person.id, when="-100d")
    [item] = _lapsed(owner, uow)
    assert (item.tier, item.cadence_days, item.days_overdue) == ("network", 90, 10)


def test_wider_contact_with_the_old_180_day_default_follows_a_new_tier(owner, uow):
    old = make_contact(owner, uow, tier="wider")
    chosen = make_contact(owner, uow, tier="wider", cadence="200d")
    with uow.write() as session:  # as an earlier version stored it
        record = session.get(Contact, old.id)
        assert record is not None
        record.cadence_days = 180
    moved = contacts.edit_contact(owner, uow, old.id, ContactChanges(tier="inner"))
    kept = contacts.edit_contact(owner, uow, chosen.id, ContactChanges(tier="inner"))
    assert (moved.cadence_days, kept.cadence_days) == (30, 200)


# -------------------------------------------------------------------- readiness


def test_readiness_warns_on_a_weak_tie_with_the_score(owner, uow):
    stranger = make_contact(owner, uow, name="Stan Stranger")
    # One mass email 75 days ago: recent enough, balanced, but hardly a relationship.
    make_interaction(owner, uow, stranger.id, channel="email", when="-75d", recipients=40)
    seen = asks.ask_readiness(owner, uow, stranger.id)
    assert 0 < seen.strength < LOW_STRENGTH_THRESHOLD
    [weak] = seen.warnings
    assert weak.code == "weak_relationship"
    assert f"{seen.strength:.0f}/100" in weak.message

    friend = make_contact(owner, uow, name="Fay Friend")
    _close_tie(owner, uow, friend.id, 3)
    ledger.record_give(owner, uow, friend.id, "advice")
    close = asks.ask_readiness(owner, uow, friend.id)
    assert close.strength >= LOW_STRENGTH_THRESHOLD
    assert close.warnings == []


# ---------------------------------------------------------- every section, and ICS


def _agenda_with_every_section(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer", tier="inner")
    make_interaction(owner, uow, ann.id, channel="coffee", summary="her new job", when="-45d")
    task = make_task(owner, uow, title="Send Ann the deck", due="today", contact=ann.id)
    late = make_task(owner, uow, title="Thank Bo", due="-2d")
    planned = asks.create_ask(
        owner, uow, ann.id, "favor", "an intro to Dana", "you know her", steps=[("call", "today")]
    ).ask
    waiting = _favor(owner, uow, ann.id)
    asks.mark_asked(owner, uow, waiting.id)
    _asked_days_ago(uow, waiting.id, 10)
    return ann, task, late, planned, waiting


def test_today_agenda_has_every_section(owner, uow):
    ann, task, late, planned, waiting = _agenda_with_every_section(owner, uow)
    day = agenda.today_agenda(owner, uow)
    assert [t.id for t in day.due_today] == [task.id]
    assert [t.id for t in day.overdue_tasks] == [late.id]
    assert [t.id for t in day.ask_steps] == [planned.steps[0].task_id]
    assert [w.ask_id for w in day.asks_waiting] == [waiting.id]
    assert [c.contact.id for c in day.lapsed] == [ann.id]
    assert any("her new job" in r for r in day.lapsed[0].reasons)
    assert (day.week.gives, day.week.asks) == (0, 0)  # asked 10 days ago: last week


def test_agenda_calendar_has_tasks_touches_and_follow_ups_with_stable_uids(owner, uow):
    ann, task, late, planned, waiting = _agenda_with_every_section(owner, uow)
    first, second = io.BytesIO(), io.BytesIO()
    count = exporting.export_agenda(owner, uow, first)
    exporting.export_agenda(owner, uow, second)
    assert first.getvalue() == second.getvalue()  # same agenda, same bytes

    calendar = icalendar.Calendar.from_ical(first.getvalue())
    todos = {str(t["uid"]): t for t in calendar.walk("VTODO")}
    step = planned.steps[0].task_id
    assert set(todos) == {
        f"task-{task.id}@goodwill.local",
        f"task-{late.id}@goodwill.local",
        f"task-{step}@goodwill.local",
        f"touch-{ann.id}@goodwill.local",
        f"ask-followup-{waiting.id}@goodwill.local",
    }
    assert count == 5
    touch = todos[f"touch-{ann.id}@goodwill.local"]
    assert str(touch["summary"]) == "Get in touch with Ann Archer"
    assert "her new job" in str(touch["description"])
    assert touch["due"].dt == _today()
    follow_up = todos[f"ask-followup-{waiting.id}@goodwill.local"]
    assert "review my deck" in str(follow_up["summary"])
    assert "With: Ann Archer" in str(follow_up["description"])
