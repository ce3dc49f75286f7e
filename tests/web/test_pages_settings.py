"""The Settings page over HTTP (a session cookie, as a browser): each form changes what
the services see and answers its section (HTMX) with refusals next to the form; a plain
member reads the workspace settings and members but changes none of them (403)."""

from __future__ import annotations

import pytest

from goodwill.services import accounts, auth, members, strength, workspace_settings
from goodwill.services import settings_page as settings_service
from tests.web.sessions import session_client

HX = {"HX-Request": "true"}


@pytest.fixture
def me(app, uow, owner):
    return session_client(app, uow, owner)


@pytest.fixture
def mate(app, uow, teammate):
    return session_client(app, uow, teammate)


def test_the_settings_page_shows_every_section_to_an_admin(me, owner, uow, teammate):
    auth.create_token(owner, uow, "my laptop", "api")
    members.invite(owner, uow, role="admin", email="new@team.example")
    html = me.get("/settings").text
    for heading in ("My addresses", "Time zone", "Personal tokens", "Default cadences",
                    "Strength weights", "Members", "Invitations"):  # fmt: skip
        assert f">{heading}</h2>" in html, heading
    assert "my laptop" in html and "new@team.example" in html
    assert 'name="weight.recency"' in html and 'action="/settings/cadences/inner"' in html
    assert 'aria-current="page">Settings<' in html
    assert "Bea Teammate" in html and 'action="/settings/members/remove"' in html


def test_a_member_sees_the_workspace_read_only(mate, uow, owner):
    members.invite(owner, uow, role="member", email="secret-invitee@team.example")
    html = mate.get("/settings").text
    assert ">Members</h2>" in html and "me@localhost" in html
    assert ">Invitations</h2>" not in html and "secret-invitee" not in html
    assert 'action="/settings/cadences/inner"' not in html
    assert 'action="/settings/members/role"' not in html
    assert "Save weights" not in html and "readonly" in html


def test_a_member_changing_workspace_settings_gets_403(mate, owner, uow):
    before = workspace_settings.cadence_defaults(owner, uow)
    assert mate.post("/settings/cadences/inner", data={"days": "9"}, headers=HX).status_code == 403
    assert workspace_settings.cadence_defaults(owner, uow) == before
    weights = mate.post("/settings/weights", data={"weight.recency": "0.9"}, headers=HX)
    assert weights.status_code == 403
    assert strength.strength_settings(owner, uow)["weight.recency"] != 0.9
    assert mate.post("/settings/invitations", data={"role": "member"}).status_code == 403
    changed = mate.post("/settings/members/role", data={"email": "me@localhost", "role": "member"})
    assert changed.status_code == 403


def test_save_my_addresses(me, owner, uow):
    answer = me.post("/settings/addresses", data={"addresses": "Me@Work.example\nme@home.example"},
                     headers=HX)  # fmt: skip
    assert answer.status_code == 200 and "Saved." in answer.text
    assert settings_service.my_emails(owner, uow) == ["me@home.example", "me@work.example"]


def test_a_bad_address_comes_back_next_to_the_form(me, owner, uow):
    answer = me.post("/settings/addresses", data={"addresses": "not-an-address"}, headers=HX)
    assert answer.status_code == 422
    assert 'id="addresses-error"' in answer.text and "not-an-address" in answer.text
    assert settings_service.my_emails(owner, uow) == []


def test_change_the_time_zone(me, owner, uow):
    answer = me.post("/settings/timezone", data={"timezone": "Europe/Paris"}, headers=HX)
    assert answer.status_code == 200
    assert '<strong id="current-timezone">Europe/Paris</strong>' in answer.text
    assert accounts.get_settings(owner, uow).timezone == "Europe/Paris"


def test_an_unknown_time_zone_is_refused_next_to_the_form(me, owner, uow):
    answer = me.post("/settings/timezone", data={"timezone": "Mars/Olympus"}, headers=HX)
    assert answer.status_code == 422 and 'id="timezone-error"' in answer.text
    assert accounts.get_settings(owner, uow).timezone == "UTC"


def test_a_plain_form_is_redirected_back_and_a_refusal_renders_the_page(me):
    assert (
        me.post("/settings/timezone", data={"timezone": "Asia/Tokyo"}).headers["location"]
        == "/settings"
    )
    refused = me.post("/settings/timezone", data={"timezone": "Nowhere/Land"})
    assert refused.status_code == 422 and "<h1>Settings</h1>" in refused.text
    assert 'id="timezone-error"' in refused.text


