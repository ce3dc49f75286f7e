"""Double-opt-in introductions, as pure rules: the states and the moves between them, the
homework a request needs, whose consent counts, and the messages the user sends.

The user is the introducer: a requester asks to meet a target the user knows. The
target is asked first (opt-in) and the introduction is made only once they agree::

    requested ──ask-target──▶ target-asked ──target-agrees──▶ target-agreed ──make──▶ made
     │    ▲                         │                                                │
     │    └──answer── needs-info    └──target-declines──▶ target-declined   record-outcome
     │                  │                                                            ▼
     ├──tell-me-why──▶──┘                                closed (met | business | no-follow-up)
     └──decline──▶ declined ◀──decline── needs-info

An outcome closes the introduction: its status becomes `closed` and the outcome is
kept beside it, so every state is one status and "made" means waiting for news.
"""

from __future__ import annotations

import enum
import string
from dataclasses import dataclass
from typing import TypeVar

from goodwill.domain.text import SUMMARY_MAX, clean_text
from goodwill.errors import Conflict, ValidationFailed


class IntroStatus(enum.StrEnum):
    REQUESTED = "requested"
    DECLINED = "declined"
    NEEDS_INFO = "needs-info"
    TARGET_ASKED = "target-asked"
    TARGET_DECLINED = "target-declined"
    TARGET_AGREED = "target-agreed"
    MADE = "made"
    CLOSED = "closed"


class IntroAction(enum.StrEnum):
    ASK_TARGET = "ask-target"
    DECLINE = "decline"
    TELL_ME_WHY = "tell-me-why"
    ANSWER = "answer"
    TARGET_AGREES = "target-agrees"
    TARGET_DECLINES = "target-declines"
    MAKE = "make"
    RECORD_OUTCOME = "record-outcome"


class IntroOutcome(enum.StrEnum):
    MET = "met"
    BUSINESS = "business"
    NO_FOLLOW_UP = "no-follow-up"


class IntroSource(enum.StrEnum):
    INBOUND = "inbound"  # someone asked the user
    SUGGESTED = "suggested"  # a way to give: a need matched to an offer
    MINE = "mine"  # the user's own idea


E = TypeVar("E", bound=enum.StrEnum)
S, A = IntroStatus, IntroAction
MOVES: dict[IntroStatus, dict[IntroAction, IntroStatus]] = {
    S.REQUESTED: {
        A.ASK_TARGET: S.TARGET_ASKED,
        A.DECLINE: S.DECLINED,
        A.TELL_ME_WHY: S.NEEDS_INFO,
    },
    S.NEEDS_INFO: {A.ANSWER: S.REQUESTED, A.DECLINE: S.DECLINED},
    S.TARGET_ASKED: {A.TARGET_DECLINES: S.TARGET_DECLINED, A.TARGET_AGREES: S.TARGET_AGREED},
    S.TARGET_AGREED: {A.MAKE: S.MADE},
    S.MADE: {A.RECORD_OUTCOME: S.CLOSED},
    S.DECLINED: {},
    S.TARGET_DECLINED: {},
    S.CLOSED: {},
}
OPEN_STATUSES = frozenset(s for s, moves in MOVES.items() if moves)
# Where the next move is the user's (the rest wait on the requester or the target).
WAITING_ON_ME = frozenset({S.REQUESTED, S.TARGET_AGREED, S.MADE})

# How an illegal move is named: "cannot <phrase> an introduction that is 'made'".
_PHRASES: dict[IntroAction, str] = {
    A.ASK_TARGET: "ask the target about",
    A.DECLINE: "decline",
    A.TELL_ME_WHY: "ask the requester why for",
    A.ANSWER: "record homework answers for",
    A.TARGET_AGREES: "record the target's yes to",
    A.TARGET_DECLINES: "record the target's no to",
    A.MAKE: "make",
    A.RECORD_OUTCOME: "record the outcome of",
}

