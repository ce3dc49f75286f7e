"""Accounts, sessions and tokens on both databases."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from goodwill.errors import Conflict, NotFound, PermissionDenied, RateLimited, ValidationFailed
from goodwill.services import auth
from goodwill.storage.schema import ApiToken, LoginAttempt, Membership, User, WebSession

PASSWORD = "correct horse battery"


def test_first_sign_up_claims_the_local_owner(uow, owner):
    actor = auth.sign_up(uow, "Ann@Example.com", "Ann", PASSWORD)
    assert (actor.user_id, actor.workspace_id, actor.role) == (
        owner.user_id,
        owner.workspace_id,
        "owner",
    )
    assert actor.email == "ann@example.com"


def test_sign_up_on_a_team_database_gets_a_workspace_of_its_own(uow, owner, teammate):
    actor = auth.sign_up(uow, "olga@else.example", "Olga", PASSWORD)
    assert actor.workspace_id != owner.workspace_id and actor.role == "owner"


def test_sign_up_stores_an_argon2_hash_never_the_password(uow, owner):
    actor = auth.sign_up(uow, "ann@example.com", "Ann", PASSWORD)
    with uow.read() as session:
        stored = session.get_one(User, actor.user_id).password_hash
    assert stored and stored.startswith("$argon2id$") and PASSWORD not in stored


def test_sign_up_refuses_a_taken_email_and_a_short_password(uow, owner, teammate):
    with pytest.raises(Conflict):
        auth.sign_up(uow, "bea@team.example", "Bea", PASSWORD)
    with pytest.raises(ValidationFailed):
        auth.sign_up(uow, "new@example.com", "New", "short")


def test_log_in_opens_a_session_the_cookie_authenticates(uow, owner):
    auth.sign_up(uow, "ann@example.com", "Ann", PASSWORD)
    grant = auth.log_in(uow, "ann@example.com", PASSWORD, "10.0.0.1")
    assert auth.authenticate_session(uow, grant.cookie).user_id == owner.user_id
    with uow.read() as session:
        hashes = session.scalars(select(WebSession.session_hash)).all()
    assert hashes == [hashlib.sha256(grant.cookie.encode()).hexdigest()]
    auth.log_out(uow, grant.cookie)
    with pytest.raises(PermissionDenied):
        auth.authenticate_session(uow, grant.cookie)


def test_unknown_account_fails_like_a_wrong_password(uow, owner):
    auth.sign_up(uow, "ann@example.com", "Ann", PASSWORD)
    with pytest.raises(PermissionDenied) as wrong:
        auth.log_in(uow, "ann@example.com", "not the password", "10.0.0.1")
    with pytest.raises(PermissionDenied) as unknown:
        auth.log_in(uow, "nobody@example.com", "not the password", "10.0.0.1")
    assert str(wrong.value) == str(unknown.value) == auth.BAD_LOGIN


def test_log_in_is_rate_limited_per_account(uow, owner):
    auth.sign_up(uow, "ann@example.com", "Ann", PASSWORD)
    for i in range(5):
        with pytest.raises(PermissionDenied):
            auth.log_in(uow, "ann@example.com", "wrong password", f"10.0.0.{i}")
    with pytest.raises(RateLimited) as info:
        auth.log_in(uow, "ann@example.com", PASSWORD, "10.0.1.1")  # even the right password
    assert 0 < info.value.retry_after <= 15 * 60 + 1


def test_log_in_is_rate_limited_per_address(uow, owner):
    auth.sign_up(uow, "ann@example.com", "Ann", PASSWORD)
    for i in range(20):
        with pytest.raises(PermissionDenied):
            auth.log_in(uow, f"guess{i}@example.com", "wrong password", "10.9.9.9")
    with pytest.raises(RateLimited):
        auth.log_in(uow, "ann@example.com", PASSWORD, "10.9.9.9")
    assert auth.log_in(uow, "ann@example.com", PASSWORD, "10.0.0.2").actor.user_id == owner.user_id


def test_old_failures_leave_the_window(uow, owner):
    auth.sign_up(uow, "ann@example.com", "Ann", PASSWORD)
    for _ in range(5):
        with pytest.raises(PermissionDenied):
            auth.log_in(uow, "ann@example.com", "wrong password", "10.0.0.1")
    with uow.write() as session:
        for attempt in session.scalars(select(LoginAttempt)):
            attempt.at -= timedelta(minutes=16)
    assert auth.log_in(uow, "ann@example.com", PASSWORD, "10.0.0.1")


def test_change_password_ends_the_other_sessions(uow, owner):
    auth.sign_up(uow, "ann@example.com", "Ann", PASSWORD)
    here = auth.log_in(uow, "ann@example.com", PASSWORD, "10.0.0.1")
    there = auth.log_in(uow, "ann@example.com", PASSWORD, "10.0.0.2")
    actor = auth.authenticate_session(uow, here.cookie)
    with pytest.raises(PermissionDenied):
        auth.change_password(actor, uow, "wrong old one", "brand new password")
    ended = auth.change_password(
        actor, uow, PASSWORD, "brand new password", keep_session=here.cookie
    )
    assert ended == 1
    assert auth.authenticate_session(uow, here.cookie).user_id == actor.user_id
    with pytest.raises(PermissionDenied):
        auth.authenticate_session(uow, there.cookie)
    assert auth.log_in(uow, "ann@example.com", "brand new password", "10.0.0.1")


def test_token_is_stored_as_sha256_only(uow, owner):
    view, raw = auth.create_token(owner, uow, "script", "api")
    assert raw.startswith("gw_") and len(raw) > 40 and view.prefix == raw[:10]
    with uow.read() as session:
        row = session.get_one(ApiToken, view.id)
        assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest()
        assert raw not in {row.token_hash, row.prefix, row.name}


def test_token_authenticates_its_owner_for_its_scope_only(uow, owner):
    _, raw = auth.create_token(owner, uow, "script", "api")
    assert auth.authenticate_token(uow, raw, "api").user_id == owner.user_id
    with pytest.raises(PermissionDenied) as wrong_scope:
        auth.authenticate_token(uow, raw, "dav")
    with pytest.raises(PermissionDenied) as unknown:
        auth.authenticate_token(uow, "gw_" + "x" * 43, "api")
    assert str(wrong_scope.value) == str(unknown.value)


def test_revoked_token_is_refused(uow, owner):
    view, raw = auth.create_token(owner, uow, "script", "feed")
    auth.revoke_token(owner, uow, view.id)
    with pytest.raises(PermissionDenied):
        auth.authenticate_token(uow, raw, "feed")
    assert auth.list_tokens(owner, uow)[0].revoked_at is not None


def test_last_used_is_recorded_at_most_once_a_minute(uow, owner):
    view, raw = auth.create_token(owner, uow, "script", "api")
    auth.authenticate_token(uow, raw, "api")
    first = auth.list_tokens(owner, uow)[0].last_used_at
    auth.authenticate_token(uow, raw, "api")
    assert first is not None and auth.list_tokens(owner, uow)[0].last_used_at == first


def test_teammate_cannot_list_revoke_or_use_anothers_token(uow, owner, teammate):
    view, raw = auth.create_token(owner, uow, "mine", "api")
    assert auth.list_tokens(teammate, uow) == []
    with pytest.raises(NotFound):
        auth.revoke_token(teammate, uow, view.id)
    assert auth.authenticate_token(uow, raw, "api").user_id == owner.user_id


def test_removed_member_sessions_stop_working(uow, owner, teammate):
    auth.sign_up(uow, "olga@else.example", "Olga", PASSWORD)
    grant = auth.log_in(uow, "olga@else.example", PASSWORD, "10.0.0.1")
    with uow.write() as session:
        session.query(Membership).filter(Membership.user_id == grant.actor.user_id).delete()
    with pytest.raises(PermissionDenied):
        auth.authenticate_session(uow, grant.cookie)


def test_member_actor_is_the_member_as_their_pages_act(uow, owner, teammate):
    # what a job started from a page (a duplicate scan's process) acts as
    assert auth.member_actor(uow, owner.user_id, owner.workspace_id) == owner
    assert auth.member_actor(uow, teammate.user_id, teammate.workspace_id) == teammate
    olga = auth.sign_up(uow, "olga@else.example", "Olga", PASSWORD)
    with pytest.raises(NotFound, match="is not a member of workspace"):
        auth.member_actor(uow, olga.user_id, owner.workspace_id)
    with uow.write() as session:
        membership = session.scalars(
            select(Membership).where(Membership.user_id == teammate.user_id)
        ).one()
        membership.removed_at = auth.utcnow()
    with pytest.raises(NotFound):  # removed: no more jobs in that workspace
        auth.member_actor(uow, teammate.user_id, teammate.workspace_id)
