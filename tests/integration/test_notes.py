"""Notes on contacts and organizations, and who may see them."""

import pytest

from goodwill.errors import NotFound, PermissionDenied, ValidationFailed
from goodwill.services import accounts, contacts, notes, organizations, trash
from tests.factories import make_contact, make_organization


def test_add_note_on_contact(owner, uow):
    person = make_contact(owner, uow, name="Nora Notable")
    note = notes.add_note(owner, uow, "  likes sailing  ", contact=person.id)
    assert note.body == "likes sailing"
    assert (note.about.id, note.about.label) == (person.id, "Nora Notable")
    assert note.owner_id == owner.user_id
    assert [n.id for n in contacts.show_contact(owner, uow, person.id).notes] == [note.id]


def test_add_note_on_organization(owner, uow):
    org = make_organization(owner, uow, name="Acme Notes Inc")
    note = notes.add_note(owner, uow, "moving offices", organization=org.id)
    assert (note.about.id, note.about.label) == (org.id, "Acme Notes Inc")
    assert [n.id for n in organizations.show_organization(owner, uow, org.id).notes] == [note.id]


def test_add_note_on_contact_by_name(owner, uow):
    person = make_contact(owner, uow, name="Ottilie Findme")
    note = notes.add_note(owner, uow, "met at the fair", contact="findme")
    assert note.about.id == person.id


def test_add_note_keeps_line_breaks(owner, uow):
    person = make_contact(owner, uow)
    note = notes.add_note(owner, uow, "first line\n\tsecond line\n", contact=person.id)
    assert note.body == "first line\n\tsecond line"
    edited = notes.edit_note(owner, uow, note.id, body="one\ntwo")
    assert edited.body == "one\ntwo"


def test_add_note_needs_a_target(owner, uow):
    with pytest.raises(ValidationFailed) as caught:
        notes.add_note(owner, uow, "about nobody")
    assert caught.value.field == "about"


def test_add_note_refuses_two_targets(owner, uow):
    person = make_contact(owner, uow)
    org = make_organization(owner, uow)
    with pytest.raises(ValidationFailed) as caught:
        notes.add_note(owner, uow, "about both", contact=person.id, organization=org.id)
    assert caught.value.field == "about"
    assert notes.list_notes(owner, uow) == []


def test_add_note_blank_body_is_refused(owner, uow):
    person = make_contact(owner, uow)
    with pytest.raises(ValidationFailed) as caught:
        notes.add_note(owner, uow, "   ", contact=person.id)
    assert caught.value.field == "note"


def test_add_note_defaults_private_even_on_shared_contact(owner, uow):
    shared = make_contact(owner, uow, visibility="workspace")
    assert notes.add_note(owner, uow, "mine", contact=shared.id).visibility == "private"


def test_add_note_default_follows_workspace_setting_on_shared_contact(owner, uow):
    accounts.update_setting(owner, uow, "default_visibility", "workspace")
    shared = make_contact(owner, uow, visibility="workspace")
    secret = make_contact(owner, uow, visibility="private")
    assert notes.add_note(owner, uow, "open", contact=shared.id).visibility == "workspace"
    assert notes.add_note(owner, uow, "closed", contact=secret.id).visibility == "private"


def test_add_note_explicit_workspace_visibility(owner, uow):
    shared = make_contact(owner, uow, visibility="workspace")
    note = notes.add_note(owner, uow, "for all", contact=shared.id, visibility="workspace")
    assert note.visibility == "workspace"


def test_list_notes_by_contact(owner, uow):
    person = make_contact(owner, uow)
    other = make_contact(owner, uow)
    first = notes.add_note(owner, uow, "first", contact=person.id)
    second = notes.add_note(owner, uow, "second", contact=person.id)
    notes.add_note(owner, uow, "elsewhere", contact=other.id)
    listed = notes.list_notes(owner, uow, contact=person.id)
    assert {n.id for n in listed} == {first.id, second.id}


def test_list_notes_by_organization(owner, uow):
    org = make_organization(owner, uow)
    person = make_contact(owner, uow)
    on_org = notes.add_note(owner, uow, "org note", organization=org.id)
    notes.add_note(owner, uow, "contact note", contact=person.id)
    assert [n.id for n in notes.list_notes(owner, uow, organization=org.id)] == [on_org.id]
    assert len(notes.list_notes(owner, uow)) == 2


def test_edit_note_text(owner, uow):
    person = make_contact(owner, uow)
    note = notes.add_note(owner, uow, "draft", contact=person.id)
    edited = notes.edit_note(owner, uow, note.id, body="final words")
    assert edited.body == "final words"
    assert [n.body for n in notes.list_notes(owner, uow, contact=person.id)] == ["final words"]


