"""Saving imported email messages and calendar events as interactions (and tasks).

Set-wise per batch: known Message-IDs / UIDs are skipped after one IN query each,
addresses are resolved to contacts through a run-wide cache filled by IN queries,
and interactions are written with one INSERT … RETURNING plus one bulk insert of
their participants.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.errors import ValidationFailed
from goodwill.importers.records import (
    Correspondent,
    ImportedContact,
    ImportedEvent,
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
from goodwill.services._import_wire import WireMessage, summary_text
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.bulk import in_values, insert_columns, insert_rows, reserve_ids
from goodwill.storage.schema import Contact, ContactEmail, Interaction, Task, User

if TYPE_CHECKING:
    from goodwill.services.importing import ImportOptions

PEOPLE_CACHE_MAX = 100_000  # addresses remembered across batches; memory stays flat


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
                        in_values(self.session, table.external_key, unique[start : start + CHUNK]),
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
                    in_values(self.session, ContactEmail.email, chunk)
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
        self._write_columns(
            [r.key for r in rows], [r.when for r in rows], rows[0].channel,
            [r.summary for r in rows], [r.initiator for r in rows],
            [max(r.recipients, len(r.people), 1) for r in rows], [r.people for r in rows],
            [r.body for r in rows],
        )  # fmt: skip

    def _write_columns(
        self,
        keys: list[str],
        whens: list[datetime],
        channel: str,
        summaries: list[str | None],
        initiators: list[str],
        recipients: list[int],
        people: list[list[int]],
        bodies: list[str | None],
    ) -> None:
        """The rows of `_write`, column by column."""
        count = len(keys)
        now = utcnow()
        ids = reserve_ids(self.session, "interactions", count)
        insert_columns(
            self.session,
            "interactions",
            {"id": ids, "workspace_id": [self.actor.workspace_id] * count,
             "owner_id": [self.actor.user_id] * count, "visibility": [self.visibility] * count,
             "occurred_at": whens, "channel": [channel] * count, "summary": summaries,
             "initiator": initiators, "recipients": recipients,
             "import_id": [self.run_id] * count, "external_key": keys, "body": bodies,
             "created_at": [now] * count, "updated_at": [now] * count},
        )  # fmt: skip
        interaction_ids = [i for i, ids_ in zip(ids, people, strict=True) for _ in ids_]
        contact_ids = [c for ids_ in people for c in ids_]
        insert_columns(
            self.session,
            "interaction_participants",
            {"interaction_id": interaction_ids, "contact_id": contact_ids},
        )

    def save_messages(
        self,
        messages: Sequence[WireMessage],
        suppressed: Callable[[str, str], bool],
    ) -> list[str]:
        """Messages as wire tuples (see _import_wire) -> their outcomes, in order."""
        outcomes = ["unchanged"] * len(messages)
        known = self._known(Interaction, [m[3] for m in messages])
        fresh: list[WireMessage] = []
        where: list[int] = []
        for n, message in enumerate(messages):
            if message[3] not in known:
                known.add(message[3])  # a message twice in the file (or folder) counts once
                fresh.append(message)
                where.append(n)
        mine = self.mine
        seen: set[str] = set()
        for message in fresh:
            seen.add(message[5])
            seen.update(email for email, _ in message[7])
        addresses = {a for a in seen if a not in mine and not suppressed("email", a)}
        self._resolve(addresses)
        if self.opts.create_contacts:
            self._create_people(self._unknown(fresh, addresses))
        people = self.people
        keys: list[str] = []
        whens: list[datetime] = []
        summaries: list[str | None] = []
        initiators: list[str] = []
        counts: list[int] = []
        linked: list[list[int]] = []
        bodies: list[str | None] = []
        keep_bodies = self.opts.keep_bodies
        for n, message in zip(where, fresh, strict=True):
            _, _, _, key, when, sender, _, recipients, summary, _, _, body = message
            ids: list[int] = []
            for email in (sender, *(email for email, _ in recipients)):
                if email in addresses:
                    found = people.get(email)
                    if found is not None and found not in ids:
                        ids.append(found)
            if not ids:
                outcomes[n] = "skipped"
                continue
            keys.append(key)
            whens.append(when)
            summaries.append(summary)
            initiators.append("me" if sender in mine else "them")
            counts.append(max(len(recipients), len(ids), 1))
            linked.append(ids)
            bodies.append(body if keep_bodies else None)
            outcomes[n] = "created"
        if keys:
            self._write_columns(keys, whens, "email", summaries, initiators, counts, linked,
                                bodies)  # fmt: skip
        return outcomes

    def _unknown(self, fresh: list[WireMessage], addresses: set[str]) -> dict[str, Correspondent]:
        """Correspondents of person-to-person mail (no list, no no-reply sender) that no
        contact holds yet, for --create-contacts; `_resolve` has filled the cache."""
        unknown: dict[str, Correspondent] = {}
        for message in fresh:
            if message[9] or message[10]:  # bulk, no_reply
                continue
            for email, name in ((message[5], message[6]), *message[7]):
                if email in addresses and self.people.get(email) is None:
                    unknown.setdefault(email, Correspondent(email, name))
        return unknown

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
