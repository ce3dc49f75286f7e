"""Request bodies of the records routes (organizations, positions, interactions, notes,
tasks, ledger, asks): every text has a length limit, NUL bytes are refused."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from goodwill.web.api.models import MAX_ID, Body, Long, Name, NoNul, Short, Tiny

Summary = Annotated[str, Field(max_length=10_000), NoNul]
NoteText = Annotated[str, Field(max_length=100_000), NoNul]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Visibility = Literal["private", "workspace"]


class OrganizationIn(Body):
    name: Name | None = None
    domain: Annotated[str, Field(max_length=253), NoNul] | None = None
    description: Summary | None = None
    visibility: Visibility | None = None
    tags: list[Name] = Field(default_factory=list, max_length=100)
    custom_fields: dict[Tiny, Long | None] = Field(default_factory=dict, max_length=100)


class OrganizationPatch(OrganizationIn):
    remove_tags: list[Name] = Field(default_factory=list, max_length=100)


class ArchiveIn(Body):
    archived: bool = True


class PositionIn(Body):
    organization: Name
    title: Name | None = None
    start: Tiny | None = None
    end: Tiny | None = None


class PositionEnd(Body):
    end: Tiny = "today"


class InteractionIn(Body):
    channel: Tiny
    participants: list[Id] = Field(min_length=1, max_length=500)
    summary: Summary | None = None
    when: Tiny | None = None
    initiated_by: Tiny = "me"
    recipients: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    visibility: Visibility | None = None


class NoteIn(Body):
    body: NoteText
    contact_id: Id | None = None
    organization_id: Id | None = None
    visibility: Visibility | None = None


class NotePatch(Body):
    body: NoteText | None = None
    visibility: Visibility | None = None


class TaskIn(Body):
    title: Short
    due: Tiny | None = None
    contact_id: Id | None = None
    repeat: Tiny | None = None
    visibility: Visibility | None = None


class TaskSnooze(Body):
    until: Tiny = "tomorrow"


class TaskReschedule(Body):
    due: Tiny


class LedgerEntryIn(Body):
    direction: Literal["gave", "received"]
    counterpart_id: Id
    kind: Tiny
    weight: Annotated[int, Field(ge=1, le=5)] = 1
    on: Tiny | None = None
    note: Summary | None = None
    related_id: Id | None = None
    visibility: Visibility | None = None


class AskStepIn(Body):
    channel: Tiny
    when: Tiny


class AskIn(Body):
    contact_id: Id
    kind: Tiny
    what: Summary | None = None
    why_them: Summary | None = None
    why_target_cares: Summary | None = None
    blurb: Summary | None = None
    target_id: Id | None = None
    target_description: Short | None = None
    steps: list[AskStepIn] = Field(default_factory=list, max_length=50)
    visibility: Visibility | None = None


class AskClose(Body):
    outcome: Tiny
    note: Summary | None = None
    record: bool = False
    weight: Annotated[int, Field(ge=1, le=5)] = 1
