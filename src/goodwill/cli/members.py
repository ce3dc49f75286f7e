"""`goodwill member`: invitations, roles, removal with transfer, and the purge."""

from __future__ import annotations

from typing import Annotated

import typer

from goodwill.cli import render
from goodwill.cli.state import state
from goodwill.services import accounts, departures, members

member_app = typer.Typer(help="Workspace members: invite, list, role, remove, purge.")
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@member_app.command("invite")
def member_invite(
    ctx: typer.Context,
    role: Annotated[str, typer.Option(help="member or admin.")] = "member",
    email: Annotated[str | None, typer.Option(help="Only this address may accept.")] = None,
    days: Annotated[int, typer.Option(help="Days the link stays valid.")] = 7,
) -> None:
    """Create an invitation link (printed once; only its hash is kept)."""
    st = state(ctx)
    view, raw = members.invite(st.actor, st.uow, role=role, email=email, days=days)
    render.ok(f"invitation #{view.id} ({view.role}); send this token, it is not shown again:")
    typer.echo(raw)
    typer.echo(f'accept with POST {members.INVITE_PATH} {{"token": ...}}')


@member_app.command("list")
def member_list(
    ctx: typer.Context,
    removed: Annotated[
        bool,
        typer.Option("--removed", help="Members removed in the last 30 days: purge date, export."),
    ] = False,
    as_json: Json = False,
) -> None:
    """Members and their roles (--removed: who was removed, and whether they exported)."""
    st = state(ctx)
    if removed:
        gone = departures.list_removed_members(st.actor, st.uow)
        if as_json:
            render.emit_json(gone)
            return
        render.table(
            None,
            ["id", "email", "name", "was", "removed", "purged after", "exported"],
            [(m.user_id, m.email, m.name, m.role, render.when(m.removed_at),
              render.when(m.purge_after), render.when(m.exported_at) if m.exported_at else "no")
             for m in gone],
        )  # fmt: skip
        return
    found = accounts.list_members(st.actor, st.uow)
    if as_json:
        render.emit_json(found)
        return
    render.table(None, ["id", "email", "name", "role"],
                 [(m.user_id, m.email, m.name, m.role) for m in found])  # fmt: skip


@member_app.command("role")
def member_role(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The member's email.")],
    role: Annotated[str, typer.Argument(help="owner, admin or member.")],
) -> None:
    """Change a member's role (the last owner stays an owner)."""
    st = state(ctx)
    view = members.change_role(st.actor, st.uow, email, role)
    render.ok(f"{view.email} is now {view.role}")


@member_app.command("remove")
def member_remove(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The member to remove.")],
    transfer_to: Annotated[
        str, typer.Option("--transfer-to", help="Who gets their workspace records.")
    ],
) -> None:
    """Remove a member: shared records go to --transfer-to; private ones are purged in 30 days."""
    st = state(ctx)
    s = members.remove_member(st.actor, st.uow, email, transfer_to=transfer_to)
    render.ok(f"removed {s.email}: {sum(s.transferred.values())} record(s) to "
              f"{s.transferred_to}, {s.private_kept} private kept for 30 days (they may log "
              "in to export them until then)")  # fmt: skip


@member_app.command("purge")
def member_purge(ctx: typer.Context) -> None:
    """Delete the private records of members removed over 30 days ago."""
    st = state(ctx)
    render.ok(f"purged {departures.purge_removed_members(st.uow)} record(s)")
