"""Organizations: add, edit, show, list, search, tag, archive, delete."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, false, func, select
from sqlalchemy.orm import Session

from goodwill.domain.text import (
    NAME_MAX,
    SUMMARY_MAX,
    clean_text,
    fold,
    like_escape,
    search_tokens,
)
from goodwill.errors import Conflict, ValidationFailed
from goodwill.services import _common as common
from goodwill.services import _paging as paging
from goodwill.services._visibility import require_owner, visible
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import (
    NoteView,
    OrganizationDetail,
    OrganizationSummary,
    PersonAtOrganization,
    Ref,
)
from goodwill.storage.schema import Contact, Note, Organization, Position
from goodwill.storage.unit_of_work import UnitOfWork


@dataclass
class OrganizationChanges:
    name: str | None = None
    domain: str | None = None
    description: str | None = None
    visibility: str | None = None
    add_tags: list[str] = field(default_factory=list)
    remove_tags: list[str] = field(default_factory=list)
    custom_fields: dict[str, str | None] = field(default_factory=dict)


def add_organization(
    actor: Actor, uow: UnitOfWork, changes: OrganizationChanges
) -> OrganizationDetail:
    if changes.name is None:
        raise ValidationFailed("name", "an organization needs a name")
    with uow.write() as session:
        now = utcnow()
        org = Organization(
            workspace_id=actor.workspace_id,
            owner_id=actor.user_id,
            visibility=common.choose_visibility(session, actor, changes.visibility),
            name="",
            name_key="",
            custom_fields={},
            created_at=now,
            updated_at=now,
        )
        session.add(org)
        _apply(session, actor, org, changes)
        return _detail(session, actor, org)


def edit_organization(
    actor: Actor, uow: UnitOfWork, ref: int | str, changes: OrganizationChanges
) -> OrganizationDetail:
    with uow.write() as session:
        org = common.resolve_organization(session, actor, ref)
        if changes.visibility is not None:
            require_owner(org, actor, "change the visibility of")
        _apply(session, actor, org, changes)
        org.updated_at = utcnow()
        return _detail(session, actor, org)


def _apply(session: Session, actor: Actor, org: Organization, ch: OrganizationChanges) -> None:
    if ch.name is not None:
        name = clean_text(ch.name, "name", max_len=NAME_MAX, required=True) or ""
        clash = session.scalars(
            select(Organization).where(
                visible(Organization, actor),
                Organization.name_key == common.organization_key(name),
                Organization.id != org.id if org.id is not None else Organization.id.is_not(None),
            )
        ).first()
        if clash is not None:
            raise Conflict(f"organization #{clash.id} {clash.name} already has that name")
        org.name, org.name_key = name, common.organization_key(name)
    if ch.domain is not None:
        domain = clean_text(ch.domain, "domain", max_len=253)
        org.domain = domain.lower() if domain else None
    if ch.description is not None:
        org.description = clean_text(
            ch.description, "description", max_len=SUMMARY_MAX, multiline=True
        )
    if ch.visibility is not None:
        org.visibility = common.choose_visibility(session, actor, ch.visibility)
    if ch.add_tags or ch.remove_tags:
        removed = {fold(t) for t in ch.remove_tags}
        kept = [t for t in org.tags if t.key not in removed]
        org.tags = kept + [t for t in common.tags_for(session, actor, ch.add_tags) if t not in kept]
    if ch.custom_fields:
        org.custom_fields = common.merge_custom_fields(org.custom_fields, ch.custom_fields)
    session.flush()


def show_organization(actor: Actor, uow: UnitOfWork, ref: int | str) -> OrganizationDetail:
    with uow.read() as session:
        return _detail(session, actor, common.resolve_organization(session, actor, ref))


def _detail(session: Session, actor: Actor, org: Organization) -> OrganizationDetail:
    people = session.execute(
        select(Position, Contact)
        .join(Contact, Contact.id == Position.contact_id)
        .where(Position.organization_id == org.id, visible(Contact, actor))
        .order_by(Position.end_date.is_not(None), Contact.sort_key, Position.id)
    ).all()
    notes = session.scalars(
        select(Note)
        .where(Note.organization_id == org.id, visible(Note, actor))
        .order_by(Note.created_at.desc())
    ).all()
    return OrganizationDetail(
        id=org.id,
        name=org.name,
        domain=org.domain,
        description=org.description,
        tags=sorted(t.name for t in org.tags),
        custom_fields=dict(org.custom_fields or {}),
        people=[
            PersonAtOrganization(p.id, Ref(c.id, c.display_name), p.title, p.start_date, p.end_date)
            for p, c in people
        ],
        notes=[
            NoteView(n.id, n.body, Ref(org.id, org.name), n.created_at, n.visibility, n.owner_id)
            for n in notes
        ],
        archived=org.archived_at is not None,
        visibility=org.visibility,
        owner_id=org.owner_id,
    )


SORTS = paging.Sorts(
    paging.one_key("name", Organization.id, Organization.name_key, "text"),
    paging.one_key("-name", Organization.id, Organization.name_key, "text"),
    paging.one_key("-created_at", Organization.id, Organization.created_at, "datetime"),
    paging.one_key("created_at", Organization.id, Organization.created_at, "datetime"),
)


def list_organizations(
    actor: Actor,
    uow: UnitOfWork,
    *,
    query: str | None = None,
    tag: str | None = None,
    include_archived: bool = False,
    limit: int = 100,
) -> list[OrganizationSummary]:
    """List, or search by name when `query` is given (accent- and case-insensitive)."""
    page = organizations_page(
        actor, uow, query=query, tag=tag, include_archived=include_archived, limit=limit
    )
    return page.items


def organizations_page(
    actor: Actor,
    uow: UnitOfWork,
    *,
    query: str | None = None,
    tag: str | None = None,
    include_archived: bool = False,
    sort: str | None = None,
    after: Sequence[Any] | None = None,
    limit: int = 100,
) -> paging.Page[OrganizationSummary]:
    """A page of list_organizations, by name unless `sort` says otherwise."""
    order = SORTS.choose(sort)
    with uow.read() as session:
        stmt = select(Organization).where(visible(Organization, actor))
        if not include_archived:
            stmt = stmt.where(Organization.archived_at.is_(None))
        if query is not None:
            text = clean_text(query, "query", max_len=500, required=True) or ""
            tokens = search_tokens(text)
            # A query that folds to nothing matches nothing (an empty AND would match all).
            stmt = stmt.where(
                and_(
                    *(
                        Organization.name_key.like(f"%{like_escape(t)}%", escape="\\")
                        for t in tokens
                    )
                )
                if tokens
                else false()
            )
        if tag is not None:
            stmt = stmt.where(Organization.tags.any(key=fold(tag)))
        rows = session.scalars(paging.seek(stmt, order, after, limit)).all()
        orgs, next_key = paging.cut(rows, order, limit)
        counts = dict(
            session.execute(
                select(Position.organization_id, func.count(func.distinct(Position.contact_id)))
                .join(Contact, Contact.id == Position.contact_id)
                .where(
                    Position.organization_id.in_([o.id for o in orgs]),
                    Position.end_date.is_(None),
                    # From the page's positions to their contacts: through a workspace
                    # index, SQLite would read every contact of the workspace.
                    visible(Contact, actor, workspace_index=False),
                )
                .group_by(Position.organization_id)
            ).all()
        )
        summaries = [
            OrganizationSummary(
                id=o.id,
                name=o.name,
                domain=o.domain,
                tags=sorted(t.name for t in o.tags),
                people=counts.get(o.id, 0),
                archived=o.archived_at is not None,
                visibility=o.visibility,
            )
            for o in orgs
        ]
        return paging.page_of(summaries, order, next_key)


def archive_organization(
    actor: Actor, uow: UnitOfWork, ref: int | str, *, archived: bool = True
) -> OrganizationDetail:
    with uow.write() as session:
        org = common.resolve_organization(session, actor, ref)
        org.archived_at = utcnow() if archived else None
        org.updated_at = utcnow()
        return _detail(session, actor, org)


def delete_organization(actor: Actor, uow: UnitOfWork, ref: int | str) -> Ref:
    """Move an organization to the trash; its people keep their positions for a restore."""
    with uow.write() as session:
        org = common.resolve_organization(session, actor, ref)
        require_owner(org, actor, "delete")
        org.deleted_at = utcnow()
        return Ref(org.id, org.name)
