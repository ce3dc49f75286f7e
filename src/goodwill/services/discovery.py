"""Discovery profiles: what a contact or organization is after, each answer dated.

Answers are never overwritten: recording a question again adds a newer answer, and
the profile shows the latest per question with what was learned before and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.domain import discovery as rules
from goodwill.domain.dates import local_date_of
from goodwill.domain.people import Visibility
from goodwill.errors import ValidationFailed
from goodwill.services import _common as common
from goodwill.services._visibility import get_visible, require_owner, visible
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import Ref
from goodwill.storage.schema import Contact, DiscoveryAnswer, Organization
from goodwill.storage.unit_of_work import UnitOfWork

CONTACT = "contact"
ORGANIZATION = "organization"
# What the giving matcher reads of a contact's profile, in this order.
MATCHED_QUESTIONS = ("challenges", "goal")


@dataclass(frozen=True)
class DiscoveryAnswerView:
    id: int
    question: str
    answer: str
    learned_on: date
    visibility: str
    owner_id: int
    recorded_at: datetime


@dataclass(frozen=True)
class DiscoveryQuestionView:
    """One question: its latest answer and the earlier ones, newest first."""

    key: str
    prompt: str
    label: str
    latest: DiscoveryAnswerView | None
    earlier: list[DiscoveryAnswerView]


@dataclass(frozen=True)
class DiscoveryView:
    subject: Ref
    subject_kind: str  # contact | organization
    questions: list[DiscoveryQuestionView]  # the six, in order
    history: list[DiscoveryAnswerView]  # every visible answer, newest learned first
    last_learned_on: date | None
    recorded: list[int]  # the answers this call recorded (record_discovery)


def record_discovery(
    actor: Actor,
    uow: UnitOfWork,
    contact: int | str | None,
    answers: dict[str, str],
    *,
    organization: int | str | None = None,
    learned_on: date | str | None = None,
    visibility: str | None = None,
) -> DiscoveryView:
    """Add dated answers (question key -> text) to a contact's or an organization's
    profile, in one transaction; private when the subject is, else the workspace default."""
    _one_subject(contact, organization)
    cleaned = rules.check_answers(answers)
    today = local_date_of(utcnow(), actor.tz)
    day = rules.check_learned_on(common.as_date(learned_on, "learned_on", actor) or today, today)
    with uow.write() as session:
        subject = _subject(session, actor, contact, organization)
        default = Visibility.PRIVATE.value if subject.visibility == Visibility.PRIVATE else None
        chosen = common.choose_visibility(session, actor, visibility or default)
        now = utcnow()
        rows = [
            DiscoveryAnswer(
                workspace_id=actor.workspace_id,
                owner_id=actor.user_id,
                visibility=chosen,
                contact_id=subject.id if isinstance(subject, Contact) else None,
                organization_id=subject.id if isinstance(subject, Organization) else None,
                question=key,
                answer=text,
                learned_on=day,
                created_at=now,
                updated_at=now,
            )
            for key, text in cleaned.items()
        ]
        session.add_all(rows)
        session.flush()
        return _view(session, actor, subject, [r.id for r in rows])


def discovery_profile(
    actor: Actor,
    uow: UnitOfWork,
    contact: int | str | None,
    *,
    organization: int | str | None = None,
) -> DiscoveryView:
    """The latest answer per question, with the history, among the answers the actor
    may see (a teammate's private answer never shows)."""
    _one_subject(contact, organization)
    with uow.read() as session:
        return _view(session, actor, _subject(session, actor, contact, organization), [])


def forget_discovery_answer(actor: Actor, uow: UnitOfWork, answer_id: int) -> Ref:
    """Move one answer to the trash; the profile falls back to the earlier answer."""
    with uow.write() as session:
        answer = get_visible(session, DiscoveryAnswer, answer_id, actor, "discovery answer")
        require_owner(answer, actor, "delete")
        answer.deleted_at = utcnow()
        return Ref(answer.id, f"{answer.question} on {answer.learned_on.isoformat()}")


def visible_challenges(session: Session, actor: Actor) -> dict[int, list[tuple[int, str, date]]]:
    """Per contact the actor may see, the latest visible 'challenges' and 'goal' answers
    (in that order) as (answer id, text, learned on): what the giving matcher reads."""
    rows = session.execute(
        select(
            DiscoveryAnswer.id,
            DiscoveryAnswer.contact_id,
            DiscoveryAnswer.question,
            DiscoveryAnswer.answer,
            DiscoveryAnswer.learned_on,
        )
        .join(Contact, Contact.id == DiscoveryAnswer.contact_id)
        .where(
            visible(DiscoveryAnswer, actor),
            visible(Contact, actor),
            DiscoveryAnswer.question.in_(MATCHED_QUESTIONS),
        )
        .order_by(
            DiscoveryAnswer.contact_id,
            DiscoveryAnswer.learned_on.desc(),
            DiscoveryAnswer.id.desc(),
        )
    ).all()
    latest: dict[tuple[int, str], tuple[int, str, date]] = {}
    for answer_id, contact_id, key, text, day in rows:
        if contact_id is not None:  # always, by the join
            latest.setdefault((contact_id, key), (answer_id, text, day))
    found: dict[int, list[tuple[int, str, date]]] = {}
    for key in MATCHED_QUESTIONS:
        for (contact_id, question), item in latest.items():
            if question == key:
                found.setdefault(contact_id, []).append(item)
    return found


def _one_subject(contact: int | str | None, organization: int | str | None) -> None:
    if (contact is None) == (organization is None):
        raise ValidationFailed(
            "about", "a discovery profile is about exactly one contact or organization"
        )


def _subject(
    session: Session,
    actor: Actor,
    contact: int | str | None,
    organization: int | str | None,
) -> Contact | Organization:
    if contact is not None:
        return common.resolve_contact(session, actor, contact)
    return common.resolve_organization(session, actor, organization or "")


def _answer_view(row: DiscoveryAnswer) -> DiscoveryAnswerView:
    return DiscoveryAnswerView(
        id=row.id,
        question=row.question,
        answer=row.answer,
        learned_on=row.learned_on,
        visibility=row.visibility,
        owner_id=row.owner_id,
        recorded_at=row.created_at,
    )


def _view(
    session: Session, actor: Actor, subject: Contact | Organization, recorded: list[int]
) -> DiscoveryView:
    if isinstance(subject, Contact):
        kind, ref = CONTACT, common.contact_ref(subject, actor)
        about = DiscoveryAnswer.contact_id == subject.id
    else:
        kind, ref = ORGANIZATION, common.org_ref(subject, actor)
        about = DiscoveryAnswer.organization_id == subject.id
    rows = session.scalars(select(DiscoveryAnswer).where(about, visible(DiscoveryAnswer, actor)))
    found = rules.profile(_answer_view(r) for r in rows)
    questions = [
        DiscoveryQuestionView(
            q.key, q.prompt, q.label, found.latest.get(q.key), found.earlier.get(q.key, [])
        )
        for q in rules.QUESTIONS
    ]
    return DiscoveryView(ref, kind, questions, found.history, found.last_learned_on, recorded)
