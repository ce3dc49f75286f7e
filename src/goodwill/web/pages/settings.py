"""Settings: my addresses, time zone, personal tokens; the workspace's cadence defaults,
strength weights, members and invitations (services.settings_page and the services it
names).

Each form posts to its own route, which calls the service that makes the change and
answers its section re-rendered (HTMX), or redirects back (a plain form). A refused
value (ValidationFailed, Conflict) comes back next to its form; a member changing what
only admins may change gets 403 from the error tree.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from goodwill.domain.auth import TOKEN_SCOPES
from goodwill.errors import Conflict, ValidationFailed
from goodwill.services import accounts, auth, members, sessions, settings_page, strength
from goodwill.services import workspace_settings as cadences
from goodwill.web.api.deps import SESSION_COOKIE
from goodwill.web.api.models import MAX_ID
from goodwill.web.pages._core import AnyPageDep, Page, PageDep

router = APIRouter(include_in_schema=False)
RecordId = Annotated[int, Path(ge=1, le=2**62)]
Tier = Annotated[str, Path(max_length=20)]
Refused = (ValidationFailed, Conflict)
ROLES = accounts.ROLES


def _status(exc: Exception) -> int:
    return 409 if isinstance(exc, Conflict) else 422


def _section(page: Page, template: str, *, status: int = 200, **ctx: Any) -> Response:
    """A section after a change: its fragment for HTMX; for a plain form, the page (on
    success back to it, PRG; on a refusal, the whole page with the message in place)."""
    if page.htmx:
        return page.render(template, status=status, **_common(page), **ctx)
    if status < 400:
        return page.redirect("/settings")
    view = settings_page.settings_page(page.actor, page.uow)
    return page.render("settings.html", status=status, view=view, **_common(page), **ctx)


def _common(page: Page) -> dict[str, Any]:
    return {
        "section": "settings",
        "is_admin": page.actor.is_admin,
        "timezones": settings_page.timezones(),
        "scopes": TOKEN_SCOPES,
        "roles": ROLES,
    }


@router.get("/settings")
def settings(page: PageDep) -> Response:
    view = settings_page.settings_page(page.actor, page.uow)
    return page.render("settings.html", view=view, **_common(page))


@router.post("/settings/workspace")
def switch_workspace(
    page: AnyPageDep, workspace_id: Annotated[int, Form(ge=1, le=MAX_ID)]
) -> Response:
    """Move this session to another of the user's workspaces (404 unless a member); a
    member removed from this one may move on too (their membership-ended page)."""
    sessions.switch_workspace(page.actor, page.uow, page.request.cookies.get(SESSION_COOKIE),
                              workspace_id)  # fmt: skip
    return page.redirect("/")


@router.post("/settings/addresses")
def set_addresses(page: PageDep, addresses: Annotated[str, Form(max_length=5000)] = "") -> Response:
    """One address a line (or separated by commas or spaces); empty clears them."""
    given = addresses.replace(",", " ").split()
    try:
        saved = accounts.set_my_emails(page.actor, page.uow, given)
    except Refused as exc:
        return _section(page, "_settings_addresses.html", status=_status(exc),
                        addresses_error=exc.message, my_emails=given)  # fmt: skip
    return _section(page, "_settings_addresses.html", my_emails=saved, addresses_saved=True)


@router.post("/settings/timezone")
def set_timezone(page: PageDep, timezone: Annotated[str, Form(max_length=64)]) -> Response:
    try:
        saved = accounts.update_setting(page.actor, page.uow, "timezone", timezone)
    except Refused as exc:
        return _section(page, "_settings_timezone.html", status=_status(exc),
                        timezone_error=exc.message, timezone=timezone)  # fmt: skip
    return _section(page, "_settings_timezone.html", timezone=saved.timezone, timezone_saved=True)


@router.post("/settings/cadences/{tier}")
def set_cadence(page: PageDep, tier: Tier, days: Annotated[str, Form(max_length=20)]) -> Response:
    """A tier's default cadence (admins): days, or a cadence like 6w or 3m."""
    try:
        moved = cadences.set_cadence_default(page.actor, page.uow, tier, days)
    except Refused as exc:
        return _section(page, "_settings_cadences.html", status=_status(exc),
                        cadences=cadences.cadence_defaults(page.actor, page.uow),
                        cadence_error=exc.message, cadence_tier=tier)  # fmt: skip
    return _section(
        page, "_settings_cadences.html", cadences=cadences.cadence_defaults(page.actor, page.uow),
        cadence_saved=f"Saved; {moved} contacts in that tier moved to the new default.",
        cadence_tier=tier,
    )  # fmt: skip


