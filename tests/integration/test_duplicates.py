"""Listing and dismissing duplicate suggestions (both databases), visibility first."""

from __future__ import annotations

import json

import pytest

from goodwill.errors import NotFound, ValidationFailed
from goodwill.services import contacts, dedupe
from goodwill.services.views import to_jsonable
from tests.factories import make_contact, make_organization


def pairs(found: dedupe.DuplicateList) -> list[tuple[int | None, int | None]]:
    return [(c.a.id, c.b.id) for c in found.candidates]


def test_list_duplicates_finds_likely_pairs_best_first(owner, uow):
    john = make_contact(owner, uow, name="John Smith", organization="Acme").id
    jon = make_contact(owner, uow, name="Jon Smith", organization="Acme Inc").id
    initial = make_contact(owner, uow, name="J. Smith").id
    make_contact(owner, uow, name="Maria Lopez")
    namesake = make_contact(owner, uow, name="John Smith", organization="Globex").id
    found = dedupe.list_duplicates(owner, uow)
    # The namesake at another company is no match for John at Acme, but may be J.
    assert pairs(found) == [(john, jon), (john, initial), (jon, initial), (initial, namesake)]
    best = found.candidates[0]
    assert (best.a.label, best.b.label, best.score) == ("John Smith", "Jon Smith", 99)
    assert best.reasons == ["similar name (89)", "same organization: Acme"]
    assert [c.score for c in found.candidates] == [99, 85, 85, 85]
    assert found.notes == []
    assert pairs(dedupe.list_duplicates(owner, uow, limit=1)) == [(john, jon)]


def test_list_duplicates_for_one_contact_only(owner, teammate, uow):
    john = make_contact(owner, uow, name="John Smith").id
    jon = make_contact(owner, uow, name="Jon Smith").id
    ann = make_contact(owner, uow, name="Ann Lee").id
    annie = make_contact(owner, uow, name="Ann Lee").id
    assert pairs(dedupe.list_duplicates(owner, uow, contact=ann)) == [(ann, annie)]
    assert pairs(dedupe.list_duplicates(owner, uow, contact="Jon Smith")) == [(john, jon)]
    with pytest.raises(NotFound, match=f"no contact #{ann}"):
        dedupe.list_duplicates(teammate, uow, contact=ann)


def test_list_duplicates_never_shows_a_teammates_private_contact(owner, teammate, uow):
    mine = make_contact(owner, uow, name="Maria Lopez", add_phones=["+14155550142"]).id
    theirs = make_contact(
        teammate, uow, name="Maria Lopez", add_emails=["maria@lopez.example"],
        add_phones=["+14155550142"], visibility="private",
    ).id  # fmt: skip
    also_mine = make_contact(owner, uow, name="Maria Lopes").id
    owner_view = dedupe.list_duplicates(owner, uow)
    assert pairs(owner_view) == [(mine, also_mine)]
    text = json.dumps(to_jsonable(owner_view))
    assert str(theirs) not in text and "lopez.example" not in text
    assert pairs(dedupe.list_duplicates(teammate, uow)) == []
    with pytest.raises(NotFound):
        dedupe.list_duplicates(owner, uow, contact=theirs)


def test_list_duplicates_hides_private_organizations_from_reasons(owner, teammate, uow):
    secret = make_organization(owner, uow, name="Secret Labs", visibility="private")
    shared = {"visibility": "workspace", "organization": f"#{secret.id}"}
    a = make_contact(owner, uow, name="Ada King", **shared).id
    b = make_contact(owner, uow, name="Ada Kingg", **shared).id
    owner_reasons = dedupe.list_duplicates(owner, uow).candidates[0].reasons
    assert "same organization: Secret Labs" in owner_reasons
    seen = dedupe.list_duplicates(teammate, uow)
    assert pairs(seen) == [(a, b)]
    assert "Secret" not in json.dumps(to_jsonable(seen))


def test_list_duplicates_skips_trashed_contacts(owner, uow):
    make_contact(owner, uow, name="Ann Lee")
    gone = make_contact(owner, uow, name="Ann Lee").id
    contacts.delete_contact(owner, uow, gone)
    assert pairs(dedupe.list_duplicates(owner, uow)) == []


def test_dismissed_pair_does_not_come_back_for_who_dismissed_it(owner, teammate, uow):
    shared = {"visibility": "workspace"}
    ann = make_contact(owner, uow, name="Ann Lee", **shared).id
    other = make_contact(owner, uow, name="Ann Lee", **shared).id
    assert pairs(dedupe.list_duplicates(owner, uow)) == [(ann, other)]
    dismissal = dedupe.dismiss_duplicate(owner, uow, other, f"#{ann}")
    assert (dismissal.a.id, dismissal.b.id) == (other, ann)
    dedupe.dismiss_duplicate(owner, uow, ann, other)  # again: no error, no second row
    assert pairs(dedupe.list_duplicates(owner, uow)) == []
    assert pairs(dedupe.list_duplicates(owner, uow, contact=ann)) == []
    assert pairs(dedupe.list_duplicates(teammate, uow)) == [(ann, other)]
    with pytest.raises(ValidationFailed, match="give two different contacts"):
        dedupe.dismiss_duplicate(owner, uow, ann, ann)


def test_merged_pair_leaves_the_list(owner, uow):
    ann = make_contact(owner, uow, name="Ann Lee").id
    other = make_contact(owner, uow, name="Ann Lee").id
    third = make_contact(owner, uow, name="Anne Lee").id
    dedupe.merge_contacts(owner, uow, ann, other)
    assert pairs(dedupe.list_duplicates(owner, uow)) == [(ann, third)]


def test_list_duplicates_splits_a_large_block_by_first_letters(owner, uow, monkeypatch):
    monkeypatch.setattr(dedupe, "MAX_BLOCK", 3)
    john = make_contact(owner, uow, name="John Smith").id
    jon = make_contact(owner, uow, name="Jon Smith").id
    for first in ("Jane", "Jack", "Jill"):
        make_contact(owner, uow, name=f"{first} Smith")
    found = dedupe.list_duplicates(owner, uow)
    assert (john, jon) in pairs(found)
    assert found.notes == []


def test_list_duplicates_notes_a_block_too_large_to_compare(owner, uow, monkeypatch):
    monkeypatch.setattr(dedupe, "MAX_BLOCK", 3)
    for name in ("Sam Ash", "Sue Birch", "Sid Cole", "Sal Dunn"):
        make_contact(owner, uow, name=name, add_phones=["+1 212 555 0100"])
    found = dedupe.list_duplicates(owner, uow)
    assert found.candidates == []
    assert found.notes == [
        "4 contacts share the phone +12125550100, those starting 's': not compared with each other"
    ]
