"""The ledger totals the database's triggers keep (migration 0016) always equal the
entries they sum, whichever way the entries are written, moved or removed, on both
databases; and the history and takers read from them agree with the entries."""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, select, text

from goodwill.services import contacts, dedupe, ledger, ledger_history, trash
from goodwill.storage.schema import LedgerCounterpartTotal, LedgerEntry, LedgerMonthTotal
from tests.factories import make_contact


def _from_entries(session):
    """(per month, per counterpart) as a pass over every live entry would count them."""
    months: dict[tuple, tuple[int, int]] = {}
    people: dict[tuple, tuple[int, ...]] = {}
    for e in session.scalars(select(LedgerEntry).where(LedgerEntry.deleted_at.is_(None))):
        key = (e.workspace_id, e.owner_id, e.occurred_on.replace(day=1), e.direction)
        w, n = months.get(key, (0, 0))
        months[key] = (w + e.weight, n + 1)
        pkey = (e.workspace_id, e.owner_id, e.counterpart_id)
        g, r, gc, rc = people.get(pkey, (0, 0, 0, 0))
        gave = e.direction == "gave"
        people[pkey] = (g + e.weight * gave, r + e.weight * (not gave), gc + gave, rc + (not gave))
    return months, people


def _kept(session):
    months = {
        (t.workspace_id, t.owner_id, t.month, t.direction): (t.weight, t.entries)
        for t in session.scalars(select(LedgerMonthTotal))
        if t.entries != 0 or t.weight != 0
    }
    people = {}
    for t in session.scalars(select(LedgerCounterpartTotal)):
        assert t.balance == t.given - t.received
        if (t.given, t.received, t.given_count, t.received_count) != (0, 0, 0, 0):
            people[(t.workspace_id, t.owner_id, t.counterpart_id)] = (
                t.given, t.received, t.given_count, t.received_count)  # fmt: skip
    return months, people


def _assert_exact(uow):
    with uow.read() as session:
        assert _kept(session) == _from_entries(session)


def test_the_totals_follow_every_kind_of_write(uow, owner, teammate):
    ada, bob, cy = (make_contact(owner, uow, visibility="workspace") for _ in range(3))
    ledger.record_give(owner, uow, ada.id, "favor", weight=3, on=date(2026, 1, 31))
    ledger.record_give(owner, uow, ada.id, "introduction", weight=2, on=date(2026, 2, 1))
    taken = ledger.record_receive(owner, uow, bob.id, "referral", weight=4, on=date(2026, 2, 9))
    ledger.record_receive(teammate, uow, cy.id, "favor", weight=1, on=date(2025, 12, 1))
    _assert_exact(uow)
    # Edited in SQL: weight, direction, day, counterpart, owner, all at once.
    with uow.write() as session:
        session.execute(
            text("UPDATE ledger_entries SET weight = 5, direction = 'gave', "
                 "occurred_on = :day, counterpart_id = :cy, owner_id = :them WHERE id = :id"),
            {"day": date(2025, 11, 30), "cy": cy.id, "them": teammate.user_id, "id": taken.id},
        )  # fmt: skip
    _assert_exact(uow)
    # To the trash and back, and a change of an unwatched column.
    ledger.delete_ledger_entry(teammate, uow, taken.id)
    _assert_exact(uow)
    trash.restore_from_trash(teammate, uow, "ledger", taken.id)
    with uow.write() as session:
        session.execute(text("UPDATE ledger_entries SET note = 'n' WHERE id = :id"),
                        {"id": taken.id})  # fmt: skip
    _assert_exact(uow)
    # A merge moves bob's entries to ada and deletes bob; a contact deleted for good
    # takes its entries with it (the foreign key's cascade).
    ledger.record_give(owner, uow, bob.id, "favor", weight=1, on=date(2026, 3, 3))
    dedupe.merge_contacts(owner, uow, ada.id, bob.id)
    _assert_exact(uow)
    with uow.write() as session:
        session.execute(text("DELETE FROM contacts WHERE id = :id"), {"id": cy.id})
    _assert_exact(uow)
    with uow.read() as session:
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 3


def test_history_and_takers_agree_with_the_entries_and_leave_out_the_trash(uow, owner):
    ada, bob, cy = (make_contact(owner, uow) for _ in range(3))
    today = date.today()
    ledger.record_give(owner, uow, ada.id, "favor", weight=2, on=today)
    ledger.record_receive(owner, uow, bob.id, "favor", weight=5, on=today)
    ledger.record_receive(owner, uow, cy.id, "favor", weight=3, on=date(2001, 5, 5))
    history = ledger_history.ledger_history(owner, uow)
    assert (history.totals.given_weight, history.totals.received_weight) == (2, 8)
    assert history.opening_balance == -3  # cy's receive is older than the window
    assert history.months[-1].given_weight == 2 and history.months[-1].received_weight == 5
    assert [t.contact.id for t in ledger.ledger_takers(owner, uow)] == [bob.id, cy.id]
    contacts.delete_contact(owner, uow, bob.id)  # to the trash: its entries wait there
    history = ledger_history.ledger_history(owner, uow)
    assert (history.totals.given_weight, history.totals.received_weight) == (2, 3)
    assert history.months[-1].received_count == 0
    assert [t.contact.id for t in ledger.ledger_takers(owner, uow)] == [cy.id]
    with uow.read() as session:  # the same sums as a pass over the live entries
        signed = case((LedgerEntry.direction == "gave", LedgerEntry.weight),
                      else_=-LedgerEntry.weight)  # fmt: skip
        assert (
            session.scalar(select(func.sum(signed)).where(LedgerEntry.counterpart_id != bob.id))
            == history.balance
        )
