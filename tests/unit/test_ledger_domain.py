"""The ledger's pure rules: directions, kinds, weights and the balance (hand-computed)."""

from __future__ import annotations

import pytest

from goodwill.domain.ledger import (
    Balance,
    Direction,
    LedgerKind,
    compute_balance,
    parse_direction,
    parse_ledger_kind,
    parse_weight,
)
from goodwill.errors import ValidationFailed


@pytest.mark.parametrize(
    ("text", "expected"), [("gave", Direction.GAVE), (" RECEIVED ", Direction.RECEIVED)]
)
def test_parse_direction_accepts_either_direction_in_any_case(text, expected):
    assert parse_direction(text) is expected


def test_parse_direction_unknown_names_the_field_and_choices():
    with pytest.raises(ValidationFailed) as caught:
        parse_direction("lent")
    assert caught.value.field == "direction"
    assert "gave, received" in caught.value.message


def test_parse_ledger_kind_knows_every_kind_of_the_issue():
    names = [
        "favor",
        "introduction",
        "referral",
        "resume",
        "recommendation",
        "advice",
        "article",
        "business",
        "other",
    ]
    assert [parse_ledger_kind(n.upper()).value for n in names] == names
    assert [k.value for k in LedgerKind] == names


def test_parse_ledger_kind_unknown_names_the_field():
    with pytest.raises(ValidationFailed) as caught:
        parse_ledger_kind("bribe", "kind")
    assert caught.value.field == "kind"
    assert "'bribe'" in caught.value.message and "referral" in caught.value.message


@pytest.mark.parametrize(("value", "expected"), [(1, 1), (5, 5), ("3", 3), (" 2 ", 2)])
def test_parse_weight_accepts_one_to_five(value, expected):
    assert parse_weight(value) == expected


@pytest.mark.parametrize("value", [0, 6, 9, -1, "9", "0", "x", "", "2.5", True, "1" * 20])
def test_parse_weight_outside_one_to_five_is_refused_naming_the_weight(value):
    with pytest.raises(ValidationFailed) as caught:
        parse_weight(value)
    assert caught.value.field == "weight"
    assert str(caught.value).startswith("weight: ")


def test_parse_weight_nine_says_the_range():
    with pytest.raises(ValidationFailed, match=r"^weight: 9 is not between 1 and 5$"):
        parse_weight(9)


def test_compute_balance_of_nothing_is_zero():
    empty = compute_balance([])
    assert empty == Balance(0, 0, 0, 0)
    assert empty.balance == 0


def test_compute_balance_given_minus_received_with_counts():
    # gave 3 + 1 = 4 in two entries; received 5 + 2 + 1 = 8 in three: balance 4 - 8 = -4.
    entries = [("gave", 3), ("received", 5), (Direction.GAVE, 1), ("received", 2), ("received", 1)]
    result = compute_balance(entries)
    assert (result.given_weight, result.received_weight) == (4, 8)
    assert (result.given_count, result.received_count) == (2, 3)
    assert result.balance == -4


def test_compute_balance_even_exchange_is_zero_not_negative():
    result = compute_balance([("gave", 2), ("received", 2)])
    assert result.balance == 0


def test_compute_balance_only_giving_is_positive():
    assert compute_balance([("gave", 5), ("gave", 5)]).balance == 10
