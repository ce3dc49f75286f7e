"""Double-opt-in introductions: the user introduces a requester to a target they know,
after asking the target. Every move is one transaction and one IntroductionEvent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from goodwill.domain import intros as rules
from goodwill.domain.dates import local_date_of, local_midnight_utc
from goodwill.domain.intros import IntroAction, IntroStatus
from goodwill.domain.ledger import Direction, LedgerKind, parse_weight
from goodwill.domain.people import Visibility
from goodwill.domain.text import SHORT_MAX, SUMMARY_MAX, clean_text
from goodwill.errors import PermissionDenied, ValidationFailed
from goodwill.services import _common as common
from goodwill.services import _paging as paging
from goodwill.services import ledger
from goodwill.services._visibility import get_visible, visible
from goodwill.services.actor import Actor, utcnow
from goodwill.services.templates import template_body
from goodwill.services.views import Ref
from goodwill.storage.schema import Contact, Introduction, IntroductionEvent, NeedOffer, Task, User
from goodwill.storage.unit_of_work import UnitOfWork

FOLLOW_UP_DAYS = 14


@dataclass(frozen=True)
class IntroEventView:
    from_status: str | None
    to_status: str
    note: str | None
    at: datetime


@dataclass(frozen=True)
class IntroductionView:
    id: int
    status: str
    source: str
    requester: Ref
    target: Ref
    goal: str | None
    why_target: str | None
    blurb: str | None
    outcome: str | None
    outcome_note: str | None
    need_id: int | None
    offer_id: int | None
    consent_at: datetime | None
    made_at: datetime | None
    ledger_entry_id: int | None
    follow_up_task_id: int | None
    created_at: datetime
    visibility: str
    owner_id: int
    allowed: list[str]  # the next moves (domain.intros.IntroAction values)
    events: list[IntroEventView]


@dataclass(frozen=True)
class IntroMove:
    """An introduction after a move, and the message to send (if the move makes one)."""

    introduction: IntroductionView
    template: str | None  # the template the message was written with
    message: str | None


def request_introduction(
    actor: Actor,
    uow: UnitOfWork,
    requester: str,
    target: str,
    *,
    goal: str,
    why_target: str | None = None,
    blurb: str | None = None,
    source: str = "inbound",
    need_id: int | None = None,
    offer_id: int | None = None,
    visibility: str | None = None,
) -> IntroductionView:
    """A requester asks the user to meet a target; the request must carry the why.

    Private when either person is (unless `visibility` says otherwise); `need_id` and
    `offer_id` link the need and offer a suggested introduction came from.
    """
    with uow.write() as session:
        intro = new_introduction(
            session, actor, requester, target, goal=goal, why_target=why_target, blurb=blurb,
            source=source, need_id=need_id, offer_id=offer_id, visibility=visibility,
        )  # fmt: skip
        return _views(session, actor, [intro])[0]


def new_introduction(
    session: Session,
    actor: Actor,
    requester: str,
    target: str,
    *,
    goal: str,
    why_target: str | None = None,
    blurb: str | None = None,
    source: str = "inbound",
    need_id: int | None = None,
    offer_id: int | None = None,
    visibility: str | None = None,
) -> Introduction:
    """`request_introduction` inside a caller's transaction (a suggestion acted on
    writes the introduction and its dismissal together)."""
    homework = rules.check_request(goal, why_target, blurb)
    origin = rules.parse_source(source)
    asker = common.resolve_contact(session, actor, requester)
    other = common.resolve_contact(session, actor, target)
    rules.check_parties(asker.id, other.id)
    for record_id, kind in ((need_id, "need"), (offer_id, "offer")):
        if record_id is not None:
            _need_or_offer(session, actor, record_id, kind)
    private = Visibility.PRIVATE.value
    default = private if private in (asker.visibility, other.visibility) else None
    now = utcnow()
    intro = Introduction(
        workspace_id=actor.workspace_id,
        owner_id=actor.user_id,
        visibility=common.choose_visibility(session, actor, visibility or default),
        requester_id=asker.id,
        target_id=other.id,
        status=IntroStatus.REQUESTED.value,
        source=origin.value,
        goal=homework.goal,
        why_target=homework.why_target,
        blurb=homework.blurb,
        need_id=need_id,
        offer_id=offer_id,
        created_at=now,
        updated_at=now,
    )
    session.add(intro)
    session.flush()
    _log(session, intro, None, f"requested ({origin.value})")
    return intro


def triage_introduction(
    actor: Actor,
    uow: UnitOfWork,
    intro_id: int,
    decision: str,
    *,
    why_target: str | None = None,
    blurb: str | None = None,
    note: str | None = None,
) -> IntroMove:
    """Accept (ask the target: returns the opt-in message), decline, or tell-me-why
    (returns the reply asking the requester the homework questions)."""
    action = rules.parse_decision(decision)
    answers = rules.clean_homework(None, why_target, blurb)
    text = _note(note)
    with uow.write() as session:
        intro = _own_intro(session, actor, intro_id)
        new = rules.move(intro.status, action)
        if action is IntroAction.ASK_TARGET:
            intro.why_target = answers.why_target or intro.why_target
            intro.blurb = answers.blurb or intro.blurb
            rules.check_ready_for_target(_homework(intro))
        _advance(session, intro, new, text)
        if action is IntroAction.DECLINE:
            return IntroMove(_views(session, actor, [intro])[0], None, None)
        name = rules.OPTIN if action is IntroAction.ASK_TARGET else rules.NEEDS_INFO_MESSAGE
        return _message(session, actor, intro, name)


def answer_homework(
    actor: Actor,
    uow: UnitOfWork,
    intro_id: int,
    *,
    goal: str | None = None,
    why_target: str | None = None,
    blurb: str | None = None,
) -> IntroductionView:
    """The requester answered the homework questions: the request is back to triage."""
    answers = rules.clean_homework(goal, why_target, blurb)
    if answers == rules.Homework(None, None, None):
        raise ValidationFailed("goal", "give at least one answer: goal, why_target or blurb")
    with uow.write() as session:
        intro = _own_intro(session, actor, intro_id)
        new = rules.move(intro.status, IntroAction.ANSWER)
        intro.goal = answers.goal or intro.goal
        intro.why_target = answers.why_target or intro.why_target
        intro.blurb = answers.blurb or intro.blurb
        given = [n for n in rules.QUESTIONS if getattr(answers, n) is not None]
        _advance(session, intro, new, "answered: " + ", ".join(given))
        return _views(session, actor, [intro])[0]


def record_consent(
    actor: Actor, uow: UnitOfWork, intro_id: int, *, agreed: bool, by: int | str
) -> IntroductionView:
    """The target's answer to the opt-in; `by` (a contact) must be the target."""
    with uow.write() as session:
        intro = _own_intro(session, actor, intro_id)
        action = IntroAction.TARGET_AGREES if agreed else IntroAction.TARGET_DECLINES
        new = rules.move(intro.status, action)
        person = common.resolve_contact(session, actor, by)
        target = session.get_one(Contact, intro.target_id)
        rules.check_consent(person.id, target.id, common.contact_ref(target, actor).label)
        if agreed:
            intro.consent_at = utcnow()
        _advance(session, intro, new, None)
        return _views(session, actor, [intro])[0]


