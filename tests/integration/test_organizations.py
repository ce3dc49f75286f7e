"""Organizations: add, edit, show, list, archive, delete, resolve (both databases)."""

from __future__ import annotations

import pytest

from goodwill.errors import Ambiguous, Conflict, NotFound, PermissionDenied, ValidationFailed
from goodwill.services import contacts, organizations, positions, trash
from goodwill.services.organizations import OrganizationChanges
from tests.factories import make_contact, make_organization


def _names(actor, uow, **options) -> list[str]:
    return [o.name for o in organizations.list_organizations(actor, uow, **options)]


def test_add_organization_returns_its_detail(owner, uow):
    org = make_organization(
        owner,
        uow,
        name="  Analytical Engines  ",
        domain="Engines.EXAMPLE",
        description="Difference and analytical engines",
        add_tags=["Hardware"],
        custom_fields={"founded": "1834"},
    )
    assert (org.name, org.domain, org.tags) == (
        "Analytical Engines",
        "engines.example",
        ["Hardware"],
    )
    assert org.custom_fields == {"founded": "1834"}
    assert (org.visibility, org.owner_id, org.people) == ("private", owner.user_id, [])
    assert organizations.show_organization(owner, uow, org.id) == org


@pytest.mark.parametrize("duplicate", ["acme corp", "ACME CORP", "Acmé  Corp"])
def test_add_organization_duplicate_name_conflicts(owner, uow, duplicate):
    first = make_organization(owner, uow, name="Acme Corp")
    with pytest.raises(Conflict, match=f"#{first.id} Acme Corp"):
        make_organization(owner, uow, name=duplicate)
    assert _names(owner, uow) == ["Acme Corp"]


def test_add_organization_accented_duplicate_conflicts(owner, uow):
    make_organization(owner, uow, name="Société Générale")
    with pytest.raises(Conflict):
        make_organization(owner, uow, name="societe generale")


def test_add_organization_same_name_as_teammates_private_one_is_allowed(owner, teammate, uow):
    make_organization(teammate, uow, name="Stealth Startup")
    mine = make_organization(owner, uow, name="Stealth Startup")
    assert _names(owner, uow) == ["Stealth Startup"]
    assert [o.id for o in organizations.list_organizations(owner, uow)] == [mine.id]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (OrganizationChanges(), "name"),
        (OrganizationChanges(name="   "), "name"),
        (OrganizationChanges(name="Bad\x00Name"), "name"),
        (OrganizationChanges(name="X" * 1_000_000), "name"),
        (OrganizationChanges(name="Ok", visibility="everyone"), "visibility"),
        (OrganizationChanges(name="Ok", custom_fields={"k": "v\x00"}), "field k"),
    ],
)
def test_add_organization_invalid_input_fails(owner, uow, changes, field):
    with pytest.raises(ValidationFailed) as err:
        organizations.add_organization(owner, uow, changes)
    assert err.value.field == field
    assert _names(owner, uow, include_archived=True) == []


def test_edit_organization_changes_fields(owner, uow):
    org = make_organization(owner, uow, name="Old Name", add_tags=["a"], custom_fields={"x": "1"})
    edited = organizations.edit_organization(
        owner,
        uow,
        org.id,
        OrganizationChanges(
            name="New Name",
            domain="new.example",
            description="now bigger",
            add_tags=["b"],
            remove_tags=["A"],
            custom_fields={"x": None, "y": "2"},
        ),
    )
    assert (edited.name, edited.domain, edited.description) == (
        "New Name",
        "new.example",
        "now bigger",
    )
    assert (edited.tags, edited.custom_fields) == (["b"], {"y": "2"})
    assert organizations.show_organization(owner, uow, "new name").id == org.id


def test_edit_organization_rename_onto_another_conflicts(owner, uow):
    make_organization(owner, uow, name="Alpha")
    beta = make_organization(owner, uow, name="Beta")
    with pytest.raises(Conflict):
        organizations.edit_organization(owner, uow, beta.id, OrganizationChanges(name="ALPHA"))
    same = organizations.edit_organization(owner, uow, beta.id, OrganizationChanges(name="BETA"))
    assert same.name == "BETA"


