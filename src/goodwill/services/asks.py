"""Asks: what the user asks of a contact, with homework, a plan of steps, and an outcome."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from goodwill.domain import asks as rules
from goodwill.domain.asks import AskStatus, ReadinessWarning
from goodwill.domain.dates import Moment, local_date_of, parse_moment
from goodwill.domain.ledger import Direction, parse_weight
from goodwill.domain.people import Visibility
from goodwill.domain.text import SHORT_MAX, SUMMARY_MAX, clean_text
from goodwill.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from goodwill.services import _common as common
from goodwill.services import _paging as paging
from goodwill.services import ledger
from goodwill.services._strength import score_contacts
from goodwill.services._visibility import get_visible, require_owner, visible
from goodwill.services.actor import Actor, utcnow
from goodwill.services.ledger import LedgerEntryView
from goodwill.services.views import Ref
from goodwill.storage.schema import Ask, Contact, LedgerEntry, Task
from goodwill.storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class AskStepView:
    """One step of an ask's plan: a task with its order and channel."""

    task_id: int
    order: int
    channel: str | None
    title: str
    due_local: str | None
    done: bool


@dataclass(frozen=True)
class AskView:
    id: int
    kind: str
    status: str
    contact: Ref
    target: Ref | None  # a contact the ask is about (e.g. whom to be introduced to)
    target_description: str | None  # or, for someone not in the network, who
    what: str
    why_them: str
    why_target_cares: str | None
    blurb: str | None
    outcome: str | None
    created_at: datetime
    asked_at: datetime | None
    closed_at: datetime | None
    visibility: str
    owner_id: int
    steps: list[AskStepView]
    ledger_entries: list[LedgerEntryView]


@dataclass(frozen=True)
class ReadinessView:
    """Whether now is a good time to ask this person, and why not."""

    contact: Ref
    balance: int
    last_touch: datetime | None
    strength: float  # 0–100, as the actor sees the relationship (domain.strength)
    warnings: list[ReadinessWarning]


@dataclass(frozen=True)
class CreatedAsk:
    ask: AskView
    warnings: list[ReadinessWarning]


def create_ask(
    actor: Actor,
    uow: UnitOfWork,
    contact: int | str,
    kind: str,
    what: str | None,
    why_them: str | None,
    why_target_cares: str | None = None,
    blurb: str | None = None,
    *,
    target: int | str | None = None,
    steps: Sequence[tuple[str, datetime | str]] = (),
    visibility: str | None = None,
) -> CreatedAsk:
    """An ask with its homework (and plan, if steps are given), plus readiness warnings.

    `target` is a contact (id, email or name) or, when it matches none, a description
    of someone outside the network.
    """
    homework = rules.check_homework(kind, what, why_them, why_target_cares, blurb)
    plan = [(rules.clean_channel(ch, "step"), _moment(when, "step", actor)) for ch, when in steps]
    with uow.write() as session:
        person = common.resolve_contact(session, actor, contact)
        _refuse_self(person, actor, "contact")
        target_contact, description = _target(session, actor, target)
        if target_contact is not None:
            if target_contact.id == person.id:
                raise ValidationFailed("target", "must be someone other than the person asked")
            _refuse_self(target_contact, actor, "target")
        default = Visibility.PRIVATE.value if person.visibility == Visibility.PRIVATE else None
        now = utcnow()
        ask = Ask(
            workspace_id=actor.workspace_id,
            owner_id=actor.user_id,
            visibility=common.choose_visibility(session, actor, visibility or default),
            contact_id=person.id,
            kind=homework.kind.value,
            what=homework.what,
            why_them=homework.why_them,
            why_target_cares=homework.why_target_cares,
            blurb=homework.blurb,
            target_contact_id=target_contact.id if target_contact else None,
            target_description=description,
            status=(AskStatus.PLANNED if plan else AskStatus.DRAFT).value,
            created_at=now,
            updated_at=now,
        )
        session.add(ask)
        session.flush()
        for order, (channel, moment) in enumerate(plan, start=1):
            _add_step(session, ask, person, order, channel, moment)
        readiness = _readiness(session, actor, person)
        return CreatedAsk(_views(session, actor, [ask])[0], readiness.warnings)


