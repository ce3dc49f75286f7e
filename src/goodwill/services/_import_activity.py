"""Saving imported email messages and calendar events as interactions (and tasks)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.domain.text import SUMMARY_MAX, clean_text
from goodwill.errors import ValidationFailed
from goodwill.importers.records import (
    Correspondent,
    ImportedContact,
    ImportedEvent,
    ImportedMessage,
    LabeledValue,
    Location,
)
from goodwill.services._import_contacts import ContactSaver, prepare
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.schema import (
    Contact,
    ContactEmail,
    Import,
    Interaction,
    InteractionParticipant,
    Task,
    User,
)

if TYPE_CHECKING:
    from goodwill.services.importing import ImportOptions


class ActivitySaver:
    def __init__(
        self,
        session: Session,
        actor: Actor,
        run: Import,
        visibility: str,
        opts: ImportOptions,
        contacts: ContactSaver,
    ) -> None:
        self.session, self.actor, self.run = session, actor, run
        self.visibility, self.opts, self.contacts = visibility, opts, contacts
        user = session.get_one(User, actor.user_id)
        self.mine = {actor.email.lower(), *(e.lower() for e in user.my_emails or [])}

    def _known(self, table: type[Interaction] | type[Task], key: str) -> bool:
        return (
            self.session.scalars(
                select(table.id).where(
                    table.owner_id == self.actor.user_id, table.external_key == key
                )
            ).first()
            is not None
        )

    def _people(self, people: list[Correspondent], create: bool) -> list[int]:
        """Contact ids for these addresses among what the actor may see; unknown ones
        become contacts only when asked to."""
        ids: list[int] = []
        for person in people:
            if person.email in self.mine:
                continue
            found = self.session.scalars(
                select(Contact.id)
                .where(
                    visible(Contact, self.actor),
                    Contact.id.in_(
                        select(ContactEmail.contact_id).where(ContactEmail.email == person.email)
                    ),
                )
                .order_by(Contact.id)
            ).first()
            if found is None and create:
                record = ImportedContact(
                    location=self.run_location(),
                    full_name=person.name or person.email.split("@")[0],
                    emails=(LabeledValue(person.email),),
                )
                try:
                    item = prepare(record, "email", self.actor, lambda _error: None)
                except ValidationFailed:
                    continue
                self.contacts.save(item)
                made = self.contacts.match(item)
                found = made.id if made is not None else None
            if found is not None and found not in ids:
                ids.append(found)
        return ids

    def run_location(self) -> Location:
        return Location(self.run.source_name, 0)

    def _interaction(
        self, key: str, when: datetime, channel: str, summary: str | None, initiator: str,
        recipients: int, people: list[int], body: str | None = None,
    ) -> None:  # fmt: skip
        now = utcnow()
        row = Interaction(
            workspace_id=self.actor.workspace_id, owner_id=self.actor.user_id,
            visibility=self.visibility, occurred_at=when, channel=channel,
            summary=clean_text(summary, "summary", max_len=SUMMARY_MAX, multiline=True),
            initiator=initiator, recipients=max(recipients, len(people), 1),
            import_id=self.run.id, external_key=key[:500], body=body,
            created_at=now, updated_at=now,
        )  # fmt: skip
        self.session.add(row)
        self.session.flush()
        self.session.add_all(
            InteractionParticipant(interaction_id=row.id, contact_id=c) for c in people
        )
        self.contacts.change("interactions", row.id, "created", None)

    def save_message(
        self, message: ImportedMessage, suppressed: Callable[[str, str], bool], touched: set[int]
    ) -> str:
        if self._known(Interaction, message.key):
            return "unchanged"
        create = self.opts.create_contacts and not message.bulk and not message.no_reply
        everyone = [message.sender, *message.recipients]
        people = self._people([p for p in everyone if not suppressed("email", p.email)], create)
        if not people:
            return "skipped"
        initiator = "me" if message.sender.email in self.mine else "them"
        self._interaction(
            message.key, message.occurred_at, "email", message.subject, initiator,
            len(message.recipients), people, message.body if self.opts.keep_bodies else None,
        )  # fmt: skip
        touched.update(people)
        return "created"

    def save_event(self, event: ImportedEvent, touched: set[int]) -> str:
        guests = list(event.attendees) + ([event.organizer] if event.organizer else [])
        people = self._people(guests, create=False)
        if event.start <= utcnow():
            if self._known(Interaction, event.key):
                return "unchanged"
            if not people:
                return "skipped"
            organizer = event.organizer.email if event.organizer else None
            initiator = "me" if organizer is None or organizer in self.mine else "them"
            self._interaction(
                event.key, event.start, "meeting", event.summary, initiator, len(guests), people
            )
            touched.update(people)
            return "created"
        if self._known(Task, event.key):
            return "unchanged"
        names = self.session.scalars(
            select(Contact.display_name).where(Contact.id.in_(people)).order_by(Contact.id)
        ).all()
        title = f"Meeting with {', '.join(names)}" if names else "Meeting"
        if event.summary:
            title = f"{title}: {event.summary}"
        now = utcnow()
        task = Task(
            workspace_id=self.actor.workspace_id, owner_id=self.actor.user_id,
            visibility=self.visibility, title=title[:500], due_at=event.start, all_day=False,
            contact_id=people[0] if people else None, import_id=self.run.id,
            external_key=event.key[:500], created_at=now, updated_at=now,
        )  # fmt: skip
        self.session.add(task)
        self.session.flush()
        self.contacts.change("tasks", task.id, "created", None)
        return "created"