def test_edit_organization_visibility_by_teammate_is_denied(owner, teammate, uow):
    org = make_organization(owner, uow, visibility="workspace")
    with pytest.raises(PermissionDenied):
        organizations.edit_organization(
            teammate, uow, org.id, OrganizationChanges(visibility="private")
        )
    edited = organizations.edit_organization(
        teammate, uow, org.id, OrganizationChanges(description="shared notes")
    )
    assert (edited.description, edited.visibility) == ("shared notes", "workspace")


def test_show_organization_lists_people_current_first(owner, teammate, uow):
    org = make_organization(owner, uow, name="Acme", visibility="workspace")
    alum = make_contact(owner, uow, name="Zed Alum", visibility="workspace")
    staff = make_contact(owner, uow, name="Bo Staff", visibility="workspace")
    hidden = make_contact(teammate, uow, name="Secret Staff")
    positions.add_position(owner, uow, alum.id, f"#{org.id}", title="Intern", end="2020-01-01")
    positions.add_position(owner, uow, staff.id, "acme", title="CEO")
    positions.add_position(teammate, uow, hidden.id, f"#{org.id}", title="Spy")
    shown = organizations.show_organization(owner, uow, org.id)
    assert [(p.contact.label, p.title, p.end_date is None) for p in shown.people] == [
        ("Bo Staff", "CEO", True),
        ("Zed Alum", "Intern", False),
    ]
    seen_by_teammate = organizations.show_organization(teammate, uow, org.id)
    assert {p.contact.label for p in seen_by_teammate.people} == {
        "Bo Staff",
        "Zed Alum",
        "Secret Staff",
    }


def test_list_organizations_query_tag_and_people_count(owner, teammate, uow):
    acme = make_organization(owner, uow, name="Acme Rockets", add_tags=["Space"])
    make_organization(owner, uow, name="Zoë's Café", add_tags=["food"])
    make_organization(owner, uow, name="Blue Origin Café", add_tags=["space"])
    for name in ("Ann One", "Bob Two"):
        positions.add_position(owner, uow, make_contact(owner, uow, name=name).id, f"#{acme.id}")
    gone = make_contact(owner, uow, name="Former Person")
    positions.add_position(owner, uow, gone.id, f"#{acme.id}", end="2020-01-01")
    shared = organizations.edit_organization(
        owner, uow, acme.id, OrganizationChanges(visibility="workspace")
    )
    positions.add_position(teammate, uow, make_contact(teammate, uow).id, f"#{shared.id}")

    assert _names(owner, uow) == ["Acme Rockets", "Blue Origin Café", "Zoë's Café"]
    assert _names(owner, uow, query="cafe") == ["Blue Origin Café", "Zoë's Café"]
    assert _names(owner, uow, query="ZOE CAF") == ["Zoë's Café"]
    assert _names(owner, uow, query="%") == []
    assert _names(owner, uow, tag="SPACE") == ["Acme Rockets", "Blue Origin Café"]
    assert _names(owner, uow, tag="space", query="rocket") == ["Acme Rockets"]
    counts = {o.name: o.people for o in organizations.list_organizations(owner, uow)}
    assert counts == {"Acme Rockets": 2, "Blue Origin Café": 0, "Zoë's Café": 0}
    assert [(o.name, o.people) for o in organizations.list_organizations(teammate, uow)] == [
        ("Acme Rockets", 1)
    ]


def test_list_organizations_query_with_nothing_searchable_finds_nothing(owner, uow):
    make_organization(owner, uow, name="Acme")
    assert _names(owner, uow, query="\u0301") == []


def test_archive_organization_hides_from_list_until_undone(owner, uow):
    org = make_organization(owner, uow, name="Sleepy Co")
    assert organizations.archive_organization(owner, uow, org.id).archived
    assert _names(owner, uow) == []
    assert _names(owner, uow, include_archived=True) == ["Sleepy Co"]
    assert organizations.show_organization(owner, uow, "sleepy").archived
    assert not organizations.archive_organization(owner, uow, org.id, archived=False).archived
    assert _names(owner, uow) == ["Sleepy Co"]


