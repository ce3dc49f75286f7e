"""The discovery profile: six questions about what a person or organization is after.

Every answer is dated (when the user learned it) and none is ever overwritten: a
new answer to a question is added, so the profile shows what was learned and when.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, Protocol, TypeVar

from goodwill.domain.text import clean_text
from goodwill.errors import ValidationFailed

ANSWER_MAX = 2_000


@dataclass(frozen=True)
class Question:
    key: str  # stored in discovery_answers.question
    prompt: str  # asked as is
    label: str  # a column heading


QUESTIONS: tuple[Question, ...] = (
    Question("goal", "What are they trying to accomplish?", "goal"),
    Question("approach", "How do they do it today?", "approach today"),
    Question("targets", "Who do they target / serve?", "who they serve"),
    Question("challenges", "What are their challenges?", "challenges"),
    Question("change", "What would they like to change?", "would change"),
    Question("meaning", "What would it mean to them?", "what it would mean"),
)
QUESTION_KEYS: tuple[str, ...] = tuple(q.key for q in QUESTIONS)
_BY_KEY = {q.key: q for q in QUESTIONS}


def question(key: str, field_name: str = "question") -> Question:
    """The question with this key (case and surrounding spaces ignored)."""
    found = _BY_KEY.get(key.strip().lower())
    if found is None:
        raise ValidationFailed(field_name, f"'{key[:40]}' is not one of {', '.join(QUESTION_KEYS)}")
    return found


def clean_answer(key: str, text: str | None) -> str:
    """An answer's text, stripped; blank, too long or with control characters is refused
    naming the question."""
    return clean_text(text, key, max_len=ANSWER_MAX, required=True, multiline=True) or ""


def check_answers(answers: Mapping[str, str | None]) -> dict[str, str]:
    """Answers by question key, cleaned, in the questions' order; at least one."""
    if not answers:
        raise ValidationFailed(
            "answers", f"give at least one answer (to {', '.join(QUESTION_KEYS)})"
        )
    cleaned: dict[str, str] = {}
    for raw_key, text in answers.items():
        key = question(raw_key).key
        if key in cleaned:
            raise ValidationFailed(key, "is answered twice")
        cleaned[key] = clean_answer(key, text)
    return {k: cleaned[k] for k in QUESTION_KEYS if k in cleaned}


def check_learned_on(day: date, today: date, field_name: str = "learned_on") -> date:
    """What was learned was learned by today: a date in the future is refused."""
    if day > today:
        raise ValidationFailed(
            field_name, f"{day.isoformat()} is in the future; record what you have learned"
        )
    return day


class DatedAnswer(Protocol):
    """What `profile` needs of an answer (a stored row or a view of one)."""

    @property
    def id(self) -> int: ...

    @property
    def question(self) -> str: ...

    @property
    def learned_on(self) -> date: ...


A = TypeVar("A", bound=DatedAnswer)


@dataclass(frozen=True)
class Profile(Generic[A]):
    """The latest answer per question, the earlier ones, and the whole history."""

    latest: dict[str, A] = field(default_factory=dict)  # question key -> answer
    earlier: dict[str, list[A]] = field(default_factory=dict)  # newest first
    history: list[A] = field(default_factory=list)  # every answer, newest learned first

    @property
    def last_learned_on(self) -> date | None:
        return self.history[0].learned_on if self.history else None


def profile(answers: Iterable[A]) -> Profile[A]:
    """Latest per question: the one learned last; on the same day, the one recorded last
    (the higher id). Answers to questions no longer asked stay in the history only."""
    history = sorted(answers, key=lambda a: (a.learned_on, a.id), reverse=True)
    latest: dict[str, A] = {}
    earlier: dict[str, list[A]] = {key: [] for key in QUESTION_KEYS}
    for answer in history:
        if answer.question not in _BY_KEY:
            continue
        if answer.question in latest:
            earlier[answer.question].append(answer)
        else:
            latest[answer.question] = answer
    return Profile(latest, earlier, history)
