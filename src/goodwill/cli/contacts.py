"""`goodwill contact …`."""

from __future__ import annotations

from typing import Annotated

import typer

from goodwill.cli import render
from goodwill.cli.discovery import print_latest
from goodwill.cli.state import confirm, console, state
from goodwill.domain.people import parse_custom_field, tier_label
from goodwill.services import contacts as contact_service
from goodwill.services import positions as position_service
from goodwill.services.contacts import ContactChanges
from goodwill.services.views import ContactDetail, ContactSummary

contact_app = typer.Typer(help="People: add, edit, show, list, search, tag, archive, delete.")

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
ContactArg = Annotated[str, typer.Argument(help="An id, an email, or a unique part of the name.")]
Emails = Annotated[list[str] | None, typer.Option("--email", "-e", help="Email (repeatable).")]
Phones = Annotated[list[str] | None, typer.Option("--phone", "-p", help="Phone (repeatable).")]
Tags = Annotated[list[str] | None, typer.Option("--tag", "-t", help="Tag (repeatable).")]
Fields = Annotated[
    list[str] | None, typer.Option("--field", "-f", help="Custom field key=value; key= removes.")
]
Visibility = Annotated[str | None, typer.Option(help="private or workspace.")]
TIER_HELP = (
    "inner (every 30 days), network (90) or wider (365); A, B, C also work."
    " Sets the default cadence."
)


def custom_fields(values: list[str] | None) -> dict[str, str | None]:
    return dict(parse_custom_field(v) for v in values or [])


def _show_contact(detail: ContactDetail, as_json: bool) -> None:
    if as_json:
        render.emit_json(detail)
        return
    render.fields(
        [
            ("contact", f"#{detail.id} {detail.display_name}"),
            ("nickname", detail.nickname),
            ("emails", ", ".join(e.email for e in detail.emails)),
            ("phones", ", ".join(p.e164 for p in detail.phones)),
            ("tags", ", ".join(detail.tags)),
            (
                "tier",
                detail.tier and f"{tier_label(detail.tier)} (every {detail.cadence_days} days)",
            ),
            ("links", ", ".join(detail.links)),
            ("birthday", detail.birthday),
            ("how met", detail.how_met),
            ("met on", detail.met_on),
            *[(k, v) for k, v in sorted(detail.custom_fields.items())],
            ("last touch", detail.last_touch and render.when(detail.last_touch)),
            ("touches", detail.touches or None),
            ("visibility", detail.visibility),
            ("archived", "yes" if detail.archived else None),
        ]
    )
    if detail.positions:
        render.table(
            "Positions",
            ["id", "organization", "title", "from", "to"],
            [
                (p.id, p.organization.label, p.title, p.start_date, p.end_date or "now")
                for p in detail.positions
            ],
        )
    if detail.open_tasks:
        render.table(
            "Open tasks",
            ["id", "due", "task"],
            [(t.id, t.due_local, t.title) for t in detail.open_tasks],
        )
    if detail.notes:
        render.table(
            "Notes",
            ["id", "date", "note"],
            [(n.id, render.when(n.created_at), n.body) for n in detail.notes],
        )


def _list_contacts(rows: list[ContactSummary], as_json: bool) -> None:
    if as_json:
        render.emit_json(rows)
        return
    render.table(
        None,
        ["id", "name", "email", "phone", "tier", "tags", "last touch"],
        [
            (
                c.id,
                c.display_name,
                c.primary_email,
                c.primary_phone,
                tier_label(c.tier),
                ", ".join(c.tags),
                render.when(c.last_touch),
            )
            for c in rows
        ],
    )
    console.print(f"{len(rows)} contact(s)")