def make_introduction(
    actor: Actor, uow: UnitOfWork, intro_id: int, *, weight: int | str = 1
) -> IntroMove:
    """Introduce them (the target agreed): one ledger entry (gave an introduction to the
    requester, related to the target) and a follow-up task in two weeks on the requester.
    Returns the introduction message to both."""
    amount = parse_weight(weight)
    with uow.write() as session:
        intro = _own_intro(session, actor, intro_id)
        new = rules.move(intro.status, IntroAction.MAKE)
        requester = session.get_one(Contact, intro.requester_id)
        target = session.get_one(Contact, intro.target_id)
        now = utcnow()
        today = local_date_of(now, actor.tz)
        # The entry and the task name both people: private when either of them is.
        private = Visibility.PRIVATE.value
        hidden = private in (requester.visibility, target.visibility)
        scope = private if hidden else intro.visibility
        entry = ledger.new_entry(
            session,
            actor,
            direction=Direction.GAVE,
            kind=LedgerKind.INTRODUCTION.value,
            counterpart=requester,
            related_id=target.id,
            weight=amount,
            day=today,
            note=f"introduction #{intro.id} to {target.display_name}"[:SHORT_MAX],
            visibility=scope,
        )
        task = Task(
            workspace_id=intro.workspace_id,
            owner_id=intro.owner_id,
            visibility=scope,
            title=f"Ask {requester.display_name} how the intro to {target.display_name} went"[
                :SHORT_MAX
            ],
            due_at=local_midnight_utc(today + timedelta(days=FOLLOW_UP_DAYS), actor.tz),
            all_day=True,
            contact_id=requester.id,
            created_at=now,
            updated_at=now,
        )
        session.add(task)
        session.flush()
        intro.ledger_entry_id, intro.follow_up_task_id, intro.made_at = entry.id, task.id, now
        _advance(session, intro, new, f"ledger entry #{entry.id}, follow-up task #{task.id}")
        return _message(session, actor, intro, rules.MADE_MESSAGE)


