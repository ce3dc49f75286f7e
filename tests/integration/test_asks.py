"""Asks on both databases: homework, targets, readiness, states, granting into the ledger,
listing and visibility. (Plan steps as tasks, the agenda and the trash: test_asks_plan.py.)"""

from __future__ import annotations

import pytest

from goodwill.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from goodwill.services import accounts, asks, contacts, ledger, trash
from goodwill.services.views import Ref
from tests.factories import make_contact, make_interaction

INTRO = {
    "what": "an introduction to Dana at Stripe",
    "why_them": "you worked with her for five years",
    "why_target_cares": "she is hiring for my exact skills",
    "blurb": "Pat builds payment systems; 10 years; looking to meet Dana.",
}


def _favor(actor, uow, contact, **extra):
    return asks.create_ask(
        actor, uow, contact, "favor", "review my deck", "you raised twice", **extra
    ).ask


def test_create_ask_favor_is_a_draft_with_its_homework(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    created = asks.create_ask(owner, uow, "ann", "Favor", " review my deck ", "you raised twice")
    view = created.ask
    assert (view.kind, view.status, view.contact) == ("favor", "draft", Ref(ann.id, "Ann Archer"))
    assert (view.what, view.why_them) == ("review my deck", "you raised twice")
    assert (view.why_target_cares, view.blurb, view.target, view.target_description) == (
        None,
        None,
        None,
        None,
    )
    assert (view.steps, view.ledger_entries, view.outcome) == ([], [], None)
    assert (view.visibility, view.owner_id) == ("private", owner.user_id)
    assert asks.show_ask(owner, uow, view.id) == view


def test_create_ask_returns_readiness_warnings_without_refusing(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    ledger.record_receive(owner, uow, ann.id, "favor", weight=2)
    created = asks.create_ask(owner, uow, ann.id, "advice", "pricing", "you sold to banks")
    # A contact never met, with only a favor received: a weak tie too.
    assert [w.code for w in created.warnings] == [
        "negative_balance",
        "no_recent_interaction",
        "weak_relationship",
    ]
    assert [a.id for a in asks.list_asks(owner, uow)] == [created.ask.id]


def test_create_ask_introduction_keeps_target_contact_and_homework(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    dana = make_contact(owner, uow, name="Dana Diaz")
    view = asks.create_ask(owner, uow, ann.id, "introduction", target="dana diaz", **INTRO).ask
    assert view.target == Ref(dana.id, "Dana Diaz")
    assert view.target_description is None
    assert (view.why_target_cares, view.blurb) == (INTRO["why_target_cares"], INTRO["blurb"])


def test_create_ask_target_matching_nobody_is_kept_as_a_description(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    for text in ("the head of payments at Stripe", "someone @ Stripe"):
        view = asks.create_ask(owner, uow, "ann", "referral", target=text, **INTRO).ask
        assert (view.target, view.target_description) == (None, text)


def test_create_ask_target_by_unknown_id_is_not_found(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    with pytest.raises(NotFound):
        asks.create_ask(owner, uow, "ann", "introduction", target="#999999", **INTRO)
    assert asks.list_asks(owner, uow) == []


def test_create_ask_target_same_as_the_person_asked_is_refused(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    with pytest.raises(ValidationFailed) as caught:
        asks.create_ask(owner, uow, ann.id, "introduction", target=ann.id, **INTRO)
    assert caught.value.field == "target"
    assert asks.list_asks(owner, uow) == []


@pytest.mark.parametrize("kind", ["introduction", "referral"])
@pytest.mark.parametrize(
    ("missing", "question"),
    [
        ("why_target_cares", "why the target would care (what is in it for them)"),
        ("blurb", "a forwardable blurb"),
        ("what", "what exactly you are asking for"),
        ("why_them", "why this person"),
    ],
)
def test_create_ask_missing_homework_names_the_question_and_writes_nothing(
    owner, uow, kind, missing, question
):
    make_contact(owner, uow, name="Ann Archer")
    answers = {**INTRO, missing: None}
    with pytest.raises(ValidationFailed) as caught:
        asks.create_ask(owner, uow, "ann", kind, **answers)
    assert caught.value.field == missing and question in caught.value.message
    assert asks.list_asks(owner, uow) == []


def test_create_ask_bad_kind_is_refused(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    with pytest.raises(ValidationFailed) as caught:
        asks.create_ask(owner, uow, "ann", "loan", "money", "rich")
    assert caught.value.field == "kind"


def test_create_ask_of_oneself_is_refused_and_nothing_written(owner, teammate, uow):
    me = make_contact(teammate, uow, name="Bea Myself", add_emails=["Bea@Team.Example"])
    with pytest.raises(ValidationFailed) as caught:
        _favor(teammate, uow, me.id)
    assert caught.value.field == "contact" and "that is you" in caught.value.message
    with pytest.raises(ValidationFailed):
        asks.ask_readiness(teammate, uow, "bea@team.example")
    other = make_contact(teammate, uow, name="Other Person")
    with pytest.raises(ValidationFailed) as target:
        asks.create_ask(teammate, uow, other.id, "introduction", target=me.id, **INTRO)
    assert target.value.field == "target"
    assert asks.list_asks(teammate, uow) == []


def test_create_ask_of_oneself_follows_a_changed_email(owner, uow):
    accounts.update_setting(owner, uow, "email", "me@example.com")
    actor = accounts.local_actor(uow)
    make_contact(actor, uow, name="Me Myself", add_emails=["ME@example.com"])
    with pytest.raises(ValidationFailed, match="that is you"):
        _favor(actor, uow, "me@example.com")


def test_create_ask_unknown_contact_is_not_found(owner, uow):
    with pytest.raises(NotFound):
        _favor(owner, uow, "Nobody Known")
    assert asks.list_asks(owner, uow) == []


def test_ask_readiness_balance_from_my_ledger_and_touch_from_visible_interactions(
    owner, teammate, uow
):
    shared = make_contact(owner, uow, name="Sam Shared", visibility="workspace")
    ledger.record_receive(owner, uow, shared.id, "referral", weight=3)
    ledger.record_give(teammate, uow, shared.id, "favor", weight=5, visibility="workspace")
    make_interaction(teammate, uow, shared.id, when="-3d", visibility="private")
    mine = asks.ask_readiness(owner, uow, shared.id)
    assert (mine.contact, mine.balance, mine.last_touch) == (Ref(shared.id, "Sam Shared"), -3, None)
    assert [w.code for w in mine.warnings] == [
        "negative_balance",
        "no_recent_interaction",
        "weak_relationship",
    ]
    assert "-3" in mine.warnings[0].message

    theirs = asks.ask_readiness(teammate, uow, shared.id)
    assert (theirs.balance, theirs.warnings) == (5, [])
    assert theirs.last_touch is not None

    make_interaction(teammate, uow, shared.id, when="-10d", visibility="workspace")
    assert [_not_strength(asks.ask_readiness(owner, uow, shared.id).warnings)] == [
        ["negative_balance"]
    ]


def _not_strength(warnings):
    """The warning codes other than the weak-tie one (a single touch is a weak tie)."""
    return [w.code for w in warnings if w.code != "weak_relationship"]


@pytest.mark.parametrize(("days", "warned"), [(90, False), (91, True)])
def test_ask_readiness_ninety_day_boundary(owner, uow, days, warned):
    ann = make_contact(owner, uow, name="Ann Archer")
    make_interaction(owner, uow, ann.id, when=f"-{days}d")
    warnings = asks.ask_readiness(owner, uow, ann.id).warnings
    assert _not_strength(warnings) == (["no_recent_interaction"] if warned else [])
    if warned:
        assert f"{days} days ago" in warnings[0].message


def test_ask_readiness_gave_first_and_in_touch_is_ready(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    ledger.record_give(owner, uow, ann.id, "introduction", weight=2)
    ledger.record_receive(owner, uow, ann.id, "favor", weight=2)
    make_interaction(owner, uow, ann.id)
    view = asks.ask_readiness(owner, uow, "ann")
    assert (view.balance, view.warnings) == (0, [])


def test_mark_asked_then_grant_with_record_creates_one_linked_received_entry(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    dana = make_contact(owner, uow, name="Dana Diaz")
    made = asks.create_ask(owner, uow, ann.id, "introduction", target=dana.id, **INTRO).ask
    asked = asks.mark_asked(owner, uow, made.id)
    assert asked.status == "asked" and asked.asked_at is not None
    granted = asks.close_ask(owner, uow, made.id, "granted", note="met Dana", record=True, weight=4)
    assert (granted.status, granted.outcome) == ("granted", "met Dana")
    assert granted.closed_at is not None
    [entry] = granted.ledger_entries
    assert (entry.direction, entry.kind, entry.weight, entry.ask_id) == (
        "received",
        "introduction",
        4,
        made.id,
    )
    assert entry.counterpart == Ref(ann.id, "Ann Archer")
    assert entry.related == Ref(dana.id, "Dana Diaz")
    assert [e.id for e in ledger.list_ledger(owner, uow)] == [entry.id]
    assert ledger.ledger_balance(owner, uow, ann.id).balance == -4
    assert asks.show_ask(owner, uow, made.id).ledger_entries == [entry]


@pytest.mark.parametrize(
    ("kind", "ledger_kind"),
    [("favor", "favor"), ("business", "business"), ("advice", "advice")],
)
def test_grant_with_record_uses_the_matching_ledger_kind(owner, uow, kind, ledger_kind):
    make_contact(owner, uow, name="Ann Archer")
    made = asks.create_ask(owner, uow, "ann", kind, "x", "y").ask
    asks.mark_asked(owner, uow, made.id)
    [entry] = asks.close_ask(owner, uow, made.id, "granted", record=True).ledger_entries
    assert (entry.kind, entry.weight, entry.related) == (ledger_kind, 1, None)
    assert entry.note == f"ask #{made.id} granted: x"


def test_grant_without_record_writes_no_ledger_entry(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    made = _favor(owner, uow, "ann")
    asks.mark_asked(owner, uow, made.id)
    assert asks.close_ask(owner, uow, made.id, "granted").ledger_entries == []
    assert ledger.list_ledger(owner, uow) == []


def test_grant_with_bad_weight_changes_nothing(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    made = _favor(owner, uow, "ann")
    asks.mark_asked(owner, uow, made.id)
    with pytest.raises(ValidationFailed) as caught:
        asks.close_ask(owner, uow, made.id, "granted", record=True, weight=9)
    assert caught.value.field == "weight"
    assert asks.show_ask(owner, uow, made.id).status == "asked"
    assert ledger.list_ledger(owner, uow) == []


def test_record_with_a_decline_is_refused(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    made = _favor(owner, uow, "ann")
    asks.mark_asked(owner, uow, made.id)
    with pytest.raises(ValidationFailed) as caught:
        asks.close_ask(owner, uow, made.id, "declined", record=True)
    assert caught.value.field == "record"
    declined = asks.close_ask(owner, uow, made.id, "declined", note="not now")
    assert (declined.status, declined.outcome, declined.ledger_entries) == (
        "declined",
        "not now",
        [],
    )


def test_state_machine_refusals_name_from_and_to(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    made = _favor(owner, uow, "ann")
    with pytest.raises(Conflict, match="from draft to granted"):
        asks.close_ask(owner, uow, made.id, "granted")
    asks.mark_asked(owner, uow, made.id)  # draft -> asked is allowed
    with pytest.raises(Conflict, match="from asked to asked"):
        asks.mark_asked(owner, uow, made.id)
    asks.close_ask(owner, uow, made.id, "withdrawn")
    with pytest.raises(Conflict, match="from withdrawn to granted"):
        asks.close_ask(owner, uow, made.id, "granted", record=True)
    with pytest.raises(ValidationFailed) as caught:
        asks.close_ask(owner, uow, made.id, "maybe")
    assert caught.value.field == "outcome"
    assert ledger.list_ledger(owner, uow) == []


def test_withdraw_a_draft(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    made = _favor(owner, uow, "ann")
    assert asks.close_ask(owner, uow, made.id, "withdrawn").status == "withdrawn"


def test_list_asks_newest_first_filtered_by_status_and_contact(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    make_contact(owner, uow, name="Bob Baker")
    first = _favor(owner, uow, ann.id)
    second = _favor(owner, uow, "bob")
    third = _favor(owner, uow, ann.id)
    asks.mark_asked(owner, uow, second.id)
    assert [a.id for a in asks.list_asks(owner, uow)] == [third.id, second.id, first.id]
    assert [a.id for a in asks.list_asks(owner, uow, status="asked")] == [second.id]
    assert [a.id for a in asks.list_asks(owner, uow, contact="ann")] == [third.id, first.id]
    assert [a.id for a in asks.list_asks(owner, uow, status="draft", limit=1)] == [third.id]
    with pytest.raises(ValidationFailed):
        asks.list_asks(owner, uow, status="pending")


def test_asks_of_a_trashed_contact_leave_the_list_until_restored(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    made = _favor(owner, uow, ann.id)
    contacts.delete_contact(owner, uow, ann.id)
    assert asks.list_asks(owner, uow) == []
    trash.restore_from_trash(owner, uow, "contact", ann.id)
    assert [a.id for a in asks.list_asks(owner, uow)] == [made.id]


def test_teammate_never_sees_my_private_ask(owner, teammate, uow):
    shared = make_contact(owner, uow, name="Sam Shared", visibility="workspace")
    mine = _favor(owner, uow, shared.id, visibility="private")
    assert asks.list_asks(teammate, uow) == []
    assert asks.list_asks(teammate, uow, contact=shared.id) == []
    for call in (
        lambda i: asks.show_ask(teammate, uow, i),
        lambda i: asks.mark_asked(teammate, uow, i),
        lambda i: asks.add_ask_step(teammate, uow, i, "call", "tomorrow"),
        lambda i: asks.close_ask(teammate, uow, i, "withdrawn"),
        lambda i: asks.delete_ask(teammate, uow, i),
    ):
        with pytest.raises(NotFound) as hidden:
            call(mine.id)
        with pytest.raises(NotFound) as missing:
            call(999_999)
        assert hidden.value.message == missing.value.message.replace("999999", str(mine.id))
    assert asks.show_ask(owner, uow, mine.id).status == "draft"


def test_teammate_sees_my_shared_ask_but_may_not_change_it(owner, teammate, uow):
    shared = make_contact(owner, uow, name="Sam Shared", visibility="workspace")
    mine = _favor(owner, uow, shared.id, visibility="workspace", steps=[("call", "tomorrow")])
    seen = asks.show_ask(teammate, uow, mine.id)
    assert (seen.id, seen.contact, len(seen.steps)) == (mine.id, Ref(shared.id, "Sam Shared"), 1)
    assert [a.id for a in asks.list_asks(teammate, uow, contact=shared.id)] == [mine.id]
    assert asks.list_asks(teammate, uow) == []  # their own asks only
    with pytest.raises(PermissionDenied):
        asks.mark_asked(teammate, uow, mine.id)
    with pytest.raises(PermissionDenied):
        asks.delete_ask(teammate, uow, mine.id)
    assert asks.show_ask(owner, uow, mine.id).status == "planned"


def test_teammate_cannot_ask_about_my_private_contact(owner, teammate, uow):
    make_contact(owner, uow, name="Pat Private", add_emails=["pat@example.com"])
    for ref in ("Pat Private", "pat@example.com"):
        with pytest.raises(NotFound):
            _favor(teammate, uow, ref)
        with pytest.raises(NotFound):
            asks.ask_readiness(teammate, uow, ref)
    mine = make_contact(teammate, uow, name="Tess Team")
    hidden = asks.create_ask(teammate, uow, mine.id, "referral", target="Pat Private", **INTRO)
    # A hidden contact is no target: the text stays what the teammate typed, nothing more.
    assert (hidden.ask.target, hidden.ask.target_description) == (None, "Pat Private")