def test_an_admin_changes_a_tier_cadence(me, owner, uow):
    answer = me.post("/settings/cadences/network", data={"days": "6w"}, headers=HX)
    assert answer.status_code == 200 and 'value="42"' in answer.text
    assert workspace_settings.cadence_defaults(owner, uow)["network"] == 42
    refused = me.post("/settings/cadences/network", data={"days": "often"}, headers=HX)
    assert refused.status_code == 422 and 'id="cadence-error"' in refused.text


def test_an_admin_changes_the_strength_weights(me, owner, uow):
    answer = me.post("/settings/weights", data={"weight.recency": "0.5", "channel.email": "0.2"},
                     headers=HX)  # fmt: skip
    assert answer.status_code == 200 and "Saved." in answer.text
    saved = strength.strength_settings(owner, uow)
    assert (saved["weight.recency"], saved["channel.email"]) == (0.5, 0.2)
    refused = me.post("/settings/weights", data={"weight.recency": "lots"}, headers=HX)
    assert refused.status_code == 422 and 'id="weights-error"' in refused.text
    assert strength.strength_settings(owner, uow)["weight.recency"] == 0.5


def test_a_token_is_shown_once_then_listed_and_revoked(me, owner, uow):
    answer = me.post("/settings/tokens", data={"name": "CI", "scope": "api"}, headers=HX)
    assert answer.status_code == 200
    [token] = auth.list_tokens(owner, uow)
    assert 'id="new-token"' in answer.text and f'value="{token.prefix}' in answer.text
    page = me.get("/settings").text
    assert "CI" in page and 'id="new-token"' not in page  # never shown again
    revoked = me.post(f"/settings/tokens/{token.id}/revoke", headers=HX)
    assert revoked.status_code == 200 and "revoked" in revoked.text
    assert auth.list_tokens(owner, uow)[0].revoked_at is not None


def test_a_token_without_a_name_is_refused(me, owner, uow):
    answer = me.post("/settings/tokens", data={"name": " ", "scope": "api"}, headers=HX)
    assert answer.status_code == 422 and 'id="token-error"' in answer.text
    assert auth.list_tokens(owner, uow) == []


def test_someone_elses_token_cannot_be_revoked(mate, owner, uow):
    token, _ = auth.create_token(owner, uow, "mine", "api")
    assert mate.post(f"/settings/tokens/{token.id}/revoke", headers=HX).status_code == 404
    assert auth.list_tokens(owner, uow)[0].revoked_at is None


def test_an_admin_creates_an_invitation_link_and_revokes_it(me, owner, uow):
    answer = me.post("/settings/invitations", data={"role": "member", "email": "", "days": "3"},
                     headers=HX)  # fmt: skip
    assert answer.status_code == 200
    assert "/join?token=gwi_" in answer.text
    [invitation] = members.list_invitations(owner, uow)
    assert invitation.status == "pending"
    revoked = me.post(f"/settings/invitations/{invitation.id}/revoke", headers=HX)
    assert revoked.status_code == 200 and "revoked" in revoked.text
    assert members.list_invitations(owner, uow)[0].status == "revoked"


def test_inviting_a_member_again_is_refused_next_to_the_form(me, teammate):
    answer = me.post("/settings/invitations", data={"email": "bea@team.example"}, headers=HX)
    assert answer.status_code == 409 and 'id="invite-error"' in answer.text


def test_an_admin_changes_a_role_and_removes_a_member(me, owner, uow, teammate):
    answer = me.post("/settings/members/role", data={"email": "bea@team.example", "role": "admin"},
                     headers=HX)  # fmt: skip
    assert answer.status_code == 200 and "bea@team.example is now admin." in answer.text
    assert {m.email: m.role for m in accounts.list_members(owner, uow)}["bea@team.example"] == (
        "admin"
    )
    gone = me.post("/settings/members/remove",
                   data={"email": "bea@team.example", "transfer_to": "me@localhost"},
                   headers=HX)  # fmt: skip
    assert gone.status_code == 200 and "bea@team.example was removed" in gone.text
    assert [m.email for m in accounts.list_members(owner, uow)] == ["me@localhost"]


def test_a_settings_write_without_the_csrf_token_is_refused(app, uow, owner):
    client = session_client(app, uow, owner)
    del client.headers[auth.CSRF_HEADER]
    answer = client.post("/settings/timezone", data={"timezone": "Europe/Paris"}, headers=HX)
    assert answer.status_code == 403
    assert accounts.get_settings(owner, uow).timezone == "UTC"
