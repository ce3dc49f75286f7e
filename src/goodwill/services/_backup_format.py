"""The backup document: one pydantic model per record type (`extra="forbid"`).

The models say what a record carries: export writes exactly their fields, and
restore accepts nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from goodwill.domain.asks import AskKind, AskStatus
from goodwill.domain.dates import zone
from goodwill.domain.discovery import ANSWER_MAX, question
from goodwill.domain.giving import TEXT_MAX as GIVING_TEXT_MAX
from goodwill.domain.giving import ItemKind, normalize_tags
from goodwill.domain.goals import TARGET_MAX as GOAL_TARGET_MAX
from goodwill.domain.goals import GoalMetric
from goodwill.domain.interactions import MAX_RECIPIENTS, Channel, Initiator
from goodwill.domain.intros import (
    IntroOutcome,
    IntroSource,
    IntroStatus,
    check_template,
    check_template_name,
)
from goodwill.domain.ledger import WEIGHT_MAX, WEIGHT_MIN, Direction, LedgerKind
from goodwill.domain.money import parse_currency
from goodwill.domain.people import (
    MAX_CADENCE_DAYS,
    Tier,
    Visibility,
    normalize_email,
    normalize_phone,
    validate_region,
)
from goodwill.domain.pipelines import (
    FLAG_MAX,
    LABEL_MAX,
    PIPELINE_NAME_MAX,
    POSITION_MAX,
    STAGE_NAME_MAX,
    TITLE_MAX,
    Health,
    PipelineKind,
    StageOutcome,
)
from goodwill.domain.pipelines import EventKind as OppEventKind
from goodwill.domain.pipelines import Source as OppSource
from goodwill.domain.privacy import SuppressionKind
from goodwill.domain.tasks import Recurrence
from goodwill.domain.text import BODY_MAX, SHORT_MAX, clean_text, fold
from goodwill.errors import GoodwillError

FORMAT = "goodwill-backup"
VERSION = 1
SUPPORTED_VERSIONS = (VERSION,)
INT4_MAX = 2**31 - 1  # ids and counts are 32-bit integers on PostgreSQL


def _checked(fn: Callable[[Any], Any], kind: str) -> AfterValidator:
    """Run a goodwill rule inside pydantic: its error becomes a located validation error."""

    def check(value: Any) -> Any:
        try:
            return fn(value)
        except GoodwillError as exc:
            raise PydanticCustomError(kind, getattr(exc, "reason", exc.message)) from None

    return AfterValidator(check)


def _text(max_len: int, *, multiline: bool = False, blank: bool = False) -> AfterValidator:
    """A string checked like user input (length, controls, NUL), but kept exactly as given."""

    def check(value: str) -> str:
        clean_text(value, "", max_len=max_len, multiline=multiline, required=not blank)
        return value

    return _checked(check, "text")


def _email(value: str) -> str:
    try:
        return normalize_email(value)
    except GoodwillError:
        raise PydanticCustomError("email", "value is not a valid email") from None


def _phone(value: str) -> str:
    if not value.startswith("+"):
        raise PydanticCustomError("phone", "value is not an E.164 phone number (+15551234567)")
    try:
        return normalize_phone(value, "US").e164
    except GoodwillError:
        raise PydanticCustomError("phone", "value is not a valid phone number") from None


def _user_email(value: str) -> str:
    # Accounts may use local addresses ('me@localhost') that contact emails refuse.
    if not re.fullmatch(r"[^@\s]+@[^@\s]+", value):
        raise PydanticCustomError("email", "value is not an email address")
    return value


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _tag_name(value: str) -> str:
    if not fold(value):
        raise PydanticCustomError("tag", "a tag needs letters or digits")
    return value


Id = Annotated[int, Field(ge=1, le=INT4_MAX, strict=True)]
Count = Annotated[int, Field(ge=0, le=INT4_MAX, strict=True)]
When = Annotated[AwareDatetime, AfterValidator(_utc)]
Name = Annotated[str, _text(200)]
DisplayName = Annotated[str, _text(401)]
Domain = Annotated[str, _text(253)]
StepChannel = Annotated[str, _text(100)]
Label = Annotated[str, _text(50)]
Short = Annotated[str, _text(SHORT_MAX)]
LongText = Annotated[str, _text(BODY_MAX, multiline=True)]
AnyText = Annotated[str, _text(BODY_MAX, multiline=True, blank=True)]
TagName = Annotated[str, _text(100), AfterValidator(_tag_name)]
FieldKey = Annotated[str, _text(100)]
FieldValue = Annotated[str, _text(SHORT_MAX * 4)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Owned(_Record):
    id: Id
    owner_id: Id
    visibility: Visibility
    created_at: When
    updated_at: When
    deleted_at: When | None = None


class EmailRecord(_Record):
    email: Annotated[str, Field(max_length=320), AfterValidator(_email)]
    label: Label | None = None
    position: Count = 0


class PhoneRecord(_Record):
    e164: Annotated[str, StringConstraints(max_length=20), AfterValidator(_phone)]
    label: Label | None = None
    position: Count = 0


class LinkRecord(_Record):
    url: LongText
    kind: Annotated[str, _text(32)]


class AddressRecord(_Record):
    label: Short | None = None
    street: LongText | None = None
    city: Short | None = None
    region: Short | None = None
    postal_code: Short | None = None
    country: Short | None = None


class ContactRecord(_Owned):
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


class OrganizationRecord(_Owned):
    name: Name
    domain: Domain | None = None
    description: LongText | None = None
    custom_fields: dict[FieldKey, FieldValue] = Field(default_factory=dict)
    archived_at: When | None = None
    tags: list[TagName] = Field(default_factory=list)


class PositionRecord(_Record):
    id: Id
    contact_id: Id
    organization_id: Id
    title: Name | None = None
    start_date: date | None = None
    end_date: date | None = None


class InteractionRecord(_Owned):
    occurred_at: When
    channel: Channel
    summary: LongText | None = None
    initiator: Initiator
    recipients: Annotated[int, Field(ge=1, le=MAX_RECIPIENTS, strict=True)] = 1
    external_key: Short | None = None
    body: AnyText | None = None
    participants: list[Id] = Field(default_factory=list)


class NoteRecord(_Owned):
    contact_id: Id | None = None
    organization_id: Id | None = None
    body: LongText


class TaskRecord(_Owned):
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


class LedgerRecord(_Owned):
    direction: Direction
    kind: LedgerKind
    counterpart_id: Id
    related_contact_id: Id | None = None
    weight: Annotated[int, Field(ge=WEIGHT_MIN, le=WEIGHT_MAX, strict=True)]
    occurred_on: date
    note: LongText | None = None
    ask_id: Id | None = None


class AskRecord(_Owned):
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


class RelationRecord(_Record):
    """Two contacts who know each other (`goodwill knows`), the smaller id first."""

    id: Id
    owner_id: Id
    visibility: Visibility
    contact_a_id: Id
    contact_b_id: Id
    strength: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
    note: Annotated[str, _text(500)] | None = None
    created_at: When


class DiscoveryRecord(_Owned):
    """One dated answer to a discovery question, about a contact or an organization."""

    contact_id: Id | None = None
    organization_id: Id | None = None
    question: Annotated[str, _checked(lambda v: question(v).key, "question")]
    answer: Annotated[str, _text(ANSWER_MAX, multiline=True)]
    learned_on: date


class IntroEventRecord(_Record):
    from_status: IntroStatus | None = None
    to_status: IntroStatus
    note: LongText | None = None
    at: When


class IntroductionRecord(_Owned):
    """A double-opt-in introduction the user makes, with every move it went through."""

    requester_id: Id
    target_id: Id
    status: IntroStatus
    source: IntroSource
    goal: LongText | None = None
    why_target: LongText | None = None
    blurb: LongText | None = None
    outcome: IntroOutcome | None = None
    outcome_note: LongText | None = None
    consent_at: When | None = None
    made_at: When | None = None
    ledger_entry_id: Id | None = None
    follow_up_task_id: Id | None = None
    need_id: Id | None = None
    offer_id: Id | None = None
    events: list[IntroEventRecord] = Field(default_factory=list)


class NeedOfferRecord(_Owned):
    """Something a contact needs or offers (no contact: the user's own offer)."""

    contact_id: Id | None = None
    kind: ItemKind
    text: Annotated[str, _text(GIVING_TEXT_MAX, multiline=True)]
    tags: Annotated[list[str], _checked(normalize_tags, "tags")] = Field(default_factory=list)
    noted_on: date
    expires_on: date | None = None
    closed_at: When | None = None


class DismissalRecord(_Record):
    """A way-to-give suggestion its user dismissed (or acted on): it does not come back."""

    owner_id: Id
    suggestion_key: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    created_at: When


class TemplateRecord(_Record):
    """A user's own wording of a generated message."""

    owner_id: Id
    name: Annotated[str, _checked(check_template_name, "template name")]
    body: Annotated[str, _checked(check_template, "template")]
    updated_at: When


Money = Annotated[int, Field(ge=0, le=2**63 - 1, strict=True)]  # ten-thousandths (× 10⁴)
Currency = Annotated[str, _checked(parse_currency, "currency")]


class StageRecord(_Record):
    id: Id
    name: Annotated[str, _text(STAGE_NAME_MAX)]
    position: Annotated[int, Field(ge=-POSITION_MAX, le=POSITION_MAX, strict=True)]
    probability: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
    outcome: StageOutcome | None = None


class PipelineRecord(_Owned):
    """A pipeline with its ordered stages; money in ten-thousandths (exact)."""

    name: Annotated[str, _text(PIPELINE_NAME_MAX)]
    kind: PipelineKind
    target_salary_e4: Money | None = None
    currency: Currency | None = None
    started_on: date | None = None
    stages: list[StageRecord] = Field(default_factory=list)


class OppEventRecord(_Record):
    kind: OppEventKind
    from_stage_id: Id | None = None
    to_stage_id: Id | None = None
    at: When
    note: LongText | None = None


class RedFlagRecord(_Record):
    flagged_on: date
    flag: Annotated[str, _text(FLAG_MAX)]
    evidence: LongText | None = None
    created_at: When


class RoundRecord(_Record):
    interaction_id: Id
    round: Annotated[int, Field(ge=1, le=INT4_MAX, strict=True)]
    label: Annotated[str, _text(LABEL_MAX)] | None = None


class OfferRecord(_Record):
    """A job offer: the salary as exact decimal text, its currency, named details."""

    salary: Annotated[str, StringConstraints(pattern=r"^\d{1,15}(\.\d{1,4})?$")] | None = None
    currency: Currency | None = None
    details: dict[Annotated[str, _text(100)], Annotated[str, _text(SHORT_MAX)]] = Field(
        default_factory=dict
    )


class OpportunityRecord(_Owned):
    """A deal or an application: stage moves, red flags and interview rounds nested."""

    pipeline_id: Id
    stage_id: Id
    title: Annotated[str, _text(TITLE_MAX)]
    contact_id: Id | None = None
    organization_id: Id | None = None
    value_e4: Money | None = None
    currency: Currency | None = None
    source: OppSource
    source_contact_id: Id | None = None
    source_ledger_id: Id | None = None
    introduction_id: Id | None = None
    next_task_id: Id | None = None
    opened_at: When
    closed_at: When | None = None
    close_reason: LongText | None = None
    benefit_us: LongText | None = None
    benefit_them: LongText | None = None
    health: Health | None = None
    referral_asked_on: date | None = None
    referral_received_on: date | None = None
    offer: OfferRecord | None = None
    events: list[OppEventRecord] = Field(default_factory=list)
    red_flags: list[RedFlagRecord] = Field(default_factory=list)
    rounds: list[RoundRecord] = Field(default_factory=list)


class GoalRecord(_Record):
    """A user's weekly activity target."""

    owner_id: Id
    metric: GoalMetric
    weekly_target: Annotated[int, Field(ge=1, le=GOAL_TARGET_MAX, strict=True)]
    created_at: When
    updated_at: When


class SuppressionRecord(_Record):
    id: Id
    kind: SuppressionKind
    key_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    created_at: When


class UserRecord(_Record):
    id: Id
    email: Annotated[str, Field(max_length=320), AfterValidator(_user_email)]
    name: Name
    timezone: Annotated[str, Field(max_length=64), _checked(lambda v: zone(v).key, "timezone")]
    default_region: Annotated[str, _checked(validate_region, "region")]
    role: Literal["owner", "admin", "member"] | None = None


class WorkspaceRecord(_Record):
    name: Name
    default_visibility: Visibility
    suppression_salt: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None


class BackupDocument(_Record):
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
