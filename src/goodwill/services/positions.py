"""Positions: a contact's titles at organizations over time."""

from __future__ import annotations

from datetime import date

from goodwill.domain.text import NAME_MAX, clean_text
from goodwill.errors import NotFound, ValidationFailed
from goodwill.services import _common as common
from goodwill.services._visibility import can_see
from goodwill.services.actor import Actor
from goodwill.services.views import PositionView, Ref
from goodwill.storage.schema import Contact, Organization, Position
from goodwill.storage.unit_of_work import UnitOfWork


def add_position(
    actor: Actor,
    uow: UnitOfWork,
    ref: int | str,
    organization: str,
    *,
    title: str | None = None,
    start: date | str | None = None,
    end: date | str | None = None,
) -> PositionView:
    """A title at an organization over time; an unknown organization is created."""
    with uow.write() as session:
        contact = common.resolve_contact(session, actor, ref)
        org = common.find_or_create_organization(session, actor, organization, contact.visibility)
        start_d = common.as_date(start, "from", actor)
        end_d = common.as_date(end, "to", actor)
        if start_d and end_d and end_d < start_d:
            raise ValidationFailed("to", f"{end_d} is before the start {start_d}")
        position = Position(
            contact_id=contact.id,
            organization_id=org.id,
            title=clean_text(title, "title", max_len=NAME_MAX),
            start_date=start_d,
            end_date=end_d,
        )
        session.add(position)
        session.flush()
        return PositionView(position.id, Ref(org.id, org.name), position.title, start_d, end_d)


def end_position(
    actor: Actor, uow: UnitOfWork, position_id: int, end: date | str = "today"
) -> PositionView:
    with uow.write() as session:
        position = session.get(Position, position_id)
        contact = session.get(Contact, position.contact_id) if position else None
        if position is None or contact is None or not can_see(contact, actor):
            raise NotFound(f"no position #{position_id}")
        end_d = common.as_date(end, "to", actor)
        if position.start_date and end_d and end_d < position.start_date:
            raise ValidationFailed("to", f"{end_d} is before the start {position.start_date}")
        position.end_date = end_d
        org = session.get_one(Organization, position.organization_id)
        return PositionView(
            position.id, common.org_ref(org, actor), position.title, position.start_date, end_d
        )
