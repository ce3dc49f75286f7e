"""Workspace members: invitations by link, roles, and offboarding.

Offboarding moves a removed member's WORKSPACE-visible records to a member the admin
picks. Their PRIVATE records stay theirs, hidden from everyone else: removal puts them
in the trash (`deleted_at` = the removal time, the schema's existing "gone, restorable
for 30 days" marker), and `departures.purge_removed_members` deletes them 30 days later
unless the member has been invited back (and restored them) in the meantime.

The membership row is kept with `removed_at` set: for those 30 days the removed member
may log in to export their own private records (services/departures.py) and nothing
else. Every query of members here filters on `removed_at IS NULL` (`CURRENT`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from sqlalchemy import (
    Table,
    UniqueConstraint,
    and_,
    delete,
    exists,
    select,
    update,
)
from sqlalchemy.orm import Session

from goodwill.domain import auth as rules
from goodwill.domain.people import normalize_email
from goodwill.domain.text import NAME_MAX, clean_text, fold
from goodwill.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from goodwill.services.accounts import ROLES
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import MemberView
from goodwill.storage.aggregates import rebuild_touches
from goodwill.storage.schema import (
    ApiToken,
    Base,
    Interaction,
    InteractionParticipant,
    Invitation,
    Membership,
    User,
    WebSession,
    Workspace,
)
from goodwill.storage.unit_of_work import UnitOfWork

RETENTION_DAYS = rules.EXPORT_WINDOW.days
CURRENT = Membership.removed_at.is_(None)
INVITE_DAYS_MAX = 30
INVITE_PATH = "/api/v1/invitations/accept"
INVITE_PREFIX = "gwi_"
BAD_INVITATION = "the invitation link is unknown"

# How offboarding treats each table that has owner_id + visibility. A new such table
# must be classified here (tests/integration/test_workspace_members.py fails until it is):
#   "transfer": workspace rows go to the new owner, private rows stay (trashed, purged later)
#   "derived":  an aggregate recomputed from the other tables
HANDLING: dict[str, str] = {
    "organizations": "transfer",
    "contacts": "transfer",
    "interactions": "transfer",
    "contact_touches": "derived",
    "notes": "transfer",
    "tasks": "transfer",
    "ledger_entries": "transfer",
    "asks": "transfer",
    "contact_relations": "transfer",
    "discovery_answers": "transfer",
    "needs_offers": "transfer",
    "introductions": "transfer",
    "pipelines": "transfer",
    "opportunities": "transfer",
}
# What to do when a moved row would collide with the new owner's on a unique
# constraint that includes owner_id: "clear" the other (nullable) column, "rename"
# the row, or "drop" the moved duplicate.
ON_UNIQUE_CONFLICT: dict[str, str] = {
    "interactions": "clear",  # (owner_id, external_key): the import key
    "tasks": "clear",  # (owner_id, external_key)
    "pipelines": "rename",  # (owner_id, name_key)
    "contact_relations": "drop",  # (owner_id, contact_a_id, contact_b_id): same fact
}


@dataclass(frozen=True)
class InvitationView:
    id: int
    email: str | None
    role: str
    status: str  # pending | accepted | revoked | expired
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class RemovalSummary:
    email: str
    transferred_to: str
    transferred: dict[str, int] = field(default_factory=dict)
    private_kept: int = 0
    sessions_ended: int = 0
    tokens_revoked: int = 0


def owned_tables(metadata: object = None) -> list[Table]:
    """Every table whose rows have an owner and a visibility, in dependency order."""
    meta = Base.metadata if metadata is None else metadata
    return [
        t
        for t in meta.sorted_tables  # type: ignore[attr-defined]
        if "owner_id" in t.c and "visibility" in t.c
    ]


def unhandled_tables(metadata: object = None) -> list[str]:
    """Owned tables offboarding has no rule for (must be empty)."""
    missing = [t.name for t in owned_tables(metadata) if t.name not in HANDLING]
    for table in owned_tables(metadata):
        if HANDLING.get(table.name) == "transfer" and _owner_uniques(table):
            if table.name not in ON_UNIQUE_CONFLICT:
                missing.append(f"{table.name} (unique with owner_id)")
    return missing


def _owner_uniques(table: Table) -> list[list[str]]:
    found = []
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            names = [c.name for c in constraint.columns]
            if "owner_id" in names:
                found.append([n for n in names if n != "owner_id"])
    return found


def _require_admin(actor: Actor, what: str) -> None:
    if not actor.is_admin:
        raise PermissionDenied(f"only a workspace owner or admin may {what}")


def _status(row: Invitation, now: datetime) -> str:
    if row.accepted_at is not None:
        return "accepted"
    if row.revoked_at is not None:
        return "revoked"
    return "expired" if row.expires_at <= now else "pending"


def _view(row: Invitation, now: datetime) -> InvitationView:
    return InvitationView(row.id, row.email, row.role, _status(row, now), row.created_at,
                          row.expires_at, row.accepted_at, row.revoked_at)  # fmt: skip


def invite(
    actor: Actor, uow: UnitOfWork, *, role: str = "member", email: str | None = None, days: int = 7
) -> tuple[InvitationView, str]:
    """An invitation link to the actor's workspace; the raw token is returned once."""
    _require_admin(actor, "invite members")
    if role not in ROLES[1:]:
        raise ValidationFailed("role", f"'{role[:20]}' is not one of admin, member")
    if not 1 <= days <= INVITE_DAYS_MAX:
        raise ValidationFailed("days", f"must be between 1 and {INVITE_DAYS_MAX}")
    key = normalize_email(email, "email") if email else None
    raw = INVITE_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    with uow.write() as session:
        if key is not None:
            taken = session.scalar(
                select(Membership.id)
                .join(User, User.id == Membership.user_id)
                .where(User.email == key, Membership.workspace_id == actor.workspace_id, CURRENT)
            )
            if taken is not None:
                raise Conflict(f"{key} is already a member")
        row = Invitation(workspace_id=actor.workspace_id, invited_by=actor.user_id, email=key,
                         role=role, token_hash=rules.secret_hash(raw), created_at=now,
                         expires_at=now + timedelta(days=days))  # fmt: skip
        session.add(row)
        session.flush()
        return _view(row, now), raw


