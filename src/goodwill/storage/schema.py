"""Typed declarative models. Enums are stored as strings; times as naive UTC."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    and_,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC on every database; hands back aware UTC datetimes."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


# Folded search and sort keys: unbounded (folding can lengthen text: 'ß' -> 'ss'),
# and compared byte-wise on PostgreSQL as on SQLite, so order never depends on a
# server's locale.
FoldedKey = Text().with_variant(Text(collation="C"), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    default_region: Mapped[str] = mapped_column(String(2), default="US")
    # Addresses the user sends from besides their login email (`goodwill config my-emails`).
    my_emails: Mapped[list[str] | None] = mapped_column(JSON)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]


class Workspace(Base):
    __tablename__ = "workspaces"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    default_visibility: Mapped[str] = mapped_column(String(16), default="private")
    # Salt for the hashed identity keys of forgotten people (see Suppression).
    suppression_salt: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(32))
    created_at: Mapped[datetime]
    # Relationship-strength settings that differ from domain.strength's defaults.
    strength_settings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Default keep-in-touch cadence per tier where it differs from domain.people's, by
    # tier name ({"inner": 45}); None: the domain defaults.
    cadence_defaults: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # owner | admin | member
    # A removed member's row stays (removed_at set) for the 30-day export window: such a
    # row is NOT a membership anywhere else — every query of members filters it out.
    removed_at: Mapped[datetime | None]
    exported_at: Mapped[datetime | None]  # a removed member exported their private records
    last_used_at: Mapped[datetime | None]  # the default workspace at login is the last used


class Owned:
    """Columns every owned record carries: workspace, owner, visibility, soft delete."""

    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    visibility: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]


class Organization(Owned, Base):
    __tablename__ = "organizations"
    # Name lookups are always within a workspace: without the pair, the planner takes
    # the workspace index and reads every organization of it (bench/README.md).
    __table_args__ = (Index("ix_organizations_workspace_name_key", "workspace_id", "name_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(FoldedKey, index=True)
    domain: Mapped[str | None] = mapped_column(String(253))
    description: Mapped[str | None] = mapped_column(Text)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    archived_at: Mapped[datetime | None]
    import_id: Mapped[int | None] = mapped_column(Integer, index=True)
    tags: Mapped[list[Tag]] = relationship(secondary="organization_tags", lazy="selectin")


class Contact(Owned, Base):
    __tablename__ = "contacts"
    __table_args__ = (
        # Covers the CardDAV change fingerprint (services/_dav_sync.py): an index scan, not
        # a scan of the wide contact rows.
        Index("ix_contacts_dav_fingerprint", "workspace_id", "visibility", "owner_id",
              "updated_at", "deleted_at"),
        # The API's pages by when added and by when changed (migration 0009).
        Index("ix_contacts_created_at", "created_at"),
        Index("ix_contacts_updated_at", "updated_at"),
    )  # fmt: skip
    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(401))
    nickname: Mapped[str | None] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(FoldedKey)
    sort_key: Mapped[str] = mapped_column(FoldedKey, index=True)
    how_met: Mapped[str | None] = mapped_column(String(500))
    met_on: Mapped[date | None] = mapped_column(Date)
    tier: Mapped[str | None] = mapped_column(String(1))
    cadence_days: Mapped[int | None]
    custom_fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    archived_at: Mapped[datetime | None]
    import_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # The day (days since 1970-01-01, in the owner's time zone) the keep-in-touch
    # cadence counts from, as the owner sees it: their last touch, else when met,
    # else when added. Kept by storage.aggregates so `today` ranks lapsed contacts
    # in SQL with integer arithmetic, the same on every database.
    touch_anchor_day: Mapped[int | None]
    birthday_month: Mapped[int | None]
    birthday_day: Mapped[int | None]
    birthday_year: Mapped[int | None]  # None with a month and day: the year is unknown
    addresses: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # What goodwill does not model, kept verbatim so a vCard round trip loses nothing.
    photo: Mapped[str | None] = mapped_column(Text)
    vcard_extra: Mapped[list[str] | None] = mapped_column(JSON)
    vcard_uid: Mapped[str | None] = mapped_column(String(255))

    emails: Mapped[list[ContactEmail]] = relationship(
        back_populates="contact",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="ContactEmail.position",
    )
    phones: Mapped[list[ContactPhone]] = relationship(
        back_populates="contact",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="ContactPhone.position",
    )
    tags: Mapped[list[Tag]] = relationship(secondary="contact_tags", lazy="selectin")


# `today` finds the contacts going cold with a range on the day their cadence lapses
# (touch_anchor_day + cadence_days) and ranks them from this index alone: 11,700 lapsed
# of 100,000 contacts are counted in about 1 ms and ranked in 3 ms, against 50 ms and
# 45 ms scanning the owner's contacts (services.agenda._lapsed writes the same sum).
# SQLAlchemy cannot reflect an expression index on SQLite: a migration that batch-alters
# `contacts` (which rebuilds the table from reflection) would lose it. Alter it in place.
_LIVE_WITH_CADENCE = and_(
    Contact.deleted_at.is_(None), Contact.archived_at.is_(None), Contact.cadence_days.is_not(None)
)
# The trash is small: entries about trashed contacts are found from here.
Index(
    "ix_contacts_trashed",
    Contact.workspace_id,
    Contact.id,
    sqlite_where=Contact.deleted_at.is_not(None),
    postgresql_where=Contact.deleted_at.is_not(None),
)
Index(
    "ix_contacts_lapse_day",
    Contact.owner_id,
    Contact.workspace_id,
    Contact.touch_anchor_day + Contact.cadence_days,
    Contact.cadence_days,
    Contact.sort_key,
    sqlite_where=_LIVE_WITH_CADENCE,
    postgresql_where=_LIVE_WITH_CADENCE,
)


class ContactEmail(Base):
    __tablename__ = "contact_emails"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(320), index=True)
    label: Mapped[str | None] = mapped_column(String(50))
    position: Mapped[int] = mapped_column(default=0)
    contact: Mapped[Contact] = relationship(back_populates="emails")


class ContactPhone(Base):
    __tablename__ = "contact_phones"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    e164: Mapped[str] = mapped_column(String(20))
    digits_reversed: Mapped[str] = mapped_column(String(20), index=True)
    label: Mapped[str | None] = mapped_column(String(50))
    position: Mapped[int] = mapped_column(default=0)
    contact: Mapped[Contact] = relationship(back_populates="phones")


class Tag(Base):
    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"))
    name: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(FoldedKey)


class ContactTag(Base):
    __tablename__ = "contact_tags"
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class OrganizationTag(Base):
    __tablename__ = "organization_tags"
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Position(Base):
    """A contact's title at an organization over time ("role" is for memberships)."""

    __tablename__ = "positions"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)


