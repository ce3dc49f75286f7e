"""An ask's plan on both databases: steps are tasks, `today` shows steps due and asks
waiting on an answer, and a trashed or answered ask leaves the agenda."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from goodwill.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from goodwill.services import agenda, asks, ledger, tasks, trash
from goodwill.services.views import Ref
from goodwill.storage.schema import Ask
from tests.factories import make_contact, make_task


def _today() -> date:
    return datetime.now(UTC).date()  # the fixtures' users live in UTC


def _favor(actor, uow, contact, **extra):
    return asks.create_ask(
        actor, uow, contact, "favor", "review my deck", "you raised twice", **extra
    ).ask


def _asked_days_ago(uow, ask_id: int, days: int) -> None:
    with uow.write() as session:
        record = session.get(Ask, ask_id)
        assert record is not None
        record.asked_at = datetime.combine(_today() - timedelta(days=days), time(12), tzinfo=UTC)


def _ids(views):
    return [v.id for v in views]


def test_create_ask_with_steps_is_planned_and_the_steps_are_tasks(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    view = _favor(
        owner,
        uow,
        ann.id,
        steps=[("handwritten note", "2030-06-03"), ("call at the agreed time", "2030-06-06 15:00")],
    )
    assert view.status == "planned"
    assert [(s.order, s.channel, s.title, s.due_local, s.done) for s in view.steps] == [
        (1, "handwritten note", "Ask Ann: handwritten note", "2030-06-03", False),
        (
            2,
            "call at the agreed time",
            "Ask Ann: call at the agreed time",
            "2030-06-06 15:00",
            False,
        ),
    ]
    listed = tasks.list_tasks(owner, uow)
    assert [t.id for t in listed] == [s.task_id for s in view.steps]
    assert listed[0].contact == Ref(ann.id, "Ann Archer")
    assert [t.id for t in tasks.list_tasks(owner, uow, contact="ann")] == [
        s.task_id for s in view.steps
    ]
    assert listed[0].visibility == view.visibility == "private"


def test_completing_a_step_task_marks_the_step_done(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    view = _favor(owner, uow, "ann", steps=[("note", "tomorrow"), ("call", "+3d")])
    tasks.complete_task(owner, uow, view.steps[0].task_id)
    assert [s.done for s in asks.show_ask(owner, uow, view.id).steps] == [True, False]
    assert [t.id for t in tasks.list_tasks(owner, uow)] == [view.steps[1].task_id]


def test_complete_ask_step_marks_one_step_of_that_ask_done(owner, teammate, uow):
    make_contact(owner, uow, name="Ann Archer", visibility="workspace")
    view = _favor(owner, uow, "ann", steps=[("note", "tomorrow"), ("call", "+3d")],
                  visibility="workspace")  # fmt: skip
    other = _favor(owner, uow, "ann", steps=[("email", "+1d")])
    done = asks.complete_ask_step(owner, uow, view.id, view.steps[0].task_id)
    assert [s.done for s in done.steps] == [True, False]
    again = asks.complete_ask_step(owner, uow, view.id, view.steps[0].task_id)
    assert [s.done for s in again.steps] == [True, False]  # done stays done
    with pytest.raises(NotFound, match="no step"):  # another ask's step
        asks.complete_ask_step(owner, uow, view.id, other.steps[0].task_id)
    with pytest.raises(PermissionDenied):  # a shared ask is its owner's to change
        asks.complete_ask_step(teammate, uow, view.id, view.steps[1].task_id)
    tasks.delete_task(owner, uow, view.steps[1].task_id)
    with pytest.raises(NotFound):  # a step in the trash
        asks.complete_ask_step(owner, uow, view.id, view.steps[1].task_id)
    assert [t.id for t in tasks.list_tasks(owner, uow)] == [other.steps[0].task_id]


def test_create_ask_with_a_bad_step_date_writes_nothing(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    with pytest.raises(ValidationFailed) as caught:
        _favor(owner, uow, "ann", steps=[("note", "tomorrow"), ("call", "next blue moon")])
    assert caught.value.field == "step"
    assert asks.list_asks(owner, uow) == [] and tasks.list_tasks(owner, uow) == []


def test_add_ask_step_makes_a_draft_planned_and_numbers_steps(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    made = _favor(owner, uow, "ann")
    first = asks.add_ask_step(owner, uow, made.id, "coffee", "+2d")
    assert first.status == "planned"
    second = asks.add_ask_step(owner, uow, made.id, " email ", "+4d")
    assert [(s.order, s.channel) for s in second.steps] == [(1, "coffee"), (2, "email")]
    tasks.delete_task(owner, uow, second.steps[1].task_id)
    third = asks.add_ask_step(owner, uow, made.id, "call", "+5d")
    assert [(s.order, s.channel) for s in third.steps] == [(1, "coffee"), (3, "call")]


def test_add_ask_step_after_asking_keeps_the_ask_asked(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    made = _favor(owner, uow, "ann")
    asks.mark_asked(owner, uow, made.id)
    assert asks.add_ask_step(owner, uow, made.id, "follow up", "+7d").status == "asked"


def test_add_ask_step_to_a_closed_ask_is_a_conflict(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    made = _favor(owner, uow, "ann")
    asks.close_ask(owner, uow, made.id, "withdrawn")
    with pytest.raises(Conflict, match="withdrawn"):
        asks.add_ask_step(owner, uow, made.id, "call", "tomorrow")
    assert tasks.list_tasks(owner, uow) == []


@pytest.mark.parametrize(
    ("channel", "when", "field"), [("", "tomorrow", "channel"), ("call", "soon", "when")]
)
def test_add_ask_step_bad_input_is_refused(owner, uow, channel, when, field):
    make_contact(owner, uow, name="Ann Archer")
    made = _favor(owner, uow, "ann")
    with pytest.raises(ValidationFailed) as caught:
        asks.add_ask_step(owner, uow, made.id, channel, when)
    assert caught.value.field == field
    assert asks.show_ask(owner, uow, made.id).status == "draft"


def test_today_agenda_lists_ask_steps_due_apart_from_other_tasks(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    plain_today = make_task(owner, uow, due="today")
    plain_late = make_task(owner, uow, due="-3d")
    view = _favor(owner, uow, "ann", steps=[("note", "-2d"), ("call", "today"), ("lunch", "+2d")])
    day = agenda.today_agenda(owner, uow)
    assert _ids(day.ask_steps) == [view.steps[0].task_id, view.steps[1].task_id]
    assert _ids(day.overdue_tasks) == [plain_late.id]
    assert _ids(day.due_today) == [plain_today.id]
    assert day.ask_steps[1].title == "Ask Ann: call"


def test_today_agenda_drops_steps_of_an_answered_ask(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    view = _favor(owner, uow, "ann", steps=[("call", "today")])
    asks.mark_asked(owner, uow, view.id)
    assert _ids(agenda.today_agenda(owner, uow).ask_steps) == [view.steps[0].task_id]
    asks.close_ask(owner, uow, view.id, "granted")
    day = agenda.today_agenda(owner, uow)
    assert (day.ask_steps, day.due_today, day.overdue_tasks) == ([], [], [])


def test_delete_ask_moves_it_and_its_plan_out_of_sight_until_restored(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    view = _favor(owner, uow, "ann", steps=[("call", "today")])
    ref = asks.delete_ask(owner, uow, view.id)
    assert ref == Ref(view.id, "favor: review my deck")
    assert asks.list_asks(owner, uow) == []
    with pytest.raises(NotFound, match=f"no ask #{view.id}"):
        asks.show_ask(owner, uow, view.id)
    assert agenda.today_agenda(owner, uow).ask_steps == []
    [item] = trash.list_trash(owner, uow)
    assert (item.kind, item.id, item.label) == ("ask", view.id, "favor: review my deck")

    trash.restore_from_trash(owner, uow, "ask", view.id)
    assert asks.show_ask(owner, uow, view.id) == view
    assert _ids(agenda.today_agenda(owner, uow).ask_steps) == [view.steps[0].task_id]


def test_purging_a_trashed_ask_removes_its_plan_steps(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    view = _favor(owner, uow, "ann", steps=[("call", "today"), ("note", "+1d")])
    asks.delete_ask(owner, uow, view.id)
    assert trash.purge_trash(owner, uow, everything=True) == 1
    assert tasks.list_tasks(owner, uow, include_done=True) == []
    with pytest.raises(NotFound):
        trash.restore_from_trash(owner, uow, "ask", view.id)


def test_purging_an_ask_keeps_its_ledger_entry_unlinked(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    view = _favor(owner, uow, "ann")
    asks.mark_asked(owner, uow, view.id)
    [entry] = asks.close_ask(owner, uow, view.id, "granted", record=True).ledger_entries
    asks.delete_ask(owner, uow, view.id)
    trash.purge_trash(owner, uow, everything=True)
    [kept] = ledger.list_ledger(owner, uow)
    assert (kept.id, kept.ask_id) == (entry.id, None)


def test_today_agenda_asks_waiting_more_than_seven_days_oldest_first(owner, teammate, uow):
    ann = make_contact(owner, uow, name="Ann Archer", visibility="workspace")
    week, eight, month, answered = (_favor(owner, uow, ann.id) for _ in range(4))
    for made, days in ((week, 7), (eight, 8), (month, 30), (answered, 20)):
        asks.mark_asked(owner, uow, made.id)
        _asked_days_ago(uow, made.id, days)
    asks.close_ask(owner, uow, answered.id, "declined")
    theirs = _favor(teammate, uow, ann.id)
    asks.mark_asked(teammate, uow, theirs.id)
    _asked_days_ago(uow, theirs.id, 10)

    waiting = agenda.today_agenda(owner, uow).asks_waiting
    assert [(w.ask_id, w.days_waiting) for w in waiting] == [(month.id, 30), (eight.id, 8)]
    assert (waiting[1].contact, waiting[1].kind, waiting[1].what) == (
        Ref(ann.id, "Ann Archer"),
        "favor",
        "review my deck",
    )
    assert [w.ask_id for w in agenda.today_agenda(teammate, uow).asks_waiting] == [theirs.id]

    asks.delete_ask(owner, uow, month.id)
    assert [w.ask_id for w in agenda.today_agenda(owner, uow).asks_waiting] == [eight.id]


def test_today_agenda_just_asked_is_not_waiting(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    made = _favor(owner, uow, "ann")
    asks.mark_asked(owner, uow, made.id)
    assert agenda.today_agenda(owner, uow).asks_waiting == []


def test_steps_of_a_trashed_ask_leave_the_task_list_until_restored(owner, uow):
    person = make_contact(owner, uow, name="Step Person")
    created = asks.create_ask(
        owner, uow, person.id, "advice", "Pricing advice", "They priced well",
        steps=[("call", "tomorrow")],
    )  # fmt: skip
    ask_id = created.ask.id
    assert len(tasks.list_tasks(owner, uow)) == 1
    asks.delete_ask(owner, uow, ask_id)
    assert tasks.list_tasks(owner, uow) == []
    trash.restore_from_trash(owner, uow, "ask", ask_id)
    assert len(tasks.list_tasks(owner, uow)) == 1
