"""`goodwill coach`: review a draft ask, pitch, intro request or reply before sending it.

Stateless: no database and no acting user; the draft never leaves the caller.
"""

from __future__ import annotations

from goodwill.domain.coach import Report, parse_kind, review
from goodwill.domain.text import BODY_MAX
from goodwill.errors import ValidationFailed


def review_draft(text: str, kind: str = "auto") -> Report:
    """The coach's findings, verdict and score for a draft (kind: auto, ask, pitch,
    intro-request or reply)."""
    resolved = parse_kind(kind)
    if "\x00" in text:
        raise ValidationFailed("draft", "contains a NUL byte: is it a text file?")
    if not text.strip():
        raise ValidationFailed("draft", "is empty: write the message first, then ask the coach")
    if len(text) > BODY_MAX:
        raise ValidationFailed("draft", f"is longer than {BODY_MAX} characters")
    report = review(text, resolved)
    if not report.stats.sentences:
        raise ValidationFailed("draft", "has no message between the greeting and the sign-off")
    return report