@router.post("/settings/weights")
async def set_weights(page: PageDep) -> Response:
    """The strength weights (admins), all of them at once: all saved or none."""
    form = await page.request.form()
    changes = {
        name: str(form[name])[:20]
        for name in settings_page.WEIGHT_NAMES
        if isinstance(form.get(name), str) and str(form[name]).strip()
    }
    try:
        # The form is read asynchronously; the write runs off the event loop.
        saved = await run_in_threadpool(
            strength.set_strength_settings, page.actor, page.uow, changes
        )
    except Refused as exc:
        entered = {n: changes.get(n, "") for n in settings_page.WEIGHT_NAMES}
        return _section(page, "_settings_weights.html", status=_status(exc),
                        weights=entered, weights_error=exc.message)  # fmt: skip
    shown = {n: saved[n] for n in settings_page.WEIGHT_NAMES if n in saved}
    return _section(page, "_settings_weights.html", weights=shown, weights_saved=True)


@router.post("/settings/tokens")
def create_token(
    page: PageDep,
    name: Annotated[str, Form(max_length=200)] = "",
    scope: Annotated[str, Form(max_length=20)] = "api",
) -> Response:
    """A personal token: its value is shown in this answer only."""
    try:
        created, raw = auth.create_token(page.actor, page.uow, name, scope)
    except Refused as exc:
        return _section(page, "_settings_tokens.html", status=_status(exc),
                        tokens=auth.list_tokens(page.actor, page.uow),
                        token_error=exc.message, token_name=name)  # fmt: skip
    if not page.htmx:  # a plain form: the value must still be shown once, so no redirect
        view = settings_page.settings_page(page.actor, page.uow)
        return page.render("settings.html", view=view, new_token=raw, new_token_view=created,
                           **_common(page))  # fmt: skip
    return _section(page, "_settings_tokens.html", tokens=auth.list_tokens(page.actor, page.uow),
                    new_token=raw, new_token_view=created)  # fmt: skip


@router.post("/settings/tokens/{token_id}/revoke")
def revoke_token(page: PageDep, token_id: RecordId) -> Response:
    revoked = auth.revoke_token(page.actor, page.uow, token_id)
    return _section(page, "_settings_token_row.html", token=revoked)


@router.post("/settings/invitations")
def invite(
    page: PageDep,
    role: Annotated[str, Form(max_length=20)] = "member",
    email: Annotated[str, Form(max_length=320)] = "",
    days: Annotated[int, Form(ge=1, le=members.INVITE_DAYS_MAX)] = 7,
) -> Response:
    """An invitation link (admins): shown in this answer only."""
    try:
        created, raw = members.invite(page.actor, page.uow, role=role, email=email or None,
                                      days=days)  # fmt: skip
    except Refused as exc:
        return _section(page, "_settings_invitations.html", status=_status(exc),
                        invitations=members.list_invitations(page.actor, page.uow),
                        invite_error=exc.message, invite_email=email)  # fmt: skip
    link = f"{page.request.url_for('join_page')}?token={raw}"  # pages/join.py
    if not page.htmx:
        view = settings_page.settings_page(page.actor, page.uow)
        return page.render("settings.html", view=view, new_invite=created, new_invite_link=link,
                           **_common(page))  # fmt: skip
    return _section(page, "_settings_invitations.html",
                    invitations=members.list_invitations(page.actor, page.uow),
                    new_invite=created, new_invite_link=link)  # fmt: skip


@router.post("/settings/invitations/{invitation_id}/revoke")
def revoke_invitation(page: PageDep, invitation_id: RecordId) -> Response:
    revoked = members.revoke_invitation(page.actor, page.uow, invitation_id)
    return _section(page, "_settings_invitation_row.html", invitation=revoked)


@router.post("/settings/members/role")
def change_role(
    page: PageDep,
    email: Annotated[str, Form(max_length=320)],
    role: Annotated[str, Form(max_length=20)],
) -> Response:
    changed = members.change_role(page.actor, page.uow, email, role)
    return _section(page, "_settings_members.html",
                    members=accounts.list_members(page.actor, page.uow),
                    member_note=f"{changed.email} is now {changed.role}.")  # fmt: skip


@router.post("/settings/members/remove")
def remove_member(
    page: PageDep,
    email: Annotated[str, Form(max_length=320)],
    transfer_to: Annotated[str, Form(max_length=320)],
) -> Response:
    """Remove a member (admins): their workspace records go to `transfer_to`."""
    removed = members.remove_member(page.actor, page.uow, email, transfer_to=transfer_to)
    moved = sum(removed.transferred.values())
    note = (f"{removed.email} was removed; {moved} records went to {removed.transferred_to}, "
            f"{removed.private_kept} private ones stay theirs for 30 days.")  # fmt: skip
    return _section(page, "_settings_members.html", member_note=note,
                    members=accounts.list_members(page.actor, page.uow))  # fmt: skip
