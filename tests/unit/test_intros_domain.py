"""Double-opt-in introductions, as pure rules: every legal and illegal move, the homework,
whose consent counts, and the messages (defaults, placeholders, rendering)."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodwill.domain.intros import (
    DEFAULT_TEMPLATES,
    MADE_MESSAGE,
    MISSING_VALUE,
    MOVES,
    NEEDS_INFO_MESSAGE,
    OPEN_STATUSES,
    OPTIN,
    PLACEHOLDERS,
    QUESTIONS,
    Homework,
    IntroAction,
    IntroOutcome,
    IntroStatus,
    MessageValues,
    allowed_actions,
    check_consent,
    check_parties,
    check_ready_for_target,
    check_request,
    check_template,
    check_template_name,
    move,
    parse_decision,
    parse_outcome,
    parse_source,
    parse_status,
    render_message,
)
from goodwill.errors import Conflict, ValidationFailed

LEGAL = {
    ("requested", "ask-target"): "target-asked",
    ("requested", "decline"): "declined",
    ("requested", "tell-me-why"): "needs-info",
    ("needs-info", "answer"): "requested",
    ("needs-info", "decline"): "declined",
    ("target-asked", "target-declines"): "target-declined",
    ("target-asked", "target-agrees"): "target-agreed",
    ("target-agreed", "make"): "made",
    ("made", "record-outcome"): "closed",
}
ALL_PAIRS = [(s.value, a.value) for s in IntroStatus for a in IntroAction]
VALUES = MessageValues(
    requester="Ann Archer",
    target="Dana Diaz",
    goal="hire a payments lead",
    why_target="Dana is growing her team",
    blurb="Ann led payments at Stripe for six years.",
    me="Pat Introducer",
)


def test_the_state_machine_is_exactly_the_documented_one():
    table = {(s.value, a.value): t.value for s, moves in MOVES.items() for a, t in moves.items()}
    assert table == LEGAL
    assert {s.value for s in OPEN_STATUSES} == {
        "requested",
        "needs-info",
        "target-asked",
        "target-agreed",
        "made",
    }


@pytest.mark.parametrize(("state", "action"), sorted(LEGAL))
def test_move_legal_goes_to_the_next_state(state, action):
    assert move(state, action) == IntroStatus(LEGAL[(state, action)])
    assert IntroAction(action) in allowed_actions(state)


@pytest.mark.parametrize(("state", "action"), [p for p in ALL_PAIRS if p not in LEGAL])
def test_move_illegal_names_the_state_and_the_allowed_moves(state, action):
    with pytest.raises(Conflict) as caught:
        move(state, action)
    message = str(caught.value)
    assert f"an introduction that is '{state}'" in message
    allowed = [a.value for a in allowed_actions(state)]
    if allowed:
        assert message.endswith(f"allowed now: {', '.join(allowed)}")
    else:
        assert "allowed now: nothing" in message


def test_move_illegal_message_reads_well():
    with pytest.raises(Conflict) as caught:
        move(IntroStatus.REQUESTED, IntroAction.MAKE)
    assert str(caught.value) == (
        "cannot make an introduction that is 'requested': "
        "allowed now: ask-target, decline, tell-me-why"
    )
    with pytest.raises(Conflict) as caught:
        move("closed", "record-outcome")
    assert str(caught.value).endswith("allowed now: nothing, its outcome is recorded")


def test_move_unknown_action_is_a_validation_error():
    with pytest.raises(ValidationFailed) as caught:
        move("requested", "teleport")
    assert caught.value.field == "action" and "ask-target" in caught.value.reason


@given(st.lists(st.sampled_from(list(IntroAction)), max_size=30))
def test_random_action_sequences_stay_in_the_machine(actions):
    state = IntroStatus.REQUESTED
    for action in actions:
        if action in MOVES[state]:
            new = move(state, action)
            assert new == MOVES[state][action]
            state = new
        else:
            with pytest.raises(Conflict, match=f"that is '{state.value}'"):
                move(state, action)
        assert state in IntroStatus
        assert (state in OPEN_STATUSES) == bool(allowed_actions(state))


def test_parsers_read_case_spaces_and_underscores():
    assert parse_outcome("No follow up") is IntroOutcome.NO_FOLLOW_UP
    assert parse_outcome("no_follow_up") is IntroOutcome.NO_FOLLOW_UP
    assert parse_status("Needs Info") is IntroStatus.NEEDS_INFO
    assert parse_source("SUGGESTED").value == "suggested"
    assert parse_decision("Tell me why") is IntroAction.TELL_ME_WHY
    assert parse_decision("accept") is IntroAction.ASK_TARGET


@pytest.mark.parametrize(
    ("parse", "field", "choices"),
    [
        (parse_outcome, "outcome", "met, business, no-follow-up"),
        (parse_status, "status", "requested, declined, needs-info"),
        (parse_source, "source", "inbound, suggested, mine"),
        (parse_decision, "decision", "accept, decline, tell-me-why"),
    ],
)
def test_parsers_refuse_unknown_values_naming_the_choices(parse, field, choices):
    with pytest.raises(ValidationFailed) as caught:
        parse("maybe")
    assert caught.value.field == field and choices in caught.value.reason


@pytest.mark.parametrize("goal", [None, "", "   \n "])
def test_check_request_needs_the_why(goal):
    with pytest.raises(ValidationFailed) as caught:
        check_request(goal, "why", "blurb")
    assert caught.value.field == "goal"
    assert "must carry the why" in caught.value.reason and QUESTIONS["goal"] in caught.value.reason


def test_check_request_cleans_and_keeps_the_rest_optional():
    homework = check_request("  hire a lead \n", None, " ")
    assert homework == Homework("hire a lead", None, None)
    assert homework.missing_for_target == ["why_target", "blurb"]
    with pytest.raises(ValidationFailed) as caught:
        check_request("goal", "bad\x00", None)
    assert caught.value.field == "why_target"


def test_check_ready_for_target_names_every_missing_answer():
    with pytest.raises(ValidationFailed) as caught:
        check_ready_for_target(Homework("goal", None, None))
    assert caught.value.field == "why_target"
    assert QUESTIONS["why_target"] in caught.value.reason
    assert QUESTIONS["blurb"] in caught.value.reason
    with pytest.raises(ValidationFailed) as caught:
        check_ready_for_target(Homework("goal", "why", None))
    assert caught.value.field == "blurb" and "why_target" not in caught.value.reason
    done = Homework("goal", "why", "blurb")
    assert check_ready_for_target(done) is done


def test_check_parties_refuses_a_person_introduced_to_themselves():
    check_parties(1, 2)
    with pytest.raises(ValidationFailed) as caught:
        check_parties(7, 7)
    assert caught.value.field == "target"
    assert "an introduction of a person to themselves" in caught.value.reason


def test_check_consent_must_come_from_the_target():
    check_consent(2, 2, "Dana Diaz")
    with pytest.raises(ValidationFailed) as caught:
        check_consent(1, 2, "Dana Diaz")
    assert caught.value.field == "by"
    assert caught.value.reason == "consent must come from the target, Dana Diaz"


def test_default_templates_are_valid_and_use_known_placeholders_only():
    assert set(DEFAULT_TEMPLATES) == {OPTIN, MADE_MESSAGE, NEEDS_INFO_MESSAGE}
    for body in DEFAULT_TEMPLATES.values():
        assert check_template(body) == body.strip()


def test_optin_message_asks_the_target_with_the_reason_and_blurb():
    text = render_message(DEFAULT_TEMPLATES[OPTIN], VALUES)
    assert text.startswith("Subject: Would you like an introduction to Ann Archer?")
    assert "Hi Dana Diaz," in text
    for part in (VALUES.goal, VALUES.why_target, VALUES.blurb, "Pat Introducer"):
        assert part in text
    assert "Would you like me to introduce you?" in text and "$" not in text


def test_made_message_introduces_both():
    text = render_message(DEFAULT_TEMPLATES[MADE_MESSAGE], VALUES)
    assert "Hi Dana Diaz and Ann Archer," in text
    assert f"Dana Diaz, meet Ann Archer: {VALUES.blurb}" in text
    assert f"Ann Archer, meet Dana Diaz. Why I think you two should talk: {VALUES.why_target}" in (
        text
    )
    assert VALUES.goal in text and "$" not in text


def test_needs_info_reply_asks_the_four_homework_questions():
    text = render_message(DEFAULT_TEMPLATES[NEEDS_INFO_MESSAGE], VALUES)
    assert "Hi Ann Archer," in text
    for question in (
        "What are you trying to accomplish?",
        "Why do you think Dana Diaz needs this?",
        "What should I say when I suggest they talk to you?",
        "Why would they want the conversation?",
    ):
        assert question in text
    assert text.rstrip().endswith("Pat Introducer")


def test_render_missing_answers_as_an_ellipsis():
    values = MessageValues("Ann", "Dana", "goal", None, None, "me")
    assert render_message("[$why_target|${blurb}] $$5", values) == f"[{MISSING_VALUE}|…] $5"


def test_check_template_accepts_braces_and_dollars():
    body = "Hi ${target}, $requester wants $goal (costs $$0). $me"
    assert check_template(body) == body


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("Hi $name", "unknown placeholder $name"),
        ("Hi ${targett}", "unknown placeholder $targett"),
        ("line\ncosts $5", "a '$' on line 2 starts no placeholder"),
        ("", "must not be blank"),
        (None, "is required"),
    ],
)
def test_check_template_refuses_what_would_not_render(body, fragment):
    with pytest.raises(ValidationFailed) as caught:
        check_template(body)
    assert caught.value.field == "body" and fragment in caught.value.reason
    if "unknown" in fragment:
        assert all(f"${p}" in caught.value.reason for p in PLACEHOLDERS)


@given(st.text(alphabet=st.sampled_from("$ {}ab_\nmetargoblurb"), max_size=80) | st.text())
def test_render_never_raises_and_a_checked_body_fills_every_placeholder(body):
    rendered = render_message(body, VALUES)
    assert isinstance(rendered, str)
    try:
        checked = check_template(body)
    except ValidationFailed:
        return
    mapping = {name: getattr(VALUES, name) for name in PLACEHOLDERS}
    # Strict substitution raises on an unknown or malformed placeholder: none is left.
    assert render_message(checked, VALUES) == string.Template(checked).substitute(mapping)


def test_check_template_name_knows_the_three_templates():
    assert check_template_name(" Intro-Optin ") == "intro-optin"
    with pytest.raises(ValidationFailed) as caught:
        check_template_name("welcome")
    assert caught.value.field == "name" and "intro-needs-info" in caught.value.reason
