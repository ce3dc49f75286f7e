"""/api/v1/organizations and positions over services.organizations and services.positions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from goodwill.services import organizations, positions
from goodwill.services.organizations import OrganizationChanges
from goodwill.services.views import to_jsonable
from goodwill.web.api.deps import ActorDep, UowDep
from goodwill.web.api.models import MAX_ID
from goodwill.web.api.paging import CURSOR_QUERY, decode_cursor, page_body, sort_query
from goodwill.web.api.record_models import (
    ArchiveIn,
    OrganizationIn,
    OrganizationPatch,
    PositionEnd,
    PositionIn,
)

router = APIRouter(prefix="/api/v1", tags=["organizations"])
OrganizationId = Annotated[int, Path(ge=1, le=MAX_ID)]
ContactId = Annotated[int, Path(ge=1, le=MAX_ID)]
PositionId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _changes(body: OrganizationIn) -> OrganizationChanges:
    return OrganizationChanges(
        name=body.name,
        domain=body.domain,
        description=body.description,
        visibility=body.visibility,
        add_tags=body.tags,
        custom_fields=body.custom_fields,
    )


@router.get("/organizations")
def list_organizations(
    actor: ActorDep,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, CURSOR_QUERY] = None,
    sort: Annotated[str | None, sort_query(organizations.SORTS)] = None,
    q: Annotated[str | None, Query(max_length=500)] = None,
    tag: Annotated[str | None, Query(max_length=200)] = None,
    include_archived: bool = False,
) -> dict[str, Any]:
    """Organizations by name (accent- and case-insensitive) unless `sort` says otherwise,
    a page at a time (`next_cursor`); `q` keeps those whose name has its words."""
    sort, after = decode_cursor(cursor, "organizations", sort)
    page = organizations.organizations_page(
        actor,
        uow,
        query=q,
        tag=tag,
        include_archived=include_archived,
        sort=sort,
        after=after,
        limit=limit,
    )
    return page_body("organizations", page)


@router.post("/organizations", status_code=201)
def add_organization(body: OrganizationIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Add an organization (names are unique among those you can see)."""
    return dict(to_jsonable(organizations.add_organization(actor, uow, _changes(body))))


@router.get("/organizations/{organization_id}")
def show_organization(
    organization_id: OrganizationId, actor: ActorDep, uow: UowDep
) -> dict[str, Any]:
    """One organization with its people (positions) and notes you may see."""
    return dict(to_jsonable(organizations.show_organization(actor, uow, organization_id)))


@router.patch("/organizations/{organization_id}")
def edit_organization(
    organization_id: OrganizationId, body: OrganizationPatch, actor: ActorDep, uow: UowDep
) -> dict[str, Any]:
    """Change an organization: fields given are set; `tags` added, `remove_tags` removed."""
    changes = _changes(body)
    changes.remove_tags = body.remove_tags
    return dict(to_jsonable(organizations.edit_organization(actor, uow, organization_id, changes)))


@router.post("/organizations/{organization_id}/archive")
def archive_organization(
    organization_id: OrganizationId, body: ArchiveIn, actor: ActorDep, uow: UowDep
) -> dict[str, Any]:
    """Archive (`{"archived": true}`) or unarchive an organization."""
    view = organizations.archive_organization(actor, uow, organization_id, archived=body.archived)
    return dict(to_jsonable(view))


@router.delete("/organizations/{organization_id}", status_code=204)
def delete_organization(organization_id: OrganizationId, actor: ActorDep, uow: UowDep) -> Response:
    """Move an organization to the trash (its owner or an admin)."""
    organizations.delete_organization(actor, uow, organization_id)
    return Response(status_code=204)


@router.post("/contacts/{contact_id}/positions", status_code=201)
def add_position(
    contact_id: ContactId, body: PositionIn, actor: ActorDep, uow: UowDep
) -> dict[str, Any]:
    """A title at an organization (by name; an unknown one is created) from/to a date."""
    view = positions.add_position(
        actor, uow, contact_id, body.organization, title=body.title, start=body.start, end=body.end
    )
    return dict(to_jsonable(view))


@router.post("/positions/{position_id}/end")
def end_position(
    position_id: PositionId, body: PositionEnd, actor: ActorDep, uow: UowDep
) -> dict[str, Any]:
    """End a position (default: today)."""
    return dict(to_jsonable(positions.end_position(actor, uow, position_id, body.end)))
