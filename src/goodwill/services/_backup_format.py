"""The backup document: one pydantic model per record type (`extra="forbid"`).

The models say what a record carries: export writes exactly their fields, and
restore accepts nothing else.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    StringConstraints,
)

from goodwill.domain.asks import AskKind, AskStatus
from goodwill.domain.dates import zone
from goodwill.domain.interactions import MAX_RECIPIENTS, Channel, Initiator
from goodwill.domain.ledger import WEIGHT_MAX, WEIGHT_MIN, Direction, LedgerKind
from goodwill.domain.people import (
    MAX_CADENCE_DAYS,
    Tier,
    Visibility,
    validate_region,
)
from goodwill.domain.privacy import SuppressionKind
from goodwill.domain.tasks import Recurrence
from goodwill.services._backup_records import (
    DiscoveryRecord,
    DismissalRecord,
    GoalRecord,
    IntroductionRecord,
    NeedOfferRecord,
    OpportunityRecord,
    PipelineRecord,
    TemplateRecord,
)
from goodwill.services._backup_types import (
    AnyText,
    Count,
    DisplayName,
    Domain,
    FieldKey,
    FieldValue,
    Id,
    Label,
    LongText,
    Name,
    Owned,
    Record,
    Short,
    StepChannel,
    TagName,
    When,
    _checked,
    _email,
    _phone,
    _text,
    _user_email,
)

FORMAT = "goodwill-backup"
VERSION = 1
SUPPORTED_VERSIONS = (VERSION,)


class EmailRecord(Record):
    email: Annotated[str, Field(max_length=320), AfterValidator(_email)]
    label: Label | None = None
    position: Count = 0


class PhoneRecord(Record):
    e164: Annotated[str, StringConstraints(max_length=20), AfterValidator(_phone)]
    label: Label | None = None
    position: Count = 0


class LinkRecord(Record):
    url: LongText
    kind: Annotated[str, _text(32)]


class AddressRecord(Record):
    label: Short | None = None
    street: LongText | None = None
    city: Short | None = None
    region: Short | None = None
    postal_code: Short | None = None
    country: Short | None = None


class ContactRecord(Owned):
    display_name: DisplayName
    first_name: Name | None = None
    last_name: Name | None = None
    nickname: Name | None = None
    how_met: Short | None = None
    met_on: date | None = None
    tier: Tier | None = None
    cadence_days: Annotated[int, Field(ge=1, le=MAX_CADENCE_DAYS, strict=True)] | None = None
    custom_fields: dict[FieldKey, FieldValue] = Field(default_factory=dict)
    archived_at: When | None = None
    birthday_month: Annotated[int, Field(ge=1, le=12, strict=True)] | None = None
    birthday_day: Annotated[int, Field(ge=1, le=31, strict=True)] | None = None
    birthday_year: Annotated[int, Field(ge=1, le=9999, strict=True)] | None = None
    addresses: list[AddressRecord] | None = None
    photo: AnyText | None = None
    vcard_extra: list[AnyText] | None = None
    vcard_uid: Annotated[str, _text(255)] | None = None
    emails: list[EmailRecord] = Field(default_factory=list)
    phones: list[PhoneRecord] = Field(default_factory=list)
    tags: list[TagName] = Field(default_factory=list)
    links: list[LinkRecord] = Field(default_factory=list)


class OrganizationRecord(Owned):
    name: Name
    domain: Domain | None = None
    description: LongText | None = None
    custom_fields: dict[FieldKey, FieldValue] = Field(default_factory=dict)
    archived_at: When | None = None
    tags: list[TagName] = Field(default_factory=list)


class PositionRecord(Record):
    id: Id
    contact_id: Id
    organization_id: Id
    title: Name | None = None
    start_date: date | None = None
    end_date: date | None = None


class InteractionRecord(Owned):
    occurred_at: When
    channel: Channel
    summary: LongText | None = None
    initiator: Initiator
    recipients: Annotated[int, Field(ge=1, le=MAX_RECIPIENTS, strict=True)] = 1
    external_key: Short | None = None
    body: AnyText | None = None
    participants: list[Id] = Field(default_factory=list)


class NoteRecord(Owned):
    contact_id: Id | None = None
    organization_id: Id | None = None
    body: LongText


class TaskRecord(Owned):
    title: Short
    due_at: When | None = None
    all_day: bool = True
    snoozed_until: When | None = None
    done_at: When | None = None
    recurrence: Recurrence | None = None
    series_due_at: When | None = None
    contact_id: Id | None = None
    ask_id: Id | None = None
    step_order: Count | None = None
    channel: StepChannel | None = None
    external_key: Short | None = None


class LedgerRecord(Owned):
    direction: Direction
    kind: LedgerKind
    counterpart_id: Id
    related_contact_id: Id | None = None
    weight: Annotated[int, Field(ge=WEIGHT_MIN, le=WEIGHT_MAX, strict=True)]
    occurred_on: date
    note: LongText | None = None
    ask_id: Id | None = None


class AskRecord(Owned):
    contact_id: Id
    kind: AskKind
    what: AnyText
    why_them: AnyText
    why_target_cares: LongText | None = None
    blurb: LongText | None = None
    target_contact_id: Id | None = None
    target_description: Short | None = None
    status: AskStatus
    outcome: LongText | None = None
    asked_at: When | None = None
    closed_at: When | None = None


class RelationRecord(Record):
    """Two contacts who know each other (`goodwill knows`), the smaller id first."""

    id: Id
    owner_id: Id
    visibility: Visibility
    contact_a_id: Id
    contact_b_id: Id
    strength: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
    note: Annotated[str, _text(500)] | None = None
    created_at: When


class SuppressionRecord(Record):
    id: Id
    kind: SuppressionKind
    key_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    created_at: When


class UserRecord(Record):
    id: Id
    email: Annotated[str, Field(max_length=320), AfterValidator(_user_email)]
    name: Name
    timezone: Annotated[str, Field(max_length=64), _checked(lambda v: zone(v).key, "timezone")]
    default_region: Annotated[str, _checked(validate_region, "region")]
    role: Literal["owner", "admin", "member"] | None = None


CadenceDays = Annotated[int, Field(ge=1, le=MAX_CADENCE_DAYS, strict=True)]


class WorkspaceRecord(Record):
    name: Name
    default_visibility: Visibility
    # The tiers whose default cadence the workspace changed, by name (absent: none).
    cadence_defaults: dict[Literal["inner", "network", "wider"], CadenceDays] | None = None
    suppression_salt: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None


class BackupDocument(Record):
    format: str
    version: int
    exported_by: str
    workspace: WorkspaceRecord
    users: list[UserRecord]
    contacts: list[ContactRecord] = Field(default_factory=list)
    organizations: list[OrganizationRecord] = Field(default_factory=list)
    positions: list[PositionRecord] = Field(default_factory=list)
    interactions: list[InteractionRecord] = Field(default_factory=list)
    notes: list[NoteRecord] = Field(default_factory=list)
    tasks: list[TaskRecord] = Field(default_factory=list)
    ledger: list[LedgerRecord] = Field(default_factory=list)
    asks: list[AskRecord] = Field(default_factory=list)
    relations: list[RelationRecord] = Field(default_factory=list)
    suppressions: list[SuppressionRecord] = Field(default_factory=list)
    discovery: list[DiscoveryRecord] = Field(default_factory=list)
    introductions: list[IntroductionRecord] = Field(default_factory=list)
    templates: list[TemplateRecord] = Field(default_factory=list)
    needs_offers: list[NeedOfferRecord] = Field(default_factory=list)
    dismissals: list[DismissalRecord] = Field(default_factory=list)
    pipelines: list[PipelineRecord] = Field(default_factory=list)
    opportunities: list[OpportunityRecord] = Field(default_factory=list)
    goals: list[GoalRecord] = Field(default_factory=list)


RECORD_LISTS = (
    "users",
    "contacts",
    "organizations",
    "positions",
    "interactions",
    "notes",
    "tasks",
    "ledger",
    "asks",
    "relations",
    "suppressions",
    "discovery",
    "introductions",
    "templates",
    "needs_offers",
    "dismissals",
    "pipelines",
    "opportunities",
    "goals",
)
NESTED = frozenset(
    {"emails", "phones", "tags", "participants", "links", "events", "stages", "red_flags", "rounds"}
)


def document_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The columns a record type carries in the document (its nested lists aside)."""
    return tuple(name for name in model.model_fields if name not in NESTED)