def ask_readiness(actor: Actor, uow: UnitOfWork, contact: int | str) -> ReadinessView:
    """The balance with a contact (the actor's own ledger) and their last visible touch,
    with a warning for each reason to give or reconnect before asking."""
    with uow.read() as session:
        person = common.resolve_contact(session, actor, contact)
        _refuse_self(person, actor, "contact")
        return _readiness(session, actor, person)


def add_ask_step(
    actor: Actor, uow: UnitOfWork, ask_id: int, channel: str, when: datetime | str
) -> AskView:
    """Add a step to an open ask's plan (a task); the first step makes a draft planned."""
    name = rules.clean_channel(channel)
    moment = _moment(when, "when", actor)
    with uow.write() as session:
        ask = _own_ask(session, actor, ask_id)
        if AskStatus(ask.status) not in rules.OPEN_STATUSES:
            raise Conflict(f"ask #{ask.id} is {ask.status}: its plan is closed")
        if ask.status == AskStatus.DRAFT:
            ask.status = rules.transition(ask.status, AskStatus.PLANNED).value
        last = session.scalar(select(func.max(Task.step_order)).where(Task.ask_id == ask.id))
        person = session.get_one(Contact, ask.contact_id)
        _add_step(session, ask, person, (last or 0) + 1, name, moment)
        ask.updated_at = utcnow()
        return _views(session, actor, [ask])[0]


def complete_ask_step(actor: Actor, uow: UnitOfWork, ask_id: int, task_id: int) -> AskView:
    """Mark one step of the actor's own ask done (its task leaves the agenda); a step
    already done stays as it was. A task that is not a step of this ask is not found."""
    with uow.write() as session:
        ask = _own_ask(session, actor, ask_id)
        step = session.scalars(
            select(Task).where(Task.id == task_id, Task.ask_id == ask.id, Task.deleted_at.is_(None))
        ).first()
        if step is None:
            raise NotFound(f"no step #{task_id} in ask #{ask.id}")
        if step.done_at is None:
            step.done_at = step.updated_at = utcnow()
        return _views(session, actor, [ask])[0]


def mark_asked(actor: Actor, uow: UnitOfWork, ask_id: int) -> AskView:
    """The ask has been made: now waiting on an answer."""
    with uow.write() as session:
        ask = _own_ask(session, actor, ask_id)
        ask.status = rules.transition(ask.status, AskStatus.ASKED).value
        ask.asked_at = ask.updated_at = utcnow()
        return _views(session, actor, [ask])[0]


def close_ask(
    actor: Actor,
    uow: UnitOfWork,
    ask_id: int,
    outcome: str,
    note: str | None = None,
    record: bool = False,
    weight: int | str = 1,
) -> AskView:
    """Granted, declined or withdrawn; a grant with `record` also records the matching
    "received" ledger entry, linked to the ask, in the same transaction."""
    status = rules.parse_outcome(outcome)
    if record and status is not AskStatus.GRANTED:
        raise ValidationFailed("record", "only a granted ask is recorded in the ledger")
    amount = parse_weight(weight) if record else 0
    text = clean_text(note, "note", max_len=SUMMARY_MAX, multiline=True)
    with uow.write() as session:
        ask = _own_ask(session, actor, ask_id)
        ask.status = rules.transition(ask.status, status).value
        ask.outcome = text
        ask.closed_at = ask.updated_at = utcnow()
        if record:
            kind = rules.LEDGER_KIND_OF_GRANTED[rules.AskKind(ask.kind)]
            ledger.new_entry(
                session,
                actor,
                direction=Direction.RECEIVED,
                kind=kind.value,
                counterpart=session.get_one(Contact, ask.contact_id),
                related_id=ask.target_contact_id,
                weight=amount,
                day=local_date_of(utcnow(), actor.tz),
                note=text or f"ask #{ask.id} granted: {ask.what}"[:SHORT_MAX],
                visibility=ask.visibility,
                ask_id=ask.id,
            )
        session.flush()
        return _views(session, actor, [ask])[0]