def list_invitations(actor: Actor, uow: UnitOfWork) -> list[InvitationView]:
    """The workspace's invitations, newest first (admins only)."""
    _require_admin(actor, "see invitations")
    now = utcnow()
    with uow.read() as session:
        rows = session.scalars(
            select(Invitation)
            .where(Invitation.workspace_id == actor.workspace_id)
            .order_by(Invitation.id.desc())
        ).all()
        return [_view(row, now) for row in rows]


def revoke_invitation(actor: Actor, uow: UnitOfWork, invitation_id: int) -> InvitationView:
    """Revoke a pending invitation: its link stops working."""
    _require_admin(actor, "revoke invitations")
    now = utcnow()
    with uow.write() as session:
        row = session.get(Invitation, invitation_id)
        if row is None or row.workspace_id != actor.workspace_id:
            raise NotFound(f"no invitation #{invitation_id}")
        if row.accepted_at is not None:
            raise Conflict(f"invitation #{invitation_id} was already accepted")
        if row.revoked_at is None:
            row.revoked_at = now
        return _view(row, now)


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@dataclass(frozen=True)
class InvitationPreview:
    """What an invitation link offers, for the page that accepts it."""

    workspace_id: int
    workspace: str
    role: str
    email: str | None  # the only address that may accept it, if any
    status: str  # pending | accepted | revoked | expired
    expires_at: datetime


def preview_invitation(uow: UnitOfWork, raw_token: str) -> InvitationPreview:
    """The workspace and role an invitation link offers (its holder may know it: the
    link is the credential); an unknown link is NotFound, like a wrong one."""
    if not raw_token.startswith(INVITE_PREFIX) or len(raw_token) > rules.TOKEN_MAX:
        raise NotFound(BAD_INVITATION)
    with uow.read() as session:
        row = session.scalars(
            select(Invitation).where(Invitation.token_hash == rules.secret_hash(raw_token))
        ).first()
        if row is None:
            raise NotFound(BAD_INVITATION)
        workspace = session.get_one(Workspace, row.workspace_id)
        return InvitationPreview(row.workspace_id, workspace.name, row.role, row.email,
                                 _status(row, utcnow()), row.expires_at)  # fmt: skip