# The triage decisions on a request, as the user says them.
DECISIONS: dict[str, IntroAction] = {
    "accept": A.ASK_TARGET,
    "decline": A.DECLINE,
    "tell-me-why": A.TELL_ME_WHY,
}

# The homework questions, in words; a refused request names the unanswered ones.
QUESTIONS: dict[str, str] = {
    "goal": "what is the requester trying to accomplish?",
    "why_target": "why would the target want the conversation?",
    "blurb": "what should I say when I suggest they talk to the requester?",
}


def _parse(kind: type[E], value: str, field: str) -> E:
    """A value of `kind`, case-insensitive, spaces and underscores read as hyphens."""
    key = "-".join(value.strip().lower().replace("_", " ").split())
    try:
        return kind(key)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise ValidationFailed(field, f"'{value[:40]}' is not one of {choices}") from None


def parse_status(value: str, field: str = "status") -> IntroStatus:
    return _parse(IntroStatus, value, field)


def parse_outcome(value: str, field: str = "outcome") -> IntroOutcome:
    return _parse(IntroOutcome, value, field)


def parse_source(value: str, field: str = "source") -> IntroSource:
    return _parse(IntroSource, value, field)


def parse_decision(value: str, field: str = "decision") -> IntroAction:
    key = "-".join(value.strip().lower().replace("_", " ").split())
    if key not in DECISIONS:
        choices = ", ".join(DECISIONS)
        raise ValidationFailed(field, f"'{value[:40]}' is not one of {choices}")
    return DECISIONS[key]


def allowed_actions(current: IntroStatus | str) -> list[IntroAction]:
    """The moves an introduction in `current` may make, in a stable order."""
    return list(MOVES[IntroStatus(current)])


def move(current: IntroStatus | str, action: IntroAction | str) -> IntroStatus:
    """The state after `action`; Conflict naming the state and the allowed moves if illegal."""
    state = IntroStatus(current)
    act = action if isinstance(action, IntroAction) else _parse(IntroAction, action, "action")
    moves = MOVES[state]
    if act not in moves:
        allowed = ", ".join(moves) if moves else f"nothing, {_finished(state)}"
        raise Conflict(
            f"cannot {_PHRASES[act]} an introduction that is '{state}': allowed now: {allowed}"
        )
    return moves[act]


def _finished(state: IntroStatus) -> str:
    if state is S.CLOSED:
        return "its outcome is recorded"
    return "it was declined"


@dataclass(frozen=True)
class Homework:
    """What an introduction is made of: the why, why the target would care, the blurb."""

    goal: str | None
    why_target: str | None
    blurb: str | None

    @property
    def missing_for_target(self) -> list[str]:
        """The answers the target's opt-in message cannot do without, by field."""
        return [name for name in QUESTIONS if getattr(self, name) is None]


def clean_homework(goal: str | None, why_target: str | None, blurb: str | None) -> Homework:
    def clean(value: str | None, field: str) -> str | None:
        return clean_text(value, field, max_len=SUMMARY_MAX, multiline=True)

    return Homework(clean(goal, "goal"), clean(why_target, "why_target"), clean(blurb, "blurb"))


def check_request(goal: str | None, why_target: str | None, blurb: str | None) -> Homework:
    """A request carries the why (the requester's goal); the rest may come later."""
    homework = clean_homework(goal, why_target, blurb)
    if homework.goal is None:
        raise ValidationFailed(
            "goal", f"an introduction request must carry the why: {QUESTIONS['goal']}"
        )
    return homework


def check_ready_for_target(homework: Homework) -> Homework:
    """Before the target is asked, the homework is done: the goal, why they would want
    the conversation, and the blurb to forward. A refusal names every missing answer."""
    missing = homework.missing_for_target
    if missing:
        listed = "; ".join(f"{name}: {QUESTIONS[name]}" for name in missing)
        raise ValidationFailed(
            missing[0], f"the homework is not done, so the target cannot be asked yet. {listed}"
        )
    return homework


def check_parties(requester_id: int, target_id: int) -> None:
    if requester_id == target_id:
        raise ValidationFailed(
            "target",
            "an introduction of a person to themselves: the requester and the target are "
            "the same contact",
        )


