"""Accounts and credentials: sign-up, login sessions, passwords and personal tokens.

Passwords are hashed with argon2 (slow on purpose); tokens and session ids are long and
random, so their SHA-256 is enough and keeps every request cheap.
"""

from __future__ import annotations

import getpass
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.orm import Session

from goodwill.domain import auth as rules
from goodwill.domain.people import normalize_email
from goodwill.domain.text import NAME_MAX, clean_text
from goodwill.errors import Conflict, CsrfRejected, NotFound, PermissionDenied, RateLimited
from goodwill.services.accounts import LOCAL_OWNER_EMAIL
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.schema import ApiToken, LoginAttempt, Membership, User, WebSession, Workspace
from goodwill.storage.unit_of_work import UnitOfWork

BAD_LOGIN = "wrong email or password"
BAD_TOKEN = "the token is unknown, revoked or not valid for this use"
NO_SESSION = "not logged in, or the session has ended"
CSRF_HEADER = "X-CSRF-Token"
CSRF_MISSING = (
    f"this write came with the session cookie but without the {CSRF_HEADER} header: send the "
    "csrf_token that login (or GET /api/v1/auth/session) returned, or use an API token"
)
CSRF_WRONG = f"the {CSRF_HEADER} header does not match this session's CSRF token"


@dataclass(frozen=True)
class SessionGrant:
    """A new web session: `cookie` goes to the browser once, only its hash is stored."""

    cookie: str
    csrf_token: str
    expires_at: datetime
    actor: Actor