class Interaction(Owned, Base):
    __tablename__ = "interactions"
    __table_args__ = (UniqueConstraint("owner_id", "external_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    channel: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str | None] = mapped_column(Text)
    initiator: Mapped[str] = mapped_column(String(8))  # me | them
    recipients: Mapped[int] = mapped_column(default=1)
    import_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # Message-ID, or calendar UID + RECURRENCE-ID: what makes a re-import a no-op.
    external_key: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[str | None] = mapped_column(Text)


class InteractionParticipant(Base):
    __tablename__ = "interaction_participants"
    __table_args__ = (Index("ix_participants_contact_interaction", "contact_id", "interaction_id"),)
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )


class ContactTouch(Base):
    """Per-contact aggregate of interactions, kept per (owner, visibility) of the interactions.

    Keeping it per owner and visibility lets each viewer combine only the rows
    they may see, so a teammate's private touch never shows through.
    """

    __tablename__ = "contact_touches"
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    visibility: Mapped[str] = mapped_column(String(16), primary_key=True)
    first_at: Mapped[datetime]
    last_at: Mapped[datetime]
    touches: Mapped[int]
    # For relationship strength (domain.strength.Touches): who started the touches,
    # and touches decayed to last_at (the workspace's half-life), per channel class,
    # each weighted 1/sqrt(recipients).
    by_me: Mapped[int] = mapped_column(default=0, server_default="0")
    by_them: Mapped[int] = mapped_column(default=0, server_default="0")
    d_meeting: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    d_call: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    d_message: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    d_email: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    d_social: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    d_them: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")


class Note(Owned, Base):
    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_created_at", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)


class Task(Owned, Base):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_owner_open_due", "owner_id", "done_at", "due_at"),
        UniqueConstraint("owner_id", "external_key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    due_at: Mapped[datetime | None]
    all_day: Mapped[bool] = mapped_column(default=True)
    snoozed_until: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    recurrence: Mapped[str | None] = mapped_column(String(16))
    # The first due time of a repeating series: each occurrence counts from it, so a
    # monthly task on the 31st comes back on the 31st after a short month.
    series_due_at: Mapped[datetime | None]
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    # A step of an ask's plan: which ask, in what order, by which channel.
    ask_id: Mapped[int | None] = mapped_column(
        ForeignKey("asks.id", ondelete="CASCADE"), index=True
    )
    step_order: Mapped[int | None]
    channel: Mapped[str | None] = mapped_column(String(100))
    import_id: Mapped[int | None] = mapped_column(Integer, index=True)
    external_key: Mapped[str | None] = mapped_column(String(500))


class LedgerEntry(Owned, Base):
    """Something given to or received from a contact (an intro made is one entry: gave)."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        Index("ix_ledger_owner_counterpart", "owner_id", "counterpart_id"),
        Index("ix_ledger_owner_occurred", "owner_id", "occurred_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(8))  # gave | received
    kind: Mapped[str] = mapped_column(String(16))
    counterpart_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    related_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    weight: Mapped[int]
    occurred_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    ask_id: Mapped[int | None] = mapped_column(
        ForeignKey("asks.id", ondelete="SET NULL"), index=True
    )
    import_id: Mapped[int | None] = mapped_column(Integer, index=True)


class LedgerMonthTotal(Base):
    """Each owner's live ledger entries (out of the trash) summed per month and
    direction. Kept by database triggers on ledger_entries (migration 0016), so every
    way an entry is written, moved or removed keeps it exact; the ledger's history reads
    these few rows instead of every entry."""

    __tablename__ = "ledger_month_totals"
    workspace_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # its first day
    direction: Mapped[str] = mapped_column(String(8), primary_key=True)
    weight: Mapped[int] = mapped_column(BigInteger)
    entries: Mapped[int] = mapped_column(BigInteger)


class LedgerCounterpartTotal(Base):
    """Each owner's live ledger entries summed per counterpart (kept as
    LedgerMonthTotal is): the takers list and balances without a pass over every entry."""

    __tablename__ = "ledger_counterpart_totals"
    __table_args__ = (
        Index("ix_ledger_counterpart_totals_balance", "workspace_id", "owner_id", "balance"),
    )
    workspace_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    counterpart_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    given: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int] = mapped_column(BigInteger)
    given_count: Mapped[int] = mapped_column(BigInteger)
    received_count: Mapped[int] = mapped_column(BigInteger)
    balance: Mapped[int] = mapped_column(BigInteger)  # given - received


class Ask(Owned, Base):
    """Something the user asks of a contact, with its homework, plan and outcome."""

    __tablename__ = "asks"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    what: Mapped[str] = mapped_column(Text)
    why_them: Mapped[str] = mapped_column(Text)
    why_target_cares: Mapped[str | None] = mapped_column(Text)
    blurb: Mapped[str | None] = mapped_column(Text)
    target_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    target_description: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(Text)
    asked_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class Suppression(Base):
    """A forgotten person's identity key, kept only as a salted SHA-256 hash."""

    __tablename__ = "suppressions"
    __table_args__ = (UniqueConstraint("workspace_id", "key_hash"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # email | phone | url
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class ContactLink(Base):
    """A profile URL (LinkedIn and the like): an identity key for imports."""

    __tablename__ = "contact_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(String(500), index=True)  # normalized: host + path
    kind: Mapped[str] = mapped_column(String(32))  # linkedin | web


class Import(Base):
    """One run of `goodwill import`: what, by whom, how far it got, what it did."""

    __tablename__ = "imports"
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    format: Mapped[str] = mapped_column(String(32))
    source_name: Mapped[str] = mapped_column(String(500))
    source_hash: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))  # running | completed | undone
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    checkpoint: Mapped[int] = mapped_column(default=0)  # records done and committed
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class ContactRelation(Base):
    """Two contacts who know each other (`goodwill knows A B`), for warm paths.

    Stored once per pair, the smaller contact id first; strength 0–1.
    """

    __tablename__ = "contact_relations"
    __table_args__ = (
        UniqueConstraint("owner_id", "contact_a_id", "contact_b_id"),
        CheckConstraint("contact_a_id < contact_b_id", name="ordered"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    visibility: Mapped[str] = mapped_column(String(16))
    contact_a_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    contact_b_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    strength: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]


class ImportChange(Base):
    """What an import did to one row, so `goodwill import undo` can take it back."""

    __tablename__ = "import_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"), index=True)
    entity: Mapped[str] = mapped_column(String(32))  # table name
    entity_id: Mapped[int]
    # The contact the change is about: forgetting them takes their history with them.
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(16))  # created | updated
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[Any | None] = mapped_column(JSON)
    new_value: Mapped[Any | None] = mapped_column(JSON)


