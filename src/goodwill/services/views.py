"""Plain values the read models return (every face renders these)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any


def to_jsonable(value: Any) -> Any:
    """Dataclasses, dates and lists of them, as JSON-ready structures (money, a Decimal,
    as its exact text: '12000.50')."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@dataclass(frozen=True)
class Ref:
    """A link to another record; `id` is None when the viewer may not see it."""

    id: int | None
    label: str


@dataclass(frozen=True)
class EmailView:
    email: str
    label: str | None


@dataclass(frozen=True)
class PhoneView:
    e164: str
    label: str | None


@dataclass(frozen=True)
class PositionView:
    id: int
    organization: Ref
    title: str | None
    start_date: date | None
    end_date: date | None

    @property
    def current(self) -> bool:
        return self.end_date is None


@dataclass(frozen=True)
class PersonAtOrganization:
    position_id: int
    contact: Ref
    title: str | None
    start_date: date | None
    end_date: date | None


@dataclass(frozen=True)
class ContactSummary:
    id: int
    display_name: str
    primary_email: str | None
    primary_phone: str | None
    tier: str | None
    cadence_days: int | None
    tags: list[str]
    last_touch: datetime | None
    archived: bool
    visibility: str


@dataclass(frozen=True)
class NoteView:
    id: int
    body: str
    about: Ref
    created_at: datetime
    visibility: str
    owner_id: int


@dataclass(frozen=True)
class TaskView:
    id: int
    title: str
    due_at: datetime | None
    due_local: str | None
    all_day: bool
    snoozed_until: datetime | None
    done_at: datetime | None
    recurrence: str | None
    contact: Ref | None
    visibility: str


@dataclass(frozen=True)
class InteractionView:
    id: int
    occurred_at: datetime
    channel: str
    summary: str | None
    initiator: str
    participants: list[Ref]
    recipients: int
    visibility: str


@dataclass(frozen=True)
class ContactDetail:
    id: int
    first_name: str | None
    last_name: str | None
    display_name: str
    nickname: str | None
    emails: list[EmailView]
    phones: list[PhoneView]
    tags: list[str]
    tier: str | None
    cadence_days: int | None
    how_met: str | None
    met_on: date | None
    custom_fields: dict[str, str]
    positions: list[PositionView]
    notes: list[NoteView]
    open_tasks: list[TaskView]
    first_touch: datetime | None
    last_touch: datetime | None
    touches: int
    archived: bool
    visibility: str
    owner_id: int
    created_at: datetime
    links: list[str] = field(default_factory=list)
    birthday: str | None = None  # YYYY-MM-DD, or --MM-DD when the year is unknown


@dataclass(frozen=True)
class OrganizationSummary:
    id: int
    name: str
    domain: str | None
    tags: list[str]
    people: int
    archived: bool
    visibility: str


@dataclass(frozen=True)
class OrganizationDetail:
    id: int
    name: str
    domain: str | None
    description: str | None
    tags: list[str]
    custom_fields: dict[str, str]
    people: list[PersonAtOrganization]
    notes: list[NoteView]
    archived: bool
    visibility: str
    owner_id: int


@dataclass(frozen=True)
class LoggedInteraction:
    interaction: InteractionView
    open_follow_ups: list[TaskView] = field(default_factory=list)


@dataclass(frozen=True)
class CompletedTask:
    task: TaskView
    next_occurrence: TaskView | None


@dataclass(frozen=True)
class LapsedContact:
    contact: Ref
    tier: str | None
    cadence_days: int
    last_touch: datetime | None
    days_overdue: int


@dataclass(frozen=True)
class Agenda:
    @dataclass(frozen=True)
    class WaitingAsk:
        """An ask made more than a week ago and still unanswered."""

        ask_id: int
        contact: Ref
        kind: str
        what: str
        asked_at: datetime
        days_waiting: int

    today: date
    timezone: str
    overdue_tasks: list[TaskView]
    due_today: list[TaskView]
    lapsed: list[LapsedContact]
    lapsed_total: int
    ask_steps: list[TaskView]  # open steps of open asks, due today or earlier
    asks_waiting: list[WaitingAsk]  # oldest first


@dataclass(frozen=True)
class TrashItem:
    kind: str
    id: int
    label: str
    deleted_at: datetime


@dataclass(frozen=True)
class MemberView:
    user_id: int
    email: str
    name: str
    role: str


@dataclass(frozen=True)
class SettingsView:
    email: str
    name: str
    timezone: str
    default_region: str
    workspace: str
    default_visibility: str