@dataclass(frozen=True)
class TokenView:
    id: int
    name: str
    scope: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the account does not exist, so both cases cost the same."""
    return _hasher().hash(secrets.token_urlsafe(16))


def _verify(stored: str | None, password: str) -> bool:
    try:
        return _hasher().verify(stored or _dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _actor_of(user: User, membership: Membership) -> Actor:
    return Actor(
        user_id=user.id,
        workspace_id=membership.workspace_id,
        role="removed" if membership.removed_at is not None else membership.role,
        email=user.email,
        timezone=user.timezone,
        default_region=user.default_region,
        removed_at=membership.removed_at,
    )


def _actor_in(
    session: Session, user: User, workspace_id: int | None = None, *, allow_removed: bool = False
) -> Actor:
    """The user acting in `workspace_id`, or by default in the workspace they used last
    (else the first they joined). `allow_removed`: a workspace they were removed from,
    inside its export window, gives a removed actor (their own private records only)."""
    query = select(Membership).where(Membership.user_id == user.id)
    if workspace_id is not None:
        query = query.where(Membership.workspace_id == workspace_id)
    rows = session.scalars(query.order_by(Membership.id)).all()
    current = [m for m in rows if m.removed_at is None]
    if current:
        # Last used first; never used ones after, the first joined first among them.
        chosen = max(current, key=lambda m: (m.last_used_at is not None, m.last_used_at, -m.id))
        return _actor_of(user, chosen)
    now = utcnow()
    window = [
        m for m in rows if m.removed_at is not None and rules.export_window_open(m.removed_at, now)
    ]
    if allow_removed and window:
        return _actor_of(user, max(window, key=lambda m: (m.removed_at, m.id)))
    raise PermissionDenied(NO_SESSION)


def member_actor(uow: UnitOfWork, user_id: int, workspace_id: int) -> Actor:
    """A current member of a workspace, by ids, as their pages act: what a job started
    from a page (a duplicate scan in a process of its own) acts as. NotFound when the
    user is not, or no longer, a member of it."""
    with uow.read() as session:
        user = session.get(User, user_id)
        membership = session.scalars(
            select(Membership).where(
                Membership.user_id == user_id,
                Membership.workspace_id == workspace_id,
                Membership.removed_at.is_(None),
            )
        ).first()
        if user is None or membership is None:
            raise NotFound(f"user #{user_id} is not a member of workspace #{workspace_id}")
        return _actor_of(user, membership)


def sign_up(uow: UnitOfWork, email: str, name: str, password: str) -> Actor:
    """A new account with a workspace of its own; on a personal database (the local owner
    has no password yet and is the only user) the first sign-up claims the local owner."""
    key = normalize_email(email, "email")
    display = clean_text(name, "name", max_len=NAME_MAX) or key.split("@")[0]
    hashed = _hasher().hash(rules.check_password(password))
    now = utcnow()
    with uow.write() as session:
        if session.scalars(select(User).where(User.email == key)).first() is not None:
            raise Conflict(f"{key} already has an account: log in instead")
        users = session.scalar(select(func.count()).select_from(User)) or 0
        local = session.scalars(select(User).where(User.email == LOCAL_OWNER_EMAIL)).first()
        if local is not None and local.password_hash is None and users == 1:
            local.email, local.password_hash = key, hashed
            if display and local.name in {"", getpass.getuser()}:
                local.name = display
            session.flush()
            return _actor_in(session, local)
        workspace = Workspace(name=f"{display}'s network", default_visibility="private",
                              created_at=now)  # fmt: skip
        user = User(email=key, name=display, password_hash=hashed, created_at=now)
        session.add_all([workspace, user])
        session.flush()
        session.add(Membership(workspace_id=workspace.id, user_id=user.id, role="owner"))
        session.flush()
        return _actor_in(session, user)


def _open_session(session: Session, actor: Actor, now: datetime) -> SessionGrant:
    cookie = secrets.token_urlsafe(32)
    grant = SessionGrant(cookie, secrets.token_urlsafe(32), now + rules.SESSION_LIFETIME, actor)
    session.add(
        WebSession(user_id=actor.user_id, workspace_id=actor.workspace_id,
                   session_hash=rules.secret_hash(cookie), csrf_token=grant.csrf_token,
                   created_at=now, last_seen_at=now, expires_at=grant.expires_at)
    )  # fmt: skip
    if actor.removed_at is None:
        session.execute(
            update(Membership)
            .where(Membership.user_id == actor.user_id,
                   Membership.workspace_id == actor.workspace_id)
            .values(last_used_at=now)
        )  # fmt: skip
    return grant


def start_session(uow: UnitOfWork, actor: Actor) -> SessionGrant:
    """A session for an account that just proved who it is (a new sign-up)."""
    with uow.write() as session:
        return _open_session(session, actor, utcnow())


def _login_actor(session: Session, user: User, workspace_id: int | None) -> Actor:
    try:
        return _actor_in(session, user, workspace_id, allow_removed=True)
    except PermissionDenied:
        # The password was right: saying which workspace is wrong reveals nothing more.
        if workspace_id is not None:
            raise NotFound(f"no workspace #{workspace_id}") from None
        raise PermissionDenied(f"{user.email} is not a member of any workspace") from None


def log_in(
    uow: UnitOfWork, email: str, password: str, address: str, workspace_id: int | None = None
) -> SessionGrant:
    """Check the password and open a session in `workspace_id` (default: the workspace
    used last, else the first joined); failures are counted per account and per
    address, and an unknown account fails exactly like a wrong password."""
    key = email.strip().lower()[:320]
    where = address[:64]
    now = utcnow()
    since = now - rules.LOGIN_WINDOW
    with uow.write() as session:
        by_account = session.scalars(
            select(LoginAttempt.at).where(LoginAttempt.email == key, LoginAttempt.at >= since)
        ).all()
        by_address = session.scalars(
            select(LoginAttempt.at).where(LoginAttempt.address == where, LoginAttempt.at >= since)
        ).all()
        wait = max(
            rules.retry_after(list(by_account), rules.MAX_FAILURES_PER_ACCOUNT, now) or 0,
            rules.retry_after(list(by_address), rules.MAX_FAILURES_PER_ADDRESS, now) or 0,
        )
        if wait:
            raise RateLimited(f"too many failed logins: try again in {wait} seconds", wait)
        user = session.scalars(select(User).where(User.email == key)).first()
        if not _verify(user.password_hash if user else None, password) or user is None:
            session.add(LoginAttempt(email=key, address=where, at=now))
            failed = True
        else:
            failed = False
            session.execute(delete(LoginAttempt).where(LoginAttempt.email == key))
            grant = _open_session(session, _login_actor(session, user, workspace_id), now)
    if failed:  # raised after the commit: the failure must be counted
        raise PermissionDenied(BAD_LOGIN)
    return grant


def check_origin(origin: str | None, host: str | None) -> None:
    """Refuse a browser write sent from another site (the `Origin` header, when the
    browser sends one, must name this server)."""
    if origin is None:
        return
    if not host or not rules.same_origin(origin, host):
        raise CsrfRejected(
            f"cross-origin request refused: Origin {origin[:100]!r} is not this server"
        )


def authenticate_session(
    uow: UnitOfWork, raw_cookie: str, *, unsafe: bool = False, csrf_token: str | None = None
) -> Actor:
    """The actor of a live session (not revoked, not expired, still a member, or removed
    but inside the export window: see `require_member`). An `unsafe` request (a write)
    must bring the session's CSRF token."""
    return page_session(uow, raw_cookie, unsafe=unsafe, csrf_token=csrf_token)[0]