@contact_app.command("add")
def contact_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Full name, e.g. 'Ada Lovelace'.")],
    email: Emails = None,
    phone: Phones = None,
    tag: Tags = None,
    tier: Annotated[str | None, typer.Option(help=TIER_HELP)] = None,
    cadence: Annotated[str | None, typer.Option(help="Keep in touch every 30d, 6w, 3m…")] = None,
    how_met: Annotated[str | None, typer.Option(help="How you met.")] = None,
    met_on: Annotated[str | None, typer.Option(help="When you met (YYYY-MM-DD).")] = None,
    org: Annotated[str | None, typer.Option(help="Current organization.")] = None,
    title: Annotated[str | None, typer.Option(help="Title at that organization.")] = None,
    field: Fields = None,
    visibility: Visibility = None,
    as_json: Json = False,
) -> None:
    """Add a contact."""
    st = state(ctx)
    detail = contact_service.add_contact(
        st.actor,
        st.uow,
        ContactChanges(
            name=name,
            add_emails=email or [],
            add_phones=phone or [],
            add_tags=tag or [],
            tier=tier,
            cadence=cadence,
            how_met=how_met,
            met_on=met_on,
            organization=org,
            title=title,
            custom_fields=custom_fields(field),
            visibility=visibility,
        ),
    )
    if as_json:
        render.emit_json(detail)
    else:
        render.ok(f"added #{detail.id} {detail.display_name}")


@contact_app.command("edit")
def contact_edit(
    ctx: typer.Context,
    contact: ContactArg,
    name: Annotated[str | None, typer.Option(help="New full name.")] = None,
    first_name: Annotated[str | None, typer.Option(help="New first name.")] = None,
    last_name: Annotated[str | None, typer.Option(help="New last name.")] = None,
    nickname: Annotated[str | None, typer.Option(help="Nickname ('' clears).")] = None,
    add_email: Emails = None,
    remove_email: Annotated[list[str] | None, typer.Option(help="Email to remove.")] = None,
    add_phone: Phones = None,
    remove_phone: Annotated[list[str] | None, typer.Option(help="Phone to remove.")] = None,
    tier: Annotated[str | None, typer.Option(help=TIER_HELP + " none clears it.")] = None,
    cadence: Annotated[str | None, typer.Option(help="30d, 6w, 3m, 1y…")] = None,
    how_met: Annotated[str | None, typer.Option(help="How you met.")] = None,
    met_on: Annotated[str | None, typer.Option(help="When you met.")] = None,
    field: Fields = None,
    visibility: Visibility = None,
    as_json: Json = False,
) -> None:
    """Edit a contact's fields."""
    st = state(ctx)
    detail = contact_service.edit_contact(
        st.actor,
        st.uow,
        contact,
        ContactChanges(
            name=name,
            first_name=first_name,
            last_name=last_name,
            nickname=nickname,
            add_emails=add_email or [],
            remove_emails=remove_email or [],
            add_phones=add_phone or [],
            remove_phones=remove_phone or [],
            tier=tier,
            cadence=cadence,
            how_met=how_met,
            met_on=met_on,
            custom_fields=custom_fields(field),
            visibility=visibility,
        ),
    )
    if as_json:
        render.emit_json(detail)
    else:
        render.ok(f"updated #{detail.id} {detail.display_name}")


@contact_app.command("show")
def contact_show(ctx: typer.Context, contact: ContactArg, as_json: Json = False) -> None:
    """Show a contact: details, positions, open tasks, notes."""
    st = state(ctx)
    detail = contact_service.show_contact(st.actor, st.uow, contact)
    _show_contact(detail, as_json)
    if not as_json:
        print_latest(st.actor, st.uow, detail.id)


@contact_app.command("list")
def contact_list(
    ctx: typer.Context,
    tag: Annotated[str | None, typer.Option(help="Only contacts with this tag.")] = None,
    tier: Annotated[
        str | None, typer.Option(help="Only this tier (inner, network, wider, none).")
    ] = None,
    archived: Annotated[bool, typer.Option(help="Include archived contacts.")] = False,
    limit: Annotated[int, typer.Option(help="How many to show.")] = 100,
    offset: Annotated[int, typer.Option(help="How many to skip.")] = 0,
    as_json: Json = False,
) -> None:
    """List contacts, by last name."""
    st = state(ctx)
    rows = contact_service.list_contacts(
        st.actor, st.uow, tag=tag, tier=tier, include_archived=archived, limit=limit, offset=offset
    )
    _list_contacts(rows, as_json)


