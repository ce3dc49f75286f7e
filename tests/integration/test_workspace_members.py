"""Workspaces: invitations by link, roles, and offboarding (both databases)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, select, update

from goodwill.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from goodwill.services import accounts, auth, contacts, departures, members, notes, pipelines
from goodwill.services.actor import utcnow
from goodwill.storage.schema import Contact, Invitation, Note, Pipeline, Task
from tests.factories import make_contact, make_interaction, make_task

CANARY = "CANARY-offboarded-secret"


@pytest.fixture
def carl(uow, owner):
    accounts.add_member(owner, uow, "carl@team.example", "Carl Member")
    return accounts.local_actor(uow, "carl@team.example")


def _row(uow, model, row_id):
    with uow.read() as session:
        row = session.get(model, row_id)
        return None if row is None else (row.owner_id, row.deleted_at)


# -- offboarding -------------------------------------------------------------------


def test_every_owned_table_has_an_offboarding_rule():
    assert members.unhandled_tables() == []
    extra = MetaData()
    Table("widgets", extra, Column("id", Integer, primary_key=True),
          Column("owner_id", Integer), Column("visibility", String(16)))  # fmt: skip
    assert members.unhandled_tables(extra) == ["widgets"]


def test_removal_transfers_exactly_the_workspace_records(uow, owner, teammate, carl):
    shared = make_contact(teammate, uow, name="Team Person", visibility="workspace")
    secret = make_contact(teammate, uow, name=f"{CANARY} Hidden", visibility="private")
    make_interaction(teammate, uow, shared.id, visibility="workspace")
    task = make_task(teammate, uow, title="shared task", visibility="workspace")
    shared_note = notes.add_note(teammate, uow, "team note", contact=shared.id,
                                 visibility="workspace")  # fmt: skip
    secret_note = notes.add_note(teammate, uow, f"{CANARY} note", contact=shared.id,
                                 visibility="private")  # fmt: skip
    # Same name as the heir's own pipeline: the moved one is renamed, not lost.
    pipelines.create_pipeline(owner, uow, "Sales", "sales", visibility="private")
    moved_pipe = pipelines.create_pipeline(teammate, uow, "Sales", "sales",
                                           visibility="workspace")  # fmt: skip
    _, raw = auth.create_token(teammate, uow, "phone", "api")

    summary = members.remove_member(owner, uow, "bea@team.example", transfer_to=carl.email)

    assert summary.transferred_to == carl.email
    assert summary.tokens_revoked == 1
    assert {"contacts", "interactions", "tasks", "notes", "pipelines"} <= set(summary.transferred)
    assert _row(uow, Contact, shared.id)[0] == carl.user_id
    assert _row(uow, Task, task.id)[0] == carl.user_id
    assert _row(uow, Note, shared_note.id)[0] == carl.user_id
    assert _row(uow, Pipeline, moved_pipe.id)[0] == carl.user_id
    # Private records stay the removed member's, trashed at the removal time.
    owner_id, deleted_at = _row(uow, Contact, secret.id)
    assert owner_id == teammate.user_id and deleted_at is not None
    assert _row(uow, Note, secret_note.id)[0] == teammate.user_id
    for viewer in (owner, carl):
        with pytest.raises(NotFound):
            contacts.show_contact(viewer, uow, secret.id)
        listed = contacts.list_contacts(viewer, uow)
        assert CANARY not in repr(listed)
        assert CANARY not in repr(notes.list_notes(viewer, uow))
        assert CANARY not in repr(contacts.show_contact(viewer, uow, shared.id))
    with pytest.raises(PermissionDenied):
        auth.authenticate_token(uow, raw, "api")
    assert [m.email for m in accounts.list_members(owner, uow)] == [owner.email, carl.email]


def test_private_records_are_purged_after_30_days(uow, owner, teammate, carl):
    shared = make_contact(teammate, uow, name="Team Person", visibility="workspace")
    secret = make_contact(teammate, uow, name=f"{CANARY} Hidden", visibility="private")
    mine = make_contact(owner, uow, name="Owner Private", visibility="private")
    members.remove_member(owner, uow, "bea@team.example", transfer_to=carl.email)

    assert departures.purge_removed_members(uow, utcnow() + timedelta(days=29)) == 0
    assert _row(uow, Contact, secret.id) is not None
    assert departures.purge_removed_members(uow, utcnow() + timedelta(days=31)) >= 1
    assert _row(uow, Contact, secret.id) is None
    assert _row(uow, Contact, shared.id)[0] == carl.user_id
    assert _row(uow, Contact, mine.id) is not None


def test_last_owner_is_protected(uow, owner, teammate, carl):
    with pytest.raises(Conflict):
        members.change_role(owner, uow, owner.email, "member")
    members.change_role(owner, uow, carl.email, "admin")
    admin = accounts.local_actor(uow, carl.email)
    with pytest.raises(PermissionDenied):
        members.remove_member(admin, uow, owner.email, transfer_to=carl.email)
    with pytest.raises(PermissionDenied):
        members.change_role(admin, uow, owner.email, "member")
    with pytest.raises(ValidationFailed):
        members.remove_member(owner, uow, owner.email, transfer_to=carl.email)
    assert members.change_role(admin, uow, teammate.email, "admin").role == "admin"
    with pytest.raises(PermissionDenied):
        members.remove_member(teammate, uow, carl.email, transfer_to=owner.email)


# -- invitations -------------------------------------------------------------------


def test_invitation_is_single_use(uow, owner):
    view, raw = members.invite(owner, uow, role="admin")
    assert view.status == "pending"
    with uow.read() as session:
        stored = session.get_one(Invitation, view.id).token_hash
    assert raw not in stored and len(stored) == 64
    joined = members.accept_invitation(uow, raw, email="dan@team.example", name="Dan",
                                       password="a long password")  # fmt: skip
    assert joined.role == "admin"
    assert accounts.local_actor(uow, "dan@team.example").workspace_id == owner.workspace_id
    with pytest.raises(Conflict, match="accepted"):
        members.accept_invitation(uow, raw, email="eve@team.example", password="a long password")
    assert members.list_invitations(owner, uow)[0].status == "accepted"


def test_expired_revoked_and_unknown_invitations_fail(uow, owner, teammate):
    expired, raw_expired = members.invite(owner, uow)
    with uow.write() as session:
        session.execute(update(Invitation).where(Invitation.id == expired.id)
                        .values(expires_at=utcnow() - timedelta(seconds=1)))  # fmt: skip
    with pytest.raises(Conflict, match="expired"):
        members.accept_invitation(uow, raw_expired, email="x@team.example", password="long pw 1234")
    revoked, raw_revoked = members.invite(owner, uow)
    members.revoke_invitation(owner, uow, revoked.id)
    with pytest.raises(Conflict, match="revoked"):
        members.accept_invitation(uow, raw_revoked, email="x@team.example", password="long pw 1234")
    with pytest.raises(NotFound):
        members.accept_invitation(uow, "gwi_nope", email="x@team.example", password="long pw 1234")
    with pytest.raises(PermissionDenied):
        members.invite(teammate, uow)
    with uow.read() as session:
        assert session.scalars(select(Invitation.accepted_at)).all() == [None, None]


def test_invitation_for_an_email_and_an_existing_account(uow, owner, teammate):
    other = auth.sign_up(uow, "olga@else.example", "Olga", "outsider password")
    _, raw = members.invite(owner, uow, email="someone@team.example")
    with pytest.raises(PermissionDenied):
        members.accept_invitation(uow, raw, existing=other)
    _, raw = members.invite(owner, uow, email="olga@else.example")
    assert members.accept_invitation(uow, raw, existing=other).role == "member"
    assert "olga@else.example" in [m.email for m in accounts.list_members(owner, uow)]
