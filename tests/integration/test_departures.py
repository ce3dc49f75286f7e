"""Removed members' kept membership rows (both databases): no query of members treats
them as members; a member's own export; the CLI's choice of workspace."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import select

from goodwill.errors import Ambiguous, Conflict, NotFound, PermissionDenied
from goodwill.services import accounts, auth, backup, departures, members
from goodwill.services.actor import utcnow
from goodwill.storage.schema import Membership, Workspace
from tests.factories import make_contact, make_interaction
from tests.integration.test_backup import fresh_database


@pytest.fixture
def carl(uow, owner):
    accounts.add_member(owner, uow, "carl@team.example", "Carl Member")
    return accounts.local_actor(uow, "carl@team.example")


def _membership(uow, actor):
    with uow.read() as session:
        return session.scalars(
            select(Membership).where(
                Membership.user_id == actor.user_id, Membership.workspace_id == actor.workspace_id
            )
        ).one()


def test_removal_keeps_the_row_and_nothing_treats_it_as_a_member(uow, owner, teammate, carl):
    members.change_role(owner, uow, teammate.email, "owner")
    members.remove_member(owner, uow, teammate.email, transfer_to=carl.email)
    row = _membership(uow, teammate)
    assert row.removed_at is not None and row.role == "owner"
    assert teammate.email not in [m.email for m in accounts.list_members(owner, uow)]
    with pytest.raises(NotFound):
        members.change_role(owner, uow, teammate.email, "member")
    with pytest.raises(NotFound):
        members.remove_member(owner, uow, teammate.email, transfer_to=carl.email)
    with pytest.raises(NotFound):
        members.remove_member(owner, uow, carl.email, transfer_to=teammate.email)
    # The removed owner does not count: the owner left is the last one.
    with pytest.raises(Conflict):
        members.change_role(owner, uow, owner.email, "member")
    with pytest.raises(NotFound):  # the CLI cannot act as them either
        accounts.local_actor(uow, teammate.email)
    with pytest.raises(PermissionDenied):  # nor may a token of theirs
        auth.create_token(replace(teammate, role="removed", removed_at=utcnow()), uow, "x", "api")
    view, _ = members.invite(owner, uow, email=teammate.email)  # no "already a member"
    assert view.email == teammate.email


def test_adding_a_removed_member_back_reactivates_the_row(uow, owner, teammate, carl):
    members.remove_member(owner, uow, teammate.email, transfer_to=carl.email)
    back = accounts.add_member(owner, uow, teammate.email, role="admin")
    assert back.role == "admin"
    row = _membership(uow, teammate)
    assert row.removed_at is None and row.role == "admin"
    with uow.read() as session:
        rows = session.scalars(select(Membership).where(Membership.user_id == teammate.user_id))
        assert len(rows.all()) == 1
    with pytest.raises(Conflict):
        accounts.add_member(owner, uow, teammate.email)


def test_own_export_holds_only_the_actors_private_records(uow, owner, teammate):
    mine = make_contact(teammate, uow, name="Mate Private", visibility="private")
    make_contact(teammate, uow, name="Mate Shared", visibility="workspace")
    make_contact(owner, uow, name="Owner Private", visibility="private")
    make_contact(owner, uow, name="Owner Shared", visibility="workspace")
    document = json.loads(departures.export_my_records(teammate, uow))
    assert [c["id"] for c in document["contacts"]] == [mine.id]
    assert [u["email"] for u in document["users"]] == [teammate.email]
    assert document["users"][0]["role"] == "owner"  # restored, it is their own database
    assert _membership(uow, teammate).exported_at is None  # only removed members' exports


def test_list_removed_members_is_for_admins(uow, owner, teammate, carl):
    members.remove_member(owner, uow, teammate.email, transfer_to=carl.email)
    gone = departures.list_removed_members(owner, uow)
    assert [(m.email, m.role, m.exported_at) for m in gone] == [(teammate.email, "member", None)]
    assert (gone[0].purge_after - gone[0].removed_at).days == 30
    with pytest.raises(PermissionDenied):
        departures.list_removed_members(carl, uow)


def _second_workspace(uow, actor, name: str) -> int:
    with uow.write() as session:
        ws = Workspace(name=name, default_visibility="private", created_at=utcnow())
        session.add(ws)
        session.flush()
        session.add(Membership(workspace_id=ws.id, user_id=actor.user_id, role="member"))
        return ws.id


def test_cli_acts_in_the_workspace_named_or_numbered(uow, owner, teammate):
    side = _second_workspace(uow, teammate, "Side Project")
    assert accounts.local_actor(uow, teammate.email).workspace_id == owner.workspace_id
    assert accounts.local_actor(uow, teammate.email, "Side Project").workspace_id == side
    assert accounts.local_actor(uow, teammate.email, str(side)).workspace_id == side
    with pytest.raises(NotFound):
        accounts.local_actor(uow, teammate.email, "Nowhere")
    _second_workspace(uow, teammate, "Side Project")
    with pytest.raises(Ambiguous):
        accounts.local_actor(uow, teammate.email, "Side Project")


def test_login_default_is_the_workspace_used_last(uow, owner, teammate):
    other = auth.sign_up(uow, "dee@example.com", "Dee", "dee's long password")
    _, link = members.invite(owner, uow)
    members.accept_invitation(uow, link, existing=other)
    first = auth.log_in(uow, "dee@example.com", "dee's long password", "t")
    assert first.actor.workspace_id == other.workspace_id  # never used: the first joined
    team = auth.log_in(uow, "dee@example.com", "dee's long password", "t", owner.workspace_id)
    assert team.actor.workspace_id == owner.workspace_id
    again = auth.log_in(uow, "dee@example.com", "dee's long password", "t")
    assert again.actor.workspace_id == owner.workspace_id


def test_own_export_restores_into_a_database_of_ones_own(uow, owner, teammate, tmp_path):
    mine = make_contact(teammate, uow, name="Mate Private", visibility="private")
    make_interaction(teammate, uow, mine.id, summary="coffee", visibility="private")
    make_contact(owner, uow, name="Owner Shared", visibility="workspace")
    data = departures.export_my_records(teammate, uow)
    with fresh_database("sqlite", tmp_path) as database:
        summary = backup.restore_backup(database.uow, data, "mine.json")
        assert (summary.users, summary.contacts, summary.interactions) == (1, 1, 1)
        me = accounts.local_actor(database.uow, teammate.email)
        assert me.role == "owner"
        again = json.loads(backup.export_backup(me, database.uow))
    assert [c["display_name"] for c in again["contacts"]] == ["Mate Private"]
