"""Backup records of the relationship work: discovery answers, introductions, needs and
offers, dismissed suggestions, message templates, pipelines with their opportunities,
and activity goals (money as exact integers of ten-thousandths)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import (
    Field,
    StringConstraints,
)

from goodwill.domain.discovery import ANSWER_MAX, question
from goodwill.domain.giving import TEXT_MAX as GIVING_TEXT_MAX
from goodwill.domain.giving import ItemKind, normalize_tags
from goodwill.domain.goals import TARGET_MAX as GOAL_TARGET_MAX
from goodwill.domain.goals import GoalMetric
from goodwill.domain.intros import (
    IntroOutcome,
    IntroSource,
    IntroStatus,
    check_template,
    check_template_name,
)
from goodwill.domain.money import parse_currency
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
from goodwill.domain.text import SHORT_MAX
from goodwill.services._backup_types import (
    INT4_MAX,
    Id,
    LongText,
    Owned,
    Record,
    When,
    _checked,
    _text,
)


class DiscoveryRecord(Owned):
    """One dated answer to a discovery question, about a contact or an organization."""

    contact_id: Id | None = None
    organization_id: Id | None = None
    question: Annotated[str, _checked(lambda v: question(v).key, "question")]
    answer: Annotated[str, _text(ANSWER_MAX, multiline=True)]
    learned_on: date


class IntroEventRecord(Record):
    from_status: IntroStatus | None = None
    to_status: IntroStatus
    note: LongText | None = None
    at: When


class IntroductionRecord(Owned):
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


class NeedOfferRecord(Owned):
    """Something a contact needs or offers (no contact: the user's own offer)."""

    contact_id: Id | None = None
    kind: ItemKind
    text: Annotated[str, _text(GIVING_TEXT_MAX, multiline=True)]
    tags: Annotated[list[str], _checked(normalize_tags, "tags")] = Field(default_factory=list)
    noted_on: date
    expires_on: date | None = None
    closed_at: When | None = None


class DismissalRecord(Record):
    """A way-to-give suggestion its user dismissed (or acted on): it does not come back."""

    owner_id: Id
    suggestion_key: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    created_at: When


class TemplateRecord(Record):
    """A user's own wording of a generated message."""

    owner_id: Id
    name: Annotated[str, _checked(check_template_name, "template name")]
    body: Annotated[str, _checked(check_template, "template")]
    updated_at: When


Money = Annotated[int, Field(ge=0, le=2**63 - 1, strict=True)]  # ten-thousandths (× 10⁴)
Currency = Annotated[str, _checked(parse_currency, "currency")]


class StageRecord(Record):
    id: Id
    name: Annotated[str, _text(STAGE_NAME_MAX)]
    position: Annotated[int, Field(ge=-POSITION_MAX, le=POSITION_MAX, strict=True)]
    probability: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
    outcome: StageOutcome | None = None


class PipelineRecord(Owned):
    """A pipeline with its ordered stages; money in ten-thousandths (exact)."""

    name: Annotated[str, _text(PIPELINE_NAME_MAX)]
    kind: PipelineKind
    target_salary_e4: Money | None = None
    currency: Currency | None = None
    started_on: date | None = None
    stages: list[StageRecord] = Field(default_factory=list)


class OppEventRecord(Record):
    kind: OppEventKind
    from_stage_id: Id | None = None
    to_stage_id: Id | None = None
    at: When
    note: LongText | None = None


class RedFlagRecord(Record):
    flagged_on: date
    flag: Annotated[str, _text(FLAG_MAX)]
    evidence: LongText | None = None
    created_at: When


class RoundRecord(Record):
    interaction_id: Id
    round: Annotated[int, Field(ge=1, le=INT4_MAX, strict=True)]
    label: Annotated[str, _text(LABEL_MAX)] | None = None


class OfferRecord(Record):
    """A job offer: the salary as exact decimal text, its currency, named details."""

    salary: Annotated[str, StringConstraints(pattern=r"^\d{1,15}(\.\d{1,4})?$")] | None = None
    currency: Currency | None = None
    details: dict[Annotated[str, _text(100)], Annotated[str, _text(SHORT_MAX)]] = Field(
        default_factory=dict
    )


class OpportunityRecord(Owned):
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


class GoalRecord(Record):
    """A user's weekly activity target."""

    owner_id: Id
    metric: GoalMetric
    weekly_target: Annotated[int, Field(ge=1, le=GOAL_TARGET_MAX, strict=True)]
    created_at: When
    updated_at: When
