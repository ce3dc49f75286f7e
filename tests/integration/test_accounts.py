"""Users, members and settings."""

import pytest
from sqlalchemy import func, select

from goodwill.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from goodwill.services import accounts, contacts
from goodwill.storage.schema import Membership, User, Workspace
from tests.factories import make_contact


def _count(uow, model):
    with uow.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_local_actor_creates_one_owner_once(uow):
    first = accounts.local_actor(uow)
    second = accounts.local_actor(uow)
    assert first == second
    assert (first.role, first.email, first.timezone) == ("owner", "me@localhost", "UTC")
    assert first.is_admin
    assert (_count(uow, User), _count(uow, Workspace), _count(uow, Membership)) == (1, 1, 1)


def test_local_actor_by_email(owner, teammate, uow):
    again = accounts.local_actor(uow, "BEA@team.example")
    assert again == teammate
    assert (again.role, again.workspace_id) == ("member", owner.workspace_id)
    assert not again.is_admin


def test_local_actor_unknown_email_is_not_found(owner, uow):
    with pytest.raises(NotFound):
        accounts.local_actor(uow, "ghost@team.example")


def test_local_actor_stays_the_owner_after_members_join(owner, teammate, uow):
    assert accounts.local_actor(uow) == owner
    assert _count(uow, Workspace) == 1


def test_add_member(owner, uow):
    member = accounts.add_member(owner, uow, " Carl@Team.Example ", "Carl Member", role="admin")
    assert (member.email, member.name, member.role) == ("carl@team.example", "Carl Member", "admin")
    carl = accounts.local_actor(uow, "carl@team.example")
    assert carl.is_admin
    assert carl.workspace_id == owner.workspace_id


def test_add_member_without_name_uses_email_local_part(owner, uow):
    assert accounts.add_member(owner, uow, "dora@team.example").name == "dora"


def test_add_member_by_non_admin_is_denied(owner, teammate, uow):
    with pytest.raises(PermissionDenied):
        accounts.add_member(teammate, uow, "eve@team.example")
    assert [m.email for m in accounts.list_members(owner, uow)] == [
        "me@localhost",
        "bea@team.example",
    ]


def test_add_member_twice_is_a_conflict(owner, teammate, uow):
    with pytest.raises(Conflict):
        accounts.add_member(owner, uow, "Bea@Team.example")
    assert len(accounts.list_members(owner, uow)) == 2


def test_add_member_bad_role_names_the_field(owner, uow):
    with pytest.raises(ValidationFailed) as caught:
        accounts.add_member(owner, uow, "fred@team.example", role="owner")
    assert caught.value.field == "role"


def test_add_member_bad_email_is_refused(owner, uow):
    with pytest.raises(ValidationFailed) as caught:
        accounts.add_member(owner, uow, "not an email")
    assert caught.value.field == "email"


def test_list_members(owner, teammate, uow):
    members = accounts.list_members(teammate, uow)
    assert [(m.user_id, m.email, m.role) for m in members] == [
        (owner.user_id, "me@localhost", "owner"),
        (teammate.user_id, "bea@team.example", "member"),
    ]


def test_update_setting_timezone(owner, uow):
    view = accounts.update_setting(owner, uow, "timezone", " America/New_York ")
    assert view.timezone == "America/New_York"
    actor = accounts.local_actor(uow)
    assert actor.timezone == "America/New_York"
    assert accounts.get_settings(actor, uow).timezone == "America/New_York"


def test_update_setting_invalid_timezone_is_refused(owner, uow):
    for bad in ("Mars/Olympus_Mons", "", "../etc/passwd", "America", "Europe/" + "x" * 300):
        with pytest.raises(ValidationFailed) as caught:
            accounts.update_setting(owner, uow, "timezone", bad)
        assert caught.value.field == "timezone"
    assert accounts.get_settings(owner, uow).timezone == "UTC"


def test_update_setting_default_region_drives_phone_normalization(owner, uow):
    view = accounts.update_setting(owner, uow, "default_region", "fr")
    assert view.default_region == "FR"
    actor = accounts.local_actor(uow)
    assert actor.default_region == "FR"
    person = make_contact(actor, uow, add_phones=["01 42 68 53 00"])
    assert [p.e164 for p in person.phones] == ["+33142685300"]
    found = contacts.search_contacts(actor, uow, "01 42 68 53 00")
    assert [c.id for c in found] == [person.id]


def test_update_setting_invalid_region_is_refused(owner, uow):
    with pytest.raises(ValidationFailed) as caught:
        accounts.update_setting(owner, uow, "default_region", "XX")
    assert caught.value.field == "default_region"


def test_update_setting_default_visibility_affects_new_contacts(owner, uow):
    before = make_contact(owner, uow)
    accounts.update_setting(owner, uow, "default_visibility", "workspace")
    after = make_contact(owner, uow)
    assert (before.visibility, after.visibility) == ("private", "workspace")
    assert accounts.get_settings(owner, uow).default_visibility == "workspace"


def test_update_setting_default_visibility_lets_teammate_see_new_contacts(owner, teammate, uow):
    make_contact(owner, uow, name="Hidden Before")
    accounts.update_setting(owner, uow, "default_visibility", "workspace")
    make_contact(owner, uow, name="Shown After")
    assert [c.display_name for c in contacts.list_contacts(teammate, uow)] == ["Shown After"]


def test_update_setting_default_visibility_by_member_is_denied(owner, teammate, uow):
    with pytest.raises(PermissionDenied):
        accounts.update_setting(teammate, uow, "default_visibility", "workspace")
    assert accounts.get_settings(owner, uow).default_visibility == "private"


def test_update_setting_bad_visibility_is_refused(owner, uow):
    with pytest.raises(ValidationFailed) as caught:
        accounts.update_setting(owner, uow, "default_visibility", "public")
    assert caught.value.field == "visibility"


def test_update_setting_unknown_key_is_refused(owner, uow):
    with pytest.raises(ValidationFailed) as caught:
        accounts.update_setting(owner, uow, "colour", "blue")
    assert caught.value.field == "setting"


def test_update_setting_member_changes_own_timezone_only(owner, teammate, uow):
    accounts.update_setting(teammate, uow, "timezone", "Asia/Tokyo")
    assert accounts.local_actor(uow, "bea@team.example").timezone == "Asia/Tokyo"
    assert accounts.local_actor(uow).timezone == "UTC"


def test_update_setting_name_and_workspace(owner, uow):
    accounts.update_setting(owner, uow, "name", "Ada Owner")
    view = accounts.update_setting(owner, uow, "workspace", "Ada's network")
    assert (view.name, view.workspace) == ("Ada Owner", "Ada's network")


def test_update_setting_email_taken_by_another_user_is_a_conflict(owner, teammate, uow):
    with pytest.raises(Conflict):
        accounts.update_setting(owner, uow, "email", "bea@team.example")
    assert accounts.get_settings(owner, uow).email == "me@localhost"


def test_add_member_inherits_the_admins_zone_and_region(owner, uow):
    accounts.update_setting(owner, uow, "timezone", "Europe/Paris")
    accounts.update_setting(owner, uow, "default_region", "FR")
    actor = accounts.local_actor(uow)
    accounts.add_member(actor, uow, "gina@team.example")
    gina = accounts.local_actor(uow, "gina@team.example")
    assert (gina.timezone, gina.default_region) == ("Europe/Paris", "FR")
