"""Saving imported contacts: match by identity keys, create or update, record for undo.

A batch is saved set-wise: its identity keys are matched in a few IN queries, new
contacts and their rows are written table by table (RETURNING gives the ids), and
only contacts that already exist go through the ORM, loaded together. A record
whose content is what this source said last time is "unchanged" without reading
its contact (ImportKey.content_hash), so re-running a big file costs little.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from goodwill.domain.agenda import cadence_anchor, day_number
from goodwill.domain.dates import local_date_of, zone
from goodwill.domain.people import (
    contact_search_key,
    normalize_email,
    normalize_phone,
    person_name,
    split_full_name,
)
from goodwill.domain.text import NAME_MAX, SHORT_MAX, clean_text, fold
from goodwill.errors import ValidationFailed
from goodwill.importers.records import ImportedContact, RecordError
from goodwill.services import _common as common
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.bulk import in_values, insert_rows, insert_with_ids
from goodwill.storage.schema import (
    Contact,
    ContactEmail,
    ContactLink,
    ContactPhone,
    FieldProvenance,
    ImportKey,
    Organization,
    Position,
    Tag,
)

# Scalar fields an import may fill, and change again while they hold what it wrote.
SCALARS = (
    "first_name", "last_name", "nickname", "met_on", "birthday_month", "birthday_day",
    "birthday_year", "photo", "vcard_uid", "addresses", "vcard_extra",
)  # fmt: skip
CHUNK = 2_000  # values per IN list
CUSTOM_MAX = 2_000
T = TypeVar("T")


def url_key(url: str) -> str | None:
    """A profile URL as an identity key: host without www, path without trailing slash."""
    parts = urlsplit(url.strip() if "://" in url else f"https://{url.strip()}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host or "." not in host:
        return None
    return f"{host}{parts.path.rstrip('/').lower()}"[:500]


# Sites whose URLs name one person; a company homepage (often in Outlook's Web Page)
# names everyone who works there, so it is kept as a link but never matched on.
PROFILE_HOSTS = ("linkedin.com", "github.com", "x.com", "twitter.com", "facebook.com",
                 "instagram.com", "angel.co", "wellfound.com", "xing.com")  # fmt: skip


def is_profile(key: str) -> bool:
    host, _, path = key.partition("/")
    return bool(path.strip("/")) and any(host == h or host.endswith("." + h) for h in PROFILE_HOSTS)


@dataclass
class Prepared:
    """An imported contact, normalized: what would be written."""

    values: dict[str, Any]
    emails: list[tuple[str, str | None]]
    phones: list[tuple[str, str, str | None]]  # e164, digits reversed, label
    links: list[tuple[str, str]]  # url, key
    organization: str | None
    title: str | None
    tags: list[str]
    note: str | None
    source_key: str
    custom: dict[str, str] = field(default_factory=dict)
    content_hash: str = ""
    profiles: list[str] = field(default_factory=list)  # link keys that name one person
    # Organizations after the first (Google and vCard allow several): kept as positions.
    more_positions: list[tuple[str, str | None]] = field(default_factory=list)
    # Derived in `prepare` (in the parser worker for big files), for a new contact.
    display_name: str = ""
    search_key: str = ""
    sort_key: str = ""
    org_key: str | None = None  # organization_key(organization)

    def organizations(self) -> list[str]:
        return ([self.organization] if self.organization else []) + [
            o for o, _ in self.more_positions
        ]

    def organization_keys(self) -> list[tuple[str, str]]:
        """(organization_key, name) of each organization."""
        pairs = [(common.organization_key(o), o) for o, _ in self.more_positions]
        if self.organization:
            key = self.org_key or common.organization_key(self.organization)
            pairs.insert(0, (key, self.organization))
        return pairs

    def identity(self) -> list[str]:
        """Every key this record may be matched on, tagged by kind."""
        keys = [f"k:{self.source_key}"]
        keys += [f"e:{e}" for e, _ in self.emails]
        keys += [f"u:{k}" for k in self.profiles]
        return keys


def prepare(
    record: ImportedContact, fmt: str, actor: Actor, report: Callable[[RecordError], None]
) -> Prepared:
    """Normalize one record: everything that can make a record fail is checked here,
    before anything is written. A bad email, phone or tag is reported and dropped; a
    record without a usable name raises ValidationFailed (the record is skipped)."""
    first, last = record.first_name, record.last_name
    if not (first or last) and record.full_name:
        first, last = split_full_name(record.full_name)
    first, last, display = person_name(first, last)
    emails: list[tuple[str, str | None]] = []
    for item in record.emails:
        try:
            email = normalize_email(item.value)
        except ValidationFailed as exc:
            report(RecordError(record.location, "email", exc.reason))
            continue
        if email not in {e for e, _ in emails}:
            emails.append((email, clean_text(item.label, "label", max_len=50)))
    phones: list[tuple[str, str, str | None]] = []
    for item in record.phones:
        try:
            phone = normalize_phone(item.value, actor.default_region)
        except ValidationFailed as exc:
            report(RecordError(record.location, "phone", exc.reason))
            continue
        if phone.e164 not in {p for p, _, _ in phones}:
            label = clean_text(item.label, "label", max_len=50)
            phones.append((phone.e164, phone.digits_reversed, label))
    links: list[tuple[str, str]] = []
    for url in record.profile_urls:
        key = url_key(url)
        if key and key not in {k for _, k in links}:
            links.append((url, key))
    tags: list[str] = []
    for raw in record.tags:
        tag = clean_text(raw, "tag", max_len=100)
        if not tag:
            continue
        if not fold(tag):
            report(RecordError(record.location, "tag", f"'{tag}' has no letters or digits"))
        elif fold(tag) not in {fold(t) for t in tags}:
            tags.append(tag)
    custom: dict[str, str] = {}
    for raw_name, raw_value in record.custom:
        if len(raw_value) > CUSTOM_MAX:
            raw_value = raw_value[: CUSTOM_MAX - 1] + "…"
        try:
            name = clean_text(raw_name[:100], "field name", max_len=100)
            value = clean_text(raw_value, f"field {raw_name}", max_len=CUSTOM_MAX, multiline=True)
        except ValidationFailed as exc:
            report(RecordError(record.location, exc.field or raw_name, exc.reason))
            continue
        if name and value:
            custom[name] = f"{custom[name]} · {value}" if name in custom else value
    position = record.positions[0] if record.positions else None
    birthday = record.birthday
    values: dict[str, Any] = {
        "first_name": first,
        "last_name": last,
        "nickname": clean_text(record.nickname, "nickname", max_len=NAME_MAX),
        "met_on": record.met_on,
        "birthday_month": birthday.month if birthday else None,
        "birthday_day": birthday.day if birthday else None,
        "birthday_year": birthday.year if birthday else None,
        "photo": record.photo,
        "vcard_uid": clean_text(record.source_uid, "UID", max_len=255),
        "addresses": [asdict(a) for a in record.addresses] or None,
        "vcard_extra": list(record.extra) or None,
    }
    organization = (
        clean_text(position.organization, "organization", max_len=NAME_MAX) if position else None
    )
    if organization is not None and not fold(organization):
        report(RecordError(record.location, "organization", f"'{organization}' has no letters"))
        organization = None
    more_positions: list[tuple[str, str | None]] = []
    for extra in record.positions[1:]:
        name = clean_text(extra.organization, "organization", max_len=NAME_MAX)
        if name and fold(name) and fold(name) not in {fold(o) for o, _ in more_positions}:
            if organization is None or fold(name) != fold(organization):
                more_positions.append((name, clean_text(extra.title, "title", max_len=NAME_MAX)))
    identity = record.source_uid or "|".join(
        [fold(display), fold(organization or ""), *sorted(k for _, k in links)]
    )
    prepared = Prepared(
        values=values,
        emails=emails,
        phones=phones,
        links=links,
        organization=organization,
        title=clean_text(position.title, "title", max_len=NAME_MAX) if position else None,
        tags=tags,
        note=clean_text(record.note, "note", max_len=SHORT_MAX * 200, multiline=True),
        source_key=hashlib.sha256(f"{fmt}|{identity}".encode()).hexdigest(),
        custom=custom,
        profiles=[k for _, k in links if is_profile(k)],
        more_positions=more_positions,
    )
    content = [
        values, emails, phones, links, organization, prepared.title, tags, prepared.note, custom,
        more_positions,
    ]  # fmt: skip
    # repr, not JSON: every part is built in a fixed order from plain values.
    prepared.content_hash = hashlib.sha256(repr(content).encode()).hexdigest()
    prepared.display_name = " ".join(p for p in (first, last) if p)
    prepared.search_key = contact_search_key(
        prepared.display_name, values["nickname"], [e for e, _ in emails]
    )
    prepared.sort_key = fold(" ".join(p for p in (last, first) if p))
    prepared.org_key = common.organization_key(organization) if organization else None
    return prepared


def _chunked(values: Sequence[T]) -> Iterable[Sequence[T]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def visible_ids(session: Session, actor: Actor, ids: Iterable[int]) -> set[int]:
    """Those of these contact ids the actor may see (looked up by primary key)."""
    unique = sorted(set(ids))
    found: set[int] = set()
    for chunk in _chunked(unique):
        query = select(Contact.id).where(
            in_values(session, Contact.id, chunk), visible(Contact, actor)
        )
        found.update(session.scalars(query))
    return found


def first_visible(
    session: Session, actor: Actor, pairs: Sequence[tuple[str, int]]
) -> dict[str, int]:
    """key -> the smallest contact id holding it among those the actor may see."""
    seen = visible_ids(session, actor, [cid for _, cid in pairs])
    found: dict[str, int] = {}
    for key, contact_id in pairs:
        if contact_id in seen and (key not in found or contact_id < found[key]):
            found[key] = contact_id
    return found


@dataclass
class Existing:
    """What an update needs about the batch's matched contacts, read set-wise."""

    contacts: dict[int, Contact]
    provenance: dict[tuple[int, str], FieldProvenance]
    links: dict[int, set[str]]
    open_positions: dict[int, list[Position]]


