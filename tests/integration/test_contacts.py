"""Contacts: add, edit, resolve by reference, tags, archive, positions (both databases)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from goodwill.domain.dates import local_date_of
from goodwill.errors import Ambiguous, Conflict, NotFound, PermissionDenied, ValidationFailed
from goodwill.services import contacts, organizations, positions
from goodwill.services.actor import utcnow
from goodwill.services.contacts import ContactChanges
from tests.factories import make_contact


def _contact_count(actor, uow) -> int:
    return len(contacts.list_contacts(actor, uow, include_archived=True, limit=10_000))


# --- add_contact -------------------------------------------------------------------------


def test_add_contact_normalizes_emails_and_phones(owner, uow):
    made = make_contact(
        owner,
        uow,
        name="Ada Lovelace",
        add_emails=["Ada@Example.COM", "ada.l@Engines.example"],
        add_phones=["(415) 555-0100", "+44 20 7946 0958"],
    )
    assert [e.email for e in made.emails] == ["ada@example.com", "ada.l@engines.example"]
    assert [p.e164 for p in made.phones] == ["+14155550100", "+442079460958"]
    assert (made.first_name, made.last_name, made.display_name) == (
        "Ada",
        "Lovelace",
        "Ada Lovelace",
    )


def test_add_contact_duplicate_email_on_visible_contact_conflicts(owner, uow):
    first = make_contact(owner, uow, name="Ada Lovelace", add_emails=["ada@example.com"])
    with pytest.raises(Conflict) as err:
        make_contact(owner, uow, name="Ada Impostor", add_emails=["ADA@example.com"])
    assert f"#{first.id} Ada Lovelace" in err.value.message
    assert _contact_count(owner, uow) == 1


def test_add_contact_same_email_as_teammates_private_contact_is_allowed(owner, teammate, uow):
    hidden = make_contact(teammate, uow, name="Secret Person", add_emails=["shared@example.com"])
    mine = make_contact(owner, uow, name="My Person", add_emails=["shared@example.com"])
    assert mine.id != hidden.id
    assert [e.email for e in mine.emails] == ["shared@example.com"]


def test_add_contact_duplicate_email_on_teammates_workspace_contact_conflicts(owner, teammate, uow):
    shared = make_contact(
        teammate, uow, name="Shared Person", add_emails=["s@example.com"], visibility="workspace"
    )
    with pytest.raises(Conflict, match=f"#{shared.id} Shared Person"):
        make_contact(owner, uow, add_emails=["s@example.com"])


@pytest.mark.parametrize(
    ("tier", "code", "days"),
    [("A", "inner", 30), ("b", "network", 90), ("C", "wider", 365), ("inner", "inner", 30),
     ("Network", "network", 90), ("wider", "wider", 365)],
)  # fmt: skip
def test_add_contact_tier_sets_default_cadence(owner, uow, tier, code, days):
    """Names and the old letters alike; shown by name (stored as the letter code)."""
    made = make_contact(owner, uow, tier=tier)
    assert (made.tier, made.cadence_days) == (code, days)


def test_add_contact_explicit_cadence_overrides_tier_default(owner, uow):
    made = make_contact(owner, uow, tier="A", cadence="6w")
    assert (made.tier, made.cadence_days) == ("inner", 42)


def test_add_contact_cadence_without_tier_fails(owner, uow):
    with pytest.raises(ValidationFailed) as err:
        make_contact(owner, uow, cadence="30d")
    assert err.value.field == "cadence"
    assert _contact_count(owner, uow) == 0


def test_edit_contact_tier_none_clears_cadence(owner, uow):
    made = make_contact(owner, uow, tier="A", cadence="45")
    edited = contacts.edit_contact(owner, uow, made.id, ContactChanges(tier="none"))
    assert (edited.tier, edited.cadence_days) == (None, None)


def test_edit_contact_new_tier_replaces_default_cadence_but_keeps_custom(owner, uow):
    default = make_contact(owner, uow, tier="A")
    custom = make_contact(owner, uow, tier="A", cadence="45")
    assert (
        contacts.edit_contact(owner, uow, default.id, ContactChanges(tier="C")).cadence_days == 365
    )
    assert contacts.edit_contact(owner, uow, custom.id, ContactChanges(tier="C")).cadence_days == 45


def test_add_contact_custom_fields_set_and_removed(owner, uow):
    made = make_contact(owner, uow, custom_fields={"linkedin": "ada-l", "shoe": "38"})
    assert made.custom_fields == {"linkedin": "ada-l", "shoe": "38"}
    edited = contacts.edit_contact(
        owner, uow, made.id, ContactChanges(custom_fields={"shoe": None})
    )
    assert edited.custom_fields == {"linkedin": "ada-l"}
    assert contacts.show_contact(owner, uow, made.id).custom_fields == {"linkedin": "ada-l"}


def test_add_contact_custom_field_with_nul_byte_fails(owner, uow):
    with pytest.raises(ValidationFailed, match="field bad: contains a NUL byte"):
        make_contact(owner, uow, custom_fields={"bad": "a\x00b"})
    assert _contact_count(owner, uow) == 0


@pytest.mark.parametrize(
    ("met_on", "expected"),
    [
        ("2023-05-04", lambda today: date(2023, 5, 4)),
        ("yesterday", lambda today: today - timedelta(days=1)),
    ],
)
def test_add_contact_how_met_and_met_on(owner, uow, met_on, expected):
    today = local_date_of(utcnow(), owner.tz)
    made = make_contact(owner, uow, how_met="PyCon hallway", met_on=met_on)
    assert made.how_met == "PyCon hallway"
    assert made.met_on == expected(today)


def test_add_contact_with_organization_creates_it_and_a_current_position(owner, uow):
    made = make_contact(owner, uow, organization="Analytical Engines", title="Programmer")
    [position] = made.positions
    assert position.organization.label == "Analytical Engines"
    assert position.title == "Programmer"
    assert position.current
    org = organizations.show_organization(owner, uow, position.organization.id)
    assert [(p.contact.id, p.title) for p in org.people] == [(made.id, "Programmer")]


def test_add_contact_title_without_organization_fails(owner, uow):
    with pytest.raises(ValidationFailed) as err:
        make_contact(owner, uow, title="CTO")
    assert err.value.field == "title"
    assert _contact_count(owner, uow) == 0


def test_add_contact_default_visibility_is_private(owner, teammate, uow):
    made = make_contact(owner, uow, name="Quiet Person")
    assert made.visibility == "private"
    with pytest.raises(NotFound):
        contacts.show_contact(teammate, uow, made.id)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "Ada\x00 Lovelace"}, "name"),
        ({"name": "A" * 1_000_000}, "name"),
        ({"name": None, "first_name": "B" * 1_000_000}, "first name"),
        ({"add_emails": ["not-an-email"]}, "email"),
        ({"add_phones": ["12"]}, "phone"),
        ({"add_phones": ["call me maybe"]}, "phone"),
        ({"met_on": "31/02/2024"}, "met on"),
        ({"met_on": "2024-02-30"}, "met on"),
        ({"tier": "Z"}, "tier"),
        ({"visibility": "public"}, "visibility"),
    ],
)
def test_add_contact_invalid_input_fails_naming_the_field(owner, uow, overrides, field):
    with pytest.raises(ValidationFailed) as err:
        make_contact(owner, uow, **overrides)
    assert err.value.field == field
    assert err.value.message.startswith(f"{field}: ")
    assert len(err.value.message) < 500
    assert _contact_count(owner, uow) == 0


def test_add_contact_failing_late_leaves_nothing_half_written(owner, uow):
    with pytest.raises(ValidationFailed, match="email"):
        make_contact(owner, uow, name="Half Written", add_emails=["good@example.com", "bad@"])
    assert _contact_count(owner, uow) == 0
    with pytest.raises(NotFound):
        contacts.show_contact(owner, uow, "good@example.com")
    again = make_contact(owner, uow, add_emails=["good@example.com"])
    assert [e.email for e in again.emails] == ["good@example.com"]


# --- edit_contact ------------------------------------------------------------------------


def test_edit_contact_rename_updates_search(owner, uow):
    made = make_contact(owner, uow, name="Ada Lovelace")
    edited = contacts.edit_contact(owner, uow, made.id, ContactChanges(name="Ada King Byron"))
    assert (edited.first_name, edited.last_name) == ("Ada King", "Byron")
    assert [c.id for c in contacts.search_contacts(owner, uow, "byron")] == [made.id]
    assert contacts.search_contacts(owner, uow, "lovelace") == []


def test_edit_contact_adds_and_removes_emails_and_phones(owner, uow):
    made = make_contact(owner, uow, add_emails=["a@example.com"], add_phones=["415 555 0100"])
    edited = contacts.edit_contact(
        owner,
        uow,
        made.id,
        ContactChanges(
            add_emails=["B@example.com"],
            remove_emails=["A@EXAMPLE.com"],
            add_phones=["415-555-0199"],
            remove_phones=["(415) 555-0100"],
        ),
    )
    assert [e.email for e in edited.emails] == ["b@example.com"]
    assert [p.e164 for p in edited.phones] == ["+14155550199"]
    assert [c.id for c in contacts.search_contacts(owner, uow, "a@example.com")] == []


def test_edit_contact_adding_email_of_another_contact_conflicts(owner, uow):
    holder = make_contact(owner, uow, name="Email Holder", add_emails=["mine@example.com"])
    other = make_contact(owner, uow, add_emails=["other@example.com"])
    with pytest.raises(Conflict, match=f"#{holder.id} Email Holder"):
        contacts.edit_contact(
            owner, uow, other.id, ContactChanges(add_emails=["new@example.com", "MINE@example.com"])
        )
    assert [e.email for e in contacts.show_contact(owner, uow, other.id).emails] == [
        "other@example.com"
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (ContactChanges(remove_emails=["absent@example.com"]), "remove email"),
        (ContactChanges(remove_phones=["+1 415 555 0111"]), "remove phone"),
    ],
)
def test_edit_contact_removing_absent_value_fails(owner, uow, changes, field):
    made = make_contact(owner, uow, add_emails=["a@example.com"], add_phones=["415 555 0100"])
    with pytest.raises(ValidationFailed) as err:
        contacts.edit_contact(owner, uow, made.id, changes)
    assert err.value.field == field
    after = contacts.show_contact(owner, uow, made.id)
    assert (after.emails, after.phones) == (made.emails, made.phones)


def test_edit_contact_visibility_by_teammate_is_denied(owner, teammate, uow):
    made = make_contact(owner, uow, visibility="workspace")
    with pytest.raises(PermissionDenied):
        contacts.edit_contact(teammate, uow, made.id, ContactChanges(visibility="private"))
    assert contacts.show_contact(owner, uow, made.id).visibility == "workspace"


def test_edit_contact_teammate_edits_workspace_contact(owner, teammate, uow):
    made = make_contact(owner, uow, visibility="workspace")
    contacts.edit_contact(
        teammate, uow, made.id, ContactChanges(how_met="intro by Bea", add_phones=["4155550123"])
    )
    seen = contacts.show_contact(owner, uow, made.id)
    assert seen.how_met == "intro by Bea"
    assert [p.e164 for p in seen.phones] == ["+14155550123"]


# --- resolve by reference ----------------------------------------------------------------


def test_show_contact_resolves_id_hash_id_email_and_fragments(owner, uow):
    ada = make_contact(owner, uow, name="Ada Lovelace", add_emails=["ada@example.com"])
    zoe = make_contact(owner, uow, name="Zoë Ångström")
    for ref in (ada.id, f"#{ada.id}", str(ada.id), "ADA@Example.com", "lovel", "LOVELACE"):
        assert contacts.show_contact(owner, uow, ref).id == ada.id, ref
    for ref in ("zoe", "angstrom", "ÅNGSTRÖM", "Zoë"):
        assert contacts.show_contact(owner, uow, ref).id == zoe.id, ref


def test_show_contact_ambiguous_fragment_lists_candidates(owner, uow):
    lovelace = make_contact(owner, uow, name="Ada Lovelace")
    byron = make_contact(owner, uow, name="Ada Byron")
    with pytest.raises(Ambiguous) as err:
        contacts.show_contact(owner, uow, "ada")
    assert f"#{lovelace.id} Ada Lovelace" in err.value.message
    assert f"#{byron.id} Ada Byron" in err.value.message
    assert sorted(err.value.candidates) == sorted(
        [f"#{lovelace.id} Ada Lovelace", f"#{byron.id} Ada Byron"]
    )


def test_show_contact_exact_full_name_wins_over_longer_names(owner, uow):
    ann = make_contact(owner, uow, name="Ann Lee")
    make_contact(owner, uow, name="Ann Leeds")
    make_contact(owner, uow, name="Joann Lee")
    assert contacts.show_contact(owner, uow, "ann lee").id == ann.id


def test_show_contact_teammates_private_contact_is_not_found(owner, teammate, uow):
    hidden = make_contact(teammate, uow, name="Hidden Harriet", add_emails=["hh@example.com"])
    missing_id = hidden.id + 1000
    for ref, missing in (
        (hidden.id, missing_id),
        ("hh@example.com", "nobody@example.com"),
        ("Harriet", "Nonexistent"),
    ):
        with pytest.raises(NotFound) as seen:
            contacts.show_contact(owner, uow, ref)
        with pytest.raises(NotFound) as absent:
            contacts.show_contact(owner, uow, missing)
        assert seen.value.message == absent.value.message.replace(str(missing), str(ref))


# --- tags, lists, archive ----------------------------------------------------------------


def test_tag_contact_tags_are_case_insensitive(owner, uow):
    made = make_contact(owner, uow)
    contacts.tag_contact(owner, uow, made.id, ["Investors"])
    assert contacts.tag_contact(owner, uow, made.id, ["INVESTORS", "ml"]).tags == [
        "Investors",
        "ml",
    ]
    other = contacts.tag_contact(owner, uow, make_contact(owner, uow).id, ["investors"])
    assert other.tags == ["Investors"]
    assert contacts.tag_contact(owner, uow, made.id, [], ["investors"]).tags == ["ml"]


def test_list_contacts_filters_by_tag_and_tier(owner, uow):
    a = make_contact(owner, uow, name="Amy Alpha", tier="A", add_tags=["vc"])
    b = make_contact(owner, uow, name="Ben Beta", tier="B", add_tags=["VC", "friend"])
    c = make_contact(owner, uow, name="Cy Gamma")
    assert [s.id for s in contacts.list_contacts(owner, uow, tag="vc")] == [a.id, b.id]
    assert [s.id for s in contacts.list_contacts(owner, uow, tag="Friend")] == [b.id]
    assert [s.id for s in contacts.list_contacts(owner, uow, tier="a")] == [a.id]
    assert [s.id for s in contacts.list_contacts(owner, uow, tier="none")] == [c.id]
    assert [s.id for s in contacts.list_contacts(owner, uow, tag="vc", tier="B")] == [b.id]


def test_archive_contact_hides_from_list_and_search_until_undone(owner, uow):
    kept = make_contact(owner, uow, name="Kept Person")
    gone = make_contact(owner, uow, name="Archived Person")
    assert contacts.archive_contact(owner, uow, gone.id).archived
    assert [s.id for s in contacts.list_contacts(owner, uow)] == [kept.id]
    assert contacts.search_contacts(owner, uow, "archived") == []
    listed = contacts.list_contacts(owner, uow, include_archived=True)
    assert {s.id: s.archived for s in listed} == {kept.id: False, gone.id: True}
    found = contacts.search_contacts(owner, uow, "archived", include_archived=True)
    assert [s.id for s in found] == [gone.id]
    assert not contacts.archive_contact(owner, uow, gone.id, archived=False).archived
    assert [s.id for s in contacts.search_contacts(owner, uow, "archived")] == [gone.id]


# --- positions ---------------------------------------------------------------------------


def test_add_position_end_before_start_fails(owner, uow):
    made = make_contact(owner, uow)
    with pytest.raises(ValidationFailed) as err:
        positions.add_position(owner, uow, made.id, "Acme", start="2020-01-01", end="2019-01-01")
    assert err.value.field == "to"
    assert contacts.show_contact(owner, uow, made.id).positions == []


def test_end_position_before_start_fails_and_keeps_it_current(owner, uow):
    made = make_contact(owner, uow)
    pos = positions.add_position(owner, uow, made.id, "Acme", start="2020-01-01")
    with pytest.raises(ValidationFailed, match="before the start"):
        positions.end_position(owner, uow, pos.id, "2019-12-31")
    assert contacts.show_contact(owner, uow, made.id).positions[0].current
    ended = positions.end_position(owner, uow, pos.id, "2021-06-30")
    assert ended.end_date == date(2021, 6, 30)


def test_show_contact_positions_current_first(owner, uow):
    made = make_contact(owner, uow)
    old = positions.add_position(
        owner, uow, made.id, "Old Co", start="2010-01-01", end="2015-01-01"
    )
    undated = positions.add_position(owner, uow, made.id, "Side Gig", title="Advisor")
    recent = positions.add_position(owner, uow, made.id, "New Co", title="CTO", start="2019-01-01")
    shown = contacts.show_contact(owner, uow, made.id).positions
    assert [p.id for p in shown] == [recent.id, undated.id, old.id]
    assert [p.current for p in shown] == [True, True, False]
    assert shown[0].organization.label == "New Co"


def test_end_position_of_hidden_contact_is_not_found(owner, teammate, uow):
    made = make_contact(owner, uow)
    pos = positions.add_position(owner, uow, made.id, "Acme")
    with pytest.raises(NotFound, match=f"no position #{pos.id}"):
        positions.end_position(teammate, uow, pos.id)