def accept_invitation(
    uow: UnitOfWork,
    raw_token: str,
    *,
    email: str | None = None,
    name: str | None = None,
    password: str | None = None,
    existing: Actor | None = None,
) -> MemberView:
    """Join the invitation's workspace: as `existing` (a logged-in user), or as a new
    account (email, name, password). A link works once, until it expires or is revoked."""
    if not raw_token.startswith(INVITE_PREFIX) or len(raw_token) > rules.TOKEN_MAX:
        raise NotFound(BAD_INVITATION)
    hashed = None
    if existing is None:
        if not email or password is None:
            raise ValidationFailed("email", "an email and a password are needed to join")
        hashed = _hasher().hash(rules.check_password(password))
    now = utcnow()
    with uow.write() as session:
        row = session.scalars(
            select(Invitation).where(Invitation.token_hash == rules.secret_hash(raw_token))
        ).first()
        if row is None:
            raise NotFound(BAD_INVITATION)
        status = _status(row, now)
        if status != "pending":
            raise Conflict(f"this invitation was {status}: ask for a new link")
        if existing is not None:
            user = session.get_one(User, existing.user_id)
        else:
            key = normalize_email(email or "", "email")
            if session.scalars(select(User).where(User.email == key)).first() is not None:
                raise Conflict(f"{key} already has an account: log in, then accept the link")
            display = clean_text(name, "name", max_len=NAME_MAX) or key.split("@")[0]
            user = User(email=key, name=display, password_hash=hashed, created_at=now)
            session.add(user)
            session.flush()
        if row.email is not None and row.email != user.email:
            raise PermissionDenied("this invitation is for another email address")
        member = session.scalars(
            select(Membership).where(
                Membership.user_id == user.id, Membership.workspace_id == row.workspace_id
            )
        ).first()
        if member is not None and member.removed_at is None:
            raise Conflict(f"{user.email} is already a member")
        if member is not None:  # invited back inside the export window: a member again
            member.role, member.removed_at, member.exported_at = row.role, None, None
        else:
            session.add(Membership(workspace_id=row.workspace_id, user_id=user.id, role=row.role))
        row.accepted_at, row.accepted_by = now, user.id
        return MemberView(user.id, user.email, user.name, row.role)