def check_consent(by_id: int, target_id: int, target_name: str) -> None:
    """Only the target can opt in (or out): the requester already asked."""
    if by_id != target_id:
        raise ValidationFailed("by", f"consent must come from the target, {target_name}")


# -- Messages --------------------------------------------------------------------------

OPTIN = "intro-optin"
MADE_MESSAGE = "intro-made"
NEEDS_INFO_MESSAGE = "intro-needs-info"
PLACEHOLDERS = ("requester", "target", "goal", "why_target", "blurb", "me")
TEMPLATE_NAME_MAX = 32
MISSING_VALUE = "…"

DEFAULT_TEMPLATES: dict[str, str] = {
    OPTIN: """\
Subject: Would you like an introduction to $requester?

Hi $target,

$requester asked me for an introduction to you, and I wanted to check with you first.

What they are trying to accomplish: $goal
Why I thought of you: $why_target

In their words: $blurb

Would you like me to introduce you? A no is completely fine; just reply either way.

$me
""",
    MADE_MESSAGE: """\
Subject: Introduction: $requester, meet $target

Hi $target and $requester,

As promised, I am introducing you to each other.

$target, meet $requester: $blurb

$requester, meet $target. Why I think you two should talk: $why_target

What $requester hopes to accomplish: $goal

I will step aside and let you two take it from here.

$me
""",
    NEEDS_INFO_MESSAGE: """\
Subject: Re: an introduction to $target

Hi $requester,

Happy to see whether an introduction to $target makes sense. So that I can ask them
properly, could you help me with a few questions?

1. What are you trying to accomplish?
2. Why do you think $target needs this?
3. What should I say when I suggest they talk to you? (A few lines I can forward as they are.)
4. Why would they want the conversation?

Thanks,
$me
""",
}
TEMPLATE_PURPOSES: dict[str, str] = {
    OPTIN: "to the target: would they like the introduction (reason and blurb)",
    MADE_MESSAGE: "the double introduction, to both",
    NEEDS_INFO_MESSAGE: "reply to the requester asking the homework questions",
}


@dataclass(frozen=True)
class MessageValues:
    """What the placeholders stand for; a missing answer renders as an ellipsis."""

    requester: str
    target: str
    goal: str | None
    why_target: str | None
    blurb: str | None
    me: str


def check_template_name(name: str, field: str = "name") -> str:
    key = name.strip().lower()
    if key not in DEFAULT_TEMPLATES:
        choices = ", ".join(DEFAULT_TEMPLATES)
        raise ValidationFailed(field, f"'{name[:40]}' is not one of {choices}")
    return key


def check_template(body: str | None, field: str = "body") -> str:
    """A template body whose every `$name` is a known placeholder (`$$` is a dollar)."""
    text = clean_text(body, field, max_len=SUMMARY_MAX, required=True, multiline=True) or ""
    for match in string.Template.pattern.finditer(text):
        name = match.group("named") or match.group("braced")
        if name is not None and name not in PLACEHOLDERS:
            raise ValidationFailed(
                field,
                f"unknown placeholder ${name}; known: " + ", ".join(f"${p}" for p in PLACEHOLDERS),
            )
        if match.group("invalid") is not None:
            line = text.count("\n", 0, match.start("invalid")) + 1
            raise ValidationFailed(
                field,
                f"a '$' on line {line} starts no placeholder; write $$ for a dollar sign",
            )
    return text


def render_message(body: str, values: MessageValues) -> str:
    """The message, placeholders filled in. Never raises: a stored body that somehow
    names an unknown placeholder keeps it as written."""
    mapping = {
        name: MISSING_VALUE if value is None else value
        for name, value in (
            ("requester", values.requester),
            ("target", values.target),
            ("goal", values.goal),
            ("why_target", values.why_target),
            ("blurb", values.blurb),
            ("me", values.me),
        )
    }
    return string.Template(body).safe_substitute(mapping)