def record_intro_outcome(
    actor: Actor, uow: UnitOfWork, intro_id: int, outcome: str, note: str | None = None
) -> IntroductionView:
    """How a made introduction went (met, business, no-follow-up); it closes it, and
    completes the follow-up task if it is still open."""
    result = rules.parse_outcome(outcome)
    text = _note(note)
    with uow.write() as session:
        intro = _own_intro(session, actor, intro_id)
        new = rules.move(intro.status, IntroAction.RECORD_OUTCOME)
        intro.outcome, intro.outcome_note = result.value, text
        if intro.follow_up_task_id is not None:
            task = session.get(Task, intro.follow_up_task_id)
            if task is not None and task.done_at is None and task.deleted_at is None:
                task.done_at = task.updated_at = utcnow()
        _advance(session, intro, new, f"{result.value}: {text}" if text else result.value)
        return _views(session, actor, [intro])[0]


SORTS = paging.Sorts(
    paging.one_key("-created_at", Introduction.id, Introduction.created_at, "datetime"),
    paging.one_key("created_at", Introduction.id, Introduction.created_at, "datetime"),
)


def list_introductions(
    actor: Actor,
    uow: UnitOfWork,
    *,
    status: str | None = None,
    open_only: bool = False,
    limit: int = 100,
) -> list[IntroductionView]:
    return introductions_page(actor, uow, status=status, open_only=open_only, limit=limit).items


def introductions_page(
    actor: Actor,
    uow: UnitOfWork,
    *,
    status: str | None = None,
    open_only: bool = False,
    sort: str | None = None,
    after: Sequence[Any] | None = None,
    limit: int = 100,
) -> paging.Page[IntroductionView]:
    """The introductions the actor may see, newest first (`open_only`: not finished)."""
    wanted = rules.parse_status(status) if status is not None else None
    order = SORTS.choose(sort)
    person = aliased(Contact)
    with uow.read() as session:
        stmt = select(Introduction).where(
            visible(Introduction, actor),
            # An introduction of someone in the trash waits there with them.
            ~exists().where(
                person.id.in_([Introduction.requester_id, Introduction.target_id]),
                person.deleted_at.is_not(None),
            ),
        )
        if wanted is not None:
            stmt = stmt.where(Introduction.status == wanted.value)
        if open_only:
            stmt = stmt.where(Introduction.status.in_([s.value for s in rules.OPEN_STATUSES]))
        rows = session.scalars(paging.seek(stmt, order, after, limit)).all()
        found, next_key = paging.cut(rows, order, limit)
        return paging.page_of(_views(session, actor, found), order, next_key)