def test_delete_organization_moves_it_to_trash(owner, uow):
    org = make_organization(owner, uow, name="Doomed Inc")
    person = make_contact(owner, uow)
    positions.add_position(owner, uow, person.id, f"#{org.id}", title="Founder")
    assert organizations.delete_organization(owner, uow, "doomed").id == org.id
    assert _names(owner, uow, include_archived=True) == []
    with pytest.raises(NotFound):
        organizations.show_organization(owner, uow, org.id)
    assert [(i.kind, i.id) for i in trash.list_trash(owner, uow)] == [("organization", org.id)]
    assert contacts.show_contact(owner, uow, person.id).positions == []
    trash.restore_from_trash(owner, uow, "organization", org.id)
    [position] = contacts.show_contact(owner, uow, person.id).positions
    assert (position.organization.label, position.title) == ("Doomed Inc", "Founder")


def test_delete_organization_by_teammate_is_denied(owner, teammate, uow):
    org = make_organization(owner, uow, visibility="workspace")
    with pytest.raises(PermissionDenied):
        organizations.delete_organization(teammate, uow, org.id)
    assert organizations.show_organization(teammate, uow, org.id).id == org.id


def test_show_organization_resolves_id_and_unique_fragment(owner, uow):
    org = make_organization(owner, uow, name="Ørsted Wind Power")
    make_organization(owner, uow, name="Other Thing")
    for ref in (org.id, f"#{org.id}", str(org.id), "orsted", "WIND", "Ørsted wind power"):
        assert organizations.show_organization(owner, uow, ref).id == org.id, ref


def test_show_organization_ambiguous_fragment_lists_candidates(owner, uow):
    one = make_organization(owner, uow, name="Acme East")
    two = make_organization(owner, uow, name="Acme West")
    with pytest.raises(Ambiguous) as err:
        organizations.show_organization(owner, uow, "acme")
    assert err.value.candidates == [f"#{one.id} Acme East", f"#{two.id} Acme West"]
    assert f"#{one.id} Acme East" in err.value.message


def test_show_organization_exact_name_wins_over_longer_names(owner, uow):
    acme = make_organization(owner, uow, name="Acme")
    make_organization(owner, uow, name="Acme Labs")
    assert organizations.show_organization(owner, uow, "ACME").id == acme.id


def test_show_organization_hidden_is_not_found_like_missing(owner, teammate, uow):
    hidden = make_organization(teammate, uow, name="Hidden Holdings")
    missing = hidden.id + 1000
    with pytest.raises(NotFound) as seen:
        organizations.show_organization(owner, uow, hidden.id)
    with pytest.raises(NotFound) as absent:
        organizations.show_organization(owner, uow, missing)
    assert seen.value.message == absent.value.message.replace(str(missing), str(hidden.id))
    with pytest.raises(NotFound, match="no organization matches 'holdings'"):
        organizations.show_organization(owner, uow, "holdings")


def test_contact_position_at_hidden_organization_is_redacted(owner, teammate, uow):
    person = make_contact(owner, uow, name="Pat Shared", visibility="workspace")
    private_org = make_organization(owner, uow, name="Owner Secret LLC")
    positions.add_position(owner, uow, person.id, f"#{private_org.id}", title="Board")
    [position] = contacts.show_contact(teammate, uow, person.id).positions
    assert (position.organization.id, position.organization.label) == (
        None,
        "a private organization",
    )
    assert position.title == "Board"


def test_add_organization_name_that_folds_longer_works_on_every_database(owner, uow):
    org = make_organization(owner, uow, name="Straße" * 33)
    assert _names(owner, uow, query="strasse") == ["Straße" * 33]
    with pytest.raises(Conflict):
        make_organization(owner, uow, name="STRAẞE" * 33)
    assert organizations.show_organization(owner, uow, "strasse").id == org.id
