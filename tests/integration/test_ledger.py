"""The give/take ledger on both databases: record, list, balance, takers, trash, visibility."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from goodwill.errors import NotFound, PermissionDenied, ValidationFailed
from goodwill.services import accounts, contacts, ledger, trash
from goodwill.services.views import Ref
from tests.factories import make_contact


def _today() -> date:
    return datetime.now(UTC).date()  # the fixtures' users live in UTC


def _ids(rows):
    return [r.id for r in rows]


def test_record_give_defaults_to_weight_one_today_private(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    entry = ledger.record_give(owner, uow, "ann", "advice", note="pricing tips")
    assert (entry.direction, entry.kind, entry.weight) == ("gave", "advice", 1)
    assert entry.occurred_on == _today()
    assert entry.counterpart == Ref(ann.id, "Ann Archer")
    assert (entry.related, entry.note, entry.ask_id) == (None, "pricing tips", None)
    assert (entry.visibility, entry.owner_id) == ("private", owner.user_id)
    assert _ids(ledger.list_ledger(owner, uow)) == [entry.id]


def test_record_give_introduction_relates_the_person_introduced(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    bob = make_contact(owner, uow, name="Bob Baker")
    entry = ledger.record_give(
        owner, uow, ann.id, "Introduction", weight="4", on="2024-05-01", related="bob baker"
    )
    assert (entry.kind, entry.weight, entry.occurred_on) == ("introduction", 4, date(2024, 5, 1))
    assert entry.related == Ref(bob.id, "Bob Baker")


def test_record_receive_is_received(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    entry = ledger.record_receive(owner, uow, "Ann", "referral", weight=3, on=date(2024, 1, 2))
    assert (entry.direction, entry.kind, entry.weight) == ("received", "referral", 3)


def test_record_give_shared_contact_takes_the_workspace_default(owner, uow):
    shared = make_contact(owner, uow, name="Sam Shared", visibility="workspace")
    assert ledger.record_give(owner, uow, shared.id, "favor").visibility == "private"
    accounts.update_setting(owner, uow, "default_visibility", "workspace")
    assert ledger.record_give(owner, uow, shared.id, "favor").visibility == "workspace"
    explicit = ledger.record_give(owner, uow, shared.id, "favor", visibility="private")
    assert explicit.visibility == "private"


def test_record_give_private_contact_stays_private_whatever_the_default(owner, uow):
    accounts.update_setting(owner, uow, "default_visibility", "workspace")
    secret = make_contact(owner, uow, name="Pat Private", visibility="private")
    assert ledger.record_give(owner, uow, secret.id, "favor").visibility == "private"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weight": 9}, "weight"),
        ({"weight": 0}, "weight"),
        ({"kind": "bribe"}, "kind"),
        ({"on": "someday"}, "on"),
        ({"on": "+1d"}, "on"),
        ({"note": "bad\x00note"}, "note"),
        ({"related": "ann"}, "related"),
    ],
)
def test_record_give_bad_input_is_refused_and_nothing_written(owner, uow, changes, field):
    make_contact(owner, uow, name="Ann Archer")
    args = {"kind": "favor", **changes}
    kind = args.pop("kind")
    with pytest.raises(ValidationFailed) as caught:
        ledger.record_give(owner, uow, "ann", kind, **args)
    assert caught.value.field == field
    assert ledger.list_ledger(owner, uow) == []


def test_record_receive_unknown_contact_is_not_found_and_nothing_written(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    for ref in ("Nobody Known", "#999999", "ghost@example.com"):
        with pytest.raises(NotFound):
            ledger.record_receive(owner, uow, ref, "favor")
    with pytest.raises(NotFound):
        ledger.record_give(owner, uow, "ann", "favor", related="Nobody Known")
    assert ledger.list_ledger(owner, uow) == []


def test_list_ledger_newest_first_and_per_contact(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    bob = make_contact(owner, uow, name="Bob Baker")
    old = ledger.record_give(owner, uow, ann.id, "favor", on="2024-01-01")
    new = ledger.record_receive(owner, uow, ann.id, "advice", on="2024-03-01")
    mid = ledger.record_give(owner, uow, bob.id, "article", on="2024-02-01", related=ann.id)
    assert _ids(ledger.list_ledger(owner, uow)) == [new.id, mid.id, old.id]
    assert _ids(ledger.list_ledger(owner, uow, contact="ann")) == [new.id, old.id]
    assert _ids(ledger.list_ledger(owner, uow, limit=1)) == [new.id]


def test_ledger_balance_with_one_person_and_overall(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    bob = make_contact(owner, uow, name="Bob Baker")
    ledger.record_give(owner, uow, ann.id, "favor", weight=2, on="2024-01-10")
    ledger.record_receive(owner, uow, ann.id, "referral", weight=5, on="2024-02-10")
    ledger.record_give(owner, uow, bob.id, "advice", weight=3, on="2024-03-10")
    with_ann = ledger.ledger_balance(owner, uow, "ann")
    assert with_ann.contact == Ref(ann.id, "Ann Archer")
    assert (with_ann.given_weight, with_ann.received_weight) == (2, 5)
    assert (with_ann.given_count, with_ann.received_count, with_ann.balance) == (1, 1, -3)
    overall = ledger.ledger_balance(owner, uow)
    assert overall.contact is None
    assert (overall.given_weight, overall.received_weight, overall.balance) == (5, 5, 0)
    assert (overall.given_count, overall.received_count) == (2, 1)


def test_ledger_balance_since_and_until_are_inclusive(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    for day, weight in (("2024-01-31", 1), ("2024-02-01", 2), ("2024-02-29", 3), ("2024-03-01", 5)):
        ledger.record_give(owner, uow, ann.id, "favor", weight=weight, on=day)
    february = ledger.ledger_balance(owner, uow, since="2024-02-01", until="2024-02-29")
    assert (february.given_weight, february.given_count) == (5, 2)
    assert (february.since, february.until) == (date(2024, 2, 1), date(2024, 2, 29))
    assert ledger.ledger_balance(owner, uow, since=date(2024, 2, 29)).given_weight == 8
    assert ledger.ledger_balance(owner, uow, ann.id, until="2024-01-31").given_weight == 1
    one_day = ledger.ledger_balance(owner, uow, since="2024-03-01", until="2024-03-01")
    assert one_day.given_weight == 5


def test_ledger_balance_since_after_until_is_refused(owner, uow):
    with pytest.raises(ValidationFailed) as caught:
        ledger.ledger_balance(owner, uow, since="2024-03-01", until="2024-02-01")
    assert caught.value.field == "since"


def test_ledger_balance_of_an_empty_ledger_is_zero(owner, uow):
    view = ledger.ledger_balance(owner, uow)
    assert (view.given_weight, view.received_weight, view.given_count, view.balance) == (0, 0, 0, 0)


def test_ledger_takers_most_negative_first_then_by_name(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    bob = make_contact(owner, uow, name="Bob Baker")
    cid = make_contact(owner, uow, name="Cid Cole")
    dee = make_contact(owner, uow, name="Dee Dunn")
    eve = make_contact(owner, uow, name="Eve Even")
    ledger.record_receive(owner, uow, ann.id, "favor", weight=2)  # -2
    ledger.record_receive(owner, uow, bob.id, "referral", weight=5)
    ledger.record_give(owner, uow, bob.id, "advice", weight=1)  # -4
    ledger.record_receive(owner, uow, cid.id, "favor", weight=2)  # -2, after Ann by name
    ledger.record_give(owner, uow, dee.id, "favor", weight=3)  # +3: not a taker
    ledger.record_give(owner, uow, eve.id, "favor", weight=2)
    ledger.record_receive(owner, uow, eve.id, "favor", weight=2)  # 0: not a taker
    takers = ledger.ledger_takers(owner, uow)
    assert [(t.contact.label, t.balance) for t in takers] == [
        ("Bob Baker", -4),
        ("Ann Archer", -2),
        ("Cid Cole", -2),
    ]
    assert (takers[0].given_weight, takers[0].received_weight) == (1, 5)
    assert [t.contact.id for t in ledger.ledger_takers(owner, uow, limit=2)] == [bob.id, ann.id]


def test_delete_ledger_entry_moves_it_to_the_trash_and_out_of_the_balance(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    kept = ledger.record_give(owner, uow, ann.id, "favor", weight=2, on="2024-04-01")
    gone = ledger.record_receive(owner, uow, ann.id, "favor", weight=5, on="2024-04-02")
    ref = ledger.delete_ledger_entry(owner, uow, gone.id)
    assert ref == Ref(gone.id, "received favor on 2024-04-02")
    assert _ids(ledger.list_ledger(owner, uow)) == [kept.id]
    assert ledger.ledger_balance(owner, uow, ann.id).balance == 2
    assert ledger.ledger_takers(owner, uow) == []
    [item] = trash.list_trash(owner, uow)
    assert (item.kind, item.id, item.label) == ("ledger", gone.id, "received favor on 2024-04-02")
    with pytest.raises(NotFound, match=f"no ledger entry #{gone.id}"):
        ledger.delete_ledger_entry(owner, uow, gone.id)

    trash.restore_from_trash(owner, uow, "ledger", gone.id)
    assert ledger.ledger_balance(owner, uow, ann.id).balance == -3
    ledger.delete_ledger_entry(owner, uow, gone.id)
    assert trash.purge_trash(owner, uow, everything=True) == 1
    with pytest.raises(NotFound):
        trash.restore_from_trash(owner, uow, "ledger", gone.id)


def test_ledger_entries_of_a_trashed_contact_wait_in_the_trash_with_them(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    entry = ledger.record_receive(owner, uow, ann.id, "favor", weight=3)
    contacts.delete_contact(owner, uow, ann.id)
    assert ledger.list_ledger(owner, uow) == []
    assert ledger.ledger_balance(owner, uow).received_weight == 0
    assert ledger.ledger_takers(owner, uow) == []
    trash.restore_from_trash(owner, uow, "contact", ann.id)
    assert _ids(ledger.list_ledger(owner, uow)) == [entry.id]
    assert ledger.ledger_balance(owner, uow).balance == -3


def test_purging_a_contact_purges_their_ledger_entries(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    ledger.record_receive(owner, uow, ann.id, "favor", weight=3)
    contacts.delete_contact(owner, uow, ann.id)
    assert trash.purge_trash(owner, uow, everything=True) == 1
    trash_free = make_contact(owner, uow, name="Ann Archer")
    assert ledger.list_ledger(owner, uow, contact=trash_free.id) == []
    assert ledger.ledger_balance(owner, uow).received_weight == 0


def test_teammate_never_sees_my_private_ledger_entries(owner, teammate, uow):
    shared = make_contact(owner, uow, name="Sam Shared", visibility="workspace")
    mine = ledger.record_give(owner, uow, shared.id, "favor", weight=4, visibility="private")
    assert ledger.list_ledger(teammate, uow) == []
    assert ledger.list_ledger(teammate, uow, contact=shared.id) == []
    assert ledger.ledger_balance(teammate, uow, shared.id).given_weight == 0
    with pytest.raises(NotFound) as hidden:
        ledger.delete_ledger_entry(teammate, uow, mine.id)
    with pytest.raises(NotFound) as missing:
        ledger.delete_ledger_entry(teammate, uow, 999_999)
    assert hidden.value.message == missing.value.message.replace("999999", str(mine.id))
    assert _ids(ledger.list_ledger(owner, uow)) == [mine.id]


def test_ledger_is_each_users_own_even_for_shared_entries(owner, teammate, uow):
    shared = make_contact(owner, uow, name="Sam Shared", visibility="workspace")
    theirs = ledger.record_receive(
        teammate, uow, shared.id, "referral", weight=5, visibility="workspace"
    )
    ledger.record_give(owner, uow, shared.id, "favor", weight=1)
    assert ledger.ledger_balance(owner, uow, shared.id).balance == 1
    assert ledger.ledger_takers(owner, uow) == []
    assert [t.balance for t in ledger.ledger_takers(teammate, uow)] == [-5]
    assert theirs.id not in _ids(ledger.list_ledger(owner, uow))
    assert _ids(ledger.list_ledger(teammate, uow)) == [theirs.id]


def test_teammate_may_not_delete_my_shared_entry(owner, teammate, uow):
    shared = make_contact(owner, uow, name="Sam Shared", visibility="workspace")
    entry = ledger.record_give(owner, uow, shared.id, "favor", visibility="workspace")
    with pytest.raises(PermissionDenied):
        ledger.delete_ledger_entry(teammate, uow, entry.id)
    assert _ids(ledger.list_ledger(owner, uow)) == [entry.id]


def test_teammate_cannot_record_about_my_private_contact(owner, teammate, uow):
    make_contact(owner, uow, name="Pat Private", add_emails=["pat@example.com"])
    for ref in ("Pat Private", "pat@example.com"):
        with pytest.raises(NotFound):
            ledger.record_give(teammate, uow, ref, "favor")
    shared = make_contact(teammate, uow, name="Tess Team", visibility="workspace")
    with pytest.raises(NotFound):
        ledger.record_give(teammate, uow, shared.id, "favor", related="Pat Private")
    assert ledger.list_ledger(teammate, uow) == []
    with pytest.raises(NotFound):
        ledger.ledger_balance(teammate, uow, "pat@example.com")


def test_entry_about_a_contact_later_made_private_shows_it_redacted(owner, teammate, uow):
    shared = make_contact(owner, uow, name="Sam Shared", visibility="workspace")
    entry = ledger.record_receive(teammate, uow, shared.id, "favor", weight=2)
    contacts.edit_contact(owner, uow, shared.id, contacts.ContactChanges(visibility="private"))
    [view] = ledger.list_ledger(teammate, uow)
    assert (view.id, view.counterpart) == (entry.id, Ref(None, "a private contact"))
    [taker] = ledger.ledger_takers(teammate, uow)
    assert (taker.contact, taker.balance) == (Ref(None, "a private contact"), -2)


def test_ledger_recorded_yesterday_counts_in_a_window_ending_yesterday(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    ledger.record_give(owner, uow, ann.id, "favor", on="yesterday")
    yesterday = _today() - timedelta(days=1)
    assert ledger.ledger_balance(owner, uow, until=yesterday).given_count == 1
    assert ledger.ledger_balance(owner, uow, since="today").given_count == 0
