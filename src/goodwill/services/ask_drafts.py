"""An ask as it is being written: the homework still missing, whether now is the time
to ask this person (readiness), and the coach's findings on the words to send.

Nothing is saved: the web page previews a draft as its fields change, before the user
decides to create the ask (services.asks.create_ask).
"""

from __future__ import annotations

from dataclasses import dataclass

from goodwill.domain import asks as rules
from goodwill.domain.coach import Report
from goodwill.errors import GoodwillError
from goodwill.services import asks, coach
from goodwill.services.actor import Actor
from goodwill.services.asks import ReadinessView
from goodwill.storage.unit_of_work import UnitOfWork

# The coach reads the words that reach the person (and, for an introduction, the target).
COACH_KIND = {rules.AskKind.INTRODUCTION: "intro-request", rules.AskKind.REFERRAL: "intro-request"}


@dataclass(frozen=True)
class AskDraftReview:
    readiness: ReadinessView | None
    readiness_problem: str | None  # why readiness could not be checked (no such contact…)
    missing: list[str]  # the homework questions not answered yet, in words
    coach: Report | None
    coach_problem: str | None


def review_ask_draft(
    actor: Actor,
    uow: UnitOfWork,
    contact: str,
    kind: str,
    what: str = "",
    why_them: str = "",
    why_target_cares: str = "",
    blurb: str = "",
) -> AskDraftReview:
    """Everything the create form shows beside a draft ask; no error for a draft that is
    not finished, only what is missing."""
    try:
        ask_kind = rules.parse_ask_kind(kind)
    except GoodwillError:
        ask_kind = rules.AskKind.FAVOR
    answers = {"what": what, "why_them": why_them,
               "why_target_cares": why_target_cares, "blurb": blurb}  # fmt: skip
    required = ["what", "why_them"]
    if rules.needs_target_homework(ask_kind):
        required += ["why_target_cares", "blurb"]
    missing = [rules.QUESTIONS[n] for n in required if not answers[n].strip()]
    readiness, readiness_problem = None, None
    if contact.strip():
        try:
            readiness = asks.ask_readiness(actor, uow, contact)
        except GoodwillError as exc:
            readiness_problem = exc.message
    else:
        readiness_problem = "name the person to ask to see whether now is a good time"
    text = "\n\n".join(t.strip() for t in (what, why_target_cares, blurb) if t.strip())
    report, coach_problem = None, None
    if text:
        try:
            report = coach.review_draft(text, COACH_KIND.get(ask_kind, "ask"))
        except GoodwillError as exc:
            coach_problem = exc.message
    else:
        coach_problem = "write what you ask for and the coach reviews it here"
    return AskDraftReview(readiness, readiness_problem, missing, report, coach_problem)
