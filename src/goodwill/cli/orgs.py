"""`goodwill org …`."""

from __future__ import annotations

from typing import Annotated

import typer

from goodwill.cli import render
from goodwill.cli.contacts import Fields, Json, Tags, Visibility, Yes, custom_fields
from goodwill.cli.state import confirm, state
from goodwill.services import organizations as org_service
from goodwill.services.organizations import OrganizationChanges
from goodwill.services.views import OrganizationDetail

org_app = typer.Typer(help="Organizations: add, edit, show, list, tag, archive, delete.")
OrgArg = Annotated[str, typer.Argument(help="An id or a unique part of the name.")]


def _show_org(detail: OrganizationDetail, as_json: bool) -> None:
    if as_json:
        render.emit_json(detail)
        return
    render.fields(
        [
            ("organization", f"#{detail.id} {detail.name}"),
            ("domain", detail.domain),
            ("description", detail.description),
            ("tags", ", ".join(detail.tags)),
            *[(k, v) for k, v in sorted(detail.custom_fields.items())],
            ("visibility", detail.visibility),
            ("archived", "yes" if detail.archived else None),
        ]
    )
    if detail.people:
        render.table(
            "People",
            ["contact", "title", "from", "to"],
            [(p.contact.label, p.title, p.start_date, p.end_date or "now") for p in detail.people],
        )
    if detail.notes:
        render.table(
            "Notes",
            ["id", "date", "note"],
            [(n.id, render.when(n.created_at), n.body) for n in detail.notes],
        )


@org_app.command("add")
def org_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Organization name.")],
    domain: Annotated[str | None, typer.Option(help="Web domain, e.g. acme.com.")] = None,
    description: Annotated[str | None, typer.Option(help="What they do.")] = None,
    tag: Tags = None,
    field: Fields = None,
    visibility: Visibility = None,
    as_json: Json = False,
) -> None:
    """Add an organization."""
    st = state(ctx)
    detail = org_service.add_organization(
        st.actor,
        st.uow,
        OrganizationChanges(
            name=name,
            domain=domain,
            description=description,
            add_tags=tag or [],
            custom_fields=custom_fields(field),
            visibility=visibility,
        ),
    )
    if as_json:
        render.emit_json(detail)
    else:
        render.ok(f"added organization #{detail.id} {detail.name}")


@org_app.command("edit")
def org_edit(
    ctx: typer.Context,
    org: OrgArg,
    name: Annotated[str | None, typer.Option(help="New name.")] = None,
    domain: Annotated[str | None, typer.Option(help="Web domain.")] = None,
    description: Annotated[str | None, typer.Option(help="What they do.")] = None,
    field: Fields = None,
    visibility: Visibility = None,
    as_json: Json = False,
) -> None:
    """Edit an organization."""
    st = state(ctx)
    detail = org_service.edit_organization(
        st.actor,
        st.uow,
        org,
        OrganizationChanges(
            name=name,
            domain=domain,
            description=description,
            custom_fields=custom_fields(field),
            visibility=visibility,
        ),
    )
    _show_org(detail, as_json)


@org_app.command("show")
def org_show(ctx: typer.Context, org: OrgArg, as_json: Json = False) -> None:
    """Show an organization and its people."""
    st = state(ctx)
    _show_org(org_service.show_organization(st.actor, st.uow, org), as_json)


@org_app.command("list")
def org_list(
    ctx: typer.Context,
    query: Annotated[str | None, typer.Argument(help="Part of the name to search for.")] = None,
    tag: Annotated[str | None, typer.Option(help="Only with this tag.")] = None,
    archived: Annotated[bool, typer.Option(help="Include archived.")] = False,
    limit: Annotated[int, typer.Option(help="How many to show.")] = 100,
    as_json: Json = False,
) -> None:
    """List or search organizations."""
    st = state(ctx)
    rows = org_service.list_organizations(
        st.actor, st.uow, query=query, tag=tag, include_archived=archived, limit=limit
    )
    if as_json:
        render.emit_json(rows)
        return
    render.table(
        None,
        ["id", "name", "domain", "people", "tags"],
        [(o.id, o.name, o.domain, o.people, ", ".join(o.tags)) for o in rows],
    )


@org_app.command("tag")
def org_tag(
    ctx: typer.Context,
    org: OrgArg,
    tags: Annotated[list[str], typer.Argument(help="Tags to add.")],
    remove: Annotated[bool, typer.Option("--remove", help="Remove the tags instead.")] = False,
) -> None:
    """Add (or --remove) tags on an organization."""
    st = state(ctx)
    add, drop = ([], tags) if remove else (tags, [])
    detail = org_service.edit_organization(
        st.actor, st.uow, org, OrganizationChanges(add_tags=add, remove_tags=drop)
    )
    render.ok(f"#{detail.id} {detail.name}: {', '.join(detail.tags) or 'no tags'}")


@org_app.command("archive")
def org_archive(
    ctx: typer.Context,
    org: OrgArg,
    undo: Annotated[bool, typer.Option("--undo", help="Unarchive.")] = False,
) -> None:
    """Archive an organization."""
    st = state(ctx)
    detail = org_service.archive_organization(st.actor, st.uow, org, archived=not undo)
    render.ok(f"{'unarchived' if undo else 'archived'} #{detail.id} {detail.name}")


@org_app.command("delete")
def org_delete(ctx: typer.Context, org: OrgArg, yes: Yes = False) -> None:
    """Move an organization to the trash."""
    st = state(ctx)
    target = org_service.show_organization(st.actor, st.uow, org)
    if not confirm(f"Move organization #{target.id} {target.name} to the trash?", yes):
        raise typer.Exit(1)
    ref = org_service.delete_organization(st.actor, st.uow, target.id)
    render.ok(f"moved #{ref.id} {ref.label} to the trash")
