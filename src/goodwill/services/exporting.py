"""`goodwill export --format vcard|csv|ics`: what the actor may see, streamed in id order."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Iterator
from datetime import UTC, datetime, time
from typing import BinaryIO, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from goodwill.errors import ValidationFailed
from goodwill.exporters.google_csv import CsvContact, write_google_csv
from goodwill.exporters.ical import CalendarInteraction, CalendarTask, write_calendar
from goodwill.exporters.vcard import VCardContact, write_vcards
from goodwill.importers.records import Address
from goodwill.services import _common as common
from goodwill.services import agenda
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor
from goodwill.storage.schema import (
    Contact,
    ContactLink,
    Interaction,
    InteractionParticipant,
    Note,
    Organization,
    Position,
    Task,
)
from goodwill.storage.unit_of_work import UnitOfWork

PAGE = 1_000
ADDRESS_FIELDS = ("label", "street", "city", "region", "postal_code", "country")


def _contacts(
    session: Session, actor: Actor, ids: Collection[int] | None = None
) -> Iterator[tuple[Contact, dict[str, object]]]:
    """Visible live contacts by id (all, or those of `ids`), a page at a time, with their
    current position and links (only organizations the actor may see) and the actor's
    visible notes."""
    last = 0
    wanted = sorted(set(ids)) if ids is not None else None
    while True:
        query = (
            select(Contact)
            .options(selectinload(Contact.emails), selectinload(Contact.phones))
            .where(visible(Contact, actor), Contact.id > last)
            .order_by(Contact.id)
            .limit(PAGE)
        )
        if wanted is not None:
            chunk = wanted[bisect_right(wanted, last) :][:PAGE]
            if not chunk:
                return
            query = query.where(Contact.id.in_(chunk))
        page = session.scalars(query).all()
        if not page:
            if wanted is None:
                return
            last = chunk[-1]
            continue
        page_ids = [c.id for c in page]
        positions: dict[int, tuple[str, str | None]] = {}
        for contact_id, name, title in session.execute(
            select(Position.contact_id, Organization.name, Position.title)
            .join(Organization, Organization.id == Position.organization_id)
            .where(Position.contact_id.in_(page_ids), Position.end_date.is_(None),
                   visible(Organization, actor))
            .order_by(Position.id)
        ):  # fmt: skip
            positions.setdefault(contact_id, (name, title))
        links: dict[int, list[str]] = {}
        for contact_id, url in session.execute(
            select(ContactLink.contact_id, ContactLink.url)
            .where(ContactLink.contact_id.in_(page_ids))
            .order_by(ContactLink.id)
        ):
            links.setdefault(contact_id, []).append(url)
        notes: dict[int, list[str]] = {}
        for about, body in session.execute(
            select(Note.contact_id, Note.body)
            .where(Note.contact_id.in_(page_ids), visible(Note, actor))
            .order_by(Note.id)
        ):
            notes.setdefault(int(about or 0), []).append(body)
        for contact in page:
            org, title = positions.get(contact.id, (None, None))
            yield (
                contact,
                {
                    "organization": org,
                    "title": title,
                    "links": tuple(links.get(contact.id, [])),
                    "note": "\n\n".join(notes.get(contact.id, [])) or None,
                },
            )
        last = page_ids[-1] if wanted is None else max(page_ids[-1], chunk[-1])


def _birthday(c: Contact) -> tuple[int, int, int | None] | None:
    if c.birthday_month is None or c.birthday_day is None:
        return None
    return (c.birthday_month, c.birthday_day, c.birthday_year)


def vcard_cards(
    session: Session, actor: Actor, *, ids: Collection[int] | None = None, rev: bool = True
) -> Iterator[tuple[int, VCardContact]]:
    """(contact id, card) of every visible contact, or of the visible ones among `ids`:
    what export and CardDAV write. Without `rev` a card is its content alone."""
    return (
        (
            c.id,
            VCardContact(
                uid=c.vcard_uid or f"contact-{c.id}@goodwill.local",
                first_name=c.first_name, last_name=c.last_name, display_name=c.display_name,
                nickname=c.nickname,
                emails=tuple((e.email, e.label) for e in c.emails),
                phones=tuple((p.e164, p.label) for p in c.phones),
                organization=extra["organization"],  # type: ignore[arg-type]
                title=extra["title"],  # type: ignore[arg-type]
                note=extra["note"],  # type: ignore[arg-type]
                birthday=_birthday(c), tags=tuple(sorted(t.name for t in c.tags)),
                profile_urls=extra["links"],  # type: ignore[arg-type]
                addresses=tuple(
                    Address(**{k: a.get(k) for k in ADDRESS_FIELDS}) for a in c.addresses or []
                ),
                photo=c.photo, extra=tuple(c.vcard_extra or ()),
                rev=c.updated_at if rev else None,
            ),
        )
        for c, extra in _contacts(session, actor, ids)
    )  # fmt: skip


def export_vcards(actor: Actor, uow: UnitOfWork, out: TextIO, *, version: str = "3.0") -> int:
    """Every contact the actor may see as vCards (3.0 by default, what phones speak)."""
    if version not in {"3.0", "4.0"}:
        raise ValidationFailed("vcard version", "must be 3.0 or 4.0")
    with uow.read() as session:
        cards = (card for _, card in vcard_cards(session, actor))
        return write_vcards(cards, out, version)


def export_csv(actor: Actor, uow: UnitOfWork, out: TextIO) -> int:
    """Every contact the actor may see as a Google-compatible CSV."""
    with uow.read() as session:
        rows = (
            CsvContact(
                first_name=c.first_name, last_name=c.last_name, nickname=c.nickname,
                emails=tuple((e.email, e.label) for e in c.emails),
                phones=tuple((p.e164, p.label) for p in c.phones),
                organization=extra["organization"],  # type: ignore[arg-type]
                title=extra["title"],  # type: ignore[arg-type]
                birthday=_csv_birthday(c), labels=tuple(sorted(t.name for t in c.tags)),
                websites=extra["links"],  # type: ignore[arg-type]
                notes=extra["note"],  # type: ignore[arg-type]
            )
            for c, extra in _contacts(session, actor)
        )  # fmt: skip
        return write_google_csv(rows, out)


def _csv_birthday(c: Contact) -> str | None:
    day = _birthday(c)
    if day is None:
        return None
    month, dom, year = day
    return f"{year:04d}-{month:02d}-{dom:02d}" if year else f"--{month:02d}-{dom:02d}"


def export_calendar(actor: Actor, uow: UnitOfWork, out: BinaryIO) -> int:
    """Interactions and open tasks the actor may see, with stable UIDs."""
    with uow.read() as session:
        interactions = session.scalars(
            select(Interaction).where(visible(Interaction, actor)).order_by(Interaction.id)
        ).all()
        people: dict[int, list[str]] = {}
        for interaction_id, contact in session.execute(
            select(InteractionParticipant.interaction_id, Contact)
            .join(Contact, Contact.id == InteractionParticipant.contact_id)
            .where(InteractionParticipant.interaction_id.in_([i.id for i in interactions]))
            .order_by(Contact.sort_key)
        ):
            people.setdefault(interaction_id, []).append(common.contact_ref(contact, actor).label)
        tasks = session.scalars(
            select(Task)
            .where(visible(Task, actor), Task.owner_id == actor.user_id, Task.done_at.is_(None))
            .order_by(Task.id)
        ).all()
        names = {
            c.id: common.contact_ref(c, actor).label
            for c in session.scalars(
                select(Contact).where(Contact.id.in_({t.contact_id for t in tasks if t.contact_id}))
            )
        }
        write_calendar(
            (CalendarInteraction(i.id, i.occurred_at, i.channel, i.summary,
                                 tuple(people.get(i.id, []))) for i in interactions),
            (CalendarTask(t.id, t.title, t.due_at, t.all_day, False,
                          names.get(t.contact_id or 0)) for t in tasks),
            out,
        )  # fmt: skip
        return len(interactions) + len(tasks)


def export_agenda(actor: Actor, uow: UnitOfWork, out: BinaryIO, *, lapsed_limit: int = 20) -> int:
    """Today's agenda as iCalendar VTODOs through the shared writer: the tasks due (ask plan
    steps among them) with their usual UIDs, a follow-up per ask waiting on an answer, and
    a to-do per suggested touch carrying its reasons; the last two are due today."""
    day = agenda.today_agenda(actor, uow, lapsed_limit=lapsed_limit, task_limit=None)
    today = datetime.combine(day.today, time(), tzinfo=UTC)  # an all-day due date
    items = [
        CalendarTask(
            t.id, t.title, t.due_at, t.all_day, False, t.contact.label if t.contact else None
        )
        for t in (*day.overdue_tasks, *day.due_today, *day.ask_steps)
    ]
    items += [
        CalendarTask(
            w.ask_id, f"Follow up on your ask: {w.what}"[:200], today, True, False,
            w.contact.label, kind="ask-followup",
            description=f"Asked {w.days_waiting} days ago ({w.kind}), no answer yet.",
        )
        for w in day.asks_waiting
    ]  # fmt: skip
    items += [
        CalendarTask(
            c.contact.id or 0, f"Get in touch with {c.contact.label}", today, True, False,
            kind="touch", description="\n".join(c.reasons),
        )
        for c in day.lapsed
    ]  # fmt: skip
    write_calendar((), items, out, calendar_name="goodwill today")
    return len(items)