SORTS = paging.Sorts(
    paging.one_key("-created_at", Ask.id, Ask.created_at, "datetime"),
    paging.one_key("created_at", Ask.id, Ask.created_at, "datetime"),
)


def list_asks(
    actor: Actor,
    uow: UnitOfWork,
    *,
    status: str | None = None,
    contact: int | str | None = None,
    limit: int = 100,
) -> list[AskView]:
    return asks_page(actor, uow, status=status, contact=contact, limit=limit).items


def asks_page(
    actor: Actor,
    uow: UnitOfWork,
    *,
    status: str | None = None,
    contact: int | str | None = None,
    sort: str | None = None,
    after: Sequence[Any] | None = None,
    limit: int = 100,
) -> paging.Page[AskView]:
    """The actor's asks (or, for a contact, every visible ask of them), newest first."""
    wanted = rules.parse_ask_status(status) if status is not None else None
    order = SORTS.choose(sort)
    with uow.read() as session:
        stmt = select(Ask).where(
            visible(Ask, actor),
            # An ask of a contact in the trash waits there with them.
            ~exists().where(Contact.id == Ask.contact_id, Contact.deleted_at.is_not(None)),
        )
        if contact is not None:
            stmt = stmt.where(Ask.contact_id == common.resolve_contact(session, actor, contact).id)
        else:
            stmt = stmt.where(Ask.owner_id == actor.user_id)
        if wanted is not None:
            stmt = stmt.where(Ask.status == wanted.value)
        rows = session.scalars(paging.seek(stmt, order, after, limit)).all()
        found, next_key = paging.cut(rows, order, limit)
        return paging.page_of(_views(session, actor, found), order, next_key)


def show_ask(actor: Actor, uow: UnitOfWork, ask_id: int) -> AskView:
    """An ask with its plan steps in order and any ledger entry it settled."""
    with uow.read() as session:
        return _views(session, actor, [get_visible(session, Ask, ask_id, actor, "ask")])[0]


def delete_ask(actor: Actor, uow: UnitOfWork, ask_id: int) -> Ref:
    """Move an ask to the trash; its plan steps leave the agenda with it."""
    with uow.write() as session:
        ask = get_visible(session, Ask, ask_id, actor, "ask")
        require_owner(ask, actor, "delete")
        ask.deleted_at = utcnow()
        return Ref(ask.id, f"{ask.kind}: {ask.what[:60]}")


def _moment(value: datetime | str, field: str, actor: Actor) -> Moment:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValidationFailed(field, "needs a time zone")
        return Moment(value, all_day=False)
    return parse_moment(value, field, actor.tz, utcnow())


def _refuse_self(person: Contact, actor: Actor, field: str) -> None:
    """A contact carrying the user's own email is the user: nobody asks themselves."""
    mine = actor.email.strip().lower()
    if any(e.email.lower() == mine for e in person.emails):
        raise ValidationFailed(field, "that is you (it has your email); ask someone else")


def _target(
    session: Session, actor: Actor, target: int | str | None
) -> tuple[Contact | None, str | None]:
    if target is None:
        return None, None
    if isinstance(target, int) or target.strip().lstrip("#").isdigit():
        return common.resolve_contact(session, actor, target), None
    description = rules.clean_target_description(target)
    if description is None:
        return None, None
    try:
        return common.resolve_contact(session, actor, description), None
    except (NotFound, ValidationFailed):
        # Someone outside the network (or text that is no email): keep it as said.
        return None, description