class ImportKey(Base):
    """A source record's own identity (e.g. LinkedIn name + company), for idempotent
    re-imports of records that carry no email or profile URL."""

    __tablename__ = "import_keys"
    __table_args__ = (UniqueConstraint("owner_id", "key_hash"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key_hash: Mapped[str] = mapped_column(String(64))
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    # What the record said when last imported: an identical record is "unchanged"
    # without reading the contact (a re-run of a 100k-row file reads only these).
    content_hash: Mapped[str | None] = mapped_column(String(64))


class FieldProvenance(Base):
    """Which import last wrote a contact field, and what it wrote.

    An import may change a field again only while it still holds what an import
    wrote: a value the user edited by hand is theirs.
    """

    __tablename__ = "field_provenance"
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    import_id: Mapped[int] = mapped_column(Integer)
    value: Mapped[Any | None] = mapped_column(JSON)


class Merge(Base):
    """A record of two contacts merged into one (the other's id is gone)."""

    __tablename__ = "merges"
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kept_contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    merged_contact_id: Mapped[int]
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    merged_at: Mapped[datetime]


class DuplicateDismissal(Base):
    """A duplicate suggestion the user said is not one (it does not come back)."""

    __tablename__ = "duplicate_dismissals"
    __table_args__ = (UniqueConstraint("owner_id", "contact_a_id", "contact_b_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    contact_a_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    contact_b_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))


class StoredDuplicate(Base):
    """A likely duplicate pair found by the user's last scan (services.dedupe), with its
    score and reasons then: a page of them is re-scored with the current data when shown.

    Best first is (score, contact_a_id, contact_b_id) all descending, which the
    ascending index serves read backwards (a DESC column would make it an expression
    index). Deleting a contact (forget, undo, merge) deletes its pairs with it."""

    __tablename__ = "duplicate_candidates"
    __table_args__ = (
        Index(
            "ix_duplicate_candidates_best",
            "owner_id",
            "workspace_id",
            "score",
            "contact_a_id",
            "contact_b_id",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"))
    contact_a_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )  # the smaller id
    contact_b_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[int]
    reasons: Mapped[list[str]] = mapped_column(JSON)
    scanned_at: Mapped[datetime]


class DuplicateScan(Base):
    """A user's duplicate scan in a workspace: running or not, and when the stored pairs
    were found (one row per user and workspace)."""

    __tablename__ = "duplicate_scans"
    __table_args__ = (UniqueConstraint("owner_id", "workspace_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"))
    status: Mapped[str] = mapped_column(String(16))  # running | done | failed
    started_at: Mapped[datetime]
    scanned_at: Mapped[datetime | None]  # when the stored pairs were found
    pairs: Mapped[int] = mapped_column(default=0)
    notes: Mapped[list[str]] = mapped_column(JSON, default=list)
    failure: Mapped[str | None] = mapped_column(String(500))
    # While it runs, in its own process: pairs scored of how many, and when it last
    # wrote (a scan silent for long died with its process).
    scored: Mapped[int | None]
    to_score: Mapped[int | None]
    heartbeat_at: Mapped[datetime | None]


# -- Relationship intelligence II: discovery, needs and offers, introductions ----------


class DiscoveryAnswer(Owned, Base):
    """One dated answer to a discovery question about a contact or an organization.

    Answers are never overwritten: a new answer to the same question is a new row, so
    the user sees what they learned and when.
    """

    __tablename__ = "discovery_answers"
    __table_args__ = (
        CheckConstraint("(contact_id IS NULL) <> (organization_id IS NULL)", name="one_subject"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    question: Mapped[str] = mapped_column(String(16))  # domain.discovery.QUESTIONS
    answer: Mapped[str] = mapped_column(Text)
    learned_on: Mapped[date] = mapped_column(Date)


class NeedOffer(Owned, Base):
    """Something a contact needs or offers: free text plus tags, dated, maybe expiring."""

    __tablename__ = "needs_offers"
    id: Mapped[int] = mapped_column(primary_key=True)
    # None: the user's own (an article they can send, a skill they can lend).
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8))  # need | offer
    text: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    noted_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None]  # met, or no longer true


class GiveDismissal(Base):
    """A way-to-give suggestion the user dismissed: it does not come back."""

    __tablename__ = "give_dismissals"
    __table_args__ = (UniqueConstraint("owner_id", "suggestion_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    suggestion_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class Introduction(Owned, Base):
    """A double-opt-in introduction the user makes: requester → target.

    status follows domain.intros (requested → … → made → outcome); every move is an
    IntroductionEvent.
    """

    __tablename__ = "introductions"
    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    target_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))  # inbound | suggested | mine
    goal: Mapped[str | None] = mapped_column(Text)  # what the requester is trying to do
    why_target: Mapped[str | None] = mapped_column(Text)  # why the target would want it
    blurb: Mapped[str | None] = mapped_column(Text)  # what to say to the target
    outcome: Mapped[str | None] = mapped_column(String(16))  # met | business | no-follow-up
    outcome_note: Mapped[str | None] = mapped_column(Text)
    need_id: Mapped[int | None] = mapped_column(
        ForeignKey("needs_offers.id", ondelete="SET NULL"), index=True
    )
    offer_id: Mapped[int | None] = mapped_column(
        ForeignKey("needs_offers.id", ondelete="SET NULL"), index=True
    )
    consent_at: Mapped[datetime | None]  # the target agreed
    made_at: Mapped[datetime | None]
    ledger_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_entries.id", ondelete="SET NULL")
    )
    follow_up_task_id: Mapped[int | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="SET NULL")
    )


class IntroductionEvent(Base):
    """One move of an introduction, from one state to the next."""

    __tablename__ = "introduction_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    introduction_id: Mapped[int] = mapped_column(
        ForeignKey("introductions.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]


class MessageTemplate(Base):
    """A user's own wording of a generated message (`goodwill template edit NAME`)."""

    __tablename__ = "message_templates"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]


# -- Pipelines: deals and the user's own job search ------------------------------------


class Pipeline(Owned, Base):
    """A pipeline of kind sales, job_search or custom, with its ordered stages."""

    __tablename__ = "pipelines"
    __table_args__ = (UniqueConstraint("owner_id", "name_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(FoldedKey)
    kind: Mapped[str] = mapped_column(String(16))  # sales | job_search | custom
    # Job search: the yearly salary aimed at, for the cost of delay (currency below).
    # Money is stored exactly as an integer of ten-thousandths (Decimal × 10⁴) on both
    # databases (SQLite has no decimal type); services hand out Decimal.
    target_salary_e4: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    started_on: Mapped[date | None] = mapped_column(Date)  # when the search (or selling) began


class PipelineStage(Base):
    """One stage of a pipeline: its place, win probability, and whether it ends the run."""

    __tablename__ = "pipeline_stages"
    __table_args__ = (
        UniqueConstraint("pipeline_id", "position", name="uq_pipeline_stages_position"),
        UniqueConstraint("pipeline_id", "name_key", name="uq_pipeline_stages_name_key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    pipeline_id: Mapped[int] = mapped_column(
        ForeignKey("pipelines.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(50))
    name_key: Mapped[str] = mapped_column(FoldedKey)
    position: Mapped[int]
    probability: Mapped[float] = mapped_column(Float)  # 0–1
    outcome: Mapped[str | None] = mapped_column(String(16))  # None (open) | won | lost


class Opportunity(Owned, Base):
    """A deal, or a job application: where it stands, what it is worth, where it came from."""

    __tablename__ = "opportunities"
    __table_args__ = (Index("ix_opportunities_pipeline_stage", "pipeline_id", "stage_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    pipeline_id: Mapped[int] = mapped_column(ForeignKey("pipelines.id"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("pipeline_stages.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    value_e4: Mapped[int | None] = mapped_column(BigInteger)  # deal amount, or salary (× 10⁴)
    currency: Mapped[str | None] = mapped_column(String(3))  # ISO 4217
    # Where it came from: cold | referral | introduction | inbound | other; the person
    # (and the received ledger entry) behind a referral or introduction.
    source: Mapped[str] = mapped_column(String(16))
    source_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    source_ledger_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_entries.id", ondelete="SET NULL")
    )
    introduction_id: Mapped[int | None] = mapped_column(
        ForeignKey("introductions.id", ondelete="SET NULL")
    )
    next_task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[str | None] = mapped_column(Text)  # why lost / qualified out
    # Partnership health.
    benefit_us: Mapped[str | None] = mapped_column(Text)
    benefit_them: Mapped[str | None] = mapped_column(Text)
    health: Mapped[str | None] = mapped_column(String(8))  # good | watch | poor
    # Job search: referral asked / received for this application; the offer.
    referral_asked_on: Mapped[date | None] = mapped_column(Date)
    referral_received_on: Mapped[date | None] = mapped_column(Date)
    offer: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class OpportunityEvent(Base):
    """A stage move (from → to, never an overwrite) or a note on an opportunity."""

    __tablename__ = "opportunity_events"
    __table_args__ = (Index("ix_opportunity_events_opportunity_at", "opportunity_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # stage | note
    from_stage_id: Mapped[int | None] = mapped_column(ForeignKey("pipeline_stages.id"))
    to_stage_id: Mapped[int | None] = mapped_column(ForeignKey("pipeline_stages.id"))
    at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class RedFlag(Base):
    """A warning sign in a partnership, with its date and evidence."""

    __tablename__ = "red_flags"
    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    flagged_on: Mapped[date] = mapped_column(Date)
    flag: Mapped[str] = mapped_column(String(200))
    evidence: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class InterviewRound(Base):
    """A round of interviews for an application: an interaction with the people met."""

    __tablename__ = "interview_rounds"
    __table_args__ = (UniqueConstraint("opportunity_id", "interaction_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interactions.id", ondelete="CASCADE"), index=True
    )
    round: Mapped[int]
    label: Mapped[str | None] = mapped_column(String(100))  # "phone screen", "onsite"


class ActivityGoal(Base):
    """A weekly activity target of a user (e.g. 10 networking touches, 3 gives)."""

    __tablename__ = "activity_goals"
    __table_args__ = (UniqueConstraint("owner_id", "metric"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    metric: Mapped[str] = mapped_column(String(24))
    weekly_target: Mapped[int]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


# -- The server: tokens, sessions, invitations, login attempts -------------------------


class ApiToken(Base):
    """A personal token (api, dav or feed scope): only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(8))  # api | dav | feed
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in lists, to tell tokens apart
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class WebSession(Base):
    """A server-side web session; the cookie holds a random id whose SHA-256 is stored."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Invitation(Base):
    """An invitation to a workspace by link; the link's token is stored as SHA-256."""

    __tablename__ = "invitations"
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    invited_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(16))  # admin | member
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]


class LoginAttempt(Base):
    """A failed login, for rate limiting per account and per address (across workers)."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class TableVersion(Base):
    """A table's version: bumped by every committed write transaction that wrote it
    (storage.unit_of_work), so a result read from tables at these versions is current
    while they still read the same (storage.memo: the reports' cache). `*` stands for a
    change of unknown reach; a table never written has no row (version 0)."""

    __tablename__ = "table_versions"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


class OpportunityChange(Base):
    """An opportunity whose row or events were written, and the version of this table
    the writing transaction committed at (stamped by UnitOfWork.write, so versions
    follow commit order). Appended by database triggers on opportunities and
    opportunity_events (migration 0018); the pipeline reports' stage tracks
    (services._stage_tracks) re-read only the opportunities changed since they were
    read. Old rows are pruned (storage.memo.CHANGE_RETENTION)."""

    __tablename__ = "opportunity_changes"
    __table_args__ = (Index("ix_opportunity_changes_version", "version"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(Integer)  # no key: the row may be gone
    version: Mapped[int | None] = mapped_column(BigInteger)  # NULL until its commit


class DavAddressBook(Base):
    """A user's CardDAV address book in a workspace: its sync revision and the fingerprint
    of the workspace's contact data when its cards were last compared (services/_dav_sync)."""

    __tablename__ = "dav_address_books"
    __table_args__ = (UniqueConstraint("user_id", "workspace_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    revision: Mapped[int] = mapped_column(default=0)
    fingerprint: Mapped[str | None] = mapped_column(String(64))


class DavCard(Base):
    """One card of an address book: where the client finds it, its ETag, and the revision
    that last changed it. A card that leaves (deleted, no longer visible) stays as `gone`,
    so a sync-collection report can name it; contact_id has no foreign key on purpose."""

    __tablename__ = "dav_cards"
    __table_args__ = (
        UniqueConstraint("book_id", "href"),
        UniqueConstraint("book_id", "contact_id", name="uq_dav_cards_book_contact"),
        Index("ix_dav_cards_book_revision", "book_id", "revision"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("dav_address_books.id", ondelete="CASCADE"))
    contact_id: Mapped[int]
    href: Mapped[str] = mapped_column(String(255))
    etag: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int]
    gone: Mapped[bool] = mapped_column(default=False)