def _membership(session: Session, actor: Actor, email: str) -> tuple[User, Membership]:
    key = email.strip().lower()[:320]
    found = session.execute(
        select(User, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where(User.email == key, Membership.workspace_id == actor.workspace_id, CURRENT)
    ).first()
    if found is None:
        raise NotFound(f"no member {key}")
    return found[0], found[1]


def _owners(session: Session, workspace_id: int) -> int:
    return len(
        session.scalars(
            select(Membership.id).where(
                Membership.workspace_id == workspace_id, Membership.role == "owner", CURRENT
            )
        ).all()
    )


def _check_may_manage(session: Session, actor: Actor, target: Membership, new_role: str) -> None:
    if "owner" in {target.role, new_role} and actor.role != "owner":
        raise PermissionDenied("only an owner may change an owner or make one")
    if target.role == "owner" and new_role != "owner" and _owners(session, actor.workspace_id) < 2:
        raise Conflict("the workspace's last owner cannot be demoted or removed")


def change_role(actor: Actor, uow: UnitOfWork, email: str, role: str) -> MemberView:
    """Make a member an owner, admin or member (admins; owners for the owner role)."""
    _require_admin(actor, "change roles")
    if role not in ROLES:
        raise ValidationFailed("role", f"'{role[:20]}' is not one of {', '.join(ROLES)}")
    with uow.write() as session:
        user, membership = _membership(session, actor, email)
        _check_may_manage(session, actor, membership, role)
        membership.role = role
        return MemberView(user.id, user.email, user.name, role)


def _move_conflicts(session: Session, table: Table, ws: int, gone: int, heir: int) -> None:
    """Settle rows that would collide with the heir's on a unique key with owner_id."""
    strategy = ON_UNIQUE_CONFLICT.get(table.name)
    for columns in _owner_uniques(table):
        theirs = table.alias("theirs")
        clash = exists().where(
            theirs.c.owner_id == heir, *[theirs.c[c] == table.c[c] for c in columns]
        )
        ids = list(
            session.scalars(
                select(table.c.id).where(
                    table.c.workspace_id == ws,
                    table.c.owner_id == gone,
                    table.c.visibility == "workspace",
                    clash,
                )
            )
        )
        if not ids:
            continue
        if strategy == "clear":
            session.execute(update(table).where(table.c.id.in_(ids)).values(external_key=None))
        elif strategy == "drop":
            session.execute(delete(table).where(table.c.id.in_(ids)))
        elif strategy == "rename":
            for row_id, name in session.execute(
                select(table.c.id, table.c.name).where(table.c.id.in_(ids))
            ):
                new = f"{name} (moved #{row_id})"[:100]
                session.execute(
                    update(table).where(table.c.id == row_id).values(name=new, name_key=fold(new))
                )
        else:
            raise Conflict(f"offboarding has no rule for unique keys of {table.name}")


def remove_member(actor: Actor, uow: UnitOfWork, email: str, *, transfer_to: str) -> RemovalSummary:
    """Remove a member: their workspace records go to `transfer_to`, their private ones
    stay theirs and hidden (purged after 30 days), their sessions and tokens end."""
    _require_admin(actor, "remove members")
    if unhandled_tables():
        raise Conflict(f"offboarding has no rule for: {', '.join(unhandled_tables())}")
    now = utcnow()
    with uow.write() as session:
        user, membership = _membership(session, actor, email)
        heir, _ = _membership(session, actor, transfer_to)
        if heir.id == user.id:
            raise ValidationFailed("transfer_to", "must be another member")
        if user.id == actor.user_id:
            raise ValidationFailed("email", "you cannot remove yourself")
        _check_may_manage(session, actor, membership, "member")
        ws = actor.workspace_id
        # Touches of the contacts their interactions involve change owner: rebuild them.
        touched = list(
            session.scalars(
                select(InteractionParticipant.contact_id)
                .join(Interaction, Interaction.id == InteractionParticipant.interaction_id)
                .where(Interaction.workspace_id == ws, Interaction.owner_id == user.id)
            )
        )
        moved: dict[str, int] = {}
        private = 0
        for table in owned_tables():
            if HANDLING[table.name] != "transfer":
                continue
            mine = and_(table.c.workspace_id == ws, table.c.owner_id == user.id)
            _move_conflicts(session, table, ws, user.id, heir.id)
            result = session.execute(
                update(table)
                .where(mine, table.c.visibility == "workspace")
                .values(owner_id=heir.id)
            )
            moved[table.name] = int(getattr(result, "rowcount", 0) or 0)
            if "deleted_at" in table.c:
                result = session.execute(
                    update(table)
                    .where(mine, table.c.visibility == "private", table.c.deleted_at.is_(None))
                    .values(deleted_at=now)
                )
                private += int(getattr(result, "rowcount", 0) or 0)
        ended = session.execute(
            update(WebSession)
            .where(WebSession.user_id == user.id, WebSession.workspace_id == ws,
                   WebSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )  # fmt: skip
        revoked = session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.workspace_id == ws,
                   ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )  # fmt: skip
        membership.removed_at, membership.exported_at = now, None
        session.flush()
        rebuild_touches(session, touched)
        return RemovalSummary(
            email=user.email,
            transferred_to=heir.email,
            transferred={k: v for k, v in moved.items() if v},
            private_kept=private,
            sessions_ended=int(getattr(ended, "rowcount", 0) or 0),
            tokens_revoked=int(getattr(revoked, "rowcount", 0) or 0),
        )
