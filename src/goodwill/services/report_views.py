"""The plain views the pipeline reports return (services.reports, every face renders them).

Money is Decimal (exact, from the stored ten-thousandths); rates are fractions 0–1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from goodwill.domain.funnel import CostOfDelay
from goodwill.services.views import Ref


@dataclass(frozen=True)
class AttributionStory:
    """The relationship history behind one won deal or accepted offer."""

    opportunity: Ref
    contact: Ref | None
    organization: Ref | None
    value: Decimal | None
    currency: str | None
    opened_on: date
    closed_on: date | None
    source: str  # cold | referral | introduction | inbound | other
    source_contact: Ref | None
    introduction_id: int | None
    first_touch: date | None  # the first interaction with its people
    interactions_before: int  # with its people before it opened
    gives_before: int  # your gave entries to its people before the day it opened
    first_give: date | None
    gave_first: bool


@dataclass(frozen=True)
class AttributionGroup:
    label: str  # "gave first" | "cold"
    opportunities: int
    open: int
    won: int
    lost: int
    conversion: float | None  # won / (won + lost)


@dataclass(frozen=True)
class FunnelStepView:
    stage: str
    reached: int
    conversion: float | None  # to the next step
    lost_here: int
    open_now: int
    completed_stays: int
    median_days: float | None  # time in stage over completed stays


@dataclass(frozen=True)
class LostReason:
    stage: str
    reason: str | None
    count: int


@dataclass(frozen=True)
class FunnelReport:
    pipeline: Ref
    kind: str
    since: date | None
    until: date | None
    total: int
    open: int
    won: int
    lost: int
    win_rate: float | None
    steps: list[FunnelStepView]
    lost_reasons: list[LostReason]
    lost_unstaged: int


@dataclass(frozen=True)
class AgingStage:
    stage: str
    open: int
    median_days: float | None
    aging: int


@dataclass(frozen=True)
class AgingItem:
    opportunity: Ref
    stage: str
    days_in_stage: float
    median_days: float
    times_median: float | None  # None when the median stay is 0
    value: Decimal | None
    currency: str | None


@dataclass(frozen=True)
class AgingReport:
    pipeline: Ref
    since: date | None
    until: date | None
    as_of: datetime
    factor: int
    stages: list[AgingStage]
    aging: int
    items: list[AgingItem]  # the most overdue first, up to 50


@dataclass(frozen=True)
class ForecastLine:
    stage: str
    probability: float
    currency: str
    open: int
    value: Decimal
    weighted: Decimal


@dataclass(frozen=True)
class CurrencyForecast:
    currency: str
    open: int
    value: Decimal
    weighted: Decimal
    average_value: Decimal
    velocity_per_day: Decimal | None


@dataclass(frozen=True)
class ForecastReport:
    pipeline: Ref
    since: date | None
    until: date | None
    won: int
    closed: int
    win_rate: float | None
    average_cycle_days: float | None  # opened → won
    currencies: list[CurrencyForecast]
    lines: list[ForecastLine]
    open_without_value: int


@dataclass(frozen=True)
class JobSearchReport:
    pipeline: Ref
    since: date | None
    until: date | None
    target_salary: Decimal | None
    currency: str | None
    started_on: date | None
    cost: CostOfDelay | None
    forgone_by_week: list[tuple[Decimal, Decimal]]
    note: str
    steps: list[FunnelStepView]
    open: int
    applications: int
    offers: int
    accepted: int
    referrals_asked: int
    referrals_received: int
    interview_rounds: int


@dataclass(frozen=True)
class AttributionReport:
    pipeline: Ref
    since: date | None
    until: date | None
    wins: int
    stories: list[AttributionStory]  # the most recent wins first, up to 20
    gave_first: AttributionGroup
    cold: AttributionGroup
