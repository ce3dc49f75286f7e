"""Unit tests for goodwill.domain.interactions: channels, initiators, recipients."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.domain.interactions import (
    MAX_RECIPIENTS,
    Channel,
    Initiator,
    parse_channel,
    parse_initiator,
    validate_recipients,
)
from goodwill.errors import ValidationFailed


@pytest.mark.parametrize("channel", list(Channel))
def test_parse_channel_accepts_every_channel_value(channel: Channel) -> None:
    assert parse_channel(channel.value) is channel


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Coffee", Channel.COFFEE), ("  CALL ", Channel.CALL), ("eMail", Channel.EMAIL)],
)
def test_parse_channel_ignores_case_and_surrounding_space(raw: str, expected: Channel) -> None:
    assert parse_channel(raw) is expected


@pytest.mark.parametrize("raw", ["fax", "", "  ", "meetings", "e-mail"])
def test_parse_channel_rejects_unknown_listing_the_choices(raw: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_channel(raw)
    assert info.value.field == "channel"
    message = str(info.value)
    for channel in Channel:
        assert channel.value in message


def test_parse_channel_uses_given_field() -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_channel("fax", field="via")
    assert info.value.field == "via"
    assert "'fax'" in str(info.value)


def test_channel_values_are_the_documented_set() -> None:
    assert {c.value for c in Channel} == {"meeting", "call", "coffee", "email", "message", "social"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("me", Initiator.ME),
        ("them", Initiator.THEM),
        (" Them ", Initiator.THEM),
        ("ME", Initiator.ME),
    ],
)
def test_parse_initiator(raw: str, expected: Initiator) -> None:
    assert parse_initiator(raw) is expected


@pytest.mark.parametrize("raw", ["you", "", "us", "both"])
def test_parse_initiator_rejects_other_values(raw: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_initiator(raw)
    assert info.value.field == "initiated_by"
    assert "me, them" in str(info.value)


def test_parse_initiator_uses_given_field() -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_initiator("you", field="by")
    assert info.value.field == "by"


@pytest.mark.parametrize(("participants", "expected"), [(1, 1), (3, 3), (0, 1)])
def test_validate_recipients_defaults_to_participant_count_at_least_one(
    participants: int, expected: int
) -> None:
    assert validate_recipients(None, participants) == expected


@pytest.mark.parametrize(
    ("count", "participants"), [(1, 1), (5, 2), (MAX_RECIPIENTS, 1), (250, 250)]
)
def test_validate_recipients_accepts_counts_in_range(count: int, participants: int) -> None:
    assert validate_recipients(count, participants) == count


@pytest.mark.parametrize(
    ("count", "participants"), [(1, 2), (0, 1), (-1, 1), (MAX_RECIPIENTS + 1, 1)]
)
def test_validate_recipients_rejects_counts_out_of_range(count: int, participants: int) -> None:
    with pytest.raises(ValidationFailed) as info:
        validate_recipients(count, participants)
    assert info.value.field == "recipients"
    assert f"between {participants} and 100,000" in str(info.value)


@settings(max_examples=200)
@given(
    st.one_of(st.none(), st.integers(min_value=-10, max_value=MAX_RECIPIENTS + 10)),
    st.integers(min_value=1, max_value=200),
)
def test_validate_recipients_result_is_never_below_participants(
    count: int | None, participants: int
) -> None:
    try:
        result = validate_recipients(count, participants)
    except ValidationFailed:
        assert count is not None
        assert count < participants or count > MAX_RECIPIENTS
        return
    assert participants <= result <= MAX_RECIPIENTS
    assert result == (participants if count is None else count)
