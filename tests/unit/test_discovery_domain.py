"""The discovery profile, as pure rules: the six questions, answer checks, and which
answer is the latest (hand-built answers, no database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodwill.domain.discovery import (
    ANSWER_MAX,
    QUESTION_KEYS,
    QUESTIONS,
    check_answers,
    check_learned_on,
    clean_answer,
    profile,
    question,
)
from goodwill.errors import ValidationFailed

TODAY = date(2024, 6, 10)


@dataclass(frozen=True)
class Answer:
    id: int
    question: str
    learned_on: date
    text: str = ""


def test_the_six_questions_in_order_with_prompts():
    assert QUESTION_KEYS == ("goal", "approach", "targets", "challenges", "change", "meaning")
    assert QUESTIONS[0].prompt == "What are they trying to accomplish?"
    assert QUESTIONS[2].prompt == "Who do they target / serve?"
    assert QUESTIONS[5].prompt == "What would it mean to them?"
    assert all(q.prompt.endswith("?") and q.label for q in QUESTIONS)
    assert all(len(q.key) <= 16 for q in QUESTIONS)  # the column's width


def test_question_ignores_case_and_spaces_and_refuses_unknown_keys():
    assert question(" Goal ").key == "goal"
    with pytest.raises(ValidationFailed) as caught:
        question("dreams")
    assert caught.value.field == "question" and "goal, approach" in caught.value.reason


def test_check_answers_cleans_and_orders_by_question():
    cleaned = check_answers({"meaning": "  freedom  ", "GOAL": "ten stores\nby 2026"})
    assert list(cleaned.items()) == [("goal", "ten stores\nby 2026"), ("meaning", "freedom")]


def test_check_answers_refuses_an_empty_set():
    with pytest.raises(ValidationFailed) as caught:
        check_answers({})
    assert caught.value.field == "answers"


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"goal": "   "}, "goal"),
        ({"challenges": "ok", "change": ""}, "change"),
        ({"goal": "x" * (ANSWER_MAX + 1)}, "goal"),
        ({"targets": "bad\x00byte"}, "targets"),
        ({"approach": "bell\x07"}, "approach"),
        ({"goal": "a", "wishes": "b"}, "question"),
        ({"goal": "a", " goal": "b"}, "goal"),
    ],
)
def test_check_answers_refuses_a_bad_answer_naming_the_field(answers, field):
    with pytest.raises(ValidationFailed) as caught:
        check_answers(answers)
    assert caught.value.field == field


def test_clean_answer_keeps_the_longest_allowed():
    assert clean_answer("goal", " " + "x" * ANSWER_MAX + " ") == "x" * ANSWER_MAX


def test_check_learned_on_refuses_the_future_only():
    assert check_learned_on(TODAY, TODAY) == TODAY
    assert check_learned_on(date(2001, 1, 1), TODAY) == date(2001, 1, 1)
    with pytest.raises(ValidationFailed) as caught:
        check_learned_on(TODAY + timedelta(days=1), TODAY)
    assert caught.value.field == "learned_on" and "2024-06-11" in caught.value.reason


def test_profile_latest_is_the_one_learned_last_not_recorded_last():
    older_but_recorded_later = Answer(3, "goal", date(2024, 1, 1))
    newer = Answer(2, "goal", date(2024, 5, 1))
    oldest = Answer(1, "goal", date(2023, 1, 1))
    found = profile([older_but_recorded_later, newer, oldest])
    assert found.latest == {"goal": newer}
    assert found.earlier["goal"] == [older_but_recorded_later, oldest]
    assert found.history == [newer, older_but_recorded_later, oldest]
    assert found.last_learned_on == date(2024, 5, 1)


def test_profile_same_day_the_last_recorded_wins():
    first, second = Answer(7, "challenges", TODAY), Answer(9, "challenges", TODAY)
    found = profile([second, first])
    assert found.latest["challenges"] is second and found.earlier["challenges"] == [first]


def test_profile_empty_and_unknown_questions():
    empty = profile([])
    assert (empty.latest, empty.history, empty.last_learned_on) == ({}, [], None)
    assert empty.earlier == {key: [] for key in QUESTION_KEYS}
    stray = Answer(1, "retired-question", TODAY)
    found = profile([stray])
    assert found.latest == {} and found.history == [stray]


answers_strategy = st.lists(
    st.builds(
        Answer,
        id=st.integers(1, 10_000),
        question=st.sampled_from(QUESTION_KEYS),
        learned_on=st.dates(date(2000, 1, 1), date(2030, 1, 1)),
    ),
    max_size=30,
    unique_by=lambda a: a.id,
)


@given(answers_strategy)
def test_profile_accounts_for_every_answer_once(answers):
    found = profile(answers)
    per_question = [[found.latest[k], *found.earlier[k]] for k in found.latest]
    assert sorted(a.id for group in per_question for a in group) == sorted(a.id for a in answers)
    assert all(not found.earlier[k] for k in QUESTION_KEYS if k not in found.latest)
    for key, latest in found.latest.items():
        rest = [(a.learned_on, a.id) for a in answers if a.question == key]
        assert (latest.learned_on, latest.id) == max(rest)
        ordered = [(a.learned_on, a.id) for a in found.earlier[key]]
        assert ordered == sorted(ordered, reverse=True)
    keys = [(a.learned_on, a.id) for a in found.history]
    assert keys == sorted(keys, reverse=True) and len(keys) == len(answers)
