"""Message templates: the user's own wording of the messages goodwill writes for them.

Each user has their own copy of a template once they edit it; until then (and after a
reset) the default wording in domain.intros is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from goodwill.domain import intros as rules
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.schema import MessageTemplate
from goodwill.storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class TemplateView:
    name: str
    purpose: str
    body: str
    customized: bool  # the user's own wording, not the default
    updated_at: datetime | None
    placeholders: list[str]


def list_templates(actor: Actor, uow: UnitOfWork) -> list[TemplateView]:
    """Every template, with the actor's own wording where they edited it."""
    with uow.read() as session:
        own = _own(session, actor)
        return [_view(name, own.get(name)) for name in rules.DEFAULT_TEMPLATES]


def show_template(actor: Actor, uow: UnitOfWork, name: str) -> TemplateView:
    key = rules.check_template_name(name)
    with uow.read() as session:
        return _view(key, _own(session, actor).get(key))


def save_template(actor: Actor, uow: UnitOfWork, name: str, body: str) -> TemplateView:
    """Keep the actor's wording of a template; every `$name` must be a known placeholder."""
    key = rules.check_template_name(name)
    text = rules.check_template(body)
    with uow.write() as session:
        row = _own(session, actor).get(key)
        if row is None:
            row = MessageTemplate(owner_id=actor.user_id, name=key, body=text, updated_at=utcnow())
            session.add(row)
        else:
            row.body, row.updated_at = text, utcnow()
        session.flush()
        return _view(key, row)


def reset_template(actor: Actor, uow: UnitOfWork, name: str) -> TemplateView:
    """Back to the default wording (the actor's own is removed)."""
    key = rules.check_template_name(name)
    with uow.write() as session:
        session.execute(
            delete(MessageTemplate).where(
                MessageTemplate.owner_id == actor.user_id, MessageTemplate.name == key
            )
        )
        return _view(key, None)


def template_body(session: Session, actor: Actor, name: str) -> str:
    """The wording of a template the actor uses, inside the caller's transaction."""
    row = _own(session, actor).get(name)
    return row.body if row is not None else rules.DEFAULT_TEMPLATES[name]


def _own(session: Session, actor: Actor) -> dict[str, MessageTemplate]:
    rows = session.scalars(select(MessageTemplate).where(MessageTemplate.owner_id == actor.user_id))
    return {row.name: row for row in rows}


def _view(name: str, row: MessageTemplate | None) -> TemplateView:
    body = row.body if row is not None else rules.DEFAULT_TEMPLATES[name]
    return TemplateView(
        name=name,
        purpose=rules.TEMPLATE_PURPOSES[name],
        body=body,
        customized=row is not None,
        updated_at=row.updated_at if row is not None else None,
        placeholders=[f"${p}" for p in rules.PLACEHOLDERS],
    )
