"""The contacts list read model and the bulk changes (services.contact_list), on
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from goodwill.errors import NotFound, ValidationFailed
from goodwill.services import contact_list, contacts
from goodwill.services.contact_list import ContactFilters
from tests.factories import make_contact, make_interaction


def _names(page):
    return [row.contact.display_name for row in page.items]


def test_search_folds_accents_and_case(uow, owner):
    make_contact(owner, uow, name="Zoë Müller")
    make_contact(owner, uow, name="Zoltan Mills")
    for query in ("Zoe", "zoë", "Muller", "MÜLLER", "zoe mul"):
        page = contact_list.contact_list_page(owner, uow, ContactFilters(q=query))
        assert _names(page) == ["Zoë Müller"], query
    assert contacts.search_contacts(owner, uow, "Muller")[0].display_name == "Zoë Müller"


def test_filters_combine(uow, owner):
    make_contact(owner, uow, name="Ann Tagged", add_tags=["VC"], tier="inner")
    make_contact(owner, uow, name="Bob Tagged", add_tags=["vc"], tier="wider")
    make_contact(owner, uow, name="Cid Plain", tier="inner")
    page = contact_list.contact_list_page(owner, uow, ContactFilters(tag="Vc", tier="inner"))
    assert _names(page) == ["Ann Tagged"]
    page = contact_list.contact_list_page(owner, uow, ContactFilters(tier="none"))
    assert _names(page) == []
    with pytest.raises(ValidationFailed, match="tier"):
        contact_list.contact_list_page(owner, uow, ContactFilters(tier="closest"))


def test_lapsed_matches_today(uow, owner):
    touched = make_contact(owner, uow, name="Recent Touch", tier="inner")
    make_interaction(owner, uow, touched.id)
    make_contact(owner, uow, name="Long Ago", tier="inner", met_on="2019-05-01")
    make_contact(owner, uow, name="No Tier", met_on="2019-05-01")
    page = contact_list.contact_list_page(owner, uow, ContactFilters(lapsed=True))
    assert _names(page) == ["Long Ago"]


def test_strength_band_and_the_bounded_scan(uow, owner, monkeypatch):
    strong = make_contact(owner, uow, name="Zed Strong", met_on="2015-01-01")
    for _ in range(6):
        make_interaction(owner, uow, strong.id, channel="meeting", initiated_by="them")
    for n in range(5):
        make_contact(owner, uow, name=f"Weak{n} Person")
    page = contact_list.contact_list_page(owner, uow, ContactFilters(strength="strong"))
    assert _names(page) == ["Zed Strong"] and page.items[0].strength >= 60
    assert not page.scan_stopped and page.after is None
    weak = contact_list.contact_list_page(owner, uow, ContactFilters(strength="weak"))
    assert "Zed Strong" not in _names(weak) and len(weak.items) == 5
    # Bounded: two candidates per chunk, four per request; the strong one is sixth.
    monkeypatch.setattr(contact_list, "SCAN_CHUNK", 2)
    monkeypatch.setattr(contact_list, "SCAN_MAX", 4)
    first = contact_list.contact_list_page(owner, uow, ContactFilters(strength="strong"))
    assert first.items == [] and first.scan_stopped and first.after is not None
    second = contact_list.contact_list_page(
        owner, uow, ContactFilters(strength="strong"), after=first.after
    )
    assert _names(second) == ["Zed Strong"] and not second.scan_stopped
    assert second.after is None and second.before is not None


@pytest.mark.parametrize("sort", contact_list.SORTS.names)
def test_pages_forwards_and_back_cover_every_row_once(uow, owner, sort):
    for n in range(7):
        make_contact(owner, uow, name=f"P{n} Row")
    whole = [
        r.contact.id
        for r in contact_list.contact_list_page(owner, uow, ContactFilters(), sort=sort).items
    ]
    seen, pages, after = [], [], None
    while True:
        page = contact_list.contact_list_page(
            owner, uow, ContactFilters(), sort=sort, after=after, limit=3
        )
        pages.append([r.contact.id for r in page.items])
        seen += pages[-1]
        if page.after is None:
            break
        after = page.after
    assert seen == whole and [len(p) for p in pages] == [3, 3, 1]
    back = contact_list.contact_list_page(
        owner, uow, ContactFilters(), sort=sort, before=page.before, limit=3
    )
    assert [r.contact.id for r in back.items] == pages[1]
    first = contact_list.contact_list_page(
        owner, uow, ContactFilters(), sort=sort, before=back.before, limit=3
    )
    assert [r.contact.id for r in first.items] == pages[0] and first.before is None
    assert first.after is not None
    with pytest.raises(ValidationFailed, match="cursor"):
        contact_list.contact_list_page(owner, uow, ContactFilters(), after=["x"], before=["y"])


def test_bulk_changes_are_all_or_nothing(uow, owner, teammate):
    mine = make_contact(teammate, uow, name="Bea Own")
    shared = make_contact(owner, uow, name="Shared One", visibility="workspace")
    secret = make_contact(owner, uow, name="Secret One", visibility="private")
    with pytest.raises(NotFound, match=f"no contact #{secret.id}"):
        contact_list.tag_contacts(teammate, uow, [mine.id, shared.id, secret.id], ["x"])
    with pytest.raises(NotFound, match=f"no contact #{secret.id}"):
        contact_list.set_contacts_tier(teammate, uow, [shared.id, secret.id], "inner")
    assert contacts.show_contact(owner, uow, shared.id).tags == []
    assert contacts.show_contact(owner, uow, shared.id).tier is None
    assert contact_list.tag_contacts(teammate, uow, [mine.id, shared.id, shared.id], ["x"]) == 2
    assert contacts.show_contact(owner, uow, shared.id).tags == ["x"]
    with pytest.raises(ValidationFailed, match="select at least one"):
        contact_list.tag_contacts(owner, uow, [], ["x"])
    with pytest.raises(ValidationFailed, match="name a tag"):
        contact_list.tag_contacts(owner, uow, [shared.id], [" "])


def test_bulk_tier_and_cadence(uow, owner):
    a = make_contact(owner, uow, name="Tier A", tier="inner", cadence="2w")
    b = make_contact(owner, uow, name="Tier B", tier="inner")
    c = make_contact(owner, uow, name="No Tier")
    assert contact_list.set_contacts_tier(owner, uow, [a.id, b.id], "wider") == 2
    # A chosen cadence stays; the one that only came with the old tier follows the new.
    assert contacts.show_contact(owner, uow, a.id).cadence_days == 14
    assert contacts.show_contact(owner, uow, b.id).cadence_days == 365
    with pytest.raises(ValidationFailed, match="No Tier has no tier"):
        contact_list.set_contacts_cadence(owner, uow, [a.id, c.id], "3m")
    assert contacts.show_contact(owner, uow, a.id).cadence_days == 14  # nothing changed
    assert contact_list.set_contacts_cadence(owner, uow, [a.id, b.id], "3m") == 2
    assert contacts.show_contact(owner, uow, b.id).cadence_days == 90
    with pytest.raises(ValidationFailed, match="cadence"):
        contact_list.set_contacts_cadence(owner, uow, [a.id], "soon")
    assert contact_list.set_contacts_tier(owner, uow, [a.id], "none") == 1
    cleared = contacts.show_contact(owner, uow, a.id)
    assert cleared.tier is None and cleared.cadence_days is None


@pytest.mark.parametrize("probe", [2, 3, 5, 2_000])
def test_a_filtered_walk_is_the_same_whichever_phase_answers(uow, owner, monkeypatch, probe):
    # Every other contact is tagged: a window of `probe` rows of the name index holds
    # too few of them (the filter then drives) or enough (the window answers).
    for n in range(12):
        make_contact(owner, uow, name=f"W{n:02d} Walk", add_tags=["even"] if n % 2 == 0 else [])
    monkeypatch.setattr(contact_list, "PROBE", probe)
    for sort in contact_list.SORTS.names:
        whole = contact_list.contact_list_page(owner, uow, ContactFilters(tag="even"), sort=sort)
        assert len(whole.items) == 6
        seen, after = [], None
        while True:
            page = contact_list.contact_list_page(
                owner, uow, ContactFilters(tag="even"), sort=sort, after=after, limit=2
            )
            seen += [r.contact.id for r in page.items]
            if page.after is None:
                break
            after = page.after
        assert seen == [r.contact.id for r in whole.items], sort
        back = contact_list.contact_list_page(
            owner, uow, ContactFilters(tag="even"), sort=sort, before=page.before, limit=2
        )
        assert [r.contact.id for r in back.items] == seen[2:4], sort