@contact_app.command("search")
def contact_search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Name, email or phone; accents and case ignored.")],
    archived: Annotated[bool, typer.Option(help="Include archived contacts.")] = False,
    limit: Annotated[int, typer.Option(help="How many to show.")] = 50,
    as_json: Json = False,
) -> None:
    """Search contacts by name, email or phone."""
    st = state(ctx)
    rows = contact_service.search_contacts(
        st.actor, st.uow, query, limit=limit, include_archived=archived
    )
    _list_contacts(rows, as_json)


@contact_app.command("tag")
def contact_tag(
    ctx: typer.Context,
    contact: ContactArg,
    tags: Annotated[list[str], typer.Argument(help="Tags to add.")],
    remove: Annotated[bool, typer.Option("--remove", help="Remove the tags instead.")] = False,
) -> None:
    """Add (or --remove) tags on a contact."""
    st = state(ctx)
    add, drop = ([], tags) if remove else (tags, [])
    detail = contact_service.tag_contact(st.actor, st.uow, contact, add, drop)
    render.ok(f"#{detail.id} {detail.display_name}: {', '.join(detail.tags) or 'no tags'}")


@contact_app.command("archive")
def contact_archive(
    ctx: typer.Context,
    contact: ContactArg,
    undo: Annotated[bool, typer.Option("--undo", help="Unarchive.")] = False,
) -> None:
    """Archive a contact (hidden from lists and the agenda, history kept)."""
    st = state(ctx)
    detail = contact_service.archive_contact(st.actor, st.uow, contact, archived=not undo)
    render.ok(f"{'unarchived' if undo else 'archived'} #{detail.id} {detail.display_name}")


@contact_app.command("delete")
def contact_delete(ctx: typer.Context, contact: ContactArg, yes: Yes = False) -> None:
    """Move a contact to the trash (restore with `goodwill trash restore`)."""
    st = state(ctx)
    target = contact_service.show_contact(st.actor, st.uow, contact)
    if not confirm(f"Move #{target.id} {target.display_name} to the trash?", yes):
        raise typer.Exit(1)
    ref = contact_service.delete_contact(st.actor, st.uow, target.id)
    render.ok(f"moved #{ref.id} {ref.label} to the trash")


@contact_app.command("position")
def contact_position(
    ctx: typer.Context,
    contact: ContactArg,
    org: Annotated[str, typer.Argument(help="Organization (created if new).")],
    title: Annotated[str | None, typer.Option(help="Title held.")] = None,
    start: Annotated[str | None, typer.Option("--from", help="Start date.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="End date (empty: current).")] = None,
) -> None:
    """Record a position (title at an organization, from/to)."""
    st = state(ctx)
    pos = position_service.add_position(
        st.actor, st.uow, contact, org, title=title, start=start, end=end
    )
    render.ok(f"position #{pos.id}: {pos.title or 'member'} at {pos.organization.label}")


@contact_app.command("end-position")
def contact_end_position(
    ctx: typer.Context,
    position_id: Annotated[int, typer.Argument(help="The position's id (see contact show).")],
    end: Annotated[str, typer.Option("--to", help="End date.")] = "today",
) -> None:
    """End a position (they left the organization)."""
    st = state(ctx)
    pos = position_service.end_position(st.actor, st.uow, position_id, end)
    render.ok(f"position #{pos.id} at {pos.organization.label} ended {pos.end_date}")


@contact_app.command("bulk")
def contact_bulk(
    ctx: typer.Context,
    imported: Annotated[int | None, typer.Option(help="Contacts this import created.")] = None,
    tag: Annotated[str | None, typer.Option(help="Contacts with this tag.")] = None,
    add_tag: Annotated[list[str] | None, typer.Option(help="Tag to add (repeatable).")] = None,
    tier: Annotated[
        str | None, typer.Option("--set-tier", help=TIER_HELP + " none: no tier, no cadence.")
    ] = None,
) -> None:
    """Tag or re-tier many contacts at once (e.g. everything one import created)."""
    st = state(ctx)
    count = contact_service.bulk_update_contacts(
        st.actor, st.uow, imported=imported, tag=tag, add_tags=add_tag or [], tier=tier
    )
    render.ok(f"updated {count:,} contact(s)")
