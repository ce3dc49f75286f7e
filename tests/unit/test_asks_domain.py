"""Asking well, as pure rules: homework, the state machine, the plan step syntax,
and readiness (hand-computed dates and balances)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from goodwill.domain.asks import (
    LEDGER_KIND_OF_GRANTED,
    LOW_STRENGTH_THRESHOLD,
    QUESTIONS,
    AskKind,
    AskStatus,
    ask_readiness,
    check_homework,
    parse_ask_kind,
    parse_ask_status,
    parse_outcome,
    parse_step,
    transition,
)
from goodwill.domain.ledger import LedgerKind
from goodwill.errors import Conflict, ValidationFailed

TODAY = date(2024, 6, 10)


def test_parse_ask_kind_knows_the_five_kinds():
    names = ["favor", "introduction", "referral", "business", "advice"]
    assert [parse_ask_kind(n.title()).value for n in names] == names


def test_parse_ask_kind_unknown_names_the_field():
    with pytest.raises(ValidationFailed) as caught:
        parse_ask_kind("resume")
    assert caught.value.field == "kind" and "introduction" in caught.value.message


def test_parse_outcome_refuses_a_status_that_is_not_an_outcome():
    assert parse_outcome("Granted") is AskStatus.GRANTED
    with pytest.raises(ValidationFailed) as caught:
        parse_outcome("asked")
    assert caught.value.field == "outcome" and "granted, declined, withdrawn" in str(caught.value)
    with pytest.raises(ValidationFailed):
        parse_ask_status("maybe")


ALLOWED = {
    ("draft", "planned"),
    ("draft", "asked"),
    ("draft", "withdrawn"),
    ("planned", "asked"),
    ("planned", "withdrawn"),
    ("asked", "granted"),
    ("asked", "declined"),
    ("asked", "withdrawn"),
}
ALL_PAIRS = [(a.value, b.value) for a in AskStatus for b in AskStatus]


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED))
def test_transition_allowed_moves_return_the_new_status(source, target):
    assert transition(source, target) is AskStatus(target)


@pytest.mark.parametrize(("source", "target"), [p for p in ALL_PAIRS if p not in ALLOWED])
def test_transition_any_other_move_is_a_conflict_naming_from_and_to(source, target):
    with pytest.raises(Conflict) as caught:
        transition(source, target)
    assert f"from {source} to {target}" in caught.value.message


def test_transition_table_has_twenty_eight_refused_moves():
    # 6 statuses -> 36 pairs, 8 allowed: 28 refused (closed states go nowhere, nothing
    # goes back to draft, planned is not reached from asked).
    assert len([p for p in ALL_PAIRS if p not in ALLOWED]) == 28


def test_granted_ask_records_the_ledger_kind_of_the_same_name():
    assert {k.value: v for k, v in LEDGER_KIND_OF_GRANTED.items()} == {
        "favor": LedgerKind.FAVOR,
        "introduction": LedgerKind.INTRODUCTION,
        "referral": LedgerKind.REFERRAL,
        "business": LedgerKind.BUSINESS,
        "advice": LedgerKind.ADVICE,
    }
    assert set(LEDGER_KIND_OF_GRANTED) == set(AskKind)


def test_check_homework_favor_needs_only_what_and_why_them():
    work = check_homework("favor", "  Review my deck ", "they raised twice")
    assert (work.kind, work.what, work.why_them) == (
        AskKind.FAVOR,
        "Review my deck",
        "they raised twice",
    )
    assert (work.why_target_cares, work.blurb) == (None, None)


@pytest.mark.parametrize("kind", ["favor", "business", "advice", "introduction", "referral"])
@pytest.mark.parametrize("missing", ["what", "why_them"])
def test_check_homework_every_ask_needs_what_and_why_them(kind, missing):
    answers = {"what": "x", "why_them": "y", "why_target_cares": "z", "blurb": "b"}
    answers[missing] = "   "
    with pytest.raises(ValidationFailed) as caught:
        check_homework(kind, **answers)
    assert caught.value.field == missing
    assert QUESTIONS[missing] in caught.value.message


@pytest.mark.parametrize("kind", ["introduction", "referral"])
def test_check_homework_intro_without_why_target_cares_names_the_question(kind):
    with pytest.raises(ValidationFailed) as caught:
        check_homework(kind, "meet Dana", "you know her", None, "blurb")
    assert caught.value.field == "why_target_cares"
    assert "why the target would care (what is in it for them)" in caught.value.message
    assert kind in caught.value.message


@pytest.mark.parametrize("kind", ["introduction", "referral"])
def test_check_homework_intro_without_blurb_names_the_forwardable_blurb(kind):
    with pytest.raises(ValidationFailed) as caught:
        check_homework(kind, "meet Dana", "you know her", "she is hiring", "")
    assert caught.value.field == "blurb"
    assert "forwardable blurb" in caught.value.message


def test_check_homework_intro_with_every_answer_keeps_them():
    work = check_homework("introduction", "meet Dana", "you know her", "she is hiring", "Hi Dana…")
    assert (work.why_target_cares, work.blurb) == ("she is hiring", "Hi Dana…")


def test_check_homework_names_what_first_when_several_are_missing():
    with pytest.raises(ValidationFailed) as caught:
        check_homework("referral", None, None)
    assert caught.value.field == "what"


def test_check_homework_refuses_nul_bytes():
    with pytest.raises(ValidationFailed, match="NUL"):
        check_homework("favor", "a\x00b", "why")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("handwritten note@2024-06-03", ("handwritten note", "2024-06-03")),
        (
            "call at the agreed time@2024-06-06 15:00",
            ("call at the agreed time", "2024-06-06 15:00"),
        ),
        ("email a@b.com@+2d", ("email a@b.com", "+2d")),
    ],
)
def test_parse_step_splits_channel_and_when_at_the_last_at_sign(text, expected):
    assert parse_step(text) == expected


@pytest.mark.parametrize("text", ["call", "@today", "call@", "  @  "])
def test_parse_step_without_channel_or_when_is_refused(text):
    with pytest.raises(ValidationFailed) as caught:
        parse_step(text)
    assert caught.value.field == "step"


def test_ask_readiness_balanced_and_recent_has_no_warning():
    assert ask_readiness(0, TODAY - timedelta(days=10), TODAY) == []


def test_ask_readiness_balance_zero_is_not_negative():
    assert ask_readiness(0, TODAY, TODAY) == []


def test_ask_readiness_negative_balance_says_it_and_suggests_giving():
    [warning] = ask_readiness(-3, TODAY - timedelta(days=5), TODAY)
    assert warning.code == "negative_balance"
    assert "-3" in warning.message
    assert warning.suggestion.startswith("give first")


def test_ask_readiness_balance_minus_one_warns():
    assert [w.code for w in ask_readiness(-1, TODAY, TODAY)] == ["negative_balance"]


def test_ask_readiness_exactly_ninety_days_ago_is_still_recent():
    # 2024-03-12 + 90 days = 2024-06-10
    assert (TODAY - date(2024, 3, 12)).days == 90
    assert ask_readiness(0, date(2024, 3, 12), TODAY) == []


def test_ask_readiness_ninety_one_days_ago_warns_with_the_date_and_suggests_reconnecting():
    [warning] = ask_readiness(2, date(2024, 3, 11), TODAY)
    assert warning.code == "no_recent_interaction"
    assert "90 days" in warning.message
    assert "2024-03-11" in warning.message and "91 days ago" in warning.message
    assert warning.suggestion.startswith("reconnect first")


def test_ask_readiness_never_in_touch_says_never():
    [warning] = ask_readiness(0, None, TODAY)
    assert warning.code == "no_recent_interaction"
    assert "none was ever logged" in warning.message


def test_ask_readiness_both_reasons_give_two_warnings_balance_first():
    warnings = ask_readiness(-2, None, TODAY)
    assert [w.code for w in warnings] == ["negative_balance", "no_recent_interaction"]


def test_ask_readiness_custom_window():
    assert ask_readiness(0, TODAY - timedelta(days=30), TODAY, window_days=30) == []
    assert len(ask_readiness(0, TODAY - timedelta(days=31), TODAY, window_days=30)) == 1


def test_ask_readiness_touch_later_today_or_in_the_future_is_recent():
    assert ask_readiness(0, TODAY + timedelta(days=1), TODAY) == []


def test_ask_readiness_warns_below_the_strength_threshold_with_the_score():
    [warning] = ask_readiness(0, TODAY, TODAY, strength=12.4)
    assert warning.code == "weak_relationship"
    assert "12/100" in warning.message and f"{LOW_STRENGTH_THRESHOLD:.0f}" in warning.message
    assert warning.suggestion.startswith("strengthen the tie")


@pytest.mark.parametrize(
    ("strength", "warned"),
    [(LOW_STRENGTH_THRESHOLD - 0.1, True), (LOW_STRENGTH_THRESHOLD, False), (80.0, False)],
)
def test_ask_readiness_strength_threshold_boundary(strength, warned):
    codes = [w.code for w in ask_readiness(0, TODAY, TODAY, strength=strength)]
    assert codes == (["weak_relationship"] if warned else [])


def test_ask_readiness_unknown_strength_and_custom_threshold():
    assert ask_readiness(0, TODAY, TODAY, strength=None) == []
    assert len(ask_readiness(0, TODAY, TODAY, strength=40, strength_threshold=50)) == 1


def test_ask_readiness_weak_tie_comes_after_balance_and_recency():
    warnings = ask_readiness(-2, None, TODAY, strength=0)
    assert [w.code for w in warnings] == [
        "negative_balance",
        "no_recent_interaction",
        "weak_relationship",
    ]
