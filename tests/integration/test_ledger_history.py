"""The ledger over time (services.ledger_history) and the pages' read models over asks,
introductions and drafts (services.boards, services.ask_drafts), on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from goodwill.domain.dates import local_date_of
from goodwill.errors import ValidationFailed
from goodwill.services import ask_drafts, asks, boards, intros, ledger, ledger_history
from goodwill.services.actor import utcnow
from tests.factories import make_contact, make_interaction


def _today(actor):
    return local_date_of(utcnow(), actor.tz)


def test_ledger_history_sums_each_month_and_runs_the_balance(owner, uow):
    person = make_contact(owner, uow).id
    today = _today(owner)
    last_month = today.replace(day=1) - timedelta(days=1)
    ledger.record_give(owner, uow, person, "favor", weight=3, on=today)
    ledger.record_give(owner, uow, person, "advice", weight=1, on=today)
    ledger.record_receive(owner, uow, person, "referral", weight=2, on=last_month)
    ledger.record_give(owner, uow, person, "article", weight=5, on=today - timedelta(days=800))
    gone = ledger.record_give(owner, uow, person, "favor", weight=4, on=today)
    ledger.delete_ledger_entry(owner, uow, gone.id)

    history = ledger_history.ledger_history(owner, uow, months=12)

    assert len(history.months) == 12
    assert history.months[-1].month == today.replace(day=1)
    assert history.months[-2].month == last_month.replace(day=1)
    assert history.opening_balance == 5  # the entry 800 days ago, before the window
    now, before = history.months[-1], history.months[-2]
    assert (now.given_weight, now.given_count, now.received_weight) == (4, 2, 0)
    assert (before.given_weight, before.received_weight, before.received_count) == (0, 2, 1)
    assert before.balance == 3 and now.balance == 7 == history.balance
    assert [m.balance for m in history.months[:-2]] == [5] * 10
    whole = ledger.ledger_balance(owner, uow)
    assert whole.balance == history.balance == history.totals.balance
    assert ledger_history.ledger_overview(owner, uow).balance == whole


def test_ledger_history_counts_only_the_actors_own_entries(owner, teammate, uow):
    shared = make_contact(owner, uow, visibility="workspace").id
    ledger.record_give(owner, uow, shared, "favor", weight=5, visibility="workspace")
    ledger.record_receive(teammate, uow, shared, "favor", weight=2)
    assert ledger_history.ledger_history(teammate, uow).balance == -2
    assert ledger_history.ledger_history(owner, uow).balance == 5


@pytest.mark.parametrize("months", [0, 61])
def test_ledger_history_refuses_a_window_out_of_range(owner, uow, months):
    with pytest.raises(ValidationFailed, match="months"):
        ledger_history.ledger_history(owner, uow, months=months)


def test_ledger_overview_pages_the_entries_by_key(owner, uow):
    person = make_contact(owner, uow).id
    made = [ledger.record_give(owner, uow, person, "favor").id for _ in range(5)]
    first = ledger_history.ledger_overview(owner, uow, limit=3)
    assert first.balance.balance == 5 and first.entries.after is not None
    rest = ledger_history.ledger_overview(
        owner, uow, sort=first.entries.sort, after=first.entries.after, limit=3
    )
    seen = [e.id for e in first.entries.items + rest.entries.items]
    assert sorted(seen) == sorted(made) and len(set(seen)) == 5
    assert rest.entries.after is None


def test_ask_board_puts_each_ask_in_its_status_column(owner, uow):
    person = make_contact(owner, uow).id
    draft = asks.create_ask(owner, uow, person, "favor", "a review", "they know").ask.id
    asked = asks.create_ask(owner, uow, person, "advice", "a tip", "they know").ask.id
    asks.mark_asked(owner, uow, asked)
    columns = {c.status: [a.id for a in c.asks] for c in boards.ask_board(owner, uow)}
    assert list(columns) == ["draft", "planned", "asked", "granted", "declined", "withdrawn"]
    assert columns["draft"] == [draft] and columns["asked"] == [asked]


def test_ask_board_column_says_when_there_are_more(owner, uow):
    person = make_contact(owner, uow).id
    for _ in range(3):
        asks.create_ask(owner, uow, person, "favor", "a review", "they know")
    draft = boards.ask_board(owner, uow, per_column=2)[0]
    assert len(draft.asks) == 2 and draft.more


def test_intro_board_groups_the_double_opt_in_stages(owner, uow):
    a, b = make_contact(owner, uow).id, make_contact(owner, uow).id
    new = intros.request_introduction(owner, uow, f"#{a}", f"#{b}", goal="hire",
                                      why_target="fit", blurb="short")  # fmt: skip
    moving = intros.request_introduction(owner, uow, f"#{b}", f"#{a}", goal="sell",
                                         why_target="fit", blurb="short")  # fmt: skip
    intros.triage_introduction(owner, uow, moving.id, "accept")
    columns = {c.key: [i.id for i in c.introductions] for c in boards.intro_board(owner, uow)}
    assert columns["inbound"] == [new.id] and columns["asked"] == [moving.id]
    assert columns["agreed"] == columns["made"] == columns["closed"] == []


def test_review_ask_draft_warns_before_an_ask_of_a_stranger(owner, uow):
    person = make_contact(owner, uow, name="Nadia Neverseen").id
    review = ask_drafts.review_ask_draft(owner, uow, f"#{person}", "introduction",
                                         what="Could you introduce me to Sam?")  # fmt: skip
    assert review.readiness is not None
    codes = {w.code for w in review.readiness.warnings}
    assert "no_recent_interaction" in codes
    assert len(review.missing) == 3  # why them, why the target cares, the blurb
    assert review.coach is not None and review.coach.kind == "intro-request"


def test_review_ask_draft_is_ready_after_giving_and_touching(owner, uow):
    person = make_contact(owner, uow).id
    for _ in range(6):
        make_interaction(owner, uow, person, channel="meeting")
    ledger.record_give(owner, uow, person, "favor", weight=5)
    review = ask_drafts.review_ask_draft(owner, uow, str(person), "favor", what="a", why_them="b")
    assert review.readiness is not None and review.missing == []
    assert "negative_balance" not in {w.code for w in review.readiness.warnings}


def test_review_ask_draft_of_nobody_says_what_is_missing_without_failing(owner, uow):
    review = ask_drafts.review_ask_draft(owner, uow, "", "favor")
    assert review.readiness is None and review.readiness_problem
    assert review.coach is None and review.coach_problem
    unknown = ask_drafts.review_ask_draft(owner, uow, "Nobody Atall", "no-such-kind", what="x")
    assert unknown.readiness is None and "Nobody Atall" in (unknown.readiness_problem or "")