class ContactSaver:
    """Creates or updates contacts for one import run, one batch (transaction) at a time.

    Organizations and tags found or created are remembered for the whole run (an
    import never deletes them); `begin` points the saver at the next batch's session.
    """

    def __init__(self, actor: Actor, run_id: int, visibility: str) -> None:
        self.actor, self.run_id, self.visibility = actor, run_id, visibility
        self.orgs: dict[str, int] = {}  # name_key -> organization id
        self.tags: dict[str, int] = {}  # tag key -> tag id
        self._session: Session | None = None
        self.changes: list[dict[str, Any]] = []

    @property
    def session(self) -> Session:
        assert self._session is not None, "begin() first"
        return self._session

    def begin(self, session: Session) -> None:
        self._session = session
        self.changes = []

    def snapshot(self) -> tuple[dict[str, int], dict[str, int]]:
        return dict(self.orgs), dict(self.tags)

    def restore(self, state: tuple[dict[str, int], dict[str, int]]) -> None:
        """After a rolled-back write: forget ids that were never committed."""
        self.orgs, self.tags = dict(state[0]), dict(state[1])
        self.changes = []

    def change(self, entity: str, entity_id: int, action: str, contact_id: int | None,
               field: str | None = None, old: Any = None, new: Any = None) -> None:  # fmt: skip
        self.changes.append(
            {"import_id": self.run_id, "entity": entity, "entity_id": entity_id,
             "action": action, "contact_id": contact_id, "field": field,
             "old_value": _json(old), "new_value": _json(new)}
        )  # fmt: skip

    # -- matching ---------------------------------------------------------------

    def _first_by(self, stmt: Select[str, int]) -> dict[str, int]:
        return first_visible(self.session, self.actor, self.session.execute(stmt).all())

    def match(self, items: Sequence[Prepared]) -> tuple[list[int | None], dict[str, str | None]]:
        """The visible contact each record names — by this source's own key, then by
        email, then by profile URL (dedupe never reaches contacts the actor cannot
        see) — and the content hash stored with each source key found.

        Each key is looked up on its own index, then the contacts found are checked
        for visibility by id: joined in one query, SQLite plans a long IN list by
        reading every contact of the workspace instead (bench/README.md).
        """
        me = self.actor.user_id
        by_key: dict[str, int] = {}
        hashes: dict[str, str | None] = {}
        by_email: dict[str, int] = {}
        by_url: dict[str, int] = {}
        source_keys = sorted({i.source_key for i in items})
        for chunk in _chunked(source_keys):
            rows = self.session.execute(
                select(ImportKey.key_hash, ImportKey.contact_id, ImportKey.content_hash).where(
                    ImportKey.owner_id == me, in_values(self.session, ImportKey.key_hash, chunk)
                )
            ).all()
            seen = visible_ids(self.session, self.actor, [cid for _, cid, _ in rows])
            for key, contact_id, content in rows:
                if contact_id in seen:
                    by_key[key], hashes[key] = contact_id, content
        emails = sorted({e for i in items for e, _ in i.emails})
        for chunk in _chunked(emails):
            by_email.update(self._first_by(
                select(ContactEmail.email, ContactEmail.contact_id)
                .where(in_values(self.session, ContactEmail.email, chunk))
            ))  # fmt: skip
        urls = sorted({k for i in items for k in i.profiles})
        for chunk in _chunked(urls):
            by_url.update(self._first_by(
                select(ContactLink.key, ContactLink.contact_id)
                .where(in_values(self.session, ContactLink.key, chunk))
            ))  # fmt: skip
        matches: list[int | None] = []
        for item in items:
            found: int | None = by_key.get(item.source_key)
            if found is None:
                found = min((by_email[e] for e, _ in item.emails if e in by_email), default=None)
            if found is None:
                found = min((by_url[k] for k in item.profiles if k in by_url), default=None)
            matches.append(found)
        return matches, hashes

    # -- a batch ----------------------------------------------------------------

    def save_batch(self, items: Sequence[Prepared]) -> list[tuple[str, int]]:
        """('created' | 'updated' | 'unchanged', contact id) per record, in order."""
        results: list[tuple[str, int] | None] = [None] * len(items)
        matches, hashes = self.match(items)
        self._organizations([pair for i in items for pair in i.organization_keys()])
        self._tags([t for i in items for t in i.tags])
        same = [
            n for n, item in enumerate(items)
            if matches[n] is not None and hashes.get(item.source_key, "") == item.content_hash
        ]  # fmt: skip
        for n in same:
            # What this source said last time, word for word: nothing to read or do.
            results[n] = ("unchanged", matches[n])  # type: ignore[assignment]
        skip = set(same)
        existing = self._load(
            [cid for n, cid in enumerate(matches) if cid is not None and n not in skip]
        )
        pending: list[int] = []  # new records not written yet
        claimed: dict[str, int] = {}  # identity key -> index of the new record holding it
        for n, item in enumerate(items):
            contact_id = matches[n]
            if n in skip:
                continue
            if contact_id is None:
                keys = item.identity()
                first = next((claimed[k] for k in keys if k in claimed), None)
                if first is None:
                    pending.append(n)
                    claimed.update(dict.fromkeys(keys, n))
                    continue
                # A repeat of a record new in this batch: write those, then treat
                # this one as an update of the contact just created.
                self._create(items, pending, results)
                pending, claimed = [], {}
                written = results[first]
                assert written is not None
                contact_id = written[1]
                existing = self._merge_loaded(existing, self._load([contact_id]))
            results[n] = (self._update(existing, contact_id, item), contact_id)
        self._create(items, pending, results)
        return [r for r in results if r is not None]

    def finish(self) -> None:
        """End of a batch: the change log."""
        self.session.flush()
        if self.changes:
            insert_rows(self.session, "import_changes", self.changes)
            self.changes = []

    # -- organizations and tags, run-wide ----------------------------------------

    def _organizations(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Find or create these organizations, given as (organization_key, name)."""
        wanted: dict[str, str] = {}
        for key, name in pairs:
            if key not in self.orgs:
                wanted.setdefault(key, name)
        if not wanted:
            return
        for chunk in _chunked(sorted(wanted)):
            rows = self.session.execute(
                select(Organization.name_key, Organization.id).where(
                    visible(Organization, self.actor),
                    in_values(self.session, Organization.name_key, chunk),
                )
            )
            for key, org_id in rows:
                if key not in self.orgs or org_id < self.orgs[key]:
                    self.orgs[key] = org_id
        missing = [k for k in wanted if k not in self.orgs]
        if not missing:
            return
        now = utcnow()
        rows_in = [
            {"workspace_id": self.actor.workspace_id, "owner_id": self.actor.user_id,
             "visibility": self.visibility, "name": wanted[k], "name_key": k,
             "custom_fields": {}, "import_id": self.run_id, "created_at": now, "updated_at": now}
            for k in missing
        ]  # fmt: skip
        ids = insert_with_ids(self.session, "organizations", rows_in)
        for key, org_id in zip(missing, ids, strict=True):
            self.orgs[key] = org_id
            self.change("organizations", org_id, "created", None)

    def _tags(self, names: Iterable[str]) -> None:
        wanted = {fold(n): n for n in names if fold(n) not in self.tags}
        if not wanted:
            return
        rows = self.session.execute(
            select(Tag.key, Tag.id).where(
                Tag.workspace_id == self.actor.workspace_id, Tag.key.in_(sorted(wanted))
            )
        )
        self.tags.update((key, tag_id) for key, tag_id in rows)
        missing = [k for k in wanted if k not in self.tags]
        if missing:
            ids = insert_with_ids(
                self.session, "tags",
                [{"workspace_id": self.actor.workspace_id, "name": wanted[k], "key": k}
                 for k in missing],
            )  # fmt: skip
            self.tags.update(zip(missing, ids, strict=True))

    # -- new contacts, table by table -------------------------------------------

    def _create(
        self, items: Sequence[Prepared], which: list[int], results: list[tuple[str, int] | None]
    ) -> None:
        if not which:
            return
        self.session.flush()  # updates made through the ORM go first
        now = utcnow()
        today = local_date_of(now, zone(self.actor.timezone))
        rows = []
        for n in which:
            item = items[n]
            values = item.values
            rows.append(
                {**values, "workspace_id": self.actor.workspace_id,
                 "owner_id": self.actor.user_id, "visibility": self.visibility,
                 "display_name": item.display_name, "search_key": item.search_key,
                 "sort_key": item.sort_key, "custom_fields": dict(item.custom),
                 # No touches yet: the cadence counts from when met, else from today.
                 "touch_anchor_day": day_number(cadence_anchor(None, values["met_on"], today)),
                 "import_id": self.run_id, "created_at": now, "updated_at": now}
            )  # fmt: skip
        ids = insert_with_ids(self.session, "contacts", rows)
        emails, phones, links, tags, notes, provenance, keys = [], [], [], [], [], [], []
        positions: list[tuple[int, dict[str, Any]]] = []
        for n, contact_id in zip(which, ids, strict=True):
            item = items[n]
            results[n] = ("created", contact_id)
            self.change("contacts", contact_id, "created", contact_id)
            emails += [{"contact_id": contact_id, "email": e, "label": label, "position": k}
                       for k, (e, label) in enumerate(item.emails)]  # fmt: skip
            phones += [
                {"contact_id": contact_id, "e164": p, "digits_reversed": r, "label": label,
                 "position": k}
                for k, (p, r, label) in enumerate(item.phones)
            ]  # fmt: skip
            links += [{"contact_id": contact_id, "url": url, "key": key, "kind": _kind(key)}
                      for url, key in item.links]  # fmt: skip
            tags += [{"contact_id": contact_id, "tag_id": self.tags[fold(t)]} for t in item.tags]
            provenance += [
                {"contact_id": contact_id, "field": name, "import_id": self.run_id,
                 "value": _json(item.values[name])}
                for name in SCALARS if item.values[name] is not None
            ]  # fmt: skip
            keys.append({"owner_id": self.actor.user_id, "key_hash": item.source_key,
                         "contact_id": contact_id, "content_hash": item.content_hash})  # fmt: skip
            if item.note:
                notes.append(
                    {"workspace_id": self.actor.workspace_id, "owner_id": self.actor.user_id,
                     "visibility": self.visibility, "contact_id": contact_id,
                     "organization_id": None, "body": item.note, "created_at": now,
                     "updated_at": now, "deleted_at": None}
                )  # fmt: skip
            if item.organization:
                org_id = self.orgs[item.org_key or common.organization_key(item.organization)]
                positions.append(
                    (contact_id, {"contact_id": contact_id, "organization_id": org_id,
                                  "title": item.title, "start_date": None, "end_date": None})
                )  # fmt: skip
            for name, title in item.more_positions:
                org_id = self.orgs[common.organization_key(name)]
                positions.append(
                    (-contact_id, {"contact_id": contact_id, "organization_id": org_id,
                                   "title": title, "start_date": None, "end_date": None})
                )  # fmt: skip
        for table, table_rows in (
            ("contact_emails", emails), ("contact_phones", phones), ("contact_links", links),
            ("contact_tags", tags), ("notes", notes), ("import_keys", keys),
        ):  # fmt: skip
            insert_rows(self.session, table, table_rows)
        if positions:
            position_ids = insert_with_ids(self.session, "positions", [r for _, r in positions])
            for (tagged, _), position_id in zip(positions, position_ids, strict=True):
                contact_id = abs(tagged)
                self.change("positions", position_id, "created", contact_id)
                if tagged < 0:
                    continue  # a further organization: not the one updates follow
                provenance.append(
                    {"contact_id": contact_id, "field": "current_position",
                     "import_id": self.run_id, "value": position_id}
                )  # fmt: skip
        insert_rows(self.session, "field_provenance", provenance)

    # -- contacts that exist: through the ORM, loaded together -------------------

    def _load(self, ids: Sequence[int]) -> Existing:
        loaded = Existing({}, {}, {}, {})
        unique = sorted(set(ids))
        for chunk in _chunked(unique):
            for contact in self.session.scalars(select(Contact).where(Contact.id.in_(chunk))):
                loaded.contacts[contact.id] = contact
            for row in self.session.scalars(
                select(FieldProvenance).where(FieldProvenance.contact_id.in_(chunk))
            ):
                loaded.provenance[(row.contact_id, row.field)] = row
            for contact_id, key in self.session.execute(
                select(ContactLink.contact_id, ContactLink.key).where(
                    ContactLink.contact_id.in_(chunk)
                )
            ):
                loaded.links.setdefault(contact_id, set()).add(key)
            for position in self.session.scalars(
                select(Position)
                .where(Position.contact_id.in_(chunk), Position.end_date.is_(None))
                .order_by(Position.id)
            ):
                loaded.open_positions.setdefault(position.contact_id, []).append(position)
        return loaded

    @staticmethod
    def _merge_loaded(into: Existing, more: Existing) -> Existing:
        into.contacts.update(more.contacts)
        into.provenance.update(more.provenance)
        into.links.update(more.links)
        into.open_positions.update(more.open_positions)
        return into

    def _provenance(self, existing: Existing, contact_id: int, field: str, value: Any) -> None:
        row = existing.provenance.get((contact_id, field))
        if row is None:
            row = FieldProvenance(
                contact_id=contact_id, field=field, import_id=self.run_id, value=_json(value)
            )
            self.session.add(row)
            existing.provenance[(contact_id, field)] = row
        else:
            row.import_id, row.value = self.run_id, _json(value)

    def _may_write(self, existing: Existing, contact: Contact, field: str) -> bool:
        """Empty, or still holding what an import wrote: not a value the user edited."""
        current = getattr(contact, field)
        if current is None:
            return True
        row = existing.provenance.get((contact.id, field))
        return row is not None and row.value == _json(current)

    def _update(self, existing: Existing, contact_id: int, item: Prepared) -> str:
        contact = existing.contacts[contact_id]
        changed = False
        for name in SCALARS:
            new = item.values[name]
            old = getattr(contact, name)
            if new is None or new == old or not self._may_write(existing, contact, name):
                continue
            setattr(contact, name, new)
            self._provenance(existing, contact.id, name, new)
            self.change("contacts", contact.id, "updated", contact.id, name, old, new)
            changed = True
        if changed and (contact.first_name or contact.last_name):
            contact.first_name, contact.last_name, contact.display_name = person_name(
                contact.first_name, contact.last_name
            )
        added = {k: v for k, v in item.custom.items() if k not in (contact.custom_fields or {})}
        if added:
            old_fields = dict(contact.custom_fields or {})
            contact.custom_fields = {**old_fields, **added}
            self.change("contacts", contact.id, "updated", contact.id, "custom_fields",
                        old_fields, contact.custom_fields)  # fmt: skip
            changed = True
        new_rows: list[tuple[str, Any]] = []
        known = {e.email for e in contact.emails}
        for email, label in item.emails:
            if email not in known:
                row = ContactEmail(email=email, label=label, position=len(contact.emails))
                contact.emails.append(row)
                new_rows.append(("contact_emails", row))
        numbers = {p.e164 for p in contact.phones}
        for e164, reversed_digits, label in item.phones:
            if e164 not in numbers:
                phone = ContactPhone(e164=e164, digits_reversed=reversed_digits, label=label,
                                     position=len(contact.phones))  # fmt: skip
                contact.phones.append(phone)
                new_rows.append(("contact_phones", phone))
        keys = existing.links.setdefault(contact.id, set())
        for url, key in item.links:
            if key not in keys:
                link = ContactLink(contact_id=contact.id, url=url, key=key, kind=_kind(key))
                self.session.add(link)
                keys.add(key)
                new_rows.append(("contact_links", link))
        have_tags = {t.key for t in contact.tags}
        new_tags = [fold(t) for t in item.tags if fold(t) not in have_tags]
        if new_tags:
            # Tags are the user's to curate: added, never removed, not undone.
            self.session.flush()
            insert_rows(
                self.session, "contact_tags",
                [{"contact_id": contact.id, "tag_id": self.tags[k]} for k in new_tags],
            )  # fmt: skip
            self.session.expire(contact, ["tags"])
            changed = True
        position: Position | None = None
        if item.organization:
            position, retitled = self._position(existing, contact, item)
            if position is not None:
                new_rows.append(("positions", position))
            changed = changed or retitled
        for name, title in item.more_positions:
            org_id = self.orgs[common.organization_key(name)]
            held = existing.open_positions.setdefault(contact.id, [])
            if not any(p.organization_id == org_id for p in held):
                extra = Position(contact_id=contact.id, organization_id=org_id, title=title)
                self.session.add(extra)
                held.append(extra)
                new_rows.append(("positions", extra))
        if new_rows:
            self.session.flush()
            for entity, row in new_rows:
                self.change(entity, row.id, "created", contact.id)
            if position is not None:
                self._provenance(existing, contact.id, "current_position", position.id)
            changed = True
        if changed:
            contact.search_key = contact_search_key(
                contact.display_name, contact.nickname, [e.email for e in contact.emails]
            )
            contact.sort_key = fold(
                " ".join(p for p in (contact.last_name, contact.first_name) if p)
            )
            contact.updated_at = utcnow()
        self._remember_key(contact.id, item)
        return "updated" if changed else "unchanged"

    def _remember_key(self, contact_id: int, item: Prepared) -> None:
        row = self.session.scalars(
            select(ImportKey).where(
                ImportKey.owner_id == self.actor.user_id, ImportKey.key_hash == item.source_key
            )
        ).first()
        if row is None:
            self.session.add(
                ImportKey(owner_id=self.actor.user_id, key_hash=item.source_key,
                          contact_id=contact_id, content_hash=item.content_hash)
            )  # fmt: skip
        elif row.contact_id == contact_id:
            row.content_hash = item.content_hash

    def _position(
        self, existing: Existing, contact: Contact, item: Prepared
    ) -> tuple[Position | None, bool]:
        """The current position the source names, when new, and whether an existing one
        changed; a new company ends the one an import recorded before (not positions
        the user entered)."""
        assert item.organization is not None
        org_id = self.orgs[common.organization_key(item.organization)]
        current = existing.open_positions.setdefault(contact.id, [])
        mine = existing.provenance.get((contact.id, "current_position"))
        same = [p for p in current if p.organization_id == org_id]
        if same:
            # Same company: a new title (a promotion) updates the position an import
            # recorded; a position the user entered is theirs.
            ours = next((p for p in same if mine is not None and mine.value == p.id), None)
            if ours is not None and item.title and ours.title != item.title:
                self.change("positions", ours.id, "updated", contact.id, "title",
                            ours.title, item.title)  # fmt: skip
                ours.title = item.title
                return None, True
            return None, False
        for position in list(current):
            if mine is not None and mine.value == position.id:
                today = common.as_date("today", "to", self.actor)
                position.end_date = today
                current.remove(position)
                self.change("positions", position.id, "updated", contact.id, "end_date",
                            None, today)  # fmt: skip
        position = Position(contact_id=contact.id, organization_id=org_id, title=item.title)
        self.session.add(position)
        current.append(position)
        return position, False


def _kind(key: str) -> str:
    return "linkedin" if "linkedin." in key else "web"


def _json(value: Any) -> Any:
    """A JSON-able form for provenance and undo (dates as ISO strings)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