def page_session(
    uow: UnitOfWork, raw_cookie: str, *, unsafe: bool = False, csrf_token: str | None = None
) -> tuple[Actor, str]:
    """`authenticate_session`, with the session's CSRF token (a web page carries it for
    the forms and HTMX requests it sends back)."""
    if not raw_cookie or len(raw_cookie) > rules.TOKEN_MAX:
        raise PermissionDenied(NO_SESSION)
    now = utcnow()
    with uow.read() as session:
        row = session.scalars(
            select(WebSession).where(WebSession.session_hash == rules.secret_hash(raw_cookie))
        ).first()
        if row is None or row.revoked_at is not None or row.expires_at <= now:
            raise PermissionDenied(NO_SESSION)
        if unsafe:
            if not csrf_token:
                raise CsrfRejected(CSRF_MISSING)
            if not hmac.compare_digest(row.csrf_token.encode(), csrf_token.encode()):
                raise CsrfRejected(CSRF_WRONG)
        user = session.get_one(User, row.user_id)
        actor = _actor_in(session, user, row.workspace_id, allow_removed=True)
        stale, session_id = rules.needs_last_used_update(row.last_seen_at, now), row.id
        csrf = row.csrf_token
    if stale:
        with uow.write() as session:
            session.execute(
                update(WebSession).where(WebSession.id == session_id).values(last_seen_at=now)
            )
    return actor, csrf


def require_member(actor: Actor) -> Actor:
    """The actor, if a current member: a removed one may only export their records."""
    if actor.removed_at is not None:
        until = (actor.removed_at + rules.EXPORT_WINDOW).date().isoformat()
        raise PermissionDenied(
            f"you were removed from this workspace on {actor.removed_at.date().isoformat()}: "
            f"until {until} you may only export your private records from it"
        )
    return actor


def log_out(uow: UnitOfWork, raw_cookie: str) -> None:
    """End the session the cookie names (an unknown cookie: nothing to do)."""
    with uow.write() as session:
        session.execute(
            update(WebSession)
            .where(WebSession.session_hash == rules.secret_hash(raw_cookie[: rules.TOKEN_MAX]),
                   WebSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )  # fmt: skip


def change_password(
    actor: Actor, uow: UnitOfWork, old: str, new: str, *, keep_session: str | None = None
) -> int:
    """Set a new password and end the user's other sessions; returns how many ended."""
    new_hash = _hasher().hash(rules.check_password(new, "new_password"))
    with uow.write() as session:
        user = session.get_one(User, actor.user_id)
        if not _verify(user.password_hash, old):
            raise PermissionDenied("the current password is wrong")
        user.password_hash = new_hash
        query = update(WebSession).where(
            WebSession.user_id == actor.user_id, WebSession.revoked_at.is_(None)
        )
        if keep_session:
            query = query.where(WebSession.session_hash != rules.secret_hash(keep_session))
        result = session.execute(query.values(revoked_at=utcnow()))
        return result.rowcount if isinstance(result, CursorResult) else 0


def _view(row: ApiToken) -> TokenView:
    return TokenView(row.id, row.name, row.scope, row.prefix, row.created_at,
                     row.last_used_at, row.revoked_at)  # fmt: skip


def create_token(actor: Actor, uow: UnitOfWork, name: str, scope: str) -> tuple[TokenView, str]:
    """A personal token; the raw value is returned once and never stored."""
    require_member(actor)
    label = clean_text(name, "name", max_len=100, required=True) or ""
    raw = rules.TOKEN_PREFIX + secrets.token_urlsafe(32)
    with uow.write() as session:
        row = ApiToken(user_id=actor.user_id, workspace_id=actor.workspace_id, name=label,
                       scope=rules.parse_scope(scope), token_hash=rules.secret_hash(raw),
                       prefix=raw[: rules.TOKEN_SHOWN_CHARS], created_at=utcnow())  # fmt: skip
        session.add(row)
        session.flush()
        return _view(row), raw


def list_tokens(actor: Actor, uow: UnitOfWork) -> list[TokenView]:
    """The actor's own tokens, revoked ones included, newest first."""
    with uow.read() as session:
        rows = session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == actor.user_id, ApiToken.workspace_id == actor.workspace_id)
            .order_by(ApiToken.id.desc())
        ).all()
        return [_view(row) for row in rows]


def revoke_token(actor: Actor, uow: UnitOfWork, token_id: int) -> TokenView:
    """Revoke one of the actor's tokens (someone else's fails like a missing one)."""
    with uow.write() as session:
        row = session.get(ApiToken, token_id)
        if row is None or row.user_id != actor.user_id or row.workspace_id != actor.workspace_id:
            raise NotFound(f"no token #{token_id}")
        if row.revoked_at is None:
            row.revoked_at = utcnow()
        return _view(row)


def authenticate_token(uow: UnitOfWork, raw: str, scope: str) -> Actor:
    """The token's owner, if the token is live and has this scope."""
    if not rules.looks_like_token(raw):
        raise PermissionDenied(BAD_TOKEN)
    now = utcnow()
    with uow.read() as session:
        row = session.scalars(
            select(ApiToken).where(ApiToken.token_hash == rules.secret_hash(raw))
        ).first()
        if row is None or row.revoked_at is not None or row.scope != scope:
            raise PermissionDenied(BAD_TOKEN)
        actor = _actor_in(session, session.get_one(User, row.user_id), row.workspace_id)
        stale, token_id = rules.needs_last_used_update(row.last_used_at, now), row.id
    if stale:  # at most one write a minute per token
        with uow.write() as session:
            session.execute(
                update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)
            )
    return actor