def _own_ask(session: Session, actor: Actor, ask_id: int) -> Ask:
    ask = get_visible(session, Ask, ask_id, actor, "ask")
    if ask.owner_id != actor.user_id:
        raise PermissionDenied("only the owner of this ask may change it")
    return ask


def _add_step(
    session: Session, ask: Ask, person: Contact, order: int, channel: str, moment: Moment
) -> Task:
    # The title names the person only where they are seen: a step of a shared ask of a
    # private contact would otherwise show the teammates whom the contact hides.
    named = ask.visibility == Visibility.PRIVATE or person.visibility == Visibility.WORKSPACE
    who = f" {person.first_name or person.display_name}" if named else ""
    now = utcnow()
    task = Task(
        workspace_id=ask.workspace_id,
        owner_id=ask.owner_id,
        visibility=ask.visibility,
        title=f"Ask{who}: {channel}"[:SHORT_MAX],
        due_at=moment.at,
        all_day=moment.all_day,
        contact_id=person.id,
        ask_id=ask.id,
        step_order=order,
        channel=channel,
        created_at=now,
        updated_at=now,
    )
    session.add(task)
    session.flush()
    return task


def _readiness(session: Session, actor: Actor, person: Contact) -> ReadinessView:
    balance = ledger.balance_with(session, actor, person.id).balance
    touch = common.visible_touches(session, actor, [person.id]).get(person.id)
    last = touch[1] if touch else None
    last_day: date | None = local_date_of(last, actor.tz) if last is not None else None
    now = utcnow()
    today = local_date_of(now, actor.tz)
    scored = score_contacts(session, actor, now, [person.id]).get(person.id)
    strength = round(scored.strength.score, 1) if scored is not None else 0.0
    warnings = rules.ask_readiness(balance, last_day, today, strength=strength)
    return ReadinessView(common.contact_ref(person, actor), balance, last, strength, warnings)


def ask_views(session: Session, actor: Actor, asks: list[Ask]) -> list[AskView]:
    """Views of asks loaded in a caller's transaction (their steps and entries in two
    queries, whatever the number of asks)."""
    return _views(session, actor, asks)


def _views(session: Session, actor: Actor, asks: list[Ask]) -> list[AskView]:
    ids = [a.id for a in asks]
    steps: dict[int, list[AskStepView]] = {i: [] for i in ids}
    entries: dict[int, list[LedgerEntryView]] = {i: [] for i in ids}
    if ids:
        for task in session.scalars(
            select(Task)
            .where(Task.ask_id.in_(ids), visible(Task, actor))
            .order_by(Task.ask_id, Task.step_order, Task.id)
        ):
            view = common.task_view(task, actor, None)
            steps[task.ask_id or 0].append(
                AskStepView(
                    task.id,
                    task.step_order or 0,
                    task.channel,
                    task.title,
                    view.due_local,
                    task.done_at is not None,
                )
            )
        for entry in session.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.ask_id.in_(ids), visible(LedgerEntry, actor))
            .order_by(LedgerEntry.id)
        ):
            entries[entry.ask_id or 0].append(ledger.entry_view(session, actor, entry))
    people = common.contacts_by_id(
        session, {a.contact_id for a in asks} | {a.target_contact_id for a in asks}
    )
    return [
        AskView(
            id=a.id,
            kind=a.kind,
            status=a.status,
            contact=common.contact_ref(people.get(a.contact_id), actor),
            target=(
                None
                if a.target_contact_id is None
                else common.contact_ref(people.get(a.target_contact_id), actor)
            ),
            target_description=a.target_description,
            what=a.what,
            why_them=a.why_them,
            why_target_cares=a.why_target_cares,
            blurb=a.blurb,
            outcome=a.outcome,
            created_at=a.created_at,
            asked_at=a.asked_at,
            closed_at=a.closed_at,
            visibility=a.visibility,
            owner_id=a.owner_id,
            steps=steps[a.id],
            ledger_entries=entries[a.id],
        )
        for a in asks
    ]