def test_edit_note_visibility_by_owner(owner, uow):
    shared = make_contact(owner, uow, visibility="workspace")
    note = notes.add_note(owner, uow, "share later", contact=shared.id)
    assert notes.edit_note(owner, uow, note.id, visibility="workspace").visibility == "workspace"


def test_edit_note_visibility_by_non_owner_is_denied(owner, teammate, uow):
    shared = make_contact(owner, uow, visibility="workspace")
    note = notes.add_note(owner, uow, "open", contact=shared.id, visibility="workspace")
    with pytest.raises(PermissionDenied):
        notes.edit_note(teammate, uow, note.id, visibility="private")
    assert notes.list_notes(teammate, uow, contact=shared.id)[0].visibility == "workspace"


def test_edit_note_bad_visibility_names_the_field(owner, uow):
    person = make_contact(owner, uow)
    note = notes.add_note(owner, uow, "x", contact=person.id)
    with pytest.raises(ValidationFailed) as caught:
        notes.edit_note(owner, uow, note.id, visibility="public")
    assert caught.value.field == "visibility"


def test_delete_note_moves_it_to_trash(owner, uow):
    person = make_contact(owner, uow)
    note = notes.add_note(owner, uow, "regrettable", contact=person.id)
    notes.delete_note(owner, uow, note.id)
    assert notes.list_notes(owner, uow, contact=person.id) == []
    assert contacts.show_contact(owner, uow, person.id).notes == []
    assert [(t.kind, t.id) for t in trash.list_trash(owner, uow)] == [("note", note.id)]
    trash.restore_from_trash(owner, uow, "note", note.id)
    assert [n.id for n in notes.list_notes(owner, uow, contact=person.id)] == [note.id]


def test_edit_deleted_note_is_not_found(owner, uow):
    person = make_contact(owner, uow)
    note = notes.add_note(owner, uow, "gone", contact=person.id)
    notes.delete_note(owner, uow, note.id)
    with pytest.raises(NotFound):
        notes.edit_note(owner, uow, note.id, body="again")


def test_delete_note_by_non_owner_is_denied(owner, teammate, uow):
    shared = make_contact(owner, uow, visibility="workspace")
    note = notes.add_note(owner, uow, "open", contact=shared.id, visibility="workspace")
    with pytest.raises(PermissionDenied):
        notes.delete_note(teammate, uow, note.id)
    assert len(notes.list_notes(owner, uow)) == 1


def test_teammate_never_sees_private_note_on_shared_contact(owner, teammate, uow):
    shared = make_contact(owner, uow, visibility="workspace")
    secret = notes.add_note(owner, uow, "private thoughts", contact=shared.id)
    open_note = notes.add_note(owner, uow, "for all", contact=shared.id, visibility="workspace")
    assert [n.id for n in notes.list_notes(teammate, uow, contact=shared.id)] == [open_note.id]
    assert [n.id for n in notes.list_notes(teammate, uow)] == [open_note.id]
    assert [n.id for n in contacts.show_contact(teammate, uow, shared.id).notes] == [open_note.id]
    assert trash.list_trash(teammate, uow) == []
    with pytest.raises(NotFound) as hidden:
        notes.edit_note(teammate, uow, secret.id, body="peek")
    with pytest.raises(NotFound) as missing:
        notes.edit_note(teammate, uow, secret.id + 10_000, body="peek")
    assert hidden.value.message == f"no note #{secret.id}"
    assert missing.value.message == f"no note #{secret.id + 10_000}"


def test_teammate_never_sees_private_note_on_shared_organization(owner, teammate, uow):
    org = make_organization(owner, uow, visibility="workspace")
    notes.add_note(owner, uow, "private", organization=org.id)
    assert notes.list_notes(teammate, uow, organization=org.id) == []
    assert organizations.show_organization(teammate, uow, org.id).notes == []


def test_teammates_private_note_hidden_from_owner(owner, teammate, uow):
    shared = make_contact(owner, uow, visibility="workspace")
    notes.add_note(teammate, uow, "bea only", contact=shared.id)
    assert notes.list_notes(owner, uow, contact=shared.id) == []
    assert contacts.show_contact(owner, uow, shared.id).notes == []


def test_add_note_on_hidden_contact_is_not_found(owner, teammate, uow):
    secret = make_contact(owner, uow, visibility="private")
    with pytest.raises(NotFound):
        notes.add_note(teammate, uow, "sneaky", contact=secret.id)