def show_introduction(actor: Actor, uow: UnitOfWork, intro_id: int) -> IntroductionView:
    """An introduction with its events, oldest first, and the moves allowed next."""
    with uow.read() as session:
        intro = get_visible(session, Introduction, intro_id, actor, "introduction")
        return _views(session, actor, [intro])[0]


def _own_intro(session: Session, actor: Actor, intro_id: int) -> Introduction:
    intro = get_visible(session, Introduction, intro_id, actor, "introduction")
    if intro.owner_id != actor.user_id:
        raise PermissionDenied("only the owner of this introduction may change it")
    return intro


def _need_or_offer(session: Session, actor: Actor, record_id: int, kind: str) -> NeedOffer:
    record = get_visible(session, NeedOffer, record_id, actor, kind)
    if record.kind != kind:
        raise ValidationFailed(f"{kind}_id", f"#{record_id} is an {record.kind}, not a {kind}")
    return record


def _note(note: str | None) -> str | None:
    return clean_text(note, "note", max_len=SUMMARY_MAX, multiline=True)


def _homework(intro: Introduction) -> rules.Homework:
    return rules.Homework(intro.goal, intro.why_target, intro.blurb)


def _advance(session: Session, intro: Introduction, new: IntroStatus, note: str | None) -> None:
    old = intro.status
    intro.status = new.value
    intro.updated_at = utcnow()
    _log(session, intro, old, note)


def _log(session: Session, intro: Introduction, old: str | None, note: str | None) -> None:
    session.add(
        IntroductionEvent(
            introduction_id=intro.id,
            from_status=old,
            to_status=intro.status,
            note=note,
            at=utcnow(),
        )
    )
    session.flush()


def _message(session: Session, actor: Actor, intro: Introduction, name: str) -> IntroMove:
    me = session.get_one(User, actor.user_id)
    people = {
        c.id: c
        for c in session.scalars(
            select(Contact).where(Contact.id.in_([intro.requester_id, intro.target_id]))
        )
    }
    values = rules.MessageValues(
        requester=common.contact_ref(people.get(intro.requester_id), actor).label,
        target=common.contact_ref(people.get(intro.target_id), actor).label,
        goal=intro.goal,
        why_target=intro.why_target,
        blurb=intro.blurb,
        me=me.name or me.email,
    )
    text = rules.render_message(template_body(session, actor, name), values)
    return IntroMove(_views(session, actor, [intro])[0], name, text)


def _views(session: Session, actor: Actor, intros: list[Introduction]) -> list[IntroductionView]:
    ids = [i.id for i in intros]
    events: dict[int, list[IntroEventView]] = {i: [] for i in ids}
    if ids:
        for event in session.scalars(
            select(IntroductionEvent)
            .where(IntroductionEvent.introduction_id.in_(ids))
            .order_by(IntroductionEvent.introduction_id, IntroductionEvent.id)
        ):
            events[event.introduction_id].append(
                IntroEventView(event.from_status, event.to_status, event.note, event.at)
            )
    people = common.contacts_by_id(
        session, {i.requester_id for i in intros} | {i.target_id for i in intros}
    )
    return [
        IntroductionView(
            id=i.id,
            status=i.status,
            source=i.source,
            requester=common.contact_ref(people.get(i.requester_id), actor),
            target=common.contact_ref(people.get(i.target_id), actor),
            goal=i.goal,
            why_target=i.why_target,
            blurb=i.blurb,
            outcome=i.outcome,
            outcome_note=i.outcome_note,
            need_id=i.need_id,
            offer_id=i.offer_id,
            consent_at=i.consent_at,
            made_at=i.made_at,
            ledger_entry_id=i.ledger_entry_id,
            follow_up_task_id=i.follow_up_task_id,
            created_at=i.created_at,
            visibility=i.visibility,
            owner_id=i.owner_id,
            allowed=[a.value for a in rules.allowed_actions(i.status)],
            events=events[i.id],
        )
        for i in intros
    ]
