"""Saving imported email messages and calendar events as interactions (and tasks).

Set-wise per batch: known Message-IDs / UIDs are skipped after one IN query each,
addresses are resolved to contacts through a run-wide cache filled by IN queries,
and interactions are written with one INSERT … RETURNING plus one bulk insert of
their participants.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.domain.text import SUMMARY_MAX
from goodwill.errors import ValidationFailed
from goodwill.importers.records import (
    Correspondent,
    ImportedContact,
    ImportedEvent,
    ImportedMessage,
    LabeledValue,
    Location,
    RecordError,
)
from goodwill.services._import_contacts import (
    CHUNK,
    ContactSaver,
    Prepared,
    first_visible,
    prepare,
)
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.bulk import insert_rows, insert_with_ids
from goodwill.storage.schema import Contact, ContactEmail, Interaction, Task, User

if TYPE_CHECKING:
    from goodwill.services.importing import ImportOptions

PEOPLE_CACHE_MAX = 100_000  # addresses remembered across batches; memory stays flat


def summary_text(value: str | None, limit: int = SUMMARY_MAX) -> str | None:
    """A subject or event title as a summary: control characters dropped, cut to size."""
    if value is None:
        return None
    kept = (
        value.strip()
        if value.isprintable()
        else "".join(
            ch if ch in "\n\t" or unicodedata.category(ch) != "Cc" else " " for ch in value
        ).strip()
    )
    if len(kept) > limit:
        kept = kept[: limit - 1] + "…"
    return kept or None


@dataclass
class _Row:
    """An interaction to write, with its participants."""

    index: int
    key: str
    when: datetime
    channel: str
    summary: str | None
    initiator: str
    recipients: int
    people: list[int]
    body: str | None = None


class ActivitySaver:
    def __init__(
        self,
        actor: Actor,
        run_id: int,
        source_name: str,
        visibility: str,
        opts: ImportOptions,
        contacts: ContactSaver,
    ) -> None:
        self.actor, self.run_id, self.source_name = actor, run_id, source_name
        self.visibility, self.opts, self.contacts = visibility, opts, contacts
        self.people: dict[str, int | None] = {}  # address -> visible contact id
        self.mine: set[str] = set()
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        assert self._session is not None, "begin() first"
        return self._session

    def begin(self, session: Session) -> None:
        self._session = session
        user = session.get_one(User, self.actor.user_id)
        self.mine = {self.actor.email.lower(), *(e.lower() for e in user.my_emails or [])}
        if len(self.people) > PEOPLE_CACHE_MAX:
            self.people.clear()

    def forget_cache(self) -> None:
        """After a rolled-back write: contacts created in it do not exist."""
        self.people.clear()

    # -- lookups ------------------------------------------------------------------

    def _known(self, table: type[Interaction] | type[Task], keys: Sequence[str]) -> set[str]:
        found: set[str] = set()
        unique = sorted(set(keys))
        for start in range(0, len(unique), CHUNK):
            found.update(
                self.session.scalars(
                    select(table.external_key).where(
                        table.owner_id == self.actor.user_id,
                        table.external_key.in_(unique[start : start + CHUNK]),
                    )
                )
            )
        return found

    def _resolve(self, addresses: set[str]) -> None:
        """Fill the cache for these addresses: the first visible contact holding each
        (emails on their index, then visibility by id: see ContactSaver.match)."""
        missing = sorted(a for a in addresses if a not in self.people)
        for start in range(0, len(missing), CHUNK):
            chunk = missing[start : start + CHUNK]
            self.people.update(dict.fromkeys(chunk))
            rows = self.session.execute(
                select(ContactEmail.email, ContactEmail.contact_id).where(
                    ContactEmail.email.in_(chunk)
                )
            ).all()
            self.people.update(first_visible(self.session, self.actor, rows))

    def _create_people(self, people: dict[str, Correspondent]) -> None:
        """Contacts for unknown correspondents (--create-contacts), in one batch."""
        items: list[tuple[str, Prepared]] = []
        location = Location(self.source_name, 0)
        for email, person in people.items():
            record = ImportedContact(
                location=location,
                full_name=person.name or email.split("@")[0],
                emails=(LabeledValue(email),),
            )
            try:
                item = prepare(record, "email", self.actor, lambda _error: None)
            except ValidationFailed:
                continue
            # One contact per address: two "John Smith"s are two people here.
            item.source_key = hashlib.sha256(f"email|{email}".encode()).hexdigest()
            items.append((email, item))
        if not items:
            return
        saved = self.contacts.save_batch([item for _, item in items])
        for (email, _), (_, contact_id) in zip(items, saved, strict=True):
            self.people[email] = contact_id

    def _ids(self, people: Sequence[Correspondent]) -> list[int]:
        ids: list[int] = []
        for person in people:
            found = self.people.get(person.email)
            if found is not None and found not in ids:
                ids.append(found)
        return ids

    # -- writing ---------------------------------------------------------------

    def _write(self, rows: list[_Row]) -> None:
        """Interactions and their participants. No change-log row per interaction:
        undo finds them by their import_id, and their touches are folded in when
        the import ends (storage.aggregates.fold_import)."""
        if not rows:
            return
        now = utcnow()
        values = [
            {"workspace_id": self.actor.workspace_id, "owner_id": self.actor.user_id,
             "visibility": self.visibility, "occurred_at": r.when, "channel": r.channel,
             "summary": r.summary, "initiator": r.initiator,
             "recipients": max(r.recipients, len(r.people), 1), "import_id": self.run_id,
             "external_key": r.key, "body": r.body, "created_at": now, "updated_at": now}
            for r in rows
        ]  # fmt: skip
        ids = insert_with_ids(self.session, "interactions", values)
        participants: list[dict[str, Any]] = []
        for row, interaction_id in zip(rows, ids, strict=True):
            participants += [{"interaction_id": interaction_id, "contact_id": c}
                             for c in row.people]  # fmt: skip
        insert_rows(self.session, "interaction_participants", participants)

    def save_messages(
        self,
        messages: Sequence[ImportedMessage],
        suppressed: Callable[[str, str], bool],
    ) -> list[str]:
        outcomes = ["unchanged"] * len(messages)
        keys = [m.key[:500] for m in messages]
        known = self._known(Interaction, keys)
        fresh: list[int] = []
        for n, key in enumerate(keys):
            if key not in known:
                known.add(key)  # a message twice in the file (or folder) counts once
                fresh.append(n)
        addresses = {
            p.email
            for n in fresh
            for p in (messages[n].sender, *messages[n].recipients)
            if p.email not in self.mine and not suppressed("email", p.email)
        }
        self._resolve(addresses)
        if self.opts.create_contacts:
            unknown: dict[str, Correspondent] = {}
            for n in fresh:
                message = messages[n]
                if message.bulk or message.no_reply:
                    continue
                for person in (message.sender, *message.recipients):
                    if person.email in addresses and self.people.get(person.email) is None:
                        unknown.setdefault(person.email, person)
            self._create_people(unknown)
        rows: list[_Row] = []
        for n in fresh:
            message = messages[n]
            everyone = [p for p in (message.sender, *message.recipients) if p.email in addresses]
            people = self._ids(everyone)
            if not people:
                outcomes[n] = "skipped"
                continue
            initiator = "me" if message.sender.email in self.mine else "them"
            body = message.body if self.opts.keep_bodies else None
            rows.append(
                _Row(n, keys[n], message.occurred_at, "email", summary_text(message.subject),
                     initiator, len(message.recipients), people, body)
            )  # fmt: skip
            outcomes[n] = "created"
        self._write(rows)
        return outcomes

    def save_events(
        self, events: Sequence[ImportedEvent], report: Callable[[RecordError], None]
    ) -> list[str]:
        del report  # events have nothing left to fail on once parsed
        outcomes = ["unchanged"] * len(events)
        now = utcnow()
        keys = [e.key[:500] for e in events]
        past = [n for n, e in enumerate(events) if e.start <= now]
        future = [n for n, e in enumerate(events) if e.start > now]
        known_meetings = self._known(Interaction, [keys[n] for n in past])
        known_tasks = self._known(Task, [keys[n] for n in future])
        guests = {n: _guests(e) for n, e in enumerate(events)}
        self._resolve({p.email for people in guests.values() for p in people
                       if p.email not in self.mine})  # fmt: skip
        rows: list[_Row] = []
        for n in past:
            event = events[n]
            if keys[n] in known_meetings:
                continue
            known_meetings.add(keys[n])
            people = self._ids([p for p in guests[n] if p.email not in self.mine])
            if not people:
                outcomes[n] = "skipped"
                continue
            organizer = event.organizer.email if event.organizer else None
            initiator = "me" if organizer is None or organizer in self.mine else "them"
            rows.append(
                _Row(n, keys[n], event.start, "meeting", summary_text(event.summary),
                     initiator, len(guests[n]), people)
            )  # fmt: skip
            outcomes[n] = "created"
        self._write(rows)
        tasks: list[tuple[int, dict[str, Any]]] = []
        for n in future:
            event = events[n]
            if keys[n] in known_tasks:
                continue
            known_tasks.add(keys[n])
            people = self._ids([p for p in guests[n] if p.email not in self.mine])
            names = self._names(people)
            title = f"Meeting with {', '.join(names)}" if names else "Meeting"
            if event.summary:
                title = f"{title}: {summary_text(event.summary, 400)}"
            tasks.append(
                (n, {"workspace_id": self.actor.workspace_id, "owner_id": self.actor.user_id,
                     "visibility": self.visibility, "title": title[:500], "due_at": event.start,
                     "all_day": False, "contact_id": people[0] if people else None,
                     "import_id": self.run_id, "external_key": keys[n],
                     "created_at": now, "updated_at": now})
            )  # fmt: skip
            outcomes[n] = "created"
        if tasks:  # undo finds them by their import_id
            insert_rows(self.session, "tasks", [values for _, values in tasks])
        return outcomes

    def _names(self, ids: list[int]) -> list[str]:
        if not ids:
            return []
        names = dict(
            self.session.execute(
                select(Contact.id, Contact.display_name).where(Contact.id.in_(ids))
            ).all()
        )
        return [names[i] for i in sorted(ids) if i in names]


def _guests(event: ImportedEvent) -> list[Correspondent]:
    return [*event.attendees, *([event.organizer] if event.organizer is not None else [])]
