"""The trash: delete, list, restore, purge after 30 days, and who may do what (both databases)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from goodwill.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from goodwill.services import contacts, discovery, organizations, trash
from goodwill.services.actor import utcnow
from goodwill.services.contacts import ContactChanges
from goodwill.services.organizations import OrganizationChanges
from goodwill.storage.schema import Contact, ContactEmail, ContactPhone
from tests.factories import make_contact, make_organization


def _trashed(actor, uow) -> list[tuple[str, int]]:
    return [(item.kind, item.id) for item in trash.list_trash(actor, uow)]


def _age(uow, contact_id: int, days: int) -> None:
    with uow.write() as session:
        record = session.get(Contact, contact_id)
        assert record is not None
        record.deleted_at = utcnow() - timedelta(days=days)


def test_delete_contact_moves_it_out_of_list_search_and_show(owner, uow):
    kept = make_contact(owner, uow, name="Kept Person")
    gone = make_contact(owner, uow, name="Gone Person", add_emails=["gone@example.com"])
    assert contacts.delete_contact(owner, uow, "gone person").id == gone.id
    assert [c.id for c in contacts.list_contacts(owner, uow, include_archived=True)] == [kept.id]
    assert contacts.search_contacts(owner, uow, "gone", include_archived=True) == []
    for ref in (gone.id, "gone@example.com", "Gone"):
        with pytest.raises(NotFound):
            contacts.show_contact(owner, uow, ref)
    [item] = trash.list_trash(owner, uow)
    assert (item.kind, item.id, item.label) == ("contact", gone.id, "Gone Person")


def test_restore_from_trash_brings_contact_back_intact(owner, uow):
    made = make_contact(
        owner,
        uow,
        name="Back Again",
        add_emails=["back@example.com", "again@example.com"],
        add_phones=["(415) 555-0100"],
        add_tags=["friends"],
        tier="B",
    )
    contacts.delete_contact(owner, uow, made.id)
    ref = trash.restore_from_trash(owner, uow, "contact", made.id)
    assert (ref.id, ref.label) == (made.id, "Back Again")
    back = contacts.show_contact(owner, uow, "back@example.com")
    assert back == made
    assert [c.id for c in contacts.search_contacts(owner, uow, "4155550100")] == [made.id]
    assert _trashed(owner, uow) == []


def test_restore_from_trash_when_email_was_taken_meanwhile_conflicts(owner, uow):
    made = make_contact(owner, uow, name="First Holder", add_emails=["taken@example.com"])
    contacts.delete_contact(owner, uow, made.id)
    other = make_contact(owner, uow, name="New Holder", add_emails=["taken@example.com"])
    with pytest.raises(Conflict, match=f"#{other.id} New Holder"):
        trash.restore_from_trash(owner, uow, "contact", made.id)
    assert _trashed(owner, uow) == [("contact", made.id)]


def test_restore_from_trash_when_organization_name_was_reused_conflicts(owner, uow):
    old = make_organization(owner, uow, name="Phoenix Labs")
    organizations.delete_organization(owner, uow, old.id)
    new = make_organization(owner, uow, name="phoenix labs")
    with pytest.raises(Conflict, match=f"#{new.id} phoenix labs"):
        trash.restore_from_trash(owner, uow, "organization", old.id)
    organizations.edit_organization(owner, uow, new.id, OrganizationChanges(name="Phoenix Two"))
    assert trash.restore_from_trash(owner, uow, "organization", old.id).label == "Phoenix Labs"


def test_restore_from_trash_unknown_kind_fails(owner, uow):
    with pytest.raises(ValidationFailed) as err:
        trash.restore_from_trash(owner, uow, "planet", 1)
    assert err.value.field == "kind"


def test_restore_from_trash_live_or_missing_record_is_not_found(owner, uow):
    live = make_contact(owner, uow)
    with pytest.raises(NotFound):
        trash.restore_from_trash(owner, uow, "contact", live.id)
    with pytest.raises(NotFound):
        trash.restore_from_trash(owner, uow, "contact", live.id + 1000)
    assert contacts.show_contact(owner, uow, live.id).id == live.id


def test_list_trash_newest_first(owner, uow):
    older = make_contact(owner, uow)
    newer = make_contact(owner, uow)
    contacts.delete_contact(owner, uow, older.id)
    contacts.delete_contact(owner, uow, newer.id)
    _age(uow, older.id, 2)
    assert _trashed(owner, uow) == [("contact", newer.id), ("contact", older.id)]


@pytest.mark.parametrize("visibility", ["private", "workspace"])
def test_teammate_cannot_see_or_restore_owners_trash(owner, teammate, uow, visibility):
    made = make_contact(owner, uow, name="Owner Only", visibility=visibility)
    contacts.delete_contact(owner, uow, made.id)
    assert _trashed(teammate, uow) == []
    missing = made.id + 1000
    with pytest.raises(NotFound) as seen:
        trash.restore_from_trash(teammate, uow, "contact", made.id)
    with pytest.raises(NotFound) as absent:
        trash.restore_from_trash(teammate, uow, "contact", missing)
    assert seen.value.message == absent.value.message.replace(str(missing), str(made.id))
    assert _trashed(owner, uow) == [("contact", made.id)]


def test_teammate_restores_own_trash(owner, teammate, uow):
    mine = make_contact(teammate, uow, name="Bea Friend")
    contacts.delete_contact(teammate, uow, mine.id)
    assert _trashed(teammate, uow) == [("contact", mine.id)]
    assert _trashed(owner, uow) == []
    trash.restore_from_trash(teammate, uow, "contact", mine.id)
    assert contacts.show_contact(teammate, uow, "bea friend").id == mine.id


def test_admin_restores_shared_contact_they_deleted(owner, teammate, uow):
    shared = make_contact(teammate, uow, name="Shared Sam", visibility="workspace")
    contacts.delete_contact(owner, uow, shared.id)
    assert _trashed(owner, uow) == [("contact", shared.id)]
    trash.restore_from_trash(owner, uow, "contact", shared.id)
    assert contacts.show_contact(teammate, uow, shared.id).owner_id == teammate.user_id


def test_delete_contact_by_teammate_not_owning_it_is_denied(owner, teammate, uow):
    shared = make_contact(owner, uow, name="Shared Person", visibility="workspace")
    with pytest.raises(PermissionDenied):
        contacts.delete_contact(teammate, uow, shared.id)
    assert contacts.show_contact(teammate, uow, shared.id).id == shared.id
    assert _trashed(owner, uow) == []


def test_delete_contact_teammates_private_contact_is_not_found(owner, teammate, uow):
    hidden = make_contact(teammate, uow)
    with pytest.raises(NotFound):
        contacts.delete_contact(owner, uow, hidden.id)
    assert contacts.show_contact(teammate, uow, hidden.id).id == hidden.id


def test_purge_trash_removes_only_items_older_than_30_days(owner, uow):
    old = make_contact(owner, uow, add_emails=["old@example.com"], add_phones=["4155550100"])
    fresh = make_contact(owner, uow)
    borderline = make_contact(owner, uow)
    for made in (old, fresh, borderline):
        contacts.delete_contact(owner, uow, made.id)
    _age(uow, old.id, 31)
    _age(uow, borderline.id, 29)
    assert trash.purge_trash(owner, uow) == 1
    assert _trashed(owner, uow) == [("contact", fresh.id), ("contact", borderline.id)]
    with pytest.raises(NotFound):
        trash.restore_from_trash(owner, uow, "contact", old.id)
    with uow.read() as session:
        assert session.get(Contact, old.id) is None
        emails = session.scalar(select(func.count()).select_from(ContactEmail))
        phones = session.scalar(select(func.count()).select_from(ContactPhone))
    assert (emails, phones) == (0, 0)


def test_purge_trash_everything(owner, uow):
    kept = make_contact(owner, uow)
    for _ in range(2):
        contacts.delete_contact(owner, uow, make_contact(owner, uow).id)
    assert trash.purge_trash(owner, uow, everything=True) == 2
    assert _trashed(owner, uow) == []
    assert [c.id for c in contacts.list_contacts(owner, uow)] == [kept.id]
    assert trash.purge_trash(owner, uow, everything=True) == 0


def test_purge_trash_leaves_other_users_items(owner, teammate, uow):
    mine = make_contact(owner, uow)
    theirs = make_contact(teammate, uow, visibility="workspace")
    contacts.delete_contact(owner, uow, mine.id)
    contacts.delete_contact(teammate, uow, theirs.id)
    _age(uow, mine.id, 40)
    _age(uow, theirs.id, 40)
    assert trash.purge_trash(teammate, uow, everything=True) == 1
    assert _trashed(owner, uow) == [("contact", mine.id)]


def test_edit_deleted_contact_is_not_found(owner, uow):
    made = make_contact(owner, uow)
    contacts.delete_contact(owner, uow, made.id)
    with pytest.raises(NotFound):
        contacts.edit_contact(owner, uow, made.id, ContactChanges(how_met="ghost"))


def test_a_forgotten_discovery_answer_is_in_the_trash_and_comes_back(owner, uow):
    ana = make_contact(owner, uow, name="Ana Diaz").id
    answer_id = discovery.record_discovery(
        owner, uow, ana, {"goal": "open a Lisbon office"}
    ).recorded[0]
    discovery.forget_discovery_answer(owner, uow, answer_id)
    assert discovery.discovery_profile(owner, uow, ana).history == []
    items = [(i.kind, i.id, i.label) for i in trash.list_trash(owner, uow)]
    assert ("discovery", answer_id, "goal: open a Lisbon office") in items
    trash.restore_from_trash(owner, uow, "discovery", answer_id)
    assert len(discovery.discovery_profile(owner, uow, ana).history) == 1
    discovery.forget_discovery_answer(owner, uow, answer_id)
    assert trash.purge_trash(owner, uow, everything=True) >= 1
    assert all(i.kind != "discovery" for i in trash.list_trash(owner, uow))
