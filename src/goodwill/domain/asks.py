"""Asking well: the homework an ask needs, its states, and whether now is the time."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from goodwill.domain.ledger import LedgerKind
from goodwill.domain.text import SHORT_MAX, SUMMARY_MAX, clean_text
from goodwill.errors import Conflict, ValidationFailed

READINESS_WINDOW_DAYS = 90
# Below this relationship strength (0–100, domain.strength) an ask is likely to land as
# one from a near-stranger: readiness warns. 25 is roughly a single touch a few months
# ago, or a contact only ever reached by mass email.
LOW_STRENGTH_THRESHOLD = 25.0
CHANNEL_MAX = 100


class AskKind(enum.StrEnum):
    FAVOR = "favor"
    INTRODUCTION = "introduction"
    REFERRAL = "referral"
    BUSINESS = "business"
    ADVICE = "advice"


class AskStatus(enum.StrEnum):
    DRAFT = "draft"
    PLANNED = "planned"
    ASKED = "asked"
    GRANTED = "granted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


OPEN_STATUSES = frozenset({AskStatus.DRAFT, AskStatus.PLANNED, AskStatus.ASKED})
OUTCOMES = (AskStatus.GRANTED, AskStatus.DECLINED, AskStatus.WITHDRAWN)

_TRANSITIONS: dict[AskStatus, frozenset[AskStatus]] = {
    AskStatus.DRAFT: frozenset({AskStatus.PLANNED, AskStatus.ASKED, AskStatus.WITHDRAWN}),
    AskStatus.PLANNED: frozenset({AskStatus.ASKED, AskStatus.WITHDRAWN}),
    AskStatus.ASKED: frozenset({AskStatus.GRANTED, AskStatus.DECLINED, AskStatus.WITHDRAWN}),
    AskStatus.GRANTED: frozenset(),
    AskStatus.DECLINED: frozenset(),
    AskStatus.WITHDRAWN: frozenset(),
}

# What a granted ask is worth in the ledger: received, of the same nature.
LEDGER_KIND_OF_GRANTED: dict[AskKind, LedgerKind] = {
    AskKind.FAVOR: LedgerKind.FAVOR,
    AskKind.INTRODUCTION: LedgerKind.INTRODUCTION,
    AskKind.REFERRAL: LedgerKind.REFERRAL,
    AskKind.BUSINESS: LedgerKind.BUSINESS,
    AskKind.ADVICE: LedgerKind.ADVICE,
}

# The homework questions, in words: a refused ask names the one left unanswered.
QUESTIONS: dict[str, str] = {
    "what": "what exactly you are asking for",
    "why_them": "why this person (why them and not someone else)",
    "why_target_cares": "why the target would care (what is in it for them)",
    "blurb": "a forwardable blurb (a short text they can pass on as is)",
}
# Someone asked to introduce or refer the user passes the request on: the third
# person needs a reason to say yes, and words the asker can forward unchanged.
_NEEDS_TARGET_HOMEWORK = frozenset({AskKind.INTRODUCTION, AskKind.REFERRAL})


def parse_ask_kind(value: str, field: str = "kind") -> AskKind:
    try:
        return AskKind(value.strip().lower())
    except ValueError:
        choices = ", ".join(k.value for k in AskKind)
        raise ValidationFailed(field, f"'{value[:40]}' is not one of {choices}") from None


def parse_ask_status(value: str, field: str = "status") -> AskStatus:
    try:
        return AskStatus(value.strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in AskStatus)
        raise ValidationFailed(field, f"'{value[:40]}' is not one of {choices}") from None


def parse_outcome(value: str, field: str = "outcome") -> AskStatus:
    status = parse_ask_status(value, field)
    if status not in OUTCOMES:
        choices = ", ".join(s.value for s in OUTCOMES)
        raise ValidationFailed(field, f"'{value[:40]}' is not one of {choices}")
    return status


def transition(current: AskStatus | str, new: AskStatus | str) -> AskStatus:
    """The new status, if an ask may move there from `current`; Conflict otherwise."""
    source, target = AskStatus(current), AskStatus(new)
    if target not in _TRANSITIONS[source]:
        raise Conflict(f"an ask cannot go from {source.value} to {target.value}")
    return target


def needs_target_homework(kind: AskKind) -> bool:
    return kind in _NEEDS_TARGET_HOMEWORK


@dataclass(frozen=True)
class Homework:
    """The answers an ask is made of, cleaned."""

    kind: AskKind
    what: str
    why_them: str
    why_target_cares: str | None
    blurb: str | None


def check_homework(
    kind: AskKind | str,
    what: str | None,
    why_them: str | None,
    why_target_cares: str | None = None,
    blurb: str | None = None,
) -> Homework:
    """Every ask says what and why them; introductions and referrals also say why the
    target would care and give a forwardable blurb. A missing answer is refused by name."""
    ask_kind = kind if isinstance(kind, AskKind) else parse_ask_kind(kind)
    answers = {
        "what": clean_text(what, "what", max_len=SUMMARY_MAX, multiline=True),
        "why_them": clean_text(why_them, "why_them", max_len=SUMMARY_MAX, multiline=True),
        "why_target_cares": clean_text(
            why_target_cares, "why_target_cares", max_len=SUMMARY_MAX, multiline=True
        ),
        "blurb": clean_text(blurb, "blurb", max_len=SUMMARY_MAX, multiline=True),
    }
    required = ["what", "why_them"]
    if needs_target_homework(ask_kind):
        required += ["why_target_cares", "blurb"]
    for name in required:
        if answers[name] is None:
            raise ValidationFailed(
                name, f"an ask of kind {ask_kind.value} needs an answer to: {QUESTIONS[name]}"
            )
    return Homework(
        ask_kind,
        answers["what"] or "",
        answers["why_them"] or "",
        answers["why_target_cares"],
        answers["blurb"],
    )


def parse_step(text: str, field: str = "step") -> tuple[str, str]:
    """'CHANNEL@WHEN' (e.g. 'handwritten note@2024-06-03') -> (channel, when)."""
    channel, at, when = text.rpartition("@")
    if not at or not channel.strip() or not when.strip():
        raise ValidationFailed(
            field, f"'{text[:60]}' is not CHANNEL@WHEN (e.g. 'handwritten note@+2d')"
        )
    return clean_channel(channel, field), when.strip()


def clean_channel(value: str, field: str = "channel") -> str:
    return clean_text(value, field, max_len=CHANNEL_MAX, required=True) or ""


def clean_target_description(value: str, field: str = "target") -> str | None:
    return clean_text(value, field, max_len=SHORT_MAX)


@dataclass(frozen=True)
class ReadinessWarning:
    """Why now may be the wrong time to ask, and what to do first. Not an error."""

    code: str
    message: str
    suggestion: str


def ask_readiness(
    balance: int,
    last_touch: date | None,
    today: date,
    window_days: int = READINESS_WINDOW_DAYS,
    strength: float | None = None,
    strength_threshold: float = LOW_STRENGTH_THRESHOLD,
) -> list[ReadinessWarning]:
    """Warnings before asking: a negative balance, no interaction within the window, or
    a relationship strength below the threshold (None: not known, no warning).

    An interaction exactly `window_days` ago still counts as within it; a strength equal
    to the threshold does not warn.
    """
    warnings: list[ReadinessWarning] = []
    if balance < 0:
        warnings.append(
            ReadinessWarning(
                "negative_balance",
                f"the balance with them is {balance}: you have received more than you gave",
                "give first: an introduction, a referral, advice or an article they would value",
            )
        )
    if last_touch is None:
        warnings.append(
            ReadinessWarning(
                "no_recent_interaction",
                f"no interaction in the last {window_days} days: none was ever logged",
                "reconnect first: get in touch with nothing to ask, then ask later",
            )
        )
    elif (today - last_touch).days > window_days:
        days = (today - last_touch).days
        warnings.append(
            ReadinessWarning(
                "no_recent_interaction",
                f"no interaction in the last {window_days} days: the last was on "
                f"{last_touch.isoformat()}, {days} days ago",
                "reconnect first: get in touch with nothing to ask, then ask later",
            )
        )
    if strength is not None and strength < strength_threshold:
        warnings.append(
            ReadinessWarning(
                "weak_relationship",
                f"the relationship strength with them is {strength:.0f}/100, below "
                f"{strength_threshold:.0f}: to them this may feel like a stranger's ask",
                "strengthen the tie first: a few touches, a meeting, or something given",
            )
        )
    return warnings
